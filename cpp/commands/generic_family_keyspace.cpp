// Generic family, whole-keyspace commands: KEYS SCAN RANDOMKEY DBSIZE FLUSHDB FLUSHALL SWAPDB
// (all CO::kGlobal: they run alone holding the exclusive gate, so they walk every shard's table
// without shard locks), and SELECT.
//
// Expired keys are never returned: KEYS skips them (Redis's keyIsExpired filter), SCAN deletes
// the ones it visits that match its pattern, RANDOMKEY deletes them and draws again.
#include <bit>
#include <random>
#include <string>
#include <vector>

#include "commands/generic_family.h"
#include "common/errors.h"
#include "common/strings.h"

namespace fincache {
namespace {

// ---------------------------------------------------------------------------------------------
// SCAN cursor
// ---------------------------------------------------------------------------------------------
//
// The keyspace of a db is one KeyTable per shard, and a key always lives in the same shard. SCAN
// walks the shards in index order and each shard's table with the table's own reverse-binary
// cursor, so a SCAN cursor is the pair (shard index, table cursor), encoded as
//
//     cursor = (table_cursor << shard_bits) | shard_index      shard_bits = log2(shard_count)
//
// Cursor 0 is (shard 0, table cursor 0): the start; when the last shard's table cursor wraps to 0
// the scan replies 0: the end. A table cursor is below the table's bucket count (at most 2^32),
// so the encoding fits in 64 bits. Because a shard is finished before the next one starts and
// KeyTable::Scan returns every element present for the whole scan of its table across any growth
// or shrink, every key present for the whole SCAN is returned at least once (some may come twice
// after a shrink), as Redis guarantees. Any 64-bit value decodes to some (shard, cursor): a
// made-up cursor never fails, like Redis.
struct ScanCursor {
  size_t shard;
  uint64_t table_cursor;
};

int ShardBits(const Engine& engine) { return std::countr_zero(engine.shard_count()); }

ScanCursor DecodeCursor(const Engine& engine, uint64_t cursor) {
  const int bits = ShardBits(engine);
  return {static_cast<size_t>(cursor & (engine.shard_count() - 1)), cursor >> bits};
}

uint64_t EncodeCursor(const Engine& engine, ScanCursor c) {
  return (c.table_cursor << ShardBits(engine)) | c.shard;
}

// Redis's parseScanCursorOrReply: strtoul base 10 over the whole argument: an optional sign
// ("-1" wraps to 2^64-1), digits, nothing after; empty is 0; a leading space or overflow is
// invalid.
bool ParseScanCursor(std::string_view s, uint64_t* out) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (s.empty()) {
    *out = 0;
    return true;
  }
  if (i == s.size()) return false;  // a sign alone: no digits consumed
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;  // ERANGE
    v = v * 10 + d;
  }
  *out = negative ? uint64_t{0} - v : v;
  return true;
}

struct ScanOptions {
  uint64_t count = 10;
  std::string_view pattern;  // empty: no MATCH (or MATCH *)
  bool has_type = false;
  std::string_view type_name;
};

// Scans from `cursor`, visiting buckets until about opts.count keys were seen (Redis counts keys
// before filtering) or count*10 buckets were visited. Matching live keys go to *out; returns the
// next cursor.
uint64_t OpScan(Engine& engine, int db, int64_t now_ms, uint64_t cursor, const ScanOptions& opts,
                std::vector<std::string_view>* out) {
  ScanCursor c = DecodeCursor(engine, cursor);
  uint64_t seen = 0;
  uint64_t budget = opts.count > UINT64_MAX / 10 ? UINT64_MAX : opts.count * 10;
  // Filters in Redis's order: pattern, then type (a keyspace lookup in Redis, so it counts a hit
  // or, for an expired key, a miss), then expiry. An expired key that passed the pattern is
  // deleted on the way (lazy expiry, as Redis's SCAN does); KeyTable::Scan allows erasing the
  // element being visited.
  Db view(engine, db, now_ms);
  auto visit = [&](std::string_view key, Entry& e) {
    ++seen;
    if (!opts.pattern.empty() && !GlobMatch(opts.pattern, key)) return;
    const bool expired = e.expire_ms != 0 && e.expire_ms <= now_ms;
    if (opts.has_type) {
      Shard& shard = engine.shard(c.shard);
      (expired ? shard.keyspace_misses : shard.keyspace_hits)
          .fetch_add(1, std::memory_order_relaxed);
    }
    if (expired) {
      view.Find(key);  // deletes it and counts it as expired; `key` dangles afterwards
      return;
    }
    if (opts.has_type && !EqualsIgnoreCase(opts.type_name, TypeName(e.value.type()))) return;
    out->emplace_back(key);
  };
  while (true) {
    KeyTable<Entry>& table = engine.shard(c.shard).dbs[db].table;
    if (!table.empty()) {
      c.table_cursor = table.Scan(c.table_cursor, visit);
      --budget;
    } else {
      c.table_cursor = 0;
    }
    if (c.table_cursor == 0) {
      if (++c.shard == engine.shard_count()) return 0;
    }
    if (seen >= opts.count || budget == 0) return EncodeCursor(engine, c);
  }
}

thread_local std::mt19937_64 tl_rng{std::random_device{}()};

// A random live key of the db, or false when it has none. Draws a shard weighted by its key count
// (so every key is about equally likely), then a key of its table; an expired draw is deleted
// (lazy expiry) and the draw repeats, so this ends: each round returns or removes a key.
bool OpRandomKey(Engine& engine, Db& db, std::string* out) {
  while (true) {
    size_t total = 0;
    for (size_t i = 0; i < engine.shard_count(); ++i)
      total += engine.shard(i).dbs[db.index()].table.size();
    if (total == 0) return false;
    size_t pick = std::uniform_int_distribution<size_t>(0, total - 1)(tl_rng);
    size_t shard = 0;
    for (;; ++shard) {
      size_t n = engine.shard(shard).dbs[db.index()].table.size();
      if (pick < n) break;
      pick -= n;
    }
    Entry* e = engine.shard(shard).dbs[db.index()].table.Random(tl_rng());
    std::string_view key = Db::KeyOf(e);
    if (!db.IsExpired(*e)) {
      out->assign(key);
      return true;
    }
    db.Find(key);  // deletes it and counts it as expired
  }
}

// ---------------------------------------------------------------------------------------------
// Cmd* handlers
// ---------------------------------------------------------------------------------------------

// KEYS pattern -> array: every live key matching the glob
void CmdKeys(CmdArgList args, CommandContext& ctx) {
  const std::string_view pattern = args[1];
  const bool all = pattern == "*";
  std::vector<std::string_view> keys;
  for (size_t i = 0; i < ctx.engine.shard_count(); ++i) {
    ctx.engine.shard(i).dbs[ctx.session.db_index].table.ForEach(
        [&](std::string_view key, Entry& e) {
          if (e.expire_ms != 0 && e.expire_ms <= ctx.now_ms) return;
          if (all || GlobMatch(pattern, key)) keys.push_back(key);
        });
  }
  ctx.rb.SendBulkArray(keys);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] -> [bulk next cursor, array of keys]
void CmdScan(CmdArgList args, CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(args[1], &cursor)) return ctx.SendError(errors::kInvalidCursor);
  ScanOptions opts;
  for (size_t i = 2; i < args.size(); i += 2) {
    const bool has_value = i + 1 < args.size();
    if (EqualsIgnoreCase(args[i], "count") && has_value) {
      int64_t count;
      if (!ParseInt64(args[i + 1], &count)) return ctx.SendError(errors::kNotInteger);
      if (count < 1) return ctx.SendError(errors::kSyntax);
      opts.count = static_cast<uint64_t>(count);
    } else if (EqualsIgnoreCase(args[i], "match") && has_value) {
      opts.pattern = args[i + 1] == "*" ? std::string_view() : args[i + 1];
    } else if (EqualsIgnoreCase(args[i], "type") && has_value) {
      // Redis 7.0 accepts any name: an unknown type just matches nothing.
      opts.has_type = true;
      opts.type_name = args[i + 1];
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  // Views into the tables: nothing changes them while this command holds the exclusive gate.
  std::vector<std::string_view> keys;
  uint64_t next = OpScan(ctx.engine, ctx.session.db_index, ctx.now_ms, cursor, opts, &keys);
  ctx.rb.StartArray(2);
  ctx.rb.SendBulk(std::to_string(next));
  ctx.rb.SendBulkArray(keys);
}

// RANDOMKEY -> bulk: a random live key; nil when the db is empty
void CmdRandomKey(CmdArgList, CommandContext& ctx) {
  Db db = ctx.db();
  std::string key;
  if (!OpRandomKey(ctx.engine, db, &key)) return ctx.rb.SendNull();
  ctx.rb.SendBulk(key);
}

// DBSIZE -> integer: keys in the selected db (not yet reaped expired keys included, as Redis)
void CmdDbSize(CmdArgList, CommandContext& ctx) {
  ctx.rb.SendLong(ctx.engine.DbSize(ctx.session.db_index));
}

// FLUSHDB [ASYNC|SYNC] / FLUSHALL [ASYNC|SYNC] -> OK. Both modes free inline.
bool ParseFlushMode(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 2 || (args.size() == 2 && !EqualsIgnoreCase(args[1], "sync") &&
                          !EqualsIgnoreCase(args[1], "async"))) {
    ctx.SendError(errors::kSyntax);
    return false;
  }
  return true;
}

void CmdFlushDb(CmdArgList args, CommandContext& ctx) {
  if (!ParseFlushMode(args, ctx)) return;
  ctx.engine.FlushDb(ctx.session.db_index);
  ctx.rb.SendOk();
}

void CmdFlushAll(CmdArgList args, CommandContext& ctx) {
  if (!ParseFlushMode(args, ctx)) return;
  ctx.engine.FlushAll();
  ctx.rb.SendOk();
}

// SWAPDB index1 index2 -> OK
void CmdSwapDb(CmdArgList args, CommandContext& ctx) {
  int a, b;
  if (!generic::ParseInt32(args[1], &a).empty()) return ctx.SendError(errors::kInvalidFirstDbIndex);
  if (!generic::ParseInt32(args[2], &b).empty())
    return ctx.SendError(errors::kInvalidSecondDbIndex);
  const int n = ctx.engine.db_count();
  if (a < 0 || a >= n || b < 0 || b >= n) return ctx.SendError(errors::kDbIndexOutOfRange);
  ctx.engine.SwapDb(a, b);
  // As Redis's scanDatabaseForReadyKeys: clients blocked on keys of either database are
  // served if the swapped-in data has them.
  if (ctx.ready && ctx.engine.blocking().Any()) {
    for (int index : {a, b})
      for (std::string& key : ctx.engine.blocking().WaitingKeys(index))
        ctx.ready->push_back({index, std::move(key)});
  }
  ctx.rb.SendOk();
}

// SELECT index -> OK
void CmdSelect(CmdArgList args, CommandContext& ctx) {
  int index;
  if (auto err = generic::ParseInt32(args[1], &index); !err.empty()) return ctx.SendError(err);
  if (index < 0 || index >= ctx.engine.db_count()) return ctx.SendError(errors::kDbIndexOutOfRange);
  ctx.session.db_index = index;
  ctx.rb.SendOk();
}

}  // namespace

namespace generic {

void RegisterKeyspaceCommands(CommandRegistry& r) {
  constexpr uint64_t kKs = ACL::kKeyspace;
  r.Add({.name = "keys",
         .arity = 2,
         .flags = CO::kReadOnly | CO::kGlobal,
         .acl = kKs | ACL::kDangerous,
         .group = "generic",
         .since = "1.0.0",
         .summary = "Find all keys matching the given pattern",
         .complexity =
             "O(N) with N being the number of keys in the database, under the assumption "
             "that the key names in the database and the given pattern have limited length.",
         .handler = CmdKeys})
      .Tips({"request_policy:all_shards", "nondeterministic_output_order"})
      .Args("pattern/pattern");
  r.Add({.name = "scan",
         .arity = -2,
         .flags = CO::kReadOnly | CO::kGlobal,
         .acl = kKs,
         .group = "generic",
         .since = "2.8.0",
         .summary = "Incrementally iterate the keys space",
         .complexity =
             "O(1) for every call. O(N) for a complete iteration, including enough command "
             "calls for the cursor to return back to 0. N is the number of elements inside "
             "the collection.",
         .handler = CmdScan})
      .Tips({"nondeterministic_output", "request_policy:special"})
      .History({{"6.0.0", "Added the `TYPE` subcommand."}})
      .Args("cursor/integer pattern/pattern=MATCH? count/integer=COUNT? type/string=TYPE^6.0.0?");
  r.Add({.name = "randomkey",
         .arity = 1,
         .flags = CO::kReadOnly | CO::kGlobal,
         .acl = kKs,
         .group = "generic",
         .since = "1.0.0",
         .summary = "Return a random key from the keyspace",
         .complexity = "O(1)",
         .handler = CmdRandomKey})
      .Tips({"request_policy:all_shards", "nondeterministic_output"});
  r.Add({.name = "dbsize",
         .arity = 1,
         .flags = CO::kReadOnly | CO::kFast | CO::kGlobal,
         .acl = kKs,
         .group = "server",
         .since = "1.0.0",
         .summary = "Return the number of keys in the selected database",
         .complexity = "O(1)",
         .handler = CmdDbSize})
      .Tips({"request_policy:all_shards", "response_policy:agg_sum"});
  r.Add({.name = "flushdb",
         .arity = -1,
         .flags = CO::kWrite | CO::kGlobal,
         .acl = kKs | ACL::kDangerous,
         .group = "server",
         .since = "1.0.0",
         .summary = "Remove all keys from the current database",
         .complexity = "O(N) where N is the number of keys in the selected database",
         .handler = CmdFlushDb})
      .Tips({"request_policy:all_shards", "response_policy:all_succeeded"})
      .History({{"4.0.0", "Added the `ASYNC` flushing mode modifier."},
                {"6.2.0", "Added the `SYNC` flushing mode modifier."}})
      .Args("async/oneof?[async/pure-token=ASYNC^4.0.0 sync/pure-token=SYNC^6.2.0]");
  r.Add({.name = "flushall",
         .arity = -1,
         .flags = CO::kWrite | CO::kGlobal,
         .acl = kKs | ACL::kDangerous,
         .group = "server",
         .since = "1.0.0",
         .summary = "Remove all keys from all databases",
         .complexity = "O(N) where N is the total number of keys in all databases",
         .handler = CmdFlushAll})
      .Tips({"request_policy:all_shards", "response_policy:all_succeeded"})
      .History({{"4.0.0", "Added the `ASYNC` flushing mode modifier."},
                {"6.2.0", "Added the `SYNC` flushing mode modifier."}})
      .Args("async/oneof?[async/pure-token=ASYNC^4.0.0 sync/pure-token=SYNC^6.2.0]");
  r.Add({.name = "swapdb",
         .arity = 3,
         .flags = CO::kWrite | CO::kFast | CO::kGlobal,
         .acl = kKs | ACL::kDangerous,
         .group = "server",
         .since = "4.0.0",
         .summary = "Swaps two Redis databases",
         .complexity = "O(N) where N is the count of clients watching or blocking on keys from "
                       "both databases.",
         .handler = CmdSwapDb})
      .Args("index1/integer index2/integer");
  r.Add({.name = "select",
         .arity = 2,
         .flags = CO::kLoading | CO::kStale | CO::kFast,
         .acl = ACL::kConnection,
         .group = "connection",
         .since = "1.0.0",
         .summary = "Change the selected database for the current connection",
         .complexity = "O(1)",
         .handler = CmdSelect})
      .Args("index/integer");
}

}  // namespace generic
}  // namespace fincache
