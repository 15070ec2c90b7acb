"""fincache-server as a process: the RESP front door (cpp/net) and server/main.cpp.

Driven through redis-py and raw sockets. Byte-exact protocol comparisons with a real Redis live
in test_diff_protocol.py; this module checks the server's own behaviour: pipelining, big values,
limits, bad input, disconnects, settings sources, signals and concurrency. Commands used: PING,
ECHO, SET, GET (plus QUIT where the engine has it).
"""

from __future__ import annotations

import os
import random
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest
import redis

from conftest import run_fincache
from diffutil import RespConn, free_port

MAX_CLIENTS_ERR = b"-ERR max number of clients reached\r\n"


def raw_exchange(port: int, payload: bytes, idle: float = 0.5, limit: float = 5.0):
    """Sends payload on a fresh connection; returns (bytes received, closed by server?)."""
    with RespConn(port) as c:
        c.send(payload)
        return c.read_until_close(idle=idle, limit=limit)


def assert_serving(port: int) -> None:
    with RespConn(port) as c:
        assert c.call("PING").raw == b"+PONG\r\n"


# ---- basic commands -----------------------------------------------------------------------------


def test_ping_echo(r, fincache_server):
    assert r.ping() is True
    assert r.echo("hello") == b"hello"
    with RespConn(fincache_server.port) as c:
        assert c.call("PING").raw == b"+PONG\r\n"
        assert c.call("PING", "msg").raw == b"$3\r\nmsg\r\n"


def test_set_get_binary_and_missing(r):
    value = bytes(range(256)) * 4 + b"\r\n\x00"
    assert r.set("net:bin", value) is True
    assert r.get("net:bin") == value
    assert r.get("net:missing") is None


def test_unknown_command_keeps_connection(fincache_server):
    with RespConn(fincache_server.port) as c:
        reply = c.call("NOSUCHCOMMAND", "a")
        assert reply.raw.startswith(b"-ERR unknown command 'NOSUCHCOMMAND'")
        assert c.call("PING").raw == b"+PONG\r\n"


# ---- pipelining and big payloads --------------------------------------------------------------


def test_pipeline_10k(r):
    n = 10_000
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        pipe.set(f"net:pipe:{i}", i)
    assert pipe.execute() == [True] * n
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        pipe.get(f"net:pipe:{i}")
    assert pipe.execute() == [str(i).encode() for i in range(n)]


def test_raw_pipeline_one_write_all_replies_in_order(fincache_server):
    n = 5000
    payload = b"".join(b"*2\r\n$4\r\nECHO\r\n$%d\r\n%d\r\n" % (len(str(i)), i) for i in range(n))
    with RespConn(fincache_server.port, timeout=10) as c:
        c.send(payload)
        for i in range(n):
            assert c.read_reply().value == str(i).encode()


def test_20mb_value(r):
    value = os.urandom(20 * 1024 * 1024)
    assert r.set("net:big", value) is True
    assert r.get("net:big") == value
    assert r.echo(value[:1024]) == value[:1024]


def test_command_split_byte_by_byte(fincache_server):
    payload = b"*3\r\n$3\r\nSET\r\n$7\r\nnet:spl\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$7\r\nnet:spl\r\n"
    with RespConn(fincache_server.port) as c:
        for b in payload:
            c.send(bytes([b]))
        assert c.read_reply().raw == b"+OK\r\n"
        assert c.read_reply().raw == b"$5\r\nhello\r\n"


# ---- inline commands ------------------------------------------------------------------------------


def test_inline_commands(fincache_server):
    data, closed = raw_exchange(
        fincache_server.port,
        b'PING\r\nECHO hello\nSET net:inl "a b"\r\nGET net:inl\r\n\r\n  ping  \r\n')
    assert data == b"+PONG\r\n$5\r\nhello\r\n+OK\r\n$3\r\na b\r\n+PONG\r\n"
    assert not closed


# ---- malformed input ------------------------------------------------------------------------------


@pytest.mark.parametrize("payload,error", [
    (b"*1\r\n$x\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\r\n+PING\r\n", b"-ERR Protocol error: expected '$', got '+'\r\n"),
    (b'ECHO "unbalanced\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    (b"*2147483648\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\r\n$2147483648\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*2\r\n$4\r\nECHO\r\n$1073741824\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
], ids=["bulk_len_not_number", "count_not_number", "not_a_bulk", "unbalanced_quotes",
        "count_2^31", "bulk_2^31", "bulk_1GB"])
def test_protocol_error_replies_and_closes(fincache_server, payload, error):
    rss_before = fincache_server.rss_bytes()
    # Commands before the bad one in the same packet are answered first.
    data, closed = raw_exchange(fincache_server.port, b"PING\r\n" + payload)
    assert data == b"+PONG\r\n" + error
    assert closed
    assert_serving(fincache_server.port)
    # A declared length is not an allocation.
    assert fincache_server.rss_bytes() - rss_before < 64 * 1024 * 1024


def test_proto_max_bulk_len_setting(start_server):
    srv = start_server("--proto-max-bulk-len", "1mb")
    ok = b"x" * (1024 * 1024)
    with RespConn(srv.port) as c:
        c.send(b"*2\r\n$4\r\nECHO\r\n$%d\r\n%s\r\n" % (len(ok), ok))
        assert c.read_reply().value == ok
    data, closed = raw_exchange(srv.port, b"*2\r\n$4\r\nECHO\r\n$%d\r\n" % (len(ok) + 1))
    assert data == b"-ERR Protocol error: invalid bulk length\r\n" and closed


def test_requirepass_unauthenticated_limits(start_server):
    srv = start_server("--requirepass", "s3cret")
    with RespConn(srv.port) as c:
        assert c.call("GET", "k").raw == b"-NOAUTH Authentication required.\r\n"
    data, closed = raw_exchange(srv.port, b"*2\r\n$4\r\nECHO\r\n$20000\r\n")
    assert data == b"-ERR Protocol error: unauthenticated bulk length\r\n" and closed
    data, closed = raw_exchange(srv.port, b"*20\r\n")
    assert data == b"-ERR Protocol error: unauthenticated multibulk length\r\n" and closed
    # Without requirepass a client starts authenticated.
    plain = start_server()
    with plain.client() as c:
        assert c.set("k", "v") is True


def test_garbage_fuzz(fincache_server):
    """Random bytes and mangled RESP on many connections for a few seconds: no crash, no hang,
    no growth, and the server keeps serving."""
    rng = random.Random(1234)
    port = fincache_server.port
    rss_before = fincache_server.rss_bytes()
    fragments = [b"*", b"$", b"\r\n", b"\n", b"\r", b"-1", b"0", b"3", b"99999", b"2147483648",
                 b"-2147483649", b"PING", b"SET", b"GET", b"ECHO", b'"', b"'", b"\\x", b" ",
                 b"\x00", b"+", b":", b"*1\r\n$4\r\nPING\r\n"]
    deadline = time.monotonic() + 3.0
    cases = 0
    while time.monotonic() < deadline and cases < 400:
        cases += 1
        if rng.random() < 0.5:
            payload = os.urandom(rng.randint(1, 4096))
        else:
            payload = b"".join(rng.choice(fragments) for _ in range(rng.randint(1, 60)))
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            try:
                s.sendall(payload)
                s.settimeout(0.05)
                while s.recv(65536):
                    pass
            except (socket.timeout, TimeoutError, ConnectionResetError, BrokenPipeError):
                pass
    assert fincache_server.alive()
    assert_serving(port)
    assert fincache_server.rss_bytes() - rss_before < 64 * 1024 * 1024


def test_abrupt_disconnects_mid_command(fincache_server):
    port = fincache_server.port
    partials = [
        b"*3\r\n$3\r\nSET\r\n$6\r\nnet:ab\r\n$100\r\nabc",  # inside a bulk
        b"*3\r\n$3\r\nSET",                                   # inside a header
        b"*2\r\n$4\r\nECHO\r\n$10485760\r\n" + b"x" * 1_000_000,  # 1 MB of a 10 MB bulk
        b"PING\r\nECHO partial",                              # unterminated inline
    ]
    for payload in partials:
        for reset in (False, True):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(payload)
            if reset:  # RST instead of FIN
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
    # A client that disappears while its replies are being written.
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n" * 20000)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    assert_serving(port)
    with fincache_server.client() as c:
        assert c.get("net:ab") is None  # the half-sent SET never ran


def test_half_close_still_gets_replies(fincache_server):
    with socket.create_connection(("127.0.0.1", fincache_server.port), timeout=5) as s:
        s.sendall(b"PING\r\nECHO bye\r\n")
        s.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data == b"+PONG\r\n$3\r\nbye\r\n"


def test_quit(fincache_server):
    data, closed = raw_exchange(fincache_server.port, b"PING\r\nQUIT\r\nPING\r\n")
    if b"unknown command 'QUIT'" in data:
        pytest.skip("QUIT is not in the command table yet")
    assert data == b"+PONG\r\n+OK\r\n"
    assert closed


# ---- resource limits ------------------------------------------------------------------------


def test_maxclients(start_server):
    srv = start_server("--maxclients", "2")
    a, b = RespConn(srv.port), RespConn(srv.port)
    try:
        assert a.call("PING").raw == b"+PONG\r\n"
        assert b.call("PING").raw == b"+PONG\r\n"
        # The server answers the error and closes: a long idle allowance costs nothing when it
        # does, and keeps a loaded machine (CI) from reading too early.
        data, closed = raw_exchange(srv.port, b"PING\r\n", idle=5.0, limit=15.0)
        assert data == MAX_CLIENTS_ERR and closed
        b.close()
        deadline = time.monotonic() + 15
        while True:  # the server notices the close asynchronously
            data, closed = raw_exchange(srv.port, b"PING\r\n", idle=0.3)
            if data == b"+PONG\r\n" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert data == b"+PONG\r\n"
    finally:
        a.close()
        b.close()


def test_client_that_never_reads_is_bounded(start_server):
    """Replies pile up for a client that sends GETs of a 1 MB value and never reads: the server
    stops reading from it instead of buffering without bound, and serves others meanwhile."""
    srv = start_server()
    value = b"v" * (1024 * 1024)
    with srv.client() as c:
        c.set("big", value)
    rss_before = srv.rss_bytes()
    s = socket.create_connection(("127.0.0.1", srv.port))
    try:
        s.setblocking(False)
        request = b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 64
        sent = 0
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and sent < 2_000_000:
            try:
                sent += s.send(request)
            except BlockingIOError:
                time.sleep(0.01)
        requested_mb = sent // len(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n")
        assert requested_mb > 1000  # asked for over 1 GB of replies
        time.sleep(0.5)
        assert srv.rss_bytes() - rss_before < 400 * 1024 * 1024
        assert_serving(srv.port)
    finally:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    assert_serving(srv.port)


def test_idle_timeout(start_server):
    srv = start_server("--timeout", "1")
    with RespConn(srv.port) as idle, RespConn(srv.port) as busy:
        assert idle.call("PING").raw == b"+PONG\r\n"
        for _ in range(6):  # the busy client stays
            time.sleep(0.4)
            assert busy.call("PING").raw == b"+PONG\r\n"
        data, closed = idle.read_until_close(idle=2.0, limit=3.0)
        assert data == b"" and closed


def test_200_concurrent_clients(fincache_server):
    errors: list[str] = []
    port = fincache_server.port

    def worker(i: int) -> None:
        try:
            with redis.Redis(port=port, socket_timeout=20) as c:
                for j in range(20):
                    key = f"net:conc:{i}:{j}"
                    assert c.set(key, f"{i}-{j}") is True
                    assert c.get(key) == f"{i}-{j}".encode()
                assert c.ping() is True
        except Exception as e:  # reported below
            errors.append(f"client {i}: {e!r}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:5]
    assert all(not t.is_alive() for t in threads)


# ---- process: settings, startup, shutdown --------------------------------------------------------


def test_version(fincache_bin):
    out = run_fincache(fincache_bin, ["--version"])
    assert out.returncode == 0
    assert out.stdout.startswith("fincache-server v=")
    assert "redis_version=7.0.15" in out.stdout


def test_help(fincache_bin):
    out = run_fincache(fincache_bin, ["--help"])
    assert out.returncode == 0
    assert "Usage: fincache-server" in out.stderr


def test_settings_precedence_file_env_flags(start_server):
    """defaults < config file < FINCACHE_* env < --flags."""
    file_port, env_port = free_port(), free_port()
    conf = (f"# comment\nport {file_port}\nmaxclients 1\n"
            "proto-max-bulk-len 2mb\n")
    srv = start_server("--proto-max-bulk-len", "3mb",
                       env={"FINCACHE_PORT": str(env_port),
                            "FINCACHE_PROTO_MAX_BULK_LEN": "5mb"},
                       config_text=conf, port=env_port, port_arg=False)
    # port: env over file.
    assert srv.port == env_port
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", file_port), timeout=1).close()
    # proto-max-bulk-len: flag (3mb) over env (5mb) over file (2mb).
    n = 3 * 1024 * 1024
    with RespConn(srv.port) as c:
        c.send(b"*2\r\n$4\r\nECHO\r\n$%d\r\n%s\r\n" % (n, b"y" * n))
        assert len(c.read_reply(timeout=10).value) == n
    # maxclients from the file (over the default): the one client above has gone, so one fits.
    time.sleep(0.3)
    with RespConn(srv.port) as c1:
        assert c1.call("PING").raw == b"+PONG\r\n"
        data, closed = raw_exchange(srv.port, b"PING\r\n")
        assert data == MAX_CLIENTS_ERR and closed
    time.sleep(0.3)
    data, closed = raw_exchange(srv.port, b"*2\r\n$4\r\nECHO\r\n$%d\r\n" % (n + 1))
    assert data == b"-ERR Protocol error: invalid bulk length\r\n" and closed


@pytest.mark.parametrize("config_text,args,env,expect", [
    ("port 6379\nport abc\n", [], {}, "line 2"),
    ("no-such-directive yes\n", [], {}, "Bad directive"),
    ('bind "unterminated\n', [], {}, "unbalanced quotes"),
    (None, ["--no-such-setting", "1"], {}, "--no-such-setting"),
    (None, ["--port"], {}, "--port"),
    (None, ["--port", "70000"], {}, "between 0 and 65535"),
    (None, ["--maxclients", "0"], {}, "--maxclients"),
    (None, ["--daemonize", "yes"], {}, "daemonize yes is not supported"),
    (None, ["--io-threads", "-1"], {}, "--io-threads"),
    (None, [], {"FINCACHE_PORT": "notaport"}, "FINCACHE_PORT"),
    (None, ["/nonexistent/fincache.conf"], {}, "can't open config file"),
], ids=["bad_value_line", "unknown_directive", "unbalanced_quotes", "unknown_flag",
        "flag_without_value", "port_out_of_range", "maxclients_zero", "daemonize",
        "io_threads_negative", "bad_env", "missing_file"])
def test_bad_config_exits_1(fincache_bin, tmp_path, config_text, args, env, expect):
    argv = list(args)
    if config_text is not None:
        path = tmp_path / "bad.conf"
        path.write_text(config_text)
        argv = [str(path)] + argv
    out = run_fincache(fincache_bin, argv + ["--port", str(free_port())] if not args else argv,
                       env=env)
    assert out.returncode == 1
    assert "*** FATAL CONFIG ERROR ***" in out.stderr
    assert expect in out.stderr


def test_port_in_use_exits_1(fincache_bin):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = run_fincache(fincache_bin, ["--port", str(port)])
    assert out.returncode == 1
    assert "Address already in use" in out.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_clean_shutdown(start_server, sig):
    pidfile = f"/tmp/fincache-test-{os.getpid()}-{sig}.pid"
    srv = start_server("--pidfile", pidfile)
    try:
        with open(pidfile) as f:
            assert int(f.read()) == srv.proc.pid
        # Connected clients (one mid-command) do not hold the shutdown.
        busy = socket.create_connection(("127.0.0.1", srv.port))
        busy.sendall(b"*2\r\n$4\r\nECHO\r\n$100\r\nabc")
        with srv.client() as c:
            assert c.ping()
            assert srv.terminate(sig) == 0
        busy.close()
        assert srv.wait_log("ready to exit"), srv.log()
        assert not os.path.exists(pidfile)
    finally:
        if os.path.exists(pidfile):
            os.unlink(pidfile)


def test_logfile_and_dir(start_server, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    srv = start_server("--dir", str(data_dir), "--logfile", "fincache.log", "--loglevel", "notice")
    # logfile is opened after dir changes the working directory, as Redis does with a relative
    # path given after --dir.
    # The server may answer PING a moment before it logs that it is ready: wait for the line.
    deadline = time.monotonic() + 5
    log = (data_dir / "fincache.log").read_text()
    while "Ready to accept connections" not in log and time.monotonic() < deadline:
        time.sleep(0.02)
        log = (data_dir / "fincache.log").read_text()
    assert "Ready to accept connections" in log
    assert_serving(srv.port)


def test_bind_list_and_io_threads(start_server):
    srv = start_server("--bind", "127.0.0.1 -::1", "--io-threads", "3")
    assert srv.wait_log("io-threads=3"), srv.log()
    for _ in range(6):  # round-robin over the threads
        assert_serving(srv.port)


def test_python_dash_m_fincache_runs_the_server():
    # `python -m fincache ...` is `fincache-server ...`: same binary, same arguments and output.
    out = subprocess.run([sys.executable, "-m", "fincache", "--version"], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("fincache-server v=") and "redis_version=7.0.15" in out.stdout
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "fincache", "--port", str(port), "--http-port", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        while True:
            try:
                assert client.set("k", "v") is True
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "python -m fincache did not start serving"
                time.sleep(0.05)
        assert client.get("k") == b"v"
        client.close()
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0
