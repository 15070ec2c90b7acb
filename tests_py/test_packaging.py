"""What ``pip install .`` puts in place (``make build`` installs the package that way): the
module and its native extension, the type stubs (kept in step with the native module and the
package's exports), the pytest plugin's entry point, the Lua scripts, ``fincache-server`` and
``python -m fincache``, and a version attribute matching the package metadata."""

from __future__ import annotations

import ast
import importlib.metadata as md
import os
import subprocess
import sys
from pathlib import Path

import fincache
from fincache import _core

PKG = Path(fincache.__file__).resolve().parent


def installed_files():
    return {str(f).replace(os.sep, "/") for f in md.files("fincache") or ()}


def test_version_matches_the_distribution():
    assert fincache.__version__ == md.version("fincache") == _core.__version__


def test_package_data_stubs_and_typed_marker_are_installed():
    files = installed_files()
    for name in ("__init__.pyi", "_core.pyi", "py.typed", "pytest_plugin.py", "asyncio.py",
                 "lua/vwap.lua", "lua/fraud_velocity.lua", "lua/portfolio_value.lua"):
        assert f"fincache/{name}" in files, name
        assert (PKG / name).is_file(), name
    assert any(f.startswith("fincache/_core") and f.endswith((".so", ".pyd")) for f in files)


def test_pytest_plugin_entry_point():
    eps = [e for e in md.entry_points(group="pytest11") if e.name == "fincache"]
    assert len(eps) == 1 and eps[0].value == "fincache.pytest_plugin"
    assert eps[0].dist is not None and eps[0].dist.name == "fincache"


def test_fincache_server_is_installed_and_runs():
    server = Path(sys.executable).with_name("fincache-server")
    assert server.is_file() and os.access(server, os.X_OK)
    out = subprocess.run([str(server), "--version"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and fincache.__version__ in out.stdout
    out = subprocess.run([sys.executable, "-m", "fincache", "--version"], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0 and fincache.__version__ in out.stdout


def stub_names(path: Path):
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return tree, names


def test_core_stub_covers_the_native_module():
    _, names = stub_names(PKG / "_core.pyi")
    public = {n for n in dir(_core) if not n.startswith("_")} | {"__version__"}
    assert public <= names, f"missing from _core.pyi: {sorted(public - names)}"
    # Methods of the classes too.
    tree, _ = stub_names(PKG / "_core.pyi")
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            declared = {f.name for f in node.body if isinstance(f, ast.FunctionDef)}
            native = {n for n in dir(getattr(_core, node.name)) if not n.startswith("_")}
            assert native <= declared, f"_core.{node.name}: {sorted(native - declared)}"


def test_package_stub_exports_what_the_package_exports():
    tree, names = stub_names(PKG / "__init__.pyi")
    stub_all = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets))
    assert sorted(stub_all) == sorted(fincache.__all__)
    assert set(fincache.__all__) <= names


def test_new_api_is_annotated():
    # The pure-Python parts carry their annotations inline (py.typed); spot-check the new API.
    import inspect

    for obj in (fincache.Cache.register_command, fincache.Cache.unregister_command,
                fincache.Cache.zrange_arrays, fincache.Redis.register_command):
        sig = inspect.signature(obj)
        assert sig.return_annotation is not inspect.Signature.empty, obj
