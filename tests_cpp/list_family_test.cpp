// List family through the dispatcher, and ListValue directly. Expected replies were checked
// against Redis 7.0.15.
#include <memory>
#include <string>
#include <vector>

#include "command_test_base.h"
#include "engine/engine.h"
#include "types/list.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;

constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key";

class ListFamilyTest : public CommandTest {
 protected:
  Db db() { return Db(engine(), session_.db_index, clock_.NowMs()); }
  bool Exists(std::string_view key) { return db().Find(key) != nullptr; }
  std::vector<std::string> Range(std::string_view key) {
    return StrArray(Run({"lrange", key, "0", "-1"}));
  }
  void Fill() { ASSERT_THAT(Run({"rpush", "l", "a", "b", "c", "b", "a"}), IntArg(5)); }
};

// ---- ListValue ------------------------------------------------------------------------------

TEST(ListValueTest, PushPopAndAccounting) {
  ListValue l;
  const size_t empty = l.MemoryUsage();
  l.Push(ListValue::End::kTail, "a");
  l.Push(ListValue::End::kHead, std::string(100, 'x'));
  l.Push(ListValue::End::kTail, "c");
  EXPECT_EQ(l.size(), 3u);
  EXPECT_EQ(l.at(0), std::string(100, 'x'));
  EXPECT_GT(l.MemoryUsage(), empty + 100);
  EXPECT_EQ(l.Pop(ListValue::End::kHead), std::string(100, 'x'));
  EXPECT_EQ(l.Pop(ListValue::End::kTail), "c");
  EXPECT_EQ(l.Pop(ListValue::End::kTail), "a");
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.MemoryUsage(), empty);
}

TEST(ListValueTest, AccountingStaysExactThroughEdits) {
  ListValue l;
  const size_t empty = l.MemoryUsage();
  for (int i = 0; i < 50; ++i)
    l.Push(ListValue::End::kTail, i % 3 == 0 ? std::string(40, 'a') : std::string("b"));
  l.Set(1, std::string(64, 'z'));
  l.Set(0, "s");
  l.Insert(5, std::string(30, 'q'));
  EXPECT_EQ(l.Remove(std::string(40, 'a'), 2), 2u);
  EXPECT_EQ(l.Remove("b", -3), 3u);
  l.Trim(2, 20);
  size_t expected = empty;
  for (size_t i = 0; i < l.size(); ++i) expected += ListValue::ElementBytes(l.at(i));
  EXPECT_EQ(l.MemoryUsage(), expected);
  auto copy = l.Clone();
  EXPECT_EQ(copy->MemoryUsage(), l.MemoryUsage());
  l.Clear();
  EXPECT_EQ(l.MemoryUsage(), empty);
}

TEST(ListValueTest, RemoveDirections) {
  ListValue l;
  for (const char* s : {"a", "b", "a", "c", "a"}) l.Push(ListValue::End::kTail, s);
  EXPECT_EQ(l.Remove("a", -2), 2u);
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l.at(0), "a");
  EXPECT_EQ(l.at(1), "b");
  EXPECT_EQ(l.at(2), "c");
  EXPECT_EQ(l.Remove("zz", 0), 0u);
  EXPECT_EQ(l.Remove("a", 0), 1u);
  EXPECT_EQ(l.encoding(), "quicklist");
}

// ---- push / pop -------------------------------------------------------------------------------

TEST_F(ListFamilyTest, PushAndRange) {
  EXPECT_THAT(Run({"lpush", "l", "a", "b"}), IntArg(2));
  EXPECT_THAT(Run({"rpush", "l", "c"}), IntArg(3));
  EXPECT_THAT(Range("l"), ElementsAre("b", "a", "c"));
  EXPECT_THAT(Run({"llen", "l"}), IntArg(3));
  EXPECT_THAT(Run({"llen", "nope"}), IntArg(0));
  EXPECT_THAT(Run({"type", "l"}), SimpleArg("list"));
  EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg("quicklist"));
}

TEST_F(ListFamilyTest, PushX) {
  EXPECT_THAT(Run({"lpushx", "l", "a"}), IntArg(0));
  EXPECT_THAT(Run({"rpushx", "l", "a", "b"}), IntArg(0));
  EXPECT_FALSE(Exists("l"));
  Run({"rpush", "l", "m"});
  EXPECT_THAT(Run({"lpushx", "l", "a", "b"}), IntArg(3));
  EXPECT_THAT(Run({"rpushx", "l", "z"}), IntArg(4));
  EXPECT_THAT(Range("l"), ElementsAre("b", "a", "m", "z"));
}

TEST_F(ListFamilyTest, PopSingle) {
  Fill();
  EXPECT_THAT(Run({"lpop", "l"}), BulkArg("a"));
  EXPECT_THAT(Run({"rpop", "l"}), BulkArg("a"));
  EXPECT_THAT(Run({"lpop", "nope"}), NullArg());
  EXPECT_EQ(Run({"lpop", "nope"}).type, RespValue::Type::kNull);
  Run({"rpop", "l"});
  Run({"rpop", "l"});
  EXPECT_THAT(Run({"rpop", "l"}), BulkArg("b"));
  EXPECT_FALSE(Exists("l"));  // the last pop deleted the key
}

TEST_F(ListFamilyTest, PopCount) {
  Fill();
  EXPECT_THAT(StrArray(Run({"lpop", "l", "2"})), ElementsAre("a", "b"));
  EXPECT_THAT(StrArray(Run({"rpop", "l", "2"})), ElementsAre("a", "b"));
  EXPECT_THAT(Run({"lpop", "l", "0"}), ArrLen(0));
  EXPECT_THAT(StrArray(Run({"lpop", "l", "10"})), ElementsAre("c"));
  EXPECT_FALSE(Exists("l"));
  EXPECT_EQ(Run({"lpop", "l", "0"}).type, RespValue::Type::kNullArray);
  EXPECT_EQ(Run({"rpop", "l", "3"}).type, RespValue::Type::kNullArray);
}

TEST_F(ListFamilyTest, PopErrors) {
  Fill();
  EXPECT_THAT(Run({"lpop", "l", "-1"}), ErrArg("ERR value is out of range, must be positive"));
  EXPECT_THAT(Run({"rpop", "l", "x"}), ErrArg("ERR value is out of range, must be positive"));
  EXPECT_THAT(Run({"lpop", "l", "1", "2"}),
              ErrArg("ERR wrong number of arguments for 'lpop' command"));
  Run({"set", "s", "v"});
  EXPECT_THAT(Run({"lpop", "s", "x"}), ErrArg("must be positive"));  // count checked first
  EXPECT_THAT(Run({"lpop", "s", "0"}), ErrArg(kWrongType));
}

// ---- index access ---------------------------------------------------------------------------

TEST_F(ListFamilyTest, LIndex) {
  Fill();
  EXPECT_THAT(Run({"lindex", "l", "0"}), BulkArg("a"));
  EXPECT_THAT(Run({"lindex", "l", "-2"}), BulkArg("b"));
  EXPECT_THAT(Run({"lindex", "l", "5"}), NullArg());
  EXPECT_THAT(Run({"lindex", "l", "-6"}), NullArg());
  EXPECT_THAT(Run({"lindex", "l", "x"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"lindex", "nope", "x"}), NullArg());  // key looked up first
}

TEST_F(ListFamilyTest, LSet) {
  Fill();
  EXPECT_THAT(Run({"lset", "l", "-1", "Z"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"lset", "l", "0", std::string(50, 'y')}), SimpleArg("OK"));
  EXPECT_THAT(Range("l"), ElementsAre(std::string(50, 'y'), "b", "c", "b", "Z"));
  EXPECT_THAT(Run({"lset", "l", "5", "q"}), ErrArg("ERR index out of range"));
  EXPECT_THAT(Run({"lset", "nope", "0", "q"}), ErrArg("ERR no such key"));
  EXPECT_THAT(Run({"lset", "nope", "x", "q"}), ErrArg("ERR no such key"));
  EXPECT_THAT(Run({"lset", "l", "x", "q"}), ErrArg("not an integer"));
}

TEST_F(ListFamilyTest, LRangeIndexes) {
  Fill();
  EXPECT_THAT(Range("l"), ElementsAre("a", "b", "c", "b", "a"));
  EXPECT_THAT(StrArray(Run({"lrange", "l", "-2", "100"})), ElementsAre("b", "a"));
  EXPECT_THAT(StrArray(Run({"lrange", "l", "-100", "0"})), ElementsAre("a"));
  EXPECT_THAT(Run({"lrange", "l", "3", "1"}), ArrLen(0));
  EXPECT_THAT(Run({"lrange", "l", "5", "9"}), ArrLen(0));
  EXPECT_THAT(Run({"lrange", "nope", "0", "-1"}), ArrLen(0));
  EXPECT_THAT(Run({"lrange", "nope", "x", "1"}), ErrArg("not an integer"));
}

// ---- LINSERT / LREM / LTRIM -----------------------------------------------------------------

TEST_F(ListFamilyTest, LInsert) {
  Fill();
  EXPECT_THAT(Run({"linsert", "l", "BEFORE", "b", "X"}), IntArg(6));
  EXPECT_THAT(Run({"linsert", "l", "after", "a", "Y"}), IntArg(7));
  EXPECT_THAT(Range("l"), ElementsAre("a", "Y", "X", "b", "c", "b", "a"));
  EXPECT_THAT(Run({"linsert", "l", "before", "zz", "Q"}), IntArg(-1));
  EXPECT_THAT(Run({"linsert", "nope", "before", "a", "Q"}), IntArg(0));
  EXPECT_THAT(Run({"linsert", "nope", "middle", "a", "Q"}), ErrArg("ERR syntax error"));
  EXPECT_FALSE(Exists("nope"));
}

TEST_F(ListFamilyTest, LRem) {
  Run({"rpush", "l", "a", "b", "a", "c", "a"});
  EXPECT_THAT(Run({"lrem", "l", "-2", "a"}), IntArg(2));
  EXPECT_THAT(Range("l"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Run({"lrem", "l", "1", "zz"}), IntArg(0));
  EXPECT_THAT(Run({"lrem", "l", "x", "a"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"lrem", "nope", "0", "a"}), IntArg(0));
  Run({"lrem", "l", "0", "a"});
  Run({"lrem", "l", "0", "b"});
  EXPECT_THAT(Run({"lrem", "l", "0", "c"}), IntArg(1));
  EXPECT_FALSE(Exists("l"));
}

TEST_F(ListFamilyTest, LTrim) {
  Fill();
  EXPECT_THAT(Run({"ltrim", "l", "1", "-2"}), SimpleArg("OK"));
  EXPECT_THAT(Range("l"), ElementsAre("b", "c", "b"));
  EXPECT_THAT(Run({"ltrim", "l", "-100", "100"}), SimpleArg("OK"));
  EXPECT_THAT(Range("l"), ElementsAre("b", "c", "b"));
  EXPECT_THAT(Run({"ltrim", "l", "2", "1"}), SimpleArg("OK"));
  EXPECT_FALSE(Exists("l"));
  EXPECT_THAT(Run({"ltrim", "nope", "0", "1"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"ltrim", "nope", "x", "1"}), ErrArg("not an integer"));
}

// ---- LPOS -----------------------------------------------------------------------------------

TEST_F(ListFamilyTest, LPos) {
  Fill();
  EXPECT_THAT(Run({"lpos", "l", "b"}), IntArg(1));
  EXPECT_THAT(Run({"lpos", "l", "zz"}), NullArg());
  EXPECT_THAT(Run({"lpos", "l", "a", "rank", "2"}), IntArg(4));
  EXPECT_THAT(Run({"lpos", "l", "a", "rank", "-1"}), IntArg(4));
  EXPECT_THAT(Run({"lpos", "l", "a", "rank", "-2"}), IntArg(0));
  EXPECT_THAT(Run({"lpos", "l", "a", "rank", "3"}), NullArg());
  RespValue all = Run({"lpos", "l", "a", "count", "0"});
  ASSERT_THAT(all, ArrLen(2));
  EXPECT_THAT(all.elems[1], IntArg(4));
  RespValue back = Run({"lpos", "l", "a", "rank", "-1", "count", "0"});
  ASSERT_THAT(back, ArrLen(2));
  EXPECT_THAT(back.elems[0], IntArg(4));
  EXPECT_THAT(Run({"lpos", "l", "a", "count", "0", "maxlen", "4"}), ArrLen(1));
  EXPECT_THAT(Run({"lpos", "nope", "a"}), NullArg());
  EXPECT_THAT(Run({"lpos", "nope", "a", "count", "1"}), ArrLen(0));
  // RANK LLONG_MIN: Redis's negation overflows; every match qualifies, COUNT never stops it.
  EXPECT_THAT(Run({"lpos", "l", "a", "rank", "-9223372036854775808"}), IntArg(4));
  EXPECT_THAT(Run({"lpos", "l", "a", "rank", "-9223372036854775808", "count", "1"}), ArrLen(2));
}

TEST_F(ListFamilyTest, LPosErrors) {
  Fill();
  EXPECT_THAT(Run({"lpos", "l", "a", "rank", "0"}), ErrArg("ERR RANK can't be zero"));
  EXPECT_THAT(Run({"lpos", "l", "a", "count", "-1"}), ErrArg("ERR COUNT can't be negative"));
  EXPECT_THAT(Run({"lpos", "l", "a", "count", "x"}), ErrArg("ERR COUNT can't be negative"));
  EXPECT_THAT(Run({"lpos", "l", "a", "maxlen", "-1"}), ErrArg("ERR MAXLEN can't be negative"));
  EXPECT_THAT(Run({"lpos", "l", "a", "rank", "x"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"lpos", "l", "a", "count"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"lpos", "l", "a", "foo", "1"}), ErrArg("ERR syntax error"));
}

// ---- LMOVE / RPOPLPUSH / LMPOP --------------------------------------------------------------

TEST_F(ListFamilyTest, LMove) {
  Run({"rpush", "s", "1", "2", "3"});
  EXPECT_THAT(Run({"lmove", "s", "d", "LEFT", "RIGHT"}), BulkArg("1"));
  EXPECT_THAT(Run({"lmove", "s", "d", "right", "left"}), BulkArg("3"));
  EXPECT_THAT(Range("d"), ElementsAre("3", "1"));
  EXPECT_THAT(Run({"lmove", "s", "d", "left", "left"}), BulkArg("2"));
  EXPECT_FALSE(Exists("s"));
  EXPECT_THAT(Run({"lmove", "s", "d", "left", "left"}), NullArg());
  EXPECT_THAT(Run({"lmove", "d", "d", "left", "right"}), BulkArg("2"));
  EXPECT_THAT(Range("d"), ElementsAre("3", "1", "2"));
  EXPECT_THAT(Run({"lmove", "d", "d", "up", "left"}), ErrArg("ERR syntax error"));
  Run({"set", "str", "v"});
  EXPECT_THAT(Run({"lmove", "d", "str", "left", "left"}), ErrArg(kWrongType));
  EXPECT_THAT(Range("d"), ElementsAre("3", "1", "2"));  // nothing popped
}

TEST_F(ListFamilyTest, LMoveSameKeySingleElementKeepsTtl) {
  Run({"rpush", "one", "x"});
  Run({"pexpire", "one", "10000"});
  EXPECT_THAT(Run({"rpoplpush", "one", "one"}), BulkArg("x"));
  EXPECT_THAT(Run({"pttl", "one"}), IntArg(10000));
  EXPECT_THAT(Range("one"), ElementsAre("x"));
}

TEST_F(ListFamilyTest, RPopLPush) {
  Run({"rpush", "s", "1", "2"});
  EXPECT_THAT(Run({"rpoplpush", "s", "d"}), BulkArg("2"));
  EXPECT_THAT(Run({"rpoplpush", "s", "d"}), BulkArg("1"));
  EXPECT_THAT(Range("d"), ElementsAre("1", "2"));
  EXPECT_FALSE(Exists("s"));
  EXPECT_THAT(Run({"rpoplpush", "s", "d"}), NullArg());
}

TEST_F(ListFamilyTest, LMPop) {
  Run({"rpush", "a", "1", "2", "3"});
  RespValue r = Run({"lmpop", "2", "nope", "a", "LEFT"});
  ASSERT_THAT(r, ArrLen(2));
  EXPECT_THAT(r.elems[0], BulkArg("a"));
  EXPECT_THAT(StrArray(r.elems[1]), ElementsAre("1"));
  r = Run({"lmpop", "1", "a", "right", "count", "5"});
  ASSERT_THAT(r, ArrLen(2));
  EXPECT_THAT(StrArray(r.elems[1]), ElementsAre("3", "2"));
  EXPECT_FALSE(Exists("a"));
  EXPECT_EQ(Run({"lmpop", "1", "a", "left"}).type, RespValue::Type::kNullArray);
}

TEST_F(ListFamilyTest, LMPopErrors) {
  Run({"rpush", "a", "1"});
  EXPECT_THAT(Run({"lmpop", "0", "a", "left"}), ErrArg("ERR numkeys should be greater than 0"));
  EXPECT_THAT(Run({"lmpop", "x", "a", "left"}), ErrArg("ERR numkeys should be greater than 0"));
  EXPECT_THAT(Run({"lmpop", "2", "a", "left"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"lmpop", "9", "a", "left"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"lmpop", "1", "a", "middle"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"lmpop", "1", "a", "left", "count", "0"}),
              ErrArg("ERR count should be greater than 0"));
  EXPECT_THAT(Run({"lmpop", "1", "a", "left", "count", "1", "count", "1"}),
              ErrArg("ERR syntax error"));
  Run({"set", "s", "v"});
  EXPECT_THAT(Run({"lmpop", "2", "s", "a", "left"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"llen", "a"}), IntArg(1));
}

TEST_F(ListFamilyTest, LMPopKeysForLocking) {
  const CommandSpec* spec = server_->registry().Find("lmpop");
  ASSERT_NE(spec, nullptr);
  std::vector<std::string_view> argv = {"lmpop", "2", "a", "b", "left"};
  KeyIndexes idx;
  ASSERT_TRUE(CommandRegistry::GetKeyIndexes(*spec, CmdArgList(argv.data(), argv.size()), &idx));
  EXPECT_THAT(std::vector<int>(idx.begin(), idx.end()), ElementsAre(2, 3));
  std::vector<std::string_view> bad = {"lmpop", "5", "a", "left"};
  KeyIndexes none;
  EXPECT_FALSE(CommandRegistry::GetKeyIndexes(*spec, CmdArgList(bad.data(), bad.size()), &none));
}

// ---- types and keyspace ---------------------------------------------------------------------

TEST_F(ListFamilyTest, WrongType) {
  Run({"set", "s", "v"});
  for (std::vector<std::string> argv :
       std::vector<std::vector<std::string>>{{"lpush", "s", "a"},
                                             {"rpushx", "s", "a"},
                                             {"lpop", "s"},
                                             {"llen", "s"},
                                             {"lrange", "s", "0", "1"},
                                             {"lindex", "s", "0"},
                                             {"lset", "s", "0", "a"},
                                             {"linsert", "s", "before", "a", "b"},
                                             {"lrem", "s", "0", "a"},
                                             {"ltrim", "s", "0", "1"},
                                             {"lpos", "s", "a"},
                                             {"rpoplpush", "s", "d"}}) {
    EXPECT_THAT(Run(argv), ErrArg(kWrongType)) << argv[0];
  }
  EXPECT_THAT(Run({"get", "s"}), BulkArg("v"));
  EXPECT_FALSE(Exists("d"));
}

TEST_F(ListFamilyTest, PushKeepsTtlAndExpiredListIsGone) {
  Run({"rpush", "l", "a"});
  Run({"pexpire", "l", "100"});
  Run({"rpush", "l", "b"});
  EXPECT_THAT(Run({"pttl", "l"}), IntArg(100));
  AdvanceTime(100);
  EXPECT_THAT(Run({"llen", "l"}), IntArg(0));
  EXPECT_THAT(Run({"lpushx", "l", "a"}), IntArg(0));
}

TEST_F(ListFamilyTest, CopyIsIndependent) {
  Run({"rpush", "l", "a", "b"});
  Run({"copy", "l", "m"});
  Run({"rpush", "m", "c"});
  EXPECT_THAT(Range("l"), ElementsAre("a", "b"));
  EXPECT_THAT(Range("m"), ElementsAre("a", "b", "c"));
}

TEST_F(ListFamilyTest, MemoryAccountingFollowsWrites) {
  const int64_t before = engine().UsedMemory();
  Run({"rpush", "l", std::string(1000, 'x'), std::string(1000, 'y')});
  const int64_t grown = engine().UsedMemory();
  EXPECT_GT(grown - before, 2000);
  Run({"rpop", "l"});
  EXPECT_LT(engine().UsedMemory(), grown - 900);
  Run({"rpop", "l"});
  EXPECT_EQ(engine().UsedMemory(), before);
}

}  // namespace
}  // namespace fincache
