// Value: what a key holds, in 16 bytes. Strings carry Redis's encoding label (int, embstr, raw);
// every other type is a CompositeValue subclass defined in its own types/*.h file.
//
// Invariants: type() == kString iff no CompositeValue is held. str_encoding() is what OBJECT
// ENCODING reports for strings and follows Redis: "int" for canonical int64 text set by
// SET/INCR..., "embstr" for other strings of at most 44 bytes, "raw" otherwise or once modified in
// place (APPEND, SETRANGE).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace fincache {

// Numbering follows Redis's OBJ_* so it can double as the RDB type family.
enum class ObjType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,
  kHash = 4,
  kStream = 6,
};

// "string", "list", "set", "zset", "hash", "stream" (TYPE and SCAN TYPE names).
std::string_view TypeName(ObjType t);
// Parses a TYPE name (case-insensitive); false when unknown.
bool ParseTypeName(std::string_view name, ObjType* out);

enum class StrEncoding : uint8_t { kInt, kEmbStr, kRaw };

inline constexpr size_t kEmbStrMaxLen = 44;  // OBJ_ENCODING_EMBSTR_SIZE_LIMIT

class CompositeValue {
 public:
  virtual ~CompositeValue() = default;
  virtual ObjType type() const = 0;
  virtual std::string_view encoding() const = 0;  // OBJECT ENCODING name
  virtual size_t MemoryUsage() const = 0;         // bytes held, approximately exact
  virtual std::unique_ptr<CompositeValue> Clone() const = 0;
};

// A value in 16 bytes. Strings of up to 15 bytes live inline (Redis's int/embstr objects
// need a separate allocation); longer ones in one exact-size heap block (length + bytes); a
// string mutated in place (APPEND, SETRANGE, SETBIT, PFADD) becomes a heap std::string so it
// can grow; composites are an owned CompositeValue pointer. The tag byte keeps the
// representation (2 bits), Redis's string encoding label (2 bits) and the inline length (4 bits).
class Value {
 public:
  Value() noexcept { Reset(); }
  ~Value() { Release(); }
  Value(Value&& o) noexcept {
    std::memcpy(bytes_, o.bytes_, sizeof(bytes_));
    o.Reset();
  }
  Value& operator=(Value&& o) noexcept {
    if (this != &o) {
      Release();
      std::memcpy(bytes_, o.bytes_, sizeof(bytes_));
      o.Reset();
    }
    return *this;
  }
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;

  // A string value with the encoding Redis would give a freshly created string object.
  static Value String(std::string_view s);
  Value Clone() const;

  ObjType type() const { return rep() == kObject ? obj()->type() : ObjType::kString; }
  bool is_string() const { return rep() != kObject; }

  // ---- strings ----
  std::string_view str() const;
  // Replaces the content; the encoding is recomputed as for a new object.
  void SetString(std::string_view s);
  void SetString(std::string&& s);
  // In-place mutation (APPEND, SETRANGE, SETBIT): the result is "raw" as in Redis.
  std::string& MutableStringRaw();
  StrEncoding str_encoding() const { return static_cast<StrEncoding>((tag() >> 2) & 3); }
  void set_str_encoding(StrEncoding e) {
    bytes_[kTag] = static_cast<char>((tag() & ~0x0Cu) | (static_cast<unsigned>(e) << 2));
  }

  // ---- composites ----
  CompositeValue* obj() { return rep() == kObject ? static_cast<CompositeValue*>(ptr()) : nullptr; }
  const CompositeValue* obj() const {
    return rep() == kObject ? static_cast<const CompositeValue*>(ptr()) : nullptr;
  }
  template <typename T>
  T* As() {
    return static_cast<T*>(obj());
  }
  template <typename T>
  const T* As() const {
    return static_cast<const T*>(obj());
  }
  void SetObject(std::unique_ptr<CompositeValue> obj);

  // OBJECT ENCODING name.
  std::string_view encoding() const;
  // Bytes held by the value beyond its 16 bytes (not counting the key or the entry record).
  size_t MemoryUsage() const;

 private:
  enum Rep : uint8_t { kInline = 0, kPacked = 1, kStdString = 2, kObject = 3 };
  static constexpr size_t kTag = 15;
  static constexpr size_t kInlineMax = 15;

  static StrEncoding EncodingFor(std::string_view s);

  unsigned tag() const { return static_cast<unsigned char>(bytes_[kTag]); }
  Rep rep() const { return static_cast<Rep>(tag() & 3); }
  void* ptr() const {
    void* p;
    std::memcpy(&p, bytes_, sizeof(p));
    return p;
  }
  void SetPtr(Rep r, void* p, StrEncoding e) {
    std::memcpy(bytes_, &p, sizeof(p));
    bytes_[kTag] = static_cast<char>(r | (static_cast<unsigned>(e) << 2));
  }
  // An empty inline "embstr".
  void Reset() {
    std::memset(bytes_, 0, sizeof(bytes_));
    bytes_[kTag] = static_cast<char>(static_cast<unsigned>(StrEncoding::kEmbStr) << 2);
  }
  void Release() noexcept;
  // Stores s (any length) as a fresh string with encoding e; the previous content is released.
  void Store(std::string_view s, StrEncoding e);

  alignas(8) char bytes_[16];
};

static_assert(sizeof(Value) == 16);

}  // namespace fincache
