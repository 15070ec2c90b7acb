// OpStatus: the one error vocabulary of Op* functions. Translated to Redis error texts in one
// place (StatusText), to Python exceptions by the bindings, to HTTP codes by the HTTP layer.
#pragma once

#include <cassert>
#include <string_view>
#include <utility>
#include <variant>

namespace fincache {

enum class OpStatus : uint8_t {
  kOk,
  kKeyNotFound,  // not an error for most commands: the handler decides what to reply
  kSkipped,      // NX/XX conditions not met and the like
  kWrongType,
  kNotInteger,  // value is not an integer or out of range
  kNotFloat,
  kOverflow,  // increment or decrement would overflow
  kNanOrInf,  // increment would produce NaN or Infinity
  kSyntaxError,
  kNoSuchKey,  // ERR no such key
  kSameObject,
  kStringTooLong,
  kOffsetOutOfRange,
  kIndexOutOfRange,
  kOutOfMemory,
  kBusyKey,
  kDbIndexOutOfRange,
};

// The Redis error text for a status (empty for kOk/kKeyNotFound/kSkipped).
std::string_view StatusText(OpStatus s);

template <typename T>
class OpResult {
 public:
  OpResult(T v) : v_(std::move(v)) {}                           // NOLINT: implicit by design
  OpResult(OpStatus s) : v_(s) { assert(s != OpStatus::kOk); }  // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  OpStatus status() const { return ok() ? OpStatus::kOk : std::get<OpStatus>(v_); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, OpStatus> v_;
};

}  // namespace fincache
