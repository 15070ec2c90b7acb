"""fincache.asyncio.Redis: redis-py's asyncio client on an in-process FinCache engine.

The asyncio twin of ``fincache.Redis``: a ``redis.asyncio.Redis`` whose connections are loopbacks
into the engine (``_core.Loopback``). redis-py's asyncio code does everything client-side; the
connection's stream reader is fed with the bytes the engine answers. Commands run on the event
loop's thread (the engine releases the GIL while it works), except blocking commands (BLPOP...),
which run in a worker thread so the loop keeps going. A connection that subscribes (Pub/Sub) gets
a feeder task that waits for messages in a worker thread.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Dict, List, Optional

import redis.asyncio as aioredis
from redis.asyncio.connection import AbstractConnection, ConnectionPool

from . import _commands, _core
from ._redis import _engine_of, _register_on, _reject_network_args

__all__ = ["LoopbackConnection", "Redis"]

# Packed command names that may park (run them off the event loop) or subscribe (start feeding).
_BLOCKING = re.compile(rb"\r\n(?:BLPOP|BRPOP|BLMOVE|BRPOPLPUSH|BLMPOP|BZPOPMIN|BZPOPMAX|BZMPOP|"
                       rb"EVAL|EVALSHA|EVAL_RO|EVALSHA_RO|FCALL|FCALL_RO)\r\n", re.I)
_SUBSCRIBE = re.compile(rb"\r\n[PS]?SUBSCRIBE\r\n", re.I)
_SCAN_LIMIT = 1 << 16  # bigger batches always run in a worker thread


class _Transport:
    def __init__(self) -> None:
        self.closing = False

    def is_closing(self) -> bool:
        return self.closing

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default


class _LoopbackWriter:
    """The StreamWriter of a loopback connection: drain() runs the written commands."""

    def __init__(self, loopback: "_core.Loopback", reader: asyncio.StreamReader) -> None:
        self._loopback = loopback
        self._reader = reader
        self._pending: List[bytes] = []
        self._feeder: Optional[asyncio.Task] = None
        self.transport = _Transport()

    def write(self, data: bytes) -> None:
        self._pending.append(bytes(data))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self._pending.append(bytes(line))

    async def drain(self) -> None:
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        if len(data) > _SCAN_LIMIT or _BLOCKING.search(data):
            await asyncio.to_thread(self._loopback.write, data)
        else:
            self._loopback.write(data)
        self._pump()
        if self._feeder is None and _SUBSCRIBE.search(data):
            self._feeder = asyncio.get_running_loop().create_task(self._feed())

    def _pump(self) -> None:
        while True:
            out = self._loopback.read(1 << 20)
            if not out:
                break
            self._reader.feed_data(out)
        if self._loopback.closed and not self._reader.at_eof():
            self._reader.feed_eof()

    async def _feed(self) -> None:
        # Pub/Sub messages arrive whenever someone publishes: wait for them off the loop.
        while not self.transport.closing:
            await asyncio.to_thread(self._loopback.wait, 0.1)
            if self.transport.closing:
                return
            self._pump()
            if self._reader.at_eof():
                return

    def close(self) -> None:
        if not self.transport.closing:
            self._loopback.close()
        self.transport.closing = True
        if self._feeder is not None:
            self._feeder.cancel()
            self._feeder = None

    def is_closing(self) -> bool:
        return self.transport.closing

    async def wait_closed(self) -> None:
        return None


class LoopbackConnection(AbstractConnection):
    """A redis-py asyncio connection to an engine in this process."""

    def __init__(self, engine: "_core.Engine", **kwargs: Any) -> None:
        self._engine = engine
        self.host = "fincache"
        self.port = 0
        super().__init__(**kwargs)

    def repr_pieces(self):
        return [("engine", hex(id(self._engine))), ("db", self.db)]

    async def _connect(self) -> None:
        loopback = _core.Loopback(self._engine, self.client_name or "")
        reader = asyncio.StreamReader(limit=2**31)
        self._reader = reader
        self._writer = _LoopbackWriter(loopback, reader)

    def _host_error(self) -> str:
        return "fincache (in-process)"


class Redis(aioredis.Redis):
    """``redis.asyncio.Redis`` on an in-process FinCache engine.

    ``Redis(cache=None, *, settings=None, **kwargs)``: the engine of ``cache`` (a
    ``fincache.Cache``, ``Server``, ``fincache.Redis`` or ``fincache.asyncio.Redis``) or a new one
    configured by ``settings``; ``kwargs`` are redis.asyncio.Redis's client arguments.
    """

    def __init__(self, cache: Any = None, *, settings: Optional[Dict[str, Any]] = None,
                 connection_pool: Optional[ConnectionPool] = None, **kwargs: Any) -> None:
        if connection_pool is None:
            engine = _engine_of(cache, settings)
            _reject_network_args("fincache.asyncio.Redis", kwargs)
            client_only = {k: kwargs.pop(k) for k in list(kwargs)
                           if k in ("single_connection_client", "auto_close_connection_pool")}
            max_connections = kwargs.pop("max_connections", None)
            connection_pool = ConnectionPool(connection_class=LoopbackConnection, engine=engine,
                                             max_connections=max_connections, **kwargs)
            self._engine = engine
            passthrough = {k: kwargs[k] for k in ("protocol", "decode_responses") if k in kwargs}
            client_only.pop("auto_close_connection_pool", None)
            super().__init__(connection_pool=connection_pool, **client_only, **passthrough)
            # The pool is ours: aclose() closes it, as redis.asyncio.Redis does with its own.
            self.auto_close_connection_pool = True
        else:
            self._engine = connection_pool.connection_kwargs.get("engine")
            super().__init__(connection_pool=connection_pool, **kwargs)

    @property
    def engine(self) -> Any:
        return self._engine

    def register_command(self, name: str, fn: Any, **kwargs: Any) -> None:
        """``Cache.register_command`` on this client's engine (``fn`` is a plain function: it
        runs inside the engine, not on the event loop)."""
        _register_on(self._engine, self.get_encoder(), name, fn, kwargs)

    def unregister_command(self, name: str) -> bool:
        """``Cache.unregister_command`` on this client's engine."""
        return _commands.unregister_command(self._engine, name)
