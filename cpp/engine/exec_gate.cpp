#include "engine/exec_gate.h"

#include <chrono>

namespace fincache {
namespace {
thread_local const ExecGate* tl_exclusive_gate = nullptr;
thread_local const ExecGate* tl_shared_gate = nullptr;
std::atomic<int> g_next_slot{0};
std::atomic<ExecGate::WaitHook> g_wait_hook{nullptr};
std::atomic<ExecGate::ResumeHook> g_resume_hook{nullptr};

// Runs the wait hooks around one wait (see SetWaitHooks).
class WaitScope {
 public:
  WaitScope() : resume_(g_resume_hook.load(std::memory_order_acquire)) {
    if (auto before = g_wait_hook.load(std::memory_order_acquire); before && resume_)
      token_ = before();
  }
  ~WaitScope() {
    if (token_) resume_(token_);
  }
  WaitScope(const WaitScope&) = delete;
  WaitScope& operator=(const WaitScope&) = delete;

 private:
  ExecGate::ResumeHook resume_;
  void* token_ = nullptr;
};
}  // namespace

void ExecGate::SetWaitHooks(WaitHook before, ResumeHook after) {
  g_resume_hook.store(after, std::memory_order_release);
  g_wait_hook.store(before, std::memory_order_release);
}

int ExecGate::ThreadSlot() {
  thread_local int slot = g_next_slot.fetch_add(1, std::memory_order_relaxed) % kSlots;
  return slot;
}

bool ExecGate::HeldExclusiveByMe() const { return tl_exclusive_gate == this; }

bool ExecGate::Lock(std::mutex& m, bool yield_to_busy) {
  if (m.try_lock()) return true;
  WaitScope hooks;
  if (!yield_to_busy) {
    m.lock();
    return true;
  }
  waiters_.fetch_add(1, std::memory_order_seq_cst);
  std::unique_lock lk(wait_mu_);
  bool got = false;
  while (true) {
    if (m.try_lock()) {
      got = true;
      break;
    }
    if (busy_.load(std::memory_order_acquire) != 0) break;
    // Releases and SetBusy notify under wait_mu_, so no wakeup is lost; the timeout only
    // covers a holder sharing this slot that released between try_lock and wait.
    wait_cv_.wait_for(lk, std::chrono::milliseconds(20));
  }
  waiters_.fetch_sub(1, std::memory_order_seq_cst);
  return got;
}

void ExecGate::Wake() {
  { std::lock_guard lk(wait_mu_); }
  wait_cv_.notify_all();
}

void ExecGate::SetBusy(int reason) {
  busy_.store(reason, std::memory_order_release);
  if (reason != 0) Wake();
}

ExecGate::Shared::Shared(ExecGate& g, bool yield_to_busy) : gate_(&g) {
  if (tl_exclusive_gate == gate_ || tl_shared_gate == gate_) return;  // re-entrant
  int slot = ThreadSlot();
  if (!gate_->Lock(gate_->slots_[slot].mu, yield_to_busy)) {
    acquired_ = false;
    return;
  }
  slot_ = slot;
  prev_ = tl_shared_gate;
  tl_shared_gate = gate_;
}

ExecGate::Shared::~Shared() {
  if (slot_ < 0) return;
  tl_shared_gate = prev_;
  gate_->Unlock(gate_->slots_[slot_].mu);
}

ExecGate::Exclusive::Exclusive(ExecGate& g, bool yield_to_busy) : gate_(&g) {
  if (tl_exclusive_gate == gate_) return;  // re-entrant
  // A thread holding a shared token must not upgrade: that would deadlock against itself.
  // Callers take Exclusive instead of Shared, never inside it.
  for (int i = 0; i < kSlots; ++i) {
    if (!gate_->Lock(gate_->slots_[i].mu, yield_to_busy)) {
      for (int j = i - 1; j >= 0; --j) gate_->Unlock(gate_->slots_[j].mu);
      acquired_ = false;
      return;
    }
  }
  prev_ = tl_exclusive_gate;
  tl_exclusive_gate = gate_;
  locked_ = true;
}

ExecGate::Exclusive::~Exclusive() {
  if (!locked_) return;
  tl_exclusive_gate = prev_;
  for (auto it = gate_->slots_.rbegin(); it != gate_->slots_.rend(); ++it) it->mu.unlock();
  if (gate_->waiters_.load(std::memory_order_seq_cst) != 0) gate_->Wake();
}

}  // namespace fincache
