// PyEngine: an in-process engine as the Python bindings hold it: a ServerState (engine, command
// table, config) built from settings, plus one Dispatcher. Shared (std::shared_ptr) by the
// sessions and servers that use it, so it lives as long as any of them.
#pragma once

#include <pybind11/pybind11.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "commands/aof.h"
#include "commands/dispatcher.h"
#include "commands/persistence.h"
#include "commands/server_state.h"

namespace fincache::py {

class PyEngine {
 public:
  // settings: Config names (redis.conf spelling) to values as text.
  explicit PyEngine(const std::map<std::string, std::string>& settings) {
    auto config = std::make_unique<Config>();
    // An embedded engine persists only when asked to: with dir or dbfilename given it loads
    // that snapshot now and follows the save points; otherwise it has no save points (a
    // notebook's Cache() must not write dump.rdb into the working directory behind its back).
    const bool persistent =
        settings.count("dir") || settings.count("dbfilename") || settings.count("appendonly");
    if (!persistent && !settings.count("save")) config->Set("save", "", /*at_startup=*/true);
    for (const auto& [name, value] : settings) {
      if (!config->Exists(name)) throw pybind11::value_error("unknown setting '" + name + "'");
      std::string err = config->Set(name, value, /*at_startup=*/true);
      if (!err.empty()) throw pybind11::value_error("setting '" + name + "': " + err);
    }
    state_ = std::make_unique<ServerState>(std::move(config), EngineOptions{});
    dispatcher_ = std::make_unique<Dispatcher>(*state_);
    std::string err = LoadDataFromDisk(*state_, /*load_rdb=*/persistent);
    if (!err.empty()) throw std::runtime_error(err);
  }

  ServerState& state() { return *state_; }
  Dispatcher& dispatcher() { return *dispatcher_; }

  std::optional<std::string> ConfigGet(const std::string& name) const {
    return state_->config().Get(name);
  }

  // Whether a command may run keeping the GIL: flagged fast and not blocking (see
  // engine_bindings.cpp). Memoized by the exact name as sent; guarded by the GIL (only Python
  // threads holding it call this), so no lock of its own.
  bool KeepsGil(std::string_view name) {
    if (auto it = keeps_gil_.find(name); it != keeps_gil_.end()) return it->second;
    const CommandSpec* spec = state_->registry().Find(name);
    bool keep = spec && !spec->HasSubcommands() && (spec->flags & CO::kFast) &&
                !(spec->flags & CO::kBlocking);
    // Unknown names are not memoized (any string could be sent); their error is quick anyway.
    if (spec && keeps_gil_.size() < 4096) keeps_gil_.emplace(std::string(name), keep);
    return keep;
  }
  // After the command table changed (a Python command registered or removed): forget the
  // memoized choices. With the GIL.
  void ForgetGilChoices() { keeps_gil_.clear(); }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, bool, StringHash, std::equal_to<>> keeps_gil_;
  std::unique_ptr<ServerState> state_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

// Whether the interpreter is shutting down (no GIL release then).
inline bool Finalizing() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing();
#else
  return _Py_IsFinalizing();
#endif
}

// Which engine's Python-defined command this thread is running (command_bindings.cpp), so the
// engine's own sessions refuse to be used from inside it: the session the command came from may
// be held by this very thread (a self-deadlock), and ctx.call() is the way to run commands there.
struct RunningCommand {
  const ServerState* state = nullptr;
  int depth = 0;  // Python commands nested through ctx.call on this thread

  static RunningCommand& Mine() {
    thread_local RunningCommand r;
    return r;
  }
  class Scope {
   public:
    explicit Scope(const ServerState* state) : saved_(Mine().state) {
      Mine().state = state;
      ++Mine().depth;
    }
    ~Scope() {
      Mine().state = saved_;
      --Mine().depth;
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    const ServerState* saved_;
  };
};

// Raises RuntimeError when called from inside a Python-defined command of this engine.
inline void CheckNotInsideCommand(PyEngine& engine) {
  if (RunningCommand::Mine().state == &engine.state())
    throw std::runtime_error(
        "a registered command's function can't use its own engine through a Cache or "
        "fincache.Redis: run commands with ctx.call(...)");
}

// How the wait for a parked embedded call (BLPOP... from Cache or a Loopback) ended.
enum class ParkedEnd {
  kServed,       // its reply is in
  kTimedOut,     // cancelled at its deadline: the caller writes the command's timeout reply
  kInterrupted,  // a signal handler raised (Ctrl-C): cancelled, the Python error is set
  kCompleting,   // served while the wait ended: its reply is being delivered, wait for it
};

// Waits for a parked call with the GIL released (call it so), in slices so a signal, checked
// with the GIL in the main thread, can cancel it. wait_slice(ms) waits up to that long for the
// reply and returns whether it is in.
template <typename WaitSlice>
ParkedEnd WaitParked(Engine& engine, Waiter& w, WaitSlice&& wait_slice) {
  using Clock = std::chrono::steady_clock;
  const bool forever = w.timeout_ms <= 0;
  const auto deadline = Clock::now() + std::chrono::milliseconds(forever ? 0 : w.timeout_ms);
  constexpr auto kSlice = std::chrono::milliseconds(100);
  for (;;) {
    auto slice = kSlice;
    if (!forever) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) break;
      slice = std::min(slice, left);
    }
    if (wait_slice(slice)) return ParkedEnd::kServed;
    bool signalled;
    {
      pybind11::gil_scoped_acquire gil;
      signalled = PyErr_CheckSignals() != 0;
    }
    if (signalled) {
      if (engine.blocking().Cancel(&w)) return ParkedEnd::kInterrupted;
      // Served meanwhile: deliver the element rather than lose it; drop the interrupt.
      pybind11::gil_scoped_acquire gil;
      PyErr_Clear();
      break;
    }
  }
  return engine.blocking().Cancel(&w) ? ParkedEnd::kTimedOut : ParkedEnd::kCompleting;
}

}  // namespace fincache::py
