#include "persist/packed.h"

#include <cstring>

#include "common/strings.h"

namespace fincache::persist {
namespace {

constexpr size_t kLpHeader = 6;
constexpr unsigned char kLpEof = 0xFF;

uint64_t LoadLE(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
void StoreLE(char* p, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void PutLE(std::string* out, uint64_t v, int n) {
  char b[8];
  StoreLE(b, v, n);
  out->append(b, n);
}
// Sign-extends the low `bits` bits of v.
int64_t SignExtend(uint64_t v, int bits) {
  const uint64_t m = uint64_t{1} << (bits - 1);
  v &= (bits == 64) ? ~uint64_t{0} : ((uint64_t{1} << bits) - 1);
  return static_cast<int64_t>((v ^ m) - m);
}

// Bytes of the back length that follows an entry of `l` bytes (encoding + data).
size_t BacklenSize(uint64_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}
// The back length: most significant 7-bit group first, every byte but the first with bit 7 set,
// so it can be read backwards from the entry's end.
void PutBacklen(std::string* out, uint64_t l) {
  const size_t n = BacklenSize(l);
  for (size_t i = 0; i < n; ++i) {
    const size_t shift = 7 * (n - 1 - i);
    unsigned char b = (l >> shift) & 127;
    if (i > 0) b |= 128;
    out->push_back(static_cast<char>(b));
  }
}
uint64_t ReadBacklen(const unsigned char* p, size_t n) {
  uint64_t l = 0;
  for (size_t i = 0; i < n; ++i) l = (l << 7) | (p[i] & 127);
  return l;
}

// Encoding + data bytes of an integer entry.
size_t LpIntSize(int64_t v) {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= INT16_MIN && v <= INT16_MAX) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  return 9;
}
size_t LpStrHeader(size_t len) { return len < 64 ? 1 : len < 4096 ? 2 : 5; }

std::string_view IntText(int64_t v, std::string* buf) {
  *buf = Int64ToString(v);
  return *buf;
}

}  // namespace

// ---- listpack ---------------------------------------------------------------------------------

ListpackBuilder::ListpackBuilder() { buf_.assign(kLpHeader, '\0'); }

size_t ListpackEntrySize(std::string_view s) {
  int64_t v;
  size_t enc =
      (s.size() <= 20 && ParseInt64(s, &v)) ? LpIntSize(v) : LpStrHeader(s.size()) + s.size();
  return enc + BacklenSize(enc);
}

void ListpackBuilder::Append(std::string_view s) {
  int64_t v;
  if (s.size() <= 20 && ParseInt64(s, &v)) return AppendInt(v);
  const size_t start = buf_.size();
  if (s.size() < 64) {
    buf_.push_back(static_cast<char>(0x80 | s.size()));
  } else if (s.size() < 4096) {
    buf_.push_back(static_cast<char>(0xE0 | (s.size() >> 8)));
    buf_.push_back(static_cast<char>(s.size() & 0xff));
  } else {
    buf_.push_back(static_cast<char>(0xF0));
    PutLE(&buf_, s.size(), 4);
  }
  buf_.append(s);
  PutBacklen(&buf_, buf_.size() - start);
  ++count_;
}

void ListpackBuilder::AppendInt(int64_t v) {
  const size_t start = buf_.size();
  if (v >= 0 && v <= 127) {
    buf_.push_back(static_cast<char>(v));
  } else if (v >= -4096 && v <= 4095) {
    uint64_t uv = v < 0 ? (uint64_t{1} << 13) + v : static_cast<uint64_t>(v);
    buf_.push_back(static_cast<char>(0xC0 | (uv >> 8)));
    buf_.push_back(static_cast<char>(uv & 0xff));
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    buf_.push_back(static_cast<char>(0xF1));
    PutLE(&buf_, static_cast<uint64_t>(v), 2);
  } else if (v >= -8388608 && v <= 8388607) {
    buf_.push_back(static_cast<char>(0xF2));
    PutLE(&buf_, static_cast<uint64_t>(v), 3);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    buf_.push_back(static_cast<char>(0xF3));
    PutLE(&buf_, static_cast<uint64_t>(v), 4);
  } else {
    buf_.push_back(static_cast<char>(0xF4));
    PutLE(&buf_, static_cast<uint64_t>(v), 8);
  }
  PutBacklen(&buf_, buf_.size() - start);
  ++count_;
}

std::string ListpackBuilder::Finish() {
  buf_.push_back(static_cast<char>(kLpEof));
  StoreLE(buf_.data(), buf_.size(), 4);
  StoreLE(buf_.data() + 4, count_ < 65535 ? count_ : 65535, 2);
  std::string out = std::move(buf_);
  buf_.assign(kLpHeader, '\0');
  count_ = 0;
  return out;
}

bool ParseListpack(std::string_view lp, std::vector<std::string>* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(lp.data());
  const size_t size = lp.size();
  if (size < kLpHeader + 1 || LoadLE(p, 4) != size || p[size - 1] != kLpEof) return false;
  const uint64_t declared = LoadLE(p + 4, 2);
  size_t pos = kLpHeader;
  uint64_t count = 0;
  std::string tmp;
  while (pos < size - 1) {
    const size_t avail = size - 1 - pos;  // bytes before the terminator
    const unsigned b = p[pos];
    size_t hdr, data_len;
    bool is_int = true;
    int64_t v = 0;
    if (b < 0x80) {
      hdr = 1, data_len = 0, v = b;
    } else if ((b & 0xC0) == 0x80) {
      hdr = 1, data_len = b & 0x3F, is_int = false;
    } else if ((b & 0xE0) == 0xC0) {
      if (avail < 2) return false;
      hdr = 2, data_len = 0, v = SignExtend((uint64_t{b & 0x1Fu} << 8) | p[pos + 1], 13);
    } else if ((b & 0xF0) == 0xE0) {
      if (avail < 2) return false;
      hdr = 2, data_len = ((b & 0x0Fu) << 8) | p[pos + 1], is_int = false;
    } else {
      int n;
      switch (b) {
        case 0xF0:
          if (avail < 5) return false;
          hdr = 5, data_len = LoadLE(p + pos + 1, 4), is_int = false;
          n = 0;
          break;
        case 0xF1:
          n = 2;
          break;
        case 0xF2:
          n = 3;
          break;
        case 0xF3:
          n = 4;
          break;
        case 0xF4:
          n = 8;
          break;
        default:
          return false;  // 0xF5..0xFE unused, 0xFF: terminator in the middle
      }
      if (is_int) {
        if (avail < 1 + static_cast<size_t>(n)) return false;
        hdr = 1 + n, data_len = 0, v = SignExtend(LoadLE(p + pos + 1, n), n * 8);
      }
    }
    if (data_len > avail || hdr > avail - data_len) return false;
    const size_t entry = hdr + data_len;
    const size_t bl = BacklenSize(entry);
    if (bl > avail - entry || ReadBacklen(p + pos + entry, bl) != entry) return false;
    if (is_int)
      out->push_back(std::string(IntText(v, &tmp)));
    else
      out->emplace_back(lp.data() + pos + hdr, data_len);
    pos += entry + bl;
    ++count;
  }
  return declared == 65535 || declared == count;
}

// ---- ziplist ------------------------------------------------------------------------------------

bool ParseZiplist(std::string_view zl, std::vector<std::string>* out) {
  constexpr size_t kHeader = 10;
  const auto* p = reinterpret_cast<const unsigned char*>(zl.data());
  const size_t size = zl.size();
  if (size < kHeader + 1 || LoadLE(p, 4) != size || p[size - 1] != 0xFF) return false;
  const uint64_t tail = LoadLE(p + 4, 4);
  const uint64_t declared = LoadLE(p + 8, 2);
  size_t pos = kHeader, prev_size = 0, last = kHeader;
  uint64_t count = 0;
  std::string tmp;
  while (pos < size - 1) {
    const size_t avail = size - 1 - pos;
    const size_t start = pos;
    // prevlen
    size_t prevlen;
    if (p[pos] < 254) {
      prevlen = p[pos];
      pos += 1;
    } else if (p[pos] == 254) {
      if (avail < 5) return false;
      prevlen = LoadLE(p + pos + 1, 4);
      pos += 5;
    } else {
      return false;
    }
    if (prevlen != prev_size) return false;
    if (pos >= size - 1) return false;
    const size_t left = size - 1 - pos;
    const unsigned b = p[pos];
    size_t hdr, data_len = 0;
    bool is_int = true;
    int64_t v = 0;
    switch (b >> 6) {
      case 0:
        hdr = 1, data_len = b & 0x3F, is_int = false;
        break;
      case 1:
        if (left < 2) return false;
        hdr = 2, data_len = ((b & 0x3Fu) << 8) | p[pos + 1], is_int = false;
        break;
      case 2:
        if (b != 0x80 || left < 5) return false;
        hdr = 5, is_int = false;
        data_len = (uint64_t{p[pos + 1]} << 24) | (uint64_t{p[pos + 2]} << 16) |
                   (uint64_t{p[pos + 3]} << 8) | p[pos + 4];
        break;
      default: {
        int n;
        if (b == 0xC0)
          n = 2;
        else if (b == 0xD0)
          n = 4;
        else if (b == 0xE0)
          n = 8;
        else if (b == 0xF0)
          n = 3;
        else if (b == 0xFE)
          n = 1;
        else if (b >= 0xF1 && b <= 0xFD)
          n = 0;
        else
          return false;
        if (left < 1 + static_cast<size_t>(n)) return false;
        hdr = 1 + n;
        v = n == 0 ? static_cast<int64_t>(b & 0x0F) - 1 : SignExtend(LoadLE(p + pos + 1, n), n * 8);
      }
    }
    if (data_len > left || hdr > left - data_len) return false;
    if (is_int)
      out->push_back(std::string(IntText(v, &tmp)));
    else
      out->emplace_back(zl.data() + pos + hdr, data_len);
    pos += hdr + data_len;
    last = start;
    prev_size = pos - start;
    ++count;
  }
  if (tail != last) return false;
  return declared == 65535 || declared == count;
}

// ---- zipmap
// --------------------------------------------------------------------------------------

bool ParseZipmap(std::string_view zm, std::vector<std::string>* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(zm.data());
  const size_t size = zm.size();
  if (size < 2) return false;
  size_t pos = 1;  // the count byte is only a hint (254: unknown)
  auto read_len = [&](size_t* len) {
    if (pos >= size) return false;
    if (p[pos] < 254) {
      *len = p[pos++];
      return true;
    }
    if (p[pos] != 254 || size - pos < 5) return false;
    *len = LoadLE(p + pos + 1, 4);
    pos += 5;
    return true;
  };
  size_t pairs = 0;
  while (true) {
    if (pos >= size) return false;
    if (p[pos] == 0xFF) {
      ++pos;
      break;
    }
    size_t klen, vlen;
    if (!read_len(&klen) || klen > size - pos) return false;
    std::string_view key(zm.data() + pos, klen);
    pos += klen;
    if (!read_len(&vlen) || pos >= size) return false;
    const size_t free = p[pos++];
    if (vlen > size - pos || free > size - pos - vlen) return false;
    out->emplace_back(key);
    out->emplace_back(zm.data() + pos, vlen);
    pos += vlen + free;
    ++pairs;
  }
  if (pos != size) return false;
  return p[0] >= 254 || p[0] == pairs;
}

// ---- intset
// --------------------------------------------------------------------------------------

bool ParseIntset(std::string_view is, std::vector<int64_t>* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(is.data());
  if (is.size() < 8) return false;
  const uint64_t width = LoadLE(p, 4);
  const uint64_t count = LoadLE(p + 4, 4);
  if (width != 2 && width != 4 && width != 8) return false;
  if ((is.size() - 8) / width != count || (is.size() - 8) % width != 0) return false;
  out->reserve(out->size() + count);
  for (uint64_t i = 0; i < count; ++i) {
    int64_t v = SignExtend(LoadLE(p + 8 + i * width, static_cast<int>(width)), width * 8);
    if (i > 0 && v <= out->back()) return false;  // must be strictly ascending
    out->push_back(v);
  }
  return true;
}

std::string BuildIntset(const std::vector<int64_t>& values, uint32_t width) {
  std::string out;
  out.reserve(8 + values.size() * width);
  PutLE(&out, width, 4);
  PutLE(&out, values.size(), 4);
  for (int64_t v : values) PutLE(&out, static_cast<uint64_t>(v), static_cast<int>(width));
  return out;
}

}  // namespace fincache::persist
