"""Pub/Sub through redis-py's PubSub: against fincache-server, against the embedded Cache
(``Cache.pubsub()``), across the two (a fincache.Server serving the Cache's engine), and the
slow-subscriber bound (``client-output-buffer-limit pubsub``)."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import redis
import redis.exceptions as rex

import fincache

from diffutil import encode_command


def _next(ps, timeout=2.0, ignore_subscribe=True):
    """The next message (skipping subscribe confirmations), or None after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = ps.get_message(ignore_subscribe_messages=ignore_subscribe, timeout=0.1)
        if m is not None:
            return m
    return None


def _wait_numsub(client, channel, n, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = {k.encode() if isinstance(k, str) else k: v
                  for k, v in client.pubsub_numsub(channel)}
        if counts.get(channel.encode() if isinstance(channel, str) else channel, 0) == n:
            return True
        time.sleep(0.01)
    return False


# --------------------------------------------------------------------------------------------
# The same PubSub behaviour on both transports
# --------------------------------------------------------------------------------------------


@pytest.fixture(params=["server", "embedded"])
def pair(request, r):
    """(publisher, PubSub factory) over the network server or the embedded Cache."""
    if request.param == "server":
        made = []

        def factory(**kw):
            ps = r.pubsub(**kw)
            made.append(ps)
            return ps

        yield r, factory
        for ps in made:
            ps.close()
    else:
        cache = fincache.Cache()
        made = []

        def factory(**kw):
            ps = cache.pubsub(**kw)
            made.append(ps)
            return ps

        yield cache, factory
        for ps in made:
            ps.close()


def test_subscribe_get_message(pair):
    pub, make = pair
    ps = make()
    ps.subscribe("news")
    m = ps.get_message(timeout=1)
    assert m == {"type": "subscribe", "pattern": None, "channel": b"news", "data": 1}
    assert ps.get_message(timeout=0.05) is None
    assert pub.publish("news", "hello") == 1
    assert _next(ps) == {"type": "message", "pattern": None, "channel": b"news", "data": b"hello"}
    ps.psubscribe("n*")
    assert _next(ps, ignore_subscribe=False)["type"] == "psubscribe"
    assert pub.publish("news", "both") == 2
    got = [_next(ps), _next(ps)]
    assert {m["type"] for m in got} == {"message", "pmessage"}
    assert [m for m in got if m["type"] == "pmessage"][0]["pattern"] == b"n*"
    ps.unsubscribe("news")
    ps.punsubscribe("n*")
    assert _next(ps, ignore_subscribe=False)["type"] == "unsubscribe"
    last = _next(ps, ignore_subscribe=False)
    assert last == {"type": "punsubscribe", "pattern": None, "channel": b"n*", "data": 0}
    assert not ps.subscribed
    assert pub.publish("news", "nobody") == 0


def test_handlers_and_ignore_subscribe(pair):
    pub, make = pair
    ps = make(ignore_subscribe_messages=True)
    got = []
    ps.subscribe(**{"h1": got.append})
    ps.psubscribe(**{"p.*": got.append})
    assert ps.get_message(timeout=0.2) is None  # the confirmations are ignored
    pub.publish("h1", "a")
    pub.publish("p.x", "b")
    deadline = time.monotonic() + 2
    while len(got) < 2 and time.monotonic() < deadline:
        assert ps.get_message(timeout=0.1) is None  # handled, not returned
    assert [(m["type"], m["data"]) for m in got] == [("message", b"a"), ("pmessage", b"b")]


@pytest.mark.parametrize("transport", ["server", "embedded"])
def test_listen_decode_responses(transport, fincache_server):
    if transport == "server":
        client = fincache_server.client(decode_responses=True)
    else:
        client = fincache.Cache(decode_responses=True)
    ps = client.pubsub()
    ps.subscribe("c")
    out = []

    def reader():
        for m in ps.listen():
            out.append(m)
            if m["type"] == "message" and m["data"] == "stop":
                ps.unsubscribe()
        # listen() ends once nothing is subscribed

    t = threading.Thread(target=reader)
    t.start()
    assert _wait_numsub(client, "c", 1)
    for i in range(5):
        client.publish("c", f"m{i}")
    client.publish("c", "stop")
    t.join(5)
    assert not t.is_alive()
    assert [m["data"] for m in out if m["type"] == "message"] == [f"m{i}" for i in range(5)] + ["stop"]
    assert out[0] == {"type": "subscribe", "pattern": None, "channel": "c", "data": 1}
    assert out[-1]["type"] == "unsubscribe"
    ps.close()
    client.close()


def test_run_in_thread(pair):
    pub, make = pair
    ps = make()
    got = []
    ev = threading.Event()

    def handler(m):
        got.append(m["data"])
        if len(got) == 3:
            ev.set()

    ps.subscribe(**{"t": handler})
    worker = ps.run_in_thread(sleep_time=0.05, daemon=True)
    try:
        deadline = time.monotonic() + 3
        while pub.publish("t", "x") == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        pub.publish("t", "y")
        pub.publish("t", "z")
        assert ev.wait(3)
        assert got[-2:] == [b"y", b"z"]
    finally:
        worker.stop()
        worker.join(3)
    assert not worker.is_alive()


def test_context_manager_and_close(pair):
    pub, make = pair
    with make() as ps:
        ps.subscribe("cm")
        assert _next(ps, ignore_subscribe=False)["type"] == "subscribe"
        assert pub.publish("cm", "1") == 1
    # reset() ended the subscription
    deadline = time.monotonic() + 3
    while pub.publish("cm", "2") != 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pub.publish("cm", "2") == 0


def test_ordering_per_publisher(pair):
    pub, make = pair
    ps = make()
    ps.subscribe("ord")
    _next(ps, ignore_subscribe=False)
    n = 2000
    if isinstance(pub, fincache.Cache):
        p = pub.pipeline(transaction=False)
    else:
        p = pub.pipeline(transaction=False)
    for i in range(n):
        p.publish("ord", str(i))
    assert p.execute() == [1] * n
    got = [int(_next(ps)["data"]) for _ in range(n)]
    assert got == list(range(n))


def test_ping_while_subscribed(pair):
    pub, make = pair
    ps = make()
    ps.subscribe("x")
    _next(ps, ignore_subscribe=False)
    ps.ping()
    m = _next(ps, ignore_subscribe=False)
    assert m["type"] == "pong" and m["data"] == b""


def test_subscribed_mode_error_is_raised_embedded():
    # The embedded PubSub raises a command's error reply when it is read, as redis-py's
    # read_response does (test_diff_pubsub compares the server's error reply itself).
    ps = fincache.Cache().pubsub()
    ps.subscribe("x")
    _next(ps, ignore_subscribe=False)
    ps.execute_command("GET", "k")
    with pytest.raises(rex.ResponseError, match="only \\(P\\|S\\)SUBSCRIBE"):
        ps.get_message(timeout=1)


def test_sharded(pair):
    pub, make = pair
    ps = make()
    ps.ssubscribe("shard")
    assert _next(ps, ignore_subscribe=False)["type"] == "ssubscribe"
    assert pub.spublish("shard", "v") == 1
    assert pub.publish("shard", "v") == 0
    m = _next(ps)
    assert m == {"type": "smessage", "pattern": None, "channel": b"shard", "data": b"v"}


def test_embedded_cache_cannot_subscribe_outside_pubsub():
    c = fincache.Cache()
    with pytest.raises(rex.ResponseError, match="Cache.pubsub"):
        c.execute_command("SUBSCRIBE", "x")
    assert c.publish("x", "y") == 0


def test_embedded_resp3():
    c = fincache.Cache(protocol=3)
    ps = c.pubsub()
    ps.subscribe("r3")
    assert _next(ps, ignore_subscribe=False)["data"] == 1
    assert c.publish("r3", "v") == 1
    assert _next(ps)["data"] == b"v"
    ps.close()


def test_get_message_waits_without_the_gil():
    c = fincache.Cache()
    ps = c.pubsub()
    ps.subscribe("g")
    _next(ps, ignore_subscribe=False)
    ticks = []
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    t = threading.Thread(target=spin)
    t.start()
    t0 = time.monotonic()
    assert ps.get_message(timeout=0.5) is None
    elapsed = time.monotonic() - t0
    stop.set()
    t.join()
    assert 0.45 <= elapsed < 2
    assert len(ticks) > 50  # the other thread ran while get_message waited


# --------------------------------------------------------------------------------------------
# Across the embedded API and the network (fincache.Server on the Cache's engine)
# --------------------------------------------------------------------------------------------


def test_cross_delivery_embedded_and_network():
    cache = fincache.Cache()
    with fincache.Server(cache) as srv:
        net = redis.Redis(host=srv.host, port=srv.port)
        try:
            # network subscriber, embedded publisher
            nps = net.pubsub()
            nps.subscribe("to-net")
            _next(nps, ignore_subscribe=False)
            assert cache.publish("to-net", "from-cache") == 1
            assert _next(nps)["data"] == b"from-cache"
            # embedded subscriber, network publisher
            eps = cache.pubsub()
            eps.psubscribe("to-*")
            _next(eps, ignore_subscribe=False)
            assert net.publish("to-cache", "from-net") == 1
            m = _next(eps)
            assert (m["type"], m["pattern"], m["channel"], m["data"]) == (
                "pmessage", b"to-*", b"to-cache", b"from-net")
            # both subscribed to one channel
            assert net.publish("to-net", "both") == 2
            assert _next(nps)["data"] == b"both"
            assert _next(eps)["data"] == b"both"
            assert net.pubsub_numpat() == 1
            assert cache.pubsub_numsub("to-net") == [(b"to-net", 1)]
            eps.close()
            nps.close()
        finally:
            net.close()


def test_many_subscribers_fan_out(fincache_server):
    client = fincache_server.client()
    subs = [client.pubsub() for _ in range(20)]
    try:
        for ps in subs:
            ps.subscribe("fan")
            _next(ps, ignore_subscribe=False)
        for i in range(50):
            assert client.publish("fan", str(i)) == 20
        for ps in subs:
            assert [int(_next(ps)["data"]) for _ in range(50)] == list(range(50))
    finally:
        for ps in subs:
            ps.close()
        client.close()


# --------------------------------------------------------------------------------------------
# Slow subscribers: client-output-buffer-limit pubsub
# --------------------------------------------------------------------------------------------


def test_slow_network_subscriber_is_disconnected(start_server):
    srv = start_server("--client-output-buffer-limit", "pubsub 1mb 512kb 1")
    pub = srv.client()
    # A raw subscriber that never reads, with a small receive buffer.
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", srv.port))
    s.sendall(encode_command(["SUBSCRIBE", "firehose"]))
    assert _wait_numsub(pub, "firehose", 1)
    rss_before = srv.rss_bytes()
    payload = b"x" * 10000
    receivers = []
    for _ in range(2000):  # 20 MB, far over the hard limit
        receivers.append(pub.publish("firehose", payload))
    assert receivers[0] == 1
    assert _wait_numsub(pub, "firehose", 0, timeout=5)
    assert pub.publish("firehose", "after") == 0
    # The server dropped the subscriber's backlog: memory stays near where it was.
    assert srv.rss_bytes() - rss_before < 16 * 1024 * 1024
    assert srv.wait_log("overcoming of output buffer limits")
    pub.ping()
    s.close()
    pub.close()


def test_soft_limit_for_seconds(start_server):
    srv = start_server("--client-output-buffer-limit", "pubsub 0 100kb 1")
    pub = srv.client()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", srv.port))
    s.sendall(encode_command(["SUBSCRIBE", "slow"]))
    assert _wait_numsub(pub, "slow", 1)
    payload = b"y" * 10000
    # Past what the kernel buffers, over the soft limit, but not for long: still subscribed.
    p = pub.pipeline(transaction=False)
    for _ in range(800):
        p.publish("slow", payload)
    p.execute()
    assert dict(pub.pubsub_numsub("slow"))[b"slow"] == 1
    # Over it for more than a second (checked as messages keep coming): closed.
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline and dict(pub.pubsub_numsub("slow"))[b"slow"] == 1:
        pub.publish("slow", payload)
        time.sleep(0.05)
    assert dict(pub.pubsub_numsub("slow"))[b"slow"] == 0
    s.close()
    pub.close()


def test_slow_embedded_subscriber_is_bounded():
    cache = fincache.Cache()
    cache.config_set("client-output-buffer-limit", "pubsub 256kb 0 0")
    ps = cache.pubsub()
    ps.subscribe("e")
    payload = b"z" * 1000
    for _ in range(1000):  # ~1 MB, never read
        cache.publish("e", payload)
    assert cache.pubsub_numsub("e") == [(b"e", 1)]  # unsubscribed lazily, when read
    with pytest.raises(rex.ConnectionError, match="client-output-buffer-limit"):
        ps.get_message(timeout=0.2)
    assert cache.pubsub_numsub("e") == [(b"e", 0)]
    assert cache.publish("e", "x") == 0


def test_client_list_and_info(fincache_server):
    client = fincache_server.client()
    ps = client.pubsub()
    ps.subscribe("a", "b")
    ps.psubscribe("p*")
    try:
        assert _wait_numsub(client, "a", 1)
        clients = client.client_list(_type="pubsub")
        assert any(c["sub"] == "2" and c["psub"] == "1" and c["flags"] == "P" for c in clients)
        stats = client.info("stats")
        assert stats["pubsub_channels"] >= 2
        assert stats["pubsub_patterns"] >= 1
    finally:
        ps.close()
        client.close()
