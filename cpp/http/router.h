// Router: the HTTP front door's table of routes (method + path → handler), and the request and
// response types every handler sees. Transport-free (no Beast types), so routes are unit-tested
// without sockets and other layers (cpp/metrics, the WebSocket bridge) add routes without
// knowing the server.
//
// A pattern is an exact path ("/metrics") or a prefix ending in "{name}" that captures the rest
// of the path, '/' included, into Request::param ("/api/v1/keys/{key}" matches
// "/api/v1/keys/a/b" with param "a/b"; an empty rest does not match). Paths are matched
// percent-decoded. Lookup: an exact pattern wins over a prefix one, a longer prefix over a
// shorter one; a path that matches with another method only gets 405 with Allow; no match, 404.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fincache::http {

struct Request {
  std::string method;                        // "GET", "POST", ...
  std::string path;                          // percent-decoded path, no query: "/api/v1/keys/a b"
  std::map<std::string, std::string> query;  // percent-decoded query parameters ('+' = space)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string Header(std::string_view name) const;           // case-insensitive; "" if absent
  std::string param;   // the "{rest}" capture of a prefix route ("/api/v1/keys/{key}" → key)
  std::string remote;  // the client's "ip:port" ("" when unknown): CLIENT-like info, audit log
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  static Response Json(int status, const nlohmann::json& j);
  static Response Error(int status, std::string_view message);  // {"error": message}
};

using Handler = std::function<Response(const Request&)>;

struct RouteOptions {
  bool open = false;  // true: no Bearer auth required even with requirepass (/health, /ready,
                      // static assets)
};

class Router {
 public:
  // pattern: an exact path "/metrics", or a prefix ending in "{key}" capturing the rest
  // (percent-decoded, may contain '/') into Request::param: "/api/v1/keys/{key}".
  // A second Add of the same method and pattern replaces the first.
  void Add(std::string method, std::string pattern, Handler h, RouteOptions opts = {});

  // What a request's method and (decoded) path resolve to.
  struct Match {
    int status = 404;  // 200: handler set; 404: no such path; 405: other methods
    const Handler* handler = nullptr;
    RouteOptions options;            // of the matched route (for 405: open if any route is)
    std::string param;               // the prefix capture
    std::string pattern;             // the matched pattern ("" for 404)
    std::vector<std::string> allow;  // 405 (and 200): the methods the path answers, sorted
  };
  Match Find(std::string_view method, std::string_view path) const;

  // Every route as (pattern, method), sorted: for docs and tests (openapi.json coverage).
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Route {
    std::string method;
    Handler handler;
    RouteOptions options;
  };
  // pattern → routes of that pattern; prefix patterns are stored without their "{...}" part.
  std::map<std::string, std::vector<Route>, std::less<>> exact_;
  std::map<std::string, std::vector<Route>, std::less<>> prefix_;
  std::map<std::string, std::string, std::less<>> prefix_names_;  // stripped → full pattern
};

// ---- URL pieces (RFC 3986) ----------------------------------------------------------------

// Percent-decodes s; '+' becomes a space when plus_is_space (query strings). False on a bad
// escape ("%zz", a truncated "%4").
bool PercentDecode(std::string_view s, std::string* out, bool plus_is_space = false);
// Splits a request target "/p/a%20th?x=1&y" into a decoded path and decoded query parameters
// (a parameter without '=' has the value ""; a repeated one keeps the last value). False on a
// bad escape or a target that is not an absolute path.
bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query);

}  // namespace fincache::http
