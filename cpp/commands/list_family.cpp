// List commands (non-blocking): LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET
// LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH LMPOP.
//
// Lists are ListValue (types/list.h), OBJECT ENCODING "quicklist" as in Redis 7.0. A list key is
// never empty: a command that removes the last element deletes the key. Reads look keys up with
// FindRead (keyspace hits/misses, LRU), writes with FindWrite (lazy expiry, LRU, no stats), as
// Redis's lookupKeyRead/lookupKeyWrite. Argument checks happen in Redis's order: some before the
// key lookup (LRANGE/LTRIM/LREM indexes, LPOP count, LPOS options, LINSERT/LMOVE directions),
// some after (LINDEX/LSET index), which decides whether a bad argument or WRONGTYPE wins.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "common/errors.h"
#include "common/strings.h"
#include "protocol/reply_builder.h"
#include "types/list.h"

namespace fincache {

namespace {

using End = ListValue::End;

// ============================================================================================
// Lookups
// ============================================================================================

ListValue* AsList(Entry* e) { return e->value.As<ListValue>(); }

// lookupKeyRead + type check: kKeyNotFound, kWrongType or the list.
OpResult<const ListValue*> FindListRead(Db& db, std::string_view key) {
  auto res = db.FindReadOfType(key, ObjType::kList);
  if (!res) return res.status();
  return static_cast<const ListValue*>(AsList(*res));
}

// lookupKeyWrite + type check: kKeyNotFound, kWrongType or the entry.
OpResult<Entry*> FindListWrite(Db& db, std::string_view key) {
  Entry* e = db.FindWrite(key);
  if (!e) return OpStatus::kKeyNotFound;
  if (e->value.type() != ObjType::kList) return OpStatus::kWrongType;
  return e;
}

// Creates an empty list at a missing key (the caller pushes at least one element).
ListValue* CreateList(Db& db, std::string_view key) {
  Entry* e = db.FindOrInsert(key).first;
  auto list = std::make_unique<ListValue>();
  ListValue* raw = list.get();
  e->value.SetObject(std::move(list));
  return raw;
}

// Deletes the key when its list became empty.
void DeleteIfEmpty(Db& db, Entry* e) {
  if (AsList(e)->empty()) db.Delete(e);
}

// Keyspace notifications after a pop from `key` (event "lpop"/"rpop"): "del" too when the pop
// emptied and deleted the list (`deleted`).
void NotifyPop(CommandContext& ctx, std::string_view key, End end, bool deleted) {
  ctx.Notify(notify::kList, end == End::kHead ? "lpop" : "rpop", key);
  if (deleted) ctx.Notify(notify::kGeneric, "del", key);
}

// "left"/"right" (LMOVE, LMPOP); false otherwise.
bool ParseLeftRight(std::string_view arg, End* end) {
  if (EqualsIgnoreCase(arg, "left")) {
    *end = End::kHead;
  } else if (EqualsIgnoreCase(arg, "right")) {
    *end = End::kTail;
  } else {
    return false;
  }
  return true;
}

// Redis's index normalization for LINDEX/LSET: a position, or -1 when out of range.
int64_t NormalizeIndex(int64_t index, size_t size) {
  int64_t len = static_cast<int64_t>(size);
  if (index < 0) index += len;
  return (index < 0 || index >= len) ? -1 : index;
}

// ============================================================================================
// Op* functions
// ============================================================================================

// LPUSH/RPUSH/LPUSHX/RPUSHX: the list's new length (0 for the X forms on a missing key).
OpResult<int64_t> OpPush(Db& db, std::string_view key, End end, CmdArgList values,
                         bool only_if_exists) {
  auto res = FindListWrite(db, key);
  ListValue* list;
  if (res) {
    list = AsList(*res);
  } else if (res.status() == OpStatus::kKeyNotFound) {
    if (only_if_exists) return 0;
    list = CreateList(db, key);
  } else {
    return res.status();
  }
  for (std::string_view v : values) list->Push(end, v);
  return static_cast<int64_t>(list->size());
}

// Pops up to count elements from one end; deletes the key when it empties.
std::vector<std::string> PopN(Db& db, Entry* e, End end, uint64_t count) {
  ListValue* list = AsList(e);
  size_t n = static_cast<size_t>(std::min<uint64_t>(count, list->size()));
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(list->Pop(end));
  DeleteIfEmpty(db, e);
  return out;
}

// LMOVE/RPOPLPUSH: the moved element (kKeyNotFound: the source is missing). Redis's order: the
// source is checked, then the destination's type, then pop, push, and the source is deleted if
// it emptied (never when source == destination: the element comes right back).
OpResult<std::string> OpMove(Db& db, std::string_view src, std::string_view dst, End from, End to) {
  auto sres = FindListWrite(db, src);
  if (!sres) return sres.status();
  Entry* se = *sres;
  Entry* de = db.FindWrite(dst);
  if (de && de->value.type() != ObjType::kList) return OpStatus::kWrongType;
  std::string value = AsList(se)->Pop(from);
  ListValue* dlist = de ? AsList(de) : CreateList(db, dst);
  dlist->Push(to, value);
  DeleteIfEmpty(db, se);
  return value;
}

// LPOS's options.
struct LposParams {
  int64_t rank = 1;             // 1-based match rank, negative: from the tail
  int64_t count = -1;           // -1: not given (single reply); 0: all matches
  int64_t maxlen = 0;           // 0: the whole list
  bool unbounded_rank = false;  // RANK -9223372036854775808 (see OpLpos)
};

// LPOS: the matching positions (from the head), at most one without COUNT.
std::vector<int64_t> OpLpos(const ListValue& list, std::string_view element, const LposParams& p) {
  std::vector<int64_t> out;
  const bool from_tail = p.rank < 0;
  // Redis negates the rank to count from the tail; -LLONG_MIN stays negative, so every match
  // satisfies "matches >= rank" and the COUNT limit never triggers. Reproduced here.
  const int64_t rank = p.unbounded_rank ? 1 : (from_tail ? -p.rank : p.rank);
  const bool limit_by_count = p.count > 0 && !p.unbounded_rank;
  const int64_t len = static_cast<int64_t>(list.size());
  int64_t matches = 0;
  for (int64_t index = 0; index < len && (p.maxlen == 0 || index < p.maxlen); ++index) {
    int64_t pos = from_tail ? len - index - 1 : index;
    if (list.at(static_cast<size_t>(pos)) != element) continue;
    ++matches;
    if (matches < rank) continue;
    out.push_back(pos);
    if (p.count == -1) break;
    if (limit_by_count && matches - rank + 1 >= p.count) break;
  }
  return out;
}

// ============================================================================================
// Cmd* handlers
// ============================================================================================

void SendStrings(CommandContext& ctx, const std::vector<std::string>& items) {
  ctx.rb.StartArray(items.size());
  for (const auto& s : items) ctx.rb.SendBulk(s);
}

// LPUSH/RPUSH key element [element ...] -> integer: the length after the push
// LPUSHX/RPUSHX key element [element ...] -> integer: the length, 0 when the key is missing
template <End kEnd, bool kOnlyIfExists>
void CmdPush(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = OpPush(db, args[1], kEnd, args.subspan(2), kOnlyIfExists);
  if (!res) return ctx.SendStatus(res.status());
  if (*res > 0) ctx.Notify(notify::kList, kEnd == End::kHead ? "lpush" : "rpush", args[1]);
  ctx.rb.SendLong(*res);
}

// LPOP/RPOP key [count] -> without count: bulk, or null when the key is missing;
//   with count: array of the popped elements (empty for count 0), or a null array when missing
template <End kEnd>
void CmdPop(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 3) return ctx.SendError(errors::WrongArgs(ctx.spec.full_name));
  const bool has_count = args.size() == 3;
  int64_t count = 1;
  if (has_count && (!ParseInt64(args[2], &count) || count < 0))
    return ctx.SendError(errors::kMustBePositive);
  Db db = ctx.db();
  auto res = FindListWrite(db, args[1]);
  if (!res) {
    if (res.status() != OpStatus::kKeyNotFound) return ctx.SendStatus(res.status());
    return has_count ? ctx.rb.SendNullArray() : ctx.rb.SendNull();
  }
  if (!has_count) {
    std::string v = AsList(*res)->Pop(kEnd);
    bool emptied = AsList(*res)->empty();
    DeleteIfEmpty(db, *res);
    NotifyPop(ctx, args[1], kEnd, emptied);
    return ctx.rb.SendBulk(v);
  }
  if (count == 0) return ctx.rb.SendEmptyArray();
  bool emptied = AsList(*res)->size() <= static_cast<uint64_t>(count);
  std::vector<std::string> popped = PopN(db, *res, kEnd, static_cast<uint64_t>(count));
  NotifyPop(ctx, args[1], kEnd, emptied);
  SendStrings(ctx, popped);
}

// LLEN key -> integer: the length, 0 when the key is missing
void CmdLLen(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindListRead(db, args[1]);
  if (res) return ctx.rb.SendLong(static_cast<int64_t>((*res)->size()));
  if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendLong(0);
  ctx.SendStatus(res.status());
}

// LRANGE key start stop -> array of the elements in [start, stop] (inclusive, negative from end)
void CmdLRange(CmdArgList args, CommandContext& ctx) {
  int64_t start, stop;
  if (!ParseInt64(args[2], &start) || !ParseInt64(args[3], &stop))
    return ctx.SendError(errors::kNotInteger);
  Db db = ctx.db();
  auto res = FindListRead(db, args[1]);
  if (!res) {
    if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendEmptyArray();
    return ctx.SendStatus(res.status());
  }
  const ListValue& list = **res;
  int64_t len = static_cast<int64_t>(list.size());
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return ctx.rb.SendEmptyArray();
  if (stop >= len) stop = len - 1;
  ctx.rb.StartArray(static_cast<size_t>(stop - start + 1));
  for (int64_t i = start; i <= stop; ++i) ctx.rb.SendBulk(list.at(static_cast<size_t>(i)));
}

// LINDEX key index -> bulk: the element, or null when the key is missing or out of range
void CmdLIndex(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindListRead(db, args[1]);
  if (!res) {
    if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendNull();
    return ctx.SendStatus(res.status());
  }
  int64_t index;
  if (!ParseInt64(args[2], &index)) return ctx.SendError(errors::kNotInteger);
  int64_t pos = NormalizeIndex(index, (*res)->size());
  if (pos < 0) return ctx.rb.SendNull();
  ctx.rb.SendBulk((*res)->at(static_cast<size_t>(pos)));
}

// LSET key index element -> OK; "ERR no such key", "ERR index out of range"
void CmdLSet(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = FindListWrite(db, args[1]);
  if (!res) {
    return ctx.SendStatus(res.status() == OpStatus::kKeyNotFound ? OpStatus::kNoSuchKey
                                                                 : res.status());
  }
  int64_t index;
  if (!ParseInt64(args[2], &index)) return ctx.SendError(errors::kNotInteger);
  ListValue* list = AsList(*res);
  int64_t pos = NormalizeIndex(index, list->size());
  if (pos < 0) return ctx.SendError(errors::kIndexOutOfRange);
  list->Set(static_cast<size_t>(pos), args[3]);
  ctx.Notify(notify::kList, "lset", args[1]);
  ctx.rb.SendOk();
}

// LINSERT key BEFORE|AFTER pivot element
//   -> integer: the new length, -1 when the pivot is absent, 0 when the key is missing
void CmdLInsert(CmdArgList args, CommandContext& ctx) {
  bool after;
  if (EqualsIgnoreCase(args[2], "after")) {
    after = true;
  } else if (EqualsIgnoreCase(args[2], "before")) {
    after = false;
  } else {
    return ctx.SendError(errors::kSyntax);
  }
  Db db = ctx.db();
  auto res = FindListWrite(db, args[1]);
  if (!res) {
    if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendLong(0);
    return ctx.SendStatus(res.status());
  }
  ListValue* list = AsList(*res);
  for (size_t i = 0; i < list->size(); ++i) {
    if (list->at(i) == args[3]) {
      list->Insert(after ? i + 1 : i, args[4]);
      ctx.Notify(notify::kList, "linsert", args[1]);
      return ctx.rb.SendLong(static_cast<int64_t>(list->size()));
    }
  }
  ctx.rb.SendLong(-1);
}

// LREM key count element -> integer: elements removed (count > 0 from the head, < 0 from the
//   tail, 0 all)
void CmdLRem(CmdArgList args, CommandContext& ctx) {
  int64_t count;
  if (!ParseInt64(args[2], &count)) return ctx.SendError(errors::kNotInteger);
  Db db = ctx.db();
  auto res = FindListWrite(db, args[1]);
  if (!res) {
    if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendLong(0);
    return ctx.SendStatus(res.status());
  }
  size_t removed = AsList(*res)->Remove(args[3], count);
  bool emptied = AsList(*res)->empty();
  DeleteIfEmpty(db, *res);
  if (removed) {
    ctx.Notify(notify::kList, "lrem", args[1]);
    if (emptied) ctx.Notify(notify::kGeneric, "del", args[1]);
  }
  ctx.rb.SendLong(static_cast<int64_t>(removed));
}

// LTRIM key start stop -> OK (an empty range deletes the key)
void CmdLTrim(CmdArgList args, CommandContext& ctx) {
  int64_t start, stop;
  if (!ParseInt64(args[2], &start) || !ParseInt64(args[3], &stop))
    return ctx.SendError(errors::kNotInteger);
  Db db = ctx.db();
  auto res = FindListWrite(db, args[1]);
  if (!res) {
    if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendOk();
    return ctx.SendStatus(res.status());
  }
  ListValue* list = AsList(*res);
  int64_t len = static_cast<int64_t>(list->size());
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) {
    list->Clear();
  } else {
    if (stop >= len) stop = len - 1;
    list->Trim(static_cast<size_t>(start), static_cast<size_t>(stop));
  }
  bool emptied = list->empty();
  DeleteIfEmpty(db, *res);
  ctx.Notify(notify::kList, "ltrim", args[1]);
  if (emptied) ctx.Notify(notify::kGeneric, "del", args[1]);
  ctx.rb.SendOk();
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
//   -> without COUNT: integer position or null; with COUNT: array of positions (0: all)
void CmdLPos(CmdArgList args, CommandContext& ctx) {
  LposParams p;
  for (size_t j = 3; j < args.size(); ++j) {
    std::string_view opt = args[j];
    bool more = j + 1 < args.size();
    if (EqualsIgnoreCase(opt, "rank") && more) {
      if (!ParseInt64(args[++j], &p.rank)) return ctx.SendError(errors::kNotInteger);
      if (p.rank == 0) return ctx.SendError(errors::kLposRankZero);
    } else if (EqualsIgnoreCase(opt, "count") && more) {
      if (!ParseInt64(args[++j], &p.count) || p.count < 0)
        return ctx.SendError(errors::kLposCountNegative);
    } else if (EqualsIgnoreCase(opt, "maxlen") && more) {
      if (!ParseInt64(args[++j], &p.maxlen) || p.maxlen < 0)
        return ctx.SendError(errors::kLposMaxlenNegative);
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  p.unbounded_rank = p.rank == std::numeric_limits<int64_t>::min();
  Db db = ctx.db();
  auto res = FindListRead(db, args[1]);
  if (!res) {
    if (res.status() != OpStatus::kKeyNotFound) return ctx.SendStatus(res.status());
    return p.count != -1 ? ctx.rb.SendEmptyArray() : ctx.rb.SendNull();
  }
  std::vector<int64_t> found = OpLpos(**res, args[2], p);
  if (p.count == -1) {
    if (found.empty()) return ctx.rb.SendNull();
    return ctx.rb.SendLong(found[0]);
  }
  ctx.rb.StartArray(found.size());
  for (int64_t pos : found) ctx.rb.SendLong(pos);
}

void SendMoveResult(CommandContext& ctx, const OpResult<std::string>& res) {
  if (res) return ctx.rb.SendBulk(*res);
  if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendNull();
  ctx.SendStatus(res.status());
}

// LMOVE/RPOPLPUSH with Redis's notifications: the push on the destination, the pop on the
// source, "del" when the source emptied.
void MoveAndNotify(CommandContext& ctx, Db& db, std::string_view src, std::string_view dst,
                   End from, End to) {
  auto res = OpMove(db, src, dst, from, to);
  if (res) {
    ctx.Notify(notify::kList, to == End::kHead ? "lpush" : "rpush", dst);
    NotifyPop(ctx, src, from, src != dst && !db.Find(src));
  }
  SendMoveResult(ctx, std::move(res));
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT -> bulk: the moved element, or null when the
//   source is missing
void CmdLMove(CmdArgList args, CommandContext& ctx) {
  End from, to;
  if (!ParseLeftRight(args[3], &from) || !ParseLeftRight(args[4], &to))
    return ctx.SendError(errors::kSyntax);
  Db db = ctx.db();
  MoveAndNotify(ctx, db, args[1], args[2], from, to);
}

// RPOPLPUSH source destination -> bulk: the moved element, or null when the source is missing
void CmdRPopLPush(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  MoveAndNotify(ctx, db, args[1], args[2], End::kTail, End::kHead);
}

// LMPOP's keys for the dispatcher: argv[2 .. 1+numkeys], numkeys = argv[1] in [1, argc-2]
// (Redis's getkeys rule); false otherwise (the handler then reports the error).
bool LmpopKeys(CmdArgList args, KeyIndexes* out) {
  int64_t numkeys;
  if (args.size() < 2 || !ParseInt64(args[1], &numkeys)) return false;
  if (numkeys < 1 || numkeys > static_cast<int64_t>(args.size()) - 2) return false;
  for (int64_t i = 0; i < numkeys; ++i) out->push_back(static_cast<int>(2 + i));
  return true;
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
//   -> array [key, [elements...]] from the first non-empty list, or a null array when none
void CmdLMPop(CmdArgList args, CommandContext& ctx) {
  int64_t numkeys;
  if (!ParseInt64(args[1], &numkeys) || numkeys < 1)
    return ctx.SendError(errors::kNumkeysNotPositive);
  // The direction follows the keys; a numkeys that swallows it is a syntax error.
  if (numkeys >= static_cast<int64_t>(args.size()) - 2) return ctx.SendError(errors::kSyntax);
  size_t where_idx = 2 + static_cast<size_t>(numkeys);
  End end;
  if (!ParseLeftRight(args[where_idx], &end)) return ctx.SendError(errors::kSyntax);
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < args.size(); ++j) {
    bool more = j + 1 < args.size();
    if (count == -1 && EqualsIgnoreCase(args[j], "count") && more) {
      if (!ParseInt64(args[++j], &count) || count < 1)
        return ctx.SendError(errors::kCountNotPositive);
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  if (count == -1) count = 1;
  Db db = ctx.db();
  for (size_t k = 2; k < where_idx; ++k) {
    auto res = FindListWrite(db, args[k]);
    if (!res) {
      if (res.status() == OpStatus::kKeyNotFound) continue;
      return ctx.SendStatus(res.status());
    }
    bool emptied = AsList(*res)->size() <= static_cast<uint64_t>(count);
    std::vector<std::string> popped = PopN(db, *res, end, static_cast<uint64_t>(count));
    NotifyPop(ctx, args[k], end, emptied);
    ctx.rb.StartArray(2);
    ctx.rb.SendBulk(args[k]);
    return SendStrings(ctx, popped);
  }
  ctx.rb.SendNullArray();
}

}  // namespace

// ============================================================================================
// Registration
// ============================================================================================

void RegisterListFamily(CommandRegistry& r) {
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
    spec.acl = ACL::kList;
    spec.group = "list";
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
  constexpr std::string_view kPushComplexity =
      "O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.";

  add("lpush", -3, kW | kOom | kF, 1, 1, 1, "1.0.0", "Prepend one or multiple elements to a list",
      kPushComplexity, CmdPush<End::kHead, false>)
      .KeySpecs({KS::Index(1).RW().Insert()})
      .History({{"2.4.0", "Accepts multiple `element` arguments."}})
      .Args("key/key#0 element/string*");
  add("rpush", -3, kW | kOom | kF, 1, 1, 1, "1.0.0", "Append one or multiple elements to a list",
      kPushComplexity, CmdPush<End::kTail, false>)
      .KeySpecs({KS::Index(1).RW().Insert()})
      .History({{"2.4.0", "Accepts multiple `element` arguments."}})
      .Args("key/key#0 element/string*");
  add("lpushx", -3, kW | kOom | kF | CO::kNoopOnZero, 1, 1, 1, "2.2.0",
      "Prepend an element to a list, only if the list exists", kPushComplexity,
      CmdPush<End::kHead, true>)
      .KeySpecs({KS::Index(1).RW().Insert()})
      .History({{"4.0.0", "Accepts multiple `element` arguments."}})
      .Args("key/key#0 element/string*");
  add("rpushx", -3, kW | kOom | kF | CO::kNoopOnZero, 1, 1, 1, "2.2.0",
      "Append an element to a list, only if the list exists", kPushComplexity,
      CmdPush<End::kTail, true>)
      .KeySpecs({KS::Index(1).RW().Insert()})
      .History({{"4.0.0", "Accepts multiple `element` arguments."}})
      .Args("key/key#0 element/string*");
  add("lpop", -2, kW | kF, 1, 1, 1, "1.0.0", "Remove and get the first elements in a list",
      "O(N) where N is the number of elements returned", CmdPop<End::kHead>)
      .KeySpecs({KS::Index(1).RW().Access().Delete()})
      .History({{"6.2.0", "Added the `count` argument."}})
      .Args("key/key#0 count/integer^6.2.0?");
  add("rpop", -2, kW | kF, 1, 1, 1, "1.0.0", "Remove and get the last elements in a list",
      "O(N) where N is the number of elements returned", CmdPop<End::kTail>)
      .KeySpecs({KS::Index(1).RW().Access().Delete()})
      .History({{"6.2.0", "Added the `count` argument."}})
      .Args("key/key#0 count/integer^6.2.0?");
  add("llen", 2, kR | kF, 1, 1, 1, "1.0.0", "Get the length of a list", "O(1)", CmdLLen)
      .KeySpecs({KS::Index(1).RO()})
      .Args("key/key#0");
  add("lrange", 4, kR, 1, 1, 1, "1.0.0", "Get a range of elements from a list",
      "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest "
      "end (HEAD or TAIL) for large lists; and N is the number of elements in the specified "
      "range.",
      CmdLRange)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 start/integer stop/integer");
  add("lindex", 3, kR, 1, 1, 1, "1.0.0", "Get an element from a list by its index",
      "O(N) where N is the number of elements to traverse to get to the element at index. This "
      "makes asking for the first or the last element of the list O(1).",
      CmdLIndex)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 index/integer");
  add("lset", 4, kW | kOom, 1, 1, 1, "1.0.0", "Set the value of an element in a list by its index",
      "O(N) where N is the length of the list. Setting either the first or the last element of "
      "the list is O(1).",
      CmdLSet)
      .KeySpecs({KS::Index(1).RW().Update()})
      .Args("key/key#0 index/integer element/string");
  add("linsert", 5, kW | kOom, 1, 1, 1, "2.2.0",
      "Insert an element before or after another element in a list",
      "O(N) where N is the number of elements to traverse before seeing the value pivot. This "
      "means that inserting somewhere on the left end on the list (head) can be considered O(1) "
      "and inserting somewhere on the right end (tail) is O(N).",
      CmdLInsert)
      .KeySpecs({KS::Index(1).RW().Insert()})
      .Args(
          "key/key#0 where/oneof[before/pure-token=BEFORE after/pure-token=AFTER] pivot/string "
          "element/string");
  add("lrem", 4, kW | CO::kNoopOnZero, 1, 1, 1, "1.0.0", "Remove elements from a list",
      "O(N+M) where N is the length of the list and M is the number of elements removed.", CmdLRem)
      .KeySpecs({KS::Index(1).RW().Delete()})
      .Args("key/key#0 count/integer element/string");
  add("ltrim", 4, kW, 1, 1, 1, "1.0.0", "Trim a list to the specified range",
      "O(N) where N is the number of elements to be removed by the operation.", CmdLTrim)
      .KeySpecs({KS::Index(1).RW().Delete()})
      .Args("key/key#0 start/integer stop/integer");
  add("lpos", -3, kR, 1, 1, 1, "6.0.6", "Return the index of matching elements on a list",
      "O(N) where N is the number of elements in the list, for the average case. When searching "
      "for elements near the head or the tail of the list, or when the MAXLEN option is "
      "provided, the command may run in constant time.",
      CmdLPos)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args(
          "key/key#0 element/string rank/integer=RANK? num-matches/integer=COUNT? "
          "len/integer=MAXLEN?");
  add("lmove", 5, kW | kOom, 1, 2, 1, "6.2.0",
      "Pop an element from a list, push it to another list and return it", "O(1)", CmdLMove)
      .KeySpecs({KS::Index(1).RW().Access().Delete(), KS::Index(2).RW().Insert()})
      .Args(
          "source/key#0 destination/key#1 wherefrom/oneof[left/pure-token=LEFT "
          "right/pure-token=RIGHT] whereto/oneof[left/pure-token=LEFT right/pure-token=RIGHT]");
  add("rpoplpush", 3, kW | kOom, 1, 2, 1, "1.2.0",
      "Remove the last element in a list, prepend it to another list and return it", "O(1)",
      CmdRPopLPush)
      .KeySpecs({KS::Index(1).RW().Access().Delete(), KS::Index(2).RW().Insert()})
      .Deprecated("6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments")
      .Args("source/key#0 destination/key#1");
  add("lmpop", -4, kW, 0, 0, 0, "7.0.0", "Pop elements from a list",
      "O(N+M) where N is the number of provided keys and M is the number of elements "
      "returned.",
      CmdLMPop, LmpopKeys)
      .KeySpecs({KS::Index(1).Keynum(0, 1, 1).RW().Access().Delete()})
      .Args(
          "numkeys/integer key/key#0* where/oneof[left/pure-token=LEFT "
          "right/pure-token=RIGHT] count/integer=COUNT?");
}

}  // namespace fincache
