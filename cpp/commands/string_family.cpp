#include "commands/command_context.h"

namespace fincache {

void RegisterStringFamily(CommandRegistry& r) {}

}  // namespace fincache
