// _core.Server: serves an Engine over RESP (fincache::net::Server) and optionally HTTP
// (fincache::http::HttpServer) from inside the Python process.
// Network threads never touch Python objects, so they never need the GIL; starting and stopping
// (which joins the io threads) run with the GIL released.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>

#include "http/http_server.h"
#include "net/server.h"
#include "py_engine.h"

namespace fincache::py {

namespace pyb = pybind11;

class PyServer {
 public:
  // http_port < 0: no HTTP; 0: a free port.
  PyServer(std::shared_ptr<PyEngine> engine, std::string host, int port, int io_threads,
           int http_port)
      : engine_(std::move(engine)), host_(std::move(host)) {
    server_ = std::make_unique<net::Server>(
        engine_->state(), net::NetOptions{.bind = host_, .port = port, .io_threads = io_threads});
    if (http_port >= 0)
      http_ = std::make_unique<http::HttpServer>(
          engine_->state(), engine_->dispatcher(),
          http::HttpOptions{.bind = host_, .port = http_port, .threads = 2});
  }
  ~PyServer() {
    pyb::gil_scoped_release release;
    http_.reset();
    server_.reset();
  }

  // Binds and starts serving; raises OSError with the network layer's message on failure.
  void Start() {
    std::string err;
    {
      pyb::gil_scoped_release release;
      err = server_->Start();
      if (err.empty() && http_) {
        err = http_->Start();
        if (!err.empty()) server_->Stop();
      }
    }
    if (!err.empty()) {
      PyErr_SetString(PyExc_OSError, err.c_str());
      throw pyb::error_already_set();
    }
  }
  void Stop() {
    pyb::gil_scoped_release release;
    if (http_) http_->Stop();
    server_->Stop();
  }
  int port() const { return server_->port(); }
  // The bound HTTP port; None without HTTP.
  std::optional<int> http_port() const {
    if (!http_) return std::nullopt;
    return http_->port();
  }
  const std::string& host() const { return host_; }

 private:
  std::shared_ptr<PyEngine> engine_;  // outlives the server
  std::string host_;
  std::unique_ptr<net::Server> server_;
  std::unique_ptr<http::HttpServer> http_;
};

void RegisterServer(pyb::module_& m) {
  pyb::class_<PyServer>(m, "Server", "Serves an Engine over RESP (TCP) and HTTP from this process.")
      .def(pyb::init<std::shared_ptr<PyEngine>, std::string, int, int, int>(), pyb::arg("engine"),
           pyb::arg("host"), pyb::arg("port"), pyb::arg("io_threads"), pyb::arg("http_port") = -1)
      .def("start", &PyServer::Start)
      .def("stop", &PyServer::Stop)
      .def_property_readonly("port", &PyServer::port)
      .def_property_readonly("http_port", &PyServer::http_port)
      .def_property_readonly("host", &PyServer::host);
}

}  // namespace fincache::py
