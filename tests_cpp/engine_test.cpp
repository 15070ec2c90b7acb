// Engine units: Db lookups and lazy expiry, TTL bookkeeping, the active expiry cycle, memory
// accounting, FLUSH/SWAPDB, the exec gate.
#include "engine/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace fincache {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : engine_(Options()) {}
  EngineOptions Options() {
    EngineOptions o;
    o.clock = &clock_;
    o.active_expiry = false;
    o.databases = 4;
    return o;
  }
  Db db(int index = 0) { return Db(engine_, index, clock_.NowMs()); }
  void Put(int index, const std::string& key, const std::string& value, int64_t ttl_ms = 0) {
    Db d = db(index);
    auto [e, inserted] = d.FindOrInsert(key);
    e->value.SetString(value);
    if (ttl_ms) d.SetExpire(e, clock_.NowMs() + ttl_ms);
    d.AfterWrite(e);
  }

  ManualClock clock_;
  Engine engine_;
};

TEST_F(EngineTest, InsertFindDelete) {
  Put(0, "a", "1");
  EXPECT_EQ(engine_.DbSize(0), 1);
  EXPECT_EQ(engine_.DbSize(1), 0);
  Entry* e = db().Find("a");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->value.str(), "1");
  EXPECT_EQ(Db::KeyOf(e), "a");
  EXPECT_EQ(db(1).Find("a"), nullptr) << "databases are separate";
  EXPECT_TRUE(db().Delete("a"));
  EXPECT_FALSE(db().Delete("a"));
  EXPECT_EQ(engine_.DbSize(0), 0);
}

TEST_F(EngineTest, FindOrInsertReturnsExisting) {
  Put(0, "k", "v");
  auto [e, inserted] = db().FindOrInsert("k");
  EXPECT_FALSE(inserted);
  EXPECT_EQ(e->value.str(), "v");
}

TEST_F(EngineTest, LazyExpiryDeletesOnLookup) {
  Put(0, "k", "v", 1000);
  EXPECT_EQ(engine_.ExpiresCount(0), 1);
  clock_.Advance(999);
  EXPECT_NE(db().Find("k"), nullptr);
  clock_.Advance(1);
  EXPECT_EQ(db().Find("k"), nullptr) << "expired at exactly expire_ms, as Redis";
  EXPECT_EQ(engine_.DbSize(0), 0);
  EXPECT_EQ(engine_.ExpiresCount(0), 0);
  EXPECT_EQ(engine_.ExpiredKeys(), 1u);
}

TEST_F(EngineTest, PersistRemovesTtlBookkeeping) {
  Put(0, "k", "v", 1000);
  Db d = db();
  d.SetExpire(d.Find("k"), 0);
  EXPECT_EQ(engine_.ExpiresCount(0), 0);
  clock_.Advance(5000);
  EXPECT_NE(db().Find("k"), nullptr);
}

TEST_F(EngineTest, KeyspaceHitsAndMisses) {
  Put(0, "k", "v");
  db().FindRead("k");
  db().FindRead("nope");
  db().Find("k");  // plain Find counts nothing
  EXPECT_EQ(engine_.KeyspaceHits(), 1u);
  EXPECT_EQ(engine_.KeyspaceMisses(), 1u);
  engine_.ResetStats();
  EXPECT_EQ(engine_.KeyspaceHits(), 0u);
}

TEST_F(EngineTest, FindOfTypeReportsWrongType) {
  Put(0, "k", "v");
  EXPECT_EQ(db().FindOfType("k", ObjType::kList).status(), OpStatus::kWrongType);
  EXPECT_EQ(db().FindOfType("missing", ObjType::kString).status(), OpStatus::kKeyNotFound);
  EXPECT_TRUE(db().FindOfType("k", ObjType::kString).ok());
}

TEST_F(EngineTest, ActiveExpiryReapsExpiredKeysWithoutLookups) {
  for (int i = 0; i < 2000; ++i) Put(0, "t" + std::to_string(i), "v", 100);
  for (int i = 0; i < 100; ++i) Put(0, "p" + std::to_string(i), "v");
  for (int i = 0; i < 50; ++i) Put(2, "later" + std::to_string(i), "v", 1'000'000);
  clock_.Advance(101);
  size_t reaped = 0;
  for (int round = 0; round < 50 && engine_.DbSize(0) > 100; ++round)
    reaped += engine_.ActiveExpireCycle(1'000'000);
  EXPECT_EQ(reaped, 2000u);
  EXPECT_EQ(engine_.DbSize(0), 100);
  EXPECT_EQ(engine_.ExpiresCount(0), 0);
  EXPECT_EQ(engine_.DbSize(2), 50) << "keys not yet expired stay";
  EXPECT_EQ(engine_.ExpiredKeys(), 2000u);
}

TEST_F(EngineTest, BackgroundThreadExpiresKeys) {
  SystemClock real;
  EngineOptions o;
  o.active_expiry = true;
  o.active_expiry_hz = 100;
  Engine live(o);
  {
    ExecGate::Shared token(live.gate());
    Db d(live, 0, real.NowMs());
    for (int i = 0; i < 100; ++i) {
      auto [e, ins] = d.FindOrInsert("k" + std::to_string(i));
      d.SetExpire(e, real.NowMs() + 20);
    }
  }
  for (int i = 0; i < 200 && live.DbSize(0) > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(live.DbSize(0), 0);
}

TEST_F(EngineTest, MemoryAccountingFollowsWritesAndDeletes) {
  EXPECT_EQ(engine_.UsedMemory(), 0);
  Put(0, "k", "small");
  int64_t small = engine_.UsedMemory();
  EXPECT_GT(small, 0);
  Put(0, "k", std::string(10000, 'x'));
  EXPECT_GE(engine_.UsedMemory(), small + 10000);
  db().Delete("k");
  EXPECT_EQ(engine_.UsedMemory(), 0);
  for (int i = 0; i < 100; ++i) Put(1, "m" + std::to_string(i), std::string(100, 'y'), 10);
  EXPECT_GT(engine_.UsedMemory(), 100 * 100);
  engine_.FlushAll();
  EXPECT_EQ(engine_.UsedMemory(), 0);
}

TEST_F(EngineTest, FlushDbAndSwapDb) {
  Put(0, "a", "1");
  Put(1, "b", "2", 1000);
  engine_.SwapDb(0, 1);
  EXPECT_EQ(engine_.DbSize(0), 1);
  EXPECT_EQ(engine_.ExpiresCount(0), 1);
  EXPECT_NE(db(0).Find("b"), nullptr);
  EXPECT_NE(db(1).Find("a"), nullptr);
  engine_.FlushDb(0);
  EXPECT_EQ(engine_.DbSize(0), 0);
  EXPECT_EQ(engine_.ExpiresCount(0), 0);
  EXPECT_EQ(engine_.DbSize(1), 1);
}

TEST_F(EngineTest, HzIsClamped) {
  engine_.set_hz(0);
  EXPECT_EQ(engine_.hz(), 1);
  engine_.set_hz(100000);
  EXPECT_EQ(engine_.hz(), 500);
}

TEST(ExecGateTest, ExclusiveExcludesShared) {
  ExecGate gate;
  std::atomic<int> inside{0};
  std::atomic<bool> overlap{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        if (t == 0 && i % 10 == 0) {
          ExecGate::Exclusive ex(gate);
          if (inside.load() != 0) overlap = true;
          inside.fetch_add(1000);
          std::this_thread::yield();
          inside.fetch_sub(1000);
        } else {
          ExecGate::Shared sh(gate);
          if (inside.load() >= 1000) overlap = true;
          inside.fetch_add(1);
          inside.fetch_sub(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_FALSE(overlap.load());
}

TEST(ExecGateTest, ReentrantPerThread) {
  ExecGate gate;
  ExecGate::Exclusive ex(gate);
  EXPECT_TRUE(gate.HeldExclusiveByMe());
  {
    ExecGate::Shared nested(gate);  // a script's redis.call: must not deadlock
    ExecGate::Exclusive nested_ex(gate);
  }
  EXPECT_TRUE(gate.HeldExclusiveByMe());
}

// Sections of two gates (two engines in one process) nest: leaving the inner one gives the outer
// one back, so a nested dispatch on the outer engine stays re-entrant.
TEST(ExecGateTest, SectionsOfTwoGatesNest) {
  ExecGate outer, inner;
  ExecGate::Exclusive ex(outer);
  {
    ExecGate::Exclusive other(inner);
    EXPECT_TRUE(inner.HeldExclusiveByMe());
    EXPECT_FALSE(outer.HeldExclusiveByMe());
  }
  { ExecGate::Shared other(inner); }
  EXPECT_TRUE(outer.HeldExclusiveByMe());
  ExecGate::Shared nested(outer);  // re-entrant: would deadlock on its own slot otherwise
  EXPECT_TRUE(nested.acquired());
}

// The wait hooks run around a contended wait only (the Python bindings release the GIL there).
int g_waits = 0;
int g_resumes = 0;
void* CountWait() {
  ++g_waits;
  return &g_waits;
}
void CountResume(void* token) {
  if (token == &g_waits) ++g_resumes;
}

TEST(ExecGateTest, WaitHooksRunAroundContendedWaits) {
  ExecGate gate;
  ExecGate::SetWaitHooks(&CountWait, &CountResume);
  { ExecGate::Shared uncontended(gate); }
  EXPECT_EQ(g_waits, 0);
  std::atomic<bool> held{false};
  std::thread holder;
  {
    auto ex = std::make_unique<ExecGate::Exclusive>(gate);
    holder = std::thread([&] {
      ExecGate::Shared waits(gate);  // blocks until the exclusive section ends
      held = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(held.load());
  }
  holder.join();
  EXPECT_TRUE(held.load());
  EXPECT_EQ(g_waits, 1);
  EXPECT_EQ(g_resumes, 1);
  ExecGate::SetWaitHooks(nullptr, nullptr);
}

}  // namespace
}  // namespace fincache
