"""maxmemory and eviction through the embedded engine (fincache.Cache(maxmemory=...,
maxmemory_policy=...)) and fincache-server: each of the eight policies, eviction quality (LRU keeps
a hot working set through a cold scan, LFU keeps frequently used keys, volatile-* never touch keys
without a TTL), the limit held within a few percent, the "evicted" notification and WATCH."""

import time

import pytest
import redis

import fincache

VALUE = b"v" * 200
POLICIES = ["noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu",
            "allkeys-random", "volatile-random", "volatile-ttl"]


def info(cache, section):
    return cache.info(section)


def used(cache) -> int:
    return int(info(cache, "memory")["used_memory"])


def evicted(cache) -> int:
    return int(info(cache, "stats")["evicted_keys"])


def limited_cache(policy: str, room: int, **settings) -> fincache.Cache:
    """A cache whose maxmemory leaves `room` bytes above its empty usage."""
    c = fincache.Cache(maxmemory_policy=policy, **settings)
    c.config_set("maxmemory", used(c) + room)
    return c


def test_settings_as_cache_arguments():
    c = fincache.Cache(maxmemory="10mb", maxmemory_policy="allkeys-lfu", maxmemory_samples=10,
                       maxmemory_eviction_tenacity=20, lfu_log_factor=5, lfu_decay_time=2)
    got = c.config_get("maxmemory*")
    assert got["maxmemory"] == str(10 * 1024 * 1024)
    assert got["maxmemory-policy"] == "allkeys-lfu"
    assert got["maxmemory-samples"] == "10"
    assert got["maxmemory-eviction-tenacity"] == "20"
    assert c.config_get("lfu*") == {"lfu-log-factor": "5", "lfu-decay-time": "2"}
    m = c.info("memory")
    assert m["maxmemory"] == 10 * 1024 * 1024 and m["maxmemory_policy"] == "allkeys-lfu"
    assert m["maxmemory_human"] == "10.00M"
    with pytest.raises(ValueError):
        fincache.Cache(maxmemory="lots")
    with pytest.raises(ValueError):
        fincache.Cache(maxmemory_policy="lru")


@pytest.mark.parametrize("policy", POLICIES)
def test_each_policy_holds_the_limit(policy):
    c = limited_cache(policy, 100_000)
    limit = int(c.config_get("maxmemory")["maxmemory"])
    refused = 0
    for i in range(2000):
        try:
            c.set(f"k{i}", VALUE, ex=3600)  # every key has a TTL: volatile-* may evict all
        except redis.ResponseError as e:
            assert str(e) == "command not allowed when used memory > 'maxmemory'."
            assert policy == "noeviction"
            refused += 1
        if i % 100 == 99:
            assert used(c) <= limit * 1.03
    if policy == "noeviction":
        assert refused > 1000 and evicted(c) == 0
        assert c.get("k0") == VALUE  # reads still work
        assert c.delete("k0") == 1  # and DEL frees room
        c.set("again", VALUE)
    else:
        assert refused == 0
        assert evicted(c) > 1000
        assert c.dbsize() < 2000
        assert c.get("k1999") == VALUE or policy.endswith("random")


def test_allkeys_lru_keeps_the_hot_set_through_a_cold_scan():
    c = limited_cache("allkeys-lru", 1_500_000, maxmemory_samples=5)
    hot = [f"hot:{i}" for i in range(300)]
    for k in hot:
        c.set(k, VALUE)
    # Fill most of the room with cold keys, then let a second pass (the LRU clock's resolution).
    n = 0
    while used(c) < int(c.config_get("maxmemory")["maxmemory"]) * 0.9:
        c.set(f"cold:{n}", VALUE)
        n += 1
    time.sleep(1.1)
    # A cold scan several times the room while the hot keys keep being read.
    pipe = c.pipeline(transaction=False)
    for round_ in range(30):
        for k in hot:
            pipe.get(k)
        for i in range(1000):
            pipe.set(f"scan:{round_}:{i}", VALUE)
        pipe.execute()
    resident = sum(c.exists(k) for k in hot)
    assert resident >= 0.97 * len(hot), resident
    assert evicted(c) > 20_000
    assert used(c) <= int(c.config_get("maxmemory")["maxmemory"]) * 1.03


def test_allkeys_lfu_keeps_frequently_used_keys():
    c = limited_cache("allkeys-lfu", 1_000_000)
    frequent = [f"freq:{i}" for i in range(300)]
    for k in frequent:
        c.set(k, VALUE)
    for _ in range(30):
        pipe = c.pipeline(transaction=False)
        for k in frequent:
            pipe.get(k)
        pipe.execute()
    assert all(c.object("freq", k) > 5 for k in frequent[:20])
    pipe = c.pipeline(transaction=False)
    for i in range(30_000):  # keys used once: several times the room
        pipe.set(f"once:{i}", VALUE)
        if i % 1000 == 999:
            pipe.execute()
    pipe.execute()
    resident = sum(c.exists(k) for k in frequent)
    assert resident >= 0.97 * len(frequent), resident
    assert evicted(c) > 20_000


@pytest.mark.parametrize("policy", ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"])
def test_volatile_policies_never_evict_keys_without_ttl(policy):
    c = limited_cache(policy, 300_000)
    for i in range(300):
        c.set(f"keep:{i}", VALUE)
    for i in range(3000):
        c.set(f"tmp:{i}", VALUE, ex=3600)
    assert all(c.exists(f"keep:{i}") for i in range(300))
    assert evicted(c) > 1000
    # With no TTL key left to evict, writes are refused.
    c.config_set("maxmemory", used(c) - 10_000)
    with pytest.raises(redis.ResponseError, match="command not allowed when used memory"):
        for i in range(10_000):
            c.set(f"more:{i}", VALUE)
    assert all(c.exists(f"keep:{i}") for i in range(300))
    assert c.ttl("keep:0") == -1 and c.info("keyspace")["db0"]["expires"] == 0


def test_volatile_ttl_evicts_nearest_expiry_first():
    c = limited_cache("volatile-ttl", 200_000)
    for i in range(1500):
        c.set(f"t:{i}", VALUE, ex=10_000 + i * 10)
    assert evicted(c) > 500
    late = [f"t:{i}" for i in range(1400, 1500)]
    assert all(c.exists(k) for k in late)
    gone = sum(1 - c.exists(f"t:{i}") for i in range(300))
    assert gone >= 250, gone


def test_limit_lowered_at_runtime_evicts_down_to_it():
    c = fincache.Cache(maxmemory_policy="allkeys-random")
    for i in range(5000):
        c.set(f"k{i}", VALUE)
    before = used(c)
    c.config_set("maxmemory", before // 2)
    c.ping()  # any command evicts first
    deadline = time.time() + 5
    while used(c) > before // 2 * 1.02 and time.time() < deadline:
        time.sleep(0.05)  # the background cycle finishes what the time budget left
    assert used(c) <= before // 2 * 1.02
    m = c.info("stats")
    assert m["evicted_keys"] > 1000
    # The limit is met again, so no eviction period is open (the total is timing-dependent).
    assert "total_eviction_exceeded_time" in m and m["current_eviction_exceeded_time"] == 0


def test_evicted_notification_and_watch():
    c = limited_cache("allkeys-random", 50_000, notify_keyspace_events="Ee")
    p = c.pubsub()
    p.subscribe("__keyevent@0__:evicted")
    assert p.get_message(timeout=1)["type"] == "subscribe"
    for i in range(100):
        c.set(f"w{i}", VALUE)
    with c.pipeline() as pipe:
        pipe.watch(*[f"w{i}" for i in range(100)])
        for i in range(1000):
            c.set(f"x{i}", VALUE)  # evicts some watched keys
        pipe.multi()
        pipe.set("after", "1")
        with pytest.raises(redis.WatchError):
            pipe.execute()
    seen = set()
    while (m := p.get_message(timeout=0.5)) is not None:
        assert m["channel"] == b"__keyevent@0__:evicted"
        seen.add(m["data"])
    assert len(seen) > 500
    assert not any(c.exists(k) for k in list(seen)[:50])
    p.close()


def test_oom_error_class_and_scripts():
    c = fincache.Cache(maxmemory=1)
    with pytest.raises(redis.ResponseError) as e:
        c.set("k", "v")
    assert str(e.value) == "command not allowed when used memory > 'maxmemory'."
    assert c.get("k") is None
    assert c.eval("return redis.call('get', KEYS[1])", 1, "k") is None
    with pytest.raises(redis.ResponseError, match="command not allowed when used memory"):
        c.eval("return redis.call('set', KEYS[1], 'v')", 1, "k")
    c.config_set("maxmemory", 0)
    assert c.set("k", "v") is True


def test_server_flags_and_memory_command():
    """fincache-server takes the settings as flags; MEMORY answers through redis-py."""
    import subprocess
    import socket
    import shutil
    import os

    binary = shutil.which("fincache-server") or os.path.join(os.path.dirname(__import__("sys").executable),
                                                             "fincache-server")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--http-port", "0", "--maxmemory", "2mb",
                             "--maxmemory-policy", "allkeys-lru", "--save", ""],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        r = redis.Redis(port=port)
        deadline = time.time() + 10
        while True:
            try:
                r.ping()
                break
            except redis.ConnectionError:
                assert time.time() < deadline
                time.sleep(0.05)
        assert r.config_get("maxmemory") == {"maxmemory": str(2 * 1024 * 1024)}
        pipe = r.pipeline(transaction=False)
        for i in range(20_000):
            pipe.set(f"k{i}", VALUE)
        pipe.execute()
        mem = r.info("memory")
        assert mem["used_memory"] <= 2 * 1024 * 1024 * 1.03
        assert r.info("stats")["evicted_keys"] > 5000
        assert r.memory_usage("k19999") >= len(VALUE)
        stats = r.memory_stats()
        assert stats["keys.count"] == r.dbsize()
        assert r.execute_command("MEMORY", "DOCTOR")
    finally:
        proc.terminate()
        proc.wait(10)


def test_pytest_plugin_factories_accept_memory_settings(fincache_factory, fincache_server_factory):
    """The plugin's factories pass maxmemory settings to the engine (installed entry point)."""
    c = fincache_factory(maxmemory="1mb", maxmemory_policy="allkeys-lru")
    assert c.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
    for i in range(10_000):
        c.set(f"k{i}", VALUE)
    assert used(c) <= 1024 * 1024 * 1.03 and evicted(c) > 5000
    srv = fincache_server_factory(maxmemory="2mb", maxmemory_policy="volatile-lru")
    r = redis.Redis(port=srv.port)
    assert r.config_get("maxmemory") == {"maxmemory": str(2 * 1024 * 1024)}
    r.close()


@pytest.mark.fincache(maxmemory=1)
def test_pytest_plugin_marker_sets_maxmemory(fincache):
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        fincache.set("k", "v")
