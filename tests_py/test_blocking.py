"""Blocking commands with several clients: parked calls woken by pushes from other clients (FIFO
across clients), timeouts, disconnects, CLIENT UNBLOCK, pipelines behind a blocked command, the
embedded API (a blocked call blocks only its Python thread, with the GIL released), and the
concurrency test: many network clients and Python threads pushing and popping the same keys lose
and duplicate nothing."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import redis

import fincache


def wait_until(pred, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.005)
    return False


def blocked(r) -> int:
    return r.info("clients")["blocked_clients"]


class Call(threading.Thread):
    """Runs fn() in a thread; .result / .error after join()."""

    def __init__(self, fn):
        super().__init__(daemon=True)
        self.fn, self.result, self.error = fn, None, None
        self.start()

    def run(self):
        try:
            self.result = self.fn()
        except Exception as e:  # noqa: BLE001 (reported by the test)
            self.error = e


@pytest.fixture
def clients(fincache_server):
    made = []

    def make(**kw):
        c = fincache_server.client(**kw)
        made.append(c)
        return c

    first = make()
    first.flushall()
    yield make
    for c in made:
        c.close()


def raw_conn(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(2)
    return s


def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def read_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            break
        buf += chunk
    return buf


# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------


def test_block_then_push(clients):
    a, b = clients(), clients()
    call = Call(lambda: a.blpop(["q1", "q2"], timeout=5))
    assert wait_until(lambda: blocked(b) == 1)
    assert b.rpush("q2", "x") == 1
    call.join(3)
    assert call.result == (b"q2", b"x")
    assert b.exists("q2") == 0
    assert blocked(b) == 0


def test_fifo_across_clients(clients):
    pusher = clients()
    waiters = []
    for i in range(4):
        c = clients()
        waiters.append(Call(lambda c=c: c.brpop("fifo", timeout=5)))
        assert wait_until(lambda i=i: blocked(pusher) == i + 1)
    for i in range(4):
        pusher.lpush("fifo", f"e{i}")
        waiters[i].join(3)
        assert waiters[i].result == (b"fifo", f"e{i}".encode()), i
    assert all(w.result for w in waiters)


def test_one_push_of_many_serves_many_in_order(clients):
    pusher = clients()
    waiters = []
    for i in range(3):
        c = clients()
        waiters.append(Call(lambda c=c: c.blpop("many", timeout=5)))
        assert wait_until(lambda i=i: blocked(pusher) == i + 1)
    assert pusher.rpush("many", "a", "b", "c", "d") == 4
    for w in waiters:
        w.join(3)
    assert [w.result[1] for w in waiters] == [b"a", b"b", b"c"]
    assert pusher.lrange("many", 0, -1) == [b"d"]


def test_timeout_accuracy(clients):
    a = clients()
    for cmd in (lambda: a.blpop("none", timeout=0.2), lambda: a.bzpopmin("none", timeout=0.2),
                lambda: a.blmove("none", "d", 0.2, "LEFT", "RIGHT")):
        t0 = time.monotonic()
        assert cmd() is None
        elapsed = time.monotonic() - t0
        assert 0.19 <= elapsed < 0.6, elapsed


def test_disconnect_while_blocked_is_cleaned_up(clients, fincache_server):
    b = clients()
    s = raw_conn(fincache_server.port)
    s.sendall(resp("BLPOP", "gone", "0"))
    assert wait_until(lambda: blocked(b) == 1)
    s.close()
    assert wait_until(lambda: blocked(b) == 0)
    b.rpush("gone", "kept")
    assert b.lrange("gone", 0, -1) == [b"kept"]


def test_pipeline_behind_blocked_command_waits(clients, fincache_server):
    b = clients()
    s = raw_conn(fincache_server.port)
    s.sendall(resp("BLPOP", "pq", "0") + resp("PING", "after") + resp("LLEN", "pq"))
    assert wait_until(lambda: blocked(b) == 1)
    s.settimeout(0.2)
    with pytest.raises(socket.timeout):
        s.recv(100)
    s.settimeout(2)
    b.rpush("pq", "v1", "v2")
    expected = b"*2\r\n$2\r\npq\r\n$2\r\nv1\r\n$5\r\nafter\r\n:1\r\n"
    assert read_exact(s, len(expected)) == expected
    s.close()


def test_client_unblock(clients):
    a, b = clients(), clients()
    aid = a.client_id()
    call = Call(lambda: a.blpop("ub", timeout=0))
    assert wait_until(lambda: blocked(b) == 1)
    assert b.client_unblock(aid) is True
    call.join(3)
    assert call.error is None and call.result is None
    call = Call(lambda: a.bzpopmax("ub", timeout=0))
    assert wait_until(lambda: blocked(b) == 1)
    assert b.client_unblock(aid, error=True) is True
    call.join(3)
    assert isinstance(call.error, redis.ResponseError)
    assert "client unblocked via CLIENT UNBLOCK" in str(call.error)
    assert b.client_unblock(aid) is False
    b.rpush("ub", "x")
    assert b.llen("ub") == 1


def test_client_list_shows_blocked_flag(clients):
    a, b = clients(), clients()
    aid = a.client_id()
    call = Call(lambda: a.blpop("fl", timeout=2))
    assert wait_until(lambda: blocked(b) == 1)
    line = [c for c in b.client_list() if c["id"] == str(aid)][0]
    assert line["flags"] == "b" and line["cmd"] == "blpop"
    b.rpush("fl", "x")
    call.join(3)
    assert call.result == (b"fl", b"x")


def test_resp3_served_reply(clients):
    a, b = clients(protocol=3), clients()
    call = Call(lambda: a.execute_command("BZPOPMIN", "z3", "5"))
    assert wait_until(lambda: blocked(b) == 1)
    b.zadd("z3", {"m": 1.5})
    call.join(3)
    assert call.result == [b"z3", b"m", 1.5]


def test_blmove_chain_and_type_change(clients):
    mover, tail, pusher = clients(), clients(), clients()
    c1 = Call(lambda: mover.blmove("src", "dst", 5, "RIGHT", "LEFT"))
    assert wait_until(lambda: blocked(pusher) == 1)
    c2 = Call(lambda: tail.blpop("dst", timeout=5))
    assert wait_until(lambda: blocked(pusher) == 2)
    pusher.set("src", "string")  # wrong type: both stay blocked
    time.sleep(0.05)
    assert blocked(pusher) == 2
    pusher.delete("src")
    pusher.rpush("src", "a", "b")
    c1.join(3)
    c2.join(3)
    assert c1.result == b"b"
    assert c2.result == (b"dst", b"b")
    assert pusher.lrange("src", 0, -1) == [b"a"]


# ---------------------------------------------------------------------------------------------
# Embedded
# ---------------------------------------------------------------------------------------------


def test_embedded_blocking_releases_the_gil():
    cache = fincache.Cache()
    call = Call(lambda: cache.blpop("eq", timeout=5))
    # This thread keeps running Python while the other one is parked.
    spins = 0
    deadline = time.monotonic() + 0.2
    while time.monotonic() < deadline:
        spins += 1
    assert spins > 1000
    assert call.is_alive()
    assert cache.info("clients")["blocked_clients"] == 1
    cache.rpush("eq", "v")  # same Cache object, another thread
    call.join(3)
    assert call.result == (b"eq", b"v")


def test_embedded_timeout_and_immediate():
    cache = fincache.Cache(decode_responses=True)
    t0 = time.monotonic()
    assert cache.brpop(["a", "b"], timeout=0.15) is None
    assert 0.14 <= time.monotonic() - t0 < 0.6
    cache.zadd("z", {"m": 2})
    assert cache.bzpopmin("z", timeout=1) == ("z", "m", 2.0)
    cache.rpush("l", "x", "y")
    assert cache.blmpop(1, 1, "l", direction="RIGHT", count=5) == ["l", ["y", "x"]]
    with pytest.raises(redis.ResponseError, match="timeout is negative"):
        cache.blpop("l", timeout=-1)


def test_embedded_pipeline_does_not_park():
    cache = fincache.Cache()
    with cache.pipeline(transaction=False) as p:
        p.blpop("nothing", timeout=0)
        p.rpush("x", "1")
        assert p.execute() == [None, 1]


def test_embedded_atomic_pipeline_serves_waiters_after_it():
    cache = fincache.Cache()
    call = Call(lambda: cache.client().blpop("tq", timeout=5))
    assert wait_until(lambda: cache.info("clients")["blocked_clients"] == 1)
    with cache.pipeline(transaction=True) as p:
        p.rpush("tq", "a", "b")
        p.lpop("tq")
        assert p.execute() == [2, b"a"]
    call.join(3)
    assert call.result == (b"tq", b"b")


def test_embedded_woken_by_network_client_and_unblock():
    cache = fincache.Cache()
    with fincache.Server(cache) as srv:
        r = redis.Redis(port=srv.port)
        try:
            call = Call(lambda: cache.bzpopmax("ez", timeout=0))
            assert wait_until(lambda: blocked(r) == 1)
            r.zadd("ez", {"a": 1, "b": 2})
            call.join(3)
            assert call.result == (b"ez", b"b", 2.0)
            other = cache.client()
            call = Call(lambda: other.blpop("never", timeout=0))
            assert wait_until(lambda: blocked(r) == 1)
            assert r.client_unblock(other._session.id) is True
            call.join(3)
            assert call.error is None and call.result is None
        finally:
            r.close()


# ---------------------------------------------------------------------------------------------
# Concurrency: nothing lost, nothing duplicated
# ---------------------------------------------------------------------------------------------


def test_many_pushers_and_blockers_lose_and_duplicate_nothing():
    keys = ["c0", "c1", "c2"]
    per_producer = 300
    cache = fincache.Cache()
    with fincache.Server(cache) as srv:
        net = [redis.Redis(port=srv.port, socket_timeout=10) for _ in range(8)]
        produced, consumed = [], []
        lock = threading.Lock()
        stop = threading.Event()

        def producer(client, name):
            items = []
            for i in range(per_producer):
                v = f"{name}:{i}"
                client.rpush(keys[i % 3], v)
                items.append(v.encode())
            with lock:
                produced.extend(items)

        def consumer(client, mode):
            got = []
            while True:
                if mode == 0:
                    res = client.blpop(keys, timeout=0.2)
                    item = res and res[1]
                elif mode == 1:
                    res = client.brpop(keys[::-1], timeout=0.2)
                    item = res and res[1]
                else:
                    res = client.blmpop(0.2, 3, *keys, direction="LEFT", count=2)
                    item = res and res[1]
                if item:
                    got.extend(item if isinstance(item, list) else [item])
                elif stop.is_set():
                    break
            with lock:
                consumed.extend(got)

        consumers = [Call(lambda c=c, m=m: consumer(c, m))
                     for c, m in [(net[0], 0), (net[1], 1), (net[2], 2), (net[3], 0),
                                  (cache, 0), (cache.client(), 1), (cache.client(), 2)]]
        producers = [Call(lambda c=c, n=n: producer(c, n))
                     for c, n in [(net[4], "n4"), (net[5], "n5"), (net[6], "n6"), (net[7], "n7"),
                                  (cache, "e0"), (cache.client(), "e1")]]
        for p in producers:
            p.join(30)
            assert p.error is None, p.error
        stop.set()
        for c in consumers:
            c.join(30)
            assert c.error is None, c.error
        leftover = []
        for k in keys:
            leftover += cache.lrange(k, 0, -1)
        for c in net:
            c.close()
    assert len(produced) == per_producer * 6
    assert len(consumed) + len(leftover) == len(produced)  # nothing duplicated
    assert sorted(consumed + leftover) == sorted(produced)  # nothing lost
    assert not leftover  # consumers drained everything before stopping


def test_embedded_wait_is_interruptible():
    """Ctrl-C (SIGINT) cancels a blocked embedded call with KeyboardInterrupt; nothing is lost."""
    import signal
    import subprocess
    import sys

    # A job started in the background by a non-interactive shell inherits SIGINT ignored, and
    # Python then installs no KeyboardInterrupt handler: install it, as an interactive run has.
    code = (
        "import fincache, signal, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "c = fincache.Cache()\n"
        "print('ready', flush=True)\n"
        "try:\n"
        "    c.blpop('q', timeout=0)\n"
        "except KeyboardInterrupt:\n"
        "    c.rpush('q', 'x')\n"
        "    print('interrupted', c.info('clients')['blocked_clients'], c.llen('q'), flush=True)\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=10)
    finally:
        p.kill()
        p.wait()
    assert out.strip() == "interrupted 0 1"
