#include "engine/pubsub.h"

#include <algorithm>
#include <mutex>

#include "common/strings.h"

namespace fincache {

// ============================================================================================
// notify-keyspace-events flags
// ============================================================================================

namespace notify {

bool ParseFlags(std::string_view s, uint32_t* out) {
  uint32_t flags = 0;
  for (char c : s) {
    switch (c) {
      case 'A':
        flags |= kAll;
        break;
      case 'g':
        flags |= kGeneric;
        break;
      case '$':
        flags |= kString;
        break;
      case 'l':
        flags |= kList;
        break;
      case 's':
        flags |= kSet;
        break;
      case 'h':
        flags |= kHash;
        break;
      case 'z':
        flags |= kZset;
        break;
      case 'x':
        flags |= kExpired;
        break;
      case 'e':
        flags |= kEvicted;
        break;
      case 'K':
        flags |= kKeyspace;
        break;
      case 'E':
        flags |= kKeyevent;
        break;
      case 't':
        flags |= kStream;
        break;
      case 'm':
        flags |= kKeyMiss;
        break;
      case 'd':
        flags |= kModule;
        break;
      case 'n':
        flags |= kNew;
        break;
      default:
        return false;
    }
  }
  *out = flags;
  return true;
}

std::string FlagsToString(uint32_t flags) {
  std::string out;
  if ((flags & kAll) == kAll) {
    out += 'A';
  } else {
    // Redis prints 'n' only here: with A set, a new-key subscription is on but not shown.
    static constexpr std::pair<uint32_t, char> kClasses[] = {
        {kGeneric, 'g'}, {kString, '$'}, {kList, 'l'},    {kSet, 's'},
        {kHash, 'h'},    {kZset, 'z'},   {kExpired, 'x'}, {kEvicted, 'e'},
        {kStream, 't'},  {kModule, 'd'}, {kNew, 'n'}};
    for (auto [bit, c] : kClasses)
      if (flags & bit) out += c;
  }
  if (flags & kKeyspace) out += 'K';
  if (flags & kKeyevent) out += 'E';
  if (flags & kKeyMiss) out += 'm';
  return out;
}

}  // namespace notify

// ============================================================================================
// Subscribing
// ============================================================================================

bool PubSub::RemoveFrom(std::vector<Subscriber*>& v, Subscriber* s) {
  auto it = std::find(v.begin(), v.end(), s);
  if (it == v.end()) return false;
  v.erase(it);  // keeps the others' subscription order (delivery order)
  return true;
}

void PubSub::UpdateCountsLocked(Subscriber* s) {
  s->n_channels_.store(s->channels_.size(), std::memory_order_relaxed);
  s->n_patterns_.store(s->patterns_.size(), std::memory_order_relaxed);
  s->n_shard_.store(s->shard_channels_.size(), std::memory_order_relaxed);
}

bool PubSub::Subscribe(Subscriber* s, std::string_view channel) {
  std::unique_lock lk(mu_);
  if (!s->channels_.emplace(channel).second) return false;
  channels_[std::string(channel)].push_back(s);
  UpdateCountsLocked(s);
  return true;
}

bool PubSub::SSubscribe(Subscriber* s, std::string_view channel) {
  std::unique_lock lk(mu_);
  if (!s->shard_channels_.emplace(channel).second) return false;
  shard_channels_[std::string(channel)].push_back(s);
  UpdateCountsLocked(s);
  return true;
}

bool PubSub::UnsubscribeLocked(Subscriber* s, std::string_view channel, bool shard) {
  auto& mine = shard ? s->shard_channels_ : s->channels_;
  auto it = mine.find(std::string(channel));
  if (it == mine.end()) return false;
  mine.erase(it);
  auto& all = shard ? shard_channels_ : channels_;
  auto ch = all.find(channel);
  if (ch != all.end()) {
    RemoveFrom(ch->second, s);
    if (ch->second.empty()) all.erase(ch);
  }
  return true;
}

bool PubSub::Unsubscribe(Subscriber* s, std::string_view channel) {
  std::unique_lock lk(mu_);
  bool done = UnsubscribeLocked(s, channel, false);
  UpdateCountsLocked(s);
  return done;
}

bool PubSub::SUnsubscribe(Subscriber* s, std::string_view channel) {
  std::unique_lock lk(mu_);
  bool done = UnsubscribeLocked(s, channel, true);
  UpdateCountsLocked(s);
  return done;
}

bool PubSub::PSubscribe(Subscriber* s, std::string_view pattern) {
  std::unique_lock lk(mu_);
  if (std::find(s->patterns_.begin(), s->patterns_.end(), pattern) != s->patterns_.end())
    return false;
  s->patterns_.emplace_back(pattern);
  auto it = std::find_if(patterns_.begin(), patterns_.end(),
                         [&](const PatternSubs& p) { return p.pattern == pattern; });
  if (it == patterns_.end()) it = patterns_.insert(patterns_.end(), {std::string(pattern), {}});
  it->subs.push_back(s);
  UpdateCountsLocked(s);
  return true;
}

bool PubSub::PUnsubscribeLocked(Subscriber* s, std::string_view pattern) {
  auto mine = std::find(s->patterns_.begin(), s->patterns_.end(), pattern);
  if (mine == s->patterns_.end()) return false;
  s->patterns_.erase(mine);
  auto it = std::find_if(patterns_.begin(), patterns_.end(),
                         [&](const PatternSubs& p) { return p.pattern == pattern; });
  if (it != patterns_.end()) {
    RemoveFrom(it->subs, s);
    if (it->subs.empty()) patterns_.erase(it);
  }
  return true;
}

bool PubSub::PUnsubscribe(Subscriber* s, std::string_view pattern) {
  std::unique_lock lk(mu_);
  bool done = PUnsubscribeLocked(s, pattern);
  UpdateCountsLocked(s);
  return done;
}

std::vector<std::string> PubSub::ChannelsOf(const Subscriber* s) const {
  std::shared_lock lk(mu_);
  return {s->channels_.begin(), s->channels_.end()};
}

std::vector<std::string> PubSub::PatternsOf(const Subscriber* s) const {
  std::shared_lock lk(mu_);
  return s->patterns_;
}

std::vector<std::string> PubSub::ShardChannelsOf(const Subscriber* s) const {
  std::shared_lock lk(mu_);
  return {s->shard_channels_.begin(), s->shard_channels_.end()};
}

void PubSub::UnsubscribeAll(Subscriber* s) {
  std::unique_lock lk(mu_);
  if (s->channels_.empty() && s->patterns_.empty() && s->shard_channels_.empty()) return;
  for (const auto& ch : std::vector<std::string>(s->channels_.begin(), s->channels_.end()))
    UnsubscribeLocked(s, ch, false);
  for (const auto& ch :
       std::vector<std::string>(s->shard_channels_.begin(), s->shard_channels_.end()))
    UnsubscribeLocked(s, ch, true);
  for (const auto& p : std::vector<std::string>(s->patterns_)) PUnsubscribeLocked(s, p);
  UpdateCountsLocked(s);
}

// ============================================================================================
// Publishing
// ============================================================================================

size_t PubSub::Publish(std::string_view channel, std::string_view payload) {
  std::shared_lock lk(mu_);
  size_t receivers = 0;
  if (!channels_.empty()) {
    auto it = channels_.find(channel);
    if (it != channels_.end()) {
      ++detail::t_delivery_id;
      for (Subscriber* s : it->second) s->Deliver("message", {}, channel, payload);
      receivers += it->second.size();
    }
  }
  for (const PatternSubs& p : patterns_) {
    if (!GlobMatch(p.pattern, channel)) continue;
    ++detail::t_delivery_id;
    for (Subscriber* s : p.subs) s->Deliver("pmessage", p.pattern, channel, payload);
    receivers += p.subs.size();
  }
  return receivers;
}

size_t PubSub::SPublish(std::string_view channel, std::string_view payload) {
  std::shared_lock lk(mu_);
  if (shard_channels_.empty()) return 0;
  auto it = shard_channels_.find(channel);
  if (it == shard_channels_.end()) return 0;
  ++detail::t_delivery_id;
  for (Subscriber* s : it->second) s->Deliver("smessage", {}, channel, payload);
  return it->second.size();
}

// ============================================================================================
// Introspection (PUBSUB, INFO)
// ============================================================================================

std::vector<std::string> PubSub::ActiveChannels(std::string_view pattern, bool match_all,
                                                bool shard) const {
  std::shared_lock lk(mu_);
  std::vector<std::string> out;
  for (const auto& [name, subs] : shard ? shard_channels_ : channels_)
    if (match_all || GlobMatch(pattern, name)) out.push_back(name);
  return out;
}

size_t PubSub::NumSub(std::string_view channel, bool shard) const {
  std::shared_lock lk(mu_);
  const auto& all = shard ? shard_channels_ : channels_;
  auto it = all.find(channel);
  return it == all.end() ? 0 : it->second.size();
}

size_t PubSub::NumPat() const {
  std::shared_lock lk(mu_);
  return patterns_.size();
}

size_t PubSub::ChannelCount(bool shard) const {
  std::shared_lock lk(mu_);
  return shard ? shard_channels_.size() : channels_.size();
}

// ============================================================================================
// Keyspace notifications
// ============================================================================================

void PubSub::NotifySlow(uint32_t /*type*/, std::string_view event, std::string_view key, int db) {
  uint32_t flags = notify_flags();
  {
    // Nobody listening: skip building the channel names.
    std::shared_lock lk(mu_);
    if (channels_.empty() && patterns_.empty()) return;
  }
  if (flags & notify::kKeyspace) {
    std::string channel = "__keyspace@" + std::to_string(db) + "__:";
    channel.append(key);
    Publish(channel, event);
  }
  if (flags & notify::kKeyevent) {
    std::string channel = "__keyevent@" + std::to_string(db) + "__:";
    channel.append(event);
    Publish(channel, key);
  }
}

}  // namespace fincache
