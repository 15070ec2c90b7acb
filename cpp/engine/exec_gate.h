// ExecGate: Redis's atomicity without a global lock on the hot path.
//
// Every command runs holding a "shared" token: the mutex of its thread's slot (uncontended, each
// thread has its own slot). Commands that must run alone (MULTI/EXEC, scripts, FLUSHALL, SWAPDB,
// KEYS/SCAN...) take the exclusive side: every slot's mutex, in slot order. Shard locks are always
// taken after the token, so an exclusive holder needs no shard lock at all.
//
// Re-entrant per thread: a command dispatched from inside an exclusive section (a script calling
// redis.call) or a nested shared section does not lock again. Sections of different gates (two
// engines in one process: a Python-defined command of one using another) nest: leaving the
// inner one restores the outer one's state.
//
// Busy holders: an exclusive holder that runs long (a script past busy-reply-threshold) marks
// the gate busy (SetBusy with a nonzero reason). Takers that asked to yield to a busy holder
// (the dispatcher does) stop waiting then and come back without the token (acquired() false),
// so the caller can answer BUSY instead of queueing behind the script. The uncontended path is
// one try_lock; only a taker that finds its slot held waits on a condition variable, woken by
// every release and by SetBusy (with a timed wait as a safety net).
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>

namespace fincache {

class ExecGate {
 public:
  static constexpr int kSlots = 64;

  // RAII shared token for the calling thread.
  class Shared {
   public:
    // yield_to_busy: give up (acquired() false) when the gate is or becomes busy while waiting.
    explicit Shared(ExecGate& g, bool yield_to_busy = false);
    ~Shared();
    Shared(const Shared&) = delete;
    Shared& operator=(const Shared&) = delete;
    bool acquired() const { return acquired_; }

   private:
    ExecGate* gate_;
    const ExecGate* prev_ = nullptr;  // a section of another gate this thread is inside
    int slot_ = -1;
    bool acquired_ = true;
  };

  // RAII exclusive section.
  class Exclusive {
   public:
    explicit Exclusive(ExecGate& g, bool yield_to_busy = false);
    ~Exclusive();
    Exclusive(const Exclusive&) = delete;
    Exclusive& operator=(const Exclusive&) = delete;
    bool acquired() const { return acquired_; }

   private:
    ExecGate* gate_;
    const ExecGate* prev_ = nullptr;  // a section of another gate this thread is inside
    bool locked_ = false;
    bool acquired_ = true;
  };

  // True when the calling thread is inside an exclusive section of this gate.
  bool HeldExclusiveByMe() const;

  // Hooks called around every wait for a slot (never on the uncontended path), for what a
  // waiting thread must not hold: the Python bindings release the GIL there, because a thread
  // holding the exclusive side may need it (a Python-defined command), so a thread keeping the
  // GIL while it waits would deadlock. before() returns a token handed to after(). Process-wide;
  // set once, before commands run.
  using WaitHook = void* (*)();
  using ResumeHook = void (*)(void* token);
  static void SetWaitHooks(WaitHook before, ResumeHook after);

  // Called by the exclusive holder: reason != 0 marks it busy (waiters that yield give up),
  // 0 clears it. The reason is the holder's own code (the command layer: eval or function).
  void SetBusy(int reason);
  int busy() const { return busy_.load(std::memory_order_acquire); }

 private:
  struct alignas(64) Slot {
    std::mutex mu;
  };
  static int ThreadSlot();
  // Locks m; with yield_to_busy, returns false instead when the gate is busy.
  bool Lock(std::mutex& m, bool yield_to_busy);
  void Unlock(std::mutex& m) {
    m.unlock();
    if (waiters_.load(std::memory_order_seq_cst) != 0) Wake();
  }
  void Wake();

  std::array<Slot, kSlots> slots_;
  std::atomic<int> busy_{0};
  std::atomic<int> waiters_{0};
  std::mutex wait_mu_;
  std::condition_variable wait_cv_;
};

}  // namespace fincache
