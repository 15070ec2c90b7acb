// Blocking commands: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP.
//
// Each handler first does what its non-blocking form would do when one of its keys holds
// elements (Redis's order: timeout and options parsed first, then the keys in argument order,
// WRONGTYPE on the first key of another type). When none does, the call is parked: a Waiter
// (engine/blocking.h) registered on its keys under their shard locks, with a serve function that
// pops and replies as Redis's serveClientBlockedOn*Key does, and the timeout reply (a null array,
// `_` in RESP3, for every blocking command, as Redis's replyToBlockedClientTimedOut). The front
// door then waits; a front door that can't park (no make_block_sink) gets the timeout reply at
// once, as Redis does for clients that deny blocking (MULTI, scripts) — BLMOVE/BRPOPLPUSH answer
// a null bulk there.
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/command_registry.h"
#include "commands/propagation.h"
#include "commands/zset_family.h"
#include "common/errors.h"
#include "common/strings.h"
#include "engine/blocking.h"
#include "protocol/reply_builder.h"
#include "types/list.h"
#include "types/zset.h"

namespace fincache {

namespace {

using End = ListValue::End;

// ============================================================================================
// Timeouts and parking
// ============================================================================================

// Redis's getTimeoutFromObjectOrReply (UNIT_SECONDS): a long double of seconds, ceil'ed to
// milliseconds; 0 blocks forever. Values beyond the int64 range (inf, 1e20) convert to INT64_MIN
// on x86, so Redis reports them as negative; -0.0001 rounds up to 0 (forever), as there.
bool ParseBlockTimeout(CommandContext& ctx, std::string_view arg, int64_t* ms) {
  long double secs;
  if (!ParseLongDouble(arg, &secs)) {
    ctx.SendError(errors::kTimeoutNotFloat);
    return false;
  }
  long double v = std::ceil(secs * 1000.0L);
  if (!(v < 9223372036854775808.0L) || v < 0) {
    ctx.SendError(errors::kTimeoutNegative);
    return false;
  }
  *ms = static_cast<int64_t>(v);
  return true;
}

// The keys of a blocked call, without repeats (Redis blocks once per key).
std::vector<std::string> UniqueKeys(CmdArgList keys) {
  std::vector<std::string> out;
  for (std::string_view k : keys) {
    bool seen = false;
    for (auto& o : out) seen = seen || o == k;
    if (!seen) out.emplace_back(k);
  }
  return out;
}

// Parks the call, or answers the timeout reply when the front door can't park, or inside an
// exclusive section (a script, EXEC: nothing else could push while it runs).
void Park(CommandContext& ctx, std::shared_ptr<Waiter> w, bool null_bulk_when_denied = false) {
  if (!ctx.session.make_block_sink || ctx.engine.gate().HeldExclusiveByMe()) {
    if (null_bulk_when_denied) return ctx.rb.SendNull();
    return w->timeout_reply(ctx.rb);
  }
  w->client_id = ctx.session.id;
  w->db = ctx.session.db_index;
  w->sink = ctx.session.make_block_sink();
  ctx.engine.blocking().Block(w);
  ctx.session.blocked = std::move(w);
}

void SendNullArray(protocol::ReplyBuilder& rb) { rb.SendNullArray(); }

// ============================================================================================
// Lists
// ============================================================================================

ListValue* AsList(Entry* e) { return e->value.As<ListValue>(); }

// The list at key for a write: nullptr when missing; kWrongType otherwise.
OpResult<Entry*> FindListWrite(Db& db, std::string_view key) {
  Entry* e = db.FindWrite(key);
  if (e && e->value.type() != ObjType::kList) return OpStatus::kWrongType;
  return e;
}

// A keyspace notification from a pop that may run on the thread serving a parked call (no
// command context there; the key's database is the Db's).
void NotifyDb(Db& db, uint32_t type, std::string_view event, std::string_view key) {
  db.engine().KeyEvent(type, event, key, db.index());
}

// ---- propagation: a blocking pop is written as its non-blocking form on the key it popped
// from (Redis's rewrites), by the handler (ctx) or by the thread that served a parked call.
std::string_view PopName(End end) { return end == End::kHead ? "LPOP" : "RPOP"; }
std::string_view SideName(End end) { return end == End::kHead ? "LEFT" : "RIGHT"; }
std::vector<std::string> ListPopEffect(std::string_view key, End end, int64_t count) {
  std::vector<std::string> argv{std::string(PopName(end)), std::string(key)};
  if (count >= 0) argv.push_back(std::to_string(count));
  return argv;
}
std::vector<std::string> ZPopEffect(std::string_view key, bool max, int64_t count) {
  std::vector<std::string> argv{max ? "ZPOPMAX" : "ZPOPMIN", std::string(key)};
  if (count >= 0) argv.push_back(std::to_string(count));
  return argv;
}
void FeedServed(Db& db, const std::vector<std::string>& argv) {
  std::vector<std::string_view> views(argv.begin(), argv.end());
  FeedEffect(db.engine(), db.index(), views);
}

// Pops up to count elements (count >= 1) and replies [key, [elements]] (BLMPOP) or, count -1,
// [key, element] (BLPOP/BRPOP). Deletes the key when it empties.
void PopListAndReply(Db& db, Entry* e, std::string_view key, End end, int64_t count,
                     protocol::ReplyBuilder& rb) {
  ListValue* list = AsList(e);
  rb.StartArray(2);
  rb.SendBulk(key);
  if (count < 0) {
    rb.SendBulk(list->Pop(end));
  } else {
    size_t n = std::min<size_t>(static_cast<size_t>(count), list->size());
    rb.StartArray(n);
    for (size_t i = 0; i < n; ++i) rb.SendBulk(list->Pop(end));
  }
  bool emptied = list->empty();
  if (emptied) db.Delete(e);
  NotifyDb(db, notify::kList, end == End::kHead ? "lpop" : "rpop", key);
  if (emptied) NotifyDb(db, notify::kGeneric, "del", key);
}

// LMOVE's effect once the source is known non-empty: WRONGTYPE when the destination holds
// another type (nothing popped), else pop, push and reply the element.
void MoveAndReply(Db& db, Entry* se, std::string_view dst, End from, End to,
                  protocol::ReplyBuilder& rb) {
  Entry* de = db.FindWrite(dst);
  if (de && de->value.type() != ObjType::kList) return rb.SendError(errors::kWrongType);
  std::string value = AsList(se)->Pop(from);
  if (!de) {
    de = db.FindOrInsert(dst).first;
    de->value.SetObject(std::make_unique<ListValue>());
  }
  AsList(de)->Push(to, value);
  // Db::KeyOf(se) dies with se: Redis's order is the push, the pop, then "del".
  std::string src(Db::KeyOf(se));
  bool emptied = AsList(se)->empty();
  if (emptied) db.Delete(se);
  NotifyDb(db, notify::kList, to == End::kHead ? "lpush" : "rpush", dst);
  NotifyDb(db, notify::kList, from == End::kHead ? "lpop" : "rpop", src);
  if (emptied) NotifyDb(db, notify::kGeneric, "del", src);
  rb.SendBulk(value);
}

// BLPOP/BRPOP/BLMPOP's common part (Redis's blockingPopGenericCommand): count -1 replies
// [key, element], else [key, [elements]].
void BlockingListPop(CommandContext& ctx, CmdArgList keys, End end, std::string_view timeout_arg,
                     int64_t count) {
  int64_t timeout;
  if (!ParseBlockTimeout(ctx, timeout_arg, &timeout)) return;
  Db db = ctx.db();
  for (std::string_view key : keys) {
    auto res = FindListWrite(db, key);
    if (!res) return ctx.SendStatus(res.status());
    if (*res) {
      if (ctx.propagating()) ctx.PropagateAs(ListPopEffect(key, end, count));
      return PopListAndReply(db, *res, key, end, count, ctx.rb);
    }
  }
  auto w = std::make_shared<Waiter>();
  w->type = ObjType::kList;
  w->keys = UniqueKeys(keys);
  w->timeout_ms = timeout;
  w->timeout_reply = SendNullArray;
  w->serve = [end, count](Db& d, std::string_view key, protocol::ReplyBuilder& rb) {
    if (d.engine().effect_sink()) FeedServed(d, ListPopEffect(key, end, count));
    PopListAndReply(d, d.FindWrite(key), key, end, count, rb);
  };
  Park(ctx, std::move(w));
}

// BLPOP key [key ...] timeout -> array [key, element], or a null array on timeout
// BRPOP key [key ...] timeout -> the same, from the tail
template <End kEnd>
void CmdBPop(CmdArgList args, CommandContext& ctx) {
  BlockingListPop(ctx, args.subspan(1, args.size() - 2), kEnd, args.back(), -1);
}

// BLMOVE/BRPOPLPUSH's common part (Redis's blmoveGenericCommand).
void BlockingMove(CommandContext& ctx, std::string_view src, std::string_view dst, End from, End to,
                  int64_t timeout) {
  Db db = ctx.db();
  auto res = FindListWrite(db, src);
  if (!res) return ctx.SendStatus(res.status());
  if (*res) {
    ctx.PropagateAs({"LMOVE", src, dst, SideName(from), SideName(to)});
    return MoveAndReply(db, *res, dst, from, to, ctx.rb);
  }
  auto w = std::make_shared<Waiter>();
  w->type = ObjType::kList;
  w->keys = {std::string(src)};
  w->target = std::string(dst);
  w->timeout_ms = timeout;
  w->timeout_reply = SendNullArray;
  w->serve = [dst = std::string(dst), from, to](Db& d, std::string_view key,
                                                protocol::ReplyBuilder& rb) {
    const uint64_t errors = rb.error_count();
    MoveAndReply(d, d.FindWrite(key), dst, from, to, rb);
    if (rb.error_count() == errors && d.engine().effect_sink())
      FeedServed(d, {"LMOVE", std::string(key), dst, std::string(SideName(from)),
                     std::string(SideName(to))});
  };
  Park(ctx, std::move(w), /*null_bulk_when_denied=*/true);
}

bool ParseLeftRight(std::string_view arg, End* end) {
  if (EqualsIgnoreCase(arg, "left")) {
    *end = End::kHead;
  } else if (EqualsIgnoreCase(arg, "right")) {
    *end = End::kTail;
  } else {
    return false;
  }
  return true;
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
//   -> bulk: the moved element, or a null array on timeout
void CmdBLMove(CmdArgList args, CommandContext& ctx) {
  End from, to;
  if (!ParseLeftRight(args[3], &from) || !ParseLeftRight(args[4], &to))
    return ctx.SendError(errors::kSyntax);
  int64_t timeout;
  if (!ParseBlockTimeout(ctx, args[5], &timeout)) return;
  BlockingMove(ctx, args[1], args[2], from, to, timeout);
}

// BRPOPLPUSH source destination timeout -> bulk: the moved element, or a null array on timeout
void CmdBRPopLPush(CmdArgList args, CommandContext& ctx) {
  int64_t timeout;
  if (!ParseBlockTimeout(ctx, args[3], &timeout)) return;
  BlockingMove(ctx, args[1], args[2], End::kTail, End::kHead, timeout);
}

// BLMPOP/BZMPOP's keys for the dispatcher: argv[3 .. 2+numkeys], numkeys = argv[2] in
// [1, argc-3]; false otherwise (the handler reports the error).
bool MpopKeys(CmdArgList args, KeyIndexes* out) {
  int64_t numkeys;
  if (args.size() < 3 || !ParseInt64(args[2], &numkeys)) return false;
  if (numkeys < 1 || numkeys > static_cast<int64_t>(args.size()) - 3) return false;
  for (int64_t i = 0; i < numkeys; ++i) out->push_back(static_cast<int>(3 + i));
  return true;
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
//   -> array [key, [elements...]] from the first non-empty list, or a null array on timeout
void CmdBLMPop(CmdArgList args, CommandContext& ctx) {
  int64_t numkeys;
  if (!ParseInt64(args[2], &numkeys) || numkeys < 1)
    return ctx.SendError(errors::kNumkeysNotPositive);
  if (numkeys >= static_cast<int64_t>(args.size()) - 3) return ctx.SendError(errors::kSyntax);
  size_t where_idx = 3 + static_cast<size_t>(numkeys);
  End end;
  if (!ParseLeftRight(args[where_idx], &end)) return ctx.SendError(errors::kSyntax);
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < args.size(); ++j) {
    bool more = j + 1 < args.size();
    if (count == -1 && EqualsIgnoreCase(args[j], "count") && more) {
      if (!ParseInt64(args[++j], &count) || count < 1)
        return ctx.SendError(errors::kCountNotPositive);
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  if (count == -1) count = 1;
  BlockingListPop(ctx, args.subspan(3, static_cast<size_t>(numkeys)), end, args[1], count);
}

// ============================================================================================
// Sorted sets
// ============================================================================================

// Pops the lowest (or highest) member and replies [key, member, score] (score a double in
// RESP3, a bulk in RESP2). Deletes the key when it empties.
void PopZsetAndReply(Db& db, Entry* e, std::string_view key, bool max, protocol::ReplyBuilder& rb) {
  ZSet* z = e->value.As<ZSet>();
  size_t size = z->size();
  std::string member;
  double score = 0;
  z->Visit(max ? size - 1 : 0, 1, max, [&](std::string_view m, double s) {
    member.assign(m);
    score = s;
  });
  if (max)
    z->RemoveRanks(size - 1, size);
  else
    z->RemoveRanks(0, 1);
  bool emptied = z->size() == 0;
  if (emptied) db.Delete(e);
  NotifyDb(db, notify::kZset, max ? "zpopmax" : "zpopmin", key);
  if (emptied) NotifyDb(db, notify::kGeneric, "del", key);
  rb.StartArray(3);
  rb.SendBulk(key);
  rb.SendBulk(member);
  rb.SendDouble(score);
}

// BZPOPMIN key [key ...] timeout -> array [key, member, score], or a null array on timeout
// BZPOPMAX key [key ...] timeout -> the same, highest score
template <bool kMax>
void CmdBZPop(CmdArgList args, CommandContext& ctx) {
  int64_t timeout;
  if (!ParseBlockTimeout(ctx, args.back(), &timeout)) return;
  CmdArgList keys = args.subspan(1, args.size() - 2);
  Db db = ctx.db();
  for (std::string_view key : keys) {
    Entry* e = db.FindWrite(key);
    if (!e) continue;
    if (e->value.type() != ObjType::kZSet) return ctx.SendError(errors::kWrongType);
    if (ctx.propagating()) ctx.PropagateAs(ZPopEffect(key, kMax, -1));
    return PopZsetAndReply(db, e, key, kMax, ctx.rb);
  }
  auto w = std::make_shared<Waiter>();
  w->type = ObjType::kZSet;
  w->keys = UniqueKeys(keys);
  w->timeout_ms = timeout;
  w->timeout_reply = SendNullArray;
  w->serve = [](Db& d, std::string_view key, protocol::ReplyBuilder& rb) {
    if (d.engine().effect_sink()) FeedServed(d, ZPopEffect(key, kMax, -1));
    PopZsetAndReply(d, d.FindWrite(key), key, kMax, rb);
  };
  Park(ctx, std::move(w));
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
//   -> array [key, [[member, score], ...]] from the first non-empty sorted set, or a null array
//   on timeout
void CmdBZMPop(CmdArgList args, CommandContext& ctx) {
  int64_t numkeys;
  if (!ParseInt64(args[2], &numkeys) || numkeys < 1)
    return ctx.SendError(errors::kNumkeysNotPositive);
  if (numkeys >= static_cast<int64_t>(args.size()) - 3) return ctx.SendError(errors::kSyntax);
  size_t where_idx = 3 + static_cast<size_t>(numkeys);
  bool max;
  if (EqualsIgnoreCase(args[where_idx], "min")) {
    max = false;
  } else if (EqualsIgnoreCase(args[where_idx], "max")) {
    max = true;
  } else {
    return ctx.SendError(errors::kSyntax);
  }
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < args.size(); ++j) {
    bool more = j + 1 < args.size();
    if (count == -1 && EqualsIgnoreCase(args[j], "count") && more) {
      if (!ParseInt64(args[++j], &count) || count < 1)
        return ctx.SendError(errors::kCountNotPositive);
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  if (count == -1) count = 1;
  int64_t timeout;
  if (!ParseBlockTimeout(ctx, args[1], &timeout)) return;
  CmdArgList keys = args.subspan(3, static_cast<size_t>(numkeys));
  Db db = ctx.db();
  for (std::string_view key : keys) {
    if (ZMPopFromKey(ctx, db, key, max, count)) {
      if (ctx.propagating()) ctx.PropagateAs(ZPopEffect(key, max, count));
      return;
    }
  }
  auto w = std::make_shared<Waiter>();
  w->type = ObjType::kZSet;
  w->keys = UniqueKeys(keys);
  w->timeout_ms = timeout;
  w->timeout_reply = SendNullArray;
  w->serve = [max, count](Db& d, std::string_view key, protocol::ReplyBuilder& rb) {
    if (d.engine().effect_sink()) FeedServed(d, ZPopEffect(key, max, count));
    ZSet* z = d.FindWrite(key)->value.As<ZSet>();
    std::vector<ZPair> items = ZPopN(d, key, z, max, static_cast<size_t>(count));
    NotifyDb(d, notify::kZset, max ? "zpopmax" : "zpopmin", key);
    if (!d.Find(key)) NotifyDb(d, notify::kGeneric, "del", key);
    rb.StartArray(2);
    rb.SendBulk(key);
    rb.StartArray(items.size());
    for (auto& [m, sc] : items) {
      rb.StartArray(2);
      rb.SendBulk(m);
      rb.SendDouble(sc);
    }
  };
  Park(ctx, std::move(w));
}

}  // namespace

// ============================================================================================
// Registration
// ============================================================================================

void RegisterBlockingFamily(CommandRegistry& r) {
  auto add = [&r](std::string_view name, int arity, uint32_t flags, int first, int last, int step,
                  uint64_t acl, std::string_view group, std::string_view since,
                  std::string_view summary, std::string_view complexity, CommandHandler handler,
                  KeysFunction keys_fn = nullptr) -> CommandSpec& {
    CommandSpec spec;
    spec.name = std::string(name);
    spec.arity = arity;
    spec.flags = flags;
    spec.first_key = first;
    spec.last_key = last;
    spec.key_step = step;
    spec.acl = acl;
    spec.group = group;
    spec.since = since;
    spec.summary = summary;
    spec.complexity = complexity;
    spec.handler = handler;
    spec.keys_fn = keys_fn;
    return r.Add(std::move(spec));
  };
  constexpr uint32_t kWB = CO::kWrite | CO::kBlocking;
  constexpr uint32_t kWBS = kWB | CO::kNoScript;
  constexpr std::string_view kTimeoutDouble =
      "`timeout` is interpreted as a double instead of an integer.";

  add("blpop", -3, kWBS, 1, -2, 1, ACL::kList, "list", "2.0.0",
      "Remove and get the first element in a list, or block until one is available",
      "O(N) where N is the number of provided keys.", CmdBPop<End::kHead>)
      .KeySpecs({KS::Index(1).Range(-2).RW().Access().Delete()})
      .History({{"6.0.0", kTimeoutDouble}})
      .Args("key/key#0* timeout/double");
  add("brpop", -3, kWBS, 1, -2, 1, ACL::kList, "list", "2.0.0",
      "Remove and get the last element in a list, or block until one is available",
      "O(N) where N is the number of provided keys.", CmdBPop<End::kTail>)
      .KeySpecs({KS::Index(1).Range(-2).RW().Access().Delete()})
      .History({{"6.0.0", kTimeoutDouble}})
      .Args("key/key#0* timeout/double");
  add("blmove", 6, kWBS | CO::kDenyOom, 1, 2, 1, ACL::kList, "list", "6.2.0",
      "Pop an element from a list, push it to another list and return it; or block until one is "
      "available",
      "O(1)", CmdBLMove)
      .KeySpecs({KS::Index(1).RW().Access().Delete(), KS::Index(2).RW().Insert()})
      .Args(
          "source/key#0 destination/key#1 wherefrom/oneof[left/pure-token=LEFT "
          "right/pure-token=RIGHT] whereto/oneof[left/pure-token=LEFT right/pure-token=RIGHT] "
          "timeout/double");
  add("brpoplpush", 4, kWBS | CO::kDenyOom, 1, 2, 1, ACL::kList, "list", "2.2.0",
      "Pop an element from a list, push it to another list and return it; or block until one is "
      "available",
      "O(1)", CmdBRPopLPush)
      .KeySpecs({KS::Index(1).RW().Access().Delete(), KS::Index(2).RW().Insert()})
      .Deprecated("6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments")
      .History({{"6.0.0", kTimeoutDouble}})
      .Args("source/key#0 destination/key#1 timeout/double");
  add("blmpop", -5, kWB, 0, 0, 0, ACL::kList, "list", "7.0.0",
      "Pop elements from a list, or block until one is available",
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
      CmdBLMPop, MpopKeys)
      .KeySpecs({KS::Index(2).Keynum(0, 1, 1).RW().Access().Delete()})
      .Args(
          "timeout/double numkeys/integer key/key#0* where/oneof[left/pure-token=LEFT "
          "right/pure-token=RIGHT] count/integer=COUNT?");
  add("bzpopmin", -3, kWBS | CO::kFast, 1, -2, 1, ACL::kSortedSet, "sorted-set", "5.0.0",
      "Remove and return the member with the lowest score from one or more sorted sets, or block "
      "until one is available",
      "O(log(N)) with N being the number of elements in the sorted set.", CmdBZPop<false>)
      .KeySpecs({KS::Index(1).Range(-2).RW().Access().Delete()})
      .History({{"6.0.0", kTimeoutDouble}})
      .Args("key/key#0* timeout/double");
  add("bzpopmax", -3, kWBS | CO::kFast, 1, -2, 1, ACL::kSortedSet, "sorted-set", "5.0.0",
      "Remove and return the member with the highest score from one or more sorted sets, or "
      "block until one is available",
      "O(log(N)) with N being the number of elements in the sorted set.", CmdBZPop<true>)
      .KeySpecs({KS::Index(1).Range(-2).RW().Access().Delete()})
      .History({{"6.0.0", kTimeoutDouble}})
      .Args("key/key#0* timeout/double");
  add("bzmpop", -5, kWB, 0, 0, 0, ACL::kSortedSet, "sorted-set", "7.0.0",
      "Remove and return members with scores in a sorted set or block until one is available",
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements "
      "in the sorted set, and M being the number of elements popped.",
      CmdBZMPop, MpopKeys)
      .KeySpecs({KS::Index(2).Keynum(0, 1, 1).RW().Access().Delete()})
      .Args(
          "timeout/double numkeys/integer key/key#0* where/oneof[min/pure-token=MIN "
          "max/pure-token=MAX] count/integer=COUNT?");
}

}  // namespace fincache
