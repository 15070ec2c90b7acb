#include "persist/lzf.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace fincache::persist {

bool LzfDecompress(std::string_view in, size_t expected_len, std::string* out) {
  out->clear();
  // LZF expands at most ~88x (a 3-byte reference yields up to 264 bytes): anything more is a lie.
  if (expected_len / 100 > in.size()) return false;
  out->reserve(std::min(expected_len, in.size() * 4));
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const auto* end = p + in.size();
  while (p < end) {
    unsigned ctrl = *p++;
    if (ctrl < 32) {
      size_t run = ctrl + 1;
      if (static_cast<size_t>(end - p) < run || out->size() + run > expected_len) return false;
      out->append(reinterpret_cast<const char*>(p), run);
      p += run;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (p >= end) return false;
      len += *p++;
    }
    len += 2;
    if (p >= end) return false;
    size_t dist = ((ctrl & 0x1f) << 8) + *p++ + 1;
    if (dist > out->size() || out->size() + len > expected_len) return false;
    size_t from = out->size() - dist;
    // Byte by byte: the source may overlap what is being written (runs of a repeated pattern).
    for (size_t i = 0; i < len; ++i) out->push_back((*out)[from + i]);
  }
  return out->size() == expected_len;
}

size_t LzfCompress(std::string_view in, char* out, size_t out_cap) {
  constexpr int kHashBits = 14;
  constexpr size_t kMaxOffset = 8192;  // 13 bits of distance
  constexpr size_t kMaxRef = 264;      // 2 + 7 + 255
  constexpr size_t kMaxLit = 32;
  // Last position seen per hash of 3 bytes. Never cleared: a stale entry (from this input or an
  // earlier one) is only a candidate, checked against the bytes before use.
  thread_local std::array<uint32_t, size_t{1} << kHashBits> table{};
  const auto* ip = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  size_t op = 0, i = 0, lit = 0, lit_ctrl = 0;
  auto put = [&](unsigned char b) {
    if (op >= out_cap) return false;
    out[op++] = static_cast<char>(b);
    return true;
  };
  if (!put(0)) return 0;  // control byte of the first literal run
  while (i < n) {
    size_t len = 0, off = 0;
    if (i + 2 < n) {
      const uint32_t key = (uint32_t{ip[i]} << 16) | (uint32_t{ip[i + 1]} << 8) | ip[i + 2];
      const uint32_t h = (key * 2654435761u) >> (32 - kHashBits);
      const size_t ref = table[h];
      table[h] = static_cast<uint32_t>(i);
      if (ref < i && i - ref - 1 < kMaxOffset && ip[ref] == ip[i] && ip[ref + 1] == ip[i + 1] &&
          ip[ref + 2] == ip[i + 2]) {
        len = 3;
        const size_t max = std::min(kMaxRef, n - i);
        while (len < max && ip[ref + len] == ip[i + len]) ++len;
        off = i - ref - 1;
      }
    }
    if (len == 0) {
      if (!put(ip[i++])) return 0;
      if (++lit == kMaxLit) {
        out[lit_ctrl] = static_cast<char>(lit - 1);
        lit = 0;
        lit_ctrl = op;
        if (!put(0)) return 0;
      }
      continue;
    }
    // Close the literal run (or drop its unused control byte), then the back reference.
    if (lit == 0)
      --op;
    else
      out[lit_ctrl] = static_cast<char>(lit - 1);
    const size_t code = len - 2;
    if (code < 7) {
      if (!put(static_cast<unsigned char>((code << 5) | (off >> 8)))) return 0;
    } else {
      if (!put(static_cast<unsigned char>((7 << 5) | (off >> 8))) ||
          !put(static_cast<unsigned char>(code - 7)))
        return 0;
    }
    if (!put(static_cast<unsigned char>(off & 0xff))) return 0;
    i += len;
    lit = 0;
    lit_ctrl = op;
    if (!put(0)) return 0;
  }
  if (lit == 0)
    --op;
  else
    out[lit_ctrl] = static_cast<char>(lit - 1);
  return op;
}

}  // namespace fincache::persist
