"""Differential tests of Redis 7 functions (FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS/
KILL/HELP, FCALL, FCALL_RO) and of busy scripts (busy-reply-threshold: BUSY replies to a second
connection while a script loops, SCRIPT KILL / FUNCTION KILL, NOTBUSY, UNKILLABLE) against a
real redis-server, in RESP2 and RESP3.

FUNCTION DUMP payloads are compared byte for byte (same libraries, one library per dump so the
order can't differ) and moved between the two servers: a dump from redis-server restores into
FinCache and the reverse."""

from __future__ import annotations

import threading
import time

import pytest

from diffutil import S, diff, encode_command, server_pair, unordered  # noqa: F401 (fixtures)

pytestmark = pytest.mark.differential


def lib(name: str, body: str) -> str:
    return f"#!lua name={name}\n{body}"


def load(name: str, body: str, *opts: str) -> list:
    return ["FUNCTION", "LOAD", *opts, lib(name, body)]


def reg(fn: str, body: str = "return 1") -> str:
    return f"redis.register_function('{fn}', function(keys, args) {body} end)"


def _tree(node):
    """A comparable form of a reply: FUNCTION LIST's libraries and their functions are in hash
    order on Redis (nondeterministic_output_order), so those lists are sorted."""
    if node.kind in "*~>" and node.value is not None:
        items = [_tree(e) for e in node.value]
        return ("agg", node.kind, sorted(items, key=repr))
    if node.kind == "%":
        return ("map", tuple((_tree(k), _tree(v)) for k, v in node.value))
    return ("leaf", node.kind, node.value)


def function_list(r, f):
    """FUNCTION LIST: the same libraries and functions, in any order."""
    if r.kind != f.kind:
        return f"reply types differ: {r.kind} vs {f.kind}"
    return None if _tree(r) == _tree(f) else "libraries or functions differ"


def resp3(*steps):
    return [S(["HELLO", "3"], cmp=lambda r, f: None if r.kind == f.kind else "types")] + list(steps)


LIB_A = lib("liba", reg("fa", "return keys[1]") + " " +
            "redis.register_function{function_name='fb', callback=function(keys, args) "
            "return args end, flags={'no-writes'}, description='echo args'}")
LIB_W = lib("libw", "redis.register_function('fset', function(k, a) "
            "return redis.call('set', k[1], a[1]) end) "
            "redis.register_function{function_name='fro', callback=function(k, a) "
            "return redis.call('get', k[1]) end, flags={'no-writes', 'allow-stale'}}")

F = ["FUNCTION", "FLUSH"]

CASES = {
    # ---- LOAD: metadata, names, collisions ----
    "load_basic": [F, ["FUNCTION", "LOAD", LIB_A], ["FUNCTION", "LOAD", LIB_A],
                   ["FUNCTION", "LOAD", "REPLACE", LIB_A], ["FUNCTION", "LOAD", "replace", "REPLACE", LIB_A],
                   load("other", reg("fa")), load("other", reg("FA")), load("other", reg("fz")),
                   ["FCALL", "fa", "1", "k"], ["FCALL", "FA", "1", "k"], ["FCALL", "fb", "0", "x", "y"],
                   ["FCALL", "fz", "0"], ["FUNCTION", "LOAD", "bogus", LIB_A],
                   ["FUNCTION", "LOAD", "replace"], ["FUNCTION", "LOAD"], ["FUNCTION"]],
    "load_metadata": [F, ["FUNCTION", "LOAD", "return 1"], ["FUNCTION", "LOAD", "#!lua"],
                      ["FUNCTION", "LOAD", "#!lua\nreturn 1"], ["FUNCTION", "LOAD", "#!lua name=x"],
                      ["FUNCTION", "LOAD", "#!python name=x\n" + reg("f")],
                      ["FUNCTION", "LOAD", "#!LUA name=up\n" + reg("fup")],
                      ["FUNCTION", "LOAD", "#!lua NAME=up2\n" + reg("fup2")],
                      ["FUNCTION", "LOAD", "#!lua   name=sp   \n" + reg("fsp")],
                      ["FUNCTION", "LOAD", "#!lua name=cr\r\n" + reg("fcr")],
                      ["FUNCTION", "LOAD", "#!lua name=a name=b\n" + reg("f")],
                      ["FUNCTION", "LOAD", "#!lua foo name=a\n" + reg("f")],
                      ["FUNCTION", "LOAD", "#!lua name=a flags=no-writes\n" + reg("f")],
                      ["FUNCTION", "LOAD", "#! lua name=a\n" + reg("f")],
                      ["FUNCTION", "LOAD", "#!lua name=\n" + reg("f")],
                      ["FUNCTION", "LOAD", "#!lua name=bad-name\n" + reg("f")],
                      ["FUNCTION", "LOAD", "#!lua name=ok_1\n" + reg("f_1")],
                      load("nofn", "return 1"), load("nofn", "local x = 1"),
                      S(["FUNCTION", "LIST"], cmp=function_list)],
    "register_errors": [F] + [load("e", b) for b in [
        reg("f-x"), reg(""), "redis.register_function('f', 5)", "redis.register_function('f')",
        "redis.register_function(5, function() return 5 end)",
        "redis.register_function(nil, function() end)", "redis.register_function({}, function() end)",
        "redis.register_function('f', function() end, 3)", "redis.register_function()",
        reg("dup") + " " + reg("DUP"),
        "redis.register_function{function_name='f', callback=function() end, flags={'bad'}}",
        "redis.register_function{function_name='f', callback=function() end, flags={5}}",
        "redis.register_function{function_name='f', callback=function() end, flags='no-writes'}",
        "redis.register_function{function_name='f', callback=function() end, foo=1}",
        "redis.register_function{function_name='f'}", "redis.register_function{callback=function() end}",
        "redis.register_function{function_name='f', callback=5}",
        "redis.register_function{function_name='f', callback=function() end, description={}}",
        "redis.register_function{[1]='f', callback=function() end}",
    ]] + [F],
    # register_function's flags ignore case (the shebang's flags=... do not).
    "register_flags_case": [F, load("fc", "redis.register_function{function_name='f', callback="
                                       "function() return 1 end, flags={'NO-WRITES', 'Allow-Stale'}}"),
                            S(["FUNCTION", "LIST"], cmp=function_list),
                            ["FUNCTION", "LOAD", "#!lua name=sb flags=NO-WRITES\n" + reg("g")], F],
    "load_environment": [F] + [load("env", b) for b in [
        "redis.call('ping')", "redis.pcall('ping')", "local x = string.len('a')", "local x = KEYS",
        "x = 1", reg("f") + " error('boom')", "syntax error here", reg("f") + " redis.setresp(3)",
        reg("f") + " redis.foo()", reg("f") + " redis.x = 1", reg("f") + " redis.sha1hex('x')",
        reg("f") + " local a = redis.LOG_DEBUG .. redis.LOG_WARNING .. redis.REDIS_VERSION",
        reg("f") + " redis.log(redis.LOG_DEBUG, 'loading')", "while true do end",
        reg("g") + " return redis.REDIS_VERSION_NUM",
    ]] + [["FCALL", "g", "0"], F],
    # ---- FCALL / FCALL_RO ----
    "fcall": [F, ["FUNCTION", "LOAD", LIB_W], ["FUNCTION", "LOAD", LIB_A],
              ["FCALL", "fset", "1", "k", "v"], ["FCALL", "fro", "1", "k"],
              ["FCALL_RO", "fro", "1", "k"], ["FCALL_RO", "fset", "1", "k", "v"],
              ["FCALL_RO", "fb", "0", "a"], ["FCALL", "nosuch", "0"], ["FCALL", "nosuch", "x"],
              ["FCALL", "fa", "x"], ["FCALL", "fa", "-1"], ["FCALL", "fa", "3", "a"],
              ["FCALL", "fa", "1"], ["FCALL", "fa"], ["FCALL_RO", "fa", "0"],
              ["FCALL", "fset", "0"], ["FCALL", "fset", "1", "k"]],
    "fcall_runtime": [F, load("rt", " ".join([
        reg("f_keys", "return KEYS"), reg("f_err", "error('x')"),
        reg("f_errt", "error({err='MY custom'})"),
        reg("f_unknown", "return redis.call('nosuch')"), reg("f_glob", "x = 5"),
        reg("f_resp3", "redis.setresp(3) return redis.call('hgetall', 'nohash')"),
        reg("f_args", "return {#keys, #args, keys[1], args[1]}"),
        reg("f_tbl", "return {1, 'two', {3}, {ok='fine'}}"),
        reg("f_double", "return {double=1.5}"), reg("f_pcall", "return redis.pcall('incr', 'str')"),
        reg("f_reg", "redis.register_function('x', function() end)"),
        reg("f_sha", "return redis.sha1hex('abc')"), reg("f_status", "return redis.status_reply('FINE')"),
    ])), ["SET", "str", "abc"]] + [["FCALL", f, "0"] for f in [
        "f_keys", "f_err", "f_errt", "f_unknown", "f_glob", "f_resp3", "f_tbl", "f_double",
        "f_pcall", "f_reg", "f_sha", "f_status"]] + [["FCALL", "F_ARGS", "2", "k1", "k2", "a1"]],
    "fcall_resp3": resp3(F, load("r3", " ".join([
        reg("d", "return {double=1.5}"), reg("m", "return {map={a=1}}"), reg("b", "return true"),
        reg("n", "return nil"), reg("s", "redis.setresp(3) return redis.call('hgetall', 'h')")])),
        ["HSET", "h", "f", "v"], ["FCALL", "d", "0"], ["FCALL", "m", "0"], ["FCALL", "b", "0"],
        ["FCALL", "n", "0"], ["FCALL", "s", "0"]),
    # ---- LIST / DELETE / FLUSH / STATS / KILL ----
    "list": [F, ["FUNCTION", "LIST"], ["FUNCTION", "LOAD", LIB_A], ["FUNCTION", "LOAD", LIB_W],
             S(["FUNCTION", "LIST"], cmp=function_list),
             S(["FUNCTION", "LIST", "WITHCODE"], cmp=function_list),
             S(["FUNCTION", "LIST", "LIBRARYNAME", "liba"], cmp=function_list),
             S(["FUNCTION", "LIST", "libraryname", "LIB*", "withcode"], cmp=function_list),
             ["FUNCTION", "LIST", "LIBRARYNAME", "x*"], ["FUNCTION", "LIST", "LIBRARYNAME"],
             ["FUNCTION", "LIST", "FOO"], ["FUNCTION", "LIST", "WITHCODE", "WITHCODE"],
             ["FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"]],
    "list_resp3": resp3(F, ["FUNCTION", "LOAD", LIB_A],
                        S(["FUNCTION", "LIST", "WITHCODE"], cmp=function_list),
                        ["FUNCTION", "STATS"]),
    "delete_flush": [F, ["FUNCTION", "LOAD", LIB_A], ["FUNCTION", "DELETE", "LIBA"],
                     ["FUNCTION", "DELETE", "liba"], ["FUNCTION", "DELETE", "liba"],
                     ["FCALL", "fa", "0"], ["FUNCTION", "DELETE"], ["FUNCTION", "DELETE", "a", "b"],
                     ["FUNCTION", "LOAD", LIB_A], ["FUNCTION", "FLUSH", "ASYNC"], ["FUNCTION", "LIST"],
                     ["FUNCTION", "FLUSH", "sync"], ["FUNCTION", "FLUSH", "foo"],
                     ["FUNCTION", "FLUSH", "sync", "async"], ["FLUSHALL"],
                     ["FUNCTION", "LOAD", LIB_A], ["FLUSHALL"], ["FCALL", "fa", "1", "still"]],
    "stats_kill_idle": [F, ["FUNCTION", "STATS"], ["FUNCTION", "LOAD", LIB_A], ["FUNCTION", "LOAD", LIB_W],
                        ["FUNCTION", "STATS"], ["FUNCTION", "KILL"], ["SCRIPT", "KILL"],
                        ["FUNCTION", "STATS", "x"], ["FUNCTION", "KILL", "x"], ["SCRIPT", "KILL", "x"],
                        ["FUNCTION", "HELP"], ["FUNCTION", "HELP", "x"], ["FUNCTION", "NOPE"]],
    # ---- DUMP / RESTORE ----
    "dump_restore": [F, ["FUNCTION", "DUMP"], load("dumpme", reg("x")), ["FUNCTION", "DUMP"],
                     ["FUNCTION", "DUMP", "x"], F,
                     ["FUNCTION", "LOAD", LIB_A], ["FUNCTION", "DUMP"]],
    "restore_errors": [F, ["FUNCTION", "RESTORE", "junk"], ["FUNCTION", "RESTORE", "junk", "FOO"],
                       ["FUNCTION", "RESTORE", "junk", "append", "x"], ["FUNCTION", "RESTORE"],
                       ["FUNCTION", "RESTORE", b"\n\x00]\x9b\\@\x0f\x7f\xa2\xda"],
                       ["FUNCTION", "RESTORE", b"\x0b\x00" + b"\x00" * 8]],
}


# Metadata of every new command and subcommand, compared with Redis's.
NEW_CMDS = ["FCALL", "FCALL_RO", "FUNCTION|LOAD", "FUNCTION|LIST", "FUNCTION|DELETE",
            "FUNCTION|FLUSH", "FUNCTION|DUMP", "FUNCTION|RESTORE", "FUNCTION|STATS",
            "FUNCTION|KILL", "FUNCTION|HELP", "SCRIPT|KILL"]
# The FUNCTION container lists its subcommands in hash order on Redis: compared as multisets.
CASES["command_info"] = [["COMMAND", "INFO", c] for c in NEW_CMDS] + [
    S(["COMMAND", "INFO", "FUNCTION"], cmp=function_list)]
CASES["command_docs"] = [["COMMAND", "DOCS", c] for c in NEW_CMDS] + [
    S(["COMMAND", "DOCS", "FUNCTION"], cmp=function_list)]
CASES["command_getkeys"] = [["COMMAND", "GETKEYS", "FCALL", "f", "2", "a", "b", "c"],
                            ["COMMAND", "GETKEYSANDFLAGS", "FCALL_RO", "f", "1", "k", "v"],
                            ["COMMAND", "GETKEYS", "FCALL", "f", "0"]]


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_functions(diff, steps, request):
    try:
        diff.run(steps, request.node.callspec.id)
    finally:
        diff.both("FUNCTION", "FLUSH")


def test_case_count():
    assert sum(len(v) for v in CASES.values()) >= 150


# ---- DUMP/RESTORE across servers --------------------------------------------------------------

def test_dump_moves_between_servers(diff):
    """Each server restores the other's dump (LZF-compressed library code included), in every
    policy, and the restored libraries work."""
    libs = [LIB_A, LIB_W, lib("small", reg("tiny"))]
    try:
        for src, dst in ((diff.redis, diff.fincache), (diff.fincache, diff.redis)):
            for c in (src, dst):
                assert c.call("FUNCTION", "FLUSH").value == b"OK"
            for code in libs:
                assert src.call("FUNCTION", "LOAD", code).kind == "$"
            payload = src.call("FUNCTION", "DUMP").value
            assert dst.call("FUNCTION", "RESTORE", payload).value == b"OK"
            assert dst.call("FUNCTION", "RESTORE", payload).is_error
            assert dst.call("FUNCTION", "RESTORE", payload, "REPLACE").value == b"OK"
            assert dst.call("FUNCTION", "RESTORE", payload, "FLUSH").value == b"OK"
            assert dst.call("FCALL", "fa", "1", "key").value == b"key"
            assert dst.call("FCALL", "fset", "1", "k", "v").value == b"OK"
            assert function_list(src.call("FUNCTION", "LIST", "WITHCODE"),
                                 dst.call("FUNCTION", "LIST", "WITHCODE")) is None
    finally:
        diff.both("FUNCTION", "FLUSH")


def test_dump_bytes_equal_per_library(diff):
    """For one library (so no ordering question) both servers write the same payload bytes,
    with LZF compression for long code and raw strings for short or incompressible code."""
    import random
    rnd = random.Random(7)
    noise = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(300))
    bodies = [reg("x"), reg("y", "return '" + "a" * 500 + "'"),
              reg("z", "return '" + noise + "'"), reg("w", "return " + " + ".join(["1"] * 2000))]
    try:
        for body in bodies:
            diff.both("FUNCTION", "FLUSH")
            diff.both("FUNCTION", "LOAD", lib("one", body))
            r, f = diff.redis.call("FUNCTION", "DUMP"), diff.fincache.call("FUNCTION", "DUMP")
            assert r.raw == f.raw
    finally:
        diff.both("FUNCTION", "FLUSH")


def test_restore_conflicts(diff):
    """Policies against existing libraries and functions: errors and the surviving state match."""
    try:
        diff.both("FUNCTION", "FLUSH")
        diff.both("FUNCTION", "LOAD", LIB_A)
        payload = diff.redis.call("FUNCTION", "DUMP").value
        diff.both("FUNCTION", "FLUSH")
        diff.both("FUNCTION", "LOAD", lib("other", reg("fa")))
        steps = [["FUNCTION", "RESTORE", payload], ["FUNCTION", "RESTORE", payload, "REPLACE"],
                 S(["FUNCTION", "LIST"], cmp=function_list),
                 ["FUNCTION", "RESTORE", payload, "FLUSH"], S(["FUNCTION", "LIST"], cmp=function_list),
                 ["FUNCTION", "LOAD", lib("liba", reg("zz"))],
                 ["FUNCTION", "RESTORE", payload, "APPEND"],
                 ["FUNCTION", "RESTORE", payload, "REPLACE"], ["FCALL", "fa", "1", "k"],
                 ["FCALL", "zz", "0"], ["FUNCTION", "RESTORE", payload[:-3] + b"abc"],
                 ["FUNCTION", "RESTORE", payload[:3] + b"\xff" + payload[4:]]]
        diff.run(steps, "restore_conflicts")
    finally:
        diff.both("FUNCTION", "FLUSH")


# ---- busy scripts ------------------------------------------------------------------------------

SPIN_EVAL = "while true do end"
# Writes, then runs for ~1 s by the server clock: unkillable, ends by itself.
WRITE_SPIN = ("redis.call('set','w','1') local t0 = redis.call('time') "
              "while true do local t = redis.call('time') "
              "if (t[1]-t0[1])*1000000 + (t[2]-t0[2]) > 1000000 then break end end return 'done'")
LOOPS = lib("loops", "redis.register_function('spin', function(k,a) while true do end end) "
            "redis.register_function('wspin', function(k,a) " + WRITE_SPIN + " end) "
            "redis.register_function{function_name='rospin', callback=function(k,a) "
            "while true do end end, flags={'no-writes'}}")


def _busy_case(server, script_argv, probes, threshold_ms=100):
    """Sends script_argv on one connection; once it is busy, runs probes on a second one.
    Returns (probe replies, the script's own reply)."""
    a, b = server.connect(timeout=10), server.connect(timeout=10)
    try:
        assert b.call("CONFIG", "SET", "busy-reply-threshold", str(threshold_ms)).value == b"OK"
        a.send(encode_command(script_argv))
        time.sleep(threshold_ms / 1000 + 0.25)
        out = []
        for p in probes:
            node = b.call(*p)
            if p[0] == "HELLO":  # names the server and the client id: its type only
                out.append((p, node.kind, None))
            elif p[:2] == ["FUNCTION", "STATS"] and not node.is_error:
                out.append((p, node.kind, _busy_shape(node)))
            else:
                out.append((p, node.kind, node.value))
        script_reply = a.read_reply(timeout=10)
        return out, (script_reply.kind, script_reply.value)
    finally:
        # A failed probe must not leave the script running (or the threshold changed).
        for kill in (["SCRIPT", "KILL"], ["FUNCTION", "KILL"]):
            b.call(*kill)
        for _ in range(50):
            if b.call("CONFIG", "SET", "busy-reply-threshold", "5000").value == b"OK":
                break
            time.sleep(0.1)
        a.close()
        b.close()


def _busy_shape(node):
    """FUNCTION STATS while busy: the running script's name and command (duration varies)."""
    pairs = node.pairs()
    running = dict((k.value, v) for k, v in pairs)[b"running_script"]
    if running.is_null:
        return None
    rs = dict((k.value, v) for k, v in running.pairs())
    return (rs[b"name"].value, [e.value for e in rs[b"command"].items()],
            rs[b"duration_ms"].kind)


BUSY_CASES = {
    "eval_kill": (["EVAL", SPIN_EVAL, "0"],
                  [["PING"], ["GET", "x"], ["EVAL", "return 1", "0"], ["FUNCTION", "STATS"],
                   ["FUNCTION", "KILL"], ["CLIENT", "ID"], ["SET", "k", "v"], ["SCRIPT", "KILL"]]),
    "fcall_kill": (["FCALL", "spin", "0"],
                   [["PING"], ["SCRIPT", "KILL"], ["FUNCTION", "STATS"], ["FCALL", "spin", "0"],
                    ["FUNCTION", "KILL"]]),
    "fcall_ro_kill": (["FCALL_RO", "rospin", "1", "key"],
                      [["FUNCTION", "STATS"], ["FUNCTION", "KILL"]]),
    "eval_unkillable": (["EVAL", WRITE_SPIN, "0"],
                        [["SCRIPT", "KILL"], ["FUNCTION", "KILL"], ["PING"]]),
    "fcall_unkillable": (["FCALL", "wspin", "0"],
                         [["FUNCTION", "KILL"], ["SCRIPT", "KILL"], ["FUNCTION", "STATS"]]),
    "pcall_cannot_catch_kill": (
        ["EVAL", "local x = 0 while true do pcall(function() while true do x = x + 1 end end) end",
         "0"], [["SCRIPT", "KILL"]]),
    "multi_while_busy": (["EVAL", SPIN_EVAL, "0"],
                         [["MULTI"], ["SET", "k", "v"], ["EXEC"], ["DISCARD"], ["MULTI"],
                          ["PING"], ["DISCARD"], ["SCRIPT", "KILL"]]),
    "hello_while_busy": (["EVAL", SPIN_EVAL, "0"],
                         [["HELLO", "3"], ["FUNCTION", "STATS"], ["SCRIPT", "KILL"]]),
}


@pytest.mark.parametrize("case", BUSY_CASES.values(), ids=BUSY_CASES.keys())
def test_busy_script(server_pair, case):
    """A second connection while a script loops: BUSY errors (EVAL vs FUNCTION text), what may
    run (SCRIPT/FUNCTION KILL, FUNCTION STATS, HELLO), NOTBUSY/UNKILLABLE, and the error the
    killed script's caller gets — the same on both servers."""
    script_argv, probes = case
    results = []
    for server in server_pair.both():
        with server.connect() as c:
            c.call("FUNCTION", "FLUSH")
            assert c.call("FUNCTION", "LOAD", LOOPS).kind == "$"
        try:
            results.append(_busy_case(server, script_argv, probes))
            with server.connect() as c:  # not busy any more
                assert c.call("SCRIPT", "KILL").value.startswith(b"NOTBUSY")
                assert c.call("PING").value == b"PONG"
        finally:
            with server.connect() as c:
                c.call("FUNCTION", "FLUSH")
                c.call("DEL", "w")
    redis_res, fin_res = results
    assert redis_res == fin_res, f"\nredis:    {redis_res}\nfincache: {fin_res}"


def test_busy_waiter_gets_busy(server_pair):
    """A command sent before the script turns busy (it waits for the script) is answered BUSY
    once the threshold passes, as Redis processes it during the busy script."""
    for server in server_pair.both():
        a, b = server.connect(timeout=10), server.connect(timeout=10)
        try:
            b.call("CONFIG", "SET", "busy-reply-threshold", "300")
            a.send(encode_command(["EVAL", SPIN_EVAL, "0"]))
            time.sleep(0.05)
            t0 = time.monotonic()
            r = b.call("GET", "x")
            assert r.is_error and r.value.startswith(b"BUSY"), (server.label, r.raw)
            assert time.monotonic() - t0 < 3
            assert b.call("SCRIPT", "KILL").value == b"OK"
            assert a.read_reply(timeout=10).is_error
        finally:
            b.call("CONFIG", "SET", "busy-reply-threshold", "5000")
            a.close()
            b.close()


def test_threshold_config(diff):
    diff.run([["CONFIG", "GET", "busy-reply-threshold"], ["CONFIG", "GET", "lua-time-limit"],
              ["CONFIG", "SET", "busy-reply-threshold", "abc"],
              ["CONFIG", "SET", "lua-time-limit", "-1"], ["CONFIG", "SET", "LUA-TIME-LIMIT", "x"],
              ["CONFIG", "SET", "busy-reply-threshold", "1234"], ["CONFIG", "GET", "lua-time-limit"],
              S(["CONFIG", "GET", "lua*"], cmp=unordered),
              ["CONFIG", "SET", "lua-time-limit", "5000"], ["CONFIG", "GET", "busy-reply-threshold"]],
             "threshold_config")
