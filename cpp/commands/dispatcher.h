// Dispatcher: every front door (RESP connection, embedded Python, HTTP, scripts) hands an argv
// and a ReplyBuilder here. It resolves the command, checks arity and authentication, takes the
// gate and the shard locks of the command's keys, runs the handler, and records statistics.
#pragma once

#include "commands/command_context.h"
#include "commands/server_state.h"

namespace fincache {

// Runs a write command's handler and feeds what it changed to the effect sink (the AOF; see
// commands/propagation.h): nothing after an error reply, nor for a command flagged
// CO::kNoopOnZero / kNoopOnNull that answered 0 / nil. WATCH needs nothing here: a command
// signals each key it modifies with its keyspace event (CommandContext::Notify), as Redis does.
// The caller holds the keys' shard locks or the exclusive gate.
void RunWriteHandler(const CommandSpec& spec, CmdArgList args, CommandContext& ctx);

// Redis's getCommandFlags: the spec's flags, except for EVAL*/FCALL* of a script or function
// that declares flags ("#!lua flags=..." / register_function flags), whose write/deny-oom flags
// come from its declaration (scripting_family.cpp).
uint32_t EffectiveCommandFlags(ServerState& server, const CommandSpec& spec, CmdArgList args);

// Redis's server.script_oom: whether the last top-level command on this thread found memory over
// maxmemory with nothing left to evict. Scripts (and EXEC) started by it refuse deny-oom commands
// until they have written something.
bool ScriptOomAtStart();

class Dispatcher {
 public:
  explicit Dispatcher(ServerState& server) : server_(server) {}

  // Runs one command; exactly one reply is written to rb.
  void Dispatch(CmdArgList args, Session& session, protocol::ReplyBuilder& rb);

  // Resolves argv to a command or subcommand, or writes Redis's unknown-command /
  // unknown-subcommand / arity error and returns nullptr.
  const CommandSpec* Resolve(CmdArgList args, protocol::ReplyBuilder& rb) const;

  // CLIENT PAUSE: whether argv, sent by session, must wait now (ALL: every command; WRITE:
  // write and may-replicate commands, and EXEC of a transaction holding one). Front doors that
  // can hold a client's input (network connections) ask before Dispatch. One relaxed load when
  // no pause is in force.
  bool PausedFor(CmdArgList args, const Session& session) const;

  // Serves blocked clients whose keys were written inside an exclusive section this thread just
  // left (an embedded atomic pipeline); Dispatch does it by itself otherwise.
  void ServeDeferred();

  ServerState& server() { return server_; }

 private:
  ServerState& server_;
};

}  // namespace fincache
