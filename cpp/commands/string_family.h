// Internal to the string family: handlers defined in string_family_*.cpp and registered by
// RegisterStringFamily (string_family.cpp).
#pragma once

#include "commands/command_registry.h"

namespace fincache {

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
void CmdLcs(CmdArgList args, CommandContext& ctx);

}  // namespace fincache
