// Sorted set commands reading many elements at random or by cursor: ZRANDMEMBER, ZSCAN.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "commands/command_context.h"
#include "commands/zset_family.h"
#include "common/errors.h"
#include "common/strings.h"
#include "protocol/reply_builder.h"

namespace fincache {

namespace {

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

ZPair PairAt(const ZSet& z, size_t rank) {
  ZPair p;
  z.Visit(rank, 1, false, [&](std::string_view m, double s) { p = {std::string(m), s}; });
  return p;
}

// Redis's zrandmemberWithCountCommand: count < 0 may repeat members; count >= size returns the
// whole set (highest first); otherwise `count` distinct members in random order.
void ZRandMemberWithCount(CommandContext& ctx, std::string_view key, int64_t l, bool withscores) {
  Db db = ctx.db();
  OpResult<const ZSet*> found = FindZsetRead(db, key);
  if (!found) return ctx.SendStatus(found.status());
  const ZSet* z = *found;
  if (!z || l == 0) return ctx.rb.SendEmptyArray();
  size_t size = z->size();
  std::vector<ZPair> items;
  if (l < 0) {
    uint64_t count = static_cast<uint64_t>(-l);
    std::uniform_int_distribution<size_t> pick(0, size - 1);
    items.reserve(std::min<uint64_t>(count, 1 << 20));
    for (uint64_t i = 0; i < count; ++i) items.push_back(PairAt(*z, pick(Rng())));
  } else if (static_cast<uint64_t>(l) >= size) {
    // Redis replies the whole set from the highest element down.
    z->Visit(size - 1, size, true,
             [&](std::string_view m, double s) { items.emplace_back(std::string(m), s); });
  } else {
    std::vector<size_t> ranks;
    size_t count = static_cast<size_t>(l);
    if (count * 3 > size) {
      ranks.resize(size);
      std::iota(ranks.begin(), ranks.end(), 0);
      std::shuffle(ranks.begin(), ranks.end(), Rng());
      ranks.resize(count);
    } else {
      std::unordered_set<size_t> seen;
      std::uniform_int_distribution<size_t> pick(0, size - 1);
      while (ranks.size() < count) {
        size_t r = pick(Rng());
        if (seen.insert(r).second) ranks.push_back(r);
      }
    }
    for (size_t r : ranks) items.push_back(PairAt(*z, r));
  }
  ReplyZPairs(ctx, items, withscores);
}

// Redis's parseScanCursorOrReply: strtoul over the whole text; "" is 0; a sign is allowed.
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
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = negative ? uint64_t{0} - v : v;
  return true;
}

// Skiplist cursors: the order-preserving 64-bit image of the next score to visit (0 = start;
// no score maps to 0). Elements with equal scores are returned in one page, so an element
// present for the whole scan is returned exactly once even when others come and go.
uint64_t ScoreToCursor(double s) {
  if (s == 0) s = 0.0;
  uint64_t b;
  std::memcpy(&b, &s, sizeof(b));
  return (b & (uint64_t{1} << 63)) ? ~b : b | (uint64_t{1} << 63);
}

double CursorToScore(uint64_t c) {
  uint64_t b = (c & (uint64_t{1} << 63)) ? c & ~(uint64_t{1} << 63) : ~c;
  double s;
  std::memcpy(&s, &b, sizeof(s));
  return s;
}

}  // namespace

// ZRANDMEMBER key [count [WITHSCORES]]
//   -> bulk (null when the key is missing); with count: array (WITHSCORES as ZRANGE)
void CmdZrandmember(CmdArgList args, CommandContext& ctx) {
  if (args.size() >= 3) {
    int64_t l;
    if (!ParseInt64(args[2], &l)) return ctx.SendError(errors::kNotInteger);
    if (l == INT64_MIN) return ctx.SendError(errors::kLongRangeExclMin);
    bool withscores = false;
    if (args.size() > 4 || (args.size() == 4 && !EqualsIgnoreCase(args[3], "withscores")))
      return ctx.SendError(errors::kSyntax);
    if (args.size() == 4) {
      withscores = true;
      if (l < -(INT64_MAX / 2) || l > INT64_MAX / 2) return ctx.SendError(errors::kValueOutOfRange);
    }
    return ZRandMemberWithCount(ctx, args[1], l, withscores);
  }
  Db db = ctx.db();
  OpResult<const ZSet*> z = FindZsetRead(db, args[1]);
  if (!z) return ctx.SendStatus(z.status());
  if (!*z) return ctx.rb.SendNull();
  std::uniform_int_distribution<size_t> pick(0, (*z)->size() - 1);
  ctx.rb.SendBulk(PairAt(**z, pick(Rng())).first);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
//   -> array [next cursor, [member, score, ...]]; a listpack set comes whole with cursor 0
void CmdZscan(CmdArgList args, CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseCursor(args[2], &cursor)) return ctx.SendError(errors::kInvalidCursor);
  Db db = ctx.db();
  OpResult<const ZSet*> found = FindZsetRead(db, args[1]);
  if (!found) return ctx.SendStatus(found.status());
  auto& rb = ctx.rb;
  if (!*found) {
    rb.StartArray(2);
    rb.SendBulk("0");
    return rb.StartArray(0);
  }
  std::string_view pattern;
  bool has_pattern = false;
  int64_t count = 10;
  for (size_t i = 3; i < args.size(); i += 2) {
    bool has_value = i + 1 < args.size();
    if (EqualsIgnoreCase(args[i], "count") && has_value) {
      if (!ParseInt64(args[i + 1], &count)) return ctx.SendError(errors::kNotInteger);
      if (count < 1) return ctx.SendError(errors::kSyntax);
    } else if (EqualsIgnoreCase(args[i], "match") && has_value) {
      pattern = args[i + 1];
      has_pattern = !(pattern.size() == 1 && pattern[0] == '*');
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  const ZSet& z = **found;
  size_t size = z.size();
  size_t start = 0, n = size;
  uint64_t next = 0;
  if (!z.is_listpack()) {
    if (cursor != 0) {
      ZScoreRange from{.min = CursorToScore(cursor), .max = INFINITY};
      size_t hi;
      z.ScoreRanks(from, &start, &hi);
    }
    n = std::min<size_t>(size - start, static_cast<size_t>(count));
    // Finish the run of equal scores so the next cursor starts at a new score.
    if (start + n < size) {
      double last = PairAt(z, start + n - 1).second;
      ZScoreRange same{.min = last, .max = last};
      size_t lo, hi;
      z.ScoreRanks(same, &lo, &hi);
      n = hi - start;
      if (start + n < size) next = ScoreToCursor(PairAt(z, start + n).second);
    }
  }
  std::vector<std::string> out;
  z.Visit(start, n, false, [&](std::string_view m, double s) {
    if (has_pattern && !GlobMatch(pattern, m)) return;
    out.emplace_back(m);
    out.push_back(protocol::FormatDouble(s));
  });
  rb.StartArray(2);
  rb.SendBulk(std::to_string(next));
  rb.StartArray(out.size());
  for (auto& s : out) rb.SendBulk(s);
}

}  // namespace fincache
