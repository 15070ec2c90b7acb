#include "commands/config.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "commands/memory_family.h"
#include "commands/persistence.h"
#include "common/strings.h"
#include "persist/rdb.h"
#include "engine/pubsub.h"
#include "types/set.h"
#include "types/hash.h"
#include "types/hll.h"
#include "types/set.h"
#include "types/zset.h"

extern char** environ;

namespace fincache {

namespace {

std::string Canonical(const Config::Item& item, std::string_view v) { return std::string(v); }

// Splits a config line into arguments: spaces separate, "double" and 'single' quotes group.
bool SplitConfigLine(std::string_view line, std::vector<std::string>* out) {
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    std::string arg;
    if (line[i] == '"' || line[i] == '\'') {
      char q = line[i++];
      bool closed = false;
      while (i < line.size()) {
        char c = line[i++];
        if (c == '\\' && q == '"' && i < line.size()) {
          char n = line[i++];
          switch (n) {
            case 'n':
              arg += '\n';
              break;
            case 'r':
              arg += '\r';
              break;
            case 't':
              arg += '\t';
              break;
            default:
              arg += n;
              break;
          }
        } else if (c == q) {
          closed = true;
          break;
        } else {
          arg += c;
        }
      }
      if (!closed) return false;
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') arg += line[i++];
    }
    out->push_back(std::move(arg));
  }
  return true;
}

}  // namespace

bool Config::ParseMemory(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  std::string lower = ToLower(s);
  int64_t mul = 1;
  std::string_view num = lower;
  struct Unit {
    std::string_view suffix;
    int64_t mul;
  };
  static constexpr Unit kUnits[] = {{"kb", 1024}, {"mb", 1024 * 1024}, {"gb", 1024LL * 1024 * 1024},
                                    {"k", 1000},  {"m", 1000 * 1000},  {"g", 1000LL * 1000 * 1000},
                                    {"b", 1}};
  for (auto& u : kUnits) {
    if (num.size() > u.suffix.size() && num.ends_with(u.suffix)) {
      num.remove_suffix(u.suffix.size());
      mul = u.mul;
      break;
    }
  }
  int64_t v;
  if (!ParseInt64(num, &v)) return false;
  if (v < 0 && mul != 1) return false;
  if (v != 0 && (v > INT64_MAX / mul || v < INT64_MIN / mul)) return false;
  *out = v * mul;
  return true;
}

Config::Config() {
  // The settings FinCache has. Other layers may Register() more at startup.
  Register({.name = "port",
            .kind = Kind::kInt,
            .immutable = true,
            .min = 0,
            .max = 65535,
            .default_value = "6379"});
  Register(
      {.name = "bind", .kind = Kind::kString, .immutable = true, .default_value = "127.0.0.1"});
  Register({.name = "databases",
            .kind = Kind::kInt,
            .immutable = true,
            .min = 1,
            .max = INT32_MAX,
            .default_value = "16",
            .on_set = [this](const std::string& v) { databases = std::stoll(v); }});
  Register({.name = "requirepass",
            .kind = Kind::kString,
            .sensitive = true,
            .default_value = "",
            .on_set = [this](const std::string& v) { has_requirepass = !v.empty(); }});
  Register({.name = "proto-max-bulk-len",
            .kind = Kind::kMemory,
            .min = 1024 * 1024,
            .max = INT64_MAX,
            .default_value = "536870912",
            .on_set = [this](const std::string& v) { proto_max_bulk_len = std::stoll(v); }});
  // Background cycles per second (active expiry). Redis clamps the stored value to 1..500.
  Register({.name = "hz",
            .kind = Kind::kInt,
            .min = 0,
            .max = INT32_MAX,
            .default_value = "10",
            .validate = [](std::string& v) {
              v = std::to_string(std::clamp<int64_t>(std::stoll(v), 1, 500));
              return std::string();
            }});
  Register({.name = "maxclients",
            .kind = Kind::kInt,
            .min = 1,
            .max = 4294967295LL,
            .default_value = "10000",
            .on_set = [this](const std::string& v) { maxclients = std::stoll(v); }});

  // ---- network front door (cpp/net reads these) ----
  // Network threads (one io_context each); 0 = one per hardware core. Unlike Redis's io-threads
  // (1 = the main thread only) every thread here does the whole request: read, run, write.
  Register({.name = "io-threads",
            .kind = Kind::kInt,
            .immutable = true,
            .min = 0,
            .max = 1024,
            .default_value = "0"});
  // Close clients idle for more than this many seconds (0 = never). Checked once a second.
  Register(
      {.name = "timeout", .kind = Kind::kInt, .min = 0, .max = INT32_MAX, .default_value = "0"});
  // SO_KEEPALIVE idle seconds for accepted clients (0 = off), probes as Redis sends them.
  Register({.name = "tcp-keepalive",
            .kind = Kind::kInt,
            .min = 0,
            .max = INT32_MAX,
            .default_value = "300"});
  // listen(2) backlog.
  Register({.name = "tcp-backlog",
            .kind = Kind::kInt,
            .immutable = true,
            .min = 0,
            .max = INT32_MAX,
            .default_value = "511"});
  // With no requirepass, refuse clients from non-loopback addresses (Redis's DENIED reply).
  Register({.name = "protected-mode", .kind = Kind::kBool, .default_value = "yes"});
  // ---- HTTP front door (cpp/http reads these) ----
  // HTTP port of fincache-server (REST/JSON API, health, /metrics, /ws, the dashboard); 0: no
  // HTTP. The Python fincache.Server takes its own http_port argument instead.
  Register({.name = "http-port",
            .kind = Kind::kInt,
            .immutable = true,
            .min = 0,
            .max = 65535,
            .default_value = "8080"});
  // Addresses HTTP listens on (as `bind`: space-separated, '-' marks an optional one).
  Register({.name = "http-bind",
            .kind = Kind::kString,
            .immutable = true,
            .default_value = "127.0.0.1",
            .validate = [](std::string& v) -> std::string {
              return v.find_first_not_of(" \t") == std::string::npos ? "http-bind is empty" : "";
            }});
  // HTTP threads (of their own, apart from io-threads).
  Register({.name = "http-threads",
            .kind = Kind::kInt,
            .immutable = true,
            .min = 1,
            .max = 256,
            .default_value = "2"});
  // Largest request body accepted; larger ones get 413.
  Register({.name = "http-max-body-size",
            .kind = Kind::kMemory,
            .min = 0,
            .max = 1LL << 32,
            .default_value = "1048576"});
  // Seconds an HTTP connection may stay idle between requests, or take to send one request
  // (slow clients), before it is closed; 0: no limit.
  Register({.name = "http-timeout",
            .kind = Kind::kInt,
            .min = 0,
            .max = INT32_MAX,
            .default_value = "30"});
  // CORS: "" off (no Access-Control-* headers, OPTIONS preflights answered 405), "*" any
  // origin, or a space-separated list of origins ("https://a.example https://b.example").
  Register({.name = "http-cors-origins", .kind = Kind::kString, .default_value = ""});
  // ---- sorted sets: listpack while at most this many elements / member bytes ----
  Register(
      {.name = "zset-max-listpack-entries",
       .aliases = {"zset-max-ziplist-entries"},
       .kind = Kind::kInt,
       .min = 0,
       .max = INT64_MAX,
       .default_value = "128",
       .on_set = [](const std::string& v) { ZsetLimits::max_listpack_entries = std::stoll(v); }});
  Register(
      {.name = "zset-max-listpack-value",
       .aliases = {"zset-max-ziplist-value"},
       .kind = Kind::kInt,
       .min = 0,
       .max = INT64_MAX,
       .default_value = "64",
       .on_set = [](const std::string& v) { ZsetLimits::max_listpack_value = std::stoll(v); }});

  // ---- hashes: listpack while at most this many fields / field and value bytes ----
  Register({.name = "hash-max-listpack-entries",
            .aliases = {"hash-max-ziplist-entries"},
            .kind = Kind::kInt,
            .min = 0,
            .max = INT64_MAX,
            .default_value = "512",
            .on_set = [](const std::string& v) { HashLimits::entries_setting = std::stoll(v); }});
  Register({.name = "hash-max-listpack-value",
            .aliases = {"hash-max-ziplist-value"},
            .kind = Kind::kMemory,
            .min = 0,
            .max = INT64_MAX,
            .default_value = "64",
            .on_set = [](const std::string& v) { HashLimits::value_setting = std::stoll(v); }});

  // ---- sets: intset while every member is an integer and there are at most this many ----
  Register({.name = "set-max-intset-entries",
            .kind = Kind::kInt,
            .min = 0,
            .max = INT64_MAX,
            .default_value = "512",
            .on_set = [](const std::string& v) { SetLimits::max_intset_entries = std::stoll(v); }});

  // ---- scripting: a script running longer than this (ms) makes other clients get BUSY and can
  // be stopped with SCRIPT KILL / FUNCTION KILL (0: never busy) ----
  Register({.name = "busy-reply-threshold",
            .aliases = {"lua-time-limit"},
            .kind = Kind::kInt,
            .min = 0,
            .max = INT64_MAX,
            .default_value = "5000"});

  // ---- output buffer limits: "<class> <hard> <soft> <soft-seconds>" groups (Redis's format;
  // a SET changes the classes it names; GET shows all three, replicas as "slave") ----
  Register({.name = "client-output-buffer-limit",
            .kind = Kind::kString,
            .default_value = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
            .validate = [this](std::string& v) { return NormalizeObufLimits(v); },
            .on_set = [this](const std::string& v) { ApplyObufLimits(v); }});

  // ---- keyspace notifications: classes of events published (engine/pubsub.h); "" = off ----
  Register({.name = "notify-keyspace-events",
            .kind = Kind::kString,
            .default_value = "",
            .validate = [this](std::string& v) -> std::string {
              uint32_t flags;
              if (!notify::ParseFlags(v, &flags))
                return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
              v = notify::FlagsToString(flags);
              notify_keyspace_flags = flags;
              return "";
            }});

  // ---- HyperLogLog: sparse representation up to this many bytes (header included) ----
  // Redis reads it as an unsigned memory value: a negative one is "not a memory value".
  Register({.name = "hll-sparse-max-bytes",
            .kind = Kind::kMemory,
            .min = INT64_MIN,
            .max = INT64_MAX,
            .default_value = "3000",
            .validate = [](std::string& v) -> std::string {
              return v.starts_with('-') ? "argument must be a memory value" : "";
            },
            .on_set = [](const std::string& v) {
              hll::HllLimits::sparse_max_bytes = std::stoll(v);
            }});

  // ---- RDB snapshots (commands/persistence.h) ----
  // The directory of dump.rdb. It must exist; it reads back as an absolute path, as Redis's
  // CONFIG GET dir. Like dbfilename, a protected config: set at startup only (Redis's default). fincache-server also changes its working directory to it (a listener in
  // server/), as Redis does; an embedded engine leaves the Python process's directory alone.
  Register({.name = "dir",
            .kind = Kind::kString,
            .protected_config = true,
            .default_value = ".",
            .validate = [](std::string& v) -> std::string {
              struct stat st;
              if (::stat(v.c_str(), &st) != 0) return std::strerror(errno);
              if (!S_ISDIR(st.st_mode)) return std::strerror(ENOTDIR);
              if (::access(v.c_str(), X_OK) != 0) return std::strerror(errno);
              char buf[PATH_MAX];
              if (::realpath(v.c_str(), buf)) v = buf;
              return "";
            }});
  Register({.name = "dbfilename",
            .kind = Kind::kString,
            .protected_config = true,
            .default_value = "dump.rdb",
            .validate = [](std::string& v) -> std::string {
              if (v.empty() || v.find('/') != std::string::npos)
                return "dbfilename can't be a path, just a filename";
              return "";
            }});
  // LZF-compress RDB strings (snapshots and DUMP payloads) over 20 bytes.
  Register({.name = "rdbcompression",
            .kind = Kind::kBool,
            .default_value = "yes",
            .on_set = [](const std::string& v) { persist::RdbSettings::compression = v == "yes"; }});
  // Redis's debug setting: microseconds slept after each key loaded from an RDB at start, to
  // observe a long load (INFO loading, HTTP /ready). 0 = none; Redis's negative values (a
  // 1 µs sleep every N keys) are not supported.
  Register({.name = "key-load-delay",
            .kind = Kind::kInt,
            .min = 0,
            .max = INT32_MAX,
            .default_value = "0",
            .on_set = [](const std::string& v) {
              persist::RdbSettings::key_load_delay_us = std::stoll(v);
            }});
  // Save points: "<seconds> <changes>" pairs; "" disables them.
  Register({.name = "save",
            .kind = Kind::kString,
            .default_value = "3600 1 300 100 60 10000",
            .validate = [](std::string& v) -> std::string {
              std::vector<std::pair<int64_t, int64_t>> points;
              if (!Persistence::ParseSavePoints(v, &points)) return "Invalid save parameters";
              v.clear();
              for (auto [secs, changes] : points) {
                if (!v.empty()) v += ' ';
                v += std::to_string(secs) + " " + std::to_string(changes);
              }
              return "";
            }});

  // ---- operations (commands/ops_state.h; ServerState follows them with listeners) ----
  // SLOWLOG: commands running at least this many µs are logged (-1 off, 0 all), newest kept.
  Register({.name = "slowlog-log-slower-than",
            .kind = Kind::kInt,
            .min = -1,
            .max = INT64_MAX,
            .default_value = "10000"});
  Register({.name = "slowlog-max-len",
            .kind = Kind::kInt,
            .min = 0,
            .max = INT64_MAX,
            .default_value = "128"});
  // LATENCY: events ("command", "fast-command") of at least this many ms are sampled (0 off).
  Register({.name = "latency-monitor-threshold",
            .kind = Kind::kInt,
            .min = 0,
            .max = INT64_MAX,
            .default_value = "0"});
  // INFO latencystats: per-command latency histograms and the percentiles it prints.
  Register({.name = "latency-tracking", .kind = Kind::kBool, .default_value = "yes"});
  Register(
      {.name = "latency-tracking-info-percentiles",
       .kind = Kind::kString,
       .default_value = "50 99 99.9",
       .validate = [](std::string& v) -> std::string {
         std::vector<double> values;
         if (!ParsePercentiles(v, &values))
           return "Invalid latency-tracking-info-percentiles parameters";
         for (double d : values)
           if (d < 0.0 || d > 100.0)
             return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
         v = FormatPercentiles(values);
         return "";
       }});
  // DEBUG: "no" refuses it, "local" allows it from loopback and unix-socket clients (and the
  // embedded API), "yes" from everyone. Startup only, as Redis's.
  Register({.name = "enable-debug-command",
            .kind = Kind::kEnum,
            .immutable = true,
            .enum_values = {"no", "yes", "local"},
            .default_value = "no"});
  // Audit log (commands/audit_log.h): one JSON line per write command and per authentication,
  // appended to this file ("" off); argument values only with audit-log-values yes.
  Register({.name = "audit-log",
            .kind = Kind::kString,
            .default_value = "",
            .validate = [](std::string& v) -> std::string {
              if (v.empty()) return "";
              int fd = ::open(v.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
              if (fd < 0)
                return std::string("Can't open the audit log file: ") + std::strerror(errno);
              ::close(fd);
              return "";
            }});
  Register({.name = "audit-log-values", .kind = Kind::kBool, .default_value = "no"});

  // ---- append-only file (commands/aof.h) ----
  // CONFIG SET appendonly yes starts a rewrite (the AOF is on once its base is written), no
  // stops recording; at start, yes loads the AOF instead of the RDB file, as Redis.
  Register({.name = "appendonly", .kind = Kind::kBool, .default_value = "no"});
  Register({.name = "appendfilename",
            .kind = Kind::kString,
            .immutable = true,
            .default_value = "appendonly.aof",
            .validate = [](std::string& v) -> std::string {
              if (v.empty() || v.find('/') != std::string::npos)
                return "appendfilename can't be a path, just a filename";
              return "";
            }});
  Register({.name = "appenddirname",
            .kind = Kind::kString,
            .immutable = true,
            .default_value = "appendonlydir",
            .validate = [](std::string& v) -> std::string {
              if (v.empty() || v.find('/') != std::string::npos)
                return "appenddirname can't be a path, just a dirname";
              return "";
            }});
  Register({.name = "appendfsync",
            .kind = Kind::kEnum,
            .enum_values = {"everysec", "always", "no"},
            .default_value = "everysec"});
  Register({.name = "no-appendfsync-on-rewrite", .kind = Kind::kBool, .default_value = "no"});
  Register({.name = "auto-aof-rewrite-percentage",
            .kind = Kind::kInt,
            .min = 0,
            .max = INT32_MAX,
            .default_value = "100"});
  Register({.name = "auto-aof-rewrite-min-size",
            .kind = Kind::kMemory,
            .min = 0,
            .max = INT64_MAX,
            .default_value = "67108864"});
  Register({.name = "aof-load-truncated", .kind = Kind::kBool, .default_value = "yes"});
  Register({.name = "aof-use-rdb-preamble", .kind = Kind::kBool, .default_value = "yes"});
  Register({.name = "aof-timestamp-enabled", .kind = Kind::kBool, .default_value = "no"});
  Register({.name = "aof-rewrite-incremental-fsync", .kind = Kind::kBool, .default_value = "yes"});
  // ---- maxmemory and eviction (commands/memory_family.cpp) ----
  RegisterMemorySettings(*this);
}

bool Config::ParsePercentiles(std::string_view text, std::vector<double>* out) {
  std::vector<std::string> parts;
  if (!SplitConfigLine(text, &parts)) return false;
  out->clear();
  for (auto& p : parts) {
    double d;
    if (!ParseDouble(p, &d)) return false;
    out->push_back(d);
  }
  return true;
}

std::string Config::FormatPercentiles(const std::vector<double>& values) {
  std::string out;
  for (double d : values) {
    if (!out.empty()) out += ' ';
    out += FormatPercentile(d);
  }
  return out;
}

std::string Config::FormatPercentile(double d) {
  // Redis prints "%f" and trims trailing zeros and a trailing dot: 99.900000 -> 99.9, 50 -> 50.
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%f", d);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

std::string Config::NormalizeObufLimits(std::string& value) {
  std::vector<std::string> args;
  if (!SplitConfigLine(value, &args))
    return "Wrong number of arguments in buffer limit configuration.";
  if (args.size() % 4) return "Wrong number of arguments in buffer limit configuration.";
  int64_t limits[3][3];
  for (int c = 0; c < 3; ++c) {
    limits[c][0] = obuf_limits[c].hard.load();
    limits[c][1] = obuf_limits[c].soft.load();
    limits[c][2] = obuf_limits[c].soft_seconds.load();
  }
  // All groups are checked before any applies, as Redis does.
  for (size_t j = 0; j < args.size(); j += 4) {
    std::string cls = ToLower(args[j]);
    int c;
    if (cls == "normal")
      c = kObufNormal;
    else if (cls == "slave" || cls == "replica")
      c = kObufReplica;
    else if (cls == "pubsub")
      c = kObufPubSub;
    else
      return "Invalid client class specified in buffer limit configuration.";
    int64_t hard, soft, secs;
    if (args[j + 1].starts_with('-') || args[j + 2].starts_with('-') ||
        !ParseMemory(args[j + 1], &hard) || !ParseMemory(args[j + 2], &soft) ||
        !ParseInt64(args[j + 3], &secs) || secs < 0)
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    limits[c][0] = hard;
    limits[c][1] = soft;
    limits[c][2] = secs;
  }
  static constexpr const char* kNames[3] = {"normal", "slave", "pubsub"};
  value.clear();
  for (int c = 0; c < 3; ++c) {
    if (c) value += ' ';
    value += std::string(kNames[c]) + " " + std::to_string(limits[c][0]) + " " +
             std::to_string(limits[c][1]) + " " + std::to_string(limits[c][2]);
  }
  return "";
}

void Config::ApplyObufLimits(const std::string& value) {
  std::vector<std::string> args;
  SplitConfigLine(value, &args);
  for (size_t j = 0; j + 3 < args.size(); j += 4) {
    int c = args[j] == "normal" ? kObufNormal : args[j] == "slave" ? kObufReplica : kObufPubSub;
    obuf_limits[c].hard = std::stoll(args[j + 1]);
    obuf_limits[c].soft = std::stoll(args[j + 2]);
    obuf_limits[c].soft_seconds = std::stoll(args[j + 3]);
  }
}

void Config::Register(Item item) {
  std::lock_guard lk(mu_);
  std::string name = ToLower(item.name);
  item.name = name;
  for (auto& a : item.aliases) {
    a = ToLower(a);
    aliases_[a] = name;
  }
  std::string def = item.default_value;
  auto [it, ok] = items_.insert_or_assign(name, std::move(item));
  values_[name] = "";
  std::string err = SetLocked(it->second, def, /*at_startup=*/true);
  (void)err;
}

void Config::AddListener(std::string_view name, std::function<void(const std::string&)> fn) {
  std::lock_guard lk(mu_);
  Item* item = FindMutable(name);
  if (!item) return;
  fn(values_[item->name]);
  listeners_.emplace(item->name, std::move(fn));
}

Config::Item* Config::FindMutable(std::string_view name) {
  std::string lower = ToLower(name);
  auto it = items_.find(lower);
  if (it != items_.end()) return &it->second;
  auto a = aliases_.find(lower);
  if (a != aliases_.end()) return &items_.find(a->second)->second;
  return nullptr;
}

const Config::Item* Config::Find(std::string_view name) const {
  std::lock_guard lk(mu_);
  return const_cast<Config*>(this)->FindMutable(name);
}

bool Config::Exists(std::string_view name) const { return Find(name) != nullptr; }

std::string Config::Set(std::string_view name, std::string_view value, bool at_startup) {
  std::lock_guard lk(mu_);
  Item* item = FindMutable(name);
  if (!item)
    return "Unknown option or number of arguments for CONFIG SET - '" + std::string(name) + "'";
  return SetLocked(*item, value, at_startup);
}

std::string Config::SetLocked(Item& item, std::string_view raw, bool at_startup) {
  if (item.immutable && !at_startup) return "can't set immutable config";
  if (item.protected_config && !at_startup) return "can't set protected config";
  std::string value(raw);
  switch (item.kind) {
    case Kind::kBool: {
      std::string l = ToLower(value);
      if (l == "yes")
        value = "yes";
      else if (l == "no")
        value = "no";
      else
        return "argument must be 'yes' or 'no'";
      break;
    }
    case Kind::kInt: {
      int64_t v;
      if (!ParseInt64(value, &v)) return "argument couldn't be parsed into an integer";
      if (v < item.min || v > item.max)
        return "argument must be between " + std::to_string(item.min) + " and " +
               std::to_string(item.max) + " inclusive";
      value = std::to_string(v);
      break;
    }
    case Kind::kMemory: {
      int64_t v;
      if (!ParseMemory(value, &v)) return "argument must be a memory value";
      if (v < item.min || v > item.max)
        return "argument must be between " + std::to_string(item.min) + " and " +
               std::to_string(item.max) + " inclusive";
      value = std::to_string(v);
      break;
    }
    case Kind::kEnum: {
      std::string l = ToLower(value);
      if (std::find(item.enum_values.begin(), item.enum_values.end(), l) ==
          item.enum_values.end()) {
        std::string all;
        for (auto& e : item.enum_values) all += (all.empty() ? "" : ", ") + e;
        return "argument(s) must be one of the following: " + all;
      }
      value = l;
      break;
    }
    case Kind::kString:
      break;
  }
  if (item.validate) {
    std::string err = item.validate(value);
    if (!err.empty()) return err;
  }
  values_[item.name] = Canonical(item, value);
  if (item.on_set) item.on_set(values_[item.name]);
  auto [lo, hi] = listeners_.equal_range(item.name);
  for (auto it = lo; it != hi; ++it) it->second(values_[item.name]);
  return "";
}

std::optional<std::string> Config::Get(std::string_view name) const {
  std::lock_guard lk(mu_);
  Item* item = const_cast<Config*>(this)->FindMutable(name);
  if (!item) return std::nullopt;
  return values_.at(item->name);
}

std::vector<std::pair<std::string, std::string>> Config::GetMatching(std::string_view glob) const {
  std::lock_guard lk(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [name, item] : items_) {
    if (GlobMatch(glob, name, true)) {
      out.emplace_back(name, values_.at(name));
    }
    for (auto& a : item.aliases) {
      if (GlobMatch(glob, a, true)) out.emplace_back(a, values_.at(name));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> Config::Names() const {
  std::lock_guard lk(mu_);
  std::vector<std::string> out;
  for (auto& [name, item] : items_) out.push_back(name);
  return out;
}

std::string Config::requirepass() const {
  std::lock_guard lk(mu_);
  return values_.at("requirepass");
}

std::string Config::LoadText(std::string_view text) {
  size_t line_no = 0;
  bool save_seen = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> args;
    if (!SplitConfigLine(line, &args))
      return "line " + std::to_string(line_no) + ": unbalanced quotes in configuration line";
    if (args.empty()) continue;
    if (!Exists(args[0]))
      return "line " + std::to_string(line_no) + ": '" + std::string(line) +
             "': Bad directive or wrong number of arguments";
    std::string value;
    for (size_t i = 1; i < args.size(); ++i) value += (i > 1 ? " " : "") + args[i];
    // As redis.conf: the first `save` line replaces the default points, later ones add theirs
    // ("save 900 1" / "save 300 10"); `save ""` clears them.
    if (EqualsIgnoreCase(args[0], "save")) {
      if (save_seen && !value.empty()) {
        std::string cur = Get("save").value_or("");
        if (!cur.empty()) value = cur + " " + value;
      }
      save_seen = true;
    }
    std::string err = Set(args[0], value, /*at_startup=*/true);
    if (!err.empty())
      return "line " + std::to_string(line_no) + ": '" + std::string(line) + "': " + err;
  }
  return "";
}

std::string Config::LoadEnvironment() {
  for (char** env = environ; env && *env; ++env) {
    std::string_view kv(*env);
    if (!kv.starts_with("FINCACHE_")) continue;
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name = ToLower(kv.substr(9, eq - 9));
    std::replace(name.begin(), name.end(), '_', '-');
    std::string_view value = kv.substr(eq + 1);
    if (!Exists(name)) continue;  // other FINCACHE_* variables (test knobs) are not settings
    std::string err = Set(name, value, /*at_startup=*/true);
    if (!err.empty())
      return "environment FINCACHE_" + std::string(kv.substr(9, eq - 9)) + ": " + err;
  }
  return "";
}

}  // namespace fincache
