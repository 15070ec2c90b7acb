// ByteBuf: a growable byte buffer in 16 bytes whose allocation tracks its size closely, for the
// compact encodings of small collections (like Redis's listpack, which reallocates to the exact
// size on every change). std::string would cost 32 bytes and at least double its capacity on
// growth; here the capacity is the size rounded up to what malloc hands out anyway (16-byte
// granules), so appends within that slack need no reallocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

namespace fincache {

class ByteBuf {
 public:
  ByteBuf() = default;
  ~ByteBuf() { std::free(data_); }
  ByteBuf(const ByteBuf& o) { append(o.view()); }
  ByteBuf& operator=(const ByteBuf& o) {
    if (this != &o) {
      clear();
      append(o.view());
    }
    return *this;
  }
  ByteBuf(ByteBuf&& o) noexcept : data_(o.data_), size_(o.size_), cap_(o.cap_) {
    o.data_ = nullptr;
    o.size_ = o.cap_ = 0;
  }

  const char* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return size_ == 0; }
  char operator[](size_t i) const { return data_[i]; }
  std::string_view view() const { return {data_, size_}; }

  void append(std::string_view s) {
    if (s.empty()) return;
    size_t at = size_;
    Resize(size_ + s.size());
    std::memcpy(data_ + at, s.data(), s.size());
  }
  // Grows the buffer by n bytes and returns where they start (for the caller to fill).
  char* Extend(size_t n) {
    size_t at = size_;
    Resize(size_ + n);
    return data_ + at;
  }
  // Replaces [pos, pos+len) with s (s must not point into this buffer).
  void replace(size_t pos, size_t len, std::string_view s) {
    const size_t tail = size_ - pos - len;
    if (s.size() > len) Resize(size_ + (s.size() - len));
    std::memmove(data_ + pos + s.size(), data_ + pos + len, tail);
    std::memcpy(data_ + pos, s.data(), s.size());
    if (s.size() < len) Resize(pos + s.size() + tail);
  }
  void erase(size_t pos, size_t len) { replace(pos, len, {}); }
  void clear() {
    std::free(data_);
    data_ = nullptr;
    size_ = cap_ = 0;
  }

 private:
  // Sets the size to n, reallocating when n leaves the capacity or the buffer could shrink by
  // a malloc granule or more.
  void Resize(size_t n) {
    if (n == 0) return clear();
    const size_t want = Capacity(n);
    if (want != cap_) {
      if (n > UINT32_MAX) throw std::bad_alloc();
      char* p = static_cast<char*>(std::realloc(data_, want));
      if (p == nullptr) throw std::bad_alloc();
      data_ = p;
      cap_ = static_cast<uint32_t>(want);
    }
    size_ = static_cast<uint32_t>(n);
  }
  // The usable bytes of the malloc chunk that holds n bytes (8-byte header, 16-byte granules).
  static size_t Capacity(size_t n) { return ((n + 8 + 15) & ~size_t{15}) - 8; }

  char* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t cap_ = 0;
};

}  // namespace fincache
