#include "engine/exec_gate.h"

namespace fincache {
namespace {
thread_local const ExecGate* tl_exclusive_gate = nullptr;
thread_local const ExecGate* tl_shared_gate = nullptr;
std::atomic<int> g_next_slot{0};
}  // namespace

int ExecGate::ThreadSlot() {
  thread_local int slot = g_next_slot.fetch_add(1, std::memory_order_relaxed) % kSlots;
  return slot;
}

bool ExecGate::HeldExclusiveByMe() const { return tl_exclusive_gate == this; }

ExecGate::Shared::Shared(ExecGate& g) : gate_(&g) {
  if (tl_exclusive_gate == gate_ || tl_shared_gate == gate_) return;  // re-entrant
  slot_ = ThreadSlot();
  gate_->slots_[slot_].mu.lock();
  tl_shared_gate = gate_;
}

ExecGate::Shared::~Shared() {
  if (slot_ < 0) return;
  tl_shared_gate = nullptr;
  gate_->slots_[slot_].mu.unlock();
}

ExecGate::Exclusive::Exclusive(ExecGate& g) : gate_(&g) {
  if (tl_exclusive_gate == gate_) return;  // re-entrant
  // A thread holding a shared token must not upgrade: that would deadlock against itself.
  // Callers take Exclusive instead of Shared, never inside it.
  for (auto& s : gate_->slots_) s.mu.lock();
  tl_exclusive_gate = gate_;
  locked_ = true;
}

ExecGate::Exclusive::~Exclusive() {
  if (!locked_) return;
  tl_exclusive_gate = nullptr;
  for (auto it = gate_->slots_.rbegin(); it != gate_->slots_.rend(); ++it) it->mu.unlock();
}

}  // namespace fincache
