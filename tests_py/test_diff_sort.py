"""Differential tests of SORT and SORT_RO against a real redis-server.

Every reply is compared byte for byte, except SORT ... BY nosort of a hashtable-encoded set
(its iteration order is each server's own: compared as a multiset, ``unordered``). Cases avoid
what Redis leaves undefined: equal ALPHA BY weights under LIMIT (Redis's partial quicksort is not
stable) and sorted sets sorted ALPHA BY with equal weights (Redis loads them in hash order).

Redis never clears errno before its strtod: after a weight that overflowed (ERANGE), a later
empty weight on the same connection fails too. FinCache clears it; the cases keep the overflow
steps after the empty-weight ones (a new connection resets Redis's errno).
"""

import random

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


def U(r, f):
    """``unordered`` for aggregates; other replies (errors) byte for byte."""
    if r.kind not in "*~" or f.kind not in "*~":
        return None if r.raw == f.raw else "replies differ"
    return unordered(r, f)


def stats_probe():
    def fn(conn):
        lines = conn.call("INFO", "stats").value.split(b"\r\n")
        return [ln for ln in lines if ln.startswith((b"keyspace_hits", b"keyspace_misses"))]

    return Probe("keyspace hits/misses", fn)


L6 = ["RPUSH", "l", "3", "1", "2", "10", "-5", "1.5"]

CASES = {
    "numeric_alpha": [L6, ["SORT", "l"], ["SORT", "l", "DESC"], ["SORT", "l", "ALPHA"], ["SORT", "l", "alpha", "desc"],
                      ["SORT", "l", "DESC", "ASC"], ["SORT_RO", "l"], ["SORT_RO", "l", "ALPHA", "DESC"],
                      ["RPUSH", "t", "1.0", "1", "01", "0x1", "1e0"], ["SORT", "t"], ["SORT", "t", "DESC"],
                      ["RPUSH", "n", "1e3", "0x10", " 7", "inf", "-inf", "-0", "0", "+5", ".5", "Infinity"],
                      ["SORT", "n"], ["SORT", "n", "DESC"], ["RPUSH", "dup", "2", "1", "2", "1", "3"], ["SORT", "dup"],
                      ["SORT", "dup", "DESC", "LIMIT", "1", "3"]],
    "score_errors": [["RPUSH", "bad", "1", "x", "2"], ["SORT", "bad"], ["SORT", "bad", "ALPHA"],
                     ["SORT", "bad", "BY", "nosort"], ["SORT", "bad", "BY", "nokey_*"], ["SORT", "bad", "STORE", "d"],
                     ["EXISTS", "d"], ["RPUSH", "e", "", ""], ["SORT", "e"], ["RPUSH", "sp", "7 "], ["SORT", "sp"],
                     ["RPUSH", "nan", "nan"], ["SORT", "nan"], ["RPUSH", "nan2", "1", "-nan"], ["SORT", "nan2"],
                     ["SET", "w_1", "abc"], ["RPUSH", "l1", "1", "2"], ["SORT", "l1", "BY", "w_*"],
                     ["SORT", "l1", "BY", "w_*", "ALPHA"], ["RPUSH", "big", "1e400"], ["SORT", "big"],
                     ["RPUSH", "tiny", "1e-400"], ["SORT", "tiny"], ["SORT", "tiny", "ALPHA"]],
    "limit": [["RPUSH", "l", "5", "4", "3", "2", "1"], ["SORT", "l", "LIMIT", "1", "2"], ["SORT", "l", "LIMIT", "-3", "2"],
              ["SORT", "l", "LIMIT", "3", "-1"], ["SORT", "l", "LIMIT", "0", "0"], ["SORT", "l", "LIMIT", "5", "1"],
              ["SORT", "l", "LIMIT", "4", "100"], ["SORT", "l", "LIMIT", "1", "2", "LIMIT", "0", "1"],
              ["SORT", "l", "limit", "x", "1"], ["SORT", "l", "LIMIT", "1", "y"], ["SORT", "l", "LIMIT", "1"],
              ["SORT", "l", "LIMIT", "9223372036854775807", "9223372036854775807"],
              ["SORT", "l", "LIMIT", "-9223372036854775808", "-9223372036854775808"],
              ["SORT", "l", "LIMIT", "1", "9223372036854775808"], ["SORT", "l", "DESC", "LIMIT", "1", "2"],
              ["SORT", "nokey", "LIMIT", "0", "10"], ["SORT", "nokey", "LIMIT", "-1", "-1"]],
    "nosort_list": [["RPUSH", "l", "c", "a", "b", "d"], ["SORT", "l", "BY", "nosort"], ["SORT", "l", "BY", "nosort", "DESC"],
                    ["SORT", "l", "BY", "nosort", "LIMIT", "1", "2"], ["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"],
                    ["SORT", "l", "BY", "nosort", "LIMIT", "3", "10"], ["SORT", "l", "BY", "nosort", "LIMIT", "4", "1"],
                    ["SORT", "l", "BY", "nosort", "LIMIT", "0", "0"], ["SORT", "l", "BY", "nosort", "BY", "w_*"],
                    ["SORT", "l", "BY", "w_*", "BY", "nosort"], ["SORT", "l", "BY", "nosort", "ALPHA"],
                    ["SORT", "l", "BY", "nosort", "STORE", "d"], ["LRANGE", "d", "0", "-1"],
                    ["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2", "STORE", "d"], ["LRANGE", "d", "0", "-1"],
                    ["SORT", "l", "BY", "#"], ["SORT", "l", "BY", ""], ["SORT_RO", "l", "BY", "nosort", "DESC"]],
    "nosort_zset": [["ZADD", "z", "3", "c", "1", "a", "2", "b", "0", "d", "2", "a2"], ["OBJECT", "ENCODING", "z"],
                    ["SORT", "z", "BY", "nosort"], ["OBJECT", "ENCODING", "z"], ["SORT", "z", "BY", "nosort", "DESC"],
                    ["SORT", "z", "BY", "nosort", "LIMIT", "1", "2"], ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"],
                    ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "20"], ["SORT", "z", "BY", "nosort", "LIMIT", "9", "1"],
                    ["SORT", "z", "BY", "nosort", "LIMIT", "-2", "2"], ["SORT", "z", "ALPHA"], ["SORT", "z", "ALPHA", "DESC"],
                    ["SORT", "z"], ["SORT", "z", "BY", "nosort", "GET", "#", "GET", "x_*"],
                    ["SORT", "z", "BY", "nosort", "STORE", "d"], ["LRANGE", "d", "0", "-1"],
                    ["ZADD", "z2", "1", "m"], ["SORT_RO", "z2", "LIMIT", "x", "y"], ["OBJECT", "ENCODING", "z2"],
                    ["SORT_RO", "z2", "BY", "nosort"], ["OBJECT", "ENCODING", "z2"], ["ZADD", "z3", "1", "x"],
                    ["SORT", "z3"], ["OBJECT", "ENCODING", "z3"], ["ZADD", "z3", "2", "y"], ["ZRANGE", "z3", "0", "-1"]],
    "zset_numeric": [["ZADD", "z", "1", "30", "2", "10", "3", "20", "4", "-1"], ["SORT", "z"], ["SORT", "z", "DESC"],
                     ["SORT", "z", "LIMIT", "1", "2"], ["MSET", "w_30", "1", "w_10", "3", "w_20", "2"],
                     ["SORT", "z", "BY", "w_*"], ["SORT", "z", "BY", "w_*", "DESC", "GET", "#", "GET", "w_*"]],
    "sets": [["SADD", "s", "5", "3", "9", "1", "-7"], ["SORT", "s"], ["SORT", "s", "BY", "nosort"],
             ["SORT", "s", "DESC", "LIMIT", "1", "2"], ["SORT", "s", "ALPHA"], ["SORT", "s", "BY", "nosort", "DESC"],
             ["SORT", "s", "BY", "nosort", "STORE", "d"], ["LRANGE", "d", "0", "-1"],
             ["SADD", "h", "b", "c", "a", "10", "2"], S(["SORT", "h", "BY", "nosort"], U), ["SORT", "h", "ALPHA"],
             ["SORT", "h", "ALPHA", "DESC", "LIMIT", "0", "3"], ["SORT", "h"],
             ["SORT", "h", "BY", "nosort", "STORE", "d"], ["LRANGE", "d", "0", "-1"],
             ["SORT", "h", "BY", "nosort", "DESC", "STORE", "d"], ["LRANGE", "d", "0", "-1"],
             ["SORT", "h", "BY", "nosort", "LIMIT", "1", "2", "STORE", "d"], ["LRANGE", "d", "0", "-1"],
             ["SADD", "big", *[str(i * 7 % 1000) for i in range(600)]], ["OBJECT", "ENCODING", "big"],
             ["SORT", "big", "LIMIT", "100", "5"], ["SORT", "big", "DESC", "LIMIT", "0", "5"]],
    "by_get": [["RPUSH", "l", "3", "1", "2"], ["MSET", "w_1", "30", "w_2", "10", "w_3", "20"],
               ["SORT", "l", "BY", "w_*"], ["SORT", "l", "BY", "w_*", "DESC", "LIMIT", "0", "1"],
               ["SORT", "l", "BY", "w_*", "GET", "#", "GET", "w_*", "GET", "nostar", "GET", "o_*"],
               ["SORT", "l", "GET", "#"], ["SORT", "l", "GET", "#", "GET", "#"], ["SORT", "l", "GET", "w_*", "LIMIT", "1", "1"],
               ["HSET", "h_1", "f", "9", "->", "arrow", "g", "x1"], ["HSET", "h_2", "f", "5"], ["HSET", "h_3", "f", "7", "g", "x3"],
               ["SORT", "l", "BY", "h_*->f"], ["SORT", "l", "BY", "h_*->f", "GET", "h_*->f", "GET", "h_*->g", "GET", "h_*->nofield"],
               ["SORT", "l", "BY", "h_*->f", "DESC", "GET", "h_*->g"], ["SET", "h_1->", "plain"],
               ["SORT", "l", "BY", "nosort", "GET", "h_*->", "GET", "h_*", "GET", "w_*->f"],
               ["SORT", "l", "BY", "h_*->->", "GET", "h_*->->"], ["SORT", "l", "BY", "nosort", "GET", "h_*->-"],
               ["SET", "pre3post", "A"], ["SET", "pre1post", "C"], ["SET", "pre2post", "B"],
               ["SORT", "l", "BY", "pre*post", "ALPHA"], ["SORT", "l", "BY", "pre*post", "ALPHA", "DESC", "GET", "pre*post"],
               ["SORT", "l", "BY", "w_*", "GET", "#*", "GET", "*"], ["SET", "3", "three"], ["SORT", "l", "GET", "*"],
               ["SORT", "l", "GET", "**"], ["SORT", "l", "GET", "w_*", "GET", "w_*"],
               ["RPUSH", "nl", "x"], ["SORT", "l", "BY", "w_*", "GET", "nl"], ["SORT", "l", "GET", "n*"],
               ["SADD", "st", "1"], ["SORT", "l", "GET", "s*"], ["SORT", "l", "GET", "*->f"]],
    "by_alpha_ties": [["RPUSH", "a", "x", "y", "z", "q"], ["MSET", "k_x", "b", "k_y", "a", "k_q", "a"],
                      ["SORT", "a", "BY", "k_*", "ALPHA"], ["SORT", "a", "BY", "k_*", "ALPHA", "DESC"],
                      ["SORT", "a", "BY", "k_*", "ALPHA", "STORE", "d"], ["LRANGE", "d", "0", "-1"],
                      ["SORT", "a", "BY", "nokey_*", "ALPHA"], ["SORT", "a", "BY", "nokey_*"],
                      ["SORT", "a", "BY", "nokey_*", "DESC"], ["SORT", "a", "BY", "nokey_*", "LIMIT", "1", "2"]],
    "collation": [["RPUSH", "a", b"\xff", "b", "B", b"a\x00z", b"a\x00b", "a", "", b"\xc3\xa9", "Z"],
                  ["SORT", "a", "ALPHA"], ["SORT", "a", "ALPHA", "DESC"], ["SORT", "a", "ALPHA", "STORE", "d"],
                  ["LRANGE", "d", "0", "-1"], ["SORT", "a", "ALPHA", "DESC", "STORE", "d"], ["LRANGE", "d", "0", "-1"],
                  ["RPUSH", "k", "1", "2", "3"], ["MSET", "c_1", b"a\x00z", "c_2", b"a\x00b", "c_3", "B"],
                  ["SORT", "k", "BY", "c_*", "ALPHA"], ["SORT", "k", "BY", "c_*", "ALPHA", "STORE", "d"],
                  ["LRANGE", "d", "0", "-1"]],
    "store": [["RPUSH", "l", "3", "1", "2"], ["SET", "dst", "v", "EX", "100"], ["SORT", "l", "STORE", "dst"],
              ["TYPE", "dst"], ["TTL", "dst"], ["LRANGE", "dst", "0", "-1"], ["OBJECT", "ENCODING", "dst"],
              ["SET", "w_1", "one"], ["SORT", "l", "GET", "#", "GET", "w_*", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
              ["SORT", "l", "LIMIT", "0", "0", "STORE", "dst"], ["EXISTS", "dst"], ["SORT", "nokey", "STORE", "l2"],
              ["SET", "l3", "x"], ["SORT", "nokey", "store", "l3"], ["EXISTS", "l3"],
              ["SORT", "l", "DESC", "STORE", "l"], ["LRANGE", "l", "0", "-1"], ["SORT", "l", "STORE", "a", "STORE", "b"],
              ["EXISTS", "a"], ["EXISTS", "b"], ["HSET", "hh", "f", "v"], ["SORT", "l", "STORE", "hh"], ["TYPE", "hh"],
              ["SORT", "l", "STORE", "x", "GET", "nothing"], ["LRANGE", "x", "0", "-1"],
              ["SORT", "l", "ALPHA", "LIMIT", "1", "1", "STORE", "y"], ["LRANGE", "y", "0", "-1"],
              ["SORT_RO", "l", "STORE", "z"], ["EXISTS", "z"]],
    "errors_wrongtype": [["SET", "str", "x"], ["SORT", "str"], ["SORT_RO", "str"], ["HSET", "hash", "a", "1"],
                         ["SORT", "hash"], ["SORT", "str", "foo"], ["SORT", "str", "LIMIT", "1", "x"],
                         ["SORT_RO", "str", "STORE", "d"], ["SORT", "l", "BY"], ["SORT", "l", "GET"], ["SORT", "l", "STORE"],
                         ["SORT", "l", "LIMIT"], ["SORT", "l", "ASC", "BY"], ["SORT"], ["SORT_RO"], ["sort_ro", "nokey"],
                         ["SORT", "nokey"], ["SORT", "nokey", "GET", "#"], ["SORT", "nokey", "BY", "w_*", "ALPHA"],
                         ["SORT", "str", "STORE", "d"], ["EXISTS", "d"], ["SORT", "str", "BY", "nosort"]],
    "stats_and_expiry": [["RPUSH", "l", "2", "1"], ["SET", "v_1", "5"], ["SET", "v_2", "8", "PX", "1"],
                         Probe("wait", lambda c: __import__("time").sleep(0.02)), ["CONFIG", "RESETSTAT"],
                         ["SORT", "l", "BY", "v_*", "GET", "v_*", "GET", "#", "GET", "nostar"], stats_probe(),
                         ["SORT", "nokey", "BY", "v_*"], ["SORT", "l", "BY", "nosort", "GET", "#"], stats_probe(),
                         ["SORT", "l", "BY", "v_*", "STORE", "d"], stats_probe(), ["EXISTS", "v_2"]],
    "resp3": [HELLO3, ["RPUSH", "l", "2", "1"], ["SET", "v_1", "x"], ["SORT", "l"], ["SORT", "l", "GET", "v_*"],
              ["SORT", "l", "GET", "v_*", "GET", "#"], ["SORT", "nokey"], ["SORT", "l", "STORE", "d"],
              ["SORT_RO", "l", "DESC"], ["SORT", "str"], ["SET", "str", "s"], ["SORT", "str"], HELLO2],
    "command_meta": [["COMMAND", "INFO", "sort", "sort_ro"], ["COMMAND", "DOCS", "sort"], ["COMMAND", "DOCS", "sort_ro"],
                     ["COMMAND", "GETKEYS", "SORT", "a", "STORE", "b", "BY", "x", "GET", "y"],
                     ["COMMAND", "GETKEYS", "SORT", "a", "LIMIT", "STORE", "1", "STORE", "c"],
                     ["COMMAND", "GETKEYS", "SORT", "a", "STORE"], ["COMMAND", "GETKEYS", "SORT", "a", "GET", "STORE", "x"],
                     ["COMMAND", "GETKEYS", "SORT_RO", "a", "STORE", "b"], ["COMMAND", "GETKEYS", "SORT", "a"]],
}


def random_case(seed):
    """A seeded mix: lists of numbers, weights in strings and hashes (all present and distinct
    where ALPHA BY meets LIMIT), random options, sometimes STORE followed by LRANGE."""
    rnd = random.Random(seed)
    steps = []
    vals = rnd.sample(range(-50, 200), 40)
    elems = [str(v) if rnd.random() < 0.7 else f"{v}.{rnd.randint(0, 9)}" for v in vals]
    steps.append(["RPUSH", "l", *elems])
    steps.append(["SADD", "s", *elems[:20]])
    weights = rnd.sample(range(1000), len(elems))
    mset = ["MSET"]
    for e, w in zip(elems, weights):
        mset += [f"w_{e}", str(w)]
        steps.append(["HSET", f"h_{e}", "f", str(weights[-1 - elems.index(e)]), "g", f"g{e}"])
    steps.append(mset)
    for i in range(30):
        key = rnd.choice(["l", "l", "s"])
        argv = ["SORT", key]
        alpha = rnd.random() < 0.3
        by = rnd.choice([None, None, "w_*", "h_*->f", "nosort"])
        if by:
            argv += ["BY", by]
        store = rnd.random() < 0.25
        unordered_set = key == "s" and by == "nosort" and not store
        if rnd.random() < 0.5 and not unordered_set:  # a LIMIT would pick hash-order subsets
            argv += ["LIMIT", str(rnd.randint(-2, 45)), str(rnd.randint(-2, 15))]
        for _ in range(rnd.randint(0, 2)):
            argv += ["GET", rnd.choice(["#", "w_*", "h_*->g", "h_*->f", "none_*"])]
        if rnd.random() < 0.4:
            argv.append(rnd.choice(["ASC", "DESC"]))
        if alpha:
            argv.append("ALPHA")
        if store:
            argv += ["STORE", "dst"]
        step = S(argv, U) if unordered_set else argv
        steps.append(step)
        if store:
            steps.append(["LRANGE", "dst", "0", "-1"])
    return steps


for _seed in (1, 2, 3):
    CASES[f"random_mix_{_seed}"] = random_case(_seed)


@pytest.mark.parametrize("steps", list(CASES.values()), ids=list(CASES.keys()))
def test_sort(diff, steps, request):
    diff.run(steps, request.node.callspec.id)
