#include "types/zset.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>

namespace fincache {

std::atomic<int64_t> ZsetLimits::max_listpack_entries{128};
std::atomic<int64_t> ZsetLimits::max_listpack_value{64};

// ============================================================================================
// SkipList
// ============================================================================================

size_t SkipList::NodeBytes(int height, size_t member_len) {
  return sizeof(Node) + height * sizeof(Level) + member_len;
}

SkipList::Node* SkipList::NewNode(int height, double score, std::string_view member) {
  void* mem = std::malloc(NodeBytes(height, member.size()));
  if (!mem) throw std::bad_alloc();
  Node* n = static_cast<Node*>(mem);
  n->score = score;
  n->backward = nullptr;
  n->member_len = static_cast<uint32_t>(member.size());
  n->height = static_cast<uint8_t>(height);
  for (int i = 0; i < height; ++i) n->levels()[i] = {nullptr, 0};
  if (!member.empty()) std::memcpy(n->levels() + height, member.data(), member.size());
  return n;
}

int SkipList::RandomHeight() {
  // P(height > h) = 1/4^h, as Redis's ZSKIPLIST_P = 0.25.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  int h = 1;
  uint64_t bits = rng();
  while (h < kMaxHeight && (bits & 3) == 0) {
    ++h;
    bits >>= 2;
    if (bits == 0) bits = rng();
  }
  return h;
}

SkipList::SkipList() {
  head_ = NewNode(kMaxHeight, 0, {});
  bytes_ = NodeBytes(kMaxHeight, 0);
}

SkipList::~SkipList() {
  Node* x = head_->levels()[0].forward;
  while (x) {
    Node* next = x->levels()[0].forward;
    std::free(x);
    x = next;
  }
  std::free(head_);
}

SkipList::Node* SkipList::Insert(double score, std::string_view member) {
  Node* update[kMaxHeight];
  size_t rank[kMaxHeight];
  Node* x = head_;
  for (int i = height_ - 1; i >= 0; --i) {
    rank[i] = i == height_ - 1 ? 0 : rank[i + 1];
    while (x->levels()[i].forward &&
           Less(x->levels()[i].forward->score, x->levels()[i].forward->member(), score, member)) {
      rank[i] += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
    update[i] = x;
  }
  int h = RandomHeight();
  if (h > height_) {
    for (int i = height_; i < h; ++i) {
      rank[i] = 0;
      update[i] = head_;
      update[i]->levels()[i].span = size_;
    }
    height_ = h;
  }
  Node* n = NewNode(h, score, member);
  for (int i = 0; i < h; ++i) {
    n->levels()[i].forward = update[i]->levels()[i].forward;
    update[i]->levels()[i].forward = n;
    // update[i] reached rank[i]; the new node sits at rank[0] + 1 (1-based).
    n->levels()[i].span = update[i]->levels()[i].span - (rank[0] - rank[i]);
    update[i]->levels()[i].span = (rank[0] - rank[i]) + 1;
  }
  for (int i = h; i < height_; ++i) update[i]->levels()[i].span++;
  n->backward = update[0] == head_ ? nullptr : update[0];
  if (n->levels()[0].forward)
    n->levels()[0].forward->backward = n;
  else
    tail_ = n;
  ++size_;
  bytes_ += NodeBytes(h, member.size());
  return n;
}

void SkipList::Unlink(Node* x, Node** update) {
  for (int i = 0; i < height_; ++i) {
    if (update[i]->levels()[i].forward == x) {
      update[i]->levels()[i].span += x->levels()[i].span - 1;
      update[i]->levels()[i].forward = x->levels()[i].forward;
    } else {
      update[i]->levels()[i].span -= 1;
    }
  }
  if (x->levels()[0].forward)
    x->levels()[0].forward->backward = x->backward;
  else
    tail_ = x->backward;
  while (height_ > 1 && head_->levels()[height_ - 1].forward == nullptr) --height_;
  --size_;
  bytes_ -= NodeBytes(x->height, x->member_len);
}

bool SkipList::Delete(double score, std::string_view member) {
  Node* update[kMaxHeight];
  Node* x = head_;
  for (int i = height_ - 1; i >= 0; --i) {
    while (x->levels()[i].forward &&
           Less(x->levels()[i].forward->score, x->levels()[i].forward->member(), score, member))
      x = x->levels()[i].forward;
    update[i] = x;
  }
  x = x->levels()[0].forward;
  if (!x || x->score != score || x->member() != member) return false;
  Unlink(x, update);
  std::free(x);
  return true;
}

SkipList::Node* SkipList::UpdateScore(Node* node, double new_score) {
  Node* prev = node->backward;
  Node* next = node->levels()[0].forward;
  std::string_view m = node->member();
  // Still in order with its neighbours: change in place.
  if ((!prev || Less(prev->score, prev->member(), new_score, m)) &&
      (!next || Less(new_score, m, next->score, next->member()))) {
    node->score = new_score;
    return node;
  }
  std::string member(m);
  bool ok = Delete(node->score, member);
  assert(ok);
  (void)ok;
  return Insert(new_score, member);
}

size_t SkipList::Rank(double score, std::string_view member) const {
  // Elements strictly before the pair.
  return CountPrefix([&](double s, std::string_view m) { return Less(s, m, score, member); });
}

SkipList::Node* SkipList::ByRank(size_t rank) const {
  size_t target = rank + 1;  // 1-based in span units
  Node* x = head_;
  size_t traversed = 0;
  for (int i = height_ - 1; i >= 0; --i) {
    while (x->levels()[i].forward && traversed + x->levels()[i].span <= target) {
      traversed += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
    if (traversed == target) return x;
  }
  return nullptr;
}

// ============================================================================================
// ZSet
// ============================================================================================

ZSet::ZSet() = default;
ZSet::~ZSet() = default;

std::unique_ptr<ZSet> ZSet::CreateFor(size_t size, size_t max_member_len) {
  auto z = std::make_unique<ZSet>();
  if (static_cast<int64_t>(size) > ZsetLimits::max_listpack_entries.load() ||
      static_cast<int64_t>(max_member_len) > ZsetLimits::max_listpack_value.load())
    z->ConvertToSkiplist();
  return z;
}

size_t ZSet::MemoryUsage() const {
  if (!big_) return sizeof(ZSet) + lp_.capacity() * sizeof(Item) + lp_heap_bytes_;
  return sizeof(ZSet) + sl_->bytes() + map_.bytes();
}

std::unique_ptr<CompositeValue> ZSet::Clone() const {
  auto z = std::make_unique<ZSet>();
  if (!big_) {
    z->lp_ = lp_;
    for (auto& it : z->lp_) z->lp_heap_bytes_ += ItemHeapBytes(it.member);
    return z;
  }
  z->ConvertToSkiplist();
  z->map_.Reserve(map_.size());
  for (SkipList::Node* n = sl_->first(); n; n = n->next()) z->SlInsert(n->score, n->member());
  return z;
}

void ZSet::ConvertToSkiplist() {
  if (big_) return;
  big_ = true;
  sl_ = std::make_unique<SkipList>();
  map_.Reserve(lp_.size());
  for (auto& it : lp_) SlInsert(it.score, it.member);
  std::vector<Item>().swap(lp_);
  lp_heap_bytes_ = 0;
}

void ZSet::SlInsert(double score, std::string_view member) {
  SkipList::Node* n = sl_->Insert(score, member);
  map_.Insert(n);
}

size_t ZSet::LpLowerBound(double score, std::string_view member) const {
  auto it = std::partition_point(lp_.begin(), lp_.end(), [&](const Item& x) {
    return SkipList::Less(x.score, x.member, score, member);
  });
  return it - lp_.begin();
}

size_t ZSet::LpFind(std::string_view member) const {
  for (size_t i = 0; i < lp_.size(); ++i)
    if (lp_[i].member == member) return i;
  return std::string::npos;
}

void ZSet::LpInsert(double score, std::string_view member) {
  // Redis's listpack stores scores as text, where -0 reads back as 0; the skiplist keeps -0.
  if (score == 0) score = 0.0;
  size_t pos = LpLowerBound(score, member);
  lp_.insert(lp_.begin() + pos, Item{std::string(member), score});
  lp_heap_bytes_ += ItemHeapBytes(lp_[pos].member);
}

void ZSet::LpErase(size_t i) {
  lp_heap_bytes_ -= ItemHeapBytes(lp_[i].member);
  lp_.erase(lp_.begin() + i);
}

bool ZSet::Add(std::string_view member, double score, int in, int* out, double* new_score) {
  if (std::isnan(score)) {
    *out = kOutNan;
    return false;
  }
  std::optional<double> cur = Score(member);
  if (cur) {
    if (in & kNx) {
      *out = kOutNop;
      return true;
    }
    if (in & kIncr) {
      score += *cur;
      if (std::isnan(score)) {
        *out = kOutNan;
        return false;
      }
    }
    if (((in & kLt) && score >= *cur) || ((in & kGt) && score <= *cur)) {
      *out = kOutNop;
      return true;
    }
    if (new_score) *new_score = score;
    if (score != *cur) {
      if (!big_) {
        LpErase(LpFind(member));
        LpInsert(score, member);
      } else {
        // The node may be reallocated (possibly at the same address with another height, so a
        // different member offset): always re-key the map with the current node's view.
        SkipList::Node* old_node = map_.Find(member);
        map_.Erase(member);
        map_.Insert(sl_->UpdateScore(old_node, score));
      }
      *out = kOutUpdated;
    } else {
      *out = 0;
    }
    return true;
  }
  if (in & kXx) {
    *out = kOutNop;
    return true;
  }
  if (!big_ && (static_cast<int64_t>(lp_.size()) + 1 > ZsetLimits::max_listpack_entries.load() ||
                static_cast<int64_t>(member.size()) > ZsetLimits::max_listpack_value.load()))
    ConvertToSkiplist();
  if (!big_)
    LpInsert(score, member);
  else
    SlInsert(score, member);
  if (new_score) *new_score = score;
  *out = kOutAdded;
  return true;
}

bool ZSet::Remove(std::string_view member) {
  if (!big_) {
    size_t i = LpFind(member);
    if (i == std::string::npos) return false;
    LpErase(i);
    return true;
  }
  SkipList::Node* n = map_.Find(member);
  if (n == nullptr) return false;
  map_.Erase(member);
  sl_->Delete(n->score, n->member());
  return true;
}

std::optional<double> ZSet::Score(std::string_view member) const {
  if (!big_) {
    size_t i = LpFind(member);
    if (i == std::string::npos) return std::nullopt;
    return lp_[i].score;
  }
  const SkipList::Node* n = map_.Find(member);
  if (n == nullptr) return std::nullopt;
  return n->score;
}

std::optional<size_t> ZSet::Rank(std::string_view member) const {
  if (!big_) {
    size_t i = LpFind(member);
    if (i == std::string::npos) return std::nullopt;
    return i;
  }
  const SkipList::Node* n = map_.Find(member);
  if (n == nullptr) return std::nullopt;
  return sl_->Rank(n->score, member);
}

template <typename Pred>
size_t ZSet::CountPrefix(Pred before) const {
  if (big_) return sl_->CountPrefix(before);
  auto it = std::partition_point(lp_.begin(), lp_.end(), [&](const Item& x) {
    return before(x.score, std::string_view(x.member));
  });
  return it - lp_.begin();
}

void ZSet::ScoreRanks(const ZScoreRange& r, size_t* lo, size_t* hi) const {
  *lo = CountPrefix(
      [&](double s, std::string_view) { return s < r.min || (r.min_ex && s == r.min); });
  *hi = CountPrefix(
      [&](double s, std::string_view) { return s < r.max || (!r.max_ex && s == r.max); });
}

namespace {
// Whether member m lies before bound b when b is a lower bound (lower=true), or at/before an
// upper bound b (lower=false): both are prefix predicates on the member order.
bool LexBefore(std::string_view m, const ZLexBound& b, bool lower) {
  switch (b.kind) {
    case ZLexBound::kNegInf:
      return false;
    case ZLexBound::kPosInf:
      return true;
    case ZLexBound::kValue:
      break;
  }
  int c = m.compare(b.value);
  if (lower) return c < 0 || (b.exclusive && c == 0);
  return c < 0 || (!b.exclusive && c == 0);
}
}  // namespace

void ZSet::LexRanks(const ZLexRange& r, bool rev, size_t* lo, size_t* hi) const {
  *lo = *hi = 0;
  const size_t n = size();
  if (n == 0) return;
  auto gte_min = [&](std::string_view m) { return !LexBefore(m, r.min, true); };
  auto lte_max = [&](std::string_view m) { return LexBefore(m, r.max, false); };
  const std::string_view first = big_ ? sl_->first()->member() : std::string_view(lp_[0].member);
  const std::string_view last = big_ ? sl_->last()->member() : std::string_view(lp_[n - 1].member);
  // Redis's zzlIsInLexRange / zslIsInLexRange.
  if (!gte_min(last) || !lte_max(first)) return;
  if (big_) {
    *lo = sl_->CountPrefix([&](double, std::string_view m) { return !gte_min(m); });
    *hi = sl_->CountPrefix([&](double, std::string_view m) { return lte_max(m); });
    if (*hi < *lo) *hi = *lo;
    return;
  }
  if (!rev) {
    size_t i = 0;
    while (i < n && !gte_min(lp_[i].member)) ++i;
    if (i == n || !lte_max(lp_[i].member)) return;
    size_t j = i + 1;
    while (j < n && lte_max(lp_[j].member)) ++j;
    *lo = i;
    *hi = j;
  } else {
    size_t j = n;
    while (j > 0 && !lte_max(lp_[j - 1].member)) --j;
    if (j == 0 || !gte_min(lp_[j - 1].member)) return;
    size_t i = j - 1;
    while (i > 0 && gte_min(lp_[i - 1].member)) --i;
    *lo = i;
    *hi = j;
  }
}

void ZSet::RemoveRanks(size_t lo, size_t hi) {
  if (hi <= lo) return;
  if (!big_) {
    for (size_t i = lo; i < hi; ++i) lp_heap_bytes_ -= ItemHeapBytes(lp_[i].member);
    lp_.erase(lp_.begin() + lo, lp_.begin() + hi);
    return;
  }
  SkipList::Node* n = sl_->ByRank(lo);
  for (size_t i = lo; i < hi && n; ++i) {
    SkipList::Node* next = n->next();
    map_.Erase(n->member());
    sl_->Delete(n->score, n->member());
    n = next;
  }
}

}  // namespace fincache
