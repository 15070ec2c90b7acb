// RDB snapshot files: the whole keyspace in Redis's RDB format, version 10, so Redis 7.0 loads
// FinCache's dump.rdb (and redis-check-rdb accepts it) and FinCache loads Redis's.
//
//   "REDIS0010"  AUX redis-ver, redis-bits, ctime, used-mem, aof-base
//   per function library: FUNCTION2 code (Redis 7's functions persist with the data)
//   per non-empty database: SELECTDB n, RESIZEDB keys expires, then per key
//   [EXPIRETIME_MS t] [IDLE s | FREQ n] type key value
// IDLE (idle seconds) is written under an LRU maxmemory-policy, FREQ (the decayed LFU counter)
// under an LFU one, as Redis; on load they set the key's access data as the policy in force
// reads them (an LFU policy takes FREQ, any other IDLE), as Redis's objectSetLRUOrLFU.
//   EOF, CRC-64 of everything before (u64 LE)
//
// Saving writes "temp-<pid>.rdb" next to the target, fsyncs it and renames it over the target,
// so a crash mid-save leaves the previous snapshot intact. Loading reads the file streamed (no
// full copy in memory), checks the checksum, skips keys already expired, and refuses anything
// malformed with a message naming what and where: the caller must not start empty silently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace fincache::persist {

struct SaveOptions {
  std::string redis_version;  // the "redis-ver" aux field
  int64_t used_memory = 0;    // "used-mem"
  // Function libraries' code (FUNCTION DUMP order), written as FUNCTION2 records.
  std::vector<std::string> function_libraries;
  bool aof_base = false;  // "aof-base": 1 in an AOF's RDB preamble (base file)
};

// Writes every live key of every database to `path` (via a temp file and rename). The caller
// must have the engine to itself: the exclusive gate held, or a forked child. False with *err.
bool SaveRdbFile(Engine& engine, const std::string& path, int64_t now_ms, const SaveOptions& opts,
                 std::string* err);

struct LoadStats {
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;  // present in the file but already expired: skipped
  // FUNCTION2 records' library code, in file order: the caller loads them into its script
  // engine (persist knows nothing of Lua).
  std::vector<std::string> function_libraries;
};

// Loads an RDB file into an empty engine (databases beyond the engine's count are an error).
// Returns false with *err on a malformed, truncated or unreadable file; a missing file is not
// an error (*missing = true, nothing loaded). Same exclusivity requirement as SaveRdbFile.
// merge (DEBUG RELOAD MERGE): a key already in the engine is replaced instead of an error.
bool LoadRdbFile(Engine& engine, const std::string& path, int64_t now_ms, LoadStats* stats,
                 bool* missing, std::string* err, bool merge = false);

class RdbReader;
// LoadRdbFile's body, from a reader positioned at the start of an RDB ("REDIS0010..."): an
// AOF base file is one. On success r.offset() is just past the checksum. `path` names the file
// in error messages.
bool LoadRdbStream(Engine& engine, RdbReader& r, const std::string& path, int64_t now_ms,
                   LoadStats* stats, std::string* err, bool merge = false);

// An AOF base file without an RDB preamble (aof-use-rdb-preamble no): "FUNCTION LOAD <code>"
// per function library, then per non-empty database a SELECT and per live key "RESTORE key
// <abs-ms> <payload> ABSTTL" (or "RESTORE key 0 <payload>"), written through a temp file
// renamed over `path`. Same exclusivity as SaveRdbFile.
bool SaveAofCommandsFile(Engine& engine, const std::string& path, int64_t now_ms,
                         const std::vector<std::string>& function_libraries, std::string* err);

}  // namespace fincache::persist
