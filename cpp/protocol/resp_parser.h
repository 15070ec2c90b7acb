// RespParser: the incremental request parser. Turns the bytes a client sends into argument
// vectors, one command per Parse() call, exactly as Redis 7 does (networking.c:
// processMultibulkBuffer / processInlineBuffer, sds.c: sdssplitargs), including its error texts.
//
// Two request forms, chosen by the first byte of each request:
//   multibulk  "*<count>\r\n" then <count> times "$<len>\r\n<len bytes>\r\n"
//   inline     any other line, ended by "\n" or "\r\n", split like sdssplitargs (quotes, escapes)
//
// Invariants:
// - Every byte handed to Parse() is either consumed into parser state or left in `in` for the
//   caller (*consumed says which); on kNeedMore everything has been consumed.
// - Arguments live in one reusable arena (arena_); args_ holds views into it that are built only
//   once a command is complete, so arena growth never leaves a dangling view.
// - Nothing is preallocated from a client-declared count or length beyond a small cap; storage
//   grows geometrically as bytes actually arrive (a 100MB bulk costs O(100MB)).
// - After a command, storage keeps its capacity (no allocation per command in steady state)
//   unless it grew past a retention threshold, in which case it is released.
// - A line (count, bulk length or inline) longer than limits.max_inline_len without its
//   terminator is an error, decided from the bytes alone, so any split of the input gives the
//   same result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fincache::protocol {

struct ParserLimits {
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;  // Redis proto-max-bulk-len
  int64_t max_inline_len = 64 * 1024;                // PROTO_INLINE_MAX_SIZE
};

class RespParser {
 public:
  enum class Status { kCommand, kNeedMore, kError };

  // nullptr -> defaults. The limits are read on each use, so CONFIG SET takes effect at once.
  explicit RespParser(const ParserLimits* limits = nullptr);

  // Parses at most one command from `in`; *consumed = bytes of `in` used (the caller drops them).
  // kCommand: args() holds the command until the next Parse()/Reset().
  // kNeedMore: all of `in` was consumed; call again with more bytes.
  // kError: error() holds Redis's text without "-ERR "; the parser stays in error until Reset().
  // Empty requests (an empty inline line, "*0", "*-1") are skipped silently.
  Status Parse(std::string_view in, size_t* consumed);

  // The last command's arguments; the views point into parser-owned storage, never into `in`.
  const std::vector<std::string_view>& args() const { return args_; }
  bool last_was_inline() const { return last_was_inline_; }
  const std::string& error() const { return error_; }

  // false while requirepass is set and the client has not authenticated: Redis then refuses
  // multibulk counts above 10 and bulk lengths above 16384.
  void set_authenticated(bool v) { authenticated_ = v; }

  // Drops any partial request and the error state (the authenticated flag is kept).
  void Reset();

  // Heap bytes held by the parser's buffers (capacities). For tests and client memory stats.
  size_t AllocatedBytes() const;

 private:
  enum class State { kIdle, kCountLine, kBulkLenLine, kBulkData, kInlineLine, kError };
  enum class LineStatus { kDone, kPending, kTooLong };

  void BeginLine(State state);
  LineStatus TakeLine(std::string_view in, size_t* pos, std::string_view* line);
  bool SplitInlineArgs(std::string_view line);
  void FinishCommand(bool is_inline);
  void RecycleCommandStorage();
  Status Fail(std::string text, size_t pos, size_t* consumed);

  const ParserLimits* limits_;
  State state_ = State::kIdle;
  bool authenticated_ = true;
  bool last_was_inline_ = false;
  bool command_ready_ = false;    // args_ holds a command the caller may still be reading
  bool line_cr_seen_ = false;     // multibulk line: '\r' seen, the byte after it not yet
  int64_t args_remaining_ = 0;    // bulks still expected by the current multibulk request
  int64_t bulk_remaining_ = 0;    // payload bytes still expected by the current bulk
  int trailer_remaining_ = 0;     // bytes after the payload still to skip (Redis skips 2 unchecked)
  std::string line_buf_;          // a line that arrived split across Parse() calls
  std::string arena_;             // the current command's arguments, back to back
  std::vector<size_t> arg_ends_;  // end offset in arena_ of each argument
  std::vector<std::string_view> args_;
  std::string error_;
};

}  // namespace fincache::protocol
