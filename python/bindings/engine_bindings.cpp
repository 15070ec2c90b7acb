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
// path (GET/SET...); every other command (KEYS, MSET, FLUSHALL...) runs with the GIL released.
// A thread keeping the GIL may wait for a shard lock held by a thread that released it; that
// thread never needs the GIL before unlocking, so there is no cycle. The session mutex is likewise
// never waited for while holding the GIL.
#include <pybind11/stl.h>

#include <memory>
#include <mutex>

#include "py_convert.h"
#include "py_engine.h"

namespace fincache::py {

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
  }

  // Runs one command; returns the reply, raises the error reply as redis-py's exception.
  pyb::object Execute(const pyb::tuple& args, bool decode) {
    ArgVector argv;
    for (auto a : args) argv.Add(a.ptr(), style_);
    if (argv.size() == 0) throw pyb::value_error("execute() needs at least the command name");
    protocol::RespValue reply = Run(argv.views());
    return Convert(reply, decode, /*raise=*/true);
  }

  // Runs several commands in order. Error replies are returned as exception instances (not
  // raised), like a redis-py pipeline's raw responses. atomic: nothing else runs on the engine
  // in between (the exclusive gate, as EXEC does), and when any command can't be queued (unknown
  // command, wrong arity) none runs: returns (False, [error or None per command]).
  pyb::tuple ExecuteMany(const pyb::list& commands, bool atomic, bool decode) {
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
    {
      pyb::gil_scoped_release release;
      std::lock_guard lk(mu_);
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
        if (!ran) {
          replies = std::move(queued);
        } else {
          ExecGate::Exclusive excl(engine_->state().engine().gate());
          for (auto& s : spans) replies.push_back(DispatchOne(s));
        }
      } else {
        for (auto& s : spans) replies.push_back(DispatchOne(s));
      }
    }
    pyb::list out(replies.size());
    for (size_t i = 0; i < replies.size(); ++i) {
      if (!ran && replies[i].type == protocol::RespValue::Type::kNull)
        out[i] = pyb::none();
      else
        out[i] = Convert(replies[i], decode, /*raise=*/false);
    }
    return pyb::make_tuple(ran, out);
  }

  int db() {
    std::lock_guard lk(mu_);
    return session_.db_index;
  }
  int protocol() {
    std::lock_guard lk(mu_);
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

  protocol::RespValue Run(std::span<const std::string_view> argv) {
    bool keep_gil = engine_->KeepsGil(argv[0]);
    if (keep_gil) {
      std::unique_lock lk(mu_, std::try_to_lock);
      if (!lk.owns_lock()) {
        pyb::gil_scoped_release release;
        lk.lock();
      }
      return DispatchOne(argv);
    }
    pyb::gil_scoped_release release;
    std::lock_guard lk(mu_);
    return DispatchOne(argv);
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
           pyb::arg("decode"))
      .def_property_readonly("db", &PySession::db)
      .def_property_readonly("protocol", &PySession::protocol)
      .def_property_readonly("id", &PySession::id)
      .def_property_readonly("decode_responses", &PySession::decode_responses)
      .def_property_readonly("encoding", &PySession::encoding)
      .def_property_readonly("encoding_errors", &PySession::encoding_errors)
      .def_property_readonly("engine", &PySession::engine);
}

}  // namespace fincache::py
