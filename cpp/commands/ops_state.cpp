#include "commands/ops_state.h"

#include <algorithm>
#include <bit>
#include <cinttypes>
#include <cstdio>

#include "common/strings.h"

namespace fincache {

// ============================================================================================
// LatencyHistogram
// ============================================================================================

namespace {
// Bucket of a value: 0 for values below 256, then one per power of two.
int BucketIndex(int64_t v) {
  const int pow2ceiling = 64 - std::countl_zero(static_cast<uint64_t>(v) | 255u);
  return pow2ceiling - (LatencyHistogram::kSubBucketHalfCountMagnitude + 1);
}
}  // namespace

int LatencyHistogram::CountsIndex(int64_t v) {
  const int bucket = BucketIndex(v);
  const int64_t sub = v >> bucket;
  return ((bucket + 1) << kSubBucketHalfCountMagnitude) +
         static_cast<int>(sub - kSubBucketHalfCount);
}

int64_t LatencyHistogram::ValueFromIndex(int index) {
  int bucket = (index >> kSubBucketHalfCountMagnitude) - 1;
  int64_t sub = (index & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
  if (bucket < 0) {
    sub -= kSubBucketHalfCount;
    bucket = 0;
  }
  return sub << bucket;
}

int64_t LatencyHistogram::LowestEquivalent(int64_t v) {
  const int bucket = BucketIndex(v);
  return (v >> bucket) << bucket;
}

int64_t LatencyHistogram::HighestEquivalent(int64_t v) {
  const int bucket = BucketIndex(v);
  return LowestEquivalent(v) + (int64_t{1} << bucket) - 1;
}

void LatencyHistogram::Record(int64_t ns) {
  ns = std::clamp(ns, kMinValue, kMaxValue);
  counts_[CountsIndex(ns)].fetch_add(1, std::memory_order_relaxed);
  total_.fetch_add(1, std::memory_order_relaxed);
}

int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  const double p = std::min(percentile, 100.0);
  uint64_t total = 0;
  for (const auto& c : counts_) total += c.load(std::memory_order_relaxed);
  if (total == 0) return 0;
  auto wanted = static_cast<uint64_t>(p / 100.0 * static_cast<double>(total) + 0.5);
  wanted = std::max<uint64_t>(wanted, 1);
  uint64_t seen = 0;
  for (int i = 0; i < kCountsLen; ++i) {
    seen += counts_[i].load(std::memory_order_relaxed);
    if (seen >= wanted) {
      const int64_t v = ValueFromIndex(i);
      return percentile == 0.0 ? LowestEquivalent(v) : HighestEquivalent(v);
    }
  }
  return 0;
}

void LatencyHistogram::Reset() {
  for (auto& c : counts_) c.store(0, std::memory_order_relaxed);
  total_.store(0, std::memory_order_relaxed);
}

// ============================================================================================
// SlowLog
// ============================================================================================

void SlowLog::Push(CmdArgList args, uint32_t redact_mask, int64_t time_s, int64_t duration_us,
                   std::string addr, std::string name) {
  SlowLogEntry e;
  e.time_s = time_s;
  e.duration_us = duration_us;
  e.addr = std::move(addr);
  e.name = std::move(name);
  // As Redis's slowlogCreateEntry: at most 32 arguments (the last says how many more there
  // were), each at most 128 bytes (then how many more bytes it had).
  const size_t argc = std::min(args.size(), kMaxArgc);
  e.args.reserve(argc);
  for (size_t i = 0; i < argc; ++i) {
    if (argc != args.size() && i == argc - 1) {
      e.args.push_back("... (" + std::to_string(args.size() - argc + 1) + " more arguments)");
    } else if (i < 32 && (redact_mask >> i) & 1) {
      e.args.emplace_back("(redacted)");
    } else if (args[i].size() > kMaxArgLen) {
      e.args.push_back(std::string(args[i].substr(0, kMaxArgLen)) + "... (" +
                       std::to_string(args[i].size() - kMaxArgLen) + " more bytes)");
    } else {
      e.args.emplace_back(args[i]);
    }
  }
  std::lock_guard lk(mu_);
  e.id = next_id_++;
  entries_.push_front(std::move(e));
  const auto max = static_cast<size_t>(std::max<int64_t>(0, max_len.load()));
  while (entries_.size() > max) entries_.pop_back();
}

std::vector<SlowLogEntry> SlowLog::Get(int64_t count) const {
  std::lock_guard lk(mu_);
  size_t n = count < 0 ? entries_.size() : std::min<size_t>(entries_.size(), count);
  return {entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(n)};
}

size_t SlowLog::Len() const {
  std::lock_guard lk(mu_);
  return entries_.size();
}

void SlowLog::Reset() {
  std::lock_guard lk(mu_);
  entries_.clear();
}

void SlowLog::Trim() {
  std::lock_guard lk(mu_);
  const auto max = static_cast<size_t>(std::max<int64_t>(0, max_len.load()));
  while (entries_.size() > max) entries_.pop_back();
}

// ============================================================================================
// LatencyMonitor
// ============================================================================================

void LatencyMonitor::AddSample(std::string_view event, int64_t latency_ms, int64_t now_s) {
  std::lock_guard lk(mu_);
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), Series{}).first;
  Series& ts = it->second;
  ts.max = std::max(ts.max, latency_ms);
  // One sample per second: a later one in the same second only raises it.
  Sample& prev = ts.samples[(ts.idx + kSamples - 1) % kSamples];
  if (prev.time_s == now_s) {
    prev.latency_ms = std::max(prev.latency_ms, latency_ms);
    return;
  }
  ts.samples[ts.idx] = {now_s, latency_ms};
  ts.idx = (ts.idx + 1) % kSamples;
}

std::vector<LatencyMonitor::Latest> LatencyMonitor::GetLatest() const {
  std::lock_guard lk(mu_);
  std::vector<Latest> out;
  for (auto& [name, ts] : events_) {
    const Sample& last = ts.samples[(ts.idx + kSamples - 1) % kSamples];
    out.push_back({name, last.time_s, last.latency_ms, ts.max});
  }
  return out;
}

std::vector<LatencyMonitor::Sample> LatencyMonitor::History(std::string_view event) const {
  std::lock_guard lk(mu_);
  std::vector<Sample> out;
  auto it = events_.find(event);
  if (it == events_.end()) return out;
  const Series& ts = it->second;
  for (int j = 0; j < kSamples; ++j) {
    const Sample& s = ts.samples[(ts.idx + j) % kSamples];
    if (s.time_s != 0) out.push_back(s);
  }
  return out;
}

int64_t LatencyMonitor::Reset(const std::vector<std::string>& events) {
  std::lock_guard lk(mu_);
  if (events.empty()) {
    auto n = static_cast<int64_t>(events_.size());
    events_.clear();
    return n;
  }
  int64_t n = 0;
  for (auto& e : events) n += static_cast<int64_t>(events_.erase(e));
  return n;
}

// ============================================================================================
// MONITOR
// ============================================================================================

std::string MonitorFeed::FormatLine(int64_t now_us, int db, std::string_view client,
                                    CmdArgList args, uint32_t redact_mask) {
  char head[64];
  std::snprintf(head, sizeof(head), "+%" PRId64 ".%06" PRId64 " [%d ", now_us / 1000000,
                now_us % 1000000, db);
  std::string line = head;
  line.append(client);
  line.push_back(']');
  for (size_t i = 0; i < args.size(); ++i) {
    line.push_back(' ');
    if (i < 32 && ((redact_mask >> i) & 1))
      line.append("\"(redacted)\"");
    else
      AppendRepr(&line, args[i]);
  }
  line.append("\r\n");
  return line;
}

void MonitorFeed::Add(MonitorSink* sink) {
  std::lock_guard lk(mu_);
  if (std::find(sinks_.begin(), sinks_.end(), sink) != sinks_.end()) return;
  sinks_.push_back(sink);
  count_.store(static_cast<int>(sinks_.size()), std::memory_order_relaxed);
}

void MonitorFeed::Remove(MonitorSink* sink) {
  std::lock_guard lk(mu_);
  sinks_.erase(std::remove(sinks_.begin(), sinks_.end(), sink), sinks_.end());
  count_.store(static_cast<int>(sinks_.size()), std::memory_order_relaxed);
}

void MonitorFeed::Feed(int64_t now_us, int db, std::string_view client, CmdArgList args,
                       uint32_t redact_mask) {
  const std::string line = FormatLine(now_us, db, client, args, redact_mask);
  std::lock_guard lk(mu_);
  for (MonitorSink* s : sinks_) s->FeedMonitor(line);
}

// ============================================================================================
// CLIENT PAUSE
// ============================================================================================

void ClientPause::Pause(Mode mode, int64_t end_ms) {
  // As Redis 7.0's pauseClients for CLIENT PAUSE: the new pause replaces the one in force.
  std::lock_guard lk(mu_);
  end_ms_.store(end_ms, std::memory_order_relaxed);
  mode_.store(mode, std::memory_order_relaxed);
}

// ============================================================================================
// Redaction
// ============================================================================================

uint32_t RedactedArgs(const CommandSpec& spec, CmdArgList args) {
  if (spec.full_name == "auth") {
    uint32_t mask = 0;
    for (size_t i = 1; i < args.size() && i < 32; ++i) mask |= 1u << i;
    return mask;
  }
  if (spec.full_name == "hello") {
    for (size_t i = 2; i + 2 < args.size() && i < 30; ++i) {
      if (EqualsIgnoreCase(args[i], "auth")) return (1u << (i + 1)) | (1u << (i + 2));
    }
  }
  return 0;
}

}  // namespace fincache
