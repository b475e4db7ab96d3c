"""Operations of a whole `herald serve` run: what /metrics reports after real traffic, and what the logs never carry.

One server runs at trace level with JSON logs. It gets real traffic: a second token made with the CLI, endpoints
with known secrets and a secret custom header, messages with a marked payload, deliveries that succeed and fail, a
secret rotation. Then its /metrics is scraped and its whole log is searched for every secret it saw.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from test_cli_tools import create, new_secret, run_herald
from waiting import eventually

if TYPE_CHECKING:
    from conftest import HeraldServer, Receiver

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(base_url: str, token: str) -> list[tuple[str, dict[str, str], float]]:
    """The samples of GET /metrics as (name, labels, value)."""
    req = urllib.request.Request(base_url + "/metrics", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        text = resp.read().decode()
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a Prometheus sample line: {line!r}"
        name, labels, value = match.groups()
        samples.append((name, dict(LABEL.findall(labels or "")), float(value)))
    return samples


def total(samples: list[tuple[str, dict[str, str], float]], name: str, **labels: str) -> float:
    return sum(v for n, l, v in samples if n == name and all(l.get(k) == want for k, want in labels.items()))


def test_metrics_after_real_traffic_and_logs_without_secrets(
    herald_factory: Callable[..., HeraldServer], receiver: Receiver, tmp_path: Path
) -> None:
    server = herald_factory(env={"HERALD_LOG_LEVEL": "trace", "HERALD_LOG_FORMAT": "json"})
    herald = server.info
    made = run_herald("token", "create", "--name", "ops-test", "--data-dir", str(server.data_dir))
    assert made.returncode == 0, made.stderr
    cli_token = made.stdout.strip()

    secret, rotated, header_secret = new_secret(), new_secret(), "hdr-" + os.urandom(12).hex()
    marker = "payload-marker-" + os.urandom(8).hex()
    app = create(herald, "/api/v1/app", {"name": "Ops", "uid": "ops"})
    good = create(herald, f"/api/v1/app/{app['id']}/endpoint", {
        "url": receiver.url("/good"), "secret": secret, "headers": {"Authorization": f"Bearer {header_secret}"},
    })
    receiver.respond("/bad", 500)
    create(herald, f"/api/v1/app/{app['id']}/endpoint", {"url": receiver.url("/bad")})
    for i in range(5):
        create(herald, f"/api/v1/app/{app['id']}/msg", {"eventType": "ops.test", "payload": {"n": i, "m": marker}})
    status, _ = herald.call("POST", f"/api/v1/app/{app['id']}/endpoint/{good['id']}/secret/rotate", {"key": rotated})
    assert status in (200, 204)
    receiver.wait_for(lambda: len(receiver.requests("/good")) >= 5, 20, "five deliveries to /good")
    receiver.wait_for(lambda: len(receiver.requests("/bad")) >= 5, 20, "failed attempts at /bad")
    assert all(r.headers["authorization"] == f"Bearer {header_secret}" for r in receiver.requests("/good"))

    samples = eventually(
        lambda: scrape(herald.base_url, cli_token),
        lambda s: total(s, "herald_delivery_attempts_total", outcome="failure") >= 5
        and total(s, "herald_delivery_attempts_total", outcome="success") >= 5,
        "attempt counters",
    )
    assert total(samples, "herald_messages_ingested_total") == 5
    assert total(samples, "herald_delivery_attempts_total", outcome="failure", error_kind="http_status") >= 5
    assert total(samples, "herald_delivery_attempt_duration_seconds_count", outcome="success") >= 5
    assert total(samples, "herald_deliveries_finished_total", result="success") >= 5
    assert total(samples, "herald_api_requests_total", route="/api/v1/app/{app_id}/msg", status="202") == 5
    assert total(samples, "herald_store_operation_duration_seconds_count", operation="create_message") >= 5
    names = {n for n, _, _ in samples}
    for gauge in ("herald_delivery_queue_depth", "herald_delivery_oldest_due_age_seconds",
                  "herald_endpoints_circuit_open", "herald_endpoints_disabled"):
        assert gauge in names, f"{gauge} missing from /metrics"
        assert all(v >= 0 for n, _, v in samples if n == gauge)
    for _, labels, _ in samples:
        for value in labels.values():
            assert not re.search(r"(app|ep|msg|atmpt)_[0-9A-Za-z]{10,}", value), f"an id in a label: {labels}"

    server.stop()
    log = (tmp_path / "herald.log").read_text(errors="replace")
    json_lines = [line for line in log.splitlines() if line.startswith("{")]
    assert json_lines, "no JSON log lines at trace level"
    for line in json_lines:
        event = json.loads(line)
        assert {"timestamp", "level", "message"} <= event.keys(), line
    forbidden = {
        "admin token": herald.token,
        "CLI token": cli_token,
        "endpoint secret": secret,
        "rotated secret": rotated,
        "secret key bytes (base64)": secret.removeprefix("whsec_"),
        "rotated key bytes (base64)": rotated.removeprefix("whsec_"),
        "header value": header_secret,
        "payload": marker,
    }
    for what, value in forbidden.items():
        assert value not in log, f"the log carries the {what}"
    raw = base64.b64decode(secret.removeprefix("whsec_"))
    for path in server.data_dir.iterdir():
        if path.name.startswith("herald.sqlite"):
            data = path.read_bytes()
            assert secret.encode() not in data and raw not in data, f"{path.name} holds the endpoint secret"
