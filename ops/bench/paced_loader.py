#!/usr/bin/env python3
"""Paced message loader for ops/bench/delivery.sh (latency phase).

Sends RATE messages/s for SECONDS seconds to POST /api/v1/app/{app}/msg, message i at exactly
start + i/RATE (open loop: a slow response does not delay the next message's schedule, as long as a
connection is free), from THREADS keep-alive connections. Writes one CSV line per acknowledged message:
`msg_id,scheduled,sent,acked` (Unix seconds, float), and prints a one-line summary on stderr.

usage: paced_loader.py BASE_URL TOKEN APP_ID RATE SECONDS THREADS OUT_CSV
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def main() -> int:
    base, token, app_id, rate_s, seconds_s, threads_s, out_path = sys.argv[1:8]
    rate, seconds, threads = float(rate_s), float(seconds_s), int(threads_s)
    total = int(rate * seconds)
    url = urlsplit(base)
    path = f"/api/v1/app/{app_id}/msg"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    filler = "abcdefghij" * 96

    lock = threading.Lock()
    counter = iter(range(total))
    results: list[tuple[str, float, float, float]] = []
    errors: list[str] = []
    start = time.time() + 0.5

    def worker() -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            scheduled = start + i / rate
            delay = scheduled - time.time()
            if delay > 0:
                time.sleep(delay)
            body = json.dumps({"eventType": "user.created",
                               "payload": {"userId": "u_123", "email": "bench@example.com", "i": i, "note": filler}})
            sent = time.time()
            try:
                conn.request("POST", path, body=body, headers=headers)
                resp = conn.getresponse()
                raw = resp.read()
            except (OSError, http.client.HTTPException) as err:
                errors.append(repr(err))
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
                continue
            acked = time.time()
            if resp.status == 202:
                results.append((json.loads(raw)["id"], scheduled, sent, acked))
            else:
                errors.append(f"{resp.status} {raw[:100]!r}")
        conn.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    with open(out_path, "w") as out:
        for row in results:
            out.write(f"{row[0]},{row[1]:.6f},{row[2]:.6f},{row[3]:.6f}\n")
    span = max((r[3] for r in results), default=start) - start
    lag = sorted(r[2] - r[1] for r in results)
    p99_lag = lag[int(len(lag) * 0.99)] if lag else 0.0
    print(f"loader: {len(results)} acknowledged of {total} in {span:.1f}s ({len(results) / max(span, 1e-9):.0f}/s), "
          f"{len(errors)} errors, p99 send lag behind schedule {p99_lag * 1000:.1f} ms"
          + (f"; first error: {errors[0]}" if errors else ""), file=sys.stderr)
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
