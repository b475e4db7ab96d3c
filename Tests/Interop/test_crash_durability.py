"""Crash durability: a message acknowledged with 2xx survives `kill -9`.

32 client threads post 1 KiB messages as fast as they can; the server is SIGKILLed while
requests are in flight, restarted on the same data directory, and every acknowledged
message must be readable with its payload and its one pending delivery (the endpoint whose
eventTypes filter matches; the other endpoint's filter does not).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from conftest import Herald, HeraldServer

THREADS = 32
KILL_AFTER_S = 1.5
MAX_RUN_S = 20.0  # hard bound on the client loops, whatever happens to the kill
PAYLOAD_FILLER = "x" * 900  # with the other fields, about 1 KiB of JSON


class Poster(threading.Thread):
    """Posts messages on one keep-alive connection until stopped or the connection dies."""

    def __init__(self, index: int, herald: Herald, app_id: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.index, self.herald, self.app_id, self.stop = index, herald, app_id, stop
        self.accepted: list[tuple[str, str, dict]] = []  # (msg id, eventId, payload)
        self.unexpected: list[str] = []
        self.in_flight_at_end = False

    def run(self) -> None:
        host, port = self.herald.base_url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        headers = {"Authorization": f"Bearer {self.herald.token}", "Content-Type": "application/json"}
        deadline = time.monotonic() + MAX_RUN_S
        n = 0
        while not self.stop.is_set() and time.monotonic() < deadline:
            event_id = f"crash-{self.index}-{n}"
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


def test_acknowledged_messages_survive_sigkill(
    herald_factory: Callable[..., HeraldServer], summary_line: Callable[[str], None]
) -> None:
    server = herald_factory()
    herald = server.info

    for name in ("user.created", "invoice.paid"):
        status, body = herald.call("POST", "/api/v1/event-type", {"name": name, "description": name})
        assert status == 201, body
    status, app = herald.call("POST", "/api/v1/app", {"name": "crash"})
    assert status == 201, app
    status, hit = herald.call("POST", f"/api/v1/app/{app['id']}/endpoint",
                              {"url": "https://example.com/hook-a", "eventTypes": ["user.created"]})
    assert status == 201, hit
    status, miss = herald.call("POST", f"/api/v1/app/{app['id']}/endpoint",
                               {"url": "https://example.com/hook-b", "eventTypes": ["invoice.paid"]})
    assert status == 201, miss

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
        if got != [(hit["id"], 1)]:
            return f"msg {msg_id} destinations {got}, expected [({hit['id']!r}, 1)]"
        return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        problems = [p for p in pool.map(verify, accepted) if p]

    summary_line(
        f"crash durability: {len(accepted)} messages acknowledged before SIGKILL "
        f"({in_flight} client connections cut mid-request by the kill); "
        f"{len(accepted) - len(problems)} verified after restart"
    )
    assert not problems, f"{len(problems)} acknowledged messages lost or damaged, e.g.: {problems[:5]}"
