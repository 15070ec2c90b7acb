"""Differential testing against a real redis-server.

The same command sequence runs on a real ``redis-server`` (Debian's 7.0.x) and on
``fincache-server``; every reply is compared byte for byte unless the step names an
explicit comparator (TTL off by a second, TIME, CLIENT ID...). A comparator is always
chosen per step and always checks something: there is no blanket "ignore".

Pieces:
  * ``RespConn``   a raw-socket RESP client: sends argv as a multibulk (or raw bytes) and
                   reads exactly one complete reply, returning its exact bytes and a parsed tree.
  * ``ServerProc`` starts a server binary on a free port in a temp dir, kills it at the end.
  * ``S(...)``     one step with a comparator; a plain list is a step compared byte for byte.
  * ``DiffPair``   one connection to each server; ``run(steps)`` runs a case on both.
  * fixtures       ``server_pair`` (session), ``diff`` (fresh connections, FLUSHALL before and
                   settings restored after each test), ``auth_server_pair`` (requirepass).

Which fincache binary: $FINCACHE_SERVER_BIN, else ``fincache-server`` next to the running
Python (the venv's bin after ``make build``) or on PATH, else build/py/fincache-server. No
binary is a hard failure, never a skip: CI must not pass by testing nothing.
Setting FINCACHE_SERVER_BIN=redis-server runs the suite redis-vs-redis (checks the suite).
"""

from __future__ import annotations

import atexit
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence, Union

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
REPLY_TIMEOUT_S = 3.0
START_TIMEOUT_S = 15.0
# DIFF_TRACE=file appends every step and Redis's reply to the file (to review what cases check).
_TRACE = os.environ.get("DIFF_TRACE")

# --------------------------------------------------------------------------------------------
# RESP parsing
# --------------------------------------------------------------------------------------------


class Incomplete(Exception):
    """The buffer does not hold a complete reply yet."""


class ProtocolViolation(Exception):
    """The server sent bytes that are not RESP."""


@dataclass
class Node:
    """One parsed reply: ``kind`` is the RESP type byte (``+ - : $ * _ , # ! = ( % ~ > |``),
    ``value`` the Python value (bytes, int, float, bool, None, list of Node, or for maps a list
    of (Node, Node) pairs), ``raw`` the exact bytes of the reply."""

    kind: str
    value: Any
    raw: bytes
    attribute: Optional["Node"] = None

    @property
    def is_null(self) -> bool:
        return self.kind == "_" or (self.kind in "$*" and self.value is None)

    @property
    def is_error(self) -> bool:
        return self.kind in "-!"

    def items(self) -> list:
        """Elements of an aggregate; a map gives its pairs flattened (as in RESP2)."""
        if self.kind == "%":
            out = []
            for k, v in self.value:
                out += [k, v]
            return out
        if self.kind in "*~>" and self.value is not None:
            return list(self.value)
        raise AssertionError(f"not an aggregate reply: {self.raw!r}")

    def pairs(self) -> list:
        """(key, value) pairs of a RESP3 map or a RESP2 flat array."""
        if self.kind == "%":
            return list(self.value)
        its = self.items()
        if len(its) % 2:
            raise AssertionError(f"odd-length array is not a map: {self.raw!r}")
        return [(its[i], its[i + 1]) for i in range(0, len(its), 2)]

    def text(self) -> bytes:
        if self.kind in "+-$=!(,:":
            return self.value if isinstance(self.value, bytes) else str(self.value).encode()
        raise AssertionError(f"not a string reply: {self.raw!r}")


def _line(buf: bytes, pos: int) -> tuple[bytes, int]:
    end = buf.find(b"\r\n", pos)
    if end < 0:
        raise Incomplete()
    return buf[pos:end], end + 2


def _int(b: bytes) -> int:
    try:
        return int(b)
    except ValueError:
        raise ProtocolViolation(f"bad integer {b!r}") from None


def parse_reply(buf: bytes, pos: int = 0) -> tuple[Node, int]:
    """Parses one complete reply at ``pos``; returns it and the position after it."""
    start = pos
    if pos >= len(buf):
        raise Incomplete()
    kind = chr(buf[pos])
    line, pos = _line(buf, pos + 1)
    if kind in "+-":
        return Node(kind, line, buf[start:pos]), pos
    if kind == ":":
        return Node(kind, _int(line), buf[start:pos]), pos
    if kind == "(":
        return Node(kind, _int(line), buf[start:pos]), pos
    if kind == ",":
        try:
            v = float(line)
        except ValueError:
            raise ProtocolViolation(f"bad double {line!r}") from None
        return Node(kind, v, buf[start:pos]), pos
    if kind == "#":
        if line not in (b"t", b"f"):
            raise ProtocolViolation(f"bad boolean {line!r}")
        return Node(kind, line == b"t", buf[start:pos]), pos
    if kind == "_":
        if line:
            raise ProtocolViolation(f"bad null {line!r}")
        return Node(kind, None, buf[start:pos]), pos
    if kind in "$!=":
        n = _int(line)
        if n < 0:
            if kind != "$" or n != -1:
                raise ProtocolViolation(f"bad length {line!r}")
            return Node(kind, None, buf[start:pos]), pos
        if len(buf) < pos + n + 2:
            raise Incomplete()
        if buf[pos + n : pos + n + 2] != b"\r\n":
            raise ProtocolViolation("bulk not terminated by CRLF")
        return Node(kind, buf[pos : pos + n], buf[start : pos + n + 2]), pos + n + 2
    if kind in "*~>%|":
        n = _int(line)
        if n < 0:
            if kind != "*" or n != -1:
                raise ProtocolViolation(f"bad length {line!r}")
            return Node(kind, None, buf[start:pos]), pos
        if kind in "%|":
            pairs = []
            for _ in range(n):
                k, pos = parse_reply(buf, pos)
                v, pos = parse_reply(buf, pos)
                pairs.append((k, v))
            if kind == "|":
                # An attribute precedes the reply it annotates.
                inner, pos = parse_reply(buf, pos)
                inner.attribute = Node(kind, pairs, buf[start:pos])
                inner.raw = buf[start:pos]
                return inner, pos
            return Node(kind, pairs, buf[start:pos]), pos
        elems = []
        for _ in range(n):
            e, pos = parse_reply(buf, pos)
            elems.append(e)
        return Node(kind, elems, buf[start:pos]), pos
    raise ProtocolViolation(f"unknown reply type byte {kind!r} in {buf[start:start + 40]!r}")


def encode_command(argv: Sequence[Union[str, bytes, int, float]]) -> bytes:
    parts = [b"*%d\r\n" % len(argv)]
    for a in argv:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, (int, float)):
            a = str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(parts)


# --------------------------------------------------------------------------------------------
# Raw-socket client
# --------------------------------------------------------------------------------------------


class ConnectionClosed(Exception):
    def __init__(self, partial: bytes):
        super().__init__(f"connection closed by server (partial reply {partial!r})")
        self.partial = partial


class ReplyTimeout(Exception):
    def __init__(self, partial: bytes):
        super().__init__(f"no complete reply within {REPLY_TIMEOUT_S}s (got {partial!r})")
        self.partial = partial


class RespConn:
    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = REPLY_TIMEOUT_S):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.buf = b""
        self.closed_by_peer = False

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self) -> "RespConn":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _recv(self, deadline: float) -> bool:
        """Reads more bytes; False on EOF. Raises socket.timeout past the deadline."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout()
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(1 << 16)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.closed_by_peer = True
            return False
        self.buf += chunk
        return True

    def read_reply(self, timeout: Optional[float] = None) -> Node:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                node, end = parse_reply(self.buf)
                self.buf = self.buf[end:]
                return node
            except Incomplete:
                pass
            try:
                if not self._recv(deadline):
                    partial, self.buf = self.buf, b""
                    raise ConnectionClosed(partial)
            except (socket.timeout, TimeoutError):
                raise ReplyTimeout(self.buf) from None

    def call(self, *argv) -> Node:
        self.send(encode_command(argv))
        return self.read_reply()

    def read_until_close(self, idle: float = 0.3, limit: float = 3.0) -> tuple[bytes, bool]:
        """Everything the server sends until it closes (True) or stays quiet for ``idle`` s."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                if not self._recv(min(end, time.monotonic() + idle)):
                    return self._take(), True
            except (socket.timeout, TimeoutError):
                return self._take(), False
        return self._take(), False

    def _take(self) -> bytes:
        out, self.buf = self.buf, b""
        return out


# --------------------------------------------------------------------------------------------
# Server processes
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_fincache_binary() -> str:
    env = os.environ.get("FINCACHE_SERVER_BIN")
    if env:
        path = os.path.abspath(env) if os.sep in env else (shutil.which(env) or env)
        if not os.access(path, os.X_OK):
            raise FileNotFoundError(f"FINCACHE_SERVER_BIN={env!r} is not an executable")
        return path
    candidates = [Path(sys.executable).parent / "fincache-server"]
    on_path = shutil.which("fincache-server")
    if on_path:
        candidates.append(Path(on_path))
    candidates.append(REPO_ROOT / "build" / "py" / "fincache-server")
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return str(c)
    raise FileNotFoundError(
        "fincache-server not found: set FINCACHE_SERVER_BIN, or run `make build` (installs it in "
        "the venv), looked at: " + ", ".join(map(str, candidates))
    )


def redis_server_binary() -> str:
    path = shutil.which("redis-server")
    if not path:
        raise FileNotFoundError("redis-server not found (apt-get install redis-server)")
    return path


class ServerProc:
    """A server process on a free loopback port, in its own temp dir."""

    def __init__(self, label: str, binary: str, extra: Sequence[str] = ()):
        self.label = label
        self.binary = binary
        self.extra = list(extra)
        self.port = 0
        self.proc: Optional[subprocess.Popen] = None
        self.dir = tempfile.mkdtemp(prefix=f"fcdiff-{label}-")
        self.log_path = os.path.join(self.dir, "server.log")
        self.crashes: list[str] = []

    @property
    def is_redis(self) -> bool:
        return os.path.basename(self.binary).startswith("redis-server")

    def argv(self) -> list[str]:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--databases", "16"]
        if self.is_redis:
            args += ["--save", "", "--appendonly", "no", "--dir", self.dir]
        elif "--http-port" not in self.extra:
            args += ["--http-port", "0"]  # the default 8080 would collide between servers
        return args + self.extra

    def start(self) -> None:
        last_err = None
        for _ in range(3):  # a free port can be taken between the probe and the bind
            self.port = free_port()
            log = open(self.log_path, "ab")
            try:
                self.proc = subprocess.Popen(
                    self.argv(), cwd=self.dir, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            finally:
                log.close()
            try:
                self._wait_ready()
                return
            except RuntimeError as e:
                last_err = e
                self.stop()
        raise RuntimeError(f"{self.label}: could not start {self.argv()}: {last_err}")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                with RespConn(self.port, timeout=1.0) as c:
                    r = c.call("PING")
                    if r.kind in "+-":  # even NOAUTH means it is serving
                        return
            except (OSError, ConnectionClosed, ReplyTimeout):
                time.sleep(0.05)
        raise RuntimeError(f"not ready after {START_TIMEOUT_S}s: {self.log_tail()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ensure_running(self) -> None:
        """Restarts a crashed server, remembering the crash for the test that caused it."""
        if self.alive():
            return
        if self.proc is not None:
            self.crashes.append(f"{self.label} exited with {self.proc.returncode}: "
                                f"{self.log_tail()}")
        self.start()

    def log_tail(self, n: int = 1500) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def connect(self, timeout: float = REPLY_TIMEOUT_S) -> RespConn:
        return RespConn(self.port, timeout=timeout)


class ServerPair:
    def __init__(self, extra: Sequence[str] = ()):
        self.redis = ServerProc("redis", redis_server_binary(), extra)
        self.fincache = ServerProc("fincache", find_fincache_binary(), extra)
        self.support_cache: dict = {}

    def start(self) -> "ServerPair":
        try:
            self.redis.start()
            self.fincache.start()
        except Exception:
            self.cleanup()
            raise
        return self

    def cleanup(self) -> None:
        self.redis.cleanup()
        self.fincache.cleanup()

    def both(self):
        return (self.redis, self.fincache)


# --------------------------------------------------------------------------------------------
# Outcomes and comparators
# --------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one server did for one step: a reply, or the connection closed, or a timeout."""

    node: Optional[Node] = None
    closed: bool = False
    timeout: bool = False
    partial: bytes = b""
    probe: Any = None  # the value a Probe step computed

    def show(self) -> str:
        if self.closed:
            return f"<connection closed{', partial ' + repr(self.partial) if self.partial else ''}>"
        if self.timeout:
            return f"<no reply within {REPLY_TIMEOUT_S}s, partial {self.partial!r}>"
        if self.node is None:
            return repr(self.probe)
        raw = self.node.raw
        return repr(raw if len(raw) <= 600 else raw[:600] + b"...")


Comparator = Callable[[Node, Node], Optional[str]]


def exact(r: Node, f: Node) -> Optional[str]:
    """Byte-for-byte equality (the default)."""
    return None if r.raw == f.raw else "replies differ"


def _need(cond: bool, msg: str) -> Optional[str]:
    return None if cond else msg


def int_near(tol: int) -> Comparator:
    """Both integer replies; negative values (-1/-2 sentinels) equal, others within ``tol``.
    For TTL/PTTL/EXPIRETIME/OBJECT IDLETIME, where the clocks of two servers tick apart."""

    def cmp(r: Node, f: Node) -> Optional[str]:
        if r.kind != ":" or f.kind != ":":
            return exact(r, f) and "expected two integer replies"
        if r.value < 0 or f.value < 0:
            return _need(r.value == f.value, "sentinel values differ")
        return _need(abs(r.value - f.value) <= tol, f"integers differ by more than {tol}")

    cmp.__name__ = f"int_near({tol})"
    return cmp


def positive_int(r: Node, f: Node) -> Optional[str]:
    """Both integer replies > 0 (CLIENT ID: ids are per server)."""
    ok = r.kind == ":" and f.kind == ":" and r.value > 0 and f.value > 0
    return _need(ok, "expected two positive integers")


def unordered(r: Node, f: Node) -> Optional[str]:
    """Same aggregate type and the same elements (bytes), in any order (KEYS, COMMAND LIST)."""
    if r.kind != f.kind or r.kind not in "*~%>" or r.value is None or f.value is None:
        return exact(r, f)
    if r.kind == "%":
        a = sorted(k.raw + v.raw for k, v in r.value)
        b = sorted(k.raw + v.raw for k, v in f.value)
    else:
        a = sorted(e.raw for e in r.value)
        b = sorted(e.raw for e in f.value)
    return _need(a == b, "element multisets differ")


def same_kind_error(r: Node, f: Node) -> Optional[str]:
    """Both errors with the same error code word (the rest is server specific text)."""
    ok = r.is_error and f.is_error and r.value.split(b" ")[0] == f.value.split(b" ")[0]
    return _need(ok, "expected errors with the same code")


def masked_map(*masked: str, patterns: Optional[dict] = None) -> Comparator:
    """A map (RESP3 map or RESP2 flat array): same keys in the same order, values byte-equal
    except the ``masked`` keys, whose values must only have the same RESP type (and match the
    regex in ``patterns`` when given). HELLO: ``id`` differs per server."""
    patterns = patterns or {}
    masked_b = {m.encode() for m in masked}

    def cmp(r: Node, f: Node) -> Optional[str]:
        if r.kind != f.kind:
            return "reply types differ"
        try:
            rp, fp = r.pairs(), f.pairs()
        except AssertionError as e:
            return str(e)
        if [k.raw for k, _ in rp] != [k.raw for k, _ in fp]:
            return "map keys differ"
        for (k, rv), (_, fv) in zip(rp, fp):
            key = k.value
            if key in masked_b:
                if rv.kind != fv.kind:
                    return f"type of {key!r} differs"
                pat = patterns.get(key.decode())
                if pat and not re.fullmatch(pat, fv.text()):
                    return f"{key!r} value {fv.text()!r} does not match {pat!r}"
            elif rv.raw != fv.raw:
                return f"value of {key!r} differs"
        return None

    cmp.__name__ = f"masked_map{masked}"
    return cmp


# CLIENT LIST / CLIENT INFO fields whose values are per connection or per process.
CLIENT_VOLATILE = {
    "id", "addr", "laddr", "fd", "age", "idle", "qbuf", "qbuf-free", "argv-mem", "multi-mem",
    "rbs", "rbp", "obl", "oll", "omem", "tot-mem", "events",
}


def _client_lines(node: Node) -> list[list[tuple[str, str]]]:
    text = node.text().decode()
    if node.kind == "=":  # verbatim string: "txt:" format prefix, compared by client_list
        text = text[4:]
    out = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        fields = []
        for tok in line.strip().split(" "):
            k, _, v = tok.partition("=")
            fields.append((k, v))
        out.append(fields)
    return out


def client_list(r: Node, f: Node) -> Optional[str]:
    """CLIENT LIST / CLIENT INFO: same reply type, same number of clients, same field names in
    the same order; values equal except the per-connection ones (CLIENT_VOLATILE)."""
    if r.kind != f.kind or r.kind not in "$=":
        return "expected two bulk/verbatim replies of the same type"
    if not f.text().endswith(b"\n"):
        return "CLIENT LIST/INFO text must end with a newline"
    if r.kind == "=" and r.text()[:4] != f.text()[:4]:
        return "verbatim formats differ"
    rl, fl = _client_lines(r), _client_lines(f)
    if len(rl) != len(fl):
        return f"client counts differ ({len(rl)} vs {len(fl)})"
    for a, b in zip(rl, fl):
        if [k for k, _ in a] != [k for k, _ in b]:
            return f"field names differ: {[k for k, _ in a]} vs {[k for k, _ in b]}"
        for (k, va), (_, vb) in zip(a, b):
            if k not in CLIENT_VOLATILE and va != vb:
                return f"field {k}: {va!r} vs {vb!r}"
            if k in ("id", "fd", "age", "idle") and not re.fullmatch(r"-?\d+", vb):
                return f"field {k} is not an integer: {vb!r}"
    return None


def time_reply(r: Node, f: Node) -> Optional[str]:
    """TIME: both arrays of two decimal bulk strings, microseconds < 10^6, clocks within 2 s."""
    for n in (r, f):
        if n.kind != "*" or len(n.value) != 2 or any(e.kind != "$" for e in n.value):
            return "expected an array of two bulk strings"
        if not all(re.fullmatch(rb"\d+", e.value) for e in n.value):
            return "expected decimal digits"
        if int(n.value[1].value) >= 1_000_000:
            return "microseconds out of range"
    a = int(r.value[0].value) + int(r.value[1].value) / 1e6
    b = int(f.value[0].value) + int(f.value[1].value) / 1e6
    return _need(abs(a - b) < 2.0, "clocks differ by 2 s or more")


def info_text(*fields: str, exact_fields: Sequence[str] = (),
              port_fields: Sequence[str] = ()) -> Comparator:
    """INFO: same reply type, the same '# Section' headers in order, each named field present
    on both, ``exact_fields`` with equal values, ``port_fields`` equal to each server's port
    (checked by the caller through a Probe instead, so here only numeric)."""

    def parse(n: Node):
        sections, kv = [], {}
        for line in n.text().decode().split("\r\n"):
            if line.startswith("# "):
                sections.append(line)
            elif ":" in line:
                k, _, v = line.partition(":")
                kv[k] = v
        return sections, kv

    def cmp(r: Node, f: Node) -> Optional[str]:
        if r.kind != f.kind:
            return "reply types differ"
        if not f.text().endswith(b"\r\n"):
            return "INFO text must end with CRLF"
        rs, rkv = parse(r)
        fs, fkv = parse(f)
        if rs != fs:
            return f"sections differ: {rs} vs {fs}"
        for k in fields:
            if k in rkv and k not in fkv:
                return f"field {k} missing"
        for k in exact_fields:
            if rkv.get(k) != fkv.get(k):
                return f"field {k}: {rkv.get(k)!r} vs {fkv.get(k)!r}"
        for k in port_fields:
            if not re.fullmatch(r"\d+", fkv.get(k, "")):
                return f"field {k} is not a port"
        return None

    cmp.__name__ = "info_text"
    return cmp


def _command_entry_diff(a: Node, b: Node, missing: frozenset = frozenset(),
                        extra: frozenset = frozenset()) -> Optional[str]:
    if a.is_null or b.is_null:
        return None if a.raw == b.raw else f"null vs command: {a.raw[:60]!r} / {b.raw[:60]!r}"
    if a.kind != b.kind or len(a.value) != len(b.value):
        return f"{a.value[0].value!r}: {len(a.value)} fields vs {len(b.value)}"
    name = a.value[0].value
    for i in (0, 1, 3, 4, 5):
        if a.value[i].raw != b.value[i].raw:
            return f"{name!r} field {i} differs"
    for i in (2, 6):
        if a.value[i].kind != b.value[i].kind or unordered(a.value[i], b.value[i]):
            return f"{name!r} {'flags' if i == 2 else 'acl categories'} differ"
    for i in (7, 8):  # tips, key specs
        if i < len(a.value) and a.value[i].raw != b.value[i].raw:
            return f"{name!r} {'tips' if i == 7 else 'key specs'} differ"
    if len(a.value) > 9:  # subcommands, matched by name (Redis lists them in hash order)
        sa, sb = a.value[9], b.value[9]
        xa = {x.value[0].value: x for x in sa.value}
        xb = {y.value[0].value: y for y in sb.value}
        # Subcommands only one side has: Redis's must be known-missing ones, FinCache's known
        # extras; the shared ones are compared exactly (so is the reply type when none is left
        # out: an empty set in RESP3 when there are no subcommands, an array otherwise).
        only_r = {n.decode() for n in set(xa) - set(xb)}
        only_f = {n.decode() for n in set(xb) - set(xa)}
        if only_r - missing or only_f - extra:
            return f"{name!r} subcommands differ: {sorted((only_r - missing) | (only_f - extra))}"
        if sa.kind != sb.kind and bool(xa) == bool(xb):
            return f"{name!r} subcommand list types differ"
        for sub in sorted(set(xa) & set(xb)):
            why = _command_entry_diff(xa[sub], xb[sub])
            if why:
                return why
    return None


def command_info(r: Node, f: Node) -> Optional[str]:
    """COMMAND INFO: per command the same name, arity, first/last/step key positions (exact);
    flags and ACL categories equal as sets (Redis's order is an implementation detail); the
    same number of fields; tips and key specs byte-equal; subcommands compared the same way."""
    return command_info_except()(r, f)


def command_info_except(missing: Iterable[str] = (), extra: Iterable[str] = ()) -> Comparator:
    """command_info for a container FinCache implements in part: subcommands only Redis has
    must all be listed in ``missing``, those only FinCache has in ``extra`` (both lists are
    documented differences kept by the test file); the shared ones are compared exactly."""
    missing, extra = frozenset(missing), frozenset(extra)

    def cmp(r: Node, f: Node) -> Optional[str]:
        if r.kind != f.kind or r.value is None or f.value is None:
            return exact(r, f)
        if len(r.value) != len(f.value):
            return "different number of commands"
        for a, b in zip(r.value, f.value):
            why = _command_entry_diff(a, b, missing, extra)
            if why:
                return why
        return None

    cmp.__name__ = "command_info" if not missing and not extra else "command_info_except"
    return cmp


def docs_fields(*keys: str) -> Comparator:
    """COMMAND DOCS: same command names; for each, the named doc fields byte-equal."""
    kb = [k.encode() for k in keys]

    def cmp(r: Node, f: Node) -> Optional[str]:
        if r.kind != f.kind:
            return "reply types differ"
        rp, fp = r.pairs(), f.pairs()
        if [k.raw for k, _ in rp] != [k.raw for k, _ in fp]:
            return "command names differ"
        for (name, rd), (_, fd) in zip(rp, fp):
            rm = {k.value: v.raw for k, v in rd.pairs()}
            fm = {k.value: v.raw for k, v in fd.pairs()}
            for k in kb:
                if rm.get(k) != fm.get(k):
                    return f"{name.value!r} doc field {k!r}: {rm.get(k)!r} vs {fm.get(k)!r}"
        return None

    cmp.__name__ = f"docs_fields{keys}"
    return cmp


# --------------------------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------------------------


@dataclass
class S:
    """A step: a command (argv) or raw bytes to send, compared by ``cmp`` (default: exact)."""

    argv: Sequence[Any] = ()
    cmp: Comparator = exact
    raw: Optional[bytes] = None  # sent as is instead of argv (inline commands, pipelines)
    replies: int = 1  # replies to read for a raw payload

    def label(self) -> str:
        if self.raw is not None:
            return f"raw {self.raw[:80]!r}"
        return " ".join(_show_arg(a) for a in self.argv)


@dataclass
class Probe:
    """A step computed from a connection: ``fn(conn)`` returns a value; the values from both
    servers must be equal. For replies whose exact bytes legitimately differ (SCAN cursors and
    order, RANDOMKEY) the probe turns them into what must match (the full key set...)."""

    name: str
    fn: Callable[[RespConn], Any]

    def label(self) -> str:
        return f"probe {self.name}"


@dataclass
class Closed:
    """Step: whether the server closed the connection (after QUIT, a kill...) must agree."""

    wait: float = 1.0

    def label(self) -> str:
        return "connection closed?"


def _show_arg(a: Any) -> str:
    if isinstance(a, bytes):
        s = repr(a)
    else:
        s = str(a)
        if not s or any(c in s for c in " \r\n\0\"'"):
            s = repr(s)
    return s if len(s) <= 60 else s[:57] + "..."


Step = Union[Sequence[Any], S, Probe, Closed]


def as_step(step: Step) -> Union[S, Probe, Closed]:
    if isinstance(step, (S, Probe, Closed)):
        return step
    return S(list(step))


def count_commands(cases: Iterable[Sequence[Step]]) -> int:
    return sum(len(c) for c in cases)


# --------------------------------------------------------------------------------------------
# Running a case on both servers
# --------------------------------------------------------------------------------------------


def _run_one(conn: RespConn, step: Union[S, Probe, Closed]) -> Outcome:
    try:
        if isinstance(step, Probe):
            return Outcome(probe=step.fn(conn))
        if isinstance(step, Closed):
            data, closed = conn.read_until_close(idle=step.wait, limit=step.wait)
            return Outcome(probe=("closed" if closed else "open", data))
        if step.raw is not None:
            conn.send(step.raw)
            nodes = [conn.read_reply() for _ in range(step.replies)]
            if len(nodes) == 1:
                return Outcome(node=nodes[0])
            raw = b"".join(n.raw for n in nodes)
            return Outcome(node=Node("pipeline", nodes, raw))
        conn.send(encode_command(step.argv))
        return Outcome(node=conn.read_reply())
    except ConnectionClosed as e:
        return Outcome(closed=True, partial=e.partial)
    except ReplyTimeout as e:
        return Outcome(timeout=True, partial=e.partial)
    except (BrokenPipeError, ConnectionResetError):
        return Outcome(closed=True)


def _compare(step, r: Outcome, f: Outcome) -> Optional[str]:
    if isinstance(step, (Probe, Closed)) or r.node is None or f.node is None:
        same = (r.node is None and f.node is None and r.closed == f.closed
                and r.timeout == f.timeout and r.probe == f.probe and r.partial == f.partial)
        return None if same else "outcomes differ"
    if step.cmp is exact or r.node.kind == "pipeline":
        return exact(r.node, f.node)
    try:
        return step.cmp(r.node, f.node)
    except (AssertionError, AttributeError, TypeError, ValueError, IndexError) as e:
        return f"comparator {getattr(step.cmp, '__name__', step.cmp)} failed: {e}"


def _first_difference(r: Outcome, f: Outcome) -> str:
    """For long replies: where the bytes first differ, with some context on both sides."""
    if r.node is None or f.node is None or len(r.node.raw) + len(f.node.raw) < 400:
        return ""
    a, b = r.node.raw, f.node.raw
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    lo = max(0, i - 80)
    return (f"  first difference at byte {i}:\n    redis:    ...{a[lo:i + 120]!r}\n"
            f"    fincache: ...{b[lo:i + 120]!r}\n")


class DiffPair:
    """One client connection to each server of a ServerPair."""

    def __init__(self, pair: ServerPair):
        self.pair = pair
        self.redis = pair.redis.connect()
        self.fincache = pair.fincache.connect()
        self.steps_run = 0

    def close(self) -> None:
        self.redis.close()
        self.fincache.close()

    def reconnect(self) -> None:
        self.close()
        self.redis = self.pair.redis.connect()
        self.fincache = self.pair.fincache.connect()

    def _support(self, kind: str, name: bytes) -> bool:
        """Whether FinCache has a command or setting that Redis has (cached per pair)."""
        cache = self.pair.support_cache
        key = (kind, name.lower())
        if key not in cache:
            if kind == "command":
                argv: list = ["COMMAND", "INFO", name]
            else:
                argv = ["CONFIG", "GET", name]

            def present(conn: RespConn) -> Optional[bool]:
                node = conn.call(*argv)
                if node.is_error:  # e.g. NOAUTH on a password-protected pair: don't guess
                    return None
                return bool(node.value) and not (
                    kind == "command" and node.value[0].is_null)

            rc, fc = self.pair.redis.connect(), self.pair.fincache.connect()
            try:
                ours, theirs = present(fc), present(rc)
            finally:
                rc.close()
                fc.close()
            cache[key] = ours is None or theirs is None or ours or not theirs
        return cache[key]

    def skip_if_unsupported(self, steps: Sequence[Step]) -> None:
        """Skips (visibly, with the reason) a case that needs a command or a setting Redis has
        and FinCache doesn't have yet (e.g. RPUSH before lists land): such a case compares
        nothing meaningful today and runs by itself once the feature exists. Commands unknown
        to both servers still run (their unknown-command errors are compared)."""
        for raw_step in steps:
            step = as_step(raw_step)
            if not isinstance(step, S) or step.raw is not None or not step.argv:
                continue
            argv = [a if isinstance(a, bytes) else str(a).encode() for a in step.argv]
            if not self._support("command", argv[0]):
                pytest.skip(f"FinCache has no {argv[0].decode(errors='replace').upper()} yet")
            if (argv[0].lower() == b"config" and len(argv) >= 3
                    and argv[1].lower() in (b"get", b"set")
                    and not any(c in argv[2] for c in b"*?[")
                    and not self._support("setting", argv[2])):
                pytest.skip(f"FinCache has no setting {argv[2].decode(errors='replace')} yet")

    def run(self, steps: Sequence[Step], name: str = "") -> None:
        """Runs every step on Redis then on FinCache, comparing as it goes; the first
        difference fails with both replies shown."""
        self.skip_if_unsupported(steps)
        done: list[str] = []
        for i, raw_step in enumerate(steps):
            step = as_step(raw_step)
            r = _run_one(self.redis, step)
            f = _run_one(self.fincache, step)
            self.steps_run += 1
            why = _compare(step, r, f)
            if why:
                cmp_name = getattr(getattr(step, "cmp", None), "__name__", "")
                ctx = "\n".join(f"    {d}" for d in done[-6:])
                pytest.fail(
                    f"[{name}] step {i}: {step.label()}\n"
                    f"  {why}" + (f" (comparator {cmp_name})" if cmp_name else "") + "\n"
                    f"  redis:    {r.show()}\n"
                    f"  fincache: {f.show()}\n"
                    + _first_difference(r, f)
                    + (f"  after:\n{ctx}" if ctx else ""),
                    pytrace=False,
                )
            done.append(f"{step.label()} -> {r.show()[:100]}")
            if _TRACE:
                with open(_TRACE, "a") as t:
                    t.write(f"[{name}] {step.label()} -> {r.show()[:300]}\n")

    def both(self, *argv) -> tuple[Node, Node]:
        """Runs a setup command on both, requiring identical replies."""
        r, f = self.redis.call(*argv), self.fincache.call(*argv)
        assert r.raw == f.raw, f"setup {argv}: redis {r.raw!r} vs fincache {f.raw!r}"
        return r, f


# Settings the differential tests may change; restored after each test.
RESTORE_CONFIG = [
    ("maxmemory-policy", "noeviction"),
    ("maxmemory", "0"),
    ("timeout", "0"),
    ("hz", "10"),
    ("lfu-log-factor", "10"),
    ("proto-max-bulk-len", "536870912"),
    ("list-max-listpack-size", "-2"),
    ("hash-max-listpack-entries", "512"),
    ("hash-max-listpack-value", "64"),
    ("set-max-intset-entries", "512"),
    ("zset-max-listpack-entries", "128"),
    ("zset-max-listpack-value", "64"),
    ("hll-sparse-max-bytes", "3000"),
    ("client-output-buffer-limit",
     "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
    ("notify-keyspace-events", ""),
    ("maxmemory-samples", "5"),
    ("maxmemory-eviction-tenacity", "10"),
    ("lfu-decay-time", "1"),
]


def _reset_server(srv: ServerProc, password: Optional[str] = None) -> None:
    with srv.connect() as c:
        if password:
            c.call("AUTH", password)
        c.call("FLUSHALL")
        for k, v in RESTORE_CONFIG:
            c.call("CONFIG", "SET", k, v)


def run_cases_on(pair: ServerPair, steps: Sequence[Step], name: str) -> None:
    d = DiffPair(pair)
    try:
        d.run(steps, name)
    finally:
        d.close()


# --------------------------------------------------------------------------------------------
# Fixtures (import them into a test module: `from diffutil import server_pair, diff`)
# --------------------------------------------------------------------------------------------


_PAIRS: dict = {}
_START_ERRORS: dict = {}


def _cleanup_pairs() -> None:
    for pair in _PAIRS.values():
        pair.cleanup()
    _PAIRS.clear()


atexit.register(_cleanup_pairs)


def get_pair(extra: Sequence[str] = ()) -> ServerPair:
    """The running pair for these extra flags, started once per test session (fixtures
    imported into several modules share it; atexit kills the servers)."""
    key = tuple(extra)
    if key in _START_ERRORS:  # fail every test fast, with the first error
        pytest.fail(_START_ERRORS[key], pytrace=False)
    if key not in _PAIRS:
        try:
            _PAIRS[key] = ServerPair(extra).start()
        except (FileNotFoundError, OSError, RuntimeError) as e:
            _START_ERRORS[key] = f"differential tests need both servers running: {e}"
            pytest.fail(_START_ERRORS[key], pytrace=False)
    return _PAIRS[key]


@pytest.fixture(scope="session")
def server_pair():
    return get_pair()


def _check_crash(pair: ServerPair) -> list[str]:
    msgs = []
    for srv in pair.both():
        before = len(srv.crashes)
        srv.ensure_running()
        msgs += srv.crashes[before:]
    return msgs


def diff_session(pair: ServerPair, reset: Callable[[ServerProc], None] = _reset_server):
    """The body of a diff fixture: reset both servers, yield a DiffPair on fresh connections,
    then fail the test if a server died during it (it is restarted) and reset both again."""
    crashed = _check_crash(pair)
    for srv in pair.both():
        reset(srv)
    d = DiffPair(pair)
    yield d
    d.close()
    crashed += _check_crash(pair)
    if crashed:
        pytest.fail("server crashed: " + " | ".join(crashed), pytrace=False)
    for srv in pair.both():
        try:
            reset(srv)
        except (OSError, ConnectionClosed, ReplyTimeout):
            pass


@pytest.fixture
def diff(server_pair):
    """Fresh connections to both servers, FLUSHALL before, settings restored after; a server
    that died during the test is restarted and the test fails with its log tail."""
    yield from diff_session(server_pair)


AUTH_PASSWORD = "s3cret"


@pytest.fixture(scope="session")
def auth_server_pair():
    return get_pair(["--requirepass", AUTH_PASSWORD])


@pytest.fixture
def auth_diff(auth_server_pair):
    crashed = _check_crash(auth_server_pair)
    d = DiffPair(auth_server_pair)
    yield d
    d.close()
    crashed += _check_crash(auth_server_pair)
    if crashed:
        pytest.fail("server crashed: " + " | ".join(crashed), pytrace=False)


def both_raw(pair: ServerPair, payload: bytes, idle: float = 0.3,
             before: Sequence[Sequence[Any]] = ()) -> tuple[tuple[bytes, bool], tuple[bytes, bool]]:
    """Sends ``payload`` on a fresh connection to each server (concurrently) and returns, per
    server, (all bytes received until close or ``idle`` s of silence, closed?). ``before``:
    commands run first on the same connection (their replies are not included)."""
    results: list = [None, None]

    def work(i: int, srv: ServerProc) -> None:
        try:
            with srv.connect() as c:
                for argv in before:
                    c.call(*argv)
                c.send(payload)
                results[i] = c.read_until_close(idle=idle)
        except (OSError, ConnectionClosed, ReplyTimeout) as e:
            results[i] = (f"<error {e}>".encode(), True)

    threads = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate(pair.both())]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results[0], results[1]


# ---- probes used by several modules ----


def scan_all(*opts: Any, start: Any = b"0") -> Callable[[RespConn], Any]:
    """SCAN to completion with ``opts``: every page must be [bulk cursor, array of bulk keys];
    returns the sorted set of keys seen (SCAN may return a key twice, so a set)."""

    def fn(conn: RespConn):
        cursor, keys, pages = start, set(), 0
        while True:
            r = conn.call("SCAN", cursor, *opts)
            if r.is_error:
                return ("error", r.raw)
            assert r.kind == "*" and len(r.value) == 2, r.raw
            cur, arr = r.value
            assert cur.kind == "$" and re.fullmatch(rb"\d+", cur.value), cur.raw
            assert arr.kind == "*" and all(e.kind == "$" for e in arr.value), arr.raw
            keys.update(e.value for e in arr.value)
            cursor = cur.value
            pages += 1
            if cursor == b"0" or pages > 10000:
                break
        return sorted(keys)

    return fn


def first_reply_shape(node: Node) -> Any:
    """The RESP type tree of a reply without its values (for replies whose values differ)."""
    if node.kind in "*~>" and node.value is not None:
        return (node.kind, [first_reply_shape(e) for e in node.value])
    if node.kind == "%":
        return (node.kind, [(first_reply_shape(k), first_reply_shape(v)) for k, v in node.value])
    return node.kind


def isclose(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9)
