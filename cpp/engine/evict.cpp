#include "engine/evict.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "engine/engine.h"

namespace fincache {

namespace {

thread_local std::mt19937_64 tl_evict_rng{std::random_device{}()};

struct PolicyName {
  EvictionPolicy policy;
  std::string_view name;
};
constexpr PolicyName kPolicyNames[] = {
    {EvictionPolicy::kVolatileLru, "volatile-lru"},
    {EvictionPolicy::kVolatileLfu, "volatile-lfu"},
    {EvictionPolicy::kVolatileRandom, "volatile-random"},
    {EvictionPolicy::kVolatileTtl, "volatile-ttl"},
    {EvictionPolicy::kAllKeysLru, "allkeys-lru"},
    {EvictionPolicy::kAllKeysLfu, "allkeys-lfu"},
    {EvictionPolicy::kAllKeysRandom, "allkeys-random"},
    {EvictionPolicy::kNoEviction, "noeviction"},
};

// Locks one shard unless the calling thread holds the gate exclusively (then nobody else runs).
class ShardLock {
 public:
  ShardLock(Engine& engine, Shard& shard)
      : shard_(engine.gate().HeldExclusiveByMe() ? nullptr : &shard) {
    if (shard_) shard_->mu.lock();
  }
  ~ShardLock() {
    if (shard_) shard_->mu.unlock();
  }
  ShardLock(const ShardLock&) = delete;
  ShardLock& operator=(const ShardLock&) = delete;

 private:
  Shard* shard_;
};

// Keys of db in a shard that the policy may evict (lock-free counters: a hint).
int64_t CandidateCount(Shard& s, int db, bool volatile_only) {
  return volatile_only ? s.expires_counts[db].load(std::memory_order_relaxed)
                       : s.key_counts[db].load(std::memory_order_relaxed);
}

// A random shard of the engine weighted by its candidate count for db; nullptr when none.
Shard* RandomShard(Engine& engine, int db, bool volatile_only, uint64_t random_bits) {
  int64_t total = 0;
  for (size_t i = 0; i < engine.shard_count(); ++i)
    total += std::max<int64_t>(0, CandidateCount(engine.shard(i), db, volatile_only));
  if (total <= 0) return nullptr;
  int64_t pick = static_cast<int64_t>(random_bits % static_cast<uint64_t>(total));
  for (size_t i = 0; i < engine.shard_count(); ++i) {
    pick -= std::max<int64_t>(0, CandidateCount(engine.shard(i), db, volatile_only));
    if (pick < 0) return &engine.shard(i);
  }
  return &engine.shard(engine.shard_count() - 1);
}

// A random candidate entry of a locked shard's db (nullptr when it has none).
Entry* RandomEntry(DbTable& t, bool volatile_only, uint64_t random_bits) {
  if (volatile_only) {
    if (t.ttl_entries.empty()) return nullptr;
    return t.ttl_entries[random_bits % t.ttl_entries.size()];
  }
  return t.table.Random(random_bits);
}

}  // namespace

bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* out) {
  for (auto& p : kPolicyNames) {
    if (p.name.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(name[i])) == p.name[i];
    if (same) {
      *out = p.policy;
      return true;
    }
  }
  return false;
}

std::string_view EvictionPolicyName(EvictionPolicy policy) {
  for (auto& p : kPolicyNames)
    if (p.policy == policy) return p.name;
  return "noeviction";
}

// ---------------------------------------------------------------------------------------------
// LFU
// ---------------------------------------------------------------------------------------------

namespace lfu {

uint32_t ElapsedMinutes(uint32_t lru, uint32_t now_minutes) {
  uint32_t ldt = (lru >> 8) & 0xFFFF;
  if (now_minutes >= ldt) return now_minutes - ldt;
  return 65535 - ldt + now_minutes;
}

uint32_t DecrAndReturn(uint32_t lru, uint32_t now_minutes, int64_t decay_time) {
  uint32_t counter = Counter(lru);
  if (decay_time <= 0) return counter;
  uint64_t periods = ElapsedMinutes(lru, now_minutes) / static_cast<uint64_t>(decay_time);
  return periods >= counter ? 0 : counter - static_cast<uint32_t>(periods);
}

uint32_t LogIncr(uint32_t counter, int64_t log_factor, double random01) {
  if (counter >= 255) return 255;
  double base = counter > kInitVal ? static_cast<double>(counter - kInitVal) : 0.0;
  double p = 1.0 / (base * static_cast<double>(log_factor) + 1.0);
  return random01 < p ? counter + 1 : counter;
}

uint32_t Touch(uint32_t lru, uint32_t now_minutes, int64_t log_factor, int64_t decay_time) {
  uint32_t counter = DecrAndReturn(lru, now_minutes, decay_time);
  // 53 random bits -> [0, 1)
  double r = static_cast<double>(tl_evict_rng() >> 11) * (1.0 / 9007199254740992.0);
  counter = LogIncr(counter, log_factor, r);
  return Pack(now_minutes, counter);
}

}  // namespace lfu

// ---------------------------------------------------------------------------------------------
// EvictionPool
// ---------------------------------------------------------------------------------------------

void EvictionPool::Insert(uint64_t idle, int db, std::string_view key) {
  for (int i = 0; i < size_; ++i)
    if (slots_[i].db == db && slots_[i].key == key) return;
  // First slot whose candidate is at least as good (idle >= ours): we go before it.
  int k = 0;
  while (k < size_ && slots_[k].idle < idle) ++k;
  if (size_ == kSize) {
    if (k == 0) return;  // worse than every pooled candidate
    // Drop the worst (slot 0) and shift the lower part left; we land at k - 1. Strings are
    // rotated, not copied, so their buffers are reused.
    std::rotate(slots_.begin(), slots_.begin() + 1, slots_.begin() + k);
    --k;
  } else {
    std::rotate(slots_.begin() + k, slots_.begin() + size_, slots_.begin() + size_ + 1);
    ++size_;
  }
  Candidate& c = slots_[k];
  c.idle = idle;
  c.db = db;
  c.key.assign(key);
}

bool EvictionPool::PopBest(Candidate* out) {
  if (size_ == 0) return false;
  --size_;
  std::swap(*out, slots_[size_]);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Evictor
// ---------------------------------------------------------------------------------------------

uint64_t Evictor::TimeLimitUs(int tenacity) {
  tenacity = std::clamp(tenacity, 0, 100);
  if (tenacity <= 10) return 50ull * static_cast<uint64_t>(tenacity);
  if (tenacity < 100) return static_cast<uint64_t>(500.0 * std::pow(1.15, tenacity - 10.0));
  return UINT64_MAX;
}

uint64_t Evictor::IdleScore(EvictionPolicy p, uint32_t lru, int64_t expire_ms,
                            int64_t now_ms) const {
  if (IsLfuPolicy(p)) {
    return 255 - lfu::DecrAndReturn(lru, lfu::Minutes(now_ms), lfu_decay_time());
  }
  if (p == EvictionPolicy::kVolatileTtl) {
    // Nearest expiry first.
    return UINT64_MAX - static_cast<uint64_t>(std::max<int64_t>(0, expire_ms));
  }
  return lru::IdleMs(lru, now_ms);
}

bool Evictor::PickFromPool(EvictionPolicy p, int64_t now_ms, int* db, std::string* key) {
  const bool volatile_only = IsVolatilePolicy(p);
  const int samples = std::max(1, this->samples());
  EvictionPool::Candidate best;
  // Bounded: counters are hints, so a round may find nothing to pool.
  for (int round = 0; round < 64; ++round) {
    // Redis's evictionPoolPopulate for every database with candidate keys.
    bool any = false;
    for (int d = 0; d < engine_.db_count(); ++d) {
      bool db_has_keys = false;
      for (int i = 0; i < samples; ++i) {
        Shard* s = RandomShard(engine_, d, volatile_only, tl_evict_rng());
        if (!s) break;
        db_has_keys = true;
        ShardLock lock(engine_, *s);
        Entry* e = RandomEntry(s->dbs[d], volatile_only, tl_evict_rng());
        if (!e) continue;
        pool_.Insert(IdleScore(p, e->lru, e->expire_ms, now_ms), d, Db::KeyOf(e));
      }
      any = any || db_has_keys;
    }
    if (!any) return false;
    // The best pooled candidate that still exists (Redis drops stale ones on the way).
    while (pool_.PopBest(&best)) {
      Shard& s = engine_.shard(engine_.ShardIndexOf(best.key));
      ShardLock lock(engine_, s);
      Entry* e = s.dbs[best.db].table.Find(best.key);
      if (e && (!volatile_only || e->ttl_index != Entry::kNoTtl)) {
        *db = best.db;
        key->swap(best.key);
        return true;
      }
    }
  }
  return false;
}

bool Evictor::PickRandom(EvictionPolicy p, int* db, std::string* key) {
  const bool volatile_only = IsVolatilePolicy(p);
  // Databases round robin, as Redis's next_db.
  for (int i = 0; i < engine_.db_count(); ++i) {
    next_db_ = (next_db_ + 1) % engine_.db_count();
    const int d = next_db_;
    // A shard's counters are hints; retry a few shards before giving the db up.
    for (int attempt = 0; attempt < 4; ++attempt) {
      Shard* s = RandomShard(engine_, d, volatile_only, tl_evict_rng());
      if (!s) break;
      ShardLock lock(engine_, *s);
      if (Entry* e = RandomEntry(s->dbs[d], volatile_only, tl_evict_rng())) {
        *db = d;
        key->assign(Db::KeyOf(e));
        return true;
      }
    }
  }
  return false;
}

int64_t Evictor::DeleteKey(int db, std::string_view key, bool volatile_only, int64_t now_ms) {
  Shard& s = engine_.shard(engine_.ShardIndexOf(key));
  ShardLock lock(engine_, s);
  Entry* e = s.dbs[db].table.Find(key);
  if (!e || (volatile_only && e->ttl_index == Entry::kNoTtl)) return -1;
  int64_t bytes = e->accounted;
  std::string copy(key);  // `key` may live in the entry
  Db view(engine_, db, now_ms);
  view.Delete(e);
  evicted_keys_.fetch_add(1, std::memory_order_relaxed);
  // Redis: signalModifiedKey (WATCH) and the "evicted" event (class e).
  if (engine_.AnyWatched()) engine_.TouchWatchedKey(db, copy);
  engine_.pubsub().Notify(notify::kEvicted, "evicted", copy, db);
  engine_.PropagateDeletion(db, copy);  // the AOF gets a DEL, as Redis's propagateDeletion
  return bytes;
}

int64_t Evictor::EvictOne(int64_t now_ms) {
  EvictionPolicy p = policy();
  int db = 0;
  std::string key;
  for (int tries = 0; tries < 8; ++tries) {
    bool picked = (p == EvictionPolicy::kAllKeysRandom || p == EvictionPolicy::kVolatileRandom)
                      ? PickRandom(p, &db, &key)
                      : PickFromPool(p, now_ms, &db, &key);
    if (!picked) return -1;
    int64_t bytes = DeleteKey(db, key, IsVolatilePolicy(p), now_ms);
    if (bytes >= 0) return bytes;
    // Gone between picking and deleting (another thread deleted it): pick again.
  }
  return -1;
}

Evictor::Result Evictor::Perform() {
  const uint64_t max = maxmemory();
  if (max == 0) return Result::kOk;
  if (static_cast<uint64_t>(std::max<int64_t>(0, engine_.TotalUsedMemory())) <= max) {
    if (exceeded_since_us_.load(std::memory_order_relaxed) != 0) NoteResult(Result::kOk);
    return Result::kOk;
  }
  if (policy() == EvictionPolicy::kNoEviction) {
    NoteResult(Result::kFail);
    return Result::kFail;
  }
  ExecGate::Shared token(engine_.gate(), /*yield_to_busy=*/true);
  if (!token.acquired()) return Result::kOk;  // a busy script runs: Redis skips evictions too
  std::lock_guard lk(mu_);
  const int64_t start_us = engine_.clock().NowUs();
  const int64_t now_ms = start_us / 1000;
  const int64_t used = engine_.TotalUsedMemory();
  if (used <= static_cast<int64_t>(std::min<uint64_t>(max, INT64_MAX))) {
    NoteResult(Result::kOk);
    return Result::kOk;
  }
  const int64_t to_free = used - static_cast<int64_t>(max);
  const uint64_t limit_us = TimeLimitUs(tenacity());
  int64_t freed = 0;
  uint64_t keys_freed = 0;
  Result result = Result::kOk;
  while (freed < to_free) {
    int64_t bytes = EvictOne(now_ms);
    if (bytes < 0) {
      result = Result::kFail;
      break;
    }
    freed += bytes;
    ++keys_freed;
    if (keys_freed % 16 == 0 &&
        static_cast<uint64_t>(engine_.clock().NowUs() - start_us) > limit_us) {
      result = Result::kRunning;
      break;
    }
  }
  NoteResult(result);
  return result;
}

void Evictor::NoteResult(Result r) {
  int64_t now_us = engine_.clock().NowUs();
  std::lock_guard lk(exceeded_mu_);
  int64_t since = exceeded_since_us_.load(std::memory_order_relaxed);
  if (r == Result::kOk) {
    if (since != 0) {
      exceeded_total_us_.fetch_add(static_cast<uint64_t>(std::max<int64_t>(0, now_us - since)),
                                   std::memory_order_relaxed);
      exceeded_since_us_.store(0, std::memory_order_relaxed);
    }
  } else if (since == 0) {
    exceeded_since_us_.store(std::max<int64_t>(1, now_us), std::memory_order_relaxed);
  }
}

uint64_t Evictor::current_exceeded_us(int64_t now_us) const {
  int64_t since = exceeded_since_us_.load(std::memory_order_relaxed);
  return since == 0 ? 0 : static_cast<uint64_t>(std::max<int64_t>(0, now_us - since));
}

uint64_t Evictor::total_exceeded_us(int64_t now_us) const {
  return exceeded_total_us_.load(std::memory_order_relaxed) + current_exceeded_us(now_us);
}

void Evictor::ResetStats() {
  evicted_keys_.store(0, std::memory_order_relaxed);
  std::lock_guard lk(exceeded_mu_);
  exceeded_total_us_.store(0, std::memory_order_relaxed);
  exceeded_since_us_.store(0, std::memory_order_relaxed);
}

}  // namespace fincache
