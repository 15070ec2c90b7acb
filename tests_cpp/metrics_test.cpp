// cpp/metrics: the Prometheus families built from the server's statistics, and the embedded
// dashboard assets.
#include <map>
#include <sstream>

#include "command_test_base.h"
#include "metrics/assets.h"
#include "metrics/server_metrics.h"
#include "prometheus/counter.h"

namespace fincache {
namespace {

class MetricsTest : public CommandTest {
 protected:
  // Sample lines of the exposition ("name{labels}" -> value); comments skipped.
  std::map<std::string, double> Scrape() {
    metrics::MetricsExporter exporter(*server_);
    std::istringstream in(exporter.Render());
    std::map<std::string, double> out;
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      size_t sp = line.rfind(' ');
      out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
    }
    return out;
  }
};

TEST_F(MetricsTest, CountersFollowCommands) {
  Run({"set", "a", "1"});
  Run({"set", "b", "2", "ex", "100"});
  Run({"get", "a"});
  Run({"get", "missing"});
  Run({"incr", "a", "extra"});  // arity: rejected
  Run({"lpush", "a", "x"});     // WRONGTYPE: failed
  auto m = Scrape();
  EXPECT_EQ(m["fincache_commands_total{cmd=\"set\"}"], 2);
  EXPECT_EQ(m["fincache_commands_total{cmd=\"get\"}"], 2);
  EXPECT_EQ(m["fincache_commands_rejected_total{cmd=\"incr\"}"], 1);
  EXPECT_EQ(m["fincache_commands_failed_total{cmd=\"lpush\"}"], 1);
  EXPECT_EQ(m["fincache_error_replies_total{error=\"WRONGTYPE\"}"], 1);
  EXPECT_EQ(m["fincache_keyspace_hits_total"], 1);
  EXPECT_EQ(m["fincache_keyspace_misses_total"], 1);
  EXPECT_EQ(m["fincache_db_keys{db=\"db0\"}"], 2);
  EXPECT_EQ(m["fincache_db_keys_expiring{db=\"db0\"}"], 1);
  EXPECT_EQ(m["fincache_db_keys{db=\"db15\"}"], 0);
  EXPECT_GT(m["fincache_memory_used_bytes"], 0);
  EXPECT_GE(m["fincache_memory_peak_bytes"], m["fincache_memory_used_bytes"]);
  EXPECT_EQ(m.count("fincache_uptime_seconds"), 1u);
}

TEST_F(MetricsTest, LatencyHistogramIsCumulativeAndConsistent) {
  for (int i = 0; i < 5; ++i) Run({"set", "k", "v"});
  // A slow call (the fake clock stands still while a command runs): recorded as the dispatcher
  // records one.
  CommandStats& st = server_->StatsFor(server_->registry().Find("set"));
  st.latency[LatencyBucket(3000)].fetch_add(1);
  st.usec.fetch_add(3000);
  auto m = Scrape();
  const std::string h = "fincache_command_duration_seconds";
  EXPECT_EQ(m[h + "_count{cmd=\"set\"}"], 6);
  EXPECT_EQ(m[h + "_bucket{cmd=\"set\",le=\"+Inf\"}"], 6);
  EXPECT_EQ(m[h + "_bucket{cmd=\"set\",le=\"0.001\"}"], 5);
  EXPECT_EQ(m[h + "_bucket{cmd=\"set\",le=\"0.005\"}"], 6);
  EXPECT_DOUBLE_EQ(m[h + "_sum{cmd=\"set\"}"], 0.003);
  // Commands never called have no histogram series.
  EXPECT_EQ(m.count(h + "_count{cmd=\"zadd\"}"), 0u);
}

TEST_F(MetricsTest, LatencyBucketBounds) {
  EXPECT_EQ(LatencyBucket(0), 0u);
  EXPECT_EQ(LatencyBucket(10), 0u);
  EXPECT_EQ(LatencyBucket(11), 1u);
  EXPECT_EQ(LatencyBucket(10000000), kLatencyBuckets - 2);
  EXPECT_EQ(LatencyBucket(10000001), kLatencyBuckets - 1);
}

TEST_F(MetricsTest, ResetStatClearsHistogram) {
  Run({"set", "k", "v"});
  Run({"config", "resetstat"});
  auto m = Scrape();
  EXPECT_EQ(m.count("fincache_command_duration_seconds_count{cmd=\"set\"}"), 0u);
}

TEST_F(MetricsTest, RegistryMetricsAreRenderedToo) {
  metrics::MetricsExporter exporter(*server_);
  auto& fam = prometheus::BuildCounter()
                  .Name("fincache_test_things_total")
                  .Help("t")
                  .Register(exporter.registry());
  fam.Add({}).Increment(3);
  EXPECT_NE(exporter.Render().find("fincache_test_things_total 3"), std::string::npos);
}

// An INFO field as a number ("used_memory:123" -> 123).
double InfoNumber(const std::string& info, const std::string& field) {
  const size_t at = info.find("\r\n" + field + ":");
  if (at == std::string::npos) return -1e300;
  return std::stod(info.substr(at + field.size() + 3));
}

TEST_F(MetricsTest, MemoryFiguresAreInfos) {
  for (int i = 0; i < 100; ++i) Run({"set", "k" + std::to_string(i), std::string(300, 'v')});
  // The peak is sampled (background cycle, INFO, MEMORY STATS, a scrape), as Redis's cron does.
  Scrape();
  for (int i = 0; i < 100; ++i) Run({"del", "k" + std::to_string(i)});
  const std::string info = Run({"info", "memory"}).str;
  auto m = Scrape();
  EXPECT_EQ(m["fincache_memory_used_bytes"], InfoNumber(info, "used_memory"));
  EXPECT_EQ(m["fincache_memory_peak_bytes"], InfoNumber(info, "used_memory_peak"));
  EXPECT_GT(m["fincache_memory_peak_bytes"], m["fincache_memory_used_bytes"]);
  EXPECT_GT(m["fincache_memory_rss_bytes"], 0);
  EXPECT_EQ(m["fincache_memory_max_bytes"], 0);
  Run({"config", "set", "maxmemory", "10mb"});
  EXPECT_EQ(Scrape()["fincache_memory_max_bytes"], 10 * 1024 * 1024);
}

TEST_F(MetricsTest, AofFamiliesFollowInfoPersistence) {
  const std::string info = Run({"info", "persistence"}).str;
  auto m = Scrape();
  EXPECT_EQ(m["fincache_aof_enabled"], InfoNumber(info, "aof_enabled"));
  EXPECT_EQ(m["fincache_aof_enabled"], 0);
  EXPECT_EQ(m["fincache_aof_rewrite_in_progress"], 0);
  EXPECT_EQ(m["fincache_aof_rewrite_scheduled"], 0);
  EXPECT_EQ(m["fincache_aof_rewrites_total"], InfoNumber(info, "aof_rewrites"));
  EXPECT_EQ(m["fincache_aof_last_rewrite_duration_seconds"],
            InfoNumber(info, "aof_last_rewrite_time_sec"));
  EXPECT_EQ(m["fincache_aof_last_bgrewrite_success"], 1);
  EXPECT_EQ(m["fincache_aof_last_write_success"], 1);
  EXPECT_EQ(m["fincache_aof_current_size_bytes"], 0);
  EXPECT_EQ(m.count("fincache_aof_delayed_fsync_total"), 1u);
  // appendonly at run time needs the AOF cron of a real server: tests_py/test_metrics.py.
}

TEST_F(MetricsTest, EveryFamilyHasHelpAndType) {
  metrics::MetricsExporter exporter(*server_);
  Run({"set", "k", "v"});
  std::istringstream in(exporter.Render());
  std::string line;
  std::map<std::string, int> seen;  // family -> 1 HELP, 2 TYPE
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0) {
      std::string rest = line.substr(7);
      std::string name = rest.substr(0, rest.find(' '));
      EXPECT_GT(rest.size(), name.size() + 1) << name;  // a text after the name
      seen[name] |= 1;
    } else if (line.rfind("# TYPE ", 0) == 0) {
      seen[line.substr(7, line.find(' ', 7) - 7)] |= 2;
    }
  }
  EXPECT_GE(seen.size(), 40u);
  for (auto& [name, bits] : seen) EXPECT_EQ(bits, 3) << name;
}

TEST(DashboardAssets, IndexIsEmbedded) {
  metrics::DashboardAsset a;
  ASSERT_TRUE(metrics::FindDashboardAsset("/", &a));
  EXPECT_EQ(a.content_type, "text/html; charset=utf-8");
  EXPECT_NE(a.body.find("<html"), std::string_view::npos);
  EXPECT_FALSE(metrics::FindDashboardAsset("/nope.js", &a));
  EXPECT_FALSE(metrics::FindDashboardAsset("/../etc/passwd", &a));
}

}  // namespace
}  // namespace fincache
