// SORT SORT_RO (BY GET LIMIT ASC/DESC ALPHA STORE).
#include "commands/command_registry.h"

namespace fincache {

void RegisterSortFamily(CommandRegistry& r) {}

}  // namespace fincache
