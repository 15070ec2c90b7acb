// SkipList: the ordered index of a big sorted set ("skiplist" encoding).
//
// Elements are ordered by (score, member bytes); a (score, member) pair is unique (the sorted set
// guarantees it with its member map). Each node carries `height` forward links; every link stores
// its span (how many level-0 steps it jumps), so the rank of an element, the element at a rank
// and the number of elements before a bound are all found in O(log N) expected time. Level-0
// links also have a backward pointer for reverse iteration.
//
// A node is one heap block: the Node header, then `height` Level records, then the member bytes
// (binary safe, no terminator). Nodes never move while they are in the list, so a member's
// string_view (Node::member()) stays valid until the node is deleted: the sorted set's member map
// is keyed by those views.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fincache {

class SkipList {
 public:
  static constexpr int kMaxHeight = 32;

  struct Node;
  struct Level {
    Node* forward;
    size_t span;  // level-0 steps from this node to `forward` (to the end when forward is null)
  };
  struct Node {
    double score;
    Node* backward;
    uint32_t member_len;
    uint8_t height;

    Level* levels() { return reinterpret_cast<Level*>(this + 1); }
    const Level* levels() const { return reinterpret_cast<const Level*>(this + 1); }
    std::string_view member() const {
      return {reinterpret_cast<const char*>(levels() + height), member_len};
    }
    Node* next() const { return levels()[0].forward; }
    Node* prev() const { return backward; }
  };

  SkipList();
  ~SkipList();
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  size_t size() const { return size_; }
  // Bytes of all nodes (headers, levels, members) including the head node.
  size_t bytes() const { return bytes_; }
  Node* first() const { return head_->levels()[0].forward; }
  Node* last() const { return tail_; }

  // Inserts a pair that is not in the list yet; returns its node.
  Node* Insert(double score, std::string_view member);
  // Deletes the node holding exactly (score, member); false when absent.
  bool Delete(double score, std::string_view member);
  // Changes the score of `node` (which holds (cur score, member)); returns the node now holding
  // the member (the same one when the order is unchanged, else a new one).
  Node* UpdateScore(Node* node, double new_score);

  // 0-based rank of the node holding (score, member), which must be present.
  size_t Rank(double score, std::string_view member) const;
  // Node at a 0-based rank (< size()).
  Node* ByRank(size_t rank) const;

  // Number of leading elements for which before(score, member) holds. `before` must be true on a
  // prefix of the order and false after it (a lower bound predicate).
  template <typename Pred>
  size_t CountPrefix(Pred before) const {
    const Node* x = head_;
    size_t rank = 0;
    for (int i = height_ - 1; i >= 0; --i) {
      while (x->levels()[i].forward) {
        const Node* f = x->levels()[i].forward;
        if (!before(f->score, f->member())) break;
        rank += x->levels()[i].span;
        x = f;
      }
    }
    return rank;
  }

  // (a_score, a_member) < (b_score, b_member) in the list order.
  static bool Less(double as, std::string_view am, double bs, std::string_view bm) {
    return as < bs || (as == bs && am < bm);
  }

 private:
  static Node* NewNode(int height, double score, std::string_view member);
  static size_t NodeBytes(int height, size_t member_len);
  static int RandomHeight();
  void Unlink(Node* x, Node** update);

  Node* head_;
  Node* tail_ = nullptr;
  size_t size_ = 0;
  size_t bytes_ = 0;
  int height_ = 1;
};

}  // namespace fincache
