// Shared pieces of the connection and server families (connection_family.cpp, server_family.cpp,
// server_family_info.cpp, server_family_command.cpp).
#pragma once

#include <string>
#include <string_view>

#include "commands/command_context.h"
#include "common/version.h"

namespace fincache {

// The INFO command (server_family_info.cpp).
void RegisterInfoCommand(CommandRegistry& r);
// SAVE BGSAVE LASTSAVE (server_family_persist.cpp).
void RegisterPersistCommands(CommandRegistry& r);
// The COMMAND container and its subcommands (server_family_command.cpp).
void RegisterCommandCommand(CommandRegistry& r);
// SLOWLOG LATENCY MONITOR DEBUG (server_family_ops.cpp).
void RegisterOpsCommands(CommandRegistry& r);

// INFO's text for the given section arguments (argv after "INFO"), "\r\n" line endings. Exposed
// for the metrics layer and tests.
std::string BuildInfoText(CommandContext& ctx, CmdArgList sections);

// "1016.73K" as Redis's bytesToHuman.
std::string BytesToHuman(int64_t n);

// Replies a help text the way Redis's addReplyHelp does: "<CMD> <subcommand> [<arg> [value] [opt]
// ...]. Subcommands are:", the lines, then "HELP" / "    Prints this help.", all simple strings.
void SendHelp(protocol::ReplyBuilder& rb, std::string_view container,
              std::initializer_list<std::string_view> lines);

}  // namespace fincache
