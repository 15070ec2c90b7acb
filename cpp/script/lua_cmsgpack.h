// The `cmsgpack` library Redis gives scripts: cmsgpack.pack(...) (each argument encoded, the
// encodings concatenated), cmsgpack.unpack(s), unpack_one(s [,offset]),
// unpack_limit(s, limit [,offset]); MessagePack with Redis's choices (integral numbers as the
// smallest int, other numbers float32 when exact else float64, strings as fixstr/str8/16/32,
// tables as arrays when their keys are exactly 1..n, else maps; nesting beyond 16 encodes nil).
// Written from the format's specification and the library's documented behaviour.
#pragma once

struct lua_State;

namespace fincache::script {

// Pushes a new table with pack, unpack, unpack_one and unpack_limit.
int OpenCmsgpackLib(lua_State* L);

}  // namespace fincache::script
