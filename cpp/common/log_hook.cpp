#include "common/log_hook.h"

#include <atomic>

namespace fincache {

namespace {
std::atomic<LogHook> g_hook{nullptr};
}  // namespace

void SetLogHook(LogHook hook) { g_hook.store(hook, std::memory_order_release); }

void LogThroughHook(LogSeverity level, std::string_view message) {
  if (LogHook hook = g_hook.load(std::memory_order_acquire)) hook(level, message);
}

}  // namespace fincache
