// HyperLogLog commands: PFADD PFCOUNT PFMERGE.
//
// An HLL is a plain string value in Redis's exact format (types/hll.h), so GET returns the bytes
// Redis would and a value made by Redis can be SET here and used. Every command first checks
// that the string looks like an HLL ("WRONGTYPE Key is not a valid HyperLogLog string value.");
// a body that turns out corrupt while being used answers "INVALIDOBJ Corrupted HLL object
// detected". Writes edit the string in place, which makes its encoding "raw" as in Redis (also
// PFCOUNT, which stores the cardinality it computed in the header when the cache was invalid).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "commands/command_context.h"
#include "commands/command_registry.h"
#include "common/errors.h"
#include "protocol/reply_builder.h"
#include "types/hll.h"

namespace fincache {

namespace {

// ============================================================================================
// Op* functions
// ============================================================================================

// Status of an HLL check: ok, the generic WRONGTYPE (not a string), or not an HLL string.
enum class HllCheck : uint8_t { kOk, kWrongType, kNotHll };

HllCheck CheckHll(const Entry* e) {
  if (!e->value.is_string()) return HllCheck::kWrongType;
  if (!hll::LooksLikeHll(e->value.str())) return HllCheck::kNotHll;
  return HllCheck::kOk;
}

// Result of an HLL op: a value or one of the two HLL errors (or the generic WRONGTYPE).
enum class HllError : uint8_t { kNone, kWrongType, kNotHll, kCorrupt };

struct HllReply {
  HllError error = HllError::kNone;
  int64_t value = 0;
};

void Reply(CommandContext& ctx, const HllReply& r) {
  switch (r.error) {
    case HllError::kNone:
      return ctx.rb.SendLong(r.value);
    case HllError::kWrongType:
      return ctx.SendError(errors::kWrongType);
    case HllError::kNotHll:
      return ctx.SendError(errors::kHllWrongType);
    case HllError::kCorrupt:
      return ctx.SendError(errors::kHllCorrupt);
  }
}

HllError FromCheck(HllCheck c) {
  return c == HllCheck::kWrongType ? HllError::kWrongType : HllError::kNotHll;
}

// PFADD: 1 when the key was created or a register changed, else 0.
HllReply OpPfAdd(Db& db, std::string_view key, CmdArgList elements) {
  int64_t updated = 0;
  Entry* e = db.FindWrite(key);
  if (!e) {
    e = db.FindOrInsert(key).first;
    e->value.MutableStringRaw() = hll::CreateEmpty();
    updated = 1;
  } else if (HllCheck c = CheckHll(e); c != HllCheck::kOk) {
    return {FromCheck(c)};
  }
  std::string& s = e->value.MutableStringRaw();
  int64_t limit = hll::HllLimits::sparse_max_bytes.load(std::memory_order_relaxed);
  for (std::string_view element : elements) {
    int r = hll::Add(s, element, limit);
    if (r < 0) return {HllError::kCorrupt};
    updated += r;
  }
  if (updated) hll::InvalidateCache(s);
  return {HllError::kNone, updated ? 1 : 0};
}

// PFCOUNT of one key: the cached cardinality, or a fresh estimate stored in the header.
HllReply OpPfCountOne(Db& db, std::string_view key) {
  Entry* e = db.FindRead(key);
  if (!e) return {HllError::kNone, 0};
  if (HllCheck c = CheckHll(e); c != HllCheck::kOk) return {FromCheck(c)};
  std::string& s = e->value.MutableStringRaw();
  if (auto cached = hll::CachedCardinality(s)) return {HllError::kNone, int64_t(*cached)};
  auto card = hll::Count(s);
  if (!card) return {HllError::kCorrupt};
  hll::SetCachedCardinality(s, *card);
  db.AfterWrite(e);      // the value changed although PFCOUNT is not flagged write
  db.TouchWatched(key);  // and Redis signals it (no notification)
  return {HllError::kNone, static_cast<int64_t>(*card)};
}

// PFCOUNT of several keys: the estimate of their union (nothing is cached).
HllReply OpPfCountUnion(Db& db, CmdArgList keys) {
  uint8_t max[hll::kRegisters];
  std::memset(max, 0, sizeof(max));
  for (std::string_view key : keys) {
    Entry* e = db.FindRead(key);
    if (!e) continue;
    if (HllCheck c = CheckHll(e); c != HllCheck::kOk) return {FromCheck(c)};
    if (!hll::MergeInto(e->value.str(), max)) return {HllError::kCorrupt};
  }
  return {HllError::kNone, static_cast<int64_t>(hll::CountRaw(max))};
}

// PFMERGE: folds every source (and the destination itself) into the destination, which turns
// dense when any input is dense.
HllError OpPfMerge(Db& db, std::string_view dest, CmdArgList sources) {
  uint8_t max[hll::kRegisters];
  std::memset(max, 0, sizeof(max));
  bool use_dense = false;
  auto fold = [&](std::string_view key) -> HllError {
    Entry* e = db.FindRead(key);
    if (!e) return HllError::kNone;
    if (HllCheck c = CheckHll(e); c != HllCheck::kOk) return FromCheck(c);
    if (hll::EncodingOf(e->value.str()) == hll::kEncodingDense) use_dense = true;
    if (!hll::MergeInto(e->value.str(), max)) return HllError::kCorrupt;
    return HllError::kNone;
  };
  if (HllError err = fold(dest); err != HllError::kNone) return err;
  for (std::string_view key : sources) {
    if (HllError err = fold(key); err != HllError::kNone) return err;
  }

  Entry* e = db.FindWrite(dest);
  if (!e) {
    e = db.FindOrInsert(dest).first;
    e->value.MutableStringRaw() = hll::CreateEmpty();
  }
  std::string& s = e->value.MutableStringRaw();
  if (use_dense && !hll::SparseToDense(s)) return HllError::kCorrupt;
  int64_t limit = hll::HllLimits::sparse_max_bytes.load(std::memory_order_relaxed);
  for (int i = 0; i < hll::kRegisters; ++i) {
    if (max[i] == 0) continue;
    if (hll::EncodingOf(s) == hll::kEncodingDense) {
      hll::DenseSetRegister(s, i, max[i]);
    } else {
      hll::SparseSet(s, i, max[i], limit);
    }
  }
  hll::InvalidateCache(s);
  return HllError::kNone;
}

// ============================================================================================
// Cmd* handlers
// ============================================================================================

// PFADD key [element ...] -> integer: 1 if the key was created or a register changed, else 0
void CmdPfAdd(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  HllReply r = OpPfAdd(db, args[1], args.subspan(2));
  if (r.error == HllError::kNone && r.value) ctx.Notify(notify::kString, "pfadd", args[1]);
  Reply(ctx, r);
}

// PFCOUNT key [key ...] -> integer: the estimated cardinality (of the union for several keys)
void CmdPfCount(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  if (args.size() == 2) return Reply(ctx, OpPfCountOne(db, args[1]));
  Reply(ctx, OpPfCountUnion(db, args.subspan(1)));
}

// PFMERGE destkey [sourcekey ...] -> simple string: OK
void CmdPfMerge(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  HllError err = OpPfMerge(db, args[1], args.subspan(2));
  if (err != HllError::kNone) return Reply(ctx, {err});
  ctx.Notify(notify::kString, "pfadd", args[1]);
  ctx.rb.SendSimple("OK");
}

}  // namespace

// ============================================================================================
// Registration
// ============================================================================================

void RegisterHllFamily(CommandRegistry& r) {
  auto add = [&r](std::string_view name, int arity, uint32_t flags, int first, int last,
                  std::string_view summary, std::string_view complexity,
                  CommandHandler handler) -> CommandSpec& {
    CommandSpec spec;
    spec.name = std::string(name);
    spec.arity = arity;
    spec.flags = flags;
    spec.first_key = first;
    spec.last_key = last;
    spec.key_step = 1;
    spec.acl = ACL::kHyperLogLog;
    spec.group = "hyperloglog";
    spec.since = "2.8.9";
    spec.summary = summary;
    spec.complexity = complexity;
    spec.handler = handler;
    return r.Add(std::move(spec));
  };

  add("pfadd", -2, CO::kWrite | CO::kDenyOom | CO::kFast | CO::kNoopOnZero, 1, 1,
      "Adds the specified elements to the specified HyperLogLog.", "O(1) to add every element.",
      CmdPfAdd)
      .KeySpecs({KS::Index(1).RW().Insert()})
      .Args("key/key#0 element/string?*");
  add("pfcount", -2, CO::kReadOnly, 1, -1,
      "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
      "O(1) with a very small average constant time when called with a single key. O(N) with N "
      "being the number of keys, and much bigger constant times, when called with multiple keys.",
      CmdPfCount)
      .KeySpecs({KS::Index(1).Range(-1).RW().Access().Notes(
          "RW because it may change the internal representation of the key, and propagate to "
          "replicas")})
      .Args("key/key#0*");
  add("pfmerge", -2, CO::kWrite | CO::kDenyOom, 1, -1,
      "Merge N different HyperLogLogs into a single one.",
      "O(N) to merge N HyperLogLogs, but with high constant times.", CmdPfMerge)
      .KeySpecs({KS::Index(1).RW().Access().Insert(), KS::Index(2).Range(-1).RO().Access()})
      .Args("destkey/key#0 sourcekey/key#1*");
}

}  // namespace fincache
