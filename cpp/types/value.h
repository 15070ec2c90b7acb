// Value: what a key holds. Strings are stored inline with Redis's encoding label (int, embstr,
// raw); every other type is a CompositeValue subclass defined in its own types/*.h file.
//
// Invariants: type() == kString iff obj_ is null. str_encoding_ is what OBJECT ENCODING reports
// for strings and follows Redis: "int" for canonical int64 text set by SET/INCR..., "embstr" for
// other strings of at most 44 bytes, "raw" otherwise or once modified in place (APPEND, SETRANGE).
#pragma once

#include <cstdint>
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

class Value {
 public:
  Value() = default;
  Value(Value&&) noexcept = default;
  Value& operator=(Value&&) noexcept = default;
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;

  // A string value with the encoding Redis would give a freshly created string object.
  static Value String(std::string_view s);
  Value Clone() const;

  ObjType type() const { return obj_ ? obj_->type() : ObjType::kString; }
  bool is_string() const { return !obj_; }

  // ---- strings ----
  const std::string& str() const { return str_; }
  // Replaces the content; the encoding is recomputed as for a new object.
  void SetString(std::string_view s);
  void SetString(std::string&& s);
  // In-place mutation (APPEND, SETRANGE, SETBIT): the result is "raw" as in Redis.
  std::string& MutableStringRaw() {
    str_encoding_ = StrEncoding::kRaw;
    return str_;
  }
  StrEncoding str_encoding() const { return str_encoding_; }
  void set_str_encoding(StrEncoding e) { str_encoding_ = e; }

  // ---- composites ----
  CompositeValue* obj() { return obj_.get(); }
  const CompositeValue* obj() const { return obj_.get(); }
  template <typename T>
  T* As() {
    return static_cast<T*>(obj_.get());
  }
  template <typename T>
  const T* As() const {
    return static_cast<const T*>(obj_.get());
  }
  void SetObject(std::unique_ptr<CompositeValue> obj);

  // OBJECT ENCODING name.
  std::string_view encoding() const;
  // Bytes held by the value (not counting the key or the entry record).
  size_t MemoryUsage() const;

 private:
  static StrEncoding EncodingFor(std::string_view s);

  std::string str_;
  std::unique_ptr<CompositeValue> obj_;
  StrEncoding str_encoding_ = StrEncoding::kEmbStr;
};

}  // namespace fincache
