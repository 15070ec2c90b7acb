// Conversions between Python objects and the engine's argv / replies, the way redis-py does them:
//
//   arguments  bytes, bytearray, memoryview as they are; str encoded (encoding, errors); int and
//              float as repr(); bool and anything else -> redis.exceptions.DataError with
//              redis-py's message (redis/_parsers/encoders.py Encoder.encode).
//   replies    what redis-py's pure-Python RESP2/RESP3 parsers return (redis/_parsers/resp2.py,
//              resp3.py): simple and bulk strings as bytes (str when decoding), integers as int,
//              RESP3 doubles as float, booleans as bool, big numbers as int, maps as dict, sets
//              and pushes as list, nulls as None, error replies as the exception instance
//              redis-py's BaseParser.parse_error builds (ResponseError or its subclasses).
//
// Everything here needs the GIL.
#pragma once

#include <pybind11/pybind11.h>

#include <boost/container/small_vector.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_value.h"

namespace fincache::py {

namespace pyb = pybind11;

// How a session turns replies into Python objects.
struct ReplyStyle {
  bool decode = false;
  std::string encoding = "utf-8";
  std::string errors = "strict";
  // callable(text: str) -> exception instance (redis-py's parse_error).
  pyb::object error_factory;
};

// argv built from Python arguments. Views point into `owned_` (copies of mutable buffers,
// formatted ints), into objects created here and kept in `refs_` (encoded str, repr()), or
// straight into the caller's immutable objects (bytes, the UTF-8 cache of a str): the caller
// must keep those alive (they are items of a tuple it holds) while argv is used, which may be
// without the GIL.
class ArgVector {
 public:
  // Appends one argument; raises DataError / UnicodeEncodeError like redis-py.
  void Add(PyObject* obj, const ReplyStyle& style);
  // Views over every argument (valid while this object and the caller's objects live).
  std::span<const std::string_view> views();
  size_t size() const { return parts_.size(); }

 private:
  struct Part {
    const char* data;  // null: owned_[index]
    size_t size;
    size_t index;
  };
  boost::container::small_vector<Part, 8> parts_;
  boost::container::small_vector<std::string, 4> owned_;
  boost::container::small_vector<pyb::object, 2> refs_;
  boost::container::small_vector<std::string_view, 8> views_;
};

// The redis.exceptions classes used by the conversions, imported once.
struct RedisExceptions {
  pyb::object data_error;
  pyb::object response_error;
  static RedisExceptions& Get();
};

// Converts one reply tree. resp3 maps become dicts; errors become exception instances.
pyb::object ToPython(const protocol::RespValue& v, const ReplyStyle& style);

// Raises `exc` (an exception instance) as the current Python error and throws
// pybind11::error_already_set.
[[noreturn]] void RaiseInstance(const pyb::object& exc);

}  // namespace fincache::py
