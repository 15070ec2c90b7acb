// SORT and SORT_RO through the dispatcher. Expected replies were checked against Redis 7.0.15.
#include <string>
#include <vector>

#include "command_test_base.h"
#include "engine/engine.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key";
constexpr std::string_view kNotDouble = "ERR One or more scores can't be converted into double";

class SortFamilyTest : public CommandTest {
 protected:
  std::vector<std::string> Sort(std::vector<std::string> argv) {
    argv.insert(argv.begin(), "sort");
    RespValue r = Run(argv);
    EXPECT_TRUE(r.IsAggregate()) << r.ToString();
    return StrArray(r);
  }
};

TEST_F(SortFamilyTest, NumericAndAlpha) {
  Run({"rpush", "l", "3", "1", "2", "10", "-5", "1.5"});
  EXPECT_THAT(Sort({"l"}), ElementsAre("-5", "1", "1.5", "2", "3", "10"));
  EXPECT_THAT(Sort({"l", "desc"}), ElementsAre("10", "3", "2", "1.5", "1", "-5"));
  EXPECT_THAT(Sort({"l", "ALPHA"}), ElementsAre("-5", "1", "1.5", "10", "2", "3"));
  EXPECT_THAT(Sort({"l", "alpha", "desc", "asc"}), ElementsAre("-5", "1", "1.5", "10", "2", "3"));
  // Equal scores fall back to comparing the elements as bytes.
  Run({"rpush", "t", "1.0", "1", "01", "0x1"});
  EXPECT_THAT(Sort({"t"}), ElementsAre("01", "0x1", "1", "1.0"));
  // strtod rules: leading spaces, hex, inf.
  Run({"rpush", "n", "1e3", "0x10", " 7", "inf", "-inf"});
  EXPECT_THAT(Sort({"n"}), ElementsAre("-inf", " 7", "0x10", "1e3", "inf"));
}

TEST_F(SortFamilyTest, ScoreErrors) {
  Run({"rpush", "bad", "1", "x", "2"});
  EXPECT_THAT(Run({"sort", "bad"}), ErrArg(kNotDouble));
  EXPECT_THAT(Sort({"bad", "alpha"}), ElementsAre("1", "2", "x"));
  EXPECT_THAT(Sort({"bad", "by", "nosort"}), ElementsAre("1", "x", "2"));
  EXPECT_THAT(Sort({"bad", "by", "nokey_*"}), ElementsAre("1", "2", "x"));  // all weigh 0
  for (const char* v : {"7 ", "nan", "1e400", "1e-400"}) {
    Run({"del", "k"});
    Run({"rpush", "k", v});
    EXPECT_THAT(Run({"sort", "k"}), ErrArg(kNotDouble)) << v;
  }
  // The error comes before STORE writes anything.
  EXPECT_THAT(Run({"sort", "bad", "store", "dst"}), ErrArg(kNotDouble));
  EXPECT_THAT(Run({"exists", "dst"}), IntArg(0));
}

TEST_F(SortFamilyTest, Limit) {
  Run({"rpush", "l", "5", "4", "3", "2", "1"});
  EXPECT_THAT(Sort({"l", "limit", "1", "2"}), ElementsAre("2", "3"));
  EXPECT_THAT(Sort({"l", "limit", "-3", "2"}), ElementsAre("1", "2"));
  EXPECT_THAT(Sort({"l", "limit", "3", "-1"}), ElementsAre("4", "5"));
  EXPECT_THAT(Sort({"l", "limit", "0", "0"}), ElementsAre());
  EXPECT_THAT(Sort({"l", "limit", "5", "1"}), ElementsAre());
  EXPECT_THAT(Sort({"l", "limit", "4", "100"}), ElementsAre("5"));
  EXPECT_THAT(Sort({"l", "limit", "1", "2", "limit", "0", "1"}), ElementsAre("1"));
  EXPECT_THAT(Run({"sort", "l", "limit", "x", "1"}), ErrArg("ERR value is not an integer"));
  EXPECT_THAT(Run({"sort", "l", "limit", "1"}), ErrArg("ERR syntax error"));
}

TEST_F(SortFamilyTest, DontSortKeepsListAndZSetOrder) {
  Run({"rpush", "l", "c", "a", "b", "d"});
  EXPECT_THAT(Sort({"l", "by", "nosort"}), ElementsAre("c", "a", "b", "d"));
  EXPECT_THAT(Sort({"l", "by", "nosort", "desc"}), ElementsAre("d", "b", "a", "c"));
  EXPECT_THAT(Sort({"l", "by", "nosort", "limit", "1", "2"}), ElementsAre("a", "b"));
  EXPECT_THAT(Sort({"l", "by", "nosort", "desc", "limit", "1", "2"}), ElementsAre("b", "a"));
  // A later BY with '*' doesn't undo "don't sort".
  EXPECT_THAT(Sort({"l", "by", "nosort", "by", "w_*"}), ElementsAre("c", "a", "b", "d"));

  Run({"zadd", "z", "3", "c", "1", "a", "2", "b", "0", "d"});
  EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("listpack"));
  EXPECT_THAT(Sort({"z", "by", "nosort"}), ElementsAre("d", "a", "b", "c"));
  EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("skiplist"));  // as Redis converts
  EXPECT_THAT(Sort({"z", "by", "nosort", "desc"}), ElementsAre("c", "b", "a", "d"));
  EXPECT_THAT(Sort({"z", "by", "nosort", "limit", "1", "2"}), ElementsAre("a", "b"));
  EXPECT_THAT(Sort({"z", "by", "nosort", "desc", "limit", "1", "20"}), ElementsAre("b", "a", "d"));
  EXPECT_THAT(Sort({"z", "by", "nosort", "limit", "9", "1"}), ElementsAre());
  EXPECT_THAT(Sort({"z", "alpha", "desc"}), ElementsAre("d", "c", "b", "a"));
  EXPECT_THAT(Run({"sort", "z"}), ErrArg(kNotDouble));
  Run({"zadd", "z2", "1", "m"});
  Run({"sort_ro", "z2", "limit", "x", "y"});  // fails parsing: no lookup, no conversion
  EXPECT_THAT(Run({"object", "encoding", "z2"}), BulkArg("listpack"));
  Run({"sort_ro", "z2", "by", "nosort"});
  EXPECT_THAT(Run({"object", "encoding", "z2"}), BulkArg("skiplist"));
}

TEST_F(SortFamilyTest, Sets) {
  Run({"sadd", "s", "5", "3", "9", "1"});
  EXPECT_THAT(Sort({"s"}), ElementsAre("1", "3", "5", "9"));
  EXPECT_THAT(Sort({"s", "by", "nosort"}), ElementsAre("1", "3", "5", "9"));  // intset order
  EXPECT_THAT(Sort({"s", "desc", "limit", "1", "2"}), ElementsAre("5", "3"));
  Run({"sadd", "h", "b", "c", "a"});
  EXPECT_THAT(Sort({"h", "by", "nosort"}), UnorderedElementsAre("a", "b", "c"));
  // With STORE an unsorted set is sorted ALPHA, so the stored list is deterministic.
  EXPECT_THAT(Run({"sort", "h", "by", "nosort", "store", "d"}), IntArg(3));
  EXPECT_THAT(StrArray(Run({"lrange", "d", "0", "-1"})), ElementsAre("a", "b", "c"));
}

TEST_F(SortFamilyTest, ByAndGetPatterns) {
  Run({"rpush", "l", "3", "1", "2"});
  Run({"mset", "w_1", "30", "w_2", "10", "w_3", "20"});
  EXPECT_THAT(Sort({"l", "by", "w_*"}), ElementsAre("2", "3", "1"));
  EXPECT_THAT(Sort({"l", "by", "w_*", "desc", "limit", "0", "1"}), ElementsAre("1"));
  // A partial sort under LIMIT: equal weights (missing ones weigh 0) still order by element.
  EXPECT_THAT(Sort({"l", "by", "w_*", "limit", "1", "1"}), ElementsAre("3"));
  EXPECT_THAT(Sort({"l", "by", "none_*", "desc", "limit", "1", "2"}), ElementsAre("2", "1"));
  EXPECT_THAT(Sort({"l", "by", "w_*", "get", "#", "get", "w_*", "get", "nostar", "get", "o_*"}),
              ElementsAre("2", "10", "(nil)", "(nil)", "3", "20", "(nil)", "(nil)", "1", "30",
                          "(nil)", "(nil)"));
  Run({"hset", "h_1", "f", "9", "->", "arrow"});
  Run({"hset", "h_2", "f", "5"});
  Run({"hset", "h_3", "f", "7"});
  EXPECT_THAT(Sort({"l", "by", "h_*->f"}), ElementsAre("2", "3", "1"));
  EXPECT_THAT(Sort({"l", "by", "h_*->f", "get", "h_*->f", "get", "h_*->nofield"}),
              ElementsAre("5", "(nil)", "7", "(nil)", "9", "(nil)"));
  // "->" with nothing after it is part of the key name; a hash read as a string is nil.
  Run({"set", "h_1->", "plain"});
  EXPECT_THAT(Sort({"l", "by", "nosort", "get", "h_*->", "get", "h_*"}),
              ElementsAre("(nil)", "(nil)", "plain", "(nil)", "(nil)", "(nil)"));
  // A string key read as a hash is nil.
  EXPECT_THAT(Sort({"l", "by", "nosort", "get", "w_*->f"}), ElementsAre("(nil)", "(nil)", "(nil)"));
  // ALPHA BY: missing weights first, equal ones keep the input order.
  Run({"rpush", "a", "x", "y", "z", "q"});
  Run({"mset", "k_x", "b", "k_y", "a", "k_q", "a"});
  EXPECT_THAT(Sort({"a", "by", "k_*", "alpha"}), ElementsAre("z", "y", "q", "x"));
  EXPECT_THAT(Sort({"a", "by", "k_*", "alpha", "desc"}), ElementsAre("x", "y", "q", "z"));
}

TEST_F(SortFamilyTest, AlphaCollation) {
  // strcoll in the C locale: bytes as unsigned, and only up to the first NUL.
  Run({"rpush", "a", "\xff", "b", "B", std::string("a\0z", 3), std::string("a\0b", 3), "a"});
  EXPECT_THAT(Sort({"a", "alpha"}),
              ElementsAre("B", std::string("a\0z", 3), std::string("a\0b", 3), "a", "b", "\xff"));
  // With STORE the comparison is binary over the whole string.
  EXPECT_THAT(Run({"sort", "a", "alpha", "store", "d"}), IntArg(6));
  EXPECT_THAT(StrArray(Run({"lrange", "d", "0", "-1"})),
              ElementsAre("B", "a", std::string("a\0b", 3), std::string("a\0z", 3), "b", "\xff"));
}

TEST_F(SortFamilyTest, Store) {
  Run({"rpush", "l", "3", "1", "2"});
  Run({"set", "dst", "v", "ex", "100"});
  EXPECT_THAT(Run({"sort", "l", "store", "dst"}), IntArg(3));
  EXPECT_THAT(Run({"type", "dst"}), SimpleArg("list"));
  EXPECT_THAT(Run({"ttl", "dst"}), IntArg(-1));
  EXPECT_THAT(StrArray(Run({"lrange", "dst", "0", "-1"})), ElementsAre("1", "2", "3"));
  // GET values go in the list, a missing one as "".
  Run({"set", "w_1", "one"});
  EXPECT_THAT(Run({"sort", "l", "get", "#", "get", "w_*", "store", "dst"}), IntArg(6));
  EXPECT_THAT(StrArray(Run({"lrange", "dst", "0", "-1"})),
              ElementsAre("1", "one", "2", "", "3", ""));
  // An empty result deletes the destination; storing onto the source works.
  EXPECT_THAT(Run({"sort", "l", "limit", "0", "0", "store", "dst"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "dst"}), IntArg(0));
  EXPECT_THAT(Run({"sort", "nokey", "store", "l2"}), IntArg(0));
  EXPECT_THAT(Run({"sort", "l", "desc", "store", "l"}), IntArg(3));
  EXPECT_THAT(StrArray(Run({"lrange", "l", "0", "-1"})), ElementsAre("3", "2", "1"));
  // The last STORE wins.
  EXPECT_THAT(Run({"sort", "l", "store", "a", "store", "b"}), IntArg(3));
  EXPECT_THAT(Run({"exists", "a", "b"}), IntArg(1));
  EXPECT_THAT(Run({"exists", "b"}), IntArg(1));
}

TEST_F(SortFamilyTest, ErrorsAndWrongType) {
  Run({"set", "str", "x"});
  EXPECT_THAT(Run({"sort", "str"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"sort_ro", "str"}), ErrArg(kWrongType));
  Run({"hset", "hash", "a", "1"});
  EXPECT_THAT(Run({"sort", "hash"}), ErrArg(kWrongType));
  // Option errors come before the type check.
  EXPECT_THAT(Run({"sort", "str", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"sort", "str", "limit", "1", "x"}), ErrArg("ERR value is not an integer"));
  EXPECT_THAT(Run({"sort_ro", "str", "store", "d"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"sort", "l", "by"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"sort", "l", "get"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"sort", "l", "store"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"sort"}), ErrArg("wrong number of arguments for 'sort' command"));
  EXPECT_THAT(Run({"sort_ro"}), ErrArg("wrong number of arguments for 'sort_ro' command"));
  EXPECT_THAT(Run({"sort", "nokey"}), ArrLen(0));
  EXPECT_THAT(Run({"sort_ro", "nokey", "get", "#"}), ArrLen(0));
}

TEST_F(SortFamilyTest, Resp3NullsAndKeyspaceStats) {
  Run({"rpush", "l", "2", "1"});
  Run({"set", "v_1", "5"});
  Run({"config", "resetstat"});
  // Lookups: the sorted key (hit), BY for 2 elements (1 hit, 1 miss), GET v_* for 2 elements.
  EXPECT_THAT(Sort({"l", "by", "v_*", "get", "v_*", "get", "#"}),
              ElementsAre("(nil)", "2", "5", "1"));
  RespValue info = Run({"info", "stats"});
  EXPECT_NE(info.str.find("keyspace_hits:3\r\n"), std::string::npos) << info.str;
  EXPECT_NE(info.str.find("keyspace_misses:2\r\n"), std::string::npos) << info.str;
  session_.resp = 3;
  RespValue r = Run({"sort", "l", "get", "v_*"});
  ASSERT_THAT(r, ArrLen(2));
  EXPECT_EQ(r.elems[0].type, RespValue::Type::kBulk);
  EXPECT_EQ(r.elems[1].type, RespValue::Type::kNull);
}

TEST_F(SortFamilyTest, GetKeys) {
  auto keys = [this](std::vector<std::string> argv) {
    argv.insert(argv.begin(), {"command", "getkeys"});
    return StrArray(Run(argv));
  };
  EXPECT_THAT(keys({"sort", "a", "store", "b", "by", "x", "get", "y"}), ElementsAre("a", "b"));
  EXPECT_THAT(keys({"sort", "a", "limit", "store", "1", "store", "c"}), ElementsAre("a", "c"));
  EXPECT_THAT(keys({"sort", "a", "store"}), ElementsAre("a"));
  EXPECT_THAT(keys({"sort", "a", "get", "store", "x"}), ElementsAre("a"));
  EXPECT_THAT(keys({"sort_ro", "a", "store", "b"}), ElementsAre("a"));
}

}  // namespace
}  // namespace fincache
