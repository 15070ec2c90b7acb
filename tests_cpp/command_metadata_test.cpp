// The registry's COMMAND INFO / COMMAND DOCS metadata: a walk over every command and subcommand
// checking that tips, key specs and doc extras agree with the flags and key positions, the
// reply shapes of COMMAND INFO / DOCS / GETKEYSANDFLAGS (RESP2 and RESP3), and key spec
// matching (KeySpec::Covers) for every begin_search / find_keys kind.
#include <functional>
#include <set>

#include "command_test_base.h"
#include "commands/command_registry.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;
using Type = RespValue::Type;

class CommandMetadataTest : public CommandTest {
 protected:
  static const RespValue* MapGet(const RespValue& m, std::string_view key) {
    for (size_t i = 0; i + 1 < m.elems.size(); i += 2)
      if (m.elems[i].str == key) return &m.elems[i + 1];
    return nullptr;
  }
  // Every command and subcommand.
  std::vector<const CommandSpec*> AllSpecs() {
    std::vector<const CommandSpec*> out;
    for (auto& [name, spec] : server_->registry().all()) {
      out.push_back(spec.get());
      for (auto& [sub_name, sub] : spec->subcommands) out.push_back(sub.get());
    }
    return out;
  }
  // A plausible argv for spec with argc arguments: name [sub] a1 a2 ...
  static std::vector<std::string> SampleArgv(const CommandSpec& spec, int argc) {
    std::vector<std::string> argv;
    if (spec.parent) argv.push_back(spec.parent->name);
    argv.push_back(spec.name);
    while (static_cast<int>(argv.size()) < argc) argv.push_back("a" + std::to_string(argv.size()));
    return argv;
  }
};

bool ValidVersion(std::string_view v) {
  int dots = 0;
  for (char c : v) {
    if (c == '.')
      ++dots;
    else if (c < '0' || c > '9')
      return false;
  }
  return dots == 2 && !v.empty() && v.front() != '.' && v.back() != '.';
}

// "2.6.12" < "6.0.0" numerically, part by part.
bool VersionLessEq(std::string_view a, std::string_view b) {
  auto parts = [](std::string_view v) {
    std::vector<int> out;
    int cur = 0;
    for (char c : v) {
      if (c == '.') {
        out.push_back(cur);
        cur = 0;
      } else {
        cur = cur * 10 + (c - '0');
      }
    }
    out.push_back(cur);
    return out;
  };
  return parts(a) <= parts(b);
}

// ---- the registry walk -----------------------------------------------------------------------

TEST_F(CommandMetadataTest, EveryCommandHasDocs) {
  for (const CommandSpec* s : AllSpecs()) {
    SCOPED_TRACE(s->full_name);
    EXPECT_FALSE(s->summary.empty());
    // Redis 7.0 declares a complexity for every command but MONITOR.
    EXPECT_EQ(s->complexity.empty(), s->full_name == "monitor");
    EXPECT_FALSE(s->group.empty());
    EXPECT_TRUE(ValidVersion(s->since)) << s->since;
    std::string_view prev = "0.0.0";
    for (const HistoryEntry& h : s->history) {
      EXPECT_TRUE(ValidVersion(h.version)) << h.version;
      EXPECT_TRUE(VersionLessEq(prev, h.version)) << "history out of order at " << h.version;
      EXPECT_FALSE(h.text.empty());
      prev = h.version;
    }
    // Deprecation comes as a whole: the flag, since when, and what replaces it.
    bool deprecated = s->doc_flags & DOC::kDeprecated;
    EXPECT_EQ(deprecated, !s->deprecated_since.empty());
    EXPECT_EQ(deprecated, !s->replaced_by.empty());
    if (deprecated) EXPECT_TRUE(VersionLessEq(s->since, s->deprecated_since));
  }
}

TEST_F(CommandMetadataTest, TipsAreRedisTips) {
  static const std::set<std::string_view> kTips = {
      "nondeterministic_output",         "nondeterministic_output_order",
      "request_policy:all_nodes",        "request_policy:all_shards",
      "request_policy:multi_shard",      "request_policy:special",
      "response_policy:one_succeeded",   "response_policy:all_succeeded",
      "response_policy:agg_logical_and", "response_policy:agg_logical_or",
      "response_policy:agg_min",         "response_policy:agg_max",
      "response_policy:agg_sum",         "response_policy:special"};
  for (const CommandSpec* s : AllSpecs()) {
    SCOPED_TRACE(s->full_name);
    int request = 0, response = 0;
    for (auto t : s->tips) {
      EXPECT_TRUE(kTips.count(t)) << t;
      request += t.starts_with("request_policy:");
      response += t.starts_with("response_policy:");
    }
    EXPECT_LE(request, 1);
    EXPECT_LE(response, 1);
    // Keys spread over the rest of argv can live on several shards: Redis says how to split.
    bool open_ended = false;
    for (const KeySpec& k : s->key_specs)
      open_ended |= k.find == KeySpec::Find::kRange && k.lastkey < 0 && !(k.flags & KS::kNotKey);
    // Redis 7.0 leaves a few multi-key commands without a request_policy (the set algebra
    // family, BITOP, the blocking pops, WATCH: their keys must share a slot); the differential
    // tests compare the real tips.
    static const std::set<std::string_view> kRedisTipless = {
        "sinter", "sinterstore", "sunion",   "sunionstore", "sdiff",   "sdiffstore", "bitop",
        "blpop",  "brpop",       "bzpopmin", "bzpopmax",    "pfcount", "pfmerge",    "watch"};
    if (open_ended && !kRedisTipless.count(s->full_name))
      EXPECT_EQ(request, 1) << "multi-key command without a request_policy tip";
  }
}

TEST_F(CommandMetadataTest, KeySpecsAgreeWithFlagsAndPositions) {
  constexpr uint16_t kAccessKinds = KS::kRO | KS::kRW | KS::kOW | KS::kRM;
  constexpr uint16_t kWrites = KS::kUpdate | KS::kInsert | KS::kDelete;
  for (const CommandSpec* s : AllSpecs()) {
    SCOPED_TRACE(s->full_name);
    if (s->HasSubcommands() && !s->handler) {
      EXPECT_TRUE(s->key_specs.empty()) << "a container has no keys of its own";
      continue;
    }
    EXPECT_EQ(s->first_key > 0 || s->keys_fn != nullptr, !s->key_specs.empty())
        << "key specs iff the command has keys";
    bool variable = false;
    for (const KeySpec& k : s->key_specs) {
      uint16_t kind = k.flags & kAccessKinds;
      // The shard Pub/Sub commands declare their channels as not_key specs (slot routing only).
      if (k.flags & KS::kNotKey) {
        EXPECT_EQ(kind, 0) << "a not_key spec has no access kind";
        continue;
      }
      EXPECT_TRUE(kind == KS::kRO || kind == KS::kRW || kind == KS::kOW || kind == KS::kRM)
          << "exactly one of RO/RW/OW/RM";
      // PFCOUNT: Redis flags it readonly but declares its keys RW (it caches the count).
      if (s->flags & CO::kReadOnly && s->full_name != "pfcount") {
        EXPECT_EQ(kind, KS::kRO) << "a read-only command only reads its keys";
      }
      if (kind == KS::kRO) EXPECT_EQ(k.flags & kWrites, 0) << "RO with update/insert/delete";
      if (kind == KS::kOW) EXPECT_EQ(k.flags & KS::kAccess, 0) << "OW with access";
      if (kind == KS::kRM) EXPECT_TRUE(k.flags & KS::kDelete) << "RM without delete";
      variable |= (k.flags & KS::kVariableFlags) != 0;
    }
    if (s->flags & CO::kWrite && !s->key_specs.empty()) {
      bool writes = false;
      for (const KeySpec& k : s->key_specs)
        writes |= (k.flags & (KS::kRW | KS::kOW | KS::kRM)) != 0;
      EXPECT_TRUE(writes) << "a write command with no RW/OW/RM key spec";
    }
    EXPECT_EQ(variable, s->key_flags_fn != nullptr) << "variable_flags needs a key flags function";
    if (s->keys_fn) continue;

    // The legacy first/last/step (what the dispatcher locks) and the key specs find the same
    // keys, for every argument count the arity allows (up to a few extra).
    int min_argc = s->arity < 0 ? -s->arity : s->arity;
    int max_argc = s->arity < 0 ? min_argc + 6 : s->arity;
    for (int argc = min_argc; argc <= max_argc; ++argc) {
      std::vector<std::string> argv = SampleArgv(*s, argc);
      std::vector<std::string_view> views(argv.begin(), argv.end());
      CmdArgList args(views.data(), views.size());
      KeyIndexes legacy;
      ASSERT_TRUE(CommandRegistry::GetKeyIndexes(*s, args, &legacy));
      std::set<int> by_specs;
      for (int i = 1; i < argc; ++i)
        for (const KeySpec& k : s->key_specs)
          if (k.Covers(args, i)) by_specs.insert(i);
      EXPECT_EQ(std::set<int>(legacy.begin(), legacy.end()), by_specs) << "argc " << argc;
      for (int i : legacy) EXPECT_NE(s->KeyFlagsAt(args, i), 0) << "argc " << argc;
    }
  }
}

// DOCS arguments: key arguments point at existing key specs and every key spec is pointed at;
// only key arguments carry a key_spec_index; groups (oneof/block) and only they have children.
TEST_F(CommandMetadataTest, ArgumentsAgreeWithKeySpecs) {
  for (const CommandSpec* s : AllSpecs()) {
    SCOPED_TRACE(s->full_name);
    std::set<int> referenced;
    std::function<void(const std::vector<ArgSpec>&)> walk = [&](const std::vector<ArgSpec>& args) {
      for (const ArgSpec& a : args) {
        EXPECT_FALSE(a.name.empty());
        // Redis 7.0 also points SORT's BY/GET patterns at the key spec of the keys they name.
        if (a.type != "pattern" || a.key_spec_index < 0)
          EXPECT_EQ(a.type == "key", a.key_spec_index >= 0) << a.name;
        if (a.key_spec_index >= 0) {
          EXPECT_LT(a.key_spec_index, static_cast<int>(s->key_specs.size())) << a.name;
          referenced.insert(a.key_spec_index);
        }
        EXPECT_EQ(a.type == "oneof" || a.type == "block", !a.args.empty()) << a.name;
        if (a.type == "pure-token") EXPECT_FALSE(a.token.empty()) << a.name;
        if (!a.since.empty()) EXPECT_TRUE(ValidVersion(a.since)) << a.name;
        walk(a.args);
      }
    };
    walk(s->arguments);
    // Redis 7.0 documents the not_key channels of the shard Pub/Sub commands as strings.
    size_t real_specs = 0;
    for (const KeySpec& k : s->key_specs) real_specs += !(k.flags & KS::kNotKey);
    EXPECT_EQ(referenced.size(), real_specs);
    // A command taking no arguments beyond its name (and subcommand) documents none.
    int fixed = s->parent ? 2 : 1;
    if (s->arity == fixed) EXPECT_TRUE(s->arguments.empty());
  }
}

TEST_F(CommandMetadataTest, ArgSpecSyntax) {
  std::vector<ArgSpec> args;
  ASSERT_TRUE(ParseArgSpecs(
      "key/key#0 yes/no/string=SKIPME? ip:port/string~2.8.12 "
      "cond/oneof^7.0.0?[nx/pure-token=NX xx/pure-token=XX] kv/block*[k/key#0 v/string]",
      &args));
  ASSERT_EQ(args.size(), 5u);
  EXPECT_EQ(args[0].key_spec_index, 0);
  EXPECT_EQ(args[1].name, "yes/no");
  EXPECT_EQ(args[1].type, "string");
  EXPECT_EQ(args[1].token, "SKIPME");
  EXPECT_EQ(args[1].flags, ArgSpec::kOptional);
  EXPECT_EQ(args[2].name, "ip:port");
  EXPECT_EQ(args[2].deprecated_since, "2.8.12");
  EXPECT_EQ(args[3].since, "7.0.0");
  ASSERT_EQ(args[3].args.size(), 2u);
  EXPECT_EQ(args[3].args[1].token, "XX");
  EXPECT_EQ(args[4].flags, ArgSpec::kMultiple);
  EXPECT_EQ(args[4].args[0].type, "key");
  for (std::string_view bad : {"key", "key/nosuchtype", "g/oneof", "g/oneof[", "a/string]",
                               "g/block[]", "k/key#x", "s/string=", "p/pure-token[a/string]"}) {
    std::vector<ArgSpec> out;
    EXPECT_FALSE(ParseArgSpecs(bad, &out)) << bad;
  }
}

TEST_F(CommandMetadataTest, MovableKeysOnlyFromFunctionsOrComplexSpecs) {
  for (const CommandSpec* s : AllSpecs()) {
    bool complex = false;
    for (const KeySpec& k : s->key_specs)
      complex |= k.begin != KeySpec::Begin::kIndex || k.find != KeySpec::Find::kRange;
    EXPECT_EQ(s->MovableKeys(), complex || s->keys_fn != nullptr) << s->full_name;
  }
}

// ---- KeySpec matching --------------------------------------------------------------------------

TEST_F(CommandMetadataTest, KeySpecCovers) {
  auto covered = [](const KeySpec& k, std::vector<std::string_view> argv) {
    std::vector<int> out;
    CmdArgList args(argv.data(), argv.size());
    for (int i = 0; i < static_cast<int>(argv.size()); ++i)
      if (k.Covers(args, i)) out.push_back(i);
    return out;
  };
  EXPECT_THAT(covered(KS::Index(1), {"get", "k"}), ElementsAre(1));
  EXPECT_THAT(covered(KS::Index(1).Range(-1, 2), {"mset", "a", "1", "b", "2"}), ElementsAre(1, 3));
  EXPECT_THAT(covered(KS::Index(1).Range(1), {"lcs", "a", "b", "LEN"}), ElementsAre(1, 2));
  // XREAD-like: keys after STREAMS, half of the rest (limit 2).
  EXPECT_THAT(covered(KS::Keyword("STREAMS", 1).Range(-1, 1, 2),
                      {"xread", "COUNT", "2", "streams", "s1", "s2", "0", "0"}),
              ElementsAre(4, 5));
  EXPECT_THAT(covered(KS::Keyword("STREAMS", 1).Range(-1, 1, 2), {"xread", "COUNT", "2"}),
              ElementsAre());
  // Keyword searched backwards from the end (MIGRATE ... KEYS k1 k2).
  EXPECT_THAT(covered(KS::Keyword("KEYS", -2).Range(-1),
                      {"migrate", "h", "p", "", "0", "5", "KEYS", "k1", "k2"}),
              ElementsAre(7, 8));
  // numkeys (ZUNION 2 a b WEIGHTS ...), and a bad numkeys finds nothing.
  EXPECT_THAT(covered(KS::Index(1).Keynum(0, 1, 1), {"zunion", "2", "a", "b", "WEIGHTS", "1"}),
              ElementsAre(2, 3));
  EXPECT_THAT(covered(KS::Index(1).Keynum(0, 1, 1), {"zunion", "x", "a"}), ElementsAre());
  EXPECT_THAT(covered(KS::Unknown(), {"sort", "k"}), ElementsAre());
  EXPECT_THAT(KeySpecFlagNames(KS::Index(1).RW().Access().Update().VariableFlags().flags),
              ElementsAre("RW", "access", "update", "variable_flags"));
}

// ---- reply shapes ----------------------------------------------------------------------------

TEST_F(CommandMetadataTest, InfoTipsAndKeySpecs) {
  RespValue r = Run({"command", "info", "mset", "copy", "set", "ttl"});
  ASSERT_THAT(r, ArrLen(4));
  const RespValue& mset = r.elems[0];
  EXPECT_THAT(StrArray(mset.elems[7]),
              ElementsAre("request_policy:multi_shard", "response_policy:all_succeeded"));
  ASSERT_THAT(mset.elems[8], ArrLen(1));
  const RespValue& ks = mset.elems[8].elems[0];
  EXPECT_THAT(StrArray(*MapGet(ks, "flags")), ElementsAre("OW", "update"));
  const RespValue* range = MapGet(*MapGet(ks, "find_keys"), "spec");
  EXPECT_THAT(*MapGet(*range, "lastkey"), IntArg(-1));
  EXPECT_THAT(*MapGet(*range, "keystep"), IntArg(2));

  const RespValue& copy = r.elems[1];
  ASSERT_THAT(copy.elems[8], ArrLen(2));
  EXPECT_THAT(StrArray(*MapGet(copy.elems[8].elems[0], "flags")), ElementsAre("RO", "access"));
  EXPECT_THAT(StrArray(*MapGet(copy.elems[8].elems[1], "flags")), ElementsAre("OW", "update"));
  EXPECT_THAT(*MapGet(*MapGet(*MapGet(copy.elems[8].elems[1], "begin_search"), "spec"), "index"),
              IntArg(2));

  // SET's key spec has notes, first, as Redis orders the map.
  const RespValue& set_ks = r.elems[2].elems[8].elems[0];
  ASSERT_THAT(set_ks, ArrLen(8));
  EXPECT_THAT(set_ks.elems[0], BulkArg("notes"));
  EXPECT_THAT(set_ks.elems[1], BulkArg("RW and ACCESS due to the optional `GET` argument"));
  EXPECT_THAT(StrArray(set_ks.elems[3]), ElementsAre("RW", "access", "update", "variable_flags"));
  EXPECT_THAT(StrArray(r.elems[3].elems[7]), ElementsAre("nondeterministic_output"));
}

TEST_F(CommandMetadataTest, InfoResp3Types) {
  session_.resp = 3;
  RespValue r = Run({"command", "info", "get", "client"});
  const RespValue& get = r.elems[0];
  EXPECT_EQ(get.type, Type::kArray);
  EXPECT_EQ(get.elems[2].type, Type::kSet);  // flags
  EXPECT_EQ(get.elems[6].type, Type::kSet);  // ACL categories
  EXPECT_EQ(get.elems[7].type, Type::kSet);  // tips
  EXPECT_EQ(get.elems[8].type, Type::kSet);  // key specs
  EXPECT_EQ(get.elems[8].elems[0].type, Type::kMap);
  EXPECT_EQ(MapGet(get.elems[8].elems[0], "flags")->type, Type::kSet);
  EXPECT_EQ(get.elems[9].type, Type::kSet);  // no subcommands: an empty set
  EXPECT_THAT(get.elems[9], ArrLen(0));
  const RespValue& client = r.elems[1];
  EXPECT_EQ(client.elems[9].type, Type::kArray);  // subcommands: an array
  EXPECT_GT(client.elems[9].elems.size(), 0u);
  RespValue info = Run({"command", "info", "client|info"});
  EXPECT_THAT(StrArray(info.elems[0].elems[7]), ElementsAre("nondeterministic_output"));
}

TEST_F(CommandMetadataTest, DocsExtras) {
  RespValue r = Run({"command", "docs", "getset"});
  ASSERT_THAT(r, ArrLen(2));
  const RespValue& d = r.elems[1];
  std::vector<std::string> keys;
  for (size_t i = 0; i < d.elems.size(); i += 2) keys.push_back(d.elems[i].str);
  EXPECT_THAT(keys, ElementsAre("summary", "since", "group", "complexity", "doc_flags",
                                "deprecated_since", "replaced_by", "arguments"));
  EXPECT_THAT(StrArray(*MapGet(d, "doc_flags")), ElementsAre("deprecated"));
  EXPECT_THAT(*MapGet(d, "deprecated_since"), BulkArg("6.2.0"));
  EXPECT_THAT(*MapGet(d, "replaced_by"), BulkArg("`SET` with the `!GET` argument"));

  RespValue set = Run({"command", "docs", "set"});
  const RespValue* history = MapGet(set.elems[1], "history");
  ASSERT_NE(history, nullptr);
  EXPECT_EQ(history->type, Type::kArray);
  ASSERT_THAT(*history, ArrLen(4));
  EXPECT_THAT(StrArray(history->elems[0]),
              ElementsAre("2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."));
  EXPECT_EQ(MapGet(Run({"command", "docs", "get"}).elems[1], "history"), nullptr);

  session_.resp = 3;
  RespValue set3 = Run({"command", "docs", "set"});
  EXPECT_EQ(MapGet(set3.elems[1], "history")->type, Type::kSet);
  EXPECT_EQ(MapGet(set3.elems[1], "history")->elems[0].type, Type::kArray);
  RespValue substr = Run({"command", "docs", "substr"});
  EXPECT_EQ(MapGet(substr.elems[1], "doc_flags")->type, Type::kSet);
  EXPECT_THAT(*MapGet(substr.elems[1], "replaced_by"), BulkArg("`GETRANGE`"));

  // Arguments: an array of maps; flags a set in RESP3.
  const RespValue* args = MapGet(set3.elems[1], "arguments");
  ASSERT_NE(args, nullptr);
  EXPECT_EQ(args->type, Type::kArray);
  ASSERT_THAT(*args, ArrLen(5));
  EXPECT_EQ(args->elems[0].type, Type::kMap);
  EXPECT_THAT(*MapGet(args->elems[0], "key_spec_index"), IntArg(0));
  const RespValue& cond = args->elems[2];
  std::vector<std::string> fields;
  for (size_t i = 0; i < cond.elems.size(); i += 2) fields.push_back(cond.elems[i].str);
  EXPECT_THAT(fields, ElementsAre("name", "type", "since", "flags", "arguments"));
  EXPECT_EQ(MapGet(cond, "flags")->type, Type::kSet);
  EXPECT_THAT(StrArray(*MapGet(cond, "flags")), ElementsAre("optional"));
  EXPECT_THAT(*MapGet(MapGet(cond, "arguments")->elems[1], "token"), BulkArg("XX"));
  session_.resp = 2;
  RespValue all = Run({"command", "docs"});
  EXPECT_EQ(all.elems.size(), 2 * server_->registry().size());
}

TEST_F(CommandMetadataTest, GetKeysAndFlags) {
  auto flags_of = [this](std::vector<std::string> argv) {
    argv.insert(argv.begin(), {"command", "getkeysandflags"});
    RespValue r = Run(argv);
    std::vector<std::string> out;
    for (auto& pair : r.elems) {
      std::string s = pair.elems[0].str + ":";
      for (auto& f : pair.elems[1].elems) s += " " + f.str;
      out.push_back(s);
    }
    return out;
  };
  EXPECT_THAT(flags_of({"set", "k", "v"}), ElementsAre("k: OW update"));
  EXPECT_THAT(flags_of({"set", "k", "v", "EX", "10", "gEt"}), ElementsAre("k: RW access update"));
  EXPECT_THAT(flags_of({"copy", "a", "b"}), ElementsAre("a: RO access", "b: OW update"));
  EXPECT_THAT(flags_of({"rename", "a", "b"}), ElementsAre("a: RW access delete", "b: OW update"));
  EXPECT_THAT(flags_of({"del", "a", "b"}), ElementsAre("a: RM delete", "b: RM delete"));
  EXPECT_THAT(flags_of({"mset", "a", "1", "b", "2"}), ElementsAre("a: OW update", "b: OW update"));
  EXPECT_THAT(flags_of({"object", "encoding", "k"}), ElementsAre("k: RO"));
  session_.resp = 3;
  RespValue r = Run({"command", "getkeysandflags", "get", "k"});
  EXPECT_EQ(r.elems[0].elems[1].type, Type::kSet);
}

// ---- write commands look keys up as Redis's lookupKeyWrite ----------------------------------

// The string family's write paths touch the key (OBJECT IDLETIME back to 0) also when they then
// write nothing (SET NX on an existing key, MSETNX refused, INCRBYFLOAT with a bad increment),
// and count no keyspace hits or misses; SET ... GET and GETSET read (a hit) and write.
TEST_F(CommandMetadataTest, StringWritesTouchKeys) {
  const std::vector<std::vector<std::string>> writes = {
      {"set", "k", "v2"},         {"set", "k", "v2", "NX"},
      {"setnx", "k", "x"},        {"incr", "k"},
      {"incrby", "k", "5"},       {"decr", "k"},
      {"incrbyfloat", "k", "x"},  {"append", "k", ""},
      {"setrange", "k", "0", ""}, {"msetnx", "k", "1", "other", "2"},
      {"mset", "k", "7"},         {"psetex", "k", "100000", "9"}};
  for (const auto& cmd : writes) {
    SCOPED_TRACE(cmd[0] + " " + cmd.back());
    Run({"set", "k", "123456"});
    AdvanceTime(5'000);
    ASSERT_THAT(Run({"object", "idletime", "k"}), IntArg(5));
    RespValue before = Run({"info", "stats"});
    Run(cmd);
    RespValue after = Run({"info", "stats"});
    auto field = [](const RespValue& v, std::string_view name) {
      size_t at = v.str.find(std::string(name) + ":");
      return v.str.substr(at, v.str.find('\r', at) - at);
    };
    EXPECT_EQ(field(before, "keyspace_hits"), field(after, "keyspace_hits"));
    EXPECT_EQ(field(before, "keyspace_misses"), field(after, "keyspace_misses"));
    EXPECT_THAT(Run({"object", "idletime", "k"}), IntArg(0));
    Run({"del", "k", "other"});
  }
  Run({"set", "k", "v"});
  AdvanceTime(3'000);
  EXPECT_THAT(Run({"set", "k", "v2", "GET"}), BulkArg("v"));
  EXPECT_THAT(Run({"object", "idletime", "k"}), IntArg(0));
  AdvanceTime(3'000);
  EXPECT_THAT(Run({"getset", "k", "v3"}), BulkArg("v2"));
  EXPECT_THAT(Run({"object", "idletime", "k"}), IntArg(0));
  // A bad INCRBY increment is rejected before the lookup: the key keeps its idle time.
  AdvanceTime(3'000);
  EXPECT_THAT(Run({"incrby", "k", "x"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"object", "idletime", "k"}), IntArg(3));
}

}  // namespace
}  // namespace fincache
