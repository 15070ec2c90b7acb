// GET /ws (http/ws_session.h) over real loopback sockets: a minimal Beast acceptor stands in
// for the HTTP server (reads the upgrade request, hands the socket to StartWebSocketSession) on
// a two-thread io_context, and a Beast websocket client drives the protocol. RESP-side clients
// are Sessions run through the same Dispatcher.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "commands/dispatcher.h"
#include "commands/server_state.h"
#include "http/ws_session.h"
#include "protocol/resp_value.h"

namespace fincache::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using protocol::RespValue;
using namespace std::chrono_literals;

// The server side: accepts, reads the upgrade request, starts the WebSocket session.
class MiniHttpServer {
 public:
  MiniHttpServer(ServerState& state, Dispatcher& dispatcher)
      : state_(state), dispatcher_(dispatcher), acceptor_(ioc_) {
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    DoAccept();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~MiniHttpServer() {
    asio::post(ioc_, [this] { acceptor_.close(); });
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }
  int port() const { return port_; }
  void CloseSessions() { CloseWebSocketSessions(ioc_); }

 private:
  struct Pending {
    explicit Pending(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    beast::flat_buffer buf;
    bhttp::request<bhttp::string_body> req;
  };
  void DoAccept() {
    acceptor_.async_accept([this](const beast::error_code& ec, tcp::socket socket) {
      if (ec) return;
      auto p = std::make_shared<Pending>(std::move(socket));
      bhttp::async_read(p->socket, p->buf, p->req, [this, p](const beast::error_code& ec, size_t) {
        if (ec) return;
        StartWebSocketSession(std::move(p->socket), std::move(p->req), state_, dispatcher_);
      });
      DoAccept();
    });
  }

  ServerState& state_;
  Dispatcher& dispatcher_;
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
  tcp::acceptor acceptor_;
  int port_ = 0;
  std::vector<std::thread> threads_;
};

// A WebSocket client whose every operation has a timeout (async on its own io_context).
class WsClient {
 public:
  explicit WsClient(int port) : ws_(ioc_) {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).connect(
        {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
    if (ec) return;
    ws_.read_message_max(64 * 1024 * 1024);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
      if (kind == websocket::frame_type::pong) pongs_.emplace_back(payload);
    });
    Wait([&](auto h) { ws_.async_handshake("127.0.0.1", "/ws", h); }, 3s);
    connected_ = !ec_;
  }
  bool connected() const { return connected_; }

  bool SendText(std::string_view text, bool binary = false) {
    ws_.binary(binary);
    return Wait([&](auto h) { ws_.async_write(asio::buffer(text), h); }, 3s);
  }
  bool Send(const json& j) { return SendText(j.dump()); }

  // The next frame as JSON; nullopt on timeout, close or error (see closed(), close_code()).
  // After a timeout the stream is unusable (Beast fails a cancelled read).
  std::optional<json> Read(std::chrono::milliseconds timeout = 3s) {
    beast::flat_buffer buf;
    if (!Wait([&](auto h) { ws_.async_read(buf, h); }, timeout)) return std::nullopt;
    return json::parse(beast::buffers_to_string(buf.data()));
  }
  bool Ping() {
    return Wait([&](auto h) { ws_.async_ping("hi", h); }, 3s);
  }
  bool Close() {
    return Wait([&](auto h) { ws_.async_close(websocket::close_code::normal, h); }, 3s);
  }
  // Drops the TCP connection without a close frame.
  void Abort() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).close(ec);
  }
  bool closed() const { return ec_ == websocket::error::closed; }
  const beast::error_code& error() const { return ec_; }
  unsigned short close_code() const { return ws_.reason().code; }
  const std::vector<std::string>& pongs() const { return pongs_; }
  std::string local_addr() const {
    auto ep = beast::get_lowest_layer(ws_).local_endpoint();
    return ep.address().to_string() + ":" + std::to_string(ep.port());
  }

 private:
  template <class Start>
  bool Wait(Start&& start, std::chrono::milliseconds timeout) {
    bool done = false;
    start([&](const beast::error_code& ec, auto&&...) {
      done = true;
      ec_ = ec;
    });
    ioc_.restart();
    ioc_.run_for(timeout);
    if (!done) {
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).cancel(ignored);
      ioc_.restart();
      ioc_.run();
      ec_ = asio::error::timed_out;
      return false;
    }
    return !ec_;
  }

  asio::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
  beast::error_code ec_;
  bool connected_ = false;
  std::vector<std::string> pongs_;
};

// A RESP-side subscriber: records its messages.
class RecordingSubscriber final : public Subscriber {
 public:
  void Deliver(std::string_view kind, std::string_view pattern, std::string_view channel,
               std::string_view payload) override {
    std::lock_guard lk(mu_);
    got_.push_back(std::string(kind) + "|" + std::string(channel) + "|" + std::string(payload));
  }
  std::vector<std::string> Take() {
    std::lock_guard lk(mu_);
    return std::exchange(got_, {});
  }

 private:
  std::mutex mu_;
  std::vector<std::string> got_;
};

class WsTest : public ::testing::Test {
 protected:
  WsTest() : state_(std::make_unique<Config>(), EngineOptions{}), dispatcher_(state_) {
    resp_.id = state_.clients().NextId();
    server_ = std::make_unique<MiniHttpServer>(state_, dispatcher_);
  }
  ~WsTest() override {
    server_.reset();
    state_.engine().pubsub().UnsubscribeAll(&resp_sub_);
  }

  // A command from a RESP-side client (a plain Session), reply as a tree.
  RespValue Run(std::vector<std::string> argv, Session* s = nullptr) {
    std::vector<std::string_view> views(argv.begin(), argv.end());
    protocol::ValueBuilder vb(2);
    dispatcher_.Dispatch(CmdArgList(views.data(), views.size()), s ? *s : resp_, vb);
    auto all = vb.Take();
    return all.empty() ? RespValue{} : all.back();
  }
  int64_t NumSub(const std::string& channel) {
    return Run({"PUBSUB", "NUMSUB", channel}).elems.at(1).integer;
  }
  // Polls until pred() holds (the server side closes asynchronously).
  template <class Pred>
  bool Eventually(Pred pred, std::chrono::milliseconds timeout = 3s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return pred();
  }
  std::unique_ptr<WsClient> Connect() {
    auto c = std::make_unique<WsClient>(server_->port());
    EXPECT_TRUE(c->connected()) << c->error().message();
    return c;
  }

  ServerState state_;
  Dispatcher dispatcher_;
  Session resp_;
  RecordingSubscriber resp_sub_;
  std::unique_ptr<MiniHttpServer> server_;
};

TEST_F(WsTest, SubscribeAndReceiveRespPublish) {
  auto c = Connect();
  ASSERT_TRUE(c->Send(json{{"op", "subscribe"}, {"channels", {"a", "b"}}}));
  EXPECT_EQ(c->Read(), (json{{"type", "subscribe"}, {"channel", "a"}, {"count", 1}}));
  EXPECT_EQ(c->Read(), (json{{"type", "subscribe"}, {"channel", "b"}, {"count", 2}}));
  EXPECT_EQ(NumSub("a"), 1);  // PUBSUB NUMSUB counts the WebSocket subscriber

  EXPECT_EQ(Run({"PUBLISH", "a", "hello"}).integer, 1);
  EXPECT_EQ(c->Read(), (json{{"type", "message"}, {"channel", "a"}, {"data", "hello"}}));
  EXPECT_EQ(Run({"PUBLISH", "zz", "nobody"}).integer, 0);

  ASSERT_TRUE(c->Send(json{{"op", "unsubscribe"}, {"channels", {"a"}}}));
  EXPECT_EQ(c->Read(), (json{{"type", "unsubscribe"}, {"channel", "a"}, {"count", 1}}));
  EXPECT_EQ(NumSub("a"), 0);
  EXPECT_EQ(Run({"PUBLISH", "a", "gone"}).integer, 0);
  // Without channels: all of them; then nothing left to drop (a null channel, as Redis).
  ASSERT_TRUE(c->Send(json{{"op", "unsubscribe"}}));
  EXPECT_EQ(c->Read(), (json{{"type", "unsubscribe"}, {"channel", "b"}, {"count", 0}}));
  ASSERT_TRUE(c->Send(json{{"op", "unsubscribe"}, {"channels", json::array()}}));
  EXPECT_EQ(c->Read(), (json{{"type", "unsubscribe"}, {"channel", nullptr}, {"count", 0}}));
}

TEST_F(WsTest, PatternSubscriptions) {
  auto c = Connect();
  ASSERT_TRUE(c->Send(json{{"op", "psubscribe"}, {"patterns", {"news.*", "x?"}}}));
  EXPECT_EQ(c->Read(), (json{{"type", "psubscribe"}, {"pattern", "news.*"}, {"count", 1}}));
  EXPECT_EQ(c->Read(), (json{{"type", "psubscribe"}, {"pattern", "x?"}, {"count", 2}}));
  EXPECT_EQ(Run({"PUBSUB", "NUMPAT"}).integer, 2);
  EXPECT_EQ(Run({"PUBLISH", "news.fx", "eur"}).integer, 1);
  EXPECT_EQ(
      c->Read(),
      (json{{"type", "pmessage"}, {"pattern", "news.*"}, {"channel", "news.fx"}, {"data", "eur"}}));
  ASSERT_TRUE(c->Send(json{{"op", "punsubscribe"}}));
  EXPECT_EQ(c->Read(), (json{{"type", "punsubscribe"}, {"pattern", "news.*"}, {"count", 1}}));
  EXPECT_EQ(c->Read(), (json{{"type", "punsubscribe"}, {"pattern", "x?"}, {"count", 0}}));
  EXPECT_EQ(Run({"PUBSUB", "NUMPAT"}).integer, 0);
}

TEST_F(WsTest, PublishReachesRespAndWebSocketSubscribers) {
  // A RESP-side subscriber (a Session with its Subscriber), subscribed through the dispatcher.
  Session sub;
  sub.id = state_.clients().NextId();
  sub.subscriber = &resp_sub_;
  Run({"SUBSCRIBE", "c"}, &sub);
  auto listener = Connect();
  ASSERT_TRUE(listener->Send(json{{"op", "subscribe"}, {"channels", {"c"}}}));
  ASSERT_TRUE(listener->Read());

  auto pub = Connect();
  ASSERT_TRUE(pub->Send(json{{"op", "publish"}, {"channel", "c"}, {"message", "m1"}}));
  EXPECT_EQ(pub->Read(), (json{{"type", "publish"}, {"receivers", 2}}));
  EXPECT_EQ(listener->Read(), (json{{"type", "message"}, {"channel", "c"}, {"data", "m1"}}));
  EXPECT_THAT(resp_sub_.Take(), ::testing::ElementsAre("message|c|m1"));

  // Publishing to itself: the message goes before the publish reply, as Redis writes them.
  ASSERT_TRUE(listener->Send(json{{"op", "publish"}, {"channel", "c"}, {"message", "self"}}));
  EXPECT_EQ(listener->Read(), (json{{"type", "message"}, {"channel", "c"}, {"data", "self"}}));
  EXPECT_EQ(listener->Read(), (json{{"type", "publish"}, {"receivers", 2}}));

  // The commands went through the dispatcher: counted in commandstats.
  uint64_t publishes = 0;
  state_.ForEachCommandStats([&](const std::string& name, const CommandStats& st) {
    if (name == "publish") publishes = st.calls.load();
  });
  EXPECT_EQ(publishes, 2u);
}

TEST_F(WsTest, OrderOfManyMessagesIsKept) {
  auto c = Connect();
  ASSERT_TRUE(c->Send(json{{"op", "subscribe"}, {"channels", {"seq"}}}));
  ASSERT_TRUE(c->Read());
  constexpr int kN = 1000;
  for (int i = 0; i < kN; ++i) ASSERT_EQ(Run({"PUBLISH", "seq", std::to_string(i)}).integer, 1);
  for (int i = 0; i < kN; ++i) {
    auto f = c->Read();
    ASSERT_TRUE(f) << i;
    ASSERT_EQ((*f)["data"], std::to_string(i));
  }
}

TEST_F(WsTest, BadRequestsAnswerAnErrorAndKeepTheSocketOpen) {
  auto c = Connect();
  auto error_of = [&](std::string_view text) -> std::string {
    if (!c->SendText(text)) return "send failed";
    auto f = c->Read();
    if (!f || (*f)["type"] != "error") return "no error frame";
    return (*f)["error"];
  };
  EXPECT_THAT(error_of("{not json"), ::testing::StartsWith("invalid JSON: "));
  EXPECT_EQ(error_of(std::string(100000, '[')), "invalid JSON: nested deeper than 64 levels");
  EXPECT_EQ(error_of("[1,2]"), "a request must be a JSON object");
  EXPECT_EQ(error_of(R"({"channels":["a"]})"), "a request needs an \"op\" string");
  EXPECT_EQ(error_of(R"({"op":"frobnicate"})"), "unknown op 'frobnicate'");
  EXPECT_EQ(error_of(R"({"op":"subscribe","channels":"a"})"), "\"channels\" must be an array");
  EXPECT_EQ(error_of(R"({"op":"subscribe","channels":[true]})"),
            "\"channels\": a value must be a string, a number or {\"base64\": \"...\"}");
  EXPECT_EQ(error_of(R"({"op":"subscribe","channels":[]})"),
            "ERR wrong number of arguments for 'subscribe' command");
  EXPECT_EQ(error_of(R"({"op":"publish","channel":"c"})"), "\"publish\" needs \"message\"");
  EXPECT_EQ(error_of(R"({"op":"publish","channel":"c","message":{"base64":"!!"}})"),
            "\"message\": invalid base64 in {\"base64\": ...}");
  // Numbers are taken as their digits (as the REST API does).
  ASSERT_TRUE(c->Send(json{{"op", "publish"}, {"channel", "c"}, {"message", 42}}));
  EXPECT_EQ(c->Read(), (json{{"type", "publish"}, {"receivers", 0}}));
  // A binary frame holding JSON is a request like a text frame.
  ASSERT_TRUE(c->SendText(R"({"op":"ping"})", /*binary=*/true));
  EXPECT_EQ(c->Read(), (json{{"type", "pong"}}));
  ASSERT_TRUE(c->Send(json{{"op", "ping"}}));
  EXPECT_EQ(c->Read(), (json{{"type", "pong"}}));
}

TEST_F(WsTest, BinaryPayloadsTravelAsBase64) {
  Session sub;
  sub.id = state_.clients().NextId();
  sub.subscriber = &resp_sub_;
  Run({"SUBSCRIBE", std::string("bin\xff", 4)}, &sub);
  auto c = Connect();
  ASSERT_TRUE(c->Send(json{{"op", "subscribe"}, {"channels", {{{"base64", "YmluYXJ5"}}}}}));
  EXPECT_EQ(c->Read(), (json{{"type", "subscribe"}, {"channel", "binary"}, {"count", 1}}));
  EXPECT_EQ(Run({"PUBLISH", "binary",
                 std::string("\xff\x00"
                             "a",
                             3)})
                .integer,
            1);
  EXPECT_EQ(c->Read(),
            (json{{"type", "message"}, {"channel", "binary"}, {"data", {{"base64", "/wBh"}}}}));
  // UTF-8 text stays text.
  EXPECT_EQ(Run({"PUBLISH", "binary", "caf\xc3\xa9"}).integer, 1);
  EXPECT_EQ((*c->Read())["data"], "caf\xc3\xa9");
  // Base64 in: the exact bytes reach a RESP subscriber.
  ASSERT_TRUE(c->Send(json{{"op", "publish"},
                           {"channel", {{"base64", "Ymlu/w=="}}},  // "bin\xff"
                           {"message", {{"base64", "AAEC"}}}}));
  EXPECT_EQ(c->Read(), (json{{"type", "publish"}, {"receivers", 1}}));
  EXPECT_THAT(resp_sub_.Take(), ::testing::ElementsAre("message|" + std::string("bin\xff", 4) +
                                                       "|" + std::string("\x00\x01\x02", 3)));
  ASSERT_TRUE(
      c->Send(json{{"op", "publish"}, {"channel", {{"base64", "Ymlu*w=="}}}, {"message", "x"}}));
  EXPECT_EQ((*c->Read())["type"], "error");
}

TEST_F(WsTest, CloseWhileSubscribedLeavesNoSubscriber) {
  {
    auto c = Connect();
    ASSERT_TRUE(c->Send(json{{"op", "subscribe"}, {"channels", {"c"}}}));
    ASSERT_TRUE(c->Send(json{{"op", "psubscribe"}, {"patterns", {"c*"}}}));
    ASSERT_TRUE(c->Read());
    ASSERT_TRUE(c->Read());
    EXPECT_EQ(NumSub("c"), 1);
    EXPECT_EQ(state_.clients().size(), 1u);
    EXPECT_TRUE(c->Close());  // a clean close handshake
  }
  EXPECT_TRUE(Eventually([&] { return NumSub("c") == 0 && state_.clients().size() == 0; }));
  EXPECT_EQ(Run({"PUBSUB", "NUMPAT"}).integer, 0);
  EXPECT_EQ(Run({"PUBLISH", "c", "x"}).integer, 0);

  // Dropped without a close frame.
  auto c = Connect();
  ASSERT_TRUE(c->Send(json{{"op", "subscribe"}, {"channels", {"c"}}}));
  ASSERT_TRUE(c->Read());
  c->Abort();
  EXPECT_TRUE(Eventually([&] { return NumSub("c") == 0 && state_.clients().size() == 0; }));

  // Many cycles, some with messages in flight.
  for (int i = 0; i < 50; ++i) {
    auto k = Connect();
    ASSERT_TRUE(k->Send(json{{"op", "subscribe"}, {"channels", {"c"}}}));
    ASSERT_TRUE(k->Read());
    Run({"PUBLISH", "c", "in flight"});
    if (i % 2)
      k->Close();
    else
      k->Abort();
  }
  EXPECT_TRUE(Eventually([&] { return NumSub("c") == 0 && state_.clients().size() == 0; }));
}

TEST_F(WsTest, PingPong) {
  auto c = Connect();
  ASSERT_TRUE(c->Ping());
  ASSERT_TRUE(c->Send(json{{"op", "ping"}}));
  EXPECT_EQ(c->Read(), (json{{"type", "pong"}}));  // the control pong was read on the way
  EXPECT_THAT(c->pongs(), ::testing::ElementsAre("hi"));
}

TEST_F(WsTest, FrameOverTheLimitClosesWith1009) {
  auto c = Connect();
  std::string big =
      R"({"op":"publish","channel":"c","message":")" + std::string(kWsDefaultMaxFrame, 'x') + "\"}";
  c->SendText(big);  // may fail half way: the server closes as soon as it sees the length
  EXPECT_FALSE(c->Read());
  EXPECT_TRUE(c->closed()) << c->error().message();
  EXPECT_EQ(c->close_code(), 1009);
  EXPECT_TRUE(Eventually([&] { return state_.clients().size() == 0; }));
}

TEST_F(WsTest, SlowReaderIsClosedAtThePubSubOutputLimit) {
  ASSERT_EQ(Run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 0 0"}).str, "OK");
  auto c = Connect();
  ASSERT_TRUE(c->Send(json{{"op", "subscribe"}, {"channels", {"c"}}}));
  ASSERT_TRUE(c->Read());
  // Publish far more than the socket buffers hold, without reading.
  const std::string payload(4096, 'p');
  int delivered = 0;
  for (int i = 0; i < 20000; ++i)
    delivered += static_cast<int>(Run({"PUBLISH", "c", payload}).integer);
  EXPECT_LT(delivered, 20000);  // dropped from the hub once over the limit
  EXPECT_EQ(NumSub("c"), 0);
  // The client gets what was on its way, then the close frame.
  int read = 0;
  while (c->Read()) ++read;
  EXPECT_LT(read, delivered + 1);
  EXPECT_TRUE(c->closed()) << c->error().message();
  EXPECT_EQ(c->close_code(), kWsCloseOutputLimit);
  EXPECT_TRUE(Eventually([&] { return state_.clients().size() == 0; }));
  // The server goes on.
  auto d = Connect();
  ASSERT_TRUE(d->Send(json{{"op", "ping"}}));
  EXPECT_EQ(d->Read(), (json{{"type", "pong"}}));
}

TEST_F(WsTest, ListedByClientListAndClosedByClientKill) {
  auto c = Connect();
  ASSERT_TRUE(c->Send(json{{"op", "subscribe"}, {"channels", {"c"}}}));
  ASSERT_TRUE(c->Read());
  std::string list = Run({"CLIENT", "LIST"}).str;
  EXPECT_THAT(list, ::testing::HasSubstr("addr=" + c->local_addr()));
  EXPECT_THAT(list, ::testing::HasSubstr("flags=P"));
  EXPECT_THAT(list, ::testing::HasSubstr("sub=1"));
  EXPECT_THAT(list, ::testing::HasSubstr("cmd=subscribe"));
  EXPECT_EQ(Run({"CLIENT", "KILL", "ADDR", c->local_addr()}).integer, 1);
  EXPECT_FALSE(c->Read());
  EXPECT_TRUE(c->closed()) << c->error().message();
  EXPECT_EQ(c->close_code(), kWsCloseKilled);
  EXPECT_TRUE(Eventually([&] { return NumSub("c") == 0 && state_.clients().size() == 0; }));
}

TEST_F(WsTest, ClientPauseHoldsRequests) {
  auto c = Connect();
  ASSERT_EQ(Run({"CLIENT", "PAUSE", "300", "ALL"}).str, "OK");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c->Send(json{{"op", "subscribe"}, {"channels", {"c"}}}));
  EXPECT_EQ(c->Read(), (json{{"type", "subscribe"}, {"channel", "c"}, {"count", 1}}));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
  // CLIENT UNPAUSE lets a held request go at once.
  ASSERT_EQ(Run({"CLIENT", "PAUSE", "10000", "ALL"}).str, "OK");
  ASSERT_TRUE(c->Send(json{{"op", "unsubscribe"}}));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(NumSub("c"), 1);  // held
  ASSERT_EQ(Run({"CLIENT", "UNPAUSE"}).str, "OK");
  EXPECT_EQ(c->Read(), (json{{"type", "unsubscribe"}, {"channel", "c"}, {"count", 0}}));
}

TEST_F(WsTest, MaxClientsRefusesWith1013) {
  ASSERT_EQ(Run({"CONFIG", "SET", "maxclients", "1"}).str, "OK");
  auto a = Connect();
  ASSERT_TRUE(a->Send(json{{"op", "ping"}}));
  ASSERT_TRUE(a->Read());
  auto b = Connect();
  EXPECT_FALSE(b->Read());
  EXPECT_TRUE(b->closed()) << b->error().message();
  EXPECT_EQ(b->close_code(), kWsCloseMaxClients);
  EXPECT_EQ(state_.clients().size(), 1u);
}

TEST_F(WsTest, CloseWebSocketSessionsSaysGoingAway) {
  auto c = Connect();
  ASSERT_TRUE(c->Send(json{{"op", "subscribe"}, {"channels", {"c"}}}));
  ASSERT_TRUE(c->Read());
  server_->CloseSessions();
  EXPECT_FALSE(c->Read());
  EXPECT_TRUE(c->closed()) << c->error().message();
  EXPECT_EQ(c->close_code(), kWsCloseGoingAway);
  EXPECT_TRUE(Eventually([&] { return NumSub("c") == 0 && state_.clients().size() == 0; }));
  // Sessions of another context are not touched.
  auto d = Connect();
  asio::io_context other;
  CloseWebSocketSessions(other);
  ASSERT_TRUE(d->Send(json{{"op", "ping"}}));
  EXPECT_EQ(d->Read(), (json{{"type", "pong"}}));
}

TEST_F(WsTest, ServerStopWithSubscribersLeavesNoSubscriber) {
  auto c = Connect();
  ASSERT_TRUE(c->Send(json{{"op", "subscribe"}, {"channels", {"c"}}}));
  ASSERT_TRUE(c->Read());
  server_.reset();  // the io_context goes away with the session's handlers
  EXPECT_EQ(NumSub("c"), 0);
  EXPECT_EQ(state_.clients().size(), 0u);
  EXPECT_EQ(Run({"PUBLISH", "c", "x"}).integer, 0);
}

}  // namespace
}  // namespace fincache::http
