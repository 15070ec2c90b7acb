// Generic family, TTL commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME
// PERSIST. TTLs are absolute unix milliseconds in Entry::expire_ms (0: none); lazy expiry in
// Db::Find* hides expired keys, so a TTL command never sees one.
#include <climits>

#include "commands/generic_family.h"
#include "common/errors.h"
#include "common/strings.h"

namespace fincache {
namespace {

using generic::FindNoTouch;

// EXPIRE's NX XX GT LT options.
enum ExpireFlags : unsigned {
  kExpireNx = 1,
  kExpireXx = 2,
  kExpireGt = 4,
  kExpireLt = 8,
};

enum class ExpireResult { kSet, kDeleted, kNotSet };

// Sets key's absolute expiry `when_ms` under the option flags. A time not in the future deletes
// the key (Redis replies 1 for that too). kNotSet: no key, or a condition failed.
ExpireResult OpExpire(Db& db, std::string_view key, int64_t when_ms, unsigned flags) {
  Entry* e = db.FindWrite(key);
  if (!e) return ExpireResult::kNotSet;
  // -1 stands for "no TTL" (an infinite one), as in Redis's comparisons.
  const int64_t current = e->expire_ms != 0 ? e->expire_ms : -1;
  if ((flags & kExpireNx) && current != -1) return ExpireResult::kNotSet;
  if ((flags & kExpireXx) && current == -1) return ExpireResult::kNotSet;
  if ((flags & kExpireGt) && (current == -1 || when_ms <= current)) return ExpireResult::kNotSet;
  if ((flags & kExpireLt) && current != -1 && when_ms >= current) return ExpireResult::kNotSet;
  // A past time deletes the key, except while loading a file (Redis's checkAlreadyExpired):
  // there the TTL is set and the key expires once loading is over.
  if (when_ms <= db.now_ms() && !db.engine().loading()) {
    db.Delete(e);
    return ExpireResult::kDeleted;
  }
  db.SetExpire(e, when_ms);
  return ExpireResult::kSet;
}

// EXPIRE key seconds [NX|XX|GT|LT] -> integer: 1 set (or key deleted by a past time), 0 not
// PEXPIRE key milliseconds [NX|XX|GT|LT], EXPIREAT key unix-time-seconds [NX|XX|GT|LT],
// PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT]: the same.
// Options are checked before the time, as Redis does; an overflowing time is
// "ERR invalid expire time in '<cmd>' command".
void ExpireGeneric(CmdArgList args, CommandContext& ctx, bool seconds, bool relative) {
  unsigned flags = 0;
  for (size_t i = 3; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "nx")) {
      flags |= kExpireNx;
    } else if (EqualsIgnoreCase(args[i], "xx")) {
      flags |= kExpireXx;
    } else if (EqualsIgnoreCase(args[i], "gt")) {
      flags |= kExpireGt;
    } else if (EqualsIgnoreCase(args[i], "lt")) {
      flags |= kExpireLt;
    } else {
      return ctx.SendError(errors::UnsupportedOption(args[i]));
    }
  }
  if ((flags & kExpireNx) && (flags & (kExpireXx | kExpireGt | kExpireLt)))
    return ctx.SendError(errors::kExpireNxAndOthers);
  if ((flags & kExpireGt) && (flags & kExpireLt)) return ctx.SendError(errors::kExpireGtAndLt);

  int64_t when;
  if (!ParseInt64(args[2], &when)) return ctx.SendError(errors::kNotInteger);
  if (seconds) {
    if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000)
      return ctx.SendError(errors::InvalidExpire(ctx.spec.full_name));
    when *= 1000;
  }
  const int64_t base = relative ? ctx.now_ms : 0;
  if (when > LLONG_MAX - base) return ctx.SendError(errors::InvalidExpire(ctx.spec.full_name));
  when += base;

  Db db = ctx.db();
  ExpireResult r = OpExpire(db, args[1], when, flags);
  if (r == ExpireResult::kSet) ctx.Notify(notify::kGeneric, "expire", args[1]);
  if (r == ExpireResult::kDeleted) ctx.Notify(notify::kGeneric, "del", args[1]);
  // Propagated as an absolute time, or as the deletion it caused (Redis 7.0).
  if (r == ExpireResult::kSet && ctx.propagating())
    ctx.PropagateAs({"PEXPIREAT", args[1], std::to_string(when)});
  if (r == ExpireResult::kDeleted) ctx.PropagateAs({"DEL", args[1]});
  ctx.rb.SendLong(r == ExpireResult::kNotSet ? 0 : 1);
}

void CmdExpire(CmdArgList args, CommandContext& ctx) { ExpireGeneric(args, ctx, true, true); }
void CmdPExpire(CmdArgList args, CommandContext& ctx) { ExpireGeneric(args, ctx, false, true); }
void CmdExpireAt(CmdArgList args, CommandContext& ctx) { ExpireGeneric(args, ctx, true, false); }
void CmdPExpireAt(CmdArgList args, CommandContext& ctx) { ExpireGeneric(args, ctx, false, false); }

// TTL key -> integer: seconds left (rounded), -1 no TTL, -2 no key
// PTTL key -> integer: milliseconds left, -1, -2
// EXPIRETIME key -> integer: absolute unix seconds (rounded), -1, -2
// PEXPIRETIME key -> integer: absolute unix milliseconds, -1, -2
void TtlGeneric(CmdArgList args, CommandContext& ctx, bool millis, bool absolute) {
  Db db = ctx.db();
  Entry* e = FindNoTouch(db, args[1]);
  if (!e) return ctx.rb.SendLong(-2);
  if (e->expire_ms == 0) return ctx.rb.SendLong(-1);
  int64_t t = absolute ? e->expire_ms : e->expire_ms - ctx.now_ms;
  if (t < 0) t = 0;
  // Redis rounds to the nearest second for both TTL and EXPIRETIME.
  ctx.rb.SendLong(millis ? t : (t + 500) / 1000);
}

void CmdTtl(CmdArgList args, CommandContext& ctx) { TtlGeneric(args, ctx, false, false); }
void CmdPTtl(CmdArgList args, CommandContext& ctx) { TtlGeneric(args, ctx, true, false); }
void CmdExpireTime(CmdArgList args, CommandContext& ctx) { TtlGeneric(args, ctx, false, true); }
void CmdPExpireTime(CmdArgList args, CommandContext& ctx) { TtlGeneric(args, ctx, true, true); }

// PERSIST key -> integer: 1 TTL removed, 0 no key or no TTL
void CmdPersist(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  Entry* e = db.FindWrite(args[1]);
  if (!e || e->expire_ms == 0) return ctx.rb.SendLong(0);
  db.SetExpire(e, 0);
  ctx.Notify(notify::kGeneric, "persist", args[1]);
  ctx.rb.SendLong(1);
}

}  // namespace

namespace generic {

void RegisterExpireCommands(CommandRegistry& r) {
  constexpr uint64_t kKs = ACL::kKeyspace;
  constexpr uint32_t kWriteFast = CO::kWrite | CO::kFast;
  constexpr uint32_t kReadFast = CO::kReadOnly | CO::kFast;
  r.Add({.name = "expire",
         .arity = -3,
         .flags = kWriteFast | CO::kNoopOnZero,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "1.0.0",
         .summary = "Set a key's time to live in seconds",
         .complexity = "O(1)",
         .handler = CmdExpire})
      .KeySpecs({KS::Index(1).RW().Update()})
      .History({{"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."}})
      .Args(
          "key/key#0 seconds/integer condition/oneof^7.0.0?[nx/pure-token=NX xx/pure-token=XX "
          "gt/pure-token=GT lt/pure-token=LT]");
  r.Add({.name = "pexpire",
         .arity = -3,
         .flags = kWriteFast | CO::kNoopOnZero,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "2.6.0",
         .summary = "Set a key's time to live in milliseconds",
         .complexity = "O(1)",
         .handler = CmdPExpire})
      .KeySpecs({KS::Index(1).RW().Update()})
      .History({{"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."}})
      .Args(
          "key/key#0 milliseconds/integer condition/oneof^7.0.0?[nx/pure-token=NX xx/pure-token=XX "
          "gt/pure-token=GT lt/pure-token=LT]");
  r.Add({.name = "expireat",
         .arity = -3,
         .flags = kWriteFast | CO::kNoopOnZero,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "1.2.0",
         .summary = "Set the expiration for a key as a UNIX timestamp",
         .complexity = "O(1)",
         .handler = CmdExpireAt})
      .KeySpecs({KS::Index(1).RW().Update()})
      .History({{"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."}})
      .Args(
          "key/key#0 unix-time-seconds/unix-time condition/oneof^7.0.0?[nx/pure-token=NX "
          "xx/pure-token=XX gt/pure-token=GT lt/pure-token=LT]");
  r.Add({.name = "pexpireat",
         .arity = -3,
         .flags = kWriteFast | CO::kNoopOnZero,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "2.6.0",
         .summary = "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
         .complexity = "O(1)",
         .handler = CmdPExpireAt})
      .KeySpecs({KS::Index(1).RW().Update()})
      .History({{"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."}})
      .Args(
          "key/key#0 unix-time-milliseconds/unix-time condition/oneof^7.0.0?[nx/pure-token=NX "
          "xx/pure-token=XX gt/pure-token=GT lt/pure-token=LT]");
  r.Add({.name = "ttl",
         .arity = 2,
         .flags = kReadFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "1.0.0",
         .summary = "Get the time to live for a key in seconds",
         .complexity = "O(1)",
         .handler = CmdTtl})
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output"})
      .History({{"2.8.0", "Added the -2 reply."}})
      .Args("key/key#0");
  r.Add({.name = "pttl",
         .arity = 2,
         .flags = kReadFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "2.6.0",
         .summary = "Get the time to live for a key in milliseconds",
         .complexity = "O(1)",
         .handler = CmdPTtl})
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output"})
      .History({{"2.8.0", "Added the -2 reply."}})
      .Args("key/key#0");
  r.Add({.name = "expiretime",
         .arity = 2,
         .flags = kReadFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "7.0.0",
         .summary = "Get the expiration Unix timestamp for a key",
         .complexity = "O(1)",
         .handler = CmdExpireTime})
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0");
  r.Add({.name = "pexpiretime",
         .arity = 2,
         .flags = kReadFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "7.0.0",
         .summary = "Get the expiration Unix timestamp for a key in milliseconds",
         .complexity = "O(1)",
         .handler = CmdPExpireTime})
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0");
  r.Add({.name = "persist",
         .arity = 2,
         .flags = kWriteFast | CO::kNoopOnZero,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "2.2.0",
         .summary = "Remove the expiration from a key",
         .complexity = "O(1)",
         .handler = CmdPersist})
      .KeySpecs({KS::Index(1).RW().Update()})
      .Args("key/key#0");
}

}  // namespace generic
}  // namespace fincache
