#include "commands/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "common/strings.h"

namespace fincache {

AuditLog::~AuditLog() { StopWriter(); }

void AuditLog::StopWriter() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  std::lock_guard lk(mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  stop_ = false;
}

std::string AuditLog::Open(const std::string& path) {
  int fd = -1;
  if (!path.empty()) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return std::strerror(errno);
  }
  enabled_.store(false);
  StopWriter();  // writes what is pending to the old file
  if (fd < 0) return "";
  {
    std::lock_guard lk(mu_);
    fd_ = fd;
  }
  writer_ = std::thread([this] { WriterLoop(); });
  enabled_.store(true);
  return "";
}

void AuditLog::WriterLoop() {
  std::string batch;
  std::unique_lock lk(mu_);
  while (true) {
    wake_.wait(lk, [&] { return stop_ || !pending_.empty(); });
    if (pending_.empty() && stop_) return;
    batch.swap(pending_);
    const uint64_t lines = appended_;
    lk.unlock();
    const char* p = batch.data();
    size_t left = batch.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        break;  // disk full or similar: the batch is lost, later lines are tried again
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    batch.clear();
    if (batch.capacity() > (1u << 20)) std::string().swap(batch);
    lk.lock();
    written_ = lines;
    drained_.notify_all();
  }
}

void AuditLog::Append(const std::string& line) {
  std::unique_lock lk(mu_);
  if (fd_ < 0) return;
  drained_.wait(lk, [&] { return pending_.size() < kMaxPending || fd_ < 0; });
  pending_.append(line);
  ++appended_;
  wake_.notify_one();
}

void AuditLog::Flush() {
  std::unique_lock lk(mu_);
  const uint64_t target = appended_;
  drained_.wait(lk, [&] { return written_ >= target || !writer_.joinable(); });
}

std::string AuditLog::FormatTime(int64_t now_us) {
  time_t secs = static_cast<time_t>(now_us / 1000000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%06" PRId64 "Z", now_us % 1000000);
  return buf;
}

void AuditLog::Command(int64_t now_us, std::string_view client, std::string_view user, int db,
                       std::string_view command, CmdArgList args, const KeyIndexes& keys, bool ok) {
  std::string line = "{\"time\":\"" + FormatTime(now_us) + "\",\"event\":\"command\",\"client\":";
  AppendJsonString(&line, client, JsonEscape::kBytes);
  line += ",\"user\":";
  AppendJsonString(&line, user, JsonEscape::kBytes);
  line += ",\"db\":" + std::to_string(db) + ",\"command\":";
  AppendJsonString(&line, command, JsonEscape::kBytes);
  line += ",\"key\":";
  if (keys.empty())
    line += "null";
  else
    AppendJsonString(&line, args[keys[0]], JsonEscape::kBytes);
  line += ",\"keys\":[";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) line += ',';
    AppendJsonString(&line, args[keys[i]], JsonEscape::kBytes);
  }
  line += ']';
  if (with_values.load(std::memory_order_relaxed)) {
    line += ",\"args\":[";
    for (size_t i = 1; i < args.size(); ++i) {
      if (i > 1) line += ',';
      AppendJsonString(&line, args[i], JsonEscape::kBytes);
    }
    line += ']';
  }
  line += ok ? ",\"ok\":true}\n" : ",\"ok\":false}\n";
  Append(line);
}

void AuditLog::Auth(int64_t now_us, std::string_view client, std::string_view user,
                    std::string_view command, bool ok) {
  std::string line = "{\"time\":\"" + FormatTime(now_us) + "\",\"event\":\"auth\",\"client\":";
  AppendJsonString(&line, client, JsonEscape::kBytes);
  line += ",\"user\":";
  AppendJsonString(&line, user, JsonEscape::kBytes);
  line += ",\"command\":";
  AppendJsonString(&line, command, JsonEscape::kBytes);
  line += ok ? ",\"ok\":true}\n" : ",\"ok\":false}\n";
  Append(line);
}

}  // namespace fincache
