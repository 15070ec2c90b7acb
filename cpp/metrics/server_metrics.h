// Prometheus metrics of one ServerState, for GET /metrics (text exposition format 0.0.4).
//
// The RESP hot path never touches prometheus-cpp: the dispatcher bumps relaxed atomics that live
// with the INFO statistics (ServerState's counters, CommandStats with its latency buckets, the
// engine's keyspace counters), and ServerCollector turns them into metric families only when
// Prometheus scrapes. MetricsExporter owns a prometheus::Registry for metrics kept the usual
// prometheus-cpp way (front doors may register theirs there) and renders both.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fincache {

class ServerState;

namespace metrics {

// Content-Type of the text exposition format.
inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// Builds every fincache_* family from the server's statistics at collection time.
class ServerCollector final : public prometheus::Collectable {
 public:
  explicit ServerCollector(ServerState& server) : server_(server) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  ServerState& server_;
};

class MetricsExporter {
 public:
  explicit MetricsExporter(ServerState& server);

  // For metrics kept as prometheus-cpp objects (not on the RESP hot path).
  prometheus::Registry& registry() { return *registry_; }

  // The text exposition of the server's metrics and the registry's.
  std::string Render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<ServerCollector> collector_;
};

}  // namespace metrics
}  // namespace fincache
