#include "commands/propagation.h"

#include "persist/aof.h"

namespace fincache {

namespace {
thread_local PropagationBatch* t_batch = nullptr;
thread_local std::string t_encoded;
thread_local std::vector<BatchedEffect> t_effects;
constexpr size_t kRetainBytes = 1 << 20;
}  // namespace

PropagationBatch::PropagationBatch(Engine& engine) : engine_(engine) {
  if (t_batch || !engine.effect_sink()) return;
  active_ = true;
  t_batch = this;
}

PropagationBatch::~PropagationBatch() {
  if (!active_) return;
  Flush();
  t_batch = nullptr;
}

PropagationBatch* PropagationBatch::Current() { return t_batch; }

void PropagationBatch::Add(int db, std::span<const std::string_view> argv) {
  const size_t begin = t_encoded.size();
  persist::AppendAofCommand(&t_encoded, argv);
  t_effects.push_back({db, begin, t_encoded.size()});
}

void PropagationBatch::Flush() {
  if (t_effects.empty()) return;
  if (auto* sink = dynamic_cast<BatchSink*>(engine_.effect_sink()))
    sink->FeedBatch(t_encoded, t_effects);
  t_effects.clear();
  t_encoded.clear();
  if (t_encoded.capacity() > kRetainBytes) std::string().swap(t_encoded);
}

}  // namespace fincache
