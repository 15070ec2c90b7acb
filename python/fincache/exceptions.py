"""FinCache's exceptions are redis-py's own classes, so code written for redis-py catches them.

``fincache.ResponseError is redis.exceptions.ResponseError``: an error reply from the engine
raises exactly what redis-py would raise for the same reply from a Redis server.
"""

from redis.exceptions import (
    AuthenticationError,
    AuthenticationWrongNumberOfArgsError,
    BusyLoadingError,
    ConnectionError,
    DataError,
    ExecAbortError,
    InvalidResponse,
    NoPermissionError,
    NoScriptError,
    OutOfMemoryError,
    ReadOnlyError,
    RedisError,
    ResponseError,
    TimeoutError,
    WatchError,
)


class CommandError(ResponseError):
    """An error reply with its full text, code first (``"WRONGTYPE Operation against..."``).

    Raise it from a registered command's function to answer exactly that error (a text whose
    first word is not an upper-case code gets ``ERR`` in front); ``ctx.call()`` raises it for the
    error replies of the commands it runs. A ``ResponseError``: ``except ResponseError`` catches
    it.
    """


__all__ = [
    "AuthenticationError",
    "AuthenticationWrongNumberOfArgsError",
    "BusyLoadingError",
    "CommandError",
    "ConnectionError",
    "DataError",
    "ExecAbortError",
    "InvalidResponse",
    "NoPermissionError",
    "NoScriptError",
    "OutOfMemoryError",
    "ReadOnlyError",
    "RedisError",
    "ResponseError",
    "TimeoutError",
    "WatchError",
]
