// ListValue: what a list key holds.
//
// Redis 7.0 stores every list as a quicklist (OBJECT ENCODING "quicklist"; listpack-encoded
// lists only arrived in 7.2), so there is one encoding label here too. The representation is a
// std::deque of std::string: O(1) push/pop at both ends, O(1) random access (LINDEX, LSET and
// LRANGE don't walk), and short elements (up to 15 bytes) stored inline in the string object
// with no heap block of their own. It is not as dense as a quicklist of listpacks (about 32
// bytes of overhead per element instead of 2-11); list-max-listpack-size and
// list-compress-depth are therefore not registered, since nothing would honour them.
//
// Invariants: a list key is never empty (commands delete the key when they remove the last
// element); bytes_ always equals the sum of ElementBytes() over the elements, so MemoryUsage()
// is O(1). Every mutation goes through a method of this class to keep bytes_ exact.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "types/value.h"

namespace fincache {

class ListValue final : public CompositeValue {
 public:
  enum class End : uint8_t { kHead, kTail };

  ObjType type() const override { return ObjType::kList; }
  std::string_view encoding() const override { return "quicklist"; }
  size_t MemoryUsage() const override { return sizeof(ListValue) + bytes_; }
  std::unique_ptr<CompositeValue> Clone() const override;

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const std::string& at(size_t i) const { return items_[i]; }

  void Push(End end, std::string_view v);
  // Removes and returns the element at one end (the list must not be empty).
  std::string Pop(End end);
  void Set(size_t i, std::string_view v);
  // Inserts before position i (i == size(): at the tail).
  void Insert(size_t i, std::string_view v);
  // Keeps only [start, stop] (both within the list, start <= stop); Clear() for an empty result.
  void Trim(size_t start, size_t stop);
  void Clear();
  // Removes elements equal to v: count > 0 the first count from the head, count < 0 the first
  // |count| from the tail, 0 all. Returns the number removed.
  size_t Remove(std::string_view v, int64_t count);

  // Bytes charged for one element: the string object plus its heap block, if any.
  static size_t ElementBytes(const std::string& s);

 private:
  std::deque<std::string> items_;
  size_t bytes_ = 0;
};

}  // namespace fincache
