"""fincache.Redis: redis-py's client, talking to an in-process engine instead of a socket.

``Redis`` is a ``redis.Redis`` whose connection pool makes ``LoopbackConnection``s: each is a
redis-py connection whose "socket" hands the packed RESP bytes to the engine (``_core.Loopback``)
and reads back the bytes a server would have sent. Everything client-side is redis-py's own code
(command methods, packing, RESP2/RESP3 parsers, callbacks, pipelines, transactions with WATCH,
Lock, Script), so behaviour matches ``redis.Redis`` against ``fincache-server`` exactly, with no
network, no port and no server process.
"""

from __future__ import annotations

import socket
import threading
import weakref
from typing import Any, Dict, Optional
from urllib.parse import parse_qs, unquote, urlparse

import redis
from redis._parsers.base import BaseParser
from redis.client import EMPTY_RESPONSE, NEVER_DECODE
from redis.connection import AbstractConnection, ConnectionPool
from redis.exceptions import ResponseError

from . import _commands, _core
from ._cache import Cache, _settings_to_config, _split_command_name

__all__ = ["LoopbackConnection", "Redis"]


class _LoopbackSocket:
    """The socket a LoopbackConnection reads and writes: bytes go to and come from the engine."""

    def __init__(self, loopback: "_core.Loopback") -> None:
        self._loopback = loopback
        self._timeout: Optional[float] = None

    def sendall(self, data: Any) -> None:
        self._loopback.write(bytes(data))

    def recv(self, n: int) -> bytes:
        data = self._loopback.read(n)
        if data or self._loopback.closed:
            return data  # b"" once closed: redis-py reports the server closed the connection
        # A command's reply is readable as soon as it ran; only Pub/Sub messages arrive later.
        if self._timeout == 0 or not self._loopback.wait(self._timeout):
            raise socket.timeout("timed out")
        return self._loopback.read(n)

    def settimeout(self, timeout: Optional[float]) -> None:
        self._timeout = timeout

    def gettimeout(self) -> Optional[float]:
        return self._timeout

    def setsockopt(self, *args: Any) -> None:
        pass

    def shutdown(self, how: int) -> None:
        pass

    def close(self) -> None:
        loopback, self._loopback = self._loopback, _ClosedLoopback()
        if not isinstance(loopback, _ClosedLoopback):
            loopback.close()


class _ClosedLoopback:
    closed = True

    def close(self) -> None:
        pass

    def write(self, data: bytes) -> None:
        raise OSError("loopback connection closed")

    def read(self, n: int) -> bytes:
        return b""


class LoopbackConnection(AbstractConnection):
    """A redis-py connection to an engine in this process (``engine``: a ``_core.Engine``)."""

    def __init__(self, engine: "_core.Engine", **kwargs: Any) -> None:
        self._engine = engine
        super().__init__(**kwargs)

    @property
    def host(self) -> str:
        return "fincache"

    @host.setter
    def host(self, value: str) -> None:  # redis-py may assign it; the loopback has no host
        pass

    @property
    def port(self) -> int:
        return 0

    @port.setter
    def port(self, value: int) -> None:
        pass

    def repr_pieces(self):
        return [("engine", hex(id(self._engine))), ("db", self.db)]

    def _connect(self) -> _LoopbackSocket:
        return _LoopbackSocket(_core.Loopback(self._engine, self.client_name or ""))

    def _host_error(self) -> str:
        return "fincache (in-process)"


# Engines named in fincache:// URLs, shared while some client uses them.
_named_engines: "weakref.WeakValueDictionary[str, Any]" = weakref.WeakValueDictionary()
_named_lock = threading.Lock()

_URL_BOOL = {"1": True, "true": True, "yes": True, "on": True,
             "0": False, "false": False, "no": False, "off": False}


class Redis(redis.Redis):
    """``redis.Redis`` on an in-process FinCache engine: every redis-py API, no socket.

    ``Redis(cache=None, *, settings=None, **kwargs)``: runs on ``cache``'s engine (a
    ``fincache.Cache``, ``fincache.Server`` or another ``fincache.Redis``), so they all see the
    same data, or on a new engine configured by ``settings`` (redis.conf names, ``_`` or ``-``:
    ``{"databases": 4}``). ``kwargs`` are ``redis.Redis``'s client arguments (``db``,
    ``decode_responses``, ``protocol``, ``password``, ``client_name``, ``encoding``...).

    ``Redis.from_url("fincache://[name][/db][?decode_responses=true&protocol=3]")``: a new engine,
    or with a name the engine of that name (created on first use, shared by every client of the
    name while one exists).
    """

    def __init__(self, cache: Any = None, *, settings: Optional[Dict[str, Any]] = None,
                 connection_pool: Optional[ConnectionPool] = None, **kwargs: Any) -> None:
        if connection_pool is None:
            engine = _engine_of(cache, settings)
            _reject_network_args("fincache.Redis", kwargs)
            pool_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in _POOL_ONLY}
            connection_pool = ConnectionPool(connection_class=LoopbackConnection, engine=engine,
                                             **_connection_kwargs(kwargs), **pool_kwargs)
            self._engine = engine
            self._fast_execute = _fast_session(engine, kwargs)
        else:
            self._engine = connection_pool.connection_kwargs.get("engine")
            self._fast_execute = None
        self._fast_decode = bool(kwargs.get("decode_responses", False))
        super().__init__(connection_pool=connection_pool, **_client_kwargs(kwargs))

    def execute_command(self, *args: Any, **options: Any) -> Any:
        """redis-py's execute_command. A command that does not change connection state runs on
        this client's own native session (no packing, no parsing: the same replies, several
        times faster); the others (SELECT, AUTH, HELLO, CLIENT, MULTI/EXEC, WATCH, (P|S)SUBSCRIBE,
        MONITOR, RESET...) run on a pooled loopback connection, as redis-py runs every command."""
        execute = self._fast_execute
        if execute is not None and args:
            name = args[0]
            word = name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)
            if word.split(" ", 1)[0].upper() not in _CONNECTION_STATE:
                decode = self._fast_decode and NEVER_DECODE not in options
                try:
                    response = execute(_split_command_name(args), decode)
                except ResponseError:
                    if EMPTY_RESPONSE in options:
                        return options[EMPTY_RESPONSE]
                    raise
                options.pop(EMPTY_RESPONSE, None)
                options.pop(NEVER_DECODE, None)
                options.pop("keys", None)
                callback = self.response_callbacks.get(name) if isinstance(name, str) else None
                return callback(response, **options) if callback is not None else response
        return super().execute_command(*args, **options)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> "Redis":  # type: ignore[override]
        parsed = urlparse(url)
        if parsed.scheme != "fincache":
            raise ValueError(f"fincache.Redis.from_url needs a fincache:// URL, got {url!r}")
        options: Dict[str, Any] = {}
        for key, values in parse_qs(parsed.query).items():
            value = values[-1]
            if key in ("decode_responses", "single_connection_client"):
                if value.lower() not in _URL_BOOL:
                    raise ValueError(f"invalid boolean {value!r} for {key} in {url!r}")
                options[key] = _URL_BOOL[value.lower()]
            elif key in ("protocol", "db", "max_connections"):
                options[key] = int(value)
            else:
                options[key] = value
        path = parsed.path.lstrip("/")
        if path:
            options["db"] = int(path)
        if parsed.password:
            options["password"] = unquote(parsed.password)
        options.update(kwargs)
        name = unquote(parsed.hostname or "")
        if not name:
            return cls(**options)
        with _named_lock:
            engine = _named_engines.get(name)
            if engine is None:
                engine = _core.Engine(_settings_to_config(options.pop("settings", None) or {}))
                _named_engines[name] = engine
        client = cls(_EngineRef(engine), **options)
        return client

    @property
    def engine(self) -> Any:
        """The native engine this client runs on (pass the client itself to share it)."""
        return self._engine

    def cache(self, **kwargs: Any) -> Cache:
        """A ``fincache.Cache`` (the native embedded API) on this client's engine."""
        return Cache._on_engine(self._engine, kwargs.get("decode_responses", False),
                                kwargs.get("db", 0), kwargs.get("protocol", 2),
                                kwargs.get("encoding", "utf-8"), kwargs.get("encoding_errors", "strict"),
                                kwargs.get("legacy_responses", True))

    def register_command(self, name: str, fn: Any, **kwargs: Any) -> None:
        """``Cache.register_command`` on this client's engine (arguments decoded as this client
        decodes replies)."""
        _register_on(self._engine, self.get_encoder(), name, fn, kwargs)

    def unregister_command(self, name: str) -> bool:
        """``Cache.unregister_command`` on this client's engine."""
        return _commands.unregister_command(self._engine, name)

    def __repr__(self) -> str:
        return f"<fincache.Redis(engine={hex(id(self._engine))}, pool={self.connection_pool!r})>"


def _register_on(engine: Any, encoder: Any, name: str, fn: Any, kwargs: Dict[str, Any]) -> None:
    for key in ("decode_responses", "encoding", "encoding_errors"):
        if key in kwargs:
            raise TypeError(f"register_command() takes no {key!r}: the client's own is used")
    _commands.register_command(engine, name, fn, decode_responses=encoder.decode_responses,
                               encoding=encoder.encoding, encoding_errors=encoder.encoding_errors,
                               **kwargs)


class _EngineRef:
    """Wraps a bare engine so _engine_of accepts it."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine


def _reject_network_args(client: str, kwargs: Dict[str, Any]) -> None:
    for key in ("host", "port", "unix_socket_path", "ssl", "connection_class"):
        if key in kwargs:
            raise TypeError(f"{client} has no {key!r}: it runs on an in-process engine")


def _engine_of(cache: Any, settings: Optional[Dict[str, Any]]) -> Any:
    if cache is None:
        return _core.Engine(_settings_to_config(settings or {}))
    if settings:
        raise TypeError("pass either a cache to share or settings for a new engine, not both")
    for holder in (cache, getattr(cache, "cache", None)):
        engine = getattr(holder, "_engine", None)
        if isinstance(engine, _core.Engine):
            return engine
    raise TypeError(f"cannot share the engine of {type(cache).__name__} (a fincache.Cache, "
                    "fincache.Server or fincache.Redis is needed)")


# Commands that read or change the state of the connection they run on.
_CONNECTION_STATE = frozenset({
    "AUTH", "HELLO", "SELECT", "CLIENT", "RESET", "QUIT", "MULTI", "EXEC", "DISCARD", "WATCH",
    "UNWATCH", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE",
    "SUNSUBSCRIBE", "MONITOR", "READONLY", "READWRITE", "ASKING",
})


def _fast_session(engine: Any, kwargs: Dict[str, Any]) -> Any:
    """The native session for execute_command, or None when commands must go through the
    connections: credentials to check, or an engine that requires a password."""
    if any(kwargs.get(k) for k in ("password", "username", "credential_provider")):
        return None
    if engine.config_get("requirepass"):
        return None
    db = kwargs.get("db", 0)
    if isinstance(db, bool) or not isinstance(db, int) or not 0 <= db < int(engine.config_get("databases")):
        return None  # the connections report it as redis-py does (SELECT's error)
    # The protocol on the wire, as a redis-py connection negotiates it (RESP3 unless told 2): the
    # client's response callbacks expect that dialect's replies.
    wire = 3 if kwargs.get("protocol") is None else int(kwargs["protocol"])
    session = _core.Session(engine, db, wire,
                            bool(kwargs.get("decode_responses", False)),
                            kwargs.get("encoding", "utf-8"), kwargs.get("encoding_errors", "strict"),
                            BaseParser.parse_error)
    return session.execute


# ConnectionPool arguments; everything else of redis.Redis's goes to the connections.
_POOL_ONLY = ("max_connections",)
# redis.Redis arguments that are not connection arguments.
_CLIENT_ONLY = ("single_connection_client", "cache_config")


def _connection_kwargs(kwargs: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in kwargs.items() if k not in _CLIENT_ONLY}


def _client_kwargs(kwargs: Dict[str, Any]) -> Dict[str, Any]:
    out = {k: v for k, v in kwargs.items() if k in _CLIENT_ONLY}
    # redis.Redis picks its response callbacks by protocol and decoding: pass them along.
    for key in ("protocol", "decode_responses", "legacy_responses"):
        if key in kwargs:
            out[key] = kwargs[key]
    return out
