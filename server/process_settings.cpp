#include "process_settings.h"

#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "commands/config.h"
#include "net/log.h"

namespace fincache::server {

void RegisterProcessSettings(Config& config) {
  // The working directory follows `dir` (registered with the snapshot settings in
  // commands/config.cpp, which checks it exists and makes it absolute), as in Redis.
  config.AddListener("dir", [](const std::string& v) {
    if (::chdir(v.c_str()) != 0)
      net::LogWarning("Can't chdir to '" + v + "': " + std::string(std::strerror(errno)));
  });
  // Log destination ("" = stderr), opened at once; a file that can't be opened is an error.
  config.Register({.name = "logfile",
                   .kind = Config::Kind::kString,
                   .immutable = true,
                   .default_value = "",
                   .validate = [](std::string& v) -> std::string {
                     std::string err = net::SetLogFile(v);
                     return err.empty() ? "" : "Can't open the log file: " + err;
                   }});
  config.Register({.name = "loglevel",
                   .kind = Config::Kind::kEnum,
                   .enum_values = {"debug", "verbose", "notice", "warning"},
                   .default_value = "notice",
                   .on_set = [](const std::string& v) {
                     net::LogLevel level;
                     if (net::ParseLogLevel(v, &level)) net::SetLogLevel(level);
                   }});
  // "redis": Redis's log lines; "json": one JSON object per line (time, pid, role, level,
  // message) for log shippers.
  config.Register({.name = "log-format",
                   .kind = Config::Kind::kEnum,
                   .enum_values = {"redis", "json"},
                   .default_value = "redis",
                   .on_set = [](const std::string& v) { net::SetLogFormat(v); }});
  // Accepted for redis.conf compatibility with its only supported value: run fincache-server in
  // the foreground under a service manager (systemd, a container runtime).
  config.Register({.name = "daemonize",
                   .kind = Config::Kind::kBool,
                   .immutable = true,
                   .default_value = "no",
                   .validate = [](std::string& v) -> std::string {
                     if (v == "yes")
                       return "daemonize yes is not supported: run fincache-server in the "
                              "foreground under a service manager";
                     return "";
                   }});
  // Written once the server listens, removed at a clean exit.
  config.Register(
      {.name = "pidfile", .kind = Config::Kind::kString, .immutable = true, .default_value = ""});
}

void WritePidFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) {
    net::LogWarning("Failed to write PID file: " + std::string(std::strerror(errno)));
    return;
  }
  std::fprintf(f, "%d\n", static_cast<int>(getpid()));
  std::fclose(f);
}

}  // namespace fincache::server
