#include "net/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <chrono>

#include "commands/aof.h"
#include "commands/multi_family.h"
#include "commands/server_state.h"
#include "net/log.h"

namespace fincache::net {

namespace asio = boost::asio;

std::string FormatEndpoint(const asio::ip::tcp::endpoint& ep) {
  const auto addr = ep.address();
  if (addr.is_v6()) {
    auto v6 = addr.to_v6();
    if (v6.is_v4_mapped())
      return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string() + ":" +
             std::to_string(ep.port());
    return "[" + v6.to_string() + "]:" + std::to_string(ep.port());
  }
  return addr.to_string() + ":" + std::to_string(ep.port());
}

Connection::Connection(ConnectionOwner& owner, asio::ip::tcp::socket socket)
    : owner_(owner),
      socket_(std::move(socket)),
      parser_(&limits_),
      writer_(&out_, 2),
      rbuf_(new char[kReadChunk]),
      block_timer_(socket_.get_executor()),
      pause_timer_(socket_.get_executor()) {}

namespace {

// Hands a blocked call's reply, built on the serving thread, to the connection's executor.
class ConnectionSink final : public WaiterSink {
 public:
  ConnectionSink(std::weak_ptr<Connection> conn, asio::any_io_executor ex, int resp,
                 uint64_t generation)
      : conn_(std::move(conn)), ex_(std::move(ex)), resp_(resp), generation_(generation) {}
  void Complete(const ReplyWriteFn& write) override;

 private:
  std::weak_ptr<Connection> conn_;
  asio::any_io_executor ex_;
  int resp_;
  uint64_t generation_;
};

}  // namespace

// ============================================================================================
// Pub/Sub delivery
// ============================================================================================

namespace {
// The subscriber of the connection whose command this thread is running (its own messages go
// straight before the reply).
thread_local const Subscriber* t_running = nullptr;

void EncodeMessage(std::string* out, int resp, std::string_view kind, std::string_view pattern,
                   std::string_view channel, std::string_view payload) {
  protocol::RespWriter w(out, resp);
  bool with_pattern = kind == "pmessage";
  w.StartPush(with_pattern ? 4 : 3);
  w.SendBulk(kind);
  if (with_pattern) w.SendBulk(pattern);
  w.SendBulk(channel);
  w.SendBulk(payload);
}
}  // namespace

class ConnectionSubscriber final : public Subscriber, public MonitorSink {
 public:
  ConnectionSubscriber(std::weak_ptr<Connection> conn, asio::any_io_executor ex, ServerState& state,
                       const std::atomic<size_t>& unsent, std::string* self_pushes)
      : conn_(std::move(conn)),
        ex_(std::move(ex)),
        state_(state),
        unsent_(unsent),
        self_pushes_(self_pushes) {}

  void Deliver(std::string_view kind, std::string_view pattern, std::string_view channel,
               std::string_view payload) override {
    int resp = resp_.load(std::memory_order_relaxed);
    if (t_running == this) {
      EncodeMessage(self_pushes_, resp, kind, pattern, channel, payload);
      return;
    }
    // One encoding per message and protocol for all the subscribers of a publish (messages up
    // to 64 KiB; larger ones are encoded straight into each outbox, nothing big stays cached).
    thread_local struct {
      uint64_t id = 0;
      std::string bytes;
    } t_encoded[2];
    const bool cache = pattern.size() + channel.size() + payload.size() <= 64 * 1024;
    auto& enc = t_encoded[resp == 3];
    if (cache && (enc.id != PubSub::DeliveryId() || enc.bytes.empty())) {
      enc.bytes.clear();
      EncodeMessage(&enc.bytes, resp, kind, pattern, channel, payload);
      enc.id = PubSub::DeliveryId();
    }
    std::lock_guard lk(mu_);
    if (killed_) return;
    if (cache)
      outbox_.append(enc.bytes);
    else
      EncodeMessage(&outbox_, resp, kind, pattern, channel, payload);
    if (OverLimitLocked()) {
      killed_ = true;
      std::string().swap(outbox_);
      asio::post(ex_, [conn = conn_] {
        if (auto c = conn.lock()) {
          LogWarning("Client id=" + std::to_string(c->session().id) +
                     " scheduled to be closed ASAP for overcoming of output buffer limits.");
          c->Close();
        }
      });
      return;
    }
    if (!posted_.load(std::memory_order_relaxed)) {
      posted_.store(true, std::memory_order_relaxed);
      asio::post(ex_, [conn = conn_] {
        if (auto c = conn.lock()) c->DrainPushes();
      });
    }
  }

  // MONITOR lines join the same outbox as messages, after the reply of the command that made
  // them (Redis feeds monitors once a command ran). A monitor that can't keep up is closed at
  // the replica class's hard output limit (Redis's monitors are replica-class clients).
  void FeedMonitor(std::string_view line) override {
    std::lock_guard lk(mu_);
    if (killed_) return;
    outbox_.append(line);
    const int64_t hard =
        state_.config().obuf_limits[Config::kObufReplica].hard.load(std::memory_order_relaxed);
    if (hard &&
        static_cast<int64_t>(outbox_.size() + unsent_.load(std::memory_order_relaxed)) >= hard) {
      killed_ = true;
      std::string().swap(outbox_);
      asio::post(ex_, [conn = conn_] {
        if (auto c = conn.lock()) {
          LogWarning("Client id=" + std::to_string(c->session().id) +
                     " scheduled to be closed ASAP for overcoming of output buffer limits.");
          c->Close();
        }
      });
      return;
    }
    if (!posted_.load(std::memory_order_relaxed)) {
      posted_.store(true, std::memory_order_relaxed);
      asio::post(ex_, [conn = conn_] {
        if (auto c = conn.lock()) c->DrainPushes();
      });
    }
  }

  // On the connection's executor: moves the waiting messages to out.
  void TakeOutbox(std::string* out) {
    std::lock_guard lk(mu_);
    posted_.store(false, std::memory_order_relaxed);
    if (outbox_.empty()) return;
    if (out->empty())
      out->swap(outbox_);
    else
      out->append(outbox_);
    outbox_.clear();
    if (outbox_.capacity() > Connection::kRetainBuffer) std::string().swap(outbox_);
  }
  bool HasPending() const { return posted_.load(std::memory_order_relaxed); }
  void set_resp(int v) { resp_.store(v, std::memory_order_relaxed); }
  static void SetRunning(const Subscriber* s) { t_running = s; }

 private:
  // Redis's checkClientOutputBufferLimits for the pubsub class: over the hard limit, or over
  // the soft limit for more than soft-seconds (the clock starts when first seen over it).
  bool OverLimitLocked() {
    const auto& lim = state_.config().obuf_limits[Config::kObufPubSub];
    int64_t hard = lim.hard.load(std::memory_order_relaxed);
    int64_t soft = lim.soft.load(std::memory_order_relaxed);
    auto used = static_cast<int64_t>(outbox_.size() + unsent_.load(std::memory_order_relaxed));
    if (hard && used >= hard) return true;
    if (!soft || used < soft) {
      soft_since_s_ = 0;
      return false;
    }
    int64_t now_s = state_.engine().clock().NowMs() / 1000;
    if (soft_since_s_ == 0) {
      soft_since_s_ = now_s;
      return false;
    }
    return now_s - soft_since_s_ > lim.soft_seconds.load(std::memory_order_relaxed);
  }

  std::weak_ptr<Connection> conn_;
  asio::any_io_executor ex_;
  ServerState& state_;
  const std::atomic<size_t>& unsent_;  // the connection's replies not yet written
  std::string* self_pushes_;           // touched only by the connection's own thread
  std::atomic<int> resp_{2};
  std::atomic<bool> posted_{false};
  std::mutex mu_;
  std::string outbox_;
  bool killed_ = false;
  int64_t soft_since_s_ = 0;
};

void Connection::DrainPushes() {
  if (closed_ || !subscriber_) return;
  subscriber_->TakeOutbox(&out_);
  Continue();
}

Connection::~Connection() { Unregister(); }

void Connection::Unregister() {
  CancelBlock();
  if (!closed_) DiscardTransaction(session_, owner_.state().engine());  // unwatch its keys
  // No message is delivered to the subscriber once this returns.
  if (subscriber_) owner_.state().engine().pubsub().UnsubscribeAll(subscriber_.get());
  if (session_.monitoring.exchange(false)) owner_.state().monitors().Remove(subscriber_.get());
  pause_timer_.cancel();
  if (registered_) {
    owner_.state().clients().Unregister(&session_);
    registered_ = false;
  }
  if (!closed_) {
    closed_ = true;
    owner_.Forget(this);
  }
}

void Connection::Register() {
  ServerState& state = owner_.state();
  boost::system::error_code ec;
  session_.id = state.clients().NextId();
  session_.is_network = true;
  session_.authenticated = !state.config().has_requirepass.load();
  {
    std::lock_guard lk(session_.info_mu);
    auto remote = socket_.remote_endpoint(ec);
    session_.addr = ec ? "?:0" : FormatEndpoint(remote);
    auto local = socket_.local_endpoint(ec);
    session_.laddr = ec ? "?:0" : FormatEndpoint(local);
  }
  session_.fd = socket_.native_handle();
  session_.created_ms = state.engine().clock().NowMs();
  session_.last_interaction_ms = session_.created_ms;
  session_.control = this;
  session_.make_block_sink = [this]() -> std::shared_ptr<WaiterSink> {
    return std::make_shared<ConnectionSink>(weak_from_this(), socket_.get_executor(), session_.resp,
                                            ++block_generation_);
  };
  subscriber_ = std::make_unique<ConnectionSubscriber>(
      weak_from_this(), socket_.get_executor(), state, session_.output_buffer_bytes, &self_pushes_);
  session_.subscriber = subscriber_.get();
  session_.monitor_sink = subscriber_.get();
  state.clients().Register(&session_);
  registered_ = true;
}

void Connection::Start() {
  if (closed_) return;
  DoRead();
}

void Connection::Kill() {
  session_.kill_requested.store(true);
  asio::post(socket_.get_executor(), [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      if (self->closed_) return;
      self->closing_ = true;
      self->Continue();
    }
  });
}

void Connection::Close() {
  if (closed_) return;
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  Unregister();
}

void Connection::DoRead() {
  reading_ = true;
  socket_.async_read_some(asio::buffer(rbuf_.get(), kReadChunk),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const boost::system::error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    // EOF or reset. A client that half-closes after its last command still gets the replies
    // already on their way; nothing more is read.
    closing_ = true;
    if (ec != asio::error::eof) out_.clear();
    Continue();
    return;
  }
  ServerState& state = owner_.state();
  state.net_input_bytes.fetch_add(n, std::memory_order_relaxed);
  state.total_reads_processed.fetch_add(1, std::memory_order_relaxed);
  session_.total_bytes_in.fetch_add(n, std::memory_order_relaxed);
  session_.last_interaction_ms.store(state.engine().clock().NowMs(), std::memory_order_relaxed);
  rpos_ = 0;
  rlen_ = n;
  ProcessInput();
  Continue();
}

void Connection::ProcessInput() {
  Config& config = owner_.state().config();
  limits_.proto_max_bulk_len = config.proto_max_bulk_len.load(std::memory_order_relaxed);
  while (rpos_ < rlen_ && !closing_ && !blocked_ && !paused_ && out_.size() < kMaxPendingOutput) {
    parser_.set_authenticated(session_.authenticated || !config.has_requirepass.load());
    size_t consumed = 0;
    auto status = parser_.Parse(std::string_view(rbuf_.get() + rpos_, rlen_ - rpos_), &consumed);
    rpos_ += consumed;
    switch (status) {
      case protocol::RespParser::Status::kNeedMore:
        rpos_ = rlen_;
        break;
      case protocol::RespParser::Status::kCommand:
        RunCommand(parser_.args());
        break;
      case protocol::RespParser::Status::kError:
        // Redis replies the protocol error and closes the connection after the reply.
        writer_.SendError("ERR " + parser_.error());
        owner_.state().CountError("ERR");
        closing_ = true;
        rpos_ = rlen_;
        break;
    }
  }
  UpdateBufferStats();
}

void Connection::RunCommand(const std::vector<std::string_view>& args) {
  if (args.empty()) return;
  // CLIENT PAUSE holds this command until the pause ends.
  if (owner_.dispatcher().PausedFor(CmdArgList(args.data(), args.size()), session_)) {
    StartPauseWait(args);
    return;
  }
  // The writer and the session agree on the dialect; a command (HELLO) may switch either.
  const int before = session_.resp;
  writer_.SetRespVersion(before);
  // Messages that arrived before this command go out before its reply.
  if (subscriber_ && subscriber_->HasPending()) subscriber_->TakeOutbox(&out_);
  const size_t reply_at = out_.size();
  // CLIENT REPLY SKIP drops the reply of the command after it.
  const bool skip_this = session_.reply_skip;
  session_.reply_skip = false;
  session_.suppress_reply = false;
  ConnectionSubscriber::SetRunning(subscriber_.get());
  owner_.dispatcher().Dispatch(CmdArgList(args.data(), args.size()), session_, writer_);
  ConnectionSubscriber::SetRunning(nullptr);
  // CLIENT REPLY OFF|SKIP: the reply is dropped (pushes are kept, as Redis delivers them).
  const bool drop_reply = skip_this || session_.reply_off || session_.suppress_reply;
  if (drop_reply) out_.resize(reply_at);
  if (session_.reply_skip_next) {
    session_.reply_skip_next = false;
    session_.reply_skip = true;
  }
  blocked_reply_dropped_ = drop_reply;
  if (!self_pushes_.empty()) {
    out_.insert(reply_at, self_pushes_);
    self_pushes_.clear();
  }
  if (session_.blocked) StartBlockWait();
  if (session_.resp != before)
    writer_.SetRespVersion(session_.resp);
  else if (writer_.resp_version() != before)
    session_.resp = writer_.resp_version();
  if (subscriber_) subscriber_->set_resp(session_.resp);
  if (session_.close_after_reply || session_.kill_requested.load(std::memory_order_relaxed))
    closing_ = true;
}

void Connection::Flush() {
  if (writing_ || out_.empty() || closed_) return;
  // Replies leave only once the writes they acknowledge are in the AOF (commands/aof.h).
  owner_.state().aof().BeforeReply();
  sending_.swap(out_);
  out_.clear();
  writing_ = true;
  asio::async_write(socket_, asio::buffer(sending_),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
                      self->OnWrite(ec, n);
                    });
}

void Connection::OnWrite(const boost::system::error_code& ec, size_t n) {
  writing_ = false;
  if (closed_) return;
  owner_.state().net_output_bytes.fetch_add(n, std::memory_order_relaxed);
  owner_.state().total_writes_processed.fetch_add(1, std::memory_order_relaxed);
  session_.total_bytes_out.fetch_add(n, std::memory_order_relaxed);
  if (ec) {
    Close();
    return;
  }
  sending_.clear();
  if (sending_.capacity() > kRetainBuffer) std::string().swap(sending_);
  // Input left unprocessed because too much output was pending can go on now.
  if (rpos_ < rlen_) ProcessInput();
  Continue();
}

void Connection::Continue() {
  if (closed_) return;
  Flush();
  if (!writing_ && out_.capacity() > kRetainBuffer) std::string().swap(out_);
  UpdateBufferStats();
  if (closing_) {
    if (!writing_) Close();
    return;
  }
  if (!reading_ && rpos_ >= rlen_) DoRead();
}

void Connection::UpdateBufferStats() {
  session_.query_buffer_bytes.store((rlen_ - rpos_) + parser_.AllocatedBytes(),
                                    std::memory_order_relaxed);
  session_.output_buffer_bytes.store(out_.size() + sending_.size(), std::memory_order_relaxed);
}

// ============================================================================================
// Blocked calls
// ============================================================================================

void ConnectionSink::Complete(const ReplyWriteFn& write) {
  std::string out;
  protocol::RespWriter w(&out, resp_);
  write(w);
  asio::post(ex_, [conn = conn_, out = std::move(out), gen = generation_]() mutable {
    if (auto c = conn.lock()) c->OnBlockedReply(std::move(out), gen);
  });
}

void Connection::StartBlockWait() {
  blocked_ = std::move(session_.blocked);
  // The timer is armed even without a timeout: its pending handler keeps the connection alive
  // while no read is pending (input buffered behind the blocked command).
  if (blocked_->timeout_ms > 0)
    block_timer_.expires_after(std::chrono::milliseconds(blocked_->timeout_ms));
  else
    block_timer_.expires_at(asio::steady_timer::time_point::max());
  block_timer_.async_wait(
      [self = shared_from_this(), gen = block_generation_](const boost::system::error_code& ec) {
        self->OnBlockTimeout(ec, gen);
      });
}

void Connection::OnBlockTimeout(const boost::system::error_code& ec, uint64_t generation) {
  if (ec || closed_ || !blocked_ || generation != block_generation_) return;
  // Still waiting: reply the timeout ourselves. Otherwise the served reply is on its way.
  if (!owner_.state().engine().blocking().Cancel(blocked_.get())) return;
  writer_.SetRespVersion(session_.resp);
  const size_t reply_at = out_.size();
  blocked_->timeout_reply(writer_);
  if (blocked_reply_dropped_) out_.resize(reply_at);
  FinishBlock();
}

void Connection::OnBlockedReply(std::string reply, uint64_t generation) {
  if (closed_ || !blocked_ || generation != block_generation_) return;
  if (!blocked_reply_dropped_) out_.append(reply);
  FinishBlock();
}

void Connection::FinishBlock() {
  blocked_.reset();
  block_timer_.cancel();
  session_.last_interaction_ms.store(owner_.state().engine().clock().NowMs(),
                                     std::memory_order_relaxed);
  if (rpos_ < rlen_) ProcessInput();
  Continue();
}

// ============================================================================================
// CLIENT PAUSE
// ============================================================================================

void Connection::StartPauseWait(const std::vector<std::string_view>& args) {
  paused_args_.assign(args.begin(), args.end());
  paused_ = true;
  // Re-checked at the end of the pause, and every 10ms for an earlier CLIENT UNPAUSE.
  const int64_t left =
      owner_.state().client_pause().end_ms() - owner_.state().engine().clock().NowMs();
  pause_timer_.expires_after(std::chrono::milliseconds(std::clamp<int64_t>(left, 1, 10)));
  pause_timer_.async_wait(
      [self = shared_from_this()](const boost::system::error_code& ec) { self->OnPauseTimer(ec); });
}

void Connection::OnPauseTimer(const boost::system::error_code& ec) {
  if (ec || closed_ || !paused_) return;
  std::vector<std::string> held = std::move(paused_args_);
  paused_args_.clear();
  paused_ = false;
  std::vector<std::string_view> views(held.begin(), held.end());
  RunCommand(views);  // waits again if the pause still holds it
  if (paused_) return;
  if (rpos_ < rlen_) ProcessInput();
  Continue();
}

void Connection::CancelBlock() {
  if (!blocked_) return;
  owner_.state().engine().blocking().Cancel(blocked_.get());
  blocked_.reset();
  block_timer_.cancel();
}

}  // namespace fincache::net
