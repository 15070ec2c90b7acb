// libFuzzer target: what the HTTP front door reads from a client before any command runs: the
// request as Boost.Beast parses it (with the server's header and body limits), the target's
// path and query percent-decoding (http/router.h), and the JSON body (http/json_reply.h: depth
// limit, values to bytes).
//
// Properties: a string that decodes is no longer than its encoding; bytes → JSON → bytes is
// the identity, and the JSON always serializes (UTF-8 strings or base64).
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "http/json_reply.h"
#include "http/router.h"

using namespace fincache::http;
namespace bhttp = boost::beast::http;

namespace {

void CheckRoundTrip(std::string_view bytes) {
  nlohmann::json j = BytesToJson(bytes);
  (void)j.dump();  // throws (aborts the fuzzer) on invalid UTF-8
  std::string back, err;
  if (!JsonToBytes(j, &back, &err) || back != bytes) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckRoundTrip(input);

  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = 0;
  while (used < input.size() && !parser.is_done()) {
    size_t n = parser.put(boost::asio::buffer(input.data() + used, input.size() - used), ec);
    if (ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec) return 0;
    used += n;
    if (n == 0) break;
  }
  if (!parser.is_header_done()) return 0;
  const auto& req = parser.get();
  std::string path;
  std::map<std::string, std::string> query;
  std::string_view target(req.target().data(), req.target().size());
  if (ParseTarget(target, &path, &query)) {
    if (path.size() > target.size()) std::abort();
    for (auto& [k, v] : query) {
      CheckRoundTrip(k);
      CheckRoundTrip(v);
    }
    CheckRoundTrip(path);
  }
  if (!parser.is_done()) return 0;
  nlohmann::json body;
  std::string err;
  if (!ParseJsonBody(req.body(), &body, &err)) return 0;
  (void)body.dump();
  if (body.is_array()) {
    for (auto& v : body) {
      std::string bytes;
      if (JsonToBytes(v, &bytes, &err)) CheckRoundTrip(bytes);
    }
  } else if (body.is_object() && body.contains("value")) {
    std::string bytes;
    if (JsonToBytes(body["value"], &bytes, &err)) CheckRoundTrip(bytes);
  }
  return 0;
}
