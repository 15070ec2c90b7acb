// SkipList and ZSet structure tests: order, spans (rank / by-rank), deletes and updates checked
// against a std::set model; both ZSet encodings give the same answers.
#include "types/skiplist.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "types/zset.h"

namespace fincache {
namespace {

using Model = std::set<std::pair<double, std::string>>;

void ExpectSame(const SkipList& sl, const Model& m) {
  ASSERT_EQ(sl.size(), m.size());
  size_t rank = 0;
  const SkipList::Node* prev = nullptr;
  const SkipList::Node* n = sl.first();
  for (auto& [score, member] : m) {
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->score, score);
    EXPECT_EQ(n->member(), member);
    EXPECT_EQ(n->prev(), prev);
    EXPECT_EQ(sl.Rank(score, member), rank);
    EXPECT_EQ(sl.ByRank(rank), n);
    prev = n;
    n = n->next();
    ++rank;
  }
  EXPECT_EQ(n, nullptr);
  EXPECT_EQ(sl.last(), prev);
}

TEST(SkipListTest, EmptyList) {
  SkipList sl;
  EXPECT_EQ(sl.size(), 0u);
  EXPECT_EQ(sl.first(), nullptr);
  EXPECT_EQ(sl.last(), nullptr);
  EXPECT_FALSE(sl.Delete(1, "a"));
  EXPECT_EQ(sl.CountPrefix([](double, std::string_view) { return true; }), 0u);
}

TEST(SkipListTest, OrdersByScoreThenMemberBytes) {
  SkipList sl;
  sl.Insert(2, "b");
  sl.Insert(1, "z");
  sl.Insert(2, "a");
  sl.Insert(2, std::string("\xff", 1));
  sl.Insert(-1, "");
  std::vector<std::string> got;
  for (auto* n = sl.first(); n; n = n->next()) got.emplace_back(n->member());
  EXPECT_EQ(got, (std::vector<std::string>{"", "z", "a", "b", "\xff"}));
}

TEST(SkipListTest, RandomOperationsMatchModel) {
  SkipList sl;
  Model m;
  std::mt19937 rng(7);
  for (int i = 0; i < 4000; ++i) {
    double score = static_cast<double>(rng() % 50);
    std::string member = "m" + std::to_string(rng() % 300);
    int op = rng() % 3;
    auto it = std::find_if(m.begin(), m.end(), [&](auto& p) { return p.second == member; });
    if (op < 2 && it == m.end()) {
      sl.Insert(score, member);
      m.emplace(score, member);
    } else if (op == 2 && it != m.end()) {
      EXPECT_TRUE(sl.Delete(it->first, member));
      m.erase(it);
    } else if (it != m.end()) {
      // Update the score through the node.
      SkipList::Node* n = sl.ByRank(sl.Rank(it->first, member));
      SkipList::Node* moved = sl.UpdateScore(n, score);
      EXPECT_EQ(moved->member(), member);
      EXPECT_EQ(moved->score, score);
      m.erase(it);
      m.emplace(score, member);
    }
    if (i % 500 == 0) ExpectSame(sl, m);
  }
  ExpectSame(sl, m);
  // Prefix counts are lower bounds.
  size_t below10 = 0;
  for (auto& p : m) below10 += p.first < 10;
  EXPECT_EQ(sl.CountPrefix([](double s, std::string_view) { return s < 10; }), below10);
}

TEST(SkipListTest, BytesTrackNodes) {
  SkipList sl;
  size_t empty = sl.bytes();
  sl.Insert(1, "hello");
  EXPECT_GT(sl.bytes(), empty);
  sl.Delete(1, "hello");
  EXPECT_EQ(sl.bytes(), empty);
}

// Both encodings answer the same: ranks, score and lex ranges, rank removal.
TEST(ZSetTest, EncodingsAgree) {
  ZSet small;
  ZSet big;
  big.ConvertToSkiplist();
  EXPECT_EQ(small.encoding(), "listpack");
  EXPECT_EQ(big.encoding(), "skiplist");
  std::mt19937 rng(11);
  for (int i = 0; i < 100; ++i) {
    std::string m = "k" + std::to_string(rng() % 120);
    double s = static_cast<double>(rng() % 20);
    int o1, o2;
    double n1, n2;
    EXPECT_TRUE(small.Add(m, s, 0, &o1, &n1));
    EXPECT_TRUE(big.Add(m, s, 0, &o2, &n2));
    EXPECT_EQ(o1, o2);
  }
  ASSERT_EQ(small.size(), big.size());
  auto dump = [](const ZSet& z) {
    std::vector<std::pair<std::string, double>> v;
    z.Visit(0, z.size(), false, [&](std::string_view m, double s) { v.emplace_back(m, s); });
    return v;
  };
  EXPECT_EQ(dump(small), dump(big));
  ZScoreRange r{.min = 3, .max = 9, .min_ex = true};
  size_t lo1, hi1, lo2, hi2;
  small.ScoreRanks(r, &lo1, &hi1);
  big.ScoreRanks(r, &lo2, &hi2);
  EXPECT_EQ(std::make_pair(lo1, hi1), std::make_pair(lo2, hi2));
  small.RemoveRanks(2, 10);
  big.RemoveRanks(2, 10);
  EXPECT_EQ(dump(small), dump(big));
  for (auto& [m, s] : dump(small)) EXPECT_EQ(small.Rank(m), big.Rank(m));
  size_t mem = big.MemoryUsage();
  EXPECT_TRUE(big.Remove(dump(big)[0].first));
  EXPECT_LT(big.MemoryUsage(), mem);
}

TEST(ZSetTest, AddFlags) {
  ZSet z;
  int out;
  double ns;
  EXPECT_TRUE(z.Add("a", 1, 0, &out, &ns));
  EXPECT_EQ(out, ZSet::kOutAdded);
  EXPECT_TRUE(z.Add("a", 1, ZSet::kNx, &out, &ns));
  EXPECT_EQ(out, ZSet::kOutNop);
  EXPECT_TRUE(z.Add("a", 0, ZSet::kGt, &out, &ns));
  EXPECT_EQ(out, ZSet::kOutNop);
  EXPECT_TRUE(z.Add("a", 2, ZSet::kGt | ZSet::kIncr, &out, &ns));
  EXPECT_EQ(out, ZSet::kOutUpdated);
  EXPECT_EQ(ns, 3);
  EXPECT_TRUE(z.Add("b", 1, ZSet::kXx, &out, &ns));
  EXPECT_EQ(out, ZSet::kOutNop);
  EXPECT_TRUE(z.Add("a", INFINITY, 0, &out, &ns));
  EXPECT_FALSE(z.Add("a", -INFINITY, ZSet::kIncr, &out, &ns));
  EXPECT_EQ(out, ZSet::kOutNan);
  EXPECT_EQ(*z.Score("a"), INFINITY);
}

// Score updates reallocate skiplist nodes (maybe at the same address with another height): the
// member map must follow every time.
TEST(ZSetTest, ManyScoreUpdatesKeepMemberMap) {
  ZSet z;
  z.ConvertToSkiplist();
  int out;
  for (int round = 0; round < 50; ++round)
    for (int i = 0; i < 40; ++i)
      ASSERT_TRUE(z.Add("m" + std::to_string(i), (round * 7 + i * 13) % 31, 0, &out, nullptr));
  ASSERT_EQ(z.size(), 40u);
  size_t rank = 0;
  z.Visit(0, z.size(), false, [&](std::string_view m, double s) {
    EXPECT_EQ(z.Score(m), s);
    EXPECT_EQ(z.Rank(m), rank++);
  });
  for (int i = 0; i < 40; ++i) EXPECT_TRUE(z.Remove("m" + std::to_string(i)));
  EXPECT_EQ(z.size(), 0u);
}

}  // namespace
}  // namespace fincache
