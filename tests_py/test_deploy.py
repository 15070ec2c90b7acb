"""deploy/: what can be checked without a Docker engine or systemd. The compose file, the
Prometheus config and the Grafana dashboard parse; promtool accepts the scrape config; every
metric the Grafana dashboard queries is in a live scrape of the built server; the Docker image
installs every shared library the binary links, starts the server with the real flags and its
HEALTHCHECK command works against a live server; the systemd unit runs the server with its data
directory."""

from __future__ import annotations

import configparser
import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
DASHBOARD = DEPLOY / "grafana" / "fincache-dashboard.json"


def test_compose_file_parses_and_wires_the_services():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"fincache", "prometheus", "grafana"}
    fc = services["fincache"]
    assert (DEPLOY / fc["build"]["context"] / fc["build"]["dockerfile"]).is_file()
    assert "6379:6379" in fc["ports"] and "8080:8080" in fc["ports"]
    cmd = fc["command"]
    assert cmd[cmd.index("--http-port") + 1] == "8080"
    assert cmd[cmd.index("--http-bind") + 1] == "0.0.0.0"
    # Every file a service mounts from this folder exists.
    for svc in services.values():
        for vol in svc.get("volumes", []):
            src = vol.split(":")[0]
            if src.startswith("."):
                assert (DEPLOY / src).exists(), vol
            else:
                assert src in compose["volumes"], vol


def test_prometheus_config_scrapes_fincache():
    cfg = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    jobs = {j["job_name"]: j for j in cfg["scrape_configs"]}
    job = jobs["fincache"]
    assert job["metrics_path"] == "/metrics"
    assert job["static_configs"][0]["targets"] == ["fincache:8080"]
    promtool = shutil.which("promtool")
    assert promtool, "promtool missing: scripts/setup.sh installs Debian's prometheus package"
    proc = subprocess.run([promtool, "check", "config", str(DEPLOY / "prometheus" / "prometheus.yml")],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_grafana_provisioning_parses():
    ds = yaml.safe_load((DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text())
    assert ds["datasources"][0]["type"] == "prometheus"
    dash = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/fincache.yml").read_text())
    assert dash["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def dashboard_exprs() -> list[str]:
    dash = json.loads(DASHBOARD.read_text())
    exprs = []

    def walk(panels):
        for p in panels:
            exprs.extend(t["expr"] for t in p.get("targets", []))
            walk(p.get("panels", []))

    walk(dash["panels"])
    for var in dash["templating"]["list"]:
        q = var.get("query")
        if isinstance(q, dict):
            exprs.append(q["query"])
    return exprs


def test_dashboard_json_is_a_grafana_dashboard():
    dash = json.loads(DASHBOARD.read_text())
    assert dash["uid"] and dash["title"] == "FinCache"
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids))
    for p in dash["panels"]:
        assert {"x", "y", "w", "h"} <= set(p["gridPos"])
        if p["type"] != "row":
            assert p["targets"], p["title"]
    assert len(dashboard_exprs()) >= 20


METRIC_RE = re.compile(r"\b(fincache_[a-z0-9_]+)\b(?:\s*\{([^}]*)\})?")


def test_dashboard_names_only_metrics_the_server_exports(start_server):
    """Each metric a Grafana expression names is in a live GET /metrics of the built server (the
    per-command and per-error series exist once a command ran and an error was replied), with the
    labels the expression selects on."""
    from obsutil import scrape, start_http_server

    srv = start_http_server(start_server)
    c = srv.client()
    c.set("k", "v")
    c.get("k")
    c.get("missing")
    try:
        c.lpush("k", "x")
    except Exception:  # WRONGTYPE: errorstats gets a series
        pass
    c.close()
    s = scrape(srv)
    labels_of: dict[str, set] = {}
    for fam in s.families.values():
        for sample in fam.samples:
            labels_of.setdefault(sample.name, set()).update(sample.labels)
    exprs = dashboard_exprs()
    named = set()
    for expr in exprs:
        for name, selector in METRIC_RE.findall(expr):
            named.add(name)
            assert name in labels_of, f"{name} (in {expr!r}) is not exported"
            wanted = set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", selector or ""))
            wanted.discard("instance")  # Prometheus's target label, added at scrape time
            assert wanted <= labels_of[name], (expr, wanted - labels_of[name])
        for grouping in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr):
            by = {g.strip() for g in grouping.split(",")} - {"instance", "job", ""}
            metric_labels = set().union(*(labels_of[n] for n, _ in METRIC_RE.findall(expr)))
            assert by <= metric_labels, (expr, by - metric_labels)
    # The families issue 6 asks a dashboard for are all on it.
    for needed in ("fincache_commands_total", "fincache_command_duration_seconds_bucket",
                   "fincache_keyspace_hits_total", "fincache_db_keys",
                   "fincache_expired_keys_total", "fincache_evicted_keys_total",
                   "fincache_memory_rss_bytes", "fincache_connected_clients",
                   "fincache_net_input_bytes_total", "fincache_rejected_connections_total",
                   "fincache_rdb_last_save_timestamp_seconds", "fincache_aof_enabled",
                   "fincache_uptime_seconds"):
        assert needed in named, needed


def _healthcheck_argv(dockerfile: str) -> list[str]:
    m = re.search(r"^HEALTHCHECK .*?CMD (\[.*\])$", dockerfile, re.M)
    assert m, "no exec-form HEALTHCHECK"
    return json.loads(m.group(1))


def test_docker_image_runs_http_on_every_interface_with_a_health_check(start_server):
    """The image's default command serves HTTP on 0.0.0.0:8080 (reachable through a published
    port), and its HEALTHCHECK (bash's /dev/tcp: the slim image has no curl) passes while
    GET /health answers and fails once the server is gone."""
    from obsutil import start_http_server

    dockerfile = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")  # continuations
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1))
    assert cmd[cmd.index("--http-port") + 1] == "8080"
    assert cmd[cmd.index("--http-bind") + 1] == "0.0.0.0"
    assert re.search(r"^EXPOSE .*\b8080\b", dockerfile, re.M)
    check = _healthcheck_argv(dockerfile)
    assert check[0] == "bash" and "/health" in check[-1] and "127.0.0.1/8080" in check[-1]
    srv = start_http_server(start_server, "--requirepass", "pw")  # /health stays open
    live = [a.replace("127.0.0.1/8080", f"127.0.0.1/{srv.http_port}") for a in check]
    proc = subprocess.run(live, capture_output=True, text=True, timeout=10)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    srv.kill()
    proc = subprocess.run(live, capture_output=True, text=True, timeout=10)
    assert proc.returncode != 0


def _runtime_packages(dockerfile: str) -> set[str]:
    runtime = dockerfile.split("FROM debian:bookworm-slim", 1)[1]
    install = re.search(r"apt-get install -y --no-install-recommends \\\n\s*([^\\\n]+)", runtime)
    assert install, "no apt-get install in the runtime stage"
    return set(install.group(1).split())


def test_docker_runtime_stage_installs_every_linked_library(fincache_bin):
    """Without Docker: the libraries `ldd` shows for the built binary, mapped to their Debian
    packages, are all installed by the Dockerfile's runtime stage."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    runtime = _runtime_packages(dockerfile)
    ldd = subprocess.run(["ldd", fincache_bin], capture_output=True, text=True, check=True).stdout
    libs = re.findall(r"=> (/\S+)", ldd)
    assert libs
    needed = set()
    for lib in libs:
        real = str(Path(lib).resolve())
        owner = subprocess.run(["dpkg", "-S", real], capture_output=True, text=True)
        if owner.returncode != 0:  # usr-merge: dpkg may know the /lib or /usr/lib spelling
            alt = real.replace("/usr/lib/", "/lib/", 1) if real.startswith("/usr/lib/") else \
                real.replace("/lib/", "/usr/lib/", 1)
            owner = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True)
        assert owner.returncode == 0, f"no Debian package owns {lib}"
        needed.add(owner.stdout.split(":")[0].strip())
    needed -= {"libc6", "libgcc-s1"}  # in every Debian image
    missing = sorted(needed - runtime)
    assert not missing, f"deploy/Dockerfile's runtime stage lacks {missing}"


def test_docker_build_stage_uses_the_setup_packages():
    """The build stage's packages are the C++ build's ones from scripts/setup.sh, and it copies
    every folder CMakeLists.txt builds from."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    build = dockerfile.split("FROM debian:bookworm-slim", 1)[0]
    pkgs = set(re.search(r"--no-install-recommends \\\n((?:.*\\\n)+?)\s*&&", build).group(1)
               .replace("\\", " ").split())
    setup = (REPO / "scripts" / "setup.sh").read_text()
    setup_pkgs = set(re.search(r"APT_PACKAGES=\(([^)]*)\)", setup).group(1).split())
    assert pkgs <= setup_pkgs, sorted(pkgs - setup_pkgs)
    for needed in ("prometheus-cpp-dev", "libboost1.81-dev", "liblua5.1-0-dev", "liblzf1"):
        assert needed in pkgs
    copied = set(re.findall(r"^COPY (\S+) ", build, re.M))
    for folder in ("CMakeLists.txt", "cmake", "cpp", "server", "assets"):
        assert folder in copied, folder
    assert "-DFINCACHE_BUILD_PYTHON=OFF" in build


def test_systemd_unit(fincache_bin):
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(DEPLOY / "systemd" / "fincache.service")
    svc = unit["Service"]
    argv = svc["ExecStart"].split()
    assert Path(argv[0]).name == "fincache-server"
    assert "--dir" in argv and argv[argv.index("--dir") + 1] == svc["WorkingDirectory"]
    assert svc["WorkingDirectory"] in svc["ReadWritePaths"]
    assert svc["KillSignal"] == "SIGTERM"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_systemd_command_line_starts_the_server(tmp_path, fincache_bin):
    """The unit's ExecStart arguments (an empty config file, --dir) start a real server."""
    import os
    import socket
    import time

    from diffutil import free_port

    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(DEPLOY / "systemd" / "fincache.service")
    argv = unit["Service"]["ExecStart"].split()[1:]
    conf = tmp_path / "fincache.conf"
    conf.write_text("")
    data = tmp_path / "data"
    data.mkdir()
    argv = [str(conf) if a == "/etc/fincache/fincache.conf" else
            str(data) if a == "/var/lib/fincache" else a for a in argv]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINCACHE_")}
    proc = subprocess.Popen([fincache_bin, *argv, "--port", str(port), "--http-port", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            cwd=tmp_path)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"CONFIG GET dir\r\n")
                    reply = s.recv(1000)
                    break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.05)
        assert str(data).encode() in reply
        proc.terminate()
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
