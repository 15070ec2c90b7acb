#!/usr/bin/env python3
"""PUBLISH fan-out, redis-server vs fincache-server: 1 publisher, S subscribers (100 by default).

For each server (started on a free loopback port, no persistence): S raw connections SUBSCRIBE to
one channel; a publisher process sends N PUBLISH commands (pipelined in batches of B, each batch's
replies read before the next, so the publisher never runs far ahead); the main process reads
every subscriber socket (selectors, counting bytes: every message has the same size) until each
has received all N messages. Reported: messages delivered per second (N x S / elapsed, from the
first PUBLISH to the last message received) and the ratio FinCache / Redis.

The subscribers' reader is Python: on a small machine it competes with the servers for CPU, so
read the numbers as "this machine, server and clients together", the same for both servers.

Usage:
  python benchmarks/pubsub_fanout.py                        # N=20000, S=100, B=50, 3 rounds
  python benchmarks/pubsub_fanout.py -n 50000 -s 100 --io-threads 1,2 --rounds 5
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHANNEL = b"bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_fincache() -> str:
    env = os.environ.get("FINCACHE_SERVER_BIN")
    cands = [env] if env else []
    cands += [str(Path(sys.executable).parent / "fincache-server"),
              shutil.which("fincache-server") or "", str(REPO / "build" / "py" / "fincache-server")]
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    sys.exit("fincache-server not found: set FINCACHE_SERVER_BIN or run `make build`")


def cmd(*args: bytes) -> bytes:
    out = b"*%d\r\n" % len(args)
    for a in args:
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def start(argv: list[str], port: int) -> subprocess.Popen:
    d = tempfile.mkdtemp(prefix="fcbench-")
    proc = subprocess.Popen(argv, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 15
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(cmd(b"PING"))
                if s.recv(64).startswith(b"+PONG"):
                    return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{argv[0]} did not start")


def publisher(port: int, n: int, batch: int, payload: bytes, go) -> None:
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    one = cmd(b"PUBLISH", CHANNEL, payload)
    go.wait()
    sent = 0
    while sent < n:
        k = min(batch, n - sent)
        s.sendall(one * k)
        got = 0
        while got < k:  # integer replies ":S\r\n"
            got += s.recv(65536).count(b"\n")
        sent += k
    s.close()


def run_one(port: int, n: int, subs: int, batch: int, payload: bytes) -> float:
    msg_len = len(b"*3\r\n$7\r\nmessage\r\n" + b"$%d\r\n%s\r\n" % (len(CHANNEL), CHANNEL)
                  + b"$%d\r\n%s\r\n" % (len(payload), payload))
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(subs):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(cmd(b"SUBSCRIBE", CHANNEL))
        socks.append(s)
    for s in socks:  # the subscribe confirmations
        buf = b""
        while buf.count(b"\r\n") < 6:
            buf += s.recv(4096)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, [0])
    want = n * msg_len
    go = mp.Event()
    p = mp.Process(target=publisher, args=(port, n, batch, payload, go))
    p.start()
    time.sleep(0.2)
    t0 = time.perf_counter()
    go.set()
    done = 0
    deadline = time.monotonic() + 300
    while done < subs and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1):
            counter = key.data
            try:
                data = key.fileobj.recv(1 << 20)
            except BlockingIOError:
                continue
            counter[0] += len(data)
            if counter[0] >= want:
                sel.unregister(key.fileobj)
                done += 1
    elapsed = time.perf_counter() - t0
    p.join(10)
    for s in socks:
        s.close()
    if done < subs:
        raise RuntimeError(f"only {done}/{subs} subscribers got every message")
    return n * subs / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("-n", type=int, default=20000, help="messages published")
    ap.add_argument("-s", "--subscribers", type=int, default=100)
    ap.add_argument("-b", "--batch", type=int, default=50, help="PUBLISH pipeline depth")
    ap.add_argument("--size", type=int, default=16, help="payload bytes")
    ap.add_argument("--io-threads", default="1,2", help="FinCache io-threads to measure")
    ap.add_argument("--rounds", type=int, default=3,
                    help="interleaved rounds (server by server); the best of each is kept")
    args = ap.parse_args()
    payload = b"p" * args.size
    redis_bin = shutil.which("redis-server")
    if not redis_bin:
        sys.exit("redis-server not found")
    fc_bin = find_fincache()
    configs = [("redis-server", [redis_bin, "--save", "", "--appendonly", "no"])]
    for t in args.io_threads.split(","):
        configs.append((f"fincache io-threads={t}", [fc_bin, "--io-threads", t, "--http-port", "0"]))
    best = {name: 0.0 for name, _ in configs}
    for _ in range(args.rounds):
        for name, argv in configs:
            port = free_port()
            proc = start(argv + ["--port", str(port)], port)
            try:
                rate = run_one(port, args.n, args.subscribers, args.batch, payload)
                best[name] = max(best[name], rate)
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
    base = best["redis-server"]
    print(f"PUBLISH fan-out: 1 publisher, {args.subscribers} subscribers, {args.n} messages of "
          f"{args.size} bytes, pipeline {args.batch}, best of {args.rounds}")
    print(f"{'server':28} {'delivered msg/s':>16} {'ratio':>7}")
    for name, _ in configs:
        print(f"{name:28} {best[name]:16,.0f} {best[name] / base:7.2f}")


if __name__ == "__main__":
    main()
