"""Differential tests of the operations commands: SLOWLOG, LATENCY, MONITOR, CLIENT (PAUSE,
UNPAUSE, REPLY, NO-EVICT, INFO/LIST fields), CONFIG (several parameters, RESETSTAT, REWRITE
without a file), DEBUG (the subset test suites use), INFO's sections and field names; RESP2 and
RESP3. Both servers run with --enable-debug-command yes.

Documented differences (not compared):
- SLOWLOG/LATENCY/CLIENT/DEBUG HELP texts: FinCache lists only what it implements (no LATENCY
  DOCTOR/GRAPH, DEBUG has 5 of Redis's ~50 subcommands, CLIENT has no TRACKING/CACHING and keeps
  Redis 7.2's SETINFO); help texts are compared line by line for the subcommands both have.
- Timings, timestamps, client ports, ids and memory addresses are compared by shape.
- INFO fields (INFO_EXTRA/INFO_MISSING below).
"""

from __future__ import annotations

import re
import time

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    Node,
    Probe,
    RespConn,
    S,
    diff_session,
    command_info,
    command_info_except,
    docs_fields,
    masked_map,
    _reset_server,
    get_pair,
)

pytestmark = pytest.mark.differential

OPS_FLAGS = ["--enable-debug-command", "yes"]
OPS_RESTORE = [("slowlog-log-slower-than", "10000"), ("slowlog-max-len", "128"),
               ("latency-monitor-threshold", "0"), ("latency-tracking", "yes"),
               ("latency-tracking-info-percentiles", "50 99 99.9")]


def _reset_ops(srv) -> None:
    with srv.connect() as c:
        c.call("CLIENT", "UNPAUSE")  # before FLUSHALL, a write a pause would hold
    _reset_server(srv)
    with srv.connect() as c:
        for k, v in OPS_RESTORE:
            c.call("CONFIG", "SET", k, v)
        c.call("SLOWLOG", "RESET")
        c.call("LATENCY", "RESET")
        c.call("CONFIG", "RESETSTAT")


@pytest.fixture(scope="module")
def ops_pair():
    return get_pair(OPS_FLAGS)


@pytest.fixture
def ops_diff(ops_pair):
    yield from diff_session(ops_pair, _reset_ops)


INCOMPRESSIBLE = "".join(chr(33 + (i * 7919 + i * i * 31) % 94) for i in range(100))

HELLO3 = S(["HELLO", "3"], cmp=lambda r, f: None if r.kind == f.kind == "%" else "not a map")

# --------------------------------------------------------------------------------------------
# Probes and comparators
# --------------------------------------------------------------------------------------------


def slowlog_entries(conn):
    """SLOWLOG GET -1: per entry its field count and kinds, the arguments, the client name and
    whether the address is this loopback client's; ids consecutive, newest first."""
    r = conn.call("SLOWLOG", "GET", "-1")
    out = []
    for e in r.value:
        f = e.value
        out.append((len(f), f[0].kind, f[1].kind, f[2].kind, f[3].kind,
                    [a.value for a in f[3].value], f[4].kind,
                    bool(re.fullmatch(rb"127\.0\.0\.1:\d+", f[4].value)), f[5].value))
    ids = [e.value[0].value for e in r.value]
    return (r.kind, out, [ids[i] - ids[i + 1] for i in range(len(ids) - 1)])


def latency_latest(conn):
    """LATENCY LATEST after a DEBUG SLEEP over the threshold: events, and latest/max at least
    the sleep."""
    r = conn.call("LATENCY", "LATEST")
    return (r.kind, [(e.kind, len(e.value), e.value[0].value, e.value[1].kind,
                      e.value[2].value >= 20, e.value[3].value >= 20) for e in r.value])


def latency_history(conn):
    r = conn.call("LATENCY", "HISTORY", "command")
    return (r.kind, [(e.kind, [x.kind for x in e.value], e.value[1].value >= 20) for e in r.value])


def histogram_shape(conn):
    """LATENCY HISTOGRAM: the commands, their calls and that bucket counts are cumulative."""
    r = conn.call("LATENCY", "HISTOGRAM", "set", "get", "config", "nosuch")
    out = []
    for name, body in r.pairs():
        fields = body.pairs()
        calls = fields[0][1].value
        buckets = fields[1][1].pairs()
        counts = [v.value for _, v in buckets]
        out.append((name.value, body.kind, fields[0][0].value, calls, fields[1][0].value,
                    fields[1][1].kind, [k.kind for k, _ in buckets][:1], counts == sorted(counts),
                    counts[-1] == calls if counts else None))
    return (r.kind, sorted(out))


def latencystats_fields(conn):
    """INFO latencystats: the commands listed and the shape of each line."""
    t = conn.call("INFO", "latencystats").text().decode()
    out = []
    for line in t.split("\r\n"):
        m = re.fullmatch(r"latency_percentiles_usec_([^:]+):(.*)", line)
        if m:
            parts = m.group(2).split(",")
            out.append((m.group(1), [p.split("=")[0] for p in parts],
                        all(re.fullmatch(r"p[\d.]+=\d+\.\d{3}", p) for p in parts)))
        elif line:
            out.append(line)
    return sorted(out, key=str)


def client_info_fields(conn):
    """CLIENT INFO: field names in order, and the values that must agree."""
    t = conn.call("CLIENT", "INFO").text().decode().strip()
    kv = [p.split("=", 1) for p in t.split(" ")]
    same = {k: v for k, v in kv if k in ("flags", "db", "name", "sub", "psub", "multi", "user",
                                         "resp", "cmd", "redir")}
    return ([k for k, _ in kv], same)


def debug_object(conn):
    """DEBUG OBJECT: the fields, with the address and LRU clock masked."""
    r = conn.call("DEBUG", "OBJECT", "dk")
    if r.is_error:
        return r.raw
    text = r.value.decode()
    text = re.sub(r"Value at:0x[0-9a-f]+", "Value at:ADDR", text)
    text = re.sub(r"lru:\d+ lru_seconds_idle:\d+", "lru:N lru_seconds_idle:N", text)
    return (r.kind, text)


def monitor_lines(conn):
    """MONITOR on this connection while a second one sends commands: the lines, timestamps
    checked and masked, client ports masked."""
    port = conn.sock.getpeername()[1]
    assert conn.call("MONITOR").value == b"OK"
    other = RespConn(port)
    try:
        sent = [["SELECT", "3"], ["SET", "a b", 'x"y\n'], ["AUTH", "default", "pw"],
                ["HELLO", "2", "AUTH", "default", "pw"], ["CONFIG", "GET", "hz"], ["NOSUCH"],
                ["GET"], ["EVAL", "redis.call('set', 'q', '1') return 1", "0"],
                ["MULTI"], ["SET", "k", "1"], ["GET", "k"], ["EXEC"],
                ["SET", b"bin", b"\x01\xff"], ["CLIENT", "LIST"], ["SLOWLOG", "LEN"],
                ["DEBUG", "SLEEP", "0"], ["PING"]]
        for argv in sent:
            other.call(*argv)
        lines = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            node = conn.read_reply()
            lines.append((node.kind, node.value))
            if node.value.endswith(b'"PING"'):
                break
    finally:
        other.close()
    out = []
    for kind, line in lines:
        m = re.fullmatch(rb"(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)", line)
        if not m:
            out.append((kind, line))
            continue
        client = b"lua" if m.group(4) == b"lua" else re.sub(rb":\d+$", b":PORT", m.group(4))
        out.append((kind, m.group(3), client, m.group(5)))
    conn.call("RESET")
    return out


def info_names(conn, section):
    t = conn.call("INFO", section).text().decode()
    return [line.split(":", 1)[0] for line in t.split("\r\n") if ":" in line]


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------

CASES = {
    # ---- SLOWLOG ----
    "slowlog_entries": [
        ["CONFIG", "SET", "slowlog-log-slower-than", "0"], ["SLOWLOG", "RESET"],
        ["CLIENT", "SETNAME", "slowpoke"], ["SET", "k", "v"],
        ["RPUSH", "l"] + [str(i) for i in range(40)], ["SET", "big", "a" * 200],
        ["AUTH", "default", "anything"], S(["HELLO", "2", "AUTH", "default", "x"], masked_map("id")),
        ["MULTI"], ["INCR", "n"], ["EXEC"], ["GET", "nosuchkey"], ["SET", "k"],
        Probe("SLOWLOG GET -1", slowlog_entries),
        ["CONFIG", "SET", "slowlog-log-slower-than", "-1"]],
    "slowlog_counts_and_errors": [
        ["CONFIG", "SET", "slowlog-log-slower-than", "0"], ["SLOWLOG", "RESET"],
        ["PING"], ["PING"], ["PING"], ["SLOWLOG", "LEN"],
        S(["SLOWLOG", "GET", "0"]), ["SLOWLOG", "GET", "-2"], ["SLOWLOG", "GET", "x"],
        ["SLOWLOG", "GET", "1", "2"], ["SLOWLOG", "LEN", "x"], ["SLOWLOG", "RESET", "x"],
        ["SLOWLOG"], ["SLOWLOG", "FOO"], ["SLOWLOG", "HELP"],
        ["CONFIG", "SET", "slowlog-max-len", "2"], ["SLOWLOG", "LEN"],
        ["CONFIG", "SET", "slowlog-log-slower-than", "-1"], ["SLOWLOG", "RESET"],
        ["PING"], ["SLOWLOG", "LEN"], ["SLOWLOG", "GET"]],
    "slowlog_resp3": [HELLO3, ["CONFIG", "SET", "slowlog-log-slower-than", "0"],
                      ["SLOWLOG", "RESET"], ["SET", "k", "v"],
                      Probe("SLOWLOG GET -1 (RESP3)", slowlog_entries),
                      ["CONFIG", "SET", "slowlog-log-slower-than", "-1"], ["SLOWLOG", "LEN"],
                      ["SLOWLOG", "GET", "x"]],
    # ---- LATENCY ----
    "latency_monitor": [
        ["LATENCY", "LATEST"], ["LATENCY", "HISTORY", "command"], ["LATENCY", "RESET"],
        ["CONFIG", "SET", "latency-monitor-threshold", "20"], ["DEBUG", "SLEEP", "0.03"],
        Probe("LATENCY LATEST", latency_latest), Probe("LATENCY HISTORY", latency_history),
        ["LATENCY", "HISTORY", "nosuch"], ["LATENCY", "RESET", "nosuch", "other"],
        ["LATENCY", "RESET", "command", "foo"], ["LATENCY", "LATEST"], ["LATENCY", "RESET"],
        ["LATENCY", "HISTORY"], ["LATENCY", "HISTORY", "a", "b"], ["LATENCY", "LATEST", "x"],
        ["LATENCY"], ["LATENCY", "FOO"], ["CONFIG", "SET", "latency-monitor-threshold", "-1"],
        ["CONFIG", "GET", "latency-monitor-threshold"]],
    "latency_resp3": [HELLO3, ["CONFIG", "SET", "latency-monitor-threshold", "20"],
                      ["DEBUG", "SLEEP", "0.03"], Probe("LATENCY LATEST", latency_latest),
                      Probe("LATENCY HISTORY", latency_history), ["LATENCY", "RESET"],
                      ["LATENCY", "LATEST"]],
    "latency_histogram": [["SET", "k", "v"], ["SET", "k", "w"], ["GET", "k"],
                          ["CONFIG", "GET", "hz"], Probe("LATENCY HISTOGRAM", histogram_shape),
                          ["LATENCY", "HISTOGRAM", "nosuch"], ["LATENCY", "HISTOGRAM", "lpush"]],
    "latency_histogram_resp3": [HELLO3, ["SET", "k", "v"], ["GET", "k"],
                                Probe("LATENCY HISTOGRAM (RESP3)", histogram_shape)],
    "latencystats": [["SET", "k", "v"], ["GET", "k"], ["INCR", "n"],
                     Probe("INFO latencystats", latencystats_fields),
                     ["CONFIG", "SET", "latency-tracking-info-percentiles", "99.99 1 0 50.0"],
                     ["CONFIG", "GET", "latency-tracking-info-percentiles"],
                     Probe("INFO latencystats (percentiles)", latencystats_fields),
                     ["CONFIG", "SET", "latency-tracking-info-percentiles", ""],
                     ["CONFIG", "GET", "latency-tracking-info-percentiles"],
                     Probe("INFO latencystats (none)", latencystats_fields),
                     ["CONFIG", "SET", "latency-tracking-info-percentiles", "50 101"],
                     ["CONFIG", "SET", "latency-tracking-info-percentiles", "abc"],
                     ["CONFIG", "SET", "latency-tracking", "maybe"],
                     ["CONFIG", "SET", "latency-tracking", "no"], ["CONFIG", "RESETSTAT"],
                     ["SET", "k", "v"], ["INFO", "latencystats"],
                     ["CONFIG", "GET", "latency-tracking"]],
    # ---- CONFIG ----
    "config_ops_settings": [
        ["CONFIG", "GET", "slowlog-log-slower-than"], ["CONFIG", "GET", "slowlog-max-len"],
        ["CONFIG", "GET", "latency-monitor-threshold"], ["CONFIG", "GET", "latency-tracking"],
        ["CONFIG", "GET", "latency-tracking-info-percentiles"],
        S(["CONFIG", "GET", "slowlog*", "latency-monitor*", "latency-tracking"],
          lambda r, f: None if sorted(p[0].raw + p[1].raw for p in r.pairs()) ==
          sorted(p[0].raw + p[1].raw for p in f.pairs()) else "pairs differ"),
        ["CONFIG", "SET", "slowlog-max-len", "5", "latency-monitor-threshold", "7"],
        ["CONFIG", "GET", "slowlog-max-len"], ["CONFIG", "GET", "latency-monitor-threshold"],
        ["CONFIG", "SET", "slowlog-max-len", "10", "slowlog-log-slower-than", "x"],
        ["CONFIG", "GET", "slowlog-max-len"],
        ["CONFIG", "SET", "slowlog-max-len", "-1"], ["CONFIG", "SET", "slowlog-log-slower-than", "-2"],
        ["CONFIG", "SET", "latency-monitor-threshold", "x"],
        ["CONFIG", "SET", "enable-debug-command", "no"],
        ["CONFIG", "GET", "enable-debug-command"],
        ["CONFIG", "REWRITE"], ["CONFIG", "REWRITE", "x"], ["CONFIG", "RESETSTAT", "x"],
        ["CONFIG", "HELP"]],
    # ---- CLIENT ----
    "client_pause_errors": [
        ["CLIENT", "PAUSE"], ["CLIENT", "PAUSE", "x"], ["CLIENT", "PAUSE", "-1"],
        ["CLIENT", "PAUSE", "10", "foo"], ["CLIENT", "PAUSE", "x", "foo"],
        ["CLIENT", "PAUSE", "10", "all", "x"], ["CLIENT", "PAUSE", "0"],
        ["CLIENT", "PAUSE", "1", "WRITE"], ["CLIENT", "UNPAUSE"], ["CLIENT", "UNPAUSE", "x"],
        ["CLIENT", "PAUSE", "99999999999999999999"]],
    "client_pause_write_allows_reads": [
        ["SET", "k", "v"], ["CLIENT", "PAUSE", "2000", "WRITE"], ["GET", "k"], ["EXISTS", "k"],
        ["MULTI"], ["GET", "k"], ["EXEC"], ["CLIENT", "UNPAUSE"], ["SET", "k", "w"], ["GET", "k"]],
    "client_reply": [
        ["CLIENT", "REPLY"], ["CLIENT", "REPLY", "foo"], ["CLIENT", "REPLY", "on"],
        ["CLIENT", "REPLY", "ON", "x"],
        S(raw=b"CLIENT REPLY OFF\r\nSET a 1\r\nGET a\r\nNOSUCH\r\nCLIENT REPLY ON\r\nGET a\r\n",
          replies=2),
        S(raw=b"CLIENT REPLY SKIP\r\nSET a 2\r\nGET a\r\n"),
        S(raw=b"CLIENT REPLY SKIP\r\nCLIENT REPLY SKIP\r\nGET a\r\nPING\r\n"),
        S(raw=b"CLIENT REPLY OFF\r\nCLIENT REPLY SKIP\r\nCLIENT REPLY ON\r\nGET a\r\n",
          replies=2),
        ["GET", "a"]],
    "client_reply_resp3": [HELLO3, S(raw=b"CLIENT REPLY SKIP\r\nSET a 2\r\nHGETALL nokey\r\n"),
                           ["CLIENT", "REPLY", "ON"]],
    "client_no_evict": [
        ["CLIENT", "NO-EVICT"], ["CLIENT", "NO-EVICT", "maybe"], ["CLIENT", "NO-EVICT", "on"],
        Probe("CLIENT INFO (no-evict)", client_info_fields), ["CLIENT", "NO-EVICT", "OFF"],
        Probe("CLIENT INFO", client_info_fields), ["CLIENT", "NO-EVICT", "on", "x"]],
    "client_info_fields": [["CLIENT", "SETNAME", "n1"], ["SELECT", "4"], ["MULTI"],
                           ["PING"], ["EXEC"], Probe("CLIENT INFO fields", client_info_fields),
                           HELLO3, Probe("CLIENT INFO fields (RESP3)", client_info_fields)],
    "client_kill_filters": [
        ["CLIENT", "KILL", "127.0.0.1:1"], ["CLIENT", "KILL", "ID", "999999"],
        ["CLIENT", "KILL", "ID", "0"], ["CLIENT", "KILL", "ID", "x"],
        ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes", "ID", "999999"],
        ["CLIENT", "KILL", "TYPE", "foo"], ["CLIENT", "KILL", "USER", "nouser"],
        ["CLIENT", "KILL", "ADDR", "1.2.3.4:5"], ["CLIENT", "KILL", "LADDR", "1.2.3.4:5"],
        ["CLIENT", "KILL", "SKIPME", "maybe"], ["CLIENT", "KILL", "MAXAGE", "1"],
        ["CLIENT", "KILL", "ID"], ["CLIENT", "KILL"]],
    # ---- DEBUG ----
    "debug_subset": [
        ["DEBUG", "SLEEP", "0"], ["DEBUG", "SLEEP", "abc"], ["DEBUG", "SLEEP", "0.01"],
        ["DEBUG", "SLEEP"], ["DEBUG", "SET-ACTIVE-EXPIRE", "0"], ["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
        ["DEBUG", "SET-ACTIVE-EXPIRE", "x"], ["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
        ["DEBUG", "SET-ACTIVE-EXPIRE"],
        ["DEBUG", "OBJECT", "nokey"], ["DEBUG", "OBJECT"], ["DEBUG", "OBJECT", "a", "b"],
        ["SET", "dk", "hello"], Probe("DEBUG OBJECT embstr", debug_object),
        ["SET", "dk", "123"], Probe("DEBUG OBJECT int", debug_object),
        # (an incompressible one, whose serialized length does not depend on rdbcompression)
        ["SET", "dk", INCOMPRESSIBLE], Probe("DEBUG OBJECT raw", debug_object),
        ["DEL", "dk"], ["HSET", "dk", "a", "1"], Probe("DEBUG OBJECT hash", debug_object),
        ["DEL", "dk"], ["SADD", "dk", "1", "2"], Probe("DEBUG OBJECT intset", debug_object),
        ["DEL", "dk"], ["ZADD", "dk", "1", "a"], Probe("DEBUG OBJECT zset", debug_object),
        ["DEBUG", "FOO"], ["DEBUG"], ["DEBUG", "CHANGE-REPL-ID"], ["DEBUG", "CHANGE-REPL-ID", "x"]],
    "debug_reload": [
        ["SET", "a", "1"], ["HSET", "h", "f", "v"], ["SET", "e", "v", "EX", "100"],
        ["DEBUG", "RELOAD"], ["GET", "a"], ["HGETALL", "h"], ["EXISTS", "e"], ["DBSIZE"],
        ["SET", "b", "2"], ["DEBUG", "RELOAD", "NOSAVE"], ["EXISTS", "b"], ["DBSIZE"],
        ["SET", "c", "3"], ["DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"], ["EXISTS", "c"],
        ["DBSIZE"], ["DEBUG", "RELOAD", "FOO"], ["DEBUG", "RELOAD", "nosave", "bar"]],
    # Function libraries go with the keys and come back from the file (MERGE replaces them).
    "debug_reload_functions": [
        ["FUNCTION", "FLUSH"],
        ["FUNCTION", "LOAD", "#!lua name=rl\nredis.register_function('rlf', function() return 7 end)"],
        ["DEBUG", "RELOAD"], ["FCALL", "rlf", "0"], ["FUNCTION", "FLUSH"], ["FCALL", "rlf", "0"],
        ["DEBUG", "RELOAD", "NOSAVE"], ["FCALL", "rlf", "0"],
        ["DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"], ["FCALL", "rlf", "0"],
        ["FUNCTION", "FLUSH"], ["DEBUG", "RELOAD"], ["FCALL", "rlf", "0"]],
    "debug_resp3": [HELLO3, ["DEBUG", "SLEEP", "0"], ["SET", "dk", "hello"],
                    Probe("DEBUG OBJECT (RESP3)", debug_object), ["DEBUG", "OBJECT", "nokey"]],
    # ---- MONITOR ----
    "monitor_stream": [Probe("MONITOR lines", monitor_lines), ["PING"]],
    "monitor_resp3": [HELLO3, Probe("MONITOR lines (RESP3)", monitor_lines)],
    "monitor_in_multi": [["MULTI"], ["MONITOR"], ["EXEC"], ["MONITOR", "x"]],
    # ---- COMMAND INFO / DOCS of the new commands ----
}

# COMMAND INFO / DOCS of every command and subcommand added here, against Redis 7.0's. LATENCY
# DOCTOR and GRAPH are not implemented (documented difference).
DOC_FIELDS = docs_fields("summary", "since", "group", "complexity", "doc_flags",
                         "deprecated_since", "replaced_by", "history", "arguments")
_NEW = ["slowlog", "latency", "monitor", "debug", "slowlog|get", "slowlog|len", "slowlog|reset",
        "slowlog|help", "latency|latest", "latency|history", "latency|reset", "latency|histogram",
        "latency|help", "client|pause", "client|unpause", "client|reply", "client|no-evict",
        "config|rewrite"]
for _name in _NEW:
    _cmp = command_info_except({"latency|doctor", "latency|graph"}) if _name == "latency" \
        else command_info
    CASES[f"command_info_{_name}"] = [S(["COMMAND", "INFO", _name], _cmp)]
    CASES[f"command_docs_{_name}"] = [S(["COMMAND", "DOCS", _name], DOC_FIELDS)]


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_ops(ops_diff, steps, request):
    ops_diff.run(steps, request.node.callspec.id)


# INFO: the field names of every section are Redis 7.0.15's, except these documented ones.
INFO_EXTRA = {"server": {"fincache_version"}}  # FinCache's own version next to redis_version
INFO_MISSING: dict = {}


def test_info_field_names_per_section(ops_pair):
    rc, fc = ops_pair.redis.connect(), ops_pair.fincache.connect()
    try:
        for c in (rc, fc):  # something in every per-command section
            c.call("SET", "infok", "1")
            c.call("GET", "nosuchkey")
            c.call("NOSUCHCMD")
        headers = [[ln for ln in c.call("INFO", "everything").text().decode().split("\r\n")
                    if ln.startswith("# ")] for c in (rc, fc)]
        assert headers[0] == headers[1]
        for section in ["server", "clients", "memory", "persistence", "stats", "replication", "cpu",
                        "modules", "cluster", "keyspace"]:
            rn, fn = set(info_names(rc, section)), set(info_names(fc, section))
            assert rn - fn == INFO_MISSING.get(section, set()), (section, sorted(rn - fn))
            assert fn - rn == INFO_EXTRA.get(section, set()), (section, sorted(fn - rn))
        for section, prefix in [("commandstats", "cmdstat_"), ("errorstats", "errorstat_"),
                                ("latencystats", "latency_percentiles_usec_")]:
            for c in (rc, fc):
                names = info_names(c, section)
                assert names and all(n.startswith(prefix) for n in names), (section, names)
            assert {"cmdstat_set", "cmdstat_get"} <= set(info_names(fc, "commandstats"))
    finally:
        rc.close()
        fc.close()
