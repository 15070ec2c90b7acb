"""The HTTP front door (cpp/http) of the built fincache-server, through a real HTTP client
(requests) and raw sockets: health and readiness, the keys REST routes for every type, SCAN
listing, INFO as JSON, flush, POST /api/v1/command, auth, CORS, limits and timeouts, and
fincache.Server(http_port=...)."""

from __future__ import annotations

import base64
import socket
import time
from typing import Optional

import pytest
import redis
import requests

import fincache
from diffutil import free_port


def start_http(start_server, *args: str, env: Optional[dict] = None,
               config_text: Optional[str] = None):
    """A fincache-server with HTTP on a free port (retried when the port is taken meanwhile)."""
    last: Exception | None = None
    for _ in range(3):
        port = free_port()
        try:
            srv = start_server("--http-port", str(port), *args, env=env, config_text=config_text)
        except RuntimeError as e:  # a probed free port can be taken before the server binds it
            last = e
            if "Address already in use" in str(e):
                continue
            raise
        srv.http_port = port
        srv.url = f"http://127.0.0.1:{port}"
        return srv
    raise RuntimeError(f"could not start with HTTP: {last}")


@pytest.fixture(scope="module")
def http_server(fincache_bin):
    from conftest import FincacheProcess
    srv = None
    for _ in range(3):
        port = free_port()
        try:
            srv = FincacheProcess(fincache_bin, ["--http-port", str(port)])
            break
        except RuntimeError as e:
            if "Address already in use" not in str(e):
                raise
    assert srv is not None
    srv.http_port = port
    srv.url = f"http://127.0.0.1:{port}"
    yield srv
    srv.cleanup()


@pytest.fixture
def api(http_server):
    """(base url, redis client) on a flushed server."""
    client = http_server.client()
    client.flushall()
    yield http_server.url, client
    client.close()


def cmd(url: str, *argv, db: Optional[int] = None, **kw) -> requests.Response:
    params = {"db": db} if db is not None else None
    return requests.post(url + "/api/v1/command", json=list(argv), params=params, timeout=10, **kw)


# ---- health ------------------------------------------------------------------------------------

def test_health_and_ready(api):
    url, _ = api
    r = requests.get(url + "/health", timeout=5)
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    assert r.headers["Content-Type"] == "application/json"
    r = requests.get(url + "/ready", timeout=5)
    assert r.status_code == 200 and r.json() == {"status": "ready"}


def test_unknown_path_404_and_wrong_method_405(api):
    url, _ = api
    r = requests.get(url + "/no/such/path", timeout=5)
    assert r.status_code == 404 and "error" in r.json()
    r = requests.delete(url + "/health", timeout=5)
    assert r.status_code == 405 and "error" in r.json()
    assert r.headers["Allow"] == "GET"
    r = requests.get(url + "/api/v1/command", timeout=5)
    assert r.status_code == 405 and r.headers["Allow"] == "POST"
    r = requests.head(url + "/health", timeout=5)
    assert r.status_code == 200 and r.content == b""
    assert int(r.headers["Content-Length"]) == len(b'{"status":"ok"}')


# ---- keys ---------------------------------------------------------------------------------------

def test_keys_string_crud_and_ttl(api):
    url, r = api
    k = url + "/api/v1/keys/user:1"
    assert requests.get(k, timeout=5).status_code == 404
    assert requests.get(k, timeout=5).json() == {"error": "no such key"}
    resp = requests.put(k, json={"value": "alice"}, timeout=5)
    assert resp.status_code == 200 and resp.json() == {"result": "OK"}
    assert r.get("user:1") == b"alice"  # the RESP side sees the HTTP write
    assert requests.get(k, timeout=5).json() == {"key": "user:1", "type": "string", "ttl": None,
                                                 "value": "alice"}
    assert requests.put(k, json={"value": "bob", "ttl": 100}, timeout=5).status_code == 200
    got = requests.get(k, timeout=5).json()
    assert got["value"] == "bob" and 99 <= got["ttl"] <= 100
    assert 99 <= r.ttl("user:1") <= 100
    # PUT without a ttl clears it, as SET does.
    requests.put(k, json={"value": "carol"}, timeout=5)
    assert r.ttl("user:1") == -1
    # POST creates only.
    assert requests.post(k, json={"value": "x"}, timeout=5).status_code == 409
    resp = requests.post(url + "/api/v1/keys/new", json={"value": 5, "ttl": 60}, timeout=5)
    assert resp.status_code == 201
    assert r.get("new") == b"5" and 59 <= r.ttl("new") <= 60
    # DELETE.
    resp = requests.delete(k, timeout=5)
    assert resp.status_code == 200 and resp.json() == {"deleted": 1}
    assert r.exists("user:1") == 0
    assert requests.delete(k, timeout=5).status_code == 404


def test_keys_expire(api):
    url, r = api
    requests.put(url + "/api/v1/keys/short", json={"value": "v", "ttl": 1}, timeout=5)
    assert r.exists("short") == 1
    time.sleep(1.2)
    assert requests.get(url + "/api/v1/keys/short", timeout=5).status_code == 404


def test_keys_every_type(api):
    url, r = api
    r.rpush("l", "a", "b", "c")
    r.hset("h", mapping={"f1": "v1", "f2": "v2"})
    r.sadd("s", "x", "y")
    r.zadd("z", {"one": 1.5, "two": 2})
    r.set("bin", b"\xff\x00\xfe")
    r.expire("l", 500)

    def get(key):
        resp = requests.get(url + "/api/v1/keys/" + key, timeout=5)
        assert resp.status_code == 200, resp.text
        return resp.json()

    got = get("l")
    assert got["type"] == "list" and got["value"] == ["a", "b", "c"] and 499 <= got["ttl"] <= 500
    assert get("h") == {"key": "h", "type": "hash", "ttl": None, "value": {"f1": "v1", "f2": "v2"}}
    got = get("s")
    assert got["type"] == "set" and sorted(got["value"]) == ["x", "y"]
    assert get("z")["value"] == [{"member": "one", "score": 1.5}, {"member": "two", "score": 2}]
    assert get("bin")["value"] == {"base64": base64.b64encode(b"\xff\x00\xfe").decode()}


def test_keys_with_odd_names(api):
    url, r = api
    for key in ["a b", "a/b/c", "é€", "q?x=1&y", "100%"]:
        quoted = requests.utils.quote(key, safe="")
        assert requests.put(url + "/api/v1/keys/" + quoted, json={"value": key},
                            timeout=5).status_code == 200
        assert r.get(key.encode()) == key.encode()
        assert requests.get(url + "/api/v1/keys/" + quoted, timeout=5).json()["key"] == key
    # A binary key, percent-encoded, comes back as base64.
    r.set(b"k\xff", "v")
    got = requests.get(url + "/api/v1/keys/k%FF", timeout=5).json()
    assert got["key"] == {"base64": base64.b64encode(b"k\xff").decode()}
    # A binary value through {"base64": ...}.
    requests.put(url + "/api/v1/keys/b", json={"value": {"base64": "AP8="}}, timeout=5)
    assert r.get("b") == b"\x00\xff"


def test_keys_bad_input(api):
    url, r = api
    k = url + "/api/v1/keys/k"
    for body in [b"not json", b"", b"[1,2]", b'{"ttl": 5}', b'{"value": [1]}', b'{"value": null}',
                 b'{"value": "v", "ttl": 0}', b'{"value": "v", "ttl": -3}', b'{"value": "v", "ttl": "5"}',
                 b'{"value": "v", "ttl": 1.5}', b'{"value": {"base64": "@@"}}', b'{"value": "v", "x": 1}']:
        resp = requests.put(k, data=body, headers={"Content-Type": "application/json"}, timeout=5)
        assert resp.status_code == 400, body
        assert isinstance(resp.json()["error"], str)
    assert r.exists("k") == 0
    resp = requests.get(k, params={"db": 99}, timeout=5)
    assert resp.status_code == 400 and resp.json() == {"error": "ERR DB index is out of range"}


def test_keys_select_database(api):
    url, r = api
    assert requests.put(url + "/api/v1/keys/k", params={"db": 5}, json={"value": "five"},
                        timeout=5).status_code == 200
    assert r.exists("k") == 0
    r5 = redis.Redis(port=r.connection_pool.connection_kwargs["port"], db=5)
    assert r5.get("k") == b"five"
    assert requests.get(url + "/api/v1/keys/k", timeout=5).status_code == 404
    assert requests.get(url + "/api/v1/keys/k?db=5", timeout=5).json()["value"] == "five"
    assert requests.delete(url + "/api/v1/keys/k?db=5", timeout=5).status_code == 200
    assert r5.exists("k") == 0
    r5.close()


# ---- command ------------------------------------------------------------------------------------

def test_command(api):
    url, r = api
    resp = cmd(url, "ZADD", "ob:AAPL", "150.2", "o1", 151, "o2")
    assert resp.status_code == 200 and resp.json() == {"result": 2}
    assert r.zscore("ob:AAPL", "o2") == 151.0
    resp = cmd(url, "ZRANGE", "ob:AAPL", 0, -1, "WITHSCORES")
    assert resp.json() == {"result": [["o1", 150.2], ["o2", 151]]}
    resp = requests.post(url + "/api/v1/command?resp=2", json=["ZRANGE", "ob:AAPL", 0, -1, "WITHSCORES"],
                         timeout=5)
    assert resp.json() == {"result": ["o1", "150.19999999999999", "o2", "151"]}
    r.hset("h", mapping={"a": "1"})
    assert cmd(url, "HGETALL", "h").json() == {"result": {"a": "1"}}
    assert cmd(url, "GET", "nokey").json() == {"result": None}
    assert cmd(url, "SMISMEMBER", "nokey", "a").json() == {"result": [0]}
    assert cmd(url, "PING").json() == {"result": "PONG"}
    assert cmd(url, "INCRBYFLOAT", "f", "1.5").json() == {"result": "1.5"}
    # Binary arguments and replies.
    assert cmd(url, "SET", {"base64": "AAEC"}, {"base64": "/w=="}).status_code == 200
    assert r.get(b"\x00\x01\x02") == b"\xff"
    assert cmd(url, "GET", {"base64": "AAEC"}).json() == {"result": {"base64": "/w=="}}
    # The database.
    assert cmd(url, "SET", "k", "in2", db=2).status_code == 200
    assert cmd(url, "GET", "k", db=2).json() == {"result": "in2"}
    assert cmd(url, "GET", "k").json() == {"result": None}
    # Dashboard-style: every argument a string.
    assert cmd(url, "SCAN", "0", "MATCH", "*", "COUNT", "200").json()["result"][0] == "0"


def test_command_errors(api):
    url, r = api
    r.rpush("l", "a")
    resp = cmd(url, "INCR", "l")
    assert resp.status_code == 400
    assert resp.json() == {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}
    resp = cmd(url, "GET")
    assert resp.json() == {"error": "ERR wrong number of arguments for 'get' command"}
    resp = cmd(url, "NOSUCHCMD", "x")
    assert resp.status_code == 400 and resp.json()["error"].startswith("ERR unknown command 'NOSUCHCMD'")
    for body in [b"[", b"[]", b"{}", b'"PING"', b'["SET", "k", true]', b'["SET", "k", null]',
                 b'["SET", ["nested"]]', b"\xff\xfe", b"[" * 100000]:
        resp = requests.post(url + "/api/v1/command", data=body, timeout=5)
        assert resp.status_code == 400, body
        assert isinstance(resp.json()["error"], str)


def test_commands_that_need_a_connection(api):
    url, r = api
    t0 = time.monotonic()
    resp = cmd(url, "BLPOP", "empty", 0)  # answers at once, as inside MULTI: never hangs a thread
    assert resp.status_code == 200 and resp.json() == {"result": None}
    resp = cmd(url, "BRPOPLPUSH", "empty", "dst", 0)
    assert resp.json() == {"result": None}
    assert time.monotonic() - t0 < 5
    for argv in (["SUBSCRIBE", "ch"], ["PSUBSCRIBE", "p*"], ["MONITOR"], ["MULTI"], ["WATCH", "k"]):
        resp = cmd(url, *argv)
        assert resp.status_code == 400, argv
        assert resp.json()["error"].startswith("ERR"), resp.json()
    # HTTP requests are not clients: CLIENT LIST over RESP shows only the RESP connection.
    assert len(r.client_list()) == 1
    # BLPOP over RESP is still woken by an HTTP write (same dispatcher).
    waiter = redis.Redis(port=r.connection_pool.connection_kwargs["port"], socket_timeout=10)
    import threading
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("v", waiter.blpop("q", timeout=5)))
    t.start()
    deadline = time.monotonic() + 5
    while r.info("clients")["blocked_clients"] == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert cmd(url, "RPUSH", "q", "job").json() == {"result": 1}
    t.join(10)
    assert out["v"] == (b"q", b"job")
    waiter.close()


# ---- protocol limits ------------------------------------------------------------------------------

def raw_request(port: int, data: bytes, timeout: float = 5) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return out


def test_malformed_request_gets_400_and_close(api, http_server):
    url, _ = api
    for junk in [b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET /health HTTP/1.1\r\nBad Header\r\n\r\n",
                 b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64]:
        out = raw_request(http_server.http_port, junk)
        assert out.startswith(b"HTTP/1.1 400 "), (junk, out)
        assert b'{"error":' in out
        assert b"Connection: close" in out or b"connection: close" in out.lower()
    # A bad percent-escape in the target.
    out = raw_request(http_server.http_port, b"GET /api/v1/keys/%zz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 400 ")
    # Still serving.
    assert requests.get(url + "/health", timeout=5).status_code == 200


def test_keep_alive_serves_several_requests(api):
    url, _ = api
    with requests.Session() as s:
        for i in range(20):
            assert s.put(f"{url}/api/v1/keys/k{i}", json={"value": i}, timeout=5).status_code == 200
        assert s.get(url + "/api/v1/keys/k19", timeout=5).json()["value"] == "19"


def test_oversized_body_413(start_server):
    srv = start_http(start_server, "--http-max-body-size", "1kb")
    big = {"value": "x" * 2000}
    resp = requests.put(srv.url + "/api/v1/keys/big", json=big, timeout=10)
    assert resp.status_code == 413
    assert "error" in resp.json()
    assert srv.client().exists("big") == 0
    small = {"value": "x" * 500}
    assert requests.put(srv.url + "/api/v1/keys/small", json=small, timeout=10).status_code == 200
    # A much larger body (sent while the server already answered) still gets the 413.
    resp = requests.post(srv.url + "/api/v1/command", data=b"[" + b'"x",' * 500000 + b'"x"]', timeout=20)
    assert resp.status_code == 413
    # CONFIG SET changes the limit at run time.
    srv.client().config_set("http-max-body-size", "10mb")
    assert requests.put(srv.url + "/api/v1/keys/big", json=big, timeout=10).status_code == 200
    # Huge headers: 431.
    resp = requests.get(srv.url + "/health", headers={"X-Big": "y" * 20000}, timeout=10)
    assert resp.status_code == 431


def test_expect_100_continue(start_server):
    """curl sends "Expect: 100-continue" for bodies over 1 KiB and waits for the go-ahead."""
    srv = start_http(start_server, "--http-max-body-size", "4kb")
    body = b'{"value": "' + b"x" * 2000 + b'"}'
    head = (b"PUT /api/v1/keys/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Expect: 100-continue\r\nConnection: close\r\nContent-Length: " + str(len(body)).encode() +
            b"\r\n\r\n")
    with socket.create_connection(("127.0.0.1", srv.http_port), timeout=5) as s:
        s.sendall(head)
        assert s.recv(4096).startswith(b"HTTP/1.1 100 Continue\r\n")
        s.sendall(body)
        out = b""
        while chunk := s.recv(4096):
            out += chunk
    assert out.startswith(b"HTTP/1.1 200 "), out
    assert srv.client().strlen("big") == 2000
    # Over the limit: 413 at once, before any body byte.
    with socket.create_connection(("127.0.0.1", srv.http_port), timeout=5) as s:
        s.sendall(head.replace(str(len(body)).encode(), b"100000"))
        out = b""
        while chunk := s.recv(4096):
            out += chunk
    assert out.startswith(b"HTTP/1.1 413 "), out


def test_slow_client_timeout(start_server):
    srv = start_http(start_server, "--http-timeout", "1")
    with socket.create_connection(("127.0.0.1", srv.http_port), timeout=10) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finishes the headers
        t0 = time.monotonic()
        assert s.recv(100) == b""  # closed by the server
        assert time.monotonic() - t0 < 5
    # An idle keep-alive connection is closed too.
    with socket.create_connection(("127.0.0.1", srv.http_port), timeout=10) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data or not data.endswith(b"}"):
            data += s.recv(4096)
        assert data.startswith(b"HTTP/1.1 200")
        t0 = time.monotonic()
        while s.recv(4096):
            pass
        assert time.monotonic() - t0 < 5


# ---- auth --------------------------------------------------------------------------------------

def test_auth_with_requirepass(start_server):
    srv = start_http(start_server, "--requirepass", "s3cret")
    url = srv.url
    for method, path, body in [("GET", "/api/v1/keys/k", None), ("PUT", "/api/v1/keys/k", {"value": "v"}),
                               ("POST", "/api/v1/command", ["PING"]), ("GET", "/api/v1/stats", None),
                               ("GET", "/nope", None)]:
        resp = requests.request(method, url + path, json=body, timeout=5)
        assert resp.status_code == 401, path
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
        assert "error" in resp.json()
        resp = requests.request(method, url + path, json=body, headers={"Authorization": "Bearer nope"},
                                timeout=5)
        assert resp.status_code == 401
    # health and ready stay open
    assert requests.get(url + "/health", timeout=5).status_code == 200
    assert requests.get(url + "/ready", timeout=5).status_code == 200
    good = {"Authorization": "Bearer s3cret"}
    assert requests.put(url + "/api/v1/keys/k", json={"value": "v"}, headers=good, timeout=5).status_code == 200
    assert requests.get(url + "/api/v1/keys/k", headers=good, timeout=5).json()["value"] == "v"
    assert cmd(url, "PING", headers=good).json() == {"result": "PONG"}
    # The password changes at run time.
    c = srv.client(password="s3cret")
    c.config_set("requirepass", "other")
    assert cmd(url, "PING", headers=good).status_code == 401
    assert cmd(url, "PING", headers={"Authorization": "Bearer other"}).status_code == 200
    c.config_set("requirepass", "")
    assert cmd(url, "PING").status_code == 200


# ---- server wiring -------------------------------------------------------------------------------

def test_http_port_in_use_is_fatal(fincache_bin):
    from conftest import run_fincache
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = run_fincache(fincache_bin, ["--port", str(free_port()), "--http-port", str(port)])
    assert out.returncode == 1
    assert "Address already in use" in out.stderr
    assert "HTTP" in out.stderr


def test_http_settings_in_config_get(start_server):
    srv = start_http(start_server, "--http-cors-origins", "https://a.example https://b.example")
    c = srv.client()
    got = c.config_get("http-*")
    assert got["http-port"] == str(srv.http_port)
    assert got["http-bind"] == "127.0.0.1"
    assert got["http-cors-origins"] == "https://a.example https://b.example"
    assert got["http-max-body-size"] == "1048576"
    assert got["http-timeout"] == "30"
    assert got["http-threads"] == "2"
    with pytest.raises(redis.ResponseError):
        c.config_set("http-port", "1234")  # startup only


def test_http_off_with_port_0(start_server):
    srv = start_server("--http-port", "0")
    assert "HTTP front door listening" not in srv.log()
    assert srv.client().config_get("http-port") == {"http-port": "0"}


# ---- Python fincache.Server ---------------------------------------------------------------------

def test_python_server_http_port():
    cache = fincache.Cache()
    with fincache.Server(cache, port=0, http_port=0) as srv:
        assert isinstance(srv.http_port, int) and srv.http_port > 0
        url = f"http://127.0.0.1:{srv.http_port}"
        assert requests.get(url + "/health", timeout=5).json() == {"status": "ok"}
        assert requests.put(url + "/api/v1/keys/k", json={"value": "v"}, timeout=5).status_code == 200
        assert cache.get("k") == b"v"
        cache.set("e", "embedded")
        assert requests.get(url + "/api/v1/keys/e", timeout=5).json()["value"] == "embedded"
        assert f"http={srv.http_port}" in repr(srv)
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/health", timeout=2)
    with fincache.Server(cache) as srv:
        assert srv.http_port is None
    with pytest.raises(ValueError):
        fincache.Server(cache, http_port=70000)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError, match="Address already in use"):
            fincache.Server(cache, http_port=taken.getsockname()[1])


# ---- listing, stats, flush ----------------------------------------------------------------------

def test_scan_pagination_to_completion(api):
    url, r = api
    r.mset({f"user:{i}": i for i in range(250)})
    r.mset({f"other:{i}": i for i in range(30)})
    r.rpush("user:list", "x")
    seen = []
    cursor = "0"
    for _ in range(1000):
        resp = requests.get(url + "/api/v1/keys", params={"pattern": "user:*", "cursor": cursor, "count": 40},
                            timeout=5)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert isinstance(body["cursor"], str)
        seen += body["keys"]
        cursor = body["cursor"]
        if cursor == "0":
            break
    assert sorted(set(seen)) == sorted([f"user:{i}" for i in range(250)] + ["user:list"])
    # The type filter and the defaults.
    resp = requests.get(url + "/api/v1/keys", params={"pattern": "user:*", "type": "list", "count": 1000},
                        timeout=5)
    assert resp.json() == {"cursor": "0", "keys": ["user:list"]}
    resp = requests.get(url + "/api/v1/keys", timeout=5)
    assert resp.status_code == 200 and len(resp.json()["keys"]) > 0
    for params in ({"cursor": "abc"}, {"cursor": "-1"}, {"count": "0"}, {"count": "x"}, {"db": "x"}):
        resp = requests.get(url + "/api/v1/keys", params=params, timeout=5)
        assert resp.status_code == 400, params
        assert "error" in resp.json()


def test_stats(api):
    url, r = api
    r.set("a", 1)
    r.set("b", 2, ex=100)
    resp = requests.get(url + "/api/v1/stats", timeout=5)
    assert resp.status_code == 200
    stats = resp.json()
    for section in ("server", "clients", "memory", "persistence", "stats", "keyspace"):
        assert isinstance(stats[section], dict), section
    assert stats["server"]["redis_version"] == "7.0.15"
    assert isinstance(stats["server"]["uptime_in_seconds"], int)
    assert stats["keyspace"]["db0"]["keys"] == 2 and stats["keyspace"]["db0"]["expires"] == 1
    assert stats["persistence"]["loading"] == 0
    assert isinstance(stats["memory"]["used_memory"], int)
    only = requests.get(url + "/api/v1/stats", params={"section": "keyspace"}, timeout=5).json()
    assert list(only) == ["keyspace"]


def test_flush(api):
    url, r = api
    r.set("a", 1)
    r5 = redis.Redis(port=r.connection_pool.connection_kwargs["port"], db=5)
    r5.set("b", 1)
    resp = requests.post(url + "/api/v1/flush", params={"db": 5}, timeout=5)
    assert resp.status_code == 200 and resp.json() == {"result": "OK"}
    assert r5.dbsize() == 0 and r.dbsize() == 1
    r5.set("b", 1)
    assert requests.post(url + "/api/v1/flush", timeout=5).json() == {"result": "OK"}
    assert r5.dbsize() == 0 and r.dbsize() == 0
    assert requests.post(url + "/api/v1/flush", params={"db": 16}, timeout=5).status_code == 400
    r5.close()


# ---- OpenAPI ------------------------------------------------------------------------------------

def test_openapi_is_valid_and_every_route_answers(api, http_server):
    from openapi_spec_validator import validate
    url, r = api
    resp = requests.get(url + "/openapi.json", timeout=5)
    assert resp.status_code == 200
    spec = resp.json()
    validate(spec)
    assert spec["openapi"].startswith("3.0")
    expected = {("/health", "get"), ("/ready", "get"), ("/api/v1/keys/{key}", "get"),
                ("/api/v1/keys/{key}", "put"), ("/api/v1/keys/{key}", "post"),
                ("/api/v1/keys/{key}", "delete"), ("/api/v1/keys", "get"), ("/api/v1/stats", "get"),
                ("/api/v1/flush", "post"), ("/api/v1/command", "post"), ("/openapi.json", "get"),
                ("/metrics", "get"), ("/ws", "get"), ("/", "get")}
    listed = {(p, m) for p, item in spec["paths"].items() for m in item if m != "parameters"}
    assert expected <= listed, expected - listed
    # Every operation answers with a status it documents (routes of layers not built yet answer
    # 404 and are skipped by name; routes other layers add, such as dashboard files, are listed
    # too).
    bodies = {"put": {"value": "v"}, "post": {"value": "v2"}}
    for path, method in sorted(listed, key=lambda pm: (pm[0], pm[1] != "put")):
        concrete = path.replace("{key}", "openapi-key")
        body = bodies.get(method)
        if path == "/api/v1/command":
            body = ["PING"]
        resp = requests.request(method.upper(), url + concrete, json=body, timeout=10)
        documented = spec["paths"][path][method]["responses"]
        if resp.status_code == 404 and path in ("/metrics", "/") and "error" in resp.json():
            continue  # added by the metrics layer
        assert str(resp.status_code) in documented, (method, path, resp.status_code, resp.text)


# ---- CORS ---------------------------------------------------------------------------------------

def test_cors_off_by_default(api):
    url, _ = api
    resp = requests.get(url + "/health", headers={"Origin": "https://a.example"}, timeout=5)
    assert "Access-Control-Allow-Origin" not in resp.headers
    resp = requests.options(url + "/api/v1/command", timeout=5,
                            headers={"Origin": "https://a.example", "Access-Control-Request-Method": "POST"})
    assert resp.status_code == 405
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_cors_on(start_server):
    srv = start_http(start_server, "--http-cors-origins", "https://a.example", "--requirepass", "pw")
    pre = {"Origin": "https://a.example", "Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "authorization, content-type"}
    resp = requests.options(srv.url + "/api/v1/command", headers=pre, timeout=5)
    assert resp.status_code == 204
    assert resp.headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in resp.headers["Access-Control-Allow-Headers"]
    resp = requests.post(srv.url + "/api/v1/command", json=["PING"], timeout=5,
                         headers={"Origin": "https://a.example", "Authorization": "Bearer pw"})
    assert resp.json() == {"result": "PONG"}
    assert resp.headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert resp.headers["Vary"] == "Origin"
    # Another origin gets no CORS headers, and its preflight is refused.
    resp = requests.get(srv.url + "/health", headers={"Origin": "https://evil.example"}, timeout=5)
    assert "Access-Control-Allow-Origin" not in resp.headers
    resp = requests.options(srv.url + "/api/v1/command", headers={**pre, "Origin": "https://evil.example"},
                            timeout=5)
    assert resp.status_code == 403
    # "*" at run time.
    srv.client(password="pw").config_set("http-cors-origins", "*")
    resp = requests.get(srv.url + "/health", headers={"Origin": "https://any.example"}, timeout=5)
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


# ---- readiness during a load ---------------------------------------------------------------------

def test_ready_is_503_while_loading(start_server, tmp_path):
    # A snapshot of 4000 keys, then a start that loads it at 1 ms per key (key-load-delay).
    srv = start_server("--dir", str(tmp_path))
    c = srv.client()
    pipe = c.pipeline(transaction=False)
    for i in range(4000):
        pipe.set(f"k{i}", i)
    pipe.execute()
    c.save()
    srv.terminate()
    assert (tmp_path / "dump.rdb").exists()

    http_port = free_port()
    loading = start_server("--dir", str(tmp_path), "--key-load-delay", "1000", "--http-port",
                           str(http_port), wait_ready=False)
    url = f"http://127.0.0.1:{http_port}"
    first = None
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            first = requests.get(url + "/ready", timeout=2)
            break
        except requests.ConnectionError:
            time.sleep(0.02)
    assert first is not None, loading.log()
    assert first.status_code == 503 and first.json() == {"status": "loading"}
    assert requests.get(url + "/health", timeout=5).status_code == 200
    resp = requests.get(url + "/api/v1/keys/k1", timeout=5)
    assert resp.status_code == 503
    assert resp.json() == {"error": "LOADING Redis is loading the dataset in memory"}
    deadline = time.monotonic() + 30
    while requests.get(url + "/ready", timeout=5).status_code == 503:
        assert time.monotonic() < deadline, "still loading after 30 s"
        time.sleep(0.05)
    assert requests.get(url + "/ready", timeout=5).json() == {"status": "ready"}
    assert requests.get(url + "/api/v1/keys/k3999", timeout=5).json()["value"] == "3999"


# ---- concurrency and the connection cap -------------------------------------------------------------

def test_concurrent_requests(api):
    """Many clients at once, on keep-alive sessions: every write lands, every read is consistent."""
    import threading
    url, r = api
    errors: list = []

    def worker(n: int) -> None:
        try:
            with requests.Session() as s:
                for i in range(40):
                    resp = s.post(url + "/api/v1/command", json=["INCR", "counter"], timeout=10)
                    assert resp.status_code == 200, resp.text
                    resp = s.put(f"{url}/api/v1/keys/w{n}:{i}", json={"value": i}, timeout=10)
                    assert resp.status_code == 200, resp.text
                    assert s.get(f"{url}/api/v1/keys/w{n}:{i}", timeout=10).json()["value"] == str(i)
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    assert r.get("counter") == b"320"
    assert r.dbsize() == 1 + 8 * 40


def test_connection_cap(start_server):
    srv = start_http(start_server, "--maxclients", "3")
    held = [socket.create_connection(("127.0.0.1", srv.http_port), timeout=5) for _ in range(3)]
    try:
        time.sleep(0.2)  # the server accepted them
        out = raw_request(srv.http_port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert out.startswith(b"HTTP/1.1 503 "), out
        assert b"max number of HTTP connections reached" in out
        assert srv.client().info("stats")["rejected_connections"] >= 1
    finally:
        for s in held:
            s.close()
    deadline = time.monotonic() + 5
    while True:  # the server notices the closes
        resp = raw_request(srv.http_port, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        if resp.startswith(b"HTTP/1.1 200"):
            break
        assert time.monotonic() < deadline, resp
        time.sleep(0.05)
