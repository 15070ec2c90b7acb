"""fincache.Server: serve a Cache's engine over RESP from this Python process."""

from __future__ import annotations

from typing import Any, Optional

from . import _core
from ._cache import Cache

__all__ = ["Server"]


class Server:
    """Serves ``cache``'s engine (a new ``Cache()`` when None) over RESP on ``host:port``.

    ``port=0`` picks a free port (read it from ``.port``). Starts serving at construction; use it
    as a context manager or call ``close()``. Any Redis client sees the same data as the
    embedded API::

        with fincache.Server(cache) as srv:
            r = redis.Redis(host=srv.host, port=srv.port)

    Network clients must AUTH when the engine has ``requirepass``; embedded callers need not.
    Binding failures raise ``OSError`` with the network layer's message.
    """

    def __init__(
        self,
        cache: Optional[Cache] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        io_threads: int = 1,
    ) -> None:
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an int in 0..65535, got {port!r}")
        if isinstance(io_threads, bool) or not isinstance(io_threads, int) or io_threads < 0:
            raise ValueError(f"io_threads must be an int >= 0 (0: one per core), got {io_threads!r}")
        self.cache: Cache = cache if cache is not None else Cache()
        self._server: Optional[Any] = _core.Server(self.cache._engine, host, port, io_threads)
        self._host = host
        try:
            self._server.start()
        except BaseException:
            self._server = None
            raise
        self._port: int = self._server.port

    @property
    def host(self) -> str:
        """The address the server listens on."""
        return self._host

    @property
    def port(self) -> int:
        """The TCP port the server listens on (the picked one when created with port=0)."""
        return self._port

    @property
    def closed(self) -> bool:
        return self._server is None

    def close(self) -> None:
        """Stops serving: closes the listener and every connection. Idempotent."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else "serving"
        return f"<fincache.Server {self._host}:{self._port} {state}>"
