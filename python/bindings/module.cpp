// fincache._core: the pybind11 module. Bindings only; the Python API lives in python/fincache.
#include <pybind11/pybind11.h>

namespace fincache::py {
void RegisterEngine(pybind11::module_& m);
void RegisterServer(pybind11::module_& m);
void RegisterPubSub(pybind11::module_& m);
void RegisterLoopback(pybind11::module_& m);
void RegisterNumpy(pybind11::module_& m);
void RegisterCommands(pybind11::module_& m);
}  // namespace fincache::py

PYBIND11_MODULE(_core, m) {
  m.doc() = "FinCache native engine (private; use the fincache package)";
  m.attr("__version__") = FINCACHE_VERSION;
  fincache::py::RegisterEngine(m);
  fincache::py::RegisterServer(m);
  fincache::py::RegisterPubSub(m);
  fincache::py::RegisterLoopback(m);
  fincache::py::RegisterNumpy(m);
  fincache::py::RegisterCommands(m);
}
