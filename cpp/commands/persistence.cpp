#include "commands/persistence.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "commands/aof.h"
#include "commands/server_family.h"
#include "commands/server_state.h"
#include "common/errors.h"
#include "common/strings.h"
#include "persist/child.h"
#include "persist/snapshot.h"
#include "script/script_engine.h"

namespace fincache {

namespace {
// Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points retry after 5 s.
constexpr int64_t kBgsaveRetryDelayMs = 5000;
}  // namespace

Persistence::Persistence(ServerState& state)
    : state_(state), lastsave_s_(state.engine().clock().NowMs() / 1000) {}

Persistence::~Persistence() {
  {
    std::lock_guard<std::mutex> lk(cron_mu_);
    stopping_ = true;
  }
  cron_cv_.notify_all();
  if (cron_.joinable()) cron_.join();
  std::lock_guard<std::mutex> lk(mu_);
  ReapChild(/*block=*/true);
}

int64_t Persistence::NowMs() const { return state_.engine().clock().NowMs(); }

std::string Persistence::RdbPath() const {
  std::string dir = state_.config().Get("dir").value_or(".");
  std::string file = state_.config().Get("dbfilename").value_or("dump.rdb");
  if (dir.empty()) dir = ".";
  return dir + "/" + file;
}

persist::SaveOptions Persistence::SnapshotOptions() const {
  persist::SaveOptions opts{std::string(kRedisVersion), state_.engine().UsedMemory()};
  opts.function_libraries = state_.scripts().FunctionCodes();
  return opts;
}

bool Persistence::ParseSavePoints(const std::string& text,
                                  std::vector<std::pair<int64_t, int64_t>>* out) {
  if (text.empty()) return true;
  // Words separated by single spaces, as Redis splits it (" 10 5" or "10  5" are invalid).
  std::vector<std::string> words;
  size_t start = 0;
  while (true) {
    size_t sp = text.find(' ', start);
    words.push_back(text.substr(start, sp == std::string::npos ? std::string::npos : sp - start));
    if (sp == std::string::npos) break;
    start = sp + 1;
  }
  if (words.size() % 2 != 0) return false;
  for (size_t k = 0; k < words.size(); k += 2) {
    int64_t secs, changes;
    if (!ParseInt64(words[k], &secs) || !ParseInt64(words[k + 1], &changes) || secs < 1 ||
        changes < 0)
      return false;
    out->emplace_back(secs, changes);
  }
  return true;
}

std::string Persistence::LoadAtStartup() {
  // The engine's active-expiry thread is already running: load under the exclusive gate.
  ExecGate::Exclusive excl(state_.engine().gate());
  persist::LoadStats stats;
  bool missing = false;
  std::string err;
  if (!persist::LoadRdbFile(state_.engine(), RdbPath(), NowMs(), &stats, &missing, &err))
    return err;
  if (!stats.function_libraries.empty() &&
      !state_.scripts().FunctionRestore(stats.function_libraries,
                                        script::ScriptEngine::RestorePolicy::kAppend, &err))
    return "Bad RDB file " + RdbPath() + ": failed loading a function library: " + err;
  last_load_loaded_ = stats.keys_loaded;
  last_load_expired_ = stats.keys_expired;
  return "";
}

std::string Persistence::Save(std::string* detail) {
  std::lock_guard<std::mutex> lk(mu_);
  if (child_pid_.load() > 0) return std::string(errors::kBgsaveInProgress);
  persist::SaveOptions opts = SnapshotOptions();
  const uint64_t dirty = state_.dirty.load();
  std::string err;
  if (!persist::SaveRdbFile(state_.engine(), RdbPath(), NowMs(), opts, &err)) {
    if (detail) *detail = err;
    return "ERR";
  }
  state_.dirty.fetch_sub(dirty);
  lastsave_s_ = NowMs() / 1000;
  rdb_saves_.fetch_add(1);
  return "";
}

Persistence::BgResult Persistence::BgSave() {
  std::lock_guard<std::mutex> lk(mu_);
  if (child_pid_.load() > 0) return BgResult::kInProgress;
  return StartChild();
}

void Persistence::ScheduleBgSave() {
  std::lock_guard<std::mutex> lk(mu_);
  bgsave_scheduled_ = true;
}

Persistence::BgResult Persistence::StartChild() {
  const std::string path = RdbPath();
  persist::SaveOptions opts = SnapshotOptions();
  const int64_t now = NowMs();
  dirty_before_bgsave_ = state_.dirty.load();
  last_bgsave_try_ms_ = now;
  const pid_t pid = persist::ForkChild("Background saving error: ", [&](std::string* err) {
    return persist::SaveRdbFile(state_.engine(), path, now, opts, err);
  });
  if (pid < 0) {
    last_bgsave_ok_ = false;
    return BgResult::kFailed;
  }
  child_start_ms_ = now;
  child_pid_ = pid;
  return BgResult::kStarted;
}

void Persistence::ReapChild(bool block) {
  const pid_t pid = child_pid_.load();
  if (pid <= 0) return;
  const persist::ChildState child = persist::ReapChild(pid, block);
  if (child == persist::ChildState::kRunning) return;
  const bool ok = child == persist::ChildState::kSucceeded;
  const int64_t now = NowMs();
  last_bgsave_time_sec_ = (now - child_start_ms_.load()) / 1000;
  last_bgsave_ok_ = ok;
  if (ok) {
    state_.dirty.fetch_sub(std::min(dirty_before_bgsave_, state_.dirty.load()));
    lastsave_s_ = now / 1000;
    rdb_saves_.fetch_add(1);
  }
  child_pid_ = 0;
}

void Persistence::WaitForBgsave() {
  std::lock_guard<std::mutex> lk(mu_);
  ReapChild(/*block=*/true);
}

int64_t Persistence::current_bgsave_time_sec() const {
  if (child_pid_.load() <= 0) return -1;
  return (NowMs() - child_start_ms_.load()) / 1000;
}

void Persistence::StartCron() {
  std::lock_guard<std::mutex> lk(cron_mu_);
  if (cron_.joinable() || stopping_) return;
  cron_ = std::thread([this] { CronLoop(); });
}

void Persistence::CronLoop() {
  std::unique_lock<std::mutex> lk(cron_mu_);
  while (!stopping_) {
    cron_cv_.wait_for(lk, std::chrono::milliseconds(100));
    if (stopping_) break;
    lk.unlock();
    {
      std::lock_guard<std::mutex> g(mu_);
      ReapChild(false);
    }
    bool start = false;
    {
      std::lock_guard<std::mutex> g(mu_);
      // One child at a time, as Redis: an AOF rewrite delays save points and scheduled saves.
      if (child_pid_.load() <= 0 && !state_.aof().rewrite_in_progress()) {
        const int64_t now = NowMs();
        if (bgsave_scheduled_) {
          start = true;
        } else {
          std::vector<std::pair<int64_t, int64_t>> points;
          ParseSavePoints(state_.config().Get("save").value_or(""), &points);
          const uint64_t dirty = state_.dirty.load();
          for (auto [secs, changes] : points) {
            if (dirty >= static_cast<uint64_t>(changes) && now / 1000 - lastsave_s_.load() > secs &&
                (last_bgsave_ok_.load() || now - last_bgsave_try_ms_ > kBgsaveRetryDelayMs)) {
              start = true;
              break;
            }
          }
        }
      }
    }
    if (start) {
      ExecGate::Exclusive excl(state_.engine().gate());
      std::lock_guard<std::mutex> g(mu_);
      if (child_pid_.load() <= 0) {
        bgsave_scheduled_ = false;
        StartChild();
      }
    }
    lk.lock();
  }
}

}  // namespace fincache
