"""Plots: each function takes a tidy frame and ``ax=None``, draws on it and returns the Axes.

They never save files and never change matplotlib's global style; colours come
from the Okabe-Ito palette, which stays distinct for colour-blind readers.
"""

from __future__ import annotations

import pandas as pd

from toolkit._validation import check_columns

__all__ = ["OKABE_ITO", "plot_bar"]

#: Okabe & Ito (2008) colour-blind-safe palette (black last).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
)


def plot_bar(
    frame: pd.DataFrame,
    *,
    value: str,
    label: str,
    ax=None,
    xlabel: str | None = None,
    title: str | None = None,
    annotate: bool = True,
):
    """Draw one horizontal bar per row of ``frame``, in the frame's order (top to bottom).

    Parameters
    ----------
    frame : DataFrame
        One row per bar.
    value : str
        Column with the bar lengths (numbers, not negative).
    label : str
        Column with the bar labels.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes when None.
    xlabel : str, optional
        Label of the value axis, with its unit; defaults to ``value``.
    title : str, optional
        Title: of the figure when the function creates it (so that it spans the
        labels too), else of the given Axes.
    annotate : bool, default True
        Write each bar's value at its end.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        A column is missing, or ``frame`` is empty.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_bar(pd.DataFrame({"voice": ["a", "b"], "words": [3, 5]}), value="words", label="voice")
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['a', 'b'], 'words')
    """
    check_columns(frame, [value, label], name="frame")
    if frame.empty:
        raise ValueError("frame is empty; there is nothing to plot.")
    created = ax is None
    if created:
        import matplotlib.pyplot as plt

        longest = int(frame[label].astype(str).str.len().max())
        width = 4.5 + 0.075 * longest  # room for the labels beside 4.5 inches of bars
        _, ax = plt.subplots(figsize=(width, 0.45 * len(frame) + 1.2), layout="constrained")
    positions = list(range(len(frame)))[::-1]
    values = frame[value].to_numpy(dtype=float)
    ax.barh(positions, values, color=OKABE_ITO[0], height=0.7)
    ax.set_yticks(positions, frame[label].astype(str).tolist())
    ax.set_xlabel(xlabel or value)
    if title and created:  # our own figure: the title spans it, labels included
        ax.figure.suptitle(title, x=0.01, ha="left")
    elif title:
        ax.set_title(title, loc="left")
    if annotate:
        for pos, val in zip(positions, values):
            ax.annotate(f"{val:,.0f}", (val, pos), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize="small")
        ax.set_xlim(0, values.max() * 1.15 if values.max() > 0 else 1)
    ax.spines[["top", "right"]].set_visible(False)
    return ax
