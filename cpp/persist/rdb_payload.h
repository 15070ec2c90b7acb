// Pieces of Redis's RDB format used by DUMP-style payloads (FUNCTION DUMP/RESTORE today; the
// RDB codec later): lengths, strings (raw, integer-encoded, LZF-compressed), the DUMP footer
// (RDB version + CRC64). Byte-compatible with Redis 7.0: strings are compressed with the same
// liblzf redis-server uses (Debian's), so the same input gives the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "persist/crc64.h"

namespace fincache::persist {

inline constexpr uint16_t kRdbVersion = 10;  // Redis 7.0
// Opcodes (fixed, append-only: they are Redis's).
inline constexpr uint8_t kOpFunctionPreGa = 246;  // RDB_OPCODE_FUNCTION_PRE_GA (7.0 RCs)
inline constexpr uint8_t kOpFunction2 = 245;      // RDB_OPCODE_FUNCTION2: library code

// rdbSaveLen.
void AppendLength(std::string* out, uint64_t len);
// rdbSaveRawString: integer encoding for short canonical integers, LZF when it saves at least
// four bytes (strings over 20 bytes, rdbcompression yes), raw otherwise.
void AppendString(std::string* out, std::string_view s);
// DUMP's footer: RDB version (2 bytes LE) then CRC64 (8 bytes LE) of everything before it.
void AppendDumpFooter(std::string* out);

// Redis's verifyDumpPayload: at least 10 bytes, version <= kRdbVersion, CRC64 matches. On
// success *body is the payload without its footer.
bool VerifyDumpPayload(std::string_view payload, std::string_view* body);
// rdbGenericLoadStringObject at *pos (advanced); false when truncated or malformed.
bool ReadString(std::string_view in, size_t* pos, std::string* out);

}  // namespace fincache::persist
