// Internal to the generic (keyspace) family, whose commands are split by meaning over three files:
//   generic_family.cpp           per-key commands: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX
//                                COPY MOVE OBJECT, and RegisterGenericFamily
//   generic_family_expire.cpp    TTLs: EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME
//                                PEXPIRETIME PERSIST
//   generic_family_keyspace.cpp  whole-keyspace commands (CO::kGlobal): KEYS SCAN RANDOMKEY DBSIZE
//                                FLUSHDB FLUSHALL SWAPDB, and SELECT
#pragma once

#include <string_view>

#include "commands/command_context.h"

namespace fincache::generic {

void RegisterExpireCommands(CommandRegistry& r);
void RegisterKeyspaceCommands(CommandRegistry& r);
void RegisterDumpCommands(CommandRegistry& r);

// Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): lazy expiry and keyspace hit/miss counting,
// but the LRU clock of the key is left alone (TTL, TYPE, EXISTS, OBJECT).
Entry* FindNoTouch(Db& db, std::string_view key);

// Redis's getIntFromObjectOrReply: an int64 in int range. Returns "" on success, else the error
// to reply ("value is not an integer..." or "value is out of range, value must between...").
std::string_view ParseInt32(std::string_view s, int* out);

}  // namespace fincache::generic
