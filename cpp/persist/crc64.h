// CRC-64 as Redis's RDB files and DUMP payloads use it: the Jones polynomial
// (0xad93d23594c935a9), reflected input and output, initial value 0, no final xor.
// crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fincache::persist {

// Continues a CRC over more bytes (start with crc = 0).
uint64_t Crc64(uint64_t crc, const void* data, size_t len);
inline uint64_t Crc64(uint64_t crc, std::string_view s) { return Crc64(crc, s.data(), s.size()); }

}  // namespace fincache::persist
