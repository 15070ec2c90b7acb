// Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE SSUBSCRIBE SUNSUBSCRIBE
// PUBLISH SPUBLISH PUBSUB (CHANNELS NUMSUB NUMPAT SHARDCHANNELS SHARDNUMSUB HELP).
//
// The registry of subscriptions and the publishing live in engine/pubsub.h; the messages reach a
// client through its front door's Subscriber (session.subscriber). The subscribe family replies
// one push per channel (RESP3 '>', RESP2 an array): [kind, channel, count], count being the
// client's channels + patterns (shard channels counted apart, as Redis).
//
// Front doors without a subscriber (the embedded Cache outside Cache.pubsub()) can't subscribe:
// the subscribe and unsubscribe commands answer an error there (they reply one push per
// channel, which such front doors can't take). RESP2 subscribed mode (only this family, PING, QUIT
// and RESET allowed) is checked by the dispatcher; PING's ["pong", msg] reply there lives with
// PING.
#include "commands/command_context.h"
#include "commands/server_family.h"
#include "common/errors.h"
#include "common/strings.h"

namespace fincache {

namespace {

enum class Kind { kChannel, kPattern, kShard };

constexpr std::string_view kNoSubscriber =
    "ERR this client can't receive Pub/Sub messages (use Cache.pubsub() or a connection)";

// What a client's subscription count reply shows for this kind.
int64_t CountFor(const Subscriber* s, Kind kind) {
  if (kind == Kind::kShard) return static_cast<int64_t>(s->shard_count());
  return static_cast<int64_t>(s->channel_count() + s->pattern_count());
}

void SendConfirmation(protocol::ReplyBuilder& rb, std::string_view what,
                      const std::string_view* name, int64_t count) {
  rb.StartPush(3);
  rb.SendBulk(what);
  if (name)
    rb.SendBulk(*name);
  else
    rb.SendNull();
  rb.SendLong(count);
}

// ---------------------------------------------------------------------------------------------
// SUBSCRIBE family
// ---------------------------------------------------------------------------------------------

// SUBSCRIBE channel [channel ...] / PSUBSCRIBE pattern ... / SSUBSCRIBE shardchannel ...
//   -> one push per argument: [subscribe|psubscribe|ssubscribe, name, count]
void SubscribeGeneric(CmdArgList args, CommandContext& ctx, Kind kind) {
  Subscriber* sub = ctx.session.subscriber;
  if (!sub) return ctx.SendError(kNoSubscriber);
  PubSub& ps = ctx.engine.pubsub();
  std::string_view what = kind == Kind::kChannel   ? "subscribe"
                          : kind == Kind::kPattern ? "psubscribe"
                                                   : "ssubscribe";
  for (size_t i = 1; i < args.size(); ++i) {
    if (kind == Kind::kChannel)
      ps.Subscribe(sub, args[i]);
    else if (kind == Kind::kPattern)
      ps.PSubscribe(sub, args[i]);
    else
      ps.SSubscribe(sub, args[i]);
    SendConfirmation(ctx.rb, what, &args[i], CountFor(sub, kind));
  }
}

// UNSUBSCRIBE [channel ...] / PUNSUBSCRIBE [pattern ...] / SUNSUBSCRIBE [shardchannel ...]
//   -> one push per argument (or per current subscription without arguments):
//   [unsubscribe|punsubscribe|sunsubscribe, name, count]; [kind, nil, count] when there was
//   nothing to unsubscribe from.
void UnsubscribeGeneric(CmdArgList args, CommandContext& ctx, Kind kind) {
  Subscriber* sub = ctx.session.subscriber;
  if (!sub) return ctx.SendError(kNoSubscriber);
  PubSub& ps = ctx.engine.pubsub();
  std::string_view what = kind == Kind::kChannel   ? "unsubscribe"
                          : kind == Kind::kPattern ? "punsubscribe"
                                                   : "sunsubscribe";
  auto drop = [&](std::string_view name) {
    if (kind == Kind::kChannel)
      ps.Unsubscribe(sub, name);
    else if (kind == Kind::kPattern)
      ps.PUnsubscribe(sub, name);
    else
      ps.SUnsubscribe(sub, name);
  };
  if (args.size() > 1) {
    for (size_t i = 1; i < args.size(); ++i) {
      drop(args[i]);
      SendConfirmation(ctx.rb, what, &args[i], CountFor(sub, kind));
    }
    return;
  }
  std::vector<std::string> current = kind == Kind::kChannel   ? ps.ChannelsOf(sub)
                                     : kind == Kind::kPattern ? ps.PatternsOf(sub)
                                                              : ps.ShardChannelsOf(sub);
  if (current.empty()) return SendConfirmation(ctx.rb, what, nullptr, CountFor(sub, kind));
  for (const std::string& name : current) {
    drop(name);
    std::string_view v = name;
    SendConfirmation(ctx.rb, what, &v, CountFor(sub, kind));
  }
}

void CmdSubscribe(CmdArgList args, CommandContext& ctx) {
  SubscribeGeneric(args, ctx, Kind::kChannel);
}
void CmdPSubscribe(CmdArgList args, CommandContext& ctx) {
  SubscribeGeneric(args, ctx, Kind::kPattern);
}
void CmdSSubscribe(CmdArgList args, CommandContext& ctx) {
  SubscribeGeneric(args, ctx, Kind::kShard);
}
void CmdUnsubscribe(CmdArgList args, CommandContext& ctx) {
  UnsubscribeGeneric(args, ctx, Kind::kChannel);
}
void CmdPUnsubscribe(CmdArgList args, CommandContext& ctx) {
  UnsubscribeGeneric(args, ctx, Kind::kPattern);
}
void CmdSUnsubscribe(CmdArgList args, CommandContext& ctx) {
  UnsubscribeGeneric(args, ctx, Kind::kShard);
}

// ---------------------------------------------------------------------------------------------
// PUBLISH SPUBLISH
// ---------------------------------------------------------------------------------------------

// PUBLISH channel message -> integer: clients that received it (channel + pattern subscribers)
void CmdPublish(CmdArgList args, CommandContext& ctx) {
  ctx.rb.SendLong(static_cast<int64_t>(ctx.engine.pubsub().Publish(args[1], args[2])));
}

// SPUBLISH shardchannel message -> integer: shard channel subscribers that received it
void CmdSPublish(CmdArgList args, CommandContext& ctx) {
  ctx.rb.SendLong(static_cast<int64_t>(ctx.engine.pubsub().SPublish(args[1], args[2])));
}

// ---------------------------------------------------------------------------------------------
// PUBSUB
// ---------------------------------------------------------------------------------------------

// PUBSUB CHANNELS [pattern] / SHARDCHANNELS [pattern] -> array of active channel names
void ChannelsGeneric(CmdArgList args, CommandContext& ctx, bool shard) {
  if (args.size() > 3) return ctx.SendError(errors::SubcommandSyntax("PUBSUB", args[1]));
  bool all = args.size() == 2;
  auto names = ctx.engine.pubsub().ActiveChannels(all ? "" : args[2], all, shard);
  ctx.rb.StartArray(names.size());
  for (const auto& n : names) ctx.rb.SendBulk(n);
}

// PUBSUB NUMSUB [channel ...] / SHARDNUMSUB [shardchannel ...] -> flat array: name, count, ...
void NumSubGeneric(CmdArgList args, CommandContext& ctx, bool shard) {
  ctx.rb.StartArray((args.size() - 2) * 2);
  for (size_t i = 2; i < args.size(); ++i) {
    ctx.rb.SendBulk(args[i]);
    ctx.rb.SendLong(static_cast<int64_t>(ctx.engine.pubsub().NumSub(args[i], shard)));
  }
}

void CmdPubsubChannels(CmdArgList args, CommandContext& ctx) { ChannelsGeneric(args, ctx, false); }
void CmdPubsubShardChannels(CmdArgList args, CommandContext& ctx) {
  ChannelsGeneric(args, ctx, true);
}
void CmdPubsubNumSub(CmdArgList args, CommandContext& ctx) { NumSubGeneric(args, ctx, false); }
void CmdPubsubShardNumSub(CmdArgList args, CommandContext& ctx) { NumSubGeneric(args, ctx, true); }

// PUBSUB NUMPAT -> integer: distinct patterns with a subscriber
void CmdPubsubNumPat(CmdArgList args, CommandContext& ctx) {
  ctx.rb.SendLong(static_cast<int64_t>(ctx.engine.pubsub().NumPat()));
}

// PUBSUB HELP -> array of simple strings
void CmdPubsubHelp(CmdArgList args, CommandContext& ctx) {
  SendHelp(ctx.rb, "PUBSUB",
           {
               "CHANNELS [<pattern>]",
               "    Return the currently active channels matching a <pattern> (default: '*').",
               "NUMPAT",
               "    Return number of subscriptions to patterns.",
               "NUMSUB [<channel> ...]",
               "    Return the number of subscribers for the specified channels, excluding",
               "    pattern subscriptions(default: no channels).",
               "SHARDCHANNELS [<pattern>]",
               "    Return the currently active shard level channels matching a <pattern> "
               "(default: '*').",
               "SHARDNUMSUB [<shardchannel> ...]",
               "    Return the number of subscribers for the specified shard level channel(s)",
           });
}

}  // namespace

void RegisterPubSubFamily(CommandRegistry& r) {
  constexpr uint32_t kSubFlags = CO::kPubSub | CO::kNoScript | CO::kLoading | CO::kStale;
  constexpr uint32_t kPubFlags = CO::kPubSub | CO::kLoading | CO::kStale | CO::kFast;
  r.Add({.name = "subscribe",
         .arity = -2,
         .flags = kSubFlags,
         .acl = ACL::kPubSub,
         .group = "pubsub",
         .since = "2.0.0",
         .summary = "Listen for messages published to the given channels",
         .complexity = "O(N) where N is the number of channels to subscribe to.",
         .handler = CmdSubscribe})
      .Args("channel/string*");
  r.Add({.name = "unsubscribe",
         .arity = -1,
         .flags = kSubFlags,
         .acl = ACL::kPubSub,
         .group = "pubsub",
         .since = "2.0.0",
         .summary = "Stop listening for messages posted to the given channels",
         .complexity = "O(N) where N is the number of clients already subscribed to a channel.",
         .handler = CmdUnsubscribe})
      .Args("channel/string?*");
  r.Add(
       {.name = "psubscribe",
        .arity = -2,
        .flags = kSubFlags,
        .acl = ACL::kPubSub,
        .group = "pubsub",
        .since = "2.0.0",
        .summary = "Listen for messages published to channels matching the given patterns",
        .complexity = "O(N) where N is the number of patterns the client is already subscribed to.",
        .handler = CmdPSubscribe})
      .Args("pattern/block*[pattern/pattern]");
  r.Add({.name = "punsubscribe",
         .arity = -1,
         .flags = kSubFlags,
         .acl = ACL::kPubSub,
         .group = "pubsub",
         .since = "2.0.0",
         .summary = "Stop listening for messages posted to channels matching the given patterns",
         .complexity = "O(N+M) where N is the number of patterns the client is already subscribed "
                       "and M is the number of total patterns subscribed in the system (by any "
                       "client).",
         .handler = CmdPUnsubscribe})
      .Args("pattern/pattern?*");
  r.Add({.name = "publish",
         .arity = 3,
         .flags = kPubFlags,
         .acl = ACL::kPubSub,
         .group = "pubsub",
         .since = "2.0.0",
         .summary = "Post a message to a channel",
         .complexity = "O(N+M) where N is the number of clients subscribed to the receiving "
                       "channel and M is the total number of subscribed patterns (by any client).",
         .handler = CmdPublish})
      .Args("channel/string message/string");
  // The shard family declares its channels as not-key key specs (cluster slot routing).
  r.Add({.name = "spublish",
         .arity = 3,
         .flags = kPubFlags,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = ACL::kPubSub,
         .group = "pubsub",
         .since = "7.0.0",
         .summary = "Post a message to a shard channel",
         .complexity = "O(N) where N is the number of clients subscribed to the receiving shard "
                       "channel.",
         .handler = CmdSPublish})
      .KeySpecs({KS::Index(1).Range(0).NotKey()})
      .Args("shardchannel/string message/string");
  r.Add({.name = "ssubscribe",
         .arity = -2,
         .flags = kSubFlags,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = ACL::kPubSub,
         .group = "pubsub",
         .since = "7.0.0",
         .summary = "Listen for messages published to the given shard channels",
         .complexity = "O(N) where N is the number of shard channels to subscribe to.",
         .handler = CmdSSubscribe})
      .KeySpecs({KS::Index(1).Range(-1).NotKey()})
      .Args("shardchannel/string*");
  r.Add({.name = "sunsubscribe",
         .arity = -1,
         .flags = kSubFlags,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = ACL::kPubSub,
         .group = "pubsub",
         .since = "7.0.0",
         .summary = "Stop listening for messages posted to the given shard channels",
         .complexity = "O(N) where N is the number of clients already subscribed to a shard "
                       "channel.",
         .handler = CmdSUnsubscribe})
      .KeySpecs({KS::Index(1).Range(-1).NotKey()})
      .Args("shardchannel/string?*");

  r.Add({.name = "pubsub",
         .arity = -2,
         .group = "pubsub",
         .since = "2.8.0",
         .summary = "A container for Pub/Sub commands",
         .complexity = "Depends on subcommand."});
  constexpr uint32_t kIntro = CO::kPubSub | CO::kLoading | CO::kStale;
  r.AddSub("pubsub",
           {.name = "channels",
            .arity = -2,
            .flags = kIntro,
            .acl = ACL::kPubSub,
            .since = "2.8.0",
            .summary = "List active channels",
            .complexity = "O(N) where N is the number of active channels, and assuming constant "
                          "time pattern matching (relatively short channels and patterns)",
            .handler = CmdPubsubChannels})
      .Args("pattern/pattern?");
  r.AddSub(
       "pubsub",
       {.name = "numsub",
        .arity = -2,
        .flags = kIntro,
        .acl = ACL::kPubSub,
        .since = "2.8.0",
        .summary = "Get the count of subscribers for channels",
        .complexity = "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
        .handler = CmdPubsubNumSub})
      .Args("channel/string?*");
  r.AddSub("pubsub", {.name = "numpat",
                      .arity = 2,
                      .flags = kIntro,
                      .acl = ACL::kPubSub,
                      .since = "2.8.0",
                      .summary = "Get the count of unique patterns pattern subscriptions",
                      .complexity = "O(1)",
                      .handler = CmdPubsubNumPat});
  r.AddSub("pubsub",
           {.name = "shardchannels",
            .arity = -2,
            .flags = kIntro,
            .acl = ACL::kPubSub,
            .since = "7.0.0",
            .summary = "List active shard channels",
            .complexity = "O(N) where N is the number of active shard channels, and assuming "
                          "constant time pattern matching (relatively short shard channels).",
            .handler = CmdPubsubShardChannels})
      .Args("pattern/pattern?");
  r.AddSub("pubsub", {.name = "shardnumsub",
                      .arity = -2,
                      .flags = kIntro,
                      .acl = ACL::kPubSub,
                      .since = "7.0.0",
                      .summary = "Get the count of subscribers for shard channels",
                      .complexity = "O(N) for the SHARDNUMSUB subcommand, where N is the number of "
                                    "requested shard channels",
                      .handler = CmdPubsubShardNumSub})
      .Args("shardchannel/string?*");
  r.AddSub("pubsub", {.name = "help",
                      .arity = 2,
                      .flags = CO::kLoading | CO::kStale,
                      .since = "6.2.0",
                      .summary = "Show helpful text about the different subcommands",
                      .complexity = "O(1)",
                      .handler = CmdPubsubHelp});
}

}  // namespace fincache
