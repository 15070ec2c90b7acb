// _core.Loopback: a RESP connection to an in-process engine, without a socket.
//
// fincache.Redis (a redis.Redis whose connections are loopbacks) writes the RESP bytes redis-py
// packed and reads back the RESP bytes a network connection would have sent, so everything of
// redis-py's client side (command packing, parsers, RESP2/RESP3, pipelines, transactions, Lock,
// Script) runs unchanged. One Loopback is one client of the engine: its own Session (db, protocol,
// MULTI/WATCH state), listed by CLIENT LIST like a network client.
//
// write(data): parses every complete command in data (after what an earlier write left
// incomplete) and runs it, appending its reply to the output. Runs with the GIL released; a
// blocking command (BLPOP...) parks as on a network connection and write() waits for its reply
// (sliced, so Ctrl-C cancels it), then runs the commands behind it. A protocol error is answered
// as Redis does and the loopback is closed after that reply.
// read(max): takes up to max bytes of output (b"" when none); wait(timeout) waits for output.
//
// Pub/Sub: the loopback is its session's Subscriber. Messages are RESP-encoded into the same
// output as replies, under out_mu_ (never mu_: a publisher may be this very thread, inside a
// command, and then its own message goes before the command's reply, as Redis writes it).
// Past client-output-buffer-limit pubsub (hard limit, or soft limit for soft-seconds) the
// output is dropped and the loopback closed, as Redis disconnects such a client.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "commands/multi_family.h"
#include "engine/pubsub.h"
#include "protocol/reply_builder.h"
#include "protocol/resp_parser.h"
#include "py_engine.h"

namespace pyb = pybind11;

namespace fincache::py {

namespace {

// Where a parked command's reply lands: RESP bytes built by whichever thread completes it.
class LoopbackSink final : public WaiterSink {
 public:
  explicit LoopbackSink(int resp) : resp_(resp) {}
  void Complete(const ReplyWriteFn& write) override {
    std::string bytes;
    protocol::RespWriter w(&bytes, resp_);
    write(w);
    std::lock_guard lk(mu_);
    reply_ = std::move(bytes);
    done_ = true;
    cv_.notify_all();
  }
  // Waits up to `slice`; true once the reply is in *out.
  bool WaitFor(std::chrono::milliseconds slice, std::string* out) {
    std::unique_lock lk(mu_);
    if (!cv_.wait_for(lk, slice, [this] { return done_; })) return false;
    *out += reply_;
    return true;
  }
  void Wait(std::string* out) {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [this] { return done_; });
    *out += reply_;
  }

 private:
  int resp_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::string reply_;
};

class PyLoopback final : public Subscriber {
 public:
  PyLoopback(std::shared_ptr<PyEngine> engine, std::string name)
      : engine_(std::move(engine)), parser_(&limits_), writer_(&reply_, 2) {
    ServerState& st = engine_->state();
    session_.id = st.clients().NextId();
    session_.resp = 2;
    // Like any client of a server: AUTH is needed when the engine has requirepass.
    session_.authenticated = false;
    session_.is_network = false;
    session_.created_ms = st.engine().clock().NowMs();
    session_.addr = "loopback:" + std::to_string(session_.id);
    session_.laddr = "loopback:0";
    session_.name = std::move(name);
    session_.make_block_sink = [this]() -> std::shared_ptr<WaiterSink> {
      return std::make_shared<LoopbackSink>(session_.resp);
    };
    session_.subscriber = this;
    st.clients().Register(&session_);
  }

  ~PyLoopback() override {
    Engine& engine = engine_->state().engine();
    engine.pubsub().UnsubscribeAll(this);  // no message is delivered once this returns
    engine_->state().clients().Unregister(&session_);
    DiscardTransaction(session_, engine);
  }

  void Deliver(std::string_view kind, std::string_view pattern, std::string_view channel,
               std::string_view payload) override {
    std::lock_guard lk(out_mu_);
    if (out_closed_) return;
    protocol::RespWriter w(&out_, resp_.load(std::memory_order_relaxed));
    const bool with_pattern = kind == "pmessage";
    w.StartPush(with_pattern ? 4 : 3);
    w.SendBulk(kind);
    if (with_pattern) w.SendBulk(pattern);
    w.SendBulk(channel);
    w.SendBulk(payload);
    if (OverLimitLocked()) {
      out_closed_ = true;  // Redis closes the client; its unsubscription happens in write()/close
      std::string().swap(out_);
      out_pos_ = 0;
    }
    out_cv_.notify_all();
  }

  void Write(const pyb::bytes& data) {
    CheckNotInsideCommand(*engine_);
    std::string_view in(PyBytes_AS_STRING(data.ptr()), PyBytes_GET_SIZE(data.ptr()));
    bool interrupted = false;
    {
      pyb::gil_scoped_release release;
      std::lock_guard lk(mu_);
      if (IsClosed()) {
        engine_->state().engine().pubsub().UnsubscribeAll(this);
        return;  // like a socket the server closed: the bytes go nowhere
      }
      pending_.append(in);
      RunPending(&interrupted);
    }
    if (interrupted) throw pyb::error_already_set();
  }

  pyb::bytes Read(size_t max) {
    std::string chunk;
    bool closed;
    {
      std::lock_guard lk(out_mu_);
      closed = out_closed_;
      size_t n = std::min(max, out_.size() - out_pos_);
      chunk.assign(out_, out_pos_, n);
      out_pos_ += n;
      if (out_pos_ == out_.size()) {
        out_.clear();
        out_pos_ = 0;
        if (out_.capacity() > kRetainBuffer) std::string().swap(out_);
      }
    }
    // A closed loopback (overflowed, QUIT) leaves the registry once its client reads (not under
    // out_mu_: publishers take the registry's lock, then out_mu_).
    if (closed && subscribed()) {
      pyb::gil_scoped_release release;
      engine_->state().engine().pubsub().UnsubscribeAll(this);
    }
    return pyb::bytes(chunk);
  }

  // Waits until output is readable or the loopback closed; timeout in seconds (None: forever).
  // True when there is output or the loopback closed (read() then returns b"").
  bool Wait(std::optional<double> timeout) {
    pyb::gil_scoped_release release;
    std::unique_lock lk(out_mu_);
    auto ready = [this] { return out_pos_ < out_.size() || out_closed_; };
    if (!timeout) {
      out_cv_.wait(lk, ready);
      return true;
    }
    return out_cv_.wait_for(lk, std::chrono::duration<double>(std::max(0.0, *timeout)), ready);
  }

  // The client hangs up: no more messages, output dropped, waiters woken.
  void Close() {
    pyb::gil_scoped_release release;
    engine_->state().engine().pubsub().UnsubscribeAll(this);
    std::lock_guard lk(out_mu_);
    out_closed_ = true;
    out_.clear();
    out_pos_ = 0;
    out_cv_.notify_all();
  }

  size_t Pending() {
    std::lock_guard lk(out_mu_);
    return out_.size() - out_pos_;
  }
  bool closed() {
    std::lock_guard lk(out_mu_);
    return out_closed_ && out_pos_ == out_.size();
  }
  uint64_t id() const { return session_.id; }

 private:
  // Runs the complete commands of pending_ (called with mu_ held and the GIL released).
  void RunPending(bool* interrupted) {
    Config& config = engine_->state().config();
    limits_.proto_max_bulk_len = config.proto_max_bulk_len.load(std::memory_order_relaxed);
    size_t pos = 0;
    while (pos < pending_.size() && !IsClosed()) {
      parser_.set_authenticated(session_.authenticated || !config.has_requirepass.load());
      size_t consumed = 0;
      auto status = parser_.Parse(std::string_view(pending_).substr(pos), &consumed);
      pos += consumed;
      if (status == protocol::RespParser::Status::kNeedMore) {
        pos = pending_.size();
        break;
      }
      if (status == protocol::RespParser::Status::kError) {
        writer_.SendError("ERR " + parser_.error());
        engine_->state().CountError("ERR");
        Publish(/*close=*/true);
        break;
      }
      // The parser's args point into pending_, which is not modified until they are used.
      const auto& args = parser_.args();
      if (args.empty()) continue;
      const int before = session_.resp;
      writer_.SetRespVersion(before);
      engine_->dispatcher().Dispatch(CmdArgList(args.data(), args.size()), session_, writer_);
      if (session_.blocked) {
        std::shared_ptr<Waiter> w = std::move(session_.blocked);
        if (!WaitBlocked(w)) {
          *interrupted = true;
          pending_.clear();
          parser_.Reset();
          return;
        }
      }
      if (session_.resp != before)
        writer_.SetRespVersion(session_.resp);
      else if (writer_.resp_version() != before)
        session_.resp = writer_.resp_version();
      resp_.store(session_.resp, std::memory_order_relaxed);
      Publish(session_.close_after_reply ||
              session_.kill_requested.load(std::memory_order_relaxed));
    }
    pending_.erase(0, pos);
  }

  // Moves the reply of the command just run into the readable output (after any message
  // delivered meanwhile); close: the loopback closes after it (QUIT, protocol error, KILL).
  void Publish(bool close) {
    std::lock_guard lk(out_mu_);
    if (!out_closed_) {
      if (out_pos_ == out_.size()) {
        out_.clear();
        out_pos_ = 0;
      }
      out_.append(reply_);
      if (close) out_closed_ = true;
    }
    reply_.clear();
    if (reply_.capacity() > kRetainBuffer) std::string().swap(reply_);
    out_cv_.notify_all();
  }

  bool IsClosed() {
    std::lock_guard lk(out_mu_);
    return out_closed_;
  }

  // Redis's checkClientOutputBufferLimits for the pubsub class (out_mu_ held).
  bool OverLimitLocked() {
    const auto& lim = engine_->state().config().obuf_limits[Config::kObufPubSub];
    const int64_t hard = lim.hard.load(std::memory_order_relaxed);
    const int64_t soft = lim.soft.load(std::memory_order_relaxed);
    const auto used = static_cast<int64_t>(out_.size() - out_pos_);
    if (hard && used >= hard) return true;
    if (!soft || used < soft) {
      soft_since_s_ = 0;
      return false;
    }
    const int64_t now_s = engine_->state().engine().clock().NowMs() / 1000;
    if (soft_since_s_ == 0) {
      soft_since_s_ = now_s;
      return false;
    }
    return now_s - soft_since_s_ > lim.soft_seconds.load(std::memory_order_relaxed);
  }

  // Waits for a parked command's reply (appended to out_). False when a signal handler raised
  // (the Python error is set) and the command was cancelled.
  bool WaitBlocked(const std::shared_ptr<Waiter>& w) {
    auto* sink = static_cast<LoopbackSink*>(w->sink.get());
    switch (WaitParked(engine_->state().engine(), *w, [&](std::chrono::milliseconds slice) {
      return sink->WaitFor(slice, &reply_);
    })) {
      case ParkedEnd::kServed:
        return true;
      case ParkedEnd::kInterrupted:
        return false;
      case ParkedEnd::kTimedOut:
        w->timeout_reply(writer_);
        return true;
      case ParkedEnd::kCompleting:
        break;
    }
    sink->Wait(&reply_);
    return true;
  }

  static constexpr size_t kRetainBuffer = 256 * 1024;

  std::shared_ptr<PyEngine> engine_;
  std::mutex mu_;  // one command stream at a time: session, parser, pending_, reply_
  Session session_;
  protocol::ParserLimits limits_;
  protocol::RespParser parser_;
  std::string pending_;  // input not yet parsed
  std::string reply_;    // the running command's reply
  protocol::RespWriter writer_;
  std::atomic<int> resp_{2};
  std::mutex out_mu_;  // the readable output: replies and Pub/Sub messages
  std::condition_variable out_cv_;
  std::string out_;  // not yet read, from out_pos_
  size_t out_pos_ = 0;
  bool out_closed_ = false;
  int64_t soft_since_s_ = 0;
};

}  // namespace

void RegisterLoopback(pyb::module_& m) {
  pyb::class_<PyLoopback>(m, "Loopback",
                          "A RESP connection to an Engine without a socket (fincache.Redis).")
      .def(pyb::init<std::shared_ptr<PyEngine>, std::string>(), pyb::arg("engine"),
           pyb::arg("name") = "")
      .def("write", &PyLoopback::Write, pyb::arg("data"),
           "Runs the complete commands in data; their replies become readable.")
      .def("read", &PyLoopback::Read, pyb::arg("max") = 65536,
           "Up to max bytes of replies (b'' when none).")
      .def("wait", &PyLoopback::Wait, pyb::arg("timeout") = pyb::none(),
           "Waits (GIL released) until output is readable or the loopback closed; timeout in "
           "seconds, None for ever. False on timeout.")
      .def("close", &PyLoopback::Close, "Hangs up: unsubscribes everything, drops the output.")
      .def_property_readonly("pending", &PyLoopback::Pending)
      .def_property_readonly("closed", &PyLoopback::closed)
      .def_property_readonly("id", &PyLoopback::id);
}

}  // namespace fincache::py
