"""Operations against the built fincache-server, through real clients: SLOWLOG catching a slow
DEBUG SLEEP, MONITOR streaming another client's commands, CLIENT PAUSE WRITE holding writes but
not reads, CLIENT REPLY OFF/SKIP, CONFIG REWRITE round-tripping a file with comments, the audit
log (JSON lines, values only on request), structured (JSON) logs, and INFO latencystats."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time

import pytest
import redis

from diffutil import RespConn


def test_slowlog_captures_a_slow_debug_sleep(start_server):
    srv = start_server("--enable-debug-command", "yes", "--slowlog-log-slower-than", "20000")
    r = srv.client()
    r.client_setname("sleeper")
    r.set("fast", "1")
    r.execute_command("DEBUG", "SLEEP", "0.05")
    entries = r.execute_command("SLOWLOG", "GET")
    assert len(entries) == 1, entries
    eid, ts, duration, args, addr, name = entries[0]
    assert args == [b"DEBUG", b"SLEEP", b"0.05"]
    assert duration >= 50000
    assert abs(ts - time.time()) < 10
    assert re.fullmatch(rb"127\.0\.0\.1:\d+", addr)
    assert name == b"sleeper"
    assert r.execute_command("SLOWLOG", "LEN") == 1
    # The latency monitor saw it too once a threshold is set.
    r.config_set("latency-monitor-threshold", "10")
    r.execute_command("DEBUG", "SLEEP", "0.03")
    latest = r.execute_command("LATENCY", "LATEST")
    assert [e[0] for e in latest] == [b"command"]
    assert latest[0][2] >= 30 and latest[0][3] >= 30
    assert r.execute_command("SLOWLOG", "RESET") == b"OK"
    assert r.execute_command("SLOWLOG", "LEN") == 0
    r.close()


def read_lines(conn: RespConn, n: int, timeout: float = 5.0) -> list[bytes]:
    out = []
    deadline = time.monotonic() + timeout
    while len(out) < n and time.monotonic() < deadline:
        node = conn.read_reply()
        out.append(node.value)
    return out


def test_monitor_streams_another_clients_commands(start_server):
    srv = start_server()
    mon = RespConn(srv.port)
    assert mon.call("MONITOR").value == b"OK"
    other = RespConn(srv.port)
    other.call("SELECT", "2")
    other.call("SET", "a b", 'x"y')
    other.call("AUTH", "default", "secret")
    other.call("CONFIG", "GET", "hz")  # admin commands are not shown
    other.call("NOSUCH")  # nor rejected ones
    other.call("EVAL", "return redis.call('get', KEYS[1])", "1", "a b")
    lines = read_lines(mon, 5)
    pattern = rb'\d+\.\d{6} \[(\d+) (127\.0\.0\.1:\d+|lua)\] (.*)'
    parsed = [re.fullmatch(pattern, line).groups() for line in lines]
    assert [(db, body) for db, _, body in parsed] == [
        (b"2", b'"SELECT" "2"'),
        (b"2", b'"SET" "a b" "x\\"y"'),
        (b"2", b'"AUTH" "(redacted)" "(redacted)"'),
        (b"2", b'"EVAL" "return redis.call(\'get\', KEYS[1])" "1" "a b"'),
        (b"2", b'"get" "a b"'),
    ]
    assert parsed[4][1] == b"lua" and parsed[0][1] != b"lua"
    # The monitor shows as flags=O; RESET ends monitor mode.
    listing = other.call("CLIENT", "LIST").value.decode()
    assert re.search(r" flags=O .* cmd=monitor ", listing), listing
    assert mon.call("RESET").value == b"RESET"
    other.call("SET", "after", "1")
    assert mon.call("PING").value == b"PONG"  # no monitor line in between
    mon.close()
    other.close()


def test_client_pause_write_delays_writes_not_reads(start_server):
    srv = start_server()
    admin, writer, reader = srv.client(), srv.client(), srv.client()
    writer.set("k", "before")
    assert admin.execute_command("CLIENT", "PAUSE", "400", "WRITE") == b"OK"
    t0 = time.monotonic()
    assert reader.get("k") == b"before"
    assert time.monotonic() - t0 < 0.2  # reads go on
    done = {}

    def write():
        writer.set("k", "after")
        done["t"] = time.monotonic() - t0

    th = threading.Thread(target=write)
    th.start()
    time.sleep(0.1)
    assert "t" not in done and reader.get("k") == b"before"
    th.join(5)
    assert done["t"] >= 0.35
    assert reader.get("k") == b"after"
    # PAUSE ALL holds reads too, until the pause ends.
    admin.execute_command("CLIENT", "PAUSE", "300", "ALL")
    t1 = time.monotonic()
    assert reader.get("k") == b"after"
    assert time.monotonic() - t1 >= 0.25
    # UNPAUSE (from a client already past the pause check) releases held writes at once.
    admin.execute_command("CLIENT", "PAUSE", "10000", "WRITE")
    th = threading.Thread(target=lambda: writer.set("k", "third"))
    t2 = time.monotonic()
    th.start()
    time.sleep(0.1)
    assert admin.execute_command("CLIENT", "UNPAUSE") == b"OK"
    th.join(5)
    assert time.monotonic() - t2 < 2
    assert reader.get("k") == b"third"
    for c in (admin, writer, reader):
        c.close()


def raw_replies(port: int, payload: bytes, wait: float = 0.5) -> bytes:
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(payload)
        s.settimeout(wait)
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        return data


def test_client_reply_off_and_skip(start_server):
    srv = start_server()
    out = raw_replies(srv.port, b"CLIENT REPLY OFF\r\nSET a 1\r\nGET a\r\nCLIENT REPLY ON\r\n"
                                b"GET a\r\n")
    assert out == b"+OK\r\n$1\r\n1\r\n"
    out = raw_replies(srv.port, b"CLIENT REPLY SKIP\r\nSET a 2\r\nGET a\r\n")
    assert out == b"$1\r\n2\r\n"
    # A blocked command's reply is dropped too.
    out = raw_replies(srv.port, b"CLIENT REPLY SKIP\r\nBLPOP nolist 0.1\r\nPING\r\n", wait=0.6)
    assert out == b"+PONG\r\n"


CONF = """# FinCache test config
# with comments that must stay

port {port}
hz 10
save 900 1
save 300 10

# the client limit
maxclients 100
"""


def test_config_rewrite_round_trips_a_file_with_comments(start_server, fincache_bin):
    from diffutil import free_port
    port = free_port()
    srv = start_server(config_text=CONF.format(port=port), port=port, port_arg=False)
    r = srv.client()
    r.config_set("maxclients", "200")
    r.config_set("slowlog-max-len", "33")
    r.config_set("save", "")
    assert r.execute_command("CONFIG", "REWRITE") == b"OK"
    with open(srv.config_path) as f:
        text = f.read()
    assert text.startswith("# FinCache test config\n# with comments that must stay\n\n"
                           f"port {port}\nhz 10\nsave \"\"\n\n# the client limit\nmaxclients 200\n")
    assert "\nmaxclients 200\n" in text
    assert "save 300 10" not in text
    assert "# Generated by CONFIG REWRITE\n" in text and "\nslowlog-max-len 33\n" in text
    r.close()
    srv.kill()
    # The rewritten file starts a server with the same settings.
    srv2 = start_server(config_text=text, port=port, port_arg=False)
    r2 = srv2.client()
    assert r2.config_get("maxclients") == {"maxclients": "200"}
    assert r2.config_get("slowlog-max-len") == {"slowlog-max-len": "33"}
    assert r2.config_get("save") == {"save": ""}
    r2.close()


def test_config_rewrite_without_a_config_file(start_server):
    r = start_server().client()
    with pytest.raises(redis.ResponseError, match="The server is running without a config file"):
        r.execute_command("CONFIG", "REWRITE")
    r.close()


def read_json_lines(path: str, n: int, timeout: float = 5.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        lines = []
        if os.path.exists(path):
            with open(path) as f:
                lines = f.read().splitlines()
        if len(lines) >= n or time.monotonic() > deadline:
            return [json.loads(l) for l in lines]
        time.sleep(0.02)


def test_audit_log_json_lines_without_values_by_default(start_server, tmp_path):
    path = str(tmp_path / "audit.log")
    srv = start_server("--audit-log", path, "--requirepass", "pw")
    r = srv.client(password="pw")
    r.set("acct:1", "secret-value")
    r.get("acct:1")  # reads are not audited
    r.hset("h", mapping={"f": "v"})
    r.delete("a", "b")
    bad = RespConn(srv.port)
    assert bad.call("AUTH", "wrong").is_error
    entries = read_json_lines(path, 5)
    events = [(e["event"], e.get("command"), e.get("ok")) for e in entries]
    assert events == [("auth", "hello", True), ("command", "set", True), ("command", "hset", True),
                      ("command", "del", True), ("auth", "auth", False)] or events == [
        ("auth", "auth", True), ("command", "set", True), ("command", "hset", True),
        ("command", "del", True), ("auth", "auth", False)]
    set_line = entries[1]
    assert set_line["key"] == "acct:1" and set_line["keys"] == ["acct:1"]
    assert set_line["user"] == "default" and set_line["db"] == 0
    assert re.fullmatch(r"127\.0\.0\.1:\d+", set_line["client"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", set_line["time"])
    assert "args" not in set_line
    with open(path) as f:
        raw = f.read()
    assert "secret-value" not in raw and '"pw"' not in raw
    assert entries[3]["keys"] == ["a", "b"]
    # audit-log-values yes adds the arguments.
    r.config_set("audit-log-values", "yes")
    r.set("k2", "v2")
    entries = read_json_lines(path, 6)
    assert entries[-1]["args"] == ["k2", "v2"]
    r.close()
    bad.close()


def test_json_logs(start_server, tmp_path):
    srv = start_server("--log-format", "json", "--logfile", str(tmp_path / "fc.log"))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = (tmp_path / "fc.log").read_text().splitlines()
        if any("Ready to accept connections" in l for l in lines):
            break
        time.sleep(0.02)
    records = [json.loads(l) for l in lines]
    assert {"time", "pid", "role", "level", "message"} <= set(records[0])
    assert any(rec["message"] == "Ready to accept connections tcp" and rec["level"] == "notice"
               for rec in records)
    assert srv.client().ping()


def test_info_latencystats_and_latency_histogram(start_server):
    srv = start_server()
    r = srv.client()
    for _ in range(20):
        r.set("k", "v")
    with RespConn(srv.port) as c:
        info = c.call("INFO", "latencystats").text().decode()
    m = re.search(r"latency_percentiles_usec_set:p50=(\d+\.\d{3}),p99=(\d+\.\d{3}),"
                  r"p99\.9=(\d+\.\d{3})\r\n", info)
    assert m, info
    assert float(m.group(1)) <= float(m.group(2)) <= float(m.group(3))
    with RespConn(srv.port) as c:
        hist = c.call("LATENCY", "HISTOGRAM", "set")
    (name, body), = hist.pairs()
    fields = body.pairs()
    assert name.value == b"set" and fields[0][0].value == b"calls" and fields[0][1].value == 20
    counts = [v.value for _, v in fields[1][1].pairs()]
    assert counts[-1] == 20 and counts == sorted(counts)
    r.close()
