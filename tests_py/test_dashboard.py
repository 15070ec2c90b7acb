"""The dashboard (GET /) in a real browser: Debian's headless Chromium driven by Selenium through
chromium-driver, against the built fincache-server. The page loads with no console error and
nothing from another origin, its live numbers follow commands sent through redis-py, the keyspace
browser finds keys by pattern and shows values of each type, the slow log shows a new entry, and
with requirepass the page asks for the password. Screenshots go to build/test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import FincacheProcess
from obsutil import http_get, scrape, start_http_server

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "build" / "test-artifacts"
DASHBOARD_DIR = REPO / "assets" / "dashboard"
PASSWORD = "dash-secret"
WAIT_S = 15


def _chromium_paths() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or "/usr/lib/chromium/chromedriver"
    if not browser or not os.access(driver, os.X_OK):
        pytest.fail("chromium/chromedriver missing: scripts/setup.sh installs Debian's chromium "
                    "and chromium-driver", pytrace=False)
    return browser, driver


@pytest.fixture(scope="module")
def browser():
    binary, driver_path = _chromium_paths()
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1300", "--no-first-run", "--disable-extensions"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path: Selenium Manager (which would download one) never runs.
    drv = webdriver.Chrome(service=Service(executable_path=driver_path), options=opts)
    drv.set_page_load_timeout(WAIT_S)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield drv
    drv.quit()


def _start(fincache_bin, *args):
    started = []

    def factory(*a, **kw):
        p = FincacheProcess(fincache_bin, a, **kw)
        started.append(p)
        return p

    try:
        return start_http_server(factory, *args), started
    except BaseException:
        for p in started:
            p.cleanup()
        raise


@pytest.fixture(scope="module")
def server(fincache_bin):
    srv, started = _start(fincache_bin)
    yield srv
    for p in started:
        p.cleanup()


@pytest.fixture
def rc(server):
    c = server.client(decode_responses=True)
    c.flushall()
    yield c
    c.close()


def wait(drv, pred, what: str, timeout: float = WAIT_S):
    try:
        return WebDriverWait(drv, timeout, poll_frequency=0.1).until(lambda d: pred(d))
    except TimeoutException:
        slug = re.sub(r"\W+", "-", what).strip("-")
        drv.save_screenshot(str(ARTIFACTS / f"dashboard-timeout-{slug}.png"))
        raise AssertionError(f"timed out waiting for {what}; status: "
                             f"{drv.find_element(By.ID, 'status').text!r}") from None


def text_of(drv, id_: str) -> str:
    return drv.find_element(By.ID, id_).text


def console_errors(drv) -> list:
    return [e for e in drv.get_log("browser") if e["level"] == "SEVERE"]


def open_dashboard(drv, srv):
    drv.get("about:blank")
    drv.get_log("browser")  # drop what an earlier page logged
    drv.get(srv.base_url + "/")


def wait_live(drv):
    wait(drv, lambda d: d.find_element(By.ID, "status").get_attribute("data-state") == "live",
         "the status to turn live")


def as_number(text: str) -> float:
    """A tile's number ("1.2k", "3", "12.5 KiB") back to a float (units ignored)."""
    m = re.match(r"([\d.]+)\s*([kM]?)", text)
    assert m, text
    return float(m.group(1)) * {"": 1, "k": 1e3, "M": 1e6}[m.group(2)]


def test_page_loads_and_live_numbers_follow_commands(browser, server, rc):
    open_dashboard(browser, server)
    wait_live(browser)
    wait(browser, lambda d: text_of(d, "v-keys") == "0", "keys to show 0")
    cmds0 = as_number(text_of(browser, "v-cmds"))
    mem0 = text_of(browser, "v-mem")
    assert re.fullmatch(r"[\d.]+ (B|KiB|MiB|GiB)", mem0), mem0
    assert text_of(browser, "server-info").startswith("v")
    pipe = rc.pipeline(transaction=False)
    for i in range(300):
        pipe.set(f"live:{i}", "v" * 200)
    pipe.execute()
    wait(browser, lambda d: text_of(d, "v-keys") == "300", "keys to show 300")
    wait(browser, lambda d: as_number(text_of(d, "v-cmds")) >= cmds0 + 300,
         "the command count to rise by 300")
    wait(browser, lambda d: text_of(d, "v-mem") != mem0, "memory used to change")
    # The burst shows in ops/sec for the second it happened in (the page's one-second delta).
    assert as_number(text_of(browser, "v-clients")) >= 1
    rc.get("live:1")
    rc.get("missing")
    wait(browser, lambda d: text_of(d, "v-hits").endswith("%"), "a hit ratio")
    # The database selector lists every database with its key count.
    wait(browser, lambda d: "db0 (300 keys)" in [o.text for o in
                                                 Select(d.find_element(By.ID, "db")).options],
         "db0's option to show 300 keys")
    assert len(Select(browser.find_element(By.ID, "db")).options) == 16
    # Charts were drawn (the canvas is not blank).
    drawn = browser.execute_script(
        "const c = document.getElementById('c-ops');"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n;")
    assert drawn > 100
    browser.save_screenshot(str(ARTIFACTS / "dashboard.png"))
    # Everything came from the server itself: no CDN, no other origin.
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map((e) => e.name)")
    assert resources and all(u.startswith(server.base_url + "/") for u in resources), resources
    assert console_errors(browser) == []


def test_keyspace_browser_finds_keys_and_shows_values(browser, server, rc):
    rc.set("obs:str", "hello world", ex=1000)
    rc.hset("obs:hash", mapping={"f1": "v1", "f2": "v2"})
    rc.rpush("obs:list", "a", "b", "c")
    rc.sadd("obs:set", "m1", "m2")
    rc.zadd("obs:zset", {"alice": 1.5, "bob": 2})
    rc.set("other:key", "not matched")
    rc.set(b"obs:bin", b"\xff\xfe")  # not UTF-8: the API sends it as base64
    rc.set(b"obs:\xff", b"\x00ab")  # a binary key name too
    db2 = server.client(db=2, decode_responses=True)
    db2.set("obs:in-db2", "second db")
    db2.close()
    open_dashboard(browser, server)
    wait_live(browser)
    pattern = browser.find_element(By.ID, "pattern")
    pattern.clear()
    pattern.send_keys("obs:*")
    browser.find_element(By.CSS_SELECTOR, "#scan-form button[type=submit]").click()
    expected = {"obs:str", "obs:hash", "obs:list", "obs:set", "obs:zset", "obs:bin",
                "obs:\\xff"}

    def listed(d):
        return {li.text for li in d.find_elements(By.CSS_SELECTOR, "#keys li")}

    wait(browser, lambda d: listed(d) == expected, "the obs:* keys to be listed")
    assert "scan complete" in text_of(browser, "scan-info")
    shows = {
        "obs:str": ["hello world"],
        "obs:hash": ["f1 = v1", "f2 = v2"],
        "obs:list": ["a\nb\nc"],
        "obs:set": ["m1", "m2"],
        "obs:zset": ["1.5  alice", "2  bob"],
        "obs:bin": ["\\xff\\xfe"],  # as redis-cli shows bytes that are not printable
        "obs:\\xff": ["\\x00ab"],
    }
    for key, parts in shows.items():
        item = next(li for li in browser.find_elements(By.CSS_SELECTOR, "#keys li")
                    if li.text == key)
        item.click()

        def shown(d, key=key, parts=parts):
            view = d.find_element(By.ID, "value-view")
            if not view.find_elements(By.TAG_NAME, "strong") or \
                    view.find_element(By.TAG_NAME, "strong").text != key:
                return False
            values = view.find_elements(By.ID, "value-text")
            return values and all(p in values[0].text for p in parts)

        wait(browser, shown, f"the value of {key}")
    # The string key has a TTL and its type in the header.
    browser.find_element(By.XPATH, "//ul[@id='keys']/li[text()='obs:str']").click()
    wait(browser, lambda d: "string · ttl" in text_of(d, "value-view"), "the TTL of obs:str")
    browser.save_screenshot(str(ARTIFACTS / "dashboard-keyspace.png"))
    # Another database: the selector rescans there.
    Select(browser.find_element(By.ID, "db")).select_by_value("2")
    wait(browser, lambda d: listed(d) == {"obs:in-db2"}, "db2's key to be listed")
    browser.find_element(By.XPATH, "//ul[@id='keys']/li[text()='obs:in-db2']").click()
    wait(browser, lambda d: "second db" in text_of(d, "value-view"), "db2's value")
    assert console_errors(browser) == []


def test_slowlog_panel_shows_a_new_entry(browser, server, rc):
    rc.slowlog_reset()
    open_dashboard(browser, server)
    wait_live(browser)
    wait(browser, lambda d: "No slow commands logged." in text_of(d, "slowlog-body")
         or d.find_elements(By.CSS_SELECTOR, "#slowlog-body table"), "the slow log panel")
    rc.config_set("slowlog-log-slower-than", 0)
    try:
        rc.set("slow:marker", "x")
        wait(browser, lambda d: "SET slow:marker x" in text_of(d, "slowlog-body"),
             "the SET to appear in the slow log panel")
        browser.save_screenshot(str(ARTIFACTS / "dashboard-slowlog.png"))
    finally:
        rc.config_set("slowlog-log-slower-than", 10000)
        rc.slowlog_reset()
    assert console_errors(browser) == []


def test_password_prompt_with_requirepass(browser, fincache_bin):
    srv, started = _start(fincache_bin, "--requirepass", PASSWORD)
    try:
        open_dashboard(browser, srv)
        wait(browser, lambda d: d.find_element(By.ID, "login").is_displayed(),
             "the password prompt")
        assert not browser.find_element(By.ID, "main").is_displayed()
        browser.save_screenshot(str(ARTIFACTS / "dashboard-login.png"))
        field = browser.find_element(By.ID, "password")
        field.send_keys("wrong")
        browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
        wait(browser, lambda d: text_of(d, "login-error") == "wrong password",
             "'wrong password'")
        field.clear()
        field.send_keys(PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
        wait_live(browser)
        assert browser.find_element(By.ID, "main").is_displayed()
        assert not browser.find_element(By.ID, "login").is_displayed()
        c = srv.client(password=PASSWORD)
        c.set("authed", "1")
        c.close()
        wait(browser, lambda d: text_of(d, "v-keys") == "1", "keys to show 1 after login")
        assert browser.find_element(By.ID, "logout").is_displayed()
        # Only the 401s of the first requests and of the wrong password were logged.
        errors = [e for e in console_errors(browser) if "401" not in e["message"]]
        assert errors == []
        browser.save_screenshot(str(ARTIFACTS / "dashboard-after-login.png"))
        # Forget password: back to the prompt.
        browser.find_element(By.ID, "logout").click()
        wait(browser, lambda d: d.find_element(By.ID, "login").is_displayed(),
             "the prompt after forgetting the password")
    finally:
        for p in started:
            p.cleanup()


def test_page_uses_only_exported_metrics_and_no_external_resources(server, rc):
    """Every metric name dashboard.js reads is in a live scrape; no file names another origin."""
    rc.set("k", "v")
    names = scrape(server).sample_names() | {n.removesuffix("_total") for n in
                                             scrape(server).families}
    js = (DASHBOARD_DIR / "dashboard.js").read_text()
    used = set(re.findall(r"\bfincache_[a-z0-9_]+", js))
    assert len(used) >= 8
    assert used <= names, sorted(used - names)
    for f in DASHBOARD_DIR.iterdir():
        text = f.read_text()
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I), f.name
        assert "@import" not in text and "url(" not in text, f.name
    # Each file in the folder is served as it is on disk (embedded at build time).
    for f in DASHBOARD_DIR.iterdir():
        res = http_get(server.base_url + "/" + f.name)
        assert res.status == 200 and res.body == f.read_bytes(), f.name
