// Sorted set range commands: ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES) and its older forms
// ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZREVRANGE, ZRANGESTORE,
// ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX, ZPOPMIN ZPOPMAX.
//
// Every range becomes an interval of ascending ranks (ZSet::ScoreRanks/LexRanks), then elements
// are visited by rank: O(log N + M).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/zset_family.h"
#include "common/errors.h"
#include "common/strings.h"
#include "protocol/reply_builder.h"

namespace fincache {

namespace {

enum class RangeType : uint8_t { kAuto, kRank, kScore, kLex };
enum class Direction : uint8_t { kAuto, kForward, kReverse };

// Redis's rank sanitizing (ZRANGE, ZREMRANGEBYRANK): negative indexes count from the end; false
// when the range is empty. On success [*first, *last] are valid ascending ranks.
bool SanitizeRanks(int64_t start, int64_t end, size_t size, size_t* first, size_t* last) {
  int64_t llen = static_cast<int64_t>(size);
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return false;
  if (end >= llen) end = llen - 1;
  *first = static_cast<size_t>(start);
  *last = static_cast<size_t>(end);
  return true;
}

struct RangeSpec {
  RangeType type = RangeType::kRank;
  bool rev = false;
  int64_t start = 0, end = 0;  // kRank
  ZScoreRange score;           // kScore
  ZLexRange lex;               // kLex
  int64_t offset = 0, limit = -1;
};

// The elements of a range, in reply order.
std::vector<ZPair> CollectRange(const ZSet& z, const RangeSpec& rs) {
  std::vector<ZPair> out;
  auto push = [&out](std::string_view m, double s) { out.emplace_back(std::string(m), s); };
  size_t size = z.size();
  if (rs.type == RangeType::kRank) {
    size_t first, last;
    if (!SanitizeRanks(rs.start, rs.end, size, &first, &last)) return out;
    size_t n = last - first + 1;
    out.reserve(n);
    z.Visit(rs.rev ? size - 1 - first : first, n, rs.rev, push);
    return out;
  }
  // Redis skips `offset` elements one by one: a negative offset skips everything.
  if (rs.offset < 0 || (rs.offset > 0 && static_cast<size_t>(rs.offset) >= size)) return out;
  size_t lo, hi;
  if (rs.type == RangeType::kScore)
    z.ScoreRanks(rs.score, &lo, &hi);
  else
    z.LexRanks(rs.lex, rs.rev, &lo, &hi);
  if (hi <= lo) return out;
  size_t avail = hi - lo;
  size_t off = static_cast<size_t>(rs.offset);
  if (off >= avail) return out;
  size_t n = avail - off;
  if (rs.limit >= 0) n = std::min(n, static_cast<size_t>(rs.limit));
  out.reserve(n);
  z.Visit(rs.rev ? hi - 1 - off : lo + off, n, rs.rev, push);
  return out;
}

// Redis's zrangeGenericCommand. args[key_idx] is the source; min/max follow it; options after.
// type/dir are fixed by the older command forms and kAuto for ZRANGE/ZRANGESTORE.
void ZRangeGeneric(CmdArgList args, CommandContext& ctx, size_t key_idx, bool store, RangeType type,
                   Direction dir) {
  size_t min_idx = key_idx + 1, max_idx = key_idx + 2;
  bool withscores = false;
  bool limit_given = false;
  RangeSpec rs;
  for (size_t j = key_idx + 3; j < args.size(); ++j) {
    size_t left = args.size() - j - 1;
    std::string_view o = args[j];
    if (!store && EqualsIgnoreCase(o, "withscores")) {
      withscores = true;
    } else if (EqualsIgnoreCase(o, "limit") && left >= 2) {
      if (!ParseInt64(args[j + 1], &rs.offset) || !ParseInt64(args[j + 2], &rs.limit))
        return ctx.SendError(errors::kNotInteger);
      limit_given = true;
      j += 2;
    } else if (dir == Direction::kAuto && EqualsIgnoreCase(o, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && EqualsIgnoreCase(o, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && EqualsIgnoreCase(o, "byscore")) {
      type = RangeType::kScore;
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  // Redis tests the limit against its default (-1): "LIMIT 0 -1" passes with a rank range.
  if (limit_given && rs.limit != -1 && type == RangeType::kRank)
    return ctx.SendError(errors::kZrangeLimitNeedsBy);
  if (withscores && type == RangeType::kLex) return ctx.SendError(errors::kZrangeWithscoresBylex);
  rs.type = type;
  rs.rev = dir == Direction::kReverse;
  if (rs.rev && type != RangeType::kRank) std::swap(min_idx, max_idx);
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (!ParseInt64(args[min_idx], &rs.start) || !ParseInt64(args[max_idx], &rs.end))
        return ctx.SendError(errors::kNotInteger);
      break;
    case RangeType::kScore:
      if (!ParseZScoreRange(args[min_idx], args[max_idx], &rs.score))
        return ctx.SendError(errors::kZsetMinMaxNotFloat);
      break;
    case RangeType::kLex:
      if (!ParseZLexRange(args[min_idx], args[max_idx], &rs.lex))
        return ctx.SendError(errors::kZsetMinMaxNotLex);
      break;
  }

  Db db = ctx.db();
  OpResult<const ZSet*> z = FindZsetRead(db, args[key_idx]);
  if (!z) return ctx.SendStatus(z.status());
  std::vector<ZPair> items;
  if (*z) items = CollectRange(**z, rs);
  if (store) {
    StoreZPairsAndNotify(ctx, db, args[1], items, "zrangestore");
    return ctx.rb.SendLong(items.size());
  }
  ReplyZPairs(ctx, items, withscores);
}

// Redis's zremrangeGenericCommand.
void ZRemRangeGeneric(CmdArgList args, CommandContext& ctx, RangeType type) {
  RangeSpec rs;
  rs.type = type;
  if (type == RangeType::kRank) {
    if (!ParseInt64(args[2], &rs.start) || !ParseInt64(args[3], &rs.end))
      return ctx.SendError(errors::kNotInteger);
  } else if (type == RangeType::kScore) {
    if (!ParseZScoreRange(args[2], args[3], &rs.score))
      return ctx.SendError(errors::kZsetMinMaxNotFloat);
  } else if (!ParseZLexRange(args[2], args[3], &rs.lex)) {
    return ctx.SendError(errors::kZsetMinMaxNotLex);
  }
  Db db = ctx.db();
  OpResult<Entry*> e = db.FindOfType(args[1], ObjType::kZSet);
  if (e.status() == OpStatus::kKeyNotFound) return ctx.rb.SendLong(0);
  if (!e) return ctx.SendStatus(e.status());
  ZSet* z = (*e)->value.As<ZSet>();
  size_t lo = 0, hi = 0;
  if (type == RangeType::kRank) {
    size_t first, last;
    if (!SanitizeRanks(rs.start, rs.end, z->size(), &first, &last)) return ctx.rb.SendLong(0);
    lo = first;
    hi = last + 1;
  } else if (type == RangeType::kScore) {
    z->ScoreRanks(rs.score, &lo, &hi);
  } else {
    z->LexRanks(rs.lex, /*rev=*/false, &lo, &hi);
  }
  if (hi <= lo) return ctx.rb.SendLong(0);
  z->RemoveRanks(lo, hi);
  bool emptied = z->size() == 0;
  if (emptied) db.Delete(args[1]);
  ctx.Notify(notify::kZset,
             type == RangeType::kRank    ? "zremrangebyrank"
             : type == RangeType::kScore ? "zremrangebyscore"
                                         : "zremrangebylex",
             args[1]);
  if (emptied) ctx.Notify(notify::kGeneric, "del", args[1]);
  ctx.rb.SendLong(hi - lo);
}

// ZPOPMIN/ZPOPMAX key [count].
void ZPopGeneric(CmdArgList args, CommandContext& ctx, bool max) {
  if (args.size() > 3) return ctx.SendError(errors::kSyntax);
  int64_t count = 1;
  bool count_given = args.size() == 3;
  if (count_given) {
    // getPositiveLongFromObjectOrReply: one message for non-integers and negatives.
    if (!ParseInt64(args[2], &count) || count < 0) return ctx.SendError(errors::kMustBePositive);
  }
  Db db = ctx.db();
  OpResult<Entry*> e = db.FindOfType(args[1], ObjType::kZSet);
  if (e.status() == OpStatus::kKeyNotFound) return ctx.rb.SendEmptyArray();
  if (!e) return ctx.SendStatus(e.status());
  if (count == 0) return ctx.rb.SendEmptyArray();
  ZSet* z = (*e)->value.As<ZSet>();
  size_t n = std::min(static_cast<size_t>(count), z->size());
  std::vector<ZPair> items;
  items.reserve(n);
  size_t size = z->size();
  z->Visit(max ? size - 1 : 0, n, max,
           [&](std::string_view m, double s) { items.emplace_back(std::string(m), s); });
  if (max)
    z->RemoveRanks(size - n, size);
  else
    z->RemoveRanks(0, n);
  bool emptied = z->size() == 0;
  if (emptied) db.Delete(args[1]);
  if (n) ctx.Notify(notify::kZset, max ? "zpopmax" : "zpopmin", args[1]);
  if (emptied) ctx.Notify(notify::kGeneric, "del", args[1]);
  auto& rb = ctx.rb;
  if (rb.resp_version() >= 3 && count_given) return ReplyZPairs(ctx, items, true);
  rb.StartArray(items.size() * 2);
  for (auto& [m, s] : items) {
    rb.SendBulk(m);
    rb.SendDouble(s);
  }
}

}  // namespace

// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
//   -> array of members (WITHSCORES: RESP2 member, score...; RESP3 [member, score] pairs)
void CmdZrange(CmdArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 1, false, RangeType::kAuto, Direction::kAuto);
}

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
//   -> integer: elements in dst (dst deleted when 0)
void CmdZrangestore(CmdArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 2, true, RangeType::kAuto, Direction::kAuto);
}

// ZREVRANGE key start stop [WITHSCORES] -> array, highest scores first
void CmdZrevrange(CmdArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 1, false, RangeType::kRank, Direction::kReverse);
}

// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count] -> array
void CmdZrangebyscore(CmdArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 1, false, RangeType::kScore, Direction::kForward);
}

// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count] -> array
void CmdZrevrangebyscore(CmdArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 1, false, RangeType::kScore, Direction::kReverse);
}

// ZRANGEBYLEX key min max [LIMIT offset count] -> array of members
void CmdZrangebylex(CmdArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 1, false, RangeType::kLex, Direction::kForward);
}

// ZREVRANGEBYLEX key max min [LIMIT offset count] -> array of members
void CmdZrevrangebylex(CmdArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 1, false, RangeType::kLex, Direction::kReverse);
}

// ZREMRANGEBYRANK key start stop -> integer: members removed
void CmdZremrangebyrank(CmdArgList args, CommandContext& ctx) {
  ZRemRangeGeneric(args, ctx, RangeType::kRank);
}

// ZREMRANGEBYSCORE key min max -> integer: members removed
void CmdZremrangebyscore(CmdArgList args, CommandContext& ctx) {
  ZRemRangeGeneric(args, ctx, RangeType::kScore);
}

// ZREMRANGEBYLEX key min max -> integer: members removed
void CmdZremrangebylex(CmdArgList args, CommandContext& ctx) {
  ZRemRangeGeneric(args, ctx, RangeType::kLex);
}

// ZPOPMIN key [count] -> array: member, score... (RESP3 with count: [member, score] pairs)
void CmdZpopmin(CmdArgList args, CommandContext& ctx) { ZPopGeneric(args, ctx, false); }

// ZPOPMAX key [count] -> array, highest scores first
void CmdZpopmax(CmdArgList args, CommandContext& ctx) { ZPopGeneric(args, ctx, true); }

}  // namespace fincache
