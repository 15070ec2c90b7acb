#!/usr/bin/env python3
"""Per-call latency of Python clients: FinCache in-process vs fakeredis vs redis-py to Redis.

Clients, each measured on the same operations with a warm-up, best of --rounds:
  fincache.Cache     the native embedded API (redis-py's method signatures and return values)
  fincache.Redis     redis-py's own client class on an in-process FinCache engine (no socket)
  fakeredis          fakeredis.FakeRedis (pure Python), if installed
  redis-py unix      redis.Redis over a unix socket to a redis-server started for the run

Prints microseconds per call and the ratio fakeredis / fincache.Redis; then server-side logic
per call: a Lua script (EVALSHA) and a Python command (Cache.register_command) doing the same
INCR, on the FinCache clients (EVALSHA also on redis-server).

Usage:
  python benchmarks/python_benchmark.py [-n 20000] [--rounds 3] [--cpu]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import redis

import fincache

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from redis_benchmark import machine  # noqa: E402

OPS = {
    "SET": lambda c, i: c.set("key:%d" % (i & 1023), "value"),
    "GET": lambda c, i: c.get("key:%d" % (i & 1023)),
    "INCR": lambda c, i: c.incr("counter"),
    "HSET": lambda c, i: c.hset("h", "f%d" % (i & 63), i),
    "ZADD": lambda c, i: c.zadd("z", {"m%d" % (i & 1023): i}),
    "ZRANGE 10": lambda c, i: c.zrange("z", 0, 9, withscores=True),
    "LPUSH+RPOP": lambda c, i: (c.lpush("l", i), c.rpop("l")),
}


INCR_LUA = "return redis.call('INCR', KEYS[1])"


def server_side_ops(client) -> dict:
    """EVALSHA and (on FinCache) a registered Python command, both doing INCR."""
    sha = client.script_load(INCR_LUA)
    ops = {"EVALSHA (INCR)": lambda c, i: c.evalsha(sha, 1, "sc")}
    if hasattr(client, "register_command"):
        client.register_command("PYINCR", lambda ctx, key: ctx.call("INCR", key),
                                flags=("write",), first_key=1, replace=True)
        ops["Python command (INCR)"] = lambda c, i: c.execute_command("PYINCR", "pc")
    return ops


def time_op(client, op, n: int, rounds: int, clock=time.perf_counter) -> float:
    for i in range(min(n, 2000)):
        op(client, i)
    best = float("inf")
    for _ in range(rounds):
        t0 = clock()
        for i in range(n):
            op(client, i)
        best = min(best, clock() - t0)
    return best / n * 1e6


def start_redis(tmp: str) -> tuple[subprocess.Popen, str]:
    sock = os.path.join(tmp, "redis.sock")
    proc = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", sock, "--save", "",
                             "--appendonly", "no"], cwd=tmp, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not os.path.exists(sock):
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("redis-server did not start")
        time.sleep(0.05)
    return proc, sock


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=20000, help="calls per operation and round (default 20000)")
    ap.add_argument("--rounds", type=int, default=3, help="best of (default 3)")
    ap.add_argument("--cpu", action="store_true",
                    help="also time the in-process clients by this thread's CPU time "
                         "(time.thread_time: not inflated when other processes share the cores)")
    args = ap.parse_args()

    clients = {"fincache.Cache": fincache.Cache(), "fincache.Redis": fincache.Redis()}
    try:
        import fakeredis

        clients["fakeredis"] = fakeredis.FakeRedis()
    except ImportError:
        print("fakeredis not installed: skipped", file=sys.stderr)
    tmp = tempfile.mkdtemp(prefix="fcpybench-")
    proc = None
    if shutil.which("redis-server"):
        proc, sock = start_redis(tmp)
        clients["redis-py unix"] = redis.Redis(unix_socket_path=sock)
    try:
        results = {name: {op: time_op(c, fn, args.n, args.rounds) for op, fn in OPS.items()}
                   for name, c in clients.items()}
        scripted = {name: {op: time_op(c, fn, args.n, args.rounds)
                           for op, fn in server_side_ops(c).items()}
                    for name, c in clients.items() if name != "fakeredis"}
        # In-process clients run every instruction on this thread, so its CPU time is the cost
        # of a call on an otherwise idle core; a socket client's would leave out the server.
        in_process = [n for n in ("fincache.Cache", "fincache.Redis", "fakeredis") if n in clients]
        cpu = ({name: {op: time_op(clients[name], OPS[op], args.n, args.rounds, time.thread_time)
                       for op in ("GET", "SET")} for name in in_process} if args.cpu else {})
    finally:
        if proc:
            proc.terminate()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)

    names = list(clients)
    print(f"\nMachine: {machine()}")
    print(f"µs per call, best of {args.rounds} x {args.n} calls\n")
    head = "| operation | " + " | ".join(names) + " |"
    if "fakeredis" in results:
        head += " fakeredis / fincache.Redis |"
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for op in OPS:
        row = f"| {op} | " + " | ".join(f"{results[n][op]:.2f}" for n in names) + " |"
        if "fakeredis" in results:
            row += f" {results['fakeredis'][op] / results['fincache.Redis'][op]:.1f}x |"
        print(row)

    if cpu:
        print(f"\nIn-process clients, µs of this thread's CPU time per call, best of {args.rounds}\n")
        head = "| operation | " + " | ".join(cpu) + " |"
        print(head)
        print("|---" * (head.count("|") - 1) + "|")
        for op in ("GET", "SET"):
            print(f"| {op} | " + " | ".join(f"{cpu[n][op]:.2f}" for n in cpu) + " |")

    print("\nServer-side logic, µs per call (n/a: redis-server has no Python commands)\n")
    snames = list(scripted)
    head = "| operation | " + " | ".join(snames) + " |"
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for op in ("EVALSHA (INCR)", "Python command (INCR)"):
        cells = [f"{scripted[n][op]:.2f}" if op in scripted[n] else "n/a" for n in snames]
        print(f"| {op} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
