#include "persist/lzf.h"

#include <algorithm>
#include <cstdint>

// Debian's liblzf, the library redis-server links (no header is packaged with the runtime).
extern "C" {
unsigned int lzf_compress(const void* in_data, unsigned int in_len, void* out_data,
                          unsigned int out_len);
}

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
  if (in.empty() || in.size() > UINT32_MAX) return 0;
  const auto cap = static_cast<unsigned int>(std::min<size_t>(out_cap, UINT32_MAX));
  return lzf_compress(in.data(), static_cast<unsigned int>(in.size()), out, cap);
}

}  // namespace fincache::persist
