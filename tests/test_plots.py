"""Tests of toolkit.plots: what is drawn, and that nothing global changes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
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


def test_plot_keyness_draws_top_positive_then_negative():
    table = pd.DataFrame({"term": list("abcdef"), "score": [5.0, 4.0, 0.0, -1.0, -3.0, 2.0], "measure": "g2"})
    ax = tk.plot_keyness(table, n=2, target_label="Xing", reference_label="others")
    assert [float(p.get_width()) for p in ax.patches] == [5.0, 4.0, -1.0, -3.0]
    labels = sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])
    assert [t.get_text() for t in labels] == ["a", "b", "d", "e"]
    assert "Xing" in ax.get_xlabel() and "others" in ax.get_xlabel() and "G2" in ax.get_xlabel()
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="more than one comparison"):
        tk.plot_keyness(table.assign(measure=["g2", "chi2"] * 3))
    with pytest.raises(ValueError, match="n=0 is invalid"):
        tk.plot_keyness(table, n=0)


def test_plot_term_scatter_points_axes_and_labels_do_not_overlap():
    rng = np.random.default_rng(0)
    terms = [f"w{i}" for i in range(300)]
    target = pd.Series(rng.integers(0, 50, 300), index=terms)
    reference = pd.Series(rng.integers(0, 50, 300), index=terms)
    ax = tk.plot_term_scatter(target, reference, target_label="CHN", reference_label="USA", label=8)
    kept = ((target + reference) >= 1).sum()
    assert len(ax.collections[0].get_offsets()) == kept
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert (
        ax.get_xlabel() == "USA (per 1,000 tokens, log scale)"
        and ax.get_ylabel() == "CHN (per 1,000 tokens, log scale)"
    )
    assert len(ax.texts) == 16
    renderer = ax.figure.canvas.get_renderer()
    from matplotlib.text import Text

    for t in ax.texts:
        t.update_positions(renderer)
    boxes = [Text.get_window_extent(t, renderer) for t in ax.texts]  # the names, not their leader lines
    overlaps = sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert overlaps == 0
    plt.close(ax.figure)


def test_plot_rates_points_intervals_and_legend():
    rates = pd.DataFrame(
        {
            "group": ["Xing", "Xing", "others", "others"],
            "category": ["hedge", "booster"] * 2,
            "rate_per_1k": [19.0, 5.4, 11.0, 1.4],
            "ci_low": [6.2, 0.0, 4.1, 0.0],
            "ci_high": [31.5, 12.4, 19.2, 4.8],
        }
    )
    ax = tk.plot_rates(rates)
    assert len(ax.containers) == 2  # one errorbar container per category
    hedge = ax.containers[0]
    xs = hedge.lines[0].get_xdata()
    assert list(xs) == [19.0, 11.0]
    segments = hedge.lines[2][0].get_segments()  # the horizontal interval bars
    np.testing.assert_allclose([seg[:, 0] for seg in segments], [[6.2, 31.5], [4.1, 19.2]])
    assert [t.get_text() for t in ax.figure.legends[0].get_texts()] == ["hedge", "booster"]  # outside the Axes
    assert ax.get_xlabel() == "per 1,000 tokens"
    plt.close(ax.figure)


def test_plot_timeline_one_line_per_group_with_bands():
    frame = pd.DataFrame(
        {
            "year": [1971, 1972, 1971, 1972],
            "rate_per_1k": [5.0, 6.0, 3.0, 2.0],
            "ci_low": [4.0, 5.0, 2.0, 1.0],
            "ci_high": [6.0, 7.0, 4.0, 3.0],
            "group": ["CHN", "CHN", "USA", "USA"],
        }
    )
    ax = tk.plot_timeline(frame)
    assert [line.get_label() for line in ax.get_lines()] == ["CHN", "USA"]
    assert list(ax.get_lines()[0].get_ydata()) == [5.0, 6.0]
    assert len(ax.collections) == 2  # the interval bands
    assert ax.get_xlabel() == "year" and ax.get_ylabel() == "per 1,000 tokens"
    plt.close(ax.figure)


def test_plot_timeline_highlight_draws_one_group_bold_with_its_band_and_the_others_thin():
    frame = pd.DataFrame(
        {
            "year": [1971, 1972] * 3,
            "rate_per_1k": [5.0, 6.0, 3.0, 2.0, 4.0, 4.5],
            "ci_low": [4.0, 5.0, 2.0, 1.0, 3.0, 3.5],
            "ci_high": [6.0, 7.0, 4.0, 3.0, 5.0, 5.5],
            "group": ["CHN", "CHN", "USA", "USA", "FRA", "FRA"],
        }
    )
    ax = tk.plot_timeline(frame, highlight=["CHN"])
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"CHN", "FRA", "USA"}
    assert lines["CHN"].get_linewidth() > lines["USA"].get_linewidth() == lines["FRA"].get_linewidth()
    assert len(ax.collections) == 1  # only China's band
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == 4.0 and band[:, 1].max() == 7.0
    colours = {name: line.get_color() for name, line in lines.items()}
    assert len(set(colours.values())) == 3
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="no group 'GBR'"):
        tk.plot_timeline(frame, highlight=["GBR"])
    numbered = frame.assign(group=frame["group"].map({"CHN": 1, "USA": 2, "FRA": 3}))
    ax = tk.plot_timeline(numbered, highlight=[1])  # groups that are not strings
    assert len(ax.collections) == 1
    plt.close(ax.figure)


def test_plot_select_k_three_panels_with_the_table_values():
    table = pd.DataFrame(
        {
            "k": [10, 5, 20],
            "coherence": [-0.070, -0.060, -0.068],
            "coherence_sd": [0.01] * 3,
            "perplexity": [12658.0, 8032.0, 24543.0],
            "stability": [0.647, 0.756, 0.591],
            "stability_min": [0.128, 0.313, 0.065],
        }
    )
    axes = tk.plot_select_k(table, title="Choosing k")
    assert len(axes) == 3
    assert list(axes[0].get_lines()[0].get_xdata()) == [5.0, 10.0, 20.0]
    assert list(axes[1].get_lines()[0].get_ydata()) == [8032.0, 12658.0, 24543.0]
    assert list(axes[2].get_lines()[1].get_ydata()) == [0.313, 0.128, 0.065]
    assert [ax.get_xlabel() for ax in axes] == ["k (topics)"] * 3
    assert axes[0].get_ylabel() == "coherence (±1 sd)"
    assert len(axes[0].collections) == 1  # the ±1 sd band
    plt.close(axes[0].figure)
    axes = tk.plot_select_k(table.assign(measure="npmi"))
    assert axes[0].get_ylabel() == "coherence (NPMI, ±1 sd)"
    plt.close(axes[0].figure)


def _prevalence():
    """A topic_prevalence frame from a real fit: the docs of its doctest and three mixed ones."""
    docs = pd.DataFrame(
        {
            "doc_id": list("abcdefghi"),
            "country": ["X", "X", "Y", "Y", "X", "Y", "X", "Y", "X"],
            "text": [
                "nuclear weapons treaty",
                "nuclear treaty talks",
                "climate emissions finance",
                "climate finance adaptation",
                "nuclear weapons talks",
                "emissions adaptation finance",
                "nuclear treaty finance talks",
                "climate finance nuclear",
                "weapons talks emissions",
            ],
        }
    )
    model = tk.fit_topics(docs, k=2, method="nmf", min_docs=1, max_docs=1.0)
    return tk.topic_prevalence(model, docs, by="country", n_boot=200)


def test_plot_topic_prevalence_points_intervals_and_legend():
    prev = _prevalence()
    before = dict(matplotlib.rcParams)
    ax = tk.plot_topic_prevalence(prev, by="country")
    assert len(ax.containers) == 2  # one errorbar container per group
    labels = prev.drop_duplicates("topic").sort_values("topic")["label"].tolist()
    for container, group in zip(ax.containers, ["X", "Y"]):
        rows = prev[prev["country"] == group].sort_values("topic")
        xs = container.lines[0].get_xdata()
        assert len(xs) == 2  # one point per topic
        np.testing.assert_allclose(xs, rows["mean"])
        segments = container.lines[2][0].get_segments()  # the horizontal interval bars
        np.testing.assert_allclose([seg[:, 0] for seg in segments], rows[["ci_low", "ci_high"]].to_numpy())
    # topics top to bottom in topic order; within a row the first group is on top
    ticks = sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])
    assert [t.get_text() for t in ticks] == labels == [t.get_text() for t in ax.get_yticklabels()]
    x_y, y_y = (c.lines[0].get_ydata() for c in ax.containers)
    assert (x_y > y_y).all()
    assert y_y[0] > x_y[1]  # topic 0's lowest point is above topic 1's highest: the rows do not interleave
    assert ax.get_xlabel() == "mean topic proportion (share of a document)"
    assert ax.get_xlim()[0] < 0  # a margin: points at 0 and their intervals stay in view (issue 17)
    (legend,) = ax.figure.legends  # a figure the function made gets the figure's legend
    assert [t.get_text() for t in legend.get_texts()] == ["X (n=5)", "Y (n=4)"]
    assert ax.figure.get_size_inches()[0] <= 6.5
    assert dict(matplotlib.rcParams) == before
    plt.close(ax.figure)


def test_plot_topic_prevalence_on_given_axes_chooses_and_orders_groups_and_topics():
    prev = _prevalence()
    fig, ax = plt.subplots(layout="constrained")
    out = tk.plot_topic_prevalence(prev, by="country", groups=["Y", "X"], topics=[1], ax=ax, title="Topics by country")
    assert out is ax and len(fig.axes) == 1
    assert [t.get_text() for t in ax.get_yticklabels()] == prev.loc[prev["topic"] == 1, "label"].iloc[:1].tolist()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Y (n=4)", "X (n=5)"]
    y_first = prev[(prev["country"] == "Y") & (prev["topic"] == 1)]["mean"].tolist()
    np.testing.assert_allclose(ax.containers[0].lines[0].get_xdata(), y_first)
    assert ax.containers[0].lines[0].get_ydata()[0] > ax.containers[1].lines[0].get_ydata()[0]
    renderer = fig.canvas.get_renderer()
    assert ax.get_title(loc="left") == "Topics by country"
    assert ax._left_title.get_window_extent(renderer).y0 >= ax.get_legend().get_window_extent(renderer).y1
    plt.close(fig)


def test_plot_topic_prevalence_height_grows_with_topics_and_labels_do_not_overlap():
    labels = [
        "nuclear, weapons, treaty",
        "development, cooperation, international",
        "security, council, resolution",
        "climate, change, emissions",
        "human, rights, freedom",
        "trade, economic, growth",
        "peace, people, war",
        "terrorism, threat, counter",
    ]
    groups = {"China": 52, "United States": 61, "Russian Federation": 47}
    rng = np.random.default_rng(0)
    rows = []
    for group, n in groups.items():
        for topic, (label, mean) in enumerate(zip(labels, rng.dirichlet(np.ones(8)))):
            rows.append(
                {
                    "group": group,
                    "topic": topic,
                    "label": label,
                    "mean": mean,
                    "ci_low": mean * 0.7,
                    "ci_high": mean * 1.3,
                    "n_docs": n,
                }
            )
    prev = pd.DataFrame(rows)
    ax = tk.plot_topic_prevalence(prev)
    small = tk.plot_topic_prevalence(prev, topics=[0, 1, 2, 3])
    assert ax.figure.get_size_inches()[0] == 6.5
    assert ax.figure.get_size_inches()[1] > small.figure.get_size_inches()[1]
    ax.figure.canvas.draw()
    ticks = ax.get_yticklabels()
    assert ticks[1].get_text() == "development, cooperation,\ninternational"  # long labels wrap
    boxes = [t.get_window_extent() for t in ticks]
    assert sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]) == 0
    # the legend, points and labels stay inside the figure
    (legend,) = ax.figure.legends
    ax.figure.canvas.draw()
    box = legend.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= ax.figure.bbox.x1 + 1 and box.y1 <= ax.figure.bbox.y1 + 1
    assert not box.overlaps(ax.get_window_extent())  # clear of the points
    assert box.y1 < ax.xaxis.label.get_window_extent().y0  # below the x label
    assert ax.get_tightbbox().x1 <= ax.figure.bbox.x1 + 1
    # long names: two columns, read row by row (matplotlib fills columns first, hence this order)
    assert [t.get_text() for t in legend.get_texts()] == [
        "China (n=52)",
        "Russian Federation (n=47)",
        "United States (n=61)",
    ]
    plt.close(ax.figure)
    plt.close(small.figure)


def test_plot_topic_prevalence_bad_input():
    prev = _prevalence().rename(columns={"country": "group"})
    with pytest.raises(ValueError, match="prevalence lacks the column.*'n_docs'"):
        tk.plot_topic_prevalence(prev.drop(columns="n_docs"))
    with pytest.raises(ValueError, match="prevalence is empty"):
        tk.plot_topic_prevalence(prev.iloc[0:0])
    with pytest.raises(ValueError, match="no group 'Z'; its groups are 'X', 'Y'"):
        tk.plot_topic_prevalence(prev, groups=["X", "Z"])
    with pytest.raises(ValueError, match="no topic 7; its topics are 0, 1"):
        tk.plot_topic_prevalence(prev, topics=[0, 7])
    with pytest.raises(ValueError, match="more than one row for group 'X' and topic 0 \\(column 'group'\\)"):
        tk.plot_topic_prevalence(pd.concat([prev, prev]))
    with pytest.raises(ValueError, match="topic 0 has more than one label"):
        tk.plot_topic_prevalence(prev.assign(label=["a", "b", "c", "d"]))
    plt.close("all")


# ---------------------------------------------------------------- issue #11: group keys stay columns


def test_plot_rates_takes_the_by_column_of_match_rates():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "text": ["We may agree.", "Perhaps so.", "We will.", "We do."],
            "role": ["envoy", "envoy", "minister", "minister"],
        }
    )
    rates = tk.match_rates(tk.find_stance(docs), docs, by="role", categories=["hedge", "self_mention"], n_resamples=100)
    assert "group" not in rates.columns
    ax = tk.plot_rates(rates, by="role")
    top_down = sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])
    assert [t.get_text() for t in top_down] == ["envoy", "minister"]  # groups in the frame's order, the first on top
    assert (
        list(ax.containers[0].lines[0].get_xdata()) == rates.loc[rates["category"] == "hedge", "rate_per_1k"].tolist()
    )
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="rates lacks the column.*'group'"):
        tk.plot_rates(rates)


def test_plot_keyness_refuses_a_table_of_several_comparisons_named_by_their_by_columns():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "text": ["we firmly oppose", "we hope", "we may hope"],
            "speaker": ["Xing", "Kim", "Lee"],
        }
    )
    every = tk.compare_groups(docs, by="speaker")  # each speaker against the rest: three comparisons
    with pytest.raises(ValueError, match="more than one comparison"):
        tk.plot_keyness(every)
    ax = tk.plot_keyness(every[every["speaker"] == "Xing"], n=3)
    assert len(ax.patches) > 0
    plt.close(ax.figure)


def test_plot_topic_prevalence_takes_the_by_column_of_topic_prevalence():
    prev = _prevalence()
    assert "group" not in prev.columns
    with pytest.raises(ValueError, match=r"no column by='group'; pass by='country'"):
        tk.plot_topic_prevalence(prev)
    with pytest.raises(ValueError, match=r"no group 'Z'; its groups are 'X', 'Y' \(column 'country'\)"):
        tk.plot_topic_prevalence(prev, by="country", groups=["Z"])
    # several by columns: their combinations are named by a column the caller adds; without one, two rows
    # of one topic under one value are refused rather than drawn over each other
    two = pd.concat([prev.assign(year=2020), prev.assign(year=2021)], ignore_index=True)
    with pytest.raises(ValueError, match="more than one row for group 'X' and topic 0 \\(column 'country'\\)"):
        tk.plot_topic_prevalence(two, by="country")
    ax = tk.plot_topic_prevalence(two.assign(who=two["country"] + " " + two["year"].astype(str)), group="who")
    assert sorted(t.get_text() for t in ax.figure.legends[0].get_texts()) == [
        "X 2020 (n=5)",
        "X 2021 (n=5)",
        "Y 2020 (n=4)",
        "Y 2021 (n=4)",
    ]
    plt.close(ax.figure)
    # a non-string key (an integer decade) is drawn and chosen by its str
    decades = prev.assign(decade=prev["country"].map({"X": 1990, "Y": 2000})).drop(columns="country")
    ax = tk.plot_topic_prevalence(decades, by="decade", groups=[2000, "1990"])
    assert [t.get_text() for t in ax.figure.legends[0].get_texts()] == ["2000 (n=4)", "1990 (n=5)"]
    plt.close(ax.figure)


def test_plot_keyness_marks_significance_says_effects_and_an_empty_side():
    """Issue 17: hatched bars for terms not significant after correction, the log ratio beside each bar, a
    legend naming both, and a side without terms said on the plot (not an axis that promises it)."""
    table = pd.DataFrame(
        {
            "term": ["a", "b", "c"],
            "score": [9.0, 4.0, 2.0],
            "measure": "g2",
            "p_adjusted": [0.001, 0.2, 0.049],
            "log_ratio": [3.25, 1.0, 0.5],
        }
    )
    ax = tk.plot_keyness(
        table,
        n=5,
        target_label="Xing",
        reference_label="others",
        significance="p_adjusted",
        significance_label="adjusted p",
    )
    assert [p.get_hatch() is not None for p in ax.patches] == [False, True, False]
    assert [t.get_text() for t in ax.texts if t.get_text().startswith("+")] == ["+3.2", "+1.0", "+0.5"]
    assert any("no term more frequent\nin others" in t.get_text() for t in ax.texts)
    untested = tk.plot_keyness(table.assign(p_adjusted=np.nan), n=5, significance="p_adjusted")
    assert all(p.get_hatch() is None for p in untested.patches)  # no p-value: no claim of non-significance
    plt.close(untested.figure)
    legend = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert "not significant (adjusted p >= 0.05)" in legend and any("log2 ratio" in t for t in legend)
    plt.close(ax.figure)
    plain = tk.plot_keyness(table.drop(columns=["p_adjusted", "log_ratio"]), n=5)  # nothing claimed
    assert all(p.get_hatch() is None for p in plain.patches) and not [t for t in plain.texts if "+" in t.get_text()]
    plt.close(plain.figure)


def test_pooled_trend_is_matches_over_tokens_of_the_window_and_refuses_an_even_window():
    rng = np.random.default_rng(3)
    years = np.array([1990, 1991, 1993, 1994, 1995, 1998])  # gaps: a window counts years, not rows
    frame = pd.DataFrame(
        {
            "country": "CHN",
            "year": years,
            "n": rng.integers(0, 30, len(years)),
            "tokens": rng.integers(1, 900, len(years)),
        }
    )
    out = tk.pooled_trend(frame, by="country", window=5)
    for year, rate in zip(out["year"], out["rate_per_1k"]):
        near = frame[(frame["year"] - year).abs() <= 2]  # by hand: the rows within two years
        assert rate == pytest.approx(near["n"].sum() / near["tokens"].sum() * 1000, rel=1e-12)
    assert out["n"].tolist()[0] == frame.loc[frame["year"] <= 1992, "n"].sum()
    with pytest.raises(ValueError, match="window=4 is invalid"):
        tk.pooled_trend(frame, by="country", window=4)


def test_plot_trends_draws_a_panel_per_group_and_row_with_every_point_in_view():
    frame = pd.DataFrame(
        {
            "country": ["A", "A", "B", "B"] * 2,
            "year": [2000, 2001] * 4,
            "category": ["hedge"] * 4 + ["booster"] * 4,
            "n": [1, 2, 30, 4, 5, 6, 7, 8],
            "tokens": [100] * 8,
        }
    ).assign(rate_per_1k=lambda f: f["n"] * 10.0)
    axes = tk.plot_trends(frame, by="country", window=1, panel_titles={"hedge": "hedges"})
    assert axes.shape == (2, 2)
    assert [ax.get_title() for ax in axes[0]] == ["A", "B"]
    assert axes[0, 0].get_ylabel().startswith("hedges")  # the named row first
    assert axes[0, 0].get_ylim()[1] >= 300  # B's 300 per 1,000 is in view on A's shared axis too
    plt.close(axes[0, 0].figure)
    with pytest.raises(ValueError, match=r"groups=\['C'\]: no such value in frame\['country'\]; the groups are A, B"):
        tk.plot_trends(frame, by="country", groups=["A", "C"])


def test_plot_select_k_marks_the_chosen_k():
    table = pd.DataFrame(
        {"k": [3, 6], "coherence": [-0.05, -0.04], "perplexity": [10.0, 12.0], "stability": [0.9, 0.8]}
    )
    axes = tk.plot_select_k(table, chosen=6)
    assert all(any(t.get_text() == "chosen: k = 6" for t in ax.texts) for ax in axes)
    plt.close(axes[0].figure)


def test_plot_topic_prevalence_draws_a_single_document_as_a_diamond_without_an_interval():
    prev = _prevalence()
    one = prev[prev["country"] == "X"].assign(country="interview", n_docs=1, ci_low=np.nan, ci_high=np.nan)
    ax = tk.plot_topic_prevalence(pd.concat([one, prev], ignore_index=True), by="country")
    assert len(ax.containers) == 2  # error bars for the two countries only
    diamonds = [line for line in ax.get_lines() if line.get_marker() == "D"]
    assert len(diamonds) == 1 and diamonds[0].get_color() == tk.OKABE_ITO[7]
    legend = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert "interview (one document: no interval)" in legend
    colours = {matplotlib.colors.to_hex(c.lines[0].get_color()) for c in ax.containers}
    assert len(colours) == 2 and tk.OKABE_ITO[4].lower() not in colours  # no sky blue beside the blue
    plt.close(ax.figure)


def test_pooled_trend_refuses_two_rows_of_one_group_and_year():
    frame = pd.DataFrame(
        {
            "country": "CHN",
            "year": [2000, 2000, 2001, 2001],
            "category": ["hedge", "booster"] * 2,
            "n": [10, 0, 10, 0],
            "tokens": [1000] * 4,
        }
    )
    with pytest.raises(ValueError, match="more than one row for country='CHN', year=2000"):
        tk.pooled_trend(frame, by="country", window=1)
    hedges = tk.pooled_trend(frame[frame["category"] == "hedge"], by="country", window=1)
    assert hedges["rate_per_1k"].tolist() == [10.0, 10.0]


def test_plot_term_scatter_names_each_term_once_on_its_own_side():
    ax = tk.plot_term_scatter(pd.Series({"a": 10, "b": 1, "d": 9}), pd.Series({"a": 5, "c": 5, "d": 1}), label=5)
    names = [t.get_text() for t in ax.texts]
    assert sorted(names) == sorted(set(names))  # a short side is not filled with the other side's terms
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours.get("c") == tk.OKABE_ITO[5] and colours.get("d") == tk.OKABE_ITO[0]
    plt.close(ax.figure)


def _effects_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "topic": [0, 0, 0, 1, 1, 1],
            "label": ["nuclear, treaty"] * 3 + ["climate, finance"] * 3,
            "term": ["(Intercept)", "country[T.USA]", "year"] * 2,
            "covariate": [pd.NA, "country", "year"] * 2,
            "level": [pd.NA, "USA", pd.NA] * 2,
            "estimate": [0.6, -0.2, 0.01, 0.4, 0.2, -0.01],
            "std_error": [0.05] * 6,
            "ci_low": [0.5, -0.3, 0.0, 0.3, 0.1, -0.02],
            "ci_high": [0.7, -0.1, 0.02, 0.5, 0.3, 0.0],
        }
    )


def test_plot_topic_effects_draws_terms_as_rows_and_topics_side_by_side_on_the_given_axes():
    fig, ax = plt.subplots()
    before = dict(matplotlib.rcParams)
    out = tk.plot_topic_effects(_effects_frame(), ax=ax, title="effects")
    assert out is ax and dict(matplotlib.rcParams) == before
    assert [t.get_text() for t in ax.get_yticklabels()] == ["country[T.USA]", "year"]  # no intercept by default
    assert [float(x) for x in ax.containers[0].lines[0].get_xdata()] == [-0.2, 0.01]
    assert [float(x) for x in ax.containers[1].lines[0].get_xdata()] == [0.2, -0.01]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0: nuclear, treaty", "1: climate, finance"]
    assert any(line.get_xdata()[0] == 0 and line.get_linestyle() == "--" for line in ax.lines)  # the zero line
    plt.close(fig)
    one = tk.plot_topic_effects(_effects_frame(), topics=[1], terms=["year", "(Intercept)"])
    assert [t.get_text() for t in one.get_yticklabels()] == ["year", "(Intercept)"]
    assert len(one.containers) == 1
    plt.close(one.figure)


def test_plot_topic_effects_bad_input():
    with pytest.raises(ValueError, match="no topic 5"):
        tk.plot_topic_effects(_effects_frame(), topics=[5])
    with pytest.raises(ValueError, match="no term 'decade'"):
        tk.plot_topic_effects(_effects_frame(), terms=["decade"])
    with pytest.raises(ValueError, match="lacks the column"):
        tk.plot_topic_effects(_effects_frame().drop(columns="ci_low"))
    with pytest.raises(ValueError, match="more than one row for topic 0"):
        tk.plot_topic_effects(pd.concat([_effects_frame(), _effects_frame()]))


def test_plot_marginal_prevalence_draws_a_one_document_value_with_its_interval():
    p = pd.DataFrame(
        {
            "decade": [1990, 1990, 2000, 2000],
            "topic": [0, 1, 0, 1],
            "label": ["nuclear", "climate"] * 2,
            "estimate": [0.8, 0.2, 0.3, 0.7],
            "std_error": [0.05] * 4,
            "ci_low": [0.7, 0.1, 0.1, 0.5],
            "ci_high": [0.9, 0.3, 0.5, 0.9],
            "n_docs": [3, 3, 1, 1],
        }
    )
    fig, ax = plt.subplots()
    assert tk.plot_marginal_prevalence(p, ax=ax) is ax
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1990 (n=3)", "2000 (n=1)"]
    assert len(ax.containers) == 2  # an errorbar for the one-document decade too
    plt.close(fig)
    below = tk.plot_marginal_prevalence(p.assign(ci_low=[0.7, -0.1, 0.1, 0.5]))
    assert below.get_xlim()[0] < -0.1  # a linear model's interval below 0 stays in view
    plt.close(below.figure)
    with pytest.raises(ValueError, match="2 columns before 'topic'"):
        tk.plot_marginal_prevalence(p.assign(venue="UNGA")[["decade", "venue", *p.columns[1:]]])
