// ScriptEngine: Lua scripting as Redis 7.0 does it (EVAL/EVALSHA/SCRIPT), on Lua 5.1.
//
// One Lua state per server, guarded by mu_. The command layer runs scripts holding the exclusive
// ExecGate side, so a script is atomic with respect to every other client and thread, whatever
// keys it touches. The script layer knows nothing of commands: `redis.call` goes through a
// ScriptHost, implemented by the command layer on top of the command table.
//
// The Lua environment follows Redis 7.0.15: the base, table, string, math, cjson, bit (Debian's
// Lua CJSON and Lua BitOp), struct and cmsgpack (lua_struct.cpp, lua_cmsgpack.cpp) libraries
// (plus coroutine, loadstring, gcinfo as Redis leaves them), no os/io/debug/package/print/
// loadfile/dofile/require; globals and library tables are read-only ("Attempt to modify a
// readonly table"), reading an unknown global is an error; math.random is Redis's lrand48-based
// generator with the same default seed; the `redis` table with call, pcall, error_reply,
// status_reply, sha1hex, log, setresp, set_repl, replicate_commands, breakpoint, debug,
// acl_check_cmd and the constants.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/reply_builder.h"

struct lua_State;

namespace fincache::script {

// What a script's redis.call reaches: the command layer.
class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  // Runs argv (argv[0] = command name) for a script. When the call is refused before running
  // (unknown command, arity, not allowed from scripts, write in a read-only script), returns the
  // refusal text without error code (e.g. "Unknown Redis command called from script") and writes
  // nothing; otherwise writes exactly one reply into rb and returns "".
  virtual std::string Call(std::span<const std::string_view> argv, protocol::ReplyBuilder& rb) = 0;
  // Whether argv names a command (or container + subcommand): redis.acl_check_cmd.
  virtual bool CommandExists(std::span<const std::string_view> argv) = 0;
  // A script declared "#!lua flags=no-writes": write commands are refused from now on.
  virtual void SetReadOnly() = 0;
  // redis.log at a Redis log level (0 debug, 1 verbose, 2 notice, 3 warning).
  virtual void Log(int level, std::string_view message) = 0;
};

// Script flags from a "#!lua flags=..." shebang (Redis 7.0's scripts_flags_def).
namespace SF {
enum : uint32_t {
  kNoWrites = 1u << 0,
  kAllowOom = 1u << 1,
  kAllowStale = 1u << 2,
  kNoCluster = 1u << 3,
  kAllowCrossSlot = 1u << 4,
  kEvalCompat = 1u << 5,  // no shebang: Redis's compatibility mode
};
}

// Parses an optional "#!lua [flags=a,b]" first line. Returns false with the error text (code
// included, e.g. "ERR Unexpected engine in script shebang: #!python") when malformed.
bool ParseShebang(std::string_view body, uint32_t* flags, size_t* shebang_len, std::string* err);

class ScriptEngine {
 public:
  ScriptEngine();
  ~ScriptEngine();
  ScriptEngine(const ScriptEngine&) = delete;
  ScriptEngine& operator=(const ScriptEngine&) = delete;

  // Compiles body and adds it to the cache (a cached body is not compiled again). Returns the
  // script's sha (lowercase hex) or, with *err set, "" (err is the full error text).
  std::string Load(std::string_view body, std::string* err);
  // Whether sha (any case) is cached.
  bool Exists(std::string_view sha);
  // SCRIPT FLUSH: drops every script and starts a fresh Lua state.
  void Flush();
  size_t CachedScripts();

  struct RunArgs {
    std::span<const std::string_view> keys;
    std::span<const std::string_view> args;
    bool read_only = false;  // EVAL_RO / EVALSHA_RO
  };
  // Runs a cached script (sha lowercase or not) and writes its reply (or the NOSCRIPT/compile/
  // runtime error) into out. The caller holds the exclusive gate.
  void Run(std::string_view sha, const RunArgs& run, ScriptHost& host, protocol::ReplyBuilder& out);

  // ---- used by the Lua C functions (script_engine.cpp) ----
  struct Current {
    ScriptHost* host = nullptr;
    int resp = 2;  // redis.setresp
    bool read_only = false;
  };
  Current& current() { return current_; }
  // Redis's redisLrand48 state (48 bits), shared by every script of this engine.
  uint64_t& rand_state() { return rand_state_; }

 private:
  struct Script {
    std::string body;
    uint32_t flags = 0;
  };
  void InitState();
  void CloseState();
  // Compiles body into the registry under "f_<sha>"; false with err (full text) on error.
  bool Compile(const std::string& sha, std::string_view body, size_t shebang_len, std::string* err);

  std::mutex mu_;
  lua_State* L_ = nullptr;
  std::unordered_map<std::string, Script> scripts_;  // sha -> script
  Current current_;
  uint64_t rand_state_;
};

}  // namespace fincache::script
