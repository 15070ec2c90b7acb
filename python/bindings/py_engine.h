// PyEngine: an in-process engine as the Python bindings hold it: a ServerState (engine, command
// table, config) built from settings, plus one Dispatcher. Shared (std::shared_ptr) by the
// sessions and servers that use it, so it lives as long as any of them.
#pragma once

#include <pybind11/pybind11.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "commands/dispatcher.h"
#include "commands/server_state.h"

namespace fincache::py {

class PyEngine {
 public:
  // settings: Config names (redis.conf spelling) to values as text.
  explicit PyEngine(const std::map<std::string, std::string>& settings) {
    auto config = std::make_unique<Config>();
    for (const auto& [name, value] : settings) {
      if (!config->Exists(name)) throw pybind11::value_error("unknown setting '" + name + "'");
      std::string err = config->Set(name, value, /*at_startup=*/true);
      if (!err.empty()) throw pybind11::value_error("setting '" + name + "': " + err);
    }
    state_ = std::make_unique<ServerState>(std::move(config), EngineOptions{});
    dispatcher_ = std::make_unique<Dispatcher>(*state_);
  }

  ServerState& state() { return *state_; }
  Dispatcher& dispatcher() { return *dispatcher_; }

  std::optional<std::string> ConfigGet(const std::string& name) const {
    return state_->config().Get(name);
  }

 private:
  std::unique_ptr<ServerState> state_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

}  // namespace fincache::py
