"""fincache.Server: serve a Cache's engine over RESP (and HTTP) from this Python process."""

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

    ``http_port``: None (the default) serves no HTTP; ``0`` picks a free port (read it from
    ``.http_port``); N listens on N. HTTP is the same REST/JSON API as fincache-server's
    (``/health``, ``/api/v1/keys/{key}``, ``/api/v1/command``, ``/openapi.json``...) on ``host``.

    Network clients must AUTH when the engine has ``requirepass`` (HTTP clients send
    ``Authorization: Bearer <password>``); embedded callers need not.
    Binding failures raise ``OSError`` with the network layer's message.
    """

    def __init__(
        self,
        cache: Optional[Cache] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        http_port: Optional[int] = None,
        *,
        io_threads: int = 1,
    ) -> None:
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an int in 0..65535, got {port!r}")
        if isinstance(io_threads, bool) or not isinstance(io_threads, int) or io_threads < 0:
            raise ValueError(f"io_threads must be an int >= 0 (0: one per core), got {io_threads!r}")
        if http_port is not None and (isinstance(http_port, bool) or not isinstance(http_port, int)
                                      or not 0 <= http_port <= 65535):
            raise ValueError(f"http_port must be None or an int in 0..65535, got {http_port!r}")
        self.cache: Cache = cache if cache is not None else Cache()
        self._server: Optional[Any] = _core.Server(self.cache._engine, host, port, io_threads,
                                                   -1 if http_port is None else http_port)
        self._host = host
        try:
            self._server.start()
        except BaseException:
            self._server = None
            raise
        self._port: int = self._server.port
        self._http_port: Optional[int] = self._server.http_port

    @property
    def host(self) -> str:
        """The address the server listens on."""
        return self._host

    @property
    def port(self) -> int:
        """The TCP port the server listens on (the picked one when created with port=0)."""
        return self._port

    @property
    def http_port(self) -> Optional[int]:
        """The HTTP port (the picked one when created with http_port=0); None without HTTP."""
        return self._http_port

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
        http = f" http={self._http_port}" if self._http_port is not None else ""
        return f"<fincache.Server {self._host}:{self._port}{http} {state}>"
