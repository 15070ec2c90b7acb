// The RDB value codec (persist/): CRC-64, LZF, listpack/ziplist/zipmap/intset, value round trips
// in every encoding, payload bytes equal to Redis 7.0.15's, fuzzed corrupt input; DUMP and
// RESTORE through the dispatcher.
#include "persist/rdb.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "command_test_base.h"
#include "commands/persistence.h"
#include "persist/crc64.h"
#include "persist/lzf.h"
#include "persist/packed.h"
#include "persist/snapshot.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/zset.h"

namespace fincache {
namespace {

using persist::DumpError;
using std::string_literals::operator""s;

// ============================================================================================
// Primitives
// ============================================================================================

TEST(Crc64Test, JonesCheckValue) {
  EXPECT_EQ(persist::Crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(persist::Crc64(0, ""), 0u);
  // Incremental == one shot, across the 8-byte fast path.
  std::string s(1000, '\0');
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>(i * 7);
  uint64_t one = persist::Crc64(0, s);
  uint64_t inc = persist::Crc64(persist::Crc64(0, s.substr(0, 13)), s.substr(13));
  EXPECT_EQ(one, inc);
}

TEST(LzfTest, LiteralsAndBackReferences) {
  std::string out;
  // literal "ab" (ctrl 1), then a back reference of length 2+4=6 at distance 2: "ababab".
  std::string in =
      "\x01"
      "ab"
      "\x80\x01"s;
  ASSERT_TRUE(persist::LzfDecompress(in, 8, &out));
  EXPECT_EQ(out, "abababab");
  EXPECT_FALSE(persist::LzfDecompress(in, 7, &out));  // wrong length
  EXPECT_FALSE(
      persist::LzfDecompress("\x05"
                             "ab"s,
                             6, &out));                        // run past the input
  EXPECT_FALSE(persist::LzfDecompress("\x80\x05"s, 2, &out));  // reference before the start
  EXPECT_FALSE(
      persist::LzfDecompress("\x01"
                             "ab"
                             "\xe0"s,
                             300, &out));  // truncated reference
  EXPECT_FALSE(
      persist::LzfDecompress("\x00"
                             "a"s,
                             1u << 30, &out));  // forged length
}

TEST(LzfTest, CompressRoundTrips) {
  std::mt19937_64 rng(3);
  std::vector<std::string> inputs = {std::string(21, 'a'), std::string(100000, 'z'),
                                     "abcabcabcabcabcabcabcabcabcabc"};
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "order:" + std::to_string(i % 97) + " price=10" + ";";
  inputs.push_back(text);
  for (int k = 0; k < 200; ++k) {  // random mixes of runs, repeats and noise
    std::string s;
    size_t len = 21 + rng() % 3000;
    while (s.size() < len) {
      switch (rng() % 3) {
        case 0:
          s.append(1 + rng() % 300, static_cast<char>(rng()));
          break;
        case 1:
          if (!s.empty()) {
            size_t from = rng() % s.size();
            s.append(s.substr(from, 1 + rng() % 100));
          }
          break;
        default:
          for (int j = 0, n = 1 + rng() % 50; j < n; ++j) s.push_back(static_cast<char>(rng()));
      }
    }
    inputs.push_back(s);
  }
  for (const std::string& in : inputs) {
    std::string out(in.size() + 64, '\0');
    size_t n = persist::LzfCompress(in, out.data(), out.size());
    ASSERT_GT(n, 0u);
    std::string back;
    ASSERT_TRUE(persist::LzfDecompress(out.substr(0, n), in.size(), &back));
    EXPECT_EQ(back, in);
    // A too small output buffer is reported, never overrun.
    std::string small(n - 1, '\0');
    EXPECT_EQ(persist::LzfCompress(in, small.data(), small.size()), 0u);
  }
  EXPECT_LT(
      persist::LzfCompress(std::string(100000, 'z'), std::string(100000, '\0').data(), 100000),
      2000u);
}

TEST(ListpackTest, EncodingsMatchRedis) {
  // Entry bytes (encoding + data + backlen) as Redis 7.0.15 writes them (HSET h f <v>; DUMP).
  struct Case {
    std::string value;
    std::string entry;
  };
  std::vector<Case> cases = {
      {"127", "\x7f\x01"s},
      {"128", "\xc0\x80\x02"s},
      {"-1", "\xdf\xff\x02"s},
      {"-4096", "\xd0\x00\x02"s},
      {"4096", "\xf1\x00\x10\x03"s},
      {"-32769", "\xf2\xff\x7f\xff\x04"s},
      {"8388608", "\xf3\x00\x00\x80\x00\x05"s},
      {"2147483648", "\xf4\x00\x00\x00\x80\x00\x00\x00\x00\x09"s},
      {"-0", "\x82-0\x03"s},
      {"007",
       "\x83"
       "007\x04"s},
      {"", "\x80\x01"s},
  };
  for (const Case& c : cases) {
    persist::ListpackBuilder b;
    b.Append(c.value);
    std::string lp = b.Finish();
    EXPECT_EQ(lp.substr(6, lp.size() - 7), c.entry) << c.value;
    std::vector<std::string> back;
    ASSERT_TRUE(persist::ParseListpack(lp, &back)) << c.value;
    EXPECT_THAT(back, ::testing::ElementsAre(c.value));
  }
}

TEST(ListpackTest, RoundTripsEveryStringAndIntWidth) {
  std::vector<std::string> values;
  for (size_t len : {0, 1, 63, 64, 127, 128, 4095, 4096, 16370, 16378, 16379, 70000})
    values.push_back(std::string(len, 'x'));
  for (int64_t v : {int64_t{0}, int64_t{-4097}, int64_t{INT32_MIN}, INT64_MIN, INT64_MAX})
    values.push_back(std::to_string(v));
  persist::ListpackBuilder b;
  for (auto& v : values) b.Append(v);
  std::string lp = b.Finish();
  std::vector<std::string> back;
  ASSERT_TRUE(persist::ParseListpack(lp, &back));
  EXPECT_EQ(back, values);
  // Every truncation and every single-byte change in the header or terminator is caught.
  for (size_t n = 0; n < lp.size(); ++n) {
    back.clear();
    EXPECT_FALSE(persist::ParseListpack(lp.substr(0, n), &back)) << n;
  }
}

// A ziplist built by hand: "ab", 5 (immediate), 300 (int16), then the end.
std::string SampleZiplist() {
  std::string entries;
  entries +=
      "\x00\x02"
      "ab"s;                       // prevlen 0, 6-bit string of 2
  entries += "\x04\xf6"s;          // prevlen 4, immediate 5 (0xF1 + 5)
  entries += "\x02\xc0\x2c\x01"s;  // prevlen 2, int16 300
  std::string zl(10, '\0');
  uint32_t total = 10 + entries.size() + 1;
  uint32_t tail = 10 + 4 + 2;
  for (int i = 0; i < 4; ++i) zl[i] = static_cast<char>((total >> (8 * i)) & 0xff);
  for (int i = 0; i < 4; ++i) zl[4 + i] = static_cast<char>((tail >> (8 * i)) & 0xff);
  zl[8] = 3;
  return zl + entries + "\xff"s;
}

TEST(ZiplistTest, ParsesAndValidates) {
  std::vector<std::string> out;
  std::string zl = SampleZiplist();
  ASSERT_TRUE(persist::ParseZiplist(zl, &out));
  EXPECT_THAT(out, ::testing::ElementsAre("ab", "5", "300"));
  for (size_t n = 0; n < zl.size(); ++n) {
    out.clear();
    EXPECT_FALSE(persist::ParseZiplist(zl.substr(0, n), &out)) << n;
  }
  std::string bad_prev = zl;
  bad_prev[14] = 3;  // the second entry's prevlen no longer matches
  EXPECT_FALSE(persist::ParseZiplist(bad_prev, &out));
}

TEST(ZipmapTest, Parses) {
  // 2 pairs: "a" -> "xy" (1 free byte), "bc" -> ""
  std::string zm =
      "\x02\x01"
      "a"
      "\x02\x01"
      "xy"
      "?"
      "\x02"
      "bc"
      "\x00\x00"
      "\xff"s;
  std::vector<std::string> out;
  ASSERT_TRUE(persist::ParseZipmap(zm, &out));
  EXPECT_THAT(out, ::testing::ElementsAre("a", "xy", "bc", ""));
  EXPECT_FALSE(persist::ParseZipmap(zm.substr(0, zm.size() - 1), &out));
}

TEST(IntsetTest, ParsesAndRefusesUnsorted) {
  std::string is = persist::BuildIntset({-5, 1, 70000}, 4);
  std::vector<int64_t> out;
  ASSERT_TRUE(persist::ParseIntset(is, &out));
  EXPECT_THAT(out, ::testing::ElementsAre(-5, 1, 70000));
  out.clear();
  EXPECT_FALSE(persist::ParseIntset(persist::BuildIntset({3, 2}, 2), &out));
  out.clear();
  EXPECT_FALSE(persist::ParseIntset(persist::BuildIntset({1, 1}, 2), &out));
  out.clear();
  EXPECT_FALSE(persist::ParseIntset(is.substr(0, is.size() - 1), &out));
}

// ============================================================================================
// Values
// ============================================================================================

// Payloads DUMPed by Redis 7.0.15 with `rdbcompression no`.
TEST(DumpPayloadTest, BytesEqualRedis) {
  persist::RdbSettings::compression = false;
  struct Restore {
    ~Restore() { persist::RdbSettings::compression = true; }
  } restore;
  Value s = Value::String("123");
  EXPECT_EQ(persist::CreateDumpPayload(s), "\x00\xc0{\n\x00H\xe2S\xe1\x00zg\xb9"s);
  Value big = Value::String("1234567890123");
  EXPECT_EQ(persist::CreateDumpPayload(big),
            "\x00\r1234567890123\n\x00^\x0c\x12\xae\x04)\xbc\x1e"s);

  auto h = std::make_unique<HashValue>();
  h->Set("a", "1", HashLimits{});
  h->Set("bb", "hello", HashLimits{});
  h->Set("c", "-5000", HashLimits{});
  Value hv;
  hv.SetObject(std::move(h));
  EXPECT_EQ(persist::CreateDumpPayload(hv),
            "\x10\x1e\x1e\x00\x00\x00\x06\x00\x81"
            "a\x02\x01\x01\x82"
            "bb\x03\x85hello\x06\x81"
            "c\x02\xf1x\xec\x03\xff\n\x00\xe9\xa1z\x9fVv\x86\x87"s);

  auto set = SetValue::CreateIntSet();
  for (const char* m : {"3", "1", "2"}) set->Add(m);
  Value sv;
  sv.SetObject(std::move(set));
  EXPECT_EQ(
      persist::CreateDumpPayload(sv),
      "\x0b\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00\n\x00\xa5\x02\\\xe2mnM\x1b"s);

  auto l = std::make_unique<ListValue>();
  for (const char* e : {"a", "1", "b"}) l->Push(ListValue::End::kTail, e);
  Value lv;
  lv.SetObject(std::move(l));
  EXPECT_EQ(persist::CreateDumpPayload(lv),
            "\x12\x01\x02\x0f\x0f\x00\x00\x00\x03\x00\x81"
            "a\x02\x01\x01\x81"
            "b\x02\xff\n\x00\x90"
            "C\xa3L\xeb\x8e\x1b\x1c"s);

  auto z = std::make_unique<ZSet>();
  int out;
  for (auto [m, sc] : std::vector<std::pair<const char*, double>>{
           {"a", 1.5}, {"b", 2}, {"c", 0.1}, {"d", 0}, {"e", 1e300}})
    z->Add(m, sc, 0, &out, nullptr);
  Value zv;
  zv.SetObject(std::move(z));
  EXPECT_EQ(persist::CreateDumpPayload(zv),
            "\x11@MM\x00\x00\x00\n\x00\x81"
            "d\x02\x00\x01\x81"
            "c\x02\x93"
            "0.10000000000000001\x14\x81"
            "a\x02\x83"
            "1.5\x04\x81"
            "b\x02\x02\x01\x81"
            "e\x02\x97"
            "1.0000000000000001e+300\x18\xff\n\x00m@j\x0b\xe2~\x18"
            "6"s);
}

TEST(DumpPayloadTest, LoadsRedisLzfCompressedPayload) {
  // The same sorted set DUMPed by Redis with rdbcompression yes: the listpack is LZF-compressed.
  std::string payload =
      "\x11\xc3:@M\x12M\x00\x00\x00\n\x00\x81"
      "d\x02\x00\x01\x81"
      "c\x02\x93"
      "0.10\xe0\x05\x00"
      "\x14"
      "1\x14\x81"
      "a\x02\x83"
      "1.5\x04\x81"
      "b\x02\x02\x01\x81"
      "e\x02\x97"
      "1.\xe0\x05\""
      "\b01e+300\x18\xff\n\x00Ixs\bH\xfc\x11S"s;
  Value v;
  ASSERT_EQ(persist::ParseDumpPayload(payload, &v), DumpError::kOk);
  ASSERT_EQ(v.type(), ObjType::kZSet);
  const ZSet* z = v.As<ZSet>();
  EXPECT_EQ(z->size(), 5u);
  EXPECT_EQ(z->Score("e"), 1e300);
  EXPECT_EQ(z->Score("c"), 0.1);
}

std::string RoundTrip(const Value& v, Value* back) {
  std::string p = persist::CreateDumpPayload(v);
  EXPECT_EQ(persist::ParseDumpPayload(p, back), DumpError::kOk);
  return p;
}

TEST(DumpPayloadTest, RoundTripsEveryEncoding) {
  std::mt19937_64 rng(7);
  for (int size : {1, 5, 200, 600, 5000}) {
    auto l = std::make_unique<ListValue>();
    auto h = std::make_unique<HashValue>();
    auto si = SetValue::CreateIntSet();
    auto ss = SetValue::CreateFor("x");
    ss->Add("x");  // not an integer: stays a hashtable however the other members look
    auto z = std::make_unique<ZSet>();
    for (int i = 0; i < size; ++i) {
      std::string m = (i % 3 == 0) ? std::to_string(static_cast<int64_t>(rng()))
                                   : "m" + std::to_string(i) + std::string(i % 70, 'y');
      l->Push(ListValue::End::kTail, m);
      h->Set(m, std::to_string(i), HashLimits{});
      si->Add(std::to_string(static_cast<int32_t>(rng())));
      ss->Add(m);
      int out;
      z->Add(m, static_cast<double>(static_cast<int64_t>(rng() % 1000)) / 7, 0, &out, nullptr);
    }
    std::vector<Value> values(5);
    values[0].SetObject(std::move(l));
    values[1].SetObject(std::move(h));
    values[2].SetObject(std::move(si));
    values[3].SetObject(std::move(ss));
    values[4].SetObject(std::move(z));
    for (Value& v : values) {
      Value back;
      std::string p = RoundTrip(v, &back);
      EXPECT_EQ(back.encoding(), v.encoding()) << size;
      // Same content: its own dump is the same bytes (order-preserving encodings), or the
      // same members (hashtables).
      if (v.encoding() != "hashtable") {
        EXPECT_EQ(persist::CreateDumpPayload(back), p) << size;
      }
      if (v.type() == ObjType::kSet) {
        EXPECT_EQ(back.As<SetValue>()->Size(), v.As<SetValue>()->Size());
      }
      if (v.type() == ObjType::kHash) {
        EXPECT_EQ(back.As<HashValue>()->size(), v.As<HashValue>()->size());
        v.As<HashValue>()->ForEach([&](std::string_view f, std::string_view val) {
          EXPECT_EQ(back.As<HashValue>()->Get(f), val);
        });
      }
    }
  }
  // Strings of every int encoding and plain.
  for (std::string s : {"0"s, "-128"s, "127"s, "-32768"s, "40000"s, "-2147483648"s, "2147483648"s,
                        "01"s, ""s, std::string(100000, 'q'), "bin\0ary"s}) {
    Value back;
    RoundTrip(Value::String(s), &back);
    EXPECT_EQ(back.str(), s);
  }
}

TEST(DumpPayloadTest, LongListsSplitIntoQuicklistNodes) {
  auto l = std::make_unique<ListValue>();
  for (int i = 0; i < 3000; ++i) l->Push(ListValue::End::kTail, "element-" + std::to_string(i));
  Value v;
  v.SetObject(std::move(l));
  std::string p = persist::CreateDumpPayload(v);
  persist::RdbReader r(p);
  uint8_t type;
  uint64_t nodes;
  ASSERT_TRUE(r.Byte(&type) && r.Len(&nodes));
  EXPECT_EQ(type, persist::rdbtype::kListQuicklist2);
  EXPECT_GT(nodes, 5u);
  for (uint64_t i = 0; i < nodes; ++i) {
    uint64_t container;
    std::string blob;
    ASSERT_TRUE(r.Len(&container) && r.String(&blob));
    EXPECT_LE(blob.size(), 8192u);
  }
}

TEST(DumpPayloadTest, RefusesBadFooterAndBadBodies) {
  Value v;
  Value s = Value::String("hello");
  std::string p = persist::CreateDumpPayload(s);
  EXPECT_EQ(persist::ParseDumpPayload("", &v), DumpError::kVersionOrChecksum);
  EXPECT_EQ(persist::ParseDumpPayload(p.substr(0, p.size() - 1), &v),
            DumpError::kVersionOrChecksum);
  std::string flipped = p;
  flipped[2] ^= 1;
  EXPECT_EQ(persist::ParseDumpPayload(flipped, &v), DumpError::kVersionOrChecksum);
  std::string future = p;
  future[future.size() - 10] = 11;  // RDB version 11
  EXPECT_EQ(persist::ParseDumpPayload(future, &v), DumpError::kVersionOrChecksum);

  // Bodies with a correct footer: empty collections, unknown types, streams, trailing garbage
  // inside a string length...
  auto with_footer = [](std::string body) {
    body += "\x0a\x00"s;
    uint64_t crc = persist::Crc64(0, body);
    for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
    return body;
  };
  EXPECT_EQ(persist::ParseDumpPayload(with_footer("\x00\x05hello"s), &v), DumpError::kOk);
  // As in Redis, the body is read from the whole payload: a string running into the footer
  // takes footer bytes; one running past the end is refused.
  EXPECT_EQ(persist::ParseDumpPayload(with_footer("\x00\x06hello"s), &v), DumpError::kOk);
  EXPECT_EQ(v.str(), "hello\x0a"s);
  EXPECT_EQ(persist::ParseDumpPayload(with_footer("\x00\x20hello"s), &v), DumpError::kBadFormat);
  EXPECT_EQ(persist::ParseDumpPayload(with_footer("\x02\x00"s), &v), DumpError::kBadFormat);
  EXPECT_EQ(persist::ParseDumpPayload(with_footer("\x0f\x00"s), &v), DumpError::kBadFormat);
  EXPECT_EQ(persist::ParseDumpPayload(with_footer("\x63"s), &v), DumpError::kBadFormat);
  // A forged 2^60-element set length fails at once, without allocating.
  EXPECT_EQ(persist::ParseDumpPayload(with_footer("\x02\x81\x10\x00\x00\x00\x00\x00\x00\x00"s), &v),
            DumpError::kBadFormat);
  // Duplicates are corrupt.
  EXPECT_EQ(persist::ParseDumpPayload(with_footer("\x02\x02\x01"
                                                  "a\x01"
                                                  "a"s),
                                      &v),
            DumpError::kBadFormat);
  EXPECT_EQ(persist::ParseDumpPayload(with_footer("\x05\x01\x01"
                                                  "a" +
                                                  std::string(8, '\xff')),
                                      &v),
            DumpError::kBadFormat);  // NaN score
}

// Mutated payloads of every type: byte flips, truncations, insertions. The loader must return
// (either value) without crashing, reading out of bounds (run under FINCACHE_SANITIZE) or
// allocating wildly.
TEST(DumpPayloadTest, FuzzedBodiesNeverCrash) {
  std::vector<std::string> bodies;
  auto add = [&](Value v) {
    std::string p = persist::CreateDumpPayload(v);
    bodies.push_back(p.substr(0, p.size() - 10));
  };
  add(Value::String("hello world"));
  add(Value::String("12345"));
  for (int n : {3, 300}) {
    auto l = std::make_unique<ListValue>();
    auto h = std::make_unique<HashValue>();
    auto si = SetValue::CreateIntSet();
    auto ss = SetValue::CreateFor("x");
    auto z = std::make_unique<ZSet>();
    for (int i = 0; i < n; ++i) {
      std::string m = "k" + std::to_string(i * 37);
      l->Push(ListValue::End::kTail, i % 2 ? m : std::to_string(i * 1000));
      h->Set(m, std::to_string(i), HashLimits{});
      si->Add(std::to_string(i * 99991));
      ss->Add(m);
      int out;
      z->Add(m, i * 0.5, 0, &out, nullptr);
    }
    Value a, b, c, d, e;
    a.SetObject(std::move(l));
    b.SetObject(std::move(h));
    c.SetObject(std::move(si));
    d.SetObject(std::move(ss));
    e.SetObject(std::move(z));
    add(std::move(a));
    add(std::move(b));
    add(std::move(c));
    add(std::move(d));
    add(std::move(e));
  }
  // Old encodings too: a list and a hash as ziplists.
  bodies.push_back("\x0a"s + static_cast<char>(SampleZiplist().size()) + SampleZiplist());
  bodies.push_back("\x0e\x01"s + static_cast<char>(SampleZiplist().size()) + SampleZiplist());

  std::mt19937_64 rng(12345);
  int loaded = 0, refused = 0;
  for (const std::string& body : bodies) {
    for (int iter = 0; iter < 3000; ++iter) {
      std::string m = body;
      switch (rng() % 4) {
        case 0:
          for (int k = 0, n = 1 + rng() % 3; k < n; ++k)
            m[rng() % m.size()] = static_cast<char>(rng());
          break;
        case 1:
          m.resize(rng() % m.size());
          break;
        case 2:
          m.insert(rng() % m.size(), 1 + rng() % 4, static_cast<char>(rng()));
          break;
        default: {
          size_t at = rng() % m.size();
          m[at] = static_cast<char>(m[at] ^ (1 << (rng() % 8)));
        }
      }
      persist::RdbReader r(m);
      uint8_t type;
      Value v;
      if (r.Byte(&type) && persist::LoadObject(r, type, &v))
        ++loaded;
      else
        ++refused;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(loaded, 0);
  // Random garbage of every type id.
  for (int iter = 0; iter < 20000; ++iter) {
    std::string m(1 + rng() % 40, '\0');
    for (char& c : m) c = static_cast<char>(rng());
    m[0] = static_cast<char>(rng() % 22);
    persist::RdbReader r(m);
    uint8_t type;
    Value v;
    if (r.Byte(&type)) persist::LoadObject(r, type, &v);
  }
}

// ============================================================================================
// DUMP / RESTORE commands
// ============================================================================================

class DumpRestoreTest : public CommandTest {};

TEST_F(DumpRestoreTest, DumpAndRestore) {
  EXPECT_THAT(Run({"dump", "nokey"}), NullArg());
  Run({"rpush", "l", "a", "1", "b"});
  RespValue d = Run({"dump", "l"});
  ASSERT_EQ(d.type, RespValue::Type::kBulk);
  EXPECT_EQ(d.str,
            "\x12\x01\x02\x0f\x0f\x00\x00\x00\x03\x00\x81"
            "a\x02\x01\x01\x81"
            "b\x02\xff\n"
            "\x00\x90"
            "C\xa3L\xeb\x8e\x1b\x1c"s);
  EXPECT_THAT(Run({"restore", "l", "0", d.str}), ErrArg("BUSYKEY Target key name already exists."));
  EXPECT_THAT(Run({"restore", "l2", "0", d.str}), SimpleArg("OK"));
  EXPECT_THAT(StrArray(Run({"lrange", "l2", "0", "-1"})), ::testing::ElementsAre("a", "1", "b"));
  EXPECT_THAT(Run({"ttl", "l2"}), IntArg(-1));
  EXPECT_THAT(Run({"restore", "l", "5000", d.str, "replace"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"pttl", "l"}), IntArg(5000));
}

TEST_F(DumpRestoreTest, Errors) {
  Run({"set", "s", "v"});
  std::string p = Run({"dump", "s"}).str;
  EXPECT_THAT(Run({"restore", "k", "-1", p}), ErrArg("ERR Invalid TTL value, must be >= 0"));
  EXPECT_THAT(Run({"restore", "k", "x", p}), ErrArg("ERR value is not an integer"));
  EXPECT_THAT(Run({"restore", "k", "0", "garbage"}),
              ErrArg("ERR DUMP payload version or checksum are wrong"));
  EXPECT_THAT(Run({"restore", "k", "0", p, "bogus"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"restore", "k", "0", p, "idletime"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"restore", "k", "0", p, "idletime", "-1"}),
              ErrArg("ERR Invalid IDLETIME value, must be >= 0"));
  EXPECT_THAT(Run({"restore", "k", "0", p, "freq", "256"}),
              ErrArg("ERR Invalid FREQ value, must be >= 0 and <= 255"));
  EXPECT_THAT(Run({"restore", "k", "0", p, "freq", "1", "idletime", "1"}),
              ErrArg("ERR syntax error"));
  // The BUSYKEY check comes before the TTL and payload checks.
  EXPECT_THAT(Run({"restore", "s", "-1", "garbage"}), ErrArg("BUSYKEY"));
  EXPECT_THAT(Run({"restore"}), ErrArg("wrong number of arguments for 'restore' command"));
}

TEST_F(DumpRestoreTest, TtlsIdletimeAndPastExpiry) {
  Run({"set", "s", "v"});
  std::string p = Run({"dump", "s"}).str;
  const int64_t now = clock_.NowMs();
  EXPECT_THAT(Run({"restore", "a", std::to_string(now + 10000), p, "absttl"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"pttl", "a"}), IntArg(10000));
  // An absolute TTL in the past: OK, no key; with REPLACE the old key is gone too.
  EXPECT_THAT(Run({"restore", "b", "1", p, "absttl"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"exists", "b"}), IntArg(0));
  EXPECT_THAT(Run({"restore", "s", "1", p, "absttl", "replace"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"exists", "s"}), IntArg(0));
  EXPECT_THAT(Run({"restore", "c", "0", p, "idletime", "100"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"object", "idletime", "c"}), IntArg(100));
  EXPECT_THAT(Run({"restore", "d", "0", p, "freq", "5"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"get", "d"}), BulkArg("v"));
  // A huge relative TTL wraps into the past, as in Redis.
  EXPECT_THAT(Run({"restore", "e", "9223372036854775807", p}), SimpleArg("OK"));
  EXPECT_THAT(Run({"exists", "e"}), IntArg(0));
}

// ============================================================================================
// Snapshot files
// ============================================================================================

namespace fs = std::filesystem;

class SnapshotTest : public CommandTest {
 protected:
  SnapshotTest() {
    dir_ = fs::temp_directory_path() /
           ("fincache_rdb_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    EXPECT_EQ(server_->config().Set("dir", dir_.string(), /*at_startup=*/true), "");
  }
  ~SnapshotTest() override { fs::remove_all(dir_); }
  std::string Path() const { return (dir_ / "dump.rdb").string(); }
  std::string ReadFile() const {
    std::ifstream in(Path(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void WriteFile(const std::string& bytes) const {
    std::ofstream out(Path(), std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  // Loads the file into a fresh engine; "" or the error.
  std::string LoadFresh(persist::LoadStats* stats = nullptr, Engine** out = nullptr) {
    fresh_ = std::make_unique<Engine>(EngineOptions{.clock = &clock_, .active_expiry = false});
    persist::LoadStats local;
    bool missing = false;
    std::string err;
    persist::LoadRdbFile(*fresh_, Path(), clock_.NowMs(), stats ? stats : &local, &missing, &err);
    if (out) *out = fresh_.get();
    return err;
  }
  fs::path dir_;
  std::unique_ptr<Engine> fresh_;
};

TEST_F(SnapshotTest, SaveAndLoadEveryTypeTtlsAndDatabases) {
  Run({"rpush", "l", "a", "b", "3"});
  Run({"hset", "h", "f", "v"});
  Run({"sadd", "s", "1", "2"});
  Run({"sadd", "s2", "x", "y"});
  Run({"zadd", "z", "1.5", "m"});
  Run({"set", "str", "hello", "px", "100000"});
  Run({"set", "gone", "x", "px", "50"});
  Run({"select", "5"});
  Run({"set", "in5", "five"});
  Run({"select", "0"});
  AdvanceTime(60);  // "gone" is expired but not reaped: not saved
  EXPECT_THAT(Run({"save"}), SimpleArg("OK"));
  std::string file = ReadFile();
  ASSERT_GT(file.size(), 9u);
  EXPECT_EQ(file.substr(0, 9), "REDIS0010");
  EXPECT_EQ(persist::Crc64(0, file.data(), file.size() - 8), [&] {
    uint64_t c = 0;
    for (int i = 7; i >= 0; --i)
      c = (c << 8) | static_cast<unsigned char>(file[file.size() - 8 + i]);
    return c;
  }());

  persist::LoadStats stats;
  Engine* e = nullptr;
  ASSERT_EQ(LoadFresh(&stats, &e), "");
  EXPECT_EQ(stats.keys_loaded, 7u);
  EXPECT_EQ(e->DbSize(0), 6);
  EXPECT_EQ(e->DbSize(5), 1);
  Db db0(*e, 0, clock_.NowMs());
  Entry* str = db0.Find("str");
  ASSERT_NE(str, nullptr);
  EXPECT_EQ(str->value.str(), "hello");
  EXPECT_EQ(str->expire_ms, clock_.NowMs() - 60 + 100000);
  EXPECT_EQ(db0.Find("gone"), nullptr);
  EXPECT_EQ(db0.Find("l")->value.As<ListValue>()->size(), 3u);
  EXPECT_EQ(db0.Find("s")->value.encoding(), "intset");
  EXPECT_EQ(db0.Find("s2")->value.encoding(), "hashtable");
  EXPECT_EQ(Db(*e, 5, clock_.NowMs()).Find("in5")->value.str(), "five");

  // Keys that expired between the save and the load are skipped and counted.
  AdvanceTime(200000);
  ASSERT_EQ(LoadFresh(&stats), "");
  EXPECT_EQ(stats.keys_expired, 1u);
}

TEST_F(SnapshotTest, LastsaveAndChangesCounter) {
  const int64_t before = Run({"lastsave"}).integer;
  Run({"set", "a", "1"});
  Run({"mset", "b", "1", "c", "2"});
  Run({"get", "a"});
  Run({"incr", "str_not_int"});
  EXPECT_EQ(server_->dirty.load(), 4u);  // set (1) + mset (2 keys) + incr (1); reads don't count
  AdvanceTime(5000);
  EXPECT_THAT(Run({"save"}), SimpleArg("OK"));
  EXPECT_EQ(server_->dirty.load(), 0u);
  EXPECT_THAT(Run({"lastsave"}), IntArg(before + 5));
  EXPECT_THAT(Run({"bgsave", "now"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"config", "set", "dbfilename", "x.rdb"}), ErrArg("can't set protected config"));
  EXPECT_EQ(server_->config().Set("dbfilename", "a/b.rdb", true),
            "dbfilename can't be a path, just a filename");
  EXPECT_THAT(Run({"config", "set", "save", "10"}), ErrArg("Invalid save parameters"));
  EXPECT_THAT(Run({"config", "set", "save", "10 x"}), ErrArg("Invalid save parameters"));
  EXPECT_THAT(Run({"config", "set", "save", " 10  5 "}), ErrArg("Invalid save parameters"));
  EXPECT_THAT(Run({"config", "set", "save", "0 5"}), ErrArg("Invalid save parameters"));
  EXPECT_THAT(Run({"config", "set", "save", "10 5 20 0"}), SimpleArg("OK"));
  EXPECT_THAT(StrArray(Run({"config", "get", "save"})),
              ::testing::ElementsAre("save", "10 5 20 0"));
  EXPECT_THAT(Run({"config", "set", "save", ""}), SimpleArg("OK"));
  EXPECT_THAT(Run({"config", "set", "dir", "/tmp"}), ErrArg("can't set protected config"));
  EXPECT_EQ(server_->config().Set("dir", "/nonexistent/dir", true), "No such file or directory");
}

TEST_F(SnapshotTest, ConfigFileSaveLinesAccumulate) {
  Config& c = server_->config();
  EXPECT_EQ(c.LoadText("save 900 1\nsave 300 10\n# save 1 1\nsave 60 10000\n"), "");
  EXPECT_EQ(c.Get("save"), "900 1 300 10 60 10000");
  EXPECT_EQ(c.LoadText("save 5 5\n"), "");  // a new file: its first line replaces
  EXPECT_EQ(c.Get("save"), "5 5");
  EXPECT_EQ(c.LoadText("save 5 5\nsave \"\"\n"), "");
  EXPECT_EQ(c.Get("save"), "");
  EXPECT_THAT(c.LoadText("save 5\n"), ::testing::HasSubstr("Invalid save parameters"));
}

TEST_F(SnapshotTest, SaveFailureKeepsThePreviousSnapshot) {
  Run({"set", "a", "1"});
  EXPECT_THAT(Run({"save"}), SimpleArg("OK"));
  const std::string good = ReadFile();
  // The temp file can't be created (a directory has its name): SAVE fails, dump.rdb is intact.
  fs::create_directory(dir_ / ("temp-" + std::to_string(::getpid()) + ".rdb"));
  Run({"set", "b", "2"});
  EXPECT_THAT(Run({"save"}), ErrArg("ERR"));
  EXPECT_EQ(ReadFile(), good);
  EXPECT_GT(server_->dirty.load(), 0u);  // not saved: still counted as changes
}

TEST_F(SnapshotTest, BgsaveWritesFromAChild) {
  for (int i = 0; i < 1000; ++i) Run({"set", "k" + std::to_string(i), std::to_string(i)});
  EXPECT_THAT(Run({"bgsave"}), SimpleArg("Background saving started"));
  // The parent keeps serving while the child writes.
  EXPECT_THAT(Run({"set", "after", "x"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"bgsave"}), ErrArg("ERR Background save already in progress"));
  EXPECT_THAT(Run({"save"}), ErrArg("ERR Background save already in progress"));
  server_->persistence().WaitForBgsave();
  EXPECT_FALSE(server_->persistence().bgsave_in_progress());
  EXPECT_TRUE(server_->persistence().last_bgsave_ok());
  EXPECT_EQ(server_->persistence().rdb_saves(), 1u);
  EXPECT_EQ(server_->dirty.load(), 1u);  // the SET made after the fork
  persist::LoadStats stats;
  Engine* e = nullptr;
  ASSERT_EQ(LoadFresh(&stats, &e), "");
  EXPECT_GE(stats.keys_loaded, 1000u);
}

TEST_F(SnapshotTest, BgsaveInsideExecIsScheduled) {
  Run({"set", "a", "1"});
  Run({"multi"});
  Run({"bgsave"});
  RespValue r = Run({"exec"});
  ASSERT_THAT(r, ArrLen(1));
  EXPECT_THAT(r.elems[0], SimpleArg("Background saving scheduled"));
  EXPECT_FALSE(server_->persistence().bgsave_in_progress());
  server_->persistence().StartCron();  // the cron forks it
  for (int i = 0; i < 300 && server_->persistence().rdb_saves() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(server_->persistence().rdb_saves(), 1u);
  EXPECT_EQ(LoadFresh(), "");
}

TEST_F(SnapshotTest, CorruptAndTruncatedFilesAreRefused) {
  Run({"rpush", "l", "a", "b"});
  Run({"hset", "h", "f", "v"});
  Run({"set", "s", std::string(300, 'x')});
  EXPECT_THAT(Run({"save"}), SimpleArg("OK"));
  const std::string good = ReadFile();
  // Every truncation fails.
  for (size_t n = 0; n < good.size(); ++n) {
    WriteFile(good.substr(0, n));
    EXPECT_NE(LoadFresh(), "") << "truncated at " << n;
  }
  // Every single-byte change fails (the checksum, if nothing else).
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x41);
    WriteFile(bad);
    EXPECT_NE(LoadFresh(), "") << "flipped byte " << i;
  }
  WriteFile("not an rdb file at all");
  EXPECT_THAT(LoadFresh(), ::testing::HasSubstr("wrong signature"));
  WriteFile(good);
  EXPECT_EQ(LoadFresh(), "");
  // A missing file is no error.
  fs::remove(Path());
  EXPECT_EQ(LoadFresh(), "");
}

// IDLE (LRU policies) and FREQ (LFU policies) go before each key, as Redis's
// rdbSaveKeyValuePair, and set the key's access data on load as the policy in force reads them.
TEST_F(SnapshotTest, IdleAndFreqRoundTrip) {
  auto load = [&](EvictionPolicy policy) {
    fresh_ = std::make_unique<Engine>(EngineOptions{.clock = &clock_, .active_expiry = false});
    fresh_->evictor().set_policy(policy);
    persist::LoadStats stats;
    bool missing = false;
    std::string err;
    EXPECT_TRUE(persist::LoadRdbFile(*fresh_, Path(), clock_.NowMs(), &stats, &missing, &err))
        << err;
    return Db(*fresh_, 0, clock_.NowMs());
  };
  auto idle_s = [&](Db& db, std::string_view key) {
    return lru::IdleMs(db.Find(key)->lru, clock_.NowMs()) / 1000;
  };

  // noeviction: neither is written.
  Run({"set", "old", "v"});
  AdvanceTime(100000);
  Run({"set", "new", "v"});
  ASSERT_THAT(Run({"save"}), SimpleArg("OK"));
  EXPECT_EQ(ReadFile().find("\xf8\x00\x00\x03new"s), std::string::npos);

  // allkeys-lru: IDLE <seconds> before the type byte.
  ASSERT_THAT(Run({"config", "set", "maxmemory-policy", "allkeys-lru"}), SimpleArg("OK"));
  ASSERT_THAT(Run({"save"}), SimpleArg("OK"));
  std::string file = ReadFile();
  EXPECT_NE(file.find("\xf8\x00\x00\x03new"s), std::string::npos);      // IDLE 0, STRING "new"
  EXPECT_NE(file.find("\xf8\x40\x64\x00\x03old"s), std::string::npos);  // IDLE 100 (14 bit)
  AdvanceTime(5000);  // the idle time counts from the load, as Redis
  {
    Db db = load(EvictionPolicy::kAllKeysLru);
    EXPECT_EQ(idle_s(db, "old"), 100u);
    EXPECT_EQ(idle_s(db, "new"), 0u);
    AdvanceTime(5000);
    EXPECT_EQ(idle_s(db, "old"), 105u);
  }
  {
    Db db = load(EvictionPolicy::kNoEviction);  // any non-LFU policy takes IDLE
    EXPECT_EQ(idle_s(db, "old"), 100u);
  }
  {
    Db db = load(EvictionPolicy::kAllKeysLfu);  // an LFU policy ignores IDLE: a new counter
    EXPECT_EQ(lfu::Counter(db.Find("old")->lru), lfu::kInitVal);
  }

  // allkeys-lfu: FREQ <counter> (the decayed value OBJECT FREQ shows).
  ASSERT_THAT(Run({"config", "set", "maxmemory-policy", "allkeys-lfu"}), SimpleArg("OK"));
  std::string p = Run({"dump", "old"}).str;
  ASSERT_THAT(Run({"restore", "hot", "0", p, "freq", "200"}), SimpleArg("OK"));
  ASSERT_THAT(Run({"object", "freq", "hot"}), IntArg(200));
  ASSERT_THAT(Run({"save"}), SimpleArg("OK"));
  file = ReadFile();
  EXPECT_NE(file.find("\xf9\xc8\x00\x03hot"s), std::string::npos);
  EXPECT_EQ(file.find("\xf8"s + "\x00\x00\x03hot"s), std::string::npos);
  {
    Db db = load(EvictionPolicy::kVolatileLfu);
    EXPECT_EQ(lfu::Counter(db.Find("hot")->lru), 200u);
  }
  {
    Db db = load(EvictionPolicy::kAllKeysLru);  // FREQ ignored: the key is fresh
    EXPECT_EQ(idle_s(db, "hot"), 0u);
  }
  // A forged idle time beyond the clock's range is the longest idle time it holds.
  std::string forged = file;
  const size_t at = forged.find("\xf9\xc8\x00\x03hot"s);
  forged.replace(at, 2, "\xf8\x81\x7f\xff\xff\xff\xff\xff\xff\xff"s);
  std::string body = forged.substr(0, forged.size() - 8);
  const uint64_t crc = persist::Crc64(0, body);
  for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  WriteFile(body);
  {
    Db db = load(EvictionPolicy::kAllKeysLru);
    EXPECT_GT(idle_s(db, "hot"), 400u * 86400);
  }
}

}  // namespace
}  // namespace fincache
