// maxmemory and eviction, as Redis 7.0's evict.c does it (approximated LRU/LFU/TTL by sampling
// into an eviction pool, random eviction), on the engine's per-shard memory accounting.
//
// Access data lives in Entry::lru (32 bits):
//   - LRU policies and noeviction: the LRU clock (lru::Clock: 10 ms units modulo 2^32, so it
//     wraps every ~497 days where Redis's 1-second 24-bit clock wraps every 194), refreshed on
//     every access; OBJECT IDLETIME is the elapsed time in seconds. The finer resolution lets
//     LRU eviction tell apart keys touched within the same second (Redis cannot).
//   - LFU policies: Redis's layout in the low 24 bits: 16 bits of "last decrement time" in
//     minutes (unix minutes mod 2^16) and an 8-bit logarithmic access counter. A new key starts
//     at kLfuInitVal so it is not evicted before it had a chance to be used; an access first
//     decays the counter by one per lfu-decay-time minutes elapsed, then increments it with
//     probability 1 / ((counter - kLfuInitVal) * lfu-log-factor + 1).
//   Switching policy at runtime does not convert the field, as in Redis: the data adjusts as
//   keys are accessed.
//
// Evictor::Perform (Redis's performEvictions) runs before a command when maxmemory is set: while
// the used memory (Engine::TotalUsedMemory) exceeds maxmemory it picks the best key and deletes
// it ("evicted" keyspace event, WATCH invalidation, evicted_keys), up to the bytes that were over
// the limit, giving up after a time budget set by maxmemory-eviction-tenacity (the background
// cycle continues then). Best key: LRU/LFU/TTL policies sample maxmemory-samples keys per
// database into a pool of the 16 best candidates (largest idle time, lowest frequency, nearest
// expiry) kept across calls; random policies pick a random key. volatile-* policies only look
// at keys with a TTL.
//
// Locking: Perform takes the gate's shared token (unless the caller's thread holds the gate),
// then one eviction mutex (evictions run one at a time), then one shard lock at a time; callers
// must not hold shard locks.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace fincache {

class Engine;

enum class EvictionPolicy : uint8_t {
  kNoEviction,
  kAllKeysLru,
  kVolatileLru,
  kAllKeysLfu,
  kVolatileLfu,
  kAllKeysRandom,
  kVolatileRandom,
  kVolatileTtl,
};

// Redis's names ("allkeys-lru"...); false for an unknown name.
bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* out);
std::string_view EvictionPolicyName(EvictionPolicy p);
inline bool IsLfuPolicy(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysLfu || p == EvictionPolicy::kVolatileLfu;
}
inline bool IsLruPolicy(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysLru || p == EvictionPolicy::kVolatileLru;
}
inline bool IsVolatilePolicy(EvictionPolicy p) {
  return p == EvictionPolicy::kVolatileLru || p == EvictionPolicy::kVolatileLfu ||
         p == EvictionPolicy::kVolatileRandom || p == EvictionPolicy::kVolatileTtl;
}

// ---- LRU clock ----
namespace lru {
inline constexpr int64_t kResolutionMs = 10;
inline uint32_t Clock(int64_t now_ms) { return static_cast<uint32_t>(now_ms / kResolutionMs); }
// Milliseconds since the access recorded in `field` (the clock wraps once, as Redis's).
inline uint64_t IdleMs(uint32_t field, int64_t now_ms) {
  return static_cast<uint64_t>(static_cast<uint32_t>(Clock(now_ms) - field)) * kResolutionMs;
}
// The field of a key last accessed idle_s seconds ago (RESTORE ... IDLETIME).
inline uint32_t FromIdleSeconds(int64_t idle_s, int64_t now_ms) {
  return Clock(now_ms) -
         static_cast<uint32_t>(static_cast<uint64_t>(idle_s) * 1000 / kResolutionMs);
}
}  // namespace lru

// ---- LFU counter (Redis's layout in the low 24 bits of Entry::lru) ----
namespace lfu {
inline constexpr uint32_t kInitVal = 5;  // LFU_INIT_VAL
// Unix minutes modulo 2^16.
inline uint32_t Minutes(int64_t now_ms) { return static_cast<uint32_t>((now_ms / 60000) & 0xFFFF); }
inline uint32_t Pack(uint32_t minutes, uint32_t counter) { return (minutes << 8) | counter; }
inline uint32_t Counter(uint32_t lru) { return lru & 0xFF; }
// Minutes since the field's last decrement time, modulo 2^16 as Redis's LFUTimeElapsed.
uint32_t ElapsedMinutes(uint32_t lru, uint32_t now_minutes);
// The counter decayed by one per decay_time minutes elapsed (decay_time 0: no decay); the field
// is not changed (Redis's LFUDecrAndReturn, what OBJECT FREQ shows).
uint32_t DecrAndReturn(uint32_t lru, uint32_t now_minutes, int64_t decay_time);
// Redis's LFULogIncr: counter + 1 with probability 1/((counter - kInitVal) * log_factor + 1),
// saturating at 255. `random01` is a uniform draw in [0, 1).
uint32_t LogIncr(uint32_t counter, int64_t log_factor, double random01);
// An access: decay, then the logarithmic increment; returns the new field (Redis's updateLFU).
uint32_t Touch(uint32_t lru, uint32_t now_minutes, int64_t log_factor, int64_t decay_time);
}  // namespace lfu

// The pool of eviction candidates (Redis's EVPOOL_SIZE = 16): sorted by ascending idle score, so
// the best candidate is the last. Keys are copied (their entries may go away meanwhile).
class EvictionPool {
 public:
  static constexpr int kSize = 16;
  struct Candidate {
    uint64_t idle = 0;
    int db = 0;
    std::string key;
  };
  // Offers a sampled key: kept when the pool has room or it beats the worst candidate (which is
  // dropped then); a key already pooled (same db) is not added twice.
  void Insert(uint64_t idle, int db, std::string_view key);
  // Removes and returns the best candidate; false when empty.
  bool PopBest(Candidate* out);
  int size() const { return size_; }
  const Candidate& at(int i) const { return slots_[i]; }
  void Clear() { size_ = 0; }

 private:
  std::array<Candidate, kSize> slots_;
  int size_ = 0;
};

class Evictor {
 public:
  enum class Result { kOk, kRunning, kFail };

  explicit Evictor(Engine& engine) : engine_(engine) {}

  // ---- settings (config listeners set them) ----
  void set_maxmemory(uint64_t bytes) { maxmemory_.store(bytes, std::memory_order_relaxed); }
  uint64_t maxmemory() const { return maxmemory_.load(std::memory_order_relaxed); }
  void set_policy(EvictionPolicy p) { policy_.store(p, std::memory_order_relaxed); }
  EvictionPolicy policy() const { return policy_.load(std::memory_order_relaxed); }
  bool lfu() const { return IsLfuPolicy(policy()); }
  void set_samples(int n) { samples_.store(n, std::memory_order_relaxed); }
  int samples() const { return samples_.load(std::memory_order_relaxed); }
  void set_tenacity(int t) { tenacity_.store(t, std::memory_order_relaxed); }
  int tenacity() const { return tenacity_.load(std::memory_order_relaxed); }
  void set_lfu_log_factor(int64_t f) { lfu_log_factor_.store(f, std::memory_order_relaxed); }
  int64_t lfu_log_factor() const { return lfu_log_factor_.load(std::memory_order_relaxed); }
  void set_lfu_decay_time(int64_t m) { lfu_decay_time_.store(m, std::memory_order_relaxed); }
  int64_t lfu_decay_time() const { return lfu_decay_time_.load(std::memory_order_relaxed); }

  // Time budget of one Perform call, from maxmemory-eviction-tenacity (Redis's
  // evictionTimeLimitUs): 0..10 -> 50us steps up to 500us; 11..99 -> 15% more per step;
  // 100 -> unlimited (UINT64_MAX).
  static uint64_t TimeLimitUs(int tenacity);

  // Redis's performEvictions. kOk: under the limit (or freed enough); kRunning: still over it
  // after the time budget (the command may run, the background cycle goes on); kFail: over the
  // limit and nothing can be evicted (noeviction, or no candidate keys): deny-OOM commands get
  // the OOM error. Cheap when maxmemory is 0 or memory is under the limit.
  Result Perform();

  // ---- statistics ----
  uint64_t evicted_keys() const { return evicted_keys_.load(std::memory_order_relaxed); }
  // INFO total_eviction_exceeded_time / current_eviction_exceeded_time, in microseconds: how
  // long used memory has been over maxmemory (in total, and in the current stretch).
  uint64_t total_exceeded_us(int64_t now_us) const;
  uint64_t current_exceeded_us(int64_t now_us) const;
  void ResetStats();

 private:
  // Picks and deletes one key; returns the bytes it accounted for, or -1 when no key can be
  // evicted. The caller holds mu_ and the gate (shared or exclusive).
  int64_t EvictOne(int64_t now_ms);
  bool PickFromPool(EvictionPolicy p, int64_t now_ms, int* db, std::string* key);
  bool PickRandom(EvictionPolicy p, int* db, std::string* key);
  // Deletes (db, key) if it still exists (with a TTL for volatile policies): bytes freed or -1.
  int64_t DeleteKey(int db, std::string_view key, bool volatile_only, int64_t now_ms);
  uint64_t IdleScore(EvictionPolicy p, uint32_t lru, int64_t expire_ms, int64_t now_ms) const;
  void NoteResult(Result r);

  Engine& engine_;
  std::atomic<uint64_t> maxmemory_{0};
  std::atomic<EvictionPolicy> policy_{EvictionPolicy::kNoEviction};
  std::atomic<int> samples_{5};
  std::atomic<int> tenacity_{10};
  std::atomic<int64_t> lfu_log_factor_{10};
  std::atomic<int64_t> lfu_decay_time_{1};

  std::mutex mu_;  // one eviction at a time; guards pool_, next_db_
  EvictionPool pool_;
  int next_db_ = 0;

  std::atomic<uint64_t> evicted_keys_{0};
  std::mutex exceeded_mu_;
  std::atomic<int64_t> exceeded_since_us_{0};  // 0: not over the limit now
  std::atomic<uint64_t> exceeded_total_us_{0};
};

}  // namespace fincache
