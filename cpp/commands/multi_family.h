// Transactions (multi_family.cpp): the client-state side front doors need.
#pragma once

#include "commands/session.h"
#include "engine/engine.h"

namespace fincache {

// Ends a client's transaction state: drops a MULTI in progress and its queued commands, unwatches
// every key and clears the dirty flag (DISCARD, RESET, a closing connection or embedded session).
// The caller holds no shard lock.
void DiscardTransaction(Session& session, Engine& engine);

// Whether the client's WATCHed keys are unchanged, as EXEC decides (a touched key, or a key
// watched live that is logically expired now, fails). The caller holds the exclusive gate.
bool WatchedKeysUnchanged(Session& session, Engine& engine, int64_t now_ms);

}  // namespace fincache
