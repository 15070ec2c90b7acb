// LogHook: how layers below cpp/net (commands, scripts) write to the process log without
// depending on it. The front door that owns the log (cpp/net/log.cpp) installs the hook; with
// none installed (an embedded engine with no server), messages are dropped.
#pragma once

#include <string_view>

namespace fincache {

// Levels as Redis's: 0 debug, 1 verbose, 2 notice, 3 warning.
enum class LogSeverity { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3 };

using LogHook = void (*)(LogSeverity level, std::string_view message);

void SetLogHook(LogHook hook);
// Writes through the installed hook (a no-op without one). Thread-safe.
void LogThroughHook(LogSeverity level, std::string_view message);

}  // namespace fincache
