// PFADD PFCOUNT PFMERGE (HyperLogLog in Redis's sparse/dense string format).
#include "commands/command_registry.h"

namespace fincache {

void RegisterHllFamily(CommandRegistry& r) {}

}  // namespace fincache
