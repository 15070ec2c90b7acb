"""Differential tests of the sorted set family against a real redis-server."""

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
Z6 = ["ZADD", "z", "5", "a", "1", "b", "3", "c", "3", "d", "9", "e", "7", "f"]
LEX = ["ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "f", "0", "g"]


def zadd_n(key, n, prefix="m", member_len=0):
    argv = ["ZADD", key]
    for i in range(n):
        m = f"{prefix}{i}"
        argv += [str(i), m + "x" * max(0, member_len - len(m))]
    return argv


def zscan_all(conn, key, *opts):
    """ZSCAN to completion: the sorted (member, score) pairs seen (pages may repeat a member)."""
    cursor, seen, pages = b"0", set(), 0
    while True:
        r = conn.call("ZSCAN", key, cursor, *opts)
        cursor, arr = r.value[0].value, [e.value for e in r.value[1].value]
        seen.update(zip(arr[::2], arr[1::2]))
        pages += 1
        if cursor == b"0" or pages > 10000:
            return sorted(seen)


# The differential fixture doesn't know these settings: cases that change them put them back.
RESET_ZSET_CONFIG = [["CONFIG", "SET", "zset-max-listpack-entries", "128"],
                     ["CONFIG", "SET", "zset-max-listpack-value", "64"]]

CASES = {
    # ---- ZADD ----
    "zadd_basic": [["ZADD", "z", "1", "a", "2", "b", "1", "a"], ["ZADD", "z", "3", "a", "4", "c"],
                   ["ZADD", "z", "CH", "5", "a", "2", "b", "9", "d"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
                   ["ZCARD", "z"], ["TYPE", "z"], ["OBJECT", "ENCODING", "z"]],
    "zadd_nx_xx": [["ZADD", "z", "XX", "1", "a"], ["EXISTS", "z"], ["ZADD", "z", "NX", "1", "a"],
                   ["ZADD", "z", "NX", "5", "a", "2", "b"], ["ZADD", "z", "XX", "CH", "7", "a", "1", "new"],
                   ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["ZADD", "z", "xx", "nx", "1", "a"]],
    "zadd_gt_lt": [["ZADD", "z", "5", "a", "5", "b"], ["ZADD", "z", "GT", "CH", "1", "a", "9", "b"],
                   ["ZADD", "z", "LT", "CH", "1", "a", "10", "b"], ["ZADD", "z", "GT", "-5", "new"],
                   ["ZADD", "z", "GT", "LT", "1", "a"], ["ZADD", "z", "GT", "NX", "1", "a"],
                   ["ZADD", "z", "LT", "NX", "1", "a"], ["ZADD", "z", "XX", "GT", "CH", "100", "a", "1", "zz"],
                   ["ZRANGE", "z", "0", "-1", "WITHSCORES"]],
    "zadd_incr": [["ZADD", "z", "INCR", "1.5", "a"], ["ZADD", "z", "INCR", "1", "a"], ["ZADD", "z", "INCR", "0", "a"],
                  ["ZADD", "z", "NX", "INCR", "1", "a"], ["ZADD", "z", "XX", "INCR", "1", "nope"],
                  ["ZADD", "z", "GT", "INCR", "-1", "a"], ["ZADD", "z", "LT", "INCR", "-1", "a"],
                  ["ZADD", "z", "INCR", "1", "a", "2", "b"], ["ZADD", "z", "INCR", "0.1", "c"],
                  ["ZADD", "nokey", "XX", "INCR", "1", "a"], ["EXISTS", "nokey"]],
    "zadd_errors": [["ZADD", "z", "x", "a"], ["ZADD", "z", "nan", "a"], ["ZADD", "z", "1", "a", "2"],
                    ["ZADD", "z", "XX", "CH"], ["ZADD", "z", "XX"], ["ZADD", "z", "1"], ["ZADD", "z"],
                    ["ZADD", "z", "1e400", "a"], ["ZADD", "z", " 1", "a"], ["ZADD", "z", "1 ", "a"],
                    ["ZADD", "z", "", "a"], ["ZADD", "z", "1", "a", "x", "b"], ["EXISTS", "z"],
                    ["ZADD", "z", "FOO", "1", "a"]],
    "zadd_inf_nan": [["ZADD", "z", "inf", "a", "-inf", "b", "+inf", "c"], ["ZADD", "z", "INCR", "-inf", "a"],
                     ["ZINCRBY", "z", "+inf", "b"], ["ZINCRBY", "z", "1", "a"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
                     ["ZSCORE", "z", "a"]],
    "zadd_float_formats": [["ZADD", "z", "0.1", "a", "1.5", "b", "1e20", "c", "-2.5e-7", "d", "3.0", "e",
                            "0x10", "f", "123456789012345678", "g", "-0", "h"],
                           ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["ZSCORE", "z", "a"], ["ZSCORE", "z", "h"],
                           ["ZMSCORE", "z", "c", "d", "g"]],
    "zincrby": [["ZINCRBY", "z", "2", "a"], ["ZINCRBY", "z", "-0.5", "a"], ["ZINCRBY", "z", "x", "a"],
                ["ZINCRBY", "z", "1"], ["ZINCRBY", "z", "1e400", "a"], ["ZINCRBY", "z", "0.1", "a"],
                ["ZSCORE", "z", "a"]],
    "wrongtype": [["SET", "s", "v"], ["ZADD", "s", "1", "a"], ["ZINCRBY", "s", "1", "a"], ["ZREM", "s", "a"],
                  ["ZCARD", "s"], ["ZSCORE", "s", "a"], ["ZMSCORE", "s", "a"], ["ZRANK", "s", "a"],
                  ["ZREVRANK", "s", "a"], ["ZCOUNT", "s", "0", "1"], ["ZLEXCOUNT", "s", "-", "+"],
                  ["ZRANGE", "s", "0", "1"], ["ZRANGEBYSCORE", "s", "0", "1"], ["ZRANGEBYLEX", "s", "-", "+"],
                  ["ZREVRANGE", "s", "0", "1"], ["ZRANGESTORE", "d", "s", "0", "1"],
                  ["ZREMRANGEBYRANK", "s", "0", "1"], ["ZREMRANGEBYSCORE", "s", "0", "1"],
                  ["ZREMRANGEBYLEX", "s", "-", "+"], ["ZPOPMIN", "s"], ["ZPOPMAX", "s", "0"],
                  ["ZCOUNT", "s", "x", "1"], ["GET", "s"]],
    # ---- ZREM ZCARD ZSCORE ZMSCORE ZRANK ----
    "zrem": [["ZADD", "z", "1", "a", "2", "b"], ["ZREM", "z", "a", "x", "a"], ["ZREM", "z", "b"], ["EXISTS", "z"],
             ["ZREM", "z", "b"], ["ZREM", "z"], ["ZCARD", "z"], ["ZCARD", "z", "x"]],
    "scores_ranks": [["ZADD", "z", "1", "a", "2", "b", "2", "c", "0.1", "d"], ["ZSCORE", "z", "d"],
                     ["ZSCORE", "z", "nope"], ["ZSCORE", "nokey", "a"], ["ZMSCORE", "z", "a", "x", "d"],
                     ["ZMSCORE", "nokey", "a", "b"], ["ZMSCORE", "z"], ["ZRANK", "z", "d"], ["ZRANK", "z", "c"],
                     ["ZREVRANK", "z", "c"], ["ZRANK", "z", "x"], ["ZREVRANK", "nokey", "x"],
                     ["ZRANK", "z", "a", "b"]],
    "zcount": [Z6, ["ZCOUNT", "z", "-inf", "+inf"], ["ZCOUNT", "z", "(1", "3"], ["ZCOUNT", "z", "(1", "(3"],
               ["ZCOUNT", "z", "3", "1"], ["ZCOUNT", "z", "(3", "3"], ["ZCOUNT", "z", "(", "5"],
               ["ZCOUNT", "z", "", "5"], ["ZCOUNT", "z", " 1", "5"], ["ZCOUNT", "z", "1", "5 "],
               ["ZCOUNT", "z", "x", "1"], ["ZCOUNT", "nokey", "x", "1"], ["ZCOUNT", "nokey", "0", "1"],
               ["ZCOUNT", "z", "nan", "1"], ["ZCOUNT", "z", "-inf", "(inf"]],
    "zlexcount": [LEX, ["ZLEXCOUNT", "l", "-", "+"], ["ZLEXCOUNT", "l", "[b", "(e"], ["ZLEXCOUNT", "l", "+", "-"],
                  ["ZLEXCOUNT", "l", "(a", "[a"], ["ZLEXCOUNT", "l", "b", "d"], ["ZLEXCOUNT", "l", "-x", "+"],
                  ["ZLEXCOUNT", "l", "", "+"], ["ZLEXCOUNT", "l", "[", "(z"], ["ZLEXCOUNT", "nokey", "-", "+"],
                  ["ZLEXCOUNT", "nokey", "a", "+"]],
    # ---- ZRANGE ----
    "zrange_rank": [Z6, ["ZRANGE", "z", "0", "-1"], ["ZRANGE", "z", "1", "3", "WITHSCORES"], ["ZRANGE", "z", "-2", "-1"],
                    ["ZRANGE", "z", "-100", "100"], ["ZRANGE", "z", "3", "1"], ["ZRANGE", "z", "10", "20"],
                    ["ZRANGE", "z", "0", "-1", "REV"], ["ZRANGE", "z", "0", "2", "REV", "WITHSCORES"],
                    ["ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"], ["ZRANGE", "z", "0", "-1", "LIMIT", "0", "-1"],
                    ["ZRANGE", "z", "0", "-1", "LIMIT", "1", "-1"], ["ZRANGE", "z", "0", "-1", "LIMIT", "a", "b"],
                    ["ZRANGE", "z", "a", "b"], ["ZRANGE", "z", "0", "-1", "rev", "rev"],
                    ["ZRANGE", "z", "0", "-1", "withscores", "withscores"], ["ZRANGE", "z", "0", "-1", "foo"],
                    ["ZRANGE", "z", "0", "-1", "LIMIT", "1"], ["ZRANGE", "nokey", "0", "-1"],
                    ["ZRANGE", "nokey", "x", "y"], ["ZRANGE", "z", "0"]],
    "zrange_byscore": [Z6, ["ZRANGE", "z", "(1", "5", "BYSCORE"], ["ZRANGE", "z", "1", "(5", "BYSCORE", "WITHSCORES"],
                       ["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"],
                       ["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"],
                       ["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"],
                       ["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "6", "1"],
                       ["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "5", "10"],
                       ["ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2", "WITHSCORES"],
                       ["ZRANGE", "z", "5", "3", "BYSCORE", "REV"], ["ZRANGE", "z", "3", "5", "BYSCORE", "REV"],
                       ["ZRANGE", "z", "x", "5", "BYSCORE"], ["ZRANGE", "z", "1", "(x", "BYSCORE"],
                       ["ZRANGE", "z", "0", "-1", "BYSCORE", "BYLEX"], ["ZRANGE", "z", "0", "-1", "byscore", "byscore"],
                       ["ZRANGE", "nokey", "x", "1", "BYSCORE"], ["ZRANGE", "z", "(3", "(3", "BYSCORE"]],
    "zrangebyscore_old": [Z6, ["ZRANGEBYSCORE", "z", "-inf", "+inf"],
                          ["ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES", "LIMIT", "2", "2"],
                          ["ZRANGEBYSCORE", "z", "-inf", "+inf", "REV"], ["ZRANGEBYSCORE", "z", "(3", "9"],
                          ["ZRANGEBYSCORE", "z", "0", "1", "BYSCORE"], ["ZREVRANGEBYSCORE", "z", "+inf", "-inf"],
                          ["ZREVRANGEBYSCORE", "z", "5", "3", "WITHSCORES"], ["ZREVRANGEBYSCORE", "z", "3", "5"],
                          ["ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "1", "3"],
                          ["ZREVRANGE", "z", "0", "1"], ["ZREVRANGE", "z", "0", "1", "WITHSCORES"],
                          ["ZREVRANGE", "z", "0", "1", "LIMIT", "0", "1"], ["ZREVRANGE", "z", "0", "1", "BYSCORE"],
                          ["ZREVRANGE", "z", "-3", "-1"], ["ZRANGEBYSCORE", "z", "1"]],
    # Lex ranges over members with different scores (Redis documents the answer as unspecified;
    # for a listpack it is a walk from the first element >= min, or for REV the last <= max).
    "lex_mixed_scores": [["ZADD", "m", "1", "a", "2.5", "b", "3", "c", "-1e20", "d", "inf", "e"],
                         ["ZRANGEBYLEX", "m", "[a", "[c"], ["ZRANGEBYLEX", "m", "-", "+"],
                         ["ZRANGEBYLEX", "m", "[b", "+"], ["ZRANGEBYLEX", "m", "-", "[d"],
                         ["ZRANGEBYLEX", "m", "[d", "[e"], ["ZRANGEBYLEX", "m", "(a", "[z"],
                         ["ZREVRANGEBYLEX", "m", "[z", "[a"], ["ZREVRANGEBYLEX", "m", "[c", "-"],
                         ["ZREVRANGEBYLEX", "m", "+", "[b", "LIMIT", "1", "2"],
                         ["ZRANGE", "m", "[b", "[e", "BYLEX"], ["ZRANGE", "m", "[e", "[b", "BYLEX", "REV"],
                         ["ZRANGE", "m", "[d", "+", "BYLEX", "LIMIT", "1", "3"],
                         ["ZLEXCOUNT", "m", "[a", "[c"], ["ZLEXCOUNT", "m", "-", "+"], ["ZLEXCOUNT", "m", "[d", "+"],
                         ["ZLEXCOUNT", "m", "(a", "[z"], ["ZRANGESTORE", "dst", "m", "[d", "[z", "BYLEX"],
                         ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
                         ["ZRANGESTORE", "dst", "m", "[z", "[a", "BYLEX", "REV"], ["ZRANGE", "dst", "0", "-1"],
                         ["ZADD", "n", "2", "b", "1", "a"], ["ZRANGEBYLEX", "n", "[b", "[b"],
                         ["ZREVRANGEBYLEX", "n", "[a", "[a"], ["ZLEXCOUNT", "n", "[a", "[b"],
                         ["ZREMRANGEBYLEX", "m", "[a", "[c"], ["ZREMRANGEBYLEX", "m", "[d", "[z"],
                         ["ZRANGE", "m", "0", "-1", "WITHSCORES"], ["ZREMRANGEBYLEX", "n", "[b", "[b"],
                         ["ZRANGE", "n", "0", "-1"]],
    "zrange_bylex": [LEX, ["ZRANGEBYLEX", "l", "-", "+"], ["ZRANGEBYLEX", "l", "[b", "(e"],
                     ["ZRANGEBYLEX", "l", "(b", "[e", "LIMIT", "1", "2"], ["ZRANGEBYLEX", "l", "+", "-"],
                     ["ZRANGEBYLEX", "l", "b", "e"], ["ZRANGEBYLEX", "l", "[b", "[e", "WITHSCORES"],
                     ["ZREVRANGEBYLEX", "l", "+", "-"], ["ZREVRANGEBYLEX", "l", "[e", "(b"],
                     ["ZREVRANGEBYLEX", "l", "(e", "[b", "LIMIT", "1", "10"], ["ZRANGE", "l", "[b", "[d", "BYLEX"],
                     ["ZRANGE", "l", "[d", "[b", "BYLEX", "REV"], ["ZRANGE", "l", "[b", "[d", "BYLEX", "LIMIT", "0", "2"],
                     ["ZRANGE", "l", "-", "+", "BYLEX", "WITHSCORES"], ["ZRANGEBYLEX", "l", "", "+"],
                     ["ZRANGEBYLEX", "l", "-", "+x"], ["ZRANGEBYLEX", "l", "[", "[c"],
                     ["ZRANGEBYLEX", "nokey", "-", "+"], ["ZRANGEBYLEX", "l", "(a", "(b"]],
    "zrangestore": [Z6, LEX, ["ZRANGESTORE", "dst", "z", "0", "2"], ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
                    ["ZRANGESTORE", "dst", "z", "1", "5", "BYSCORE", "REV"],
                    ["ZRANGESTORE", "dst", "z", "5", "1", "BYSCORE", "REV"], ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
                    ["ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES"], ["ZRANGESTORE", "dst", "nokey", "0", "-1"],
                    ["EXISTS", "dst"], ["ZRANGESTORE", "dst", "l", "[a", "[c", "BYLEX", "LIMIT", "1", "5"],
                    ["ZRANGE", "dst", "0", "-1"], ["SET", "str", "x", "EX", "100"], ["ZRANGESTORE", "str", "z", "0", "0"],
                    ["TYPE", "str"], ["TTL", "str"], ["ZRANGESTORE", "dst", "str", "0", "0"],
                    ["ZRANGESTORE", "dst", "z", "0", "-1", "LIMIT", "0", "1"], ["ZRANGESTORE", "dst", "z"],
                    ["ZRANGESTORE", "z", "z", "1", "2"], ["ZRANGE", "z", "0", "-1"]],
    # ---- ZREMRANGEBY* ----
    "zremrange": [Z6, LEX, ["ZREMRANGEBYRANK", "z", "0", "0"], ["ZREMRANGEBYRANK", "z", "-1", "-1"],
                  ["ZREMRANGEBYRANK", "z", "5", "10"], ["ZREMRANGEBYRANK", "z", "a", "1"],
                  ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["ZREMRANGEBYSCORE", "z", "(3", "5"],
                  ["ZREMRANGEBYSCORE", "z", "x", "1"], ["ZREMRANGEBYSCORE", "nokey", "1", "2"],
                  ["ZREMRANGEBYSCORE", "nokey", "x", "2"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
                  ["ZREMRANGEBYLEX", "l", "[b", "(d"], ["ZREMRANGEBYLEX", "l", "b", "d"],
                  ["ZREMRANGEBYLEX", "l", "-", "+"], ["EXISTS", "l"], ["ZREMRANGEBYSCORE", "z", "-inf", "+inf"],
                  ["EXISTS", "z"], ["ZREMRANGEBYRANK", "z", "0", "-1"], ["ZREMRANGEBYRANK", "z", "0"]],
    # ---- ZPOPMIN / ZPOPMAX ----
    "zpop": [["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZPOPMIN", "z", "0"], ["ZPOPMIN", "z", "-1"],
             ["ZPOPMIN", "z", "x"], ["ZPOPMIN", "z", "1", "2"], ["ZPOPMIN", "z"], ["ZPOPMAX", "z", "1"],
             ["ZPOPMIN", "z", "5"], ["EXISTS", "z"], ["ZPOPMIN", "nokey"], ["ZPOPMAX", "nokey", "3"],
             ["ZPOPMAX", "nokey", "0"], ["ZPOPMIN"]],
    # ---- RESP3 ----
    "resp3_replies": [HELLO3, ["ZADD", "z", "1", "a", "2.5", "b", "0.1", "c", "inf", "d"], ["ZSCORE", "z", "b"],
                      ["ZSCORE", "z", "d"], ["ZSCORE", "z", "x"], ["ZMSCORE", "z", "c", "x"],
                      ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["ZRANGE", "z", "0", "-1"],
                      ["ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES", "LIMIT", "1", "2"],
                      ["ZREVRANGE", "z", "0", "1", "WITHSCORES"], ["ZADD", "z", "INCR", "1", "a"],
                      ["ZADD", "z", "XX", "INCR", "1", "nope"], ["ZINCRBY", "z", "1", "c"], ["ZRANK", "z", "x"],
                      ["ZPOPMIN", "z"], ["ZPOPMIN", "z", "1"], ["ZPOPMAX", "z", "5"], ["ZPOPMIN", "z"],
                      ["ZRANGE", "nokey", "0", "-1"]],
    # ---- encodings ----
    "encoding_entries_threshold": [zadd_n("z", 128), ["OBJECT", "ENCODING", "z"], ["ZADD", "z", "1000", "last"],
                                   ["OBJECT", "ENCODING", "z"], ["ZREMRANGEBYRANK", "z", "0", "-3"],
                                   ["OBJECT", "ENCODING", "z"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
                                   zadd_n("y", 129), ["OBJECT", "ENCODING", "y"], ["ZCARD", "y"]],
    "encoding_value_threshold": [["ZADD", "v", "1", "x" * 64], ["OBJECT", "ENCODING", "v"],
                                 ["ZADD", "v", "1", "y" * 65], ["OBJECT", "ENCODING", "v"],
                                 ["ZADD", "w", "1", "y" * 65], ["OBJECT", "ENCODING", "w"],
                                 ["ZINCRBY", "u", "1", "y" * 65], ["OBJECT", "ENCODING", "u"]],
    "encoding_duplicates_stay_small": [["ZADD", "z"] + ["1", "a"] * 130, ["OBJECT", "ENCODING", "z"], ["ZCARD", "z"]],
    "encoding_config": [["CONFIG", "SET", "zset-max-listpack-entries", "2"], ["ZADD", "k", "1", "a", "2", "b"],
                        ["OBJECT", "ENCODING", "k"], ["ZADD", "k", "3", "c"], ["OBJECT", "ENCODING", "k"],
                        ["ZRANGESTORE", "k2", "k", "0", "1"], ["OBJECT", "ENCODING", "k2"],
                        ["ZRANGESTORE", "k3", "k", "0", "2"], ["OBJECT", "ENCODING", "k3"],
                        ["CONFIG", "GET", "zset-max-listpack-entries"], ["CONFIG", "GET", "zset-max-ziplist-entries"],
                        ["CONFIG", "SET", "zset-max-ziplist-value", "3"], ["CONFIG", "GET", "zset-max-listpack-value"],
                        ["ZADD", "v", "1", "abcd"], ["OBJECT", "ENCODING", "v"],
                        ["CONFIG", "SET", "zset-max-listpack-entries", "0"], ["ZADD", "e", "1", "a"],
                        ["OBJECT", "ENCODING", "e"], ["CONFIG", "SET", "zset-max-listpack-entries", "-1"],
                        ["CONFIG", "SET", "zset-max-listpack-entries", "x"], S(["CONFIG", "GET", "zset-*"], unordered)],
    "negative_zero": [["ZADD", "z", "-0", "a"], ["ZSCORE", "z", "a"], ["ZINCRBY", "z", "-0", "a"],
                      ["ZADD", "z", "INCR", "-0", "b"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
                      ["CONFIG", "SET", "zset-max-listpack-entries", "0"], ["ZADD", "big", "-0", "a"],
                      ["ZSCORE", "big", "a"], ["ZINCRBY", "big", "-0", "a"]],
    "skiplist_ops": [["CONFIG", "SET", "zset-max-listpack-entries", "0"], Z6, LEX, ["OBJECT", "ENCODING", "z"],
                     ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["ZRANGE", "z", "(1", "5", "BYSCORE", "LIMIT", "1", "5"],
                     ["ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "WITHSCORES"], ["ZRANK", "z", "d"],
                     ["ZREVRANK", "z", "d"], ["ZCOUNT", "z", "3", "(7"], ["ZRANGEBYLEX", "l", "[b", "(f"],
                     ["ZLEXCOUNT", "l", "(b", "+"], ["ZADD", "z", "INCR", "10", "b"], ["ZADD", "z", "XX", "CH", "0", "e"],
                     ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["ZPOPMAX", "z", "2"], ["ZPOPMIN", "z"],
                     ["ZREMRANGEBYSCORE", "z", "3", "3"], ["ZREMRANGEBYLEX", "l", "-", "[c"],
                     ["ZRANGE", "l", "0", "-1"], ["ZREM", "z", "a", "b", "c", "d", "e", "f"], ["EXISTS", "z"]],
    "big_zset_ranges": [zadd_n("z", 300), ["OBJECT", "ENCODING", "z"], ["ZRANGE", "z", "100", "105", "WITHSCORES"],
                        ["ZRANK", "z", "m250"], ["ZREVRANK", "z", "m250"], ["ZCOUNT", "z", "(10", "200"],
                        ["ZRANGE", "z", "(10", "200", "BYSCORE", "LIMIT", "50", "3"],
                        ["ZRANGE", "z", "200", "(10", "BYSCORE", "REV", "LIMIT", "50", "3", "WITHSCORES"],
                        ["ZREMRANGEBYRANK", "z", "10", "-10"], ["ZRANGE", "z", "0", "-1"], ["ZCARD", "z"]],
    # ---- ZRANDMEMBER / ZSCAN ----
    "zrandmember": [["ZRANDMEMBER", "nokey"], ["ZRANDMEMBER", "nokey", "5"], ["ZRANDMEMBER", "nokey", "5", "WITHSCORES"],
                    ["ZRANDMEMBER", "nokey", "x"], ["ZADD", "z", "1", "a", "2", "b", "3", "c", "0.1", "d"],
                    ["ZRANDMEMBER", "z", "x"], ["ZRANDMEMBER", "z", "1", "WITHSCORES", "x"], ["ZRANDMEMBER", "z", "1", "foo"],
                    ["ZRANDMEMBER", "z", "-9223372036854775808"], ["ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES"],
                    ["ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"], ["ZRANDMEMBER", "z", "0"],
                    ["ZRANDMEMBER", "z", "10"], ["ZRANDMEMBER", "z", "4", "WITHSCORES"],
                    Probe("zrandmember_one_is_member", lambda c: c.call("ZRANDMEMBER", "z").value in (b"a", b"b", b"c", b"d")),
                    Probe("zrandmember_distinct", lambda c: len({e.value for e in c.call("ZRANDMEMBER", "z", "3").value})),
                    Probe("zrandmember_repeats", lambda c: len(c.call("ZRANDMEMBER", "z", "-9").value)),
                    HELLO3, ["ZRANDMEMBER", "z", "10", "WITHSCORES"], ["ZRANDMEMBER", "nokey"],
                    ["SET", "s", "v"], ["ZRANDMEMBER", "s"], ["ZRANDMEMBER", "s", "1"]],
    "zscan": [["ZADD", "k", "1", "a", "2", "b", "3", "c", "0.1", "d", "1e20", "e", "inf", "f"], ["ZSCAN", "k", "0"],
              ["ZSCAN", "k", "0", "MATCH", "a*"], ["ZSCAN", "k", "0", "COUNT", "1"], ["ZSCAN", "k", "0", "COUNT", "0"],
              ["ZSCAN", "k", "0", "COUNT", "x"], ["ZSCAN", "k", "0", "MATCH"], ["ZSCAN", "k", "0", "TYPE", "zset"],
              ["ZSCAN", "k", "x"], ["ZSCAN", "k", "-1"], ["ZSCAN", "k", ""], ["ZSCAN", "nokey", "0"],
              ["ZSCAN", "nokey", "0", "COUNT", "0"], ["ZSCAN", "nokey", "x"], ["SET", "s", "v"], ["ZSCAN", "s", "0"],
              ["ZSCAN", "s", "0", "COUNT", "0"], HELLO3, ["ZSCAN", "k", "0"]],
    "zscan_skiplist": [zadd_n("z", 200), ["OBJECT", "ENCODING", "z"],
                       Probe("zscan_all", lambda c: zscan_all(c, "z", "COUNT", "7")),
                       Probe("zscan_match", lambda c: zscan_all(c, "z", "MATCH", "m1*"))],
    "arity": [["ZADD", "z"], ["ZCARD"], ["ZSCORE", "z"], ["ZMSCORE", "z"], ["ZRANK", "z"], ["ZCOUNT", "z", "1"],
              ["ZLEXCOUNT", "z", "-"], ["ZREMRANGEBYLEX", "z", "-"], ["ZREVRANGEBYLEX", "z", "+"], ["ZINCRBY", "z", "1"]],
}


for _steps in CASES.values():
    if any(isinstance(st, list) and st[:2] == ["CONFIG", "SET"] for st in _steps):
        _steps.extend(RESET_ZSET_CONFIG)


@pytest.mark.parametrize("steps", list(CASES.values()), ids=list(CASES.keys()))
def test_zset(diff, steps, request):
    diff.run(steps, request.node.callspec.id)
