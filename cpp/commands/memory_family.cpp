// Memory: the maxmemory settings and MEMORY DOCTOR/MALLOC-STATS/PURGE/STATS/USAGE/HELP.
//
// Byte counts are FinCache's own accounting (engine.h: every key's record, key bytes and value
// heap bytes as the allocator would round them, plus the engine's fixed tables), not the
// allocator's total like Redis's zmalloc: MEMORY USAGE of a key and MEMORY STATS differ from
// Redis's numbers while keeping Redis's reply shapes. The allocator figures (allocator.*,
// fragmentation, MALLOC-STATS, PURGE) come from glibc malloc (mallinfo2, malloc_info,
// malloc_trim); Redis reports jemalloc's.
#include "commands/memory_family.h"

#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "commands/command_context.h"
#include "commands/config.h"
#include "commands/server_family.h"
#include "common/errors.h"
#include "common/strings.h"

namespace fincache {

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

bool ParseMemoryUll(std::string_view s, uint64_t* out) {
  if (!s.empty() && s.front() == '-') return false;
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  std::string unit = ToLower(s.substr(digits));
  uint64_t mul;
  if (unit.empty() || unit == "b")
    mul = 1;
  else if (unit == "k")
    mul = 1000;
  else if (unit == "kb")
    mul = 1024;
  else if (unit == "m")
    mul = 1000 * 1000;
  else if (unit == "mb")
    mul = 1024 * 1024;
  else if (unit == "g")
    mul = 1000ull * 1000 * 1000;
  else if (unit == "gb")
    mul = 1024ull * 1024 * 1024;
  else
    return false;
  if (digits >= 128) return false;
  // strtoull semantics: no digits is 0, too many saturates.
  uint64_t v = 0;
  for (size_t i = 0; i < digits; ++i) {
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) {
      v = UINT64_MAX;
      break;
    }
    v = v * 10 + d;
  }
  *out = v * mul;  // wraps like Redis's unsigned multiplication
  return true;
}

void RegisterMemorySettings(Config& config) {
  using Kind = Config::Kind;
  // The limit in bytes (0: none); above it, commands evict first or are refused with OOM.
  config.Register({.name = "maxmemory",
                   .kind = Kind::kString,
                   .default_value = "0",
                   .validate = [](std::string& v) -> std::string {
                     uint64_t bytes;
                     if (!ParseMemoryUll(v, &bytes)) return "argument must be a memory value";
                     v = std::to_string(bytes);
                     return "";
                   }});
  // Redis's order in the error text.
  config.Register(
      {.name = "maxmemory-policy",
       .kind = Kind::kEnum,
       .enum_values = {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                       "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"},
       .default_value = "noeviction"});
  config.Register({.name = "maxmemory-samples",
                   .kind = Kind::kInt,
                   .min = 1,
                   .max = INT32_MAX,
                   .default_value = "5"});
  config.Register({.name = "maxmemory-eviction-tenacity",
                   .kind = Kind::kInt,
                   .min = 0,
                   .max = 100,
                   .default_value = "10"});
  config.Register({.name = "lfu-log-factor",
                   .kind = Kind::kInt,
                   .min = 0,
                   .max = INT32_MAX,
                   .default_value = "10"});
  config.Register({.name = "lfu-decay-time",
                   .kind = Kind::kInt,
                   .min = 0,
                   .max = INT32_MAX,
                   .default_value = "1"});
}

namespace {

// ---------------------------------------------------------------------------------------------
// Process and allocator figures
// ---------------------------------------------------------------------------------------------

struct AllocatorStats {
  int64_t allocated = 0;  // bytes in use by the program
  int64_t active = 0;     // bytes the allocator holds from the system (arenas + mmapped)
  int64_t resident = 0;   // process RSS
};

AllocatorStats ReadAllocatorStats() {
  AllocatorStats a;
  struct mallinfo2 mi = mallinfo2();
  a.allocated = static_cast<int64_t>(mi.uordblks + mi.hblkhd);
  a.active = static_cast<int64_t>(mi.arena + mi.hblkhd);
  a.resident = ProcessRssBytes();
  return a;
}

// Redis computes these ratios as floats.
double Ratio(int64_t a, int64_t b) {
  return b ? static_cast<double>(static_cast<float>(a) / static_cast<float>(b)) : 0.0;
}

// Redis's getMemoryOverheadData, on FinCache's accounting.
struct MemoryOverhead {
  struct DbOverhead {
    int db;
    int64_t main;     // hash table buckets
    int64_t expires;  // TTL index
  };
  int64_t peak = 0, total = 0, startup = 0, overhead_total = 0, keys = 0;
  int64_t bytes_per_key = 0, dataset = 0;
  double dataset_perc = 0, peak_perc = 0;
  std::vector<DbOverhead> dbs;
};

// Walks every shard's tables: the caller holds the exclusive gate (MEMORY STATS and DOCTOR are
// kGlobal).
MemoryOverhead ComputeOverhead(Engine& engine) {
  MemoryOverhead m;
  m.total = engine.TotalUsedMemory();
  m.peak = engine.PeakMemory();
  m.startup = engine.BaselineMemory();
  m.overhead_total = m.startup;
  for (int db = 0; db < engine.db_count(); ++db) {
    int64_t keys = 0, main = 0, expires = 0;
    for (size_t i = 0; i < engine.shard_count(); ++i) {
      DbTable& t = engine.shard(i).dbs[db];
      keys += static_cast<int64_t>(t.table.size());
      main += static_cast<int64_t>(t.table.bucket_count() * sizeof(void*));
      expires += static_cast<int64_t>(t.ttl_entries.capacity() * sizeof(Entry*));
    }
    if (keys == 0) continue;
    m.keys += keys;
    m.dbs.push_back({db, main, expires});
    m.overhead_total += main + expires;
  }
  const int64_t net = m.total - m.startup;
  m.bytes_per_key = m.keys ? net / m.keys : 0;
  m.dataset = m.total - m.overhead_total;
  m.dataset_perc =
      net > 0 ? static_cast<double>(static_cast<float>(m.dataset) * 100 / static_cast<float>(net))
              : 0.0;
  m.peak_perc =
      m.peak ? static_cast<double>(static_cast<float>(m.total) * 100 / static_cast<float>(m.peak))
             : 0.0;
  return m;
}

// ---------------------------------------------------------------------------------------------
// MEMORY
// ---------------------------------------------------------------------------------------------

// MEMORY USAGE key [SAMPLES count] -> integer: bytes of the key and its value; nil when missing.
// FinCache's accounting is exact per value, so SAMPLES is validated (as Redis) and not needed.
// As Redis, the key is looked up without expiring it.
void CmdMemoryUsage(CmdArgList args, CommandContext& ctx) {
  for (size_t j = 3; j < args.size(); ++j) {
    if (EqualsIgnoreCase(args[j], "samples") && j + 1 < args.size()) {
      int64_t samples;
      if (!ParseInt64(args[j + 1], &samples)) return ctx.SendError(errors::kNotInteger);
      if (samples < 0) return ctx.SendError(errors::kSyntax);
      ++j;
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  Db db = ctx.db();
  const Entry* e = db.table_of(args[2]).table.Find(args[2]);
  if (!e) return ctx.rb.SendNull();
  ctx.rb.SendLong(static_cast<int64_t>(EntryMemory(args[2], *e)));
}

// MEMORY STATS -> map: Redis's fields (peak.allocated ... fragmentation.bytes, db.<n> maps)
void CmdMemoryStats(CmdArgList, CommandContext& ctx) {
  MemoryOverhead m = ComputeOverhead(ctx.engine);
  AllocatorStats a = ReadAllocatorStats();
  protocol::ReplyBuilder& rb = ctx.rb;
  rb.StartMap(27 + m.dbs.size());
  auto field = [&](std::string_view name, int64_t v) {
    rb.SendBulk(name);
    rb.SendLong(v);
  };
  auto dfield = [&](std::string_view name, double v) {
    rb.SendBulk(name);
    rb.SendDouble(v);
  };
  field("peak.allocated", m.peak);
  field("total.allocated", m.total);
  field("startup.allocated", m.startup);
  field("replication.backlog", 0);
  field("clients.slaves", 0);
  field("clients.normal", 0);
  field("cluster.links", 0);
  field("aof.buffer", 0);
  field("lua.caches", 0);
  field("functions.caches", 0);
  for (auto& d : m.dbs) {
    rb.SendBulk("db." + std::to_string(d.db));
    rb.StartMap(3);
    field("overhead.hashtable.main", d.main);
    field("overhead.hashtable.expires", d.expires);
    field("overhead.hashtable.slot-to-keys", 0);
  }
  field("overhead.total", m.overhead_total);
  field("keys.count", m.keys);
  field("keys.bytes-per-key", m.bytes_per_key);
  field("dataset.bytes", m.dataset);
  dfield("dataset.percentage", m.dataset_perc);
  dfield("peak.percentage", m.peak_perc);
  field("allocator.allocated", a.allocated);
  field("allocator.active", a.active);
  field("allocator.resident", a.resident);
  dfield("allocator-fragmentation.ratio", Ratio(a.active, a.allocated));
  field("allocator-fragmentation.bytes", a.active - a.allocated);
  dfield("allocator-rss.ratio", Ratio(a.resident, a.active));
  field("allocator-rss.bytes", a.resident - a.active);
  dfield("rss-overhead.ratio", Ratio(a.resident, a.resident));
  field("rss-overhead.bytes", 0);
  dfield("fragmentation", Ratio(a.resident, m.total));
  field("fragmentation.bytes", a.resident - m.total);
}

// MEMORY DOCTOR -> verbatim text: Redis's report (empty instance, no issue, or the issues found)
void CmdMemoryDoctor(CmdArgList, CommandContext& ctx) {
  MemoryOverhead m = ComputeOverhead(ctx.engine);
  const int64_t rss = ProcessRssBytes();
  std::string report;
  if (m.total < 5 * 1024 * 1024) {
    report =
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't "
        "be used in these conditions. Please, leave for your mission on Earth and fill it with "
        "some data. The new Sam and I will be back to our programming as soon as I finished "
        "rebooting.\n";
  } else {
    std::string issues;
    if (m.total > 0 && static_cast<double>(m.peak) / static_cast<double>(m.total) > 1.5) {
      issues +=
          " * Peak memory: In the past this instance used more than 150% the memory that is "
          "currently using. The allocator is normally not able to release memory after a peak, "
          "so you can expect to see a big fragmentation ratio, however this is actually "
          "harmless and is only due to the memory peak, and if the Redis instance Resident Set "
          "Size (RSS) is currently bigger than expected, the memory will be used as soon as you "
          "fill the Redis instance with more data. If the memory peak was only occasional and "
          "you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise "
          "the only other option is to shutdown and restart the instance.\n\n";
    }
    const double frag = m.total ? static_cast<double>(rss) / static_cast<double>(m.total) : 0;
    if (frag > 1.4) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.2f", frag);
      issues += std::string(
                    " * High total RSS: This instance has a memory fragmentation and RSS "
                    "overhead greater than 1.4 (this means that the Resident Set Size of "
                    "the Redis process is much larger than the sum of the logical "
                    "allocations Redis performed). This problem is usually due either to "
                    "a large peak memory (check if there is a peak memory entry above in "
                    "the report) or may result from a workload that causes the "
                    "allocator to fragment memory a lot. You may try enabling "
                    "'activedefrag' config option. (fragmentation ratio: ") +
                buf + ")\n\n";
    }
    if (issues.empty()) {
      report =
          "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
          "occurs on this base.\n";
    } else {
      report = "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + issues +
               "I'm here to keep you safe, Sam. I want to help you.\n";
    }
  }
  ctx.rb.SendVerbatim(report, "txt");
}

// MEMORY MALLOC-STATS -> verbatim text: glibc's malloc_info report (XML)
void CmdMemoryMallocStats(CmdArgList, CommandContext& ctx) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&buf, &len);
  std::string text;
  if (f) {
    malloc_info(0, f);
    std::fclose(f);
    text.assign(buf, len);
    std::free(buf);
  }
  if (text.empty()) text = "Stats not supported for the current allocator";
  ctx.rb.SendVerbatim(text, "txt");
}

// MEMORY PURGE -> OK: returns free heap pages to the system (malloc_trim)
void CmdMemoryPurge(CmdArgList, CommandContext& ctx) {
  malloc_trim(0);
  ctx.rb.SendOk();
}

// MEMORY HELP -> array of status lines
void CmdMemoryHelp(CmdArgList, CommandContext& ctx) {
  SendHelp(ctx.rb, "MEMORY",
           {
               "DOCTOR",
               "    Return memory problems reports.",
               "MALLOC-STATS",
               "    Return internal statistics report from the memory allocator.",
               "PURGE",
               "    Attempt to purge dirty pages for reclamation by the allocator.",
               "STATS",
               "    Return information about the memory usage of the server.",
               "USAGE <key> [SAMPLES <count>]",
               "    Return memory in bytes used by <key> and its value. Nested values are",
               "    sampled up to <count> times (default: 5, 0 means sample all).",
           });
}

}  // namespace

void RegisterMemoryFamily(CommandRegistry& r) {
  r.Add({.name = "memory",
         .arity = -2,
         .group = "server",
         .since = "4.0.0",
         .summary = "A container for memory diagnostics commands",
         .complexity = "Depends on subcommand."});
  r.AddSub("memory", {.name = "doctor",
                      .arity = 2,
                      .flags = CO::kGlobal,
                      .since = "4.0.0",
                      .summary = "Outputs memory problems report",
                      .complexity = "O(1)",
                      .handler = CmdMemoryDoctor})
      .Tips({"nondeterministic_output", "request_policy:all_shards", "response_policy:special"});
  r.AddSub("memory", {.name = "help",
                      .arity = 2,
                      .flags = CO::kLoading | CO::kStale,
                      .since = "4.0.0",
                      .summary = "Show helpful text about the different subcommands",
                      .complexity = "O(1)",
                      .handler = CmdMemoryHelp});
  r.AddSub("memory", {.name = "malloc-stats",
                      .arity = 2,
                      .since = "4.0.0",
                      .summary = "Show allocator internal stats",
                      .complexity = "Depends on how much memory is allocated, could be slow",
                      .handler = CmdMemoryMallocStats})
      .Tips({"nondeterministic_output", "request_policy:all_shards", "response_policy:special"});
  r.AddSub("memory", {.name = "purge",
                      .arity = 2,
                      .since = "4.0.0",
                      .summary = "Ask the allocator to release memory",
                      .complexity = "Depends on how much memory is allocated, could be slow",
                      .handler = CmdMemoryPurge})
      .Tips({"request_policy:all_shards", "response_policy:all_succeeded"});
  r.AddSub("memory", {.name = "stats",
                      .arity = 2,
                      .flags = CO::kGlobal,
                      .since = "4.0.0",
                      .summary = "Show memory usage details",
                      .complexity = "O(1)",
                      .handler = CmdMemoryStats})
      .Tips({"nondeterministic_output", "request_policy:all_shards", "response_policy:special"});
  r.AddSub("memory", {.name = "usage",
                      .arity = -3,
                      .flags = CO::kReadOnly,
                      .first_key = 2,
                      .last_key = 2,
                      .key_step = 1,
                      .since = "4.0.0",
                      .summary = "Estimate the memory usage of a key",
                      .complexity = "O(N) where N is the number of samples.",
                      .handler = CmdMemoryUsage})
      .KeySpecs({KS::Index(2).RO()})
      .Args("key/key#0 count/integer=SAMPLES?");
}

}  // namespace fincache
