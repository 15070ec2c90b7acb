// Transactions: MULTI EXEC DISCARD WATCH UNWATCH, as Redis 7.0.
//
// Queuing. After MULTI the dispatcher queues every command (copying its argv into the session)
// and answers +QUEUED, except the commands flagged CO::kNotQueued (EXEC DISCARD MULTI WATCH QUIT
// RESET), which act at once (UNWATCH is queued). A command that can't be queued (unknown, wrong
// arity, NOAUTH, no-multi) is rejected with its error and flags the transaction: EXEC then answers
// EXECABORT and runs nothing. MULTI nested and WATCH inside MULTI are errors that do not flag it.
//
// EXEC is CO::kGlobal: the dispatcher runs it holding the exclusive gate, so the queued commands
// run with nobody else in between (network clients, Python threads, the expiry cycle). Each runs
// through Dispatcher::Dispatch as a nested command: its own stats and errors, its error reply in
// place in EXEC's array (a runtime error does not stop the rest), blocking commands answer their
// timeout reply at once, and blocked clients woken by the writes are served after EXEC returns.
//
// WATCH registers keys in the engine (engine/watch.h); writes, expiry and FLUSH*/SWAPDB touch
// them and make the client dirty; EXEC of a dirty client answers a null array. EXEC, DISCARD,
// UNWATCH, RESET and the end of the client unwatch everything.
#include "commands/multi_family.h"

#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/dispatcher.h"

namespace fincache {

namespace {

constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
constexpr std::string_view kWatchInMulti = "ERR WATCH inside MULTI is not allowed";
constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";

// Drops the MULTI state (not the watched keys).
void ClearMulti(Session& s) {
  s.in_multi = false;
  s.multi_aborted = false;
  s.multi_queue.clear();
  s.multi_queue.shrink_to_fit();
  s.multi_count.store(-1, std::memory_order_relaxed);
  s.multi_mem.store(0, std::memory_order_relaxed);
}

void Unwatch(Session& s, Engine& engine) {
  engine.UnwatchAll(s.watch);
  s.watch.dirty.store(false, std::memory_order_relaxed);
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

// MULTI -> OK
void CmdMulti(CmdArgList, CommandContext& ctx) {
  Session& s = ctx.session;
  if (s.in_multi) return ctx.SendError(kMultiNested);
  ClearMulti(s);
  s.in_multi = true;
  s.multi_count.store(0, std::memory_order_relaxed);
  ctx.rb.SendOk();
}

// EXEC -> array: the queued commands' replies; null array when a watched key changed;
// EXECABORT when a command failed to queue.
void CmdExec(CmdArgList, CommandContext& ctx) {
  Session& s = ctx.session;
  if (!s.in_multi) return ctx.SendError(kExecWithoutMulti);
  const bool unchanged = WatchedKeysUnchanged(s, ctx.engine, ctx.now_ms);
  Unwatch(s, ctx.engine);
  if (s.multi_aborted) {
    ClearMulti(s);
    return ctx.SendError(kExecAbort);
  }
  if (!unchanged) {
    ClearMulti(s);
    return ctx.rb.SendNullArray();
  }
  // CLIENT LIST keeps showing the transaction (flags=x multi=N) while it runs, as Redis.
  std::vector<std::vector<std::string>> queue = std::move(s.multi_queue);
  s.multi_queue.clear();
  s.in_multi = false;
  ctx.rb.StartArray(queue.size());
  Dispatcher dispatcher(ctx.server);
  std::vector<std::string_view> argv;
  for (const auto& cmd : queue) {
    argv.assign(cmd.begin(), cmd.end());
    dispatcher.Dispatch(CmdArgList(argv.data(), argv.size()), s, ctx.rb);
  }
  ClearMulti(s);
}

// DISCARD -> OK
void CmdDiscard(CmdArgList, CommandContext& ctx) {
  if (!ctx.session.in_multi) return ctx.SendError(kDiscardWithoutMulti);
  DiscardTransaction(ctx.session, ctx.engine);
  ctx.rb.SendOk();
}

// WATCH key [key ...] -> OK. The dispatcher holds the keys' shard locks.
void CmdWatch(CmdArgList args, CommandContext& ctx) {
  Session& s = ctx.session;
  if (s.in_multi) return ctx.SendError(kWatchInMulti);
  // A client already dirty will fail its EXEC anyway: nothing more to track.
  if (!s.watch.dirty.load(std::memory_order_relaxed)) {
    for (size_t i = 1; i < args.size(); ++i)
      ctx.engine.Watch(s.watch, s.db_index, args[i], ctx.now_ms);
  }
  ctx.rb.SendOk();
}

// UNWATCH -> OK
void CmdUnwatch(CmdArgList, CommandContext& ctx) {
  Unwatch(ctx.session, ctx.engine);
  ctx.rb.SendOk();
}

}  // namespace

void DiscardTransaction(Session& session, Engine& engine) {
  ClearMulti(session);
  Unwatch(session, engine);
}

bool WatchedKeysUnchanged(Session& session, Engine& engine, int64_t now_ms) {
  if (session.watch.dirty.load(std::memory_order_relaxed)) return false;
  return session.watch.keys.empty() || !engine.WatchedKeyExpired(session.watch, now_ms);
}

void RegisterMultiFamily(CommandRegistry& r) {
  constexpr uint32_t kTxnFlags =
      CO::kNoScript | CO::kLoading | CO::kStale | CO::kFast | CO::kAllowBusy | CO::kNotQueued;
  r.Add({.name = "multi",
         .arity = 1,
         .flags = kTxnFlags,
         .acl = ACL::kTransaction,
         .group = "transactions",
         .since = "1.2.0",
         .summary = "Mark the start of a transaction block",
         .complexity = "O(1)",
         .handler = CmdMulti});
  r.Add({.name = "exec",
         .arity = 1,
         .flags = CO::kNoScript | CO::kLoading | CO::kStale | CO::kSkipSlowlog | CO::kNotQueued |
                  CO::kGlobal,
         .acl = ACL::kTransaction,
         .group = "transactions",
         .since = "1.2.0",
         .summary = "Execute all commands issued after MULTI",
         .complexity = "Depends on commands in the transaction",
         .handler = CmdExec});
  r.Add({.name = "discard",
         .arity = 1,
         .flags = kTxnFlags,
         .acl = ACL::kTransaction,
         .group = "transactions",
         .since = "2.0.0",
         .summary = "Discard all commands issued after MULTI",
         .complexity = "O(N), when N is the number of queued commands",
         .handler = CmdDiscard});
  r.Add({.name = "watch",
         .arity = -2,
         .flags = kTxnFlags,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = ACL::kTransaction,
         .group = "transactions",
         .since = "2.2.0",
         .summary = "Watch the given keys to determine execution of the MULTI/EXEC block",
         .complexity = "O(1) for every key.",
         .handler = CmdWatch})
      .KeySpecs({KS::Index(1).Range(-1).RO()})
      .Args("key/key#0*");
  r.Add({.name = "unwatch",
         .arity = 1,
         .flags = kTxnFlags & ~CO::kNotQueued,  // queued inside MULTI, as Redis
         .acl = ACL::kTransaction,
         .group = "transactions",
         .since = "2.2.0",
         .summary = "Forget about all watched keys",
         .complexity = "O(1)",
         .handler = CmdUnwatch});
}

}  // namespace fincache
