#include "http/http_server.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "commands/dispatcher.h"
#include "commands/server_state.h"
#include "common/strings.h"
#include "http/routes.h"
#include "net/log.h"

#if __has_include("http/ws_session.h")
#include "http/ws_session.h"
#define FINCACHE_HAVE_WS_SESSION 1
#endif

namespace fincache::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// ============================================================================================
// Policy
// ============================================================================================

namespace {

bool IEqualsPrefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int64_t ConfigInt(Config& config, std::string_view name, int64_t fallback) {
  auto v = config.Get(name);
  int64_t out;
  if (!v || !ParseInt64(*v, &out)) return fallback;
  return out;
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

constexpr std::string_view kLoadingErr = "LOADING Redis is loading the dataset in memory";

}  // namespace

bool BearerMatches(std::string_view authorization, std::string_view password) {
  authorization = Trim(authorization);
  if (!IEqualsPrefix(authorization, "bearer ")) return false;
  std::string_view token = Trim(authorization.substr(7));
  // Constant time in the token's content (the length is not secret enough to hide).
  unsigned diff = token.size() == password.size() ? 0 : 1;
  for (size_t i = 0; i < token.size(); ++i)
    diff |= static_cast<unsigned char>(token[i]) ^
            static_cast<unsigned char>(password.empty() ? 0 : password[i % password.size()]);
  return diff == 0 && !password.empty();
}

std::string CorsAllowOrigin(std::string_view setting, std::string_view origin) {
  setting = Trim(setting);
  if (setting.empty() || origin.empty()) return "";
  size_t i = 0;
  while (i < setting.size()) {
    while (i < setting.size() && (setting[i] == ' ' || setting[i] == ',')) ++i;
    size_t start = i;
    while (i < setting.size() && setting[i] != ' ' && setting[i] != ',') ++i;
    std::string_view item = setting.substr(start, i - start);
    if (item == "*") return "*";
    if (!item.empty() && item == origin) return std::string(origin);
  }
  return "";
}

Response Serve(const Router& router, ServerState& state, Request& req) {
  Config& config = state.config();
  const std::string cors_setting = config.Get("http-cors-origins").value_or("");
  const std::string origin = req.Header("Origin");
  const std::string allow_origin = CorsAllowOrigin(cors_setting, origin);
  auto add_cors = [&](Response& r) {
    if (allow_origin.empty()) return;
    r.headers.emplace_back("Access-Control-Allow-Origin", allow_origin);
    if (allow_origin != "*") r.headers.emplace_back("Vary", "Origin");
  };

  Router::Match m = router.Find(req.method, req.path);
  // HEAD is GET without the body (the connection sends the headers only).
  if (req.method == "HEAD" && m.status == 405 &&
      std::find(m.allow.begin(), m.allow.end(), "GET") != m.allow.end())
    m = router.Find("GET", req.path);

  // CORS preflight: OPTIONS with Access-Control-Request-Method, answered without auth (browsers
  // send no credentials on it) when CORS is on and the path exists.
  if (req.method == "OPTIONS" && !cors_setting.empty() &&
      !req.Header("Access-Control-Request-Method").empty() && m.status != 404 && m.status != 200) {
    if (allow_origin.empty())
      return Response::Error(403, "origin not allowed by http-cors-origins");
    Response r;
    r.status = 204;
    r.content_type.clear();
    add_cors(r);
    std::vector<std::string> methods = m.allow;
    methods.push_back("OPTIONS");
    r.headers.emplace_back("Access-Control-Allow-Methods", Join(methods, ", "));
    r.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type");
    r.headers.emplace_back("Access-Control-Max-Age", "600");
    return r;
  }

  Response r;
  const bool open = m.status != 404 && m.options.open;
  if (!open && config.has_requirepass.load() &&
      !BearerMatches(req.Header("Authorization"), config.requirepass())) {
    // Unknown paths answer 401 too: without the password nothing about the API is revealed.
    r = Response::Error(401, req.Header("Authorization").empty()
                                 ? "authentication required: Authorization: Bearer <password>"
                                 : "invalid password");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"fincache\"");
  } else if (m.status == 404) {
    r = Response::Error(404, "no such path: " + req.path);
  } else if (m.status == 405) {
    r = Response::Error(405, "method " + req.method + " not allowed on " + m.pattern);
    r.headers.emplace_back("Allow", Join(m.allow, ", "));
  } else if (!open && state.loading.load()) {
    r = Response::Error(503, kLoadingErr);
    r.headers.emplace_back("Retry-After", "1");
  } else {
    req.param = m.param;
    try {
      r = (*m.handler)(req);
    } catch (const std::exception& e) {
      net::LogWarning(std::string("HTTP handler ") + req.method + " " + req.path +
                      " failed: " + e.what());
      r = Response::Error(500, std::string("internal error: ") + e.what());
    }
  }
  add_cors(r);
  return r;
}

// ============================================================================================
// Server
// ============================================================================================

namespace {

class HttpSession;

}  // namespace

struct HttpServer::Impl {
  Impl(ServerState& s, Dispatcher& d, HttpOptions o)
      : state(s), dispatcher(d), opts(std::move(o)) {}

  std::string Listen(std::string addr_text, int port, bool* optional_skipped);
  void DoAccept(tcp::acceptor* acceptor);
  void Forget(HttpSession* s) {
    std::lock_guard lk(sessions_mu);
    sessions.erase(s);
  }
  bool OnOwnThread() const {
    auto me = std::this_thread::get_id();
    for (auto& t : threads)
      if (t.get_id() == me) return true;
    return false;
  }

  ServerState& state;
  Dispatcher& dispatcher;
  HttpOptions opts;
  Router router;

  std::mutex life_mu;
  bool running = false;
  std::atomic<bool> stopping{false};
  std::atomic<int> bound_port{0};
  std::unique_ptr<asio::io_context> ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<std::thread> threads;

  std::mutex sessions_mu;
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions;
  std::atomic<int64_t> open_connections{0};
};

namespace {

// One HTTP connection: read a request, answer it, repeat while keep-alive.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(HttpServer::Impl& owner, tcp::socket socket)
      : owner_(owner), stream_(std::move(socket)) {
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  ~HttpSession() {
    owner_.open_connections.fetch_sub(1, std::memory_order_relaxed);
    owner_.Forget(this);
  }

  void Start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&HttpSession::Read, shared_from_this()));
  }
  // Thread-safe: closes the socket on the session's strand.
  void Close() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ec;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      self->stream_.socket().close(ec);
    });
  }

 private:
  std::chrono::seconds Timeout() const {
    int64_t t = ConfigInt(owner_.state.config(), "http-timeout", 30);
    // 0: no limit on idle keep-alive connections or slow requests (not recommended).
    return std::chrono::seconds(t > 0 ? t : 365LL * 24 * 3600);
  }

  void Read() {
    if (owner_.stopping) return;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(kMaxHeaderBytes));
    int64_t max_body = ConfigInt(owner_.state.config(), "http-max-body-size", 1024 * 1024);
    parser_->body_limit(static_cast<uint64_t>(std::max<int64_t>(0, max_body)));
    stream_.expires_after(Timeout());
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&HttpSession::OnHeader, shared_from_this()));
  }

  // The headers are in (a Content-Length over the limit already failed with body_limit): a
  // client that sent "Expect: 100-continue" (curl does for bodies over 1 KiB) waits for
  // "100 Continue" before it sends the body.
  void OnHeader(beast::error_code ec, size_t) {
    if (ec || parser_->is_done()) return OnRead(ec, 0);
    auto read_body = [self = shared_from_this()] {
      self->stream_.expires_after(self->Timeout());
      bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                        beast::bind_front_handler(&HttpSession::OnRead, self));
    };
    if (beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                       parser_->get().version());
      bhttp::async_write(
          stream_, *cont,
          [self = shared_from_this(), cont, read_body](beast::error_code wec, size_t) {
            if (wec) return self->Shutdown();
            read_body();
          });
      return;
    }
    read_body();
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || owner_.stopping) {
      return Shutdown();
    }
    if (ec == bhttp::error::body_limit)
      return Fail(Response::Error(413, "request body larger than http-max-body-size"));
    if (ec == bhttp::error::header_limit)
      return FailStatus(
          431, "request headers larger than " + std::to_string(kMaxHeaderBytes) + " bytes");
    if (ec) {
      if (ec.category() == beast::error_code(bhttp::error::bad_method).category())
        return Fail(Response::Error(400, "malformed HTTP request: " + ec.message()));
      return Shutdown();  // a socket error: nobody to answer
    }
    auto req = parser_->release();
    parser_.reset();

    Request r;
    r.method = std::string(req.method_string());
    if (!ParseTarget(req.target(), &r.path, &r.query))
      return Fail(Response::Error(400, "malformed request target"));
    for (auto& f : req)
      r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    r.remote = remote_;

    if (r.path == "/ws" && req.method() == bhttp::verb::get) {
      if (beast::websocket::is_upgrade(req)) return Upgrade(std::move(req), r);
    }

    r.body = std::move(req.body());
    Response res = Serve(owner_.router, owner_.state, r);
    Write(std::move(res), req.keep_alive(), req.version(), r.method == "HEAD");
  }

  void Upgrade(bhttp::request<bhttp::string_body> req, Request& r) {
    Config& config = owner_.state.config();
    if (config.has_requirepass.load()) {
      std::string pw = config.requirepass();
      auto it = r.query.find("token");
      bool ok = BearerMatches(r.Header("Authorization"), pw) ||
                (it != r.query.end() && BearerMatches("Bearer " + it->second, pw));
      if (!ok) {
        Response res = Response::Error(401,
                                       "authentication required: Authorization: Bearer "
                                       "<password> or ?token=<password>");
        res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"fincache\"");
        return Write(std::move(res), false, req.version(), false);
      }
    }
#ifdef FINCACHE_HAVE_WS_SESSION
    stream_.expires_never();
    StartWebSocketSession(stream_.release_socket(), std::move(req), owner_.state,
                          owner_.dispatcher);
#else
    Write(Response::Error(501, "WebSocket is not available in this build"), false, req.version(),
          false);
#endif
  }

  // Answers and closes (the request could not be read whole).
  void Fail(Response res) { Write(std::move(res), false, 11, false, /*drain=*/true); }
  void FailStatus(int status, std::string msg) { Fail(Response::Error(status, msg)); }

  void Write(Response res, bool keep_alive, unsigned version, bool head, bool drain = false) {
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    out->version(version == 10 ? 10 : 11);
    out->result(static_cast<unsigned>(res.status));
    out->set(bhttp::field::server, "FinCache/" FINCACHE_VERSION);
    if (!res.content_type.empty()) out->set(bhttp::field::content_type, res.content_type);
    for (auto& [k, v] : res.headers) out->insert(k, v);
    out->keep_alive(keep_alive && !owner_.stopping);
    out->body() = std::move(res.body);
    out->prepare_payload();
    if (head) out->body().clear();  // Content-Length stays the GET body's
    stream_.expires_after(Timeout());
    bhttp::async_write(stream_, *out,
                       [self = shared_from_this(), out, drain](beast::error_code ec, size_t) {
                         self->OnWrite(ec, out->keep_alive(), drain);
                       });
  }

  void OnWrite(beast::error_code ec, bool keep_alive, bool drain) {
    if (ec) return Shutdown();
    if (drain) return Drain();
    if (!keep_alive) return Shutdown();
    Read();
  }

  // After an error answer while the client may still be sending (a body over the limit): stop
  // sending, then read and discard what comes (bounded in time and bytes) so that closing does
  // not reset the connection before the client read the answer.
  void Drain() {
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    drain_buf_.resize(16 * 1024);
    drain_deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    DrainMore();
  }
  void DrainMore() {
    if (drained_ > 64 * 1024 * 1024 || std::chrono::steady_clock::now() > drain_deadline_)
      return Shutdown();
    stream_.expires_after(std::chrono::seconds(5));
    stream_.async_read_some(asio::buffer(drain_buf_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->Shutdown();
                              self->drained_ += n;
                              self->DrainMore();
                            });
  }

  void Shutdown() {
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  HttpServer::Impl& owner_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_;
  std::vector<char> drain_buf_;
  size_t drained_ = 0;
  std::chrono::steady_clock::time_point drain_deadline_;
};

// A refusal written on a fresh socket without blocking (the connection cap).
void Refuse(tcp::socket& socket, int status, std::string_view reason, std::string_view message) {
  std::string body = Response::Error(status, message).body;
  std::string text =
      "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(text), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

}  // namespace

std::string HttpServer::Impl::Listen(std::string addr_text, int port, bool* optional_skipped) {
  bool optional = !addr_text.empty() && addr_text[0] == '-';
  if (optional) addr_text.erase(0, 1);
  std::string shown = addr_text;
  if (addr_text == "*") addr_text = "0.0.0.0";
  if (addr_text == "::*") addr_text = "::";
  auto fail = [&](std::string_view what, const boost::system::error_code& ec) -> std::string {
    if (optional) {
      *optional_skipped = true;
      return "";
    }
    return "Could not create HTTP listening socket " + shown + ":" + std::to_string(port) + ": " +
           std::string(what) + ": " + ec.message();
  };
  boost::system::error_code ec;
  tcp::endpoint endpoint;
  auto addr = asio::ip::make_address(addr_text, ec);
  if (ec) {
    tcp::resolver resolver(*ioc);
    auto results = resolver.resolve(addr_text, std::to_string(port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) return fail("getaddrinfo", ec);
    endpoint = results.begin()->endpoint();
  } else {
    endpoint = tcp::endpoint(addr, static_cast<unsigned short>(port));
  }
  auto acceptor = std::make_unique<tcp::acceptor>(*ioc);
  acceptor->open(endpoint.protocol(), ec);
  if (ec) return fail("socket", ec);
  acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (endpoint.address().is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
  acceptor->bind(endpoint, ec);
  if (ec) return fail("bind", ec);
  acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen", ec);
  if (bound_port == 0) bound_port = acceptor->local_endpoint(ec).port();
  acceptors.push_back(std::move(acceptor));
  return "";
}

void HttpServer::Impl::DoAccept(tcp::acceptor* acceptor) {
  acceptor->async_accept(
      asio::make_strand(*ioc), [this, acceptor](boost::system::error_code ec, tcp::socket socket) {
        if (stopping || ec == asio::error::operation_aborted) return;
        if (ec) {
          // Out of descriptors or a transient error: try again shortly.
          net::LogWarning("Accepting HTTP connection: " + ec.message());
          auto timer = std::make_shared<asio::steady_timer>(*ioc, std::chrono::milliseconds(100));
          timer->async_wait([this, acceptor, timer](boost::system::error_code tec) {
            if (!tec && !stopping) DoAccept(acceptor);
          });
          return;
        }
        if (open_connections.load() >= state.config().maxclients.load()) {
          state.rejected_connections.fetch_add(1, std::memory_order_relaxed);
          Refuse(socket, 503, "Service Unavailable", "max number of HTTP connections reached");
        } else {
          open_connections.fetch_add(1, std::memory_order_relaxed);
          auto s = std::make_shared<HttpSession>(*this, std::move(socket));
          {
            std::lock_guard lk(sessions_mu);
            sessions.emplace(s.get(), s);
          }
          s->Start();
        }
        DoAccept(acceptor);
      });
}

HttpServer::HttpServer(ServerState& state, Dispatcher& dispatcher, HttpOptions opts)
    : impl_(std::make_unique<Impl>(state, dispatcher, std::move(opts))) {
  RegisterBuiltinRoutes(impl_->router, state, dispatcher);
}

HttpServer::~HttpServer() { Stop(); }

Router& HttpServer::router() { return impl_->router; }

int HttpServer::port() const { return impl_->bound_port.load(); }

std::string HttpServer::Start() {
  Impl& d = *impl_;
  std::lock_guard lk(d.life_mu);
  if (d.running) return "HTTP server already started";
  d.stopping = false;
  const int n = std::max(1, d.opts.threads);
  d.ioc = std::make_unique<asio::io_context>(n);
  d.bound_port = 0;
  std::vector<std::string> addrs = SplitWords(d.opts.bind);
  if (addrs.empty()) addrs.push_back("127.0.0.1");
  std::string err;
  for (auto& a : addrs) {
    bool skipped = false;
    err = d.Listen(a, d.bound_port ? d.bound_port.load() : d.opts.port, &skipped);
    if (!err.empty()) break;
  }
  if (err.empty() && d.acceptors.empty())
    err = "Could not bind any of the HTTP addresses: " + d.opts.bind;
  if (!err.empty()) {
    d.acceptors.clear();
    d.ioc.reset();
    d.bound_port = 0;
    return err;
  }
  d.guard.emplace(asio::make_work_guard(*d.ioc));
  for (auto& a : d.acceptors) d.DoAccept(a.get());
  for (int i = 0; i < n; ++i) {
    d.threads.emplace_back([&d] {
      for (;;) {
        try {
          d.ioc->run();
          break;
        } catch (const std::exception& e) {
          net::LogWarning(std::string("Unexpected exception in HTTP thread: ") + e.what());
        }
      }
    });
  }
  d.running = true;
  return "";
}

void HttpServer::Stop() {
  Impl& d = *impl_;
  if (d.OnOwnThread()) {
    // From a handler: stop accepting now; the owner's Stop() (or the destructor) joins.
    d.stopping = true;
    return;
  }
  std::lock_guard lk(d.life_mu);
  if (!d.running) return;
  d.stopping = true;
  asio::post(*d.ioc, [&d] {
    boost::system::error_code ec;
    for (auto& a : d.acceptors) a->close(ec);
  });
  std::vector<std::shared_ptr<HttpSession>> live;
  {
    std::lock_guard sl(d.sessions_mu);
    for (auto& [p, w] : d.sessions)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->Close();
#ifdef FINCACHE_HAVE_WS_SESSION
  CloseWebSocketSessions(*d.ioc);  // WebSocket clients left the HTTP sessions: close them too
#endif
  live.clear();
  d.guard.reset();
  // Every connection was asked to close; a thread still busy after a few seconds (a handler in a
  // long command) gets its pending operations cancelled by stopping the context.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!d.ioc->stopped() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  d.ioc->stop();
  for (auto& t : d.threads) t.join();
  d.threads.clear();
  d.acceptors.clear();
  d.ioc.reset();  // destroys queued handlers and with them the last sessions
  {
    std::lock_guard sl(d.sessions_mu);
    d.sessions.clear();
  }
  d.bound_port = 0;
  d.running = false;
}

}  // namespace fincache::http
