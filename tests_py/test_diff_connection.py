"""Differential tests of the connection family (PING ECHO HELLO AUTH QUIT RESET CLIENT ...)."""

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    AUTH_PASSWORD,
    CLIENT_VOLATILE,
    Closed,
    Probe,
    S,
    auth_diff,
    auth_server_pair,
    client_list,
    diff,
    masked_map,
    positive_int,
    server_pair,
)

pytestmark = pytest.mark.differential

# HELLO: the connection id differs per server; the version must look like a Redis version.
HELLO_CMP = masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"})
HELLO3 = S(["HELLO", "3"], cmp=HELLO_CMP)


def own_client_line(conn):
    """CLIENT LIST ID <own id>: the reply type and every field but the per-connection values."""
    cid = conn.call("CLIENT", "ID").value
    r = conn.call("CLIENT", "LIST", "ID", str(cid))
    lines = [ln for ln in r.text().decode().split("\n") if ln.strip()]
    out = []
    for ln in lines:
        fields = [tok.partition("=") for tok in ln.strip().split(" ")]
        out.append([(k, "*" if k in CLIENT_VOLATILE else v) for k, _, v in fields])
    return (r.kind, r.text().endswith(b"\n"), out)


def client_id_is_stable(conn):
    a, b = conn.call("CLIENT", "ID"), conn.call("CLIENT", "ID")
    return (a.kind, a.value == b.value)


def hello_id_matches_client_id(conn):
    h = conn.call("HELLO")
    hid = dict((k.value, v.value) for k, v in h.pairs())[b"id"]
    return hid == conn.call("CLIENT", "ID").value


def kill_self_by_id(conn):
    """CLIENT KILL ID <own id> skips the caller (SKIPME yes is the default); with SKIPME no
    it replies and then closes the connection."""
    cid = conn.call("CLIENT", "ID").value
    skipped = conn.call("CLIENT", "KILL", "ID", str(cid))
    r = conn.call("CLIENT", "KILL", "ID", str(cid), "SKIPME", "no")
    data, closed = conn.read_until_close(idle=1.0, limit=1.0)
    return (skipped.raw, r.raw, data, closed)


def kill_other_by_id(conn):
    """A second connection killed by id: the killer gets 1, the victim's socket closes; from the
    kill on it is gone (CLIENT LIST omits it, a second kill answers 0)."""
    from diffutil import RespConn

    host, port = conn.sock.getpeername()
    with RespConn(port) as victim:
        vid = victim.call("CLIENT", "ID").value
        r = conn.call("CLIENT", "KILL", "ID", str(vid))
        # Gone at once, before its socket has closed: not listed, not killable twice.
        listed = conn.call("CLIENT", "LIST", "ID", str(vid)).text()
        again_now = conn.call("CLIENT", "KILL", "ID", str(vid))
        data, closed = victim.read_until_close(idle=10.0, limit=10.0)
        again = conn.call("CLIENT", "KILL", "ID", str(vid))
        return (r.raw, listed, again_now.raw, data, closed, again.raw)


def kill_old_style_addr(conn):
    """CLIENT KILL ip:port (old form) of another connection: +OK and the victim closes."""
    from diffutil import RespConn

    host, port = conn.sock.getpeername()
    with RespConn(port) as victim:
        victim.call("PING")  # registered by the server (accepting is asynchronous) before the kill
        laddr = victim.sock.getsockname()
        r = conn.call("CLIENT", "KILL", f"{laddr[0]}:{laddr[1]}")
        data, closed = victim.read_until_close(idle=10.0, limit=10.0)
        return (r.raw, data, closed)


CASES = {
    # ---- PING / ECHO ----
    "ping_echo": [["PING"], ["PING", "hello"], ["PING", ""], ["PING", b"a\x00b\r\n"], ["PING", "a", "b"],
                  ["ping"], ["ECHO", "x"], ["ECHO", ""], ["ECHO", b"\x00\xff\r\n"], ["ECHO"], ["ECHO", "a", "b"],
                  ["echo", "Case"], ["PiNg", "MiXeD"]],
    "ping_echo_resp3": [HELLO3, ["PING"], ["PING", "x"], ["ECHO", "y"], S(["HELLO", "2"], HELLO_CMP), ["PING"]],
    # ---- HELLO ----
    "hello_versions": [S(["HELLO"], HELLO_CMP), S(["HELLO", "2"], HELLO_CMP), S(["HELLO", "3"], HELLO_CMP),
                       S(["HELLO"], HELLO_CMP), S(["HELLO", "2"], HELLO_CMP)],
    "hello_errors": [["HELLO", "4"], ["HELLO", "1"], ["HELLO", "0"], ["HELLO", "-1"], ["HELLO", "abc"],
                     ["HELLO", "2.0"], ["HELLO", "2", "FOO"], ["HELLO", "3", "AUTH"], ["HELLO", "3", "AUTH", "u"],
                     ["HELLO", "3", "SETNAME"], ["HELLO", "2", "SETNAME", "bad name"], ["PING"],
                     S(["HELLO", "3", "AUTH", "default", "wrong"], HELLO_CMP), ["HELLO", "", ""], ["PING"]],
    "hello_setname": [S(["HELLO", "3", "SETNAME", "myconn"], HELLO_CMP), ["CLIENT", "GETNAME"],
                      S(["HELLO", "2", "setname", "other"], HELLO_CMP), ["CLIENT", "GETNAME"],
                      S(["hello", "3"], HELLO_CMP), ["CLIENT", "GETNAME"]],
    "hello_id_is_client_id": [Probe("hello id == client id", hello_id_matches_client_id)],
    "hello_auth_without_password": [S(["HELLO", "3", "AUTH", "default", "anything"], HELLO_CMP),
                                    ["HELLO", "3", "AUTH", "nobody", "x"], ["PING"]],
    # ---- AUTH without a password configured ----
    "auth_no_password": [["AUTH", "x"], ["AUTH", "default", "x"], ["AUTH", "nobody", "x"], ["AUTH", "a", "b", "c"],
                         ["AUTH"], ["auth", "x"], ["PING"]],
    # ---- QUIT / RESET ----
    "quit": [["SET", "k", "v"], ["QUIT"], Closed()],
    "quit_with_args": [["QUIT", "now", "please"], Closed()],
    "quit_pipelined": [S(raw=b"PING\r\nQUIT\r\nPING\r\n", replies=2), Closed()],
    "reset": [["SELECT", "3"], ["SET", "k", "v"], ["CLIENT", "SETNAME", "n"], HELLO3, ["RESET"],
              ["CLIENT", "GETNAME"], ["GET", "k"], ["PING"], ["DBSIZE"], ["RESET", "x"],
              ["reset"], ["GET", "missing"]],
    # ---- CLIENT ----
    "client_id": [S(["CLIENT", "ID"], positive_int), Probe("client id stable", client_id_is_stable),
                  ["CLIENT", "ID", "x"]],
    "client_setname_getname": [["CLIENT", "GETNAME"], ["CLIENT", "SETNAME", "worker-1"], ["CLIENT", "GETNAME"],
                               ["CLIENT", "SETNAME", ""], ["CLIENT", "GETNAME"], ["CLIENT", "SETNAME", "a b"],
                               ["CLIENT", "SETNAME", "a\nb"], ["CLIENT", "SETNAME", b"a\x00b"],
                               ["CLIENT", "SETNAME", "\x7f"], ["CLIENT", "SETNAME", "ok!@#$%^&*()"],
                               ["CLIENT", "GETNAME"], ["CLIENT", "SETNAME"], ["CLIENT", "SETNAME", "a", "b"],
                               ["CLIENT", "GETNAME", "x"], ["client", "setname", "lower"], ["CLIENT", "getname"]],
    "client_info": [S(["CLIENT", "INFO"], client_list), ["CLIENT", "SETNAME", "named"], ["SELECT", "2"],
                    S(["CLIENT", "INFO"], client_list), HELLO3, S(["CLIENT", "INFO"], client_list),
                    ["CLIENT", "INFO", "x"]],
    "client_list_own": [Probe("own CLIENT LIST line", own_client_line), ["CLIENT", "SETNAME", "lister"],
                        ["SELECT", "4"], Probe("own CLIENT LIST line (named, db 4)", own_client_line)],
    "client_list_filters": [["CLIENT", "LIST", "TYPE", "foo"], ["CLIENT", "LIST", "ID", "abc"],
                            ["CLIENT", "LIST", "ID", "999999"], ["CLIENT", "LIST", "ID", "0"],
                            ["CLIENT", "LIST", "FOO"], ["CLIENT", "LIST", "TYPE"],
                            ["CLIENT", "LIST", "TYPE", "pubsub"], ["CLIENT", "LIST", "TYPE", "master"],
                            ["CLIENT", "LIST", "ID", "999998", "999999"]],
    "client_kill_errors": [["CLIENT", "KILL", "ID", "999999"], ["CLIENT", "KILL", "ID", "abc"],
                           ["CLIENT", "KILL", "ID", "0"], ["CLIENT", "KILL", "ID", "-1"],
                           ["CLIENT", "KILL", "FOO", "bar"], ["CLIENT", "KILL", "1.2.3.4:5"],
                           ["CLIENT", "KILL", "ADDR", "1.2.3.4:5"], ["CLIENT", "KILL", "LADDR", "1.2.3.4:5"],
                           ["CLIENT", "KILL", "USER", "nobody"], ["CLIENT", "KILL", "TYPE", "foo"],
                           ["CLIENT", "KILL", "TYPE", "pubsub"], ["CLIENT", "KILL", "SKIPME", "maybe"],
                           ["CLIENT", "KILL", "ID"], ["CLIENT", "KILL"], ["CLIENT", "KILL", "ID", "1", "SKIPME"],
                           ["PING"]],
    "client_kill_self": [Probe("kill own id", kill_self_by_id)],
    "client_kill_other": [Probe("kill other id", kill_other_by_id)],
    "client_kill_addr": [Probe("kill other addr", kill_old_style_addr)],
    "client_subcommand_errors": [["CLIENT"], ["CLIENT", "FOO"], ["CLIENT", "foo", "bar", "baz"],
                                 ["CLIENT", "NOSUCH", "x"]],
    # ---- unknown commands ----
    "unknown_commands": [["FOO"], ["FOO", "a", "b"], ["foo", "with space", ""], ["NOSUCHCMD", "x" * 200],
                         ["FOO", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"],
                         [""], [b"\x00"], ["GET\r\n"], ["PING"]],
}


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_connection(diff, steps, request):
    diff.run(steps, request.node.callspec.id)


# ---- with requirepass: the unauthenticated client's view ----
PW = AUTH_PASSWORD
AUTH_CASES = {
    "noauth_commands": [["PING"], ["GET", "k"], ["SET", "k", "v"], ["FOO"], ["ECHO", "x"], ["CLIENT", "ID"],
                        ["SELECT", "1"], ["COMMAND", "COUNT"], ["INFO"]],
    "auth_wrong_then_right": [["AUTH", "bad"], ["GET", "k"], ["AUTH", "default", "bad"], ["AUTH", "nobody", PW],
                              ["AUTH", PW], ["PING"], ["SET", "k", "v"], ["GET", "k"], ["DEL", "k"],
                              ["AUTH", "bad"], ["PING"]],
    "auth_two_args": [["AUTH", "default", PW], ["PING"], ["AUTH", "a", "b", "c"], ["AUTH"]],
    "hello_unauthenticated": [["HELLO"], ["HELLO", "3"], ["HELLO", "2", "AUTH", "default", "bad"], ["PING"],
                              S(["HELLO", "3", "AUTH", "default", PW], HELLO_CMP), ["PING"], ["GET", "k"]],
    "hello_auth_setname": [S(["HELLO", "2", "AUTH", "default", PW, "SETNAME", "x"], HELLO_CMP),
                           ["CLIENT", "GETNAME"]],
    "quit_unauthenticated": [["QUIT"], Closed()],
    "reset_deauthenticates": [["AUTH", PW], ["PING"], ["RESET"], ["PING"], ["AUTH", PW], ["PING"]],
    "noauth_resp3": [["HELLO", "3"], ["PING"], S(["HELLO", "3", "AUTH", "default", PW], HELLO_CMP),
                     ["GET", "missing"]],
}


@pytest.mark.parametrize("steps", AUTH_CASES.values(), ids=AUTH_CASES.keys())
def test_requirepass(auth_diff, steps, request):
    auth_diff.run(steps, request.node.callspec.id)
