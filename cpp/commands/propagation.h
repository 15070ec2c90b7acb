// Propagation: how write effects leave the commands for the AOF (and later the replication
// stream), from one place, with Redis's rewrites.
//
// - RunWriteHandler (dispatcher.h) feeds every write command that answered without an error,
//   unless its reply says it changed nothing (0 from a CO::kNoopOnZero command, nil from a
//   CO::kNoopOnNull one): its argv as sent, or what the handler set instead with
//   ctx.PropagateAs / ctx.PropagateNothing (command_context.h). The handlers that rewrite, as
//   Redis does: relative expiries become absolute (EXPIRE/PEXPIRE/EXPIREAT -> PEXPIREAT, SETEX/
//   PSETEX/SET EX.. -> SET .. PXAT, GETEX -> PEXPIREAT/PERSIST/DEL, RESTORE ttl -> ABSTTL), a past
//   expiry becomes DEL, INCRBYFLOAT becomes SET .. KEEPTTL and HINCRBYFLOAT HSET, SPOP SREM,
//   blocking pops their non-blocking forms (LPOP/RPOP/LMOVE/ZPOPMIN/ZPOPMAX of the key served).
// - Blocked calls served later (engine/blocking.h) feed their non-blocking form with FeedEffect.
// - The engine feeds "DEL key" for keys it expires (Engine::PropagateDeletion).
// - Everything fed on a thread while its outermost command runs is collected by that command's
//   PropagationBatch and written at its end, still under the command's locks: one command as it
//   is, several (EXEC, a script or function, a command that also expired keys) wrapped in
//   MULTI ... EXEC, as Redis 7.0 propagates a script's effects.
//
// When nothing records effects (appendonly no) Engine::effect_sink() is null: one load per write
// command, no allocation.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"

namespace fincache {

// Feeds one effect to the engine's sink (no-op without one). The caller holds the locks of the
// keys it names (or the exclusive gate).
inline void FeedEffect(Engine& engine, int db, std::span<const std::string_view> argv) {
  if (EffectSink* sink = engine.effect_sink()) sink->Feed(db, argv);
}
inline void FeedEffect(Engine& engine, int db, std::initializer_list<std::string_view> argv) {
  if (EffectSink* sink = engine.effect_sink())
    sink->Feed(db, std::span<const std::string_view>(argv.begin(), argv.size()));
}

// One effect of a batch: its database and its RESP encoding, bytes [begin, end) of the batch.
struct BatchedEffect {
  int db;
  size_t begin, end;
};

// Collects the effects fed on this thread while it lives (the outermost one of a thread wins;
// inner ones are inactive). Inactive, and free, when the engine has no sink. The encoded bytes
// live in thread-local buffers reused from command to command (no allocation once warm).
class PropagationBatch {
 public:
  explicit PropagationBatch(Engine& engine);
  ~PropagationBatch();  // Flush()
  PropagationBatch(const PropagationBatch&) = delete;
  PropagationBatch& operator=(const PropagationBatch&) = delete;

  // The active batch of this thread, or nullptr.
  static PropagationBatch* Current();
  void Add(int db, std::span<const std::string_view> argv);
  // Hands what was collected to the sink's FeedBatch (see BatchSink) and empties the batch.
  void Flush();

 private:
  Engine& engine_;
  bool active_ = false;
};

// A sink that takes a batch at once (the AOF: MULTI/EXEC around several effects).
class BatchSink : public EffectSink {
 public:
  // `encoded` holds the effects' RESP arrays back to back; `effects` where each one is.
  virtual void FeedBatch(std::string_view encoded, std::span<const BatchedEffect> effects) = 0;
};

}  // namespace fincache
