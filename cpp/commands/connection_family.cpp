// Connection commands: PING ECHO (more: HELLO AUTH QUIT RESET SELECT CLIENT).
#include "commands/command_context.h"
#include "common/errors.h"

namespace fincache {

namespace {

// PING [message] -> simple string PONG, or the message as a bulk string.
// In RESP2 subscribed mode Redis answers ["pong", message]; that lives with Pub/Sub.
void CmdPing(CmdArgList args, CommandContext& ctx) {
  if (args.size() > 2) return ctx.SendError(errors::WrongArgs("ping"));
  if (args.size() == 1) return ctx.rb.SendSimple("PONG");
  ctx.rb.SendBulk(args[1]);
}

// ECHO message -> bulk string
void CmdEcho(CmdArgList args, CommandContext& ctx) { ctx.rb.SendBulk(args[1]); }

}  // namespace

void RegisterConnectionFamily(CommandRegistry& r) {
  r.Add({.name = "ping",
         .arity = -1,
         .flags = CO::kFast | CO::kStale | CO::kLoading,
         .acl = ACL::kConnection,
         .group = "connection",
         .since = "1.0.0",
         .summary = "Returns the server's liveliness response.",
         .complexity = "O(1)",
         .handler = CmdPing});
  r.Add({.name = "echo",
         .arity = 2,
         .flags = CO::kFast | CO::kStale | CO::kLoading,
         .acl = ACL::kConnection,
         .group = "connection",
         .since = "1.0.0",
         .summary = "Returns the given string.",
         .complexity = "O(1)",
         .handler = CmdEcho});
}

}  // namespace fincache
