// The OpenAPI 3.0 document served at GET /openapi.json (every route of the HTTP front door).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace fincache::http {

class Router;

// The hand-written description of every built-in route and of those the metrics and WebSocket
// layers add (/metrics, /, /ws); `databases` bounds the ?db= parameters.
nlohmann::json OpenApiDocument(std::string_view version, int databases);
// The same, plus a minimal entry for every route of `router` that it does not describe (a route
// a layer added without describing it still shows, with its auth and a 200 answer).
nlohmann::json OpenApiDocument(std::string_view version, int databases, const Router& router);

}  // namespace fincache::http
