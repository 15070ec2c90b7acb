// HyperLogLog in Redis's string format, byte for byte, so an HLL is a plain string value that
// GET, SET, DUMP/RESTORE and replication carry unchanged between FinCache and Redis.
//
// Layout (all HLLs): a 16-byte header
//   "HYLL" | encoding (0 dense, 1 sparse) | 3 unused bytes | cached cardinality (8 bytes LE)
// where the most significant bit of the last cardinality byte set means "cache invalid".
// After the header:
// - dense: 16384 registers of 6 bits each, packed from the least significant bit of each byte
//   upwards (register i starts at bit 6*i), 12288 bytes; a dense HLL is exactly 12304 bytes;
// - sparse: a run-length sequence of opcodes covering the 16384 registers in order:
//     ZERO   00xxxxxx            xxxxxx+1 zero registers (1..64)
//     XZERO  01xxxxxx yyyyyyyy   (x<<8|y)+1 zero registers (1..16384)
//     VAL    1vvvvvxx            xx+1 registers (1..4) holding vvvvv+1 (1..32)
//   A sparse HLL turns dense when a register needs a value above 32 or when an edit would make
//   it longer than hll-sparse-max-bytes (header included).
//
// Elements are hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register,
// the register candidate is the position of the lowest set bit of the remaining 50 bits (51 when
// none is set). The cardinality estimator is Ertl's "improved raw estimator" over the register
// histogram (the one Redis uses since 5.0), so counts are equal to Redis's.
//
// Every function here is safe on arbitrary (corrupt) bytes: it never reads or writes outside
// the string and reports corruption instead.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fincache::hll {

inline constexpr int kPrecision = 14;                  // register index bits
inline constexpr int kQ = 64 - kPrecision;             // bits left for the run of zeros
inline constexpr int kRegisters = 1 << kPrecision;     // 16384
inline constexpr int kBits = 6;                        // bits per dense register
inline constexpr int kRegisterMax = (1 << kBits) - 1;  // 63
inline constexpr size_t kHeaderSize = 16;              // magic, encoding, unused, card
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * kBits + 7) / 8;  // 12304
inline constexpr uint8_t kEncodingDense = 0;
inline constexpr uint8_t kEncodingSparse = 1;
inline constexpr int kSparseValMax = 32;  // largest value a VAL opcode holds
inline constexpr uint64_t kSeed = 0xadc83b19ULL;

// hll-sparse-max-bytes, mirrored from Config.
struct HllLimits {
  static std::atomic<int64_t> sparse_max_bytes;
};

// Austin Appleby's MurmurHash64A (64-bit, little-endian block reads), as Redis uses it.
uint64_t MurmurHash64A(std::string_view data, uint64_t seed);

// The register an element falls into and the value it proposes for it (1..51).
void HashElement(std::string_view element, int* index, int* count);

// A new HLL: sparse, every register zero, cached cardinality 0 (valid).
std::string CreateEmpty();

// Redis's "is this a HyperLogLog" check on a string: at least a header, the magic, a known
// encoding, and the exact size for a dense one. A sparse body is only checked when it is used.
bool LooksLikeHll(std::string_view s);

uint8_t EncodingOf(std::string_view s);  // requires LooksLikeHll

// The cached cardinality when the cache is valid.
std::optional<uint64_t> CachedCardinality(std::string_view s);
void SetCachedCardinality(std::string& s, uint64_t card);
void InvalidateCache(std::string& s);

// Adds one element. Returns 1 when a register changed, 0 when not, -1 for a corrupt sparse
// body. May turn the HLL dense (see the file comment).
int Add(std::string& s, std::string_view element, int64_t sparse_max_bytes);

// Sets register `index` to `count` if larger (sparse: promotes when needed). Same returns.
int SparseSet(std::string& s, int index, int count, int64_t sparse_max_bytes);
void DenseSetRegister(std::string& s, int index, int value);
int DenseGetRegister(std::string_view s, int index);

// Converts a sparse HLL to dense in place (no-op for dense); false when the sparse body is
// corrupt (s is then unchanged).
bool SparseToDense(std::string& s);

// Cardinality estimate from the registers; nullopt when a sparse body is corrupt.
std::optional<uint64_t> Count(std::string_view s);
// Estimate from 16384 raw 8-bit registers (multi-key PFCOUNT's union).
uint64_t CountRaw(const uint8_t* registers);

// Folds an HLL's registers into max[0..16383] (max of each). False when corrupt.
bool MergeInto(std::string_view s, uint8_t* max);

}  // namespace fincache::hll
