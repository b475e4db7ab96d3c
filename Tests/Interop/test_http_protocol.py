"""HTTP/1.1 behaviour of the served binary that clients rely on or abuse, spoken over a raw socket.

`Expect: 100-continue`: a client that sends it (curl before a body over 1 MiB, older releases over 1 KiB) holds the
body back until the server says `100 Continue`, or gives up waiting after about a second. These tests send the
body only after reading the server's answer to the head, so a server that does not answer fails them (by the
socket timeout) instead of making them slow.

`idle-timeout`: a connection that goes silent, between requests or inside one, is closed, so clients cannot hold
connections (and the server's file descriptors) forever.
"""

from __future__ import annotations

import json
import socket

import pytest
from urllib.parse import urlparse

from conftest import Herald

SOCKET_TIMEOUT_S = 10.0
MAX_BODY_BYTES = 1 << 20  # herald serve's default --max-body-bytes


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, reading responses head by head."""

    def __init__(self, herald: Herald) -> None:
        url = urlparse(herald.base_url)
        self.herald = herald
        self.sock = socket.create_connection((url.hostname, url.port), timeout=SOCKET_TIMEOUT_S)
        self.buffer = b""

    def send_head(self, method: str, path: str, length: int, expect: bool) -> None:
        lines = [f"{method} {path} HTTP/1.1", "Host: herald", f"Authorization: Bearer {self.herald.token}",
                 "Content-Type: application/json", f"Content-Length: {length}"]
        if expect:
            lines.append("Expect: 100-continue")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())

    def read_response(self) -> tuple[int, dict[str, str], bytes]:
        """The next response: status, headers (names lowercased) and body (by Content-Length)."""
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode().split("\r\n")
        headers = {name.strip().lower(): value.strip() for name, value in (h.split(":", 1) for h in header_lines)}
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._receive()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split()[1]), headers, body

    def _receive(self) -> None:
        chunk = self.sock.recv(65536)
        assert chunk, f"the server closed the connection; unread: {self.buffer!r}"
        self.buffer += chunk

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def make_app(herald: Herald) -> str:
    status, app = herald.call("POST", "/api/v1/app", {"name": "expect-continue"})
    assert status == 201, app
    return app["id"]


def stored_message_count(herald: Herald, app_id: str) -> int:
    status, page = herald.call("GET", f"/api/v1/app/{app_id}/msg")
    assert status == 200, page
    return len(page["data"])


def test_expect_100_continue_is_answered_before_the_body_is_sent(herald: Herald) -> None:
    app_id = make_app(herald)
    body = json.dumps({"eventType": "user.created", "payload": {"note": "x" * 4096}}).encode()
    with Connection(herald) as conn:
        for _ in range(2):  # twice on one connection: the interim answer must not confuse the next request
            conn.send_head("POST", f"/api/v1/app/{app_id}/msg", len(body), expect=True)
            status, _, _ = conn.read_response()
            assert status == 100
            conn.sock.sendall(body)
            status, _, out = conn.read_response()
            assert status == 202, out
            assert json.loads(out)["eventType"] == "user.created"
    assert stored_message_count(herald, app_id) == 2


def test_a_declared_body_over_the_limit_gets_413_without_being_sent(herald: Herald) -> None:
    app_id = make_app(herald)
    with Connection(herald) as conn:
        conn.send_head("POST", f"/api/v1/app/{app_id}/msg", MAX_BODY_BYTES + 1, expect=True)
        status, _, out = conn.read_response()
        assert status == 413, out
        assert json.loads(out)["code"] == "payload_too_large"
    assert stored_message_count(herald, app_id) == 0


def test_without_the_expectation_there_is_no_interim_response(herald: Herald) -> None:
    app_id = make_app(herald)
    body = json.dumps({"eventType": "user.created", "payload": {"n": 1}}).encode()
    with Connection(herald) as conn:
        conn.send_head("POST", f"/api/v1/app/{app_id}/msg", len(body), expect=False)
        conn.sock.sendall(body)
        status, _, out = conn.read_response()
        assert status == 202, out


def assert_closed_by_server(conn: Connection) -> None:
    """Reads until the server closes the connection; fails if it is still open after the socket timeout."""
    while True:
        try:
            chunk = conn.sock.recv(65536)
        except TimeoutError:
            pytest.fail(f"the server kept a silent connection open for {SOCKET_TIMEOUT_S}s")
        except ConnectionResetError:
            return
        if not chunk:
            return


@pytest.mark.herald_env(HERALD_IDLE_TIMEOUT="1s")
def test_silent_connections_are_closed_after_the_idle_timeout(herald: Herald) -> None:
    with Connection(herald) as silent:
        assert_closed_by_server(silent)

    app_id = make_app(herald)
    body = json.dumps({"eventType": "user.created", "payload": {"n": 1}}).encode()
    with Connection(herald) as after_a_request:
        after_a_request.send_head("POST", f"/api/v1/app/{app_id}/msg", len(body), expect=False)
        after_a_request.sock.sendall(body)
        assert after_a_request.read_response()[0] == 202
        assert_closed_by_server(after_a_request)

    with Connection(herald) as half_a_head:
        half_a_head.sock.sendall(f"POST /api/v1/app/{app_id}/msg HTTP/1.1\r\nHost: herald\r\n".encode())
        assert_closed_by_server(half_a_head)
    assert stored_message_count(herald, app_id) == 1
