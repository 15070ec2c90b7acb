"""Python-defined commands (Cache.register_command): embedded, through redis-py to a
fincache.Server, from Lua and transactions, errors, COMMAND listing, and concurrency (Python
threads and network clients at once: atomic, no deadlock between the GIL and the engine)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
import redis
import redis.exceptions as rex

import fincache
import fincache.asyncio


def vwap(ctx, key):
    """Volume-weighted average price of a trades hash (price:qty pairs)."""
    trades = ctx.call("HGETALL", key)
    if not trades:
        return None
    notional = volume = 0.0
    for price, qty in zip(trades[1::2], trades[0::2]):
        notional += float(price) * float(qty)
        volume += float(qty)
    return notional / volume


@pytest.fixture
def cache():
    c = fincache.Cache()
    c.register_command("VWAP", vwap, flags=("readonly",), first_key=1)
    return c


@pytest.fixture
def served(cache):
    with fincache.Server(cache) as srv:
        clients = []

        def client(**kw):
            r = redis.Redis(host=srv.host, port=srv.port, **kw)
            clients.append(r)
            return r

        yield srv, client
        for r in clients:
            r.close()


def load_trades(c, key="t:AAPL"):
    # qty -> price (HGETALL gives qty, price pairs)
    c.hset(key, mapping={"100": "10", "300": "20"})


# ---- embedded --------------------------------------------------------------------------------


def test_embedded_call_returns_the_functions_reply(cache):
    load_trades(cache)
    # RESP2: a float reply is a bulk string, as Redis answers doubles to RESP2 clients.
    assert float(cache.execute_command("VWAP", "t:AAPL")) == pytest.approx(17.5)
    assert cache.execute_command("vwap", "missing") is None
    resp3 = cache.client(protocol=3)
    assert resp3.execute_command("VWAP", "t:AAPL") == pytest.approx(17.5)


def test_arguments_are_bytes_or_str_as_the_registering_cache_decodes():
    seen = []

    def echo(ctx, *args):
        seen.append(args)
        return list(args)

    c = fincache.Cache()
    c.register_command("ECHOB", echo)
    assert c.execute_command("ECHOB", "a", 1, b"\xff") == [b"a", b"1", b"\xff"]
    assert seen[-1] == (b"a", b"1", b"\xff")
    d = fincache.Cache(decode_responses=True)
    d.register_command("ECHOS", echo)
    assert d.execute_command("ECHOS", "a", "é") == ["a", "é"]
    assert seen[-1] == ("a", "é")
    # A binary argument that isn't valid text for a decoding command: an error reply.
    with pytest.raises(rex.ResponseError, match="UnicodeDecodeError"):
        d.execute_command("ECHOS", b"\xff")


def test_context_name_keys_db_protocol():
    got = {}

    def probe(ctx, *args):
        got.update(name=ctx.name, keys=list(ctx.keys), db=ctx.db, protocol=ctx.protocol,
                   active=ctx.active)
        return 1

    c = fincache.Cache(databases=4, db=2)
    c.register_command("Probe", probe, first_key=1, last_key=-2, step=2)
    assert c.execute_command("PROBE", "k1", "v1", "k2", "v2", "tail") == 1
    assert got == {"name": "probe", "keys": [b"k1", b"k2"], "db": 2, "protocol": 2,
                   "active": True}
    c.client(protocol=3).execute_command("probe", "x", "tail")
    assert got["protocol"] == 3 and got["keys"] == [b"x"] and got["db"] == 2


def test_context_call_runs_in_the_callers_db_and_select_stays_inside():
    def move(ctx, key):
        v = ctx.call("GET", key)
        ctx.call("SELECT", 1)
        ctx.call("SET", key, v)  # in db 1, for this command only
        return ctx.call("DBSIZE")

    c = fincache.Cache(databases=4)
    c.register_command("COPYTO1", move, flags=("write",), first_key=1)
    c.set("k", "v")
    assert c.execute_command("COPYTO1", "k") == 1
    assert c.client(db=1).get("k") == b"v"
    assert c.get("k") == b"v" and c.execute_command("DBSIZE") == 1  # the caller stayed in db 0


def test_reply_conversions_resp2_and_resp3():
    def reply(ctx, kind):
        kind = kind.decode()
        return {
            "bytes": b"\x00raw",
            "str": "café",
            "int": -42,
            "big": 2**80,
            "float": 1.5,
            "none": None,
            "true": True,
            "false": False,
            "list": [1, b"a", None, [2.5, "x"]],
            "tuple": (1, 2),
            "set": {b"only"},
            "dict": {b"a": 1},
            "ok": fincache.SimpleString("OK"),
            "status": fincache.SimpleString("multi\r\nline"),
            "error": fincache.CommandError("MYERR custom"),
            "nested_error": [1, fincache.CommandError("WRONGTYPE inner")],
        }[kind]

    c2 = fincache.Cache()
    c2.register_command("REPLY", reply)
    c3 = c2.client(protocol=3)
    run2 = lambda k: c2.execute_command("REPLY", k)  # noqa: E731
    run3 = lambda k: c3.execute_command("REPLY", k)  # noqa: E731
    assert run2("bytes") == run3("bytes") == b"\x00raw"
    assert run2("str") == "café".encode()
    assert run2("int") == run3("int") == -42
    assert run2("big") == str(2**80).encode() and run3("big") == 2**80
    assert run2("float") == b"1.5" and run3("float") == 1.5
    assert run2("none") is None and run3("none") is None
    assert run2("true") == 1 and run3("true") is True
    assert run2("false") == 0 and run3("false") is False
    assert run2("list") == [1, b"a", None, [b"2.5", b"x"]]
    assert run3("list") == [1, b"a", None, [2.5, b"x"]]
    assert run2("tuple") == [1, 2]
    assert run2("set") == run3("set") == [b"only"]
    assert run2("dict") == [b"a", 1] and run3("dict") == {b"a": 1}
    assert run2("ok") == b"OK"
    assert run2("status") == b"multi  line"
    with pytest.raises(rex.ResponseError, match="^MYERR custom$"):
        run2("error")
    nested = run2("nested_error")
    assert nested[0] == 1 and isinstance(nested[1], rex.ResponseError)
    assert str(nested[1]) == "WRONGTYPE inner"


def test_numpy_values_reply_as_plain_numbers():
    np = pytest.importorskip("numpy")
    c = fincache.Cache(protocol=3)
    c.register_command("NP", lambda ctx: [np.int64(7), np.float64(0.5), np.arange(3)])
    assert c.execute_command("NP") == [7, 0.5, [0, 1, 2]]


# ---- errors ----------------------------------------------------------------------------------


def test_errors_become_error_replies():
    def failing(ctx, how):
        how = how.decode()
        if how == "value":
            raise ValueError("bad price")
        if how == "wrongtype":
            raise fincache.CommandError("WRONGTYPE Operation against a key holding the wrong "
                                        "kind of value")
        if how == "plain":
            raise fincache.CommandError("price must be positive")
        if how == "nested":
            return ctx.call("INCR", "s")  # s holds a string: the nested error propagates
        if how == "caught":
            try:
                ctx.call("INCR", "s")
            except fincache.CommandError as e:
                return f"caught: {e}"
        if how == "pcall":
            err = ctx.pcall("INCR", "s")
            return [isinstance(err, fincache.CommandError), str(err)]
        if how == "unknown":
            return ctx.call("NOSUCH", "x")
        if how == "badtype":
            return object()
        if how == "multiline":
            raise RuntimeError("line one\nline two")
        return None

    c = fincache.Cache()
    c.register_command("FAIL", failing)
    c.set("s", "abc")
    cases = {
        "value": "bad price",  # redis-py drops the ERR prefix
        "wrongtype": "WRONGTYPE Operation against a key holding the wrong kind of value",
        "plain": "price must be positive",
        "nested": "value is not an integer or out of range",
        "unknown": "unknown command 'NOSUCH', with args beginning with: 'x' ",
        "multiline": "RuntimeError: line one line two",
    }
    for how, text in cases.items():
        with pytest.raises(rex.ResponseError) as e:
            c.execute_command("FAIL", how)
        if how == "value":
            text = "ValueError: bad price"
        assert str(e.value) == text, how
    assert c.execute_command("FAIL", "caught") == b"caught: ERR value is not an integer or out of range"
    assert c.execute_command("FAIL", "pcall") == [1, b"ERR value is not an integer or out of range"]
    with pytest.raises(rex.ResponseError, match="can't reply a value of type 'object'"):
        c.execute_command("FAIL", "badtype")


def test_error_texts_on_the_wire(cache, served):
    srv, client = served

    def boom(ctx):
        raise KeyError("k")

    cache.register_command("BOOM", boom)
    cache.register_command("CODE", lambda ctx: (_ for _ in ()).throw(
        fincache.CommandError("BUSYKEY Target key name already exists.")))
    # Raw replies, as redis-cli would see them.
    import socket

    with socket.create_connection((srv.host, srv.port)) as s:
        s.sendall(b"BOOM\r\nCODE\r\nVWAP\r\nVWAP a\r\nVWAP a b\r\n")
        data = b""
        while data.count(b"\r\n") < 5:
            data += s.recv(4096)
    assert data == (b"-ERR KeyError: 'k'\r\n"
                    b"-BUSYKEY Target key name already exists.\r\n"
                    b"-ERR wrong number of arguments for 'vwap' command\r\n"
                    b"$-1\r\n"
                    # arity -2 lets it through; the function takes one key: Python's TypeError
                    b"-ERR TypeError: vwap() takes 2 positional arguments but 3 were given\r\n")


def test_read_only_commands_cant_write_and_noscript_commands_are_refused(cache):
    def sneaky(ctx, key):
        return ctx.call("SET", key, "x")

    def multi(ctx):
        return ctx.call("MULTI")

    cache.register_command("SNEAKY", sneaky, flags=["readonly"], first_key=1)
    cache.register_command("TXN", multi)
    with pytest.raises(rex.ResponseError, match="Write commands are not allowed from read-only"):
        cache.execute_command("SNEAKY", "k")
    assert cache.get("k") is None
    with pytest.raises(rex.ResponseError, match="not allowed from a registered command"):
        cache.execute_command("TXN")
    cache.register_command("EVALIN", lambda ctx: ctx.call("EVAL", "return 1", 0))
    with pytest.raises(rex.ResponseError, match="not allowed from a registered command"):
        cache.execute_command("EVALIN")


def test_own_engine_apis_are_refused_inside_and_context_is_bound_to_its_call(cache):
    kept = []

    def uses_cache(ctx):
        return cache.get("k")

    def keeps(ctx):
        kept.append(ctx)
        return 1

    def other_thread(ctx):
        out = []
        t = threading.Thread(target=lambda: out.append(_try(ctx.call, "PING")))
        t.start()
        t.join()
        return out[0]

    def _try(fn, *a):
        try:
            return fn(*a)
        except RuntimeError as e:
            return f"RuntimeError: {e}"

    cache.register_command("USES", uses_cache)
    cache.register_command("KEEPS", keeps)
    cache.register_command("OTHER", other_thread)
    with pytest.raises(rex.ResponseError, match="can't use its own engine"):
        cache.execute_command("USES")
    r = fincache.Redis(cache)
    cache.register_command("USESR", lambda ctx: r.get("k"))
    with pytest.raises(rex.ResponseError, match="can't use its own engine"):
        cache.execute_command("USESR")
    # The NumPy bridges too (they would wait for the gate this command holds).
    cache.register_command("USESNP", lambda ctx: cache.mget_array(["k"]).tolist())
    with pytest.raises(rex.ResponseError, match="can't use its own engine"):
        cache.execute_command("USESNP")
    assert cache.execute_command("KEEPS") == 1
    assert not kept[0].active
    with pytest.raises(RuntimeError, match="only be used while its command runs"):
        kept[0].call("PING")
    assert b"must run on the thread running the command" in cache.execute_command("OTHER")
    # Another engine is fine.
    other = fincache.Cache()
    other.set("o", "1")
    cache.register_command("OTHERENGINE", lambda ctx: [other.get("o"), other.keys("*"),
                                                       ctx.call("SET", "after", "x")])
    # KEYS holds the other engine's exclusive side: leaving it gives this engine's back.
    assert cache.execute_command("OTHERENGINE") == [b"1", [b"o"], b"OK"]


def test_nesting_is_bounded():
    def rec(ctx, n):
        n = int(n)
        return 0 if n == 0 else 1 + ctx.call("REC", n - 1)

    c = fincache.Cache()
    c.register_command("REC", rec, arity=2)
    assert c.execute_command("REC", 10) == 10
    with pytest.raises(rex.ResponseError, match="nested too deeply"):
        c.execute_command("REC", 100)


# ---- registration rules ----------------------------------------------------------------------


def test_registration_rules():
    c = fincache.Cache()
    f = lambda ctx: 1  # noqa: E731
    with pytest.raises(ValueError, match="'get' is a built-in command"):
        c.register_command("GET", f)
    with pytest.raises(ValueError, match="'client' is a built-in command"):
        c.register_command("client", f)
    raw_command(c)
    c.register_command("MINE", f)
    with pytest.raises(ValueError, match="already registered"):
        c.register_command("mine", f)
    c.register_command("mine", lambda ctx: 2, replace=True)
    assert c.execute_command("MINE") == 2
    assert c.unregister_command("MINE") is True
    assert c.unregister_command("MINE") is False
    with pytest.raises(rex.ResponseError, match="unknown command 'MINE'"):
        c.execute_command("MINE")
    for kwargs, msg in [
        ({"flags": ("readonly", "write")}, "both write and readonly"),
        ({"flags": ("bogus",)}, "unknown command flag 'bogus'"),
        ({"arity": 0}, "arity can't be 0"),
        ({"first_key": 2, "arity": 2}, "beyond the arity"),
        ({"first_key": 1, "arity": -1}, "without the first key"),
        ({"first_key": 2, "last_key": 1}, "last_key must be at least first_key"),
        ({"first_key": 1, "step": 0}, "step must be at least 1"),
        ({"last_key": 3}, "last_key needs first_key"),
        ({"first_key": -1}, "first_key can't be negative"),
    ]:
        with pytest.raises(ValueError, match=msg):
            c.register_command("BAD", f, **kwargs)
    for name in ("has space", "", "a|b", "x" * 64):
        with pytest.raises(ValueError, match="command name"):
            c.register_command(name, f)
    with pytest.raises(TypeError, match="callable"):
        c.register_command("NOTFN", 42)
    assert c.execute_command("COMMAND", "INFO", "BAD") == [None]


def test_replacing_keeps_a_running_call_consistent():
    c = fincache.Cache()
    started, release = threading.Event(), threading.Event()

    def slow(ctx):
        started.set()
        release.wait(5)
        return b"old"

    c.register_command("SWAP", slow)
    out = []
    t = threading.Thread(target=lambda: out.append(c.client().execute_command("SWAP")))
    t.start()
    assert started.wait(5)
    # The registration waits for nothing: the running call keeps its function.
    c.register_command("SWAP", lambda ctx: b"new", replace=True)
    release.set()
    t.join(5)
    assert out == [b"old"]
    assert c.execute_command("SWAP") == b"new"


# ---- COMMAND listing -------------------------------------------------------------------------


def raw_command(c):
    """c with redis-py's COMMAND callback off: COMMAND replies as the engine sent them."""
    c.set_response_callback("COMMAND", lambda resp, **kw: resp)
    return c


def test_command_info_docs_count_list_getkeys(cache):
    raw_command(cache)
    resp3 = raw_command(cache.client(protocol=3))
    n = cache.execute_command("COMMAND", "COUNT")
    cache.register_command("HSUMW", lambda ctx, *a: 0, flags=("write", "denyoom"), first_key=1,
                           last_key=-1, step=2, summary="Sum of weights")
    assert cache.execute_command("COMMAND", "COUNT") == n + 1
    info = resp3.execute_command("COMMAND", "INFO", "vwap", "hsumw")
    vw, hs = info
    assert vw[:6] == [b"vwap", -2, [b"readonly", b"module"], 1, 1, 1]
    assert sorted(vw[6]) == [b"@read", b"@slow"]
    assert vw[8] == [{b"flags": [b"RO", b"access"],
                      b"begin_search": {b"type": b"index", b"spec": {b"index": 1}},
                      b"find_keys": {b"type": b"range",
                                     b"spec": {b"lastkey": 0, b"keystep": 1, b"limit": 0}}}]
    assert hs[:6] == [b"hsumw", -2, [b"write", b"denyoom", b"module"], 1, -1, 2]
    assert sorted(hs[6]) == [b"@slow", b"@write"]
    assert hs[8][0][b"flags"] == [b"RW", b"access", b"update"]
    assert hs[8][0][b"find_keys"][b"spec"] == {b"lastkey": -1, b"keystep": 2, b"limit": 0}
    docs = resp3.execute_command("COMMAND", "DOCS", "vwap", "hsumw")
    assert docs[b"vwap"] == {b"summary": b"Volume-weighted average price of a trades hash "
                                         b"(price:qty pairs).",
                             b"group": b"module", b"module": b"python"}
    assert docs[b"hsumw"][b"summary"] == b"Sum of weights"
    assert sorted(cache.execute_command("COMMAND", "LIST", "FILTERBY", "MODULE", "python")) == \
        [b"hsumw", b"vwap"]
    assert cache.execute_command("COMMAND", "LIST", "FILTERBY", "MODULE", "other") == []
    assert b"vwap" in cache.execute_command("COMMAND", "LIST")
    assert cache.execute_command("COMMAND", "GETKEYS", "HSUMW", "a", "1", "b", "2") == [b"a", b"b"]
    everything = cache.execute_command("COMMAND")
    assert len(everything) == n + 1 and [e for e in everything if e[0] == b"vwap"]
    all_docs = resp3.execute_command("COMMAND", "DOCS")
    assert b"vwap" in all_docs and b"get" in all_docs
    cache.unregister_command("hsumw")
    assert cache.execute_command("COMMAND", "INFO", "hsumw") == [None]
    assert cache.execute_command("COMMAND", "COUNT") == n


def test_command_listing_through_redis_py(cache, served):
    srv, client = served
    r = raw_command(client())
    r.execute_command("VWAP", "nothing")
    listed = r.execute_command("COMMAND", "INFO", "VWAP")
    assert listed[0][0] == b"vwap" and listed[0][1] == -2
    stats = r.info("commandstats")
    assert stats["cmdstat_vwap"]["calls"] == 1


# ---- through the network, scripts, transactions ----------------------------------------------


@pytest.mark.parametrize("protocol", [2, 3])
def test_redis_py_client_of_a_server(cache, served, protocol):
    srv, client = served
    r = client(protocol=protocol)
    load_trades(r)
    reply = r.execute_command("VWAP", "t:AAPL")
    assert float(reply) == pytest.approx(17.5)
    with pytest.raises(rex.ResponseError, match="wrong number of arguments for 'vwap'"):
        r.execute_command("VWAP")
    cache.register_command("PAIRS", lambda ctx: {b"a": 1, b"b": [True, None]})
    got = r.execute_command("PAIRS")
    assert got == ({b"a": 1, b"b": [True, None]} if protocol == 3 else [b"a", 1, b"b", [1, None]])


def test_called_from_lua_and_inside_multi(cache, served):
    srv, client = served
    r = client()
    load_trades(r)
    assert float(r.eval("return redis.call('vwap', KEYS[1])", 1, "t:AAPL")) == pytest.approx(17.5)
    cache.register_command("BUMP", lambda ctx, k: ctx.call("INCRBY", k, 10), flags=("write",),
                           first_key=1)
    with pytest.raises(rex.ResponseError, match="Write commands are not allowed from read-only"):
        r.eval_ro("return redis.call('bump', KEYS[1])", 1, "n")
    cache.register_command("HIDDEN", lambda ctx: 1, flags=("noscript",))
    with pytest.raises(rex.ResponseError, match="not allowed from script"):
        r.eval("return redis.call('hidden')", 0)
    with r.pipeline() as p:
        p.incr("n").execute_command("BUMP", "n").get("n")
        assert p.execute() == [1, 11, b"11"]


def test_watch_sees_a_python_commands_writes(cache, served):
    srv, client = served
    r = client()
    cache.register_command("BUMP", lambda ctx, k: ctx.call("INCR", k), flags=("write",),
                           first_key=1)
    with r.pipeline() as p:
        p.watch("n")
        cache.execute_command("BUMP", "n")
        p.multi()
        p.set("n", 100)
        with pytest.raises(rex.WatchError):
            p.execute()
    assert r.get("n") == b"1"


def test_blocking_commands_are_refused_inside_and_pushes_wake_blocked_clients(cache, served):
    srv, client = served
    # Redis 7.0 flags the blocking list commands noscript: refused inside, as from scripts.
    cache.register_command("TRYPOP", lambda ctx, k: ctx.call("BLPOP", k, 0), first_key=1)
    with pytest.raises(rex.ResponseError, match="not allowed from a registered command"):
        cache.execute_command("TRYPOP", "q")
    cache.register_command("PUSH2", lambda ctx, k: [ctx.call("RPUSH", k, "a"),
                                                    ctx.call("RPUSH", k, "b")],
                           flags=("write",), first_key=1)
    waiter = client()
    out = []
    t = threading.Thread(target=lambda: out.append(waiter.blpop("jobs", timeout=5)))
    t.start()
    deadline = time.monotonic() + 5
    while cache.execute_command("CLIENT", "LIST").count(b"cmd=blpop") == 0:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert cache.execute_command("PUSH2", "jobs") == [1, 2]
    t.join(5)
    # Served after the whole command (as after a script): the first element, the other stays.
    assert out == [(b"jobs", b"a")]
    assert cache.lrange("jobs", 0, -1) == [b"b"]


def test_fincache_redis_and_asyncio_register_and_call():
    r = fincache.Redis(decode_responses=True)
    r.register_command("GREET", lambda ctx, who: f"hello {who}")
    assert r.execute_command("GREET", "ann") == "hello ann"
    with r.pipeline() as p:  # through the loopback connections
        p.execute_command("GREET", "bob")
        assert p.execute() == ["hello bob"]
    assert r.unregister_command("GREET") is True

    async def main():
        a = fincache.asyncio.Redis(r, decode_responses=True)
        a.register_command("TWICE", lambda ctx, x: 2 * int(x))
        try:
            return await a.execute_command("TWICE", 21)
        finally:
            await a.aclose()

    assert asyncio.run(main()) == 42


# ---- concurrency -----------------------------------------------------------------------------


def test_atomic_and_deadlock_free_with_python_threads_and_network_clients(cache, served):
    """A read-modify-write command that sleeps in the middle (releasing the GIL) loses no update
    while Python threads (fast commands keeping the GIL, slow ones releasing it) and network
    clients run it and other commands at the same time."""
    srv, client = served

    def add(ctx, key, amount):
        v = int(ctx.call("GET", key) or 0)
        time.sleep(0.0005)  # other threads run now; the engine must still be ours
        ctx.call("SET", key, v + int(amount))
        return v + int(amount)

    cache.register_command("ADD", add, flags=("write",), first_key=1)
    per_worker, errors = 40, []

    def py_worker(i):
        c = cache.client() if i % 2 else cache  # a shared Cache and own clients
        try:
            for n in range(per_worker):
                c.execute_command("ADD", "total", 1)
                c.incr("plain")          # fast: keeps the GIL, waits for the gate without it
                c.mset({f"m{i}": n})     # slow: releases the GIL
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    def net_worker(i):
        r = client()
        try:
            for n in range(per_worker):
                r.execute_command("ADD", "total", 1)
                r.incr("plain")
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=py_worker, args=(i,)) for i in range(4)]
    threads += [threading.Thread(target=net_worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    # The main thread keeps using the engine too.
    for _ in range(100):
        cache.get("total")
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "deadlock"
    assert errors == []
    assert int(cache.get("total")) == 8 * per_worker
    assert int(cache.get("plain")) == 8 * per_worker


def test_server_close_while_commands_run(cache):
    """Stopping a server joins its threads with the GIL released, so a network thread inside a
    Python command can finish."""
    started = threading.Event()

    def slow(ctx):
        started.set()
        time.sleep(0.2)
        return 1

    cache.register_command("SLOW", slow)
    srv = fincache.Server(cache)
    r = redis.Redis(port=srv.port)
    out = []
    t = threading.Thread(target=lambda: out.append(_safe(r.execute_command, "SLOW")))
    t.start()
    assert started.wait(5)
    srv.close()
    t.join(5)
    assert not t.is_alive()
    r.close()


def _safe(fn, *a):
    try:
        return fn(*a)
    except Exception as e:
        return e
