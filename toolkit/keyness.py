"""Keyness: which terms are relatively more frequent in one set of texts than in another.

:func:`keyness` compares two term-count vectors; :func:`compare_groups` counts
the groups of a docs frame and compares each with the rest (or two named groups);
:func:`adjust_pvalues` corrects for the many terms tested at once.

Every measure starts from the same 2 x 2 table for a term, with ``a`` and ``b``
its counts in the target and the reference, and ``Nt`` and ``Nr`` the sizes
(tokens) of the two::

                  target     reference
    term            a            b
    other words   Nt - a       Nr - b

Expected counts are row total x column total / N (N = Nt + Nr). Scores are
signed: positive when the term's relative frequency ``a / Nt`` is higher in the
target than ``b / Nr`` in the reference.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import special

from toolkit._contingency import two_by_two as _two_by_two
from toolkit._dispatch import is_dask, scaled
from toolkit._parallel import release_memory
from toolkit._progress import check_progress, progress_bar
from toolkit._validation import check_confidence, check_count, check_one_of
from toolkit.tokentable import TokenTable

__all__ = ["MEASURES", "PRIOR_STRENGTH", "adjust_pvalues", "compare_groups", "keyness", "top_keywords"]

MEASURES: tuple[str, ...] = ("g2", "chi2", "log_ratio", "pct_diff", "fightin_words", "lrc", "positive_lrc")
_CORRECTIONS = {
    "g2": ("none", "williams", "yates"),
    "chi2": ("none", "yates"),
    "log_ratio": ("none",),
    "pct_diff": ("none",),
    "fightin_words": ("none",),
    "lrc": ("none",),
    "positive_lrc": ("none",),
}
_COLUMNS = ["term", "n_target", "n_reference", "measure", "score", "p_value", "log_ratio", "ci_low", "ci_high"]
#: A zero count is replaced by this in log ratio and %DIFF (Hardie 2014).
ZERO_COUNT = 0.5
#: The default weight of an informative Fightin' Words prior: its pseudo-counts total this fraction of
#: each side's tokens (see :func:`keyness`, ``prior_strength``).
PRIOR_STRENGTH = 0.1


def keyness(
    target: pd.Series | Mapping[str, int],
    reference: pd.Series | Mapping[str, int],
    *,
    measure: str = "g2",
    correction: str = "none",
    prior: float | pd.Series | Mapping[str, float] = 0.01,
    prior_strength: float = PRIOR_STRENGTH,
    target_total: int | None = None,
    reference_total: int | None = None,
    confidence: float = 0.95,
    family: int | None = None,
    unit: str = "token",
) -> pd.DataFrame:
    """Compare the term counts of a target with those of a reference.

    Parameters
    ----------
    target, reference : Series or mapping of term -> count
        Counts: whole numbers >= 0 that a 64-bit integer holds exactly (below
        2**63; a float such as 3.0 is taken as 3), summing to less than 2**63.
        Anything else -- a negative, fractional, infinite or missing count, a
        bool or a str -- is an error naming the term and the side, never a term
        silently dropped or a count silently wrapped. Terms missing on one side
        count 0 there.
    measure : {"g2", "chi2", "log_ratio", "pct_diff", "fightin_words", "lrc", "positive_lrc"}, default "g2"
        - ``g2``: log-likelihood G2 = 2 sum O ln(O/E) over the four cells of the
          table (Dunning 1993; the full 4-cell form, not the 2-cell shortcut);
        - ``chi2``: Pearson's chi-squared sum (O - E)^2 / E over the four cells;
        - ``log_ratio``: Hardie's (2014) log ratio, log2((a/Nt) / (b/Nr));
        - ``pct_diff``: Gabrielatos & Marchi's (2012) %DIFF,
          100 (a/Nt - b/Nr) / (b/Nr), a zero count replaced by 0.5 as in the log
          ratio (they put 1E-18 in place of a zero, which gives meaningless
          values near 10^20), so %DIFF = 100 (2^log_ratio - 1) and is always
          finite. Unlike the other measures %DIFF is not antisymmetric: swapping
          the sides turns D into 100 / (1 + D/100) - 100 (+100 becomes -50);
        - ``fightin_words``: Monroe, Colaresi & Quinn's (2008) log-odds ratio
          with a Dirichlet prior, as a z-score (their eq. 16, 20 and 22). Each
          side has its pseudo-counts, ``at`` for the term and ``a0t`` for all
          words on the target side, ``ar`` and ``a0r`` on the reference side (see
          ``prior``): delta = log((a + at) / (Nt + a0t - a - at)) -
          log((b + ar) / (Nr + a0r - b - ar)), var = 1/(a + at) + 1/(b + ar),
          score = delta / sqrt(var). With ``unit="document"`` var also has
          1/(Nt + a0t - a - at) + 1/(Nr + a0r - b - ar), the documents without the
          term (the delta-method variance of a difference of two log-odds, of
          which eq. 20 keeps the terms that matter for words: other words are
          many, documents without the term need not be). Without them, on two
          groups of 20 documents drawn alike, 10 to 13 % of 400 terms had
          p < 0.05; with them 3.5 % (tests/test_keyness.py). On documents the
          prior must be informative (``prior="corpus"`` in :func:`compare_groups`,
          or a Series), each side's pseudo-counts in proportion to its documents:
          a number is refused (it favours the side with fewer documents). When the
          prior gives no mass to other words (a one-term vocabulary) a term that is
          the whole of one side has infinite log-odds there: score +-inf (p 0); the
          whole of both sides, 0 (p 1).
        - ``lrc``: Evert's (2022) conservative log ratio, as ``keyness(measure="LRC")`` of the R package
          corpora (0.6 and later) computes it: conditional on ``a + b``, ``a`` is binomial with
          ``pi = Nt r / (Nt r + Nr)`` for the ratio ``r`` of the two relative frequencies, and the exact
          (Clopper-Pearson) interval of ``pi`` at the level ``confidence``, Bonferroni-corrected over
          ``family`` terms, gives the interval ``ci_low``, ``ci_high`` of log2 ``r``; the score is the bound
          nearer 0 on the side of the observed rates (``ci_low`` if ``a/Nt >= b/Nr``, ``ci_high`` if lower),
          clamped at 0: 0 when the interval holds 0, so a term is key only if the difference is significant,
          and its score is how large it surely is;
        - ``positive_lrc``: the same with a one-sided interval for positive keywords (corpora's
          ``"PositiveLRC"``): the lower bound of log2 ``r`` at level ``confidence`` (Bonferroni-corrected),
          not clamped: a term the target uses less scores below 0, one it never uses ``-inf``.
    correction : {"none", "williams", "yates"}, default "none"
        For ``g2``: Williams's (1976) correction divides G2 by
        q = 1 + (N/R1 + N/R2 - 1)(N/Nt + N/Nr - 1) / (6N) (R = row totals);
        Yates's moves each observed count 0.5 towards its expected count (never
        past it, as scipy does). For ``chi2``: ``"yates"`` or ``"none"``. Other
        measures take ``"none"`` only. The default is ``"none"`` so that values
        match the published tables, tools and calculators (Rayson's, AntConc,
        quanteda) that readers will compare with; with corpora of thousands of
        words the corrections change G2 by a few percent at most, and Williams's
        matters only for counts below about 5.
    prior : float or Series/mapping of term -> count, default 0.01
        For ``fightin_words`` only.

        - A float: the uninformative prior, one pseudo-count ``aw`` for every
          term on both sides (at = ar = aw), a0t = a0r = aw x (number of terms
          in either side). With groups of different sizes its sign can differ
          from the rates' for rare terms (a term absent from a small target).
          Tokens only: with ``unit="document"`` a number is refused (see above).
        - A Series: an informative prior, the counts of a background corpus
          (e.g. one holding both sides); only their proportions are used. With
          ``pi`` the term's share of the background and ``s = prior_strength``,
          each side gets pseudo-counts in proportion to its size:
          at = s Nt pi, a0t = s Nt, ar = s Nr pi, a0r = s Nr. (Monroe et al.,
          section 3.5, write the informative prior as alpha_w = alpha_0 pi_w
          and leave its weight alpha_0 to the analyst; here it is chosen per
          side, alpha_0 = s N, as scattertext scales its informative prior.)
          Then each side's posterior rate is (rate + s pi) / (1 + s): both rates
          move the same fraction of the way to the background rate, so the sign
          of the score is exactly the sign of a/Nt - b/Nr (the score's sign is
          taken from that comparison in integers, so that rounding cannot flip a
          near tie). Every term of the target and the reference needs a
          background count above 0.

          The background counts themselves as pseudo-counts (tidylo's
          empirical Bayes default, and this toolkit's before issue 11) let the
          prior outweigh the smaller side: in the Security Council, China (2,342
          tokens) against the United States (8,009), with the whole Council's
          counts (27,322 words without stop words) as pseudo-counts, 326 of
          2,030 terms came out on the side their rates do not favour
          ("military", 0 against 19, on China's).
    prior_strength : float, default PRIOR_STRENGTH (0.1)
        For ``fightin_words`` with a Series ``prior``: ``s`` above, the prior's
        pseudo-counts on each side as a fraction of that side's tokens. It sets
        how far rates shrink towards the background (by s / (1 + s)) and how
        much a term absent from one side is credited there (s x its expected
        count), not the sign. The default 0.1 leaves the data 10/11 of the
        weight and scores a term missing from one side as if seen at a tenth of
        its background rate, neither as a zero (whose log-odds would be
        infinite) nor as fully expected. On the Council comparison above, 0.05
        to 0.5 give nearly the same top 15 each way, and the closest ranking to
        G2's (Spearman 0.94); 0.01 ranks one-sided terms low ("military", 0
        against 19, below "states", 2 against 23); 1 halves the data's weight
        and 10 (scattertext's default) drowns it: 2 terms with p < 0.05 instead
        of 56. In 30 simulated draws of both sides at those sizes from the
        Council's word distribution, 0.1 keeps nearly the power of a negligible
        prior (50 planted twofold differences ranked in the top 50: 21% against
        22% at 0.01, 17% at 0.25) while its p-values stay conservative (with no
        difference, 2.5% of terms seen 20 times or more have p < 0.05).
    target_total, reference_total : int, optional
        The sizes Nt and Nr in tokens. Default: the sum of the counts. Give them
        when the counts are a filtered vocabulary (stop words removed, a word list)
        so that relative frequencies stay relative to the whole text.
    unit : {"token", "document"}, default "token"
        ``"document"``: the counts are the documents that hold each term and the totals (then required) the
        numbers of documents of each side; every measure is computed on the term's own 2 x 2 table of
        documents (a count need only be at most its total; the counts need not sum below it).
    confidence : float, default 0.95
        The confidence of the interval ``ci_low``, ``ci_high`` (and of ``lrc`` and ``positive_lrc``).
    family : int, optional
        The number of terms the interval is Bonferroni-corrected for: each interval has level
        ``1 - (1 - confidence) / family``. None (the default): the number of terms compared, so that all of
        them hold at once with probability ``confidence`` (corpora's ``p.adjust=TRUE``); 1: no correction.

    Returns
    -------
    DataFrame
        One row per term counted on either side (terms with 0 on both sides are
        dropped), sorted by score (descending), then term:

        - ``term`` (string);
        - ``n_target``, ``n_reference`` (int64): the counts ``a`` and ``b``;
        - ``measure`` (string): the measure's name, with ``+williams`` or
          ``+yates`` when corrected;
        - ``score`` (float64): the signed statistic, never NaN: positive when
          ``a/Nt > b/Nr``, negative when lower, 0 when equal (G2 and chi2 are
          given that sign; the others have it by their formula);
        - ``p_value`` (float64): in [0, 1], never NaN; for ``g2`` and ``chi2`` from the chi-squared
          distribution with 1 degree of freedom (of the corrected statistic); for
          ``fightin_words`` two-sided from the standard normal; ``log_ratio`` and
          ``pct_diff`` are effect sizes with no test of their own, and report the
          p-value of the uncorrected G2 on the same table;
        - ``log_ratio`` (float64): Hardie's log ratio, whatever the measure, with
          zero counts replaced by 0.5 (Hardie 2014), so it is always finite;
        - ``ci_low``, ``ci_high`` (float64): whatever the measure, the exact two-sided interval of the log2
          ratio of relative frequencies at level ``confidence``, Bonferroni-corrected over ``family`` (see
          ``lrc``); ``-inf`` below when ``a`` is 0, ``+inf`` above when ``b`` is 0. With
          ``unit="document"`` it is conservative: it treats the counts as rare events (Poisson), as tokens
          are, while a term held by most documents is bounded by their number. Of 20,000 draws of each side,
          a nominal 95 % interval (no correction) held the true ratio 99.8 to 100 % of the time for shares
          of documents from 0.5 to 0.9 (20 to 1,000 documents a side) and 96.6 % for shares of 0.05 and 0.04:
          too wide, never too narrow (tests/test_keyness.py), so ``lrc`` and ``positive_lrc`` on documents
          understate keyness. ``lrc`` and ``positive_lrc`` report, as ``log_ratio`` does, the p-value of the
          uncorrected G2.

    Raises
    ------
    ValueError
        An unknown measure or correction, a correction the measure does not take,
        a count that is not a whole number in [0, 2**63) (the term and the side
        are named), counts summing to 2**63 or more, an empty side, totals below
        the counts' sums, a prior that is not a finite positive number (or a
        Series of finite counts >= 0, positive for every compared term), or a
        ``prior_strength`` that is not a finite positive number.

    References
    ----------
    Dunning (1993), Computational Linguistics 19(1). Williams (1976), Biometrika 63(1).
    Hardie (2014), "Log Ratio: an informal introduction", CASS. Gabrielatos & Marchi
    (2012), CADS conference. Monroe, Colaresi & Quinn (2008), Political Analysis 16(4).

    Examples
    --------
    >>> table = keyness({"oppose": 52}, {"oppose": 57}, target_total=50_000, reference_total=75_000)
    >>> round(float(table.loc[0, "score"]), 4), round(float(table.loc[0, "log_ratio"]), 4)
    (2.6541, 0.4525)
    >>> keyness({"oppose": 52}, {"oppose": 57}, measure="pct_diff",
    ...         target_total=50_000, reference_total=75_000)["score"].round(2).tolist()
    [36.84]

    Fightin' Words with a background corpus as prior: "war" is 1 in 10 words of
    the target and 1 in 5 of the reference, so it is the reference's word
    (negative), however large the background.

    >>> background = {"war": 2_000, "peace": 3_000, "other": 95_000}
    >>> table = keyness({"war": 1, "peace": 9}, {"war": 20, "peace": 80}, measure="fightin_words",
    ...                 prior=background)
    >>> table[["term", "score"]].round(4).values.tolist()
    [['peace', 1.504], ['war', -0.7773]]
    """
    check_one_of("measure", measure, MEASURES)
    check_one_of("correction", correction, ("none", "williams", "yates"))
    if correction not in _CORRECTIONS[measure]:
        allowed = ", ".join(repr(c) for c in _CORRECTIONS[measure])
        raise ValueError(f"correction={correction!r} is invalid for measure={measure!r}; must be one of {allowed}.")
    a_counts, a_sum = _as_counts(target, "target")
    b_counts, b_sum = _as_counts(reference, "reference")
    terms = a_counts.index.union(b_counts.index)
    a = a_counts.reindex(terms, fill_value=0).to_numpy(dtype=np.int64)
    b = b_counts.reindex(terms, fill_value=0).to_numpy(dtype=np.int64)
    used = (a > 0) | (b > 0)  # not a + b > 0: that sum could wrap around
    terms, a, b = terms[used], a[used], b[used]
    check_one_of("unit", unit, ("token", "document"))
    if unit == "document":  # each count is a number of documents, at most the side's documents
        if target_total is None or reference_total is None:
            raise ValueError("unit='document' needs target_total and reference_total: the numbers of documents.")
        n_t = _total(target_total, int(a.max(initial=0)), "target")
        n_r = _total(reference_total, int(b.max(initial=0)), "reference")
    else:
        n_t = _total(target_total, a_sum, "target")
        n_r = _total(reference_total, b_sum, "reference")
    for name, size in (("target", n_t), ("reference", n_r)):
        # a side is empty when its size is 0, not when the terms compared have no count there (a group of stop
        # words only, or whose terms min_count left out, still has tokens: its totals say how many)
        if size == 0:
            raise ValueError(
                f"{name} is empty (its counts sum to 0 and no {name}_total gives its size); there is nothing to "
                "compare."
            )
    strength = _strength(prior_strength)
    if measure == "fightin_words" and unit == "document" and not isinstance(prior, (pd.Series, Mapping)):
        raise ValueError(
            f"measure='fightin_words' with unit='document' needs an informative prior, not prior={prior!r}: "
            "prior='corpus' in compare_groups, or here a Series of a background's document counts. A number "
            "gives every term the same pseudo-documents on both sides, and all the other terms' as documents "
            "without it, which favours the side with fewer documents (two groups of 40 and 10 documents drawn "
            "alike, 4,000 terms: 51 % had p < 0.05 with prior=0.01; 2.4 % with the corpus as prior)."
        )
    alpha = _prior(prior, terms, n_t, n_r, strength) if measure == "fightin_words" else None
    if alpha is not None and unit == "document" and ((alpha.rest_t <= 0) | (alpha.rest_r <= 0)).any():
        term = terms[np.flatnonzero((alpha.rest_t <= 0) | (alpha.rest_r <= 0))[0]]
        raise ValueError(
            f"prior gives {term!r} the whole background, so no pseudo-count to the documents without it (their "
            "log-odds would be infinite); with unit='document' use a background that holds other terms too."
        )
    level = _corrected_level(confidence, family, len(a))
    low, high = _log_ratio_interval(a, b, n_t, n_r, level, sided="two")
    if measure in ("lrc", "positive_lrc"):
        _, p_value = _score_arrays(a, b, n_t, n_r, measure="log_ratio", correction="none", alpha=None)
        if measure == "lrc":  # the bound nearer 0 on the observed side, clamped at 0
            score = np.where(_direction(a, b, n_t, n_r) >= 0, np.maximum(low, 0.0), np.minimum(high, 0.0))
        else:
            score, _ = _log_ratio_interval(a, b, n_t, n_r, level, sided="greater")
    else:
        score, p_value = _score_arrays(a, b, n_t, n_r, measure=measure, correction=correction, alpha=alpha, unit=unit)
    name = measure if correction == "none" else f"{measure}+{correction}"
    out = pd.DataFrame(
        {
            "term": pd.array(terms.astype(str), dtype="string"),
            "n_target": a,
            "n_reference": b,
            "measure": pd.array([name] * len(a), dtype="string"),
            "score": score,
            "p_value": p_value,
            "log_ratio": _log_ratio(a, b, n_t, n_r),
            "ci_low": low,
            "ci_high": high,
        }
    )
    return out.sort_values(["score", "term"], ascending=[False, True], ignore_index=True)


def _corrected_level(confidence: object, family: object, n_terms: int) -> float:
    """``1 - (1 - confidence) / family``, ``family`` None meaning the number of terms (at least 1)."""
    confidence = check_confidence(confidence)
    size = max(n_terms, 1) if family is None else check_count("family", family, 1)
    return 1.0 - (1.0 - confidence) / size


def _log_ratio_interval(
    a: np.ndarray, b: np.ndarray, n_t: int, n_r: int, level: float, *, sided: str
) -> tuple[np.ndarray, np.ndarray]:
    """The exact interval of log2((a/n_t) / (b/n_r)) at ``level``: Clopper-Pearson for the binomial share
    ``a / (a + b)`` (the conditional Poisson test), mapped to the ratio by ``r = pi / (1 - pi) * n_r / n_t``.

    ``sided="two"``: both bounds, ``(1 - level) / 2`` in each tail; ``"greater"``: the lower bound at
    ``1 - level`` (and +inf above). A bound on a count of 0 is -inf (a = 0) or +inf (b = 0)."""
    tail = (1.0 - level) / 2 if sided == "two" else 1.0 - level
    k = np.asarray(a, dtype=float)
    n = k + np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        # scipy.stats.beta.ppf and .isf, bit for bit, without importing scipy.stats (0.5 s, 45 MiB)
        lower = np.where(k > 0, special.betaincinv(k, n - k + 1, tail), 0.0)
        upper = np.where(n - k > 0, special.betainccinv(k + 1, n - k, tail), 1.0)
        scale = float(n_r) / float(n_t)
        low = np.log2(scale * lower / (1.0 - lower))
        high = np.log2(scale * upper / (1.0 - upper)) if sided == "two" else np.full(len(k), np.inf)
    return low, high


def compare_groups(
    docs: pd.DataFrame | TokenTable,
    *,
    by: str | Sequence[str],
    target: Any = None,
    reference: Any = None,
    measure: str = "g2",
    correction: str = "none",
    prior: float | str = 0.01,
    prior_strength: float = PRIOR_STRENGTH,
    adjust: str | None = None,
    ngram: int | tuple[int, int] = 1,
    lowercase: bool = True,
    stop_words: Any = None,
    min_count: int = 1,
    n_jobs: int | None = None,
    progress: bool | None = None,
    confidence: float = 0.95,
    family: int | None = None,
    unit: str = "token",
    permutations: int = 0,
    seed: int = 0,
) -> pd.DataFrame:
    """Keyness of each group of documents against the rest, or of one group against another.

    Parameters
    ----------
    docs : DataFrame or TokenTable
        Documents or segments (``doc_id``, ``text`` and the ``by`` columns), or a
        :func:`toolkit.token_table` of them (tokenized once for several measures).
    by : str or list of str
        Column(s) whose values make the groups, as in :func:`toolkit.count_terms`:
        documents with the same value in every ``by`` column form one group;
        missing values (None, NaN, NA) of a column make one group of their own.
        Each ``by`` column stays a column of the output, so ("A | B", "C") and
        ("A", "B | C") are two groups, never one label "A | B | C".
    target : value or tuple, optional
        The group to compare: its value of the ``by`` column, or for several ``by``
        columns a tuple of values, one per column in the order of ``by``. A value
        matches a column's value when they are equal, when both are missing
        (``pd.NA``, None), or when it is the str of the column's value (``"2016"``
        for the year 2016). None: every group, each against the rest.
    reference : scalar or tuple, optional
        The group to compare ``target`` with, given as ``target`` is. None: all
        other documents ("rest").
    measure, correction : str
        As in :func:`keyness`.
    prior : float or "corpus", default 0.01
        For ``fightin_words``: a uniform pseudo-count (tokens only), or ``"corpus"`` for the
        informative prior of Monroe et al. (2008) whose proportions are those of
        all documents (every group, compared or not); see :func:`keyness`. With
        ``unit="document"``, ``"corpus"`` is required.
    prior_strength : float, default PRIOR_STRENGTH (0.1)
        For ``prior="corpus"``: the prior's pseudo-counts on each side as a
        fraction of that side's tokens, as in :func:`keyness`.
    adjust : {None, "bonferroni", "bh"}, default None
        Correct p-values for the number of terms compared (within each comparison):
        Bonferroni, or Benjamini & Hochberg's false discovery rate.
    ngram, lowercase, stop_words
        As in :func:`toolkit.count_terms`; stop words are left out of the
        comparison but not out of the totals. With a range of n-gram orders the
        totals hold the positions of every order together (see
        :func:`toolkit.document_term_matrix`): compare one order at a time for
        the tables of corpus tools, whose totals are those of the term's order.
    min_count : int, default 1
        Compare only terms occurring at least this often in target and reference together.
    n_jobs : int, optional
        Worker processes that tokenize the documents (None or 1: this process;
        -1: every CPU); the result does not depend on it. A token table is
        tokenized already: ``n_jobs`` is then not used.
    progress : bool or None, default None
        A progress bar (tqdm, on standard error) counting the comparisons, one
        per group when ``target`` is None: None draws one only on a terminal or
        in a Jupyter notebook, once they have run for 2 seconds (not in scripts
        writing to a log, nor in tests or doctests; the environment variable
        ``TOOLKIT_PROGRESS`` overrides this: ``0`` no bar, ``1`` always one);
        True always; False never. The result does not depend on it. Not used
        for a Dask DataFrame.
    confidence, family
        As in :func:`keyness`: the level of ``ci_low``, ``ci_high`` (and of ``lrc``), and the Bonferroni
        family, by default the number of terms compared in each comparison.
    unit : {"token", "document"}, default "token"
        What is counted. ``"token"``: occurrences, out of the groups' tokens. ``"document"``: documents that
        hold the term at least once, out of the groups' documents (the same measures on the 2 x 2 table of
        documents), so that a word used 50 times in one speech counts once (Egbert & Biber 2019).
    permutations : int, default 0
        With a number above 0, a permutation test over documents (Lijffijt et al. 2016): the documents of the
        two compared groups are shuffled between them ``permutations`` times (the groups' sizes kept), the
        measure is computed again on each shuffle, and ``p_permutation`` is the share of shuffles with a
        score at least as far from 0 as the observed one, counting the observed (``(1 + k) / (1 + n)``).
        A term that one document carries is as likely to land on either side: it is not key. For ``g2``,
        ``chi2`` and ``log_ratio``, with a ``target`` (against a ``reference`` or the rest). The same shuffles
        give ``p_permutation_maxt``, Westfall and Young's (1993) single-step maxT adjustment: the share of
        shuffles whose largest score over all the terms compared reaches the term's own, which holds the
        family-wise error rate over those terms whatever their dependence and burstiness.
    seed : int, default 0
        Seed of the permutations. The shuffles draw the documents in their row
        order: the same seed gives the same ``p_permutation`` for the same rows in
        the same order (sort the frame, e.g. by ``doc_id``, to make it independent
        of how the rows came; the scores never depend on it).

    Returns
    -------
    DataFrame
        One row per comparison and term, with the columns:

        - one column per ``by`` column, named after it, with the dtype of
          ``docs``: the target group's value;
        - ``reference``: ``"rest"`` when each group is compared with all other
          documents; else the reference group: for one ``by`` column its value
          as a string (string dtype, NA for a missing value, as before the by
          columns were kept), for several a tuple of its values (object dtype);
        - ``term``, ``n_target``, ``n_reference``, ``measure``, ``score``,
          ``p_value``, ``log_ratio``, ``ci_low``, ``ci_high``: as in :func:`keyness`;
        - ``p_adjusted`` (float64): the adjusted p-value; equal to ``p_value``
          when ``adjust`` is None;
        - with ``permutations`` above 0 only, ``p_permutation`` and
          ``p_permutation_maxt`` (float64): the permutation p-value over
          documents and its maxT family-wise adjustment, each at least
          ``1 / (1 + permutations)``.

        Sorted by group (the ``by`` values in order, a missing value last), then
        score (descending), then term.

    Raises
    ------
    ValueError
        ``docs`` has no rows; ``by`` names no column, a column twice, a missing
        column or one whose name an output column takes (``reference``, ``term``,
        ``score`` ...); ``target`` or ``reference`` is not a group (the groups are
        listed) or is not a tuple of one value per ``by`` column; they are the same
        group; there is only one group; or a compared group has no tokens.
        (Checks and matching are those of :func:`toolkit.count_terms`' groups.)

    Warns
    -----
    UserWarning
        A document is on both sides of a comparison: the same ``doc_id`` with the
        same text in the target group and in the reference (its group, or the
        rest; with ``target=None``, in two groups), as when two corpora that share
        a file are stacked. Its words count on both sides, which pulls every score
        towards 0. The warning names the documents and comes before the counting.
        (Rows that share only a ``doc_id``, such as the segments of one document,
        or only a text, such as a formula sentence said by two speakers, are
        different stretches of text and are not warned about.)

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["we firmly oppose", "we hope"],
    ...                      "speaker": ["Xing", "Kim"]})
    >>> compare_groups(docs, by="speaker", target="Xing")[["speaker", "reference", "term", "n_target"]].values.tolist()
    [['Xing', 'rest', 'firmly', 1], ['Xing', 'rest', 'oppose', 1], ['Xing', 'rest', 'we', 1], ['Xing', 'rest', 'hope', 0]]

    Several ``by`` columns: a tuple names a group, and each column stays a column.

    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["we oppose", "we hope"],
    ...                      "country": ["A | B", "A"], "venue": ["C", "B | C"]})
    >>> compare_groups(docs, by=["country", "venue"], target=("A", "B | C"))[
    ...     ["country", "venue", "reference", "term", "n_target"]].values.tolist()
    [['A', 'B | C', 'rest', 'hope', 1], ['A', 'B | C', 'rest', 'we', 1], ['A', 'B | C', 'rest', 'oppose', 0]]
    """
    from toolkit._groups import groups as _groups
    from toolkit._inputs import docs_frame as _frame
    from toolkit.counts import count_matrix, group_sums

    if is_dask(docs):  # a Dask DataFrame: the groups summed partition by partition (toolkit.scale)
        return scaled("compare_groups")(
            docs,
            by=by,
            target=target,
            reference=reference,
            measure=measure,
            correction=correction,
            prior=prior,
            prior_strength=prior_strength,
            ngram=ngram,
            lowercase=lowercase,
            stop_words=stop_words,
            min_count=min_count,
            adjust=adjust,
            confidence=confidence,
            family=family,
            unit=unit,
            permutations=permutations,
        )
    check_one_of("adjust", adjust, (None, "bonferroni", "bh"))
    check_one_of("unit", unit, ("token", "document"))
    permutations = check_count("permutations", permutations, 0)
    if permutations and (measure not in ("g2", "chi2", "log_ratio") or target is None):
        raise ValueError(
            f"permutations={permutations} needs a target and measure 'g2', 'chi2' or 'log_ratio' (got "
            f"target={target!r}, measure={measure!r}); the permutation test shuffles the documents of two groups."
        )
    check_progress(progress)
    if measure == "fightin_words" and isinstance(prior, str):
        check_one_of("prior", prior, ("corpus",))
    release_memory()  # what the caller's earlier results left free (a count_terms frame let go): back first
    groups = _groups(_frame(docs), by, reserved=RESULT_COLUMNS)
    tgt, ref = compared_groups(groups, target, reference, by)
    _warn_shared(_frame(docs), groups, tgt, ref)

    matrix, terms, _, doc_totals, order = count_matrix(docs, ngram, lowercase, stop_words, n_jobs)
    codes = groups.codes
    indicator = np.zeros((len(groups), len(codes)))
    indicator[codes, np.arange(len(codes))] = 1
    counted = matrix if unit == "token" else (matrix > 0).astype(np.int64)  # documents holding the term
    # groups x terms, summed as count_terms sums them (one compiled pass, in the sorted terms' order for a
    # token table; a float indicator had made scipy copy the documents' matrix as float64)
    sums, _, _ = group_sums(counted.tocsr(), codes, len(groups), doc_totals, order)
    by_group = np.asarray(sums.toarray(), dtype=np.int64)
    del sums
    if order is not None:  # a token table's terms, in the order of the sorted terms
        terms = terms[order]
        if permutations:  # only the permutation test reads the documents' matrix (a copy of it otherwise)
            counted = counted[:, order]
    totals = indicator @ (doc_totals if unit == "token" else np.ones(len(codes)))
    table = compare_sums(
        groups,
        by_group,
        terms,
        totals,
        tgt,
        ref,
        measure=measure,
        correction=correction,
        prior=prior,
        prior_strength=prior_strength,
        min_count=min_count,
        adjust=adjust,
        progress=progress,
        confidence=confidence,
        family=family,
        unit=unit,
    )
    if permutations:
        table["p_permutation"], table["p_permutation_maxt"] = _permutation_p(
            table,
            counted,
            terms,
            codes,
            doc_totals if unit == "token" else np.ones(len(codes)),
            tgt,
            ref,
            measure=measure,
            correction=correction,
            permutations=permutations,
            seed=seed,
        )
    release_memory()  # the group sums' temporaries let go: their pages back to the system
    return table


def _permutation_p(
    table: pd.DataFrame,
    counted: Any,
    terms: np.ndarray,
    codes: np.ndarray,
    sizes: np.ndarray,
    tgt: int | None,
    ref: int | None,
    *,
    measure: str,
    correction: str,
    permutations: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's permutation p-value, and the Westfall-Young single-step maxT p-value: the target's and the
    reference's documents shuffled between them; maxT counts the shuffles whose largest ``|score|`` over every
    term of the table reaches the row's observed one, so it holds the family-wise error over the terms."""
    import scipy.sparse as sp

    pool = np.flatnonzero((codes == tgt) | ((codes == ref) if ref is not None else (codes != tgt)))
    is_target = codes[pool] == tgt
    X = sp.csr_matrix(counted)[pool][:, np.searchsorted(terms, table["term"].to_numpy(dtype=object))]
    sizes = np.asarray(sizes, dtype=float)[pool]
    whole, size_all = np.asarray(X.sum(axis=0)).ravel(), sizes.sum()

    def scores(mask: np.ndarray) -> np.ndarray:
        a = np.asarray(X[mask].sum(axis=0)).ravel().astype(np.int64)
        n_t = int(round(sizes[mask].sum()))
        score, _ = _score_arrays(
            a, whole - a, n_t, int(round(size_all)) - n_t, measure=measure, correction=correction, alpha=None
        )
        return np.abs(score)

    observed = scores(is_target)
    rng = np.random.default_rng(seed)
    reached = observed - 1e-12 * np.maximum(observed, 1.0)  # a shuffle's score equal to the observed counts
    beyond, beyond_max = np.zeros(len(observed)), np.zeros(len(observed))
    for _ in range(permutations):
        shuffled = scores(rng.permutation(is_target))
        beyond += shuffled >= reached
        beyond_max += (shuffled.max() if len(shuffled) else -np.inf) >= reached
    return (1.0 + beyond) / (1.0 + permutations), (1.0 + beyond_max) / (1.0 + permutations)


def compared_groups(groups: Any, target: object, reference: object, by: object) -> tuple[int | None, int | None]:
    """The indices of ``target`` and ``reference`` among ``groups`` (None where not given), checked as
    :func:`compare_groups` checks them. Shared with its Dask path; not in ``__all__``."""
    if not len(groups):
        raise ValueError("docs has no rows, so there are no groups to compare; pass the documents to count.")
    tgt = None if target is None else groups.find(target, name="target", by=by)
    ref = None if reference is None else groups.find(reference, name="reference", by=by)
    if ref is not None and tgt is None:
        raise ValueError("reference is given without target; name the target group too.")
    if tgt is not None and tgt == ref:
        raise ValueError(f"target and reference are both {groups.key(tgt)!r}; compare two different groups.")
    if len(groups) < 2:
        raise ValueError(f"by={by!r} makes only one group ({groups.key(0)!r}); there is nothing to compare it with.")
    return tgt, ref


def _warn_shared(frame: pd.DataFrame, groups: Any, tgt: int | None, ref: int | None) -> None:
    """Warn when a document (the same doc_id and text) is on both sides of a comparison (see :func:`compare_groups`).

    Only rows whose doc_id is repeated are compared by text, so a corpus of unique ids costs one pass over the ids.
    """
    ids = frame["doc_id"].astype(str).to_numpy()
    repeated = pd.Series(ids).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return
    rows = np.flatnonzero(repeated)
    codes = groups.codes[rows]
    if tgt is None:  # every group against the rest: a document in two groups is on both sides of a comparison
        on_target, on_reference = np.ones(len(rows), dtype=bool), np.ones(len(rows), dtype=bool)
    else:
        on_target = codes == tgt
        on_reference = codes != tgt if ref is None else codes == ref
    texts = frame["text"].astype(str).to_numpy()[rows]
    seen: dict[tuple[str, str], set[int]] = {}
    for doc_id, text, code, t, r in zip(ids[rows], texts, codes.tolist(), on_target, on_reference):
        if t or r:
            seen.setdefault((doc_id, text), set()).add(code)
    shared = []
    for (doc_id, _), found in seen.items():
        # in two groups: the target's and the reference's (against the rest, any other; with every group compared,
        # any two); the rows kept are those on either side, so two groups there are the target's and another
        if len(found) > 1 and (tgt is None or tgt in found):
            shared.append((doc_id, sorted(found)))
    if not shared:
        return
    shown = "; ".join(
        f"{doc_id!r} (in {' and '.join(repr(groups.key(g)) for g in found)})" for doc_id, found in shared[:5]
    ) + (f"; and {len(shared) - 5} more" if len(shared) > 5 else "")
    warnings.warn(
        f"compare_groups: {len(shared)} document(s) are on both sides of the comparison (the same doc_id and "
        f"text in the target and the reference): {shown}. Their words count on both sides, which pulls every "
        "score towards 0. Keep each document in one group: for two corpora that share files, take the shared "
        "files out of one of them, or docs.drop_duplicates(['doc_id', 'text']) after stacking them.",
        UserWarning,
        stacklevel=3,
    )


def compare_sums(
    groups: Any,
    by_group: np.ndarray,
    terms: np.ndarray,
    totals: np.ndarray,
    tgt: int | None,
    ref: int | None,
    *,
    measure: str,
    correction: str,
    prior: Any,
    prior_strength: float,
    min_count: int,
    adjust: str | None,
    progress: bool | None = False,
    confidence: float = 0.95,
    family: int | None = None,
    unit: str = "token",
) -> pd.DataFrame:
    """The rows of :func:`compare_groups` from the sums of its groups: ``by_group`` (groups x terms, int64,
    the terms sorted) and ``totals`` (the tokens of each group). Shared with its Dask path
    (:mod:`toolkit.scale`), which sums the groups over partitions and must give the same frame; not part of
    the public API (not in ``__all__``)."""
    compared = range(len(groups)) if tgt is None or ref is None else [tgt, ref]
    empty = [repr(groups.key(i)) for i in compared if totals[i] == 0]
    if empty:
        raise ValueError(f"group(s) {', '.join(empty[:5])} have no tokens; drop empty documents or choose another by.")
    all_counts = by_group.sum(axis=0)
    background = pd.Series(all_counts, index=terms) if prior == "corpus" else prior

    pairs = [(i, None) for i in range(len(groups))] if tgt is None else [(tgt, ref)]
    options = {
        "measure": measure,
        "correction": correction,
        "prior": background,
        "prior_strength": prior_strength,
        "confidence": confidence,
        "family": family,
        "unit": unit,
    }
    frames = []
    with progress_bar(len(pairs), progress=progress, desc="compare_groups", unit="comparison") as bar:
        for i, j in pairs:
            frames.append(_comparison(groups, by_group, all_counts, terms, totals, i, j, min_count, adjust, options))
            bar.update(1)
    return pd.concat(frames, ignore_index=True)


def _comparison(
    groups: Any,
    by_group: np.ndarray,
    all_counts: np.ndarray,
    terms: np.ndarray,
    totals: np.ndarray,
    i: int,
    j: int | None,
    min_count: int,
    adjust: str | None,
    options: dict[str, Any],
) -> pd.DataFrame:
    """The rows of group ``i`` against group ``j`` (None: the rest), its key columns first; ``options``: the
    measure, correction, prior and prior strength of :func:`keyness`."""
    a = by_group[i]
    b = by_group[j] if j is not None else all_counts - a
    n_t = int(totals[i])
    n_r = int(totals[j] if j is not None else totals.sum() - totals[i])
    keep = (a + b) >= max(min_count, 1)
    table = keyness(
        pd.Series(a[keep], index=terms[keep]),
        pd.Series(b[keep], index=terms[keep]),
        target_total=n_t,
        reference_total=n_r,
        **options,
    )
    table.insert(
        0,
        "reference",
        _reference_column(None if j is None else groups.key(j), len(table), single=len(groups.columns) == 1),
    )
    table["p_adjusted"] = table["p_value"] if adjust is None else adjust_pvalues(table["p_value"], method=adjust)
    return pd.concat([groups.take(np.full(len(table), i)), table], axis=1)  # groups in sorted order


def top_keywords(table: pd.DataFrame, *, n: int = 15) -> pd.DataFrame:
    """Keep the ``n`` highest positive and the ``n`` lowest negative scores of a keyness table.

    Parameters
    ----------
    table : DataFrame
        A frame from :func:`keyness` or :func:`compare_groups` (``term``, ``score``).
    n : int, default 15
        Terms kept on each side (fewer where fewer have a score of that sign).

    Returns
    -------
    DataFrame
        The kept rows, with the same columns: the positive ones by score
        descending, then the negative ones by score descending (the most negative
        last); ties broken by term.

    Examples
    --------
    >>> t = pd.DataFrame({"term": list("abcd"), "score": [3.0, 0.0, -1.0, -2.0]})
    >>> top_keywords(t, n=1)["term"].tolist()
    ['a', 'd']
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n={n!r} is invalid; must be an integer >= 1.")
    ordered = table.sort_values(["score", "term"], ascending=[False, True], kind="stable")
    top = ordered[ordered["score"] > 0].head(n)
    bottom = ordered[ordered["score"] < 0].tail(n)
    return pd.concat([top, bottom], ignore_index=True)


def adjust_pvalues(p: Sequence[float] | np.ndarray | pd.Series, *, method: str = "bh") -> np.ndarray:
    """Adjust p-values for multiple comparisons.

    Parameters
    ----------
    p : array-like of float
        P-values in [0, 1]; NaN values stay NaN and are not counted.
    method : {"bh", "bonferroni"}, default "bh"
        ``"bonferroni"``: min(1, p x m). ``"bh"``: Benjamini & Hochberg (1995),
        the step-up false discovery rate, p_(i) x m / i made monotone from the
        largest p down.

    Returns
    -------
    ndarray of float64
        The adjusted p-values, in the input order.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="bonferroni").round(2).tolist()
    [0.03, 0.12, 0.09]
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="bh").round(2).tolist()
    [0.03, 0.04, 0.04]
    """
    check_one_of("method", method, ("bh", "bonferroni"))
    values = np.asarray(p, dtype=float)
    finite = ~np.isnan(values)
    if ((values[finite] < 0) | (values[finite] > 1)).any():
        raise ValueError("p holds values outside [0, 1]; pass p-values.")
    out = np.full(values.shape, np.nan)
    q = values[finite]
    m = len(q)
    if m == 0:
        return out
    if method == "bonferroni":
        out[finite] = np.minimum(q * m, 1.0)
        return out
    order = np.argsort(q)
    ranked = q[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(ranked, 1.0)
    out[finite] = adjusted
    return out


# ---------------------------------------------------------------------------- the arithmetic


def _score_arrays(
    a: np.ndarray,
    b: np.ndarray,
    n_t: int,
    n_r: int,
    *,
    measure: str,
    correction: str,
    alpha: _Prior | None,
    unit: str = "token",
) -> tuple[np.ndarray, np.ndarray]:
    """Signed scores and p-values of every term at once (vectors ``a``, ``b``; sizes ``n_t``, ``n_r``; ``unit``
    as in :func:`keyness`)."""
    sign = _direction(a, b, n_t, n_r)
    a = a.astype(float)
    b = b.astype(float)
    if measure in ("g2", "chi2"):
        stat = _two_by_two(a, b, n_t, n_r, measure=measure, correction=correction)
        return sign * stat, special.chdtrc(1, stat)  # scipy.stats.chi2.sf(stat, 1), bit for bit
    if measure in ("log_ratio", "pct_diff"):
        g2 = _two_by_two(a, b, n_t, n_r, measure="g2", correction="none")
        score = _log_ratio(a, b, n_t, n_r) if measure == "log_ratio" else _pct_diff(a, b, n_t, n_r)
        return score, special.chdtrc(1, g2)
    # fightin_words (Monroe et al. 2008, eq. 16, 20, 22), each side with its own pseudo-counts
    if alpha is None:
        raise ValueError(f"measure={measure!r} needs the prior's pseudo-counts (alpha).")
    here_t, here_r = a + alpha.term_t, b + alpha.term_r
    rest_t = (n_t - a) + alpha.rest_t  # the other words' counts plus their pseudo-counts, without rounding noise
    rest_r = (n_r - b) + alpha.rest_r
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log(here_t / rest_t) - np.log(here_r / rest_r)
    var = 1.0 / here_t + 1.0 / here_r
    if unit == "document":  # the documents without the term are few: their terms are not negligible
        var += 1.0 / rest_t + 1.0 / rest_r  # each above 0: keyness refuses a prior that leaves one at 0
    z = delta / np.sqrt(var)
    # a one-term vocabulary that is the whole of both sides: no other words, nothing to compare
    z = np.where((rest_t == 0) & (rest_r == 0), 0.0, z)
    if alpha.proportional:
        # exactly, the sign of delta is the sign of a/n_t - b/n_r (see keyness); take it from the exact
        # integer comparison so that rounding cannot turn a tie into +-1e-17 or flip a near tie
        z = sign * np.abs(z)
    return z, 2 * special.ndtr(-np.abs(z))  # 2 * scipy.stats.norm.sf(|z|), bit for bit


def _direction(a: np.ndarray, b: np.ndarray, n_t: int, n_r: int) -> np.ndarray:
    """The sign of ``a/n_t - b/n_r`` of every term (-1.0, 0.0 or 1.0), exact: ``a n_r`` vs ``b n_t`` as integers."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    largest = max(int(a.max(initial=0)) * int(n_r), int(b.max(initial=0)) * int(n_t))
    if largest < _COUNT_LIMIT:  # the products fit in int64
        return np.sign(a * np.int64(n_r) - b * np.int64(n_t)).astype(float)
    return np.array(
        [float((x * n_r > y * n_t) - (x * n_r < y * n_t)) for x, y in zip(a.tolist(), b.tolist())], dtype=float
    )


def _rates(a: np.ndarray, b: np.ndarray, n_t: int, n_r: int) -> tuple[np.ndarray, np.ndarray]:
    a = np.where(a == 0, ZERO_COUNT, a).astype(float)
    b = np.where(b == 0, ZERO_COUNT, b).astype(float)
    return a / n_t, b / n_r


def _log_ratio(a: np.ndarray, b: np.ndarray, n_t: int, n_r: int) -> np.ndarray:
    rate_t, rate_r = _rates(a, b, n_t, n_r)
    return np.log2(rate_t / rate_r)


def _pct_diff(a: np.ndarray, b: np.ndarray, n_t: int, n_r: int) -> np.ndarray:
    rate_t, rate_r = _rates(a, b, n_t, n_r)
    return 100.0 * (rate_t - rate_r) / rate_r


# ---------------------------------------------------------------------------- groups


RESULT_COLUMNS = ("reference", *_COLUMNS, "p_adjusted")  # a by column may not take one of these names


def _reference_column(key: Any, n: int, single: bool) -> Any:
    """The ``reference`` column: "rest" (key None), or the reference's value as a str (one by column, NA when
    missing) or its tuple of values (several)."""
    if single:
        value = "rest" if key is None else pd.NA if _missing(key) else str(key)
        return pd.array([value] * n, dtype="string")
    value = "rest" if key is None else tuple(key)
    cells = np.empty(n, dtype=object)
    for i in range(n):  # one tuple per cell (a slice assignment could spread a tuple over cells)
        cells[i] = value
    return cells


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value))


# ---------------------------------------------------------------------------- checking inputs


_COUNT_LIMIT = 2**63  # counts and their sums are int64


def _exact_count(value: object) -> int | None:
    """``value`` as an exact int if it is a count (a whole number in [0, 2**63), not a bool); else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)) or (
        isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer()
    ):
        number = int(value)
    else:
        return None
    return number if 0 <= number < _COUNT_LIMIT else None


def _count_problem(value: object) -> str:
    """Why ``value`` is not a count, in a few words."""
    if value is None or value is pd.NA or (isinstance(value, (float, np.floating)) and np.isnan(value)):
        return "missing"
    if isinstance(value, (bool, np.bool_)):
        return "a bool"
    if isinstance(value, (int, np.integer)):
        return "negative" if value < 0 else "too large"
    if not isinstance(value, (float, np.floating)):
        return f"a {type(value).__name__}"
    if not np.isfinite(value):
        return "not finite"
    if value < 0:
        return "negative"
    if not float(value).is_integer():
        return "not a whole number"
    return "too large"


def _as_counts(counts: pd.Series | Mapping[str, int], name: str) -> tuple[pd.Series, int]:
    """(the counts as int64, their exact sum), after checking every count (see :func:`keyness`)."""
    if isinstance(counts, Mapping):
        counts = pd.Series(dict(counts), dtype=object)
    if not isinstance(counts, pd.Series):
        raise ValueError(f"{name} must be a pandas Series or a mapping of term -> count, got {type(counts).__name__}.")
    if not counts.index.is_unique:
        dup = counts.index[counts.index.duplicated()][0]
        raise ValueError(f"{name} counts the term {dup!r} twice; give each term once.")
    if not all(isinstance(t, str) for t in counts.index):  # terms are text: 1 and "1" are one term, "1"
        text = counts.index.map(str)
        if not text.is_unique:
            same = text[text.duplicated()][0]
            both = [t for t in counts.index if str(t) == same][:2]
            raise ValueError(
                f"{name} counts the term {same!r} twice, as {both[0]!r} and {both[1]!r} (terms are compared as "
                "text); give each term once."
            )
        counts = counts.set_axis(text)
    values = counts.to_numpy()
    kind = values.dtype.kind
    if kind in "iu":  # integer columns: only the sign and (uint64) the size to check
        bad = (values < 0) | (values >= _COUNT_LIMIT) if kind == "u" else values < 0
    elif kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(values) | (values < 0) | (values != np.floor(values)) | (values >= _COUNT_LIMIT)
    else:  # object, bool, str, extension arrays: one by one
        bad = np.array([_exact_count(v) is None for v in values], dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = values[i].item() if isinstance(values[i], np.generic) else values[i]
        raise ValueError(
            f"{name}[{counts.index[i]!r}] = {value!r} is invalid; counts must be whole numbers >= 0 and below "
            f"2**63 (what a 64-bit integer holds exactly), and this is {_count_problem(values[i])}."
        )
    ints = values.astype(np.int64) if kind in "iuf" else np.array([_exact_count(v) for v in values], dtype=np.int64)
    # exact: numpy's int64 sum would wrap around past 2**63
    total = int(ints.sum()) if not len(ints) or int(ints.max()) * len(ints) < _COUNT_LIMIT else sum(map(int, ints))
    if total >= _COUNT_LIMIT:
        raise ValueError(
            f"the {name} counts sum to {total}, at least 2**63; counts this large cannot be compared "
            "exactly (divide them, or check that they are counts)."
        )
    return pd.Series(ints, index=counts.index), total


def _total(total: int | None, observed: int, name: str) -> int:
    if total is None:
        return observed
    if isinstance(total, bool) or not isinstance(total, (int, np.integer)):
        raise ValueError(f"{name}_total={total!r} is invalid; must be an integer number of tokens.")
    if total < observed:
        raise ValueError(
            f"{name}_total={total} is smaller than the sum of the {name} counts ({observed}); "
            "it must be the size of the whole text."
        )
    return int(total)


class _Prior(NamedTuple):
    """A Dirichlet prior's pseudo-counts on each side: for the term, and for all other words together."""

    term_t: np.ndarray
    rest_t: np.ndarray
    term_r: np.ndarray
    rest_r: np.ndarray
    proportional: bool  # each side's pseudo-counts proportional to its size: the sign follows the rates


def _strength(value: object) -> float:
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not 0 < value < np.inf
    ):
        raise ValueError(
            f"prior_strength={value!r} is invalid; must be a finite number > 0 (the prior's "
            f"pseudo-counts as a fraction of each side's tokens; default {PRIOR_STRENGTH})."
        )
    return float(value)


def _prior(
    prior: float | pd.Series | Mapping[str, float], terms: pd.Index, n_t: int, n_r: int, strength: float
) -> _Prior:
    """The Dirichlet prior of Fightin' Words on each side (see :func:`keyness`, ``prior`` and ``prior_strength``)."""
    if isinstance(prior, Mapping):
        prior = pd.Series(dict(prior), dtype=object)
    if isinstance(prior, pd.Series):
        raw = prior.to_numpy()
        numbers = pd.to_numeric(prior, errors="coerce").astype(float)
        bad = (numbers.isna() | ~np.isfinite(numbers) | (numbers < 0)).to_numpy() | np.array(
            [isinstance(v, (bool, np.bool_, str)) for v in raw], dtype=bool
        )
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            value = raw[i].item() if isinstance(raw[i], np.generic) else raw[i]
            raise ValueError(
                f"prior[{prior.index[i]!r}] = {value!r} is invalid; a prior Series holds background "
                "counts, finite numbers >= 0."
            )
        values = numbers.reindex(terms)
        missing = values.isna() | (values <= 0)
        if missing.any():
            shown = ", ".join(repr(t) for t in terms[missing.to_numpy()][:5])
            raise ValueError(
                f"prior has no count above 0 for {shown}; use a background corpus that holds "
                "both the target and the reference, or a uniform prior (a number)."
            )
        total = float(numbers.sum())
        share = values.to_numpy() / total  # pi_w: the term's share of the background
        other = (total - values.to_numpy()) / total  # 1 - pi_w, without cancellation when pi_w is near 1
        size_t, size_r = strength * n_t, strength * n_r  # a0 on each side
        return _Prior(size_t * share, size_t * other, size_r * share, size_r * other, True)
    if (
        isinstance(prior, bool)
        or not isinstance(prior, (int, float, np.integer, np.floating))
        or not 0 < prior < np.inf
    ):
        raise ValueError(f"prior={prior!r} is invalid; must be a finite number > 0 or a Series of background counts.")
    aw = np.full(len(terms), float(prior))
    rest = float(prior) * len(terms) - aw  # a0 - aw, a0 = aw x (number of terms)
    return _Prior(aw, rest, aw, rest, False)
