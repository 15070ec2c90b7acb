// Memory: the maxmemory settings (registered into every Config) and the MEMORY command family
// (memory_family.cpp). Eviction itself lives in the engine (engine/evict.h); the dispatcher
// runs it before commands and answers OOM (dispatcher.cpp).
#pragma once

#include <cstdint>
#include <string_view>

namespace fincache {

class Config;
class CommandRegistry;

// maxmemory, maxmemory-policy, maxmemory-samples, maxmemory-eviction-tenacity, lfu-log-factor,
// lfu-decay-time, with Redis's parsing and CONFIG SET errors. Called by Config's constructor;
// ServerState forwards the values to the engine's Evictor.
void RegisterMemorySettings(Config& config);

// Redis's memtoull: digits with an optional unit (b, k, kb, m, mb, g, gb, any case); a
// leading '-', any other character or more than 127 digits is an error; overflow saturates in
// the digits and wraps in the unit multiplication, as Redis does.
bool ParseMemoryUll(std::string_view s, uint64_t* out);

// MEMORY DOCTOR/MALLOC-STATS/PURGE/STATS/USAGE/HELP.
void RegisterMemoryFamily(CommandRegistry& r);

}  // namespace fincache
