// _core.Server: serves an Engine over RESP (fincache::net::Server) from inside the Python process.
// Network threads never touch Python objects, so they never need the GIL; starting and stopping
// (which joins the io threads) run with the GIL released.
#include <pybind11/pybind11.h>

#include <memory>
#include <string>

#include "net/server.h"
#include "py_engine.h"

namespace fincache::py {

namespace pyb = pybind11;

class PyServer {
 public:
  PyServer(std::shared_ptr<PyEngine> engine, std::string host, int port, int io_threads)
      : engine_(std::move(engine)), host_(std::move(host)) {
    server_ = std::make_unique<net::Server>(
        engine_->state(), net::NetOptions{.bind = host_, .port = port, .io_threads = io_threads});
  }
  ~PyServer() {
    pyb::gil_scoped_release release;
    server_.reset();
  }

  // Binds and starts serving; raises OSError with the network layer's message on failure.
  void Start() {
    std::string err;
    {
      pyb::gil_scoped_release release;
      err = server_->Start();
    }
    if (!err.empty()) {
      PyErr_SetString(PyExc_OSError, err.c_str());
      throw pyb::error_already_set();
    }
  }
  void Stop() {
    pyb::gil_scoped_release release;
    server_->Stop();
  }
  int port() const { return server_->port(); }
  const std::string& host() const { return host_; }

 private:
  std::shared_ptr<PyEngine> engine_;  // outlives the server
  std::string host_;
  std::unique_ptr<net::Server> server_;
};

void RegisterServer(pyb::module_& m) {
  pyb::class_<PyServer>(m, "Server", "Serves an Engine over RESP (TCP) from this process.")
      .def(pyb::init<std::shared_ptr<PyEngine>, std::string, int, int>(), pyb::arg("engine"),
           pyb::arg("host"), pyb::arg("port"), pyb::arg("io_threads"))
      .def("start", &PyServer::Start)
      .def("stop", &PyServer::Stop)
      .def_property_readonly("port", &PyServer::port)
      .def_property_readonly("host", &PyServer::host);
}

}  // namespace fincache::py
