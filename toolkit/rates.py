"""Rates of matches per 1,000 tokens, with bootstrap intervals and permutation tests.

Generic over the kind of match: any frame with one row per match and the
columns ``doc_id``, ``start`` (character offset into the document text) and
``category`` works -- the matches of :func:`toolkit.hedging.find_stance`, or a
:func:`toolkit.kwic` result to which a ``category`` column was added.

- :func:`match_rates` -> one row per group and category: the group's key columns
  (the ``by`` columns), then matches, tokens, the rate per 1,000 tokens and a
  percentile bootstrap interval;
- :func:`compare_rates` -> one row: the difference of a category's rate between
  two groups, its bootstrap interval and a permutation p-value.

Whose words
-----------
Both functions, and :func:`toolkit.stance_rates`, count the same thing by
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

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit._progress import check_progress, progress_bar
from toolkit._rating import (
    _ALTERNATIVES,
    COMPARE_COLUMNS,
    RATE_COLUMNS,
    _bootstrap_rates,
    _match_rates,
    _permutation_null,
    _permutation_p,
    _prepare,
    _ratio,
    _reference_cell,
    _warn_single_unit,
)
from toolkit._validation import (
    check_confidence,
    check_count,
    check_one_of,
    check_seed,
    warn_skipped,
)
from toolkit._voicing import AUTO as _AUTO
from toolkit._voicing import check_voices as _check_voices
from toolkit._voicing import resolve as _resolve_segments
from toolkit.voices import OWN_VOICES

__all__ = ["COMPARE_COLUMNS", "OWN_VOICES", "RATE_COLUMNS", "compare_rates", "match_rates"]


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
    progress: bool | None = None,
) -> pd.DataFrame:
    """Rate of each category of matches per 1,000 tokens in each group, with a bootstrap interval.

    The interval is the percentile bootstrap interval of the ratio estimator
    ``sum(matches) / sum(tokens) * 1000`` over resamples (with replacement) of
    the group's documents; in a group of one document, of its sentences, or of blocks of 1,000 tokens when
    that document has more than 1,000,000 tokens (see Notes).

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
        own words, as in :func:`compare_rates` and :func:`toolkit.stance_rates`;
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
    progress : bool or None, default None
        A progress bar (tqdm, on standard error) counting the resamples of every group:
        None draws one only on a terminal or in a Jupyter notebook, once the
        loop has run for 2 seconds (not in scripts writing to a log, nor in
        tests or doctests; the environment variable ``TOOLKIT_PROGRESS``
        overrides this: ``0`` no bar, ``1`` always one); True always; False
        never. The result does not depend on it.

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
          ``"sentence"`` for a group of one document (with tokens), or
          ``"block"`` for a group of one document of more than
          1,000,000 tokens (``toolkit._rating.LONG_TEXT_TOKENS``).

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

    A group of one document of more than 1,000,000 tokens resamples blocks
    of 1,000 consecutive tokens (the last holds what is left; a match counts
    in the block of the last token that starts at or before it), a
    non-overlapping block bootstrap (Carlstein, 1986), instead of its
    sentences. Sentences resampled as if independent ignore how markers
    cluster in passages, which a long text shows: on the first 50 MB of the
    UNGDC's speeches as one text (8,238,080 tokens, 2,000 resamples) the 95%
    interval of the hedge rate was 0.130 per 1,000 tokens wide over its
    401,443 sentences, 0.202 over blocks of 1,000 tokens and 0.283 over
    blocks of 5,000 (``benchmarks/bench_single_units.py``). Read a single
    text's interval as a lower bound on its uncertainty: it still treats
    the text's blocks (or sentences) as exchangeable. A shorter document keeps
    its sentences, the only units it has enough of.

    Each resample is drawn as :func:`scipy.stats.bootstrap` draws it (a row of
    ``rng.integers(0, m, (n_resamples, m))``), so for one group and one
    category the interval equals ``scipy.stats.bootstrap(..., paired=True,
    method="percentile")`` with the same seed.

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
    Chapman & Hall. (Ch. 13, the percentile interval; ch. 6, ratio estimators.)

    Carlstein, E. (1986). The use of subseries values for estimating the
    variance of a general statistic from a stationary sequence. *The Annals
    of Statistics*, 14(3), 1171-1179.

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
    check_progress(progress)
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
        progress=progress,
    )
    warn_skipped("match_rates", out.attrs["skipped"])
    _warn_single_unit("match_rates", out.attrs["single_unit"])
    return out


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
    progress: bool | None = None,
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
        the same rates: :func:`toolkit.stance_rates` too). None counts every voice.
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
    progress : bool or None, default None
        A progress bar (tqdm, on standard error) counting the resamples and relabellings:
        None draws one only on a terminal or in a Jupyter notebook, once the
        loop has run for 2 seconds (not in scripts writing to a log, nor in
        tests or doctests; the environment variable ``TOOLKIT_PROGRESS``
        overrides this: ``0`` no bar, ``1`` always one); True always; False
        never. The result does not depend on it.

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
        - ``unit`` (string): ``"document"`` or ``"sentence"`` (a side of one
          document cuts both sides into sentences, however long a text: the
          permutations relabel units of one kind; :func:`match_rates`' blocks
          of a long text are not used here).

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
    check_progress(progress)
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
    # sentences on both sides, however long a text (a permutation relabels units of one kind)
    t_counts, t_tokens, unit = prep.units(t_rows, sentences=sentences, blocks=False)
    r_counts, r_tokens, _ = prep.units(r_rows, sentences=sentences, blocks=False)
    t_counts, r_counts = t_counts[:, 0], r_counts[:, 0]
    single = [side for side, tokens in (("target", t_tokens), ("reference", r_tokens)) if np.count_nonzero(tokens) == 1]
    rate_t = _ratio(t_counts.sum(), t_tokens.sum())
    rate_r = _ratio(r_counts.sum(), r_tokens.sum())
    diff = rate_t - rate_r

    rng = np.random.default_rng(seed)
    total = 2 * n_resamples + n_permutations
    with progress_bar(total, progress=progress, desc="compare_rates: bootstrap, permutations", unit="draw") as bar:
        boot = (
            _bootstrap_rates(rng, t_counts[:, None], t_tokens, n_resamples, bar)[:, 0]
            - _bootstrap_rates(rng, r_counts[:, None], r_tokens, n_resamples, bar)[:, 0]
        )
        null = _permutation_null(
            rng,
            np.concatenate([t_counts, r_counts]),
            np.concatenate([t_tokens, r_tokens]),
            len(t_counts),
            n_permutations,
            bar,
        )
    alpha = (1.0 - confidence) / 2.0
    low, high = np.nanpercentile(boot, [100 * alpha, 100 * (1 - alpha)])
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
