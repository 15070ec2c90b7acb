"""Differential tests of ZUNION ZINTER ZDIFF (+STORE), ZINTERCARD and ZMPOP against redis-server.

Every result of the set operations is ordered by (score, member), so replies compare byte for
byte, including inputs that are plain sets (members score 1) and infinities (inf + -inf is 0).
"""

import random
import time

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    Probe,
    S,
    diff,
    masked_map,
    server_pair,
)

pytestmark = pytest.mark.differential

HELLO3 = S(["HELLO", "3"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))
Z1 = ["ZADD", "z1", "1", "a", "2", "b", "3", "c"]
Z2 = ["ZADD", "z2", "10", "b", "20", "c", "30", "d"]
S1 = ["SADD", "s", "a", "d", "e"]
IS = ["SADD", "is", "1", "2", "3", "b"]  # hashtable set with integer-looking members
INTS = ["SADD", "ints", "3", "1", "2"]  # intset
BASE = [Z1, Z2, S1]


def zadd_n(key, n, prefix="m", start=0, step=1, member_len=0):
    argv = ["ZADD", key]
    for i in range(n):
        m = f"{prefix}{i}"
        argv += [str(start + i * step), m + "x" * max(0, member_len - len(m))]
    return argv


def _hits(node):
    """keyspace_hits/misses lines of an INFO stats reply."""
    text = node.text().decode()
    return sorted(ln for ln in text.split("\r\n") if ln.startswith(("keyspace_hits:", "keyspace_misses:")))


def same_hits(r, f):
    return None if _hits(r) == _hits(f) else f"{_hits(r)} != {_hits(f)}"


STATS = S(["INFO", "stats"], cmp=same_hits)

RESET_ZSET_CONFIG = [["CONFIG", "SET", "zset-max-listpack-entries", "128"],
                     ["CONFIG", "SET", "zset-max-listpack-value", "64"]]

CASES = {
    # ---- ZUNION ----
    "zunion_basic": BASE + [["ZUNION", "2", "z1", "z2"], ["ZUNION", "2", "z1", "z2", "WITHSCORES"],
                            ["ZUNION", "3", "z1", "z2", "s", "withscores"], ["ZUNION", "1", "z1"],
                            ["ZUNION", "2", "z1", "nokey", "WITHSCORES"], ["ZUNION", "2", "nokey", "nokey2"],
                            ["ZUNION", "2", "z1", "z1", "WITHSCORES"]],
    "zunion_weights_aggregate": BASE + [
        ["ZUNION", "2", "z1", "z2", "WEIGHTS", "2", "0.5", "WITHSCORES"],
        ["ZUNION", "3", "z1", "z2", "s", "WEIGHTS", "1", "0.5", "2", "AGGREGATE", "MAX", "WITHSCORES"],
        ["ZUNION", "2", "z1", "z2", "AGGREGATE", "min", "WITHSCORES"],
        ["ZUNION", "2", "z1", "z2", "aggregate", "sum", "weights", "-1", "-1", "withscores"],
        ["ZUNION", "2", "z1", "z2", "WEIGHTS", "1", "1", "WEIGHTS", "3", "3", "WITHSCORES"],
        ["ZUNION", "2", "z1", "z2", "AGGREGATE", "MIN", "AGGREGATE", "MAX", "WITHSCORES"],
        ["ZUNION", "2", "z1", "z2", "WITHSCORES", "WITHSCORES"],
        ["ZUNION", "2", "z1", "z2", "WEIGHTS", "1e308", "10", "WITHSCORES"],
        ["ZUNION", "2", "z1", "z2", "WEIGHTS", "inf", "-inf", "WITHSCORES"],
        ["ZUNION", "2", "z1", "z2", "WEIGHTS", "0", "-0", "WITHSCORES"],
        ["ZUNION", "2", "z1", "z2", "WEIGHTS", "0x10", " 1", "WITHSCORES"],
        ["ZUNION", "2", "z1", "z2", "WEIGHTS", "1.5e1", "-.5", "WITHSCORES"]],
    "zunion_sets": [S1, IS, INTS, Z1, ["ZUNION", "1", "s", "WITHSCORES"], ["ZUNION", "2", "is", "ints", "WITHSCORES"],
                    ["ZUNION", "3", "s", "is", "z1", "WEIGHTS", "2", "3", "4", "WITHSCORES"],
                    ["ZUNION", "2", "ints", "z1", "AGGREGATE", "MAX", "WITHSCORES"]],
    "zunion_infinities": [["ZADD", "p", "inf", "a", "1", "x"], ["ZADD", "n", "-inf", "a", "-inf", "y"],
                          ["ZUNION", "2", "p", "n", "WITHSCORES"], ["ZUNION", "2", "n", "p", "WITHSCORES"],
                          ["ZUNION", "1", "p", "WEIGHTS", "0", "WITHSCORES"],
                          ["ZUNION", "2", "p", "n", "WEIGHTS", "0", "0", "WITHSCORES"],
                          ["ZUNION", "2", "p", "n", "AGGREGATE", "MIN", "WITHSCORES"],
                          ["ZUNION", "2", "p", "n", "AGGREGATE", "MAX", "WITHSCORES"],
                          ["ZUNION", "2", "p", "n", "WEIGHTS", "-1", "-1", "WITHSCORES"],
                          ["ZADD", "big", "5", "a", "1", "q", "2", "r"], ["ZADD", "mid", "-inf", "a", "1", "w"],
                          ["ZADD", "one", "inf", "a"],
                          ["ZUNION", "3", "big", "mid", "one", "WITHSCORES"],
                          ["ZUNION", "3", "one", "big", "mid", "WITHSCORES"],
                          ["ZINTER", "3", "big", "mid", "one", "WITHSCORES"],
                          ["ZINTER", "3", "big", "one", "mid", "AGGREGATE", "SUM", "WITHSCORES"]],
    "zunion_ties_and_bytes": [["ZADD", "t1", "1", "b", "1", "a", "1", "B", "1", "\xff", "1", "", "0", "-0"],
                              ["ZADD", "t2", "-0", "c", "0", "a"],
                              ["ZUNION", "2", "t1", "t2", "WITHSCORES"],
                              ["ZUNION", "2", "t1", "t2", "WEIGHTS", "-1", "1", "WITHSCORES"],
                              ["ZINTER", "2", "t1", "t2", "WITHSCORES"]],
    # ---- ZINTER ----
    "zinter_basic": BASE + [["ZINTER", "2", "z1", "z2"], ["ZINTER", "2", "z1", "z2", "WITHSCORES"],
                            ["ZINTER", "2", "z1", "s", "WEIGHTS", "2", "3", "WITHSCORES"],
                            ["ZINTER", "3", "z1", "z2", "s"], ["ZINTER", "2", "z1", "nokey"],
                            ["ZINTER", "2", "nokey", "z1", "WITHSCORES"],
                            ["ZINTER", "2", "z1", "z1", "WITHSCORES"],
                            ["ZINTER", "2", "z2", "z1", "AGGREGATE", "MIN", "WITHSCORES"],
                            ["ZINTER", "2", "z2", "z1", "AGGREGATE", "MAX", "WEIGHTS", "1", "5", "WITHSCORES"],
                            ["ZINTER", "1", "s", "WITHSCORES"], ["ZINTER", "2", "s", "s", "WITHSCORES"]],
    "zinter_nan_weight": [["ZADD", "p", "inf", "a", "1", "b"], ["ZADD", "q", "2", "a", "inf", "b"],
                          ["ZINTER", "2", "p", "q", "WEIGHTS", "0", "1", "WITHSCORES"],
                          ["ZINTER", "2", "p", "q", "WEIGHTS", "1", "0", "WITHSCORES"],
                          ["ZINTER", "2", "p", "q", "WEIGHTS", "1", "0", "AGGREGATE", "MIN", "WITHSCORES"],
                          ["ZINTER", "2", "p", "q", "WEIGHTS", "1", "0", "AGGREGATE", "MAX", "WITHSCORES"],
                          ["ZINTER", "2", "p", "q", "WEIGHTS", "-1", "1", "WITHSCORES"]],
    # ---- ZDIFF ----
    "zdiff_basic": BASE + [["ZDIFF", "2", "z1", "z2"], ["ZDIFF", "2", "z1", "z2", "WITHSCORES"],
                           ["ZDIFF", "1", "z1", "WITHSCORES"], ["ZDIFF", "2", "z2", "s", "WITHSCORES"],
                           ["ZDIFF", "3", "z2", "s", "z1"], ["ZDIFF", "2", "nokey", "z1"],
                           ["ZDIFF", "2", "z1", "nokey", "WITHSCORES"], ["ZDIFF", "2", "z1", "z1"],
                           ["ZDIFF", "2", "s", "z1", "WITHSCORES"], ["ZDIFF", "1", "s"],
                           ["ZDIFF", "2", "z1", "z2", "WEIGHTS", "1", "1"],
                           ["ZDIFF", "2", "z1", "z2", "AGGREGATE", "SUM"],
                           ["ZDIFF", "2", "z1", "z2", "WITHSCORES", "x"]],
    # ---- errors ----
    "setop_errors": BASE + [["SET", "str", "v"], ["LPUSH", "list", "x"],
                            ["ZUNION", "0", "z1"], ["ZUNION", "-1", "z1"], ["ZUNION", "x", "z1"],
                            ["ZUNION", "", "z1"], ["ZUNION", "3", "z1", "z2"], ["ZINTER", "0", "z1"],
                            ["ZDIFF", "0", "z1"], ["ZUNION", "9223372036854775807", "z1"],
                            ["ZUNION", "9223372036854775808", "z1"],
                            ["ZUNION", "1", "z1", "WEIGHTS"], ["ZUNION", "1", "z1", "WEIGHTS", "x"],
                            ["ZUNION", "1", "z1", "WEIGHTS", "nan"], ["ZUNION", "1", "z1", "WEIGHTS", ""],
                            ["ZUNION", "2", "z1", "z2", "WEIGHTS", "1"],
                            ["ZUNION", "2", "z1", "z2", "WEIGHTS", "1", "x"],
                            ["ZUNION", "1", "z1", "WEIGHTS", "1", "2"], ["ZUNION", "1", "z1", "AGGREGATE"],
                            ["ZUNION", "1", "z1", "AGGREGATE", "avg"], ["ZUNION", "1", "z1", "foo"],
                            ["ZINTER", "1", "z1", "LIMIT", "1"],
                            ["ZUNION", "2", "z1", "str"], ["ZINTER", "2", "list", "z1"],
                            ["ZUNION", "2", "z1", "str", "WEIGHTS", "x"], ["ZDIFF", "2", "nokey", "str", "foo"],
                            ["ZUNION", "2", "str", "nokey", "AGGREGATE", "avg"],
                            ["ZUNION"], ["ZUNION", "1"], ["ZINTER", "1"], ["ZDIFF", "1"]],
    # ---- *STORE ----
    "store_basic": BASE + [["ZUNIONSTORE", "d", "2", "z1", "z2"], ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
                           ["ZINTERSTORE", "d", "2", "z1", "z2", "WEIGHTS", "1", "-1"],
                           ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
                           ["ZDIFFSTORE", "d", "2", "z1", "z2"], ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
                           ["ZUNIONSTORE", "d", "3", "z1", "z2", "s", "AGGREGATE", "MAX"],
                           ["ZRANGE", "d", "0", "-1", "WITHSCORES"], ["TYPE", "d"], ["OBJECT", "ENCODING", "d"],
                           ["ZINTERSTORE", "d2", "2", "s", "z2"], ["ZRANGE", "d2", "0", "-1", "WITHSCORES"]],
    "store_overwrite_delete": BASE + [["SET", "d", "str"], ["EXPIRE", "d", "100"],
                                      ["ZUNIONSTORE", "d", "2", "z1", "s"], ["TYPE", "d"], ["TTL", "d"],
                                      ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
                                      ["ZINTERSTORE", "d", "2", "z1", "nokey"], ["EXISTS", "d"],
                                      ["ZADD", "d", "1", "x"], ["ZDIFFSTORE", "d", "2", "z1", "z1"], ["EXISTS", "d"],
                                      ["ZUNIONSTORE", "d", "2", "nokey", "nokey2"], ["EXISTS", "d"],
                                      ["ZDIFFSTORE", "z1", "2", "z1", "z2"], ["ZRANGE", "z1", "0", "-1", "WITHSCORES"],
                                      ["ZUNIONSTORE", "z2", "2", "z2", "z2"], ["ZRANGE", "z2", "0", "-1", "WITHSCORES"],
                                      ["ZINTERSTORE", "s", "1", "s"], ["TYPE", "s"],
                                      ["ZRANGE", "s", "0", "-1", "WITHSCORES"]],
    "store_errors": BASE + [["SET", "str", "v"], ["ZUNIONSTORE", "d", "0", "z1"], ["ZINTERSTORE", "d", "0", "z1"],
                            ["ZDIFFSTORE", "d", "0", "z1"], ["ZUNIONSTORE", "d", "x", "z1"],
                            ["ZUNIONSTORE", "d", "2", "z1"], ["ZUNIONSTORE", "d", "1", "z1", "WITHSCORES"],
                            ["ZDIFFSTORE", "d", "1", "z1", "WITHSCORES"],
                            ["ZDIFFSTORE", "d", "1", "z1", "WEIGHTS", "2"],
                            ["ZINTERSTORE", "d", "1", "z1", "WEIGHTS", "x"],
                            ["ZINTERSTORE", "d", "2", "str", "z1"], ["ZUNIONSTORE", "str", "1", "z1"],
                            ["TYPE", "str"], ["EXISTS", "d"], ["ZUNIONSTORE", "d"], ["ZUNIONSTORE", "d", "1"]],
    "store_encoding": [zadd_n("big", 200), ["ZADD", "small", "1", "m1", "2", "m2"], ["OBJECT", "ENCODING", "big"],
                       ["ZINTERSTORE", "d", "2", "big", "small"], ["OBJECT", "ENCODING", "d"],
                       ["ZUNIONSTORE", "d", "1", "big"], ["OBJECT", "ENCODING", "d"],
                       ["ZDIFFSTORE", "d", "2", "big", "small"], ["OBJECT", "ENCODING", "d"], ["ZCARD", "d"],
                       zadd_n("long", 2, prefix="l", member_len=70), ["ZUNIONSTORE", "d", "1", "long"],
                       ["OBJECT", "ENCODING", "d"], ["ZUNIONSTORE", "d", "2", "long", "small"],
                       ["OBJECT", "ENCODING", "d"], ["ZINTERSTORE", "d", "2", "long", "small"], ["EXISTS", "d"],
                       ["CONFIG", "SET", "zset-max-listpack-entries", "1"],
                       ["ZUNIONSTORE", "d", "1", "small"], ["OBJECT", "ENCODING", "d"],
                       ["ZINTERSTORE", "d", "2", "small", "small"], ["OBJECT", "ENCODING", "d"],
                       ["ZDIFFSTORE", "d", "1", "small"], ["OBJECT", "ENCODING", "d"],
                       ["CONFIG", "SET", "zset-max-listpack-entries", "128"],
                       ["SADD", "bigset"] + [f"e{i}" for i in range(150)],
                       ["ZUNIONSTORE", "d", "1", "bigset"], ["OBJECT", "ENCODING", "d"], ["ZCARD", "d"]],
    "big_mixed": [zadd_n("a", 300, step=3), zadd_n("b", 300, start=1, step=2), zadd_n("c", 50, prefix="n"),
                  ["SADD", "s"] + [f"m{i}" for i in range(0, 300, 7)],
                  ["ZUNIONSTORE", "u", "4", "a", "b", "c", "s", "WEIGHTS", "1", "2", "3", "4"],
                  ["ZCARD", "u"], ["ZRANGE", "u", "0", "20", "WITHSCORES"], ["ZRANGE", "u", "-20", "-1", "WITHSCORES"],
                  ["ZINTER", "3", "a", "b", "s", "AGGREGATE", "MIN", "WITHSCORES"],
                  ["ZINTERCARD", "3", "a", "b", "s"], ["ZINTERCARD", "2", "a", "b", "LIMIT", "17"],
                  ["ZDIFF", "3", "a", "b", "s", "WITHSCORES"], ["ZDIFFSTORE", "dd", "2", "b", "s"], ["ZCARD", "dd"],
                  ["OBJECT", "ENCODING", "dd"]],
    "keyspace_stats": BASE + [["SET", "str", "v"], ["CONFIG", "RESETSTAT"],
                              ["ZUNION", "3", "z1", "nokey", "s"], STATS,
                              ["ZUNIONSTORE", "d", "2", "z1", "nokey"], STATS,
                              ["ZINTERSTORE", "d", "2", "nokey", "z2", "WEIGHTS", "x", "1"], STATS,
                              ["ZDIFF", "3", "z1", "str", "nokey"], STATS,
                              ["ZINTERCARD", "2", "z1", "nokey", "LIMIT", "x"], STATS,
                              ["ZMPOP", "2", "nokey", "z1", "MIN"], STATS, ["ZUNION", "0", "z1"], STATS],
    "expired_inputs": BASE + [["PEXPIRE", "z2", "1"], ["SET", "d", "v", "PX", "1"],
                              Probe("sleep", lambda c: time.sleep(0.02)),
                              ["ZUNION", "2", "z1", "z2", "WITHSCORES"], ["ZUNIONSTORE", "d", "1", "z2"],
                              ["EXISTS", "d"], ["ZMPOP", "2", "z2", "z1", "MAX"]],
    "lowercase_and_mixed_options": BASE + [["zunion", "2", "z1", "z2", "wEiGhTs", "1", "2", "aGgReGaTe", "mAx",
                                            "wItHsCoReS"], ["zinterstore", "d", "2", "z1", "z2", "aggregate", "MIN"],
                                           ["zrange", "d", "0", "-1", "withscores"], ["zdiff", "2", "z1", "z2", "withScores"],
                                           ["zmpop", "1", "z1", "mAx", "cOuNt", "2"]],
    # ---- ZINTERCARD ----
    "zintercard": BASE + [["SET", "str", "v"], ["ZINTERCARD", "2", "z1", "z2"],
                          ["ZINTERCARD", "2", "z1", "z2", "LIMIT", "1"], ["ZINTERCARD", "2", "z1", "z2", "limit", "0"],
                          ["ZINTERCARD", "2", "z1", "z2", "LIMIT", "100"], ["ZINTERCARD", "2", "z2", "s"],
                          ["ZINTERCARD", "1", "s"], ["ZINTERCARD", "2", "z1", "nokey"], ["ZINTERCARD", "1", "nokey"],
                          ["ZINTERCARD", "0", "z1"], ["ZINTERCARD", "-1", "z1"], ["ZINTERCARD", "x", "z1"],
                          ["ZINTERCARD", "3", "z1", "z2"], ["ZINTERCARD", "1", "z1", "LIMIT", "-1"],
                          ["ZINTERCARD", "1", "z1", "LIMIT", "x"], ["ZINTERCARD", "1", "z1", "LIMIT"],
                          ["ZINTERCARD", "1", "z1", "WITHSCORES"], ["ZINTERCARD", "1", "z1", "WEIGHTS", "1"],
                          ["ZINTERCARD", "1", "z1", "LIMIT", "1", "LIMIT", "2"],
                          ["ZINTERCARD", "2", "z1", "str", "LIMIT", "-1"], ["ZINTERCARD", "2", "str", "z1"],
                          ["ZINTERCARD"], ["ZINTERCARD", "1"]],
    # ---- ZMPOP ----
    "zmpop_basic": [["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["ZMPOP", "1", "z", "MIN"],
                    ["ZMPOP", "1", "z", "max"], ["ZMPOP", "2", "nokey", "z", "MIN", "COUNT", "1"],
                    ["ZMPOP", "1", "z", "MIN", "count", "10"], ["EXISTS", "z"], ["ZMPOP", "1", "z", "MIN"],
                    ["ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "3"], ["ZADD", "y", "inf", "a", "-inf", "b", "0.5", "c"],
                    ["ZMPOP", "3", "nokey", "y", "z", "MAX", "COUNT", "2"], ["ZMPOP", "1", "y", "MAX"],
                    ["EXISTS", "y"]],
    "zmpop_errors": [["ZADD", "z", "1", "a"], ["SET", "str", "v"], ["ZMPOP", "0", "z", "MIN"],
                     ["ZMPOP", "-1", "z", "MIN"], ["ZMPOP", "x", "z", "MIN"], ["ZMPOP", "2", "z", "MIN"],
                     ["ZMPOP", "1", "z", "foo"], ["ZMPOP", "1", "z", "MIN", "COUNT", "0"],
                     ["ZMPOP", "1", "z", "MIN", "COUNT", "-1"], ["ZMPOP", "1", "z", "MIN", "COUNT", "x"],
                     ["ZMPOP", "1", "z", "MIN", "COUNT"], ["ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"],
                     ["ZMPOP", "1", "z", "MIN", "foo"], ["ZMPOP", "1", "z"], ["ZMPOP", "1"],
                     ["ZMPOP", "2", "str", "z", "MIN"], ["ZMPOP", "2", "nokey", "str", "MIN"],
                     ["ZMPOP", "2", "z", "str", "MIN"], ["ZMPOP", "1", "z", "MIN", "COUNT", "9223372036854775807"],
                     ["ZMPOP", "1", "nokey", "MIN", "COUNT", "9223372036854775808"]],
    "zmpop_skiplist": [zadd_n("z", 200), ["ZMPOP", "1", "z", "MIN", "COUNT", "3"],
                       ["ZMPOP", "1", "z", "MAX", "COUNT", "3"], ["ZCARD", "z"], ["OBJECT", "ENCODING", "z"],
                       ["ZMPOP", "1", "z", "MAX", "COUNT", "500"], ["EXISTS", "z"]],
    # ---- RESP3 ----
    "resp3": BASE + [["ZADD", "z", "1.5", "a", "inf", "b"], HELLO3,
                     ["ZUNION", "2", "z1", "z2", "WITHSCORES"], ["ZUNION", "2", "z1", "z2"],
                     ["ZINTER", "2", "z1", "s", "WITHSCORES"], ["ZDIFF", "2", "z1", "z2", "WITHSCORES"],
                     ["ZDIFF", "2", "nokey", "z2", "WITHSCORES"], ["ZUNIONSTORE", "d", "2", "z1", "z2"],
                     ["ZINTERCARD", "2", "z1", "z2"], ["ZMPOP", "1", "z", "MAX", "COUNT", "5"],
                     ["ZMPOP", "1", "z", "MIN"], ["ZMPOP", "1", "z1", "MIN"], ["ZMPOP", "1", "z1", "MAX", "COUNT", "1"]],
    # ---- metadata ----
    "zmpop_getkeys": [["ZMPOP", "1", "x", "MIN"], ["COMMAND", "GETKEYS", "ZMPOP", "2", "a", "b", "MIN"],
                      ["COMMAND", "GETKEYS", "ZMPOP", "3", "a", "b", "MIN"], ["COMMAND", "GETKEYS", "ZMPOP", "4", "a", "b", "MIN"],
                      ["COMMAND", "GETKEYS", "ZMPOP", "0", "a", "MIN"],
                      ["COMMAND", "GETKEYSANDFLAGS", "ZMPOP", "1", "a", "MIN"]],
    "setop_getkeys": [["ZUNION", "1", "x"], ["ZUNIONSTORE", "d", "1", "x"], ["ZINTERCARD", "1", "x"],
                      ["ZDIFFSTORE", "d", "1", "x"],
                      ["COMMAND", "GETKEYS", "ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"],
                      ["COMMAND", "GETKEYS", "ZINTER", "2", "a", "b"], ["COMMAND", "GETKEYS", "ZINTERCARD", "1", "a", "LIMIT", "1"],
                      ["COMMAND", "GETKEYS", "ZDIFFSTORE", "d", "1", "a"], ["COMMAND", "GETKEYS", "ZUNION", "0", "a"],
                      ["COMMAND", "GETKEYS", "ZUNIONSTORE", "d", "3", "a", "b"],
                      ["COMMAND", "GETKEYSANDFLAGS", "ZUNIONSTORE", "d", "2", "a", "b"]],
}


def random_mix(seed, n=60):
    """Seeded random set algebra over sorted sets and sets of equal and different sizes, with
    fractional scores, infinities and weights: exercises the summation order (inputs by size,
    ties in argument order) and the result ordering."""
    rnd = random.Random(seed)
    members = [f"m{i}" for i in range(12)] + ["1", "2", "10", "-3"]
    scores = ["0.1", "0.2", "0.3", "1e-17", "-0.7", "3", "inf", "-inf", "1.5", "2.25", "-0", "1e300"]
    keys = ["k1", "k2", "k3", "k4", "s1", "s2"]
    steps = []
    for k in keys[:4]:
        argv = ["ZADD", k]
        for m in rnd.sample(members, rnd.randint(1, 6)):
            argv += [rnd.choice(scores), m]
        steps.append(argv)
    for k in keys[4:]:
        steps.append(["SADD", k] + rnd.sample(members, rnd.randint(1, 6)))
    for _ in range(n):
        nk = rnd.randint(1, 4)
        srcs = [rnd.choice(keys + ["nokey"]) for _ in range(nk)]
        op = rnd.choice(["ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZINTERCARD"])
        store = op.endswith("STORE")
        argv = [op] + (["d"] if store else []) + [str(nk)] + srcs
        if op in ("ZUNION", "ZINTER", "ZUNIONSTORE", "ZINTERSTORE"):
            if rnd.random() < 0.6:
                argv += ["WEIGHTS"] + [rnd.choice(["1", "2", "0.5", "-1", "0", "0.1", "inf", "3"]) for _ in range(nk)]
            if rnd.random() < 0.5:
                argv += ["AGGREGATE", rnd.choice(["SUM", "MIN", "MAX"])]
        if op == "ZINTERCARD" and rnd.random() < 0.5:
            argv += ["LIMIT", str(rnd.randint(0, 3))]
        if not store and op != "ZINTERCARD" and rnd.random() < 0.8:
            argv.append("WITHSCORES")
        steps.append(argv)
        if store:
            steps.append(["ZRANGE", "d", "0", "-1", "WITHSCORES"])
            if rnd.random() < 0.2:
                steps.append(["RENAME", "d", rnd.choice(keys[:4])])
        if rnd.random() < 0.1:
            steps.append(["ZMPOP", "2", rnd.choice(keys), rnd.choice(keys), rnd.choice(["MIN", "MAX"]),
                          "COUNT", str(rnd.randint(1, 3))])
    return steps


CASES["random_mix_1"] = random_mix(1)
CASES["random_mix_2"] = random_mix(2)
CASES["random_mix_3"] = random_mix(3)

for _steps in CASES.values():
    if any(isinstance(st, list) and st[:2] == ["CONFIG", "SET"] for st in _steps):
        _steps.extend(RESET_ZSET_CONFIG)


@pytest.mark.parametrize("steps", list(CASES.values()), ids=list(CASES.keys()))
def test_zset_setops(diff, steps, request):
    diff.run(steps, request.node.callspec.id)
