// Value: the 16-byte representation of a key's value (inline, packed, heap std::string,
// composite) keeps content and Redis's encoding label through every transition.
#include "types/value.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "types/hash.h"

namespace fincache {
namespace {

TEST(ValueTest, SixteenBytes) { EXPECT_EQ(sizeof(Value), 16u); }

TEST(ValueTest, StringsOfEveryLengthAndEncoding) {
  for (size_t len : {0, 1, 14, 15, 16, 20, 44, 45, 1000}) {
    std::string s(len, 'x');
    for (size_t i = 0; i < len; ++i) s[i] = static_cast<char>('a' + i % 26);
    Value v = Value::String(s);
    EXPECT_TRUE(v.is_string());
    EXPECT_EQ(v.type(), ObjType::kString);
    EXPECT_EQ(v.str(), s) << len;
    EXPECT_EQ(v.encoding(), len <= 44 ? "embstr" : "raw") << len;
    EXPECT_EQ(v.MemoryUsage() == 0, len <= 15) << len;
  }
  EXPECT_EQ(Value::String("123").encoding(), "int");
  EXPECT_EQ(Value::String("-9223372036854775808").encoding(), "int");
  EXPECT_EQ(Value::String("-9223372036854775808").str(), "-9223372036854775808");
  EXPECT_EQ(Value::String("0123").encoding(), "embstr");
  EXPECT_EQ(Value::String(std::string("a\0b", 3)).str(), std::string_view("a\0b", 3));
}

TEST(ValueTest, SetStringFromItselfAndRvalues) {
  Value v = Value::String("hello world, a packed string");
  v.SetString(v.str().substr(6, 5));  // aliases the packed block
  EXPECT_EQ(v.str(), "world");
  v.SetString(v.str().substr(1));  // aliases the inline bytes
  EXPECT_EQ(v.str(), "orld");
  std::string big(100, 'z');
  v.SetString(std::move(big));
  EXPECT_EQ(v.str(), std::string(100, 'z'));
  EXPECT_EQ(v.encoding(), "raw");
  v.SetString(std::string("42"));
  EXPECT_EQ(v.str(), "42");
  EXPECT_EQ(v.encoding(), "int");
}

TEST(ValueTest, MutableRawGrowsInPlaceAndCanBeReplaced) {
  Value v = Value::String("12");
  v.MutableStringRaw() += "34";
  EXPECT_EQ(v.str(), "1234");
  EXPECT_EQ(v.encoding(), "raw");
  std::string& s = v.MutableStringRaw();
  s.append(100, 'y');
  EXPECT_EQ(v.str().size(), 104u);
  EXPECT_GT(v.MemoryUsage(), 104u);
  v.SetString(std::string_view("short"));
  EXPECT_EQ(v.str(), "short");
  EXPECT_EQ(v.encoding(), "embstr");
  v.set_str_encoding(StrEncoding::kRaw);
  EXPECT_EQ(v.encoding(), "raw");
  EXPECT_EQ(v.str(), "short");
}

TEST(ValueTest, ObjectsMoveCloneAndTurnBackIntoStrings) {
  Value v;
  auto h = std::make_unique<HashValue>();
  v.SetObject(std::move(h));
  EXPECT_FALSE(v.is_string());
  EXPECT_EQ(v.type(), ObjType::kHash);
  EXPECT_NE(v.As<HashValue>(), nullptr);
  Value c = v.Clone();
  EXPECT_EQ(c.type(), ObjType::kHash);
  EXPECT_NE(c.obj(), v.obj());
  Value m = std::move(v);
  EXPECT_EQ(m.type(), ObjType::kHash);
  EXPECT_TRUE(v.is_string());  // NOLINT(bugprone-use-after-move): a moved-from value is empty
  EXPECT_EQ(v.str(), "");
  m.SetString(std::string_view("now a string value, long enough to be packed"));
  EXPECT_EQ(m.type(), ObjType::kString);
  EXPECT_EQ(m.obj(), nullptr);
  Value s = Value::String("a string value that is packed on the heap");
  Value s2 = s.Clone();
  s = std::move(s2);
  EXPECT_EQ(s.str(), "a string value that is packed on the heap");
}

}  // namespace
}  // namespace fincache
