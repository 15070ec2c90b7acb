// SetValue: the set type, with Redis 7.0's two encodings (what OBJECT ENCODING reports):
//
// - "intset": while every member is the canonical decimal text of an int64 (Redis's string2ll:
//   no '+', no leading zeros, no spaces, no "-0") and there are at most set-max-intset-entries
//   members. A sorted array of integers stored with the narrowest width (2, 4 or 8 bytes) that
//   holds every value; the width only grows. Iteration is in ascending numeric order, as Redis.
// - "hashtable": a KeyTable of member strings (binary safe), iteration in table order.
//
// Conversion is one way, as in Redis: adding a non-integer member, or an integer that makes the
// intset exceed the limit, converts to a hashtable for good (removing members never converts
// back). A set created for a first member (Redis's setTypeCreate) starts as an intset when that
// member is an integer, then the add itself may convert it (limit 0 gives a hashtable at once).
//
// MemoryUsage() is O(1): the intset's buffer capacity, or the KeyTable's own byte count.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/key_table.h"
#include "types/value.h"

namespace fincache {

// The conversion threshold (set-max-intset-entries), mirrored from Config.
struct SetLimits {
  static std::atomic<int64_t> max_intset_entries;
};

// A sorted array of distinct int64 values with an adaptive element width.
class IntSet {
 public:
  size_t size() const { return len_; }
  int64_t At(size_t i) const;
  bool Contains(int64_t v) const;
  bool Insert(int64_t v);  // false if already present
  bool Erase(int64_t v);   // false if absent
  void EraseAt(size_t i);
  size_t MemoryUsage() const { return data_.capacity(); }
  // Bytes per element (2, 4 or 8): the narrowest that held every value ever inserted.
  uint8_t width() const { return width_; }

 private:
  // Position of v, or where it would be inserted; *found tells which.
  size_t Search(int64_t v, bool* found) const;
  void Set(size_t i, int64_t v);
  void Upgrade(uint8_t width);

  std::vector<uint8_t> data_;
  uint32_t len_ = 0;
  uint8_t width_ = 2;
};

class SetValue final : public CompositeValue {
 public:
  enum class Encoding : uint8_t { kIntSet, kHashTable };

  // An empty set in the encoding Redis's setTypeCreate picks for a first member.
  static std::unique_ptr<SetValue> CreateFor(std::string_view first_member);
  // An empty intset (how SINTERSTORE/SUNIONSTORE/SDIFFSTORE start their result).
  static std::unique_ptr<SetValue> CreateIntSet() { return std::make_unique<SetValue>(); }

  ObjType type() const override { return ObjType::kSet; }
  std::string_view encoding() const override;
  size_t MemoryUsage() const override;
  std::unique_ptr<CompositeValue> Clone() const override;

  Encoding enc() const { return enc_; }
  const IntSet& intset() const { return ints_; }  // the intset encoding (RDB SET_INTSET)
  size_t Size() const { return enc_ == Encoding::kIntSet ? ints_.size() : table_.size(); }
  bool Contains(std::string_view member) const;
  // Adds a member (converting as described above); false if it was already there.
  bool Add(std::string_view member);
  bool Remove(std::string_view member);

  // Calls fn(std::string_view member) for every member: ascending for an intset, table order
  // for a hashtable. fn must not modify the set.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (enc_ == Encoding::kIntSet) {
      char buf[24];
      for (size_t i = 0; i < ints_.size(); ++i) fn(FormatInt(ints_.At(i), buf));
    } else {
      const_cast<Table&>(table_).ForEach([&](std::string_view key, Nil&) { fn(key); });
    }
  }

  // All members, in ForEach order.
  std::vector<std::string> Members() const;
  // A random member (uniform for an intset; Redis-like bucket-then-chain for a hashtable).
  // The set must not be empty.
  std::string RandomMember(uint64_t random_bits) const;

  // SSCAN step over a hashtable: visits the bucket selected by cursor, calls fn(member) for each
  // of its members and returns the next cursor (0: done). Intsets are scanned whole by callers.
  template <typename Fn>
  uint64_t ScanTable(uint64_t cursor, Fn&& fn) const {
    return const_cast<Table&>(table_).Scan(cursor, [&](std::string_view key, Nil&) { fn(key); });
  }

 private:
  struct Nil {};
  using Table = KeyTable<Nil>;

  static std::string_view FormatInt(int64_t v, char* buf);
  void ConvertToTable();

  Encoding enc_ = Encoding::kIntSet;
  IntSet ints_;
  Table table_;
};

}  // namespace fincache
