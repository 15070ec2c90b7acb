#include "commands/server_state.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>

#include "commands/aof.h"
#include "commands/persistence.h"
#include "script/script_engine.h"

namespace fincache {

namespace {
std::string RandomHex(size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::mt19937_64 rng(rd());
  std::string s(n, '0');
  for (auto& c : s) c = kHex[rng() % 16];
  return s;
}
}  // namespace

ServerState::ServerState(std::unique_ptr<Config> config, EngineOptions engine_options)
    : config_(std::move(config)), run_id_(RandomHex(40)) {
  engine_options.databases = static_cast<int>(config_->databases.load());
  engine_ = std::make_unique<Engine>(engine_options);
  start_time_ms_ = engine_->clock().NowMs();
  persistence_ = std::make_unique<Persistence>(*this);
  aof_ = std::make_unique<AppendOnly>(*this);
  config_->AddListener("hz", [this](const std::string& v) { engine_->set_hz(std::stoi(v)); });
  config_->AddListener("notify-keyspace-events", [this](const std::string&) {
    engine_->pubsub().set_notify_flags(config_->notify_keyspace_flags.load());
  });
  config_->AddListener("busy-reply-threshold", [this](const std::string& v) {
    script_run_.busy_threshold_ms.store(std::stoll(v), std::memory_order_relaxed);
  });
  config_->AddListener("slowlog-log-slower-than", [this](const std::string& v) {
    slowlog_.slower_than_us.store(std::stoll(v), std::memory_order_relaxed);
  });
  config_->AddListener("slowlog-max-len", [this](const std::string& v) {
    slowlog_.max_len.store(std::stoll(v), std::memory_order_relaxed);
    slowlog_.Trim();
  });
  config_->AddListener("latency-monitor-threshold", [this](const std::string& v) {
    latency_monitor_.threshold_ms.store(std::stoll(v), std::memory_order_relaxed);
  });
  config_->AddListener("latency-tracking", [this](const std::string& v) {
    latency_tracking.store(v == "yes", std::memory_order_relaxed);
  });
  config_->AddListener("latency-tracking-info-percentiles", [this](const std::string& v) {
    std::vector<double> values;
    Config::ParsePercentiles(v, &values);
    std::lock_guard lk(stats_mu_);
    latency_percentiles_ = std::move(values);
  });
  config_->AddListener("audit-log", [this](const std::string& v) { audit_log_.Open(v); });
  config_->AddListener("audit-log-values", [this](const std::string& v) {
    audit_log_.with_values.store(v == "yes", std::memory_order_relaxed);
  });
  // maxmemory and eviction settings reach the engine's Evictor (engine/evict.h).
  Evictor& evictor = engine_->evictor();
  config_->AddListener("maxmemory",
                       [&evictor](const std::string& v) { evictor.set_maxmemory(std::stoull(v)); });
  config_->AddListener("maxmemory-policy", [&evictor](const std::string& v) {
    EvictionPolicy p;
    if (ParseEvictionPolicy(v, &p)) evictor.set_policy(p);
  });
  config_->AddListener("maxmemory-samples",
                       [&evictor](const std::string& v) { evictor.set_samples(std::stoi(v)); });
  config_->AddListener("maxmemory-eviction-tenacity",
                       [&evictor](const std::string& v) { evictor.set_tenacity(std::stoi(v)); });
  config_->AddListener("lfu-log-factor", [&evictor](const std::string& v) {
    evictor.set_lfu_log_factor(std::stoll(v));
  });
  config_->AddListener("lfu-decay-time", [&evictor](const std::string& v) {
    evictor.set_lfu_decay_time(std::stoll(v));
  });
  RegisterAllFamilies(registry_);
  // Pre-create stats for every command so StatsFor is lock-free on the hot path.
  for (auto& [name, spec] : registry_.all()) {
    command_stats_[spec.get()] = std::make_unique<CommandStats>();
    for (auto& [sub, sspec] : spec->subcommands)
      command_stats_[sspec.get()] = std::make_unique<CommandStats>();
  }
}

ServerState::~ServerState() = default;

script::ScriptEngine& ServerState::scripts() {
  std::call_once(scripts_once_, [this] { scripts_ = std::make_unique<script::ScriptEngine>(); });
  return *scripts_;
}

int64_t ProcessRssBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * sysconf(_SC_PAGESIZE);
}

ServerState::MemoryStats ServerState::memory_stats() {
  MemoryStats m;
  m.used_memory = engine_->TotalUsedMemory();
  m.peak_memory = engine_->PeakMemory();
  m.rss = ProcessRssBytes();
  m.maxmemory = engine_->evictor().maxmemory();
  m.maxmemory_policy = EvictionPolicyName(engine_->evictor().policy());
  m.evicted_keys = engine_->EvictedKeys();
  m.expired_keys = engine_->ExpiredKeys();
  return m;
}

CommandStats& ServerState::StatsFor(const CommandSpec* spec) {
  // The map is never modified after construction: lookups need no lock.
  if (!(spec->flags & CO::kModule)) return *command_stats_.at(spec);
  // Run-time commands: by name, created at their first call and never freed (a caller may hold
  // the reference), so a replaced command goes on counting under its name.
  std::lock_guard lk(stats_mu_);
  auto it = custom_stats_.find(spec->full_name);
  if (it == custom_stats_.end())
    it = custom_stats_.emplace(spec->full_name, std::make_unique<CommandStats>()).first;
  return *it->second;
}

void ServerState::ForEachCommandStats(
    const std::function<void(const std::string&, const CommandStats&)>& fn) const {
  std::vector<std::pair<std::string, const CommandStats*>> rows;
  for (auto& [spec, st] : command_stats_) {
    if (st->calls.load() || st->rejected_calls.load() || st->failed_calls.load())
      rows.emplace_back(spec->full_name, st.get());
  }
  {
    std::lock_guard lk(stats_mu_);  // entries are never freed: used after unlocking
    for (auto& [name, st] : custom_stats_)
      if (st->calls.load() || st->rejected_calls.load() || st->failed_calls.load())
        rows.emplace_back(name, st.get());
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, st] : rows) fn(name, *st);
}

void CommandStats::RecordLatency(int64_t ns) {
  LatencyHistogram* h = histogram.load(std::memory_order_acquire);
  if (!h) {
    auto fresh = std::make_unique<LatencyHistogram>();
    LatencyHistogram* expected = nullptr;
    if (histogram.compare_exchange_strong(expected, fresh.get(), std::memory_order_acq_rel))
      h = fresh.release();
    else
      h = expected;
  }
  h->Record(ns);
}

std::string ServerState::replication_id() const {
  std::lock_guard lk(stats_mu_);
  return replid_.empty() ? run_id_ : replid_;
}

void ServerState::ChangeReplicationId() {
  std::string id = RandomHex(40);
  std::lock_guard lk(stats_mu_);
  replid_ = std::move(id);
}

std::vector<double> ServerState::LatencyPercentiles() const {
  std::lock_guard lk(stats_mu_);
  return latency_percentiles_;
}

void ServerState::ForEachLatencyHistogram(
    const std::function<void(const std::string&, const LatencyHistogram&)>& fn) const {
  std::vector<std::pair<std::string, const LatencyHistogram*>> rows;
  for (auto& [spec, st] : command_stats_) {
    const LatencyHistogram* h = st->histogram.load(std::memory_order_acquire);
    if (h && h->total()) rows.emplace_back(spec->full_name, h);
  }
  {
    std::lock_guard lk(stats_mu_);  // entries are never freed: used after unlocking
    for (auto& [name, st] : custom_stats_) {
      const LatencyHistogram* h = st->histogram.load(std::memory_order_acquire);
      if (h && h->total()) rows.emplace_back(name, h);
    }
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, h] : rows) fn(name, *h);
}

void ServerState::ResetStats() {
  for (auto& [spec, st] : command_stats_) {
    // Histograms are zeroed, not freed: another thread may be recording into one.
    if (LatencyHistogram* h = st->histogram.load(std::memory_order_acquire)) h->Reset();
    st->calls = 0;
    st->usec = 0;
    st->rejected_calls = 0;
    st->failed_calls = 0;
    for (auto& b : st->latency) b = 0;
  }
  engine_->ResetStats();
  std::lock_guard lk(stats_mu_);
  for (auto& [name, st] : custom_stats_) {  // references handed out stay valid: reset in place
    if (LatencyHistogram* h = st->histogram.load(std::memory_order_acquire)) h->Reset();
    st->calls = 0;
    st->usec = 0;
    st->rejected_calls = 0;
    st->failed_calls = 0;
    for (auto& b : st->latency) b = 0;
  }
  error_counts_.clear();
  total_commands = 0;
  total_connections = 0;
  rejected_connections = 0;
  net_input_bytes = 0;
  net_output_bytes = 0;
  total_error_replies = 0;
  total_reads_processed = 0;
  total_writes_processed = 0;
}

void ServerState::CountError(std::string_view code) {
  total_error_replies.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lk(stats_mu_);
  auto it = error_counts_.find(code);
  if (it == error_counts_.end())
    error_counts_.emplace(std::string(code), 1);
  else
    ++it->second;
}

std::vector<std::pair<std::string, uint64_t>> ServerState::ErrorCounts() const {
  std::lock_guard lk(stats_mu_);
  return {error_counts_.begin(), error_counts_.end()};
}

}  // namespace fincache
