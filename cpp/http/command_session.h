// CommandSession: runs commands for an HTTP request (or a WebSocket message) through the
// Dispatcher, with a Session of its own, and gives each reply as JSON (http/json_reply.h).
//
// The session is authenticated as the default user (the HTTP layer checked the Bearer token),
// speaks RESP3 (maps, sets, doubles and booleans keep their JSON types), is not registered as a
// client (CLIENT LIST shows network clients only; an HTTP request is not a connection that
// stays), and can't park: it has no block sink, subscriber or monitor sink, so blocking commands
// answer at once as inside MULTI (BLPOP ... 0 over HTTP replies null without waiting), and
// (P|S)SUBSCRIBE and MONITOR are refused by their handlers. Its MULTI/WATCH state is dropped when
// it ends (each HTTP request is a session of its own, so routes refuse MULTI and WATCH).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "commands/session.h"

namespace fincache {
class ServerState;
class Dispatcher;
}  // namespace fincache

namespace fincache::http {

class CommandSession {
 public:
  CommandSession(ServerState& state, Dispatcher& dispatcher, int db = 0, int resp = 3,
                 std::string_view remote = {});
  ~CommandSession();
  CommandSession(const CommandSession&) = delete;
  CommandSession& operator=(const CommandSession&) = delete;

  struct Reply {
    bool error = false;
    std::string error_text;  // the full Redis error ("ERR ...", "WRONGTYPE ...")
    nlohmann::json value;    // null for an error
  };
  Reply Run(const std::vector<std::string>& argv);
  Reply Run(std::initializer_list<std::string_view> argv);

  Session& session() { return session_; }

 private:
  ServerState& state_;
  Dispatcher& dispatcher_;
  Session session_;
};

}  // namespace fincache::http
