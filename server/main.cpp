// fincache-server: the FinCache server process.
//
//   fincache-server [config-file] [--name value...]...   (like redis-server)
//
// Settings, in increasing priority: defaults < config file (redis.conf syntax; "-" reads stdin)
// < FINCACHE_<NAME> environment variables < --flags. A bad setting stops the start with
// "*** FATAL CONFIG ERROR *** ..." on stderr and exit code 1. SIGTERM/SIGINT shut down cleanly
// (exit 0); a second signal during shutdown exits at once with code 1, as Redis does.
#include <limits.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "commands/aof.h"
#include "commands/config.h"
#include "commands/dispatcher.h"
#include "commands/persistence.h"
#include "commands/server_state.h"
#include "common/version.h"
#include "http/http_server.h"
#include "net/log.h"
#include "net/server.h"
#include "process_settings.h"

namespace {

using fincache::Config;
using fincache::kRedisVersion;
using fincache::net::LogNotice;
using fincache::net::LogWarning;

void PrintVersion() {
  std::printf("fincache-server v=%s redis_version=%.*s\n", FINCACHE_VERSION,
              static_cast<int>(kRedisVersion.size()), kRedisVersion.data());
}

void PrintUsage() {
  std::fprintf(stderr,
               "Usage: fincache-server [/path/to/fincache.conf] [options] [-]\n"
               "       fincache-server - (read config from stdin)\n"
               "       fincache-server -v or --version\n"
               "       fincache-server -h or --help\n"
               "\n"
               "Options are any configuration setting, as --name value, e.g.\n"
               "  --port 6379 --bind 127.0.0.1 --databases 16 --requirepass secret --dir /data\n"
               "  --io-threads 4 --maxclients 10000 --timeout 0 --loglevel notice\n"
               "  --http-port 8080 (HTTP API, health, metrics; 0: no HTTP) --http-bind 127.0.0.1\n"
               "  --port 0 picks a free port (logged in the \"Running mode\" line); unlike Redis,\n"
               "  it does not turn TCP off\n"
               "\n"
               "Settings are applied in this order, later ones winning: the config file,\n"
               "FINCACHE_<SETTING> environment variables (e.g. FINCACHE_PORT=7000,\n"
               "FINCACHE_IO_THREADS=2), then the command-line options.\n"
               "\n"
               "Examples:\n"
               "  fincache-server (run the server with default config)\n"
               "  fincache-server /etc/fincache/6379.conf\n"
               "  fincache-server --port 7777\n"
               "  fincache-server /etc/myfincache.conf --loglevel verbose\n");
}

[[noreturn]] void FatalConfig(const std::string& where_and_what) {
  std::fprintf(stderr, "\n*** FATAL CONFIG ERROR *** %s\n", where_and_what.c_str());
  std::exit(1);
}

std::string RealPath(const std::string& p) {
  char buf[PATH_MAX];
  if (::realpath(p.c_str(), buf)) return buf;
  return p;
}

// Redis's adjustOpenFilesLimit: room for maxclients plus the server's own descriptors.
void AdjustOpenFilesLimit(int64_t maxclients) {
  rlim_t wanted = static_cast<rlim_t>(maxclients) + 32;
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
  struct rlimit raised = limit;
  raised.rlim_cur = wanted;
  if (raised.rlim_max < wanted) raised.rlim_max = wanted;
  if (setrlimit(RLIMIT_NOFILE, &raised) == 0) return;
  raised.rlim_max = limit.rlim_max;
  raised.rlim_cur = limit.rlim_max;
  if (limit.rlim_max > limit.rlim_cur) setrlimit(RLIMIT_NOFILE, &raised);
  getrlimit(RLIMIT_NOFILE, &limit);
  LogWarning("You requested maxclients of " + std::to_string(maxclients) + " requiring at least " +
             std::to_string(wanted) + " max file descriptors; the limit is " +
             std::to_string(limit.rlim_cur) +
             ": clients beyond it will fail to connect. Raise 'ulimit -n' to fix this.");
}

struct CommandLine {
  std::string config_file;  // "" none, "-" stdin
  std::vector<std::pair<std::string, std::vector<std::string>>> options;
};

// argv → config file + "--name value..." groups. A group runs until the next "--" argument.
CommandLine ParseCommandLine(int argc, char** argv) {
  CommandLine cl;
  int i = 1;
  if (argc > 1 && (argv[1][0] != '-' || std::string_view(argv[1]) == "-")) {
    cl.config_file = argv[1];
    i = 2;
  }
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-v" || a == "--version") {
      PrintVersion();
      std::exit(0);
    }
    if (a == "-h" || a == "--help") {
      PrintUsage();
      std::exit(0);
    }
    if (a.starts_with("--") && a.size() > 2) {
      cl.options.push_back({std::string(a.substr(2)), {}});
    } else if (!cl.options.empty()) {
      cl.options.back().second.emplace_back(a);
    } else if (a == "-" && cl.config_file.empty()) {
      cl.config_file = "-";
    } else {
      FatalConfig("'" + std::string(a) + "': expected a config file first, then --name value");
    }
  }
  return cl;
}

std::string ReadAll(std::istream& in) {
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void LoadSettings(Config& config, const CommandLine& cl) {
  if (!cl.config_file.empty()) {
    std::string text;
    if (cl.config_file == "-") {
      text = ReadAll(std::cin);
    } else {
      std::ifstream f(cl.config_file, std::ios::binary);
      if (!f)
        FatalConfig("can't open config file '" + cl.config_file + "': " + std::strerror(errno));
      text = ReadAll(f);
    }
    std::string err = config.LoadText(text);
    if (!err.empty()) FatalConfig("config file " + cl.config_file + " " + err);
  }
  std::string err = config.LoadEnvironment();
  if (!err.empty()) FatalConfig(err);
  for (auto& [name, values] : cl.options) {
    if (!config.Exists(name) || values.empty())
      FatalConfig("--" + name + ": Bad directive or wrong number of arguments");
    std::string value;
    for (size_t k = 0; k < values.size(); ++k) value += (k ? " " : "") + values[k];
    err = config.Set(name, value, /*at_startup=*/true);
    if (!err.empty()) FatalConfig("--" + name + " '" + value + "': " + err);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CommandLine cl = ParseCommandLine(argc, argv);

  auto config = std::make_unique<Config>();
  fincache::server::RegisterProcessSettings(*config);
  LoadSettings(*config, cl);

  LogNotice("oO0OoO0OoO0Oo FinCache is starting oO0OoO0OoO0Oo");
  LogNotice(std::string("FinCache version=") + FINCACHE_VERSION + ", redis_version=" +
            std::string(kRedisVersion) + ", bits=" + std::to_string(sizeof(void*) * 8) +
            ", pid=" + std::to_string(getpid()) + ", just started");
  LogNotice(cl.config_file.empty() ? "No config file specified, using the default config."
                                   : "Configuration loaded");
  AdjustOpenFilesLimit(config->maxclients.load());

  fincache::net::NetOptions net;
  net.bind = config->Get("bind").value_or("127.0.0.1");
  net.port = std::stoi(config->Get("port").value_or("6379"));
  net.io_threads = std::stoi(config->Get("io-threads").value_or("0"));
  fincache::http::HttpOptions http_opts;
  http_opts.bind = config->Get("http-bind").value_or("127.0.0.1");
  http_opts.port = std::stoi(config->Get("http-port").value_or("0"));
  http_opts.threads = std::stoi(config->Get("http-threads").value_or("2"));

  fincache::ServerState state(std::move(config), fincache::EngineOptions{});
  state.executable = RealPath("/proc/self/exe");
  if (!cl.config_file.empty() && cl.config_file != "-")
    state.config_file = RealPath(cl.config_file);

  // HTTP listens before the data loads, so /health and /ready (503 until the load is done)
  // answer during a long load; its other routes answer 503 LOADING meanwhile. A port that
  // can't be bound stops the start, as for RESP.
  fincache::Dispatcher http_dispatcher(state);
  std::unique_ptr<fincache::http::HttpServer> http;
  if (http_opts.port != 0) {
    http = std::make_unique<fincache::http::HttpServer>(state, http_dispatcher, http_opts);
    std::string herr = http->Start();
    if (!herr.empty()) {
      LogWarning("Warning: " + herr);
      LogWarning("Failed listening on HTTP port " + std::to_string(http_opts.port) +
                 " (tcp), aborting.");
      return 1;
    }
    LogNotice("HTTP front door listening on port " + std::to_string(http->port()) +
              " (threads=" + std::to_string(http_opts.threads) + ")");
  }

  // The data (the AOF with appendonly yes, else the snapshot) is loaded before RESP listens; a
  // bad file stops the start (never serve an empty dataset over a file that could not be read).
  {
    std::string load_err = fincache::LoadDataFromDisk(state, /*load_rdb=*/true);
    if (!load_err.empty()) {
      LogWarning(load_err);
      LogWarning("Fatal error loading the DB, check server logs. Exiting.");
      return 1;
    }
  }

  fincache::net::Server server(state, net);
  state.shutdown_hook = [&server] {
    LogWarning("User requested shutdown...");
    server.RequestStop();
  };
  std::string err = server.Start();
  if (!err.empty()) {
    LogWarning("Warning: " + err);
    LogWarning("Failed listening on port " + std::to_string(net.port) + " (tcp), aborting.");
    return 1;
  }

  // Signals are watched on a small context of their own, so a busy network thread never
  // delays a shutdown request.
  boost::asio::io_context signal_ctx(1);
  boost::asio::signal_set signals(signal_ctx, SIGINT, SIGTERM);
  int signals_seen = 0;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        const char* name = sig == SIGINT ? "SIGINT" : "SIGTERM";
        if (++signals_seen > 1) {
          LogWarning(std::string("You insist... exiting now (") + name + ").");
          std::_Exit(1);
        }
        LogWarning(std::string("Received ") + name + " scheduling shutdown...");
        server.RequestStop();
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  std::thread signal_thread([&] { signal_ctx.run(); });

  std::string pidfile = state.config().Get("pidfile").value_or("");
  if (!pidfile.empty()) fincache::server::WritePidFile(pidfile);

  LogNotice("Server initialized");
  LogNotice("Running mode=standalone, port=" + std::to_string(server.port()) +
            ", io-threads=" + std::to_string(state.io_threads.load()) + ".");
  LogNotice("Ready to accept connections tcp");

  server.Wait();
  if (http) http->Stop();

  signal_ctx.stop();
  signal_thread.join();
  // As Redis at shutdown (SIGTERM, or SHUTDOWN which did it already): the AOF written and
  // fsynced, and with save points configured a final foreground SAVE.
  if (!state.shutdown_prepared.load()) {
    fincache::ExecGate::Exclusive excl(state.engine().gate());
    if (!fincache::PrepareForShutdown(state, 0)) return 1;
  }
  if (!pidfile.empty()) ::unlink(pidfile.c_str());
  LogWarning("FinCache is now ready to exit, bye bye...");
  return 0;
}
