// SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO (bit operations on string values).
#include "commands/command_registry.h"

namespace fincache {

void RegisterBitmapFamily(CommandRegistry& r) {}

}  // namespace fincache
