// Operations: the latency histogram, slow log, latency monitor, MONITOR lines, CLIENT PAUSE /
// REPLY / NO-EVICT state, DEBUG, CONFIG REWRITE and the audit log (commands/ops_state.h,
// server_family_ops.cpp, config_rewrite.cpp, audit_log.h), through the dispatcher where they are
// commands.
#include <fstream>
#include <sstream>

#include "command_test_base.h"
#include "commands/audit_log.h"
#include "commands/ops_state.h"
#include "commands/server_family.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;
using Type = RespValue::Type;

class OpsTest : public CommandTest {
 protected:
  std::string InfoText(std::string_view section) { return Run({"info", section}).str; }
};

// ---- LatencyHistogram ------------------------------------------------------------------------

TEST(LatencyHistogramTest, BucketsAsHdrWithTwoSignificantDigits) {
  // Exact below 256, then 128 sub-buckets per power of two.
  EXPECT_EQ(LatencyHistogram::CountsIndex(1), 1);
  EXPECT_EQ(LatencyHistogram::CountsIndex(255), 255);
  EXPECT_EQ(LatencyHistogram::CountsIndex(256), 256);
  EXPECT_EQ(LatencyHistogram::CountsIndex(257), 256);
  EXPECT_EQ(LatencyHistogram::ValueFromIndex(256), 256);
  EXPECT_EQ(LatencyHistogram::HighestEquivalent(1000), 1003);  // Redis's "1.003"
  EXPECT_EQ(LatencyHistogram::HighestEquivalent(3000), 3007);
  EXPECT_EQ(LatencyHistogram::LowestEquivalent(3000), 2992);
  for (int64_t v : {1LL, 255LL, 256LL, 1000LL, 123456LL, 999999999LL, 1000000000LL}) {
    int idx = LatencyHistogram::CountsIndex(v);
    ASSERT_LT(idx, LatencyHistogram::kCountsLen) << v;
    EXPECT_LE(LatencyHistogram::ValueFromIndex(idx), v);
    EXPECT_GE(LatencyHistogram::HighestEquivalent(LatencyHistogram::ValueFromIndex(idx)), v);
  }
}

TEST(LatencyHistogramTest, Percentiles) {
  LatencyHistogram h;
  EXPECT_EQ(h.ValueAtPercentile(50), 0);
  for (int i = 0; i < 99; ++i) h.Record(1000);
  h.Record(3000);
  EXPECT_EQ(h.total(), 100u);
  EXPECT_EQ(h.ValueAtPercentile(50), 1003);
  EXPECT_EQ(h.ValueAtPercentile(99), 1003);
  EXPECT_EQ(h.ValueAtPercentile(99.9), 3007);
  EXPECT_EQ(h.ValueAtPercentile(100), 3007);
  EXPECT_EQ(h.ValueAtPercentile(0), 1000);
  // Clamped to 1ns..1s.
  h.Reset();
  h.Record(0);
  h.Record(5'000'000'000);
  EXPECT_EQ(h.ValueAtPercentile(0), 1);
  EXPECT_GE(h.ValueAtPercentile(100), 1'000'000'000);
}

TEST(LatencyHistogramTest, LogLevelsAsLatencyHistogram) {
  LatencyHistogram h;
  h.Record(500);     // counted at the first level (1024ns -> 1µs)
  h.Record(3000);    // 4096 -> 4µs
  h.Record(131000);  // 131072 -> 132µs
  std::vector<std::pair<int64_t, uint64_t>> levels;
  h.ForEachLogLevel([&](int64_t ns, uint64_t c) { levels.emplace_back(ns / 1000, c); });
  EXPECT_THAT(levels,
              ElementsAre(std::pair<int64_t, uint64_t>{1, 1}, std::pair<int64_t, uint64_t>{4, 2},
                          std::pair<int64_t, uint64_t>{132, 3}));
}

// ---- SLOWLOG ---------------------------------------------------------------------------------

TEST(SlowLogTest, TruncatesAsRedis) {
  SlowLog log;
  std::vector<std::string> argv{"rpush", "l"};
  for (int i = 0; i < 40; ++i) argv.push_back(std::to_string(i));
  std::vector<std::string_view> views(argv.begin(), argv.end());
  log.Push(CmdArgList(views.data(), views.size()), 0, 1, 2, "1.2.3.4:5", "n");
  std::string big(200, 'a');
  std::vector<std::string_view> v2{"set", "k", big};
  log.Push(CmdArgList(v2.data(), v2.size()), 0, 1, 2, "a", "");
  auto entries = log.Get(-1);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].id, 1u);  // newest first
  EXPECT_EQ(entries[0].args[2], std::string(128, 'a') + "... (72 more bytes)");
  ASSERT_EQ(entries[1].args.size(), 32u);
  EXPECT_EQ(entries[1].args[30], "28");
  EXPECT_EQ(entries[1].args[31], "... (11 more arguments)");
  log.max_len = 1;
  log.Trim();
  EXPECT_EQ(log.Len(), 1u);
}

TEST_F(OpsTest, SlowlogThroughCommands) {
  EXPECT_THAT(Run({"config", "set", "slowlog-log-slower-than", "0"}), SimpleArg("OK"));
  Run({"slowlog", "reset"});
  Run({"client", "setname", "me"});
  Run({"set", "k", "v"});
  Run({"auth", "default", "secret"});
  RespValue r = Run({"slowlog", "get"});
  ASSERT_EQ(r.type, Type::kArray);
  ASSERT_EQ(r.elems.size(), 4u);  // auth, set, client setname, slowlog reset
  const RespValue& auth = r.elems[0];
  ASSERT_EQ(auth.elems.size(), 6u);
  EXPECT_THAT(StrArray(auth.elems[3]), ElementsAre("auth", "(redacted)", "(redacted)"));
  EXPECT_THAT(auth.elems[5], BulkArg("me"));
  EXPECT_THAT(StrArray(r.elems[1].elems[3]), ElementsAre("set", "k", "v"));
  EXPECT_EQ(r.elems[0].elems[0].integer, r.elems[1].elems[0].integer + 1);
  EXPECT_THAT(Run({"slowlog", "get", "1"}), ArrLen(1));
  EXPECT_THAT(Run({"slowlog", "get", "0"}), ArrLen(0));
  EXPECT_THAT(Run({"slowlog", "get", "-2"}), ErrArg("count should be greater than or equal to -1"));
  EXPECT_THAT(Run({"slowlog", "get", "x"}), ErrArg("count should be greater than or equal to -1"));
  EXPECT_THAT(Run({"slowlog", "get", "1", "2"}),
              ErrArg("unknown subcommand or wrong number of arguments for 'get'"));
  // Every command since the reset (errors included), the LEN itself not yet.
  EXPECT_THAT(Run({"slowlog", "len"}), IntArg(10));
  // -1 turns it off; EXEC itself is never logged (skip_slowlog).
  Run({"config", "set", "slowlog-log-slower-than", "-1"});
  Run({"slowlog", "reset"});
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"slowlog", "len"}), IntArg(0));
  EXPECT_THAT(Run({"config", "set", "slowlog-max-len", "-1"}),
              ErrArg("argument must be between 0 and 9223372036854775807 inclusive"));
}

// ---- LATENCY ---------------------------------------------------------------------------------

TEST(LatencyMonitorTest, OneSamplePerSecondAndMax) {
  LatencyMonitor m;
  m.AddSampleIfNeeded("command", 50, 100);  // threshold 0: off
  EXPECT_TRUE(m.GetLatest().empty());
  m.threshold_ms = 10;
  m.AddSampleIfNeeded("command", 5, 100);  // below the threshold
  EXPECT_TRUE(m.GetLatest().empty());
  m.AddSampleIfNeeded("command", 20, 100);
  m.AddSampleIfNeeded("command", 30, 100);  // same second: raises it
  m.AddSampleIfNeeded("command", 15, 101);
  auto latest = m.GetLatest();
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0].event, "command");
  EXPECT_EQ(latest[0].time_s, 101);
  EXPECT_EQ(latest[0].latency_ms, 15);
  EXPECT_EQ(latest[0].max_ms, 30);
  auto hist = m.History("command");
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[0].latency_ms, 30);
  for (int s = 0; s < 200; ++s) m.AddSample("command", 11, 1000 + s);
  EXPECT_EQ(m.History("command").size(), 160u);
  EXPECT_EQ(m.History("command").front().time_s, 1040);
  EXPECT_EQ(m.Reset({"nosuch"}), 0);
  EXPECT_EQ(m.Reset({}), 1);
  EXPECT_TRUE(m.History("command").empty());
}

TEST_F(OpsTest, LatencyCommands) {
  EXPECT_THAT(Run({"latency", "latest"}), ArrLen(0));
  server_->latency_monitor().AddSample("command", 42, 1700000000);
  RespValue r = Run({"latency", "latest"});
  ASSERT_THAT(r, ArrLen(1));
  EXPECT_THAT(r.elems[0].elems[0], BulkArg("command"));
  EXPECT_THAT(r.elems[0].elems[2], IntArg(42));
  EXPECT_THAT(r.elems[0].elems[3], IntArg(42));
  r = Run({"latency", "history", "command"});
  ASSERT_THAT(r, ArrLen(1));
  EXPECT_THAT(r.elems[0].elems[0], IntArg(1700000000));
  EXPECT_THAT(Run({"latency", "history", "nosuch"}), ArrLen(0));
  EXPECT_THAT(Run({"latency", "reset", "command", "foo"}), IntArg(1));
  EXPECT_THAT(Run({"latency", "reset"}), IntArg(0));
  EXPECT_THAT(Run({"latency", "history"}),
              ErrArg("wrong number of arguments for 'latency|history' command"));
  EXPECT_THAT(Run({"latency", "doctor"}), ErrArg("unknown subcommand 'doctor'"));
}

TEST_F(OpsTest, LatencyHistogramAndInfoLatencystats) {
  Run({"set", "k", "v"});
  Run({"get", "k"});
  Run({"config", "get", "hz"});
  RespValue r = Run({"latency", "histogram", "set", "config", "nosuch"});
  ASSERT_EQ(r.elems.size(), 4u);  // set, config|get (RESP2: flat map)
  EXPECT_THAT(r.elems[0], BulkArg("set"));
  EXPECT_THAT(r.elems[1].elems[0], BulkArg("calls"));
  EXPECT_THAT(r.elems[1].elems[1], IntArg(1));
  EXPECT_THAT(r.elems[2], BulkArg("config|get"));
  std::string info = InfoText("latencystats");
  EXPECT_THAT(info, StartsWith("# Latencystats\r\n"));
  // The fake clock does not move: every call took 0µs, recorded as 1ns.
  EXPECT_THAT(info, HasSubstr("latency_percentiles_usec_set:p50=0.001,p99=0.001,p99.9=0.001\r\n"));
  EXPECT_THAT(info, HasSubstr("latency_percentiles_usec_config|get:p50="));
  EXPECT_THAT(Run({"config", "set", "latency-tracking-info-percentiles", "99.99 1 0 50.0"}),
              SimpleArg("OK"));
  EXPECT_THAT(Run({"config", "get", "latency-tracking-info-percentiles"}).elems[1],
              BulkArg("99.99 1 0 50"));
  EXPECT_THAT(InfoText("latencystats"),
              HasSubstr("latency_percentiles_usec_set:p99.99=0.001,p1=0.001,p0=0.001,p50=0.001"));
  EXPECT_THAT(
      Run({"config", "set", "latency-tracking-info-percentiles", "50 101"}),
      ErrArg("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"));
  EXPECT_THAT(Run({"config", "set", "latency-tracking-info-percentiles", "abc"}),
              ErrArg("Invalid latency-tracking-info-percentiles parameters"));
  // RESETSTAT empties the histograms; latency-tracking no stops recording.
  Run({"config", "resetstat"});
  Run({"config", "set", "latency-tracking", "no"});
  Run({"set", "k", "v"});
  EXPECT_THAT(InfoText("latencystats"), HasSubstr("latency_percentiles_usec_config|resetstat"));
  EXPECT_THAT(InfoText("latencystats"), ::testing::Not(HasSubstr("usec_set:")));
  // Not in the default sections.
  EXPECT_THAT(Run({"info"}).str, ::testing::Not(HasSubstr("Latencystats")));
}

// ---- MONITOR ---------------------------------------------------------------------------------

TEST(MonitorTest, LineFormat) {
  std::vector<std::string_view> argv{"set", "a b", "x\"y\\\n", std::string_view("\x01\xff", 2)};
  EXPECT_EQ(MonitorFeed::FormatLine(1700000000123456, 3, "127.0.0.1:5000",
                                    CmdArgList(argv.data(), argv.size()), 0),
            "+1700000000.123456 [3 127.0.0.1:5000] \"set\" \"a b\" \"x\\\"y\\\\\\n\" "
            "\"\\x01\\xff\"\r\n");
  std::vector<std::string_view> auth{"auth", "u", "p"};
  EXPECT_EQ(MonitorFeed::FormatLine(1000000, 0, "lua", CmdArgList(auth.data(), auth.size()), 6),
            "+1.000000 [0 lua] \"auth\" \"(redacted)\" \"(redacted)\"\r\n");
}

class CollectingSink : public MonitorSink {
 public:
  void FeedMonitor(std::string_view line) override { lines.emplace_back(line); }
  std::vector<std::string> lines;
};

TEST_F(OpsTest, MonitorFeedsCommandsButNotAdminOnes) {
  CollectingSink sink;
  EXPECT_THAT(Run({"monitor"}), ErrArg("MONITOR isn't allowed for DENY BLOCKING client"));
  session_.monitor_sink = &sink;
  EXPECT_THAT(Run({"monitor"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"monitor"}), SimpleArg("OK"));  // already a monitor: network doors drop it
  EXPECT_TRUE(session_.suppress_reply);
  Run({"select", "2"});
  Run({"set", "k", "v"});
  Run({"config", "get", "hz"});  // admin: hidden
  Run({"hello", "2", "auth", "default", "pw"});
  Run({"nosuchcommand"});  // rejected: not shown
  ASSERT_EQ(sink.lines.size(), 3u);
  EXPECT_THAT(sink.lines[0],
              MatchesRegex("\\+[0-9]+\\.[0-9]{6} \\[2 embedded\\] \"select\" \"2\"\r\n"));
  EXPECT_THAT(sink.lines[1], HasSubstr("[2 embedded] \"set\" \"k\" \"v\""));
  EXPECT_THAT(sink.lines[2], HasSubstr("\"hello\" \"2\" \"auth\" \"(redacted)\" \"(redacted)\""));
  EXPECT_THAT(Run({"client", "info"}).str, HasSubstr("flags=O"));
  EXPECT_THAT(Run({"reset"}), SimpleArg("RESET"));
  EXPECT_FALSE(server_->monitors().Any());
}

// ---- CLIENT PAUSE / REPLY / NO-EVICT -----------------------------------------------------------

TEST_F(OpsTest, ClientPauseState) {
  Dispatcher& d = *dispatcher_;
  std::vector<std::string_view> set{"set", "k", "v"}, get{"get", "k"}, exec{"exec"};
  auto paused = [&](std::vector<std::string_view>& argv) {
    return d.PausedFor(CmdArgList(argv.data(), argv.size()), session_);
  };
  EXPECT_FALSE(paused(set));
  EXPECT_THAT(Run({"client", "pause", "1000", "write"}), SimpleArg("OK"));
  EXPECT_TRUE(paused(set));
  EXPECT_FALSE(paused(get));
  Run({"multi"});
  session_.multi_queue.push_back({"get", "k"});
  EXPECT_FALSE(paused(exec));
  session_.multi_queue.push_back({"incr", "k"});
  EXPECT_TRUE(paused(exec));
  Run({"discard"});
  AdvanceTime(1000);
  EXPECT_FALSE(paused(set));
  EXPECT_THAT(Run({"client", "pause", "1000"}), SimpleArg("OK"));
  EXPECT_TRUE(paused(get));
  EXPECT_THAT(Run({"client", "unpause"}), SimpleArg("OK"));
  EXPECT_FALSE(paused(get));
  EXPECT_THAT(Run({"client", "pause", "x"}), ErrArg("timeout is not an integer or out of range"));
  EXPECT_THAT(Run({"client", "pause", "-1"}), ErrArg("timeout is negative"));
  EXPECT_THAT(Run({"client", "pause", "10", "foo"}),
              ErrArg("CLIENT PAUSE mode must be WRITE or ALL"));
  EXPECT_THAT(Run({"client", "pause", "10", "all", "x"}),
              ErrArg("unknown subcommand or wrong number of arguments for 'pause'"));
}

TEST_F(OpsTest, ClientReplyAndNoEvictFlags) {
  EXPECT_THAT(Run({"client", "reply", "off"}), SimpleArg("OK"));  // dropped by network doors
  EXPECT_TRUE(session_.reply_off);
  EXPECT_TRUE(session_.suppress_reply);
  session_.suppress_reply = false;
  EXPECT_THAT(Run({"client", "reply", "on"}), SimpleArg("OK"));
  EXPECT_FALSE(session_.reply_off);
  Run({"client", "reply", "skip"});
  EXPECT_TRUE(session_.reply_skip_next);
  EXPECT_TRUE(session_.suppress_reply);
  EXPECT_THAT(Run({"client", "reply", "foo"}), ErrArg("syntax error"));
  EXPECT_THAT(Run({"client", "no-evict", "on"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"client", "info"}).str, HasSubstr(" flags=e "));
  EXPECT_THAT(Run({"client", "no-evict", "maybe"}), ErrArg("syntax error"));
  EXPECT_THAT(Run({"client", "no-evict", "off"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"client", "info"}).str, HasSubstr(" flags=N "));
}

// ---- DEBUG -----------------------------------------------------------------------------------

TEST_F(OpsTest, DebugIsGatedByEnableDebugCommand) {
  EXPECT_THAT(Run({"debug", "sleep", "0"}), ErrArg("DEBUG command not allowed."));
}

class DebugTest : public CommandTest {
 protected:
  DebugTest() {
    EngineOptions opts;
    opts.clock = &clock_;
    opts.active_expiry = false;
    auto config = std::make_unique<Config>();
    config->Set("enable-debug-command", "local", /*at_startup=*/true);
    server_ = std::make_unique<ServerState>(std::move(config), opts);
    dispatcher_ = std::make_unique<Dispatcher>(*server_);
  }
};

TEST_F(DebugTest, Subcommands) {
  EXPECT_THAT(Run({"debug", "sleep", "0"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"debug", "sleep", "abc"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"debug", "set-active-expire", "0"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"debug", "set-active-expire", "1"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"debug", "object", "nokey"}), ErrArg("no such key"));
  Run({"set", "s", "hello"});
  Run({"set", "i", "123"});
  EXPECT_THAT(Run({"debug", "object", "s"}).str,
              MatchesRegex("Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 "
                           "lru:[0-9]+ lru_seconds_idle:0"));
  EXPECT_THAT(Run({"debug", "object", "i"}).str,
              HasSubstr("refcount:2147483647 encoding:int serializedlength:2 "));
  EXPECT_THAT(Run({"debug", "foo"}),
              ErrArg("unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP."));
  EXPECT_THAT(Run({"debug", "object"}), ErrArg("wrong number of arguments for 'object'"));
  EXPECT_THAT(Run({"debug", "reload", "foo"}),
              ErrArg("DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."));
  std::string before = server_->replication_id();
  EXPECT_THAT(Run({"debug", "change-repl-id"}), SimpleArg("OK"));
  EXPECT_NE(server_->replication_id(), before);
  EXPECT_THAT(Run({"debug", "help"}).elems[0],
              SimpleArg("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
}

// ---- CONFIG REWRITE ----------------------------------------------------------------------------

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST_F(OpsTest, ConfigRewrite) {
  EXPECT_THAT(Run({"config", "rewrite"}), ErrArg("The server is running without a config file"));
  std::string path = ::testing::TempDir() + "/fincache_rewrite_test.conf";
  {
    std::ofstream f(path);
    f << "# my settings\n"
         "hz 20\n"
         "\n"
         "\n"
         "unknown-directive keep me\n"
         "save 900 1\n"
         "save 300 10\n"
         "# timeout below\n"
         "timeout 5\n";
  }
  server_->config_file = path;
  Run({"config", "set", "timeout", "0", "maxclients", "500", "slowlog-max-len", "7"});
  Run({"config", "set", "proto-max-bulk-len", "1073741824"});
  session_.authenticated = true;
  Run({"config", "set", "requirepass", "a b\"c"});
  EXPECT_THAT(Run({"config", "rewrite"}), SimpleArg("OK"));
  std::string text = ReadFile(path);
  EXPECT_THAT(text, StartsWith("# my settings\nhz 10\n\nunknown-directive keep me\n"
                               "save 3600 1 300 100 60 10000\n# timeout below\ntimeout 0\n"
                               "# Generated by CONFIG REWRITE\n"));
  EXPECT_THAT(text, HasSubstr("\nmaxclients 500\n"));
  EXPECT_THAT(text, HasSubstr("\nslowlog-max-len 7\n"));
  EXPECT_THAT(text, HasSubstr("\nrequirepass \"a b\\\"c\"\n"));
  EXPECT_THAT(text, HasSubstr("\nproto-max-bulk-len 1gb\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("\nport ")));  // default and not in the file
  // The file loads back into the same settings; a second rewrite changes nothing.
  Config reloaded;
  std::string no_unknown = text;
  no_unknown.replace(no_unknown.find("unknown-directive keep me\n"), 26, "");
  EXPECT_EQ(reloaded.LoadText(no_unknown), "");
  EXPECT_EQ(reloaded.Get("maxclients"), "500");
  EXPECT_EQ(reloaded.Get("requirepass"), "a b\"c");
  EXPECT_EQ(reloaded.Get("save"), "3600 1 300 100 60 10000");
  EXPECT_THAT(Run({"config", "rewrite"}), SimpleArg("OK"));
  EXPECT_EQ(ReadFile(path), text);
}

// ---- audit log -------------------------------------------------------------------------------

TEST(AuditLogTest, JsonLines) {
  std::string path = ::testing::TempDir() + "/fincache_audit_test.log";
  std::remove(path.c_str());
  AuditLog log;
  ASSERT_EQ(log.Open(path), "");
  std::vector<std::string_view> argv{"set", "k\"\x01\xe9", "secret"};
  KeyIndexes keys{1};
  log.Command(1700000000123456, "127.0.0.1:5", "default", 0, "set",
              CmdArgList(argv.data(), argv.size()), keys, true);
  log.Auth(1700000000000000, "127.0.0.1:5", "bob", "auth", false);
  log.with_values = true;
  log.Command(1700000000000000, "x", "default", 2, "set", CmdArgList(argv.data(), argv.size()),
              keys, false);
  log.Flush();
  std::string text = ReadFile(path);
  EXPECT_EQ(text,
            "{\"time\":\"2023-11-14T22:13:20.123456Z\",\"event\":\"command\",\"client\":"
            "\"127.0.0.1:5\",\"user\":\"default\",\"db\":0,\"command\":\"set\",\"key\":"
            "\"k\\\"\\u0001\\u00e9\",\"keys\":[\"k\\\"\\u0001\\u00e9\"],\"ok\":true}\n"
            "{\"time\":\"2023-11-14T22:13:20.000000Z\",\"event\":\"auth\",\"client\":"
            "\"127.0.0.1:5\",\"user\":\"bob\",\"command\":\"auth\",\"ok\":false}\n"
            "{\"time\":\"2023-11-14T22:13:20.000000Z\",\"event\":\"command\",\"client\":\"x\","
            "\"user\":\"default\",\"db\":2,\"command\":\"set\",\"key\":\"k\\\"\\u0001\\u00e9\","
            "\"keys\":[\"k\\\"\\u0001\\u00e9\"],\"args\":[\"k\\\"\\u0001\\u00e9\",\"secret\"],"
            "\"ok\":false}\n");
  EXPECT_EQ(log.Open(""), "");
  EXPECT_FALSE(log.enabled());
  EXPECT_NE(log.Open("/nonexistent-dir/x.log"), "");
}

TEST_F(OpsTest, AuditLogThroughTheDispatcher) {
  std::string path = ::testing::TempDir() + "/fincache_audit_dispatch.log";
  std::remove(path.c_str());
  EXPECT_THAT(Run({"config", "set", "audit-log", path}), SimpleArg("OK"));
  Run({"set", "k", "v"});
  Run({"get", "k"});  // reads are not audited
  Run({"auth", "default", "pw"});
  Run({"del", "a", "b"});
  Run({"config", "set", "audit-log", ""});
  std::string text = ReadFile(path);
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 3u) << text;
  EXPECT_THAT(lines[0],
              HasSubstr("\"command\":\"set\",\"key\":\"k\",\"keys\":[\"k\"],\"ok\":true}"));
  EXPECT_THAT(lines[0], ::testing::Not(HasSubstr("\"v\"")));
  EXPECT_THAT(lines[1],
              HasSubstr("\"event\":\"auth\",\"client\":\"embedded\",\"user\":\"default\""));
  EXPECT_THAT(lines[2], HasSubstr("\"keys\":[\"a\",\"b\"]"));
  EXPECT_THAT(Run({"config", "set", "audit-log", "/nonexistent-dir/x.log"}),
              ErrArg("Can't open the audit log file"));
}

}  // namespace
}  // namespace fincache
