// Bitmap family through the dispatcher. Expected replies were checked against Redis 7.0.15.
#include <string>

#include "command_test_base.h"
#include "engine/engine.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;

constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key";
constexpr std::string_view kBadOffset = "ERR bit offset is not an integer or out of range";
constexpr std::string_view kBadBit = "ERR bit is not an integer or out of range";
constexpr std::string_view kBadType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";

class BitmapFamilyTest : public CommandTest {
 protected:
  Db db() { return Db(engine(), session_.db_index, clock_.NowMs()); }
  std::string Encoding(std::string_view key) {
    return Run({"object", "encoding", std::string(key)}).str;
  }
  // The integers of an array reply; nulls as INT64_MIN + 1 (never a BITFIELD result here).
  static std::vector<int64_t> Ints(const RespValue& v) {
    std::vector<int64_t> out;
    for (const auto& e : v.elems)
      out.push_back(e.type == RespValue::Type::kInteger ? e.integer : kNil);
    return out;
  }
  static constexpr int64_t kNil = INT64_MIN + 1;
  // Runs a command written as one line of space-separated arguments.
  RespValue RunLine(std::string_view line) {
    std::vector<std::string> argv;
    for (size_t pos = 0; pos < line.size();) {
      size_t sp = line.find(' ', pos);
      if (sp == std::string_view::npos) sp = line.size();
      if (sp > pos) argv.emplace_back(line.substr(pos, sp - pos));
      pos = sp + 1;
    }
    return Run(argv);
  }
};

// ---- SETBIT / GETBIT ---------------------------------------------------------------------

TEST_F(BitmapFamilyTest, SetBitGetBit) {
  EXPECT_THAT(Run({"setbit", "k", "7", "1"}), IntArg(0));
  EXPECT_THAT(Run({"get", "k"}), BulkArg(std::string("\x01", 1)));
  EXPECT_THAT(Run({"setbit", "k", "7", "1"}), IntArg(1));
  EXPECT_THAT(Run({"setbit", "k", "0", "1"}), IntArg(0));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("\x81"));
  EXPECT_THAT(Run({"setbit", "k", "7", "0"}), IntArg(1));
  EXPECT_THAT(Run({"getbit", "k", "0"}), IntArg(1));
  EXPECT_THAT(Run({"getbit", "k", "7"}), IntArg(0));
  EXPECT_THAT(Run({"getbit", "k", "100"}), IntArg(0));
  EXPECT_THAT(Run({"getbit", "nokey", "0"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "nokey"}), IntArg(0));
  // Growth fills with zero bytes.
  EXPECT_THAT(Run({"setbit", "k", "31", "1"}), IntArg(0));
  EXPECT_THAT(Run({"get", "k"}), BulkArg(std::string("\x80\x00\x00\x01", 4)));
  EXPECT_THAT(Run({"strlen", "k"}), IntArg(4));
}

TEST_F(BitmapFamilyTest, SetBitEncodingsAndTtl) {
  Run({"set", "n", "1234"});
  EXPECT_EQ(Encoding("n"), "int");
  EXPECT_THAT(Run({"getbit", "n", "2"}), IntArg(1));  // '1' = 0x31: reads the decimal text
  EXPECT_EQ(Encoding("n"), "int");
  EXPECT_THAT(Run({"setbit", "n", "0", "1"}), IntArg(0));
  EXPECT_EQ(Encoding("n"), "raw");
  EXPECT_THAT(Run({"get", "n"}), BulkArg("\xb1"
                                         "234"));
  EXPECT_THAT(Run({"setbit", "new", "3", "1"}), IntArg(0));
  EXPECT_EQ(Encoding("new"), "raw");
  Run({"set", "t", "x", "ex", "100"});
  Run({"setbit", "t", "100", "1"});
  EXPECT_THAT(Run({"pttl", "t"}), IntArg(100000));
}

TEST_F(BitmapFamilyTest, SetBitGetBitErrors) {
  EXPECT_THAT(Run({"setbit", "k", "-1", "1"}), ErrArg(kBadOffset));
  EXPECT_THAT(Run({"setbit", "k", "x", "1"}), ErrArg(kBadOffset));
  EXPECT_THAT(Run({"setbit", "k", "+1", "1"}), ErrArg(kBadOffset));
  EXPECT_THAT(Run({"setbit", "k", "#1", "1"}), ErrArg(kBadOffset));
  EXPECT_THAT(Run({"setbit", "k", "4294967296", "1"}), ErrArg(kBadOffset));
  EXPECT_THAT(Run({"setbit", "k", "4294967296", "x"}), ErrArg(kBadOffset));  // offset first
  EXPECT_THAT(Run({"setbit", "k", "0", "2"}), ErrArg(kBadBit));
  EXPECT_THAT(Run({"setbit", "k", "0", "-1"}), ErrArg(kBadBit));
  EXPECT_THAT(Run({"setbit", "k", "0", "01"}), ErrArg(kBadBit));
  EXPECT_THAT(Run({"exists", "k"}), IntArg(0));
  EXPECT_THAT(Run({"getbit", "k", "4294967296"}), ErrArg(kBadOffset));
  EXPECT_THAT(Run({"getbit", "k", "4294967295"}), IntArg(0));
  Run({"rpush", "l", "a"});
  EXPECT_THAT(Run({"setbit", "l", "0", "1"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"setbit", "l", "x", "1"}), ErrArg(kBadOffset));  // arguments before type
  EXPECT_THAT(Run({"setbit", "l", "0", "5"}), ErrArg(kBadBit));
  EXPECT_THAT(Run({"getbit", "l", "0"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"getbit", "l", "x"}), ErrArg(kBadOffset));
}

TEST_F(BitmapFamilyTest, OffsetLimitFollowsProtoMaxBulkLen) {
  ASSERT_EQ(server_->config().Set("proto-max-bulk-len", "1048576"), "");
  EXPECT_THAT(Run({"setbit", "k", "8388608", "1"}), ErrArg(kBadOffset));
  EXPECT_THAT(Run({"getbit", "k", "8388608"}), ErrArg(kBadOffset));
  EXPECT_THAT(Run({"setbit", "k", "8388607", "1"}), IntArg(0));
  EXPECT_THAT(Run({"strlen", "k"}), IntArg(1048576));
  EXPECT_THAT(Run({"bitfield", "k", "get", "u8", "#1048576"}), ErrArg(kBadOffset));
  // A field starting at the last allowed bit reaches past it, as in Redis.
  EXPECT_THAT(Run({"bitfield", "k", "set", "u8", "8388607", "255"}), ArrLen(1));
  EXPECT_THAT(Run({"strlen", "k"}), IntArg(1048577));
}

TEST_F(BitmapFamilyTest, GrowthIsAccounted) {
  int64_t before = engine().UsedMemory();
  Run({"setbit", "k", "0", "1"});
  int64_t small = engine().UsedMemory();
  EXPECT_GT(small, before);
  Run({"setbit", "k", "800000", "1"});
  EXPECT_GE(engine().UsedMemory(), small + 100000);
  Run({"bitfield", "f", "set", "u8", "#200000", "1"});
  EXPECT_GE(engine().UsedMemory(), small + 300000);
  Run({"bitop", "not", "d", "k"});
  EXPECT_GE(engine().UsedMemory(), small + 400000);
  Run({"del", "k", "f", "d"});
  EXPECT_EQ(engine().UsedMemory(), before);
}

// ---- BITCOUNT ----------------------------------------------------------------------------

TEST_F(BitmapFamilyTest, BitCount) {
  Run({"set", "k", "foobar"});
  EXPECT_THAT(Run({"bitcount", "k"}), IntArg(26));
  EXPECT_THAT(Run({"bitcount", "k", "0", "0"}), IntArg(4));
  EXPECT_THAT(Run({"bitcount", "k", "1", "1"}), IntArg(6));
  EXPECT_THAT(Run({"bitcount", "k", "1", "1", "byte"}), IntArg(6));
  EXPECT_THAT(Run({"bitcount", "k", "5", "30", "bit"}), IntArg(17));
  EXPECT_THAT(Run({"bitcount", "k", "-1", "-1", "bit"}), IntArg(0));
  EXPECT_THAT(Run({"bitcount", "k", "0", "-1", "BIT"}), IntArg(26));
  EXPECT_THAT(Run({"bitcount", "k", "-100", "100"}), IntArg(26));
  EXPECT_THAT(Run({"bitcount", "k", "3", "1"}), IntArg(0));
  EXPECT_THAT(Run({"bitcount", "k", "9", "10", "bit"}), IntArg(2));
  EXPECT_THAT(Run({"bitcount", "k", "47", "100", "bit"}), IntArg(0));
  EXPECT_THAT(Run({"bitcount", "nokey"}), IntArg(0));
  std::string big(1000, '\xff');
  Run({"set", "b", big});
  EXPECT_THAT(Run({"bitcount", "b"}), IntArg(8000));
  EXPECT_THAT(Run({"bitcount", "b", "3", "7996", "bit"}), IntArg(7994));
  Run({"set", "e", ""});
  EXPECT_THAT(Run({"bitcount", "e"}), IntArg(0));
  EXPECT_THAT(Run({"bitcount", "e", "0", "-1"}), IntArg(0));
}

TEST_F(BitmapFamilyTest, BitCountArgumentOrder) {
  // A missing key answers 0 before its arguments are looked at.
  EXPECT_THAT(Run({"bitcount", "nokey", "x", "y"}), IntArg(0));
  EXPECT_THAT(Run({"bitcount", "nokey", "0"}), IntArg(0));
  Run({"set", "k", "foobar"});
  EXPECT_THAT(Run({"bitcount", "k", "x"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"bitcount", "k", "0"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"bitcount", "k", "0", "x"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"bitcount", "k", "x", "0", "foo"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"bitcount", "k", "-1", "-2", "foo"}), IntArg(0));  // before the unit
  EXPECT_THAT(Run({"bitcount", "k", "0", "0", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"bitcount", "k", "0", "1", "bit", "x"}), ErrArg("ERR syntax error"));
  Run({"rpush", "l", "a"});
  EXPECT_THAT(Run({"bitcount", "l"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"bitcount", "l", "x"}), ErrArg(kWrongType));
}

// ---- BITPOS ------------------------------------------------------------------------------

TEST_F(BitmapFamilyTest, BitPos) {
  Run({"set", "p", std::string("\xff\xf0\x00", 3)});
  EXPECT_THAT(Run({"bitpos", "p", "0"}), IntArg(12));
  EXPECT_THAT(Run({"bitpos", "p", "1"}), IntArg(0));
  EXPECT_THAT(Run({"bitpos", "p", "1", "2"}), IntArg(-1));
  EXPECT_THAT(Run({"bitpos", "p", "1", "2", "-1", "byte"}), IntArg(-1));
  EXPECT_THAT(Run({"bitpos", "p", "0", "0", "0"}), IntArg(-1));
  EXPECT_THAT(Run({"bitpos", "p", "0", "0"}), IntArg(12));
  EXPECT_THAT(Run({"bitpos", "p", "1", "7", "15", "bit"}), IntArg(7));
  EXPECT_THAT(Run({"bitpos", "p", "0", "7", "11", "bit"}), IntArg(-1));
  EXPECT_THAT(Run({"bitpos", "p", "0", "7", "12", "bit"}), IntArg(12));
  EXPECT_THAT(Run({"bitpos", "p", "1", "16", "23", "bit"}), IntArg(-1));
  Run({"set", "ones", "\xff\xff"});
  EXPECT_THAT(Run({"bitpos", "ones", "0"}), IntArg(16));  // zeros past the end...
  EXPECT_THAT(Run({"bitpos", "ones", "0", "1"}), IntArg(16));
  EXPECT_THAT(Run({"bitpos", "ones", "0", "0", "-1"}), IntArg(-1));  // ...unless end is given
  EXPECT_THAT(Run({"bitpos", "ones", "0", "0", "15", "bit"}), IntArg(-1));
  EXPECT_THAT(Run({"bitpos", "ones", "1", "-3", "-1", "bit"}), IntArg(13));
  EXPECT_THAT(Run({"bitpos", "nokey", "1"}), IntArg(-1));
  EXPECT_THAT(Run({"bitpos", "nokey", "0"}), IntArg(0));
  Run({"set", "e", ""});
  EXPECT_THAT(Run({"bitpos", "e", "0"}), IntArg(-1));
  EXPECT_THAT(Run({"bitpos", "e", "1"}), IntArg(-1));
  // Long strings go through the word-at-a-time scan.
  std::string zeros(300, '\0');
  zeros[257] = '\x04';
  Run({"set", "z", zeros});
  EXPECT_THAT(Run({"bitpos", "z", "1"}), IntArg(257 * 8 + 5));
  EXPECT_THAT(Run({"bitpos", "z", "1", "3", "2060", "bit"}), IntArg(-1));
  EXPECT_THAT(Run({"bitpos", "z", "1", "3", "2061", "bit"}), IntArg(2061));
  EXPECT_THAT(Run({"bitpos", "z", "0", "-1"}), IntArg(299 * 8));
  std::string ff(300, '\xff');
  ff[290] = '\xfe';
  Run({"set", "f", ff});
  EXPECT_THAT(Run({"bitpos", "f", "0"}), IntArg(290 * 8 + 7));
  EXPECT_THAT(Run({"bitpos", "f", "0", "291"}), IntArg(300 * 8));
}

TEST_F(BitmapFamilyTest, BitPosErrors) {
  EXPECT_THAT(Run({"bitpos", "k", "2"}), ErrArg("ERR The bit argument must be 1 or 0."));
  EXPECT_THAT(Run({"bitpos", "k", "x"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"bitpos", "nokey", "1", "x"}), IntArg(-1));
  Run({"set", "k", "foobar"});
  EXPECT_THAT(Run({"bitpos", "k", "1", "x"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"bitpos", "k", "1", "0", "x"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"bitpos", "k", "1", "0", "0", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"bitpos", "k", "1", "0", "x", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"bitpos", "k", "1", "x", "0", "foo"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"bitpos", "k", "1", "-1", "-2", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"bitpos", "k", "1", "0", "0", "bit", "x"}), ErrArg("ERR syntax error"));
  Run({"rpush", "l", "a"});
  EXPECT_THAT(Run({"bitpos", "l", "1"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"bitpos", "l", "2"}), ErrArg("must be 1 or 0"));
}

// ---- BITOP -------------------------------------------------------------------------------

TEST_F(BitmapFamilyTest, BitOp) {
  Run({"set", "a", "abc"});
  Run({"set", "b", std::string("\x0f\xf0", 2)});
  EXPECT_THAT(Run({"bitop", "and", "d", "a", "b"}), IntArg(3));
  EXPECT_THAT(Run({"get", "d"}), BulkArg(std::string("\x01\x60\x00", 3)));
  EXPECT_EQ(Encoding("d"), "raw");
  EXPECT_THAT(Run({"bitop", "OR", "d", "a", "b"}), IntArg(3));
  EXPECT_THAT(Run({"get", "d"}), BulkArg("\x6f\xf2"
                                         "c"));
  EXPECT_THAT(Run({"bitop", "xor", "d", "a", "b", "nokey"}), IntArg(3));
  EXPECT_THAT(Run({"get", "d"}), BulkArg("\x6e\x92"
                                         "c"));
  EXPECT_THAT(Run({"bitop", "and", "d", "a", "nokey"}), IntArg(3));
  EXPECT_THAT(Run({"get", "d"}), BulkArg(std::string(3, '\0')));
  EXPECT_THAT(Run({"bitop", "not", "d", "b"}), IntArg(2));
  EXPECT_THAT(Run({"get", "d"}), BulkArg("\xf0\x0f"));
  EXPECT_THAT(Run({"bitop", "not", "a", "a"}), IntArg(3));  // in place
  EXPECT_THAT(Run({"get", "a"}), BulkArg("\x9e\x9d\x9c"));
  // Empty or missing sources delete the destination; a result clears its TTL.
  Run({"set", "d", "x", "ex", "100"});
  EXPECT_THAT(Run({"bitop", "or", "d", "a"}), IntArg(3));
  EXPECT_THAT(Run({"ttl", "d"}), IntArg(-1));
  Run({"set", "e", ""});
  EXPECT_THAT(Run({"bitop", "or", "d", "nokey", "e"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "d"}), IntArg(0));
  Run({"set", "n", "12"});
  EXPECT_THAT(Run({"bitop", "or", "d", "n"}), IntArg(2));
  EXPECT_EQ(Encoding("d"), "raw");
  EXPECT_THAT(Run({"get", "d"}), BulkArg("12"));
}

TEST_F(BitmapFamilyTest, BitOpErrors) {
  EXPECT_THAT(Run({"bitop", "nand", "d", "a"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"bitop", "not", "d", "a", "b"}),
              ErrArg("ERR BITOP NOT must be called with a single source key."));
  Run({"rpush", "l", "a"});
  Run({"set", "d", "keep"});
  EXPECT_THAT(Run({"bitop", "and", "d", "nokey", "l"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"get", "d"}), BulkArg("keep"));
  EXPECT_THAT(Run({"bitop", "or", "l", "d"}), IntArg(4));  // the destination's type is irrelevant
  EXPECT_THAT(Run({"type", "l"}), SimpleArg("string"));
}

// ---- BITFIELD ----------------------------------------------------------------------------

TEST_F(BitmapFamilyTest, BitFieldSignedOverflow) {
  auto r = RunLine(
      "bitfield b set i8 0 100 incrby i8 0 100 overflow sat incrby i8 0 100 incrby i8 0 -300 "
      "overflow fail incrby i8 0 -1 get i8 0 get u8 0");
  EXPECT_THAT(Ints(r), ElementsAre(0, -56, 44, -128, kNil, -128, 128));
  r = RunLine(
      "bitfield b4 set i64 0 9223372036854775807 incrby i64 0 1 overflow sat incrby i64 0 -1 "
      "incrby i64 0 -9223372036854775808 overflow fail incrby i64 0 -1 get i64 0");
  EXPECT_THAT(Ints(r), ElementsAre(0, INT64_MIN, INT64_MIN, INT64_MIN, kNil, INT64_MIN));
}

// Redis classifies a signed SET far below the field's range as overflowing upwards (its limits
// are computed in wrapping 64-bit arithmetic): SAT stores the maximum there.
TEST_F(BitmapFamilyTest, BitFieldSignedSetFarBelowRange) {
  auto r = RunLine(
      "bitfield x overflow sat set i8 0 -9223372036854775808 get i8 0 "
      "set i8 0 -9223372036854775680 get i8 0 set i8 0 -9223372036854775681 get i8 0 "
      "set i63 8 -4611686018427387905 get i63 8 "
      "overflow fail set i8 0 -9223372036854775808 set i8 0 -200 "
      "overflow wrap set i8 0 -9223372036854775808 get i8 0");
  EXPECT_THAT(Ints(r), ElementsAre(0, 127, 127, -128, -128, 127, 0, 4611686018427387903LL, kNil,
                                   kNil, 127, 0));
}

TEST_F(BitmapFamilyTest, BitFieldUnsignedOverflow) {
  auto r = RunLine(
      "bitfield b2 set u8 0 -1 overflow sat set u8 8 -1 overflow fail set u8 16 -1 "
      "set u8 16 256 get u8 0 get u8 8 get u8 16");
  EXPECT_THAT(Ints(r), ElementsAre(0, 0, kNil, kNil, 255, 255, 0));
  EXPECT_THAT(Run({"strlen", "b2"}), IntArg(3));  // FAIL writes nothing but the key grew
  r = RunLine(
      "bitfield b3 set u4 0 15 incrby u4 0 1 overflow sat incrby u4 0 100 incrby u4 0 -100 "
      "overflow wrap incrby u4 0 -3 get u4 0");
  EXPECT_THAT(Ints(r), ElementsAre(0, 0, 15, 0, 13, 13));
  r = RunLine(
      "bitfield b5 set u63 0 -1 get u63 0 overflow sat set u63 0 -5 "
      "incrby u63 0 -9223372036854775808 set i5 100 -17 get i5 100 overflow wrap "
      "set i5 100 -17 get i5 100 set i1 200 1 get i1 200 get u1 200 incrby i1 200 1");
  EXPECT_THAT(Ints(r), ElementsAre(0, INT64_MAX, INT64_MAX, 0, 0, -16, -16, 15, 0, -1, 1, 0));
  EXPECT_THAT(Run({"strlen", "b5"}), IntArg(26));
}

TEST_F(BitmapFamilyTest, BitFieldOffsetsAndReads) {
  Run({"set", "w", "abcdefghijkl"});
  auto r = RunLine(
      "bitfield w get u8 #2305843009213693953 get u8 8 get i64 #288230376151711745 get i64 #1 "
      "get u4 4 get i4 4 get u16 88 get u8 1000");
  // '#N' wraps like Redis's signed multiplication: #2305843009213693953 * 8 == 8 (mod 2^64).
  EXPECT_THAT(Ints(r),
              ElementsAre(98, 98, 7596001833114402816, 7596001833114402816, 1, 1, 0x6c00, 0));
  EXPECT_EQ(Encoding("w"), "embstr");  // reads leave the encoding alone
  Run({"set", "n", "1234"});
  EXPECT_THAT(Ints(Run({"bitfield_ro", "n", "get", "u8", "0"})), ElementsAre(0x31));
  EXPECT_EQ(Encoding("n"), "int");
  EXPECT_THAT(Run({"bitfield", "n", "set", "u8", "0", "50"}), ArrLen(1));
  EXPECT_EQ(Encoding("n"), "raw");
  EXPECT_THAT(Run({"get", "n"}), BulkArg("2234"));
  // Only GETs on a missing key: zeros, nothing created.
  EXPECT_THAT(Ints(Run({"bitfield", "none", "get", "i8", "0"})), ElementsAre(0));
  EXPECT_THAT(Run({"exists", "none"}), IntArg(0));
  EXPECT_THAT(Run({"bitfield", "none"}), ArrLen(0));
  EXPECT_THAT(Run({"bitfield_ro", "none"}), ArrLen(0));
  // A write op creates the key even when FAIL refuses it.
  EXPECT_THAT(Ints(Run({"bitfield", "f", "overflow", "fail", "set", "u2", "#3", "7"})),
              ElementsAre(kNil));
  EXPECT_THAT(Run({"get", "f"}), BulkArg(std::string(1, '\0')));
}

TEST_F(BitmapFamilyTest, BitFieldErrors) {
  for (const char* t : {"u64", "i65", "I8", "u0", "", "i", "u-1", "i08"})
    EXPECT_THAT(Run({"bitfield", "k", "get", t, "0"}), ErrArg(kBadType)) << t;
  for (const char* o : {"-1", "#-1", "#x", "#", "##1", "#+1", "4294967296", "#536870912", "01"})
    EXPECT_THAT(Run({"bitfield", "k", "get", "u8", o}), ErrArg(kBadOffset)) << o;
  EXPECT_THAT(Run({"bitfield", "k", "get", "u8"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"bitfield", "k", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"bitfield", "k", "overflow"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"bitfield", "k", "overflow", "foo"}),
              ErrArg("ERR Invalid OVERFLOW type specified"));
  EXPECT_THAT(Run({"bitfield", "k", "set", "u8", "0"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"bitfield", "k", "set", "u8", "0", "x"}), ErrArg("not an integer"));
  EXPECT_THAT(Run({"bitfield", "k", "set", "u8", "x", "x"}), ErrArg(kBadOffset));
  EXPECT_THAT(Run({"bitfield", "k", "incrby", "u8", "0", "99999999999999999999"}),
              ErrArg("not an integer"));
  EXPECT_THAT(Run({"bitfield", "k", "set", "u8", "0", "1", "get", "x", "0"}), ErrArg(kBadType));
  EXPECT_THAT(Run({"exists", "k"}), IntArg(0));  // nothing runs when any argument is bad
  EXPECT_THAT(Run({"bitfield_ro", "k", "set", "u8", "0", "1"}),
              ErrArg("ERR BITFIELD_RO only supports the GET subcommand"));
  EXPECT_THAT(Run({"bitfield_ro", "k", "get", "u8", "0", "set", "u8", "0", "x"}),
              ErrArg("not an integer"));
  Run({"rpush", "l", "a"});
  EXPECT_THAT(Run({"bitfield", "l", "get", "u8", "0"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"bitfield", "l", "set", "u8", "0", "1"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"bitfield", "l"}), ErrArg(kWrongType));
  EXPECT_THAT(Run({"bitfield_ro", "l", "incrby", "u8", "0", "1"}),
              ErrArg("ERR BITFIELD_RO only supports the GET subcommand"));
  EXPECT_THAT(Run({"bitfield_ro", "l", "get", "u8", "0"}), ErrArg(kWrongType));
}

TEST_F(BitmapFamilyTest, BitFieldKeyFlags) {
  auto flags = [&](std::initializer_list<std::string_view> tail) {
    std::vector<std::string> argv = {"command", "getkeysandflags", "bitfield", "k"};
    argv.insert(argv.end(), tail.begin(), tail.end());
    auto r = Run(argv);
    return r.elems.empty() ? std::vector<std::string>{} : StrArray(r.elems[0].elems[1]);
  };
  EXPECT_THAT(flags({"get", "u8", "0"}), ElementsAre("RO", "access"));
  EXPECT_THAT(flags({}), ElementsAre("RO", "access"));
  EXPECT_THAT(flags({"overflow", "wrap", "GET", "u8", "0"}), ElementsAre("RO", "access"));
  EXPECT_THAT(flags({"set", "u8", "0", "1"}), ElementsAre("RW", "access", "update"));
  EXPECT_THAT(flags({"get", "u8", "0", "incrby"}), ElementsAre("RW", "access", "update"));
  EXPECT_THAT(flags({"get", "u8"}), ElementsAre("RW", "access", "update"));
}

TEST_F(BitmapFamilyTest, KeyspaceStats) {
  Run({"set", "k", "x"});
  auto hits_misses = [&] { return std::pair(engine().KeyspaceHits(), engine().KeyspaceMisses()); };
  auto base = hits_misses();
  Run({"getbit", "k", "0"});
  Run({"getbit", "nokey", "0"});
  Run({"setbit", "k", "0", "1"});       // write lookup: no stats
  Run({"setbit", "nokey2", "0", "1"});  // write lookup: no stats
  Run({"bitfield", "k", "set", "u8", "0", "1"});
  Run({"bitfield", "k", "get", "u8", "0"});
  Run({"bitop", "or", "d", "k", "nokey"});
  auto now = hits_misses();
  EXPECT_EQ(now.first - base.first, 3u);
  EXPECT_EQ(now.second - base.second, 2u);
}

}  // namespace
}  // namespace fincache
