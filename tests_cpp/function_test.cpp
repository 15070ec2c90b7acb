// Functions (FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS, FCALL) through the dispatcher,
// busy scripts (busy-reply-threshold, BUSY replies to a second client, SCRIPT/FUNCTION KILL),
// the ExecGate's busy yield, and the RDB pieces FUNCTION DUMP/RESTORE use (CRC64, lengths, LZF
// strings, the payload's records and footer).
#include <atomic>
#include <chrono>
#include <thread>

#include "command_test_base.h"
#include "engine/exec_gate.h"
#include "persist/crc64.h"
#include "persist/rdb.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;

constexpr std::string_view kLib =
    "#!lua name=mylib\n"
    "redis.register_function('echo', function(keys, args) return args[1] end)\n"
    "redis.register_function{function_name='getk', callback=function(keys, args) "
    "return redis.call('get', keys[1]) end, flags={'no-writes'}, description='get a key'}\n"
    "redis.register_function('setk', function(keys, args) "
    "return redis.call('set', keys[1], args[1]) end)\n";

class FunctionTest : public CommandTest {
 protected:
  // Runs argv as another client, on the calling thread.
  RespValue RunAs(Session& s, const std::vector<std::string>& argv) {
    std::vector<std::string_view> views(argv.begin(), argv.end());
    protocol::ValueBuilder rb(s.resp);
    dispatcher_->Dispatch(CmdArgList(views.data(), views.size()), s, rb);
    return rb.TakeOne();
  }
  // Waits (up to 10 s) until a script running on another thread has turned busy.
  bool WaitBusy() {
    for (int i = 0; i < 10000 && engine().gate().busy() == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return engine().gate().busy() != 0;
  }
};

// ---- the RDB pieces FUNCTION DUMP/RESTORE use (persist/rdb.h) --------------------------------

std::string EncodeString(std::string_view s) {
  persist::RdbWriter w;
  w.String(s);
  return std::move(w.buffer());
}

TEST(RdbPayloadTest, Crc64CheckValue) {
  EXPECT_EQ(persist::Crc64(0, "123456789", 9), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(persist::Crc64(0, "", 0), 0u);
}

TEST(RdbPayloadTest, LengthsAndStringsRoundTrip) {
  for (size_t len : {0u, 1u, 20u, 21u, 63u, 64u, 16383u, 16384u, 70000u}) {
    for (char fill : {'a', 'z'}) {
      std::string s(len, fill);
      if (len > 3) s[len / 2] = 'Q';
      std::string out = EncodeString(s);
      if (len > 40) EXPECT_LT(out.size(), len) << "repetitive strings are LZF-compressed";
      persist::RdbReader r(out);
      std::string back;
      ASSERT_TRUE(r.String(&back)) << len;
      EXPECT_EQ(back, s);
      EXPECT_EQ(r.remaining(), 0u);
    }
  }
  for (std::string_view n : {"0", "-1", "127", "-128", "300", "-32768", "70000", "2147483647"}) {
    std::string out = EncodeString(n);
    EXPECT_EQ(static_cast<uint8_t>(out[0]) >> 6, 3) << n << " is integer-encoded";
    persist::RdbReader r(out);
    std::string back;
    ASSERT_TRUE(r.String(&back));
    EXPECT_EQ(back, n);
  }
  EXPECT_EQ(EncodeString("007"), std::string("\x03"
                                             "007"));  // not canonical: raw
}

TEST(RdbPayloadTest, MalformedStringsAreRejected) {
  std::string out = EncodeString(std::string(200, 'x'));
  for (size_t cut = 0; cut < out.size(); ++cut) {
    persist::RdbReader r(std::string_view(out).substr(0, cut));
    std::string back;
    EXPECT_FALSE(r.String(&back)) << cut;
  }
  // An LZF header declaring a huge uncompressed size is refused before allocating.
  persist::RdbReader r("\xc3\x01\x84\x7f\xff\xff\xff\x00");
  std::string back;
  EXPECT_FALSE(r.String(&back));
}

TEST(RdbPayloadTest, FunctionsPayloadFooterAndRecords) {
  using E = persist::FunctionsPayloadError;
  std::string p = persist::CreateFunctionsPayload({"hello", std::string(100, 'c')});
  std::vector<std::string> codes;
  ASSERT_EQ(persist::ParseFunctionsPayload(p, &codes), E::kOk);
  EXPECT_THAT(codes, ElementsAre("hello", std::string(100, 'c')));
  EXPECT_EQ(p.substr(0, 7), "\xf5\x05hello");
  EXPECT_EQ(p.substr(p.size() - 10, 2), std::string("\x0a\x00", 2));  // RDB version 10
  std::string bad = p;
  bad[2] = 'H';
  EXPECT_EQ(persist::ParseFunctionsPayload(bad, &codes), E::kVersionOrChecksum);
  EXPECT_EQ(persist::ParseFunctionsPayload("short", &codes), E::kVersionOrChecksum);
  // A newer RDB version is refused even with a right checksum.
  auto with_footer = [](std::string body, int version) {
    body.push_back(static_cast<char>(version));
    body.push_back(0);
    const uint64_t crc = persist::Crc64(0, body);
    for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
    return body;
  };
  EXPECT_EQ(persist::ParseFunctionsPayload(with_footer("\xf5\x01x", 11), &codes),
            E::kVersionOrChecksum);
  EXPECT_EQ(persist::ParseFunctionsPayload(with_footer("\xf6\x01x", 10), &codes), E::kPreGa);
  EXPECT_EQ(persist::ParseFunctionsPayload(with_footer(std::string("\x00\x01x", 3), 10), &codes),
            E::kNotAFunction);
  EXPECT_EQ(persist::ParseFunctionsPayload(with_footer("\xf5\xc4", 10), &codes), E::kBadLibrary);
  codes.clear();
  EXPECT_EQ(persist::ParseFunctionsPayload(with_footer("", 10), &codes), E::kOk);
  EXPECT_TRUE(codes.empty());
}

// ---- FUNCTION / FCALL ------------------------------------------------------------------------

TEST_F(FunctionTest, LoadCallListDelete) {
  EXPECT_THAT(Run({"function", "load", std::string(kLib)}), BulkArg("mylib"));
  EXPECT_THAT(Run({"function", "load", std::string(kLib)}),
              ErrArg("ERR Library 'mylib' already exists"));
  EXPECT_THAT(Run({"function", "load", "replace", std::string(kLib)}), BulkArg("mylib"));
  EXPECT_THAT(Run({"fcall", "echo", "0", "hi"}), BulkArg("hi"));
  EXPECT_THAT(Run({"fcall", "ECHO", "0", "hi"}), BulkArg("hi"));
  EXPECT_THAT(Run({"fcall", "setk", "1", "k", "v"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"fcall_ro", "getk", "1", "k"}), BulkArg("v"));
  EXPECT_THAT(Run({"fcall_ro", "setk", "1", "k", "v"}),
              ErrArg("ERR Can not execute a script with write flag using *_ro command."));
  EXPECT_THAT(Run({"fcall", "nosuch", "0"}), ErrArg("ERR Function not found"));
  EXPECT_THAT(Run({"fcall", "echo", "x"}), ErrArg("ERR Bad number of keys provided"));
  auto list = Run({"function", "list", "withcode"});
  ASSERT_THAT(list, ArrLen(1));
  EXPECT_THAT(list.elems[0], ArrLen(8));
  EXPECT_EQ(list.elems[0].elems[1].str, "mylib");
  EXPECT_EQ(list.elems[0].elems[7].str, kLib);
  EXPECT_THAT(list.elems[0].elems[5], ArrLen(3));
  EXPECT_THAT(Run({"function", "list", "libraryname", "MY*"}), ArrLen(1));
  EXPECT_THAT(Run({"function", "list", "libraryname", "x*"}), ArrLen(0));
  EXPECT_THAT(Run({"function", "delete", "MYLIB"}), ErrArg("ERR Library not found"));
  EXPECT_THAT(Run({"function", "delete", "mylib"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"fcall", "echo", "0"}), ErrArg("ERR Function not found"));
}

TEST_F(FunctionTest, LoadErrorsLeaveNothingBehind) {
  EXPECT_THAT(Run({"function", "load",
                   "#!lua name=bad\nredis.register_function('f', "
                   "function() end) error('boom')"}),
              ErrArg("Error registering functions"));
  EXPECT_THAT(Run({"function", "load", "#!lua name=slow\nwhile true do end"}),
              ErrArg("ERR Error registering functions: ERR FUNCTION LOAD timeout"));
  EXPECT_THAT(Run({"function", "load", "#!lua name=none\nlocal x = 1"}),
              ErrArg("ERR No functions registered"));
  auto stats = Run({"function", "stats"});
  ASSERT_THAT(stats, ArrLen(4));
  EXPECT_THAT(stats.elems[3].elems[1], ArrLen(4));
  EXPECT_THAT(stats.elems[3].elems[1].elems[1], IntArg(0));  // libraries_count
  EXPECT_THAT(stats.elems[3].elems[1].elems[3], IntArg(0));  // functions_count
}

TEST_F(FunctionTest, DumpMatchesRedisBytes) {
  // FUNCTION DUMP of this library as redis-server 7.0.15 writes it (raw string: too short to
  // compress by 4 bytes).
  std::string code = "#!lua name=dumpme\nredis.register_function('x', function() return 1 end)";
  ASSERT_THAT(Run({"function", "load", code}), BulkArg("dumpme"));
  std::string expected =
      "\xf5\x40\x47" + code + std::string("\x0a\x00", 2) + "\x88\x6e\xc5\x6f\x48\xe1\x7d\xcb";
  auto dump = Run({"function", "dump"});
  EXPECT_EQ(dump.str, expected);
  EXPECT_THAT(Run({"function", "flush"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"function", "dump"}),
              BulkArg(std::string("\x0a\x00\x5d\x9b\x5c\x40\x0f\x7f\xa2\xda", 10)));
  EXPECT_THAT(Run({"function", "restore", dump.str}), SimpleArg("OK"));
  EXPECT_THAT(Run({"fcall", "x", "0"}), IntArg(1));
  EXPECT_THAT(Run({"function", "restore", dump.str}), ErrArg("ERR Library dumpme already exists"));
  EXPECT_THAT(Run({"function", "restore", dump.str, "replace"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"function", "restore", dump.str.substr(1)}),
              ErrArg("ERR DUMP payload version or checksum are wrong"));
}

// FUNCTION DUMP writes the code as an RDB string: LZF-compressed under rdbcompression yes (the
// default), raw under no, as Redis's rdbSaveRawString. Both restore.
TEST_F(FunctionTest, DumpFollowsRdbcompression) {
  std::string code = "#!lua name=big\n";
  for (int i = 0; i < 40; ++i)
    code += "redis.register_function('f" + std::to_string(i) + "', function() return " +
            std::to_string(i) + " end)\n";
  ASSERT_THAT(Run({"function", "load", code}), BulkArg("big"));
  std::string packed = Run({"function", "dump"}).str;
  ASSERT_GE(packed.size(), 2u);
  EXPECT_EQ(packed.substr(0, 2), "\xf5\xc3");  // FUNCTION2, LZF string
  EXPECT_LT(packed.size(), code.size());
  ASSERT_THAT(Run({"config", "set", "rdbcompression", "no"}), SimpleArg("OK"));
  std::string raw = Run({"function", "dump"}).str;
  EXPECT_NE(raw.find(code), std::string::npos);
  EXPECT_EQ(raw.size(), 1 + 2 + code.size() + 10);  // opcode, 14-bit length, code, footer
  ASSERT_THAT(Run({"config", "set", "rdbcompression", "yes"}), SimpleArg("OK"));
  for (const std::string& p : {packed, raw}) {
    EXPECT_THAT(Run({"function", "restore", p, "flush"}), SimpleArg("OK"));
    EXPECT_THAT(Run({"fcall", "f39", "0"}), IntArg(39));
  }
}

TEST_F(FunctionTest, RestoreIsAllOrNothing) {
  ASSERT_THAT(Run({"function", "load",
                   "#!lua name=a\nredis.register_function('fa', function() "
                   "return 'a' end)"}),
              BulkArg("a"));
  ASSERT_THAT(Run({"function", "load",
                   "#!lua name=b\nredis.register_function('fb', function() "
                   "return 'b' end)"}),
              BulkArg("b"));
  auto dump = Run({"function", "dump"}).str;
  ASSERT_THAT(Run({"function", "delete", "a"}), SimpleArg("OK"));
  // APPEND: b exists -> nothing restored, a stays gone.
  EXPECT_THAT(Run({"function", "restore", dump}), ErrArg("ERR Library b already exists"));
  EXPECT_THAT(Run({"fcall", "fa", "0"}), ErrArg("ERR Function not found"));
  EXPECT_THAT(Run({"function", "restore", dump, "REPLACE"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"fcall", "fa", "0"}), BulkArg("a"));
  EXPECT_THAT(Run({"fcall", "fb", "0"}), BulkArg("b"));
}

// ---- busy scripts ----------------------------------------------------------------------------

TEST(ExecGateTest, WaitersYieldToABusyHolder) {
  ExecGate gate;
  std::atomic<bool> holding{false}, release{false};
  std::thread holder([&] {
    ExecGate::Exclusive excl(gate);
    holding = true;
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    gate.SetBusy(0);
  });
  while (!holding) std::this_thread::yield();
  std::atomic<int> gave_up{0};
  std::thread shared_waiter([&] {
    ExecGate::Shared s(gate, true);
    if (!s.acquired()) ++gave_up;
  });
  std::thread excl_waiter([&] {
    ExecGate::Exclusive e(gate, true);
    if (!e.acquired()) ++gave_up;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(gave_up.load(), 0) << "not busy yet: they wait";
  gate.SetBusy(1);
  shared_waiter.join();
  excl_waiter.join();
  EXPECT_EQ(gave_up.load(), 2);
  // A non-yielding taker still waits for the holder, and gets the gate once it's gone.
  std::thread plain([&] { ExecGate::Shared s(gate); });
  release = true;
  holder.join();
  plain.join();
  ExecGate::Exclusive again(gate, true);
  EXPECT_TRUE(again.acquired());
}

TEST_F(FunctionTest, BusyScriptKillAndUnkillable) {
  ASSERT_THAT(Run({"config", "set", "busy-reply-threshold", "50"}), SimpleArg("OK"));
  ASSERT_THAT(Run({"function", "load",
                   "#!lua name=spin\nredis.register_function('spin', "
                   "function() while true do end end)"}),
              BulkArg("spin"));
  Session other;
  other.id = server_->clients().NextId();
  EXPECT_THAT(RunAs(other, {"function", "kill"}),
              ErrArg("NOTBUSY No scripts in execution right now."));

  for (bool eval : {true, false}) {
    RespValue script_reply;
    std::thread t([&] {
      script_reply = eval ? Run({"eval", "while true do end", "0"}) : Run({"fcall", "spin", "0"});
    });
    std::string busy_text = eval ? "BUSY Redis is busy running a script. You can only call SCRIPT"
                                 : "BUSY Redis is busy running a script. You can only call "
                                   "FUNCTION";
    ASSERT_TRUE(WaitBusy());
    EXPECT_THAT(RunAs(other, {"get", "k"}), ErrArg(busy_text));
    EXPECT_THAT(RunAs(other, {"eval", "return 1", "0"}), ErrArg(busy_text));
    EXPECT_THAT(RunAs(other, {eval ? "function" : "script", "kill"}), ErrArg(busy_text));
    auto stats = RunAs(other, {"function", "stats"});
    if (eval) {
      EXPECT_THAT(stats, ErrArg(busy_text));
    } else {
      ASSERT_THAT(stats, ArrLen(4));
      ASSERT_THAT(stats.elems[1], ArrLen(6));
      EXPECT_EQ(stats.elems[1].elems[1].str, "spin");
    }
    EXPECT_THAT(RunAs(other, {eval ? "script" : "function", "kill"}), SimpleArg("OK"));
    t.join();
    EXPECT_THAT(script_reply, ErrArg("ERR Script killed by user with SCRIPT KILL..."));
    EXPECT_THAT(RunAs(other, {"ping"}), SimpleArg("PONG"));
  }

  // A script that wrote can't be killed; it ends by itself.
  RespValue script_reply;
  std::thread t([&] {
    script_reply = Run({"eval",
                        "redis.call('set','w','1') local n = 0 "
                        "while n < 100000000 do n = n + 1 end return n",
                        "0"});
  });
  ASSERT_TRUE(WaitBusy());
  EXPECT_THAT(RunAs(other, {"ping"}), ErrArg("BUSY"));
  EXPECT_THAT(RunAs(other, {"script", "kill"}), ErrArg("UNKILLABLE Sorry the script already"));
  t.join();
  EXPECT_THAT(script_reply, IntArg(100000000));
  EXPECT_THAT(RunAs(other, {"get", "w"}), BulkArg("1"));
}

}  // namespace
}  // namespace fincache
