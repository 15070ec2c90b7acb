"""Differential tests of the list family (non-blocking commands) against a real redis-server."""

import random

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    S,
    diff,
    int_near,
    masked_map,
    server_pair,
)

pytestmark = pytest.mark.differential

BIN = b"a\x00b\r\nc\xff"
HELLO3 = S(["HELLO", "3"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))
TTL = int_near(1)
L5 = ["RPUSH", "l", "a", "b", "c", "b", "a"]
BIG = ["RPUSH", "big"] + [f"e{i}" for i in range(600)]


def _hits(node):
    """keyspace_hits/misses lines of an INFO stats reply."""
    text = node.text().decode()
    return sorted(ln for ln in text.split("\r\n") if ln.startswith(("keyspace_hits:", "keyspace_misses:")))


def same_hits(r, f):
    return None if _hits(r) == _hits(f) else f"{_hits(r)} != {_hits(f)}"


CASES = {
    # ---- push / len / range ----
    "push_basic": [["LPUSH", "l", "a"], ["LPUSH", "l", "b", "c"], ["RPUSH", "l", "x", "y"], ["LLEN", "l"],
                   ["LRANGE", "l", "0", "-1"], ["TYPE", "l"], ["OBJECT", "ENCODING", "l"], ["LLEN", "nope"],
                   ["LRANGE", "nope", "0", "-1"]],
    "pushx": [["LPUSHX", "l", "a"], ["RPUSHX", "l", "a", "b"], ["EXISTS", "l"], ["RPUSH", "l", "x"],
              ["LPUSHX", "l", "p1", "p2"], ["RPUSHX", "l", "t1", "t2"], ["LRANGE", "l", "0", "-1"]],
    "push_binary_and_empty": [["RPUSH", BIN, BIN, "", "z"], ["LRANGE", BIN, "0", "-1"], ["LINDEX", BIN, "1"],
                              ["LPOS", BIN, ""], ["LPOS", BIN, BIN], ["LLEN", BIN]],
    "lrange_indexes": [L5, ["LRANGE", "l", "0", "0"], ["LRANGE", "l", "-2", "-1"], ["LRANGE", "l", "-100", "100"],
                       ["LRANGE", "l", "3", "1"], ["LRANGE", "l", "5", "10"], ["LRANGE", "l", "-1", "-2"],
                       ["LRANGE", "l", "1", "-3"], ["LRANGE", "l", "a", "1"], ["LRANGE", "l", "0", "1.5"],
                       ["LRANGE", "nope", "x", "1"],
                       ["LRANGE", "l", "-9223372036854775808", "9223372036854775807"]],
    # ---- LPOP / RPOP ----
    "pop_basic": [L5, ["LPOP", "l"], ["RPOP", "l"], ["LRANGE", "l", "0", "-1"], ["LPOP", "nope"], ["RPOP", "nope"],
                  ["LPOP", "l"], ["LPOP", "l"], ["LPOP", "l"], ["EXISTS", "l"], ["LPOP", "l"]],
    "pop_count": [L5, ["LPOP", "l", "2"], ["RPOP", "l", "2"], ["LPOP", "l", "0"], ["RPOP", "l", "0"],
                  ["LPOP", "l", "10"], ["EXISTS", "l"], ["LPOP", "l", "1"], ["RPOP", "l", "0"],
                  ["LPOP", "nope", "3"]],
    "pop_count_errors": [L5, ["LPOP", "l", "-1"], ["RPOP", "l", "x"], ["LPOP", "l", "1", "2"],
                         ["LPOP", "nope", "-1"], ["LPOP", "l", "1.0"], ["LPOP", "l", "99999999999999999999"],
                         ["RPOP"], ["LLEN", "l"]],
    # ---- LINDEX / LSET ----
    "lindex": [L5, ["LINDEX", "l", "0"], ["LINDEX", "l", "-1"], ["LINDEX", "l", "4"], ["LINDEX", "l", "5"],
               ["LINDEX", "l", "-6"], ["LINDEX", "l", "x"], ["LINDEX", "nope", "x"], ["LINDEX", "nope", "0"]],
    "lset": [L5, ["LSET", "l", "0", "A"], ["LSET", "l", "-1", "Z"], ["LSET", "l", "5", "q"], ["LSET", "l", "-6", "q"],
             ["LSET", "l", "x", "q"], ["LSET", "nope", "0", "q"], ["LSET", "nope", "x", "q"],
             ["LSET", "l", "2", "x" * 100], ["LRANGE", "l", "0", "-1"], ["EXISTS", "nope"]],
    # ---- LINSERT ----
    "linsert": [L5, ["LINSERT", "l", "BEFORE", "b", "X"], ["LINSERT", "l", "after", "b", "Y"],
                ["LINSERT", "l", "AFTER", "a", "Z"], ["LINSERT", "l", "before", "zz", "Q"],
                ["LINSERT", "l", "middle", "a", "Q"], ["LINSERT", "nope", "BEFORE", "a", "Q"],
                ["LINSERT", "nope", "bad", "a", "Q"], ["LRANGE", "l", "0", "-1"], ["EXISTS", "nope"]],
    # ---- LREM ----
    "lrem": [L5 + ["a", "a"], ["LREM", "l", "1", "a"], ["LRANGE", "l", "0", "-1"], ["LREM", "l", "-1", "a"],
             ["LRANGE", "l", "0", "-1"], ["LREM", "l", "0", "b"], ["LRANGE", "l", "0", "-1"],
             ["LREM", "l", "0", "zz"], ["LREM", "l", "x", "a"], ["LREM", "nope", "0", "a"],
             ["LREM", "nope", "x", "a"], ["LREM", "l", "0", "a"], ["LRANGE", "l", "0", "-1"],
             ["LREM", "l", "-100", "c"], ["EXISTS", "l"]],
    # ---- LTRIM ----
    "ltrim": [L5, ["LTRIM", "l", "1", "-2"], ["LRANGE", "l", "0", "-1"], ["LTRIM", "l", "-100", "100"],
              ["LRANGE", "l", "0", "-1"], ["LTRIM", "l", "1", "1"], ["LRANGE", "l", "0", "-1"],
              ["LTRIM", "l", "5", "10"], ["EXISTS", "l"], ["LTRIM", "nope", "0", "1"], ["LTRIM", "nope", "x", "1"],
              L5, ["LTRIM", "l", "2", "1"], ["EXISTS", "l"], L5, ["LTRIM", "l", "0", "y"]],
    # ---- LPOS ----
    "lpos": [L5, ["LPOS", "l", "a"], ["LPOS", "l", "b"], ["LPOS", "l", "zz"], ["LPOS", "l", "a", "RANK", "2"],
             ["LPOS", "l", "a", "RANK", "-1"], ["LPOS", "l", "a", "RANK", "-2"], ["LPOS", "l", "a", "RANK", "3"],
             ["LPOS", "l", "a", "COUNT", "0"], ["LPOS", "l", "b", "COUNT", "1"], ["LPOS", "l", "zz", "COUNT", "0"],
             ["LPOS", "l", "a", "RANK", "-1", "COUNT", "0"], ["LPOS", "l", "a", "RANK", "2", "COUNT", "5"],
             ["LPOS", "l", "a", "MAXLEN", "1"], ["LPOS", "l", "a", "MAXLEN", "4"],
             ["LPOS", "l", "a", "COUNT", "0", "MAXLEN", "4"], ["LPOS", "l", "a", "RANK", "-1", "MAXLEN", "1"],
             ["LPOS", "l", "b", "RANK", "-1", "MAXLEN", "2"], ["LPOS", "nope", "a"],
             ["LPOS", "nope", "a", "COUNT", "0"], ["lpos", "l", "c", "rank", "1", "count", "1", "maxlen", "0"]],
    "lpos_errors": [L5, ["LPOS", "l", "a", "RANK", "0"], ["LPOS", "l", "a", "RANK", "x"],
                    ["LPOS", "l", "a", "COUNT", "-1"], ["LPOS", "l", "a", "COUNT", "x"],
                    ["LPOS", "l", "a", "MAXLEN", "-1"], ["LPOS", "l", "a", "MAXLEN", "x"], ["LPOS", "l", "a", "COUNT"],
                    ["LPOS", "l", "a", "FOO", "1"], ["LPOS", "l", "a", "RANK", "0", "COUNT", "-1"],
                    ["LPOS", "nope", "a", "RANK", "0"], ["LPOS", "l", "a", "RANK", "-9223372036854775808"],
                    ["LPOS", "l", "a", "RANK", "-9223372036854775808", "COUNT", "1"],
                    ["LPOS", "l", "a", "RANK", "9223372036854775807"],
                    ["LPOS", "l", "a", "RANK", "-9223372036854775807"], ["LPOS", "l", "a", "RANK", "1", "RANK", "2"]],
    # ---- LMOVE / RPOPLPUSH ----
    "lmove": [["RPUSH", "s", "1", "2", "3"], ["LMOVE", "s", "d", "LEFT", "RIGHT"],
              ["LMOVE", "s", "d", "right", "left"], ["LRANGE", "s", "0", "-1"], ["LRANGE", "d", "0", "-1"],
              ["LMOVE", "s", "d", "LEFT", "LEFT"], ["EXISTS", "s"], ["LRANGE", "d", "0", "-1"],
              ["LMOVE", "s", "d", "LEFT", "LEFT"], ["LMOVE", "d", "d", "LEFT", "RIGHT"], ["LRANGE", "d", "0", "-1"],
              ["LMOVE", "d", "d", "RIGHT", "RIGHT"], ["LMOVE", "d", "x", "UP", "LEFT"],
              ["LMOVE", "d", "x", "LEFT", "DOWN"], ["LMOVE", "nope", "x", "UP", "LEFT"]],
    "rpoplpush": [["RPUSH", "s", "1", "2"], ["RPOPLPUSH", "s", "d"], ["RPOPLPUSH", "s", "d"], ["EXISTS", "s"],
                  ["LRANGE", "d", "0", "-1"], ["RPOPLPUSH", "d", "d"], ["LRANGE", "d", "0", "-1"],
                  ["RPOPLPUSH", "nope", "d"], ["RPUSH", "one", "x"], ["RPOPLPUSH", "one", "one"],
                  ["LRANGE", "one", "0", "-1"]],
    "lmove_keeps_ttl": [["RPUSH", "s", "1"], ["EXPIRE", "s", "100"], ["LMOVE", "s", "s", "LEFT", "RIGHT"],
                        S(["TTL", "s"], TTL), ["RPUSH", "d", "x"], ["EXPIRE", "d", "200"], ["RPUSH", "s2", "y"],
                        ["LMOVE", "s2", "d", "LEFT", "LEFT"], S(["TTL", "d"], TTL), ["EXISTS", "s2"]],
    # ---- LMPOP ----
    "lmpop": [["RPUSH", "a", "1", "2", "3"], ["RPUSH", "b", "x"], ["LMPOP", "2", "nope", "a", "LEFT"],
              ["LMPOP", "2", "nope", "a", "RIGHT", "COUNT", "5"], ["EXISTS", "a"],
              ["LMPOP", "3", "nope", "a", "b", "left"], ["LMPOP", "1", "b", "LEFT"], ["LMPOP", "2", "a", "b", "LEFT"],
              ["lmpop", "1", "c", "right", "count", "2"]],
    "lmpop_errors": [["RPUSH", "a", "1"], ["LMPOP", "0", "a", "LEFT"], ["LMPOP", "-1", "a", "LEFT"],
                     ["LMPOP", "x", "a", "LEFT"], ["LMPOP", "3", "a", "LEFT"], ["LMPOP", "2", "a", "LEFT"],
                     ["LMPOP", "1", "a", "MIDDLE"], ["LMPOP", "1", "a", "LEFT", "COUNT", "0"],
                     ["LMPOP", "1", "a", "LEFT", "COUNT", "-1"], ["LMPOP", "1", "a", "LEFT", "COUNT", "x"],
                     ["LMPOP", "1", "a", "LEFT", "COUNT"], ["LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"],
                     ["LMPOP", "1", "a", "LEFT", "FOO"], ["LMPOP", "1", "a", "LEFT", "COUNT", "99999999999999999999"],
                     ["LMPOP", "1", "a"], ["LMPOP", "99999999999999999999", "a", "LEFT"], ["LLEN", "a"]],
    # ---- WRONGTYPE ----
    "wrongtype": [["SET", "s", "v"], ["RPUSH", "l", "x"], ["LPUSH", "s", "a"], ["RPUSHX", "s", "a"], ["LPOP", "s"],
                  ["RPOP", "s", "1"], ["LPOP", "s", "x"], ["LLEN", "s"], ["LRANGE", "s", "0", "-1"],
                  ["LRANGE", "s", "x", "1"], ["LINDEX", "s", "0"], ["LINDEX", "s", "x"], ["LSET", "s", "0", "a"],
                  ["LSET", "s", "x", "a"], ["LINSERT", "s", "BEFORE", "a", "b"], ["LINSERT", "s", "bad", "a", "b"],
                  ["LREM", "s", "0", "a"], ["LTRIM", "s", "0", "1"], ["LPOS", "s", "a"],
                  ["LPOS", "s", "a", "RANK", "0"], ["LMOVE", "s", "l", "LEFT", "LEFT"],
                  ["LMOVE", "l", "s", "LEFT", "LEFT"], ["LRANGE", "l", "0", "-1"], ["RPOPLPUSH", "l", "s"],
                  ["RPOPLPUSH", "nope", "s"], ["LMPOP", "2", "nope", "s", "LEFT"], ["LMPOP", "2", "l", "s", "LEFT"],
                  ["GET", "s"]],
    # ---- RESP3 ----
    "resp3": [HELLO3, L5, ["LPOP", "l"], ["LPOP", "l", "2"], ["LPOP", "l", "0"], ["LPOP", "nope"],
              ["LPOP", "nope", "2"], ["RPOP", "nope", "0"], ["LRANGE", "l", "0", "-1"], ["LINDEX", "l", "9"],
              ["LPOS", "l", "zz"], ["LPOS", "l", "a", "COUNT", "0"], ["LMOVE", "nope", "x", "LEFT", "LEFT"],
              ["LMPOP", "1", "nope", "LEFT"], ["LMPOP", "1", "l", "LEFT", "COUNT", "9"], ["LRANGE", "nope", "0", "-1"]],
    # ---- encodings, sizes, keyspace interplay ----
    "encoding_quicklist": [["RPUSH", "l", "a"], ["OBJECT", "ENCODING", "l"], BIG, ["OBJECT", "ENCODING", "big"],
                           ["LLEN", "big"], ["LINDEX", "big", "300"], ["LRANGE", "big", "595", "1000"],
                           ["LPOS", "big", "e599"], ["LPOS", "big", "e5", "MAXLEN", "5"],
                           ["RPUSH", "long", "x" * 10000], ["OBJECT", "ENCODING", "long"],
                           ["LTRIM", "big", "100", "-100"], ["LLEN", "big"], ["LREM", "big", "0", "e200"],
                           ["LLEN", "big"], ["LINDEX", "big", "0"]],
    "keyspace": [["RPUSH", "l", "a", "b"], ["EXPIRE", "l", "100"], ["RPUSH", "l", "c"], S(["TTL", "l"], TTL),
                 ["COPY", "l", "l2"], ["LPUSH", "l2", "z"], ["LRANGE", "l", "0", "-1"], ["LRANGE", "l2", "0", "-1"],
                 ["RENAME", "l2", "l3"], ["LLEN", "l3"], ["DEL", "l3"], ["TYPE", "l3"], ["SET", "l", "v"],
                 ["TYPE", "l"], ["RPUSH", "e", "x"], ["LPOP", "e"], ["TYPE", "e"], ["DBSIZE"]],
    "stats": [["CONFIG", "RESETSTAT"], ["RPUSH", "l", "a"], ["LLEN", "l"], ["LLEN", "nope"],
              ["LRANGE", "nope", "0", "1"], ["LINDEX", "l", "0"], ["LPOS", "nope", "a"], ["LPOP", "nope"],
              ["LSET", "l", "0", "b"], ["LMPOP", "1", "nope", "LEFT"], ["LMOVE", "l", "m", "LEFT", "LEFT"],
              S(["INFO", "stats"], cmp=same_hits)],
    "arity": [["LPUSH", "l"], ["RPUSH"], ["LPUSHX", "l"], ["RPUSHX", "l"], ["LPOP"], ["LLEN"], ["LLEN", "a", "b"],
              ["LRANGE", "l", "0"], ["LINDEX", "l"], ["LSET", "l", "0"], ["LINSERT", "l", "BEFORE", "a"],
              ["LREM", "l", "0"], ["LTRIM", "l", "0"], ["LPOS", "l"], ["LMOVE", "a", "b", "LEFT"], ["RPOPLPUSH", "a"],
              ["LMPOP", "1", "a"], ["lpush", "l"]],
    "command_getkeys": [["COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT"],
                        ["COMMAND", "GETKEYS", "LMOVE", "a", "b", "LEFT", "LEFT"],
                        ["COMMAND", "GETKEYS", "RPOPLPUSH", "a", "b"], ["COMMAND", "GETKEYS", "LPUSH", "k", "v", "w"],
                        ["COMMAND", "GETKEYS", "LMPOP", "5", "a", "LEFT"],
                        ["COMMAND", "GETKEYSANDFLAGS", "LMOVE", "a", "b", "LEFT", "LEFT"],
                        ["COMMAND", "GETKEYSANDFLAGS", "LMPOP", "2", "a", "b", "LEFT"]],
}

def _random_ops(seed, n=300):
    """A reproducible random mix of list writes and reads over three small keys."""
    rnd = random.Random(seed)
    keys, vals = ["x", "y", "z"], ["a", "b", "c", "dd", ""]
    ops = []
    for _ in range(n):
        k, k2, v = rnd.choice(keys), rnd.choice(keys), rnd.choice(vals)
        i, j = str(rnd.randint(-6, 6)), str(rnd.randint(-6, 6))
        side, side2 = rnd.choice(["LEFT", "RIGHT"]), rnd.choice(["LEFT", "RIGHT"])
        ops.append(rnd.choice([
            ["LPUSH", k, v, v + "1"], ["RPUSH", k, v], ["LPUSHX", k, v], ["RPUSHX", k, v],
            ["LPOP", k], ["RPOP", k, str(rnd.randint(0, 3))], ["LINSERT", k, rnd.choice(["BEFORE", "AFTER"]), v, "n"],
            ["LREM", k, i, v], ["LTRIM", k, i, j], ["LSET", k, i, v], ["LMOVE", k, k2, side, side2],
            ["RPOPLPUSH", k, k2], ["LMPOP", "2", k, k2, side, "COUNT", "2"], ["LRANGE", k, i, j],
            ["LINDEX", k, i], ["LPOS", k, v, "RANK", rnd.choice(["1", "-1", "2"]), "COUNT", "0"],
            ["LLEN", k], ["EXISTS", k]]))
    return ops + [["LRANGE", k, "0", "-1"] for k in keys]


CASES["random_ops_1"] = _random_ops(1)
CASES["random_ops_2"] = _random_ops(2)

COMMANDS = ["lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "lindex", "lset", "linsert",
            "lrem", "ltrim", "lpos", "lmove", "rpoplpush", "lmpop"]
CASES["command_info"] = [["COMMAND", "INFO", c] for c in COMMANDS]
CASES["command_docs"] = [["COMMAND", "DOCS", c] for c in COMMANDS]


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_list(diff, steps, request):
    diff.run(steps, request.node.callspec.id)
