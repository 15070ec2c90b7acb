// Hash family through the dispatcher, plus HashValue directly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "command_test_base.h"
#include "types/hash.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class HashFamilyTest : public CommandTest {
 protected:
  std::vector<std::string> Fill(const std::string& key, int n) {
    std::vector<std::string> argv{"hset", key};
    for (int i = 0; i < n; ++i) {
      argv.push_back("f" + std::to_string(i));
      argv.push_back("v" + std::to_string(i));
    }
    return argv;
  }
};

TEST_F(HashFamilyTest, HSetHGet) {
  EXPECT_THAT(Run({"hset", "h", "a", "1", "b", "2"}), IntArg(2));
  EXPECT_THAT(Run({"hset", "h", "a", "3", "c", "4"}), IntArg(1));
  EXPECT_THAT(Run({"hget", "h", "a"}), BulkArg("3"));
  EXPECT_THAT(Run({"hget", "h", "zz"}), NullArg());
  EXPECT_THAT(Run({"hget", "nokey", "a"}), NullArg());
  EXPECT_THAT(Run({"type", "h"}), SimpleArg("hash"));
  EXPECT_THAT(Run({"hset", "h", "a", "1", "b"}),
              ErrArg("ERR wrong number of arguments for 'hset' command"));
  EXPECT_THAT(Run({"hset", "h", "a"}), ErrArg("wrong number of arguments"));
}

TEST_F(HashFamilyTest, HMSetHMGet) {
  EXPECT_THAT(Run({"hmset", "h", "a", "1", "b", "2"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"hmset", "h", "a"}), ErrArg("wrong number of arguments for 'hmset'"));
  EXPECT_THAT(Run({"hmset", "h", "a", "1", "b"}), ErrArg("wrong number of arguments for 'hmset'"));
  auto r = Run({"hmget", "h", "a", "x", "b"});
  EXPECT_THAT(StrArray(r), ElementsAre("1", "(nil)", "2"));
  EXPECT_THAT(StrArray(Run({"hmget", "nokey", "a", "b"})), ElementsAre("(nil)", "(nil)"));
}

TEST_F(HashFamilyTest, HSetNx) {
  EXPECT_THAT(Run({"hsetnx", "h", "a", "1"}), IntArg(1));
  EXPECT_THAT(Run({"hsetnx", "h", "a", "2"}), IntArg(0));
  EXPECT_THAT(Run({"hget", "h", "a"}), BulkArg("1"));
}

TEST_F(HashFamilyTest, GetAllKeysValsInInsertionOrder) {
  Run({"hset", "h", "z", "1", "y", "2", "x", "3"});
  Run({"hset", "h", "y", "9"});
  Run({"hdel", "h", "z"});
  Run({"hset", "h", "z", "0"});
  EXPECT_THAT(StrArray(Run({"hgetall", "h"})), ElementsAre("y", "9", "x", "3", "z", "0"));
  EXPECT_THAT(StrArray(Run({"hkeys", "h"})), ElementsAre("y", "x", "z"));
  EXPECT_THAT(StrArray(Run({"hvals", "h"})), ElementsAre("9", "3", "0"));
  EXPECT_THAT(Run({"hgetall", "nokey"}), ArrLen(0));
  session_.resp = 3;
  auto m = Run({"hgetall", "h"});
  EXPECT_EQ(m.type, RespValue::Type::kMap);
  EXPECT_EQ(m.elems.size(), 6u);
  EXPECT_EQ(Run({"hgetall", "nokey"}).type, RespValue::Type::kMap);
}

TEST_F(HashFamilyTest, HLenHExistsHStrLen) {
  Run({"hset", "h", "a", "hello", "b", "-12"});
  EXPECT_THAT(Run({"hlen", "h"}), IntArg(2));
  EXPECT_THAT(Run({"hlen", "nokey"}), IntArg(0));
  EXPECT_THAT(Run({"hexists", "h", "a"}), IntArg(1));
  EXPECT_THAT(Run({"hexists", "h", "c"}), IntArg(0));
  EXPECT_THAT(Run({"hstrlen", "h", "a"}), IntArg(5));
  EXPECT_THAT(Run({"hstrlen", "h", "b"}), IntArg(3));
  EXPECT_THAT(Run({"hstrlen", "h", "c"}), IntArg(0));
}

TEST_F(HashFamilyTest, HDelDeletesEmptyKey) {
  Run({"hset", "h", "a", "1", "b", "2"});
  Run({"expire", "h", "100"});
  EXPECT_THAT(Run({"hdel", "h", "a", "a", "x"}), IntArg(1));
  EXPECT_THAT(Run({"exists", "h"}), IntArg(1));
  EXPECT_THAT(Run({"hdel", "h", "b"}), IntArg(1));
  EXPECT_THAT(Run({"exists", "h"}), IntArg(0));
  EXPECT_THAT(Run({"hdel", "h", "b"}), IntArg(0));
  Run({"hset", "h", "a", "1"});
  EXPECT_THAT(Run({"ttl", "h"}), IntArg(-1));  // a new key, no TTL left over
}

TEST_F(HashFamilyTest, HIncrBy) {
  EXPECT_THAT(Run({"hincrby", "h", "n", "5"}), IntArg(5));
  EXPECT_THAT(Run({"hincrby", "h", "n", "-7"}), IntArg(-2));
  EXPECT_THAT(Run({"hincrby", "h", "n", "x"}),
              ErrArg("ERR value is not an integer or out of range"));
  Run({"hset", "h", "s", "abc", "big", "9223372036854775807"});
  EXPECT_THAT(Run({"hincrby", "h", "s", "1"}), ErrArg("ERR hash value is not an integer"));
  EXPECT_THAT(Run({"hincrby", "h", "big", "1"}),
              ErrArg("ERR increment or decrement would overflow"));
  EXPECT_THAT(Run({"hincrby", "nokey", "a", "x"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"exists", "nokey"}), IntArg(0));
}

TEST_F(HashFamilyTest, HIncrByFloat) {
  EXPECT_THAT(Run({"hincrbyfloat", "h", "x", "1.5"}), BulkArg("1.5"));
  EXPECT_THAT(Run({"hincrbyfloat", "h", "x", "0.1"}), BulkArg("1.6"));
  EXPECT_THAT(Run({"hincrbyfloat", "h", "x", "-1.6"}), BulkArg("0"));
  EXPECT_THAT(Run({"hincrbyfloat", "h", "x", "5.0e3"}), BulkArg("5000"));
  EXPECT_THAT(Run({"hincrbyfloat", "h", "x", "abc"}), ErrArg("ERR value is not a valid float"));
  EXPECT_THAT(Run({"hincrbyfloat", "h", "x", "inf"}), ErrArg("ERR value is NaN or Infinity"));
  Run({"hset", "h", "s", "abc"});
  EXPECT_THAT(Run({"hincrbyfloat", "h", "s", "1"}), ErrArg("ERR hash value is not a float"));
  Run({"hincrbyfloat", "h", "m", "1e4932"});
  EXPECT_THAT(Run({"hincrbyfloat", "h", "m", "1e4932"}),
              ErrArg("ERR increment would produce NaN or Infinity"));
}

TEST_F(HashFamilyTest, WrongType) {
  Run({"set", "s", "x"});
  for (auto argv : std::vector<std::vector<std::string>>{{"hset", "s", "a", "1"},
                                                         {"hget", "s", "a"},
                                                         {"hgetall", "s"},
                                                         {"hlen", "s"},
                                                         {"hdel", "s", "a"},
                                                         {"hincrby", "s", "a", "1"},
                                                         {"hrandfield", "s"},
                                                         {"hrandfield", "s", "0"},
                                                         {"hscan", "s", "0"}})
    EXPECT_THAT(Run(argv), ErrArg("WRONGTYPE")) << argv[0];
}

TEST_F(HashFamilyTest, EncodingThresholds) {
  Run(Fill("h", 512));
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("listpack"));
  Run({"hset", "h", "extra", "1"});
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("hashtable"));
  Run({"hdel", "h", "extra", "f1"});
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("hashtable"));  // never back
  EXPECT_THAT(Run({"hlen", "h"}), IntArg(511));
  EXPECT_THAT(Run({"hget", "h", "f300"}), BulkArg("v300"));

  Run({"hset", "v", "a", std::string(64, 'x')});
  EXPECT_THAT(Run({"object", "encoding", "v"}), BulkArg("listpack"));
  Run({"hset", "v", "b", std::string(65, 'x')});
  EXPECT_THAT(Run({"object", "encoding", "v"}), BulkArg("hashtable"));
  Run({"hset", "w", "a", "1"});
  Run({"hincrby", "w", std::string(65, 'f'), "1"});
  EXPECT_THAT(Run({"object", "encoding", "w"}), BulkArg("hashtable"));
}

TEST_F(HashFamilyTest, EncodingConfig) {
  EXPECT_THAT(Run({"config", "set", "hash-max-ziplist-entries", "2"}), SimpleArg("OK"));
  EXPECT_THAT(StrArray(Run({"config", "get", "hash-max-listpack-entries"})),
              ElementsAre("hash-max-listpack-entries", "2"));
  Run({"hset", "h", "a", "1", "b", "2"});
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("listpack"));
  Run({"hset", "h", "c", "3"});
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"config", "set", "hash-max-listpack-value", "1kb"}), SimpleArg("OK"));
  Run({"config", "set", "hash-max-listpack-entries", "512"});
  Run({"hset", "k", "a", std::string(1000, 'x')});
  EXPECT_THAT(Run({"object", "encoding", "k"}), BulkArg("listpack"));
  Run({"config", "set", "hash-max-listpack-value", "64"});
}

TEST_F(HashFamilyTest, HRandField) {
  EXPECT_THAT(Run({"hrandfield", "nokey"}), NullArg());
  EXPECT_THAT(Run({"hrandfield", "nokey", "3"}), ArrLen(0));
  Run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  auto one = Run({"hrandfield", "h"});
  EXPECT_THAT(Run({"hexists", "h", one.str}), IntArg(1));
  EXPECT_THAT(StrArray(Run({"hrandfield", "h", "5"})), ElementsAre("a", "b", "c"));
  EXPECT_THAT(StrArray(Run({"hrandfield", "h", "3", "withvalues"})),
              ElementsAre("a", "1", "b", "2", "c", "3"));
  EXPECT_THAT(Run({"hrandfield", "h", "0"}), ArrLen(0));
  EXPECT_THAT(Run({"hrandfield", "h", "-7"}), ArrLen(7));
  EXPECT_THAT(Run({"hrandfield", "h", "-7", "withvalues"}), ArrLen(14));
  auto two = StrArray(Run({"hrandfield", "h", "2"}));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_NE(two[0], two[1]);
  EXPECT_THAT(Run({"hrandfield", "h", "1", "x"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"hrandfield", "h", "-9223372036854775808"}),
              ErrArg("must between -9223372036854775807 and 9223372036854775807"));
  EXPECT_THAT(Run({"hrandfield", "h", "-4611686018427387904", "withvalues"}),
              ErrArg("ERR value is out of range"));
  session_.resp = 3;
  auto pairs = Run({"hrandfield", "h", "-4", "withvalues"});
  ASSERT_THAT(pairs, ArrLen(4));
  for (auto& p : pairs.elems) EXPECT_THAT(p, ArrLen(2));
}

TEST_F(HashFamilyTest, HRandFieldBig) {
  Run(Fill("h", 600));
  auto few = StrArray(Run({"hrandfield", "h", "10"}));
  EXPECT_EQ(few.size(), 10u);
  EXPECT_EQ(std::set<std::string>(few.begin(), few.end()).size(), 10u);
  auto many = StrArray(Run({"hrandfield", "h", "500"}));
  EXPECT_EQ(std::set<std::string>(many.begin(), many.end()).size(), 500u);
  EXPECT_THAT(Run({"hrandfield", "h", "-1000"}), ArrLen(1000));
  EXPECT_THAT(Run({"hrandfield", "h", "600"}), ArrLen(600));
}

TEST_F(HashFamilyTest, HScan) {
  Run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  auto r = Run({"hscan", "h", "7", "count", "1"});
  ASSERT_THAT(r, ArrLen(2));
  EXPECT_THAT(r.elems[0], BulkArg("0"));
  EXPECT_THAT(StrArray(r.elems[1]), ElementsAre("a", "1", "b", "2", "c", "3"));
  r = Run({"hscan", "h", "0", "match", "b*"});
  EXPECT_THAT(StrArray(r.elems[1]), ElementsAre("b", "2"));
  EXPECT_THAT(Run({"hscan", "h", "x"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"hscan", "h", "0", "count", "0"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"hscan", "h", "0", "foo", "1"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"hscan", "nokey", "0", "count", "0"}), ArrLen(2));

  Run(Fill("big", 1000));
  std::set<std::string> seen;
  std::string cursor = "0";
  int pages = 0;
  do {
    r = Run({"hscan", "big", cursor, "count", "20"});
    cursor = r.elems[0].str;
    auto items = StrArray(r.elems[1]);
    for (size_t i = 0; i + 1 < items.size(); i += 2) {
      EXPECT_EQ("v" + items[i].substr(1), items[i + 1]);
      seen.insert(items[i]);
    }
    ++pages;
  } while (cursor != "0" && pages < 10000);
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_GT(pages, 1);
}

TEST_F(HashFamilyTest, KeyspaceStats) {
  Run({"hset", "h", "a", "1"});
  Run({"config", "resetstat"});
  Run({"hget", "h", "a"});
  Run({"hget", "nokey", "a"});
  Run({"hset", "h", "b", "2"});  // writes count nothing
  EXPECT_EQ(engine().KeyspaceHits(), 1u);
  EXPECT_EQ(engine().KeyspaceMisses(), 1u);
}

TEST_F(HashFamilyTest, CopyIsDeep) {
  Run(Fill("h", 600));
  Run({"copy", "h", "c"});
  Run({"hdel", "h", "f7"});
  EXPECT_THAT(Run({"hget", "c", "f7"}), BulkArg("v7"));
  EXPECT_THAT(Run({"object", "encoding", "c"}), BulkArg("hashtable"));
}

// ---- HashValue directly ----

TEST(HashValueTest, ListpackToTableKeepsPairsAndMemoryGrows) {
  HashValue h;
  HashLimits limits{4, 8};
  size_t empty = h.MemoryUsage();
  EXPECT_TRUE(h.Set("a", "1", limits));
  EXPECT_FALSE(h.Set("a", "22", limits));
  EXPECT_TRUE(h.Set("", "", limits));
  EXPECT_EQ(*h.Get("a"), "22");
  EXPECT_EQ(*h.Get(""), "");
  EXPECT_GE(h.MemoryUsage(), empty);
  for (int i = 0; i < 4; ++i) h.Set("k" + std::to_string(i), std::string(300, 'x'), {100, 1000});
  EXPECT_EQ(h.encoding(), "listpack");
  size_t lp = h.MemoryUsage();
  EXPECT_GT(lp, 1200u);
  h.Set("big", "y", limits);  // 7 pairs > 4
  EXPECT_EQ(h.encoding(), "hashtable");
  EXPECT_EQ(h.size(), 7u);
  EXPECT_EQ(*h.Get("k2"), std::string(300, 'x'));
  EXPECT_GT(h.MemoryUsage(), 1200u);
  EXPECT_TRUE(h.Delete("k2"));
  EXPECT_FALSE(h.Delete("k2"));
  EXPECT_LT(h.MemoryUsage(), lp + 2000);
  auto clone = h.Clone();
  EXPECT_EQ(static_cast<HashValue*>(clone.get())->size(), 6u);
  EXPECT_EQ(clone->MemoryUsage(), h.MemoryUsage());
}

TEST(HashValueTest, LongStringsRoundTrip) {
  HashValue h;
  HashLimits limits{512, 1 << 20};
  std::string f(200, 'f'), v(70000, 'v');
  h.Set(f, v, limits);
  h.Set("x", "y", limits);
  EXPECT_EQ(h.encoding(), "listpack");
  EXPECT_EQ(*h.Get(f), v);
  EXPECT_EQ(*h.Get("x"), "y");
  h.Set(f, "short", limits);
  EXPECT_EQ(*h.Get(f), "short");
  EXPECT_EQ(*h.Get("x"), "y");
}

}  // namespace
}  // namespace fincache
