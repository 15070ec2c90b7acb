#include "py_convert.h"

#include <charconv>

namespace fincache::py {

using protocol::RespValue;

RedisExceptions& RedisExceptions::Get() {
  // Leaked on purpose: destroying Python objects at process exit, after the interpreter is
  // finalized, would crash.
  static RedisExceptions* e = [] {
    auto* r = new RedisExceptions;
    pyb::module_ exc = pyb::module_::import("redis.exceptions");
    r->data_error = exc.attr("DataError");
    r->response_error = exc.attr("ResponseError");
    return r;
  }();
  return *e;
}

[[noreturn]] void RaiseInstance(const pyb::object& exc) {
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
  throw pyb::error_already_set();
}

namespace {

[[noreturn]] void RaiseDataError(PyObject* obj) {
  std::string type_name = Py_TYPE(obj)->tp_name;
  // tp_name of builtins is the bare name; of classes "module.Name" → redis-py uses __name__.
  if (auto dot = type_name.rfind('.'); dot != std::string::npos)
    type_name = type_name.substr(dot + 1);
  std::string msg =
      "Invalid input of type: '" + type_name + "'. Convert to a bytes, string, int or float first.";
  PyErr_SetString(RedisExceptions::Get().data_error.ptr(), msg.c_str());
  throw pyb::error_already_set();
}

bool IsUtf8(const std::string& enc) {
  return enc == "utf-8" || enc == "utf8" || enc == "UTF-8" || enc == "UTF8";
}

pyb::object Text(std::string_view s, const ReplyStyle& style) {
  PyObject* o;
  if (!style.decode) {
    o = PyBytes_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
  } else {
    o = PyUnicode_Decode(s.data(), static_cast<Py_ssize_t>(s.size()), style.encoding.c_str(),
                         style.errors.c_str());
  }
  if (!o) throw pyb::error_already_set();
  return pyb::reinterpret_steal<pyb::object>(o);
}

}  // namespace

void ArgVector::Add(PyObject* obj, const ReplyStyle& style) {
  if (PyBytes_Check(obj)) {
    parts_.push_back({PyBytes_AS_STRING(obj), static_cast<size_t>(PyBytes_GET_SIZE(obj)), 0});
    return;
  }
  if (PyUnicode_Check(obj)) {
    if (IsUtf8(style.encoding) && style.errors == "strict") {
      // The UTF-8 form is cached in the str object: no copy.
      Py_ssize_t n;
      const char* p = PyUnicode_AsUTF8AndSize(obj, &n);
      if (!p) throw pyb::error_already_set();
      parts_.push_back({p, static_cast<size_t>(n), 0});
      return;
    }
    PyObject* b = PyUnicode_AsEncodedString(obj, style.encoding.c_str(), style.errors.c_str());
    if (!b) throw pyb::error_already_set();
    parts_.push_back({PyBytes_AS_STRING(b), static_cast<size_t>(PyBytes_GET_SIZE(b)), 0});
    refs_.push_back(pyb::reinterpret_steal<pyb::object>(b));
    return;
  }
  if (PyBool_Check(obj)) RaiseDataError(obj);
  if (PyLong_CheckExact(obj)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (!overflow && !(v == -1 && PyErr_Occurred())) {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), v);
      parts_.push_back({nullptr, 0, owned_.size()});
      owned_.emplace_back(buf, r.ptr);
      return;
    }
    PyErr_Clear();
  }
  if (PyByteArray_Check(obj) || PyMemoryView_Check(obj)) {
    // Mutable buffers are copied: the engine runs without the GIL.
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_CONTIG_RO) != 0) throw pyb::error_already_set();
    parts_.push_back({nullptr, 0, owned_.size()});
    owned_.emplace_back(static_cast<const char*>(view.buf), static_cast<size_t>(view.len));
    PyBuffer_Release(&view);
    return;
  }
  if (PyLong_Check(obj) || PyFloat_Check(obj)) {
    // repr(), exactly as redis-py (also for int/float subclasses).
    PyObject* r = PyObject_Repr(obj);
    if (!r) throw pyb::error_already_set();
    auto ref = pyb::reinterpret_steal<pyb::object>(r);
    Py_ssize_t n;
    const char* p = PyUnicode_AsUTF8AndSize(r, &n);
    if (!p) throw pyb::error_already_set();
    parts_.push_back({p, static_cast<size_t>(n), 0});
    refs_.push_back(std::move(ref));
    return;
  }
  RaiseDataError(obj);
}

std::span<const std::string_view> ArgVector::views() {
  views_.clear();
  views_.reserve(parts_.size());
  for (const Part& p : parts_) {
    if (p.data)
      views_.emplace_back(p.data, p.size);
    else
      views_.emplace_back(owned_[p.index]);
  }
  return {views_.data(), views_.size()};
}

pyb::object ToPython(const RespValue& v, const ReplyStyle& style) {
  switch (v.type) {
    case RespValue::Type::kSimple:
    case RespValue::Type::kBulk:
    case RespValue::Type::kVerbatim:
      return Text(v.str, style);
    case RespValue::Type::kError: {
      PyObject* text =
          PyUnicode_DecodeUTF8(v.str.data(), static_cast<Py_ssize_t>(v.str.size()), "replace");
      if (!text) throw pyb::error_already_set();
      return style.error_factory(pyb::reinterpret_steal<pyb::object>(text));
    }
    case RespValue::Type::kInteger:
      return pyb::reinterpret_steal<pyb::object>(PyLong_FromLongLong(v.integer));
    case RespValue::Type::kDouble:
      return pyb::reinterpret_steal<pyb::object>(PyFloat_FromDouble(v.dbl));
    case RespValue::Type::kBigNumber: {
      PyObject* o = PyLong_FromString(v.str.c_str(), nullptr, 10);
      if (!o) throw pyb::error_already_set();
      return pyb::reinterpret_steal<pyb::object>(o);
    }
    case RespValue::Type::kNull:
    case RespValue::Type::kNullArray:
      return pyb::none();
    case RespValue::Type::kBool:
      return pyb::bool_(v.integer != 0);
    case RespValue::Type::kMap: {
      pyb::dict d;
      for (size_t i = 0; i + 1 < v.elems.size(); i += 2)
        d[ToPython(v.elems[i], style)] = ToPython(v.elems[i + 1], style);
      return d;
    }
    case RespValue::Type::kArray:
    case RespValue::Type::kSet:  // redis-py's RESP3 parser returns sets as lists too
    case RespValue::Type::kPush: {
      PyObject* list = PyList_New(static_cast<Py_ssize_t>(v.elems.size()));
      if (!list) throw pyb::error_already_set();
      auto out = pyb::reinterpret_steal<pyb::object>(list);
      for (size_t i = 0; i < v.elems.size(); ++i)
        PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i),
                        ToPython(v.elems[i], style).release().ptr());
      return out;
    }
  }
  return pyb::none();
}

}  // namespace fincache::py
