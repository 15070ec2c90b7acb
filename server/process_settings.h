// Settings that belong to the fincache-server process rather than to an engine (an embedded
// engine in Python has none of them): dir, logfile, loglevel, daemonize, pidfile.
#pragma once

#include <string>

namespace fincache {
class Config;
}

namespace fincache::server {

// Registers the process settings in `config`; each takes effect as it is set.
void RegisterProcessSettings(Config& config);

// Writes the pid and a newline to `path` (a failure is logged, not fatal, as in Redis).
void WritePidFile(const std::string& path);

}  // namespace fincache::server
