#include "commands/dispatcher.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "commands/aof.h"
#include "commands/multi_family.h"
#include "commands/propagation.h"
#include "common/errors.h"
#include "common/strings.h"

namespace fincache {

namespace {

bool ArityOk(const CommandSpec& spec, size_t argc) {
  int a = spec.arity;
  return a >= 0 ? static_cast<int>(argc) == a : static_cast<int>(argc) >= -a;
}

// Locks the shards of a command's keys in shard order; unlocks on destruction.
class ShardLocks {
 public:
  ShardLocks(Engine& engine, const KeyIndexes& key_indexes, CmdArgList args) : engine_(engine) {
    // Inside an exclusive section (a script, EXEC) nobody else runs: no shard locks needed.
    if (engine.gate().HeldExclusiveByMe()) return;
    for (int i : key_indexes) shards_.push_back(engine.ShardIndexOf(args[i]));
    std::sort(shards_.begin(), shards_.end());
    shards_.erase(std::unique(shards_.begin(), shards_.end()), shards_.end());
    for (size_t s : shards_) engine.shard(s).mu.lock();
  }
  ~ShardLocks() {
    for (auto it = shards_.rbegin(); it != shards_.rend(); ++it) engine_.shard(*it).mu.unlock();
  }

 private:
  Engine& engine_;
  boost::container::small_vector<size_t, 6> shards_;
};

// Blocked clients are served after the outermost command: ready keys of a command run inside
// another one (a script's redis.call, EXEC) or inside an exclusive section (an embedded atomic
// pipeline) wait until it completes, as Redis serves them after the whole script/transaction.
thread_local int t_depth = 0;
thread_local std::vector<std::pair<Engine*, ReadyKey>> t_deferred;

void ServeNow(Engine& engine, std::vector<ReadyKey> ready) {
  if (!t_deferred.empty()) {
    std::vector<ReadyKey> all;
    auto deferred = std::move(t_deferred);
    t_deferred.clear();
    for (auto& [e, rk] : deferred) {
      if (e == &engine)
        all.push_back(std::move(rk));
      else
        e->blocking().ServeReady(*e, {std::move(rk)});
    }
    for (auto& rk : ready) all.push_back(std::move(rk));
    ready = std::move(all);
  }
  if (!ready.empty()) engine.blocking().ServeReady(engine, std::move(ready));
}

// Appends the command's keys that have blocked clients.
void CollectReady(Engine& engine, int db, const KeyIndexes& key_indexes, CmdArgList args,
                  std::vector<ReadyKey>* ready) {
  if (!engine.blocking().Any()) return;
  for (int i : key_indexes)
    if (engine.blocking().HasWaiters(db, args[i])) ready->push_back({db, std::string(args[i])});
}

// Errors a nested Dispatch (a command run by EXEC) already counted in the stats, so the outer
// command does not count them again as its own.
thread_local uint64_t t_errors_counted = 0;

// Redis's server.script_oom (ScriptOomAtStart).
thread_local bool t_script_oom = false;

// Redis's processCommand maxmemory step, for a top-level command when maxmemory is set: evicts
// as needed, then decides whether the command must be refused with OOM (deny-oom commands, EXEC
// of a transaction holding one, and anything but EXEC/DISCARD/QUIT/RESET while queuing a
// transaction, since queuing takes memory too). Also records script_oom for the scripts and
// transactions this command starts.
bool RefuseForOom(ServerState& server, const CommandSpec& spec, CmdArgList args,
                  const Session& session) {
  if (server.engine().gate().busy() != kBusyNone) return false;  // as Redis during a busy script
  const bool out_of_memory = server.engine().evictor().Perform() == Evictor::Result::kFail;
  t_script_oom = out_of_memory;
  if (!out_of_memory) return false;
  if (session.in_multi) {
    const std::string& name = spec.full_name;
    if (name != "exec" && name != "discard" && name != "quit" && name != "reset") return true;
    if (name != "exec") return false;
    for (const std::vector<std::string>& queued : session.multi_queue) {
      std::vector<std::string_view> argv(queued.begin(), queued.end());
      const CommandSpec* q = server.registry().Lookup(argv);
      if (q && (EffectiveCommandFlags(server, *q, argv) & CO::kDenyOom)) return true;
    }
    return false;
  }
  return EffectiveCommandFlags(server, spec, args) & CO::kDenyOom;
}

constexpr std::string_view kQueued = "QUEUED";
constexpr std::string_view kNotAllowedInMulti = "ERR Command not allowed inside a transaction";

// Redis's rejectCommand: a rejected EXEC discards the transaction and answers EXECABORT with
// the reason (its text without the ERR code).
bool IsExec(const CommandSpec& spec) { return spec.full_name == "exec"; }
std::string ExecAbortBecause(std::string_view reason) {
  if (reason.starts_with("ERR ")) reason.remove_prefix(4);
  return "EXECABORT Transaction discarded because of: " + std::string(reason);
}

// Redis's flagTransaction: a command rejected while queuing makes EXEC answer EXECABORT.
void FlagTransaction(Session& session) {
  if (session.in_multi) session.multi_aborted = true;
}

bool AllowedInSubscribedMode(const CommandSpec& spec) {
  static constexpr std::string_view kAllowed[] = {"ping",         "subscribe",    "ssubscribe",
                                                  "unsubscribe",  "sunsubscribe", "psubscribe",
                                                  "punsubscribe", "quit",         "reset"};
  for (auto name : kAllowed)
    if (spec.full_name == name) return true;
  return false;
}

// Redis's rejectCommand for a busy script: BUSY (EVAL or FUNCTION text), the transaction
// flagged; EXEC itself aborts and discards it.
void RejectBusy(const CommandSpec& spec, Session& session, Engine& engine, int reason,
                protocol::ReplyBuilder& rb) {
  std::string_view text = reason == kBusyFunction ? errors::kBusyFunction : errors::kBusyScript;
  FlagTransaction(session);
  if (session.in_multi && IsExec(spec)) {
    DiscardTransaction(session, engine);
    rb.SendError(ExecAbortBecause(text));
  } else {
    rb.SendError(text);
  }
}

// "ip:port" of a network client; the embedded API and other front doors without an address
// show as "embedded".
std::string ClientAddr(const Session& session) {
  std::lock_guard lk(session.info_mu);
  return session.addr.empty() ? std::string("embedded") : session.addr;
}

void FeedMonitors(ServerState& server, const CommandSpec& spec, CmdArgList args,
                  const Session& session, int64_t now_us) {
  server.monitors().Feed(now_us, session.db_index, ClientAddr(session), args,
                         RedactedArgs(spec, args));
}

// audit-log: write commands and authentication attempts (commands/audit_log.h).
void Audit(ServerState& server, const CommandSpec& spec, CmdArgList args, const Session& session,
           const KeyIndexes& keys, bool failed, int64_t now_us) {
  AuditLog& audit = server.audit_log();
  if (spec.IsWrite()) {
    audit.Command(now_us, ClientAddr(session), session.user, session.db_index, spec.full_name, args,
                  keys, !failed);
  } else if (spec.full_name == "auth") {
    audit.Auth(now_us, ClientAddr(session), args.size() == 3 ? args[1] : "default", "auth",
               !failed);
  } else if (spec.full_name == "hello") {
    for (size_t i = 2; i + 2 < args.size(); ++i) {
      if (EqualsIgnoreCase(args[i], "auth")) {
        audit.Auth(now_us, ClientAddr(session), args[i + 1], "hello", !failed);
        break;
      }
    }
  }
}

// What every command that ran feeds (commands/ops_state.h): its latency histogram, the latency
// monitor, the slow log and MONITOR clients. A few relaxed loads when they are all idle.
void AfterCommand(ServerState& server, const CommandSpec& spec, CommandStats& stats,
                  CmdArgList args, Session& session, int64_t usec, int64_t end_us) {
  if (server.latency_tracking.load(std::memory_order_relaxed)) stats.RecordLatency(usec * 1000);
  server.latency_monitor().AddSampleIfNeeded((spec.flags & CO::kFast) ? "fast-command" : "command",
                                             usec / 1000, end_us / 1000000);
  if (!(spec.flags & CO::kSkipSlowlog) && server.slowlog().Wants(usec)) {
    std::string addr = ClientAddr(session);
    server.slowlog().Push(args, RedactedArgs(spec, args), end_us / 1000000, usec, std::move(addr),
                          session.GetName());
  }
  // Admin commands are never shown (Redis hides them as too dangerous); scripts were shown
  // when they started.
  if (server.monitors().Any() && !(spec.flags & (CO::kSkipMonitor | CO::kAdmin)))
    FeedMonitors(server, spec, args, session, end_us);
}

}  // namespace

bool ScriptOomAtStart() { return t_script_oom; }

namespace {

// Forwards a reply and notes whether it is the integer 0 or a nil (kNoopOnZero/kNoopOnNull
// commands, only while effects are recorded).
class ReplyProbe final : public protocol::ReplyBuilder {
 public:
  explicit ReplyProbe(protocol::ReplyBuilder& out) : out_(out) {}
  bool zero() const { return zero_; }
  bool null() const { return null_; }

  void SendSimple(std::string_view s) override { out_.SendSimple(s); }
  void SendLong(int64_t v) override {
    zero_ = v == 0;
    out_.SendLong(v);
  }
  void SendDouble(double v) override { out_.SendDouble(v); }
  void SendDoubleText(double v, std::string_view text) override { out_.SendDoubleText(v, text); }
  void SendBulk(std::string_view s) override { out_.SendBulk(s); }
  void SendNull() override {
    null_ = true;
    out_.SendNull();
  }
  void SendNullArray() override { out_.SendNullArray(); }
  void SendBool(bool v) override { out_.SendBool(v); }
  void SendVerbatim(std::string_view text, std::string_view format) override {
    out_.SendVerbatim(text, format);
  }
  void SendBigNumber(std::string_view digits) override { out_.SendBigNumber(digits); }
  void StartArray(size_t n) override { out_.StartArray(n); }
  void StartMap(size_t n) override { out_.StartMap(n); }
  void StartSet(size_t n) override { out_.StartSet(n); }
  void StartPush(size_t n) override { out_.StartPush(n); }
  int resp_version() const override { return out_.resp_version(); }
  void SetRespVersion(int v) override { out_.SetRespVersion(v); }

 protected:
  void DoSendError(std::string_view text) override { out_.SendError(text); }

 private:
  protocol::ReplyBuilder& out_;
  bool zero_ = false;
  bool null_ = false;
};

}  // namespace

void RunWriteHandler(const CommandSpec& spec, CmdArgList args, CommandContext& ctx) {
  EffectSink* sink = ctx.engine.effect_sink();
  PropagatedEffects effects;
  PropagatedEffects* const outer_effects = ctx.effects;
  ctx.effects = sink ? &effects : nullptr;
  const uint64_t errors_before = ctx.rb.error_count();
  bool noop = false;
  if (!sink || !(spec.flags & (CO::kNoopOnZero | CO::kNoopOnNull))) {
    spec.handler(args, ctx);
  } else {
    ReplyProbe probe(ctx.rb);
    CommandContext probed{ctx.server, ctx.engine, ctx.session, probe,
                          spec,       ctx.now_ms, ctx.ready,   ctx.effects};
    spec.handler(args, probed);
    noop = ((spec.flags & CO::kNoopOnZero) && probe.zero()) ||
           ((spec.flags & CO::kNoopOnNull) && probe.null());
  }
  ctx.effects = outer_effects;
  const bool failed = ctx.rb.error_count() != errors_before;
  // Propagation (commands/propagation.h): what the command changed, as it ran or rewritten.
  if (sink && !failed && !noop) {
    const int db = ctx.session.db_index;
    if (!effects.custom) {
      sink->Feed(db, args);
    } else {
      boost::container::small_vector<std::string_view, 8> argv;
      for (const auto& cmd : effects.cmds) {
        argv.assign(cmd.begin(), cmd.end());
        sink->Feed(db, argv);
      }
    }
  }
}

bool Dispatcher::PausedFor(CmdArgList args, const Session& session) const {
  if (args.empty()) return false;
  // No clock read on the common path: Active(INT64_MIN) is the mode set, whatever its end.
  if (server_.client_pause().Active(INT64_MIN) == ClientPause::kOff) return false;
  const ClientPause::Mode mode = server_.client_pause().Active(server_.engine().clock().NowMs());
  if (mode == ClientPause::kOff) return false;
  const CommandSpec* spec = server_.registry().Lookup(args);
  if (!spec) return false;  // answered at once (unknown command)
  if (mode == ClientPause::kAll) return true;
  if (spec->flags & (CO::kWrite | CO::kMayReplicate)) return true;
  if (IsExec(*spec) && session.in_multi) {
    for (const auto& queued : session.multi_queue) {
      // The name and a subcommand are all a lookup reads.
      const std::string_view head[2] = {queued[0], queued.size() > 1 ? queued[1] : ""};
      const CommandSpec* q = server_.registry().Lookup(CmdArgList(head, queued.size() > 1 ? 2 : 1));
      if (q && (q->flags & (CO::kWrite | CO::kMayReplicate))) return true;
    }
  }
  return false;
}

void Dispatcher::ServeDeferred() {
  Engine& engine = server_.engine();
  if (t_depth == 0 && !t_deferred.empty() && !engine.gate().HeldExclusiveByMe())
    ServeNow(engine, {});
}

const CommandSpec* Dispatcher::Resolve(CmdArgList args, protocol::ReplyBuilder& rb) const {
  const CommandSpec* spec = server_.registry().Find(args[0]);
  if (!spec) {
    rb.SendError(errors::UnknownCommand(args[0], args.data() + 1, args.size() - 1));
    return nullptr;
  }
  // A container with its own handler (COMMAND) runs it when called without a subcommand.
  if (spec->HasSubcommands() && !(args.size() < 2 && spec->handler)) {
    if (args.size() < 2) {
      rb.SendError(errors::WrongArgs(spec->full_name));
      return nullptr;
    }
    const CommandSpec* sub = server_.registry().FindSub(*spec, args[1]);
    if (!sub) {
      rb.SendError(errors::UnknownSubcommand(spec->name, args[1]));
      return nullptr;
    }
    spec = sub;
  }
  if (!ArityOk(*spec, args.size())) {
    std::string err = errors::WrongArgs(spec->full_name);
    rb.SendError(IsExec(*spec) ? ExecAbortBecause(err) : err);
    return nullptr;
  }
  return spec;
}

void Dispatcher::Dispatch(CmdArgList args, Session& session, protocol::ReplyBuilder& rb) {
  if (args.empty()) return;
  ++t_depth;
  struct DepthGuard {
    ~DepthGuard() { --t_depth; }
  } depth_guard;
  server_.total_commands.fetch_add(1, std::memory_order_relaxed);
  uint64_t errors_before = rb.error_count();
  const uint64_t counted_before = t_errors_counted;
  struct CountedGuard {  // this command's own errors are counted once, here or below
    uint64_t& counted;
    protocol::ReplyBuilder& rb;
    uint64_t errors_before;
    uint64_t counted_before;
    ~CountedGuard() { counted = counted_before + (rb.error_count() - errors_before); }
  } counted_guard{t_errors_counted, rb, errors_before, counted_before};

  const CommandSpec* spec = Resolve(args, rb);
  if (!spec) {
    FlagTransaction(session);
    server_.CountError(rb.last_error_code());
    if (const CommandSpec* known = server_.registry().Find(args[0])) {
      server_.StatsFor(known).rejected_calls.fetch_add(1, std::memory_order_relaxed);
      if (IsExec(*known)) DiscardTransaction(session, server_.engine());
    }
    return;
  }
  CommandStats& stats = server_.StatsFor(spec);
  // Commands run by EXEC leave the client's last command as "exec", as Redis.
  if (t_depth == 1) session.last_cmd.store(spec, std::memory_order_relaxed);

  if (!session.authenticated && server_.config().has_requirepass.load() &&
      !(spec->flags & CO::kNoAuth)) {
    FlagTransaction(session);
    if (IsExec(*spec)) {
      DiscardTransaction(session, server_.engine());
      rb.SendError(ExecAbortBecause(errors::kNoAuth));
    } else {
      rb.SendError(errors::kNoAuth);
    }
    server_.CountError(rb.last_error_code());
    stats.rejected_calls.fetch_add(1, std::memory_order_relaxed);
    return;
  }

  // maxmemory (one relaxed load when unset): evict, or refuse with OOM, as Redis before running
  // a command; commands run by EXEC or a script were checked with it.
  if (t_depth == 1 && server_.engine().evictor().maxmemory() != 0 &&
      !(session.in_multi && (spec->flags & CO::kNoMulti)) &&
      RefuseForOom(server_, *spec, args, session)) {
    FlagTransaction(session);
    if (IsExec(*spec)) {
      DiscardTransaction(session, server_.engine());
      rb.SendError(ExecAbortBecause(errors::kOom));
    } else {
      rb.SendError(errors::kOom);
    }
    server_.CountError(rb.last_error_code());
    stats.rejected_calls.fetch_add(1, std::memory_order_relaxed);
    return;
  }

  // RESP2 subscribed mode: the connection carries messages; only the subscribe family, PING,
  // QUIT and RESET may run (RESP3 separates pushes from replies, so anything goes there).
  if (session.resp == 2 && session.InPubSub() && !AllowedInSubscribedMode(*spec)) {
    FlagTransaction(session);
    rb.SendError("ERR Can't execute '" + spec->full_name +
                 "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
                 "in this context");
    server_.CountError(rb.last_error_code());
    stats.rejected_calls.fetch_add(1, std::memory_order_relaxed);
    return;
  }

  // During a busy script Redis refuses commands before queueing them (and flags the
  // transaction), as it does outside MULTI.
  if (session.in_multi && !(spec->flags & CO::kAllowBusy)) {
    if (int reason = server_.engine().gate().busy(); reason != kBusyNone) {
      RejectBusy(*spec, session, server_.engine(), reason, rb);
      server_.CountError(rb.last_error_code());
      stats.rejected_calls.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  // Inside MULTI: queue (EXEC runs it), except the commands that act at once.
  if (session.in_multi && !(spec->flags & CO::kNotQueued)) {
    if (spec->flags & CO::kNoMulti) {
      FlagTransaction(session);
      rb.SendError(kNotAllowedInMulti);
      server_.CountError(rb.last_error_code());
      stats.rejected_calls.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    // Not a command run yet: counted when EXEC runs it.
    server_.total_commands.fetch_sub(1, std::memory_order_relaxed);
    size_t bytes = 0;
    std::vector<std::string>& queued = session.multi_queue.emplace_back();
    queued.reserve(args.size());
    for (std::string_view a : args) {
      queued.emplace_back(a);
      bytes += a.size();
    }
    session.multi_count.store(static_cast<int>(session.multi_queue.size()),
                              std::memory_order_relaxed);
    session.multi_mem.fetch_add(bytes, std::memory_order_relaxed);
    rb.SendSimple(kQueued);
    return;
  }

  Engine& engine = server_.engine();
  KeyIndexes key_indexes;
  bool keys_ok = CommandRegistry::GetKeyIndexes(*spec, args, &key_indexes);
  if (!keys_ok) key_indexes.clear();  // the handler reports the malformed arguments

  std::vector<ReadyKey> ready;
  bool busy_rejected = false;
  // One clock read gives the command's time snapshot and the start of its latency measurement
  // (wall clock, as Redis's ustime(); a step backwards counts as 0 µs).
  const int64_t start_us = engine.clock().NowUs();
  // Scripts (EVAL*, FCALL*) show in MONITOR as they start, before the commands they run.
  if ((spec->flags & CO::kSkipMonitor) && server_.monitors().Any())
    FeedMonitors(server_, *spec, args, session, start_us);
  {
    CommandContext ctx{server_, engine, session, rb, *spec, start_us / 1000};
    ctx.ready = &ready;
    // Waiting for the gate gives up when a script holding it turns busy (busy-reply-threshold):
    // then the command is answered BUSY, or runs without the gate when Redis allows it during a
    // busy script (allow-busy: SCRIPT KILL, FUNCTION KILL/STATS, connection commands).
    // The outermost command collects what it and the commands it runs propagate, and writes
    // it before its locks are released (commands/propagation.h).
    auto run_handler = [&] {
      PropagationBatch batch(engine);
      if (spec->IsWrite()) {
        RunWriteHandler(*spec, args, ctx);
      } else {
        spec->handler(args, ctx);
      }
    };
    while (true) {
      if (spec->flags & CO::kGlobal) {
        ExecGate::Exclusive excl(engine.gate(), /*yield_to_busy=*/true);
        if (excl.acquired()) {
          run_handler();
          if (spec->IsWrite())
            CollectReady(engine, ctx.session.db_index, key_indexes, args, &ready);
          break;
        }
      } else {
        ExecGate::Shared token(engine.gate(), /*yield_to_busy=*/true);
        if (token.acquired()) {
          ShardLocks locks(engine, key_indexes, args);
          run_handler();
          if (spec->IsWrite()) {
            Db db = ctx.db();
            for (int i : key_indexes) db.AfterWrite(args[i]);
            // Keys with blocked clients are served once this command released its locks.
            CollectReady(engine, db.index(), key_indexes, args, &ready);
          }
          break;
        }
      }
      int reason = engine.gate().busy();
      if (reason == kBusyNone) continue;  // the script ended meanwhile: wait for the gate again
      // Allow-busy commands touch no keys (WATCH, which does, is answered BUSY here).
      if ((spec->flags & CO::kAllowBusy) && key_indexes.empty()) {
        spec->handler(args, ctx);
      } else {
        RejectBusy(*spec, session, server_.engine(), reason, rb);
        busy_rejected = true;
      }
      break;
    }
  }
  if (busy_rejected) {  // as Redis's rejectCommand: a rejected call, not a failed one
    server_.CountError(rb.last_error_code());
    stats.rejected_calls.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // As Redis's handleClientsBlockedOnKeys: the oldest waiters get the written elements before
  // this client's next command runs.
  if (t_depth > 1 || engine.gate().HeldExclusiveByMe()) {
    for (auto& rk : ready) t_deferred.emplace_back(&engine, std::move(rk));
  } else if (!ready.empty() || !t_deferred.empty()) {
    ServeNow(engine, std::move(ready));
  }
  const int64_t end_us = engine.clock().NowUs();
  const int64_t usec = end_us > start_us ? end_us - start_us : 0;
  stats.calls.fetch_add(1, std::memory_order_relaxed);
  stats.usec.fetch_add(static_cast<uint64_t>(usec), std::memory_order_relaxed);
  stats.latency[LatencyBucket(static_cast<uint64_t>(usec))].fetch_add(1, std::memory_order_relaxed);
  // Errors of the commands EXEC ran were counted by their own Dispatch.
  const uint64_t nested = t_errors_counted - counted_before;
  const bool failed = rb.error_count() - errors_before > nested;
  AfterCommand(server_, *spec, stats, args, session, usec, end_us);
  if (server_.audit_log().enabled())
    Audit(server_, *spec, args, session, key_indexes, failed, end_us);
  if (failed) {
    stats.failed_calls.fetch_add(1, std::memory_order_relaxed);
    server_.CountError(rb.last_error_code());
  } else if (spec->IsWrite()) {
    // The change counter behind save points (Redis's server.dirty, approximated per key).
    server_.dirty.fetch_add(std::max<uint64_t>(1, key_indexes.size()), std::memory_order_relaxed);
  }
  // Embedded callers get the reply when this returns: what it wrote is in the AOF first (a
  // network connection does it once per batch of replies, before sending them).
  if (t_depth == 1 && !session.is_network) server_.aof().BeforeReply();
}

}  // namespace fincache
