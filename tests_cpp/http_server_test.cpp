// The HTTP front door's request policy and built-in routes (cpp/http/http_server.h, routes.h):
// auth and CORS decisions, 404/405/503, the keys and command routes through the real Dispatcher,
// and HttpServer over a real socket.
#include "http/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <set>

#include "command_test_base.h"
#include "http/json_reply.h"
#include "http/routes.h"

namespace fincache::http {
namespace {

using nlohmann::json;

TEST(HttpPolicyTest, BearerMatches) {
  EXPECT_TRUE(BearerMatches("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(BearerMatches("bearer s3cret", "s3cret"));
  EXPECT_TRUE(BearerMatches("  BEARER   s3cret  ", "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer s3cre", "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer s3cret!", "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer S3CRET", "s3cret"));
  EXPECT_FALSE(BearerMatches("Basic czNjcmV0", "s3cret"));
  EXPECT_FALSE(BearerMatches("s3cret", "s3cret"));
  EXPECT_FALSE(BearerMatches("", "s3cret"));
  EXPECT_FALSE(BearerMatches("Bearer ", ""));  // no password: nothing matches
}

TEST(HttpPolicyTest, CorsAllowOrigin) {
  EXPECT_EQ(CorsAllowOrigin("", "https://a.example"), "");
  EXPECT_EQ(CorsAllowOrigin("*", "https://a.example"), "*");
  EXPECT_EQ(CorsAllowOrigin("*", ""), "");  // not a CORS request
  EXPECT_EQ(CorsAllowOrigin("https://a.example https://b.example", "https://b.example"),
            "https://b.example");
  EXPECT_EQ(CorsAllowOrigin("https://a.example,https://b.example", "https://a.example"),
            "https://a.example");
  EXPECT_EQ(CorsAllowOrigin("https://a.example", "https://a.example.evil"), "");
  EXPECT_EQ(CorsAllowOrigin("https://a.example", "http://a.example"), "");
}

class HttpRoutesTest : public CommandTest {
 protected:
  HttpRoutesTest() { RegisterBuiltinRoutes(router_, *server_, *dispatcher_); }

  Response Call(std::string method, std::string target, std::string body = "",
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request req;
    req.method = std::move(method);
    EXPECT_TRUE(ParseTarget(target, &req.path, &req.query)) << target;
    req.body = std::move(body);
    req.headers = std::move(headers);
    return Serve(router_, *server_, req);
  }
  static json Body(const Response& r) { return json::parse(r.body); }
  static std::string HeaderOf(const Response& r, std::string_view name) {
    for (auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }

  Router router_;
};

TEST_F(HttpRoutesTest, HealthAndReady) {
  auto r = Call("GET", "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), (json{{"status", "ok"}}));
  EXPECT_EQ(Call("GET", "/ready").status, 200);
  server_->loading = true;
  r = Call("GET", "/ready");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Body(r), (json{{"status", "loading"}}));
  EXPECT_EQ(Call("GET", "/health").status, 200);
  // Routes that run commands wait for the load.
  r = Call("GET", "/api/v1/keys/k");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Body(r)["error"], "LOADING Redis is loading the dataset in memory");
  server_->loading = false;
  EXPECT_EQ(Call("GET", "/ready").status, 200);
}

TEST_F(HttpRoutesTest, NotFoundAndMethodNotAllowed) {
  auto r = Call("GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(Body(r).contains("error"));
  r = Call("PATCH", "/api/v1/keys/k");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(HeaderOf(r, "Allow"), "DELETE, GET, POST, PUT");
  r = Call("GET", "/api/v1/command");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(HeaderOf(r, "Allow"), "POST");
  // HEAD runs GET (the connection drops the body).
  r = Call("HEAD", "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Call("HEAD", "/api/v1/command").status, 405);
  // /ws without an Upgrade (upgrades are taken over by the connection before routing).
  r = Call("GET", "/ws");
  EXPECT_EQ(r.status, 426);
  EXPECT_EQ(HeaderOf(r, "Upgrade"), "websocket");
}

TEST_F(HttpRoutesTest, AuthWithRequirepass) {
  ASSERT_EQ(server_->config().Set("requirepass", "pw"), "");
  auto r = Call("GET", "/api/v1/keys/k");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(HeaderOf(r, "WWW-Authenticate"), "Bearer realm=\"fincache\"");
  EXPECT_TRUE(Body(r).contains("error"));
  EXPECT_EQ(Call("GET", "/api/v1/keys/k", "", {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(Call("GET", "/nope").status, 401);  // nothing is revealed without the password
  EXPECT_EQ(Call("POST", "/api/v1/command", R"(["PING"])").status, 401);
  // Open routes stay open.
  EXPECT_EQ(Call("GET", "/health").status, 200);
  EXPECT_EQ(Call("GET", "/ready").status, 200);
  // With the password the session is authenticated (no NOAUTH from the dispatcher).
  r = Call("POST", "/api/v1/command", R"(["PING"])", {{"Authorization", "Bearer pw"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), (json{{"result", "PONG"}}));
  EXPECT_EQ(Call("GET", "/nope", "", {{"Authorization", "Bearer pw"}}).status, 404);
  ASSERT_EQ(server_->config().Set("requirepass", ""), "");
  EXPECT_EQ(Call("POST", "/api/v1/command", R"(["PING"])").status, 200);
}

TEST_F(HttpRoutesTest, CorsOffByDefaultAndPreflight) {
  auto r = Call("GET", "/health", "", {{"Origin", "https://a.example"}});
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "");
  // Without CORS an OPTIONS is just a method the path does not answer.
  r = Call("OPTIONS", "/api/v1/command", "",
           {{"Origin", "https://a.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(r.status, 405);

  ASSERT_EQ(server_->config().Set("http-cors-origins", "https://a.example"), "");
  r = Call("OPTIONS", "/api/v1/command", "",
           {{"Origin", "https://a.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "https://a.example");
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Methods"), "POST, OPTIONS");
  EXPECT_NE(HeaderOf(r, "Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
  EXPECT_EQ(HeaderOf(r, "Vary"), "Origin");
  r = Call("GET", "/health", "", {{"Origin", "https://a.example"}});
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "https://a.example");
  r = Call("GET", "/health", "", {{"Origin", "https://other.example"}});
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "");
  r = Call("OPTIONS", "/api/v1/command", "",
           {{"Origin", "https://other.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(r.status, 403);
  // Preflight needs no auth (browsers send none); the request itself does.
  ASSERT_EQ(server_->config().Set("requirepass", "pw"), "");
  ASSERT_EQ(server_->config().Set("http-cors-origins", "*"), "");
  r = Call("OPTIONS", "/api/v1/keys/x", "",
           {{"Origin", "https://z.example"}, {"Access-Control-Request-Method", "DELETE"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "*");
  r = Call("DELETE", "/api/v1/keys/x", "", {{"Origin", "https://z.example"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "*");  // the browser can read the 401
}

TEST_F(HttpRoutesTest, KeysCrudString) {
  EXPECT_EQ(Call("GET", "/api/v1/keys/greeting").status, 404);
  auto r = Call("PUT", "/api/v1/keys/greeting", R"({"value": "hello"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), (json{{"result", "OK"}}));
  r = Call("GET", "/api/v1/keys/greeting");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), json::parse(R"({"key": "greeting", "type": "string", "ttl": null,
                                    "value": "hello"})"));
  r = Call("PUT", "/api/v1/keys/greeting", R"({"value": 12.5, "ttl": 100})");
  EXPECT_EQ(r.status, 200);
  r = Call("GET", "/api/v1/keys/greeting");
  EXPECT_EQ(Body(r)["value"], "12.5");
  EXPECT_EQ(Body(r)["ttl"], 100);
  AdvanceTime(101 * 1000);
  EXPECT_EQ(Call("GET", "/api/v1/keys/greeting").status, 404);

  // POST creates only.
  r = Call("POST", "/api/v1/keys/once", R"({"value": {"base64": "/wA="}})");
  EXPECT_EQ(r.status, 201);
  r = Call("POST", "/api/v1/keys/once", R"({"value": "again"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Body(r)["error"], "key exists");
  r = Call("GET", "/api/v1/keys/once");
  EXPECT_EQ(Body(r)["value"], (json{{"base64", "/wA="}}));

  r = Call("DELETE", "/api/v1/keys/once");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), (json{{"deleted", 1}}));
  EXPECT_EQ(Call("DELETE", "/api/v1/keys/once").status, 404);
}

TEST_F(HttpRoutesTest, KeysOfEveryType) {
  Run({"RPUSH", "l", "a", "b"});
  Run({"HSET", "h", "f", "v"});
  Run({"SADD", "s", "m"});
  Run({"ZADD", "z", "1.5", "one", "2", "two"});
  Run({"SET", "bin\xff", "v"});
  EXPECT_EQ(Body(Call("GET", "/api/v1/keys/l"))["value"], json::parse(R"(["a", "b"])"));
  EXPECT_EQ(Body(Call("GET", "/api/v1/keys/l"))["type"], "list");
  EXPECT_EQ(Body(Call("GET", "/api/v1/keys/h"))["value"], json::parse(R"({"f": "v"})"));
  EXPECT_EQ(Body(Call("GET", "/api/v1/keys/s"))["value"], json::parse(R"(["m"])"));
  EXPECT_EQ(Body(Call("GET", "/api/v1/keys/z"))["value"],
            json::parse(R"([{"member": "one", "score": 1.5}, {"member": "two", "score": 2}])"));
  auto r = Call("GET", "/api/v1/keys/bin%FF");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["key"], (json{{"base64", "Ymlu/w=="}}));
  // PUT replaces any type with a string, as SET does.
  EXPECT_EQ(Call("PUT", "/api/v1/keys/l", R"({"value": "now a string"})").status, 200);
  EXPECT_EQ(Body(Call("GET", "/api/v1/keys/l"))["type"], "string");
}

TEST_F(HttpRoutesTest, KeysBadInput) {
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k", "not json").status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k", "").status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k", R"(["value"])").status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k", R"({"ttl": 5})").status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k", R"({"value": [1]})").status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k", R"({"value": "v", "ttl": 0})").status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k", R"({"value": "v", "ttl": -1})").status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k", R"({"value": "v", "ttl": 1.5})").status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k", R"({"value": "v", "ttl": "5"})").status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k", R"({"value": "v", "extra": 1})").status, 400);
  // The ttl range is the one /openapi.json states (beyond it, SET's expiry would overflow).
  auto r = Call("PUT", "/api/v1/keys/k", R"({"value": "v", "ttl": 9223372036854775807})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"], "ttl must be an integer from 1 to 999999999999 (seconds) or null");
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k", R"({"value": "v", "ttl": 1000000000000})").status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k", R"({"value": "v", "ttl": 999999999999})").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/keys/k?db=16").status, 400);
  EXPECT_EQ(Body(Call("GET", "/api/v1/keys/k?db=x"))["error"],
            "ERR value is not an integer or out of range");
  EXPECT_EQ(Body(Call("GET", "/api/v1/keys/k?db=-1"))["error"], "ERR DB index is out of range");
}

TEST_F(HttpRoutesTest, KeysAndCommandsSelectTheDatabase) {
  EXPECT_EQ(Call("PUT", "/api/v1/keys/k?db=3", R"({"value": "in3"})").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/keys/k").status, 404);
  EXPECT_EQ(Body(Call("GET", "/api/v1/keys/k?db=3"))["value"], "in3");
  auto r = Call("POST", "/api/v1/command?db=3", R"(["GET", "k"])");
  EXPECT_EQ(Body(r), (json{{"result", "in3"}}));
  Run({"SELECT", "3"});
  EXPECT_THAT(Run({"GET", "k"}), BulkArg("in3"));  // the same engine as RESP clients
}

TEST_F(HttpRoutesTest, Command) {
  auto r = Call("POST", "/api/v1/command", R"(["ZADD", "ob", 150.25, "o1", "151", "o2"])");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), (json{{"result", 2}}));
  r = Call("POST", "/api/v1/command", R"(["ZRANGE", "ob", 0, -1, "WITHSCORES"])");
  EXPECT_EQ(Body(r), json::parse(R"({"result": [["o1", 150.25], ["o2", 151]]})"));
  r = Call("POST", "/api/v1/command?resp=2", R"(["ZRANGE", "ob", 0, -1, "WITHSCORES"])");
  EXPECT_EQ(Body(r), json::parse(R"({"result": ["o1", "150.25", "o2", "151"]})"));
  r = Call("POST", "/api/v1/command", R"(["SET", {"base64": "AAE="}, {"base64": "/w=="}])");
  EXPECT_EQ(r.status, 200);
  r = Call("POST", "/api/v1/command", R"(["GET", {"base64": "AAE="}])");
  EXPECT_EQ(Body(r), json::parse(R"({"result": {"base64": "/w=="}})"));
  r = Call("POST", "/api/v1/command", R"(["HSET", "h", "a", "1"])");
  r = Call("POST", "/api/v1/command", R"(["HGETALL", "h"])");
  EXPECT_EQ(Body(r), json::parse(R"({"result": {"a": "1"}})"));

  // Error replies are 400 with Redis's full text.
  r = Call("POST", "/api/v1/command", R"(["INCR", "ob"])");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"], "WRONGTYPE Operation against a key holding the wrong kind of value");
  r = Call("POST", "/api/v1/command", R"(["NOSUCH"])");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"].get<std::string>().rfind("ERR unknown command 'NOSUCH'", 0), 0u);
  r = Call("POST", "/api/v1/command", R"(["GET"])");
  EXPECT_EQ(Body(r)["error"], "ERR wrong number of arguments for 'get' command");

  // Bad bodies.
  EXPECT_EQ(Call("POST", "/api/v1/command", "[").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/command", "[]").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/command", R"({"cmd": "PING"})").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/command", R"(["SET", "k", true])").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/command", R"(["SET", "k", null])").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/command?resp=4", R"(["PING"])").status, 400);
}

TEST_F(HttpRoutesTest, CommandsThatNeedAConnection) {
  // Blocking commands never park an HTTP thread: they answer as inside MULTI.
  auto r = Call("POST", "/api/v1/command", R"(["BLPOP", "nolist", 0])");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), (json{{"result", nullptr}}));
  r = Call("POST", "/api/v1/command", R"(["SUBSCRIBE", "ch"])");
  EXPECT_EQ(r.status, 400);
  r = Call("POST", "/api/v1/command", R"(["MONITOR"])");
  EXPECT_EQ(r.status, 400);
  r = Call("POST", "/api/v1/command", R"(["MULTI"])");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(Body(r)["error"].get<std::string>().find("not available over HTTP"), std::string::npos);
  r = Call("POST", "/api/v1/command", R"(["watch", "k"])");
  EXPECT_EQ(r.status, 400);
  // HTTP sessions are not listed as clients.
  r = Call("POST", "/api/v1/command", R"(["CLIENT", "LIST"])");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(server_->clients().size(), 0u);
}

TEST_F(HttpRoutesTest, ScanStatsFlush) {
  for (int i = 0; i < 25; ++i) Run({"SET", "key:" + std::to_string(i), "v"});
  Run({"SET", "other", "v"});
  std::set<std::string> seen;
  std::string cursor = "0";
  int rounds = 0;
  do {
    auto r = Call("GET", "/api/v1/keys?pattern=key:*&count=7&cursor=" + cursor);
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = Body(r);
    cursor = j["cursor"].get<std::string>();
    for (auto& k : j["keys"]) seen.insert(k.get<std::string>());
    ASSERT_LT(++rounds, 100);
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(Call("GET", "/api/v1/keys?cursor=x").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/keys?cursor=-1").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/keys?count=0").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/keys?count=abc").status, 400);

  auto r = Call("GET", "/api/v1/stats");
  ASSERT_EQ(r.status, 200);
  auto stats = Body(r);
  EXPECT_TRUE(stats["server"]["redis_version"].is_string());
  EXPECT_TRUE(stats["server"]["uptime_in_seconds"].is_number_integer());
  EXPECT_EQ(stats["keyspace"]["db0"]["keys"], 26);
  EXPECT_EQ(stats["persistence"]["loading"], 0);
  r = Call("GET", "/api/v1/stats?section=keyspace");
  EXPECT_EQ(Body(r).size(), 1u);

  EXPECT_EQ(Call("PUT", "/api/v1/keys/k?db=2", R"({"value": "v"})").status, 200);
  r = Call("POST", "/api/v1/flush?db=2");
  EXPECT_EQ(Body(r), (json{{"result", "OK"}}));
  EXPECT_EQ(Call("GET", "/api/v1/keys/k?db=2").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/keys/other").status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/flush").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/keys/other").status, 404);
}

TEST_F(HttpRoutesTest, OpenApiDescribesEveryRoute) {
  // Routes another layer adds without describing them get a minimal entry.
  router_.Add("GET", "/extra.js", [](const Request&) { return Response(); }, {.open = true});
  router_.Add("DELETE", "/things/{id}", [](const Request&) { return Response(); });
  auto r = Call("GET", "/openapi.json");
  ASSERT_EQ(r.status, 200);
  json doc = Body(r);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  for (auto& [pattern, method] : router_.Routes()) {
    std::string m = method;
    for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(doc["paths"].contains(pattern) && doc["paths"][pattern].contains(m))
        << method << " " << pattern;
  }
  EXPECT_EQ(doc["paths"]["/extra.js"]["get"]["security"], json::array());
  EXPECT_TRUE(doc["paths"]["/things/{id}"]["delete"]["responses"].contains("401"));
  EXPECT_EQ(doc["paths"]["/things/{id}"]["parameters"][0]["name"], "id");
  EXPECT_EQ(doc["paths"]["/health"]["get"]["security"], json::array());
  EXPECT_FALSE(doc["paths"]["/api/v1/command"]["post"].contains("security"));  // the default
}

// HttpServer over a real socket: binds port 0, answers, stops.
TEST_F(HttpRoutesTest, ServerOverASocket) {
  HttpServer http(*server_, *dispatcher_,
                  HttpOptions{.bind = "127.0.0.1", .port = 0, .threads = 1});
  ASSERT_EQ(http.Start(), "");
  ASSERT_GT(http.port(), 0);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket sock(ioc);
  sock.connect(
      {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(http.port())});
  std::string req = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  boost::asio::write(sock, boost::asio::buffer(req));
  std::string reply;
  boost::system::error_code ec;
  char buf[4096];
  for (;;) {
    size_t n = sock.read_some(boost::asio::buffer(buf), ec);
    if (ec) break;
    reply.append(buf, n);
  }
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("{\"status\":\"ok\"}"), std::string::npos);
  EXPECT_NE(reply.find("Content-Type: application/json"), std::string::npos);

  // A second server on the same port fails with a clear text.
  HttpServer clash(*server_, *dispatcher_, HttpOptions{.bind = "127.0.0.1", .port = http.port()});
  std::string err = clash.Start();
  EXPECT_NE(err.find("Address already in use"), std::string::npos) << err;
  http.Stop();
  http.Stop();  // idempotent
  EXPECT_EQ(http.port(), 0);
}

}  // namespace
}  // namespace fincache::http
