"""fincache.Server: an embedded engine served over RESP from the same Python process."""

from __future__ import annotations

import socket
import threading

import pytest
import redis
import redis.exceptions as rex

import fincache


def test_round_trip_with_redis_py():
    cache = fincache.Cache()
    with fincache.Server(cache) as srv:
        assert srv.host == "127.0.0.1"
        assert srv.port > 0
        r = redis.Redis(host=srv.host, port=srv.port)
        try:
            assert r.ping() is True
            r.set("from-net", "1")
            assert cache.get("from-net") == b"1"  # same data from both doors
            cache.set("from-py", "2", ex=100)
            assert r.get("from-py") == b"2"
            assert r.ttl("from-py") == 100
        finally:
            r.close()


def test_server_without_cache_makes_one():
    with fincache.Server() as srv:
        assert isinstance(srv.cache, fincache.Cache)
        r = redis.Redis(port=srv.port, decode_responses=True)
        try:
            r.set("k", "v")
            assert srv.cache.get("k") == b"v"
        finally:
            r.close()


def test_resp3_client():
    with fincache.Server() as srv:
        r = redis.Redis(port=srv.port, protocol=3)
        try:
            assert r.echo("x") == b"x"
        finally:
            r.close()


def test_requirepass_network_clients_must_auth():
    cache = fincache.Cache(requirepass="s3cret")
    cache.set("k", "v")  # embedded: no AUTH needed
    with fincache.Server(cache) as srv:
        anon = redis.Redis(port=srv.port)
        try:
            with pytest.raises(rex.AuthenticationError):
                anon.get("k")
        finally:
            anon.close()
        ok = redis.Redis(port=srv.port, password="s3cret")
        try:
            assert ok.get("k") == b"v"
        finally:
            ok.close()


def test_many_clients_in_threads():
    cache = fincache.Cache()
    with fincache.Server(cache, io_threads=2) as srv:
        def work(i: int):
            r = redis.Redis(port=srv.port)
            try:
                for _ in range(200):
                    r.incr("n")
            finally:
                r.close()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for i in range(200):
            cache.incr("n")  # the embedded API at the same time
        for t in threads:
            t.join()
    assert cache.get("n") == b"1000"


def test_close_stops_serving_and_is_idempotent():
    srv = fincache.Server()
    port = srv.port
    r = redis.Redis(port=port, retry=None, socket_connect_timeout=1)
    assert r.ping() is True
    r.close()
    srv.close()
    assert srv.closed
    srv.close()
    with socket.socket() as s:
        s.settimeout(1)
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_start_stop_many_times_on_one_engine():
    cache = fincache.Cache()
    for i in range(30):
        with fincache.Server(cache) as srv:
            r = redis.Redis(port=srv.port)
            try:
                assert r.incr("starts") == i + 1
            finally:
                r.close()
    assert cache.get("starts") == b"30"


def test_two_servers_one_engine():
    cache = fincache.Cache()
    with fincache.Server(cache) as a, fincache.Server(cache) as b:
        assert a.port != b.port
        ra, rb = redis.Redis(port=a.port), redis.Redis(port=b.port)
        try:
            ra.set("k", "1")
            assert rb.get("k") == b"1"
        finally:
            ra.close()
            rb.close()


def test_port_in_use_raises_oserror():
    with fincache.Server() as srv:
        with pytest.raises(OSError, match="Address already in use"):
            fincache.Server(port=srv.port)


def test_bad_arguments():
    with pytest.raises(ValueError):
        fincache.Server(port=70000)
    with pytest.raises(ValueError):
        fincache.Server(io_threads=-1)
