// Session: the state of one client (a connection, or an embedded Python caller): selected db,
// protocol version, authentication, name. Front doors own their sessions; the ClientRegistry
// lists connected ones for CLIENT LIST/KILL and INFO clients.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/blocking.h"
#include "engine/pubsub.h"
#include "engine/watch.h"

namespace fincache {

struct CommandSpec;
class MonitorSink;

// Implemented by the front door (a network connection) so commands can act on a client.
class ClientControl {
 public:
  virtual ~ClientControl() = default;
  // Close the connection after pending replies are written (thread-safe, async).
  virtual void Kill() = 0;
};

struct Session {
  uint64_t id = 0;
  int db_index = 0;
  int resp = 2;
  bool authenticated = false;
  std::string user = "default";
  bool close_after_reply = false;  // QUIT, protocol error: the front door closes after replying
  bool is_network = false;         // false for the embedded API

  // Fields shown by CLIENT LIST / CLIENT INFO. Strings are guarded by info_mu because other
  // clients read them; numbers are atomics.
  mutable std::mutex info_mu;
  std::string name;
  std::string lib_name;
  std::string lib_ver;
  std::string addr;   // "ip:port"
  std::string laddr;  // "ip:port"
  int fd = -1;
  int64_t created_ms = 0;
  std::atomic<int64_t> last_interaction_ms{0};
  std::atomic<const CommandSpec*> last_cmd{nullptr};
  std::atomic<size_t> query_buffer_bytes{0};
  std::atomic<size_t> output_buffer_bytes{0};
  std::atomic<uint64_t> total_bytes_in{0};
  std::atomic<uint64_t> total_bytes_out{0};
  std::atomic<bool> kill_requested{false};

  ClientControl* control = nullptr;

  // Blocking commands (BLPOP...). A front door that can park a client sets make_block_sink
  // (without it, a blocking command answers its timeout reply at once, as Redis does inside
  // MULTI). A handler that parks the call leaves its Waiter in `blocked` and writes no reply; the
  // front door takes it right after Dispatch and waits for the sink's Complete.
  std::function<std::shared_ptr<WaiterSink>()> make_block_sink;
  std::shared_ptr<Waiter> blocked;

  // MULTI/EXEC/WATCH (multi_family.cpp). The owner's thread only, except the atomics that
  // CLIENT LIST reads and WatchClient::dirty (set by writers, see engine/watch.h).
  bool in_multi = false;       // between MULTI and EXEC/DISCARD: commands are queued
  bool multi_aborted = false;  // a command failed to queue: EXEC answers EXECABORT
  std::vector<std::vector<std::string>> multi_queue;
  std::atomic<int> multi_count{-1};  // CLIENT LIST multi= (-1 outside MULTI; kept during EXEC)
  std::atomic<size_t> multi_mem{0};  // CLIENT LIST multi-mem: bytes of the queued arguments
  WatchClient watch;                 // watched keys; must be unwatched before destruction
  // Pub/Sub: the front door's subscriber for this client, set by front doors that can deliver
  // messages (network connections, the embedded PubSub object); null elsewhere, where
  // (P|S)SUBSCRIBE are refused. Lives as long as the session; its counts are atomics.
  Subscriber* subscriber = nullptr;
  // Redis's CLIENT_PUBSUB: subscribed to any channel, pattern or shard channel.
  bool InPubSub() const { return subscriber && subscriber->subscribed(); }

  // MONITOR (commands/ops_state.h): the front door's sink, set by front doors that can stream
  // lines to the client (network connections; null elsewhere, where MONITOR is refused), and
  // whether this client is a monitor now (CLIENT LIST flag O).
  MonitorSink* monitor_sink = nullptr;
  std::atomic<bool> monitoring{false};
  // CLIENT REPLY OFF|SKIP: network front doors drop the replies (the owner's thread only; the
  // embedded API, which returns every reply to its caller, ignores them). The flag
  // reply_skip_next turns into reply_skip for the next command, as Redis's CLIENT_REPLY_SKIP_NEXT.
  bool reply_off = false;
  bool reply_skip_next = false;
  bool reply_skip = false;
  // Set by a handler whose reply Redis does not send (CLIENT REPLY OFF|SKIP, MONITOR when
  // already a monitor): handlers always write one reply, network front doors drop it.
  bool suppress_reply = false;
  // CLIENT NO-EVICT (CLIENT LIST flag e).
  std::atomic<bool> no_evict{false};

  std::string GetName() const {
    std::lock_guard lk(info_mu);
    return name;
  }
};

class ClientRegistry {
 public:
  uint64_t NextId() { return next_id_.fetch_add(1, std::memory_order_relaxed); }
  void Register(Session* s);
  void Unregister(Session* s);
  size_t size() const;
  // Calls fn for every registered session, in id order, under the registry lock (fn must not
  // register or unregister).
  void ForEach(const std::function<void(Session&)>& fn) const;

 private:
  std::atomic<uint64_t> next_id_{1};
  mutable std::mutex mu_;
  std::map<uint64_t, Session*> sessions_;
};

}  // namespace fincache
