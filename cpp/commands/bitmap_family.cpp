// Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
//
// Bitmaps are string values (Value::str()) read as a bit array: bit 0 is the most significant bit
// of byte 0, bit 8 the most significant bit of byte 1, and so on; bits past the end of the string
// read as 0. An integer-encoded string is read through its decimal text, as Redis does.
//
// Writes (SETBIT, BITFIELD SET/INCRBY) grow the string with zero bytes up to the highest byte they
// touch and make it "raw" (Redis unshares and decodes the object); a missing key is created
// "raw" too. Bit offsets are limited as in Redis: (offset >> 3) < proto-max-bulk-len, so a bitmap
// holds at most proto-max-bulk-len bytes (BITFIELD may reach a few bytes past it with a wide
// field, like Redis). BITOP stores a fresh "raw" string (clearing the TTL) or deletes the
// destination when every source is empty or missing. Memory accounting of grown strings is done
// by the dispatcher's Db::AfterWrite on the command's keys.
//
// Lookups follow Redis: GETBIT, BITCOUNT, BITPOS, BITOP sources and read-only BITFIELDs use read
// lookups (keyspace hits/misses, LRU); SETBIT and writing BITFIELDs use write lookups (no stats).
// Argument errors come before the key lookup except where Redis looks the key up first (BITCOUNT,
// BITPOS: a missing key answers 0 / -1 before the range arguments are parsed).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "common/errors.h"
#include "common/strings.h"
#include "protocol/reply_builder.h"

namespace fincache {

namespace {

// ============================================================================================
// Bit access on byte strings
// ============================================================================================

// Redis compares keywords with strcasecmp on C strings: an argument matches up to its first NUL.
std::string_view CStr(std::string_view s) {
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

inline int BitAt(std::string_view s, uint64_t pos) {
  uint64_t byte = pos >> 3;
  if (byte >= s.size()) return 0;
  return (static_cast<uint8_t>(s[byte]) >> (7 - (pos & 7))) & 1;
}

// The `bits` bits starting at bit `offset`, most significant first; zeros past the end.
uint64_t ReadUnsigned(std::string_view s, uint64_t offset, int bits) {
  uint64_t v = 0;
  for (int i = 0; i < bits; ++i) v = (v << 1) | static_cast<uint64_t>(BitAt(s, offset + i));
  return v;
}

int64_t ReadSigned(std::string_view s, uint64_t offset, int bits) {
  uint64_t v = ReadUnsigned(s, offset, bits);
  if (bits < 64 && (v >> (bits - 1)) & 1) v |= ~uint64_t{0} << bits;  // sign extension
  return static_cast<int64_t>(v);
}

// Writes the low `bits` bits of v at bit `offset`; the string already holds those bytes.
void WriteBits(std::string& s, uint64_t offset, int bits, uint64_t v) {
  for (int i = 0; i < bits; ++i) {
    uint64_t pos = offset + i;
    auto& byte = reinterpret_cast<uint8_t&>(s[pos >> 3]);
    uint8_t mask = static_cast<uint8_t>(1u << (7 - (pos & 7)));
    if ((v >> (bits - 1 - i)) & 1)
      byte |= mask;
    else
      byte &= static_cast<uint8_t>(~mask);
  }
}

int64_t PopCount(const uint8_t* p, size_t n) {
  int64_t count = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    count += std::popcount(w);
  }
  for (; i < n; ++i) count += std::popcount(p[i]);
  return count;
}

// Set bits among bits [first, last] (inclusive, within the string).
int64_t CountBits(std::string_view s, uint64_t first, uint64_t last) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  uint64_t b0 = first >> 3, b1 = last >> 3;
  int64_t count = PopCount(p + b0, b1 - b0 + 1);
  // Take away the bits of the edge bytes that lie outside the range.
  uint8_t before = static_cast<uint8_t>(0xFF00u >> (first & 7));    // bits left of `first`
  uint8_t after = static_cast<uint8_t>(0xFFu >> ((last & 7) + 1));  // bits right of `last`
  count -= std::popcount(static_cast<uint8_t>(p[b0] & before));
  count -= std::popcount(static_cast<uint8_t>(p[b1] & after));
  return count;
}

// The first bit equal to `bit` among bits [first, last] (inclusive, within the string), or -1.
int64_t FindBit(std::string_view s, uint64_t first, uint64_t last, int bit) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t skip = bit ? 0x00 : 0xFF;  // a byte holding no wanted bit
  uint64_t i = first;
  while (i <= last && (i & 7) != 0) {
    if (BitAt(s, i) == bit) return static_cast<int64_t>(i);
    ++i;
  }
  const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
  while (i + 63 <= last) {  // whole words
    uint64_t w;
    std::memcpy(&w, p + (i >> 3), 8);
    if (w != skip_word) break;
    i += 64;
  }
  while (i + 7 <= last) {  // whole bytes
    uint8_t b = p[i >> 3];
    if (b != skip) {
      uint8_t wanted = bit ? b : static_cast<uint8_t>(~b);
      return static_cast<int64_t>(i) + std::countl_zero(wanted);
    }
    i += 8;
  }
  for (; i <= last; ++i)
    if (BitAt(s, i) == bit) return static_cast<int64_t>(i);
  return -1;
}

// ============================================================================================
// Argument parsing
// ============================================================================================

// A bit offset (Redis's getBitOffsetFromArgument). With `hash`, "#N" means N * bits (wrapping
// like Redis's signed multiplication). Rejects negatives and offsets whose byte is past
// proto-max-bulk-len.
bool ParseBitOffset(std::string_view arg, bool hash, int bits, int64_t max_bulk, uint64_t* out) {
  bool use_hash = hash && !arg.empty() && arg[0] == '#';
  int64_t v;
  if (!ParseInt64(use_hash ? arg.substr(1) : arg, &v)) return false;
  if (use_hash) v = static_cast<int64_t>(static_cast<uint64_t>(v) * static_cast<uint64_t>(bits));
  if (v < 0 || (v >> 3) >= max_bulk) return false;
  *out = static_cast<uint64_t>(v);
  return true;
}

struct FieldType {
  bool is_signed = false;
  int bits = 0;
};

// "i1".."i64" or "u1".."u63" (the prefix is case-sensitive, as in Redis).
bool ParseFieldType(std::string_view arg, FieldType* out) {
  arg = CStr(arg);
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u')) return false;
  out->is_signed = arg[0] == 'i';
  int64_t n;
  if (!ParseInt64(arg.substr(1), &n) || n < 1 || n > (out->is_signed ? 64 : 63)) return false;
  out->bits = static_cast<int>(n);
  return true;
}

// BITCOUNT/BITPOS ranges: start/end in bytes or bits (negative from the end), clamped to the
// string. Sets [*first, *last] in bits; false when the range is empty.
bool BitRange(size_t len, int64_t start, int64_t end, bool in_bits, uint64_t* first,
              uint64_t* last) {
  int64_t total = static_cast<int64_t>(len) * (in_bits ? 8 : 1);
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) return false;
  *first = static_cast<uint64_t>(in_bits ? start : start * 8);
  *last = static_cast<uint64_t>(in_bits ? end : end * 8 + 7);
  return true;
}

// BYTE or BIT (case-insensitive); false otherwise.
bool ParseIndexUnit(std::string_view arg, bool* in_bits) {
  arg = CStr(arg);
  if (EqualsIgnoreCase(arg, "bit")) {
    *in_bits = true;
  } else if (EqualsIgnoreCase(arg, "byte")) {
    *in_bits = false;
  } else {
    return false;
  }
  return true;
}

// ============================================================================================
// Op* functions
// ============================================================================================

// The string of `key` for a bit write reaching bit `max_bit`: created (raw, zeros) when missing,
// grown with zero bytes when shorter, made raw otherwise (Redis's lookupStringForBitCommand).
// *dirty (when given): whether it was created or grown.
OpResult<std::string*> OpStringForBitWrite(Db& db, std::string_view key, uint64_t max_bit,
                                           bool* dirty = nullptr) {
  size_t need = static_cast<size_t>(max_bit >> 3) + 1;
  Entry* e = db.FindWrite(key);
  if (e && !e->value.is_string()) return OpStatus::kWrongType;
  const bool created = !e;
  if (!e) e = db.FindOrInsert(key).first;
  std::string& s = e->value.MutableStringRaw();
  const bool grown = s.size() < need;
  if (grown) s.resize(need, '\0');
  if (dirty) *dirty = created || grown;
  return &s;
}

// SETBIT: the previous bit. *changed: whether the string was created or grown, or the bit
// flipped (Redis 7.0 signals and notifies only then).
OpResult<int64_t> OpSetBit(Db& db, std::string_view key, uint64_t offset, int on, bool* changed) {
  bool dirty = false;
  auto res = OpStringForBitWrite(db, key, offset, &dirty);
  if (!res) return res.status();
  std::string& s = **res;
  int old = BitAt(s, offset);
  WriteBits(s, offset, 1, static_cast<uint64_t>(on));
  *changed = dirty || old != on;
  return old;
}

enum class BitOp : uint8_t { kAnd, kOr, kXor, kNot };

// BITOP: the length of the stored result (0: the destination was deleted).
OpResult<int64_t> OpBitOp(Db& db, BitOp op, std::string_view dest, CmdArgList sources) {
  std::vector<std::string_view> srcs;
  srcs.reserve(sources.size());
  size_t maxlen = 0;
  for (std::string_view key : sources) {
    Entry* e = db.FindRead(key);
    if (!e) {
      srcs.emplace_back();  // a missing key reads as an empty string
      continue;
    }
    if (!e->value.is_string()) return OpStatus::kWrongType;
    srcs.push_back(e->value.str());  // entries don't move while this command runs
    maxlen = std::max(maxlen, srcs.back().size());
  }
  if (maxlen == 0) {
    db.Delete(dest);
    return 0;
  }
  // Byte by byte as in Redis, one source at a time (loops the compiler vectorizes); a source
  // shorter than the result reads as zero-padded.
  std::string out(maxlen, '\0');
  auto* o = reinterpret_cast<uint8_t*>(out.data());
  if (!srcs[0].empty()) std::memcpy(o, srcs[0].data(), srcs[0].size());
  if (op == BitOp::kNot) {
    for (size_t i = 0; i < maxlen; ++i) o[i] = static_cast<uint8_t>(~o[i]);
  }
  for (size_t j = 1; j < srcs.size(); ++j) {
    const auto* p = reinterpret_cast<const uint8_t*>(srcs[j].data());
    size_t n = srcs[j].size();
    if (op == BitOp::kAnd) {
      for (size_t i = 0; i < n; ++i) o[i] &= p[i];
      std::memset(o + n, 0, maxlen - n);
    } else if (op == BitOp::kOr) {
      for (size_t i = 0; i < n; ++i) o[i] |= p[i];
    } else {
      for (size_t i = 0; i < n; ++i) o[i] ^= p[i];
    }
  }
  Entry* e = db.FindWrite(dest);
  if (!e) e = db.FindOrInsert(dest).first;
  Value v;
  v.SetString(std::move(out));
  v.set_str_encoding(StrEncoding::kRaw);  // Redis stores a fresh raw object
  e->value = std::move(v);
  db.SetExpire(e, 0);
  return static_cast<int64_t>(maxlen);
}

// ---- BITFIELD ----

enum class Overflow : uint8_t { kWrap, kSat, kFail };

struct FieldOp {
  enum Kind : uint8_t { kGet, kSet, kIncrBy } kind;
  FieldType type;
  uint64_t offset;
  int64_t arg;  // SET value / INCRBY increment
  Overflow overflow;
};

// Whether value + incr leaves the range of a field of type t: +1 above, -1 below, 0 inside.
// `value` is the field's current value (INCRBY) or the argument (SET, with incr 0), as 64 bits.
// Redis 7.0 computes the room left on each side in wrapping 64-bit arithmetic and this keeps
// its classification: a signed SET far below the range (e.g. i8 with -2^63) counts as above,
// so SAT stores the maximum; an unsigned SET of a negative number counts as above too.
int OverflowSide(const FieldType& t, uint64_t value, int64_t incr) {
  if (t.is_signed) {
    int64_t v = static_cast<int64_t>(value);
    int64_t max = t.bits == 64 ? INT64_MAX : (int64_t{1} << (t.bits - 1)) - 1;
    int64_t min = -max - 1;
    auto room_up = static_cast<int64_t>(static_cast<uint64_t>(max) - value);
    auto room_down = static_cast<int64_t>(static_cast<uint64_t>(min) - value);
    bool narrow = t.bits != 64;
    if (v > max || (narrow && incr > room_up) || (v >= 0 && incr > 0 && incr > room_up)) return 1;
    if (v < min || (narrow && incr < room_down) || (v < 0 && incr < 0 && incr < room_down))
      return -1;
    return 0;
  }
  uint64_t max = (uint64_t{1} << t.bits) - 1;
  auto room_up = static_cast<int64_t>(max - value);
  auto room_down = static_cast<int64_t>(uint64_t{0} - value);
  if (value > max || (incr > 0 && incr > room_up)) return 1;
  if (incr < 0 && incr < room_down) return -1;
  return 0;
}

// Applies value + incr to a field of type t under the overflow policy. Returns false when FAIL
// refuses it; otherwise *out is the bits to store (signed results sign-extended to 64 bits).
bool FieldArith(const FieldType& t, uint64_t value, int64_t incr, Overflow ow, uint64_t* out) {
  uint64_t sum = value + static_cast<uint64_t>(incr);  // modulo 2^64
  int side = OverflowSide(t, value, incr);
  if (side == 0) {
    *out = sum;
    return true;
  }
  switch (ow) {
    case Overflow::kFail:
      return false;
    case Overflow::kSat:
      if (t.is_signed) {
        int64_t max = t.bits == 64 ? INT64_MAX : (int64_t{1} << (t.bits - 1)) - 1;
        *out = static_cast<uint64_t>(side > 0 ? max : -max - 1);
      } else {
        *out = side > 0 ? (uint64_t{1} << t.bits) - 1 : 0;
      }
      return true;
    case Overflow::kWrap:
      if (t.bits < 64) {
        uint64_t high = ~uint64_t{0} << t.bits;
        bool negative = t.is_signed && ((sum >> (t.bits - 1)) & 1);
        sum = negative ? (sum | high) : (sum & ~high);
      }
      *out = sum;
      return true;
  }
  return false;
}

// The reply of each op: a value, or nullopt (FAIL overflow).
using FieldReplies = std::vector<std::optional<int64_t>>;

// *changes: the write operations that ran and either changed the bits they address or found
// the string created or grown (Redis 7.0 signals and notifies only when there are some).
OpResult<FieldReplies> OpBitField(Db& db, std::string_view key, const std::vector<FieldOp>& ops,
                                  bool writes, uint64_t max_bit, size_t* changes) {
  std::string* ws = nullptr;
  std::string_view rs;
  bool dirty = false;
  *changes = 0;
  if (writes) {
    auto res = OpStringForBitWrite(db, key, max_bit, &dirty);
    if (!res) return res.status();
    ws = *res;
  } else {
    auto res = db.FindReadOfType(key, ObjType::kString);
    if (!res && res.status() != OpStatus::kKeyNotFound) return res.status();
    if (res) rs = (*res)->value.str();
  }
  FieldReplies out;
  out.reserve(ops.size());
  for (const FieldOp& op : ops) {
    std::string_view s = ws ? std::string_view(*ws) : rs;
    const FieldType& t = op.type;
    if (op.kind == FieldOp::kGet) {
      out.emplace_back(t.is_signed ? ReadSigned(s, op.offset, t.bits)
                                   : static_cast<int64_t>(ReadUnsigned(s, op.offset, t.bits)));
      continue;
    }
    uint64_t old = t.is_signed ? static_cast<uint64_t>(ReadSigned(s, op.offset, t.bits))
                               : ReadUnsigned(s, op.offset, t.bits);
    uint64_t stored;
    bool ok = op.kind == FieldOp::kIncrBy
                  ? FieldArith(t, old, op.arg, op.overflow, &stored)
                  : FieldArith(t, static_cast<uint64_t>(op.arg), 0, op.overflow, &stored);
    if (!ok) {
      out.emplace_back(std::nullopt);
      continue;
    }
    WriteBits(*ws, op.offset, t.bits, stored);
    const uint64_t mask = t.bits == 64 ? ~uint64_t{0} : (uint64_t{1} << t.bits) - 1;
    if (dirty || ((old ^ stored) & mask) != 0) ++*changes;
    // INCRBY answers the new value (signed results are stored sign-extended), SET the old one.
    out.emplace_back(
        static_cast<int64_t>(op.kind == FieldOp::kIncrBy ? stored : static_cast<uint64_t>(old)));
  }
  return out;
}

// ============================================================================================
// Cmd* handlers
// ============================================================================================

int64_t MaxBulk(const CommandContext& ctx) { return ctx.server.config().proto_max_bulk_len.load(); }

// SETBIT key offset value -> integer: the bit's previous value
void CmdSetBit(CmdArgList args, CommandContext& ctx) {
  uint64_t offset;
  if (!ParseBitOffset(args[2], false, 0, MaxBulk(ctx), &offset))
    return ctx.SendError(errors::kBitOffsetInvalid);
  int64_t on;
  if (!ParseInt64(args[3], &on) || (on & ~int64_t{1}) != 0)
    return ctx.SendError(errors::kBitValueInvalid);
  Db db = ctx.db();
  bool changed = false;
  auto res = OpSetBit(db, args[1], offset, static_cast<int>(on), &changed);
  if (!res) return ctx.SendStatus(res.status());
  if (changed) ctx.Notify(notify::kString, "setbit", args[1]);
  ctx.rb.SendLong(*res);
}

// GETBIT key offset -> integer: the bit (0 past the end or for a missing key)
void CmdGetBit(CmdArgList args, CommandContext& ctx) {
  uint64_t offset;
  if (!ParseBitOffset(args[2], false, 0, MaxBulk(ctx), &offset))
    return ctx.SendError(errors::kBitOffsetInvalid);
  Db db = ctx.db();
  auto res = db.FindReadOfType(args[1], ObjType::kString);
  if (res) return ctx.rb.SendLong(BitAt((*res)->value.str(), offset));
  if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendLong(0);
  ctx.SendStatus(res.status());
}

// BITCOUNT key [start end [BYTE|BIT]] -> integer: the number of set bits in the range
void CmdBitCount(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  auto res = db.FindReadOfType(args[1], ObjType::kString);
  if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendLong(0);
  if (!res) return ctx.SendStatus(res.status());
  std::string_view s = (*res)->value.str();
  int64_t start = 0, end = -1;
  bool in_bits = false;
  if (args.size() == 4 || args.size() == 5) {
    if (!ParseInt64(args[2], &start) || !ParseInt64(args[3], &end))
      return ctx.SendError(errors::kNotInteger);
    // Both negative and crossed: empty before the unit is even looked at (Redis's order).
    if (start < 0 && end < 0 && start > end) return ctx.rb.SendLong(0);
    if (args.size() == 5 && !ParseIndexUnit(args[4], &in_bits))
      return ctx.SendError(errors::kSyntax);
  } else if (args.size() != 2) {
    return ctx.SendError(errors::kSyntax);
  }
  uint64_t first, last;
  if (!BitRange(s.size(), start, end, in_bits, &first, &last)) return ctx.rb.SendLong(0);
  ctx.rb.SendLong(CountBits(s, first, last));
}

// BITPOS key bit [start [end [BYTE|BIT]]] -> integer: the first position of `bit` in the range,
// or -1. Looking for 0 without an explicit end, the string reads as followed by zeros.
void CmdBitPos(CmdArgList args, CommandContext& ctx) {
  int64_t bit;
  if (!ParseInt64(args[2], &bit)) return ctx.SendError(errors::kNotInteger);
  if (bit != 0 && bit != 1) return ctx.SendError(errors::kBitposBitArg);
  Db db = ctx.db();
  auto res = db.FindReadOfType(args[1], ObjType::kString);
  if (res.status() == OpStatus::kKeyNotFound) return ctx.rb.SendLong(bit ? -1 : 0);
  if (!res) return ctx.SendStatus(res.status());
  std::string_view s = (*res)->value.str();
  int64_t start = 0, end = -1;
  bool in_bits = false, end_given = false;
  if (args.size() >= 4 && args.size() <= 6) {
    if (!ParseInt64(args[3], &start)) return ctx.SendError(errors::kNotInteger);
    if (args.size() == 6 && !ParseIndexUnit(args[5], &in_bits))
      return ctx.SendError(errors::kSyntax);
    if (args.size() >= 5) {
      if (!ParseInt64(args[4], &end)) return ctx.SendError(errors::kNotInteger);
      end_given = true;
    }
  } else if (args.size() != 3) {
    return ctx.SendError(errors::kSyntax);
  }
  uint64_t first, last;
  if (!BitRange(s.size(), start, end, in_bits, &first, &last)) return ctx.rb.SendLong(-1);
  int64_t pos = FindBit(s, first, last, static_cast<int>(bit));
  if (pos < 0 && bit == 0 && !end_given) pos = static_cast<int64_t>(last) + 1;
  ctx.rb.SendLong(pos);
}

// BITOP AND|OR|XOR|NOT destkey key [key ...] -> integer: the length of the stored string
void CmdBitOp(CmdArgList args, CommandContext& ctx) {
  std::string_view name = CStr(args[1]);
  BitOp op;
  if (EqualsIgnoreCase(name, "and")) {
    op = BitOp::kAnd;
  } else if (EqualsIgnoreCase(name, "or")) {
    op = BitOp::kOr;
  } else if (EqualsIgnoreCase(name, "xor")) {
    op = BitOp::kXor;
  } else if (EqualsIgnoreCase(name, "not")) {
    op = BitOp::kNot;
  } else {
    return ctx.SendError(errors::kSyntax);
  }
  if (op == BitOp::kNot && args.size() != 4) return ctx.SendError(errors::kBitopNotSingleKey);
  Db db = ctx.db();
  bool existed = db.Find(args[2]) != nullptr;
  auto res = OpBitOp(db, op, args[2], args.subspan(3));
  if (!res) return ctx.SendStatus(res.status());
  if (*res > 0)
    ctx.Notify(notify::kString, "set", args[2]);
  else if (existed)
    ctx.Notify(notify::kGeneric, "del", args[2]);
  ctx.rb.SendLong(*res);
}

// BITFIELD key [GET type offset | [OVERFLOW WRAP|SAT|FAIL] SET type offset value |
//               [OVERFLOW WRAP|SAT|FAIL] INCRBY type offset increment ...]
//   -> array: per GET the value, per SET the old value, per INCRBY the new value; null for a
//      SET/INCRBY refused by OVERFLOW FAIL
// BITFIELD_RO key [GET type offset ...] -> array: the values
template <bool kReadOnly>
void CmdBitField(CmdArgList args, CommandContext& ctx) {
  std::vector<FieldOp> ops;
  Overflow overflow = Overflow::kWrap;
  bool writes = false;
  uint64_t max_bit = 0;
  const int64_t max_bulk = MaxBulk(ctx);
  for (size_t j = 2; j < args.size(); ++j) {
    size_t rem = args.size() - j - 1;
    std::string_view sub = CStr(args[j]);
    FieldOp op{};
    if (EqualsIgnoreCase(sub, "get") && rem >= 2) {
      op.kind = FieldOp::kGet;
    } else if (EqualsIgnoreCase(sub, "set") && rem >= 3) {
      op.kind = FieldOp::kSet;
    } else if (EqualsIgnoreCase(sub, "incrby") && rem >= 3) {
      op.kind = FieldOp::kIncrBy;
    } else if (EqualsIgnoreCase(sub, "overflow") && rem >= 1) {
      std::string_view how = CStr(args[++j]);
      if (EqualsIgnoreCase(how, "wrap")) {
        overflow = Overflow::kWrap;
      } else if (EqualsIgnoreCase(how, "sat")) {
        overflow = Overflow::kSat;
      } else if (EqualsIgnoreCase(how, "fail")) {
        overflow = Overflow::kFail;
      } else {
        return ctx.SendError(errors::kBitfieldInvalidOverflow);
      }
      continue;
    } else {
      return ctx.SendError(errors::kSyntax);
    }
    if (!ParseFieldType(args[j + 1], &op.type)) return ctx.SendError(errors::kBitfieldInvalidType);
    if (!ParseBitOffset(args[j + 2], true, op.type.bits, max_bulk, &op.offset))
      return ctx.SendError(errors::kBitOffsetInvalid);
    if (op.kind != FieldOp::kGet) {
      writes = true;
      max_bit = std::max(max_bit, op.offset + static_cast<uint64_t>(op.type.bits) - 1);
      if (!ParseInt64(args[j + 3], &op.arg)) return ctx.SendError(errors::kNotInteger);
    }
    op.overflow = overflow;
    ops.push_back(op);
    j += op.kind == FieldOp::kGet ? 2 : 3;
  }
  if (kReadOnly && writes) return ctx.SendError(errors::kBitfieldRoOnlyGet);
  Db db = ctx.db();
  size_t changes = 0;
  auto res = OpBitField(db, args[1], ops, writes, max_bit, &changes);
  if (!res) return ctx.SendStatus(res.status());
  if (changes) ctx.Notify(notify::kString, "setbit", args[1]);
  ctx.rb.StartArray(res->size());
  for (const auto& v : *res) {
    if (v)
      ctx.rb.SendLong(*v);
    else
      ctx.rb.SendNull();
  }
}

// BITFIELD's key flags for COMMAND GETKEYSANDFLAGS: RO access when every argument is a complete
// GET or OVERFLOW, otherwise (a SET/INCRBY, or something malformed) RW access update.
uint16_t BitFieldKeyFlags(CmdArgList args, uint16_t /*declared*/) {
  for (size_t i = 2; i < args.size(); ++i) {
    size_t rem = args.size() - i - 1;
    std::string_view a = CStr(args[i]);
    if (EqualsIgnoreCase(a, "get") && rem >= 2) {
      i += 2;
    } else if (EqualsIgnoreCase(a, "overflow") && rem >= 1) {
      i += 1;
    } else {
      return KS::kRW | KS::kAccess | KS::kUpdate;
    }
  }
  return KS::kRO | KS::kAccess;
}

}  // namespace

// ============================================================================================
// Registration
// ============================================================================================

void RegisterBitmapFamily(CommandRegistry& r) {
  auto add = [&r](std::string_view name, int arity, uint32_t flags, int first, int last,
                  std::string_view since, std::string_view summary, std::string_view complexity,
                  CommandHandler handler) -> CommandSpec& {
    CommandSpec spec;
    spec.name = std::string(name);
    spec.arity = arity;
    spec.flags = flags;
    spec.first_key = first;
    spec.last_key = last;
    spec.key_step = 1;
    spec.acl = ACL::kBitmap;
    spec.group = "bitmap";
    spec.since = since;
    spec.summary = summary;
    spec.complexity = complexity;
    spec.handler = handler;
    return r.Add(std::move(spec));
  };
  constexpr uint32_t kW = CO::kWrite;
  constexpr uint32_t kR = CO::kReadOnly;
  constexpr uint32_t kOom = CO::kDenyOom;
  constexpr uint32_t kF = CO::kFast;
  constexpr std::string_view kIndexUnit =
      "index_unit/oneof^7.0.0?[byte/pure-token=BYTE bit/pure-token=BIT]";

  add("setbit", 4, kW | kOom, 1, 1, "2.2.0",
      "Sets or clears the bit at offset in the string value stored at key", "O(1)", CmdSetBit)
      .KeySpecs({KS::Index(1).RW().Access().Update()})
      .Args("key/key#0 offset/integer value/integer");
  add("getbit", 3, kR | kF, 1, 1, "2.2.0",
      "Returns the bit value at offset in the string value stored at key", "O(1)", CmdGetBit)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 offset/integer");
  static const std::string kBitCountArgs =
      "key/key#0 index/block?[start/integer end/integer " + std::string(kIndexUnit) + "]";
  add("bitcount", -2, kR, 1, 1, "2.6.0", "Count set bits in a string", "O(N)", CmdBitCount)
      .KeySpecs({KS::Index(1).RO().Access()})
      .History({{"7.0.0", "Added the `BYTE|BIT` option."}})
      .Args(kBitCountArgs);
  static const std::string kBitPosArgs =
      "key/key#0 bit/integer index/block?[start/integer end_index/block?[end/integer " +
      std::string(kIndexUnit) + "]]";
  add("bitpos", -3, kR, 1, 1, "2.8.7", "Find first bit set or clear in a string", "O(N)", CmdBitPos)
      .KeySpecs({KS::Index(1).RO().Access()})
      .History({{"7.0.0", "Added the `BYTE|BIT` option."}})
      .Args(kBitPosArgs);
  add("bitop", -4, kW | kOom, 2, -1, "2.6.0", "Perform bitwise operations between strings", "O(N)",
      CmdBitOp)
      .KeySpecs({KS::Index(2).OW().Update(), KS::Index(3).Range(-1).RO().Access()})
      .Args("operation/string destkey/key#0 key/key#1*");
  add("bitfield", -2, kW | kOom, 1, 1, "3.2.0",
      "Perform arbitrary bitfield integer operations on strings",
      "O(1) for each subcommand specified", CmdBitField<false>)
      .KeySpecs({KS::Index(1).RW().Access().Update().VariableFlags().Notes(
          "This command allows both access and modification of the key")})
      .KeyFlags(BitFieldKeyFlags)
      .Args(
          "key/key#0 operation/oneof?*[encoding_offset/block=GET[encoding/string offset/integer] "
          "write/block[wrap_sat_fail/oneof=OVERFLOW?[wrap/pure-token=WRAP sat/pure-token=SAT "
          "fail/pure-token=FAIL] write_operation/oneof[encoding_offset_value/block=SET[encoding/"
          "string offset/integer value/integer] encoding_offset_increment/block=INCRBY[encoding/"
          "string offset/integer increment/integer]]]]");
  add("bitfield_ro", -2, kR | kF, 1, 1, "6.0.0",
      "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
      "O(1) for each subcommand specified", CmdBitField<true>)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 encoding_offset/block=GET?*&[encoding/string offset/integer]");
}

}  // namespace fincache
