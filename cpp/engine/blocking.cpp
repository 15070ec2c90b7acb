#include "engine/blocking.h"

#include <algorithm>
#include <optional>

#include "common/errors.h"
#include "engine/engine.h"
#include "protocol/reply_builder.h"

namespace fincache {

std::string BlockingManager::Slot(int db, std::string_view key) {
  std::string s = std::to_string(db);
  s.push_back(':');
  s.append(key);
  return s;
}

void BlockingManager::Block(const std::shared_ptr<Waiter>& w) {
  std::lock_guard lk(mu_);
  w->waiting_ = true;
  for (const auto& key : w->keys) by_key_[Slot(w->db, key)].push_back(w);
  by_client_.emplace(w->client_id, w);
  waiting_.fetch_add(1, std::memory_order_relaxed);
}

bool BlockingManager::HasWaiters(int db, std::string_view key) const {
  if (!Any()) return false;
  std::lock_guard lk(mu_);
  return by_key_.count(Slot(db, key)) != 0;
}

void BlockingManager::RemoveLocked(Waiter* w) {
  w->waiting_ = false;
  for (const auto& key : w->keys) {
    auto it = by_key_.find(Slot(w->db, key));
    if (it == by_key_.end()) continue;
    auto& q = it->second;
    q.erase(std::remove_if(q.begin(), q.end(), [w](const auto& p) { return p.get() == w; }),
            q.end());
    if (q.empty()) by_key_.erase(it);
  }
  auto [b, e] = by_client_.equal_range(w->client_id);
  for (auto it = b; it != e; ++it) {
    if (it->second.get() == w) {
      by_client_.erase(it);
      break;
    }
  }
  waiting_.fetch_sub(1, std::memory_order_relaxed);
}

bool BlockingManager::Cancel(Waiter* w) {
  std::lock_guard lk(mu_);
  if (!w->waiting_) return false;
  RemoveLocked(w);
  return true;
}

bool BlockingManager::Unblock(uint64_t client_id, bool with_error) {
  std::vector<std::shared_ptr<Waiter>> done;
  {
    std::lock_guard lk(mu_);
    auto [b, e] = by_client_.equal_range(client_id);
    for (auto it = b; it != e; ++it) done.push_back(it->second);
    for (auto& w : done) RemoveLocked(w.get());
  }
  for (auto& w : done) {
    if (with_error) {
      w->sink->Complete(
          [](protocol::ReplyBuilder& rb) { rb.SendError(errors::kUnblockedByClientUnblock); });
    } else {
      w->sink->Complete(w->timeout_reply);
    }
  }
  return !done.empty();
}

size_t BlockingManager::calls_with_timeout() const {
  std::lock_guard lk(mu_);
  size_t n = 0;
  for (auto& [id, w] : by_client_) n += w->timeout_ms > 0;
  return n;
}

size_t BlockingManager::blocking_keys() const {
  std::lock_guard lk(mu_);
  return by_key_.size();
}

std::vector<std::string> BlockingManager::WaitingKeys(int db) const {
  std::vector<std::string> out;
  const std::string prefix = std::to_string(db) + ":";
  std::lock_guard lk(mu_);
  for (const auto& [slot, queue] : by_key_)
    if (!queue.empty() && slot.compare(0, prefix.size(), prefix) == 0)
      out.push_back(slot.substr(prefix.size()));
  return out;
}

bool BlockingManager::IsBlocked(uint64_t client_id) const {
  if (!Any()) return false;
  std::lock_guard lk(mu_);
  return by_client_.count(client_id) != 0;
}

void BlockingManager::ServeReady(Engine& engine, std::vector<ReadyKey> ready) {
  // Keys are served in the order they became ready; serving may append more (BLMOVE targets).
  for (size_t i = 0; i < ready.size(); ++i) {
    if (!Any()) return;
    ReadyKey rk = ready[i];
    ServeKey(engine, rk.db, rk.key, &ready);
  }
}

void BlockingManager::ServeKey(Engine& engine, int db, const std::string& key,
                               std::vector<ReadyKey>* ready) {
  const std::string slot = Slot(db, key);
  for (;;) {
    // The shards to lock: the key's and those of its waiters' BLMOVE targets (in shard order).
    std::vector<size_t> shards{engine.ShardIndexOf(key)};
    {
      std::lock_guard lk(mu_);
      auto it = by_key_.find(slot);
      if (it == by_key_.end()) return;
      for (auto& w : it->second)
        if (w->target) shards.push_back(engine.ShardIndexOf(*w->target));
    }
    std::sort(shards.begin(), shards.end());
    shards.erase(std::unique(shards.begin(), shards.end()), shards.end());
    const bool exclusive = engine.gate().HeldExclusiveByMe();
    std::optional<ExecGate::Shared> token;
    if (!exclusive) {
      token.emplace(engine.gate());
      for (size_t s : shards) engine.shard(s).mu.lock();
    }
    bool retry = false;
    Db d(engine, db, engine.clock().NowMs());
    for (;;) {
      Entry* e = d.FindWrite(key);
      if (!e) break;
      const ObjType type = e->value.type();
      std::shared_ptr<Waiter> w;
      {
        std::lock_guard lk(mu_);
        auto it = by_key_.find(slot);
        if (it == by_key_.end()) break;
        for (auto& cand : it->second) {
          if (cand->type != type) continue;  // stays blocked until a value of its type arrives
          if (cand->target && !std::binary_search(shards.begin(), shards.end(),
                                                  engine.ShardIndexOf(*cand->target))) {
            retry = true;  // blocked after we looked: lock its target's shard too
          } else {
            w = cand;
          }
          break;
        }
        if (w) RemoveLocked(w.get());
      }
      if (!w) break;
      w->sink->Complete([&](protocol::ReplyBuilder& rb) { w->serve(d, key, rb); });
      d.AfterWrite(key);
      if (w->target) {
        d.AfterWrite(*w->target);
        if (HasWaiters(db, *w->target)) ready->push_back({db, *w->target});
      }
    }
    if (!exclusive)
      for (auto it = shards.rbegin(); it != shards.rend(); ++it) engine.shard(*it).mu.unlock();
    if (!retry) return;
  }
}

}  // namespace fincache
