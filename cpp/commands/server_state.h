// ServerState: what every front door and every command shares: the engine, the command table,
// the config, connected clients and server-wide statistics. One per engine instance (a
// fincache-server process, or a fincache.Cache in Python with its optional fincache.Server).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "commands/audit_log.h"
#include "commands/command_registry.h"
#include "commands/config.h"
#include "commands/ops_state.h"
#include "commands/script_run.h"
#include "commands/session.h"
#include "engine/engine.h"

namespace fincache {

class Persistence;
class AppendOnly;
namespace script {
class ScriptEngine;
}

// Upper bounds (µs) of the command latency buckets exported by /metrics as a Prometheus
// histogram (cpp/metrics); a last bucket counts the calls slower than the last bound.
inline constexpr uint64_t kLatencyBoundsUs[] = {
    10,    25,    50,     100,    250,    500,     1000,    2500,    5000,    10000,
    25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};
inline constexpr size_t kLatencyBuckets = std::size(kLatencyBoundsUs) + 1;

// Index of the latency bucket of a call that took `usec` (a short scan: most calls are fast).
inline size_t LatencyBucket(uint64_t usec) {
  size_t i = 0;
  while (i < std::size(kLatencyBoundsUs) && usec > kLatencyBoundsUs[i]) ++i;
  return i;
}

struct CommandStats {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> usec{0};
  std::atomic<uint64_t> rejected_calls{0};  // failed before running (arity, auth...)
  std::atomic<uint64_t> failed_calls{0};    // ran and replied an error
  // Calls per latency bucket (not cumulative); relaxed increments, read at scrape time.
  std::array<std::atomic<uint64_t>, kLatencyBuckets> latency{};
  // Latency of the calls in ns (INFO latencystats, LATENCY HISTOGRAM), while latency-tracking
  // is on; created by the first call recorded.
  std::atomic<LatencyHistogram*> histogram{nullptr};
  CommandStats() = default;
  CommandStats(const CommandStats&) = delete;
  ~CommandStats() { delete histogram.load(); }
  void RecordLatency(int64_t ns);
};

// Resident set size of this process in bytes (0 without /proc): the one reader of it, for INFO,
// MEMORY and the metrics layer.
int64_t ProcessRssBytes();

class ServerState {
 public:
  // Builds the command table (all families) and an engine configured from `config`.
  ServerState(std::unique_ptr<Config> config, EngineOptions engine_options);
  ~ServerState();

  Engine& engine() { return *engine_; }
  Config& config() { return *config_; }
  const CommandRegistry& registry() const { return registry_; }
  // For commands added at run time (CommandRegistry::AddCustom/RemoveCustom).
  CommandRegistry& mutable_registry() { return registry_; }
  ClientRegistry& clients() { return clients_; }
  // RDB snapshots: SAVE, BGSAVE, save points, loading at start (commands/persistence.h).
  Persistence& persistence() { return *persistence_; }
  // The append-only file: recording, rewrites, loading at start (commands/aof.h).
  AppendOnly& aof() { return *aof_; }
  // The Lua script engine (EVAL scripts and FUNCTION libraries), created on first use and
  // destroyed with this state.
  script::ScriptEngine& scripts();
  // The script running now, for SCRIPT/FUNCTION KILL, FUNCTION STATS and BUSY replies.
  ScriptRun& script_run() { return script_run_; }

  // Memory and key statistics in one call, for INFO, MEMORY and the metrics layer: FinCache's
  // accounted memory (what maxmemory limits), its peak, the process RSS, the limit and policy,
  // keys evicted and expired since the start (or CONFIG RESETSTAT).
  struct MemoryStats {
    int64_t used_memory = 0;
    int64_t peak_memory = 0;
    int64_t rss = 0;
    uint64_t maxmemory = 0;
    std::string_view maxmemory_policy;
    uint64_t evicted_keys = 0;
    uint64_t expired_keys = 0;
  };
  MemoryStats memory_stats();

  CommandStats& StatsFor(const CommandSpec* spec);
  // Calls fn(full_name, stats) for every command with at least one call or rejection.
  void ForEachCommandStats(
      const std::function<void(const std::string&, const CommandStats&)>& fn) const;
  void ResetStats();

  // Counts an error reply by its code ("ERR", "WRONGTYPE"...), for INFO errorstats.
  void CountError(std::string_view error_text);
  std::vector<std::pair<std::string, uint64_t>> ErrorCounts() const;

  // ---- operations (commands/ops_state.h): fed by the dispatcher after each command ----
  SlowLog& slowlog() { return slowlog_; }
  LatencyMonitor& latency_monitor() { return latency_monitor_; }
  MonitorFeed& monitors() { return monitors_; }
  ClientPause& client_pause() { return client_pause_; }
  // audit-log: JSON lines of write commands and authentications (commands/audit_log.h).
  AuditLog& audit_log() { return audit_log_; }
  // latency-tracking (per-command histograms) and the percentiles INFO latencystats prints.
  std::atomic<bool> latency_tracking{true};
  std::vector<double> LatencyPercentiles() const;
  // Calls fn(full_name, histogram) for every command with recorded latencies, sorted by name.
  void ForEachLatencyHistogram(
      const std::function<void(const std::string&, const LatencyHistogram&)>& fn) const;

  int64_t start_time_ms() const { return start_time_ms_; }
  const std::string& run_id() const { return run_id_; }
  // INFO replication master_replid: the run id until DEBUG CHANGE-REPL-ID draws a new one.
  std::string replication_id() const;
  void ChangeReplicationId();

  // Server-wide counters (INFO stats).
  std::atomic<uint64_t> total_commands{0};
  std::atomic<uint64_t> total_connections{0};
  std::atomic<uint64_t> rejected_connections{0};
  std::atomic<uint64_t> net_input_bytes{0};
  std::atomic<uint64_t> net_output_bytes{0};
  std::atomic<uint64_t> total_error_replies{0};
  // Socket reads and writes of network clients (INFO total_reads/writes_processed).
  std::atomic<uint64_t> total_reads_processed{0};
  std::atomic<uint64_t> total_writes_processed{0};
  // Changes since the last successful save (INFO rdb_changes_since_last_save, save points): the
  // dispatcher adds one per key of every write command that did not answer an error.
  std::atomic<uint64_t> dirty{0};

  // True while LoadDataFromDisk reads the AOF or the snapshot (INFO loading, HTTP /ready; the
  // HTTP front door starts before the load so health checks answer during it).
  std::atomic<bool> loading{false};

  // Set by the network front door (INFO server shows them).
  std::atomic<int> tcp_port{0};
  std::atomic<int> io_threads{0};
  std::string executable;
  std::string config_file;
  // Asks the process hosting the server to shut down (SHUTDOWN); null when not served.
  std::function<void()> shutdown_hook;
  // Set by SHUTDOWN once its final steps are done (the process exit path skips them then).
  std::atomic<bool> shutdown_prepared{false};

 private:
  std::unique_ptr<Config> config_;
  std::unique_ptr<Engine> engine_;
  CommandRegistry registry_;
  ClientRegistry clients_;
  std::unique_ptr<Persistence> persistence_;
  std::unique_ptr<AppendOnly> aof_;
  std::once_flag scripts_once_;
  std::unique_ptr<script::ScriptEngine> scripts_;
  ScriptRun script_run_;
  int64_t start_time_ms_;
  std::string run_id_;
  mutable std::mutex stats_mu_;
  std::map<const CommandSpec*, std::unique_ptr<CommandStats>> command_stats_;
  // Stats of commands added at run time, by name (stats_mu_): created at their first call.
  std::map<std::string, std::unique_ptr<CommandStats>, std::less<>> custom_stats_;
  std::map<std::string, uint64_t, std::less<>> error_counts_;
  std::string replid_;  // guarded by stats_mu_
  SlowLog slowlog_;
  LatencyMonitor latency_monitor_;
  MonitorFeed monitors_;
  ClientPause client_pause_;
  AuditLog audit_log_;
  std::vector<double> latency_percentiles_{50, 99, 99.9};  // guarded by stats_mu_
};

}  // namespace fincache
