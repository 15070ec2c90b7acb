// libFuzzer target: DUMP/RESTORE payloads (RDB value encodings: listpack, quicklist, intset,
// ziplist, zipmap, LZF strings...).
//
// The input is a value body (type byte + encoding); the harness appends a valid footer (RDB
// version + CRC-64) so the fuzzer reaches the decoders instead of stopping at the checksum.
// Property: a payload that decodes re-encodes to a payload that decodes again and re-encodes to
// the same type and size (hash-table sets and hashes may list their elements in another order).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "persist/crc64.h"
#include "persist/rdb.h"

using namespace fincache;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string payload(reinterpret_cast<const char*>(data), size);
  payload.push_back(static_cast<char>(persist::kRdbVersion & 0xff));
  payload.push_back(0);
  uint64_t crc = persist::Crc64(0, payload);
  for (int i = 0; i < 8; ++i) payload.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));

  Value v;
  if (persist::ParseDumpPayload(payload, &v) != persist::DumpError::kOk) return 0;
  std::string again = persist::CreateDumpPayload(v);
  Value w;
  if (persist::ParseDumpPayload(again, &w) != persist::DumpError::kOk) std::abort();
  std::string third = persist::CreateDumpPayload(w);
  if (third.size() != again.size() || third[0] != again[0]) std::abort();
  return 0;
}
