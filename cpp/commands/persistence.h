// Persistence: RDB snapshots of one ServerState's engine (SAVE, BGSAVE, `save` points, the file
// loaded at start), and the state INFO persistence and LASTSAVE report.
//
// BGSAVE forks: the parent takes the exclusive gate (no command, script or active-expiry pass is
// halfway through a change), forks, and goes on serving at once; the child writes the snapshot
// from its copy-on-write view of memory with persist::SaveRdbFile and _exits. The memory price
// is Redis's: every page the parent writes while the child runs gets copied, so a write-heavy
// load during a long BGSAVE can need up to the dataset's size again. A cron thread (10 Hz)
// reaps the child (only the cron does, as Redis's serverCron: a BGSAVE shows as in progress
// until then), starts a BGSAVE scheduled by EXEC and checks the `save <seconds> <changes>` points
// against the change counter (ServerState::dirty).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "persist/snapshot.h"

namespace fincache {

class ServerState;

class Persistence {
 public:
  explicit Persistence(ServerState& state);
  ~Persistence();  // stops the cron thread, waits for a running child

  // dir + "/" + dbfilename.
  std::string RdbPath() const;

  // What a snapshot file carries besides the keys: aux fields and the function libraries.
  persist::SaveOptions SnapshotOptions() const;

  // Loads the snapshot file, if there is one, into the (empty) engine. "" or the error, which
  // the caller must treat as fatal (never start empty over a bad file).
  std::string LoadAtStartup();

  // SAVE; the caller holds the exclusive gate. "" or the error reply (Redis's); *detail (if
  // given) gets the cause of a failure.
  std::string Save(std::string* detail = nullptr);
  enum class BgResult { kStarted, kInProgress, kFailed };
  // BGSAVE; the caller holds the exclusive gate.
  BgResult BgSave();
  // BGSAVE inside EXEC: Redis defers the fork to its cron; so does FinCache's.
  void ScheduleBgSave();

  // Waits for a running BGSAVE child to finish and records its outcome (tests, shutdown).
  void WaitForBgsave();

  // Starts the cron thread (save points, child reaping); idempotent.
  void StartCron();

  // ---- INFO persistence / LASTSAVE ----
  int64_t lastsave_s() const { return lastsave_s_.load(); }
  bool bgsave_in_progress() const { return child_pid_.load() > 0; }
  bool last_bgsave_ok() const { return last_bgsave_ok_.load(); }
  int64_t last_bgsave_time_sec() const { return last_bgsave_time_sec_.load(); }
  int64_t current_bgsave_time_sec() const;
  uint64_t rdb_saves() const { return rdb_saves_.load(); }
  uint64_t last_load_keys_loaded() const { return last_load_loaded_.load(); }
  uint64_t last_load_keys_expired() const { return last_load_expired_.load(); }

  // Parses a `save` setting ("3600 1 300 100", or "" for none); false if malformed.
  static bool ParseSavePoints(const std::string& text,
                              std::vector<std::pair<int64_t, int64_t>>* out);

 private:
  void CronLoop();
  // Reaps a finished child (block: wait for it). Caller holds mu_.
  void ReapChild(bool block);
  BgResult StartChild();  // exclusive gate held, mu_ held, no child running
  int64_t NowMs() const;

  ServerState& state_;
  std::mutex mu_;  // serializes BGSAVE start/reap and the cron
  std::atomic<pid_t> child_pid_{0};
  std::atomic<int64_t> lastsave_s_;
  std::atomic<bool> last_bgsave_ok_{true};
  std::atomic<int64_t> last_bgsave_time_sec_{-1};
  std::atomic<int64_t> child_start_ms_{0};
  std::atomic<uint64_t> rdb_saves_{0};
  std::atomic<uint64_t> last_load_loaded_{0};
  std::atomic<uint64_t> last_load_expired_{0};
  uint64_t dirty_before_bgsave_ = 0;
  int64_t last_bgsave_try_ms_ = 0;
  bool bgsave_scheduled_ = false;  // guarded by mu_

  std::thread cron_;
  std::mutex cron_mu_;
  std::condition_variable cron_cv_;
  bool stopping_ = false;
};

// SHUTDOWN's options (and the SIGTERM path's: none).
enum ShutdownFlags : unsigned {
  kShutdownNoSave = 1,
  kShutdownSave = 2,
  kShutdownNow = 4,
  kShutdownForce = 8,
};
// Redis's prepareForShutdown, shared by SHUTDOWN and SIGTERM: waits for a BGSAVE, kills an AOF
// rewrite, writes and fsyncs the AOF, and saves the RDB file when save points are configured
// (unless NOSAVE) or SAVE asks. False (logged) when the save failed without FORCE: the server
// must go on. The caller holds the exclusive gate, unless a busy script holds it (NOSAVE only).
bool PrepareForShutdown(ServerState& server, unsigned flags);

}  // namespace fincache
