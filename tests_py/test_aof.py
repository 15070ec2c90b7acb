"""The append-only file (Redis 7.0's multi-part AOF) between FinCache and redis-server 7.0.

* FinCache's appendonlydir (RDB-preamble or command base, incr files, manifest) is accepted by
  redis-check-aof and loaded by redis-server with the same contents, before and after
  BGREWRITEAOF; redis-server's appendonlydir loads into fincache-server.
* Propagation rewrites: relative TTLs, SPOP, INCRBYFLOAT, scripts, blocking pops replay to the
  same data; expired keys stay expired.
* Truncated, corrupt and inconsistent AOFs stop the start (or, aof-load-truncated yes, the
  truncated tail is dropped with a log line); never an empty server.
* Crash loops: SIGKILL during concurrent writes loses no acknowledged write (always, everysec).
* BGREWRITEAOF under write load loses nothing; CONFIG SET appendonly yes at runtime.
* SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]; the embedded Cache(appendonly=...).
* Differential: BGREWRITEAOF/SHUTDOWN metadata and errors, the settings' replies and errors.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import redis

from diffutil import (  # noqa: F401 (fixtures)
    S,
    ServerProc,
    command_info,
    diff,
    docs_fields,
    redis_server_binary,
    server_pair,
)
from test_rdb_files import contents as contents_with_encodings
from test_rdb_files import populate

import fincache

# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def contents(port: int) -> dict:
    """Every key's type, value and whether it has a TTL, in every db. Not OBJECT ENCODING: a
    reload turns an appended "raw" string into "embstr", in Redis as in FinCache."""
    return {k: v[:3] for k, v in contents_with_encodings(port).items()}


def start_redis(data: Path, *extra: str) -> ServerProc:
    srv = ServerProc("redis", redis_server_binary(), ["--dir", str(data), *extra])
    srv.start()
    return srv


def check_aof(data: Path) -> str:
    manifest = data / "appendonlydir" / "appendonly.aof.manifest"
    p = subprocess.run(["redis-check-aof", str(manifest)], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "All AOF files and manifest are valid" in p.stdout, p.stdout
    return p.stdout


def wait_rewrite(c: redis.Redis, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = c.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            return info
        time.sleep(0.05)
    raise AssertionError("the AOF rewrite did not finish")


def effects(c: redis.Redis) -> None:
    """Commands whose propagated form is rewritten (relative TTLs, randomness, floats,
    scripts, blocking pops), plus deletions and a transaction."""
    c.set("ex", "v", ex=3600)
    c.setex("setex", 3600, "v")
    c.psetex("psetex", 3600_000, "v")
    c.set("to_expire", "v")
    c.expire("to_expire", 3600)
    c.set("gone", "v")
    c.pexpire("gone", -1)  # deleted
    c.set("getex", "v")
    c.getex("getex", px=3600_000)
    c.set("short", "v", px=50)  # expires before the reload
    c.incrbyfloat("float", 1.1)
    c.incrbyfloat("float", 2.2)
    c.hincrbyfloat("hf", "x", 0.1)
    c.sadd("spop", *range(50))
    c.spop("spop")
    c.spop("spop", 5)
    c.rpush("blist", "a", "b", "c")
    c.blpop(["nothing", "blist"], 1)
    c.brpoplpush("blist", "blist2", 1)
    c.zadd("bz", {"a": 1, "b": 2})
    c.bzpopmin("bz", 1)
    c.eval("redis.call('set', KEYS[1], 'x'); redis.call('append', KEYS[1], 'y')", 1, "script")
    with c.pipeline(transaction=True) as p:
        p.set("tx1", 1).incr("tx1").rpush("txl", "z")
        p.execute()
    c.delete("str", "nonexistent")
    c.execute_command("SELECT", 3)
    c.set("db3", "v")
    c.execute_command("SELECT", 0)


# --------------------------------------------------------------------------------------------
# FinCache -> Redis
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preamble", ["yes", "no"])
@pytest.mark.parametrize("rewrite", [False, True])
def test_fincache_aof_loads_in_redis(start_server, tmp_path, preamble, rewrite):
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "",
                       "--aof-use-rdb-preamble", preamble, "--appendfsync", "always")
    c = srv.client()
    populate(c)
    effects(c)
    if rewrite:
        assert c.bgrewriteaof()
        wait_rewrite(c)
        c.set("after_rewrite", "1")
        c.rpush("list", "tail")
    time.sleep(0.1)  # "short" expires
    expected = contents(srv.port)
    srv.kill()
    out = check_aof(data)
    assert ("RDB preamble is OK" in out) == (preamble == "yes")
    names = sorted(os.listdir(data / "appendonlydir"))
    base = "appendonly.aof.%d.base.%s" % (2 if rewrite else 1, "rdb" if preamble == "yes" else "aof")
    assert base in names, names
    rs = start_redis(data, "--appendonly", "yes")
    try:
        assert contents(rs.port) == expected
    finally:
        rs.cleanup()
    # And FinCache reloads its own files to the same contents.
    srv2 = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    assert contents(srv2.port) == expected


def test_redis_aof_loads_in_fincache(start_server, tmp_path):
    for preamble in ("yes", "no"):
        data = tmp_path / f"data-{preamble}"
        data.mkdir()
        rs = start_redis(data, "--appendonly", "yes", "--aof-use-rdb-preamble", preamble)
        try:
            rc = redis.Redis(port=rs.port)
            populate(rc)
            rc.bgrewriteaof()
            wait_rewrite(rc)
            effects(rc)
            time.sleep(0.1)
            expected = contents(rs.port)
        finally:
            rs.cleanup()  # a kill: the files are what redis-server wrote as it went
        srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
        assert contents(srv.port) == expected
        assert "DB loaded from append only file" in srv.log()


def test_appendonly_yes_ignores_the_rdb_file(start_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data))
    srv.client().set("in_rdb", "1")
    srv.client().save()
    srv.kill()
    # As Redis 7.0: with appendonly yes and no AOF yet, the RDB file is not read.
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    assert srv.client().get("in_rdb") is None
    assert "Creating AOF base file appendonly.aof.1.base.rdb on server start" in srv.log()
    srv.client().set("in_aof", "1")
    srv.kill()
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    assert srv.client().get("in_aof") == b"1"


# --------------------------------------------------------------------------------------------
# Damaged files
# --------------------------------------------------------------------------------------------


def make_aof(start_server, data: Path) -> Path:
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "",
                       "--appendfsync", "always")
    c = srv.client()
    c.set("a", "1")
    c.rpush("l", "x", "y")
    srv.kill()
    return data / "appendonlydir" / "appendonly.aof.1.incr.aof"


def run_server(fincache_bin: str, data: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([fincache_bin, "--port", "0", "--http-port", "0", "--dir", str(data),
                           "--appendonly", "yes",
                           "--save", "", *extra], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def test_truncated_aof(start_server, tmp_path, fincache_bin):
    data = tmp_path / "data"
    data.mkdir()
    incr = make_aof(start_server, data)
    good = incr.read_bytes()
    incr.write_bytes(good + b"*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$2\r\n4")  # a crash mid-write
    p = run_server(fincache_bin, data, "--aof-load-truncated", "no")
    assert p.returncode != 0
    assert "Unexpected end of file reading the append only file" in p.stdout + p.stderr
    assert incr.read_bytes().endswith(b"$2\r\n4")  # untouched
    # Default (aof-load-truncated yes): the tail is cut, with Redis's log lines.
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    assert srv.client().get("a") == b"1"
    assert srv.client().get("b") is None
    assert "!!! Warning: short read while loading the AOF file" in srv.log()
    assert "Truncating the AOF appendonly.aof.1.incr.aof at offset %d" % len(good) in srv.log()
    srv.kill()
    assert incr.read_bytes() == good
    check_aof(data)
    # An unfinished MULTI is rolled back to before it.
    incr.write_bytes(good + b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n")
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    assert srv.client().get("b") is None
    assert "Revert incomplete MULTI/EXEC transaction" in srv.log()
    srv.kill()
    assert incr.read_bytes() == good


def test_corrupt_aof_stops_the_start(start_server, tmp_path, fincache_bin):
    data = tmp_path / "data"
    data.mkdir()
    incr = make_aof(start_server, data)
    good = incr.read_bytes()
    manifest = data / "appendonlydir" / "appendonly.aof.manifest"
    good_manifest = manifest.read_bytes()
    cases = {
        "garbage": (good + b"garbage\r\n", None, "Bad file format reading the append only file"),
        "bad_length": (good + b"*1\r\n$x\r\n", None, "Bad file format"),
        "unknown_cmd": (good + b"*1\r\n$7\r\nNOTACMD\r\n", None, "Unknown command 'NOTACMD'"),
        "bad_manifest": (good, b"file x seq 1 type z\n", "Unknown AOF file type"),
        "missing_file": (good, good_manifest + b"file appendonly.aof.9.incr.aof seq 9 type i\n",
                         "doesn't exist"),
    }
    for name, (blob, man, message) in cases.items():
        incr.write_bytes(blob)
        manifest.write_bytes(man if man is not None else good_manifest)
        p = run_server(fincache_bin, data)
        out = p.stdout + p.stderr
        assert p.returncode != 0, name
        assert "Fatal error loading the DB" in out, (name, out)
        assert message in out, (name, out)
    # A truncated base (not the last file) is fatal even with aof-load-truncated yes.
    incr.write_bytes(good)
    manifest.write_bytes(good_manifest)
    base = data / "appendonlydir" / "appendonly.aof.1.base.rdb"
    base_good = base.read_bytes()
    base.write_bytes(base_good[:-3])
    p = run_server(fincache_bin, data)
    assert p.returncode != 0
    base.write_bytes(base_good)
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    assert srv.client().lrange("l", 0, -1) == [b"x", b"y"]


# --------------------------------------------------------------------------------------------
# Crash loops
# --------------------------------------------------------------------------------------------


def crash_loop(start_server, data: Path, fsync: str, rounds: int, run_s: float) -> None:
    """Writers record every acknowledged write; the server is SIGKILLed mid-flight; after the
    restart every acknowledged write must be there."""
    acked_counters: dict = {}
    acked_sets: set = set()
    for rnd in range(rounds):
        srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "",
                           "--appendfsync", fsync)
        c = srv.client()
        # Everything acknowledged in earlier rounds survived.
        for key, n in acked_counters.items():
            got = int(c.get(key) or 0)
            assert got >= n, (rnd, key, got, n)
        if acked_sets:
            present = c.smembers("members")
            missing = {m for m in acked_sets if m.encode() not in present}
            assert not missing, (rnd, sorted(missing)[:5])
        stop = threading.Event()
        lock = threading.Lock()

        def writer(wid: int) -> None:
            cl = redis.Redis(port=srv.port, socket_timeout=5, retry=None, retry_on_error=[])
            i = 0
            try:
                while not stop.is_set():
                    key = f"ctr:{wid}"
                    v = cl.incr(key)
                    member = f"{rnd}:{wid}:{i}"
                    cl.sadd("members", member)
                    with lock:
                        acked_counters[key] = max(acked_counters.get(key, 0), v)
                        acked_sets.add(member)
                    i += 1
            except (redis.ConnectionError, redis.TimeoutError, OSError):
                pass

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        time.sleep(run_s * random.uniform(0.5, 1.0))
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        stop.set()
        for t in threads:
            t.join()
        assert acked_sets, "no write was acknowledged"
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    c = srv.client()
    for key, n in acked_counters.items():
        assert int(c.get(key) or 0) >= n
    assert len(c.smembers("members")) >= len(acked_sets)
    check_aof(data)


def test_crash_loop_always(start_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    crash_loop(start_server, data, "always", rounds=6, run_s=0.8)


def test_crash_loop_everysec(start_server, tmp_path):
    # A SIGKILL loses nothing acknowledged under everysec either: replies leave only after the
    # write(2) (the page cache survives a process crash; only an OS crash could lose ~1 s).
    data = tmp_path / "data"
    data.mkdir()
    crash_loop(start_server, data, "everysec", rounds=3, run_s=0.8)


# --------------------------------------------------------------------------------------------
# Rewrites
# --------------------------------------------------------------------------------------------


def test_bgrewriteaof_under_load_loses_nothing(start_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    c = srv.client()
    pipe = c.pipeline(transaction=False)
    for i in range(20000):
        pipe.set(f"k:{i}", "x" * 20)
    pipe.execute()
    stop = threading.Event()

    def writer(wid: int) -> None:
        cl = redis.Redis(port=srv.port)
        while not stop.is_set():
            cl.incr(f"n:{wid}")
            cl.rpush(f"l:{wid}", "e")

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(3)]
    for t in threads:
        t.start()
    rewrites = 0
    for _ in range(3):
        try:
            assert c.bgrewriteaof()
        except redis.ResponseError as e:  # the previous one still runs
            assert "already in progress" in str(e)
        info = wait_rewrite(c)
        assert info["aof_last_bgrewrite_status"] == "ok"
        rewrites = info["aof_rewrites"]
    stop.set()
    for t in threads:
        t.join()
    assert rewrites >= 1
    expected = {k: c.get(k) for k in ("n:0", "n:1", "n:2")}
    lens = {k: c.llen(k) for k in ("l:0", "l:1", "l:2")}
    info = c.info("persistence")
    assert info["aof_enabled"] == 1 and info["aof_base_size"] > 0
    srv.kill()
    files = sorted(os.listdir(data / "appendonlydir"))
    # Only the files the manifest lists remain: the current base and its incr file.
    assert len([f for f in files if ".base." in f]) == 1, files
    check_aof(data)
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    c = srv.client()
    assert {k: c.get(k) for k in expected} == expected
    assert {k: c.llen(k) for k in lens} == lens
    assert c.dbsize() == 20000 + 6


def test_config_set_appendonly_at_runtime(start_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data), "--save", "")
    c = srv.client()
    populate(c)
    assert c.info("persistence")["aof_enabled"] == 0
    assert c.config_set("appendonly", "yes")
    assert c.info("persistence")["aof_enabled"] == 1
    info = wait_rewrite(c)
    assert info["aof_rewrites"] == 1
    c.set("after", "1")
    expected = contents(srv.port)
    srv.kill()
    check_aof(data)
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    assert contents(srv.port) == expected
    c = srv.client()
    assert c.config_set("appendonly", "no")
    c.set("not_logged", "1")
    assert c.info("persistence")["aof_enabled"] == 0
    srv.kill()
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    assert srv.client().get("not_logged") is None
    assert srv.client().get("after") == b"1"


def test_config_set_appendonly_no_then_yes_before_the_cron(start_server, tmp_path):
    """CONFIG SET appendonly no then yes in one batch, faster than the cron applies them: the AOF
    must end on and recording (it restarts from a new base), not on while writes go nowhere."""
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--appendfsync", "always",
                       "--save", "")
    c = srv.client()
    c.set("before", "1")
    p = c.pipeline(transaction=False)
    p.config_set("appendonly", "no").set("between", "1").config_set("appendonly", "yes")
    assert p.execute() == [True, True, True]
    info = wait_rewrite(c)
    assert info["aof_enabled"] == 1
    for i in range(100):
        c.set(f"after{i}", i)
    expected = contents(srv.port)
    srv.kill()  # SIGKILL: only what the AOF holds survives
    check_aof(data)
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    assert contents(srv.port) == expected


def test_bgrewriteaof_while_off_then_appendonly_yes(start_server, tmp_path):
    """A BGREWRITEAOF of an AOF that is off, then CONFIG SET appendonly yes while its child runs:
    the AOF is on only once a rewrite started for it finished (two rewrites), and records."""
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data), "--appendfsync", "always", "--save", "")
    c = srv.client()
    c.set("big", "x" * 10_000_000)
    p = c.pipeline(transaction=False)
    p.bgrewriteaof().config_set("appendonly", "yes").set("during", "1")
    p.execute()
    info = wait_rewrite(c)
    deadline = time.monotonic() + 20
    while info["aof_rewrites"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        info = wait_rewrite(c)
    assert info["aof_enabled"] == 1 and info["aof_rewrites"] == 2
    c.set("after", "1")
    expected = contents(srv.port)
    srv.kill()
    check_aof(data)
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    assert contents(srv.port) == expected


def test_auto_rewrite(start_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "",
                       "--auto-aof-rewrite-percentage", "100", "--auto-aof-rewrite-min-size",
                       "100kb")
    c = srv.client()
    pipe = c.pipeline(transaction=False)
    for i in range(3000):
        pipe.set(f"key:{i}", "v" * 100)
    pipe.execute()
    deadline = time.monotonic() + 10
    while c.info("persistence")["aof_rewrites"] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert c.info("persistence")["aof_rewrites"] >= 1
    assert "Starting automatic rewriting of AOF" in srv.log()


def test_bgsave_and_rewrite_exclusion(start_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    c = srv.client()
    pipe = c.pipeline(transaction=False)
    for i in range(100000):
        pipe.set(f"key:{i}", "v" * 50)
    pipe.execute()
    assert c.bgrewriteaof()
    scheduled = False
    if c.info("persistence")["aof_rewrite_in_progress"]:
        try:
            c.bgsave()  # only possible when the rewrite finished meanwhile
            while c.info("persistence")["rdb_bgsave_in_progress"]:
                time.sleep(0.05)
        except redis.ResponseError as e:
            assert "Another child process is active (AOF?): can't BGSAVE right now" in str(e)
        if c.info("persistence")["aof_rewrite_in_progress"]:
            # "Background saving scheduled" (redis-py answers True for it)
            assert c.execute_command("BGSAVE", "SCHEDULE") is True
            scheduled = True
    wait_rewrite(c)
    deadline = time.monotonic() + 20
    while scheduled and time.monotonic() < deadline and (
            not (data / "dump.rdb").exists() or c.info("persistence")["rdb_bgsave_in_progress"]):
        time.sleep(0.05)
    assert not scheduled or (data / "dump.rdb").exists()
    while c.info("persistence")["rdb_bgsave_in_progress"]:
        time.sleep(0.05)
    assert c.bgsave()
    if c.info("persistence")["rdb_bgsave_in_progress"]:
        assert c.execute_command("BGREWRITEAOF") is True  # "... rewriting scheduled"
        assert c.info("persistence")["aof_rewrite_scheduled"] == 1
    wait_rewrite(c)


# --------------------------------------------------------------------------------------------
# SHUTDOWN
# --------------------------------------------------------------------------------------------


def no_retry(srv) -> redis.Redis:
    # redis-py retries a dropped connection (with backoff); the server is gone for good here.
    return redis.Redis(port=srv.port, retry=None, retry_on_error=[])


def test_shutdown(start_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "3600 1",
                       "--appendfsync", "no")
    c = no_retry(srv)
    c.set("k", "v")
    with pytest.raises(redis.ResponseError, match="No shutdown in progress"):
        c.shutdown(abort=True)
    with pytest.raises(redis.ConnectionError):
        c.execute_command("SHUTDOWN", "NOSAVE")
    assert srv.proc.wait(timeout=20) == 0
    log = srv.log()
    assert "Calling fsync() on the AOF file." in log
    assert "Saving the final RDB snapshot" not in log
    assert not (data / "dump.rdb").exists()
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    c = no_retry(srv)
    assert c.get("k") == b"v"
    c.shutdown(save=True)  # redis-py: a closed connection is success
    assert srv.proc.wait(timeout=20) == 0
    assert (data / "dump.rdb").exists()
    # A failing final save keeps the server up (unless FORCE).
    (data / "dump.rdb").unlink()
    srv = start_server("--dir", str(data), "--save", "3600 1")
    (data / "dump.rdb").mkdir()  # the rename over it fails
    c = no_retry(srv)
    c.set("k", "v")
    with pytest.raises(redis.ResponseError, match="Errors trying to SHUTDOWN. Check logs."):
        c.execute_command("SHUTDOWN")
    assert c.ping()
    assert "Error trying to save the DB, can't exit" in srv.log()
    with pytest.raises(redis.ConnectionError):
        c.execute_command("SHUTDOWN", "NOW", "FORCE")
    assert srv.proc.wait(timeout=20) == 0


# --------------------------------------------------------------------------------------------
# Embedded
# --------------------------------------------------------------------------------------------


def test_embedded_cache_with_aof(tmp_path, start_server):
    data = tmp_path / "emb"
    data.mkdir()
    cache = fincache.Cache(dir=str(data), appendonly=True, appendfsync="always")
    cache.set("k", "v", ex=3600)
    cache.rpush("l", "a", "b")
    cache.incrbyfloat("f", 0.5)
    with cache.pipeline(transaction=True) as p:
        p.sadd("s", "x").zadd("z", {"m": 2})
        p.execute()
    assert cache.info("persistence")["aof_enabled"] == 1
    del cache
    again = fincache.Cache(dir=str(data), appendonly=True)
    assert again.get("k") == b"v" and again.ttl("k") > 3500
    assert again.lrange("l", 0, -1) == [b"a", b"b"]
    assert again.get("f") == b"0.5"
    assert again.smembers("s") == {b"x"}
    del again
    check_aof(data)
    # The embedded engine's AOF loads in fincache-server and redis-server.
    srv = start_server("--dir", str(data), "--appendonly", "yes", "--save", "")
    assert srv.client().zscore("z", "m") == 2.0
    srv.kill()
    rs = start_redis(data, "--appendonly", "yes")
    try:
        assert redis.Redis(port=rs.port).lrange("l", 0, -1) == [b"a", b"b"]
    finally:
        rs.cleanup()
    # A damaged AOF is an exception, not an empty cache.
    (data / "appendonlydir" / "appendonly.aof.manifest").write_bytes(b"nonsense\n")
    with pytest.raises(RuntimeError, match="Invalid AOF manifest"):
        fincache.Cache(dir=str(data), appendonly=True)


# --------------------------------------------------------------------------------------------
# Differential
# --------------------------------------------------------------------------------------------


AOF_SETTINGS = ["appendonly", "appendfilename", "appenddirname", "appendfsync",
                "no-appendfsync-on-rewrite", "auto-aof-rewrite-percentage",
                "auto-aof-rewrite-min-size", "aof-load-truncated", "aof-use-rdb-preamble",
                "aof-timestamp-enabled", "aof-rewrite-incremental-fsync"]


def test_diff_commands_and_settings(diff):
    steps = [S(["COMMAND", "INFO", "bgrewriteaof", "shutdown"], cmp=command_info),
             S(["COMMAND", "DOCS", "bgrewriteaof", "shutdown"],
               cmp=docs_fields("summary", "since", "group", "complexity", "history",
                               "arguments")),
             ["BGREWRITEAOF", "x"], ["SHUTDOWN", "ABORT"], ["SHUTDOWN", "bogus"],
             ["SHUTDOWN", "NOSAVE", "SAVE"], ["SHUTDOWN", "ABORT", "NOW"],
             ["SHUTDOWN", "SAVE", "ABORT"], ["MULTI"], ["SHUTDOWN"], ["EXEC"],
             ["MULTI"], ["BGREWRITEAOF"], ["EXEC"]]
    for name in AOF_SETTINGS:
        steps.append(["CONFIG", "GET", name])
    steps += [["CONFIG", "SET", "appendfsync", "bogus"], ["CONFIG", "SET", "appendfsync", "no"],
              ["CONFIG", "GET", "appendfsync"], ["CONFIG", "SET", "appendfsync", "ALWAYS"],
              ["CONFIG", "GET", "appendfsync"], ["CONFIG", "SET", "appendfsync", "everysec"],
              ["CONFIG", "SET", "appendfilename", "x.aof"],
              ["CONFIG", "SET", "appenddirname", "d"],
              ["CONFIG", "SET", "auto-aof-rewrite-percentage", "-1"],
              ["CONFIG", "SET", "auto-aof-rewrite-percentage", "50"],
              ["CONFIG", "SET", "auto-aof-rewrite-min-size", "1gb"],
              ["CONFIG", "GET", "auto-aof-rewrite-percentage"],
              ["CONFIG", "GET", "auto-aof-rewrite-min-size"],
              ["CONFIG", "SET", "auto-aof-rewrite-percentage", "100"],
              ["CONFIG", "SET", "auto-aof-rewrite-min-size", "64mb"],
              ["CONFIG", "SET", "aof-load-truncated", "maybe"],
              ["CONFIG", "SET", "aof-timestamp-enabled", "yes"],
              ["CONFIG", "GET", "aof-timestamp-enabled"],
              ["CONFIG", "SET", "aof-timestamp-enabled", "no"],
              ["CONFIG", "SET", "appendonly", "maybe"],
              ["CONFIG", "SET", "no-appendfsync-on-rewrite", "yes"],
              ["CONFIG", "SET", "no-appendfsync-on-rewrite", "no"]]
    diff.run(steps)
