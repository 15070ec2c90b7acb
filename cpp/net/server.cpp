#include "net/server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
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
#include "net/connection.h"
#include "net/log.h"

namespace fincache::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr std::string_view kMaxClientsErr = "-ERR max number of clients reached\r\n";
// Redis 7.0's text, verbatim (including its "Setup a an").
constexpr std::string_view kProtectedModeErr =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no password "
    "is set for the default user. In this mode connections are only accepted from the loopback "
    "interface. If you want to connect from external computers to Redis you may adopt one of the "
    "following solutions: 1) Just disable protected mode sending the command 'CONFIG SET "
    "protected-mode no' from the loopback interface by connecting to Redis from the same host the "
    "server is running, however MAKE SURE Redis is not publicly accessible from internet if you "
    "do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just "
    "disable the protected mode by editing the Redis configuration file, and setting the "
    "protected mode option to 'no', and then restarting the server. 3) If you started the server "
    "manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an "
    "authentication password for the default user. NOTE: You only need to do one of the above "
    "things in order for the server to start accepting connections from the outside.\r\n";

int64_t ConfigInt(Config& config, std::string_view name, int64_t fallback) {
  auto v = config.Get(name);
  int64_t out;
  if (!v || !ParseInt64(*v, &out)) return fallback;
  return out;
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

bool ConfigBool(Config& config, std::string_view name, bool fallback) {
  auto v = config.Get(name);
  if (!v) return fallback;
  return *v == "yes";
}

// Redis's connIsLocal: loopback addresses only.
bool IsLoopback(const asio::ip::address& a) {
  if (a.is_v4()) return a.to_v4().is_loopback();
  auto v6 = a.to_v6();
  if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).is_loopback();
  return v6.is_loopback();
}

// Writes a short refusal on a fresh socket without blocking, then closes it.
void RefuseConnection(tcp::socket& socket, std::string_view text) {
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(text.data(), text.size()), ec);
  socket.close(ec);
}

// SO_KEEPALIVE with Redis's timing: idle `interval` seconds, probes every interval/3, 3 probes.
void SetKeepAlive(tcp::socket& socket, int interval) {
  boost::system::error_code ec;
  socket.set_option(asio::socket_base::keep_alive(true), ec);
  int fd = socket.native_handle();
  int idle = interval;
  int intvl = std::max(1, interval / 3);
  int cnt = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

}  // namespace

struct Server::Impl final : ConnectionOwner {
  Impl(ServerState& s, NetOptions o) : state_(s), opts_(std::move(o)), dispatcher_(s) {}

  ServerState& state() override { return state_; }
  Dispatcher& dispatcher() override { return dispatcher_; }

  void Forget(Connection* c) override {
    conn_count_.fetch_sub(1, std::memory_order_relaxed);
    std::lock_guard lk(conns_mu_);
    conns_.erase(c);
  }

  std::string Start();
  void Stop();
  void RequestStop() {
    std::lock_guard lk(wait_mu_);
    stop_requested_ = true;
    wait_cv_.notify_all();
  }
  void Wait();

  bool OnIoThread() const {
    auto me = std::this_thread::get_id();
    std::lock_guard lk(ids_mu_);
    for (auto& id : thread_ids_)
      if (id == me) return true;
    return false;
  }

  std::string Listen(std::string addr_text, int port, int backlog, bool* optional_skipped);
  void DoAccept(tcp::acceptor* acceptor);
  void OnAccept(tcp::acceptor* acceptor, const boost::system::error_code& ec, tcp::socket socket);
  // Strong references to the open connections. Taken under conns_mu_ but released outside it:
  // dropping the last reference runs ~Connection, which calls Forget (takes conns_mu_).
  std::vector<std::shared_ptr<Connection>> LiveConnections() {
    std::vector<std::shared_ptr<Connection>> out;
    std::lock_guard lk(conns_mu_);
    out.reserve(conns_.size());
    for (auto& [ptr, weak] : conns_)
      if (auto c = weak.lock()) out.push_back(std::move(c));
    return out;
  }
  void ScheduleCron();
  void Cron();
  void RunThread(asio::io_context* ioc);

  ServerState& state_;
  NetOptions opts_;
  Dispatcher dispatcher_;

  std::mutex life_mu_;  // serializes Start/Stop
  bool running_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<int> bound_port_{0};
  bool installed_hook_ = false;

  // Accepting (and the once-a-second cron) has a thread of its own, so a new client is listed as
  // soon as the kernel completes its handshake, even while every network thread is busy: a
  // CLIENT KILL or CLIENT LIST sent right after another client connected sees it, as in Redis.
  std::unique_ptr<asio::io_context> accept_ioc_;
  std::vector<std::unique_ptr<asio::io_context>> ios_;  // one per network thread
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  mutable std::mutex ids_mu_;
  std::vector<std::thread::id> thread_ids_;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::unique_ptr<asio::steady_timer> cron_;
  std::unique_ptr<asio::steady_timer> accept_retry_;
  std::atomic<size_t> next_io_{0};

  std::mutex conns_mu_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> conns_;
  std::atomic<int64_t> conn_count_{0};

  std::mutex wait_mu_;
  std::condition_variable wait_cv_;
  bool stop_requested_ = false;
  int running_threads_ = 0;  // guarded by wait_mu_
};

std::string Server::Impl::Listen(std::string addr_text, int port, int backlog,
                                 bool* optional_skipped) {
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
    return "Could not create server TCP listening socket " + shown + ":" + std::to_string(port) +
           ": " + std::string(what) + ": " + ec.message();
  };
  boost::system::error_code ec;
  tcp::endpoint endpoint;
  auto addr = asio::ip::make_address(addr_text, ec);
  if (ec) {
    tcp::resolver resolver(*accept_ioc_);
    auto results = resolver.resolve(addr_text, std::to_string(port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) return fail("getaddrinfo", ec);
    endpoint = results.begin()->endpoint();
  } else {
    endpoint = tcp::endpoint(addr, static_cast<unsigned short>(port));
  }
  auto acceptor = std::make_unique<tcp::acceptor>(*accept_ioc_);
  acceptor->open(endpoint.protocol(), ec);
  if (ec) return fail("socket", ec);
  acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (endpoint.address().is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
  acceptor->bind(endpoint, ec);
  if (ec) return fail("bind", ec);
  acceptor->listen(backlog, ec);
  if (ec) return fail("listen", ec);
  if (bound_port_ == 0) bound_port_ = acceptor->local_endpoint(ec).port();
  acceptors_.push_back(std::move(acceptor));
  return "";
}

std::string Server::Impl::Start() {
  std::lock_guard lk(life_mu_);
  if (running_) return "server already started";
  stopping_ = false;
  {
    std::lock_guard wl(wait_mu_);
    stop_requested_ = false;
  }
  int n = opts_.io_threads > 0
              ? opts_.io_threads
              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  accept_ioc_ = std::make_unique<asio::io_context>(1);
  for (int i = 0; i < n; ++i) ios_.push_back(std::make_unique<asio::io_context>(1));

  int backlog = static_cast<int>(ConfigInt(state_.config(), "tcp-backlog", 511));
  bound_port_ = 0;
  std::vector<std::string> addrs;
  for (auto& a : SplitWords(opts_.bind)) addrs.push_back(a);
  if (addrs.empty()) addrs.push_back("127.0.0.1");
  std::string err;
  for (auto& a : addrs) {
    bool skipped = false;
    // With port 0, the first address picks the port and the others reuse it.
    err = Listen(a, bound_port_ ? bound_port_.load() : opts_.port, backlog, &skipped);
    if (!err.empty()) break;
  }
  if (err.empty() && acceptors_.empty()) err = "Could not bind any of the addresses: " + opts_.bind;
  if (!err.empty()) {
    acceptors_.clear();
    ios_.clear();
    accept_ioc_.reset();
    bound_port_ = 0;
    return err;
  }

  guards_.push_back(asio::make_work_guard(*accept_ioc_));
  for (auto& ioc : ios_) guards_.push_back(asio::make_work_guard(*ioc));
  cron_ = std::make_unique<asio::steady_timer>(*accept_ioc_);
  accept_retry_ = std::make_unique<asio::steady_timer>(*accept_ioc_);
  for (auto& a : acceptors_) DoAccept(a.get());
  ScheduleCron();
  {
    std::lock_guard wl(wait_mu_);
    running_threads_ = n + 1;
  }
  threads_.emplace_back([this] { RunThread(accept_ioc_.get()); });
  for (auto& ioc : ios_) threads_.emplace_back([this, p = ioc.get()] { RunThread(p); });
  {
    std::lock_guard il(ids_mu_);
    for (auto& t : threads_) thread_ids_.push_back(t.get_id());
  }
  state_.tcp_port = bound_port_.load();
  state_.io_threads = n;
  if (!state_.shutdown_hook) {
    state_.shutdown_hook = [this] { RequestStop(); };
    installed_hook_ = true;
  }
  running_ = true;
  return "";
}

void Server::Impl::RunThread(asio::io_context* ioc) {
  for (;;) {
    try {
      ioc->run();
      break;
    } catch (const std::exception& e) {
      // A handler threw: log it and keep serving the other connections.
      LogWarning(std::string("Unexpected exception in network thread: ") + e.what());
    }
  }
  std::lock_guard lk(wait_mu_);
  --running_threads_;
  wait_cv_.notify_all();
}

void Server::Impl::DoAccept(tcp::acceptor* acceptor) {
  auto& ioc = *ios_[next_io_.fetch_add(1, std::memory_order_relaxed) % ios_.size()];
  acceptor->async_accept(ioc,
                         [this, acceptor](const boost::system::error_code& ec, tcp::socket socket) {
                           OnAccept(acceptor, ec, std::move(socket));
                         });
}

void Server::Impl::OnAccept(tcp::acceptor* acceptor, const boost::system::error_code& ec,
                            tcp::socket socket) {
  if (stopping_ || ec == asio::error::operation_aborted) return;
  if (ec) {
    // Out of descriptors or a transient error: retry shortly instead of spinning.
    LogWarning("Accepting client connection: " + ec.message());
    accept_retry_->expires_after(std::chrono::milliseconds(100));
    accept_retry_->async_wait([this, acceptor](const boost::system::error_code& tec) {
      if (!tec && !stopping_) DoAccept(acceptor);
    });
    return;
  }
  Config& config = state_.config();
  boost::system::error_code eec;
  auto remote = socket.remote_endpoint(eec);
  if (eec) {
    socket.close(eec);
  } else if (conn_count_.load() >= config.maxclients.load()) {
    state_.rejected_connections.fetch_add(1, std::memory_order_relaxed);
    RefuseConnection(socket, kMaxClientsErr);
  } else if (ConfigBool(config, "protected-mode", false) && !config.has_requirepass.load() &&
             !IsLoopback(remote.address())) {
    RefuseConnection(socket, kProtectedModeErr);
  } else {
    boost::system::error_code oec;
    socket.set_option(tcp::no_delay(true), oec);
    int keepalive = static_cast<int>(ConfigInt(config, "tcp-keepalive", 300));
    if (keepalive > 0) SetKeepAlive(socket, keepalive);
    auto conn = std::make_shared<Connection>(*this, std::move(socket));
    conn_count_.fetch_add(1, std::memory_order_relaxed);
    state_.total_connections.fetch_add(1, std::memory_order_relaxed);
    {
      std::lock_guard lk(conns_mu_);
      conns_.emplace(conn.get(), conn);
    }
    conn->Register();
    asio::post(conn->executor(), [conn] { conn->Start(); });
  }
  DoAccept(acceptor);
}

void Server::Impl::ScheduleCron() {
  cron_->expires_after(std::chrono::seconds(1));
  cron_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    Cron();
    ScheduleCron();
  });
}

// Once a second: close clients idle for longer than `timeout` seconds (0 = never), as Redis's
// clientsCronHandleTimeout does.
// Blocked clients are exempt, as in Redis (pub/sub ones must be too when it arrives).
void Server::Impl::Cron() {
  int64_t timeout = ConfigInt(state_.config(), "timeout", 0);
  if (timeout <= 0) return;
  int64_t now = state_.engine().clock().NowMs();
  for (auto& c : LiveConnections()) {
    if (state_.engine().blocking().IsBlocked(c->session().id)) continue;  // as Redis
    if (now - c->session().last_interaction_ms.load() > timeout * 1000)
      asio::post(c->executor(), [c] { c->Close(); });
  }
}

void Server::Impl::Stop() {
  if (OnIoThread()) {
    RequestStop();
    return;
  }
  std::lock_guard lk(life_mu_);
  if (!running_) {
    RequestStop();
    return;
  }
  stopping_ = true;
  asio::post(*accept_ioc_, [this] {
    boost::system::error_code ec;
    for (auto& a : acceptors_) a->close(ec);
    cron_->cancel();
    accept_retry_->cancel();
  });
  for (auto& c : LiveConnections()) asio::post(c->executor(), [c] { c->Close(); });
  guards_.clear();
  state_.script_run().Abort();  // a looping script would keep its thread forever
  {
    // Everything was asked to finish; a thread still busy after a few seconds (a stuck handler
    // cannot be interrupted, but pending operations can) gets its io_context stopped.
    std::unique_lock wl(wait_mu_);
    if (!wait_cv_.wait_for(wl, std::chrono::seconds(5), [this] { return running_threads_ == 0; })) {
      accept_ioc_->stop();
      for (auto& ioc : ios_) ioc->stop();
    }
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
  {
    std::lock_guard il(ids_mu_);
    thread_ids_.clear();
  }
  acceptors_.clear();
  cron_.reset();
  accept_retry_.reset();
  // Destroying the contexts destroys any handler still queued, and with them the last
  // references to their connections (whose destructors unregister them). The accept context
  // goes first: a pending accept holds a socket of one of the network contexts.
  accept_ioc_.reset();
  ios_.clear();
  {
    std::lock_guard cl(conns_mu_);
    conns_.clear();
  }
  if (installed_hook_) {
    state_.shutdown_hook = nullptr;
    installed_hook_ = false;
  }
  state_.tcp_port = 0;
  running_ = false;
  RequestStop();
}

void Server::Impl::Wait() {
  {
    std::unique_lock lk(wait_mu_);
    wait_cv_.wait(lk, [this] { return stop_requested_; });
  }
  Stop();
}

Server::Server(ServerState& state, NetOptions opts)
    : impl_(std::make_unique<Impl>(state, std::move(opts))) {}

Server::~Server() { Stop(); }

std::string Server::Start() { return impl_->Start(); }
int Server::port() const { return impl_->bound_port_.load(); }
void Server::Stop() { impl_->Stop(); }
void Server::RequestStop() { impl_->RequestStop(); }
void Server::Wait() { impl_->Wait(); }

}  // namespace fincache::net
