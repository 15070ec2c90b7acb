#!/usr/bin/env python3
"""Memory per member: redis-server vs fincache-server, side by side on this machine.

For each scenario both servers start empty (no persistence), the same data is loaded into each
through pipelined redis-py calls, and the growth of the process's resident set (VmRSS from
/proc, the memory the machine really gives the server) and of INFO `used_memory` (the server's
own accounting) is divided by the number of members.

Scenarios:
  zset    one sorted set of N members (member "m:<i>", random double score) -> skiplist encoding
  hashes  K small hashes of F fields each ("h:<i>", "field<j>" -> 8-byte values) -> listpack
  strings K string keys ("key:<i>" -> 16-byte value)

Usage:
  python benchmarks/memory_benchmark.py                    # zset 1M, hashes 100k x 5, strings 1M
  python benchmarks/memory_benchmark.py --zset 200000 --hashes 20000 --strings 0
  FINCACHE_SERVER_BIN=build/x/fincache-server python benchmarks/memory_benchmark.py
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from redis_benchmark import Server, find_fincache, machine  # noqa: E402


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def used_memory(c: redis.Redis) -> int:
    return int(c.info("memory")["used_memory"])


def server_pid(srv: Server) -> int:
    # Server runs the binary directly (no taskset here), so Popen's pid is the server's.
    return srv.proc.pid


def load_zset(c: redis.Redis, n: int, seed: int) -> int:
    rng = random.Random(seed)
    batch = 1000
    pipe = c.pipeline(transaction=False)
    for start in range(0, n, batch):
        mapping = {f"m:{i}": rng.random() * 1e6 for i in range(start, min(n, start + batch))}
        pipe.zadd("bench:zset", mapping)
        if (start // batch) % 50 == 49:
            pipe.execute()
    pipe.execute()
    assert c.zcard("bench:zset") == n
    return n


def load_hashes(c: redis.Redis, k: int, fields: int, seed: int) -> int:
    rng = random.Random(seed)
    pipe = c.pipeline(transaction=False)
    for i in range(k):
        pipe.hset(f"h:{i}", mapping={f"field{j}": f"{rng.randrange(10**8):08d}" for j in range(fields)})
        if i % 5000 == 4999:
            pipe.execute()
    pipe.execute()
    assert c.dbsize() == k
    return k * fields


def load_strings(c: redis.Redis, k: int, seed: int) -> int:
    rng = random.Random(seed)
    pipe = c.pipeline(transaction=False)
    for i in range(k):
        pipe.set(f"key:{i}", f"{rng.randrange(10**16):016d}")
        if i % 10000 == 9999:
            pipe.execute()
    pipe.execute()
    assert c.dbsize() == k
    return k


def measure(srv: Server, loader, *args) -> tuple[float, float, str]:
    c = redis.Redis(port=srv.port)
    c.flushall()
    time.sleep(0.2)
    pid = server_pid(srv)
    rss0, used0 = rss_bytes(pid), used_memory(c)
    members = loader(c, *args)
    time.sleep(0.5)
    rss1, used1 = rss_bytes(pid), used_memory(c)
    key = {"load_zset": "bench:zset", "load_hashes": "h:0", "load_strings": "key:0"}[loader.__name__]
    enc = c.object("encoding", key)
    enc = enc.decode() if isinstance(enc, bytes) else str(enc)
    c.close()
    return (rss1 - rss0) / members, (used1 - used0) / members, enc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zset", type=int, default=1_000_000, help="members of the sorted set (0 skips)")
    ap.add_argument("--hashes", type=int, default=100_000, help="number of small hashes (0 skips)")
    ap.add_argument("--fields", type=int, default=5, help="fields per small hash")
    ap.add_argument("--strings", type=int, default=1_000_000, help="number of string keys (0 skips)")
    args = ap.parse_args()

    fincache = find_fincache()
    scenarios = []
    if args.zset:
        scenarios.append((f"sorted set, {args.zset:,} members", "member", load_zset, (args.zset, 1)))
    if args.hashes:
        scenarios.append((f"{args.hashes:,} hashes x {args.fields} fields", "field", load_hashes,
                          (args.hashes, args.fields, 2)))
    if args.strings:
        scenarios.append((f"{args.strings:,} string keys (16-byte values)", "key", load_strings,
                          (args.strings, 3)))

    rows = []
    for title, unit, loader, largs in scenarios:
        # Fresh servers per scenario so freed memory of an earlier one does not hide growth.
        redis_srv = Server("redis", ["redis-server", "--port", "{port}", "--bind", "127.0.0.1", "--save", "",
                                     "--appendonly", "no", "--dir", "{dir}"], None)
        fc_srv = Server("fincache", [fincache, "--port", "{port}", "--bind", "127.0.0.1", "--save", "",
                                     "--dir", "{dir}", "--http-port", "0"], None)
        try:
            r = measure(redis_srv, loader, *largs)
            f = measure(fc_srv, loader, *largs)
        finally:
            redis_srv.stop()
            fc_srv.stop()
        rows.append((title, unit, r, f))
        print(f"  {title}: redis rss {r[0]:.1f} B/{unit} ({r[2]}), fincache rss {f[0]:.1f} B/{unit} ({f[2]})",
              file=sys.stderr)

    print(f"\nMachine: {machine()}")
    print(f"Command: {' '.join([os.path.basename(sys.executable), *sys.argv])}\n")
    print("| data | unit | redis RSS B/unit | fincache RSS B/unit | ratio RSS | redis used_memory B/unit "
          "| fincache used_memory B/unit | encodings (redis / fincache) |")
    print("|---|---|---|---|---|---|---|---|")
    for title, unit, r, f in rows:
        print(f"| {title} | {unit} | {r[0]:.1f} | {f[0]:.1f} | {f[0] / r[0]:.2f} | {r[1]:.1f} | {f[1]:.1f} "
              f"| {r[2]} / {f[2]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
