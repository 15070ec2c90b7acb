"""Differential tests of maxmemory, eviction and the MEMORY family against a real redis-server.

Byte counts (MEMORY USAGE, MEMORY STATS values, used_memory) are each server's own accounting,
so those replies are compared by type and shape; everything else (CONFIG values and errors, the
OOM error and where it applies, OBJECT FREQ/IDLETIME errors, MEMORY errors and help, metadata)
byte for byte, in RESP2 and RESP3.
"""

import time

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    Node,
    Probe,
    S,
    command_info,
    diff,
    first_reply_shape,
    info_text,
    int_near,
    masked_map,
    server_pair,
)

pytestmark = pytest.mark.differential

HELLO3 = S(["HELLO", "3"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))
OOM_ON = ["CONFIG", "SET", "maxmemory", "1"]
OOM_OFF = ["CONFIG", "SET", "maxmemory", "0"]
LONG_DIGITS = "9" * 130
DUMP_V = b"\x00\x01v\n\x00\x91\x08\xce\xb2\x198\x8a\xce"  # DUMP of the string "v"


def same_shape(r: Node, f: Node):
    """Same RESP type tree (values may differ: each server's own byte counts)."""
    rs, fs = first_reply_shape(r), first_reply_shape(f)
    return None if rs == fs else f"shapes differ: {rs} vs {fs}"


def unordered_pairs(r: Node, f: Node):
    """CONFIG GET of a pattern: the same (name, value) pairs in any order (Redis's dict order)."""
    if r.kind != f.kind or r.is_error or f.is_error:
        return None if r.raw == f.raw else "reply types differ"
    a = sorted((k.raw, v.raw) for k, v in r.pairs())
    b = sorted((k.raw, v.raw) for k, v in f.pairs())
    return None if a == b else "(name, value) pairs differ"


def positive_integer(r: Node, f: Node):
    ok = r.kind == ":" and f.kind == ":" and r.value > 0 and f.value > 0
    return None if ok else "expected two positive integers"


MEMORY_STATS_KEYS = [
    "peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
    "clients.slaves", "clients.normal", "cluster.links", "aof.buffer", "lua.caches",
    "functions.caches", "db.0", "overhead.total", "keys.count", "keys.bytes-per-key",
    "dataset.bytes", "dataset.percentage", "peak.percentage", "allocator.allocated",
    "allocator.active", "allocator.resident", "allocator-fragmentation.ratio",
    "allocator-fragmentation.bytes", "allocator-rss.ratio", "allocator-rss.bytes",
    "rss-overhead.ratio", "rss-overhead.bytes", "fragmentation", "fragmentation.bytes",
]
STATS = S(["MEMORY", "STATS"], cmp=masked_map(*MEMORY_STATS_KEYS))


def config_set_get(name, *values):
    steps = []
    for v in values:
        steps += [["CONFIG", "SET", name, v], ["CONFIG", "GET", name]]
    return steps


CASES = {
    # ---- settings ----
    "maxmemory_values": config_set_get("maxmemory", "100mb", "1GB", "1k", "2KB", "5B", "5b", "12345",
                                       "", "kb", "0", "18446744073709551615", "18446744073709551616",
                                       "99999999999999999999999", "18446744073709551615kb", "7G",
                                       "3m", "0") + [["CONFIG", "GET", "maxmemory"]],
    "maxmemory_errors": [["CONFIG", "SET", "maxmemory", v] for v in
                         ("-1", "abc", "1.5mb", "+5", " 5", "5 ", "0x10", "1tb", "1kbb", "-0",
                          LONG_DIGITS)] + [["CONFIG", "GET", "maxmemory"]],
    "policy_values": config_set_get("maxmemory-policy", "volatile-lru", "volatile-lfu", "volatile-random",
                                    "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random",
                                    "noeviction", "ALLKEYS-LRU", "NoEviction"),
    "policy_errors": [["CONFIG", "SET", "maxmemory-policy", v] for v in ("lru", "", "allkeys", "volatile-lru ")]
    + [["CONFIG", "SET", "maxmemory-policy"], ["CONFIG", "GET", "maxmemory-policy"]],
    "samples_tenacity_lfu": config_set_get("maxmemory-samples", "1", "64", "2147483647", "5")
    + config_set_get("maxmemory-eviction-tenacity", "0", "100", "10")
    + config_set_get("lfu-log-factor", "0", "2147483647", "10")
    + config_set_get("lfu-decay-time", "0", "2147483647", "1")
    + [["CONFIG", "SET", n, v] for n in ("maxmemory-samples", "maxmemory-eviction-tenacity",
                                        "lfu-log-factor", "lfu-decay-time")
       for v in ("-1", "0", "101", "2147483648", "1.5", "abc", "")],
    "config_get_globs": [S(["CONFIG", "GET", "lfu*"], unordered_pairs), ["CONFIG", "GET", "maxmemory-s*"],
                         ["CONFIG", "GET", "maxmemory-policy"], ["CONFIG", "GET", "*tenacity"],
                         S(["CONFIG", "GET", "maxmemory-policy", "lfu-decay-time", "maxmemory"],
                           unordered_pairs),
                         ["CONFIG", "GET", "maxmemory-eviction-tenacity"]],
    "config_multi_set": [["CONFIG", "SET", "maxmemory", "10mb", "maxmemory-policy", "allkeys-lfu"],
                         ["CONFIG", "GET", "maxmemory"], ["CONFIG", "GET", "maxmemory-policy"],
                         ["CONFIG", "SET", "maxmemory", "20mb", "maxmemory-policy", "bad"],
                         ["CONFIG", "GET", "maxmemory"], OOM_OFF],
    # ---- OOM under noeviction ----
    "oom_writes_refused_reads_served": [
        ["SET", "a", "1"], ["RPUSH", "l", "x"], ["HSET", "h", "f", "v"], OOM_ON,
        ["SET", "b", "2"], ["GET", "a"], ["INCR", "a"], ["APPEND", "a", "x"], ["RPUSH", "l", "y"],
        ["LRANGE", "l", "0", "-1"], ["HSET", "h", "g", "w"], ["HGETALL", "h"], ["SADD", "s", "m"],
        ["ZADD", "z", "1", "m"], ["PFADD", "p", "x"], ["SETBIT", "bits", "1", "1"],
        ["GEOADD", "g", "13.3", "38.1", "m"], ["MSET", "x", "1"], ["RESTORE", "r", "0", "x"],
        ["LPOP", "l"], ["EXPIRE", "a", "100"], ["PERSIST", "a"], ["DEL", "a"], ["EXISTS", "a"],
        ["DBSIZE"], ["RENAME", "h", "h2"], ["PING"], ["ECHO", "x"], ["SELECT", "1"], ["SELECT", "0"],
        ["FLUSHALL"], ["SET", "c", "3"], OOM_OFF, ["SET", "c", "3"]],
    "oom_multi": [OOM_ON, ["MULTI"], ["GET", "a"], ["PING"], ["EXEC"], ["MULTI"], ["DISCARD"],
                  ["MULTI"], ["SET", "x", "1"], ["DISCARD"], OOM_OFF, ["MULTI"], ["SET", "x", "1"],
                  ["EXEC"]],
    "oom_scripts": [["SET", "a", "b"], OOM_ON,
                    ["EVAL", "return redis.call('set','x','y')", "0"],
                    ["EVAL", "return redis.pcall('set','x','y')", "0"],
                    ["EVAL", "return redis.call('get','a')", "0"],
                    ["EVAL", "#!lua\nreturn redis.call('get','a')", "0"],
                    ["EVAL", "#!lua flags=no-writes\nreturn redis.call('get','a')", "0"],
                    ["EVAL", "#!lua flags=allow-oom\nreturn redis.call('set','a','c')", "0"],
                    ["EVAL", "redis.call('del','zz') return redis.call('set','a','d')", "0"],
                    ["EVAL", "return redis.call('del','a')", "0"],
                    ["EVAL_RO", "return redis.call('get','a')", "0"],
                    ["SCRIPT", "LOAD", "#!lua\nreturn 1"],
                    ["EVALSHA", "cb70127618f0b0be70c53cf6bfcfa54a29d9b0c0", "0"],
                    OOM_OFF, ["EVALSHA", "cb70127618f0b0be70c53cf6bfcfa54a29d9b0c0", "0"]],
    "oom_functions": [["FUNCTION", "LOAD", "#!lua name=memlib\n"
                       "redis.register_function('w', function(k, a) return redis.call('set', k[1], 'v') end)\n"
                       "redis.register_function{function_name='r', callback=function(k, a) "
                       "return redis.call('get', k[1]) end, flags={'no-writes'}}\n"
                       "redis.register_function{function_name='o', callback=function(k, a) "
                       "return redis.call('set', k[1], 'o') end, flags={'allow-oom'}}"],
                      ["SET", "k", "1"], OOM_ON, ["FCALL", "w", "1", "k"], ["FCALL", "r", "1", "k"],
                      ["FCALL_RO", "r", "1", "k"], ["FCALL", "o", "1", "k"], ["GET", "k"], OOM_OFF,
                      ["FCALL", "w", "1", "k"], ["FUNCTION", "FLUSH"]],
    "oom_resp3": [HELLO3, ["SET", "a", "1"], OOM_ON, ["SET", "b", "2"], ["GET", "a"],
                  ["EVAL", "return redis.pcall('set','x','y')", "0"], ["MULTI"], ["GET", "a"], ["EXEC"],
                  OOM_OFF],
    # ---- OBJECT FREQ / IDLETIME ----
    "object_freq_idletime_policies": [
        ["SET", "k", "v"], ["OBJECT", "FREQ", "k"], S(["OBJECT", "IDLETIME", "k"], int_near(1)),
        ["OBJECT", "FREQ", "missing"], ["OBJECT", "IDLETIME", "missing"],
        ["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"], ["OBJECT", "FREQ", "k"],
        S(["OBJECT", "IDLETIME", "k"], int_near(1)),
        ["CONFIG", "SET", "maxmemory-policy", "volatile-lfu"], ["SET", "n", "v"], ["OBJECT", "FREQ", "n"],
        ["GET", "n"], ["OBJECT", "FREQ", "n"], ["OBJECT", "IDLETIME", "n"], ["OBJECT", "FREQ", "missing"],
        ["OBJECT", "IDLETIME", "missing"],
        ["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"], ["DEL", "n"], ["SET", "n", "v"],
        ["OBJECT", "FREQ", "n"], ["OBJECT", "FREQ", "n"],
        ["RESTORE", "r", "0", DUMP_V, "FREQ", "100"], ["OBJECT", "FREQ", "r"],
        ["RESTORE", "r2", "0", DUMP_V, "IDLETIME", "100"], ["OBJECT", "FREQ", "r2"],
        ["CONFIG", "SET", "maxmemory-policy", "volatile-ttl"], ["OBJECT", "FREQ", "n"],
        ["CONFIG", "SET", "maxmemory-policy", "noeviction"], ["OBJECT", "FREQ", "n"]],
    "object_freq_resp3": [HELLO3, ["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"], ["SET", "k", "v"],
                          ["OBJECT", "FREQ", "k"], ["OBJECT", "IDLETIME", "k"], ["OBJECT", "FREQ", "nokey"],
                          ["CONFIG", "SET", "maxmemory-policy", "noeviction"], ["OBJECT", "FREQ", "k"]],
    # ---- MEMORY ----
    "memory_usage": [["SET", "k", "v"], S(["MEMORY", "USAGE", "k"], positive_integer),
                     S(["MEMORY", "USAGE", "k", "SAMPLES", "0"], positive_integer),
                     S(["memory", "usage", "k", "samples", "10"], positive_integer),
                     ["MEMORY", "USAGE", "missing"], ["MEMORY", "USAGE", "missing", "SAMPLES", "5"],
                     ["MEMORY", "USAGE", "k", "SAMPLES"], ["MEMORY", "USAGE", "k", "SAMPLES", "-1"],
                     ["MEMORY", "USAGE", "k", "SAMPLES", "x"], ["MEMORY", "USAGE", "k", "foo"],
                     ["MEMORY", "USAGE", "missing", "foo"], ["MEMORY", "USAGE", "k", "SAMPLES", "1", "x"],
                     ["MEMORY", "USAGE"], ["RPUSH", "l", "a", "b"], S(["MEMORY", "USAGE", "l"], positive_integer),
                     ["HSET", "h", "f", "v"], S(["MEMORY", "USAGE", "h"], positive_integer)],
    "memory_misc": [["MEMORY", "HELP"], ["memory", "help"], ["MEMORY", "HELP", "x"], ["MEMORY", "PURGE"],
                    ["MEMORY", "PURGE", "x"], ["MEMORY", "DOCTOR"], ["MEMORY", "DOCTOR", "x"],
                    S(["MEMORY", "MALLOC-STATS"], same_shape), ["MEMORY", "MALLOC-STATS", "x"],
                    ["MEMORY", "STATS", "x"], ["MEMORY", "FOO"], ["MEMORY"]],
    "memory_stats": [["SET", "k", "v"], STATS, ["SET", "e", "v", "EX", "100"], STATS],
    "memory_resp3": [HELLO3, ["SET", "k", "v"], STATS, S(["MEMORY", "USAGE", "k"], positive_integer),
                     ["MEMORY", "USAGE", "missing"], ["MEMORY", "DOCTOR"],
                     S(["MEMORY", "MALLOC-STATS"], same_shape), ["MEMORY", "HELP"], ["MEMORY", "PURGE"]],
    # ---- metadata ----
    "memory_command_info": [S(["COMMAND", "INFO", "memory"], command_info)]
    + [S(["COMMAND", "INFO", "memory|" + s], command_info)
       for s in ("usage", "stats", "doctor", "help", "malloc-stats", "purge")]
    + [["COMMAND", "DOCS", "memory|" + s] for s in ("usage", "stats", "doctor", "help", "malloc-stats",
                                                    "purge")]
    + [["COMMAND", "GETKEYS", "MEMORY", "USAGE", "k"], ["COMMAND", "GETKEYS", "MEMORY", "STATS"],
       ["COMMAND", "GETKEYSANDFLAGS", "MEMORY", "USAGE", "k", "SAMPLES", "3"]],
    # ---- INFO ----
    "info_maxmemory": [["CONFIG", "SET", "maxmemory", "100mb"], ["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"],
                       S(["INFO", "memory"], info_text("used_memory", "used_memory_human", "used_memory_rss",
                                                       "used_memory_peak", "used_memory_peak_human",
                                                       "used_memory_peak_perc", "maxmemory_human",
                                                       "mem_fragmentation_ratio",
                                                       exact_fields=["maxmemory", "maxmemory_human",
                                                                     "maxmemory_policy"])),
                       ["CONFIG", "SET", "maxmemory", "3gb"],
                       S(["INFO", "memory"], info_text(exact_fields=["maxmemory", "maxmemory_human"])),
                       ["CONFIG", "RESETSTAT"],
                       S(["INFO", "stats"], info_text("evicted_keys", "expired_keys",
                                                      "total_eviction_exceeded_time",
                                                      "current_eviction_exceeded_time",
                                                      exact_fields=["evicted_keys"])),
                       OOM_OFF],
}


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_memory(diff, steps, request):
    try:
        diff.run(steps, request.node.callspec.id)
    finally:
        diff.both("CONFIG", "SET", "maxmemory", "0")


def test_case_count():
    assert sum(len(v) for v in CASES.values()) >= 250


# ---- cases that need two connections or per-server limits ------------------------------------


def _exec_after_limit(srv):
    """MULTI + a queued write, then another client sets maxmemory 1: EXEC is refused."""
    with srv.connect() as c1, srv.connect() as c2:
        out = [c1.call("SET", "k", "v").raw, c1.call("MULTI").raw, c1.call("GET", "k").raw]
        out.append(c1.call("INCR", "n").raw)
        out.append(c2.call("CONFIG", "SET", "maxmemory", "1").raw)
        out.append(c1.call("EXEC").raw)
        out.append(c1.call("MULTI").raw)
        c2.call("CONFIG", "SET", "maxmemory", "0")
        out.append(c1.call("GET", "k").raw)
        c2.call("CONFIG", "SET", "maxmemory", "1")
        out.append(c1.call("EXEC").raw)  # read-only transaction: runs
        out.append(c2.call("CONFIG", "SET", "maxmemory", "0").raw)
        return out


def test_exec_refused_when_memory_fills_after_queuing(diff, server_pair):
    r = _exec_after_limit(server_pair.redis)
    f = _exec_after_limit(server_pair.fincache)
    assert r == f


def _used_memory(conn) -> int:
    text = conn.call("INFO", "memory").text().decode()
    for line in text.split("\r\n"):
        if line.startswith("used_memory:"):
            return int(line.split(":")[1])
    raise AssertionError("no used_memory")


def _evicted_events(srv, policy: str):
    """Keyspace notifications while evicting: the event names and the keys' prefixes seen by a
    subscriber, and whether the evicted keys are gone."""
    with srv.connect() as c, srv.connect() as sub:
        c.call("CONFIG", "SET", "notify-keyspace-events", "KEA")
        c.call("CONFIG", "SET", "maxmemory-policy", policy)
        sub.call("PSUBSCRIBE", "__keyevent@0__:evicted", "__keyspace@0__:ev*")
        for i in range(100):
            c.call("SET", f"pre{i}", "x" * 1000, "EX", "1000")
        c.call("CONFIG", "SET", "maxmemory", str(_used_memory(c) + 50_000))
        for i in range(200):
            c.call("SET", f"ev{i}", "y" * 1000, "EX", "1000")
        c.call("CONFIG", "SET", "maxmemory", "0")
        c.call("CONFIG", "SET", "notify-keyspace-events", "")
        evicted, keyspace_events, deadline = set(), set(), time.time() + 5
        while time.time() < deadline:
            try:
                msg = sub.read_reply(timeout=0.5)
            except Exception:
                break
            vals = [e.value for e in msg.value]
            if vals[0] != b"pmessage":  # the second PSUBSCRIBE confirmation
                continue
            _kind, _pattern, channel, payload = vals
            if channel == b"__keyevent@0__:evicted":
                evicted.add(payload)
            else:
                keyspace_events.add(payload)
        gone = all(c.call("EXISTS", k).value == 0 for k in evicted)
        return (len(evicted) > 50, gone, sorted(keyspace_events))


@pytest.mark.parametrize("policy", ["allkeys-lru", "volatile-ttl", "allkeys-random"])
def test_evicted_notifications(diff, server_pair, policy):
    r = _evicted_events(server_pair.redis, policy)
    f = _evicted_events(server_pair.fincache, policy)
    assert r == f
    assert r[0] and r[1]
