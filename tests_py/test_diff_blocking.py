"""Differential tests of the blocking commands against a real redis-server: the paths that answer
at once (a key holds elements), short timeouts, argument errors, RESP3 shapes, metadata.
Waking by other clients is covered by test_blocking.py."""

import time

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    S,
    diff,
    encode_command,
    masked_map,
    server_pair,
)

pytestmark = pytest.mark.differential

HELLO3 = S(["HELLO", "3"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))
T = "0.01"  # a short timeout: the call parks and times out
L3 = ["RPUSH", "l", "a", "b", "c"]
Z3 = ["ZADD", "z", "1", "a", "2.5", "b", "3", "c"]


def _pipeline(*cmds):
    out = b""
    for c in cmds:
        out += b"*%d\r\n" % len(c) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a.encode()) for a in c)
    return out


CASES = {
    # ---- BLPOP / BRPOP ----
    "bpop_immediate": [L3, ["BLPOP", "l", "0"], ["BRPOP", "l", "0"], ["BLPOP", "nope", "l", "1"],
                       ["EXISTS", "l"], ["RPUSH", "l", "x"], ["BRPOP", "nope", "l", "nope2", "0.5"],
                       ["EXISTS", "l"]],
    "bpop_timeout": [["BLPOP", "nope", T], ["BRPOP", "a", "b", T], ["BLPOP", "nope", "0.0001"],
                     ["EXISTS", "nope"]],
    "bpop_wrongtype": [["SET", "s", "x"], ["BLPOP", "s", "0"], ["BLPOP", "nope", "s", "0"], L3,
                       ["BLPOP", "l", "s", "0"], ["BRPOP", "s", "l", "0"], ["ZADD", "z", "1", "m"],
                       ["BLPOP", "z", T], ["LLEN", "l"]],
    "bpop_timeout_errors": [["BLPOP", "k", "abc"], ["BLPOP", "k", "-1"], ["BLPOP", "k", "-0.5"],
                            ["BLPOP", "k", "inf"], ["BLPOP", "k", "-inf"], ["BLPOP", "k", "nan"],
                            ["BLPOP", "k", "1e20"], ["BLPOP", "k", " 1"], ["BLPOP", "k", "1 "],
                            ["BLPOP", "k", ""], ["BRPOP", "k", "1e5000"], ["BLPOP", "k", "0x"],
                            ["BLPOP", "k"], ["BRPOP"], ["SET", "s", "x"], ["BLPOP", "s", "abc"]],
    "bpop_binary_keys": [["RPUSH", "k\x00\r\n", "v\x00"], ["BLPOP", "k\x00\r\n", "0"]],
    # ---- BLMOVE / BRPOPLPUSH ----
    "blmove_immediate": [L3, ["BLMOVE", "l", "d", "LEFT", "RIGHT", "0"],
                         ["BLMOVE", "l", "d", "right", "left", "0"], ["LRANGE", "d", "0", "-1"],
                         ["BRPOPLPUSH", "l", "d", "0"], ["EXISTS", "l"], ["LRANGE", "d", "0", "-1"],
                         ["BLMOVE", "d", "d", "LEFT", "RIGHT", "0"], ["LRANGE", "d", "0", "-1"]],
    "blmove_timeout": [["BLMOVE", "nope", "d", "LEFT", "LEFT", T], ["BRPOPLPUSH", "nope", "d", T],
                       ["EXISTS", "d"]],
    "blmove_errors": [["BLMOVE", "a", "b", "UP", "LEFT", "0"], ["BLMOVE", "a", "b", "LEFT", "DOWN", "x"],
                      ["BLMOVE", "a", "b", "LEFT", "LEFT", "x"], ["BLMOVE", "a", "b", "LEFT", "LEFT", "-1"],
                      ["BLMOVE", "a", "b", "LEFT", "LEFT"], ["BRPOPLPUSH", "a", "b", "x"],
                      ["BRPOPLPUSH", "a", "b"], ["SET", "s", "x"], ["BLMOVE", "s", "b", "LEFT", "LEFT", "0"],
                      L3, ["BLMOVE", "l", "s", "LEFT", "LEFT", "0"], ["BRPOPLPUSH", "l", "s", "0"],
                      ["LLEN", "l"], ["BRPOPLPUSH", "nope", "s", T]],
    # ---- BLMPOP ----
    "blmpop_immediate": [L3, ["BLMPOP", "0", "1", "l", "LEFT"], ["BLMPOP", "0", "2", "nope", "l", "RIGHT"],
                         ["RPUSH", "l", "d", "e", "f"], ["BLMPOP", "0", "1", "l", "left", "COUNT", "2"],
                         ["BLMPOP", "0", "1", "l", "RIGHT", "count", "10"], ["EXISTS", "l"]],
    "blmpop_timeout": [["BLMPOP", T, "1", "nope", "LEFT"], ["BLMPOP", T, "2", "a", "b", "RIGHT", "COUNT", "3"]],
    "blmpop_errors": [["BLMPOP", "0", "0", "l", "LEFT"], ["BLMPOP", "0", "-1", "l", "LEFT"],
                      ["BLMPOP", "0", "x", "l", "LEFT"], ["BLMPOP", "0", "2", "l", "LEFT"],
                      ["BLMPOP", "0", "1", "l", "UP"], ["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "0"],
                      ["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "x"], ["BLMPOP", "0", "1", "l", "LEFT", "COUNT"],
                      ["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "1", "COUNT", "1"],
                      ["BLMPOP", "0", "1", "l", "LEFT", "foo"], ["BLMPOP", "x", "1", "l", "LEFT"],
                      ["BLMPOP", "-1", "1", "l", "LEFT"], ["BLMPOP", "0", "1", "l"],
                      ["SET", "s", "x"], ["BLMPOP", "0", "1", "s", "LEFT"]],
    # ---- BZPOPMIN / BZPOPMAX ----
    "bzpop_immediate": [Z3, ["BZPOPMIN", "z", "0"], ["BZPOPMAX", "z", "0"], ["BZPOPMIN", "nope", "z", "1"],
                        ["EXISTS", "z"], ["ZADD", "z", "-inf", "lo", "inf", "hi"], ["BZPOPMIN", "z", "0"],
                        ["BZPOPMAX", "z", "0"]],
    "bzpop_timeout": [["BZPOPMIN", "nope", T], ["BZPOPMAX", "a", "b", T]],
    "bzpop_errors": [["BZPOPMIN", "z", "x"], ["BZPOPMAX", "z", "-1"], ["BZPOPMIN", "z"], ["SET", "s", "x"],
                     ["BZPOPMIN", "s", "0"], ["RPUSH", "l", "a"], ["BZPOPMAX", "nope", "l", "0"],
                     ["BLPOP", "l", "0"]],
    # ---- BZMPOP ----
    "bzmpop_immediate": [Z3, ["BZMPOP", "0", "1", "z", "MIN"], ["BZMPOP", "0", "2", "nope", "z", "max"],
                         ["ZADD", "z", "5", "e", "6", "f"], ["BZMPOP", "0", "1", "z", "MIN", "COUNT", "2"],
                         ["BZMPOP", "0", "1", "z", "max", "count", "10"], ["EXISTS", "z"]],
    "bzmpop_timeout": [["BZMPOP", T, "1", "nope", "MIN"], ["BZMPOP", T, "2", "a", "b", "MAX", "COUNT", "3"]],
    "bzmpop_errors": [["BZMPOP", "0", "0", "z", "MIN"], ["BZMPOP", "0", "x", "z", "MIN"],
                      ["BZMPOP", "0", "2", "z", "MIN"], ["BZMPOP", "0", "1", "z", "LEFT"],
                      ["BZMPOP", "0", "1", "z", "MIN", "COUNT", "0"], ["BZMPOP", "0", "1", "z", "MIN", "COUNT"],
                      ["BZMPOP", "0", "1", "z", "MIN", "COUNT", "1", "COUNT", "2"],
                      ["BZMPOP", "x", "1", "z", "MIN"], ["BZMPOP", "-1", "1", "z", "MIN"],
                      ["BZMPOP", "x", "0", "z", "MIN"], ["BZMPOP", "0", "1", "z"], ["RPUSH", "l", "a"],
                      ["BZMPOP", "0", "2", "nope", "l", "MIN"]],
    # ---- RESP3 ----
    "resp3": [HELLO3, L3, Z3, ["BLPOP", "l", "0"], ["BLPOP", "nope", T], ["BLMOVE", "l", "d", "LEFT", "LEFT", "0"],
              ["BLMOVE", "nope", "d", "LEFT", "LEFT", T], ["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "5"],
              ["BLMPOP", T, "1", "l", "LEFT"], ["BZPOPMIN", "z", "0"], ["BZPOPMAX", "z", "0"],
              ["BZPOPMIN", "z", T], ["BZPOPMIN", "z", T], Z3, ["BZMPOP", "0", "1", "z", "MAX", "COUNT", "2"],
              ["BZMPOP", T, "1", "nope", "MIN"]],
    # ---- the pipeline behind a blocked command waits for it ----
    "pipeline_after_timeout": [S(raw=_pipeline(["BLPOP", "nope", "0.05"], ["PING", "after"],
                                               ["RPUSH", "l", "x"], ["BLPOP", "l", "0"]), replies=4)],
    # ---- CLIENT UNBLOCK ----
    "client_unblock": [["CLIENT", "UNBLOCK", "999999"], ["CLIENT", "UNBLOCK", "999999", "TIMEOUT"],
                       ["CLIENT", "UNBLOCK", "999999", "error"], ["CLIENT", "UNBLOCK", "1", "maybe"],
                       ["CLIENT", "UNBLOCK", "x"], ["CLIENT", "UNBLOCK", "-1"], ["CLIENT", "UNBLOCK", "0"],
                       ["CLIENT", "UNBLOCK", "1", "TIMEOUT", "x"], ["CLIENT", "UNBLOCK"]],
    # ---- keys ----
    "command_getkeys": [["COMMAND", "GETKEYS", "BLPOP", "a", "b", "0"], ["COMMAND", "GETKEYS", "BRPOP", "a", "0"],
                        ["COMMAND", "GETKEYS", "BLMOVE", "a", "b", "LEFT", "LEFT", "0"],
                        ["COMMAND", "GETKEYS", "BRPOPLPUSH", "a", "b", "0"],
                        ["COMMAND", "GETKEYS", "BLMPOP", "0", "2", "a", "b", "LEFT"],
                        ["COMMAND", "GETKEYS", "BZPOPMIN", "a", "b", "0"],
                        ["COMMAND", "GETKEYS", "BZMPOP", "0", "2", "a", "b", "MIN"],
                        ["COMMAND", "GETKEYSANDFLAGS", "BLMOVE", "a", "b", "LEFT", "LEFT", "0"],
                        ["COMMAND", "GETKEYSANDFLAGS", "BLMPOP", "0", "1", "a", "LEFT"]],
}

COMMANDS = ["blpop", "brpop", "blmove", "brpoplpush", "blmpop", "bzpopmin", "bzpopmax", "bzmpop",
            "client|unblock"]
CASES["command_info"] = [["COMMAND", "INFO", c] for c in COMMANDS]
CASES["command_docs"] = [["COMMAND", "DOCS", c] for c in COMMANDS]


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_blocking(diff, steps, request):
    diff.run(steps, request.node.callspec.id)


# ---- waking from another database: MOVE, COPY ... DB, SWAPDB ----
# A client blocked in db 1 (BLPOP/BZPOPMIN with a 5 s timeout) and a writer in db 0; what the
# blocked client gets (or the timeout's nil, with a 0.5 s timeout where nothing should wake it)
# is compared between the servers, with the keyspace afterwards.
WAKE_SCENARIOS = {
    "move": (["BLPOP", "k", "5"], [["RPUSH", "k", "a", "b"], ["MOVE", "k", "1"]]),
    "move_zset": (["BZPOPMIN", "k", "5"], [["ZADD", "k", "1", "m"], ["MOVE", "k", "1"]]),
    "copy_db": (["BLPOP", "k", "5"], [["RPUSH", "src", "x", "y"], ["COPY", "src", "k", "DB", "1"]]),
    "copy_db_replace": (["BLPOP", "k", "5"], [["RPUSH", "src", "x"], ["SELECT", "1"],
                                             ["SET", "k", "str"], ["SELECT", "0"],
                                             ["COPY", "src", "k", "DB", "1", "REPLACE"]]),
    "swapdb": (["BLPOP", "k", "5"], [["RPUSH", "k", "s1", "s2"], ["SWAPDB", "0", "1"]]),
    "swapdb_wrong_type": (["BLPOP", "k", "0.5"], [["SET", "k", "v"], ["SWAPDB", "0", "1"]]),
    "move_wrong_type": (["BZPOPMIN", "k", "0.5"], [["RPUSH", "k", "a"], ["MOVE", "k", "1"]]),
}


def _wake_run(srv, blocked_cmd, writes):
    blocked, writer = srv.connect(), srv.connect()
    try:
        blocked.call("SELECT", "1")
        blocked.send(encode_command(blocked_cmd))
        # Parked before the writes: CLIENT LIST shows it blocked (flags b).
        deadline = time.monotonic() + 5
        while b"flags=b" not in writer.call("CLIENT", "LIST").value and time.monotonic() < deadline:
            time.sleep(0.01)
        replies = [writer.call(*w).raw for w in writes]
        woke = blocked.read_reply(timeout=10).raw
        after = []
        for db in ("0", "1"):
            writer.call("SELECT", db)
            after.append(sorted(n.value for n in writer.call("KEYS", "*").items()))
        return replies, woke, after
    finally:
        blocked.close()
        writer.close()


@pytest.mark.parametrize("name", WAKE_SCENARIOS)
def test_wake_from_other_database(diff, name):
    blocked_cmd, writes = WAKE_SCENARIOS[name]
    r = _wake_run(diff.pair.redis, blocked_cmd, writes)
    f = _wake_run(diff.pair.fincache, blocked_cmd, writes)
    assert f == r
