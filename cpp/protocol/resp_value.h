// RespValue: a reply as a tree, built by ValueBuilder. Used by C++ tests (compare replies without
// re-parsing bytes) and by front doors that convert replies to other formats (HTTP JSON).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/reply_builder.h"

namespace fincache::protocol {

struct RespValue {
  enum class Type {
    kSimple,
    kError,
    kInteger,
    kDouble,
    kBulk,
    kNull,
    kNullArray,
    kBool,
    kVerbatim,
    kBigNumber,
    kArray,
    kMap,
    kSet,
    kPush
  };
  Type type = Type::kNull;
  std::string str;      // simple, error, bulk, verbatim, big number
  int64_t integer = 0;  // integer, bool (0/1)
  double dbl = 0;
  std::vector<RespValue> elems;  // aggregates; a map holds 2n elements: k0 v0 k1 v1 ...

  bool IsAggregate() const {
    return type == Type::kArray || type == Type::kMap || type == Type::kSet || type == Type::kPush;
  }
  // A compact human-readable rendering, e.g. ["a", 1, (nil)] — for test failure messages.
  std::string ToString() const;
};

// Builds a RespValue tree. resp_version only affects what handlers choose to send.
class ValueBuilder final : public ReplyBuilder {
 public:
  explicit ValueBuilder(int resp_version = 2) : resp_(resp_version) {}

  void SendSimple(std::string_view s) override;
  void DoSendError(std::string_view text) override;
  void SendLong(int64_t v) override;
  void SendDouble(double v) override;
  void SendBulk(std::string_view s) override;
  void SendNull() override;
  void SendNullArray() override;
  void SendBool(bool v) override;
  void SendVerbatim(std::string_view text, std::string_view format) override;
  void SendBigNumber(std::string_view digits) override;
  void StartArray(size_t n) override;
  void StartMap(size_t n) override;
  void StartSet(size_t n) override;
  void StartPush(size_t n) override;
  int resp_version() const override { return resp_; }
  void SetRespVersion(int v) override { resp_ = v; }

  // The replies built so far (one per top-level Send/Start), and reset.
  std::vector<RespValue> Take();
  // The single top-level reply (asserts there is exactly one complete reply).
  RespValue TakeOne();

 private:
  void Add(RespValue v);
  void Open(RespValue::Type t, size_t n);

  struct Frame {
    RespValue value;
    size_t remaining;
  };
  int resp_;
  std::vector<RespValue> done_;
  std::vector<Frame> stack_;
};

}  // namespace fincache::protocol
