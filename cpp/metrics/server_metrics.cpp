#include "metrics/server_metrics.h"

#include <prometheus/text_serializer.h>
#include <sys/resource.h>

#include <iterator>
#include <limits>
#include <sstream>

#include "commands/aof.h"
#include "commands/persistence.h"
#include "commands/server_state.h"
#include "common/version.h"

#ifndef FINCACHE_VERSION
#define FINCACHE_VERSION "0.0.0"
#endif

namespace fincache::metrics {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// Appends families to `out` with one-line builders.
class Families {
 public:
  explicit Families(std::vector<MetricFamily>& out) : out_(out) {}

  MetricFamily& Family(std::string name, std::string help, MetricType type) {
    out_.push_back(MetricFamily{std::move(name), std::move(help), type, {}});
    return out_.back();
  }
  void Counter(std::string name, std::string help, double v) {
    AddCounter(Family(std::move(name), std::move(help), MetricType::Counter), {}, v);
  }
  void Gauge(std::string name, std::string help, double v) {
    AddGauge(Family(std::move(name), std::move(help), MetricType::Gauge), {}, v);
  }
  static void AddCounter(MetricFamily& f, std::vector<ClientMetric::Label> labels, double v) {
    ClientMetric m;
    m.label = std::move(labels);
    m.counter.value = v;
    f.metric.push_back(std::move(m));
  }
  static void AddGauge(MetricFamily& f, std::vector<ClientMetric::Label> labels, double v) {
    ClientMetric m;
    m.label = std::move(labels);
    m.gauge.value = v;
    f.metric.push_back(std::move(m));
  }

 private:
  std::vector<MetricFamily>& out_;
};

double TvSeconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

void CommandFamilies(ServerState& server, Families& fams) {
  MetricFamily& calls =
      fams.Family("fincache_commands_total",
                  "Calls of each command that ran (INFO commandstats calls)", MetricType::Counter);
  MetricFamily& rejected =
      fams.Family("fincache_commands_rejected_total",
                  "Calls of each command rejected before running (arity, auth, MULTI, BUSY...)",
                  MetricType::Counter);
  MetricFamily& failed =
      fams.Family("fincache_commands_failed_total",
                  "Calls of each command that ran and replied an error", MetricType::Counter);
  MetricFamily& latency = fams.Family("fincache_command_duration_seconds",
                                      "Time each command took to run, as INFO commandstats usec",
                                      MetricType::Histogram);
  server.ForEachCommandStats([&](const std::string& name, const CommandStats& st) {
    std::vector<ClientMetric::Label> labels{{"cmd", name}};
    Families::AddCounter(calls, labels, static_cast<double>(st.calls.load()));
    Families::AddCounter(rejected, labels, static_cast<double>(st.rejected_calls.load()));
    Families::AddCounter(failed, labels, static_cast<double>(st.failed_calls.load()));
    // Buckets are read one by one while calls go on: the count is their sum, so the +Inf bucket
    // always equals it, as the format requires.
    ClientMetric h;
    h.label = labels;
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kLatencyBuckets; ++i) {
      cumulative += st.latency[i].load(std::memory_order_relaxed);
      ClientMetric::Bucket b;
      b.cumulative_count = cumulative;
      b.upper_bound = i < std::size(kLatencyBoundsUs)
                          ? static_cast<double>(kLatencyBoundsUs[i]) / 1e6
                          : std::numeric_limits<double>::infinity();
      h.histogram.bucket.push_back(b);
    }
    if (cumulative == 0) return;
    h.histogram.sample_count = cumulative;
    h.histogram.sample_sum = static_cast<double>(st.usec.load()) / 1e6;
    latency.metric.push_back(std::move(h));
  });
}

void KeyspaceFamilies(ServerState& server, Families& fams) {
  Engine& engine = server.engine();
  fams.Counter("fincache_keyspace_hits_total", "Successful lookups of keys",
               static_cast<double>(engine.KeyspaceHits()));
  fams.Counter("fincache_keyspace_misses_total", "Failed lookups of keys (missing key)",
               static_cast<double>(engine.KeyspaceMisses()));
  MetricFamily& keys =
      fams.Family("fincache_db_keys", "Keys in each database (INFO keyspace)", MetricType::Gauge);
  MetricFamily& expires = fams.Family(
      "fincache_db_keys_expiring", "Keys with a time to live in each database", MetricType::Gauge);
  // Every database, also the empty ones, so series don't vanish when a db is flushed.
  for (int db = 0; db < engine.db_count(); ++db) {
    std::vector<ClientMetric::Label> labels{{"db", "db" + std::to_string(db)}};
    Families::AddGauge(keys, labels, static_cast<double>(engine.DbSize(db)));
    Families::AddGauge(expires, labels, static_cast<double>(engine.ExpiresCount(db)));
  }
  fams.Counter("fincache_expired_keys_total", "Keys deleted because their time to live passed",
               static_cast<double>(engine.ExpiredKeys()));
  fams.Counter("fincache_evicted_keys_total", "Keys evicted because of the maxmemory limit",
               static_cast<double>(engine.EvictedKeys()));
}

// INFO persistence's aof_* fields; the sizes only mean something while appendonly is on (INFO
// prints them only then), so they read 0 while it is off and the series stay.
void AofFamilies(const AppendOnly& aof, Families& fams) {
  const bool on = aof.enabled();
  fams.Gauge("fincache_aof_enabled", "1 while appendonly is on (INFO aof_enabled)", on ? 1 : 0);
  fams.Gauge("fincache_aof_rewrite_in_progress", "1 while a BGREWRITEAOF child runs",
             aof.rewrite_in_progress() ? 1 : 0);
  fams.Gauge("fincache_aof_rewrite_scheduled",
             "1 while a rewrite waits for a running BGSAVE or BGREWRITEAOF to end",
             aof.rewrite_scheduled() ? 1 : 0);
  fams.Gauge("fincache_aof_last_rewrite_duration_seconds",
             "Duration of the last AOF rewrite (-1: none yet; INFO aof_last_rewrite_time_sec)",
             static_cast<double>(aof.last_rewrite_time_sec()));
  fams.Gauge("fincache_aof_current_rewrite_duration_seconds",
             "Time the running AOF rewrite has taken so far (-1: none running)",
             static_cast<double>(aof.current_rewrite_time_sec()));
  fams.Gauge("fincache_aof_last_bgrewrite_success",
             "1 if the last AOF rewrite succeeded (INFO aof_last_bgrewrite_status ok)",
             aof.last_rewrite_ok() ? 1 : 0);
  fams.Gauge("fincache_aof_last_write_success",
             "1 if the last write to the AOF succeeded (INFO aof_last_write_status ok)",
             aof.last_write_ok() ? 1 : 0);
  fams.Counter("fincache_aof_rewrites_total", "AOF rewrites done since start (INFO aof_rewrites)",
               static_cast<double>(aof.rewrites()));
  fams.Gauge("fincache_aof_rewrites_consecutive_failures",
             "AOF rewrites that failed in a row (INFO aof_rewrites_consecutive_failures)",
             static_cast<double>(aof.rewrites_consecutive_failures()));
  fams.Gauge("fincache_aof_current_size_bytes", "Size of the AOF (base and incr files)",
             on ? static_cast<double>(aof.current_size()) : 0);
  fams.Gauge("fincache_aof_base_size_bytes", "Size of the AOF base file at the last rewrite",
             on ? static_cast<double>(aof.base_size()) : 0);
  fams.Gauge("fincache_aof_buffer_length_bytes", "Bytes recorded but not written to the AOF yet",
             on ? static_cast<double>(aof.buffer_length()) : 0);
  fams.Counter("fincache_aof_delayed_fsync_total",
               "fsyncs of appendfsync everysec that were delayed by a slow disk",
               static_cast<double>(aof.delayed_fsync()));
}

}  // namespace

std::vector<MetricFamily> ServerCollector::Collect() const {
  ServerState& server = server_;
  Engine& engine = server.engine();
  std::vector<MetricFamily> out;
  Families fams(out);

  MetricFamily& info = fams.Family("fincache_build_info",
                                   "FinCache version and the Redis version it is compatible with",
                                   MetricType::Gauge);
  Families::AddGauge(
      info, {{"version", FINCACHE_VERSION}, {"redis_version", std::string(kRedisVersion)}}, 1);
  const int64_t now_ms = engine.clock().NowMs();
  fams.Gauge("fincache_start_time_seconds", "Time the server started, in seconds since the epoch",
             static_cast<double>(server.start_time_ms()) / 1000.0);
  fams.Gauge("fincache_uptime_seconds", "Seconds since the server started",
             static_cast<double>(now_ms - server.start_time_ms()) / 1000.0);

  // ---- commands ----
  fams.Counter("fincache_commands_processed_total",
               "Commands processed, all commands together (INFO total_commands_processed)",
               static_cast<double>(server.total_commands.load()));
  CommandFamilies(server, fams);
  MetricFamily& errors =
      fams.Family("fincache_error_replies_total", "Error replies by error code (INFO errorstats)",
                  MetricType::Counter);
  for (auto& [code, count] : server.ErrorCounts())
    Families::AddCounter(errors, {{"error", code}}, static_cast<double>(count));

  // ---- keyspace ----
  KeyspaceFamilies(server, fams);

  // ---- memory ----
  // The figures INFO memory shows (used_memory, used_memory_rss, used_memory_peak, maxmemory).
  const ServerState::MemoryStats mem = server.memory_stats();
  fams.Gauge("fincache_memory_used_bytes", "Memory used by the data (INFO used_memory)",
             static_cast<double>(mem.used_memory));
  fams.Gauge("fincache_memory_rss_bytes", "Resident set size of the process (INFO used_memory_rss)",
             static_cast<double>(mem.rss));
  fams.Gauge("fincache_memory_peak_bytes",
             "Peak of fincache_memory_used_bytes since the start (INFO used_memory_peak)",
             static_cast<double>(mem.peak_memory));
  fams.Gauge("fincache_memory_max_bytes", "The maxmemory setting (0: no limit)",
             static_cast<double>(mem.maxmemory));

  // ---- clients and network ----
  fams.Gauge("fincache_connected_clients", "Client connections open now",
             static_cast<double>(server.clients().size()));
  fams.Gauge("fincache_blocked_clients", "Clients waiting in a blocking command",
             static_cast<double>(engine.blocking().blocked_calls()));
  fams.Gauge("fincache_max_clients", "The maxclients setting",
             static_cast<double>(server.config().maxclients.load()));
  fams.Counter("fincache_connections_received_total", "Client connections accepted",
               static_cast<double>(server.total_connections.load()));
  fams.Counter("fincache_rejected_connections_total",
               "Client connections refused because of maxclients",
               static_cast<double>(server.rejected_connections.load()));
  fams.Counter("fincache_net_input_bytes_total", "Bytes read from client connections",
               static_cast<double>(server.net_input_bytes.load()));
  fams.Counter("fincache_net_output_bytes_total", "Bytes written to client connections",
               static_cast<double>(server.net_output_bytes.load()));
  fams.Gauge("fincache_pubsub_channels", "Channels with at least one subscriber",
             static_cast<double>(engine.pubsub().ChannelCount(false)));
  fams.Gauge("fincache_pubsub_patterns", "Pattern subscriptions",
             static_cast<double>(engine.pubsub().NumPat()));

  // ---- persistence ----
  const Persistence& p = server.persistence();
  fams.Gauge("fincache_rdb_last_save_timestamp_seconds",
             "Time of the last successful RDB save, in seconds since the epoch (LASTSAVE)",
             static_cast<double>(p.lastsave_s()));
  fams.Gauge("fincache_rdb_changes_since_last_save", "Changes since the last RDB save",
             static_cast<double>(server.dirty.load()));
  fams.Gauge("fincache_rdb_bgsave_in_progress", "1 while a BGSAVE child runs",
             p.bgsave_in_progress() ? 1 : 0);
  fams.Gauge("fincache_rdb_last_bgsave_success", "1 if the last BGSAVE succeeded",
             p.last_bgsave_ok() ? 1 : 0);
  fams.Counter("fincache_rdb_saves_total", "RDB snapshots written since start",
               static_cast<double>(p.rdb_saves()));
  AofFamilies(server.aof(), fams);

  // ---- process ----
  rusage self{};
  getrusage(RUSAGE_SELF, &self);
  fams.Counter("fincache_cpu_user_seconds_total", "User CPU time of the process",
               TvSeconds(self.ru_utime));
  fams.Counter("fincache_cpu_sys_seconds_total", "System CPU time of the process",
               TvSeconds(self.ru_stime));
  return out;
}

MetricsExporter::MetricsExporter(ServerState& server)
    : registry_(std::make_shared<prometheus::Registry>()),
      collector_(std::make_shared<ServerCollector>(server)) {}

std::string MetricsExporter::Render() const {
  std::vector<MetricFamily> families = collector_->Collect();
  std::vector<MetricFamily> more = registry_->Collect();
  families.insert(families.end(), std::make_move_iterator(more.begin()),
                  std::make_move_iterator(more.end()));
  std::ostringstream os;
  prometheus::TextSerializer().Serialize(os, families);
  return os.str();
}

}  // namespace fincache::metrics
