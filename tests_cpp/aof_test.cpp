// The AOF's pure parts (persist/aof.h): manifest, command stream reader, encoder; and the
// propagation seam through the dispatcher (what a write command records).
#include "persist/aof.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "command_test_base.h"
#include "commands/aof.h"
#include "commands/propagation.h"

namespace fincache {
namespace {

using persist::AofCommandReader;
using Status = AofCommandReader::Status;

std::string Encode(std::vector<std::string_view> argv) {
  std::string out;
  persist::AppendAofCommand(&out, argv);
  return out;
}

std::vector<std::vector<std::string>> ReadAll(std::string_view data, Status* end) {
  AofCommandReader r(data);
  std::vector<std::vector<std::string>> out;
  while (true) {
    Status s = r.Next();
    if (s != Status::kCommand) {
      *end = s;
      return out;
    }
    out.emplace_back(r.argv().begin(), r.argv().end());
  }
}

TEST(AofManifest, ParsesRedisFormat) {
  persist::AofManifest m;
  std::string err;
  ASSERT_TRUE(
      persist::ParseAofManifest("file appendonly.aof.2.base.rdb seq 2 type b\n"
                                "# a comment\n"
                                "file appendonly.aof.1.incr.aof seq 1 type h\n"
                                "file appendonly.aof.3.incr.aof seq 3 type i\n"
                                "file \"appendonly.aof.4.incr.aof\" seq 4 type i extra value\n",
                                &m, &err))
      << err;
  EXPECT_TRUE(m.has_base);
  EXPECT_EQ(m.base.name, "appendonly.aof.2.base.rdb");
  EXPECT_EQ(m.curr_base_seq, 2);
  ASSERT_EQ(m.incrs.size(), 2u);
  EXPECT_EQ(m.incrs[1].name, "appendonly.aof.4.incr.aof");
  EXPECT_EQ(m.curr_incr_seq, 4);
  ASSERT_EQ(m.history.size(), 1u);
  // Formatting: base, history, incrs; reparses to the same.
  std::string text = persist::FormatAofManifest(m);
  EXPECT_EQ(text,
            "file appendonly.aof.2.base.rdb seq 2 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type h\n"
            "file appendonly.aof.3.incr.aof seq 3 type i\n"
            "file appendonly.aof.4.incr.aof seq 4 type i\n");
}

TEST(AofManifest, RefusesMalformed) {
  persist::AofManifest m;
  std::string err;
  EXPECT_FALSE(persist::ParseAofManifest("", &m, &err));
  EXPECT_EQ(err, "Found an empty AOF manifest");
  EXPECT_FALSE(persist::ParseAofManifest("file a seq 1 type b\nfile b seq 2 type b\n", &m, &err));
  EXPECT_EQ(err, "Found duplicate base file information at line 2");
  EXPECT_FALSE(persist::ParseAofManifest("file a seq 2 type i\nfile b seq 1 type i\n", &m, &err));
  EXPECT_EQ(err, "Found a non-monotonic sequence number at line 2");
  EXPECT_FALSE(persist::ParseAofManifest("file a seq 1\n", &m, &err));
  EXPECT_EQ(err, "Invalid AOF manifest file format at line 1");
  EXPECT_FALSE(persist::ParseAofManifest("file ../a seq 1 type b\n", &m, &err));
  EXPECT_EQ(err, "File can't be a path, just a filename at line 1");
  EXPECT_FALSE(persist::ParseAofManifest("file a seq 1 type x\n", &m, &err));
  EXPECT_EQ(err, "Unknown AOF file type at line 1");
  EXPECT_FALSE(persist::ParseAofManifest("file a seq 1 type b", &m, &err));  // no newline
  EXPECT_FALSE(persist::ParseAofManifest("file \"a seq 1 type b\n", &m, &err));
  // A name whose line FinCache could not write back readable (found by fuzz_aof): 300 bytes
  // that each need a \xHH escape fit in the line read, not in the line written.
  const std::string binary(300, '\x83');
  EXPECT_FALSE(persist::ParseAofManifest("file " + binary + " seq 1 type b\n", &m, &err));
  EXPECT_EQ(err, "The AOF manifest file contains a too long file name at line 1");
  const std::string plain(990, 'a');
  ASSERT_TRUE(persist::ParseAofManifest("file " + plain + " seq 1 type b\n", &m, &err)) << err;
  persist::AofManifest back;
  ASSERT_TRUE(persist::ParseAofManifest(persist::FormatAofManifest(m), &back, &err)) << err;
  EXPECT_EQ(back.base.name, plain);
}

TEST(AofManifest, QuotesNamesThatNeedIt) {
  persist::AofManifest m;
  m.has_base = true;
  m.base = {"my file.aof", 1, persist::AofFileType::kBase};
  std::string text = persist::FormatAofManifest(m);
  EXPECT_EQ(text, "file \"my file.aof\" seq 1 type b\n");
  persist::AofManifest back;
  std::string err;
  ASSERT_TRUE(persist::ParseAofManifest(text, &back, &err)) << err;
  EXPECT_EQ(back.base.name, "my file.aof");
}

TEST(AofNames, AsRedis) {
  EXPECT_EQ(persist::AofManifestName("appendonly.aof"), "appendonly.aof.manifest");
  EXPECT_EQ(persist::AofBaseName("appendonly.aof", 3, true), "appendonly.aof.3.base.rdb");
  EXPECT_EQ(persist::AofBaseName("appendonly.aof", 3, false), "appendonly.aof.3.base.aof");
  EXPECT_EQ(persist::AofIncrName("appendonly.aof", 7), "appendonly.aof.7.incr.aof");
}

TEST(AofReader, RoundTripsCommandsAndSkipsAnnotations) {
  std::string data = "#TS:1700000000\r\n";
  data += Encode({"SELECT", "0"});
  data += Encode({"SET", "k", std::string_view("a\r\nb\0c", 6)});
  data += "#TS:1700000001\r\n";
  data += Encode({"DEL", ""});
  Status end;
  auto cmds = ReadAll(data, &end);
  EXPECT_EQ(end, Status::kEnd);
  ASSERT_EQ(cmds.size(), 3u);
  EXPECT_EQ(cmds[1][2], std::string("a\r\nb\0c", 6));
  EXPECT_EQ(cmds[2][1], "");
  std::string sel;
  persist::AppendAofSelect(&sel, 12);
  EXPECT_EQ(sel, "*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n");
}

TEST(AofReader, EveryTruncationIsTruncatedAtTheLastCompleteCommand) {
  const std::string one = Encode({"SET", "key", "value"});
  const std::string data = one + Encode({"RPUSH", "list", "a", "bb"});
  for (size_t cut = one.size() + 1; cut < data.size(); ++cut) {
    AofCommandReader r(std::string_view(data).substr(0, cut));
    ASSERT_EQ(r.Next(), Status::kCommand);
    EXPECT_EQ(r.Next(), Status::kTruncated) << "cut at " << cut;
    EXPECT_EQ(r.position(), one.size());
  }
  AofCommandReader r(std::string_view("#TS:17"));
  EXPECT_EQ(r.Next(), Status::kTruncated);
}

TEST(AofReader, CorruptionIsBadFormat) {
  const std::string good = Encode({"SET", "k", "v"});
  for (std::string bad :
       {std::string("xyz\r\n"), std::string("*0\r\n"), std::string("*-1\r\n"),
        std::string("*1\r\n$-2\r\n"), std::string("*1\r\n$1\r\nab\r\n"),
        std::string("*1\r\n:1\r\n"), std::string("*a\r\n"), std::string("*1\r\n$3\r\nabc\n\n"),
        std::string("*1") + std::string(40, '1') + "\r\n"}) {
    const std::string data = good + bad;  // the reader does not copy its input
    AofCommandReader r(data);
    ASSERT_EQ(r.Next(), Status::kCommand) << bad << " " << r.error();
    EXPECT_EQ(r.Next(), Status::kBadFormat) << bad;
    EXPECT_FALSE(r.error().empty());
    EXPECT_GE(r.error_offset(), good.size());
    EXPECT_EQ(r.Next(), Status::kBadFormat);  // latched
  }
}

TEST(AofReader, HugeCountsDoNotAllocate) {
  // A forged argument count or length is truncation (it can't be read), not an allocation.
  AofCommandReader r("*2147483647\r\n$9223372036854775000\r\n");
  EXPECT_EQ(r.Next(), Status::kTruncated);
}

// ---- propagation through the dispatcher -----------------------------------------------------

// Records what write commands propagate.
class RecordingSink final : public BatchSink {
 public:
  void Feed(int db, std::span<const std::string_view> argv) override {
    if (PropagationBatch* b = PropagationBatch::Current()) return b->Add(db, argv);
    std::string line = std::to_string(db) + ":";
    for (auto a : argv) line += " " + std::string(a);
    lines.push_back(line);
  }
  void FeedBatch(std::string_view encoded, std::span<const BatchedEffect> effects) override {
    if (effects.size() > 1) lines.push_back("MULTI");
    for (const auto& e : effects) {
      AofCommandReader r(encoded.substr(e.begin, e.end - e.begin));
      EXPECT_EQ(r.Next(), Status::kCommand);
      std::string line = std::to_string(e.db) + ":";
      for (auto a : r.argv()) line += " " + std::string(a);
      lines.push_back(line);
    }
    if (effects.size() > 1) lines.push_back("EXEC");
  }
  std::vector<std::string> lines;
};

class PropagationTest : public CommandTest {
 protected:
  void SetUp() override { engine().set_effect_sink(&sink_); }
  void TearDown() override { engine().set_effect_sink(nullptr); }
  std::vector<std::string> Take() { return std::exchange(sink_.lines, {}); }
  RecordingSink sink_;
};

TEST_F(PropagationTest, WritesAsSentReadsAndNoopsNot) {
  Run({"set", "k", "v"});
  Run({"get", "k"});
  Run({"del", "missing"});
  Run({"sadd", "s", "a"});
  Run({"sadd", "s", "a"});
  Run({"incr", "k"});  // an error: nothing
  Run({"set", "k", "v2", "nx"});
  EXPECT_EQ(Take(), (std::vector<std::string>{"0: set k v", "0: sadd s a"}));
}

TEST_F(PropagationTest, RelativeTimesBecomeAbsolute) {
  const int64_t now = clock_.NowMs();
  const std::string at = std::to_string(now + 10000);
  Run({"set", "k", "v", "ex", "10"});
  Run({"setex", "k2", "10", "v"});
  Run({"expire", "k", "10"});
  Run({"pexpire", "k", "-1"});
  Run({"set", "g", "v"});
  Run({"getex", "g", "px", "10000"});
  Run({"getex", "g", "persist"});
  Run({"getex", "g"});
  EXPECT_EQ(Take(), (std::vector<std::string>{"0: SET k v PXAT " + at, "0: SET k2 v PXAT " + at,
                                              "0: PEXPIREAT k " + at, "0: DEL k", "0: set g v",
                                              "0: PEXPIREAT g " + at, "0: PERSIST g"}));
}

TEST_F(PropagationTest, NondeterministicAndFloatCommandsAsTheirEffects) {
  Run({"sadd", "s", "only"});
  Run({"spop", "s"});
  Run({"incrbyfloat", "f", "1.5"});
  Run({"hincrbyfloat", "h", "x", "0.25"});
  EXPECT_EQ(Take(), (std::vector<std::string>{"0: sadd s only", "0: SREM s only",
                                              "0: SET f 1.5 KEEPTTL", "0: HSET h x 0.25"}));
}

TEST_F(PropagationTest, ExpiredKeysBecomeDel) {
  Run({"set", "k", "v", "px", "100"});
  Take();
  AdvanceTime(200);
  Run({"get", "k"});
  EXPECT_EQ(Take(), (std::vector<std::string>{"0: DEL k"}));
}

TEST_F(PropagationTest, TransactionsAndScriptsAreWrapped) {
  Run({"multi"});
  Run({"set", "a", "1"});
  Run({"select", "3"});
  Run({"set", "b", "2"});
  Run({"exec"});
  EXPECT_EQ(Take(), (std::vector<std::string>{"MULTI", "0: set a 1", "3: set b 2", "EXEC"}));
  Run({"select", "0"});
  Run({"eval", "redis.call('set','x','1') redis.call('incr','x')", "0"});
  EXPECT_EQ(Take(), (std::vector<std::string>{"MULTI", "0: set x 1", "0: incr x", "EXEC"}));
  Run({"eval", "redis.call('set','y','1')", "0"});
  EXPECT_EQ(Take(), (std::vector<std::string>{"0: set y 1"}));
}

TEST_F(PropagationTest, BlockingPopsAsNonBlocking) {
  Run({"rpush", "l", "a", "b"});
  Run({"blpop", "none", "l", "0"});
  Run({"zadd", "z", "1", "m"});
  Run({"bzpopmax", "z", "0"});
  EXPECT_EQ(Take(), (std::vector<std::string>{"0: rpush l a b", "0: LPOP l", "0: zadd z 1 m",
                                              "0: ZPOPMAX z"}));
}

}  // namespace
}  // namespace fincache
