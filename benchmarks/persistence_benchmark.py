#!/usr/bin/env python3
"""RDB persistence: redis-server vs fincache-server, side by side on this machine.

For N small string keys ("key:<i>" -> 16-byte value), loaded through pipelined redis-py MSETs
into each server (no save points, no AOF):

  memory   RSS growth per key after loading, and after a restart that loads the dump
  save     SAVE: seconds, file size, MB/s (file bytes / seconds)
  load     start with the dump present: seconds until the server answers, minus the start
           time of the same server with no file (MB/s of file loaded)
  bgsave   the extra memory a BGSAVE needs: the peak of (PSS of the server + PSS of its forked
           child) during the save, minus the server's PSS just before; idle, and while a client
           overwrites random keys as fast as it can (writes/s during the save reported, since
           every write can copy a page)

PSS (proportional set size, /proc/<pid>/smaps_rollup) counts a page shared by parent and child
once in total, so the sum is the real memory of both: the copy-on-write cost is what it grows.

Usage:
  python benchmarks/persistence_benchmark.py              # 1M keys
  python benchmarks/persistence_benchmark.py --keys 200000 --rounds 3
  FINCACHE_SERVER_BIN=build/x/fincache-server python benchmarks/persistence_benchmark.py
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory_benchmark import rss_bytes as rss  # noqa: E402
from redis_benchmark import Server, find_fincache, machine  # noqa: E402

VALUE_BYTES = 16


def pss(pid: int) -> int:
    """Proportional set size (bytes); 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    out += [int(x) for x in f.read().split()]
            except FileNotFoundError:
                pass
    except FileNotFoundError:
        pass
    return out


def load_strings(c: redis.Redis, n: int, seed: int) -> None:
    rng = random.Random(seed)
    pipe = c.pipeline(transaction=False)
    batch = 500
    for start in range(0, n, batch):
        pipe.mset({f"key:{i}": f"{rng.randrange(16 ** VALUE_BYTES):0{VALUE_BYTES}x}"
                   for i in range(start, min(n, start + batch))})
        if (start // batch) % 40 == 39:
            pipe.execute()
    pipe.execute()
    assert c.dbsize() == n


def bgsave_in_progress(c: redis.Redis) -> bool:
    return int(c.info("persistence")["rdb_bgsave_in_progress"]) == 1


class Writer(threading.Thread):
    """Overwrites random existing keys through pipelines until stopped."""

    def __init__(self, port: int, n: int):
        super().__init__(daemon=True)
        self.c = redis.Redis(port=port)
        self.n = n
        self.stop_flag = threading.Event()
        self.writes = 0

    def run(self) -> None:
        rng = random.Random(7)
        value = "w" * VALUE_BYTES
        while not self.stop_flag.is_set():
            pipe = self.c.pipeline(transaction=False)
            for _ in range(200):
                pipe.set(f"key:{rng.randrange(self.n)}", value)
            pipe.execute()
            self.writes += 200


def measure_bgsave(srv: Server, n: int, with_writes: bool) -> dict:
    c = redis.Redis(port=srv.port)
    pid = srv.proc.pid
    base = pss(pid)
    writer = Writer(srv.port, n) if with_writes else None
    if writer:
        writer.start()
        time.sleep(0.3)  # steady state before the fork
        base = pss(pid)
        w0 = writer.writes
    t0 = time.perf_counter()
    c.bgsave()
    peak = 0
    while True:
        kids = children(pid)
        total = pss(pid) + sum(pss(k) for k in kids)
        peak = max(peak, total)
        if not kids and not bgsave_in_progress(c):
            break
        time.sleep(0.01)
    secs = time.perf_counter() - t0
    writes_per_s = 0.0
    if writer:
        writer.stop_flag.set()
        writer.join()
        writes_per_s = (writer.writes - w0) / secs
    status = c.info("persistence")["rdb_last_bgsave_status"]
    assert status == "ok", status
    return {"extra": max(0, peak - base), "base": base, "secs": secs, "writes_per_s": writes_per_s}


def measure_writes(srv: Server, n: int, secs: float = 1.0) -> float:
    """The writer's rate with no save running (the baseline for the rate during a BGSAVE)."""
    writer = Writer(srv.port, n)
    writer.start()
    time.sleep(0.3)
    w0, t0 = writer.writes, time.perf_counter()
    time.sleep(secs)
    rate = (writer.writes - w0) / (time.perf_counter() - t0)
    writer.stop_flag.set()
    writer.join()
    return rate


def run_one(label: str, argv: list[str], n: int, seed: int) -> dict:
    res: dict = {}
    srv = Server(label, argv, None)
    try:
        c = redis.Redis(port=srv.port)
        rss0 = rss(srv.proc.pid)
        load_strings(c, n, seed)
        res["rss_per_key"] = (rss(srv.proc.pid) - rss0) / n
        t0 = time.perf_counter()
        assert c.save() is True
        res["save_s"] = time.perf_counter() - t0
        path = os.path.join(srv.dir, "dump.rdb")
        res["file_bytes"] = os.path.getsize(path)
        res["writes_per_s_no_save"] = measure_writes(srv, n)
        res["bgsave_idle"] = measure_bgsave(srv, n, False)
        res["bgsave_writes"] = measure_bgsave(srv, n, True)
        keep = tempfile.mkdtemp(prefix=f"fcbench-rdb-{label}-")
        shutil.copy(path, os.path.join(keep, "dump.rdb"))
    finally:
        srv.stop()
    try:
        # Start time with no file, then with the dump (the difference is the load).
        empty = Server(label, argv, None)
        empty_rss = rss(empty.proc.pid)
        empty.stop()
        t0 = time.perf_counter()
        loaded_argv = [a.replace("{dir}", keep) for a in argv]
        srv = Server(label, loaded_argv, None)
        res["start_loaded_s"] = time.perf_counter() - t0
        try:
            c = redis.Redis(port=srv.port)
            assert c.dbsize() == n, c.dbsize()
            res["rss_per_key_loaded"] = (rss(srv.proc.pid) - empty_rss) / n
        finally:
            srv.stop()
        t0 = time.perf_counter()
        empty = Server(label, argv, None)
        res["start_empty_s"] = time.perf_counter() - t0
        empty.stop()
    finally:
        shutil.rmtree(keep, ignore_errors=True)
    res["load_s"] = max(1e-3, res["start_loaded_s"] - res["start_empty_s"])
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=1, help="runs per server; medians reported")
    args = ap.parse_args()

    common = ["--port", "{port}", "--dir", "{dir}", "--save", ""]
    servers = {
        "redis": ["redis-server", *common],
        # No HTTP front door: its default port (8080) may be taken, and it is not measured.
        "fincache": [find_fincache(), *common, "--http-port", "0"],
    }
    load_before = os.getloadavg()
    runs: dict[str, list[dict]] = {k: [] for k in servers}
    for r in range(args.rounds):
        for label, argv in servers.items():  # interleaved, so both see the same machine state
            runs[label].append(run_one(label, argv, args.keys, seed=r))

    def med(label: str, f) -> float:
        return statistics.median(f(x) for x in runs[label])

    mb = 1024 * 1024
    rows = [
        ("RSS bytes per key after loading", lambda x: x["rss_per_key"], "{:.1f}", False),
        ("RSS bytes per key after a restart from the dump", lambda x: x["rss_per_key_loaded"], "{:.1f}", False),
        ("dump.rdb size (MB)", lambda x: x["file_bytes"] / mb, "{:.1f}", False),
        ("SAVE seconds", lambda x: x["save_s"], "{:.2f}", False),
        ("SAVE MB/s", lambda x: x["file_bytes"] / mb / x["save_s"], "{:.0f}", True),
        ("load seconds (start with the dump minus an empty start)", lambda x: x["load_s"], "{:.2f}", False),
        ("load MB/s", lambda x: x["file_bytes"] / mb / x["load_s"], "{:.0f}", True),
        ("BGSAVE extra memory, idle (MB)", lambda x: x["bgsave_idle"]["extra"] / mb, "{:.1f}", False),
        ("BGSAVE extra memory, under writes (MB)", lambda x: x["bgsave_writes"]["extra"] / mb, "{:.1f}", False),
        ("  writes/s with no save running", lambda x: x["writes_per_s_no_save"], "{:.0f}", True),
        ("  writes/s during that BGSAVE", lambda x: x["bgsave_writes"]["writes_per_s"], "{:.0f}", True),
        ("  BGSAVE seconds under writes", lambda x: x["bgsave_writes"]["secs"], "{:.2f}", False),
    ]
    print(f"# persistence_benchmark: {args.keys} keys x {VALUE_BYTES}-byte values, "
          f"{args.rounds} round(s), medians")
    print(f"# {machine()}")
    print("# load average (1/5/15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}"
          .format(*load_before, *os.getloadavg()))
    print()
    print("| measure | Redis | FinCache | FinCache / Redis |")
    print("|---|---|---|---|")
    for name, f, fmt, _higher_better in rows:
        a, b = med("redis", f), med("fincache", f)
        ratio = b / a if a else float("nan")
        print(f"| {name} | {fmt.format(a)} | {fmt.format(b)} | {ratio:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
