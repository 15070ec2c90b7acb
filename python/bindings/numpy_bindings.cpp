// NumPy bridges: bulk commands built from and answered into arrays in C++, one dispatch per call,
// no Python loop (fincache.Cache.zadd_arrays / zrange_arrays / mget_array / mset_arrays).
//
// Each function runs one command on the engine for the given db with a short-lived session (the
// embedded process owns the engine: no AUTH), the GIL released while the engine works. Error
// replies raise the error_factory's exception (redis-py's classes, as fincache.Cache raises).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/strings.h"
#include "protocol/reply_builder.h"
#include "protocol/resp_value.h"
#include "py_engine.h"

namespace pyb = pybind11;

namespace fincache::py {

namespace {

// A str, bytes (or numpy str_/bytes_) argument as bytes.
void AppendArg(std::vector<std::string>* argv, pyb::handle h) {
  PyObject* o = h.ptr();
  if (PyBytes_Check(o)) {
    argv->emplace_back(PyBytes_AS_STRING(o), PyBytes_GET_SIZE(o));
  } else if (PyUnicode_Check(o)) {
    Py_ssize_t n;
    const char* s = PyUnicode_AsUTF8AndSize(o, &n);
    if (!s) throw pyb::error_already_set();
    argv->emplace_back(s, n);
  } else if (PyLong_Check(o) || PyFloat_Check(o)) {
    argv->emplace_back(pyb::str(h).cast<std::string>());
  } else {
    throw pyb::type_error("keys and members must be str or bytes, got " +
                          std::string(Py_TYPE(o)->tp_name));
  }
}

protocol::RespValue Run(PyEngine& engine, int db, const std::vector<std::string>& argv,
                        const pyb::object& error_factory) {
  CheckNotInsideCommand(engine);
  std::vector<std::string_view> views(argv.begin(), argv.end());
  protocol::RespValue reply;
  {
    pyb::gil_scoped_release release;
    Session session;
    session.db_index = db;
    session.resp = 3;
    session.authenticated = true;
    protocol::ValueBuilder vb(3);
    engine.dispatcher().Dispatch(CmdArgList(views.data(), views.size()), session, vb);
    reply = vb.TakeOne();
  }
  if (reply.type == protocol::RespValue::Type::kError) {
    pyb::object err = error_factory(pyb::str(reply.str));
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(err.ptr())), err.ptr());
    throw pyb::error_already_set();
  }
  return reply;
}

pyb::object BulkToPython(const std::string& s, bool decode) {
  if (decode)
    return pyb::reinterpret_steal<pyb::object>(PyUnicode_DecodeUTF8(s.data(), s.size(), "strict"));
  return pyb::bytes(s);
}

// ZADD key score member ... from a sequence of members and an array of scores.
int64_t ZaddArrays(PyEngine& engine, int db, pyb::handle key, const pyb::sequence& members,
                   const pyb::array_t<double, pyb::array::c_style | pyb::array::forcecast>& scores,
                   const pyb::object& error_factory) {
  if (scores.ndim() != 1) throw pyb::value_error("scores must be one-dimensional");
  const size_t n = static_cast<size_t>(scores.shape(0));
  if (static_cast<size_t>(pyb::len(members)) != n)
    throw pyb::value_error("members and scores must have the same length");
  if (n == 0) throw pyb::value_error("zadd_arrays needs at least one member");
  std::vector<std::string> argv;
  argv.reserve(2 + 2 * n);
  argv.emplace_back("ZADD");
  AppendArg(&argv, key);
  const double* s = scores.data();
  size_t i = 0;
  for (auto m : members) {
    if (std::isnan(s[i])) throw pyb::value_error("scores must not be NaN");
    argv.emplace_back(protocol::FormatDouble(s[i]));
    AppendArg(&argv, m);
    ++i;
  }
  return Run(engine, db, argv, error_factory).integer;
}

// ZRANGE key start end [BYSCORE] [REV] WITHSCORES -> (members object array, float64 scores).
pyb::tuple ZrangeArrays(PyEngine& engine, int db, pyb::handle key, pyb::handle start,
                        pyb::handle end, bool byscore, bool rev, bool decode,
                        const pyb::object& error_factory) {
  std::vector<std::string> argv{"ZRANGE"};
  AppendArg(&argv, key);
  AppendArg(&argv, start);
  AppendArg(&argv, end);
  if (byscore) argv.emplace_back("BYSCORE");
  if (rev) argv.emplace_back("REV");
  argv.emplace_back("WITHSCORES");
  protocol::RespValue reply = Run(engine, db, argv, error_factory);
  const size_t n = reply.elems.size();
  pyb::list members(n);
  pyb::array_t<double> scores(static_cast<pyb::ssize_t>(n));
  double* out = scores.mutable_data();
  for (size_t i = 0; i < n; ++i) {
    const protocol::RespValue& pair = reply.elems[i];  // RESP3: [member, score]
    members[i] = BulkToPython(pair.elems[0].str, decode);
    out[i] = pair.elems[1].dbl;
  }
  pyb::module_ np = pyb::module_::import("numpy");
  return pyb::make_tuple(np.attr("array")(members, pyb::arg("dtype") = "object"), scores);
}

// MGET keys -> float64 array, NaN where a key is missing or does not hold a number.
pyb::array_t<double> MgetArray(PyEngine& engine, int db, const pyb::sequence& keys,
                               const pyb::object& error_factory) {
  const size_t n = static_cast<size_t>(pyb::len(keys));
  pyb::array_t<double> out(static_cast<pyb::ssize_t>(n));
  if (n == 0) return out;
  std::vector<std::string> argv{"MGET"};
  argv.reserve(n + 1);
  for (auto k : keys) AppendArg(&argv, k);
  protocol::RespValue reply = Run(engine, db, argv, error_factory);
  double* o = out.mutable_data();
  for (size_t i = 0; i < n; ++i) {
    const protocol::RespValue& v = reply.elems[i];
    double d;
    o[i] = v.type == protocol::RespValue::Type::kBulk && ParseDouble(v.str, &d) ? d : std::nan("");
  }
  return out;
}

// MSET key value ... from a sequence of keys and a sequence (or array) of values; numbers are
// written as Redis writes them (integers as integers, doubles in the shortest exact form).
void MsetArrays(PyEngine& engine, int db, const pyb::sequence& keys, const pyb::array& values,
                const pyb::object& error_factory) {
  const size_t n = static_cast<size_t>(pyb::len(keys));
  if (values.ndim() != 1 || static_cast<size_t>(values.shape(0)) != n)
    throw pyb::value_error("keys and values must be one-dimensional and of the same length");
  if (n == 0) throw pyb::value_error("mset_arrays needs at least one key");
  std::vector<std::string> argv{"MSET"};
  argv.reserve(2 * n + 1);
  const char kind = values.dtype().kind();
  pyb::array_t<double, pyb::array::forcecast> as_double;
  pyb::array_t<int64_t, pyb::array::forcecast> as_int;
  if (kind == 'f') as_double = pyb::array_t<double, pyb::array::forcecast>::ensure(values);
  if (kind == 'i' || kind == 'u' || kind == 'b')
    as_int = pyb::array_t<int64_t, pyb::array::forcecast>::ensure(values);
  size_t i = 0;
  pyb::list value_list = (kind == 'f' || kind == 'i' || kind == 'u' || kind == 'b')
                             ? pyb::list()
                             : pyb::list(values.attr("tolist")());
  for (auto k : keys) {
    AppendArg(&argv, k);
    if (kind == 'f') {
      double d = as_double.at(i);
      if (std::isnan(d)) throw pyb::value_error("values must not be NaN");
      argv.emplace_back(protocol::FormatDouble(d));
    } else if (kind == 'i' || kind == 'u' || kind == 'b') {
      argv.emplace_back(std::to_string(as_int.at(i)));
    } else {
      AppendArg(&argv, value_list[i]);
    }
    ++i;
  }
  Run(engine, db, argv, error_factory);
}

}  // namespace

void RegisterNumpy(pyb::module_& m) {
  m.def("zadd_arrays", &ZaddArrays, pyb::arg("engine"), pyb::arg("db"), pyb::arg("key"),
        pyb::arg("members"), pyb::arg("scores"), pyb::arg("error_factory"));
  m.def("zrange_arrays", &ZrangeArrays, pyb::arg("engine"), pyb::arg("db"), pyb::arg("key"),
        pyb::arg("start"), pyb::arg("end"), pyb::arg("byscore"), pyb::arg("rev"),
        pyb::arg("decode"), pyb::arg("error_factory"));
  m.def("mget_array", &MgetArray, pyb::arg("engine"), pyb::arg("db"), pyb::arg("keys"),
        pyb::arg("error_factory"));
  m.def("mset_arrays", &MsetArrays, pyb::arg("engine"), pyb::arg("db"), pyb::arg("keys"),
        pyb::arg("values"), pyb::arg("error_factory"));
}

}  // namespace fincache::py
