// The HTTP front door's built-in routes (REST/JSON over the Dispatcher):
//
//   GET  /health                     liveness, open: {"status": "ok"}
//   GET  /ready                      open: 200 {"status": "ready"}, 503 {"status": "loading"}
//   GET  /api/v1/keys/{key}          {"key", "type", "ttl", "value"}; 404 when missing
//   PUT  /api/v1/keys/{key}          {"value": v, "ttl": seconds?} → SET key v [EX ttl]
//   POST /api/v1/keys/{key}          the same, create only (SET NX): 201, 409 when it exists
//   DELETE /api/v1/keys/{key}        DEL: {"deleted": 1}; 404 when missing
//   GET  /api/v1/keys?pattern=&cursor=&count=&type=   one SCAN step: {"cursor", "keys"}
//   GET  /api/v1/stats[?section=]    INFO as {"server": {...}, ...}
//   POST /api/v1/flush[?db=N]        FLUSHALL, or FLUSHDB of database N: {"result": "OK"}
//   POST /api/v1/command             ["ZADD", "k", 1, "m"] → {"result": <reply as JSON>}
//   GET  /openapi.json               the OpenAPI 3.0 description of every route
//   GET  /ws                         426 unless a WebSocket upgrade (taken over before routing)
// ?db=N selects the database of the keys, command and flush routes (default 0).
// Errors: {"error": "..."}: 400 for bad input and error replies (the full Redis text), 404, 409.
#pragma once

#include <cstdint>

#include "http/router.h"

namespace fincache {
class ServerState;
class Dispatcher;
}  // namespace fincache

namespace fincache::http {

void RegisterBuiltinRoutes(Router& router, ServerState& state, Dispatcher& dispatcher);

// The largest "ttl" of PUT/POST /api/v1/keys (about 31,700 years): larger ones would overflow
// the expiry in milliseconds. /openapi.json states it.
inline constexpr int64_t kMaxTtlSeconds = 999999999999;

}  // namespace fincache::http
