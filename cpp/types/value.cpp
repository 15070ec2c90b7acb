#include "types/value.h"

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

Value Value::String(std::string_view s) {
  Value v;
  v.SetString(s);
  return v;
}

Value Value::Clone() const {
  Value v;
  v.str_ = str_;
  v.str_encoding_ = str_encoding_;
  if (obj_) v.obj_ = obj_->Clone();
  return v;
}

void Value::SetString(std::string_view s) {
  obj_.reset();
  str_.assign(s.data(), s.size());
  str_encoding_ = EncodingFor(str_);
}

void Value::SetString(std::string&& s) {
  obj_.reset();
  str_ = std::move(s);
  str_encoding_ = EncodingFor(str_);
}

void Value::SetObject(std::unique_ptr<CompositeValue> obj) {
  obj_ = std::move(obj);
  std::string().swap(str_);
}

std::string_view Value::encoding() const {
  if (obj_) return obj_->encoding();
  switch (str_encoding_) {
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
  if (obj_) return obj_->MemoryUsage();
  // std::string keeps up to 15 bytes inline; beyond that one heap block of capacity + 1.
  return str_.capacity() > 15 ? str_.capacity() + 1 : 0;
}

}  // namespace fincache
