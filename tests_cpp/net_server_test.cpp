// net::Server in-process: the way the Python bindings use it (start and stop many times in one
// process, stop with clients connected, CLIENT KILL's path from another thread, the shutdown
// hook). Over real loopback sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "commands/server_state.h"
#include "net/server.h"

namespace fincache::net {
namespace {

// A blocking loopback client with a receive timeout.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  void Send(std::string_view s) {
    ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), (ssize_t)s.size());
  }
  // Reads until `n` bytes arrived, EOF, or the timeout.
  std::string Read(size_t n, int timeout_ms = 3000) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (out.size() < n) {
      int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      deadline - std::chrono::steady_clock::now())
                                      .count());
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, left) <= 0) break;
      char buf[4096];
      ssize_t r = ::recv(fd_, buf, sizeof(buf), 0);
      if (r <= 0) {
        eof_ = true;
        break;
      }
      out.append(buf, r);
    }
    return out;
  }
  bool eof() const { return eof_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
};

class NetServerTest : public ::testing::Test {
 protected:
  NetServerTest() : state_(std::make_unique<Config>(), EngineOptions{}) {}
  NetOptions Opts(int threads = 2) {
    NetOptions o;
    o.bind = "127.0.0.1";
    o.port = 0;
    o.io_threads = threads;
    return o;
  }
  // Waits until `n` network clients are registered.
  bool WaitClients(size_t n) {
    for (int i = 0; i < 300; ++i) {
      if (state_.clients().size() == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  ServerState state_;
};

TEST_F(NetServerTest, StartServeStopManyTimes) {
  for (int round = 0; round < 25; ++round) {
    Server server(state_, Opts(1 + round % 3));
    ASSERT_EQ(server.Start(), "");
    ASSERT_GT(server.port(), 0);
    EXPECT_EQ(state_.tcp_port.load(), server.port());
    Client c(server.port());
    ASSERT_TRUE(c.connected());
    c.Send("PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n");
    EXPECT_EQ(c.Read(15), "+PONG\r\n$2\r\nhi\r\n");
    if (round % 2) server.Stop();  // else the destructor stops it
  }
  EXPECT_TRUE(WaitClients(0));
}

TEST_F(NetServerTest, StopIsIdempotentAndClosesClients) {
  Server server(state_, Opts());
  ASSERT_EQ(server.Start(), "");
  Client idle(server.port()), mid(server.port());
  mid.Send("*2\r\n$4\r\nECHO\r\n$100\r\nabc");  // half a command
  ASSERT_TRUE(WaitClients(2));
  auto t0 = std::chrono::steady_clock::now();
  std::thread other([&] { server.Stop(); });
  server.Stop();
  other.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  idle.Read(1, 2000);
  EXPECT_TRUE(idle.eof());
  mid.Read(1, 2000);
  EXPECT_TRUE(mid.eof());
  EXPECT_EQ(state_.clients().size(), 0u);
  server.Stop();
  // Restart on the same object.
  ASSERT_EQ(server.Start(), "");
  Client again(server.port());
  again.Send("PING\r\n");
  EXPECT_EQ(again.Read(7), "+PONG\r\n");
}

TEST_F(NetServerTest, PortInUse) {
  Server a(state_, Opts());
  ASSERT_EQ(a.Start(), "");
  NetOptions o = Opts();
  o.port = a.port();
  Server b(state_, o);
  std::string err = b.Start();
  EXPECT_NE(err.find("Could not create server TCP listening socket 127.0.0.1:" +
                     std::to_string(a.port())),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("Address already in use"), std::string::npos) << err;
  EXPECT_EQ(b.port(), 0);
}

TEST_F(NetServerTest, KillFromAnotherThreadAfterPendingReplies) {
  Server server(state_, Opts());
  ASSERT_EQ(server.Start(), "");
  Client c(server.port());
  c.Send("PING\r\n");
  EXPECT_EQ(c.Read(7), "+PONG\r\n");
  ASSERT_TRUE(WaitClients(1));
  state_.clients().ForEach([](Session& s) {
    EXPECT_TRUE(s.is_network);
    EXPECT_TRUE(s.authenticated);  // no requirepass
    EXPECT_EQ(s.addr.rfind("127.0.0.1:", 0), 0u);
    EXPECT_EQ(s.laddr.rfind("127.0.0.1:", 0), 0u);
    EXPECT_GE(s.fd, 0);
    EXPECT_EQ(s.total_bytes_in.load(), 6u);
    ASSERT_NE(s.control, nullptr);
    s.control->Kill();
  });
  c.Read(1, 2000);
  EXPECT_TRUE(c.eof());
  EXPECT_TRUE(WaitClients(0));
  EXPECT_GE(state_.total_connections.load(), 1u);
  EXPECT_GE(state_.net_input_bytes.load(), 6u);
  EXPECT_GE(state_.net_output_bytes.load(), 7u);
}

TEST_F(NetServerTest, ShutdownHookReleasesWait) {
  Server server(state_, Opts());
  ASSERT_EQ(server.Start(), "");
  ASSERT_TRUE(static_cast<bool>(state_.shutdown_hook));
  const int port = server.port();
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    state_.shutdown_hook();
  });
  server.Wait();
  t.join();
  EXPECT_FALSE(static_cast<bool>(state_.shutdown_hook));  // the server's own hook is removed
  Client c(port);
  EXPECT_FALSE(c.connected());  // no longer listening
}

TEST_F(NetServerTest, RequirePassStartsUnauthenticated) {
  ASSERT_EQ(state_.config().Set("requirepass", "pw"), "");
  Server server(state_, Opts());
  ASSERT_EQ(server.Start(), "");
  Client c(server.port());
  c.Send("GET k\r\n");
  EXPECT_EQ(c.Read(34), "-NOAUTH Authentication required.\r\n");
}

TEST_F(NetServerTest, MaxClients) {
  ASSERT_EQ(state_.config().Set("maxclients", "1"), "");
  Server server(state_, Opts());
  ASSERT_EQ(server.Start(), "");
  Client a(server.port());
  a.Send("PING\r\n");
  EXPECT_EQ(a.Read(7), "+PONG\r\n");
  Client b(server.port());
  EXPECT_EQ(b.Read(100), "-ERR max number of clients reached\r\n");
  EXPECT_TRUE(b.eof());
  EXPECT_EQ(state_.rejected_connections.load(), 1u);
}

}  // namespace
}  // namespace fincache::net
