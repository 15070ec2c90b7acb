#include "commands/aof.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "commands/dispatcher.h"
#include "commands/multi_family.h"
#include "commands/persistence.h"
#include "commands/server_family.h"
#include "commands/server_state.h"
#include "common/log_hook.h"
#include "common/strings.h"
#include "persist/aof_load.h"
#include "persist/child.h"
#include "persist/rdb.h"
#include "persist/snapshot.h"
#include "protocol/reply_builder.h"
#include "script/script_engine.h"

namespace fincache {

namespace {

void Notice(const std::string& m) { LogThroughHook(LogSeverity::kNotice, m); }
void Warning(const std::string& m) { LogThroughHook(LogSeverity::kWarning, m); }
std::string ErrnoText() { return std::strerror(errno); }

bool WriteAll(int fd, std::string_view data, size_t* written) {
  *written = 0;
  while (*written < data.size()) {
    ssize_t n = ::write(fd, data.data() + *written, data.size() - *written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    *written += static_cast<size_t>(n);
  }
  return true;
}

void FsyncDir(const std::string& dir) {
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

int64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

// Effects of a batch of several are one transaction in the file.
constexpr std::string_view kMulti = "*1\r\n$5\r\nMULTI\r\n";
constexpr std::string_view kExec = "*1\r\n$4\r\nEXEC\r\n";

const char* kCheckAofHint =
    "make a backup of your AOF file, then use ./redis-check-aof --fix "
    "<filename.manifest>";

}  // namespace

AppendOnly::AppendOnly(ServerState& state) : state_(state) {
  state_.config().AddListener("appendfsync", [this](const std::string& v) {
    fsync_always_.store(v == "always", std::memory_order_relaxed);
  });
}

AppendOnly::~AppendOnly() {
  {
    std::lock_guard<std::mutex> lk(cron_mu_);
    stopping_ = true;
  }
  cron_cv_.notify_all();
  if (cron_.joinable()) cron_.join();
  {
    ExecGate::Exclusive excl(state_.engine().gate());
    if (state_.engine().effect_sink() == this) state_.engine().set_effect_sink(nullptr);
  }
  Shutdown();
  std::lock_guard<std::mutex> io(io_mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string AppendOnly::DirPath() const {
  std::string dir = state_.config().Get("dir").value_or(".");
  if (dir.empty()) dir = ".";
  return dir + "/" + state_.config().Get("appenddirname").value_or("appendonlydir");
}

std::string AppendOnly::FilePath(const std::string& name) const { return DirPath() + "/" + name; }

// ============================================================================================
// Recording
// ============================================================================================

void AppendOnly::MaybeTimestampLocked() {
  const int64_t now_s = state_.engine().clock().NowMs() / 1000;
  if (now_s <= last_ts_) return;
  last_ts_ = now_s;
  buf_ += "#TS:" + std::to_string(now_s) + "\r\n";
}

void AppendOnly::AppendLocked(int db, std::string_view encoded) {
  if (selected_db_ != db) {
    persist::AppendAofSelect(&buf_, db);
    selected_db_ = db;
  }
  buf_.append(encoded);
}

void AppendOnly::Feed(int db, std::span<const std::string_view> argv) {
  if (PropagationBatch* batch = PropagationBatch::Current()) return batch->Add(db, argv);
  std::lock_guard<std::mutex> lk(buf_mu_);
  if (aof_timestamps_.load(std::memory_order_relaxed)) MaybeTimestampLocked();
  if (selected_db_ != db) {
    persist::AppendAofSelect(&buf_, db);
    selected_db_ = db;
  }
  persist::AppendAofCommand(&buf_, argv);
  pending_bytes_.store(buf_.size(), std::memory_order_relaxed);
  appended_seq_.fetch_add(1, std::memory_order_release);
}

void AppendOnly::FeedBatch(std::string_view encoded, std::span<const BatchedEffect> effects) {
  if (effects.empty()) return;
  std::lock_guard<std::mutex> lk(buf_mu_);
  if (aof_timestamps_.load(std::memory_order_relaxed)) MaybeTimestampLocked();
  auto slice = [&](const BatchedEffect& e) { return encoded.substr(e.begin, e.end - e.begin); };
  if (effects.size() == 1) {
    AppendLocked(effects[0].db, slice(effects[0]));
  } else {
    AppendLocked(effects[0].db, kMulti);
    for (const auto& e : effects) AppendLocked(e.db, slice(e));
    buf_.append(kExec);
  }
  pending_bytes_.store(buf_.size(), std::memory_order_relaxed);
  appended_seq_.fetch_add(1, std::memory_order_release);
}

void AppendOnly::WriteOut(bool fsync, uint64_t target) {
  std::lock_guard<std::mutex> io(io_mu_);
  const uint64_t done = fsync ? synced_seq_.load() : written_seq_.load();
  if (done >= target) return;  // someone else's write covered it meanwhile
  WriteOutLocked(fsync);
}

void AppendOnly::WriteOutLocked(bool fsync) {
  uint64_t seq;
  {
    std::lock_guard<std::mutex> lk(buf_mu_);
    if (out_.empty()) {
      out_.swap(buf_);
    } else {
      out_.append(buf_);
      buf_.clear();
    }
    seq = appended_seq_.load();
    pending_bytes_.store(0, std::memory_order_relaxed);
  }
  if (fd_ < 0) {  // not recording into a file (stopped): nothing to keep
    out_.clear();
    written_seq_.store(seq, std::memory_order_release);
    synced_seq_.store(seq, std::memory_order_release);
    return;
  }
  if (!out_.empty()) {
    size_t n = 0;
    const bool ok = WriteAll(fd_, out_, &n);
    current_size_.fetch_add(static_cast<int64_t>(n));
    if (!ok) {
      const std::string why = ErrnoText();
      out_.erase(0, n);  // retried by the next write
      if (last_write_ok_.exchange(false)) Warning("Error writing to the AOF file: " + why);
      if (fsync_always_.load()) {
        // As Redis: an acknowledged write that may not be on disk is worse than stopping.
        Warning(
            "Can't recover from AOF write error when the AOF fsync policy is 'always'. "
            "Exiting...");
        std::_Exit(1);
      }
      return;
    }
    if (!last_write_ok_.exchange(true))
      Notice("AOF write error looks solved. Redis can write again.");
    out_.clear();
    if (out_.capacity() > (1u << 22)) std::string().swap(out_);
    unsynced_ = true;
  }
  written_seq_.store(seq, std::memory_order_release);
  if (fsync) {
    const bool skip = child_pid_.load() > 0 &&
                      state_.config().Get("no-appendfsync-on-rewrite").value_or("no") == "yes";
    if (unsynced_ && !skip) {
      if (::fdatasync(fd_) != 0) {
        Warning("Can't persist the AOF to disk (fdatasync): " + ErrnoText());
        if (fsync_always_.load()) std::_Exit(1);
        return;
      }
      unsynced_ = false;
    }
    last_fsync_ms_ = state_.engine().clock().NowMs();
    synced_seq_.store(seq, std::memory_order_release);
  }
}

void AppendOnly::FlushAndSync() {
  std::lock_guard<std::mutex> io(io_mu_);
  WriteOutLocked(true);
}

void AppendOnly::Shutdown(bool log) {
  std::lock_guard<std::mutex> io(io_mu_);
  if (const pid_t pid = child_pid_.load(); pid > 0) {
    ::kill(pid, SIGUSR1);
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ::unlink(child_temp_.c_str());
    child_pid_ = 0;
    if (log) Warning("There is a child rewriting the AOF. Killing it!");
  }
  if (fd_ >= 0) {
    if (log) Notice("Calling fsync() on the AOF file.");
    WriteOutLocked(true);
  }
}

// ============================================================================================
// Manifest and files
// ============================================================================================

bool AppendOnly::PersistManifest(const persist::AofManifest& m, std::string* err) {
  const std::string fname = state_.config().Get("appendfilename").value_or("appendonly.aof");
  const std::string path = FilePath(persist::AofManifestName(fname));
  const std::string tmp = FilePath("temp-" + persist::AofManifestName(fname));
  const std::string text = persist::FormatAofManifest(m);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = "Can't open the AOF manifest file " + tmp + ": " + ErrnoText();
    return false;
  }
  size_t n;
  bool ok = WriteAll(fd, text, &n) && ::fsync(fd) == 0;
  if (!ok) *err = "Can't write the AOF manifest file " + tmp + ": " + ErrnoText();
  ::close(fd);
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    *err = "Error trying to rename the temporary AOF manifest file " + tmp + " into " + path +
           ": " + ErrnoText();
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return false;
  }
  FsyncDir(DirPath());
  return true;
}

bool AppendOnly::OpenIncr(int64_t seq, std::string* err) {
  const std::string fname = state_.config().Get("appendfilename").value_or("appendonly.aof");
  const std::string name = persist::AofIncrName(fname, seq);
  int fd = ::open(FilePath(name).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = "Can't open the append-only file " + name + ": " + ErrnoText();
    return false;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  manifest_.incrs.push_back({name, seq, persist::AofFileType::kIncr});
  manifest_.curr_incr_seq = seq;
  {
    std::lock_guard<std::mutex> lk(buf_mu_);
    selected_db_ = -1;  // each file states its database first
    last_ts_ = 0;
  }
  return true;
}

void AppendOnly::DeleteHistory() {
  for (const auto& f : manifest_.history) ::unlink(FilePath(f.name).c_str());
  manifest_.history.clear();
}

// ============================================================================================
// Loading
// ============================================================================================

namespace {

// Replays an AOF's commands through the dispatcher (replies go nowhere) as Redis's fake client.
class DispatchReplayer final : public persist::AofReplayer {
 public:
  DispatchReplayer(ServerState& state, const std::string& name) : state_(state), name_(name) {
    session_.authenticated = true;
  }
  ~DispatchReplayer() override {
    if (session_.in_multi) DiscardTransaction(session_, state_.engine());
  }

  std::string Preamble(const persist::LoadStats& stats) override {
    std::string err;
    if (!stats.function_libraries.empty() &&
        !state_.scripts().FunctionRestore(stats.function_libraries,
                                          script::ScriptEngine::RestorePolicy::kAppend, &err))
      return "Bad file format reading the append only file " + name_ +
             ": failed loading a function library: " + err;
    return "";
  }
  std::string Command(std::span<const std::string_view> argv) override {
    if (!state_.registry().Find(argv[0]))
      return "Unknown command '" + std::string(argv[0]) + "' reading the append only file " + name_;
    dispatcher_.Dispatch(argv, session_, rb_);
    out_.clear();
    return "";
  }
  void DiscardMulti() override {
    if (session_.in_multi) DiscardTransaction(session_, state_.engine());
  }

 private:
  ServerState& state_;
  const std::string& name_;
  Dispatcher dispatcher_{state_};
  Session session_;
  std::string out_;
  protocol::RespWriter rb_{&out_};
};

}  // namespace

std::string AppendOnly::LoadOneFile(const std::string& name, bool last, bool* had_data) {
  const std::string path = FilePath(name);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return "The AOF file " + name + " doesn't exist";
    return "Fatal error: can't open the append log file " + name + " for reading: " + ErrnoText();
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return "Unable to obtain the AOF file " + name + " length. stat: " + ErrnoText();
  }
  const size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return "";
  }
  *had_data = true;
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return "Can't map the AOF file " + name + ": " + ErrnoText();
  struct Unmap {
    void* p;
    size_t n;
    ~Unmap() { ::munmap(p, n); }
  } unmap{map, size};
  const std::string_view data(static_cast<const char*>(map), size);
  Engine& engine = state_.engine();

  persist::AofLoadResult res;
  {
    DispatchReplayer replayer(state_, name);
    res = persist::LoadAofBytes(engine, data, name, engine.clock().NowMs(), replayer);
  }
  loaded_commands_ += res.commands;
  using LoadStatus = persist::AofLoadResult::Status;
  switch (res.status) {
    case LoadStatus::kOk:
      return "";
    case LoadStatus::kRdbError:
      return "Bad file format reading the append only file " + name + ": " + res.error;
    case LoadStatus::kStopped:
      return res.error;
    case LoadStatus::kBadFormat:
      return "Bad file format reading the append only file " + name + ": " + kCheckAofHint + " (" +
             res.error + " at offset " + std::to_string(res.error_offset) + ")";
    case LoadStatus::kTruncated:
      break;
  }
  if (res.reverted_multi) Warning("Revert incomplete MULTI/EXEC transaction in AOF file " + name);
  if (!last)
    return "Unexpected end of file reading the append only file " + name +
           ", which is not the last file of the AOF: " + kCheckAofHint;
  if (state_.config().Get("aof-load-truncated").value_or("yes") != "yes")
    return "Unexpected end of file reading the append only file " + name +
           ". You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix "
           "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' "
           "configuration option to yes and restart the server.";
  const size_t cut = res.valid_up_to;
  Warning("!!! Warning: short read while loading the AOF file " + name + "!!!");
  Warning("!!! Truncating the AOF " + name + " at offset " + std::to_string(cut) + " !!!");
  if (::truncate(path.c_str(), static_cast<off_t>(cut)) != 0)
    return "Error truncating the AOF file " + name + ": " + ErrnoText();
  Warning("AOF " + name + " loaded anyway because aof-load-truncated is enabled");
  return "";
}

std::string AppendOnly::LoadFiles(bool* any_data) {
  std::vector<std::string> names;
  if (manifest_.has_base) names.push_back(manifest_.base.name);
  for (const auto& f : manifest_.incrs) names.push_back(f.name);
  for (size_t i = 0; i < names.size(); ++i) {
    bool had = false;
    std::string err = LoadOneFile(names[i], i + 1 == names.size(), &had);
    if (!err.empty()) return err;
    *any_data = *any_data || had;
  }
  return "";
}

std::string AppendOnly::LoadAndStart() {
  std::lock_guard<std::mutex> io(io_mu_);
  const std::string dir = DirPath();
  const std::string fname = state_.config().Get("appendfilename").value_or("appendonly.aof");
  Engine& engine = state_.engine();

  // The manifest, when there is one.
  {
    std::string err;
    if (!ReadManifest(&manifest_, &err)) return err;
  }

  bool any_data = false;
  if (manifest_.has_base || !manifest_.incrs.empty()) {
    auto t0 = std::chrono::steady_clock::now();
    engine.set_loading(true);
    std::string err = LoadFiles(&any_data);
    engine.set_loading(false);
    if (!err.empty()) return err;
    state_.ResetStats();
    state_.dirty.store(0);
    if (any_data) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.3f",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      Notice(std::string("DB loaded from append only file: ") + buf + " seconds");
    }
  }

  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return "Can't open or create append-only dir " + dir + ": " + ErrnoText();
  std::string err;
  if (!manifest_.has_base && manifest_.incrs.empty()) {
    // An empty dataset: a base of it, as Redis creates on start.
    const bool rdb = state_.config().Get("aof-use-rdb-preamble").value_or("yes") == "yes";
    const int64_t seq = manifest_.curr_base_seq + 1;
    const std::string name = persist::AofBaseName(fname, seq, rdb);
    const int64_t now = engine.clock().NowMs();
    ExecGate::Exclusive excl(engine.gate());
    persist::SaveOptions opts = state_.persistence().SnapshotOptions();
    opts.aof_base = true;
    bool ok = rdb ? persist::SaveRdbFile(engine, FilePath(name), now, opts, &err)
                  : persist::SaveAofCommandsFile(engine, FilePath(name), now,
                                                 opts.function_libraries, &err);
    if (!ok) return "Can't create the AOF base file " + name + ": " + err;
    manifest_.has_base = true;
    manifest_.base = {name, seq, persist::AofFileType::kBase};
    manifest_.curr_base_seq = seq;
    Notice("Creating AOF base file " + name + " on server start");
  }
  if (manifest_.incrs.empty()) {
    if (!OpenIncr(manifest_.curr_incr_seq + 1, &err)) return err;
    Notice("Creating AOF incr file " + manifest_.incrs.back().name + " on server start");
  } else {
    int fd = ::open(FilePath(manifest_.incrs.back().name).c_str(),
                    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return "Can't open the append-only file: " + ErrnoText();
    fd_ = fd;
  }
  // Only the listed files stay: history entries are leftovers of an interrupted cleanup.
  DeleteHistory();
  if (!PersistManifest(manifest_, &err)) return err;
  base_size_ = manifest_.has_base ? FileSize(FilePath(manifest_.base.name)) : 0;
  int64_t total = base_size_.load();
  for (const auto& f : manifest_.incrs) total += FileSize(FilePath(f.name));
  current_size_ = total;
  {
    std::lock_guard<std::mutex> lk(buf_mu_);
    selected_db_ = -1;
  }
  state_code_ = kOn;
  engine.set_effect_sink(this);
  return "";
}

// ============================================================================================
// Rewrite
// ============================================================================================

AppendOnly::RewriteResult AppendOnly::BgRewrite() {
  std::lock_guard<std::mutex> io(io_mu_);
  if (child_pid_.load() > 0) return RewriteResult::kInProgress;
  if (state_.persistence().bgsave_in_progress()) {
    rewrite_scheduled_ = true;
    return RewriteResult::kScheduled;
  }
  if (state_code_.load() == kOff) {
    // The AOF is off: the rewrite supersedes whatever files a previous run left.
    std::string err;
    if (!ReadManifest(&manifest_, &err)) {
      Warning("Can't rewrite the AOF: " + err);
      return RewriteResult::kFailed;
    }
  }
  return StartRewriteLocked();
}

bool AppendOnly::ReadManifest(persist::AofManifest* m, std::string* err) {
  const std::string fname = state_.config().Get("appendfilename").value_or("appendonly.aof");
  const std::string path = FilePath(persist::AofManifestName(fname));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    if (errno == ENOENT) {
      *m = persist::AofManifest{};
      return true;
    }
    *err = "Fatal error: can't open the AOF manifest " + path + " for reading: " + ErrnoText();
    return false;
  }
  std::string text;
  char chunk[4096];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f)) > 0) text.append(chunk, n);
  std::fclose(f);
  if (!persist::ParseAofManifest(text, m, err)) {
    *err += " (AOF manifest " + path + ")";
    return false;
  }
  return true;
}

AppendOnly::RewriteResult AppendOnly::StartRewriteLocked() {
  Engine& engine = state_.engine();
  const std::string dir = DirPath();
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    Warning("Can't open or create append-only dir " + dir + ": " + ErrnoText());
    return RewriteResult::kFailed;
  }
  const int code = state_code_.load();
  if (fd_ >= 0) WriteOutLocked(true);  // the old incr file is complete and on disk
  if (code != kOff) {
    // What follows goes to a new incr file, listed in the manifest before anything is in it
    // (while turning the AOF on, the manifest is written only when the base is done).
    persist::AofManifest before = manifest_;
    const int old_fd = fd_;
    fd_ = -1;  // keep the old one open until the switch is safe
    std::string err;
    if (!OpenIncr(manifest_.curr_incr_seq + 1, &err) ||
        (code == kOn && !PersistManifest(manifest_, &err))) {
      Warning("Can't start the AOF rewrite: " + err);
      if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(FilePath(manifest_.incrs.back().name).c_str());
      }
      manifest_ = before;
      fd_ = old_fd;
      return RewriteResult::kFailed;
    }
    if (old_fd >= 0) ::close(old_fd);
    rewrite_first_incr_seq_ = manifest_.curr_incr_seq;
  } else {
    rewrite_first_incr_seq_ = manifest_.curr_incr_seq + 1;  // every incr file is superseded
  }
  child_enables_ = code == kWaitRewrite;
  child_rdb_ = state_.config().Get("aof-use-rdb-preamble").value_or("yes") == "yes";
  child_temp_ = dir + "/temp-rewriteaof-bg-" + std::to_string(::getpid()) + ".aof";
  const std::string temp = child_temp_;
  const bool rdb = child_rdb_;
  const int64_t now = engine.clock().NowMs();
  persist::SaveOptions opts = state_.persistence().SnapshotOptions();
  opts.aof_base = true;
  const pid_t pid = persist::ForkChild("Background AOF rewrite error: ", [&](std::string* err) {
    return rdb ? persist::SaveRdbFile(engine, temp, now, opts, err)
               : persist::SaveAofCommandsFile(engine, temp, now, opts.function_libraries, err);
  });
  if (pid < 0) {
    Warning("Can't rewrite append only file in background: fork: " + ErrnoText());
    last_rewrite_ok_ = false;
    consecutive_failures_.fetch_add(1);
    return RewriteResult::kFailed;
  }
  Notice("Background append only file rewriting started by pid " + std::to_string(pid));
  child_start_ms_ = now;
  child_pid_ = pid;
  rewrite_scheduled_ = false;
  return RewriteResult::kStarted;
}

int64_t AppendOnly::current_rewrite_time_sec() const {
  if (child_pid_.load() <= 0) return -1;
  return (state_.engine().clock().NowMs() - child_start_ms_.load()) / 1000;
}

void AppendOnly::ReapChild(bool block) {
  const pid_t pid = child_pid_.load();
  if (pid <= 0) return;
  const persist::ChildState child = persist::ReapChild(pid, block);
  if (child == persist::ChildState::kRunning) return;
  bool ok = child == persist::ChildState::kSucceeded;
  const int64_t now = state_.engine().clock().NowMs();
  last_rewrite_time_sec_ = (now - child_start_ms_.load()) / 1000;
  const std::string fname = state_.config().Get("appendfilename").value_or("appendonly.aof");
  persist::AofManifest m = manifest_;
  std::string err;
  if (ok) {
    const int64_t seq = m.curr_base_seq + 1;
    const std::string name = persist::AofBaseName(fname, seq, child_rdb_);
    if (::rename(child_temp_.c_str(), FilePath(name).c_str()) != 0) {
      err = "Error trying to rename the temporary AOF base file: " + ErrnoText();
      ok = false;
    } else {
      if (m.has_base)
        m.history.push_back({m.base.name, m.base.seq, persist::AofFileType::kHistory});
      m.has_base = true;
      m.base = {name, seq, persist::AofFileType::kBase};
      m.curr_base_seq = seq;
      std::vector<persist::AofFileInfo> keep;
      for (auto& f : m.incrs) {
        if (f.seq >= rewrite_first_incr_seq_) {
          keep.push_back(f);
        } else {
          m.history.push_back({f.name, f.seq, persist::AofFileType::kHistory});
        }
      }
      m.incrs = std::move(keep);
      std::vector<persist::AofFileInfo> history = std::move(m.history);
      m.history.clear();
      if (PersistManifest(m, &err)) {
        manifest_ = m;
        manifest_.history = std::move(history);
        DeleteHistory();
      } else {
        ok = false;
        ::unlink(FilePath(name).c_str());
      }
    }
  } else {
    err = "the child process failed";
  }
  if (ok) {
    // Only the rewrite started to turn the AOF on does: another one (a BGREWRITEAOF of an AOF
    // that was off when it forked) has no incr file behind it.
    if (state_code_.load() == kWaitRewrite && child_enables_) {
      state_code_ = kOn;
      Notice("Background AOF rewrite finished successfully; the AOF is on");
    }
    base_size_ = FileSize(FilePath(manifest_.base.name));
    int64_t total = base_size_.load();
    for (const auto& f : manifest_.incrs) total += FileSize(FilePath(f.name));
    current_size_ = total;
    last_rewrite_ok_ = true;
    consecutive_failures_ = 0;
    rewrites_.fetch_add(1);
    Notice("Background AOF rewrite finished successfully");
  } else {
    ::unlink(child_temp_.c_str());
    last_rewrite_ok_ = false;
    consecutive_failures_.fetch_add(1);
    Warning("Background AOF rewrite failed: " + err);
    if (state_code_.load() == kWaitRewrite) rewrite_scheduled_ = true;  // retried
  }
  child_pid_ = 0;
}

// ============================================================================================
// CONFIG SET appendonly and the cron
// ============================================================================================

void AppendOnly::StopLocked() {
  Engine& engine = state_.engine();
  if (const pid_t pid = child_pid_.load(); pid > 0) {
    ::kill(pid, SIGUSR1);
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ::unlink(child_temp_.c_str());
    child_pid_ = 0;
    Notice("Killing running AOF rewrite child: " + std::to_string(pid));
  }
  WriteOutLocked(true);
  engine.set_effect_sink(nullptr);
  state_code_ = kOff;
  rewrite_scheduled_ = false;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void AppendOnly::ApplyEnable(bool on) {
  Engine& engine = state_.engine();
  ExecGate::Exclusive excl(engine.gate());
  std::lock_guard<std::mutex> io(io_mu_);
  if (!on) {
    if (state_code_.load() != kOff) StopLocked();
    return;
  }
  if (state_code_.load() != kOff) {
    if (engine.effect_sink() == this) return;  // on (or turning on) and recording: nothing missed
    // "no" then "yes" before the cron ran: writes in between were not recorded, so the AOF
    // restarts from a new base, as if the two had been applied one after the other.
    StopLocked();
  }
  // The files a previous run left: the rewrite supersedes them.
  std::string err;
  if (!ReadManifest(&manifest_, &err)) {
    Warning("Can't turn the AOF on: " + err);
    return;
  }
  state_code_ = kWaitRewrite;
  engine.set_effect_sink(this);
  if (child_pid_.load() > 0 || state_.persistence().bgsave_in_progress()) {
    rewrite_scheduled_ = true;  // as Redis: the rewrite waits for the running child
    return;
  }
  if (StartRewriteLocked() != RewriteResult::kStarted) {
    Warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation.");
    engine.set_effect_sink(nullptr);
    state_code_ = kOff;
    std::lock_guard<std::mutex> lk(buf_mu_);
    buf_.clear();
  }
}

void AppendOnly::StartCron() {
  state_.config().AddListener("appendonly", [this](const std::string& v) {
    const bool on = v == "yes";
    // The value first, then the flag: the cron that sees the flag reads this value or a later one.
    desired_on_ = on;
    // Turning it off stops recording now (the cron closes the file); turning it on waits for
    // the cron's fork: what is written until then is in the snapshot the new base is made of.
    if (!on && state_.engine().effect_sink() == this) state_.engine().set_effect_sink(nullptr);
    enable_pending_ = true;
    cron_cv_.notify_all();
  });
  state_.config().AddListener("aof-timestamp-enabled", [this](const std::string& v) {
    aof_timestamps_.store(v == "yes", std::memory_order_relaxed);
  });
  std::lock_guard<std::mutex> lk(cron_mu_);
  if (cron_.joinable() || stopping_) return;
  cron_ = std::thread([this] { CronLoop(); });
}

void AppendOnly::CronLoop() {
  std::unique_lock<std::mutex> lk(cron_mu_);
  while (!stopping_) {
    cron_cv_.wait_for(lk, std::chrono::milliseconds(100));
    if (stopping_) break;
    lk.unlock();
    Cron();
    lk.lock();
  }
}

void AppendOnly::Cron() {
  if (enable_pending_.exchange(false)) ApplyEnable(desired_on_.load());
  bool start = false;
  {
    std::lock_guard<std::mutex> io(io_mu_);
    ReapChild(false);
    if (state_code_.load() != kOff && fd_ >= 0) {
      const std::string policy = state_.config().Get("appendfsync").value_or("everysec");
      const int64_t now = state_.engine().clock().NowMs();
      const bool sync = policy != "no" && now - last_fsync_ms_ >= 1000;
      if (pending_bytes_.load() > 0 || (sync && unsynced_)) WriteOutLocked(sync);
    }
    if (child_pid_.load() <= 0 && !state_.persistence().bgsave_in_progress()) {
      if (rewrite_scheduled_.load()) {
        start = true;
      } else if (state_code_.load() == kOn) {
        int64_t perc = 0, min_size = 0;
        ParseInt64(state_.config().Get("auto-aof-rewrite-percentage").value_or("0"), &perc);
        ParseInt64(state_.config().Get("auto-aof-rewrite-min-size").value_or("0"), &min_size);
        const int64_t size = current_size_.load();
        const int64_t base = std::max<int64_t>(base_size_.load(), 1);
        const int64_t now = state_.engine().clock().NowMs();
        // After failures, automatic attempts back off to one a minute (Redis limits them too).
        const bool limited =
            consecutive_failures_.load() >= 3 && now - last_auto_attempt_ms_ < 60000;
        if (perc > 0 && size > min_size && (size - base) * 100 / base >= perc && !limited) {
          last_auto_attempt_ms_ = now;
          Notice("Starting automatic rewriting of AOF on " +
                 std::to_string((size - base) * 100 / base) + "% growth");
          start = true;
        }
      }
    }
  }
  if (start) {
    ExecGate::Exclusive excl(state_.engine().gate());
    std::lock_guard<std::mutex> io(io_mu_);
    if (child_pid_.load() <= 0 && !state_.persistence().bgsave_in_progress()) StartRewriteLocked();
  }
}

std::string LoadDataFromDisk(ServerState& state, bool load_rdb) {
  std::string err;
  state.loading.store(true);
  struct LoadingGuard {
    ServerState& s;
    ~LoadingGuard() { s.loading.store(false); }
  } loading_guard{state};
  if (state.config().Get("appendonly").value_or("no") == "yes") {
    err = state.aof().LoadAndStart();
  } else if (load_rdb) {
    auto t0 = std::chrono::steady_clock::now();
    err = state.persistence().LoadAtStartup();
    Persistence& p = state.persistence();
    if (err.empty() && p.last_load_keys_loaded() + p.last_load_keys_expired() > 0) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.3f",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      Notice(std::string("DB loaded from disk: ") + buf + " seconds");
    }
  }
  if (!err.empty()) return err;
  state.persistence().StartCron();
  state.aof().StartCron();
  return "";
}

}  // namespace fincache
