"""The `herald` tools for people, run as a person would: `listen`, `verify`, `token list|revoke`, and the token
`serve` prints at first start.

`herald listen` receives real deliveries from a running `herald serve` and its stdout is read through a pipe;
`herald verify` checks a delivery captured off the wire by the conftest Receiver; token revocation is checked
against the running API (which learns of token changes within about a second).
"""

from __future__ import annotations

import base64
import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pytest
from conftest import STARTUP_TIMEOUT_S, Herald, free_port, herald_binary
from waiting import eventually

if TYPE_CHECKING:
    from conftest import HeraldServer, Receiver

LISTEN_START_TIMEOUT_S = 30.0


def new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    env.update(extra or {})
    return env


def run_herald(*args: str, env: dict[str, str] | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(herald_binary()), *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        env=cli_env(env),
        timeout=60,
    )


def create(herald: Herald, path: str, body: dict) -> dict:
    status, out = herald.call("POST", path, body)
    assert status in (201, 202), (path, status, out)
    return out


class PipedHerald:
    """A running `herald <args>` whose stdout is a pipe (as under systemd or docker), collected line by line on a
    thread."""

    def __init__(self, log_path: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self._lines: list[str] = []
        self._changed = threading.Condition()
        self._stderr = log_path.open("wb")
        self.proc = subprocess.Popen(
            [str(herald_binary()), *args],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
            env=cli_env(env),
        )
        threading.Thread(target=self._read, name=f"{args[0]}-stdout", daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            with self._changed:
                self._lines.append(raw.decode(errors="replace"))
                self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "".join(self._lines)

    def wait_for(self, condition: Callable[[str], bool], timeout: float, what: str) -> str:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition("".join(self._lines)):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.proc.poll() is not None:
                    pytest.fail(f"timed out waiting for {what}; herald printed:\n{''.join(self._lines)}")
                self._changed.wait(min(remaining, 0.1))
            return "".join(self._lines)

    def stop(self, sig: signal.Signals = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._stderr.close()
        return self.proc.returncode


class Listener(PipedHerald):
    """A running `herald listen --port 0 …`."""

    def __init__(self, log_path: Path, *args: str, env: dict[str, str] | None = None) -> None:
        super().__init__(log_path, "listen", "--port", "0", *args, env=env)
        first = self.wait_for(lambda text: "Listening for webhooks on" in text, LISTEN_START_TIMEOUT_S, "listen to start")
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert match, first
        self.port = int(match.group(1))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def report_for(self, message_id: str, timeout: float = 30) -> str:
        """The first complete report (ending in a blank line) of a delivery of `message_id`."""
        marker = f"webhook-id:        {message_id}\n"
        text = self.wait_for(
            lambda t: marker in t and "\n\n" in t[t.index(marker):], timeout, f"a delivery of {message_id}"
        )
        start = text.rfind("━━━", 0, text.index(marker))
        return text[start:text.index("\n\n", text.index(marker))]


@pytest.fixture
def listen(tmp_path: Path):
    """Starts `herald listen` processes: `listen("--secret", s)`; all are interrupted at teardown."""
    started: list[Listener] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Listener:
        listener = Listener(tmp_path / f"listen-{len(started)}.log", *args, env=env)
        started.append(listener)
        return listener

    yield start
    for listener in started:
        listener.stop()


def attempt_statuses(herald: Herald, app_id: str, msg_id: str) -> list[int]:
    status, body = herald.call("GET", f"/api/v1/app/{app_id}/attempt/msg/{msg_id}")
    assert status == 200, body
    return [a["responseStatusCode"] for a in body["data"]]


# --- herald listen -------------------------------------------------------------------------------


def test_listen_prints_a_verified_delivery_and_answers_the_chosen_status(herald: Herald, listen) -> None:
    secret = new_secret()
    listener = listen("--secret", secret, "--status", "202")
    app = create(herald, "/api/v1/app", {"name": "listen"})
    create(herald, f"/api/v1/app/{app['id']}/endpoint", {"url": listener.url("/hooks/orders"), "secret": secret})
    msg = create(herald, f"/api/v1/app/{app['id']}/msg",
                 {"eventType": "order.paid", "payload": {"order": "A-17", "amount": 12.50, "lines": [1, 2]}})

    report = listener.report_for(msg["id"])
    assert "POST /hooks/orders" in report.splitlines()[0]
    assert "VERIFIED: the signature matches" in report
    assert "SIGNATURE FAILED" not in report
    assert re.search(r"^webhook-timestamp: \d+ \(\d{4}-\d\d-\d\dT", report, re.M), report
    assert "  content-type: application/json" in report
    assert '  "order": "A-17",' in report and '  "amount": 12.5,' in report, report
    assert "answered 202" in report
    assert secret not in listener.output

    assert eventually(lambda: attempt_statuses(herald, app["id"], msg["id"]), lambda s: s == [202],
                      "one attempt recorded with status 202") == [202]
    assert listener.stop() == 0, "listen did not shut down cleanly on SIGINT"


def test_listen_with_the_wrong_secret_prints_a_failed_verification(herald: Herald, listen) -> None:
    listener = listen("--status", "410", env={"HERALD_LISTEN_SECRET": new_secret()})
    app = create(herald, "/api/v1/app", {"name": "listen-wrong"})
    create(herald, f"/api/v1/app/{app['id']}/endpoint", {"url": listener.url("/hook"), "secret": new_secret()})
    msg = create(herald, f"/api/v1/app/{app['id']}/msg", {"eventType": "user.created", "payload": {"id": 1}})

    report = listener.report_for(msg["id"])
    assert "SIGNATURE FAILED: No webhook signature matches any of the expected secrets." in report, report
    assert "VERIFIED:" not in report
    assert "answered 410" in report
    eventually(lambda: attempt_statuses(herald, app["id"], msg["id"]), lambda s: s[:1] == [410],
               "the attempt recorded with status 410")


def test_listen_answers_405_to_other_methods_and_stops_on_sigterm(listen) -> None:
    import urllib.error
    import urllib.request

    listener = listen("--path", "/only")
    with pytest.raises(urllib.error.HTTPError) as wrong_method:
        urllib.request.urlopen(urllib.request.Request(listener.url("/only"), method="GET"), timeout=10)
    assert wrong_method.value.code == 405
    with pytest.raises(urllib.error.HTTPError) as wrong_path:
        urllib.request.urlopen(urllib.request.Request(listener.url("/other"), data=b"{}", method="POST"), timeout=10)
    assert wrong_path.value.code == 404
    with urllib.request.urlopen(urllib.request.Request(listener.url("/only"), data=b"{}", method="POST"), timeout=10) as r:
        assert r.status == 204
    listener.wait_for(lambda t: "NOT VERIFIED: no --secret given" in t, 10, "the unverified delivery")
    listener.proc.send_signal(signal.SIGTERM)
    assert listener.proc.wait(timeout=10) == 0


# --- herald verify -------------------------------------------------------------------------------


def test_verify_checks_a_saved_delivery_and_fails_on_one_changed_byte(
    herald: Herald, receiver: Receiver, tmp_path: Path
) -> None:
    secret = new_secret()
    app = create(herald, "/api/v1/app", {"name": "verify"})
    create(herald, f"/api/v1/app/{app['id']}/endpoint", {"url": receiver.url("/saved"), "secret": secret})
    create(herald, f"/api/v1/app/{app['id']}/msg", {"eventType": "user.created", "payload": {"name": "Ada"}})
    received = receiver.wait_count(1, "/saved")[0]

    # Saved as a proxy log would: the request line, then the headers as they came off the wire, CRLF.
    payload = tmp_path / "payload.json"
    payload.write_bytes(received.body)
    headers = tmp_path / "headers.txt"
    headers.write_bytes(("POST /saved HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in received.raw_headers)
                         + "\r\n").encode())

    ok = run_herald("verify", "--secret", secret, "--payload", str(payload), "--headers", str(headers))
    assert (ok.returncode, ok.stdout) == (0, "verified\n"), ok.stderr

    piped = run_herald("verify", "--payload", "-", "--headers", str(headers), env={"HERALD_LISTEN_SECRET": secret},
                       stdin=received.body)
    assert (piped.returncode, piped.stdout) == (0, "verified\n"), piped.stderr

    flags = [arg for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
             for arg in ("--header", f"{name}: {received.headers[name]}")]
    assert run_herald("verify", "--secret", secret, "--payload", str(payload), *flags).returncode == 0

    changed = bytearray(received.body)
    changed[changed.index(b"Ada")] = ord("E")
    payload.write_bytes(bytes(changed))
    bad = run_herald("verify", "--secret", secret, "--payload", str(payload), "--headers", str(headers))
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    assert "not verified: No webhook signature matches" in bad.stderr
    assert secret not in bad.stderr


def test_verify_rejects_a_stale_timestamp_unless_told_to_ignore_it(
    herald: Herald, receiver: Receiver, tmp_path: Path
) -> None:
    secret = new_secret()
    app = create(herald, "/api/v1/app", {"name": "verify-old"})
    create(herald, f"/api/v1/app/{app['id']}/endpoint", {"url": receiver.url("/old"), "secret": secret})
    create(herald, f"/api/v1/app/{app['id']}/msg", {"eventType": "user.created", "payload": {"n": 1}})
    received = receiver.wait_count(1, "/old")[0]
    payload = tmp_path / "payload.json"
    payload.write_bytes(received.body)
    headers = [arg for k, v in received.headers.items() if k.startswith("webhook-") for arg in ("--header", f"{k}: {v}")]
    while time.time() < int(received.headers["webhook-timestamp"]) + 1.5:
        time.sleep(0.1)

    stale = run_herald("verify", "--secret", secret, "--payload", str(payload), "--tolerance", "1s", *headers)
    assert stale.returncode == 1
    assert "too far from the current time" in stale.stderr and "--ignore-timestamp" in stale.stderr, stale.stderr
    ignored = run_herald("verify", "--secret", secret, "--payload", str(payload), "--tolerance", "1s",
                         "--ignore-timestamp", *headers)
    assert (ignored.returncode, ignored.stdout) == (0, "verified\n"), ignored.stderr


# --- herald token list / revoke --------------------------------------------------------------------


def test_token_list_and_revoke_and_the_api_refuses_a_revoked_token(
    herald_factory: Callable[..., HeraldServer], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    created = run_herald("token", "create", "--name", "ci-bot", "--data-dir", str(data))
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    server = herald_factory(data_dir=data)
    as_ci = server.info._replace(token=token)
    assert as_ci.call("GET", "/api/v1/app")[0] == 200

    listed = run_herald("token", "list", "--data-dir", str(data))
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if "ci-bot" in line)
    token_id = row.split()[0]
    assert token_id.startswith("tok_") and row.rstrip().endswith("live"), listed.stdout
    assert token not in listed.stdout

    revoked = run_herald("token", "revoke", token_id, "--data-dir", str(data))
    assert revoked.returncode == 0, revoked.stderr
    assert revoked.stdout.startswith(f"Revoked token {token_id} (ci-bot).")
    again = run_herald("token", "revoke", token_id, "--data-dir", str(data))
    assert again.returncode == 0 and "already revoked" in again.stdout, again
    unknown = run_herald("token", "revoke", "tok_doesnotexist", "--data-dir", str(data))
    assert unknown.returncode == 1
    assert unknown.stderr.strip().count("\n") == 0 and "tok_doesnotexist" in unknown.stderr, unknown.stderr

    relisted = run_herald("token", "list", "--data-dir", str(data)).stdout
    assert re.search(rf"^{token_id}\s+ci-bot\s+\S+\s+all\s+revoked \d{{4}}-", relisted, re.M), relisted
    # The running server looks for token changes every second and forgets its cached answer (kept 10 s otherwise).
    eventually(lambda: as_ci.call("GET", "/api/v1/app")[0], lambda s: s == 401, "the revoked token to get 401",
               timeout=4)
    assert server.info.call("GET", "/api/v1/app")[0] == 200, "the admin token stopped working"

    # A token for one application: it reads that application and nothing else.
    assert server.info.call("POST", "/api/v1/app", {"name": "Acme", "uid": "acme"})[0] == 201
    scoped = run_herald("token", "create", "--name", "acme-portal", "--app", "acme", "--capabilities", "ViewBase",
                        "--expires-in", "1h", "--data-dir", str(data))
    assert scoped.returncode == 0, scoped.stderr
    as_acme = server.info._replace(token=scoped.stdout.strip())
    assert as_acme.call("GET", "/api/v1/app/acme")[0] == 200
    assert as_acme.call("GET", "/api/v1/app")[0] == 403
    assert as_acme.call("POST", "/api/v1/app/acme/endpoint", {"url": "https://example.com/h"})[0] == 403
    row = next(line for line in run_herald("token", "list", "--data-dir", str(data)).stdout.splitlines()
               if "acme-portal" in line)
    assert re.search(r"\sapp_\w+ ViewBase\s+live until \d{4}-", row), row
    unknown_app = run_herald("token", "create", "--app", "nobody", "--data-dir", str(data))
    assert unknown_app.returncode == 1 and "nobody" in unknown_app.stderr, unknown_app


# --- herald serve: the token of the first start ----------------------------------------------------


def test_serve_prints_its_first_token_at_once_through_a_pipe_and_never_again(tmp_path: Path) -> None:
    """Under systemd or docker stdout is a pipe, which stdio buffers: the token must show while the server runs,
    not when it exits (or never, after a kill -9)."""
    data = tmp_path / "data"

    def apps(server: Herald) -> tuple[int, object]:
        try:
            return server.call("GET", "/api/v1/app")
        except OSError as error:  # not listening yet
            return 0, str(error)

    def serve(log_name: str) -> tuple[PipedHerald, int]:
        port = free_port()
        server = PipedHerald(tmp_path / log_name, "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--data-dir", str(data))
        return server, port

    first, port = serve("serve-first.log")
    try:
        text = first.wait_for(lambda t: re.search(r"Created API token: hrld_\S+\n", t) is not None,
                              STARTUP_TIMEOUT_S, "the first start's token")
        token = re.search(r"Created API token: (hrld_\S+)\n", text).group(1)
        assert first.proc.poll() is None, "the token showed only once the server had exited"
        server = Herald(f"http://127.0.0.1:{port}", token, data)
        _, body = eventually(lambda: apps(server), lambda r: r[0] == 200, "the printed token to be accepted",
                                  timeout=STARTUP_TIMEOUT_S)
        assert body["data"] == [], body
        assert server._replace(token=token + "x").call("GET", "/api/v1/app")[0] == 401
    finally:
        first.stop(signal.SIGKILL)

    again, port = serve("serve-again.log")
    try:
        server = Herald(f"http://127.0.0.1:{port}", token, data)
        eventually(lambda: apps(server)[0], lambda s: s == 200, "the restarted server to accept the first token",
                   timeout=STARTUP_TIMEOUT_S)
    finally:
        assert again.stop(signal.SIGTERM) == 0
    assert "Created API token" not in again.output, again.output


def test_serve_on_a_taken_port_says_so_in_one_line_and_exits_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_herald("serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(tmp_path / "data"),
                            env={"HERALD_ADMIN_TOKEN": "t" * 32})
    assert result.returncode == 1, result
    assert result.stderr.splitlines()[-1] == f"herald: cannot serve on 127.0.0.1:{port}: Address already in use", \
        result.stderr
