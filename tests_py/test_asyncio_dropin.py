"""fincache.asyncio.Redis: redis-py's asyncio client on an in-process engine (no socket)."""

from __future__ import annotations

import asyncio

import pytest
import redis.exceptions as rex

import fincache
import fincache.asyncio as fa


def run(coro):
    return asyncio.run(coro)


@pytest.mark.parametrize("protocol, decode", [(None, False), (2, True), (3, False)])
def test_commands_and_reply_shapes(protocol, decode):
    async def main():
        r = fa.Redis(protocol=protocol, decode_responses=decode)
        k = (lambda s: s) if decode else (lambda s: s.encode())
        assert await r.set("a", 1) is True
        assert await r.get("a") == k("1")
        assert await r.incr("a") == 2
        assert await r.zadd("z", {"m": 1.5}) == 1
        assert await r.zrange("z", 0, -1, withscores=True) in ([(k("m"), 1.5)], [[k("m"), 1.5]])
        assert await r.hset("h", mapping={"f": "v"}) == 1
        assert await r.hgetall("h") == {k("f"): k("v")}
        with pytest.raises(rex.ResponseError, match="^WRONGTYPE"):
            await r.lpush("h", "x")
        await r.aclose()

    run(main())


def test_pipeline_watch_lock_script_and_sharing():
    async def main():
        r = fa.Redis()
        async with r.pipeline() as p:
            assert await p.set("x", 1).incr("x").get("x").execute() == [True, 2, b"2"]
        sync = fincache.Redis(r)  # the same engine through the sync drop-in
        async with r.pipeline() as p:
            await p.watch("x")
            sync.set("x", 100)
            p.multi()
            p.set("x", 0)
            with pytest.raises(rex.WatchError):
                await p.execute()
        assert await r.get("x") == b"100"
        lock = r.lock("L", timeout=5)
        assert await lock.acquire()
        assert sync.get("L") is not None
        await lock.release()
        incr = r.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        assert await incr(keys=["c"], args=[3]) == 3
        assert fincache.Cache is not None and sync.cache().get("c") == b"3"
        await r.aclose()

    run(main())


def test_blocking_pop_does_not_block_the_loop():
    async def main():
        r = fa.Redis()
        ticks = []

        async def ticker():
            for _ in range(5):
                ticks.append(1)
                await asyncio.sleep(0.02)

        async def pusher():
            await asyncio.sleep(0.15)
            await r.rpush("q", "job")

        results = await asyncio.gather(r.blpop("q", timeout=5), ticker(), pusher())
        assert results[0] == (b"q", b"job")
        assert len(ticks) == 5  # the loop kept running while BLPOP waited
        assert await r.blpop("q", timeout=0.05) is None
        await r.aclose()

    run(main())


def test_pubsub():
    async def main():
        r = fa.Redis()
        p = r.pubsub()
        await p.subscribe("c")
        await p.psubscribe("px:*")
        assert (await p.get_message(timeout=1))["type"] == "subscribe"
        assert (await p.get_message(timeout=1))["type"] == "psubscribe"
        assert await r.publish("c", "hi") == 1
        assert (await p.get_message(timeout=1))["data"] == b"hi"
        # From another thread's client of the same engine: the feeder wakes up.
        await asyncio.to_thread(lambda: fincache.Redis(r).publish("px:A", "1"))
        msg = await p.get_message(timeout=1)
        assert msg["type"] == "pmessage" and msg["channel"] == b"px:A"
        assert await p.get_message(timeout=0.1) is None
        await p.aclose()
        assert await r.pubsub_numsub("c") == [(b"c", 0)]
        await r.aclose()

    run(main())


def test_rejects_network_arguments():
    with pytest.raises(TypeError):
        fa.Redis(host="localhost")
