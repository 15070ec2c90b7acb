// ExecGate: Redis's atomicity without a global lock on the hot path.
//
// Every command runs holding a "shared" token: the mutex of its thread's slot (uncontended, each
// thread has its own slot). Commands that must run alone (MULTI/EXEC, scripts, FLUSHALL, SWAPDB,
// KEYS/SCAN...) take the exclusive side: every slot's mutex, in slot order. Shard locks are always
// taken after the token, so an exclusive holder needs no shard lock at all.
//
// Re-entrant per thread: a command dispatched from inside an exclusive section (a script calling
// redis.call) or a nested shared section does not lock again.
#pragma once

#include <array>
#include <atomic>
#include <mutex>

namespace fincache {

class ExecGate {
 public:
  static constexpr int kSlots = 64;

  // RAII shared token for the calling thread.
  class Shared {
   public:
    explicit Shared(ExecGate& g);
    ~Shared();
    Shared(const Shared&) = delete;
    Shared& operator=(const Shared&) = delete;

   private:
    ExecGate* gate_;
    int slot_ = -1;
  };

  // RAII exclusive section.
  class Exclusive {
   public:
    explicit Exclusive(ExecGate& g);
    ~Exclusive();
    Exclusive(const Exclusive&) = delete;
    Exclusive& operator=(const Exclusive&) = delete;

   private:
    ExecGate* gate_;
    bool locked_ = false;
  };

  // True when the calling thread is inside an exclusive section of this gate.
  bool HeldExclusiveByMe() const;

 private:
  struct alignas(64) Slot {
    std::mutex mu;
  };
  static int ThreadSlot();

  std::array<Slot, kSlots> slots_;
};

}  // namespace fincache
