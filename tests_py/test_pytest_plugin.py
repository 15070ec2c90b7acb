"""The pytest plugin (entry point pytest11): its fixtures in a fresh project's test file, run by
a separate pytest process that finds the plugin through the installed package only."""

import pytest

pytest_plugins = ["pytester"]

PROJECT_TEST = '''
import threading

import pytest
import redis

import fincache as fc


def test_embedded_cache_is_fresh_per_test_a(fincache):
    assert isinstance(fincache, fc.Cache)
    assert fincache.dbsize() == 0
    fincache.set("k", "v", ex=100)
    assert fincache.get("k") == b"v" and fincache.ttl("k") == 100


def test_embedded_cache_is_fresh_per_test_b(fincache):
    assert fincache.get("k") is None and fincache.dbsize() == 0


@pytest.mark.fincache(decode_responses=True, databases=2)
def test_marker_configures_the_cache(fincache):
    fincache.zadd("lb", {"alice": 3, "bob": 5})
    assert fincache.zrevrange("lb", 0, 0) == ["bob"]
    assert fincache.config_get("databases") == {"databases": "2"}
    with pytest.raises(redis.ResponseError, match="DB index is out of range"):
        fincache.select(2)


def test_server_and_client_share_one_engine(fincache_server, fincache_client):
    assert isinstance(fincache_client, redis.Redis)
    assert fincache_client.ping() is True
    fincache_client.rpush("q", "a", "b")
    assert fincache_server.cache.lrange("q", 0, -1) == [b"a", b"b"]
    fincache_server.cache.hset("h", mapping={"f": "1"})
    assert fincache_client.hgetall("h") == {b"f": b"1"}
    assert 0 < fincache_server.port < 65536


def test_server_is_fresh_per_test(fincache_client):
    assert fincache_client.dbsize() == 0


@pytest.mark.fincache(decode_responses=True, protocol=3, requirepass="s3cret")
def test_marker_configures_server_and_client(fincache_server, fincache_client):
    assert fincache_client.set("a", "1") is True
    assert fincache_client.get("a") == "1"
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=fincache_server.port, password="wrong").ping()


def test_factories(fincache_factory, fincache_server_factory):
    a, b = fincache_factory(), fincache_factory(databases=1)
    a.set("x", "1")
    assert b.get("x") is None
    srv = fincache_server_factory(a)
    assert redis.Redis(port=srv.port).get("x") == b"1"
    other = fincache_server_factory(decode_responses=True)
    assert other.port != srv.port and redis.Redis(port=other.port).dbsize() == 0


def test_blocking_between_client_and_cache(fincache_server, fincache_client):
    t = threading.Timer(0.1, lambda: fincache_server.cache.rpush("jobs", "j1"))
    t.start()
    assert fincache_client.blpop("jobs", timeout=5) == (b"jobs", b"j1")
    t.join()
'''


def test_fixtures_in_a_fresh_project(pytester):
    pytester.makepyfile(test_project=PROJECT_TEST)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8)


def test_marker_is_registered(pytester):
    pytester.makepyfile(test_strict="import pytest\n\n@pytest.mark.fincache(databases=1)\n"
                                    "def test_x(fincache):\n    assert fincache.dbsize() == 0\n")
    result = pytester.runpytest_subprocess("-q", "--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_marker_rejects_positional_arguments(pytester):
    pytester.makepyfile(test_bad="import pytest\n\n@pytest.mark.fincache(1)\n"
                                 "def test_x(fincache):\n    pass\n")
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*keyword arguments only*"])


@pytest.mark.parametrize("name", ["fincache", "fincache_client", "fincache_factory",
                                  "fincache_server_factory"])
def test_fixtures_are_listed(pytester, name):
    result = pytester.runpytest_subprocess("--fixtures", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines([f"{name}*"])
