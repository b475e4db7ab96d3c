"""Crash durability: `kill -9` loses neither an acknowledged message nor its delivery.

- Ingest: 32 client threads post 1 KiB messages as fast as they can; the server is SIGKILLed while
  requests are in flight, restarted on the same data directory, and every acknowledged message must be
  readable with its payload and its one delivery row (the endpoint whose eventTypes filter matches; the
  other endpoint's filter does not).
- Delivery: 2,000 messages go to one endpoint on a receiver that answers after 0-20 ms; the server is
  SIGKILLed while deliveries are in flight (the receiver has seen part of them), restarted on the same data
  directory, and the receiver must then see every acknowledged message at least once (at-least-once
  delivery). Duplicates are allowed and counted.
- A database another process holds locked: message create answers 503 with Retry-After and stores nothing.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import sqlite3
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Callable

from standardwebhooks.webhooks import Webhook as StandardWebhook

if TYPE_CHECKING:
    from conftest import Herald, HeraldServer, Receiver

THREADS = 32
KILL_AFTER_S = 1.5
MAX_RUN_S = 20.0  # hard bound on the client loops, whatever happens to the kill
PAYLOAD_FILLER = "x" * 900  # with the other fields, about 1 KiB of JSON

DELIVERY_MESSAGES = 2000
DELIVERY_THREADS = 16
KILL_AT_FRACTION = 0.4  # SIGKILL once the receiver has seen this share of the messages
RECEIVER_DELAY_S = (0.0, 0.02)
# After the restart, every acknowledged message must arrive within this many seconds.
REDELIVERY_DEADLINE_S = float(os.environ.get("HERALD_CRASH_REDELIVERY_S", "90"))


class Poster(threading.Thread):
    """Posts messages on one keep-alive connection until stopped or the connection dies.

    With `work` (a queue of indices) it posts those and stops when the queue is empty; without, it posts
    until `stop` is set.
    """

    def __init__(self, index: int, herald: Herald, app_id: str, stop: threading.Event,
                 work: queue.Queue[int] | None = None) -> None:
        super().__init__(daemon=True)
        self.index, self.herald, self.app_id, self.stop, self.work = index, herald, app_id, stop, work
        self.accepted: list[tuple[str, str, dict]] = []  # (msg id, eventId, payload)
        self.unexpected: list[str] = []
        self.in_flight_at_end = False

    def next_event_id(self, n: int) -> str | None:
        if self.work is None:
            return f"crash-{self.index}-{n}"
        try:
            return f"deliver-{self.work.get_nowait()}"
        except queue.Empty:
            return None

    def run(self) -> None:
        host, port = self.herald.base_url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        headers = {"Authorization": f"Bearer {self.herald.token}", "Content-Type": "application/json"}
        deadline = time.monotonic() + MAX_RUN_S
        n = 0
        while not self.stop.is_set() and time.monotonic() < deadline:
            event_id = self.next_event_id(n)
            if event_id is None:
                break
            payload = {"thread": self.index, "n": n, "eventId": event_id, "filler": PAYLOAD_FILLER}
            body = json.dumps({"eventType": "user.created", "eventId": event_id, "payload": payload})
            n += 1
            try:
                self.in_flight_at_end = True
                conn.request("POST", f"/api/v1/app/{self.app_id}/msg", body=body, headers=headers)
                resp = conn.getresponse()
                raw = resp.read()
                self.in_flight_at_end = False
            except (OSError, http.client.HTTPException):
                return  # the server died under us: this message's fate is unknown, so it is not recorded
            if 200 <= resp.status < 300:
                self.accepted.append((json.loads(raw)["id"], event_id, payload))
            else:
                self.unexpected.append(f"{resp.status} {raw[:200]!r}")
        conn.close()


def create(herald: Herald, path: str, body: dict) -> dict:
    status, out = herald.call("POST", path, body)
    assert status == 201, (path, status, out)
    return out


def test_acknowledged_messages_survive_sigkill(
    herald_factory: Callable[..., HeraldServer], receiver: Receiver, summary_line: Callable[[str], None]
) -> None:
    server = herald_factory()
    herald = server.info

    for name in ("user.created", "invoice.paid"):
        create(herald, "/api/v1/event-type", {"name": name, "description": name})
    app = create(herald, "/api/v1/app", {"name": "crash"})
    hit = create(herald, f"/api/v1/app/{app['id']}/endpoint", {"url": receiver.url("/hook-a"), "eventTypes": ["user.created"]})
    create(herald, f"/api/v1/app/{app['id']}/endpoint", {"url": receiver.url("/hook-b"), "eventTypes": ["invoice.paid"]})

    stop = threading.Event()
    posters = [Poster(i, herald, app["id"], stop) for i in range(THREADS)]
    for p in posters:
        p.start()
    time.sleep(KILL_AFTER_S)
    server.kill()
    stop.set()
    for p in posters:
        p.join(timeout=15)
    assert not any(p.is_alive() for p in posters), "a client thread did not finish"

    accepted = [m for p in posters for m in p.accepted]
    unexpected = [u for p in posters for u in p.unexpected]
    in_flight = sum(p.in_flight_at_end for p in posters)
    assert not unexpected, f"non-2xx responses before the kill: {unexpected[:5]}"
    assert accepted, "no message was accepted before the kill: the test proved nothing"
    assert len({m[0] for m in accepted}) == len(accepted), "two acknowledged messages share an id"

    # Restart on the same data directory and check every acknowledged message.
    restarted = herald_factory(data_dir=herald.data_dir, token=herald.token).info

    def verify(item: tuple[str, str, dict]) -> str | None:
        msg_id, event_id, payload = item
        status, msg = restarted.call("GET", f"/api/v1/app/{app['id']}/msg/{msg_id}")
        if status != 200:
            return f"GET msg {msg_id} ({event_id}) -> {status} {msg}"
        if msg.get("payload") != payload or msg.get("eventId") != event_id or msg.get("eventType") != "user.created":
            return f"msg {msg_id} came back different: {str(msg)[:300]}"
        status, dests = restarted.call("GET", f"/api/v1/app/{app['id']}/msg/{msg_id}/endpoint")
        if status != 200:
            return f"GET msg/{msg_id}/endpoint -> {status} {dests}"
        got = [(d["id"], d["status"]) for d in dests["data"]]
        # Delivered (0), waiting (1) or leased by the killed process (3); never failed: the receiver answers 200.
        if len(got) != 1 or got[0][0] != hit["id"] or got[0][1] not in (0, 1, 3):
            return f"msg {msg_id} destinations {got}, expected one delivery to {hit['id']!r}, status 0, 1 or 3"
        return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        problems = [p for p in pool.map(verify, accepted) if p]

    assert not [r for r in receiver.requests() if r.path != "/hook-a"], "the invoice.paid endpoint got a delivery"
    summary_line(
        f"crash durability (ingest): {len(accepted)} messages acknowledged before SIGKILL "
        f"({in_flight} client connections cut mid-request by the kill); "
        f"{len(accepted) - len(problems)} verified after restart"
    )
    assert not problems, f"{len(problems)} acknowledged messages lost or damaged, e.g.: {problems[:5]}"


def test_deliveries_survive_sigkill(
    herald_factory: Callable[..., HeraldServer], receiver: Receiver, summary_line: Callable[[str], None]
) -> None:
    server = herald_factory()
    herald = server.info
    receiver.delay = RECEIVER_DELAY_S
    app = create(herald, "/api/v1/app", {"name": "crash-delivery"})
    ep = create(herald, f"/api/v1/app/{app['id']}/endpoint", {"url": receiver.url("/sink")})
    status, secret = herald.call("GET", f"/api/v1/app/{app['id']}/endpoint/{ep['id']}/secret")
    assert status == 200, secret
    verifier = StandardWebhook(secret["key"])
    receiver.verifier = lambda r: verifier.verify(r.body, r.headers)  # on arrival: timestamps are checked

    def seen() -> set[str]:
        return {r.webhook_id for r in receiver.requests("/sink")}

    work: queue.Queue[int] = queue.Queue()
    for i in range(DELIVERY_MESSAGES):
        work.put(i)
    stop = threading.Event()
    posters = [Poster(i, herald, app["id"], stop, work) for i in range(DELIVERY_THREADS)]
    started = time.monotonic()
    for p in posters:
        p.start()
    kill_at = int(DELIVERY_MESSAGES * KILL_AT_FRACTION)
    receiver.wait_for(lambda: len(seen()) >= kill_at, 60, f"the receiver to see {kill_at} messages before the kill")
    server.kill()
    killed_at = time.monotonic()
    seen_at_kill = len(seen())
    stop.set()
    for p in posters:
        p.join(timeout=15)
    assert not any(p.is_alive() for p in posters), "a client thread did not finish"

    accepted = {msg_id: payload for p in posters for msg_id, _, payload in p.accepted}
    unexpected = [u for p in posters for u in p.unexpected]
    assert not unexpected, f"non-2xx responses before the kill: {unexpected[:5]}"
    assert len(accepted) > seen_at_kill, "every acknowledged message had arrived before the kill: the test proved nothing"

    restarted = herald_factory(data_dir=herald.data_dir, token=herald.token)
    restarted_at = time.monotonic()

    def stats() -> dict:
        status, body = restarted.info.call("GET", f"/api/v1/app/{app['id']}/endpoint/{ep['id']}/stats")
        assert status == 200, body
        return body

    while not set(accepted) <= seen():
        if time.monotonic() - restarted_at > REDELIVERY_DEADLINE_S:
            missing = set(accepted) - seen()
            raise AssertionError(
                f"{len(missing)} of {len(accepted)} acknowledged messages not delivered within "
                f"{REDELIVERY_DEADLINE_S:.0f}s of the restart ({seen_at_kill} seen at the kill); "
                f"endpoint stats now: {stats()}; e.g. {sorted(missing)[:3]}")
        time.sleep(0.1)
    complete_after = time.monotonic() - restarted_at
    time.sleep(0.5)  # late duplicates

    requests = receiver.requests("/sink")
    missing = set(accepted) - {r.webhook_id for r in requests}
    assert not missing, f"{len(missing)} acknowledged messages never delivered, e.g. {sorted(missing)[:5]}"
    bad_signatures = [(r.webhook_id, r.verify_error) for r in requests if r.verify_error]
    assert not bad_signatures, f"{len(bad_signatures)} deliveries failed verification, e.g. {bad_signatures[:3]}"
    bodies_ok: set[str] = set()
    for r in requests:
        payload = r.json()
        if r.webhook_id in accepted:
            assert payload == accepted[r.webhook_id], f"{r.webhook_id} arrived with another payload"
            bodies_ok.add(r.webhook_id)
    assert bodies_ok == set(accepted)

    counts = Counter(r.webhook_id for r in requests)
    duplicated = {k: n for k, n in counts.items() if n > 1}
    extra = sum(n - 1 for n in duplicated.values())
    unacknowledged = len(counts) - len(accepted & counts.keys())

    # Every delivery ends as a success in the store.
    deadline = time.monotonic() + 20
    while (s := stats())["pending"] + s["sending"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert s["pending"] == s["sending"] == s["fail"] == 0 and s["success"] >= len(accepted), s

    summary_line(
        f"crash durability (delivery): {len(accepted)} of {DELIVERY_MESSAGES} messages acknowledged; SIGKILL "
        f"{killed_at - started:.1f}s in with {seen_at_kill} delivered; after the restart all arrived in "
        f"{complete_after:.1f}s; duplicates: {len(duplicated)} messages delivered more than once "
        f"({extra} extra deliveries); {unacknowledged} unacknowledged-but-committed messages also delivered"
    )


def test_a_database_locked_by_another_process_answers_503_and_stores_nothing_half(herald: Herald) -> None:
    """Another process (a backup, sqlite3, a script) holds the write lock past the 10 s busy timeout: a message
    create answers 503 with Retry-After in JSON, stores nothing, and works again once the lock is gone."""
    app = create(herald, "/api/v1/app", {"name": "locked"})
    holder = sqlite3.connect(herald.data_dir / "herald.sqlite", timeout=5, isolation_level=None)
    host, port = herald.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {"Authorization": f"Bearer {herald.token}", "Content-Type": "application/json"}
    body = json.dumps({"eventType": "user.created", "eventId": "while-locked", "payload": {"locked": True}})
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        conn.request("POST", f"/api/v1/app/{app['id']}/msg", body=body, headers=headers)
        resp = conn.getresponse()
        answer = json.loads(resp.read())
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert resp.status == 503, (resp.status, answer)
    assert answer["code"] == "store_unavailable" and answer["detail"], answer
    assert resp.getheader("Retry-After") == "5"
    assert waited >= 9, f"answered after {waited:.1f} s, before the busy timeout"
    status, listed = herald.call("GET", f"/api/v1/app/{app['id']}/msg")
    assert status == 200 and listed["data"] == [], listed

    # The client retries as Retry-After says: the same eventId is accepted once.
    conn.request("POST", f"/api/v1/app/{app['id']}/msg", body=body, headers=headers)
    resp = conn.getresponse()
    stored = json.loads(resp.read())
    assert resp.status == 202, stored
    status, listed = herald.call("GET", f"/api/v1/app/{app['id']}/msg")
    assert [m["id"] for m in listed["data"]] == [stored["id"]]
    conn.close()
