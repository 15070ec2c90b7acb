// Operational state the dispatcher feeds after each command and the ops commands read: the
// slow log (SLOWLOG), the latency monitor (LATENCY), per-command latency histograms (INFO
// latencystats, latency-tracking), MONITOR clients and CLIENT PAUSE. One of each per ServerState.
//
// Hot-path contract: with the defaults (slowlog threshold 10ms, latency monitor off, no monitor,
// no pause) a command costs a few relaxed atomic loads here, plus one relaxed fetch_add into its
// latency histogram when latency-tracking is on (Redis's default).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_registry.h"

namespace fincache {

struct Session;

// ---------------------------------------------------------------------------------------------
// LatencyHistogram: an HDR histogram with 2 significant digits over 1ns..1s, laid out as Redis's
// hdr_histogram(1, 1e9, 2): values below 256 have their own counter, each later power of two is
// split into 128 counters. Redis records nanoseconds (microseconds * 1000) and prints
// percentiles as the highest value equivalent to the bucket, in microseconds with 3 decimals
// ("p50=1.003"); so does this.
// ---------------------------------------------------------------------------------------------
class LatencyHistogram {
 public:
  static constexpr int64_t kMinValue = 1;
  static constexpr int64_t kMaxValue = 1000000000;  // 1s in ns
  static constexpr int kSubBucketHalfCountMagnitude = 7;
  static constexpr int kSubBucketHalfCount = 1 << kSubBucketHalfCountMagnitude;  // 128
  static constexpr int kBucketCount = 23;                                        // 256 << 22 > 1e9
  static constexpr int kCountsLen = (kBucketCount + 1) * kSubBucketHalfCount;

  // Records one value in ns (clamped to kMinValue..kMaxValue). Thread-safe, lock-free.
  void Record(int64_t ns);
  uint64_t total() const { return total_.load(std::memory_order_relaxed); }
  // Redis's hdr_value_at_percentile: highest value equivalent to the one at `percentile`
  // (lowest for 0); 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;
  // LATENCY HISTOGRAM's log iteration (Redis's hdr_iter_log from 1024ns, base 2): for each power
  // of two level from 1024ns, fn(highest value equivalent to the level's bucket, count of values
  // up to that bucket), for the levels where the count grew, until every value is counted.
  template <typename Fn>
  void ForEachLogLevel(Fn&& fn) const;
  void Reset();

  static int CountsIndex(int64_t v);
  static int64_t ValueFromIndex(int index);
  static int64_t LowestEquivalent(int64_t v);
  static int64_t HighestEquivalent(int64_t v);

 private:
  std::atomic<uint64_t> total_{0};
  std::atomic<uint64_t> counts_[kCountsLen] = {};
};

template <typename Fn>
void LatencyHistogram::ForEachLogLevel(Fn&& fn) const {
  uint64_t total = 0, cumulative = 0, previous = 0;
  for (const auto& c : counts_) total += c.load(std::memory_order_relaxed);
  int idx = 0;
  for (int64_t level = 1024; cumulative < total && level <= 2 * kMaxValue; level *= 2) {
    const int last = CountsIndex(level);
    while (idx <= last && idx < kCountsLen)
      cumulative += counts_[idx++].load(std::memory_order_relaxed);
    if (cumulative > previous) fn(HighestEquivalent(level), cumulative);
    previous = cumulative;
  }
}

// ---------------------------------------------------------------------------------------------
// SlowLog (SLOWLOG GET/LEN/RESET): commands that ran at least slowlog-log-slower-than µs,
// newest first, at most slowlog-max-len entries. Arguments are kept as Redis truncates them.
// ---------------------------------------------------------------------------------------------
struct SlowLogEntry {
  uint64_t id = 0;
  int64_t time_s = 0;
  int64_t duration_us = 0;
  std::vector<std::string> args;
  std::string addr;
  std::string name;
};

class SlowLog {
 public:
  static constexpr size_t kMaxArgc = 32;
  static constexpr size_t kMaxArgLen = 128;

  // Threshold in µs (negative: off; 0: every command); mirrors of the two settings.
  std::atomic<int64_t> slower_than_us{10000};
  std::atomic<int64_t> max_len{128};

  bool Wants(int64_t duration_us) const {
    const int64_t t = slower_than_us.load(std::memory_order_relaxed);
    return t >= 0 && duration_us >= t && max_len.load(std::memory_order_relaxed) > 0;
  }
  // Adds an entry (args already redacted by the caller where needed).
  void Push(CmdArgList args, uint32_t redact_mask, int64_t time_s, int64_t duration_us,
            std::string addr, std::string name);
  // The newest `count` entries (count < 0: all).
  std::vector<SlowLogEntry> Get(int64_t count) const;
  size_t Len() const;
  void Reset();
  // Drops the oldest entries beyond max_len (after CONFIG SET slowlog-max-len).
  void Trim();

 private:
  mutable std::mutex mu_;
  std::deque<SlowLogEntry> entries_;  // newest first
  uint64_t next_id_ = 0;
};

// ---------------------------------------------------------------------------------------------
// LatencyMonitor (LATENCY LATEST/HISTORY/RESET): per event ("command", "fast-command"), the
// last 160 one-per-second samples (the largest latency of each second, in ms) and the max.
// ---------------------------------------------------------------------------------------------
class LatencyMonitor {
 public:
  static constexpr int kSamples = 160;
  struct Sample {
    int64_t time_s = 0;
    int64_t latency_ms = 0;
  };
  struct Latest {
    std::string event;
    int64_t time_s, latency_ms, max_ms;
  };

  std::atomic<int64_t> threshold_ms{0};  // 0: off

  void AddSampleIfNeeded(std::string_view event, int64_t latency_ms, int64_t now_s) {
    const int64_t t = threshold_ms.load(std::memory_order_relaxed);
    if (t > 0 && latency_ms >= t) AddSample(event, latency_ms, now_s);
  }
  void AddSample(std::string_view event, int64_t latency_ms, int64_t now_s);
  std::vector<Latest> GetLatest() const;
  // Samples of one event, oldest first; empty when the event has none.
  std::vector<Sample> History(std::string_view event) const;
  // Resets the named events (all when empty); returns how many existed.
  int64_t Reset(const std::vector<std::string>& events);

 private:
  struct Series {
    int idx = 0;
    int64_t max = 0;
    Sample samples[kSamples];
  };
  mutable std::mutex mu_;
  std::map<std::string, Series, std::less<>> events_;
};

// ---------------------------------------------------------------------------------------------
// MONITOR: clients that see every command as Redis prints it:
//   +1700000000.123456 [0 127.0.0.1:50000] "set" "k" "v"
// ---------------------------------------------------------------------------------------------
class MonitorSink {
 public:
  virtual ~MonitorSink() = default;
  // One already encoded line ("+...\r\n"); called from any thread.
  virtual void FeedMonitor(std::string_view line) = 0;
};

class MonitorFeed {
 public:
  bool Any() const { return count_.load(std::memory_order_relaxed) > 0; }
  void Add(MonitorSink* sink);
  void Remove(MonitorSink* sink);
  // Formats and sends one command to every monitor. `client` is "ip:port", "lua" or
  // "unix:/path"; arguments in redact_mask (bit i = argv[i]) show as "(redacted)".
  void Feed(int64_t now_us, int db, std::string_view client, CmdArgList args, uint32_t redact_mask);
  // The line Feed sends (exposed for tests).
  static std::string FormatLine(int64_t now_us, int db, std::string_view client, CmdArgList args,
                                uint32_t redact_mask);

 private:
  std::atomic<int> count_{0};
  mutable std::mutex mu_;
  std::vector<MonitorSink*> sinks_;
};

// ---------------------------------------------------------------------------------------------
// CLIENT PAUSE: until end_ms, network clients' commands wait (ALL), or only the commands that
// may change data or replicate (WRITE: write and may-replicate commands, EXEC of such).
// ---------------------------------------------------------------------------------------------
class ClientPause {
 public:
  enum Mode { kOff = 0, kWrite = 1, kAll = 2 };
  void Pause(Mode mode, int64_t end_ms);
  void Unpause() { mode_.store(kOff, std::memory_order_relaxed); }
  // The mode in force at now_ms (kOff once the end passed).
  Mode Active(int64_t now_ms) const {
    const int m = mode_.load(std::memory_order_relaxed);
    if (m == kOff) return kOff;
    return now_ms < end_ms_.load(std::memory_order_relaxed) ? static_cast<Mode>(m) : kOff;
  }
  int64_t end_ms() const { return end_ms_.load(std::memory_order_relaxed); }

 private:
  std::mutex mu_;
  std::atomic<int> mode_{kOff};
  std::atomic<int64_t> end_ms_{0};
};

// Which arguments Redis hides in SLOWLOG and MONITOR ("(redacted)"): AUTH's, and the user name
// and password of HELLO ... AUTH. Bit i = argv[i]; 0 for every other command.
uint32_t RedactedArgs(const CommandSpec& spec, CmdArgList args);

}  // namespace fincache
