// MULTI EXEC DISCARD WATCH UNWATCH through the dispatcher with a fake clock (no active expiry),
// and the engine's WATCH bookkeeping (engine/watch.h). Differential tests against redis-server
// are in tests_py/test_diff_transactions.py; concurrency in tests_py/test_transactions.py.
#include "commands/multi_family.h"

#include <chrono>
#include <thread>

#include "command_test_base.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;
using Type = RespValue::Type;

class MultiFamilyTest : public CommandTest {
 protected:
  ~MultiFamilyTest() override {
    DiscardTransaction(session_, engine());
    DiscardTransaction(other_, engine());
  }
  // A command from a second client.
  RespValue Other(std::initializer_list<std::string_view> argv) {
    std::vector<std::string_view> views(argv.begin(), argv.end());
    protocol::ValueBuilder rb(other_.resp);
    dispatcher_->Dispatch(CmdArgList(views.data(), views.size()), other_, rb);
    return rb.TakeOne();
  }
  // WATCH k, MULTI, PING, EXEC: true when EXEC ran (the key was not modified).
  bool ExecRuns() {
    EXPECT_THAT(Run({"multi"}), SimpleArg("OK"));
    EXPECT_THAT(Run({"ping"}), SimpleArg("QUEUED"));
    RespValue r = Run({"exec"});
    return r.type == Type::kArray;
  }
  uint64_t Calls(std::string_view name, bool failed = false) {
    const CommandSpec* spec = server_->registry().Find(name);
    CommandStats& st = server_->StatsFor(spec);
    return failed ? st.failed_calls.load() : st.calls.load();
  }

  Session other_;
};

TEST_F(MultiFamilyTest, QueueAndExec) {
  EXPECT_THAT(Run({"multi"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"set", "a", "1"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"incr", "a"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"get", "a"}), SimpleArg("QUEUED"));
  EXPECT_EQ(session_.multi_count.load(), 3);
  // Nothing ran yet: another client sees no key.
  EXPECT_THAT(Other({"exists", "a"}), IntArg(0));
  RespValue r = Run({"exec"});
  ASSERT_THAT(r, ArrLen(3));
  EXPECT_THAT(r.elems[0], SimpleArg("OK"));
  EXPECT_THAT(r.elems[1], IntArg(2));
  EXPECT_THAT(r.elems[2], BulkArg("2"));
  EXPECT_FALSE(session_.in_multi);
  EXPECT_EQ(session_.multi_count.load(), -1);
  EXPECT_EQ(session_.multi_mem.load(), 0u);
}

TEST_F(MultiFamilyTest, Errors) {
  EXPECT_THAT(Run({"exec"}), ErrArg("ERR EXEC without MULTI"));
  EXPECT_THAT(Run({"discard"}), ErrArg("ERR DISCARD without MULTI"));
  EXPECT_THAT(Run({"multi"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"multi"}), ErrArg("ERR MULTI calls can not be nested"));
  EXPECT_THAT(Run({"watch", "k"}), ErrArg("ERR WATCH inside MULTI is not allowed"));
  EXPECT_THAT(Run({"set", "a", "1"}), SimpleArg("QUEUED"));
  // Neither error flags the transaction.
  RespValue r = Run({"exec"});
  ASSERT_THAT(r, ArrLen(1));
  EXPECT_THAT(r.elems[0], SimpleArg("OK"));
}

TEST_F(MultiFamilyTest, QueueErrorsAbortExec) {
  Run({"multi"});
  EXPECT_THAT(Run({"set", "a"}), ErrArg("wrong number of arguments for 'set'"));
  EXPECT_THAT(Run({"set", "b", "1"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"nosuch", "x"}), ErrArg("unknown command 'nosuch'"));
  EXPECT_THAT(Run({"exec"}), ErrArg("EXECABORT Transaction discarded because of previous errors."));
  EXPECT_THAT(Run({"exists", "b"}), IntArg(0));
  EXPECT_FALSE(session_.in_multi);
  EXPECT_THAT(Run({"exec"}), ErrArg("EXEC without MULTI"));
}

TEST_F(MultiFamilyTest, RuntimeErrorsDoNotStopTheRest) {
  Run({"multi"});
  Run({"set", "a", "x"});
  Run({"incr", "a"});
  Run({"set", "b", "1"});
  RespValue r = Run({"exec"});
  ASSERT_THAT(r, ArrLen(3));
  EXPECT_THAT(r.elems[1], ErrArg("not an integer"));
  EXPECT_THAT(Run({"get", "b"}), BulkArg("1"));
  // Stats: the failed command counts as failed, EXEC does not.
  EXPECT_EQ(Calls("incr", /*failed=*/true), 1u);
  EXPECT_EQ(Calls("exec", /*failed=*/true), 0u);
  EXPECT_EQ(Calls("exec"), 1u);
  EXPECT_EQ(Calls("set"), 2u);  // counted when run, not when queued
}

TEST_F(MultiFamilyTest, DiscardDropsQueue) {
  Run({"multi"});
  Run({"set", "a", "1"});
  EXPECT_THAT(Run({"discard"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"exists", "a"}), IntArg(0));
  EXPECT_EQ(session_.multi_count.load(), -1);
}

TEST_F(MultiFamilyTest, BlockingCommandsTimeOutAtOnceInsideExec) {
  Run({"multi"});
  Run({"blpop", "nope", "0"});
  Run({"rpush", "l", "a"});
  Run({"blpop", "l", "0"});
  RespValue r = Run({"exec"});
  ASSERT_THAT(r, ArrLen(3));
  EXPECT_THAT(r.elems[0], NullArg());
  EXPECT_THAT(StrArray(r.elems[2]), ElementsAre("l", "a"));
}

TEST_F(MultiFamilyTest, LastCommandIsExec) {
  Run({"multi"});
  Run({"get", "a"});
  EXPECT_EQ(session_.last_cmd.load()->full_name, "get");  // queued: set as Redis does
  Run({"exec"});
  EXPECT_EQ(session_.last_cmd.load()->full_name, "exec");
}

// ---- WATCH ------------------------------------------------------------------------------------

TEST_F(MultiFamilyTest, WatchUntouched) {
  Run({"set", "k", "1"});
  EXPECT_THAT(Run({"watch", "k"}), SimpleArg("OK"));
  EXPECT_TRUE(engine().AnyWatched());
  EXPECT_TRUE(ExecRuns());
  EXPECT_FALSE(engine().AnyWatched());  // EXEC unwatches
}

TEST_F(MultiFamilyTest, WatchTouchedByAnotherClient) {
  Run({"watch", "k"});
  Other({"set", "k", "1"});
  EXPECT_TRUE(session_.watch.dirty.load());
  EXPECT_FALSE(ExecRuns());
  EXPECT_FALSE(session_.watch.dirty.load());
  EXPECT_FALSE(engine().AnyWatched());
}

TEST_F(MultiFamilyTest, ReadsAndNoOpWritesOnMissingKeysDoNotTouch) {
  Run({"watch", "k"});
  Other({"get", "k"});
  Other({"del", "k"});
  Other({"lpop", "k"});
  Other({"expire", "k", "10"});
  Other({"srem", "k", "m"});
  EXPECT_TRUE(ExecRuns());
}

TEST_F(MultiFamilyTest, FailedWritesDoNotTouch) {
  Run({"set", "k", "x"});
  Run({"watch", "k"});
  Other({"incr", "k"});
  Other({"lpush", "k", "a"});
  EXPECT_TRUE(ExecRuns());
}

TEST_F(MultiFamilyTest, WritesThatChangeNothingDoNotTouch) {
  Run({"set", "k", "1"});
  Run({"sadd", "s", "a"});
  Run({"watch", "k", "s"});
  Other({"set", "k", "2", "nx"});
  Other({"setnx", "k", "2"});
  Other({"sadd", "s", "a"});
  Other({"srem", "s", "zz"});
  Other({"expire", "k", "10", "xx"});
  Other({"persist", "k"});
  EXPECT_FALSE(session_.watch.dirty.load());
  Other({"sadd", "s", "b"});
  EXPECT_TRUE(session_.watch.dirty.load());
  EXPECT_FALSE(ExecRuns());
  // SET NX GET on a missing key answers nil but creates it: a change.
  Run({"watch", "n"});
  EXPECT_THAT(Other({"set", "n", "1", "nx", "get"}), NullArg());
  EXPECT_FALSE(ExecRuns());
}

TEST_F(MultiFamilyTest, WatchManyKeysStaysLinear) {
  std::vector<std::string> argv{"watch"};
  for (int i = 0; i < 100000; ++i) argv.push_back("key:" + std::to_string(i));
  argv.push_back("key:7");  // a duplicate
  auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(Run(argv), SimpleArg("OK"));
  EXPECT_EQ(session_.watch.keys.size(), 100000u);
  Other({"set", "key:99999", "x"});
  EXPECT_FALSE(ExecRuns());
  EXPECT_FALSE(engine().AnyWatched());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(MultiFamilyTest, UnwatchDiscardResetForget) {
  Run({"watch", "k"});
  Other({"set", "k", "1"});
  EXPECT_THAT(Run({"unwatch"}), SimpleArg("OK"));
  EXPECT_TRUE(ExecRuns());
  Run({"watch", "k"});
  Run({"multi"});
  Run({"discard"});
  EXPECT_FALSE(engine().AnyWatched());
  Run({"watch", "k"});
  EXPECT_THAT(Run({"reset"}), SimpleArg("RESET"));
  EXPECT_FALSE(engine().AnyWatched());
}

TEST_F(MultiFamilyTest, WatchIsPerDb) {
  Run({"select", "1"});
  Run({"watch", "k"});
  Run({"select", "0"});
  Other({"set", "k", "1"});  // db 0
  EXPECT_TRUE(ExecRuns());
  Run({"select", "1"});
  Run({"watch", "k"});
  Other({"select", "1"});
  Other({"set", "k", "1"});
  EXPECT_FALSE(ExecRuns());
}

TEST_F(MultiFamilyTest, MoveTouchesTheTargetDb) {
  Run({"select", "1"});
  Run({"watch", "k"});
  Run({"select", "0"});
  Other({"set", "k", "v"});
  Other({"move", "k", "1"});
  EXPECT_FALSE(ExecRuns());
}

TEST_F(MultiFamilyTest, WatchedKeyExpiresAfterWatch) {
  Run({"set", "k", "v", "px", "100"});
  Run({"watch", "k"});
  AdvanceTime(200);  // logically expired, not deleted (no active expiry here)
  EXPECT_FALSE(ExecRuns());
}

TEST_F(MultiFamilyTest, WatchedKeyExpiresAndIsDeletedLazily) {
  Run({"set", "k", "v", "px", "100"});
  Run({"watch", "k"});
  AdvanceTime(200);
  EXPECT_THAT(Other({"get", "k"}), NullArg());
  EXPECT_TRUE(session_.watch.dirty.load());
  EXPECT_FALSE(ExecRuns());
}

TEST_F(MultiFamilyTest, KeyAlreadyExpiredWhenWatched) {
  Run({"set", "k", "v", "px", "100"});
  AdvanceTime(200);
  Run({"watch", "k"});
  EXPECT_TRUE(ExecRuns());
  // Its deletion by expiry is no change either.
  Run({"watch", "k"});
  EXPECT_THAT(Other({"exists", "k"}), IntArg(0));
  EXPECT_FALSE(session_.watch.dirty.load());
  EXPECT_TRUE(ExecRuns());
}

TEST_F(MultiFamilyTest, KeyAlreadyExpiredWhenWatchedThenWritten) {
  Run({"set", "k", "v", "px", "100"});
  AdvanceTime(200);
  Run({"watch", "k"});
  Other({"set", "k", "new"});
  EXPECT_FALSE(ExecRuns());
}

TEST_F(MultiFamilyTest, FlushTouchesOnlyExistingKeys) {
  Run({"set", "k", "1"});
  Run({"watch", "k", "missing"});
  Other({"flushall"});
  EXPECT_FALSE(ExecRuns());
  Run({"set", "x", "1"});
  Run({"watch", "missing"});
  Other({"flushdb"});
  EXPECT_TRUE(ExecRuns());
}

TEST_F(MultiFamilyTest, FlushOfAnExpiredWatchedKeyIsNoChange) {
  Run({"set", "k", "v", "px", "100"});
  AdvanceTime(200);
  Run({"watch", "k"});
  Other({"flushall"});
  EXPECT_TRUE(ExecRuns());
}

TEST_F(MultiFamilyTest, SwapDb) {
  // A key present in either db is touched.
  Other({"select", "1"});
  Other({"set", "k", "1"});
  Run({"watch", "k"});
  Other({"swapdb", "0", "1"});
  EXPECT_FALSE(ExecRuns());
  // Missing in both: untouched.
  Run({"watch", "nokey"});
  Other({"swapdb", "0", "1"});
  EXPECT_TRUE(ExecRuns());
}

TEST_F(MultiFamilyTest, SwapDbExpiredRules) {
  // A missing key replaced by an expired one stays clean (and is "expired" since).
  Other({"select", "1"});
  Other({"set", "k", "v", "px", "100"});
  AdvanceTime(200);
  Run({"watch", "k"});
  Other({"swapdb", "0", "1"});
  EXPECT_TRUE(ExecRuns());
  // An expired watched key replaced by another expired key stays clean.
  Other({"flushall"});
  Run({"set", "e", "v", "px", "100"});
  Other({"set", "e", "w", "px", "100"});  // db 1
  AdvanceTime(200);
  Run({"watch", "e"});
  Other({"swapdb", "0", "1"});
  EXPECT_TRUE(ExecRuns());
}

TEST_F(MultiFamilyTest, ScriptWritesTouch) {
  Run({"watch", "k"});
  Other({"eval", "return redis.call('set', 'k', 'x')", "0"});
  EXPECT_FALSE(ExecRuns());
}

TEST_F(MultiFamilyTest, OwnTransactionWritesDoNotLeakIntoNextWatch) {
  Run({"watch", "k"});
  Run({"multi"});
  Run({"set", "k", "1"});
  ASSERT_THAT(Run({"exec"}), ArrLen(1));
  EXPECT_FALSE(session_.watch.dirty.load());
  Run({"watch", "k"});
  EXPECT_TRUE(ExecRuns());
}

TEST_F(MultiFamilyTest, WatchSameKeyTwiceRegistersOnce) {
  Run({"watch", "k", "k"});
  Run({"watch", "k"});
  EXPECT_EQ(session_.watch.keys.size(), 1u);
  Run({"unwatch"});
  EXPECT_FALSE(engine().AnyWatched());
}

TEST_F(MultiFamilyTest, ExecIsAtomicAgainstOtherThreads) {
  // Another thread increments while transactions of two INCRs run: every EXEC sees its two
  // increments adjacent (n and n+1), never interleaved.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    Session s;
    while (!stop.load()) {
      std::vector<std::string_view> argv{"incr", "n"};
      protocol::ValueBuilder rb(2);
      dispatcher_->Dispatch(CmdArgList(argv.data(), argv.size()), s, rb);
    }
  });
  for (int i = 0; i < 300; ++i) {
    Run({"multi"});
    Run({"incr", "n"});
    Run({"incr", "n"});
    RespValue r = Run({"exec"});
    ASSERT_THAT(r, ArrLen(2));
    EXPECT_EQ(r.elems[1].integer, r.elems[0].integer + 1);
  }
  stop = true;
  writer.join();
}

}  // namespace
}  // namespace fincache
