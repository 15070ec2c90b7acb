// The `struct` library Redis gives scripts (struct.pack, struct.unpack, struct.size), with the
// same format language: '<' '>' endianness, '![n]' alignment, 'x' padding, b/B h/H l/L T i[n]/I[n]
// integers, f d floats, s zero-terminated strings, c[n] fixed strings (c0: whole string / size
// from the previous value), spaces ignored. Written from the library's documented behaviour.
#pragma once

struct lua_State;

namespace fincache::script {

// Pushes a new table with pack, unpack and size.
int OpenStructLib(lua_State* L);

}  // namespace fincache::script
