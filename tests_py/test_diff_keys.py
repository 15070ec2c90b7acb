"""Differential tests of the keyspace family against a real redis-server."""

import time

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    Probe,
    S,
    diff,
    int_near,
    masked_map,
    scan_all,
    server_pair,
    unordered,
)

pytestmark = pytest.mark.differential

TTL = int_near(1)
PTTL = int_near(150)
IDLE = int_near(1)
HELLO3 = S(["HELLO", "3"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))
KEYS10 = ["MSET"] + [x for i in range(10) for x in (f"key:{i}", str(i))]


def randomkey_in_keys(conn):
    """RANDOMKEY returns some existing key: the probe says whether it is one of KEYS *."""
    r = conn.call("RANDOMKEY")
    keys = {e.value for e in conn.call("KEYS", "*").value}
    return (r.kind, r.value in keys)


def scan_page_shape(conn):
    """A SCAN page with COUNT 3 returns at least one key and never more than the keyspace."""
    r = conn.call("SCAN", "0", "COUNT", "3")
    return (r.kind, len(r.value), r.value[0].kind, r.value[1].kind, len(r.value[1].value) > 0)


CASES = {
    # ---- DEL / UNLINK / EXISTS / TYPE ----
    "del_exists": [["MSET", "a", "1", "b", "2", "c", "3"], ["EXISTS", "a", "b", "x"], ["EXISTS", "a", "a", "a"],
                   ["DEL", "a", "a", "x"], ["EXISTS", "a"], ["UNLINK", "b", "c", "b"], ["DBSIZE"],
                   ["DEL", "nope"], ["UNLINK", "nope"], ["DEL"], ["UNLINK"], ["EXISTS"]],
    "del_binary_keys": [["SET", b"\x00", "a"], ["SET", b"\r\n", "b"], ["SET", "", "empty"], ["GET", ""],
                        ["EXISTS", b"\x00", b"\r\n", ""], ["DEL", b"\x00", ""], ["EXISTS", b"\x00", b"\r\n", ""]],
    "type": [["SET", "s", "v"], ["TYPE", "s"], ["TYPE", "none"], ["type", "s"], ["TYPE"], ["TYPE", "a", "b"],
             ["SET", "n", "12"], ["TYPE", "n"]],
    "type_list": [["RPUSH", "l", "a"], ["TYPE", "l"], ["type", "l"]],
    # ---- KEYS ----
    "keys_patterns": [["MSET", "hello", "1", "hallo", "2", "hxllo", "3", "hllo", "4", "heeeello", "5",
                       "h*llo", "6", "a\\b", "7", "[x", "8"],
                      S(["KEYS", "*"], unordered), S(["KEYS", "h?llo"], unordered), S(["KEYS", "h*llo"], unordered),
                      S(["KEYS", "h[ae]llo"], unordered), S(["KEYS", "h[^e]llo"], unordered),
                      S(["KEYS", "h[a-e]llo"], unordered), S(["KEYS", "h\\*llo"], unordered),
                      S(["KEYS", "a\\\\b"], unordered), S(["KEYS", "[[]x"], unordered), ["KEYS", "nomatch*"],
                      ["KEYS", "hello"], S(["KEYS", "H*"], unordered), S(["KEYS", "h[!e]llo"], unordered),
                      S(["KEYS", "h[e-a]llo"], unordered), S(["KEYS", "h["], unordered)],
    "keys_empty_db": [["KEYS", "*"], ["KEYS", ""], ["KEYS", "a", "b"]],
    "keys_expired_hidden": [["SET", "a", "1", "PX", "1"], ["SET", "b", "2"], ["PEXPIRE", "b", "1"],
                            Probe("wait 20 ms", lambda c: time.sleep(0.02)), S(["KEYS", "*"], unordered),
                            ["EXISTS", "a", "b"], ["DBSIZE"], ["GET", "a"], ["TTL", "b"]],
    # ---- SCAN ----
    "scan_empty": [["SCAN", "0"], ["SCAN", "0", "MATCH", "*"], ["SCAN", "0", "COUNT", "100"],
                   ["SCAN", "0", "TYPE", "string"]],
    "scan_full_iteration": [KEYS10, Probe("scan all", scan_all()),
                            Probe("scan count 2", scan_all("COUNT", "2")),
                            Probe("scan match", scan_all("MATCH", "key:[1-3]")),
                            Probe("scan match none", scan_all("MATCH", "zzz*")),
                            Probe("scan type string", scan_all("TYPE", "string")),
                            Probe("scan type unknown", scan_all("TYPE", "foo")),
                            Probe("scan lowercase opts", scan_all("match", "key:*", "count", "1", "type", "STRING")),
                            Probe("scan page", scan_page_shape)],
    "scan_type_filter": [KEYS10, ["RPUSH", "list:1", "x"], Probe("scan type list", scan_all("TYPE", "list")),
                         Probe("scan type string", scan_all("TYPE", "string")), Probe("scan all", scan_all())],
    "scan_errors": [["SET", "k", "v"], ["SCAN", "abc"], ["SCAN", "18446744073709551616"], ["SCAN", "1.5"],
                    ["SCAN", "0", "COUNT", "0"], ["SCAN", "0", "COUNT", "-1"], ["SCAN", "0", "COUNT", "x"],
                    ["SCAN", "0", "MATCH"], ["SCAN", "0", "FOO", "bar"], ["SCAN", "0", "COUNT"], ["SCAN"],
                    Probe("scan from empty cursor", scan_all("COUNT", "1", start=""))],
    # ---- RANDOMKEY ----
    "randomkey": [["RANDOMKEY"], ["SET", "only", "1"], ["RANDOMKEY"], KEYS10,
                  Probe("randomkey member", randomkey_in_keys), ["RANDOMKEY", "x"]],
    # ---- RENAME / RENAMENX ----
    "rename": [["SET", "a", "1"], ["RENAME", "a", "b"], ["EXISTS", "a", "b"], ["GET", "b"],
               ["RENAME", "missing", "x"], ["RENAME", "b", "b"], ["GET", "b"], ["SET", "c", "3"],
               ["RENAME", "b", "c"], ["GET", "c"], ["DBSIZE"], ["RENAME", "c"]],
    "rename_keeps_ttl": [["SET", "a", "1", "EX", "100"], ["RENAME", "a", "b"], S(["TTL", "b"], TTL),
                         ["SET", "c", "1"], ["SET", "d", "1", "EX", "100"], ["RENAME", "c", "d"], ["TTL", "d"]],
    "renamenx": [["MSET", "a", "1", "b", "2"], ["RENAMENX", "a", "b"], ["RENAMENX", "a", "c"],
                 ["MGET", "a", "b", "c"], ["RENAMENX", "missing", "z"], ["RENAMENX", "c", "c"],
                 ["RENAMENX", "b"]],
    "rename_list": [["RPUSH", "l", "x"], ["RENAMENX", "l", "m"], ["TYPE", "m"], ["RENAME", "m", "n"], ["TYPE", "n"]],
    # ---- COPY ----
    "copy": [["SET", "a", "v"], ["COPY", "a", "b"], ["GET", "b"], ["COPY", "a", "b"], ["SET", "a", "w"],
             ["COPY", "a", "b", "REPLACE"], ["GET", "b"], ["COPY", "missing", "c"], ["EXISTS", "c"],
             ["COPY", "a", "a"], ["COPY", "a", "b", "FOO"], ["COPY", "a", "b", "DB"], ["COPY", "a"],
             ["COPY", "a", "b", "replace"]],
    "copy_db_and_ttl": [["SET", "a", "v", "EX", "100"], ["COPY", "a", "a", "DB", "1"], ["COPY", "a", "b"],
                        S(["TTL", "b"], TTL), ["COPY", "a", "x", "DB", "99"], ["COPY", "a", "x", "DB", "abc"],
                        ["COPY", "a", "x", "DB", "-1"], ["SELECT", "1"], S(["TTL", "a"], TTL), ["GET", "a"],
                        ["COPY", "a", "a", "DB", "1"], ["COPY", "a", "a", "DB", "0"]],
    # ---- MOVE ----
    "move": [["SET", "a", "v"], ["MOVE", "a", "1"], ["EXISTS", "a"], ["MOVE", "a", "1"], ["SELECT", "1"],
             ["GET", "a"], ["SET", "b", "here"], ["SELECT", "0"], ["SET", "b", "there"], ["MOVE", "b", "1"],
             ["GET", "b"], ["MOVE", "b", "0"], ["MOVE", "b", "99"], ["MOVE", "b", "abc"], ["MOVE", "b", "-1"],
             ["MOVE", "b"]],
    "move_keeps_ttl": [["SET", "a", "v", "EX", "100"], ["MOVE", "a", "2"], ["SELECT", "2"], S(["TTL", "a"], TTL)],
    # ---- TOUCH ----
    "touch": [["MSET", "a", "1", "b", "2"], ["TOUCH", "a", "b", "c", "a"], ["TOUCH", "zz"], ["TOUCH"]],
    # ---- EXPIRE family ----
    "expire_basic": [["SET", "k", "v"], ["EXPIRE", "k", "100"], S(["TTL", "k"], TTL), S(["PTTL", "k"], PTTL),
                     ["PEXPIRE", "k", "200000"], S(["TTL", "k"], TTL), ["EXPIRE", "missing", "10"],
                     ["PEXPIRE", "missing", "10"], ["TTL", "missing"], ["PTTL", "missing"], ["PERSIST", "k"],
                     ["TTL", "k"], ["PTTL", "k"], ["PERSIST", "k"], ["PERSIST", "missing"]],
    "expire_nx_xx_gt_lt": [["SET", "k", "v"], ["EXPIRE", "k", "100", "XX"], ["EXPIRE", "k", "100", "GT"],
                           ["EXPIRE", "k", "100", "LT"], S(["TTL", "k"], TTL), ["EXPIRE", "k", "50", "NX"],
                           ["EXPIRE", "k", "200", "GT"], S(["TTL", "k"], TTL), ["EXPIRE", "k", "150", "GT"],
                           ["EXPIRE", "k", "300", "LT"], ["EXPIRE", "k", "20", "lt"], S(["TTL", "k"], TTL),
                           ["EXPIRE", "k", "30", "XX"], S(["TTL", "k"], TTL), ["EXPIRE", "k", "40", "XX", "GT"],
                           ["EXPIRE", "k", "35", "xx", "gt"],
                           ["EXPIRE", "k", "10", "xx", "lt"], S(["TTL", "k"], TTL), ["PERSIST", "k"],
                           ["EXPIRE", "k", "10", "GT"], ["TTL", "k"], ["EXPIRE", "k", "10", "LT"], S(["TTL", "k"], TTL)],
    "expire_option_errors": [["SET", "k", "v"], ["EXPIRE", "k", "10", "NX", "XX"], ["EXPIRE", "k", "10", "GT", "LT"],
                             ["EXPIRE", "k", "10", "NX", "GT"], ["EXPIRE", "k", "10", "NX", "LT"],
                             ["EXPIRE", "k", "10", "FOO"], ["PEXPIRE", "k", "10", "NX", "XX"],
                             ["EXPIREAT", "k", "10", "GT", "LT"], ["PEXPIREAT", "k", "10", "BAR"],
                             ["EXPIRE", "k", "10", "NX", "NX"], ["EXPIRE", "missing", "10", "FOO"], ["TTL", "k"]],
    "expire_bad_numbers": [["SET", "k", "v"], ["EXPIRE", "k", "abc"], ["EXPIRE", "k", "1.5"], ["EXPIRE", "k", ""],
                           ["EXPIRE", "k", "9223372036854775807"], ["PEXPIRE", "k", "9223372036854775807"],
                           ["EXPIREAT", "k", "9223372036854775807"], ["PEXPIREAT", "k", "9223372036854775807"],
                           ["EXPIRE", "k", "9223372036854775808"], ["EXPIRE", "k", "-9223372036854775808"],
                           ["PEXPIRE", "k", "-9223372036854775808"], ["EXISTS", "k"],
                           ["SET", "j", "v"], ["EXPIRE", "j", "92233720368547758"], ["TTL", "j"]],
    "expire_in_past_deletes": [["SET", "a", "v"], ["EXPIRE", "a", "-1"], ["EXISTS", "a"], ["SET", "b", "v"],
                               ["EXPIRE", "b", "0"], ["EXISTS", "b"], ["SET", "c", "v"], ["PEXPIRE", "c", "-100"],
                               ["GET", "c"], ["SET", "d", "v"], ["EXPIREAT", "d", "1"], ["TTL", "d"], ["SET", "e", "v"],
                               ["PEXPIREAT", "e", "0"], ["DBSIZE"], ["SET", "f", "v"], ["EXPIRE", "f", "-1", "NX"],
                               ["EXISTS", "f"], ["EXPIRE", "f", "-1", "XX"], ["EXISTS", "f"]],
    "expireat_absolute": [["SET", "k", "v"], ["EXPIREAT", "k", "4102444800"], ["EXPIRETIME", "k"],
                          ["PEXPIRETIME", "k"], ["PEXPIREAT", "k", "4102444800555"], ["EXPIRETIME", "k"],
                          ["PEXPIRETIME", "k"], ["EXPIREAT", "k", "4102444801", "GT"], ["EXPIRETIME", "k"],
                          ["PEXPIREAT", "k", "4102444800000", "LT"], ["PEXPIRETIME", "k"],
                          ["EXPIREAT", "k", "4102444900", "NX"], ["EXPIRETIME", "missing"], ["PEXPIRETIME", "missing"],
                          ["SET", "p", "v"], ["EXPIRETIME", "p"], ["PEXPIRETIME", "p"], ["EXPIRETIME"],
                          ["PEXPIRETIME", "a", "b"]],
    "ttl_after_overwrite": [["SET", "k", "v", "EX", "100"], ["APPEND", "k", "x"], S(["TTL", "k"], TTL),
                            ["SET", "k", "w"], ["TTL", "k"], ["SET", "k", "v", "EX", "100"], ["DEL", "k"],
                            ["TTL", "k"], ["SETEX", "k", "100", "v"], ["GETSET", "k", "x"], ["TTL", "k"]],
    # ---- OBJECT ----
    "object_encoding": [["SET", "i", "12345"], ["SET", "neg", "-5"], ["SET", "e", "short string"],
                        ["SET", "r", "x" * 45], ["SET", "b44", "y" * 44], ["SET", "big", "99999999999999999999"],
                        ["SET", "lead0", "0123"], ["OBJECT", "ENCODING", "i"], ["OBJECT", "ENCODING", "neg"],
                        ["OBJECT", "ENCODING", "e"], ["OBJECT", "ENCODING", "r"], ["OBJECT", "ENCODING", "b44"],
                        ["OBJECT", "ENCODING", "big"], ["OBJECT", "ENCODING", "lead0"],
                        ["OBJECT", "ENCODING", "missing"], ["APPEND", "e", "!"], ["OBJECT", "ENCODING", "e"],
                        ["INCR", "i"], ["OBJECT", "ENCODING", "i"], ["object", "encoding", "i"]],
    "object_misc": [["SET", "k", "v"], ["SET", "n", "5"], S(["OBJECT", "IDLETIME", "k"], IDLE),
                    ["OBJECT", "IDLETIME", "missing"], ["OBJECT", "REFCOUNT", "k"], ["OBJECT", "REFCOUNT", "missing"],
                    ["OBJECT", "FREQ", "k"], ["OBJECT", "FOO", "k"], ["OBJECT"], ["OBJECT", "ENCODING"],
                    ["OBJECT", "IDLETIME", "a", "b"], ["OBJECT", "foo"]],
    "object_freq_lfu": [["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"], ["SET", "k", "v"],
                        ["OBJECT", "FREQ", "k"], ["OBJECT", "FREQ", "missing"], ["OBJECT", "IDLETIME", "k"],
                        ["CONFIG", "SET", "maxmemory-policy", "noeviction"]],
    "object_refcount_shared_int": [["SET", "n", "100"], ["OBJECT", "REFCOUNT", "n"], ["SET", "m", "100000"],
                                   ["OBJECT", "REFCOUNT", "m"]],
    # ---- DBSIZE / FLUSHDB / FLUSHALL ----
    "dbsize_flush": [KEYS10, ["DBSIZE"], ["SELECT", "1"], ["SET", "x", "1"], ["DBSIZE"], ["FLUSHDB"], ["DBSIZE"],
                     ["SELECT", "0"], ["DBSIZE"], ["FLUSHDB", "ASYNC"], ["DBSIZE"], ["SET", "a", "1"],
                     ["FLUSHDB", "SYNC"], ["DBSIZE"], ["FLUSHDB", "FOO"], ["FLUSHDB", "sync"], ["DBSIZE", "x"],
                     ["FLUSHDB", "SYNC", "ASYNC"]],
    "flushall": [["SET", "a", "1"], ["SELECT", "5"], ["SET", "b", "2"], ["FLUSHALL"], ["DBSIZE"], ["SELECT", "0"],
                 ["DBSIZE"], ["SET", "c", "1"], ["FLUSHALL", "ASYNC"], ["DBSIZE"], ["FLUSHALL", "SYNC"],
                 ["FLUSHALL", "FOO"], ["FLUSHALL", "async"]],
    # ---- SELECT / SWAPDB ----
    "select": [["SELECT", "1"], ["SET", "k", "one"], ["SELECT", "0"], ["GET", "k"], ["SELECT", "1"], ["GET", "k"],
               ["SELECT", "15"], ["SELECT", "16"], ["SELECT", "-1"], ["SELECT", "abc"], ["SELECT", "1.5"],
               ["SELECT", ""], ["SELECT"], ["SELECT", "0", "1"], ["select", "2"], ["DBSIZE"]],
    "swapdb": [["SET", "k", "zero"], ["SELECT", "1"], ["SET", "k", "one"], ["SET", "only1", "x"],
               ["SWAPDB", "0", "1"], ["GET", "k"], ["DBSIZE"], ["SELECT", "0"], ["GET", "k"], ["DBSIZE"],
               ["SWAPDB", "0", "0"], ["GET", "k"], ["SWAPDB", "0", "16"], ["SWAPDB", "a", "1"],
               ["SWAPDB", "0", "b"], ["SWAPDB", "-1", "0"], ["SWAPDB", "0"], ["swapdb", "1", "0"], ["GET", "k"]],
    # ---- RESP3 ----
    "resp3_keyspace": [HELLO3, ["SET", "k", "v"], ["OBJECT", "ENCODING", "missing"], ["RANDOMKEY"],
                       ["TTL", "k"], ["EXPIRETIME", "k"], ["TYPE", "k"], ["KEYS", "k*"], ["SCAN", "0"],
                       ["OBJECT", "REFCOUNT", "missing"], ["COPY", "k", "k2"], ["FLUSHDB"], ["RANDOMKEY"]],
}

ARITY = [
    ["DEL"], ["UNLINK"], ["EXISTS"], ["TYPE"], ["KEYS"], ["SCAN"], ["RANDOMKEY", "x"], ["RENAME", "a"],
    ["RENAMENX", "a"], ["COPY", "a"], ["MOVE", "a"], ["TOUCH"], ["EXPIRE", "k"], ["PEXPIRE", "k"],
    ["EXPIREAT", "k"], ["PEXPIREAT", "k"], ["TTL"], ["PTTL", "a", "b"], ["EXPIRETIME"], ["PEXPIRETIME"],
    ["PERSIST"], ["PERSIST", "a", "b"], ["OBJECT", "ENCODING"], ["OBJECT", "FREQ"], ["OBJECT", "IDLETIME"],
    ["OBJECT", "REFCOUNT"], ["DBSIZE", "x"], ["SELECT"], ["SWAPDB", "0"], ["ttl"], ["Expire", "k"],
]
CASES["arity_errors"] = [list(a) for a in ARITY]


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_keys(diff, steps, request):
    diff.run(steps, request.node.callspec.id)
