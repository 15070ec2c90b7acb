// HyperLogLog: the format primitives (types/hll.h) and PFADD/PFCOUNT/PFMERGE through the
// dispatcher. Expected bytes come from Redis 7.0.15 (the differential tests compare many more).
#include "types/hll.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "command_test_base.h"

namespace fincache {
namespace {

using ::testing::HasSubstr;

std::string Header(uint8_t encoding, bool invalid) {
  std::string h("HYLL", 4);
  h.push_back(static_cast<char>(encoding));
  h.append(10, '\0');
  h.push_back(invalid ? '\x80' : '\0');
  return h;
}

std::string XZero(int n) {
  --n;
  return {static_cast<char>(0x40 | (n >> 8)), static_cast<char>(n & 0xff)};
}
std::string Val(int v, int n) {
  return std::string(1, static_cast<char>(0x80 | ((v - 1) << 2) | (n - 1)));
}
std::string Zero(int n) { return std::string(1, static_cast<char>(n - 1)); }

// ============================================================================================
// Format primitives
// ============================================================================================

TEST(HllFormat, EmptyIsOneXZeroRun) {
  std::string e = hll::CreateEmpty();
  EXPECT_EQ(e, Header(hll::kEncodingSparse, false) + "\x7f\xff");
  EXPECT_TRUE(hll::LooksLikeHll(e));
  EXPECT_EQ(hll::CachedCardinality(e), 0u);
  EXPECT_EQ(hll::Count(e), 0u);
}

TEST(HllFormat, HashMatchesRedis) {
  // Redis: PFADD k a -> body XZERO(12711) VAL(2,1) XZERO(3672).
  int index, count;
  hll::HashElement("a", &index, &count);
  EXPECT_EQ(index, 12711);
  EXPECT_EQ(count, 2);
  std::string s = hll::CreateEmpty();
  EXPECT_EQ(hll::Add(s, "a", 3000), 1);
  EXPECT_EQ(s, Header(hll::kEncodingSparse, true) + "\x71\xa6\x84\x4e\x57");
  EXPECT_EQ(hll::Add(s, "a", 3000), 0);
}

TEST(HllFormat, MurmurBlocksAndTails) {
  // Every tail length goes through the same mixing; lengths must give distinct hashes and the
  // function is deterministic.
  std::string data = "0123456789abcdefXYZ";
  std::vector<uint64_t> seen;
  for (size_t len = 0; len <= data.size(); ++len) {
    uint64_t h = hll::MurmurHash64A(std::string_view(data).substr(0, len), hll::kSeed);
    EXPECT_EQ(h, hll::MurmurHash64A(std::string_view(data).substr(0, len), hll::kSeed));
    for (uint64_t o : seen) EXPECT_NE(o, h);
    seen.push_back(h);
  }
  EXPECT_NE(hll::MurmurHash64A("x", 1), hll::MurmurHash64A("x", 2));
}

TEST(HllFormat, LooksLikeHll) {
  std::string e = hll::CreateEmpty();
  EXPECT_FALSE(hll::LooksLikeHll(e.substr(0, 15)));
  EXPECT_TRUE(hll::LooksLikeHll(e.substr(0, 16)));  // sparse bodies are checked when used
  std::string bad_magic = e;
  bad_magic[3] = 'X';
  EXPECT_FALSE(hll::LooksLikeHll(bad_magic));
  std::string enc2 = e;
  enc2[4] = 2;
  EXPECT_FALSE(hll::LooksLikeHll(enc2));
  std::string dense = Header(hll::kEncodingDense, true) + std::string(12288, '\0');
  EXPECT_TRUE(hll::LooksLikeHll(dense));
  EXPECT_FALSE(hll::LooksLikeHll(dense + "x"));
  EXPECT_FALSE(hll::LooksLikeHll(dense.substr(0, dense.size() - 1)));
}

TEST(HllFormat, DenseRegistersRoundTrip) {
  std::string d = Header(hll::kEncodingDense, true) + std::string(12288, '\0');
  std::mt19937 rng(5);
  std::vector<int> want(hll::kRegisters);
  for (int i = 0; i < hll::kRegisters; ++i) {
    want[i] = static_cast<int>(rng() % 64);
    hll::DenseSetRegister(d, i, want[i]);
  }
  ASSERT_EQ(d.size(), hll::kDenseSize);
  for (int i = 0; i < hll::kRegisters; ++i) ASSERT_EQ(hll::DenseGetRegister(d, i), want[i]) << i;
  EXPECT_EQ(d.substr(0, 16), Header(hll::kEncodingDense, true));
}

TEST(HllFormat, SparseAndDenseAgree) {
  std::string sparse = hll::CreateEmpty();
  std::string dense = hll::CreateEmpty();
  ASSERT_TRUE(hll::SparseToDense(dense));
  ASSERT_EQ(dense.size(), hll::kDenseSize);
  for (int i = 0; i < 500; ++i) {
    std::string e = "el" + std::to_string(i);
    EXPECT_EQ(hll::Add(sparse, e, 1 << 30), hll::Add(dense, e, 1 << 30)) << e;
  }
  EXPECT_EQ(hll::EncodingOf(sparse), hll::kEncodingSparse);
  EXPECT_EQ(hll::Count(sparse), hll::Count(dense));
  std::string converted = sparse;
  ASSERT_TRUE(hll::SparseToDense(converted));
  EXPECT_EQ(converted.substr(16), dense.substr(16));
  uint8_t a[hll::kRegisters] = {}, b[hll::kRegisters] = {};
  ASSERT_TRUE(hll::MergeInto(sparse, a));
  ASSERT_TRUE(hll::MergeInto(dense, b));
  EXPECT_EQ(std::memcmp(a, b, sizeof(a)), 0);
  EXPECT_EQ(hll::CountRaw(a), *hll::Count(sparse));
}

TEST(HllFormat, PromotesWhenTooLongOrValueTooLarge) {
  std::string s = hll::CreateEmpty();
  int added = 0;
  while (hll::EncodingOf(s) == hll::kEncodingSparse) {
    hll::Add(s, "x" + std::to_string(added++), 100);
    ASSERT_LT(added, 1000);
    if (hll::EncodingOf(s) == hll::kEncodingSparse) ASSERT_LE(s.size(), 100u);
  }
  EXPECT_EQ(s.size(), hll::kDenseSize);

  std::string v = hll::CreateEmpty();
  EXPECT_EQ(hll::SparseSet(v, 7, 32, 3000), 1);
  EXPECT_EQ(hll::EncodingOf(v), hll::kEncodingSparse);
  EXPECT_EQ(hll::SparseSet(v, 7, 33, 3000), 1);
  EXPECT_EQ(hll::EncodingOf(v), hll::kEncodingDense);
  EXPECT_EQ(hll::DenseGetRegister(v, 7), 33);
}

TEST(HllFormat, SparseSetSplitsAndMergesRuns) {
  std::string s = hll::CreateEmpty();
  EXPECT_EQ(hll::SparseSet(s, 0, 3, 3000), 1);
  EXPECT_EQ(s.substr(16), Val(3, 1) + XZero(16383));
  EXPECT_EQ(hll::SparseSet(s, 1, 3, 3000), 1);  // merged into one VAL run of 2
  EXPECT_EQ(s.substr(16), Val(3, 2) + XZero(16382));
  EXPECT_EQ(hll::SparseSet(s, 1, 2, 3000), 0);  // not larger
  EXPECT_EQ(hll::SparseSet(s, 100, 1, 3000), 1);
  EXPECT_EQ(s.substr(16), Val(3, 2) + XZero(98) + Val(1, 1) + XZero(16283));
  EXPECT_EQ(hll::SparseSet(s, 10, 1, 3000), 1);
  EXPECT_EQ(s.substr(16), Val(3, 2) + Zero(8) + Val(1, 1) + XZero(89) + Val(1, 1) + XZero(16283));
}

TEST(HllFormat, EstimateIsClose) {
  std::string s = hll::CreateEmpty();
  for (int i = 0; i < 100000; ++i) hll::Add(s, "item:" + std::to_string(i), 3000);
  auto c = hll::Count(s);
  ASSERT_TRUE(c);
  EXPECT_NEAR(static_cast<double>(*c), 100000.0, 2000.0);
  std::string small = hll::CreateEmpty();
  for (int i = 0; i < 10; ++i) hll::Add(small, std::to_string(i), 3000);
  EXPECT_EQ(hll::Count(small), 10u);
}

TEST(HllFormat, CacheBits) {
  std::string s = hll::CreateEmpty();
  hll::SetCachedCardinality(s, 0x0102030405060708ULL);
  EXPECT_EQ(s.substr(8, 8), std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  EXPECT_EQ(hll::CachedCardinality(s), 0x0102030405060708ULL);
  hll::InvalidateCache(s);
  EXPECT_EQ(hll::CachedCardinality(s), std::nullopt);
  EXPECT_EQ(static_cast<uint8_t>(s[15]), 0x81);
}

TEST(HllFormat, CorruptSparseBodies) {
  std::string h = Header(hll::kEncodingSparse, true);
  for (const std::string& body : {std::string(), XZero(16383), XZero(16384) + Zero(1),
                                  std::string("\x7f"), Val(1, 4) + XZero(16384)}) {
    std::string s = h + body;
    EXPECT_EQ(hll::Count(s), std::nullopt);
    uint8_t max[hll::kRegisters] = {};
    EXPECT_FALSE(hll::MergeInto(s, max));
    std::string t = s;
    EXPECT_FALSE(hll::SparseToDense(t));
    EXPECT_EQ(t, s);  // unchanged on failure
  }
  // A run past the last register is corrupt even when the rest adds up.
  uint8_t max[hll::kRegisters] = {};
  EXPECT_FALSE(hll::MergeInto(h + XZero(16384) + Val(1, 1), max));
  std::string s = h;
  EXPECT_EQ(hll::SparseSet(s, 5, 1, 3000), -1);
  s = h + XZero(100);
  EXPECT_EQ(hll::SparseSet(s, 500, 1, 3000), -1);
  s = h + "\x7f";  // truncated XZERO
  EXPECT_EQ(hll::SparseSet(s, 5, 1, 3000), -1);
}

// Random bytes after a valid header: nothing may crash or touch memory outside the string
// (run under ASan/valgrind in CI for the memory part); results stay in range.
TEST(HllFormat, FuzzCorruptBodies) {
  std::mt19937 rng(12345);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s = Header(rng() % 2 ? hll::kEncodingSparse : hll::kEncodingDense, rng() % 2);
    if (s[4] == hll::kEncodingDense) {
      s.resize(hll::kDenseSize);
      for (size_t i = 16; i < s.size(); ++i) s[i] = static_cast<char>(rng());
    } else {
      size_t len = rng() % 40;
      for (size_t i = 0; i < len; ++i) {
        uint32_t r = rng();
        s.push_back(static_cast<char>(r % 5 == 0 ? (0x40 | (r >> 8 & 0x3f)) : r >> 16));
      }
    }
    std::string copy = s;
    auto c = hll::Count(s);
    if (c) EXPECT_LT(*c, 1ULL << 40);
    uint8_t max[hll::kRegisters] = {};
    if (hll::MergeInto(s, max)) {
      for (uint8_t m : max) ASSERT_LE(m, 63);
    }
    for (int k = 0; k < 4; ++k) {
      int r = hll::Add(copy, "e" + std::to_string(rng() % 1000), rng() % 2 ? 3000 : 20);
      ASSERT_GE(r, -1);
      ASSERT_LE(r, 1);
      if (r < 0) break;
      ASSERT_TRUE(hll::LooksLikeHll(copy));
    }
    std::string t = s;
    if (hll::SparseToDense(t)) ASSERT_EQ(t.size(), hll::kDenseSize);
  }
}

// ============================================================================================
// Commands
// ============================================================================================

class HllFamilyTest : public CommandTest {
 protected:
  std::string Get(const std::string& key) { return Run({"get", key}).str; }
};

TEST_F(HllFamilyTest, PfAddCreatesAndReportsChanges) {
  EXPECT_THAT(Run({"pfadd", "h", "a"}), IntArg(1));
  EXPECT_EQ(Get("h"), Header(1, true) + "\x71\xa6\x84\x4e\x57");
  EXPECT_THAT(Run({"pfadd", "h", "a"}), IntArg(0));
  EXPECT_THAT(Run({"pfadd", "h"}), IntArg(0));
  EXPECT_THAT(Run({"pfadd", "new"}), IntArg(1));  // creating the key counts as a change
  EXPECT_EQ(Get("new"), Header(1, true) + "\x7f\xff");
  EXPECT_THAT(Run({"type", "h"}), SimpleArg("string"));
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("raw"));
  EXPECT_THAT(Run({"pfadd"}), ErrArg("wrong number of arguments for 'pfadd' command"));
}

TEST_F(HllFamilyTest, PfCountCachesInTheHeader) {
  EXPECT_THAT(Run({"pfcount", "nokey"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "nokey"}), IntArg(0));
  Run({"pfadd", "h", "a", "b", "c"});
  EXPECT_EQ(static_cast<uint8_t>(Get("h")[15]), 0x80);
  EXPECT_THAT(Run({"pfcount", "h"}), IntArg(3));
  std::string v = Get("h");
  EXPECT_EQ(v.substr(8, 8), std::string("\x03\0\0\0\0\0\0\0", 8));
  // A valid cache is trusted as is.
  Run({"setrange", "h", "8", std::string("\x2a", 1)});
  EXPECT_THAT(Run({"pfcount", "h"}), IntArg(42));
  Run({"pfadd", "h", "d"});
  EXPECT_THAT(Run({"pfcount", "h"}), IntArg(4));
  // SET of an embstr HLL: PFCOUNT makes it raw, as Redis's unsharing does.
  Run({"set", "e", hll::CreateEmpty()});
  EXPECT_THAT(Run({"object", "encoding", "e"}), BulkArg("embstr"));
  EXPECT_THAT(Run({"pfcount", "e"}), IntArg(0));
  EXPECT_THAT(Run({"object", "encoding", "e"}), BulkArg("raw"));
}

TEST_F(HllFamilyTest, PfCountUnionDoesNotCache) {
  Run({"pfadd", "a", "1", "2", "3"});
  Run({"pfadd", "b", "3", "4"});
  EXPECT_THAT(Run({"pfcount", "a", "b"}), IntArg(4));
  EXPECT_THAT(Run({"pfcount", "a", "nokey", "b", "a"}), IntArg(4));
  EXPECT_EQ(static_cast<uint8_t>(Get("a")[15]), 0x80);  // still invalid
  EXPECT_THAT(Run({"pfcount", "nokey", "nokey2"}), IntArg(0));
}

TEST_F(HllFamilyTest, PfMerge) {
  Run({"pfadd", "a", "1", "2", "3"});
  Run({"pfadd", "b", "3", "4", "5"});
  EXPECT_THAT(Run({"pfmerge", "d", "a", "b"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"pfcount", "d"}), IntArg(5));
  EXPECT_THAT(Run({"pfmerge", "empty"}), SimpleArg("OK"));
  EXPECT_EQ(Get("empty"), Header(1, true) + "\x7f\xff");
  EXPECT_THAT(Run({"pfmerge", "e2", "nokey"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"pfcount", "e2"}), IntArg(0));
  // A dense input makes the destination dense.
  Run({"config", "set", "hll-sparse-max-bytes", "0"});
  Run({"pfadd", "dense", "x"});
  EXPECT_THAT(Run({"strlen", "dense"}), IntArg(12304));
  Run({"config", "set", "hll-sparse-max-bytes", "3000"});
  EXPECT_THAT(Run({"pfmerge", "a", "dense"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"strlen", "a"}), IntArg(12304));
  EXPECT_THAT(Run({"pfcount", "a"}), IntArg(4));
  EXPECT_THAT(Run({"pfmerge", "d", "a"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"pfcount", "d"}), IntArg(6));
}

TEST_F(HllFamilyTest, PfMergeKeepsTtl) {
  Run({"pfadd", "d", "a"});
  Run({"expire", "d", "100"});
  Run({"pfmerge", "d", "nokey"});
  EXPECT_THAT(Run({"ttl", "d"}), IntArg(100));
  AdvanceTime(101000);
  EXPECT_THAT(Run({"pfcount", "d"}), IntArg(0));
}

TEST_F(HllFamilyTest, SparseMaxBytesSetting) {
  EXPECT_THAT(Run({"config", "get", "hll-sparse-max-bytes"}), ArrLen(2));
  EXPECT_THAT(Run({"config", "set", "hll-sparse-max-bytes", "-1"}),
              ErrArg("argument must be a memory value"));
  EXPECT_THAT(Run({"config", "set", "hll-sparse-max-bytes", "1kb"}), SimpleArg("OK"));
  EXPECT_EQ(Run({"config", "get", "hll-sparse-max-bytes"}).elems[1].str, "1024");
  EXPECT_THAT(Run({"config", "set", "hll-sparse-max-bytes", "30"}), SimpleArg("OK"));
  Run({"pfadd", "h", "a", "b"});
  EXPECT_THAT(Run({"strlen", "h"}), IntArg(24));
  Run({"pfadd", "h", "c", "d", "e"});
  EXPECT_THAT(Run({"strlen", "h"}), IntArg(12304));
  EXPECT_THAT(Run({"pfcount", "h"}), IntArg(5));
  Run({"config", "set", "hll-sparse-max-bytes", "3000"});
}

TEST_F(HllFamilyTest, Errors) {
  Run({"lpush", "l", "a"});
  const char* kWrong = "WRONGTYPE Operation against a key holding the wrong kind of value";
  const char* kNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
  const char* kCorrupt = "INVALIDOBJ Corrupted HLL object detected";
  EXPECT_THAT(Run({"pfadd", "l", "a"}), ErrArg(kWrong));
  EXPECT_THAT(Run({"pfcount", "l"}), ErrArg(kWrong));
  EXPECT_THAT(Run({"pfcount", "nokey", "l"}), ErrArg(kWrong));
  EXPECT_THAT(Run({"pfmerge", "d", "l"}), ErrArg(kWrong));
  Run({"set", "s", "hello"});
  EXPECT_THAT(Run({"pfadd", "s", "a"}), ErrArg(kNotHll));
  EXPECT_THAT(Run({"pfcount", "s"}), ErrArg(kNotHll));
  EXPECT_THAT(Run({"pfcount", "s", "s"}), ErrArg(kNotHll));
  EXPECT_THAT(Run({"pfmerge", "s"}), ErrArg(kNotHll));
  EXPECT_THAT(Run({"get", "s"}), BulkArg("hello"));
  Run({"set", "c", Header(1, true) + XZero(16383)});
  EXPECT_THAT(Run({"pfcount", "c"}), ErrArg(kCorrupt));
  EXPECT_THAT(Run({"pfcount", "c", "nokey"}), ErrArg(kCorrupt));
  EXPECT_THAT(Run({"pfmerge", "d", "c"}), ErrArg(kCorrupt));
  EXPECT_THAT(Run({"exists", "d"}), IntArg(0));
  Run({"set", "c2", Header(1, true)});
  EXPECT_THAT(Run({"pfadd", "c2", "a"}), ErrArg(kCorrupt));
  Run({"set", "enc", Header(2, true) + XZero(16384)});
  EXPECT_THAT(Run({"pfcount", "enc"}), ErrArg(kNotHll));
}

TEST_F(HllFamilyTest, FuzzCorruptValuesThroughCommands) {
  std::mt19937 rng(99);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string v = Header(1, rng() % 4 != 0);
    size_t len = rng() % 24;
    for (size_t i = 0; i < len; ++i) v.push_back(static_cast<char>(rng()));
    Run({"set", "f", v});
    RespValue c = Run({"pfcount", "f"});
    ASSERT_TRUE(c.type == RespValue::Type::kInteger || c.type == RespValue::Type::kError);
    RespValue a = Run({"pfadd", "f", "x" + std::to_string(rng() % 100), "y"});
    ASSERT_TRUE(a.type == RespValue::Type::kInteger || a.type == RespValue::Type::kError);
    RespValue m = Run({"pfmerge", "m", "f"});
    ASSERT_TRUE(m.type == RespValue::Type::kSimple || m.type == RespValue::Type::kError);
    RespValue u = Run({"pfcount", "f", "m"});
    ASSERT_TRUE(u.type == RespValue::Type::kInteger || u.type == RespValue::Type::kError);
    Run({"del", "m"});
  }
}

}  // namespace
}  // namespace fincache
