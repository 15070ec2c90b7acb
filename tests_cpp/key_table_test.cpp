// Unit tests for engine/key_table.h: the keyspace hash table and HashKey.
#include "engine/key_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bitset>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace fincache {
namespace {

// Counts live instances and poisons destroyed ones, to catch leaks and double destroys.
struct Tracked {
  static constexpr uint64_t kAlive = 0xA11CE0000A11CE00ULL;
  static constexpr uint64_t kDead = 0xDEADDEADDEADDEADULL;
  static inline int64_t live = 0;

  Tracked() { ++live; }
  ~Tracked() {
    EXPECT_EQ(magic, kAlive) << "destroyed twice or never constructed";
    magic = kDead;
    --live;
  }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;

  uint64_t magic = kAlive;
  int64_t value = 0;
  std::string payload;  // non-trivial member: leaks show up under ASan
};

struct alignas(64) OverAligned {
  char bytes[3] = {};
  int64_t value = 0;
};

std::string Key(int i) { return "key:" + std::to_string(i); }

class TrackedTest : public ::testing::Test {
 protected:
  void SetUp() override { Tracked::live = 0; }
  void TearDown() override { EXPECT_EQ(Tracked::live, 0); }
};

// ---------------------------------------------------------------------------------------------
// HashKey
// ---------------------------------------------------------------------------------------------

TEST(HashKeyTest, DeterministicAndLengthSensitive) {
  EXPECT_EQ(HashKey("hello"), HashKey(std::string("hello")));
  const std::vector<std::string> keys = {"",
                                         std::string(1, '\0'),
                                         std::string(2, '\0'),
                                         "a",
                                         std::string("a\0", 2),
                                         "ab",
                                         "abc",
                                         "abcd",
                                         "abcdefg",
                                         "abcdefgh",
                                         "abcdefghi",
                                         std::string(16, 'x'),
                                         std::string(17, 'x')};
  std::set<uint64_t> hashes;
  for (const auto& k : keys) hashes.insert(HashKey(k));
  EXPECT_EQ(hashes.size(), keys.size());
}

TEST(HashKeyTest, NoCollisionsAndBalancedBits) {
  constexpr int kN = 200000;
  std::unordered_set<uint64_t> hashes;
  hashes.reserve(kN);
  std::vector<int> bit_counts(64, 0);
  for (int i = 0; i < kN; ++i) {
    const uint64_t h = HashKey(Key(i));
    hashes.insert(h);
    for (int b = 0; b < 64; ++b) bit_counts[b] += (h >> b) & 1;
  }
  EXPECT_EQ(hashes.size(), static_cast<size_t>(kN));
  for (int b = 0; b < 64; ++b) {
    EXPECT_NEAR(bit_counts[b], kN / 2, kN / 50) << "bit " << b;
  }
}

TEST(HashKeyTest, SingleBitFlipsAvalanche) {
  // Flipping any one input bit should flip about half of the output bits.
  std::mt19937_64 rng(7);
  for (size_t len : {1, 3, 4, 7, 8, 9, 15, 16, 17, 40}) {
    double total = 0;
    int trials = 0;
    for (int t = 0; t < 20; ++t) {
      std::string key(len, '\0');
      for (auto& c : key) c = static_cast<char>(rng());
      const uint64_t base = HashKey(key);
      for (size_t bit = 0; bit < len * 8; ++bit) {
        std::string flipped = key;
        flipped[bit / 8] ^= static_cast<char>(1 << (bit % 8));
        total += std::bitset<64>(base ^ HashKey(flipped)).count();
        ++trials;
      }
    }
    EXPECT_NEAR(total / trials, 32.0, 2.0) << "len " << len;
  }
}

// ---------------------------------------------------------------------------------------------
// Basic operations
// ---------------------------------------------------------------------------------------------

TEST(KeyTableTest, EmptyTableAllocatesNothing) {
  KeyTable<int> table;
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.bucket_count(), 0u);
  EXPECT_EQ(table.MemoryUsage(), 0u);
  EXPECT_EQ(table.Find("x"), nullptr);
  EXPECT_FALSE(table.Erase("x"));
  EXPECT_EQ(table.Random(42), nullptr);
  int calls = 0;
  EXPECT_EQ(table.Scan(0, [&](std::string_view, int&) { ++calls; }), 0u);
  EXPECT_EQ(table.Scan(12345, [&](std::string_view, int&) { ++calls; }), 0u);
  table.ForEach([&](std::string_view, int&) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(KeyTableTest, EmplaceValueInitializesAndFindsExisting) {
  KeyTable<int64_t> table;
  auto [value, inserted] = table.Emplace("a");
  ASSERT_NE(value, nullptr);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(*value, 0);
  *value = 7;
  auto [again, inserted_again] = table.Emplace("a");
  EXPECT_EQ(again, value);
  EXPECT_FALSE(inserted_again);
  EXPECT_EQ(*again, 7);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.bucket_count(), 4u);
}

TEST_F(TrackedTest, InsertFindEraseMany) {
  constexpr int kN = 50000;
  KeyTable<Tracked> table;
  for (int i = 0; i < kN; ++i) {
    auto [value, inserted] = table.Emplace(Key(i));
    ASSERT_TRUE(inserted);
    value->value = i;
    value->payload = "payload-of-a-reasonably-long-string-" + std::to_string(i);
  }
  EXPECT_EQ(table.size(), static_cast<size_t>(kN));
  EXPECT_EQ(Tracked::live, kN);
  EXPECT_LE(table.size(), table.bucket_count());
  for (int i = 0; i < kN; ++i) {
    Tracked* value = table.Find(Key(i));
    ASSERT_NE(value, nullptr) << i;
    EXPECT_EQ(value->value, i);
  }
  EXPECT_EQ(table.Find("key:-1"), nullptr);
  EXPECT_EQ(table.Find(Key(kN)), nullptr);
  for (int i = 0; i < kN; i += 2) ASSERT_TRUE(table.Erase(Key(i)));
  for (int i = 0; i < kN; i += 2) EXPECT_FALSE(table.Erase(Key(i)));
  EXPECT_EQ(table.size(), static_cast<size_t>(kN / 2));
  EXPECT_EQ(Tracked::live, kN / 2);
  for (int i = 0; i < kN; ++i) {
    Tracked* value = table.Find(Key(i));
    if (i % 2 == 0) {
      EXPECT_EQ(value, nullptr) << i;
    } else {
      ASSERT_NE(value, nullptr) << i;
      EXPECT_EQ(value->value, i);
    }
  }
}

TEST(KeyTableTest, BinaryAndEmptyKeys) {
  KeyTable<std::string> table;
  const std::vector<std::string> keys = {
      "",
      std::string(1, '\0'),
      std::string(2, '\0'),
      std::string("a\0b", 3),
      std::string("a\0c", 3),
      std::string("a", 1),
      std::string("\xff\xfe\x00\x01", 4),
      std::string(1000, 'k'),
      std::string(1000, 'k') + std::string(1, '\0'),
      std::string(100000, '\0'),
  };
  for (const auto& key : keys) {
    auto [value, inserted] = table.Emplace(key);
    ASSERT_TRUE(inserted) << key.size();
    *value = "v" + std::to_string(key.size());
  }
  EXPECT_EQ(table.size(), keys.size());
  for (const auto& key : keys) {
    std::string* value = table.Find(key);
    ASSERT_NE(value, nullptr);
    EXPECT_EQ(*value, "v" + std::to_string(key.size()));
    EXPECT_EQ(KeyTable<std::string>::KeyOf(value), key);
  }
  EXPECT_EQ(table.Find(std::string("a\0d", 3)), nullptr);
  EXPECT_TRUE(table.Erase(""));
  EXPECT_EQ(table.Find(""), nullptr);
  EXPECT_NE(table.Find(std::string(1, '\0')), nullptr);
  EXPECT_TRUE(table.Erase(std::string("a\0b", 3)));
  EXPECT_NE(table.Find(std::string("a\0c", 3)), nullptr);
  EXPECT_EQ(table.size(), keys.size() - 2);
}

TEST(KeyTableTest, PrecomputedHashOverloads) {
  KeyTable<int> table;
  const std::string key = "user:1000";
  const uint64_t hash = HashKey(key);
  auto [value, inserted] = table.Emplace(key, hash);
  EXPECT_TRUE(inserted);
  *value = 5;
  EXPECT_EQ(table.Find(key, hash), value);
  EXPECT_EQ(table.Find(key), value);
  EXPECT_EQ(table.Emplace(key, hash).first, value);
  const KeyTable<int>& const_table = table;
  EXPECT_EQ(const_table.Find(key), value);
  EXPECT_EQ(const_table.Find(key, hash), value);
}

TEST_F(TrackedTest, PointerStabilityAcrossGrowthAndShrink) {
  KeyTable<Tracked> table;
  std::vector<Tracked*> pointers;
  for (int i = 0; i < 1000; ++i) {
    Tracked* value = table.Emplace(Key(i)).first;
    value->value = i;
    pointers.push_back(value);
  }
  const size_t small_buckets = table.bucket_count();
  for (int i = 1000; i < 100000; ++i) table.Emplace(Key(i));
  EXPECT_GT(table.bucket_count(), small_buckets * 32);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(table.Find(Key(i)), pointers[i]);
    EXPECT_EQ(pointers[i]->value, i);
    EXPECT_EQ(KeyTable<Tracked>::KeyOf(pointers[i]), Key(i));
  }
  for (int i = 1000; i < 100000; ++i) table.Erase(Key(i));
  EXPECT_LE(table.bucket_count(), 2048u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(table.Find(Key(i)), pointers[i]);
    EXPECT_EQ(pointers[i]->value, i);
  }
}

TEST(KeyTableTest, KeyOfWithOddAndOverAlignedValues) {
  KeyTable<char> chars;
  char* c = chars.Emplace("tiny").first;
  EXPECT_EQ(KeyTable<char>::KeyOf(c), "tiny");

  KeyTable<OverAligned> aligned;
  for (int i = 0; i < 1000; ++i) {
    OverAligned* value = aligned.Emplace(Key(i)).first;
    ASSERT_EQ(reinterpret_cast<uintptr_t>(value) % 64, 0u);
    value->value = i;
  }
  for (int i = 0; i < 1000; ++i) {
    OverAligned* value = aligned.Find(Key(i));
    ASSERT_NE(value, nullptr);
    EXPECT_EQ(value->value, i);
    EXPECT_EQ(KeyTable<OverAligned>::KeyOf(value), Key(i));
  }
  for (int i = 0; i < 1000; ++i) aligned.Erase(aligned.Find(Key(i)));
  EXPECT_TRUE(aligned.empty());
}

TEST_F(TrackedTest, EraseByPointer) {
  KeyTable<Tracked> table;
  std::vector<Tracked*> pointers;
  for (int i = 0; i < 5000; ++i) pointers.push_back(table.Emplace(Key(i)).first);
  // Erase in an order unrelated to chains, including chain heads, middles and tails.
  for (int i = 0; i < 5000; i += 3) table.Erase(pointers[i]);
  for (int i = 0; i < 5000; ++i) {
    if (i % 3 == 0) {
      EXPECT_EQ(table.Find(Key(i)), nullptr);
    } else {
      EXPECT_EQ(table.Find(Key(i)), pointers[i]);
    }
  }
  EXPECT_EQ(Tracked::live, static_cast<int64_t>(table.size()));
  for (int i = 0; i < 5000; ++i) {
    if (i % 3 != 0) table.Erase(pointers[i]);
  }
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.bucket_count(), 0u);
  EXPECT_EQ(table.MemoryUsage(), 0u);
}

TEST_F(TrackedTest, ClearDestroysEverythingAndTableIsReusable) {
  KeyTable<Tracked> table;
  for (int i = 0; i < 10000; ++i) table.Emplace(Key(i)).first->payload = std::string(100, 'p');
  EXPECT_EQ(Tracked::live, 10000);
  table.Clear();
  EXPECT_EQ(Tracked::live, 0);
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.bucket_count(), 0u);
  EXPECT_EQ(table.MemoryUsage(), 0u);
  EXPECT_EQ(table.Find(Key(1)), nullptr);
  EXPECT_TRUE(table.Emplace(Key(1)).second);
  EXPECT_EQ(table.size(), 1u);
}

TEST_F(TrackedTest, DestructorAndMoveReleaseValues) {
  {
    KeyTable<Tracked> table;
    for (int i = 0; i < 1000; ++i) table.Emplace(Key(i)).first->value = i;
    KeyTable<Tracked> moved(std::move(table));
    EXPECT_TRUE(table.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_EQ(table.MemoryUsage(), 0u);
    EXPECT_EQ(moved.size(), 1000u);
    EXPECT_EQ(moved.Find(Key(10))->value, 10);

    KeyTable<Tracked> assigned;
    for (int i = 0; i < 10; ++i) assigned.Emplace("other" + std::to_string(i));
    assigned = std::move(moved);
    EXPECT_EQ(Tracked::live, 1000);
    EXPECT_EQ(assigned.size(), 1000u);
    EXPECT_EQ(assigned.Find("other1"), nullptr);
    EXPECT_EQ(assigned.Find(Key(999))->value, 999);
    table.Emplace("reuse");  // a moved-from table is usable
    EXPECT_EQ(Tracked::live, 1001);
  }
  EXPECT_EQ(Tracked::live, 0);
}

TEST(KeyTableTest, LoadFactorAndMemoryGrowAndShrink) {
  KeyTable<int64_t> table;
  size_t previous_memory = 0;
  for (int i = 0; i < 10000; ++i) {
    table.Emplace(Key(i));
    ASSERT_LE(table.size(), table.bucket_count());
    ASSERT_GT(table.MemoryUsage(), previous_memory);
    previous_memory = table.MemoryUsage();
  }
  EXPECT_EQ(table.bucket_count(), 16384u);
  const size_t full_memory = table.MemoryUsage();
  // Each node: 16-byte header + 8-byte value + key; each bucket 8 bytes.
  EXPECT_GE(full_memory, 10000u * (16 + 8 + 8) + 16384u * 8);
  EXPECT_LE(full_memory, 10000u * 64 + 16384u * 8 + 64);

  for (int i = 0; i < 9990; ++i) {
    table.Erase(Key(i));
    if (table.bucket_count() > 4) {
      ASSERT_GE(table.size() * 8, table.bucket_count()) << "not shrunk at size " << table.size();
    }
  }
  EXPECT_EQ(table.size(), 10u);
  EXPECT_EQ(table.bucket_count(), 32u);  // shrunk at size 31 to 32; 10 >= 32 / 8
  EXPECT_LT(table.MemoryUsage(), full_memory / 500);
  for (int i = 9990; i < 10000; ++i) table.Erase(Key(i));
  EXPECT_EQ(table.MemoryUsage(), 0u);
  EXPECT_EQ(table.bucket_count(), 0u);
}

// ---------------------------------------------------------------------------------------------
// Iteration and sampling
// ---------------------------------------------------------------------------------------------

TEST(KeyTableTest, ForEachVisitsEachElementOnce) {
  KeyTable<int> table;
  for (int i = 0; i < 3000; ++i) *table.Emplace(Key(i)).first = i;
  std::map<std::string, int> seen;
  table.ForEach([&](std::string_view key, int& value) {
    EXPECT_EQ(key, Key(value));
    ++seen[std::string(key)];
  });
  EXPECT_EQ(seen.size(), 3000u);
  for (const auto& [key, count] : seen) EXPECT_EQ(count, 1) << key;
}

TEST_F(TrackedTest, ForEachMayEraseCurrentElementAndRandomSurvivesSparseTable) {
  KeyTable<Tracked> table;
  for (int i = 0; i < 20000; ++i) table.Emplace(Key(i));
  const size_t big_buckets = table.bucket_count();
  Tracked* keeper = table.Find(Key(12345));
  int visited = 0;
  bool sampled = false;
  table.ForEach([&](std::string_view key, Tracked& value) {
    ++visited;
    if (&value != keeper) table.Erase(&value);
    if (table.size() == 1 && !sampled) {
      // Resizing is deferred during the callback: one element in a huge bucket array exercises
      // Random's fallback walk.
      sampled = true;
      EXPECT_EQ(table.bucket_count(), big_buckets);
      for (uint64_t seed = 0; seed < 50; ++seed) EXPECT_EQ(table.Random(seed), keeper);
    }
    (void)key;
  });
  EXPECT_EQ(visited, 20000);
  EXPECT_TRUE(sampled);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.bucket_count(), 4u);  // the deferred shrink ran on return
  EXPECT_EQ(table.Find(Key(12345)), keeper);
  EXPECT_EQ(Tracked::live, 1);
}

TEST(KeyTableTest, RandomIsNullOnEmptyAndCoversAllElements) {
  KeyTable<int> table;
  EXPECT_EQ(table.Random(1), nullptr);
  int* only = table.Emplace("only").first;
  for (uint64_t seed = 0; seed < 100; ++seed) EXPECT_EQ(table.Random(seed), only);
  table.Erase("only");
  EXPECT_EQ(table.Random(1), nullptr);

  constexpr int kKeys = 100;
  constexpr int kSamples = 200000;
  for (int i = 0; i < kKeys; ++i) *table.Emplace(Key(i)).first = i;
  std::vector<int> counts(kKeys, 0);
  std::mt19937_64 rng(12345);
  for (int s = 0; s < kSamples; ++s) {
    int* value = table.Random(rng());
    ASSERT_NE(value, nullptr);
    ++counts[*value];
  }
  // Chained sampling is biased against long chains (a key sharing its bucket with two others is
  // picked a third as often), so bounds are loose; but every key must be reachable.
  const double expected = static_cast<double>(kSamples) / kKeys;
  for (int i = 0; i < kKeys; ++i) {
    EXPECT_GT(counts[i], expected / 5) << Key(i);
    EXPECT_LT(counts[i], expected * 4) << Key(i);
  }
  // Sequential seeds must not be correlated either.
  std::set<int*> distinct;
  for (uint64_t seed = 0; seed < 1000; ++seed) distinct.insert(table.Random(seed));
  EXPECT_GT(distinct.size(), 90u);
}

// ---------------------------------------------------------------------------------------------
// SCAN
// ---------------------------------------------------------------------------------------------

// Runs a full scan, calling `between` after every step; returns how often each key was seen.
template <typename V, typename Between>
std::unordered_map<std::string, int> FullScan(KeyTable<V>& table, Between&& between) {
  std::unordered_map<std::string, int> seen;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = table.Scan(cursor, [&](std::string_view key, V&) { ++seen[std::string(key)]; });
    between();
    EXPECT_LT(++steps, 10000000) << "scan does not terminate";
  } while (cursor != 0 && steps < 10000000);
  return seen;
}

TEST(KeyTableScanTest, StableTableReturnsEachElementExactlyOnce) {
  KeyTable<int> table;
  for (int i = 0; i < 5000; ++i) table.Emplace(Key(i));
  int steps = 0;
  auto seen = FullScan(table, [&] { ++steps; });
  EXPECT_EQ(seen.size(), 5000u);
  for (const auto& [key, count] : seen) EXPECT_EQ(count, 1) << key;
  EXPECT_EQ(static_cast<size_t>(steps), table.bucket_count());
}

TEST(KeyTableScanTest, ElementsPresentThroughoutAreSeenWhileGrowing) {
  KeyTable<int> table;
  for (int i = 0; i < 1000; ++i) table.Emplace("orig:" + std::to_string(i));
  const size_t initial_buckets = table.bucket_count();
  int next = 0;
  auto seen = FullScan(table, [&] {
    // Bounded: a table that grows faster than the scan advances would never be finished.
    for (int j = 0; j < 200 && next < 40000; ++j) table.Emplace("extra:" + std::to_string(next++));
  });
  EXPECT_GE(table.bucket_count(), initial_buckets * 16) << "growth was not exercised";
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(seen.count("orig:" + std::to_string(i)), 1u) << i;
}

TEST(KeyTableScanTest, ElementsPresentThroughoutAreSeenWhileShrinking) {
  KeyTable<int> table;
  for (int i = 0; i < 500; ++i) table.Emplace("orig:" + std::to_string(i));
  std::vector<std::string> extras;
  for (int i = 0; i < 40000; ++i) {
    extras.push_back("extra:" + std::to_string(i));
    table.Emplace(extras.back());
  }
  const size_t initial_buckets = table.bucket_count();
  size_t min_buckets = initial_buckets;
  auto seen = FullScan(table, [&] {
    for (int j = 0; j < 50 && !extras.empty(); ++j) {
      table.Erase(extras.back());
      extras.pop_back();
    }
    min_buckets = std::min(min_buckets, table.bucket_count());
  });
  EXPECT_LE(min_buckets, initial_buckets / 16) << "shrink was not exercised";
  for (int i = 0; i < 500; ++i) EXPECT_GE(seen["orig:" + std::to_string(i)], 1) << i;
}

TEST(KeyTableScanTest, ElementsPresentThroughoutAreSeenUnderRandomResizes) {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    std::mt19937_64 rng(seed);
    KeyTable<int> table;
    for (int i = 0; i < 300; ++i) table.Emplace("orig:" + std::to_string(i));
    std::vector<std::string> extras;
    int next = 0;
    int resizes = 0;
    size_t last_buckets = table.bucket_count();
    int steps = 0;
    auto seen = FullScan(table, [&] {
      // Random bursts of growth and shrink for the first 300 steps, so cursors cross many table
      // sizes; then the table holds still and the scan finishes.
      if (++steps > 300) return;
      if (rng() % 2 == 0 && extras.size() < 12000) {
        const int n = static_cast<int>(rng() % 1500);
        for (int j = 0; j < n; ++j) {
          extras.push_back("extra:" + std::to_string(next++));
          table.Emplace(extras.back());
        }
      } else {
        const size_t n = std::min<size_t>(extras.size(), rng() % 1500);
        for (size_t j = 0; j < n; ++j) {
          std::swap(extras[rng() % extras.size()], extras.back());
          EXPECT_TRUE(table.Erase(extras.back()));
          extras.pop_back();
        }
      }
      if (table.bucket_count() != last_buckets) ++resizes;
      last_buckets = table.bucket_count();
    });
    EXPECT_GT(resizes, 2) << "seed " << seed;
    for (int i = 0; i < 300; ++i) {
      EXPECT_GE(seen["orig:" + std::to_string(i)], 1) << "seed " << seed << " key " << i;
    }
  }
}

TEST(KeyTableScanTest, KeysOfOneShardSpreadOverAllBuckets) {
  // The engine shards on some bits of HashKey (e.g. bits 40..43); the keys of one shard must
  // still fill the buckets like random keys do. Scan visits one bucket per call, so counting
  // calls that saw nothing measures the fraction of empty buckets (expected e^-load).
  for (int shift : {0, 40, 60}) {
    KeyTable<int> table;
    for (int i = 0; table.size() < 12000; ++i) {
      if (((HashKey(Key(i)) >> shift) & 15) == 5) table.Emplace(Key(i));
    }
    size_t empty_buckets = 0;
    size_t longest = 0;
    uint64_t cursor = 0;
    do {
      size_t chain = 0;
      cursor = table.Scan(cursor, [&](std::string_view, int&) { ++chain; });
      EXPECT_LT(cursor, table.bucket_count());
      empty_buckets += chain == 0;
      longest = std::max(longest, chain);
    } while (cursor != 0);
    const double load = static_cast<double>(table.size()) / table.bucket_count();
    EXPECT_NEAR(static_cast<double>(empty_buckets) / table.bucket_count(), std::exp(-load), 0.02)
        << "shift " << shift;
    EXPECT_LE(longest, 10u) << "shift " << shift;
  }
}

TEST_F(TrackedTest, ScanCallbackMayEraseVisitedElement) {
  KeyTable<Tracked> table;
  for (int i = 0; i < 4000; ++i) table.Emplace(Key(i)).first->value = i;
  std::set<int64_t> seen;
  uint64_t cursor = 0;
  do {
    cursor = table.Scan(cursor, [&](std::string_view, Tracked& value) {
      seen.insert(value.value);
      if (value.value % 2 == 0) table.Erase(&value);  // like lazy expiry during SCAN
    });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 4000u);
  EXPECT_EQ(table.size(), 2000u);
  EXPECT_EQ(Tracked::live, 2000);
  for (int i = 1; i < 4000; i += 2) EXPECT_NE(table.Find(Key(i)), nullptr);
}

// ---------------------------------------------------------------------------------------------
// Micro-benchmark (run by hand: --gtest_also_run_disabled_tests --gtest_filter=*Bench*)
// ---------------------------------------------------------------------------------------------

TEST(KeyTableBench, DISABLED_Bench1M) {
  struct Value16 {  // stands in for an engine Entry: a value pointer and metadata
    void* object = nullptr;
    uint64_t meta = 0;
  };
  constexpr int kN = 1000000;
  std::vector<std::string> keys;
  keys.reserve(kN);
  char buffer[32];
  for (int i = 0; i < kN; ++i) {
    std::snprintf(buffer, sizeof(buffer), "key:%d", i);
    keys.emplace_back(buffer);
  }
  using Clock = std::chrono::steady_clock;
  auto ns_per_op = [](Clock::time_point start) {
    return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kN;
  };

  KeyTable<Value16> table;
  auto start = Clock::now();
  for (const auto& key : keys) table.Emplace(key).first->meta = 1;
  const double insert_ns = ns_per_op(start);

  start = Clock::now();
  uint64_t sum = 0;
  for (const auto& key : keys) sum += table.Find(key)->meta;
  const double find_ns = ns_per_op(start);
  ASSERT_EQ(sum, static_cast<uint64_t>(kN));

  std::vector<std::string> missing;
  missing.reserve(kN);
  for (int i = 0; i < kN; ++i) missing.push_back("miss:" + std::to_string(i));
  start = Clock::now();
  size_t found = 0;
  for (const auto& key : missing) found += table.Find(key) != nullptr;
  const double miss_ns = ns_per_op(start);
  ASSERT_EQ(found, 0u);

  start = Clock::now();
  for (const auto& key : keys) sum += HashKey(key);
  const double hash_ns = ns_per_op(start);

  const size_t memory = table.MemoryUsage();
  const size_t buckets = table.bucket_count();
  start = Clock::now();
  for (const auto& key : keys) table.Erase(key);
  const double erase_ns = ns_per_op(start);

  std::unordered_map<std::string, Value16> reference;
  start = Clock::now();
  for (const auto& key : keys) reference[key].meta = 1;
  const double std_insert_ns = ns_per_op(start);
  start = Clock::now();
  for (const auto& key : keys) sum += reference.find(key)->second.meta;
  const double std_find_ns = ns_per_op(start);

  std::printf(
      "KeyTable<16-byte V>, %d keys \"key:%%d\": insert %.1f ns, find %.1f ns, miss %.1f ns, "
      "erase %.1f ns, HashKey %.1f ns\n"
      "  MemoryUsage %zu bytes = %.1f bytes/key (%zu buckets)\n"
      "  std::unordered_map<std::string, V>: insert %.1f ns, find %.1f ns (checksum %llu)\n",
      kN, insert_ns, find_ns, miss_ns, erase_ns, hash_ns, memory, static_cast<double>(memory) / kN,
      buckets, std_insert_ns, std_find_ns, static_cast<unsigned long long>(sum));
}

}  // namespace
}  // namespace fincache
