"""Tests of toolkit.plots: what is drawn, and that nothing global changes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

import toolkit as tk


def test_plot_bar_draws_one_bar_per_row_in_order_on_the_given_axes():
    frame = pd.DataFrame({"voice": ["narration", "ambassador_quote", "caption"], "words": [731, 369, 90]})
    fig, ax = plt.subplots()
    before = dict(matplotlib.rcParams)
    out = tk.plot_bar(frame, value="words", label="voice", ax=ax, xlabel="words (tokens)", title="t")
    assert out is ax
    bars = ax.patches
    assert [b.get_width() for b in bars] == [731, 369, 90]
    # first row on top
    assert bars[0].get_y() > bars[1].get_y() > bars[2].get_y()
    labels = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    assert labels["narration"] > labels["ambassador_quote"] > labels["caption"]
    assert ax.get_xlabel() == "words (tokens)" and ax.get_title(loc="left") == "t"
    assert [t.get_text() for t in ax.texts] == ["731", "369", "90"]
    assert dict(matplotlib.rcParams) == before
    plt.close(fig)


def test_plot_bar_creates_a_figure_when_no_axes_and_titles_it():
    ax = tk.plot_bar(pd.DataFrame({"g": ["a"], "n": [2.0]}), value="n", label="g", title="Title")
    assert ax.figure._suptitle.get_text() == "Title"
    plt.close(ax.figure)


def test_plot_bar_bad_input():
    with pytest.raises(ValueError, match="frame lacks the column"):
        tk.plot_bar(pd.DataFrame({"g": ["a"]}), value="n", label="g")
    with pytest.raises(ValueError, match="frame is empty"):
        tk.plot_bar(pd.DataFrame({"g": [], "n": []}), value="n", label="g")
