// LZF decompression (the format Redis uses for compressed RDB strings): a stream of literal runs
// (control byte < 32: that many plus one literal bytes follow) and back references (control
// byte >> 5 is the length minus 2, 7 meaning "plus the next byte"; the low 5 bits and the next
// byte the distance minus 1).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fincache::persist {

// Decompresses `in` into *out, which must come out exactly `expected_len` bytes long. False on
// any malformed input (a reference before the start, a run past either end, a wrong length).
// Never writes past expected_len, and grows *out only as output is produced, so a forged length
// costs no memory beyond what the input really expands to.
bool LzfDecompress(std::string_view in, size_t expected_len, std::string* out);

// Compresses `in` into out[0, out_cap): returns the compressed size, or 0 when it does not fit
// (the caller then stores the input plain). Debian's liblzf does the work, the library
// redis-server links, so compressed strings are byte-identical to Redis's.
size_t LzfCompress(std::string_view in, char* out, size_t out_cap);

}  // namespace fincache::persist
