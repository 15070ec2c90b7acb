"""Differential tests of the hash family against a real redis-server."""

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    Probe,
    S,
    diff,
    masked_map,
    server_pair,
    unordered,
)

pytestmark = pytest.mark.differential

HELLO3 = S(["HELLO", "3"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))
HELLO2 = S(["HELLO", "2"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))
SMALL = ["HSET", "h", "a", "1", "b", "2", "c", "3"]
RESTORE = [["CONFIG", "SET", "hash-max-listpack-entries", "512"],
           ["CONFIG", "SET", "hash-max-listpack-value", "64"]]


def fill(key, n, prefix="f"):
    return ["HSET", key] + [x for i in range(n) for x in (f"{prefix}{i}", f"v{i}")]


def hscan_all(key, *opts):
    """HSCAN to completion: the set of (field, value) pairs and the page shapes."""

    def fn(conn):
        cursor, pairs, pages = "0", set(), 0
        while True:
            r = conn.call("HSCAN", key, cursor, *opts)
            if r.is_error:
                return ("error", r.raw)
            cur, arr = r.value
            items = [e.value for e in arr.value]
            pairs.update(zip(items[::2], items[1::2]))
            cursor = cur.value
            pages += 1
            if cursor == b"0" or pages > 10000:
                break
        return sorted(pairs)

    return fn


def hrandfield_check(key, count, withvalues=False):
    """HRANDFIELD with a count: reply shape, length, and that every returned pair exists (and is
    distinct for a positive count)."""

    def fn(conn):
        args = ["HRANDFIELD", key, str(count)] + (["WITHVALUES"] if withvalues else [])
        r = conn.call(*args)
        full = conn.call("HGETALL", key)
        if full.kind == "%":
            h = {k.value: v.value for k, v in full.value}
        else:
            items = [e.value for e in full.value]
            h = dict(zip(items[::2], items[1::2]))
        if r.is_error:
            return ("error", r.raw)
        if withvalues and r.value and r.value[0].kind == "*":  # RESP3 pairs
            pairs = [(p.value[0].value, p.value[1].value) for p in r.value]
            shape = "pairs"
        elif withvalues:
            items = [e.value for e in r.value]
            pairs = list(zip(items[::2], items[1::2]))
            shape = "flat"
        else:
            pairs = [(e.value, h.get(e.value)) for e in r.value]
            shape = "fields"
        ok = all(f in h and h[f] == v for f, v in pairs)
        distinct = len({f for f, _ in pairs}) == len(pairs)
        return (r.kind, shape, len(pairs), ok, distinct if count > 0 else None)

    return fn


def hrandfield_single(key):
    def fn(conn):
        r = conn.call("HRANDFIELD", key)
        if r.kind != "$":
            return (r.kind, r.raw)
        return (r.kind, conn.call("HEXISTS", key, r.value).raw)

    return fn


CASES = {
    # ---- HSET / HMSET / HSETNX / HGET ----
    "hset_basic": [SMALL, ["HGET", "h", "a"], ["HGET", "h", "zz"], ["HGET", "nokey", "a"],
                   ["HSET", "h", "a", "10", "d", "4"], ["HGET", "h", "a"], ["HLEN", "h"], ["TYPE", "h"],
                   ["OBJECT", "ENCODING", "h"], ["HSET", "h", "a", "x", "a", "y"], ["HGET", "h", "a"],
                   ["HGETALL", "h"], ["HKEYS", "h"], ["HVALS", "h"]],
    "hset_arity": [["HSET", "h", "a"], ["HSET", "h", "a", "1", "b"], ["HMSET", "h", "a", "1", "b"],
                   ["HMSET", "h", "a"], ["HSET", "h"], ["HSET"], ["EXISTS", "h"], ["hset", "h", "a", "1", "b"]],
    "hmset": [["HMSET", "h", "a", "1", "b", "2"], ["HMGET", "h", "a", "b", "c"], ["HMSET", "h", "a", "9"],
              ["HGETALL", "h"]],
    "hsetnx": [["HSETNX", "h", "a", "1"], ["HSETNX", "h", "a", "2"], ["HGET", "h", "a"], ["HSETNX", "h", "b", "3"],
               ["HGETALL", "h"], ["HSETNX", "h", "a"], ["SET", "s", "x"], ["HSETNX", "s", "a", "1"]],
    "binary_fields": [["HSET", "h", b"\x00\xff", b"\r\n", "", "empty"], ["HGET", "h", b"\x00\xff"],
                      ["HGET", "h", ""], ["HGETALL", "h"], ["HSTRLEN", "h", b"\x00\xff"], ["HEXISTS", "h", ""]],
    "wrongtype": [["SET", "s", "x"], ["HSET", "s", "a", "1"], ["HGET", "s", "a"], ["HMGET", "s", "a"],
                  ["HGETALL", "s"], ["HKEYS", "s"], ["HVALS", "s"], ["HLEN", "s"], ["HEXISTS", "s", "a"],
                  ["HDEL", "s", "a"], ["HINCRBY", "s", "a", "1"], ["HINCRBYFLOAT", "s", "a", "1"],
                  ["HSTRLEN", "s", "a"], ["HRANDFIELD", "s"], ["HRANDFIELD", "s", "0"], ["HSCAN", "s", "0"],
                  ["HMSET", "s", "a", "1"], ["RPUSH", "l", "x"], ["HGET", "l", "x"], ["GET", "s"]],
    # ---- reads on missing keys ----
    "missing_key": [["HGET", "n", "a"], ["HMGET", "n", "a", "b"], ["HGETALL", "n"], ["HKEYS", "n"], ["HVALS", "n"],
                    ["HLEN", "n"], ["HEXISTS", "n", "a"], ["HSTRLEN", "n", "a"], ["HDEL", "n", "a"],
                    ["HRANDFIELD", "n"], ["HRANDFIELD", "n", "5"], ["HRANDFIELD", "n", "-5", "WITHVALUES"],
                    ["HSCAN", "n", "0"], ["HSCAN", "n", "0", "COUNT", "0"], ["EXISTS", "n"]],
    # ---- HDEL / HLEN / HEXISTS / HSTRLEN ----
    "hdel": [SMALL, ["HDEL", "h", "a", "zz", "a"], ["HLEN", "h"], ["HEXISTS", "h", "a"], ["HEXISTS", "h", "b"],
             ["HDEL", "h", "b", "c"], ["EXISTS", "h"], ["HLEN", "h"], ["HDEL", "h"], ["HDEL", "h", "x"]],
    "hdel_big_last": [fill("h", 600), ["OBJECT", "ENCODING", "h"],
                      ["HDEL", "h"] + [f"f{i}" for i in range(599)], ["OBJECT", "ENCODING", "h"], ["HLEN", "h"],
                      ["HDEL", "h", "f599"], ["EXISTS", "h"]],
    "hstrlen": [["HSET", "h", "a", "hello", "n", "12345", "neg", "-7", "e", ""], ["HSTRLEN", "h", "a"],
                ["HSTRLEN", "h", "n"], ["HSTRLEN", "h", "neg"], ["HSTRLEN", "h", "e"], ["HSTRLEN", "h", "zz"],
                ["HSTRLEN", "h"], ["HSTRLEN", "h", "a", "b"]],
    # ---- HINCRBY ----
    "hincrby": [["HINCRBY", "h", "n", "5"], ["HINCRBY", "h", "n", "-8"], ["HGET", "h", "n"],
                ["HINCRBY", "h", "n", "x"], ["HINCRBY", "h", "n", "1.5"], ["HINCRBY", "h", "n", ""],
                ["HSET", "h", "s", "abc", "sp", " 1", "f", "1.0", "big", "9223372036854775807"],
                ["HINCRBY", "h", "s", "1"], ["HINCRBY", "h", "sp", "1"], ["HINCRBY", "h", "f", "1"],
                ["HINCRBY", "h", "big", "1"], ["HINCRBY", "h", "big", "-1"], ["HSET", "h", "min", "-9223372036854775808"],
                ["HINCRBY", "h", "min", "-1"], ["HINCRBY", "h", "min", "9223372036854775807"],
                ["HINCRBY", "h", "n", "99999999999999999999"], ["HGETALL", "h"], ["HINCRBY", "h", "n"],
                ["HINCRBY", "nokey", "a", "x"], ["EXISTS", "nokey"]],
    # ---- HINCRBYFLOAT ----
    "hincrbyfloat": [["HINCRBYFLOAT", "h", "x", "1.5"], ["HINCRBYFLOAT", "h", "x", "0.1"], ["HGET", "h", "x"],
                     ["HINCRBYFLOAT", "h", "x", "-1.6"], ["HINCRBYFLOAT", "h", "x", "1e3"],
                     ["HINCRBYFLOAT", "h", "x", "5.0e3"], ["HINCRBYFLOAT", "h", "x", "abc"],
                     ["HINCRBYFLOAT", "h", "x", "inf"], ["HINCRBYFLOAT", "h", "x", "-inf"],
                     ["HINCRBYFLOAT", "h", "x", "nan"], ["HINCRBYFLOAT", "h", "x", ""],
                     ["HSET", "h", "s", "abc", "sp", "1 ", "i", "10", "e", "1e400"],
                     ["HINCRBYFLOAT", "h", "s", "1"], ["HINCRBYFLOAT", "h", "sp", "1"],
                     ["HINCRBYFLOAT", "h", "i", "0.5"], ["HINCRBYFLOAT", "h", "i", "-10.5"],
                     ["HINCRBYFLOAT", "h", "big", "1e4932"],
                     ["HINCRBYFLOAT", "h", "big", "1e4932"], ["HGET", "h", "i"],
                     ["HINCRBYFLOAT", "nokey", "a", "nan"], ["EXISTS", "nokey"], ["HINCRBYFLOAT", "h", "x"]],
    "hincrbyfloat_resp3": [HELLO3, ["HINCRBYFLOAT", "h", "x", "2.5"], ["HINCRBY", "h", "n", "3"], HELLO2],
    # ---- HMGET / HGETALL / HKEYS / HVALS ----
    "hmget": [SMALL, ["HMGET", "h", "a", "zz", "c", "a"], ["HMGET", "h"], ["HMGET", "h", "b"]],
    "getall_order": [["HSET", "h", "z", "1", "y", "2", "x", "3"], ["HSET", "h", "y", "9"], ["HDEL", "h", "z"],
                     ["HSET", "h", "z", "0"], ["HGETALL", "h"], ["HKEYS", "h"], ["HVALS", "h"],
                     ["HSCAN", "h", "0"]],
    "getall_big": [fill("h", 700), S(["HKEYS", "h"], unordered), S(["HVALS", "h"], unordered), ["HLEN", "h"],
                   ["HMGET", "h", "f0", "f699", "f700"], ["HGET", "h", "f150"]],
    "resp3_shapes": [HELLO3, SMALL, ["HGETALL", "h"], ["HGETALL", "nokey"], ["HKEYS", "h"], ["HVALS", "h"],
                     ["HMGET", "h", "a", "zz"], ["HGET", "h", "zz"], ["HRANDFIELD", "nokey"],
                     ["HRANDFIELD", "h", "0", "WITHVALUES"], ["HRANDFIELD", "h", "3", "WITHVALUES"],
                     ["HRANDFIELD", "h", "5", "WITHVALUES"], ["HRANDFIELD", "nokey", "3"], ["HSCAN", "h", "0"],
                     ["HSCAN", "nokey", "0"], ["HSTRLEN", "h", "a"], HELLO2],
    "resp3_big_getall": [HELLO3, fill("h", 600), S(["HGETALL", "h"], unordered), HELLO2],
    # ---- HRANDFIELD ----
    "hrandfield_full_order": [SMALL, ["HRANDFIELD", "h", "3"], ["HRANDFIELD", "h", "10"],
                              ["HRANDFIELD", "h", "3", "WITHVALUES"], ["HRANDFIELD", "h", "100", "withvalues"],
                              ["HRANDFIELD", "h", "0"], ["HRANDFIELD", "h", "0", "WITHVALUES"]],
    "hrandfield_errors": [SMALL, ["HRANDFIELD", "h", "x"], ["HRANDFIELD", "h", "1.5"],
                          ["HRANDFIELD", "h", "1", "WITHVALUE"], ["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
                          ["HRANDFIELD", "h", "-9223372036854775808"],
                          ["HRANDFIELD", "h", "-9223372036854775808", "WITHVALUES"],
                          ["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
                          ["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
                          ["HRANDFIELD", "h", "9223372036854775808"], ["HRANDFIELD", "nokey", "x"],
                          ["HRANDFIELD", "nokey", "1", "bad"], ["HRANDFIELD"]],
    "hrandfield_random": [SMALL, Probe("single", hrandfield_single("h")),
                          Probe("neg", hrandfield_check("h", -10)),
                          Probe("neg_wv", hrandfield_check("h", -10, True)),
                          Probe("pos2", hrandfield_check("h", 2)), Probe("pos2_wv", hrandfield_check("h", 2, True)),
                          fill("b", 600), Probe("big_single", hrandfield_single("b")),
                          Probe("big_neg", hrandfield_check("b", -20, True)),
                          Probe("big_few", hrandfield_check("b", 10, True)),
                          Probe("big_many", hrandfield_check("b", 550)),
                          Probe("big_all", hrandfield_check("b", 600, True)),
                          HELLO3, Probe("r3_neg_wv", hrandfield_check("h", -4, True)),
                          Probe("r3_pos_wv", hrandfield_check("b", 7, True)),
                          Probe("r3_big_neg_wv", hrandfield_check("b", -7, True)), HELLO2],
    # ---- HSCAN ----
    "hscan_small": [SMALL, ["HSCAN", "h", "0"], ["HSCAN", "h", "0", "COUNT", "1"], ["HSCAN", "h", "5"],
                    ["HSCAN", "h", "0", "MATCH", "a*"], ["HSCAN", "h", "0", "MATCH", "*"],
                    ["HSCAN", "h", "0", "match", "[bc]", "count", "100"], ["HSCAN", "h", "0", "MATCH", "zz"]],
    "hscan_errors": [SMALL, ["HSCAN", "h", "x"], ["HSCAN", "h", "-1"], ["HSCAN", "h", " 1"],
                     ["HSCAN", "h", "0", "COUNT", "0"], ["HSCAN", "h", "0", "COUNT", "-1"],
                     ["HSCAN", "h", "0", "COUNT", "x"], ["HSCAN", "h", "0", "MATCH"], ["HSCAN", "h", "0", "FOO", "1"],
                     ["HSCAN", "h", "0", "TYPE", "string"], ["HSCAN", "nokey", "x"], ["HSCAN", "nokey", "0", "FOO"],
                     ["HSCAN", "h"], ["HSCAN", "h", "99999999999999999999999"]],
    "hscan_big": [fill("h", 900), Probe("all", hscan_all("h")), Probe("count", hscan_all("h", "COUNT", "7")),
                  Probe("match", hscan_all("h", "MATCH", "f1*")),
                  Probe("match_count", hscan_all("h", "MATCH", "*9", "COUNT", "1000"))],
    # ---- encodings and thresholds ----
    "encoding_entries_threshold": [fill("h", 512), ["OBJECT", "ENCODING", "h"], ["HSET", "h", "f0", "new"],
                                   ["OBJECT", "ENCODING", "h"], ["HSET", "h", "extra", "1"],
                                   ["OBJECT", "ENCODING", "h"], ["HDEL", "h", "extra", "f1", "f2"],
                                   ["OBJECT", "ENCODING", "h"], ["HLEN", "h"]],
    "encoding_value_threshold": [["HSET", "h", "a", "x" * 64], ["OBJECT", "ENCODING", "h"],
                                 ["HSET", "h", "b", "x" * 65], ["OBJECT", "ENCODING", "h"],
                                 ["HSET", "k", "f" * 64, "1"], ["OBJECT", "ENCODING", "k"],
                                 ["HSET", "k", "f" * 65, "1"], ["OBJECT", "ENCODING", "k"],
                                 ["HSETNX", "n", "a", "y" * 65], ["OBJECT", "ENCODING", "n"],
                                 ["HSET", "m", "a", "1"], ["HSETNX", "m", "a", "y" * 100], ["OBJECT", "ENCODING", "m"],
                                 ["HMSET", "p", "a", "1", "b", "z" * 70], ["OBJECT", "ENCODING", "p"],
                                 ["HGET", "p", "b"]],
    "encoding_incr_threshold": [["HSET", "h", "a", "1"], ["HINCRBY", "h", "g" * 65, "1"],
                                ["OBJECT", "ENCODING", "h"], ["HSET", "k", "a", "1"],
                                ["HINCRBYFLOAT", "k", "a", "1e60"], ["OBJECT", "ENCODING", "k"], ["HGET", "k", "a"],
                                ["HINCRBYFLOAT", "k", "b", "0.1"], ["OBJECT", "ENCODING", "k"]],
    "encoding_config": [["CONFIG", "SET", "hash-max-listpack-entries", "2"], ["HSET", "h", "a", "1", "b", "2"],
                        ["OBJECT", "ENCODING", "h"], ["HSET", "h", "c", "3"], ["OBJECT", "ENCODING", "h"],
                        ["CONFIG", "SET", "hash-max-listpack-entries", "0"], ["HSET", "z", "a", "1"],
                        ["OBJECT", "ENCODING", "z"], ["CONFIG", "SET", "hash-max-listpack-value", "3"],
                        ["CONFIG", "SET", "hash-max-listpack-entries", "512"], ["HSET", "v", "a", "123"],
                        ["OBJECT", "ENCODING", "v"], ["HSET", "v", "b", "1234"], ["OBJECT", "ENCODING", "v"],
                        ["CONFIG", "SET", "hash-max-ziplist-value", "1kb"], ["CONFIG", "GET", "hash-max-listpack-value"],
                        ["CONFIG", "GET", "hash-max-ziplist-value"], ["HSET", "w", "a", "x" * 1000],
                        ["OBJECT", "ENCODING", "w"], ["CONFIG", "SET", "hash-max-ziplist-entries", "5"],
                        ["CONFIG", "GET", "hash-max-listpack-entries"],
                        ["CONFIG", "SET", "hash-max-listpack-entries", "-1"],
                        ["CONFIG", "SET", "hash-max-listpack-entries", "1kb"],
                        ["CONFIG", "SET", "hash-max-listpack-value", "x"],
                        ["CONFIG", "GET", "hash-max-listpack-entries"]] + RESTORE,
    # ---- keyspace interplay ----
    "keyspace": [SMALL, ["TYPE", "h"], ["EXPIRE", "h", "100"], ["HSET", "h", "d", "4"], ["TTL", "h"],
                 ["HDEL", "h", "a", "b", "c", "d"], ["EXISTS", "h"], ["TTL", "h"], SMALL, ["COPY", "h", "h2"],
                 ["HGETALL", "h2"], ["RENAME", "h2", "h3"], ["HGETALL", "h3"], ["DEL", "h", "h3"], ["SET", "h", "x"],
                 ["HSET", "h", "a", "1"]],
    "copy_big": [fill("h", 600), ["COPY", "h", "c"], ["OBJECT", "ENCODING", "c"], ["HLEN", "c"],
                 ["HGET", "c", "f77"], ["HDEL", "h", "f77"], ["HGET", "c", "f77"]],
}

ARITY = [["HGET", "h"], ["HGET", "h", "a", "b"], ["HMGET", "h"], ["HGETALL"], ["HGETALL", "a", "b"], ["HKEYS"],
         ["HVALS", "a", "b"], ["HLEN"], ["HEXISTS", "h"], ["HDEL", "h"], ["HINCRBY", "h", "a"],
         ["HINCRBYFLOAT", "h", "a", "1", "2"], ["HSTRLEN", "h"], ["HRANDFIELD"], ["HSCAN", "h"], ["HSETNX", "h", "a"],
         ["HMSET", "h"], ["hset", "h"]]
CASES["arity_errors"] = [list(a) for a in ARITY]


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_hash(diff, steps, request):
    diff.run(steps, request.node.callspec.id)
