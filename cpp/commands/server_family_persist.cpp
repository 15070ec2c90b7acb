// SAVE BGSAVE LASTSAVE: RDB snapshots (commands/persistence.h, persist/snapshot.h).
// BGREWRITEAOF: the append-only file (commands/aof.h). SHUTDOWN.
#include "commands/aof.h"
#include "commands/persistence.h"
#include "commands/server_family.h"
#include "common/errors.h"
#include "common/log_hook.h"
#include "common/strings.h"

namespace fincache {
namespace {

// SAVE -> simple string OK (the snapshot is on disk), or an error
void CmdSave(CmdArgList, CommandContext& ctx) {
  std::string err = ctx.server.persistence().Save();
  if (!err.empty()) return ctx.SendError(err);
  ctx.rb.SendOk();
}

// BGSAVE [SCHEDULE] -> simple string "Background saving started"; inside EXEC "Background
// saving scheduled" (the cron forks right after, as Redis's serverCron). A BGSAVE already
// running is an error with or without SCHEDULE, as in Redis (SCHEDULE waits only for other
// kinds of child processes, which FinCache does not have).
void CmdBgsave(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 1 && !(args.size() == 2 && EqualsIgnoreCase(args[1], "schedule")))
    return ctx.SendError(errors::kSyntax);
  Persistence& p = ctx.server.persistence();
  if (p.bgsave_in_progress()) return ctx.SendError(errors::kBgsaveInProgress);
  // An AOF rewrite child runs: only SCHEDULE waits for it (Redis's hasActiveChildProcess).
  if (ctx.server.aof().rewrite_in_progress() && args.size() == 1)
    return ctx.SendError(
        "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
        "SCHEDULE in order to schedule a BGSAVE whenever possible.");
  // During EXEC the session has left MULTI but still shows its queue count.
  if (ctx.server.aof().rewrite_in_progress() ||
      (!ctx.session.in_multi && ctx.session.multi_count.load() >= 0)) {
    p.ScheduleBgSave();
    return ctx.rb.SendSimple("Background saving scheduled");
  }
  switch (p.BgSave()) {
    case Persistence::BgResult::kStarted:
      return ctx.rb.SendSimple("Background saving started");
    case Persistence::BgResult::kInProgress:
      return ctx.SendError(errors::kBgsaveInProgress);
    case Persistence::BgResult::kFailed:
      return ctx.SendError("ERR");
  }
}

// LASTSAVE -> integer: unix time of the last successful save (the start time before any)
void CmdLastsave(CmdArgList, CommandContext& ctx) {
  ctx.rb.SendLong(ctx.server.persistence().lastsave_s());
}

// BGREWRITEAOF -> simple string "Background append only file rewriting started", or
// "... scheduled" when a BGSAVE runs or inside EXEC (the cron starts it later); an error when a
// rewrite runs already or the fork failed.
void CmdBgRewriteAof(CmdArgList, CommandContext& ctx) {
  AppendOnly& aof = ctx.server.aof();
  if (aof.rewrite_in_progress())
    return ctx.SendError("ERR Background append only file rewriting already in progress");
  const bool in_exec = !ctx.session.in_multi && ctx.session.multi_count.load() >= 0;
  AppendOnly::RewriteResult r = in_exec ? AppendOnly::RewriteResult::kScheduled : aof.BgRewrite();
  if (in_exec) aof.ScheduleRewrite();
  switch (r) {
    case AppendOnly::RewriteResult::kStarted:
      return ctx.rb.SendSimple("Background append only file rewriting started");
    case AppendOnly::RewriteResult::kScheduled:
      return ctx.rb.SendSimple("Background append only file rewriting scheduled");
    case AppendOnly::RewriteResult::kInProgress:
      return ctx.SendError("ERR Background append only file rewriting already in progress");
    case AppendOnly::RewriteResult::kFailed:
      return ctx.SendError(
          "ERR Can't execute an AOF background rewriting. Please check the server logs for "
          "more information.");
  }
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] -> no reply: the connection closes as the server
// stops; an error when the final save failed (without FORCE), ABORT without a shutdown in
// progress (FinCache has no replicas to wait for, so there never is one), bad options, or a busy
// script without NOSAVE. An embedded cache with no server to stop replies OK after the same
// final steps.
void CmdShutdown(CmdArgList args, CommandContext& ctx) {
  unsigned flags = 0;
  bool abort = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "nosave")) {
      flags |= kShutdownNoSave;
    } else if (EqualsIgnoreCase(args[i], "save")) {
      flags |= kShutdownSave;
    } else if (EqualsIgnoreCase(args[i], "now")) {
      flags |= kShutdownNow;
    } else if (EqualsIgnoreCase(args[i], "force")) {
      flags |= kShutdownForce;
    } else if (EqualsIgnoreCase(args[i], "abort")) {
      abort = true;
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }
  if ((abort && flags != 0) || ((flags & kShutdownNoSave) && (flags & kShutdownSave)))
    return ctx.SendError(errors::kSyntax);
  if (abort) return ctx.SendError("ERR No shutdown in progress.");
  // A busy script holds the engine: only NOSAVE may stop the server then (the script is
  // aborted as the server stops).
  const int busy = ctx.engine.gate().busy();
  if (!(flags & kShutdownNoSave) && busy != kBusyNone && !ctx.engine.gate().HeldExclusiveByMe())
    return ctx.SendError(busy == kBusyFunction ? errors::kBusyFunction : errors::kBusyScript);
  if (!PrepareForShutdown(ctx.server, flags))
    return ctx.SendError("ERR Errors trying to SHUTDOWN. Check logs.");
  if (!ctx.server.shutdown_hook) return ctx.rb.SendOk();
  ctx.server.shutdown_prepared.store(true);
  ctx.session.close_after_reply = true;
  ctx.session.suppress_reply = true;
  ctx.rb.SendOk();  // dropped by the front door (suppress_reply): Redis exits without replying
  ctx.server.shutdown_hook();
}

}  // namespace

bool PrepareForShutdown(ServerState& server, unsigned flags) {
  Persistence& p = server.persistence();
  // A running BGSAVE finishes first (Redis kills it; its snapshot is as good as the final one).
  p.WaitForBgsave();
  // Kills a rewrite child, writes and fsyncs what the AOF holds.
  server.aof().Shutdown(/*log=*/true);
  std::vector<std::pair<int64_t, int64_t>> points;
  Persistence::ParseSavePoints(server.config().Get("save").value_or(""), &points);
  if ((!points.empty() && !(flags & kShutdownNoSave)) || (flags & kShutdownSave)) {
    LogThroughHook(LogSeverity::kNotice, "Saving the final RDB snapshot before exiting.");
    std::string detail;
    if (!p.Save(&detail).empty()) {
      if (flags & kShutdownForce) {
        LogThroughHook(LogSeverity::kWarning,
                       "Error trying to save the DB. Exit anyway. (" + detail + ")");
      } else {
        LogThroughHook(LogSeverity::kWarning,
                       "Error trying to save the DB, can't exit. (" + detail + ")");
        LogThroughHook(LogSeverity::kWarning,
                       "Errors trying to shut down the server. Check the logs for more "
                       "information.");
        return false;
      }
    } else {
      LogThroughHook(LogSeverity::kNotice, "DB saved on disk");
    }
  }
  return true;
}

void RegisterPersistCommands(CommandRegistry& r) {
  constexpr uint64_t kAcl = ACL::kAdmin | ACL::kDangerous;
  r.Add({.name = "save",
         .arity = 1,
         .flags = CO::kAdmin | CO::kNoScript | CO::kNoAsyncLoading | CO::kNoMulti | CO::kGlobal,
         .acl = kAcl,
         .group = "server",
         .since = "1.0.0",
         .summary = "Synchronously save the dataset to disk",
         .complexity = "O(N) where N is the total number of keys in all databases",
         .handler = CmdSave});
  r.Add({.name = "bgsave",
         .arity = -1,
         .flags = CO::kAdmin | CO::kNoScript | CO::kNoAsyncLoading | CO::kGlobal,
         .acl = kAcl,
         .group = "server",
         .since = "1.0.0",
         .summary = "Asynchronously save the dataset to disk",
         .complexity = "O(1)",
         .handler = CmdBgsave})
      .History({{"3.2.2", "Added the `SCHEDULE` option."}})
      .Args("schedule/pure-token=SCHEDULE^3.2.2?");
  r.Add({.name = "lastsave",
         .arity = 1,
         .flags = CO::kLoading | CO::kStale | CO::kFast,
         .acl = kAcl,
         .group = "server",
         .since = "1.0.0",
         .summary = "Get the UNIX time stamp of the last successful save to disk",
         .complexity = "O(1)",
         .handler = CmdLastsave})
      .Tips({"nondeterministic_output"});
  r.Add({.name = "bgrewriteaof",
         .arity = 1,
         .flags = CO::kAdmin | CO::kNoScript | CO::kNoAsyncLoading | CO::kGlobal,
         .acl = kAcl,
         .group = "server",
         .since = "1.0.0",
         .summary = "Asynchronously rewrite the append-only file",
         .complexity = "O(1)",
         .handler = CmdBgRewriteAof});
  r.Add({.name = "shutdown",
         .arity = -1,
         .flags = CO::kAdmin | CO::kNoScript | CO::kLoading | CO::kStale | CO::kNoMulti |
                  CO::kAllowBusy | CO::kGlobal,
         .acl = kAcl,
         .group = "server",
         .since = "1.0.0",
         .summary = "Synchronously save the dataset to disk and then shut down the server",
         .complexity = "O(N) when saving, where N is the total number of keys in all databases "
                       "when saving data, otherwise O(1)",
         .handler = CmdShutdown})
      .History({{"7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."}})
      .Args(
          "nosave_save/oneof?[nosave/pure-token=NOSAVE save/pure-token=SAVE] "
          "now/pure-token=NOW^7.0.0? force/pure-token=FORCE^7.0.0? "
          "abort/pure-token=ABORT^7.0.0?");
}

}  // namespace fincache
