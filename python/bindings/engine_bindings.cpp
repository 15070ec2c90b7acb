// _core.Engine and _core.Session: an in-process engine and a client of it.
//
// Engine owns a ServerState (engine + command table + config) and one Dispatcher. Session is one
// client: its own fincache::Session (db index, protocol), guarded by a mutex so Python threads may
// share it. A command runs as: Python args -> argv (copied or pinned, see ArgVector) -> Dispatch
// into a ValueBuilder -> the reply tree converted to Python objects.
//
// The GIL. No Python API is ever called while the engine's locks are held: Dispatch writes into a
// plain C++ ValueBuilder, conversion happens after Dispatch returned. Commands flagged "fast" (and
// not blocking) run keeping the GIL, which saves the release/re-acquire round trip on the hot
// path (GET, INCR, HSET...), and so does a plain SET of a small value (not flagged fast, as in
// Redis, but as quick as GET: the round trip was a third of its cost); every other command
// (KEYS, MSET, FLUSHALL, a SET of a large value...) runs with the GIL released.
// A thread keeping the GIL may wait for a shard lock held by a thread that released it; that
// thread never needs the GIL before unlocking, so there is no cycle. The session mutex is likewise
// never waited for while holding the GIL.
//
// Blocking commands (BLPOP...). A parked call waits on its own condition variable (EmbeddedSink)
// with the GIL and the session mutex released, so other Python threads run and may use the same
// Cache; a push from any thread or network client of a fincache.Server on this engine serves it.
// The wait is sliced so Ctrl-C (a signal, checked in the main thread) cancels it. Pipelines
// (execute_many) don't park: a blocking command there answers its timeout reply at once, as
// Redis does inside MULTI.
#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "commands/aof.h"
#include "commands/multi_family.h"
#include "commands/propagation.h"
#include "common/strings.h"
#include "py_convert.h"
#include "py_engine.h"

namespace fincache::py {

// Where a parked call's reply lands: built by whichever thread completes the call.
class EmbeddedSink final : public WaiterSink {
 public:
  explicit EmbeddedSink(int resp) : resp_(resp) {}
  void Complete(const ReplyWriteFn& write) override {
    protocol::ValueBuilder vb(resp_);
    write(vb);
    std::lock_guard lk(mu_);
    value_ = vb.TakeOne();
    done_ = true;
    cv_.notify_all();
  }
  // Waits up to `slice`; the reply once complete.
  std::optional<protocol::RespValue> WaitFor(std::chrono::milliseconds slice) {
    std::unique_lock lk(mu_);
    if (!cv_.wait_for(lk, slice, [this] { return done_; })) return std::nullopt;
    return std::move(value_);
  }
  protocol::RespValue Wait() {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [this] { return done_; });
    return std::move(value_);
  }

 private:
  int resp_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  protocol::RespValue value_;
};

class PySession {
 public:
  PySession(std::shared_ptr<PyEngine> engine, int db, int protocol, bool decode,
            std::string encoding, std::string errors, pyb::object error_factory)
      : engine_(std::move(engine)) {
    style_.decode = decode;
    style_.encoding = std::move(encoding);
    style_.errors = std::move(errors);
    style_.error_factory = std::move(error_factory);
    ServerState& st = engine_->state();
    session_.id = st.clients().NextId();
    session_.db_index = db;
    session_.resp = protocol;
    // The process that embeds the engine owns it: its own sessions need no AUTH (network
    // clients of a fincache.Server do).
    session_.authenticated = true;
    session_.is_network = false;
    session_.created_ms = st.engine().clock().NowMs();
    session_.make_block_sink = [this]() -> std::shared_ptr<WaiterSink> {
      return std::make_shared<EmbeddedSink>(session_.resp);
    };
  }

  // The client ends: its MULTI state and watched keys go (the engine must not keep pointers to
  // this session). Waits for shard locks without the GIL.
  ~PySession() {
    Engine& engine = engine_->state().engine();
    if (session_.watch.keys.empty() || Finalizing()) {
      DiscardTransaction(session_, engine);  // takes no lock when nothing is watched
      return;
    }
    pyb::gil_scoped_release release;
    DiscardTransaction(session_, engine);
  }

  // Runs one command; returns the reply, raises the error reply as redis-py's exception.
  pyb::object Execute(const pyb::tuple& args, bool decode) {
    CheckNotInsideCommand(*engine_);
    ArgVector argv;
    for (auto a : args) argv.Add(a.ptr(), style_);
    if (argv.size() == 0) throw pyb::value_error("execute() needs at least the command name");
    bool interrupted = false;
    protocol::RespValue reply = Run(argv.views(), &interrupted);
    if (interrupted) throw pyb::error_already_set();
    return Convert(reply, decode, /*raise=*/true);
  }

  // Runs several commands in order. Error replies are returned as exception instances (not
  // raised), like a redis-py pipeline's raw responses. atomic: nothing else runs on the engine
  // in between (the exclusive gate, as EXEC does), and when any command can't be queued (unknown
  // command, wrong arity) none runs: returns (False, [error or None per command]).
  // check_watch (atomic only): as EXEC after WATCH, nothing runs when a key this session watches
  // changed (returns (None, [])); the session's keys are unwatched either way.
  pyb::tuple ExecuteMany(const pyb::list& commands, bool atomic, bool decode, bool check_watch) {
    CheckNotInsideCommand(*engine_);
    std::vector<ArgVector> argvs(commands.size());
    // The argument objects must outlive the engine calls (argv points into them), and the list
    // may be changed by another thread while the GIL is released: hold every command's tuple.
    std::vector<pyb::tuple> held;
    held.reserve(commands.size());
    for (size_t i = 0; i < commands.size(); ++i) {
      held.push_back(pyb::tuple(commands[i]));
      for (auto a : held.back()) argvs[i].Add(a.ptr(), style_);
      if (argvs[i].size() == 0) throw pyb::value_error("empty command in pipeline");
    }
    std::vector<std::span<const std::string_view>> spans;
    for (auto& a : argvs) spans.emplace_back(a.views());

    std::vector<protocol::RespValue> replies;
    bool ran = true;
    bool watch_failed = false;
    {
      pyb::gil_scoped_release release;
      std::lock_guard lk(mu_);
      // No parking inside a pipeline (see the top of the file).
      auto sink_factory = std::move(session_.make_block_sink);
      session_.make_block_sink = nullptr;
      struct Restore {
        Session& s;
        std::function<std::shared_ptr<WaiterSink>()>& f;
        ~Restore() { s.make_block_sink = std::move(f); }
      } restore{session_, sink_factory};
      Dispatcher& d = engine_->dispatcher();
      if (atomic) {
        // Queue-time checks, as MULTI does.
        std::vector<protocol::RespValue> queued(spans.size());
        for (size_t i = 0; i < spans.size(); ++i) {
          protocol::ValueBuilder vb(session_.resp);
          if (!d.Resolve(spans[i], vb)) {
            queued[i] = vb.TakeOne();
            ran = false;
          }
        }
        Engine& engine = engine_->state().engine();
        if (!ran) {
          replies = std::move(queued);
          if (check_watch) DiscardTransaction(session_, engine);
        } else {
          {
            ExecGate::Exclusive excl(engine.gate());
            // The pipeline's writes go to the AOF as one MULTI/EXEC (commands/propagation.h).
            PropagationBatch batch(engine);
            if (check_watch) {
              watch_failed = !WatchedKeysUnchanged(session_, engine, engine.clock().NowMs());
              DiscardTransaction(session_, engine);
            }
            if (!watch_failed)
              for (auto& s : spans) replies.push_back(DispatchOne(s));
          }
          engine_->state().aof().BeforeReply();
          d.ServeDeferred();  // blocked clients get the pipeline's pushes after it
        }
      } else {
        for (auto& s : spans) replies.push_back(DispatchOne(s));
      }
    }
    if (watch_failed) return pyb::make_tuple(pyb::none(), pyb::list());
    pyb::list out(replies.size());
    for (size_t i = 0; i < replies.size(); ++i) {
      if (!ran && replies[i].type == protocol::RespValue::Type::kNull)
        out[i] = pyb::none();
      else
        out[i] = Convert(replies[i], decode, /*raise=*/false);
    }
    return pyb::make_tuple(ran, out);
  }

  // Both wait for a command this session runs: from inside it (a registered command's function
  // using its own Cache) that wait would never end.
  int db() {
    CheckNotInsideCommand(*engine_);
    auto lk = LockKeepingGil();
    return session_.db_index;
  }
  int protocol() {
    CheckNotInsideCommand(*engine_);
    auto lk = LockKeepingGil();
    return session_.resp;
  }
  uint64_t id() const { return session_.id; }
  bool decode_responses() const { return style_.decode; }
  const std::string& encoding() const { return style_.encoding; }
  const std::string& encoding_errors() const { return style_.errors; }
  std::shared_ptr<PyEngine> engine() const { return engine_; }

 private:
  protocol::RespValue DispatchOne(std::span<const std::string_view> argv) {
    protocol::ValueBuilder vb(session_.resp);
    engine_->dispatcher().Dispatch(argv, session_, vb);
    return vb.TakeOne();
  }

  // A parked call: waits for its reply with the GIL released. *interrupted: a signal handler
  // raised (KeyboardInterrupt) and the call was cancelled; the Python error is set.
  protocol::RespValue WaitBlocked(const std::shared_ptr<Waiter>& w, bool* interrupted) {
    auto* sink = static_cast<EmbeddedSink*>(w->sink.get());
    std::optional<protocol::RespValue> reply;
    switch (WaitParked(engine_->state().engine(), *w, [&](std::chrono::milliseconds slice) {
      reply = sink->WaitFor(slice);
      return reply.has_value();
    })) {
      case ParkedEnd::kServed:
        return std::move(*reply);
      case ParkedEnd::kInterrupted:
        *interrupted = true;
        return protocol::RespValue();
      case ParkedEnd::kTimedOut: {
        protocol::ValueBuilder vb(session_.resp);
        w->timeout_reply(vb);
        return vb.TakeOne();
      }
      case ParkedEnd::kCompleting:
        break;
    }
    return sink->Wait();
  }

  // Locks the session mutex from a thread holding the GIL: never waits with it held (the holder
  // may be running a Python-defined command, which needs the GIL).
  std::unique_lock<std::mutex> LockKeepingGil() {
    std::unique_lock lk(mu_, std::try_to_lock);
    if (!lk.owns_lock()) {
      pyb::gil_scoped_release release;
      lk.lock();
    }
    return lk;
  }

  // SET key value with a value of at most 4 KiB (see the top of the file).
  static bool QuickSet(std::span<const std::string_view> argv) {
    return argv.size() == 3 && argv[2].size() <= 4096 && EqualsIgnoreCase(argv[0], "set");
  }

  protocol::RespValue Run(std::span<const std::string_view> argv, bool* interrupted) {
    bool keep_gil = QuickSet(argv) || engine_->KeepsGil(argv[0]);
    if (keep_gil) {
      auto lk = LockKeepingGil();
      return DispatchOne(argv);
    }
    pyb::gil_scoped_release release;
    std::unique_lock lk(mu_);
    protocol::ValueBuilder vb(session_.resp);
    engine_->dispatcher().Dispatch(argv, session_, vb);
    if (!session_.blocked) return vb.TakeOne();
    std::shared_ptr<Waiter> w = std::move(session_.blocked);
    lk.unlock();
    return WaitBlocked(w, interrupted);
  }

  pyb::object Convert(const protocol::RespValue& reply, bool decode, bool raise) {
    pyb::object out;
    if (decode == style_.decode) {
      out = ToPython(reply, style_);
    } else {
      ReplyStyle s = style_;
      s.decode = decode;
      out = ToPython(reply, s);
    }
    if (raise && reply.type == protocol::RespValue::Type::kError) RaiseInstance(out);
    return out;
  }

  std::shared_ptr<PyEngine> engine_;
  ReplyStyle style_;
  std::mutex mu_;
  Session session_;
};

void RegisterEngine(pyb::module_& m) {
  pyb::class_<PyEngine, std::shared_ptr<PyEngine>>(m, "Engine",
                                                   "An in-process FinCache engine (its own "
                                                   "keyspace, command table and config).")
      .def(pyb::init<const std::map<std::string, std::string>&>(), pyb::arg("settings"))
      .def("config_get", &PyEngine::ConfigGet, pyb::arg("name"),
           "The current value of a setting, or None when unknown.");

  pyb::class_<PySession>(m, "Session", "One client of an Engine (db index, protocol).")
      .def(pyb::init<std::shared_ptr<PyEngine>, int, int, bool, std::string, std::string,
                     pyb::object>(),
           pyb::arg("engine"), pyb::arg("db"), pyb::arg("protocol"), pyb::arg("decode"),
           pyb::arg("encoding"), pyb::arg("encoding_errors"), pyb::arg("error_factory"))
      .def("execute", &PySession::Execute, pyb::arg("args"), pyb::arg("decode"))
      .def("execute_many", &PySession::ExecuteMany, pyb::arg("commands"), pyb::arg("atomic"),
           pyb::arg("decode"), pyb::arg("check_watch") = false)
      .def_property_readonly("db", &PySession::db)
      .def_property_readonly("protocol", &PySession::protocol)
      .def_property_readonly("id", &PySession::id)
      .def_property_readonly("decode_responses", &PySession::decode_responses)
      .def_property_readonly("encoding", &PySession::encoding)
      .def_property_readonly("encoding_errors", &PySession::encoding_errors)
      .def_property_readonly("engine", &PySession::engine);
}

}  // namespace fincache::py
