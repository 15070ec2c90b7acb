// Scripting: EVAL/EVALSHA/EVAL_RO/SCRIPT through the dispatcher, conversions both ways, the
// sandbox, and the script engine's pieces (SHA-1, shebang, math.random).
#include <thread>

#include "command_test_base.h"
#include "script/script_engine.h"
#include "script/sha1.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;
using Type = RespValue::Type;

class ScriptTest : public CommandTest {
 protected:
  RespValue Eval(std::string_view body, std::initializer_list<std::string_view> rest = {"0"}) {
    std::vector<std::string> argv{"eval", std::string(body)};
    for (auto s : rest) argv.emplace_back(s);
    return Run(argv);
  }
};

TEST(Sha1Test, KnownDigests) {
  EXPECT_EQ(script::Sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(script::Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(script::Sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(script::Sha1Hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  // 55/56/64-byte boundaries of the padding.
  EXPECT_EQ(script::Sha1Hex(std::string(55, 'x')).size(), 40u);
  EXPECT_NE(script::Sha1Hex(std::string(56, 'x')), script::Sha1Hex(std::string(57, 'x')));
}

TEST(ShebangTest, Flags) {
  uint32_t flags;
  size_t len;
  std::string err;
  ASSERT_TRUE(script::ParseShebang("return 1", &flags, &len, &err));
  EXPECT_EQ(flags, script::SF::kEvalCompat);
  EXPECT_EQ(len, 0u);
  ASSERT_TRUE(
      script::ParseShebang("#!lua flags=no-writes,allow-oom\nreturn 1", &flags, &len, &err));
  EXPECT_EQ(flags, script::SF::kNoWrites | script::SF::kAllowOom);
  EXPECT_EQ(len, 31u);
  EXPECT_FALSE(script::ParseShebang("#!lua", &flags, &len, &err));
  EXPECT_EQ(err, "ERR Invalid script shebang");
  EXPECT_FALSE(script::ParseShebang("#!python\n", &flags, &len, &err));
  EXPECT_EQ(err, "ERR Unexpected engine in script shebang: #!python");
  EXPECT_FALSE(script::ParseShebang("#!lua flags=bad\n", &flags, &len, &err));
  EXPECT_EQ(err, "ERR Unexpected flag in script shebang: bad");
  EXPECT_FALSE(script::ParseShebang("#!lua name=x\n", &flags, &len, &err));
  EXPECT_EQ(err, "ERR Unknown lua shebang option: name=x");
}

TEST_F(ScriptTest, ReturnConversions) {
  EXPECT_THAT(Eval("return 1"), IntArg(1));
  EXPECT_THAT(Eval("return 3.99"), IntArg(3));
  EXPECT_THAT(Eval("return -3.99"), IntArg(-3));
  EXPECT_THAT(Eval("return 0/0"), IntArg(INT64_MIN));
  EXPECT_THAT(Eval("return 'x'"), BulkArg("x"));
  EXPECT_THAT(Eval("return true"), IntArg(1));
  EXPECT_THAT(Eval("return false"), NullArg());
  EXPECT_THAT(Eval("return nil"), NullArg());
  EXPECT_THAT(Eval("return {ok='fine'}"), SimpleArg("fine"));
  EXPECT_EQ(Eval("return {err='My error'}").str, "My error");
  EXPECT_EQ(Eval("return {err='a\\r\\nb'}").str, "a  b");
  auto arr = Eval("return {1, 'a', {2}, nil, 4}");
  ASSERT_THAT(arr, ArrLen(3));
  EXPECT_THAT(arr.elems[0], IntArg(1));
  EXPECT_THAT(arr.elems[2], ArrLen(1));
  auto holes = Eval("return {1, false, 3}");
  ASSERT_THAT(holes, ArrLen(3));
  EXPECT_THAT(holes.elems[1], NullArg());
  EXPECT_THAT(Eval("return {double=1.5}"), BulkArg("1.5"));
  EXPECT_THAT(Eval("return {ok=5}"), ArrLen(0));
  auto map = Eval("return {map={a=1}}");
  ASSERT_THAT(map, ArrLen(2));
  EXPECT_THAT(map.elems[0], BulkArg("a"));
  EXPECT_THAT(Eval("return {set={a=true}}"), ArrLen(1));
}

TEST_F(ScriptTest, Resp3Conversions) {
  session_.resp = 3;
  EXPECT_EQ(Eval("return {double=1.5}").type, Type::kDouble);
  EXPECT_EQ(Eval("return {map={a=1}}").type, Type::kMap);
  EXPECT_EQ(Eval("return {set={a=true}}").type, Type::kSet);
  EXPECT_EQ(Eval("return {big_number='123'}").type, Type::kBigNumber);
  EXPECT_EQ(Eval("return true").type, Type::kInteger);  // RESP2 script dialect: true -> 1
  auto b = Eval("redis.setresp(3) return true");
  EXPECT_EQ(b.type, Type::kBool);
  EXPECT_EQ(b.integer, 1);
}

TEST_F(ScriptTest, RedisCallConversions) {
  Run({"set", "s", "abc"});
  Run({"hset", "h", "a", "1"});
  EXPECT_THAT(Eval("return redis.call('get', 's')"), BulkArg("abc"));
  EXPECT_THAT(Eval("return type(redis.call('get', 'nokey'))"), BulkArg("boolean"));
  EXPECT_THAT(Eval("redis.setresp(3) return type(redis.call('get', 'nokey'))"), BulkArg("nil"));
  EXPECT_THAT(Eval("return redis.call('ping')['ok']"), BulkArg("PONG"));
  EXPECT_THAT(Eval("return redis.call('incr', 'n')"), IntArg(1));
  EXPECT_THAT(Eval("redis.setresp(3) return redis.call('hgetall', 'h')['map']['a']"), BulkArg("1"));
  EXPECT_THAT(Eval("return redis.call('hgetall', 'h')"), ArrLen(2));
  // Numbers become "%.17g" arguments.
  EXPECT_THAT(Eval("return redis.call('set', 'f', 3.14)"), SimpleArg("OK"));
  EXPECT_THAT(Run({"get", "f"}), BulkArg("3.1400000000000001"));
  EXPECT_THAT(Eval("return redis.pcall('incr', 's')['err']"),
              BulkArg("ERR value is not an integer or out of range"));
}

TEST_F(ScriptTest, KeysAndArgv) {
  EXPECT_THAT(Eval("return {KEYS[1], KEYS[2], ARGV[1], #ARGV}", {"2", "k1", "k2", "a1", "a2"}),
              ArrLen(4));
  auto r = Eval("return {KEYS[1], ARGV[2]}", {"1", "k", "x", "y"});
  EXPECT_THAT(StrArray(r), ElementsAre("k", "y"));
  EXPECT_THAT(Eval("return 1", {"-1"}), ErrArg("ERR Number of keys can't be negative"));
  EXPECT_THAT(Eval("return 1", {"2", "a"}),
              ErrArg("ERR Number of keys can't be greater than number of args"));
  EXPECT_THAT(Eval("return 1", {"x"}), ErrArg("ERR value is not an integer or out of range"));
}

TEST_F(ScriptTest, Errors) {
  Run({"set", "s", "abc"});
  std::string sha = script::Sha1Hex("return redis.call('incr','s')");
  EXPECT_EQ(Eval("return redis.call('incr','s')").str,
            "ERR value is not an integer or out of range script: " + sha + ", on @user_script:1.");
  EXPECT_THAT(Eval("return redis.call('nosuch')"),
              ErrArg("ERR Unknown Redis command called from script script: "));
  EXPECT_THAT(Eval("return redis.call('get')"),
              ErrArg("ERR Wrong number of args calling Redis command from script"));
  EXPECT_THAT(Eval("return redis.call('config', 'get', 'maxmemory')"),
              ErrArg("ERR This Redis command is not allowed from script"));
  EXPECT_THAT(Eval("return redis.call()"),
              ErrArg("ERR Please specify at least one argument for this redis lib call"));
  EXPECT_THAT(Eval("return redis.call('get', {})"),
              ErrArg("ERR Lua redis lib command arguments must be strings or integers"));
  EXPECT_THAT(Eval("error('boom')"), ErrArg("ERR user_script:1: boom script: "));
  EXPECT_THAT(Eval("error({err='MY boom'})"), ErrArg("MY boom script: "));
  EXPECT_THAT(Eval("return 'a"),
              ErrArg("ERR Error compiling script (new function): user_script:1: unfinished "
                     "string near '<eof>'"));
  EXPECT_EQ(Eval("return redis.error_reply('My Err')").str, "My Err");
  EXPECT_EQ(Eval("return redis.error_reply('x')").str, "ERR x");
  EXPECT_THAT(Eval("return redis.status_reply('fine')"), SimpleArg("fine"));
  EXPECT_THAT(Eval("return redis.setresp(4)"), ErrArg("ERR RESP version must be 2 or 3."));
  EXPECT_THAT(Eval("redis.log(9, 'x')"), ErrArg("ERR Invalid debug level."));
  EXPECT_THAT(Eval("return redis.set_repl(9)"), ErrArg("ERR Invalid replication flags."));
  EXPECT_THAT(Eval("return redis.set_repl(redis.REPL_ALL)"), NullArg());
}

TEST_F(ScriptTest, Sandbox) {
  EXPECT_THAT(Eval("return x"),
              ErrArg("ERR user_script:1: Script attempted to access nonexistent global variable "
                     "'x'"));
  EXPECT_THAT(Eval("x = 1"), ErrArg("ERR user_script:1: Attempt to modify a readonly table"));
  EXPECT_THAT(Eval("string.x = 1"), ErrArg("Attempt to modify a readonly table"));
  EXPECT_THAT(Eval("redis.call = nil"), ErrArg("Attempt to modify a readonly table"));
  EXPECT_THAT(Eval("rawset(_G, 'x', 1)"), ErrArg("ERR Attempt to modify a readonly table script"));
  EXPECT_THAT(Eval("setmetatable(_G, nil)"), ErrArg("ERR Attempt to modify a readonly table"));
  for (const char* name : {"os", "io", "print", "loadfile", "dofile", "require", "debug", "package",
                           "getfenv", "setfenv", "newproxy", "module"})
    EXPECT_THAT(Eval(std::string("return type(") + name + ")"),
                ErrArg("Script attempted to access nonexistent global variable"))
        << name;
  for (const char* name : {"loadstring", "pcall", "unpack", "gcinfo", "cjson", "bit", "redis"})
    EXPECT_EQ(Eval(std::string("return type(") + name + ")").type, Type::kBulk) << name;
  EXPECT_THAT(Eval("local t = {} t.x = 1 return t.x"), IntArg(1));
  EXPECT_THAT(Eval("return string.upper('a') .. ('b'):upper()"), BulkArg("AB"));
  EXPECT_THAT(Eval("return rawget(_G, 'redis') ~= nil"), IntArg(1));
  EXPECT_THAT(Eval("return bit.band(0xff, 0x0f)"), IntArg(15));
  EXPECT_THAT(Eval("return cjson.encode({1,2})"), BulkArg("[1,2]"));
  EXPECT_THAT(Eval("return cjson.decode('[5]')[1]"), IntArg(5));
  EXPECT_THAT(Eval("return struct.pack('>I2', 258)"), BulkArg("\x01\x02"));
  EXPECT_THAT(Eval("return struct.unpack('<i4', struct.pack('<i4', -2))"), IntArg(-2));
  EXPECT_THAT(Eval("return struct.size('!4 b i')"), IntArg(8));
  EXPECT_THAT(Eval("return cmsgpack.pack({1, 'a'}, 300)"), BulkArg("\x92\x01\xa1"
                                                                   "a\xcd\x01\x2c"));
  EXPECT_THAT(Eval("return cmsgpack.unpack(cmsgpack.pack({x={-5}})).x[1]"), IntArg(-5));
  EXPECT_THAT(Eval("return cmsgpack.unpack('\\204')"), ErrArg("Missing bytes in input."));
  EXPECT_THAT(Eval("return struct.size('s')"), ErrArg("option 's' has no fixed size"));
  // A failed assignment leaves no global behind.
  EXPECT_THAT(Eval("return type(x)"), ErrArg("nonexistent global variable 'x'"));
}

TEST_F(ScriptTest, MathRandomIsRedisGenerator) {
  // The first values of Redis 7.0's redisLrand48 from its initial state.
  auto r = Eval("return {math.random(1000), math.random(1000)}");
  EXPECT_THAT(r.elems, ElementsAre(IntArg(397), IntArg(841)));
  EXPECT_THAT(Eval("math.randomseed(7) return math.random(100000)"), IntArg(26645));
}

TEST_F(ScriptTest, ScriptCache) {
  std::string sha = script::Sha1Hex("return 'hi'");
  EXPECT_THAT(Run({"evalsha", sha, "0"}), ErrArg("NOSCRIPT No matching script. Please use EVAL."));
  EXPECT_THAT(Run({"script", "load", "return 'hi'"}), BulkArg(sha));
  EXPECT_THAT(Run({"evalsha", sha, "0"}), BulkArg("hi"));
  std::string upper = sha;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_THAT(Run({"evalsha", upper, "0"}), BulkArg("hi"));
  auto ex = Run({"script", "exists", sha, "ffff"});
  EXPECT_THAT(ex.elems, ElementsAre(IntArg(1), IntArg(0)));
  EXPECT_THAT(Run({"evalsha", "abc", "x"}), ErrArg("NOSCRIPT"));
  EXPECT_THAT(Run({"script", "flush", "bad"}),
              ErrArg("ERR SCRIPT FLUSH only support SYNC|ASYNC option"));
  EXPECT_THAT(Run({"script", "flush", "async"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"evalsha", sha, "0"}), ErrArg("NOSCRIPT"));
  // EVAL caches the body too.
  Eval("return 'hi'");
  EXPECT_THAT(Run({"evalsha", sha, "0"}), BulkArg("hi"));
  EXPECT_THAT(Run({"script", "load", "return 'a"}), ErrArg("ERR Error compiling script"));
}

TEST_F(ScriptTest, ReadOnly) {
  EXPECT_THAT(Run({"eval_ro", "return redis.call('set','a','b')", "0"}),
              ErrArg("ERR Write commands are not allowed from read-only scripts."));
  Run({"set", "a", "v"});
  EXPECT_THAT(Run({"eval_ro", "return redis.call('get','a')", "0"}), BulkArg("v"));
  EXPECT_THAT(Eval("#!lua flags=no-writes\nreturn redis.call('set','a','b')"),
              ErrArg("Write commands are not allowed from read-only scripts."));
  EXPECT_THAT(Run({"eval_ro", "#!lua\nreturn 1", "0"}),
              ErrArg("ERR Can not execute a script with write flag using *_ro command."));
  EXPECT_THAT(Eval("#!lua\nreturn 1"), IntArg(1));
  EXPECT_THAT(Eval("#!perl\nreturn 1"), ErrArg("ERR Unexpected engine in script shebang: #!perl"));
}

TEST_F(ScriptTest, OneClockForTtls) {
  // Every redis.call sees the script's start time: a key set with PX 1 is still there.
  EXPECT_THAT(Eval("redis.call('set','k','v','PX',1) "
                   "for i=1,200000 do end "
                   "return redis.call('pttl','k')"),
              IntArg(1));
  AdvanceTime(2);
  EXPECT_THAT(Run({"exists", "k"}), IntArg(0));
}

TEST_F(ScriptTest, SelectStaysInScript) {
  EXPECT_THAT(Eval("redis.call('select', 3) redis.call('set', 'k', 'db3') return 1"), IntArg(1));
  EXPECT_THAT(Run({"get", "k"}), NullArg());
  Run({"select", "3"});
  EXPECT_THAT(Run({"get", "k"}), BulkArg("db3"));
}

TEST_F(ScriptTest, AtomicAgainstOtherThreads) {
  // Scripts read-modify-write a counter with GET + SET: without atomicity updates would be lost.
  constexpr int kThreads = 4, kIters = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this] {
      Session s;
      s.id = server_->clients().NextId();
      Dispatcher d(*server_);
      std::string body =
          "local v = tonumber(redis.call('get', KEYS[1]) or '0') "
          "redis.call('set', KEYS[1], v + 1) return v + 1";
      for (int i = 0; i < kIters; ++i) {
        std::vector<std::string_view> argv{"eval", body, "1", "counter"};
        protocol::ValueBuilder rb;
        d.Dispatch(argv, s, rb);
        rb.TakeOne();
      }
    });
  }
  for (int i = 0; i < kIters; ++i) Run({"incr", "counter"});
  for (auto& t : threads) t.join();
  EXPECT_THAT(Run({"get", "counter"}), BulkArg(std::to_string((kThreads + 1) * kIters)));
}

TEST_F(ScriptTest, RedisHelpers) {
  EXPECT_THAT(Eval("return redis.sha1hex('abc')"),
              BulkArg("a9993e364706816aba3e25717850c26c9cd0d89d"));
  EXPECT_THAT(Eval("return redis.sha1hex()"), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Eval("return redis.REDIS_VERSION"), BulkArg("7.0.15"));
  EXPECT_THAT(Eval("return redis.REDIS_VERSION_NUM"), IntArg(0x0007000f));
  EXPECT_THAT(Eval("return redis.acl_check_cmd('get', 'x')"), IntArg(1));
  EXPECT_THAT(Eval("return redis.acl_check_cmd('nosuch')"),
              ErrArg("ERR Invalid command passed to redis.acl_check_cmd()"));
  EXPECT_THAT(Eval("redis.log(redis.LOG_DEBUG, 'hello') return 1"), IntArg(1));
  EXPECT_THAT(Eval("return redis.replicate_commands()"), IntArg(1));
}

TEST_F(ScriptTest, Metadata) {
  auto info = Run({"command", "info", "eval"});
  ASSERT_THAT(info, ArrLen(1));
  EXPECT_THAT(Run({"command", "getkeys", "eval", "return 1", "2", "a", "b", "c"}).elems,
              ElementsAre(BulkArg("a"), BulkArg("b")));
  EXPECT_THAT(Run({"script", "nosuch"}),
              ErrArg("ERR unknown subcommand 'nosuch'. Try SCRIPT HELP."));
  EXPECT_THAT(Run({"script", "help"}), ArrLen(15));
}

}  // namespace
}  // namespace fincache
