"""The financial Lua scripts shipped in fincache/lua (fincache.scripts): VWAP, fraud velocity
check, portfolio valuation. Each runs through redis-py's register_script against
fincache-server and against a real redis-server (the replies must be identical), and through
the embedded fincache.Cache (same replies again)."""

from __future__ import annotations

import random
from typing import Any, Callable, List

import pytest
import redis

import fincache
from fincache import scripts
from diffutil import ServerProc, find_fincache_binary, redis_server_binary


@pytest.fixture(scope="module")
def servers():
    procs = [ServerProc("redis", redis_server_binary()), ServerProc("fincache", find_fincache_binary())]
    try:
        for p in procs:
            p.start()
        yield procs
    finally:
        for p in procs:
            p.cleanup()


@pytest.fixture
def clients(servers):
    """[redis-server, fincache-server, embedded Cache], each flushed."""
    out: List[Any] = [redis.Redis(port=p.port) for p in servers] + [fincache.Cache()]
    for c in out:
        c.flushall()
    yield out
    for c in out[:2]:
        c.close()


def on_all(clients, setup: Callable[[Any], None], run: Callable[[Any], Any]) -> Any:
    """Runs setup then run on every client; all results must be equal; returns Redis's."""
    results = []
    for c in clients:
        setup(c)
        try:
            results.append(("ok", run(c)))
        except redis.ResponseError as e:
            results.append(("error", str(e)))
    assert results[1] == results[0], f"fincache-server differs from redis: {results}"
    assert results[2] == results[0], f"embedded Cache differs from redis: {results}"
    return results[0]


def test_sources_are_exposed():
    assert "HGETALL" in scripts.VWAP and "PFADD" in scripts.FRAUD_VELOCITY
    assert set(scripts.SOURCES) == {"vwap", "fraud_velocity", "portfolio_value"}
    assert fincache.scripts is scripts
    registered = scripts.register(fincache.Cache())
    assert set(registered) == set(scripts.SOURCES)


# ---- VWAP --------------------------------------------------------------------------------------

def _trades(c):
    c.hset("trades:AAPL", mapping={"t1": "190.10:100", "t2": "190.30:300", "t3": "189.95:50"})
    c.hset("trades:MSFT", mapping={f"t{i:03d}": f"{410 + i * 0.01:.2f}:{i % 7 + 0.5}"
                                   for i in range(200)})
    c.hset("trades:ZERO", mapping={"t1": "12.5:0"})


def test_vwap(clients):
    status, rows = on_all(clients, _trades, lambda c: c.register_script(scripts.VWAP)(
        keys=["trades:AAPL", "trades:MSFT", "trades:NONE", "trades:ZERO"]))
    assert status == "ok"
    aapl, msft, none, zero = rows
    assert aapl == [b"trades:AAPL", b"190.2167", b"450", 3]
    assert float(msft[1]) == pytest.approx(410.99, abs=0.1) and msft[3] == 200
    assert none == [b"trades:NONE", None, b"0", 0]
    assert zero == [b"trades:ZERO", None, b"0", 1]
    # VWAP by hand for AAPL.
    assert float(aapl[1]) == pytest.approx((190.10 * 100 + 190.30 * 300 + 189.95 * 50) / 450,
                                           abs=1e-4)


def test_vwap_decimals_and_errors(clients):
    def run(c):
        vwap = c.register_script(scripts.VWAP)
        return [vwap(keys=["trades:AAPL"], args=[d])[0][1] for d in (0, 2, 8)]
    assert on_all(clients, _trades, run) == ("ok", [b"190", b"190.22", b"190.21666667"])
    for bad in ("-1", "13", "1.5", "x"):
        status, msg = on_all(clients, _trades, lambda c: c.register_script(scripts.VWAP)(
            keys=["trades:AAPL"], args=[bad]))
        assert status == "error" and "decimals must be an integer" in msg
    status, msg = on_all(clients, lambda c: c.hset("trades:BAD", "t9", "12.5"),
                         lambda c: c.register_script(scripts.VWAP)(keys=["trades:BAD"]))
    assert (status, msg) == ("error", "bad trade t9 in trades:BAD: 12.5")
    status, msg = on_all(clients, lambda c: c.set("trades:STR", "x"),
                         lambda c: c.register_script(scripts.VWAP)(keys=["trades:STR"]))
    assert status == "error" and "WRONGTYPE" in msg


# ---- fraud velocity ------------------------------------------------------------------------------

FRAUD_KEYS = ["fraud:count:u1", "fraud:merchants:u1", "fraud:last_location"]
NEW_YORK = ("-73.9857", "40.7484")
BROOKLYN = ("-73.9442", "40.6782")
LONDON = ("-0.1276", "51.5072")


def _txn(c, merchant, where, *, window=600, max_count=5, max_merchants=3, max_km=500):
    check = c.register_script(scripts.FRAUD_VELOCITY)
    return check(keys=FRAUD_KEYS, args=["u1", merchant, where[0], where[1], window, max_count,
                                        max_merchants, max_km])


def test_fraud_velocity_sequence(clients):
    def run(c):
        out = [_txn(c, "m1", NEW_YORK), _txn(c, "m1", BROOKLYN), _txn(c, "m2", BROOKLYN),
               _txn(c, "m3", NEW_YORK), _txn(c, "m4", NEW_YORK), _txn(c, "m4", NEW_YORK),
               _txn(c, "m5", LONDON)]
        ttls = [c.ttl(FRAUD_KEYS[0]) > 0, c.ttl(FRAUD_KEYS[1]) > 0, c.ttl(FRAUD_KEYS[2])]
        return out, ttls, c.geopos(FRAUD_KEYS[2], "u1", "u1:pending")[1]
    status, (verdicts, ttls, pending) = on_all(clients, lambda c: None, run)
    assert status == "ok"
    assert verdicts[0] == [b"APPROVE", 1, 1, None, b""]
    assert verdicts[1][0] == b"APPROVE" and 7 < float(verdicts[1][3]) < 9  # NY -> Brooklyn
    assert verdicts[4] == [b"REVIEW", 5, 4, b"0.0000", b"merchant_spread"]
    assert verdicts[5][0] == b"DECLINE" and verdicts[5][4] == b"velocity,merchant_spread"
    assert verdicts[6][4] == b"velocity,impossible_travel,merchant_spread"
    assert 5500 < float(verdicts[6][3]) < 5600  # NY -> London
    assert ttls == [True, True, -1]  # counters expire with the window, locations don't
    assert pending is None  # the scratch member is gone


def test_fraud_window_expiry_and_errors(clients):
    def run(c):
        first = _txn(c, "m1", NEW_YORK, window=1)
        c.delete(FRAUD_KEYS[0], FRAUD_KEYS[1])  # the window passed
        again = _txn(c, "m1", NEW_YORK, window=1)
        return first, again
    status, (first, again) = on_all(clients, lambda c: None, run)
    assert first[:3] == again[:3] == [b"APPROVE", 1, 1]
    status, msg = on_all(clients, lambda c: None, lambda c: _txn(c, "m1", ("200", "100")))
    assert status == "error" and "invalid longitude,latitude pair" in msg
    status, msg = on_all(clients, lambda c: None, lambda c: _txn(c, "m1", NEW_YORK, window=0))
    assert (status, msg) == ("error", "window must be a positive integer number of seconds")
    status, msg = on_all(clients, lambda c: None, lambda c: c.register_script(
        scripts.FRAUD_VELOCITY)(keys=FRAUD_KEYS, args=["u1"]))
    assert status == "error" and msg.startswith("usage:")


# ---- portfolio valuation ---------------------------------------------------------------------

def _book(c):
    c.hset("pos:alice", mapping={"AAPL": "100", "MSFT": "-20", "TSLA": "3.5", "NOPX": "7"})
    c.hset("px", mapping={"AAPL": "190.25", "MSFT": "410.5", "TSLA": "250"})


def test_portfolio_value(clients):
    status, (total, priced, missing, rows) = on_all(
        clients, _book, lambda c: c.register_script(scripts.PORTFOLIO_VALUE)(
            keys=["pos:alice", "px"]))
    assert status == "ok"
    assert total == b"11690.00"  # 19025 - 8210 + 875
    assert (priced, missing) == (3, [b"NOPX"])
    assert rows == [[b"AAPL", b"100", b"190.25", b"19025.00"], [b"MSFT", b"-20", b"410.5", b"-8210.00"],
                    [b"NOPX", b"7", None, None], [b"TSLA", b"3.5", b"250", b"875.00"]]


def test_portfolio_large_and_errors(clients):
    rnd = random.Random(42)
    positions = {f"S{i:05d}": str(rnd.randint(-500, 500)) for i in range(1800)}
    prices = {s: f"{rnd.uniform(1, 900):.2f}" for s in list(positions)[:1700]}

    def setup(c):
        c.hset("pos:big", mapping=positions)
        c.hset("px:big", mapping=prices)
    status, (total, priced, missing, rows) = on_all(
        clients, setup, lambda c: c.register_script(scripts.PORTFOLIO_VALUE)(
            keys=["pos:big", "px:big"], args=[4]))
    assert (priced, len(missing), len(rows)) == (1700, 100, 1800)
    expected = sum(int(positions[s]) * float(p) for s, p in prices.items())
    assert float(total) == pytest.approx(expected, abs=1e-3)
    assert on_all(clients, lambda c: None, lambda c: c.register_script(scripts.PORTFOLIO_VALUE)(
        keys=["pos:none", "px"])) == ("ok", [b"0.00", 0, [], []])
    status, msg = on_all(clients, lambda c: c.hset("pos:bad", "X", "ten"),
                         lambda c: c.register_script(scripts.PORTFOLIO_VALUE)(keys=["pos:bad", "px"]))
    assert (status, msg) == ("error", "bad quantity for X: ten")
    status, msg = on_all(clients, lambda c: (c.hset("pos:p", "Y", "1"), c.hset("px:p", "Y", "-3")),
                         lambda c: c.register_script(scripts.PORTFOLIO_VALUE)(keys=["pos:p", "px:p"]))
    assert (status, msg) == ("error", "bad price for Y: -3")
