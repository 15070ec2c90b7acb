#include "persist/rdb_payload.h"

#include <cstring>

#include "common/strings.h"
#include "persist/lzf.h"

namespace fincache::persist {

namespace {

constexpr uint8_t kLen6 = 0, kLen14 = 1, kLen32 = 0x80, kLen64 = 0x81, kEncVal = 3;
constexpr uint8_t kEncInt8 = 0, kEncInt16 = 1, kEncInt32 = 2, kEncLzf = 3;

void AppendLe(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool ReadLength(std::string_view in, size_t* pos, uint64_t* len, bool* encoded) {
  *encoded = false;
  if (*pos >= in.size()) return false;
  uint8_t b = static_cast<uint8_t>(in[(*pos)++]);
  uint8_t type = b >> 6;
  if (type == kEncVal) {
    *encoded = true;
    *len = b & 0x3f;
    return true;
  }
  if (type == kLen6) {
    *len = b & 0x3f;
    return true;
  }
  if (type == kLen14) {
    if (*pos >= in.size()) return false;
    *len = (static_cast<uint64_t>(b & 0x3f) << 8) | static_cast<uint8_t>(in[(*pos)++]);
    return true;
  }
  int n = b == kLen32 ? 4 : b == kLen64 ? 8 : 0;
  if (n == 0 || in.size() - *pos < static_cast<size_t>(n)) return false;
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(in[(*pos)++]);
  *len = v;
  return true;
}

}  // namespace

void AppendLength(std::string* out, uint64_t len) {
  if (len < (1 << 6)) {
    out->push_back(static_cast<char>(len | (kLen6 << 6)));
  } else if (len < (1 << 14)) {
    out->push_back(static_cast<char>(((len >> 8) & 0x3f) | (kLen14 << 6)));
    out->push_back(static_cast<char>(len & 0xff));
  } else {
    int n = len <= UINT32_MAX ? 4 : 8;
    out->push_back(static_cast<char>(n == 4 ? kLen32 : kLen64));
    for (int i = n - 1; i >= 0; --i) out->push_back(static_cast<char>((len >> (8 * i)) & 0xff));
  }
}

void AppendString(std::string* out, std::string_view s) {
  if (s.size() <= 11) {
    int64_t v;
    if (IsCanonicalInt64(s, &v)) {
      if (v >= INT8_MIN && v <= INT8_MAX) {
        out->push_back(static_cast<char>((kEncVal << 6) | kEncInt8));
        AppendLe(out, static_cast<uint64_t>(v), 1);
        return;
      }
      if (v >= INT16_MIN && v <= INT16_MAX) {
        out->push_back(static_cast<char>((kEncVal << 6) | kEncInt16));
        AppendLe(out, static_cast<uint64_t>(v), 2);
        return;
      }
      if (v >= INT32_MIN && v <= INT32_MAX) {
        out->push_back(static_cast<char>((kEncVal << 6) | kEncInt32));
        AppendLe(out, static_cast<uint64_t>(v), 4);
        return;
      }
    }
  }
  if (s.size() > 20 && s.size() <= UINT32_MAX) {
    std::string buf(s.size() - 4, '\0');
    size_t n = LzfCompress(s, buf.data(), buf.size());
    if (n > 0) {
      out->push_back(static_cast<char>((kEncVal << 6) | kEncLzf));
      AppendLength(out, n);
      AppendLength(out, s.size());
      out->append(buf.data(), n);
      return;
    }
  }
  AppendLength(out, s.size());
  out->append(s);
}

void AppendDumpFooter(std::string* out) {
  AppendLe(out, kRdbVersion, 2);
  AppendLe(out, Crc64(0, out->data(), out->size()), 8);
}

bool VerifyDumpPayload(std::string_view payload, std::string_view* body) {
  if (payload.size() < 10) return false;
  size_t f = payload.size() - 10;
  uint16_t version = static_cast<uint16_t>(static_cast<uint8_t>(payload[f]) |
                                           (static_cast<uint8_t>(payload[f + 1]) << 8));
  if (version > kRdbVersion) return false;
  uint64_t crc = 0;
  for (int i = 7; i >= 0; --i) crc = (crc << 8) | static_cast<uint8_t>(payload[f + 2 + i]);
  if (Crc64(0, payload.data(), payload.size() - 8) != crc) return false;
  *body = payload.substr(0, f);
  return true;
}

bool ReadString(std::string_view in, size_t* pos, std::string* out) {
  uint64_t len;
  bool encoded;
  if (!ReadLength(in, pos, &len, &encoded)) return false;
  if (!encoded) {
    if (in.size() - *pos < len) return false;
    out->assign(in.substr(*pos, len));
    *pos += len;
    return true;
  }
  if (len == kEncInt8 || len == kEncInt16 || len == kEncInt32) {
    int n = len == kEncInt8 ? 1 : len == kEncInt16 ? 2 : 4;
    if (in.size() - *pos < static_cast<size_t>(n)) return false;
    uint32_t u = 0;
    for (int i = 0; i < n; ++i)
      u |= static_cast<uint32_t>(static_cast<uint8_t>(in[*pos + i])) << (8 * i);
    *pos += n;
    int64_t v = n == 1   ? static_cast<int8_t>(u)
                : n == 2 ? static_cast<int16_t>(u)
                         : static_cast<int32_t>(u);
    *out = Int64ToString(v);
    return true;
  }
  if (len != kEncLzf) return false;
  uint64_t clen, ulen;
  bool e1, e2;
  if (!ReadLength(in, pos, &clen, &e1) || !ReadLength(in, pos, &ulen, &e2) || e1 || e2)
    return false;
  if (in.size() - *pos < clen || clen > UINT32_MAX || ulen > UINT32_MAX || ulen == 0) return false;
  // LzfDecompress grows the output only as it is produced (a forged length costs nothing).
  if (!LzfDecompress(in.substr(*pos, clen), ulen, out)) return false;
  *pos += clen;
  return true;
}

}  // namespace fincache::persist
