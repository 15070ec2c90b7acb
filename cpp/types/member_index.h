// MemberIndex: member -> skiplist node for a big sorted set, in 8 bytes per slot.
//
// An open-addressing (linear probing) table of SkipList::Node pointers; the key of a slot is the
// member stored in the node itself, so nothing is allocated per element. The top 16 bits of a
// user-space pointer are zero on the platforms we build for (x86-64, AArch64 with 48-bit
// addresses): a slot keeps 16 bits of the member's hash there, so a probe dereferences a node
// only when those bits match. Deletion shifts the following run back (no tombstones). The table
// grows at 3/4 load and shrinks below 1/8, recomputing hashes from the members.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

#include "engine/key_table.h"
#include "types/skiplist.h"

namespace fincache {

static_assert(sizeof(uintptr_t) == 8, "MemberIndex keeps hash bits in 64-bit pointers");

class MemberIndex {
 public:
  using Node = SkipList::Node;

  MemberIndex() = default;
  ~MemberIndex() { std::free(slots_); }
  MemberIndex(const MemberIndex&) = delete;
  MemberIndex& operator=(const MemberIndex&) = delete;

  size_t size() const { return size_; }
  // Bytes of the slot array.
  size_t bytes() const { return capacity_ * sizeof(uintptr_t); }

  // Makes room for n members without growing.
  void Reserve(size_t n) {
    size_t cap = kMinCapacity;
    while (cap * 3 / 4 < n) cap *= 2;
    if (cap > capacity_) Rehash(cap);
  }

  Node* Find(std::string_view member) const {
    if (size_ == 0) return nullptr;
    const uint64_t h = HashKey(member);
    const uintptr_t tag = Tag(h);
    for (size_t i = h & mask(); slots_[i] != 0; i = (i + 1) & mask()) {
      if ((slots_[i] & kTagMask) == tag) {
        Node* n = NodeOf(slots_[i]);
        if (n->member() == member) return n;
      }
    }
    return nullptr;
  }

  // Adds a node whose member is not present yet.
  void Insert(Node* n) {
    assert((reinterpret_cast<uintptr_t>(n) & kTagMask) == 0);
    if ((size_ + 1) * 4 > capacity_ * 3) Rehash(capacity_ ? capacity_ * 2 : kMinCapacity);
    Place(n, HashKey(n->member()));
    ++size_;
  }

  // Removes `member`; false when absent.
  bool Erase(std::string_view member) {
    size_t i;
    if (!Locate(member, &i)) return false;
    // Backward-shift deletion: move later members of the run into the hole when their home
    // slot does not lie cyclically in (hole, their position].
    size_t hole = i;
    for (size_t j = (i + 1) & mask(); slots_[j] != 0; j = (j + 1) & mask()) {
      const size_t home = HashKey(NodeOf(slots_[j])->member()) & mask();
      const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (stays) continue;
      slots_[hole] = slots_[j];
      hole = j;
    }
    slots_[hole] = 0;
    --size_;
    if (capacity_ > kMinCapacity && size_ * 8 < capacity_) Rehash(capacity_ / 2);
    return true;
  }

 private:
  static constexpr size_t kMinCapacity = 8;
  static constexpr int kTagShift = 48;
  static constexpr uintptr_t kTagMask = ~((uintptr_t{1} << kTagShift) - 1);

  static uintptr_t Tag(uint64_t h) { return static_cast<uintptr_t>(h >> kTagShift) << kTagShift; }
  static Node* NodeOf(uintptr_t slot) { return reinterpret_cast<Node*>(slot & ~kTagMask); }
  size_t mask() const { return capacity_ - 1; }

  bool Locate(std::string_view member, size_t* at) const {
    if (size_ == 0) return false;
    const uint64_t h = HashKey(member);
    const uintptr_t tag = Tag(h);
    for (size_t i = h & mask(); slots_[i] != 0; i = (i + 1) & mask()) {
      if ((slots_[i] & kTagMask) == tag && NodeOf(slots_[i])->member() == member) {
        *at = i;
        return true;
      }
    }
    return false;
  }

  void Place(Node* n, uint64_t h) {
    size_t i = h & mask();
    while (slots_[i] != 0) i = (i + 1) & mask();
    slots_[i] = Tag(h) | reinterpret_cast<uintptr_t>(n);
  }

  void Rehash(size_t capacity) {
    uintptr_t* old = slots_;
    const size_t old_capacity = capacity_;
    slots_ = static_cast<uintptr_t*>(std::calloc(capacity, sizeof(uintptr_t)));
    if (slots_ == nullptr) throw std::bad_alloc();
    capacity_ = capacity;
    for (size_t i = 0; i < old_capacity; ++i)
      if (old[i] != 0) Place(NodeOf(old[i]), HashKey(NodeOf(old[i])->member()));
    std::free(old);
  }

  uintptr_t* slots_ = nullptr;
  size_t capacity_ = 0;  // a power of two, or 0
  size_t size_ = 0;
};

}  // namespace fincache
