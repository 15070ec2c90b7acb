// String family through the dispatcher. Expected replies were checked against Redis 7.0.15.
#include <limits>
#include <memory>
#include <string>

#include "command_test_base.h"
#include "engine/engine.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;

// A non-string value for WRONGTYPE paths (the list family may not exist yet).
class FakeList final : public CompositeValue {
 public:
  ObjType type() const override { return ObjType::kList; }
  std::string_view encoding() const override { return "listpack"; }
  size_t MemoryUsage() const override { return 16; }
  std::unique_ptr<CompositeValue> Clone() const override { return std::make_unique<FakeList>(); }
};

constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key";

class StringFamilyTest : public CommandTest {
 protected:
  Db db() { return Db(engine(), session_.db_index, clock_.NowMs()); }

  void MakeList(std::string_view key) {
    Entry* e = db().FindOrInsert(key).first;
    e->value.SetObject(std::make_unique<FakeList>());
  }
  bool Exists(std::string_view key) { return db().Find(key) != nullptr; }
  // -2: no key, -1: no TTL, else ms left (PTTL's convention).
  int64_t Pttl(std::string_view key) {
    Db d = db();
    Entry* e = d.Find(key);
    if (!e) return -2;
    return e->expire_ms == 0 ? -1 : e->expire_ms - d.now_ms();
  }
  std::string Encoding(std::string_view key) {
    Entry* e = db().Find(key);
    return e ? std::string(e->value.encoding()) : "(none)";
  }
  std::string Type(std::string_view key) {
    Entry* e = db().Find(key);
    return e ? std::string(TypeName(e->value.type())) : "none";
  }
};

// ---- GET / SET ---------------------------------------------------------------------------

TEST_F(StringFamilyTest, GetSet) {
  EXPECT_THAT(Run({"get", "k"}), NullArg());
  EXPECT_THAT(Run({"set", "k", "v"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  EXPECT_THAT(Run({"set", "k", ""}), SimpleArg("OK"));
  EXPECT_THAT(Run({"get", "k"}), BulkArg(""));
  std::string binary("a\0b\r\n", 5);
  EXPECT_THAT(Run({"set", "bin", binary}), SimpleArg("OK"));
  EXPECT_THAT(Run({"get", "bin"}), BulkArg(binary));
  MakeList("l");
  EXPECT_THAT(Run({"get", "l"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"get"}), ErrArg("ERR wrong number of arguments for 'get' command"));
  EXPECT_THAT(Run({"get", "a", "b"}), ErrArg("wrong number of arguments"));
}

TEST_F(StringFamilyTest, SetOverwritesAnyType) {
  MakeList("l");
  EXPECT_THAT(Run({"set", "l", "v"}), SimpleArg("OK"));
  EXPECT_EQ(Type("l"), "string");
  EXPECT_THAT(Run({"get", "l"}), BulkArg("v"));
}

TEST_F(StringFamilyTest, SetNxXx) {
  EXPECT_THAT(Run({"set", "k", "v", "xx"}), NullArg());
  EXPECT_FALSE(Exists("k"));
  EXPECT_THAT(Run({"set", "k", "v1", "NX"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"set", "k", "v2", "nx"}), NullArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v1"));
  EXPECT_THAT(Run({"set", "k", "v3", "XX"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v3"));
  // Repeating an option is fine; NX with XX is not.
  EXPECT_THAT(Run({"set", "k", "v", "nx", "nx"}), NullArg());
  EXPECT_THAT(Run({"set", "k", "v", "nx", "xx"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"set", "k", "v", "xx", "nx"}), ErrArg("ERR syntax error"));
}

TEST_F(StringFamilyTest, SetGet) {
  EXPECT_THAT(Run({"set", "k", "v1", "get"}), NullArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v1"));
  EXPECT_THAT(Run({"set", "k", "v2", "GET"}), BulkArg("v1"));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v2"));
  // NX + GET (allowed since 7.0): old value, nothing written.
  EXPECT_THAT(Run({"set", "k", "v3", "nx", "get"}), BulkArg("v2"));
  EXPECT_THAT(Run({"set", "k", "v3", "get", "nx"}), BulkArg("v2"));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v2"));
  EXPECT_THAT(Run({"set", "k", "v4", "xx", "get"}), BulkArg("v2"));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v4"));
  EXPECT_THAT(Run({"set", "missing", "v", "xx", "get"}), NullArg());
  EXPECT_FALSE(Exists("missing"));
  EXPECT_THAT(Run({"set", "g", "v", "get", "get"}), NullArg());
  // GET on a non-string: WRONGTYPE and nothing written.
  MakeList("l");
  EXPECT_THAT(Run({"set", "l", "v", "get"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"set", "l", "v", "nx", "get"}), ErrArg(kWrongType));
  EXPECT_EQ(Type("l"), "list");
}

TEST_F(StringFamilyTest, SetExpireOptions) {
  EXPECT_THAT(Run({"set", "k", "v", "EX", "10"}), SimpleArg("OK"));
  EXPECT_EQ(Pttl("k"), 10000);
  EXPECT_THAT(Run({"set", "k", "v", "px", "1500"}), SimpleArg("OK"));
  EXPECT_EQ(Pttl("k"), 1500);
  int64_t now = clock_.NowMs();
  EXPECT_THAT(Run({"set", "k", "v", "exat", std::to_string(now / 1000 + 100)}), SimpleArg("OK"));
  EXPECT_EQ(Pttl("k"), (now / 1000 + 100) * 1000 - now);
  EXPECT_THAT(Run({"set", "k", "v", "pxat", std::to_string(now + 2345)}), SimpleArg("OK"));
  EXPECT_EQ(Pttl("k"), 2345);
  // The last of a repeated time option wins.
  EXPECT_THAT(Run({"set", "k", "v", "ex", "10", "ex", "20"}), SimpleArg("OK"));
  EXPECT_EQ(Pttl("k"), 20000);
  AdvanceTime(19999);
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  AdvanceTime(1);
  EXPECT_THAT(Run({"get", "k"}), NullArg());
}

TEST_F(StringFamilyTest, SetTtlReplacedClearedKept) {
  Run({"set", "k", "v", "ex", "100"});
  EXPECT_THAT(Run({"set", "k", "v2"}), SimpleArg("OK"));
  EXPECT_EQ(Pttl("k"), -1);  // plain SET clears the TTL
  Run({"set", "k", "v", "ex", "100"});
  EXPECT_THAT(Run({"set", "k", "v3", "keepttl"}), SimpleArg("OK"));
  EXPECT_EQ(Pttl("k"), 100000);
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v3"));
  EXPECT_THAT(Run({"set", "k", "v", "px", "5"}), SimpleArg("OK"));
  EXPECT_EQ(Pttl("k"), 5);
  Run({"set", "k", "v", "ex", "100"});
  EXPECT_THAT(Run({"set", "k", "v", "xx"}), SimpleArg("OK"));
  EXPECT_EQ(Pttl("k"), -1);
  // An NX that doesn't write leaves the TTL alone.
  Run({"set", "k", "1", "ex", "100"});
  EXPECT_THAT(Run({"set", "k", "2", "nx", "ex", "5"}), NullArg());
  EXPECT_EQ(Pttl("k"), 100000);
  // GET + PX: old value, new TTL.
  EXPECT_THAT(Run({"set", "k", "3", "px", "100", "get"}), BulkArg("1"));
  EXPECT_EQ(Pttl("k"), 100);
  // KEEPTTL on a new key: no TTL.
  EXPECT_THAT(Run({"set", "n", "v", "keepttl"}), SimpleArg("OK"));
  EXPECT_EQ(Pttl("n"), -1);
}

TEST_F(StringFamilyTest, SetAbsoluteTimeInThePast) {
  // Redis 7.0 answers OK; the key reads as gone (it is reaped lazily).
  EXPECT_THAT(Run({"set", "k", "v", "exat", "1"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"get", "k"}), NullArg());
  EXPECT_THAT(Run({"set", "k", "v", "pxat", std::to_string(clock_.NowMs())}), SimpleArg("OK"));
  EXPECT_FALSE(Exists("k"));
  EXPECT_THAT(Run({"set", "k", "v", "pxat", std::to_string(clock_.NowMs() + 1)}), SimpleArg("OK"));
  EXPECT_TRUE(Exists("k"));
}

TEST_F(StringFamilyTest, SetSyntaxErrors) {
  const char* kBad[][4] = {
      {"keepttl", "ex", "10", nullptr},
      {"ex", "10", "keepttl", nullptr},
      {"px", "1", "ex", "2"},
      {"ex", "1", "px", "2"},
      {"exat", "1", "ex", "2"},
      {"pxat", "1", "exat", "2"},
      {"foo", nullptr, nullptr, nullptr},
      {"ex", nullptr, nullptr, nullptr},
      {"persist", nullptr, nullptr, nullptr},
      {"nxx", nullptr, nullptr, nullptr},
  };
  for (auto& opts : kBad) {
    std::vector<std::string> argv = {"set", "k", "v"};
    for (const char* o : opts)
      if (o) argv.push_back(o);
    EXPECT_THAT(Run(argv), ErrArg("ERR syntax error")) << argv.back();
  }
  EXPECT_FALSE(Exists("k"));
}

TEST_F(StringFamilyTest, SetInvalidExpire) {
  const std::string kInvalid = "ERR invalid expire time in 'set' command";
  EXPECT_THAT(Run({"set", "k", "v", "ex", "0"}), ErrArg(kInvalid));
  EXPECT_THAT(Run({"set", "k", "v", "ex", "-1"}), ErrArg(kInvalid));
  EXPECT_THAT(Run({"set", "k", "v", "px", "0"}), ErrArg(kInvalid));
  EXPECT_THAT(Run({"set", "k", "v", "exat", "0"}), ErrArg(kInvalid));
  EXPECT_THAT(Run({"set", "k", "v", "pxat", "-5"}), ErrArg(kInvalid));
  // seconds * 1000 overflows, or now + ttl overflows.
  EXPECT_THAT(Run({"set", "k", "v", "ex", "9223372036854776"}), ErrArg(kInvalid));
  EXPECT_THAT(Run({"set", "k", "v", "ex", "9223372036854775"}), ErrArg(kInvalid));
  EXPECT_THAT(Run({"set", "k", "v", "px", "9223372036854775807"}), ErrArg(kInvalid));
  EXPECT_THAT(Run({"set", "k", "v", "exat", "9223372036854776"}), ErrArg(kInvalid));
  EXPECT_THAT(Run({"set", "k", "v", "ex", "abc"}),
              ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"set", "k", "v", "ex", "1.5"}), ErrArg("not an integer"));
  EXPECT_FALSE(Exists("k"));
  // Absolute maxima are accepted.
  EXPECT_THAT(Run({"set", "k", "v", "exat", "9223372036854775"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"set", "k", "v", "pxat", "9223372036854775807"}), SimpleArg("OK"));
  EXPECT_EQ(Pttl("k"), std::numeric_limits<int64_t>::max() - clock_.NowMs());
  // The expire is validated before GET looks at the key's type.
  MakeList("l");
  EXPECT_THAT(Run({"set", "l", "v", "get", "ex", "0"}), ErrArg(kInvalid));
  EXPECT_THAT(Run({"set", "l", "v", "get", "ex", "x"}), ErrArg("not an integer"));
}

// ---- SETNX / SETEX / PSETEX / GETSET / GETDEL ------------------------------------------

TEST_F(StringFamilyTest, SetNx) {
  EXPECT_THAT(Run({"setnx", "k", "v"}), IntArg(1));
  EXPECT_THAT(Run({"setnx", "k", "w"}), IntArg(0));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  MakeList("l");
  EXPECT_THAT(Run({"setnx", "l", "w"}), IntArg(0));
  Run({"set", "t", "v", "px", "10"});
  AdvanceTime(10);
  EXPECT_THAT(Run({"setnx", "t", "new"}), IntArg(1));  // an expired key counts as absent
  EXPECT_EQ(Pttl("t"), -1);
}

TEST_F(StringFamilyTest, SetExPSetEx) {
  EXPECT_THAT(Run({"setex", "k", "10", "v"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  EXPECT_EQ(Pttl("k"), 10000);
  EXPECT_THAT(Run({"psetex", "k", "1234", "w"}), SimpleArg("OK"));
  EXPECT_EQ(Pttl("k"), 1234);
  EXPECT_THAT(Run({"get", "k"}), BulkArg("w"));
  MakeList("l");
  EXPECT_THAT(Run({"setex", "l", "10", "v"}), SimpleArg("OK"));
  EXPECT_EQ(Type("l"), "string");

  EXPECT_THAT(Run({"setex", "n", "0", "v"}), ErrArg("ERR invalid expire time in 'setex' command"));
  EXPECT_THAT(Run({"setex", "n", "-3", "v"}), ErrArg("in 'setex' command"));
  EXPECT_THAT(Run({"setex", "n", "9223372036854775", "v"}), ErrArg("in 'setex' command"));
  EXPECT_THAT(Run({"psetex", "n", "0", "v"}),
              ErrArg("ERR invalid expire time in 'psetex' command"));
  EXPECT_THAT(Run({"psetex", "n", "9223372036854775807", "v"}), ErrArg("in 'psetex' command"));
  EXPECT_THAT(Run({"setex", "n", "abc", "v"}),
              ErrArg("ERR value is not an integer or out of range"));
  EXPECT_FALSE(Exists("n"));
  EXPECT_THAT(Run({"setex", "n", "10"}), ErrArg("wrong number of arguments for 'setex'"));
}

TEST_F(StringFamilyTest, GetSetCmd) {
  EXPECT_THAT(Run({"getset", "k", "v1"}), NullArg());
  EXPECT_THAT(Run({"getset", "k", "v2"}), BulkArg("v1"));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v2"));
  Run({"set", "k", "v", "ex", "100"});
  EXPECT_THAT(Run({"getset", "k", "v3"}), BulkArg("v"));
  EXPECT_EQ(Pttl("k"), -1);  // GETSET clears the TTL
  MakeList("l");
  EXPECT_THAT(Run({"getset", "l", "v"}), ErrArg(kWrongType));
  EXPECT_EQ(Type("l"), "list");
}

TEST_F(StringFamilyTest, GetDel) {
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"getdel", "k"}), BulkArg("v"));
  EXPECT_FALSE(Exists("k"));
  EXPECT_THAT(Run({"getdel", "k"}), NullArg());
  MakeList("l");
  EXPECT_THAT(Run({"getdel", "l"}), ErrArg(kWrongType));
  EXPECT_TRUE(Exists("l"));
  Run({"set", "n", "123"});
  EXPECT_THAT(Run({"getdel", "n"}), BulkArg("123"));
}

// ---- GETEX -------------------------------------------------------------------------------

TEST_F(StringFamilyTest, GetEx) {
  Run({"set", "k", "hello"});
  EXPECT_THAT(Run({"getex", "k"}), BulkArg("hello"));
  EXPECT_EQ(Pttl("k"), -1);
  EXPECT_THAT(Run({"getex", "k", "ex", "100"}), BulkArg("hello"));
  EXPECT_EQ(Pttl("k"), 100000);
  EXPECT_THAT(Run({"getex", "k"}), BulkArg("hello"));
  EXPECT_EQ(Pttl("k"), 100000);  // no option: TTL untouched
  EXPECT_THAT(Run({"getex", "k", "PERSIST"}), BulkArg("hello"));
  EXPECT_EQ(Pttl("k"), -1);
  EXPECT_THAT(Run({"getex", "k", "px", "250"}), BulkArg("hello"));
  EXPECT_EQ(Pttl("k"), 250);
  int64_t now = clock_.NowMs();
  EXPECT_THAT(Run({"getex", "k", "pxat", std::to_string(now + 777)}), BulkArg("hello"));
  EXPECT_EQ(Pttl("k"), 777);
  EXPECT_THAT(Run({"getex", "k", "exat", std::to_string(now / 1000 + 50)}), BulkArg("hello"));
  EXPECT_EQ(Pttl("k"), (now / 1000 + 50) * 1000 - now);
  EXPECT_THAT(Run({"getex", "k", "ex", "10", "ex", "20"}), BulkArg("hello"));
  EXPECT_EQ(Pttl("k"), 20000);
  // An absolute time already past: the value is returned and the key deleted.
  EXPECT_THAT(Run({"getex", "k", "exat", "1"}), BulkArg("hello"));
  EXPECT_FALSE(Exists("k"));
  EXPECT_THAT(Run({"getex", "k"}), NullArg());
  // GETEX keeps the encoding.
  Run({"set", "n", "42"});
  Run({"getex", "n", "ex", "5"});
  EXPECT_EQ(Encoding("n"), "int");
}

TEST_F(StringFamilyTest, GetExErrors) {
  Run({"set", "k", "v"});
  for (auto opts : std::vector<std::vector<std::string>>{{"px", "5000", "persist"},
                                                         {"persist", "ex", "1"},
                                                         {"keepttl"},
                                                         {"nx"},
                                                         {"xx"},
                                                         {"get"},
                                                         {"ex"},
                                                         {"ex", "1", "px", "1"},
                                                         {"foo"}}) {
    std::vector<std::string> argv = {"getex", "k"};
    argv.insert(argv.end(), opts.begin(), opts.end());
    EXPECT_THAT(Run(argv), ErrArg("ERR syntax error")) << opts[0];
  }
  EXPECT_THAT(Run({"getex", "missing", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"getex", "k", "ex", "0"}), ErrArg("ERR invalid expire time in 'getex' command"));
  EXPECT_THAT(Run({"getex", "k", "ex", "9223372036854775"}), ErrArg("in 'getex' command"));
  EXPECT_THAT(Run({"getex", "k", "exat", "9223372036854776"}), ErrArg("in 'getex' command"));
  EXPECT_THAT(Run({"getex", "k", "ex", "abc"}), ErrArg("not an integer"));
  EXPECT_EQ(Pttl("k"), -1);
  // The key is checked before the expire value (unlike SET).
  EXPECT_THAT(Run({"getex", "missing", "ex", "0"}), NullArg());
  EXPECT_THAT(Run({"getex", "missing", "ex", "abc"}), NullArg());
  MakeList("l");
  EXPECT_THAT(Run({"getex", "l", "ex", "0"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"getex", "l"}), ErrArg(kWrongType));
}

// ---- MGET / MSET / MSETNX ----------------------------------------------------------------

TEST_F(StringFamilyTest, MGet) {
  Run({"set", "a", "1"});
  Run({"set", "b", "2"});
  MakeList("l");
  auto r = Run({"mget", "a", "missing", "l", "b", "a"});
  ASSERT_THAT(r, ArrLen(5));
  EXPECT_THAT(StrArray(r), ElementsAre("1", "(nil)", "(nil)", "2", "1"));
  EXPECT_THAT(Run({"mget"}), ErrArg("wrong number of arguments for 'mget'"));
}

TEST_F(StringFamilyTest, MSet) {
  Run({"set", "a", "old", "ex", "100"});
  EXPECT_THAT(Run({"mset", "a", "1", "b", "2", "a", "3"}), SimpleArg("OK"));
  EXPECT_THAT(StrArray(Run({"mget", "a", "b"})), ElementsAre("3", "2"));
  EXPECT_EQ(Pttl("a"), -1);
  MakeList("l");
  EXPECT_THAT(Run({"mset", "l", "x"}), SimpleArg("OK"));
  EXPECT_EQ(Type("l"), "string");
  EXPECT_THAT(Run({"mset", "a"}), ErrArg("ERR wrong number of arguments for 'mset' command"));
  EXPECT_THAT(Run({"mset", "a", "1", "b"}),
              ErrArg("ERR wrong number of arguments for 'mset' command"));
}

TEST_F(StringFamilyTest, MSetNx) {
  EXPECT_THAT(Run({"msetnx", "a", "1", "b", "2"}), IntArg(1));
  EXPECT_THAT(Run({"msetnx", "a", "x", "c", "3"}), IntArg(0));
  EXPECT_FALSE(Exists("c"));
  EXPECT_THAT(Run({"get", "a"}), BulkArg("1"));
  EXPECT_THAT(Run({"msetnx", "e", "1", "e", "2"}), IntArg(1));
  EXPECT_THAT(Run({"get", "e"}), BulkArg("2"));
  MakeList("l");
  EXPECT_THAT(Run({"msetnx", "l", "1", "z", "2"}), IntArg(0));
  EXPECT_FALSE(Exists("z"));
  EXPECT_THAT(Run({"msetnx", "a", "1", "b"}),
              ErrArg("ERR wrong number of arguments for 'msetnx' command"));
}

// ---- APPEND / STRLEN / GETRANGE / SETRANGE ---------------------------------------------

TEST_F(StringFamilyTest, Append) {
  EXPECT_THAT(Run({"append", "k", "hello"}), IntArg(5));
  EXPECT_THAT(Run({"append", "k", " world"}), IntArg(11));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("hello world"));
  EXPECT_THAT(Run({"append", "k", ""}), IntArg(11));
  Run({"set", "t", "a", "ex", "100"});
  EXPECT_THAT(Run({"append", "t", "b"}), IntArg(2));
  EXPECT_EQ(Pttl("t"), 100000);  // APPEND keeps the TTL
  MakeList("l");
  EXPECT_THAT(Run({"append", "l", "x"}), ErrArg(kWrongType));
}

TEST_F(StringFamilyTest, AppendMaxSize) {
  ASSERT_EQ(server_->config().Set("proto-max-bulk-len", "1048576"), "");
  Run({"setrange", "k", "1048570", "abcdef"});  // exactly 1 MiB
  EXPECT_THAT(Run({"append", "k", "x"}),
              ErrArg("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_THAT(Run({"strlen", "k"}), IntArg(1048576));
  EXPECT_THAT(Run({"append", "k", ""}), IntArg(1048576));
}

TEST_F(StringFamilyTest, StrLen) {
  EXPECT_THAT(Run({"strlen", "k"}), IntArg(0));
  Run({"set", "k", "hello"});
  EXPECT_THAT(Run({"strlen", "k"}), IntArg(5));
  Run({"set", "n", "-12345"});
  EXPECT_THAT(Run({"strlen", "n"}), IntArg(6));
  MakeList("l");
  EXPECT_THAT(Run({"strlen", "l"}), ErrArg(kWrongType));
}

TEST_F(StringFamilyTest, GetRange) {
  Run({"set", "k", "This is a string"});
  EXPECT_THAT(Run({"getrange", "k", "0", "3"}), BulkArg("This"));
  EXPECT_THAT(Run({"getrange", "k", "-3", "-1"}), BulkArg("ing"));
  EXPECT_THAT(Run({"getrange", "k", "0", "-1"}), BulkArg("This is a string"));
  EXPECT_THAT(Run({"getrange", "k", "10", "100"}), BulkArg("string"));
  EXPECT_THAT(Run({"getrange", "k", "-100", "100"}), BulkArg("This is a string"));
  EXPECT_THAT(Run({"getrange", "k", "5", "3"}), BulkArg(""));
  EXPECT_THAT(Run({"getrange", "k", "-1", "-5"}), BulkArg(""));
  EXPECT_THAT(Run({"getrange", "k", "100", "200"}), BulkArg(""));
  EXPECT_THAT(Run({"getrange", "k", "-100", "-50"}), BulkArg("T"));
  EXPECT_THAT(Run({"getrange", "k", "0", "9223372036854775807"}), BulkArg("This is a string"));
  EXPECT_THAT(Run({"getrange", "k", "-9223372036854775808", "2"}), BulkArg("Thi"));
  EXPECT_THAT(Run({"substr", "k", "0", "3"}), BulkArg("This"));
  Run({"set", "n", "12345"});  // int-encoded
  EXPECT_THAT(Run({"getrange", "n", "1", "-2"}), BulkArg("234"));
  Run({"set", "e", ""});
  EXPECT_THAT(Run({"getrange", "e", "0", "-1"}), BulkArg(""));
  EXPECT_THAT(Run({"getrange", "e", "-1", "0"}), BulkArg(""));
  EXPECT_THAT(Run({"getrange", "missing", "0", "1"}), BulkArg(""));
  EXPECT_THAT(Run({"getrange", "k", "a", "1"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"getrange", "missing", "0", "b"}), ErrArg("not an integer"));
  MakeList("l");
  EXPECT_THAT(Run({"getrange", "l", "0", "1"}), ErrArg(kWrongType));
}

TEST_F(StringFamilyTest, SetRange) {
  Run({"set", "k", "Hello World"});
  EXPECT_THAT(Run({"setrange", "k", "6", "Redis"}), IntArg(11));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("Hello Redis"));
  EXPECT_THAT(Run({"setrange", "k", "13", "!"}), IntArg(14));
  EXPECT_THAT(Run({"get", "k"}), BulkArg(std::string("Hello Redis\0\0!", 14)));
  EXPECT_THAT(Run({"setrange", "new", "2", "ab"}), IntArg(4));
  EXPECT_THAT(Run({"get", "new"}), BulkArg(std::string("\0\0ab", 4)));
  // Empty value: no change, no key created.
  EXPECT_THAT(Run({"setrange", "none", "5", ""}), IntArg(0));
  EXPECT_FALSE(Exists("none"));
  EXPECT_THAT(Run({"setrange", "k", "100", ""}), IntArg(14));
  Run({"set", "t", "abc", "ex", "100"});
  Run({"setrange", "t", "0", "z"});
  EXPECT_EQ(Pttl("t"), 100000);
  EXPECT_THAT(Run({"get", "t"}), BulkArg("zbc"));
}

TEST_F(StringFamilyTest, SetRangeErrors) {
  const std::string kTooBig = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
  EXPECT_THAT(Run({"setrange", "k", "-1", "x"}), ErrArg("ERR offset is out of range"));
  EXPECT_THAT(Run({"setrange", "k", "abc", "x"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"setrange", "k", "536870912", "x"}), ErrArg(kTooBig));
  EXPECT_THAT(Run({"setrange", "k", "9223372036854775807", "x"}), ErrArg(kTooBig));
  EXPECT_THAT(Run({"setrange", "k", "536870911", ""}), IntArg(0));
  Run({"set", "s", "hello"});
  EXPECT_THAT(Run({"setrange", "s", "536870912", ""}), IntArg(5));
  EXPECT_THAT(Run({"setrange", "s", "536870912", "x"}), ErrArg(kTooBig));
  EXPECT_THAT(Run({"get", "s"}), BulkArg("hello"));
  MakeList("l");
  EXPECT_THAT(Run({"setrange", "l", "-1", "x"}), ErrArg("offset is out of range"));
  EXPECT_THAT(Run({"setrange", "l", "0", ""}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"setrange", "l", "536870912", "x"}), ErrArg(kWrongType));
}

// ---- INCR family -------------------------------------------------------------------------

TEST_F(StringFamilyTest, IncrDecr) {
  EXPECT_THAT(Run({"incr", "c"}), IntArg(1));
  EXPECT_THAT(Run({"incr", "c"}), IntArg(2));
  EXPECT_THAT(Run({"decr", "c"}), IntArg(1));
  EXPECT_THAT(Run({"decr", "d"}), IntArg(-1));
  EXPECT_THAT(Run({"incrby", "c", "10"}), IntArg(11));
  EXPECT_THAT(Run({"incrby", "c", "-20"}), IntArg(-9));
  EXPECT_THAT(Run({"decrby", "c", "-9"}), IntArg(0));
  EXPECT_THAT(Run({"decrby", "c", "5"}), IntArg(-5));
  EXPECT_THAT(Run({"get", "c"}), BulkArg("-5"));
  Run({"set", "t", "10", "ex", "100"});
  EXPECT_THAT(Run({"incr", "t"}), IntArg(11));
  EXPECT_EQ(Pttl("t"), 100000);  // INCR keeps the TTL
}

TEST_F(StringFamilyTest, IncrErrors) {
  const std::string kNotInt = "ERR value is not an integer or out of range";
  const std::string kOverflow = "ERR increment or decrement would overflow";
  for (const char* bad : {"abc", "00", " 1", "1 ", "1.0", "+1", "", "-0", "12345678901234567890",
                          "9223372036854775808"}) {
    Run({"set", "k", bad});
    EXPECT_THAT(Run({"incr", "k"}), ErrArg(kNotInt)) << bad;
  }
  EXPECT_THAT(Run({"incrby", "c", "x"}), ErrArg(kNotInt));
  EXPECT_THAT(Run({"incrby", "c", "1.5"}), ErrArg(kNotInt));
  EXPECT_THAT(Run({"decrby", "c", "x"}), ErrArg(kNotInt));
  Run({"set", "m", "9223372036854775807"});
  EXPECT_THAT(Run({"incr", "m"}), ErrArg(kOverflow));
  EXPECT_THAT(Run({"incrby", "m", "1"}), ErrArg(kOverflow));
  EXPECT_THAT(Run({"get", "m"}), BulkArg("9223372036854775807"));
  EXPECT_THAT(Run({"decrby", "d", "-9223372036854775808"}), ErrArg("ERR decrement would overflow"));
  EXPECT_THAT(Run({"incrby", "d", "-9223372036854775808"}), IntArg(INT64_MIN));
  EXPECT_THAT(Run({"decr", "d"}), ErrArg(kOverflow));
  EXPECT_THAT(Run({"decrby", "d", "9223372036854775807"}), ErrArg(kOverflow));
  MakeList("l");
  EXPECT_THAT(Run({"incr", "l"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"decrby", "l", "1"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"incrby", "l", "x"}), ErrArg(kNotInt));  // the argument is checked first
}

TEST_F(StringFamilyTest, IncrByFloat) {
  EXPECT_THAT(Run({"incrbyfloat", "f", "10.5"}), BulkArg("10.5"));
  EXPECT_THAT(Run({"incrbyfloat", "f", "0.1"}), BulkArg("10.6"));
  EXPECT_THAT(Run({"incrbyfloat", "f", "-5"}), BulkArg("5.6"));
  EXPECT_THAT(Run({"incrbyfloat", "g", "10.5e3"}), BulkArg("10500"));
  EXPECT_THAT(Run({"incrbyfloat", "g", "0.1"}), BulkArg("10500.09999999999999964"));
  EXPECT_THAT(Run({"incrbyfloat", "h", "1.23456789012345678901234"}),
              BulkArg("1.23456789012345679"));
  EXPECT_THAT(Run({"incrbyfloat", "z", "-0.0"}), BulkArg("0"));
  EXPECT_THAT(Run({"incrbyfloat", "x", "0x10"}), BulkArg("16"));
  EXPECT_THAT(Run({"incrbyfloat", "y", ".5"}), BulkArg("0.5"));
  EXPECT_THAT(Run({"incrbyfloat", "y", "5."}), BulkArg("5.5"));
  EXPECT_THAT(Run({"incrbyfloat", "y", "+1"}), BulkArg("6.5"));
  EXPECT_THAT(Run({"incrbyfloat", "tiny", "1e-400"}), BulkArg("0"));
  Run({"set", "i", "1"});
  EXPECT_THAT(Run({"incrbyfloat", "i", "2"}), BulkArg("3"));
  EXPECT_THAT(Run({"incr", "i"}), IntArg(4));  // "3" is still an integer to INCR
  Run({"set", "t", "1.5", "ex", "100"});
  EXPECT_THAT(Run({"incrbyfloat", "t", "1"}), BulkArg("2.5"));
  EXPECT_EQ(Pttl("t"), 100000);
  // RESP3: still a bulk string.
  session_.resp = 3;
  EXPECT_THAT(Run({"incrbyfloat", "t", "1"}), BulkArg("3.5"));
}

TEST_F(StringFamilyTest, IncrByFloatErrors) {
  const std::string kNotFloat = "ERR value is not a valid float";
  const std::string kNanInf = "ERR increment would produce NaN or Infinity";
  EXPECT_THAT(Run({"incrbyfloat", "k", "inf"}), ErrArg(kNanInf));
  EXPECT_THAT(Run({"incrbyfloat", "k", "-inf"}), ErrArg(kNanInf));
  EXPECT_FALSE(Exists("k"));
  for (const char* bad : {"abc", "nan", " 1", "1 ", "", "1e5000"})
    EXPECT_THAT(Run({"incrbyfloat", "k", bad}), ErrArg(kNotFloat)) << bad;
  Run({"set", "s", "abc"});
  EXPECT_THAT(Run({"incrbyfloat", "s", "1"}), ErrArg(kNotFloat));
  EXPECT_THAT(Run({"get", "s"}), BulkArg("abc"));
  Run({"set", "big", "1e4932"});
  EXPECT_THAT(Run({"incrbyfloat", "big", "1e4932"}), ErrArg(kNanInf));
  MakeList("l");
  EXPECT_THAT(Run({"incrbyfloat", "l", "x"}), ErrArg(kWrongType));  // type first
}

// ---- Encodings (OBJECT ENCODING) ---------------------------------------------------------

TEST_F(StringFamilyTest, Encodings) {
  Run({"set", "i", "1234"});
  EXPECT_EQ(Encoding("i"), "int");
  Run({"set", "neg", "-9223372036854775808"});
  EXPECT_EQ(Encoding("neg"), "int");
  Run({"set", "big", "12345678901234567890"});  // out of int64 range
  EXPECT_EQ(Encoding("big"), "embstr");
  Run({"set", "lz", "0123"});
  EXPECT_EQ(Encoding("lz"), "embstr");
  Run({"set", "s", std::string(44, 'a')});
  EXPECT_EQ(Encoding("s"), "embstr");
  Run({"set", "r", std::string(45, 'a')});
  EXPECT_EQ(Encoding("r"), "raw");
  Run({"mset", "m1", "7", "m2", "seven"});
  EXPECT_EQ(Encoding("m1"), "int");
  EXPECT_EQ(Encoding("m2"), "embstr");
  Run({"setnx", "nx", "12"});
  EXPECT_EQ(Encoding("nx"), "int");
  Run({"setex", "ex", "10", "12"});
  EXPECT_EQ(Encoding("ex"), "int");
  Run({"getset", "gs", "12"});
  EXPECT_EQ(Encoding("gs"), "int");

  // APPEND: a new key gets the argument's encoding; an existing one becomes raw.
  Run({"append", "a", "12"});
  EXPECT_EQ(Encoding("a"), "int");
  Run({"append", "a", "3"});
  EXPECT_EQ(Encoding("a"), "raw");
  Run({"append", "i", ""});
  EXPECT_EQ(Encoding("i"), "raw");
  // INCR makes it an int again.
  EXPECT_THAT(Run({"incr", "a"}), IntArg(124));
  EXPECT_EQ(Encoding("a"), "int");
  Run({"incr", "newc"});
  EXPECT_EQ(Encoding("newc"), "int");

  // SETRANGE: raw, except when it writes nothing.
  Run({"set", "sr", "hello"});
  Run({"setrange", "sr", "1", ""});
  EXPECT_EQ(Encoding("sr"), "embstr");
  Run({"setrange", "sr", "0", "j"});
  EXPECT_EQ(Encoding("sr"), "raw");
  Run({"setrange", "srn", "0", "1"});
  EXPECT_EQ(Encoding("srn"), "raw");

  // INCRBYFLOAT: created from text, never int.
  Run({"set", "f", "1"});
  Run({"incrbyfloat", "f", "2"});
  EXPECT_EQ(Encoding("f"), "embstr");
  Run({"incrbyfloat", "f2", "12345678901234567890123456789012345678901234567890"});
  EXPECT_EQ(Encoding("f2"), "raw");
}

// ---- LCS ---------------------------------------------------------------------------------

TEST_F(StringFamilyTest, Lcs) {
  Run({"mset", "key1", "ohmytext", "key2", "mynewtext"});
  EXPECT_THAT(Run({"lcs", "key1", "key2"}), BulkArg("mytext"));
  EXPECT_THAT(Run({"lcs", "key1", "key2", "LEN"}), IntArg(6));
  EXPECT_THAT(Run({"lcs", "key1", "key2", "len", "withmatchlen"}), IntArg(6));
  EXPECT_THAT(Run({"lcs", "key1", "key2", "withmatchlen"}), BulkArg("mytext"));
  EXPECT_THAT(Run({"lcs", "key1", "missing"}), BulkArg(""));
  EXPECT_THAT(Run({"lcs", "missing", "missing2", "len"}), IntArg(0));
  Run({"set", "same", "abc"});
  EXPECT_THAT(Run({"lcs", "same", "same"}), BulkArg("abc"));
}

TEST_F(StringFamilyTest, LcsIdx) {
  Run({"mset", "key1", "ohmytext", "key2", "mynewtext"});
  auto r = Run({"lcs", "key1", "key2", "idx"});
  EXPECT_EQ(r.ToString(), Run({"lcs", "key1", "key2", "IDX", "minmatchlen", "0"}).ToString());
  ASSERT_EQ(r.type, RespValue::Type::kArray);  // RESP2: a flat array of 4
  ASSERT_THAT(r, ArrLen(4));
  EXPECT_THAT(r.elems[0], BulkArg("matches"));
  EXPECT_THAT(r.elems[2], BulkArg("len"));
  EXPECT_THAT(r.elems[3], IntArg(6));
  const RespValue& m = r.elems[1];
  ASSERT_THAT(m, ArrLen(2));
  // [[4,7],[5,8]] then [[2,3],[0,1]]: from the end of the strings backwards.
  ASSERT_THAT(m.elems[0], ArrLen(2));
  EXPECT_THAT(m.elems[0].elems[0].elems[0], IntArg(4));
  EXPECT_THAT(m.elems[0].elems[0].elems[1], IntArg(7));
  EXPECT_THAT(m.elems[0].elems[1].elems[0], IntArg(5));
  EXPECT_THAT(m.elems[0].elems[1].elems[1], IntArg(8));
  EXPECT_THAT(m.elems[1].elems[0].elems[0], IntArg(2));
  EXPECT_THAT(m.elems[1].elems[0].elems[1], IntArg(3));
  EXPECT_THAT(m.elems[1].elems[1].elems[0], IntArg(0));
  EXPECT_THAT(m.elems[1].elems[1].elems[1], IntArg(1));

  auto w = Run({"lcs", "key1", "key2", "idx", "minmatchlen", "4", "withmatchlen"});
  ASSERT_THAT(w.elems[1], ArrLen(1));
  ASSERT_THAT(w.elems[1].elems[0], ArrLen(3));
  EXPECT_THAT(w.elems[1].elems[0].elems[2], IntArg(4));
  EXPECT_THAT(w.elems[3], IntArg(6));

  auto neg = Run({"lcs", "key1", "key2", "minmatchlen", "-5", "idx", "withmatchlen"});
  ASSERT_THAT(neg.elems[1], ArrLen(2));
  EXPECT_THAT(neg.elems[1].elems[1].elems[2], IntArg(2));

  auto empty = Run({"lcs", "key1", "missing", "idx"});
  EXPECT_THAT(empty.elems[1], ArrLen(0));
  EXPECT_THAT(empty.elems[3], IntArg(0));

  session_.resp = 3;  // RESP3: a map of 2
  auto r3 = Run({"lcs", "key1", "key2", "idx"});
  EXPECT_EQ(r3.type, RespValue::Type::kMap);
  EXPECT_EQ(r3.elems.size(), 4u);
}

TEST_F(StringFamilyTest, LcsRangesReachingStart) {
  // The match touching index 0 of one string is emitted when the walk hits it.
  Run({"mset", "a", "abcXdef", "b", "abcYdef"});
  auto r = Run({"lcs", "a", "b", "idx", "withmatchlen"});
  ASSERT_THAT(r.elems[1], ArrLen(2));
  EXPECT_THAT(r.elems[1].elems[0].elems[0].elems[0], IntArg(4));
  EXPECT_THAT(r.elems[1].elems[0].elems[0].elems[1], IntArg(6));
  EXPECT_THAT(r.elems[1].elems[1].elems[0].elems[0], IntArg(0));
  EXPECT_THAT(r.elems[1].elems[1].elems[0].elems[1], IntArg(2));
  EXPECT_THAT(r.elems[1].elems[1].elems[2], IntArg(3));
  EXPECT_THAT(Run({"lcs", "a", "b"}), BulkArg("abcdef"));
}

TEST_F(StringFamilyTest, LcsErrors) {
  Run({"mset", "key1", "ohmytext", "key2", "mynewtext"});
  EXPECT_THAT(Run({"lcs", "key1", "key2", "idx", "len"}),
              ErrArg("ERR If you want both the length and indexes, please just use IDX."));
  EXPECT_THAT(Run({"lcs", "key1", "key2", "len", "idx", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"lcs", "key1", "key2", "minmatchlen"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"lcs", "key1", "key2", "minmatchlen", "x"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"lcs", "key1"}), ErrArg("wrong number of arguments for 'lcs'"));
  MakeList("l");
  // The key types are checked before the options.
  EXPECT_THAT(Run({"lcs", "key1", "l", "foo"}),
              ErrArg("ERR The specified keys must contain string values"));
  EXPECT_THAT(Run({"lcs", "l", "missing"}), ErrArg("must contain string values"));
  ASSERT_EQ(server_->config().Set("proto-max-bulk-len", "1048576"), "");
  Run({"setrange", "big1", "999", "x"});
  Run({"setrange", "big2", "999", "y"});
  EXPECT_THAT(
      Run({"lcs", "big1", "big2", "len"}),
      ErrArg("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"));
}

// ---- RESP3 nulls and registry metadata -----------------------------------------------------

TEST_F(StringFamilyTest, Resp3Nulls) {
  session_.resp = 3;
  EXPECT_EQ(Run({"get", "k"}).type, RespValue::Type::kNull);
  EXPECT_EQ(Run({"set", "k", "v", "xx"}).type, RespValue::Type::kNull);
  auto r = Run({"mget", "k", "k2"});
  ASSERT_THAT(r, ArrLen(2));
  EXPECT_EQ(r.elems[0].type, RespValue::Type::kNull);
}

TEST_F(StringFamilyTest, KeyPositions) {
  auto keys = [&](std::vector<std::string_view> argv) {
    const CommandSpec* spec = server_->registry().Find(argv[0]);
    EXPECT_NE(spec, nullptr);
    KeyIndexes out;
    CommandRegistry::GetKeyIndexes(*spec, CmdArgList(argv.data(), argv.size()), &out);
    return std::vector<int>(out.begin(), out.end());
  };
  EXPECT_THAT(keys({"mget", "a", "b", "c"}), ElementsAre(1, 2, 3));
  EXPECT_THAT(keys({"mset", "a", "1", "b", "2"}), ElementsAre(1, 3));
  EXPECT_THAT(keys({"msetnx", "a", "1", "b", "2"}), ElementsAre(1, 3));
  EXPECT_THAT(keys({"lcs", "a", "b", "idx", "len"}), ElementsAre(1, 2));
  EXPECT_THAT(keys({"set", "k", "v", "ex", "10"}), ElementsAre(1));
  for (auto name :
       {"get",    "set",    "setnx",  "setex",  "psetex",      "mget",     "mset",   "msetnx",
        "getset", "getdel", "getex",  "append", "strlen",      "getrange", "substr", "setrange",
        "incr",   "decr",   "incrby", "decrby", "incrbyfloat", "lcs"}) {
    const CommandSpec* spec = server_->registry().Find(name);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_EQ(spec->group, "string") << name;
    EXPECT_FALSE(spec->summary.empty()) << name;
    EXPECT_TRUE(spec->flags & (CO::kWrite | CO::kReadOnly)) << name;
  }
}

}  // namespace
}  // namespace fincache
