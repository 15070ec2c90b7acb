#include "commands/script_run.h"

#include <chrono>

#include "common/log_hook.h"

namespace fincache {

namespace {
int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void ScriptRun::Begin(ExecGate* gate, bool is_eval, std::string_view name,
                      std::span<const std::string_view> command) {
  std::lock_guard lk(mu_);
  running_ = true;
  busy_ = false;
  is_eval_ = is_eval;
  name_ = name;
  command_ = command;
  start_us_ = NowUs();
  gate_ = gate;
  dirty_.store(false, std::memory_order_relaxed);
  kill_.store(false, std::memory_order_relaxed);
}

void ScriptRun::End() {
  std::lock_guard lk(mu_);
  if (busy_ && gate_) gate_->SetBusy(kBusyNone);
  if (busy_)
    LogThroughHook(LogSeverity::kWarning, "Slow script finished running after " +
                                              std::to_string((NowUs() - start_us_) / 1000) +
                                              " milliseconds");
  running_ = false;
  busy_ = false;
  gate_ = nullptr;
  name_ = {};
  command_ = {};
}

bool ScriptRun::Tick() {
  if (kill_.load(std::memory_order_relaxed)) return true;
  int64_t threshold = busy_threshold_ms.load(std::memory_order_relaxed);
  std::lock_guard lk(mu_);
  if (busy_ || threshold <= 0) return false;
  int64_t elapsed_ms = (NowUs() - start_us_) / 1000;
  if (elapsed_ms < threshold) return false;
  busy_ = true;
  LogThroughHook(LogSeverity::kWarning,
                 "Slow script detected: still in execution after " + std::to_string(elapsed_ms) +
                     " milliseconds. You can try killing the script using the " +
                     (is_eval_ ? "SCRIPT KILL" : "FUNCTION KILL") +
                     " command. Script name is: " + std::string(name_) + ".");
  if (gate_) gate_->SetBusy(is_eval_ ? kBusyEval : kBusyFunction);
  return false;
}

ScriptRun::KillResult ScriptRun::Kill(bool is_eval) {
  std::lock_guard lk(mu_);
  if (!running_ || !busy_) return KillResult::kNotBusy;
  if (dirty_.load(std::memory_order_relaxed)) return KillResult::kUnkillable;
  if (is_eval && !is_eval_) return KillResult::kBusyFunction;
  if (!is_eval && is_eval_) return KillResult::kBusyEval;
  kill_.store(true, std::memory_order_relaxed);
  return KillResult::kOk;
}

std::optional<ScriptRun::Info> ScriptRun::Busy() const {
  std::lock_guard lk(mu_);
  if (!running_ || !busy_) return std::nullopt;
  Info out;
  out.is_eval = is_eval_;
  out.name.assign(name_);
  out.command.assign(command_.begin(), command_.end());
  out.duration_ms = (NowUs() - start_us_) / 1000;
  return out;
}

}  // namespace fincache
