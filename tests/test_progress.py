"""Progress bars of the long loops (toolkit._progress): drawn only where someone sees them and only for loops that
last, counting what the loop does, and never changing a result."""

from __future__ import annotations

import io
import types

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit import _progress, _rating, cli

DOCS = pd.DataFrame(
    {
        "doc_id": [f"d{i}" for i in range(8)],
        "text": [
            "Perhaps we may agree on the nuclear treaty talks.",
            "We firmly oppose nuclear weapons. It is possible that talks would help.",
            "Climate finance is clearly needed; we must act on emissions.",
            "We think climate adaptation might work, perhaps.",
            "Nuclear verification will certainly succeed.",
            "Adaptation finance could help, we believe.",
            "We resolutely oppose the treaty. Talks are possible.",
            "Emissions pledges and climate finance must grow.",
        ],
        "country": ["CHN", "USA"] * 4,
    }
)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def quick(monkeypatch):
    """No TOOLKIT_PROGRESS, and bars shown without delay."""
    monkeypatch.delenv(_progress.ENV, raising=False)
    monkeypatch.setattr(_progress, "DELAY", 0.0)


def _stderr(monkeypatch, *, tty: bool) -> io.StringIO:
    """Standard error as a file, a terminal or not. (Set in the test itself: pytest's capture puts its own
    standard error back between a fixture's setup and the test.)"""
    stream = Terminal() if tty else io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    return stream


def _hits() -> pd.DataFrame:
    return tk.find_stance(DOCS, segments=None)


CALLS = {
    "match_rates": (
        lambda p: tk.match_rates(_hits(), DOCS, by="country", n_resamples=300, segments=None, progress=p),
        "match_rates: bootstrap",
    ),
    "compare_rates": (
        lambda p: tk.compare_rates(
            _hits(), DOCS, by="country", target="CHN", category="hedge", n_permutations=500, segments=None, progress=p
        ),
        "compare_rates: bootstrap, permutations",
    ),
    "stance_rates": (
        lambda p: tk.stance_rates(DOCS, by="country", n_resamples=300, segments=None, progress=p),
        "stance_rates: bootstrap",
    ),
    "compare_groups": (lambda p: tk.compare_groups(DOCS, by="doc_id", progress=p), "compare_groups"),
    "select_k": (
        lambda p: tk.select_k(DOCS, ks=[2, 3], seeds=(0, 1), max_iter=5, stop_words=None, progress=p),
        "select_k: fitting",
    ),
    "topic_stability": (
        lambda p: tk.topic_stability(DOCS, k=2, seeds=(0, 1), max_iter=5, stop_words=None, progress=p),
        "topic_stability: fitting",
    ),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_the_result_is_the_same_with_and_without_a_bar(name, quick, monkeypatch):
    stderr = _stderr(monkeypatch, tty=False)
    call, desc = CALLS[name]
    without = call(False)
    assert stderr.getvalue() == ""
    with_bar = call(True)
    pd.testing.assert_frame_equal(without, with_bar)
    assert desc in stderr.getvalue()  # the bar was drawn, on standard error


@pytest.mark.parametrize("name", list(CALLS))
def test_progress_must_be_true_false_or_none(name):
    call, _ = CALLS[name]
    with pytest.raises(ValueError, match=r"progress='yes' is invalid; must be True \(a bar\), False \(none\) or None"):
        call("yes")


def test_none_draws_a_bar_on_a_terminal_only(quick, monkeypatch):
    stderr = _stderr(monkeypatch, tty=False)
    call, desc = CALLS["compare_groups"]
    expected = call(False)
    pd.testing.assert_frame_equal(call(None), expected)
    assert stderr.getvalue() == ""  # a log file: no bar
    term = _stderr(monkeypatch, tty=True)
    pd.testing.assert_frame_equal(call(None), expected)
    assert desc in term.getvalue() and "comparison" in term.getvalue()


def test_none_draws_no_bar_for_a_loop_shorter_than_the_delay(quick, monkeypatch):
    terminal = _stderr(monkeypatch, tty=True)
    monkeypatch.setattr(_progress, "DELAY", 60.0)
    CALLS["compare_groups"][0](None)
    assert terminal.getvalue() == ""
    CALLS["compare_groups"][0](True)  # True: at once
    assert "compare_groups" in terminal.getvalue()


def test_none_draws_a_bar_in_a_jupyter_kernel(quick, monkeypatch):
    _stderr(monkeypatch, tty=False)

    class ZMQInteractiveShell:  # what get_ipython() returns in a Jupyter kernel
        pass

    class TerminalInteractiveShell:  # ... and in a plain IPython shell, whose stderr is then the terminal
        pass

    for shell, drawn in ((TerminalInteractiveShell, False), (ZMQInteractiveShell, True)):
        monkeypatch.setitem(__import__("sys").modules, "IPython", types.SimpleNamespace(get_ipython=shell))
        assert _progress._visible() is drawn


def test_the_environment_variable_overrides_none(quick, monkeypatch):
    terminal = _stderr(monkeypatch, tty=True)
    call, desc = CALLS["compare_groups"]
    monkeypatch.setenv(_progress.ENV, "0")
    call(None)
    assert terminal.getvalue() == ""
    call(True)  # an explicit argument wins
    assert desc in terminal.getvalue()
    log = _stderr(monkeypatch, tty=False)
    monkeypatch.setenv(_progress.ENV, "1")
    call(None)
    assert desc in log.getvalue()
    monkeypatch.setenv(_progress.ENV, "yes")
    with pytest.raises(ValueError, match=r"TOOLKIT_PROGRESS='yes' is invalid; must be 0 \(no progress bars\), 1"):
        call(None)


class Counter:
    def __init__(self) -> None:
        self.n = 0

    def update(self, n: int = 1) -> None:
        self.n += n


@pytest.mark.parametrize("block", [1 << 22, 50])  # one block, or several
def test_the_bar_counts_every_resample_and_relabelling(monkeypatch, block):
    monkeypatch.setattr(_rating, "_BLOCK", block)
    rng = np.random.default_rng(0)
    counts, tokens = np.arange(12).reshape(6, 2), np.full(6, 100)
    bar = Counter()
    boot = _rating._bootstrap_rates(rng, counts, tokens, 1234, bar)
    assert bar.n == 1234 == len(boot)
    bar = Counter()
    null = _rating._permutation_null(rng, counts[:, 0], tokens, 3, 777, bar)
    assert bar.n == 777 == len(null)


def test_the_command_line_draws_bars_on_a_terminal_unless_told_not_to(quick, tmp_path, capsys, monkeypatch):
    terminal = _stderr(monkeypatch, tty=True)
    corpus = tmp_path / "c.csv"
    corpus.write_text(
        "doc_id,text,speaker,role,country,venue,date,genre,source,licence\n"
        + "".join(
            f"{d},{t},A,ambassador,{c},UNSC,2020-01-01,speech,x,CC0\n"
            for d, t, c in zip(DOCS["doc_id"], DOCS["text"].str.replace(",", ""), DOCS["country"])
        ),
        encoding="utf-8",
    )
    assert cli.main(["keyness", str(corpus), "--by", "country", "--top", "1"]) == 0
    assert "compare_groups" in terminal.getvalue()
    assert cli.main(["hedges", str(corpus), "--per", "corpus", "--n-resamples", "100"]) == 0
    assert "stance_rates: bootstrap" in terminal.getvalue()
    terminal.seek(0)
    terminal.truncate()
    assert cli.main(["keyness", str(corpus), "--by", "country", "--top", "1", "--no-progress"]) == 0
    assert cli.main(["hedges", str(corpus), "--per", "corpus", "--n-resamples", "100", "--no-progress"]) == 0
    assert terminal.getvalue() == ""
    assert "Key for the target, country=CHN" in capsys.readouterr().out
