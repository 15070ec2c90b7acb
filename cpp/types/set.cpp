#include "types/set.h"

#include <charconv>
#include <cstring>

#include "common/strings.h"

namespace fincache {

std::atomic<int64_t> SetLimits::max_intset_entries{512};

// ============================================================================================
// IntSet
// ============================================================================================

namespace {

uint8_t WidthFor(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

}  // namespace

int64_t IntSet::At(size_t i) const {
  const uint8_t* p = data_.data() + i * width_;
  switch (width_) {
    case 2: {
      int16_t v;
      std::memcpy(&v, p, sizeof(v));
      return v;
    }
    case 4: {
      int32_t v;
      std::memcpy(&v, p, sizeof(v));
      return v;
    }
    default: {
      int64_t v;
      std::memcpy(&v, p, sizeof(v));
      return v;
    }
  }
}

void IntSet::Set(size_t i, int64_t v) {
  uint8_t* p = data_.data() + i * width_;
  switch (width_) {
    case 2: {
      int16_t x = static_cast<int16_t>(v);
      std::memcpy(p, &x, sizeof(x));
      break;
    }
    case 4: {
      int32_t x = static_cast<int32_t>(v);
      std::memcpy(p, &x, sizeof(x));
      break;
    }
    default:
      std::memcpy(p, &v, sizeof(v));
      break;
  }
}

size_t IntSet::Search(int64_t v, bool* found) const {
  size_t lo = 0, hi = len_;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t m = At(mid);
    if (m == v) {
      *found = true;
      return mid;
    }
    if (m < v)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = false;
  return lo;
}

bool IntSet::Contains(int64_t v) const {
  if (WidthFor(v) > width_) return false;
  bool found;
  Search(v, &found);
  return found;
}

void IntSet::Upgrade(uint8_t width) {
  std::vector<uint8_t> old;
  old.swap(data_);
  const uint8_t old_width = width_;
  width_ = width;
  data_.resize(static_cast<size_t>(len_) * width_);
  // Read the old values through a temporary view with the old width.
  IntSet view;
  view.data_.swap(old);
  view.len_ = len_;
  view.width_ = old_width;
  for (size_t i = 0; i < len_; ++i) Set(i, view.At(i));
}

bool IntSet::Insert(int64_t v) {
  if (WidthFor(v) > width_) {
    // A value wider than all others is beyond both ends: the new minimum or maximum.
    Upgrade(WidthFor(v));
    data_.resize(data_.size() + width_);
    if (v < 0) {
      std::memmove(data_.data() + width_, data_.data(), static_cast<size_t>(len_) * width_);
      Set(0, v);
    } else {
      Set(len_, v);
    }
    ++len_;
    return true;
  }
  bool found;
  size_t pos = Search(v, &found);
  if (found) return false;
  data_.resize(data_.size() + width_);
  std::memmove(data_.data() + (pos + 1) * width_, data_.data() + pos * width_,
               (len_ - pos) * static_cast<size_t>(width_));
  Set(pos, v);
  ++len_;
  return true;
}

void IntSet::EraseAt(size_t i) {
  std::memmove(data_.data() + i * width_, data_.data() + (i + 1) * width_,
               (len_ - i - 1) * static_cast<size_t>(width_));
  --len_;
  data_.resize(static_cast<size_t>(len_) * width_);
}

bool IntSet::Erase(int64_t v) {
  if (WidthFor(v) > width_) return false;
  bool found;
  size_t pos = Search(v, &found);
  if (!found) return false;
  EraseAt(pos);
  return true;
}

// ============================================================================================
// SetValue
// ============================================================================================

std::unique_ptr<SetValue> SetValue::CreateFor(std::string_view first_member) {
  auto s = std::make_unique<SetValue>();
  if (!IsCanonicalInt64(first_member)) s->enc_ = Encoding::kHashTable;
  return s;
}

std::string_view SetValue::encoding() const {
  return enc_ == Encoding::kIntSet ? "intset" : "hashtable";
}

size_t SetValue::MemoryUsage() const {
  return sizeof(SetValue) +
         (enc_ == Encoding::kIntSet ? ints_.MemoryUsage() : table_.MemoryUsage());
}

std::unique_ptr<CompositeValue> SetValue::Clone() const {
  auto c = std::make_unique<SetValue>();
  c->enc_ = enc_;
  if (enc_ == Encoding::kIntSet) {
    c->ints_ = ints_;
  } else {
    ForEach([&](std::string_view m) { c->table_.Emplace(m); });
  }
  return c;
}

std::string_view SetValue::FormatInt(int64_t v, char* buf) {
  auto [p, ec] = std::to_chars(buf, buf + 24, v);
  return std::string_view(buf, p - buf);
}

bool SetValue::Contains(std::string_view member) const {
  if (enc_ == Encoding::kIntSet) {
    int64_t v;
    return IsCanonicalInt64(member, &v) && ints_.Contains(v);
  }
  return table_.Find(member) != nullptr;
}

void SetValue::ConvertToTable() {
  Table t;
  char buf[24];
  for (size_t i = 0; i < ints_.size(); ++i) t.Emplace(FormatInt(ints_.At(i), buf));
  table_ = std::move(t);
  ints_ = IntSet();
  enc_ = Encoding::kHashTable;
}

bool SetValue::Add(std::string_view member) {
  if (enc_ == Encoding::kIntSet) {
    int64_t v;
    if (IsCanonicalInt64(member, &v)) {
      if (!ints_.Insert(v)) return false;
      if (static_cast<int64_t>(ints_.size()) > SetLimits::max_intset_entries.load()) {
        ConvertToTable();
      }
      return true;
    }
    ConvertToTable();
  }
  return table_.Emplace(member).second;
}

bool SetValue::Remove(std::string_view member) {
  if (enc_ == Encoding::kIntSet) {
    int64_t v;
    return IsCanonicalInt64(member, &v) && ints_.Erase(v);
  }
  return table_.Erase(member);
}

std::vector<std::string> SetValue::Members() const {
  std::vector<std::string> out;
  out.reserve(Size());
  ForEach([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

std::string SetValue::RandomMember(uint64_t random_bits) const {
  if (enc_ == Encoding::kIntSet) return Int64ToString(ints_.At(random_bits % ints_.size()));
  const Nil* n = const_cast<Table&>(table_).Random(random_bits);
  return std::string(Table::KeyOf(n));
}

}  // namespace fincache
