// Engine's WATCH bookkeeping (see engine/watch.h for the model and Redis's rules).
#include <algorithm>
#include <optional>

#include "engine/engine.h"

namespace fincache {

namespace {

// Whether (db, key) is in the table (expired or not: Redis's dictFind).
bool InTable(Shard& s, int db, std::string_view key) {
  return s.dbs[db].table.Find(key) != nullptr;
}

// Whether (db, key) is in the table and logically expired at now_ms (Redis's keyIsExpired).
bool ExpiredInTable(Shard& s, int db, std::string_view key, int64_t now_ms) {
  const Entry* e = s.dbs[db].table.Find(key);
  return e && e->expire_ms != 0 && e->expire_ms <= now_ms;
}

}  // namespace

void Engine::Watch(WatchClient& c, int db, std::string_view key, int64_t now_ms) {
  Shard& s = shard(ShardIndexOf(key));
  auto& map = s.watched[db];
  auto it = map.find(key);
  if (it == map.end()) {
    it = map.emplace(std::string(key), std::vector<WatchRef>{}).first;
  } else {
    // Already watched by c: keep its state. (Looked up among the key's watchers, not in c's
    // list, so WATCH of many keys stays linear.)
    for (const WatchRef& r : it->second)
      if (r.client == &c) return;
  }
  it->second.push_back({&c, ExpiredInTable(s, db, key, now_ms)});
  c.keys.emplace_back(db, std::string(key));
  watch_refs_.fetch_add(1, std::memory_order_relaxed);
}

void Engine::UnwatchAll(WatchClient& c) {
  if (c.keys.empty()) return;
  const bool exclusive = gate().HeldExclusiveByMe();
  std::optional<ExecGate::Shared> token;
  if (!exclusive) token.emplace(gate());
  for (const auto& [db, key] : c.keys) {
    Shard& s = shard(ShardIndexOf(key));
    std::unique_lock<std::mutex> lk;
    if (!exclusive) lk = std::unique_lock(s.mu);
    auto& map = s.watched[db];
    auto it = map.find(key);
    if (it == map.end()) continue;
    auto& refs = it->second;
    refs.erase(
        std::remove_if(refs.begin(), refs.end(), [&](const WatchRef& r) { return r.client == &c; }),
        refs.end());
    if (refs.empty()) map.erase(it);
    watch_refs_.fetch_sub(1, std::memory_order_relaxed);
  }
  c.keys.clear();
  c.keys.shrink_to_fit();
}

void Engine::TouchWatchedKey(int db, std::string_view key) {
  Shard& s = shard(ShardIndexOf(key));
  auto& map = s.watched[db];
  auto it = map.find(key);
  if (it == map.end()) return;
  const bool exists = InTable(s, db, key);
  for (WatchRef& r : it->second) {
    if (r.expired && !exists) {
      // The key was expired when watched and is now gone: no logical change. Deleted keys are
      // not "expired" any more, so a later write counts.
      r.expired = false;
      continue;
    }
    r.client->dirty.store(true, std::memory_order_relaxed);
  }
}

bool Engine::WatchedKeyExpired(const WatchClient& c, int64_t now_ms) {
  for (const auto& [db, key] : c.keys) {
    Shard& s = shard(ShardIndexOf(key));
    auto& map = s.watched[db];
    auto it = map.find(key);
    if (it == map.end()) continue;
    for (const WatchRef& r : it->second) {
      if (r.client != &c) continue;
      if (!r.expired && ExpiredInTable(s, db, key, now_ms)) return true;
      break;
    }
  }
  return false;
}

void Engine::TouchAllWatchedInDb(int emptied, int replaced_with) {
  if (!AnyWatched()) return;
  const int64_t now = clock_->NowMs();
  for (auto& sp : shards_) {
    Shard& s = *sp;
    for (auto& [key, refs] : s.watched[emptied]) {
      const bool in_emptied = InTable(s, emptied, key);
      const bool in_replacement = replaced_with >= 0 && InTable(s, replaced_with, key);
      if (!in_emptied && !in_replacement) continue;
      const bool replacement_expired =
          replaced_with >= 0 && ExpiredInTable(s, replaced_with, key, now);
      for (WatchRef& r : refs) {
        if (r.expired) {
          if (!in_replacement) {
            r.expired = false;  // the expired key is just deleted: no logical change
            continue;
          }
          if (replacement_expired) continue;  // expired before, expired after
        } else if (!in_emptied && replacement_expired) {
          r.expired = true;  // a missing key replaced by an expired one
          continue;
        }
        r.client->dirty.store(true, std::memory_order_relaxed);
      }
    }
  }
}

}  // namespace fincache
