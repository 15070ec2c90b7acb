#include "commands/command_context.h"

namespace fincache {

void RegisterGenericFamily(CommandRegistry& r) {}

}  // namespace fincache
