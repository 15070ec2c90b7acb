#include "script/script_engine.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
// Debian's lua-cjson and lua-bitop (the libraries Redis bundles).
int luaopen_cjson(lua_State* L);
int luaopen_bit(lua_State* L);
}

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "common/version.h"
#include "script/lua_cmsgpack.h"
#include "script/lua_convert.h"
#include "script/lua_struct.h"
#include "script/script_internal.h"
#include "script/sha1.h"

namespace fincache::script {

namespace internal {

ScriptEngine& EngineOf(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kEngineKey);
  auto* e = static_cast<ScriptEngine*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return *e;
}

// Pushes Redis's error table {err="<CODE> <msg>"} for an error text: "-CODE msg" keeps its code
// (the '-' dropped), a text without '-' gets "ERR " (Redis's luaPushErrorBuff).
void PushErrorTable(lua_State* L, std::string_view text) {
  std::string full;
  if (!text.empty() && text[0] == '-') {
    size_t sp = text.find(' ');
    if (sp == text.npos)
      full = "ERR " + std::string(text.substr(1));
    else
      full = std::string(text.substr(1, sp - 1)) + " " + std::string(text.substr(sp + 1));
  } else {
    full = "ERR " + std::string(text);
  }
  while (!full.empty() && (full.back() == '\r' || full.back() == '\n')) full.pop_back();
  lua_newtable(L);
  lua_pushstring(L, "err");
  lua_pushlstring(L, full.data(), full.size());
  lua_rawset(L, -3);
}

}  // namespace internal

namespace {

using namespace internal;  // NOLINT

// ---------------------------------------------------------------------------------------------
// Read-only tables. Lua 5.1 has no read-only flag (Redis patches its Lua for it), so a protected
// table is an empty proxy whose metatable reads from the real table and refuses writes; rawset,
// rawget, next/pairs and setmetatable know proxies.
// ---------------------------------------------------------------------------------------------

int ReadonlyNewIndex(lua_State* L) { return luaL_error(L, kReadonlyError); }

// Pushes the real table behind the proxy at idx, or nothing (returns false) if it isn't one.
bool PushRealTable(lua_State* L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE) return false;
  idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
  lua_getfield(L, LUA_REGISTRYINDEX, kReadonlyKey);
  lua_pushvalue(L, idx);
  lua_rawget(L, -2);
  lua_remove(L, -2);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return false;
  }
  return true;
}

}  // namespace

namespace internal {

// Replaces the table on the stack top with a read-only proxy of it. `index` is the proxy's
// __index (pushed by the caller below the table when custom_index, else the table itself).
void MakeReadonly(lua_State* L, bool custom_index) {
  // stack: [index_fn], real
  int real = lua_gettop(L);
  lua_newtable(L);  // proxy
  int proxy = lua_gettop(L);
  lua_newtable(L);  // metatable
  lua_pushstring(L, "__index");
  lua_pushvalue(L, custom_index ? real - 1 : real);
  lua_rawset(L, -3);
  lua_pushstring(L, "__newindex");
  lua_pushcfunction(L, ReadonlyNewIndex);
  lua_rawset(L, -3);
  // getmetatable(proxy) gives an empty read-only table, so scripts can't reach the metatable.
  lua_pushstring(L, "__metatable");
  lua_newtable(L);
  {
    lua_newtable(L);  // its own metatable: refuse writes
    lua_pushstring(L, "__newindex");
    lua_pushcfunction(L, ReadonlyNewIndex);
    lua_rawset(L, -3);
    lua_pushstring(L, "__metatable");
    lua_pushboolean(L, 0);
    lua_rawset(L, -3);
    lua_setmetatable(L, -2);
  }
  lua_rawset(L, -3);
  lua_setmetatable(L, proxy);
  // registry[readonly][proxy] = real
  lua_getfield(L, LUA_REGISTRYINDEX, kReadonlyKey);
  lua_pushvalue(L, proxy);
  lua_pushvalue(L, real);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  // leave only the proxy
  lua_replace(L, custom_index ? real - 1 : real);
  if (custom_index) lua_settop(L, real - 1);
}

}  // namespace internal

namespace {

int SafeRawset(lua_State* L) {
  if (PushRealTable(L, 1)) {
    lua_pushstring(L, kReadonlyError);
    return lua_error(L);
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

int SafeRawget(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  lua_settop(L, 2);
  if (PushRealTable(L, 1)) lua_replace(L, 1);
  lua_rawget(L, 1);
  return 1;
}

int SafeSetmetatable(lua_State* L) {
  if (PushRealTable(L, 1)) {
    lua_pushstring(L, kReadonlyError);
    return lua_error(L);
  }
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argcheck(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table expected");
  if (luaL_getmetafield(L, 1, "__metatable")) luaL_error(L, "cannot change a protected metatable");
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

int SafeNext(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (PushRealTable(L, 1)) lua_replace(L, 1);
  if (lua_next(L, 1)) return 2;
  lua_pushnil(L);
  return 1;
}

int SafePairs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, lua_upvalueindex(1));  // next
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

// __index of the globals proxy: a nonexistent global is an error (Redis's luaProtectedTableError).
int GlobalIndex(lua_State* L) {
  // upvalue 1: the real globals table; args: proxy, name
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (!lua_isnil(L, -1)) return 1;
  if (!lua_isstring(L, 2))
    return luaL_error(L, "Second argument to luaProtectedTableError must be a string or number");
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    lua_tostring(L, 2));
}

// __index of the functions state's globals proxy: names resolve in registry[kApiKey], the real
// globals at run time and the load API ({redis = register_function, log...}) while FUNCTION
// LOAD runs the library code, as Redis swaps the globals' __index around a load.
int FunctionGlobalIndex(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kApiKey);
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  if (!lua_isnil(L, -1)) return 1;
  if (!lua_isstring(L, 2))
    return luaL_error(L, "Second argument to luaProtectedTableError must be a string or number");
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    lua_tostring(L, 2));
}

// ---------------------------------------------------------------------------------------------
// math.random / math.randomseed: Redis's redisLrand48 (the 48-bit drand48 generator).
// ---------------------------------------------------------------------------------------------

constexpr uint64_t kRandMask = (uint64_t{1} << 48) - 1;
constexpr uint64_t kRandDefault = 0x1234ABCD330EULL;  // drand48's initial state
constexpr int32_t kRandMax = INT32_MAX;

int32_t Lrand48(uint64_t& x) {
  x = (0x5DEECE66DULL * x + 0xB) & kRandMask;
  return static_cast<int32_t>(x >> 17);
}

int MathRandom(lua_State* L) {
  uint64_t& state = EngineOf(L).rand_state();
  lua_Number r = static_cast<lua_Number>(Lrand48(state) % kRandMax) / kRandMax;
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * u) + 1);
      break;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int MathRandomseed(lua_State* L) {
  int32_t seed = luaL_checkint(L, 1);
  EngineOf(L).rand_state() = (uint64_t{static_cast<uint32_t>(seed)} << 16) | 0x330E;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The redis table
// ---------------------------------------------------------------------------------------------

// Arguments of redis.call/pcall/acl_check_cmd as strings; false (error table pushed) when one is
// neither a string nor a number. Numbers are formatted "%.17g" as Redis 7.0 does.
bool LuaArgs(lua_State* L, std::vector<std::string>* out) {
  int argc = lua_gettop(L);
  if (argc == 0) {
    PushErrorTable(L, "Please specify at least one argument for this redis lib call");
    return false;
  }
  out->reserve(argc);
  for (int j = 1; j <= argc; ++j) {
    if (lua_type(L, j) == LUA_TNUMBER) {
      char buf[64];
      int n = std::snprintf(buf, sizeof(buf), "%.17g", static_cast<double>(lua_tonumber(L, j)));
      out->emplace_back(buf, n);
      continue;
    }
    if (lua_type(L, j) != LUA_TSTRING) {
      PushErrorTable(L, "Lua redis lib command arguments must be strings or integers");
      return false;
    }
    size_t len;
    const char* s = lua_tolstring(L, j, &len);
    out->emplace_back(s, len);
  }
  return true;
}

// The body of redis.call / redis.pcall. Leaves the result (or an error table) on the stack top
// and returns true when the caller must raise it. No C++ object with a destructor is alive
// when the caller raises (lua_error longjmps).
bool RedisCallBody(lua_State* L, bool raise) {
  ScriptEngine& engine = EngineOf(L);
  ScriptHost* host = engine.current().host;
  std::vector<std::string> args;
  if (!LuaArgs(L, &args)) return raise;
  if (!host) {
    PushErrorTable(L, "redis.call/pcall can only be called inside a script invocation");
    return raise;
  }
  std::vector<std::string_view> argv(args.begin(), args.end());
  int top = lua_gettop(L);
  LuaReplyBuilder rb(L, engine.current().resp);
  std::string refused = host->Call(argv, rb);
  if (!refused.empty()) {
    lua_settop(L, top);
    PushErrorTable(L, refused);
    return raise;
  }
  if (rb.pushed() != 1) {  // a handler that answered nothing: a null
    lua_settop(L, top);
    lua_pushboolean(L, 0);
    return false;
  }
  if (raise && lua_type(L, -1) == LUA_TTABLE) {
    lua_pushstring(L, "err");
    lua_rawget(L, -2);
    bool is_err = lua_type(L, -1) == LUA_TSTRING;
    lua_pop(L, 1);
    if (is_err) return true;
  }
  return false;
}

int RedisCall(lua_State* L) {
  if (RedisCallBody(L, true)) return lua_error(L);
  return 1;
}

int RedisPcall(lua_State* L) {
  RedisCallBody(L, false);
  return 1;
}

// redis.error_reply / redis.status_reply: {err=...} / {ok=...}.
int RedisErrorReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  size_t len;
  const char* s = lua_tolstring(L, -1, &len);
  std::string text(s, len);
  if (text.empty() || text[0] != '-') text.insert(0, "-");
  PushErrorTable(L, text);
  return 1;
}

int RedisStatusReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(L);
  lua_pushstring(L, "ok");
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  return 1;
}

// Raises the Redis error table for msg (text without code: "ERR " is added).
int RaiseError(lua_State* L, const char* msg) {
  PushErrorTable(L, msg);
  return lua_error(L);
}

int RedisSha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  char hex[41];
  {
    std::string digest = Sha1Hex(std::string_view(s ? s : "", s ? len : 0));
    std::memcpy(hex, digest.data(), 40);
  }
  lua_pushlstring(L, hex, 40);
  return 1;
}

bool LogBody(lua_State* L) {  // true: error table pushed, raise
  int argc = lua_gettop(L);
  if (argc < 2) {
    PushErrorTable(L, "redis.log() requires two arguments or more.");
    return true;
  }
  if (!lua_isnumber(L, 1)) {
    PushErrorTable(L, "First argument must be a number (log level).");
    return true;
  }
  int level = static_cast<int>(lua_tonumber(L, 1));
  if (level < 0 || level > 3) {
    PushErrorTable(L, "Invalid debug level.");
    return true;
  }
  std::string msg;
  for (int j = 2; j <= argc; ++j) {
    size_t len;
    const char* s = lua_tolstring(L, j, &len);
    if (!s) continue;
    if (j != 2) msg.push_back(' ');
    msg.append(s, len);
  }
  if (ScriptHost* host = EngineOf(L).current().host) host->Log(level, msg);
  return false;
}

int RedisLog(lua_State* L) {
  if (LogBody(L)) return lua_error(L);
  return 0;
}

int RedisSetresp(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.setresp() requires one argument.");
  int resp = static_cast<int>(lua_tonumber(L, -1));
  if (resp != 2 && resp != 3) return RaiseError(L, "RESP version must be 2 or 3.");
  EngineOf(L).current().resp = resp;
  return 0;
}

int RedisSetRepl(lua_State* L) {
  if (!EngineOf(L).current().host)
    return RaiseError(L, "redis.set_repl can only be called inside a script invocation");
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.set_repl() requires two arguments.");
  int flags = static_cast<int>(lua_tonumber(L, -1));
  if (flags & ~3)
    return RaiseError(L,
                      "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or "
                      "REPL_NONE.");
  return 0;  // no replication yet: accepted
}

int RedisReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

int RedisBreakpoint(lua_State* L) {
  lua_pushboolean(L, 0);  // no debugger session
  return 1;
}

int RedisDebug(lua_State* L) { return 0; }

bool AclCheckBody(lua_State* L) {  // true: error table pushed, raise
  std::vector<std::string> args;
  if (!LuaArgs(L, &args)) return true;
  ScriptHost* host = EngineOf(L).current().host;
  std::vector<std::string_view> argv(args.begin(), args.end());
  if (!host || !host->CommandExists(argv)) {
    PushErrorTable(L, "Invalid command passed to redis.acl_check_cmd()");
    return true;
  }
  lua_pushboolean(L, 1);  // the default user may run every command
  return false;
}

int RedisAclCheckCmd(lua_State* L) {
  if (AclCheckBody(L)) return lua_error(L);
  return 1;
}

}  // namespace

namespace internal {

void SetField(lua_State* L, const char* name, lua_CFunction fn) {
  lua_pushstring(L, name);
  lua_pushcfunction(L, fn);
  lua_rawset(L, -3);
}

void SetField(lua_State* L, const char* name, lua_Number v) {
  lua_pushstring(L, name);
  lua_pushnumber(L, v);
  lua_rawset(L, -3);
}

int RedisLogFn(lua_State* L) { return RedisLog(L); }

void CountHook(lua_State* L, lua_Debug* ar) {
  ScriptEngine& engine = EngineOf(L);
  if (ScriptEngine::Loading* loading = engine.loading()) {
    if (loading->deadline_us && NowUs() > loading->deadline_us) {
      PushErrorTable(L, "FUNCTION LOAD timeout");
      lua_error(L);
    }
    return;
  }
  ScriptHost* host = engine.current().host;
  if (!host || !host->Tick()) return;
  // From now on the hook fires on every line, so a pcall can't catch the error and go on.
  lua_sethook(L, CountHook, LUA_MASKLINE, 0);
  PushErrorTable(L, "Script killed by user with SCRIPT KILL...");
  lua_error(L);
}

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace internal

namespace {

// The error handler every script runs under (Redis 7.0's): turns any error into a table with
// err, and adds the source and line of the script code that raised it.
constexpr const char* kErrHandlerCode = R"lua(
local dbg = debug
local handler = function(err)
  local i = dbg.getinfo(2, 'nSl')
  if i and i.what == 'C' then
    i = dbg.getinfo(3, 'nSl')
  end
  if type(err) ~= 'table' then
    err = {err = 'ERR ' .. tostring(err)}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
return handler
)lua";

}  // namespace

// ---------------------------------------------------------------------------------------------
// ScriptEngine
// ---------------------------------------------------------------------------------------------

ScriptEngine::ScriptEngine() : rand_state_(kRandDefault) {
  InitState();
  FL_ = NewState(this, true);
}

ScriptEngine::~ScriptEngine() {
  CloseState();
  if (FL_) lua_close(FL_);
}

void ScriptEngine::CloseState() {
  if (L_) lua_close(L_);
  L_ = nullptr;
}

void ScriptEngine::InitState() { L_ = NewState(this, false); }

// A sandboxed Lua state as Redis 7.0.15 sets one up. The functions state differs: no KEYS/ARGV
// globals, and global names resolve through registry[kApiKey] (see FunctionGlobalIndex), with
// the load API ({redis = register_function, log, LOG_*, REDIS_VERSION*}) in the registry.
lua_State* ScriptEngine::NewState(ScriptEngine* owner, bool functions) {
  lua_State* L = luaL_newstate();
  lua_pushlightuserdata(L, owner);
  lua_setfield(L, LUA_REGISTRYINDEX, kEngineKey);
  // proxy -> real table, weak keys
  lua_newtable(L);
  lua_newtable(L);
  lua_pushstring(L, "__mode");
  lua_pushstring(L, "k");
  lua_rawset(L, -3);
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, kReadonlyKey);

  // Libraries, as Redis's luaLoadLibraries (no package, os, io).
  struct Lib {
    const char* name;
    lua_CFunction open;
  };
  for (Lib lib : {Lib{"", luaopen_base}, Lib{LUA_TABLIBNAME, luaopen_table},
                  Lib{LUA_STRLIBNAME, luaopen_string}, Lib{LUA_MATHLIBNAME, luaopen_math},
                  Lib{LUA_DBLIBNAME, luaopen_debug}}) {
    lua_pushcfunction(L, lib.open);
    lua_pushstring(L, lib.name);
    lua_call(L, 1, 0);
  }
  lua_pushcfunction(L, luaopen_cjson);
  lua_call(L, 0, 1);
  lua_setglobal(L, "cjson");
  lua_pushcfunction(L, luaopen_bit);
  lua_call(L, 0, 1);
  lua_setglobal(L, "bit");
  OpenStructLib(L);
  lua_setglobal(L, "struct");
  OpenCmsgpackLib(L);
  lua_setglobal(L, "cmsgpack");

  // The error handler (it keeps `debug` as an upvalue; the global goes away below).
  luaL_loadbuffer(L, kErrHandlerCode, std::strlen(kErrHandlerCode), "=err_handler");
  lua_call(L, 0, 1);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, kErrHandlerKey);
  lua_setglobal(L, kErrHandlerKey);

  // math.random / math.randomseed: Redis's deterministic generator.
  lua_getglobal(L, "math");
  SetField(L, "random", MathRandom);
  SetField(L, "randomseed", MathRandomseed);
  lua_pop(L, 1);

  // The redis table.
  lua_newtable(L);
  SetField(L, "call", RedisCall);
  SetField(L, "pcall", RedisPcall);
  SetField(L, "log", RedisLog);
  SetField(L, "LOG_DEBUG", 0.0);
  SetField(L, "LOG_VERBOSE", 1);
  SetField(L, "LOG_NOTICE", 2);
  SetField(L, "LOG_WARNING", 3);
  SetField(L, "setresp", RedisSetresp);
  SetField(L, "sha1hex", RedisSha1hex);
  SetField(L, "error_reply", RedisErrorReply);
  SetField(L, "status_reply", RedisStatusReply);
  SetField(L, "set_repl", RedisSetRepl);
  SetField(L, "REPL_NONE", 0.0);
  SetField(L, "REPL_AOF", 1);
  SetField(L, "REPL_SLAVE", 2);
  SetField(L, "REPL_REPLICA", 2);
  SetField(L, "REPL_ALL", 3);
  SetField(L, "replicate_commands", RedisReplicateCommands);
  SetField(L, "breakpoint", RedisBreakpoint);
  SetField(L, "debug", RedisDebug);
  SetField(L, "acl_check_cmd", RedisAclCheckCmd);
  lua_pushstring(L, "REDIS_VERSION");
  lua_pushlstring(L, kRedisVersion.data(), kRedisVersion.size());
  lua_rawset(L, -3);
  SetField(L, "REDIS_VERSION_NUM", kRedisVersionNum);
  lua_setglobal(L, "redis");

  // Only what Redis 7.0.15 leaves visible.
  for (const char* name : {"print", "getfenv", "setfenv", "newproxy", "module", "require", "dofile",
                           "loadfile", "debug", "package", "os", "io"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_pushcfunction(L, SafeRawset);
  lua_setglobal(L, "rawset");
  lua_pushcfunction(L, SafeRawget);
  lua_setglobal(L, "rawget");
  lua_pushcfunction(L, SafeSetmetatable);
  lua_setglobal(L, "setmetatable");
  lua_pushcfunction(L, SafeNext);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "next");
  lua_pushcclosure(L, SafePairs, 1);
  lua_setglobal(L, "pairs");
  if (!functions) {
    lua_newtable(L);
    lua_setglobal(L, "KEYS");
    lua_newtable(L);
    lua_setglobal(L, "ARGV");
  }

  // Library tables become read-only proxies.
  for (const char* name :
       {"string", "table", "math", "coroutine", "redis", "cjson", "bit", "struct", "cmsgpack"}) {
    lua_getglobal(L, name);
    MakeReadonly(L, false);
    lua_setglobal(L, name);
  }
  // String methods ("x"):upper() go through the read-only string table too.
  lua_pushstring(L, "");
  if (lua_getmetatable(L, -1)) {
    lua_pushstring(L, "__index");
    lua_getglobal(L, "string");
    lua_rawset(L, -3);
    lua_pushstring(L, "__metatable");
    lua_newtable(L);
    MakeReadonly(L, false);
    lua_rawset(L, -3);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);

  // The globals: the real table stays in the registry; scripts see a read-only proxy whose
  // __index raises for nonexistent names.
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_setfield(L, LUA_REGISTRYINDEX, kGlobalsKey);
  if (functions) {
    // The load API: a globals table holding only a read-only `redis` whose unknown names raise.
    lua_newtable(L);  // load globals
    lua_pushstring(L, "redis");
    lua_newtable(L);  // its redis table
    SetField(L, "register_function", RegisterFunction);
    SetField(L, "log", RedisLog);
    SetField(L, "LOG_DEBUG", 0.0);
    SetField(L, "LOG_VERBOSE", 1);
    SetField(L, "LOG_NOTICE", 2);
    SetField(L, "LOG_WARNING", 3);
    lua_pushstring(L, "REDIS_VERSION");
    lua_pushlstring(L, kRedisVersion.data(), kRedisVersion.size());
    lua_rawset(L, -3);
    SetField(L, "REDIS_VERSION_NUM", kRedisVersionNum);
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, LoadApiIndex, 1);
    lua_insert(L, -2);
    MakeReadonly(L, true);
    lua_rawset(L, -3);
    lua_setfield(L, LUA_REGISTRYINDEX, kLoadApiKey);
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    lua_setfield(L, LUA_REGISTRYINDEX, kApiKey);
    lua_pushcfunction(L, FunctionGlobalIndex);
  } else {
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    lua_pushcclosure(L, GlobalIndex, 1);
  }
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  MakeReadonly(L, true);  // stack: proxy
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_GLOBALSINDEX, "_G");
  lua_replace(L, LUA_GLOBALSINDEX);
  return L;
}

bool ScriptEngine::Compile(const std::string& sha, std::string_view body, size_t shebang_len,
                           std::string* err) {
  std::string_view code = body.substr(shebang_len);
  if (luaL_loadbuffer(L_, code.data(), code.size(), "@user_script")) {
    *err = NoNewlines("ERR Error compiling script (new function): " +
                      std::string(lua_tostring(L_, -1)));
    lua_pop(L_, 1);
    return false;
  }
  // Functions run with the globals proxy as their environment (the loader gives them the
  // current globals, which is the proxy).
  lua_setfield(L_, LUA_REGISTRYINDEX, ("f_" + sha).c_str());
  return true;
}

std::string ScriptEngine::Load(std::string_view body, std::string* err) {
  std::lock_guard lk(mu_);
  std::string sha = Sha1Hex(body);
  if (scripts_.count(sha)) return sha;
  uint32_t flags;
  size_t shebang_len;
  if (!ParseShebang(body, &flags, &shebang_len, err)) return "";
  if (!Compile(sha, body, shebang_len, err)) return "";
  scripts_.emplace(sha, Script{std::string(body), flags});
  return sha;
}

namespace {
std::string LowerSha(std::string_view sha) {
  std::string s(sha);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

bool ScriptEngine::Exists(std::string_view sha) {
  std::lock_guard lk(mu_);
  return scripts_.count(LowerSha(sha)) > 0;
}

bool ScriptEngine::ScriptFlags(std::string_view sha, uint32_t* flags) {
  std::lock_guard lk(mu_);
  auto it = scripts_.find(LowerSha(sha));
  if (it == scripts_.end()) return false;
  *flags = it->second.flags;
  return true;
}

size_t ScriptEngine::CachedScripts() {
  std::lock_guard lk(mu_);
  return scripts_.size();
}

void ScriptEngine::Flush() {
  std::lock_guard lk(mu_);
  scripts_.clear();
  CloseState();
  InitState();
}

void ScriptEngine::Run(std::string_view sha_in, const RunArgs& run, ScriptHost& host,
                       protocol::ReplyBuilder& out) {
  std::lock_guard lk(mu_);
  std::string sha = LowerSha(sha_in);
  auto it = scripts_.find(sha);
  if (sha.size() != 40 || it == scripts_.end()) {
    out.SendError("NOSCRIPT No matching script. Please use EVAL.");
    return;
  }
  uint32_t flags = it->second.flags;
  if (!(flags & SF::kEvalCompat) && !(flags & SF::kNoWrites) && run.read_only) {
    out.SendError("ERR Can not execute a script with write flag using *_ro command.");
    return;
  }
  lua_State* L = L_;
  int base = lua_gettop(L);
  // KEYS and ARGV, set in the real globals table.
  lua_getfield(L, LUA_REGISTRYINDEX, kGlobalsKey);
  for (auto [name, items] : {std::pair{"KEYS", run.keys}, std::pair{"ARGV", run.args}}) {
    lua_pushstring(L, name);
    lua_createtable(L, static_cast<int>(items.size()), 0);
    for (size_t i = 0; i < items.size(); ++i) {
      lua_pushlstring(L, items[i].data(), items[i].size());
      lua_rawseti(L, -2, static_cast<int>(i + 1));
    }
    lua_rawset(L, -3);
  }
  lua_pop(L, 1);

  current_ = Current{&host, 2, run.read_only || (flags & SF::kNoWrites)};
  if (current_.read_only) host.SetReadOnly();
  lua_getfield(L, LUA_REGISTRYINDEX, kErrHandlerKey);
  lua_getfield(L, LUA_REGISTRYINDEX, ("f_" + sha).c_str());
  RunLoaded(L, 0, sha, out);
  lua_settop(L, base);
  current_ = Current{};
}

void ScriptEngine::RunLoaded(lua_State* L, int nargs, std::string_view name,
                             protocol::ReplyBuilder& out) {
  lua_sethook(L, CountHook, LUA_MASKCOUNT, kHookInstructions);
  int rc = lua_pcall(L, nargs, 1, -2 - nargs);
  lua_sethook(L, nullptr, 0, 0);
  if (rc == 0) {
    LuaToReply(L, current_.resp, out);
  } else if (lua_type(L, -1) == LUA_TTABLE) {
    std::string msg, source, line;
    bool has_msg = false, has_source = false, has_line = false;
    lua_getfield(L, -1, "err");
    if (lua_isstring(L, -1)) {
      msg = lua_tostring(L, -1);
      has_msg = true;
    }
    lua_pop(L, 1);
    lua_getfield(L, -1, "source");
    if (lua_isstring(L, -1)) {
      source = lua_tostring(L, -1);
      has_source = true;
    }
    lua_pop(L, 1);
    lua_getfield(L, -1, "line");
    if (lua_isstring(L, -1)) {
      line = lua_tostring(L, -1);
      has_line = true;
    }
    lua_pop(L, 1);
    if (!has_msg) msg = "ERR unknown error";
    if (has_source && has_line)
      msg += " script: " + std::string(name) + ", on " + source + ":" + line + ".";
    out.SendError(NoNewlines(msg));
  } else {
    const char* m = lua_tostring(L, -1);
    out.SendError(NoNewlines("ERR Error running script " + std::string(name) + ", " +
                             std::string(m ? m : "execution failure")));
  }
}

}  // namespace fincache::script

namespace fincache::script {

size_t ScriptEngine::ScriptCount() {
  std::unique_lock lk(mu_, std::try_to_lock);
  return lk.owns_lock() ? scripts_.size() : 0;
}

int64_t ScriptEngine::LuaMemoryBytes(bool functions) {
  std::unique_lock lk(mu_, std::try_to_lock);
  lua_State* L = functions ? FL_ : L_;
  if (!lk.owns_lock() || !L) return 0;
  return static_cast<int64_t>(lua_gc(L, LUA_GCCOUNT, 0)) * 1024 + lua_gc(L, LUA_GCCOUNTB, 0);
}

}  // namespace fincache::script
