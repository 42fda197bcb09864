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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_that_draws_shows_its_figure(path):
    """A cell that calls study.draw_figure or a tk.plot_ function has a picture among its outputs (issue 17:
    the second and later figures of a session were drawn but never shown)."""
    nb = nbformat.read(path, as_version=4)
    drawing = [c for c in nb.cells if c.cell_type == "code" and ("draw_figure(" in c.source or "tk.plot_" in c.source)]
    blind = [c.source.splitlines()[0] for c in drawing if not any("image/png" in o.get("data", {}) for o in c.outputs)]
    assert not blind, f"cells that draw but show nothing: {blind}"


def test_a_session_shows_every_figure_it_draws():
    """In a kernel, the second draw_figure of a session is shown too (pyplot set up before the style context)."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    draw = "study.draw_figure('interview_voices', study.interview_voices(docs), docs);"
    nb.cells = [
        nbformat.v4.new_code_cell("import toolkit as tk\nfrom toolkit import study\ndocs = tk.load_interview()"),
        nbformat.v4.new_code_cell(draw),
        nbformat.v4.new_code_cell(draw),
        nbformat.v4.new_code_cell("tk.plot_bar(study.interview_voices(docs), value='words', label='voice');"),
    ]
    NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    shown = [any("image/png" in o.get("data", {}) for o in c.outputs) for c in nb.cells[1:]]
    assert shown == [True, True, True]
