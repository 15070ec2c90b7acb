"""Regenerates the seed corpus in fuzz/corpus/ from a real redis-server (Debian's, Redis 7.0):
RDB files and DUMP payloads in every encoding Redis writes, RESP requests, and multi-part AOFs
(manifest + base + incr files, as fuzz_aof.cc reads them). Run by hand
(`.venv/bin/python fuzz/make_corpus.py [target...]`, default all); the seeds are committed, so
`make test` needs no server.
"""

import hashlib
import os
import pathlib
import shutil
import sys
import socket
import subprocess
import tempfile
import time

import redis

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def put(target, data):
    name = hashlib.sha1(data).hexdigest()[:16]
    (CORPUS / target / name).write_bytes(data)


def fill(r, variant):
    """A keyspace exercising each encoding (small -> listpack/intset, big -> real structures)."""
    big = 200 if variant else 3
    r.set("str", "hello")
    r.set("int", 12345)
    r.set("neg", -7)
    r.set("long", "x" * 100)  # LZF-compressed
    r.set("bin", bytes(range(256)))
    r.rpush("list", *[f"e{i}" for i in range(big)], 1, -2, 300000, "z" * 70)
    r.sadd("intset", *range(big))
    r.sadd("set", *[f"m{i}" for i in range(big)])
    r.hset("hash", mapping={f"f{i}": f"v{i}" if i % 2 else i for i in range(big)})
    r.zadd("zset", {f"z{i}": i / 3 for i in range(big)})
    r.zadd("zinf", {"a": float("inf"), "b": float("-inf"), "c": 0})
    r.pfadd("hll", *[f"u{i}" for i in range(big)])
    r.setbit("bits", 1000, 1)
    r.set("ttl", "v", px=10_000_000)


AOF_SEPARATOR = b"\n--part--\n"  # fuzz_aof.cc's


def start_redis(d, *args):
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--dir", d, "--save", "", *args],
        stdout=subprocess.DEVNULL)
    r = redis.Redis(port=port)
    for _ in range(100):
        try:
            r.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return proc, r


def aof_parts(d):
    """The manifest, then the files it lists (base, incrs), joined as fuzz_aof.cc reads them."""
    adir = pathlib.Path(d) / "appendonlydir"
    manifest = (adir / "appendonly.aof.manifest").read_bytes()
    names = [line.split()[1] for line in manifest.splitlines() if line.startswith(b"file ")]
    base = [n for n in names if b".base." in n]
    incr = [n for n in names if b".incr." in n]
    files = [(adir / n.decode()).read_bytes() for n in base + incr]
    return manifest, files


def aof_corpus():
    for preamble in ("yes", "no"):
        with tempfile.TemporaryDirectory() as d:
            proc, r = start_redis(d, "--appendonly", "yes", "--aof-use-rdb-preamble", preamble,
                                  "--aof-timestamp-enabled", "yes" if preamble == "no" else "no")
            try:
                fill(r, 0)
                r.execute_command("FUNCTION", "LOAD",
                                  "#!lua name=lib\nredis.register_function('f', function() return 1 end)")
                r.bgrewriteaof()
                for _ in range(100):
                    if r.info("persistence")["aof_rewrite_in_progress"] == 0:
                        break
                    time.sleep(0.05)
                time.sleep(0.2)
                p = r.pipeline(transaction=True)
                p.set("tx", 1).incr("tx").lpush("txl", "a", "b")
                p.execute()
                r.execute_command("SELECT", 3)
                r.set("k3", "v", px=100000)
                r.eval("redis.call('set', KEYS[1], ARGV[1]); redis.call('del', 'nope')", 1, "ev", "x")
                r.execute_command("SELECT", 0)
                r.hincrbyfloat("hf", "f", 1.5)
                time.sleep(0.2)
                manifest, files = aof_parts(d)
            finally:
                proc.terminate()
                proc.wait()
        put("aof", AOF_SEPARATOR.join([manifest, *files]))
        incr = files[-1]
        put("aof", incr)  # a single command stream
        # Truncated inside the last command, and inside the MULTI ... EXEC.
        put("aof", AOF_SEPARATOR.join([manifest, *files[:-1], incr[:-7]]))
        multi = incr.find(b"MULTI")
        put("aof", incr[:incr.find(b"EXEC", multi) - 10])
        if preamble == "yes":
            put("aof", files[0])  # an RDB preamble alone
            put("aof", files[0] + incr)  # a preamble followed by commands (Redis 6's layout)


def main():
    # "aof", or the three made from one server run together.
    targets = set(sys.argv[1:] or ["resp_parser", "rdb_payload", "rdb_file", "aof"])
    if "aof" in targets:
        shutil.rmtree(CORPUS / "aof", ignore_errors=True)
        (CORPUS / "aof").mkdir(parents=True)
        aof_corpus()
    if not {"resp_parser", "rdb_payload", "rdb_file"} & targets:
        return
    for t in ("resp_parser", "rdb_payload", "rdb_file"):
        shutil.rmtree(CORPUS / t, ignore_errors=True)
        (CORPUS / t).mkdir(parents=True)
    for variant in (0, 1):
        with tempfile.TemporaryDirectory() as d:
            port = free_port()
            proc = subprocess.Popen(
                ["redis-server", "--port", str(port), "--dir", d, "--save", "",
                 "--appendonly", "no", "--list-max-listpack-size", "4" if variant else "-2"],
                stdout=subprocess.DEVNULL)
            try:
                r = redis.Redis(port=port)
                for _ in range(100):
                    try:
                        r.ping()
                        break
                    except redis.ConnectionError:
                        time.sleep(0.05)
                fill(r, variant)
                r.execute_command("SELECT", 5)
                r.set("other-db", "1")
                r.execute_command("SELECT", 0)
                for key in r.keys("*"):
                    payload = r.dump(key)
                    put("rdb_payload", payload[:-10])  # the harness adds the footer
                r.save()
                put("rdb_file", (pathlib.Path(d) / "dump.rdb").read_bytes())
                r.flushall()
                r.save()
                put("rdb_file", (pathlib.Path(d) / "dump.rdb").read_bytes())
            finally:
                proc.terminate()
                proc.wait()
    requests = [
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n",
        b"*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
        b'SET k "a b\\x41\\n" \'q\'\r\nGET k\n',
        b"*-1\r\n*0\r\n\r\n*1\r\n$0\r\n\r\n",
        b"*2\r\n$3\r\nGET\r\n$-1\r\n",
        b"*1\r\n$99999999999\r\n",
        b"*1\r\n$4\r\nPING\r\nPING\r\n*1\r\n$4\r\nPI",
    ]
    for i, req in enumerate(requests):
        put("resp_parser", bytes([i * 37 % 256]) + req)


if __name__ == "__main__":
    main()
