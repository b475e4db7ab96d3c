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
import time
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


def two_instances(
    herald_factory: Callable[..., HeraldServer], tmp_path: Path, url: str, extra: dict[str, str] | None = None
) -> list[HeraldServer]:
    env = {
        "HERALD_DATABASE_URL": url,
        "HERALD_MAIN_KEY": base64.b64encode(os.urandom(32)).decode(),
        "HERALD_REQUEST_TIMEOUT": "2s",
        "HERALD_LEASE_DURATION": "3s",
        "HERALD_POLL_INTERVAL": "200ms",
        **(extra or {}),
    }
    token = secrets.token_urlsafe(24)
    return [herald_factory(data_dir=tmp_path / f"instance-{i}", token=token, env=env) for i in range(2)]


def setup_endpoints(herald: Herald, receiver: Receiver) -> str:
    app = create(herald, "/api/v1/app", {"name": "Scale", "uid": "scale"})
    for i in range(ENDPOINTS):
        create(herald, f"/api/v1/app/{app['id']}/endpoint", {"url": receiver.url(f"/e{i}"), "eventTypes": [f"t.{i}"]})
    return app["id"]


def send(
    instances: list[HeraldServer], app_id: str, first: int, count: int, event_type: Callable[[int], str] | None = None
) -> list[str]:
    """Sends messages first..first+count-1, alternating between the instances' APIs, from 8 threads; message n has
    event type `event_type(n)` (default `t.{n % ENDPOINTS}`)."""
    ids: list[str] = [""] * count
    errors: list[object] = []

    def worker(offset: int) -> None:
        for k in range(offset, count, 8):
            n = first + k
            status, body = instances[n % 2].info.call(
                "POST",
                f"/api/v1/app/{app_id}/msg",
                {"eventType": event_type(n) if event_type else f"t.{n % ENDPOINTS}", "payload": {"n": n}},
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


def test_an_endpoints_throttle_rate_and_concurrency_cap_hold_across_two_instances(
    herald_factory: Callable[..., HeraldServer],
    receiver: Receiver,
    tmp_path: Path,
    database_url: str,
    summary_line: Callable[[str], None],
) -> None:
    rate, cap = 10, 4
    instances = two_instances(herald_factory, tmp_path, database_url, {"HERALD_ENDPOINT_CONCURRENCY": str(cap)})
    app = create(instances[0].info, "/api/v1/app", {"name": "Limits", "uid": "limits"})
    create(
        instances[0].info,
        f"/api/v1/app/{app['id']}/endpoint",
        {"url": receiver.url("/throttled"), "eventTypes": ["throttled"], "throttleRate": rate},
    )
    create(instances[1].info, f"/api/v1/app/{app['id']}/endpoint", {"url": receiver.url("/capped"), "eventTypes": ["capped"]})
    receiver.delays["/capped"] = (0.25, 0.25)
    # Both APIs accept messages for both endpoints at once; each instance would deliver what it accepted.
    ids = send(instances, app["id"], 0, 160, lambda n: "throttled" if n % 2 == 0 else "capped")
    receiver.wait_for(lambda: set(ids) <= set(arrivals(receiver)), 60, "160 deliveries")

    throttled = sorted(r.at for r in receiver.requests("/throttled"))
    assert len(throttled) == 80
    # The bucket lets one second's worth through at once; from the 21st arrival on, every delivery waits for its
    # token. Two instances each keeping the rate on their own would deliver at twice the rate.
    steady = (len(throttled) - 1 - 20) / (throttled[-1] - throttled[20])
    assert abs(steady - rate) <= rate * 0.1, f"steady rate {steady:.2f}/s across two instances, expected {rate}/s"
    # Two instances each keeping the cap on their own would have up to 2 * cap requests open at the receiver.
    assert receiver.max_in_flight("/capped") == cap
    assert max(arrivals(receiver).values()) == 1
    summary_line(
        f"limits across two instances: throttleRate {rate}/s delivered at {steady:.2f}/s steady; "
        f"concurrency cap {cap}, at most {receiver.max_in_flight('/capped')} in flight at the receiver"
    )


def test_a_consumer_polling_one_instance_reads_every_message_both_instances_accept_once_and_in_order(
    herald_factory: Callable[..., HeraldServer], tmp_path: Path, database_url: str
) -> None:
    instances = two_instances(herald_factory, tmp_path, database_url)
    app_id = create(instances[0].info, "/api/v1/app", {"name": "Poll", "uid": "poll"})["id"]
    sink = create(instances[1].info, f"/api/v1/app/{app_id}/destination", {"type": "pollingEndpoint"})["id"]
    sent: list[str] = []
    sender = threading.Thread(target=lambda: sent.extend(send(instances, app_id, 0, 600)))
    sender.start()
    read: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (sender.is_alive() or len(read) < len(sent)):
        status, body = instances[0].info.call("GET", f"/api/v1/app/{app_id}/poller/{sink}/consumer/reader?limit=100")
        assert status == 200, body
        read += [message["id"] for message in body["data"]]
        if body["done"]:
            time.sleep(0.2)
    sender.join()
    assert len(read) == len(set(read)) == 600, "a message was read twice or missed"
    assert set(read) == set(sent) and read == sorted(read)


def test_a_token_ended_through_one_instance_stops_working_on_the_other_at_once(
    herald_factory: Callable[..., HeraldServer], tmp_path: Path, database_url: str
) -> None:
    first, second = (server.info for server in two_instances(herald_factory, tmp_path, database_url))
    create(first, "/api/v1/app", {"name": "Acme", "uid": "acme"})
    status, access = first.call("POST", "/api/v1/auth/app-portal-access/acme", {})
    assert status == 200, access
    on_first, on_second = first._replace(token=access["token"]), second._replace(token=access["token"])
    assert on_second.call("GET", "/api/v1/app/acme")[0] == 200  # the second instance now remembers the token
    assert on_first.call("POST", "/api/v1/auth/logout")[0] == 204
    # Without the notification the second instance would accept it for the 10 s of its token cache.
    deadline = time.monotonic() + 2
    while on_second.call("GET", "/api/v1/app/acme")[0] != 401 and time.monotonic() < deadline:
        time.sleep(0.05)
    status, body = on_second.call("GET", "/api/v1/app/acme")
    assert status == 401, body
