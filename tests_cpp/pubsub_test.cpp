// Pub/Sub: the registry (engine/pubsub.h) directly, notify-keyspace-events flags, and the
// commands through the dispatcher with a recording subscriber.
#include "engine/pubsub.h"

#include <thread>

#include "command_test_base.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// Records what it is delivered, as "kind|pattern|channel|payload".
class RecordingSubscriber final : public Subscriber {
 public:
  void Deliver(std::string_view kind, std::string_view pattern, std::string_view channel,
               std::string_view payload) override {
    std::lock_guard lk(mu);
    got.push_back(std::string(kind) + "|" + std::string(pattern) + "|" + std::string(channel) +
                  "|" + std::string(payload));
  }
  std::vector<std::string> Take() {
    std::lock_guard lk(mu);
    return std::exchange(got, {});
  }
  std::mutex mu;
  std::vector<std::string> got;
};

// ---- the registry ----------------------------------------------------------------------------

TEST(PubSubRegistry, SubscribeCountsAndPublish) {
  PubSub ps;
  RecordingSubscriber a, b;
  EXPECT_TRUE(ps.Subscribe(&a, "ch"));
  EXPECT_FALSE(ps.Subscribe(&a, "ch"));
  EXPECT_TRUE(ps.Subscribe(&b, "ch"));
  EXPECT_TRUE(ps.PSubscribe(&b, "c*"));
  EXPECT_FALSE(ps.PSubscribe(&b, "c*"));
  EXPECT_TRUE(ps.SSubscribe(&a, "ch"));  // a namespace of its own
  EXPECT_EQ(a.channel_count(), 1u);
  EXPECT_EQ(a.shard_count(), 1u);
  EXPECT_EQ(b.pattern_count(), 1u);
  EXPECT_TRUE(a.subscribed());

  EXPECT_EQ(ps.Publish("ch", "m1"), 3u);  // a, b, b's pattern
  EXPECT_THAT(a.Take(), ElementsAre("message||ch|m1"));
  EXPECT_THAT(b.Take(), ElementsAre("message||ch|m1", "pmessage|c*|ch|m1"));
  EXPECT_EQ(ps.Publish("cx", "m2"), 1u);
  EXPECT_THAT(b.Take(), ElementsAre("pmessage|c*|cx|m2"));
  EXPECT_EQ(ps.SPublish("ch", "s"), 1u);
  EXPECT_THAT(a.Take(), ElementsAre("smessage||ch|s"));
  EXPECT_EQ(ps.SPublish("cx", "s"), 0u);
  EXPECT_EQ(ps.Publish("zz", "none"), 0u);

  EXPECT_EQ(ps.NumSub("ch", false), 2u);
  EXPECT_EQ(ps.NumSub("ch", true), 1u);
  EXPECT_EQ(ps.NumPat(), 1u);
  EXPECT_EQ(ps.ChannelCount(false), 1u);
  EXPECT_THAT(ps.ActiveChannels("", true, false), ElementsAre("ch"));
  EXPECT_THAT(ps.ActiveChannels("x*", false, false), ElementsAre());

  EXPECT_TRUE(ps.Unsubscribe(&a, "ch"));
  EXPECT_FALSE(ps.Unsubscribe(&a, "ch"));
  EXPECT_EQ(ps.Publish("ch", "m3"), 2u);
  ps.UnsubscribeAll(&b);
  ps.UnsubscribeAll(&a);
  EXPECT_FALSE(a.subscribed());
  EXPECT_FALSE(b.subscribed());
  EXPECT_EQ(ps.NumPat(), 0u);
  EXPECT_EQ(ps.ChannelCount(false), 0u);
  EXPECT_EQ(ps.ChannelCount(true), 0u);
  EXPECT_EQ(ps.Publish("ch", "m4"), 0u);
}

TEST(PubSubRegistry, PatternsKeepSubscriptionOrder) {
  PubSub ps;
  RecordingSubscriber a;
  ps.PSubscribe(&a, "c*");
  ps.PSubscribe(&a, "a*");
  ps.PSubscribe(&a, "b*");
  EXPECT_THAT(ps.PatternsOf(&a), ElementsAre("c*", "a*", "b*"));
  ps.PUnsubscribe(&a, "a*");
  EXPECT_THAT(ps.PatternsOf(&a), ElementsAre("c*", "b*"));
}

TEST(PubSubRegistry, ConcurrentPublishersKeepTheirOrder) {
  PubSub ps;
  RecordingSubscriber s;
  ps.Subscribe(&s, "c");
  constexpr int kPerThread = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i)
        ps.Publish("c", std::to_string(t) + ":" + std::to_string(i));
    });
  for (auto& th : threads) th.join();
  auto got = s.Take();
  ASSERT_EQ(got.size(), 4u * kPerThread);
  std::vector<int> next(4, 0);
  for (const auto& m : got) {
    auto payload = m.substr(m.rfind('|') + 1);
    int t = std::stoi(payload.substr(0, payload.find(':')));
    int i = std::stoi(payload.substr(payload.find(':') + 1));
    EXPECT_EQ(i, next[t]) << "publisher " << t;
    next[t] = i + 1;
  }
}

// ---- notify-keyspace-events -------------------------------------------------------------------

TEST(NotifyFlags, ParseAndFormatAsRedis) {
  auto norm = [](std::string_view s) {
    uint32_t f = 0;
    EXPECT_TRUE(notify::ParseFlags(s, &f)) << s;
    return notify::FlagsToString(f);
  };
  EXPECT_EQ(norm(""), "");
  EXPECT_EQ(norm("KA"), "AK");
  EXPECT_EQ(norm("Eg$lshzxetmd"), "AEm");
  EXPECT_EQ(norm("KEA"), "AKE");
  EXPECT_EQ(norm("KEAn"), "AKE");  // Redis doesn't print n next to A
  EXPECT_EQ(norm("g"), "g");
  EXPECT_EQ(norm("gg"), "g");
  EXPECT_EQ(norm("Kn$"), "$nK");
  uint32_t f;
  EXPECT_FALSE(notify::ParseFlags("Q", &f));
  EXPECT_FALSE(notify::ParseFlags("a", &f));
}

TEST(NotifyFlags, NotifyPublishesOnKeyspaceAndKeyevent) {
  PubSub ps;
  RecordingSubscriber s;
  ps.PSubscribe(&s, "__key*");
  ps.Notify(notify::kString, "set", "k", 0);  // off
  EXPECT_TRUE(s.Take().empty());
  ps.set_notify_flags(notify::kKeyspace | notify::kKeyevent | notify::kString);
  ps.Notify(notify::kString, "set", "k", 3);
  ps.Notify(notify::kList, "lpush", "l", 0);  // class not enabled
  EXPECT_THAT(s.Take(), ElementsAre("pmessage|__key*|__keyspace@3__:k|set",
                                    "pmessage|__key*|__keyevent@3__:set|k"));
  ps.set_notify_flags(notify::kKeyevent | notify::kAll);
  ps.Notify(notify::kGeneric, "del", "a", 0);
  EXPECT_THAT(s.Take(), ElementsAre("pmessage|__key*|__keyevent@0__:del|a"));
}

// ---- commands ---------------------------------------------------------------------------------

class PubSubCommandTest : public CommandTest {
 protected:
  PubSubCommandTest() { session_.subscriber = &sub_; }
  ~PubSubCommandTest() override { engine().pubsub().UnsubscribeAll(&sub_); }

  // All replies of a command that answers one push per channel.
  std::vector<RespValue> RunAll(const std::vector<std::string>& argv) {
    std::vector<std::string_view> views(argv.begin(), argv.end());
    protocol::ValueBuilder rb(session_.resp);
    dispatcher_->Dispatch(CmdArgList(views.data(), views.size()), session_, rb);
    return rb.Take();
  }
  RecordingSubscriber sub_;
};

TEST_F(PubSubCommandTest, SubscribeRepliesAndCounts) {
  auto r = RunAll({"subscribe", "a", "b", "a"});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_THAT(StrArray(r[0]), ElementsAre("subscribe", "a", ""));
  EXPECT_THAT(r[0].elems[2], IntArg(1));
  EXPECT_THAT(r[1].elems[2], IntArg(2));
  EXPECT_THAT(r[2].elems[2], IntArg(2));
  r = RunAll({"psubscribe", "p*"});
  EXPECT_THAT(r[0].elems[2], IntArg(3));
  r = RunAll({"ssubscribe", "s"});
  EXPECT_THAT(r[0].elems[2], IntArg(1));  // shard channels are counted apart
  r = RunAll({"unsubscribe"});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_THAT(r[1].elems[2], IntArg(1));
  r = RunAll({"punsubscribe"});
  EXPECT_THAT(r[0].elems[2], IntArg(0));
  r = RunAll({"unsubscribe"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_THAT(r[0].elems[1], NullArg());
}

TEST_F(PubSubCommandTest, Resp2SubscribedModeAllowsOnlyTheFamily) {
  RunAll({"subscribe", "a"});
  EXPECT_THAT(Run({"get", "x"}),
              ErrArg("Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT "
                     "/ RESET are allowed in this context"));
  EXPECT_THAT(Run({"client", "id"}), ErrArg("Can't execute 'client|id'"));
  RespValue pong = Run({"ping"});
  EXPECT_THAT(StrArray(pong), ElementsAre("pong", ""));
  EXPECT_THAT(StrArray(Run({"ping", "m"})), ElementsAre("pong", "m"));
  EXPECT_THAT(Run({"reset"}), SimpleArg("RESET"));
  EXPECT_FALSE(sub_.subscribed());
  EXPECT_THAT(Run({"get", "x"}), NullArg());
}

TEST_F(PubSubCommandTest, Resp3AllowsEverythingAndPushes) {
  session_.resp = 3;
  auto r = RunAll({"subscribe", "a"});
  EXPECT_EQ(r[0].type, RespValue::Type::kPush);
  EXPECT_THAT(Run({"set", "k", "v"}), SimpleArg("OK"));
  EXPECT_THAT(Run({"ping"}), SimpleArg("PONG"));
  EXPECT_THAT(Run({"publish", "a", "hi"}), IntArg(1));
  EXPECT_THAT(sub_.Take(), ElementsAre("message||a|hi"));
}

TEST_F(PubSubCommandTest, PubsubSubcommands) {
  RunAll({"subscribe", "x", "y"});
  RunAll({"psubscribe", "p*", "q*"});
  RunAll({"ssubscribe", "s"});
  session_.resp = 3;  // keep running ordinary commands while subscribed
  EXPECT_THAT(StrArray(Run({"pubsub", "numsub", "x", "z"})), ElementsAre("x", "", "z", ""));
  RespValue numsub = Run({"pubsub", "numsub", "x", "z"});
  EXPECT_THAT(numsub.elems[1], IntArg(1));
  EXPECT_THAT(numsub.elems[3], IntArg(0));
  EXPECT_THAT(Run({"pubsub", "numpat"}), IntArg(2));
  EXPECT_THAT(StrArray(Run({"pubsub", "channels"})), UnorderedElementsAre("x", "y"));
  EXPECT_THAT(StrArray(Run({"pubsub", "channels", "x*"})), ElementsAre("x"));
  EXPECT_THAT(StrArray(Run({"pubsub", "shardchannels"})), ElementsAre("s"));
  EXPECT_THAT(Run({"pubsub", "shardnumsub", "s"}).elems[1], IntArg(1));
  EXPECT_THAT(Run({"pubsub", "channels", "a", "b"}),
              ErrArg("unknown subcommand or wrong number of arguments for 'channels'"));
  EXPECT_THAT(Run({"publish", "x", "m"}), IntArg(1));
  EXPECT_THAT(Run({"publish", "px", "m"}), IntArg(1));
  EXPECT_THAT(Run({"spublish", "s", "m"}), IntArg(1));
}

TEST_F(PubSubCommandTest, NoSubscriberRefuses) {
  session_.subscriber = nullptr;
  EXPECT_THAT(Run({"subscribe", "a"}), ErrArg("can't receive Pub/Sub messages"));
  EXPECT_THAT(Run({"unsubscribe", "a", "b"}), ErrArg("can't receive Pub/Sub messages"));
  EXPECT_THAT(Run({"publish", "a", "m"}), IntArg(0));
  session_.subscriber = &sub_;
}

TEST_F(PubSubCommandTest, ConfigSettings) {
  EXPECT_THAT(Run({"config", "set", "client-output-buffer-limit", "pubsub 1mb 2k 3"}),
              SimpleArg("OK"));
  auto& lim = server_->config().obuf_limits[Config::kObufPubSub];
  EXPECT_EQ(lim.hard.load(), 1024 * 1024);
  EXPECT_EQ(lim.soft.load(), 2000);
  EXPECT_EQ(lim.soft_seconds.load(), 3);
  EXPECT_THAT(StrArray(Run({"config", "get", "client-output-buffer-limit"})),
              ElementsAre("client-output-buffer-limit",
                          "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2000 3"));
  EXPECT_THAT(Run({"config", "set", "notify-keyspace-events", "KEA"}), SimpleArg("OK"));
  EXPECT_THAT(StrArray(Run({"config", "get", "notify-keyspace-events"})),
              ElementsAre("notify-keyspace-events", "AKE"));
  EXPECT_TRUE(engine().pubsub().Notifies(notify::kString));
  EXPECT_THAT(Run({"config", "set", "notify-keyspace-events", "Q"}),
              ErrArg("Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
}

// ---- keyspace notifications from commands ------------------------------------------------------

TEST_F(PubSubCommandTest, KeyspaceEventsFromCommands) {
  RunAll({"psubscribe", "__key*"});
  session_.resp = 3;
  Run({"config", "set", "notify-keyspace-events", "KEA"});
  sub_.Take();
  Run({"set", "k", "v", "ex", "10"});
  EXPECT_THAT(sub_.Take(), ElementsAre("pmessage|__key*|__keyspace@0__:k|set",
                                       "pmessage|__key*|__keyevent@0__:set|k",
                                       "pmessage|__key*|__keyspace@0__:k|expire",
                                       "pmessage|__key*|__keyevent@0__:expire|k"));
  Run({"rpush", "l", "a"});
  Run({"lpop", "l"});
  EXPECT_THAT(
      sub_.Take(),
      ElementsAre("pmessage|__key*|__keyspace@0__:l|rpush",
                  "pmessage|__key*|__keyevent@0__:rpush|l", "pmessage|__key*|__keyspace@0__:l|lpop",
                  "pmessage|__key*|__keyevent@0__:lpop|l", "pmessage|__key*|__keyspace@0__:l|del",
                  "pmessage|__key*|__keyevent@0__:del|l"));
  // Lazy expiry: the "expired" event when a read finds the key past its TTL.
  Run({"config", "set", "notify-keyspace-events", "Ex"});
  AdvanceTime(11000);
  EXPECT_THAT(Run({"get", "k"}), NullArg());
  EXPECT_THAT(sub_.Take(), ElementsAre("pmessage|__key*|__keyevent@0__:expired|k"));
  // Failed writes and classes not enabled publish nothing.
  Run({"set", "s", "x"});
  Run({"incr", "s"});
  Run({"config", "set", "notify-keyspace-events", ""});
  Run({"set", "s", "y"});
  EXPECT_TRUE(sub_.Take().empty());
}

}  // namespace
}  // namespace fincache
