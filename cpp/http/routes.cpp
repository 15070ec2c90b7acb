#include "http/routes.h"

#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "commands/dispatcher.h"
#include "commands/server_state.h"
#include "common/strings.h"
#include "http/command_session.h"
#include "http/json_reply.h"
#include "http/openapi.h"
#include "metrics/metrics_routes.h"

namespace fincache::http {

namespace {

using nlohmann::json;

// ============================================================================================
// Request helpers
// ============================================================================================

// ?db=N: 0 when absent; Redis's SELECT errors otherwise.
bool ParseDb(const Request& req, ServerState& state, int* db, Response* err) {
  *db = 0;
  auto it = req.query.find("db");
  if (it == req.query.end()) return true;
  int64_t v;
  if (!ParseInt64(it->second, &v)) {
    *err = Response::Error(400, "ERR value is not an integer or out of range");
    return false;
  }
  if (v < 0 || v >= state.config().databases.load()) {
    *err = Response::Error(400, "ERR DB index is out of range");
    return false;
  }
  *db = static_cast<int>(v);
  return true;
}

Response ReplyError(const CommandSession::Reply& r) { return Response::Error(400, r.error_text); }

// Commands that only mean something on a connection that stays: each HTTP request is a session
// of its own, so a MULTI or WATCH would be dropped with it.
bool RefusedOverHttp(std::string_view name, std::string* err) {
  std::string upper(name);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "MULTI" || upper == "WATCH") {
    *err = "ERR " + upper +
           " is not available over HTTP: each request runs in a session of its own (use EVAL "
           "for an atomic group of commands)";
    return true;
  }
  return false;
}

// The {"value": ..., "ttl": ...} body of PUT/POST on a key.
bool ParseSetBody(const Request& req, std::string* value, int64_t* ttl, Response* err) {
  json body;
  std::string why;
  if (!ParseJsonBody(req.body, &body, &why)) {
    *err = Response::Error(400, why);
    return false;
  }
  if (!body.is_object() || !body.contains("value")) {
    *err =
        Response::Error(400, "the body must be a JSON object {\"value\": ..., \"ttl\": seconds}");
    return false;
  }
  if (!JsonToBytes(body["value"], value, &why)) {
    *err = Response::Error(400, "value: " + why);
    return false;
  }
  *ttl = 0;
  if (body.contains("ttl") && !body["ttl"].is_null()) {
    const json& t = body["ttl"];
    if (!t.is_number_integer() ||
        (t.is_number_unsigned() && t.get<uint64_t>() > static_cast<uint64_t>(kMaxTtlSeconds)) ||
        t.get<int64_t>() <= 0 || t.get<int64_t>() > kMaxTtlSeconds) {
      *err = Response::Error(400, "ttl must be an integer from 1 to " +
                                      std::to_string(kMaxTtlSeconds) + " (seconds) or null");
      return false;
    }
    *ttl = t.get<int64_t>();
  }
  for (auto& [k, v] : body.items()) {
    if (k != "value" && k != "ttl") {
      *err = Response::Error(400, "unknown field '" + k + "' (expected value, ttl)");
      return false;
    }
  }
  return true;
}

// ============================================================================================
// Keys
// ============================================================================================

// The command that reads a whole value of each type, and how its reply is shaped.
json ReadValue(CommandSession& cs, const std::string& type, const std::string& key, bool* retry,
               Response* err) {
  *retry = false;
  CommandSession::Reply r;
  if (type == "string") {
    r = cs.Run({"GET", key});
  } else if (type == "list") {
    r = cs.Run({"LRANGE", key, "0", "-1"});
  } else if (type == "hash") {
    r = cs.Run({"HGETALL", key});
  } else if (type == "set") {
    r = cs.Run({"SMEMBERS", key});
  } else if (type == "zset") {
    r = cs.Run({"ZRANGE", key, "0", "-1", "WITHSCORES"});
  } else if (type == "stream") {
    r = cs.Run({"XRANGE", key, "-", "+"});
  } else {
    return nullptr;  // a type without a reader here: its type and ttl only
  }
  if (r.error) {
    // The key changed type between TYPE and the read: read again.
    if (r.error_text.starts_with("WRONGTYPE")) {
      *retry = true;
      return nullptr;
    }
    *err = ReplyError(r);
    return nullptr;
  }
  if (type == "string" && r.value.is_null()) {
    *retry = true;  // deleted meanwhile
    return nullptr;
  }
  if (type == "zset" && r.value.is_array()) {
    json members = json::array();
    for (auto& pair : r.value) {
      if (pair.is_array() && pair.size() == 2)
        members.push_back(json{{"member", std::move(pair[0])}, {"score", std::move(pair[1])}});
    }
    return members;
  }
  if (type == "stream" && r.value.is_array()) {
    json entries = json::array();
    for (auto& e : r.value) {
      if (!e.is_array() || e.size() != 2) continue;
      json fields = json::object();
      bool all_strings = true;
      for (size_t i = 0; i < e[1].size(); i += 2)
        if (!e[1][i].is_string()) all_strings = false;
      if (all_strings) {
        for (size_t i = 0; i + 1 < e[1].size(); i += 2)
          fields[e[1][i].get_ref<const std::string&>()] = std::move(e[1][i + 1]);
      } else {
        fields = std::move(e[1]);
      }
      entries.push_back(json{{"id", std::move(e[0])}, {"fields", std::move(fields)}});
    }
    return entries;
  }
  return std::move(r.value);
}

// GET /api/v1/keys/{key}
Response GetKey(ServerState& state, Dispatcher& dispatcher, const Request& req) {
  int db;
  Response err;
  if (!ParseDb(req, state, &db, &err)) return err;
  CommandSession cs(state, dispatcher, db, 3, req.remote);
  const std::string& key = req.param;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto t = cs.Run({"TYPE", key});
    if (t.error) return ReplyError(t);
    std::string type = t.value.is_string() ? t.value.get<std::string>() : "";
    if (type == "none") break;
    bool retry = false;
    err = Response();
    json value = ReadValue(cs, type, key, &retry, &err);
    if (err.status != 200) return err;
    if (retry) continue;
    auto ttl = cs.Run({"TTL", key});
    if (ttl.error) return ReplyError(ttl);
    if (!ttl.value.is_number_integer() || ttl.value.get<int64_t>() == -2) break;  // gone
    int64_t secs = ttl.value.get<int64_t>();
    return Response::Json(200, json{{"key", BytesToJson(key)},
                                    {"type", type},
                                    {"ttl", secs >= 0 ? json(secs) : json(nullptr)},
                                    {"value", std::move(value)}});
  }
  return Response::Error(404, "no such key");
}

// PUT (create_only=false) and POST (create_only=true) /api/v1/keys/{key}
Response SetKey(ServerState& state, Dispatcher& dispatcher, const Request& req, bool create_only) {
  int db;
  Response err;
  if (!ParseDb(req, state, &db, &err)) return err;
  std::string value;
  int64_t ttl;
  if (!ParseSetBody(req, &value, &ttl, &err)) return err;
  std::vector<std::string> argv{"SET", req.param, std::move(value)};
  if (create_only) argv.push_back("NX");
  if (ttl > 0) {
    argv.push_back("EX");
    argv.push_back(std::to_string(ttl));
  }
  CommandSession cs(state, dispatcher, db, 3, req.remote);
  auto r = cs.Run(argv);
  if (r.error) return ReplyError(r);
  if (r.value.is_null()) return Response::Error(409, "key exists");
  return Response::Json(create_only ? 201 : 200, json{{"result", std::move(r.value)}});
}

// DELETE /api/v1/keys/{key}
Response DeleteKey(ServerState& state, Dispatcher& dispatcher, const Request& req) {
  int db;
  Response err;
  if (!ParseDb(req, state, &db, &err)) return err;
  CommandSession cs(state, dispatcher, db, 3, req.remote);
  auto r = cs.Run({"DEL", req.param});
  if (r.error) return ReplyError(r);
  if (r.value == 0) return Response::Error(404, "no such key");
  return Response::Json(200, json{{"deleted", std::move(r.value)}});
}

// GET /api/v1/keys?pattern=*&cursor=0&count=100[&type=T]: one SCAN step.
Response ScanKeys(ServerState& state, Dispatcher& dispatcher, const Request& req) {
  int db;
  Response err;
  if (!ParseDb(req, state, &db, &err)) return err;
  auto get = [&](const char* name, const char* fallback) {
    auto it = req.query.find(name);
    return it == req.query.end() ? std::string(fallback) : it->second;
  };
  std::string cursor = get("cursor", "0");
  std::string count = get("count", "100");
  std::string pattern = get("pattern", "*");
  uint64_t c;
  if (cursor.empty() || !ParseUint64(cursor, &c))
    return Response::Error(400, "cursor must be an unsigned integer (0 to start)");
  int64_t n;
  if (!ParseInt64(count, &n) || n < 1 || n > 100000)
    return Response::Error(400, "count must be an integer in 1..100000");
  std::vector<std::string> argv{"SCAN", cursor, "MATCH", pattern, "COUNT", count};
  if (auto it = req.query.find("type"); it != req.query.end()) {
    argv.push_back("TYPE");
    argv.push_back(it->second);
  }
  CommandSession cs(state, dispatcher, db, 3, req.remote);
  auto r = cs.Run(argv);
  if (r.error) return ReplyError(r);
  if (!r.value.is_array() || r.value.size() != 2)
    return Response::Error(500, "unexpected SCAN reply");
  return Response::Json(200,
                        json{{"cursor", std::move(r.value[0])}, {"keys", std::move(r.value[1])}});
}

// ============================================================================================
// Server
// ============================================================================================

// An INFO value as JSON: integers and decimals as numbers, "k=v,k=v" lists (keyspace,
// commandstats, errorstats, latencystats) as objects, anything else as a string.
json InfoValue(std::string_view v) {
  int64_t i;
  if (ParseInt64(v, &i)) return i;
  if (!v.empty() && (std::isdigit(static_cast<unsigned char>(v[0])) || v[0] == '-')) {
    std::string s(v);
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (end == s.c_str() + s.size()) return DoubleToJson(d);
  }
  if (v.find('=') != std::string_view::npos) {
    json obj = json::object();
    bool ok = true;
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      std::string_view part =
          v.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      size_t eq = part.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        ok = false;
        break;
      }
      obj[std::string(part.substr(0, eq))] = InfoValue(part.substr(eq + 1));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (ok) return obj;
  }
  return BytesToJson(v);
}

json ParseInfo(std::string_view text) {
  json out = json::object();
  std::string section = "default";
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::string_view name = line.substr(1);
      while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
      section.assign(name);
      for (auto& ch : section) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (!out.contains(section)) out[section] = json::object();
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    out[section][std::string(line.substr(0, colon))] = InfoValue(line.substr(colon + 1));
  }
  return out;
}

// GET /api/v1/stats[?section=name]
Response Stats(ServerState& state, Dispatcher& dispatcher, const Request& req) {
  CommandSession cs(state, dispatcher, 0, 3, req.remote);
  std::vector<std::string> argv{"INFO"};
  if (auto it = req.query.find("section"); it != req.query.end()) argv.push_back(it->second);
  auto r = cs.Run(argv);
  if (r.error) return ReplyError(r);
  if (!r.value.is_string()) return Response::Error(500, "unexpected INFO reply");
  return Response::Json(200, ParseInfo(r.value.get_ref<const std::string&>()));
}

// POST /api/v1/flush[?db=N]
Response Flush(ServerState& state, Dispatcher& dispatcher, const Request& req) {
  int db;
  Response err;
  if (!ParseDb(req, state, &db, &err)) return err;
  CommandSession cs(state, dispatcher, db, 3, req.remote);
  auto r = req.query.count("db") ? cs.Run({"FLUSHDB"}) : cs.Run({"FLUSHALL"});
  if (r.error) return ReplyError(r);
  return Response::Json(200, json{{"result", std::move(r.value)}});
}

// POST /api/v1/command: a JSON array of strings, numbers and {"base64": ...}.
Response Command(ServerState& state, Dispatcher& dispatcher, const Request& req) {
  int db;
  Response err;
  if (!ParseDb(req, state, &db, &err)) return err;
  json body;
  std::string why;
  if (!ParseJsonBody(req.body, &body, &why)) return Response::Error(400, why);
  if (!body.is_array() || body.empty())
    return Response::Error(400,
                           "the body must be a non-empty JSON array: [\"COMMAND\", \"arg\", ...]");
  std::vector<std::string> argv;
  argv.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    std::string a;
    if (!JsonToBytes(body[i], &a, &why))
      return Response::Error(400, "argument " + std::to_string(i) + ": " + why);
    argv.push_back(std::move(a));
  }
  if (RefusedOverHttp(argv[0], &why)) return Response::Error(400, why);
  int resp = 3;
  if (auto it = req.query.find("resp"); it != req.query.end()) {
    if (it->second != "2" && it->second != "3") return Response::Error(400, "resp must be 2 or 3");
    resp = it->second == "2" ? 2 : 3;
  }
  CommandSession cs(state, dispatcher, db, resp, req.remote);
  auto r = cs.Run(argv);
  if (r.error) return ReplyError(r);
  return Response::Json(200, json{{"result", std::move(r.value)}});
}

}  // namespace

void RegisterBuiltinRoutes(Router& router, ServerState& state, Dispatcher& dispatcher) {
  ServerState* st = &state;
  Dispatcher* d = &dispatcher;
  router.Add("GET", "/health",
             [](const Request&) {
               return Response::Json(200, json{{"status", "ok"}});
             },
             {.open = true});
  router.Add("GET", "/ready",
             [st](const Request&) {
               return st->loading.load() ? Response::Json(503, json{{"status", "loading"}})
                                         : Response::Json(200, json{{"status", "ready"}});
             },
             {.open = true});
  router.Add("GET", "/api/v1/keys/{key}", [st, d](const Request& r) { return GetKey(*st, *d, r); });
  router.Add("PUT", "/api/v1/keys/{key}",
             [st, d](const Request& r) { return SetKey(*st, *d, r, /*create_only=*/false); });
  router.Add("POST", "/api/v1/keys/{key}",
             [st, d](const Request& r) { return SetKey(*st, *d, r, /*create_only=*/true); });
  router.Add("DELETE", "/api/v1/keys/{key}",
             [st, d](const Request& r) { return DeleteKey(*st, *d, r); });
  router.Add("GET", "/api/v1/keys", [st, d](const Request& r) { return ScanKeys(*st, *d, r); });
  router.Add("GET", "/api/v1/stats", [st, d](const Request& r) { return Stats(*st, *d, r); });
  router.Add("POST", "/api/v1/flush", [st, d](const Request& r) { return Flush(*st, *d, r); });
  router.Add("POST", "/api/v1/command", [st, d](const Request& r) { return Command(*st, *d, r); });
  // GET /ws with an Upgrade is taken over by the connection (http_server.cpp) before routing;
  // a plain GET gets 426.
  router.Add("GET", "/ws", [](const Request&) {
    Response r = Response::Error(426, "GET /ws is a WebSocket endpoint: send an Upgrade request");
    r.headers.emplace_back("Upgrade", "websocket");
    return r;
  });
  // Built at the first request, when every layer has added its routes.
  Router* rt = &router;
  auto doc = std::make_shared<std::pair<std::once_flag, std::string>>();
  router.Add("GET", "/openapi.json", [rt, doc, st](const Request&) {
    std::call_once(doc->first, [&] {
      doc->second =
          OpenApiDocument(FINCACHE_VERSION, static_cast<int>(st->config().databases.load()), *rt)
              .dump();
    });
    Response r;
    r.body = doc->second;
    return r;
  });
  metrics::RegisterMetricsRoutes(router, state);  // GET /metrics, the dashboard at /
}

}  // namespace fincache::http
