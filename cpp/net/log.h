// Process log in Redis's line format: "pid:M 22 Nov 2026 04:03:00.123 * message", or JSON lines
// (log-format json) for log shippers.
// Marks: '.' debug, '-' verbose, '*' notice, '#' warning. Goes to stderr, or to a file set with
// SetLogFile (the `logfile` setting). Thread-safe; a line is written with one write(2).
#pragma once

#include <string>
#include <string_view>

namespace fincache::net {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3 };

// Parses "debug" / "verbose" / "notice" / "warning"; false when unknown.
bool ParseLogLevel(std::string_view name, LogLevel* out);
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

// "redis" (the line format above) or "json": one object per line,
//   {"time":"2026-12-04T17:40:00.123Z","pid":123,"role":"M","level":"notice","message":"..."}
bool SetLogFormat(std::string_view name);

// Appends to `path` from now on ("" = stderr). Returns "" or the reason the file can't be opened.
std::string SetLogFile(const std::string& path);

void Log(LogLevel level, std::string_view message);
inline void LogWarning(std::string_view m) { Log(LogLevel::kWarning, m); }
inline void LogNotice(std::string_view m) { Log(LogLevel::kNotice, m); }
inline void LogVerbose(std::string_view m) { Log(LogLevel::kVerbose, m); }

}  // namespace fincache::net
