// Helpers shared by script_engine.cpp (sandbox, EVAL) and script_functions.cpp (FUNCTION):
// not part of the script layer's interface.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

extern "C" {
#include <lua.h>
}

#include "script/script_engine.h"

namespace fincache::script::internal {

// Registry keys.
inline constexpr const char* kEngineKey = "__fincache_engine";      // lightuserdata ScriptEngine*
inline constexpr const char* kGlobalsKey = "__fincache_globals";    // the real globals table
inline constexpr const char* kReadonlyKey = "__fincache_readonly";  // proxy -> real (weak keys)
inline constexpr const char* kErrHandlerKey = "__redis__err__handler";
// Functions state: where global names resolve (the real globals, or the load API during LOAD).
inline constexpr const char* kApiKey = "__fincache_api";
inline constexpr const char* kLoadApiKey = "__fincache_load_api";

inline constexpr const char* kReadonlyError = "Attempt to modify a readonly table";

ScriptEngine& EngineOf(lua_State* L);
// Pushes Redis's error table {err="<CODE> <msg>"}: "-CODE msg" keeps its code, text without
// '-' gets "ERR ".
void PushErrorTable(lua_State* L, std::string_view text);
// Replaces the table on the stack top with a read-only proxy; with custom_index, the proxy's
// __index is the value just below the table (both replaced by the proxy).
void MakeReadonly(lua_State* L, bool custom_index);
void SetField(lua_State* L, const char* name, lua_CFunction fn);
void SetField(lua_State* L, const char* name, lua_Number v);
// redis.log (also in the load API of function libraries).
int RedisLogFn(lua_State* L);
// The count hook: FUNCTION LOAD's timeout, and ScriptHost::Tick / kill for running scripts.
void CountHook(lua_State* L, lua_Debug* ar);
int64_t NowUs();
// __index of the load API's redis table: unknown names raise "nonexistent global variable".
int LoadApiIndex(lua_State* L);
// redis.register_function (script_functions.cpp).
int RegisterFunction(lua_State* L);
// Redis's functionExtractLibMetaData: "#!<engine> name=<lib>" on the first line of a library;
// *body_start is where the code given to the engine starts (script_shebang.cpp).
bool ParseLibraryMetadata(std::string_view code, std::string* engine, std::string* name,
                          size_t* body_start, std::string* err);

}  // namespace fincache::script::internal
