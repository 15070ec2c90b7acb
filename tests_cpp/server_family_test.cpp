// Server family: INFO TIME CONFIG COMMAND, and the registry metadata walk.
#include "commands/server_family.h"

#include <map>
#include <set>

#include "command_test_base.h"
#include "common/strings.h"

namespace fincache {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Type = RespValue::Type;

class ServerFamilyTest : public CommandTest {
 protected:
  // INFO text parsed into section -> (field -> value).
  std::map<std::string, std::map<std::string, std::string>> Info(
      std::vector<std::string> sections) {
    std::vector<std::string> argv{"info"};
    argv.insert(argv.end(), sections.begin(), sections.end());
    RespValue r = Run(argv);
    EXPECT_EQ(r.type, session_.resp == 3 ? Type::kVerbatim : Type::kBulk);
    std::map<std::string, std::map<std::string, std::string>> out;
    std::string section;
    size_t pos = 0;
    const std::string& s = r.str;
    while (pos < s.size()) {
      size_t eol = s.find("\r\n", pos);
      EXPECT_NE(eol, std::string::npos) << "lines end with \\r\\n";
      if (eol == std::string::npos) break;
      std::string line = s.substr(pos, eol - pos);
      pos = eol + 2;
      if (line.empty()) continue;
      if (line[0] == '#') {
        section = line.substr(2);
        out[section];
        continue;
      }
      size_t colon = line.find(':');
      EXPECT_NE(colon, std::string::npos) << line;
      out[section][line.substr(0, colon)] = line.substr(colon + 1);
    }
    return out;
  }
  static const RespValue* MapGet(const RespValue& m, std::string_view key) {
    for (size_t i = 0; i + 1 < m.elems.size(); i += 2)
      if (m.elems[i].str == key) return &m.elems[i + 1];
    return nullptr;
  }
  static std::vector<std::string> Headers(const std::string& text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while ((pos = text.find("# ", pos)) != std::string::npos) {
      size_t eol = text.find("\r\n", pos);
      out.push_back(text.substr(pos + 2, eol - pos - 2));
      pos = eol;
    }
    return out;
  }
};

// ---- INFO ---------------------------------------------------------------------------------

TEST_F(ServerFamilyTest, InfoDefaultSections) {
  RespValue r = Run({"info"});
  ASSERT_EQ(r.type, Type::kBulk);
  EXPECT_THAT(r.str, StartsWith("# Server\r\nredis_version:7.0.15\r\n"));
  EXPECT_THAT(Headers(r.str),
              ElementsAre("Server", "Clients", "Memory", "Persistence", "Stats", "Replication",
                          "CPU", "Modules", "Errorstats", "Cluster", "Keyspace"));
  // Sections are separated by an empty line; the text ends with one "\r\n".
  EXPECT_THAT(r.str, HasSubstr("\r\n\r\n# Clients\r\n"));
  EXPECT_FALSE(r.str.ends_with("\r\n\r\n"));
  EXPECT_EQ(Headers(Run({"info", "default"}).str), Headers(r.str));
}

TEST_F(ServerFamilyTest, InfoAllEverythingAndOrder) {
  auto all = Headers(Run({"info", "all"}).str);
  EXPECT_THAT(all, Contains("Commandstats"));
  EXPECT_THAT(all, Contains("Latencystats"));
  EXPECT_EQ(all.size(), 13u);
  EXPECT_EQ(Headers(Run({"info", "everything"}).str), all);
  // Redis's section order whatever the argument order; case-insensitive; unknown ignored.
  EXPECT_THAT(Headers(Run({"info", "cpu", "SERVER", "nosuch"}).str), ElementsAre("Server", "CPU"));
  EXPECT_THAT(Run({"info", "nosuch"}), BulkArg(""));
  EXPECT_THAT(Run({"info", "modules"}), BulkArg("# Modules\r\n"));
  EXPECT_THAT(Run({"info", "cluster"}), BulkArg("# Cluster\r\ncluster_enabled:0\r\n"));
}

TEST_F(ServerFamilyTest, InfoServerFields) {
  server_->tcp_port = 6390;
  AdvanceTime(90'000);
  auto info = Info({"server"});
  auto& s = info["Server"];
  EXPECT_EQ(s["redis_version"], "7.0.15");
  EXPECT_EQ(s["fincache_version"], FINCACHE_VERSION);
  EXPECT_EQ(s["redis_mode"], "standalone");
  EXPECT_EQ(s["arch_bits"], "64");
  EXPECT_EQ(s["process_id"], std::to_string(getpid()));
  EXPECT_EQ(s["run_id"], server_->run_id());
  EXPECT_EQ(s["run_id"].size(), 40u);
  EXPECT_EQ(s["tcp_port"], "6390");
  EXPECT_EQ(s["uptime_in_seconds"], "90");
  EXPECT_EQ(s["uptime_in_days"], "0");
  EXPECT_EQ(s["hz"], "10");
  for (auto f : {"os", "executable", "config_file", "server_time_usec", "lru_clock"})
    EXPECT_TRUE(s.count(f)) << f;
}

TEST_F(ServerFamilyTest, InfoClientsMemoryStats) {
  server_->clients().Register(&session_);
  Run({"set", "k", "v"});
  Run({"get", "k"});
  Run({"get", "missing"});
  auto info = Info({"clients", "memory", "stats", "replication", "persistence", "cpu"});
  EXPECT_EQ(info["Clients"]["connected_clients"], "1");
  EXPECT_EQ(info["Clients"]["maxclients"], "10000");
  EXPECT_EQ(info["Clients"]["blocked_clients"], "0");
  auto& m = info["Memory"];
  EXPECT_GT(std::stoll(m["used_memory"]), 0);
  EXPECT_GE(std::stoll(m["used_memory_peak"]), std::stoll(m["used_memory"]));
  EXPECT_GT(std::stoll(m["used_memory_rss"]), 0);
  EXPECT_EQ(m["maxmemory"], "0");
  EXPECT_EQ(m["maxmemory_policy"], "noeviction");
  EXPECT_TRUE(m.count("used_memory_human"));
  EXPECT_TRUE(m.count("mem_fragmentation_ratio"));
  auto& st = info["Stats"];
  EXPECT_EQ(st["total_commands_processed"], "4");  // set, get, get, info
  EXPECT_EQ(st["keyspace_hits"], "1");
  EXPECT_EQ(st["keyspace_misses"], "1");
  EXPECT_EQ(st["expired_keys"], "0");
  EXPECT_EQ(st["evicted_keys"], "0");
  for (auto f : {"total_connections_received", "instantaneous_ops_per_sec", "total_net_input_bytes",
                 "rejected_connections", "total_error_replies"})
    EXPECT_TRUE(st.count(f)) << f;
  EXPECT_EQ(info["Replication"]["role"], "master");
  EXPECT_EQ(info["Replication"]["connected_slaves"], "0");
  EXPECT_EQ(info["Persistence"]["loading"], "0");
  EXPECT_TRUE(info["CPU"].count("used_cpu_sys"));
  EXPECT_TRUE(info["CPU"].count("used_cpu_user"));
  server_->clients().Unregister(&session_);
}

TEST_F(ServerFamilyTest, InfoInstantaneousOps) {
  Info({"stats"});
  AdvanceTime(200);
  Info({"stats"});  // a sample: 2 commands so far
  for (int i = 0; i < 50; ++i) Run({"ping"});
  AdvanceTime(1000);
  auto info = Info({"stats"});
  EXPECT_EQ(info["Stats"]["instantaneous_ops_per_sec"], "51");  // 50 pings + 1 INFO
}

TEST_F(ServerFamilyTest, InfoCommandAndErrorStats) {
  Run({"get", "a"});
  Run({"get", "a", "b"});  // arity: rejected
  Run({"nosuchcmd"});      // unknown
  Run({"hello", "9"});     // NOPROTO, failed call
  auto info = Info({"commandstats", "errorstats"});
  auto& cs = info["Commandstats"];
  EXPECT_THAT(cs["cmdstat_get"],
              ::testing::MatchesRegex("calls=1,usec=[0-9]+,usec_per_call=[0-9]+\\.[0-9]{2},"
                                      "rejected_calls=1,failed_calls=0"));
  EXPECT_THAT(cs["cmdstat_hello"], HasSubstr("calls=1,"));
  EXPECT_THAT(cs["cmdstat_hello"], HasSubstr("failed_calls=1"));
  EXPECT_EQ(info["Errorstats"]["errorstat_ERR"], "count=2");
  EXPECT_EQ(info["Errorstats"]["errorstat_NOPROTO"], "count=1");
  // Subcommands are named container|sub.
  Run({"client", "id"});
  EXPECT_TRUE(Info({"commandstats"})["Commandstats"].count("cmdstat_client|id"));
  // CONFIG RESETSTAT clears them.
  EXPECT_THAT(Run({"config", "resetstat"}), SimpleArg("OK"));
  info = Info({"commandstats", "errorstats", "stats"});
  EXPECT_FALSE(info["Commandstats"].count("cmdstat_get"));
  EXPECT_TRUE(info["Errorstats"].empty());
  EXPECT_EQ(info["Stats"]["total_error_replies"], "0");
}

TEST_F(ServerFamilyTest, InfoKeyspace) {
  EXPECT_THAT(Run({"info", "keyspace"}), BulkArg("# Keyspace\r\n"));
  Run({"set", "a", "1"});
  Run({"set", "b", "1"});
  auto info = Info({"keyspace"});
  EXPECT_EQ(info["Keyspace"]["db0"], "keys=2,expires=0,avg_ttl=0");
  EXPECT_EQ(info["Keyspace"].size(), 1u);
}

TEST_F(ServerFamilyTest, InfoVerbatimInResp3) {
  session_.resp = 3;
  RespValue r = Run({"info", "cpu"});
  EXPECT_EQ(r.type, Type::kVerbatim);
  EXPECT_THAT(r.str, StartsWith("# CPU\r\n"));
}

TEST_F(ServerFamilyTest, BytesToHuman) {
  EXPECT_EQ(BytesToHuman(0), "0B");
  EXPECT_EQ(BytesToHuman(1023), "1023B");
  EXPECT_EQ(BytesToHuman(1041128), "1016.73K");
  EXPECT_EQ(BytesToHuman(7426048), "7.08M");
  EXPECT_EQ(BytesToHuman(25276502016), "23.54G");
}

// ---- TIME ---------------------------------------------------------------------------------

TEST_F(ServerFamilyTest, Time) {
  clock_.Set(1'700'000'123'456);
  RespValue r = Run({"time"});
  EXPECT_THAT(StrArray(r), ElementsAre("1700000123", "456000"));
  EXPECT_THAT(Run({"time", "x"}), ErrArg("wrong number of arguments for 'time' command"));
}

// ---- CONFIG -------------------------------------------------------------------------------

TEST_F(ServerFamilyTest, ConfigGet) {
  EXPECT_THAT(StrArray(Run({"config", "get", "maxclients"})), ElementsAre("maxclients", "10000"));
  // Exact names echo the caller's spelling, as Redis does.
  EXPECT_THAT(StrArray(Run({"config", "get", "MAXCLIENTS"})), ElementsAre("MAXCLIENTS", "10000"));
  EXPECT_THAT(StrArray(Run({"config", "get", "maxclients", "databases", "maxclients"})),
              ElementsAre("databases", "16", "maxclients", "10000"));
  EXPECT_THAT(StrArray(Run({"config", "get", "max*"})), Contains("maxclients"));
  EXPECT_THAT(Run({"config", "get", "nosuch"}), ArrLen(0));
  EXPECT_THAT(Run({"config", "get"}), ErrArg("wrong number of arguments for 'config|get' command"));
  RespValue all = Run({"config", "get", "*"});
  size_t names_and_aliases = 0;  // every setting under its name and each alias, as Redis
  for (auto& n : server_->config().Names())
    names_and_aliases += 1 + server_->config().Find(n)->aliases.size();
  EXPECT_EQ(all.elems.size(), 2 * names_and_aliases);
  session_.resp = 3;
  RespValue m = Run({"config", "get", "databases"});
  ASSERT_EQ(m.type, Type::kMap);
  EXPECT_THAT(*MapGet(m, "databases"), BulkArg("16"));
}

TEST_F(ServerFamilyTest, ConfigSetRoundTrip) {
  EXPECT_THAT(Run({"config", "set", "maxclients", "500"}), SimpleArg("OK"));
  EXPECT_THAT(StrArray(Run({"config", "get", "maxclients"})), ElementsAre("maxclients", "500"));
  EXPECT_EQ(server_->config().maxclients.load(), 500);
  EXPECT_THAT(Run({"config", "set", "proto-max-bulk-len", "2mb", "maxclients", "600"}),
              SimpleArg("OK"));
  EXPECT_THAT(StrArray(Run({"config", "get", "proto-max-bulk-len"})),
              ElementsAre("proto-max-bulk-len", "2097152"));
  EXPECT_EQ(server_->config().proto_max_bulk_len.load(), 2097152);
}

TEST_F(ServerFamilyTest, ConfigSetErrors) {
  EXPECT_THAT(Run({"config", "set", "foo", "bar"}),
              ErrArg("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
  EXPECT_THAT(Run({"config", "set", "maxclients", "abc"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument 'maxclients') - "
                     "argument couldn't be parsed into an integer"));
  EXPECT_THAT(Run({"config", "set", "MAXCLIENTS", "abc"}),
              ErrArg("(possibly related to argument 'maxclients')"));
  EXPECT_THAT(Run({"config", "set", "maxclients", "10", "maxclients", "20"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument 'maxclients') - "
                     "duplicate parameter"));
  EXPECT_THAT(Run({"config", "set", "maxclients", "abc", "nosuch", "1"}),
              ErrArg("Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
  EXPECT_THAT(Run({"config", "set", "databases", "4"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument 'databases') - can't "
                     "set immutable config"));
  EXPECT_THAT(Run({"config", "set", "maxclients", "1", "maxclients"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"config", "set", "maxclients"}),
              ErrArg("wrong number of arguments for 'config|set' command"));
}

TEST_F(ServerFamilyTest, ConfigSetIsAllOrNothing) {
  EXPECT_THAT(Run({"config", "set", "maxclients", "700", "proto-max-bulk-len", "oops"}),
              ErrArg("possibly related to argument 'proto-max-bulk-len'"));
  EXPECT_THAT(StrArray(Run({"config", "get", "maxclients"})), ElementsAre("maxclients", "10000"));
  EXPECT_EQ(server_->config().maxclients.load(), 10000);
}

TEST_F(ServerFamilyTest, ConfigSetRequirepassTakesEffect) {
  EXPECT_THAT(Run({"config", "set", "requirepass", "pw"}), SimpleArg("OK"));
  Session fresh;
  std::vector<std::string_view> argv{"get", "k"};
  protocol::ValueBuilder rb(2);
  dispatcher_->Dispatch(CmdArgList(argv.data(), argv.size()), fresh, rb);
  EXPECT_THAT(rb.TakeOne(), ErrArg("NOAUTH"));
}

TEST_F(ServerFamilyTest, ConfigHelp) {
  RespValue r = Run({"config", "help"});
  EXPECT_THAT(r.elems[0],
              SimpleArg("CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_THAT(Run({"config", "resetstat", "x"}),
              ErrArg("wrong number of arguments for 'config|resetstat' command"));
}

// ---- COMMAND ------------------------------------------------------------------------------

TEST_F(ServerFamilyTest, CommandInfoShape) {
  RespValue r = Run({"command", "info", "get", "nosuch", "CLIENT|ID"});
  ASSERT_THAT(r, ArrLen(3));
  const RespValue& get = r.elems[0];
  ASSERT_THAT(get, ArrLen(10));
  EXPECT_THAT(get.elems[0], BulkArg("get"));
  EXPECT_THAT(get.elems[1], IntArg(2));
  EXPECT_THAT(StrArray(get.elems[2]), ElementsAre("readonly", "fast"));
  EXPECT_THAT(get.elems[3], IntArg(1));
  EXPECT_THAT(get.elems[4], IntArg(1));
  EXPECT_THAT(get.elems[5], IntArg(1));
  EXPECT_THAT(StrArray(get.elems[6]), ElementsAre("@read", "@string", "@fast"));
  EXPECT_THAT(get.elems[7], ArrLen(0));
  ASSERT_THAT(get.elems[8], ArrLen(1));
  const RespValue& ks = get.elems[8].elems[0];
  EXPECT_THAT(StrArray(*MapGet(ks, "flags")), ElementsAre("RO", "access"));
  const RespValue* bs = MapGet(ks, "begin_search");
  EXPECT_THAT(*MapGet(*bs, "type"), BulkArg("index"));
  EXPECT_THAT(*MapGet(*MapGet(*bs, "spec"), "index"), IntArg(1));
  const RespValue* fk = MapGet(ks, "find_keys");
  EXPECT_THAT(*MapGet(*fk, "type"), BulkArg("range"));
  EXPECT_THAT(*MapGet(*MapGet(*fk, "spec"), "lastkey"), IntArg(0));
  EXPECT_THAT(*MapGet(*MapGet(*fk, "spec"), "keystep"), IntArg(1));
  EXPECT_THAT(*MapGet(*MapGet(*fk, "spec"), "limit"), IntArg(0));
  EXPECT_THAT(get.elems[9], ArrLen(0));

  EXPECT_THAT(r.elems[1], NullArg());
  const RespValue& cid = r.elems[2];
  EXPECT_THAT(cid.elems[0], BulkArg("client|id"));
  EXPECT_THAT(StrArray(cid.elems[2]), ElementsAre("noscript", "loading", "stale"));
  EXPECT_THAT(StrArray(cid.elems[6]), ElementsAre("@slow", "@connection"));
}

TEST_F(ServerFamilyTest, CommandInfoContainer) {
  RespValue r = Run({"command", "info", "client"});
  const RespValue& c = r.elems[0];
  EXPECT_THAT(c.elems[1], IntArg(-2));
  EXPECT_THAT(c.elems[2], ArrLen(0));
  EXPECT_THAT(StrArray(c.elems[6]), ElementsAre("@slow"));
  EXPECT_EQ(c.elems[9].elems.size(), server_->registry().Find("client")->subcommands.size());
  std::vector<std::string> subs;
  for (auto& s : c.elems[9].elems) subs.push_back(s.elems[0].str);
  EXPECT_THAT(subs, Contains("client|list"));
  EXPECT_THAT(subs, Contains("client|kill"));
  RespValue cmd = Run({"command", "info", "config|get"});
  EXPECT_THAT(StrArray(cmd.elems[0].elems[6]), ElementsAre("@admin", "@slow", "@dangerous"));
}

TEST_F(ServerFamilyTest, CommandAllAndCount) {
  RespValue all = Run({"command"});
  RespValue count = Run({"command", "count"});
  ASSERT_EQ(count.type, Type::kInteger);
  EXPECT_EQ(all.elems.size(), static_cast<size_t>(count.integer));
  EXPECT_EQ(all.elems.size(), server_->registry().size());
  for (auto& e : all.elems) EXPECT_THAT(e, ArrLen(10));
  EXPECT_EQ(Run({"command", "info"}).elems.size(), all.elems.size());
}

TEST_F(ServerFamilyTest, CommandDocs) {
  RespValue r = Run({"command", "docs", "time", "nosuch"});
  ASSERT_THAT(r, ArrLen(2));
  EXPECT_THAT(r.elems[0], BulkArg("time"));
  const RespValue& d = r.elems[1];
  EXPECT_THAT(*MapGet(d, "summary"), BulkArg("Return the current server time"));
  EXPECT_THAT(*MapGet(d, "since"), BulkArg("2.6.0"));
  EXPECT_THAT(*MapGet(d, "group"), BulkArg("server"));
  EXPECT_THAT(*MapGet(d, "complexity"), BulkArg("O(1)"));
  EXPECT_THAT(Run({"command", "docs", "nosuch"}), ArrLen(0));
  RespValue c = Run({"command", "docs", "config"});
  const RespValue* subs = MapGet(c.elems[1], "subcommands");
  ASSERT_NE(subs, nullptr);
  EXPECT_NE(MapGet(*subs, "config|get"), nullptr);
  session_.resp = 3;
  EXPECT_EQ(Run({"command", "docs", "get"}).type, Type::kMap);
}

TEST_F(ServerFamilyTest, CommandGetKeys) {
  EXPECT_THAT(StrArray(Run({"command", "getkeys", "set", "a", "b"})), ElementsAre("a"));
  EXPECT_THAT(StrArray(Run({"command", "getkeys", "GET", "k"})), ElementsAre("k"));
  EXPECT_THAT(Run({"command", "getkeys", "foo", "x"}), ErrArg("ERR Invalid command specified"));
  EXPECT_THAT(Run({"command", "getkeys", "ping", "x"}),
              ErrArg("ERR The command has no key arguments"));
  EXPECT_THAT(Run({"command", "getkeys", "client", "kill"}),
              ErrArg("ERR The command has no key arguments"));
  EXPECT_THAT(Run({"command", "getkeys", "client", "nosuch"}),
              ErrArg("ERR Invalid command specified"));
  EXPECT_THAT(Run({"command", "getkeys", "get", "a", "b"}),
              ErrArg("ERR Invalid number of arguments specified for command"));
  EXPECT_THAT(Run({"command", "getkeys", "get"}),
              ErrArg("wrong number of arguments for 'command|getkeys' command"));
  RespValue kf = Run({"command", "getkeysandflags", "get", "k"});
  ASSERT_THAT(kf, ArrLen(1));
  EXPECT_THAT(kf.elems[0].elems[0], BulkArg("k"));
  EXPECT_THAT(StrArray(kf.elems[0].elems[1]), ElementsAre("RO", "access"));
}

TEST_F(ServerFamilyTest, CommandList) {
  auto all = StrArray(Run({"command", "list"}));
  EXPECT_THAT(all, Contains("get"));
  EXPECT_THAT(all, Contains("client|id"));
  EXPECT_THAT(StrArray(Run({"command", "list", "filterby", "pattern", "cl*"})),
              Contains("client|setname"));
  for (auto& n : StrArray(Run({"command", "list", "filterby", "pattern", "CL*"})))
    EXPECT_THAT(n, StartsWith("cl"));
  auto conn = StrArray(Run({"command", "list", "filterby", "aclcat", "connection"}));
  EXPECT_THAT(conn, Contains("ping"));
  EXPECT_THAT(conn, Contains("client|id"));
  EXPECT_THAT(conn, Contains("command"));
  EXPECT_THAT(conn, ::testing::Not(Contains("client")));
  EXPECT_THAT(conn, ::testing::Not(Contains("get")));
  EXPECT_THAT(Run({"command", "list", "filterby", "module", "x"}), ArrLen(0));
  EXPECT_THAT(Run({"command", "list", "filterby", "aclcat", "nosuch"}), ArrLen(0));
  EXPECT_THAT(Run({"command", "list", "filterby", "bogus", "x"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"command", "list", "x"}), ErrArg("ERR syntax error"));
}

TEST_F(ServerFamilyTest, CommandHelp) {
  RespValue r = Run({"command", "help"});
  ASSERT_THAT(r, ArrLen(21));
  EXPECT_THAT(r.elems[1], SimpleArg("(no subcommand)"));
}

// ---- registry metadata ----------------------------------------------------------------------

void CheckSpec(const CommandSpec& spec) {
  SCOPED_TRACE(spec.full_name);
  EXPECT_NE(spec.arity, 0);
  EXPECT_TRUE(spec.handler || spec.HasSubcommands()) << "no handler";
  EXPECT_FALSE(spec.group.empty());
  EXPECT_FALSE(spec.since.empty());
  EXPECT_FALSE(spec.summary.empty());
  EXPECT_EQ(spec.complexity.empty(), spec.full_name == "monitor");  // as Redis 7.0
  EXPECT_EQ(spec.full_name, ToLower(spec.full_name));
  // Key positions: all set or all zero; first within the arity; a write or read-only command
  // that takes keys declares where they are.
  if (spec.first_key > 0) {
    EXPECT_NE(spec.last_key, 0);
    EXPECT_GT(spec.key_step, 0);
    if (spec.last_key > 0) EXPECT_GE(spec.last_key, spec.first_key);
    int min_argc = spec.arity > 0 ? spec.arity : -spec.arity;
    EXPECT_LT(spec.first_key, std::max(min_argc, spec.first_key + 1));
    if (spec.arity > 0 && spec.last_key > 0) EXPECT_LT(spec.last_key, spec.arity);
  } else if (!spec.keys_fn) {
    EXPECT_EQ(spec.last_key, 0);
    EXPECT_EQ(spec.key_step, 0);
  }
  EXPECT_FALSE((spec.flags & CO::kWrite) && (spec.flags & CO::kReadOnly));
  for (auto& [name, sub] : spec.subcommands) {
    EXPECT_EQ(sub->parent, &spec);
    CheckSpec(*sub);
  }
}

TEST_F(ServerFamilyTest, RegistryMetadata) {
  ASSERT_GT(server_->registry().size(), 0u);
  for (auto& [name, spec] : server_->registry().all()) CheckSpec(*spec);
}

TEST_F(ServerFamilyTest, NoAuthCommands) {
  for (auto name : {"auth", "hello", "quit", "reset"}) {
    const CommandSpec* spec = server_->registry().Find(name);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_TRUE(spec->flags & CO::kNoAuth) << name;
  }
}

}  // namespace
}  // namespace fincache
