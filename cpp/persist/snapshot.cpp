#include "persist/snapshot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>

#include "persist/aof.h"
#include "persist/rdb.h"

namespace fincache::persist {
namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

void Aux(RdbWriter& w, std::string_view key, std::string_view value) {
  w.Byte(rdbop::kAux);
  w.String(key);
  w.String(value);
}

// Writes the body through `w`; false when a flush failed.
bool WriteBody(Engine& engine, RdbWriter& w, int64_t now_ms, const SaveOptions& opts) {
  char magic[16];
  std::snprintf(magic, sizeof(magic), "REDIS%04d", kRdbVersion);
  w.Raw(magic);
  Aux(w, "redis-ver", opts.redis_version);
  Aux(w, "redis-bits", std::to_string(sizeof(void*) * 8));
  Aux(w, "ctime", std::to_string(now_ms / 1000));
  Aux(w, "used-mem", std::to_string(opts.used_memory));
  Aux(w, "aof-base", opts.aof_base ? "1" : "0");
  for (const std::string& code : opts.function_libraries) {
    w.Byte(rdbop::kFunction2);
    w.String(code);
  }
  // Redis's rdbSaveKeyValuePair: the access data goes with each key when the policy uses it.
  const EvictionPolicy policy = engine.evictor().policy();
  const bool save_lru = IsLruPolicy(policy);
  const bool save_lfu = IsLfuPolicy(policy);
  const int64_t decay_time = engine.evictor().lfu_decay_time();
  for (int db = 0; db < engine.db_count(); ++db) {
    if (engine.DbSize(db) == 0) continue;
    w.Byte(rdbop::kSelectDb);
    w.Len(static_cast<uint64_t>(db));
    w.Byte(rdbop::kResizeDb);
    w.Len(static_cast<uint64_t>(engine.DbSize(db)));
    w.Len(static_cast<uint64_t>(engine.ExpiresCount(db)));
    for (size_t s = 0; s < engine.shard_count(); ++s) {
      DbTable& t = engine.shard(s).dbs[db];
      t.table.ForEach([&](std::string_view key, Entry& e) {
        if (!w.ok()) return;
        if (e.expire_ms != 0 && e.expire_ms <= now_ms) return;  // expired: not saved
        if (e.expire_ms != 0) {
          w.Byte(rdbop::kExpireTimeMs);
          w.U64LE(static_cast<uint64_t>(e.expire_ms));
        }
        if (save_lru) {  // seconds are enough (as Redis)
          w.Byte(rdbop::kIdle);
          w.Len(lru::IdleMs(e.lru, now_ms) / 1000);
        } else if (save_lfu) {  // the counter as OBJECT FREQ shows it (decayed)
          w.Byte(rdbop::kFreq);
          w.Byte(static_cast<uint8_t>(lfu::DecrAndReturn(e.lru, lfu::Minutes(now_ms), decay_time)));
        }
        w.Byte(ObjectTypeId(e.value));
        w.String(key);
        SaveObjectBody(w, e.value);
        w.MaybeFlush();
      });
    }
  }
  w.Byte(rdbop::kEof);
  const uint64_t crc = w.Crc();
  w.U64LE(crc);
  return w.Flush();
}

}  // namespace

// Writes `path` through a temp file in its directory: body(w) writes through w, then the file
// is fsynced and renamed over `path`, and the directory fsynced.
static bool WriteFileAtomically(const std::string& path,
                                const std::function<bool(RdbWriter&)>& body, std::string* err) {
  const std::string tmp = DirOf(path) + "/temp-" + std::to_string(::getpid()) + ".rdb";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = Errno("Failed opening the temp RDB file " + tmp);
    return false;
  }
  std::string write_err;
  RdbWriter w([&](std::string_view chunk) {
    while (!chunk.empty()) {
      ssize_t n = ::write(fd, chunk.data(), chunk.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        write_err = Errno("Write error saving DB on disk");
        return false;
      }
      chunk.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  });
  bool ok = body(w);
  if (ok && ::fsync(fd) != 0) {
    ok = false;
    write_err = Errno("fsync of the temp RDB file failed");
  }
  if (::close(fd) != 0 && ok) {
    ok = false;
    write_err = Errno("close of the temp RDB file failed");
  }
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    write_err = Errno("Error moving temp DB file " + tmp + " on the final destination " + path);
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    *err = write_err.empty() ? "Write error saving DB on disk" : write_err;
    return false;
  }
  // Make the rename durable too.
  int dfd = ::open(DirOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return true;
}

bool SaveRdbFile(Engine& engine, const std::string& path, int64_t now_ms, const SaveOptions& opts,
                 std::string* err) {
  return WriteFileAtomically(
      path, [&](RdbWriter& w) { return WriteBody(engine, w, now_ms, opts); }, err);
}

bool SaveAofCommandsFile(Engine& engine, const std::string& path, int64_t now_ms,
                         const std::vector<std::string>& function_libraries, std::string* err) {
  return WriteFileAtomically(
      path,
      [&](RdbWriter& w) {
        std::string& out = w.buffer();
        for (const std::string& code : function_libraries) {
          std::string_view argv[] = {"FUNCTION", "LOAD", code};
          AppendAofCommand(&out, argv);
        }
        std::string payload;
        char ttl[24];
        for (int db = 0; db < engine.db_count(); ++db) {
          if (engine.DbSize(db) == 0) continue;
          AppendAofSelect(&out, db);
          for (size_t s = 0; s < engine.shard_count(); ++s) {
            DbTable& t = engine.shard(s).dbs[db];
            t.table.ForEach([&](std::string_view key, Entry& e) {
              if (!w.ok()) return;
              if (e.expire_ms != 0 && e.expire_ms <= now_ms) return;
              payload = CreateDumpPayload(e.value);
              auto [end, ec] = std::to_chars(ttl, ttl + sizeof(ttl), e.expire_ms);
              std::string_view ttl_text(ttl, static_cast<size_t>(end - ttl));
              if (e.expire_ms != 0) {
                std::string_view argv[] = {"RESTORE", key, ttl_text, payload, "ABSTTL"};
                AppendAofCommand(&out, argv);
              } else {
                std::string_view argv[] = {"RESTORE", key, "0", payload};
                AppendAofCommand(&out, argv);
              }
              w.MaybeFlush();
            });
          }
        }
        return w.Flush();
      },
      err);
}

bool LoadRdbFile(Engine& engine, const std::string& path, int64_t now_ms, LoadStats* stats,
                 bool* missing, std::string* err, bool merge) {
  *missing = false;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    if (errno == ENOENT) {
      *missing = true;
      return true;
    }
    *err = Errno("Fatal error loading the DB " + path);
    return false;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, std::fclose);
  struct stat st;
  if (::fstat(::fileno(f), &st) != 0) {
    *err = Errno("Fatal error loading the DB " + path);
    return false;
  }
  RdbReader r(f, static_cast<uint64_t>(st.st_size));
  return LoadRdbStream(engine, r, path, now_ms, stats, err, merge);
}

bool LoadRdbStream(Engine& engine, RdbReader& r, const std::string& path, int64_t now_ms,
                   LoadStats* stats, std::string* err, bool merge) {
  auto fail = [&](const std::string& why) {
    *err = "Bad RDB file " + path + ": " +
           (r.ok() ? why + " at offset " + std::to_string(r.offset()) : r.error());
    return false;
  };

  char magic[9];
  if (!r.Read(magic, 9) || std::memcmp(magic, "REDIS", 5) != 0)
    return fail("wrong signature (not an RDB file)");
  int version = 0;
  for (int i = 5; i < 9; ++i) {
    if (magic[i] < '0' || magic[i] > '9') return fail("wrong signature (not an RDB file)");
    version = version * 10 + (magic[i] - '0');
  }
  if (version < 1 || version > kRdbVersion)
    return fail("can't handle RDB format version " + std::to_string(version));

  int db_index = 0;
  // What the opcodes before a key said about it (-1: nothing), reset after each key.
  int64_t expire_ms = -1;
  int64_t lfu_freq = -1;
  int64_t lru_idle = -1;
  std::string key;
  while (true) {
    uint8_t type;
    if (!r.Byte(&type)) return fail("short read");
    switch (type) {
      case rdbop::kExpireTime: {
        uint32_t secs;
        if (!r.U32LE(&secs)) return fail("short read");
        expire_ms = static_cast<int64_t>(secs) * 1000;
        continue;
      }
      case rdbop::kExpireTimeMs: {
        uint64_t ms;
        if (!r.U64LE(&ms)) return fail("short read");
        expire_ms = static_cast<int64_t>(ms);
        continue;
      }
      case rdbop::kFreq: {
        uint8_t freq;
        if (!r.Byte(&freq)) return fail("short read");
        lfu_freq = freq;
        continue;
      }
      case rdbop::kIdle: {
        uint64_t idle;
        if (!r.Len(&idle)) return fail("short read");
        lru_idle = static_cast<int64_t>(std::min<uint64_t>(idle, INT64_MAX));
        continue;
      }
      case rdbop::kEof: {
        const uint64_t computed = r.Crc();
        if (version >= 5) {
          uint64_t stored;
          if (!r.U64LE(&stored)) return fail("short read (checksum)");
          // 0: the file was written with rdbchecksum no.
          if (stored != 0 && stored != computed) {
            char buf[96];
            std::snprintf(buf, sizeof(buf), "wrong RDB checksum expected: (%llx) got (%llx)",
                          static_cast<unsigned long long>(stored),
                          static_cast<unsigned long long>(computed));
            return fail(buf);
          }
        }
        return true;
      }
      case rdbop::kSelectDb: {
        uint64_t db;
        if (!r.Len(&db)) return fail("short read");
        if (db >= static_cast<uint64_t>(engine.db_count()))
          return fail("the file uses database " + std::to_string(db) + " but only " +
                      std::to_string(engine.db_count()) + " are configured");
        db_index = static_cast<int>(db);
        continue;
      }
      case rdbop::kResizeDb: {
        uint64_t a, b;
        if (!r.Len(&a) || !r.Len(&b)) return fail("short read");
        continue;
      }
      case rdbop::kAux: {
        std::string k, v;
        if (!r.String(&k) || !r.String(&v)) return fail("short read");
        continue;
      }
      case rdbop::kModuleAux:
        return fail("module data is not supported");
      case rdbop::kFunction:
        return fail("pre-release function format not supported");
      case rdbop::kFunction2: {
        std::string code;
        if (!r.String(&code)) return fail("short read");
        stats->function_libraries.push_back(std::move(code));
        continue;
      }
      default:
        break;
    }
    // A key/value pair of value type `type`.
    if (!r.String(&key)) return fail("short read");
    Value value;
    if (!LoadObject(r, type, &value)) return fail("bad value of key '" + key + "'");
    const int64_t when = expire_ms;
    const int64_t freq = lfu_freq, idle = lru_idle;
    expire_ms = lfu_freq = lru_idle = -1;
    if (when != -1 && when <= now_ms) {
      ++stats->keys_expired;
      continue;
    }
    Db db(engine, db_index, now_ms);
    auto [e, inserted] = db.FindOrInsert(key);
    if (!inserted && !merge) return fail("duplicate key '" + key + "'");
    if (!inserted) db.SetExpire(e, 0);  // merged over an existing key: its TTL goes with it
    e->value = std::move(value);
    if (when != -1) db.SetExpire(e, when);
    // Redis's objectSetLRUOrLFU, as the policy in force interprets the hints.
    engine.SetAccessHint(e, freq, idle, now_ms);
    db.AfterWrite(e);
    ++stats->keys_loaded;
    if (int64_t delay = RdbSettings::key_load_delay_us.load(std::memory_order_relaxed); delay > 0)
      std::this_thread::sleep_for(std::chrono::microseconds(delay));
  }
}

}  // namespace fincache::persist
