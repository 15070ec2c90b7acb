// Redis's RDB serialization (version 10, what Redis 7.0 writes) of single values, plus the
// reader/writer primitives the snapshot file format builds on.
//
// Value encodings written (Redis 7.0's choice for FinCache's in-memory encodings):
//   string                 STRING (int-encoded when it is the canonical text of an int32)
//   list                   LIST_QUICKLIST_2: listpack nodes cut as Redis's quicklist fills them
//                          on RPUSH (list-max-listpack-size -2: 8 KB per node)
//   set intset/hashtable   SET_INTSET (the intset bytes) / SET
//   zset listpack/skiplist ZSET_LISTPACK / ZSET_2 (members from the highest score down)
//   hash listpack/table    HASH_LISTPACK / HASH
// Read in addition: LIST, LIST_ZIPLIST, LIST_QUICKLIST (ziplist nodes), ZSET (text scores),
// ZSET_ZIPLIST, HASH_ZIPMAP, HASH_ZIPLIST. Strings may be int-encoded or LZF-compressed. With
// `rdbcompression yes` (the default, as Redis) strings over 20 bytes are LZF-compressed when that
// saves more than 4 bytes, with the liblzf redis-server links, so the bytes are Redis's.
// Streams and modules are not FinCache types: their ids are refused. FUNCTION DUMP/RESTORE
// payloads use the same writer, reader and version (one codec).
//
// Every reader checks bounds before it reads and never allocates more than the input could
// hold, so a forged or truncated payload is an error, never a crash or a huge allocation.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "types/value.h"

namespace fincache::persist {

inline constexpr int kRdbVersion = 10;  // Redis 7.0

// rdbcompression and key-load-delay (set by the config layer).
struct RdbSettings {
  static inline std::atomic<bool> compression{true};
  // Microseconds to sleep after each key loaded from an RDB (Redis's debug setting
  // key-load-delay: makes a load slow enough to observe; 0 = none).
  static inline std::atomic<int64_t> key_load_delay_us{0};
};

// Value type ids (fixed by the format: append only, never renumber).
namespace rdbtype {
enum : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,
  kHash = 4,
  kZSet2 = 5,
  kModule = 6,
  kModule2 = 7,
  kHashZipmap = 9,
  kListZiplist = 10,
  kSetIntset = 11,
  kZSetZiplist = 12,
  kHashZiplist = 13,
  kListQuicklist = 14,
  kStreamListpacks = 15,
  kHashListpack = 16,
  kZSetListpack = 17,
  kListQuicklist2 = 18,
  kStreamListpacks2 = 19,
  kSetListpack = 20,
  kStreamListpacks3 = 21,
};
}  // namespace rdbtype

// File opcodes (fixed by the format).
namespace rdbop {
enum : uint8_t {
  kFunction2 = 245,
  kFunction = 246,
  kModuleAux = 247,
  kIdle = 248,
  kFreq = 249,
  kAux = 250,
  kResizeDb = 251,
  kExpireTimeMs = 252,
  kExpireTime = 253,
  kSelectDb = 254,
  kEof = 255,
};
}  // namespace rdbop

// Appends RDB primitives to a buffer; with a flush function the buffer is handed to it in
// chunks (Flush(), or MaybeFlush() once it grows past a threshold) and the CRC-64 of everything
// written is kept either way.
class RdbWriter {
 public:
  using FlushFn = std::function<bool(std::string_view)>;
  explicit RdbWriter(FlushFn flush = nullptr) : flush_(std::move(flush)) {}

  void Byte(uint8_t b) { buf_.push_back(static_cast<char>(b)); }
  void Raw(std::string_view s) { buf_.append(s); }
  void Len(uint64_t len);
  // A string: int-encoded when it is the canonical text of an int32 (as rdbSaveRawString).
  void String(std::string_view s);
  void DoubleBinary(double v);
  void U64LE(uint64_t v);
  void U32LE(uint32_t v);

  // Writes out pending bytes through the flush function (no-op without one). False when it
  // failed; the error is latched.
  bool Flush();
  bool MaybeFlush() { return buf_.size() < (1u << 16) || Flush(); }
  bool ok() const { return ok_; }
  // CRC-64 of every byte written so far.
  uint64_t Crc();
  // Without a flush function: everything written.
  std::string& buffer() { return buf_; }

 private:
  FlushFn flush_;
  std::string buf_;
  size_t crc_done_ = 0;  // bytes of buf_ already in crc_
  uint64_t crc_ = 0;
  bool ok_ = true;
};

// Reads RDB primitives from memory or from a file (streamed through a buffer). The first error
// is latched: later reads fail too, and error() tells what went wrong.
class RdbReader {
 public:
  explicit RdbReader(std::string_view data) : data_(data), size_(data.size()) {}
  // Reads `size` bytes of f from its current position.
  RdbReader(std::FILE* f, uint64_t size) : file_(f), size_(size) {}

  bool Read(void* dst, size_t n);
  bool Byte(uint8_t* b) { return Read(b, 1); }
  // A length; *encoded is set for the special string encodings (then *len is the kind).
  bool Len(uint64_t* len, bool* encoded = nullptr);
  bool String(std::string* out);
  bool DoubleBinary(double* out);
  bool DoubleText(double* out);  // the old ZSET's length-prefixed text scores
  bool U64LE(uint64_t* v);
  bool U32LE(uint32_t* v);

  uint64_t offset() const { return consumed_; }
  uint64_t remaining() const { return size_ - consumed_; }
  // CRC-64 of every byte consumed so far.
  uint64_t Crc();
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool Fail(std::string_view why);

 private:
  std::string_view data_;      // memory mode
  std::FILE* file_ = nullptr;  // file mode
  std::string fbuf_;           // file mode: buffered bytes [fpos_, fbuf_.size())
  size_t fpos_ = 0;
  uint64_t size_ = 0;
  uint64_t consumed_ = 0;
  uint64_t crc_done_ = 0;  // memory mode: bytes already in crc_
  uint64_t crc_ = 0;
  std::string error_;
};

// Writes a value's type id and body (rdbSaveObjectType + rdbSaveObject).
void SaveObject(RdbWriter& w, const Value& v);
// Writes the body only (in a file the key sits between the type id and the body).
void SaveObjectBody(RdbWriter& w, const Value& v);
// The type id SaveObject writes for v.
uint8_t ObjectTypeId(const Value& v);

// Reads a value body of the given type id (the id already read). False (error latched in r)
// when malformed, of an unsupported type, or an empty collection (Redis refuses empty keys).
bool LoadObject(RdbReader& r, uint8_t type, Value* out);

// ---- DUMP / RESTORE payloads: type + body + RDB version (u16 LE) + CRC-64 (u64 LE) --------
std::string CreateDumpPayload(const Value& v);
enum class DumpError { kOk, kVersionOrChecksum, kBadFormat };
// Checks the footer (version <= kRdbVersion, checksum) then decodes the value.
DumpError ParseDumpPayload(std::string_view payload, Value* out);

// ---- FUNCTION DUMP / RESTORE payloads: per library FUNCTION2 + its code (an RDB string, so
// LZF-compressed under rdbcompression yes, as Redis), then the same footer ------------------
std::string CreateFunctionsPayload(const std::vector<std::string>& codes);
enum class FunctionsPayloadError {
  kOk,
  kVersionOrChecksum,
  kPreGa,         // the 7.0 release candidates' FUNCTION opcode
  kNotAFunction,  // another record type
  kBadLibrary,    // a library's code is not a well-formed string
};
// Appends the libraries' code to *codes (what was read before an error included).
FunctionsPayloadError ParseFunctionsPayload(std::string_view payload,
                                            std::vector<std::string>* codes);

}  // namespace fincache::persist
