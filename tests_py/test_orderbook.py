"""The issue's order-book scenario: a limit order book for a ticker kept in sorted sets and hashes.

Layout (one ticker):
  * ``ob:{T}:bids`` / ``ob:{T}:asks``  sorted sets, score = limit price, member = order id. Ids
    are zero-padded sequence numbers, so orders at one price are in arrival order by member.
  * ``ob:order:{id}``                  hash: side, price, qty, trader (per-order details).
  * ``ob:{T}:open``                    hash: order id -> open quantity (what's left to fill).

The same scenario runs through redis-py against fincache-server (the ``r`` fixture's server),
through the embedded API (``fincache.Cache()``) and through redis-py against a real
redis-server 7.0, with the same assertions; the full transcripts of the three runs must also be
equal. A second test replays a seeded random stream of orders, fills and cancels and checks the
book against a plain-Python model after every step.
"""

from __future__ import annotations

import random
from typing import Any, Callable, Dict, List, Tuple

import pytest
import redis

import fincache
from diffutil import ServerProc, redis_server_binary

T = "ACME"
BIDS, ASKS, OPEN = f"ob:{T}:bids", f"ob:{T}:asks", f"ob:{T}:open"


def okey(oid: str) -> str:
    return f"ob:order:{oid}"


# --------------------------------------------------------------------------------------------
# backends
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_proc():
    proc = ServerProc("redis", redis_server_binary())
    proc.start()
    yield proc
    proc.cleanup()


def _clean(client: Any) -> None:
    keys = list(client.scan_iter(match="ob:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["fincache-server", "embedded", "redis-server"])
def book(request, fincache_server, redis_proc):
    """A decode_responses client of one backend, with no ob:* keys."""
    if request.param == "fincache-server":
        client = fincache_server.client(decode_responses=True)
    elif request.param == "embedded":
        client = fincache.Cache(decode_responses=True)
    else:
        client = redis.Redis(port=redis_proc.port, decode_responses=True)
    _clean(client)
    yield client
    _clean(client)
    client.close()


# --------------------------------------------------------------------------------------------
# order book operations (plain redis-py calls: the same code for every backend)
# --------------------------------------------------------------------------------------------

ORDERS = [  # id, side, price, qty, trader
    ("o001", "bid", 100.25, 10, "alice"),
    ("o002", "bid", 100.50, 5, "bob"),
    ("o003", "bid", 99.75, 20, "carol"),
    ("o004", "bid", 100.50, 7, "dave"),
    ("o005", "ask", 101.00, 8, "erin"),
    ("o006", "ask", 101.25, 12, "frank"),
    ("o007", "ask", 101.00, 3, "grace"),
    ("o008", "ask", 102.50, 30, "heidi"),
    ("o009", "bid", 98.00, 50, "ivan"),
    ("o010", "ask", 103.00, 15, "judy"),
]


def place(c: Any, oid: str, side: str, price: float, qty: int, trader: str) -> List[Any]:
    """Adds an order in one round trip: book entry, details, open quantity. (A plain pipeline:
    fincache-server has no MULTI/EXEC yet; the embedded Cache's would be atomic.)"""
    p = c.pipeline(transaction=False)
    p.zadd(BIDS if side == "bid" else ASKS, {oid: price}, nx=True)
    p.hset(okey(oid), mapping={"side": side, "price": price, "qty": qty, "trader": trader})
    p.hset(OPEN, oid, qty)
    return p.execute()


def best(c: Any, side: str) -> List[Tuple[str, float]]:
    """Top of book: the highest bid (ZRANGE ... REV) or the lowest ask."""
    if side == "bid":
        return c.zrange(BIDS, 0, 0, desc=True, withscores=True)
    return c.zrange(ASKS, 0, 0, withscores=True)


def level_quantities(c: Any, key: str, lo: Any, hi: Any) -> Dict[float, int]:
    """Open quantity per price level in [lo, hi] (ZRANGEBYSCORE WITHSCORES + HMGET)."""
    entries = c.zrangebyscore(key, lo, hi, withscores=True)
    qtys = c.hmget(OPEN, [oid for oid, _ in entries]) if entries else []
    out: Dict[float, int] = {}
    for (oid, price), q in zip(entries, qtys):
        out[price] = out.get(price, 0) + int(q)
    return out


def market_buy(c: Any, qty: int) -> List[Tuple[str, float, int]]:
    """Fills `qty` against the asks, best price first, arrival order within a price. A fully
    filled order leaves the book (ZPOPMIN) and the open index (HDEL); a partial fill lowers its
    open quantity (HINCRBY)."""
    fills = []
    while qty > 0:
        top = c.zrange(ASKS, 0, 0, withscores=True)
        if not top:
            break
        oid, price = top[0]
        open_qty = int(c.hget(OPEN, oid))
        take = min(qty, open_qty)
        if take == open_qty:
            assert c.zpopmin(ASKS) == [(oid, price)]
            assert c.hdel(OPEN, oid) == 1
            assert c.hset(okey(oid), "status", "filled") == 1
        else:
            assert c.hincrby(OPEN, oid, -take) == open_qty - take
        fills.append((oid, price, take))
        qty -= take
    return fills


def cancel(c: Any, oid: str, side: str) -> Tuple[int, int, int]:
    return (c.zrem(BIDS if side == "bid" else ASKS, oid), c.hdel(OPEN, oid), c.delete(okey(oid)))


# --------------------------------------------------------------------------------------------
# the scenario
# --------------------------------------------------------------------------------------------


def scenario(c: Any, log: Callable[[str, Any], Any]) -> None:
    """Runs the scenario on client `c`, asserting as it goes; `log(label, value)` records every
    observed value (for the cross-backend transcript comparison) and returns it."""
    for o in ORDERS:
        assert log(f"place {o[0]}", place(c, *o)) == [1, 4, 1]
    # A duplicate id is refused by ZADD NX (the book keeps the first price).
    assert log("dup", c.zadd(BIDS, {"o001": 1.0}, nx=True)) == 0
    assert log("cards", (c.zcard(BIDS), c.zcard(ASKS), c.hlen(OPEN))) == (5, 5, 10)

    # Top of book and spread. Two bids share 100.50: REV orders them by member, descending.
    assert log("best bid", best(c, "bid")) == [("o004", 100.5)]
    assert log("best ask", best(c, "ask")) == [("o005", 101.0)]
    assert best(c, "ask")[0][1] - best(c, "bid")[0][1] == pytest.approx(0.5)
    assert log("best bid byscore", c.zrange(BIDS, "+inf", "-inf", byscore=True, desc=True,
                                            offset=0, num=1, withscores=True)) == [("o004", 100.5)]
    assert log("revrangebyscore", c.zrevrangebyscore(BIDS, "+inf", "-inf", start=0, num=2)) == [
        "o004", "o002"]
    # Arrival order at the best ask price, and queue positions.
    assert log("queue at 101", c.zrangebyscore(ASKS, 101, 101)) == ["o005", "o007"]
    assert log("ranks", (c.zrank(ASKS, "o007"), c.zrevrank(BIDS, "o001"), c.zrank(ASKS, "nope"))) \
        == (1, 2, None)
    assert log("scores", (c.zscore(BIDS, "o003"), c.zmscore(ASKS, ["o008", "x"]))) == (
        99.75, [102.5, None])

    # Depth by price range.
    assert log("zcount", (c.zcount(BIDS, 100, 101), c.zcount(BIDS, "(100.25", "+inf"),
                          c.zcount(ASKS, "-inf", "+inf"), c.zcount(ASKS, 200, 300))) == (3, 2, 5, 0)
    assert log("asks 101..102.5", c.zrangebyscore(ASKS, 101, 102.5, withscores=True)) == [
        ("o005", 101.0), ("o007", 101.0), ("o006", 101.25), ("o008", 102.5)]
    assert log("ask levels", level_quantities(c, ASKS, 101, 102.5)) == {
        101.0: 11, 101.25: 12, 102.5: 30}
    assert log("bid levels", level_quantities(c, BIDS, 99, "+inf")) == {
        99.75: 20, 100.25: 10, 100.5: 12}
    assert log("top 2 asks limit", c.zrange(ASKS, 101, "+inf", byscore=True, offset=1, num=2,
                                            withscores=True)) == [("o007", 101.0), ("o006", 101.25)]
    assert log("order details", c.hgetall(okey("o006"))) == {
        "side": "ask", "price": "101.25", "qty": "12", "trader": "frank"}
    assert log("hmget", c.hmget(okey("o002"), "price", "trader", "nofield")) == [
        "100.5", "bob", None]

    # A market buy of 15 sweeps the 101.00 level and part of 101.25.
    assert log("fills", market_buy(c, 15)) == [
        ("o005", 101.0, 8), ("o007", 101.0, 3), ("o006", 101.25, 4)]
    assert log("after fill", (best(c, "ask"), c.hget(OPEN, "o006"), c.zcard(ASKS),
                              c.hget(okey("o005"), "status"), c.hexists(OPEN, "o005"))) == (
        [("o006", 101.25)], "8", 3, "filled", False)

    # Cancel an order; cancelling twice removes nothing.
    assert log("cancel", cancel(c, "o003", "bid")) == (1, 1, 1)
    assert log("cancel again", cancel(c, "o003", "bid")) == (0, 0, 0)

    # Sweep stale bids below 99: ZRANGEBYSCORE to learn the ids, ZREMRANGEBYSCORE, HDEL.
    stale = log("stale", c.zrangebyscore(BIDS, "-inf", "(99"))
    assert stale == ["o009"]
    assert log("zremrangebyscore", c.zremrangebyscore(BIDS, "-inf", "(99")) == 1
    assert log("hdel stale", c.hdel(OPEN, *stale)) == 1
    # Filled orders' details: drop everything but side/price (HDEL several fields).
    assert log("hdel details", c.hdel(okey("o005"), "qty", "trader", "nofield")) == 2
    assert log("details left", c.hgetall(okey("o005"))) == {
        "side": "ask", "price": "101.0", "status": "filled"}

    # Amend: raise o001's price only upward (ZADD XX GT CH), never create (XX).
    assert log("amend up", c.zadd(BIDS, {"o001": 100.75}, xx=True, gt=True, ch=True)) == 1
    assert log("amend down", c.zadd(BIDS, {"o001": 90.0}, xx=True, gt=True, ch=True)) == 0
    assert log("amend missing", c.zadd(BIDS, {"o777": 1.0}, xx=True)) == 0
    assert log("improve", c.zincrby(ASKS, -0.25, "o010")) == 102.75
    assert log("best bid 2", best(c, "bid")) == [("o001", 100.75)]
    assert log("book", c.zrange(BIDS, 0, -1, desc=True, withscores=True)) == [
        ("o001", 100.75), ("o004", 100.5), ("o002", 100.5)]
    # Take the best bid off the book (an aggressive sell).
    assert log("zpopmax", c.zpopmax(BIDS)) == [("o001", 100.75)]
    assert log("zscan", sorted(c.zscan_iter(BIDS))) == [("o002", 100.5), ("o004", 100.5)]
    assert log("open", c.hgetall(OPEN)) == {
        "o001": "10", "o002": "5", "o004": "7", "o006": "8", "o008": "30", "o010": "15"}
    # Emptying a side deletes its key.
    assert log("clear asks", c.zremrangebyscore(ASKS, "-inf", "+inf")) == 3
    assert log("asks gone", (c.exists(ASKS), best(c, "ask"), c.zcard(ASKS))) == (0, [], 0)
    assert log("wrongtype", _error_of(lambda: c.zadd(OPEN, {"x": 1}))) == (
        "ResponseError", "WRONGTYPE Operation against a key holding the wrong kind of value")


def _error_of(fn: Callable[[], Any]) -> Tuple[str, str]:
    try:
        fn()
    except redis.RedisError as e:
        return (type(e).__name__, str(e))
    raise AssertionError("no error")


def test_orderbook_scenario(book):
    transcript: List[Tuple[str, Any]] = []

    def log(label: str, value: Any) -> Any:
        transcript.append((label, value))
        return value

    scenario(book, log)
    assert len(transcript) > 40


def test_orderbook_transcripts_match_redis(fincache_server, redis_proc):
    """The three backends observe exactly the same values at every step."""
    clients = {
        "redis-server": redis.Redis(port=redis_proc.port, decode_responses=True),
        "fincache-server": fincache_server.client(decode_responses=True),
        "embedded": fincache.Cache(decode_responses=True),
    }
    transcripts = {}
    try:
        for name, c in clients.items():
            _clean(c)
            out: List[Tuple[str, Any]] = []
            scenario(c, lambda label, value, out=out: out.append((label, value)) or value)
            transcripts[name] = out
            _clean(c)
    finally:
        for c in clients.values():
            c.close()
    assert transcripts["fincache-server"] == transcripts["redis-server"]
    assert transcripts["embedded"] == transcripts["redis-server"]


# --------------------------------------------------------------------------------------------
# a random stream against a plain-Python model
# --------------------------------------------------------------------------------------------


def test_orderbook_random_stream_matches_model(book):
    rnd = random.Random(7)
    model: Dict[str, Dict[str, Tuple[float, int]]] = {"bid": {}, "ask": {}}
    seq = 0
    for step in range(300):
        action = rnd.random()
        if action < 0.55 or not (model["bid"] or model["ask"]):
            seq += 1
            oid = f"r{seq:05d}"
            side = rnd.choice(["bid", "ask"])
            # Bids below 100, asks above: the book never crosses.
            price = round(rnd.uniform(95, 99.99) if side == "bid" else rnd.uniform(100, 105), 2)
            qty = rnd.randint(1, 50)
            place(book, oid, side, price, qty, "t")
            model[side][oid] = (price, qty)
        elif action < 0.8 and model["ask"]:
            qty = rnd.randint(1, 60)
            total_open = sum(q for _, q in model["ask"].values())
            fills = market_buy(book, qty)
            assert sum(t for _, _, t in fills) == min(qty, total_open)
            for oid, price, take in fills:
                p, q = model["ask"][oid]
                assert p == price
                if take == q:
                    del model["ask"][oid]
                else:
                    model["ask"][oid] = (p, q - take)
        else:
            side = rnd.choice([s for s in ("bid", "ask") if model[s]])
            oid = rnd.choice(sorted(model[side]))
            assert cancel(book, oid, side) == (1, 1, 1)
            del model[side][oid]
        if step % 10 == 0 or step == 299:
            for side, key in (("bid", BIDS), ("ask", ASKS)):
                entries = model[side]
                want_book = sorted(((p, oid) for oid, (p, _) in entries.items()),
                                   reverse=side == "bid")
                got = book.zrange(key, 0, -1, desc=side == "bid", withscores=True)
                assert [(p, oid) for oid, p in got] == want_book
                if entries:
                    assert best(book, side)[0][1] == want_book[0][0]
                    mid = 100.0
                    lo, hi = (95, mid) if side == "bid" else (mid, 105)
                    assert book.zcount(key, lo, hi) == len(entries)
                else:
                    assert book.exists(key) == 0
            opened = book.hgetall(OPEN)
            want_open = {oid: str(q) for s in model.values() for oid, (_, q) in s.items()}
            assert opened == want_open
