"""Fixtures that run a real `herald serve` process for the interop tests.

Each test gets its own server on a free loopback port, with a temporary data directory
and a random admin token (HERALD_ADMIN_TOKEN). The server's stdout/stderr go to
`herald.log` in the test's temp dir; when a test fails, the log's tail is added to the report.

Binary: $HERALD_BIN, else `$(swift build --show-bin-path)/herald` (asked once), else `.build/debug/herald`.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
LOG_TAIL_LINES = 60


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

    def __init__(self, data_dir: Path, token: str, log_path: Path) -> None:
        self.data_dir = data_dir
        self.token = token
        self.log_path = log_path
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
    """Starts servers on demand: `herald_factory(data_dir=..., token=...)`; all are stopped at teardown.

    Pass the same data_dir (and token) again to restart on existing data.
    """
    servers: list[HeraldServer] = []
    request.node._herald_servers = servers

    def start(data_dir: Path | None = None, token: str | None = None) -> HeraldServer:
        data_dir = data_dir or tmp_path / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        server = HeraldServer(data_dir, token or secrets.token_urlsafe(24), tmp_path / "herald.log")
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def herald(herald_factory: Callable[..., HeraldServer]) -> Herald:
    """A fresh server: (base_url, token, data_dir)."""
    return herald_factory().info


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

