// Dispatcher: every front door (RESP connection, embedded Python, HTTP, scripts) hands an argv
// and a ReplyBuilder here. It resolves the command, checks arity and authentication, takes the
// gate and the shard locks of the command's keys, runs the handler, and records statistics.
#pragma once

#include "commands/command_context.h"
#include "commands/server_state.h"

namespace fincache {

class Dispatcher {
 public:
  explicit Dispatcher(ServerState& server) : server_(server) {}

  // Runs one command; exactly one reply is written to rb.
  void Dispatch(CmdArgList args, Session& session, protocol::ReplyBuilder& rb);

  // Resolves argv to a command or subcommand, or writes Redis's unknown-command /
  // unknown-subcommand / arity error and returns nullptr.
  const CommandSpec* Resolve(CmdArgList args, protocol::ReplyBuilder& rb) const;

  // Serves blocked clients whose keys were written inside an exclusive section this thread just
  // left (an embedded atomic pipeline); Dispatch does it by itself otherwise.
  void ServeDeferred();

  ServerState& server() { return server_; }

 private:
  ServerState& server_;
};

}  // namespace fincache
