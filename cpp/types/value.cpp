#include "types/value.h"

#include <cstddef>
#include <cstdlib>
#include <new>

#include "common/strings.h"

namespace fincache {

std::string_view TypeName(ObjType t) {
  switch (t) {
    case ObjType::kString:
      return "string";
    case ObjType::kList:
      return "list";
    case ObjType::kSet:
      return "set";
    case ObjType::kZSet:
      return "zset";
    case ObjType::kHash:
      return "hash";
    case ObjType::kStream:
      return "stream";
  }
  return "none";
}

bool ParseTypeName(std::string_view name, ObjType* out) {
  static constexpr ObjType kAll[] = {ObjType::kString, ObjType::kList, ObjType::kSet,
                                     ObjType::kZSet,   ObjType::kHash, ObjType::kStream};
  for (ObjType t : kAll) {
    if (EqualsIgnoreCase(name, TypeName(t))) {
      *out = t;
      return true;
    }
  }
  return false;
}

StrEncoding Value::EncodingFor(std::string_view s) {
  if (s.size() <= 20 && IsCanonicalInt64(s)) return StrEncoding::kInt;
  return s.size() <= kEmbStrMaxLen ? StrEncoding::kEmbStr : StrEncoding::kRaw;
}

namespace {

// A packed string: its length, then its bytes, in one allocation of exactly that size.
struct Packed {
  uint32_t len;
  char data[1];
};
constexpr size_t kPackedHeader = offsetof(Packed, data);

Packed* NewPacked(std::string_view s) {
  auto* p = static_cast<Packed*>(std::malloc(kPackedHeader + s.size()));
  if (p == nullptr) throw std::bad_alloc();
  p->len = static_cast<uint32_t>(s.size());
  if (!s.empty()) std::memcpy(p->data, s.data(), s.size());
  return p;
}

// What malloc hands out for n bytes (glibc: 8 bytes of header, 16-byte granules).
size_t HeapBytes(size_t n) { return (n + 8 + 15) & ~size_t{15}; }

}  // namespace

void Value::Release() noexcept {
  switch (rep()) {
    case kInline:
      return;
    case kPacked:
      std::free(ptr());
      return;
    case kStdString:
      delete static_cast<std::string*>(ptr());
      return;
    case kObject:
      delete static_cast<CompositeValue*>(ptr());
      return;
  }
}

void Value::Store(std::string_view s, StrEncoding e) {
  if (s.size() <= kInlineMax) {
    char buf[kInlineMax];
    if (!s.empty()) std::memcpy(buf, s.data(), s.size());  // s may point into this value
    Release();
    std::memset(bytes_, 0, sizeof(bytes_));
    if (!s.empty()) std::memcpy(bytes_, buf, s.size());
    bytes_[kTag] = static_cast<char>(kInline | (static_cast<unsigned>(e) << 2) |
                                     (static_cast<unsigned>(s.size()) << 4));
    return;
  }
  void* p;
  Rep r;
  if (s.size() <= UINT32_MAX) {
    p = NewPacked(s);
    r = kPacked;
  } else {
    p = new std::string(s);
    r = kStdString;
  }
  Release();
  SetPtr(r, p, e);
}

Value Value::String(std::string_view s) {
  Value v;
  v.SetString(s);
  return v;
}

Value Value::Clone() const {
  Value v;
  if (rep() == kObject) {
    v.SetObject(obj()->Clone());
  } else {
    v.Store(str(), str_encoding());
  }
  return v;
}

std::string_view Value::str() const {
  switch (rep()) {
    case kInline:
      return {bytes_, static_cast<size_t>(tag() >> 4)};
    case kPacked: {
      const auto* p = static_cast<const Packed*>(ptr());
      return {p->data, p->len};
    }
    case kStdString:
      return *static_cast<const std::string*>(ptr());
    case kObject:
      break;
  }
  return {};
}

void Value::SetString(std::string_view s) { Store(s, EncodingFor(s)); }

void Value::SetString(std::string&& s) {
  // A long string (a BITOP result, a big SETRANGE) is adopted rather than copied.
  if (s.size() > kEmbStrMaxLen) {
    StrEncoding e = EncodingFor(s);
    auto* p = new std::string(std::move(s));
    Release();
    SetPtr(kStdString, p, e);
    return;
  }
  Store(s, EncodingFor(s));
}

std::string& Value::MutableStringRaw() {
  if (rep() != kStdString) {
    auto* p = new std::string(str());
    Release();
    SetPtr(kStdString, p, StrEncoding::kRaw);
  }
  set_str_encoding(StrEncoding::kRaw);
  return *static_cast<std::string*>(ptr());
}

void Value::SetObject(std::unique_ptr<CompositeValue> obj) {
  CompositeValue* p = obj.release();
  Release();
  SetPtr(kObject, p, StrEncoding::kRaw);
}

std::string_view Value::encoding() const {
  if (rep() == kObject) return obj()->encoding();
  switch (str_encoding()) {
    case StrEncoding::kInt:
      return "int";
    case StrEncoding::kEmbStr:
      return "embstr";
    case StrEncoding::kRaw:
      return "raw";
  }
  return "raw";
}

size_t Value::MemoryUsage() const {
  switch (rep()) {
    case kInline:
      return 0;
    case kPacked:
      return HeapBytes(kPackedHeader + static_cast<const Packed*>(ptr())->len);
    case kStdString: {
      const auto* s = static_cast<const std::string*>(ptr());
      return HeapBytes(sizeof(std::string)) +
             (s->capacity() > 15 ? HeapBytes(s->capacity() + 1) : 0);
    }
    case kObject:
      return obj()->MemoryUsage();
  }
  return 0;
}

}  // namespace fincache
