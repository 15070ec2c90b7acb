// Redis 7 functions: libraries loaded with FUNCTION LOAD ("#!lua name=<lib>" + code that calls
// redis.register_function), kept in their own Lua state, called with FCALL / FCALL_RO.
//
// As Redis's functions.c / function_lua.c: loading a library runs its code once with a minimal
// API (only `redis` with register_function, log, LOG_* and the version), under a 500 ms
// timeout; the registered callbacks live in the state's registry and later run with the full
// script API, getting KEYS and ARGV as their two arguments. Library names are case-sensitive,
// function names are not; a function name is unique across libraries.
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cstring>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include "common/strings.h"
#include "script/lua_convert.h"
#include "script/script_engine.h"
#include "script/script_internal.h"

namespace fincache::script {

using namespace internal;  // NOLINT

namespace {

constexpr int64_t kLoadTimeoutMs = 500;  // Redis's LOAD_TIMEOUT_MS
constexpr std::string_view kBadNameErr =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one "
    "character long";

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

// Raises {err="ERR <msg>"} (no C++ object with a destructor may be alive in the caller).
int RaiseErr(lua_State* L, const char* msg) {
  PushErrorTable(L, msg);
  return lua_error(L);
}

// The flags table of redis.register_function; false on a non-string or unknown flag.
bool ReadFlags(lua_State* L, int idx, uint32_t* flags) {
  static constexpr std::pair<const char*, uint32_t> kFlags[] = {
      {"no-writes", SF::kNoWrites},
      {"allow-oom", SF::kAllowOom},
      {"allow-stale", SF::kAllowStale},
      {"no-cluster", SF::kNoCluster},
      {"allow-cross-slot-keys", SF::kAllowCrossSlot}};
  bool ok = true;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    bool known = false;
    if (lua_type(L, -1) == LUA_TSTRING) {
      const char* f = lua_tostring(L, -1);
      for (auto& [n, bit] : kFlags) {
        if (strcasecmp(n, f) == 0) {  // Redis matches these flags ignoring case
          *flags |= bit;
          known = true;
        }
      }
    }
    lua_pop(L, 1);
    if (!known) {
      lua_pop(L, 1);  // the key
      ok = false;
      break;
    }
  }
  return ok;
}

// Adds a function to the library being loaded; the callback is on the stack top (popped).
// Returns an error text (no code) or nullptr.
const char* AddPending(lua_State* L, ScriptEngine::Loading* loading, const char* name, size_t len,
                       const char* desc, size_t desc_len, bool has_desc, uint32_t flags) {
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  std::string_view n(name, len);
  const char* err = nullptr;
  if (!ValidName(n)) {
    err = kBadNameErr.data();
  } else {
    for (auto& p : loading->functions)
      if (EqualsIgnoreCase(p.info.name, n)) err = "Function already exists in the library";
  }
  if (err) {
    luaL_unref(L, LUA_REGISTRYINDEX, ref);
    return err;
  }
  ScriptEngine::PendingFunction p;
  p.info.name.assign(name, len);
  if (has_desc) p.info.description = std::string(desc, desc_len);
  p.info.flags = flags;
  p.ref = ref;
  loading->functions.push_back(std::move(p));
  return nullptr;
}

}  // namespace

namespace internal {

int LoadApiIndex(lua_State* L) {
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (!lua_isnil(L, -1)) return 1;
  if (!lua_isstring(L, 2))
    return luaL_error(L, "Second argument to luaProtectedTableError must be a string or number");
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    lua_tostring(L, 2));
}

// redis.register_function(name, callback) or redis.register_function{function_name=...,
// callback=..., flags={...}, description=...}, with Redis's error texts.
int RegisterFunction(lua_State* L) {
  ScriptEngine::Loading* loading = EngineOf(L).loading();
  if (!loading)
    return RaiseErr(L, "redis.register_function can only be called on FUNCTION LOAD command");
  int argc = lua_gettop(L);
  if (argc == 2) {
    if (!lua_isstring(L, 1))
      return RaiseErr(L, "first argument to redis.register_function must be a string");
    if (!lua_isfunction(L, 2))
      return RaiseErr(L, "second argument to redis.register_function must be a function");
    size_t len;
    const char* name = lua_tolstring(L, 1, &len);
    lua_pushvalue(L, 2);
    const char* err = AddPending(L, loading, name, len, nullptr, 0, false, 0);
    if (err) return RaiseErr(L, err);
    return 0;
  }
  if (argc != 1) return RaiseErr(L, "wrong number of arguments to redis.register_function");
  if (!lua_istable(L, 1))
    return RaiseErr(L,
                    "calling redis.register_function with a single argument is only applicable to "
                    "Lua table (representing named arguments).");
  // Named arguments; name, description and callback are kept at stack slots 2, 3, 4.
  lua_settop(L, 4);
  uint32_t flags = 0;
  const char* err = nullptr;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    if (!lua_isstring(L, -2)) {
      err = "named argument key given to redis.register_function is not a string";
      break;
    }
    const char* key = lua_tostring(L, -2);
    if (EqualsIgnoreCase(key, "function_name")) {
      if (!lua_isstring(L, -1)) {
        err = "function_name argument given to redis.register_function must be a string";
        break;
      }
      lua_replace(L, 2);
      continue;
    }
    if (EqualsIgnoreCase(key, "description")) {
      if (!lua_isstring(L, -1)) {
        err = "description argument given to redis.register_function must be a string";
        break;
      }
      lua_replace(L, 3);
      continue;
    }
    if (EqualsIgnoreCase(key, "callback")) {
      if (!lua_isfunction(L, -1)) {
        err = "callback argument given to redis.register_function must be a function";
        break;
      }
      lua_replace(L, 4);
      continue;
    }
    if (EqualsIgnoreCase(key, "flags")) {
      if (!lua_istable(L, -1)) {
        err =
            "flags argument to redis.register_function must be a table representing function "
            "flags";
        break;
      }
      if (!ReadFlags(L, lua_gettop(L), &flags)) {
        err = "unknown flag given";
        break;
      }
      lua_pop(L, 1);
      continue;
    }
    err = "unknown argument given to redis.register_function";
    break;
  }
  if (err) return RaiseErr(L, err);
  if (lua_isnil(L, 2))
    return RaiseErr(L, "redis.register_function must get a function name argument");
  if (lua_isnil(L, 4)) return RaiseErr(L, "redis.register_function must get a callback argument");
  size_t len, desc_len = 0;
  const char* name = lua_tolstring(L, 2, &len);
  bool has_desc = !lua_isnil(L, 3);
  const char* desc = has_desc ? lua_tolstring(L, 3, &desc_len) : nullptr;
  lua_pushvalue(L, 4);
  err = AddPending(L, loading, name, len, desc, desc_len, has_desc, flags);
  if (err) return RaiseErr(L, err);
  return 0;
}

}  // namespace internal

// ---------------------------------------------------------------------------------------------
// Libraries
// ---------------------------------------------------------------------------------------------

void ScriptEngine::DropLibrary(Libraries& libs, const std::string& name) {
  auto it = libs.libs.find(name);
  if (it == libs.libs.end()) return;
  for (const std::string& fn : it->second.functions) {
    auto f = libs.functions.find(fn);
    if (f == libs.functions.end()) continue;
    luaL_unref(FL_, LUA_REGISTRYINDEX, f->second.ref);
    libs.functions.erase(f);
  }
  libs.libs.erase(it);
}

void ScriptEngine::DropAll(Libraries& libs) {
  while (!libs.libs.empty()) DropLibrary(libs, libs.libs.begin()->first);
}

void ScriptEngine::UpdateCounts() {
  library_count_.store(libraries_.libs.size(), std::memory_order_relaxed);
  function_count_.store(libraries_.functions.size(), std::memory_order_relaxed);
}

bool ScriptEngine::CreateLibrary(std::string_view code, bool replace, int64_t timeout_ms,
                                 Libraries& libs, std::string* name, std::string* err) {
  std::string engine;
  size_t body_start = 0;
  if (!ParseLibraryMetadata(code, &engine, name, &body_start, err)) return false;
  if (!EqualsIgnoreCase(engine, "lua")) {
    *err = "ERR Engine '" + engine + "' not found";
    return false;
  }
  if (!ValidName(*name)) {
    *err = "ERR " + std::string(kBadNameErr);
    return false;
  }
  bool had_old = libs.libs.count(*name) > 0;
  if (had_old && !replace) {
    *err = "ERR Library '" + *name + "' already exists";
    return false;
  }

  lua_State* L = FL_;
  int base = lua_gettop(L);
  std::string_view body = code.substr(body_start);
  if (luaL_loadbuffer(L, body.data(), body.size(), "@user_function")) {
    *err = NoNewlines("ERR Error compiling function: " + std::string(lua_tostring(L, -1)));
    lua_settop(L, base);
    return false;
  }
  // Run the library code with the load API as its globals.
  Loading loading;
  if (timeout_ms > 0) loading.deadline_us = NowUs() + timeout_ms * 1000;
  lua_getfield(L, LUA_REGISTRYINDEX, kLoadApiKey);
  lua_setfield(L, LUA_REGISTRYINDEX, kApiKey);
  loading_ = &loading;
  lua_sethook(L, CountHook, LUA_MASKCOUNT, kHookInstructions);
  int rc = lua_pcall(L, 0, 0, 0);
  lua_sethook(L, nullptr, 0, 0);
  loading_ = nullptr;
  lua_getfield(L, LUA_REGISTRYINDEX, kGlobalsKey);
  lua_setfield(L, LUA_REGISTRYINDEX, kApiKey);

  auto discard = [&] {
    for (auto& p : loading.functions) luaL_unref(L, LUA_REGISTRYINDEX, p.ref);
    lua_settop(L, base);
    return false;
  };
  if (rc != 0) {
    std::string msg = "ERR unknown error";
    if (lua_type(L, -1) == LUA_TTABLE) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) msg = lua_tostring(L, -1);
      lua_pop(L, 1);
    } else if (lua_isstring(L, -1)) {
      msg = "ERR " + std::string(lua_tostring(L, -1));
    }
    *err = NoNewlines("ERR Error registering functions: " + msg);
    return discard();
  }
  if (loading.functions.empty()) {
    *err = "ERR No functions registered";
    return discard();
  }
  for (auto& p : loading.functions) {
    auto it = libs.functions.find(ToLower(p.info.name));
    if (it != libs.functions.end() && !(had_old && it->second.library == *name)) {
      *err = "ERR Function " + p.info.name + " already exists";
      return discard();
    }
  }
  if (had_old) DropLibrary(libs, *name);
  Library& lib = libs.libs[*name];
  lib.code.assign(code);
  for (auto& p : loading.functions) {
    std::string key = ToLower(p.info.name);
    lib.functions.push_back(key);
    libs.functions[key] = Function{std::move(p.info), *name, p.ref};
  }
  lua_settop(L, base);
  return true;
}

std::string ScriptEngine::FunctionLoad(std::string_view code, bool replace, std::string* err) {
  std::lock_guard lk(mu_);
  std::string name;
  if (!CreateLibrary(code, replace, kLoadTimeoutMs, libraries_, &name, err)) return "";
  UpdateCounts();
  return name;
}

bool ScriptEngine::FunctionDelete(std::string_view library) {
  std::lock_guard lk(mu_);
  std::string name(library);
  if (!libraries_.libs.count(name)) return false;
  DropLibrary(libraries_, name);
  UpdateCounts();
  return true;
}

void ScriptEngine::FunctionFlush() {
  std::lock_guard lk(mu_);
  libraries_ = Libraries{};
  lua_close(FL_);
  FL_ = NewState(this, true);
  UpdateCounts();
}

std::vector<ScriptEngine::LibraryInfo> ScriptEngine::FunctionList(
    const std::optional<std::string_view>& pattern) {
  std::lock_guard lk(mu_);
  std::vector<LibraryInfo> out;
  for (auto& [name, lib] : libraries_.libs) {
    if (pattern && !GlobMatch(*pattern, name, /*nocase=*/true)) continue;
    LibraryInfo info{name, lib.code, {}};
    for (const std::string& fn : lib.functions)
      info.functions.push_back(libraries_.functions[fn].info);
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<std::string> ScriptEngine::FunctionCodes() {
  std::lock_guard lk(mu_);
  std::vector<std::string> out;
  for (auto& [name, lib] : libraries_.libs) out.push_back(lib.code);
  return out;
}

bool ScriptEngine::FunctionRestore(const std::vector<std::string>& codes, RestorePolicy policy,
                                   std::string* err) {
  std::lock_guard lk(mu_);
  // Load everything into a new set first (Redis's functionsLibCtxCreate + rdbFunctionLoad).
  Libraries incoming;
  for (const std::string& code : codes) {
    std::string name;
    if (!CreateLibrary(code, false, 0, incoming, &name, err)) {
      DropAll(incoming);
      return false;
    }
  }
  if (policy == RestorePolicy::kFlush) {
    DropAll(libraries_);
    libraries_ = std::move(incoming);
    UpdateCounts();
    return true;
  }
  // Redis's libraryJoin: same-name libraries conflict unless REPLACE; functions never may.
  for (auto& [name, lib] : incoming.libs) {
    if (libraries_.libs.count(name) && policy != RestorePolicy::kReplace) {
      *err = "ERR Library " + name + " already exists";
      DropAll(incoming);
      return false;
    }
  }
  for (auto& [key, fn] : incoming.functions) {
    auto it = libraries_.functions.find(key);
    if (it != libraries_.functions.end() && !incoming.libs.count(it->second.library)) {
      *err = "ERR Function " + fn.info.name + " already exists";
      DropAll(incoming);
      return false;
    }
  }
  for (auto& [name, lib] : incoming.libs) DropLibrary(libraries_, name);
  for (auto& [name, lib] : incoming.libs) libraries_.libs[name] = std::move(lib);
  for (auto& [key, fn] : incoming.functions) libraries_.functions[key] = std::move(fn);
  UpdateCounts();
  return true;
}

bool ScriptEngine::FindFunction(std::string_view name, std::string* registered_name,
                                uint32_t* flags) {
  std::lock_guard lk(mu_);
  auto it = libraries_.functions.find(ToLower(name));
  if (it == libraries_.functions.end()) return false;
  *registered_name = it->second.info.name;
  *flags = it->second.info.flags;
  return true;
}

void ScriptEngine::CallFunction(std::string_view name, const RunArgs& run, ScriptHost& host,
                                protocol::ReplyBuilder& out) {
  std::lock_guard lk(mu_);
  auto it = libraries_.functions.find(ToLower(name));
  if (it == libraries_.functions.end()) {
    out.SendError("ERR Function not found");
    return;
  }
  const Function& fn = it->second;
  if (run.read_only && !(fn.info.flags & SF::kNoWrites)) {
    out.SendError("ERR Can not execute a script with write flag using *_ro command.");
    return;
  }
  std::string fname = fn.info.name;
  lua_State* L = FL_;
  int base = lua_gettop(L);
  current_ = Current{&host, 2, run.read_only || (fn.info.flags & SF::kNoWrites)};
  if (current_.read_only) host.SetReadOnly();
  lua_getfield(L, LUA_REGISTRYINDEX, kErrHandlerKey);
  lua_rawgeti(L, LUA_REGISTRYINDEX, fn.ref);
  for (auto items : {run.keys, run.args}) {
    lua_createtable(L, static_cast<int>(items.size()), 0);
    for (size_t i = 0; i < items.size(); ++i) {
      lua_pushlstring(L, items[i].data(), items[i].size());
      lua_rawseti(L, -2, static_cast<int>(i + 1));
    }
  }
  RunLoaded(L, 2, fname, out);
  lua_settop(L, base);
  current_ = Current{};
}

}  // namespace fincache::script
