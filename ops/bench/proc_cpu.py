#!/usr/bin/env python3
"""CPU accounting for ops/bench/postgres.sh: which process tree used how many cores during a phase.

  proc_cpu.py snapshot NAME=PID[,PID...] ...   one JSON line: per NAME the CPU ticks of each PID and all its
                                               descendants (live ones, plus the reaped ones via cutime/cstime),
                                               the machine's busy and total ticks (/proc/stat) and the time
  proc_cpu.py report BEFORE AFTER              the difference of two snapshots as cores per NAME, "other"
                                               (busy ticks no NAME accounts for: load generator, psql, ...)
                                               and "idle"

Linux only (reads /proc).
"""

from __future__ import annotations

import json
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def read_stats() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, utime+stime+cutime+cstime) for every live process."""
    stats: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                text = f.read()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "
        ppid = int(fields[1])
        ticks = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        stats[int(entry)] = (ppid, ticks)
    return stats


def tree_ticks(stats: dict[int, tuple[int, int]], roots: list[int]) -> int:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    seen: set[int] = set()
    todo = [r for r in roots if r in stats]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        todo.extend(children.get(pid, []))
    return sum(stats[p][1] for p in seen)


def machine_ticks() -> tuple[int, int]:
    with open("/proc/stat") as f:
        values = [int(x) for x in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return total - idle, total


def snapshot(args: list[str]) -> None:
    stats = read_stats()
    result: dict[str, object] = {"_t": time.time()}
    groups: dict[str, int] = {}
    for arg in args:
        name, _, pids = arg.partition("=")
        groups[name] = tree_ticks(stats, [int(p) for p in pids.split(",") if p])
    result["groups"] = groups
    result["_busy"], result["_all"] = machine_ticks()
    print(json.dumps(result))


def report(before_json: str, after_json: str) -> None:
    before, after = json.loads(before_json), json.loads(after_json)
    wall = after["_t"] - before["_t"]
    cpus = os.cpu_count() or 1
    parts = []
    accounted = 0
    for name, ticks in after["groups"].items():
        used = max(0, ticks - before["groups"].get(name, 0))
        accounted += used
        parts.append(f"{name} {used / HZ / wall:.2f}")
    busy = (after["_busy"] - before["_busy"]) / HZ / wall
    total = (after["_all"] - before["_all"]) / HZ / wall
    parts.append(f"other {max(0.0, busy - accounted / HZ / wall):.2f}")
    parts.append(f"idle {max(0.0, total - busy):.2f}")
    print(f"cores used ({cpus} cores, {wall:.1f} s): " + ", ".join(parts))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "snapshot":
        snapshot(sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
