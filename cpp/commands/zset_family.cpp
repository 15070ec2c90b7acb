// Sorted set commands (Redis 7.0.15): ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK
// ZCOUNT ZLEXCOUNT here; the ZRANGE/ZREMRANGE/ZPOP family in zset_family_range.cpp; ZRANDMEMBER,
// ZSCAN in zset_family_multi.cpp; ZUNION ZINTER ZDIFF (+STORE) ZINTERCARD ZMPOP in
// zset_family_setops.cpp. Blocking commands (BZPOPMIN, BZPOPMAX, BZMPOP) are not implemented.
//
// The data structure is types/zset.h. Scores are doubles (never NaN); replies format them as
// Redis 7.0: RESP2 a bulk "%.17g" ("inf"/"-inf"), RESP3 a double. A command that removes the
// last member deletes the key; writes look keys up with FindOfType (no stats), reads with
// FindReadOfType (keyspace hits/misses).
#include "commands/zset_family.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "commands/command_context.h"
#include "common/errors.h"
#include "common/strings.h"
#include "protocol/reply_builder.h"

namespace fincache {

// ============================================================================================
// Shared helpers
// ============================================================================================

namespace {

// strtod over the whole text as zslParseRange does it: leading spaces allowed, an empty text
// reads 0, trailing characters and NaN are rejected.
bool StrtodWhole(std::string_view s, double* out) {
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(buf.c_str(), &end);
  if (*end != '\0' || std::isnan(v)) return false;
  *out = v;
  return true;
}

bool ParseScoreBound(std::string_view s, double* v, bool* ex) {
  *ex = !s.empty() && s[0] == '(';
  return StrtodWhole(*ex ? s.substr(1) : s, v);
}

bool ParseLexBound(std::string_view s, ZLexBound* b) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '+':
      if (s.size() != 1) return false;
      b->kind = ZLexBound::kPosInf;
      return true;
    case '-':
      if (s.size() != 1) return false;
      b->kind = ZLexBound::kNegInf;
      return true;
    case '(':
    case '[':
      b->kind = ZLexBound::kValue;
      b->exclusive = s[0] == '(';
      b->value = s.substr(1);
      return true;
    default:
      return false;
  }
}

}  // namespace

bool ParseZScoreRange(std::string_view min, std::string_view max, ZScoreRange* r) {
  return ParseScoreBound(min, &r->min, &r->min_ex) && ParseScoreBound(max, &r->max, &r->max_ex);
}

bool ParseZLexRange(std::string_view min, std::string_view max, ZLexRange* r) {
  return ParseLexBound(min, &r->min) && ParseLexBound(max, &r->max);
}

void ReplyZPairs(CommandContext& ctx, const std::vector<ZPair>& items, bool withscores) {
  auto& rb = ctx.rb;
  if (!withscores) {
    rb.StartArray(items.size());
    for (auto& [m, s] : items) rb.SendBulk(m);
    return;
  }
  if (rb.resp_version() >= 3) {
    rb.StartArray(items.size());
    for (auto& [m, s] : items) {
      rb.StartArray(2);
      rb.SendBulk(m);
      rb.SendDouble(s);
    }
    return;
  }
  rb.StartArray(items.size() * 2);
  for (auto& [m, s] : items) {
    rb.SendBulk(m);
    rb.SendDouble(s);
  }
}

void StoreZPairs(Db& db, std::string_view key, const std::vector<ZPair>& items) {
  db.Delete(key);
  if (items.empty()) return;
  size_t max_len = 0;
  for (auto& [m, s] : items) max_len = std::max(max_len, m.size());
  auto z = ZSet::CreateFor(items.size(), max_len);
  int out;
  for (auto& [m, s] : items) z->Add(m, s, 0, &out, nullptr);
  auto [e, inserted] = db.FindOrInsert(key);
  e->value.SetObject(std::move(z));
}

void StoreZPairsAndNotify(CommandContext& ctx, Db& db, std::string_view key,
                          const std::vector<ZPair>& items, std::string_view event) {
  bool existed = db.Find(key) != nullptr;
  StoreZPairs(db, key, items);
  if (!items.empty())
    ctx.Notify(notify::kZset, event, key);
  else if (existed)
    ctx.Notify(notify::kGeneric, "del", key);
}

OpResult<const ZSet*> FindZsetRead(Db& db, std::string_view key) {
  OpResult<Entry*> e = db.FindReadOfType(key, ObjType::kZSet);
  if (e.status() == OpStatus::kKeyNotFound) return static_cast<const ZSet*>(nullptr);
  if (!e) return e.status();
  return static_cast<const ZSet*>(e.value()->value.As<ZSet>());
}

namespace {

// Write lookup: the sorted set at key, nullptr when absent; kWrongType otherwise.
OpResult<ZSet*> FindZsetWrite(Db& db, std::string_view key) {
  OpResult<Entry*> e = db.FindOfType(key, ObjType::kZSet);
  if (e.status() == OpStatus::kKeyNotFound) return static_cast<ZSet*>(nullptr);
  if (!e) return e.status();
  return e.value()->value.As<ZSet>();
}

// ============================================================================================
// ZADD / ZINCRBY
// ============================================================================================

struct ZAddResult {
  int64_t added = 0;
  int64_t updated = 0;
  int64_t processed = 0;
  double score = 0;  // INCR: the member's new score
};

// Applies score/member pairs to key (created unless XX). On a NaN result the pairs before it
// stay applied, as in Redis, and kNanOrInf is returned.
OpResult<ZAddResult> OpZAdd(Db& db, std::string_view key, int flags,
                            const std::vector<std::pair<double, std::string_view>>& pairs) {
  OpResult<ZSet*> found = FindZsetWrite(db, key);
  if (!found) return found.status();
  ZSet* z = *found;
  ZAddResult res;
  if (!z) {
    if (flags & ZSet::kXx) return res;
    auto [e, inserted] = db.FindOrInsert(key);
    auto created = std::make_unique<ZSet>();
    // Redis creates the skiplist directly when the first member is too long (or no listpack).
    if (ZsetLimits::max_listpack_entries.load() == 0 ||
        static_cast<int64_t>(pairs[0].second.size()) > ZsetLimits::max_listpack_value.load())
      created->ConvertToSkiplist();
    z = created.get();
    e->value.SetObject(std::move(created));
  }
  for (auto& [score, member] : pairs) {
    int out = 0;
    double new_score = 0;
    if (!z->Add(member, score, flags, &out, &new_score)) {
      if (z->size() == 0) db.Delete(key);
      return OpStatus::kNanOrInf;
    }
    if (out & ZSet::kOutAdded) ++res.added;
    if (out & ZSet::kOutUpdated) ++res.updated;
    if (!(out & ZSet::kOutNop)) ++res.processed;
    res.score = new_score;
  }
  return res;
}

// Shared by ZADD (options, then score/member pairs from argv[2]) and ZINCRBY (fixed INCR).
void ZAddGeneric(CmdArgList args, CommandContext& ctx, int flags, bool parse_options) {
  size_t i = 2;
  bool ch = false;
  if (parse_options) {
    for (; i < args.size(); ++i) {
      std::string_view o = args[i];
      if (EqualsIgnoreCase(o, "nx"))
        flags |= ZSet::kNx;
      else if (EqualsIgnoreCase(o, "xx"))
        flags |= ZSet::kXx;
      else if (EqualsIgnoreCase(o, "gt"))
        flags |= ZSet::kGt;
      else if (EqualsIgnoreCase(o, "lt"))
        flags |= ZSet::kLt;
      else if (EqualsIgnoreCase(o, "ch"))
        ch = true;
      else if (EqualsIgnoreCase(o, "incr"))
        flags |= ZSet::kIncr;
      else
        break;
    }
  }
  size_t elements = args.size() - i;
  if (elements == 0 || elements % 2 != 0) return ctx.SendError(errors::kSyntax);
  elements /= 2;
  if ((flags & ZSet::kNx) && (flags & ZSet::kXx)) return ctx.SendError(errors::kZaddXxAndNx);
  int gt_lt_nx = !!(flags & ZSet::kGt) + !!(flags & ZSet::kLt) + !!(flags & ZSet::kNx);
  if (gt_lt_nx > 1) return ctx.SendError(errors::kZaddGtLtNx);
  bool incr = flags & ZSet::kIncr;
  if (incr && elements > 1) return ctx.SendError(errors::kZaddIncrPair);

  std::vector<std::pair<double, std::string_view>> pairs;
  pairs.reserve(elements);
  for (size_t j = i; j < args.size(); j += 2) {
    double score;
    if (!ParseDouble(args[j], &score)) return ctx.SendError(errors::kNotFloat);
    pairs.emplace_back(score, args[j + 1]);
  }
  Db db = ctx.db();
  OpResult<ZAddResult> res = OpZAdd(db, args[1], flags, pairs);
  if (res.status() == OpStatus::kNanOrInf) return ctx.SendError(errors::kZsetScoreNan);
  if (!res) return ctx.SendStatus(res.status());
  if (res->added || res->updated) ctx.Notify(notify::kZset, incr ? "zincr" : "zadd", args[1]);
  if (incr) {
    if (res->processed)
      ctx.rb.SendDouble(res->score);
    else
      ctx.rb.SendNull();
    return;
  }
  ctx.rb.SendLong(ch ? res->added + res->updated : res->added);
}

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
//   -> integer: members added (CH: added + updated); INCR: the new score, or null when skipped
void CmdZadd(CmdArgList args, CommandContext& ctx) { ZAddGeneric(args, ctx, 0, true); }

// ZINCRBY key increment member -> double: the member's new score
void CmdZincrby(CmdArgList args, CommandContext& ctx) {
  ZAddGeneric(args, ctx, ZSet::kIncr, false);
}

// ============================================================================================
// ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT
// ============================================================================================

// ZREM key member [member ...] -> integer: members removed
void CmdZrem(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  OpResult<ZSet*> z = FindZsetWrite(db, args[1]);
  if (!z) return ctx.SendStatus(z.status());
  int64_t removed = 0;
  if (*z) {
    for (size_t i = 2; i < args.size(); ++i) {
      if ((*z)->Remove(args[i])) ++removed;
      if ((*z)->size() == 0) {
        db.Delete(args[1]);
        break;
      }
    }
  }
  if (removed) {
    ctx.Notify(notify::kZset, "zrem", args[1]);
    if (!db.Find(args[1])) ctx.Notify(notify::kGeneric, "del", args[1]);
  }
  ctx.rb.SendLong(removed);
}

// ZCARD key -> integer: number of members (0 when the key is missing)
void CmdZcard(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  OpResult<const ZSet*> z = FindZsetRead(db, args[1]);
  if (!z) return ctx.SendStatus(z.status());
  ctx.rb.SendLong(*z ? (*z)->size() : 0);
}

// ZSCORE key member -> double, or null
void CmdZscore(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  OpResult<const ZSet*> z = FindZsetRead(db, args[1]);
  if (!z) return ctx.SendStatus(z.status());
  std::optional<double> s = *z ? (*z)->Score(args[2]) : std::nullopt;
  if (s)
    ctx.rb.SendDouble(*s);
  else
    ctx.rb.SendNull();
}

// ZMSCORE key member [member ...] -> array of double or null per member
void CmdZmscore(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  OpResult<const ZSet*> z = FindZsetRead(db, args[1]);
  if (!z) return ctx.SendStatus(z.status());
  ctx.rb.StartArray(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    std::optional<double> s = *z ? (*z)->Score(args[i]) : std::nullopt;
    if (s)
      ctx.rb.SendDouble(*s);
    else
      ctx.rb.SendNull();
  }
}

void ZRankGeneric(CmdArgList args, CommandContext& ctx, bool rev) {
  Db db = ctx.db();
  OpResult<const ZSet*> z = FindZsetRead(db, args[1]);
  if (!z) return ctx.SendStatus(z.status());
  std::optional<size_t> r = *z ? (*z)->Rank(args[2]) : std::nullopt;
  if (!r) return ctx.rb.SendNull();
  ctx.rb.SendLong(rev ? (*z)->size() - 1 - *r : *r);
}

// ZRANK key member -> integer: 0-based rank by ascending score, or null
void CmdZrank(CmdArgList args, CommandContext& ctx) { ZRankGeneric(args, ctx, false); }

// ZREVRANK key member -> integer: 0-based rank by descending score, or null
void CmdZrevrank(CmdArgList args, CommandContext& ctx) { ZRankGeneric(args, ctx, true); }

// ZCOUNT key min max -> integer: members with a score in [min, max] ("(" excludes)
void CmdZcount(CmdArgList args, CommandContext& ctx) {
  ZScoreRange range;
  if (!ParseZScoreRange(args[2], args[3], &range))
    return ctx.SendError(errors::kZsetMinMaxNotFloat);
  Db db = ctx.db();
  OpResult<const ZSet*> z = FindZsetRead(db, args[1]);
  if (!z) return ctx.SendStatus(z.status());
  size_t lo = 0, hi = 0;
  if (*z) (*z)->ScoreRanks(range, &lo, &hi);
  ctx.rb.SendLong(hi > lo ? hi - lo : 0);
}

// ZLEXCOUNT key min max -> integer: members between min and max ("-", "+", "[x", "(x")
void CmdZlexcount(CmdArgList args, CommandContext& ctx) {
  ZLexRange range;
  if (!ParseZLexRange(args[2], args[3], &range)) return ctx.SendError(errors::kZsetMinMaxNotLex);
  Db db = ctx.db();
  OpResult<const ZSet*> z = FindZsetRead(db, args[1]);
  if (!z) return ctx.SendStatus(z.status());
  size_t lo = 0, hi = 0;
  if (*z) (*z)->LexRanks(range, /*rev=*/false, &lo, &hi);
  ctx.rb.SendLong(hi > lo ? hi - lo : 0);
}

}  // namespace

// ============================================================================================
// Registration
// ============================================================================================

void RegisterZsetFamily(CommandRegistry& r) {
  auto add = [&r](std::string_view name, int arity, uint32_t flags, int first, int last, int step,
                  std::string_view since, std::string_view summary, std::string_view complexity,
                  CommandHandler handler, KeysFunction keys_fn = nullptr) -> CommandSpec& {
    CommandSpec spec;
    spec.name = std::string(name);
    spec.arity = arity;
    spec.flags = flags;
    spec.first_key = first;
    spec.last_key = last;
    spec.key_step = step;
    spec.acl = ACL::kSortedSet;
    spec.group = "sorted-set";
    spec.since = since;
    spec.summary = summary;
    spec.complexity = complexity;
    spec.handler = handler;
    spec.keys_fn = keys_fn;
    return r.Add(std::move(spec));
  };
  constexpr uint32_t kW = CO::kWrite;
  constexpr uint32_t kR = CO::kReadOnly;
  constexpr uint32_t kOom = CO::kDenyOom;
  constexpr uint32_t kF = CO::kFast;

  add("zadd", -4, kW | kOom | kF, 1, 1, 1, "1.2.0",
      "Add one or more members to a sorted set, or update its score if it already exists",
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
      CmdZadd)
      .KeySpecs({KS::Index(1).RW().Update()})
      .History({{"2.4.0", "Accepts multiple elements."},
                {"3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."},
                {"6.2.0", "Added the `GT` and `LT` options."}})
      .Args(
          "key/key#0 condition/oneof^3.0.2?[nx/pure-token=NX xx/pure-token=XX] "
          "comparison/oneof^6.2.0?[gt/pure-token=GT lt/pure-token=LT] change/pure-token=CH^3.0.2? "
          "increment/pure-token=INCR^3.0.2? score_member/block*[score/double member/string]");
  add("zincrby", 4, kW | kOom | kF, 1, 1, 1, "1.2.0",
      "Increment the score of a member in a sorted set",
      "O(log(N)) where N is the number of elements in the sorted set.", CmdZincrby)
      .KeySpecs({KS::Index(1).RW().Access().Update()})
      .Args("key/key#0 increment/integer member/string");
  add("zrem", -3, kW | kF | CO::kNoopOnZero, 1, 1, 1, "1.2.0",
      "Remove one or more members from a sorted set",
      "O(M*log(N)) with N being the number of elements in the sorted set and M the number of "
      "elements to be removed.",
      CmdZrem)
      .KeySpecs({KS::Index(1).RW().Delete()})
      .History({{"2.4.0", "Accepts multiple elements."}})
      .Args("key/key#0 member/string*");
  add("zcard", 2, kR | kF, 1, 1, 1, "1.2.0", "Get the number of members in a sorted set", "O(1)",
      CmdZcard)
      .KeySpecs({KS::Index(1).RO()})
      .Args("key/key#0");
  add("zscore", 3, kR | kF, 1, 1, 1, "1.2.0",
      "Get the score associated with the given member in a sorted set", "O(1)", CmdZscore)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 member/string");
  add("zmscore", -3, kR | kF, 1, 1, 1, "6.2.0",
      "Get the score associated with the given members in a sorted set",
      "O(N) where N is the number of members being requested.", CmdZmscore)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 member/string*");
  add("zrank", 3, kR | kF, 1, 1, 1, "2.0.0", "Determine the index of a member in a sorted set",
      "O(log(N))", CmdZrank)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 member/string");
  add("zrevrank", 3, kR | kF, 1, 1, 1, "2.0.0",
      "Determine the index of a member in a sorted set, with scores ordered from high to low",
      "O(log(N))", CmdZrevrank)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 member/string");
  add("zcount", 4, kR | kF, 1, 1, 1, "2.0.0",
      "Count the members in a sorted set with scores within the given values",
      "O(log(N)) with N being the number of elements in the sorted set.", CmdZcount)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 min/double max/double");
  add("zlexcount", 4, kR | kF, 1, 1, 1, "2.8.9",
      "Count the number of members in a sorted set between a given lexicographical range",
      "O(log(N)) with N being the number of elements in the sorted set.", CmdZlexcount)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 min/string max/string");
  add("zrange", -4, kR, 1, 1, 1, "1.2.0", "Return a range of members in a sorted set",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements returned.",
      CmdZrange)
      .KeySpecs({KS::Index(1).RO().Access()})
      .History({{"6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."}})
      .Args(
          "key/key#0 start/string stop/string sortby/oneof^6.2.0?[byscore/pure-token=BYSCORE "
          "bylex/pure-token=BYLEX] rev/pure-token=REV^6.2.0? "
          "offset_count/block=LIMIT^6.2.0?[offset/integer count/integer] "
          "withscores/pure-token=WITHSCORES?");
  add("zrangebyscore", -4, kR, 1, 1, 1, "1.0.5",
      "Return a range of members in a sorted set, by score",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
      "with LIMIT), you can consider it O(log(N)).",
      CmdZrangebyscore)
      .KeySpecs({KS::Index(1).RO().Access()})
      .History({{"2.0.0", "Added the `WITHSCORES` modifier."}})
      .Deprecated("6.2.0", "`ZRANGE` with the `BYSCORE` argument")
      .Args(
          "key/key#0 min/double max/double withscores/pure-token=WITHSCORES^2.0.0? "
          "offset_count/block=LIMIT?[offset/integer count/integer]");
  add("zrevrangebyscore", -4, kR, 1, 1, 1, "2.2.0",
      "Return a range of members in a sorted set, by score, with scores ordered from high to low",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
      "with LIMIT), you can consider it O(log(N)).",
      CmdZrevrangebyscore)
      .KeySpecs({KS::Index(1).RO().Access()})
      .History({{"2.1.6", "`min` and `max` can be exclusive."}})
      .Deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments")
      .Args(
          "key/key#0 max/double min/double withscores/pure-token=WITHSCORES? "
          "offset_count/block=LIMIT?[offset/integer count/integer]");
  add("zrangebylex", -4, kR, 1, 1, 1, "2.8.9",
      "Return a range of members in a sorted set, by lexicographical range",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
      "with LIMIT), you can consider it O(log(N)).",
      CmdZrangebylex)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Deprecated("6.2.0", "`ZRANGE` with the `BYLEX` argument")
      .Args(
          "key/key#0 min/string max/string offset_count/block=LIMIT?[offset/integer "
          "count/integer]");
  add("zrevrangebylex", -4, kR, 1, 1, 1, "2.8.9",
      "Return a range of members in a sorted set, by lexicographical range, ordered from higher to "
      "lower strings.",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
      "with LIMIT), you can consider it O(log(N)).",
      CmdZrevrangebylex)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYLEX` arguments")
      .Args(
          "key/key#0 max/string min/string offset_count/block=LIMIT?[offset/integer "
          "count/integer]");
  add("zrevrange", -4, kR, 1, 1, 1, "1.2.0",
      "Return a range of members in a sorted set, by index, with scores ordered from high to low",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements returned.",
      CmdZrevrange)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Deprecated("6.2.0", "`ZRANGE` with the `REV` argument")
      .Args("key/key#0 start/integer stop/integer withscores/pure-token=WITHSCORES?");
  add("zrangestore", -5, kW | kOom, 1, 2, 1, "6.2.0",
      "Store a range of members from sorted set into another key",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements stored into the destination key.",
      CmdZrangestore)
      .KeySpecs({KS::Index(1).OW().Update(), KS::Index(2).RO().Access()})
      .Args(
          "dst/key#0 src/key#1 min/string max/string sortby/oneof?[byscore/pure-token=BYSCORE "
          "bylex/pure-token=BYLEX] rev/pure-token=REV? offset_count/block=LIMIT?[offset/integer "
          "count/integer]");
  add("zremrangebyrank", 4, kW | CO::kNoopOnZero, 1, 1, 1, "2.0.0",
      "Remove all members in a sorted set within the given indexes",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements removed by the operation.",
      CmdZremrangebyrank)
      .KeySpecs({KS::Index(1).RW().Delete()})
      .Args("key/key#0 start/integer stop/integer");
  add("zremrangebyscore", 4, kW | CO::kNoopOnZero, 1, 1, 1, "1.2.0",
      "Remove all members in a sorted set within the given scores",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements removed by the operation.",
      CmdZremrangebyscore)
      .KeySpecs({KS::Index(1).RW().Delete()})
      .Args("key/key#0 min/double max/double");
  add("zremrangebylex", 4, kW | CO::kNoopOnZero, 1, 1, 1, "2.8.9",
      "Remove all members in a sorted set between the given lexicographical range",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements removed by the operation.",
      CmdZremrangebylex)
      .KeySpecs({KS::Index(1).RW().Delete()})
      .Args("key/key#0 min/string max/string");
  add("zpopmin", -2, kW | kF, 1, 1, 1, "5.0.0",
      "Remove and return members with the lowest scores in a sorted set",
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number "
      "of elements popped.",
      CmdZpopmin)
      .KeySpecs({KS::Index(1).RW().Access().Delete()})
      .Args("key/key#0 count/integer?");
  add("zpopmax", -2, kW | kF, 1, 1, 1, "5.0.0",
      "Remove and return members with the highest scores in a sorted set",
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number "
      "of elements popped.",
      CmdZpopmax)
      .KeySpecs({KS::Index(1).RW().Access().Delete()})
      .Args("key/key#0 count/integer?");
  add("zrandmember", -2, kR, 1, 1, 1, "6.2.0",
      "Get one or multiple random elements from a sorted set",
      "O(N) where N is the number of elements returned", CmdZrandmember)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output"})
      .Args("key/key#0 options/block?[count/integer withscores/pure-token=WITHSCORES?]");
  add("zscan", -3, kR, 1, 1, 1, "2.8.0",
      "Incrementally iterate sorted sets elements and associated scores",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
      "cursor to return back to 0. N is the number of elements inside the collection..",
      CmdZscan)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output"})
      .Args("key/key#0 cursor/integer pattern/pattern=MATCH? count/integer=COUNT?");
  add("zunion", -3, kR, 0, 0, 0, "6.2.0", "Add multiple sorted sets",
      "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
      "the number of elements in the resulting sorted set.",
      CmdZunion, ZSetOpKeys)
      .KeySpecs({KS::Index(1).Keynum(0, 1, 1).RO().Access()})
      .Args(
          "numkeys/integer key/key#0* weight/integer=WEIGHTS?* "
          "aggregate/oneof=AGGREGATE?[sum/pure-token=SUM min/pure-token=MIN max/pure-token=MAX] "
          "withscores/pure-token=WITHSCORES?");
  add("zinter", -3, kR, 0, 0, 0, "6.2.0", "Intersect multiple sorted sets",
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
      "number of input sorted sets and M being the number of elements in the resulting sorted "
      "set.",
      CmdZinter, ZSetOpKeys)
      .KeySpecs({KS::Index(1).Keynum(0, 1, 1).RO().Access()})
      .Args(
          "numkeys/integer key/key#0* weight/integer=WEIGHTS?* "
          "aggregate/oneof=AGGREGATE?[sum/pure-token=SUM min/pure-token=MIN max/pure-token=MAX] "
          "withscores/pure-token=WITHSCORES?");
  add("zdiff", -3, kR, 0, 0, 0, "6.2.0", "Subtract multiple sorted sets",
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
      "is the size of the first set, and K is the size of the result set.",
      CmdZdiff, ZSetOpKeys)
      .KeySpecs({KS::Index(1).Keynum(0, 1, 1).RO().Access()})
      .Args("numkeys/integer key/key#0* withscores/pure-token=WITHSCORES?");
  add("zunionstore", -4, kW | kOom, 1, 1, 1, "2.0.0",
      "Add multiple sorted sets and store the resulting sorted set in a new key",
      "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
      "the number of elements in the resulting sorted set.",
      CmdZunionstore, ZSetOpStoreKeys)
      .KeySpecs({KS::Index(1).OW().Update(), KS::Index(2).Keynum(0, 1, 1).RO().Access()})
      .Args(
          "destination/key#0 numkeys/integer key/key#1* weight/integer=WEIGHTS?* "
          "aggregate/oneof=AGGREGATE?[sum/pure-token=SUM min/pure-token=MIN max/pure-token=MAX]");
  add("zinterstore", -4, kW | kOom, 1, 1, 1, "2.0.0",
      "Intersect multiple sorted sets and store the resulting sorted set in a new key",
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
      "number of input sorted sets and M being the number of elements in the resulting sorted "
      "set.",
      CmdZinterstore, ZSetOpStoreKeys)
      .KeySpecs({KS::Index(1).OW().Update(), KS::Index(2).Keynum(0, 1, 1).RO().Access()})
      .Args(
          "destination/key#0 numkeys/integer key/key#1* weight/integer=WEIGHTS?* "
          "aggregate/oneof=AGGREGATE?[sum/pure-token=SUM min/pure-token=MIN max/pure-token=MAX]");
  add("zdiffstore", -4, kW | kOom, 1, 1, 1, "6.2.0",
      "Subtract multiple sorted sets and store the resulting sorted set in a new key",
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
      "is the size of the first set, and K is the size of the result set.",
      CmdZdiffstore, ZSetOpStoreKeys)
      .KeySpecs({KS::Index(1).OW().Update(), KS::Index(2).Keynum(0, 1, 1).RO().Access()})
      .Args("destination/key#0 numkeys/integer key/key#1*");
  add("zintercard", -3, kR, 0, 0, 0, "7.0.0",
      "Intersect multiple sorted sets and return the cardinality of the result",
      "O(N*K) worst case with N being the smallest input sorted set, K being the number of input "
      "sorted sets.",
      CmdZintercard, ZSetOpKeys)
      .KeySpecs({KS::Index(1).Keynum(0, 1, 1).RO().Access()})
      .Args("numkeys/integer key/key#0* limit/integer=LIMIT?");
  add("zmpop", -4, kW, 0, 0, 0, "7.0.0", "Remove and return members with scores in a sorted set",
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements "
      "in the sorted set, and M being the number of elements popped.",
      CmdZmpop, ZSetOpKeys)
      .KeySpecs({KS::Index(1).Keynum(0, 1, 1).RW().Access().Delete()})
      .Args(
          "numkeys/integer key/key#0* where/oneof[min/pure-token=MIN max/pure-token=MAX] "
          "count/integer=COUNT?");
}

}  // namespace fincache
