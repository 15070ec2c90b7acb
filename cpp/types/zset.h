// ZSet: a sorted set, Redis's two encodings.
//
//   "listpack"  a vector of (member, score) kept sorted by (score, member bytes); O(N) updates,
//               used while the set has at most zset-max-listpack-entries elements and every
//               member is at most zset-max-listpack-value bytes.
//   "skiplist"  a SkipList (ordered index with spans: O(log N) insert, delete, rank, range
//               bounds) plus a hash map member -> node for O(1) ZSCORE/membership. The map's keys
//               are views of the members stored in the nodes.
//
// A set converts from listpack to skiplist when an insert would break a limit, never back (as
// Redis). Results written by store commands pick their encoding from their final size
// (CreateFor). Every order-based operation is expressed on ranks: a score or lex range becomes
// the rank interval [lower, upper) found by two O(log N) prefix counts, and elements are then
// visited by rank.
//
// MemoryUsage() is O(1): the encodings keep running byte counts.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "types/member_index.h"
#include "types/skiplist.h"
#include "types/value.h"

namespace fincache {

// zset-max-listpack-entries / zset-max-listpack-value (set by the config layer).
struct ZsetLimits {
  static std::atomic<int64_t> max_listpack_entries;
  static std::atomic<int64_t> max_listpack_value;
};

// A score interval; min/max may be +-inf; *_ex: the bound itself is excluded.
struct ZScoreRange {
  double min = 0, max = 0;
  bool min_ex = false, max_ex = false;
};

// A lex interval: "-" and "+" are the infinite bounds, "[x" inclusive, "(x" exclusive.
struct ZLexBound {
  enum Kind : uint8_t { kNegInf, kPosInf, kValue };
  Kind kind = kNegInf;
  bool exclusive = false;
  std::string_view value;  // points into the command's argv
};
struct ZLexRange {
  ZLexBound min, max;
};

class ZSet final : public CompositeValue {
 public:
  // ZADD input flags and output flags (Redis's ZADD_IN_* / ZADD_OUT_*).
  enum AddIn : int { kNx = 1, kXx = 2, kGt = 4, kLt = 8, kIncr = 16 };
  enum AddOut : int { kOutNan = 1, kOutAdded = 2, kOutUpdated = 4, kOutNop = 8 };

  ZSet();  // empty, listpack
  ~ZSet() override;

  // An empty set whose encoding suits `size` elements with members up to `max_member_len` bytes
  // (store commands: listpack when both fit the limits).
  static std::unique_ptr<ZSet> CreateFor(size_t size, size_t max_member_len);

  ObjType type() const override { return ObjType::kZSet; }
  std::string_view encoding() const override { return big_ ? "skiplist" : "listpack"; }
  size_t MemoryUsage() const override;
  std::unique_ptr<CompositeValue> Clone() const override;

  bool is_listpack() const { return !big_; }
  size_t size() const { return big_ ? sl_->size() : lp_.size(); }

  // Redis's zsetAdd: adds or updates `member` with `score` under the AddIn flags. Returns false
  // only when the resulting score is NaN (out = kOutNan); else out is kOutAdded, kOutUpdated,
  // kOutNop (skipped by NX/XX/GT/LT) or 0 (same score) and *new_score (if given) the member's
  // score after the call (for INCR).
  bool Add(std::string_view member, double score, int in, int* out, double* new_score);
  // Removes a member; false when absent.
  bool Remove(std::string_view member);
  std::optional<double> Score(std::string_view member) const;
  // 0-based ascending rank of a member.
  std::optional<size_t> Rank(std::string_view member) const;

  // Rank interval [*lo, *hi) of the elements inside a range (hi may be < lo when empty).
  void ScoreRanks(const ZScoreRange& r, size_t* lo, size_t* hi) const;
  // Lex ranges assume equal scores, as Redis documents. With mixed scores the answer is Redis's
  // walk: the range starts at the first element >= min (from the end for rev: the last <= max)
  // and runs while elements stay <= max (rev: >= min), and is empty unless the last element is
  // >= min and the first <= max. Small sets follow that walk exactly; big ones, whose Redis
  // answer depends on its skiplist's random levels, use the same bounds by binary search.
  void LexRanks(const ZLexRange& r, bool rev, size_t* lo, size_t* hi) const;

  // Visits `count` elements starting at ascending rank `start` (< size()): upward, or with
  // rev downward (start, start-1, ...). fn(member, score).
  template <typename F>
  void Visit(size_t start, size_t count, bool rev, F&& fn) const {
    if (count == 0) return;
    if (!big_) {
      for (size_t i = 0; i < count; ++i) {
        const Item& it = lp_[rev ? start - i : start + i];
        fn(std::string_view(it.member), it.score);
      }
      return;
    }
    SkipList::Node* n = sl_->ByRank(start);
    for (size_t i = 0; i < count && n; ++i) {
      fn(n->member(), n->score);
      n = rev ? n->prev() : n->next();
    }
  }
  // Removes the elements of ascending ranks [lo, hi).
  void RemoveRanks(size_t lo, size_t hi);

  // Converts to the skiplist encoding (no-op when already there).
  void ConvertToSkiplist();

 private:
  struct Item {
    std::string member;
    double score;
  };
  static size_t ItemHeapBytes(const std::string& s) {
    return s.capacity() > 15 ? s.capacity() + 1 : 0;
  }
  // Listpack: index of the first item not ordered before (score, member).
  size_t LpLowerBound(double score, std::string_view member) const;
  size_t LpFind(std::string_view member) const;  // npos when absent
  void LpInsert(double score, std::string_view member);
  void LpErase(size_t i);
  void SlInsert(double score, std::string_view member);

  template <typename Pred>
  size_t CountPrefix(Pred before) const;

  bool big_ = false;
  // listpack encoding
  std::vector<Item> lp_;
  size_t lp_heap_bytes_ = 0;  // member heap bytes beyond the Items themselves
  // skiplist encoding
  std::unique_ptr<SkipList> sl_;
  MemberIndex map_;
};

}  // namespace fincache
