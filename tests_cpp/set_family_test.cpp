// Set family through the dispatcher, and the SetValue/IntSet structures directly. Expected
// replies were checked against Redis 7.0.15.
#include <set>
#include <string>
#include <vector>

#include "command_test_base.h"
#include "engine/engine.h"
#include "types/set.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key";

// ---- structures ----

TEST(IntSetTest, SortedWithWidthUpgrades) {
  IntSet s;
  EXPECT_TRUE(s.Insert(5));
  EXPECT_TRUE(s.Insert(-3));
  EXPECT_FALSE(s.Insert(5));
  EXPECT_TRUE(s.Insert(100000));     // 2 -> 4 bytes, appended
  EXPECT_TRUE(s.Insert(INT64_MIN));  // 4 -> 8 bytes, prepended
  EXPECT_TRUE(s.Insert(0));
  std::vector<int64_t> got;
  for (size_t i = 0; i < s.size(); ++i) got.push_back(s.At(i));
  EXPECT_THAT(got, ElementsAre(INT64_MIN, -3, 0, 5, 100000));
  EXPECT_TRUE(s.Contains(100000));
  EXPECT_FALSE(s.Contains(7));
  EXPECT_TRUE(s.Erase(-3));
  EXPECT_FALSE(s.Erase(-3));
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(s.At(1), 0);
}

TEST(IntSetTest, NarrowSetRejectsWideLookups) {
  IntSet s;
  s.Insert(1);
  EXPECT_FALSE(s.Contains(1LL << 40));
  EXPECT_FALSE(s.Erase(1LL << 40));
}

TEST(SetValueTest, EncodingsAndConversion) {
  auto s = SetValue::CreateFor("1");
  EXPECT_EQ(s->encoding(), "intset");
  EXPECT_TRUE(s->Add("1"));
  EXPECT_TRUE(s->Add("-2"));
  EXPECT_FALSE(s->Contains("01"));
  EXPECT_TRUE(s->Contains("-2"));
  EXPECT_EQ(s->Members(), (std::vector<std::string>{"-2", "1"}));
  EXPECT_TRUE(s->Add("x"));
  EXPECT_EQ(s->encoding(), "hashtable");
  EXPECT_TRUE(s->Contains("1"));
  EXPECT_TRUE(s->Remove("x"));
  EXPECT_EQ(s->encoding(), "hashtable");  // never back
  EXPECT_EQ(SetValue::CreateFor("a")->encoding(), "hashtable");
  EXPECT_EQ(SetValue::CreateFor("+1")->encoding(), "hashtable");
}

TEST(SetValueTest, MemoryUsageTracksContentAndCloneIsDeep) {
  auto s = SetValue::CreateFor("a");
  size_t empty = s->MemoryUsage();
  for (int i = 0; i < 100; ++i) s->Add("member:" + std::to_string(i));
  EXPECT_GT(s->MemoryUsage(), empty + 100 * 8);
  auto c = s->Clone();
  auto* cs = static_cast<SetValue*>(c.get());
  cs->Remove("member:1");
  EXPECT_TRUE(s->Contains("member:1"));
  EXPECT_EQ(cs->Size(), 99u);
}

// ---- commands ----

class SetFamilyTest : public CommandTest {
 protected:
  std::vector<std::string> Members(std::string_view key) {
    return StrArray(Run({"smembers", std::string(key)}));
  }
  // SINTER/SUNION/SDIFF and the STORE forms are not registered yet (see set_family.cpp).
  bool HasSetAlgebra() { return server_->registry().Find("sinter") != nullptr; }
  std::string Encoding(std::string_view key) {
    return Run({"object", "encoding", std::string(key)}).str;
  }
};

TEST_F(SetFamilyTest, AddRemCard) {
  EXPECT_THAT(Run({"sadd", "s", "3", "1", "2", "1"}), IntArg(3));
  EXPECT_THAT(Run({"sadd", "s", "2", "4"}), IntArg(1));
  EXPECT_THAT(Run({"scard", "s"}), IntArg(4));
  EXPECT_THAT(Members("s"), ElementsAre("1", "2", "3", "4"));  // intset: ascending
  EXPECT_THAT(Run({"srem", "s", "1", "x", "1"}), IntArg(1));
  EXPECT_THAT(Run({"srem", "nokey", "a"}), IntArg(0));
  EXPECT_THAT(Run({"srem", "s", "2", "3", "4"}), IntArg(3));
  EXPECT_THAT(Run({"exists", "s"}), IntArg(0));  // the last member deletes the key
  EXPECT_THAT(Run({"scard", "s"}), IntArg(0));
  EXPECT_THAT(Run({"sadd", "s"}), ErrArg("wrong number of arguments for 'sadd'"));
}

TEST_F(SetFamilyTest, Membership) {
  Run({"sadd", "s", "a", "b"});
  EXPECT_THAT(Run({"sismember", "s", "a"}), IntArg(1));
  EXPECT_THAT(Run({"sismember", "s", "z"}), IntArg(0));
  EXPECT_THAT(Run({"sismember", "nokey", "a"}), IntArg(0));
  auto r = Run({"smismember", "s", "a", "z", "b"});
  ASSERT_THAT(r, ArrLen(3));
  EXPECT_THAT(r.elems[0], IntArg(1));
  EXPECT_THAT(r.elems[1], IntArg(0));
  EXPECT_THAT(r.elems[2], IntArg(1));
  EXPECT_THAT(Run({"smismember", "nokey", "a"}).elems[0], IntArg(0));
}

TEST_F(SetFamilyTest, WrongType) {
  Run({"set", "str", "x"});
  for (auto argv : std::vector<std::vector<std::string>>{{"sadd", "str", "a"},
                                                         {"srem", "str", "a"},
                                                         {"scard", "str"},
                                                         {"sismember", "str", "a"},
                                                         {"smismember", "str", "a"},
                                                         {"smembers", "str"},
                                                         {"spop", "str"},
                                                         {"srandmember", "str"},
                                                         {"sscan", "str", "0"},

                                                         {"sintercard", "2", "nokey", "str"},
                                                         {"smove", "str", "d", "a"}}) {
    EXPECT_THAT(Run(argv), ErrArg(kWrongType)) << argv[0];
  }
  EXPECT_THAT(Run({"smove", "nokey", "str", "a"}), IntArg(0));  // missing source wins
  if (!HasSetAlgebra()) return;
  for (auto argv : std::vector<std::vector<std::string>>{{"sinter", "nokey", "str"},
                                                         {"sunion", "str"},
                                                         {"sdiff", "nokey", "str"},
                                                         {"sinterstore", "d", "nokey", "str"}}) {
    EXPECT_THAT(Run(argv), ErrArg(kWrongType)) << argv[0];
  }
}

TEST_F(SetFamilyTest, EncodingThresholdFollowsConfig) {
  Run({"sadd", "s", "1", "-9223372036854775808", "9223372036854775807"});
  EXPECT_EQ(Encoding("s"), "intset");
  Run({"sadd", "s", "01"});
  EXPECT_EQ(Encoding("s"), "hashtable");
  EXPECT_THAT(Run({"config", "set", "set-max-intset-entries", "2"}), SimpleArg("OK"));
  Run({"sadd", "a", "1", "2"});
  EXPECT_EQ(Encoding("a"), "intset");
  Run({"sadd", "a", "3"});
  EXPECT_EQ(Encoding("a"), "hashtable");
  EXPECT_THAT(Run({"config", "set", "set-max-intset-entries", "0"}), SimpleArg("OK"));
  Run({"sadd", "z", "1"});
  EXPECT_EQ(Encoding("z"), "hashtable");
  EXPECT_THAT(Run({"config", "set", "set-max-intset-entries", "-1"}),
              ErrArg("argument must be between 0 and 9223372036854775807 inclusive"));
  EXPECT_THAT(Run({"config", "set", "set-max-intset-entries", "512"}), SimpleArg("OK"));
  std::vector<std::string> argv = {"sadd", "big"};
  for (int i = 0; i < 512; ++i) argv.push_back(std::to_string(i));
  Run(argv);
  EXPECT_EQ(Encoding("big"), "intset");
  Run({"sadd", "big", "512"});
  EXPECT_EQ(Encoding("big"), "hashtable");
}

TEST_F(SetFamilyTest, InterUnionDiff) {
  if (!HasSetAlgebra()) GTEST_SKIP() << "SINTER/SUNION/SDIFF not registered yet";
  Run({"sadd", "a", "1", "2", "3", "4"});
  Run({"sadd", "b", "2", "3", "5"});
  Run({"sadd", "x", "p", "q", "3"});
  EXPECT_THAT(StrArray(Run({"sinter", "a", "b"})), ElementsAre("2", "3"));
  EXPECT_THAT(Run({"sinter", "a", "nokey"}), ArrLen(0));
  EXPECT_THAT(StrArray(Run({"sinter", "x", "a"})), ElementsAre("3"));
  EXPECT_THAT(StrArray(Run({"sunion", "a", "b", "nokey"})), ElementsAre("1", "2", "3", "4", "5"));
  EXPECT_THAT(StrArray(Run({"sunion", "a", "x"})),
              UnorderedElementsAre("1", "2", "3", "4", "p", "q"));
  EXPECT_THAT(StrArray(Run({"sdiff", "a", "b"})), ElementsAre("1", "4"));
  EXPECT_THAT(StrArray(Run({"sdiff", "a", "nokey", "x"})), ElementsAre("1", "2", "4"));
  EXPECT_THAT(Run({"sdiff", "a", "a"}), ArrLen(0));
  EXPECT_THAT(Run({"sdiff", "nokey", "a"}), ArrLen(0));
}

TEST_F(SetFamilyTest, StoreForms) {
  if (!HasSetAlgebra()) GTEST_SKIP() << "SINTER/SUNION/SDIFF not registered yet";
  Run({"sadd", "a", "1", "2", "3"});
  Run({"sadd", "b", "2", "3", "x"});
  Run({"set", "d", "old", "EX", "100"});
  EXPECT_THAT(Run({"sinterstore", "d", "a", "b"}), IntArg(2));
  EXPECT_THAT(Run({"ttl", "d"}), IntArg(-1));
  EXPECT_EQ(Encoding("d"), "intset");
  EXPECT_THAT(Members("d"), ElementsAre("2", "3"));
  EXPECT_THAT(Run({"sunionstore", "u", "a", "b"}), IntArg(4));
  EXPECT_EQ(Encoding("u"), "hashtable");
  EXPECT_THAT(Run({"sdiffstore", "d", "b", "a"}), IntArg(1));
  EXPECT_THAT(Members("d"), ElementsAre("x"));
  EXPECT_THAT(Run({"sinterstore", "d", "a", "nokey"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "d"}), IntArg(0));  // an empty result deletes the destination
  EXPECT_THAT(Run({"sdiffstore", "a", "a", "b"}), IntArg(1));  // destination among sources
  EXPECT_THAT(Members("a"), ElementsAre("1"));
}

TEST_F(SetFamilyTest, InterCard) {
  Run({"sadd", "a", "1", "2", "3", "4"});
  Run({"sadd", "b", "2", "3", "4", "5"});
  EXPECT_THAT(Run({"sintercard", "2", "a", "b"}), IntArg(3));
  EXPECT_THAT(Run({"sintercard", "2", "a", "b", "LIMIT", "2"}), IntArg(2));
  EXPECT_THAT(Run({"sintercard", "2", "a", "b", "limit", "0"}), IntArg(3));
  EXPECT_THAT(Run({"sintercard", "2", "a", "nokey"}), IntArg(0));
  EXPECT_THAT(Run({"sintercard", "0", "a"}), ErrArg("ERR numkeys should be greater than 0"));
  EXPECT_THAT(Run({"sintercard", "x", "a"}), ErrArg("ERR numkeys should be greater than 0"));
  EXPECT_THAT(Run({"sintercard", "3", "a", "b"}),
              ErrArg("ERR Number of keys can't be greater than number of args"));
  EXPECT_THAT(Run({"sintercard", "1", "a", "LIMIT", "-1"}), ErrArg("ERR LIMIT can't be negative"));
  EXPECT_THAT(Run({"sintercard", "1", "a", "LIMIT"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"sintercard", "1", "a", "b"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(StrArray(Run({"command", "getkeys", "sintercard", "2", "a", "b", "LIMIT", "1"})),
              ElementsAre("a", "b"));
}

TEST_F(SetFamilyTest, Move) {
  Run({"sadd", "s", "1", "2"});
  EXPECT_THAT(Run({"smove", "s", "s", "1"}), IntArg(1));
  EXPECT_THAT(Run({"smove", "s", "s", "9"}), IntArg(0));
  EXPECT_THAT(Run({"smove", "s", "d", "1"}), IntArg(1));
  EXPECT_EQ(Encoding("d"), "intset");
  EXPECT_THAT(Run({"smove", "s", "d", "x"}), IntArg(0));
  EXPECT_THAT(Run({"smove", "s", "d", "2"}), IntArg(1));
  EXPECT_THAT(Run({"exists", "s"}), IntArg(0));
  EXPECT_THAT(Members("d"), ElementsAre("1", "2"));
}

TEST_F(SetFamilyTest, Pop) {
  Run({"sadd", "s", "1", "2", "3", "4", "5"});
  auto one = Run({"spop", "s"});
  ASSERT_EQ(one.type, RespValue::Type::kBulk);
  EXPECT_THAT(Run({"sismember", "s", one.str}), IntArg(0));
  auto two = Run({"spop", "s", "2"});
  ASSERT_THAT(two, ArrLen(2));
  EXPECT_NE(two.elems[0].str, two.elems[1].str);
  EXPECT_THAT(Run({"scard", "s"}), IntArg(2));
  EXPECT_THAT(Run({"spop", "s", "0"}), ArrLen(0));
  EXPECT_THAT(Run({"spop", "s", "-1"}), ErrArg("ERR value is out of range, must be positive"));
  EXPECT_THAT(Run({"spop", "s", "1", "2"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"spop", "s", "10"}), ArrLen(2));
  EXPECT_THAT(Run({"exists", "s"}), IntArg(0));
  EXPECT_THAT(Run({"spop", "s"}), NullArg());
  EXPECT_THAT(Run({"spop", "s", "3"}), ArrLen(0));
}

TEST_F(SetFamilyTest, PopHashtableDrains) {
  std::vector<std::string> argv = {"sadd", "h"};
  for (int i = 0; i < 100; ++i) argv.push_back("m" + std::to_string(i));
  Run(argv);
  std::set<std::string> seen;
  for (int round = 0; round < 10; ++round) {
    auto r = Run({"spop", "h", "10"});
    ASSERT_THAT(r, ArrLen(10));
    for (auto& e : r.elems) EXPECT_TRUE(seen.insert(e.str).second) << e.str;
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_THAT(Run({"exists", "h"}), IntArg(0));
}

TEST_F(SetFamilyTest, RandMember) {
  std::vector<std::string> argv = {"sadd", "h"};
  for (int i = 0; i < 50; ++i) argv.push_back("m" + std::to_string(i));
  Run(argv);
  for (std::string count : {"5", "30", "49"}) {
    auto r = Run({"srandmember", "h", count});
    ASSERT_THAT(r, ArrLen(std::stoi(count)));
    std::set<std::string> distinct;
    for (auto& e : r.elems) distinct.insert(e.str);
    EXPECT_EQ(distinct.size(), r.elems.size());
  }
  EXPECT_THAT(Run({"srandmember", "h", "100"}), ArrLen(50));
  EXPECT_THAT(Run({"srandmember", "h", "-100"}), ArrLen(100));
  EXPECT_THAT(Run({"srandmember", "h", "0"}), ArrLen(0));
  EXPECT_THAT(Run({"srandmember", "nokey"}), NullArg());
  EXPECT_THAT(Run({"srandmember", "nokey", "3"}), ArrLen(0));
  EXPECT_THAT(Run({"srandmember", "h", "x"}), ErrArg("ERR value is not an integer"));
  EXPECT_THAT(Run({"srandmember", "h", "-9223372036854775808"}),
              ErrArg("must between -9223372036854775807 and 9223372036854775807"));
  EXPECT_THAT(Run({"scard", "h"}), IntArg(50));
}

TEST_F(SetFamilyTest, ScanIntsetWholeAndHashtableComplete) {
  Run({"sadd", "s", "5", "1", "10"});
  auto r = Run({"sscan", "s", "7", "COUNT", "1"});
  ASSERT_THAT(r, ArrLen(2));
  EXPECT_THAT(r.elems[0], BulkArg("0"));
  EXPECT_THAT(StrArray(r.elems[1]), ElementsAre("1", "5", "10"));
  EXPECT_THAT(StrArray(Run({"sscan", "s", "0", "MATCH", "1*"}).elems[1]), ElementsAre("1", "10"));
  EXPECT_THAT(Run({"sscan", "s", "x"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"sscan", "s", "0", "COUNT", "0"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"sscan", "s", "0", "TYPE", "set"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"sscan", "nokey", "0", "COUNT", "0"}).elems[1], ArrLen(0));

  std::vector<std::string> argv = {"sadd", "h"};
  for (int i = 0; i < 300; ++i) argv.push_back("m" + std::to_string(i));
  Run(argv);
  std::set<std::string> seen;
  std::string cursor = "0";
  int pages = 0;
  do {
    auto page = Run({"sscan", "h", cursor, "COUNT", "7"});
    cursor = page.elems[0].str;
    for (auto& e : page.elems[1].elems) seen.insert(e.str);
    ++pages;
  } while (cursor != "0" && pages < 10000);
  EXPECT_EQ(seen.size(), 300u);
  EXPECT_GT(pages, 10);
}

TEST_F(SetFamilyTest, Resp3ReplyTypes) {
  Run({"hello", "3"});
  Run({"sadd", "s", "1", "2"});
  EXPECT_EQ(Run({"smembers", "s"}).type, RespValue::Type::kSet);
  EXPECT_EQ(Run({"spop", "nokey", "1"}).type, RespValue::Type::kSet);
  EXPECT_EQ(Run({"srandmember", "s", "5"}).type, RespValue::Type::kArray);
  EXPECT_EQ(Run({"smismember", "s", "1"}).type, RespValue::Type::kArray);
}

TEST_F(SetFamilyTest, MemoryAccountingFollowsWrites) {
  int64_t before = engine().UsedMemory();
  std::vector<std::string> argv = {"sadd", "h"};
  for (int i = 0; i < 200; ++i) argv.push_back("member-" + std::to_string(i));
  Run(argv);
  EXPECT_GT(engine().UsedMemory(), before + 200 * 8);
  Run({"del", "h"});
  EXPECT_EQ(engine().UsedMemory(), before);
}

}  // namespace
}  // namespace fincache
