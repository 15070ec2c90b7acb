#include "types/list.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace fincache {

size_t ListValue::ElementBytes(const std::string& s) {
  // libstdc++ keeps up to 15 bytes inline (SSO); longer strings own capacity()+1 heap bytes.
  constexpr size_t kSso = 15;
  return sizeof(std::string) + (s.capacity() > kSso ? s.capacity() + 1 : 0);
}

std::unique_ptr<CompositeValue> ListValue::Clone() const {
  auto c = std::make_unique<ListValue>();
  c->items_ = items_;
  c->bytes_ = 0;
  for (const auto& s : c->items_) c->bytes_ += ElementBytes(s);
  return c;
}

void ListValue::Push(End end, std::string_view v) {
  if (end == End::kHead)
    items_.emplace_front(v);
  else
    items_.emplace_back(v);
  bytes_ += ElementBytes(end == End::kHead ? items_.front() : items_.back());
}

std::string ListValue::Pop(End end) {
  std::string& slot = end == End::kHead ? items_.front() : items_.back();
  bytes_ -= ElementBytes(slot);
  std::string out = std::move(slot);
  if (end == End::kHead)
    items_.pop_front();
  else
    items_.pop_back();
  return out;
}

void ListValue::Set(size_t i, std::string_view v) {
  bytes_ -= ElementBytes(items_[i]);
  std::string(v).swap(items_[i]);  // a fresh string: its capacity fits the new value
  bytes_ += ElementBytes(items_[i]);
}

void ListValue::Insert(size_t i, std::string_view v) {
  auto it = items_.emplace(items_.begin() + static_cast<std::ptrdiff_t>(i), v);
  bytes_ += ElementBytes(*it);
}

void ListValue::Trim(size_t start, size_t stop) {
  for (size_t i = 0; i < start; ++i) bytes_ -= ElementBytes(items_[i]);
  for (size_t i = stop + 1; i < items_.size(); ++i) bytes_ -= ElementBytes(items_[i]);
  items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(stop) + 1, items_.end());
  items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(start));
}

void ListValue::Clear() {
  std::deque<std::string>().swap(items_);
  bytes_ = 0;
}

size_t ListValue::Remove(std::string_view v, int64_t count) {
  const size_t n = items_.size();
  const size_t limit =
      count == 0 ? n : static_cast<size_t>(count < 0 ? -(count + 1) : count - 1) + 1;
  // Mark the victims first (from the head or the tail), then rebuild with move construction,
  // which keeps each kept string's capacity (and so its charged bytes) unchanged.
  std::vector<bool> drop(n, false);
  size_t removed = 0;
  for (size_t k = 0; k < n && removed < limit; ++k) {
    size_t i = count < 0 ? n - 1 - k : k;
    if (items_[i] == v) {
      drop[i] = true;
      bytes_ -= ElementBytes(items_[i]);
      ++removed;
    }
  }
  if (removed == 0) return 0;
  std::deque<std::string> kept;
  for (size_t i = 0; i < n; ++i)
    if (!drop[i]) kept.emplace_back(std::move(items_[i]));
  items_.swap(kept);
  return removed;
}

}  // namespace fincache
