// LCS: the longest common subsequence of two strings, with Redis 7.0's reply shapes.
//
// The classic dynamic-programming table: lcs[i][j] is the LCS length of a[0..i) and b[0..j).
// Walking it back from (alen, blen) yields the LCS itself (built backwards) and, for IDX, the
// matching ranges from the end of the strings to their start, exactly in Redis's order. Like
// Redis, the table's size is capped by proto-max-bulk-len so one command can't eat the memory.
#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/string_family.h"
#include "common/errors.h"
#include "common/strings.h"

namespace fincache {

namespace {

struct LcsRange {
  uint32_t a_start, a_end, b_start, b_end;
};

struct LcsOptions {
  bool len = false;
  bool idx = false;
  bool with_match_len = false;
  int64_t min_match_len = 0;
};

}  // namespace

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
//   -> bulk string: the LCS; with LEN: integer; with IDX: map {matches: [[[a0,a1],[b0,b1](,len)]
//      ...], len: integer} (an array of 4 in RESP2). Missing keys are empty strings.
void CmdLcs(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  // Redis looks the keys up before parsing the options.
  const Entry* ea = db.FindRead(args[1]);
  const Entry* eb = db.FindRead(args[2]);
  if ((ea && !ea->value.is_string()) || (eb && !eb->value.is_string()))
    return ctx.SendError(errors::kLcsNotStrings);

  LcsOptions opt;
  for (size_t i = 3; i < args.size(); ++i) {
    std::string_view o = args[i];
    bool more = i + 1 < args.size();
    if (EqualsIgnoreCase(o, "idx")) {
      opt.idx = true;
    } else if (EqualsIgnoreCase(o, "len")) {
      opt.len = true;
    } else if (EqualsIgnoreCase(o, "withmatchlen")) {
      opt.with_match_len = true;
    } else if (EqualsIgnoreCase(o, "minmatchlen") && more) {
      if (!ParseInt64(args[i + 1], &opt.min_match_len)) return ctx.SendError(errors::kNotInteger);
      if (opt.min_match_len < 0) opt.min_match_len = 0;
      ++i;
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  if (opt.idx && opt.len) return ctx.SendError(errors::kLcsLenAndIdx);

  // Views into the entries: they stay put, the shard locks are held for the whole command.
  const std::string_view a = ea ? std::string_view(ea->value.str()) : std::string_view();
  const std::string_view b = eb ? std::string_view(eb->value.str()) : std::string_view();
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1)
    return ctx.SendError(errors::kLcsStringTooLong);
  const uint32_t alen = static_cast<uint32_t>(a.size());
  const uint32_t blen = static_cast<uint32_t>(b.size());
  const uint64_t cells = static_cast<uint64_t>(alen + 1ull) * (blen + 1ull);
  const uint64_t bytes = cells * sizeof(uint32_t);
  if (bytes / sizeof(uint32_t) != cells ||
      bytes > static_cast<uint64_t>(ctx.server.config().proto_max_bulk_len.load()))
    return ctx.SendError(errors::kLcsExceedsProtoMax);

  std::vector<uint32_t> table;
  try {
    table.resize(cells);
  } catch (const std::bad_alloc&) {
    return ctx.SendError(errors::kLcsAllocFailed);
  }
  const uint64_t stride = blen + 1ull;
  auto at = [&](uint32_t i, uint32_t j) -> uint32_t& { return table[i * stride + j]; };
  for (uint32_t i = 1; i <= alen; ++i) {
    for (uint32_t j = 1; j <= blen; ++j) {
      if (a[i - 1] == b[j - 1]) {
        at(i, j) = at(i - 1, j - 1) + 1;
      } else {
        uint32_t up = at(i - 1, j), left = at(i, j - 1);
        at(i, j) = up > left ? up : left;
      }
    }
  }
  const uint32_t total = at(alen, blen);
  if (opt.len) return ctx.rb.SendLong(total);

  // Walk back. A range grows while matches are contiguous in both strings; it is emitted when
  // the walk leaves it (a skip) or reaches the start of either string.
  std::string result(total, '\0');
  std::vector<LcsRange> ranges;
  uint32_t pos = total;
  bool in_range = false;
  LcsRange cur{};
  uint32_t i = alen, j = blen;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[--pos] = a[i - 1];
      if (!in_range) {
        cur = {i - 1, i - 1, j - 1, j - 1};
        in_range = true;
      } else if (cur.a_start == i && cur.b_start == j) {
        --cur.a_start;
        --cur.b_start;
      } else {
        emit = true;
      }
      if (cur.a_start == 0 || cur.b_start == 0) emit = true;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1))
        --i;
      else
        --j;
      if (in_range) emit = true;
    }
    if (emit) {
      uint32_t match_len = cur.a_end - cur.a_start + 1;
      if (opt.min_match_len == 0 || match_len >= static_cast<uint64_t>(opt.min_match_len))
        ranges.push_back(cur);
      in_range = false;
    }
  }

  if (!opt.idx) return ctx.rb.SendBulk(result);
  auto& rb = ctx.rb;
  rb.StartMap(2);
  rb.SendBulk("matches");
  rb.StartArray(ranges.size());
  for (const LcsRange& r : ranges) {
    rb.StartArray(opt.with_match_len ? 3 : 2);
    rb.StartArray(2);
    rb.SendLong(r.a_start);
    rb.SendLong(r.a_end);
    rb.StartArray(2);
    rb.SendLong(r.b_start);
    rb.SendLong(r.b_end);
    if (opt.with_match_len) rb.SendLong(r.a_end - r.a_start + 1);
  }
  rb.SendBulk("len");
  rb.SendLong(total);
}

}  // namespace fincache
