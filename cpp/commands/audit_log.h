// AuditLog: the compliance trail of `audit-log <file>`: one JSON object per line for every write
// command that ran and every authentication attempt (AUTH, HELLO ... AUTH):
//
//   {"time":"2026-12-04T17:40:00.123456Z","event":"command","client":"127.0.0.1:50000",
//    "user":"default","db":0,"command":"set","key":"k","keys":["k"],"ok":true}
//   {"time":"...","event":"auth","client":"127.0.0.1:50000","user":"default","command":"auth",
//    "ok":false}
//
// Argument values are left out unless `audit-log-values yes` adds "args" (the arguments after
// the command name; AUTH's password never). Strings are JSON-escaped byte by byte: bytes outside
// printable ASCII are written as \u00XX (the byte's value), so any key gives valid JSON.
//
// Cost on the command path: one relaxed load when off; when on, the line is formatted by the
// caller and appended to a buffer under a mutex; a writer thread writes the buffer to the file.
// Nothing is dropped: past 64 MiB of unwritten lines, writers wait for the file to catch up.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "commands/command_registry.h"

namespace fincache {

class AuditLog {
 public:
  static constexpr size_t kMaxPending = 64 * 1024 * 1024;

  AuditLog() = default;
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Starts appending to `path` ("" stops; pending lines are written first). "" or the error.
  std::string Open(const std::string& path);
  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }
  std::atomic<bool> with_values{false};

  // A write command that ran (ok: no error reply). keys: argv indexes of its keys.
  void Command(int64_t now_us, std::string_view client, std::string_view user, int db,
               std::string_view command, CmdArgList args, const KeyIndexes& keys, bool ok);
  // An authentication attempt as `user`.
  void Auth(int64_t now_us, std::string_view client, std::string_view user,
            std::string_view command, bool ok);
  // Waits until every line logged so far is written (tests, shutdown).
  void Flush();
  static std::string FormatTime(int64_t now_us);

 private:
  void Append(const std::string& line);
  void WriterLoop();
  void StopWriter();

  std::atomic<bool> enabled_{false};
  std::mutex mu_;
  std::condition_variable wake_;     // the writer: lines or stop
  std::condition_variable drained_;  // producers and Flush: the buffer was taken and written
  std::string pending_;
  uint64_t appended_ = 0, written_ = 0;  // lines, for Flush
  bool stop_ = false;
  int fd_ = -1;
  std::thread writer_;
};

}  // namespace fincache
