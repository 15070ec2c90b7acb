// INFO [section ...]: Redis 7.0's sections and field names, filled from ServerState, the engine,
// the client registry and the process (getrusage, /proc/self/statm).
//
// Sections appear in Redis's order whatever the order of the arguments; unknown section names
// are ignored; "default" (also no argument) is every section but commandstats and latencystats;
// "all" and "everything" add them. Fields FinCache doesn't have (replication backlog, forks, AOF)
// keep Redis's names with the values of a server that has none of them.
#include <malloc.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "commands/command_context.h"
#include "commands/aof.h"
#include "commands/persistence.h"
#include "commands/server_family.h"
#include "common/strings.h"
#include "script/script_engine.h"

#ifndef FINCACHE_VERSION
#define FINCACHE_VERSION "0.0.0"
#endif

namespace fincache {

namespace {

// Rates and peaks sampled across INFO calls, per server (keyed by run id, unique per ServerState).
struct Samples {
  int64_t t_ms = 0;
  uint64_t commands = 0, in_bytes = 0, out_bytes = 0;
  double ops_per_sec = 0, in_kbps = 0, out_kbps = 0;
  int64_t peak_memory = 0;
};

std::mutex samples_mu;
std::map<std::string, Samples>& AllSamples() {
  static auto* m = new std::map<std::string, Samples>();
  return *m;
}

// Updates and returns the samples of this server: instantaneous rates over the interval since
// the previous sample (at least 100ms old, as Redis's cron samples every 100ms).
Samples Sample(ServerState& server, int64_t now_ms, int64_t used_memory) {
  std::lock_guard lk(samples_mu);
  Samples& s = AllSamples()[server.run_id()];
  uint64_t cmds = server.total_commands.load();
  uint64_t in = server.net_input_bytes.load();
  uint64_t out = server.net_output_bytes.load();
  if (s.t_ms == 0) {
    s.t_ms = server.start_time_ms();
  }
  int64_t dt = now_ms - s.t_ms;
  if (dt >= 100) {
    double secs = static_cast<double>(dt) / 1000.0;
    auto delta = [](uint64_t now, uint64_t before) { return now >= before ? now - before : now; };
    s.ops_per_sec = static_cast<double>(delta(cmds, s.commands)) / secs;
    s.in_kbps = static_cast<double>(delta(in, s.in_bytes)) / secs / 1024.0;
    s.out_kbps = static_cast<double>(delta(out, s.out_bytes)) / secs / 1024.0;
    s.t_ms = now_ms;
    s.commands = cmds;
    s.in_bytes = in;
    s.out_bytes = out;
  }
  s.peak_memory = std::max(s.peak_memory, used_memory);
  return s;
}

class InfoWriter {
 public:
  void Section(std::string_view name) {
    if (!out_.empty()) out_ += "\r\n";
    out_ += "# ";
    out_ += name;
    out_ += "\r\n";
  }
  void Field(std::string_view name, std::string_view value) {
    out_ += name;
    out_ += ':';
    out_ += value;
    out_ += "\r\n";
  }
  void Field(std::string_view name, int64_t v) { Field(name, std::to_string(v)); }
  void Field(std::string_view name, uint64_t v) { Field(name, std::to_string(v)); }
  void Field(std::string_view name, int v) { Field(name, std::to_string(v)); }
  void Fixed(std::string_view name, double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    Field(name, buf);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

int64_t TotalSystemMemory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : 0;
}

double TvSeconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

// Fixed cost of an engine with no keys: shard records and their per-db tables.
int64_t BaselineMemory(Engine& engine) { return engine.BaselineMemory(); }

// Redis's avg_ttl is an estimate from sampling; so is this: up to 16 TTL entries per shard.
int64_t AverageTtl(Engine& engine, int db, int64_t now_ms) {
  int64_t sum = 0, n = 0;
  for (size_t i = 0; i < engine.shard_count(); ++i) {
    Shard& shard = engine.shard(i);
    std::lock_guard lk(shard.mu);
    if (db >= static_cast<int>(shard.dbs.size())) continue;
    auto& ttl = shard.dbs[db].ttl_entries;
    size_t take = std::min<size_t>(ttl.size(), 16);
    for (size_t j = 0; j < take; ++j) {
      int64_t left = ttl[j]->expire_ms - now_ms;
      if (left > 0) {
        sum += left;
        ++n;
      }
    }
  }
  return n ? sum / n : 0;
}

constexpr std::string_view kSectionOrder[] = {
    "server",  "clients",      "memory",     "persistence",  "stats",   "replication", "cpu",
    "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace"};

// Sections "default" leaves out (as Redis: the per-command ones).
bool PerCommandSection(std::string_view s) { return s == "commandstats" || s == "latencystats"; }

std::set<std::string> SelectSections(CmdArgList sections) {
  std::set<std::string> out;
  auto add_default = [&] {
    for (auto s : kSectionOrder)
      if (!PerCommandSection(s)) out.emplace(s);
  };
  if (sections.empty()) {
    add_default();
    return out;
  }
  for (auto arg : sections) {
    std::string s = ToLower(arg);
    if (s == "all" || s == "everything") {
      for (auto n : kSectionOrder) out.emplace(n);
    } else if (s == "default") {
      add_default();
    } else {
      out.insert(s);
    }
  }
  return out;
}

void ServerSection(InfoWriter& w, CommandContext& ctx) {
  ServerState& server = ctx.server;
  utsname un{};
  uname(&un);
  int64_t uptime = (ctx.now_ms - server.start_time_ms()) / 1000;
  w.Section("Server");
  w.Field("redis_version", kRedisVersion);
  w.Field("fincache_version", FINCACHE_VERSION);
  w.Field("redis_git_sha1", "00000000");
  w.Field("redis_git_dirty", 0);
  w.Field("redis_build_id", "0000000000000000");
  w.Field("redis_mode", "standalone");
  w.Field("os", std::string(un.sysname) + " " + un.release + " " + un.machine);
  w.Field("arch_bits", static_cast<int>(sizeof(void*) * 8));
  w.Field("monotonic_clock", "POSIX clock_gettime");
  w.Field("multiplexing_api", "epoll");
  w.Field("atomicvar_api", "c11-builtin");
#if defined(__clang__)
  w.Field("gcc_version", std::to_string(__clang_major__) + "." + std::to_string(__clang_minor__) +
                             "." + std::to_string(__clang_patchlevel__));
#elif defined(__GNUC__)
  w.Field("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                             std::to_string(__GNUC_PATCHLEVEL__));
#endif
  w.Field("process_id", static_cast<int64_t>(getpid()));
  w.Field("process_supervised", "no");
  w.Field("run_id", server.run_id());
  w.Field("tcp_port", server.tcp_port.load());
  w.Field("server_time_usec", ctx.engine.clock().NowUs());
  w.Field("uptime_in_seconds", uptime);
  w.Field("uptime_in_days", uptime / 86400);
  w.Field("hz", ctx.engine.hz());
  w.Field("configured_hz", ctx.engine.hz());
  w.Field("lru_clock", static_cast<int64_t>((ctx.now_ms / 1000) & 0xFFFFFF));
  w.Field("executable", server.executable);
  w.Field("config_file", server.config_file);
  w.Field("io_threads_active", server.io_threads.load() > 1 ? 1 : 0);
}

void ClientsSection(InfoWriter& w, CommandContext& ctx) {
  size_t max_in = 0, max_out = 0;
  ctx.server.clients().ForEach([&](Session& s) {
    max_in = std::max(max_in, s.query_buffer_bytes.load());
    max_out = std::max(max_out, s.output_buffer_bytes.load());
  });
  w.Section("Clients");
  w.Field("connected_clients", static_cast<uint64_t>(ctx.server.clients().size()));
  w.Field("cluster_connections", 0);
  w.Field("maxclients", ctx.server.config().maxclients.load());
  w.Field("client_recent_max_input_buffer", static_cast<uint64_t>(max_in));
  w.Field("client_recent_max_output_buffer", static_cast<uint64_t>(max_out));
  BlockingManager& blocking = ctx.engine.blocking();
  w.Field("blocked_clients", static_cast<uint64_t>(blocking.blocked_calls()));
  w.Field("tracking_clients", 0);
  w.Field("clients_in_timeout_table", static_cast<uint64_t>(blocking.calls_with_timeout()));
}

void MemorySection(InfoWriter& w, CommandContext& ctx, const Samples& samples, int64_t used,
                   int64_t baseline) {
  int64_t rss = ProcessRssBytes();
  int64_t total = TotalSystemMemory();
  int64_t peak = std::max(ctx.engine.PeakMemory(), used);
  int64_t dataset = used - baseline;
  w.Section("Memory");
  w.Field("used_memory", used);
  w.Field("used_memory_human", BytesToHuman(used));
  w.Field("used_memory_rss", rss);
  w.Field("used_memory_rss_human", BytesToHuman(rss));
  w.Field("used_memory_peak", peak);
  w.Field("used_memory_peak_human", BytesToHuman(peak));
  char perc[32];
  std::snprintf(perc, sizeof(perc), "%.2f%%", peak ? 100.0 * used / peak : 0.0);
  w.Field("used_memory_peak_perc", perc);
  w.Field("used_memory_overhead", baseline);
  w.Field("used_memory_startup", baseline);
  w.Field("used_memory_dataset", dataset);
  std::snprintf(perc, sizeof(perc), "%.2f%%", used ? 100.0 * dataset / used : 0.0);
  w.Field("used_memory_dataset_perc", perc);
  // The allocator's view (glibc's mallinfo2): bytes handed out, bytes it holds from the system.
  const struct mallinfo2 mi = mallinfo2();
  const auto allocated = static_cast<int64_t>(mi.uordblks + mi.hblkhd);
  const auto active = static_cast<int64_t>(mi.arena + mi.hblkhd);
  w.Field("allocator_allocated", allocated);
  w.Field("allocator_active", active);
  w.Field("allocator_resident", rss);
  w.Field("total_system_memory", total);
  w.Field("total_system_memory_human", BytesToHuman(total));
  // Scripting: the EVAL and function Lua states and what they hold.
  script::ScriptEngine& scripts = ctx.server.scripts();
  const int64_t vm_eval = scripts.LuaMemoryBytes(false);
  const int64_t vm_functions = scripts.LuaMemoryBytes(true);
  w.Field("used_memory_lua", vm_eval);
  w.Field("used_memory_vm_eval", vm_eval);
  w.Field("used_memory_lua_human", BytesToHuman(vm_eval));
  w.Field("used_memory_scripts_eval", 0);
  w.Field("number_of_cached_scripts", static_cast<uint64_t>(scripts.ScriptCount()));
  w.Field("number_of_functions", static_cast<uint64_t>(scripts.FunctionCount()));
  w.Field("number_of_libraries", static_cast<uint64_t>(scripts.LibraryCount()));
  w.Field("used_memory_vm_functions", vm_functions);
  w.Field("used_memory_vm_total", vm_eval + vm_functions);
  w.Field("used_memory_vm_total_human", BytesToHuman(vm_eval + vm_functions));
  w.Field("used_memory_functions", 0);
  w.Field("used_memory_scripts", 0);
  w.Field("used_memory_scripts_human", "0B");
  const Evictor& evictor = ctx.engine.evictor();
  const int64_t maxmemory = static_cast<int64_t>(evictor.maxmemory());
  w.Field("maxmemory", std::to_string(evictor.maxmemory()));
  w.Field("maxmemory_human", BytesToHuman(maxmemory));
  w.Field("maxmemory_policy", EvictionPolicyName(evictor.policy()));
  auto ratio = [](int64_t a, int64_t b) { return b > 0 ? static_cast<double>(a) / b : 0.0; };
  w.Fixed("allocator_frag_ratio", ratio(active, allocated), 2);
  w.Field("allocator_frag_bytes", active - allocated);
  w.Fixed("allocator_rss_ratio", ratio(rss, active), 2);
  w.Field("allocator_rss_bytes", rss - active);
  w.Fixed("rss_overhead_ratio", ratio(rss, rss), 2);
  w.Field("rss_overhead_bytes", 0);
  w.Fixed("mem_fragmentation_ratio", used ? static_cast<double>(rss) / used : 0.0, 2);
  w.Field("mem_fragmentation_bytes", rss - used);
  w.Field("mem_not_counted_for_evict", 0);
  w.Field("mem_replication_backlog", 0);
  w.Field("mem_total_replication_buffers", 0);
  w.Field("mem_clients_slaves", 0);
  w.Field("mem_clients_normal", 0);
  w.Field("mem_cluster_links", 0);
  w.Field("mem_aof_buffer", 0);
  w.Field("mem_allocator", "libc");
  w.Field("active_defrag_running", 0);
  w.Field("lazyfree_pending_objects", 0);
  w.Field("lazyfreed_objects", 0);
}

void PersistenceSection(InfoWriter& w, CommandContext& ctx) {
  const Persistence& p = ctx.server.persistence();
  w.Section("Persistence");
  w.Field("loading", ctx.server.loading.load() ? 1 : 0);
  w.Field("async_loading", 0);
  // Copy-on-write sizes of fork children and key progress of a running save: not measured.
  w.Field("current_cow_peak", 0);
  w.Field("current_cow_size", 0);
  w.Field("current_cow_size_age", 0);
  w.Fixed("current_fork_perc", 0, 2);
  w.Field("current_save_keys_processed", 0);
  w.Field("current_save_keys_total", 0);
  w.Field("rdb_changes_since_last_save", ctx.server.dirty.load());
  w.Field("rdb_bgsave_in_progress", p.bgsave_in_progress() ? 1 : 0);
  w.Field("rdb_last_save_time", p.lastsave_s());
  w.Field("rdb_last_bgsave_status", p.last_bgsave_ok() ? "ok" : "err");
  w.Field("rdb_last_bgsave_time_sec", p.last_bgsave_time_sec());
  w.Field("rdb_current_bgsave_time_sec", p.current_bgsave_time_sec());
  w.Field("rdb_saves", p.rdb_saves());
  w.Field("rdb_last_cow_size", 0);
  w.Field("rdb_last_load_keys_expired", p.last_load_keys_expired());
  w.Field("rdb_last_load_keys_loaded", p.last_load_keys_loaded());
  const AppendOnly& aof = ctx.server.aof();
  w.Field("aof_enabled", aof.enabled() ? 1 : 0);
  w.Field("aof_rewrite_in_progress", aof.rewrite_in_progress() ? 1 : 0);
  w.Field("aof_rewrite_scheduled", aof.rewrite_scheduled() ? 1 : 0);
  w.Field("aof_last_rewrite_time_sec", aof.last_rewrite_time_sec());
  w.Field("aof_current_rewrite_time_sec", aof.current_rewrite_time_sec());
  w.Field("aof_last_bgrewrite_status", aof.last_rewrite_ok() ? "ok" : "err");
  w.Field("aof_rewrites", aof.rewrites());
  w.Field("aof_rewrites_consecutive_failures", aof.rewrites_consecutive_failures());
  w.Field("aof_last_write_status", aof.last_write_ok() ? "ok" : "err");
  w.Field("aof_last_cow_size", 0);
  w.Field("module_fork_in_progress", 0);
  w.Field("module_fork_last_cow_size", 0);
  if (aof.enabled()) {
    w.Field("aof_current_size", aof.current_size());
    w.Field("aof_base_size", aof.base_size());
    w.Field("aof_pending_rewrite", aof.rewrite_scheduled() ? 1 : 0);
    w.Field("aof_buffer_length", static_cast<int64_t>(aof.buffer_length()));
    w.Field("aof_pending_bio_fsync", 0);
    w.Field("aof_delayed_fsync", aof.delayed_fsync());
  }
}

void StatsSection(InfoWriter& w, CommandContext& ctx, const Samples& samples) {
  ServerState& s = ctx.server;
  w.Section("Stats");
  w.Field("total_connections_received", s.total_connections.load());
  w.Field("total_commands_processed", s.total_commands.load());
  w.Field("instantaneous_ops_per_sec", static_cast<int64_t>(samples.ops_per_sec + 0.5));
  w.Field("total_net_input_bytes", s.net_input_bytes.load());
  w.Field("total_net_output_bytes", s.net_output_bytes.load());
  w.Field("total_net_repl_input_bytes", 0);
  w.Field("total_net_repl_output_bytes", 0);
  w.Fixed("instantaneous_input_kbps", samples.in_kbps, 2);
  w.Fixed("instantaneous_output_kbps", samples.out_kbps, 2);
  w.Fixed("instantaneous_input_repl_kbps", 0, 2);
  w.Fixed("instantaneous_output_repl_kbps", 0, 2);
  w.Field("rejected_connections", s.rejected_connections.load());
  w.Field("sync_full", 0);
  w.Field("sync_partial_ok", 0);
  w.Field("sync_partial_err", 0);
  w.Field("expired_keys", ctx.engine.ExpiredKeys());
  w.Fixed("expired_stale_perc", 0, 2);
  w.Field("expired_time_cap_reached_count", 0);
  w.Field("expire_cycle_cpu_milliseconds", 0);
  w.Field("evicted_keys", ctx.engine.EvictedKeys());
  w.Field("evicted_clients", 0);
  const int64_t now_us = ctx.engine.clock().NowUs();
  w.Field("total_eviction_exceeded_time", ctx.engine.evictor().total_exceeded_us(now_us) / 1000);
  w.Field("current_eviction_exceeded_time",
          ctx.engine.evictor().current_exceeded_us(now_us) / 1000);
  w.Field("keyspace_hits", ctx.engine.KeyspaceHits());
  w.Field("keyspace_misses", ctx.engine.KeyspaceMisses());
  w.Field("pubsub_channels", ctx.engine.pubsub().ChannelCount(false));
  w.Field("pubsub_patterns", ctx.engine.pubsub().NumPat());
  w.Field("pubsubshard_channels", ctx.engine.pubsub().ChannelCount(true));
  w.Field("latest_fork_usec", 0);
  w.Field("total_forks", 0);
  w.Field("migrate_cached_sockets", 0);
  w.Field("slave_expires_tracked_keys", 0);
  w.Field("active_defrag_hits", 0);
  w.Field("active_defrag_misses", 0);
  w.Field("active_defrag_key_hits", 0);
  w.Field("active_defrag_key_misses", 0);
  w.Field("total_active_defrag_time", 0);
  w.Field("current_active_defrag_time", 0);
  w.Field("tracking_total_keys", 0);
  w.Field("tracking_total_items", 0);
  w.Field("tracking_total_prefixes", 0);
  w.Field("unexpected_error_replies", 0);
  w.Field("total_error_replies", s.total_error_replies.load());
  w.Field("dump_payload_sanitizations", 0);
  w.Field("total_reads_processed", s.total_reads_processed.load());
  w.Field("total_writes_processed", s.total_writes_processed.load());
  w.Field("io_threaded_reads_processed", 0);
  w.Field("io_threaded_writes_processed", 0);
  w.Field("reply_buffer_shrinks", 0);
  w.Field("reply_buffer_expands", 0);
}

void ReplicationSection(InfoWriter& w, CommandContext& ctx) {
  w.Section("Replication");
  w.Field("role", "master");
  w.Field("connected_slaves", 0);
  w.Field("master_failover_state", "no-failover");
  w.Field("master_replid", ctx.server.replication_id());
  w.Field("master_replid2", std::string(40, '0'));
  w.Field("master_repl_offset", 0);
  w.Field("second_repl_offset", -1);
  w.Field("repl_backlog_active", 0);
  w.Field("repl_backlog_size", 1048576);
  w.Field("repl_backlog_first_byte_offset", 0);
  w.Field("repl_backlog_histlen", 0);
}

void CpuSection(InfoWriter& w) {
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  w.Section("CPU");
  w.Fixed("used_cpu_sys", TvSeconds(self.ru_stime), 6);
  w.Fixed("used_cpu_user", TvSeconds(self.ru_utime), 6);
  w.Fixed("used_cpu_sys_children", TvSeconds(children.ru_stime), 6);
  w.Fixed("used_cpu_user_children", TvSeconds(children.ru_utime), 6);
  // Every network thread runs whole commands; the "main thread" is the one answering INFO.
  rusage thread{};
  getrusage(RUSAGE_THREAD, &thread);
  w.Fixed("used_cpu_sys_main_thread", TvSeconds(thread.ru_stime), 6);
  w.Fixed("used_cpu_user_main_thread", TvSeconds(thread.ru_utime), 6);
}

void CommandStatsSection(InfoWriter& w, CommandContext& ctx) {
  w.Section("Commandstats");
  ctx.server.ForEachCommandStats([&](const std::string& name, const CommandStats& st) {
    uint64_t calls = st.calls.load(), usec = st.usec.load();
    char buf[256];
    std::snprintf(buf, sizeof(buf),
                  "calls=%" PRIu64 ",usec=%" PRIu64 ",usec_per_call=%.2f,rejected_calls=%" PRIu64
                  ",failed_calls=%" PRIu64,
                  calls, usec, calls ? static_cast<double>(usec) / calls : 0.0,
                  st.rejected_calls.load(), st.failed_calls.load());
    w.Field("cmdstat_" + name, buf);
  });
}

void ErrorStatsSection(InfoWriter& w, CommandContext& ctx) {
  w.Section("Errorstats");
  for (auto& [code, count] : ctx.server.ErrorCounts())
    w.Field("errorstat_" + code, "count=" + std::to_string(count));
}

// latency_percentiles_usec_<command>:p50=1.003,p99=1.003,p99.9=1.003 (latency-tracking-info-
// percentiles, printed as Redis: "%f" trimmed, values in µs with 3 decimals).
void LatencyStatsSection(InfoWriter& w, CommandContext& ctx) {
  w.Section("Latencystats");
  std::vector<double> percentiles = ctx.server.LatencyPercentiles();
  std::vector<std::string> names;
  for (double p : percentiles) names.push_back("p" + Config::FormatPercentile(p));
  ctx.server.ForEachLatencyHistogram([&](const std::string& name, const LatencyHistogram& h) {
    std::string value;
    for (size_t i = 0; i < percentiles.size(); ++i) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%s=%.3f", names[i].c_str(),
                    static_cast<double>(h.ValueAtPercentile(percentiles[i])) / 1000.0);
      if (i) value += ',';
      value += buf;
    }
    w.Field("latency_percentiles_usec_" + name, value);
  });
}

void KeyspaceSection(InfoWriter& w, CommandContext& ctx) {
  w.Section("Keyspace");
  for (int db = 0; db < ctx.engine.db_count(); ++db) {
    int64_t keys = ctx.engine.DbSize(db);
    if (keys <= 0) continue;
    int64_t expires = ctx.engine.ExpiresCount(db);
    int64_t avg_ttl = expires > 0 ? AverageTtl(ctx.engine, db, ctx.now_ms) : 0;
    w.Field("db" + std::to_string(db), "keys=" + std::to_string(keys) +
                                           ",expires=" + std::to_string(expires) +
                                           ",avg_ttl=" + std::to_string(avg_ttl));
  }
}

// INFO [section ...] -> verbatim string (RESP2: bulk string) of "# Section" blocks
void CmdInfo(CmdArgList args, CommandContext& ctx) {
  ctx.rb.SendVerbatim(BuildInfoText(ctx, args.subspan(1)));
}

}  // namespace

std::string BytesToHuman(int64_t n) {
  char buf[64];
  double d = static_cast<double>(n);
  if (n < 1024) {
    std::snprintf(buf, sizeof(buf), "%" PRId64 "B", n);
  } else if (n < 1024LL * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
  } else if (n < 1024LL * 1024 * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fM", d / (1024.0 * 1024));
  } else if (n < 1024LL * 1024 * 1024 * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fG", d / (1024.0 * 1024 * 1024));
  } else if (n < 1024LL * 1024 * 1024 * 1024 * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fT", d / (1024.0 * 1024 * 1024 * 1024));
  } else {
    std::snprintf(buf, sizeof(buf), "%.2fP", d / (1024.0 * 1024 * 1024 * 1024 * 1024));
  }
  return buf;
}

std::string BuildInfoText(CommandContext& ctx, CmdArgList sections) {
  std::set<std::string> want = SelectSections(sections);
  int64_t baseline = BaselineMemory(ctx.engine);
  int64_t used = ctx.engine.UsedMemory() + baseline;
  Samples samples = Sample(ctx.server, ctx.now_ms, used);
  InfoWriter w;
  for (auto name : kSectionOrder) {
    if (!want.count(std::string(name))) continue;
    if (name == "server") ServerSection(w, ctx);
    if (name == "clients") ClientsSection(w, ctx);
    if (name == "memory") MemorySection(w, ctx, samples, used, baseline);
    if (name == "persistence") PersistenceSection(w, ctx);
    if (name == "stats") StatsSection(w, ctx, samples);
    if (name == "replication") ReplicationSection(w, ctx);
    if (name == "cpu") CpuSection(w);
    if (name == "modules") w.Section("Modules");
    if (name == "commandstats") CommandStatsSection(w, ctx);
    if (name == "errorstats") ErrorStatsSection(w, ctx);
    if (name == "latencystats") LatencyStatsSection(w, ctx);
    if (name == "cluster") {
      w.Section("Cluster");
      w.Field("cluster_enabled", 0);
    }
    if (name == "keyspace") KeyspaceSection(w, ctx);
  }
  return w.Take();
}

void RegisterInfoCommand(CommandRegistry& r) {
  r.Add({.name = "info",
         .arity = -1,
         .flags = CO::kLoading | CO::kStale,
         .acl = ACL::kDangerous,
         .group = "server",
         .since = "1.0.0",
         .summary = "Get information and statistics about the server",
         .complexity = "O(1)",
         .handler = CmdInfo})
      .Tips({"nondeterministic_output", "request_policy:all_shards", "response_policy:special"})
      .History({{"7.0.0", "Added support for taking multiple section arguments."}})
      .Args("section/string?*");
}

}  // namespace fincache
