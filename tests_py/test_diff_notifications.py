"""Differential tests of keyspace notifications: the same command sequence runs on redis-server and
on fincache-server with `notify-keyspace-events` set, a subscriber on each (PSUBSCRIBE
``__key*``) records every message, and the two recordings must be equal, message for message.
The commands' replies are compared too."""

import time

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    RespConn,
    diff,
    encode_command,
    server_pair,
)

pytestmark = pytest.mark.differential


def _drain(conn: RespConn, idle: float = 0.15) -> list:
    """Every message the subscriber has received (until `idle` s of silence)."""
    data, _ = conn.read_until_close(idle=idle, limit=5)
    out, buf = [], data
    from diffutil import parse_reply

    pos = 0
    while pos < len(buf):
        node, pos = parse_reply(buf, pos)
        out.append([e.value for e in node.value])
    return out


def _record(srv, flags: str, steps, pattern: str = "__key*"):
    with srv.connect() as admin, srv.connect() as sub, srv.connect() as cli:
        assert not admin.call("CONFIG", "SET", "notify-keyspace-events", flags).is_error
        sub.send(encode_command(["PSUBSCRIBE", pattern]))
        sub.read_reply()
        replies = []
        for argv in steps:
            if argv and argv[0] == "SLEEP":
                time.sleep(float(argv[1]))
                continue
            replies.append(cli.call(*argv).raw)
        msgs = _drain(sub)
        admin.call("CONFIG", "SET", "notify-keyspace-events", "")
        return replies, msgs


def run_case(server_pair, flags, steps, pattern="__key*"):
    redis_r, redis_m = _record(server_pair.redis, flags, steps, pattern)
    fc_r, fc_m = _record(server_pair.fincache, flags, steps, pattern)
    real = [argv for argv in steps if not (argv and argv[0] == "SLEEP")]
    for i, (a, b) in enumerate(zip(redis_r, fc_r)):
        if real[i][0] == "SPOP":  # random members: the events are what must agree
            assert (a[:1] == b[:1]) and len(a) == len(b), (real[i], a, b)
            continue
        assert a == b, f"reply of step {i} {real[i]}: redis {a!r} fincache {b!r}"
    assert fc_m == redis_m


STRINGS = [["SET", "s", "v"], ["SET", "s", "v2", "EX", "100"], ["SET", "s", "x", "NX"],
           ["SET", "s", "x", "XX", "GET"], ["SETNX", "s2", "a"], ["SETNX", "s2", "b"],
           ["SETEX", "s3", "100", "v"], ["PSETEX", "s4", "100000", "v"], ["GETSET", "s", "g"],
           ["MSET", "m1", "1", "m2", "2"], ["MSETNX", "m1", "x", "m3", "y"],
           ["MSETNX", "m4", "x", "m5", "y"], ["APPEND", "a", "xy"], ["APPEND", "a", "z"],
           ["SETRANGE", "r", "2", "ab"], ["SETRANGE", "r", "0", ""], ["INCR", "n"],
           ["DECR", "n"], ["INCRBY", "n", "5"], ["DECRBY", "n", "2"], ["INCRBYFLOAT", "f", "1.5"],
           ["INCR", "s"], ["GETDEL", "m1"], ["GETDEL", "nope"], ["GETEX", "m2", "EX", "100"],
           ["GETEX", "m2", "PERSIST"], ["GETEX", "m2", "PERSIST"],
           ["GETEX", "m2", "PXAT", "1"], ["GET", "s"]]

GENERIC = [["SET", "a", "1"], ["SET", "b", "2"], ["DEL", "a", "b", "a", "nope"],
           ["SET", "k", "v"], ["EXPIRE", "k", "100"], ["PEXPIRE", "k", "100000", "NX"],
           ["EXPIREAT", "k", "99999999999"], ["PERSIST", "k"], ["PERSIST", "k"],
           ["EXPIRE", "k", "-1"], ["EXISTS", "k"], ["SET", "k", "v"], ["PEXPIREAT", "k", "1"],
           ["SET", "x", "1"], ["RENAME", "x", "y"], ["RENAME", "y", "y"], ["SET", "z", "1"],
           ["RENAMENX", "y", "z"], ["RENAMENX", "y", "w"], ["COPY", "w", "c"],
           ["COPY", "w", "c", "REPLACE"], ["COPY", "w", "c2", "DB", "3"], ["MOVE", "c", "2"],
           ["MOVE", "nope", "2"], ["UNLINK", "w", "z"], ["SELECT", "2"], ["DEL", "c"],
           ["SELECT", "3"], ["DEL", "c2"], ["SELECT", "0"]]

LISTS = [["LPUSH", "l", "a", "b"], ["RPUSH", "l", "c"], ["LPUSHX", "nope", "x"],
         ["RPUSHX", "l", "d"], ["LSET", "l", "0", "B"], ["LINSERT", "l", "BEFORE", "c", "x"],
         ["LINSERT", "l", "AFTER", "zz", "y"], ["LREM", "l", "0", "x"], ["LREM", "l", "0", "q"],
         ["LPOP", "l"], ["RPOP", "l", "2"], ["LPOP", "l", "0"], ["LTRIM", "l", "0", "-1"],
         ["RPUSH", "l2", "a", "b", "c"], ["LMOVE", "l2", "d", "LEFT", "RIGHT"],
         ["RPOPLPUSH", "l2", "d"], ["LMOVE", "l2", "d", "RIGHT", "LEFT"],
         ["LMOVE", "d", "d", "LEFT", "RIGHT"], ["LMPOP", "2", "nope", "d", "LEFT", "COUNT", "2"],
         ["LMPOP", "1", "d", "RIGHT"], ["RPUSH", "t", "1", "2"], ["LTRIM", "t", "5", "10"],
         ["RPUSH", "u", "1"], ["LREM", "u", "0", "1"], ["RPUSH", "v", "1"], ["RPOP", "v", "3"]]

HASHES = [["HSET", "h", "a", "1", "b", "2"], ["HSET", "h", "a", "1"], ["HMSET", "h", "c", "3"],
          ["HSETNX", "h", "a", "x"], ["HSETNX", "h", "d", "4"], ["HINCRBY", "h", "n", "2"],
          ["HINCRBYFLOAT", "h", "f", "1.5"], ["HDEL", "h", "nope"], ["HDEL", "h", "a", "b"],
          ["HDEL", "h", "c", "d", "n", "f"], ["HINCRBY", "h", "s", "x"]]

SETS = [["SADD", "s", "a", "b", "c"], ["SADD", "s", "a"], ["SREM", "s", "zz"],
        ["SREM", "s", "a"], ["SMOVE", "s", "t", "b"], ["SMOVE", "s", "t", "nope"],
        ["SADD", "t", "c"], ["SMOVE", "s", "t", "c"], ["SADD", "u", "1", "2", "3"],
        ["SPOP", "u"], ["SPOP", "u", "0"], ["SPOP", "u", "1"], ["SPOP", "u", "5"],
        ["SADD", "p", "1"], ["SPOP", "p"], ["SADD", "x", "1", "2"], ["SADD", "y", "2", "3"],
        ["SINTERSTORE", "d", "x", "y"], ["SUNIONSTORE", "d", "x", "y"],
        ["SDIFFSTORE", "d", "x", "y"], ["SINTERSTORE", "d", "x", "nope"],
        ["SINTERSTORE", "d", "x", "nope"], ["SREM", "x", "1", "2"]]

ZSETS = [["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZADD", "z", "1", "a"],
         ["ZADD", "z", "XX", "5", "a"], ["ZADD", "z", "NX", "5", "a"], ["ZINCRBY", "z", "1", "b"],
         ["ZADD", "z", "INCR", "1", "q"], ["ZREM", "z", "nope"], ["ZREM", "z", "q"],
         ["ZREMRANGEBYRANK", "z", "5", "10"], ["ZREMRANGEBYRANK", "z", "0", "0"],
         ["ZREMRANGEBYSCORE", "z", "-inf", "(3"], ["ZADD", "y", "0", "a", "0", "b", "0", "c"],
         ["ZREMRANGEBYLEX", "y", "[a", "[b"], ["ZPOPMIN", "y"], ["ZPOPMAX", "z", "0"],
         ["ZADD", "w", "1", "x", "2", "y"], ["ZPOPMAX", "w", "5"],
         ["ZADD", "s1", "1", "a", "2", "b"], ["ZADD", "s2", "3", "b"],
         ["ZUNIONSTORE", "d", "2", "s1", "s2"], ["ZINTERSTORE", "d", "2", "s1", "s2"],
         ["ZDIFFSTORE", "d", "2", "s1", "s1"], ["ZDIFFSTORE", "d", "2", "s1", "s1"],
         ["ZRANGESTORE", "d2", "s1", "0", "-1"], ["ZRANGESTORE", "d2", "s1", "5", "9"],
         ["ZMPOP", "2", "nope", "s1", "MIN", "COUNT", "5"], ["ZMPOP", "1", "s2", "MAX"]]

OTHERS = [["SETBIT", "b", "7", "1"], ["SETBIT", "b", "7", "1"],
          ["BITFIELD", "bf", "SET", "u8", "0", "255", "GET", "u8", "0"],
          ["BITFIELD", "bf", "GET", "u8", "0"],
          ["BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "10"],
          ["BITOP", "OR", "bo", "b", "bf"], ["BITOP", "AND", "bo", "nope1", "nope2"],
          ["BITOP", "AND", "bo", "nope1", "nope2"], ["PFADD", "h", "a", "b"], ["PFADD", "h", "a"],
          ["PFADD", "h2", "c"], ["PFMERGE", "h3", "h", "h2"],
          ["RPUSH", "src", "3", "1", "2"], ["SORT", "src", "STORE", "dst"],
          ["SORT", "nope", "STORE", "dst"], ["SORT", "nope", "STORE", "dst"],
          ["GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669",
           "Catania"],
          ["GEOADD", "g", "13.361389", "38.115556", "Palermo"],
          ["GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"],
          ["GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"],
          ["GEORADIUS", "g", "15", "37", "200", "km", "STORE", "gr"],
          ["SET", "r", "v"], ["DUMP", "r"]]

BLOCKING = [["RPUSH", "l", "a", "b"], ["BLPOP", "l", "0"], ["BRPOP", "l", "0"],
            ["RPUSH", "l", "x"], ["BLMOVE", "l", "d", "LEFT", "RIGHT", "0"],
            ["BRPOPLPUSH", "d", "d", "0"], ["BLMPOP", "0", "1", "d", "LEFT", "COUNT", "3"],
            ["ZADD", "z", "1", "a", "2", "b"], ["BZPOPMIN", "z", "0"], ["BZPOPMAX", "z", "0"],
            ["ZADD", "z", "1", "a"], ["BZMPOP", "0", "1", "z", "MIN"]]

KEYMISS = [["GET", "nope"], ["HGET", "nope", "f"], ["LRANGE", "nope", "0", "-1"],
           ["SMEMBERS", "nope"], ["ZSCORE", "nope", "m"], ["SET", "k", "v"], ["GET", "k"]]

EXPIRY = [["SET", "e1", "v", "PX", "50"], ["SET", "e2", "v", "PX", "50"], ["SLEEP", "0.2"],
          ["GET", "e1"], ["EXISTS", "e2"]]

CASES = {
    "strings_KEA": ("KEA", STRINGS),
    "generic_KEA": ("KEA", GENERIC),
    "lists_KEA": ("KEA", LISTS),
    "hashes_KEA": ("KEA", HASHES),
    "sets_KEA": ("KEA", SETS),
    "zsets_KEA": ("KEA", ZSETS),
    "bitmaps_hll_sort_geo_KEA": ("KEA", OTHERS),
    "blocking_immediate_KEA": ("KEA", BLOCKING),
    "keymiss": ("KEm", KEYMISS),
    "keyspace_only_strings": ("K$", STRINGS[:12]),
    "keyevent_only_generic": ("Eg", GENERIC),
    "class_filter_lists_only": ("KEl", LISTS[:8] + STRINGS[:3]),
    "new_keys": ("KEn", [["SET", "n1", "v"], ["SET", "n1", "w"], ["LPUSH", "n2", "a"],
                         ["HSET", "n3", "f", "v"], ["SADD", "n4", "m"], ["INCR", "n5"],
                         ["RENAME", "n1", "n6"]]),
    "all_with_new": ("KEAn", [["SET", "a", "1"], ["DEL", "a"]]),
}


@pytest.mark.parametrize("flags,steps", CASES.values(), ids=CASES.keys())
def test_notifications(server_pair, diff, flags, steps):
    run_case(server_pair, flags, steps)


def test_channel_subscription_and_db(server_pair, diff):
    steps = [["SELECT", "5"], ["SET", "k", "v"], ["DEL", "k"], ["SELECT", "0"], ["SET", "k", "v"]]
    run_case(server_pair, "KEA", steps, pattern="__keyspace@5__:*")
    run_case(server_pair, "KEA", steps, pattern="__keyevent@0__:set")


def test_expired_on_access(server_pair, diff):
    # The keys expire on access or by the background cycle, whichever comes first: the same
    # events, in an order that depends on timing.
    redis_r, redis_m = _record(server_pair.redis, "Ex", EXPIRY)
    fc_r, fc_m = _record(server_pair.fincache, "Ex", EXPIRY)
    assert redis_r == fc_r
    assert sorted(map(repr, fc_m)) == sorted(map(repr, redis_m))
    assert len(fc_m) == 2


def test_active_expiry(server_pair, diff):
    steps = [["SET", "x1", "v", "PX", "30"], ["SET", "x2", "v", "PX", "30"], ["SLEEP", "1.2"]]
    redis_r, redis_m = _record(server_pair.redis, "KEx", steps)
    fc_r, fc_m = _record(server_pair.fincache, "KEx", steps)
    assert redis_r == fc_r
    # The background cycle expires both keys without any access; its order is the sampling's.
    assert sorted(map(repr, fc_m)) == sorted(map(repr, redis_m))
    assert len(fc_m) == 4


def test_restore(server_pair, diff):
    def dump(srv):
        with srv.connect() as c:
            c.call("SET", "src", "value")
            return c.call("DUMP", "src").value

    payload = dump(server_pair.redis)  # Redis's own payload, restored on both
    steps = [["RESTORE", "r1", "0", payload], ["RESTORE", "r1", "0", payload, "REPLACE"],
             ["RESTORE", "r1", "1", payload, "REPLACE", "ABSTTL"],
             ["RESTORE", "r2", "100000", payload]]
    run_case(server_pair, "KEA", steps)


def test_notifications_off_by_default(diff):
    diff.run([["CONFIG", "GET", "notify-keyspace-events"]])
