"""Helpers for the observability tests (test_metrics.py, test_dashboard.py, test_deploy.py):
a fincache-server with its HTTP port, GET requests with the standard library, and /metrics parsed
by prometheus_client's reference parser."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Optional

from prometheus_client.parser import text_string_to_metric_families

from diffutil import free_port

HTTP_START_TIMEOUT_S = 15.0


@dataclass
class HttpReply:
    status: int
    headers: dict  # lower-cased names
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def http_get(url: str, token: Optional[str] = None, timeout: float = 10) -> HttpReply:
    """GET ``url``; any status (4xx/5xx too) comes back as an HttpReply."""
    req = urllib.request.Request(url)
    if token is not None:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return HttpReply(res.status, {k.lower(): v for k, v in res.headers.items()},
                             res.read())
    except urllib.error.HTTPError as e:
        return HttpReply(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


def start_http_server(start_server, *args: str, **kw):
    """Starts fincache-server (conftest's ``start_server`` factory) with ``--http-port`` on a free
    port and waits until GET /health answers; a port taken between the probe and the bind is
    retried. Returns the FincacheProcess with ``.http_port`` and ``.base_url`` set."""
    last = ""
    for _ in range(3):
        port = free_port()
        try:
            srv = start_server(*args, "--http-port", str(port), **kw)
        except RuntimeError as e:  # the server exited: maybe the HTTP port was taken
            last = str(e)
            if "in use" in last:
                continue
            raise
        srv.http_port = port
        srv.base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + HTTP_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if not srv.alive():
                last = srv.log()
                break
            try:
                if http_get(srv.base_url + "/health", timeout=2).status == 200:
                    return srv
            except OSError:
                pass
            time.sleep(0.05)
        else:
            raise RuntimeError(f"GET /health did not answer: {srv.log()[-2000:]}")
        if "in use" not in last:
            break
    raise RuntimeError(f"fincache-server with an HTTP port did not start: {last[-2000:]}")


@dataclass
class Scrape:
    """One GET /metrics parsed: families by name (prometheus_client drops a counter's _total
    from the family name) and every sample by its full name."""

    text: str
    families: dict = field(default_factory=dict)

    def __post_init__(self):
        for fam in text_string_to_metric_families(self.text):
            assert fam.name not in self.families, f"family {fam.name} twice"
            self.families[fam.name] = fam

    def family(self, name: str):
        """The family of a metric name as the server writes it (fincache_x_total -> its
        counter family)."""
        if name in self.families:
            return self.families[name]
        if name.endswith("_total") and name[:-6] in self.families:
            return self.families[name[:-6]]
        raise KeyError(name)

    def samples(self, name: str, **labels) -> list:
        out = []
        for fam in self.families.values():
            for s in fam.samples:
                if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                    out.append(s)
        return out

    def value(self, name: str, default: Optional[float] = None, **labels) -> float:
        """The value of the one sample with that name and (at least) those labels."""
        found = self.samples(name, **labels)
        if not found:
            if default is not None:
                return default
            raise KeyError(f"{name}{labels}")
        assert len(found) == 1, f"{name}{labels}: {len(found)} samples"
        return found[0].value

    def sample_names(self) -> set:
        return {s.name for fam in self.families.values() for s in fam.samples}


def scrape(srv, token: Optional[str] = None) -> Scrape:
    res = http_get(srv.base_url + "/metrics", token=token)
    assert res.status == 200, (res.status, res.body[:500])
    return Scrape(res.text)


def wait_for(pred: Callable[[], object], timeout: float = 10.0, interval: float = 0.02,
             what: str = "condition"):
    """Polls ``pred`` until it returns something truthy (returned); fails after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        got = pred()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)
