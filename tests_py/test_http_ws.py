"""GET /ws of the built fincache-server (cpp/http/ws_session.cpp) through a real WebSocket client
(websocket-client) next to redis-py: the Pub/Sub bridge both ways, patterns, order, PUBSUB and
CLIENT LIST seeing WebSocket clients, auth, bad requests, binary payloads, the pubsub output
buffer limit, close/cleanup, and fincache.Server(http_port=...)."""

from __future__ import annotations

import base64
import json
import socket
import struct
import threading
import time

import pytest
import redis
import requests
import websocket

import fincache
from diffutil import free_port


def start_http(start_server, *args: str):
    """A fincache-server with HTTP on a free port (retried when the port is taken meanwhile)."""
    last: Exception | None = None
    for _ in range(3):
        port = free_port()
        try:
            srv = start_server("--http-port", str(port), *args)
        except RuntimeError as e:  # a probed free port can be taken before the server binds it
            last = e
            if "Address already in use" in str(e):
                continue
            raise
        srv.http_port = port
        srv.ws_url = f"ws://127.0.0.1:{port}/ws"
        return srv
    raise RuntimeError(f"could not start with HTTP: {last}")


@pytest.fixture(scope="module")
def ws_server(fincache_bin):
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
    srv.ws_url = f"ws://127.0.0.1:{port}/ws"
    yield srv
    srv.cleanup()


@pytest.fixture
def rc(ws_server):
    client = ws_server.client()
    yield client
    client.close()


_open: list["Ws"] = []


@pytest.fixture(autouse=True)
def _close_ws_clients():
    """Every Ws a test opened is closed after it (without a close handshake if still open)."""
    yield
    while _open:
        _open.pop().conn.shutdown()


class Ws:
    """A WebSocket client speaking the /ws JSON protocol."""

    def __init__(self, url: str, **kw):
        kw.setdefault("timeout", 10)
        self.conn = websocket.create_connection(url, **kw)
        _open.append(self)

    def send(self, **req) -> None:
        self.conn.send(json.dumps(req))

    def recv(self) -> dict:
        return json.loads(self.conn.recv())

    def request(self, **req) -> dict:
        self.send(**req)
        return self.recv()

    def close_code(self, timeout: float = 10) -> int | None:
        """Reads until the server closes: its close code, or None when the TCP connection
        ended without a close frame."""
        self.conn.settimeout(timeout)
        try:
            while True:
                opcode, data = self.conn.recv_data(control_frame=True)
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    return struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            return None
        finally:
            self.conn.shutdown()

    def close(self) -> None:
        self.conn.close()


def numsub(r: redis.Redis, channel: str) -> int:
    return r.pubsub_numsub(channel)[0][1]


def eventually(pred, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def resp_listener(r: redis.Redis, *channels: str, patterns: tuple[str, ...] = ()):
    p = r.pubsub()
    if channels:
        p.subscribe(*channels)
    if patterns:
        p.psubscribe(*patterns)
    # wait for the confirmations so the subscriptions are in place
    for _ in range(len(channels) + len(patterns)):
        m = p.get_message(timeout=5)
        assert m is not None and m["type"] in ("subscribe", "psubscribe"), m
    return p


def next_message(p, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = p.get_message(timeout=0.2)
        if m is not None:
            return m
    return None


# ---- the bridge ---------------------------------------------------------------------------------

def test_ws_subscriber_receives_resp_publish(ws_server, rc):
    ws = Ws(ws_server.ws_url)
    assert ws.request(op="subscribe", channels=["t1.a", "t1.b"]) == \
        {"type": "subscribe", "channel": "t1.a", "count": 1}
    assert ws.recv() == {"type": "subscribe", "channel": "t1.b", "count": 2}
    assert numsub(rc, "t1.a") == 1  # PUBSUB NUMSUB counts the WebSocket subscriber
    assert b"t1.a" in rc.pubsub_channels("t1.*")
    assert rc.publish("t1.a", "hello") == 1
    assert ws.recv() == {"type": "message", "channel": "t1.a", "data": "hello"}
    assert ws.request(op="unsubscribe", channels=["t1.a"]) == \
        {"type": "unsubscribe", "channel": "t1.a", "count": 1}
    assert rc.publish("t1.a", "gone") == 0
    assert ws.request(op="unsubscribe") == {"type": "unsubscribe", "channel": "t1.b", "count": 0}
    assert numsub(rc, "t1.b") == 0
    ws.close()


def test_resp_subscriber_receives_ws_publish(ws_server, rc):
    p = resp_listener(rc, "t2.c")
    ws = Ws(ws_server.ws_url)
    assert ws.request(op="publish", channel="t2.c", message="from ws") == \
        {"type": "publish", "receivers": 1}
    m = next_message(p)
    assert m["type"] == "message" and m["channel"] == b"t2.c" and m["data"] == b"from ws"
    p.close()
    ws.close()


def test_pattern_subscriptions_both_ways(ws_server, rc):
    ws = Ws(ws_server.ws_url)
    assert ws.request(op="psubscribe", patterns=["t3.news.*"]) == \
        {"type": "psubscribe", "pattern": "t3.news.*", "count": 1}
    assert rc.execute_command("PUBSUB", "NUMPAT") >= 1
    assert rc.publish("t3.news.fx", "eur") == 1
    assert ws.recv() == {"type": "pmessage", "pattern": "t3.news.*", "channel": "t3.news.fx",
                         "data": "eur"}
    # A RESP pattern subscriber gets a WebSocket publish.
    p = resp_listener(rc, patterns=("t3.px.*",))
    pub = Ws(ws_server.ws_url)
    assert pub.request(op="publish", channel="t3.px.1", message="p") == \
        {"type": "publish", "receivers": 1}
    m = next_message(p)
    assert m["type"] == "pmessage" and m["pattern"] == b"t3.px.*" and m["data"] == b"p"
    assert ws.request(op="punsubscribe", patterns=["t3.news.*"]) == \
        {"type": "punsubscribe", "pattern": "t3.news.*", "count": 0}
    p.close()
    ws.close()
    pub.close()


def test_order_of_1000_messages_both_ways(ws_server, rc):
    ws = Ws(ws_server.ws_url)
    ws.request(op="subscribe", channels=["t4.seq"])
    pipe = rc.pipeline(transaction=False)
    for i in range(1000):
        pipe.publish("t4.seq", str(i))
    assert pipe.execute() == [1] * 1000
    assert [ws.recv()["data"] for _ in range(1000)] == [str(i) for i in range(1000)]

    p = resp_listener(rc, "t4.back")
    pub = Ws(ws_server.ws_url)
    for i in range(1000):
        pub.send(op="publish", channel="t4.back", message=str(i))
    assert [pub.recv() for _ in range(1000)] == [{"type": "publish", "receivers": 1}] * 1000
    got = [next_message(p)["data"] for _ in range(1000)]
    assert got == [str(i).encode() for i in range(1000)]
    p.close()
    ws.close()
    pub.close()


def test_ws_publish_to_itself_comes_before_the_reply(ws_server):
    ws = Ws(ws_server.ws_url)
    ws.request(op="subscribe", channels=["t5.self"])
    ws.send(op="publish", channel="t5.self", message="me")
    assert ws.recv() == {"type": "message", "channel": "t5.self", "data": "me"}
    assert ws.recv() == {"type": "publish", "receivers": 1}
    ws.close()


def test_binary_payloads_as_base64(ws_server, rc):
    ws = Ws(ws_server.ws_url)
    ws.request(op="subscribe", channels=["t6.bin"])
    assert rc.publish("t6.bin", b"\xff\x00a") == 1
    assert ws.recv() == {"type": "message", "channel": "t6.bin", "data": {"base64": "/wBh"}}
    assert rc.publish("t6.bin", "café".encode()) == 1
    assert ws.recv()["data"] == "café"
    # base64 in: the exact bytes reach a RESP subscriber on a non-UTF-8 channel.
    p = resp_listener(rc, b"t6.\xfe")
    b64 = lambda b: {"base64": base64.b64encode(b).decode()}  # noqa: E731
    assert ws.request(op="publish", channel=b64(b"t6.\xfe"), message=b64(b"\x00\x01\x80")) == \
        {"type": "publish", "receivers": 1}
    m = next_message(p)
    assert m["channel"] == b"t6.\xfe" and m["data"] == b"\x00\x01\x80"
    p.close()
    ws.close()


def test_pubsub_and_client_list_see_ws_clients(ws_server, rc):
    ws = Ws(ws_server.ws_url)
    ws.request(op="subscribe", channels=["t7.c"])
    ws.request(op="psubscribe", patterns=["t7.*"])
    local = "%s:%d" % ws.conn.sock.getsockname()[:2]
    mine = [c for c in rc.client_list() if c["addr"] == local]
    assert len(mine) == 1
    assert mine[0]["flags"] == "P" and mine[0]["sub"] == "1" and mine[0]["psub"] == "1"
    assert [c["addr"] for c in rc.client_list(_type="pubsub")].count(local) == 1
    # CLIENT KILL closes it (code 1000) and the subscriptions go with it.
    assert rc.client_kill_filter(_id=mine[0]["id"]) == 1
    assert ws.close_code() == 1000
    assert eventually(lambda: numsub(rc, "t7.c") == 0)
    assert all(c["addr"] != local for c in rc.client_list())


# ---- bad input ----------------------------------------------------------------------------------

def test_bad_json_and_unknown_op_keep_the_socket_open(ws_server):
    ws = Ws(ws_server.ws_url)
    ws.conn.send("{nope")
    reply = ws.recv()
    assert reply["type"] == "error" and reply["error"].startswith("invalid JSON: ")
    ws.conn.send("[" * 100000)
    assert ws.recv() == {"type": "error", "error": "invalid JSON: nested deeper than 64 levels"}
    ws.conn.send("[1, 2]")
    assert ws.recv() == {"type": "error", "error": "a request must be a JSON object"}
    assert ws.request(op="launch") == {"type": "error", "error": "unknown op 'launch'"}
    assert ws.request(op="subscribe", channels="c") == \
        {"type": "error", "error": '"channels" must be an array'}
    assert ws.request(op="subscribe", channels=[]) == \
        {"type": "error", "error": "ERR wrong number of arguments for 'subscribe' command"}
    assert ws.request(op="publish", channel="c") == \
        {"type": "error", "error": '"publish" needs "message"'}
    assert ws.request(op="publish", channel="c", message={"base64": "***"})["type"] == "error"
    assert ws.request(op="ping") == {"type": "pong"}
    # A WebSocket ping is answered with a pong (control frames).
    ws.conn.ping("x")
    opcode, data = ws.conn.recv_data(control_frame=True)
    assert opcode == websocket.ABNF.OPCODE_PONG and data == b"x"
    ws.close()


def test_oversized_frame_closes_with_1009(ws_server, rc):
    ws = Ws(ws_server.ws_url)
    try:
        ws.conn.send(json.dumps({"op": "publish", "channel": "c", "message": "x" * (2 << 20)}))
    except (BrokenPipeError, ConnectionResetError, websocket.WebSocketException):
        pass  # the server may close before the whole frame is sent
    assert ws.close_code() in (1009, None)
    assert rc.ping()


def test_http_max_body_size_is_the_frame_limit(start_server):
    srv = start_http(start_server)
    r = srv.client()
    r.config_set("http-max-body-size", "1000")
    ws = Ws(srv.ws_url)
    assert ws.request(op="publish", channel="c", message="x" * 900) == \
        {"type": "publish", "receivers": 0}
    ws.conn.send(json.dumps({"op": "publish", "channel": "c", "message": "x" * 1200}))
    assert ws.close_code() == 1009
    r.close()


def test_plain_get_ws_is_426(ws_server):
    res = requests.get(f"http://127.0.0.1:{ws_server.http_port}/ws", timeout=5)
    assert res.status_code == 426 and "error" in res.json()


# ---- auth ---------------------------------------------------------------------------------------

def test_auth_required_with_requirepass(start_server):
    srv = start_http(start_server, "--requirepass", "s3cret")
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        websocket.create_connection(srv.ws_url, timeout=5)
    assert e.value.status_code == 401
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        websocket.create_connection(srv.ws_url + "?token=wrong", timeout=5)
    assert e.value.status_code == 401
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        websocket.create_connection(srv.ws_url, header=["Authorization: Bearer nope"], timeout=5)
    assert e.value.status_code == 401

    by_token = Ws(srv.ws_url + "?token=s3cret")
    by_header = Ws(srv.ws_url, header=["Authorization: Bearer s3cret"])
    assert by_token.request(op="subscribe", channels=["a"])["count"] == 1
    assert by_header.request(op="publish", channel="a", message="ok") == \
        {"type": "publish", "receivers": 1}
    assert by_token.recv() == {"type": "message", "channel": "a", "data": "ok"}
    r = srv.client(password="s3cret")
    assert numsub(r, "a") == 1
    r.close()
    by_token.close()
    by_header.close()


# ---- limits and cleanup -------------------------------------------------------------------------

def test_slow_reader_closed_by_pubsub_output_limit(start_server):
    srv = start_http(start_server)
    r = srv.client()
    r.config_set("client-output-buffer-limit", "pubsub 256kb 0 0")
    ws = Ws(srv.ws_url)
    ws.request(op="subscribe", channels=["flood"])
    # Publish far more than the socket buffers hold while the client reads nothing.
    payload = "p" * 4096
    pipe = r.pipeline(transaction=False)
    for _ in range(5000):
        pipe.publish("flood", payload)
    receivers = sum(pipe.execute())
    assert receivers < 5000  # dropped from the hub once over the limit
    assert numsub(r, "flood") == 0
    assert ws.close_code() == 1008  # after the messages that were on their way
    assert srv.wait_log("overcoming of output buffer limits")
    assert r.ping()
    fresh = Ws(srv.ws_url)
    assert fresh.request(op="ping") == {"type": "pong"}
    fresh.close()
    r.close()


def test_many_connect_close_cycles_leave_no_subscriber(ws_server, rc):
    before = len(rc.client_list())
    for i in range(200):
        ws = Ws(ws_server.ws_url)
        ws.request(op="subscribe", channels=["t9.cyc"])
        if i % 3 == 0:
            ws.close()  # close handshake
        elif i % 3 == 1:
            ws.conn.sock.close()  # TCP gone without a close frame
        else:
            rc.publish("t9.cyc", "in flight")
            ws.conn.shutdown()
    assert eventually(lambda: numsub(rc, "t9.cyc") == 0)
    assert eventually(lambda: len(rc.client_list()) == before)
    assert rc.publish("t9.cyc", "x") == 0


def test_concurrent_ws_publishers_and_subscribers(ws_server, rc):
    subs = [Ws(ws_server.ws_url) for _ in range(4)]
    for s in subs:
        s.request(op="subscribe", channels=["t10.fan"])
    errors: list[str] = []

    def publisher(k: int) -> None:
        try:
            pub = Ws(ws_server.ws_url)
            for i in range(200):
                assert pub.request(op="publish", channel="t10.fan", message=f"{k}:{i}") == \
                    {"type": "publish", "receivers": 4}
            pub.close()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=publisher, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for s in subs:
        got = [s.recv()["data"] for _ in range(600)]
        for k in range(3):  # each publisher's messages in its order
            assert [g for g in got if g.startswith(f"{k}:")] == [f"{k}:{i}" for i in range(200)]
        s.close()
    assert eventually(lambda: numsub(rc, "t10.fan") == 0)


def test_server_shutdown_closes_ws_with_1001(start_server):
    srv = start_http(start_server)
    ws = Ws(srv.ws_url)
    ws.request(op="subscribe", channels=["c"])
    t0 = time.monotonic()
    assert srv.terminate() == 0
    assert time.monotonic() - t0 < 5  # not held up by the WebSocket client
    assert ws.close_code() == 1001


# ---- embedded ------------------------------------------------------------------------------------

def test_python_server_ws_bridge():
    cache = fincache.Cache()
    with fincache.Server(cache, port=0, http_port=0) as server:
        ws = Ws(f"ws://127.0.0.1:{server.http_port}/ws")
        ws.request(op="subscribe", channels=["emb"])
        assert cache.publish("emb", "from python") == 1
        assert ws.recv() == {"type": "message", "channel": "emb", "data": "from python"}
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(b"PUBLISH emb resp\r\n")
        assert sock.recv(100) == b":1\r\n"
        assert ws.recv()["data"] == "resp"
        sock.close()
    # Stopping the server closed the WebSocket client and its subscription.
    assert cache.execute_command("PUBSUB", "NUMSUB", "emb") == [b"emb", 0]
