"""The study's analyses: one public function per table behind a figure, with the choices they make.

Each function takes the corpus it needs and returns the table that
:mod:`toolkit.study.figures` rounds, writes and draws. The notebooks call the same
functions, so a figure's pipeline (its groups, its k, its pruning) is written once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from toolkit.corpus import INTERVIEW_ID, load_interview
from toolkit.counts import count_terms
from toolkit.hedging import find_stance
from toolkit.keyness import compare_groups, top_keywords
from toolkit.phrases import shared_phrases
from toolkit.rates import match_rates
from toolkit.study.comparison import (
    COMPARISON_GROUPS,
    P5,
    PRC_FIRST_YEAR,
    own_words_by_group,
    p5_general_debate,
    un_statements,
)
from toolkit.tables import round_table
from toolkit.text import place_names, split_sentences, token_spans, tokenize
from toolkit.tokentable import token_table
from toolkit.topics import TOPIC_STOP_WORDS, TopicModel, fit_topics, select_k, topic_prevalence
from toolkit.voices import own_words, split_voices
from toolkit.wordfish import Wordfish

__all__ = [
    "KEYNESS_FILTER",
    "PERMUTATIONS",
    "PHRASE_COUNTRIES",
    "PHRASE_N",
    "SELECTION_NAMES",
    "STANCE",
    "TOPIC_COUNTRIES",
    "TOPIC_K",
    "TOPIC_KS",
    "TOPIC_PRUNING",
    "WORDFISH_DIR",
    "WORDFISH_OPTIONS",
    "corpus_composition",
    "hedging_p5_timeline",
    "hedging_xing_vs_ambassadors",
    "interview_voices",
    "keyness_chn_vs_usa_unsc",
    "keyness_xing_vs_ambassadors",
    "p5_council_years",
    "shared_phrasing",
    "shared_phrasing_lift",
    "shared_phrasing_sentences",
    "term_scatter_chn_vs_usa_unsc",
    "topic_labels",
    "topic_model",
    "topic_prevalence_by_country",
    "topic_stop_words",
    "topics_select_k",
    "wordfish_p5_unsc",
    "wordfish_p5_unsc_model",
]


def interview_voices(docs: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Segments and words (tokens) per voice of the interview, with each voice's share of the words."""
    segments = split_voices(docs)
    segments = segments.assign(words=[len(tokenize(t)) for t in segments["text"]])
    table = (
        segments.groupby("voice", sort=False)
        .agg(segments=("segment_id", "size"), words=("words", "sum"))
        .reset_index()
        .sort_values(["words", "voice"], ascending=[False, True], ignore_index=True)
    )
    table["share_of_words"] = (table["words"] / table["words"].sum()).round(4)
    return table


#: Short names of the comparison corpus's selections, for labels.
SELECTION_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "interview": "Korea Times interview",
        "unscon": "Security Council (UNSCon)",
        "ungdc_permanent_representative": "General Debate",
        "ungdc_reference_since_2000": "General Debate 2000-, CHN/JPN/KOR/USA",
    }
)


#: How a role is named in the composition figure's labels (others: the role with spaces).
_ROLE_NAMES = {
    "permanent_representative": "permanent representatives",
    "head_of_state_or_government": "heads of state or government",
    "foreign_minister": "foreign ministers",
    "other": "other speakers",
    "ambassador": "the ambassador",
}


def corpus_composition(docs: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Documents, words (tokens) and median words per document of the comparison corpus by selection (the first
    reason a document was chosen) and role; ``group`` names a row on two lines (selection, then role)."""
    words = docs["text"].map(lambda t: len(tokenize(t)))
    table = (
        docs.assign(words=words, selection=docs["selection"].str.split(";").str[0])
        .groupby(["selection", "role"], observed=True)
        .agg(documents=("doc_id", "size"), words=("words", "sum"), median_words=("words", "median"))
        .reset_index()
        .sort_values(["documents", "selection", "role"], ascending=[False, True, True], ignore_index=True)
    )
    names = table["selection"].map(SELECTION_NAMES).fillna(table["selection"])
    roles = table["role"].astype(str).map(_ROLE_NAMES).fillna(table["role"].astype(str).str.replace("_", " "))
    table["group"] = names + "\n" + roles
    return table


#: Which keywords the keyness figures draw: a term must be used at least ``min_count`` times by the side it
#: characterises and in at least ``min_doc_share`` of that side's documents (Xing: his one interview), so that
#: a word said once, or a word of a single speech repeated, is not drawn as key (Egbert & Biber 2019). The
#: tests and their correction are over every term, before this filter; the full tables keep every term.
KEYNESS_FILTER: Mapping[str, int | float] = MappingProxyType({"min_count": 3, "min_doc_share": 0.2})


#: The shuffles of the keyness figures' permutation tests over documents (Lijffijt et al. 2016): the smallest
#: p-value they can give is 1 / 1,000.
PERMUTATIONS = 999


def _drawn_keywords(
    table: pd.DataFrame, docs: pd.DataFrame, by: str, target: str, reference: str, n: int
) -> pd.DataFrame:
    """The ``n`` strongest keywords of each side that pass :data:`KEYNESS_FILTER`, with each side's document share."""
    pair = docs[docs[by].isin([target, reference])]
    counts = count_terms(pair, by=by, stop_words="english")
    n_docs = pair.groupby(by).size()
    share = (counts["doc_freq"] / counts[by].map(n_docs)).to_numpy()
    shares = pd.DataFrame({"term": counts["term"], by: counts[by], "share": share})
    side = shares.pivot_table(index="term", columns=by, values="share", fill_value=0.0)
    table = table.assign(
        target_doc_share=table["term"].map(side[target]).fillna(0.0).astype(float),
        reference_doc_share=table["term"].map(side[reference]).fillna(0.0).astype(float),
    )
    min_count, min_share = KEYNESS_FILTER["min_count"], KEYNESS_FILTER["min_doc_share"]
    keep = np.where(
        table["score"] > 0,
        (table["n_target"] >= min_count) & (table["target_doc_share"] >= min_share),
        (table["n_reference"] >= min_count) & (table["reference_doc_share"] >= min_share),
    )
    return top_keywords(table[keep], n=n)


def keyness_xing_vs_ambassadors(docs: pd.DataFrame, *, n: int | None = 10, seed: int = 0) -> pd.DataFrame:
    """Keywords of Xing's own words against other ambassadors' UN speeches, both sides (G2, BH-adjusted).

    Parameters
    ----------
    docs : DataFrame
        The comparison corpus.
    n : int or None, default 10
        The ``n`` strongest keywords of each side that pass :data:`KEYNESS_FILTER` (the figure's table, with
        each side's share of documents using the term); None for the whole comparison, every term on both
        sides, as :func:`toolkit.compare_groups` returns it.
    seed : int, default 0
        Seed of the permutation test over documents (:data:`PERMUTATIONS` shuffles), whose ``p_permutation``
        and ``p_permutation_maxt`` the table carries beside the token test's ``p_adjusted``; the figure
        hatches by ``p_adjusted``, the one document on Xing's side leaving the permutation test little to move
        (README, "Tokens or documents").
    """
    own = own_words_by_group(docs)
    table = compare_groups(
        own,
        by="group",
        target="Xing",
        reference="other ambassadors",
        measure="g2",
        stop_words="english",
        adjust="bh",
        permutations=PERMUTATIONS,
        seed=seed,
        progress=False,
    )
    return table if n is None else _drawn_keywords(table, own, "group", "Xing", "other ambassadors", n)


def keyness_chn_vs_usa_unsc(docs: pd.DataFrame, *, n: int | None = 10, seed: int = 0) -> pd.DataFrame:
    """China against the United States in the Security Council: Fightin' Words with the whole Council as prior.

    Parameters
    ----------
    docs : DataFrame
        The comparison corpus (its ``venue == "UNSC"`` speeches are compared).
    n : int or None, default 10
        The ``n`` strongest keywords of each side that pass :data:`KEYNESS_FILTER` (the figure's table); None
        for every term compared.
    seed : int, default 0
        Seed of the permutation test over speeches (:data:`PERMUTATIONS` shuffles of the two countries'
        speeches between them, G2 as the statistic), whose ``p_permutation`` and ``p_permutation_maxt`` are
        joined to the Fightin' Words table by term; the figure hatches by ``p_permutation`` (README, "Tokens or
        documents").
    """
    council = docs[docs["venue"] == "UNSC"]
    options: dict[str, Any] = {"by": "country", "target": "CHN", "reference": "USA", "stop_words": "english"}
    table = compare_groups(council, measure="fightin_words", prior="corpus", adjust="bh", **options)
    shuffled = compare_groups(council, measure="g2", permutations=PERMUTATIONS, seed=seed, progress=False, **options)
    table = table.merge(
        shuffled[["term", "p_permutation", "p_permutation_maxt"]], on="term", how="left", validate="one_to_one"
    )
    return table if n is None else _drawn_keywords(table, council, "country", "CHN", "USA", n)


def term_scatter_chn_vs_usa_unsc(docs: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Each word's count in China's (``CHN``) and the United States' (``USA``) Security Council speeches."""
    council = docs[(docs["venue"] == "UNSC") & docs["country"].isin(["CHN", "USA"])]
    counts = count_terms(council, by="country")
    return (
        counts.pivot_table(index="term", columns="country", values="n", fill_value=0)
        .reset_index()
        .rename_axis(columns=None)
        .sort_values("term", ignore_index=True)
    )


#: The stance categories the hedging figures compare (engagement markers are mostly "you" and questions):
#: tentativeness (hedges) and prescription (directives: deontic modals) apart, then the others.
STANCE: tuple[str, ...] = ("hedge", "directive", "booster", "attitude_marker", "self_mention")


def hedging_xing_vs_ambassadors(docs: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Stance markers per 1,000 tokens of each comparison group's own words, with bootstrap intervals.

    Rows in the order of :data:`~toolkit.study.COMPARISON_GROUPS`, then of :data:`STANCE`.
    """
    own = own_words_by_group(docs).assign(genre="speech")  # own words only: no voices left to split
    hits = find_stance(own, segments=None)
    rates = match_rates(hits, own, by="group", categories=list(STANCE), seed=seed, segments=None)
    order = {g: i for i, g in enumerate(COMPARISON_GROUPS)}
    rates = rates.sort_values(
        ["group", "category"],
        key=lambda c: c.map(order) if c.name == "group" else c.map({x: i for i, x in enumerate(STANCE)}),
        ignore_index=True,
    )
    return rates


def hedging_p5_timeline(ungdc: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Hedges, directives and boosters per 1,000 tokens by country and year of the P5's General Debate speeches."""
    p5 = p5_general_debate(ungdc)
    rates = match_rates(
        find_stance(p5, segments=None),  # speeches: whole documents, no voices to split
        p5,
        by=["country", "year"],
        categories=["hedge", "directive", "booster"],
        n_resamples=1000,
        seed=seed,
        segments=None,
    )
    return rates.sort_values(["category", "country", "year"], ignore_index=True)


#: The numbers of topics compared, and the one chosen in notebooks/04-topics.ipynb from that comparison.
TOPIC_KS: tuple[int, ...] = (3, 4, 5, 6, 8, 10, 12)
TOPIC_K: int = 6
#: The study's vocabulary pruning for its topic models, passed to ``fit_topics`` and ``select_k`` (whose
#: defaults, ``min_docs=1, max_docs=1.0``, keep every word but the stop words). A choice of this study, not
#: of the library: in UN statements the words of more than half of the statements (113 words in the 523
#: statements of the comparison corpus, after stop words and place names) are the genre's own vocabulary (*united*,
#: *international*, *security*, *nations*, *peace*: each in 89-97% of them), not subjects, and kept they
#: head the topics; a word of a single statement is its own name or turn of phrase, which makes no
#: topic. Notebook 04 fits with the same pruning.
TOPIC_PRUNING: Mapping[str, int | float] = MappingProxyType({"min_docs": 2, "max_docs": 0.5})
#: The countries whose topic prevalence is drawn (the most documents in the comparison corpus, and Russia).
TOPIC_COUNTRIES: tuple[str, ...] = ("CHN", "USA", "KOR", "JPN", "RUS")


def _pruning() -> dict[str, Any]:
    """:data:`TOPIC_PRUNING` as keyword arguments."""
    return dict(TOPIC_PRUNING)


def topic_stop_words() -> frozenset[str]:
    """English stop words and place names: without the latter, the topics of UN speeches are their speakers' countries."""
    return TOPIC_STOP_WORDS | place_names()


def topics_select_k(docs: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Coherence, held-out perplexity and stability of LDA on the UN statements for each k of :data:`TOPIC_KS`.

    Three seeds (``seed``, ``seed + 1``, ``seed + 2``), the study's stop words and :data:`TOPIC_PRUNING`.
    """
    return select_k(
        un_statements(docs),
        ks=TOPIC_KS,
        seeds=(seed, seed + 1, seed + 2),
        stop_words=topic_stop_words(),
        **_pruning(),
    )


def topic_model(docs: pd.DataFrame, *, seed: int = 0) -> TopicModel:
    """The study's topic model: LDA with k = :data:`TOPIC_K` on the UN statements of ``docs``.

    Fitted with the study's stop words (:func:`topic_stop_words`) and :data:`TOPIC_PRUNING`; its topics are
    labelled by FREX (:func:`topic_labels`).
    """
    model = fit_topics(un_statements(docs), k=TOPIC_K, seed=seed, stop_words=topic_stop_words(), **_pruning())
    return model.relabel(topic_labels(model))


def topic_labels(model: TopicModel, n: int = 3) -> list[str]:
    """Each topic's label: its ``n`` terms of highest FREX (frequent and exclusive; Roberts et al. 2016), so that
    a label names what sets the topic apart rather than the words every topic shares."""
    frex = model.top_terms(n=n, measure="frex")
    return [", ".join(frex.loc[frex["topic"] == t, "term"].astype(str)) for t in range(len(model.labels_))]


def _top_terms_column(model: TopicModel, topics: pd.Series, n: int = 8) -> pd.Series:
    """The ``n`` terms of highest probability of each row's topic, joined by ", " (the CSV's ``top_terms``)."""
    top = model.top_terms(n=n)
    joined = top.groupby("topic")["term"].agg(lambda t: ", ".join(t.astype(str)))
    return topics.map(joined).astype("string")


def topic_prevalence_by_country(docs: pd.DataFrame, *, model: TopicModel | None = None, seed: int = 0) -> pd.DataFrame:
    """Mean topic proportion per country of :data:`TOPIC_COUNTRIES` and in Xing's own words, one ``group`` column.

    Parameters
    ----------
    docs : DataFrame
        The comparison corpus.
    model : TopicModel, optional
        A model fitted by :func:`topic_model` (with the same ``docs`` and ``seed``); fitted here when None.
    seed : int, default 0
        Seed of the model (when fitted here) and of the bootstrap intervals.

    Returns
    -------
    DataFrame
        :func:`toolkit.topic_prevalence`'s columns, the countries' rows then the interview's
        (``group == "Xing (interview)"``: one document, no interval), with ``top_terms`` after ``label``:
        the topic's 8 terms of highest probability (the label gives its 3 of highest FREX).
    """
    if model is None:
        model = topic_model(docs, seed=seed)
    un = un_statements(docs)
    countries = un[un["country"].isin(TOPIC_COUNTRIES)]
    interview = own_words(docs[docs["doc_id"] == INTERVIEW_ID])
    # one column "group" for the two kinds of group drawn side by side: a country, and the interview
    table = pd.concat(
        [
            topic_prevalence(model, countries.assign(group=countries["country"]), by="group", seed=seed),
            topic_prevalence(model, interview.assign(group="Xing (interview)"), by="group", seed=seed),
        ],
        ignore_index=True,
    )
    table.insert(table.columns.get_loc("label") + 1, "top_terms", _top_terms_column(model, table["topic"]))
    return table


#: Wordfish on the P5's Security Council statements: stop words out, and words of one country-year only out
#: (a word said in one document places nothing but that document).
WORDFISH_OPTIONS: Mapping[str, Any] = MappingProxyType({"stop_words": "english", "min_df": 2})
#: The direction of the scale: the United States' 2014 statements to the left of China's.
WORDFISH_DIR: tuple[str, str] = ("USA-2014", "CHN-2014")


def p5_council_years(docs: pd.DataFrame) -> pd.DataFrame:
    """The permanent members' Security Council speeches joined per country and year: one document each.

    Joined because a speech is short for Wordfish (126 to 1,868 words in UNSCon; the model places a document by
    its word counts, and a short one mostly by its few content words), and because a speech is about its
    meeting: fitted per speech, the first dimension orders the six meetings' agendas. Each member spoke at
    every meeting of a year, so a country-year holds the same agenda as the other members' of that year.

    Returns
    -------
    DataFrame
        A docs frame: ``doc_id`` ("CHN-2014", ...), ``text`` (the speeches in meeting order, separated by a
        blank line), ``country``, ``year`` (Int64), ``n_speeches`` (int64), ``venue`` ("UNSC"); sorted by
        country and year.
    """
    council = docs[(docs["venue"] == "UNSC") & docs["country"].isin(P5)]
    council = council.sort_values(["country", "year", "doc_id"], kind="mergesort")
    joined = (
        council.groupby(["country", "year"], sort=True)
        .agg(text=("text", "\n\n".join), n_speeches=("doc_id", "size"))
        .reset_index()
    )
    joined.insert(0, "doc_id", joined["country"].astype(str) + "-" + joined["year"].astype(str))
    joined["n_speeches"] = joined["n_speeches"].astype("int64")
    joined["venue"] = "UNSC"
    return joined[["doc_id", "text", "country", "year", "n_speeches", "venue"]]


def _near_zero_to_1e10(x: float) -> float:
    """A Wordfish weight below 0.01 in size rounded to 1e-10 (correctly, in decimal); others as they are.

    A weight near zero is a difference of terms near 1, good to about 1e-15: its 10th significant digit, which
    the table writes, is noise ("led": 1.738973114091e-06 on one machine, 1.7389731145e-06 or more on another,
    written ...114e-06 and ...115e-06). Rounded to 1e-10 it reads 1.739e-06 on both. Weights of 0.01 and more
    keep their 10 significant digits (their last one is 1e-11 or coarser: far above the noise)."""
    return float(f"{x:.10f}") + 0.0 if math.isfinite(x) and abs(x) < 0.01 else x


def _by_estimate_then_name(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` sorted by ``estimate`` as the table writes it (:data:`toolkit.tables.TABLE_DIGITS` significant
    digits), then ``name``: words with the same weight (the same counts) come in the order of their names on
    every machine, not in the order of differences in their 16th digit."""
    key = round_table(frame[["estimate"]])["estimate"]
    return frame.assign(_key=key).sort_values(["_key", "name"], kind="mergesort").drop(columns="_key")


def wordfish_p5_unsc_model(docs: pd.DataFrame) -> Wordfish:
    """The Wordfish model of :func:`p5_council_years` (options :data:`WORDFISH_OPTIONS`, :data:`WORDFISH_DIR`)."""
    return Wordfish(dir=WORDFISH_DIR, **WORDFISH_OPTIONS).fit(p5_council_years(docs))


def wordfish_p5_unsc(docs: pd.DataFrame, *, model: Wordfish | None = None, seed: int = 0) -> pd.DataFrame:
    """Wordfish positions of the P5's Security Council statements per country and year, Xing's own words
    projected onto the same scale, and the weights of the words that make it.

    Parameters
    ----------
    docs : DataFrame
        The comparison corpus.
    model : Wordfish, optional
        :func:`wordfish_p5_unsc_model` of the same ``docs``; fitted here when None.
    seed : int, default 0
        Unused (no random numbers); taken as every figure's table function takes it.

    Returns
    -------
    DataFrame
        One row per document, then one per word (sorted by ``estimate``, then ``name``):

        - ``kind`` (string): "statements" (a country-year of :func:`p5_council_years`), "interview" (the
          ambassador's own words, placed with the word parameters fixed), or "word";
        - ``name`` (string): the doc id (for the interview "Xing (own words)") or the word;
        - ``country`` (string), ``year`` (Int64): <NA> for words;
        - ``parameter`` (string): "theta" (a document's position) or "beta" (a word's weight);
        - ``estimate`` (float64): the position or the weight (a weight below 0.01 in size to 1e-10: see
          :func:`_near_zero_to_1e10`);
        - ``std_error``, ``ci_low``, ``ci_high`` (float64): the position's standard error (Hessian) and
          95% interval; NaN for words;
        - ``psi`` (float64): the word's fixed effect; NaN for documents.
    """
    if model is None:
        model = wordfish_p5_unsc_model(docs)
    fitted = model.positions()
    interview = own_words(docs[docs["doc_id"] == INTERVIEW_ID])
    projected = model.transform(interview).assign(doc_id="Xing (own words)", country="CHN", year=2021)
    frames = []
    for kind, frame in (("statements", fitted), ("interview", projected)):
        frames.append(
            pd.DataFrame(
                {
                    "kind": kind,
                    "name": frame["doc_id"].astype(str),
                    "country": frame["country"].astype("string"),
                    "year": frame["year"].astype("Int64"),
                    "parameter": "theta",
                    "estimate": frame["theta"],
                    "std_error": frame["std_error"],
                    "ci_low": frame["ci_low"],
                    "ci_high": frame["ci_high"],
                    "psi": np.nan,
                }
            )
        )
        frames[-1] = _by_estimate_then_name(frames[-1])
    words = model.word_weights()
    frames.append(
        pd.DataFrame(
            {
                "kind": "word",
                "name": words["term"].astype(str),
                "country": pd.NA,
                "year": pd.NA,
                "parameter": "beta",
                "estimate": words["beta"].map(_near_zero_to_1e10),
                "std_error": np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "psi": words["psi"],
            }
        )
    )
    frames[-1] = _by_estimate_then_name(frames[-1])
    table = pd.concat(frames, ignore_index=True)
    return table.astype(
        {"kind": "string", "name": "string", "country": "string", "year": "Int64", "parameter": "string"}
    )


# ----------------------------------------------------------------------------- shared phrasing

#: The shortest shared phrase of the shared-phrasing analysis, in tokens. Three-token phrases are mostly the
#: glue of any English prose ("the people of", "as long as"); at five, the 369 tokens of Xing's own words share
#: one phrase with any country; four keeps phrasings ("global peace and security", "in the region should").
PHRASE_N: int = 4
#: The General Debate speakers Xing's own words are compared with: China and, as controls for diplomatic
#: English in general, the other permanent members and the two other countries of the interview's region.
PHRASE_COUNTRIES: tuple[str, ...] = ("CHN", "FRA", "GBR", "RUS", "USA", "JPN", "KOR")
#: The ``group`` of the shared-phrasing table's rows.
_XING = "Xing (own words)"
_AMBASSADORS = "ambassador (General Debate)"


def _tokens_in_phrases(spans: dict[str, np.ndarray], doc_ids: pd.Series, phrases: pd.DataFrame) -> pd.DataFrame:
    """Per document of ``doc_ids``: its tokens (``spans``: each document's token spans), and those inside at
    least one of its shared phrases."""
    rows = []
    by_doc = dict(list(phrases.groupby("doc_id", sort=False)[["start", "end"]]))
    for doc_id in doc_ids.astype(str):
        doc_spans = spans[doc_id]
        inside = np.zeros(len(doc_spans), dtype=bool)
        for start, end in by_doc[doc_id].itertuples(index=False) if doc_id in by_doc else ():
            inside |= (doc_spans[:, 0] >= start) & (doc_spans[:, 1] <= end)
        rows.append((doc_id, len(doc_spans), int(inside.sum())))
    return pd.DataFrame(rows, columns=["doc_id", "n_tokens", "n_shared"])


def shared_phrasing(ungdc: pd.DataFrame, *, n: int = PHRASE_N, baseline: bool = True, seed: int = 0) -> pd.DataFrame:
    """How much of a statement repeats, verbatim, its own country's General Debate speeches, and how much others'.

    Targets: Xing's own words (the ambassador's quoted words in the interview, one document) and every
    General Debate speech delivered by a permanent representative (``role == "permanent_representative"``),
    each a whole document. References: General Debate speeches from :data:`PRC_FIRST_YEAR` on (China's are
    the People's Republic's), by country. Each target is compared with its own country's speeches (itself left
    out: :func:`toolkit.shared_phrases` with ``exclude_self=True``) and with those of each country of
    :data:`PHRASE_COUNTRIES` that is not its own, the controls: a speech shares the genre's phrasing with every
    country, so what a target shares with its own country is read against what it shares with others.

    Why the General Debate and not the comparison corpus: there, most ambassadors' countries have no other
    statement to compare with (median 1 of the 150 countries of its 419 ambassadors' statements; only China,
    the United States, Korea and Japan have more than 11), while every country has decades of General Debate
    speeches (China: 53 from 1972). UNSCon's speeches are left out of the references: most delegations speak
    once or twice in its six meetings, and its spaced hyphens ("win - win") would split phrases the UNGDC keeps.

    Parameters
    ----------
    ungdc : DataFrame
        The UN General Debate corpus (:func:`toolkit.load_ungdc`).
    n : int, default :data:`PHRASE_N`
        The shortest shared phrase, in tokens.
    baseline : bool, default True
        Also the ambassadors' speeches (about 30 s); False for Xing's rows alone (a second or two).
    seed : int, default 0
        Unused (no random numbers); taken as every figure's table function takes it.

    Returns
    -------
    DataFrame
        One row per (target, reference country), sorted by ``group``, ``doc_id``, then ``reference``:
        ``group`` (string: "Xing (own words)" or "ambassador (General Debate)"), ``doc_id``, ``country`` (the
        target's), ``year``, ``reference`` (the reference's country), ``own`` (bool: the reference is the
        target's own country), ``n_reference_docs`` (speeches in the reference), ``n_tokens`` (the target's),
        ``n_shared`` (its tokens inside a phrase of at least ``n`` tokens found in the reference, after the
        stop-word and boilerplate filters) and ``share`` (``n_shared / n_tokens``).
    """
    speeches = ungdc[(ungdc["year"] >= PRC_FIRST_YEAR).fillna(False).to_numpy()]
    interview = own_words(load_interview())
    xing = interview[["doc_id", "text"]].assign(group=_XING, country="CHN", year=interview["year"])
    envoys = speeches[speeches["role"].astype("string").eq("permanent_representative").fillna(False).to_numpy()]
    envoys = envoys if baseline else envoys.iloc[:0]
    targets = pd.concat(
        [xing, envoys[["doc_id", "text", "country", "year"]].assign(group=_AMBASSADORS)], ignore_index=True
    )
    targets["country"] = targets["country"].astype(str)
    table_of_targets = token_table(targets)  # tokenized once for the passes over every target
    spans = {
        str(d): np.array(token_spans(t), dtype=np.int64).reshape(-1, 2)
        for d, t in zip(targets["doc_id"], targets["text"])
    }
    by_country = dict(list(speeches.groupby(speeches["country"].astype(str), sort=True)))
    parts = []

    def compare(chosen: pd.DataFrame, reference_country: str) -> None:
        reference = by_country.get(reference_country)
        if reference is None or chosen.empty:
            return
        whole = len(chosen) == len(targets)
        found = shared_phrases(table_of_targets if whole else chosen, reference, n=n, by="country", exclude_self=True)
        counts = _tokens_in_phrases(spans, chosen["doc_id"], found.phrases)
        own = chosen["country"].eq(reference_country).to_numpy()
        n_ref = len(reference) - np.isin(chosen["doc_id"], reference["doc_id"]).astype(int)
        parts.append(
            counts.assign(
                group=chosen["group"].to_numpy(),
                country=chosen["country"].to_numpy(),
                year=chosen["year"].to_numpy(),
                reference=reference_country,
                own=own,
                n_reference_docs=n_ref,
            )
        )

    for country in PHRASE_COUNTRIES:  # one pass per control: every target at once
        compare(targets, country)
    for country, chosen in targets.groupby("country", sort=True):  # own countries not among the controls
        if country not in PHRASE_COUNTRIES:
            compare(chosen, country)
    table = pd.concat(parts, ignore_index=True)
    table["share"] = table["n_shared"] / table["n_tokens"]
    columns = ["group", "doc_id", "country", "year", "reference", "own", "n_reference_docs", "n_tokens"]
    table = table[[*columns, "n_shared", "share"]].astype(
        {"group": "string", "doc_id": "string", "country": "string", "reference": "string", "year": "int64"}
    )
    return table.sort_values(["group", "doc_id", "reference"], ignore_index=True)


def shared_phrasing_lift(table: pd.DataFrame) -> pd.DataFrame:
    """Per target of :func:`shared_phrasing`: its share with its own country, the mean of its shares with the
    control countries, and their ratio ``lift`` (above 1: it repeats its own country more than others)."""
    own = table[table["own"]].set_index("doc_id")
    others = table[~table["own"] & table["reference"].isin(PHRASE_COUNTRIES)].groupby("doc_id")["share"].mean()
    out = own[["group", "country", "year", "n_tokens", "share"]].rename(columns={"share": "own_share"})
    out["other_share"] = others.reindex(out.index)
    out["lift"] = out["own_share"] / out["other_share"]
    return out.reset_index().sort_values(["group", "doc_id"], ignore_index=True)


def shared_phrasing_sentences(ungdc: pd.DataFrame, *, n: int = PHRASE_N) -> pd.DataFrame:
    """Xing's sentences (his own words) with the phrases they share with China's General Debate speeches.

    One row per (sentence, maximal phrase of at least ``n`` tokens shared with China's speeches from
    :data:`PRC_FIRST_YEAR` on): ``sentence_id``, ``sentence`` (its text), ``phrase`` (as Xing said it),
    ``n_tokens``, ``china_docs`` (China's speeches that hold it whole) and ``other_countries`` and
    ``other_docs`` (how many of the other countries of :data:`PHRASE_COUNTRIES`, and how many of their speeches
    from the same years, hold it whole). A phrase China's speeches hold and the others' do not is a candidate
    talking point; one every country uses is the genre's.
    """
    speeches = ungdc[(ungdc["year"] >= PRC_FIRST_YEAR).fillna(False).to_numpy()]
    speeches = speeches[speeches["country"].isin(PHRASE_COUNTRIES).to_numpy()]
    own = own_words(load_interview())
    sentences = split_sentences(own)
    china = speeches[speeches["country"].eq("CHN").to_numpy()]
    phrases = shared_phrases(own, china, n=n, by="country").phrases
    others = speeches[~speeches["country"].eq("CHN").to_numpy()]
    # the same phrases looked for in the others' speeches: a phrase is held whole when one match spans it
    as_docs = pd.DataFrame({"doc_id": phrases["phrase_id"].astype(str), "text": phrases["phrase"].astype(str)})
    whole, where = shared_phrases(as_docs, others, n=2, by="country", stop_words=None, boilerplate=None)
    lengths = as_docs["text"].str.len().to_numpy()
    spans_all = whole[(whole["start"] == 0) & (whole["end"].to_numpy() == lengths[whole["doc_id"].astype(int)])]
    hits = where.merge(spans_all[["phrase_id", "doc_id"]].rename(columns={"doc_id": "target"}), on="phrase_id")
    per_phrase = hits.groupby(hits["target"].astype(int)).agg(
        other_countries=("country", "nunique"), other_docs=("doc_id", "nunique")
    )
    starts = sentences["start"].to_numpy()
    at = np.searchsorted(starts, phrases["start"].to_numpy(), side="right") - 1
    table = pd.DataFrame(
        {
            "sentence_id": sentences["sentence_id"].to_numpy()[at].astype("int64"),
            "sentence": sentences["text"].to_numpy()[at],
            "phrase": phrases["phrase"].to_numpy(),
            "n_tokens": phrases["n_tokens"].to_numpy(),
            "china_docs": phrases["n_reference_docs"].to_numpy(),
            "other_countries": per_phrase["other_countries"].reindex(phrases["phrase_id"]).fillna(0).to_numpy(),
            "other_docs": per_phrase["other_docs"].reindex(phrases["phrase_id"]).fillna(0).to_numpy(),
        }
    )
    return table.astype({"other_countries": "int64", "other_docs": "int64", "sentence": "string", "phrase": "string"})
