#include "script/lua_convert.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <cmath>

namespace fincache::script {

std::string NoNewlines(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\r' || c == '\n') c = ' ';
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reply -> Lua
// ---------------------------------------------------------------------------------------------

void LuaReplyBuilder::WrapInField(const char* field) {
  lua_newtable(L_);
  lua_pushstring(L_, field);
  lua_pushvalue(L_, -3);
  lua_rawset(L_, -3);
  lua_remove(L_, -2);
}

void LuaReplyBuilder::Attach() {
  while (true) {
    if (frames_.empty()) {
      ++pushed_;
      return;
    }
    Frame& f = frames_.back();
    switch (f.kind) {
      case Kind::kArray:  // stack: table, value (a nil leaves a hole, as in Redis)
        lua_rawseti(L_, -2, f.next_index++);
        --f.remaining;
        break;
      case Kind::kMap:  // stack: table, key [, value]
        if (!f.have_key) {
          f.have_key = true;
          return;
        }
        f.have_key = false;
        if (lua_isnil(L_, -2) ||
            (lua_type(L_, -2) == LUA_TNUMBER && std::isnan(lua_tonumber(L_, -2))))
          lua_pop(L_, 2);  // not a valid Lua key
        else
          lua_rawset(L_, -3);
        --f.remaining;
        break;
      case Kind::kSet:  // stack: table, member -> table[member] = true
        if (lua_isnil(L_, -1) ||
            (lua_type(L_, -1) == LUA_TNUMBER && std::isnan(lua_tonumber(L_, -1)))) {
          lua_pop(L_, 1);
        } else {
          lua_pushboolean(L_, 1);
          lua_rawset(L_, -3);
        }
        --f.remaining;
        break;
    }
    if (f.remaining > 0) return;
    Kind done = f.kind;
    frames_.pop_back();
    if (done == Kind::kMap) WrapInField("map");
    if (done == Kind::kSet) WrapInField("set");
    // The completed table is now a value of its parent: loop.
  }
}

void LuaReplyBuilder::Open(Kind kind, size_t n) {
  lua_checkstack(L_, 4);
  if (kind == Kind::kArray)
    lua_createtable(L_, static_cast<int>(n), 0);
  else
    lua_createtable(L_, 0, static_cast<int>(n));
  if (n == 0) {
    if (kind == Kind::kMap) WrapInField("map");
    if (kind == Kind::kSet) WrapInField("set");
    Attach();
    return;
  }
  frames_.push_back({kind, n, 1, false});
}

void LuaReplyBuilder::SendSimple(std::string_view s) {
  lua_checkstack(L_, 4);
  lua_pushlstring(L_, s.data(), s.size());
  WrapInField("ok");
  Attach();
}

void LuaReplyBuilder::DoSendError(std::string_view text) {
  lua_checkstack(L_, 4);
  lua_pushlstring(L_, text.data(), text.size());
  WrapInField("err");
  Attach();
}

void LuaReplyBuilder::SendLong(int64_t v) {
  lua_checkstack(L_, 4);
  lua_pushnumber(L_, static_cast<lua_Number>(v));
  Attach();
}

void LuaReplyBuilder::SendDouble(double v) {
  lua_checkstack(L_, 4);
  if (resp_ >= 3) {
    lua_pushnumber(L_, v);
    WrapInField("double");
  } else {
    std::string s = protocol::FormatDouble(v);
    lua_pushlstring(L_, s.data(), s.size());
  }
  Attach();
}

void LuaReplyBuilder::SendBulk(std::string_view s) {
  lua_checkstack(L_, 4);
  lua_pushlstring(L_, s.data(), s.size());
  Attach();
}

void LuaReplyBuilder::SendNull() {
  lua_checkstack(L_, 4);
  if (resp_ >= 3)
    lua_pushnil(L_);
  else
    lua_pushboolean(L_, 0);
  Attach();
}

void LuaReplyBuilder::SendNullArray() { SendNull(); }

void LuaReplyBuilder::SendBool(bool v) {
  lua_checkstack(L_, 4);
  if (resp_ >= 3)
    lua_pushboolean(L_, v);
  else
    lua_pushnumber(L_, v ? 1 : 0);
  Attach();
}

void LuaReplyBuilder::SendVerbatim(std::string_view text, std::string_view format) {
  lua_checkstack(L_, 6);
  if (resp_ >= 3) {
    lua_newtable(L_);
    lua_pushstring(L_, "format");
    lua_pushlstring(L_, format.data(), format.size());
    lua_rawset(L_, -3);
    lua_pushstring(L_, "string");
    lua_pushlstring(L_, text.data(), text.size());
    lua_rawset(L_, -3);
    WrapInField("verbatim_string");
  } else {
    lua_pushlstring(L_, text.data(), text.size());
  }
  Attach();
}

void LuaReplyBuilder::SendBigNumber(std::string_view digits) {
  lua_checkstack(L_, 4);
  lua_pushlstring(L_, digits.data(), digits.size());
  if (resp_ >= 3) WrapInField("big_number");
  Attach();
}

void LuaReplyBuilder::StartArray(size_t n) { Open(Kind::kArray, n); }
void LuaReplyBuilder::StartMap(size_t n) {
  if (resp_ >= 3)
    Open(Kind::kMap, n);
  else
    Open(Kind::kArray, 2 * n);
}
void LuaReplyBuilder::StartSet(size_t n) { Open(resp_ >= 3 ? Kind::kSet : Kind::kArray, n); }
void LuaReplyBuilder::StartPush(size_t n) { Open(Kind::kArray, n); }

// ---------------------------------------------------------------------------------------------
// Lua -> reply
// ---------------------------------------------------------------------------------------------

namespace {

// (long long)lua_Number as compiled C does it on x86-64: NaN and out-of-range values give
// INT64_MIN.
int64_t TruncateNumber(double d) {
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(d);
}

// Pushes t[field] (raw) for the table on the stack top; returns its type.
int RawField(lua_State* L, const char* field) {
  lua_pushstring(L, field);
  lua_rawget(L, -2);
  return lua_type(L, -1);
}

}  // namespace

void LuaToReply(lua_State* L, int script_resp, protocol::ReplyBuilder& rb) {
  if (!lua_checkstack(L, 4)) {
    rb.SendError("ERR reached lua stack limit");
    return;
  }
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      rb.SendBulk(std::string_view(s, len));
      return;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(L, -1))
          rb.SendLong(1);
        else
          rb.SendNull();
      } else {
        rb.SendBool(lua_toboolean(L, -1));
      }
      return;
    case LUA_TNUMBER:
      rb.SendLong(TruncateNumber(lua_tonumber(L, -1)));
      return;
    case LUA_TTABLE:
      break;
    default:
      rb.SendNull();
      return;
  }
  // Tables: err, ok, double, big_number, verbatim_string, map, set, then an array.
  if (RawField(L, "err") == LUA_TSTRING) {
    std::string msg = NoNewlines(lua_tostring(L, -1));
    lua_pop(L, 1);
    rb.SendError(msg);
    return;
  }
  lua_pop(L, 1);
  if (RawField(L, "ok") == LUA_TSTRING) {
    size_t len;
    const char* s = lua_tolstring(L, -1, &len);
    std::string ok = NoNewlines(std::string_view(s, len));
    lua_pop(L, 1);
    rb.SendSimple(ok);
    return;
  }
  lua_pop(L, 1);
  if (RawField(L, "double") == LUA_TNUMBER) {
    double d = lua_tonumber(L, -1);
    lua_pop(L, 1);
    rb.SendDouble(d);
    return;
  }
  lua_pop(L, 1);
  if (RawField(L, "big_number") == LUA_TSTRING) {
    size_t len;
    const char* s = lua_tolstring(L, -1, &len);
    std::string digits = NoNewlines(std::string_view(s, len));
    lua_pop(L, 1);
    rb.SendBigNumber(digits);
    return;
  }
  lua_pop(L, 1);
  if (RawField(L, "verbatim_string") == LUA_TTABLE) {
    if (RawField(L, "format") == LUA_TSTRING) {
      std::string format = lua_tostring(L, -1);
      lua_pushstring(L, "string");
      lua_rawget(L, -3);  // the verbatim table, below the format
      if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char* s = lua_tolstring(L, -1, &len);
        std::string text(s, len);
        lua_pop(L, 3);
        rb.SendVerbatim(text, format);
        return;
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (RawField(L, "map") == LUA_TTABLE) {
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pop(L, 1);
      ++n;
    }
    rb.StartMap(n);
    lua_pushnil(L);
    while (lua_next(L, -2)) {  // stack: map, key, value
      lua_pushvalue(L, -2);
      LuaToReply(L, script_resp, rb);  // key
      lua_pop(L, 1);
      LuaToReply(L, script_resp, rb);  // value
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  if (RawField(L, "set") == LUA_TTABLE) {
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pop(L, 1);
      ++n;
    }
    rb.StartSet(n);
    lua_pushnil(L);
    while (lua_next(L, -2)) {  // stack: set, member, value (ignored)
      lua_pop(L, 1);
      LuaToReply(L, script_resp, rb);
    }
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  // An array up to the first nil.
  size_t n = 0;
  while (true) {
    lua_rawgeti(L, -1, static_cast<int>(n + 1));
    bool nil = lua_isnil(L, -1);
    lua_pop(L, 1);
    if (nil) break;
    ++n;
  }
  rb.StartArray(n);
  for (size_t j = 1; j <= n; ++j) {
    lua_rawgeti(L, -1, static_cast<int>(j));
    LuaToReply(L, script_resp, rb);
    lua_pop(L, 1);
  }
}

}  // namespace fincache::script
