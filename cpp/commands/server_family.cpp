#include "commands/command_context.h"

namespace fincache {

void RegisterServerFamily(CommandRegistry& r) {}

}  // namespace fincache
