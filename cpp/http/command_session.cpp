#include "http/command_session.h"

#include "commands/dispatcher.h"
#include "commands/multi_family.h"
#include "commands/server_state.h"
#include "http/json_reply.h"

namespace fincache::http {

CommandSession::CommandSession(ServerState& state, Dispatcher& dispatcher, int db, int resp,
                               std::string_view remote)
    : state_(state), dispatcher_(dispatcher) {
  session_.id = state.clients().NextId();
  session_.db_index = db;
  session_.resp = resp;
  session_.authenticated = true;
  session_.is_network = false;  // every reply is final when Dispatch returns (AOF written first)
  session_.addr = std::string(remote);
  session_.created_ms = state.engine().clock().NowMs();
  session_.last_interaction_ms = session_.created_ms;
}

CommandSession::~CommandSession() { DiscardTransaction(session_, state_.engine()); }

CommandSession::Reply CommandSession::Run(const std::vector<std::string>& argv) {
  std::vector<std::string_view> views(argv.begin(), argv.end());
  JsonReplyBuilder rb(session_.resp);
  session_.last_interaction_ms = state_.engine().clock().NowMs();
  dispatcher_.Dispatch(CmdArgList(views.data(), views.size()), session_, rb);
  // HELLO may have switched the dialect; the session follows it for its next command.
  session_.resp = rb.resp_version();
  Reply r;
  r.error = rb.is_error();
  r.error_text = rb.error_text();
  r.value = rb.Take();
  return r;
}

CommandSession::Reply CommandSession::Run(std::initializer_list<std::string_view> argv) {
  std::vector<std::string> v(argv.begin(), argv.end());
  return Run(v);
}

}  // namespace fincache::http
