// String commands: GET SET SETNX SETEX PSETEX MGET MSET MSETNX GETSET GETDEL GETEX APPEND STRLEN
// GETRANGE SUBSTR SETRANGE INCR DECR INCRBY DECRBY INCRBYFLOAT (LCS is in string_family_lcs.cpp).
//
// Strings live inline in Value with Redis's encoding label, which OBJECT ENCODING reports:
// - a value written whole (SET, SETNX, SETEX, MSET, GETSET, APPEND to a missing key) gets the
//   encoding of a fresh object: "int" for canonical int64 text, "embstr" up to 44 bytes, "raw";
// - INCR/DECR results are "int"; INCRBYFLOAT results are created from text ("embstr"/"raw"),
//   never "int", even when the result reads "3";
// - in-place edits (APPEND to an existing key, SETRANGE) make the value "raw".
// TTLs: a whole-value write clears the TTL (unless SET ... KEEPTTL); INCR*, APPEND and SETRANGE
// keep it. Expire times are absolute unix ms; the command's instant is ctx.now_ms.
#include "commands/string_family.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "commands/command_context.h"
#include "common/errors.h"
#include "common/strings.h"
#include "protocol/reply_builder.h"

namespace fincache {

namespace {

// ============================================================================================
// Expire arguments (SET, SETEX, PSETEX, GETEX)
// ============================================================================================

enum class ExpireUnit : uint8_t { kSeconds, kMillis };

// Turns an expire argument into an absolute unix time in ms, with Redis's rules: an integer
// ("ERR value is not an integer or out of range"), > 0, seconds not overflowing when scaled to
// ms, and relative times not overflowing when added to now ("ERR invalid expire time in '<cmd>'
// command"). Replies the error and returns false when the argument is rejected.
bool ParseExpireArg(CommandContext& ctx, std::string_view arg, ExpireUnit unit, bool absolute,
                    int64_t* abs_ms) {
  int64_t v;
  if (!ParseInt64(arg, &v)) {
    ctx.SendError(errors::kNotInteger);
    return false;
  }
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1000;
  if (v <= 0 || (unit == ExpireUnit::kSeconds && v > kMaxSeconds)) {
    ctx.SendError(errors::InvalidExpire(ctx.spec.full_name));
    return false;
  }
  if (unit == ExpireUnit::kSeconds) v *= 1000;
  if (!absolute && __builtin_add_overflow(v, ctx.now_ms, &v)) {
    ctx.SendError(errors::InvalidExpire(ctx.spec.full_name));
    return false;
  }
  *abs_ms = v;
  return true;
}

// Options of SET and GETEX, parsed with Redis's exact acceptance rules: NX/XX exclude each
// other; EX/PX/EXAT/PXAT exclude each other (but one may repeat, the last value wins) and
// KEEPTTL/PERSIST; a time option needs a following argument. Anything else: syntax error.
struct ExtendedOptions {
  enum : uint16_t {
    kNx = 1 << 0,
    kXx = 1 << 1,
    kGet = 1 << 2,
    kKeepTtl = 1 << 3,
    kPersist = 1 << 4,
    kEx = 1 << 5,
    kPx = 1 << 6,
    kExAt = 1 << 7,
    kPxAt = 1 << 8,
  };
  static constexpr uint16_t kAnyTime = kEx | kPx | kExAt | kPxAt;

  uint16_t flags = 0;
  std::string_view expire_arg;  // set when one of kAnyTime is

  bool Has(uint16_t f) const { return (flags & f) != 0; }
  ExpireUnit unit() const { return Has(kEx | kExAt) ? ExpireUnit::kSeconds : ExpireUnit::kMillis; }
  bool absolute() const { return Has(kExAt | kPxAt); }
};

enum class OptionsFor : uint8_t { kSet, kGetEx };

// Parses args[first..]; false on a syntax error (not replied).
bool ParseExtendedOptions(CmdArgList args, size_t first, OptionsFor cmd, ExtendedOptions* out) {
  using O = ExtendedOptions;
  const bool is_set = cmd == OptionsFor::kSet;
  uint16_t& f = out->flags;
  for (size_t i = first; i < args.size(); ++i) {
    std::string_view opt = args[i];
    bool has_next = i + 1 < args.size();
    // A time option may repeat itself but excludes the other three, KEEPTTL and PERSIST.
    auto time_ok = [&](uint16_t self) {
      return has_next && !(f & (O::kKeepTtl | O::kPersist | (O::kAnyTime & ~self)));
    };
    uint16_t time_flag = 0;
    if (EqualsIgnoreCase(opt, "nx") && is_set && !(f & O::kXx)) {
      f |= O::kNx;
    } else if (EqualsIgnoreCase(opt, "xx") && is_set && !(f & O::kNx)) {
      f |= O::kXx;
    } else if (EqualsIgnoreCase(opt, "get") && is_set) {
      f |= O::kGet;
    } else if (EqualsIgnoreCase(opt, "keepttl") && is_set && !(f & (O::kPersist | O::kAnyTime))) {
      f |= O::kKeepTtl;
    } else if (EqualsIgnoreCase(opt, "persist") && !is_set && !(f & (O::kKeepTtl | O::kAnyTime))) {
      f |= O::kPersist;
    } else if (EqualsIgnoreCase(opt, "ex") && time_ok(O::kEx)) {
      time_flag = O::kEx;
    } else if (EqualsIgnoreCase(opt, "px") && time_ok(O::kPx)) {
      time_flag = O::kPx;
    } else if (EqualsIgnoreCase(opt, "exat") && time_ok(O::kExAt)) {
      time_flag = O::kExAt;
    } else if (EqualsIgnoreCase(opt, "pxat") && time_ok(O::kPxAt)) {
      time_flag = O::kPxAt;
    } else {
      return false;
    }
    if (time_flag) {
      f |= time_flag;
      out->expire_arg = args[++i];
    }
  }
  return true;
}

// ============================================================================================
// Op* functions: data work on a Db, no RESP
// ============================================================================================

// Looks up a string for a read command (stats + LRU).
OpResult<const Entry*> OpFindString(Db& db, std::string_view key) {
  auto res = db.FindReadOfType(key, ObjType::kString);
  if (!res) return res.status();
  return static_cast<const Entry*>(*res);
}

struct SetParams {
  enum class Cond : uint8_t { kAlways, kIfAbsent, kIfPresent } cond = Cond::kAlways;
  bool keep_ttl = false;
  bool get_old = false;   // SET ... GET / GETSET: fetch the old value first (WRONGTYPE if not
                          // a string, and then nothing is written)
  int64_t expire_ms = 0;  // absolute; 0: none
};

struct SetResult {
  bool written = false;
  std::optional<std::string> old;  // with get_old: the previous value, if the key existed
};

// The SET family's core (Redis's setGenericCommand after argument checks).
OpResult<SetResult> OpSet(Db& db, std::string_view key, std::string_view value,
                          const SetParams& p) {
  SetResult r;
  // Redis: SET ... GET reads the old value with lookupKeyRead (stats), and every SET looks the
  // key up with lookupKeyWrite (lazy expiry + LRU touch, also when NX/XX then refuse).
  Entry* e = p.get_old ? db.FindRead(key) : db.FindWrite(key);
  if (e && p.get_old) {
    if (!e->value.is_string()) return OpStatus::kWrongType;
    r.old = e->value.str();
  }
  if ((p.cond == SetParams::Cond::kIfAbsent && e) || (p.cond == SetParams::Cond::kIfPresent && !e))
    return r;
  if (!e) e = db.FindOrInsert(key).first;
  e->value = Value::String(value);  // a fresh object: frees the old one whatever its type
  if (p.expire_ms != 0) {
    db.SetExpire(e, p.expire_ms);
  } else if (!p.keep_ttl) {
    db.SetExpire(e, 0);
  }
  r.written = true;
  return r;
}

// MSET / MSETNX over the (key, value) pairs args[1..]. With nx, writes nothing (false) when any
// key exists.
bool OpMSet(Db& db, CmdArgList args, bool nx) {
  if (nx) {
    for (size_t i = 1; i < args.size(); i += 2)
      if (db.FindWrite(args[i])) return false;
  }
  for (size_t i = 1; i + 1 < args.size(); i += 2) {
    Entry* e = db.FindWrite(args[i]);  // an existing key is touched (setKey's lookupKeyWrite)
    if (!e) e = db.FindOrInsert(args[i]).first;
    e->value = Value::String(args[i + 1]);
    db.SetExpire(e, 0);
  }
  return true;
}

// INCRBY and friends: the new value. The TTL is kept.
OpResult<int64_t> OpIncrBy(Db& db, std::string_view key, int64_t incr) {
  Entry* e = db.FindWrite(key);
  int64_t cur = 0;
  if (e) {
    if (!e->value.is_string()) return OpStatus::kWrongType;
    if (!ParseInt64(e->value.str(), &cur)) return OpStatus::kNotInteger;
  }
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if ((incr < 0 && cur < 0 && incr < kMin - cur) || (incr > 0 && cur > 0 && incr > kMax - cur))
    return OpStatus::kOverflow;
  cur += incr;
  if (!e) e = db.FindOrInsert(key).first;
  e->value.SetString(Int64ToString(cur));  // canonical integer text: "int" encoding
  return cur;
}

// INCRBYFLOAT: the new value's text (Redis's long double formatting). The TTL is kept.
OpResult<std::string> OpIncrByFloat(Db& db, std::string_view key, std::string_view incr_arg) {
  Entry* e = db.FindWrite(key);
  long double cur = 0;
  long double incr;
  if (e) {
    if (!e->value.is_string()) return OpStatus::kWrongType;
    if (!ParseLongDouble(e->value.str(), &cur)) return OpStatus::kNotFloat;
  }
  if (!ParseLongDouble(incr_arg, &incr)) return OpStatus::kNotFloat;
  cur += incr;
  if (std::isnan(cur) || std::isinf(cur)) return OpStatus::kNanOrInf;
  std::string text = protocol::FormatLongDouble(cur);
  if (!e) e = db.FindOrInsert(key).first;
  e->value.SetString(text);
  // Redis builds the result with createStringObject: never "int", even for "3".
  e->value.set_str_encoding(text.size() <= kEmbStrMaxLen ? StrEncoding::kEmbStr
                                                         : StrEncoding::kRaw);
  return text;
}

// APPEND: the new length.
OpResult<int64_t> OpAppend(Db& db, std::string_view key, std::string_view tail, int64_t max_len) {
  Entry* e = db.FindWrite(key);
  if (!e) {
    e = db.FindOrInsert(key).first;
    e->value = Value::String(tail);  // a new key gets the argument's own encoding
    return static_cast<int64_t>(tail.size());
  }
  if (!e->value.is_string()) return OpStatus::kWrongType;
  uint64_t total = static_cast<uint64_t>(e->value.str().size()) + tail.size();
  if (total > static_cast<uint64_t>(max_len)) return OpStatus::kStringTooLong;
  std::string& s = e->value.MutableStringRaw();
  s.append(tail);
  return static_cast<int64_t>(s.size());
}

// SETRANGE: the new length (offset already checked >= 0).
OpResult<int64_t> OpSetRange(Db& db, std::string_view key, int64_t offset, std::string_view value,
                             int64_t max_len) {
  Entry* e = db.FindWrite(key);
  if (e && !e->value.is_string()) return OpStatus::kWrongType;
  // Writing nothing changes nothing and creates nothing.
  if (value.empty()) return e ? static_cast<int64_t>(e->value.str().size()) : 0;
  uint64_t needed = static_cast<uint64_t>(offset) + value.size();
  if (needed > static_cast<uint64_t>(max_len)) return OpStatus::kStringTooLong;
  if (!e) e = db.FindOrInsert(key).first;
  std::string& s = e->value.MutableStringRaw();
  if (s.size() < needed) s.resize(needed, '\0');
  s.replace(static_cast<size_t>(offset), value.size(), value);
  return static_cast<int64_t>(s.size());
}

// GETRANGE's index arithmetic (Redis's, including its handling of negative pairs).
std::string_view SubRange(std::string_view s, int64_t start, int64_t end) {
  int64_t len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) return {};
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return {};
  return s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1));
}

// ============================================================================================
// Cmd* handlers
// ============================================================================================

// Keyspace notifications of a SET: "set", and "expire" when it gave a TTL.
void NotifySet(CommandContext& ctx, std::string_view key, bool with_ttl) {
  ctx.Notify(notify::kString, "set", key);
  if (with_ttl) ctx.Notify(notify::kGeneric, "expire", key);
}

void SendOldValue(CommandContext& ctx, const std::optional<std::string>& old) {
  if (old)
    ctx.rb.SendBulk(*old);
  else
    ctx.rb.SendNull();
}

// GET key -> bulk string, or null when the key does not exist
void CmdGet(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = OpFindString(db, args[1]);
  if (res) return ctx.rb.SendBulk((*res)->value.str());
  if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendNull();
  ctx.SendStatus(res.status());
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT unix-s|PXAT unix-ms|KEEPTTL]
//   -> OK, or null when NX/XX prevented the write; with GET: the old value (bulk or null)
void CmdSet(CmdArgList args, CommandContext& ctx) {
  ExtendedOptions opts;
  if (!ParseExtendedOptions(args, 3, OptionsFor::kSet, &opts))
    return ctx.SendError(errors::kSyntax);
  SetParams p;
  if (opts.Has(ExtendedOptions::kAnyTime) &&
      !ParseExpireArg(ctx, opts.expire_arg, opts.unit(), opts.absolute(), &p.expire_ms))
    return;
  if (opts.Has(ExtendedOptions::kNx)) p.cond = SetParams::Cond::kIfAbsent;
  if (opts.Has(ExtendedOptions::kXx)) p.cond = SetParams::Cond::kIfPresent;
  p.keep_ttl = opts.Has(ExtendedOptions::kKeepTtl);
  p.get_old = opts.Has(ExtendedOptions::kGet);

  Db db = ctx.db();
  auto res = OpSet(db, args[1], args[2], p);
  if (!res) return ctx.SendStatus(res.status());
  if (res->written) NotifySet(ctx, args[1], p.expire_ms != 0);
  // Propagated with an absolute expiry (Redis 7.0: SET key value PXAT ms); not at all when
  // NX/XX kept it from writing.
  if (!res->written) {
    ctx.PropagateNothing();
  } else if (p.expire_ms != 0 && ctx.propagating()) {
    ctx.PropagateAs({"SET", args[1], args[2], "PXAT", std::to_string(p.expire_ms)});
  }
  if (p.get_old) return SendOldValue(ctx, res->old);
  if (res->written) return ctx.rb.SendOk();
  ctx.rb.SendNull();
}

// SET's key flags for COMMAND GETKEYSANDFLAGS: with a GET argument anywhere after the value
// it reads too (RW access update), otherwise it overwrites (OW update).
uint16_t SetKeyFlags(CmdArgList args, uint16_t /*declared*/) {
  for (size_t i = 3; i < args.size(); ++i)
    if (EqualsIgnoreCase(args[i], "get")) return KS::kRW | KS::kAccess | KS::kUpdate;
  return KS::kOW | KS::kUpdate;
}

// SETNX key value -> integer: 1 if set, 0 if the key already existed
void CmdSetNx(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = OpSet(db, args[1], args[2], {.cond = SetParams::Cond::kIfAbsent});
  if (res->written) NotifySet(ctx, args[1], false);
  ctx.rb.SendLong(res->written ? 1 : 0);
}

// SETEX key seconds value -> OK
// PSETEX key milliseconds value -> OK
template <ExpireUnit kUnit>
void CmdSetEx(CmdArgList args, CommandContext& ctx) {
  SetParams p;
  if (!ParseExpireArg(ctx, args[2], kUnit, /*absolute=*/false, &p.expire_ms)) return;
  Db db = ctx.db();
  OpSet(db, args[1], args[3], p);
  NotifySet(ctx, args[1], true);
  if (ctx.propagating())
    ctx.PropagateAs({"SET", args[1], args[3], "PXAT", std::to_string(p.expire_ms)});
  ctx.rb.SendOk();
}

// GETSET key value -> bulk string: the old value, or null. Clears the TTL.
void CmdGetSet(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = OpSet(db, args[1], args[2], {.get_old = true});
  if (!res) return ctx.SendStatus(res.status());
  NotifySet(ctx, args[1], false);
  SendOldValue(ctx, res->old);
}

// GETDEL key -> bulk string: the value (the key is deleted), or null
void CmdGetDel(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = db.FindReadOfType(args[1], ObjType::kString);
  if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendNull();
  if (!res) return ctx.SendStatus(res.status());
  ctx.rb.SendBulk((*res)->value.str());
  db.Delete(*res);
  ctx.Notify(notify::kGeneric, "del", args[1]);
}

// GETEX key [EX s|PX ms|EXAT unix-s|PXAT unix-ms|PERSIST] -> bulk string, or null.
// Redis checks the key (null, WRONGTYPE) before validating the expire value; an absolute time
// already past deletes the key after replying its value.
void CmdGetEx(CmdArgList args, CommandContext& ctx) {
  ExtendedOptions opts;
  if (!ParseExtendedOptions(args, 2, OptionsFor::kGetEx, &opts))
    return ctx.SendError(errors::kSyntax);
  Db db = ctx.db();
  auto res = db.FindReadOfType(args[1], ObjType::kString);
  if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendNull();
  if (!res) return ctx.SendStatus(res.status());
  Entry* e = *res;
  int64_t when = 0;
  if (opts.Has(ExtendedOptions::kAnyTime) &&
      !ParseExpireArg(ctx, opts.expire_arg, opts.unit(), opts.absolute(), &when))
    return;
  ctx.rb.SendBulk(e->value.str());
  // Propagated as its effect (Redis 7.0): DEL, PEXPIREAT key ms, PERSIST key, or nothing.
  ctx.PropagateNothing();
  if (opts.absolute() && when <= ctx.now_ms && !ctx.engine.loading()) {
    db.Delete(e);
    ctx.Notify(notify::kGeneric, "del", args[1]);
    ctx.PropagateAs({"DEL", args[1]});
  } else if (when != 0) {
    db.SetExpire(e, when);
    ctx.Notify(notify::kGeneric, "expire", args[1]);
    if (ctx.propagating()) ctx.PropagateAs({"PEXPIREAT", args[1], std::to_string(when)});
  } else if (opts.Has(ExtendedOptions::kPersist) && e->expire_ms != 0) {
    db.SetExpire(e, 0);
    ctx.Notify(notify::kGeneric, "persist", args[1]);
    ctx.PropagateAs({"PERSIST", args[1]});
  }
}

// MGET key [key ...] -> array: each value, null for missing and non-string keys
void CmdMGet(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  ctx.rb.StartArray(args.size() - 1);
  for (size_t i = 1; i < args.size(); ++i) {
    Entry* e = db.FindRead(args[i]);
    if (e && e->value.is_string())
      ctx.rb.SendBulk(e->value.str());
    else
      ctx.rb.SendNull();
  }
}

// MSET key value [key value ...] -> OK
void CmdMSet(CmdArgList args, CommandContext& ctx) {
  if (args.size() % 2 != 1) return ctx.SendError(errors::WrongArgs(ctx.spec.full_name));
  Db db = ctx.db();
  OpMSet(db, args, /*nx=*/false);
  for (size_t i = 1; i < args.size(); i += 2) ctx.Notify(notify::kString, "set", args[i]);
  ctx.rb.SendOk();
}

// MSETNX key value [key value ...] -> integer: 1 if all were set, 0 if any key existed
void CmdMSetNx(CmdArgList args, CommandContext& ctx) {
  if (args.size() % 2 != 1) return ctx.SendError(errors::WrongArgs(ctx.spec.full_name));
  Db db = ctx.db();
  bool written = OpMSet(db, args, /*nx=*/true);
  if (written)
    for (size_t i = 1; i < args.size(); i += 2) ctx.Notify(notify::kString, "set", args[i]);
  ctx.rb.SendLong(written ? 1 : 0);
}

// APPEND key value -> integer: the length after the append
void CmdAppend(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = OpAppend(db, args[1], args[2], ctx.server.config().proto_max_bulk_len.load());
  if (!res) return ctx.SendStatus(res.status());
  ctx.Notify(notify::kString, "append", args[1]);
  ctx.rb.SendLong(*res);
}

// STRLEN key -> integer: the length of the value, 0 when the key does not exist
void CmdStrLen(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = OpFindString(db, args[1]);
  if (res) return ctx.rb.SendLong(static_cast<int64_t>((*res)->value.str().size()));
  if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendLong(0);
  ctx.SendStatus(res.status());
}

// GETRANGE key start end -> bulk string: the substring (inclusive, negative from the end)
// SUBSTR key start end -> same (deprecated alias)
void CmdGetRange(CmdArgList args, CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInt64(args[2], &start) || !ParseInt64(args[3], &end))
    return ctx.SendError(errors::kNotInteger);
  Db db = ctx.db();
  auto res = OpFindString(db, args[1]);
  if (res) return ctx.rb.SendBulk(SubRange((*res)->value.str(), start, end));
  if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendBulk("");
  ctx.SendStatus(res.status());
}

// SETRANGE key offset value -> integer: the length after the write
void CmdSetRange(CmdArgList args, CommandContext& ctx) {
  int64_t offset;
  if (!ParseInt64(args[2], &offset)) return ctx.SendError(errors::kNotInteger);
  if (offset < 0) return ctx.SendError(errors::kOffsetOutOfRange);
  Db db = ctx.db();
  auto res =
      OpSetRange(db, args[1], offset, args[3], ctx.server.config().proto_max_bulk_len.load());
  if (!res) return ctx.SendStatus(res.status());
  if (!args[3].empty()) ctx.Notify(notify::kString, "setrange", args[1]);
  ctx.rb.SendLong(*res);
}

void ReplyIncr(CommandContext& ctx, std::string_view key, int64_t incr) {
  Db db = ctx.db();
  auto res = OpIncrBy(db, key, incr);
  if (!res) return ctx.SendStatus(res.status());
  ctx.Notify(notify::kString, "incrby", key);
  ctx.rb.SendLong(*res);
}

// INCR key -> integer: the new value
void CmdIncr(CmdArgList args, CommandContext& ctx) { ReplyIncr(ctx, args[1], 1); }

// DECR key -> integer: the new value
void CmdDecr(CmdArgList args, CommandContext& ctx) { ReplyIncr(ctx, args[1], -1); }

// INCRBY key increment -> integer: the new value
void CmdIncrBy(CmdArgList args, CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64(args[2], &incr)) return ctx.SendError(errors::kNotInteger);
  ReplyIncr(ctx, args[1], incr);
}

// DECRBY key decrement -> integer: the new value
void CmdDecrBy(CmdArgList args, CommandContext& ctx) {
  int64_t decr;
  if (!ParseInt64(args[2], &decr)) return ctx.SendError(errors::kNotInteger);
  if (decr == std::numeric_limits<int64_t>::min())  // can't be negated
    return ctx.SendError(errors::kDecrementOverflow);
  ReplyIncr(ctx, args[1], -decr);
}

// INCRBYFLOAT key increment -> bulk string: the new value (a bulk string in RESP3 too)
void CmdIncrByFloat(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = OpIncrByFloat(db, args[1], args[2]);
  if (!res) return ctx.SendStatus(res.status());
  ctx.Notify(notify::kString, "incrbyfloat", args[1]);
  // The result, not the increment: float formatting must not differ on replay (Redis 7.0).
  ctx.PropagateAs({"SET", args[1], *res, "KEEPTTL"});
  ctx.rb.SendBulk(*res);
}

}  // namespace

// ============================================================================================
// Registration
// ============================================================================================

void RegisterStringFamily(CommandRegistry& r) {
  constexpr uint64_t kStr = ACL::kString;
  auto add = [&r](std::string_view name, int arity, uint32_t flags, int first, int last, int step,
                  std::string_view since, std::string_view summary, std::string_view complexity,
                  CommandHandler handler) -> CommandSpec& {
    CommandSpec spec;
    spec.name = std::string(name);
    spec.arity = arity;
    spec.flags = flags;
    spec.first_key = first;
    spec.last_key = last;
    spec.key_step = step;
    spec.acl = kStr;
    spec.group = "string";
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

  add("get", 2, kR | kF, 1, 1, 1, "1.0.0", "Get the value of a key", "O(1)", CmdGet)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0");
  add("set", -3, kW | kOom | CO::kNoopOnNull, 1, 1, 1, "1.0.0", "Set the string value of a key",
      "O(1)", CmdSet)
      .KeySpecs({KS::Index(1).RW().Access().Update().VariableFlags().Notes(
          "RW and ACCESS due to the optional `GET` argument")})
      .History({{"2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."},
                {"6.0.0", "Added the `KEEPTTL` option."},
                {"6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."},
                {"7.0.0", "Allowed the `NX` and `GET` options to be used together."}})
      .KeyFlags(SetKeyFlags)
      .Args(
          "key/key#0 value/string condition/oneof^2.6.12?[nx/pure-token=NX xx/pure-token=XX] "
          "get/pure-token=GET^6.2.0? expiration/oneof?[seconds/integer=EX^2.6.12 "
          "milliseconds/integer=PX^2.6.12 unix-time-seconds/unix-time=EXAT^6.2.0 "
          "unix-time-milliseconds/unix-time=PXAT^6.2.0 keepttl/pure-token=KEEPTTL^6.0.0]");
  add("setnx", 3, kW | kOom | kF | CO::kNoopOnZero, 1, 1, 1, "1.0.0",
      "Set the value of a key, only if the key does not exist", "O(1)", CmdSetNx)
      .KeySpecs({KS::Index(1).OW().Insert()})
      .Args("key/key#0 value/string");
  add("setex", 4, kW | kOom, 1, 1, 1, "2.0.0", "Set the value and expiration of a key", "O(1)",
      CmdSetEx<ExpireUnit::kSeconds>)
      .KeySpecs({KS::Index(1).OW().Update()})
      .Args("key/key#0 seconds/integer value/string");
  add("psetex", 4, kW | kOom, 1, 1, 1, "2.6.0",
      "Set the value and expiration in milliseconds of a key", "O(1)",
      CmdSetEx<ExpireUnit::kMillis>)
      .KeySpecs({KS::Index(1).OW().Update()})
      .Args("key/key#0 milliseconds/integer value/string");
  add("mget", -2, kR | kF, 1, -1, 1, "1.0.0", "Get the values of all the given keys",
      "O(N) where N is the number of keys to retrieve.", CmdMGet)
      .KeySpecs({KS::Index(1).Range(-1).RO().Access()})
      .Tips({"request_policy:multi_shard"})
      .Args("key/key#0*");
  add("mset", -3, kW | kOom, 1, -1, 2, "1.0.1", "Set multiple keys to multiple values",
      "O(N) where N is the number of keys to set.", CmdMSet)
      .KeySpecs({KS::Index(1).Range(-1, 2).OW().Update()})
      .Tips({"request_policy:multi_shard", "response_policy:all_succeeded"})
      .Args("key_value/block*[key/key#0 value/string]");
  add("msetnx", -3, kW | kOom | CO::kNoopOnZero, 1, -1, 2, "1.0.1",
      "Set multiple keys to multiple values, only if none of the keys exist",
      "O(N) where N is the number of keys to set.", CmdMSetNx)
      .KeySpecs({KS::Index(1).Range(-1, 2).OW().Insert()})
      .Tips({"request_policy:multi_shard", "response_policy:agg_min"})
      .Args("key_value/block*[key/key#0 value/string]");
  add("getset", 3, kW | kOom | kF, 1, 1, 1, "1.0.0",
      "Set the string value of a key and return its old value", "O(1)", CmdGetSet)
      .KeySpecs({KS::Index(1).RW().Access().Update()})
      .Deprecated("6.2.0", "`SET` with the `!GET` argument")
      .Args("key/key#0 value/string");
  add("getdel", 2, kW | kF, 1, 1, 1, "6.2.0", "Get the value of a key and delete the key", "O(1)",
      CmdGetDel)
      .KeySpecs({KS::Index(1).RW().Access().Delete()})
      .Args("key/key#0");
  add("getex", -2, kW | kF, 1, 1, 1, "6.2.0",
      "Get the value of a key and optionally set its expiration", "O(1)", CmdGetEx)
      .KeySpecs(
          {KS::Index(1).RW().Access().Update().Notes("RW and UPDATE because it changes the TTL")})
      .Args(
          "key/key#0 expiration/oneof?[seconds/integer=EX milliseconds/integer=PX "
          "unix-time-seconds/unix-time=EXAT unix-time-milliseconds/unix-time=PXAT "
          "persist/pure-token=PERSIST]");
  add("append", 3, kW | kOom | kF, 1, 1, 1, "2.0.0", "Append a value to a key",
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and the "
      "already present value is of any size, since the dynamic string library used by Redis "
      "will double the free space available on every reallocation.",
      CmdAppend)
      .KeySpecs({KS::Index(1).RW().Insert()})
      .Args("key/key#0 value/string");
  add("strlen", 2, kR | kF, 1, 1, 1, "2.2.0", "Get the length of the value stored in a key", "O(1)",
      CmdStrLen)
      .KeySpecs({KS::Index(1).RO()})
      .Args("key/key#0");
  constexpr std::string_view kGetRangeComplexity =
      "O(N) where N is the length of the returned string. The complexity is ultimately "
      "determined by the returned length, but because creating a substring from an existing "
      "string is very cheap, it can be considered O(1) for small strings.";
  add("getrange", 4, kR, 1, 1, 1, "2.4.0", "Get a substring of the string stored at a key",
      kGetRangeComplexity, CmdGetRange)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 start/integer end/integer");
  add("substr", 4, kR, 1, 1, 1, "1.0.0", "Get a substring of the string stored at a key",
      kGetRangeComplexity, CmdGetRange)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Deprecated("2.0.0", "`GETRANGE`")
      .Args("key/key#0 start/integer end/integer");
  add("setrange", 4, kW | kOom, 1, 1, 1, "2.2.0",
      "Overwrite part of a string at key starting at the specified offset",
      "O(1), not counting the time taken to copy the new string in place. Usually, this string "
      "is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M "
      "being the length of the value argument.",
      CmdSetRange)
      .KeySpecs({KS::Index(1).RW().Update()})
      .Args("key/key#0 offset/integer value/string");
  add("incr", 2, kW | kOom | kF, 1, 1, 1, "1.0.0", "Increment the integer value of a key by one",
      "O(1)", CmdIncr)
      .KeySpecs({KS::Index(1).RW().Access().Update()})
      .Args("key/key#0");
  add("decr", 2, kW | kOom | kF, 1, 1, 1, "1.0.0", "Decrement the integer value of a key by one",
      "O(1)", CmdDecr)
      .KeySpecs({KS::Index(1).RW().Access().Update()})
      .Args("key/key#0");
  add("incrby", 3, kW | kOom | kF, 1, 1, 1, "1.0.0",
      "Increment the integer value of a key by the given amount", "O(1)", CmdIncrBy)
      .KeySpecs({KS::Index(1).RW().Access().Update()})
      .Args("key/key#0 increment/integer");
  add("decrby", 3, kW | kOom | kF, 1, 1, 1, "1.0.0",
      "Decrement the integer value of a key by the given number", "O(1)", CmdDecrBy)
      .KeySpecs({KS::Index(1).RW().Access().Update()})
      .Args("key/key#0 decrement/integer");
  add("incrbyfloat", 3, kW | kOom | kF, 1, 1, 1, "2.6.0",
      "Increment the float value of a key by the given amount", "O(1)", CmdIncrByFloat)
      .KeySpecs({KS::Index(1).RW().Access().Update()})
      .Args("key/key#0 increment/double");
  add("lcs", -3, kR, 1, 2, 1, "7.0.0", "Find longest common substring",
      "O(N*M) where N and M are the lengths of s1 and s2, respectively", CmdLcs)
      .KeySpecs({KS::Index(1).Range(1).RO().Access()})
      .Args(
          "key1/key#0 key2/key#0 len/pure-token=LEN? idx/pure-token=IDX? len/integer=MINMATCHLEN? "
          "withmatchlen/pure-token=WITHMATCHLEN?");
}

}  // namespace fincache
