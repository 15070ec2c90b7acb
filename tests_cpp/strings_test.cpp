// The string helpers of cpp/common/strings.h that several layers share: sdscatrepr quoting,
// UTF-8 validation and JSON string literals.
#include "common/strings.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace fincache {
namespace {

TEST(StringsTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC \xF0\x9F\x98\x80 \xC3\xA9"));
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x28\xA1"));      // bad continuation
}

TEST(StringsTest, ReprAsRedisSdscatrepr) {
  std::string out;
  AppendRepr(&out, "a\"b\\c\n\r\t\a\b\x01\x7f\xff z");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\r\\t\\a\\b\\x01\\x7f\\xff z\"");
  out.clear();
  AppendRepr(&out, "");
  EXPECT_EQ(out, "\"\"");
}

std::string Json(std::string_view s, JsonEscape mode) {
  std::string out;
  AppendJsonString(&out, s, mode);
  return out;
}

TEST(StringsTest, JsonStringOfBytesIsAsciiAndByteForByte) {
  const std::string raw("k\"\\\n\x00\xc3\xa9\xff", 8);
  const std::string line = Json(raw, JsonEscape::kBytes);
  EXPECT_EQ(line, "\"k\\\"\\\\\\u000a\\u0000\\u00c3\\u00a9\\u00ff\"");
  // Each \u00hh is one byte: decoding and taking the code points as bytes gives raw back.
  std::string back;
  const std::u32string decoded = [&] {
    std::u32string u;
    const std::string utf8 = nlohmann::json::parse(line).get<std::string>();
    for (size_t i = 0; i < utf8.size();) {
      unsigned char c = utf8[i];
      if (c < 0x80) {
        u.push_back(c);
        ++i;
      } else {
        u.push_back(((c & 0x1F) << 6) | (utf8[i + 1] & 0x3F));
        i += 2;
      }
    }
    return u;
  }();
  for (char32_t cp : decoded) back.push_back(static_cast<char>(cp));
  EXPECT_EQ(back, raw);
}

TEST(StringsTest, JsonStringOfTextKeepsUtf8) {
  EXPECT_EQ(Json("caf\xc3\xa9 \"x\"\t", JsonEscape::kText), "\"caf\xc3\xa9 \\\"x\\\"\\u0009\"");
  // Not UTF-8: escaped byte by byte, still valid JSON.
  const std::string bad = Json("bad \xff\xc3", JsonEscape::kText);
  EXPECT_EQ(bad, "\"bad \\u00ff\\u00c3\"");
  EXPECT_NO_THROW((void)nlohmann::json::parse(bad));
}

}  // namespace
}  // namespace fincache
