// Generic (keyspace) commands on named keys: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX COPY
// MOVE OBJECT. The TTL commands live in generic_family_expire.cpp, the whole-keyspace ones in
// generic_family_keyspace.cpp (see generic_family.h).
//
// MOVE and COPY ... DB n reach another database of the same engine. A key lives in the same shard
// in every database, so the shards the dispatcher locked (from the key positions) cover both the
// source and the destination.
#include "commands/generic_family.h"

#include <climits>
#include <optional>
#include <string>

#include "common/errors.h"
#include "common/strings.h"

namespace fincache {
namespace generic {

Entry* FindNoTouch(Db& db, std::string_view key) {
  Entry* e = db.Find(key);
  Shard& s = db.engine().shard(db.engine().ShardIndexOf(key));
  (e ? s.keyspace_hits : s.keyspace_misses).fetch_add(1, std::memory_order_relaxed);
  return e;
}

std::string_view ParseInt32(std::string_view s, int* out) {
  int64_t v;
  if (!ParseInt64(s, &v)) return errors::kNotInteger;
  if (v < INT_MIN || v > INT_MAX) return errors::kIntRange;
  *out = static_cast<int>(v);
  return {};
}

}  // namespace generic

namespace {

using generic::FindNoTouch;

// ---------------------------------------------------------------------------------------------
// Op* functions
// ---------------------------------------------------------------------------------------------

// Deletes every key that exists; a key named twice counts once.
int64_t OpDel(Db& db, CmdArgList keys) {
  int64_t deleted = 0;
  for (std::string_view key : keys) deleted += db.Delete(key) ? 1 : 0;
  return deleted;
}

// Counts the keys that exist; a key named twice counts twice (Redis).
int64_t OpExists(Db& db, CmdArgList keys) {
  int64_t found = 0;
  for (std::string_view key : keys) found += FindNoTouch(db, key) ? 1 : 0;
  return found;
}

// Like EXISTS, but every found key's LRU clock is refreshed.
int64_t OpTouch(Db& db, CmdArgList keys) {
  int64_t found = 0;
  for (std::string_view key : keys) found += db.FindRead(key) ? 1 : 0;
  return found;
}

// Moves the value, TTL and LRU clock of `e` (in `from`) to the absent key `to_key` of `to`, and
// removes `e`. Both keys' shards must be held.
void MoveEntry(Db& from, Entry* e, Db& to, std::string_view to_key) {
  Value value = std::move(e->value);
  const int64_t expire_ms = e->expire_ms;
  const uint32_t lru = e->lru;
  from.Delete(e);
  auto [dst, inserted] = to.FindOrInsert(to_key);
  dst->value = std::move(value);
  dst->lru = lru;
  if (expire_ms != 0) to.SetExpire(dst, expire_ms);
  to.AfterWrite(dst);
  to.TouchWatched(to_key);  // MOVE writes outside the client's db
}

// RENAME / RENAMENX. kNoSuchKey when src is missing; false when nx and dst exists (or src == dst
// under nx, as Redis answers 0 there). Both keys are looked up for writing, as Redis does, so
// their LRU clocks are refreshed (the renamed value shows an idle time of 0).
OpResult<bool> OpRename(Db& db, std::string_view src, std::string_view dst, bool nx) {
  Entry* e = db.FindWrite(src);
  if (!e) return OpStatus::kNoSuchKey;
  if (src == dst) return !nx;
  if (db.FindWrite(dst)) {
    if (nx) return false;
    db.Delete(dst);
  }
  MoveEntry(db, e, db, dst);
  return true;
}

// COPY: false when the source is missing, or the destination exists and !replace.
bool OpCopy(Db& src_db, std::string_view src, Db& dst_db, std::string_view dst, bool replace) {
  Entry* e = src_db.FindRead(src);
  if (!e) return false;
  if (dst_db.FindWrite(dst)) {
    if (!replace) return false;
    dst_db.Delete(dst);
  }
  auto [copy, inserted] = dst_db.FindOrInsert(dst);
  copy->value = e->value.Clone();
  if (e->expire_ms != 0) dst_db.SetExpire(copy, e->expire_ms);
  dst_db.AfterWrite(copy);
  dst_db.TouchWatched(dst);  // COPY ... DB writes outside the client's db
  return true;
}

// MOVE: false when the key is missing here or present in the target database.
bool OpMove(Db& src_db, Db& dst_db, std::string_view key) {
  Entry* e = src_db.FindWrite(key);
  if (!e) return false;
  if (dst_db.FindWrite(key)) return false;
  MoveEntry(src_db, e, dst_db, key);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Cmd* handlers
// ---------------------------------------------------------------------------------------------

// DEL key [key ...] -> integer: keys removed
// UNLINK key [key ...] -> integer: keys removed (values are freed inline: they are unlinked the
// same way, and FinCache has no lazy-free thread)
void CmdDel(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  // Without notifications nor watchers, no per-key event is needed.
  if (!ctx.engine.pubsub().Notifies(notify::kGeneric) && !ctx.engine.AnyWatched())
    return ctx.rb.SendLong(OpDel(db, args.subspan(1)));
  int64_t deleted = 0;
  for (std::string_view key : args.subspan(1)) {
    if (!db.Delete(key)) continue;
    ++deleted;
    ctx.Notify(notify::kGeneric, "del", key);
  }
  ctx.rb.SendLong(deleted);
}

// EXISTS key [key ...] -> integer: keys that exist, a repeated key counted each time
void CmdExists(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  ctx.rb.SendLong(OpExists(db, args.subspan(1)));
}

// TOUCH key [key ...] -> integer: keys that exist (their last access time is updated)
void CmdTouch(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  ctx.rb.SendLong(OpTouch(db, args.subspan(1)));
}

// TYPE key -> simple string: string|list|set|zset|hash|stream, or none
void CmdType(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  Entry* e = FindNoTouch(db, args[1]);
  ctx.rb.SendSimple(e ? TypeName(e->value.type()) : "none");
}

// RENAME key newkey -> OK; ERR no such key
// RENAMENX key newkey -> integer: 1 renamed, 0 newkey exists; ERR no such key
void RenameGeneric(CmdArgList args, CommandContext& ctx, bool nx) {
  Db db = ctx.db();
  OpResult<bool> r = OpRename(db, args[1], args[2], nx);
  if (!r) return ctx.SendStatus(r.status());
  if (*r && args[1] != args[2]) {
    ctx.Notify(notify::kGeneric, "rename_from", args[1]);
    ctx.Notify(notify::kGeneric, "rename_to", args[2]);
  }
  if (nx) return ctx.rb.SendLong(*r ? 1 : 0);
  ctx.rb.SendOk();
}
void CmdRename(CmdArgList args, CommandContext& ctx) { RenameGeneric(args, ctx, false); }
void CmdRenameNx(CmdArgList args, CommandContext& ctx) { RenameGeneric(args, ctx, true); }

// COPY source destination [DB destination-db] [REPLACE] -> integer: 1 copied, 0 not
void CmdCopy(CmdArgList args, CommandContext& ctx) {
  int dst_index = ctx.session.db_index;
  bool replace = false;
  for (size_t i = 3; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(args[i], "db") && i + 1 < args.size()) {
      if (auto err = generic::ParseInt32(args[++i], &dst_index); !err.empty())
        return ctx.SendError(err);
      if (dst_index < 0 || dst_index >= ctx.engine.db_count())
        return ctx.SendError(errors::kDbIndexOutOfRange);
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  if (dst_index == ctx.session.db_index && args[1] == args[2]) {
    return ctx.SendError(errors::kSameObject);
  }
  Db src = ctx.db();
  Db dst = ctx.db(dst_index);
  bool copied = OpCopy(src, args[1], dst, args[2], replace);
  if (copied) {
    ctx.Notify(notify::kGeneric, "copy_to", args[2], dst_index);
    // The dispatcher serves waiters of args[2] in the session's database only.
    if (dst_index != ctx.session.db_index) ctx.SignalReady(dst_index, args[2]);
  }
  ctx.rb.SendLong(copied ? 1 : 0);
}

// MOVE key db -> integer: 1 moved, 0 missing here or present there
void CmdMove(CmdArgList args, CommandContext& ctx) {
  int dst_index;
  if (auto err = generic::ParseInt32(args[2], &dst_index); !err.empty()) return ctx.SendError(err);
  if (dst_index < 0 || dst_index >= ctx.engine.db_count())
    return ctx.SendError(errors::kDbIndexOutOfRange);
  if (dst_index == ctx.session.db_index) return ctx.SendError(errors::kSameObject);
  Db src = ctx.db();
  Db dst = ctx.db(dst_index);
  bool moved = OpMove(src, dst, args[1]);
  if (moved) {
    ctx.Notify(notify::kGeneric, "move_from", args[1]);
    ctx.Notify(notify::kGeneric, "move_to", args[1], dst_index);
    ctx.SignalReady(dst_index, args[1]);
  }
  ctx.rb.SendLong(moved ? 1 : 0);
}

// ---- OBJECT ---------------------------------------------------------------------------------

bool LfuPolicy(CommandContext& ctx) { return ctx.engine.evictor().lfu(); }

// Redis shares the string objects of the integers 0..9999 (refcount INT_MAX) unless maxmemory is
// set with an LRU/LFU policy, which needs a per-key access clock.
bool SharedIntegersEnabled(CommandContext& ctx) {
  const Evictor& ev = ctx.engine.evictor();
  return ev.maxmemory() == 0 || !(IsLruPolicy(ev.policy()) || IsLfuPolicy(ev.policy()));
}

constexpr int64_t kSharedIntegers = 10000;  // OBJ_SHARED_INTEGERS
constexpr int64_t kSharedRefcount = INT_MAX;

// OBJECT ENCODING key -> bulk: the encoding name; nil when missing
void CmdObjectEncoding(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  Entry* e = FindNoTouch(db, args[2]);
  if (!e) return ctx.rb.SendNull();
  ctx.rb.SendBulk(e->value.encoding());
}

// OBJECT IDLETIME key -> integer: seconds since the last access; nil when missing. Errors under
// an LFU policy, as Redis.
void CmdObjectIdletime(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  Entry* e = FindNoTouch(db, args[2]);
  if (!e) return ctx.rb.SendNull();
  if (LfuPolicy(ctx)) return ctx.SendError(errors::kLfuSelected);
  ctx.rb.SendLong(static_cast<int64_t>(lru::IdleMs(e->lru, ctx.now_ms) / 1000));
}

// OBJECT FREQ key -> integer: the logarithmic access counter (decayed, not touched); nil when
// missing. Only kept under an LFU maxmemory-policy: an error otherwise, as Redis.
void CmdObjectFreq(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  Entry* e = FindNoTouch(db, args[2]);
  if (!e) return ctx.rb.SendNull();
  if (!LfuPolicy(ctx)) return ctx.SendError(errors::kLfuNotSelected);
  ctx.rb.SendLong(
      lfu::DecrAndReturn(e->lru, lfu::Minutes(ctx.now_ms), ctx.engine.evictor().lfu_decay_time()));
}

// OBJECT REFCOUNT key -> integer: 2147483647 for shared small integers, else 1; nil when missing
void CmdObjectRefcount(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  Entry* e = FindNoTouch(db, args[2]);
  if (!e) return ctx.rb.SendNull();
  const Value& v = e->value;
  int64_t n;
  bool shared = v.is_string() && v.str_encoding() == StrEncoding::kInt && ParseInt64(v.str(), &n) &&
                n >= 0 && n < kSharedIntegers && SharedIntegersEnabled(ctx);
  ctx.rb.SendLong(shared ? kSharedRefcount : 1);
}

// OBJECT HELP -> array of simple strings
void CmdObjectHelp(CmdArgList, CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.StartArray(std::size(kLines));
  for (std::string_view line : kLines) ctx.rb.SendSimple(line);
}

}  // namespace

void RegisterGenericFamily(CommandRegistry& r) {
  constexpr uint64_t kKs = ACL::kKeyspace;
  r.Add({.name = "del",
         .arity = -2,
         .flags = CO::kWrite | CO::kNoopOnZero,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "1.0.0",
         .summary = "Delete a key",
         .complexity =
             "O(N) where N is the number of keys that will be removed. When a key to remove "
             "holds a value other than a string, the individual complexity for this key is "
             "O(M) where M is the number of elements in the list, set, sorted set or hash. "
             "Removing a single key that holds a string value is O(1).",
         .handler = CmdDel})
      .KeySpecs({KS::Index(1).Range(-1).RM().Delete()})
      .Tips({"request_policy:multi_shard", "response_policy:agg_sum"})
      .Args("key/key#0*");
  r.Add({.name = "unlink",
         .arity = -2,
         .flags = CO::kWrite | CO::kFast | CO::kNoopOnZero,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "4.0.0",
         .summary = "Delete a key asynchronously in another thread. Otherwise it is just as DEL, "
                    "but non blocking.",
         .complexity =
             "O(1) for each key removed regardless of its size. Then the command does O(N) "
             "work in a different thread in order to reclaim memory, where N is the number "
             "of allocations the deleted objects where composed of.",
         .handler = CmdDel})
      .KeySpecs({KS::Index(1).Range(-1).RM().Delete()})
      .Tips({"request_policy:multi_shard", "response_policy:agg_sum"})
      .Args("key/key#0*");
  r.Add({.name = "exists",
         .arity = -2,
         .flags = CO::kReadOnly | CO::kFast,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "1.0.0",
         .summary = "Determine if a key exists",
         .complexity = "O(N) where N is the number of keys to check.",
         .handler = CmdExists})
      .KeySpecs({KS::Index(1).Range(-1).RO()})
      .Tips({"request_policy:multi_shard", "response_policy:agg_sum"})
      .History({{"3.0.3", "Accepts multiple `key` arguments."}})
      .Args("key/key#0*");
  r.Add({.name = "touch",
         .arity = -2,
         .flags = CO::kReadOnly | CO::kFast,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "3.2.1",
         .summary = "Alters the last access time of a key(s). Returns the number of existing keys "
                    "specified.",
         .complexity = "O(N) where N is the number of keys that will be touched.",
         .handler = CmdTouch})
      .KeySpecs({KS::Index(1).Range(-1).RO()})
      .Tips({"request_policy:multi_shard", "response_policy:agg_sum"})
      .Args("key/key#0*");
  r.Add({.name = "type",
         .arity = 2,
         .flags = CO::kReadOnly | CO::kFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "1.0.0",
         .summary = "Determine the type stored at key",
         .complexity = "O(1)",
         .handler = CmdType})
      .KeySpecs({KS::Index(1).RO()})
      .Args("key/key#0");
  r.Add({.name = "rename",
         .arity = 3,
         .flags = CO::kWrite,
         .first_key = 1,
         .last_key = 2,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "1.0.0",
         .summary = "Rename a key",
         .complexity = "O(1)",
         .handler = CmdRename})
      .KeySpecs({KS::Index(1).RW().Access().Delete(), KS::Index(2).OW().Update()})
      .Args("key/key#0 newkey/key#1");
  r.Add({.name = "renamenx",
         .arity = 3,
         .flags = CO::kWrite | CO::kFast | CO::kNoopOnZero,
         .first_key = 1,
         .last_key = 2,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "1.0.0",
         .summary = "Rename a key, only if the new key does not exist",
         .complexity = "O(1)",
         .handler = CmdRenameNx})
      .KeySpecs({KS::Index(1).RW().Access().Delete(), KS::Index(2).OW().Insert()})
      .History({{"3.2.0",
                 "The command no longer returns an error when source and destination names are the "
                 "same."}})
      .Args("key/key#0 newkey/key#1");
  r.Add({.name = "copy",
         .arity = -3,
         .flags = CO::kWrite | CO::kDenyOom | CO::kNoopOnZero,
         .first_key = 1,
         .last_key = 2,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "6.2.0",
         .summary = "Copy a key",
         .complexity = "O(N) worst case for collections, where N is the number of nested items. "
                       "O(1) for string values.",
         .handler = CmdCopy})
      .KeySpecs({KS::Index(1).RO().Access(), KS::Index(2).OW().Update()})
      .Args(
          "source/key#0 destination/key#1 destination-db/integer=DB? replace/pure-token=REPLACE?");
  r.Add({.name = "move",
         .arity = 3,
         .flags = CO::kWrite | CO::kFast | CO::kNoopOnZero,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kKs,
         .group = "generic",
         .since = "1.0.0",
         .summary = "Move a key to another database",
         .complexity = "O(1)",
         .handler = CmdMove})
      .KeySpecs({KS::Index(1).RW().Access().Update()})
      .Args("key/key#0 db/integer");

  r.Add({.name = "object",
         .arity = -2,
         .group = "generic",
         .since = "2.2.3",
         .summary = "A container for object introspection commands",
         .complexity = "Depends on subcommand."});
  r.AddSub("object", {.name = "encoding",
                      .arity = 3,
                      .flags = CO::kReadOnly,
                      .first_key = 2,
                      .last_key = 2,
                      .key_step = 1,
                      .acl = kKs,
                      .since = "2.2.3",
                      .summary = "Inspect the internal encoding of a Redis object",
                      .complexity = "O(1)",
                      .handler = CmdObjectEncoding})
      .KeySpecs({KS::Index(2).RO()})
      .Tips({"nondeterministic_output"})
      .Args("key/key#0");
  r.AddSub("object", {.name = "freq",
                      .arity = 3,
                      .flags = CO::kReadOnly,
                      .first_key = 2,
                      .last_key = 2,
                      .key_step = 1,
                      .acl = kKs,
                      .since = "4.0.0",
                      .summary = "Get the logarithmic access frequency counter of a Redis object",
                      .complexity = "O(1)",
                      .handler = CmdObjectFreq})
      .KeySpecs({KS::Index(2).RO()})
      .Tips({"nondeterministic_output"})
      .Args("key/key#0");
  r.AddSub("object", {.name = "idletime",
                      .arity = 3,
                      .flags = CO::kReadOnly,
                      .first_key = 2,
                      .last_key = 2,
                      .key_step = 1,
                      .acl = kKs,
                      .since = "2.2.3",
                      .summary = "Get the time since a Redis object was last accessed",
                      .complexity = "O(1)",
                      .handler = CmdObjectIdletime})
      .KeySpecs({KS::Index(2).RO()})
      .Tips({"nondeterministic_output"})
      .Args("key/key#0");
  r.AddSub("object", {.name = "refcount",
                      .arity = 3,
                      .flags = CO::kReadOnly,
                      .first_key = 2,
                      .last_key = 2,
                      .key_step = 1,
                      .acl = kKs,
                      .since = "2.2.3",
                      .summary = "Get the number of references to the value of the key",
                      .complexity = "O(1)",
                      .handler = CmdObjectRefcount})
      .KeySpecs({KS::Index(2).RO()})
      .Tips({"nondeterministic_output"})
      .Args("key/key#0");
  r.AddSub("object", {.name = "help",
                      .arity = 2,
                      .flags = CO::kLoading | CO::kStale,
                      .acl = kKs,
                      .since = "6.2.0",
                      .summary = "Show helpful text about the different subcommands",
                      .complexity = "O(1)",
                      .handler = CmdObjectHelp});

  generic::RegisterExpireCommands(r);
  generic::RegisterKeyspaceCommands(r);
  generic::RegisterDumpCommands(r);
}

}  // namespace fincache
