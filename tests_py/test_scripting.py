"""Lua scripting through real clients: redis-py's ``register_script`` / ``Script`` objects,
EVAL/EVALSHA/EVAL_RO and SCRIPT against ``fincache-server``, and the same through the embedded
``fincache.Cache`` (which runs EVAL through the same dispatcher)."""

import threading

import pytest
import redis

import fincache

INCR_SCRIPT = """
local v = tonumber(redis.call('get', KEYS[1]) or '0')
redis.call('set', KEYS[1], v + tonumber(ARGV[1]))
return v + tonumber(ARGV[1])
"""

VWAP_SCRIPT = """
local num, den = 0, 0
for i, key in ipairs(KEYS) do
  local p = tonumber(redis.call('hget', key, 'price'))
  local v = tonumber(redis.call('hget', key, 'volume'))
  num = num + p * v
  den = den + v
end
if den == 0 then return false end
return tostring(num / den)
"""


def _has_eval(client) -> bool:
    try:
        client.execute_command("EVAL", "return 1", 0)
    except redis.ResponseError as e:
        if "unknown command" in str(e):
            return False
        raise
    return True


# ---- the server through redis-py -------------------------------------------------------------


def test_register_script_runs_and_caches(r):
    r.script_flush()
    incr = r.register_script(INCR_SCRIPT)
    assert incr(keys=["ctr"], args=[5]) == 5
    assert incr(keys=["ctr"], args=[2]) == 7
    assert r.script_exists(incr.sha) == [True]
    assert r.get("ctr") == b"7"


def test_script_reloads_after_flush(r):
    incr = r.register_script(INCR_SCRIPT)
    incr(keys=["ctr2"], args=[1])
    r.script_flush()
    assert r.script_exists(incr.sha) == [False]
    # Script.__call__ catches NOSCRIPT, loads the script and retries.
    assert incr(keys=["ctr2"], args=[1]) == 2


def test_script_in_pipeline(r):
    r.script_flush()
    incr = r.register_script(INCR_SCRIPT)
    pipe = r.pipeline(transaction=False)
    incr(keys=["p"], args=[1], client=pipe)
    incr(keys=["p"], args=[10], client=pipe)
    pipe.get("p")
    assert pipe.execute() == [1, 11, b"11"]


def test_vwap_script(r):
    r.hset("px:AAPL", mapping={"price": "100", "volume": "10"})
    r.hset("px:MSFT", mapping={"price": "200", "volume": "30"})
    vwap = r.register_script(VWAP_SCRIPT)
    assert float(vwap(keys=["px:AAPL", "px:MSFT"])) == pytest.approx(175.0)


def test_eval_and_evalsha_replies(r):
    assert r.eval("return {1, 'two', {3}}", 0) == [1, b"two", [3]]
    assert r.eval("return {ok='fine'}", 0) == b"fine"
    assert r.eval("return KEYS[1] .. ARGV[1]", 1, "k", "v") == b"kv"
    sha = r.script_load("return 'loaded'")
    assert r.evalsha(sha, 0) == b"loaded"
    assert r.evalsha_ro(sha, 0) == b"loaded"
    r.set("ro", "x")
    assert r.eval_ro("return redis.call('get', KEYS[1])", 1, "ro") == b"x"


def test_script_errors_raise_response_error(r):
    r.set("s", "abc")
    with pytest.raises(redis.ResponseError, match="value is not an integer or out of range"):
        r.eval("return redis.call('incr', 's')", 0)
    with pytest.raises(redis.exceptions.NoScriptError):
        r.evalsha("f" * 40, 0)
    with pytest.raises(redis.ResponseError, match="Write commands are not allowed"):
        r.eval_ro("return redis.call('set', 'a', 'b')", 0)
    with pytest.raises(redis.ResponseError, match="nonexistent global variable 'os'"):
        r.eval("return os.time()", 0)


def test_eval_loses_no_update_under_concurrency(fincache_server):
    """N clients run a non-atomic-looking GET+SET script: scripts are atomic, no update lost."""
    n_threads, n_iters = 8, 100
    clients = [redis.Redis(port=fincache_server.port) for _ in range(n_threads)]
    clients[0].delete("shared")
    scripts = [c.register_script(INCR_SCRIPT) for c in clients]

    def work(i):
        for _ in range(n_iters):
            scripts[i](keys=["shared"], args=[1])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert int(clients[0].get("shared")) == n_threads * n_iters
    for c in clients:
        c.close()


# ---- the embedded engine ---------------------------------------------------------------------


@pytest.fixture
def cache():
    c = fincache.Cache()
    if not _has_eval(c):
        pytest.fail("the installed fincache module has no EVAL: rebuild it (make build)")
    return c


def test_embedded_register_script(cache):
    incr = cache.register_script(INCR_SCRIPT)
    assert incr(keys=["ctr"], args=[3]) == 3
    assert incr(keys=["ctr"], args=[4]) == 7
    assert cache.get("ctr") == b"7"
    cache.script_flush()
    assert incr(keys=["ctr"], args=[1]) == 8  # reloaded after NOSCRIPT


def test_embedded_vwap_and_errors(cache):
    cache.hset("px:A", mapping={"price": "10", "volume": "1"})
    cache.hset("px:B", mapping={"price": "20", "volume": "3"})
    vwap = cache.register_script(VWAP_SCRIPT)
    assert float(vwap(keys=["px:A", "px:B"])) == pytest.approx(17.5)
    with pytest.raises(redis.ResponseError, match="Unknown Redis command called from script"):
        cache.eval("return redis.call('nosuch')", 0)


def test_embedded_eval_threads_lose_no_update(cache):
    incr = cache.register_script(INCR_SCRIPT)

    def work():
        for _ in range(200):
            incr(keys=["c"], args=[1])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for _ in range(200):
        cache.incr("c")
    for t in threads:
        t.join()
    assert int(cache.get("c")) == 1000
