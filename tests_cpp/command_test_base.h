// Fixture for per-family command tests: argv through the real dispatcher, a fake clock, replies
// as RespValue trees. Usage:
//   class StringFamilyTest : public CommandTest {};
//   TEST_F(StringFamilyTest, Incr) { EXPECT_THAT(Run({"incr", "k"}), IntArg(1)); }
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "commands/dispatcher.h"
#include "engine/clock.h"
#include "protocol/resp_value.h"

namespace fincache {

using protocol::RespValue;

class CommandTest : public ::testing::Test {
 protected:
  CommandTest() {
    EngineOptions opts;
    opts.clock = &clock_;
    opts.active_expiry = false;
    server_ = std::make_unique<ServerState>(std::make_unique<Config>(), opts);
    dispatcher_ = std::make_unique<Dispatcher>(*server_);
    session_.id = server_->clients().NextId();
  }

  RespValue Run(const std::vector<std::string>& argv) {
    std::vector<std::string_view> views(argv.begin(), argv.end());
    protocol::ValueBuilder rb(session_.resp);
    dispatcher_->Dispatch(CmdArgList(views.data(), views.size()), session_, rb);
    return rb.TakeOne();
  }
  RespValue Run(std::initializer_list<std::string_view> argv) {
    return Run(std::vector<std::string>(argv.begin(), argv.end()));
  }

  void AdvanceTime(int64_t ms) { clock_.Advance(ms); }
  Engine& engine() { return server_->engine(); }

  ManualClock clock_;
  std::unique_ptr<ServerState> server_;
  std::unique_ptr<Dispatcher> dispatcher_;
  Session session_;
};

MATCHER_P(ErrArg, text, "an error containing \"" + std::string(text) + "\"") {
  return arg.type == RespValue::Type::kError && arg.str.find(text) != std::string::npos;
}
MATCHER_P(IntArg, n, "integer " + std::to_string(n)) {
  return arg.type == RespValue::Type::kInteger && arg.integer == static_cast<int64_t>(n);
}
MATCHER_P(BulkArg, s, "bulk \"" + std::string(s) + "\"") {
  return arg.type == RespValue::Type::kBulk && arg.str == std::string(s);
}
MATCHER_P(SimpleArg, s, "status " + std::string(s)) {
  return arg.type == RespValue::Type::kSimple && arg.str == std::string(s);
}
MATCHER(NullArg, "nil") {
  return arg.type == RespValue::Type::kNull || arg.type == RespValue::Type::kNullArray;
}
MATCHER_P(ArrLen, n, "array of " + std::to_string(n)) {
  return arg.IsAggregate() && arg.elems.size() == static_cast<size_t>(n);
}

// Bulk strings of an array reply, for ElementsAre/UnorderedElementsAre.
inline std::vector<std::string> StrArray(const RespValue& v) {
  std::vector<std::string> out;
  for (auto& e : v.elems) out.push_back(e.type == RespValue::Type::kNull ? "(nil)" : e.str);
  return out;
}

inline void PrintTo(const RespValue& v, std::ostream* os) { *os << v.ToString(); }

}  // namespace fincache
