// Config: every setting FinCache has, under Redis's names (and aliases), with Redis's parsing
// (yes/no booleans, memory units like 100mb, enums) and Redis's CONFIG SET error texts.
// Sources, in increasing priority: defaults < config file (redis.conf syntax) < FINCACHE_<NAME>
// environment variables < command-line --flags < CONFIG SET at runtime.
//
// Hot settings are mirrored in typed atomics (read per command or per parse without a lock).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fincache {

class Config {
 public:
  enum class Kind { kBool, kInt, kMemory, kString, kEnum };

  struct Item {
    std::string name;
    std::vector<std::string> aliases;
    Kind kind = Kind::kString;
    bool immutable = false;                    // only settable at startup
    // Redis's protected configs (dir, dbfilename): CONFIG SET refuses them, as Redis does with
    // its default enable-protected-configs no; startup sources may set them.
    bool protected_config = false;
    bool sensitive = false;                    // e.g. requirepass (redacted in logs)
    int64_t min = INT64_MIN, max = INT64_MAX;  // kInt/kMemory bounds
    std::vector<std::string> enum_values;      // kEnum
    std::string default_value;
    // Optional extra validation/normalization of the raw text; returns an error text or "".
    std::function<std::string(std::string& value)> validate;
    // Called after a successful set, with the canonical value.
    std::function<void(const std::string& value)> on_set;
  };

  Config();

  // Registers an item (before use); its default is applied.
  void Register(Item item);
  // Calls fn(value) now with the current value, and after every successful set of `name`
  // (how layers that don't know Config, like the engine, follow a setting).
  void AddListener(std::string_view name, std::function<void(const std::string&)> fn);

  // Sets a setting. Returns "" on success, else the error text to show (without "ERR ").
  // at_startup=true allows immutable settings.
  std::string Set(std::string_view name, std::string_view value, bool at_startup = false);
  // Current value of one setting (canonical text); nullopt when unknown.
  std::optional<std::string> Get(std::string_view name) const;
  // (name, value) pairs of every setting whose name or alias matches the glob, sorted by name.
  std::vector<std::pair<std::string, std::string>> GetMatching(std::string_view glob) const;
  bool Exists(std::string_view name) const;
  const Item* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

  // Parses a redis.conf-style text (one "name value..." per line, # comments, quoted args).
  // Returns "" on success, else "line N: <error>" naming the bad line.
  std::string LoadText(std::string_view text);
  // Applies FINCACHE_<NAME> environment variables (name upper-cased, '-' → '_').
  std::string LoadEnvironment();

  // CONFIG REWRITE (config_rewrite.cpp): writes the settings back into the file at `path`,
  // keeping its comments and unknown lines, as Redis's rewriteConfig. "" or the error (strerror).
  std::string RewriteFile(const std::string& path) const;

  // Memory value parsing as Redis's memtoull: "100", "1k" (1000), "1kb" (1024), "1mb", "1gb".
  static bool ParseMemory(std::string_view s, int64_t* out);
  // latency-tracking-info-percentiles: space-separated doubles; printed as Redis ("99.9", "50").
  static bool ParsePercentiles(std::string_view text, std::vector<double>* out);
  static std::string FormatPercentiles(const std::vector<double>& values);
  static std::string FormatPercentile(double d);

  // ---- hot typed mirrors ----
  std::atomic<int64_t> proto_max_bulk_len{512LL * 1024 * 1024};
  std::atomic<int64_t> maxclients{10000};
  std::atomic<bool> has_requirepass{false};
  std::atomic<int64_t> databases{16};
  std::string requirepass() const;

  // client-output-buffer-limit, per client class: hard limit bytes, soft limit bytes and how
  // long (seconds) the soft limit may be exceeded; 0 = no limit. Only the pubsub class is
  // enforced (by the network front door and embedded subscribers).
  enum ObufClass { kObufNormal = 0, kObufReplica = 1, kObufPubSub = 2 };
  struct OutputLimit {
    std::atomic<int64_t> hard{0}, soft{0}, soft_seconds{0};
  };
  OutputLimit obuf_limits[3];
  // notify-keyspace-events as flags (engine/pubsub.h notify::): the text shown by CONFIG GET
  // drops 'n' next to 'A', as Redis prints it, but the flag stays on.
  std::atomic<uint32_t> notify_keyspace_flags{0};

 private:
  // client-output-buffer-limit: checks a new value and rewrites it as the full three-class
  // setting (classes it doesn't name keep their limits); ApplyObufLimits fills obuf_limits.
  std::string NormalizeObufLimits(std::string& value);
  void ApplyObufLimits(const std::string& value);
  std::string SetLocked(Item& item, std::string_view value, bool at_startup);
  static std::string RewriteLine(const Item& item, const std::string& value);
  Item* FindMutable(std::string_view name);

  mutable std::mutex mu_;
  std::map<std::string, Item, std::less<>> items_;           // by canonical name
  std::map<std::string, std::string, std::less<>> aliases_;  // alias -> canonical name
  std::map<std::string, std::string, std::less<>> values_;   // canonical name -> value
  std::multimap<std::string, std::function<void(const std::string&)>, std::less<>> listeners_;
};

}  // namespace fincache
