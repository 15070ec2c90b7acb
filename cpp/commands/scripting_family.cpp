// Scripting commands: EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT (LOAD EXISTS FLUSH KILL HELP),
// FCALL FCALL_RO FUNCTION (LOAD LIST DELETE FLUSH DUMP RESTORE STATS KILL HELP).
//
// The Lua side lives in cpp/script (ServerState::scripts(): Lua states, script cache, function
// libraries, conversions, sandbox). This file is the command side: the handlers, and the
// ScriptHost that runs a script's redis.call through the command table with Redis's checks
// (unknown command, arity, noscript, writes from read-only scripts).
//
// Atomicity: EVAL* and FCALL* are CO::kGlobal, so the dispatcher runs them holding the
// exclusive gate; the commands a script calls run inside it without shard locks, whatever keys
// they touch. Every redis.call sees the script's start time as its command time (one clock for
// TTLs).
//
// Busy scripts: while a script runs, ServerState::script_run() knows it; the Lua count hook
// calls ScriptHost::Tick, which past busy-reply-threshold marks the gate busy, so commands
// waiting for it are answered BUSY by the dispatcher, and allow-busy ones (SCRIPT KILL,
// FUNCTION KILL, FUNCTION STATS) run without it. A killed script stops at its next hook with
// Redis's error; one that already wrote is UNKILLABLE.
//
// maxmemory: a script or function that declares flags is deny-oom unless it declares allow-oom
// or no-writes (EffectiveCommandFlags, used by the dispatcher before running it). When the
// command that started a script found memory full (ScriptOomAtStart), the script's deny-oom
// commands get the OOM error until it has written something, unless it declares allow-oom.
//
// Not here: SCRIPT DEBUG (the Lua debugger), and replica / cluster checks of script flags
// (allow-stale, no-cluster are accepted and listed, with nothing to check yet).
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/dispatcher.h"
#include "commands/server_family.h"
#include "common/errors.h"
#include "common/log_hook.h"
#include "common/strings.h"
#include "persist/rdb.h"
#include "script/script_engine.h"

namespace fincache {

namespace {

constexpr std::string_view kNoScriptErr = "NOSCRIPT No matching script. Please use EVAL.";
constexpr std::string_view kNumKeysTooBig =
    "ERR Number of keys can't be greater than number of args";
constexpr std::string_view kNumKeysNegative = "ERR Number of keys can't be negative";
constexpr std::string_view kComplexity = "Depends on the script that is executed.";
constexpr std::string_view kScriptFlushOption = "ERR SCRIPT FLUSH only support SYNC|ASYNC option";

// ---------------------------------------------------------------------------------------------
// redis.call: the command side
// ---------------------------------------------------------------------------------------------

bool ArityOk(const CommandSpec& spec, size_t argc) {
  int a = spec.arity;
  return a >= 0 ? static_cast<int>(argc) == a : static_cast<int>(argc) >= -a;
}

class CommandHost final : public script::ScriptHost {
 public:
  CommandHost(CommandContext& ctx, bool read_only, uint32_t script_flags)
      : server_(ctx.server),
        engine_(ctx.engine),
        now_ms_(ctx.now_ms),
        read_only_(read_only),
        allow_oom_(script_flags & script::SF::kAllowOom) {
    // The script's own client: the caller's db and identity; SELECT in a script stays in it.
    session_.id = ctx.session.id;
    session_.db_index = ctx.session.db_index;
    session_.authenticated = true;
    session_.user = ctx.session.user;
    if (server_.audit_log().enabled()) {
      std::lock_guard lk(ctx.session.info_mu);
      caller_addr_ = ctx.session.addr.empty() ? "embedded" : ctx.session.addr;
    }
  }

  std::string Call(std::span<const std::string_view> argv, protocol::ReplyBuilder& rb) override {
    const CommandSpec* spec = server_.registry().Lookup(argv);
    if (!spec) return "Unknown Redis command called from script";
    if (!ArityOk(*spec, argv.size()) || !spec->handler)
      return "Wrong number of args calling Redis command from script";
    if (spec->flags & CO::kNoScript) return "This Redis command is not allowed from script";
    if (read_only_ && (spec->flags & (CO::kWrite | CO::kMayReplicate)))
      return "Write commands are not allowed from read-only scripts.";
    // Redis's scriptVerifyOOM: memory was full when the script started, and it has not written
    // yet (once it has, it must be allowed to finish).
    if ((spec->flags & CO::kDenyOom) && !allow_oom_ && !wrote_ &&
        engine_.evictor().maxmemory() != 0 && ScriptOomAtStart())
      return "-" + std::string(errors::kOom);
    // A script that wrote can't be killed any more (Redis's SCRIPT_WRITE_DIRTY).
    if (spec->IsWrite()) {
      wrote_ = true;
      server_.script_run().MarkDirty();
    }

    server_.total_commands.fetch_add(1, std::memory_order_relaxed);
    CommandStats& stats = server_.StatsFor(spec);
    session_.resp = rb.resp_version();
    uint64_t errors_before = rb.error_count();
    KeyIndexes key_indexes;
    if (!CommandRegistry::GetKeyIndexes(*spec, argv, &key_indexes)) key_indexes.clear();
    {
      CommandContext ctx{server_, engine_, session_, rb, *spec, now_ms_};
      if (spec->IsWrite()) {
        RunWriteHandler(*spec, argv, ctx);
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
    // The audit log records the writes of scripts, under the caller's address.
    if (spec->IsWrite() && server_.audit_log().enabled())
      server_.audit_log().Command(engine_.clock().NowUs(), caller_addr_, session_.user,
                                  session_.db_index, spec->full_name, argv, key_indexes,
                                  rb.error_count() == errors_before);
    // MONITOR shows the script's commands as "[db lua]", as Redis.
    if (server_.monitors().Any() && !(spec->flags & (CO::kSkipMonitor | CO::kAdmin)))
      server_.monitors().Feed(engine_.clock().NowUs(), session_.db_index, "lua", argv,
                              RedactedArgs(*spec, argv));
    return "";
  }

  void SetReadOnly() override { read_only_ = true; }

  bool CommandExists(std::span<const std::string_view> argv) override {
    return server_.registry().Lookup(argv) != nullptr;
  }

  void Log(int level, std::string_view message) override {
    LogThroughHook(static_cast<LogSeverity>(level), message);
  }

  bool Tick() override { return server_.script_run().Tick(); }

  // Keys written by the script that clients are blocked on (served once the script is done).
  std::vector<ReadyKey>& ready() { return ready_; }

 private:
  ServerState& server_;
  Engine& engine_;
  int64_t now_ms_;
  bool read_only_;
  bool allow_oom_;
  bool wrote_ = false;
  Session session_;
  std::string caller_addr_;  // for the audit log
  std::vector<ReadyKey> ready_;
};

// Redis's scriptFlagsToCmdFlags: declared flags replace the command's write/deny-oom/stale ones.
uint32_t ScriptFlagsToCommandFlags(uint32_t cmd_flags, uint32_t script_flags) {
  cmd_flags &= ~(CO::kStale | CO::kDenyOom | CO::kWrite | CO::kMayReplicate);
  if (!(script_flags & (script::SF::kAllowOom | script::SF::kNoWrites))) cmd_flags |= CO::kDenyOom;
  if (!(script_flags & script::SF::kNoWrites)) cmd_flags |= CO::kWrite;
  if (script_flags & script::SF::kAllowStale) cmd_flags |= CO::kStale;
  return cmd_flags;
}

}  // namespace

uint32_t EffectiveCommandFlags(ServerState& server, const CommandSpec& spec, CmdArgList args) {
  const std::string& name = spec.full_name;
  const bool eval = name == "eval" || name == "eval_ro";
  const bool evalsha = name == "evalsha" || name == "evalsha_ro";
  const bool fcall = name == "fcall" || name == "fcall_ro";
  if ((!eval && !evalsha && !fcall) || args.size() < 2) return spec.flags;
  uint32_t script_flags = 0;
  if (fcall) {
    std::string registered;
    if (!server.scripts().FindFunction(args[1], &registered, &script_flags)) return spec.flags;
  } else if (evalsha) {
    if (args[1].size() != 40 || !server.scripts().ScriptFlags(args[1], &script_flags))
      return spec.flags;
  } else {
    size_t shebang_len;
    std::string err;
    if (!script::ParseShebang(args[1], &script_flags, &shebang_len, &err)) return spec.flags;
  }
  if (script_flags & script::SF::kEvalCompat) return spec.flags;
  return ScriptFlagsToCommandFlags(spec.flags, script_flags);
}

namespace {

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

  script::ScriptEngine& scripts = ctx.server.scripts();
  std::string sha;
  if (by_sha) {
    sha.assign(args[1]);
  } else {
    std::string err;
    sha = scripts.Load(args[1], &err);
    if (sha.empty()) return ctx.SendError(err);
  }
  uint32_t script_flags = 0;
  scripts.ScriptFlags(sha, &script_flags);
  CommandHost host(ctx, read_only, script_flags);
  script::ScriptEngine::RunArgs run;
  run.keys = args.subspan(3, static_cast<size_t>(numkeys));
  run.args = args.subspan(3 + static_cast<size_t>(numkeys));
  run.read_only = read_only;
  ScriptRun& script_run = ctx.server.script_run();
  script_run.Begin(&ctx.engine.gate(), /*is_eval=*/true, sha, args);
  scripts.Run(sha, run, host, ctx.rb);
  script_run.End();
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
  std::string sha = ctx.server.scripts().Load(args[2], &err);
  if (sha.empty()) return ctx.SendError(err);
  ctx.rb.SendBulk(sha);
}

// SCRIPT EXISTS sha1 [sha1 ...] -> array of integers: 1 cached, 0 not
void CmdScriptExists(CmdArgList args, CommandContext& ctx) {
  script::ScriptEngine& scripts = ctx.server.scripts();
  ctx.rb.StartArray(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) ctx.rb.SendLong(scripts.Exists(args[i]) ? 1 : 0);
}

// SCRIPT FLUSH [ASYNC|SYNC] -> OK (both modes flush at once)
void CmdScriptFlush(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 3 || (args.size() == 3 && !EqualsIgnoreCase(args[2], "sync") &&
                          !EqualsIgnoreCase(args[2], "async")))
    return ctx.SendError(kScriptFlushOption);
  ctx.server.scripts().Flush();
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
               "KILL",
               "    Kill the currently executing Lua script.",
               "LOAD <script>",
               "    Load a script into the scripts cache without executing it.",
           });
}

// SCRIPT KILL / FUNCTION KILL -> OK, or NOTBUSY / UNKILLABLE / BUSY (the other kind runs).
void KillGeneric(CommandContext& ctx, bool is_eval) {
  using K = ScriptRun::KillResult;
  switch (ctx.server.script_run().Kill(is_eval)) {
    case K::kOk:
      return ctx.rb.SendOk();
    case K::kNotBusy:
      return ctx.SendError("NOTBUSY No scripts in execution right now.");
    case K::kUnkillable:
      return ctx.SendError(
          "UNKILLABLE Sorry the script already executed write commands against the dataset. You "
          "can either wait the script termination or kill the server in a hard way using the "
          "SHUTDOWN NOSAVE command.");
    case K::kBusyEval:
      return ctx.SendError(errors::kBusyScript);
    case K::kBusyFunction:
      return ctx.SendError(errors::kBusyFunction);
  }
}

// SCRIPT KILL -> OK: the busy script stops with an error to its caller
void CmdScriptKill(CmdArgList args, CommandContext& ctx) { KillGeneric(ctx, true); }

// ---------------------------------------------------------------------------------------------
// FCALL
// ---------------------------------------------------------------------------------------------

void FcallGeneric(CmdArgList args, CommandContext& ctx, bool read_only) {
  script::ScriptEngine& scripts = ctx.server.scripts();
  std::string name;
  uint32_t flags;
  if (!scripts.FindFunction(args[1], &name, &flags)) return ctx.SendError("ERR Function not found");
  int64_t numkeys;
  if (!ParseInt64(args[2], &numkeys)) return ctx.SendError("ERR Bad number of keys provided");
  if (numkeys > static_cast<int64_t>(args.size()) - 3) return ctx.SendError(kNumKeysTooBig);
  if (numkeys < 0) return ctx.SendError(kNumKeysNegative);
  CommandHost host(ctx, read_only, flags);
  script::ScriptEngine::RunArgs run;
  run.keys = args.subspan(3, static_cast<size_t>(numkeys));
  run.args = args.subspan(3 + static_cast<size_t>(numkeys));
  run.read_only = read_only;
  ScriptRun& script_run = ctx.server.script_run();
  script_run.Begin(&ctx.engine.gate(), /*is_eval=*/false, name, args);
  scripts.CallFunction(name, run, host, ctx.rb);
  script_run.End();
  if (!host.ready().empty()) ctx.engine.blocking().ServeReady(ctx.engine, std::move(host.ready()));
}

// FCALL function numkeys [key ...] [arg ...] -> the function's return value as a reply
void CmdFcall(CmdArgList args, CommandContext& ctx) { FcallGeneric(args, ctx, false); }
// FCALL_RO function numkeys [key ...] [arg ...] -> as FCALL, for a no-writes function
void CmdFcallRo(CmdArgList args, CommandContext& ctx) { FcallGeneric(args, ctx, true); }

// ---------------------------------------------------------------------------------------------
// FUNCTION
// ---------------------------------------------------------------------------------------------

// Redis's addReplySubcommandSyntaxError for FUNCTION subcommands.
std::string SubcommandSyntaxError(std::string_view sub) {
  return "ERR unknown subcommand or wrong number of arguments for '" + std::string(sub) +
         "'. Try FUNCTION HELP.";
}

// FUNCTION LOAD [REPLACE] code -> bulk: the library name
void CmdFunctionLoad(CmdArgList args, CommandContext& ctx) {
  bool replace = false;
  for (size_t i = 2; i + 1 < args.size(); ++i) {
    if (!EqualsIgnoreCase(args[i], "replace"))
      return ctx.SendError("ERR Unknown option given: " + std::string(args[i]));
    replace = true;
  }
  std::string err;
  std::string name = ctx.server.scripts().FunctionLoad(args.back(), replace, &err);
  if (name.empty()) return ctx.SendError(err);
  ctx.rb.SendBulk(name);
}

// FUNCTION DELETE library -> OK
void CmdFunctionDelete(CmdArgList args, CommandContext& ctx) {
  if (!ctx.server.scripts().FunctionDelete(args[2])) return ctx.SendError("ERR Library not found");
  ctx.rb.SendOk();
}

// FUNCTION FLUSH [ASYNC|SYNC] -> OK (both modes flush at once)
void CmdFunctionFlush(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 3) return ctx.SendError(SubcommandSyntaxError(args[1]));
  if (args.size() == 3 && !EqualsIgnoreCase(args[2], "sync") && !EqualsIgnoreCase(args[2], "async"))
    return ctx.SendError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  ctx.server.scripts().FunctionFlush();
  ctx.rb.SendOk();
}

// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE] -> array of library maps (name, engine,
// functions: name, description, flags; library_code with WITHCODE)
void CmdFunctionList(CmdArgList args, CommandContext& ctx) {
  bool with_code = false;
  std::optional<std::string_view> pattern;
  for (size_t i = 2; i < args.size(); ++i) {
    if (!with_code && EqualsIgnoreCase(args[i], "withcode")) {
      with_code = true;
      continue;
    }
    if (!pattern && EqualsIgnoreCase(args[i], "libraryname")) {
      if (i + 1 >= args.size()) return ctx.SendError("ERR library name argument was not given");
      pattern = args[++i];
      continue;
    }
    return ctx.SendError("ERR Unknown argument " + std::string(args[i]));
  }
  static constexpr std::pair<uint32_t, std::string_view> kFlagNames[] = {
      {script::SF::kNoWrites, "no-writes"},
      {script::SF::kAllowOom, "allow-oom"},
      {script::SF::kAllowStale, "allow-stale"},
      {script::SF::kNoCluster, "no-cluster"},
      {script::SF::kAllowCrossSlot, "allow-cross-slot-keys"}};
  auto libs = ctx.server.scripts().FunctionList(pattern);
  protocol::ReplyBuilder& rb = ctx.rb;
  rb.StartArray(libs.size());
  for (const auto& lib : libs) {
    rb.StartMap(with_code ? 4 : 3);
    rb.SendBulk("library_name");
    rb.SendBulk(lib.name);
    rb.SendBulk("engine");
    rb.SendBulk("LUA");
    rb.SendBulk("functions");
    rb.StartArray(lib.functions.size());
    for (const auto& fn : lib.functions) {
      rb.StartMap(3);
      rb.SendBulk("name");
      rb.SendBulk(fn.name);
      rb.SendBulk("description");
      if (fn.description)
        rb.SendBulk(*fn.description);
      else
        rb.SendNull();
      rb.SendBulk("flags");
      size_t n = 0;
      for (auto& [bit, flag] : kFlagNames) n += (fn.flags & bit) ? 1 : 0;
      rb.StartSet(n);
      for (auto& [bit, flag] : kFlagNames)
        if (fn.flags & bit) rb.SendSimple(flag);
    }
    if (with_code) {
      rb.SendBulk("library_code");
      rb.SendBulk(lib.code);
    }
  }
}

// FUNCTION DUMP -> bulk: Redis's payload (FUNCTION2 opcode + code per library, RDB version,
// CRC64); the code is LZF-compressed under rdbcompression yes, as Redis
void CmdFunctionDump(CmdArgList args, CommandContext& ctx) {
  ctx.rb.SendBulk(persist::CreateFunctionsPayload(ctx.server.scripts().FunctionCodes()));
}

// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE] -> OK
void CmdFunctionRestore(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 4) return ctx.SendError(SubcommandSyntaxError(args[1]));
  using Policy = script::ScriptEngine::RestorePolicy;
  Policy policy = Policy::kAppend;
  if (args.size() == 4) {
    if (EqualsIgnoreCase(args[3], "append"))
      policy = Policy::kAppend;
    else if (EqualsIgnoreCase(args[3], "replace"))
      policy = Policy::kReplace;
    else if (EqualsIgnoreCase(args[3], "flush"))
      policy = Policy::kFlush;
    else
      return ctx.SendError(
          "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
  }
  std::vector<std::string> codes;
  using PayloadError = persist::FunctionsPayloadError;
  switch (persist::ParseFunctionsPayload(args[2], &codes)) {
    case PayloadError::kOk:
      break;
    case PayloadError::kVersionOrChecksum:
      return ctx.SendError("ERR DUMP payload version or checksum are wrong");
    case PayloadError::kPreGa:
      return ctx.SendError("ERR Pre-GA function format not supported");
    case PayloadError::kNotAFunction:
      return ctx.SendError("ERR given type is not a function");
    case PayloadError::kBadLibrary:
      return ctx.SendError("ERR Failed loading library payload");
  }
  std::string err;
  if (!ctx.server.scripts().FunctionRestore(codes, policy, &err)) return ctx.SendError(err);
  ctx.rb.SendOk();
}

// FUNCTION STATS -> map: running_script (null or name, command, duration_ms), engines
void CmdFunctionStats(CmdArgList args, CommandContext& ctx) {
  std::optional<ScriptRun::Info> busy = ctx.server.script_run().Busy();
  if (busy && busy->is_eval) return ctx.SendError(errors::kBusyScript);
  script::ScriptEngine& scripts = ctx.server.scripts();
  protocol::ReplyBuilder& rb = ctx.rb;
  rb.StartMap(2);
  rb.SendBulk("running_script");
  if (!busy) {
    rb.SendNull();
  } else {
    rb.StartMap(3);
    rb.SendBulk("name");
    rb.SendBulk(busy->name);
    rb.SendBulk("command");
    rb.StartArray(busy->command.size());
    for (const std::string& a : busy->command) rb.SendBulk(a);
    rb.SendBulk("duration_ms");
    rb.SendLong(busy->duration_ms);
  }
  rb.SendBulk("engines");
  rb.StartMap(1);
  rb.SendBulk("LUA");
  rb.StartMap(2);
  rb.SendBulk("libraries_count");
  rb.SendLong(static_cast<int64_t>(scripts.LibraryCount()));
  rb.SendBulk("functions_count");
  rb.SendLong(static_cast<int64_t>(scripts.FunctionCount()));
}

// FUNCTION KILL -> OK: the busy function stops with an error to its caller
void CmdFunctionKill(CmdArgList args, CommandContext& ctx) { KillGeneric(ctx, false); }

// FUNCTION HELP -> array of status lines
void CmdFunctionHelp(CmdArgList args, CommandContext& ctx) {
  SendHelp(
      ctx.rb, "FUNCTION",
      {
          "LOAD [REPLACE] <FUNCTION CODE>",
          "    Create a new library with the given library name and code.",
          "DELETE <LIBRARY NAME>",
          "    Delete the given library.",
          "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
          "    Return general information on all the libraries:",
          "    * Library name",
          "    * The engine used to run the Library",
          "    * Library description",
          "    * Functions list",
          "    * Library code (if WITHCODE is given)",
          "    It also possible to get only function that matches a pattern using LIBRARYNAME "
          "argument.",
          "STATS",
          "    Return information about the current function running:",
          "    * Function name",
          "    * Command used to run the function",
          "    * Duration in MS that the function is running",
          "    If no function is running, return nil",
          "    In addition, returns a list of available engines.",
          "KILL",
          "    Kill the current running function.",
          "FLUSH [ASYNC|SYNC]",
          "    Delete all the libraries.",
          "    When called without the optional mode argument, the behavior is determined by the",
          "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
          "    * ASYNC: Asynchronously flush the libraries.",
          "    * SYNC: Synchronously flush the libraries.",
          "DUMP",
          "    Return a serialized payload representing the current libraries, can be restored "
          "using FUNCTION RESTORE command",
          "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
          "    Restore the libraries represented by the given payload, it is possible to give a "
          "restore policy to",
          "    control how to handle existing libraries (default APPEND):",
          "    * FLUSH: delete all existing libraries.",
          "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
          "abort.",
          "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
          "replace the old",
          "      libraries with the new libraries (notice that even on this option there is a "
          "chance of failure",
          "      in case of functions name collision with another library).",
      });
}

}  // namespace

void RegisterScriptingFamily(CommandRegistry& r) {
  constexpr uint32_t kEvalFlags =
      CO::kNoScript | CO::kStale | CO::kSkipMonitor | CO::kNoMandatoryKeys | CO::kGlobal;
  auto eval = [&r](std::string_view name, uint32_t flags, std::string_view since,
                   std::string_view summary, CommandHandler handler, KeySpec key_spec,
                   std::string_view args, std::string_view complexity = kComplexity) {
    r.Add({.name = std::string(name),
           .arity = -3,
           .flags = flags,
           .acl = ACL::kScripting,
           .group = "scripting",
           .since = since,
           .summary = summary,
           .complexity = complexity,
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
  r.AddSub("script", {.name = "kill",
                      .arity = 2,
                      .flags = CO::kNoScript | CO::kAllowBusy,
                      .acl = ACL::kScripting,
                      .since = "2.6.0",
                      .summary = "Kill the script currently in execution.",
                      .complexity = "O(1)",
                      .handler = CmdScriptKill})
      .Tips({"request_policy:all_shards", "response_policy:one_succeeded"});
  r.AddSub("script", {.name = "help",
                      .arity = 2,
                      .flags = CO::kLoading | CO::kStale,
                      .acl = ACL::kScripting,
                      .since = "5.0.0",
                      .summary = "Show helpful text about the different subcommands",
                      .complexity = "O(1)",
                      .handler = CmdScriptHelp});

  // ---- functions ----
  const KeySpec kFcallRw = KS::Index(2).Keynum(0, 1, 1).RW().Access().Update().Notes(
      "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE");
  const KeySpec kFcallRo = KS::Index(2).Keynum(0, 1, 1).RO().Access().Notes(
      "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS");
  constexpr std::string_view kFcallComplexity = "Depends on the function that is executed.";
  eval("fcall", kEvalFlags, "7.0.0", "Invoke a function", CmdFcall, kFcallRw,
       "function/string numkeys/integer key/key#0?* arg/string?*", kFcallComplexity);
  eval("fcall_ro", kEvalFlags | CO::kReadOnly, "7.0.0", "Invoke a read-only function", CmdFcallRo,
       kFcallRo, "function/string numkeys/integer key/key#0?* arg/string?*", kFcallComplexity);

  r.Add({.name = "function",
         .arity = -2,
         .group = "scripting",
         .since = "7.0.0",
         .summary = "A container for function commands",
         .complexity = "Depends on subcommand."});
  r.AddSub("function", {.name = "load",
                        .arity = -3,
                        .flags = CO::kWrite | CO::kDenyOom | CO::kNoScript,
                        .acl = ACL::kScripting,
                        .since = "7.0.0",
                        .summary = "Create a function with the given arguments (name, code, "
                                   "description)",
                        .complexity = "O(1) (considering compilation time is redundant)",
                        .handler = CmdFunctionLoad})
      .Tips({"request_policy:all_shards", "response_policy:all_succeeded"})
      .Args("replace/pure-token=REPLACE? function-code/string");
  r.AddSub("function", {.name = "delete",
                        .arity = 3,
                        .flags = CO::kWrite | CO::kNoScript,
                        .acl = ACL::kScripting,
                        .since = "7.0.0",
                        .summary = "Delete a function by name",
                        .complexity = "O(1)",
                        .handler = CmdFunctionDelete})
      .Tips({"request_policy:all_shards", "response_policy:all_succeeded"})
      .Args("library-name/string");
  r.AddSub("function", {.name = "flush",
                        .arity = -2,
                        .flags = CO::kWrite | CO::kNoScript,
                        .acl = ACL::kScripting,
                        .since = "7.0.0",
                        .summary = "Deleting all functions",
                        .complexity = "O(N) where N is the number of functions deleted",
                        .handler = CmdFunctionFlush})
      .Tips({"request_policy:all_shards", "response_policy:all_succeeded"})
      .Args("async/oneof?[async/pure-token=ASYNC sync/pure-token=SYNC]");
  r.AddSub("function", {.name = "list",
                        .arity = -2,
                        .flags = CO::kNoScript,
                        .acl = ACL::kScripting,
                        .since = "7.0.0",
                        .summary = "List information about all the functions",
                        .complexity = "O(N) where N is the number of functions",
                        .handler = CmdFunctionList})
      .Tips({"nondeterministic_output_order"})
      .Args("library-name-pattern/string=LIBRARYNAME? withcode/pure-token=WITHCODE?");
  r.AddSub("function", {.name = "dump",
                        .arity = 2,
                        .flags = CO::kNoScript,
                        .acl = ACL::kScripting,
                        .since = "7.0.0",
                        .summary = "Dump all functions into a serialized binary payload",
                        .complexity = "O(N) where N is the number of functions",
                        .handler = CmdFunctionDump});
  r.AddSub("function", {.name = "restore",
                        .arity = -3,
                        .flags = CO::kWrite | CO::kDenyOom | CO::kNoScript,
                        .acl = ACL::kScripting,
                        .since = "7.0.0",
                        .summary = "Restore all the functions on the given payload",
                        .complexity = "O(N) where N is the number of functions on the payload",
                        .handler = CmdFunctionRestore})
      .Tips({"request_policy:all_shards", "response_policy:all_succeeded"})
      .Args(
          "serialized-value/string policy/oneof?[flush/pure-token=FLUSH "
          "append/pure-token=APPEND replace/pure-token=REPLACE]");
  r.AddSub("function", {.name = "stats",
                        .arity = 2,
                        .flags = CO::kNoScript | CO::kAllowBusy,
                        .acl = ACL::kScripting,
                        .since = "7.0.0",
                        .summary = "Return information about the function currently running "
                                   "(name, description, duration)",
                        .complexity = "O(1)",
                        .handler = CmdFunctionStats})
      .Tips({"nondeterministic_output", "request_policy:all_shards", "response_policy:special"});
  r.AddSub("function", {.name = "kill",
                        .arity = 2,
                        .flags = CO::kNoScript | CO::kAllowBusy,
                        .acl = ACL::kScripting,
                        .since = "7.0.0",
                        .summary = "Kill the function currently in execution.",
                        .complexity = "O(1)",
                        .handler = CmdFunctionKill})
      .Tips({"request_policy:all_shards", "response_policy:one_succeeded"});
  r.AddSub("function", {.name = "help",
                        .arity = 2,
                        .flags = CO::kLoading | CO::kStale,
                        .acl = ACL::kScripting,
                        .since = "7.0.0",
                        .summary = "Show helpful text about the different subcommands",
                        .complexity = "O(1)",
                        .handler = CmdFunctionHelp});
}

}  // namespace fincache
