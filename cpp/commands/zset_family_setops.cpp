// Sorted set algebra and multi-key pops (Redis 7.0.15): ZUNION ZINTER ZDIFF, their *STORE forms,
// ZINTERCARD and ZMPOP. Registered by RegisterZsetFamily (zset_family.cpp).
//
// Inputs of the set operations may be sorted sets or plain sets (a set member scores 1); a missing
// key is an empty input. The flow follows Redis's zunionInterDiffGenericCommand, whose order of
// checks decides which error a bad command gets: numkeys, then every input key's type
// (WRONGTYPE wins over later syntax errors), then the options.
//
// Scores: each input score is multiplied by its WEIGHT (a NaN product, e.g. 0 * inf, counts as
// 0); AGGREGATE SUM turns inf + -inf into 0. Union and intersection visit the inputs from the
// smallest to the largest (a stable sort, like glibc's qsort), which is also the order in which
// SUM adds, so results with infinities match Redis's. The result is ordered by (score, member)
// and a stored result picks its encoding from its final size (StoreZPairs).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/command_context.h"
#include "commands/zset_family.h"
#include "common/errors.h"
#include "common/strings.h"
#include "protocol/reply_builder.h"
#include "types/set.h"

namespace fincache {

namespace {

// ============================================================================================
// Inputs
// ============================================================================================

// One input of a set operation: a sorted set, a plain set, or nothing (missing key).
struct ZSource {
  const ZSet* zset = nullptr;
  const SetValue* set = nullptr;
  double weight = 1.0;

  size_t size() const { return zset ? zset->size() : set ? set->Size() : 0; }
  bool Same(const ZSource& o) const { return (zset && zset == o.zset) || (set && set == o.set); }
  // The member's score (1 for a plain set member); false when absent.
  bool Find(std::string_view member, double* score) const {
    if (zset) {
      std::optional<double> s = zset->Score(member);
      if (!s) return false;
      *score = *s;
      return true;
    }
    if (set && set->Contains(member)) {
      *score = 1.0;
      return true;
    }
    return false;
  }
  // fn(member, score) for every element.
  template <typename F>
  void ForEach(F&& fn) const {
    if (zset) {
      zset->Visit(0, zset->size(), false, fn);
    } else if (set) {
      set->ForEach([&](std::string_view m) { fn(m, 1.0); });
    }
  }
};

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// Redis's zunionInterAggregate.
void AggregateInto(double* target, double val, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
      *target += val;
      if (std::isnan(*target)) *target = 0.0;  // inf + -inf
      break;
    case Aggregate::kMin:
      *target = val < *target ? val : *target;
      break;
    case Aggregate::kMax:
      *target = val > *target ? val : *target;
      break;
  }
}

// Looks up the inputs in order; the first key of another type stops with kWrongType. Read
// lookups (keyspace hits/misses) also for the *STORE forms, as Redis 7.0.
OpStatus LookupSources(Db& db, CmdArgList keys, std::vector<ZSource>* out) {
  out->reserve(keys.size());
  for (std::string_view k : keys) {
    Entry* e = db.FindRead(k);
    ZSource src;
    if (e) {
      ObjType t = e->value.type();
      if (t == ObjType::kZSet)
        src.zset = e->value.As<ZSet>();
      else if (t == ObjType::kSet)
        src.set = e->value.As<SetValue>();
      else
        return OpStatus::kWrongType;
    }
    out->push_back(src);
  }
  return OpStatus::kOk;
}

// ============================================================================================
// The operations
// ============================================================================================

void SortBySize(std::vector<ZSource>* srcs) {
  std::stable_sort(srcs->begin(), srcs->end(),
                   [](const ZSource& a, const ZSource& b) { return a.size() < b.size(); });
}

void SortResult(std::vector<ZPair>* items) {
  std::sort(items->begin(), items->end(), [](const ZPair& a, const ZPair& b) {
    if (a.second != b.second) return a.second < b.second;
    return a.first < b.first;  // char_traits<char>: bytewise, like memcmp
  });
}

// Intersection; with limit > 0 stops after `limit` members (ZINTERCARD). Unsorted result.
std::vector<ZPair> Inter(std::vector<ZSource> srcs, Aggregate agg, size_t limit) {
  SortBySize(&srcs);
  std::vector<ZPair> out;
  if (srcs[0].size() == 0) return out;
  srcs[0].ForEach([&](std::string_view member, double s) {
    if (limit && out.size() >= limit) return;
    double score = srcs[0].weight * s;
    if (std::isnan(score)) score = 0;
    for (size_t j = 1; j < srcs.size(); ++j) {
      double value;
      if (srcs[j].Same(srcs[0])) {
        value = s;
      } else if (!srcs[j].Find(member, &value)) {
        return;
      }
      AggregateInto(&score, value * srcs[j].weight, agg);
    }
    out.emplace_back(std::string(member), score);
  });
  return out;
}

std::vector<ZPair> Union(std::vector<ZSource> srcs, Aggregate agg) {
  SortBySize(&srcs);
  std::unordered_map<std::string, double> acc;
  acc.reserve(srcs.back().size());
  for (const ZSource& src : srcs) {
    src.ForEach([&](std::string_view member, double s) {
      double score = src.weight * s;
      if (std::isnan(score)) score = 0;
      auto [it, inserted] = acc.try_emplace(std::string(member), score);
      if (!inserted) AggregateInto(&it->second, score, agg);
    });
  }
  std::vector<ZPair> out;
  out.reserve(acc.size());
  for (auto& [m, s] : acc) out.emplace_back(m, s);
  return out;
}

// Members of the first input found in none of the others, with their first-input scores.
std::vector<ZPair> Diff(const std::vector<ZSource>& srcs) {
  std::vector<ZPair> out;
  srcs[0].ForEach([&](std::string_view member, double s) {
    double unused;
    for (size_t j = 1; j < srcs.size(); ++j) {
      if (srcs[j].Same(srcs[0]) || srcs[j].Find(member, &unused)) return;
    }
    out.emplace_back(std::string(member), s);
  });
  return out;
}

// ============================================================================================
// Argument parsing and the shared command flow
// ============================================================================================

// Keys of ZUNION/ZINTER/ZDIFF/ZINTERCARD/ZMPOP numkeys key... (Redis's genericGetKeys: numkeys
// in [1, argc-2], else no keys and the handler reports the error).
bool NumkeysAt1Keys(CmdArgList args, KeyIndexes* out) {
  int64_t numkeys;
  if (args.size() < 2 || !ParseInt64(args[1], &numkeys)) return false;
  if (numkeys < 1 || numkeys > static_cast<int64_t>(args.size()) - 2) return false;
  for (int64_t i = 0; i < numkeys; ++i) out->push_back(static_cast<int>(2 + i));
  return true;
}

// Keys of Z*STORE destination numkeys key...: destination, then the inputs.
bool StoreKeys(CmdArgList args, KeyIndexes* out) {
  int64_t numkeys;
  if (args.size() < 3 || !ParseInt64(args[2], &numkeys)) return false;
  if (numkeys < 1 || numkeys > static_cast<int64_t>(args.size()) - 3) return false;
  out->push_back(1);
  for (int64_t i = 0; i < numkeys; ++i) out->push_back(static_cast<int>(3 + i));
  return true;
}

// ZUNION/ZINTER/ZDIFF (store: the *STORE forms, numkeys at argv[2]; card: ZINTERCARD).
void SetOpGeneric(CmdArgList args, CommandContext& ctx, SetOp op, bool store, bool card) {
  const size_t numkeys_idx = store ? 2 : 1;
  int64_t numkeys;
  if (!ParseInt64(args[numkeys_idx], &numkeys)) return ctx.SendError(errors::kNotInteger);
  if (numkeys < 1) return ctx.SendError(errors::AtLeastOneInputKey(ctx.spec.full_name));
  if (numkeys > static_cast<int64_t>(args.size() - (numkeys_idx + 1)))
    return ctx.SendError(errors::kSyntax);

  Db db = ctx.db();
  std::vector<ZSource> srcs;
  if (LookupSources(db, args.subspan(numkeys_idx + 1, numkeys), &srcs) != OpStatus::kOk)
    return ctx.SendError(errors::kWrongType);

  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;
  for (size_t j = numkeys_idx + 1 + numkeys; j < args.size();) {
    const size_t remaining = args.size() - j;
    std::string_view opt = args[j];
    if (op != SetOp::kDiff && !card && remaining >= srcs.size() + 1 &&
        EqualsIgnoreCase(opt, "weights")) {
      ++j;
      for (ZSource& src : srcs) {
        if (!ParseDouble(args[j++], &src.weight)) return ctx.SendError(errors::kZsetWeightNotFloat);
      }
    } else if (op != SetOp::kDiff && !card && remaining >= 2 &&
               EqualsIgnoreCase(opt, "aggregate")) {
      std::string_view a = args[j + 1];
      if (EqualsIgnoreCase(a, "sum"))
        agg = Aggregate::kSum;
      else if (EqualsIgnoreCase(a, "min"))
        agg = Aggregate::kMin;
      else if (EqualsIgnoreCase(a, "max"))
        agg = Aggregate::kMax;
      else
        return ctx.SendError(errors::kSyntax);
      j += 2;
    } else if (!store && !card && EqualsIgnoreCase(opt, "withscores")) {
      withscores = true;
      ++j;
    } else if (card && remaining >= 2 && EqualsIgnoreCase(opt, "limit")) {
      if (!ParseInt64(args[j + 1], &limit) || limit < 0)
        return ctx.SendError(errors::kLimitNegative);
      j += 2;
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }

  if (card) {
    return ctx.rb.SendLong(
        static_cast<int64_t>(Inter(std::move(srcs), agg, static_cast<size_t>(limit)).size()));
  }
  std::vector<ZPair> items;
  switch (op) {
    case SetOp::kUnion:
      items = Union(std::move(srcs), agg);
      break;
    case SetOp::kInter:
      items = Inter(std::move(srcs), agg, 0);
      break;
    case SetOp::kDiff:
      items = Diff(srcs);
      break;
  }
  SortResult(&items);
  if (store) {
    StoreZPairsAndNotify(ctx, db, args[1], items,
                         op == SetOp::kUnion   ? "zunionstore"
                         : op == SetOp::kInter ? "zinterstore"
                                               : "zdiffstore");
    return ctx.rb.SendLong(static_cast<int64_t>(items.size()));
  }
  ReplyZPairs(ctx, items, withscores);
}

}  // namespace

// ============================================================================================
// ZMPOP
// ============================================================================================

std::vector<ZPair> ZPopN(Db& db, std::string_view key, ZSet* z, bool max, size_t count) {
  const size_t size = z->size();
  const size_t n = std::min(count, size);
  std::vector<ZPair> items;
  items.reserve(n);
  z->Visit(max ? size - 1 : 0, n, max,
           [&](std::string_view m, double s) { items.emplace_back(std::string(m), s); });
  if (max)
    z->RemoveRanks(size - n, size);
  else
    z->RemoveRanks(0, n);
  if (z->size() == 0) db.Delete(key);
  return items;
}

bool ZMPopFromKey(CommandContext& ctx, Db& db, std::string_view key, bool max, int64_t count) {
  OpResult<Entry*> e = db.FindOfType(key, ObjType::kZSet);
  if (e.status() == OpStatus::kKeyNotFound) return false;
  if (!e) {
    ctx.SendStatus(e.status());
    return true;
  }
  std::vector<ZPair> items =
      ZPopN(db, key, (*e)->value.As<ZSet>(), max, static_cast<size_t>(count));
  ctx.Notify(notify::kZset, max ? "zpopmax" : "zpopmin", key);
  if (!db.Find(key)) ctx.Notify(notify::kGeneric, "del", key);
  auto& rb = ctx.rb;
  rb.StartArray(2);
  rb.SendBulk(key);
  rb.StartArray(items.size());
  for (auto& [m, s] : items) {
    rb.StartArray(2);
    rb.SendBulk(m);
    rb.SendDouble(s);
  }
  return true;
}

// ============================================================================================
// Handlers
// ============================================================================================

// ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
//   -> array of members (WITHSCORES: RESP2 member, score...; RESP3 [member, score] pairs)
void CmdZunion(CmdArgList args, CommandContext& ctx) {
  SetOpGeneric(args, ctx, SetOp::kUnion, false, false);
}

// ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES] -> array
void CmdZinter(CmdArgList args, CommandContext& ctx) {
  SetOpGeneric(args, ctx, SetOp::kInter, false, false);
}

// ZDIFF numkeys key [key ...] [WITHSCORES] -> array
void CmdZdiff(CmdArgList args, CommandContext& ctx) {
  SetOpGeneric(args, ctx, SetOp::kDiff, false, false);
}

// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]
//   -> integer: size of the stored result (0 deletes destination)
void CmdZunionstore(CmdArgList args, CommandContext& ctx) {
  SetOpGeneric(args, ctx, SetOp::kUnion, true, false);
}

// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]
//   -> integer: size of the stored result (0 deletes destination)
void CmdZinterstore(CmdArgList args, CommandContext& ctx) {
  SetOpGeneric(args, ctx, SetOp::kInter, true, false);
}

// ZDIFFSTORE destination numkeys key [key ...] -> integer: size of the stored result
void CmdZdiffstore(CmdArgList args, CommandContext& ctx) {
  SetOpGeneric(args, ctx, SetOp::kDiff, true, false);
}

// ZINTERCARD numkeys key [key ...] [LIMIT limit] -> integer: the intersection's size, counting
// stops at limit (0: no limit)
void CmdZintercard(CmdArgList args, CommandContext& ctx) {
  SetOpGeneric(args, ctx, SetOp::kInter, false, true);
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
//   -> array [key, [[member, score], ...]] from the first non-empty sorted set, or a null array
void CmdZmpop(CmdArgList args, CommandContext& ctx) {
  int64_t numkeys;
  if (!ParseInt64(args[1], &numkeys) || numkeys < 1)
    return ctx.SendError(errors::kNumkeysNotPositive);
  if (numkeys >= static_cast<int64_t>(args.size()) - 2) return ctx.SendError(errors::kSyntax);
  const size_t where_idx = 2 + static_cast<size_t>(numkeys);
  bool max;
  if (EqualsIgnoreCase(args[where_idx], "min"))
    max = false;
  else if (EqualsIgnoreCase(args[where_idx], "max"))
    max = true;
  else
    return ctx.SendError(errors::kSyntax);
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < args.size(); ++j) {
    if (count == -1 && EqualsIgnoreCase(args[j], "count") && j + 1 < args.size()) {
      if (!ParseInt64(args[++j], &count) || count < 1)
        return ctx.SendError(errors::kCountNotPositive);
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  if (count == -1) count = 1;
  Db db = ctx.db();
  for (size_t k = 2; k < where_idx; ++k) {
    if (ZMPopFromKey(ctx, db, args[k], max, count)) return;
  }
  ctx.rb.SendNullArray();
}

bool ZSetOpKeys(CmdArgList args, KeyIndexes* out) { return NumkeysAt1Keys(args, out); }
bool ZSetOpStoreKeys(CmdArgList args, KeyIndexes* out) { return StoreKeys(args, out); }

}  // namespace fincache
