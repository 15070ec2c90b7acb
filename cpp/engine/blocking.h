// Blocking commands' waiters (BLPOP, BRPOP, BLMOVE, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP).
//
// A blocked call is parked, not a thread: it is a Waiter object queued on each of its keys, FIFO
// per (db, key) across clients. The two halves of a Waiter:
// - the command's half (set by the handler): which keys and value type can serve it, and how to
//   serve it (pop from the key and write the reply) or time it out (the null reply);
// - the front door's half (a WaiterSink): how a reply built on any thread reaches the client
//   (RESP bytes posted to a connection's executor; a value tree and a condition variable for an
//   embedded Python caller).
//
// Serving, as Redis's handleClientsBlockedOnKeys: after a write command the dispatcher collects
// its keys that have waiters (ready keys) and, right after the command released its shard locks
// and before the writer's next command, calls ServeReady on the writer's thread. For each ready
// key it locks the key's shard (and the shards of the waiters' BLMOVE destinations), and while the
// key holds a value, hands it to the oldest waiter of the value's type: the waiter is claimed
// (removed from all its keys) under the manager's mutex, then served under the shard locks, so an
// element is popped exactly once and by exactly one waiter.
//
// Ending otherwise: the owner's timeout or disconnect calls Cancel, CLIENT UNBLOCK calls Unblock;
// whichever claims the waiter first (serve, cancel, unblock) decides its one reply.
//
// Invariants: a waiter is registered under the shard locks of all its keys (by the handler that
// found them empty), so a push either happens before (the handler sees the element) or after (the
// pusher sees the waiter). Lock order: shard locks, then the manager's mutex; the sink's Complete
// never takes either.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "types/value.h"

namespace fincache {

class Db;
class Engine;
namespace protocol {
class ReplyBuilder;
}

using ReplyWriteFn = std::function<void(protocol::ReplyBuilder&)>;

// The front door's half of a blocked call.
class WaiterSink {
 public:
  virtual ~WaiterSink() = default;
  // Called exactly once per blocked call, on the thread that completes it (a writer serving it,
  // with the key's shard locked; CLIENT UNBLOCK; the owner after a timeout): builds the reply with
  // `write` in the client's protocol and hands it to the owner. Must not block or take locks of
  // the engine or the manager.
  virtual void Complete(const ReplyWriteFn& write) = 0;
};

struct Waiter {
  uint64_t client_id = 0;
  int db = 0;
  ObjType type = ObjType::kList;      // the value type that serves it
  std::vector<std::string> keys;      // in the command's order (deduplicated)
  std::optional<std::string> target;  // BLMOVE/BRPOPLPUSH destination: locked too when serving
  int64_t timeout_ms = 0;             // relative, 0 = forever (the owner enforces it)
  // Pops from `key` (holding a non-empty value of `type`) and writes the reply.
  std::function<void(Db& db, std::string_view key, protocol::ReplyBuilder& rb)> serve;
  // The reply on timeout (null array or null bulk).
  ReplyWriteFn timeout_reply;
  std::shared_ptr<WaiterSink> sink;

 private:
  friend class BlockingManager;
  bool waiting_ = false;  // guarded by the manager's mutex
};

// A key written by a command, to serve its waiters.
struct ReadyKey {
  int db;
  std::string key;
};

class BlockingManager {
 public:
  // Parks w on its keys. The caller holds the shard locks of all of w->keys.
  void Block(const std::shared_ptr<Waiter>& w);

  // Whether any call waits: one relaxed load, so writes cost nothing when nobody is blocked.
  bool Any() const { return waiting_.load(std::memory_order_relaxed) != 0; }
  // Whether a call waits on (db, key). The caller holds the key's shard lock.
  bool HasWaiters(int db, std::string_view key) const;

  // Serves the waiters of the ready keys (and of keys written by serving them: BLMOVE targets).
  // The caller holds no shard locks (it may hold the exclusive gate).
  void ServeReady(Engine& engine, std::vector<ReadyKey> ready);

  // The owner gives up (timeout, disconnect): true when w was still waiting and is now removed
  // (the owner replies itself), false when it was completed already (its reply is on its way
  // through the sink).
  bool Cancel(Waiter* w);

  // CLIENT UNBLOCK: completes the client's waiting calls with their timeout reply, or with the
  // UNBLOCKED error; whether there was one.
  bool Unblock(uint64_t client_id, bool with_error);

  // INFO clients: calls waiting (blocked_clients), of which with a timeout
  // (clients_in_timeout_table); keys with waiters.
  size_t blocked_calls() const { return waiting_.load(std::memory_order_relaxed); }
  size_t calls_with_timeout() const;
  size_t blocking_keys() const;
  // The keys of database `db` that have waiters (SWAPDB serves them).
  std::vector<std::string> WaitingKeys(int db) const;
  // Whether a client has a waiting call (CLIENT LIST flag b).
  bool IsBlocked(uint64_t client_id) const;

 private:
  static std::string Slot(int db, std::string_view key);
  // Removes w from its keys' queues and marks it done. Requires mu_.
  void RemoveLocked(Waiter* w);
  // Serves (db, key)'s waiters while the key can; appends written targets to `ready`.
  void ServeKey(Engine& engine, int db, const std::string& key, std::vector<ReadyKey>* ready);

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::deque<std::shared_ptr<Waiter>>> by_key_;
  std::unordered_multimap<uint64_t, std::shared_ptr<Waiter>> by_client_;
  std::atomic<size_t> waiting_{0};
};

}  // namespace fincache
