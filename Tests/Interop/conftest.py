"""Fixtures that run a real `herald serve` process, and real webhook receivers, for the interop tests.

Each test gets its own server on a free loopback port, with a temporary data directory
and a random admin token (HERALD_ADMIN_TOKEN). The server's stdout/stderr go to
`herald.log` in the test's temp dir; when a test fails, the log's tail is added to the report.

Servers deliver webhooks: they run with DELIVERY_ENV (loopback allowed, short retries, fast polling);
`@pytest.mark.herald_env(NAME="value")` or `herald_factory(env={...})` adds or overrides variables.
`receiver` is an HTTP server on 127.0.0.1 that records every request it gets (see Receiver).

Binary: $HERALD_BIN, else `$(swift build --show-bin-path)/herald` (asked once), else `.build/debug/herald`.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping, NamedTuple

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
LOG_TAIL_LINES = 60

# Every test server delivers: receivers listen on loopback, which Herald blocks unless allowed.
DELIVERY_ENV: dict[str, str] = {
    "HERALD_ALLOWED_NETWORKS": "127.0.0.0/8",
    "HERALD_RETRY_SCHEDULE": "100ms,200ms,500ms",
    "HERALD_POLL_INTERVAL": "50ms",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "herald_env(**vars): extra environment for the `herald` fixture's server (overrides DELIVERY_ENV)"
    )


class Herald(NamedTuple):
    """What a test needs to talk to a running server; unpacks as (base_url, token, data_dir)."""

    base_url: str
    token: str
    data_dir: Path

    def call(self, method: str, path: str, body: object | None = None, timeout: float = 10) -> tuple[int, object]:
        """Plain JSON request without the SDK, for raw status codes and bodies. Returns (status, parsed body)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        try:
            return status, (json.loads(raw) if raw else None)
        except ValueError:
            return status, raw.decode(errors="replace")


@functools.lru_cache(maxsize=1)
def herald_binary() -> Path:
    """Resolves the server binary once per test session."""
    if env := os.environ.get("HERALD_BIN"):
        return Path(env)
    try:
        # May wait on SwiftPM's build lock while another build runs, hence the timeout.
        out = subprocess.run(
            ["swift", "build", "--show-bin-path"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return Path(out.stdout.strip().splitlines()[-1]) / "herald"
    except (OSError, subprocess.SubprocessError, IndexError):
        return REPO_ROOT / ".build" / "debug" / "herald"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


class HeraldServer:
    """One `herald serve` process. `start()` blocks until /api/v1/health answers 200."""

    def __init__(self, data_dir: Path, token: str, log_path: Path, env: Mapping[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.token = token
        self.log_path = log_path
        self.env = {**DELIVERY_ENV, **(env or {})}
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def info(self) -> Herald:
        return Herald(self.base_url, self.token, self.data_dir)

    def start(self) -> "HeraldServer":
        binary = herald_binary()
        if not binary.exists():
            pytest.fail(f"herald binary not found at {binary} (build it, or set HERALD_BIN)")
        env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
        env.update(self.env)
        env["HERALD_ADMIN_TOKEN"] = self.token
        # A port picked by free_port() can be taken before the server binds it: retry a few times.
        for _ in range(3):
            self.port = free_port()
            with self.log_path.open("ab") as log:
                log.write(f"\n=== herald serve --port {self.port} ===\n".encode())
                log.flush()
                self.proc = subprocess.Popen(
                    [str(binary), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                     "--data-dir", str(self.data_dir)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=env,
                )
            if self._wait_healthy():
                return self
            self.stop()
        pytest.fail(f"herald did not become healthy; log tail:\n{log_tail(self.log_path)}")

    def _wait_healthy(self) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.base_url}/api/v1/health", timeout=2) as resp:
                    if resp.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.05)
        return False

    def stop(self) -> int | None:
        """SIGTERM, wait, then SIGKILL if needed. Returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def kill(self) -> None:
        """SIGKILL: simulates a crash (no graceful shutdown)."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.fixture
def herald_factory(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[..., HeraldServer]]:
    """Starts servers on demand: `herald_factory(data_dir=..., token=..., env=...)`; all are stopped at teardown.

    Pass the same data_dir (and token) again to restart on existing data. `env` adds to DELIVERY_ENV.
    """
    servers: list[HeraldServer] = []
    request.node._herald_servers = servers

    def start(data_dir: Path | None = None, token: str | None = None, env: Mapping[str, str] | None = None) -> HeraldServer:
        data_dir = data_dir or tmp_path / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        server = HeraldServer(data_dir, token or secrets.token_urlsafe(24), tmp_path / "herald.log", env)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def herald(herald_factory: Callable[..., HeraldServer], request: pytest.FixtureRequest) -> Herald:
    """A fresh server: (base_url, token, data_dir). `@pytest.mark.herald_env(...)` adds environment."""
    env: dict[str, str] = {}
    for marker in reversed(list(request.node.iter_markers("herald_env"))):
        env.update(marker.kwargs)
    return herald_factory(env=env).info


# --- webhook receiver --------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One request a Receiver got, as it came off the wire."""

    path: str
    headers: dict[str, str]  # names lowercased
    raw_headers: list[tuple[str, str]]
    body: bytes
    at: float  # time.time() when the body had been read
    status: int  # what the receiver answered
    verify_error: str | None = None  # what Receiver.verifier raised on arrival, if anything

    @property
    def webhook_id(self) -> str | None:
        return self.headers.get("webhook-id") or self.headers.get("svix-id")

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class _Route:
    statuses: list[int] = field(default_factory=list)  # answered first, one per request
    then: int = 200  # answered once `statuses` is used up
    body: bytes = b"ok"


class Receiver:
    """A threaded HTTP server on 127.0.0.1 that records every request and answers per path.

    `respond("/p", 500)` makes /p answer 500 from now on; `respond("/p", 500, 500, then=200)` answers 500
    twice, then 200. Unknown paths answer 200. `delay=(lo, hi)` sleeps a random time in seconds before answering;
    `delays["/p"] = (lo, hi)` does so for one path. `max_in_flight("/p")` is the most requests to /p it was
    answering at one time.
    `verifier(received)`, when set, runs on arrival (signature timestamps are checked against the clock, so
    verifying long after arrival would fail); what it raises is kept in `verify_error`.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._routes: dict[str, _Route] = {}
        self._requests: list[Received] = []
        self.delay: tuple[float, float] | None = None
        self.delays: dict[str, tuple[float, float]] = {}
        self._in_flight: Counter[str] = Counter()
        self._max_in_flight: Counter[str] = Counter()
        self.verifier: Callable[[Received], object] | None = None
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like real endpoints
            timeout = 60

            def do_POST(self) -> None:
                receiver._handle(self)

            do_PUT = do_PATCH = do_GET = do_DELETE = do_POST

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

            def handle_error(self, request: object, client_address: object) -> None:
                # A sender that dies mid-request (the crash tests SIGKILL Herald) is expected, not an error.
                if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                    super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="receiver", daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def respond(self, path: str, *statuses: int, then: int | None = None, body: bytes | None = None) -> None:
        """`respond(path, 500)`: always 500. `respond(path, 500, 500, then=200)`: twice 500, then 200."""
        with self._lock:
            if then is None and len(statuses) == 1:
                route = _Route([], statuses[0])
            else:
                route = _Route(list(statuses), 200 if then is None else then)
            if body is not None:
                route.body = body
            self._routes[path] = route

    def _handle(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        body = self._read_body(handler)
        at = time.time()
        path = handler.path.split("?", 1)[0]
        with self._lock:
            self._in_flight[path] += 1
            self._max_in_flight[path] = max(self._max_in_flight[path], self._in_flight[path])
        delay = self.delays.get(path, self.delay)
        if delay:
            time.sleep(random.uniform(*delay))
        with self._lock:
            route = self._routes.get(path) or _Route()
            status = route.statuses.pop(0) if route.statuses else route.then
            raw = [(k, v) for k, v in handler.headers.items()]
            received = Received(path, {k.lower(): v for k, v in raw}, raw, body, at, status)
            if self.verifier is not None:
                try:
                    self.verifier(received)
                except Exception as err:  # noqa: BLE001 - recorded for the test to assert on
                    received = dataclasses.replace(received, verify_error=repr(err))
            self._requests.append(received)
            self._in_flight[path] -= 1
            self._lock.notify_all()
            reply = route.body
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(reply)))
        handler.end_headers()
        handler.wfile.write(reply)

    @staticmethod
    def _read_body(handler: http.server.BaseHTTPRequestHandler) -> bytes:
        if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(handler.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(handler.rfile.read(size))
                handler.rfile.readline()
        return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))

    def requests(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self._requests if path is None or r.path == path]

    def max_in_flight(self, path: str) -> int:
        with self._lock:
            return self._max_in_flight[path]

    def count(self, path: str | None = None) -> int:
        return len(self.requests(path))

    def wait_for(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        """Waits until `condition()` (called under no lock) holds; fails the test after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
            with self._lock:
                self._lock.wait(min(remaining, 0.05))

    def wait_count(self, n: int, path: str | None = None, timeout: float = 20) -> list[Received]:
        self.wait_for(lambda: self.count(path) >= n, timeout, f"{n} requests on {path or 'any path'}")
        return self.requests(path)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1 (its own free port), stopped at teardown."""
    r = Receiver()
    yield r
    r.close()


_SUMMARY_LINES: list[str] = []


@pytest.fixture
def summary_line() -> Callable[[str], None]:
    """Adds a line to the "herald" section printed at the end of the run (shown even with -q)."""
    return _SUMMARY_LINES.append


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _SUMMARY_LINES:
        terminalreporter.section("herald")
        for line in _SUMMARY_LINES:
            terminalreporter.write_line(line)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Adds each server's log tail to the report of a failed test."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        logs = {s.log_path for s in getattr(item, "_herald_servers", [])}
        for path in sorted(logs):
            report.sections.append((f"herald log tail ({path})", log_tail(path)))

