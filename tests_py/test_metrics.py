"""GET /metrics of the built fincache-server, read the way Prometheus reads it: the exposition is
parsed by prometheus_client's reference parser and linted by `promtool check metrics` (Debian's
prometheus package), every family issue 6 lists is there with HELP and TYPE, and the numbers follow
what redis-py does to the server and agree with INFO."""

from __future__ import annotations

import json
import math
import re
import shutil
import socket
import subprocess
import threading
import time

import pytest
import redis

from obsutil import Scrape, http_get, scrape, start_http_server, wait_for

PASSWORD = "s3cret-pass"

# Every family the server must export: name as written -> Prometheus type.
REQUIRED_FAMILIES = {
    # commands
    "fincache_commands_processed_total": "counter",
    "fincache_commands_total": "counter",
    "fincache_commands_rejected_total": "counter",
    "fincache_commands_failed_total": "counter",
    "fincache_command_duration_seconds": "histogram",
    "fincache_error_replies_total": "counter",
    # keyspace
    "fincache_keyspace_hits_total": "counter",
    "fincache_keyspace_misses_total": "counter",
    "fincache_db_keys": "gauge",
    "fincache_db_keys_expiring": "gauge",
    "fincache_expired_keys_total": "counter",
    "fincache_evicted_keys_total": "counter",
    # memory
    "fincache_memory_used_bytes": "gauge",
    "fincache_memory_rss_bytes": "gauge",
    "fincache_memory_peak_bytes": "gauge",
    "fincache_memory_max_bytes": "gauge",
    # clients and network
    "fincache_connected_clients": "gauge",
    "fincache_blocked_clients": "gauge",
    "fincache_connections_received_total": "counter",
    "fincache_rejected_connections_total": "counter",
    "fincache_net_input_bytes_total": "counter",
    "fincache_net_output_bytes_total": "counter",
    # persistence
    "fincache_rdb_last_save_timestamp_seconds": "gauge",
    "fincache_rdb_changes_since_last_save": "gauge",
    "fincache_rdb_saves_total": "counter",
    "fincache_aof_enabled": "gauge",
    "fincache_aof_rewrite_in_progress": "gauge",
    "fincache_aof_rewrite_scheduled": "gauge",
    "fincache_aof_last_rewrite_duration_seconds": "gauge",
    "fincache_aof_last_bgrewrite_success": "gauge",
    "fincache_aof_last_write_success": "gauge",
    "fincache_aof_rewrites_total": "counter",
    "fincache_aof_current_size_bytes": "gauge",
    # process
    "fincache_uptime_seconds": "gauge",
    "fincache_start_time_seconds": "gauge",
    "fincache_build_info": "gauge",
}


@pytest.fixture
def srv(start_server):
    return start_http_server(start_server)


@pytest.fixture
def rc(srv):
    c = srv.client()
    yield c
    c.close()


def test_content_type_and_every_family_with_help_and_type(srv, rc):
    rc.set("k", "v")
    rc.get("k")
    with pytest.raises(redis.ResponseError):
        rc.lpush("k", "x")  # an error reply, so errorstats has a series
    res = http_get(srv.base_url + "/metrics")
    assert res.status == 200
    assert res.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = res.text
    s = Scrape(text)
    for name, typ in REQUIRED_FAMILIES.items():
        fam = s.family(name)
        assert fam.type == typ, (name, fam.type)
        assert fam.documentation.strip(), f"{name} has no HELP"
        assert f"# HELP {name} " in text and f"# TYPE {name} {typ}\n" in text, name
        assert fam.samples, f"{name} has no sample"
        for sample in fam.samples:
            assert math.isfinite(sample.value) or sample.labels.get("le") == "+Inf", sample
    # Prometheus naming: counters end in _total, sizes in _bytes, times in _seconds.
    for fam in s.families.values():
        assert fam.name.startswith("fincache_"), fam.name
        if fam.type == "counter":
            assert all(x.name.endswith(("_total", "_created")) for x in fam.samples), fam.name
        assert "milli" not in fam.name and "usec" not in fam.name, fam.name
    build = s.samples("fincache_build_info")[0]
    assert build.value == 1 and build.labels["version"] and build.labels["redis_version"] == "7.0.15"


def test_commands_and_latency_histogram_follow_redis_py(srv, rc):
    before = scrape(srv)
    for i in range(25):
        rc.set(f"key:{i}", i)
    rc.get("key:1")
    with pytest.raises(redis.ResponseError):
        rc.execute_command("INCR", "a", "b")  # wrong arity: rejected, not run
    after = scrape(srv)
    assert after.value("fincache_commands_total", cmd="set") - \
        before.value("fincache_commands_total", default=0, cmd="set") == 25
    assert after.value("fincache_commands_rejected_total", cmd="incr") == 1
    processed = after.value("fincache_commands_processed_total") - \
        before.value("fincache_commands_processed_total")
    assert processed >= 26
    # The histogram of SET: cumulative buckets ending in +Inf == count == calls; sum > 0.
    buckets = after.samples("fincache_command_duration_seconds_bucket", cmd="set")
    bounds = [float(b.labels["le"]) for b in buckets]
    counts = [b.value for b in buckets]
    assert bounds == sorted(bounds) and bounds[-1] == math.inf and len(bounds) >= 10
    assert counts == sorted(counts)
    count = after.value("fincache_command_duration_seconds_count", cmd="set")
    assert counts[-1] == count == after.value("fincache_commands_total", cmd="set") == 25
    assert 0 < after.value("fincache_command_duration_seconds_sum", cmd="set") < 25
    # A scrape is not a command: scraping again leaves the command counters alone.
    again = scrape(srv)
    assert again.value("fincache_commands_processed_total") == \
        after.value("fincache_commands_processed_total")


def test_hits_misses_and_keys_per_db(srv, rc):
    rc.set("a", "1")
    base = scrape(srv)
    rc.get("a")
    rc.get("a")
    rc.get("missing")
    db3 = srv.client(db=3)
    db3.set("x", "1")
    db3.set("y", "2", ex=100)
    db3.close()
    s = scrape(srv)
    assert s.value("fincache_keyspace_hits_total") - base.value("fincache_keyspace_hits_total") == 2
    assert s.value("fincache_keyspace_misses_total") - \
        base.value("fincache_keyspace_misses_total") == 1
    assert s.value("fincache_db_keys", db="db0") == 1
    assert s.value("fincache_db_keys", db="db3") == 2
    assert s.value("fincache_db_keys_expiring", db="db3") == 1
    # Every database has its series, the empty ones too (a flush does not make them vanish).
    assert len(s.samples("fincache_db_keys")) == 16
    assert s.value("fincache_db_keys", db="db15") == 0
    rc.flushall()
    assert scrape(srv).value("fincache_db_keys", db="db3") == 0


def test_expired_keys_after_px_1(srv, rc):
    assert scrape(srv).value("fincache_expired_keys_total") == 0
    rc.set("short", "v", px=1)
    rc.set("long", "v", ex=100)
    # Active expiry deletes it on its own; nothing here reads the key.
    s = wait_for(lambda: (x := scrape(srv)).value("fincache_expired_keys_total") >= 1 and x,
                 what="fincache_expired_keys_total to count the PX 1 key")
    assert s.value("fincache_expired_keys_total") == 1
    assert s.value("fincache_db_keys", db="db0") == 1
    assert rc.info("stats")["expired_keys"] == 1


def test_evicted_keys_under_a_small_maxmemory(srv, rc):
    used = rc.info("memory")["used_memory"]
    limit = used + 200_000
    rc.config_set("maxmemory-policy", "allkeys-random")
    rc.config_set("maxmemory", limit)
    pipe = rc.pipeline(transaction=False)
    for i in range(1000):
        pipe.set(f"big:{i}", "x" * 1000)
    pipe.execute()
    # INFO first: a command may evict before it runs (and the background cycle may go on).
    info_evicted = rc.info("stats")["evicted_keys"]
    s = scrape(srv)
    evicted = s.value("fincache_evicted_keys_total")
    assert 0 < info_evicted <= evicted <= info_evicted + 5
    assert s.value("fincache_db_keys", db="db0") == 1000 - evicted
    assert s.value("fincache_memory_max_bytes") == limit
    # Eviction runs before each command, so the last write may end a little above the limit.
    assert s.value("fincache_memory_used_bytes") <= limit + 5_000


def test_memory_figures_are_infos(srv, rc):
    for i in range(200):
        rc.set(f"m:{i}", "v" * 500)
    scrape(srv)  # samples the peak, as the background cycle and INFO do
    rc.delete(*[f"m:{i}" for i in range(200)])  # used drops below the peak
    info = rc.info("memory")
    s = scrape(srv)
    assert s.value("fincache_memory_used_bytes") == info["used_memory"]
    assert s.value("fincache_memory_peak_bytes") == info["used_memory_peak"]
    assert s.value("fincache_memory_peak_bytes") > s.value("fincache_memory_used_bytes")
    rss = s.value("fincache_memory_rss_bytes")
    assert rss > 1_000_000
    assert 0.5 < rss / info["used_memory_rss"] < 2
    assert s.value("fincache_memory_max_bytes") == info["maxmemory"] == 0


def test_clients_blocked_and_rejected_connections(start_server):
    srv = start_http_server(start_server, "--maxclients", "3")
    clients = [srv.client() for _ in range(2)]
    for c in clients:
        c.ping()
    wait_for(lambda: scrape(srv).value("fincache_connected_clients") == 2,
             what="2 connected clients")
    # A third client blocks in BLPOP.
    blocker = srv.client()
    result = {}
    t = threading.Thread(target=lambda: result.update(r=blocker.blpop("q", timeout=10)))
    t.start()
    try:
        s = wait_for(lambda: (x := scrape(srv)).value("fincache_blocked_clients") == 1 and x,
                     what="a blocked client")
        assert s.value("fincache_connected_clients") == 3
        # maxclients 3 reached: a fourth connection is refused and counted.
        with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
            sock.sendall(b"PING\r\n")
            assert sock.recv(200).startswith(b"-ERR max number of clients reached")
        s = scrape(srv)
        assert s.value("fincache_rejected_connections_total") == 1
        # As Redis: a refused connection is not counted as received.
        assert s.value("fincache_connections_received_total") >= 3
        clients[0].lpush("q", "x")
    finally:
        t.join(timeout=15)
    assert result["r"] == (b"q", b"x")
    wait_for(lambda: scrape(srv).value("fincache_blocked_clients") == 0, what="no blocked client")
    for c in clients + [blocker]:
        c.close()
    wait_for(lambda: scrape(srv).value("fincache_connected_clients") == 0, what="no client left")


def test_network_bytes(srv, rc):
    before = scrape(srv)
    rc.set("blob", "z" * 20_000)
    assert len(rc.get("blob")) == 20_000
    after = scrape(srv)
    assert after.value("fincache_net_input_bytes_total") - \
        before.value("fincache_net_input_bytes_total") >= 20_000
    assert after.value("fincache_net_output_bytes_total") - \
        before.value("fincache_net_output_bytes_total") >= 20_000


def test_last_save_time_after_save(srv, rc):
    rc.set("a", "1")
    before = scrape(srv)
    assert before.value("fincache_rdb_changes_since_last_save") >= 1
    time.sleep(1.05)  # LASTSAVE has a one-second resolution: the new save must be later
    assert rc.save()
    s = scrape(srv)
    assert s.value("fincache_rdb_last_save_timestamp_seconds") == rc.lastsave().timestamp()
    assert s.value("fincache_rdb_last_save_timestamp_seconds") > \
        before.value("fincache_rdb_last_save_timestamp_seconds")
    assert s.value("fincache_rdb_saves_total") == before.value("fincache_rdb_saves_total") + 1
    assert s.value("fincache_rdb_changes_since_last_save") == 0


def _aof_matches_info(srv, rc):
    info = rc.info("persistence")
    s = scrape(srv)
    assert s.value("fincache_aof_enabled") == info["aof_enabled"]
    assert s.value("fincache_aof_rewrite_in_progress") == info["aof_rewrite_in_progress"]
    assert s.value("fincache_aof_rewrite_scheduled") == info["aof_rewrite_scheduled"]
    assert s.value("fincache_aof_rewrites_total") == info["aof_rewrites"]
    assert s.value("fincache_aof_last_rewrite_duration_seconds") == \
        info["aof_last_rewrite_time_sec"]
    assert s.value("fincache_aof_last_bgrewrite_success") == \
        (info["aof_last_bgrewrite_status"] == "ok")
    assert s.value("fincache_aof_last_write_success") == (info["aof_last_write_status"] == "ok")
    assert s.value("fincache_aof_current_size_bytes") == info.get("aof_current_size", 0)
    return s


def test_aof_status_after_config_set_appendonly(srv, rc):
    s = _aof_matches_info(srv, rc)
    assert s.value("fincache_aof_enabled") == 0
    assert s.value("fincache_aof_current_size_bytes") == 0
    rc.set("before", "1")
    assert rc.config_set("appendonly", "yes")
    # Turning it on rewrites the file from the data (a BGREWRITEAOF child): wait for the end.
    wait_for(lambda: (i := rc.info("persistence"))["aof_enabled"] == 1
             and not i["aof_rewrite_in_progress"] and i["aof_rewrites"] >= 1,
             what="the AOF rewrite of CONFIG SET appendonly yes")
    rc.set("after", "2")
    s = _aof_matches_info(srv, rc)
    assert s.value("fincache_aof_enabled") == 1
    assert s.value("fincache_aof_rewrites_total") >= 1
    assert s.value("fincache_aof_last_write_success") == 1
    assert s.value("fincache_aof_last_bgrewrite_success") == 1
    assert s.value("fincache_aof_current_size_bytes") > 0
    assert rc.config_set("appendonly", "no")
    wait_for(lambda: scrape(srv).value("fincache_aof_enabled") == 0, what="AOF off")


def test_uptime_moves(srv):
    first = scrape(srv)
    up = first.value("fincache_uptime_seconds")
    assert 0 <= up < 60
    assert abs(first.value("fincache_start_time_seconds") + up - time.time()) < 5
    second = wait_for(lambda: (x := scrape(srv)).value("fincache_uptime_seconds") > up and x,
                      timeout=5, interval=0.1, what="uptime to move")
    assert second.value("fincache_start_time_seconds") == first.value("fincache_start_time_seconds")


def test_promtool_check_metrics(srv, rc):
    promtool = shutil.which("promtool")
    assert promtool, "promtool missing: scripts/setup.sh installs Debian's prometheus package"
    rc.set("k", "v")
    rc.get("nope")
    rc.blpop("q", timeout=0.01)
    with pytest.raises(redis.ResponseError):
        rc.lpush("k", "x")
    rc.config_set("appendonly", "yes")
    text = http_get(srv.base_url + "/metrics").text
    proc = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 0 and not proc.stdout.strip() and not proc.stderr.strip(), \
        proc.stdout + proc.stderr


def test_metrics_need_the_password_when_requirepass_is_set(start_server):
    srv = start_http_server(start_server, "--requirepass", PASSWORD)
    res = http_get(srv.base_url + "/metrics")
    assert res.status == 401
    assert res.headers["www-authenticate"].startswith("Bearer")
    assert res.headers["content-type"].startswith("application/json")
    assert "error" in json.loads(res.body)
    assert http_get(srv.base_url + "/metrics", token="wrong").status == 401
    ok = http_get(srv.base_url + "/metrics", token=PASSWORD)
    assert ok.status == 200 and "fincache_uptime_seconds" in ok.text
    scrape(srv, token=PASSWORD).value("fincache_uptime_seconds")
    # The dashboard's files stay open (the page asks for the password itself).
    for path in ("/", "/dashboard.js", "/dashboard.css"):
        assert http_get(srv.base_url + path).status == 200, path


def test_dashboard_files_are_served(srv):
    index = http_get(srv.base_url + "/")
    assert index.status == 200
    assert index.headers["content-type"] == "text/html; charset=utf-8"
    assert "<title>FinCache dashboard</title>" in index.text
    assert index.body == http_get(srv.base_url + "/index.html").body
    assert "default-src 'self'" in index.headers["content-security-policy"]
    assert index.headers["x-content-type-options"] == "nosniff"
    js = http_get(srv.base_url + "/dashboard.js")
    assert js.status == 200 and js.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "/metrics" in js.text
    css = http_get(srv.base_url + "/dashboard.css")
    assert css.status == 200 and css.headers["content-type"] == "text/css; charset=utf-8"
    missing = http_get(srv.base_url + "/nope.js")
    assert missing.status == 404
    assert "error" in json.loads(missing.body)


def test_docs_list_every_exported_family(srv, rc):
    """docs/monitoring.md's tables name exactly the families a scrape has."""
    from pathlib import Path

    rc.set("k", "v")
    with pytest.raises(redis.ResponseError):
        rc.lpush("k", "x")
    text = http_get(srv.base_url + "/metrics").text
    exported = set(re.findall(r"^# TYPE (\S+) ", text, re.M))
    doc = (Path(__file__).resolve().parent.parent / "docs" / "monitoring.md").read_text()
    documented = set(re.findall(r"^\| `(fincache_[a-z0-9_]+)` \|", doc, re.M))
    assert exported == documented, (sorted(exported - documented), sorted(documented - exported))
