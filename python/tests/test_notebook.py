"""examples/notebook.ipynb runs: its code cells, in order, in one namespace, from
examples/ (as Jupyter runs them), with matplotlib drawing off screen."""

import json
import os

import pytest

from conftest import REPO

NOTEBOOK = REPO / "examples" / "notebook.ipynb"


def test_the_notebook_runs(monkeypatch):
    if not os.environ.get("CI"):
        pytest.importorskip("matplotlib")
        pytest.importorskip("pandas")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells = [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    assert len(cells) == 4
    monkeypatch.chdir(NOTEBOOK.parent)
    namespace = {}
    for k, cell in enumerate(cells):
        exec(compile("".join(cell["source"]), f"{NOTEBOOK.name} cell {k}", "exec"), namespace)
    plt.close("all")
    assert len(namespace["variants"]) == 50
    # The variants differ: a larger effect makes the claimed savings likelier.
    v = namespace["variants"]
    assert v.p_savings_claim_met.iloc[-1] > v.p_savings_claim_met.iloc[0]
    assert len(namespace["joined"]) == len(namespace["areas"])
