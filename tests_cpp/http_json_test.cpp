// JSON conventions of the HTTP front door (cpp/http/json_reply.h): every reply type through
// JsonReplyBuilder, binary values as base64, request values back to bytes, body parsing limits.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "http/json_reply.h"

namespace fincache::http {
namespace {

using nlohmann::json;

TEST(HttpJsonTest, Base64RoundTrip) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode(std::string("\xff\xfe\x00", 3)), "//4A");
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  std::string back;
  ASSERT_TRUE(Base64Decode(Base64Encode(all), &back));
  EXPECT_EQ(back, all);
  ASSERT_TRUE(Base64Decode("Zm8", &back));  // padding optional
  EXPECT_EQ(back, "fo");
  EXPECT_FALSE(Base64Decode("Zm9v!", &back));
  EXPECT_FALSE(Base64Decode("Z", &back));
  EXPECT_FALSE(Base64Decode("Zg===", &back));
  EXPECT_FALSE(Base64Decode("Zm 9v", &back));
}

TEST(HttpJsonTest, BytesToJsonAndBack) {
  EXPECT_EQ(BytesToJson("hello"), json("hello"));
  EXPECT_EQ(BytesToJson(std::string("\xff\x00\x01", 3)), (json{{"base64", "/wAB"}}));
  std::string out, err;
  ASSERT_TRUE(JsonToBytes(json("h\xC3\xA9"), &out, &err));
  EXPECT_EQ(out, "h\xC3\xA9");
  ASSERT_TRUE(JsonToBytes(json{{"base64", "/wAB"}}, &out, &err));
  EXPECT_EQ(out, std::string("\xff\x00\x01", 3));
  ASSERT_TRUE(JsonToBytes(json(42), &out, &err));
  EXPECT_EQ(out, "42");
  ASSERT_TRUE(JsonToBytes(json(-7), &out, &err));
  EXPECT_EQ(out, "-7");
  ASSERT_TRUE(JsonToBytes(json(18446744073709551615ULL), &out, &err));
  EXPECT_EQ(out, "18446744073709551615");
  ASSERT_TRUE(JsonToBytes(json(150.25), &out, &err));
  EXPECT_EQ(out, "150.25");
  EXPECT_FALSE(JsonToBytes(json(true), &out, &err));
  EXPECT_FALSE(JsonToBytes(json(nullptr), &out, &err));
  EXPECT_FALSE(JsonToBytes(json::array({"a"}), &out, &err));
  EXPECT_FALSE(JsonToBytes(json{{"base64", "!!"}}, &out, &err));
  EXPECT_NE(err.find("base64"), std::string::npos);
  EXPECT_FALSE(JsonToBytes(json{{"base64", "Zg=="}, {"x", 1}}, &out, &err));
}

// Builds one reply with fn and returns the builder.
template <typename Fn>
JsonReplyBuilder Build(Fn fn, int resp = 3) {
  JsonReplyBuilder b(resp);
  fn(b);
  EXPECT_TRUE(b.complete());
  return b;
}

TEST(HttpJsonTest, ScalarReplies) {
  EXPECT_EQ(Build([](auto& b) { b.SendSimple("OK"); }).Take(), json("OK"));
  EXPECT_EQ(Build([](auto& b) { b.SendLong(-12); }).Take(), json(-12));
  EXPECT_EQ(Build([](auto& b) { b.SendDouble(1.5); }).Take(), json(1.5));
  EXPECT_EQ(Build([](auto& b) { b.SendDouble(INFINITY); }).Take(), json("inf"));
  EXPECT_EQ(Build([](auto& b) { b.SendDouble(-INFINITY); }).Take(), json("-inf"));
  EXPECT_EQ(Build([](auto& b) { b.SendDouble(std::nan("")); }).Take(), json("nan"));
  EXPECT_EQ(Build([](auto& b) { b.SendBulk("v"); }).Take(), json("v"));
  EXPECT_EQ(Build([](auto& b) { b.SendBulk("\x80"); }).Take(), (json{{"base64", "gA=="}}));
  EXPECT_EQ(Build([](auto& b) { b.SendNull(); }).Take(), json(nullptr));
  EXPECT_EQ(Build([](auto& b) { b.SendNullArray(); }).Take(), json(nullptr));
  EXPECT_EQ(Build([](auto& b) { b.SendBool(true); }).Take(), json(true));
  EXPECT_EQ(Build([](auto& b) { b.SendBool(false); }).Take(), json(false));
  EXPECT_EQ(Build([](auto& b) { b.SendVerbatim("text", "txt"); }).Take(), json("text"));
  EXPECT_EQ(Build([](auto& b) { b.SendBigNumber("123456789012345678901234567890"); }).Take(),
            json("123456789012345678901234567890"));
}

TEST(HttpJsonTest, DoubleTextFollowsTheDialect) {
  // GEOPOS-style doubles: a number in RESP3, Redis's text in RESP2.
  EXPECT_EQ(Build([](auto& b) { b.SendDoubleText(1.25, "1.25000"); }, 3).Take(), json(1.25));
  EXPECT_EQ(Build([](auto& b) { b.SendDoubleText(1.25, "1.25000"); }, 2).Take(), json("1.25000"));
}

TEST(HttpJsonTest, TopLevelErrorIsNotAValue) {
  auto b = Build([](auto& b) {
    b.SendError("WRONGTYPE Operation against a key holding the wrong kind of value");
  });
  EXPECT_TRUE(b.is_error());
  EXPECT_EQ(b.error_text(), "WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(b.error_count(), 1u);
  EXPECT_EQ(b.Take(), json(nullptr));
}

TEST(HttpJsonTest, Aggregates) {
  auto arr = Build([](auto& b) {
    b.StartArray(4);
    b.SendBulk("a");
    b.SendLong(1);
    b.SendNull();
    b.StartArray(0);
  });
  EXPECT_FALSE(arr.is_error());
  EXPECT_EQ(arr.Take(), json::parse(R"(["a", 1, null, []])"));

  auto nested = Build([](auto& b) {
    b.StartArray(2);
    b.StartArray(2);
    b.SendBulk("m1");
    b.SendDouble(1.5);
    b.StartSet(2);
    b.SendBulk("x");
    b.SendBulk("\xff");
  });
  EXPECT_EQ(nested.Take(), json::parse(R"([["m1", 1.5], ["x", {"base64": "/w=="}]])"));

  auto push = Build([](auto& b) {
    b.StartPush(3);
    b.SendBulk("message");
    b.SendBulk("ch");
    b.SendBulk("hi");
  });
  EXPECT_EQ(push.Take(), json::parse(R"(["message", "ch", "hi"])"));

  // An error inside an aggregate (EXEC) is an element, not the reply.
  auto exec = Build([](auto& b) {
    b.StartArray(2);
    b.SendSimple("OK");
    b.SendError("ERR value is not an integer or out of range");
  });
  EXPECT_FALSE(exec.is_error());
  EXPECT_EQ(exec.Take(),
            json::parse(R"(["OK", {"error": "ERR value is not an integer or out of range"}])"));
}

TEST(HttpJsonTest, MapsBecomeObjectsOrPairs) {
  auto obj = Build([](auto& b) {
    b.StartMap(2);
    b.SendBulk("f1");
    b.SendBulk("v1");
    b.SendSimple("f2");
    b.StartArray(1);
    b.SendLong(2);
  });
  EXPECT_EQ(obj.Take(), json::parse(R"({"f1": "v1", "f2": [2]})"));

  auto empty = Build([](auto& b) { b.StartMap(0); });
  EXPECT_EQ(empty.Take(), json::object());

  // A key that is not a JSON string (an integer, binary bytes): [key, value] pairs.
  auto pairs = Build([](auto& b) {
    b.StartMap(2);
    b.SendLong(1);
    b.SendBulk("one");
    b.SendBulk("\xfe");
    b.SendBool(true);
  });
  EXPECT_EQ(pairs.Take(), json::parse(R"([[1, "one"], [{"base64": "/g=="}, true]])"));

  // In RESP2 the shapes are RESP2's: a map is a flat array, a double its text, a bool 1/0.
  auto resp2 = Build(
      [](auto& b) {
        b.StartMap(2);
        b.SendBulk("k");
        b.SendDouble(2.5);
        b.SendBulk("b");
        b.SendBool(true);
      },
      2);
  EXPECT_EQ(resp2.Take(), json::parse(R"(["k", "2.5", "b", 1])"));
}

TEST(HttpJsonTest, ParseJsonBody) {
  json j;
  std::string err;
  ASSERT_TRUE(ParseJsonBody(R"(["SET", "k", 1])", &j, &err));
  EXPECT_EQ(j, json::parse(R"(["SET", "k", 1])"));
  EXPECT_FALSE(ParseJsonBody("", &j, &err));
  EXPECT_NE(err.find("invalid JSON"), std::string::npos);
  EXPECT_FALSE(ParseJsonBody("{\"value\": ", &j, &err));
  EXPECT_FALSE(ParseJsonBody("[1, 2,]", &j, &err));
  EXPECT_FALSE(ParseJsonBody("{\"a\": \"\xff\"}", &j, &err));  // not UTF-8
  // Deep nesting is refused before parsing (the parser recurses per level).
  std::string deep(100000, '[');
  EXPECT_FALSE(ParseJsonBody(deep, &j, &err));
  EXPECT_NE(err.find("nested deeper"), std::string::npos);
  std::string ok64 = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(ParseJsonBody(ok64, &j, &err));
  // Brackets inside strings are not nesting.
  std::string in_string = "[\"" + std::string(1000, '[') + "\\\"\"]";
  EXPECT_TRUE(ParseJsonBody(in_string, &j, &err)) << err;
}

}  // namespace
}  // namespace fincache::http
