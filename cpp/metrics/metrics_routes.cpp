#include "metrics/metrics_routes.h"

#include <memory>
#include <string>

#include "http/router.h"
#include "metrics/assets.h"
#include "metrics/server_metrics.h"

namespace fincache::metrics {

namespace {

// The dashboard loads nothing from elsewhere: the policy makes the browser refuse it if a change
// ever tried (a CDN script, an external font), and forbids framing the page.
constexpr const char* kDashboardCsp =
    "default-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

http::Response AssetResponse(const DashboardAsset& asset) {
  http::Response res;
  res.content_type = std::string(asset.content_type);
  res.body = std::string(asset.body);
  // The files change with the binary: a browser revalidates instead of using a stale copy.
  res.headers = {{"Cache-Control", "no-cache"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Content-Security-Policy", kDashboardCsp}};
  return res;
}

}  // namespace

void RegisterMetricsRoutes(http::Router& router, ServerState& state) {
  // One exporter per router, shared by the handler copies the router keeps.
  auto exporter = std::make_shared<MetricsExporter>(state);
  router.Add("GET", "/metrics", [exporter](const http::Request&) {
    http::Response res;
    res.content_type = kTextContentType;
    res.body = exporter->Render();
    res.headers = {{"Cache-Control", "no-store"}};
    return res;
  });

  http::RouteOptions open;
  open.open = true;
  for (const EmbeddedFile* f = kEmbeddedAssets; !f->path.empty(); ++f) {
    DashboardAsset asset;
    if (!FindDashboardAsset(f->path, &asset)) continue;
    router.Add(
        "GET", std::string(f->path), [asset](const http::Request&) { return AssetResponse(asset); },
        open);
  }
  DashboardAsset index;
  if (FindDashboardAsset("/", &index)) {
    router.Add(
        "GET", "/", [index](const http::Request&) { return AssetResponse(index); }, open);
  }
}

}  // namespace fincache::metrics
