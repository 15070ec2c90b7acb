// HashValue: the hash type (HSET, HGET, ...), with Redis's two encodings.
//
// - "listpack" (small): every field and value in one contiguous byte buffer, in insertion order,
//   each string as a LEB128 length followed by its bytes (field, value, field, value, ...).
//   Lookups are linear scans, like Redis's listpack; updates replace a value in place, deletes
//   close the gap, so the order is insertion order as Redis reports it (HGETALL, HSCAN...).
// - "hashtable" (big): a KeyTable<std::string> from field to value.
//
// Invariants: a hash is listpack while it has at most `max_listpack_entries` pairs and no field
// or value longer than `max_listpack_value` bytes (Redis's hash-max-listpack-*); it becomes a
// hashtable when a write breaks either bound and never converts back. An empty HashValue only
// exists transiently: commands delete the key when the last field goes.
// MemoryUsage() is O(1): the listpack buffer's capacity, or the table's own count plus a running
// byte count of the values' heap.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/key_table.h"
#include "types/byte_buf.h"
#include "types/value.h"

namespace fincache {

// Conversion thresholds (hash-max-listpack-entries / hash-max-listpack-value).
struct HashLimits {
  uint64_t max_listpack_entries = 512;
  uint64_t max_listpack_value = 64;

  // The settings' current values, mirrored by Config (cpp/commands/config.cpp).
  static inline std::atomic<int64_t> entries_setting{512};
  static inline std::atomic<int64_t> value_setting{64};
  static HashLimits Current() {
    return {static_cast<uint64_t>(entries_setting.load(std::memory_order_relaxed)),
            static_cast<uint64_t>(value_setting.load(std::memory_order_relaxed))};
  }
};

class HashValue final : public CompositeValue {
 public:
  using Pair = std::pair<std::string_view, std::string_view>;  // field, value

  HashValue() = default;

  ObjType type() const override { return ObjType::kHash; }
  std::string_view encoding() const override { return table_ ? "hashtable" : "listpack"; }
  size_t MemoryUsage() const override;
  std::unique_ptr<CompositeValue> Clone() const override;

  size_t size() const { return table_ ? table_->size() : lp_count_; }
  bool empty() const { return size() == 0; }
  bool is_listpack() const { return table_ == nullptr; }

  // The value of a field (a view valid until the next write), or nullopt.
  std::optional<std::string_view> Get(std::string_view field) const;
  bool Contains(std::string_view field) const { return Get(field).has_value(); }

  // Sets field to value; true when the field is new. Converts to a hashtable first when the field
  // or the value is longer than limits.max_listpack_value, and after inserting when the pair count
  // exceeds limits.max_listpack_entries (Redis's hashTypeSet).
  bool Set(std::string_view field, std::string_view value, const HashLimits& limits);
  // Removes a field; false when absent.
  bool Delete(std::string_view field);

  // Converts a listpack to a hashtable (no-op when already one).
  void ConvertToTable();

  // Calls fn(field, value) for every pair, in the encoding's order (listpack: insertion order).
  template <typename Fn>
  void ForEach(Fn&& fn) const;
  // Every pair, in ForEach order (views valid until the next write).
  std::vector<Pair> Pairs() const;

  // Hashtable only: one step of Redis's reverse-binary cursor scan (see KeyTable::Scan); calls
  // fn(field, value) for the pairs of the visited bucket and returns the next cursor.
  template <typename Fn>
  uint64_t ScanTable(uint64_t cursor, Fn&& fn) const;
  // Hashtable only: a random pair (empty hash: undefined).
  Pair RandomTablePair(uint64_t random_bits) const;

 private:
  using Table = KeyTable<std::string>;

  // Listpack helpers: positions of strings in blob_.
  struct LpPos {
    size_t field_off;  // offset of the field's length prefix
    size_t value_off;  // offset of the value's length prefix
    size_t end;        // one past the value's bytes
  };
  static void AppendString(ByteBuf* out, std::string_view s);
  // Decodes the string at *off, advancing *off past it.
  std::string_view ReadString(size_t* off) const;
  std::optional<LpPos> LpFind(std::string_view field) const;
  static size_t ValueHeap(const std::string& v);

  ByteBuf blob_;                  // listpack encoding
  std::unique_ptr<Table> table_;  // hashtable encoding (null while listpack)
  union {
    size_t lp_count_ = 0;      // listpack: pairs in blob_
    size_t table_value_heap_;  // hashtable: heap bytes of the table's values
  };
};

// ---- templates ---------------------------------------------------------------------------

template <typename Fn>
void HashValue::ForEach(Fn&& fn) const {
  if (table_) {
    table_->ForEach([&](std::string_view f, std::string& v) { fn(f, std::string_view(v)); });
    return;
  }
  size_t off = 0;
  while (off < blob_.size()) {
    std::string_view f = ReadString(&off);
    std::string_view v = ReadString(&off);
    fn(f, v);
  }
}

template <typename Fn>
uint64_t HashValue::ScanTable(uint64_t cursor, Fn&& fn) const {
  return table_->Scan(cursor,
                      [&](std::string_view f, std::string& v) { fn(f, std::string_view(v)); });
}

}  // namespace fincache
