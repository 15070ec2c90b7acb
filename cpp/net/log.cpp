#include "net/log.h"

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>

#include "common/log_hook.h"
#include "common/strings.h"

namespace fincache::net {

namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kNotice)};
std::atomic<bool> g_json{false};

std::mutex g_file_mu;
int g_fd = -1;  // -1: stderr

// Layers below net (commands, scripts: redis.log) log through common/log_hook.h.
[[maybe_unused]] const bool g_hook_installed = [] {
  SetLogHook([](LogSeverity level, std::string_view message) {
    Log(static_cast<LogLevel>(level), message);
  });
  return true;
}();

}  // namespace

bool ParseLogLevel(std::string_view name, LogLevel* out) {
  static constexpr std::pair<std::string_view, LogLevel> kLevels[] = {
      {"debug", LogLevel::kDebug},
      {"verbose", LogLevel::kVerbose},
      {"notice", LogLevel::kNotice},
      {"warning", LogLevel::kWarning}};
  for (auto& [n, l] : kLevels) {
    if (n == name) {
      *out = l;
      return true;
    }
  }
  return false;
}

bool SetLogFormat(std::string_view name) {
  if (name != "redis" && name != "json") return false;
  g_json.store(name == "json");
  return true;
}

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }

std::string SetLogFile(const std::string& path) {
  int fd = -1;
  if (!path.empty()) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return std::strerror(errno);
  }
  std::lock_guard lk(g_file_mu);
  if (g_fd >= 0) ::close(g_fd);
  g_fd = fd;
  return "";
}

void Log(LogLevel level, std::string_view message) {
  if (static_cast<int>(level) < g_level.load(std::memory_order_relaxed)) return;
  static constexpr char kMarks[] = {'.', '-', '*', '#'};
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  struct tm tm;
  if (g_json.load(std::memory_order_relaxed)) {
    static constexpr const char* kNames[] = {"debug", "verbose", "notice", "warning"};
    gmtime_r(&tv.tv_sec, &tm);
    char ts[64];
    size_t n = std::strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(ts + n, sizeof(ts) - n, ".%03dZ", static_cast<int>(tv.tv_usec / 1000));
    std::string line = "{\"time\":\"";
    line += ts;
    line += "\",\"pid\":" + std::to_string(getpid()) + ",\"role\":\"M\",\"level\":\"";
    line += kNames[static_cast<int>(level)];
    line += "\",\"message\":";
    AppendJsonString(&line, message, JsonEscape::kText);
    line += "}\n";
    std::lock_guard lk(g_file_mu);
    int fd = g_fd >= 0 ? g_fd : STDERR_FILENO;
    ssize_t w = ::write(fd, line.data(), line.size());
    (void)w;
    return;
  }
  localtime_r(&tv.tv_sec, &tm);
  char stamp[64];
  size_t n = std::strftime(stamp, sizeof(stamp), "%d %b %Y %H:%M:%S", &tm);
  std::string line = std::to_string(getpid()) + ":M " + std::string(stamp, n);
  char ms[8];
  std::snprintf(ms, sizeof(ms), ".%03d ", static_cast<int>(tv.tv_usec / 1000));
  line += ms;
  line += kMarks[static_cast<int>(level)];
  line += ' ';
  line.append(message);
  line += '\n';
  std::lock_guard lk(g_file_mu);
  int fd = g_fd >= 0 ? g_fd : STDERR_FILENO;
  ssize_t w = ::write(fd, line.data(), line.size());
  (void)w;
}

}  // namespace fincache::net
