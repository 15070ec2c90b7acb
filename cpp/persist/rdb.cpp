#include "persist/rdb.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "common/strings.h"
#include "persist/crc64.h"
#include "persist/lzf.h"
#include "persist/packed.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/zset.h"

namespace fincache::persist {
namespace {

// Length encoding: 00xxxxxx (6 bits), 01xxxxxx xxxxxxxx (14 bits, big endian), 0x80 + u32 BE,
// 0x81 + u64 BE, 11xxxxxx a special string encoding.
constexpr uint8_t kLen6 = 0, kLen14 = 1, kLen32 = 0x80, kLen64 = 0x81, kEncVal = 3;
constexpr uint8_t kEncInt8 = 0, kEncInt16 = 1, kEncInt32 = 2, kEncLzf = 3;

// Quicklist nodes (QUICKLIST_2): container ids and Redis 7.0's fill rule for the default
// list-max-listpack-size -2: an element joins the tail node while the node's bytes plus the
// element's length plus 8 stay within 8 KB; elements of 1 GB or more get a node of their own.
constexpr uint64_t kContainerPlain = 1, kContainerPacked = 2;
constexpr size_t kNodeSizeLimit = 8192, kSizeEstimateOverhead = 8;
constexpr size_t kPackedThreshold = size_t{1} << 30;

// Redis 7.0's d2string, as zset listpacks store scores: integral values in the exact range as
// integers, others as "%.17g".
std::string ScoreText(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";
  constexpr double kMin = -4503599627370495.0, kMax = 4503599627370496.0;
  if (v > kMin && v < kMax && v == static_cast<double>(static_cast<int64_t>(v)))
    return Int64ToString(static_cast<int64_t>(v));
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", v);
  return std::string(buf, n);
}

bool ParseScore(const std::string& s, double* out) {
  if (!ParseDouble(s, out)) return false;
  return !std::isnan(*out);
}

void SaveList(RdbWriter& w, const ListValue& l) {
  std::vector<std::pair<uint64_t, std::string>> nodes;
  ListpackBuilder lp;
  auto close_node = [&] {
    if (lp.count() > 0) nodes.emplace_back(kContainerPacked, lp.Finish());
  };
  for (size_t i = 0; i < l.size(); ++i) {
    const std::string& e = l.at(i);
    if (e.size() >= kPackedThreshold) {
      close_node();
      nodes.emplace_back(kContainerPlain, e);
      continue;
    }
    if (lp.count() > 0 && lp.bytes() + e.size() + kSizeEstimateOverhead > kNodeSizeLimit)
      close_node();
    lp.Append(e);
  }
  close_node();
  w.Len(nodes.size());
  for (auto& [container, blob] : nodes) {
    w.Len(container);
    w.String(blob);
  }
}

void SaveSet(RdbWriter& w, const SetValue& s) {
  if (s.enc() == SetValue::Encoding::kIntSet) {
    const IntSet& is = s.intset();
    std::vector<int64_t> values(is.size());
    for (size_t i = 0; i < is.size(); ++i) values[i] = is.At(i);
    w.String(BuildIntset(values, is.width()));
    return;
  }
  w.Len(s.Size());
  s.ForEach([&](std::string_view m) { w.String(m); });
}

void SaveZSet(RdbWriter& w, const ZSet& z) {
  if (z.is_listpack()) {
    ListpackBuilder lp;
    z.Visit(0, z.size(), false, [&](std::string_view m, double score) {
      lp.Append(m);
      lp.Append(ScoreText(score));
    });
    w.String(lp.Finish());
    return;
  }
  // From the highest score down, as Redis walks its skiplist backwards.
  w.Len(z.size());
  z.Visit(z.size() - 1, z.size(), true, [&](std::string_view m, double score) {
    w.String(m);
    w.DoubleBinary(score);
  });
}

void SaveHash(RdbWriter& w, const HashValue& h) {
  if (h.is_listpack()) {
    ListpackBuilder lp;
    h.ForEach([&](std::string_view f, std::string_view v) {
      lp.Append(f);
      lp.Append(v);
    });
    w.String(lp.Finish());
    return;
  }
  w.Len(h.size());
  h.ForEach([&](std::string_view f, std::string_view v) {
    w.String(f);
    w.String(v);
  });
}

// ---- loading ----------------------------------------------------------------------------------

// Reads a collection length; collections are never allowed to be empty (Redis refuses empty
// keys) and every element needs at least one byte of input.
bool CollectionLen(RdbReader& r, uint64_t* n) {
  if (!r.Len(n)) return false;
  if (*n == 0) return r.Fail("empty collection");
  if (*n > r.remaining()) return r.Fail("collection length larger than the input");
  return true;
}

bool LoadBlob(RdbReader& r, std::string* blob) { return r.String(blob); }

bool FinishList(RdbReader& r, std::unique_ptr<ListValue> l, Value* out) {
  if (l->empty()) return r.Fail("empty list");
  out->SetObject(std::move(l));
  return true;
}

bool LoadList(RdbReader& r, uint8_t type, Value* out) {
  auto l = std::make_unique<ListValue>();
  std::string blob;
  std::vector<std::string> elems;
  if (type == rdbtype::kList) {
    uint64_t n;
    if (!CollectionLen(r, &n)) return false;
    for (uint64_t i = 0; i < n; ++i) {
      if (!r.String(&blob)) return false;
      l->Push(ListValue::End::kTail, blob);
    }
  } else if (type == rdbtype::kListZiplist) {
    if (!LoadBlob(r, &blob)) return false;
    if (!ParseZiplist(blob, &elems)) return r.Fail("corrupt ziplist");
    for (auto& e : elems) l->Push(ListValue::End::kTail, e);
  } else {  // quicklist of ziplists (v1) or of listpacks / plain nodes (v2)
    uint64_t nodes;
    if (!CollectionLen(r, &nodes)) return false;
    for (uint64_t i = 0; i < nodes; ++i) {
      uint64_t container = kContainerPacked;
      if (type == rdbtype::kListQuicklist2) {
        if (!r.Len(&container)) return false;
        if (container != kContainerPlain && container != kContainerPacked)
          return r.Fail("unknown quicklist node container");
      }
      if (!LoadBlob(r, &blob)) return false;
      if (container == kContainerPlain) {
        l->Push(ListValue::End::kTail, blob);
        continue;
      }
      elems.clear();
      bool ok = type == rdbtype::kListQuicklist2 ? ParseListpack(blob, &elems)
                                                 : ParseZiplist(blob, &elems);
      if (!ok) return r.Fail("corrupt quicklist node");
      // Empty nodes are skipped, as Redis does.
      for (auto& e : elems) l->Push(ListValue::End::kTail, e);
    }
  }
  return FinishList(r, std::move(l), out);
}

bool LoadSet(RdbReader& r, uint8_t type, Value* out) {
  std::unique_ptr<SetValue> s;
  std::string blob;
  auto add = [&](std::string_view m) {
    if (!s) s = SetValue::CreateFor(m);
    if (!s->Add(m)) return r.Fail("duplicate set member");
    return true;
  };
  if (type == rdbtype::kSet) {
    uint64_t n;
    if (!CollectionLen(r, &n)) return false;
    for (uint64_t i = 0; i < n; ++i)
      if (!r.String(&blob) || !add(blob)) return false;
  } else if (type == rdbtype::kSetIntset) {
    std::vector<int64_t> values;
    if (!LoadBlob(r, &blob)) return false;
    if (!ParseIntset(blob, &values)) return r.Fail("corrupt intset");
    for (int64_t v : values)
      if (!add(Int64ToString(v))) return false;
  } else {  // SET_LISTPACK (Redis 7.2)
    std::vector<std::string> elems;
    if (!LoadBlob(r, &blob)) return false;
    if (!ParseListpack(blob, &elems)) return r.Fail("corrupt listpack");
    for (auto& e : elems)
      if (!add(e)) return false;
  }
  if (!s || s->Size() == 0) return r.Fail("empty set");
  out->SetObject(std::move(s));
  return true;
}

bool LoadZSet(RdbReader& r, uint8_t type, Value* out) {
  auto z = std::make_unique<ZSet>();
  auto add = [&](std::string_view m, double score) {
    if (std::isnan(score)) return r.Fail("zset score is NaN");
    int flags = 0;
    if (!z->Add(m, score, 0, &flags, nullptr) || !(flags & ZSet::kOutAdded))
      return r.Fail("duplicate zset member");
    return true;
  };
  std::string member;
  if (type == rdbtype::kZSet || type == rdbtype::kZSet2) {
    uint64_t n;
    if (!CollectionLen(r, &n)) return false;
    for (uint64_t i = 0; i < n; ++i) {
      double score;
      if (!r.String(&member)) return false;
      if (!(type == rdbtype::kZSet2 ? r.DoubleBinary(&score) : r.DoubleText(&score))) return false;
      if (!add(member, score)) return false;
    }
  } else {  // ZSET_ZIPLIST / ZSET_LISTPACK: member, score, member, score...
    std::string blob;
    std::vector<std::string> elems;
    if (!LoadBlob(r, &blob)) return false;
    bool ok =
        type == rdbtype::kZSetListpack ? ParseListpack(blob, &elems) : ParseZiplist(blob, &elems);
    if (!ok || elems.size() % 2 != 0) return r.Fail("corrupt zset listpack");
    for (size_t i = 0; i < elems.size(); i += 2) {
      double score;
      if (!ParseScore(elems[i + 1], &score)) return r.Fail("corrupt zset score");
      if (!add(elems[i], score)) return false;
    }
  }
  if (z->size() == 0) return r.Fail("empty zset");
  out->SetObject(std::move(z));
  return true;
}

bool LoadHash(RdbReader& r, uint8_t type, Value* out) {
  auto h = std::make_unique<HashValue>();
  const HashLimits limits = HashLimits::Current();
  auto add = [&](std::string_view f, std::string_view v) {
    if (!h->Set(f, v, limits)) return r.Fail("duplicate hash field");
    return true;
  };
  if (type == rdbtype::kHash) {
    uint64_t n;
    if (!CollectionLen(r, &n)) return false;
    std::string f, v;
    for (uint64_t i = 0; i < n; ++i)
      if (!r.String(&f) || !r.String(&v) || !add(f, v)) return false;
  } else {
    std::string blob;
    std::vector<std::string> elems;
    if (!LoadBlob(r, &blob)) return false;
    bool ok = type == rdbtype::kHashListpack  ? ParseListpack(blob, &elems)
              : type == rdbtype::kHashZiplist ? ParseZiplist(blob, &elems)
                                              : ParseZipmap(blob, &elems);
    if (!ok || elems.size() % 2 != 0) return r.Fail("corrupt hash encoding");
    for (size_t i = 0; i < elems.size(); i += 2)
      if (!add(elems[i], elems[i + 1])) return false;
  }
  if (h->empty()) return r.Fail("empty hash");
  out->SetObject(std::move(h));
  return true;
}

}  // namespace

// ---- RdbWriter
// ------------------------------------------------------------------------------------

void RdbWriter::Len(uint64_t len) {
  if (len < 64) {
    Byte(static_cast<uint8_t>((kLen6 << 6) | len));
  } else if (len < 16384) {
    Byte(static_cast<uint8_t>((kLen14 << 6) | (len >> 8)));
    Byte(static_cast<uint8_t>(len & 0xff));
  } else if (len <= UINT32_MAX) {
    Byte(kLen32);
    for (int s = 24; s >= 0; s -= 8) Byte(static_cast<uint8_t>((len >> s) & 0xff));
  } else {
    Byte(kLen64);
    for (int s = 56; s >= 0; s -= 8) Byte(static_cast<uint8_t>((len >> s) & 0xff));
  }
}

void RdbWriter::String(std::string_view s) {
  int64_t v;
  if (s.size() <= 11 && ParseInt64(s, &v)) {
    if (v >= INT8_MIN && v <= INT8_MAX) {
      Byte((kEncVal << 6) | kEncInt8);
      Byte(static_cast<uint8_t>(v));
      return;
    }
    if (v >= INT16_MIN && v <= INT16_MAX) {
      Byte((kEncVal << 6) | kEncInt16);
      for (int i = 0; i < 2; ++i) Byte(static_cast<uint8_t>((v >> (8 * i)) & 0xff));
      return;
    }
    if (v >= INT32_MIN && v <= INT32_MAX) {
      Byte((kEncVal << 6) | kEncInt32);
      U32LE(static_cast<uint32_t>(v));
      return;
    }
  }
  if (s.size() > 20 && RdbSettings::compression.load(std::memory_order_relaxed)) {
    // As rdbSaveLzfStringObject: only when it saves more than 4 bytes.
    std::string out(s.size() - 4, '\0');
    if (size_t n = LzfCompress(s, out.data(), out.size()); n > 0) {
      Byte((kEncVal << 6) | kEncLzf);
      Len(n);
      Len(s.size());
      Raw(std::string_view(out.data(), n));
      return;
    }
  }
  Len(s.size());
  Raw(s);
}

void RdbWriter::DoubleBinary(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  U64LE(bits);
}
void RdbWriter::U64LE(uint64_t v) {
  for (int i = 0; i < 8; ++i) Byte(static_cast<uint8_t>((v >> (8 * i)) & 0xff));
}
void RdbWriter::U32LE(uint32_t v) {
  for (int i = 0; i < 4; ++i) Byte(static_cast<uint8_t>((v >> (8 * i)) & 0xff));
}

uint64_t RdbWriter::Crc() {
  crc_ = Crc64(crc_, buf_.data() + crc_done_, buf_.size() - crc_done_);
  crc_done_ = buf_.size();
  return crc_;
}

bool RdbWriter::Flush() {
  if (!flush_ || !ok_) return ok_;
  Crc();
  if (!buf_.empty() && !flush_(buf_)) ok_ = false;
  buf_.clear();
  crc_done_ = 0;
  return ok_;
}

// ---- RdbReader
// ------------------------------------------------------------------------------------

bool RdbReader::Fail(std::string_view why) {
  if (error_.empty()) error_ = std::string(why) + " at offset " + std::to_string(consumed_);
  return false;
}

bool RdbReader::Read(void* dst, size_t n) {
  if (!ok()) return false;
  if (n > remaining()) return Fail("unexpected end of data");
  if (!file_) {
    std::memcpy(dst, data_.data() + consumed_, n);
    consumed_ += n;
    return true;
  }
  auto* out = static_cast<char*>(dst);
  while (n > 0) {
    if (fpos_ == fbuf_.size()) {
      fbuf_.resize(std::min<uint64_t>(size_t{1} << 16, remaining()));
      fpos_ = 0;
      if (std::fread(fbuf_.data(), 1, fbuf_.size(), file_) != fbuf_.size()) {
        fbuf_.clear();
        return Fail("read error");
      }
    }
    size_t take = std::min(n, fbuf_.size() - fpos_);
    std::memcpy(out, fbuf_.data() + fpos_, take);
    crc_ = Crc64(crc_, fbuf_.data() + fpos_, take);
    fpos_ += take;
    out += take;
    n -= take;
    consumed_ += take;
  }
  return true;
}

uint64_t RdbReader::Crc() {
  if (file_) return crc_;  // file mode sums bytes as they are consumed
  crc_ = Crc64(crc_, data_.data() + crc_done_, consumed_ - crc_done_);
  crc_done_ = consumed_;
  return crc_;
}

bool RdbReader::Len(uint64_t* len, bool* encoded) {
  if (encoded) *encoded = false;
  uint8_t b;
  if (!Byte(&b)) return false;
  switch (b >> 6) {
    case kLen6:
      *len = b & 0x3F;
      return true;
    case kLen14: {
      uint8_t b2;
      if (!Byte(&b2)) return false;
      *len = (uint64_t{b & 0x3Fu} << 8) | b2;
      return true;
    }
    case kEncVal:
      if (!encoded) return Fail("unexpected string encoding");
      *encoded = true;
      *len = b & 0x3F;
      return true;
    default: {
      int n = b == kLen32 ? 4 : b == kLen64 ? 8 : 0;
      if (n == 0) return Fail("bad length encoding");
      unsigned char buf[8];
      if (!Read(buf, n)) return false;
      uint64_t v = 0;
      for (int i = 0; i < n; ++i) v = (v << 8) | buf[i];
      *len = v;
      return true;
    }
  }
}

bool RdbReader::String(std::string* out) {
  uint64_t len;
  bool encoded;
  if (!Len(&len, &encoded)) return false;
  if (!encoded) {
    if (len > remaining()) return Fail("string length larger than the input");
    out->resize(len);
    return Read(out->data(), len);
  }
  unsigned char b[4];
  switch (len) {
    case kEncInt8:
      if (!Read(b, 1)) return false;
      *out = Int64ToString(static_cast<int8_t>(b[0]));
      return true;
    case kEncInt16:
      if (!Read(b, 2)) return false;
      *out = Int64ToString(static_cast<int16_t>(b[0] | (b[1] << 8)));
      return true;
    case kEncInt32: {
      if (!Read(b, 4)) return false;
      uint32_t u = b[0] | (b[1] << 8) | (b[2] << 16) | (uint32_t{b[3]} << 24);
      *out = Int64ToString(static_cast<int32_t>(u));
      return true;
    }
    case kEncLzf: {
      uint64_t clen, ulen;
      if (!Len(&clen) || !Len(&ulen)) return false;
      if (clen > remaining()) return Fail("compressed length larger than the input");
      std::string compressed(clen, '\0');
      if (!Read(compressed.data(), clen)) return false;
      if (!LzfDecompress(compressed, ulen, out)) return Fail("corrupt LZF string");
      return true;
    }
    default:
      return Fail("unknown string encoding");
  }
}

bool RdbReader::DoubleBinary(double* out) {
  uint64_t bits;
  if (!U64LE(&bits)) return false;
  std::memcpy(out, &bits, 8);
  return true;
}

bool RdbReader::DoubleText(double* out) {
  uint8_t len;
  if (!Byte(&len)) return false;
  if (len == 253) {
    *out = std::nan("");
    return true;
  }
  if (len == 254 || len == 255) {
    *out = len == 254 ? INFINITY : -INFINITY;
    return true;
  }
  char buf[256];
  if (!Read(buf, len)) return false;
  std::string s(buf, len);
  if (!ParseDouble(s, out)) return Fail("bad double");
  return true;
}

bool RdbReader::U64LE(uint64_t* v) {
  unsigned char b[8];
  if (!Read(b, 8)) return false;
  *v = 0;
  for (int i = 7; i >= 0; --i) *v = (*v << 8) | b[i];
  return true;
}
bool RdbReader::U32LE(uint32_t* v) {
  unsigned char b[4];
  if (!Read(b, 4)) return false;
  *v = b[0] | (b[1] << 8) | (b[2] << 16) | (uint32_t{b[3]} << 24);
  return true;
}

// ---- objects
// ----------------------------------------------------------------------------------------

uint8_t ObjectTypeId(const Value& v) {
  if (v.is_string()) return rdbtype::kString;
  const CompositeValue* o = v.obj();
  switch (o->type()) {
    case ObjType::kList:
      return rdbtype::kListQuicklist2;
    case ObjType::kSet:
      return static_cast<const SetValue*>(o)->enc() == SetValue::Encoding::kIntSet
                 ? rdbtype::kSetIntset
                 : rdbtype::kSet;
    case ObjType::kZSet:
      return static_cast<const ZSet*>(o)->is_listpack() ? rdbtype::kZSetListpack : rdbtype::kZSet2;
    case ObjType::kHash:
      return static_cast<const HashValue*>(o)->is_listpack() ? rdbtype::kHashListpack
                                                             : rdbtype::kHash;
    default:
      return rdbtype::kString;  // unreachable: every FinCache type is listed above
  }
}

void SaveObject(RdbWriter& w, const Value& v) {
  w.Byte(ObjectTypeId(v));
  SaveObjectBody(w, v);
}

void SaveObjectBody(RdbWriter& w, const Value& v) {
  if (v.is_string()) return w.String(v.str());
  const CompositeValue* o = v.obj();
  switch (o->type()) {
    case ObjType::kList:
      return SaveList(w, *static_cast<const ListValue*>(o));
    case ObjType::kSet:
      return SaveSet(w, *static_cast<const SetValue*>(o));
    case ObjType::kZSet:
      return SaveZSet(w, *static_cast<const ZSet*>(o));
    case ObjType::kHash:
      return SaveHash(w, *static_cast<const HashValue*>(o));
    default:
      return;
  }
}

bool LoadObject(RdbReader& r, uint8_t type, Value* out) {
  switch (type) {
    case rdbtype::kString: {
      std::string s;
      if (!r.String(&s)) return false;
      *out = Value::String(s);
      return true;
    }
    case rdbtype::kList:
    case rdbtype::kListZiplist:
    case rdbtype::kListQuicklist:
    case rdbtype::kListQuicklist2:
      return LoadList(r, type, out);
    case rdbtype::kSet:
    case rdbtype::kSetIntset:
    case rdbtype::kSetListpack:
      return LoadSet(r, type, out);
    case rdbtype::kZSet:
    case rdbtype::kZSet2:
    case rdbtype::kZSetZiplist:
    case rdbtype::kZSetListpack:
      return LoadZSet(r, type, out);
    case rdbtype::kHash:
    case rdbtype::kHashZipmap:
    case rdbtype::kHashZiplist:
    case rdbtype::kHashListpack:
      return LoadHash(r, type, out);
    case rdbtype::kStreamListpacks:
    case rdbtype::kStreamListpacks2:
    case rdbtype::kStreamListpacks3:
      return r.Fail("streams are not supported");
    case rdbtype::kModule:
    case rdbtype::kModule2:
      return r.Fail("module values are not supported");
    default:
      return r.Fail("unknown value type " + std::to_string(type));
  }
}

// ---- DUMP payloads
// ------------------------------------------------------------------------------------

namespace {

void AppendFooter(RdbWriter& w) {
  w.Byte(kRdbVersion & 0xff);
  w.Byte((kRdbVersion >> 8) & 0xff);
  w.U64LE(w.Crc());
}

// Redis's verifyDumpPayload: at least the footer, a version this reader knows, the CRC-64.
bool VerifyFooter(std::string_view payload) {
  if (payload.size() < 10) return false;
  const auto* footer = reinterpret_cast<const unsigned char*>(payload.data() + payload.size() - 10);
  const int version = footer[0] | (footer[1] << 8);
  if (version > kRdbVersion) return false;
  uint64_t crc = 0;
  for (int i = 7; i >= 0; --i) crc = (crc << 8) | footer[2 + i];
  return Crc64(0, payload.data(), payload.size() - 8) == crc;
}

}  // namespace

std::string CreateDumpPayload(const Value& v) {
  RdbWriter w;
  SaveObject(w, v);
  AppendFooter(w);
  return std::move(w.buffer());
}

DumpError ParseDumpPayload(std::string_view payload, Value* out) {
  if (!VerifyFooter(payload)) return DumpError::kVersionOrChecksum;
  // The body is read from the whole payload, footer included, as Redis's RESTORE does: a body
  // that runs into the footer bytes is not an error there either.
  RdbReader r(payload);
  uint8_t type;
  if (!r.Byte(&type) || !LoadObject(r, type, out)) return DumpError::kBadFormat;
  return DumpError::kOk;
}

std::string CreateFunctionsPayload(const std::vector<std::string>& codes) {
  RdbWriter w;
  for (const std::string& code : codes) {
    w.Byte(rdbop::kFunction2);
    w.String(code);
  }
  AppendFooter(w);
  return std::move(w.buffer());
}

FunctionsPayloadError ParseFunctionsPayload(std::string_view payload,
                                            std::vector<std::string>* codes) {
  if (!VerifyFooter(payload)) return FunctionsPayloadError::kVersionOrChecksum;
  // As Redis's FUNCTION RESTORE: records until the last 10 bytes (the footer) are left.
  RdbReader r(payload);
  while (r.remaining() > 10) {
    uint8_t type;
    r.Byte(&type);
    if (type == rdbop::kFunction) return FunctionsPayloadError::kPreGa;
    if (type != rdbop::kFunction2) return FunctionsPayloadError::kNotAFunction;
    std::string code;
    if (!r.String(&code)) return FunctionsPayloadError::kBadLibrary;
    codes->push_back(std::move(code));
  }
  return FunctionsPayloadError::kOk;
}

}  // namespace fincache::persist
