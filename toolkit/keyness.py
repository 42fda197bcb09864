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

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from toolkit._validation import check_one_of

__all__ = ["MEASURES", "keyness", "compare_groups", "adjust_pvalues", "top_keywords"]

MEASURES: tuple[str, ...] = ("g2", "chi2", "log_ratio", "pct_diff", "fightin_words")
_CORRECTIONS = {
    "g2": ("none", "williams", "yates"),
    "chi2": ("none", "yates"),
    "log_ratio": ("none",),
    "pct_diff": ("none",),
    "fightin_words": ("none",),
}
_COLUMNS = ["term", "n_target", "n_reference", "measure", "score", "p_value", "log_ratio"]
#: A zero count is replaced by this in log ratio and %DIFF (Hardie 2014).
ZERO_COUNT = 0.5


def keyness(
    target: pd.Series | Mapping[str, int],
    reference: pd.Series | Mapping[str, int],
    *,
    measure: str = "g2",
    correction: str = "none",
    prior: float | pd.Series | Mapping[str, float] = 0.01,
    target_total: int | None = None,
    reference_total: int | None = None,
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
    measure : {"g2", "chi2", "log_ratio", "pct_diff", "fightin_words"}, default "g2"
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
        - ``fightin_words``: Monroe, Colaresi & Quinn's (2008) weighted log-odds
          ratio with an informative Dirichlet prior, as a z-score (their eq. 16
          and 22): delta = log((a + aw) / (Nt + a0 - a - aw)) -
          log((b + aw) / (Nr + a0 - b - aw)), var = 1/(a + aw) + 1/(b + aw),
          score = delta / sqrt(var). When the prior gives no mass to other words
          (a one-term vocabulary) a term that is the whole of one side has
          infinite log-odds there: score +-inf (p 0); the whole of both sides, 0 (p 1).
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
    prior : float or Series/mapping of term -> pseudo-count, default 0.01
        For ``fightin_words`` only. A float is a uniform pseudo-count ``aw`` for
        every term, and a0 = aw x (number of terms in either side). A Series is
        an informative prior, e.g. the counts of a background corpus holding both
        sides: aw = its count of the term, a0 = its total. Every term of the
        target and the reference needs a prior count above 0.
    target_total, reference_total : int, optional
        The sizes Nt and Nr in tokens. Default: the sum of the counts. Give them
        when the counts are a filtered vocabulary (stop words removed, a word list)
        so that relative frequencies stay relative to the whole text.

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
          zero counts replaced by 0.5 (Hardie 2014), so it is always finite.

    Raises
    ------
    ValueError
        An unknown measure or correction, a correction the measure does not take,
        a count that is not a whole number in [0, 2**63) (the term and the side
        are named), counts summing to 2**63 or more, an empty side, totals below
        the counts' sums, or a prior that is not a finite positive number (or a
        Series of finite counts >= 0, positive for every compared term).

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
    n_t = _total(target_total, a_sum, "target")
    n_r = _total(reference_total, b_sum, "reference")
    alpha = _prior(prior, terms) if measure == "fightin_words" else None
    score, p_value = _score_arrays(a, b, n_t, n_r, measure=measure, correction=correction, alpha=alpha)
    name = measure if correction == "none" else f"{measure}+{correction}"
    out = pd.DataFrame({
        "term": pd.array(terms.astype(str), dtype="string"),
        "n_target": a,
        "n_reference": b,
        "measure": pd.array([name] * len(a), dtype="string"),
        "score": score,
        "p_value": p_value,
        "log_ratio": _log_ratio(a, b, n_t, n_r),
    })
    return out.sort_values(["score", "term"], ascending=[False, True], ignore_index=True)


def compare_groups(
    docs: pd.DataFrame,
    *,
    by: str | Sequence[str],
    target: str | None = None,
    reference: str | None = None,
    measure: str = "g2",
    correction: str = "none",
    prior: float | str = 0.01,
    adjust: str | None = None,
    ngram: int | tuple[int, int] = 1,
    lowercase: bool = True,
    stop_words: Any = None,
    min_count: int = 1,
) -> pd.DataFrame:
    """Keyness of each group of documents against the rest, or of one group against another.

    Parameters
    ----------
    docs : DataFrame
        Documents or segments (``doc_id``, ``text`` and the ``by`` columns).
    by : str or list of str
        Column(s) whose values make the groups, as in :func:`toolkit.count_terms`.
    target : str, optional
        The group to compare. None: every group, each against the rest.
    reference : str, optional
        The group to compare ``target`` with. None: all other documents ("rest").
    measure, correction : str
        As in :func:`keyness`.
    prior : float or "corpus", default 0.01
        For ``fightin_words``: a uniform pseudo-count, or ``"corpus"`` for the
        informative prior of Monroe et al. (2008): the counts of all documents.
    adjust : {None, "bonferroni", "bh"}, default None
        Correct p-values for the number of terms compared (within each comparison):
        Bonferroni, or Benjamini & Hochberg's false discovery rate.
    ngram, lowercase, stop_words
        As in :func:`toolkit.count_terms`; stop words are left out of the
        comparison but not out of the totals.
    min_count : int, default 1
        Compare only terms occurring at least this often in target and reference together.

    Returns
    -------
    DataFrame
        The columns of :func:`keyness` after two new ones, and one more after them:
        ``group`` (string: the target group), ``reference`` (string: the reference
        group, or ``"rest"``), ``term``, ``n_target``, ``n_reference``, ``measure``,
        ``score``, ``p_value``, ``log_ratio``, and ``p_adjusted`` (float64: the
        adjusted p-value; equal to ``p_value`` when ``adjust`` is None). Sorted by
        group, then score (descending), then term.

    Raises
    ------
    ValueError
        ``docs`` has no rows; ``target`` or ``reference`` is not a group (the
        groups are listed), they are the same group, there is only one group, or
        a compared group has no tokens.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["we firmly oppose", "we hope"],
    ...                      "speaker": ["Xing", "Kim"]})
    >>> compare_groups(docs, by="speaker", target="Xing")[["group", "reference", "term", "n_target"]].values.tolist()
    [['Xing', 'rest', 'firmly', 1], ['Xing', 'rest', 'oppose', 1], ['Xing', 'rest', 'we', 1], ['Xing', 'rest', 'hope', 0]]
    """
    from toolkit.counts import _group_labels, document_term_matrix

    check_one_of("adjust", adjust, (None, "bonferroni", "bh"))
    if measure == "fightin_words" and isinstance(prior, str):
        check_one_of("prior", prior, ("corpus",))
    labels = _group_labels(docs, by)
    if not len(labels):
        raise ValueError("docs has no rows, so there are no groups to compare; pass the documents to count.")
    groups = sorted(set(labels.tolist()))
    for name, value in (("target", target), ("reference", reference)):
        if value is not None and value not in groups:
            shown = ", ".join(repr(g) for g in groups[:20]) + (" ..." if len(groups) > 20 else "")
            raise ValueError(f"{name}={value!r} is not a group of by={by!r}; the groups are {shown}.")
    if reference is not None and target is None:
        raise ValueError("reference is given without target; name the target group too.")
    if target is not None and target == reference:
        raise ValueError(f"target and reference are both {target!r}; compare two different groups.")
    if len(groups) < 2:
        raise ValueError(f"by={by!r} makes only one group ({groups[0]!r}); there is nothing to compare it with.")

    dtm = document_term_matrix(docs, ngram=ngram, lowercase=lowercase, stop_words=stop_words)
    codes = np.searchsorted(groups, labels)
    indicator = np.zeros((len(groups), len(codes)))
    indicator[codes, np.arange(len(codes))] = 1
    by_group = np.asarray((dtm.matrix.T @ indicator.T).T, dtype=np.int64)  # groups x terms
    totals = indicator @ dtm.totals
    compared = groups if target is None or reference is None else [target, reference]
    empty = [g for g, t in zip(groups, totals) if t == 0 and g in compared]
    if empty:
        raise ValueError(f"group(s) {', '.join(map(repr, empty[:5]))} have no tokens; drop empty documents "
                         "or choose another by.")
    all_counts = by_group.sum(axis=0)
    background = pd.Series(all_counts, index=dtm.terms) if prior == "corpus" else prior

    pairs = [(target, reference)] if target is not None else [(g, None) for g in groups]
    frames = []
    for tgt, ref in pairs:
        i = groups.index(tgt)
        a = by_group[i]
        b = by_group[groups.index(ref)] if ref is not None else all_counts - a
        n_t = int(totals[i])
        n_r = int(totals[groups.index(ref)] if ref is not None else totals.sum() - totals[i])
        keep = (a + b) >= max(min_count, 1)
        table = keyness(
            pd.Series(a[keep], index=dtm.terms[keep]), pd.Series(b[keep], index=dtm.terms[keep]),
            measure=measure, correction=correction, prior=background,
            target_total=n_t, reference_total=n_r,
        )
        table.insert(0, "reference", pd.array([ref or "rest"] * len(table), dtype="string"))
        table.insert(0, "group", pd.array([tgt] * len(table), dtype="string"))
        table["p_adjusted"] = table["p_value"] if adjust is None else adjust_pvalues(table["p_value"], method=adjust)
        frames.append(table)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["group", "score", "term"], ascending=[True, False, True], ignore_index=True)


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


def _score_arrays(a: np.ndarray, b: np.ndarray, n_t: int, n_r: int, *, measure: str, correction: str,
                  alpha: tuple[np.ndarray, float] | None) -> tuple[np.ndarray, np.ndarray]:
    """Signed scores and p-values of every term at once (vectors ``a``, ``b``; sizes ``n_t``, ``n_r``)."""
    a = a.astype(float)
    b = b.astype(float)
    sign = np.sign(a * n_r - b * n_t)  # a/n_t vs b/n_r without division
    if measure in ("g2", "chi2"):
        stat = _two_by_two(a, b, n_t, n_r, measure=measure, correction=correction)
        return sign * stat, stats.chi2.sf(stat, 1)
    if measure in ("log_ratio", "pct_diff"):
        g2 = _two_by_two(a, b, n_t, n_r, measure="g2", correction="none")
        score = _log_ratio(a, b, n_t, n_r) if measure == "log_ratio" else _pct_diff(a, b, n_t, n_r)
        return score, stats.chi2.sf(g2, 1)
    # fightin_words: alpha is (per-term pseudo-counts aw, their total a0)
    aw, a0 = alpha
    rest_t = (n_t - a) + (a0 - aw)  # the other words' counts plus their pseudo-counts, without rounding noise
    rest_r = (n_r - b) + (a0 - aw)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((a + aw) / rest_t) - np.log((b + aw) / rest_r)
    z = delta / np.sqrt(1.0 / (a + aw) + 1.0 / (b + aw))
    # a one-term vocabulary that is the whole of both sides: no other words, nothing to compare
    z = np.where((rest_t == 0) & (rest_r == 0), 0.0, z)
    return z, 2 * stats.norm.sf(np.abs(z))


def _two_by_two(a: np.ndarray, b: np.ndarray, n_t: int, n_r: int, *, measure: str, correction: str) -> np.ndarray:
    """G2 or chi-squared of the 2 x 2 tables [[a, b], [n_t - a, n_r - b]], vectorised, unsigned.

    With fixed margins every cell deviates from its expected count by the same
    ``d = (a n_r - b n_t) / N`` (signs +, -, -, +), so the statistic is computed
    from ``d`` and ``E``: chi2 = sum d^2 / E, and G2 = 2 sum [O ln(O/E) - (O - E)]
    (the added terms sum to 0) with ``ln(O/E) = log1p((O - E)/E)``. That keeps
    full precision in the big "other words" cells of corpora of 10^8 tokens,
    where ``O ln(O/E)`` taken directly loses about seven digits. Yates's
    correction shrinks ``|d|`` by 0.5, never below 0 (as scipy does).
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n_t = np.asarray(n_t, dtype=float)
    n_r = np.asarray(n_r, dtype=float)
    n = n_t + n_r
    row1, row2 = a + b, n - a - b
    expected = np.stack(np.broadcast_arrays(row1 * n_t / n, row1 * n_r / n, row2 * n_t / n, row2 * n_r / n))
    d = (a * n_r - b * n_t) / n
    if correction == "yates":
        d = np.sign(d) * np.maximum(np.abs(d) - 0.5, 0.0)
    dev = np.stack(np.broadcast_arrays(d, -d, -d, d))  # O - E, cell by cell
    present = expected > 0
    safe = np.where(present, expected, 1.0)
    if measure == "chi2":
        return np.where(present, dev * dev / safe, 0.0).sum(axis=0)
    observed = expected + dev
    with np.errstate(divide="ignore", invalid="ignore"):
        cells = np.where(observed > 0, observed * np.log1p(dev / safe) - dev, expected)
    g2 = np.maximum(2.0 * np.where(present, cells, 0.0).sum(axis=0), 0.0)
    if correction == "williams":
        with np.errstate(divide="ignore"):
            q = 1.0 + (n / row1 + n / row2 - 1.0) * (n / n_t + n / n_r - 1.0) / (6.0 * n)
        g2 = g2 / q
    return g2


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


# ---------------------------------------------------------------------------- checking inputs


_COUNT_LIMIT = 2**63  # counts and their sums are int64


def _exact_count(value: object) -> int | None:
    """``value`` as an exact int if it is a count (a whole number in [0, 2**63), not a bool); else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        number = int(value)
    elif isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
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
        raise ValueError(f"{name} must be a pandas Series or a mapping of term -> count, got "
                         f"{type(counts).__name__}.")
    if not counts.index.is_unique:
        dup = counts.index[counts.index.duplicated()][0]
        raise ValueError(f"{name} counts the term {dup!r} twice; give each term once.")
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
        raise ValueError(f"the {name} counts sum to {total}, at least 2**63; counts this large cannot be compared "
                         "exactly (divide them, or check that they are counts).")
    if total == 0:
        raise ValueError(f"{name} is empty (no term has a count above 0); there is nothing to compare.")
    return pd.Series(ints, index=counts.index), total


def _total(total: int | None, observed: int, name: str) -> int:
    if total is None:
        return observed
    if isinstance(total, bool) or not isinstance(total, (int, np.integer)):
        raise ValueError(f"{name}_total={total!r} is invalid; must be an integer number of tokens.")
    if total < observed:
        raise ValueError(f"{name}_total={total} is smaller than the sum of the {name} counts ({observed}); "
                         "it must be the size of the whole text.")
    return int(total)


def _prior(prior: float | pd.Series | Mapping[str, float], terms: pd.Index) -> tuple[np.ndarray, float]:
    """(aw for each term, a0): the Dirichlet prior's pseudo-counts and their total."""
    if isinstance(prior, Mapping):
        prior = pd.Series(dict(prior), dtype=object)
    if isinstance(prior, pd.Series):
        raw = prior.to_numpy()
        numbers = pd.to_numeric(prior, errors="coerce").astype(float)
        bad = (numbers.isna() | ~np.isfinite(numbers) | (numbers < 0)).to_numpy() | np.array(
            [isinstance(v, (bool, np.bool_, str)) for v in raw], dtype=bool)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            value = raw[i].item() if isinstance(raw[i], np.generic) else raw[i]
            raise ValueError(f"prior[{prior.index[i]!r}] = {value!r} is invalid; a prior Series holds background "
                             "counts, finite numbers >= 0.")
        values = numbers.reindex(terms)
        missing = values.isna() | (values <= 0)
        if missing.any():
            shown = ", ".join(repr(t) for t in terms[missing.to_numpy()][:5])
            raise ValueError(f"prior has no count above 0 for {shown}; use a background corpus that holds "
                             "both the target and the reference, or a uniform prior (a number).")
        return values.to_numpy(), float(numbers.sum())
    if (isinstance(prior, bool) or not isinstance(prior, (int, float, np.integer, np.floating))
            or not 0 < prior < np.inf):
        raise ValueError(f"prior={prior!r} is invalid; must be a finite number > 0 or a Series of background counts.")
    return np.full(len(terms), float(prior)), float(prior) * len(terms)
