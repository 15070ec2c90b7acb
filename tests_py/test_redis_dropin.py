"""fincache.Redis: redis-py's own client on an in-process engine (no socket).

The collection cases of test_embedded_collections run through fincache.Redis both ways it runs
commands (its native session, and the loopback connections redis-py packs and parses for, forced
by a password) and must equal redis.Redis against a real redis-server, value and type; then
redis-py's usage patterns: pipelines, transactions with WATCH, Lock, Script, blocking pops
served from other threads, shared engines, from_url.
"""

from __future__ import annotations

import threading
import time

import pytest
import redis
import redis.exceptions as rex

import fincache
from test_embedded_collections import ALL_CASES, outcome, redis_proc  # noqa: F401 (fixture)


def make_client(mode: str, **kwargs):
    if mode == "native":
        return fincache.Redis(**kwargs)
    # A password makes every command go through a pooled loopback connection.
    return fincache.Redis(settings={"requirepass": "pw"}, password="pw", **kwargs)


@pytest.mark.parametrize("mode", ["native", "loopback"])
@pytest.mark.parametrize("protocol, decode", [(None, False), (2, False), (3, True)])
@pytest.mark.parametrize("case", sorted(ALL_CASES))
def test_parity_with_redis_py(redis_proc, case, protocol, decode, mode):  # noqa: F811
    r = redis.Redis(port=redis_proc.port, protocol=protocol, decode_responses=decode)
    r.flushall()
    f = make_client(mode, protocol=protocol, decode_responses=decode)
    try:
        for step in ALL_CASES[case]:
            assert outcome(f, step) == outcome(r, step), f"step {step}"
    finally:
        r.close()
        f.close()


@pytest.mark.parametrize("mode", ["native", "loopback"])
def test_errors_are_redis_py_exceptions(mode):
    f = make_client(mode)
    f.set("s", "x")
    with pytest.raises(rex.ResponseError, match="^WRONGTYPE"):
        f.lpush("s", "a")
    with pytest.raises(rex.ResponseError, match="unknown command 'NOPE'"):
        f.execute_command("NOPE")
    with pytest.raises(rex.ResponseError, match="not an integer"):
        f.incr("s")


@pytest.mark.parametrize("mode", ["native", "loopback"])
def test_pipelines_and_transactions(mode):
    f = make_client(mode)
    with f.pipeline(transaction=False) as p:
        assert p.set("a", 1).incr("a").get("a").execute() == [True, 2, b"2"]
    with f.pipeline() as p:
        assert p.set("b", 1).lpush("b", "x").get("b").execute(raise_on_error=False)[0] is True
    # WATCH: a write by another client between WATCH and EXEC aborts the transaction.
    other = fincache.Redis(f, password="pw" if mode == "loopback" else None)
    with f.pipeline() as p:
        p.watch("a")
        v = int(p.get("a"))
        other.set("a", 100)
        p.multi()
        p.set("a", v + 1)
        with pytest.raises(rex.WatchError):
            p.execute()
    assert f.get("a") == b"100"

    def add_one(pipe):
        v = int(pipe.get("a"))
        pipe.multi()
        pipe.set("a", v + 1)

    assert f.transaction(add_one, "a") == [True]
    assert f.get("a") == b"101"


def test_concurrent_watch_retries_lose_no_update():
    f = fincache.Redis()
    f.set("n", 0)

    def worker():
        for _ in range(100):
            f.transaction(lambda p: (lambda v: (p.multi(), p.set("n", v + 1)))(int(p.get("n"))), "n")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert f.get("n") == b"400"


def test_lock_and_script():
    f = fincache.Redis()
    lock = f.lock("L", timeout=5, blocking_timeout=1)
    assert lock.acquire()
    assert not f.lock("L", blocking_timeout=0.05).acquire()
    lock.release()
    assert f.get("L") is None
    incr = f.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
    assert incr(keys=["c"], args=[5]) == 5
    assert incr(keys=["c"], args=[2]) == 7
    with f.pipeline() as p:
        incr(keys=["c"], args=[1], client=p)
        assert p.execute() == [8]


@pytest.mark.parametrize("mode", ["native", "loopback"])
def test_blocking_pop_served_by_another_thread(mode):
    f = make_client(mode)
    pusher = fincache.Redis(f, password="pw" if mode == "loopback" else None)
    t = threading.Timer(0.1, lambda: pusher.rpush("q", "job"))
    t.start()
    start = time.monotonic()
    assert f.blpop("q", timeout=5) == (b"q", b"job")
    assert time.monotonic() - start < 4
    t.join()
    assert f.blpop("q", timeout=0.05) is None


def test_shares_engines_with_cache_and_server():
    c = fincache.Cache()
    f = fincache.Redis(c)
    f.set("k", "v")
    assert c.get("k") == b"v"
    with fincache.Server(c) as srv:
        net = redis.Redis(port=srv.port)
        assert net.get("k") == b"v"
        net.set("n", "1")
        assert fincache.Redis(srv).get("n") == b"1"
        net.close()
    assert f.cache().get("k") == b"v"
    with pytest.raises(TypeError):
        fincache.Redis(c, settings={"databases": 2})
    with pytest.raises(TypeError):
        fincache.Redis(object())


def test_databases_select_and_client_list():
    f = fincache.Redis(db=1, settings={"databases": 2})
    f.set("k", "one")
    assert fincache.Redis(f).get("k") is None
    assert fincache.Redis(f, db=1).get("k") == b"one"
    with pytest.raises(rex.ResponseError, match="DB index is out of range"):
        fincache.Redis(f, db=2).get("k")
    clients = f.client_list()
    assert clients and all(c["addr"].startswith("loopback:") for c in clients)


def test_from_url():
    a = fincache.Redis.from_url("fincache://")
    b = fincache.Redis.from_url("fincache://")
    a.set("k", "1")
    assert b.get("k") is None  # unnamed: a new engine each time
    s1 = fincache.Redis.from_url("fincache://shared-test/2?decode_responses=true&protocol=3")
    s1.set("k", "v")
    s2 = fincache.Redis.from_url("fincache://shared-test/2")
    assert s2.get("k") == b"v"
    assert s1.get("k") == "v"
    with pytest.raises(ValueError):
        fincache.Redis.from_url("redis://localhost:6379")
    with pytest.raises(TypeError):
        fincache.Redis(host="localhost")


def test_requirepass_needs_the_password():
    f = fincache.Redis(settings={"requirepass": "pw"})
    with pytest.raises(rex.AuthenticationError):
        f.set("k", "v")
    assert fincache.Redis(f, password="pw").set("k", "v") is True
    with pytest.raises(rex.AuthenticationError):
        fincache.Redis(f, password="wrong").get("k")


@pytest.mark.parametrize("protocol", [2, 3])
def test_pubsub_redis_py_patterns(protocol):
    r = fincache.Redis(protocol=protocol)
    p = r.pubsub()
    p.subscribe("ticks")
    p.psubscribe("px:*")
    assert p.get_message(timeout=1)["type"] == "subscribe"
    assert p.get_message(timeout=1)["type"] == "psubscribe"
    assert r.publish("ticks", "hello") == 1 and r.publish("px:AAPL", "189.5") == 1
    assert p.get_message(timeout=1) == {"type": "message", "pattern": None, "channel": b"ticks",
                                        "data": b"hello"}
    assert p.get_message(timeout=1) == {"type": "pmessage", "pattern": b"px:*",
                                        "channel": b"px:AAPL", "data": b"189.5"}
    start = time.monotonic()
    assert p.get_message(timeout=0.2) is None
    assert time.monotonic() - start >= 0.15
    # run_in_thread with handlers; order per publisher kept.
    got = []
    handled = r.pubsub()
    handled.subscribe(h=lambda m: got.append(int(m["data"])))
    worker = handled.run_in_thread(sleep_time=0.05)
    try:
        deadline = time.monotonic() + 5
        while r.pubsub_numsub("h")[0][1] != 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        for i in range(200):
            r.publish("h", i)
        while len(got) < 200 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        worker.stop()
        worker.join(timeout=5)
    assert got == list(range(200))
    p.close()
    handled.close()
    assert r.pubsub_numsub("ticks", "h") == [(b"ticks", 0), (b"h", 0)]


def test_pubsub_crosses_cache_server_and_network():
    r = fincache.Redis()
    p = r.pubsub()
    p.subscribe("ticks")
    assert p.get_message(timeout=1)["type"] == "subscribe"
    assert r.cache().publish("ticks", "from-cache") == 1
    assert p.get_message(timeout=1)["data"] == b"from-cache"
    with fincache.Server(r) as srv:
        net = redis.Redis(port=srv.port)
        assert net.publish("ticks", "from-net") == 1
        assert p.get_message(timeout=1)["data"] == b"from-net"
        pn = net.pubsub()
        pn.subscribe("back")
        assert pn.get_message(timeout=1)["type"] == "subscribe"
        assert r.publish("back", "to-net") == 1
        assert pn.get_message(timeout=1)["data"] == b"to-net"
        pn.close()
        net.close()
    p.close()


def test_slow_loopback_subscriber_is_disconnected():
    r = fincache.Redis()
    r.config_set("client-output-buffer-limit", "pubsub 1mb 0 0")
    p = r.pubsub()
    p.subscribe("flood")
    p.get_message(timeout=1)
    payload = "x" * 10_000
    for _ in range(300):  # 3 MB never read: over the 1 MB hard limit
        r.publish("flood", payload)
    with pytest.raises(rex.ConnectionError):
        for _ in range(1000):
            p.get_message(timeout=0.01)
    p.close()
    assert r.pubsub_numsub("flood") == [(b"flood", 0)]
