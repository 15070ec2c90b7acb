"""Financial Lua scripts shipped with FinCache, as source text for ``register_script``.

They run unchanged on FinCache (server or embedded ``Cache``) and on Redis 7:

>>> import fincache
>>> from fincache import scripts
>>> c = fincache.Cache()
>>> vwap = c.register_script(scripts.VWAP)
>>> c.hset("trades:AAPL", mapping={"t1": "190.10:100", "t2": "190.30:300"})
2
>>> vwap(keys=["trades:AAPL"], args=[2])
[[b'trades:AAPL', b'190.25', b'400', 2]]

``VWAP``             volume-weighted average price per ticker (trades hashes)
``FRAUD_VELOCITY``   velocity / distinct-merchant / impossible-travel check of a transaction
``PORTFOLIO_VALUE``  positions hash x prices hash: total, per-position rows, missing prices

Each script's header comment documents its KEYS, ARGV and reply. The files live in
``fincache/lua/`` (package data); ``register(client)`` registers all of them on any redis-py
style client (``redis.Redis``, ``fincache.Cache``) and returns the callables by name.
"""

from __future__ import annotations

from importlib import resources
from typing import Any, Dict

__all__ = ["VWAP", "FRAUD_VELOCITY", "PORTFOLIO_VALUE", "SOURCES", "register"]


def _read(name: str) -> str:
    return resources.files(__package__).joinpath("lua", name).read_text(encoding="utf-8")


VWAP: str = _read("vwap.lua")
FRAUD_VELOCITY: str = _read("fraud_velocity.lua")
PORTFOLIO_VALUE: str = _read("portfolio_value.lua")

SOURCES: Dict[str, str] = {
    "vwap": VWAP,
    "fraud_velocity": FRAUD_VELOCITY,
    "portfolio_value": PORTFOLIO_VALUE,
}


def register(client: Any) -> Dict[str, Any]:
    """``client.register_script`` for every shipped script: ``{"vwap": Script, ...}``."""
    return {name: client.register_script(src) for name, src in SOURCES.items()}
