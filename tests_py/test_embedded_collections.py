"""fincache.Cache with the collection types, the way a redis-py user calls them: the same method
calls on ``fincache.Cache`` and on ``redis.Redis`` talking to a real redis-server 7.0 must return
equal values of equal Python types (or raise the same exception class with the same message), in
RESP2 and RESP3, with and without decode_responses. test_embedded.py does the same for strings
and keyspace commands.

Return shapes checked here include: ZADD with NX/XX/CH/INCR/GT/LT (int, float or None), ZRANGE
... WITHSCORES as (member, score) tuples (lists in RESP3, as redis-py gives them), HGETALL as a
dict, SMEMBERS/SINTER/... as a set, SMISMEMBER as bools, and the HSCAN/ZSCAN/SSCAN iterators.
Random commands run on one-element collections, where their reply is determined.
"""

from __future__ import annotations

import warnings
from typing import Any, Tuple

import pytest
import redis
import redis.exceptions as rex

import fincache
from diffutil import ServerProc, redis_server_binary


@pytest.fixture(scope="module")
def redis_proc():
    proc = ServerProc("redis", redis_server_binary())
    proc.start()
    yield proc
    proc.cleanup()


Call = Tuple[str, tuple, dict]


def call(method: str, *args: Any, **kwargs: Any) -> Call:
    return (method, args, kwargs)


ITERATORS = ("scan_iter", "hscan_iter", "zscan_iter", "sscan_iter")


def outcome(client: Any, c: Call) -> Any:
    method, args, kwargs = c
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            result = getattr(client, method)(*args, **kwargs)
        if method in ITERATORS:
            items = list(result)
            # Iteration order is each engine's own; the items and their types must agree.
            result = (sorted(items, key=repr), [type(i).__name__ for i in items[:1]])
        return ("ok", result, _types(result))
    except rex.RedisError as e:
        return ("err", type(e).__name__, str(e))


def _types(v: Any) -> Any:
    """The Python type structure of a reply (1 == 1.0 == True in Python: compare types too)."""
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, [_types(x) for x in v])
    if isinstance(v, dict):
        return ("dict", sorted((repr(k), _types(x)) for k, x in v.items()))
    if isinstance(v, set):
        return ("set", sorted(type(x).__name__ for x in v))
    return type(v).__name__


ZSET_CASES = {
    "zadd_flags": [
        call("zadd", "z", {"a": 1, "b": 2}), call("zadd", "z", {"a": 5, "c": 3}, nx=True),
        call("zadd", "z", {"a": 5, "d": 1}, xx=True), call("zadd", "z", {"a": 6}, xx=True, ch=True),
        call("zadd", "z", {"a": 6, "b": 3}, ch=True), call("zadd", "z", {"a": 1.5}, incr=True),
        call("zadd", "z", {"a": 1}, nx=True, incr=True), call("zadd", "z", {"zz": 1}, xx=True, incr=True),
        call("zadd", "z", {"a": 1, "b": 10}, gt=True, ch=True),
        call("zadd", "z", {"a": 1, "new": 4}, lt=True, ch=True),
        call("zadd", "z", {"a": 100}, gt=True, incr=True), call("zadd", "z", {"a": -100}, gt=True, incr=True),
        call("zadd", "z", {"a": 1}, gt=True, lt=True), call("zadd", "z", {"a": 1}, nx=True, xx=True),
        call("zadd", "z", {"a": 1}, nx=True, gt=True), call("zadd", "z", {"a": 1, "b": 2}, incr=True),
        call("zadd", "z", {"a": "x"}), call("zadd", "z", {}), call("zrange", "z", 0, -1, withscores=True),
    ],
    "zrange_shapes": [
        call("zadd", "z", {"a": 1, "b": 2.5, "c": 3, "d": -1e20, "e": float("inf")}),
        call("zrange", "z", 0, -1), call("zrange", "z", 0, -1, withscores=True),
        call("zrange", "z", 0, 1, desc=True, withscores=True),
        call("zrange", "z", 0, -1, withscores=True, score_cast_func=str),
        call("zrange", "z", 1, 3, byscore=True, withscores=True),
        call("zrange", "z", "+inf", "-inf", byscore=True, desc=True, offset=1, num=2, withscores=True),
        call("zrangebyscore", "z", "-inf", "+inf", withscores=True),
        call("zrangebyscore", "z", 0, 10, start=1, num=1, withscores=True),
        call("zrevrangebyscore", "z", 10, 0, withscores=True), call("zrevrange", "z", 0, 1, withscores=True),
        call("zadd", "lex", {"a": 0, "b": 0, "c": 0, "d": 0}), call("zrange", "lex", "[a", "(c", bylex=True),
        call("zrangebylex", "lex", "-", "+"), call("zrevrangebylex", "lex", "+", "[b"),
        call("zrange", "lex", "+", "-", bylex=True, desc=True, offset=1, num=2),
        call("zrangestore", "dst", "z", 0, 1), call("zrange", "dst", 0, -1, withscores=True),
        call("zrange", "nokey", 0, -1, withscores=True), call("zrange", "z", 0, -1, bylex=True, withscores=True),
    ],
    "zset_reads": [
        call("zadd", "z", {"a": 1, "b": 2, "c": 3}), call("zscore", "z", "b"), call("zscore", "z", "x"),
        call("zmscore", "z", ["a", "x", "c"]), call("zincrby", "z", 2.5, "a"), call("zrank", "z", "a"),
        call("zrevrank", "z", "a"), call("zrank", "z", "x"), call("zcard", "z"), call("zcount", "z", 2, "+inf"),
        call("zlexcount", "z", "-", "+"), call("zcard", "nokey"), call("zscore", "nokey", "a"),
        call("zmscore", "nokey", ["a"]), call("zincrby", "z", "x", "a"),
    ],
    "zset_pops_removes": [
        call("zadd", "z", {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}), call("zpopmin", "z"),
        call("zpopmax", "z", 2), call("zpopmin", "z", 0), call("zpopmin", "nokey"), call("zpopmax", "nokey", 3),
        call("zrem", "z", "b", "x"), call("zadd", "z", {"p": 10, "q": 20, "r": 30}),
        call("zremrangebyscore", "z", 15, 25), call("zremrangebyrank", "z", 0, 0),
        call("zremrangebylex", "z", "-", "+"), call("exists", "z"),
        call("zadd", "one", {"m": 1.5}), call("zrandmember", "one"), call("zrandmember", "one", 1),
        call("zrandmember", "one", 1, withscores=True), call("zrandmember", "one", -2, withscores=True),
        call("zrandmember", "nokey"),
    ],
    "zscan": [
        call("zadd", "z", {f"m{i}": i for i in range(300)}), call("zscan_iter", "z"),
        call("zscan_iter", "z", match="m1*", count=7), call("zscan_iter", "z", score_cast_func=int),
        call("zadd", "small", {"a": 1, "b": 2.5}), call("zscan", "small", 0), call("zscan_iter", "nokey"),
    ],
}

HASH_CASES = {
    "hash_basic": [
        call("hset", "h", "f", "v"), call("hset", "h", mapping={"a": 1, "b": 2.5, "c": b"\x00bin"}),
        call("hset", "h", "x", "1", mapping={"y": "2"}), call("hset", "h", items=["i1", "v1", "i2", "v2"]),
        call("hget", "h", "a"), call("hget", "h", "nofield"), call("hgetall", "h"), call("hgetall", "nokey"),
        call("hmget", "h", ["a", "nofield", "b"]), call("hmget", "h", "a", "c"), call("hkeys", "h"),
        call("hvals", "h"), call("hlen", "h"), call("hexists", "h", "a"), call("hexists", "h", "zz"),
        call("hstrlen", "h", "c"), call("hsetnx", "h", "a", "9"), call("hsetnx", "h", "new", "9"),
        call("hdel", "h", "a", "zz"), call("hincrby", "h", "n", 5), call("hincrby", "h", "n", -7),
        call("hincrbyfloat", "h", "fl", 1.25), call("hincrbyfloat", "h", "fl", "2.5e2"),
        call("hincrby", "h", "f", 1), call("hincrbyfloat", "h", "f", 1), call("hset", "h"),
    ],
    "hash_random_scan": [
        call("hset", "one", "k", "v"), call("hrandfield", "one"), call("hrandfield", "one", 1),
        call("hrandfield", "one", 2, withvalues=True), call("hrandfield", "one", -2, withvalues=True),
        call("hrandfield", "nokey"), call("hrandfield", "nokey", 2),
        call("hset", "big", mapping={f"f{i}": i for i in range(300)}), call("hscan_iter", "big"),
        call("hscan_iter", "big", match="f2*", count=5), call("hscan_iter", "big", no_values=True),
        call("hscan", "one", 0), call("hscan_iter", "nokey"), call("hgetall", "one"),
    ],
}

SET_CASES = {
    "set_basic": [
        call("sadd", "s", "a", "b", "c"), call("sadd", "s", "a", "d"), call("smembers", "s"),
        call("smembers", "nokey"), call("sismember", "s", "a"), call("sismember", "s", "x"),
        call("smismember", "s", ["a", "x", "d"]), call("smismember", "s", "a", "b"), call("scard", "s"),
        call("srem", "s", "a", "x"), call("sadd", "i", 3, 1, 2), call("smembers", "i"),
        call("sadd", "t", "b", "x"), call("sinter", "s", "t"), call("sunion", "s", "t"), call("sdiff", "s", "t"),
        call("sinter", ["s", "nokey"]), call("sinterstore", "d", "s", "t"), call("sunionstore", "d2", ["s", "t"]),
        call("sdiffstore", "d3", "s", "t"), call("smembers", "d2"), call("sintercard", 2, ["s", "t"]),
        call("sintercard", 2, ["s", "t"], limit=1), call("smove", "s", "t", "c"), call("smove", "s", "t", "zz"),
        call("smembers", "t"),
    ],
    "set_random_scan": [
        call("sadd", "one", "m"), call("spop", "one", 0), call("srandmember", "one"),
        call("srandmember", "one", 3), call("srandmember", "one", -2), call("spop", "one", 5),
        call("spop", "one"), call("spop", "nokey"), call("srandmember", "nokey", 2),
        call("sadd", "big", *[f"m{i}" for i in range(300)]), call("sscan_iter", "big"),
        call("sscan_iter", "big", match="m2*", count=4), call("sadd", "ints", *range(10)),
        call("sscan_iter", "ints"), call("sscan", "ints", 0), call("sscan_iter", "nokey"),
    ],
}

LIST_CASES = {
    "list_basic": [
        call("rpush", "l", "a", "b", "c"), call("lpush", "l", "z"), call("lrange", "l", 0, -1),
        call("lindex", "l", 1), call("lindex", "l", 99), call("llen", "l"), call("lpos", "l", "b"),
        call("lpos", "l", "x"), call("rpush", "l", "b"), call("lpos", "l", "b", count=0),
        call("lpos", "l", "b", rank=-1), call("linsert", "l", "before", "b", "new"),
        call("lset", "l", 0, "first"), call("lrem", "l", 0, "b"), call("ltrim", "l", 0, 2),
        call("lrange", "l", 0, -1), call("lpop", "l"), call("lpop", "l", 2), call("rpop", "nokey"),
        call("lpop", "nokey", 2), call("rpush", "src", 1, 2, 3), call("lmove", "src", "dst", "LEFT", "RIGHT"),
        call("rpoplpush", "src", "dst"), call("lrange", "dst", 0, -1), call("lmpop", 2, "nokey", "src", direction="LEFT"),
        call("lmpop", 1, "dst", direction="RIGHT", count=5), call("lmpop", 1, "nokey", direction="LEFT"),
        call("lpushx", "nokey", "a"), call("rpushx", "dst", "a"),
    ],
}

SORT_CASES = {
    "sort": [
        call("rpush", "l", 3, 1, 2), call("mset", {"w_1": 30, "w_2": 10, "w_3": 20}),
        call("hset", "h_1", "name", "one"), call("hset", "h_3", "name", "three"), call("sort", "l"),
        call("sort", "l", desc=True), call("sort", "l", start=1, num=1), call("sort", "l", by="w_*"),
        call("sort", "l", by="w_*", get=["#", "w_*", "h_*->name"]),
        call("sort", "l", by="w_*", get=["#", "h_*->name"], groups=True),
        call("sort", "l", alpha=True, desc=True), call("sort", "l", store="out"), call("lrange", "out", 0, -1),
        call("sort", "l", by="nosort", get="h_*->name"), call("sort_ro", "l", by="w_*", desc=True),
        call("zadd", "z", {"b": 2, "a": 1, "c": 3}), call("sort", "z", by="nosort", desc=True),
        call("set", "str", "x"), call("sort", "str"), call("sort", "l", get="#", groups=True),
        call("sort", "l", start=1), call("rpush", "bad", "x"), call("sort", "bad"),
    ],
}

ALL_CASES = {**ZSET_CASES, **HASH_CASES, **SET_CASES, **LIST_CASES, **SORT_CASES}


@pytest.mark.parametrize("protocol, decode", [(2, False), (2, True), (3, False), (3, True)])
@pytest.mark.parametrize("case", sorted(ALL_CASES))
def test_collections_parity_with_redis_py(redis_proc, case, protocol, decode):
    steps = ALL_CASES[case]
    r = redis.Redis(port=redis_proc.port, protocol=protocol, decode_responses=decode)
    r.flushall()
    f = fincache.Cache(protocol=protocol, decode_responses=decode)
    try:
        for step in steps:
            want = outcome(r, step)
            got = outcome(f, step)
            assert got == want, f"step {step}"
    finally:
        r.close()


def test_return_types_resp2_bytes():
    """The shapes a RESP2 bytes user relies on, spelled out (independent of the parity test)."""
    c = fincache.Cache()
    assert c.zadd("z", {"a": 1, "b": 2}) == 2
    assert c.zadd("z", {"a": 1.5}, incr=True) == 2.5
    assert c.zadd("z", {"a": 1}, nx=True, incr=True) is None
    assert c.zadd("z", {"a": 9, "b": 0}, gt=True, ch=True) == 1
    assert c.zrange("z", 0, -1, withscores=True) == [(b"b", 2.0), (b"a", 9.0)]
    assert all(type(p) is tuple and type(p[1]) is float for p in c.zrange("z", 0, -1, withscores=True))
    assert c.zpopmin("z") == [(b"b", 2.0)]
    c.hset("h", mapping={"f": "v", "n": 1})
    assert c.hgetall("h") == {b"f": b"v", b"n": b"1"}
    assert sorted(c.hscan_iter("h")) == [(b"f", b"v"), (b"n", b"1")]
    c.sadd("s", "x", "y")
    assert c.smembers("s") == {b"x", b"y"}
    assert sorted(c.sscan_iter("s")) == [b"x", b"y"]
    assert c.smismember("s", ["x", "q"]) == [True, False]
    assert list(c.zscan_iter("z")) == [(b"a", 9.0)]
