// libFuzzer target: whole RDB files (header, aux fields, SELECTDB/RESIZEDB, expiries, every
// value encoding, EOF + checksum) loaded into an engine.
//
// The loader accepts a zero checksum (files saved with rdbchecksum no), so the fuzzer gets past
// the CRC by itself. Property: a file that loads saves to a file that loads with the same keys.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/engine.h"
#include "persist/snapshot.h"

using namespace fincache;

namespace {

std::string TempPath(const char* tag) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/fincache-fuzz-" + tag + "-" +
         std::to_string(::getpid()) + ".rdb";
}

EngineOptions Options() {
  EngineOptions o;
  o.databases = 16;
  o.shard_count = 1;
  o.active_expiry = false;
  return o;
}

int64_t Keys(Engine& e) {
  int64_t n = 0;
  for (int db = 0; db < e.db_count(); ++db) n += e.DbSize(db);
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string in_path = TempPath("in");
  static const std::string out_path = TempPath("out");
  std::FILE* f = std::fopen(in_path.c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);

  const int64_t now_ms = 1700000000000;  // fixed, so expiry decisions are repeatable
  Engine engine(Options());
  persist::LoadStats stats;
  bool missing = false;
  std::string err;
  if (!persist::LoadRdbFile(engine, in_path, now_ms, &stats, &missing, &err)) {
    if (err.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  if (missing) std::abort();

  persist::SaveOptions opts;
  opts.redis_version = "7.0.15";
  if (!persist::SaveRdbFile(engine, out_path, now_ms, opts, &err)) std::abort();
  Engine again(Options());
  persist::LoadStats stats2;
  if (!persist::LoadRdbFile(again, out_path, now_ms, &stats2, &missing, &err)) std::abort();
  if (Keys(again) != Keys(engine)) std::abort();
  return 0;
}
