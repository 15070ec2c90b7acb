// Pub/Sub: who listens to what, publishing, and keyspace notifications.
//
// PubSub is the registry of subscriptions: channels (SUBSCRIBE), patterns (PSUBSCRIBE, Redis's
// glob rules) and shard channels (SSUBSCRIBE, a namespace of their own), each mapped to its
// subscribers in subscription order. A subscriber is the front door's half of a subscribed
// client (a network connection, an embedded Python PubSub object): the engine only calls its
// Deliver, on the publisher's thread.
//
// Publishing never waits for a subscriber: Deliver must only append the message to the
// subscriber's own buffer (and hand it to the subscriber's thread), so a slow reader costs the
// publisher nothing; the front door bounds that buffer (client-output-buffer-limit pubsub).
// Messages from one publisher reach a subscriber in publishing order (Deliver is called in
// order, on the publisher's thread).
//
// Locking: one shared_mutex. Publish holds it shared while delivering (publishers run in
// parallel); subscribing and unsubscribing hold it exclusive, so once Unsubscribe/UnsubscribeAll
// returned, the subscriber gets no more Deliver calls (a front door unsubscribes everything
// before destroying its subscriber). Lock order: shard locks, then this mutex, then whatever a
// Deliver takes; Deliver never calls back into PubSub.
//
// Keyspace notifications (notify-keyspace-events): commands call Notify(type, event, key, db)
// after each change, as Redis's notifyKeyspaceEvent; with notifications off (the default) or
// nobody subscribed it is one relaxed load and returns.
#pragma once

#include <atomic>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace fincache {

// The front door's half of a subscribed client.
class Subscriber {
 public:
  virtual ~Subscriber() = default;

  // One message: kind is "message", "pmessage" (pattern set) or "smessage". Called on the
  // publisher's thread with the registry's shared lock held: must not block, must not call
  // PubSub. Thread-safe against concurrent Deliver calls from other publishers.
  virtual void Deliver(std::string_view kind, std::string_view pattern, std::string_view channel,
                       std::string_view payload) = 0;

  // Subscription counts (readable from any thread: CLIENT LIST, the RESP2 subscribed-mode check).
  size_t channel_count() const { return n_channels_.load(std::memory_order_relaxed); }
  size_t pattern_count() const { return n_patterns_.load(std::memory_order_relaxed); }
  size_t shard_count() const { return n_shard_.load(std::memory_order_relaxed); }
  // Redis's CLIENT_PUBSUB flag: subscribed to anything.
  bool subscribed() const { return channel_count() + pattern_count() + shard_count() > 0; }

 private:
  friend class PubSub;
  // Guarded by PubSub's mutex.
  std::unordered_set<std::string> channels_;
  std::vector<std::string> patterns_;  // subscription order (PUNSUBSCRIBE without arguments)
  std::unordered_set<std::string> shard_channels_;
  std::atomic<size_t> n_channels_{0}, n_patterns_{0}, n_shard_{0};
};

// notify-keyspace-events classes (Redis's NOTIFY_* bits).
namespace notify {
enum : uint32_t {
  kKeyspace = 1 << 0,  // K
  kKeyevent = 1 << 1,  // E
  kGeneric = 1 << 2,   // g
  kString = 1 << 3,    // $
  kList = 1 << 4,      // l
  kSet = 1 << 5,       // s
  kHash = 1 << 6,      // h
  kZset = 1 << 7,      // z
  kExpired = 1 << 8,   // x
  kEvicted = 1 << 9,   // e
  kStream = 1 << 10,   // t
  kKeyMiss = 1 << 11,  // m (excluded from A)
  kLoaded = 1 << 12,   // module only
  kModule = 1 << 13,   // d
  kNew = 1 << 14,      // n (excluded from A)
  kAll = kGeneric | kString | kList | kSet | kHash | kZset | kExpired | kEvicted | kStream |
         kModule,  // A
};
// Parses a notify-keyspace-events value; false on a character Redis doesn't know.
bool ParseFlags(std::string_view s, uint32_t* out);
// The value as CONFIG GET prints it (Redis's keyspaceEventsFlagsToString).
std::string FlagsToString(uint32_t flags);
}  // namespace notify

namespace detail {
inline thread_local uint64_t t_delivery_id = 0;
}  // namespace detail

class PubSub {
 public:
  // Identifies the message being delivered on this thread: it changes for every group of
  // Deliver calls with the same arguments (a channel's subscribers, a pattern's), so a
  // subscriber can encode a message once for all the subscribers of a publish.
  static uint64_t DeliveryId() { return detail::t_delivery_id; }

  // Each returns whether the subscription set changed (false: already / not subscribed).
  bool Subscribe(Subscriber* s, std::string_view channel);
  bool Unsubscribe(Subscriber* s, std::string_view channel);
  bool PSubscribe(Subscriber* s, std::string_view pattern);
  bool PUnsubscribe(Subscriber* s, std::string_view pattern);
  bool SSubscribe(Subscriber* s, std::string_view channel);
  bool SUnsubscribe(Subscriber* s, std::string_view channel);
  // A subscriber's current subscriptions (what UNSUBSCRIBE without arguments walks).
  std::vector<std::string> ChannelsOf(const Subscriber* s) const;
  std::vector<std::string> PatternsOf(const Subscriber* s) const;
  std::vector<std::string> ShardChannelsOf(const Subscriber* s) const;
  // Drops every subscription of s, silently (RESET, disconnect).
  void UnsubscribeAll(Subscriber* s);

  // PUBLISH: delivers to the channel's subscribers, then to every matching pattern's; returns
  // the number of deliveries (Redis's receivers count).
  size_t Publish(std::string_view channel, std::string_view payload);
  // SPUBLISH: shard channel subscribers only.
  size_t SPublish(std::string_view channel, std::string_view payload);

  // PUBSUB CHANNELS / SHARDCHANNELS: active channels matching the glob (all when empty).
  std::vector<std::string> ActiveChannels(std::string_view pattern, bool match_all,
                                          bool shard) const;
  size_t NumSub(std::string_view channel, bool shard) const;
  // Distinct patterns with a subscriber (PUBSUB NUMPAT, INFO pubsub_patterns).
  size_t NumPat() const;
  // Channels with a subscriber (INFO pubsub_channels / pubsubshard_channels).
  size_t ChannelCount(bool shard) const;

  // ---- keyspace notifications ----
  void set_notify_flags(uint32_t flags) { notify_flags_.store(flags, std::memory_order_relaxed); }
  uint32_t notify_flags() const { return notify_flags_.load(std::memory_order_relaxed); }
  // Whether an event of this class would be published (notifications on for it).
  bool Notifies(uint32_t type) const { return (notify_flags() & type) != 0; }
  // Redis's notifyKeyspaceEvent: "__keyspace@<db>__:<key>" gets the event name (K),
  // "__keyevent@<db>__:<event>" gets the key (E), when the class is enabled.
  void Notify(uint32_t type, std::string_view event, std::string_view key, int db) {
    if (Notifies(type)) NotifySlow(type, event, key, db);
  }

 private:
  struct PatternSubs {
    std::string pattern;
    std::vector<Subscriber*> subs;
  };
  void NotifySlow(uint32_t type, std::string_view event, std::string_view key, int db);
  static bool RemoveFrom(std::vector<Subscriber*>& v, Subscriber* s);
  void UpdateCountsLocked(Subscriber* s);
  bool UnsubscribeLocked(Subscriber* s, std::string_view channel, bool shard);
  bool PUnsubscribeLocked(Subscriber* s, std::string_view pattern);

  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using ChannelMap =
      std::unordered_map<std::string, std::vector<Subscriber*>, StringHash, std::equal_to<>>;

  mutable std::shared_mutex mu_;
  ChannelMap channels_;
  ChannelMap shard_channels_;
  std::vector<PatternSubs> patterns_;  // first subscription order
  std::atomic<uint32_t> notify_flags_{0};
};

}  // namespace fincache
