// Commands added at run time (CommandRegistry::AddCustom / RemoveCustom): dispatch, atomicity
// (the exclusive gate), COMMAND listing, stats, retirement, definition checks. The Python side
// (register_command) is tested in tests_py/test_python_commands.py.
#include <atomic>
#include <thread>

#include "command_test_base.h"
#include "commands/command_context.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Replies with its arguments; records whether it ran holding the exclusive gate.
class EchoCommand final : public ExternalCommand {
 public:
  void Run(CmdArgList args, CommandContext& ctx) override {
    exclusive = ctx.engine.gate().HeldExclusiveByMe();
    ++calls;
    ctx.rb.StartArray(args.size() - 1);
    for (size_t i = 1; i < args.size(); ++i) ctx.rb.SendBulk(args[i]);
  }
  void Retire() override { retired = true; }
  bool exclusive = false;
  bool retired = false;
  int calls = 0;
};

class CustomCommandTest : public CommandTest {
 protected:
  std::string Add(std::string name, std::shared_ptr<ExternalCommand> handler, uint32_t flags = 0,
                  int arity = -1, int first = 0, int last = 0, int step = 1, bool replace = false) {
    CustomCommandDef def;
    def.name = std::move(name);
    def.arity = arity;
    def.flags = flags;
    def.first_key = first;
    def.last_key = last;
    def.key_step = step;
    def.summary = "Echo";
    def.module = "test";
    def.handler = std::move(handler);
    return server_->mutable_registry().AddCustom(std::move(def), replace);
  }
};

TEST_F(CustomCommandTest, RunsHoldingTheExclusiveGate) {
  auto echo = std::make_shared<EchoCommand>();
  ASSERT_EQ(Add("Echo2", echo), "");
  auto reply = Run({"ECHO2", "a", "b"});
  EXPECT_THAT(StrArray(reply), ElementsAre("a", "b"));
  EXPECT_TRUE(echo->exclusive);
  EXPECT_EQ(echo->calls, 1);
}

TEST_F(CustomCommandTest, ArityAndUnknownErrorsAreRedis) {
  ASSERT_EQ(Add("fixed", std::make_shared<EchoCommand>(), 0, 2), "");
  EXPECT_THAT(Run({"fixed"}), ErrArg("ERR wrong number of arguments for 'fixed' command"));
  EXPECT_THAT(Run({"fixed", "x"}), ArrLen(1));
  EXPECT_TRUE(server_->mutable_registry().RemoveCustom("FIXED"));
  EXPECT_FALSE(server_->mutable_registry().RemoveCustom("fixed"));
  EXPECT_THAT(Run({"fixed", "x"}), ErrArg("ERR unknown command 'fixed'"));
}

TEST_F(CustomCommandTest, DefinitionChecks) {
  auto h = std::make_shared<EchoCommand>();
  EXPECT_EQ(Add("get", h), "'get' is a built-in command");
  EXPECT_EQ(Add("CONFIG", h), "'config' is a built-in command");
  EXPECT_THAT(Add("a b", h), HasSubstr("no space"));
  EXPECT_THAT(Add("a|b", h), HasSubstr("'|'"));
  EXPECT_THAT(Add(std::string(64, 'x'), h), HasSubstr("1 to 63 bytes"));
  EXPECT_THAT(Add("", h), HasSubstr("1 to 63 bytes"));
  EXPECT_THAT(Add("z", h, 0, 0), HasSubstr("arity can't be 0"));
  EXPECT_THAT(Add("z", h, CO::kWrite | CO::kReadOnly), HasSubstr("both write and readonly"));
  EXPECT_THAT(Add("z", h, 0, 2, 2, 2), HasSubstr("beyond the arity"));
  EXPECT_THAT(Add("z", h, 0, -1, 1, 1), HasSubstr("without the first key"));
  EXPECT_THAT(Add("z", h, 0, -2, 1, 1, 0), HasSubstr("step must be at least 1"));
  EXPECT_THAT(Add("z", h, 0, -3, 2, 1), HasSubstr("last_key must be at least first_key"));
  EXPECT_THAT(Add("z", nullptr), HasSubstr("no handler"));
  ASSERT_EQ(Add("z", h), "");
  EXPECT_EQ(Add("Z", h), "command 'z' is already registered");
}

TEST_F(CustomCommandTest, ReplaceRetiresTheOldHandler) {
  auto first = std::make_shared<EchoCommand>();
  auto second = std::make_shared<EchoCommand>();
  ASSERT_EQ(Add("swap", first), "");
  Run({"swap", "x"});
  ASSERT_EQ(Add("swap", second, 0, -1, 0, 0, 1, /*replace=*/true), "");
  EXPECT_TRUE(first->retired);
  EXPECT_FALSE(second->retired);
  Run({"swap", "y"});
  EXPECT_EQ(first->calls, 1);
  EXPECT_EQ(second->calls, 1);
  server_->mutable_registry().RemoveCustom("swap");
  EXPECT_TRUE(second->retired);
}

TEST_F(CustomCommandTest, ListedByCommand) {
  const int64_t before = Run({"command", "count"}).integer;
  ASSERT_EQ(Add("mycmd", std::make_shared<EchoCommand>(), CO::kReadOnly, -2, 1, -1, 2), "");
  EXPECT_THAT(Run({"command", "count"}), IntArg(before + 1));
  session_.resp = 3;
  auto info = Run({"command", "info", "MYCMD"});
  ASSERT_THAT(info, ArrLen(1));
  const RespValue& e = info.elems[0];
  EXPECT_THAT(e.elems[0], BulkArg("mycmd"));
  EXPECT_THAT(e.elems[1], IntArg(-2));
  EXPECT_THAT(StrArray(e.elems[2]), ElementsAre("readonly", "module"));
  EXPECT_THAT(e.elems[3], IntArg(1));
  EXPECT_THAT(e.elems[4], IntArg(-1));
  EXPECT_THAT(e.elems[5], IntArg(2));
  EXPECT_THAT(StrArray(e.elems[6]), ElementsAre("@read", "@slow"));
  ASSERT_THAT(e.elems[8], ArrLen(1));  // one key spec: RO access, index 1, range -1 step 2
  EXPECT_THAT(e.elems[8].elems[0].ToString(), HasSubstr(R"("flags": ~[RO, access])"));
  EXPECT_THAT(e.elems[8].elems[0].ToString(),
              HasSubstr(R"("spec": {"lastkey": (integer) -1, "keystep": (integer) 2)"));

  auto docs = Run({"command", "docs", "mycmd"});
  ASSERT_EQ(docs.type, RespValue::Type::kMap);
  EXPECT_EQ(docs.elems[1].ToString(),
            R"({"summary": "Echo", "group": "module", "module": "test"})");
  EXPECT_THAT(StrArray(Run({"command", "list", "filterby", "module", "test"})),
              ElementsAre("mycmd"));
  EXPECT_THAT(Run({"command", "list", "filterby", "module", "other"}), ArrLen(0));
  EXPECT_THAT(StrArray(Run({"command", "getkeys", "mycmd", "k1", "v", "k2"})),
              ElementsAre("k1", "k2"));
  EXPECT_THAT(Run({"command"}), ArrLen(before + 1));
}

TEST_F(CustomCommandTest, CountedInCommandStats) {
  ASSERT_EQ(Add("counted", std::make_shared<EchoCommand>(), 0, 2), "");
  Run({"counted", "x"});
  Run({"counted"});  // arity: rejected
  std::string row;
  server_->ForEachCommandStats([&](const std::string& name, const CommandStats& st) {
    if (name == "counted")
      row = std::to_string(st.calls.load()) + "/" + std::to_string(st.rejected_calls.load());
  });
  EXPECT_EQ(row, "1/1");
}

// Lookups race with additions and removals without tearing (run under TSan in debug builds).
TEST_F(CustomCommandTest, ConcurrentLookupAndChange) {
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    Session s;
    s.authenticated = true;
    while (!stop.load()) {
      std::string_view argv[] = {"flip", "x"};
      protocol::ValueBuilder vb(2);
      Dispatcher(*server_).Dispatch(CmdArgList(argv, 2), s, vb);
      auto r = vb.TakeOne();
      ASSERT_TRUE(r.type == RespValue::Type::kArray || r.type == RespValue::Type::kError);
    }
  });
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(Add("flip", std::make_shared<EchoCommand>(), 0, -1, 0, 0, 1, true), "");
    if (i % 3 == 0) server_->mutable_registry().RemoveCustom("flip");
  }
  stop = true;
  reader.join();
}

}  // namespace
}  // namespace fincache
