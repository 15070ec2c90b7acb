// ZUNION ZINTER ZDIFF (+STORE), ZINTERCARD and ZMPOP through the dispatcher. Expected replies
// were checked against Redis 7.0.15.
#include <string>
#include <vector>

#include "command_test_base.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;

constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key";

class ZsetSetOpsTest : public CommandTest {
 protected:
  std::vector<std::string> Strs(std::initializer_list<std::string_view> argv) {
    return StrArray(Run(argv));
  }
  void Fill() {
    Run({"zadd", "z1", "1", "a", "2", "b", "3", "c"});
    Run({"zadd", "z2", "10", "b", "20", "c", "30", "d"});
    Run({"sadd", "s", "a", "d", "e"});
  }
};

// ---- ZMPOP ----

TEST_F(ZsetSetOpsTest, ZmpopMinMax) {
  Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  RespValue v = Run({"zmpop", "2", "nokey", "z", "min"});
  ASSERT_THAT(v, ArrLen(2));
  EXPECT_THAT(v.elems[0], BulkArg("z"));
  ASSERT_THAT(v.elems[1], ArrLen(1));
  EXPECT_THAT(v.elems[1].elems[0].elems, ElementsAre(BulkArg("a"), BulkArg("1")));

  v = Run({"zmpop", "1", "z", "MAX", "COUNT", "5"});
  ASSERT_THAT(v.elems[1], ArrLen(2));
  EXPECT_THAT(v.elems[1].elems[0].elems, ElementsAre(BulkArg("c"), BulkArg("3")));
  EXPECT_THAT(v.elems[1].elems[1].elems, ElementsAre(BulkArg("b"), BulkArg("2")));
  EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
  EXPECT_EQ(Run({"zmpop", "1", "z", "min"}).type, RespValue::Type::kNullArray);
}

TEST_F(ZsetSetOpsTest, ZmpopResp3) {
  Run({"zadd", "z", "1.5", "a"});
  session_.resp = 3;
  RespValue v = Run({"zmpop", "1", "z", "min"});
  ASSERT_THAT(v, ArrLen(2));
  ASSERT_THAT(v.elems[1].elems[0], ArrLen(2));
  EXPECT_EQ(v.elems[1].elems[0].elems[1].type, RespValue::Type::kDouble);
  EXPECT_EQ(v.elems[1].elems[0].elems[1].dbl, 1.5);
  EXPECT_THAT(Run({"zmpop", "1", "z", "min"}), NullArg());
}

TEST_F(ZsetSetOpsTest, ZmpopErrors) {
  Run({"zadd", "z", "1", "a"});
  Run({"set", "str", "v"});
  EXPECT_THAT(Run({"zmpop", "0", "z", "min"}), ErrArg("ERR numkeys should be greater than 0"));
  EXPECT_THAT(Run({"zmpop", "x", "z", "min"}), ErrArg("ERR numkeys should be greater than 0"));
  EXPECT_THAT(Run({"zmpop", "2", "z", "min"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zmpop", "1", "z", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zmpop", "1", "z", "min", "count", "0"}),
              ErrArg("ERR count should be greater than 0"));
  EXPECT_THAT(Run({"zmpop", "1", "z", "min", "count"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zmpop", "1", "z", "min", "count", "1", "count", "1"}),
              ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zmpop", "1", "z"}), ErrArg("wrong number of arguments"));
  // The first existing key decides: WRONGTYPE even when a later key is a sorted set.
  EXPECT_THAT(Run({"zmpop", "2", "str", "z", "min"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"zcard", "z"}), IntArg(1));
}

// ---- ZUNION / ZINTER / ZDIFF ----

TEST_F(ZsetSetOpsTest, Zunion) {
  Fill();
  EXPECT_THAT(Strs({"zunion", "2", "z1", "z2", "withscores"}),
              ElementsAre("a", "1", "b", "12", "c", "23", "d", "30"));
  EXPECT_THAT(
      Strs({"zunion", "3", "z1", "z2", "s", "weights", "1", "0.5", "2", "aggregate", "max"}),
      ElementsAre("a", "e", "b", "c", "d"));
  EXPECT_THAT(Strs({"zunion", "2", "z1", "nokey"}), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Strs({"zunion", "2", "z1", "z2", "aggregate", "min", "withscores"}),
              ElementsAre("a", "1", "b", "2", "c", "3", "d", "30"));
}

TEST_F(ZsetSetOpsTest, ZunionPlainSetScoresOne) {
  Fill();
  EXPECT_THAT(Strs({"zunion", "1", "s", "withscores"}), ElementsAre("a", "1", "d", "1", "e", "1"));
}

TEST_F(ZsetSetOpsTest, Zinter) {
  Fill();
  EXPECT_THAT(Strs({"zinter", "2", "z1", "z2", "withscores"}), ElementsAre("b", "12", "c", "23"));
  EXPECT_THAT(Strs({"zinter", "2", "z1", "s", "weights", "2", "3", "withscores"}),
              ElementsAre("a", "5"));
  EXPECT_THAT(Strs({"zinter", "2", "z1", "nokey"}), ElementsAre());
  EXPECT_THAT(Strs({"zinter", "2", "z1", "z1", "aggregate", "sum", "withscores"}),
              ElementsAre("a", "2", "b", "4", "c", "6"));
}

TEST_F(ZsetSetOpsTest, Zdiff) {
  Fill();
  EXPECT_THAT(Strs({"zdiff", "2", "z1", "z2", "withscores"}), ElementsAre("a", "1"));
  EXPECT_THAT(Strs({"zdiff", "2", "z2", "s"}), ElementsAre("b", "c"));
  EXPECT_THAT(Strs({"zdiff", "2", "nokey", "z1"}), ElementsAre());
  EXPECT_THAT(Strs({"zdiff", "1", "s", "withscores"}), ElementsAre("a", "1", "d", "1", "e", "1"));
  EXPECT_THAT(Strs({"zdiff", "2", "z1", "z1"}), ElementsAre());
}

TEST_F(ZsetSetOpsTest, InfinitiesAndNan) {
  Run({"zadd", "p", "inf", "a", "1", "x"});
  Run({"zadd", "n", "-inf", "a"});
  // inf + -inf is 0 in SUM; 0 * inf (weight 0) counts as 0.
  EXPECT_THAT(Strs({"zunion", "2", "p", "n", "withscores"}), ElementsAre("a", "0", "x", "1"));
  EXPECT_THAT(Strs({"zinter", "2", "p", "n", "withscores"}), ElementsAre("a", "0"));
  EXPECT_THAT(Strs({"zunion", "1", "p", "weights", "0", "withscores"}),
              ElementsAre("a", "0", "x", "0"));
  EXPECT_THAT(Strs({"zunion", "2", "p", "n", "aggregate", "max", "withscores"}),
              ElementsAre("x", "1", "a", "inf"));
  // The inputs are summed from the smallest to the largest: (inf + -inf) + 5, not NaN.
  Run({"zadd", "big", "5", "a", "1", "y", "2", "z"});
  Run({"zadd", "mid", "-inf", "a", "1", "w"});
  Run({"zadd", "one", "inf", "a"});
  EXPECT_THAT(Strs({"zunion", "3", "big", "mid", "one", "withscores"}),
              ElementsAre("w", "1", "y", "1", "z", "2", "a", "5"));
}

TEST_F(ZsetSetOpsTest, Resp3WithScores) {
  Fill();
  session_.resp = 3;
  RespValue v = Run({"zinter", "2", "z1", "z2", "withscores"});
  ASSERT_THAT(v, ArrLen(2));
  ASSERT_THAT(v.elems[0], ArrLen(2));
  EXPECT_THAT(v.elems[0].elems[0], BulkArg("b"));
  EXPECT_EQ(v.elems[0].elems[1].type, RespValue::Type::kDouble);
  EXPECT_EQ(v.elems[0].elems[1].dbl, 12);
  EXPECT_THAT(Strs({"zdiff", "2", "z1", "z2"}), ElementsAre("a"));
}

TEST_F(ZsetSetOpsTest, ParseErrors) {
  Fill();
  Run({"set", "str", "v"});
  EXPECT_THAT(Run({"zunion", "0", "z1"}),
              ErrArg("ERR at least 1 input key is needed for 'zunion' command"));
  EXPECT_THAT(Run({"zinterstore", "d", "-1", "z1"}),
              ErrArg("ERR at least 1 input key is needed for 'zinterstore' command"));
  EXPECT_THAT(Run({"zdiff", "x", "z1"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"zunion", "3", "z1", "z2"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zunion", "1", "z1", "weights"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zunion", "1", "z1", "weights", "x"}),
              ErrArg("ERR weight value is not a float"));
  EXPECT_THAT(Run({"zunion", "1", "z1", "weights", "nan"}),
              ErrArg("ERR weight value is not a float"));
  EXPECT_THAT(Run({"zunion", "1", "z1", "weights", "1", "2"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zunion", "1", "z1", "aggregate", "avg"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zunion", "1", "z1", "aggregate"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zunionstore", "d", "1", "z1", "withscores"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zdiff", "1", "z1", "weights", "1"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zdiff", "1", "z1", "aggregate", "sum"}), ErrArg("ERR syntax error"));
  // WRONGTYPE is checked before the options.
  EXPECT_THAT(Run({"zunion", "2", "z1", "str", "weights", "x"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"zunionstore", "d", "2", "nokey", "str"}), ErrArg(kWrongType));
}

// ---- *STORE ----

TEST_F(ZsetSetOpsTest, StoreOverwritesAndDeletes) {
  Fill();
  Run({"set", "d", "string"});
  Run({"expire", "d", "100"});
  EXPECT_THAT(Run({"zunionstore", "d", "2", "z1", "s"}), IntArg(5));
  EXPECT_THAT(Run({"type", "d"}), SimpleArg("zset"));
  EXPECT_THAT(Run({"ttl", "d"}), IntArg(-1));
  EXPECT_THAT(Strs({"zrange", "d", "0", "-1", "withscores"}),
              ElementsAre("d", "1", "e", "1", "a", "2", "b", "2", "c", "3"));
  EXPECT_THAT(Run({"zinterstore", "d", "2", "z1", "z2", "weights", "1", "-1"}), IntArg(2));
  EXPECT_THAT(Strs({"zrange", "d", "0", "-1", "withscores"}), ElementsAre("c", "-17", "b", "-8"));
  EXPECT_THAT(Run({"zdiffstore", "d", "2", "z1", "z1"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "d"}), IntArg(0));
  // The destination may be one of the inputs.
  EXPECT_THAT(Run({"zdiffstore", "z1", "2", "z1", "z2"}), IntArg(1));
  EXPECT_THAT(Strs({"zrange", "z1", "0", "-1"}), ElementsAre("a"));
}

TEST_F(ZsetSetOpsTest, StoreEncodingBySize) {
  std::vector<std::string> big = {"zadd", "big"};
  for (int i = 0; i < 200; ++i) {
    big.push_back(std::to_string(i));
    big.push_back("m" + std::to_string(i));
  }
  Run(big);
  Run({"zadd", "small", "1", "m1", "2", "m2"});
  EXPECT_THAT(Run({"object", "encoding", "big"}), BulkArg("skiplist"));
  EXPECT_THAT(Run({"zinterstore", "d", "2", "big", "small"}), IntArg(2));
  EXPECT_THAT(Run({"object", "encoding", "d"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"zunionstore", "d", "1", "big"}), IntArg(200));
  EXPECT_THAT(Run({"object", "encoding", "d"}), BulkArg("skiplist"));
  std::string longm(70, 'x');
  Run({"zadd", "l", "1", longm});
  EXPECT_THAT(Run({"zunionstore", "d", "1", "l"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "d"}), BulkArg("skiplist"));
}

// ---- ZINTERCARD ----

TEST_F(ZsetSetOpsTest, Zintercard) {
  Fill();
  Run({"set", "str", "v"});
  EXPECT_THAT(Run({"zintercard", "2", "z1", "z2"}), IntArg(2));
  EXPECT_THAT(Run({"zintercard", "2", "z1", "z2", "limit", "1"}), IntArg(1));
  EXPECT_THAT(Run({"zintercard", "2", "z1", "z2", "LIMIT", "0"}), IntArg(2));
  EXPECT_THAT(Run({"zintercard", "2", "z2", "s"}), IntArg(1));
  EXPECT_THAT(Run({"zintercard", "2", "z1", "nokey"}), IntArg(0));
  EXPECT_THAT(Run({"zintercard", "0", "z1"}),
              ErrArg("ERR at least 1 input key is needed for 'zintercard' command"));
  EXPECT_THAT(Run({"zintercard", "3", "z1"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zintercard", "1", "z1", "limit", "-1"}), ErrArg("ERR LIMIT can't be negative"));
  EXPECT_THAT(Run({"zintercard", "1", "z1", "limit", "x"}), ErrArg("ERR LIMIT can't be negative"));
  EXPECT_THAT(Run({"zintercard", "1", "z1", "limit"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zintercard", "1", "z1", "withscores"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"zintercard", "2", "z1", "str", "limit", "-1"}), ErrArg(kWrongType));
}

TEST_F(ZsetSetOpsTest, GetKeys) {
  EXPECT_THAT(Strs({"command", "getkeys", "zunionstore", "d", "2", "a", "b", "weights", "1", "2"}),
              ElementsAre("d", "a", "b"));
  EXPECT_THAT(Strs({"command", "getkeys", "zinter", "2", "a", "b"}), ElementsAre("a", "b"));
  EXPECT_THAT(Strs({"command", "getkeys", "zmpop", "2", "a", "b", "min"}), ElementsAre("a", "b"));
}

}  // namespace
}  // namespace fincache
