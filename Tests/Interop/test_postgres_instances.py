"""Two `herald serve` processes on one PostgreSQL database share the work.

Needs HERALD_TEST_DATABASE_URL (a server where the user may CREATE DATABASE; `.ci/run` starts one with
ops/postgres/test-server.sh); without it these tests are skipped and say why. Each test gets a database of its own.
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import threading
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from test_cli_tools import create

if TYPE_CHECKING:
    from conftest import Herald, HeraldServer, Receiver

SERVER_URL = os.environ.get("HERALD_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not SERVER_URL, reason="PostgreSQL tests skipped: HERALD_TEST_DATABASE_URL is not set (see ops/postgres/test-server.sh)"
)
ENDPOINTS = 20
MESSAGES = 2000


def psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True, timeout=60)


@pytest.fixture
def database_url() -> Iterator[str]:
    name = "herald_it_" + secrets.token_hex(6)
    psql(SERVER_URL, f"CREATE DATABASE {name}")
    parts = urlsplit(SERVER_URL)
    yield urlunsplit(parts._replace(path="/" + name))
    psql(SERVER_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def two_instances(herald_factory: Callable[..., HeraldServer], tmp_path: Path, url: str) -> list[HeraldServer]:
    env = {
        "HERALD_DATABASE_URL": url,
        "HERALD_MAIN_KEY": base64.b64encode(os.urandom(32)).decode(),
        "HERALD_REQUEST_TIMEOUT": "2s",
        "HERALD_LEASE_DURATION": "3s",
        "HERALD_POLL_INTERVAL": "200ms",
    }
    token = secrets.token_urlsafe(24)
    return [herald_factory(data_dir=tmp_path / f"instance-{i}", token=token, env=env) for i in range(2)]


def setup_endpoints(herald: Herald, receiver: Receiver) -> str:
    app = create(herald, "/api/v1/app", {"name": "Scale", "uid": "scale"})
    for i in range(ENDPOINTS):
        create(herald, f"/api/v1/app/{app['id']}/endpoint", {"url": receiver.url(f"/e{i}"), "eventTypes": [f"t.{i}"]})
    return app["id"]


def send(instances: list[HeraldServer], app_id: str, first: int, count: int) -> list[str]:
    """Sends messages first..first+count-1, alternating between the instances' APIs, from 8 threads."""
    ids: list[str] = [""] * count
    errors: list[object] = []

    def worker(offset: int) -> None:
        for k in range(offset, count, 8):
            n = first + k
            status, body = instances[n % 2].info.call(
                "POST", f"/api/v1/app/{app_id}/msg", {"eventType": f"t.{n % ENDPOINTS}", "payload": {"n": n}}
            )
            if status != 202:
                errors.append((status, body))
                return
            ids[k] = body["id"]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    return ids


def arrivals(receiver: Receiver) -> Counter[str]:
    return Counter(r.webhook_id for r in receiver.requests() if r.webhook_id)


def test_two_instances_deliver_every_message_exactly_once(
    herald_factory: Callable[..., HeraldServer], receiver: Receiver, tmp_path: Path, database_url: str
) -> None:
    instances = two_instances(herald_factory, tmp_path, database_url)
    app_id = setup_endpoints(instances[0].info, receiver)
    ids = send(instances, app_id, 0, MESSAGES)
    receiver.wait_for(lambda: set(ids) <= set(arrivals(receiver)), 120, f"{MESSAGES} deliveries")
    counts = arrivals(receiver)
    assert sorted(counts) == sorted(ids)
    assert max(counts.values()) == 1, [i for i, c in counts.items() if c > 1][:5]
    for i in range(ENDPOINTS):
        assert len(receiver.requests(f"/e{i}")) == MESSAGES // ENDPOINTS


def test_a_message_accepted_by_an_api_only_instance_is_delivered_by_the_other(
    herald_factory: Callable[..., HeraldServer], receiver: Receiver, tmp_path: Path, database_url: str
) -> None:
    env = {
        "HERALD_DATABASE_URL": database_url,
        "HERALD_MAIN_KEY": base64.b64encode(os.urandom(32)).decode(),
        "HERALD_POLL_INTERVAL": "30s",  # only a NOTIFY can wake the delivering instance in time
    }
    token = secrets.token_urlsafe(24)
    api = herald_factory(data_dir=tmp_path / "api", token=token, env={**env, "HERALD_DELIVERY": "off"})
    herald_factory(data_dir=tmp_path / "worker", token=token, env=env)
    app_id = setup_endpoints(api.info, receiver)
    sent = send([api, api], app_id, 0, 20)
    receiver.wait_for(lambda: set(sent) <= set(arrivals(receiver)), 10, "deliveries woken by NOTIFY")


def test_every_message_arrives_when_one_instance_is_killed_mid_run(
    herald_factory: Callable[..., HeraldServer], receiver: Receiver, tmp_path: Path, database_url: str
) -> None:
    instances = two_instances(herald_factory, tmp_path, database_url)
    app_id = setup_endpoints(instances[0].info, receiver)
    receiver.delay = (0.0, 0.01)
    ids = send(instances, app_id, 0, MESSAGES)
    receiver.wait_for(lambda: len(arrivals(receiver)) >= MESSAGES // 4, 60, "a quarter of the deliveries")
    instances[0].kill()
    receiver.wait_for(lambda: set(ids) <= set(arrivals(receiver)), 120, "every delivery after the kill")
    counts = arrivals(receiver)
    print(f"\npostgres kill -9: {MESSAGES} messages, {sum(counts.values()) - MESSAGES} duplicate deliveries")
