// Python-defined commands: Engine.register_command / unregister_command (fincache.Cache's
// register_command) and _core.CommandContext, the handle a command's function gets.
//
// A registered command is a run-time command of the engine (CommandRegistry::AddCustom, Redis's
// module commands): listed by COMMAND, callable from every front door (embedded sessions,
// loopbacks, network clients of a fincache.Server, scripts' redis.call). It is CO::kGlobal, so
// the dispatcher runs it holding the exclusive gate, as EVAL: nothing else runs meanwhile, and
// the commands its function runs through ctx.call() are nested dispatches inside that section.
//
// The GIL and the gate. A thread running a Python command holds the exclusive gate and then
// takes the GIL (a network thread has no other way). So no thread may hold the GIL while it waits
// for the gate: ExecGate's wait hooks (installed here) release the GIL around every wait for a
// slot, and take it back once the slot is held. Other waits of a thread holding the GIL are on
// locks whose holders never need the GIL (shard locks: taken after a shared token, never inside
// an exclusive section; session mutexes: waited for with the GIL released). A command's function
// must not use its own engine through a Cache or fincache.Redis (the session it was called from
// may be held by this very thread): those raise RuntimeError inside a command; ctx.call() is the
// way (see InsideCommandOf in py_engine.h).
//
// Replies. The function's return value is converted to a RespValue first (so a value that can't
// be converted gives an error reply, never half a reply) and then written to the caller's reply
// builder, which shapes it for the caller's protocol (RESP2/RESP3, embedded or network).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "commands/command_context.h"
#include "common/errors.h"
#include "common/strings.h"
#include "engine/exec_gate.h"
#include "protocol/resp_value.h"
#include "py_convert.h"
#include "py_engine.h"

namespace pyb = pybind11;

namespace fincache::py {

namespace {

using protocol::RespValue;

// How deep Python commands may call each other through ctx.call (each level holds C++ and
// Python frames on the running thread's stack).
constexpr int kMaxNesting = 16;
// How deep a reply may nest (lists in lists...).
constexpr int kMaxReplyDepth = 512;

// ---------------------------------------------------------------------------------------------
// The GIL around gate waits
// ---------------------------------------------------------------------------------------------

void* GateWaitBegin() {
  if (!Py_IsInitialized() || Finalizing() || !PyGILState_Check()) return nullptr;
  return PyEval_SaveThread();
}

void GateWaitEnd(void* token) { PyEval_RestoreThread(static_cast<PyThreadState*>(token)); }

// ---------------------------------------------------------------------------------------------
// Python classes used here (fincache.exceptions.CommandError, fincache._commands.SimpleString,
// redis-py's parse_error), imported at first use; leaked on purpose like RedisExceptions.
// ---------------------------------------------------------------------------------------------

struct PyClasses {
  pyb::object command_error;
  pyb::object simple_string;
  pyb::object parse_error;
  static PyClasses& Get() {
    static PyClasses* c = [] {
      auto* r = new PyClasses;
      r->command_error = pyb::module_::import("fincache.exceptions").attr("CommandError");
      r->simple_string = pyb::module_::import("fincache._commands").attr("SimpleString");
      r->parse_error =
          pyb::module_::import("redis._parsers.base").attr("BaseParser").attr("parse_error");
      return r;
    }();
    return *c;
  }
};

// CR and LF can't appear in a simple string or an error line: Redis maps them to spaces.
std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

// An error text with its code: kept as it is when its first word is an upper-case code
// ("WRONGTYPE ...", "ERR ...", "MYAPP ..."), otherwise prefixed with ERR.
std::string WithCode(std::string text) {
  text = OneLine(std::move(text));
  size_t end = text.find(' ');
  std::string_view first = std::string_view(text).substr(0, end);
  bool code = !first.empty() && first[0] >= 'A' && first[0] <= 'Z';
  for (char c : first)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) code = false;
  if (code) return text;
  return text.empty() ? "ERR" : "ERR " + text;
}

std::string StrOf(PyObject* o) {
  PyObject* s = PyObject_Str(o);
  if (!s) {
    PyErr_Clear();
    return "";
  }
  Py_ssize_t n;
  const char* p = PyUnicode_AsUTF8AndSize(s, &n);
  std::string out = p ? std::string(p, n) : "";
  if (!p) PyErr_Clear();
  Py_DECREF(s);
  return out;
}

// The error reply for an exception: redis-py's ResponseError family (fincache.CommandError, an
// error raised by ctx.call, a ResponseError of another client) carries an error reply's text,
// sent with its code; anything else is "ERR <Type>: <message>".
std::string ErrorReplyOf(PyObject* exc) {
  if (PyObject_IsInstance(exc, RedisExceptions::Get().response_error.ptr()) == 1)
    return WithCode(StrOf(exc));
  PyErr_Clear();
  std::string msg = StrOf(exc);
  std::string type = Py_TYPE(exc)->tp_name;
  if (auto dot = type.rfind('.'); dot != std::string::npos) type = type.substr(dot + 1);
  return OneLine("ERR " + type + (msg.empty() ? "" : ": " + msg));
}

// The pending Python error as an error reply (and cleared).
std::string TakeErrorReply() {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  std::string out = value ? ErrorReplyOf(value) : "ERR unknown Python error";
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Python return value -> reply
// ---------------------------------------------------------------------------------------------

std::string TypeName(PyObject* o) { return Py_TYPE(o)->tp_name; }

// Converts obj into *out; returns "" or the error reply's text.
std::string FromPython(PyObject* obj, const ReplyStyle& style, int depth, RespValue* out) {
  if (depth > kMaxReplyDepth) return "ERR reply nested too deeply";
  PyClasses& cls = PyClasses::Get();
  if (obj == Py_None) {
    out->type = RespValue::Type::kNull;
    return "";
  }
  if (PyBool_Check(obj)) {
    out->type = RespValue::Type::kBool;
    out->integer = obj == Py_True;
    return "";
  }
  if (PyObject_IsInstance(obj, cls.simple_string.ptr()) == 1) {
    Py_ssize_t n;
    const char* p = PyUnicode_AsUTF8AndSize(obj, &n);
    if (!p) return TakeErrorReply();
    out->type = RespValue::Type::kSimple;
    out->str = OneLine(std::string(p, n));
    return "";
  }
  if (PyExceptionInstance_Check(obj)) {
    out->type = RespValue::Type::kError;
    out->str = ErrorReplyOf(obj);
    return "";
  }
  if (PyLong_Check(obj) ||
      (!PyFloat_Check(obj) && PyIndex_Check(obj) && !PyObject_HasAttrString(obj, "tolist"))) {
    auto num = pyb::reinterpret_steal<pyb::object>(PyNumber_Index(obj));
    if (!num) return TakeErrorReply();
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(num.ptr(), &overflow);
    if (overflow) {
      out->type = RespValue::Type::kBigNumber;
      out->str = StrOf(num.ptr());
    } else {
      if (v == -1 && PyErr_Occurred()) return TakeErrorReply();
      out->type = RespValue::Type::kInteger;
      out->integer = v;
    }
    return "";
  }
  if (PyFloat_Check(obj)) {
    out->type = RespValue::Type::kDouble;
    out->dbl = PyFloat_AS_DOUBLE(obj);
    return "";
  }
  if (PyBytes_Check(obj)) {
    out->type = RespValue::Type::kBulk;
    out->str.assign(PyBytes_AS_STRING(obj), PyBytes_GET_SIZE(obj));
    return "";
  }
  if (PyByteArray_Check(obj) || PyMemoryView_Check(obj)) {
    auto b = pyb::reinterpret_steal<pyb::object>(PyBytes_FromObject(obj));
    if (!b) return TakeErrorReply();
    out->type = RespValue::Type::kBulk;
    out->str.assign(PyBytes_AS_STRING(b.ptr()), PyBytes_GET_SIZE(b.ptr()));
    return "";
  }
  if (PyUnicode_Check(obj)) {
    auto b = pyb::reinterpret_steal<pyb::object>(
        PyUnicode_AsEncodedString(obj, style.encoding.c_str(), style.errors.c_str()));
    if (!b) return TakeErrorReply();
    out->type = RespValue::Type::kBulk;
    out->str.assign(PyBytes_AS_STRING(b.ptr()), PyBytes_GET_SIZE(b.ptr()));
    return "";
  }
  if (PyDict_Check(obj)) {
    out->type = RespValue::Type::kMap;
    out->elems.reserve(2 * static_cast<size_t>(PyDict_Size(obj)));
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    while (PyDict_Next(obj, &pos, &k, &v)) {
      for (PyObject* x : {k, v}) {
        std::string err = FromPython(x, style, depth + 1, &out->elems.emplace_back());
        if (!err.empty()) return err;
      }
    }
    return "";
  }
  const bool is_set = PyAnySet_Check(obj);
  if (PyList_Check(obj) || PyTuple_Check(obj) || is_set) {
    out->type = is_set ? RespValue::Type::kSet : RespValue::Type::kArray;
    auto seq = pyb::reinterpret_steal<pyb::object>(PySequence_Fast(obj, "not a sequence"));
    if (!seq) return TakeErrorReply();
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
    out->elems.reserve(static_cast<size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i) {
      std::string err = FromPython(PySequence_Fast_GET_ITEM(seq.ptr(), i), style, depth + 1,
                                   &out->elems.emplace_back());
      if (!err.empty()) return err;
    }
    return "";
  }
  // NumPy arrays and scalars (and anything else with tolist()): their Python values.
  if (PyObject_HasAttrString(obj, "tolist")) {
    auto plain = pyb::reinterpret_steal<pyb::object>(PyObject_CallMethod(obj, "tolist", nullptr));
    if (!plain) return TakeErrorReply();
    if (plain.ptr() != obj) return FromPython(plain.ptr(), style, depth + 1, out);
  }
  return "ERR can't reply a value of type '" + TypeName(obj) +
         "' (bytes, str, int, float, bool, None, list, tuple, set, dict, fincache.SimpleString "
         "or an exception)";
}

// Writes a converted reply to the caller's reply builder (which shapes it for its protocol).
void Emit(const RespValue& v, protocol::ReplyBuilder& rb) {
  switch (v.type) {
    case RespValue::Type::kSimple:
      return rb.SendSimple(v.str);
    case RespValue::Type::kError:
      return rb.SendError(v.str);
    case RespValue::Type::kInteger:
      return rb.SendLong(v.integer);
    case RespValue::Type::kDouble:
      return rb.SendDouble(v.dbl);
    case RespValue::Type::kBulk:
    case RespValue::Type::kVerbatim:
      return rb.SendBulk(v.str);
    case RespValue::Type::kNull:
    case RespValue::Type::kNullArray:
      return rb.SendNull();
    case RespValue::Type::kBool:
      return rb.SendBool(v.integer != 0);
    case RespValue::Type::kBigNumber:
      return rb.SendBigNumber(v.str);
    case RespValue::Type::kMap:
      rb.StartMap(v.elems.size() / 2);
      break;
    case RespValue::Type::kSet:
      rb.StartSet(v.elems.size());
      break;
    case RespValue::Type::kArray:
    case RespValue::Type::kPush:
      rb.StartArray(v.elems.size());
      break;
  }
  for (const RespValue& e : v.elems) Emit(e, rb);
}

// Argument bytes as the function gets them: bytes, or str when the registering Cache decodes.
pyb::object ArgObject(std::string_view s, const ReplyStyle& style) {
  PyObject* o = style.decode
                    ? PyUnicode_Decode(s.data(), static_cast<Py_ssize_t>(s.size()),
                                       style.encoding.c_str(), style.errors.c_str())
                    : PyBytes_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
  if (!o) throw pyb::error_already_set();
  return pyb::reinterpret_steal<pyb::object>(o);
}

// ---------------------------------------------------------------------------------------------
// _core.CommandContext: what the function gets as its first argument
// ---------------------------------------------------------------------------------------------

class PyCommandContext {
 public:
  PyCommandContext(CommandContext& ctx, CmdArgList args, const ReplyStyle& style, bool read_only)
      : ctx_(&ctx), thread_(std::this_thread::get_id()), style_(style), read_only_(read_only) {
    // The command's own client: the caller's db and identity, RESP2 replies (stable shapes, as
    // redis.call in a script); SELECT inside stays in it.
    nested_.id = ctx.session.id;
    nested_.db_index = ctx.session.db_index;
    nested_.resp = 2;
    nested_.authenticated = true;
    nested_.user = ctx.session.user;
    name_ = ctx.spec.name;
    KeyIndexes idx;
    if (CommandRegistry::GetKeyIndexes(ctx.spec, args, &idx))
      for (int i : idx) keys_.append(ArgObject(args[i], style_));
    caller_db_ = ctx.session.db_index;
    caller_protocol_ = ctx.rb.resp_version();
  }

  void Deactivate() { ctx_ = nullptr; }

  // Runs a command on the engine inside this one (atomically, on this thread). raise: an error
  // reply raises fincache.CommandError (with the full error text); otherwise it is returned.
  pyb::object Call(const pyb::args& args, bool raise) {
    if (!ctx_) throw std::runtime_error("a CommandContext can only be used while its command runs");
    if (std::this_thread::get_id() != thread_)
      throw std::runtime_error(
          "ctx.call() must run on the thread running the command (it holds the engine)");
    ArgVector argv;
    for (auto a : args) argv.Add(a.ptr(), style_);
    if (argv.size() == 0) throw pyb::value_error("call() needs at least the command name");
    auto views = argv.views();

    RespValue reply;
    const CommandRegistry& registry = ctx_->server.registry();
    const CommandSpec* spec = registry.Lookup(views);
    if (spec && (spec->flags & CO::kNoScript)) {
      reply.type = RespValue::Type::kError;
      reply.str = "ERR This Redis command is not allowed from a registered command";
    } else if (spec && read_only_ && (spec->flags & (CO::kWrite | CO::kMayReplicate))) {
      reply.type = RespValue::Type::kError;
      reply.str = "ERR Write commands are not allowed from read-only registered commands";
    } else {
      Dispatcher dispatcher(ctx_->server);
      protocol::ValueBuilder vb(nested_.resp);
      // Fast commands keep the GIL (as Cache does); others let Python threads run meanwhile
      // (they wait for the gate with the GIL released).
      if (spec && (spec->flags & CO::kFast) && !(spec->flags & CO::kBlocking)) {
        dispatcher.Dispatch(views, nested_, vb);
      } else {
        pyb::gil_scoped_release release;
        dispatcher.Dispatch(views, nested_, vb);
      }
      reply = vb.TakeOne();
    }
    if (reply.type != RespValue::Type::kError) {
      ReplyStyle style = style_;
      style.error_factory = PyClasses::Get().parse_error;
      return ToPython(reply, style);
    }
    pyb::object exc = PyClasses::Get().command_error(pyb::str(reply.str));
    if (raise) RaiseInstance(exc);
    return exc;
  }

  const std::string& name() const { return name_; }
  pyb::list keys() const { return keys_; }
  int db() const { return caller_db_; }
  int protocol() const { return caller_protocol_; }
  bool active() const { return ctx_ != nullptr; }

 private:
  CommandContext* ctx_;  // null once the command returned
  std::thread::id thread_;
  ReplyStyle style_;
  bool read_only_;
  Session nested_;
  std::string name_;
  pyb::list keys_;
  int caller_db_ = 0;
  int caller_protocol_ = 2;
};

// ---------------------------------------------------------------------------------------------
// The registered command
// ---------------------------------------------------------------------------------------------

class PyCommand final : public ExternalCommand {
 public:
  PyCommand(pyb::object fn, ReplyStyle style, bool read_only)
      : fn_(std::move(fn)), style_(std::move(style)), read_only_(read_only) {}

  ~PyCommand() override { Drop(); }

  // Called with the GIL (register/unregister come from Python).
  void Retire() override { Drop(); }

  void Run(CmdArgList args, CommandContext& ctx) override {
    if (!Py_IsInitialized() || Finalizing())
      return ctx.SendError("ERR the Python interpreter is shutting down");
    pyb::gil_scoped_acquire gil;
    pyb::object fn = fn_;  // a concurrent unregister (while ctx.call released the GIL) is fine
    if (!fn) {             // removed after this call resolved it: as if it arrived a moment later
      return ctx.SendError(errors::UnknownCommand(args[0], args.data() + 1, args.size() - 1));
    }
    RunningCommand& running = RunningCommand::Mine();
    if (running.depth >= kMaxNesting)
      return ctx.SendError("ERR registered commands nested too deeply");
    RunningCommand::Scope scope(&ctx.server);

    RespValue reply;
    std::string err;
    PyCommandContext* handle = nullptr;
    pyb::object handle_obj;  // keeps handle alive until it is deactivated below
    try {
      auto owned = std::make_unique<PyCommandContext>(ctx, args, style_, read_only_);
      handle = owned.get();
      handle_obj = pyb::cast(std::move(owned));
      pyb::tuple call_args(args.size());
      call_args[0] = handle_obj;
      for (size_t i = 1; i < args.size(); ++i) call_args[i] = ArgObject(args[i], style_);
      PyObject* result = PyObject_Call(fn.ptr(), call_args.ptr(), nullptr);
      handle->Deactivate();
      handle = nullptr;
      if (!result) {
        err = TakeErrorReply();
      } else {
        auto owned_result = pyb::reinterpret_steal<pyb::object>(result);
        err = FromPython(result, style_, 0, &reply);
      }
    } catch (pyb::error_already_set& e) {
      e.restore();
      err = TakeErrorReply();
    } catch (const std::exception& e) {
      err = OneLine(std::string("ERR ") + e.what());
    }
    if (handle) handle->Deactivate();
    if (!err.empty()) return ctx.SendError(err);
    Emit(reply, ctx.rb);
  }

 private:
  void Drop() {
    if (!fn_) return;
    if (!Py_IsInitialized() || Finalizing()) {
      fn_.release();  // leaked: Python objects can't be freed any more
      return;
    }
    pyb::gil_scoped_acquire gil;
    fn_ = pyb::object();
  }

  pyb::object fn_;    // guarded by the GIL; empty once retired
  ReplyStyle style_;  // encoding of arguments and str replies (no error_factory held)
  bool read_only_;
};

uint32_t ParseFlags(const std::vector<std::string>& names) {
  static constexpr std::pair<std::string_view, uint32_t> kFlags[] = {
      {"write", CO::kWrite}, {"readonly", CO::kReadOnly}, {"denyoom", CO::kDenyOom},
      {"admin", CO::kAdmin}, {"noscript", CO::kNoScript}, {"fast", CO::kFast},
  };
  uint32_t flags = 0;
  for (const std::string& n : names) {
    bool found = false;
    for (auto& [name, bit] : kFlags) {
      if (EqualsIgnoreCase(n, name)) {
        flags |= bit;
        found = true;
      }
    }
    if (!found)
      throw pyb::value_error("unknown command flag '" + n +
                             "' (flags: write, readonly, denyoom, admin, noscript, fast)");
  }
  return flags;
}

}  // namespace

void RegisterCommands(pyb::module_& m) {
  ExecGate::SetWaitHooks(&GateWaitBegin, &GateWaitEnd);

  pyb::class_<PyCommandContext>(m, "CommandContext",
                                "What a registered command's function gets first: call() runs "
                                "commands on the same engine, inside the command (atomically).")
      .def(
          "call", [](PyCommandContext& c, const pyb::args& a) { return c.Call(a, true); },
          "Runs a command inside this one and returns its reply (RESP2 shapes: bytes, or str "
          "when the registering Cache decodes; int; list; None); an error reply raises "
          "fincache.CommandError with the full error text.")
      .def(
          "pcall", [](PyCommandContext& c, const pyb::args& a) { return c.Call(a, false); },
          "As call(), but an error reply is returned as a fincache.CommandError instance.")
      .def_property_readonly("name", &PyCommandContext::name, "The command's name (lowercase).")
      .def_property_readonly("keys", &PyCommandContext::keys,
                             "The arguments at the command's key positions.")
      .def_property_readonly("db", &PyCommandContext::db, "The caller's database.")
      .def_property_readonly("protocol", &PyCommandContext::protocol,
                             "The caller's protocol (2 or 3): replies are shaped for it.")
      .def_property_readonly("active", &PyCommandContext::active,
                             "True while the command runs (the context is usable).");

  m.def(
      "register_command",
      [](PyEngine& engine, const std::string& name, pyb::object fn, int arity,
         const std::vector<std::string>& flags, int first_key, int last_key, int step,
         const std::string& summary, bool replace, bool decode, const std::string& encoding,
         const std::string& encoding_errors) {
        if (!PyCallable_Check(fn.ptr())) throw pyb::type_error("fn must be callable");
        CustomCommandDef def;
        def.name = name;
        def.arity = arity;
        def.flags = ParseFlags(flags);
        def.first_key = first_key;
        def.last_key = last_key;
        def.key_step = step;
        def.summary = summary;
        def.module = "python";
        ReplyStyle style;
        style.decode = decode;
        style.encoding = encoding;
        style.errors = encoding_errors;
        def.handler =
            std::make_shared<PyCommand>(std::move(fn), std::move(style), def.flags & CO::kReadOnly);
        std::string err = engine.state().mutable_registry().AddCustom(std::move(def), replace);
        if (!err.empty()) throw pyb::value_error(err);
        engine.ForgetGilChoices();
      },
      pyb::arg("engine"), pyb::arg("name"), pyb::arg("fn"), pyb::arg("arity"), pyb::arg("flags"),
      pyb::arg("first_key"), pyb::arg("last_key"), pyb::arg("step"), pyb::arg("summary"),
      pyb::arg("replace"), pyb::arg("decode"), pyb::arg("encoding"), pyb::arg("encoding_errors"));

  m.def(
      "unregister_command",
      [](PyEngine& engine, const std::string& name) {
        bool removed = engine.state().mutable_registry().RemoveCustom(name);
        engine.ForgetGilChoices();
        return removed;
      },
      pyb::arg("engine"), pyb::arg("name"));
}

}  // namespace fincache::py
