// Server: the RESP front door over TCP (Boost.Asio). One io_context per thread, N threads;
// accepted connections are spread round-robin over them, and each connection stays on its
// thread for life. One more thread accepts (and runs a once-a-second cron), so new clients are
// registered promptly however busy the network threads are. Every command goes through one
// Dispatcher shared by all connections.
//
// Used by fincache-server (server/main.cpp) and by the Python bindings (fincache.Server), so a
// process may start and stop many servers: nothing here is global (no signal handlers, no
// process-wide state besides the log).
//
// Settings read from state.config() as they change: maxclients, timeout, tcp-keepalive,
// protected-mode, proto-max-bulk-len, requirepass; at Start(): tcp-backlog.
#pragma once

#include <memory>
#include <string>

namespace fincache {
class ServerState;
}

namespace fincache::net {

struct NetOptions {
  // Space-separated addresses, as Redis's `bind`; a leading '-' marks an address that may be
  // unavailable (skipped instead of failing), e.g. "127.0.0.1 -::1".
  std::string bind = "127.0.0.1";
  int port = 6379;     // 0 picks a free port (see port())
  int io_threads = 0;  // 0 = hardware cores
};

class Server {
 public:
  Server(ServerState& state, NetOptions opts);
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens, starts the io threads. "" on success, else an error text such as
  // "Could not create server TCP listening socket 127.0.0.1:6379: bind: Address already in use".
  // If state.shutdown_hook is empty, installs one that calls RequestStop() (removed by Stop()).
  std::string Start();
  // The bound port (the one picked when NetOptions::port was 0); 0 before Start().
  int port() const;
  // Stops accepting, closes every connection, joins the threads. Idempotent, thread-safe.
  // Called from one of the server's own io threads (a command handler) it only requests the stop;
  // Wait() or the destructor completes it.
  void Stop();
  // Asks Wait() to return (and stop the server); async, callable from any thread.
  void RequestStop();
  // Blocks until Stop() or RequestStop() (the shutdown hook), then completes the stop.
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fincache::net
