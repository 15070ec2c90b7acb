// Internal to the sorted set family: helpers shared by zset_family*.cpp and the handlers defined
// in zset_family_range.cpp / zset_family_multi.cpp, registered by RegisterZsetFamily
// (zset_family.cpp).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command_context.h"
#include "commands/command_registry.h"
#include "types/zset.h"

namespace fincache {

using ZPair = std::pair<std::string, double>;  // (member, score)

// Redis's zslParseRange: "(x" exclusive, strtod over the rest (leading spaces allowed, NaN not).
bool ParseZScoreRange(std::string_view min, std::string_view max, ZScoreRange* r);
// Redis's zslParseLexRange: "-", "+", "[x", "(x".
bool ParseZLexRange(std::string_view min, std::string_view max, ZLexRange* r);

// Replies a list of (member, score): members only, or with scores as RESP2 a flat array
// (member, score-bulk, ...) and as RESP3 an array of [member, double] pairs.
void ReplyZPairs(CommandContext& ctx, const std::vector<ZPair>& items, bool withscores);

// Writes `items` (ordered by score, member) to `key` as a new sorted set, replacing whatever is
// there (TTL dropped); deletes the key when items is empty. The encoding follows the final size.
void StoreZPairs(Db& db, std::string_view key, const std::vector<ZPair>& items);
// StoreZPairs for a *STORE command, with Redis's notifications: `event` on the stored key, or
// "del" when an empty result deleted an existing key.
void StoreZPairsAndNotify(CommandContext& ctx, Db& db, std::string_view key,
                          const std::vector<ZPair>& items, std::string_view event);

// Read lookup: the sorted set at key, nullptr when absent; kWrongType otherwise.
OpResult<const ZSet*> FindZsetRead(Db& db, std::string_view key);

// ZRANGE family (zset_family_range.cpp).
void CmdZrange(CmdArgList args, CommandContext& ctx);
void CmdZrangestore(CmdArgList args, CommandContext& ctx);
void CmdZrevrange(CmdArgList args, CommandContext& ctx);
void CmdZrangebyscore(CmdArgList args, CommandContext& ctx);
void CmdZrevrangebyscore(CmdArgList args, CommandContext& ctx);
void CmdZrangebylex(CmdArgList args, CommandContext& ctx);
void CmdZrevrangebylex(CmdArgList args, CommandContext& ctx);
void CmdZremrangebyrank(CmdArgList args, CommandContext& ctx);
void CmdZremrangebyscore(CmdArgList args, CommandContext& ctx);
void CmdZremrangebylex(CmdArgList args, CommandContext& ctx);
void CmdZpopmin(CmdArgList args, CommandContext& ctx);
void CmdZpopmax(CmdArgList args, CommandContext& ctx);

// ZRANDMEMBER, ZSCAN (zset_family_multi.cpp).
void CmdZrandmember(CmdArgList args, CommandContext& ctx);
void CmdZscan(CmdArgList args, CommandContext& ctx);

// ZUNION ZINTER ZDIFF (+STORE), ZINTERCARD, ZMPOP (zset_family_setops.cpp).
void CmdZunion(CmdArgList args, CommandContext& ctx);
void CmdZinter(CmdArgList args, CommandContext& ctx);
void CmdZdiff(CmdArgList args, CommandContext& ctx);
void CmdZunionstore(CmdArgList args, CommandContext& ctx);
void CmdZinterstore(CmdArgList args, CommandContext& ctx);
void CmdZdiffstore(CmdArgList args, CommandContext& ctx);
void CmdZintercard(CmdArgList args, CommandContext& ctx);
void CmdZmpop(CmdArgList args, CommandContext& ctx);
// Key positions for the dispatcher (Redis's getkeys rules; false: the handler reports): numkeys at
// argv[1] with keys after it (ZUNION/ZINTER/ZDIFF/ZINTERCARD/ZMPOP), or destination at argv[1]
// and numkeys at argv[2] (the *STORE forms; destination listed first).
bool ZSetOpKeys(CmdArgList args, KeyIndexes* out);
bool ZSetOpStoreKeys(CmdArgList args, KeyIndexes* out);

// Pops up to `count` (>= 1) members from the sorted set `z` stored at `key`: the lowest scores
// first, or with max the highest first; deletes the key when it becomes empty. Returns the popped
// (member, score) pairs in pop order.
std::vector<ZPair> ZPopN(Db& db, std::string_view key, ZSet* z, bool max, size_t count);

// ZMPOP/BZMPOP's step for one key: when `key` holds a sorted set, pops up to `count` (>= 1)
// members (ZPopN) and replies [key, [[member, score], ...]] (RESP2 scores as bulks, RESP3 as
// doubles); when it holds another type, replies WRONGTYPE. Returns true when it replied, false
// when the key is missing (nothing sent). Looks the key up as a write (no keyspace stats).
bool ZMPopFromKey(CommandContext& ctx, Db& db, std::string_view key, bool max, int64_t count);

}  // namespace fincache
