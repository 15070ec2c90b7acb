// The keyspace.
//
// The engine holds `shard_count` shards; a key lives in the shard chosen by its hash, in every
// database (so MOVE and COPY ... DB stay within one shard). A shard owns, per database, a KeyTable
// of entries and the list of its entries that carry a TTL (for active expiry sampling), plus its
// memory and keyspace counters, all guarded by the shard's mutex.
//
// Locking protocol (see ExecGate): a command holds the gate's shared token, then the mutexes of the
// shards of its keys in increasing shard index. Commands flagged "global" hold the exclusive gate
// and touch any shard without shard locks. Engine methods documented "exclusive" require that.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <thread>
#include <vector>

#include "common/op_status.h"
#include "engine/blocking.h"
#include "engine/clock.h"
#include "engine/evict.h"
#include "engine/exec_gate.h"
#include "engine/key_table.h"
#include "engine/pubsub.h"
#include "engine/watch.h"
#include "types/value.h"

namespace fincache {

struct Entry {
  static constexpr uint32_t kNoTtl = UINT32_MAX;
  Value value;
  int64_t expire_ms = 0;        // absolute unix ms; 0 = no TTL
  uint32_t ttl_index = kNoTtl;  // position in DbTable::ttl_entries
  uint32_t lru = 0;             // LRU clock (seconds) or LFU data: see engine/evict.h
  uint32_t accounted = 0;       // bytes currently counted for this entry in Shard::used_memory
};

struct DbTable {
  KeyTable<Entry> table;
  std::vector<Entry*> ttl_entries;  // entries with expire_ms != 0, for active expiry
};

struct alignas(64) Shard {
  std::mutex mu;
  std::vector<DbTable> dbs;
  // Counters are written under mu and read by INFO without it.
  std::atomic<int64_t> used_memory{0};
  std::atomic<uint64_t> expired_keys{0};
  std::atomic<uint64_t> keyspace_hits{0};
  std::atomic<uint64_t> keyspace_misses{0};
  std::vector<std::atomic<int64_t>> key_counts;      // per db
  std::vector<std::atomic<int64_t>> expires_counts;  // per db
  std::vector<WatchedKeys> watched;                  // per db: WATCHed keys (engine/watch.h)
};

// Where write effects go (the AOF, commands/aof.h; replication later): set by the command layer.
// Commands feed it through commands/propagation.h; the engine itself feeds the deletions it
// makes without a command asking for them (expired keys, as "DEL key"; eviction must too).
class EffectSink {
 public:
  virtual ~EffectSink() = default;
  // One command's effect in database db. The caller holds the shard locks of the keys it names
  // (or the exclusive gate), so the effects on one key arrive in the order they happened.
  virtual void Feed(int db, std::span<const std::string_view> argv) = 0;
};

struct EngineOptions {
  int databases = 16;
  int shard_count = 16;       // rounded up to a power of two
  Clock* clock = nullptr;     // nullptr: the system clock
  bool active_expiry = true;  // run the background expiry cycle
  int active_expiry_hz = 10;  // cycles per second (Redis's "hz")
};

class Engine {
 public:
  explicit Engine(EngineOptions opts = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  int db_count() const { return db_count_; }
  size_t shard_count() const { return shards_.size(); }
  size_t ShardIndexOf(uint64_t hash) const { return (hash >> 40) & shard_mask_; }
  size_t ShardIndexOf(std::string_view key) const { return ShardIndexOf(HashKey(key)); }
  Shard& shard(size_t i) { return *shards_[i]; }
  Clock& clock() const { return *clock_; }
  ExecGate& gate() { return gate_; }
  // Waiters of blocking commands (BLPOP...), see engine/blocking.h.
  BlockingManager& blocking() { return blocking_; }
  // Subscriptions, PUBLISH and keyspace notifications, see engine/pubsub.h.
  PubSub& pubsub() { return pubsub_; }

  // Number of keys in a db (lock-free sum of per-shard counters; may include not yet reaped
  // expired keys, like Redis's DBSIZE).
  int64_t DbSize(int db) const;
  int64_t ExpiresCount(int db) const;
  // Bytes of the keys and values (sum of the shards' accounting).
  int64_t UsedMemory() const;
  // Fixed cost of the engine with no keys (shard records and their per-db tables).
  int64_t BaselineMemory() const;
  // What maxmemory is compared with and INFO shows as used_memory: UsedMemory + baseline.
  int64_t TotalUsedMemory() const { return UsedMemory() + BaselineMemory(); }
  // Highest TotalUsedMemory seen (sampled by the background cycle, INFO and MEMORY STATS).
  int64_t PeakMemory();
  uint64_t ExpiredKeys() const;
  uint64_t EvictedKeys() const { return evictor_.evicted_keys(); }
  uint64_t KeyspaceHits() const;
  uint64_t KeyspaceMisses() const;

  // ---- exclusive operations (caller holds ExecGate::Exclusive) ----
  void FlushDb(int db);
  void FlushAll();
  void SwapDb(int a, int b);

  // One active-expiry pass over every shard, bounded by time_budget_us. Takes the gate and the
  // shard locks itself. Returns keys expired.
  size_t ActiveExpireCycle(int64_t time_budget_us);
  void set_active_expiry(bool on) { active_expiry_enabled_.store(on); }
  // Background cycles per second (Redis's "hz"), clamped to 1..500.
  void set_hz(int hz);
  int hz() const { return hz_.load(std::memory_order_relaxed); }
  // maxmemory, the eviction policy and its settings, evictions (engine/evict.h).
  Evictor& evictor() { return evictor_; }
  const Evictor& evictor() const { return evictor_; }

  // CONFIG RESETSTAT: expired and evicted keys, keyspace hits/misses back to 0.
  void ResetStats();

  // ---- WATCH (engine/watch.h) ----
  // Whether any client watches any key: one relaxed load (writes skip all WATCH work when not).
  bool AnyWatched() const { return watch_refs_.load(std::memory_order_relaxed) != 0; }
  // Adds (db, key) to c's watched keys. The caller holds the key's shard lock or the exclusive
  // gate.
  void Watch(WatchClient& c, int db, std::string_view key, int64_t now_ms);
  // Forgets every key c watches. Takes the gate's shared token and each key's shard lock itself
  // (none inside an exclusive section); the caller holds no shard lock.
  void UnwatchAll(WatchClient& c);
  // Redis's touchWatchedKey: (db, key) was modified; its watchers become dirty. The caller holds
  // the key's shard lock or the exclusive gate.
  void TouchWatchedKey(int db, std::string_view key);
  // A command modified (db, key): Redis's signalModifiedKey (WATCH) and notifyKeyspaceEvent
  // together, as Redis calls them. A "keymiss" event modifies nothing. Same locking.
  void KeyEvent(uint32_t type, std::string_view event, std::string_view key, int db) {
    if (type != notify::kKeyMiss && AnyWatched()) TouchWatchedKey(db, key);
    pubsub_.Notify(type, event, key, db);
  }
  // EXEC's check: whether a key c watched while it was live is logically expired at now_ms
  // (exclusive).
  bool WatchedKeyExpired(const WatchClient& c, int64_t now_ms);

  // ---- effects (EffectSink above) ----
  void set_effect_sink(EffectSink* sink) { sink_.store(sink, std::memory_order_release); }
  // nullptr when nothing records effects (appendonly no): one load on the write path.
  EffectSink* effect_sink() const { return sink_.load(std::memory_order_acquire); }
  // Feeds "DEL key" for a key the engine removed by itself (expiry; eviction).
  void PropagateDeletion(int db, std::string_view key);

  // Loading a data file (an AOF replayed through the commands): keys are not expired, lazily
  // nor actively, as Redis's keyIsExpired during loading; a key written after its TTL passed in
  // the file keeps the value it had then, and expires once loading is over.
  void set_loading(bool on) { loading_.store(on, std::memory_order_release); }
  bool loading() const { return loading_.load(std::memory_order_acquire); }

  // LRU clock (engine/evict.h lru::Clock: 10 ms units, 32-bit).
  uint32_t LruClock() const { return lru::Clock(clock_->NowMs()); }
  // Redis's lookupKey touch: the LRU clock, or under an LFU policy the decayed and
  // logarithmically incremented counter (engine/evict.h).
  void TouchAccess(Entry* e) const {
    if (evictor_.lfu()) {
      e->lru = lfu::Touch(e->lru, lfu::Minutes(clock_->NowMs()), evictor_.lfu_log_factor(),
                          evictor_.lfu_decay_time());
    } else {
      e->lru = LruClock();
    }
  }
  // Redis's objectSetLRUOrLFU (RESTORE IDLETIME/FREQ, the RDB IDLE/FREQ opcodes): under an LFU
  // policy a frequency (0..255; -1 none) sets the counter, under any other policy an idle time
  // in seconds (-1 none) sets the LRU clock; the other hint is ignored. An idle time beyond what
  // the clock holds (~497 days) is taken as that.
  void SetAccessHint(Entry* e, int64_t freq, int64_t idle_s, int64_t now) const {
    if (evictor_.lfu()) {
      if (freq >= 0) e->lru = lfu::Pack(lfu::Minutes(now), static_cast<uint32_t>(freq & 0xFF));
    } else if (idle_s >= 0) {
      constexpr int64_t kMaxIdleS = int64_t{UINT32_MAX} * lru::kResolutionMs / 1000;
      e->lru = lru::FromIdleSeconds(std::min(idle_s, kMaxIdleS), now);
    }
  }
  // The access data of a new key: the LRU clock, or an LFU counter at lfu::kInitVal.
  uint32_t NewAccessData() const {
    const int64_t now = clock_->NowMs();
    return evictor_.lfu() ? lfu::Pack(lfu::Minutes(now), lfu::kInitVal) : lru::Clock(now);
  }

 private:
  void BackgroundLoop();
  // FLUSHDB/FLUSHALL/SWAPDB: Redis's touchAllWatchedKeysInDb (exclusive, before the change).
  void TouchAllWatchedInDb(int emptied, int replaced_with);

  int db_count_;
  size_t shard_mask_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::unique_ptr<Clock> owned_clock_;
  Clock* clock_;
  ExecGate gate_;
  BlockingManager blocking_;
  std::atomic<int64_t> watch_refs_{0};  // WatchRefs in all shards
  PubSub pubsub_;
  std::atomic<int> hz_{10};
  std::atomic<bool> active_expiry_enabled_{true};
  std::atomic<EffectSink*> sink_{nullptr};
  std::atomic<bool> loading_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> peak_memory_{0};
  Evictor evictor_{*this};
  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  std::thread bg_thread_;
};

// Db: a command's view of one database at one instant (now_ms fixed for the whole command, as
// Redis does for a command, a script or EXEC). Every method requires the key's shard to be locked
// by the caller (the dispatcher does it from the registry's key positions) or the exclusive gate.
class Db {
 public:
  Db(Engine& engine, int index, int64_t now_ms)
      : engine_(&engine), index_(index), now_ms_(now_ms) {}

  int index() const { return index_; }
  int64_t now_ms() const { return now_ms_; }
  Engine& engine() const { return *engine_; }

  // Finds a live entry; an expired one is deleted on the way (lazy expiry). No stats.
  Entry* Find(std::string_view key);
  // Find + keyspace hit/miss counting + LRU touch: what read commands use.
  Entry* FindRead(std::string_view key);
  // FindRead that checks the type: kKeyNotFound or kWrongType otherwise.
  OpResult<Entry*> FindReadOfType(std::string_view key, ObjType type);
  // Find for write commands (Redis's lookupKeyWrite): lazy expiry and LRU touch, no stats.
  Entry* FindWrite(std::string_view key);
  // Find (no stats) that checks the type: for write commands.
  OpResult<Entry*> FindOfType(std::string_view key, ObjType type);
  // Finds or inserts. An inserted entry holds an empty string value and no TTL; the caller sets
  // the value. Returns {entry, inserted}.
  std::pair<Entry*, bool> FindOrInsert(std::string_view key);

  // Deletes a key; false when absent (or expired).
  bool Delete(std::string_view key);
  void Delete(Entry* e);

  // Sets (abs_ms > 0) or removes (0) the TTL of an entry.
  void SetExpire(Entry* e, int64_t abs_ms);
  bool IsExpired(const Entry& e) const {
    return e.expire_ms != 0 && e.expire_ms <= now_ms_ && !engine_->loading();
  }

  // Must be called after a write command changed an entry's value in place: memory accounting,
  // and later WATCH invalidation and keyspace notifications hook in here.
  void AfterWrite(Entry* e);
  // Same, by key, when the command only knows the key (the entry may be gone: that's fine).
  void AfterWrite(std::string_view key);

  // WATCH: `key` of this db was modified. The dispatcher does it for a write command's keys in
  // the client's db; commands call it for keys they write in another db (MOVE, COPY ... DB).
  void TouchWatched(std::string_view key) {
    if (engine_->AnyWatched()) engine_->TouchWatchedKey(index_, key);
  }

  static std::string_view KeyOf(const Entry* e) { return KeyTable<Entry>::KeyOf(e); }

  DbTable& table_of(std::string_view key);

 private:
  Shard& ShardFor(uint64_t hash) { return engine_->shard(engine_->ShardIndexOf(hash)); }
  Entry* FindHashed(std::string_view key, uint64_t hash, Shard& shard, DbTable& t);
  void EraseEntry(Shard& shard, DbTable& t, Entry* e);

  Engine* engine_;
  int index_;
  int64_t now_ms_;
};

// Bytes counted for an entry: key, record, value.
size_t EntryMemory(std::string_view key, const Entry& e);

}  // namespace fincache
