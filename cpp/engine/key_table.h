// KeyTable: the keyspace hash table of one shard, from binary-safe keys to a value record V.
//
// Structure
//   Separate chaining over a power-of-two array of bucket heads. Each element is ONE heap node:
//
//     +0   Node* next        chain link
//     +8   uint32_t hash     32-bit table hash (bucket index = hash & mask; also a compare filter)
//     +12  uint32_t key_len
//     +16  V                 at kValueOffset = 16 rounded up to alignof(V)
//     ...  key bytes         key_len bytes right after V (no terminator, binary safe)
//
//   so a 16-byte V and a 10-byte key cost 42 requested bytes plus 8 bytes of bucket slot.
//
// Invariants
//   - Nodes never move: a V* stays valid until its element is erased or the table is cleared or
//     destroyed. KeyOf(V*) recovers the key by pointer arithmetic.
//   - bucket_count() is 0 (empty table, nothing allocated) or a power of two >= kMinBuckets.
//   - Load factor: grow (x2) before size would exceed bucket_count; shrink to the next power of
//     two >= size when size < bucket_count / 8. Rehash relinks every node at once, using the
//     cached hash (key bytes are never rehashed). Erasing the last element frees the buckets.
//   - While ForEach/Scan run a callback, resizing is deferred so the callback may erase the
//     element it was handed (lazy expiry); the deferred resize happens when the call returns.
//
// SCAN
//   Redis's reverse-binary cursor: the cursor's low bits select a bucket, and the cursor is
//   incremented on its reversed bits. Because bucket i of a table of 2^k buckets splits into
//   buckets i and i + 2^k of the doubled table (and merges back when halved), every element
//   present for the whole scan is returned at least once across any growth or shrink between
//   calls; elements may be returned more than once after a shrink.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace fincache {

// ---------------------------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------------------------

namespace key_table_internal {

inline constexpr uint64_t kHashSeed = 0x243f6a8885a308d3ULL;
inline constexpr uint64_t kWordMul = 0x9e3779b97f4a7c15ULL;
inline constexpr uint64_t kStepMul = 0xbf58476d1ce4e5b9ULL;
inline constexpr uint64_t kFinalMul1 = 0xff51afd7ed558ccdULL;
inline constexpr uint64_t kFinalMul2 = 0xc4ceb9fe1a85ec53ULL;

inline uint64_t Load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

inline uint64_t Load32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

inline uint64_t RotateLeft(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// Folds one 8-byte word into the state. Bijective in `word` for a fixed state (odd multiply and
// xorshift are both invertible), so two inputs that differ in one word never collide there.
inline uint64_t Absorb(uint64_t state, uint64_t word) {
  word *= kWordMul;
  word ^= word >> 29;
  return RotateLeft((state ^ word) * kStepMul, 31);
}

// Invertible avalanche so every output bit depends on every input bit.
inline uint64_t Finalize(uint64_t h) {
  h ^= h >> 33;
  h *= kFinalMul1;
  h ^= h >> 33;
  h *= kFinalMul2;
  h ^= h >> 33;
  return h;
}

}  // namespace key_table_internal

// A fast 64-bit hash of the key bytes (not keyed: not meant to resist deliberate collisions).
// Keys of 0..7 bytes become one word, longer keys are read as 8-byte words with the last word
// overlapping the previous one; the length is mixed into the seed, which makes that encoding
// unambiguous.
inline uint64_t HashKey(std::string_view key) {
  using namespace key_table_internal;
  const auto* p = reinterpret_cast<const unsigned char*>(key.data());
  const size_t n = key.size();
  uint64_t h = kHashSeed ^ (static_cast<uint64_t>(n) * kStepMul);
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 < n; i += 8) h = Absorb(h, Load64(p + i));
    h = Absorb(h, Load64(p + n - 8));
  } else if (n >= 4) {
    h = Absorb(h, Load32(p) | (Load32(p + n - 4) << 32));
  } else if (n > 0) {
    h = Absorb(h, (uint64_t{p[0]} << 16) | (uint64_t{p[n >> 1]} << 8) | p[n - 1]);
  }
  return Finalize(h);
}

// ---------------------------------------------------------------------------------------------
// KeyTable
// ---------------------------------------------------------------------------------------------

template <typename V>
class KeyTable {
 public:
  KeyTable() = default;
  ~KeyTable() { DestroyAll(); }

  KeyTable(const KeyTable&) = delete;
  KeyTable& operator=(const KeyTable&) = delete;

  KeyTable(KeyTable&& other) noexcept { StealFrom(other); }
  KeyTable& operator=(KeyTable&& other) noexcept {
    if (this != &other) {
      DestroyAll();
      StealFrom(other);
    }
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t bucket_count() const { return bucket_count_; }

  // Returns the value stored under `key`, or nullptr.
  V* Find(std::string_view key) { return Find(key, HashKey(key)); }
  V* Find(std::string_view key, uint64_t hash) {
    assert(hash == HashKey(key));
    if (size_ == 0) return nullptr;
    Node* node = *FindLink(key, TableHash(hash));
    return node != nullptr ? ValueOf(node) : nullptr;
  }
  const V* Find(std::string_view key) const { return const_cast<KeyTable*>(this)->Find(key); }
  const V* Find(std::string_view key, uint64_t hash) const {
    return const_cast<KeyTable*>(this)->Find(key, hash);
  }

  // Finds `key` or inserts it with a value-initialized V. Returns {value, inserted}.
  // Strong guarantee: if allocation or V() throws, the table is unchanged.
  std::pair<V*, bool> Emplace(std::string_view key) { return Emplace(key, HashKey(key)); }
  std::pair<V*, bool> Emplace(std::string_view key, uint64_t hash) {
    assert(hash == HashKey(key));
    const uint32_t table_hash = TableHash(hash);
    if (size_ != 0) {
      if (Node* node = *FindLink(key, table_hash); node != nullptr) return {ValueOf(node), false};
    }
    if (key.size() > kMaxKeyLength) throw std::length_error("KeyTable: key too long");
    if (bucket_count_ == 0) {
      Rehash(kMinBuckets, /*may_throw=*/true);
    } else if (size_ >= bucket_count_ && !resize_paused_ && bucket_count_ < kMaxBuckets) {
      Rehash(bucket_count_ * 2, /*may_throw=*/true);
    }
    Node* node = AllocateNode(key.size());
    node->hash = table_hash;
    node->key_len = static_cast<uint32_t>(key.size());
    try {
      ::new (static_cast<void*>(RawValue(node))) V();
    } catch (...) {
      FreeNodeMemory(node);
      throw;
    }
    if (!key.empty()) std::memcpy(KeyBytes(node), key.data(), key.size());
    Node** slot = &buckets_[table_hash & (bucket_count_ - 1)];
    node->next = *slot;
    *slot = node;
    ++size_;
    node_bytes_ += NodeAllocEstimate(key.size());
    return {ValueOf(node), true};
  }

  // Erases `key` if present; returns whether it was.
  bool Erase(std::string_view key) {
    if (size_ == 0) return false;
    Node** link = FindLink(key, TableHash(HashKey(key)));
    if (*link == nullptr) return false;
    Unlink(link);
    return true;
  }

  // Erases the element holding *value (a pointer from Find/Emplace/Random/Scan/ForEach).
  void Erase(V* value) {
    assert(value != nullptr && size_ != 0);
    Node* node = NodeOf(value);
    Node** link = &buckets_[node->hash & (bucket_count_ - 1)];
    while (*link != node) {
      assert(*link != nullptr && "value does not belong to this table");
      link = &(*link)->next;
    }
    Unlink(link);
  }

  // Destroys every element and frees all memory.
  void Clear() { DestroyAll(); }

  // The key of the element holding *value.
  static std::string_view KeyOf(const V* value) {
    const Node* node = NodeOf(value);
    return {reinterpret_cast<const char*>(value) + sizeof(V), node->key_len};
  }

  // Visits the bucket selected by `cursor`, calling fn(std::string_view key, V& value) for each
  // of its elements, and returns the next cursor (0 when the scan is complete). A returned cursor
  // is always < bucket_count() <= 2^32, so callers may pack other state into the high bits.
  // fn may erase the element it is given; it must not otherwise modify the table.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) {
    if (size_ == 0) return 0;
    const uint64_t mask = bucket_count_ - 1;
    {
      ResizePause pause(this);
      VisitChain(buckets_[cursor & mask], fn);
    }
    // Increment the cursor's reversed bits: set the bits above the mask so the carry runs out
    // of them, which makes the next cursor valid for tables of any size.
    cursor |= ~mask;
    cursor = ReverseBits(cursor);
    ++cursor;
    return ReverseBits(cursor);
  }

  // Calls fn(std::string_view key, V& value) once for every element. fn may erase the element it
  // is given; it must not otherwise modify the table.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    if (size_ == 0) return;
    ResizePause pause(this);
    for (size_t i = 0; i < bucket_count_; ++i) VisitChain(buckets_[i], fn);
  }

  // A random element, or nullptr if the table is empty: a uniformly chosen non-empty bucket,
  // then a uniform element of its chain (so elements in longer chains are slightly less likely,
  // as in Redis's dictGetRandomKey). `random_bits` seeds the choice; any 64 bits will do.
  V* Random(uint64_t random_bits) {
    if (size_ == 0) return nullptr;
    const size_t mask = bucket_count_ - 1;
    uint64_t state = random_bits;
    Node* chain = nullptr;
    // Load >= 1/8 keeps ~12% of buckets non-empty, so probes nearly always succeed; the walk
    // bounds the worst case (a sparse table while resizing is paused, or bad luck).
    for (int probe = 0; probe < kRandomProbes && chain == nullptr; ++probe) {
      chain = buckets_[NextRandom(state) & mask];
    }
    if (chain == nullptr) {
      size_t index = NextRandom(state) & mask;
      while (buckets_[index] == nullptr) index = (index + 1) & mask;
      chain = buckets_[index];
    }
    size_t length = 0;
    for (Node* node = chain; node != nullptr; node = node->next) ++length;
    for (size_t pick = NextRandom(state) % length; pick > 0; --pick) chain = chain->next;
    return ValueOf(chain);
  }

  // Bytes held by the table: bucket array plus nodes, each rounded the way a general-purpose
  // malloc does (8-byte header, 16-byte granularity, 32-byte minimum). V's own heap (if any) is
  // not included.
  size_t MemoryUsage() const {
    const size_t bucket_bytes =
        bucket_count_ == 0 ? 0 : AllocEstimate(bucket_count_ * sizeof(Node*));
    return bucket_bytes + node_bytes_;
  }

 private:
  struct Node {
    Node* next;
    uint32_t hash;
    uint32_t key_len;
  };

  static constexpr size_t kValueOffset = (sizeof(Node) + alignof(V) - 1) / alignof(V) * alignof(V);
  static constexpr size_t kNodeAlign = alignof(V) > alignof(Node) ? alignof(V) : alignof(Node);
  static constexpr bool kOverAligned = kNodeAlign > __STDCPP_DEFAULT_NEW_ALIGNMENT__;
  static constexpr size_t kMinBuckets = 4;
  // The cached hash has 32 bits, so more buckets could not be addressed; past this the load
  // factor simply rises.
  static constexpr size_t kMaxBuckets = size_t{1} << 32;
  static constexpr size_t kMaxKeyLength = UINT32_MAX;
  static constexpr int kRandomProbes = 64;

  // Defers resizing while a callback runs; restores and applies any pending resize on exit.
  class ResizePause {
   public:
    explicit ResizePause(KeyTable* table) : table_(table), was_paused_(table->resize_paused_) {
      table_->resize_paused_ = true;
    }
    ~ResizePause() {
      table_->resize_paused_ = was_paused_;
      if (!was_paused_) table_->ResizeIfNeeded();
    }
    ResizePause(const ResizePause&) = delete;
    ResizePause& operator=(const ResizePause&) = delete;

   private:
    KeyTable* table_;
    bool was_paused_;
  };

  // The engine may shard on any bits of HashKey(); multiplying and keeping the high half makes
  // the bucket bits depend on all 64 bits, so keys of one shard still spread over all buckets.
  static uint32_t TableHash(uint64_t hash) {
    return static_cast<uint32_t>((hash * 0x9e3779b97f4a7c15ULL) >> 32);
  }

  static uint64_t ReverseBits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
    v = ((v >> 8) & 0x00ff00ff00ff00ffULL) | ((v & 0x00ff00ff00ff00ffULL) << 8);
    v = ((v >> 16) & 0x0000ffff0000ffffULL) | ((v & 0x0000ffff0000ffffULL) << 16);
    return (v >> 32) | (v << 32);
  }

  // splitmix64 step: a well-spread sequence from any seed.
  static uint64_t NextRandom(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  static size_t AllocEstimate(size_t bytes) {
    const size_t rounded = (bytes + 8 + 15) & ~size_t{15};
    return rounded < 32 ? 32 : rounded;
  }

  // ---- node layout --------------------------------------------------------------------------

  static size_t NodeBytes(size_t key_len) { return kValueOffset + sizeof(V) + key_len; }
  static size_t NodeAllocEstimate(size_t key_len) {
    return AllocEstimate(NodeBytes(key_len)) + (kOverAligned ? kNodeAlign - 16 : 0);
  }

  static void* RawValue(Node* node) { return reinterpret_cast<char*>(node) + kValueOffset; }
  static V* ValueOf(Node* node) { return std::launder(static_cast<V*>(RawValue(node))); }
  static char* KeyBytes(Node* node) {
    return reinterpret_cast<char*>(node) + kValueOffset + sizeof(V);
  }
  static std::string_view KeyView(Node* node) { return {KeyBytes(node), node->key_len}; }
  static Node* NodeOf(V* value) {
    return std::launder(reinterpret_cast<Node*>(reinterpret_cast<char*>(value) - kValueOffset));
  }
  static const Node* NodeOf(const V* value) {
    return std::launder(
        reinterpret_cast<const Node*>(reinterpret_cast<const char*>(value) - kValueOffset));
  }

  static Node* AllocateNode(size_t key_len) {
    void* raw;
    if constexpr (kOverAligned) {
      raw = ::operator new (NodeBytes(key_len), std::align_val_t{kNodeAlign});
    } else {
      raw = ::operator new(NodeBytes(key_len));
    }
    return ::new (raw) Node;
  }

  static void FreeNodeMemory(Node* node) {
    const size_t bytes = NodeBytes(node->key_len);
    node->~Node();
    if constexpr (kOverAligned) {
      ::operator delete (static_cast<void*>(node), bytes, std::align_val_t{kNodeAlign});
    } else {
      ::operator delete(static_cast<void*>(node), bytes);
    }
  }

  static void DestroyNode(Node* node) {
    ValueOf(node)->~V();
    FreeNodeMemory(node);
  }

  // ---- chains -------------------------------------------------------------------------------

  // The link (bucket slot or a node's next) that points at the node holding `key`, or the
  // chain's terminating null link. Requires bucket_count_ > 0.
  Node** FindLink(std::string_view key, uint32_t table_hash) {
    Node** link = &buckets_[table_hash & (bucket_count_ - 1)];
    for (Node* node = *link; node != nullptr; link = &node->next, node = *link) {
      if (node->hash == table_hash && node->key_len == key.size() &&
          (key.empty() || std::memcmp(KeyBytes(node), key.data(), key.size()) == 0)) {
        break;
      }
    }
    return link;
  }

  // Reads `next` before calling fn, so fn may erase the node it is given.
  template <typename Fn>
  static void VisitChain(Node* node, Fn& fn) {
    while (node != nullptr) {
      Node* next = node->next;
      fn(KeyView(node), *ValueOf(node));
      node = next;
    }
  }

  void Unlink(Node** link) {
    Node* node = *link;
    *link = node->next;
    node_bytes_ -= NodeAllocEstimate(node->key_len);
    DestroyNode(node);
    --size_;
    if (!resize_paused_) ResizeIfNeeded();
  }

  // ---- resizing -----------------------------------------------------------------------------

  // Frees the buckets of an empty table, shrinks a sparse one, grows an overfull one (only
  // after a paused insertion). Never throws: if memory is short, the table keeps its size.
  void ResizeIfNeeded() noexcept {
    if (size_ == 0) {
      std::free(buckets_);
      buckets_ = nullptr;
      bucket_count_ = 0;
    } else if (bucket_count_ > kMinBuckets && size_ < bucket_count_ / 8) {
      size_t target = kMinBuckets;
      while (target < size_) target *= 2;
      Rehash(target, /*may_throw=*/false);
    } else if (size_ > bucket_count_ && bucket_count_ < kMaxBuckets) {
      size_t target = bucket_count_;
      while (target < size_ && target < kMaxBuckets) target *= 2;
      Rehash(target, /*may_throw=*/false);
    }
  }

  // Relinks every node into a fresh array of `new_count` buckets. On allocation failure throws
  // std::bad_alloc or (may_throw == false) leaves the table as it was.
  void Rehash(size_t new_count, bool may_throw) {
    auto** fresh = static_cast<Node**>(std::calloc(new_count, sizeof(Node*)));
    if (fresh == nullptr) {
      if (may_throw) throw std::bad_alloc();
      return;
    }
    const size_t new_mask = new_count - 1;
    for (size_t i = 0; i < bucket_count_; ++i) {
      for (Node* node = buckets_[i]; node != nullptr;) {
        Node* next = node->next;
        Node** slot = &fresh[node->hash & new_mask];
        node->next = *slot;
        *slot = node;
        node = next;
      }
    }
    std::free(buckets_);
    buckets_ = fresh;
    bucket_count_ = new_count;
  }

  void DestroyAll() {
    for (size_t i = 0; i < bucket_count_; ++i) {
      for (Node* node = buckets_[i]; node != nullptr;) {
        Node* next = node->next;
        DestroyNode(node);
        node = next;
      }
    }
    std::free(buckets_);
    buckets_ = nullptr;
    bucket_count_ = 0;
    size_ = 0;
    node_bytes_ = 0;
  }

  void StealFrom(KeyTable& other) noexcept {
    buckets_ = std::exchange(other.buckets_, nullptr);
    bucket_count_ = std::exchange(other.bucket_count_, 0);
    size_ = std::exchange(other.size_, 0);
    node_bytes_ = std::exchange(other.node_bytes_, 0);
    resize_paused_ = false;
  }

  Node** buckets_ = nullptr;
  size_t bucket_count_ = 0;
  size_t size_ = 0;
  size_t node_bytes_ = 0;  // sum of NodeAllocEstimate over live nodes
  bool resize_paused_ = false;
};

}  // namespace fincache
