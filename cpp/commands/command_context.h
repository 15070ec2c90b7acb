// CommandContext: what a Cmd* handler gets besides its argv.
#pragma once

#include <cstdint>

#include "commands/command_registry.h"
#include "commands/server_state.h"
#include "commands/session.h"
#include "common/op_status.h"
#include "engine/engine.h"
#include "protocol/reply_builder.h"

namespace fincache {

struct CommandContext {
  ServerState& server;
  Engine& engine;
  Session& session;
  protocol::ReplyBuilder& rb;
  const CommandSpec& spec;
  int64_t now_ms;  // one instant for the whole command

  Db db() const { return Db(engine, session.db_index, now_ms); }
  Db db(int index) const { return Db(engine, index, now_ms); }

  // Replies the Redis error for a status (kOk/kKeyNotFound/kSkipped are not errors: asserts).
  void SendStatus(OpStatus s) { rb.SendError(StatusText(s)); }
  void SendError(std::string_view text) { rb.SendError(text); }

  // A keyspace notification (Redis's notifyKeyspaceEvent) for a key of the session's database,
  // or of `db_index`: one relaxed load when notifications are off.
  void Notify(uint32_t type, std::string_view event, std::string_view key) const {
    engine.pubsub().Notify(type, event, key, session.db_index);
  }
  void Notify(uint32_t type, std::string_view event, std::string_view key, int db_index) const {
    engine.pubsub().Notify(type, event, key, db_index);
  }
};

}  // namespace fincache
