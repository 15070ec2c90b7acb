// The forked child that writes a snapshot (BGSAVE, BGREWRITEAOF) from its copy-on-write view of
// the parent's memory, as Redis does.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fincache::persist {

// Forks. The child runs work(&err) and exits at once (no destructors, no atexit handlers): 0
// when work returned true, else 1 after writing error_prefix + err to stderr. The parent gets
// fork()'s result: the child's pid, or -1 with errno set.
template <typename Work>
pid_t ForkChild(std::string_view error_prefix, Work&& work) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  std::string err;
  const bool ok = work(&err);
  if (!ok) {
    err = std::string(error_prefix) + err + "\n";
    (void)!::write(2, err.data(), err.size());
  }
  std::_Exit(ok ? 0 : 1);
}

// Reaps a child from ForkChild: waits for it (block) or only looks. kRunning while it still
// runs; once it has ended, whether it exited with status 0.
enum class ChildState { kRunning, kSucceeded, kFailed };
inline ChildState ReapChild(pid_t pid, bool block) {
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return ChildState::kRunning;
  return r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ChildState::kSucceeded
                                                                   : ChildState::kFailed;
}

}  // namespace fincache::persist
