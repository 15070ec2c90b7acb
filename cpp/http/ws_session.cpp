#include "http/ws_session.h"

#include <algorithm>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cmath>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/aof.h"
#include "commands/dispatcher.h"
#include "commands/server_state.h"
#include "common/strings.h"
#include "http/json_reply.h"
#include "net/connection.h"
#include "net/log.h"
#include "protocol/resp_value.h"

// How a WebSocket client works (one WsSession per socket, all of it on one strand):
//
// - Input: one frame at a time (async_read), parsed as JSON and turned into an argv for the
//   Dispatcher, run with the session's own Session (RESP3, so PUBLISH is allowed while
//   subscribed, and the subscribe confirmations come back as pushes); the replies, collected in
//   a ValueBuilder, become JSON frames.
// - Messages: the session is the Subscriber of its Session. Deliver runs on the publisher's
//   thread: it encodes the JSON frame (once per publish for all the WebSocket subscribers),
//   appends it to a mutex-guarded outbox and posts one drain to the strand, as a RESP
//   connection does (net/connection.cpp). Messages a request of this client publishes to itself
//   go before that request's reply; messages that arrived before a request go before its reply.
// - Output: frames wait in out_ and are written one async_write at a time, in order.
// - Memory: a frame is at most max_frame bytes (Beast closes with 1009 above it); while more
//   than kMaxPendingOutput bytes of replies wait for a client that doesn't read, no more frames
//   are read; the outbox plus the unsent frames are checked against client-output-buffer-limit
//   pubsub on each message: over it, the outbox is dropped, no message is taken any more, and
//   the socket closes with 1008 after the frame being written (or kCloseGrace later at most).
// - Closing (peer close frame, error, CLIENT KILL, output limit): Teardown unsubscribes
//   everything (after that PubSub makes no Deliver call), unlists the client and closes the
//   socket; the destructor does it too, so no Subscriber outlives its session in the hub.

namespace fincache::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using ojson = nlohmann::ordered_json;
using protocol::RespValue;

// Replies waiting for a client that doesn't read: above this, reading pauses.
constexpr size_t kMaxPendingOutput = 16 * 1024 * 1024;
// Bookkeeping counted per queued frame against the limits besides its bytes.
constexpr size_t kFrameOverhead = 32;
// How long a close may wait for the frame in flight and the peer's answer.
constexpr auto kCloseGrace = std::chrono::seconds(5);
// The same when the HTTP server stops.
constexpr auto kShutdownGrace = std::chrono::seconds(1);
// Keep-alive: a ping after half of it without input, closed after all of it.
constexpr auto kIdleTimeout = std::chrono::seconds(60);

// ============================================================================================
// Frames (names and payloads by the REST API's conventions, http/json_reply.h)
// ============================================================================================

// Bytes as a frame field: a string when valid UTF-8, else {"base64": ...}.
ojson Field(std::string_view bytes) { return ojson(BytesToJson(bytes)); }

std::string Dump(const ojson& j) {
  // Strings were checked for UTF-8 before; replace is a guard, never expected to act.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ErrorFrame(std::string_view text) {
  ojson j = ojson::object();
  j["type"] = "error";
  j["error"] = Field(text);
  return Dump(j);
}

// {"type":"message","channel":c,"data":m} / {"type":"pmessage","pattern":p,"channel":c,...}
std::string MessageFrame(std::string_view kind, std::string_view pattern, std::string_view channel,
                         std::string_view payload) {
  ojson j = ojson::object();
  j["type"] = std::string(kind);
  if (kind == "pmessage") j["pattern"] = Field(pattern);
  j["channel"] = Field(channel);
  j["data"] = Field(payload);
  return Dump(j);
}

// One reply of a dispatched request as a frame.
std::string ReplyFrame(const RespValue& v, std::string_view op) {
  if (v.type == RespValue::Type::kError) return ErrorFrame(v.str);
  ojson j = ojson::object();
  // The subscribe family: [kind, name or nil, count] pushes.
  if (v.type == RespValue::Type::kPush && v.elems.size() == 3 &&
      v.elems[0].type == RespValue::Type::kBulk && v.elems[2].type == RespValue::Type::kInteger) {
    const std::string& kind = v.elems[0].str;
    j["type"] = kind;
    const bool pattern = kind == "psubscribe" || kind == "punsubscribe";
    j[pattern ? "pattern" : "channel"] =
        v.elems[1].type == RespValue::Type::kBulk ? Field(v.elems[1].str) : ojson(nullptr);
    j["count"] = v.elems[2].integer;
    return Dump(j);
  }
  if (op == "publish" && v.type == RespValue::Type::kInteger) {
    j["type"] = "publish";
    j["receivers"] = v.integer;
    return Dump(j);
  }
  // Not expected from these commands (pushes, an integer or an error).
  return ErrorFrame("ERR unexpected reply to '" + std::string(op) + "'");
}

// The subscriber whose request this thread is running (its own messages go before the reply).
thread_local const void* t_running = nullptr;

// ============================================================================================
// WsSession
// ============================================================================================

class WsSession;

// Live sessions by the execution context of their socket (CloseWebSocketSessions). Never
// destroyed: sessions may end during static destruction.
struct LiveSessions {
  std::mutex mu;
  std::unordered_map<const asio::execution_context*,
                     std::unordered_map<const WsSession*, std::weak_ptr<WsSession>>>
      by_ctx;
};
LiveSessions& Live() {
  static auto* live = new LiveSessions;
  return *live;
}

class WsSession final : public std::enable_shared_from_this<WsSession>,
                        public Subscriber,
                        public ClientControl {
 public:
  WsSession(tcp::socket socket, ServerState& state, Dispatcher& dispatcher)
      : ws_(std::move(socket)),
        ex_(ws_.get_executor()),
        state_(state),
        dispatcher_(dispatcher),
        close_timer_(ws_.get_executor()),
        pause_timer_(ws_.get_executor()) {}

  ~WsSession() override { Teardown(); }

  const asio::any_io_executor& executor() const { return ex_; }

  // Listed for CloseWebSocketSessions until Teardown.
  void Track(const asio::execution_context* ctx) {
    ctx_ = ctx;
    std::lock_guard lk(Live().mu);
    Live().by_ctx[ctx][this] = weak_from_this();
  }

  // On the strand: the HTTP server stops.
  void GoAway() {
    if (!accepted_) return Teardown();  // still in the handshake
    StartClose(kWsCloseGoingAway, "server shutting down", true, kShutdownGrace);
  }

  // On the strand: sets the stream up and answers the upgrade.
  void Start(bhttp::request<bhttp::string_body> req) {
    req_ = std::move(req);
    size_t max_frame = kWsDefaultMaxFrame;
    if (auto v = state_.config().Get("http-max-body-size")) {
      int64_t n = 0;
      if (ParseInt64(*v, &n) && n > 0) max_frame = static_cast<size_t>(n);
    }
    ws_.read_message_max(max_frame);
    ws_.auto_fragment(false);
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(30);
    t.idle_timeout = kIdleTimeout;
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(bhttp::field::server, "fincache/" FINCACHE_VERSION);
    }));
    ws_.async_accept(
        req_, [self = shared_from_this()](const beast::error_code& ec) { self->OnAccept(ec); });
  }

  // ---- Subscriber: the publisher's thread ----
  void Deliver(std::string_view kind, std::string_view pattern, std::string_view channel,
               std::string_view payload) override {
    if (t_running == this) {
      self_frames_.push_back(MessageFrame(kind, pattern, channel, payload));
      return;
    }
    // One encoding per message for all the WebSocket subscribers of a publish (up to 64 KiB;
    // larger ones are encoded per subscriber, nothing big stays cached).
    thread_local struct {
      uint64_t id = 0;
      std::string frame;
    } t_encoded;
    const bool cache = pattern.size() + channel.size() + payload.size() <= 64 * 1024;
    std::string frame;
    if (cache) {
      if (t_encoded.id != PubSub::DeliveryId() || t_encoded.frame.empty()) {
        t_encoded.frame = MessageFrame(kind, pattern, channel, payload);
        t_encoded.id = PubSub::DeliveryId();
      }
      frame = t_encoded.frame;
    } else {
      frame = MessageFrame(kind, pattern, channel, payload);
    }
    std::lock_guard lk(mu_);
    if (killed_) return;
    outbox_bytes_ += frame.size() + kFrameOverhead;
    outbox_.push_back(std::move(frame));
    if (OverLimitLocked()) {
      killed_ = true;
      outbox_.clear();
      outbox_bytes_ = 0;
      asio::post(executor(), [weak = weak_from_this()] {
        if (auto s = weak.lock()) s->OnOutputLimit();
      });
      return;
    }
    if (!posted_) {
      posted_ = true;
      asio::post(executor(), [weak = weak_from_this()] {
        if (auto s = weak.lock()) s->DrainOutbox();
      });
    }
  }

  // ---- ClientControl: CLIENT KILL, any thread ----
  void Kill() override {
    session_.kill_requested.store(true);
    asio::post(executor(), [weak = weak_from_this()] {
      if (auto s = weak.lock()) s->StartClose(kWsCloseKilled, "client killed", false);
    });
  }

 private:
  // ---- setup ----

  void OnAccept(const beast::error_code& ec) {
    req_ = {};
    if (ec || closed_) return Teardown();  // a failed handshake: Beast answered it
    accepted_ = true;
    if (state_.clients().size() >= static_cast<size_t>(state_.config().maxclients.load())) {
      state_.rejected_connections.fetch_add(1, std::memory_order_relaxed);
      StartClose(kWsCloseMaxClients, "max number of clients reached", true);
      return;
    }
    Register();
    DoRead();
  }

  void Register() {
    beast::error_code ec;
    tcp::socket& sock = beast::get_lowest_layer(ws_);
    session_.id = state_.clients().NextId();
    session_.is_network = true;
    session_.authenticated = true;  // the HTTP session checked the token before the upgrade
    session_.resp = 3;              // replies and messages are told apart by their frames
    {
      std::lock_guard lk(session_.info_mu);
      auto remote = sock.remote_endpoint(ec);
      session_.addr = ec ? "?:0" : net::FormatEndpoint(remote);
      auto local = sock.local_endpoint(ec);
      session_.laddr = ec ? "?:0" : net::FormatEndpoint(local);
    }
    session_.fd = sock.native_handle();
    session_.created_ms = state_.engine().clock().NowMs();
    session_.last_interaction_ms = session_.created_ms;
    session_.control = this;
    session_.subscriber = this;
    state_.total_connections.fetch_add(1, std::memory_order_relaxed);
    state_.clients().Register(&session_);
    registered_ = true;
  }

  // ---- input ----

  void DoRead() {
    if (reading_ || closing_ || closed_ || paused_) return;
    if (out_bytes_ > kMaxPendingOutput) return;  // OnWrite reads again once drained
    reading_ = true;
    ws_.async_read(rbuf_, [self = shared_from_this()](const beast::error_code& ec, size_t n) {
      self->OnRead(ec, n);
    });
  }

  void OnRead(const beast::error_code& ec, size_t n) {
    reading_ = false;
    if (closed_) return;
    if (ec) {
      // The peer's close frame (Beast answered it), a frame over the limit (Beast closed with
      // 1009), a protocol error, EOF or reset: the session ends. While our own close is in
      // progress its handler ends it.
      if (!close_sent_) Teardown();
      return;
    }
    state_.net_input_bytes.fetch_add(n, std::memory_order_relaxed);
    state_.total_reads_processed.fetch_add(1, std::memory_order_relaxed);
    session_.total_bytes_in.fetch_add(n, std::memory_order_relaxed);
    session_.last_interaction_ms.store(state_.engine().clock().NowMs(), std::memory_order_relaxed);
    const auto data = rbuf_.cdata();
    std::string_view text(static_cast<const char*>(data.data()), data.size());
    if (!closing_) {
      try {
        HandleRequest(text);
      } catch (const std::exception& e) {  // bad_alloc and the like: answer, keep serving
        Enqueue(ErrorFrame(std::string("ERR ") + e.what()));
      }
    }
    rbuf_.consume(rbuf_.size());
    if (rbuf_.capacity() > net::Connection::kRetainBuffer) rbuf_.shrink_to_fit();
    Flush();
    DoRead();
  }

  // Reads a "channels"/"patterns" list: absent or null → empty; else an array of names.
  bool Names(const nlohmann::json& req, const char* field, std::vector<std::string>* out,
             std::string* err) {
    auto it = req.find(field);
    if (it == req.end() || it->is_null()) return true;
    if (!it->is_array()) {
      *err = std::string("\"") + field + "\" must be an array";
      return false;
    }
    for (const auto& e : *it) {
      std::string name;
      std::string why;
      if (!JsonToBytes(e, &name, &why)) {
        *err = std::string("\"") + field + "\": " + why;
        return false;
      }
      out->push_back(std::move(name));
    }
    return true;
  }

  void HandleRequest(std::string_view text) {
    // Messages that arrived before this request go out before its reply.
    DrainOutboxInto();
    nlohmann::json req;
    std::string err;
    if (!ParseJsonBody(text, &req, &err)) return Enqueue(ErrorFrame(err));
    if (!req.is_object()) return Enqueue(ErrorFrame("a request must be a JSON object"));
    auto op_it = req.find("op");
    if (op_it == req.end() || !op_it->is_string())
      return Enqueue(ErrorFrame("a request needs an \"op\" string"));
    const std::string& op = op_it->get_ref<const std::string&>();
    std::vector<std::string> argv;
    if (op == "ping") {
      return Enqueue(R"({"type":"pong"})");
    } else if (op == "subscribe" || op == "unsubscribe") {
      argv.push_back(op);
      if (!Names(req, "channels", &argv, &err)) return Enqueue(ErrorFrame(err));
    } else if (op == "psubscribe" || op == "punsubscribe") {
      argv.push_back(op);
      if (!Names(req, "patterns", &argv, &err)) return Enqueue(ErrorFrame(err));
    } else if (op == "publish") {
      argv.push_back(op);
      for (const char* field : {"channel", "message"}) {
        auto it = req.find(field);
        std::string v, why;
        if (it == req.end() || it->is_null())
          return Enqueue(ErrorFrame(std::string("\"publish\" needs \"") + field + "\""));
        if (!JsonToBytes(*it, &v, &why))
          return Enqueue(ErrorFrame(std::string("\"") + field + "\": " + why));
        argv.push_back(std::move(v));
      }
    } else {
      return Enqueue(ErrorFrame("unknown op '" + op + "'"));
    }
    RunOrHold(std::move(argv), op);
  }

  // CLIENT PAUSE: a request the pause holds waits (and no more frames are read) until the
  // pause ends or CLIENT UNPAUSE, re-checked every 10 ms, as a RESP connection waits.
  void RunOrHold(std::vector<std::string> argv, std::string op) {
    std::vector<std::string_view> views(argv.begin(), argv.end());
    if (!dispatcher_.PausedFor(CmdArgList(views.data(), views.size()), session_)) {
      RunCommand(argv, op);
      return;
    }
    held_argv_ = std::move(argv);
    held_op_ = std::move(op);
    paused_ = true;
    const int64_t left = state_.client_pause().end_ms() - state_.engine().clock().NowMs();
    pause_timer_.expires_after(std::chrono::milliseconds(std::clamp<int64_t>(left, 1, 10)));
    pause_timer_.async_wait(
        [self = shared_from_this()](const beast::error_code& ec) { self->OnPauseTimer(ec); });
  }

  void OnPauseTimer(const beast::error_code& ec) {
    if (ec || closed_ || closing_ || !paused_) return;
    paused_ = false;
    std::vector<std::string> argv = std::move(held_argv_);
    std::string op = std::move(held_op_);
    DrainOutboxInto();
    RunOrHold(std::move(argv), std::move(op));
    if (paused_) return;
    Flush();
    DoRead();
  }

  void RunCommand(const std::vector<std::string>& argv, std::string_view op) {
    std::vector<std::string_view> views(argv.begin(), argv.end());
    protocol::ValueBuilder vb(session_.resp);
    t_running = this;
    dispatcher_.Dispatch(CmdArgList(views.data(), views.size()), session_, vb);
    t_running = nullptr;
    // Messages this request published to ourselves go before its reply, as Redis writes them.
    for (auto& f : self_frames_) Enqueue(std::move(f));
    self_frames_.clear();
    for (const RespValue& v : vb.Take()) Enqueue(ReplyFrame(v, op));
    if (session_.close_after_reply || session_.kill_requested.load(std::memory_order_relaxed))
      StartClose(kWsCloseKilled, "client killed", false);
  }

  // ---- output ----

  void Enqueue(std::string frame) {
    if (closed_) return;
    out_bytes_ += frame.size() + kFrameOverhead;
    out_.push_back(std::move(frame));
    UpdateBufferStats();
  }

  // On the strand: the outbox's messages join the frames to write.
  void DrainOutboxInto() {
    std::deque<std::string> taken;
    {
      std::lock_guard lk(mu_);
      posted_ = false;
      if (outbox_.empty()) return;
      taken.swap(outbox_);
      outbox_bytes_ = 0;
    }
    for (auto& f : taken) Enqueue(std::move(f));
  }

  void DrainOutbox() {
    if (closed_ || closing_) return;
    DrainOutboxInto();
    Flush();
  }

  void Flush() {
    if (writing_ || closed_ || close_sent_) return;
    if (out_.empty()) {
      if (closing_) SendClose();
      return;
    }
    // Replies leave only once the writes they acknowledge are in the AOF (commands/aof.h).
    state_.aof().BeforeReply();
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(out_.front()),
                    [self = shared_from_this()](const beast::error_code& ec, size_t n) {
                      self->OnWrite(ec, n);
                    });
  }

  void OnWrite(const beast::error_code& ec, size_t n) {
    writing_ = false;
    if (closed_) return;
    if (ec) return Teardown();
    state_.net_output_bytes.fetch_add(n, std::memory_order_relaxed);
    state_.total_writes_processed.fetch_add(1, std::memory_order_relaxed);
    session_.total_bytes_out.fetch_add(n, std::memory_order_relaxed);
    out_bytes_ -= out_.front().size() + kFrameOverhead;
    out_.pop_front();
    UpdateBufferStats();
    Flush();
    DoRead();  // reading may have paused on too much pending output
  }

  void UpdateBufferStats() {
    session_.output_buffer_bytes.store(out_bytes_, std::memory_order_relaxed);
  }

  // Redis's checkClientOutputBufferLimits for the pubsub class (as net/connection.cpp): over
  // the hard limit, or over the soft limit for more than soft-seconds.
  bool OverLimitLocked() {
    const auto& lim = state_.config().obuf_limits[Config::kObufPubSub];
    int64_t hard = lim.hard.load(std::memory_order_relaxed);
    int64_t soft = lim.soft.load(std::memory_order_relaxed);
    auto used = static_cast<int64_t>(outbox_bytes_ +
                                     session_.output_buffer_bytes.load(std::memory_order_relaxed));
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

  // ---- closing ----

  void OnOutputLimit() {
    if (closed_) return;
    net::LogWarning("Client id=" + std::to_string(session_.id) +
                    " scheduled to be closed ASAP for overcoming of output buffer limits.");
    // Stop taking messages at once (as the connection does, the hub drops us now).
    state_.engine().pubsub().UnsubscribeAll(this);
    StartClose(kWsCloseOutputLimit, "output buffer limit", true);
  }

  // Closes with a close frame after the frame being written; `drop` discards the frames not
  // yet started (an over-limit client), else they are written first (CLIENT KILL).
  void StartClose(unsigned short code, std::string reason, bool drop,
                  std::chrono::steady_clock::duration grace = kCloseGrace) {
    if (closed_ || closing_) return;
    closing_ = true;
    close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (drop) {
      while (out_.size() > (writing_ ? 1u : 0u)) {
        out_bytes_ -= out_.back().size() + kFrameOverhead;
        out_.pop_back();
      }
      UpdateBufferStats();
    }
    {
      std::lock_guard lk(mu_);
      killed_ = true;
      outbox_.clear();
      outbox_bytes_ = 0;
    }
    // A peer that reads nothing never lets the close through: cut the socket after a grace.
    close_timer_.expires_after(grace);
    close_timer_.async_wait([self = shared_from_this()](const beast::error_code& ec) {
      if (!ec) self->Teardown();
    });
    Flush();
  }

  void SendClose() {
    close_sent_ = true;
    ws_.async_close(close_reason_,
                    [self = shared_from_this()](const beast::error_code&) { self->Teardown(); });
  }

  // Idempotent: no Deliver after this, the client is unlisted and the socket closed.
  void Teardown() {
    if (closed_) return;
    closed_ = true;
    state_.engine().pubsub().UnsubscribeAll(this);
    if (ctx_) {
      std::lock_guard lk(Live().mu);
      auto it = Live().by_ctx.find(ctx_);
      if (it != Live().by_ctx.end()) {
        it->second.erase(this);
        if (it->second.empty()) Live().by_ctx.erase(it);
      }
    }
    {
      std::lock_guard lk(mu_);
      killed_ = true;
      outbox_.clear();
      outbox_bytes_ = 0;
    }
    if (registered_) {
      state_.clients().Unregister(&session_);
      registered_ = false;
    }
    close_timer_.cancel();
    pause_timer_.cancel();
    beast::error_code ec;
    tcp::socket& sock = beast::get_lowest_layer(ws_);
    if (sock.is_open()) {
      sock.shutdown(tcp::socket::shutdown_both, ec);
      sock.close(ec);
    }
    out_.clear();
    out_bytes_ = 0;
    UpdateBufferStats();
  }

  websocket::stream<tcp::socket> ws_;
  const asio::any_io_executor ex_;          // the strand (publishers post to it)
  bhttp::request<bhttp::string_body> req_;  // the upgrade request, until it is answered
  ServerState& state_;
  Dispatcher& dispatcher_;
  Session session_;
  beast::flat_buffer rbuf_;
  asio::steady_timer close_timer_;
  asio::steady_timer pause_timer_;
  websocket::close_reason close_reason_;
  // Strand only.
  std::deque<std::string> out_;  // frames to write; the front one is in flight while writing_
  size_t out_bytes_ = 0;         // their bytes + kFrameOverhead each
  std::vector<std::string> self_frames_;
  std::vector<std::string> held_argv_;  // the request CLIENT PAUSE holds, if paused_
  std::string held_op_;
  bool paused_ = false;
  bool reading_ = false;
  bool writing_ = false;
  bool closing_ = false;     // no more input handled; close once out_ is written
  bool close_sent_ = false;  // async_close started
  bool closed_ = false;
  bool registered_ = false;
  bool accepted_ = false;                         // the handshake succeeded
  const asio::execution_context* ctx_ = nullptr;  // where Track listed it
  // Publisher threads, under mu_.
  std::mutex mu_;
  std::deque<std::string> outbox_;
  size_t outbox_bytes_ = 0;
  bool killed_ = false;  // taking no more messages (over the limit, or closing)
  bool posted_ = false;  // a drain is posted
  int64_t soft_since_s_ = 0;
};

}  // namespace

void StartWebSocketSession(tcp::socket socket, bhttp::request<bhttp::string_body> req,
                           ServerState& state, Dispatcher& dispatcher) {
  // The session's handlers, its timers and the drains posted by publishers run on one strand,
  // whatever number of threads run the HTTP server's io_context.
  beast::error_code ec;
  auto strand = asio::make_strand(socket.get_executor());
  tcp::socket own(strand);
  const auto protocol = socket.local_endpoint(ec).protocol();
  if (!ec) {
    auto fd = socket.release(ec);
    if (!ec) own.assign(protocol, fd, ec);
  }
  if (ec) return;  // the socket closes with it
  auto session = std::make_shared<WsSession>(std::move(own), state, dispatcher);
  session->Track(&asio::query(session->executor(), asio::execution::context));
  asio::post(session->executor(),
             [session, req = std::move(req)]() mutable { session->Start(std::move(req)); });
}

void CloseWebSocketSessions(asio::execution_context& ctx) {
  std::vector<std::shared_ptr<WsSession>> live;
  {
    std::lock_guard lk(Live().mu);
    auto it = Live().by_ctx.find(&ctx);
    if (it == Live().by_ctx.end()) return;
    for (auto& [p, weak] : it->second)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) asio::post(s->executor(), [s] { s->GoAway(); });
}

}  // namespace fincache::http
