// The HTTP router and URL decoding (cpp/http/router.h): pattern matching, 404/405, captures,
// percent-decoding of paths and query strings.
#include <gtest/gtest.h>

#include "http/router.h"

namespace fincache::http {
namespace {

Handler Named(std::string name) {
  return [name](const Request& r) {
    return Response::Json(200, {{"route", name}, {"param", r.param}});
  };
}

TEST(HttpRouterTest, ExactAndPrefixRoutes) {
  Router router;
  router.Add("GET", "/health", Named("health"), {.open = true});
  router.Add("GET", "/api/v1/keys", Named("scan"));
  router.Add("GET", "/api/v1/keys/{key}", Named("get"));
  router.Add("DELETE", "/api/v1/keys/{key}", Named("del"));

  auto m = router.Find("GET", "/health");
  ASSERT_EQ(m.status, 200);
  EXPECT_TRUE(m.options.open);
  EXPECT_EQ(m.pattern, "/health");

  m = router.Find("GET", "/api/v1/keys");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.pattern, "/api/v1/keys");
  EXPECT_FALSE(m.options.open);

  m = router.Find("GET", "/api/v1/keys/a/b c");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.param, "a/b c");
  EXPECT_EQ(m.pattern, "/api/v1/keys/{key}");
  Request req;
  req.param = m.param;
  EXPECT_EQ((*m.handler)(req).body, R"({"param":"a/b c","route":"get"})");

  m = router.Find("DELETE", "/api/v1/keys/x");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ((*m.handler)(req).body.find("\"del\"") != std::string::npos, true);
}

TEST(HttpRouterTest, UnknownPathIs404AndOtherMethodIs405WithAllow) {
  Router router;
  router.Add("GET", "/api/v1/keys/{key}", Named("get"));
  router.Add("PUT", "/api/v1/keys/{key}", Named("put"));
  router.Add("GET", "/ready", Named("ready"), {.open = true});

  EXPECT_EQ(router.Find("GET", "/nope").status, 404);
  EXPECT_EQ(router.Find("GET", "/ready/x").status, 404);       // exact routes match exactly
  EXPECT_EQ(router.Find("GET", "/api/v1/keys/").status, 404);  // an empty capture is no key
  EXPECT_EQ(router.Find("GET", "/api/v1/key").status, 404);

  auto m = router.Find("POST", "/api/v1/keys/k");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allow, (std::vector<std::string>{"GET", "PUT"}));
  m = router.Find("POST", "/ready");
  EXPECT_EQ(m.status, 405);
  EXPECT_TRUE(m.options.open);
  EXPECT_EQ(m.allow, (std::vector<std::string>{"GET"}));
}

TEST(HttpRouterTest, LongestPrefixWinsAndReAddReplaces) {
  Router router;
  router.Add("GET", "/a/{rest}", Named("short"));
  router.Add("GET", "/a/b/{rest}", Named("long"));
  auto m = router.Find("GET", "/a/b/c");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.param, "c");
  EXPECT_EQ(m.pattern, "/a/b/{rest}");
  m = router.Find("GET", "/a/x/c");
  EXPECT_EQ(m.param, "x/c");

  router.Add("GET", "/a/{rest}", Named("replaced"));
  m = router.Find("GET", "/a/x");
  Request req;
  EXPECT_NE((*m.handler)(req).body.find("replaced"), std::string::npos);
  auto routes = router.Routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0], (std::pair<std::string, std::string>{"/a/b/{rest}", "GET"}));
  EXPECT_EQ(routes[1], (std::pair<std::string, std::string>{"/a/{rest}", "GET"}));
}

TEST(HttpRouterTest, PercentDecoding) {
  std::string out;
  EXPECT_TRUE(PercentDecode("a%20b%2Fc%25", &out));
  EXPECT_EQ(out, "a b/c%");
  EXPECT_TRUE(PercentDecode("%00%ff%FF", &out));
  EXPECT_EQ(out, std::string("\0\xff\xff", 3));
  EXPECT_TRUE(PercentDecode("a+b", &out));
  EXPECT_EQ(out, "a+b");
  EXPECT_TRUE(PercentDecode("a+b", &out, /*plus_is_space=*/true));
  EXPECT_EQ(out, "a b");
  EXPECT_FALSE(PercentDecode("%", &out));
  EXPECT_FALSE(PercentDecode("%4", &out));
  EXPECT_FALSE(PercentDecode("ab%4", &out));
  EXPECT_FALSE(PercentDecode("%zz", &out));
  EXPECT_FALSE(PercentDecode("%g0", &out));
}

TEST(HttpRouterTest, ParseTarget) {
  std::string path;
  std::map<std::string, std::string> q;
  ASSERT_TRUE(ParseTarget("/api/v1/keys/a%2Fb?db=2&pattern=user%3A*&x&count=1+0&db=3", &path, &q));
  EXPECT_EQ(path, "/api/v1/keys/a/b");
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(q["db"], "3");  // the last one wins
  EXPECT_EQ(q["pattern"], "user:*");
  EXPECT_EQ(q["x"], "");
  EXPECT_EQ(q["count"], "1 0");

  ASSERT_TRUE(ParseTarget("/p+q?a=%E2%82%AC#frag", &path, &q));
  EXPECT_EQ(path, "/p+q");  // '+' is literal in a path
  EXPECT_EQ(q["a"], "\xE2\x82\xAC");
  ASSERT_TRUE(ParseTarget("/?&&", &path, &q));
  EXPECT_EQ(path, "/");
  EXPECT_TRUE(q.empty());

  EXPECT_FALSE(ParseTarget("", &path, &q));
  EXPECT_FALSE(ParseTarget("http://host/x", &path, &q));
  EXPECT_FALSE(ParseTarget("*", &path, &q));
  EXPECT_FALSE(ParseTarget("/bad%2", &path, &q));
  EXPECT_FALSE(ParseTarget("/ok?k=%zz", &path, &q));
}

TEST(HttpRouterTest, HeadersAreCaseInsensitiveAndResponsesJson) {
  Request req;
  req.headers = {{"Content-Type", "application/json"}, {"authorization", "Bearer x"}};
  EXPECT_EQ(req.Header("content-type"), "application/json");
  EXPECT_EQ(req.Header("AUTHORIZATION"), "Bearer x");
  EXPECT_EQ(req.Header("Origin"), "");

  Response r = Response::Error(404, "no such key");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"error":"no such key"})");
  r = Response::Json(201, {{"a", 1}});
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"a":1})");
}

}  // namespace
}  // namespace fincache::http
