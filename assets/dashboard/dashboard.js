// FinCache dashboard: polls GET /metrics every second for the live numbers and charts, and uses
// POST /api/v1/command for the keyspace browser and the slow log. No external code: the charts
// are drawn by hand on canvases. When the server has requirepass set, the password is asked for
// once and sent as "Authorization: Bearer <password>" (kept in sessionStorage, this tab only).
"use strict";

const REFRESH_MS = 1000;
const HISTORY = 120;  // points per chart (two minutes)
const TOKEN_KEY = "fincache.token";

const $ = (id) => document.getElementById(id);

// ---- HTTP ----------------------------------------------------------------------------------

class AuthRequired extends Error {}

function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: "Bearer " + token } : {};
}

async function httpGet(path) {
  const res = await fetch(path, { headers: authHeaders(), cache: "no-store" });
  if (res.status === 401) throw new AuthRequired();
  if (!res.ok) throw new Error(path + ": HTTP " + res.status);
  return res.text();
}

// Runs one command through POST /api/v1/command. Resolves to {ok: true, value} or
// {ok: false, error} for an error reply; rejects on transport errors.
async function command(...argv) {
  return commandIn(null, ...argv);
}

// The same in database `db` (null: the default, 0). An argument is a string, or a
// {"base64": "..."} object as replies give binary strings (a key name sent back as it came).
async function commandIn(db, ...argv) {
  const res = await fetch("/api/v1/command" + (db === null ? "" : "?db=" + db), {
    method: "POST",
    headers: Object.assign({ "Content-Type": "application/json" }, authHeaders()),
    body: JSON.stringify(argv.map((a) => (isBinary(a) ? a : String(a)))),
    cache: "no-store",
  });
  if (res.status === 401) throw new AuthRequired();
  let body;
  try {
    body = await res.json();
  } catch (e) {
    return { ok: false, error: "HTTP " + res.status + " (not JSON)" };
  }
  if (!res.ok || (body && typeof body === "object" && "error" in body)) {
    return { ok: false, error: (body && body.error) || "HTTP " + res.status };
  }
  return { ok: true, value: body && typeof body === "object" && "result" in body ? body.result : body };
}

// ---- Prometheus text format -------------------------------------------------------------

// Parses the exposition into {name: [{labels, value}]}.
function parseMetrics(text) {
  const out = {};
  for (const line of text.split("\n")) {
    if (!line || line[0] === "#") continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      let lm;
      while ((lm = re.exec(m[3])) !== null) labels[lm[1]] = lm[2].replace(/\\(.)/g, "$1");
    }
    (out[m[1]] = out[m[1]] || []).push({ labels, value: parseFloat(m[4]) });
  }
  return out;
}

function metric(ms, name) {
  const s = ms[name];
  return s && s.length ? s[0].value : NaN;
}
function metricSum(ms, name) {
  return (ms[name] || []).reduce((a, s) => a + s.value, 0);
}

// ---- formatting ---------------------------------------------------------------------------

function fmtBytes(n) {
  if (!isFinite(n)) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : String(Math.round(n))) + " " + units[i];
}
function fmtNum(n) {
  if (!isFinite(n)) return "–";
  if (Math.abs(n) >= 1e6) return (n / 1e6).toFixed(2) + "M";
  if (Math.abs(n) >= 1e4) return (n / 1e3).toFixed(1) + "k";
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
function fmtPct(r) { return isFinite(r) ? (r * 100).toFixed(1) + "%" : "–"; }
function fmtDuration(s) {
  if (!isFinite(s)) return "–";
  s = Math.floor(s);
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  return d ? d + "d " + h + "h" : h ? h + "h " + m + "m" : m ? m + "m " + (s % 60) + "s" : s + "s";
}
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

// ---- charts -------------------------------------------------------------------------------

const COLORS = ["#4fb3ff", "#f5a623"];

// The smallest 1, 2, 4 or 5 times a power of ten (or of 1024 for bytes) at or above v, so the
// four grid lines get round labels.
function niceCeil(v, base) {
  if (!(v > 0)) return 1;
  const b = base || 10;
  const p = Math.pow(b, Math.floor(Math.log(v) / Math.log(b)));
  for (const m of b === 1024 ? [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] : [1, 2, 4, 5, 10])
    if (m * p >= v) return m * p;
  return b * p;
}

class LineChart {
  constructor(canvas, format, fixedMax, base) {
    this.canvas = canvas;
    this.base = base;
    this.format = format;
    this.fixedMax = fixedMax;
    this.series = [[], []];
  }
  push(...values) {
    values.forEach((v, i) => {
      const s = this.series[i];
      s.push(isFinite(v) ? v : null);
      if (s.length > HISTORY) s.shift();
    });
    this.draw();
  }
  draw() {
    const c = this.canvas, dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth || 300, h = c.clientHeight || 140;
    if (c.width !== Math.round(w * dpr)) c.width = Math.round(w * dpr);
    if (c.height !== Math.round(h * dpr)) c.height = Math.round(h * dpr);
    const g = c.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const left = 64, right = 8, top = 8, bottom = 18;
    const pw = w - left - right, ph = h - top - bottom;
    let max = this.fixedMax || 0;
    if (!this.fixedMax) for (const s of this.series) for (const v of s) if (v !== null && v > max) max = v;
    max = this.fixedMax || niceCeil(max, this.base);
    g.font = "11px system-ui, sans-serif";
    g.fillStyle = "#8a97a3";
    g.strokeStyle = "#2a3540";
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = top + ph - (ph * i) / 4;
      g.beginPath(); g.moveTo(left, y + 0.5); g.lineTo(left + pw, y + 0.5); g.stroke();
      g.textAlign = "right"; g.textBaseline = "middle";
      g.fillText(this.format((max * i) / 4), left - 6, y);
    }
    g.textAlign = "left"; g.textBaseline = "top";
    g.fillText("-" + HISTORY + "s", left, top + ph + 4);
    g.textAlign = "right";
    g.fillText("now", left + pw, top + ph + 4);
    this.series.forEach((s, si) => {
      if (!s.length) return;
      g.strokeStyle = COLORS[si];
      g.lineWidth = 1.5;
      g.beginPath();
      let pen = false;
      s.forEach((v, i) => {
        if (v === null) { pen = false; return; }
        const x = left + pw - ((s.length - 1 - i) * pw) / (HISTORY - 1);
        const y = top + ph - (v / max) * ph;
        if (pen) g.lineTo(x, y); else g.moveTo(x, y);
        pen = true;
      });
      g.stroke();
    });
  }
}

const charts = {
  ops: new LineChart($("c-ops"), fmtNum),
  mem: new LineChart($("c-mem"), fmtBytes, 0, 1024),
  clients: new LineChart($("c-clients"), fmtNum),
  hits: new LineChart($("c-hits"), fmtPct, 1),
};

// ---- live numbers -------------------------------------------------------------------------

let previous = null;  // {t, commands, hits, misses}

async function refreshMetrics() {
  const ms = parseMetrics(await httpGet("/metrics"));
  const now = performance.now();
  const commands = metric(ms, "fincache_commands_processed_total");
  const hits = metric(ms, "fincache_keyspace_hits_total");
  const misses = metric(ms, "fincache_keyspace_misses_total");
  let ops = NaN, ratio = NaN;
  if (previous) {
    const dt = (now - previous.t) / 1000;
    // A counter that went down was reset (CONFIG RESETSTAT): count from zero.
    const d = (a, b) => (a >= b ? a - b : a);
    ops = d(commands, previous.commands) / dt;
    const dh = d(hits, previous.hits), dm = d(misses, previous.misses);
    ratio = dh + dm > 0 ? dh / (dh + dm) : (hits + misses > 0 ? hits / (hits + misses) : NaN);
  }
  previous = { t: now, commands, hits, misses };
  const used = metric(ms, "fincache_memory_used_bytes");
  const rss = metric(ms, "fincache_memory_rss_bytes");
  const clients = metric(ms, "fincache_connected_clients");
  const blocked = metric(ms, "fincache_blocked_clients");
  const total = hits + misses;
  $("v-ops").textContent = fmtNum(ops);
  $("v-mem").textContent = fmtBytes(used);
  $("v-clients").textContent = fmtNum(clients);
  $("v-hits").textContent = total > 0 ? fmtPct(hits / total) : "–";
  $("v-keys").textContent = fmtNum(metricSum(ms, "fincache_db_keys"));
  $("v-cmds").textContent = fmtNum(commands);
  $("v-uptime").textContent = fmtDuration(metric(ms, "fincache_uptime_seconds"));
  const build = (ms.fincache_build_info || [])[0];
  if (build) $("server-info").textContent =
      "v" + build.labels.version + " · redis " + build.labels.redis_version;
  updateDbOptions(ms);
  charts.ops.push(ops);
  charts.mem.push(used, rss);
  charts.clients.push(clients, blocked);
  charts.hits.push(ratio);
}

// ---- slow log -----------------------------------------------------------------------------

// Whether the server has SLOWLOG (COMMAND INFO answers null for an unknown command), asked once
// so a server without it gets no failing request every second.
let slowlogKnown = null;

async function refreshSlowlog() {
  const box = $("slowlog-body");
  if (slowlogKnown === null) {
    const info = await command("COMMAND", "INFO", "SLOWLOG");
    slowlogKnown = info.ok && Array.isArray(info.value) && info.value[0] !== null;
  }
  if (!slowlogKnown) {
    box.replaceChildren(el("p", { class: "muted", id: "slowlog-unavailable" },
                           "SLOWLOG not available: this server does not have the SLOWLOG command."));
    return;
  }
  const r = await command("SLOWLOG", "GET", "32");
  if (!r.ok) {
    box.replaceChildren(el("p", { class: "muted", id: "slowlog-unavailable" },
                           "SLOWLOG not available: " + r.error));
    return;
  }
  const rows = Array.isArray(r.value) ? r.value : [];
  if (!rows.length) {
    box.replaceChildren(el("p", { class: "muted" }, "No slow commands logged."));
    return;
  }
  const table = el("table", {},
      el("tr", {}, el("th", {}, "id"), el("th", {}, "time"), el("th", {}, "µs"),
         el("th", {}, "command"), el("th", {}, "client")));
  for (const e of rows) {
    if (!Array.isArray(e)) continue;
    const [id, ts, usec, args, addr, name] = e;
    const argv = Array.isArray(args) ? args.map(displayString).join(" ") : "";
    table.append(el("tr", {}, el("td", { class: "num" }, id),
        el("td", {}, new Date(Number(ts) * 1000).toLocaleTimeString()),
        el("td", { class: "num" }, usec), el("td", {}, el("code", {}, argv)),
        el("td", {}, [addr, name].filter(Boolean).map(displayString).join(" "))));
  }
  box.replaceChildren(table);
}

// ---- keyspace browser ---------------------------------------------------------------------

let scanCursor = "0";
let selectedKey = null;

function selectedDb() { return Number($("db").value || 0); }

// One option per database, labelled with its key count (kept in place so a choice survives).
function updateDbOptions(ms) {
  const select = $("db");
  for (const s of ms.fincache_db_keys || []) {
    const db = (s.labels.db || "").replace(/^db/, "");
    let opt = select.querySelector('option[value="' + db + '"]');
    if (!opt) {
      opt = el("option", { value: db });
      select.append(opt);
    }
    opt.textContent = "db" + db + " (" + s.value + " keys)";
  }
}

// A binary-safe string of a reply: not valid UTF-8, so the server sent {"base64": "..."}.
function isBinary(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v) && typeof v.base64 === "string";
}

// A reply element as text. Binary strings are shown as redis-cli shows them: printable ASCII as
// it is, every other byte as \xNN.
function displayString(v) {
  if (v === null || v === undefined) return "(nil)";
  if (isBinary(v)) {
    let bytes;
    try { bytes = atob(v.base64); } catch (e) { return v.base64; }
    let out = "";
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes.charCodeAt(i);
      out += c >= 0x20 && c < 0x7f && c !== 0x5c ? bytes[i]
          : c === 0x5c ? "\\\\" : "\\x" + c.toString(16).padStart(2, "0");
    }
    return out;
  }
  if (typeof v === "object") return JSON.stringify(v);
  // Control characters (valid UTF-8, so sent as text) would not show: \xNN as well; newlines and
  // tabs stay.
  return String(v).replace(/[\x00-\x08\x0b-\x1f\x7f]/g,
                           (c) => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0"));
}

async function scan(reset) {
  if (reset) {
    scanCursor = "0";
    $("keys").replaceChildren();
  }
  const pattern = $("pattern").value || "*";
  const r = await commandIn(selectedDb(), "SCAN", scanCursor, "MATCH", pattern, "COUNT", "200");
  if (!r.ok) {
    $("scan-info").textContent = r.error;
    return;
  }
  const [cursor, keys] = r.value;
  scanCursor = displayString(cursor);
  for (const k of keys) {
    const li = el("li", {}, displayString(k));
    li.addEventListener("click", () => {
      for (const o of $("keys").children) o.classList.remove("selected");
      li.classList.add("selected");
      showKey(k).catch(showError);
    });
    $("keys").append(li);
  }
  $("scan-more").disabled = scanCursor === "0";
  $("scan-info").textContent = $("keys").children.length + " keys" +
      (scanCursor === "0" ? " (scan complete)" : ", more to scan");
}

// The command that shows a key of each type.
function viewCommand(type, key) {
  switch (type) {
    case "string": return ["GET", key];
    case "list": return ["LRANGE", key, "0", "199"];
    case "set": return ["SRANDMEMBER", key, "200"];
    case "zset": return ["ZRANGE", key, "0", "199", "WITHSCORES"];
    case "hash": return ["HGETALL", key];
    case "stream": return ["XRANGE", key, "-", "+", "COUNT", "50"];
    case "ReJSON-RL": return ["JSON.GET", key];
    case "TSDB-TYPE": return ["TS.RANGE", key, "-", "+", "COUNT", "200"];
    default: return null;
  }
}

// `key` as SCAN gave it: a string, or {"base64": ...} for a binary name (sent back as it is).
async function showKey(key) {
  const id = JSON.stringify(key);
  selectedKey = id;
  const view = $("value-view");
  const db = selectedDb();
  const [type, ttl] = await Promise.all([commandIn(db, "TYPE", key), commandIn(db, "PTTL", key)]);
  if (selectedKey !== id) return;
  if (!type.ok) { view.replaceChildren(el("p", { class: "error" }, type.error)); return; }
  const t = displayString(type.value);
  const head = el("p", {}, el("strong", {}, displayString(key)), " ",
      el("span", { class: "muted" }, t + (ttl.ok && ttl.value >= 0 ? " · ttl " + ttl.value + " ms" : "")));
  if (t === "none") {
    view.replaceChildren(head, el("p", { class: "muted" }, "(key does not exist any more)"));
    return;
  }
  const cmd = viewCommand(t, key);
  if (!cmd) { view.replaceChildren(head, el("p", { class: "muted" }, "no viewer for this type")); return; }
  const r = await commandIn(db, ...cmd);
  if (selectedKey !== id) return;
  const body = r.ok ? el("pre", { id: "value-text" }, renderValue(t, r.value))
                    : el("p", { class: "error" }, r.error);
  view.replaceChildren(head, el("p", { class: "muted small" }, cmd.map(displayString).join(" ")), body);
}

function renderValue(type, v) {
  if (type === "string") return displayString(v);
  if (type === "hash" && Array.isArray(v)) {
    const lines = [];
    for (let i = 0; i + 1 < v.length; i += 2) lines.push(displayString(v[i]) + " = " + displayString(v[i + 1]));
    return lines.join("\n");
  }
  if (type === "zset" && Array.isArray(v)) {
    const lines = [];
    for (let i = 0; i < v.length; i++) {
      if (Array.isArray(v[i])) lines.push(displayString(v[i][1]) + "  " + displayString(v[i][0]));
      else if (i + 1 < v.length) { lines.push(displayString(v[i + 1]) + "  " + displayString(v[i])); i++; }
    }
    return lines.join("\n");
  }
  if (Array.isArray(v)) return v.map((x) => Array.isArray(x) ? JSON.stringify(x) : displayString(x)).join("\n");
  if (v !== null && typeof v === "object") {
    if ("base64" in v) return displayString(v);
    return Object.entries(v).map(([k, x]) => k + " = " + displayString(x)).join("\n");
  }
  return displayString(v);
}

// ---- main loop and login ------------------------------------------------------------------

let stopped = false;

function setStatus(state, text) {
  const s = $("status");
  s.dataset.state = state;
  s.textContent = text;
}

function showError(e) {
  if (e instanceof AuthRequired) { askPassword(); return; }
  setStatus("error", e.message || String(e));
}

function askPassword(message) {
  stopped = true;
  $("login").classList.remove("hidden");
  $("main").classList.add("hidden");
  $("login-error").textContent = message || "";
  setStatus("error", "password required");
  $("password").focus();
}

async function tick() {
  if (stopped) return;
  try {
    await refreshMetrics();
    await refreshSlowlog();
    setStatus("live", "live · " + new Date().toLocaleTimeString());
  } catch (e) {
    showError(e);
  }
  if (!stopped) setTimeout(tick, REFRESH_MS);
}

function start() {
  stopped = false;
  $("login").classList.add("hidden");
  $("main").classList.remove("hidden");
  $("logout").classList.toggle("hidden", !sessionStorage.getItem(TOKEN_KEY));
  tick();
  scan(true).catch(showError);
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("password").value);
  try {
    await httpGet("/metrics");
  } catch (e) {
    sessionStorage.removeItem(TOKEN_KEY);
    askPassword(e instanceof AuthRequired ? "wrong password" : e.message);
    return;
  }
  $("password").value = "";
  previous = null;
  start();
});
$("logout").addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
});
$("scan-form").addEventListener("submit", (ev) => { ev.preventDefault(); scan(true).catch(showError); });
$("scan-more").addEventListener("click", () => scan(false).catch(showError));
$("db").addEventListener("change", () => scan(true).catch(showError));
window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.draw()));

start();
