// Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE SINTER
// SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN.
//
// Sets are SetValue (types/set.h): "intset" or "hashtable" as in Redis 7.0. A set key is never
// empty: a command that removes the last member deletes the key. Reads look keys up with FindRead
// (keyspace hits/misses, LRU), writes with FindWrite (no stats), as Redis's lookupKeyRead /
// lookupKeyWrite; the *STORE commands read their sources with read lookups (stats), as Redis 7.0
// does.
//
// Reply order follows Redis where Redis's is deterministic: an intset iterates in ascending
// order, so SMEMBERS/SINTER/SUNION/SDIFF of integer sets come out sorted. SUNION/SDIFF (and the
// *STORE results) are built as Redis builds them, in a temporary set that starts as an intset and
// converts under the same rules, so their encodings and order match Redis's; hashtable order is
// FinCache's own. SINTER walks the smallest set (stable ordering by size, like glibc's qsort).
// RESP3: SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count reply sets; SRANDMEMBER arrays.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "commands/command_context.h"
#include "common/errors.h"
#include "common/strings.h"
#include "protocol/reply_builder.h"
#include "types/set.h"

namespace fincache {

namespace {

thread_local std::mt19937_64 tl_set_rng{std::random_device{}()};

// ============================================================================================
// Lookups
// ============================================================================================

SetValue* AsSet(Entry* e) { return e->value.As<SetValue>(); }

// lookupKeyRead + type check.
OpResult<SetValue*> FindSetRead(Db& db, std::string_view key) {
  auto res = db.FindReadOfType(key, ObjType::kSet);
  if (!res) return res.status();
  return AsSet(*res);
}

// lookupKeyWrite + type check.
OpResult<Entry*> FindSetWrite(Db& db, std::string_view key) {
  Entry* e = db.FindWrite(key);
  if (!e) return OpStatus::kKeyNotFound;
  if (e->value.type() != ObjType::kSet) return OpStatus::kWrongType;
  return e;
}

// Replaces whatever `key` holds with `set` (Redis's setKey: the TTL is cleared).
void StoreSet(Db& db, std::string_view key, std::unique_ptr<SetValue> set) {
  Entry* e = db.FindWrite(key);
  if (!e) e = db.FindOrInsert(key).first;
  e->value = Value();
  e->value.SetObject(std::move(set));
  db.SetExpire(e, 0);
}

// Replies the members of a set, in its iteration order, as a RESP3 set.
void ReplySet(CommandContext& ctx, const SetValue& s) {
  ctx.rb.StartSet(s.Size());
  s.ForEach([&](std::string_view m) { ctx.rb.SendBulk(m); });
}

// ============================================================================================
// Op* functions
// ============================================================================================

// SADD: members added.
OpResult<int64_t> OpAdd(Db& db, std::string_view key, CmdArgList members) {
  auto res = FindSetWrite(db, key);
  SetValue* set;
  if (res) {
    set = AsSet(*res);
  } else if (res.status() == OpStatus::kKeyNotFound) {
    Entry* e = db.FindOrInsert(key).first;
    auto created = SetValue::CreateFor(members[0]);
    set = created.get();
    e->value.SetObject(std::move(created));
  } else {
    return res.status();
  }
  int64_t added = 0;
  for (std::string_view m : members) added += set->Add(m) ? 1 : 0;
  return added;
}

// SREM: members removed; deletes the key once empty.
OpResult<int64_t> OpRem(Db& db, std::string_view key, CmdArgList members) {
  auto res = FindSetWrite(db, key);
  if (!res) return res.status() == OpStatus::kKeyNotFound ? OpResult<int64_t>(0) : res.status();
  SetValue* set = AsSet(*res);
  int64_t removed = 0;
  for (std::string_view m : members) {
    if (set->Remove(m)) ++removed;
    if (set->Size() == 0) {
      db.Delete(*res);
      break;
    }
  }
  return removed;
}

// SMOVE: 1 when moved (or already in src when src == dst), else 0.
OpResult<int64_t> OpMove(Db& db, std::string_view src_key, std::string_view dst_key,
                         std::string_view member) {
  Entry* src = db.FindWrite(src_key);
  Entry* dst = db.FindWrite(dst_key);
  if (!src) return 0;
  if (src->value.type() != ObjType::kSet || (dst && dst->value.type() != ObjType::kSet))
    return OpStatus::kWrongType;
  if (src == dst) return AsSet(src)->Contains(member) ? 1 : 0;
  if (!AsSet(src)->Remove(member)) return 0;
  if (AsSet(src)->Size() == 0) db.Delete(src);
  if (!dst) {
    dst = db.FindOrInsert(dst_key).first;
    dst->value.SetObject(SetValue::CreateFor(member));
  }
  AsSet(dst)->Add(member);
  return 1;
}

// Looks up the sets of an SINTER/SUNION/SDIFF family command, in key order (a missing key is a
// null set); stops at the first key of another type with kWrongType, as Redis does.
OpStatus LookupSets(Db& db, CmdArgList keys, std::vector<const SetValue*>* sets) {
  sets->reserve(keys.size());
  for (std::string_view k : keys) {
    Entry* e = db.FindRead(k);
    if (!e) {
      sets->push_back(nullptr);
      continue;
    }
    if (e->value.type() != ObjType::kSet) return OpStatus::kWrongType;
    sets->push_back(AsSet(e));
  }
  return OpStatus::kOk;
}

// The intersection, in the iteration order of the smallest set; stops at `limit` members
// (0: no limit). Every set must be non-null.
std::vector<std::string> Intersect(std::vector<const SetValue*> sets, size_t limit) {
  std::stable_sort(sets.begin(), sets.end(),
                   [](const SetValue* a, const SetValue* b) { return a->Size() < b->Size(); });
  std::vector<std::string> out;
  sets[0]->ForEach([&](std::string_view m) {
    if (limit && out.size() >= limit) return;
    for (size_t j = 1; j < sets.size(); ++j) {
      if (sets[j] == sets[0]) continue;
      if (!sets[j]->Contains(m)) return;
    }
    out.emplace_back(m);
  });
  return out;
}

enum class SetOp : uint8_t { kUnion, kDiff };

// SUNION / SDIFF into a new set built as Redis builds it (an intset first, converting under the
// usual rules), including SDIFF's choice of algorithm, which can decide the result's encoding.
[[maybe_unused]] std::unique_ptr<SetValue> UnionDiff(std::vector<const SetValue*> sets, SetOp op) {
  auto dst = SetValue::CreateIntSet();
  bool sameset = false;
  for (size_t j = 1; j < sets.size(); ++j)
    if (sets[j] && sets[j] == sets[0]) sameset = true;
  if (op == SetOp::kUnion) {
    for (const SetValue* s : sets)
      if (s) s->ForEach([&](std::string_view m) { dst->Add(m); });
    return dst;
  }
  if (!sets[0] || sameset) return dst;
  // Algorithm 1 (walk the first set, probe the others) vs 2 (add the first, remove the others).
  int64_t algo_one = 0, algo_two = 0;
  for (const SetValue* s : sets) {
    if (!s) continue;
    algo_one += static_cast<int64_t>(sets[0]->Size());
    algo_two += static_cast<int64_t>(s->Size());
  }
  algo_one /= 2;
  if (algo_one <= algo_two) {
    std::stable_sort(sets.begin() + 1, sets.end(), [](const SetValue* a, const SetValue* b) {
      return (a ? a->Size() : 0) > (b ? b->Size() : 0);
    });
    sets[0]->ForEach([&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); ++j)
        if (sets[j] && sets[j]->Contains(m)) return;
      dst->Add(m);
    });
  } else {
    sets[0]->ForEach([&](std::string_view m) { dst->Add(m); });
    for (size_t j = 1; j < sets.size() && dst->Size() > 0; ++j) {
      if (!sets[j]) continue;
      sets[j]->ForEach([&](std::string_view m) { dst->Remove(m); });
    }
  }
  return dst;
}

// ============================================================================================
// Argument parsing
// ============================================================================================

// Redis's parseScanCursorOrReply: strtoul over the whole argument (sign allowed, wraps).
bool ParseCursor(std::string_view s, uint64_t* out) {
  size_t i = 0;
  bool negative = false;
  if (s.empty()) {
    *out = 0;
    return true;
  }
  if (s[0] == '+' || s[0] == '-') negative = s[i++] == '-';
  if (i == s.size()) return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = negative ? uint64_t{0} - v : v;
  return true;
}

// getPositiveLongFromObjectOrReply: an integer >= 0; false (and the reply) otherwise.
bool ParseNonNegative(CommandContext& ctx, std::string_view arg, std::string_view err,
                      int64_t* out) {
  if (!ParseInt64(arg, out) || *out < 0) {
    ctx.SendError(err);
    return false;
  }
  return true;
}

// ============================================================================================
// Cmd* handlers
// ============================================================================================

// SADD key member [member ...] -> integer: members added
void CmdSAdd(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = OpAdd(db, args[1], args.subspan(2));
  if (!res) return ctx.SendStatus(res.status());
  if (*res) ctx.Notify(notify::kSet, "sadd", args[1]);
  ctx.rb.SendLong(*res);
}

// SREM key member [member ...] -> integer: members removed
void CmdSRem(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = OpRem(db, args[1], args.subspan(2));
  if (!res) return ctx.SendStatus(res.status());
  if (*res) {
    ctx.Notify(notify::kSet, "srem", args[1]);
    if (!db.Find(args[1])) ctx.Notify(notify::kGeneric, "del", args[1]);
  }
  ctx.rb.SendLong(*res);
}

// SCARD key -> integer: members (0 for a missing key)
void CmdSCard(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindSetRead(db, args[1]);
  if (!res && res.status() != OpStatus::kKeyNotFound) return ctx.SendStatus(res.status());
  ctx.rb.SendLong(res ? static_cast<int64_t>((*res)->Size()) : 0);
}

// SISMEMBER key member -> integer: 1 if member is in the set, else 0
void CmdSIsMember(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindSetRead(db, args[1]);
  if (!res && res.status() != OpStatus::kKeyNotFound) return ctx.SendStatus(res.status());
  ctx.rb.SendLong(res && (*res)->Contains(args[2]) ? 1 : 0);
}

// SMISMEMBER key member [member ...] -> array of integers: 1/0 per member
void CmdSMIsMember(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindSetRead(db, args[1]);
  if (!res && res.status() != OpStatus::kKeyNotFound) return ctx.SendStatus(res.status());
  ctx.rb.StartArray(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) ctx.rb.SendLong(res && (*res)->Contains(args[i]));
}

// SINTER key [key ...] / SMEMBERS key -> set: the intersection (empty if any key is missing)
void CmdSInter(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  std::vector<const SetValue*> sets;
  if (LookupSets(db, args.subspan(1), &sets) != OpStatus::kOk)
    return ctx.SendError(errors::kWrongType);
  if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) return ctx.rb.StartSet(0);
  if (sets.size() == 1) return ReplySet(ctx, *sets[0]);
  std::vector<std::string> members = Intersect(sets, 0);
  ctx.rb.StartSet(members.size());
  for (const std::string& m : members) ctx.rb.SendBulk(m);
}

// The *STORE commands' end: an empty result deletes the destination ("del" when it existed),
// otherwise it is stored ("sinterstore"/"sunionstore"/"sdiffstore").
template <typename SetPtr>
void StoreAndNotify(CommandContext& ctx, Db& db, std::string_view dst, SetPtr result,
                    std::string_view event) {
  if (result->Size() == 0) {
    if (db.Delete(dst)) ctx.Notify(notify::kGeneric, "del", dst);
    return;
  }
  StoreSet(db, dst, std::move(result));
  ctx.Notify(notify::kSet, event, dst);
}

// SINTERSTORE destination key [key ...] -> integer: size of the stored intersection (an empty
// one deletes destination)
[[maybe_unused]] void CmdSInterStore(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  std::vector<const SetValue*> sets;
  if (LookupSets(db, args.subspan(2), &sets) != OpStatus::kOk)
    return ctx.SendError(errors::kWrongType);
  auto result = SetValue::CreateIntSet();
  if (std::find(sets.begin(), sets.end(), nullptr) == sets.end()) {
    for (const std::string& m : Intersect(sets, 0)) result->Add(m);
  }
  const int64_t n = static_cast<int64_t>(result->Size());
  StoreAndNotify(ctx, db, args[1], std::move(result), "sinterstore");
  ctx.rb.SendLong(n);
}

// Key positions of SINTERCARD numkeys key [key ...] [LIMIT limit]: argv[2 .. 2+numkeys).
bool SInterCardKeys(CmdArgList args, KeyIndexes* out) {
  int64_t numkeys;
  if (args.size() < 2 || !ParseInt64(args[1], &numkeys) || numkeys < 1 ||
      numkeys > static_cast<int64_t>(args.size()) - 2)
    return false;
  for (int64_t i = 0; i < numkeys; ++i) out->push_back(static_cast<int>(2 + i));
  return true;
}

// SINTERCARD numkeys key [key ...] [LIMIT limit] -> integer: the intersection's size, counting
// stops at limit (0: no limit)
void CmdSInterCard(CmdArgList args, CommandContext& ctx) {
  int64_t numkeys;
  if (!ParseInt64(args[1], &numkeys) || numkeys < 1)
    return ctx.SendError(errors::kNumkeysNotPositive);
  if (numkeys > static_cast<int64_t>(args.size()) - 2)
    return ctx.SendError(errors::kNumkeysExceedArgs);
  int64_t limit = 0;
  for (size_t i = 2 + numkeys; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "limit") && i + 1 < args.size()) {
      if (!ParseNonNegative(ctx, args[++i], errors::kLimitNegative, &limit)) return;
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  Db db = ctx.db();
  std::vector<const SetValue*> sets;
  if (LookupSets(db, args.subspan(2, numkeys), &sets) != OpStatus::kOk)
    return ctx.SendError(errors::kWrongType);
  if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) return ctx.rb.SendLong(0);
  ctx.rb.SendLong(static_cast<int64_t>(Intersect(sets, static_cast<size_t>(limit)).size()));
}

// SUNION key [key ...] / SDIFF key [key ...] -> set
template <SetOp op>
void CmdSUnionDiff(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  std::vector<const SetValue*> sets;
  if (LookupSets(db, args.subspan(1), &sets) != OpStatus::kOk)
    return ctx.SendError(errors::kWrongType);
  ReplySet(ctx, *UnionDiff(std::move(sets), op));
}

// SUNIONSTORE / SDIFFSTORE destination key [key ...] -> integer: size of the stored result (an
// empty one deletes destination)
template <SetOp op>
void CmdSUnionDiffStore(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  std::vector<const SetValue*> sets;
  if (LookupSets(db, args.subspan(2), &sets) != OpStatus::kOk)
    return ctx.SendError(errors::kWrongType);
  auto result = UnionDiff(std::move(sets), op);
  const int64_t n = static_cast<int64_t>(result->Size());
  StoreAndNotify(ctx, db, args[1], std::move(result),
                 op == SetOp::kUnion ? "sunionstore" : "sdiffstore");
  ctx.rb.SendLong(n);
}

// SMOVE source destination member -> integer: 1 if moved, 0 if not in source
void CmdSMove(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  bool dst_had = false;
  if (Entry* d = db.Find(args[2]); d && d->value.type() == ObjType::kSet)
    dst_had = AsSet(d)->Contains(args[3]);
  auto res = OpMove(db, args[1], args[2], args[3]);
  if (!res) return ctx.SendStatus(res.status());
  if (*res && args[1] != args[2]) {
    ctx.Notify(notify::kSet, "srem", args[1]);
    if (!db.Find(args[1])) ctx.Notify(notify::kGeneric, "del", args[1]);
    if (!dst_had) ctx.Notify(notify::kSet, "sadd", args[2]);
  }
  ctx.rb.SendLong(*res);
}

// SPOP key [count] -> bulk (nil for a missing key); with count: set of up to count members
void CmdSPop(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 3) return ctx.SendError(errors::kSyntax);
  int64_t count = -1;
  if (args.size() == 3 && !ParseNonNegative(ctx, args[2], errors::kMustBePositive, &count)) return;
  Db db = ctx.db();
  auto res = FindSetWrite(db, args[1]);
  if (!res && res.status() != OpStatus::kKeyNotFound) return ctx.SendStatus(res.status());
  // Propagated as the members it removed (SREM), or DEL when it took them all: replaying the
  // random choice must not pick other members (Redis 7.0).
  ctx.PropagateNothing();
  if (count < 0) {  // the single-member form
    if (!res) return ctx.rb.SendNull();
    SetValue* set = AsSet(*res);
    std::string m = set->RandomMember(tl_set_rng());
    set->Remove(m);
    ctx.PropagateAs({"SREM", args[1], m});
    bool emptied = set->Size() == 0;
    if (emptied) db.Delete(*res);
    ctx.Notify(notify::kSet, "spop", args[1]);
    if (emptied) ctx.Notify(notify::kGeneric, "del", args[1]);
    return ctx.rb.SendBulk(m);
  }
  if (!res || count == 0) return ctx.rb.StartSet(0);
  SetValue* set = AsSet(*res);
  if (static_cast<uint64_t>(count) >= set->Size()) {
    ctx.Notify(notify::kSet, "spop", args[1]);
    ReplySet(ctx, *set);
    db.Delete(*res);
    ctx.PropagateAs({"DEL", args[1]});
    ctx.Notify(notify::kGeneric, "del", args[1]);
    return;
  }
  ctx.Notify(notify::kSet, "spop", args[1]);
  ctx.rb.StartSet(static_cast<size_t>(count));
  std::vector<std::string> srem;
  if (ctx.propagating()) srem = {"SREM", std::string(args[1])};
  for (int64_t i = 0; i < count; ++i) {
    std::string m = set->RandomMember(tl_set_rng());
    set->Remove(m);
    ctx.rb.SendBulk(m);
    if (ctx.propagating()) srem.push_back(std::move(m));
  }
  if (ctx.propagating()) ctx.PropagateAs(std::move(srem));
}

// SRANDMEMBER key [count] -> bulk (nil for a missing key); with count: array of up to count
// distinct members, or of -count members possibly repeated when count is negative
void CmdSRandMember(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 3) return ctx.SendError(errors::kSyntax);
  const bool has_count = args.size() == 3;
  int64_t count = 0;
  if (has_count) {
    if (!ParseInt64(args[2], &count)) return ctx.SendError(errors::kNotInteger);
    if (count == std::numeric_limits<int64_t>::min())
      return ctx.SendError(errors::kLongRangeExclMin);
  }
  Db db = ctx.db();
  auto res = FindSetRead(db, args[1]);
  if (!res && res.status() != OpStatus::kKeyNotFound) return ctx.SendStatus(res.status());
  if (!has_count) {
    if (!res) return ctx.rb.SendNull();
    return ctx.rb.SendBulk((*res)->RandomMember(tl_set_rng()));
  }
  if (!res || count == 0) return ctx.rb.SendEmptyArray();
  const SetValue& set = **res;
  if (count < 0) {
    ctx.rb.StartArray(static_cast<size_t>(-count));
    for (int64_t i = 0; i < -count; ++i) ctx.rb.SendBulk(set.RandomMember(tl_set_rng()));
    return;
  }
  const size_t size = set.Size();
  if (static_cast<uint64_t>(count) >= size) {
    ctx.rb.StartArray(size);
    set.ForEach([&](std::string_view m) { ctx.rb.SendBulk(m); });
    return;
  }
  const size_t n = static_cast<size_t>(count);
  std::vector<std::string> picked;
  if (n * 3 > size) {
    // Many of the members: a partial shuffle of all of them.
    picked = set.Members();
    for (size_t i = 0; i < n; ++i) {
      size_t j = i + tl_set_rng() % (size - i);
      std::swap(picked[i], picked[j]);
    }
    picked.resize(n);
  } else {
    // Few of many: draw until n distinct.
    std::unordered_set<std::string> seen;
    while (picked.size() < n) {
      std::string m = set.RandomMember(tl_set_rng());
      if (seen.insert(m).second) picked.push_back(std::move(m));
    }
  }
  ctx.rb.StartArray(n);
  for (const std::string& m : picked) ctx.rb.SendBulk(m);
}

// SSCAN key cursor [MATCH pattern] [COUNT count] -> [bulk next cursor, array of members]. An
// intset is returned whole with cursor 0, as Redis does.
void CmdSScan(CmdArgList args, CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseCursor(args[2], &cursor)) return ctx.SendError(errors::kInvalidCursor);
  Db db = ctx.db();
  auto res = FindSetRead(db, args[1]);
  if (!res && res.status() != OpStatus::kKeyNotFound) return ctx.SendStatus(res.status());
  if (!res) {
    ctx.rb.StartArray(2);
    ctx.rb.SendBulk("0");
    return ctx.rb.SendEmptyArray();
  }
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  for (size_t i = 3; i < args.size(); i += 2) {
    const bool has_value = i + 1 < args.size();
    if (EqualsIgnoreCase(args[i], "count") && has_value) {
      if (!ParseInt64(args[i + 1], &count)) return ctx.SendError(errors::kNotInteger);
      if (count < 1) return ctx.SendError(errors::kSyntax);
    } else if (EqualsIgnoreCase(args[i], "match") && has_value) {
      pattern = args[i + 1];
      use_pattern = pattern != "*";
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  const SetValue& set = **res;
  std::vector<std::string> found;
  if (set.enc() == SetValue::Encoding::kIntSet) {
    found = set.Members();
    cursor = 0;
  } else {
    // Redis's loop: buckets until count members were collected, at most count*10 buckets.
    int64_t budget = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
    do {
      cursor = set.ScanTable(cursor, [&](std::string_view m) { found.emplace_back(m); });
    } while (cursor && budget-- && static_cast<int64_t>(found.size()) < count);
  }
  if (use_pattern) {
    std::erase_if(found, [&](const std::string& m) { return !GlobMatch(pattern, m); });
  }
  ctx.rb.StartArray(2);
  ctx.rb.SendBulk(std::to_string(cursor));
  ctx.rb.StartArray(found.size());
  for (const std::string& m : found) ctx.rb.SendBulk(m);
}

}  // namespace

// ============================================================================================
// Registration
// ============================================================================================

void RegisterSetFamily(CommandRegistry& r) {
  auto add = [&r](std::string_view name, int arity, uint32_t flags, int first, int last,
                  std::string_view since, std::string_view summary, std::string_view complexity,
                  CommandHandler handler) -> CommandSpec& {
    CommandSpec spec;
    spec.name = std::string(name);
    spec.arity = arity;
    spec.flags = flags;
    spec.first_key = first;
    spec.last_key = last;
    spec.key_step = first > 0 ? 1 : 0;
    spec.acl = ACL::kSet;
    spec.group = "set";
    spec.since = since;
    spec.summary = summary;
    spec.complexity = complexity;
    spec.handler = handler;
    return r.Add(std::move(spec));
  };
  constexpr uint32_t kW = CO::kWrite;
  constexpr uint32_t kR = CO::kReadOnly;
  constexpr uint32_t kOom = CO::kDenyOom;
  constexpr uint32_t kF = CO::kFast;
  constexpr std::string_view kInterComplexity =
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.";
  constexpr std::string_view kUnionComplexity =
      "O(N) where N is the total number of elements in all given sets.";

  add("sadd", -3, kW | kOom | kF | CO::kNoopOnZero, 1, 1, "1.0.0",
      "Add one or more members to a set",
      "O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.",
      CmdSAdd)
      .KeySpecs({KS::Index(1).RW().Insert()})
      .History({{"2.4.0", "Accepts multiple `member` arguments."}})
      .Args("key/key#0 member/string*");
  add("srem", -3, kW | kF | CO::kNoopOnZero, 1, 1, "1.0.0", "Remove one or more members from a set",
      "O(N) where N is the number of members to be removed.", CmdSRem)
      .KeySpecs({KS::Index(1).RW().Delete()})
      .History({{"2.4.0", "Accepts multiple `member` arguments."}})
      .Args("key/key#0 member/string*");
  add("smembers", 2, kR, 1, 1, "1.0.0", "Get all the members in a set",
      "O(N) where N is the set cardinality.", CmdSInter)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output_order"})
      .Args("key/key#0");
  add("sismember", 3, kR | kF, 1, 1, "1.0.0", "Determine if a given value is a member of a set",
      "O(1)", CmdSIsMember)
      .KeySpecs({KS::Index(1).RO()})
      .Args("key/key#0 member/string");
  add("smismember", -3, kR | kF, 1, 1, "6.2.0",
      "Returns the membership associated with the given elements for a set",
      "O(N) where N is the number of elements being checked for membership", CmdSMIsMember)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 member/string*");
  add("scard", 2, kR | kF, 1, 1, "1.0.0", "Get the number of members in a set", "O(1)", CmdSCard)
      .KeySpecs({KS::Index(1).RO()})
      .Args("key/key#0");
  add("spop", -2, kW | kF, 1, 1, "1.0.0",
      "Remove and return one or multiple random members from a set",
      "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
      CmdSPop)
      .KeySpecs({KS::Index(1).RW().Access().Delete()})
      .Tips({"nondeterministic_output"})
      .History({{"3.2.0", "Added the `count` argument."}})
      .Args("key/key#0 count/integer^3.2.0?");
  add("srandmember", -2, kR, 1, 1, "1.0.0", "Get one or multiple random members from a set",
      "Without the count argument O(1), otherwise O(N) where N is the absolute value of the "
      "passed count.",
      CmdSRandMember)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output"})
      .History({{"2.6.0", "Added the optional `count` argument."}})
      .Args("key/key#0 count/integer^2.6.0?");
  add("smove", 4, kW | kF | CO::kNoopOnZero, 1, 2, "1.0.0", "Move a member from one set to another",
      "O(1)", CmdSMove)
      .KeySpecs({KS::Index(1).RW().Access().Delete(), KS::Index(2).RW().Insert()})
      .Args("source/key#0 destination/key#1 member/string");
  add("sintercard", -3, kR, 0, 0, "7.0.0",
      "Intersect multiple sets and return the cardinality of the result", kInterComplexity,
      CmdSInterCard)
      .KeySpecs({KS::Index(1).Keynum(0, 1, 1).RO().Access()})
      .Args("numkeys/integer key/key#0* limit/integer=LIMIT?")
      .keys_fn = SInterCardKeys;
  add("sscan", -3, kR, 1, 1, "2.8.0", "Incrementally iterate Set elements",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection..",
      CmdSScan)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output"})
      .Args("key/key#0 cursor/integer pattern/pattern=MATCH? count/integer=COUNT?");
  add("sinter", -2, kR, 1, -1, "1.0.0", "Intersect multiple sets", kInterComplexity, CmdSInter)
      .KeySpecs({KS::Index(1).Range(-1).RO().Access()})
      .Tips({"nondeterministic_output_order"})
      .Args("key/key#0*");
  add("sinterstore", -3, kW | kOom, 1, -1, "1.0.0",
      "Intersect multiple sets and store the resulting set in a key", kInterComplexity,
      CmdSInterStore)
      .KeySpecs({KS::Index(1).RW().Update(), KS::Index(2).Range(-1).RO().Access()})
      .Args("destination/key#0 key/key#1*");
  add("sunion", -2, kR, 1, -1, "1.0.0", "Add multiple sets", kUnionComplexity,
      CmdSUnionDiff<SetOp::kUnion>)
      .KeySpecs({KS::Index(1).Range(-1).RO().Access()})
      .Tips({"nondeterministic_output_order"})
      .Args("key/key#0*");
  add("sunionstore", -3, kW | kOom, 1, -1, "1.0.0",
      "Add multiple sets and store the resulting set in a key", kUnionComplexity,
      CmdSUnionDiffStore<SetOp::kUnion>)
      .KeySpecs({KS::Index(1).OW().Update(), KS::Index(2).Range(-1).RO().Access()})
      .Args("destination/key#0 key/key#1*");
  add("sdiff", -2, kR, 1, -1, "1.0.0", "Subtract multiple sets", kUnionComplexity,
      CmdSUnionDiff<SetOp::kDiff>)
      .KeySpecs({KS::Index(1).Range(-1).RO().Access()})
      .Tips({"nondeterministic_output_order"})
      .Args("key/key#0*");
  add("sdiffstore", -3, kW | kOom, 1, -1, "1.0.0",
      "Subtract multiple sets and store the resulting set in a key", kUnionComplexity,
      CmdSUnionDiffStore<SetOp::kDiff>)
      .KeySpecs({KS::Index(1).OW().Update(), KS::Index(2).Range(-1).RO().Access()})
      .Args("destination/key#0 key/key#1*");
}

}  // namespace fincache
