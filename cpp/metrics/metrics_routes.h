// The observability routes of the HTTP front door (cpp/http): GET /metrics for Prometheus and
// the dashboard page with its files. RegisterBuiltinRoutes (cpp/http/routes.cpp) calls
// RegisterMetricsRoutes once per router.
#pragma once

namespace fincache {

class ServerState;

namespace http {
class Router;
}

namespace metrics {

// GET /metrics: the text exposition (format 0.0.4) of MetricsExporter; like every API route it
// needs "Authorization: Bearer <password>" when requirepass is set.
// GET / and GET /<file> for each embedded dashboard file (metrics/assets.h): open routes, since
// they are static files with no data in them; the page asks for the password itself and sends it
// as a Bearer token on its API calls.
void RegisterMetricsRoutes(http::Router& router, ServerState& state);

}  // namespace metrics
}  // namespace fincache
