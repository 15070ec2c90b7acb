// WATCH: which clients watch which keys, and how writes, expiry and whole-db operations flag them.
//
// As Redis's multi.c: a client WATCHes keys of a database; any later modification of one of them
// (a write command, expiry, FLUSHDB/FLUSHALL, SWAPDB, MOVE...) makes the client "dirty", and its
// next EXEC answers a null array instead of running the transaction.
//
// Structure. Each shard holds, per database, a map from watched key to its watchers (WatchRef:
// the client and whether the key was already expired when it was watched); it is guarded by the
// shard's mutex like the keys themselves, so a write that holds its key's shard lock can look its
// key up without any other lock. The engine counts watch registrations: while nobody watches (the
// common case), a write pays one relaxed atomic load and nothing else.
//
// A WatchClient belongs to one session. Its `keys` list is only used by the session's own thread
// (WATCH, UNWATCH, EXEC...); other threads only set `dirty` (an atomic), under the shard lock of
// the key they touched.
//
// Redis 7.0's expiry rules, reproduced:
//  - WATCH on a key that exists but is logically expired records `expired`; deleting that expired
//    key later (lazy or active expiry, or a write that finds it gone) is no change; any other
//    modification is. An EXEC finds the client dirty when a watched key that was live at WATCH
//    time is logically expired by then (even if not deleted yet).
//  - FLUSHDB/FLUSHALL touch the watched keys that exist in the emptied db; SWAPDB touches those
//    that exist in either db, except that a watched expired key replaced by nothing or by another
//    expired key stays clean, and a missing key replaced by an expired one becomes "expired".
#pragma once

#include <atomic>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fincache {

struct WatchClient {
  std::atomic<bool> dirty{false};
  // (db, key) pairs watched, in WATCH order, without duplicates. Owner thread only.
  std::vector<std::pair<int, std::string>> keys;
};

struct WatchRef {
  WatchClient* client;
  bool expired;  // the key existed but was expired when watched
};

// Transparent string hashing so lookups by string_view allocate nothing.
struct WatchKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// One database's watched keys in one shard.
using WatchedKeys =
    std::unordered_map<std::string, std::vector<WatchRef>, WatchKeyHash, std::equal_to<>>;

}  // namespace fincache
