// CommandContext: what a Cmd* handler gets besides its argv.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "commands/command_registry.h"
#include "commands/server_state.h"
#include "commands/session.h"
#include "common/op_status.h"
#include "engine/blocking.h"
#include "engine/engine.h"
#include "protocol/reply_builder.h"

namespace fincache {

// A write command's own effects for the AOF, when they are not its argv (Redis's
// rewriteClientCommandVector / alsoPropagate): commands/propagation.h.
struct PropagatedEffects {
  bool custom = false;                         // cmds replaces the argv (maybe by nothing)
  std::vector<std::vector<std::string>> cmds;  // in order, in the session's database
};

struct CommandContext {
  ServerState& server;
  Engine& engine;
  Session& session;
  protocol::ReplyBuilder& rb;
  const CommandSpec& spec;
  int64_t now_ms;  // one instant for the whole command
  // Keys this command made ready for blocked clients beyond its own key arguments (the
  // dispatcher collects those): MOVE/COPY into another database, SWAPDB. Served after the
  // command, as Redis's signalKeyAsReady. Null outside the dispatcher.
  std::vector<ReadyKey>* ready = nullptr;
  // Set by RunWriteHandler while effects are recorded (appendonly yes); nullptr otherwise.
  PropagatedEffects* effects = nullptr;

  Db db() const { return Db(engine, session.db_index, now_ms); }
  Db db(int index) const { return Db(engine, index, now_ms); }

  // Replies the Redis error for a status (kOk/kKeyNotFound/kSkipped are not errors: asserts).
  void SendStatus(OpStatus s) { rb.SendError(StatusText(s)); }
  void SendError(std::string_view text) { rb.SendError(text); }

  // ---- propagation (commands/propagation.h) ----
  // Whether the command's effects are recorded: handlers build rewritten forms only then.
  bool propagating() const { return effects != nullptr; }
  // Propagate `argv` instead of the command's argv (the first call replaces, later calls of
  // PropagateAs/PropagateAlso add more commands, in order).
  void PropagateAs(std::initializer_list<std::string_view> argv) const {
    if (effects) AddEffect(std::vector<std::string>(argv.begin(), argv.end()));
  }
  void PropagateAs(std::vector<std::string> argv) const {
    if (effects) AddEffect(std::move(argv));
  }
  // The command changed nothing: nothing is propagated (unless PropagateAs follows).
  void PropagateNothing() const {
    if (effects) effects->custom = true;
  }

  // A keyspace notification (Redis's notifyKeyspaceEvent) for a key of the session's database,
  // or of `db_index`, after the command modified it. It is also the command's
  // signalModifiedKey: Redis signals a key where it notifies, so WATCH sees exactly the writes
  // that changed something (a no-op write such as ZADD of the same score notifies nothing and
  // keeps a WATCH valid). Call it even when notifications are off (then: two relaxed loads
  // when nobody WATCHes). The caller holds the key's shard lock.
  void Notify(uint32_t type, std::string_view event, std::string_view key) const {
    Notify(type, event, key, session.db_index);
  }
  void Notify(uint32_t type, std::string_view event, std::string_view key, int db_index) const {
    engine.KeyEvent(type, event, key, db_index);
  }

  // Redis's signalKeyAsReady for (db_index, key), whose shard the command holds: queued to be
  // served after the command when some client waits on it (one relaxed load when none does).
  void SignalReady(int db_index, std::string_view key) const {
    if (ready && engine.blocking().Any() && engine.blocking().HasWaiters(db_index, key))
      ready->push_back({db_index, std::string(key)});
  }

 private:
  void AddEffect(std::vector<std::string> argv) const {
    effects->custom = true;
    effects->cmds.push_back(std::move(argv));
  }
};

}  // namespace fincache
