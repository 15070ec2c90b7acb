// maxmemory and eviction: the LFU counter, the eviction pool, and evictions through the
// dispatcher under every policy (manual clock, so LRU/LFU/TTL orders are exact).
#include "engine/evict.h"

#include <set>

#include "command_test_base.h"

namespace fincache {
namespace {

// ---- LFU counter -----------------------------------------------------------------------------

TEST(LfuTest, LogIncrProbability) {
  // Below or at the initial value the increment is certain.
  EXPECT_EQ(lfu::LogIncr(0, 10, 0.999), 1u);
  EXPECT_EQ(lfu::LogIncr(5, 10, 0.999), 6u);
  // counter 6: p = 1 / (1 * 10 + 1)
  EXPECT_EQ(lfu::LogIncr(6, 10, 1.0 / 11 - 1e-9), 7u);
  EXPECT_EQ(lfu::LogIncr(6, 10, 1.0 / 11 + 1e-9), 6u);
  // log factor 0: always increments; saturates at 255.
  EXPECT_EQ(lfu::LogIncr(200, 0, 0.999), 201u);
  EXPECT_EQ(lfu::LogIncr(255, 0, 0.0), 255u);
}

TEST(LfuTest, DecayByElapsedMinutes) {
  uint32_t field = lfu::Pack(100, 20);
  EXPECT_EQ(lfu::Counter(field), 20u);
  EXPECT_EQ(lfu::DecrAndReturn(field, 100, 1), 20u);
  EXPECT_EQ(lfu::DecrAndReturn(field, 105, 1), 15u);
  EXPECT_EQ(lfu::DecrAndReturn(field, 110, 2), 15u);
  EXPECT_EQ(lfu::DecrAndReturn(field, 200, 1), 0u);
  EXPECT_EQ(lfu::DecrAndReturn(field, 200, 0), 20u);  // decay disabled
  // The 16-bit minute clock wraps.
  uint32_t late = lfu::Pack(65530, 10);
  EXPECT_EQ(lfu::ElapsedMinutes(late, 3), 65535u - 65530u + 3u);
}

TEST(LfuTest, HotCounterGrowsLogarithmically) {
  uint32_t field = lfu::Pack(7, lfu::kInitVal);
  for (int i = 0; i < 100; ++i) field = lfu::Touch(field, 7, 10, 1);
  uint32_t after100 = lfu::Counter(field);
  for (int i = 0; i < 10000; ++i) field = lfu::Touch(field, 7, 10, 1);
  uint32_t after10k = lfu::Counter(field);
  EXPECT_GT(after100, lfu::kInitVal);
  EXPECT_GT(after10k, after100);
  EXPECT_LT(after10k, 60u);  // logarithmic: far from 255 after 10k hits with factor 10
  EXPECT_EQ((field >> 8) & 0xFFFF, 7u);
}

// ---- eviction pool -----------------------------------------------------------------------------

TEST(EvictionPoolTest, KeepsTheSixteenBestSortedAndPopsBestFirst) {
  EvictionPool pool;
  for (int i = 0; i < 40; ++i)
    pool.Insert(static_cast<uint64_t>((i * 7) % 40), 0, "k" + std::to_string(i));
  ASSERT_EQ(pool.size(), EvictionPool::kSize);
  for (int i = 1; i < pool.size(); ++i) EXPECT_LE(pool.at(i - 1).idle, pool.at(i).idle);
  // The 16 largest idle values of 0..39 are 24..39.
  EXPECT_EQ(pool.at(0).idle, 24u);
  EXPECT_EQ(pool.at(EvictionPool::kSize - 1).idle, 39u);
  // Worse than everything pooled: ignored.
  pool.Insert(3, 0, "cold");
  EXPECT_EQ(pool.at(0).idle, 24u);
  EvictionPool::Candidate c;
  ASSERT_TRUE(pool.PopBest(&c));
  EXPECT_EQ(c.idle, 39u);
  EXPECT_EQ(pool.size(), EvictionPool::kSize - 1);
}

TEST(EvictionPoolTest, NoDuplicatesAndDbMatters) {
  EvictionPool pool;
  pool.Insert(5, 0, "a");
  pool.Insert(9, 0, "a");
  pool.Insert(5, 1, "a");
  EXPECT_EQ(pool.size(), 2);
  EvictionPool::Candidate c;
  std::set<int> dbs;
  while (pool.PopBest(&c)) dbs.insert(c.db);
  EXPECT_EQ(dbs, (std::set<int>{0, 1}));
  EXPECT_FALSE(pool.PopBest(&c));
}

TEST(EvictorTest, TimeLimitFromTenacity) {
  EXPECT_EQ(Evictor::TimeLimitUs(0), 0u);
  EXPECT_EQ(Evictor::TimeLimitUs(10), 500u);
  EXPECT_EQ(Evictor::TimeLimitUs(11), 575u);
  EXPECT_GT(Evictor::TimeLimitUs(99), 100'000'000u);
  EXPECT_EQ(Evictor::TimeLimitUs(100), UINT64_MAX);
}

// ---- through the dispatcher --------------------------------------------------------------------

class EvictTest : public CommandTest {
 protected:
  void Config(std::string_view name, std::string_view value) {
    ASSERT_THAT(Run({"config", "set", name, value}), SimpleArg("OK"));
  }
  int64_t Used() { return engine().TotalUsedMemory(); }
  // Sets maxmemory to the current usage plus `extra` bytes.
  void LimitTo(int64_t extra) { Config("maxmemory", std::to_string(Used() + extra)); }
  int64_t Keys() { return engine().DbSize(0); }
  bool Exists(const std::string& k) { return Run({"exists", k}).integer == 1; }
  void Fill(const std::string& prefix, int n, bool ttl = false) {
    for (int i = 0; i < n; ++i) {
      std::string k = prefix + std::to_string(i);
      if (ttl)
        Run({"set", k, std::string(100, 'x'), "ex", "1000"});
      else
        Run({"set", k, std::string(100, 'x')});
    }
  }
};

TEST_F(EvictTest, NoEvictionRefusesDenyOomWritesButServesReads) {
  Fill("k", 10);
  Config("maxmemory", "1");
  EXPECT_THAT(Run({"set", "x", "y"}),
              ErrArg("OOM command not allowed when used memory > 'maxmemory'."));
  EXPECT_THAT(Run({"get", "k1"}), BulkArg(std::string(100, 'x')));
  // DEL is not deny-oom: it runs and frees memory.
  EXPECT_THAT(Run({"del", "k1"}), IntArg(1));
  EXPECT_EQ(Keys(), 9);
  EXPECT_EQ(engine().EvictedKeys(), 0u);
  Config("maxmemory", "0");
  EXPECT_THAT(Run({"set", "x", "y"}), SimpleArg("OK"));
}

TEST_F(EvictTest, MultiQueuingAndExecUnderOom) {
  Fill("k", 3);
  Config("maxmemory", "1");
  EXPECT_THAT(Run({"multi"}), SimpleArg("OK"));
  // While queuing, anything but EXEC/DISCARD/QUIT/RESET is refused (and flags the transaction).
  EXPECT_THAT(Run({"get", "k1"}), ErrArg("OOM"));
  EXPECT_THAT(Run({"exec"}), ErrArg("EXECABORT Transaction discarded because of previous errors."));
  Config("maxmemory", "0");
  EXPECT_THAT(Run({"multi"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"set", "a", "1"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"discard"}), SimpleArg("OK"));
}

TEST_F(EvictTest, ExecWithDenyOomCommandAborts) {
  Fill("k", 3);
  EXPECT_THAT(Run({"multi"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"set", "a", "1"}), SimpleArg("QUEUED"));
  server_->config().Set("maxmemory", "1");
  EXPECT_THAT(Run({"exec"}),
              ErrArg("EXECABORT Transaction discarded because of: OOM command not allowed when "
                     "used memory > 'maxmemory'."));
  // A read-only transaction still runs.
  server_->config().Set("maxmemory", "0");
  EXPECT_THAT(Run({"multi"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"get", "k1"}), SimpleArg("QUEUED"));
  server_->config().Set("maxmemory", "1");
  EXPECT_THAT(Run({"exec"}), ArrLen(1));
}

TEST_F(EvictTest, ScriptsUnderOom) {
  Fill("k", 3);
  Config("maxmemory", "1");
  // No shebang: runs; its first deny-oom command fails, reads work.
  EXPECT_THAT(Run({"eval", "return redis.call('set','x','y')", "0"}),
              ErrArg("OOM command not allowed"));
  EXPECT_THAT(Run({"eval", "return redis.pcall('set','x','y')", "0"}),
              ErrArg("OOM command not allowed"));
  EXPECT_THAT(Run({"eval", "return redis.call('get','k1')", "0"}), BulkArg(std::string(100, 'x')));
  // Shebang without flags: deny-oom as a whole; no-writes and allow-oom run.
  EXPECT_THAT(Run({"eval", "#!lua\nreturn 1", "0"}), ErrArg("OOM command not allowed"));
  EXPECT_THAT(Run({"eval", "#!lua flags=no-writes\nreturn redis.call('get','k1')", "0"}),
              BulkArg(std::string(100, 'x')));
  EXPECT_THAT(Run({"eval", "#!lua flags=allow-oom\nreturn redis.call('set','k1','v')", "0"}),
              SimpleArg("OK"));
  // A script that wrote first (DEL is not deny-oom) may go on writing.
  EXPECT_THAT(Run({"eval", "redis.call('del','k2') return redis.call('set','k2','v')", "0"}),
              SimpleArg("OK"));
}

TEST_F(EvictTest, AllKeysLruEvictsTheLeastRecentlyUsed) {
  Config("maxmemory-policy", "allkeys-lru");
  Config("maxmemory-samples", "10");
  Fill("old", 50);
  AdvanceTime(100'000);
  Fill("new", 50);
  LimitTo(0);
  // Each write needs room: old keys go first.
  Fill("more", 40);
  int old_left = 0, new_left = 0;
  for (int i = 0; i < 50; ++i) {
    old_left += engine()
                    .shard(engine().ShardIndexOf("old" + std::to_string(i)))
                    .dbs[0]
                    .table.Find("old" + std::to_string(i)) != nullptr;
    new_left += engine()
                    .shard(engine().ShardIndexOf("new" + std::to_string(i)))
                    .dbs[0]
                    .table.Find("new" + std::to_string(i)) != nullptr;
  }
  EXPECT_GE(new_left, 46);
  EXPECT_LE(old_left, 14);
  EXPECT_GE(engine().EvictedKeys(), 38u);
  EXPECT_LE(Used(), engine().evictor().maxmemory() + 400);
}

TEST_F(EvictTest, AllKeysLfuKeepsFrequentKeys) {
  Config("maxmemory-policy", "allkeys-lfu");
  Config("lfu-log-factor", "0");  // every access counts
  Fill("hot", 20);
  for (int r = 0; r < 10; ++r)
    for (int i = 0; i < 20; ++i) Run({"get", "hot" + std::to_string(i)});
  EXPECT_THAT(Run({"object", "freq", "hot3"}), IntArg(15));
  Fill("cold", 40);
  LimitTo(0);
  Fill("scan", 40);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(Exists("hot" + std::to_string(i))) << i;
  EXPECT_GE(engine().EvictedKeys(), 39u);
}

TEST_F(EvictTest, VolatilePoliciesNeverEvictKeysWithoutTtl) {
  for (std::string policy : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
    SCOPED_TRACE(policy);
    Run({"flushall"});
    Config("maxmemory", "0");
    Config("maxmemory-policy", policy);
    Fill("persistent", 20);
    Fill("ttl", 20, /*ttl=*/true);
    LimitTo(0);
    Fill("more", 30);
    for (int i = 0; i < 20; ++i) EXPECT_TRUE(Exists("persistent" + std::to_string(i)));
    // Once no key with a TTL is left, writes are refused.
    EXPECT_THAT(Run({"set", "zzz", std::string(2000, 'z')}), ErrArg("OOM"));
    EXPECT_EQ(engine().ExpiresCount(0), 0);
  }
}

TEST_F(EvictTest, VolatileTtlEvictsTheNearestExpiryFirst) {
  Config("maxmemory-policy", "volatile-ttl");
  Config("maxmemory-samples", "10");
  for (int i = 0; i < 30; ++i)
    Run({"set", "t" + std::to_string(i), std::string(100, 'x'), "ex", std::to_string(100 + i)});
  LimitTo(0);
  Fill("more", 15);
  // Sampling approximates "nearest expiry first": the evicted keys are mostly of the first
  // half, and the ten latest expiries all stay.
  int low_gone = 0, gone = 0;
  for (int i = 0; i < 30; ++i) {
    bool g = !Exists("t" + std::to_string(i));
    gone += g;
    low_gone += g && i < 15;
  }
  EXPECT_GE(gone, 13);
  EXPECT_GE(low_gone * 10, gone * 8);
  for (int i = 20; i < 30; ++i) EXPECT_TRUE(Exists("t" + std::to_string(i)));
}

TEST_F(EvictTest, RandomPoliciesEvict) {
  for (std::string policy : {"allkeys-random", "volatile-random"}) {
    SCOPED_TRACE(policy);
    Run({"flushall"});
    Config("maxmemory", "0");
    Config("maxmemory-policy", policy);
    Fill("k", 50, /*ttl=*/true);
    LimitTo(0);
    uint64_t before = engine().EvictedKeys();
    Fill("more", 20, /*ttl=*/true);
    EXPECT_GE(engine().EvictedKeys() - before, 19u);
    EXPECT_LE(Used(), engine().evictor().maxmemory() + 400);
  }
}

TEST_F(EvictTest, EvictionNotifiesAndTouchesWatchedKeys) {
  Config("maxmemory-policy", "allkeys-random");
  Fill("k", 5);
  Run({"watch", "k0", "k1", "k2", "k3", "k4"});
  Config("maxmemory", "1");
  Run({"get", "k0"});  // any command evicts first
  EXPECT_EQ(Keys(), 0);
  EXPECT_EQ(engine().EvictedKeys(), 5u);
  Config("maxmemory", "0");
  EXPECT_THAT(Run({"multi"}), SimpleArg("OK"));
  Run({"ping"});
  EXPECT_THAT(Run({"exec"}), NullArg());
  // CONFIG RESETSTAT clears the counter.
  Run({"config", "resetstat"});
  EXPECT_EQ(engine().EvictedKeys(), 0u);
}

TEST_F(EvictTest, ObjectFreqAndIdletimeFollowThePolicy) {
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"object", "freq", "k"}), ErrArg("An LFU maxmemory policy is not selected"));
  AdvanceTime(5000);
  EXPECT_THAT(Run({"object", "idletime", "k"}), IntArg(5));
  Config("maxmemory-policy", "allkeys-lfu");
  EXPECT_THAT(Run({"object", "idletime", "k"}), ErrArg("An LFU maxmemory policy is selected"));
  Run({"set", "n", "v"});
  EXPECT_THAT(Run({"object", "freq", "n"}), IntArg(5));
  // Decay: one per lfu-decay-time minutes without access.
  AdvanceTime(3 * 60'000);
  EXPECT_THAT(Run({"object", "freq", "n"}), IntArg(2));
  Config("lfu-decay-time", "0");
  EXPECT_THAT(Run({"object", "freq", "n"}), IntArg(5));
  // RESTORE ... FREQ sets the counter under LFU.
  std::string payload = Run({"dump", "n"}).str;
  EXPECT_THAT(Run({"restore", "r", "0", payload, "freq", "42"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"object", "freq", "r"}), IntArg(42));
}

TEST_F(EvictTest, MemoryUsageAndStats) {
  Run({"set", "k", std::string(1000, 'x')});
  RespValue usage = Run({"memory", "usage", "k"});
  ASSERT_EQ(usage.type, RespValue::Type::kInteger);
  EXPECT_GE(usage.integer, 1000);
  EXPECT_THAT(Run({"memory", "usage", "missing"}), NullArg());
  EXPECT_THAT(Run({"memory", "usage", "k", "samples", "-1"}), ErrArg("syntax error"));
  EXPECT_THAT(Run({"memory", "usage", "k", "samples", "x"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"memory", "usage", "k", "foo"}), ErrArg("syntax error"));
  RespValue stats = Run({"memory", "stats"});
  ASSERT_TRUE(stats.IsAggregate());
  EXPECT_EQ(stats.elems[0].str, "peak.allocated");
  EXPECT_THAT(Run({"memory", "purge"}), SimpleArg("OK"));
}

TEST_F(EvictTest, ConfigValuesAndErrors) {
  EXPECT_THAT(Run({"config", "set", "maxmemory", "-1"}), ErrArg("argument must be a memory value"));
  EXPECT_THAT(Run({"config", "set", "maxmemory", "1.5mb"}),
              ErrArg("argument must be a memory value"));
  Config("maxmemory", "18446744073709551616");  // saturates, as Redis's strtoull
  EXPECT_EQ(engine().evictor().maxmemory(), UINT64_MAX);
  Config("maxmemory", "2kb");
  EXPECT_EQ(engine().evictor().maxmemory(), 2048u);
  EXPECT_THAT(Run({"config", "set", "maxmemory-policy", "lru"}),
              ErrArg("argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                     "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
                     "noeviction"));
  EXPECT_THAT(Run({"config", "set", "maxmemory-samples", "0"}),
              ErrArg("argument must be between 1 and 2147483647 inclusive"));
  EXPECT_THAT(Run({"config", "set", "maxmemory-eviction-tenacity", "101"}),
              ErrArg("argument must be between 0 and 100 inclusive"));
  Config("maxmemory-policy", "VOLATILE-TTL");
  EXPECT_EQ(engine().evictor().policy(), EvictionPolicy::kVolatileTtl);
  Config("maxmemory", "0");
}

}  // namespace
}  // namespace fincache
