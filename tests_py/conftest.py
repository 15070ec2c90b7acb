"""Shared pytest fixtures for tests_py.

Server fixtures (the built ``fincache-server`` binary, started as a subprocess):
  * ``fincache_bin``     path of the binary: $FINCACHE_SERVER_BIN, else ``fincache-server`` next to
                         the running Python (the venv's bin after ``make build``) or on PATH, else
                         build/py/fincache-server (see diffutil.find_fincache_binary). A missing
                         binary fails the tests: CI must not pass by testing nothing.
  * ``fincache_server``  one server for the whole session (a ``FincacheProcess``), on a free port.
  * ``r``                a ``redis.Redis`` client to ``fincache_server`` (closed after the test).
  * ``start_server``     a factory for *separate* servers with custom args, env or config file,
                         stopped at the end of the test: ``start_server("--maxclients", "2")``.

Keep this file to fixtures and the small helpers they need; put test-specific helpers in the
test modules.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from typing import Optional, Sequence

import pytest
import redis

from diffutil import find_fincache_binary, free_port

START_TIMEOUT_S = 15.0


def http_off_args(args: Sequence[str], env: Optional[dict] = None,
                  config_path: Optional[str] = None) -> list[str]:
    """``["--http-port", "0"]`` unless the arguments, the environment or the config file set the
    HTTP port: the default 8080 would collide when many servers run at once."""
    if "--http-port" in args or "FINCACHE_HTTP_PORT" in (env or {}):
        return []
    if config_path:
        with open(config_path) as f:
            if any(line.split()[:1] == ["http-port"] for line in f):
                return []
    return ["--http-port", "0"]


class FincacheProcess:
    """A fincache-server subprocess in its own temp dir, its stdout+stderr in ``log_path``."""

    def __init__(self, binary: str, args: Sequence[str] = (), env: Optional[dict] = None,
                 config_text: Optional[str] = None, port: Optional[int] = None,
                 port_arg: bool = True, wait_ready: bool = True):
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="fcsrv-")
        self.log_path = os.path.join(self.dir, "server.log")
        self.config_path: Optional[str] = None
        if config_text is not None:
            self.config_path = os.path.join(self.dir, "fincache.conf")
            with open(self.config_path, "w") as f:
                f.write(config_text)
        self.extra = list(args)
        self.env = dict(os.environ)
        # A FINCACHE_* setting in the caller's environment must not leak into the tests.
        for k in [k for k in self.env if k.startswith("FINCACHE_") and k != "FINCACHE_SERVER_BIN"]:
            del self.env[k]
        self.env.update(env or {})
        self.fixed_port = port
        self.port_arg = port_arg  # False: the port comes from the config file or env (pass port)
        self.port = 0
        self.proc: Optional[subprocess.Popen] = None
        self._start(wait_ready)

    def argv(self) -> list[str]:
        out = [self.binary]
        if self.config_path:
            out.append(self.config_path)
        if self.port and self.port_arg:
            out += ["--port", str(self.port)]
        return out + self.extra + http_off_args(self.extra, self.env, self.config_path)

    def _start(self, wait_ready: bool) -> None:
        last = ""
        for _ in range(3):  # a probed free port can be taken before the server binds it
            self.port = self.fixed_port if self.fixed_port is not None else free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(self.argv(), cwd=self.dir, env=self.env,
                                             stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL)
            if not wait_ready:
                return
            last = self._wait_ready()
            if not last:
                return
            self.kill()
            if "Address already in use" not in last:
                break
        raise RuntimeError(f"fincache-server did not start ({self.argv()}): {last}")

    def _wait_ready(self) -> str:
        """"" once the server answers, else why not."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return f"exited with {self.proc.returncode}: {self.log()}"
            if "Ready to accept connections" in self.log() or self._answers_ping():
                return ""
            time.sleep(0.05)
        return f"not ready after {START_TIMEOUT_S}s: {self.log()}"

    def _answers_ping(self) -> bool:
        """For servers that log to a file: any reply to PING (even NOAUTH) means serving."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(1)[:1] in (b"+", b"-")
        except OSError:
            return False

    def log(self) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def wait_log(self, text: str, timeout: float = 5.0) -> bool:
        """True once ``text`` shows in the log (the server may answer before it logs)."""
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def client(self, **kw) -> redis.Redis:
        kw.setdefault("socket_timeout", 10)
        return redis.Redis(host="127.0.0.1", port=self.port, **kw)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def rss_bytes(self) -> int:
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def terminate(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        """Sends ``sig`` and returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def cleanup(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def run_fincache(binary: str, args: Sequence[str], env: Optional[dict] = None,
                 timeout: float = 15, cwd: Optional[str] = None) -> subprocess.CompletedProcess:
    """Runs the binary to completion (for --version, --help, bad configs)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("FINCACHE_")}
    full_env.update(env or {})
    extra = [] if {"-v", "--version", "-h", "--help"} & set(args) else http_off_args(args, full_env)
    return subprocess.run([binary, *args, *extra], capture_output=True, text=True, timeout=timeout,
                          env=full_env, cwd=cwd, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def fincache_bin() -> str:
    try:
        return find_fincache_binary()
    except FileNotFoundError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="session")
def fincache_server(fincache_bin):
    srv = FincacheProcess(fincache_bin)
    yield srv
    srv.cleanup()


@pytest.fixture
def r(fincache_server):
    if not fincache_server.alive():
        pytest.fail("the session's fincache-server died: " + fincache_server.log()[-2000:],
                    pytrace=False)
    client = fincache_server.client()
    yield client
    client.close()


@pytest.fixture
def start_server(fincache_bin):
    """Factory: start_server(*args, env=None, config_text=None, port=None, port_arg=True,
    wait_ready=True) -> FincacheProcess. port=None picks a free port; port_arg=False does not pass
    --port (the config file or env sets it: give its value as ``port``)."""
    started: list[FincacheProcess] = []

    def start(*args: str, env: Optional[dict] = None, config_text: Optional[str] = None,
              port: Optional[int] = None, port_arg: bool = True,
              wait_ready: bool = True) -> FincacheProcess:
        srv = FincacheProcess(fincache_bin, args, env=env, config_text=config_text, port=port,
                              port_arg=port_arg, wait_ready=wait_ready)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.cleanup()
