"""Deliveries through an egress proxy (HERALD_OUTBOUND_PROXY), end to end.

A real forward proxy, tinyproxy (Debian's tinyproxy-bin, which .ci/run installs), runs on 127.0.0.1 and asks for
Basic credentials. `herald serve` delivers to the loopback receiver through it; every delivery must arrive with the
proxy's `Via` header and verify with `standardwebhooks` and `svix.webhooks`. With the proxy gone, attempts fail
with errorKind `proxy_failure`, and the message is delivered once the proxy is back.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import pytest
from conftest import free_port
from svix.api import ApplicationIn, EndpointIn, MessageIn
from test_delivery_interop import sdk, verify_both
from waiting import eventually

if TYPE_CHECKING:
    from conftest import HeraldServer, Receiver

USER, PASSWORD = "herald", "pr0xy-secret"


class TinyProxy:
    """tinyproxy in the foreground on a free loopback port, with Basic credentials."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.log = directory / "tinyproxy.log"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "TinyProxy":
        binary = shutil.which("tinyproxy") or "/usr/bin/tinyproxy"
        self.port = self.port or free_port()
        config = self.directory / "tinyproxy.conf"
        config.write_text("\n".join([
            f"Port {self.port}", "Listen 127.0.0.1", "Timeout 30", "MaxClients 64", "Allow 127.0.0.1",
            f'LogFile "{self.log}"', "LogLevel Connect", f"BasicAuth {USER} {PASSWORD}", "",
        ]))
        self.process = subprocess.Popen([binary, "-d", "-c", str(config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"tinyproxy exited: {self.log.read_text(errors='replace')}"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("tinyproxy did not start listening")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def url(self) -> str:
        return f"http://{USER}:{PASSWORD}@127.0.0.1:{self.port}"


@pytest.fixture
def tinyproxy(tmp_path: Path) -> Iterator[TinyProxy]:
    if shutil.which("tinyproxy") is None and not os.path.exists("/usr/bin/tinyproxy"):
        if os.environ.get("CI"):
            pytest.fail("tinyproxy is not installed (.ci/run installs tinyproxy-bin)")
        pytest.skip("needs tinyproxy (apt-get install tinyproxy-bin)")
    proxy = TinyProxy(tmp_path).start()
    yield proxy
    proxy.stop()


def attempts(server: HeraldServer, app: str, msg: str) -> list[dict]:
    status, body = server.info.call("GET", f"/api/v1/app/{app}/attempt/msg/{msg}")
    assert status == 200, body
    return body["data"]


def test_deliveries_go_through_the_proxy_and_wait_for_it(
    herald_factory: Callable[..., HeraldServer], receiver: Receiver, tinyproxy: TinyProxy, summary_line
) -> None:
    # Retries every 300 ms, and no circuit breaker, so the message sent while the proxy is down is retried until
    # it is back.
    server = herald_factory(env={
        "HERALD_OUTBOUND_PROXY": tinyproxy.url(),
        "HERALD_RETRY_SCHEDULE": ",".join(["300ms"] * 40),
        "HERALD_CIRCUIT_FAILURES": "1000",
    })
    svix = sdk(server)
    app = svix.application.create(ApplicationIn(name="proxied"))
    ep = svix.endpoint.create(app.id, EndpointIn(url=receiver.url("/via-proxy")))
    secret = svix.endpoint.get_secret(app.id, ep.id).key

    first = svix.message.create(app.id, MessageIn(event_type="user.created", payload={"n": 1}))
    got = receiver.wait_count(1, "/via-proxy", timeout=20)[0]
    assert "tinyproxy" in got.headers.get("via", ""), got.headers
    assert "proxy-authorization" not in got.headers, "the proxy's credentials reached the endpoint"
    assert got.webhook_id == first.id
    assert verify_both(secret, got, "webhook") == {"n": 1}
    assert f"POST http://127.0.0.1:{receiver.port}/via-proxy HTTP/1.1" in tinyproxy.log.read_text(errors="replace")

    # The proxy goes away: attempts fail as the proxy's failure, and nothing reaches the endpoint.
    tinyproxy.stop()
    second = svix.message.create(app.id, MessageIn(event_type="user.created", payload={"n": 2}))
    failed = eventually(lambda: attempts(server, app.id, second.id), lambda a: len(a) >= 1,
                        "an attempt without the proxy", timeout=20)
    assert all(a["errorKind"] == "proxy_failure" and a["responseStatusCode"] == 0 for a in failed), failed
    assert "outbound proxy" in failed[0]["response"], failed[0]["response"]
    assert receiver.count("/via-proxy") == 1

    # Back on the same port: a retry delivers the message.
    tinyproxy.start()
    delivered = eventually(lambda: [r for r in receiver.requests("/via-proxy") if r.webhook_id == second.id],
                           lambda r: len(r) >= 1, "the retry through the restarted proxy", timeout=30)
    assert verify_both(secret, delivered[0], "webhook") == {"n": 2}
    summary_line(f"outbound proxy: 2 messages delivered through tinyproxy, "
                 f"{len(attempts(server, app.id, second.id))} attempts for the one sent while it was down")
