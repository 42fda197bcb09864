"""Plots: each function takes a tidy frame and ``ax=None``, draws on it and returns the Axes.

They never save files and never change matplotlib's global style; colours come
from the Okabe-Ito palette, which stays distinct for colour-blind readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from toolkit._validation import check_columns, renamed_parameters

if TYPE_CHECKING:  # matplotlib is imported when a plot is drawn, not with toolkit
    from matplotlib.axes import Axes

__all__ = [
    "OKABE_ITO",
    "plot_bar",
    "plot_keyness",
    "plot_marginal_prevalence",
    "plot_positions",
    "plot_rates",
    "plot_select_k",
    "plot_term_scatter",
    "plot_timeline",
    "plot_topic_effects",
    "plot_topic_prevalence",
    "plot_trends",
    "plot_word_weights",
    "pooled_trend",
]

#: Okabe & Ito (2008) colour-blind-safe palette (black last).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)


def plot_bar(
    frame: pd.DataFrame,
    *,
    value: str,
    label: str,
    ax: Axes | None = None,
    xlabel: str | None = None,
    title: str | None = None,
    annotate: bool = True,
) -> Axes:
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
    if ax is None:
        import matplotlib.pyplot as plt

        longest = int(frame[label].astype(str).str.len().max())
        width = 4.5 + 0.075 * longest  # room for the labels beside 4.5 inches of bars
        _, ax = plt.subplots(figsize=(width, 0.45 * len(frame) + 1.2), layout="constrained")
    positions = list(range(len(frame)))[::-1]
    values = frame[value].to_numpy(dtype=float)
    ax.barh(positions, values, color=OKABE_ITO[0], height=0.7)
    ax.set_yticks(positions, frame[label].astype(str).tolist())
    ax.set_xlabel(xlabel or value)
    _title(ax, title, created)
    if annotate:
        for pos, val in zip(positions, values):
            ax.annotate(
                f"{val:,.0f}", (val, pos), xytext=(3, 0), textcoords="offset points", va="center", fontsize="small"
            )
        ax.set_xlim(0, values.max() * 1.15 if values.max() > 0 else 1)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


@renamed_parameters(group="by")
def plot_rates(
    rates: pd.DataFrame,
    *,
    value: str = "rate_per_1k",
    by: str = "group",
    ax: Axes | None = None,
    xlabel: str = "per 1,000 tokens",
    title: str | None = None,
) -> Axes:
    """Draw each group's rate per category as a point with its interval, categories side by side.

    Parameters
    ----------
    rates : DataFrame
        One row per group and category with the ``group`` column, ``category``,
        the ``value`` column, ``ci_low`` and ``ci_high`` (the output of
        :func:`toolkit.match_rates` or :func:`toolkit.stance_rates`).
    value : str, default "rate_per_1k"
        The column drawn as the point.
    by : str, default "group"
        The column naming each row's group, one line of the chart per value, in
        the order of their first rows: the ``by`` column of
        :func:`toolkit.match_rates` (``group="role"`` after ``by="role"``);
        "group" is its key column for ``by=None``. For several ``by`` columns,
        add a column that labels their combinations and name it here.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes when None.
    xlabel : str, default "per 1,000 tokens"
        Label of the value axis, with its unit.
    title : str, optional
        As in :func:`plot_bar`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> r = pd.DataFrame({"group": ["a", "a", "b", "b"], "category": ["hedge", "booster"] * 2,
    ...                   "rate_per_1k": [5.0, 2.0, 3.0, 1.0], "ci_low": [4.0, 1.0, 2.0, 0.5],
    ...                   "ci_high": [6.0, 3.0, 4.0, 1.5]})
    >>> ax = plot_rates(r)
    >>> len(ax.containers), ax.figure.legends[0].get_texts()[0].get_text()
    (2, 'hedge')
    """
    group = by  # the column of the groups (named `by` as everywhere in the toolkit)
    check_columns(rates, [group, "category", value, "ci_low", "ci_high"], name="rates")
    if rates.empty:
        raise ValueError("rates is empty; there is nothing to plot.")
    names = rates[group].astype(str)
    groups = list(dict.fromkeys(names))
    categories = list(dict.fromkeys(rates["category"].astype(str)))
    created = ax is None
    if ax is None:
        longest = max(len(line) for g in groups for line in g.split("\n"))
        ax = _new_axes(4.5 + 0.075 * longest, 0.35 * len(groups) * max(1, len(categories)) ** 0.5 + 1.8)
    height = 0.8 / len(categories)
    for k, category in enumerate(categories):
        mask = (rates["category"].astype(str) == category).to_numpy()
        part = rates[mask].set_index(pd.Index(names[mask].to_numpy())).reindex(groups)
        y = np.arange(len(groups))[::-1] + (len(categories) - 1) / 2 * height - k * height
        _interval_points(ax, part, value, y, OKABE_ITO[k % len(OKABE_ITO)], category.replace("_", " "))
    ax.set_yticks(np.arange(len(groups))[::-1], groups)
    ax.set_xlabel(xlabel)
    ax.set_xlim(left=0)
    if created:  # beside the plot, outside it: the legend never covers a point
        handles, names = ax.get_legend_handles_labels()
        ax.figure.legend(
            handles, names, loc="outside lower center", ncols=min(len(names), 5), frameon=False, fontsize="small"
        )
    else:
        ax.legend(frameon=False, fontsize="small", loc="best")
    ax.spines[["top", "right"]].set_visible(False)
    _title(ax, title, created)
    return ax


@renamed_parameters(group="by")
def plot_timeline(
    frame: pd.DataFrame,
    *,
    x: str = "year",
    y: str = "rate_per_1k",
    by: str = "group",
    ax: Axes | None = None,
    ylabel: str = "per 1,000 tokens",
    title: str | None = None,
    highlight: Sequence[str] | None = None,
) -> Axes:
    """Draw one line per group over time, with its interval as a band when ``ci_low``/``ci_high`` are given.

    With ``highlight``, those groups are drawn bold with their bands and the
    others as thin lines without bands, so one group can be read against the rest.

    Parameters
    ----------
    frame : DataFrame
        One row per group and time point: the ``x``, ``y`` and ``group`` columns,
        and optionally ``ci_low`` and ``ci_high``.
    x, y, by : str
        Column names of the time, the value and the line.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes when None.
    ylabel : str, default "per 1,000 tokens"
        Label of the value axis, with its unit.
    title : str, optional
        As in :func:`plot_bar`.
    highlight : sequence of str, optional
        Groups to draw bold, with bands; the others thin, without. None: every group alike.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> f = pd.DataFrame({"year": [2000, 2001, 2000, 2001], "rate_per_1k": [1.0, 2.0, 3.0, 2.5],
    ...                   "group": ["CHN", "CHN", "USA", "USA"]})
    >>> ax = plot_timeline(f)
    >>> [line.get_label() for line in ax.get_lines()]
    ['CHN', 'USA']
    """
    group = by  # the column of the groups (named `by` as everywhere in the toolkit)
    check_columns(frame, [x, y, group], name="frame")
    if frame.empty:
        raise ValueError("frame is empty; there is nothing to plot.")
    created = ax is None
    if ax is None:
        ax = _new_axes(6.5, 3.6)
    bands = "ci_low" in frame and "ci_high" in frame
    names = set(frame[group].astype(str))
    if highlight is not None:
        highlight = [str(highlight)] if isinstance(highlight, (str, int, np.integer)) else [str(h) for h in highlight]
        unknown = [h for h in highlight if h not in names]
        if unknown:
            raise ValueError(
                f"highlight={highlight!r}: no group {', '.join(map(repr, unknown))} in "
                f"frame[{group!r}]; the groups are {', '.join(sorted(names))}."
            )
    # With highlight, the bold groups take the palette's blues and the others the rest, so no thin
    # line shares a hue with a bold one.
    bold_colours = iter(("#0072B2", "#56B4E9"))
    thin_colours = ("#E69F00", "#009E73", "#CC79A7", "#000000", "#D55E00", "#F0E442")  # orange and vermillion apart
    n_thin = 0
    for k, (name, part) in enumerate(frame.sort_values(x).groupby(group, sort=True)):
        bold = highlight is None or str(name) in highlight
        if highlight is None:
            colour = OKABE_ITO[k % len(OKABE_ITO)]
        elif bold:
            colour = next(bold_colours, "#000000")
        else:
            colour, n_thin = thin_colours[n_thin % len(thin_colours)], n_thin + 1
        ax.plot(
            part[x].to_numpy(dtype=float),
            part[y].to_numpy(dtype=float),
            color=colour,
            linewidth=1.6 if bold else 0.8,
            label=str(name),
            marker="o" if bold else None,
            markersize=2.5,
            alpha=1.0 if bold else 0.75,
            zorder=3 if bold else 2,
        )
        if bands and bold:
            ax.fill_between(
                part[x].to_numpy(dtype=float),
                part["ci_low"].to_numpy(dtype=float),
                part["ci_high"].to_numpy(dtype=float),
                color=colour,
                alpha=0.15,
                linewidth=0,
            )
    ax.set_xlabel(x)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize="small", ncols=min(5, frame[group].nunique()))
    ax.spines[["top", "right"]].set_visible(False)
    _title(ax, title, created)
    return ax


def pooled_trend(frame: pd.DataFrame, *, by: str, x: str = "year", window: int = 5) -> pd.DataFrame:
    """Each group's rate pooled over a centred window of ``window`` consecutive ``x`` values (years).

    The pooled rate is the matches of the window over its tokens (``sum(n) / sum(tokens) * 1000``), not a mean
    of yearly rates: a year of few tokens weighs what its tokens weigh. Windows are cut at the ends of each
    group's range (the first year pools itself and the next ``window // 2``).

    Parameters
    ----------
    frame : DataFrame
        One row per group and ``x`` (a row twice is an error), with ``n`` (matches) and ``tokens``
        columns: the output of :func:`toolkit.match_rates` or :func:`toolkit.stance_rates` by group and year,
        for one category.
    by : str
        The column of the groups.
    x : str, default "year"
        The column of the (integer) time points.
    window : int, default 5
        An odd number of consecutive time points pooled.

    Returns
    -------
    DataFrame
        ``by``, ``x``, ``n``, ``tokens`` (the window's sums) and ``rate_per_1k``, sorted by group and ``x``.

    Examples
    --------
    >>> f = pd.DataFrame({"country": "CHN", "year": [2000, 2001, 2002], "n": [1, 4, 1], "tokens": [100, 100, 400]})
    >>> pooled_trend(f, by="country", window=3)["rate_per_1k"].tolist()
    [25.0, 10.0, 10.0]
    """
    check_columns(frame, [by, x, "n", "tokens"], name="frame")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1 or window % 2 == 0:
        raise ValueError(f"window={window!r} is invalid; must be an odd integer >= 1 (years pooled around each).")
    twice = frame.duplicated([by, x])
    if twice.any():
        first = [v.item() if hasattr(v, "item") else v for v in frame.loc[twice, [by, x]].iloc[0].tolist()]
        raise ValueError(
            f"frame has more than one row for {by}={first[0]!r}, {x}={first[1]!r}: pooled_trend pools one series per "
            "group; select one category first (e.g. rates[rates['category'] == 'hedge']), or name a column that "
            "tells the series apart in by."
        )
    half = window // 2
    out = []
    for _name, part in frame.sort_values([by, x]).groupby(by, sort=True):
        years = part[x].to_numpy(dtype=np.int64)
        n = part["n"].to_numpy(dtype=np.int64)
        tokens = part["tokens"].to_numpy(dtype=np.int64)
        lo = np.searchsorted(years, years - half, side="left")
        hi = np.searchsorted(years, years + half, side="right")
        cn, ct = np.concatenate([[0], np.cumsum(n)]), np.concatenate([[0], np.cumsum(tokens)])
        sums_n, sums_t = cn[hi] - cn[lo], ct[hi] - ct[lo]
        out.append(
            pd.DataFrame(
                {
                    by: part[by].to_numpy(),
                    x: years,
                    "n": sums_n,
                    "tokens": sums_t,
                    "rate_per_1k": np.divide(
                        sums_n * 1000.0, sums_t, out=np.full(len(years), np.nan), where=sums_t > 0
                    ),
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def plot_trends(
    frame: pd.DataFrame,
    *,
    by: str,
    panels: str = "category",
    x: str = "year",
    window: int = 5,
    groups: Sequence[str] | None = None,
    panel_titles: dict[str, str] | None = None,
    title: str | None = None,
) -> np.ndarray:
    """Small multiples: one panel per group (columns) and per ``panels`` value (rows), yearly rates faint and
    the pooled trend bold, with the pooled trend of the other groups in grey in every panel for comparison.

    Parameters
    ----------
    frame : DataFrame
        Rates by group, ``x`` and ``panels`` with ``n``, ``tokens`` and ``rate_per_1k`` (the output of
        :func:`toolkit.match_rates` with ``by=[<by>, "year"]``).
    by : str
        The column of the groups, one column of panels each.
    panels : str, default "category"
        The column whose values make the rows of panels (rows share their y axis).
    x : str, default "year"
    window : int, default 5
        Time points pooled for the trend (:func:`pooled_trend`).
    groups : list of str, optional
        The groups, in column order (a value not in ``frame[by]`` is an error); None: all, sorted.
    panel_titles : dict, optional
        Row labels for the ``panels`` values, in the order of the rows (values it does not name follow, with
        "_" as spaces).
    title : str, optional
        The figure's title.

    Returns
    -------
    ndarray of matplotlib Axes, shape (rows, columns)

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> f = pd.DataFrame({"country": ["A", "A", "B", "B"], "year": [2000, 2001] * 2, "category": "hedge",
    ...                   "n": [1, 2, 3, 4], "tokens": [100] * 4, "rate_per_1k": [10.0, 20.0, 30.0, 40.0]})
    >>> plot_trends(f, by="country", window=1).shape
    (1, 2)
    """
    import matplotlib.pyplot as plt

    check_columns(frame, [by, panels, x, "n", "tokens", "rate_per_1k"], name="frame")
    if frame.empty:
        raise ValueError("frame is empty; there is nothing to plot.")
    known = sorted(frame[by].astype(str).unique())
    names = [str(g) for g in groups] if groups is not None else known
    unknown = [g for g in names if g not in known]
    if unknown:  # a panel of nothing would read as a group that never spoke
        raise ValueError(f"groups={unknown!r}: no such value in frame[{by!r}]; the groups are {', '.join(known)}.")
    present = list(dict.fromkeys(frame[panels].astype(str)))
    rows = [r for r in (panel_titles or {}) if r in present] + [r for r in present if r not in (panel_titles or {})]
    fig, axes = plt.subplots(
        len(rows),
        len(names),
        figsize=(2.1 * len(names) + 0.8, 1.9 * len(rows) + 1.2),
        sharex=True,
        sharey="row",
        layout="constrained",
        squeeze=False,
    )
    data = frame.assign(**{by: frame[by].astype(str), panels: frame[panels].astype(str)})
    for i, row in enumerate(rows):
        part = data[data[panels] == row]
        trend = pooled_trend(part, by=by, x=x, window=window)
        for j, name in enumerate(names):
            ax = axes[i, j]
            own = part[part[by] == name]
            others = part[part[by] != name].groupby(x, as_index=False)[["n", "tokens"]].sum().assign(**{by: "rest"})
            rest = pooled_trend(others, by=by, x=x, window=window) if len(others) else None
            ax.scatter(own[x], own["rate_per_1k"], s=5, color=OKABE_ITO[0], alpha=0.3, linewidths=0, label="each year")
            if rest is not None:
                ax.plot(
                    rest[x],
                    rest["rate_per_1k"],
                    color="gray",
                    linewidth=1.0,
                    label="the other groups together, pooled trend",
                )
            mine = trend[trend[by] == name]
            ax.plot(
                mine[x], mine["rate_per_1k"], color=OKABE_ITO[0], linewidth=1.8, label=f"{window}-year pooled trend"
            )
            ax.spines[["top", "right"]].set_visible(False)
            ax.tick_params(labelsize="x-small")
            if i == 0:
                ax.set_title(name, fontsize="small")
            if j == 0:
                label = (panel_titles or {}).get(row, row.replace("_", " "))
                ax.set_ylabel(f"{label}\nper 1,000 tokens", fontsize="small")
        top = max(part["rate_per_1k"].max(), trend["rate_per_1k"].max())
        axes[i, 0].set_ylim(0, 1.05 * top if top > 0 else 1)  # the row's axes are shared: every point shown
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False, fontsize="small")
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontsize="medium")
    return axes


def plot_select_k(
    table: pd.DataFrame, *, axes: Sequence[Axes] | None = None, title: str | None = None, chosen: int | None = None
) -> np.ndarray:
    """Draw coherence, held-out perplexity and stability against k, one panel each, to choose k with reasons.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`toolkit.select_k` (``k``, ``coherence``, ``perplexity``,
        ``stability``; ``coherence_sd`` and ``stability_min`` drawn when present).
    axes : sequence of three matplotlib Axes, optional
        Where to draw; a new figure with three panels when None.
    title : str, optional
        Title of the figure.

    chosen : int, optional
        The k chosen (from these measures and the reader's purpose): a dotted line, named, on every panel.

    Returns
    -------
    ndarray of matplotlib Axes
        The three panels.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> t = pd.DataFrame({"k": [5, 10], "coherence": [-0.06, -0.07], "perplexity": [8000.0, 12000.0],
    ...                   "stability": [0.76, 0.65]})
    >>> [ax.get_ylabel() for ax in plot_select_k(t)]
    ['coherence', 'held-out perplexity', 'stability across seeds (cosine)']
    """
    check_columns(table, ["k", "coherence", "perplexity", "stability"], name="table")
    if table.empty:
        raise ValueError("table is empty; run select_k with at least one k.")
    if axes is None:
        import matplotlib.pyplot as plt

        lines = title.count("\n") if title else 0
        fig, axes = plt.subplots(1, 3, figsize=(9.5, 3.0 + 0.25 * lines), layout="constrained")
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize="medium")
    table = table.sort_values("k")
    k = table["k"].to_numpy(dtype=float)
    measures = table["measure"].dropna().astype(str).unique() if "measure" in table else []
    notes = ([measures[0].upper()] if len(measures) == 1 else []) + (["±1 sd"] if "coherence_sd" in table else [])
    coherence_label = f"coherence ({', '.join(notes)})" if notes else "coherence"
    panels = (
        ("coherence", coherence_label, "coherence_sd"),
        ("perplexity", "held-out perplexity", None),
        ("stability", "stability across seeds (cosine)", None),
    )
    for ax, (column, label, spread), colour in zip(axes, panels, OKABE_ITO):
        y = table[column].to_numpy(dtype=float)
        ax.plot(k, y, marker="o", color=colour, label="mean over topics" if column == "stability" else None)
        if spread and spread in table:
            sd = table[spread].to_numpy(dtype=float)
            ax.fill_between(k, y - sd, y + sd, color=colour, alpha=0.2, linewidth=0)
        if column == "stability" and "stability_min" in table:
            ax.plot(k, table["stability_min"].to_numpy(dtype=float), linestyle="--", color=colour, label="worst topic")
            ax.legend(frameon=False, fontsize="small")
        if chosen is not None:
            ax.axvline(chosen, color="black", linestyle=":", linewidth=1.0)
            ax.annotate(
                f"chosen: k = {chosen}",
                (chosen, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, -2),
                textcoords="offset points",
                va="top",
                fontsize="x-small",
            )
        ax.set_xlabel("k (topics)")
        ax.set_ylabel(label)
        ax.set_xticks(k)
        ax.spines[["top", "right"]].set_visible(False)
    return np.asarray(axes)


@renamed_parameters(group="by")
def plot_topic_prevalence(
    prevalence: pd.DataFrame,
    *,
    by: str = "group",
    groups: Sequence[str] | None = None,
    topics: Sequence[int] | None = None,
    ax: Axes | None = None,
    xlabel: str = "mean topic proportion (share of a document)",
    title: str | None = None,
    wrap: int | None = 30,
) -> Axes:
    """Draw each group's mean proportion of each topic as a point with its interval, one row per topic.

    Topics run top to bottom in topic order, labelled by ``label``; within a
    row the groups sit side by side (the first at the top), each in its
    Okabe-Ito colour, with a horizontal bar from ``ci_low`` to ``ci_high``.
    The legend gives each group's number of documents. When the function
    creates the figure, it is 6.5 inches wide, its height grows with the
    number of topics (and of groups and label lines), so that labels never
    overlap, and the legend sits below the x axis, clear of the title.

    Parameters
    ----------
    prevalence : DataFrame
        The output of :func:`toolkit.topic_prevalence`: one row per group and
        topic with the ``group`` column, ``topic``, ``label``, ``mean``,
        ``ci_low``, ``ci_high`` and ``n_docs``.
    by : str, default "group"
        The column naming each row's group: the ``by`` column of
        :func:`toolkit.topic_prevalence` (``group="country"`` after
        ``by="country"``); "group" is its key column for ``by=None``. For
        several ``by`` columns, add a column that labels their combinations
        and name it here. Its values are shown (and matched by ``groups``) as
        their str.
    groups : list of str, optional
        The groups to draw (values of the ``group`` column, or their str), in
        this order (the first at the top of each row). None: all of them, in
        the frame's order.
    topics : list of int, optional
        The topics to draw (still in topic order). None: all of them.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes when None.
    xlabel : str, default "mean topic proportion (share of a document)"
        Label of the value axis, with its unit.
    title : str, optional
        As in :func:`plot_bar`.
    wrap : int or None, default 30
        Break topic labels longer than this many characters over several lines
        (at spaces); None keeps them on one line.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        A column is missing (``group`` among them); ``prevalence`` is empty; a
        group or topic of ``groups`` or ``topics`` is not in it; a group has two
        rows for one topic;
        or a topic has two labels (frames of different models).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> p = pd.DataFrame({"country": ["X", "X", "Y", "Y"], "topic": [0, 1, 0, 1],
    ...                   "label": ["nuclear, treaty", "climate, finance"] * 2,
    ...                   "mean": [0.8, 0.2, 0.3, 0.7], "ci_low": [0.7, 0.1, 0.2, 0.6],
    ...                   "ci_high": [0.9, 0.3, 0.4, 0.8], "n_docs": [3, 3, 4, 4]})
    >>> ax = plot_topic_prevalence(p, group="country", groups=["Y", "X"])
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['nuclear, treaty', 'climate, finance']
    >>> [t.get_text() for t in ax.figure.legends[0].get_texts()]
    ['Y (n=4)', 'X (n=3)']
    >>> [float(x) for x in ax.containers[0].lines[0].get_xdata()]
    [0.3, 0.7]
    """
    return _plot_prevalence(
        prevalence,
        by=by,
        groups=groups,
        topics=topics,
        ax=ax,
        xlabel=xlabel,
        title=title,
        wrap=wrap,
        value="mean",
        one_document_point=True,
    )


def _plot_prevalence(
    prevalence: pd.DataFrame,
    *,
    by: str,
    groups: Sequence[str] | None,
    topics: Sequence[int] | None,
    ax: Axes | None,
    xlabel: str,
    title: str | None,
    wrap: int | None,
    value: str,
    one_document_point: bool,
) -> Axes:
    """The drawing of :func:`plot_topic_prevalence` and :func:`plot_marginal_prevalence`: ``value`` is the
    column of the points; ``one_document_point`` draws a group of one document as a point without interval."""
    group = by  # the column of the groups (named `by` as everywhere in the toolkit)
    import textwrap

    if not isinstance(group, str):
        raise ValueError(f"by={group!r} is invalid; name the column of prevalence that names the groups.")
    if group not in prevalence.columns and "topic" in prevalence.columns:
        keys = list(prevalence.columns[: list(prevalence.columns).index("topic")])
        hint = (
            f"; pass by={keys[0]!r} (topic_prevalence's by column)"
            if len(keys) == 1
            else (
                f"; after several by columns ({', '.join(map(repr, keys))}) add a column labelling their "
                "combinations and name it as group"
                if keys
                else ""
            )
        )
        raise ValueError(f"prevalence has no column by={group!r}{hint}.")
    check_columns(prevalence, [group, "topic", "label", value, "ci_low", "ci_high", "n_docs"], name="prevalence")
    if prevalence.empty:
        raise ValueError("prevalence is empty; there is nothing to plot.")
    # the drawing works on one str column "_name", whatever the group column is called and holds
    frame = pd.DataFrame(
        {
            "_name": prevalence[group].astype(str).to_numpy(),
            "topic": prevalence["topic"].astype(int).to_numpy(),
            "label": prevalence["label"].to_numpy(),
            "mean": prevalence[value].to_numpy(),
            "ci_low": prevalence["ci_low"].to_numpy(),
            "ci_high": prevalence["ci_high"].to_numpy(),
            "n_docs": prevalence["n_docs"].to_numpy(),
        }
    )
    present = list(dict.fromkeys(frame["_name"]))
    if groups is None:
        groups = present
    else:
        groups = list(dict.fromkeys(str(g) for g in ([groups] if isinstance(groups, str) else groups)))
        unknown = [g for g in groups if g not in present]
        if unknown:
            raise ValueError(
                f"prevalence has no group {', '.join(map(repr, unknown))}; "
                f"its groups are {', '.join(map(repr, present))} (column {group!r})."
            )
        if not groups:
            raise ValueError("groups is empty; name at least one group, or pass None for all.")
    shown: list = sorted(set(frame["topic"].tolist()))
    if topics is not None:
        wanted: list = [topics] if isinstance(topics, (int, np.integer)) else list(topics)
        unknown = [t for t in wanted if t not in shown]
        if unknown:
            raise ValueError(
                f"prevalence has no topic {', '.join(map(repr, unknown))}; its topics are {', '.join(map(str, shown))}."
            )
        if not wanted:
            raise ValueError("topics is empty; name at least one topic, or pass None for all.")
        shown = [t for t in shown if t in {int(w) for w in wanted}]
    frame = frame[frame["topic"].isin(shown)]
    labels = frame.groupby("topic")["label"].agg(lambda s: list(dict.fromkeys(s.astype(str))))
    mixed = labels[labels.str.len() > 1]
    if len(mixed):
        raise ValueError(
            f"topic {mixed.index[0]} has more than one label ({', '.join(map(repr, mixed.iloc[0]))}); "
            "the frame mixes topic models."
        )
    frame = frame[frame["_name"].isin(groups)]
    duplicated = frame.duplicated(["_name", "topic"])
    if duplicated.any():
        g, t = frame.loc[duplicated, ["_name", "topic"]].iloc[0]
        raise ValueError(
            f"prevalence has more than one row for group {g!r} and topic {t} (column {group!r}); "
            "pass one topic_prevalence frame per group (or rename the groups of each), or, after "
            "several by columns, a column that labels their combinations as group."
        )
    names = [labels[t][0] for t in shown]
    if wrap:
        names = [textwrap.fill(name, wrap, break_long_words=False, break_on_hyphens=False) for name in names]
    created = ax is None
    if ax is None:
        lines = max(name.count("\n") + 1 for name in names)
        row = max(0.17 * lines + 0.13, 0.11 * len(groups) + 0.14)  # inches per topic
        legend_rows = -(-len(groups) // 3)
        ax = _new_axes(6.5, row * len(shown) + 0.9 + 0.2 * legend_rows)
    rows = np.arange(len(shown))[::-1]
    height = 0.7 / len(groups)  # a wider gap between topics than between groups
    drawn: list[Any] = []
    # a group of one document has no interval: a black diamond, said so in the legend; the groups with
    # intervals take the palette without black and sky blue (too close to the first blue to tell apart)
    palette = iter([c for i, c in enumerate(OKABE_ITO) if i not in (4, 7)] * len(groups))
    for k, name in enumerate(groups):
        part = frame[frame["_name"] == name].set_index("topic").reindex(shown)
        y = rows + (len(groups) - 1) / 2 * height - k * height
        n_docs = int(frame.loc[frame["_name"] == name, "n_docs"].iloc[0])
        if n_docs == 1 and one_document_point:
            (point,) = ax.plot(
                part["mean"].to_numpy(dtype=float),
                y,
                linestyle="",
                marker="D",
                markersize=4,
                color=OKABE_ITO[7],
                clip_on=False,
                label=f"{name} (one document: no interval)",
            )
            drawn.append(point)
            continue
        # small points and thick bars: an interval near 0 stays visible beside its point
        style = {"markersize": 3, "capsize": 2.5, "elinewidth": 1.4}
        drawn.append(_interval_points(ax, part, "mean", y, next(palette), f"{name} (n={n_docs})", **style))
    ax.set_yticks(rows, names)
    ax.set_ylim(-0.6, len(shown) - 0.4)
    ax.set_xlabel(xlabel)
    top = float(np.nanmax(frame[["mean", "ci_high"]].to_numpy(dtype=float)))
    # a margin at 0: a point there and its interval stay in view; a regression's interval may reach below 0
    bottom = min(0.0, float(np.nanmin(frame[["mean", "ci_low"]].to_numpy(dtype=float))))
    ax.set_xlim(bottom - 0.02 * (top - bottom), top + 0.02 * (top - bottom))
    # A figure the function made gets the legend below the x axis, clear of the title; on a given Axes
    # it sits above the points, right-aligned so that it may reach over the labels' column. matplotlib
    # fills a legend's columns first, so the handles are reordered for the groups to read row by row.
    longest = max(len(d.get_label()) for d in drawn)
    ncols = min(3 if longest <= 24 else 2 if longest <= 38 else 1, len(groups))  # to fit 6.5 inches
    order = [i for j in range(ncols) for i in range(j, len(groups), ncols)]
    handles, texts = [drawn[i] for i in order], [drawn[i].get_label() for i in order]
    if created:  # the figure's own legend, which constrained layout keeps inside the figure
        legend = ax.figure.legend(
            handles,
            texts,
            frameon=False,
            fontsize="small",
            loc="outside lower center",
            ncols=ncols,
            handletextpad=0.3,
            columnspacing=1.2,
        )
    else:
        legend = ax.legend(
            handles,
            texts,
            frameon=False,
            fontsize="small",
            loc="lower right",
            bbox_to_anchor=(1, 1),
            borderaxespad=0.3,
            ncols=ncols,
            handletextpad=0.3,
            columnspacing=1.2,
        )
    ax.spines[["top", "right"]].set_visible(False)
    _title(ax, title, created)
    if title and not created:  # the Axes title goes above the legend
        points = legend.get_window_extent(cast(Any, ax.figure.canvas).get_renderer()).height * 72 / ax.figure.dpi
        ax.set_title(title, loc="left", pad=points + 6)
    return ax


def plot_marginal_prevalence(
    prevalence: pd.DataFrame,
    *,
    by: str | None = None,
    groups: Sequence[str] | None = None,
    topics: Sequence[int] | None = None,
    ax: Axes | None = None,
    xlabel: str = "predicted topic proportion (other covariates at their averages)",
    title: str | None = None,
    wrap: int | None = 30,
) -> Axes:
    """Draw each value's predicted topic proportion with its interval, one row per topic.

    The chart of :func:`plot_topic_prevalence`, for the output of
    :func:`toolkit.marginal_prevalence`: within each topic's row one point per
    value of ``by`` (the first at the top), each in its Okabe-Ito colour,
    with a horizontal bar from ``ci_low`` to ``ci_high``; the legend gives
    each value's number of documents. A value with one document has an
    interval here (the regression's), so it is drawn like the others.

    Parameters
    ----------
    prevalence : DataFrame
        The output of :func:`toolkit.marginal_prevalence`: the ``by`` column,
        ``topic``, ``label``, ``estimate``, ``ci_low``, ``ci_high`` and ``n_docs``.
    by : str, optional
        The column of the values. None: the one column before ``topic``
        (with several ``by`` columns, add a column labelling their
        combinations and name it here).
    groups, topics, ax, xlabel, title, wrap
        As in :func:`plot_topic_prevalence` (``groups``: the values of ``by`` to draw, in order).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        As :func:`plot_topic_prevalence`; ``by`` is None and the frame has
        not exactly one column before ``topic``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> p = pd.DataFrame({"decade": ["1990", "1990", "2000", "2000"], "topic": [0, 1, 0, 1],
    ...                   "label": ["nuclear, treaty", "climate, finance"] * 2,
    ...                   "estimate": [0.8, 0.2, 0.3, 0.7], "std_error": [0.05] * 4, "ci_low": [0.7, 0.1, 0.2, 0.6],
    ...                   "ci_high": [0.9, 0.3, 0.4, 0.8], "n_docs": [3, 3, 1, 1]})
    >>> ax = plot_marginal_prevalence(p)
    >>> [t.get_text() for t in ax.figure.legends[0].get_texts()]
    ['1990 (n=3)', '2000 (n=1)']
    """
    if by is None:
        if "topic" not in prevalence.columns:
            check_columns(prevalence, ["topic"], name="prevalence")
        keys = list(prevalence.columns[: list(prevalence.columns).index("topic")])
        if len(keys) != 1:
            raise ValueError(
                f"prevalence has {len(keys)} columns before 'topic' ({', '.join(map(repr, keys))}); pass by= "
                "naming the column of the values (after several by columns, a column labelling their combinations)."
            )
        by = keys[0]
    return _plot_prevalence(
        prevalence,
        by=by,
        groups=groups,
        topics=topics,
        ax=ax,
        xlabel=xlabel,
        title=title,
        wrap=wrap,
        value="estimate",
        one_document_point=False,
    )


def plot_topic_effects(
    effects: pd.DataFrame,
    *,
    topics: Sequence[int] | None = None,
    terms: Sequence[str] | None = None,
    intercept: bool = False,
    ax: Axes | None = None,
    xlabel: str = "effect on topic proportion (vs the reference level; per unit of a number)",
    title: str | None = None,
    wrap: int | None = 40,
) -> Axes:
    """Draw regression coefficients of topic prevalence with their intervals: one row per term, topics side by side.

    Each term of :func:`toolkit.topic_effects` is a row (the first at the top);
    within it each topic is a point in its Okabe-Ito colour with a bar from
    ``ci_low`` to ``ci_high``, and a dashed line marks 0 (no effect). For
    one topic, pass ``topics=[t]``; for a panel per topic, draw each on its
    own Axes. The legend names the topics by label. When the function
    creates the figure, it is 6.5 inches wide and its height grows with the
    terms and topics.

    Parameters
    ----------
    effects : DataFrame
        The output of :func:`toolkit.topic_effects` (``topic``, ``label``,
        ``term``, ``estimate``, ``ci_low``, ``ci_high``).
    topics : list of int, optional
        The topics to draw, in this order. None: all of them.
    terms : list of str, optional
        The terms to draw, in this order (top to bottom). None: every term
        but the intercept, in the frame's order.
    intercept : bool, default False
        With ``terms=None``, draw the intercept too (a proportion, not a
        difference: its scale differs from the others').
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes when None.
    xlabel : str
        Label of the value axis.
    title : str, optional
        As in :func:`plot_bar`.
    wrap : int or None, default 40
        Break topic labels in the legend longer than this many characters.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        A column is missing; ``effects`` is empty; a topic or term asked for
        is not in it; a topic and term have two rows (frames of two fits).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> e = pd.DataFrame({"topic": [0, 0, 1, 1], "label": ["nuclear", "nuclear", "climate", "climate"],
    ...                   "term": ["(Intercept)", "country[T.Y]"] * 2, "estimate": [0.8, -0.5, 0.2, 0.5],
    ...                   "ci_low": [0.7, -0.6, 0.1, 0.4], "ci_high": [0.9, -0.4, 0.3, 0.6]})
    >>> ax = plot_topic_effects(e)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['country[T.Y]']
    >>> [float(x) for x in ax.containers[0].lines[0].get_xdata()]
    [-0.5]
    """
    import textwrap

    check_columns(effects, ["topic", "label", "term", "estimate", "ci_low", "ci_high"], name="effects")
    if effects.empty:
        raise ValueError("effects is empty; there is nothing to plot.")
    frame = pd.DataFrame(
        {
            "topic": effects["topic"].astype(int).to_numpy(),
            "label": effects["label"].astype(str).to_numpy(),
            "term": effects["term"].astype(str).to_numpy(),
            "estimate": effects["estimate"].to_numpy(dtype=float),
            "ci_low": effects["ci_low"].to_numpy(dtype=float),
            "ci_high": effects["ci_high"].to_numpy(dtype=float),
        }
    )
    present_topics = list(dict.fromkeys(frame["topic"].tolist()))
    chosen_topics = present_topics if topics is None else [int(t) for t in topics]
    unknown = [t for t in chosen_topics if t not in present_topics]
    if unknown or not chosen_topics:
        raise ValueError(
            f"effects has no topic {', '.join(map(repr, unknown))}; its topics are {', '.join(map(str, present_topics))}."
            if unknown
            else "topics is empty; name at least one topic, or pass None for all."
        )
    present_terms = list(dict.fromkeys(frame["term"].tolist()))
    if terms is None:
        chosen_terms = [t for t in present_terms if intercept or t != "(Intercept)"]
    else:
        chosen_terms = [str(t) for t in ([terms] if isinstance(terms, str) else terms)]
        missing = [t for t in chosen_terms if t not in present_terms]
        if missing:
            raise ValueError(
                f"effects has no term {', '.join(map(repr, missing))}; its terms are "
                f"{', '.join(map(repr, present_terms))}."
            )
    if not chosen_terms:
        raise ValueError("no term to draw: effects has only the intercept; pass intercept=True to draw it.")
    frame = frame[frame["topic"].isin(chosen_topics) & frame["term"].isin(chosen_terms)]
    duplicated = frame.duplicated(["topic", "term"])
    if duplicated.any():
        t, term = frame.loc[duplicated, ["topic", "term"]].iloc[0]
        raise ValueError(f"effects has more than one row for topic {t} and term {term!r}; pass one fit's frame.")
    labels = frame.groupby("topic")["label"].first()
    n_rows, n_topics = len(chosen_terms), len(chosen_topics)
    created = ax is None
    if ax is None:
        ax = _new_axes(6.5, max(0.11 * n_topics + 0.14, 0.3) * n_rows + 1.0 + 0.2 * -(-n_topics // 2))
    rows = np.arange(n_rows)[::-1]
    height = 0.7 / n_topics
    palette = [c for i, c in enumerate(OKABE_ITO) if i != 4] * n_topics
    drawn: list[Any] = []
    ax.axvline(0, color="0.5", linewidth=0.8, linestyle="--", zorder=0)
    for j, topic in enumerate(chosen_topics):
        part = frame[frame["topic"] == topic].set_index("term").reindex(chosen_terms)
        y = rows + (n_topics - 1) / 2 * height - j * height
        name = f"{topic}: {labels[topic]}"
        if wrap:
            name = textwrap.fill(name, wrap, break_long_words=False, break_on_hyphens=False)
        style = {"markersize": 3, "capsize": 2.5, "elinewidth": 1.4}
        drawn.append(_interval_points(ax, part, "estimate", y, palette[j], name, **style))
    ax.set_yticks(rows, chosen_terms)
    ax.set_ylim(-0.6, n_rows - 0.4)
    ax.set_xlabel(xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    ncols = min(2, n_topics)
    if created:
        ax.figure.legend(
            drawn,
            [d.get_label() for d in drawn],
            frameon=False,
            fontsize="small",
            loc="outside lower center",
            ncols=ncols,
        )
    else:
        ax.legend(drawn, [d.get_label() for d in drawn], frameon=False, fontsize="small", loc="best")
    _title(ax, title, created)
    return ax


def _interval_points(
    ax: Axes, part: pd.DataFrame, value: str, y: np.ndarray, colour: str, label: str, **style: Any
) -> Any:
    """Draw ``part[value]`` at heights ``y`` as points with horizontal bars to ``ci_low`` and ``ci_high``;
    ``style`` overrides the points' and bars' sizes (``markersize``, ``capsize``, ``linewidth``, ...)."""
    x = part[value].to_numpy(dtype=float)
    err = np.vstack([x - part["ci_low"].to_numpy(dtype=float), part["ci_high"].to_numpy(dtype=float) - x])
    sizes = {"markersize": 4, "capsize": 2, "linewidth": 1, **style}
    return ax.errorbar(x, y, xerr=np.clip(err, 0, None), fmt="o", clip_on=False, color=colour, label=label, **sizes)


def _title(ax: Axes, title: str | None, created: bool) -> None:
    """Title a figure the function made across its whole width (labels included); else title the Axes."""
    if title and created:
        ax.figure.suptitle(title, x=0.01, ha="left", fontsize="medium")
    elif title:
        ax.set_title(title, loc="left")


def _new_axes(width: float, height: float) -> Axes:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return ax


#: How the keyness measures are named on an axis.
_MEASURE_NAMES = {
    "g2": "log-likelihood G2, signed",
    "chi2": "chi-squared, signed",
    "log_ratio": "log2 ratio of relative frequencies",
    "pct_diff": "%DIFF",
    "fightin_words": "Fightin' Words z-score (log-odds, informative prior)",
}


def plot_keyness(
    table: pd.DataFrame,
    *,
    n: int = 15,
    ax: Axes | None = None,
    target_label: str = "target",
    reference_label: str = "reference",
    title: str | None = None,
    significance: str | None = None,
    alpha: float = 0.05,
    effect: str | None = "log_ratio",
    significance_label: str | None = None,
) -> Axes:
    """Draw the ``n`` most positive and ``n`` most negative keywords of a keyness table as diverging bars.

    Both sides are drawn; a side without a term says so on the plot. With a ``significance`` column, the bars of
    terms whose value is below ``alpha`` are solid and the others hatched, and the legend says which is which;
    with an ``effect`` column (the log ratio), each bar is annotated with it, so that the test and the size of
    the difference are read together.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`toolkit.keyness` or of :func:`toolkit.compare_groups`
        for one comparison (``term``, ``score``, ``measure``). The columns before
        ``term`` (the target group's ``by`` columns and ``reference`` of
        :func:`toolkit.compare_groups`) name the comparison: they must hold one
        combination of values.
    n : int, default 15
        Terms drawn on each side (fewer when fewer have a score of that sign).
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes when None.
    target_label, reference_label : str
        Names of the two sides, for the axis label and the legend.
    title : str, optional
        As in :func:`plot_bar`.
    significance : str or None, default None
        Column of p-values that decides solid or hatched bars, e.g. ``"p_adjusted"`` of
        :func:`toolkit.compare_groups` called with ``adjust="bh"`` (with ``adjust=None`` that column holds
        the unadjusted p-values). None, or a column the table lacks: every bar solid, no claim of
        significance. A missing p-value (NaN) claims nothing either way: its bar is solid.
    alpha : float, default 0.05
        Significance level for ``significance``.
    effect : str or None, default "log_ratio"
        Column written beside each bar (the log2 ratio of relative frequencies); None or absent: nothing.
    significance_label : str, optional
        How the legend names the p-values (e.g. ``"BH-adjusted p"``); default: the column's name.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        A column is missing, the table holds more than one comparison or measure,
        ``n`` is not a positive integer, or no term has a score other than 0.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> t = pd.DataFrame({"term": ["a", "b", "c"], "score": [3.0, 1.0, -2.0], "measure": "g2",
    ...                   "p_adjusted": [0.01, 0.4, 0.03], "log_ratio": [2.5, 0.5, -1.5]})
    >>> ax = plot_keyness(t, n=2, significance="p_adjusted")
    >>> [float(p.get_width()) for p in ax.patches]
    [3.0, 1.0, -2.0]
    >>> [p.get_hatch() is not None for p in ax.patches]  # hatched: not significant
    [False, True, False]
    >>> [t.get_text() for t in ax.texts]
    ['+2.5', '+0.5', '-1.5']
    """
    from matplotlib.patches import Patch

    from toolkit.keyness import top_keywords

    check_columns(table, ["term", "score", "measure"], name="table")
    keys = list(table.columns[: table.columns.get_loc("term")])
    if table["measure"].nunique() > 1 or (keys and len(table[keys].drop_duplicates()) > 1):
        raise ValueError(
            f"table holds more than one comparison or measure (the columns {keys + ['measure']} "
            "hold more than one combination); select one group and measure first."
        )
    rows = top_keywords(table, n=n)
    if rows.empty:
        raise ValueError("table has no term with a score other than 0; there is nothing to draw.")
    created = ax is None
    if ax is None:
        ax = _new_axes(7.0, 0.24 * max(len(rows), 4) + 2.0)
    positions = np.arange(len(rows))[::-1]
    scores = rows["score"].to_numpy(dtype=float)
    tested = significance is not None and significance in rows.columns
    p_values = rows[significance].to_numpy(dtype=float) if tested else np.zeros(len(rows))
    significant = ~(p_values >= alpha)  # NaN: untested, no claim (solid)
    colours = [OKABE_ITO[0] if v > 0 else OKABE_ITO[5] for v in scores]
    for pos, score, colour, sig in zip(positions, scores, colours, significant):
        ax.barh(
            pos,
            score,
            height=0.75,
            color=colour if sig else "white",
            edgecolor=colour,
            hatch=None if sig else "////",
            linewidth=0.8,
        )
    ax.set_yticks(positions, rows["term"].astype(str).tolist(), fontsize="small")
    ax.axvline(0, color="black", linewidth=0.8)
    extent = float(np.abs(scores).max())
    if effect is not None and effect in rows.columns:
        for pos, score, value in zip(positions, scores, rows[effect].to_numpy(dtype=float)):
            ax.annotate(
                f"{value:+.1f}",
                (score, pos),
                xytext=(3 if score > 0 else -3, 0),
                textcoords="offset points",
                ha="left" if score > 0 else "right",
                va="center",
                fontsize="x-small",
                color="dimgray",
            )
    ax.set_xlim(-1.25 * extent, 1.25 * extent)  # both sides shown, the labels of the effects inside
    for sign, label, where in ((1, target_label, 0.98), (-1, reference_label, 0.02)):
        if not (np.sign(scores) == sign).any():
            ax.text(
                where,
                0.5,
                f"no term more frequent\nin {label} to draw",
                transform=ax.transAxes,
                ha="right" if sign > 0 else "left",
                va="center",
                fontsize="small",
                color="dimgray",
            )
    measure = str(rows["measure"].iloc[0])
    ax.set_xlabel(f"{_MEASURE_NAMES.get(measure, measure)}\n<- {reference_label}    {target_label} ->")
    handles = [Patch(color=OKABE_ITO[0], label=f"more frequent in {target_label}")]
    handles.append(Patch(color=OKABE_ITO[5], label=f"more frequent in {reference_label}"))
    if tested:
        name = significance_label or significance
        handles.append(
            Patch(facecolor="white", edgecolor="gray", hatch="////", label=f"not significant ({name} >= {alpha:g})")
        )
    if effect is not None and effect in rows.columns:
        handles.append(Patch(color="none", label="numbers: log2 ratio of relative frequencies"))
    if created:  # below the plot, outside it: a legend never covers a bar
        ax.figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False, fontsize="x-small")
    else:
        ax.legend(handles=handles, loc="best", frameon=False, fontsize="x-small")
    ax.spines[["top", "right"]].set_visible(False)
    _title(ax, title, created)
    return ax


def plot_term_scatter(
    target: pd.Series,
    reference: pd.Series,
    *,
    target_label: str = "target",
    reference_label: str = "reference",
    label: int = 10,
    min_count: int = 1,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Plot each term's relative frequency in one group against another, naming the terms farthest apart.

    Both axes are per 1,000 tokens (the toolkit's one base for rates) on a log scale. A term one side never
    uses has no place on a log scale: it is drawn at half a count on that side, inside a shaded band that the
    legend names. The ``label`` terms farthest from the diagonal on each side (by log ratio, among terms seen
    at least 5 times in all) are named in the side's colour, each joined to its point by a thin line.

    Parameters
    ----------
    target, reference : Series
        Term counts (index: term); their sums are the sizes of the two sides.
    target_label, reference_label : str
        Axis labels and legend (the groups' names).
    label : int, default 10
        Terms named on each side of the diagonal.
    min_count : int, default 1
        Draw only terms seen at least this often on both sides together.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes when None.
    title : str, optional
        As in :func:`plot_bar`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_term_scatter(pd.Series({"a": 10, "b": 1}), pd.Series({"a": 5, "c": 5}), label=1)
    >>> len(ax.collections[0].get_offsets())
    3
    >>> [t.get_text() for t in ax.figure.legends[0].get_texts()][:2]
    ['a term', 'more frequent in target']
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    for name, counts in (("target", target), ("reference", reference)):
        if not isinstance(counts, pd.Series) or counts.sum() <= 0:
            raise ValueError(f"{name} must be a Series of term counts with a positive sum.")
    terms = target.index.union(reference.index)
    a = target.reindex(terms, fill_value=0).astype(float)
    b = reference.reindex(terms, fill_value=0).astype(float)
    keep = (a + b) >= min_count
    a, b = a[keep], b[keep]
    x = np.where(b > 0, b, 0.5) / reference.sum() * 1_000
    y = np.where(a > 0, a, 0.5) / target.sum() * 1_000
    created = ax is None
    if ax is None:
        ax = _new_axes(6.0, 6.2)
    ax.scatter(x, y, s=6, alpha=0.35, color=OKABE_ITO[7], linewidths=0)
    ax.set_xscale("log")
    ax.set_yscale("log")
    floor_x, floor_y = 0.5 / reference.sum() * 1_000, 0.5 / target.sum() * 1_000
    low, high = min(x.min(), y.min()) * 0.6, max(x.max(), y.max()) * 1.25
    ax.axvspan(low, floor_x * 1.2, color=OKABE_ITO[7], alpha=0.07, linewidth=0)
    ax.axhspan(low, floor_y * 1.2, color=OKABE_ITO[7], alpha=0.07, linewidth=0)
    ax.plot([low, high], [low, high], color=OKABE_ITO[7], linewidth=0.8, linestyle=":")
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ratio = pd.Series(np.log2(y / x), index=a.index)[(a + b) >= 5]
    # the names in two columns, in the empty corners (above the diagonal on the left, below it on the right),
    # ordered as their points are from top to bottom and joined to them by thin lines: no name over another
    columns = (
        (ratio[ratio > 0].nlargest(label), OKABE_ITO[0], 0.30, 0.96),
        (ratio[ratio < 0].nsmallest(label), OKABE_ITO[5], 0.86, 0.46),
    )
    step = min(0.04, 0.42 / max(label, 1))  # every name inside the plot, however many
    for terms_side, colour, column_x, top in columns:
        rows = sorted(((y[a.index.get_loc(t)], x[a.index.get_loc(t)], str(t)) for t in terms_side.index), reverse=True)
        for k, (yi, xi, term) in enumerate(rows):
            ax.scatter([xi], [yi], s=10, color=colour, linewidths=0, zorder=3)
            ax.annotate(
                term,
                (xi, yi),
                xytext=(column_x, top - k * step),
                textcoords="axes fraction",
                fontsize="x-small",
                color=colour,
                ha="left",
                va="center",
                arrowprops={
                    "arrowstyle": "-",
                    "color": colour,
                    "linewidth": 0.3,
                    "alpha": 0.6,
                    "shrinkA": 1,
                    "shrinkB": 2,
                },
            )
    ax.set_xlabel(f"{reference_label} (per 1,000 tokens, log scale)")
    ax.set_ylabel(f"{target_label} (per 1,000 tokens, log scale)")
    handles = [
        Line2D([], [], marker="o", linestyle="", color=OKABE_ITO[7], alpha=0.5, markersize=3, label="a term"),
        Line2D(
            [], [], marker="o", linestyle="", color=OKABE_ITO[0], markersize=4, label=f"more frequent in {target_label}"
        ),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color=OKABE_ITO[5],
            markersize=4,
            label=f"more frequent in {reference_label}",
        ),
        Line2D([], [], color=OKABE_ITO[7], linestyle=":", linewidth=0.8, label="equal rates"),
        Patch(color=OKABE_ITO[7], alpha=0.15, label="not used by one side (drawn at half a count)"),
    ]
    if created:
        ax.figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False, fontsize="x-small")
    else:
        ax.legend(handles=handles, loc="lower right", frameon=False, fontsize="x-small")
    ax.spines[["top", "right"]].set_visible(False)
    _title(ax, title, created)
    return ax


def _spread_labels(ax: Axes, notes: list, *, step: float = 7.0, tries: int = 12) -> None:
    """Move annotations up or down, in steps of ``step`` points, until none overlaps a placed one."""
    if not notes:
        return
    renderer = cast(Any, ax.figure.canvas).get_renderer()
    placed: list = []
    for note in notes:
        x0, y0 = note.xyann
        for k in range(tries + 1):
            offset = step * ((k + 1) // 2) * (1 if k % 2 else -1)  # 0, +1, -1, +2, -2, ... steps
            note.xyann = (x0, y0 + offset)
            box = note.get_window_extent(renderer).expanded(1.05, 1.1)
            if not any(box.overlaps(other) for other in placed):
                break
        placed.append(note.get_window_extent(renderer))


def plot_positions(
    positions: pd.DataFrame,
    *,
    by: str | None = None,
    label: str = "doc_id",
    highlight: Sequence[str] = (),
    ax: Axes | None = None,
    xlabel: str = "position (theta)",
    title: str | None = None,
) -> Axes:
    """Draw each document's position on a scale as a point with its interval, the lowest at the bottom.

    Parameters
    ----------
    positions : DataFrame
        One row per document with ``theta``, ``ci_low``, ``ci_high`` and the ``label``
        column: :meth:`toolkit.Wordfish.positions` (or its :meth:`~toolkit.Wordfish.transform`
        of new documents, concatenated).
    by : str, optional
        A column whose values colour the points (in the order of their first rows),
        with a legend; None: one colour.
    label : str, default "doc_id"
        The column that names each row on the vertical axis.
    highlight : sequence of str, default ()
        Labels drawn larger, as an open diamond in black, and named in bold (a document
        projected onto the scale, for example).
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes when None.
    xlabel : str, default "position (theta)"
    title : str, optional
        As in :func:`plot_bar`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> p = pd.DataFrame({"doc_id": ["a", "b", "c"], "theta": [0.5, -1.0, 0.2], "ci_low": [0.3, -1.2, -0.1],
    ...                   "ci_high": [0.7, -0.8, 0.5], "country": ["X", "Y", "X"]})
    >>> ax = plot_positions(p, by="country", highlight=["c"])
    >>> [t.get_text() for t in ax.get_yticklabels()]  # from the bottom up
    ['b', 'c', 'a']
    """
    columns = ["theta", "ci_low", "ci_high", label] + ([by] if by is not None else [])
    check_columns(positions, columns, name="positions")
    if positions.empty:
        raise ValueError("positions is empty; there is nothing to plot.")
    ordered = positions.sort_values(["theta", label], kind="mergesort").reset_index(drop=True)
    names = ordered[label].astype(str)
    created = ax is None
    if ax is None:
        longest = max(len(n) for n in names)
        ax = _new_axes(4.5 + 0.07 * longest, 0.24 * len(ordered) + 1.4)
    y = np.arange(len(ordered), dtype=float)
    marked = names.isin([str(h) for h in highlight]).to_numpy()
    groups = list(dict.fromkeys(ordered[by].astype(str))) if by is not None else [""]
    for k, group in enumerate(groups):
        mask = ~marked & ((ordered[by].astype(str) == group).to_numpy() if by is not None else True)
        if mask.any():
            _interval_points(ax, ordered[mask], "theta", y[mask], OKABE_ITO[k % 7], group or "document")
    if marked.any():
        projected = _interval_points(
            ax, ordered[marked], "theta", y[marked], OKABE_ITO[7], "projected", markersize=7, fillstyle="none"
        )
        projected.lines[0].set_marker("D")
    ax.axvline(0, color=OKABE_ITO[7], linewidth=0.5, linestyle=":")
    ax.set_yticks(y, names)
    for tick, bold in zip(ax.get_yticklabels(), marked):
        if bold:
            tick.set_fontweight("bold")
    ax.set_ylim(-0.7, len(ordered) - 0.3)
    ax.set_xlabel(xlabel)
    if by is not None or marked.any():
        if created:
            handles, labels_ = ax.get_legend_handles_labels()
            ax.figure.legend(
                handles,
                labels_,
                loc="outside lower center",
                ncols=min(len(labels_), 6),
                frameon=False,
                fontsize="small",
            )
        else:
            ax.legend(frameon=False, fontsize="small", loc="best")
    ax.spines[["top", "right"]].set_visible(False)
    _title(ax, title, created)
    return ax


def plot_word_weights(
    weights: Any,
    *,
    n_labels: int = 10,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The "Eiffel tower" of a Wordfish model: each word's weight (beta) against its fixed effect (psi).

    Frequent words (high ``psi``) carry little weight; the words that tell the documents
    apart are rarer and sit at the tower's feet, far left and far right. The ``n_labels``
    words with the most negative and the most positive ``beta`` are named, each side in
    its colour.

    Parameters
    ----------
    weights : DataFrame or fitted Wordfish
        ``term``, ``beta`` and ``psi`` columns (:meth:`toolkit.Wordfish.word_weights`),
        or the model itself.
    n_labels : int, default 10
        Words named at each end.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes when None.
    title : str, optional
        As in :func:`plot_bar`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> w = pd.DataFrame({"term": ["the", "peace", "sanctions"], "beta": [0.0, -1.5, 2.0], "psi": [3.0, -1.0, -1.2]})
    >>> ax = plot_word_weights(w, n_labels=1)
    >>> sorted(t.get_text() for t in ax.texts)
    ['peace', 'sanctions']
    """
    frame = weights.word_weights() if hasattr(weights, "word_weights") else weights
    check_columns(frame, ["term", "beta", "psi"], name="weights")
    if isinstance(n_labels, bool) or not isinstance(n_labels, (int, np.integer)) or n_labels < 0:
        raise ValueError(f"n_labels={n_labels!r} is invalid; must be an integer >= 0.")
    if frame.empty:
        raise ValueError("weights is empty; there is nothing to plot.")
    created = ax is None
    if ax is None:
        ax = _new_axes(6.4, 5.0)
    beta, psi = frame["beta"].to_numpy(dtype=float), frame["psi"].to_numpy(dtype=float)
    ax.scatter(beta, psi, s=5, alpha=0.3, color=OKABE_ITO[7], linewidths=0)
    # ties in beta go by term, so the names chosen do not depend on the row order
    order = frame.assign(_t=frame["term"].astype(str)).sort_values(["beta", "_t"], kind="mergesort").index
    n = min(int(n_labels), len(frame) // 2) if len(frame) > 1 else min(int(n_labels), 1)
    notes = []
    for rows, colour, ha in ((order[:n], OKABE_ITO[5], "right"), (order[len(order) - n :], OKABE_ITO[0], "left")):
        for row in rows:
            x, y = float(frame.at[row, "beta"]), float(frame.at[row, "psi"])
            ax.scatter([x], [y], s=9, color=colour, linewidths=0, zorder=3)
            notes.append(
                ax.annotate(
                    str(frame.at[row, "term"]),
                    (x, y),
                    xytext=(-3 if ha == "right" else 3, 0),
                    textcoords="offset points",
                    fontsize="x-small",
                    color=colour,
                    ha=ha,
                    va="center",
                )
            )
    ax.axvline(0, color=OKABE_ITO[7], linewidth=0.5, linestyle=":")
    ax.set_xlabel("word weight (beta)")
    ax.set_ylabel("word fixed effect (psi)")
    ax.spines[["top", "right"]].set_visible(False)
    _spread_labels(ax, notes, step=4.0, tries=40)
    _title(ax, title, created)
    return ax
