#include "persist/aof_load.h"

#include "common/strings.h"
#include "engine/exec_gate.h"
#include "persist/aof.h"
#include "persist/rdb.h"

namespace fincache::persist {

AofLoadResult LoadAofBytes(Engine& engine, std::string_view data, const std::string& name,
                           int64_t now_ms, AofReplayer& replayer) {
  AofLoadResult res;
  size_t start = 0;
  if (data.starts_with("REDIS")) {  // an RDB preamble, maybe followed by commands
    res.had_preamble = true;
    RdbReader r(data);
    LoadStats stats;
    ExecGate::Exclusive excl(engine.gate());
    if (!LoadRdbStream(engine, r, name, now_ms, &stats, &res.error)) {
      res.status = AofLoadResult::Status::kRdbError;
      return res;
    }
    if (std::string err = replayer.Preamble(stats); !err.empty()) {
      res.status = AofLoadResult::Status::kStopped;
      res.error = std::move(err);
      return res;
    }
    start = static_cast<size_t>(r.offset());
  }

  AofCommandReader reader(data.substr(start));
  bool in_multi = false;
  size_t valid_before_multi = 0;  // where the open MULTI starts
  while (true) {
    const AofCommandReader::Status st = reader.Next();
    if (st == AofCommandReader::Status::kCommand) {
      std::span<const std::string_view> argv = reader.argv();
      // Redis's rule: MULTI marks where a revert would cut; EXEC (or DISCARD) closes it.
      if (EqualsIgnoreCase(argv[0], "multi")) {
        if (!in_multi) valid_before_multi = start + reader.command_start();
        in_multi = true;
      } else if (EqualsIgnoreCase(argv[0], "exec") || EqualsIgnoreCase(argv[0], "discard")) {
        in_multi = false;
      }
      if (std::string err = replayer.Command(argv); !err.empty()) {
        res.status = AofLoadResult::Status::kStopped;
        res.error = std::move(err);
        return res;
      }
      ++res.commands;
      continue;
    }
    if (st == AofCommandReader::Status::kBadFormat) {
      res.status = AofLoadResult::Status::kBadFormat;
      res.error = reader.error();
      res.error_offset = start + reader.error_offset();
      return res;
    }
    // The end, or a command cut short.
    if (st == AofCommandReader::Status::kEnd && !in_multi) return res;
    res.status = AofLoadResult::Status::kTruncated;
    res.valid_up_to = in_multi ? valid_before_multi : start + reader.position();
    res.reverted_multi = in_multi;
    if (in_multi) replayer.DiscardMulti();
    return res;
  }
}

}  // namespace fincache::persist
