// Connection: one RESP client over TCP. Lives on one io_context (one thread), so its members need
// no locking; other threads reach it only through Kill() (CLIENT KILL), which posts to it.
//
// Flow: read a chunk → parse every complete command in it → dispatch each, in order, appending
// the replies to out_ → send everything in one async_write (pipelining). Reading goes on while a
// write is in flight, so a client that sends a long pipeline before reading its replies does not
// deadlock against us.
//
// Blocking commands (BLPOP...): the session's make_block_sink makes a sink that posts the served
// reply to this connection's executor; while a call is parked no further input is processed.
//
// Pub/Sub: the connection's Subscriber (session().subscriber) takes messages on the publisher's
// thread: it encodes them into its own mutex-guarded outbox and posts one drain to this executor
// (the next messages join the same outbox until it runs), so a publisher never waits for this
// client. Messages published by this connection's own command (PUBLISH to itself, keyspace
// notifications of its writes in RESP3) go before that command's reply, as Redis writes them.
// A subscriber whose outbox plus unsent replies pass `client-output-buffer-limit pubsub` (hard
// limit, or soft limit for longer than its seconds) is closed at once, its output dropped.
//
// Memory bounds (per connection):
// - input: a 16 KiB read buffer plus the parser's arena, which holds at most one command, whose
//   bulks are capped by proto-max-bulk-len (and by 16 KiB / 10 args before AUTH when requirepass
//   is set);
// - output: when the not-yet-sent replies exceed kMaxPendingOutput, input processing pauses
//   (no more reads, no more commands) until the client drains them; so a client that never reads
//   costs at most kMaxPendingOutput plus one reply.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <memory>
#include <string>

#include "commands/dispatcher.h"
#include "commands/session.h"
#include "protocol/reply_builder.h"
#include "protocol/resp_parser.h"

namespace fincache::net {

class Connection;
class ConnectionSubscriber;

// What a connection needs from the server that accepted it.
class ConnectionOwner {
 public:
  virtual ~ConnectionOwner() = default;
  virtual ServerState& state() = 0;
  virtual Dispatcher& dispatcher() = 0;
  // Called exactly once per connection, when it closes (on its thread) or is destroyed.
  virtual void Forget(Connection* c) = 0;
};

class Connection final : public std::enable_shared_from_this<Connection>, public ClientControl {
 public:
  static constexpr size_t kReadChunk = 16 * 1024;
  static constexpr size_t kMaxPendingOutput = 64 * 1024 * 1024;
  // Buffers larger than this are released once drained, so an idle client holds little.
  static constexpr size_t kRetainBuffer = 256 * 1024;

  Connection(ConnectionOwner& owner, boost::asio::ip::tcp::socket socket);
  ~Connection() override;

  // Lists the client in state.clients() (CLIENT LIST/KILL see it from now on). Called by the
  // accepting thread before Start() is posted, so a client is visible as soon as it is accepted.
  void Register();
  // Starts reading. Must run on the connection's executor.
  void Start();
  // Closes after the replies already produced are written (thread-safe, async).
  void Kill() override;
  // Closes now, dropping unsent replies. Must run on the connection's executor.
  void Close();

  boost::asio::any_io_executor executor() { return socket_.get_executor(); }
  Session& session() { return session_; }
  // The reply of a parked call, built by the thread that completed it (see ConnectionSink).
  void OnBlockedReply(std::string reply, uint64_t generation);
  // Pub/Sub messages waiting in the subscriber's outbox join the output (posted by it).
  void DrainPushes();

 private:
  void DoRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void ProcessInput();
  void RunCommand(const std::vector<std::string_view>& args);
  void Flush();
  void OnWrite(const boost::system::error_code& ec, size_t n);
  // After reading, writing or being killed: write, read more, or close, as the state says.
  void Continue();
  void UpdateBufferStats();
  void Unregister();
  // Blocking commands: a parked call stops input processing until its reply arrives (posted by
  // the sink from the thread that served it, or built here on timeout); then the commands
  // buffered behind it run.
  void StartBlockWait();
  void OnBlockTimeout(const boost::system::error_code& ec, uint64_t generation);
  void FinishBlock();
  void CancelBlock();
  // CLIENT PAUSE: a command the pause holds is kept (copied) and input processing stops; a
  // timer re-checks the pause until it ends (or CLIENT UNPAUSE), then the command runs.
  void StartPauseWait(const std::vector<std::string_view>& args);
  void OnPauseTimer(const boost::system::error_code& ec);

  ConnectionOwner& owner_;
  boost::asio::ip::tcp::socket socket_;
  Session session_;
  protocol::ParserLimits limits_;
  protocol::RespParser parser_;
  std::string out_;      // replies not yet handed to the socket
  std::string sending_;  // the replies of the write in flight
  protocol::RespWriter writer_;
  std::unique_ptr<char[]> rbuf_;
  size_t rpos_ = 0, rlen_ = 0;  // unprocessed input is rbuf_[rpos_, rlen_)
  bool reading_ = false;
  bool writing_ = false;
  bool closing_ = false;  // close once the pending replies are written; process no more input
  bool closed_ = false;
  bool registered_ = false;
  std::shared_ptr<Waiter> blocked_;  // the parked call, if any
  uint64_t block_generation_ = 0;    // tells a stale timer or reply from the current one
  boost::asio::steady_timer block_timer_;
  bool blocked_reply_dropped_ = false;    // CLIENT REPLY OFF/SKIP when the parked call was made
  std::vector<std::string> paused_args_;  // the command held by CLIENT PAUSE, if any
  bool paused_ = false;
  boost::asio::steady_timer pause_timer_;
  std::unique_ptr<ConnectionSubscriber> subscriber_;
  std::string self_pushes_;  // messages published by the running command (see above)
};

// "ip:port", with [] around IPv6 addresses as Redis shows them.
std::string FormatEndpoint(const boost::asio::ip::tcp::endpoint& ep);

}  // namespace fincache::net
