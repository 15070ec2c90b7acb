// Generic (keyspace) family through the dispatcher with the fake clock. Keys are created directly
// through Db (Put/PutList) so these tests depend on no other family.
#include <set>

#include "command_test_base.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

// A minimal non-string value to exercise TYPE, SCAN TYPE, OBJECT ENCODING and COPY on composites.
class FakeList final : public CompositeValue {
 public:
  explicit FakeList(std::vector<std::string> items) : items_(std::move(items)) {}
  ObjType type() const override { return ObjType::kList; }
  std::string_view encoding() const override { return "listpack"; }
  size_t MemoryUsage() const override { return 16 * items_.size(); }
  std::unique_ptr<CompositeValue> Clone() const override {
    return std::make_unique<FakeList>(items_);
  }
  std::vector<std::string> items_;
};

class GenericFamilyTest : public CommandTest {
 protected:
  Db DbAt(int index) { return Db(engine(), index, clock_.NowMs()); }

  void Put(std::string_view key, std::string_view value, int db = 0) {
    Db d = DbAt(db);
    auto [e, inserted] = d.FindOrInsert(key);
    e->value = Value::String(value);
    d.SetExpire(e, 0);
    d.AfterWrite(e);
  }
  void PutList(std::string_view key, std::vector<std::string> items, int db = 0) {
    Db d = DbAt(db);
    auto [e, inserted] = d.FindOrInsert(key);
    e->value.SetObject(std::make_unique<FakeList>(std::move(items)));
    d.AfterWrite(e);
  }
  const Entry* Get(std::string_view key, int db = 0) { return DbAt(db).Find(key); }
  std::string StrOf(std::string_view key, int db = 0) {
    const Entry* e = Get(key, db);
    return e ? std::string(e->value.str()) : "(missing)";
  }

  // Runs a full SCAN with the given options, returning every key (with duplicates) and the
  // number of calls made.
  std::vector<std::string> ScanAll(std::vector<std::string> opts, int* calls = nullptr) {
    std::vector<std::string> all;
    std::string cursor = "0";
    int n = 0;
    do {
      std::vector<std::string> argv = {"scan", cursor};
      argv.insert(argv.end(), opts.begin(), opts.end());
      RespValue r = Run(argv);
      EXPECT_THAT(r, ArrLen(2));
      if (r.elems.size() != 2) break;
      EXPECT_EQ(r.elems[0].type, RespValue::Type::kBulk);
      cursor = r.elems[0].str;
      for (auto& k : StrArray(r.elems[1])) all.push_back(k);
      ++n;
    } while (cursor != "0" && n < 100000);
    if (calls) *calls = n;
    return all;
  }
};

// ---- DEL UNLINK EXISTS TOUCH TYPE -----------------------------------------------------------

TEST_F(GenericFamilyTest, DelAndUnlink) {
  Put("a", "1");
  Put("b", "2");
  Put("c", "3");
  EXPECT_THAT(Run({"del", "a", "a", "nokey"}), IntArg(1));
  EXPECT_EQ(Get("a"), nullptr);
  EXPECT_THAT(Run({"unlink", "b", "c", "x"}), IntArg(2));
  EXPECT_THAT(Run({"dbsize"}), IntArg(0));
  EXPECT_THAT(Run({"del"}), ErrArg("wrong number of arguments for 'del' command"));
  EXPECT_THAT(Run({"unlink"}), ErrArg("wrong number of arguments for 'unlink' command"));
}

TEST_F(GenericFamilyTest, DelExpiredKeyCountsZero) {
  Put("a", "1");
  EXPECT_THAT(Run({"pexpire", "a", "100"}), IntArg(1));
  AdvanceTime(100);
  EXPECT_THAT(Run({"del", "a"}), IntArg(0));
}

TEST_F(GenericFamilyTest, ExistsCountsDuplicates) {
  Put("a", "1");
  PutList("l", {"x"});
  EXPECT_THAT(Run({"exists", "a", "a", "a", "nokey", "l"}), IntArg(4));
  EXPECT_THAT(Run({"exists", "nokey"}), IntArg(0));
}

TEST_F(GenericFamilyTest, TouchCountsAndRefreshesLru) {
  Put("a", "1");
  AdvanceTime(10'000);
  EXPECT_THAT(Run({"object", "idletime", "a"}), IntArg(10));
  EXPECT_THAT(Run({"touch", "a", "a", "nokey"}), IntArg(2));
  EXPECT_THAT(Run({"object", "idletime", "a"}), IntArg(0));
}

TEST_F(GenericFamilyTest, Type) {
  Put("s", "v");
  PutList("l", {"x"});
  EXPECT_THAT(Run({"type", "s"}), SimpleArg("string"));
  EXPECT_THAT(Run({"type", "l"}), SimpleArg("list"));
  EXPECT_THAT(Run({"type", "nokey"}), SimpleArg("none"));
  EXPECT_THAT(Run({"type"}), ErrArg("wrong number of arguments for 'type' command"));
}

// ---- RENAME RENAMENX ------------------------------------------------------------------------

TEST_F(GenericFamilyTest, Rename) {
  Put("a", "1");
  Put("b", "2");
  EXPECT_THAT(Run({"rename", "a", "b"}), SimpleArg("OK"));
  EXPECT_EQ(Get("a"), nullptr);
  EXPECT_EQ(StrOf("b"), "1");
  EXPECT_THAT(Run({"rename", "nokey", "b"}), ErrArg("ERR no such key"));
  EXPECT_THAT(Run({"rename", "nokey", "nokey"}), ErrArg("ERR no such key"));
  EXPECT_THAT(Run({"rename", "b", "b"}), SimpleArg("OK"));
  EXPECT_EQ(StrOf("b"), "1");
  EXPECT_THAT(Run({"dbsize"}), IntArg(1));
}

TEST_F(GenericFamilyTest, RenameMovesTtlAndDropsDestinationTtl) {
  Put("a", "1");
  Put("b", "2");
  EXPECT_THAT(Run({"expire", "a", "100"}), IntArg(1));
  EXPECT_THAT(Run({"expire", "b", "500"}), IntArg(1));
  EXPECT_THAT(Run({"rename", "a", "b"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"ttl", "b"}), IntArg(100));
  // Renaming a key without TTL onto one with a TTL leaves no TTL.
  Put("c", "3");
  EXPECT_THAT(Run({"rename", "c", "b"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"ttl", "b"}), IntArg(-1));
  EXPECT_EQ(engine().ExpiresCount(0), 0);
  AdvanceTime(200'000);
  EXPECT_THAT(Run({"exists", "b"}), IntArg(1));
}

TEST_F(GenericFamilyTest, RenameExpiredSourceIsNoSuchKey) {
  Put("a", "1");
  EXPECT_THAT(Run({"pexpire", "a", "10"}), IntArg(1));
  AdvanceTime(10);
  EXPECT_THAT(Run({"rename", "a", "b"}), ErrArg("ERR no such key"));
  EXPECT_THAT(Run({"renamenx", "a", "b"}), ErrArg("ERR no such key"));
}

TEST_F(GenericFamilyTest, RenameNx) {
  Put("a", "1");
  Put("b", "2");
  EXPECT_THAT(Run({"renamenx", "a", "b"}), IntArg(0));
  EXPECT_EQ(StrOf("a"), "1");
  EXPECT_EQ(StrOf("b"), "2");
  EXPECT_THAT(Run({"renamenx", "a", "a"}), IntArg(0));
  EXPECT_THAT(Run({"renamenx", "a", "c"}), IntArg(1));
  EXPECT_EQ(Get("a"), nullptr);
  EXPECT_EQ(StrOf("c"), "1");
  EXPECT_THAT(Run({"renamenx", "nokey", "c"}), ErrArg("ERR no such key"));
}

TEST_F(GenericFamilyTest, RenameKeepsValueType) {
  PutList("l", {"x", "y"});
  EXPECT_THAT(Run({"rename", "l", "m"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"type", "m"}), SimpleArg("list"));
  EXPECT_EQ(Get("m")->value.As<FakeList>()->items_, (std::vector<std::string>{"x", "y"}));
}

// Write lookups refresh the LRU clock as Redis's lookupKeyWrite does, even when the command
// then changes nothing (PERSIST without TTL, EXPIRE GT failing, RENAMENX onto itself).
TEST_F(GenericFamilyTest, WriteLookupsTouchTheKey) {
  for (const char* k : {"a", "b", "c", "d", "e", "f", "g"}) Put(k, "v");
  AdvanceTime(5'000);
  EXPECT_THAT(Run({"rename", "a", "a2"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"object", "idletime", "a2"}), IntArg(0));
  EXPECT_THAT(Run({"expire", "b", "100"}), IntArg(1));
  EXPECT_THAT(Run({"object", "idletime", "b"}), IntArg(0));
  EXPECT_THAT(Run({"persist", "c"}), IntArg(0));
  EXPECT_THAT(Run({"object", "idletime", "c"}), IntArg(0));
  EXPECT_THAT(Run({"expire", "d", "100", "gt"}), IntArg(0));
  EXPECT_THAT(Run({"object", "idletime", "d"}), IntArg(0));
  EXPECT_THAT(Run({"renamenx", "e", "e"}), IntArg(0));
  EXPECT_THAT(Run({"object", "idletime", "e"}), IntArg(0));
  EXPECT_THAT(Run({"move", "f", "1"}), IntArg(1));
  EXPECT_EQ(Get("f", 1)->lru, engine().LruClock());
  EXPECT_THAT(Run({"object", "idletime", "g"}), IntArg(5));
}

// ---- COPY -----------------------------------------------------------------------------------

TEST_F(GenericFamilyTest, Copy) {
  Put("a", "1");
  EXPECT_THAT(Run({"copy", "a", "b"}), IntArg(1));
  EXPECT_EQ(StrOf("b"), "1");
  EXPECT_EQ(StrOf("a"), "1");
  EXPECT_THAT(Run({"copy", "a", "b"}), IntArg(0));
  Put("a", "2");
  EXPECT_THAT(Run({"copy", "a", "b", "REPLACE"}), IntArg(1));
  EXPECT_EQ(StrOf("b"), "2");
  EXPECT_THAT(Run({"copy", "nokey", "b"}), IntArg(0));
  EXPECT_THAT(Run({"copy", "nokey", "b", "replace"}), IntArg(0));
  EXPECT_EQ(StrOf("b"), "2");
}

TEST_F(GenericFamilyTest, CopyErrors) {
  Put("a", "1");
  EXPECT_THAT(Run({"copy", "a", "a"}), ErrArg("ERR source and destination objects are the same"));
  EXPECT_THAT(Run({"copy", "nokey", "nokey"}),
              ErrArg("ERR source and destination objects are the same"));
  EXPECT_THAT(Run({"copy", "a", "a", "db", "0"}),
              ErrArg("ERR source and destination objects are the same"));
  EXPECT_THAT(Run({"copy", "a", "x", "db", "16"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"copy", "a", "x", "db", "-1"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"copy", "a", "x", "db", "abc"}),
              ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"copy", "a", "x", "db", "4294967296"}),
              ErrArg("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_THAT(Run({"copy", "a", "x", "db", "9223372036854775808"}),
              ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"copy", "a", "x", "db"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"copy", "a", "x", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"copy", "a"}), ErrArg("wrong number of arguments for 'copy' command"));
}

TEST_F(GenericFamilyTest, CopyToOtherDbWithTtl) {
  Put("a", "1");
  EXPECT_THAT(Run({"expire", "a", "100"}), IntArg(1));
  EXPECT_THAT(Run({"copy", "a", "a", "db", "1"}), IntArg(1));
  EXPECT_EQ(StrOf("a", 1), "1");
  EXPECT_THAT(Run({"select", "1"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(100));
  EXPECT_THAT(Run({"copy", "a", "a", "db", "0"}), IntArg(0));  // exists in db 0
  EXPECT_THAT(Run({"copy", "a", "a", "DB", "0", "replace"}), IntArg(1));
  EXPECT_EQ(engine().DbSize(0), 1);
  EXPECT_EQ(engine().DbSize(1), 1);
}

TEST_F(GenericFamilyTest, CopyCompositeIsDeep) {
  PutList("l", {"x", "y"});
  EXPECT_THAT(Run({"copy", "l", "m"}), IntArg(1));
  EXPECT_THAT(Run({"type", "m"}), SimpleArg("list"));
  const Entry* l = Get("l");
  const Entry* m = Get("m");
  ASSERT_NE(l, nullptr);
  ASSERT_NE(m, nullptr);
  EXPECT_NE(l->value.obj(), m->value.obj());
  EXPECT_EQ(m->value.As<FakeList>()->items_, (std::vector<std::string>{"x", "y"}));
}

// ---- MOVE -----------------------------------------------------------------------------------

TEST_F(GenericFamilyTest, Move) {
  Put("a", "1");
  EXPECT_THAT(Run({"pexpire", "a", "5000"}), IntArg(1));
  EXPECT_THAT(Run({"move", "a", "3"}), IntArg(1));
  EXPECT_EQ(Get("a"), nullptr);
  EXPECT_EQ(StrOf("a", 3), "1");
  EXPECT_EQ(Get("a", 3)->expire_ms, clock_.NowMs() + 5000);
  EXPECT_EQ(engine().ExpiresCount(0), 0);
  EXPECT_EQ(engine().ExpiresCount(3), 1);
  EXPECT_THAT(Run({"move", "a", "3"}), IntArg(0));  // gone from db 0
  Put("a", "2");
  EXPECT_THAT(Run({"move", "a", "3"}), IntArg(0));  // present in db 3
  EXPECT_EQ(StrOf("a"), "2");
  EXPECT_EQ(StrOf("a", 3), "1");
}

TEST_F(GenericFamilyTest, MoveErrors) {
  Put("a", "1");
  EXPECT_THAT(Run({"move", "a", "0"}), ErrArg("ERR source and destination objects are the same"));
  EXPECT_THAT(Run({"move", "nokey", "0"}),
              ErrArg("ERR source and destination objects are the same"));
  EXPECT_THAT(Run({"move", "a", "16"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"move", "a", "-1"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"move", "a", "x"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"move", "a", "4294967296"}),
              ErrArg("ERR value is out of range, value must between -2147483648 and 2147483647"));
}

// ---- EXPIRE family ----------------------------------------------------------------------------

TEST_F(GenericFamilyTest, ExpireAndTtl) {
  Put("a", "1");
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(-1));
  EXPECT_THAT(Run({"pttl", "a"}), IntArg(-1));
  EXPECT_THAT(Run({"ttl", "nokey"}), IntArg(-2));
  EXPECT_THAT(Run({"pttl", "nokey"}), IntArg(-2));
  EXPECT_THAT(Run({"expire", "a", "10"}), IntArg(1));
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(10));
  EXPECT_THAT(Run({"pttl", "a"}), IntArg(10000));
  AdvanceTime(4'400);
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(6));  // 5.6s rounds to 6
  EXPECT_THAT(Run({"pttl", "a"}), IntArg(5600));
  AdvanceTime(5'599);
  EXPECT_THAT(Run({"pttl", "a"}), IntArg(1));
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(0));
  AdvanceTime(1);
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(-2));
  EXPECT_THAT(Run({"exists", "a"}), IntArg(0));
  EXPECT_THAT(Run({"expire", "nokey", "10"}), IntArg(0));
}

TEST_F(GenericFamilyTest, PExpireExpireAtPExpireAt) {
  const int64_t now = clock_.NowMs();
  Put("a", "1");
  EXPECT_THAT(Run({"pexpire", "a", "1500"}), IntArg(1));
  EXPECT_THAT(Run({"pexpiretime", "a"}), IntArg(now + 1500));
  EXPECT_THAT(Run({"expiretime", "a"}), IntArg((now + 1500 + 500) / 1000));
  EXPECT_THAT(Run({"expireat", "a", std::to_string(now / 1000 + 100)}), IntArg(1));
  EXPECT_THAT(Run({"pexpiretime", "a"}), IntArg((now / 1000 + 100) * 1000));
  EXPECT_THAT(Run({"pexpireat", "a", std::to_string(now + 777)}), IntArg(1));
  EXPECT_THAT(Run({"pttl", "a"}), IntArg(777));
  EXPECT_THAT(Run({"expiretime", "nokey"}), IntArg(-2));
  EXPECT_THAT(Run({"pexpiretime", "nokey"}), IntArg(-2));
  Put("b", "1");
  EXPECT_THAT(Run({"expiretime", "b"}), IntArg(-1));
  EXPECT_THAT(Run({"pexpiretime", "b"}), IntArg(-1));
}

TEST_F(GenericFamilyTest, PastOrNegativeTimeDeletes) {
  Put("a", "1");
  EXPECT_THAT(Run({"expire", "a", "-1"}), IntArg(1));
  EXPECT_THAT(Run({"exists", "a"}), IntArg(0));
  Put("a", "1");
  EXPECT_THAT(Run({"pexpire", "a", "0"}), IntArg(1));
  EXPECT_THAT(Run({"exists", "a"}), IntArg(0));
  Put("a", "1");
  EXPECT_THAT(Run({"expireat", "a", "1"}), IntArg(1));
  EXPECT_THAT(Run({"exists", "a"}), IntArg(0));
  Put("a", "1");
  EXPECT_THAT(Run({"pexpireat", "a", std::to_string(clock_.NowMs())}), IntArg(1));
  EXPECT_THAT(Run({"exists", "a"}), IntArg(0));
  EXPECT_THAT(Run({"dbsize"}), IntArg(0));
}

TEST_F(GenericFamilyTest, ExpireOverflowErrors) {
  Put("a", "1");
  EXPECT_THAT(Run({"expire", "a", "9223372036854775807"}),
              ErrArg("ERR invalid expire time in 'expire' command"));
  EXPECT_THAT(Run({"expire", "a", "-9223372036854775808"}),
              ErrArg("ERR invalid expire time in 'expire' command"));
  EXPECT_THAT(Run({"pexpire", "a", "9223372036854775807"}),
              ErrArg("ERR invalid expire time in 'pexpire' command"));
  EXPECT_THAT(Run({"expireat", "a", "9223372036854775807"}),
              ErrArg("ERR invalid expire time in 'expireat' command"));
  EXPECT_THAT(Run({"expire", "nokey", "9223372036854775807"}),
              ErrArg("ERR invalid expire time in 'expire' command"));
  // PEXPIREAT adds nothing: the largest time is valid.
  EXPECT_THAT(Run({"pexpireat", "a", "9223372036854775807"}), IntArg(1));
  EXPECT_THAT(Run({"expire", "a", "abc"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"expire", "a", "1.5"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"expire", "a"}), ErrArg("wrong number of arguments for 'expire' command"));
}

TEST_F(GenericFamilyTest, ExpireOptionErrors) {
  Put("a", "1");
  EXPECT_THAT(Run({"expire", "a", "10", "nx", "xx"}),
              ErrArg("ERR NX and XX, GT or LT options at the same time are not compatible"));
  EXPECT_THAT(Run({"expire", "a", "10", "NX", "gt"}),
              ErrArg("ERR NX and XX, GT or LT options at the same time are not compatible"));
  EXPECT_THAT(Run({"expire", "a", "10", "nx", "lt"}),
              ErrArg("ERR NX and XX, GT or LT options at the same time are not compatible"));
  EXPECT_THAT(Run({"expire", "a", "10", "gt", "lt"}),
              ErrArg("ERR GT and LT options at the same time are not compatible"));
  EXPECT_THAT(Run({"expire", "a", "10", "xx", "gt", "lt"}),
              ErrArg("ERR GT and LT options at the same time are not compatible"));
  EXPECT_THAT(Run({"expire", "a", "10", "foo"}), ErrArg("ERR Unsupported option foo"));
  // Options are checked before the time.
  EXPECT_THAT(Run({"expire", "a", "abc", "Foo"}), ErrArg("ERR Unsupported option Foo"));
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(-1));
}

TEST_F(GenericFamilyTest, ExpireNxXxGtLt) {
  Put("a", "1");
  EXPECT_THAT(Run({"expire", "a", "100", "xx"}), IntArg(0));  // no TTL yet
  EXPECT_THAT(Run({"expire", "a", "100", "gt"}), IntArg(0));  // no TTL = infinite
  EXPECT_THAT(Run({"expire", "a", "100", "lt"}), IntArg(1));
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(100));
  EXPECT_THAT(Run({"expire", "a", "50", "nx"}), IntArg(0));
  EXPECT_THAT(Run({"expire", "a", "50", "gt"}), IntArg(0));
  EXPECT_THAT(Run({"expire", "a", "100", "gt"}), IntArg(0));  // equal is not greater
  EXPECT_THAT(Run({"expire", "a", "200", "GT"}), IntArg(1));
  EXPECT_THAT(Run({"expire", "a", "200", "lt"}), IntArg(0));
  EXPECT_THAT(Run({"expire", "a", "150", "lt"}), IntArg(1));
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(150));
  EXPECT_THAT(Run({"expire", "a", "120", "xx", "lt"}), IntArg(1));
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(120));
  EXPECT_THAT(Run({"persist", "a"}), IntArg(1));
  EXPECT_THAT(Run({"expire", "a", "100", "nx"}), IntArg(1));
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(100));
  // LT with a past time deletes.
  EXPECT_THAT(Run({"expire", "a", "-1", "lt"}), IntArg(1));
  EXPECT_THAT(Run({"exists", "a"}), IntArg(0));
  EXPECT_THAT(Run({"expire", "nokey", "100", "nx"}), IntArg(0));
}

TEST_F(GenericFamilyTest, Persist) {
  Put("a", "1");
  EXPECT_THAT(Run({"persist", "a"}), IntArg(0));
  EXPECT_THAT(Run({"persist", "nokey"}), IntArg(0));
  EXPECT_THAT(Run({"expire", "a", "10"}), IntArg(1));
  EXPECT_EQ(engine().ExpiresCount(0), 1);
  EXPECT_THAT(Run({"persist", "a"}), IntArg(1));
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(-1));
  EXPECT_EQ(engine().ExpiresCount(0), 0);
  AdvanceTime(20'000);
  EXPECT_THAT(Run({"exists", "a"}), IntArg(1));
}

// ---- OBJECT -----------------------------------------------------------------------------------

TEST_F(GenericFamilyTest, ObjectEncoding) {
  Put("i", "123");
  Put("e", "hello");
  Put("r", std::string(45, 'x'));
  PutList("l", {"x"});
  EXPECT_THAT(Run({"object", "encoding", "i"}), BulkArg("int"));
  EXPECT_THAT(Run({"object", "encoding", "e"}), BulkArg("embstr"));
  EXPECT_THAT(Run({"OBJECT", "ENCODING", "r"}), BulkArg("raw"));
  EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"object", "encoding", "nokey"}), NullArg());
  EXPECT_THAT(Run({"object", "encoding"}),
              ErrArg("wrong number of arguments for 'object|encoding' command"));
  EXPECT_THAT(Run({"object", "foo", "i"}),
              ErrArg("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
}

TEST_F(GenericFamilyTest, ObjectRefcount) {
  Put("zero", "0");
  Put("small", "9999");
  Put("big", "10000");
  Put("neg", "-1");
  Put("s", "abc");
  PutList("l", {"x"});
  EXPECT_THAT(Run({"object", "refcount", "zero"}), IntArg(2147483647));
  EXPECT_THAT(Run({"object", "refcount", "small"}), IntArg(2147483647));
  EXPECT_THAT(Run({"object", "refcount", "big"}), IntArg(1));
  EXPECT_THAT(Run({"object", "refcount", "neg"}), IntArg(1));
  EXPECT_THAT(Run({"object", "refcount", "s"}), IntArg(1));
  EXPECT_THAT(Run({"object", "refcount", "l"}), IntArg(1));
  EXPECT_THAT(Run({"object", "refcount", "nokey"}), NullArg());
  EXPECT_THAT(Run({"object", "refcount", "s", "x"}),
              ErrArg("wrong number of arguments for 'object|refcount' command"));
}

TEST_F(GenericFamilyTest, ObjectIdletimeAndFreq) {
  Put("a", "1");
  EXPECT_THAT(Run({"object", "idletime", "a"}), IntArg(0));
  AdvanceTime(3'000);
  EXPECT_THAT(Run({"object", "idletime", "a"}), IntArg(3));
  // TYPE, TTL, EXISTS and OBJECT itself don't touch the key.
  Run({"type", "a"});
  Run({"ttl", "a"});
  Run({"exists", "a"});
  EXPECT_THAT(Run({"object", "idletime", "a"}), IntArg(3));
  EXPECT_THAT(Run({"object", "idletime", "nokey"}), NullArg());
  EXPECT_THAT(Run({"object", "freq", "a"}),
              ErrArg("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                     "Please note that when switching between policies at runtime LRU and LFU "
                     "data will take some time to adjust."));
  EXPECT_THAT(Run({"object", "freq", "nokey"}), NullArg());
}

TEST_F(GenericFamilyTest, ObjectHelp) {
  RespValue r = Run({"object", "help"});
  ASSERT_THAT(r, ArrLen(15));
  EXPECT_EQ(r.elems[0].type, RespValue::Type::kSimple);
  EXPECT_EQ(r.elems[0].str, "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(r.elems[14].str, "    Prints this help.");
  EXPECT_THAT(Run({"object"}), ErrArg("wrong number of arguments for 'object' command"));
}

// ---- KEYS RANDOMKEY DBSIZE ------------------------------------------------------------------

TEST_F(GenericFamilyTest, Keys) {
  Put("foo", "1");
  Put("foobar", "1");
  Put("bar", "1");
  Put("other", "1", 1);
  EXPECT_THAT(StrArray(Run({"keys", "*"})), UnorderedElementsAre("foo", "foobar", "bar"));
  EXPECT_THAT(StrArray(Run({"keys", "foo*"})), UnorderedElementsAre("foo", "foobar"));
  EXPECT_THAT(StrArray(Run({"keys", "?ar"})), UnorderedElementsAre("bar"));
  EXPECT_THAT(Run({"keys", "nomatch*"}), ArrLen(0));
  EXPECT_THAT(Run({"pexpire", "foo", "10"}), IntArg(1));
  AdvanceTime(10);
  EXPECT_THAT(StrArray(Run({"keys", "*"})), UnorderedElementsAre("foobar", "bar"));
  EXPECT_THAT(Run({"select", "1"}), SimpleArg("OK"));
  EXPECT_THAT(StrArray(Run({"keys", "*"})), ElementsAre("other"));
}

TEST_F(GenericFamilyTest, RandomKey) {
  EXPECT_THAT(Run({"randomkey"}), NullArg());
  std::set<std::string> want;
  for (int i = 0; i < 20; ++i) {
    Put("k" + std::to_string(i), "v");
    want.insert("k" + std::to_string(i));
  }
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    RespValue r = Run({"randomkey"});
    ASSERT_EQ(r.type, RespValue::Type::kBulk);
    seen.insert(r.str);
  }
  EXPECT_EQ(seen, want);
}

TEST_F(GenericFamilyTest, RandomKeyNeverReturnsExpired) {
  for (int i = 0; i < 50; ++i) {
    Put("v" + std::to_string(i), "x");
    Run({"pexpire", "v" + std::to_string(i), "10"});
  }
  Put("live", "x");
  AdvanceTime(10);
  for (int i = 0; i < 20; ++i) EXPECT_THAT(Run({"randomkey"}), BulkArg("live"));
  // Every expired draw was deleted on the way; all expired keys gone means an empty db answers nil.
  EXPECT_THAT(Run({"del", "live"}), IntArg(1));
  EXPECT_THAT(Run({"randomkey"}), NullArg());
  EXPECT_THAT(Run({"dbsize"}), IntArg(0));
}

TEST_F(GenericFamilyTest, DbSize) {
  EXPECT_THAT(Run({"dbsize"}), IntArg(0));
  Put("a", "1");
  Put("b", "1");
  Put("c", "1", 2);
  EXPECT_THAT(Run({"dbsize"}), IntArg(2));
  EXPECT_THAT(Run({"select", "2"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"dbsize"}), IntArg(1));
  EXPECT_THAT(Run({"dbsize", "x"}), ErrArg("wrong number of arguments for 'dbsize' command"));
}

// ---- SCAN -----------------------------------------------------------------------------------

TEST_F(GenericFamilyTest, ScanReturnsEverything) {
  std::vector<std::string> want;
  for (int i = 0; i < 1000; ++i) {
    Put("key:" + std::to_string(i), "v");
    want.push_back("key:" + std::to_string(i));
  }
  int calls = 0;
  std::vector<std::string> got = ScanAll({}, &calls);
  std::set<std::string> unique(got.begin(), got.end());
  EXPECT_EQ(unique.size(), want.size());
  EXPECT_EQ(got.size(), want.size());  // no resize during the scan: no duplicates
  EXPECT_THAT(std::vector<std::string>(unique.begin(), unique.end()),
              UnorderedElementsAreArray(want));
  // COUNT defaults to 10: about 100 calls for 1000 keys.
  EXPECT_GT(calls, 50);
  EXPECT_LT(calls, 200);
  int big_calls = 0;
  ScanAll({"count", "10000"}, &big_calls);
  EXPECT_EQ(big_calls, 1);
}

TEST_F(GenericFamilyTest, ScanEmptyDb) {
  RespValue r = Run({"scan", "0"});
  ASSERT_THAT(r, ArrLen(2));
  EXPECT_THAT(r.elems[0], BulkArg("0"));
  EXPECT_THAT(r.elems[1], ArrLen(0));
}

TEST_F(GenericFamilyTest, ScanGuaranteeWithInsertsAndDeletesBetweenCalls) {
  // Keys present for the whole scan must all be returned while the tables grow (and shrink)
  // between calls.
  std::set<std::string> stable;
  for (int i = 0; i < 300; ++i) {
    Put("stable:" + std::to_string(i), "v");
    stable.insert("stable:" + std::to_string(i));
  }
  for (int i = 0; i < 200; ++i) Put("temp:" + std::to_string(i), "v");
  std::set<std::string> seen;
  std::string cursor = "0";
  int round = 0;
  do {
    RespValue r = Run({"scan", cursor, "count", "7"});
    ASSERT_THAT(r, ArrLen(2));
    cursor = r.elems[0].str;
    for (auto& k : StrArray(r.elems[1])) seen.insert(k);
    // Grow: many new keys; shrink: drop the temporaries half way.
    for (int j = 0; j < 40; ++j) Put("new:" + std::to_string(round) + ":" + std::to_string(j), "v");
    if (round == 10) {
      for (int i = 0; i < 200; ++i) Run({"del", "temp:" + std::to_string(i)});
    }
    ++round;
  } while (cursor != "0" && round < 10000);
  for (const std::string& k : stable) EXPECT_TRUE(seen.count(k)) << k;
}

TEST_F(GenericFamilyTest, ScanGuaranteeWhileTablesShrink) {
  std::set<std::string> stable;
  for (int i = 0; i < 64; ++i) {
    Put("s" + std::to_string(i), "v");
    stable.insert("s" + std::to_string(i));
  }
  for (int i = 0; i < 4000; ++i) Put("t" + std::to_string(i), "v");
  std::set<std::string> seen;
  std::string cursor = "0";
  int round = 0;
  do {
    RespValue r = Run({"scan", cursor, "count", "20"});
    ASSERT_THAT(r, ArrLen(2));
    cursor = r.elems[0].str;
    for (auto& k : StrArray(r.elems[1])) seen.insert(k);
    for (int i = round * 200; i < (round + 1) * 200 && i < 4000; ++i)
      Run({"del", "t" + std::to_string(i)});
    ++round;
  } while (cursor != "0" && round < 10000);
  for (const std::string& k : stable) EXPECT_TRUE(seen.count(k)) << k;
}

TEST_F(GenericFamilyTest, ScanMatchAndType) {
  for (int i = 0; i < 50; ++i) {
    Put("user:" + std::to_string(i), "v");
    PutList("list:" + std::to_string(i), {"x"});
  }
  std::vector<std::string> users = ScanAll({"match", "user:*"});
  EXPECT_EQ(users.size(), 50u);
  for (auto& k : users) EXPECT_EQ(k.rfind("user:", 0), 0u) << k;
  std::vector<std::string> lists = ScanAll({"TYPE", "LIST", "COUNT", "3"});
  EXPECT_EQ(lists.size(), 50u);
  for (auto& k : lists) EXPECT_EQ(k.rfind("list:", 0), 0u) << k;
  EXPECT_EQ(ScanAll({"type", "string", "match", "list:*"}).size(), 0u);
  EXPECT_EQ(ScanAll({"type", "foo"}).size(), 0u);  // unknown type: nothing (Redis 7.0)
  EXPECT_EQ(ScanAll({"match", "*"}).size(), 100u);
  EXPECT_EQ(ScanAll({"match", "user:1?"}).size(), 10u);
}

TEST_F(GenericFamilyTest, ScanSkipsExpired) {
  for (int i = 0; i < 30; ++i) Put("k" + std::to_string(i), "v");
  for (int i = 0; i < 10; ++i) Run({"pexpire", "k" + std::to_string(i), "5"});
  AdvanceTime(5);
  EXPECT_EQ(ScanAll({"match", "nomatch"}).size(), 0u);
  EXPECT_THAT(Run({"dbsize"}), IntArg(30));  // not matched: not looked at, not reaped
  std::vector<std::string> got = ScanAll({});
  EXPECT_EQ(got.size(), 20u);
  for (auto& k : got) EXPECT_GE(std::stoi(k.substr(1)), 10) << k;
  EXPECT_THAT(Run({"dbsize"}), IntArg(20));  // visited expired keys were deleted
  EXPECT_EQ(engine().ExpiredKeys(), 10u);
}

TEST_F(GenericFamilyTest, ScanCursorAndOptionErrors) {
  Put("a", "1");
  EXPECT_THAT(Run({"scan", "abc"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"scan", " 0"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"scan", "18446744073709551616"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"scan", "-"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"scan", "1x"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"scan", "abc", "count", "0"}), ErrArg("ERR invalid cursor"));
  // strtoul accepts these, as Redis does.
  EXPECT_THAT(Run({"scan", ""}), ArrLen(2));
  EXPECT_THAT(Run({"scan", "+0"}), ArrLen(2));
  EXPECT_THAT(Run({"scan", "-1"}), ArrLen(2));
  EXPECT_THAT(Run({"scan", "18446744073709551615"}), ArrLen(2));
  EXPECT_THAT(Run({"scan", "0", "count", "0"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"scan", "0", "count", "-5"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"scan", "0", "count", "x"}),
              ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"scan", "0", "match"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"scan", "0", "type"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"scan", "0", "foo", "bar"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"scan"}), ErrArg("wrong number of arguments for 'scan' command"));
  RespValue r = Run({"scan", "0", "count", "100"});
  ASSERT_THAT(r, ArrLen(2));
  EXPECT_THAT(r.elems[0], BulkArg("0"));
  EXPECT_THAT(StrArray(r.elems[1]), ElementsAre("a"));
}

// ---- FLUSHDB FLUSHALL SWAPDB SELECT ---------------------------------------------------------

TEST_F(GenericFamilyTest, FlushDbAndFlushAll) {
  Put("a", "1");
  Put("b", "1", 1);
  EXPECT_THAT(Run({"flushdb"}), SimpleArg("OK"));
  EXPECT_EQ(engine().DbSize(0), 0);
  EXPECT_EQ(engine().DbSize(1), 1);
  Put("a", "1");
  EXPECT_THAT(Run({"flushdb", "ASYNC"}), SimpleArg("OK"));
  EXPECT_EQ(engine().DbSize(0), 0);
  EXPECT_THAT(Run({"flushdb", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"flushdb", "async", "sync"}), ErrArg("ERR syntax error"));
  Put("a", "1");
  EXPECT_THAT(Run({"flushall", "sync"}), SimpleArg("OK"));
  EXPECT_EQ(engine().DbSize(0), 0);
  EXPECT_EQ(engine().DbSize(1), 0);
  EXPECT_THAT(Run({"flushall", "bad"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"flushall"}), SimpleArg("OK"));
  EXPECT_EQ(engine().UsedMemory(), 0);
}

TEST_F(GenericFamilyTest, SwapDb) {
  Put("a", "db0");
  Put("b", "db1", 1);
  EXPECT_THAT(Run({"expire", "a", "100"}), IntArg(1));
  EXPECT_THAT(Run({"swapdb", "0", "1"}), SimpleArg("OK"));
  EXPECT_EQ(StrOf("b"), "db1");
  EXPECT_EQ(StrOf("a", 1), "db0");
  EXPECT_EQ(Get("a"), nullptr);
  EXPECT_THAT(Run({"select", "1"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"ttl", "a"}), IntArg(100));
  EXPECT_EQ(engine().ExpiresCount(1), 1);
  EXPECT_EQ(engine().ExpiresCount(0), 0);
  EXPECT_THAT(Run({"swapdb", "1", "1"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"swapdb", "x", "0"}), ErrArg("ERR invalid first DB index"));
  EXPECT_THAT(Run({"swapdb", "0", "x"}), ErrArg("ERR invalid second DB index"));
  EXPECT_THAT(Run({"swapdb", "0", "16"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"swapdb", "-1", "0"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"swapdb", "0", "99999999999"}), ErrArg("ERR invalid second DB index"));
  EXPECT_THAT(Run({"swapdb", "0"}), ErrArg("wrong number of arguments for 'swapdb' command"));
}

TEST_F(GenericFamilyTest, Select) {
  EXPECT_THAT(Run({"select", "15"}), SimpleArg("OK"));
  EXPECT_EQ(session_.db_index, 15);
  EXPECT_THAT(Run({"select", "16"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"select", "-1"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"select", "x"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"select", "99999999999"}),
              ErrArg("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_THAT(Run({"select", "1.5"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_EQ(session_.db_index, 15);
  EXPECT_THAT(Run({"select", "0"}), SimpleArg("OK"));
  EXPECT_EQ(session_.db_index, 0);
}

// ---- accounting ---------------------------------------------------------------------------

// After moving values around, every shard's counters agree with its tables: key and TTL counts,
// and used memory equals the sum of the entries' sizes.
TEST_F(GenericFamilyTest, CountersAndMemoryStayExact) {
  for (int i = 0; i < 40; ++i) {
    Put("k" + std::to_string(i), std::string(i * 3, 'v'));
    if (i % 2) Run({"expire", "k" + std::to_string(i), "100"});
  }
  PutList("l", {"a", "b", "c"});
  for (int i = 0; i < 10; ++i) Run({"rename", "k" + std::to_string(i), "r" + std::to_string(i)});
  for (int i = 10; i < 20; ++i) Run({"move", "k" + std::to_string(i), "1"});
  for (int i = 20; i < 30; ++i) Run({"copy", "k" + std::to_string(i), "c" + std::to_string(i)});
  Run({"copy", "l", "l", "db", "2"});
  Run({"copy", "k31", "k33", "replace"});
  Run({"renamenx", "k35", "k37"});
  Run({"pexpire", "k39", "-1"});
  Run({"persist", "k21"});
  for (int db = 0; db < 3; ++db) {
    int64_t keys = 0, ttls = 0, memory = 0;
    for (size_t s = 0; s < engine().shard_count(); ++s) {
      Shard& shard = engine().shard(s);
      int64_t shard_keys = 0, shard_ttls = 0;
      shard.dbs[db].table.ForEach([&](std::string_view key, Entry& e) {
        ++shard_keys;
        if (e.expire_ms != 0) ++shard_ttls;
        EXPECT_EQ(e.accounted, EntryMemory(key, e)) << key;
        memory += e.accounted;
      });
      EXPECT_EQ(shard.key_counts[db].load(), shard_keys);
      EXPECT_EQ(shard.expires_counts[db].load(), shard_ttls);
      EXPECT_EQ(shard.dbs[db].ttl_entries.size(), static_cast<size_t>(shard_ttls));
      keys += shard_keys;
      ttls += shard_ttls;
    }
    EXPECT_EQ(engine().DbSize(db), keys) << db;
    EXPECT_EQ(engine().ExpiresCount(db), ttls) << db;
  }
  int64_t total = 0;
  for (size_t s = 0; s < engine().shard_count(); ++s) {
    for (int db = 0; db < engine().db_count(); ++db) {
      engine().shard(s).dbs[db].table.ForEach(
          [&](std::string_view, Entry& e) { total += e.accounted; });
    }
  }
  EXPECT_EQ(engine().UsedMemory(), total);
  EXPECT_EQ(engine().DbSize(0), 41 - 10 + 10 - 1);  // 41 keys, 10 moved, 10 copies, 1 expired
  EXPECT_EQ(engine().DbSize(1), 10);
  EXPECT_EQ(engine().DbSize(2), 1);
}

// ---- registry -------------------------------------------------------------------------------

TEST_F(GenericFamilyTest, RegistryMetadata) {
  const CommandRegistry& reg = server_->registry();
  struct Want {
    const char* name;
    int arity, first, last, step;
    bool write, global;
  };
  const Want wants[] = {
      {"del", -2, 1, -1, 1, true, false},        {"unlink", -2, 1, -1, 1, true, false},
      {"exists", -2, 1, -1, 1, false, false},    {"touch", -2, 1, -1, 1, false, false},
      {"type", 2, 1, 1, 1, false, false},        {"rename", 3, 1, 2, 1, true, false},
      {"renamenx", 3, 1, 2, 1, true, false},     {"copy", -3, 1, 2, 1, true, false},
      {"move", 3, 1, 1, 1, true, false},         {"expire", -3, 1, 1, 1, true, false},
      {"pexpire", -3, 1, 1, 1, true, false},     {"expireat", -3, 1, 1, 1, true, false},
      {"pexpireat", -3, 1, 1, 1, true, false},   {"ttl", 2, 1, 1, 1, false, false},
      {"pttl", 2, 1, 1, 1, false, false},        {"expiretime", 2, 1, 1, 1, false, false},
      {"pexpiretime", 2, 1, 1, 1, false, false}, {"persist", 2, 1, 1, 1, true, false},
      {"keys", 2, 0, 0, 0, false, true},         {"scan", -2, 0, 0, 0, false, true},
      {"randomkey", 1, 0, 0, 0, false, true},    {"dbsize", 1, 0, 0, 0, false, true},
      {"flushdb", -1, 0, 0, 0, true, true},      {"flushall", -1, 0, 0, 0, true, true},
      {"swapdb", 3, 0, 0, 0, true, true},        {"select", 2, 0, 0, 0, false, false},
  };
  for (const Want& w : wants) {
    const CommandSpec* spec = reg.Find(w.name);
    ASSERT_NE(spec, nullptr) << w.name;
    EXPECT_EQ(spec->arity, w.arity) << w.name;
    EXPECT_EQ(spec->first_key, w.first) << w.name;
    EXPECT_EQ(spec->last_key, w.last) << w.name;
    EXPECT_EQ(spec->key_step, w.step) << w.name;
    EXPECT_EQ(spec->IsWrite(), w.write) << w.name;
    EXPECT_EQ((spec->flags & CO::kGlobal) != 0, w.global) << w.name;
    EXPECT_FALSE(spec->summary.empty()) << w.name;
  }
  const CommandSpec* object = reg.Find("object");
  ASSERT_NE(object, nullptr);
  for (const char* sub : {"encoding", "freq", "idletime", "refcount"}) {
    const CommandSpec* s = reg.FindSub(*object, sub);
    ASSERT_NE(s, nullptr) << sub;
    EXPECT_EQ(s->arity, 3);
    EXPECT_EQ(s->first_key, 2);
  }
  EXPECT_TRUE(reg.Find("keys")->AllAclCategories() & ACL::kDangerous);
  EXPECT_TRUE(reg.Find("unlink")->AllAclCategories() & ACL::kFast);
  EXPECT_TRUE(reg.Find("del")->AllAclCategories() & ACL::kSlow);
}

}  // namespace
}  // namespace fincache
