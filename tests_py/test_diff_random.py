"""Randomized differential test against a real redis-server: a seeded stream of commands over
strings, lists, hashes, sets, sorted sets, bitmaps, HyperLogLogs, geo, scripts and keys (MOVE,
COPY ... DB, SWAPDB), on four keys so that types collide, run on both servers. After each command it compares the reply, the keyspace
events it caused (notify-keyspace-events KEA) and, for each key, whether a client that WATCHed
it can still EXEC: Redis signals a key exactly when a command changes it."""

from __future__ import annotations

import random

import pytest
import redis

from diffutil import server_pair  # noqa: F401 (fixture)

pytestmark = pytest.mark.differential

KEYS = ["a", "b", "c", "{t}x"]
VALUES = ["1", "-2", "3.5", "x", "", "10", "abc", "0", "9223372036854775807", "-inf", "+inf",
          "1e3", "  1"]
INTS = ["0", "1", "-1", "2", "-2", "3", "5", "100", "-100"]
SCORES = ["0", "1", "-1", "1.5", "inf", "-inf", "(1", "(2", "+inf", "nan", "x"]
LEX = ["-", "+", "[a", "(b", "[x", "a"]
# Commands whose reply order is a hash table's: compared as sorted lists.
UNORDERED = {"SMEMBERS", "SINTER", "SDIFF", "SUNION", "HGETALL", "HKEYS", "HVALS"}


def command_maker(rng: random.Random):
    def k():
        return rng.choice(KEYS)

    def v():
        return rng.choice(VALUES)

    def i():
        return rng.choice(INTS)

    def f():
        return rng.choice(SCORES)

    def lex():
        return rng.choice(LEX)

    def side():
        return rng.choice(["LEFT", "RIGHT"])

    makers = [
        lambda: ["SET", k(), v()], lambda: ["GET", k()], lambda: ["APPEND", k(), v()],
        lambda: ["INCR", k()], lambda: ["INCRBYFLOAT", k(), v()], lambda: ["DECRBY", k(), i()],
        lambda: ["GETRANGE", k(), i(), i()], lambda: ["SETRANGE", k(), str(rng.randint(0, 5)), v()],
        lambda: ["STRLEN", k()], lambda: ["GETDEL", k()], lambda: ["GETEX", k(), "PX", "100000"],
        lambda: ["GETEX", k()], lambda: ["SETNX", k(), v()], lambda: ["GETSET", k(), v()],
        lambda: ["SET", k(), v(), rng.choice(["NX", "XX"]), "GET"],
        lambda: ["MSETNX", k(), v(), k(), v()], lambda: ["LCS", k(), k()],
        lambda: ["LPUSH", k(), v(), v()], lambda: ["RPUSH", k(), v()], lambda: ["LPOP", k()],
        lambda: ["RPOP", k(), i()], lambda: ["LRANGE", k(), i(), i()],
        lambda: ["LINSERT", k(), rng.choice(["BEFORE", "AFTER"]), v(), v()],
        lambda: ["LREM", k(), i(), v()], lambda: ["LSET", k(), i(), v()],
        lambda: ["LTRIM", k(), i(), i()], lambda: ["LPOS", k(), v(), "RANK", i()],
        lambda: ["LMOVE", k(), k(), side(), side()], lambda: ["LINDEX", k(), i()],
        lambda: ["LMPOP", "2", k(), k(), "LEFT", "COUNT", str(rng.randint(1, 3))],
        lambda: ["HSET", k(), v(), v()], lambda: ["HGET", k(), v()], lambda: ["HDEL", k(), v()],
        lambda: ["HINCRBY", k(), v(), i()], lambda: ["HINCRBYFLOAT", k(), v(), v()],
        lambda: ["HGETALL", k()], lambda: ["HSTRLEN", k(), v()], lambda: ["HSETNX", k(), v(), v()],
        lambda: ["HMGET", k(), v(), v()], lambda: ["HRANDFIELD", k(), "0"],
        lambda: ["SADD", k(), v(), v()], lambda: ["SREM", k(), v()], lambda: ["SMEMBERS", k()],
        lambda: ["SINTER", k(), k()], lambda: ["SUNIONSTORE", k(), k(), k()],
        lambda: ["SDIFF", k(), k()], lambda: ["SMOVE", k(), k(), v()],
        lambda: ["SINTERCARD", "2", k(), k(), "LIMIT", str(rng.randint(0, 3))],
        lambda: ["SMISMEMBER", k(), v(), v()], lambda: ["SCARD", k()],
        lambda: ["SINTERSTORE", k(), k(), k()], lambda: ["SRANDMEMBER", k(), "0"],
        lambda: ["ZADD", k(), f(), v()],
        lambda: ["ZADD", k(), rng.choice(["NX", "XX", "GT", "LT", "CH", "INCR"]), f(), v()],
        lambda: ["ZRANGE", k(), i(), i(), "WITHSCORES"],
        lambda: ["ZRANGE", k(), f(), f(), "BYSCORE", "LIMIT", i(), i()],
        lambda: ["ZRANGE", k(), lex(), lex(), "BYLEX"], lambda: ["ZRANGEBYSCORE", k(), f(), f()],
        lambda: ["ZREVRANGEBYLEX", k(), lex(), lex()], lambda: ["ZINCRBY", k(), f(), v()],
        lambda: ["ZREM", k(), v()], lambda: ["ZSCORE", k(), v()], lambda: ["ZRANK", k(), v()],
        lambda: ["ZREVRANK", k(), v()], lambda: ["ZCOUNT", k(), f(), f()],
        lambda: ["ZLEXCOUNT", k(), lex(), lex()], lambda: ["ZPOPMIN", k(), i()],
        lambda: ["ZUNIONSTORE", k(), "2", k(), k(), "WEIGHTS", f(), f(), "AGGREGATE",
                 rng.choice(["SUM", "MIN", "MAX"])],
        lambda: ["ZINTER", "2", k(), k(), "WITHSCORES"], lambda: ["ZDIFF", "2", k(), k()],
        lambda: ["ZREMRANGEBYSCORE", k(), f(), f()], lambda: ["ZREMRANGEBYRANK", k(), i(), i()],
        lambda: ["ZRANGESTORE", k(), k(), i(), i()], lambda: ["ZMSCORE", k(), v(), v()],
        lambda: ["ZRANDMEMBER", k(), "0"], lambda: ["ZMPOP", "2", k(), k(), "MIN"],
        lambda: ["TYPE", k()], lambda: ["DEL", k()], lambda: ["EXISTS", k(), k()],
        lambda: ["RENAME", k(), k()], lambda: ["COPY", k(), k(), "REPLACE"],
        lambda: ["EXPIRE", k(), i(), rng.choice(["NX", "XX", "GT", "LT"])],
        lambda: ["TTL", k()], lambda: ["PERSIST", k()], lambda: ["OBJECT", "ENCODING", k()],
        lambda: ["SORT", k(), "ALPHA", "LIMIT", i(), i()], lambda: ["SORT", k()],
        lambda: ["SETBIT", k(), str(rng.randint(0, 20)), rng.choice(["0", "1"])],
        lambda: ["BITCOUNT", k(), i(), i(), rng.choice(["BYTE", "BIT"])],
        lambda: ["BITPOS", k(), rng.choice(["0", "1"]), i()],
        lambda: ["BITOP", rng.choice(["AND", "OR", "XOR"]), k(), k(), k()],
        lambda: ["BITFIELD", k(), rng.choice(["SET", "INCRBY"]), "u8", str(rng.randint(0, 16)),
                 i()],
        lambda: ["PFADD", k(), v()], lambda: ["PFCOUNT", k()], lambda: ["PFMERGE", k(), k()],
        lambda: ["MOVE", k(), "1"], lambda: ["COPY", k(), k(), "DB", "1"],
        lambda: ["SWAPDB", "0", "1"], lambda: ["EXPIRE", k(), "0"],
        lambda: ["GEOADD", k(), "13.36", "38.11", v()], lambda: ["GEODIST", k(), v(), v()],
        lambda: ["GEOSEARCHSTORE", k(), k(), "FROMLONLAT", "13.36", "38.11", "BYRADIUS", "10",
                 "km"],
        lambda: ["EVAL", "return redis.call('INCR', KEYS[1])", "1", k()],
        lambda: ["EVAL", "return redis.pcall('LPUSH', KEYS[1], 'x')", "1", k()],
        lambda: ["SORT", k(), "BY", "nosort", "STORE", k()],
    ]
    return lambda: rng.choice(makers)()


def normalize(reply, command: str):
    if isinstance(reply, Exception):
        return ("error", str(reply))
    if isinstance(reply, (list, tuple)):
        out = [normalize(e, "") for e in reply]
        return sorted(out, key=repr) if command in UNORDERED else out
    if isinstance(reply, dict):
        return sorted(((repr(a), normalize(b, "")) for a, b in reply.items()), key=repr)
    if isinstance(reply, set):
        return sorted((normalize(e, "") for e in reply), key=repr)
    return reply


class Side:
    """One server: a client, a keyspace-event subscriber and one WATCHing client per key."""

    def __init__(self, port: int, protocol: int):
        self.client = redis.Redis(port=port, protocol=protocol, single_connection_client=True)
        self.client.flushall()
        self.client.config_set("notify-keyspace-events", "KEA")
        self.events = redis.Redis(port=port).pubsub()
        self.events.psubscribe("__key*@0__:*")
        self.events.subscribe("__mark")
        for _ in range(2):
            self.events.get_message(timeout=5)
        self.watchers = {k: redis.Redis(port=port, single_connection_client=True) for k in KEYS}
        self.arm()

    def arm(self):
        for key, c in self.watchers.items():
            c.execute_command("WATCH", key)

    def run(self, argv):
        try:
            reply = self.client.execute_command(*argv)
        except Exception as e:  # error replies (and redis-py's parse errors of them) compared
            reply = e
        self.client.publish("__mark", "x")
        events = []
        while True:
            m = self.events.get_message(timeout=5)
            if m is None:
                events.append("no marker")
                break
            if m["type"] == "message":
                break
            if m["type"] == "pmessage":
                events.append((m["channel"], m["data"]))
        touched = {}
        for key, c in self.watchers.items():
            c.execute_command("MULTI")
            c.execute_command("PING")
            touched[key] = c.execute_command("EXEC") is None
        self.arm()
        return normalize(reply, argv[0]), events, touched

    def close(self):
        self.client.config_set("notify-keyspace-events", "")
        self.events.close()
        for c in [self.client, *self.watchers.values()]:
            c.close()


@pytest.mark.parametrize("seed,protocol", [(1, 2), (2, 3), (3, 2)])
def test_random_commands(server_pair, seed, protocol):  # noqa: F811
    rng = random.Random(seed)
    make = command_maker(rng)
    sides = [Side(srv.port, protocol) for srv in server_pair.both()]
    diffs = []
    try:
        for step in range(1500):
            argv = make()
            (r_reply, r_events, r_touched), (f_reply, f_events, f_touched) = (
                s.run(argv) for s in sides)
            if r_reply != f_reply:
                diffs.append(f"{step} {argv}: reply redis {r_reply!r} fincache {f_reply!r}")
            if r_events != f_events:
                diffs.append(f"{step} {argv}: events redis {r_events} fincache {f_events}")
            if r_touched != f_touched:
                diffs.append(f"{step} {argv}: WATCH touched redis {r_touched} "
                             f"fincache {f_touched}")
            if len(diffs) >= 5:
                break
    finally:
        for s in sides:
            s.close()
    assert not diffs, "\n".join(diffs)
