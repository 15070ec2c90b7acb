#include "script/lua_cmsgpack.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace fincache::script {

namespace {

constexpr int kMaxNesting = 16;

bool IsInt64Equivalent(double x) {
  return !std::isinf(x) && x >= -9223372036854775808.0 && x < 9223372036854775808.0 &&
         static_cast<double>(static_cast<int64_t>(x)) == x;
}

bool IsIntEquivalent(double x) {
  return !std::isinf(x) && x >= INT_MIN && x <= INT_MAX &&
         static_cast<double>(static_cast<int>(x)) == x;
}

void PutBig(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void EncodeInt(std::string& out, int64_t n) {
  if (n >= 0) {
    if (n <= 127) {
      out.push_back(static_cast<char>(n & 0x7f));
    } else if (n <= 0xff) {
      out.push_back(static_cast<char>(0xcc));
      PutBig(out, n, 1);
    } else if (n <= 0xffff) {
      out.push_back(static_cast<char>(0xcd));
      PutBig(out, n, 2);
    } else if (n <= 0xffffffffLL) {
      out.push_back(static_cast<char>(0xce));
      PutBig(out, n, 4);
    } else {
      out.push_back(static_cast<char>(0xcf));
      PutBig(out, n, 8);
    }
  } else {
    if (n >= -32) {
      out.push_back(static_cast<char>(static_cast<signed char>(n)));
    } else if (n >= -128) {
      out.push_back(static_cast<char>(0xd0));
      PutBig(out, static_cast<uint64_t>(n), 1);
    } else if (n >= -32768) {
      out.push_back(static_cast<char>(0xd1));
      PutBig(out, static_cast<uint64_t>(n), 2);
    } else if (n >= -2147483648LL) {
      out.push_back(static_cast<char>(0xd2));
      PutBig(out, static_cast<uint64_t>(n), 4);
    } else {
      out.push_back(static_cast<char>(0xd3));
      PutBig(out, static_cast<uint64_t>(n), 8);
    }
  }
}

void EncodeDouble(std::string& out, double d) {
  float f = static_cast<float>(d);
  if (d == static_cast<double>(f)) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    out.push_back(static_cast<char>(0xca));
    PutBig(out, bits, 4);
  } else {
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    out.push_back(static_cast<char>(0xcb));
    PutBig(out, bits, 8);
  }
}

void EncodeHeader(std::string& out, size_t n, int fix_base, size_t fix_max, int op16, int op32) {
  if (n <= fix_max) {
    out.push_back(static_cast<char>(fix_base | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(op16));
    PutBig(out, n, 2);
  } else {
    out.push_back(static_cast<char>(op32));
    PutBig(out, n, 4);
  }
}

void EncodeBytes(std::string& out, const char* s, size_t len) {
  if (len < 32) {
    out.push_back(static_cast<char>(0xa0 | len));
  } else if (len <= 0xff) {
    out.push_back(static_cast<char>(0xd9));
    PutBig(out, len, 1);
  } else if (len <= 0xffff) {
    out.push_back(static_cast<char>(0xda));
    PutBig(out, len, 2);
  } else {
    out.push_back(static_cast<char>(0xdb));
    PutBig(out, len, 4);
  }
  out.append(s, len);
}

// Whether the table on the stack top has exactly the keys 1..n.
bool TableIsArray(lua_State* L) {
  int top = lua_gettop(L);
  double count = 0, max = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    double n;
    if (lua_type(L, -1) != LUA_TNUMBER || (n = lua_tonumber(L, -1)) <= 0 || !IsIntEquivalent(n)) {
      lua_settop(L, top);
      return false;
    }
    if (n > max) max = n;
    count++;
  }
  lua_settop(L, top);
  return max == count;
}

// Encodes the value on the stack top and pops it.
void EncodeValue(lua_State* L, std::string& out, int level) {
  lua_checkstack(L, 4);
  int t = lua_type(L, -1);
  if (t == LUA_TTABLE && level == kMaxNesting) t = LUA_TNIL;
  switch (t) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      EncodeBytes(out, s, len);
      break;
    }
    case LUA_TBOOLEAN:
      out.push_back(static_cast<char>(lua_toboolean(L, -1) ? 0xc3 : 0xc2));
      break;
    case LUA_TNUMBER: {
      double n = lua_tonumber(L, -1);
      if (IsInt64Equivalent(n))
        EncodeInt(out, static_cast<int64_t>(n));
      else
        EncodeDouble(out, n);
      break;
    }
    case LUA_TTABLE:
      if (TableIsArray(L)) {
        size_t len = lua_objlen(L, -1);
        EncodeHeader(out, len, 0x90, 15, 0xdc, 0xdd);
        for (size_t j = 1; j <= len; ++j) {
          lua_pushnumber(L, static_cast<lua_Number>(j));
          lua_rawget(L, -2);
          EncodeValue(L, out, level + 1);
        }
      } else {
        size_t len = 0;
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pop(L, 1);
          ++len;
        }
        EncodeHeader(out, len, 0x80, 15, 0xde, 0xdf);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pushvalue(L, -2);
          EncodeValue(L, out, level + 1);  // key
          EncodeValue(L, out, level + 1);  // value
        }
      }
      break;
    default:
      out.push_back(static_cast<char>(0xc0));
  }
  lua_pop(L, 1);
}

int Pack(lua_State* L) {
  int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(L, nargs + 4))
    return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  {
    std::string out;
    for (int i = 1; i <= nargs; ++i) {
      lua_pushvalue(L, i);
      EncodeValue(L, out, 0);
    }
    lua_pushlstring(L, out.data(), out.size());
  }
  return 1;
}

// ---- decoding ----

enum class CurErr { kNone, kEof, kBadFmt };

struct Cursor {
  const unsigned char* p;
  size_t left;
  CurErr err = CurErr::kNone;
  bool Need(size_t n) {
    if (left < n) {
      err = CurErr::kEof;
      return false;
    }
    return true;
  }
  uint64_t Big(size_t off, int bytes) const {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[off + i];
    return v;
  }
  void Skip(size_t n) {
    p += n;
    left -= n;
  }
};

void DecodeValue(lua_State* L, Cursor& c);

void DecodeArray(lua_State* L, Cursor& c, size_t n) {
  lua_newtable(L);
  for (size_t j = 1; j <= n; ++j) {
    lua_pushnumber(L, static_cast<lua_Number>(j));
    DecodeValue(L, c);
    if (c.err != CurErr::kNone) return;
    lua_settable(L, -3);
  }
}

void DecodeMap(lua_State* L, Cursor& c, size_t n) {
  lua_newtable(L);
  for (size_t j = 0; j < n; ++j) {
    DecodeValue(L, c);
    if (c.err != CurErr::kNone) return;
    DecodeValue(L, c);
    if (c.err != CurErr::kNone) return;
    lua_settable(L, -3);
  }
}

void DecodeString(lua_State* L, Cursor& c, int hdr, int len_bytes) {
  if (!c.Need(hdr)) return;
  size_t len = c.Big(1, len_bytes);
  if (!c.Need(hdr + len)) return;
  lua_pushlstring(L, reinterpret_cast<const char*>(c.p + hdr), len);
  c.Skip(hdr + len);
}

void DecodeValue(lua_State* L, Cursor& c) {
  lua_checkstack(L, 4);
  if (!c.Need(1)) return;
  unsigned char b = c.p[0];
  switch (b) {
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf: {
      int bytes = 1 << (b - 0xcc);
      if (!c.Need(1 + bytes)) return;
      lua_pushnumber(L, static_cast<lua_Number>(c.Big(1, bytes)));
      c.Skip(1 + bytes);
      return;
    }
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
      int bytes = 1 << (b - 0xd0);
      if (!c.Need(1 + bytes)) return;
      uint64_t u = c.Big(1, bytes);
      int64_t v;
      if (bytes == 1)
        v = static_cast<int8_t>(u);
      else if (bytes == 2)
        v = static_cast<int16_t>(u);
      else if (bytes == 4)
        v = static_cast<int32_t>(u);
      else
        v = static_cast<int64_t>(u);
      lua_pushnumber(L, static_cast<lua_Number>(v));
      c.Skip(1 + bytes);
      return;
    }
    case 0xc0:
      lua_pushnil(L);
      c.Skip(1);
      return;
    case 0xc3:
    case 0xc2:
      lua_pushboolean(L, b == 0xc3);
      c.Skip(1);
      return;
    case 0xca: {
      if (!c.Need(5)) return;
      uint32_t bits = static_cast<uint32_t>(c.Big(1, 4));
      float f;
      std::memcpy(&f, &bits, 4);
      lua_pushnumber(L, f);
      c.Skip(5);
      return;
    }
    case 0xcb: {
      if (!c.Need(9)) return;
      uint64_t bits = c.Big(1, 8);
      double d;
      std::memcpy(&d, &bits, 8);
      lua_pushnumber(L, d);
      c.Skip(9);
      return;
    }
    case 0xc4:
    case 0xd9:
      return DecodeString(L, c, 2, 1);
    case 0xc5:
    case 0xda:
      return DecodeString(L, c, 3, 2);
    case 0xc6:
    case 0xdb:
      return DecodeString(L, c, 5, 4);
    case 0xdc:
    case 0xdd:
    case 0xde:
    case 0xdf: {
      int bytes = (b == 0xdc || b == 0xde) ? 2 : 4;
      if (!c.Need(1 + bytes)) return;
      size_t n = c.Big(1, bytes);
      c.Skip(1 + bytes);
      if (b <= 0xdd)
        DecodeArray(L, c, n);
      else
        DecodeMap(L, c, n);
      return;
    }
    default:
      break;
  }
  if (b <= 0x7f) {
    lua_pushnumber(L, b);
    c.Skip(1);
  } else if (b >= 0xe0) {
    lua_pushnumber(L, static_cast<signed char>(b));
    c.Skip(1);
  } else if ((b & 0xe0) == 0xa0) {
    size_t len = b & 0x1f;
    if (!c.Need(1 + len)) return;
    lua_pushlstring(L, reinterpret_cast<const char*>(c.p + 1), len);
    c.Skip(1 + len);
  } else if ((b & 0xf0) == 0x90) {
    c.Skip(1);
    DecodeArray(L, c, b & 0x0f);
  } else if ((b & 0xf0) == 0x80) {
    c.Skip(1);
    DecodeMap(L, c, b & 0x0f);
  } else {
    c.err = CurErr::kBadFmt;
  }
}

int UnpackFull(lua_State* L, int limit, int offset) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  bool decode_all = !limit && !offset;
  if (offset < 0 || limit < 0)
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", offset,
                      static_cast<int>(len));
  if (static_cast<size_t>(offset) > len)
    return luaL_error(L, "Start offset %d greater than input length %d.", offset,
                      static_cast<int>(len));
  if (decode_all) limit = INT_MAX;
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset, len - offset};
  int cnt;
  for (cnt = 0; c.left > 0 && cnt < limit; cnt++) {
    DecodeValue(L, c);
    if (c.err == CurErr::kEof) return luaL_error(L, "Missing bytes in input.");
    if (c.err == CurErr::kBadFmt) return luaL_error(L, "Bad data format in input.");
  }
  if (!decode_all) {
    int next = static_cast<int>(len - c.left);
    luaL_checkstack(L, 1, "in function mp_unpack_full");
    lua_pushinteger(L, c.left == 0 ? -1 : next);
    lua_insert(L, 2);
    cnt += 1;
  }
  return cnt;
}

int Unpack(lua_State* L) { return UnpackFull(L, 0, 0); }

int UnpackOne(lua_State* L) {
  int offset = static_cast<int>(luaL_optinteger(L, 2, 0));
  lua_pop(L, lua_gettop(L) - 1);
  return UnpackFull(L, 1, offset);
}

int UnpackLimit(lua_State* L) {
  int limit = static_cast<int>(luaL_checkinteger(L, 2));
  int offset = static_cast<int>(luaL_optinteger(L, 3, 0));
  lua_pop(L, lua_gettop(L) - 1);
  return UnpackFull(L, limit, offset);
}

}  // namespace

int OpenCmsgpackLib(lua_State* L) {
  lua_newtable(L);
  lua_pushcfunction(L, Pack);
  lua_setfield(L, -2, "pack");
  lua_pushcfunction(L, Unpack);
  lua_setfield(L, -2, "unpack");
  lua_pushcfunction(L, UnpackOne);
  lua_setfield(L, -2, "unpack_one");
  lua_pushcfunction(L, UnpackLimit);
  lua_setfield(L, -2, "unpack_limit");
  return 1;
}

}  // namespace fincache::script
