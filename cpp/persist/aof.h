// Redis 7.0's multi-part append-only file, the pure parts: the manifest, the command stream and
// its encoding. Nothing here touches the engine or the file system, so every function is a
// function of bytes (and fuzzable).
//
// Layout of `dir/appenddirname/` (Redis 7.0):
//   appendonly.aof.manifest         one line per file: "file <name> seq <n> type <b|h|i>"
//   appendonly.aof.<n>.base.rdb     the base: an RDB file (aof-use-rdb-preamble yes), or
//   appendonly.aof.<n>.base.aof     ... commands (aof-use-rdb-preamble no)
//   appendonly.aof.<n>.incr.aof     commands written after the base, in order
// The data is the base followed by every incr file in sequence order; history files (type h)
// are leftovers of a rewrite, about to be deleted, and never loaded.
//
// Command stream: each command a RESP array of bulk strings ("*<argc>\r\n" then "$<len>\r\n
// <bytes>\r\n" per argument), SELECT where the database changes, MULTI ... EXEC around a
// transaction's or a script's effects; "#..." annotation lines (aof-timestamp-enabled's
// "#TS:<unix-seconds>") may stand between commands.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fincache::persist {

// ---- manifest ---------------------------------------------------------------------------

// Manifest file types (fixed by the format).
enum class AofFileType : char { kBase = 'b', kHistory = 'h', kIncr = 'i' };

struct AofFileInfo {
  std::string name;
  int64_t seq = 0;
  AofFileType type = AofFileType::kIncr;
};

struct AofManifest {
  bool has_base = false;
  AofFileInfo base;
  std::vector<AofFileInfo> incrs;    // in sequence order
  std::vector<AofFileInfo> history;  // to delete
  int64_t curr_base_seq = 0;         // the highest seq seen of each kind
  int64_t curr_incr_seq = 0;
};

// Parses a manifest (Redis's aofLoadManifestFromFile rules: '#' comment lines, "key value"
// pairs split as redis.conf arguments, unknown keys ignored, one base at most, incr sequence
// numbers increasing). False with *err (Redis's texts) when malformed.
bool ParseAofManifest(std::string_view text, AofManifest* out, std::string* err);
// The manifest text: base, then history, then incr files, as Redis writes it.
std::string FormatAofManifest(const AofManifest& m);

// File names as Redis 7.0 makes them from appendfilename.
std::string AofManifestName(std::string_view appendfilename);  // "<f>.manifest"
std::string AofBaseName(std::string_view appendfilename, int64_t seq, bool rdb);
std::string AofIncrName(std::string_view appendfilename, int64_t seq);

// ---- command stream -----------------------------------------------------------------------

// Reads commands from an AOF's bytes without copying them (argv points into the input).
// Annotation lines are skipped. The first problem stops the reader for good:
//   kTruncated   the input ends inside a command (or an annotation line): a crash mid-write;
//                position() is the end of the last complete command, where to cut
//   kBadFormat   bytes that are not a command where one should start, a bad length, a missing
//                CRLF: error() says what, error_offset() where
class AofCommandReader {
 public:
  enum class Status { kCommand, kEnd, kTruncated, kBadFormat };

  explicit AofCommandReader(std::string_view data) : data_(data) {}

  Status Next();
  // The command read by the last Next() == kCommand (valid until the next call).
  std::span<const std::string_view> argv() const { return argv_; }
  // Where the last command read starts, and the end of the last complete command.
  size_t command_start() const { return command_start_; }
  size_t position() const { return pos_; }
  const std::string& error() const { return error_; }
  size_t error_offset() const { return error_offset_; }

 private:
  Status Fail(Status s, std::string why, size_t at);
  // Reads "<prefix><integer>\r\n" at *p; kCommand on success.
  Status ReadLine(size_t* p, char prefix, int64_t* value);

  std::string_view data_;
  size_t pos_ = 0;
  size_t command_start_ = 0;
  std::vector<std::string_view> argv_;
  std::string error_;
  size_t error_offset_ = 0;
  bool done_ = false;
  Status final_ = Status::kEnd;
};

// Appends argv as a RESP array of bulk strings (Redis's catAppendOnlyGenericCommand).
void AppendAofCommand(std::string* out, std::span<const std::string_view> argv);
// The same for "SELECT <db>".
void AppendAofSelect(std::string* out, int db);

}  // namespace fincache::persist
