"""Rates of matches per 1,000 tokens, with bootstrap intervals and permutation tests.

Generic over the kind of match: any frame with one row per match and the
columns ``doc_id``, ``start`` (character offset into the document text) and
``category`` works -- the matches of :func:`toolkit.hedging.find_hedges`, or a
:func:`toolkit.kwic` result to which a ``category`` column was added.

- :func:`match_rates` -> one row per group and category: the group's key columns
  (the ``by`` columns), then matches, tokens, the rate per 1,000 tokens and a
  percentile bootstrap interval;
- :func:`compare_rates` -> one row: the difference of a category's rate between
  two groups, its bootstrap interval and a permutation p-value.

Whose words
-----------
Both functions, and :func:`toolkit.hedging_rates`, count the same thing by
default: the matches *and the tokens* in the document speaker's own words
(``voices=OWN_VOICES``: ``ambassador_quote`` and ``speech``). The voices are
those of the ``segments`` passed: the frame of :func:`toolkit.split_voices`, split
once by the caller (a quote of someone else inside an interview is theirs, the
journalist's narration is the journalist's), or None for speeches, every
document one segment in the ``speech`` voice. (The deprecated default,
``"auto"``, splits a docs frame with ``speaker`` and ``genre`` columns, as
releases before 0.2 did, and warns when it finds an interview.) A match counts when its ``start`` falls
in a segment of the chosen voices; text of other voices is blanked (offsets
kept) before tokens are counted. ``voices=None`` counts every voice: every match
and every token of the documents.

The unit of resampling
----------------------
Matches are not independent: a speaker who hedges once hedges again in the
same text. Intervals and tests therefore resample whole *units* -- the
documents of a group -- and the rate of a resample is a ratio estimator,
``sum of its matches / sum of its tokens * 1000`` (Efron & Tibshirani 1993,
ch. 6; Cochran 1977, ch. 6). A group of a single document (an interview) has
no between-document variation to resample; its *sentences* are the units
then, each with its own tokens and the matches whose ``start`` falls in its
span. The ``unit`` column says which was used.

Tokens are counted with the project's tokenizer, as
``document_term_matrix(docs).totals`` does, so rates here agree with
:func:`toolkit.count_terms`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd
import scipy.sparse as sp

from toolkit._groups import Groups as _Groups
from toolkit._groups import groups as _groups
from toolkit._tokens import TOKEN_RE as _TOKEN_RE
from toolkit._validation import (
    check_columns,
    check_confidence,
    check_count,
    check_one_of,
    check_seed,
    check_texts,
    check_unique_ids,
    warn_skipped,
)
from toolkit._voicing import AUTO as _AUTO
from toolkit._voicing import check_voices as _check_voices
from toolkit._voicing import resolve as _resolve_segments
from toolkit._voicing import spans as _voice_spans
from toolkit.counts import document_term_matrix
from toolkit.text import split_sentences
from toolkit.voices import OWN_VOICES

__all__ = ["COMPARE_COLUMNS", "OWN_VOICES", "RATE_COLUMNS", "compare_rates", "match_rates"]

#: The columns of :func:`match_rates` after the group's key columns (the ``by`` columns, or ``group``), in order.
RATE_COLUMNS: tuple[str, ...] = ("category", "n", "tokens", "rate_per_1k", "ci_low", "ci_high", "unit")
#: The columns of :func:`compare_rates` after the target group's key columns (the ``by`` columns), in order.
COMPARE_COLUMNS: tuple[str, ...] = (
    "reference",
    "category",
    "rate_target",
    "rate_reference",
    "difference",
    "ci_low",
    "ci_high",
    "p_value",
    "n_permutations",
    "unit",
)
_ALTERNATIVES = ("two-sided", "greater", "less")
_RATE_DTYPES = ("string", "int64", "int64", "float64", "float64", "float64", "string")
_SPACE_OUT = re.compile(r"\S")
# Resampled index matrices are drawn in blocks of at most this many entries (32 MB of int64).
_BLOCK = 1 << 22


def match_rates(
    matches: pd.DataFrame,
    docs: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    categories: str | Sequence[str] | None = None,
    voices: str | Sequence[str] | None = OWN_VOICES,
    n_resamples: int = 2000,
    seed: int | None = 0,
    confidence: float = 0.95,
    segments: pd.DataFrame | str | None = _AUTO,
) -> pd.DataFrame:
    """Rate of each category of matches per 1,000 tokens in each group, with a bootstrap interval.

    The interval is the percentile bootstrap interval of the ratio estimator
    ``sum(matches) / sum(tokens) * 1000`` over resamples (with replacement) of
    the group's documents; in a group of one document, of its sentences.

    Parameters
    ----------
    matches : DataFrame
        One row per match, with at least ``doc_id``, ``start`` (int, character
        offset into the document's text; used to place a match in its sentence)
        and ``category``. Other columns are ignored.
    docs : DataFrame
        The documents the matches were found in: ``doc_id`` (unique), ``text``
        and the columns named by ``by``. Every document with a token counts,
        with or without matches. A document without any token (an empty text,
        or one without letters or digits) has no rate to contribute: it is left
        out of the resampled units, listed in ``attrs["skipped"]`` and named in
        a warning (kept, it would pass for a unit and make a group of one real
        document look like several).
    by : str or sequence of str, optional
        Docs column(s) whose values make the groups, as in
        :func:`toolkit.count_terms`: one group per distinct combination of
        values, missing values a group of their own. None: one group, ``"all"``.
    categories : str or sequence of str, optional
        The categories to report, in this order. None: every category found in
        ``matches``, sorted. A category listed here with no match in a group
        (or none at all, e.g. a misspelt one) still gets a row there with
        ``n`` = 0, rate 0 and interval [0, 0], so a chart never silently drops it.
        Matches of other categories are left out.
    voices : str or sequence of str or None, default ``OWN_VOICES``
        Whose words are counted (see "Whose words" in the module docstring):
        the matches whose ``start`` falls in these voices of
        :data:`toolkit.voices.VOICES`, and only the tokens of these voices. The
        default, ``("ambassador_quote", "speech")``, is the document speaker's
        own words, as in :func:`compare_rates` and :func:`toolkit.hedging_rates`;
        None counts every voice (all matches, all tokens).
    segments : DataFrame, None or "auto", default "auto"
        The voices ``voices`` chooses from (see "Whose words" in the module
        docstring): the frame of :func:`toolkit.split_voices`, or None for whole
        documents in the voice ``"speech"``.
    n_resamples : int, default 2000
        Bootstrap resamples per group; at least 100.
    seed : int or None, default 0
        Seed of :func:`numpy.random.default_rng`, an integer from 0 to 2**32 - 1
        (None: fresh entropy). The same inputs and seed give the same output;
        groups are resampled in the order of the output.
    confidence : float, default 0.95
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    DataFrame
        One row per group and category, groups sorted (by the ``by`` columns'
        values in order, missing values last), categories in the order of
        ``categories``, with the columns

        - the group's key: each ``by`` column, in the order given, with its
          values and dtype as in ``docs`` (missing values stay missing); with
          ``by=None`` one column ``group`` (string) holding ``"all"``;
        - then :data:`RATE_COLUMNS`:
        - ``category`` (string): the category;
        - ``n`` (int64): matches of the category in the group's documents;
        - ``tokens`` (int64): tokens of the group's documents in ``voices`` (the
          project tokenizer, as :func:`toolkit.document_term_matrix`);
        - ``rate_per_1k`` (float64): ``n / tokens * 1000``;
        - ``ci_low``, ``ci_high`` (float64): the percentile bootstrap interval
          of the rate at ``confidence``. A resample whose units hold no token has
          no rate and is left out of the percentiles. With a single unit that
          holds tokens (one document of one sentence) the interval is the point
          ``[rate, rate]``: nothing can be resampled, which is not precision, so
          such groups are named in a warning and listed in ``attrs["single_unit"]``;
        - ``unit`` (string): what was resampled: ``"document"``, or
          ``"sentence"`` for a group of one document (with tokens).

        ``attrs["skipped"]`` lists the documents left out (dicts with ``doc_id``,
        the group's key columns and ``problem``; a document with tokens, but none
        in ``voices``, is left out too); ``attrs["single_unit"]`` the keys of
        the groups whose interval is a point for want of units (a value for one
        ``by`` column, a tuple for several, as pandas' ``groupby`` gives them).

    Raises
    ------
    ValueError
        A frame lacks a column; ``docs`` has a missing or duplicated ``doc_id``
        or a text that is missing or not a str; a ``by`` column is named twice or
        shares the name of a result column; a voice is not one of
        :data:`toolkit.voices.VOICES`; ``matches`` has a missing
        ``doc_id``, ``start`` or ``category``, a ``doc_id`` that is not in
        ``docs``, a ``start`` that is not an offset into its document's text
        (an integer from 0 to the text's length), or a match in a document
        without tokens (the message names it); a group's documents hold no
        token (the message names the group: drop its documents, or group
        differently); ``n_resamples`` < 100, ``confidence`` outside (0, 1), a
        ``seed`` that is not an integer in [0, 2**32), or another bad option.

    Warns
    -----
    UserWarning
        Documents without tokens were left out (named, and listed in
        ``attrs["skipped"]``); a group's interval is a point because it has a
        single unit (named, and listed in ``attrs["single_unit"]``).

    See Also
    --------
    compare_rates : the difference between two groups, with a permutation test.

    Notes
    -----
    The percentile interval is a little narrow in small groups. In simulated
    corpora with a known Poisson rate (documents of 100-600 tokens) the 95%
    interval covered the rate 89% of the time with 10 documents a group, 94%
    with 30 and 94% with 100. Read intervals of groups with fewer than about 20
    documents (or sentences) as rough.

    Each resample is drawn as :func:`scipy.stats.bootstrap` draws it (a row of
    ``rng.integers(0, m, (n_resamples, m))``), so for one group and one
    category the interval equals ``scipy.stats.bootstrap(..., paired=True,
    method="percentile")`` with the same seed.

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
    Chapman & Hall. (Ch. 13, the percentile interval; ch. 6, ratio estimators.)

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"],
    ...     "text": ["We may agree.", "Perhaps we might.", "We will win."],
    ...     "country": ["KOR", "KOR", "CHN"]})
    >>> matches = pd.DataFrame({"doc_id": ["a", "b", "b", "c"], "start": [3, 0, 11, 3],
    ...     "category": ["hedge", "hedge", "hedge", "booster"]})
    >>> out = match_rates(matches, docs, by="country", n_resamples=200)
    >>> out[["country", "category", "n", "tokens", "rate_per_1k", "unit"]].values.tolist()
    [['CHN', 'booster', 1, 3, 333.3333333333333, 'sentence'], ['CHN', 'hedge', 0, 3, 0.0, 'sentence'], \
['KOR', 'booster', 0, 6, 0.0, 'document'], ['KOR', 'hedge', 3, 6, 500.0, 'document']]
    >>> out[["ci_low", "ci_high"]].round(1).values.tolist()
    [[333.3, 333.3], [0.0, 0.0], [0.0, 0.0], [333.3, 666.7]]
    >>> out.attrs["single_unit"]  # CHN's one document is one sentence: its interval is a point (and a warning says so)
    ['CHN']
    """
    out = _match_rates(
        matches,
        docs,
        by=by,
        categories=categories,
        n_resamples=n_resamples,
        seed=seed,
        confidence=confidence,
        voices=voices,
        segments=_resolve_segments(docs if isinstance(docs, pd.DataFrame) else None, segments, function="match_rates")
        if voices is not None
        else None,
    )
    warn_skipped("match_rates", out.attrs["skipped"])
    _warn_single_unit("match_rates", out.attrs["single_unit"])
    return out


def _match_rates(
    matches: pd.DataFrame | None,
    docs: pd.DataFrame,
    *,
    by: str | Sequence[str] | None,
    categories: str | Sequence[str] | None,
    n_resamples: int,
    seed: int | None,
    confidence: float,
    voices: str | Sequence[str] | None,
    segments: pd.DataFrame | None = None,
    problems: Mapping[str, str] | None = None,
    found: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    totals: np.ndarray | None = None,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """:func:`match_rates` without the warnings; ``problems`` (doc_id -> why) explains token-less documents;
    ``segments`` a frame or None, resolved by the caller (:func:`toolkit._voicing.resolve`)."""
    n_resamples = check_count("n_resamples", n_resamples, 100)
    confidence = check_confidence(confidence)
    seed = check_seed("seed", seed, allow_none=True)
    voices = _check_voices(voices)
    prep = _prepare(
        matches,
        docs,
        by,
        categories,
        problems,
        voices=voices,
        segments=segments,
        reserved=RATE_COLUMNS,
        found=found,
        totals=totals,
    )
    prep.n_jobs = n_jobs
    rng = np.random.default_rng(seed)
    alpha = (1.0 - confidence) / 2.0
    frames = []
    single: list[object] = []
    for g in range(len(prep.grouping)):
        rows = np.flatnonzero(prep.codes == g)
        counts, tokens, unit = prep.units(rows, sentences=len(rows) == 1)
        if np.count_nonzero(tokens) == 1:
            single.append(prep.grouping.key(g))
        n = prep.counts[rows].sum(axis=0)
        total = int(prep.tokens[rows].sum())
        boot = _bootstrap_rates(rng, counts, tokens, n_resamples)
        low, high = np.nanpercentile(boot, [100 * alpha, 100 * (1 - alpha)], axis=0)
        k = len(prep.categories)
        frames.append(
            pd.DataFrame(
                {
                    "_group": np.full(k, g, dtype=np.int64),
                    "category": pd.array(prep.categories, dtype="string"),
                    "n": n.astype(np.int64),
                    "tokens": np.full(k, total, dtype=np.int64),
                    "rate_per_1k": n / total * 1000.0,
                    "ci_low": low.astype(np.float64),
                    "ci_high": high.astype(np.float64),
                    "unit": pd.array([unit] * k, dtype="string"),
                }
            )
        )
    if not frames:
        values = pd.DataFrame(
            {c: pd.Series(dtype=t) for c, t in zip(("_group", *RATE_COLUMNS), ("int64", *_RATE_DTYPES))}
        )
    else:
        values = pd.concat(frames, ignore_index=True)
    out = pd.concat([prep.grouping.take(values["_group"].to_numpy()), values.drop(columns="_group")], axis=1)
    out.attrs["skipped"] = prep.skipped
    out.attrs["single_unit"] = single
    return out


def _warn_single_unit(function: str, groups: list) -> None:
    if groups:
        shown = ", ".join(repr(g) for g in groups[:10]) + (f" and {len(groups) - 10} more" if len(groups) > 10 else "")
        warnings.warn(
            f"{function}: {shown} rest(s) on a single unit (one document of one sentence with tokens): the "
            "interval is the point [rate, rate] because there is nothing to resample, not because the rate is "
            "precise. Listed in the result's attrs['single_unit'].",
            UserWarning,
            stacklevel=3,
        )


def compare_rates(
    matches: pd.DataFrame,
    docs: pd.DataFrame,
    *,
    by: str | Sequence[str],
    target: object,
    reference: object | None = None,
    category: str,
    voices: str | Sequence[str] | None = OWN_VOICES,
    n_permutations: int = 10000,
    n_resamples: int = 2000,
    seed: int | None = 0,
    confidence: float = 0.95,
    alternative: str = "two-sided",
    segments: pd.DataFrame | str | None = _AUTO,
) -> pd.DataFrame:
    """Compare one category's rate per 1,000 tokens between two groups.

    The difference ``rate_target - rate_reference`` gets a percentile
    bootstrap interval (the units of each group resampled independently) and a
    permutation p-value: the units of both groups are pooled and their group
    labels shuffled, keeping the groups' sizes, and the statistic is the same
    difference of ratio rates. The units are documents; if either group has a
    single document, both groups use sentences.

    A relabelling that leaves either group without a token (possible with
    sentences as units: a sentence of nothing but a dash holds none) has no
    rate, so no statistic: it is left out, and the p-value is conditional on
    the relabellings in which both groups have tokens (as the observed one
    does). ``n_permutations`` in the result says how many those were.

    Parameters
    ----------
    matches, docs
        As in :func:`match_rates`.
    by : str or sequence of str
        Docs column(s) whose values make the groups, as in :func:`match_rates`.
    target : scalar or tuple
        The key of the group of interest, as in the key columns of
        :func:`match_rates`: a value of the ``by`` column (``"CHN"``, ``2016``),
        or a tuple with one value per column when ``by`` names several
        (``("CHN", 2016)``); ``pd.NA`` for a missing value. A value also matches
        by its str (``"2016"`` for the integer 2016) when no value equals it.
    reference : scalar or tuple, optional
        The key of the group compared against, as ``target``. None: every
        document not in ``target`` (reported as ``"rest"``).
    category : str
        The category compared. One without any match gives rates 0 and p = 1.
    voices : str or sequence of str or None, default ``OWN_VOICES``
        Whose words are counted, as in :func:`match_rates` (the same default,
        the same rates: :func:`toolkit.hedging_rates` too). None counts every voice.
    segments : DataFrame, None or "auto", default "auto"
        The voices ``voices`` chooses from (see "Whose words" in the module
        docstring): the frame of :func:`toolkit.split_voices`, or None for whole
        documents in the voice ``"speech"``.
    n_permutations : int, default 10000
        Random relabellings drawn for the p-value; at least 100.
    n_resamples : int, default 2000
        Bootstrap resamples per group for the interval; at least 100.
    seed : int or None, default 0
        Seed of :func:`numpy.random.default_rng`, an integer from 0 to 2**32 - 1
        (None: fresh entropy); the bootstrap draws come first, then the permutations.
    confidence : float, default 0.95
        Confidence level of the interval, in (0, 1).
    alternative : {"two-sided", "greater", "less"}
        The alternative hypothesis: the rates differ; the target's rate is
        greater; it is less.

    Returns
    -------
    DataFrame
        One row, laid out as :func:`toolkit.compare_groups` lays out a
        comparison, with the columns

        - the target group's key: each ``by`` column, in the order given, with
          the target's value and the column's dtype as in ``docs``;
        - then :data:`COMPARE_COLUMNS`:
        - ``reference``: ``"rest"`` when ``reference`` is None; else the
          reference group's key: its value as a str (string column; NA when
          missing) for one ``by`` column, a tuple of its values (object column;
          ``pd.NA`` when missing) for several;
        - ``category`` (string);
        - ``rate_target``, ``rate_reference`` (float64): matches per 1,000 tokens;
        - ``difference`` (float64): ``rate_target - rate_reference``;
        - ``ci_low``, ``ci_high`` (float64): percentile bootstrap interval of the
          difference at ``confidence``;
        - ``p_value`` (float64): ``(1 + k) / (1 + m)``, where ``m`` counts the
          drawn relabellings that leave both groups with tokens and ``k`` those
          of them whose statistic is at least as extreme as the observed one:
          ``|d*| >= |d|`` (two-sided), ``d* >= d`` (greater) or ``d* <= d``
          (less), up to a relative tolerance of 1e-9 for ties. It never is 0
          (Phipson & Smyth 2010). NaN when no drawn relabelling leaves both
          groups with tokens: the test cannot run (a warning says so);
        - ``n_permutations`` (int64): ``m``, the relabellings the p-value rests
          on: the ``n_permutations`` drawn, less those without a statistic;
        - ``unit`` (string): ``"document"`` or ``"sentence"``.

        Documents without tokens (in ``voices``) are left out as in :func:`match_rates`
        (``attrs["skipped"]``, and a warning); ``attrs["single_unit"]`` lists
        ``"target"`` and/or ``"reference"`` when that side has a single unit with
        tokens (its part of the interval is then no measure of precision; warned too).

    Raises
    ------
    ValueError
        As :func:`match_rates`; ``target`` or ``reference`` is not a group (the
        message lists the groups) or not a tuple of one value per ``by``
        column; they are the same group; the reference is empty (``target`` is
        the only group); ``alternative`` is not one of the three.

    Warns
    -----
    UserWarning
        As :func:`match_rates`; no drawn relabelling left both groups with
        tokens, so there is no p-value.

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
    Chapman & Hall. (Ch. 15, permutation tests; ch. 13, the percentile interval.)

    Good, P. (2005). *Permutation, Parametric, and Bootstrap Tests of
    Hypotheses* (3rd ed.). Springer.

    Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be
    zero. *Statistical Applications in Genetics and Molecular Biology*, 9(1), 39.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": list("abcdef"), "text": ["We may agree, perhaps."] * 3 + ["We agree now."] * 3,
    ...     "venue": ["UNGA"] * 3 + ["UNSC"] * 3})
    >>> matches = pd.DataFrame({"doc_id": list("aabbcc") + ["d"], "start": [3, 14] * 3 + [0],
    ...     "category": "hedge"})
    >>> row = compare_rates(matches, docs, by="venue", target="UNGA", category="hedge", n_permutations=999)
    >>> row[["venue", "reference", "n_permutations", "unit"]].values.tolist()
    [['UNGA', 'rest', 999, 'document']]
    >>> row[["rate_target", "rate_reference", "difference", "ci_low", "ci_high"]].round(1).values.tolist()
    [[500.0, 111.1, 388.9, 166.7, 500.0]]
    >>> float(row["p_value"].iloc[0])  # the exact p over all 20 relabellings is 2/20
    0.111
    """
    n_permutations = check_count("n_permutations", n_permutations, 100)
    n_resamples = check_count("n_resamples", n_resamples, 100)
    confidence = check_confidence(confidence)
    seed = check_seed("seed", seed, allow_none=True)
    check_one_of("alternative", alternative, _ALTERNATIVES)
    voices = _check_voices(voices)
    if by is None:
        raise ValueError("by=None is invalid for compare_rates; name the docs column(s) that make the groups.")
    if not isinstance(category, str):
        raise ValueError(f"category={category!r} is invalid; must be one category name (a str).")
    if voices is not None:
        segments = _resolve_segments(
            docs if isinstance(docs, pd.DataFrame) else None, segments, function="compare_rates"
        )
    prep = _prepare(
        matches,
        docs,
        by,
        [category],
        voices=voices,
        segments=segments,
        reserved=COMPARE_COLUMNS,
        function="compare_rates",
    )
    t = prep.grouping.find(target, name="target", by=by)
    r = None if reference is None else prep.grouping.find(reference, name="reference", by=by)
    if r == t:
        raise ValueError(f"reference={reference!r} is the target; choose another group, or None for the rest.")
    t_rows = np.flatnonzero(prep.codes == t)
    r_rows = np.flatnonzero(prep.codes != t if r is None else prep.codes == r)
    if not len(r_rows):
        raise ValueError(f"target={target!r} is the only group of by={by!r}; there is nothing to compare with.")

    sentences = len(t_rows) == 1 or len(r_rows) == 1
    t_counts, t_tokens, unit = prep.units(t_rows, sentences=sentences)
    r_counts, r_tokens, _ = prep.units(r_rows, sentences=sentences)
    t_counts, r_counts = t_counts[:, 0], r_counts[:, 0]
    single = [side for side, tokens in (("target", t_tokens), ("reference", r_tokens)) if np.count_nonzero(tokens) == 1]
    rate_t = _ratio(t_counts.sum(), t_tokens.sum())
    rate_r = _ratio(r_counts.sum(), r_tokens.sum())
    diff = rate_t - rate_r

    rng = np.random.default_rng(seed)
    boot = (
        _bootstrap_rates(rng, t_counts[:, None], t_tokens, n_resamples)[:, 0]
        - _bootstrap_rates(rng, r_counts[:, None], r_tokens, n_resamples)[:, 0]
    )
    alpha = (1.0 - confidence) / 2.0
    low, high = np.nanpercentile(boot, [100 * alpha, 100 * (1 - alpha)])
    null = _permutation_null(
        rng, np.concatenate([t_counts, r_counts]), np.concatenate([t_tokens, r_tokens]), len(t_counts), n_permutations
    )
    p_value, n_used = _permutation_p(null, diff, alternative)
    values = pd.DataFrame(
        {
            "reference": _reference_cell(
                None if r is None else prep.grouping.key(r), several=len(prep.grouping.columns) > 1
            ),
            "category": pd.array([category], dtype="string"),
            "rate_target": np.array([rate_t], dtype=np.float64),
            "rate_reference": np.array([rate_r], dtype=np.float64),
            "difference": np.array([diff], dtype=np.float64),
            "ci_low": np.array([low], dtype=np.float64),
            "ci_high": np.array([high], dtype=np.float64),
            "p_value": np.array([p_value], dtype=np.float64),
            "n_permutations": np.array([n_used], dtype=np.int64),
            "unit": pd.array([unit], dtype="string"),
        }
    )
    out = pd.concat([prep.grouping.take(np.array([t])), values], axis=1)
    out.attrs["skipped"] = prep.skipped
    out.attrs["single_unit"] = single
    warn_skipped("compare_rates", prep.skipped)
    _warn_single_unit("compare_rates", single)
    if not n_used:
        warnings.warn(
            f"compare_rates: none of the {n_permutations} relabellings drawn left both groups with tokens, so "
            "there is no permutation p-value (p_value is NaN). Too few of the units hold tokens: most of the "
            f"{unit}s are empty; compare groups with more text.",
            UserWarning,
            stacklevel=2,
        )
    return out


# ---------------------------------------------------------------------------- small builders


@dataclass
class _Prepared:
    """Matches counted per document and category, and what is needed to cut documents into sentences."""

    docs: pd.DataFrame  # the documents kept, their text blanked outside the chosen voices
    categories: list[str]
    grouping: _Groups  # the groups' keys (sorted) and the group of each row of the original docs
    codes: np.ndarray  # group index of each kept document row
    tokens: np.ndarray  # tokens of each document row (int64)
    counts: np.ndarray  # (n_docs, n_categories) int64 matches
    match_row: np.ndarray  # document row of each kept match
    match_cat: np.ndarray  # category index of each kept match
    match_start: np.ndarray  # start offset of each kept match
    skipped: list[dict]  # documents left out (no token): doc_id, the group's key columns, problem
    n_jobs: int = 1  # worker processes that cut a group's one document into sentences

    def units(self, rows: np.ndarray, *, sentences: bool) -> tuple[np.ndarray, np.ndarray, str]:
        """(counts per unit and category, tokens per unit, unit name) of the documents ``rows``."""
        if not sentences:
            return self.counts[rows], self.tokens[rows], "document"
        part = self.docs.iloc[rows]
        sents = split_sentences(
            pd.DataFrame({"doc_id": part["doc_id"].astype(str).to_numpy(), "text": part["text"].to_numpy()}),
            n_jobs=self.n_jobs,
        )
        tokens = document_term_matrix(sents[["doc_id", "text"]], n_jobs=self.n_jobs).totals.astype(np.int64)
        # sentence s belongs to local document doc_of[s]; sort key (document, start)
        local = {int(r): i for i, r in enumerate(rows)}
        doc_of = pd.Index(part["doc_id"].astype(str)).get_indexer(sents["doc_id"].astype(str))
        keep = np.isin(self.match_row, rows)
        m_doc = np.array([local[int(r)] for r in self.match_row[keep]], dtype=np.int64)
        m_start = self.match_start[keep]
        m_cat = self.match_cat[keep]
        counts = np.zeros((len(sents), len(self.categories)), dtype=np.int64)
        if len(m_doc):
            span = int(max(m_start.max(), sents["end"].max() if len(sents) else 0)) + 1
            s_key = doc_of.astype(np.int64) * span + sents["start"].to_numpy(np.int64)
            m_key = m_doc * span + m_start
            sid = np.searchsorted(s_key, m_key, side="right") - 1
            first = np.searchsorted(doc_of, m_doc, side="left")  # first sentence of the match's document
            has = (first < len(doc_of)) & (doc_of[np.minimum(first, len(doc_of) - 1)] == m_doc)
            if not has.all():
                bad = self.docs["doc_id"].iloc[rows[m_doc[~has][0]]]
                raise ValueError(f"matches: doc_id {bad!r} has matches but its text has no sentence.")
            sid = np.maximum(sid, first)  # a match before the first sentence counts in the first
            np.add.at(counts, (sid, m_cat), 1)
        return counts, tokens, "sentence"


def _prepare(
    matches: pd.DataFrame | None,
    docs: pd.DataFrame,
    by: str | Sequence[str] | None,
    categories: str | Sequence[str] | None,
    problems: Mapping[str, str] | None = None,
    *,
    voices: tuple[str, ...] | None,
    segments: pd.DataFrame | None = None,
    reserved: Sequence[str] = (),
    function: str = "match_rates",
    found: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    totals: np.ndarray | None = None,
) -> _Prepared:
    """Check the inputs, keep the chosen voices, count tokens per document and matches per document and category.

    With ``voices`` (checked by :func:`toolkit._voicing.check_voices`), only the matches whose
    start falls in those voices count, and the text of other voices is blanked
    before tokens are counted. Documents without a token are left out (listed
    in ``skipped``, with the reason from ``problems`` when it has their
    doc_id, or for want of tokens in ``voices``); a group of nothing but such
    documents is an error. ``reserved``: the caller's result columns, which no
    ``by`` column may be named.

    ``found``: the matches as arrays instead of a frame (the streaming path of
    :func:`toolkit.hedging_rates`): (docs row, start, index into ``categories``) of
    each, checked by their maker; ``totals``: the tokens of each docs row when already counted (a
    token table's), used where the chosen voices leave a text as it is.
    """
    if found is None:
        check_columns(matches, ["doc_id", "start", "category"], name="matches")
    grouping = _groups(docs, by, reserved=reserved)  # checks docs' doc_id, text and by columns
    codes = grouping.codes
    check_texts(docs, name="docs")
    check_unique_ids(docs, name="docs")
    if found is None:
        m_row, m_start, _, cats, m_cat = _match_arrays(matches, docs, categories)
    else:  # (docs row, start, index into categories) of each match
        m_row, m_start, m_cat = found
        cats = _categories(categories, [])
    doc_ids = docs["doc_id"].astype(str)
    originals = [str(t) for t in docs["text"]] if totals is not None else []
    problems = {} if problems is None else dict(problems)
    if voices is not None:
        heard, texts = _keep_voices(docs, voices, m_row, m_start, _voice_spans(docs, segments, function=function))
        why = (
            f"no tokens in the voices {', '.join(voices)} (e.g. an interview with no quote attributed to "
            "its speaker): nothing of its own to rate"
        )
        problems.update(
            {
                d: why
                for d, text, own in zip(doc_ids, docs["text"], texts)
                if d not in problems and _TOKEN_RE.search(text) and not _TOKEN_RE.search(own)
            }
        )
        docs = docs.assign(text=texts)
        m_row, m_cat, m_start = m_row[heard], m_cat[heard], m_start[heard]
    if totals is None:
        tokens = document_term_matrix(docs).totals.astype(np.int64)
    else:  # count again only the texts that blanking changed
        tokens = np.asarray(totals, dtype=np.int64).copy()
        changed = [i for i, (a, b) in enumerate(zip(docs["text"], originals)) if a is not b and a != b]
        if changed:
            tokens[changed] = document_term_matrix(docs.iloc[changed]).totals
    no_token = "no tokens (an empty text, or one without letters or digits)"
    in_empty = tokens[m_row] == 0
    if in_empty.any():
        i = int(np.flatnonzero(in_empty)[0])
        raise ValueError(
            f"matches: doc_id {doc_ids.iloc[m_row[i]]!r} has matches, but its text in docs has no token "
            "to rate them against; pass the docs the matches were found in."
        )
    group_tokens = np.bincount(codes, weights=tokens, minlength=len(grouping))
    empty = np.flatnonzero(group_tokens == 0)
    if len(empty):
        shown = ", ".join(repr(grouping.key(g)) for g in empty)
        first = doc_ids[(codes == empty[0]) & (tokens == 0)].iloc[:3].tolist()
        why = "; ".join(f"{d!r}: {problems.get(d, no_token)}" for d in first)
        raise ValueError(
            f"group(s) {shown} hold no token, so they have no rate ({why}); drop their documents "
            "from docs or group by another column."
        )
    used = tokens > 0
    skipped = [
        {"doc_id": d, **grouping.record(g), "problem": problems.get(d, no_token)}
        for d, g in zip(doc_ids[~used], codes[~used])
    ]
    if skipped:  # renumber the documents that are kept
        new_row = np.cumsum(used) - 1
        m_row = new_row[m_row]
        docs, tokens, codes = docs[used], tokens[used], codes[used]
    keep = m_cat >= 0
    m_row, m_cat, m_start = m_row[keep].astype(np.int64), m_cat[keep].astype(np.int64), m_start[keep]
    counts = np.zeros((len(docs), len(cats)), dtype=np.int64)
    np.add.at(counts, (m_row, m_cat), 1)
    return _Prepared(docs.reset_index(drop=True), cats, grouping, codes, tokens, counts, m_row, m_cat, m_start, skipped)


def _categories(categories: str | Sequence[str] | None, found: Sequence[str]) -> list[str]:
    """The categories to rate: those given (checked), or those of the matches, sorted."""
    if categories is None:
        return sorted(set(found))
    raw = [categories] if isinstance(categories, str) else list(categories)
    bad = [c for c in raw if not isinstance(c, str)]
    if bad:
        raise ValueError(f"categories contains {bad[0]!r}; every category must be a str.")
    cats = list(dict.fromkeys(raw))
    if not cats:
        raise ValueError("categories=[] is invalid; name one or more categories, or pass None for all of them.")
    return cats


def _match_arrays(matches: pd.DataFrame, docs: pd.DataFrame, categories: str | Sequence[str] | None) -> tuple:
    """(docs row, start, doc_id, categories, category index) of each row of a matches frame, checked."""
    check_columns(matches, ["doc_id", "start", "category"], name="matches")
    for col in ("doc_id", "start", "category"):
        missing = matches[col].isna()
        if missing.any():
            raise ValueError(
                f"matches: {col} is missing (NA) in {int(missing.sum())} row(s), e.g. row "
                f"{matches.index[missing][0]!r}; every match needs a doc_id, a start and a category."
            )
    cats = _categories(categories, matches["category"].astype(str).tolist())
    doc_ids = docs["doc_id"].astype(str)
    index = pd.Index(doc_ids)
    m_ids = matches["doc_id"].astype(str)
    m_row = index.get_indexer(m_ids)
    if (m_row < 0).any():
        unknown = list(dict.fromkeys(m_ids[m_row < 0]))
        shown = ", ".join(repr(u) for u in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise ValueError(f"matches: doc_id {shown} not in docs; pass the docs the matches were found in.")
    m_start = _match_starts(matches["start"])
    lengths = np.fromiter((len(t) for t in docs["text"]), dtype=np.int64, count=len(docs))
    beyond = m_start > lengths[m_row]
    if beyond.any():
        i = int(np.flatnonzero(beyond)[0])
        raise ValueError(
            f"matches: start={int(m_start[i])} (row {matches.index[i]!r}) is beyond the end of the "
            f"text of doc_id {m_ids.iloc[i]!r} ({int(lengths[m_row[i]])} characters); pass the docs "
            "the matches were found in."
        )
    m_cat = pd.Index(cats).get_indexer(matches["category"].astype(str))

    return m_row, m_start, m_ids, cats, m_cat


def _keep_voices(
    docs: pd.DataFrame, voices: Sequence[str], m_row: np.ndarray, m_start: np.ndarray, spans: dict | None
) -> tuple[np.ndarray, list[str]]:
    """(which matches fall in ``voices``, the texts with every other voice blanked).

    A match is heard when its start lies in a segment of one of ``voices``.
    Blanking turns each character outside those segments that is not
    whitespace into a space, so offsets stay valid and a text all in the
    chosen voices is left exactly as it was.
    """
    texts = [str(t) for t in docs["text"]]
    if spans is None:  # no segments: every document in the voice "speech"
        if "speech" in voices:
            return np.ones(len(m_row), dtype=bool), texts
        return np.zeros(len(m_row), dtype=bool), [_SPACE_OUT.sub(" ", t) for t in texts]
    kept_spans = []
    for doc_id in docs["doc_id"].astype(str):
        seg = spans.get(doc_id)
        kept_spans.append([] if seg is None else [(s, e) for s, e, v in zip(seg[0], seg[1], seg[2]) if v in voices])
    heard = np.zeros(len(m_row), dtype=bool)
    for i, (row, start) in enumerate(zip(m_row.tolist(), m_start.tolist())):
        heard[i] = any(s <= start < e for s, e in kept_spans[row])
    out = []
    for text, kept in zip(texts, kept_spans):
        pieces, at = [], 0
        for s, e in kept:
            pieces.append(_SPACE_OUT.sub(" ", text[at:s]))
            pieces.append(text[s:e])
            at = e
        pieces.append(_SPACE_OUT.sub(" ", text[at:]))
        out.append("".join(pieces))
    return heard, out


def _match_starts(values: pd.Series) -> np.ndarray:
    """The ``start`` column as int64 offsets, after checking each is a whole number >= 0."""
    arr = values.to_numpy()
    if arr.dtype.kind in "iu":
        bad = (arr < 0) | (arr > np.iinfo(np.int64).max)
    elif arr.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(arr) | (arr < 0) | (arr != np.floor(arr)) | (arr >= 2.0**63)
    else:
        bad = np.array(
            [
                isinstance(v, bool)
                or not (
                    isinstance(v, (int, np.integer))
                    or (isinstance(v, (float, np.floating)) and np.isfinite(v) and float(v).is_integer())
                )
                or not 0 <= v < 2**63
                for v in arr
            ],
            dtype=bool,
        )
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = arr[i].item() if isinstance(arr[i], np.generic) else arr[i]
        raise ValueError(
            f"matches: start must hold character offsets, whole numbers >= 0; row {values.index[i]!r} has {value!r}."
        )
    return arr.astype(np.int64)


def _bootstrap_rates(rng: np.random.Generator, counts: np.ndarray, tokens: np.ndarray, n_resamples: int) -> np.ndarray:
    """Rates per 1,000 tokens, shape (n_resamples, n_categories), of resamples of the units.

    Each resample draws ``m`` unit indices with replacement (a row of
    ``rng.integers(0, m, (n_resamples, m))``, as :func:`scipy.stats.bootstrap`
    draws them); a sparse resample-by-unit matrix with one entry per draw
    (duplicates add up) times the units' (counts, tokens) gives every resample's
    sums at once. Blocks of rows bound the memory; a resample without tokens is NaN.
    """
    m = len(tokens)
    values = np.column_stack([counts, tokens]).astype(np.float64)
    out = np.empty((n_resamples, counts.shape[1]), dtype=np.float64)
    step = max(1, _BLOCK // max(m, 1))
    for k in range(0, n_resamples, step):
        b = min(step, n_resamples - k)
        idx = rng.integers(0, m, (b, m))
        draws = sp.csr_matrix((np.ones(b * m), idx.ravel(), np.arange(0, b * m + 1, m)), shape=(b, m))
        sums = draws @ values
        with np.errstate(invalid="ignore", divide="ignore"):
            out[k : k + b] = sums[:, :-1] / sums[:, -1:] * 1000.0
        out[k : k + b][sums[:, -1] == 0] = np.nan
    return out


def _permutation_null(
    rng: np.random.Generator, counts: np.ndarray, tokens: np.ndarray, n_target: int, n_permutations: int
) -> np.ndarray:
    """Differences of ratio rates (first ``n_target`` labels vs the rest) under random relabellings."""
    n = len(tokens)
    values = np.column_stack([counts, tokens]).astype(np.float64)
    total = values.sum(axis=0)
    base = np.arange(n) < n_target
    null = np.empty(n_permutations, dtype=np.float64)
    step = max(1, _BLOCK // max(n, 1))
    for k in range(0, n_permutations, step):
        b = min(step, n_permutations - k)
        labels = rng.permuted(np.broadcast_to(base, (b, n)), axis=1)
        t = labels.astype(np.float64) @ values
        r = total - t
        with np.errstate(invalid="ignore", divide="ignore"):
            d = t[:, 0] / t[:, 1] * 1000.0 - r[:, 0] / r[:, 1] * 1000.0
        d[(t[:, 1] == 0) | (r[:, 1] == 0)] = np.nan
        null[k : k + b] = d
    return null


def _permutation_p(null: np.ndarray, observed: float, alternative: str) -> tuple[float, int]:
    """(p, m): ``p = (1 + #as extreme) / (1 + m)`` over the ``m`` relabellings with a statistic (not NaN).

    A relabelling that leaves a group without tokens has no statistic: it is
    out of the numerator *and* the denominator, so the p-value is conditional
    on the relabellings in which both groups have tokens. Ties within 1e-9
    relative count as extreme. NaN when ``m`` is 0.
    """
    valid = null[~np.isnan(null)]
    if not len(valid):
        return float("nan"), 0
    tol = 1e-9 * max(abs(observed), 1e-12)
    if alternative == "two-sided":
        extreme = np.abs(valid) >= abs(observed) - tol
    elif alternative == "greater":
        extreme = valid >= observed - tol
    else:
        extreme = valid <= observed + tol
    return float((1 + np.count_nonzero(extreme)) / (1 + len(valid))), len(valid)


def _reference_cell(key: object, *, several: bool) -> object:
    """The ``reference`` column of one row: "rest" (key None), or the reference group's key.

    As :func:`toolkit.compare_groups` writes it: for one ``by`` column the value
    as a str (NA when missing), in a string column; for several a tuple of the
    values (``pd.NA`` when missing), in an object column.
    """
    if not several:
        text = "rest" if key is None else None if _missing(key) else str(key)
        return pd.array([text], dtype="string")
    cell = np.empty(1, dtype=object)
    cell[0] = "rest" if key is None else tuple(pd.NA if _missing(v) else v for v in cast(tuple, key))
    return cell


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, (float, np.floating)) and np.isnan(value))


def _ratio(count: float, tokens: float) -> float:
    return float(count) / float(tokens) * 1000.0
