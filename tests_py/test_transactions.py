"""Transactions through real clients: redis-py's Pipeline (transaction=True/False, watch, multi,
execute, WatchError), ``Redis.transaction`` and ``Lock`` against ``fincache-server``, and the same
through the embedded ``fincache.Cache``; then the concurrency test: network clients and Python
threads incrementing shared counters through WATCH/MULTI/EXEC retries lose no update."""

import threading
import time
import uuid

import pytest
import redis
from redis.exceptions import LockError, LockNotOwnedError, RedisError, ResponseError, WatchError

import fincache


def _key(name: str) -> str:
    """A key unique to this test run (the session's server is shared)."""
    return f"{name}:{uuid.uuid4().hex[:8]}"


def _incr_with_watch(client, key: str, times: int) -> int:
    """GET + SET in MULTI under WATCH, retried on WatchError; returns the retries."""
    retries = 0
    with client.pipeline() as pipe:
        for _ in range(times):
            while True:
                try:
                    pipe.watch(key)
                    value = int(pipe.get(key) or 0)
                    pipe.multi()
                    pipe.set(key, value + 1)
                    pipe.execute()
                    break
                except WatchError:
                    retries += 1
    return retries


# ---- the same checks on both front doors ---------------------------------------------------


class _Checks:
    """Behaviour shared by the server (redis-py) and the embedded Cache: `client` and `other`
    are two clients of one engine."""

    def check_transaction_pipeline(self, client):
        k = _key("tp")
        pipe = client.pipeline()
        pipe.set(k, 1).incr(k).get(k).lpush(k, "x")
        res = pipe.execute(raise_on_error=False)
        assert res[:3] == [True, 2, b"2"]
        assert isinstance(res[3], ResponseError)
        with pytest.raises(ResponseError, match="Command # 2"):
            client.pipeline().incr(k).lpush(k, "x").execute()

    def check_queue_error_runs_nothing(self, client):
        k = _key("qe")
        pipe = client.pipeline()
        pipe.set(k, 1)
        pipe.execute_command("SET", k)  # wrong arity: the transaction is discarded
        with pytest.raises(ResponseError, match="wrong number of arguments"):
            pipe.execute()
        assert client.exists(k) == 0

    def check_non_transaction_pipeline(self, client):
        k = _key("ntp")
        pipe = client.pipeline(transaction=False)
        pipe.set(k, "a").append(k, "b").get(k)
        assert pipe.execute() == [True, 2, b"ab"]

    def check_watch_success(self, client):
        k = _key("ws")
        client.set(k, 10)
        with client.pipeline() as pipe:
            pipe.watch(k)
            assert pipe.watching
            assert pipe.get(k) == b"10"  # immediate mode
            pipe.multi()
            pipe.incrby(k, 5)
            pipe.get(k)
            assert pipe.execute() == [15, b"15"]
            assert not pipe.watching
        assert client.get(k) == b"15"

    def check_watch_error(self, client, other):
        k = _key("we")
        client.set(k, 1)
        with client.pipeline() as pipe:
            pipe.watch(k)
            other.set(k, 2)
            pipe.multi()
            pipe.set(k, 3)
            with pytest.raises(WatchError):
                pipe.execute()
        assert client.get(k) == b"2"
        # The pipeline is reset: the next use does not see the old watch.
        with client.pipeline() as pipe:
            pipe.watch(k)
            pipe.multi()
            pipe.set(k, 4)
            assert pipe.execute() == [True]

    def check_watch_expiry(self, client):
        k = _key("wx")
        client.set(k, 1, px=50)
        with client.pipeline() as pipe:
            pipe.watch(k)
            time.sleep(0.12)
            pipe.multi()
            pipe.set(k, 2)
            with pytest.raises(WatchError):
                pipe.execute()

    def check_unwatch_and_reset(self, client, other):
        k = _key("uw")
        with client.pipeline() as pipe:
            pipe.watch(k)
            other.set(k, 1)
            assert pipe.unwatch() is True
            pipe.multi()
            pipe.set(k, 2)
            assert pipe.execute() == [True]
        pipe = client.pipeline()
        pipe.watch(k)
        other.set(k, 3)
        pipe.reset()
        pipe.multi()
        pipe.get(k)
        assert pipe.execute() == [b"3"]

    def check_pipeline_misuse(self, client):
        pipe = client.pipeline()
        pipe.multi()
        with pytest.raises(RedisError, match="nested"):
            pipe.multi()
        with pytest.raises(RedisError, match="WATCH after a MULTI"):
            pipe.watch("x")
        pipe.reset()
        pipe.set("x", 1)
        with pytest.raises(RedisError, match="without an initial WATCH"):
            pipe.multi()
        pipe.reset()

    def check_transaction_helper(self, client, other):
        k = _key("th")
        client.set(k, 5)
        calls = []

        def double(pipe):
            calls.append(1)
            value = int(pipe.get(k))
            if len(calls) == 1:
                other.set(k, 7)  # a concurrent change: the first attempt must retry
            pipe.multi()
            pipe.set(k, value * 2)
            return value

        assert client.transaction(double, k) == [True]
        assert len(calls) == 2
        assert client.get(k) == b"14"
        assert client.transaction(double, k, value_from_callable=True) == 14

    def check_lock(self, client, other):
        name = _key("lock")
        lock = client.lock(name, timeout=5, blocking_timeout=0.2)
        assert lock.acquire()
        assert lock.locked() and lock.owned()
        assert 0 < client.pttl(name) <= 5000
        contender = other.lock(name, timeout=5, blocking_timeout=0.1)
        assert contender.acquire() is False
        assert lock.extend(5)
        assert 5000 < client.pttl(name) <= 10000
        assert lock.reacquire()
        lock.release()
        assert not lock.locked()
        with pytest.raises(LockError):
            lock.release()
        assert contender.acquire()
        with other.lock(name + "b", timeout=1):
            assert client.exists(name + "b") == 1
        assert client.exists(name + "b") == 0
        # A lock that expired and was taken by someone else is not released by its old owner.
        short = client.lock(name + "c", timeout=0.05)
        assert short.acquire()
        time.sleep(0.12)
        assert other.lock(name + "c", timeout=5).acquire()
        with pytest.raises(LockNotOwnedError):
            short.release()


# ---- fincache-server through redis-py --------------------------------------------------------


class TestServer(_Checks):
    @pytest.fixture
    def other(self, fincache_server):
        c = fincache_server.client()
        yield c
        c.close()

    def test_transaction_pipeline(self, r):
        self.check_transaction_pipeline(r)

    def test_queue_error_runs_nothing(self, r):
        self.check_queue_error_runs_nothing(r)

    def test_non_transaction_pipeline(self, r):
        self.check_non_transaction_pipeline(r)

    def test_watch_success(self, r):
        self.check_watch_success(r)

    def test_watch_error(self, r, other):
        self.check_watch_error(r, other)

    def test_watch_expiry(self, r):
        self.check_watch_expiry(r)

    def test_unwatch_and_reset(self, r, other):
        self.check_unwatch_and_reset(r, other)

    def test_pipeline_misuse(self, r):
        self.check_pipeline_misuse(r)

    def test_transaction_helper(self, r, other):
        self.check_transaction_helper(r, other)

    def test_lock(self, r, other):
        self.check_lock(r, other)

    def test_client_list_shows_multi(self, r):
        with r.pipeline() as pipe:
            pipe.execute_command("CLIENT", "INFO")
            info = pipe.execute()[0]
        text = info.decode() if isinstance(info, bytes) else info
        assert " flags=x " in text and " multi=1 " in text and " cmd=exec " in text

    def test_disconnect_unwatches(self, fincache_server, r):
        k = _key("dc")
        for _ in range(50):
            c = fincache_server.client()
            c.execute_command("WATCH", k, k + "x")
            c.execute_command("MULTI")
            c.close()
        r.set(k, 1)  # touching keys whose watchers left must not fail or crash
        assert r.ping()


# ---- the embedded Cache ----------------------------------------------------------------------


class TestEmbedded(_Checks):
    @pytest.fixture
    def cache(self):
        return fincache.Cache()

    @pytest.fixture
    def other(self, cache):
        return cache.client()

    def test_transaction_pipeline(self, cache):
        self.check_transaction_pipeline(cache)

    def test_queue_error_runs_nothing(self, cache):
        self.check_queue_error_runs_nothing(cache)

    def test_non_transaction_pipeline(self, cache):
        self.check_non_transaction_pipeline(cache)

    def test_watch_success(self, cache):
        self.check_watch_success(cache)

    def test_watch_error(self, cache, other):
        self.check_watch_error(cache, other)

    def test_watch_error_same_cache_object(self, cache):
        # A write through the Cache itself (not the pipeline's own client) counts too.
        self.check_watch_error(cache, cache)

    def test_watch_expiry(self, cache):
        self.check_watch_expiry(cache)

    def test_unwatch_and_reset(self, cache, other):
        self.check_unwatch_and_reset(cache, other)

    def test_pipeline_misuse(self, cache):
        self.check_pipeline_misuse(cache)

    def test_transaction_helper(self, cache, other):
        self.check_transaction_helper(cache, other)

    def test_lock(self, cache, other):
        self.check_lock(cache, other)

    def test_watch_invalidated_by_flushall_script_and_network(self, cache):
        k = _key("wf")
        cache.set(k, 1)
        with fincache.Server(cache) as srv:
            net = redis.Redis(port=srv.port)
            try:
                for change in (lambda: cache.flushall(),
                               lambda: cache.eval("return redis.call('set', KEYS[1], 'x')", 1, k),
                               lambda: net.set(k, "n")):
                    cache.set(k, 1)
                    with cache.pipeline() as pipe:
                        pipe.watch(k)
                        change()
                        pipe.multi()
                        pipe.get(k)
                        with pytest.raises(WatchError):
                            pipe.execute()
            finally:
                net.close()

    def test_raw_multi_exec_commands(self, cache):
        c = cache.client()
        assert c.execute_command("MULTI") == b"OK"
        assert c.execute_command("LPUSH", "raw", "1") == b"QUEUED"
        assert c.execute_command("EXEC") == [1]
        with pytest.raises(ResponseError, match="EXEC without MULTI"):
            c.execute_command("EXEC")

    def test_dropped_watching_pipeline_releases_its_keys(self, cache):
        k = _key("gc")
        for _ in range(20):
            pipe = cache.pipeline()
            pipe.watch(k)
            del pipe
        cache.set(k, 1)
        assert cache.get(k) == b"1"

    def test_decode_responses(self):
        cache = fincache.Cache(decode_responses=True)
        with cache.pipeline() as pipe:
            pipe.watch("d")
            assert pipe.get("d") is None
            pipe.multi()
            pipe.set("d", "é")
            pipe.get("d")
            assert pipe.execute() == [True, "é"]


# ---- concurrency: no lost update -------------------------------------------------------------


def test_server_clients_lose_no_update(fincache_server):
    n_clients, n_iters = 6, 60
    key = _key("counter")
    clients = [fincache_server.client() for _ in range(n_clients)]
    errors = []

    def work(c):
        try:
            _incr_with_watch(c, key, n_iters)
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert int(clients[0].get(key)) == n_clients * n_iters
    for c in clients:
        c.close()


def test_threads_and_network_clients_on_one_engine_lose_no_update():
    """Python threads on the embedded Cache and network clients of a fincache.Server serving the
    same engine all increment one counter through WATCH/MULTI/EXEC retries, and two more counters
    through Cache.transaction: the totals are exact."""
    cache = fincache.Cache()
    n_threads, n_net, n_iters = 4, 3, 50
    errors = []
    retries = []

    def guarded(fn, *args):
        try:
            retries.append(fn(*args))
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    def via_transaction(client, times):
        def step(pipe):
            a, b = pipe.mget("tx:a", "tx:b")
            pipe.multi()
            pipe.set("tx:a", int(a or 0) + 1)
            pipe.set("tx:b", int(b or 0) + 2)

        for _ in range(times):
            client.transaction(step, "tx:a", "tx:b")
        return 0

    with fincache.Server(cache) as srv:
        nets = [redis.Redis(port=srv.port) for _ in range(n_net)]
        threads = [threading.Thread(target=guarded,
                                    args=(_incr_with_watch, cache, "shared", n_iters))
                   for _ in range(n_threads)]
        threads += [threading.Thread(target=guarded, args=(_incr_with_watch, c, "shared", n_iters))
                    for c in nets]
        threads += [threading.Thread(target=guarded, args=(via_transaction, cache, n_iters)),
                    threading.Thread(target=guarded, args=(via_transaction, nets[0], n_iters))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for c in nets:
            c.close()
    assert not errors
    assert int(cache.get("shared")) == (n_threads + n_net) * n_iters
    assert int(cache.get("tx:a")) == 2 * n_iters
    assert int(cache.get("tx:b")) == 4 * n_iters
