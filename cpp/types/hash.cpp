#include "types/hash.h"

#include <cstring>

namespace fincache {

namespace {

// What a general-purpose malloc hands out for n bytes (8-byte header, 16-byte granularity).
size_t AllocEstimate(size_t n) { return n == 0 ? 0 : ((n + 8 + 15) & ~size_t{15}); }

}  // namespace

// ============================================================================================
// Listpack helpers
// ============================================================================================

void HashValue::AppendString(ByteBuf* out, std::string_view s) {
  char prefix[10];
  size_t k = 0;
  uint64_t n = s.size();
  do {
    uint8_t byte = n & 0x7f;
    n >>= 7;
    if (n != 0) byte |= 0x80;
    prefix[k++] = static_cast<char>(byte);
  } while (n != 0);
  char* p = out->Extend(k + s.size());
  std::memcpy(p, prefix, k);
  if (!s.empty()) std::memcpy(p + k, s.data(), s.size());
}

std::string_view HashValue::ReadString(size_t* off) const {
  uint64_t n = 0;
  int shift = 0;
  while (true) {
    uint8_t byte = static_cast<uint8_t>(blob_[(*off)++]);
    n |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) break;
    shift += 7;
  }
  std::string_view s(blob_.data() + *off, n);
  *off += n;
  return s;
}

std::optional<HashValue::LpPos> HashValue::LpFind(std::string_view field) const {
  size_t off = 0;
  while (off < blob_.size()) {
    LpPos pos;
    pos.field_off = off;
    std::string_view f = ReadString(&off);
    pos.value_off = off;
    ReadString(&off);
    pos.end = off;
    if (f == field) return pos;
  }
  return std::nullopt;
}

size_t HashValue::ValueHeap(const std::string& v) {
  // std::string keeps up to 15 bytes inline (SSO).
  return v.capacity() > 15 ? AllocEstimate(v.capacity() + 1) : 0;
}

// ============================================================================================
// CompositeValue
// ============================================================================================

size_t HashValue::MemoryUsage() const {
  if (table_) return sizeof(*this) + sizeof(Table) + table_->MemoryUsage() + table_value_heap_;
  return sizeof(*this) + (blob_.capacity() ? blob_.capacity() + 8 : 0);
}

std::unique_ptr<CompositeValue> HashValue::Clone() const {
  auto copy = std::make_unique<HashValue>();
  if (!table_) {
    copy->blob_ = blob_;
    copy->lp_count_ = lp_count_;
    return copy;
  }
  copy->table_ = std::make_unique<Table>();
  ForEach([&](std::string_view f, std::string_view v) {
    std::string* slot = copy->table_->Emplace(f).first;
    slot->assign(v);
    copy->table_value_heap_ += ValueHeap(*slot);
  });
  return copy;
}

// ============================================================================================
// Operations
// ============================================================================================

std::optional<std::string_view> HashValue::Get(std::string_view field) const {
  if (table_) {
    const std::string* v = table_->Find(field);
    if (!v) return std::nullopt;
    return std::string_view(*v);
  }
  auto pos = LpFind(field);
  if (!pos) return std::nullopt;
  size_t off = pos->value_off;
  return ReadString(&off);
}

bool HashValue::Set(std::string_view field, std::string_view value, const HashLimits& limits) {
  if (!table_ &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value))
    ConvertToTable();
  if (table_) {
    auto [slot, inserted] = table_->Emplace(field);
    table_value_heap_ -= ValueHeap(*slot);
    slot->assign(value);
    slot->shrink_to_fit();
    table_value_heap_ += ValueHeap(*slot);
    return inserted;
  }
  if (auto pos = LpFind(field)) {
    ByteBuf enc;
    AppendString(&enc, value);
    blob_.replace(pos->value_off, pos->end - pos->value_off, enc.view());
    return false;
  }
  AppendString(&blob_, field);
  AppendString(&blob_, value);
  ++lp_count_;
  if (lp_count_ > limits.max_listpack_entries) ConvertToTable();
  return true;
}

bool HashValue::Delete(std::string_view field) {
  if (table_) {
    std::string* v = table_->Find(field);
    if (!v) return false;
    table_value_heap_ -= ValueHeap(*v);
    table_->Erase(v);
    return true;
  }
  auto pos = LpFind(field);
  if (!pos) return false;
  blob_.erase(pos->field_off, pos->end - pos->field_off);
  --lp_count_;
  return true;
}

void HashValue::ConvertToTable() {
  if (table_) return;
  auto table = std::make_unique<Table>();
  size_t heap = 0;
  ForEach([&](std::string_view f, std::string_view v) {
    std::string* slot = table->Emplace(f).first;
    slot->assign(v);
    heap += ValueHeap(*slot);
  });
  table_ = std::move(table);
  blob_.clear();
  table_value_heap_ = heap;  // shares its storage with lp_count_
}

std::vector<HashValue::Pair> HashValue::Pairs() const {
  std::vector<Pair> out;
  out.reserve(size());
  ForEach([&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

HashValue::Pair HashValue::RandomTablePair(uint64_t random_bits) const {
  std::string* v = table_->Random(random_bits);
  return {Table::KeyOf(v), std::string_view(*v)};
}

}  // namespace fincache
