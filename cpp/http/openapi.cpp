// GET /openapi.json: the OpenAPI 3.0 description of the HTTP front door, routes added by other
// layers included (/metrics, the dashboard, /ws). Kept next to routes.cpp; tests_py/test_http.py
// validates it and calls every operation it lists.
#include "http/openapi.h"

#include <algorithm>
#include <cctype>

#include "http/router.h"
#include "http/routes.h"

namespace fincache::http {

namespace {

using nlohmann::json;

json Ref(const std::string& name) { return json{{"$ref", "#/components/schemas/" + name}}; }

json JsonContent(json schema) {
  return json{{"application/json", json{{"schema", std::move(schema)}}}};
}

json Reply(const std::string& description, json schema) {
  return json{{"description", description}, {"content", JsonContent(std::move(schema))}};
}

json ErrorReply(const std::string& description) { return Reply(description, Ref("Error")); }

// The `databases` setting is fixed at start, so the document states the valid range.
json DbParam(int databases) {
  return json{{"name", "db"},
              {"in", "query"},
              {"required", false},
              {"description", "Database index (default 0)."},
              {"schema", json{{"type", "integer"}, {"minimum", 0}, {"maximum", databases - 1}}}};
}

json KeyParam() {
  return json{{"name", "key"},
              {"in", "path"},
              {"required", true},
              {"description", "The key, percent-encoded (any byte as %XX; '/' allowed)."},
              {"schema", json{{"type", "string"}}}};
}

// The replies every authenticated route may give besides its own.
void AddCommonErrors(json& responses) {
  responses["401"] = ErrorReply("Authorization: Bearer <requirepass> missing or wrong.");
  responses["503"] = ErrorReply("The data is loading (LOADING).");
}

}  // namespace

nlohmann::json OpenApiDocument(std::string_view version, int databases) {
  json schemas = {
      {"Error",
       {{"type", "object"},
        {"required", {"error"}},
        {"properties", {{"error", {{"type", "string"}}}}}}},
      {"Binary",
       {{"type", "object"},
        {"description", "Bytes that are not valid UTF-8, in standard base64."},
        {"required", {"base64"}},
        {"additionalProperties", false},
        {"properties", {{"base64", {{"type", "string"}, {"format", "byte"}}}}}}},
      {"Bytes",
       {{"description", "A Redis string: a JSON string when valid UTF-8, else {\"base64\": ...}."},
        {"oneOf", {{{"type", "string"}}, Ref("Binary")}}}},
      {"Argument",
       {{"description",
         "A command argument or a value: a string, a number (sent as its text), "
         "or {\"base64\": ...} for any bytes."},
        {"oneOf", {{{"type", "string"}}, {{"type", "number"}}, Ref("Binary")}}}},
      {"Reply",
       {{"description",
         "A command's reply (RESP3) as JSON: strings as Bytes, integers and doubles as numbers "
         "(inf/nan as strings), null, booleans, arrays, maps as objects (or [key, value] pairs "
         "when a key is not a string), errors inside arrays as {\"error\": ...}."},
        {"nullable", true}}},
      {"SetBody",
       {{"type", "object"},
        {"required", {"value"}},
        {"additionalProperties", false},
        {"properties",
         {{"value", Ref("Argument")},
          {"ttl",
           {{"type", "integer"},
            {"minimum", 1},
            {"maximum", kMaxTtlSeconds},
            {"nullable", true},
            {"description", "Expiry in seconds (SET ... EX); absent or null: none."}}}}}}},
      {"KeyValue",
       {{"type", "object"},
        {"required", {"key", "type", "ttl", "value"}},
        {"properties",
         {{"key", Ref("Bytes")},
          {"type",
           {{"type", "string"}, {"description", "TYPE: string, list, hash, set, zset, stream..."}}},
          {"ttl",
           {{"type", "integer"},
            {"nullable", true},
            {"description", "Seconds to live (TTL); null without expiry."}}},
          {"value",
           {{"description",
             "string: Bytes; list, set: array of Bytes; hash: object (or [field, value] pairs); "
             "zset: [{member, score}] by rank; stream: [{id, fields}]; other types: null."},
            {"nullable", true}}}}}}},
      {"Result",
       {{"type", "object"}, {"required", {"result"}}, {"properties", {{"result", Ref("Reply")}}}}},
      {"Status",
       {{"type", "object"},
        {"required", {"status"}},
        {"properties", {{"status", {{"type", "string"}}}}}}},
  };

  json paths = json::object();

  paths["/health"]["get"] = {
      {"summary", "Liveness"},
      {"operationId", "health"},
      {"security", json::array()},
      {"responses", {{"200", Reply("The process serves HTTP.", Ref("Status"))}}}};
  paths["/ready"]["get"] = {
      {"summary", "Readiness: 200 once the data is loaded"},
      {"operationId", "ready"},
      {"security", json::array()},
      {"responses",
       {{"200", Reply("Ready: {\"status\": \"ready\"}.", Ref("Status"))},
        {"503", Reply("Loading: {\"status\": \"loading\"}.", Ref("Status"))}}}};

  {
    json get = {{"summary", "Read a key of any type"},
                {"operationId", "getKey"},
                {"parameters", {DbParam(databases)}},
                {"responses",
                 {{"200", Reply("The key.", Ref("KeyValue"))},
                  {"400", ErrorReply("Bad db.")},
                  {"404", ErrorReply("No such key.")}}}};
    AddCommonErrors(get["responses"]);
    json put = {{"summary", "SET a string value (replaces any type), with an optional TTL"},
                {"operationId", "putKey"},
                {"parameters", {DbParam(databases)}},
                {"requestBody", {{"required", true}, {"content", JsonContent(Ref("SetBody"))}}},
                {"responses",
                 {{"200", Reply("Set.", Ref("Result"))},
                  {"400", ErrorReply("Bad body, value or ttl; an error reply (OOM...).")},
                  {"413", ErrorReply("Body over http-max-body-size.")}}}};
    AddCommonErrors(put["responses"]);
    json post = put;
    post["summary"] = "Create a string key (SET NX): 409 when it exists";
    post["operationId"] = "createKey";
    post["responses"].erase("200");
    post["responses"]["201"] = Reply("Created.", Ref("Result"));
    post["responses"]["409"] = ErrorReply("The key exists.");
    json del = {
        {"summary", "DEL a key"},
        {"operationId", "deleteKey"},
        {"parameters", {DbParam(databases)}},
        {"responses",
         {{"200", Reply("Deleted.", {{"type", "object"},
                                     {"properties", {{"deleted", {{"type", "integer"}}}}}})},
          {"400", ErrorReply("Bad db.")},
          {"404", ErrorReply("No such key.")}}}};
    AddCommonErrors(del["responses"]);
    json& item = paths["/api/v1/keys/{key}"];
    item["parameters"] = {KeyParam()};
    item["get"] = get;
    item["put"] = put;
    item["post"] = post;
    item["delete"] = del;
  }

  {
    json scan = {
        {"summary", "List keys: one SCAN step (call again with the cursor until it is \"0\")"},
        {"operationId", "scanKeys"},
        {"parameters",
         {DbParam(databases),
          {{"name", "pattern"},
           {"in", "query"},
           {"schema", {{"type", "string"}, {"default", "*"}}},
           {"description", "SCAN MATCH glob."}},
          {{"name", "cursor"},
           {"in", "query"},
           {"schema", {{"type", "string"}, {"pattern", "^[0-9]{1,19}$"}, {"default", "0"}}},
           {"description", "The cursor from the previous step; 0 to start."}},
          {{"name", "count"},
           {"in", "query"},
           {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100000}, {"default", 100}}},
           {"description", "SCAN COUNT hint."}},
          {{"name", "type"},
           {"in", "query"},
           {"schema", {{"type", "string"}}},
           {"description", "SCAN TYPE filter."}}}},
        {"responses",
         {{"200", Reply("Keys of this step and the next cursor.",
                        {{"type", "object"},
                         {"required", {"cursor", "keys"}},
                         {"properties",
                          {{"cursor", {{"type", "string"}}},
                           {"keys", {{"type", "array"}, {"items", Ref("Bytes")}}}}}})},
          {"400", ErrorReply("Bad cursor, count or db.")}}}};
    AddCommonErrors(scan["responses"]);
    paths["/api/v1/keys"]["get"] = scan;
  }

  {
    json stats = {
        {"summary", "INFO as JSON, one object per section"},
        {"operationId", "stats"},
        {"parameters",
         {{{"name", "section"},
           {"in", "query"},
           {"schema", {{"type", "string"}}},
           {"description", "An INFO section (server, clients, memory, keyspace, all...)."}}}},
        {"responses",
         {{"200", Reply("{\"server\": {\"redis_version\": \"7.0.15\", ...}, ...}",
                        {{"type", "object"}, {"additionalProperties", {{"type", "object"}}}})}}}};
    AddCommonErrors(stats["responses"]);
    paths["/api/v1/stats"]["get"] = stats;
  }

  {
    json flush = {
        {"summary", "FLUSHALL, or FLUSHDB of ?db=N"},
        {"operationId", "flush"},
        {"parameters", {DbParam(databases)}},
        {"responses", {{"200", Reply("Flushed.", Ref("Result"))}, {"400", ErrorReply("Bad db.")}}}};
    AddCommonErrors(flush["responses"]);
    paths["/api/v1/flush"]["post"] = flush;
  }

  {
    json command = {
        {"summary", "Run any command: [\"ZADD\", \"ob\", 150.2, \"o1\"] → {\"result\": reply}"},
        {"operationId", "command"},
        {"parameters",
         {DbParam(databases),
          {{"name", "resp"},
           {"in", "query"},
           {"schema", {{"type", "integer"}, {"enum", {2, 3}}, {"default", 3}}},
           {"description", "Reply shapes of RESP3 (default) or RESP2."}}}},
        {"requestBody",
         {{"required", true},
          {"content",
           JsonContent({{"type", "array"}, {"minItems", 1}, {"items", Ref("Argument")}})}}},
        {"responses",
         {{"200", Reply("The reply.", Ref("Result"))},
          {"400", ErrorReply("Bad body, or the command's error reply (Redis's full text).")},
          {"413", ErrorReply("Body over http-max-body-size.")}}}};
    AddCommonErrors(command["responses"]);
    paths["/api/v1/command"]["post"] = command;
  }

  {
    json metrics = {{"summary", "Prometheus metrics (text exposition format)"},
                    {"operationId", "metrics"},
                    {"responses",
                     {{"200",
                       {{"description", "Metrics."},
                        {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}}}}};
    AddCommonErrors(metrics["responses"]);
    paths["/metrics"]["get"] = metrics;
  }
  paths["/"]["get"] = {{"summary", "The dashboard page (HTML, assets compiled into the binary)"},
                       {"operationId", "dashboard"},
                       {"security", json::array()},
                       {"responses",
                        {{"200",
                          {{"description", "The page."},
                           {"content", {{"text/html", {{"schema", {{"type", "string"}}}}}}}}}}}};
  {
    json ws = {
        {"summary", "WebSocket Pub/Sub bridge (upgrade request)"},
        {"description",
         "Text frames of JSON: {\"op\": \"subscribe\"|\"unsubscribe\"|\"psubscribe\"|"
         "\"punsubscribe\"|\"publish\"|\"ping\", ...}. Auth: the Bearer header or ?token=."},
        {"operationId", "websocket"},
        {"parameters",
         {{{"name", "token"},
           {"in", "query"},
           {"schema", {{"type", "string"}}},
           {"description", "The password, for browsers (they can't set headers on WebSocket)."}}}},
        {"responses",
         {{"101", {{"description", "Switching Protocols: the WebSocket session starts."}}},
          {"426", ErrorReply("Not a WebSocket upgrade request.")}}}};
    AddCommonErrors(ws["responses"]);
    paths["/ws"]["get"] = ws;
  }
  {
    json spec = {{"summary", "This document"},
                 {"operationId", "openapi"},
                 {"responses", {{"200", Reply("OpenAPI 3.0.", {{"type", "object"}})}}}};
    AddCommonErrors(spec["responses"]);
    paths["/openapi.json"]["get"] = spec;
  }

  return json{
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "FinCache HTTP API"},
        {"version", std::string(version)},
        {"description",
         "REST/JSON front door of FinCache, a Redis-compatible engine. Every command runs "
         "through the same dispatcher as RESP clients. Errors are {\"error\": \"...\"}."}}},
      {"paths", paths},
      {"components",
       {{"schemas", schemas},
        {"securitySchemes",
         {{"bearer",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"description", "The requirepass password, when set."}}}}}}},
      {"security", {{{"bearer", json::array()}}}},
  };
}

nlohmann::json OpenApiDocument(std::string_view version, int databases, const Router& router) {
  json doc = OpenApiDocument(version, databases);
  json& paths = doc["paths"];
  for (auto& [pattern, method] : router.Routes()) {
    std::string m = method;
    std::transform(m.begin(), m.end(), m.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (paths.contains(pattern) && paths[pattern].contains(m)) continue;
    // A request for the pattern itself finds the route (a prefix pattern matches its own
    // "{name}" text), which tells whether it is open.
    Router::Match found = router.Find(method, pattern);
    json op = {{"summary", method + " " + pattern},
               {"responses", {{"200", {{"description", "OK"}}}}}};
    if (found.status == 200 && found.options.open)
      op["security"] = json::array();
    else
      op["responses"]["401"] = ErrorReply("Authorization: Bearer <requirepass> missing or wrong.");
    json& item = paths[pattern];
    item[m] = std::move(op);
    if (size_t open = pattern.rfind('{');
        open != std::string::npos && !item.contains("parameters")) {
      std::string name = pattern.substr(open + 1, pattern.size() - open - 2);
      item["parameters"] = {{{"name", name},
                             {"in", "path"},
                             {"required", true},
                             {"description", "The rest of the path, percent-encoded."},
                             {"schema", {{"type", "string"}}}}};
    }
  }
  return doc;
}

}  // namespace fincache::http
