// SAVE BGSAVE LASTSAVE: RDB snapshots (commands/persistence.h, persist/snapshot.h).
#include "commands/persistence.h"
#include "commands/server_family.h"
#include "common/errors.h"
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
  // During EXEC the session has left MULTI but still shows its queue count.
  if (!ctx.session.in_multi && ctx.session.multi_count.load() >= 0) {
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

}  // namespace

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
}

}  // namespace fincache
