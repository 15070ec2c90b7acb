#include "protocol/resp_value.h"

#include <cassert>
#include <stdexcept>

namespace fincache::protocol {

std::string RespValue::ToString() const {
  switch (type) {
    case Type::kSimple:
      return str;
    case Type::kError:
      return "(error) " + str;
    case Type::kInteger:
      return "(integer) " + std::to_string(integer);
    case Type::kDouble:
      return "(double) " + FormatDouble(dbl);
    case Type::kBulk:
    case Type::kVerbatim:
      return "\"" + str + "\"";
    case Type::kBigNumber:
      return "(big) " + str;
    case Type::kNull:
    case Type::kNullArray:
      return "(nil)";
    case Type::kBool:
      return integer ? "(true)" : "(false)";
    default:
      break;
  }
  std::string out = type == Type::kMap ? "{" : (type == Type::kSet ? "~[" : "[");
  for (size_t i = 0; i < elems.size(); ++i) {
    if (i) out += (type == Type::kMap && i % 2 == 1) ? ": " : ", ";
    out += elems[i].ToString();
  }
  out += type == Type::kMap ? "}" : "]";
  return out;
}

void ValueBuilder::Add(RespValue v) {
  if (stack_.empty()) {
    done_.push_back(std::move(v));
    return;
  }
  Frame& top = stack_.back();
  top.value.elems.push_back(std::move(v));
  if (--top.remaining == 0) {
    RespValue finished = std::move(top.value);
    stack_.pop_back();
    Add(std::move(finished));
  }
}

void ValueBuilder::Open(RespValue::Type t, size_t n) {
  RespValue v;
  v.type = t;
  if (n == 0) {
    Add(std::move(v));
    return;
  }
  v.elems.reserve(std::min<size_t>(n, 1024));
  stack_.push_back(Frame{std::move(v), n});
}

void ValueBuilder::SendSimple(std::string_view s) {
  RespValue v;
  v.type = RespValue::Type::kSimple;
  v.str = s;
  Add(std::move(v));
}
void ValueBuilder::DoSendError(std::string_view text) {
  RespValue v;
  v.type = RespValue::Type::kError;
  v.str = text;
  Add(std::move(v));
}
void ValueBuilder::SendLong(int64_t x) {
  RespValue v;
  v.type = RespValue::Type::kInteger;
  v.integer = x;
  Add(std::move(v));
}
void ValueBuilder::SendDouble(double d) {
  RespValue v;
  if (resp_ >= 3) {
    v.type = RespValue::Type::kDouble;
    v.dbl = d;
  } else {
    v.type = RespValue::Type::kBulk;
    v.str = FormatDouble(d);
  }
  Add(std::move(v));
}
void ValueBuilder::SendBulk(std::string_view s) {
  RespValue v;
  v.type = RespValue::Type::kBulk;
  v.str = s;
  Add(std::move(v));
}
void ValueBuilder::SendNull() {
  RespValue v;
  v.type = RespValue::Type::kNull;
  Add(std::move(v));
}
void ValueBuilder::SendNullArray() {
  RespValue v;
  v.type = resp_ >= 3 ? RespValue::Type::kNull : RespValue::Type::kNullArray;
  Add(std::move(v));
}
void ValueBuilder::SendBool(bool b) {
  RespValue v;
  v.type = resp_ >= 3 ? RespValue::Type::kBool : RespValue::Type::kInteger;
  v.integer = b ? 1 : 0;
  Add(std::move(v));
}
void ValueBuilder::SendVerbatim(std::string_view text, std::string_view format) {
  RespValue v;
  v.type = resp_ >= 3 ? RespValue::Type::kVerbatim : RespValue::Type::kBulk;
  v.str = text;
  Add(std::move(v));
}
void ValueBuilder::SendBigNumber(std::string_view digits) {
  RespValue v;
  v.type = resp_ >= 3 ? RespValue::Type::kBigNumber : RespValue::Type::kBulk;
  v.str = digits;
  Add(std::move(v));
}
void ValueBuilder::StartArray(size_t n) { Open(RespValue::Type::kArray, n); }
void ValueBuilder::StartMap(size_t n) {
  if (resp_ >= 3)
    Open(RespValue::Type::kMap, 2 * n);
  else
    Open(RespValue::Type::kArray, 2 * n);
}
void ValueBuilder::StartSet(size_t n) {
  Open(resp_ >= 3 ? RespValue::Type::kSet : RespValue::Type::kArray, n);
}
void ValueBuilder::StartPush(size_t n) {
  Open(resp_ >= 3 ? RespValue::Type::kPush : RespValue::Type::kArray, n);
}

std::vector<RespValue> ValueBuilder::Take() {
  std::vector<RespValue> out = std::move(done_);
  done_.clear();
  return out;
}

RespValue ValueBuilder::TakeOne() {
  if (done_.size() != 1 || !stack_.empty())
    throw std::logic_error("ValueBuilder: expected exactly one complete reply, got " +
                           std::to_string(done_.size()));
  RespValue v = std::move(done_.front());
  done_.clear();
  return v;
}

}  // namespace fincache::protocol
