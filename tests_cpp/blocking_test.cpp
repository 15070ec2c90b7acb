// Blocking commands through the dispatcher: immediate paths, parking, serving by pushes from
// other sessions (FIFO, type changes, BLMOVE chains), cancel, CLIENT UNBLOCK, INFO.
#include "engine/blocking.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command_test_base.h"
#include "protocol/resp_value.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;

// A front door for tests: completed replies are collected in order.
struct CaptureSink final : WaiterSink {
  CaptureSink(int resp, std::vector<RespValue>* out) : resp(resp), out(out) {}
  void Complete(const ReplyWriteFn& write) override {
    protocol::ValueBuilder vb(resp);
    write(vb);
    out->push_back(vb.TakeOne());
  }
  int resp;
  std::vector<RespValue>* out;
};

class BlockingTest : public CommandTest {
 protected:
  // A second client, and a helper running a command that may park.
  struct Client {
    Session session;
    std::vector<RespValue> completed;
    std::shared_ptr<Waiter> waiter;
  };

  std::unique_ptr<Client> NewClient(int resp = 2) {
    auto c = std::make_unique<Client>();
    c->session.id = server_->clients().NextId();
    c->session.resp = resp;
    Client* raw = c.get();
    c->session.make_block_sink = [raw]() -> std::shared_ptr<WaiterSink> {
      return std::make_shared<CaptureSink>(raw->session.resp, &raw->completed);
    };
    return c;
  }

  // The immediate reply, or nullopt when the call parked.
  std::optional<RespValue> RunOn(Client& c, const std::vector<std::string>& argv) {
    std::vector<std::string_view> views(argv.begin(), argv.end());
    protocol::ValueBuilder rb(c.session.resp);
    dispatcher_->Dispatch(CmdArgList(views.data(), views.size()), c.session, rb);
    if (c.session.blocked) {
      c.waiter = std::move(c.session.blocked);
      return std::nullopt;
    }
    return rb.TakeOne();
  }

  BlockingManager& blocking() { return engine().blocking(); }
};

TEST_F(BlockingTest, ImmediatePaths) {
  Run({"rpush", "l", "a", "b"});
  EXPECT_THAT(StrArray(Run({"blpop", "missing", "l", "0"})), ElementsAre("l", "a"));
  EXPECT_THAT(StrArray(Run({"brpop", "l", "0"})), ElementsAre("l", "b"));
  EXPECT_THAT(Run({"exists", "l"}), IntArg(0));
  Run({"set", "s", "x"});
  EXPECT_THAT(Run({"blpop", "missing", "s", "0"}), ErrArg("WRONGTYPE"));
  Run({"rpush", "l", "a"});
  // The first non-empty key answers before a later wrong-typed one is seen.
  EXPECT_THAT(StrArray(Run({"blpop", "l", "s", "0"})), ElementsAre("l", "a"));
  Run({"rpush", "l", "a", "b", "c"});
  auto r = Run({"blmpop", "0", "2", "missing", "l", "right", "count", "2"});
  ASSERT_THAT(r, ArrLen(2));
  EXPECT_THAT(r.elems[0], BulkArg("l"));
  EXPECT_THAT(StrArray(r.elems[1]), ElementsAre("c", "b"));
  EXPECT_THAT(Run({"blmove", "l", "d", "left", "right", "0"}), BulkArg("a"));
  EXPECT_THAT(Run({"brpoplpush", "d", "d", "0"}), BulkArg("a"));
  EXPECT_THAT(Run({"blmove", "d", "s", "left", "right", "0"}), ErrArg("WRONGTYPE"));
  Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_THAT(StrArray(Run({"bzpopmax", "z", "0"})), ElementsAre("z", "b", "2"));
  EXPECT_THAT(StrArray(Run({"bzpopmin", "z", "0"})), ElementsAre("z", "a", "1"));
  EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
}

TEST_F(BlockingTest, ArgumentErrors) {
  EXPECT_THAT(Run({"blpop", "k", "abc"}), ErrArg("timeout is not a float or out of range"));
  EXPECT_THAT(Run({"blpop", "k", " 1"}), ErrArg("timeout is not a float or out of range"));
  EXPECT_THAT(Run({"blpop", "k", "-1"}), ErrArg("timeout is negative"));
  EXPECT_THAT(Run({"blpop", "k", "inf"}), ErrArg("timeout is negative"));
  EXPECT_THAT(Run({"bzpopmin", "k", "1e20"}), ErrArg("timeout is negative"));
  EXPECT_THAT(Run({"blmove", "a", "b", "up", "left", "x"}), ErrArg("syntax error"));
  EXPECT_THAT(Run({"blmpop", "0", "0", "k", "left"}), ErrArg("numkeys should be greater than 0"));
  EXPECT_THAT(Run({"blmpop", "0", "2", "k", "left"}), ErrArg("syntax error"));
  EXPECT_THAT(Run({"blmpop", "0", "1", "k", "left", "count", "0"}),
              ErrArg("count should be greater than 0"));
  EXPECT_THAT(Run({"blmpop", "x", "1", "k", "left"}), ErrArg("timeout is not a float"));
}

TEST_F(BlockingTest, NoFrontDoorAnswersAtOnce) {
  // The fixture's session can't park (as MULTI in Redis): the timeout reply comes at once.
  EXPECT_EQ(Run({"blpop", "k", "0"}).type, RespValue::Type::kNullArray);
  EXPECT_EQ(Run({"bzpopmin", "k", "0"}).type, RespValue::Type::kNullArray);
  EXPECT_EQ(Run({"blmove", "k", "d", "left", "left", "0"}).type, RespValue::Type::kNull);
  EXPECT_EQ(blocking().blocked_calls(), 0u);
}

TEST_F(BlockingTest, PushServesOldestWaiterFirst) {
  auto a = NewClient(), b = NewClient();
  EXPECT_FALSE(RunOn(*a, {"blpop", "q", "0"}));
  EXPECT_FALSE(RunOn(*b, {"blpop", "other", "q", "0"}));
  EXPECT_EQ(blocking().blocked_calls(), 2u);
  EXPECT_EQ(blocking().blocking_keys(), 2u);
  // One push of two elements serves both waiters, oldest first, before the pusher's next command.
  EXPECT_THAT(Run({"rpush", "q", "x", "y"}), IntArg(2));
  ASSERT_EQ(a->completed.size(), 1u);
  ASSERT_EQ(b->completed.size(), 1u);
  EXPECT_THAT(StrArray(a->completed[0]), ElementsAre("q", "x"));
  EXPECT_THAT(StrArray(b->completed[0]), ElementsAre("q", "y"));
  EXPECT_THAT(Run({"exists", "q"}), IntArg(0));
  EXPECT_EQ(blocking().blocked_calls(), 0u);
  EXPECT_EQ(blocking().blocking_keys(), 0u);
}

TEST_F(BlockingTest, OnlyAsManyServedAsElements) {
  auto a = NewClient(), b = NewClient();
  RunOn(*a, {"brpop", "q", "0"});
  RunOn(*b, {"brpop", "q", "0"});
  Run({"lpush", "q", "only"});
  EXPECT_EQ(a->completed.size(), 1u);
  EXPECT_TRUE(b->completed.empty());
  EXPECT_EQ(blocking().blocked_calls(), 1u);
  Run({"lpush", "q", "next"});
  ASSERT_EQ(b->completed.size(), 1u);
  EXPECT_THAT(StrArray(b->completed[0]), ElementsAre("q", "next"));
}

TEST_F(BlockingTest, WrongTypeKeepsWaiting) {
  auto a = NewClient();
  RunOn(*a, {"blpop", "k", "0"});
  Run({"set", "k", "str"});
  Run({"zadd", "z", "1", "m"});
  EXPECT_TRUE(a->completed.empty());
  Run({"del", "k"});
  Run({"rpush", "k", "v"});
  ASSERT_EQ(a->completed.size(), 1u);
  EXPECT_THAT(StrArray(a->completed[0]), ElementsAre("k", "v"));
}

TEST_F(BlockingTest, ListAndZsetWaitersOnOneKey) {
  auto a = NewClient(), b = NewClient();
  RunOn(*a, {"bzpopmin", "k", "0"});
  RunOn(*b, {"blpop", "k", "0"});
  Run({"rpush", "k", "v"});
  EXPECT_TRUE(a->completed.empty());
  ASSERT_EQ(b->completed.size(), 1u);
  Run({"zadd", "k", "2.5", "m"});
  ASSERT_EQ(a->completed.size(), 1u);
  EXPECT_THAT(StrArray(a->completed[0]), ElementsAre("k", "m", "2.5"));
}

TEST_F(BlockingTest, BlmoveServesAndWakesTargetWaiters) {
  auto mover = NewClient(), tail = NewClient();
  RunOn(*mover, {"blmove", "src", "dst", "right", "left", "0"});
  RunOn(*tail, {"blpop", "dst", "0"});
  Run({"rpush", "src", "a", "b"});
  ASSERT_EQ(mover->completed.size(), 1u);
  EXPECT_THAT(mover->completed[0], BulkArg("b"));
  ASSERT_EQ(tail->completed.size(), 1u);
  EXPECT_THAT(StrArray(tail->completed[0]), ElementsAre("dst", "b"));
  EXPECT_THAT(StrArray(Run({"lrange", "src", "0", "-1"})), ElementsAre("a"));
  EXPECT_THAT(Run({"exists", "dst"}), IntArg(0));
}

TEST_F(BlockingTest, BlmoveWrongTypeTargetRepliesError) {
  auto mover = NewClient();
  RunOn(*mover, {"brpoplpush", "src", "dst", "0"});
  Run({"set", "dst", "x"});
  Run({"rpush", "src", "a"});
  ASSERT_EQ(mover->completed.size(), 1u);
  EXPECT_THAT(mover->completed[0], ErrArg("WRONGTYPE"));
  EXPECT_THAT(Run({"llen", "src"}), IntArg(1));
}

TEST_F(BlockingTest, BlmpopServedWithCount) {
  auto a = NewClient(3);
  RunOn(*a, {"blmpop", "0", "2", "x", "y", "left", "count", "3"});
  Run({"rpush", "y", "1", "2"});
  ASSERT_EQ(a->completed.size(), 1u);
  const RespValue& r = a->completed[0];
  ASSERT_THAT(r, ArrLen(2));
  EXPECT_THAT(r.elems[0], BulkArg("y"));
  EXPECT_THAT(StrArray(r.elems[1]), ElementsAre("1", "2"));
}

TEST_F(BlockingTest, BzmpopImmediateAndServed) {
  Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  auto r = Run({"bzmpop", "0", "1", "z", "max", "count", "2"});
  ASSERT_THAT(r, ArrLen(2));
  EXPECT_THAT(r.elems[0], BulkArg("z"));
  ASSERT_THAT(r.elems[1], ArrLen(2));
  EXPECT_THAT(StrArray(r.elems[1].elems[0]), ElementsAre("c", "3"));
  EXPECT_THAT(Run({"bzmpop", "0", "0", "z", "min"}), ErrArg("numkeys should be greater than 0"));
  EXPECT_THAT(Run({"bzmpop", "x", "1", "z", "min"}), ErrArg("timeout is not a float"));
  EXPECT_THAT(Run({"bzmpop", "0", "1", "z", "left"}), ErrArg("syntax error"));
  auto a = NewClient();
  RunOn(*a, {"bzmpop", "0", "2", "x", "y", "min", "count", "5"});
  Run({"zadd", "y", "5", "p", "4", "q"});
  ASSERT_EQ(a->completed.size(), 1u);
  const RespValue& s = a->completed[0];
  ASSERT_THAT(s, ArrLen(2));
  EXPECT_THAT(s.elems[0], BulkArg("y"));
  ASSERT_THAT(s.elems[1], ArrLen(2));
  EXPECT_THAT(StrArray(s.elems[1].elems[0]), ElementsAre("q", "4"));
  EXPECT_THAT(StrArray(s.elems[1].elems[1]), ElementsAre("p", "5"));
  EXPECT_THAT(Run({"exists", "y"}), IntArg(0));
}

TEST_F(BlockingTest, Resp3ZsetScoreIsDouble) {
  auto a = NewClient(3);
  RunOn(*a, {"bzpopmax", "z", "0"});
  Run({"zadd", "z", "1", "a", "3", "c"});
  ASSERT_EQ(a->completed.size(), 1u);
  ASSERT_THAT(a->completed[0], ArrLen(3));
  EXPECT_EQ(a->completed[0].elems[2].type, RespValue::Type::kDouble);
  EXPECT_THAT(StrArray(Run({"zrange", "z", "0", "-1"})), ElementsAre("a"));
}

TEST_F(BlockingTest, CancelLeavesElements) {
  auto a = NewClient(), b = NewClient();
  RunOn(*a, {"blpop", "q", "1"});
  RunOn(*b, {"blpop", "q", "1"});
  EXPECT_TRUE(blocking().Cancel(a->waiter.get()));
  EXPECT_FALSE(blocking().Cancel(a->waiter.get()));
  Run({"rpush", "q", "x", "y"});
  EXPECT_TRUE(a->completed.empty());
  ASSERT_EQ(b->completed.size(), 1u);
  EXPECT_FALSE(blocking().Cancel(b->waiter.get()));  // already served
  EXPECT_THAT(StrArray(Run({"lrange", "q", "0", "-1"})), ElementsAre("y"));
}

TEST_F(BlockingTest, ClientUnblock) {
  auto a = NewClient(), b = NewClient(3);
  RunOn(*a, {"blpop", "q", "0"});
  RunOn(*b, {"bzpopmin", "z", "0"});
  EXPECT_THAT(Run({"client", "unblock", std::to_string(a->session.id)}), IntArg(1));
  ASSERT_EQ(a->completed.size(), 1u);
  EXPECT_EQ(a->completed[0].type, RespValue::Type::kNullArray);
  EXPECT_THAT(Run({"client", "unblock", std::to_string(b->session.id), "error"}), IntArg(1));
  ASSERT_EQ(b->completed.size(), 1u);
  EXPECT_THAT(b->completed[0], ErrArg("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
  EXPECT_THAT(Run({"client", "unblock", std::to_string(a->session.id)}), IntArg(0));
  EXPECT_THAT(Run({"client", "unblock", "0"}), IntArg(0));
  EXPECT_THAT(Run({"client", "unblock", "x"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"client", "unblock", "1", "maybe"}),
              ErrArg("CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
  EXPECT_THAT(Run({"client", "unblock", "1", "timeout", "x"}),
              ErrArg("unknown subcommand or wrong number of arguments for 'unblock'"));
  Run({"rpush", "q", "v"});
  EXPECT_EQ(a->completed.size(), 1u);
  EXPECT_THAT(Run({"llen", "q"}), IntArg(1));
}

TEST_F(BlockingTest, InfoCountsBlockedClients) {
  auto a = NewClient(), b = NewClient();
  RunOn(*a, {"blpop", "q", "0"});
  RunOn(*b, {"blpop", "q", "0.5"});
  auto info = Run({"info", "clients"});
  EXPECT_NE(info.str.find("blocked_clients:2\r\n"), std::string::npos) << info.str;
  EXPECT_NE(info.str.find("clients_in_timeout_table:1\r\n"), std::string::npos) << info.str;
  EXPECT_TRUE(blocking().IsBlocked(a->session.id));
  blocking().Cancel(a->waiter.get());
  blocking().Cancel(b->waiter.get());
  info = Run({"info", "clients"});
  EXPECT_NE(info.str.find("blocked_clients:0\r\n"), std::string::npos) << info.str;
}

TEST_F(BlockingTest, WaitersArePerDatabase) {
  auto a = NewClient();
  a->session.db_index = 1;
  RunOn(*a, {"blpop", "q", "0"});
  Run({"rpush", "q", "db0"});
  EXPECT_TRUE(a->completed.empty());
  Run({"select", "1"});
  Run({"rpush", "q", "db1"});
  ASSERT_EQ(a->completed.size(), 1u);
  EXPECT_THAT(StrArray(a->completed[0]), ElementsAre("q", "db1"));
}

TEST_F(BlockingTest, ExclusiveSectionDefersServingAndDeniesBlocking) {
  auto a = NewClient(), b = NewClient();
  RunOn(*a, {"blpop", "q", "0"});
  {
    // As a script or EXEC: the section's own commands see their pushes first.
    ExecGate::Exclusive excl(engine().gate());
    EXPECT_THAT(*RunOn(*b, {"rpush", "q", "x", "y"}), IntArg(2));
    EXPECT_THAT(*RunOn(*b, {"lpop", "q"}), BulkArg("x"));
    EXPECT_TRUE(a->completed.empty());
    auto denied = RunOn(*b, {"blpop", "nothing", "0"});
    ASSERT_TRUE(denied);
    EXPECT_EQ(denied->type, RespValue::Type::kNullArray);
  }
  dispatcher_->ServeDeferred();
  ASSERT_EQ(a->completed.size(), 1u);
  EXPECT_THAT(StrArray(a->completed[0]), ElementsAre("q", "y"));
}

TEST_F(BlockingTest, RepeatedKeyBlocksOnce) {
  auto a = NewClient();
  RunOn(*a, {"blpop", "q", "q", "0"});
  EXPECT_EQ(blocking().blocking_keys(), 1u);
  Run({"rpush", "q", "1", "2"});
  EXPECT_EQ(a->completed.size(), 1u);
  EXPECT_THAT(Run({"llen", "q"}), IntArg(1));
}

}  // namespace
}  // namespace fincache
