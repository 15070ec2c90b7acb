"""fincache.PubSub: redis-py's PubSub on the embedded engine.

``Cache.pubsub()`` returns this object. It *is* redis-py's ``redis.client.PubSub`` (subscribe,
psubscribe, ssubscribe, the unsubscribes, get_message, listen, run_in_thread, handlers,
ignore_subscribe_messages, close, context manager): only the transport differs. Instead of a
socket it runs its commands on a native embedded subscriber (``fincache._core.Subscriber``), which
receives the messages published on the same engine, by this process (``Cache.publish``) or by
network clients of a ``fincache.Server`` serving it. Waiting for a message releases the GIL.
"""

from __future__ import annotations

from typing import Any, Optional

from redis._parsers.base import BaseParser
from redis.client import PubSub as _RedisPubSub
from redis.exceptions import ConnectionError

from . import _core

__all__ = ["PubSub"]


class _Pool:
    """What redis-py's PubSub asks of a connection pool before it connects: the encoder."""

    def __init__(self, cache: Any) -> None:
        self._cache = cache

    def get_encoder(self) -> Any:
        return self._cache.get_encoder()


class PubSub(_RedisPubSub):
    """redis-py's PubSub over the embedded engine (see the module docstring)."""

    def __init__(
        self,
        cache: Any,
        ignore_subscribe_messages: bool = False,
        push_handler_func: Any = None,
    ) -> None:
        self._cache = cache
        self._sub: Optional[Any] = None
        super().__init__(
            connection_pool=_Pool(cache),
            ignore_subscribe_messages=ignore_subscribe_messages,
            encoder=cache.get_encoder(),
            push_handler_func=push_handler_func,
        )

    # ---- the transport -------------------------------------------------------------------

    def _subscriber(self) -> Any:
        if self._sub is None:
            enc = self.encoder
            self._sub = _core.Subscriber(
                self._cache._engine,
                self._cache._protocol,
                bool(enc.decode_responses),
                enc.encoding,
                enc.encoding_errors,
                BaseParser.parse_error,
            )
        return self._sub

    def execute_command(self, *args: Any) -> None:
        """Sends a Pub/Sub command; its replies arrive through get_message()/listen()."""
        self._subscriber().execute(args)

    def parse_response(self, block: bool = True, timeout: float = 0) -> Any:
        """The next reply or message: waits forever when ``block``, else up to ``timeout``
        seconds (None when nothing came)."""
        sub = self._sub
        if sub is None:
            raise RuntimeError(
                "pubsub connection not set: did you forget to call subscribe() or psubscribe()?"
            )
        response = sub.read(None if block else timeout)
        if response is None and sub.overflowed:
            self._sub = None
            sub.close()
            raise ConnectionError(
                "Pub/Sub client closed: its pending messages exceeded "
                "client-output-buffer-limit pubsub"
            )
        return response

    def check_health(self) -> None:
        """In-process: there is no connection to check."""

    def reset(self) -> None:
        sub, self._sub = getattr(self, "_sub", None), None
        if sub is not None:
            sub.close()
        self.connection = None
        super().reset()

    def __repr__(self) -> str:
        return f"<fincache.PubSub channels={len(self.channels)} patterns={len(self.patterns)}>"
