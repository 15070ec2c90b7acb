// BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP (parked clients).
#include "commands/command_registry.h"

namespace fincache {

void RegisterBlockingFamily(CommandRegistry& r) {}

}  // namespace fincache
