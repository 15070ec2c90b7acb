// _core.Subscriber: an embedded Pub/Sub client of an Engine, what fincache.PubSub runs on.
//
// It is a client with its own Session (its subscriptions, its protocol) and the engine-side
// Subscriber of that session: messages published by any thread or network client of a
// fincache.Server on the same engine are delivered on the publisher's thread into a queue here,
// and read() takes them from Python, waiting with the GIL released. The replies of its own
// commands (the subscribe confirmations, one per channel) join the same queue, ahead of any
// message delivered while the command ran, which is the order a connection would see.
//
// Memory: the queue is bounded by `client-output-buffer-limit pubsub` as a connection's output
// is: past the hard limit (or the soft limit for longer than its seconds) the queue is dropped,
// the subscriptions end and the subscriber reports `overflowed` (fincache.PubSub raises
// ConnectionError, as redis-py does for a connection the server closed).
#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "py_convert.h"
#include "py_engine.h"

namespace fincache::py {

class PySubscriber final : public Subscriber {
 public:
  PySubscriber(std::shared_ptr<PyEngine> engine, int protocol, bool decode, std::string encoding,
               std::string errors, pyb::object error_factory)
      : engine_(std::move(engine)) {
    style_.decode = decode;
    style_.encoding = std::move(encoding);
    style_.errors = std::move(errors);
    style_.error_factory = std::move(error_factory);
    ServerState& st = engine_->state();
    session_.id = st.clients().NextId();
    session_.resp = protocol;
    session_.authenticated = true;
    session_.created_ms = st.engine().clock().NowMs();
    session_.subscriber = this;
  }
  ~PySubscriber() override {
    pyb::gil_scoped_release release;
    Close();
  }

  void Deliver(std::string_view kind, std::string_view pattern, std::string_view channel,
               std::string_view payload) override {
    using protocol::RespValue;
    bool with_pattern = kind == "pmessage";
    RespValue msg;
    msg.type = resp_.load(std::memory_order_relaxed) == 3 ? RespValue::Type::kPush
                                                          : RespValue::Type::kArray;
    auto bulk = [](std::string_view s) {
      RespValue v;
      v.type = RespValue::Type::kBulk;
      v.str.assign(s);
      return v;
    };
    msg.elems.push_back(bulk(kind));
    if (with_pattern) msg.elems.push_back(bulk(pattern));
    msg.elems.push_back(bulk(channel));
    msg.elems.push_back(bulk(payload));
    size_t size = Cost(msg);
    std::lock_guard lk(mu_);
    if (closed_ || overflowed_) return;
    bytes_ += size;
    if (OverLimitLocked()) {
      overflowed_ = true;
      queue_.clear();
      held_.clear();
      bytes_ = 0;
      cv_.notify_all();
      return;
    }
    if (dispatching_)
      held_.push_back(std::move(msg));
    else
      queue_.push_back(std::move(msg));
    cv_.notify_one();
  }

  // Runs a command; its replies are queued (read them with read()).
  void Execute(const pyb::tuple& args) {
    ArgVector argv;
    for (auto a : args) argv.Add(a.ptr(), style_);
    if (argv.size() == 0) throw pyb::value_error("execute() needs at least the command name");
    pyb::gil_scoped_release release;
    std::lock_guard exec(exec_mu_);
    {
      std::lock_guard lk(mu_);
      if (closed_) return;
      dispatching_ = true;
    }
    protocol::ValueBuilder vb(session_.resp);
    engine_->dispatcher().Dispatch(argv.views(), session_, vb);
    std::vector<protocol::RespValue> replies = vb.Take();
    std::lock_guard lk(mu_);
    resp_.store(session_.resp, std::memory_order_relaxed);
    dispatching_ = false;
    if (overflowed_) return;
    for (auto& r : replies) {
      bytes_ += Cost(r);
      queue_.push_back(std::move(r));
    }
    for (auto& m : held_) queue_.push_back(std::move(m));
    held_.clear();
    cv_.notify_all();
  }

  // The next reply or message; None when nothing came within `timeout` seconds (None: wait
  // forever), or when the subscriber is closed or overflowed. Error replies are raised.
  pyb::object Read(std::optional<double> timeout) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto limit = timeout ? std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(std::max(0.0, *timeout)))
                               : Clock::duration::max();
    for (;;) {
      std::optional<protocol::RespValue> v;
      bool ended = false, drop = false;
      {
        pyb::gil_scoped_release release;
        std::unique_lock lk(mu_);
        auto slice = std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(100));
        if (timeout) slice = std::min(slice, limit - (Clock::now() - start));
        if (slice.count() > 0)
          cv_.wait_for(lk, slice, [this] { return !queue_.empty() || overflowed_ || closed_; });
        if (!queue_.empty()) {
          v = std::move(queue_.front());
          queue_.pop_front();
          bytes_ -= std::min(bytes_, Cost(*v));
        } else if (overflowed_ || closed_) {
          ended = true;
          drop = overflowed_;
        }
        lk.unlock();
        if (drop) engine_->state().engine().pubsub().UnsubscribeAll(this);
      }
      if (v) {
        pyb::object out = ToPython(*v, style_);
        if (v->type == protocol::RespValue::Type::kError) RaiseInstance(out);
        return out;
      }
      if (ended) return pyb::none();
      if (PyErr_CheckSignals() != 0) throw pyb::error_already_set();
      if (timeout && Clock::now() - start >= limit) return pyb::none();
    }
  }

  // Ends every subscription and drops what is queued; read() returns None from now on.
  void Close() {
    engine_->state().engine().pubsub().UnsubscribeAll(this);
    std::lock_guard lk(mu_);
    closed_ = true;
    queue_.clear();
    held_.clear();
    bytes_ = 0;
    cv_.notify_all();
  }

  bool overflowed() {
    std::lock_guard lk(mu_);
    return overflowed_;
  }
  bool closed() {
    std::lock_guard lk(mu_);
    return closed_;
  }
  uint64_t id() const { return session_.id; }
  size_t pending() {
    std::lock_guard lk(mu_);
    return queue_.size();
  }

 private:
  // Bytes a value costs in the queue (its strings plus a fixed overhead per node).
  static size_t Cost(const protocol::RespValue& v) {
    size_t n = sizeof(protocol::RespValue) + v.str.size();
    for (const auto& e : v.elems) n += Cost(e);
    return n;
  }

  // client-output-buffer-limit pubsub, as a connection applies it (see net/connection.cpp).
  bool OverLimitLocked() {
    const auto& lim = engine_->state().config().obuf_limits[Config::kObufPubSub];
    auto hard = static_cast<size_t>(lim.hard.load(std::memory_order_relaxed));
    auto soft = static_cast<size_t>(lim.soft.load(std::memory_order_relaxed));
    if (hard && bytes_ >= hard) return true;
    if (!soft || bytes_ < soft) {
      soft_since_s_ = 0;
      return false;
    }
    int64_t now_s = engine_->state().engine().clock().NowMs() / 1000;
    if (soft_since_s_ == 0) {
      soft_since_s_ = now_s;
      return false;
    }
    return now_s - soft_since_s_ > lim.soft_seconds.load(std::memory_order_relaxed);
  }

  std::shared_ptr<PyEngine> engine_;
  ReplyStyle style_;
  std::mutex exec_mu_;  // one command at a time (session_)
  Session session_;
  std::mutex mu_;  // the queue and the flags below
  std::condition_variable cv_;
  std::deque<protocol::RespValue> queue_;
  std::vector<protocol::RespValue> held_;  // delivered while a command runs: after its replies
  size_t bytes_ = 0;
  std::atomic<int> resp_{session_.resp};
  bool dispatching_ = false;
  bool closed_ = false;
  bool overflowed_ = false;
  int64_t soft_since_s_ = 0;
};

void RegisterPubSub(pyb::module_& m) {
  pyb::class_<PySubscriber>(m, "Subscriber",
                            "An embedded Pub/Sub client of an Engine (fincache.PubSub's "
                            "transport).")
      .def(pyb::init<std::shared_ptr<PyEngine>, int, bool, std::string, std::string, pyb::object>(),
           pyb::arg("engine"), pyb::arg("protocol"), pyb::arg("decode"), pyb::arg("encoding"),
           pyb::arg("encoding_errors"), pyb::arg("error_factory"))
      .def("execute", &PySubscriber::Execute, pyb::arg("args"))
      .def("read", &PySubscriber::Read, pyb::arg("timeout"))
      .def("close", &PySubscriber::Close, pyb::call_guard<pyb::gil_scoped_release>())
      .def_property_readonly("overflowed", &PySubscriber::overflowed)
      .def_property_readonly("closed", &PySubscriber::closed)
      .def_property_readonly("pending", &PySubscriber::pending)
      .def_property_readonly("id", &PySubscriber::id);
}

}  // namespace fincache::py
