"""fincache.Cache: the embedded engine with redis-py's API.

Cache reuses redis-py itself for everything that is client-side in redis-py: the command methods
(``redis.commands.CoreCommands``: argument handling, client-side ``DataError``s), the response
callbacks (``get_response_callbacks``: the Python shapes of replies) and the error classes
(``BaseParser.parse_error``). Only the transport differs: ``execute_command`` hands the argv to the
native engine (``fincache._core``) instead of a socket, and the reply comes back as the Python
objects redis-py's parser would have produced. So every command behaves as with
``redis.Redis(...)`` talking to a server, including commands added to redis-py later.
"""

from __future__ import annotations

import inspect
import threading
import time
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Tuple,
    Union,
)

from redis._parsers.base import BaseParser
from redis._parsers.encoders import Encoder
from redis._parsers.response_callbacks import get_response_callbacks
from redis.client import EMPTY_RESPONSE, NEVER_DECODE, CaseInsensitiveDict
from redis.client import Pipeline as _RedisPipeline
from redis.commands import CoreCommands
from redis.exceptions import RedisError, ResponseError, WatchError
from redis.lock import Lock

from . import _core

if TYPE_CHECKING:  # _pubsub imports nothing from here, but keep Cache importable alone
    from ._pubsub import PubSub

__all__ = ["Cache", "Pipeline"]

_DEFAULT_SET_CALLBACK = get_response_callbacks(user_protocol=2, legacy_responses=True)["SET"]

SettingValue = Union[str, bytes, int, float, bool]


def _config_text(name: str, value: SettingValue) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, str):
        return value
    raise ValueError(f"setting '{name}': unsupported value type {type(value).__name__}")


def _settings_to_config(settings: Mapping[str, SettingValue]) -> Dict[str, str]:
    """Python keyword names (``maxmemory_policy``) to redis.conf names (``maxmemory-policy``)."""
    out: Dict[str, str] = {}
    for key, value in settings.items():
        name = key.replace("_", "-")
        out[name] = _config_text(name, value)
    return out


class _Callbacks(CaseInsensitiveDict):
    """redis-py's response callbacks; a change tells the Cache to re-check its fast paths."""

    def __init__(self, data: Dict[str, Any], on_change: Any) -> None:
        self._on_change = lambda: None  # CaseInsensitiveDict.__init__ calls update()
        super().__init__(data)
        self._on_change = on_change

    def __setitem__(self, k: str, v: Any) -> None:
        super().__setitem__(k, v)
        self._on_change()

    def __delitem__(self, k: str) -> None:
        super().__delitem__(k)
        self._on_change()

    def update(self, data: Any = (), **kwargs: Any) -> None:  # type: ignore[override]
        super().update(data, **kwargs)
        self._on_change()


def _split_command_name(args: Tuple[Any, ...]) -> Tuple[Any, ...]:
    # redis-py sends a multi-word command name ("CONFIG GET") as separate arguments
    # (Connection.pack_command); do the same.
    first = args[0]
    if isinstance(first, str):
        if " " in first:
            return tuple(first.split()) + args[1:]
    elif isinstance(first, (bytes, bytearray)) and b" " in first:
        return tuple(first.split()) + args[1:]
    return args


class Cache(CoreCommands):
    """An in-process FinCache engine with redis-py's client API.

    ``Cache(decode_responses=False, db=0, protocol=2, **settings)``: ``settings`` are engine
    settings under their redis.conf names with ``_`` for ``-`` (``databases=4``,
    ``requirepass="secret"``...); an unknown setting or a bad value raises ``ValueError``.

    Methods, arguments, return values and exceptions are redis-py's (``redis.Redis``). The Cache
    is thread-safe; long commands run without holding the GIL.
    """

    def __init__(
        self,
        decode_responses: bool = False,
        db: int = 0,
        protocol: int = 2,
        *,
        encoding: str = "utf-8",
        encoding_errors: str = "strict",
        legacy_responses: bool = True,
        **settings: SettingValue,
    ) -> None:
        engine = _core.Engine(_settings_to_config(settings))
        self._setup(engine, decode_responses, db, protocol, encoding, encoding_errors,
                    legacy_responses)

    @classmethod
    def _on_engine(
        cls,
        engine: "_core.Engine",
        decode_responses: bool,
        db: int,
        protocol: int,
        encoding: str,
        encoding_errors: str,
        legacy_responses: bool,
    ) -> "Cache":
        self = cls.__new__(cls)
        self._setup(engine, decode_responses, db, protocol, encoding, encoding_errors,
                    legacy_responses)
        return self

    def _setup(
        self,
        engine: "_core.Engine",
        decode_responses: bool,
        db: int,
        protocol: int,
        encoding: str,
        encoding_errors: str,
        legacy_responses: bool,
    ) -> None:
        if protocol not in (2, 3) or isinstance(protocol, bool):
            raise ValueError("protocol must be either 2 or 3")
        databases = int(engine.config_get("databases") or "16")
        if isinstance(db, bool) or not isinstance(db, int):
            raise ValueError(f"db must be an int, not {type(db).__name__}")
        if not 0 <= db < databases:
            raise ResponseError("DB index is out of range")
        self._engine = engine
        self._decode = bool(decode_responses)
        self._protocol = protocol
        self._legacy_responses = legacy_responses
        self._session = _core.Session(
            engine, db, protocol, self._decode, encoding, encoding_errors, BaseParser.parse_error
        )
        self._encoder = Encoder(encoding, encoding_errors, self._decode)
        self._encoding_errors = encoding_errors
        self._execute = self._session.execute
        self.response_callbacks = _Callbacks(
            get_response_callbacks(user_protocol=protocol, legacy_responses=legacy_responses),
            self._refresh_fast_paths,
        )
        self._refresh_fast_paths()

    def _refresh_fast_paths(self) -> None:
        # get/set skip execute_command's generic work while that gives the same result: GET has
        # no response callback and SET has redis-py's own (a user may set others at any time).
        self._get_fast = "GET" not in self.response_callbacks
        self._set_fast = self.response_callbacks.get("SET") is _DEFAULT_SET_CALLBACK

    # ---- the transport ---------------------------------------------------------------------

    def execute_command(self, *args: Any, **options: Any) -> Any:
        """Runs one command (``execute_command("SET", "k", "v")``) and returns its reply shaped
        by redis-py's response callbacks, or raises redis-py's exception for an error reply."""
        if not args:
            raise IndexError("execute_command() needs the command name")
        command_name = args[0]
        decode = self._decode and NEVER_DECODE not in options
        try:
            response = self._execute(_split_command_name(args), decode)
        except ResponseError:
            if EMPTY_RESPONSE in options:
                return options[EMPTY_RESPONSE]
            raise
        return self._apply_callback(command_name, response, options)

    def _apply_callback(self, command_name: Any, response: Any, options: Dict[str, Any]) -> Any:
        options.pop(EMPTY_RESPONSE, None)
        options.pop(NEVER_DECODE, None)
        options.pop("keys", None)
        callback = self.response_callbacks.get(command_name) if isinstance(command_name, str) \
            else None
        if callback is not None:
            return callback(response, **options)
        return response

    # ---- fast paths (exactly what CoreCommands.get/set + execute_command return) ------------

    def get(self, name: Any) -> Any:
        """Return the value at key ``name``, or None if the key doesn't exist."""
        if self._get_fast:
            return self._execute(("GET", name), self._decode)
        return CoreCommands.get(self, name)

    def set(self, name: Any, value: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Set the value at key ``name`` to ``value`` (redis-py's ``set``, all its options)."""
        if args or kwargs or not self._set_fast:
            return CoreCommands.set(self, name, value, *args, **kwargs)
        # parse_set_result without GET: the reply is OK (True), or None when NX/XX failed.
        response = self._execute(("SET", name, value), self._decode)
        return response and (response == b"OK" or response == "OK")

    # ---- NumPy bridges (one engine call per method, no Python loop) ----------------------------

    def zadd_arrays(self, name: Any, members: Any, scores: Any) -> int:
        """ZADD ``name`` with ``members`` (a sequence or array of str/bytes) and ``scores`` (an
        array-like of floats, same length): the number of members added, as ``zadd``."""
        return _core.zadd_arrays(self._engine, self._session.db, name, members, scores,
                                 BaseParser.parse_error)

    def zrange_arrays(self, name: Any, start: Any, end: Any, byscore: bool = False,
                      rev: bool = False) -> Tuple[Any, Any]:
        """ZRANGE ``name start end [BYSCORE] [REV] WITHSCORES`` as ``(members, scores)``: a NumPy
        object array of members (bytes, or str with decode_responses) and a float64 array."""
        return _core.zrange_arrays(self._engine, self._session.db, name, start, end, byscore,
                                   rev, self._decode, BaseParser.parse_error)

    def mget_array(self, keys: Any, dtype: Any = float) -> Any:
        """MGET ``keys`` as a NumPy array of ``dtype`` (float64 by default): NaN where a key is
        missing or doesn't hold a number."""
        out = _core.mget_array(self._engine, self._session.db, keys, BaseParser.parse_error)
        return out if dtype in (float, "float64", "f8") else out.astype(dtype)

    def mset_arrays(self, keys: Any, values: Any) -> bool:
        """MSET ``keys`` (sequence of str/bytes) to ``values`` (an array-like of the same length:
        numbers are written as Redis writes them, strings and bytes as they are)."""
        import numpy as np

        _core.mset_arrays(self._engine, self._session.db, keys, np.asarray(values),
                          BaseParser.parse_error)
        return True

    # ---- Python-defined commands ----------------------------------------------------------------

    def register_command(
        self,
        name: str,
        fn: Callable[..., Any],
        *,
        flags: Iterable[str] = (),
        first_key: int = 0,
        last_key: Optional[int] = None,
        step: int = 1,
        arity: Optional[int] = None,
        summary: Optional[str] = None,
        replace: bool = False,
    ) -> None:
        """Make ``fn`` a command of this engine, called by every client as ``name``.

        ``fn(ctx, *args)`` gets a ``fincache.CommandContext`` and the command's arguments (bytes,
        or str when this Cache decodes) and returns the reply: bytes/str (bulk string), int
        (integer), float (double in RESP3, bulk string in RESP2), None (nil), True/False
        (boolean in RESP3, 1/0 in RESP2), list/tuple (array), set (set), dict (map in RESP3,
        flat array in RESP2), ``fincache.SimpleString("OK")`` (+OK), an exception instance
        (error reply). Raising ``fincache.CommandError("WRONGTYPE ...")`` answers that error as
        it is; any other exception answers ``ERR <Type>: <message>``.

        The command runs atomically, like a script: ``ctx.call(*args)`` runs commands on the same
        engine inside it. ``flags``: ``readonly`` (commands that write are refused inside it),
        ``write``, ``denyoom``, ``admin``, ``noscript`` (not callable from Lua), ``fast``. Key
        positions (``first_key``, ``last_key``: negative counts from the end, ``step``) and
        ``arity`` (N: exactly N words with the name, -N: at least N; by default at least up to
        the keys) are checked before ``fn`` runs and listed by COMMAND INFO. ``summary`` (by
        default the first line of ``fn``'s docstring) is COMMAND DOCS's. A built-in command's
        name is refused; an already registered one unless ``replace=True``.
        """
        from ._commands import register_command

        register_command(
            self._engine, name, fn, flags=flags, first_key=first_key, last_key=last_key,
            step=step, arity=arity, summary=summary, replace=replace,
            decode_responses=self._decode, encoding=self._encoder.encoding,
            encoding_errors=self._encoding_errors,
        )

    def unregister_command(self, name: str) -> bool:
        """Remove a command added by ``register_command``; False when there was none."""
        from ._commands import unregister_command

        return unregister_command(self._engine, name)

    # ---- redis-py client plumbing ------------------------------------------------------------

    def get_encoder(self) -> Encoder:
        return self._encoder

    def get_connection_kwargs(self) -> Dict[str, Any]:
        return {
            "db": self._session.db,
            "protocol": self._protocol,
            "decode_responses": self._decode,
            "encoding": self._encoder.encoding,
            "encoding_errors": self._encoder.encoding_errors,
            "legacy_responses": self._legacy_responses,
        }

    def set_response_callback(self, command: str, callback: Any) -> None:
        """Set a custom response callback (as ``redis.Redis.set_response_callback``)."""
        self.response_callbacks[command] = callback

    def client(
        self,
        decode_responses: Optional[bool] = None,
        db: Optional[int] = None,
        protocol: Optional[int] = None,
    ) -> "Cache":
        """Another client of the same engine (same data), with its own db/protocol/decoding."""
        return Cache._on_engine(
            self._engine,
            self._decode if decode_responses is None else decode_responses,
            self._session.db if db is None else db,
            self._protocol if protocol is None else protocol,
            self._encoder.encoding,
            self._encoder.encoding_errors,
            self._legacy_responses,
        )

    def _new_session(self) -> "_core.Session":
        """A new client of the same engine with this Cache's db, protocol and decoding (what a
        redis-py pipeline gets from the pool: its own connection, e.g. for WATCH)."""
        return _core.Session(
            self._engine, self._session.db, self._protocol, self._decode,
            self._encoder.encoding, self._encoding_errors, BaseParser.parse_error,
        )

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> "Pipeline":
        """Buffer commands and run them with ``execute()``. ``transaction=True`` (the default, as in
        redis-py) runs them atomically: no other client's command runs in between, and if any
        command can't be queued (unknown command, wrong arity) none runs. ``watch()`` gives
        redis-py's optimistic locking (see ``Pipeline``)."""
        return Pipeline(self, transaction)

    def transaction(self, func: Callable[["Pipeline"], Any], *watches: Any, **kwargs: Any) -> Any:
        """Run ``func(pipe)`` as a transaction while watching ``watches``, retrying on
        ``WatchError`` (redis-py's ``Redis.transaction``: ``shard_hint``, ``value_from_callable``,
        ``watch_delay``)."""
        shard_hint = kwargs.pop("shard_hint", None)
        value_from_callable = kwargs.pop("value_from_callable", False)
        watch_delay = kwargs.pop("watch_delay", None)
        with self.pipeline(True, shard_hint) as pipe:
            while True:
                try:
                    if watches:
                        pipe.watch(*watches)
                    func_value = func(pipe)
                    exec_value = pipe.execute()
                    return func_value if value_from_callable else exec_value
                except WatchError:
                    if watch_delay is not None and watch_delay > 0:
                        time.sleep(watch_delay)
                    continue

    def lock(
        self,
        name: Any,
        timeout: Optional[float] = None,
        sleep: float = 0.1,
        blocking: bool = True,
        blocking_timeout: Optional[float] = None,
        lock_class: Any = None,
        thread_local: bool = True,
        raise_on_release_error: bool = True,
    ) -> Any:
        """redis-py's ``Lock`` on this engine (``Redis.lock``: same arguments and semantics; the
        lock's Lua scripts run on the engine's script support)."""
        if lock_class is None:
            lock_class = Lock
        return lock_class(
            self,
            name,
            timeout=timeout,
            sleep=sleep,
            blocking=blocking,
            blocking_timeout=blocking_timeout,
            thread_local=thread_local,
            raise_on_release_error=raise_on_release_error,
        )

    def pubsub(self, **kwargs: Any) -> "PubSub":
        """redis-py's PubSub on this engine: ``subscribe``/``psubscribe``/``ssubscribe``,
        ``get_message(timeout=...)``, ``listen()``, ``run_in_thread()``, handlers. It receives
        what is published on this engine, here or by clients of a ``fincache.Server``. Keyword
        arguments as ``redis.Redis.pubsub`` (``ignore_subscribe_messages``, ``push_handler_func``).
        """
        from ._pubsub import PubSub

        return PubSub(self, **kwargs)

    def close(self) -> None:
        """Nothing to release (the engine lives as long as a Cache or Server uses it)."""

    def __enter__(self) -> "Cache":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<fincache.Cache(db={self._session.db}, protocol={self._protocol})>"

    # Mapping-style conveniences, as redis.Redis.
    def __getitem__(self, name: Any) -> Any:
        value = self.get(name)
        if value is not None:
            return value
        raise KeyError(name)

    def __setitem__(self, name: Any, value: Any) -> None:
        self.set(name, value)

    def __delitem__(self, name: Any) -> None:
        self.delete(name)

    def __contains__(self, name: Any) -> bool:
        return bool(self.exists(name))


# help() and IDEs show redis-py's signatures and docs for the fast paths.
for _name in ("get", "set"):
    _fast, _orig = getattr(Cache, _name), getattr(CoreCommands, _name)
    _fast.__doc__ = _orig.__doc__
    _fast.__signature__ = inspect.signature(_orig)  # type: ignore[attr-defined]
del _name, _fast, _orig


class Pipeline(CoreCommands):
    """Buffers commands; ``execute()`` runs them in order and returns the list of replies.

    As redis-py's Pipeline: command methods return the pipeline (chainable), error replies are
    raised after all commands ran (``raise_on_error=True``, annotated "Command # N (...) of
    pipeline caused error: ...") or returned in place. ``transaction=True`` runs the batch
    atomically on the engine (nothing else runs in between, as MULTI/EXEC), and when a command
    can't be queued nothing runs.

    Optimistic locking as redis-py: ``watch(*keys)`` WATCHes them on the pipeline's own client of
    the engine (as redis-py's pipeline uses its own connection) and switches to immediate mode:
    commands run at once and return their replies, until ``multi()`` starts buffering again.
    ``execute()`` then raises ``redis.exceptions.WatchError`` when a watched key was modified
    since (by anyone: another Cache, a network client, a script, expiry, FLUSHALL...).
    ``reset()`` (also on ``with`` exit and after ``execute()``) unwatches.
    """

    UNWATCH_COMMANDS = {"DISCARD", "EXEC", "UNWATCH"}
    # redis-py's own error annotation and first-error raising.
    annotate_exception = _RedisPipeline.annotate_exception
    raise_first_error = _RedisPipeline.raise_first_error

    def __init__(self, cache: Cache, transaction: bool) -> None:
        self._cache = cache
        self.transaction = transaction
        self.response_callbacks = cache.response_callbacks
        self.command_stack: List[Tuple[Tuple[Any, ...], Dict[str, Any]]] = []
        self.watching = False
        self.explicit_transaction = False
        # The pipeline's own client, created by the first WATCH (kept for reuse until the
        # pipeline goes; the engine forgets its watched keys then).
        self._own_session: Optional["_core.Session"] = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.command_stack)

    def __bool__(self) -> bool:
        return True

    def __enter__(self) -> "Pipeline":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget the buffered commands, UNWATCH, leave immediate and MULTI mode."""
        self.command_stack = []
        if self.watching and self._own_session is not None:
            self._own_session.execute(("UNWATCH",), False)
        self.watching = False
        self.explicit_transaction = False

    def close(self) -> None:
        self.reset()

    def get_encoder(self) -> Encoder:
        return self._cache.get_encoder()

    def get_connection_kwargs(self) -> Dict[str, Any]:
        return self._cache.get_connection_kwargs()

    def multi(self) -> None:
        """Start the transactional block after WATCH (as redis-py: only before any command is
        buffered, and once)."""
        if self.explicit_transaction:
            raise RedisError("Cannot issue nested calls to MULTI")
        if self.command_stack:
            raise RedisError("Commands without an initial WATCH have already been issued")
        self.explicit_transaction = True

    def watch(self, *names: Any) -> Any:
        """WATCH keys (immediate mode until ``multi()``)."""
        if self.explicit_transaction:
            raise RedisError("Cannot issue a WATCH after a MULTI")
        return self.execute_command("WATCH", *names)

    def unwatch(self) -> bool:
        """UNWATCH the keys watched so far."""
        return self.watching and self.execute_command("UNWATCH") or True

    def execute_command(self, *args: Any, **options: Any) -> Any:
        if (self.watching or args[0] == "WATCH") and not self.explicit_transaction:
            return self._immediate_execute_command(*args, **options)
        self.command_stack.append((args, options))
        return self

    def _session(self) -> "_core.Session":
        if self._own_session is None:
            self._own_session = self._cache._new_session()
        return self._own_session

    def _immediate_execute_command(self, *args: Any, **options: Any) -> Any:
        command_name = args[0]
        decode = self._cache._decode and NEVER_DECODE not in options
        try:
            response = self._session().execute(_split_command_name(args), decode)
        except ResponseError:
            if EMPTY_RESPONSE in options:
                return options[EMPTY_RESPONSE]
            raise
        name = command_name.upper() if isinstance(command_name, str) else command_name
        if name in self.UNWATCH_COMMANDS:
            self.watching = False
        elif name == "WATCH":
            self.watching = True
        return self._cache._apply_callback(command_name, response, options)

    def execute(self, raise_on_error: bool = True) -> List[Any]:
        """Run every buffered command; returns their replies in order. Raises ``WatchError``
        (running nothing) when a watched key changed."""
        with self._lock:
            stack, self.command_stack = self.command_stack, []
        try:
            if not stack and not self.watching:
                return []
            return self._execute(stack, raise_on_error)
        finally:
            self.reset()

    def _execute(self, stack: List[Tuple[Tuple[Any, ...], Dict[str, Any]]],
                 raise_on_error: bool) -> List[Any]:
        atomic = self.transaction or self.explicit_transaction
        commands = [(_split_command_name(args), options) for args, options in stack]
        # A pipeline that watched runs on its own client (where the keys are watched).
        session = self._own_session if self._own_session is not None else self._cache._session
        decode = self._cache._decode
        check_watch = atomic and self.watching
        ran, responses = session.execute_many(
            [args for args, _ in commands], atomic, decode, check_watch
        )
        self.watching = False
        if ran is None:
            raise WatchError("Watched variable changed.")
        if not ran:
            # A command couldn't be queued: as EXECABORT, nothing ran; raise the first error.
            for i, r in enumerate(responses):
                if isinstance(r, ResponseError):
                    self.annotate_exception(r, i + 1, stack[i][0])
                    raise r
        data: List[Any] = []
        for (args, options), r in zip(stack, responses):
            if isinstance(r, ResponseError):
                if not atomic and EMPTY_RESPONSE in options:
                    r = options[EMPTY_RESPONSE]
            data.append(r)
        if raise_on_error:
            self.raise_first_error(stack, data)
        out: List[Any] = []
        for (args, options), r in zip(stack, data):
            if not isinstance(r, Exception):
                r = self._cache._apply_callback(args[0], r, dict(options))
            out.append(r)
        return out
