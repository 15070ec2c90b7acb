#!/usr/bin/env python3
"""Regenerates docs/compatibility.md from the command registry, next to Redis's own table.

Starts fincache-server and (when installed) redis-server on free ports, reads COMMAND DOCS
from both, and writes one row per Redis command and subcommand: supported by FinCache or not.
tests_py/test_docs.py checks the committed file still matches the registry.

Usage: scripts/gen_docs.py [--fincache BIN] [--redis BIN]
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "compatibility.md"

# Which open issue brings each Redis command group (for the "planned" column).
PLANNED = {
    "list": "lists (#3)", "hash": "hashes (#3)", "set": "sets (#3)", "sorted-set": "sorted sets (#3)",
    "bitmap": "bitmaps (#3)", "hyperloglog": "HyperLogLog (#3)", "geo": "geo (#3)",
    "pubsub": "Pub/Sub (#4)", "transactions": "transactions (#4)", "scripting": "Lua (#4)",
    "stream": "streams", "cluster": "cluster", "sentinel": "sentinel",
}


# Where FinCache knowingly differs from Redis 7.0 (kept here so regeneration keeps them).
KNOWN_DIFFERENCES = [
    "Inline commands containing a NUL byte are answered; Redis searches the line end with C-string "
    "functions, so the NUL hides the newline and the client waits without a reply.",
    "`CLIENT SETINFO` (Redis 7.2) exists because redis-py sends it on connect; `CLIENT LIST` keeps "
    "7.0's fields.",
    "`CLIENT` lacks CACHING/GETREDIR/TRACKING/TRACKINGINFO and `LATENCY` lacks DOCTOR/GRAPH: they "
    "answer Redis's unknown-subcommand error, and `COMMAND INFO/DOCS` list only the subcommands "
    "FinCache has. `DEBUG` has SLEEP, SET-ACTIVE-EXPIRE, OBJECT, RELOAD and CHANGE-REPL-ID only "
    "(others: unknown subcommand); its HELP lists those. `CLIENT KILL MAXAGE` is Redis 7.4's: a "
    "syntax error, as in 7.0.",
    "`CLIENT PAUSE` holds network clients only (the embedded API and HTTP are never paused) and "
    "does not pause active expiry; `CLIENT REPLY OFF|SKIP` acts on network connections (the "
    "embedded API gets every reply).",
    "`DEBUG OBJECT` serializedlength of LZF-compressible strings can differ (FinCache's LZF output "
    "is valid but not liblzf's bytes); `DEBUG RELOAD NOFLUSH` without MERGE over existing keys "
    "answers an error (Redis stops the server). A `DEBUG` refused by `enable-debug-command` is a "
    "failed call, not a rejected one (inside MULTI it is queued).",
    "Redis shares one object for small integers (0..9999): `OBJECT REFCOUNT` of a COPY of such a "
    "value is 1 in Redis and 2147483647 here, and `OBJECT IDLETIME` of such values follows any key "
    "holding the same integer in Redis.",
    "`UNLINK` and `FLUSHALL/FLUSHDB ASYNC` free memory before replying.",
    "`CONFIG GET` returns settings sorted by name (Redis: hash order); only settings FinCache honours "
    "exist (see configuration.md).",
    "`INFO`: every Redis 7.0 section and field name, plus `fincache_version`; fields without data "
    "behind them have fixed values (copy-on-write, defrag, tracking, `rbs`/`rbp` in CLIENT LIST, "
    "`mem_allocator:libc`), `allocator_*` come from glibc's mallinfo2, `used_cpu_*_main_thread` "
    "is the thread answering INFO.",
    "`--port 0` picks a free port (Redis: TCP disabled); `io-threads` counts threads that each run "
    "whole requests (0 = one per core).",
    "The embedded Python API runs as the process itself: its sessions need no `AUTH` even with "
    "`requirepass` (network clients of `fincache.Server` do).",
    "While the data loads at start, `fincache-server` accepts no RESP clients yet (Redis accepts "
    "them and answers `-LOADING`); HTTP already answers (`/ready` 503, API routes 503 with "
    "Redis's LOADING text). `key-load-delay` takes values >= 0 only (Redis: negative ones too).",
    "Commands over HTTP (`POST /api/v1/command`, a FinCache extension: docs/http.md) run in a "
    "session per request: not listed by `CLIENT LIST`, blocking commands answer at once as inside "
    "MULTI, and MULTI, WATCH, (P|S)SUBSCRIBE and MONITOR are refused.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], port: int, cwd: str) -> subprocess.Popen:
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            redis.Redis(port=port).ping()
            return p
        except redis.ConnectionError:
            time.sleep(0.05)
    p.kill()
    raise SystemExit(f"could not start {cmd[0]}")


def command_docs(port: int) -> dict[str, dict]:
    """{full_name: {"group": ..., "summary": ...}} including subcommands ("client|id")."""
    r = redis.Redis(port=port, protocol=2)
    r.set_response_callback("COMMAND", lambda resp, **kw: resp)
    raw = r.execute_command("COMMAND", "DOCS")
    out: dict[str, dict] = {}

    def walk(pairs, prefix=""):
        it = iter(pairs)
        for name, doc in zip(it, it):
            name = name.decode() if isinstance(name, bytes) else name
            fields = dict(zip(doc[::2], doc[1::2]))
            fields = {(k.decode() if isinstance(k, bytes) else k): v for k, v in fields.items()}
            full = name.lower()
            def s(v):
                return v.decode() if isinstance(v, bytes) else str(v)
            out[full] = {"group": s(fields.get("group", b"")), "summary": s(fields.get("summary", b""))}
            if "subcommands" in fields:
                walk(fields["subcommands"])

    walk(raw)
    return out


def find_fincache() -> str:
    env = os.environ.get("FINCACHE_SERVER_BIN")
    if env:
        return env
    cand = Path(sys.executable).parent / "fincache-server"
    if cand.exists():
        return str(cand)
    return shutil.which("fincache-server") or str(ROOT / "build/py/fincache-server")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fincache", default=find_fincache())
    ap.add_argument("--redis", default=shutil.which("redis-server"))
    args = ap.parse_args()
    args.fincache = os.path.abspath(args.fincache)
    tmp = tempfile.mkdtemp()
    procs = []
    try:
        fport = free_port()
        procs.append(start([args.fincache, "--port", str(fport), "--http-port", "0"], fport, tmp))
        ours = command_docs(fport)
        theirs: dict[str, dict] = {}
        if args.redis:
            rport = free_port()
            procs.append(start([args.redis, "--port", str(rport), "--save", "", "--appendonly", "no"], rport, tmp))
            theirs = command_docs(rport)
    finally:
        for p in procs:
            p.terminate()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)

    names = sorted(set(ours) | set(theirs))
    lines = [
        "# Compatibility",
        "",
        "Generated by `scripts/gen_docs.py` from FinCache's command registry and Redis 7.0's",
        "`COMMAND DOCS`; `tests_py/test_docs.py` fails when the registry and this table disagree.",
        "",
        "Reference: Redis 7.0. \"supported\" means the command is in the registry and behaves as Redis",
        "does (replies, reply types, error texts), checked by the differential tests in `tests_py/`.",
        "A command that is not supported answers Redis's unknown-command error.",
        "",
        f"FinCache supports {sum(1 for n in ours if '|' not in n)} commands"
        f" and {sum(1 for n in ours if '|' in n)} subcommands.",
        "",
        "| command | group | FinCache | notes |",
        "|---|---|---|---|",
    ]
    for n in names:
        group = (ours.get(n) or theirs.get(n))["group"]
        if n in ours:
            status, note = "supported", ""
            if n not in theirs and theirs:
                note = "not in Redis 7.0 (added in a later Redis)"
        else:
            status = "not yet"
            note = PLANNED.get(group, "")
        lines.append(f"| `{n.upper()}` | {group} | {status} | {note} |")
    lines += ["", "## Known differences from Redis 7.0", ""]
    lines += [f"- {d}" for d in KNOWN_DIFFERENCES]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT} ({len(names)} rows)")


if __name__ == "__main__":
    main()
