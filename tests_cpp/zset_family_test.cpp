// Sorted set family through the dispatcher. Expected replies were checked against Redis 7.0.15.
#include <set>
#include <string>
#include <vector>

#include "command_test_base.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;

constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key";

class ZsetFamilyTest : public CommandTest {
 protected:
  std::vector<std::string> Range(std::initializer_list<std::string_view> argv) {
    return StrArray(Run(argv));
  }
};

// ---- ZADD / ZINCRBY ----

TEST_F(ZsetFamilyTest, ZaddBasics) {
  EXPECT_THAT(Run({"zadd", "z", "1", "a", "2", "b", "1", "a"}), IntArg(2));
  EXPECT_THAT(Run({"zadd", "z", "3", "a", "2", "b", "4", "c"}), IntArg(1));
  EXPECT_THAT(Run({"zadd", "z", "ch", "5", "a", "2", "b", "9", "d"}), IntArg(2));
  EXPECT_THAT(Range({"zrange", "z", "0", "-1"}), ElementsAre("b", "c", "a", "d"));
  EXPECT_THAT(Run({"zcard", "z"}), IntArg(4));
}

TEST_F(ZsetFamilyTest, ZaddOptions) {
  EXPECT_THAT(Run({"zadd", "z", "xx", "1", "a"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
  EXPECT_THAT(Run({"zadd", "z", "nx", "1", "a"}), IntArg(1));
  EXPECT_THAT(Run({"zadd", "z", "nx", "5", "a", "2", "b"}), IntArg(1));
  EXPECT_THAT(Run({"zscore", "z", "a"}), BulkArg("1"));
  EXPECT_THAT(Run({"zadd", "z", "gt", "ch", "0", "a", "3", "b"}), IntArg(1));
  EXPECT_THAT(Run({"zadd", "z", "lt", "ch", "0", "a", "7", "b"}), IntArg(1));
  EXPECT_THAT(Run({"zmscore", "z", "a", "b"}).elems, ElementsAre(BulkArg("0"), BulkArg("3")));
  EXPECT_THAT(Run({"zadd", "z", "xx", "ch", "1", "a", "1", "new"}), IntArg(1));
  EXPECT_THAT(Run({"zscore", "z", "new"}), NullArg());
  // GT/LT never block new members.
  EXPECT_THAT(Run({"zadd", "z", "gt", "-5", "c"}), IntArg(1));
}

TEST_F(ZsetFamilyTest, ZaddIncr) {
  EXPECT_THAT(Run({"zadd", "z", "incr", "1.5", "a"}), BulkArg("1.5"));
  EXPECT_THAT(Run({"zadd", "z", "incr", "1", "a"}), BulkArg("2.5"));
  EXPECT_THAT(Run({"zadd", "z", "incr", "0", "a"}), BulkArg("2.5"));
  EXPECT_THAT(Run({"zadd", "z", "nx", "incr", "1", "a"}), NullArg());
  EXPECT_THAT(Run({"zadd", "z", "xx", "incr", "1", "b"}), NullArg());
  EXPECT_THAT(Run({"zadd", "z", "gt", "incr", "-1", "a"}), NullArg());
  EXPECT_THAT(Run({"zadd", "z", "lt", "incr", "-1", "a"}), BulkArg("1.5"));
  EXPECT_THAT(Run({"zadd", "z", "incr", "0.1", "c"}), BulkArg("0.10000000000000001"));
}

TEST_F(ZsetFamilyTest, ZaddErrors) {
  EXPECT_THAT(Run({"zadd", "z", "nx", "xx", "1", "a"}),
              ErrArg("ERR XX and NX options at the same time are not compatible"));
  EXPECT_THAT(Run({"zadd", "z", "gt", "lt", "1", "a"}),
              ErrArg("ERR GT, LT, and/or NX options at the same time are not compatible"));
  EXPECT_THAT(Run({"zadd", "z", "gt", "nx", "1", "a"}),
              ErrArg("ERR GT, LT, and/or NX options at the same time are not compatible"));
  EXPECT_THAT(Run({"zadd", "z", "incr", "1", "a", "2", "b"}),
              ErrArg("ERR INCR option supports a single increment-element pair"));
  EXPECT_THAT(Run({"zadd", "z", "x", "a"}), ErrArg("ERR value is not a valid float"));
  EXPECT_THAT(Run({"zadd", "z", "nan", "a"}), ErrArg("ERR value is not a valid float"));
  EXPECT_THAT(Run({"zadd", "z", "1", "a", "2"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zadd", "z", "xx", "ch"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zadd", "z", "1"}), ErrArg("wrong number of arguments"));
  EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
  EXPECT_THAT(Run({"zadd", "z", "inf", "a"}), IntArg(1));
  EXPECT_THAT(Run({"zadd", "z", "incr", "-inf", "a"}),
              ErrArg("ERR resulting score is not a number (NaN)"));
  EXPECT_THAT(Run({"zincrby", "z", "-inf", "a"}),
              ErrArg("ERR resulting score is not a number (NaN)"));
  Run({"set", "s", "v"});
  EXPECT_THAT(Run({"zadd", "s", "1", "a"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"zincrby", "s", "1", "a"}), ErrArg(kWrongType));
}

TEST_F(ZsetFamilyTest, Zincrby) {
  EXPECT_THAT(Run({"zincrby", "z", "2", "a"}), BulkArg("2"));
  EXPECT_THAT(Run({"zincrby", "z", "-0.5", "a"}), BulkArg("1.5"));
  EXPECT_THAT(Run({"zincrby", "z", "x", "a"}), ErrArg("ERR value is not a valid float"));
  session_.resp = 3;
  RespValue v = Run({"zincrby", "z", "1", "a"});
  EXPECT_EQ(v.type, RespValue::Type::kDouble);
  EXPECT_EQ(v.dbl, 2.5);
}

// ---- ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ----

TEST_F(ZsetFamilyTest, ZremDeletesEmptyKey) {
  Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_THAT(Run({"zrem", "z", "a", "x", "a"}), IntArg(1));
  EXPECT_THAT(Run({"zrem", "z", "b"}), IntArg(1));
  EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
  EXPECT_THAT(Run({"zrem", "z", "b"}), IntArg(0));
  EXPECT_THAT(Run({"zcard", "z"}), IntArg(0));
}

TEST_F(ZsetFamilyTest, ScoresAndRanks) {
  Run({"zadd", "z", "1", "a", "2", "b", "2", "c", "0.1", "d"});
  EXPECT_THAT(Run({"zscore", "z", "d"}), BulkArg("0.10000000000000001"));
  EXPECT_THAT(Run({"zscore", "z", "nope"}), NullArg());
  EXPECT_THAT(Run({"zscore", "nokey", "a"}), NullArg());
  EXPECT_THAT(Run({"zmscore", "z", "a", "x"}).elems, ElementsAre(BulkArg("1"), NullArg()));
  EXPECT_THAT(Run({"zmscore", "nokey", "a"}).elems, ElementsAre(NullArg()));
  EXPECT_THAT(Run({"zrank", "z", "d"}), IntArg(0));
  EXPECT_THAT(Run({"zrank", "z", "c"}), IntArg(3));
  EXPECT_THAT(Run({"zrevrank", "z", "c"}), IntArg(0));
  EXPECT_THAT(Run({"zrank", "z", "x"}), NullArg());
  EXPECT_THAT(Run({"zrevrank", "nokey", "x"}), NullArg());
}

TEST_F(ZsetFamilyTest, ZcountAndZlexcount) {
  Run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  EXPECT_THAT(Run({"zcount", "z", "-inf", "+inf"}), IntArg(4));
  EXPECT_THAT(Run({"zcount", "z", "(1", "3"}), IntArg(2));
  EXPECT_THAT(Run({"zcount", "z", "(1", "(2"}), IntArg(0));
  EXPECT_THAT(Run({"zcount", "z", "3", "1"}), IntArg(0));
  EXPECT_THAT(Run({"zcount", "z", "(", "5"}), IntArg(4));  // "(" alone reads as 0
  EXPECT_THAT(Run({"zcount", "z", "x", "1"}), ErrArg("ERR min or max is not a float"));
  EXPECT_THAT(Run({"zcount", "nokey", "x", "1"}), ErrArg("ERR min or max is not a float"));
  EXPECT_THAT(Run({"zlexcount", "z", "-", "+"}), IntArg(4));
  EXPECT_THAT(Run({"zlexcount", "z", "[b", "(d"}), IntArg(2));
  EXPECT_THAT(Run({"zlexcount", "z", "+", "-"}), IntArg(0));
  EXPECT_THAT(Run({"zlexcount", "z", "b", "d"}),
              ErrArg("ERR min or max not valid string range item"));
  EXPECT_THAT(Run({"zlexcount", "z", "-x", "+"}),
              ErrArg("ERR min or max not valid string range item"));
}

// ---- ZRANGE and friends ----

TEST_F(ZsetFamilyTest, ZrangeByRank) {
  Run({"zadd", "z", "5", "a", "1", "b", "3", "c", "3", "d", "9", "e"});
  EXPECT_THAT(Range({"zrange", "z", "0", "-1"}), ElementsAre("b", "c", "d", "a", "e"));
  EXPECT_THAT(Range({"zrange", "z", "-2", "10"}), ElementsAre("a", "e"));
  EXPECT_THAT(Run({"zrange", "z", "3", "1"}), ArrLen(0));
  EXPECT_THAT(Range({"zrange", "z", "0", "1", "withscores"}), ElementsAre("b", "1", "c", "3"));
  EXPECT_THAT(Range({"zrange", "z", "0", "1", "rev"}), ElementsAre("e", "a"));
  EXPECT_THAT(Range({"zrevrange", "z", "0", "1", "withscores"}), ElementsAre("e", "9", "a", "5"));
  EXPECT_THAT(Run({"zrange", "z", "0", "-1", "limit", "0", "1"}),
              ErrArg("LIMIT is only supported in combination with either BYSCORE or BYLEX"));
  EXPECT_THAT(Run({"zrange", "z", "0", "-1", "limit", "0", "-1"}), ArrLen(5));
  EXPECT_THAT(Run({"zrange", "z", "a", "1"}), ErrArg("ERR value is not an integer"));
  EXPECT_THAT(Run({"zrange", "z", "0", "1", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zrange", "nokey", "0", "-1"}), ArrLen(0));
}

TEST_F(ZsetFamilyTest, ZrangeByScore) {
  Run({"zadd", "z", "5", "a", "1", "b", "3", "c", "3", "d", "9", "e"});
  EXPECT_THAT(Range({"zrange", "z", "(1", "5", "byscore"}), ElementsAre("c", "d", "a"));
  EXPECT_THAT(Range({"zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "2"}),
              ElementsAre("c", "d"));
  EXPECT_THAT(Run({"zrange", "z", "-inf", "+inf", "byscore", "limit", "-1", "2"}), ArrLen(0));
  EXPECT_THAT(Range({"zrange", "z", "+inf", "-inf", "byscore", "rev", "limit", "1", "2"}),
              ElementsAre("a", "d"));
  EXPECT_THAT(Range({"zrangebyscore", "z", "3", "3", "withscores"}),
              ElementsAre("c", "3", "d", "3"));
  EXPECT_THAT(Range({"zrevrangebyscore", "z", "5", "(3"}), ElementsAre("a"));
  EXPECT_THAT(Run({"zrangebyscore", "z", "x", "1"}), ErrArg("ERR min or max is not a float"));
  EXPECT_THAT(Run({"zrangebyscore", "z", "1", "2", "rev"}), ErrArg("ERR syntax error"));
}

TEST_F(ZsetFamilyTest, ZrangeByLex) {
  Run({"zadd", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"});
  EXPECT_THAT(Range({"zrangebylex", "z", "[b", "(e"}), ElementsAre("b", "c", "d"));
  EXPECT_THAT(Range({"zrangebylex", "z", "-", "+", "limit", "1", "2"}), ElementsAre("b", "c"));
  EXPECT_THAT(Range({"zrevrangebylex", "z", "+", "(c"}), ElementsAre("e", "d"));
  EXPECT_THAT(Range({"zrange", "z", "[d", "-", "bylex", "rev"}), ElementsAre("d", "c", "b", "a"));
  EXPECT_THAT(Run({"zrange", "z", "-", "+", "bylex", "withscores"}),
              ErrArg("WITHSCORES not supported in combination with BYLEX"));
  EXPECT_THAT(Run({"zrangebylex", "z", "a", "+"}),
              ErrArg("ERR min or max not valid string range item"));
}

TEST_F(ZsetFamilyTest, ZrangeResp3Pairs) {
  Run({"zadd", "z", "1", "a", "2.5", "b"});
  session_.resp = 3;
  RespValue v = Run({"zrange", "z", "0", "-1", "withscores"});
  ASSERT_THAT(v, ArrLen(2));
  EXPECT_THAT(v.elems[1], ArrLen(2));
  EXPECT_THAT(v.elems[1].elems[0], BulkArg("b"));
  EXPECT_EQ(v.elems[1].elems[1].type, RespValue::Type::kDouble);
  EXPECT_EQ(v.elems[1].elems[1].dbl, 2.5);
}

TEST_F(ZsetFamilyTest, Zrangestore) {
  Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  Run({"set", "dst", "x", "ex", "100"});
  EXPECT_THAT(Run({"zrangestore", "dst", "z", "(1", "+inf", "byscore"}), IntArg(2));
  EXPECT_THAT(Run({"ttl", "dst"}), IntArg(-1));
  EXPECT_THAT(Range({"zrange", "dst", "0", "-1", "withscores"}), ElementsAre("b", "2", "c", "3"));
  EXPECT_THAT(Run({"zrangestore", "dst", "z", "5", "6"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "dst"}), IntArg(0));
  EXPECT_THAT(Run({"zrangestore", "dst", "z", "0", "1", "withscores"}), ErrArg("syntax error"));
  Run({"set", "s", "v"});
  EXPECT_THAT(Run({"zrangestore", "dst", "s", "0", "1"}), ErrArg(kWrongType));
}

TEST_F(ZsetFamilyTest, Zremrange) {
  Run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  EXPECT_THAT(Run({"zremrangebyrank", "z", "-1", "-1"}), IntArg(1));
  EXPECT_THAT(Run({"zremrangebyscore", "z", "(1", "2"}), IntArg(1));
  EXPECT_THAT(Run({"zremrangebylex", "z", "[a", "(c"}), IntArg(1));
  EXPECT_THAT(Range({"zrange", "z", "0", "-1"}), ElementsAre("c", "d"));
  EXPECT_THAT(Run({"zremrangebyrank", "z", "5", "9"}), IntArg(0));
  EXPECT_THAT(Run({"zremrangebyscore", "z", "x", "1"}), ErrArg("min or max is not a float"));
  EXPECT_THAT(Run({"zremrangebyrank", "z", "0", "-1"}), IntArg(2));
  EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
  EXPECT_THAT(Run({"zremrangebyrank", "z", "0", "-1"}), IntArg(0));
}

TEST_F(ZsetFamilyTest, Zpop) {
  Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_THAT(Range({"zpopmin", "z"}), ElementsAre("a", "1"));
  EXPECT_THAT(Range({"zpopmax", "z", "5"}), ElementsAre("c", "3", "b", "2"));
  EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
  EXPECT_THAT(Run({"zpopmin", "z"}), ArrLen(0));
  EXPECT_THAT(Run({"zpopmin", "z", "-1"}), ErrArg("must be positive"));
  EXPECT_THAT(Run({"zpopmin", "z", "1", "2"}), ErrArg("ERR syntax error"));
  Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_THAT(Run({"zpopmin", "z", "0"}), ArrLen(0));
  session_.resp = 3;
  EXPECT_THAT(Run({"zpopmin", "z"}), ArrLen(2));
  RespValue v = Run({"zpopmin", "z", "1"});
  ASSERT_THAT(v, ArrLen(1));
  EXPECT_THAT(v.elems[0], ArrLen(2));
}

// ---- encodings ----

TEST_F(ZsetFamilyTest, EncodingThresholds) {
  std::vector<std::string> argv = {"zadd", "z"};
  for (int i = 0; i < 128; ++i) {
    argv.push_back(std::to_string(i));
    argv.push_back("m" + std::to_string(i));
  }
  Run(argv);
  EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("listpack"));
  Run({"zadd", "z", "1000", "last"});
  EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("skiplist"));
  EXPECT_THAT(Run({"zremrangebyrank", "z", "0", "-3"}), IntArg(127));
  EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("skiplist"));
  EXPECT_THAT(Range({"zrange", "z", "0", "-1", "withscores"}),
              ElementsAre("m127", "127", "last", "1000"));
  Run({"zadd", "v", "1", std::string(64, 'x')});
  EXPECT_THAT(Run({"object", "encoding", "v"}), BulkArg("listpack"));
  Run({"zadd", "v", "1", std::string(65, 'x')});
  EXPECT_THAT(Run({"object", "encoding", "v"}), BulkArg("skiplist"));
  EXPECT_THAT(Run({"config", "set", "zset-max-listpack-entries", "1"}), SimpleArg("OK"));
  Run({"zadd", "w", "1", "a", "2", "b"});
  EXPECT_THAT(Run({"object", "encoding", "w"}), BulkArg("skiplist"));
  EXPECT_THAT(Run({"zrangestore", "d", "w", "0", "0"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "d"}), BulkArg("listpack"));
  Run({"config", "set", "zset-max-ziplist-entries", "128"});
}

// -0 reads back as 0 from a listpack (Redis stores scores as text there), not from a skiplist.
TEST_F(ZsetFamilyTest, NegativeZero) {
  Run({"zadd", "z", "-0", "a"});
  EXPECT_THAT(Run({"zscore", "z", "a"}), BulkArg("0"));
  Run({"config", "set", "zset-max-listpack-entries", "0"});
  Run({"zadd", "big", "-0", "a"});
  EXPECT_THAT(Run({"zscore", "big", "a"}), BulkArg("-0"));
  Run({"config", "set", "zset-max-listpack-entries", "128"});
}

TEST_F(ZsetFamilyTest, SkiplistRangesMatchListpack) {
  // The same operations on both encodings give the same replies.
  for (const char* key : {"small", "big"}) {
    if (std::string(key) == "big") Run({"config", "set", "zset-max-listpack-entries", "0"});
    for (int i = 0; i < 40; ++i) Run({"zadd", key, std::to_string(i % 7), "m" + std::to_string(i)});
    Run({"config", "set", "zset-max-listpack-entries", "128"});
  }
  EXPECT_THAT(Run({"object", "encoding", "big"}), BulkArg("skiplist"));
  const std::vector<std::vector<std::string>> probes = {
      {"zrange", "K", "0", "-1", "withscores"},
      {"zrange", "K", "(2", "5", "byscore", "limit", "3", "7"},
      {"zrange", "K", "5", "(2", "byscore", "rev", "withscores"},
      {"zrank", "K", "m33"},
      {"zrevrank", "K", "m33"},
      {"zcount", "K", "1", "(4"},
      {"zpopmax", "K", "3"},
      {"zremrangebyscore", "K", "2", "3"},
      {"zremrangebyrank", "K", "3", "10"},
      {"zrange", "K", "0", "-1", "withscores"},
  };
  for (auto probe : probes) {
    probe[1] = "small";
    RespValue a = Run(probe);
    probe[1] = "big";
    RespValue b = Run(probe);
    EXPECT_EQ(a.ToString(), b.ToString()) << probe[0];
  }
}

// ---- ZRANDMEMBER / ZSCAN ----

TEST_F(ZsetFamilyTest, Zrandmember) {
  EXPECT_THAT(Run({"zrandmember", "z"}), NullArg());
  EXPECT_THAT(Run({"zrandmember", "z", "3"}), ArrLen(0));
  Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  RespValue one = Run({"zrandmember", "z"});
  EXPECT_THAT(std::vector<std::string>({"a", "b", "c"}), ::testing::Contains(one.str));
  EXPECT_THAT(Range({"zrandmember", "z", "10", "withscores"}),
              ElementsAre("c", "3", "b", "2", "a", "1"));
  RespValue two = Run({"zrandmember", "z", "2"});
  ASSERT_THAT(two, ArrLen(2));
  EXPECT_NE(two.elems[0].str, two.elems[1].str);
  EXPECT_THAT(Run({"zrandmember", "z", "-7"}), ArrLen(7));
  EXPECT_THAT(Run({"zrandmember", "z", "0"}), ArrLen(0));
  EXPECT_THAT(Run({"zrandmember", "z", "1", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zrandmember", "z", "x"}), ErrArg("ERR value is not an integer"));
  EXPECT_THAT(Run({"zrandmember", "z", "9223372036854775807", "withscores"}),
              ErrArg("ERR value is out of range"));
}

TEST_F(ZsetFamilyTest, ZscanListpackWhole) {
  Run({"zadd", "z", "1", "a", "2", "b", "0.5", "ab"});
  EXPECT_THAT(Run({"zscan", "z", "0", "count", "1"}).elems[1], ArrLen(6));
  EXPECT_THAT(StrArray(Run({"zscan", "z", "0", "match", "a*"}).elems[1]),
              ElementsAre("ab", "0.5", "a", "1"));
  EXPECT_THAT(Run({"zscan", "z", "0", "count", "0"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zscan", "z", "x"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"zscan", "nokey", "0", "count", "0"}).elems[1], ArrLen(0));
}

TEST_F(ZsetFamilyTest, ZscanSkiplistVisitsEveryMemberOnce) {
  std::vector<std::string> argv = {"zadd", "z"};
  for (int i = 0; i < 300; ++i) {
    argv.push_back(std::to_string(i % 17));  // runs of equal scores
    argv.push_back("m" + std::to_string(i));
  }
  Run(argv);
  EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("skiplist"));
  std::multiset<std::string> seen;
  std::string cursor = "0";
  int pages = 0;
  do {
    RespValue r = Run({"zscan", "z", cursor, "count", "7"});
    cursor = r.elems[0].str;
    for (size_t i = 0; i < r.elems[1].elems.size(); i += 2) seen.insert(r.elems[1].elems[i].str);
    ASSERT_LT(++pages, 1000);
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 300u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 300u);
  EXPECT_GT(pages, 10);
}

}  // namespace
}  // namespace fincache
