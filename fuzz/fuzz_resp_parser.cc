// libFuzzer target: the RESP request parser.
//
// Property: the parser yields the same commands and the same error whether the bytes arrive at
// once or split at arbitrary points (the first input byte picks the split pattern), and it never
// crashes, reads out of bounds or holds more memory than the input justifies.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"

using fincache::protocol::ParserLimits;
using fincache::protocol::RespParser;

namespace {

struct Outcome {
  std::vector<std::vector<std::string>> commands;
  std::string error;
};

// Feeds `in` in chunks of the sizes `chunk(i)` gives, collecting every command.
template <typename ChunkFn>
Outcome Run(std::string_view in, const ParserLimits& limits, bool authenticated, ChunkFn chunk) {
  RespParser p(&limits);
  p.set_authenticated(authenticated);
  Outcome out;
  std::string pending;  // bytes handed to the parser but left unconsumed
  size_t pos = 0;
  for (size_t i = 0; pos < in.size() || !pending.empty(); ++i) {
    size_t n = std::min(in.size() - pos, chunk(i));
    pending.append(in.substr(pos, n));
    pos += n;
    while (true) {
      size_t consumed = 0;
      auto st = p.Parse(pending, &consumed);
      if (consumed > pending.size()) std::abort();
      pending.erase(0, consumed);
      if (st == RespParser::Status::kCommand) {
        std::vector<std::string> args(p.args().begin(), p.args().end());
        out.commands.push_back(std::move(args));
        continue;
      }
      if (st == RespParser::Status::kError) {
        out.error = p.error();
        return out;
      }
      if (!pending.empty()) std::abort();  // kNeedMore consumes everything
      break;
    }
    if (pos >= in.size()) break;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  ParserLimits limits;
  limits.max_inline_len = (mode & 1) ? 64 : 64 * 1024;
  limits.proto_max_bulk_len = (mode & 2) ? 100 : 512LL * 1024 * 1024;
  const bool auth = (mode & 4) == 0;

  Outcome whole = Run(in, limits, auth, [](size_t) { return SIZE_MAX; });
  const size_t step = 1 + (mode >> 3);
  Outcome split = Run(in, limits, auth, [&](size_t i) { return i % 2 ? step : 1 + (i % 7); });
  if (whole.commands != split.commands || whole.error != split.error) std::abort();
  return 0;
}
