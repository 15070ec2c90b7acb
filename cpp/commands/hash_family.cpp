// Hash commands: HSET HSETNX HMSET HGET HMGET HGETALL HKEYS HVALS HLEN HEXISTS HDEL HINCRBY
// HINCRBYFLOAT HSTRLEN HRANDFIELD HSCAN.
//
// Values are HashValue (types/hash.h): "listpack" while small, "hashtable" once a write breaks
// hash-max-listpack-entries / hash-max-listpack-value (never back). Write commands look the key
// up with FindWrite (lookupKeyWrite: no keyspace stats), reads with FindRead (hits/misses). A
// command that removes the last field deletes the key: empty hashes never exist.
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "commands/command_context.h"
#include "common/errors.h"
#include "common/strings.h"
#include "protocol/reply_builder.h"
#include "types/hash.h"

namespace fincache {

namespace {

// ============================================================================================
// Lookups and Op* functions
// ============================================================================================

// Read lookup (stats + LRU): the hash, nullptr when missing, or kWrongType.
OpResult<HashValue*> FindHashRead(Db& db, std::string_view key) {
  Entry* e = db.FindRead(key);
  if (!e) return static_cast<HashValue*>(nullptr);
  if (e->value.type() != ObjType::kHash) return OpStatus::kWrongType;
  return e->value.As<HashValue>();
}

// Write lookup (lookupKeyWrite): the hash, nullptr when missing, or kWrongType.
OpResult<HashValue*> FindHashWrite(Db& db, std::string_view key) {
  Entry* e = db.FindWrite(key);
  if (!e) return static_cast<HashValue*>(nullptr);
  if (e->value.type() != ObjType::kHash) return OpStatus::kWrongType;
  return e->value.As<HashValue>();
}

// Redis's hashTypeLookupWriteOrCreate: the existing hash or a new empty one (the caller adds a
// field before the command ends).
OpResult<HashValue*> FindOrCreateHash(Db& db, std::string_view key) {
  auto res = FindHashWrite(db, key);
  if (!res || *res) return res;
  Entry* e = db.FindOrInsert(key).first;
  e->value.SetObject(std::make_unique<HashValue>());
  return e->value.As<HashValue>();
}

// HSET/HMSET over the (field, value) pairs args[2..]: the number of new fields.
OpResult<int64_t> OpSet(Db& db, CmdArgList args) {
  auto res = FindOrCreateHash(db, args[1]);
  if (!res) return res.status();
  const HashLimits limits = HashLimits::Current();
  int64_t added = 0;
  for (size_t i = 2; i + 1 < args.size(); i += 2)
    added += (*res)->Set(args[i], args[i + 1], limits);
  return added;
}

// HINCRBY: the new value.
OpResult<int64_t> OpIncrBy(Db& db, std::string_view key, std::string_view field, int64_t incr) {
  auto res = FindOrCreateHash(db, key);
  if (!res) return res.status();
  HashValue* h = *res;
  int64_t cur = 0;
  if (auto v = h->Get(field)) {
    if (!ParseInt64(*v, &cur)) return OpStatus::kNotInteger;
  }
  if ((incr < 0 && cur < 0 && incr < std::numeric_limits<int64_t>::min() - cur) ||
      (incr > 0 && cur > 0 && incr > std::numeric_limits<int64_t>::max() - cur))
    return OpStatus::kOverflow;
  cur += incr;
  h->Set(field, Int64ToString(cur), HashLimits::Current());
  return cur;
}

// HINCRBYFLOAT: the new value's text.
OpResult<std::string> OpIncrByFloat(Db& db, std::string_view key, std::string_view field,
                                    long double incr) {
  auto res = FindOrCreateHash(db, key);
  if (!res) return res.status();
  HashValue* h = *res;
  long double cur = 0;
  if (auto v = h->Get(field)) {
    if (!ParseLongDouble(*v, &cur)) return OpStatus::kNotFloat;
  }
  cur += incr;
  if (std::isnan(cur) || std::isinf(cur)) return OpStatus::kNanOrInf;
  std::string text = protocol::FormatLongDouble(cur);
  h->Set(field, text, HashLimits::Current());
  return text;
}

uint64_t RandomBits() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen();
}

// Replies for a missing or empty key, and deletes an emptied one.
void DeleteIfEmpty(Db& db, std::string_view key, HashValue* h) {
  if (h && h->empty()) db.Delete(key);
}

// ============================================================================================
// Cmd* handlers
// ============================================================================================

// HSET key field value [field value ...] -> integer: fields added
// HMSET key field value [field value ...] -> OK
template <bool kHmset>
void CmdHSet(CmdArgList args, CommandContext& ctx) {
  if (args.size() % 2 == 1) return ctx.SendError(errors::WrongArgs(ctx.spec.full_name));
  Db db = ctx.db();
  auto res = OpSet(db, args);
  if (!res) return ctx.SendStatus(res.status());
  ctx.Notify(notify::kHash, "hset", args[1]);
  if (kHmset) return ctx.rb.SendOk();
  ctx.rb.SendLong(*res);
}

// HSETNX key field value -> integer: 1 if set, 0 if the field existed
void CmdHSetNx(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindOrCreateHash(db, args[1]);
  if (!res) return ctx.SendStatus(res.status());
  if ((*res)->Contains(args[2])) return ctx.rb.SendLong(0);
  (*res)->Set(args[2], args[3], HashLimits::Current());
  ctx.Notify(notify::kHash, "hset", args[1]);
  ctx.rb.SendLong(1);
}

// HGET key field -> bulk string, or null
void CmdHGet(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindHashRead(db, args[1]);
  if (!res) return ctx.SendStatus(res.status());
  std::optional<std::string_view> v;
  if (*res) v = (*res)->Get(args[2]);
  if (v) return ctx.rb.SendBulk(*v);
  ctx.rb.SendNull();
}

// HMGET key field [field ...] -> array: each value or null
void CmdHMGet(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindHashRead(db, args[1]);
  if (!res) return ctx.SendStatus(res.status());
  ctx.rb.StartArray(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    std::optional<std::string_view> v;
    if (*res) v = (*res)->Get(args[i]);
    if (v)
      ctx.rb.SendBulk(*v);
    else
      ctx.rb.SendNull();
  }
}

enum class GetAllWhat : uint8_t { kKeys, kVals, kBoth };

// HGETALL key -> map (RESP2: flat array) of field, value
// HKEYS key -> array of fields
// HVALS key -> array of values
template <GetAllWhat kWhat>
void CmdHGetAll(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindHashRead(db, args[1]);
  if (!res) return ctx.SendStatus(res.status());
  HashValue* h = *res;
  size_t n = h ? h->size() : 0;
  if (kWhat == GetAllWhat::kBoth)
    ctx.rb.StartMap(n);
  else
    ctx.rb.StartArray(n);
  if (!h) return;
  h->ForEach([&](std::string_view f, std::string_view v) {
    if (kWhat != GetAllWhat::kVals) ctx.rb.SendBulk(f);
    if (kWhat != GetAllWhat::kKeys) ctx.rb.SendBulk(v);
  });
}

// HLEN key -> integer: number of fields
void CmdHLen(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindHashRead(db, args[1]);
  if (!res) return ctx.SendStatus(res.status());
  ctx.rb.SendLong(*res ? static_cast<int64_t>((*res)->size()) : 0);
}

// HEXISTS key field -> integer: 1 if the field exists, else 0
void CmdHExists(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindHashRead(db, args[1]);
  if (!res) return ctx.SendStatus(res.status());
  ctx.rb.SendLong(*res && (*res)->Contains(args[2]) ? 1 : 0);
}

// HSTRLEN key field -> integer: the value's length, 0 when missing
void CmdHStrLen(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindHashRead(db, args[1]);
  if (!res) return ctx.SendStatus(res.status());
  std::optional<std::string_view> v;
  if (*res) v = (*res)->Get(args[2]);
  ctx.rb.SendLong(v ? static_cast<int64_t>(v->size()) : 0);
}

// HDEL key field [field ...] -> integer: fields removed
void CmdHDel(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindHashWrite(db, args[1]);
  if (!res) return ctx.SendStatus(res.status());
  HashValue* h = *res;
  int64_t removed = 0;
  if (h) {
    for (size_t i = 2; i < args.size() && !h->empty(); ++i) removed += h->Delete(args[i]);
    bool emptied = h->empty();
    DeleteIfEmpty(db, args[1], h);
    if (removed) {
      ctx.Notify(notify::kHash, "hdel", args[1]);
      if (emptied) ctx.Notify(notify::kGeneric, "del", args[1]);
    }
  }
  ctx.rb.SendLong(removed);
}

// HINCRBY key field increment -> integer: the new value
void CmdHIncrBy(CmdArgList args, CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64(args[3], &incr)) return ctx.SendError(errors::kNotInteger);
  Db db = ctx.db();
  auto res = OpIncrBy(db, args[1], args[2], incr);
  if (res) {
    ctx.Notify(notify::kHash, "hincrby", args[1]);
    return ctx.rb.SendLong(*res);
  }
  if (res.status() == OpStatus::kNotInteger) return ctx.SendError(errors::kHashNotInteger);
  ctx.SendStatus(res.status());
}

// HINCRBYFLOAT key field increment -> bulk string: the new value (bulk in RESP3 too)
void CmdHIncrByFloat(CmdArgList args, CommandContext& ctx) {
  long double incr;
  if (!ParseLongDouble(args[3], &incr)) return ctx.SendError(errors::kNotFloat);
  if (std::isnan(incr) || std::isinf(incr)) return ctx.SendError(errors::kValueNanOrInf);
  Db db = ctx.db();
  auto res = OpIncrByFloat(db, args[1], args[2], incr);
  if (res) {
    ctx.Notify(notify::kHash, "hincrbyfloat", args[1]);
    ctx.PropagateAs({"HSET", args[1], args[2], *res});  // the result, as Redis 7.0
    return ctx.rb.SendBulk(*res);
  }
  if (res.status() == OpStatus::kNotFloat) return ctx.SendError(errors::kHashNotFloat);
  ctx.SendStatus(res.status());
}

// One HRANDFIELD pair: RESP3 nests [field, value]; RESP2 is flat.
void SendRandPair(CommandContext& ctx, const HashValue::Pair& p, bool withvalues) {
  if (!withvalues) return ctx.rb.SendBulk(p.first);
  if (ctx.rb.resp_version() >= 3) ctx.rb.StartArray(2);
  ctx.rb.SendBulk(p.first);
  ctx.rb.SendBulk(p.second);
}

// HRANDFIELD with a count (Redis's hrandfieldWithCountCommand).
void HRandFieldWithCount(CommandContext& ctx, std::string_view key, int64_t l, bool withvalues) {
  Db db = ctx.db();
  auto res = FindHashRead(db, key);
  if (!res) return ctx.SendStatus(res.status());
  HashValue* h = *res;
  if (!h || l == 0) return ctx.rb.SendEmptyArray();
  const size_t size = h->size();
  const bool resp3_pairs = withvalues && ctx.rb.resp_version() >= 3;
  auto start = [&](uint64_t n) { ctx.rb.StartArray(resp3_pairs || !withvalues ? n : n * 2); };

  if (l < 0) {  // repetitions allowed
    const uint64_t count = static_cast<uint64_t>(-l);
    start(count);
    if (h->is_listpack()) {
      std::vector<HashValue::Pair> pairs = h->Pairs();
      for (uint64_t i = 0; i < count; ++i)
        SendRandPair(ctx, pairs[RandomBits() % pairs.size()], withvalues);
    } else {
      for (uint64_t i = 0; i < count; ++i)
        SendRandPair(ctx, h->RandomTablePair(RandomBits()), withvalues);
    }
    return;
  }
  const uint64_t count = static_cast<uint64_t>(l);
  if (count >= size) {  // the whole hash, in its order
    start(size);
    h->ForEach([&](std::string_view f, std::string_view v) {
      SendRandPair(ctx, {f, v}, withvalues);
    });
    return;
  }
  start(count);
  if (!h->is_listpack() && count * 3 <= size) {
    // Few picks from a big table: random picks until count distinct fields.
    std::unordered_set<std::string_view> seen;
    while (seen.size() < count) {
      HashValue::Pair p = h->RandomTablePair(RandomBits());
      if (seen.insert(p.first).second) SendRandPair(ctx, p, withvalues);
    }
    return;
  }
  // Selection sampling: count distinct pairs, in the hash's order.
  std::vector<HashValue::Pair> pairs = h->Pairs();
  uint64_t needed = count;
  for (size_t i = 0; i < pairs.size() && needed > 0; ++i) {
    if (RandomBits() % (pairs.size() - i) < needed) {
      SendRandPair(ctx, pairs[i], withvalues);
      --needed;
    }
  }
}

// HRANDFIELD key [count [WITHVALUES]]
//   -> without count: bulk string or null; with count: array of fields (WITHVALUES: field,
//      value flat in RESP2, [field, value] pairs in RESP3). Negative count allows repeats.
void CmdHRandField(CmdArgList args, CommandContext& ctx) {
  if (args.size() >= 3) {
    int64_t l;
    if (!ParseInt64(args[2], &l)) return ctx.SendError(errors::kNotInteger);
    if (l == std::numeric_limits<int64_t>::min()) return ctx.SendError(errors::kLongRangeExclMin);
    bool withvalues = false;
    if (args.size() > 4 || (args.size() == 4 && !EqualsIgnoreCase(args[3], "withvalues")))
      return ctx.SendError(errors::kSyntax);
    if (args.size() == 4) {
      withvalues = true;
      constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
      if (l < -kHalf || l > kHalf) return ctx.SendError(errors::kValueOutOfRange);
    }
    return HRandFieldWithCount(ctx, args[1], l, withvalues);
  }
  Db db = ctx.db();
  auto res = FindHashRead(db, args[1]);
  if (!res) return ctx.SendStatus(res.status());
  HashValue* h = *res;
  if (!h) return ctx.rb.SendNull();
  if (h->is_listpack()) {
    std::vector<HashValue::Pair> pairs = h->Pairs();
    return ctx.rb.SendBulk(pairs[RandomBits() % pairs.size()].first);
  }
  ctx.rb.SendBulk(h->RandomTablePair(RandomBits()).first);
}

// Redis's parseScanCursorOrReply: strtoul over the whole argument (optional sign, "-1" wraps;
// empty is 0); a leading space, other characters or overflow make it invalid.
bool ParseScanCursor(std::string_view s, uint64_t* out) {
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

// HSCAN key cursor [MATCH pattern] [COUNT count] -> array: [next cursor (bulk), [field, value,
//   ...]]. A listpack hash is returned whole with cursor 0, as Redis does.
void CmdHScan(CmdArgList args, CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(args[2], &cursor)) return ctx.SendError(errors::kInvalidCursor);
  Db db = ctx.db();
  auto res = FindHashRead(db, args[1]);
  if (!res) return ctx.SendStatus(res.status());
  HashValue* h = *res;
  if (!h) {
    ctx.rb.StartArray(2);
    ctx.rb.SendBulk("0");
    return ctx.rb.StartArray(0);
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
  std::vector<HashValue::Pair> found;
  auto collect = [&](std::string_view f, std::string_view v) {
    if (!use_pattern || GlobMatch(pattern, f)) found.emplace_back(f, v);
  };
  if (h->is_listpack()) {
    h->ForEach(collect);
    cursor = 0;
  } else {
    // Redis: up to count*10 bucket visits, until count pairs were gathered (before MATCH).
    int64_t max_iterations = count * 10;
    size_t gathered = 0;
    do {
      cursor = h->ScanTable(cursor, [&](std::string_view f, std::string_view v) {
        ++gathered;
        collect(f, v);
      });
    } while (cursor && max_iterations-- && gathered < static_cast<size_t>(count));
  }
  ctx.rb.StartArray(2);
  ctx.rb.SendBulk(std::to_string(cursor));
  ctx.rb.StartArray(found.size() * 2);
  for (const auto& [f, v] : found) {
    ctx.rb.SendBulk(f);
    ctx.rb.SendBulk(v);
  }
}

}  // namespace

// ============================================================================================
// Registration
// ============================================================================================

void RegisterHashFamily(CommandRegistry& r) {
  auto add = [&r](std::string_view name, int arity, uint32_t flags, std::string_view since,
                  std::string_view summary, std::string_view complexity,
                  CommandHandler handler) -> CommandSpec& {
    CommandSpec spec;
    spec.name = std::string(name);
    spec.arity = arity;
    spec.flags = flags;
    spec.first_key = 1;
    spec.last_key = 1;
    spec.key_step = 1;
    spec.acl = ACL::kHash;
    spec.group = "hash";
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

  add("hset", -4, kW | kOom | kF, "2.0.0", "Set the string value of a hash field",
      "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command "
      "is called with multiple field/value pairs.",
      CmdHSet<false>)
      .KeySpecs({KS::Index(1).RW().Update()})
      .History({{"4.0.0", "Accepts multiple `field` and `value` arguments."}})
      .Args("key/key#0 field_value/block*[field/string value/string]");
  add("hsetnx", 4, kW | kOom | kF | CO::kNoopOnZero, "2.0.0",
      "Set the value of a hash field, only if the field does not exist", "O(1)", CmdHSetNx)
      .KeySpecs({KS::Index(1).RW().Insert()})
      .Args("key/key#0 field/string value/string");
  add("hmset", -4, kW | kOom | kF, "2.0.0", "Set multiple hash fields to multiple values",
      "O(N) where N is the number of fields being set.", CmdHSet<true>)
      .KeySpecs({KS::Index(1).RW().Update()})
      .Deprecated("4.0.0", "`HSET` with multiple field-value pairs")
      .Args("key/key#0 field_value/block*[field/string value/string]");
  add("hget", 3, kR | kF, "2.0.0", "Get the value of a hash field", "O(1)", CmdHGet)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 field/string");
  add("hmget", -3, kR | kF, "2.0.0", "Get the values of all the given hash fields",
      "O(N) where N is the number of fields being requested.", CmdHMGet)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 field/string*");
  add("hgetall", 2, kR, "2.0.0", "Get all the fields and values in a hash",
      "O(N) where N is the size of the hash.", CmdHGetAll<GetAllWhat::kBoth>)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output_order"})
      .Args("key/key#0");
  add("hkeys", 2, kR, "2.0.0", "Get all the fields in a hash",
      "O(N) where N is the size of the hash.", CmdHGetAll<GetAllWhat::kKeys>)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output_order"})
      .Args("key/key#0");
  add("hvals", 2, kR, "2.0.0", "Get all the values in a hash",
      "O(N) where N is the size of the hash.", CmdHGetAll<GetAllWhat::kVals>)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output_order"})
      .Args("key/key#0");
  add("hlen", 2, kR | kF, "2.0.0", "Get the number of fields in a hash", "O(1)", CmdHLen)
      .KeySpecs({KS::Index(1).RO()})
      .Args("key/key#0");
  add("hexists", 3, kR | kF, "2.0.0", "Determine if a hash field exists", "O(1)", CmdHExists)
      .KeySpecs({KS::Index(1).RO()})
      .Args("key/key#0 field/string");
  add("hdel", -3, kW | kF | CO::kNoopOnZero, "2.0.0", "Delete one or more hash fields",
      "O(N) where N is the number of fields to be removed.", CmdHDel)
      .KeySpecs({KS::Index(1).RW().Delete()})
      .History({{"2.4.0", "Accepts multiple `field` arguments."}})
      .Args("key/key#0 field/string*");
  add("hincrby", 4, kW | kOom | kF, "2.0.0",
      "Increment the integer value of a hash field by the given number", "O(1)", CmdHIncrBy)
      .KeySpecs({KS::Index(1).RW().Access().Update()})
      .Args("key/key#0 field/string increment/integer");
  add("hincrbyfloat", 4, kW | kOom | kF, "2.6.0",
      "Increment the float value of a hash field by the given amount", "O(1)", CmdHIncrByFloat)
      .KeySpecs({KS::Index(1).RW().Access().Update()})
      .Args("key/key#0 field/string increment/double");
  add("hstrlen", 3, kR | kF, "3.2.0", "Get the length of the value of a hash field", "O(1)",
      CmdHStrLen)
      .KeySpecs({KS::Index(1).RO()})
      .Args("key/key#0 field/string");
  add("hrandfield", -2, kR, "6.2.0", "Get one or multiple random fields from a hash",
      "O(N) where N is the number of fields returned", CmdHRandField)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output"})
      .Args("key/key#0 options/block?[count/integer withvalues/pure-token=WITHVALUES?]");
  add("hscan", -3, kR, "2.8.0", "Incrementally iterate hash fields and associated values",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection..",
      CmdHScan)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output"})
      .Args("key/key#0 cursor/integer pattern/pattern=MATCH? count/integer=COUNT?");
}

}  // namespace fincache
