"""RDB snapshot files between FinCache and Debian's redis-server 7.0, both ways.

* FinCache's SAVE/BGSAVE output is accepted by redis-check-rdb and loaded by redis-server with
  the same contents (every core type and encoding, TTLs, binary and large values, 16 dbs).
* redis-server's dump.rdb (LZF compression on, listpack/quicklist/intset/hashtable/skiplist
  encodings) loads into fincache-server at start.
* LRU/LFU access data (the IDLE and FREQ opcodes) both ways, as OBJECT IDLETIME / OBJECT FREQ.
* Corrupt or truncated files stop the start with a clear message (never an empty server).
* BGSAVE keeps serving; save points; the final save at SIGTERM; INFO persistence; the embedded
  Cache(dir=..., dbfilename=...) persists across instances and its file loads in the servers.
* SAVE/BGSAVE/LASTSAVE metadata and the settings' errors are compared with Redis.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
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

import fincache

# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def populate(c: redis.Redis) -> None:
    """Every core type in every encoding, TTLs, binary and large values, several dbs."""
    c.set("str", "hello")
    c.set("int", 12345)
    c.set("bigint", 2**40)
    c.set("bin", b"\x00\xff\r\n" * 10)
    c.set("large", b"q" * 300000)
    c.set("compressible", "abc" * 1000)
    c.set("ttl", "v", px=3600_000)
    c.rpush("list", *[f"e{i}" for i in range(5)])
    c.rpush("biglist", *[f"element-{i}" * (i % 7 + 1) for i in range(5000)])
    c.hset("hsmall", mapping={"a": "1", "b": "two"})
    c.hset("hbig", mapping={f"f{i}": f"v{i}" for i in range(1000)})
    c.sadd("sint", *range(100))
    c.sadd("sbig", *[f"m{i}" for i in range(600)])
    c.zadd("zsmall", {"a": 1.5, "b": -2})
    c.zadd("zbig", {f"z{i}": i / 3 for i in range(300)})
    c.pfadd("hll", *[f"h{i}" for i in range(1000)])
    c.expire("hbig", 7200)
    for db in (1, 15):
        c.execute_command("SELECT", db)
        c.set(f"in{db}", f"db{db}")
        c.execute_command("SELECT", 0)


def contents(port: int, dbs=range(16)) -> dict:
    """Everything a client can see: per db, per key its type, value and whether it has a TTL."""
    out = {}
    for db in dbs:
        c = redis.Redis(port=port, db=db)
        for key in sorted(c.keys("*")):
            t = c.type(key).decode()
            if t == "string":
                v = c.get(key)
            elif t == "list":
                v = c.lrange(key, 0, -1)
            elif t == "hash":
                v = sorted(c.hgetall(key).items())
            elif t == "set":
                v = sorted(c.smembers(key))
            else:
                v = c.zrange(key, 0, -1, withscores=True)
            ttl = c.pttl(key)
            out[(db, key)] = (t, v, ttl > 0, c.object("encoding", key))
        c.close()
    return out


def wait_bgsave(c: redis.Redis, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = c.info("persistence")
        if info["rdb_bgsave_in_progress"] == 0:
            return info
        time.sleep(0.05)
    raise AssertionError("BGSAVE did not finish")


def start_redis(tmp_dir: Path, *extra: str) -> ServerProc:
    srv = ServerProc("redis", redis_server_binary(), ["--dir", str(tmp_dir), *extra])
    srv.start()
    return srv


# --------------------------------------------------------------------------------------------
# FinCache -> Redis
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["save", "bgsave", "sigterm"])
def test_fincache_snapshot_loads_in_redis(start_server, tmp_path, how):
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data), "--save", "3600 1")
    c = srv.client()
    populate(c)
    expected = contents(srv.port)
    if how == "save":
        assert c.save() is True
    elif how == "bgsave":
        assert c.bgsave() is True
        info = wait_bgsave(c)
        assert info["rdb_last_bgsave_status"] == "ok"
    else:
        assert srv.terminate(signal.SIGTERM) == 0
        assert "DB saved on disk" in srv.log()
    rdb = data / "dump.rdb"
    check = subprocess.run(["redis-check-rdb", str(rdb)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "RDB looks OK" in check.stdout
    rs = start_redis(data, "--dbfilename", "dump.rdb")
    try:
        got = contents(rs.port)
        assert got == expected
    finally:
        rs.cleanup()


def test_empty_snapshot_loads_everywhere(start_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data))
    assert srv.client().save() is True
    check = subprocess.run(["redis-check-rdb", str(data / "dump.rdb")], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    rs = start_redis(data)
    try:
        assert redis.Redis(port=rs.port).dbsize() == 0
    finally:
        rs.cleanup()


# --------------------------------------------------------------------------------------------
# Redis -> FinCache
# --------------------------------------------------------------------------------------------


def test_redis_snapshot_loads_in_fincache(start_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    rs = start_redis(data, "--rdbcompression", "yes")
    try:
        rc = redis.Redis(port=rs.port)
        populate(rc)
        # An expired-on-load key and a 2-byte-wide intset after a removal.
        rc.set("short", "x", px=1)
        expected = contents(rs.port)
        expected.pop((0, b"short"), None)
        time.sleep(0.01)
        assert rc.save() is True
    finally:
        rs.cleanup()
    srv = start_server("--dir", str(data))
    got = contents(srv.port)
    assert got == expected
    info = srv.client().info("persistence")
    assert info["rdb_last_load_keys_loaded"] == len(expected)
    assert "DB loaded from disk" in srv.log()


# --------------------------------------------------------------------------------------------
# LRU/LFU access data (RDB's IDLE and FREQ opcodes)
# --------------------------------------------------------------------------------------------


def near(a: int, b: int, slack: int = 3) -> bool:
    return abs(a - b) <= slack


@pytest.mark.parametrize("policy", ["allkeys-lfu", "allkeys-lru"])
def test_idle_and_freq_from_redis(start_server, tmp_path, policy):
    """redis-server writes FREQ (LFU policies) or IDLE (LRU policies) before each key; FinCache
    loads them into OBJECT FREQ / OBJECT IDLETIME under the same policy."""
    data = tmp_path / "data"
    data.mkdir()
    rs = start_redis(data, "--maxmemory-policy", policy, "--lfu-decay-time", "0")
    try:
        rc = redis.Redis(port=rs.port)
        rc.set("plain", "v")
        payload = rc.dump("plain")
        if policy == "allkeys-lfu":
            rc.execute_command("RESTORE", "hot", 0, payload, "FREQ", 123)
            rc.execute_command("RESTORE", "warm", 0, payload, "FREQ", 7)
            expected = {k: rc.object("freq", k) for k in ("hot", "warm", "plain")}
            assert expected["hot"] == 123
        else:
            rc.execute_command("RESTORE", "idle", 0, payload, "IDLETIME", 5000)
            expected = {k: rc.object("idletime", k) for k in ("idle", "plain")}
        assert rc.save() is True
    finally:
        rs.cleanup()
    srv = start_server("--dir", str(data), "--maxmemory-policy", policy, "--lfu-decay-time", "0")
    c = srv.client()
    if policy == "allkeys-lfu":
        assert {k: c.object("freq", k) for k in expected} == expected
    else:
        got = {k: c.object("idletime", k) for k in expected}
        assert near(got["idle"], 5000) and near(got["plain"], 0), got


@pytest.mark.parametrize("policy", ["allkeys-lfu", "volatile-lru"])
def test_idle_and_freq_to_redis(start_server, tmp_path, policy):
    """FinCache writes FREQ/IDLE as Redis does: redis-check-rdb accepts the file and redis-server
    under the same policy shows the same OBJECT FREQ / OBJECT IDLETIME."""
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data), "--maxmemory-policy", policy, "--lfu-decay-time", "0")
    c = srv.client()
    c.set("plain", "v")
    payload = c.dump("plain")
    if policy == "allkeys-lfu":
        c.execute_command("RESTORE", "hot", 0, payload, "FREQ", 200)
        c.execute_command("RESTORE", "zero", 0, payload, "FREQ", 0)
        expected = {k: c.object("freq", k) for k in ("hot", "zero", "plain")}
        assert expected["hot"] == 200 and expected["zero"] == 0
    else:
        c.execute_command("RESTORE", "idle", 0, payload, "IDLETIME", 86400)
        expected = {k: c.object("idletime", k) for k in ("idle", "plain")}
    assert c.save() is True
    rdb = data / "dump.rdb"
    raw = rdb.read_bytes()
    # FREQ 200 / IDLE 86400 (a 32-bit length; a second may pass), then the STRING key.
    marker = rb"\xf9\xc8\x00\x03hot" if policy == "allkeys-lfu" else rb"\xf8\x80\x00\x01\x51[\x80-\x83]\x00\x04idle"
    assert re.search(marker, raw)
    check = subprocess.run(["redis-check-rdb", str(rdb)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0 and "RDB looks OK" in check.stdout, check.stdout + check.stderr
    rs = start_redis(data, "--maxmemory-policy", policy, "--lfu-decay-time", "0")
    try:
        rc = redis.Redis(port=rs.port)
        if policy == "allkeys-lfu":
            assert {k: rc.object("freq", k) for k in expected} == expected
        else:
            got = {k: rc.object("idletime", k) for k in expected}
            assert near(got["idle"], 86400) and near(got["plain"], 0), got
    finally:
        rs.cleanup()


# --------------------------------------------------------------------------------------------
# Corrupt files
# --------------------------------------------------------------------------------------------


def test_corrupt_or_truncated_file_stops_the_start(start_server, tmp_path, fincache_bin):
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data))
    populate(srv.client())
    srv.client().save()
    srv.kill()
    good = (data / "dump.rdb").read_bytes()
    cases = {
        "truncated": good[: len(good) // 2],
        "flipped": good[:200] + bytes([good[200] ^ 0x55]) + good[201:],
        "not_rdb": b"hello world, not an RDB file",
        "future_version": b"REDIS0011" + good[9:],
        "empty": b"",
    }
    for name, blob in cases.items():
        (data / "dump.rdb").write_bytes(blob)
        p = subprocess.run([fincache_bin, "--port", "0", "--http-port", "0", "--dir", str(data)],
                           capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert p.returncode != 0, name
        out = p.stdout + p.stderr
        assert "Fatal error loading the DB" in out, (name, out)
        assert "Bad RDB file" in out, (name, out)
    # The good file still loads.
    (data / "dump.rdb").write_bytes(good)
    srv = start_server("--dir", str(data))
    assert srv.client().get("str") == b"hello"


# --------------------------------------------------------------------------------------------
# BGSAVE, save points, INFO persistence
# --------------------------------------------------------------------------------------------


def test_bgsave_keeps_serving(start_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data), "--save", "")
    c = srv.client()
    pipe = c.pipeline(transaction=False)
    for i in range(50000):
        pipe.set(f"key:{i}", "x" * 50)
    pipe.execute()
    before = c.lastsave()
    info = c.info("persistence")
    assert info["rdb_changes_since_last_save"] == 50000
    time.sleep(1.1)
    assert c.bgsave() is True
    # A second BGSAVE is refused while the child runs (unless it already finished and was
    # reaped: then it starts another one).
    saves = 1
    try:
        c.bgsave()
        saves = 2
    except redis.ResponseError as e:
        assert "Background save already in progress" in str(e)
    # Serving goes on while the child writes.
    served = 0
    while c.info("persistence")["rdb_bgsave_in_progress"] == 1:
        c.set(f"during:{served}", "y")
        served += 1
    info = wait_bgsave(c)
    assert info["rdb_last_bgsave_status"] == "ok"
    assert info["rdb_saves"] == saves
    assert info["rdb_changes_since_last_save"] <= served
    assert c.lastsave() > before
    srv.kill()
    srv2 = start_server("--dir", str(data))
    c2 = srv2.client()
    assert c2.dbsize() >= 50000
    assert c2.get("key:49999") == b"x" * 50


def test_save_points(start_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    srv = start_server("--dir", str(data), "--save", "1 2")
    c = srv.client()
    c.set("a", 1)
    time.sleep(1.5)
    assert not (data / "dump.rdb").exists()  # one change, the point needs two
    c.set("b", 2)
    deadline = time.monotonic() + 5
    while not (data / "dump.rdb").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (data / "dump.rdb").exists()
    assert wait_bgsave(c)["rdb_changes_since_last_save"] == 0
    assert c.config_get("save") == {"save": "1 2"}


# --------------------------------------------------------------------------------------------
# Embedded
# --------------------------------------------------------------------------------------------


def test_embedded_cache_persists(tmp_path, start_server):
    data = tmp_path / "emb"
    data.mkdir()
    cache = fincache.Cache(dir=str(data), dbfilename="emb.rdb")
    cache.set("k", "v")
    cache.rpush("l", "a", "b")
    cache.zadd("z", {"m": 2.5})
    assert cache.save() is True
    assert cache.bgsave()
    del cache
    again = fincache.Cache(dir=str(data), dbfilename="emb.rdb")
    assert again.get("k") == b"v"
    assert again.lrange("l", 0, -1) == [b"a", b"b"]
    assert again.zscore("z", "m") == 2.5
    assert again.config_get("dir")["dir"] == str(data.resolve())
    # The embedded engine's file loads in fincache-server and redis-server.
    srv = start_server("--dir", str(data), "--dbfilename", "emb.rdb")
    assert srv.client().lrange("l", 0, -1) == [b"a", b"b"]
    rs = start_redis(data, "--dbfilename", "emb.rdb")
    try:
        assert redis.Redis(port=rs.port).zscore("z", "m") == 2.5
    finally:
        rs.cleanup()
    # A bad file is an exception, not an empty cache.
    (data / "bad.rdb").write_bytes(b"REDIS0010\xfe")
    with pytest.raises(RuntimeError, match="Bad RDB file"):
        fincache.Cache(dir=str(data), dbfilename="bad.rdb")
    # Without dir/dbfilename: no save points, nothing loaded from the working directory.
    plain = fincache.Cache()
    assert plain.config_get("save") == {"save": ""}


# --------------------------------------------------------------------------------------------
# Function libraries persist with the data (FUNCTION2 records)
# --------------------------------------------------------------------------------------------

LIB = """#!lua name=fin
redis.register_function('fin_double', function(keys, args) return tonumber(args[1]) * 2 end)
redis.register_function{function_name='fin_get', callback=function(keys, args)
  return redis.call('GET', keys[1]) end, flags={'no-writes'}}
"""
LIB2 = "#!lua name=other\nredis.register_function('other_one', function() return 1 end)\n" + \
    "-- " + "padding " * 40  # long enough for LZF


def check_functions(c: redis.Redis) -> None:
    libs = [dict(zip(lib[::2], lib[1::2])) for lib in c.function_list()]  # RESP2: flat pairs
    assert sorted(lib[b"library_name"] for lib in libs) == [b"fin", b"other"]
    assert c.fcall("fin_double", 0, 21) == 42
    assert c.fcall_ro("fin_get", 1, "k") == b"v"


@pytest.mark.parametrize("origin", ["fincache", "redis"])
def test_function_libraries_persist(start_server, tmp_path, origin):
    data = tmp_path / "data"
    data.mkdir()
    if origin == "fincache":
        src = start_server("--dir", str(data))
        c = src.client()
    else:
        src = start_redis(data)
        c = redis.Redis(port=src.port)
    c.function_load(LIB)
    c.function_load(LIB2)
    c.set("k", "v")
    assert c.save() is True
    if origin == "fincache":
        check = subprocess.run(["redis-check-rdb", str(data / "dump.rdb")], capture_output=True,
                               text=True, timeout=60)
        assert check.returncode == 0, check.stdout + check.stderr
        src.terminate(signal.SIGTERM)
    else:
        src.cleanup()
    srv = start_server("--dir", str(data), "--save", "")
    check_functions(srv.client())
    rs = start_redis(data, "--save", "")
    try:
        check_functions(redis.Redis(port=rs.port))
    finally:
        rs.cleanup()


def test_function_conflict_in_file_stops_the_start(start_server, tmp_path, fincache_bin):
    """Two FUNCTION2 records of the same library: the start fails with the reason."""
    data = tmp_path / "data"
    data.mkdir()
    src = start_server("--dir", str(data))
    c = src.client()
    c.function_load(LIB)
    assert c.save() is True
    src.terminate(signal.SIGTERM)
    raw = (data / "dump.rdb").read_bytes()
    # A second FUNCTION2 record (opcode 245 + the code as a plain RDB string) of the same
    # library, before the first one; then a fresh CRC.
    from test_diff_dump import crc64, rdb_str
    at = raw.index(b"\xf5")
    body = raw[:at] + b"\xf5" + rdb_str(LIB.encode()) + raw[at:-8]
    (data / "dump.rdb").write_bytes(body + crc64(body).to_bytes(8, "little"))
    proc = subprocess.run([fincache_bin, "--port", "0", "--http-port", "0", "--dir", str(data)],
                          capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode != 0
    assert "function library" in (proc.stdout + proc.stderr)
    assert "already exists" in (proc.stdout + proc.stderr)


# --------------------------------------------------------------------------------------------
# Differential: metadata, replies, settings' errors
# --------------------------------------------------------------------------------------------


def test_diff_commands_and_settings(diff):
    diff.run([S(["COMMAND", "INFO", "save", "bgsave", "lastsave"], cmp=command_info),
              S(["COMMAND", "DOCS", "save", "bgsave", "lastsave"],
                cmp=docs_fields("summary", "since", "group", "complexity", "history", "arguments")),
              ["SAVE"], ["BGSAVE", "bogus"], ["BGSAVE", "SCHEDULE", "x"], ["SAVE", "x"],
              ["LASTSAVE", "x"], ["CONFIG", "GET", "dbfilename"],
              ["CONFIG", "SET", "dbfilename", "x.rdb"], ["CONFIG", "SET", "dir", "/tmp"],
              ["CONFIG", "SET", "save", "10"], ["CONFIG", "SET", "save", "10 x"],
              ["CONFIG", "SET", "save", " 10 5"], ["CONFIG", "SET", "save", "0 5"],
              ["CONFIG", "SET", "save", "-1 5"], ["CONFIG", "SET", "save", "100 5 200 0"],
              ["CONFIG", "GET", "save"], ["CONFIG", "SET", "save", ""], ["CONFIG", "GET", "save"],
              ["MULTI"], ["SAVE"], ["EXEC"], ["MULTI"], ["BGSAVE"], ["EXEC"]],
             "persistence_commands")
    # The scheduled BGSAVE runs shortly after, on both.
    for conn in (diff.redis, diff.fincache):
        deadline = time.monotonic() + 10
        while b"rdb_bgsave_in_progress:0" not in conn.call("INFO", "persistence").value or \
                b"rdb_saves:0" in conn.call("INFO", "persistence").value:
            assert time.monotonic() < deadline, "scheduled BGSAVE did not run"
            time.sleep(0.05)
