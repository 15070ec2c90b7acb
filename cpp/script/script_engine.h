// ScriptEngine: Lua scripting as Redis 7.0 does it (EVAL/EVALSHA/SCRIPT and FUNCTION/FCALL),
// on Lua 5.1.
//
// Two Lua states per server, both guarded by mu_: one for EVAL scripts (script cache by sha),
// one for function libraries (FUNCTION LOAD; script_functions.cpp), as Redis keeps them apart
// (SCRIPT FLUSH and FUNCTION FLUSH don't touch each other). The command layer runs scripts holding
// the exclusive ExecGate side, so a script is atomic with respect to every other client and thread,
// whatever keys it touches. The script layer knows nothing of commands: `redis.call` goes through a
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

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
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
  // Called from a Lua count hook every kHookInstructions while the script runs: true asks the
  // script to stop (SCRIPT KILL / FUNCTION KILL); it then fails with Redis's "Script killed by
  // user with SCRIPT KILL..." error, which pcall can't swallow.
  virtual bool Tick() = 0;
};

// Lua instructions between two ScriptHost::Tick calls (Redis's luaMaskCountHook period).
inline constexpr int kHookInstructions = 100000;

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
  // The SF:: flags of a cached script (its shebang; SF::kEvalCompat without one); false when
  // sha is not cached.
  bool ScriptFlags(std::string_view sha, uint32_t* flags);
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

  // ---- functions (script_functions.cpp) ----
  struct FunctionInfo {
    std::string name;
    std::optional<std::string> description;
    uint32_t flags = 0;  // SF::*
  };
  struct LibraryInfo {
    std::string name;
    std::string code;
    std::vector<FunctionInfo> functions;
  };
  enum class RestorePolicy { kAppend, kReplace, kFlush };

  // FUNCTION LOAD [REPLACE] code: the library's name, or "" with *err (full error text).
  std::string FunctionLoad(std::string_view code, bool replace, std::string* err);
  // FUNCTION DELETE: false when no such library.
  bool FunctionDelete(std::string_view library);
  // FUNCTION FLUSH: every library goes, with a fresh Lua state.
  void FunctionFlush();
  // FUNCTION LIST: libraries by name, those matching the glob (case-insensitive) when given.
  std::vector<LibraryInfo> FunctionList(const std::optional<std::string_view>& pattern);
  // FUNCTION DUMP: every library's code, by library name (the command layer encodes them).
  std::vector<std::string> FunctionCodes();
  // FUNCTION RESTORE of decoded library codes: all or nothing; false with *err (full error
  // text) when a library fails to load or conflicts under the policy.
  bool FunctionRestore(const std::vector<std::string>& codes, RestorePolicy policy,
                       std::string* err);
  // Lock-free counts for FUNCTION STATS (which runs while a busy function holds mu_).
  size_t LibraryCount() const { return library_count_.load(std::memory_order_relaxed); }
  size_t FunctionCount() const { return function_count_.load(std::memory_order_relaxed); }
  // INFO memory: cached EVAL scripts, and the memory of the EVAL (functions=false) or function
  // Lua state in bytes. Read without waiting: while a script runs they report 0.
  size_t ScriptCount();
  int64_t LuaMemoryBytes(bool functions);
  // FCALL: the registered name and flags of a function (names are case-insensitive).
  bool FindFunction(std::string_view name, std::string* registered_name, uint32_t* flags);
  // Runs a function with KEYS/ARGV as its two arguments; writes its reply or error into out
  // ("ERR Function not found" if it went away). The caller holds the exclusive gate.
  void CallFunction(std::string_view name, const RunArgs& run, ScriptHost& host,
                    protocol::ReplyBuilder& out);

  // ---- used by the Lua C functions (script_engine.cpp) ----
  struct Current {
    ScriptHost* host = nullptr;
    int resp = 2;  // redis.setresp
    bool read_only = false;
  };
  Current& current() { return current_; }
  // The library being loaded (redis.register_function adds to it); null outside FUNCTION LOAD.
  struct PendingFunction {
    FunctionInfo info;
    int ref;  // the callback, in the functions state's registry
  };
  struct Loading {
    std::vector<PendingFunction> functions;
    int64_t deadline_us = 0;  // 0: no timeout (FUNCTION RESTORE)
  };
  Loading* loading() { return loading_; }
  // Redis's redisLrand48 state (48 bits), shared by every script of this engine.
  uint64_t& rand_state() { return rand_state_; }

 private:
  struct Script {
    std::string body;
    uint32_t flags = 0;
  };
  struct Library {
    std::string code;
    std::vector<std::string> functions;  // lowercase names, registration order
  };
  struct Function {
    FunctionInfo info;
    std::string library;
    int ref = 0;
  };
  // One set of libraries (Redis's functionsLibCtx): the current one, or one being restored.
  struct Libraries {
    std::map<std::string, Library> libs;                  // by name (case-sensitive)
    std::unordered_map<std::string, Function> functions;  // by lowercase name
  };

  static lua_State* NewState(ScriptEngine* owner, bool functions);
  void InitState();
  void CloseState();
  // Runs the function on the stack top (error handler below it) with nargs arguments above it,
  // writes its reply or error ("... script: <name>, on @user_...:<line>.") into out.
  void RunLoaded(lua_State* L, int nargs, std::string_view name, protocol::ReplyBuilder& out);
  // Redis's functionsCreateWithLibraryCtx: compiles code and registers its library into libs.
  bool CreateLibrary(std::string_view code, bool replace, int64_t timeout_ms, Libraries& libs,
                     std::string* name, std::string* err);
  void DropLibrary(Libraries& libs, const std::string& name);
  void DropAll(Libraries& libs);
  void UpdateCounts();
  // Compiles body into the registry under "f_<sha>"; false with err (full text) on error.
  bool Compile(const std::string& sha, std::string_view body, size_t shebang_len, std::string* err);

  std::mutex mu_;
  lua_State* L_ = nullptr;   // EVAL scripts
  lua_State* FL_ = nullptr;  // function libraries
  Libraries libraries_;
  Loading* loading_ = nullptr;
  std::atomic<size_t> library_count_{0};
  std::atomic<size_t> function_count_{0};
  std::unordered_map<std::string, Script> scripts_;  // sha -> script
  Current current_;
  uint64_t rand_state_;
};

}  // namespace fincache::script
