// cpp/metrics/metrics_routes: GET /metrics and the dashboard's files on an http::Router.
#include "metrics/metrics_routes.h"

#include <gtest/gtest.h>

#include <memory>

#include "commands/server_state.h"
#include "http/router.h"
#include "metrics/assets.h"
#include "metrics/server_metrics.h"

namespace fincache {
namespace {

class MetricsRoutesTest : public ::testing::Test {
 protected:
  MetricsRoutesTest() : server_(std::make_unique<Config>(), EngineOptions{}) {
    metrics::RegisterMetricsRoutes(router_, server_);
  }
  http::Response Get(std::string_view path) {
    auto m = router_.Find("GET", path);
    EXPECT_EQ(m.status, 200) << path;
    if (m.status != 200) return {};
    http::Request req;
    req.method = "GET";
    req.path = std::string(path);
    return (*m.handler)(req);
  }
  static std::string HeaderOf(const http::Response& r, std::string_view name) {
    for (auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }

  ServerState server_;
  http::Router router_;
};

TEST_F(MetricsRoutesTest, MetricsNeedAuthAndAreTextFormat) {
  auto m = router_.Find("GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_FALSE(m.options.open);  // Bearer auth when requirepass is set, like the API
  http::Response r = Get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, metrics::kTextContentType);
  EXPECT_NE(r.body.find("# TYPE fincache_uptime_seconds gauge"), std::string::npos);
  EXPECT_EQ(router_.Find("POST", "/metrics").status, 405);
}

TEST_F(MetricsRoutesTest, DashboardFilesAreOpen) {
  for (const metrics::EmbeddedFile* f = metrics::kEmbeddedAssets; !f->path.empty(); ++f) {
    auto m = router_.Find("GET", f->path);
    ASSERT_EQ(m.status, 200) << f->path;
    EXPECT_TRUE(m.options.open) << f->path;
    http::Response r = Get(f->path);
    EXPECT_EQ(r.body, f->body);
    EXPECT_EQ(r.content_type, metrics::ContentTypeFor(f->path));
  }
  auto index = router_.Find("GET", "/");
  ASSERT_EQ(index.status, 200);
  EXPECT_TRUE(index.options.open);
  http::Response r = Get("/");
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("/dashboard.js"), std::string::npos);
  EXPECT_NE(HeaderOf(r, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(router_.Find("GET", "/nope.js").status, 404);
}

}  // namespace
}  // namespace fincache
