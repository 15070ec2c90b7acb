// GEOADD GEODIST GEOHASH GEOPOS GEOSEARCH GEORADIUS* (sorted sets with 52-bit geohash scores).
#include "commands/command_registry.h"

namespace fincache {

void RegisterGeoFamily(CommandRegistry& r) {}

}  // namespace fincache
