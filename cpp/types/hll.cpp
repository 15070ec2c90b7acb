// HyperLogLog: hashing, the dense and sparse representations, and the estimator. See hll.h for
// the format. Every walk over a sparse body is bounded by the string's size (an XZERO opcode cut
// off at the end reads its missing second byte as 0, as Redis reads its string terminator).
#include "types/hll.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace fincache::hll {

std::atomic<int64_t> HllLimits::sparse_max_bytes{3000};

namespace {

// ============================================================================================
// Sparse opcodes
// ============================================================================================

inline bool IsZero(uint8_t b) { return (b & 0xc0) == 0; }
inline bool IsXZero(uint8_t b) { return (b & 0xc0) == 0x40; }
inline bool IsVal(uint8_t b) { return (b & 0x80) != 0; }
inline int ZeroLen(uint8_t b) { return (b & 0x3f) + 1; }
inline int XZeroLen(uint8_t b0, uint8_t b1) { return (((b0 & 0x3f) << 8) | b1) + 1; }
inline int ValValue(uint8_t b) { return ((b >> 2) & 0x1f) + 1; }
inline int ValLen(uint8_t b) { return (b & 0x3) + 1; }

constexpr int kZeroMaxLen = 64;
constexpr int kValMaxLen = 4;

inline uint8_t MakeZero(int len) { return static_cast<uint8_t>(len - 1); }
inline void MakeXZero(int len, uint8_t* out) {
  int l = len - 1;
  out[0] = static_cast<uint8_t>((l >> 8) | 0x40);
  out[1] = static_cast<uint8_t>(l & 0xff);
}
inline uint8_t MakeVal(int value, int len) {
  return static_cast<uint8_t>(((value - 1) << 2) | (len - 1) | 0x80);
}

inline uint8_t ByteAt(std::string_view s, size_t i) {
  return i < s.size() ? static_cast<uint8_t>(s[i]) : 0;
}

// Appends a zero run of `len` registers (ZERO when it fits, else XZERO) to out.
uint8_t* EmitZeros(int len, uint8_t* out) {
  if (len > kZeroMaxLen) {
    MakeXZero(len, out);
    return out + 2;
  }
  *out = MakeZero(len);
  return out + 1;
}

// ============================================================================================
// Estimator (Ertl, "New cardinality estimation algorithms for HyperLogLog sketches")
// ============================================================================================

constexpr double kAlphaInf = 0.721347520444481703680;  // 1 / (2 ln 2)

double Sigma(double x) {
  if (x == 1.) return INFINITY;
  double z_prime;
  double y = 1;
  double z = x;
  do {
    x *= x;
    z_prime = z;
    z += x * y;
    y += y;
  } while (z_prime != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double z_prime;
  double y = 1.0;
  double z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prime = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (z_prime != z);
  return z / 3;
}

// histo[v] = number of registers holding v (v < 64).
uint64_t Estimate(const int* histo) {
  double m = kRegisters;
  double z = m * Tau((m - histo[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * Sigma(histo[0] / m);
  return static_cast<uint64_t>(std::llroundl(kAlphaInf * m * m / z));
}

}  // namespace

// ============================================================================================
// Hashing
// ============================================================================================

uint64_t MurmurHash64A(std::string_view data, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t len = data.size();
  uint64_t h = seed ^ (static_cast<uint64_t>(len) * m);
  size_t blocks = len / 8;
  for (size_t i = 0; i < blocks; ++i, p += 8) {
    uint64_t k = 0;
    for (int b = 7; b >= 0; --b) k = (k << 8) | p[b];  // little-endian load
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  size_t rem = len & 7;
  if (rem) {
    for (size_t i = rem; i-- > 0;) h ^= static_cast<uint64_t>(p[i]) << (8 * i);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

void HashElement(std::string_view element, int* index, int* count) {
  uint64_t h = MurmurHash64A(element, kSeed);
  *index = static_cast<int>(h & (kRegisters - 1));
  h >>= kPrecision;
  h |= 1ULL << kQ;  // guarantees termination: count <= kQ + 1
  *count = __builtin_ctzll(h) + 1;
}

// ============================================================================================
// Header
// ============================================================================================

std::string CreateEmpty() {
  std::string s(kHeaderSize, '\0');
  std::memcpy(s.data(), "HYLL", 4);
  s[4] = static_cast<char>(kEncodingSparse);
  uint8_t ops[2 * ((kRegisters + 16383) / 16384)];
  uint8_t* out = ops;
  for (int left = kRegisters; left > 0; left -= 16384) {
    MakeXZero(left < 16384 ? left : 16384, out);
    out += 2;
  }
  s.append(reinterpret_cast<char*>(ops), out - ops);
  return s;
}

bool LooksLikeHll(std::string_view s) {
  if (s.size() < kHeaderSize) return false;
  if (s.substr(0, 4) != "HYLL") return false;
  uint8_t enc = static_cast<uint8_t>(s[4]);
  if (enc > kEncodingSparse) return false;
  if (enc == kEncodingDense && s.size() != kDenseSize) return false;
  return true;
}

uint8_t EncodingOf(std::string_view s) { return static_cast<uint8_t>(s[4]); }

std::optional<uint64_t> CachedCardinality(std::string_view s) {
  if (static_cast<uint8_t>(s[15]) & 0x80) return std::nullopt;
  uint64_t card = 0;
  for (int i = 7; i >= 0; --i) card = (card << 8) | static_cast<uint8_t>(s[8 + i]);
  return card;
}

void SetCachedCardinality(std::string& s, uint64_t card) {
  for (int i = 0; i < 8; ++i) s[8 + i] = static_cast<char>((card >> (8 * i)) & 0xff);
}

void InvalidateCache(std::string& s) {
  s[15] = static_cast<char>(static_cast<uint8_t>(s[15]) | 0x80);
}

// ============================================================================================
// Dense
// ============================================================================================

int DenseGetRegister(std::string_view s, int index) {
  size_t bit = static_cast<size_t>(index) * kBits;
  size_t byte = kHeaderSize + bit / 8;
  unsigned fb = bit & 7;
  unsigned b0 = ByteAt(s, byte);
  unsigned b1 = ByteAt(s, byte + 1);
  return static_cast<int>(((b0 >> fb) | (b1 << (8 - fb))) & kRegisterMax);
}

void DenseSetRegister(std::string& s, int index, int value) {
  size_t bit = static_cast<size_t>(index) * kBits;
  size_t byte = kHeaderSize + bit / 8;
  unsigned fb = bit & 7;
  unsigned v = static_cast<unsigned>(value) & kRegisterMax;
  auto* p = reinterpret_cast<uint8_t*>(s.data());
  p[byte] = static_cast<uint8_t>((p[byte] & ~(kRegisterMax << fb)) | (v << fb));
  if (fb > 2 && byte + 1 < s.size()) {  // the register spills into the next byte
    unsigned fb8 = 8 - fb;
    p[byte + 1] = static_cast<uint8_t>((p[byte + 1] & ~(kRegisterMax >> fb8)) | (v >> fb8));
  }
}

// ============================================================================================
// Sparse
// ============================================================================================

bool SparseToDense(std::string& s) {
  if (EncodingOf(s) == kEncodingDense) return true;
  std::string dense(kDenseSize, '\0');
  std::memcpy(dense.data(), s.data(), kHeaderSize);
  dense[4] = static_cast<char>(kEncodingDense);
  // Any run going past the last register makes the body corrupt.
  int idx = 0;
  size_t p = kHeaderSize, end = s.size();
  while (p < end) {
    uint8_t b = static_cast<uint8_t>(s[p]);
    int runlen;
    if (IsZero(b)) {
      runlen = ZeroLen(b);
      if (idx + runlen > kRegisters) return false;
      p++;
    } else if (IsXZero(b)) {
      runlen = XZeroLen(b, ByteAt(s, p + 1));
      if (idx + runlen > kRegisters) return false;
      p += 2;
    } else {
      runlen = ValLen(b);
      int value = ValValue(b);
      if (idx + runlen > kRegisters) return false;
      for (int k = 0; k < runlen; ++k) DenseSetRegister(dense, idx + k, value);
      p++;
    }
    idx += runlen;
  }
  if (idx != kRegisters) return false;
  s = std::move(dense);
  return true;
}

int SparseSet(std::string& s, int index, int count, int64_t sparse_max_bytes) {
  if (count > kSparseValMax) goto promote;
  {
    // Find the opcode covering register `index`: it starts at byte p and covers registers
    // first .. first+span-1; prev is the opcode before it (npos for the first).
    constexpr size_t kNone = static_cast<size_t>(-1);
    size_t p = kHeaderSize, end = s.size(), prev = kNone;
    int first = 0, span = 0;
    bool is_zero = false, is_xzero = false, is_val = false;
    while (p < end) {
      uint8_t b = static_cast<uint8_t>(s[p]);
      size_t oplen = 1;
      if (IsZero(b)) {
        span = ZeroLen(b);
      } else if (IsVal(b)) {
        span = ValLen(b);
      } else {
        span = XZeroLen(b, ByteAt(s, p + 1));
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span == 0 || p >= end) return -1;
    uint8_t op = static_cast<uint8_t>(s[p]);
    is_zero = IsZero(op);
    is_xzero = IsXZero(op);
    is_val = IsVal(op);
    if (is_xzero && p + 2 > end) return -1;  // truncated opcode
    int runlen = span;

    if (is_val) {
      int old = ValValue(op);
      if (old >= count) return 0;
      if (runlen == 1) {
        s[p] = static_cast<char>(MakeVal(count, 1));
        goto updated_at;
      }
    }
    if (is_zero && runlen == 1) {
      s[p] = static_cast<char>(MakeVal(count, 1));
      goto updated_at;
    }
    {
      // General case: split the run into up to three runs around the register (at most 5
      // bytes: XZERO + VAL + XZERO).
      uint8_t seq[5];
      uint8_t* n = seq;
      int last = first + span - 1;
      if (is_zero || is_xzero) {
        if (index != first) n = EmitZeros(index - first, n);
        *n++ = MakeVal(count, 1);
        if (index != last) n = EmitZeros(last - index, n);
      } else {
        int cur = ValValue(op);
        if (index != first) *n++ = MakeVal(cur, index - first);
        *n++ = MakeVal(count, 1);
        if (index != last) *n++ = MakeVal(cur, last - index);
      }
      size_t seqlen = n - seq;
      size_t oldlen = is_xzero ? 2 : 1;
      int64_t delta = static_cast<int64_t>(seqlen) - static_cast<int64_t>(oldlen);
      if (delta > 0 && static_cast<int64_t>(s.size()) + delta > sparse_max_bytes) goto promote;
      s.replace(p, oldlen, reinterpret_cast<const char*>(seq), seqlen);
    }
  updated_at:
    // Merge adjacent VAL opcodes of equal value (up to the max run) around the edit: scan at
    // most 5 opcodes from the one before the edited one.
    end = s.size();
    p = prev == kNone ? kHeaderSize : prev;
    int scan = 5;
    while (p < end && scan-- > 0) {
      uint8_t b = static_cast<uint8_t>(s[p]);
      if (IsXZero(b)) {
        p += 2;
        continue;
      }
      if (IsZero(b)) {
        p++;
        continue;
      }
      if (p + 1 < end && IsVal(static_cast<uint8_t>(s[p + 1]))) {
        uint8_t b2 = static_cast<uint8_t>(s[p + 1]);
        int v1 = ValValue(b), v2 = ValValue(b2);
        if (v1 == v2) {
          int len = ValLen(b) + ValLen(b2);
          if (len <= kValMaxLen) {
            s[p + 1] = static_cast<char>(MakeVal(v1, len));
            s.erase(p, 1);
            end--;
            continue;  // try to merge the merged run with the next one
          }
        }
      }
      p++;
    }
    InvalidateCache(s);
    return 1;
  }

promote:
  if (!SparseToDense(s)) return -1;
  if (DenseGetRegister(s, index) < count) {
    DenseSetRegister(s, index, count);
    return 1;
  }
  return 0;
}

int Add(std::string& s, std::string_view element, int64_t sparse_max_bytes) {
  int index, count;
  HashElement(element, &index, &count);
  switch (EncodingOf(s)) {
    case kEncodingDense:
      if (DenseGetRegister(s, index) < count) {
        DenseSetRegister(s, index, count);
        return 1;
      }
      return 0;
    case kEncodingSparse:
      return SparseSet(s, index, count, sparse_max_bytes);
    default:
      return -1;
  }
}

// ============================================================================================
// Counting and merging
// ============================================================================================

std::optional<uint64_t> Count(std::string_view s) {
  int histo[64] = {};
  if (EncodingOf(s) == kEncodingDense) {
    if (s.size() != kDenseSize) return std::nullopt;
    for (int i = 0; i < kRegisters; ++i) histo[DenseGetRegister(s, i)]++;
  } else if (EncodingOf(s) == kEncodingSparse) {
    int64_t idx = 0;
    size_t p = kHeaderSize, end = s.size();
    while (p < end) {
      uint8_t b = static_cast<uint8_t>(s[p]);
      int runlen;
      if (IsZero(b)) {
        runlen = ZeroLen(b);
        histo[0] += runlen;
        p++;
      } else if (IsXZero(b)) {
        runlen = XZeroLen(b, ByteAt(s, p + 1));
        histo[0] += runlen;
        p += 2;
      } else {
        runlen = ValLen(b);
        histo[ValValue(b)] += runlen;
        p++;
      }
      idx += runlen;
    }
    if (idx != kRegisters) return std::nullopt;
  } else {
    return std::nullopt;
  }
  return Estimate(histo);
}

uint64_t CountRaw(const uint8_t* registers) {
  int histo[64] = {};
  for (int i = 0; i < kRegisters; ++i) histo[registers[i] & 63]++;
  return Estimate(histo);
}

bool MergeInto(std::string_view s, uint8_t* max) {
  if (EncodingOf(s) == kEncodingDense) {
    if (s.size() != kDenseSize) return false;
    for (int i = 0; i < kRegisters; ++i) {
      uint8_t v = static_cast<uint8_t>(DenseGetRegister(s, i));
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  if (EncodingOf(s) != kEncodingSparse) return false;
  // Any run going past the last register makes the body corrupt.
  int i = 0;
  size_t p = kHeaderSize, end = s.size();
  while (p < end) {
    uint8_t b = static_cast<uint8_t>(s[p]);
    int runlen;
    if (IsZero(b)) {
      runlen = ZeroLen(b);
      if (i + runlen > kRegisters) return false;
      p++;
    } else if (IsXZero(b)) {
      runlen = XZeroLen(b, ByteAt(s, p + 1));
      if (i + runlen > kRegisters) return false;
      p += 2;
    } else {
      runlen = ValLen(b);
      uint8_t value = static_cast<uint8_t>(ValValue(b));
      if (i + runlen > kRegisters) return false;
      for (int k = 0; k < runlen; ++k) max[i + k] = std::max(max[i + k], value);
      p++;
    }
    i += runlen;
  }
  return i == kRegisters;
}

}  // namespace fincache::hll
