// Loading one AOF file from its bytes, as Redis 7.0's loadSingleAppendOnlyFile: an RDB
// preamble (a file that starts with "REDIS", as a base written with aof-use-rdb-preamble yes)
// loaded into the engine, then the command stream handed to a replayer, with the
// truncation rules the server applies (persist/aof.h for the format):
//   - the bytes end inside a command: truncated, cut at the end of the last complete command;
//   - the bytes end inside MULTI ... (no EXEC): truncated, cut before that MULTI (the replayer
//     is told to discard the queued commands);
//   - anything that is not a command where one should start: bad format, with where and why.
// Whether a truncated file may be cut (aof-load-truncated, only the last file) and the messages
// are the caller's. Nothing here touches the disk, so the server's loader and the fuzzer
// (fuzz/fuzz_aof.cc) run the same code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "persist/snapshot.h"

namespace fincache::persist {

// What the loader hands its caller, in file order.
class AofReplayer {
 public:
  virtual ~AofReplayer() = default;
  // After an RDB preamble loaded (its function libraries are in stats). "" or an error that
  // stops the load.
  virtual std::string Preamble(const LoadStats& stats) { return ""; }
  // One command (argv points into the file's bytes; argv is never empty). "" or an error that
  // stops the load (an unknown command).
  virtual std::string Command(std::span<const std::string_view> argv) = 0;
  // The bytes ended inside MULTI: the commands queued since are to be dropped.
  virtual void DiscardMulti() {}
};

struct AofLoadResult {
  enum class Status {
    kOk,         // every byte read
    kTruncated,  // cut at valid_up_to
    kBadFormat,  // not a command stream: error, error_offset (in the file)
    kRdbError,   // the RDB preamble is bad: error (LoadRdbStream's message)
    kStopped,    // the replayer refused: error (its message)
  };
  Status status = Status::kOk;
  size_t valid_up_to = 0;       // kTruncated: the length to cut the file to
  bool reverted_multi = false;  // kTruncated inside MULTI ... without EXEC
  bool had_preamble = false;
  uint64_t commands = 0;  // commands handed to the replayer
  std::string error;
  size_t error_offset = 0;
};

// Loads `data`, one AOF file named `name` (for messages), into `engine` (the preamble, under
// the engine's exclusive gate) and `replayer` (the commands; the caller dispatches them).
// now_ms decides which of the preamble's keys are already expired.
AofLoadResult LoadAofBytes(Engine& engine, std::string_view data, const std::string& name,
                           int64_t now_ms, AofReplayer& replayer);

}  // namespace fincache::persist
