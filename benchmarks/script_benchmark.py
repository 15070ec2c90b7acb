#!/usr/bin/env python3
"""EVALSHA of the shipped VWAP script (fincache/lua/vwap.lua), FinCache vs Redis.

Starts redis-server (Debian 7.0.15, no persistence) and fincache-server side by side on free
loopback ports, fills the same trades hashes in both (--tickers hashes of --trades trades),
SCRIPT LOADs the VWAP script and runs
    redis-benchmark -n N -c C -P P --csv EVALSHA <sha> <tickers> trades:T0 ... 4
against each, printing requests/s and the ratio FinCache/Redis. Rounds are interleaved
(round -> pipeline -> server) and the best of --rounds is kept.

    python benchmarks/script_benchmark.py                      # defaults below
    python benchmarks/script_benchmark.py -n 20000 --tickers 4 --trades 20 --pipelines 1,8
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
VWAP = (ROOT / "python" / "fincache" / "lua" / "vwap.lua").read_text()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_fincache() -> str:
    env = os.environ.get("FINCACHE_SERVER_BIN")
    if env:
        return env
    for c in (Path(sys.executable).parent / "fincache-server", ROOT / ".venv" / "bin" / "fincache-server",
              ROOT / "build" / "py" / "fincache-server"):
        if c.is_file():
            return str(c)
    found = shutil.which("fincache-server")
    if not found:
        sys.exit("fincache-server not found: run `make build` or set FINCACHE_SERVER_BIN")
    return found


class Server:
    def __init__(self, label: str, argv: list[str]):
        self.label = label
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix=f"scriptbench-{label}-")
        self.proc = subprocess.Popen(argv + ["--port", str(self.port), "--bind", "127.0.0.1"],
                                     cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"{label} did not start")

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def fill(port: int, tickers: int, trades: int) -> str:
    r = redis.Redis(port=port)
    r.flushall()
    for t in range(tickers):
        r.hset(f"trades:T{t}", mapping={f"t{i:05d}": f"{100 + (i % 50) * 0.01:.2f}:{1 + i % 9}"
                                        for i in range(trades)})
    sha = r.script_load(VWAP)
    r.close()
    return sha


def bench(port: int, sha: str, tickers: int, n: int, clients: int, pipeline: int) -> float:
    argv = ["redis-benchmark", "-p", str(port), "-n", str(n), "-c", str(clients), "-P", str(pipeline),
            "--csv", "EVALSHA", sha, str(tickers)] + [f"trades:T{t}" for t in range(tickers)] + ["4"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    return float(rows[-1][1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=20000, help="requests per measurement")
    ap.add_argument("-c", type=int, default=50, help="connections")
    ap.add_argument("--tickers", type=int, default=4, help="trades hashes per EVALSHA")
    ap.add_argument("--trades", type=int, default=20, help="trades per hash")
    ap.add_argument("--pipelines", default="1,16")
    ap.add_argument("--io-threads", default="1", help="fincache-server --io-threads value(s)")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()

    servers = [Server("redis", ["redis-server", "--save", "", "--appendonly", "no"])]
    for t in args.io_threads.split(","):
        servers.append(Server(f"fincache io-threads={t}", [find_fincache(), "--io-threads", t, "--http-port", "0"]))
    try:
        shas = {s.label: fill(s.port, args.tickers, args.trades) for s in servers}
        check = {s.label: redis.Redis(port=s.port).evalsha(shas[s.label], args.tickers,
                                                           *[f"trades:T{t}" for t in range(args.tickers)], 4)
                 for s in servers}
        assert len({repr(v) for v in check.values()}) == 1, f"replies differ: {check}"
        pipelines = [int(p) for p in args.pipelines.split(",")]
        best: dict = {}
        for _ in range(args.rounds):
            for p in pipelines:
                for s in servers:
                    rps = bench(s.port, shas[s.label], args.tickers, args.n, args.c, p)
                    best[(s.label, p)] = max(best.get((s.label, p), 0.0), rps)
        head = "| pipeline | redis req/s | " + " | ".join(f"{s.label} req/s | ratio" for s in servers[1:]) + " |"
        print(f"EVALSHA vwap.lua over {args.tickers} tickers x {args.trades} trades, -c {args.c}, "
              f"-n {args.n}, best of {args.rounds}")
        print(head)
        print("|" + "---|" * (2 + 2 * (len(servers) - 1)))
        for p in pipelines:
            base = best[("redis", p)]
            cells = [f"{best[(s.label, p)]:,.0f} | {best[(s.label, p)] / base:.2f}" for s in servers[1:]]
            print(f"| {p} | {base:,.0f} | " + " | ".join(cells) + " |")
    finally:
        for s in servers:
            s.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
