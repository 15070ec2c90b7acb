from . import _core as _core
from . import scripts as scripts
from ._cache import Cache as Cache
from ._cache import Pipeline as Pipeline
from ._commands import CommandContext as CommandContext
from ._commands import SimpleString as SimpleString
from ._pubsub import PubSub as PubSub
from ._redis import Redis as Redis
from ._server import Server as Server
from .exceptions import AuthenticationError as AuthenticationError
from .exceptions import CommandError as CommandError
from .exceptions import ConnectionError as ConnectionError
from .exceptions import DataError as DataError
from .exceptions import RedisError as RedisError
from .exceptions import ResponseError as ResponseError
from .exceptions import WatchError as WatchError

__version__: str

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
