// The list of command families. Adding a family: one declaration and one call here.
#include "commands/command_registry.h"

namespace fincache {

void RegisterConnectionFamily(CommandRegistry& r);  // PING ECHO HELLO AUTH QUIT RESET SELECT CLIENT
void RegisterStringFamily(CommandRegistry& r);      // GET SET INCR APPEND LCS ...
void RegisterGenericFamily(CommandRegistry& r);     // DEL EXISTS EXPIRE SCAN RENAME COPY ...
void RegisterServerFamily(CommandRegistry& r);      // INFO CONFIG COMMAND DBSIZE FLUSHALL TIME ...
void RegisterListFamily(CommandRegistry& r);        // LPUSH LPOP LRANGE LPOS LMOVE LMPOP ...
void RegisterZsetFamily(CommandRegistry& r);        // ZADD ZRANGE ZSCORE ZPOPMIN ZUNIONSTORE ...
void RegisterHashFamily(CommandRegistry& r);      // HSET HGET HGETALL HINCRBY HRANDFIELD HSCAN ...
void RegisterSetFamily(CommandRegistry& r);       // SADD SREM SMEMBERS SINTER SUNIONSTORE SSCAN ...
void RegisterBitmapFamily(CommandRegistry& r);    // SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
void RegisterHllFamily(CommandRegistry& r);       // PFADD PFCOUNT PFMERGE
void RegisterGeoFamily(CommandRegistry& r);       // GEOADD GEODIST GEOSEARCH GEORADIUS ...
void RegisterSortFamily(CommandRegistry& r);      // SORT SORT_RO
void RegisterBlockingFamily(CommandRegistry& r);  // BLPOP BRPOP BLMOVE BZPOPMIN BZMPOP ...
void RegisterScriptingFamily(CommandRegistry& r);  // EVAL EVALSHA EVAL_RO SCRIPT ...
void RegisterMultiFamily(CommandRegistry& r);      // MULTI EXEC DISCARD WATCH UNWATCH
void RegisterPubSubFamily(CommandRegistry& r);     // SUBSCRIBE PUBLISH PSUBSCRIBE PUBSUB ...
void RegisterMemoryFamily(CommandRegistry& r);     // MEMORY USAGE STATS DOCTOR ...

void RegisterAllFamilies(CommandRegistry& r) {
  RegisterConnectionFamily(r);
  RegisterStringFamily(r);
  RegisterGenericFamily(r);
  RegisterServerFamily(r);
  RegisterHashFamily(r);
  RegisterListFamily(r);
  RegisterZsetFamily(r);
  RegisterSetFamily(r);
  RegisterBitmapFamily(r);
  RegisterHllFamily(r);
  RegisterGeoFamily(r);
  RegisterSortFamily(r);
  RegisterBlockingFamily(r);
  RegisterScriptingFamily(r);
  RegisterMultiFamily(r);
  RegisterPubSubFamily(r);
  RegisterMemoryFamily(r);
}

}  // namespace fincache
