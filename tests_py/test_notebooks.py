"""notebooks/*.ipynb: stored without outputs, and each runs top to bottom (nbclient) on a kernel
of this venv's Python, with no network.

The kernel is this interpreter (``sys.executable``) through a kernel spec written for the test
(``JUPYTER_PATH`` points at it first), so a user-wide ``python3`` kernel of another Python can't
be picked up. Notebooks run in a temporary directory.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT_S = 60
# Each notebook runs in well under a minute; the bound leaves room for a loaded machine.
NOTEBOOK_BUDGET_S = 90


def test_there_are_notebooks():
    names = [p.stem for p in NOTEBOOKS]
    assert names == ["01_quickstart", "02_market_data_vwap", "03_fraud_detection",
                     "04_order_book", "05_embedded_and_server"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs (strip them)"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"
    assert book.metadata.kernelspec.name == "python3"


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    spec_dir = tmp_path / "jupyter" / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (fincache tests)",
        "language": "python",
    }))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    return run_dir


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, kernel_env):
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        book, timeout=CELL_TIMEOUT_S, kernel_name="python3", allow_errors=False,
        resources={"metadata": {"path": str(kernel_env)}},
    )
    start = time.monotonic()
    client.execute()
    elapsed = time.monotonic() - start
    assert elapsed < NOTEBOOK_BUDGET_S, f"{path.name} took {elapsed:.1f} s"
    code = [c for c in book.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    # Plots are shown as PNG images.
    if any("matplotlib" in c.source for c in code):
        images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
        assert images, f"{path.name} shows no plot"
