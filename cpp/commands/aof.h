// The append-only file of one ServerState: Redis 7.0's multi-part AOF (persist/aof.h for the
// format) in `dir/appenddirname`.
//
// Recording. AppendOnly is the engine's effect sink (commands/propagation.h) while appendonly is
// on: each effect is encoded (SELECT when the database changes, MULTI/EXEC around a batch of
// several, "#TS:" annotations with aof-timestamp-enabled) into a buffer, under the locks of the
// keys it names, so the file holds the effects of one key in the order they happened. The
// buffer is written to the current incr file before any reply leaves the server (the network
// front door and the embedded API call BeforeReply after each batch of commands), and, with
// appendfsync always, fsynced too: a client never sees an acknowledgement of a write that a
// crash could lose. Concurrent callers share a write and an fsync (group commit, tracked by
// sequence numbers). everysec: a background thread fsyncs once a second; no: the OS decides.
//
// Rewrite (BGREWRITEAOF, auto-aof-rewrite-*, CONFIG SET appendonly yes): under the exclusive
// gate the pending bytes go to the old incr file, a new incr file is opened (and listed in the
// manifest) for what follows, and a child forked: it writes the new base from its copy of memory
// (an RDB with aof-use-rdb-preamble yes, else RESTORE commands). When it succeeded, the base is
// renamed into place and a new manifest (new base + the incr files opened since the rewrite
// started) is written to a temp file and renamed over the old one; the files it no longer lists
// are deleted. A crash at any point leaves a manifest that lists a complete set of files.
//
// Loading (appendonly yes at start, which then ignores the RDB file, as Redis): the base (RDB
// preamble or commands) then every incr file, replayed through the dispatcher with the engine in
// loading mode (no expiry). A truncated last file is cut at its last complete command (before
// an unfinished MULTI) when aof-load-truncated is yes, else the start fails; any other damage
// fails the start with Redis's messages.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "commands/propagation.h"
#include "persist/aof.h"

namespace fincache {

class ServerState;

class AppendOnly final : public BatchSink {
 public:
  explicit AppendOnly(ServerState& state);
  ~AppendOnly() override;  // stops the thread, flushes, waits for a rewrite child

  // dir/appenddirname.
  std::string DirPath() const;

  // At start with appendonly yes: loads the files the manifest lists, creates a base when there
  // is none (an empty dataset) and opens the last incr file (a new one when there is none); from
  // then on effects are recorded. "" or the fatal error.
  std::string LoadAndStart();
  // Starts the background thread (fsync everysec, rewrite child reaping, scheduled and automatic
  // rewrites, CONFIG SET appendonly) and follows CONFIG SET appendonly. Call once, after loading.
  void StartCron();

  // ---- EffectSink ----
  void Feed(int db, std::span<const std::string_view> argv) override;
  void FeedBatch(std::string_view encoded, std::span<const BatchedEffect> effects) override;

  // Before replies leave: writes what was recorded (and with appendfsync always fsyncs it). One
  // atomic load when nothing is pending.
  void BeforeReply() {
    const uint64_t appended = appended_seq_.load(std::memory_order_acquire);
    if (appended == 0) return;
    const uint64_t done = fsync_always_.load(std::memory_order_relaxed)
                              ? synced_seq_.load(std::memory_order_acquire)
                              : written_seq_.load(std::memory_order_acquire);
    if (done < appended) WriteOut(fsync_always_.load(std::memory_order_relaxed), appended);
  }

  // BGREWRITEAOF. The caller holds the exclusive gate.
  enum class RewriteResult { kStarted, kScheduled, kInProgress, kFailed };
  RewriteResult BgRewrite();
  // BGREWRITEAOF inside EXEC: the cron starts it.
  void ScheduleRewrite() { rewrite_scheduled_ = true; }
  bool rewrite_in_progress() const { return child_pid_.load() > 0; }

  // Shutdown (SHUTDOWN, SIGTERM, an embedded cache closing): writes and fsyncs what is pending;
  // kills a rewrite child (its temp file is removed). Effects are no longer recorded after.
  void Shutdown(bool log = false);
  // The fsync at shutdown, without stopping: SHUTDOWN ABORT may follow a failed save.
  void FlushAndSync();

  // ---- INFO persistence ----
  // appendonly as last set (a CONFIG SET the cron has not applied yet counts), as INFO shows it.
  bool enabled() const {
    return enable_pending_.load() ? desired_on_.load() : state_code_.load() != kOff;
  }
  // A rewrite waits to start (turning the AOF on counts until the cron starts its rewrite).
  bool rewrite_scheduled() const {
    return rewrite_scheduled_.load() ||
           (enable_pending_.load() && desired_on_.load() && state_code_.load() == kOff);
  }
  int64_t last_rewrite_time_sec() const { return last_rewrite_time_sec_.load(); }
  int64_t current_rewrite_time_sec() const;
  bool last_rewrite_ok() const { return last_rewrite_ok_.load(); }
  uint64_t rewrites() const { return rewrites_.load(); }
  uint64_t rewrites_consecutive_failures() const { return consecutive_failures_.load(); }
  bool last_write_ok() const { return last_write_ok_.load(); }
  int64_t current_size() const { return current_size_.load(); }
  int64_t base_size() const { return base_size_.load(); }
  size_t buffer_length() const { return pending_bytes_.load(); }
  uint64_t delayed_fsync() const { return delayed_fsync_.load(); }
  // Keys loaded from the AOF at start (and how many were expired on load), for the log.
  uint64_t loaded_commands() const { return loaded_commands_; }

 private:
  enum StateCode { kOff = 0, kOn = 1, kWaitRewrite = 2 };

  void CronLoop();
  void Cron();
  // Writes the buffer (up to at least `target`), fsyncs when asked. Takes io_mu_.
  void WriteOut(bool fsync, uint64_t target);
  void WriteOutLocked(bool fsync);  // io_mu_ held
  // Appends one encoded effect; buf_mu_ held.
  void AppendLocked(int db, std::string_view encoded);
  void MaybeTimestampLocked();

  // Rewrite machinery (io_mu_ held where noted).
  RewriteResult StartRewriteLocked();  // exclusive gate + io_mu_
  void ReapChild(bool block);          // io_mu_ held
  bool PersistManifest(const persist::AofManifest& m, std::string* err);
  // Reads dir/appenddirname's manifest (an empty one when there is none).
  bool ReadManifest(persist::AofManifest* m, std::string* err);
  bool OpenIncr(int64_t seq, std::string* err);  // io_mu_ held; the new incr becomes current
  void DeleteHistory();                          // io_mu_ held
  std::string FilePath(const std::string& name) const;

  // Loading.
  std::string LoadFiles(bool* any_data);
  std::string LoadOneFile(const std::string& name, bool last, bool* had_data);

  // CONFIG SET appendonly yes/no at runtime (from the cron thread, exclusive gate taken there).
  // Idempotent: brings the AOF to `on` from whatever state it is in.
  void ApplyEnable(bool on);
  void StopLocked();  // exclusive gate + io_mu_: the AOF off, a rewrite child killed

  ServerState& state_;

  std::mutex buf_mu_;  // buf_, selected_db_, last_ts_
  std::string buf_;
  int selected_db_ = -1;
  int64_t last_ts_ = 0;
  std::atomic<uint64_t> appended_seq_{0};  // effects appended (guarded by buf_mu_ for writes)
  std::atomic<uint64_t> written_seq_{0};   // effects written to the file
  std::atomic<uint64_t> synced_seq_{0};    // effects fsynced
  std::atomic<size_t> pending_bytes_{0};
  std::atomic<bool> fsync_always_{false};
  std::atomic<bool> aof_timestamps_{false};  // aof-timestamp-enabled

  std::mutex io_mu_;  // fd_, manifest_, the child and the rewrite state
  int fd_ = -1;
  persist::AofManifest manifest_;
  std::string out_;  // bytes being written (swapped out of buf_)
  int64_t last_fsync_ms_ = 0;
  bool unsynced_ = false;  // written since the last fsync
  int64_t rewrite_first_incr_seq_ = 0;
  std::string child_temp_;
  bool child_rdb_ = true;
  std::atomic<pid_t> child_pid_{0};
  std::atomic<int64_t> child_start_ms_{0};

  std::atomic<int> state_code_{kOff};
  // CONFIG SET appendonly: the value last set, and whether the cron has yet to apply it. The
  // cron brings the state to the last value whatever happened in between (yes, no, yes).
  std::atomic<bool> desired_on_{false};
  std::atomic<bool> enable_pending_{false};
  bool child_enables_ = false;  // the running rewrite is the one turning the AOF on
  std::atomic<bool> rewrite_scheduled_{false};
  std::atomic<bool> last_rewrite_ok_{true};
  std::atomic<int64_t> last_rewrite_time_sec_{-1};
  std::atomic<uint64_t> rewrites_{0};
  std::atomic<uint64_t> consecutive_failures_{0};
  std::atomic<bool> last_write_ok_{true};
  std::atomic<int64_t> current_size_{0};
  std::atomic<int64_t> base_size_{0};
  std::atomic<uint64_t> delayed_fsync_{0};
  uint64_t loaded_commands_ = 0;
  int64_t last_auto_attempt_ms_ = 0;

  std::thread cron_;
  std::mutex cron_mu_;
  std::condition_variable cron_cv_;
  bool stopping_ = false;
};

// Redis's loadDataFromDisk: with appendonly yes the AOF (and never the RDB file), else the RDB
// file when load_rdb; then the persistence crons start. "" or the fatal error (never start
// empty over files that could not be read).
std::string LoadDataFromDisk(ServerState& state, bool load_rdb);

}  // namespace fincache
