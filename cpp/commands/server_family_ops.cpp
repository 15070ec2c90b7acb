// Operations commands: SLOWLOG, LATENCY, MONITOR and DEBUG (the subset test suites use). The
// state they read is fed by the dispatcher after each command (commands/ops_state.h).
//
// Not here: LATENCY DOCTOR and LATENCY GRAPH (Redis's prose report and ASCII graph), and the
// DEBUG subcommands beyond SLEEP, SET-ACTIVE-EXPIRE, OBJECT, RELOAD and CHANGE-REPL-ID.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "commands/command_context.h"
#include "commands/generic_family.h"
#include "commands/persistence.h"
#include "commands/server_family.h"
#include "common/errors.h"
#include "common/log_hook.h"
#include "common/strings.h"
#include "persist/rdb.h"
#include "persist/snapshot.h"
#include "script/script_engine.h"

namespace fincache {

namespace {

// ---------------------------------------------------------------------------------------------
// SLOWLOG
// ---------------------------------------------------------------------------------------------

// SLOWLOG GET [count] -> array of [id, unix time, µs, [args...], client addr, client name],
// newest first; count defaults to 10, -1 means all.
void CmdSlowlogGet(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 3) return ctx.SendError(errors::SubcommandSyntax("SLOWLOG", args[1]));
  int64_t count = 10;
  if (args.size() == 3 && (!ParseInt64(args[2], &count) || count < -1))
    return ctx.SendError("ERR count should be greater than or equal to -1");
  auto entries = ctx.server.slowlog().Get(count);
  auto& rb = ctx.rb;
  rb.StartArray(entries.size());
  for (const SlowLogEntry& e : entries) {
    rb.StartArray(6);
    rb.SendLong(static_cast<int64_t>(e.id));
    rb.SendLong(e.time_s);
    rb.SendLong(e.duration_us);
    rb.StartArray(e.args.size());
    for (const auto& a : e.args) rb.SendBulk(a);
    rb.SendBulk(e.addr);
    rb.SendBulk(e.name);
  }
}

// SLOWLOG LEN -> integer
void CmdSlowlogLen(CmdArgList, CommandContext& ctx) {
  ctx.rb.SendLong(static_cast<int64_t>(ctx.server.slowlog().Len()));
}

// SLOWLOG RESET -> OK
void CmdSlowlogReset(CmdArgList, CommandContext& ctx) {
  ctx.server.slowlog().Reset();
  ctx.rb.SendOk();
}

// SLOWLOG HELP -> array of simple strings
void CmdSlowlogHelp(CmdArgList, CommandContext& ctx) {
  SendHelp(ctx.rb, "SLOWLOG",
           {
               "GET [<count>]",
               "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
               "    Entries are made of:",
               "    id, timestamp, time in microseconds, arguments array, client IP and port,",
               "    client name",
               "LEN",
               "    Return the length of the slowlog.",
               "RESET",
               "    Reset the slowlog.",
           });
}

// ---------------------------------------------------------------------------------------------
// LATENCY
// ---------------------------------------------------------------------------------------------

// LATENCY LATEST -> array of [event, unix time, latest ms, max ms]
void CmdLatencyLatest(CmdArgList, CommandContext& ctx) {
  auto latest = ctx.server.latency_monitor().GetLatest();
  ctx.rb.StartArray(latest.size());
  for (const auto& l : latest) {
    ctx.rb.StartArray(4);
    ctx.rb.SendBulk(l.event);
    ctx.rb.SendLong(l.time_s);
    ctx.rb.SendLong(l.latency_ms);
    ctx.rb.SendLong(l.max_ms);
  }
}

// LATENCY HISTORY event -> array of [unix time, ms], oldest first
void CmdLatencyHistory(CmdArgList args, CommandContext& ctx) {
  auto samples = ctx.server.latency_monitor().History(args[2]);
  ctx.rb.StartArray(samples.size());
  for (const auto& s : samples) {
    ctx.rb.StartArray(2);
    ctx.rb.SendLong(s.time_s);
    ctx.rb.SendLong(s.latency_ms);
  }
}

// LATENCY RESET [event ...] -> integer: events reset
void CmdLatencyReset(CmdArgList args, CommandContext& ctx) {
  std::vector<std::string> events;
  for (size_t i = 2; i < args.size(); ++i) events.emplace_back(args[i]);
  ctx.rb.SendLong(ctx.server.latency_monitor().Reset(events));
}

void SendHistogram(protocol::ReplyBuilder& rb, const std::string& name, const LatencyHistogram& h) {
  rb.SendBulk(name);
  rb.StartMap(2);
  rb.SendBulk("calls");
  rb.SendLong(static_cast<int64_t>(h.total()));
  rb.SendBulk("histogram_usec");
  std::vector<std::pair<int64_t, uint64_t>> levels;
  h.ForEachLogLevel([&](int64_t ns, uint64_t cumulative) { levels.emplace_back(ns, cumulative); });
  rb.StartMap(levels.size());
  for (auto [ns, cumulative] : levels) {
    rb.SendLong(ns / 1000);
    rb.SendLong(static_cast<int64_t>(cumulative));
  }
}

// LATENCY HISTOGRAM [command ...] -> map: command -> {calls, histogram_usec: {µs: cumulative}}
// for the named commands (a container names its subcommands) with recorded latencies, or all.
void CmdLatencyHistogram(CmdArgList args, CommandContext& ctx) {
  std::vector<std::pair<std::string, const LatencyHistogram*>> rows;
  if (args.size() == 2) {
    ctx.server.ForEachLatencyHistogram(
        [&](const std::string& name, const LatencyHistogram& h) { rows.emplace_back(name, &h); });
  } else {
    auto add = [&](const CommandSpec* spec) {
      const LatencyHistogram* h = ctx.server.StatsFor(spec).histogram.load();
      if (h && h->total()) rows.emplace_back(spec->full_name, h);
    };
    for (size_t i = 2; i < args.size(); ++i) {
      std::string_view name = args[i];
      const CommandSpec* spec = nullptr;
      size_t bar = name.find('|');
      if (bar == std::string_view::npos) {
        spec = ctx.server.registry().Find(name);
      } else if (const CommandSpec* parent = ctx.server.registry().Find(name.substr(0, bar))) {
        spec = ctx.server.registry().FindSub(*parent, name.substr(bar + 1));
      }
      if (!spec) continue;
      if (spec->HasSubcommands()) {
        for (auto& [sub_name, sub] : spec->subcommands) add(sub.get());
      } else {
        add(spec);
      }
    }
  }
  ctx.rb.StartMap(rows.size());
  for (auto& [name, h] : rows) SendHistogram(ctx.rb, name, *h);
}

// LATENCY HELP -> array of simple strings
void CmdLatencyHelp(CmdArgList, CommandContext& ctx) {
  SendHelp(ctx.rb, "LATENCY",
           {
               "HISTORY <event>",
               "    Return time-latency samples for the <event> class.",
               "LATEST",
               "    Return the latest latency samples for all events.",
               "RESET [<event> ...]",
               "    Reset latency data of one or more <event> classes.",
               "    (default: reset all data for all event classes)",
               "HISTOGRAM [COMMAND ...]",
               "    Return a cumulative distribution of latencies in the format of a histogram "
               "for the specified command names.",
               "    If no commands are specified then all histograms are replied.",
           });
}

// ---------------------------------------------------------------------------------------------
// MONITOR
// ---------------------------------------------------------------------------------------------

// MONITOR -> OK, then every command the server runs as a simple string (see MonitorFeed). A
// client that is a monitor already gets no reply (suppressed by the front door). Refused where
// replies can't be streamed (the embedded API, inside EXEC), as Redis refuses it to DENY BLOCKING
// clients.
void CmdMonitor(CmdArgList, CommandContext& ctx) {
  Session& s = ctx.session;
  const bool in_exec = !s.in_multi && s.multi_count.load(std::memory_order_relaxed) >= 0;
  if (!s.monitor_sink || in_exec)
    return ctx.SendError("ERR MONITOR isn't allowed for DENY BLOCKING client");
  if (s.monitoring.load()) {
    s.suppress_reply = true;
    return ctx.rb.SendOk();
  }
  s.monitoring.store(true);
  ctx.server.monitors().Add(s.monitor_sink);
  ctx.rb.SendOk();
}

// ---------------------------------------------------------------------------------------------
// DEBUG
// ---------------------------------------------------------------------------------------------

// enable-debug-command "local": loopback and unix-socket clients, and front doors without an
// address (the embedded API).
bool IsLocalClient(const Session& s) {
  std::lock_guard lk(s.info_mu);
  return s.addr.empty() || s.addr.starts_with("127.") || s.addr.starts_with("[::1]") ||
         s.addr.starts_with("unix:") || s.addr.starts_with("/");
}

void SendDebugUnknown(CommandContext& ctx, std::string_view sub) {
  ctx.SendError("ERR unknown subcommand or wrong number of arguments for '" + std::string(sub) +
                "'. Try DEBUG HELP.");
}

// Encoding name and extra fields of DEBUG OBJECT (Redis adds quicklist details for lists).
std::string DebugObjectLine(const Entry& e, CommandContext& ctx) {
  persist::RdbWriter w;
  persist::SaveObjectBody(w, e.value);
  const int64_t serialized = static_cast<int64_t>(w.buffer().size());
  int64_t refcount = 1;
  int64_t n;
  if (e.value.is_string() && e.value.str_encoding() == StrEncoding::kInt &&
      ParseInt64(e.value.str(), &n) && n >= 0 && n < 10000)
    refcount = INT32_MAX;
  const int64_t lru = static_cast<int64_t>(e.lru);
  const int64_t idle = std::max<int64_t>(0, ctx.now_ms / 1000 - lru);
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "Value at:%p refcount:%" PRId64 " encoding:%s serializedlength:%" PRId64
                " lru:%" PRId64 " lru_seconds_idle:%" PRId64,
                static_cast<const void*>(&e), refcount, std::string(e.value.encoding()).c_str(),
                serialized, lru & 0xFFFFFF, idle);
  return buf;
}

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] -> OK: saves the RDB snapshot (unless NOSAVE), empties
// the dataset (unless NOFLUSH) and loads the snapshot back (MERGE: loaded keys replace existing
// ones; without it a key both have is an error, where Redis stops the server). DEBUG runs under
// the exclusive gate (kGlobal).
void DebugReload(CmdArgList args, CommandContext& ctx) {
  bool flush = true, save = true, merge = false;
  for (size_t i = 2; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "merge")) {
      merge = true;  // loaded keys replace the ones in memory
    } else if (EqualsIgnoreCase(args[i], "noflush")) {
      flush = false;
    } else if (EqualsIgnoreCase(args[i], "nosave")) {
      save = false;
    } else {
      return ctx.SendError("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
    }
  }
  if (save) {
    std::string detail;
    std::string err = ctx.server.persistence().Save(&detail);
    if (!err.empty()) return ctx.SendError(err == "ERR" ? "ERR Error trying to save the DB" : err);
  }
  // Redis's emptyData clears the function libraries with the keys; the file's libraries are
  // loaded back (MERGE: replacing same-named ones; without it a library both have fails).
  if (flush) {
    ctx.engine.FlushAll();
    ctx.server.scripts().FunctionFlush();
  }
  persist::LoadStats stats;
  bool missing = false;
  std::string err;
  constexpr std::string_view kLoadErr = "ERR Error trying to load the RDB dump, check server logs.";
  if (!persist::LoadRdbFile(ctx.engine, ctx.server.persistence().RdbPath(), ctx.now_ms, &stats,
                            &missing, &err, merge) ||
      missing)
    return ctx.SendError(kLoadErr);
  if (!stats.function_libraries.empty() &&
      !ctx.server.scripts().FunctionRestore(stats.function_libraries,
                                            merge ? script::ScriptEngine::RestorePolicy::kReplace
                                                  : script::ScriptEngine::RestorePolicy::kAppend,
                                            &err)) {
    LogThroughHook(LogSeverity::kWarning,
                   "DEBUG RELOAD: failed loading a function library: " + err);
    return ctx.SendError(kLoadErr);
  }
  ctx.rb.SendOk();
}

// DEBUG subcommand [arg ...] -> as Redis for SLEEP, SET-ACTIVE-EXPIRE, OBJECT, RELOAD,
// CHANGE-REPL-ID and HELP; other subcommands are unknown.
void CmdDebug(CmdArgList args, CommandContext& ctx) {
  const std::string mode = ctx.server.config().Get("enable-debug-command").value_or("no");
  if (mode == "no" || (mode == "local" && !IsLocalClient(ctx.session)))
    return ctx.SendError(
        "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
        "you can run it from a local connection, otherwise you need to set this option in the "
        "configuration file, and then restart the server.");
  std::string_view sub = args[1];
  if (EqualsIgnoreCase(sub, "help") && args.size() == 2) {
    return SendHelp(ctx.rb, "DEBUG",
                    {
                        "CHANGE-REPL-ID",
                        "    Change the replication IDs of the instance.",
                        "    Dangerous: should be used only for testing the replication "
                        "subsystem.",
                        "OBJECT <key>",
                        "    Show low level info about the <key> and associated value.",
                        "RELOAD [option ...]",
                        "    Save the RDB on disk and reload it back to memory. Valid <option> "
                        "values:",
                        "    * MERGE: conflicting keys will be loaded from RDB.",
                        "    * NOFLUSH: the existing database will not be removed before load, "
                        "but",
                        "      conflicting keys will generate an exception and kill the server.",
                        "    * NOSAVE: the database will be loaded from an existing RDB file.",
                        "    Examples:",
                        "    * DEBUG RELOAD: verify that the server is able to persist, flush and "
                        "reload",
                        "      the database.",
                        "    * DEBUG RELOAD NOSAVE: replace the current database with the "
                        "contents of an",
                        "      existing RDB file.",
                        "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing "
                        "RDB",
                        "      file to the database.",
                        "SET-ACTIVE-EXPIRE <0|1>",
                        "    Setting it to 0 disables expiring keys in background when they are "
                        "not",
                        "    accessed (otherwise the Redis behavior). Setting it to 1 reenables "
                        "back the",
                        "    default.",
                        "SLEEP <seconds>",
                        "    Stop the server for <seconds>. Decimals allowed.",
                    });
  }
  if (EqualsIgnoreCase(sub, "sleep") && args.size() == 3) {
    // As Redis: strtod, so text that is not a number sleeps 0.
    const double secs = std::strtod(std::string(args[2]).c_str(), nullptr);
    if (secs > 0)
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(secs * 1e6)));
    return ctx.rb.SendOk();
  }
  if (EqualsIgnoreCase(sub, "set-active-expire") && args.size() == 3) {
    // As Redis's atoi: anything but a leading non-zero number turns it off.
    ctx.engine.set_active_expiry(std::atoi(std::string(args[2]).c_str()) != 0);
    return ctx.rb.SendOk();
  }
  if (EqualsIgnoreCase(sub, "object") && args.size() == 3) {
    Db db = ctx.db();
    const Entry* e = generic::FindNoTouch(db, args[2]);
    if (!e) return ctx.SendError("ERR no such key");
    return ctx.rb.SendSimple(DebugObjectLine(*e, ctx));
  }
  if (EqualsIgnoreCase(sub, "reload")) return DebugReload(args, ctx);
  if (EqualsIgnoreCase(sub, "change-repl-id") && args.size() == 2) {
    ctx.server.ChangeReplicationId();
    return ctx.rb.SendOk();
  }
  SendDebugUnknown(ctx, sub);
}

}  // namespace

void RegisterOpsCommands(CommandRegistry& r) {
  constexpr uint32_t kAdminSub = CO::kAdmin | CO::kLoading | CO::kStale;
  r.Add({.name = "slowlog",
         .arity = -2,
         .group = "server",
         .since = "2.2.12",
         .summary = "A container for slow log commands",
         .complexity = "Depends on subcommand."});
  r.AddSub("slowlog", {.name = "get",
                       .arity = -2,
                       .flags = kAdminSub,
                       .since = "2.2.12",
                       .summary = "Get the slow log's entries",
                       .complexity = "O(N) where N is the number of entries returned",
                       .handler = CmdSlowlogGet})
      .Tips({"request_policy:all_nodes", "nondeterministic_output"})
      .History({{"4.0.0", "Added client IP address, port and name to the reply."}})
      .Args("count/integer?");
  r.AddSub("slowlog", {.name = "len",
                       .arity = 2,
                       .flags = kAdminSub,
                       .since = "2.2.12",
                       .summary = "Get the slow log's length",
                       .complexity = "O(1)",
                       .handler = CmdSlowlogLen})
      .Tips({"request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"});
  r.AddSub("slowlog", {.name = "reset",
                       .arity = 2,
                       .flags = kAdminSub,
                       .since = "2.2.12",
                       .summary = "Clear all entries from the slow log",
                       .complexity = "O(N) where N is the number of entries in the slowlog",
                       .handler = CmdSlowlogReset})
      .Tips({"request_policy:all_nodes", "response_policy:all_succeeded"});
  r.AddSub("slowlog", {.name = "help",
                       .arity = 2,
                       .flags = CO::kLoading | CO::kStale,
                       .since = "6.2.0",
                       .summary = "Show helpful text about the different subcommands",
                       .complexity = "O(1)",
                       .handler = CmdSlowlogHelp});

  constexpr uint32_t kLatencySub = CO::kAdmin | CO::kNoScript | CO::kLoading | CO::kStale;
  r.Add({.name = "latency",
         .arity = -2,
         .group = "server",
         .since = "2.8.13",
         .summary = "A container for latency diagnostics commands",
         .complexity = "Depends on subcommand."});
  r.AddSub("latency", {.name = "latest",
                       .arity = 2,
                       .flags = kLatencySub,
                       .since = "2.8.13",
                       .summary = "Return the latest latency samples for all events.",
                       .complexity = "O(1)",
                       .handler = CmdLatencyLatest})
      .Tips({"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"});
  r.AddSub("latency", {.name = "history",
                       .arity = 3,
                       .flags = kLatencySub,
                       .since = "2.8.13",
                       .summary = "Return timestamp-latency samples for the event.",
                       .complexity = "O(1)",
                       .handler = CmdLatencyHistory})
      .Tips({"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"})
      .Args("event/string");
  r.AddSub("latency", {.name = "reset",
                       .arity = -2,
                       .flags = kLatencySub,
                       .since = "2.8.13",
                       .summary = "Reset latency data for one or more events.",
                       .complexity = "O(1)",
                       .handler = CmdLatencyReset})
      .Tips({"request_policy:all_nodes", "response_policy:all_succeeded"})
      .Args("event/string?*");
  r.AddSub("latency",
           {.name = "histogram",
            .arity = -2,
            .flags = kLatencySub,
            .since = "7.0.0",
            .summary =
                "Return the cumulative distribution of latencies of a subset of commands or all.",
            .complexity = "O(N) where N is the number of commands with latency information being "
                          "retrieved.",
            .handler = CmdLatencyHistogram})
      .Tips({"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"})
      .Args("command/string?*");
  r.AddSub("latency", {.name = "help",
                       .arity = 2,
                       .flags = CO::kLoading | CO::kStale,
                       .since = "2.8.13",
                       .summary = "Show helpful text about the different subcommands.",
                       .complexity = "O(1)",
                       .handler = CmdLatencyHelp});

  r.Add({.name = "monitor",
         .arity = 1,
         .flags = CO::kAdmin | CO::kNoScript | CO::kLoading | CO::kStale,
         .group = "server",
         .since = "1.0.0",
         .summary = "Listen for all requests received by the server in real time",
         .handler = CmdMonitor});

  r.Add({.name = "debug",
         .arity = -2,
         .flags = CO::kAdmin | CO::kNoScript | CO::kLoading | CO::kStale | CO::kGlobal,
         .group = "server",
         .since = "1.0.0",
         .summary = "A container for debugging commands",
         .complexity = "Depends on subcommand.",
         .handler = CmdDebug})
      .DocFlags(DOC::kSyscmd);
}

}  // namespace fincache
