"""Python-defined commands: ``Cache.register_command`` and what goes with it.

A registered command is a command of the engine like GET or EVAL: any client of the engine calls
it by name (``Cache.execute_command``, ``fincache.Redis``, a network client of a
``fincache.Server``, ``redis.call`` in a Lua script), COMMAND lists it, and it runs atomically
(the engine runs nothing else meanwhile, as for a script). See ``register_command`` for the rules.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

from . import _core

__all__ = ["CommandContext", "SimpleString", "register_command", "unregister_command"]

CommandContext = _core.CommandContext


class SimpleString(str):
    """A reply sent as a RESP simple string (``+OK``) rather than a bulk string: return
    ``fincache.SimpleString("OK")`` from a registered command to answer as SET does."""

    __slots__ = ()


def _summary_of(fn: Callable[..., Any]) -> str:
    doc = getattr(fn, "__doc__", None) or ""
    for line in doc.strip().splitlines():
        if line.strip():
            return line.strip()
    return ""


def register_command(
    engine: "_core.Engine",
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
    decode_responses: bool = False,
    encoding: str = "utf-8",
    encoding_errors: str = "strict",
) -> None:
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    if isinstance(flags, str):
        flags = (flags,)
    for label, value in (("first_key", first_key), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{label} must be an int, not {type(value).__name__}")
    if last_key is None:
        last_key = first_key
    if arity is None:
        # At least the name and every key up to the last one at a fixed position.
        needed = max(first_key, last_key if last_key > 0 else first_key) + 1
        arity = -needed
    _core.register_command(
        engine, name, fn, arity, list(flags), first_key, last_key, step,
        _summary_of(fn) if summary is None else summary, replace,
        decode_responses, encoding, encoding_errors,
    )


def unregister_command(engine: "_core.Engine", name: str) -> bool:
    return bool(_core.unregister_command(engine, name))
