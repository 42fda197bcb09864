"""The notebooks run top to bottom, and the committed copies are clean and in run order."""

from __future__ import annotations

import os

import nbformat
import pytest

from toolkit.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
#: Notebooks that read only the embedded interview; all others need the UN corpora.
EMBEDDED_ONLY = {"02-interview-voices.ipynb"}


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:1] == ["01-corpus.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_is_clean_and_in_run_order(path):
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "re-run the notebook top to bottom before committing"
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert nb.cells[0].cell_type == "markdown" and "Research question" in nb.cells[0].source
    assert nb.cells[-1].cell_type == "markdown" and nb.cells[-1].source.startswith("## Findings")
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "def " not in sources and "../" not in sources  # thin notebooks: logic and paths live in toolkit


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path, request):
    from nbclient import NotebookClient

    if path.name not in EMBEDDED_ONLY:
        request.getfixturevalue("data_dir")  # skips with the reason when TOOLKIT_DATA is unset
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}
    )
    client.execute(env=dict(os.environ))
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
