#include "engine/engine.h"

#include <algorithm>
#include <random>
#include <string>

namespace fincache {

namespace {
size_t RoundUpPow2(size_t n) {
  size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

void RemoveFromTtl(DbTable& t, Entry* e) {
  if (e->ttl_index == Entry::kNoTtl) return;
  uint32_t idx = e->ttl_index;
  Entry* last = t.ttl_entries.back();
  t.ttl_entries[idx] = last;
  last->ttl_index = idx;
  t.ttl_entries.pop_back();
  e->ttl_index = Entry::kNoTtl;
}

thread_local std::mt19937_64 tl_rng{std::random_device{}()};
}  // namespace

size_t EntryMemory(std::string_view key, const Entry& e) {
  // KeyTable node (16-byte header + Entry + key bytes, one allocation) + value heap bytes.
  return 16 + sizeof(Entry) + key.size() + e.value.MemoryUsage();
}

// ---------------------------------------------------------------------------------------
// Engine
// ---------------------------------------------------------------------------------------

Engine::Engine(EngineOptions opts) : db_count_(std::max(1, opts.databases)) {
  size_t n = RoundUpPow2(std::max(1, opts.shard_count));
  shard_mask_ = n - 1;
  shards_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    auto s = std::make_unique<Shard>();
    s->dbs.resize(db_count_);
    s->watched.resize(db_count_);
    s->key_counts = std::vector<std::atomic<int64_t>>(db_count_);
    s->expires_counts = std::vector<std::atomic<int64_t>>(db_count_);
    shards_.push_back(std::move(s));
  }
  if (opts.clock) {
    clock_ = opts.clock;
  } else {
    owned_clock_ = std::make_unique<SystemClock>();
    clock_ = owned_clock_.get();
  }
  set_hz(opts.active_expiry_hz);
  active_expiry_enabled_ = opts.active_expiry;
  if (opts.active_expiry) bg_thread_ = std::thread([this] { BackgroundLoop(); });
}

Engine::~Engine() {
  {
    std::lock_guard lk(bg_mu_);
    stopping_ = true;
  }
  bg_cv_.notify_all();
  if (bg_thread_.joinable()) bg_thread_.join();
}

void Engine::BackgroundLoop() {
  std::unique_lock lk(bg_mu_);
  while (!stopping_) {
    bg_cv_.wait_for(lk, std::chrono::milliseconds(1000 / hz()),
                    [this] { return stopping_.load(); });
    if (stopping_) break;
    if (!active_expiry_enabled_) {
      lk.unlock();
      if (evictor_.maxmemory() != 0) evictor_.Perform();
      PeakMemory();
      lk.lock();
      continue;
    }
    lk.unlock();
    // Like Redis: at most ~25% of each period spent expiring.
    ActiveExpireCycle(250'000 / hz());
    // Evictions a command left unfinished (time budget) go on here, as Redis's eviction
    // time proc; the peak is sampled as in Redis's cron.
    if (evictor_.maxmemory() != 0) evictor_.Perform();
    PeakMemory();
    lk.lock();
  }
}

void Engine::set_hz(int hz) { hz_.store(std::clamp(hz, 1, 500), std::memory_order_relaxed); }

void Engine::ResetStats() {
  evictor_.ResetStats();
  for (auto& s : shards_) {
    s->expired_keys.store(0, std::memory_order_relaxed);
    s->keyspace_hits.store(0, std::memory_order_relaxed);
    s->keyspace_misses.store(0, std::memory_order_relaxed);
  }
}

int64_t Engine::DbSize(int db) const {
  int64_t n = 0;
  for (auto& s : shards_) n += s->key_counts[db].load(std::memory_order_relaxed);
  return n;
}
int64_t Engine::ExpiresCount(int db) const {
  int64_t n = 0;
  for (auto& s : shards_) n += s->expires_counts[db].load(std::memory_order_relaxed);
  return n;
}
int64_t Engine::UsedMemory() const {
  int64_t n = 0;
  for (auto& s : shards_) n += s->used_memory.load(std::memory_order_relaxed);
  return n;
}
int64_t Engine::BaselineMemory() const {
  return static_cast<int64_t>(shards_.size() * (sizeof(Shard) + db_count_ * sizeof(DbTable)));
}

int64_t Engine::PeakMemory() {
  const int64_t used = TotalUsedMemory();
  int64_t peak = peak_memory_.load(std::memory_order_relaxed);
  while (used > peak &&
         !peak_memory_.compare_exchange_weak(peak, used, std::memory_order_relaxed)) {
  }
  return std::max(peak, used);
}

uint64_t Engine::ExpiredKeys() const {
  uint64_t n = 0;
  for (auto& s : shards_) n += s->expired_keys.load(std::memory_order_relaxed);
  return n;
}
uint64_t Engine::KeyspaceHits() const {
  uint64_t n = 0;
  for (auto& s : shards_) n += s->keyspace_hits.load(std::memory_order_relaxed);
  return n;
}
uint64_t Engine::KeyspaceMisses() const {
  uint64_t n = 0;
  for (auto& s : shards_) n += s->keyspace_misses.load(std::memory_order_relaxed);
  return n;
}

void Engine::FlushDb(int db) {
  TouchAllWatchedInDb(db, -1);
  for (auto& s : shards_) {
    DbTable& t = s->dbs[db];
    int64_t mem = 0;
    t.table.ForEach([&](std::string_view, Entry& e) { mem += e.accounted; });
    t.table.Clear();
    t.ttl_entries.clear();
    t.ttl_entries.shrink_to_fit();
    s->used_memory.fetch_sub(mem, std::memory_order_relaxed);
    s->key_counts[db].store(0, std::memory_order_relaxed);
    s->expires_counts[db].store(0, std::memory_order_relaxed);
  }
}

void Engine::FlushAll() {
  for (int db = 0; db < db_count_; ++db) FlushDb(db);
}

void Engine::SwapDb(int a, int b) {
  if (a == b) return;
  // Watched keys stay with their db index (clients keep watching "db a"), as in Redis.
  TouchAllWatchedInDb(a, b);
  TouchAllWatchedInDb(b, a);
  for (auto& s : shards_) {
    std::swap(s->dbs[a], s->dbs[b]);
    int64_t ka = s->key_counts[a].load(), kb = s->key_counts[b].load();
    s->key_counts[a].store(kb);
    s->key_counts[b].store(ka);
    int64_t ea = s->expires_counts[a].load(), eb = s->expires_counts[b].load();
    s->expires_counts[a].store(eb);
    s->expires_counts[b].store(ea);
  }
}

void Engine::PropagateDeletion(int db, std::string_view key) {
  if (EffectSink* sink = effect_sink()) {
    std::string_view argv[] = {"DEL", key};
    sink->Feed(db, argv);
  }
}

size_t Engine::ActiveExpireCycle(int64_t time_budget_us) {
  constexpr int kSamples = 20;
  size_t expired_total = 0;
  int64_t start = clock_->NowUs();
  ExecGate::Shared token(gate_);
  if (loading()) return 0;
  for (auto& sp : shards_) {
    Shard& s = *sp;
    std::lock_guard lk(s.mu);
    int64_t now = clock_->NowMs();
    for (int db = 0; db < db_count_; ++db) {
      DbTable& t = s.dbs[db];
      // Repeat while more than 25% of a sample was expired, as Redis does.
      while (!t.ttl_entries.empty()) {
        int sampled = 0, expired = 0;
        for (; sampled < kSamples && !t.ttl_entries.empty(); ++sampled) {
          Entry* e = t.ttl_entries[tl_rng() % t.ttl_entries.size()];
          if (e->expire_ms <= now) {
            Db view(*this, db, now);
            if (AnyWatched() || pubsub_.Notifies(notify::kExpired) || effect_sink()) {
              std::string key(Db::KeyOf(e));
              view.Delete(e);
              PropagateDeletion(db, key);
              if (AnyWatched()) TouchWatchedKey(db, key);
              pubsub_.Notify(notify::kExpired, "expired", key, db);
            } else {
              view.Delete(e);
            }
            s.expired_keys.fetch_add(1, std::memory_order_relaxed);
            ++expired;
          }
        }
        expired_total += expired;
        if (expired * 4 <= sampled) break;
        if (clock_->NowUs() - start > time_budget_us) return expired_total;
      }
    }
  }
  return expired_total;
}

// ---------------------------------------------------------------------------------------
// Db
// ---------------------------------------------------------------------------------------

DbTable& Db::table_of(std::string_view key) {
  return engine_->shard(engine_->ShardIndexOf(key)).dbs[index_];
}

Entry* Db::FindHashed(std::string_view key, uint64_t hash, Shard& shard, DbTable& t) {
  Entry* e = t.table.Find(key, hash);
  if (e && IsExpired(*e)) {
    shard.expired_keys.fetch_add(1, std::memory_order_relaxed);
    const bool watched = engine_->AnyWatched();
    const bool notifying = engine_->pubsub().Notifies(notify::kExpired);
    if (watched || notifying || engine_->effect_sink()) {
      // Lazy expiry is a modification for WATCH (Redis 7.0 signals the deleted key), an
      // "expired" event and a DEL for the AOF. The key is copied first: `key` may point into
      // the entry being freed.
      std::string copy(key);
      EraseEntry(shard, t, e);
      engine_->PropagateDeletion(index_, copy);
      if (watched) engine_->TouchWatchedKey(index_, copy);
      engine_->pubsub().Notify(notify::kExpired, "expired", copy, index_);
      return nullptr;
    }
    EraseEntry(shard, t, e);
    return nullptr;
  }
  return e;
}

Entry* Db::Find(std::string_view key) {
  uint64_t h = HashKey(key);
  Shard& s = ShardFor(h);
  return FindHashed(key, h, s, s.dbs[index_]);
}

Entry* Db::FindRead(std::string_view key) {
  uint64_t h = HashKey(key);
  Shard& s = ShardFor(h);
  Entry* e = FindHashed(key, h, s, s.dbs[index_]);
  if (e) {
    s.keyspace_hits.fetch_add(1, std::memory_order_relaxed);
    engine_->TouchAccess(e);
  } else {
    s.keyspace_misses.fetch_add(1, std::memory_order_relaxed);
    // Redis's lookupKeyRead miss: a "keymiss" event (class m, off unless asked for).
    engine_->pubsub().Notify(notify::kKeyMiss, "keymiss", key, index_);
  }
  return e;
}

Entry* Db::FindWrite(std::string_view key) {
  Entry* e = Find(key);
  if (e) engine_->TouchAccess(e);
  return e;
}

OpResult<Entry*> Db::FindReadOfType(std::string_view key, ObjType type) {
  Entry* e = FindRead(key);
  if (!e) return OpStatus::kKeyNotFound;
  if (e->value.type() != type) return OpStatus::kWrongType;
  return e;
}

OpResult<Entry*> Db::FindOfType(std::string_view key, ObjType type) {
  Entry* e = Find(key);
  if (!e) return OpStatus::kKeyNotFound;
  if (e->value.type() != type) return OpStatus::kWrongType;
  return e;
}

std::pair<Entry*, bool> Db::FindOrInsert(std::string_view key) {
  uint64_t h = HashKey(key);
  Shard& s = ShardFor(h);
  DbTable& t = s.dbs[index_];
  if (Entry* e = FindHashed(key, h, s, t)) return {e, false};
  auto [e, inserted] = t.table.Emplace(key, h);
  e->lru = engine_->NewAccessData();
  e->accounted = static_cast<uint32_t>(EntryMemory(key, *e));
  s.used_memory.fetch_add(e->accounted, std::memory_order_relaxed);
  s.key_counts[index_].fetch_add(1, std::memory_order_relaxed);
  // Redis's dbAdd: a "new" key event (class n, off unless asked for).
  engine_->pubsub().Notify(notify::kNew, "new", key, index_);
  return {e, true};
}

bool Db::Delete(std::string_view key) {
  uint64_t h = HashKey(key);
  Shard& s = ShardFor(h);
  DbTable& t = s.dbs[index_];
  Entry* e = FindHashed(key, h, s, t);
  if (!e) return false;
  EraseEntry(s, t, e);
  return true;
}

void Db::Delete(Entry* e) {
  std::string_view key = KeyOf(e);
  Shard& s = ShardFor(HashKey(key));
  EraseEntry(s, s.dbs[index_], e);
}

void Db::EraseEntry(Shard& shard, DbTable& t, Entry* e) {
  if (e->ttl_index != Entry::kNoTtl) {
    RemoveFromTtl(t, e);
    shard.expires_counts[index_].fetch_sub(1, std::memory_order_relaxed);
  }
  shard.used_memory.fetch_sub(e->accounted, std::memory_order_relaxed);
  shard.key_counts[index_].fetch_sub(1, std::memory_order_relaxed);
  t.table.Erase(e);
}

void Db::SetExpire(Entry* e, int64_t abs_ms) {
  std::string_view key = KeyOf(e);
  Shard& s = ShardFor(HashKey(key));
  DbTable& t = s.dbs[index_];
  if (abs_ms == 0) {
    if (e->ttl_index != Entry::kNoTtl) {
      RemoveFromTtl(t, e);
      s.expires_counts[index_].fetch_sub(1, std::memory_order_relaxed);
    }
    e->expire_ms = 0;
    return;
  }
  if (e->ttl_index == Entry::kNoTtl) {
    e->ttl_index = static_cast<uint32_t>(t.ttl_entries.size());
    t.ttl_entries.push_back(e);
    s.expires_counts[index_].fetch_add(1, std::memory_order_relaxed);
  }
  e->expire_ms = abs_ms;
}

void Db::AfterWrite(Entry* e) {
  std::string_view key = KeyOf(e);
  Shard& s = ShardFor(HashKey(key));
  size_t now_bytes = EntryMemory(key, *e);
  uint32_t capped = static_cast<uint32_t>(std::min<size_t>(now_bytes, UINT32_MAX));
  s.used_memory.fetch_add(static_cast<int64_t>(capped) - static_cast<int64_t>(e->accounted),
                          std::memory_order_relaxed);
  e->accounted = capped;
}

void Db::AfterWrite(std::string_view key) {
  uint64_t h = HashKey(key);
  Shard& s = ShardFor(h);
  if (Entry* e = s.dbs[index_].table.Find(key, h)) AfterWrite(e);
}

}  // namespace fincache
