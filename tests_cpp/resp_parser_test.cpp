// RespParser: the incremental request parser, fed whole, byte by byte, at every split point,
// in random chunks, and with malformed and random input. Expected behaviour is Redis 7's
// (networking.c processMultibulkBuffer / processInlineBuffer, sds.c sdssplitargs).
#include "protocol/resp_parser.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace fincache::protocol {
namespace {

using Status = RespParser::Status;
using Args = std::vector<std::string>;

constexpr std::string_view kTooBigInline = "Protocol error: too big inline request";
constexpr std::string_view kTooBigMbulk = "Protocol error: too big mbulk count string";
constexpr std::string_view kInvalidMbulk = "Protocol error: invalid multibulk length";
constexpr std::string_view kTooBigBulkCount = "Protocol error: too big bulk count string";
constexpr std::string_view kInvalidBulk = "Protocol error: invalid bulk length";
constexpr std::string_view kUnauthMbulk = "Protocol error: unauthenticated multibulk length";
constexpr std::string_view kUnauthBulk = "Protocol error: unauthenticated bulk length";
constexpr std::string_view kUnbalanced = "Protocol error: unbalanced quotes in request";

// Everything a connection would observe from feeding a byte stream.
struct Outcome {
  std::vector<Args> commands;
  std::vector<bool> inline_flags;
  bool error = false;
  std::string error_text;
  bool operator==(const Outcome&) const = default;
};

std::string Escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

void PrintTo(const Outcome& o, std::ostream* os) {
  *os << "{";
  for (size_t i = 0; i < o.commands.size(); ++i) {
    *os << (o.inline_flags[i] ? "inline[" : "[");
    for (const std::string& a : o.commands[i]) *os << '"' << Escape(a) << "\" ";
    *os << "] ";
  }
  if (o.error) *os << "error: " << Escape(o.error_text);
  *os << "}";
}

// Feeds `chunks` the way a connection does: each chunk is appended to a pending buffer, then
// commands are parsed one per call until the parser needs more or fails.
Outcome Feed(RespParser& parser, const std::vector<std::string>& chunks) {
  Outcome out;
  std::string pending;
  size_t off = 0;
  for (const std::string& chunk : chunks) {
    pending.erase(0, off);
    off = 0;
    pending += chunk;
    while (true) {
      size_t consumed = SIZE_MAX;
      const Status st = parser.Parse(std::string_view(pending).substr(off), &consumed);
      EXPECT_LE(consumed, pending.size() - off);
      if (consumed > pending.size() - off) return out;
      off += consumed;
      if (st == Status::kError) {
        out.error = true;
        out.error_text = parser.error();
        return out;
      }
      if (st == Status::kNeedMore) {
        EXPECT_EQ(off, pending.size()) << "kNeedMore consumes all input";
        break;
      }
      // A command needs at least one new byte, so a parse loop always makes progress.
      EXPECT_GT(consumed, 0u);
      if (consumed == 0) return out;
      out.commands.emplace_back(parser.args().begin(), parser.args().end());
      out.inline_flags.push_back(parser.last_was_inline());
    }
  }
  return out;
}

struct Options {
  const ParserLimits* limits = nullptr;
  bool authenticated = true;
};

Outcome FeedChunks(const std::vector<std::string>& chunks, Options opt = {}) {
  RespParser parser(opt.limits);
  parser.set_authenticated(opt.authenticated);
  return Feed(parser, chunks);
}

Outcome FeedWhole(std::string_view input, Options opt = {}) {
  return FeedChunks({std::string(input)}, opt);
}

Outcome FeedBytewise(std::string_view input, Options opt = {}) {
  std::vector<std::string> chunks;
  for (const char c : input) chunks.emplace_back(1, c);
  return FeedChunks(chunks, opt);
}

Outcome FeedSplit(std::string_view input, std::vector<size_t> cuts, Options opt = {}) {
  std::vector<std::string> chunks;
  size_t prev = 0;
  for (const size_t cut : cuts) {
    chunks.emplace_back(input.substr(prev, cut - prev));
    prev = cut;
  }
  chunks.emplace_back(input.substr(prev));
  return FeedChunks(chunks, opt);
}

Outcome FeedRandomChunks(std::string_view input, std::mt19937& rng, size_t max_chunk,
                         Options opt = {}) {
  std::vector<std::string> chunks;
  std::uniform_int_distribution<size_t> size_dist(1, max_chunk);
  for (size_t pos = 0; pos < input.size();) {
    const size_t n = std::min(size_dist(rng), input.size() - pos);
    chunks.emplace_back(input.substr(pos, n));
    pos += n;
  }
  return FeedChunks(chunks, opt);
}

// Asserts that the whole input, the input byte by byte and every 2-way split all agree.
void ExpectSplitInvariant(std::string_view input, const Outcome& expected, Options opt = {}) {
  ASSERT_EQ(FeedWhole(input, opt), expected) << "whole: " << Escape(input);
  ASSERT_EQ(FeedBytewise(input, opt), expected) << "bytewise: " << Escape(input);
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    ASSERT_EQ(FeedSplit(input, {cut}, opt), expected)
        << "split at " << cut << ": " << Escape(input);
  }
}

std::string Multibulk(const Args& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

Outcome Commands(std::vector<Args> commands, std::vector<bool> inline_flags) {
  return Outcome{std::move(commands), std::move(inline_flags), false, {}};
}

Outcome Error(std::string_view text, std::vector<Args> commands = {},
              std::vector<bool> inline_flags = {}) {
  return Outcome{std::move(commands), std::move(inline_flags), true, std::string(text)};
}

// Parses one complete inline line and returns its arguments (or the error text as the only
// element, prefixed with "ERR:").
Args Inline(std::string_view line) {
  const Outcome o = FeedWhole(std::string(line) + "\r\n");
  if (o.error) return {"ERR:" + o.error_text};
  if (o.commands.empty()) return {};
  EXPECT_EQ(o.commands.size(), 1u);
  return o.commands[0];
}

// ---------------------------------------------------------------------------------------------
// Multibulk basics
// ---------------------------------------------------------------------------------------------

TEST(RespParserTest, ParsesOneMultibulkCommand) {
  RespParser parser;
  const std::string input = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(input, &consumed), Status::kCommand);
  EXPECT_EQ(consumed, input.size());
  ASSERT_EQ(parser.args().size(), 3u);
  EXPECT_EQ(parser.args()[0], "SET");
  EXPECT_EQ(parser.args()[1], "key");
  EXPECT_EQ(parser.args()[2], "value");
  EXPECT_FALSE(parser.last_was_inline());
  ASSERT_EQ(parser.Parse("", &consumed), Status::kNeedMore);
  EXPECT_EQ(consumed, 0u);
}

TEST(RespParserTest, ConsumedStopsAtTheEndOfTheCommand) {
  RespParser parser;
  const std::string first = "*1\r\n$4\r\nPING\r\n";
  const std::string input = first + "*1\r\n$4\r\nEC";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(input, &consumed), Status::kCommand);
  EXPECT_EQ(consumed, first.size());
  ASSERT_EQ(parser.Parse(std::string_view(input).substr(consumed), &consumed), Status::kNeedMore);
  EXPECT_EQ(consumed, input.size() - first.size());
  ASSERT_EQ(parser.Parse("HO\r\n", &consumed), Status::kCommand);
  EXPECT_EQ(consumed, 4u);
  ASSERT_EQ(parser.args().size(), 1u);
  EXPECT_EQ(parser.args()[0], "ECHO");
}

TEST(RespParserTest, NeedMoreConsumesEverything) {
  RespParser parser;
  size_t consumed = 0;
  for (const std::string_view piece : {"*", "2\r", "\n$", "3\r\nfo", "o\r\n$0", "\r\n", "\r"}) {
    ASSERT_EQ(parser.Parse(piece, &consumed), Status::kNeedMore) << piece;
    EXPECT_EQ(consumed, piece.size());
  }
  ASSERT_EQ(parser.Parse("\n", &consumed), Status::kCommand);
  EXPECT_EQ(consumed, 1u);
  ASSERT_EQ(parser.args().size(), 2u);
  EXPECT_EQ(parser.args()[0], "foo");
  EXPECT_EQ(parser.args()[1], "");
}

TEST(RespParserTest, BulksAreBinarySafe) {
  const Args args = {
      "SET", std::string("a\0b", 3), "\r\n", std::string("\r\n\0\r\n*1\r\n", 10), "$3\r\n", ""};
  ExpectSplitInvariant(Multibulk(args), Commands({args}, {false}));
}

TEST(RespParserTest, ArgsPointIntoParserStorageNotInput) {
  RespParser parser;
  std::string input = Multibulk({"GET", "somekey"});
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(input, &consumed), Status::kCommand);
  for (const std::string_view a : parser.args()) {
    EXPECT_TRUE(a.data() + a.size() <= input.data() || a.data() >= input.data() + input.size());
  }
  input.assign(input.size(), 'X');
  EXPECT_EQ(parser.args()[0], "GET");
  EXPECT_EQ(parser.args()[1], "somekey");
}

TEST(RespParserTest, EmptyMultibulkRequestsAreSkipped) {
  const std::string input =
      "*0\r\n*-1\r\n*-5\r\n*-9223372036854775808\r\n" + Multibulk({"PING"}) + "*0\r\n";
  ExpectSplitInvariant(input, Commands({{"PING"}}, {false}));
}

TEST(RespParserTest, TrailingBytesAfterBulkAndCountAreNotChecked) {
  // Redis skips the byte after each '\r' of a length line and the two bytes after a payload
  // without looking at them; so does the parser.
  ExpectSplitInvariant("*2\rX$3\rYfooAB$3\r\nbarCD*1\r\n$4\r\nPING\r\n",
                       Commands({{"foo", "bar"}, {"PING"}}, {false, false}));
}

TEST(RespParserTest, LastWasInlineFollowsEachCommand) {
  RespParser parser;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("PING\r\n", &consumed), Status::kCommand);
  EXPECT_TRUE(parser.last_was_inline());
  ASSERT_EQ(parser.Parse(Multibulk({"PING"}), &consumed), Status::kCommand);
  EXPECT_FALSE(parser.last_was_inline());
  ASSERT_EQ(parser.Parse("PING\n", &consumed), Status::kCommand);
  EXPECT_TRUE(parser.last_was_inline());
}

// ---------------------------------------------------------------------------------------------
// Inline commands (sdssplitargs rules)
// ---------------------------------------------------------------------------------------------

TEST(RespParserTest, InlineEndsAtCrLfOrBareLf) {
  ExpectSplitInvariant("SET k v\r\nGET k\nPING\r\r\n",
                       Commands({{"SET", "k", "v"}, {"GET", "k"}, {"PING"}}, {true, true, true}));
}

TEST(RespParserTest, InlineSplitsOnBlanks) {
  EXPECT_EQ(Inline("  SET   k\tv  "), (Args{"SET", "k", "v"}));
  EXPECT_EQ(Inline("a\rb"), (Args{"a", "b"}));
  // Leading \v and \f are skipped as blanks, but only ' ', \t, \r, \n end an unquoted token.
  EXPECT_EQ(Inline("\v\fa\vb c\fd"), (Args{"a\vb", "c\fd"}));
}

TEST(RespParserTest, InlineDoubleQuotesAndEscapes) {
  EXPECT_EQ(Inline("set \"hello world\" x"), (Args{"set", "hello world", "x"}));
  EXPECT_EQ(Inline(R"("a\nb\rc\td\be\af\\g\"h\qi")"), (Args{"a\nb\rc\td\be\af\\g\"hqi"}));
  EXPECT_EQ(Inline(R"("\x41\x4a\x4A\x00\xff")"), (Args{std::string("AJJ\0\xff", 5)}));
  // \x without two hex digits is an ordinary escape of 'x'.
  EXPECT_EQ(Inline(R"("\xzz" "\x4" "\x")"), (Args{"xzz", "x4", "x"}));
  EXPECT_EQ(Inline("\"\""), (Args{""}));
  EXPECT_EQ(Inline("set k \"\""), (Args{"set", "k", ""}));
  EXPECT_EQ(Inline("\"a\"\tb"), (Args{"a", "b"}));
  EXPECT_EQ(Inline("\"a\"\vb"), (Args{"a", "b"}));
}

TEST(RespParserTest, InlineSingleQuotes) {
  EXPECT_EQ(Inline(R"('it\'s' 'a\nb' 'a\\b')"), (Args{"it's", "a\\nb", "a\\\\b"}));
  EXPECT_EQ(Inline("''"), (Args{""}));
  EXPECT_EQ(Inline("'a \"b\" c'"), (Args{"a \"b\" c"}));
}

TEST(RespParserTest, InlineQuotesMayStartInsideAToken) {
  EXPECT_EQ(Inline("foo\"bar baz\" x'y z'"), (Args{"foobar baz", "xy z"}));
}

TEST(RespParserTest, InlineUnbalancedQuotes) {
  for (const std::string_view line : {"\"abc", "'abc", "\"a\"b", "'a'b", "\"abc\\\"", "\"", "'",
                                      "set k \"v", "\"abc\\", "'it\\'", "'\\\\'", "x \"a\"\"b\""}) {
    EXPECT_EQ(Inline(line), (Args{"ERR:" + std::string(kUnbalanced)})) << line;
  }
  ExpectSplitInvariant("PING\r\nset \"a\r\nPING\r\n", Error(kUnbalanced, {{"PING"}}, {true}));
}

TEST(RespParserTest, InlineKeepsNulAndHighBytes) {
  // Redis's strchr()-based search cannot see past a NUL; here it is an ordinary byte.
  EXPECT_EQ(Inline(std::string("SET a\0b \xff\xfe", 10)),
            (Args{"SET", std::string("a\0b", 3), "\xff\xfe"}));
}

TEST(RespParserTest, EmptyInlineLinesAreSkipped) {
  ExpectSplitInvariant("\n\r\n   \r\n\t\n\r\r\nPING\n\n", Commands({{"PING"}}, {true}));
}

TEST(RespParserTest, InlineLineAtTheLimit) {
  const std::string max_line(64 * 1024, 'a');
  Outcome o = FeedWhole(max_line + "\n");
  ASSERT_FALSE(o.error);
  ASSERT_EQ(o.commands.size(), 1u);
  EXPECT_EQ(o.commands[0][0].size(), max_line.size());
  // With "\r\n" the '\r' counts: Redis would have 64KB+1 bytes without a '\n' buffered.
  EXPECT_EQ(FeedWhole(max_line + "\r\n"), Error(kTooBigInline));
  EXPECT_EQ(FeedWhole(max_line + "a\n"), Error(kTooBigInline));
  // No terminator needed to fail once the limit is passed.
  EXPECT_EQ(FeedWhole(max_line + "a"), Error(kTooBigInline));
  EXPECT_EQ(FeedWhole(max_line), Outcome{});
}

// ---------------------------------------------------------------------------------------------
// Pipelines and splits
// ---------------------------------------------------------------------------------------------

TEST(RespParserTest, MixedPipelineAtEverySplitPoint) {
  const std::string input = Multibulk({"SET", "k", std::string("v\r\n\0v", 5)}) + "\r\n" +
                            "*0\r\n" + "get \"a b\" 'c\\'d' \"\\x41\"\n" + "*-1\r\n" +
                            Multibulk({"", "x"}) + "\n   \n" + "PING\r\n" +
                            Multibulk({"MSET", "a", "1", "b", "2"});
  const Outcome expected = Commands({{"SET", "k", std::string("v\r\n\0v", 5)},
                                     {"get", "a b", "c'd", "A"},
                                     {"", "x"},
                                     {"PING"},
                                     {"MSET", "a", "1", "b", "2"}},
                                    {false, true, false, true, false});
  ExpectSplitInvariant(input, expected);
  // Every 3-way split too.
  for (size_t a = 0; a <= input.size(); ++a) {
    for (size_t b = a; b <= input.size(); b += 3) {
      ASSERT_EQ(FeedSplit(input, {a, b}), expected) << a << "," << b;
    }
  }
}

TEST(RespParserTest, ThousandsOfPipelinedCommandsOnePerCall) {
  std::string input;
  std::vector<Args> expected;
  for (int i = 0; i < 10000; ++i) {
    if (i % 7 == 0) {
      input += "PING " + std::to_string(i) + "\r\n";
      expected.push_back({"PING", std::to_string(i)});
    } else {
      Args args = {"SET", "key:" + std::to_string(i), std::string(i % 50, 'v')};
      input += Multibulk(args);
      expected.push_back(std::move(args));
    }
  }
  RespParser parser;
  std::string_view rest = input;
  size_t n = 0;
  size_t consumed = 0;
  while (true) {
    const Status st = parser.Parse(rest, &consumed);
    rest.remove_prefix(consumed);
    if (st != Status::kCommand) {
      ASSERT_EQ(st, Status::kNeedMore);
      break;
    }
    ASSERT_LT(n, expected.size());
    ASSERT_EQ(Args(parser.args().begin(), parser.args().end()), expected[n]) << n;
    ++n;
  }
  EXPECT_EQ(n, expected.size());
  EXPECT_TRUE(rest.empty());
}

TEST(RespParserTest, OneMegabyteBulkInRandomChunks) {
  std::mt19937 rng(1234);
  std::string value(1024 * 1024, '\0');
  for (char& c : value) c = static_cast<char>(rng() % 256);
  value[100] = '\r';
  value[101] = '\n';
  const std::string input = Multibulk({"SET", "big", value}) + Multibulk({"GET", "big"});
  const Outcome expected = Commands({{"SET", "big", value}, {"GET", "big"}}, {false, false});
  for (const size_t max_chunk : {1u << 4, 1u << 10, 1u << 14, 1u << 17, 1u << 21}) {
    ASSERT_EQ(FeedRandomChunks(input, rng, max_chunk), expected) << max_chunk;
  }
}

TEST(RespParserTest, HundredMegabyteBulkIsLinear) {
  // Quadratic copying (re-scanning or re-copying what was received) would take minutes here.
  constexpr size_t kSize = 100u * 1024 * 1024;
  constexpr size_t kChunk = 16 * 1024;
  std::string chunk(kChunk, '\0');
  for (size_t i = 0; i < kChunk; ++i) chunk[i] = static_cast<char>('a' + i % 26);
  RespParser parser;
  size_t consumed = 0;
  const std::string header = "*2\r\n$3\r\nSET\r\n$" + std::to_string(kSize) + "\r\n";
  ASSERT_EQ(parser.Parse(header, &consumed), Status::kNeedMore);
  for (size_t sent = 0; sent < kSize; sent += kChunk) {
    ASSERT_EQ(parser.Parse(chunk, &consumed), Status::kNeedMore);
    ASSERT_EQ(consumed, kChunk);
  }
  ASSERT_EQ(parser.Parse("\r\n", &consumed), Status::kCommand);
  ASSERT_EQ(parser.args().size(), 2u);
  const std::string_view value = parser.args()[1];
  ASSERT_EQ(value.size(), kSize);
  for (size_t i = 0; i < kSize; i += 4093) {
    ASSERT_EQ(value[i], static_cast<char>('a' + (i % kChunk) % 26)) << i;
  }
  EXPECT_LT(parser.AllocatedBytes(), 3 * kSize);
  // The huge arena is released once the next command starts.
  ASSERT_EQ(parser.Parse(Multibulk({"PING"}), &consumed), Status::kCommand);
  EXPECT_LT(parser.AllocatedBytes(), 512u * 1024);
}

// ---------------------------------------------------------------------------------------------
// Memory: no preallocation from declared sizes, no allocation per command
// ---------------------------------------------------------------------------------------------

TEST(RespParserTest, HugeDeclaredCountDoesNotAllocate) {
  RespParser parser;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*2000000000\r\n", &consumed), Status::kNeedMore);
  EXPECT_LT(parser.AllocatedBytes(), 64u * 1024);
  ASSERT_EQ(parser.Parse("$1\r\na\r\n$1\r\nb\r\n", &consumed), Status::kNeedMore);
  EXPECT_LT(parser.AllocatedBytes(), 64u * 1024);
}

TEST(RespParserTest, MaximalDeclaredCountIsAccepted) {
  RespParser parser;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*2147483647\r\n", &consumed), Status::kNeedMore);
  EXPECT_LT(parser.AllocatedBytes(), 64u * 1024);
}

TEST(RespParserTest, HugeDeclaredBulkDoesNotAllocate) {
  RespParser parser;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*1\r\n$536870912\r\n", &consumed), Status::kNeedMore);
  EXPECT_LT(parser.AllocatedBytes(), 256u * 1024);
  ASSERT_EQ(parser.Parse(std::string(1000, 'x'), &consumed), Status::kNeedMore);
  EXPECT_LT(parser.AllocatedBytes(), 256u * 1024);
}

TEST(RespParserTest, SteadyStateReusesStorage) {
  std::string input;
  for (int i = 0; i < 2000; ++i) {
    input += Multibulk({"SET", "key:" + std::to_string(i % 10), std::string(20 + i % 30, 'v')});
    if (i % 5 == 0) input += "GET \"key " + std::to_string(i % 10) + "\"\r\n";
  }
  RespParser parser;
  std::string_view rest = input;
  size_t consumed = 0;
  // Warm up.
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(parser.Parse(rest, &consumed), Status::kCommand);
    rest.remove_prefix(consumed);
  }
  const size_t allocated = parser.AllocatedBytes();
  const char* arena = parser.args()[0].data();
  while (parser.Parse(rest, &consumed) == Status::kCommand) {
    rest.remove_prefix(consumed);
    ASSERT_EQ(parser.args()[0].data(), arena) << "the arena moved: it was reallocated";
    ASSERT_EQ(parser.AllocatedBytes(), allocated);
  }
  EXPECT_TRUE(rest.empty());
}

// ---------------------------------------------------------------------------------------------
// Error texts (each one Redis's)
// ---------------------------------------------------------------------------------------------

TEST(RespParserTest, InvalidMultibulkLength) {
  for (const std::string_view line :
       {"*\r\n", "*abc\r\n", "*2147483648\r\n", "*3000000000\r\n", "*9223372036854775808\r\n",
        "*01\r\n", "*-0\r\n", "*+1\r\n", "* 1\r\n", "*1 \r\n", "*1x\r\n", "*-\r\n", "*1\n\r\n"}) {
    ExpectSplitInvariant(line, Error(kInvalidMbulk));
  }
  ExpectSplitInvariant("PING\r\n*x\r\nPING\r\n", Error(kInvalidMbulk, {{"PING"}}, {true}));
}

TEST(RespParserTest, TooBigMbulkCountString) {
  const std::string digits(64 * 1024 - 1, '1');  // with the '*', exactly 64KB
  EXPECT_EQ(FeedWhole("*" + digits), Outcome{});
  EXPECT_EQ(FeedWhole("*" + digits + "1"), Error(kTooBigMbulk));
  EXPECT_EQ(FeedWhole("*" + digits + "1\r\n"), Error(kTooBigMbulk));
  // Within the limit a terminated count line is parsed (and here too long to be a number).
  EXPECT_EQ(FeedWhole("*" + digits + "\r\n"), Error(kInvalidMbulk));
  std::mt19937 rng(7);
  EXPECT_EQ(FeedRandomChunks("*" + digits + "12", rng, 5000), Error(kTooBigMbulk));
}

TEST(RespParserTest, ExpectedDollar) {
  ExpectSplitInvariant("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n",
                       Error("Protocol error: expected '$', got 'f'"));
  ExpectSplitInvariant("*2\r\n$1\r\na\r\n:1\r\n", Error("Protocol error: expected '$', got ':'"));
  // Redis replaces '\r' and '\n' in error texts with spaces; an empty line shows its '\r'.
  ExpectSplitInvariant("*1\r\n\r\n", Error("Protocol error: expected '$', got ' '"));
  ExpectSplitInvariant("*1\r\n\n$1\r\n", Error("Protocol error: expected '$', got ' '"));
  // Redis formats with %c into a C string: a NUL byte ends the text.
  ExpectSplitInvariant(std::string("*1\r\n\0\r\n", 7),
                       Error("Protocol error: expected '$', got '"));
  ExpectSplitInvariant("*1\r\n\xff\r\n", Error("Protocol error: expected '$', got '\xff'"));
  // Redis only looks once the whole line (up to '\r' and one more byte) is there.
  EXPECT_EQ(FeedWhole("*1\r\nfoo"), Outcome{});
  EXPECT_EQ(FeedWhole("*1\r\nfoo\r"), Outcome{});
}

TEST(RespParserTest, TooBigBulkCountString) {
  const std::string digits(64 * 1024 - 1, '1');  // with the '$', exactly 64KB
  EXPECT_EQ(FeedWhole("*1\r\n$" + digits), Outcome{});
  EXPECT_EQ(FeedWhole("*1\r\n$" + digits + "1"), Error(kTooBigBulkCount));
  EXPECT_EQ(FeedWhole("*1\r\n$" + digits + "\r\n"), Error(kInvalidBulk));
  // The size check comes before the '$' check, as in Redis.
  EXPECT_EQ(FeedWhole("*1\r\n" + std::string(64 * 1024 + 1, 'x')), Error(kTooBigBulkCount));
}

TEST(RespParserTest, InvalidBulkLength) {
  for (const std::string_view line :
       {"$\r\n", "$-1\r\n", "$-0\r\n", "$01\r\n", "$abc\r\n", "$1x\r\n", "$ 1\r\n",
        "$536870913\r\n", "$99999999999999999999\r\n"}) {
    ExpectSplitInvariant("*1\r\n" + std::string(line), Error(kInvalidBulk));
  }
  // Exactly proto-max-bulk-len is fine.
  EXPECT_EQ(FeedWhole("*1\r\n$536870912\r\n"), Outcome{});
}

TEST(RespParserTest, LimitsAreReadOnEachUse) {
  ParserLimits limits;
  limits.proto_max_bulk_len = 5;
  limits.max_inline_len = 8;
  const Options opt{&limits, true};
  EXPECT_EQ(FeedWhole(Multibulk({"12345"}), opt), Commands({{"12345"}}, {false}));
  ExpectSplitInvariant(Multibulk({"123456"}), Error(kInvalidBulk), opt);
  ExpectSplitInvariant("12345678\n", Commands({{"12345678"}}, {true}), opt);
  ExpectSplitInvariant("123456789\n", Error(kTooBigInline), opt);
  ExpectSplitInvariant("*123456x\r\n", Error(kInvalidMbulk), opt);
  ExpectSplitInvariant("*12345678\r\n", Error(kTooBigMbulk), opt);
  ExpectSplitInvariant("*1\r\n$1234567\r\n", Error(kInvalidBulk), opt);
  ExpectSplitInvariant("*1\r\n$12345678\r\n", Error(kTooBigBulkCount), opt);

  // A running parser sees CONFIG SET changes at once.
  RespParser parser(&limits);
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*1\r\n", &consumed), Status::kNeedMore);
  limits.proto_max_bulk_len = 100;
  ASSERT_EQ(parser.Parse("$10\r\n0123456789\r\n", &consumed), Status::kCommand);
  limits.proto_max_bulk_len = 2;
  ASSERT_EQ(parser.Parse("*1\r\n$3\r\nabc\r\n", &consumed), Status::kError);
  EXPECT_EQ(parser.error(), kInvalidBulk);
}

TEST(RespParserTest, LoweredInlineLimitAppliesToABufferedLine) {
  ParserLimits limits;
  RespParser parser(&limits);
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("GET somekey", &consumed), Status::kNeedMore);
  limits.max_inline_len = 4;
  ASSERT_EQ(parser.Parse("\r\n", &consumed), Status::kError);
  EXPECT_EQ(parser.error(), kTooBigInline);
}

TEST(RespParserTest, UnauthenticatedLimits) {
  const Options unauth{nullptr, false};
  ExpectSplitInvariant("*11\r\n", Error(kUnauthMbulk), unauth);
  const Args ten(10, "a");
  ExpectSplitInvariant(Multibulk(ten), Commands({ten}, {false}), unauth);
  const std::string max_bulk(16384, 'v');
  EXPECT_EQ(FeedWhole(Multibulk({"AUTH", max_bulk}), unauth),
            Commands({{"AUTH", max_bulk}}, {false}));
  EXPECT_EQ(FeedWhole("*2\r\n$4\r\nAUTH\r\n$16385\r\n", unauth), Error(kUnauthBulk));
  // The syntax checks come first.
  EXPECT_EQ(FeedWhole("*abc\r\n", unauth), Error(kInvalidMbulk));
  EXPECT_EQ(FeedWhole("*1\r\n$-1\r\n", unauth), Error(kInvalidBulk));
  // Empty requests and inline commands have no extra limit.
  const std::string many_args = "a b c d e f g h i j k l m n o p\r\n";
  EXPECT_EQ(FeedWhole("*-20\r\n" + many_args, unauth).commands.size(), 1u);
  // Authenticated: the same requests are fine.
  EXPECT_FALSE(FeedWhole("*11\r\n").error);
  EXPECT_FALSE(FeedWhole("*2\r\n$4\r\nAUTH\r\n$16385\r\n").error);
}

TEST(RespParserTest, AuthenticationMayChangeBetweenCommands) {
  RespParser parser;
  parser.set_authenticated(false);
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(Multibulk({"AUTH", "pw"}), &consumed), Status::kCommand);
  parser.set_authenticated(true);
  ASSERT_EQ(parser.Parse(Multibulk(Args(20, "x")), &consumed), Status::kCommand);
  EXPECT_EQ(parser.args().size(), 20u);
}

TEST(RespParserTest, ErrorIsStickyUntilReset) {
  RespParser parser;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*x\r\nPING\r\n", &consumed), Status::kError);
  EXPECT_EQ(parser.error(), kInvalidMbulk);
  EXPECT_TRUE(parser.args().empty());
  ASSERT_EQ(parser.Parse("PING\r\n", &consumed), Status::kError);
  EXPECT_EQ(consumed, 0u);
  parser.Reset();
  EXPECT_TRUE(parser.error().empty());
  ASSERT_EQ(parser.Parse("PING\r\n", &consumed), Status::kCommand);
  EXPECT_EQ(parser.args()[0], "PING");
}

TEST(RespParserTest, ResetDropsAPartialRequest) {
  RespParser parser;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*2\r\n$3\r\nfo", &consumed), Status::kNeedMore);
  parser.Reset();
  ASSERT_EQ(parser.Parse("PING\r\n", &consumed), Status::kCommand);
  ASSERT_EQ(parser.args().size(), 1u);
  EXPECT_EQ(parser.args()[0], "PING");
}

// ---------------------------------------------------------------------------------------------
// Fuzzing: never crash, always terminate, and give the same result for any split of the input
// ---------------------------------------------------------------------------------------------

std::string RandomProtocolish(std::mt19937& rng, size_t max_len) {
  static constexpr char kChars[] = "*$\r\n\r\n0123456789-+ \"'\\x\tab\0";  // NUL included
  constexpr std::string_view kAlphabet(kChars, sizeof(kChars) - 1);
  std::string out(rng() % (max_len + 1), '\0');
  for (char& c : out) {
    c = rng() % 8 == 0 ? static_cast<char>(rng() % 256) : kAlphabet[rng() % kAlphabet.size()];
  }
  return out;
}

Options RandomOptions(std::mt19937& rng, ParserLimits* limits) {
  if (rng() % 2 == 0) return Options{nullptr, rng() % 4 != 0};
  limits->proto_max_bulk_len = rng() % 40;
  limits->max_inline_len = rng() % 40;
  return Options{limits, rng() % 4 != 0};
}

TEST(RespParserTest, FuzzRandomBytes) {
  std::mt19937 rng(42);
  ParserLimits limits;
  for (int iter = 0; iter < 3000; ++iter) {
    const std::string input = RandomProtocolish(rng, 120);
    const Options opt = RandomOptions(rng, &limits);
    const Outcome whole = FeedWhole(input, opt);
    ASSERT_EQ(FeedBytewise(input, opt), whole) << Escape(input);
    ASSERT_EQ(FeedRandomChunks(input, rng, 16, opt), whole) << Escape(input);
    EXPECT_TRUE(!whole.error || !whole.error_text.empty());
  }
}

TEST(RespParserTest, FuzzUniformBytes) {
  std::mt19937 rng(4242);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string input(rng() % 300, '\0');
    for (char& c : input) c = static_cast<char>(rng() % 256);
    if (iter % 2 == 0 && !input.empty()) input[0] = '*';
    const Outcome whole = FeedWhole(input);
    ASSERT_EQ(FeedRandomChunks(input, rng, 7), whole) << Escape(input);
  }
}

TEST(RespParserTest, FuzzMutatedPipelines) {
  std::mt19937 rng(2024);
  ParserLimits limits;
  const std::vector<std::string> pieces = {Multibulk({"SET", "k", "v"}),
                                           Multibulk({"GET", std::string("a\0\r\n", 4)}),
                                           "PING\r\n",
                                           "set \"a b\" 'c'\n",
                                           "*0\r\n",
                                           "\r\n",
                                           Multibulk({""}),
                                           "ECHO \"\\x41\\n\"\r\n"};
  for (int iter = 0; iter < 3000; ++iter) {
    std::string input;
    for (int n = static_cast<int>(rng() % 6); n >= 0; --n) input += pieces[rng() % pieces.size()];
    for (int m = static_cast<int>(rng() % 4); m > 0 && !input.empty(); --m) {
      const size_t at = rng() % input.size();
      switch (rng() % 3) {
        case 0:
          input[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          input.erase(at, 1);
          break;
        default:
          input.insert(at, 1, "*$\r\n0-9\"'"[rng() % 10]);
          break;
      }
    }
    const Options opt = RandomOptions(rng, &limits);
    const Outcome whole = FeedWhole(input, opt);
    ASSERT_EQ(FeedBytewise(input, opt), whole) << Escape(input);
    ASSERT_EQ(FeedRandomChunks(input, rng, 9, opt), whole) << Escape(input);
  }
}

}  // namespace
}  // namespace fincache::protocol
