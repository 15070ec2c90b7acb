// MemberIndex (the member -> node table of big sorted sets) against a std::map model: random
// inserts, finds and erases through growth, shrinking and backward-shift deletion.
#include "types/member_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace fincache {
namespace {

TEST(MemberIndexTest, RandomOperationsMatchModel) {
  SkipList sl;  // owns the nodes the index points at
  MemberIndex index;
  std::map<std::string, SkipList::Node*> model;
  std::mt19937_64 rng(42);
  for (int step = 0; step < 200000; ++step) {
    // A small key space so erases and re-inserts collide in the same probe runs.
    std::string member = "m" + std::to_string(rng() % 5000);
    const int op = static_cast<int>(rng() % 10);
    auto it = model.find(member);
    if (op < 5) {
      if (it != model.end()) continue;
      SkipList::Node* n = sl.Insert(static_cast<double>(rng() % 100), member);
      index.Insert(n);
      model.emplace(member, n);
    } else if (op < 8) {
      const bool present = it != model.end();
      ASSERT_EQ(index.Erase(member), present) << member;
      if (present) {
        sl.Delete(it->second->score, member);
        model.erase(it);
      }
    } else {
      SkipList::Node* n = index.Find(member);
      ASSERT_EQ(n, it == model.end() ? nullptr : it->second) << member;
    }
    ASSERT_EQ(index.size(), model.size());
    if (step % 20000 == 0) {
      for (auto& [m, n] : model) ASSERT_EQ(index.Find(m), n) << m;
    }
  }
  for (auto& [m, n] : model) ASSERT_EQ(index.Find(m), n) << m;
  // Drain: the table shrinks and every remaining member stays reachable until erased.
  while (!model.empty()) {
    auto it = model.begin();
    ASSERT_TRUE(index.Erase(it->first));
    sl.Delete(it->second->score, it->first);
    model.erase(it);
    if (model.size() % 97 == 0)
      for (auto& [m, n] : model) ASSERT_EQ(index.Find(m), n) << m;
  }
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.Find("m1"), nullptr);
  EXPECT_FALSE(index.Erase("m1"));
}

TEST(MemberIndexTest, BinaryMembersAndEmpty) {
  SkipList sl;
  MemberIndex index;
  EXPECT_EQ(index.Find(""), nullptr);
  const std::string with_nul("a\0b", 3);
  SkipList::Node* a = sl.Insert(1, with_nul);
  SkipList::Node* b = sl.Insert(1, "");
  index.Insert(a);
  index.Insert(b);
  EXPECT_EQ(index.Find(with_nul), a);
  EXPECT_EQ(index.Find(""), b);
  EXPECT_EQ(index.Find("a"), nullptr);
  EXPECT_GE(index.bytes(), 2 * sizeof(void*));
}

}  // namespace
}  // namespace fincache
