// SORT and SORT_RO: sort the elements of a list, set or sorted set, optionally by the values of
// other keys (BY pattern), fetching other keys per element (GET pattern), and optionally storing
// the result as a list (STORE, SORT only).
//
// Semantics follow Redis 7.0.15's sortCommandGeneric:
//   * Options are parsed first (errors before WRONGTYPE); the last BY/LIMIT/STORE wins, and a BY
//     pattern without '*' means "don't sort" for good (a later BY with '*' doesn't undo it).
//   * A missing key sorts as an empty list. A sorted set is converted to the skiplist encoding
//     (Redis does it destructively, also for SORT_RO and also when the command then fails).
//   * "Don't sort" keeps a list's or sorted set's own order, walked from the tail with DESC, and
//     applies LIMIT to that walk; a set keeps its iteration order, except with STORE, where it
//     is sorted ALPHA (so that the stored result is deterministic).
//   * Numeric sorting parses each weight with strtod (leading spaces, hex, inf accepted; an
//     unparsable, out of range or NaN weight fails the whole command); elements whose BY key is
//     missing weigh 0. Equal weights fall back to a binary comparison of the elements.
//   * ALPHA compares with strcoll without STORE (the C/C.UTF-8 collation: byte order up to the
//     first NUL) and binary with STORE; with BY, a missing weight sorts first and equal weights
//     keep their input order (glibc's qsort is a stable merge sort), except under a LIMIT, where
//     Redis's partial quicksort leaves their order unspecified (here: std::partial_sort's).
//
// Known differences: a sorted set that isn't sorted "don't sort" is loaded in skiplist order,
// Redis's in hash order (visible only through equal ALPHA BY weights); inside a script Redis
// sorts an unsorted set ALPHA (FinCache can't tell a script's call yet); COMMAND
// GETKEYSANDFLAGS reports no flags for the STORE key (its key spec is "unknown", and the
// registry takes flags from key specs), where Redis says OW update.
//   * Patterns: "#" is the element itself; otherwise the first '*' is replaced by the element, and
//     "->field" after it reads a hash field. A pattern without '*' names nothing (nil).
//
// Pattern lookups read arbitrary keys, which the dispatcher can't know in advance, so both
// commands are CO::kGlobal: they run alone under the exclusive gate (no shard locks), and call
// Db::AfterWrite themselves for what they change (the stored list, a converted sorted set).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "common/errors.h"
#include "common/strings.h"
#include "protocol/reply_builder.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/zset.h"

namespace fincache {

namespace {

// ============================================================================================
// Options
// ============================================================================================

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  bool dontsort = false;  // a BY pattern without '*'
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  std::optional<std::string_view> by;
  std::vector<std::string_view> gets;
  std::optional<std::string_view> store;
};

// Parses argv[2..]; false after replying the error.
bool ParseSortOptions(CmdArgList args, bool readonly, CommandContext& ctx, SortOptions* o) {
  for (size_t j = 2; j < args.size(); ++j) {
    const size_t left = args.size() - j - 1;
    std::string_view a = args[j];
    if (EqualsIgnoreCase(a, "asc")) {
      o->desc = false;
    } else if (EqualsIgnoreCase(a, "desc")) {
      o->desc = true;
    } else if (EqualsIgnoreCase(a, "alpha")) {
      o->alpha = true;
    } else if (EqualsIgnoreCase(a, "limit") && left >= 2) {
      if (!ParseInt64(args[j + 1], &o->limit_start) || !ParseInt64(args[j + 2], &o->limit_count)) {
        ctx.SendError(errors::kNotInteger);
        return false;
      }
      j += 2;
    } else if (!readonly && EqualsIgnoreCase(a, "store") && left >= 1) {
      o->store = args[++j];
    } else if (EqualsIgnoreCase(a, "by") && left >= 1) {
      o->by = args[++j];
      // strchr: the pattern is a C string to Redis here.
      std::string_view c = o->by->substr(0, o->by->find('\0'));
      if (c.find('*') == std::string_view::npos) o->dontsort = true;
    } else if (EqualsIgnoreCase(a, "get") && left >= 1) {
      o->gets.push_back(args[++j]);
    } else {
      ctx.SendError(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// Key positions (COMMAND GETKEYS, as Redis's sortGetKeys): the sorted key, then the key of the
// last STORE option. LIMIT skips two arguments, BY and GET one; an unknown word is skipped alone.
bool SortKeys(CmdArgList args, KeyIndexes* out) {
  if (args.size() < 2) return false;
  out->push_back(1);
  int store = 0;
  for (size_t i = 2; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "limit")) {
      i += 2;
    } else if (EqualsIgnoreCase(args[i], "store") && i + 1 < args.size()) {
      store = static_cast<int>(i + 1);
    } else if (EqualsIgnoreCase(args[i], "get") || EqualsIgnoreCase(args[i], "by")) {
      i += 1;
    }
  }
  if (store) out->push_back(store);
  return true;
}

// ============================================================================================
// Pattern lookups
// ============================================================================================

// Redis's lookupKeyByPattern: the value named by `pattern` for element `subst`, or nullopt. Key
// lookups are read lookups (keyspace hits/misses, LRU). Redis searches '*' and "->" as in a C
// string (up to the first NUL) but cuts the pieces with the pattern's full length.
std::optional<std::string> LookupByPattern(Db& db, std::string_view pattern,
                                           std::string_view subst) {
  if (!pattern.empty() && pattern[0] == '#' && (pattern.size() == 1 || pattern[1] == '\0'))
    return std::string(subst);
  std::string_view c = pattern.substr(0, pattern.find('\0'));
  const size_t star = c.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  size_t field_len = 0;
  const size_t arrow = c.find("->", star + 1);
  if (arrow != std::string_view::npos && arrow + 2 < c.size())
    field_len = pattern.size() - arrow - 2;
  const size_t postfix_len = pattern.size() - (star + 1) - (field_len ? field_len + 2 : 0);
  std::string key;
  key.reserve(star + subst.size() + postfix_len);
  key.append(pattern.substr(0, star));
  key.append(subst);
  key.append(pattern.substr(star + 1, postfix_len));

  Entry* e = db.FindRead(key);
  if (!e) return std::nullopt;
  if (field_len) {
    if (e->value.type() != ObjType::kHash) return std::nullopt;
    auto v = e->value.As<HashValue>()->Get(pattern.substr(arrow + 2));
    if (!v) return std::nullopt;
    return std::string(*v);
  }
  if (e->value.type() != ObjType::kString) return std::nullopt;
  return std::string(e->value.str());
}

// ============================================================================================
// Sorting
// ============================================================================================

struct SortItem {
  std::string obj;
  double score = 0;
  std::optional<std::string> cmp;  // ALPHA with BY: the weight (nullopt: missing)
};

// Redis's compareStringObjects: memcmp, then the shorter first.
int BinaryCompare(std::string_view a, std::string_view b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// strcoll in the C / C.UTF-8 locale: byte order of the C strings (up to the first NUL).
int CollateCompare(const std::string& a, const std::string& b) {
  return std::strcmp(a.c_str(), b.c_str());
}

// Parses a numeric weight as Redis does (strtod on the whole C string); false when it isn't one.
bool ParseWeight(const std::string& s, double* out) {
  char* end = nullptr;
  errno = 0;
  *out = std::strtod(s.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

// Loads the elements to sort, as Redis loads its sort vector. With "don't sort" on a list or
// sorted set only [start, end] is loaded (walking from the tail with DESC); *start and *end are
// then rebased on the loaded range.
std::vector<SortItem> LoadItems(const Value* v, const SortOptions& o, int64_t* start,
                                int64_t* end) {
  std::vector<SortItem> items;
  if (!v) return items;
  const int64_t n = *end - *start + 1;
  switch (v->type()) {
    case ObjType::kList: {
      const ListValue& l = *v->As<ListValue>();
      if (o.dontsort) {
        if (*end >= *start) {
          const int64_t len = static_cast<int64_t>(l.size());
          for (int64_t i = 0; i < n; ++i)
            items.push_back(
                {l.at(static_cast<size_t>(o.desc ? len - *start - 1 - i : *start + i))});
          *end -= *start;
          *start = 0;
        }
      } else {
        items.reserve(l.size());
        for (size_t i = 0; i < l.size(); ++i) items.push_back({l.at(i)});
      }
      break;
    }
    case ObjType::kSet:
      items.reserve(v->As<SetValue>()->Size());
      v->As<SetValue>()->ForEach([&](std::string_view m) { items.push_back({std::string(m)}); });
      break;
    case ObjType::kZSet: {
      const ZSet& z = *v->As<ZSet>();
      auto add = [&](std::string_view m, double) { items.push_back({std::string(m)}); };
      if (o.dontsort) {
        if (n > 0) {
          const int64_t len = static_cast<int64_t>(z.size());
          z.Visit(static_cast<size_t>(o.desc ? len - *start - 1 : *start), static_cast<size_t>(n),
                  o.desc, add);
        }
        *end -= *start;
        *start = 0;
      } else {
        z.Visit(0, z.size(), false, add);
      }
      break;
    }
    default:
      break;
  }
  return items;
}

// Computes the weights; false when a numeric weight can't be parsed (Redis still looks up every
// weight before failing).
bool LoadWeights(Db& db, const SortOptions& o, std::vector<SortItem>* items) {
  bool ok = true;
  for (SortItem& it : *items) {
    std::optional<std::string> byval;
    if (o.by) {
      byval = LookupByPattern(db, *o.by, it.obj);
      if (!byval) continue;
    }
    if (o.alpha) {
      if (o.by) it.cmp = std::move(byval);
    } else if (!ParseWeight(o.by ? *byval : it.obj, &it.score)) {
      ok = false;
    }
  }
  return ok;
}

// Redis's sortCompare (before DESC is applied).
int CompareItems(const SortItem& a, const SortItem& b, const SortOptions& o) {
  if (!o.alpha) {
    if (a.score > b.score) return 1;
    if (a.score < b.score) return -1;
    return BinaryCompare(a.obj, b.obj);
  }
  if (o.by) {
    if (!a.cmp || !b.cmp) return a.cmp ? 1 : (b.cmp ? -1 : 0);
    return o.store ? BinaryCompare(*a.cmp, *b.cmp) : CollateCompare(*a.cmp, *b.cmp);
  }
  return o.store ? BinaryCompare(a.obj, b.obj) : CollateCompare(a.obj, b.obj);
}

// Replaces whatever `key` holds with `list` (Redis's setKey: the TTL is cleared).
void StoreList(Db& db, std::string_view key, std::unique_ptr<ListValue> list) {
  Entry* e = db.FindWrite(key);
  if (!e) e = db.FindOrInsert(key).first;
  e->value = Value();
  e->value.SetObject(std::move(list));
  db.SetExpire(e, 0);
  db.AfterWrite(e);
}

// ============================================================================================
// Cmd* handlers
// ============================================================================================

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
//   [STORE destination] -> array of elements (with GET: the GET values per element, nil when
//   missing); with STORE: integer, the length of the stored list (an empty result deletes it)
// SORT_RO: the same without STORE.
template <bool kReadOnly>
void CmdSort(CmdArgList args, CommandContext& ctx) {
  SortOptions o;
  if (!ParseSortOptions(args, kReadOnly, ctx, &o)) return;

  Db db = ctx.db();
  Entry* e = db.FindRead(args[1]);
  const Value* v = e ? &e->value : nullptr;
  if (v && v->type() != ObjType::kList && v->type() != ObjType::kSet && v->type() != ObjType::kZSet)
    return ctx.SendError(errors::kWrongType);

  if (o.dontsort && v && v->type() == ObjType::kSet && o.store) {
    // An unsorted set would store its iteration order: Redis sorts it ALPHA instead.
    o.dontsort = false;
    o.alpha = true;
    o.by.reset();
  }
  if (v && v->type() == ObjType::kZSet && e->value.As<ZSet>()->is_listpack()) {
    e->value.As<ZSet>()->ConvertToSkiplist();
    db.AfterWrite(e);
  }

  int64_t len = 0;
  if (v) {
    switch (v->type()) {
      case ObjType::kList:
        len = static_cast<int64_t>(v->As<ListValue>()->size());
        break;
      case ObjType::kSet:
        len = static_cast<int64_t>(v->As<SetValue>()->Size());
        break;
      default:
        len = static_cast<int64_t>(v->As<ZSet>()->size());
        break;
    }
  }
  // LIMIT sanity checks, as Redis clamps them.
  int64_t start = std::min(std::max<int64_t>(o.limit_start, 0), len);
  const int64_t count = std::min(std::max<int64_t>(o.limit_count, -1), len);
  int64_t end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  std::vector<SortItem> items = LoadItems(v, o, &start, &end);

  bool weights_ok = true;
  if (!o.dontsort) {
    weights_ok = LoadWeights(db, o, &items);
    auto less = [&](const SortItem& a, const SortItem& b) {
      int c = CompareItems(a, b, o);
      return o.desc ? c > 0 : c < 0;
    };
    const int64_t n = static_cast<int64_t>(items.size());
    if (o.by && (start != 0 || end != n - 1)) {
      // Redis sorts only the requested range here (pqsort), without any order among equal
      // weights; a partial sort gives the same rows.
      std::partial_sort(items.begin(), items.begin() + std::max<int64_t>(end + 1, 0), items.end(),
                        less);
    } else {
      std::stable_sort(items.begin(), items.end(), less);  // glibc's qsort: a stable merge sort
    }
  }
  if (!weights_ok) return ctx.SendError(errors::kSortScoreNotDouble);

  const int64_t rows = end - start + 1;
  const size_t per_row = o.gets.empty() ? 1 : o.gets.size();
  const int64_t output_len = rows * static_cast<int64_t>(per_row);
  if (!o.store) {
    ctx.rb.StartArray(static_cast<size_t>(output_len));
    for (int64_t j = start; j <= end; ++j) {
      const std::string& obj = items[static_cast<size_t>(j)].obj;
      if (o.gets.empty()) ctx.rb.SendBulk(obj);
      for (std::string_view pattern : o.gets) {
        std::optional<std::string> val = LookupByPattern(db, pattern, obj);
        if (val)
          ctx.rb.SendBulk(*val);
        else
          ctx.rb.SendNull();
      }
    }
    return;
  }
  auto list = std::make_unique<ListValue>();
  for (int64_t j = start; j <= end; ++j) {
    const std::string& obj = items[static_cast<size_t>(j)].obj;
    if (o.gets.empty()) list->Push(ListValue::End::kTail, obj);
    for (std::string_view pattern : o.gets) {
      std::optional<std::string> val = LookupByPattern(db, pattern, obj);
      list->Push(ListValue::End::kTail, val ? *val : std::string());
    }
  }
  if (output_len > 0) {
    StoreList(db, *o.store, std::move(list));
    ctx.Notify(notify::kList, "sortstore", *o.store);
  } else if (db.Delete(*o.store)) {
    ctx.Notify(notify::kGeneric, "del", *o.store);
  }
  ctx.rb.SendLong(output_len);
}

}  // namespace

// ============================================================================================
// Registration
// ============================================================================================

void RegisterSortFamily(CommandRegistry& r) {
  constexpr std::string_view kComplexity =
      "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
      "number of returned elements. When the elements are not sorted, complexity is O(N).";
  constexpr std::string_view kByGetNotes =
      "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from "
      "the content of the key we sort";
  constexpr std::string_view kStoreNotes =
      "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear "
      "anywhere in the argument array";
  constexpr std::string_view kArgs =
      "key/key#0 pattern/pattern#1=BY? offset_count/block=LIMIT?[offset/integer count/integer] "
      "pattern/pattern#1=GET?*& order/oneof?[asc/pure-token=ASC desc/pure-token=DESC] "
      "sorting/pure-token=ALPHA?";
  constexpr uint64_t kAcl = ACL::kSet | ACL::kSortedSet | ACL::kList | ACL::kDangerous;

  r.Add({.name = "sort",
         .arity = -2,
         .flags = CO::kWrite | CO::kDenyOom | CO::kGlobal,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kAcl,
         .group = "generic",
         .since = "1.0.0",
         .summary = "Sort the elements in a list, set or sorted set",
         .complexity = kComplexity,
         .handler = CmdSort<false>,
         .keys_fn = SortKeys})
      .KeySpecs({KS::Index(1).Range(0).RO().Access(),
                 KS::Unknown().RO().Access().Notes(kByGetNotes),
                 KS::Unknown().OW().Update().Notes(kStoreNotes)})
      .Args(std::string_view(
          "key/key#0 pattern/pattern#1=BY? offset_count/block=LIMIT?[offset/integer "
          "count/integer] pattern/pattern#1=GET?*& order/oneof?[asc/pure-token=ASC "
          "desc/pure-token=DESC] sorting/pure-token=ALPHA? destination/key#2=STORE?"));
  r.Add({.name = "sort_ro",
         .arity = -2,
         .flags = CO::kReadOnly | CO::kGlobal,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = kAcl,
         .group = "generic",
         .since = "7.0.0",
         .summary = "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
         .complexity = kComplexity,
         .handler = CmdSort<true>})
      .KeySpecs(
          {KS::Index(1).Range(0).RO().Access(), KS::Unknown().RO().Access().Notes(kByGetNotes)})
      .Args(kArgs);
}

}  // namespace fincache
