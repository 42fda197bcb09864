"""The figures: one rule per figure, and the job that (re)makes them all into ``figures/``.

Each figure is a rule of two functions: one takes the corpora it needs and
returns the table behind the figure (a public function of
:mod:`toolkit.study.analyses`, which the notebooks call too), the other draws the
figure from that table (:func:`draw_figure`).
:func:`make_figures` rounds every float of the table to :data:`~toolkit.tables.TABLE_DIGITS`
significant digits (:func:`~toolkit.tables.round_table`), draws the figure from the rounded
table, and writes a PNG, a PDF and the table as CSV; it records in
``figures/manifest.json`` the function that made the table, the fingerprint of
the corpus it used, the seed and the package versions. A figure whose corpora
cannot be had is listed as not made, with the reason and how to get the data.

The same code on another CPU or BLAS build changes results in their 13th to
16th significant digit. Rounded to 10, the tables and the pictures drawn from
them are the same on every machine but for a value that falls on a rounding
boundary, which is why :func:`check_figures` compares numbers within
:data:`~toolkit.tables.TABLE_RTOL`. The files hold no date, version or other trace of the run
(fixed PDF and PNG metadata), so the same numbers give the same bytes.

Every file is written whole (:mod:`toolkit._io`): to a hidden temporary file
beside it, then renamed onto it, so a run that fails or is killed leaves each
file as it was or as it should be, never cut short. The manifest is updated
under a lock (``.manifest.json.lock`` beside it): re-read, this run's entries
changed, written whole, so that runs into the same folder at the same time
keep each other's entries.
"""

from __future__ import annotations

import json
import math
import platform
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit._io import atomic_path, atomic_write, remove_stale_temps
from toolkit._rating import BLOCK_TOKENS
from toolkit._validation import DataNotFoundError
from toolkit.corpus import corpus_fingerprint, load_interview
from toolkit.datasets import load_ungdc
from toolkit.paths import FIGURES_DIR
from toolkit.study import analyses
from toolkit.study.analyses import TOPIC_COUNTRIES
from toolkit.study.comparison import P5, PRC_FIRST_YEAR, load_comparison_corpus, own_words_by_group, un_statements
from toolkit.tables import TABLE_ATOL, TABLE_RTOL, compare_tables, round_table, write_table

if TYPE_CHECKING:  # matplotlib is imported when a figure is drawn
    from matplotlib.figure import FigureBase

__all__ = [
    "DISTRIBUTION",
    "FIGURES",
    "check_figures",
    "draw_figure",
    "make_figures",
]

_PACKAGES = ("toolkit", "pandas", "numpy", "scipy", "matplotlib", "nltk", "scikit-learn")
#: The distribution that installs the package ``toolkit`` (its name in pyproject.toml).
DISTRIBUTION = "diplomatic-discourse-toolkit"
#: How long (seconds) a run waits for another to finish updating the manifest before giving up.
_MANIFEST_LOCK_TIMEOUT = 300.0

#: PDF metadata: no date, no program or version (matplotlib would write the time of the run and its own
#: version), so that the same drawing gives the same bytes on every run and machine.
_PDF_METADATA = {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}
#: PNG metadata: no "Software" (matplotlib's version).
_PNG_METADATA = {"Software": None}


@dataclass(frozen=True)
class _FigureRule:
    """One figure: ``table(docs, seed=...)`` computes the table behind it; ``draw(table, docs)`` draws the
    figure (a matplotlib Figure) from that table as written, rounded by :func:`~toolkit.tables.round_table`, so that the
    picture shows the numbers of the CSV. ``docs`` are the corpora, for what a title says of them."""

    name: str
    caption: str
    needs: tuple[str, ...]  # data sets beyond the embedded interview: "comparison" or "ungdc"
    table: Callable[..., pd.DataFrame]
    draw: Callable[[pd.DataFrame, pd.DataFrame], Any]


def _draw_interview_voices(table: pd.DataFrame, docs: pd.DataFrame) -> FigureBase:
    from toolkit.plots import plot_bar

    names = {
        "narration": "the reporter's narration",
        "ambassador_quote": "the ambassador, quoted",
        "caption": "photo captions",
        "other_quote": "others, quoted",
    }
    total = int(table["words"].sum())
    own = table.loc[table["voice"] == "ambassador_quote", "share_of_words"]
    share = f"{float(own.iloc[0]):.0%}" if len(own) else "none"
    ax = plot_bar(
        table.assign(voice=table["voice"].map(names).fillna(table["voice"].str.replace("_", " "))),
        value="words",
        label="voice",
        xlabel="words (tokens)",
        title=f"Whose words fill the Korea Times interview?\nXing's quoted words are {share} of its {total:,} tokens",
    )
    return ax.figure


def _draw_corpus_composition(table: pd.DataFrame, docs: pd.DataFrame) -> FigureBase:
    import matplotlib.pyplot as plt

    from toolkit.plots import plot_bar

    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 0.55 * len(table) + 1.6), sharey=True, layout="constrained")
    plot_bar(table, value="documents", label="group", ax=left, xlabel="documents")
    plot_bar(
        table.assign(thousands=table["words"] / 1000),
        value="thousands",
        label="group",
        ax=right,
        xlabel="tokens (thousands)",
        annotate=False,
    )
    for pos, (total, median) in zip(range(len(table))[::-1], table[["words", "median_words"]].to_numpy()):
        right.annotate(
            f"{total / 1000:,.1f}k (median {median:,.0f} per document)",
            (total / 1000, pos),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize="x-small",
        )
    right.set_xlim(0, table["words"].max() / 1000 * 1.9)
    fig.suptitle(
        "What is the comparison corpus made of? Documents and tokens by source and speaker's role\n"
        "(Security Council speeches are short, General Debate speeches long: tokens weigh them)",
        x=0.01,
        ha="left",
        fontsize="medium",
    )
    return fig


def _filter_note(hatched: str) -> str:
    f = analyses.KEYNESS_FILTER
    return (
        f"Drawn: the 10 strongest terms of each side used at least {f['min_count']} times by that side and in at "
        f"least {f['min_doc_share']:.0%} of its documents; hatched: {hatched}"
    )


def _draw_keyness_xing_vs_ambassadors(table: pd.DataFrame, docs: pd.DataFrame) -> FigureBase:
    from toolkit.plots import plot_keyness
    from toolkit.text import tokenize

    own = own_words_by_group(docs)
    tokens = sum(len(tokenize(t)) for t in own.loc[own["group"] == "Xing", "text"])
    speeches = int((own["group"] == "other ambassadors").sum())
    ax = plot_keyness(
        table,
        n=10,
        target_label="Xing (own words)",
        reference_label="other ambassadors",
        significance="p_adjusted",
        significance_label="BH-adjusted p",
        title="Which words set Xing's own words apart from other ambassadors' UN speeches?\n"
        f"(G2; his quoted words: {tokens:,} tokens; other ambassadors: {speeches:,} speeches)",
    )
    return ax.figure


def _draw_keyness_chn_vs_usa_unsc(table: pd.DataFrame, docs: pd.DataFrame) -> FigureBase:
    from toolkit.plots import plot_keyness

    council = docs[docs["venue"] == "UNSC"]
    n_chn, n_usa = (int((council["country"] == c).sum()) for c in ("CHN", "USA"))
    ax = plot_keyness(
        table,
        n=10,
        target_label=f"China ({n_chn} speeches)",
        reference_label=f"United States ({n_usa} speeches)",
        significance="p_permutation",
        significance_label="permutation p over speeches",
        title="Which words does China use more than the United States in the Security Council?\n"
        f"(Fightin' Words, the whole Council as prior)\n"
        f"Family-wise over every term tested (maxT), {_smallest_maxt(table)}",
    )
    return ax.figure


def _smallest_maxt(table: pd.DataFrame) -> str:
    """The drawn term of smallest maxT p-value, as the title states it."""
    best = table.sort_values(["p_permutation_maxt", "term"]).iloc[0]
    return f"the smallest p is {best['p_permutation_maxt']:.3f} ({best['term']})"


def _draw_term_scatter_chn_vs_usa_unsc(table: pd.DataFrame, docs: pd.DataFrame) -> FigureBase:
    from toolkit.plots import plot_term_scatter

    ax = plot_term_scatter(
        table.set_index("term")["CHN"],
        table.set_index("term")["USA"],
        target_label="China",
        reference_label="United States",
        min_count=3,
        title="Which words does each side use more? China and the United States\nin the Security Council, "
        "word by word (words used 3 times or more in all)",
    )
    return ax.figure


def _draw_hedging_xing_vs_ambassadors(rates: pd.DataFrame, docs: pd.DataFrame) -> FigureBase:
    from toolkit.plots import plot_rates

    documents = own_words_by_group(docs).groupby("group").size()
    names = {"Xing": "Xing (his quoted words)", "other": "other UN speakers\n(leaders, ministers)"}
    labels = {}
    for group, unit in rates.drop_duplicates("group")[["group", "unit"]].itertuples(index=False):
        n = int(documents.get(group, 0))
        # what the interval resamples (toolkit._rating): one text's sentences, or its blocks of tokens if it is
        # long, or the group's documents
        over = {
            "sentence": "interval over its sentences",
            "block": f"interval over blocks of {BLOCK_TOKENS:,} tokens",
            "document": "interval over speeches",
        }[unit]
        kind = "interview" if group == "Xing" else ("speech" if n == 1 else "speeches")
        labels[group] = f"{names.get(group, group)}\n{n:,} {kind}: {over}"
    ax = plot_rates(
        rates.assign(group=rates["group"].map(labels)),
        title="How often does each group hedge, boost, prescribe, evaluate and mention itself?\n"
        "Stance markers per 1,000 tokens of each group's own words, with 95% bootstrap intervals",
    )
    ax.set_ylabel("")
    return ax.figure


def _draw_hedging_p5_timeline(rates: pd.DataFrame, ungdc: pd.DataFrame) -> FigureBase:
    from toolkit.plots import plot_trends

    axes = plot_trends(
        rates.assign(country=rates["country"].replace({"RUS": "RUS (USSR to 1991)"})),
        by="country",
        panels="category",
        groups=["CHN", "FRA", "GBR", "RUS (USSR to 1991)", "USA"],
        window=5,
        panel_titles={"hedge": "hedges", "directive": "directives", "booster": "boosters"},
        title="Does China hedge, prescribe and boost differently from the other permanent members, and has it "
        f"changed?\nUN General Debate, {PRC_FIRST_YEAR}-{int(rates['year'].max())}: each year's rate (faint), the "
        "5-year pooled trend (blue) and the other four members' pooled trend (grey)",
    )
    return axes[0, 0].figure


def _draw_topics_select_k(table: pd.DataFrame, docs: pd.DataFrame) -> FigureBase:
    from toolkit.plots import plot_select_k

    n = len(un_statements(docs))
    k = analyses.TOPIC_K
    rows = table.set_index("k")
    best_coherence = int(rows["coherence"].idxmax())
    lowest_perplexity = int(rows["perplexity"].idxmin())
    gap = float(rows["coherence"].max() - rows.loc[k, "coherence"])
    axes = plot_select_k(
        table,
        chosen=k,
        title=f"How many topics do the {n} UN statements hold? (LDA, 3 seeds)\n"
        f"Held-out perplexity keeps rising with k (lowest at k = {lowest_perplexity}); coherence is best at "
        f"k = {best_coherence}.\nk = {k} is chosen: coherence within {gap:.3f} of the best, stability "
        f"{rows.loc[k, 'stability']:.2f}, more subjects told apart",
    )
    return axes[0].figure


def _draw_topic_prevalence(prevalence: pd.DataFrame, docs: pd.DataFrame) -> FigureBase:
    from toolkit.plots import plot_topic_prevalence

    ax = plot_topic_prevalence(
        prevalence,
        by="group",
        groups=["Xing (interview)", *TOPIC_COUNTRIES],
        title="Which subjects fill each country's UN statements, and the interview?\n"
        f"Mean topic share (LDA, k = {analyses.TOPIC_K}; topics named by their most\nexclusive words, FREX), "
        "95% intervals over documents",
    )
    return ax.figure


def _draw_wordfish_p5_unsc(table: pd.DataFrame, docs: pd.DataFrame) -> FigureBase:
    import matplotlib.pyplot as plt

    from toolkit.plots import plot_positions, plot_word_weights

    documents = table[table["parameter"] == "theta"].rename(columns={"name": "doc_id", "estimate": "theta"})
    words = table[table["kind"] == "word"].rename(columns={"name": "term", "estimate": "beta"})
    fig, (left, right) = plt.subplots(1, 2, figsize=(12.5, 5.6), layout="constrained", width_ratios=(1, 1.3))
    plot_positions(
        documents.assign(country=documents["country"].where(documents["kind"] == "statements", "Xing")),
        by="country",
        highlight=documents.loc[documents["kind"] == "interview", "doc_id"].tolist(),
        ax=left,
        title="Positions (95% intervals, Hessian)",
    )
    plot_word_weights(words, n_labels=12, ax=right, title="The words that make the scale (beta against psi)")
    speeches = int(((docs["venue"] == "UNSC") & docs["country"].isin(P5)).sum())
    fig.suptitle(
        "Where do the permanent members' Security Council statements fall on one dimension, and Xing's words?\n"
        f"Wordfish on {speeches} speeches joined per country and year (UNSCon: Ukraine 2014, 2016 meetings); "
        "the interview placed with the words' parameters fixed",
        x=0.01,
        ha="left",
        fontsize="medium",
    )
    return fig


def _draw_shared_phrasing(table: pd.DataFrame, ungdc: pd.DataFrame) -> FigureBase:
    import matplotlib.pyplot as plt

    from toolkit.plots import OKABE_ITO

    lift = analyses.shared_phrasing_lift(table)
    xing_rows = table[table["group"] == "Xing (own words)"].sort_values("share", ascending=True)
    xing = lift[lift["group"] == "Xing (own words)"].iloc[0]
    envoys = lift[lift["group"] != "Xing (own words)"]
    below = float((envoys["lift"] < xing["lift"]).mean())
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 4.6), layout="constrained")
    colours = [OKABE_ITO[1] if own else OKABE_ITO[0] for own in xing_rows["own"]]
    left.barh(range(len(xing_rows)), xing_rows["share"] * 100, color=colours, height=0.7)
    left.set_yticks(range(len(xing_rows)), [str(c) for c in xing_rows["reference"]])
    for pos, (share, shared) in enumerate(xing_rows[["share", "n_shared"]].to_numpy()):
        left.annotate(
            f"{share * 100:.1f}% ({int(shared)})",
            (share * 100, pos),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize="small",
        )
    left.set_xlim(0, float(xing_rows["share"].max()) * 100 * 1.35)
    left.set_xlabel(f"% of Xing's {int(xing['n_tokens'])} tokens in phrases shared with the country's speeches")
    left.set_title(
        "Xing's own words against each country's\nGeneral Debate speeches (China in orange)", fontsize="medium"
    )
    right.hist(envoys["lift"], bins=30, color=OKABE_ITO[0], alpha=0.8)
    right.axvline(float(xing["lift"]), color=OKABE_ITO[1], linewidth=2)
    right.axvline(1.0, color="grey", linestyle=":", linewidth=1)
    top = right.get_ylim()[1]
    right.annotate(
        f"Xing against China: {xing['lift']:.2f}\n({below:.0%} of the speeches lower)",
        (float(xing["lift"]), top * 0.8),
        xytext=(float(envoys["lift"].quantile(0.9)), top * 0.85),
        arrowprops={"arrowstyle": "->", "color": OKABE_ITO[1]},
        ha="left",
        va="center",
        fontsize="small",
        color=OKABE_ITO[1],
    )
    right.set_xlabel("share with own country / mean share with the controls")
    right.set_ylabel("speeches")
    right.set_title(
        f"The baseline: {len(envoys)} General Debate speeches by permanent\nrepresentatives "
        f"(median {envoys['lift'].median():.2f}), against their own country",
        fontsize="medium",
    )
    n = analyses.PHRASE_N
    fig.suptitle(
        f"Does Xing repeat China's UN phrasing more than diplomatic English in general?\nVerbatim phrases of {n}+ "
        f"tokens shared with General Debate speeches, {PRC_FIRST_YEAR}-{int(ungdc['year'].max())} (stop-word-only "
        "and boilerplate phrases left out)",
        x=0.01,
        ha="left",
        fontsize="medium",
    )
    return fig


FIGURES: tuple[_FigureRule, ...] = (
    _FigureRule(
        "interview_voices",
        "Words per voice in the interview (ambassador's quotes, narration, ...)",
        (),
        analyses.interview_voices,
        _draw_interview_voices,
    ),
    _FigureRule(
        "corpus_composition",
        "Documents and tokens of the default comparison corpus by selection (the first reason a document was "
        "chosen) and the speaker's role, with the median tokens per document; every bar carries its number, so "
        "the one interview is seen",
        ("comparison",),
        analyses.corpus_composition,
        _draw_corpus_composition,
    ),
    _FigureRule(
        "keyness_xing_vs_ambassadors",
        "Keywords of Xing's own words (the words quoted from him in the interview) against other ambassadors' UN "
        "speeches, both sides: G2 with the log2 ratio beside each bar, stop words left out. "
        + _filter_note("not significant after the Benjamini-Hochberg correction over every term tested")
        + "; the table also gives a permutation test over documents (Xing's one interview shuffled among the "
        f"speeches, {analyses.PERMUTATIONS} times).",
        ("comparison",),
        analyses.keyness_xing_vs_ambassadors,
        _draw_keyness_xing_vs_ambassadors,
    ),
    _FigureRule(
        "keyness_chn_vs_usa_unsc",
        "China against the United States in the Security Council, both sides: Fightin' Words z-scores (Monroe et "
        "al. 2008, the whole Council's counts as prior) with the log2 ratio beside each bar, stop words left out. "
        + _filter_note(
            "p >= 0.05 in a permutation test over speeches (the two countries' speeches shuffled between them "
            f"{analyses.PERMUTATIONS} times, G2 as the statistic; Lijffijt et al. 2016), unadjusted; the title gives the smallest "
            "family-wise p-value of the drawn words, Westfall and Young's maxT over every term tested"
        )
        + ".",
        ("comparison",),
        analyses.keyness_chn_vs_usa_unsc,
        _draw_keyness_chn_vs_usa_unsc,
    ),
    _FigureRule(
        "term_scatter_chn_vs_usa_unsc",
        "Relative frequency (per 1,000 tokens, log scales) of each word used 3 times or more in China's and the "
        "United States' Security Council speeches; a word one side never uses is drawn at half a count in the "
        "shaded band; named: the 10 words of each side farthest from the diagonal (log ratio) among words used "
        "5 times or more",
        ("comparison",),
        analyses.term_scatter_chn_vs_usa_unsc,
        _draw_term_scatter_chn_vs_usa_unsc,
    ),
    _FigureRule(
        "hedging_xing_vs_ambassadors",
        "Hedges (tentativeness), directives (prescription: deontic should, "
        "must, need to), boosters, attitude markers and self-mentions per 1,000 tokens of own words: Xing, China at the UN, other ambassadors, other speakers (95% bootstrap "
        "intervals over documents; over sentences for the one interview)",
        ("comparison",),
        analyses.hedging_xing_vs_ambassadors,
        _draw_hedging_xing_vs_ambassadors,
    ),
    _FigureRule(
        "hedging_p5_timeline",
        "Hedges, directives (deontic modals) and boosters per 1,000 tokens in the General Debate speeches of "
        "the five permanent members, 1972-2024, from the People's Republic of China's first (the 1971 CHN "
        "speech is the Republic of China's); Russia is the USSR to 1991. Points: each year's speech; lines: "
        "matches over tokens pooled over 5 years centred on each (toolkit.pooled_trend), the member's in blue "
        "and the other four's together in grey. The table gives each year's rate with its 95% bootstrap "
        "interval over the speech's sentences",
        ("ungdc",),
        analyses.hedging_p5_timeline,
        _draw_hedging_p5_timeline,
    ),
    _FigureRule(
        "topics_select_k",
        "Coherence (NPMI, mean over topics, band: 1 sd over seeds), held-out perplexity (lower is better) and "
        "stability across seeds (mean and worst topic) of LDA topic models of the UN statements for each number "
        "of topics (3 seeds; place names, stop words and the words of more than half of the statements left "
        "out); the dotted line marks the k used by the other topic figures, a judgement argued in "
        "notebooks/04-topics.ipynb: perplexity, which keeps rising with k on this few documents, does not decide it",
        ("comparison",),
        analyses.topics_select_k,
        _draw_topics_select_k,
    ),
    _FigureRule(
        "topic_prevalence",
        "Mean topic proportion per country in the UN statements (95% bootstrap intervals "
        "over documents), and in Xing's own words projected onto the same topics (one document: a diamond, no "
        "interval); topics fitted with seed 0 (place names, stop words and the words of more than half of the "
        "statements left out), labelled by their 3 terms of highest FREX (frequency and exclusivity, Roberts et "
        "al. 2016), with each topic's 8 most probable terms in the CSV's top_terms; described in "
        "notebooks/04-topics.ipynb",
        ("comparison",),
        analyses.topic_prevalence_by_country,
        _draw_topic_prevalence,
    ),
    _FigureRule(
        "wordfish_p5_unsc",
        "Wordfish (Slapin and Proksch 2008; priors and start as quanteda's textmodel_wordfish, see toolkit.wordfish) of the "
        "five permanent members' Security Council speeches in UNSCon, joined per country and year (stop words "
        "and words of a single country-year left out), with Xing's own words placed on the same scale with the "
        "word parameters fixed; left: positions with 95% intervals from the Hessian (the word parameters taken "
        "as known, so too narrow), right: each word's weight (beta) against its fixed effect (psi), the 12 "
        "words of each end named; the scale's direction is fixed by USA-2014 < CHN-2014; described in "
        "notebooks/06-scaling.ipynb",
        ("comparison",),
        analyses.wordfish_p5_unsc,
        _draw_wordfish_p5_unsc,
    ),
    _FigureRule(
        "shared_phrasing",
        "Shared phrasing (talking points): the share of a statement's tokens inside verbatim phrases of at least "
        f"{analyses.PHRASE_N} tokens (toolkit.shared_phrases; phrases of stop words or boilerplate alone left out) found in a "
        "country's General Debate speeches from 1972 on. Left: Xing's own words (the ambassador's quoted words "
        "in the interview) against China's speeches and six controls (the other permanent members, Japan, the "
        "Republic of Korea). Right: every General Debate speech delivered by a permanent representative, the ratio "
        "of its share with its own country's other speeches to its mean share with the controls' speeches "
        "(1: no more than with others), with Xing's ratio marked; described in notebooks/07-talking-points.ipynb",
        ("ungdc",),
        analyses.shared_phrasing,
        _draw_shared_phrasing,
    ),
)


def draw_figure(name: str, table: pd.DataFrame, docs: pd.DataFrame) -> Any:
    """Draw the figure ``name`` from its table, as :func:`make_figures` draws it.

    The table is rounded first (:func:`~toolkit.tables.round_table`) and the figure is
    drawn in matplotlib's default style, so a notebook shows the picture of ``figures/``.

    Parameters
    ----------
    name : str
        A figure of :data:`FIGURES` (e.g. ``"keyness_xing_vs_ambassadors"``).
    table : DataFrame
        Its table, from the function of :mod:`toolkit.study.analyses` of the same name.
    docs : DataFrame
        The corpus the table was made from (titles count its documents).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib
    import matplotlib.style

    (rule,) = _select([name])
    interactive = matplotlib.is_interactive()
    try:
        with matplotlib.style.context("default"):
            try:
                return rule.draw(round_table(table), docs)
            finally:
                interactive = matplotlib.is_interactive()
    finally:
        # The first figure of a session sets up the backend (in Jupyter: the inline backend, in interactive
        # mode); the context would undo that on exit, and no later figure of the session would be shown
        matplotlib.interactive(interactive)


def make_figures(
    out_dir: str | Path = FIGURES_DIR,
    *,
    seed: int = 0,
    progress: Callable[[str], None] | None = print,
    bar: bool = False,
    only: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Make every figure that the available data allows, into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path, default ``figures/``
        Folder for ``<name>.png``, ``<name>.pdf``, ``<name>.csv`` and ``manifest.json``.
    seed : int, default 0
        Seed passed to every figure that draws random numbers, recorded in the manifest.
    progress : callable or None, default print
        Called with one line per figure as it is made; None for silence.
    bar : bool, default False
        Also draw a progress bar (tqdm, on standard error, when it is a terminal):
        figures done, the one being made, time elapsed and an estimate of the time left.
    only : sequence of str, optional
        Make only these figures (names of :data:`FIGURES`); the manifest keeps the
        entries of the others.

    Returns
    -------
    DataFrame
        One row per figure rule: ``figure`` (str), ``status`` ("made" or "not made"),
        ``files`` (str, comma-separated file names, empty when not made),
        ``reason`` (str, why it was not made and how to get the data; empty when made).
        ``attrs["summary"]``: a few lines saying what was made and, when data was missing, which data
        set and the one command that gets it. A data set that cannot be found is asked for once per run
        (its full message is said once; the other figures that need it say so in a line).

    Raises
    ------
    ValueError
        ``out_dir/manifest.json`` exists but is not a JSON object (checked before
        any figure is made).
    TimeoutError
        Another run held the manifest's lock for longer than five minutes.

    Notes
    -----
    Each figure's files are written whole and its manifest entry recorded as soon
    as it is made, so a run that stops half-way keeps the figures made before.
    Temporary files left in ``out_dir`` by a killed run are removed first.

    Every float of a table is rounded to :data:`~toolkit.tables.TABLE_DIGITS` significant digits
    (:func:`~toolkit.tables.round_table`) before the figure is drawn from it and the CSV written,
    so the CSV, the PNG and the PDF do not depend on digits that differ between
    machines. Figures are drawn with matplotlib's default style, whatever the
    user's ``matplotlibrc`` or an earlier ``rcParams`` change says, and the files
    carry no date or version: the same table gives the same bytes on every run.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.style

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out)
    manifest_path = out / "manifest.json"
    _read_manifest(manifest_path)  # a broken manifest stops the run before any work
    corpora: dict[tuple[str, ...], pd.DataFrame | DataNotFoundError] = {}
    missing: dict[str, DataNotFoundError] = {}  # data set -> why it is not here, for a run's summary
    rules = _select(only)
    rows = []
    meter = _bar(len(rules)) if bar else None
    try:  # a figure that fails still leaves the bar closed and the manifest of those made before it
        for i, rule in enumerate(rules, start=1):
            say = progress or (lambda _line: None)
            if meter is not None:
                meter.set_description_str(f"making {rule.name}")
                say = _above(meter, say)
            if rule.needs not in corpora:
                known = next((missing[d] for d in _DATASETS_OF.get(rule.needs, ()) if d in missing), None)
                corpora[rule.needs] = known if known is not None else _load(rule.needs)  # each data set tried once
            docs = corpora[rule.needs]
            if isinstance(docs, DataNotFoundError):
                reason = str(docs)
                dataset = docs.dataset or "/".join(rule.needs)
                if dataset in missing:  # said in full once; after that, a line
                    say(f"[{i}/{len(rules)}] {rule.name}: not made: needs the {dataset} corpus (not found, above)")
                else:
                    say(f"[{i}/{len(rules)}] {rule.name}: not made: {reason}")
                missing.setdefault(dataset, docs)
                rows.append({"figure": rule.name, "status": "not made", "files": "", "reason": reason})
                if meter is not None:
                    meter.update()
                continue
            table = round_table(rule.table(docs, seed=seed))
            files = [f"{rule.name}.csv", f"{rule.name}.png", f"{rule.name}.pdf"]
            # matplotlib's own defaults, whatever a matplotlibrc or a notebook has set: the same look everywhere
            with matplotlib.style.context("default"):
                fig = rule.draw(table, docs)  # from the rounded table: the picture shows the numbers of the CSV
                try:
                    _write_figure(out, files, table, fig)
                finally:
                    plt.close(fig)
            _update_manifest(
                manifest_path,
                {
                    rule.name: {
                        "caption": rule.caption,
                        "files": files,
                        "made_by": f"{rule.table.__module__}:{rule.table.__name__}",
                        "corpus_fingerprint": corpus_fingerprint(docs),
                        "documents": int(len(docs)),
                        "seed": seed,
                        "versions": _versions(),
                    }
                },
            )
            say(f"[{i}/{len(rules)}] {rule.name}: made {', '.join(files)}")
            rows.append({"figure": rule.name, "status": "made", "files": ",".join(files), "reason": ""})
            if meter is not None:
                meter.update()
    finally:
        if meter is not None:
            meter.close()
        _update_manifest(manifest_path, {})  # a run that made nothing still leaves a manifest
    report = pd.DataFrame(rows, columns=["figure", "status", "files", "reason"])
    report.attrs["summary"] = _summary(rows, missing, out)
    return report


#: The data sets each rule's corpora come from, so that one not found is not asked for again in a run.
_DATASETS_OF: dict[tuple[str, ...], tuple[str, ...]] = {("comparison",): ("ungdc", "unscon"), ("ungdc",): ("ungdc",)}


def _summary(rows: list[dict[str, str]], missing: dict[str, DataNotFoundError], out: Path) -> str:
    """What a run made and, when data was missing, which and the command that gets it (a few short lines)."""
    made = sum(r["status"] == "made" for r in rows)
    text = f"Made {made} of {len(rows)} figures in {out}."
    if not missing:
        return text
    return (
        f"{text}\n{len(rows) - made} need the UN corpora, missing or unreadable here ({', '.join(sorted(missing))}; "
        "the comparison corpus needs both ungdc and unscon; the reason is above). To make them, point TOOLKIT_DATA "
        "at a folder holding ungdc/ and unscon/ (e.g. TOOLKIT_DATA=../shared/corpora make figures), or, online, "
        "download them into the cache once: python -m toolkit data --fetch ungdc unscon"
    )


def _write_figure(out: Path, files: Sequence[str], table: pd.DataFrame, fig: Any) -> None:
    """Write the table (CSV), the PNG and the PDF of one figure, each whole or not at all."""
    csv, png, pdf = (out / name for name in files)
    write_table(table, csv)
    # The temporary files have no suffix: the format is given. The metadata keeps the bytes deterministic.
    with atomic_path(png) as tmp:
        fig.savefig(tmp, format="png", dpi=200, metadata=_PNG_METADATA)
    with atomic_path(pdf) as tmp:
        fig.savefig(tmp, format="pdf", metadata=_PDF_METADATA)


def _read_manifest(path: Path) -> dict[str, object]:
    """The manifest at ``path`` ({} when there is none yet); a ValueError naming it when it is broken."""
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise ValueError(
            f"{path} is not valid JSON ({exc}). Restore it (e.g. `git checkout -- {path.name}` in its folder) "
            "or delete it to start a new one, then run again."
        ) from exc
    if not isinstance(manifest, dict):
        raise ValueError(
            f"{path} holds a JSON {type(manifest).__name__}, not an object of figure entries. "
            "Restore it or delete it, then run again."
        )
    return manifest


def _update_manifest(path: Path, entries: dict[str, dict[str, object]]) -> None:
    """Record ``entries`` in the manifest at ``path``, keeping every other entry on disk.

    Under a lock on ``.<name>.lock`` beside it, the manifest is re-read from disk,
    ``entries`` replace those of the same names, and the result is written whole
    (sorted by name) when it differs from what is there or nothing is there yet.
    Runs updating the same manifest at once thus lose none of each other's entries.
    """
    from filelock import FileLock, Timeout

    lock = path.with_name(f".{path.name}.lock")
    try:
        with FileLock(lock, timeout=_MANIFEST_LOCK_TIMEOUT):
            manifest = _read_manifest(path)
            manifest.update(entries)
            text = json.dumps(dict(sorted(manifest.items())), indent=2) + "\n"
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                with atomic_write(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
    except Timeout as exc:
        raise TimeoutError(
            f"Another run has held {lock} for {_MANIFEST_LOCK_TIMEOUT:.0f} s while updating {path.name}. "
            "Wait for it to finish and run again (the lock is released when that process ends)."
        ) from exc


def check_figures(
    reference_dir: str | Path = FIGURES_DIR,
    *,
    seed: int = 0,
    tolerance: float = 2.0,
    rtol: float = TABLE_RTOL,
    atol: float = TABLE_ATOL,
    progress: Callable[[str], None] | None = print,
    bar: bool = False,
    only: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Remake the figures into a temporary folder and compare them with ``reference_dir``.

    A table (CSV) is the same when it has the same columns in the same order and
    the same number of rows, and every cell is the same: text and whole numbers
    (counts, years) exactly, and numbers written with a decimal point or exponent
    (floats) within a relative tolerance, ``|a - b| <= max(rtol * max(|a|, |b|),
    atol)`` (:func:`math.isclose`), as the last digits of a computation differ
    between CPUs and BLAS builds. A float never matches a whole number (the
    column changed type), and an empty cell (NaN) matches only an empty cell.
    Images (PNG) may differ by at most ``tolerance`` in matplotlib's image
    comparison (the RMS difference of the pixel values, 0 to 255), as fonts and
    libraries differ slightly between machines. PDFs are not compared: they hold
    the same drawing as the PNG.

    Parameters
    ----------
    reference_dir : str or Path, default ``figures/``
        The folder holding the figures to check against (the committed ones).
    seed : int, default 0
        As in :func:`make_figures`.
    tolerance : float, default 2.0
        Largest RMS pixel difference accepted between two PNGs.
    rtol : float, default :data:`TABLE_RTOL` (1e-6)
        Largest relative difference accepted between two floats of a table.
    atol : float, default :data:`TABLE_ATOL` (1e-12)
        Absolute difference always accepted between two floats of a table, for
        values near 0.
    progress : callable or None, default print
        As in :func:`make_figures`.
    bar : bool, default False
        As in :func:`make_figures`.
    only : sequence of str, optional
        As in :func:`make_figures`.

    Returns
    -------
    DataFrame
        One row per file checked: ``figure`` (str), ``file`` (str), ``status``
        ("same", "differs", "missing" from the reference, or "not made" here for
        want of data), ``detail`` (str: for a table, the columns or number of rows
        that differ, or the number of cells that differ and the first of them by
        row (counted from 1 below the header, with the value of its first
        column) and column, with both values; for an image, the RMS difference;
        or why it was not made).

    Raises
    ------
    ValueError
        ``rtol``, ``atol`` or ``tolerance`` is negative or not a number (checked
        before any figure is made).
    """
    import tempfile

    for name, value in (("tolerance", tolerance), ("rtol", rtol), ("atol", atol)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
            raise ValueError(
                f"{name}={value!r} is invalid; must be a finite number >= 0 "
                f"(defaults: tolerance=2.0, rtol={TABLE_RTOL:g}, atol={TABLE_ATOL:g})."
            )
    reference = Path(reference_dir)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        made = make_figures(tmp, seed=seed, progress=progress, bar=bar, only=only)
        for item in made.itertuples():
            if item.status != "made":
                rows.append((item.figure, "", "not made", item.reason))
                continue
            for name in item.files.split(","):
                new, old = Path(tmp) / name, reference / name
                if name.endswith(".pdf"):
                    continue
                if not old.is_file():
                    rows.append((item.figure, name, "missing", f"{old} does not exist"))
                elif name.endswith(".csv"):
                    rows.append((item.figure, name, *compare_tables(old, new, rtol=rtol, atol=atol)))
                else:
                    rows.append((item.figure, name, *_compare_images(old, new, tolerance)))
    return pd.DataFrame(rows, columns=["figure", "file", "status", "detail"])


def _select(only: Sequence[str] | None) -> tuple[_FigureRule, ...]:
    if only is None:
        return FIGURES
    names = [r.name for r in FIGURES]
    if isinstance(only, str):
        only = [only]
    unknown = [n for n in only if n not in names]
    if unknown:
        raise ValueError(
            f"only={list(only)!r}: no figure named {', '.join(map(repr, unknown))}; the figures are {', '.join(names)}."
        )
    return tuple(r for r in FIGURES if r.name in set(only))


def _bar(total: int) -> Any:
    from tqdm import tqdm

    # disable=None: a bar on a terminal only; logs (CI) get the one line per figure.
    return tqdm(
        total=total,
        unit="figure",
        file=sys.stderr,
        disable=None,
        bar_format="{bar:20} {n_fmt}/{total_fmt} figures [{elapsed} elapsed, {remaining} left] {desc}",
    )


def _above(meter: Any, say: Callable[[str], None]) -> Callable[[str], None]:
    """Print a line above the bar (through tqdm, so the bar is redrawn below it)."""
    return lambda line: meter.write(line, file=sys.stdout) if say is print else say(line)


def _compare_images(old: Path, new: Path, tolerance: float) -> tuple[str, str]:
    from matplotlib.testing.compare import compare_images
    from matplotlib.testing.exceptions import ImageComparisonFailure

    try:
        result = compare_images(str(old), str(new), tol=tolerance, in_decorator=True)
    except ImageComparisonFailure as err:  # e.g. the two images differ in size
        return "differs", str(err)
    return ("same", "") if result is None else ("differs", f"RMS {result['rms']:.2f} > {tolerance}")


def _load(needs: tuple[str, ...]) -> pd.DataFrame | DataNotFoundError:
    if not needs:
        return load_interview()
    loaders: dict[tuple[str, ...], Callable[[], pd.DataFrame]] = {
        ("comparison",): load_comparison_corpus,
        ("ungdc",): load_ungdc,
    }
    loader = loaders[needs]
    try:
        return loader()
    except DataNotFoundError as err:
        return err


def _versions() -> dict[str, str]:
    versions = {
        "python": f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}",
        "platform": platform.machine(),
    }
    for name in _PACKAGES:
        try:  # the toolkit's own distribution has a name of its own (pyproject.toml)
            versions[name] = metadata.version(DISTRIBUTION if name == "toolkit" else name)
        except metadata.PackageNotFoundError:  # pragma: no cover - toolkit run from a bare checkout
            versions[name] = "unknown"
    return versions
