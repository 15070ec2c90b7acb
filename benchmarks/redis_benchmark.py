#!/usr/bin/env python3
"""Side-by-side redis-benchmark: redis-server vs fincache-server on this machine.

Starts a redis-server and fincache-server on free loopback ports (no persistence on either),
runs `redis-benchmark -t <tests> -n N -c C -P P --csv` against each for every pipeline depth,
and prints requests/s with the ratio FinCache/Redis.

redis-server runs its commands on one thread, so FinCache is measured twice by default: with
--io-threads 1 (per-core comparison) and with --io-threads T (T = cores by default). The
benchmark client itself needs CPU too: on a small machine pin the servers and the client to
different cores with --server-cpus/--client-cpus (taskset), or read the numbers as "server and
client sharing the machine", which is what the defaults do.

Usage:
  python benchmarks/redis_benchmark.py                      # N=100000, P=1 and 16
  python benchmarks/redis_benchmark.py -n 200000 --io-threads 1,2 --pipelines 1,16
  FINCACHE_SERVER_BIN=build/x/fincache-server python benchmarks/redis_benchmark.py
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_fincache() -> str:
    env = os.environ.get("FINCACHE_SERVER_BIN")
    cands = [env] if env else []
    cands += [str(Path(sys.executable).parent / "fincache-server"), shutil.which("fincache-server") or "",
              str(REPO / "build" / "py" / "fincache-server")]
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    sys.exit("fincache-server not found: set FINCACHE_SERVER_BIN or run `make build`")


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"*1\r\n$4\r\nPING\r\n")
                if s.recv(64).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server not ready")


class Server:
    def __init__(self, label: str, argv: list[str], cpus: str | None):
        self.label = label
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix=f"fcbench-{label}-")
        full = [a.replace("{port}", str(self.port)).replace("{dir}", self.dir) for a in argv]
        if cpus:
            full = ["taskset", "-c", cpus] + full
        self.argv = full
        self.log = open(os.path.join(self.dir, "server.log"), "wb")
        self.proc = subprocess.Popen(full, cwd=self.dir, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        try:
            wait_ready(self.port, self.proc)
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def run_benchmark(port: int, tests: str, n: int, clients: int, pipeline: int, datasize: int,
                  cpus: str | None, command: list[str] | None = None) -> dict[str, float]:
    """One redis-benchmark run: the built-in `tests`, or the custom `command` when given."""
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-n", str(n),
            "-c", str(clients), "-P", str(pipeline), "-d", str(datasize), "-r", "100000", "--csv", "-q"]
    argv += command if command else ["-t", tests]
    if cpus:
        argv = ["taskset", "-c", cpus] + argv
    out = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    result = {}
    for row in rows[1:] if rows and rows[0] and rows[0][0] == "test" else rows:
        if len(row) >= 2:
            try:
                result[row[0]] = float(row[1])
            except ValueError:
                pass
    if not result:
        raise RuntimeError(f"no results parsed from redis-benchmark output: {out!r}")
    return result


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--requests", type=int, default=100_000, help="requests per test (default 100000)")
    ap.add_argument("-c", "--clients", type=int, default=50, help="parallel connections (default 50)")
    ap.add_argument("-t", "--tests", default="set,get", help="redis-benchmark tests (default set,get)")
    ap.add_argument("--command", action="append", default=[],
                    help="a custom command to benchmark after the tests, e.g. "
                         "'ZRANGEBYSCORE myzset 0 1000 LIMIT 0 10' (repeatable; __rand_int__ works)")
    ap.add_argument("-d", "--datasize", type=int, default=3, help="value size in bytes (default 3)")
    ap.add_argument("--pipelines", default="1,16", help="pipeline depths, comma separated (default 1,16)")
    ap.add_argument("--io-threads", default=None,
                    help="fincache io-threads values to measure, comma separated (default: 1,<cores>)")
    ap.add_argument("--server-cpus", default=None, help="taskset CPU list for the servers, e.g. 0")
    ap.add_argument("--client-cpus", default=None, help="taskset CPU list for redis-benchmark, e.g. 1")
    ap.add_argument("--rounds", type=int, default=1, help="repeat each measurement, keep the best")
    args = ap.parse_args()

    for tool in ("redis-server", "redis-benchmark") + (("taskset",) if args.server_cpus or args.client_cpus else ()):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found")
    fincache = find_fincache()
    cores = os.cpu_count() or 1
    io_threads = [int(x) for x in (args.io_threads or f"1,{cores}").split(",")]
    io_threads = list(dict.fromkeys(io_threads))
    pipelines = [int(x) for x in args.pipelines.split(",")]

    servers = [("redis", ["redis-server", "--port", "{port}", "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--dir", "{dir}"])]
    for t in io_threads:
        servers.append((f"fincache io-threads={t}", [fincache, "--port", "{port}", "--bind", "127.0.0.1",
                                                     "--io-threads", str(t), "--save", "", "--dir", "{dir}",
                                                     "--http-port", "0"]))

    # All servers run side by side (idle when not measured); measurements are interleaved
    # (round -> pipeline -> server) so a burst of load from elsewhere hits all of them alike,
    # and the best of --rounds is kept.
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    results: dict[tuple[str, str, int], float] = {}
    running: list[Server] = []
    try:
        for label, argv in servers:
            running.append(Server(label, argv, args.server_cpus))
        for rnd in range(args.rounds):
            for p in pipelines:
                for srv in running:
                    r = run_benchmark(srv.port, args.tests, args.requests, args.clients, p, args.datasize,
                                      args.client_cpus)
                    for cmd in args.command:
                        r.update(run_benchmark(srv.port, args.tests, args.requests, args.clients, p,
                                               args.datasize, args.client_cpus, cmd.split()))
                    for test, rps in r.items():
                        key = (srv.label, test, p)
                        results[key] = max(results.get(key, 0.0), rps)
                        print(f"  round {rnd + 1} {srv.label:<24} P={p:<3} {test:<6} {rps:>12,.0f} req/s",
                              file=sys.stderr)
    finally:
        for srv in running:
            srv.stop()

    order = args.tests.upper().split(",")
    tests = sorted({t for (_, t, _) in results},
                   key=lambda t: next((i for i, o in enumerate(order) if t.startswith(o)), 99))
    print(f"\nMachine: {machine()}")
    print(f"Command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    print(f"redis-benchmark -c {args.clients} -n {args.requests} -d {args.datasize} -r 100000, best of "
          f"{args.rounds} interleaved round(s); server cpus: {args.server_cpus or 'any'}, "
          f"client cpus: {args.client_cpus or 'any'}; load average before: {load_before}\n")
    header = "| test | pipeline | redis req/s |" + "".join(f" fincache io-threads={t} req/s | ratio |"
                                                         for t in io_threads)
    print(header)
    print("|" + "---|" * (3 + 2 * len(io_threads)))
    for test in tests:
        for p in pipelines:
            base = results.get(("redis", test, p))
            row = f"| {test} | {p} | {base:,.0f} |" if base else f"| {test} | {p} | - |"
            for t in io_threads:
                v = results.get((f"fincache io-threads={t}", test, p))
                ratio = f"{v / base:.2f}" if v and base else "-"
                row += f" {v:,.0f} | {ratio} |" if v else " - | - |"
            print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
