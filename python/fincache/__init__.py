"""FinCache: a Redis-compatible in-memory data engine, embedded in Python.

>>> import fincache
>>> c = fincache.Cache()
>>> c.set("a", "1", ex=100)
True
>>> c.get("a"), c.ttl("a")
(b'1', 100)

``Cache`` has redis-py's API (method names, arguments, return values, exceptions) and runs the
engine in-process; ``Server`` serves a Cache's engine over RESP to any Redis client.
"""

from . import _core, scripts
from ._cache import Cache, Pipeline
from ._commands import CommandContext, SimpleString
from ._pubsub import PubSub
from ._redis import Redis
from ._server import Server
from .exceptions import (
    AuthenticationError,
    CommandError,
    ConnectionError,
    DataError,
    RedisError,
    ResponseError,
    WatchError,
)

__version__: str = _core.__version__

__all__ = [
    "AuthenticationError",
    "Cache",
    "CommandContext",
    "CommandError",
    "ConnectionError",
    "DataError",
    "Pipeline",
    "PubSub",
    "Redis",
    "RedisError",
    "ResponseError",
    "Server",
    "SimpleString",
    "WatchError",
    "__version__",
    "scripts",
]
