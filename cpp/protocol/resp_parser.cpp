// RespParser: see resp_parser.h for the contract and invariants.
//
// The parser is a small state machine driven by bytes, never by reads:
//   kIdle --'*'--> kCountLine --> (kBulkLenLine --> kBulkData)* --> command
//   kIdle --else-> kInlineLine --> command (or nothing for an empty line)
// Lines that arrive whole inside one `in` are parsed in place; a line split across calls is
// gathered in line_buf_ (bounded by max_inline_len). Bulk payloads go straight into arena_.
#include "protocol/resp_parser.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <utility>

#include "common/strings.h"

namespace fincache::protocol {
namespace {

constexpr ParserLimits kDefaultLimits{};

// Redis's limits for clients that still have to AUTH (networking.c).
constexpr int64_t kMaxUnauthMultibulkLen = 10;
constexpr int64_t kMaxUnauthBulkLen = 16384;

// Upper bounds on what a declared count or length may reserve up front.
constexpr size_t kMaxPreallocArgs = 1024;
constexpr size_t kMaxPreallocBytes = 64 * 1024;

// Buffers that grew past these are released when the next command starts, so one huge request
// does not pin memory for the rest of the connection.
constexpr size_t kRetainArenaBytes = 1024 * 1024;
constexpr size_t kRetainLineBytes = 16 * 1024;
constexpr size_t kRetainArgs = 16 * 1024;

// C-locale isspace (Redis never sets LC_CTYPE).
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// The byte a backslash escape inside double quotes stands for (sdssplitargs).
char DoubleQuoteEscape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

// Redis builds this text with "%c" into a C string and then maps '\r' and '\n' to spaces, so a
// NUL byte cuts the text short right after the opening quote.
std::string ExpectedDollarError(char got) {
  std::string text = "Protocol error: expected '$', got '";
  if (got == '\0') return text;
  text.push_back(got == '\r' || got == '\n' ? ' ' : got);
  text.push_back('\'');
  return text;
}

}  // namespace

RespParser::RespParser(const ParserLimits* limits)
    : limits_(limits != nullptr ? limits : &kDefaultLimits) {}

void RespParser::Reset() {
  state_ = State::kIdle;
  last_was_inline_ = false;
  line_cr_seen_ = false;
  args_remaining_ = 0;
  bulk_remaining_ = 0;
  trailer_remaining_ = 0;
  line_buf_.clear();
  error_.clear();
  RecycleCommandStorage();
}

size_t RespParser::AllocatedBytes() const {
  return line_buf_.capacity() + arena_.capacity() + arg_ends_.capacity() * sizeof(size_t) +
         args_.capacity() * sizeof(std::string_view) + error_.capacity();
}

void RespParser::RecycleCommandStorage() {
  command_ready_ = false;
  args_.clear();
  arg_ends_.clear();
  arena_.clear();
  if (arena_.capacity() > kRetainArenaBytes) std::string().swap(arena_);
  if (arg_ends_.capacity() > kRetainArgs) std::vector<size_t>().swap(arg_ends_);
  if (args_.capacity() > kRetainArgs) std::vector<std::string_view>().swap(args_);
}

void RespParser::BeginLine(State state) {
  state_ = state;
  line_buf_.clear();
  if (line_buf_.capacity() > kRetainLineBytes) std::string().swap(line_buf_);
  line_cr_seen_ = false;
}

RespParser::Status RespParser::Fail(std::string text, size_t pos, size_t* consumed) {
  state_ = State::kError;
  error_ = std::move(text);
  args_.clear();
  *consumed = pos;
  return Status::kError;
}

// Completes the line of the current state from in[*pos..]. Multibulk lines end at the first '\r'
// and Redis then skips one more byte without looking at it; inline lines end at '\n' (the
// caller strips a '\r' before it). On kDone, *line views either `in` or line_buf_.
RespParser::LineStatus RespParser::TakeLine(std::string_view in, size_t* pos,
                                            std::string_view* line) {
  const size_t max_len = static_cast<size_t>(std::max<int64_t>(limits_->max_inline_len, 0));
  const std::string_view rest = in.substr(*pos);
  if (line_cr_seen_) {
    if (rest.empty()) return LineStatus::kPending;
    ++*pos;
    line_cr_seen_ = false;
    *line = line_buf_;
    return LineStatus::kDone;
  }
  // The limit may have been lowered (CONFIG SET) while part of a line was buffered.
  if (line_buf_.size() > max_len) return LineStatus::kTooLong;
  // Never scan further than the longest line that could still be accepted.
  const size_t scan = std::min(rest.size(), max_len - line_buf_.size() + 1);
  const bool is_inline = state_ == State::kInlineLine;
  const void* hit = std::memchr(rest.data(), is_inline ? '\n' : '\r', scan);
  if (hit == nullptr) {
    if (scan < rest.size() || line_buf_.size() + rest.size() > max_len) {
      return LineStatus::kTooLong;
    }
    line_buf_.append(rest);
    *pos = in.size();
    return LineStatus::kPending;
  }
  const auto len = static_cast<size_t>(static_cast<const char*>(hit) - rest.data());
  if (line_buf_.size() + len > max_len) return LineStatus::kTooLong;
  const size_t terminator_len = is_inline ? 1 : 2;
  if (len + terminator_len > rest.size()) {  // multibulk: '\r' is the last byte we have
    line_buf_.append(rest.substr(0, len));
    line_cr_seen_ = true;
    *pos = in.size();
    return LineStatus::kPending;
  }
  *pos += len + terminator_len;
  if (line_buf_.empty()) {
    *line = rest.substr(0, len);
  } else {
    line_buf_.append(rest.substr(0, len));
    *line = line_buf_;
  }
  return LineStatus::kDone;
}

// sdssplitargs on one inline line, appending each argument to arena_. Returns false for
// unbalanced quotes, including a closing quote followed by something other than a space.
// Differences from Redis: a NUL byte is an ordinary character here (Redis works on C strings;
// its strchr() never even finds the end of such a line), everything else is the same, including
// the asymmetry that leading \v and \f are skipped while only ' ', \t, \r, \n end a token.
bool RespParser::SplitInlineArgs(std::string_view line) {
  const size_t n = line.size();
  size_t i = 0;
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i == n) return true;
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      if (in_double) {
        if (i == n) return false;
        const char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && IsHexDigit(line[i + 2]) &&
            IsHexDigit(line[i + 3])) {
          arena_.push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
          i += 4;
        } else if (c == '\\' && i + 1 < n) {
          arena_.push_back(DoubleQuoteEscape(line[i + 1]));
          i += 2;
        } else if (c == '"') {
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
          ++i;
        } else {
          arena_.push_back(c);
          ++i;
        }
      } else if (in_single) {
        if (i == n) return false;
        const char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          arena_.push_back('\'');
          i += 2;
        } else if (c == '\'') {
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
          ++i;
        } else {
          arena_.push_back(c);
          ++i;
        }
      } else if (i == n) {
        done = true;
      } else {
        const char c = line[i++];
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
            done = true;
            break;
          case '"':
            in_double = true;
            break;
          case '\'':
            in_single = true;
            break;
          default:
            arena_.push_back(c);
            break;
        }
      }
    }
    arg_ends_.push_back(arena_.size());
  }
}

void RespParser::FinishCommand(bool is_inline) {
  args_.clear();
  size_t start = 0;
  for (const size_t end : arg_ends_) {
    args_.emplace_back(arena_.data() + start, end - start);
    start = end;
  }
  last_was_inline_ = is_inline;
  command_ready_ = true;
  state_ = State::kIdle;
}

RespParser::Status RespParser::Parse(std::string_view in, size_t* consumed) {
  if (state_ == State::kError) {
    *consumed = 0;
    return Status::kError;
  }
  // The previous command's views die now, so its storage can be reused.
  if (command_ready_) RecycleCommandStorage();

  size_t pos = 0;
  std::string_view line;
  while (true) {
    switch (state_) {
      case State::kIdle:
        if (pos == in.size()) {
          *consumed = pos;
          return Status::kNeedMore;
        }
        BeginLine(in[pos] == '*' ? State::kCountLine : State::kInlineLine);
        break;

      case State::kCountLine: {
        const LineStatus st = TakeLine(in, &pos, &line);
        if (st == LineStatus::kPending) {
          *consumed = pos;
          return Status::kNeedMore;
        }
        if (st == LineStatus::kTooLong) {
          return Fail("Protocol error: too big mbulk count string", pos, consumed);
        }
        int64_t count = 0;
        if (!ParseInt64(line.substr(1), &count) || count > INT_MAX) {
          return Fail("Protocol error: invalid multibulk length", pos, consumed);
        }
        if (count > kMaxUnauthMultibulkLen && !authenticated_) {
          return Fail("Protocol error: unauthenticated multibulk length", pos, consumed);
        }
        if (count <= 0) {  // an empty request: nothing to run, keep going
          state_ = State::kIdle;
          break;
        }
        args_remaining_ = count;
        arg_ends_.reserve(std::min(static_cast<size_t>(count), kMaxPreallocArgs));
        BeginLine(State::kBulkLenLine);
        break;
      }

      case State::kBulkLenLine: {
        const LineStatus st = TakeLine(in, &pos, &line);
        if (st == LineStatus::kPending) {
          *consumed = pos;
          return Status::kNeedMore;
        }
        if (st == LineStatus::kTooLong) {
          return Fail("Protocol error: too big bulk count string", pos, consumed);
        }
        // An empty line means Redis looked at the '\r' itself.
        const char first = line.empty() ? '\r' : line[0];
        if (first != '$') return Fail(ExpectedDollarError(first), pos, consumed);
        int64_t len = 0;
        if (!ParseInt64(line.substr(1), &len) || len < 0 || len > limits_->proto_max_bulk_len) {
          return Fail("Protocol error: invalid bulk length", pos, consumed);
        }
        if (len > kMaxUnauthBulkLen && !authenticated_) {
          return Fail("Protocol error: unauthenticated bulk length", pos, consumed);
        }
        arena_.reserve(arena_.size() + std::min(static_cast<size_t>(len), kMaxPreallocBytes));
        bulk_remaining_ = len;
        trailer_remaining_ = 2;
        state_ = State::kBulkData;
        break;
      }

      case State::kBulkData: {
        const size_t avail = in.size() - pos;
        const size_t payload = std::min(static_cast<size_t>(bulk_remaining_), avail);
        arena_.append(in.data() + pos, payload);
        pos += payload;
        bulk_remaining_ -= static_cast<int64_t>(payload);
        if (bulk_remaining_ == 0) {
          // Redis skips the two bytes after the payload without checking they are "\r\n".
          const size_t trailer = std::min(static_cast<size_t>(trailer_remaining_), in.size() - pos);
          pos += trailer;
          trailer_remaining_ -= static_cast<int>(trailer);
        }
        if (bulk_remaining_ > 0 || trailer_remaining_ > 0) {
          *consumed = pos;
          return Status::kNeedMore;
        }
        arg_ends_.push_back(arena_.size());
        if (--args_remaining_ > 0) {
          BeginLine(State::kBulkLenLine);
          break;
        }
        FinishCommand(/*is_inline=*/false);
        *consumed = pos;
        return Status::kCommand;
      }

      case State::kInlineLine: {
        const LineStatus st = TakeLine(in, &pos, &line);
        if (st == LineStatus::kPending) {
          *consumed = pos;
          return Status::kNeedMore;
        }
        if (st == LineStatus::kTooLong) {
          return Fail("Protocol error: too big inline request", pos, consumed);
        }
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!SplitInlineArgs(line)) {
          return Fail("Protocol error: unbalanced quotes in request", pos, consumed);
        }
        if (arg_ends_.empty()) {  // a blank line: skipped
          state_ = State::kIdle;
          break;
        }
        FinishCommand(/*is_inline=*/true);
        *consumed = pos;
        return Status::kCommand;
      }

      case State::kError:
        *consumed = pos;
        return Status::kError;
    }
  }
}

}  // namespace fincache::protocol
