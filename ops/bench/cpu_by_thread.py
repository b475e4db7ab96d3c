#!/usr/bin/env python3
"""Where the server's CPU goes, per request, by thread group (a benchmark aid, not a test).

  cpu_by_thread.py HERALD_BIN [SECONDS]

Starts `herald serve` on a free loopback port with a temporary data directory, creates one application with one
matching endpoint (as ingest.sh does), then runs wrk for SECONDS (default 8) against the no-op route and then
against message create (msg.lua). For each run it prints requests/s, the server's CPU per request split by thread
group (event loops `NIO-*`, request handlers on Swift's cooperative pool `*default-qos*`, the SQLite writer queue
`*overcommit*`), wrk's own CPU per request, and the share of the machine that was busy and in iowait
(/proc/stat). Env: CONNECTIONS (wrk -c, default 64). Linux only.
"""

import collections
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HZ = os.sysconf("SC_CLK_TCK")
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def thread_ticks(pid: int) -> collections.Counter:
    """CPU ticks (user + system) of the process's threads, summed by thread group."""
    groups: collections.Counter = collections.Counter()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except FileNotFoundError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if name.startswith("NIO"):
            group = "event loops"
        elif "default-qos" in name:
            group = "handlers"
        elif "overcommit" in name:
            group = "writer"
        else:
            group = "other"
        groups[group] += int(fields[11]) + int(fields[12])
    return groups


def machine() -> tuple[int, int, int]:
    """(busy, total, iowait) ticks of all CPUs."""
    values = list(map(int, open("/proc/stat").readline().split()[1:]))
    total = sum(values)
    return total - values[3] - values[4], total, values[4]


def main() -> None:
    binary = sys.argv[1]
    seconds = sys.argv[2] if len(sys.argv) > 2 else "8"
    connections = os.environ.get("CONNECTIONS", "64")
    data_dir = tempfile.mkdtemp(prefix="herald-cpu.")
    token = "bench_" + os.urandom(16).hex()
    base = f"http://127.0.0.1:{free_port()}"
    server = subprocess.Popen(
        [binary, "serve", "--host", "127.0.0.1", "--port", base.rsplit(":", 1)[1], "--data-dir", data_dir],
        env=dict(os.environ, HERALD_ADMIN_TOKEN=token),
        stdout=open(os.path.join(data_dir, "herald.log"), "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        def api(method: str, path: str, body: dict) -> dict:
            request = urllib.request.Request(
                base + path, method=method, data=json.dumps(body).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            return json.load(urllib.request.urlopen(request))

        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/v1/health")
                break
            except OSError:
                time.sleep(0.1)
        api("POST", "/api/v1/event-type", {"name": "user.created", "description": "benchmark event"})
        app = api("POST", "/api/v1/app", {"name": "bench"})["id"]
        api("POST", f"/api/v1/app/{app}/endpoint", {"url": "http://127.0.0.1:9/herald-bench", "eventTypes": ["user.created"]})

        runs = [
            ("no-op", [f"{base}/api/v1/health/live"], {}),
            ("message", ["-s", os.path.join(BENCH_DIR, "msg.lua"), base], {"HERALD_TOKEN": token, "HERALD_APP_ID": app}),
        ]
        for name, args, env in runs:
            before, machine_before, children_before = thread_ticks(server.pid), machine(), os.times()
            output = subprocess.run(
                ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", *args],
                capture_output=True, text=True, check=True, env=dict(os.environ, **env),
            ).stdout
            after, machine_after, children_after = thread_ticks(server.pid), machine(), os.times()
            requests = int(re.search(r"(\d+) requests in", output).group(1))
            per_request = {group: (after[group] - before[group]) / HZ / requests * 1e6 for group in after}
            wrk_cpu = (children_after.children_user - children_before.children_user
                       + children_after.children_system - children_before.children_system)
            total = machine_after[1] - machine_before[1]
            print(
                f"{name:8s} {requests / float(seconds):9,.0f} req/s   server {sum(per_request.values()):6.1f} µs/req ("
                + ", ".join(f"{group} {value:.1f}" for group, value in sorted(per_request.items()) if value > 0.05)
                + f")   wrk {wrk_cpu / requests * 1e6:.1f} µs/req   machine busy "
                f"{(machine_after[0] - machine_before[0]) / total:.0%}, iowait {(machine_after[2] - machine_before[2]) / total:.0%}"
            )
    finally:
        server.terminate()
        server.wait()
        subprocess.run(["rm", "-rf", data_dir])


if __name__ == "__main__":
    main()
