// HttpServer: the HTTP front door (Boost.Beast): REST/JSON routes, health, and the hooks other
// layers add to its Router (/metrics, the dashboard, the /ws WebSocket bridge).
//
// Threads: one io_context run by `threads` threads of its own (never the RESP io threads), each
// connection on a strand. A request is read whole (headers capped at kMaxHeaderBytes, the body
// at http-max-body-size), answered by a Router handler on the connection's thread, and written;
// connections are kept alive as HTTP/1.1 asks. A handler may block briefly (it runs commands
// through the Dispatcher); it never parks (blocking commands answer at once, as inside MULTI).
//
// Every request goes through Serve() (transport-free, unit-tested): CORS preflight, auth
// (requirepass → "Authorization: Bearer <password>" on every route not added open), 503 while
// the data loads (open routes excepted), routing (404/405 JSON), the handler (exceptions → 500).
//
// Settings read from state.config() as they change: http-max-body-size, http-timeout (idle and
// slow-request seconds), http-cors-origins, requirepass, maxclients (a cap on open HTTP
// connections, counted apart from RESP clients); at construction: http-bind, http-threads (via
// HttpOptions, which the owner fills from them or from its own arguments).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "http/router.h"

namespace fincache {
class ServerState;
class Dispatcher;
class Config;
}  // namespace fincache

namespace fincache::http {

struct HttpOptions {
  // Space-separated addresses (as `bind`); a leading '-' marks one that may be unavailable.
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0 picks a free port (see port())
  int threads = 2;  // 0: 1
};

inline constexpr size_t kMaxHeaderBytes = 16 * 1024;

class HttpServer {
 public:
  // Registers the built-in routes (RegisterBuiltinRoutes) into router().
  HttpServer(ServerState& state, Dispatcher& dispatcher, HttpOptions opts);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Routes may be added before Start().
  Router& router();
  // Binds, listens and starts the threads: "" or an error text such as "Could not create HTTP
  // listening socket 127.0.0.1:8080: bind: Address already in use".
  std::string Start();
  // The bound port (the picked one when HttpOptions::port was 0); 0 before Start().
  int port() const;
  // Stops accepting, closes every connection, joins the threads (a handler still running a
  // command is waited for). Idempotent.
  void Stop();

  struct Impl;  // internal (http_server.cpp); named here for its connection objects

 private:
  std::unique_ptr<Impl> impl_;
};

// ---- request policy (transport-free; used by the server, unit-tested) -----------------------

// Whether an Authorization header value carries "Bearer <password>" (scheme case-insensitive,
// constant-time comparison of the token).
bool BearerMatches(std::string_view authorization, std::string_view password);
// CORS: the Access-Control-Allow-Origin value for a request's Origin under http-cors-origins
// ("" = CORS off → ""; "*" → "*"; else a space-separated list of origins → origin when listed,
// "" otherwise). An empty origin (not a CORS request) → "".
std::string CorsAllowOrigin(std::string_view setting, std::string_view origin);

// Answers one request: preflight, auth, loading, routing, the handler. `req.param` is filled.
Response Serve(const Router& router, ServerState& state, Request& req);

}  // namespace fincache::http
