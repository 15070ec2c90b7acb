"""Property-based HTTP testing: schemathesis generates requests from GET /openapi.json of the
built fincache-server (valid and invalid ones, for every operation, plus stateful sequences) and
checks every response against the document: no 5xx, only documented status codes and bodies,
invalid input refused, auth enforced, 405 for undeclared methods."""

from __future__ import annotations

import os
import sys
import subprocess

from test_http import start_http

# What the document cannot express is kept out of the checks:
# - /ws is a WebSocket upgrade (tests_py/test_http_ws.py drives it with a WebSocket client);
# - POST /api/v1/command takes any argument vector, and most schema-valid ones are not a command
#   Redis knows: Redis's error reply is a 400 there by design, so that operation runs without
#   the "schema-valid request accepted" check (every other check applies);
# - a key is a resource per database (?db=), which the document's links cannot say, so the
#   stateful "deleted resource still available" check would pair a DELETE in one database
#   with a GET of the same name in another.
COMMAND = "/api/v1/command"


def run_schemathesis(url: str, tmp_path, headers: tuple = (), exclude: tuple = ()) -> None:
    exe = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    base = [exe, "run", url + "/openapi.json", "--checks", "all", "--max-examples", "40",
            "--seed", "20261205", "--request-timeout", "10", "--no-color"]
    for h in headers:
        base += ["-H", h]
    for scope, skip in ((["--exclude-path", "/ws", "--exclude-path", COMMAND], ()),
                        (["--include-path", COMMAND], ("positive_data_acceptance",))):
        checks = ",".join(("use_after_free",) + tuple(exclude) + skip)
        proc = subprocess.run(base + scope + ["--exclude-checks", checks], capture_output=True,
                              text=True, timeout=900, cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-2000:]


def test_generated_requests_conform(start_server, tmp_path):
    # With requirepass, so the document's Bearer security is what the server enforces
    # (test_http.py covers the open API without it).
    srv = start_http(start_server, "--requirepass", "s3cret")
    run_schemathesis(srv.url, tmp_path, headers=("Authorization: Bearer s3cret",))
    assert srv.alive()

