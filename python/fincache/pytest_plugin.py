"""pytest plugin: FinCache fixtures for any project's tests (installed with the package).

Registered through the ``pytest11`` entry point, so ``pip install fincache`` is all it takes:
no Docker, no redis-server binary. Fixtures:

``fincache``
    An embedded :class:`fincache.Cache`, new (so empty) for each test.
``fincache_server``
    A :class:`fincache.Server` serving a new Cache's engine on a free loopback port, for each
    test: ``fincache_server.host``, ``fincache_server.port``, ``fincache_server.cache``.
``fincache_client``
    A ``redis.Redis`` connected to ``fincache_server``.
``fincache_factory`` / ``fincache_server_factory``
    Factories for more, or differently configured, caches and servers in one test; everything
    they made is closed when the test ends.

Configure the fixtures of a test (or of a module with ``pytestmark``) with the ``fincache``
marker: its keyword arguments are those of ``fincache.Cache`` (``decode_responses``,
``protocol``, ``db`` and engine settings under their redis.conf names with ``_`` for ``-``,
such as ``databases=4``), applied to ``fincache``, ``fincache_server`` and ``fincache_client``::

    @pytest.mark.fincache(decode_responses=True, databases=2)
    def test_leaderboard(fincache):
        fincache.zadd("lb", {"alice": 3, "bob": 5})
        assert fincache.zrevrange("lb", 0, 0) == ["bob"]
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
import redis

from ._cache import Cache
from ._server import Server

__all__ = [
    "fincache",
    "fincache_client",
    "fincache_factory",
    "fincache_server",
    "fincache_server_factory",
]

# Cache arguments that are client-side (a redis.Redis connected to a server takes them too).
_CLIENT_ARGS = ("decode_responses", "protocol", "db", "encoding", "encoding_errors")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fincache(**kwargs): fincache.Cache arguments (decode_responses, protocol, db, engine "
        "settings such as databases=4) for the fincache, fincache_server and fincache_client "
        "fixtures",
    )


def _marker_kwargs(request: pytest.FixtureRequest) -> Dict[str, Any]:
    """The fincache marker's keyword arguments, the closest marker winning per argument."""
    kwargs: Dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("fincache"))):
        if marker.args:
            raise TypeError("the fincache marker takes keyword arguments only")
        kwargs.update(marker.kwargs)
    return kwargs


@pytest.fixture
def fincache_factory() -> Iterator[Callable[..., Cache]]:
    """``make(**kwargs) -> Cache``: a new embedded cache per call (``fincache.Cache`` arguments)."""
    made: List[Cache] = []

    def make(**kwargs: Any) -> Cache:
        cache = Cache(**kwargs)
        made.append(cache)
        return cache

    yield make
    for cache in made:
        cache.close()


@pytest.fixture
def fincache_server_factory() -> Iterator[Callable[..., Server]]:
    """``make(cache=None, host="127.0.0.1", port=0, http_port=None, **cache_kwargs) -> Server``:
    serves ``cache`` (or a new Cache built from ``cache_kwargs``) on a free port, and over HTTP
    when ``http_port`` is given (0: a free port); closed when the test ends."""
    made: List[Server] = []

    def make(cache: Any = None, host: str = "127.0.0.1", port: int = 0,
             http_port: Optional[int] = None, **cache_kwargs: Any) -> Server:
        if cache is not None and cache_kwargs:
            raise TypeError("pass either a cache or Cache arguments, not both")
        server = Server(cache if cache is not None else Cache(**cache_kwargs), host=host, port=port,
                        http_port=http_port)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


@pytest.fixture
def fincache(request: pytest.FixtureRequest, fincache_factory: Callable[..., Cache]) -> Cache:
    """An empty embedded Cache for this test (configured by the ``fincache`` marker)."""
    return fincache_factory(**_marker_kwargs(request))


@pytest.fixture
def fincache_server(
    request: pytest.FixtureRequest, fincache_server_factory: Callable[..., Server]
) -> Server:
    """A new engine served on a free loopback port for this test (``.host``, ``.port``,
    ``.cache``), configured by the ``fincache`` marker."""
    return fincache_server_factory(**_marker_kwargs(request))


@pytest.fixture
def fincache_client(request: pytest.FixtureRequest, fincache_server: Server) -> Iterator[redis.Redis]:
    """A ``redis.Redis`` connected to ``fincache_server`` (with the marker's client arguments)."""
    settings = _marker_kwargs(request)
    kwargs = {k: v for k, v in settings.items() if k in _CLIENT_ARGS}
    client = redis.Redis(host=fincache_server.host, port=fincache_server.port,
                         password=settings.get("requirepass"), **kwargs)
    yield client
    client.close()
