// Scripting commands: EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT (LOAD EXISTS FLUSH HELP).
//
// The Lua side lives in cpp/script (one ScriptEngine per server: Lua state, script cache,
// conversions, sandbox). This file is the command side: the handlers, and the ScriptHost that
// runs a script's redis.call through the command table with Redis's checks (unknown command,
// arity, noscript, writes from read-only scripts).
//
// Atomicity: EVAL* are CO::kGlobal, so the dispatcher runs them holding the exclusive gate; the
// commands a script calls run inside it without shard locks, whatever keys they touch. Every
// redis.call sees the script's start time as its command time (one clock for TTLs).
//
// Not here (yet): SCRIPT KILL / SCRIPT DEBUG and busy-reply-threshold (BUSY replies need the
// network threads to answer while a script holds the gate), FUNCTION / FCALL.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/dispatcher.h"
#include "commands/server_family.h"
#include "common/errors.h"
#include "common/strings.h"
#include "net/log.h"
#include "script/script_engine.h"

namespace fincache {

namespace {

constexpr std::string_view kNoScriptErr = "NOSCRIPT No matching script. Please use EVAL.";
constexpr std::string_view kNumKeysTooBig =
    "ERR Number of keys can't be greater than number of args";
constexpr std::string_view kNumKeysNegative = "ERR Number of keys can't be negative";
constexpr std::string_view kScriptFlushOption = "ERR SCRIPT FLUSH only support SYNC|ASYNC option";

// ---------------------------------------------------------------------------------------------
// The per-server script engine
// ---------------------------------------------------------------------------------------------

// One ScriptEngine per ServerState, created on first use. Keyed by the state's address and
// checked against its run id (unique per instance), so a new ServerState at a reused address
// never sees an old script cache.
script::ScriptEngine& ScriptsOf(ServerState& server) {
  struct Slot {
    std::string run_id;
    std::unique_ptr<script::ScriptEngine> engine;
  };
  static std::mutex mu;
  static std::map<const ServerState*, Slot> slots;
  std::lock_guard lk(mu);
  Slot& slot = slots[&server];
  if (!slot.engine || slot.run_id != server.run_id()) {
    slot.run_id = server.run_id();
    slot.engine = std::make_unique<script::ScriptEngine>();
  }
  return *slot.engine;
}

// ---------------------------------------------------------------------------------------------
// redis.call: the command side
// ---------------------------------------------------------------------------------------------

bool ArityOk(const CommandSpec& spec, size_t argc) {
  int a = spec.arity;
  return a >= 0 ? static_cast<int>(argc) == a : static_cast<int>(argc) >= -a;
}

// Resolves argv as Redis's lookupCommand: a container with a subcommand argument resolves to the
// subcommand (nullptr if unknown).
const CommandSpec* LookupCommand(const CommandRegistry& registry, CmdArgList argv) {
  const CommandSpec* spec = registry.Find(argv[0]);
  if (!spec) return nullptr;
  if (spec->HasSubcommands() && argv.size() >= 2) return registry.FindSub(*spec, argv[1]);
  return spec;
}

class CommandHost final : public script::ScriptHost {
 public:
  CommandHost(CommandContext& ctx, bool read_only)
      : server_(ctx.server), engine_(ctx.engine), now_ms_(ctx.now_ms), read_only_(read_only) {
    // The script's own client: the caller's db and identity; SELECT in a script stays in it.
    session_.id = ctx.session.id;
    session_.db_index = ctx.session.db_index;
    session_.authenticated = true;
    session_.user = ctx.session.user;
  }

  std::string Call(std::span<const std::string_view> argv, protocol::ReplyBuilder& rb) override {
    const CommandSpec* spec = LookupCommand(server_.registry(), argv);
    if (!spec) return "Unknown Redis command called from script";
    if (!ArityOk(*spec, argv.size()) || !spec->handler)
      return "Wrong number of args calling Redis command from script";
    if (spec->flags & CO::kNoScript) return "This Redis command is not allowed from script";
    if (read_only_ && (spec->flags & (CO::kWrite | CO::kMayReplicate)))
      return "Write commands are not allowed from read-only scripts.";

    server_.total_commands.fetch_add(1, std::memory_order_relaxed);
    CommandStats& stats = server_.StatsFor(spec);
    session_.resp = rb.resp_version();
    uint64_t errors_before = rb.error_count();
    KeyIndexes key_indexes;
    if (!CommandRegistry::GetKeyIndexes(*spec, argv, &key_indexes)) key_indexes.clear();
    {
      CommandContext ctx{server_, engine_, session_, rb, *spec, now_ms_};
      if (spec->IsWrite()) {
        WatchedWrite watched(engine_, session_.db_index, now_ms_, argv, key_indexes);
        spec->handler(argv, ctx);
        watched.Finish(rb.error_count() != errors_before);
      } else {
        spec->handler(argv, ctx);
      }
      if (spec->IsWrite()) {
        Db db = ctx.db();
        for (int i : key_indexes) {
          db.AfterWrite(argv[i]);
          if (engine_.blocking().Any() && engine_.blocking().HasWaiters(db.index(), argv[i]))
            ready_.push_back({db.index(), std::string(argv[i])});
        }
      }
    }
    stats.calls.fetch_add(1, std::memory_order_relaxed);
    if (rb.error_count() != errors_before) {
      stats.failed_calls.fetch_add(1, std::memory_order_relaxed);
      server_.CountError(rb.last_error_code());
    }
    return "";
  }

  void SetReadOnly() override { read_only_ = true; }

  bool CommandExists(std::span<const std::string_view> argv) override {
    return LookupCommand(server_.registry(), argv) != nullptr;
  }

  void Log(int level, std::string_view message) override {
    net::Log(static_cast<net::LogLevel>(level), message);
  }

  // Keys written by the script that clients are blocked on (served once the script is done).
  std::vector<ReadyKey>& ready() { return ready_; }

 private:
  ServerState& server_;
  Engine& engine_;
  int64_t now_ms_;
  bool read_only_;
  Session session_;
  std::vector<ReadyKey> ready_;
};

// ---------------------------------------------------------------------------------------------
// EVAL family
// ---------------------------------------------------------------------------------------------

// Key positions of EVAL script numkeys key [key ...] arg [arg ...]: argv[3 .. 3+numkeys).
bool EvalKeys(CmdArgList args, KeyIndexes* out) {
  int64_t numkeys;
  if (args.size() < 3 || !ParseInt64(args[2], &numkeys) || numkeys < 0 ||
      numkeys > static_cast<int64_t>(args.size()) - 3)
    return false;
  for (int64_t i = 0; i < numkeys; ++i) out->push_back(static_cast<int>(3 + i));
  return true;
}

void EvalGeneric(CmdArgList args, CommandContext& ctx, bool by_sha, bool read_only) {
  // EVALSHA with a digest of the wrong length can't match anything: answered first, as Redis.
  if (by_sha && args[1].size() != 40) return ctx.SendError(kNoScriptErr);
  int64_t numkeys;
  if (!ParseInt64(args[2], &numkeys)) return ctx.SendError(errors::kNotInteger);
  if (numkeys > static_cast<int64_t>(args.size()) - 3) return ctx.SendError(kNumKeysTooBig);
  if (numkeys < 0) return ctx.SendError(kNumKeysNegative);

  script::ScriptEngine& scripts = ScriptsOf(ctx.server);
  std::string sha;
  if (by_sha) {
    sha.assign(args[1]);
  } else {
    std::string err;
    sha = scripts.Load(args[1], &err);
    if (sha.empty()) return ctx.SendError(err);
  }
  CommandHost host(ctx, read_only);
  script::ScriptEngine::RunArgs run;
  run.keys = args.subspan(3, static_cast<size_t>(numkeys));
  run.args = args.subspan(3 + static_cast<size_t>(numkeys));
  run.read_only = read_only;
  scripts.Run(sha, run, host, ctx.rb);
  // Clients blocked on keys the script wrote get served (the exclusive gate is still held:
  // ServeReady allows it).
  if (!host.ready().empty()) ctx.engine.blocking().ServeReady(ctx.engine, std::move(host.ready()));
}

// EVAL script numkeys [key ...] [arg ...] -> the script's return value converted to a reply
void CmdEval(CmdArgList args, CommandContext& ctx) { EvalGeneric(args, ctx, false, false); }
// EVALSHA sha1 numkeys [key ...] [arg ...] -> as EVAL, for a cached script
void CmdEvalSha(CmdArgList args, CommandContext& ctx) { EvalGeneric(args, ctx, true, false); }
// EVAL_RO script numkeys [key ...] [arg ...] -> as EVAL; write commands are refused
void CmdEvalRo(CmdArgList args, CommandContext& ctx) { EvalGeneric(args, ctx, false, true); }
// EVALSHA_RO sha1 numkeys [key ...] [arg ...] -> as EVALSHA; write commands are refused
void CmdEvalShaRo(CmdArgList args, CommandContext& ctx) { EvalGeneric(args, ctx, true, true); }

// ---------------------------------------------------------------------------------------------
// SCRIPT
// ---------------------------------------------------------------------------------------------

// SCRIPT LOAD script -> bulk: the script's sha1
void CmdScriptLoad(CmdArgList args, CommandContext& ctx) {
  std::string err;
  std::string sha = ScriptsOf(ctx.server).Load(args[2], &err);
  if (sha.empty()) return ctx.SendError(err);
  ctx.rb.SendBulk(sha);
}

// SCRIPT EXISTS sha1 [sha1 ...] -> array of integers: 1 cached, 0 not
void CmdScriptExists(CmdArgList args, CommandContext& ctx) {
  script::ScriptEngine& scripts = ScriptsOf(ctx.server);
  ctx.rb.StartArray(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) ctx.rb.SendLong(scripts.Exists(args[i]) ? 1 : 0);
}

// SCRIPT FLUSH [ASYNC|SYNC] -> OK (both modes flush at once)
void CmdScriptFlush(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 3 || (args.size() == 3 && !EqualsIgnoreCase(args[2], "sync") &&
                          !EqualsIgnoreCase(args[2], "async")))
    return ctx.SendError(kScriptFlushOption);
  ScriptsOf(ctx.server).Flush();
  ctx.rb.SendOk();
}

// SCRIPT HELP -> array of status lines
void CmdScriptHelp(CmdArgList args, CommandContext& ctx) {
  SendHelp(ctx.rb, "SCRIPT",
           {
               "EXISTS <sha1> [<sha1> ...]",
               "    Return information about the existence of the scripts in the script cache.",
               "FLUSH [ASYNC|SYNC]",
               "    Flush the Lua scripts cache. Very dangerous on replicas.",
               "    When called without the optional mode argument, the behavior is determined "
               "by the",
               "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
               "    * ASYNC: Asynchronously flush the scripts cache.",
               "    * SYNC: Synchronously flush the scripts cache.",
               "LOAD <script>",
               "    Load a script into the scripts cache without executing it.",
           });
}

}  // namespace

void RegisterScriptingFamily(CommandRegistry& r) {
  constexpr uint32_t kEvalFlags =
      CO::kNoScript | CO::kStale | CO::kSkipMonitor | CO::kNoMandatoryKeys | CO::kGlobal;
  constexpr std::string_view kComplexity = "Depends on the script that is executed.";
  auto eval = [&r, kComplexity](std::string_view name, uint32_t flags, std::string_view since,
                                std::string_view summary, CommandHandler handler, KeySpec key_spec,
                                std::string_view args) {
    r.Add({.name = std::string(name),
           .arity = -3,
           .flags = flags,
           .acl = ACL::kScripting,
           .group = "scripting",
           .since = since,
           .summary = summary,
           .complexity = kComplexity,
           .handler = handler,
           .keys_fn = EvalKeys})
        .KeySpecs({key_spec})
        .Args(args);
  };
  const KeySpec kRwKeys = KS::Index(2).Keynum(0, 1, 1).RW().Access().Update();
  const KeySpec kRoKeys = KS::Index(2).Keynum(0, 1, 1).RO().Access();
  eval("eval", kEvalFlags, "2.6.0", "Execute a Lua script server side", CmdEval,
       kRwKeys.Notes("We cannot tell how the keys will be used so we assume the worst, RW and "
                     "UPDATE"),
       "script/string numkeys/integer key/key#0?* arg/string?*");
  eval("evalsha", kEvalFlags, "2.6.0", "Execute a Lua script server side", CmdEvalSha, kRwKeys,
       "sha1/string numkeys/integer key/key#0?* arg/string?*");
  eval("eval_ro", kEvalFlags | CO::kReadOnly, "7.0.0", "Execute a read-only Lua script server side",
       CmdEvalRo,
       kRoKeys.Notes("We cannot tell how the keys will be used so we assume the worst, RO and "
                     "ACCESS"),
       "script/string numkeys/integer key/key#0?* arg/string?*");
  eval("evalsha_ro", kEvalFlags | CO::kReadOnly, "7.0.0",
       "Execute a read-only Lua script server side", CmdEvalShaRo, kRoKeys,
       "sha1/string numkeys/integer key/key#0?* arg/string?*");

  r.Add({.name = "script",
         .arity = -2,
         .group = "scripting",
         .since = "2.6.0",
         .summary = "A container for Lua scripts management commands",
         .complexity = "Depends on subcommand."});
  r.AddSub("script", {.name = "flush",
                      .arity = -2,
                      .flags = CO::kNoScript,
                      .acl = ACL::kScripting,
                      .since = "2.6.0",
                      .summary = "Remove all the scripts from the script cache.",
                      .complexity = "O(N) with N being the number of scripts in cache",
                      .handler = CmdScriptFlush})
      .Tips({"request_policy:all_nodes", "response_policy:all_succeeded"})
      .History({{"6.2.0", "Added the `ASYNC` and `SYNC` flushing mode modifiers."}})
      .Args("async/oneof^6.2.0?[async/pure-token=ASYNC sync/pure-token=SYNC]");
  r.AddSub("script", {.name = "exists",
                      .arity = -3,
                      .flags = CO::kNoScript,
                      .acl = ACL::kScripting,
                      .since = "2.6.0",
                      .summary = "Check existence of scripts in the script cache.",
                      .complexity = "O(N) with N being the number of scripts to check (so "
                                    "checking a single script is an O(1) operation).",
                      .handler = CmdScriptExists})
      .Tips({"request_policy:all_shards", "response_policy:agg_logical_and"})
      .Args("sha1/string*");
  r.AddSub("script", {.name = "load",
                      .arity = 3,
                      .flags = CO::kNoScript | CO::kStale,
                      .acl = ACL::kScripting,
                      .since = "2.6.0",
                      .summary = "Load the specified Lua script into the script cache.",
                      .complexity = "O(N) with N being the length in bytes of the script body.",
                      .handler = CmdScriptLoad})
      .Tips({"request_policy:all_nodes", "response_policy:all_succeeded"})
      .Args("script/string");
  r.AddSub("script", {.name = "help",
                      .arity = 2,
                      .flags = CO::kLoading | CO::kStale,
                      .acl = ACL::kScripting,
                      .since = "5.0.0",
                      .summary = "Show helpful text about the different subcommands",
                      .complexity = "O(1)",
                      .handler = CmdScriptHelp});
}

}  // namespace fincache
