// ScriptRun: the script or function running now, as the commands other clients may run while it
// is busy see it (SCRIPT KILL, FUNCTION KILL, FUNCTION STATS, the dispatcher's BUSY replies).
//
// At most one script runs at a time (scripts hold the exclusive gate). The running script's
// thread calls Begin/End around it, MarkDirty after a write, and Tick from the Lua count hook;
// once the script has run longer than busy-reply-threshold, Tick marks the gate busy (waiting
// commands get BUSY, allow-busy ones run without the gate) and from then on reports whether
// SCRIPT/FUNCTION KILL asked the script to stop.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/exec_gate.h"

namespace fincache {

// ExecGate busy reasons set by scripts: which BUSY text waiting commands get.
enum BusyReason : int { kBusyNone = 0, kBusyEval = 1, kBusyFunction = 2 };

class ScriptRun {
 public:
  enum class KillResult { kOk, kNotBusy, kUnkillable, kBusyEval, kBusyFunction };

  struct Info {
    bool is_eval = true;
    std::string name;                  // function name (FCALL) or sha (EVAL)
    std::vector<std::string> command;  // the caller's argv
    int64_t duration_ms = 0;
  };

  // busy-reply-threshold in ms (0: never busy).
  std::atomic<int64_t> busy_threshold_ms{5000};

  // name and command must stay valid until End (the caller's argv and its own strings).
  void Begin(ExecGate* gate, bool is_eval, std::string_view name,
             std::span<const std::string_view> command);
  // Clears the busy mark (before the caller releases the gate).
  void End();
  void MarkDirty() { dirty_.store(true, std::memory_order_relaxed); }
  // From the running script's Lua hook: true when the script must stop (killed).
  bool Tick();

  // SCRIPT KILL (is_eval) / FUNCTION KILL.
  KillResult Kill(bool is_eval);
  // Server shutdown: the running script (if any) stops at its next hook, written or not, so
  // no network thread stays stuck in a looping script.
  void Abort() { kill_.store(true, std::memory_order_relaxed); }
  // The busy script, if any (FUNCTION STATS): nullopt when none is busy.
  std::optional<Info> Busy() const;

 private:
  mutable std::mutex mu_;
  bool running_ = false;
  bool busy_ = false;
  bool is_eval_ = true;
  std::string_view name_;
  std::span<const std::string_view> command_;
  int64_t start_us_ = 0;
  ExecGate* gate_ = nullptr;
  std::atomic<bool> dirty_{false};
  std::atomic<bool> kill_{false};
};

}  // namespace fincache
