// DUMP and RESTORE: a key's value in Redis's serialized form (RDB value encoding + RDB version
// + CRC-64, see persist/rdb.h), so values move between FinCache and Redis in both directions.
#include <cstdint>
#include <string>

#include "commands/generic_family.h"
#include "common/errors.h"
#include "common/strings.h"
#include "persist/rdb.h"

namespace fincache::generic {
namespace {

// DUMP key -> bulk: the serialized value; nil when the key is missing
void CmdDump(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  Entry* e = db.FindRead(args[1]);
  if (!e) return ctx.rb.SendNull();
  ctx.rb.SendBulk(persist::CreateDumpPayload(e->value));
}

struct RestoreOptions {
  bool replace = false;
  bool absttl = false;
  int64_t idletime = -1;  // seconds, -1: not given
  int64_t freq = -1;      // 0..255, -1: not given
};

// Redis's option loop: IDLETIME and FREQ exclude each other (the later one is a syntax error).
std::string_view ParseRestoreOptions(CmdArgList args, RestoreOptions* o) {
  for (size_t j = 4; j < args.size(); ++j) {
    const bool has_value = j + 1 < args.size();
    if (EqualsIgnoreCase(args[j], "replace")) {
      o->replace = true;
    } else if (EqualsIgnoreCase(args[j], "absttl")) {
      o->absttl = true;
    } else if (EqualsIgnoreCase(args[j], "idletime") && has_value && o->freq == -1) {
      if (!ParseInt64(args[j + 1], &o->idletime)) return errors::kNotInteger;
      if (o->idletime < 0) return errors::kRestoreInvalidIdletime;
      ++j;
    } else if (EqualsIgnoreCase(args[j], "freq") && has_value && o->idletime == -1) {
      if (!ParseInt64(args[j + 1], &o->freq)) return errors::kNotInteger;
      if (o->freq < 0 || o->freq > 255) return errors::kRestoreInvalidFreq;
      ++j;
    } else {
      return errors::kSyntax;
    }
  }
  return {};
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
//   -> simple string OK. ttl is in ms (0: none; with ABSTTL a unix time in ms); a TTL already
//   in the past answers OK without creating the key (an existing one is still replaced away).
//   IDLETIME sets the LRU clock (under a non-LFU policy), FREQ the LFU counter (under an LFU
//   policy), as Redis.
void CmdRestore(CmdArgList args, CommandContext& ctx) {
  RestoreOptions opts;
  if (auto err = ParseRestoreOptions(args, &opts); !err.empty()) return ctx.SendError(err);
  Db db = ctx.db();
  const std::string_view key = args[1];
  if (!opts.replace && db.FindWrite(key)) return ctx.SendError(errors::kBusyKey);
  int64_t ttl;
  if (!ParseInt64(args[2], &ttl)) return ctx.SendError(errors::kNotInteger);
  if (ttl < 0) return ctx.SendError(errors::kRestoreInvalidTtl);

  Value value;
  switch (persist::ParseDumpPayload(args[3], &value)) {
    case persist::DumpError::kVersionOrChecksum:
      return ctx.SendError(errors::kDumpPayloadInvalid);
    case persist::DumpError::kBadFormat:
      return ctx.SendError(errors::kBadDataFormat);
    case persist::DumpError::kOk:
      break;
  }
  bool deleted = opts.replace && db.Delete(key);
  // Relative TTLs become absolute; Redis adds without an overflow check, so a huge TTL wraps
  // into the past (two's complement) and the key is not created, as there.
  int64_t when = ttl;
  if (ttl != 0 && !opts.absttl)
    when = static_cast<int64_t>(static_cast<uint64_t>(ttl) + static_cast<uint64_t>(ctx.now_ms));
  if (ttl != 0 && when <= ctx.now_ms && !ctx.engine.loading()) {
    ctx.PropagateNothing();
    if (deleted) {
      ctx.Notify(notify::kGeneric, "del", key);
      ctx.PropagateAs({"DEL", key});
    }
    return ctx.rb.SendOk();
  }
  // A relative TTL is propagated as absolute (the time argument rewritten, ABSTTL added).
  if (ttl != 0 && !opts.absttl && ctx.propagating()) {
    std::vector<std::string> argv(args.begin(), args.end());
    argv[2] = std::to_string(when);
    argv.push_back("ABSTTL");
    ctx.PropagateAs(std::move(argv));
  }

  auto [e, inserted] = db.FindOrInsert(key);
  e->value = std::move(value);
  if (ttl != 0) db.SetExpire(e, when);
  // Redis's objectSetLRUOrLFU: FREQ counts under an LFU policy, IDLETIME under the others.
  ctx.engine.SetAccessHint(e, opts.freq, opts.idletime, ctx.now_ms);
  db.AfterWrite(e);
  ctx.Notify(notify::kGeneric, "restore", key);
  ctx.rb.SendOk();
}

}  // namespace

void RegisterDumpCommands(CommandRegistry& r) {
  r.Add({.name = "dump",
         .arity = 2,
         .flags = CO::kReadOnly,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = ACL::kKeyspace,
         .group = "generic",
         .since = "2.6.0",
         .summary = "Return a serialized version of the value stored at the specified key.",
         .complexity = "O(1) to access the key and additional O(N*M) to serialize it, where N is "
                       "the number of Redis objects composing the value and M their average "
                       "size. For small string values the time complexity is thus O(1)+O(1*M) "
                       "where M is small, so simply O(1).",
         .handler = CmdDump})
      .KeySpecs({KS::Index(1).RO().Access()})
      .Tips({"nondeterministic_output"})
      .Args("key/key#0");
  r.Add({.name = "restore",
         .arity = -4,
         .flags = CO::kWrite | CO::kDenyOom,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = ACL::kKeyspace | ACL::kDangerous,
         .group = "generic",
         .since = "2.6.0",
         .summary = "Create a key using the provided serialized value, previously obtained using "
                    "DUMP.",
         .complexity = "O(1) to create the new key and additional O(N*M) to reconstruct the "
                       "serialized value, where N is the number of Redis objects composing the "
                       "value and M their average size. For small string values the time "
                       "complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However "
                       "for sorted set values the complexity is O(N*M*log(N)) because inserting "
                       "values into sorted sets is O(log(N)).",
         .handler = CmdRestore})
      .KeySpecs({KS::Index(1).OW().Update()})
      .History({{"3.0.0", "Added the `REPLACE` modifier."},
                {"5.0.0", "Added the `ABSTTL` modifier."},
                {"5.0.0", "Added the `IDLETIME` and `FREQ` options."}})
      .Args(
          "key/key#0 ttl/integer serialized-value/string replace/pure-token=REPLACE^3.0.0? "
          "absttl/pure-token=ABSTTL^5.0.0? seconds/integer=IDLETIME^5.0.0? "
          "frequency/integer=FREQ^5.0.0?");
}

}  // namespace fincache::generic
