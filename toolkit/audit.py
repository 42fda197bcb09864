"""Check the stance detector by hand: a stratified sample of its matches, and the precision of a coded sample.

A measure is only as good as its matches. :func:`hedge_audit` draws a random
sample of :func:`toolkit.find_stance` matches, the same number from each
stratum (by default each category, hedges split into epistemic hedges and
approximators), with the words around each match, for a researcher to code by
hand: is this match what its category says it is? :func:`score_audit` turns
the coded sample into a precision per stratum with a Wilson score interval
(scipy's ``binomtest(...).proportion_ci(method="wilson")``).

The sample is a function of the documents, the detector and the seed: the same
three give the same rows on any machine, so a coded sample can be checked
against the detector that made it (see :func:`audit_key`).

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Perhaps it may rain. We must act now.",
...                                                    "It could be about 8 km. Let me thank you."]})
>>> sample = hedge_audit(docs, n=8, seed=0, categories=["hedge", "directive", "formula"])
>>> sample[["stratum", "match"]].values.tolist()
[['directive', 'must'], ['formula', 'Let me'], ['hedge:approximator', 'about'], ['hedge:epistemic', 'may'], ['hedge:epistemic', 'could']]
>>> sample["correct"] = [True, True, True, True, False]
>>> score_audit(sample).round(3).values.tolist()
[['directive', 1, 1, 1.0, 0.207, 1.0], ['formula', 1, 1, 1.0, 0.207, 1.0], ['hedge:approximator', 1, 1, 1.0, 0.207, 1.0], ['hedge:epistemic', 2, 1, 0.5, 0.095, 0.905]]
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit._validation import check_columns, check_seed, warn_skipped
from toolkit._voicing import AUTO as _AUTO
from toolkit._voicing import check_voices as _check_voices
from toolkit._voicing import resolve as _resolve_segments

__all__ = ["AUDIT_COLUMNS", "audit_key", "hedge_audit", "score_audit"]

#: The columns of :func:`hedge_audit`, in order.
AUDIT_COLUMNS: tuple[str, ...] = (
    "stratum",
    "doc_id",
    "start",
    "end",
    "match",
    "category",
    "kind",
    "rule",
    "pattern",
    "left",
    "right",
    "correct",
    "note",
)
_TRUE = {"true", "yes", "y", "1", "correct"}
_FALSE = {"false", "no", "n", "0", "wrong", "incorrect"}


def _stratum(matches: pd.DataFrame) -> pd.Series:
    hedge = matches["category"] == "hedge"
    return matches["category"].where(~hedge, "hedge:" + matches["kind"].astype(str))


def hedge_audit(
    docs: pd.DataFrame,
    *,
    n: int = 200,
    seed: int = 0,
    categories: Sequence[str] | None = None,
    context: int = 80,
    voices: str | Sequence[str] | None = None,
    method: str | None = None,
    model: Any = None,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
    segments: pd.DataFrame | str | None = _AUTO,
) -> pd.DataFrame:
    """A stratified random sample of stance matches with their context, to code by hand.

    Parameters
    ----------
    docs : DataFrame
        A docs frame (``doc_id``, ``text``; ``speaker`` and ``genre`` for voices).
    n : int
        The sample size, shared equally among the strata (the first strata in
        sorted order get one more when ``n`` does not divide); a stratum with
        fewer matches than its share is taken whole.
    seed : int
        The seed of the draw (numpy's default generator); same seed, same sample.
    categories : sequence of str, optional
        Sample only these categories (default: every category found). The
        strata are the categories, with hedges split by kind:
        ``hedge:epistemic`` and ``hedge:approximator``.
    context : int
        Characters of context either side of each match (``left``, ``right``),
        cut at the document's edges; line breaks shown as spaces.
    voices : str or sequence of str, optional
        Keep only matches in these voices (see :func:`toolkit.find_stance`);
        default: every match.
    method, model, lexicon, segments
        As in :func:`toolkit.find_stance`.

    Returns
    -------
    DataFrame
        One row per sampled match, ordered by stratum, then document and offset,
        with the columns of :data:`AUDIT_COLUMNS`: the match's columns from
        :func:`toolkit.find_stance`, ``stratum``, ``left`` and ``right`` (its
        context), and ``correct`` (boolean, <NA>: to fill in) and ``note``
        (string, "") for the coder. ``attrs["population"]`` holds the number of
        matches in each stratum (for weighting the strata back); ``attrs["skipped"]``
        the documents left out as not English (warned about, as by :func:`toolkit.find_stance`
        with ``non_english="skip"``).

    Raises
    ------
    ValueError
        ``n`` or ``context`` is not a positive integer, a bad seed, an unknown
        category, or as :func:`toolkit.find_stance`.
    """
    from toolkit.hedging import find_stance

    for name, value in (("n", n), ("context", context)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}={value!r} is invalid; must be a positive integer.")
    check_seed("seed", seed)
    voices = _check_voices(voices)
    with warnings.catch_warnings():  # the documents left out are named below, under this function's name
        warnings.filterwarnings("ignore", message="find_stance left out", category=UserWarning)
        matches = find_stance(
            docs,
            lexicon=lexicon,
            categories=categories,
            rules=True,
            method=method,
            model=model,
            non_english="skip",
            segments=_resolve_segments(docs, segments, function="hedge_audit"),
        )
    skipped = matches.attrs["skipped"]
    warn_skipped("hedge_audit", skipped)  # a non-English document is left out of the sample: say so
    if voices is not None:
        matches = matches[matches["voice"].isin(list(voices)).fillna(False).to_numpy(bool)]
    matches = matches.assign(stratum=_stratum(matches)).reset_index(drop=True)
    population = matches["stratum"].value_counts().sort_index()
    strata = list(population.index)
    rng = np.random.default_rng(seed)
    picked: list[int] = []
    share, extra = divmod(int(n), max(len(strata), 1))
    for k, stratum in enumerate(strata):
        rows = np.flatnonzero((matches["stratum"] == stratum).to_numpy())
        want = share + (k < extra)
        picked.extend(rows if len(rows) <= want else np.sort(rng.choice(rows, size=want, replace=False)))
    sample = matches.iloc[sorted(picked)].sort_values(["stratum", "doc_id", "start"], kind="stable")
    texts = dict(zip(docs["doc_id"].astype(str), docs["text"].astype(str)))
    left, right = [], []
    for doc_id, s, e in zip(sample["doc_id"], sample["start"], sample["end"]):
        text = texts[str(doc_id)] if not pd.isna(doc_id) else ""
        left.append(" ".join(text[max(0, s - context) : s].split()))
        right.append(" ".join(text[e : e + context].split()))
    out = sample.assign(left=left, right=right, correct=pd.array([pd.NA] * len(sample), dtype="boolean"), note="")
    out = out[list(AUDIT_COLUMNS)].reset_index(drop=True)
    out = out.astype({"stratum": "string", "left": "string", "right": "string", "note": "string"})
    out.attrs["population"] = {str(k): int(v) for k, v in population.items()}
    out.attrs["skipped"] = skipped
    return out


def audit_key(sample: pd.DataFrame) -> list[tuple[str, int, int, str]]:
    """(doc_id, start, end, category) of each row: what must agree between a coded sample and a fresh draw."""
    check_columns(sample, ["doc_id", "start", "end", "category"], name="sample")
    return [
        (str(d), int(s), int(e), str(c))
        for d, s, e, c in zip(sample["doc_id"], sample["start"], sample["end"], sample["category"])
    ]


def _coded(values: pd.Series) -> pd.Series:
    """The ``correct`` column as booleans; raise naming the rows that are not coded."""
    out: list[bool | None] = []
    bad = []
    for idx, v in values.items():
        if isinstance(v, (bool, np.bool_)):
            out.append(bool(v))
        elif pd.isna(v):
            bad.append((idx, v))
            out.append(None)
        elif str(v).strip().lower() in _TRUE:
            out.append(True)
        elif str(v).strip().lower() in _FALSE:
            out.append(False)
        else:
            bad.append((idx, v))
            out.append(None)
    if bad:
        shown = ", ".join(f"{i!r} ({v!r})" for i, v in bad[:5])
        raise ValueError(
            f"coded: 'correct' must be True or False on every row; {len(bad)} row(s) are not coded: {shown}"
            f"{' ...' if len(bad) > 5 else ''}. Code them, or drop them and say so."
        )
    return pd.Series(out, index=values.index, dtype=bool)


def score_audit(coded: pd.DataFrame, *, by: str | Sequence[str] = "stratum", confidence: float = 0.95) -> pd.DataFrame:
    """Precision of a hand-coded audit sample, per stratum, with a Wilson score interval.

    Parameters
    ----------
    coded : DataFrame
        A sample from :func:`hedge_audit` (or a CSV of it read back) whose
        ``correct`` column is filled in: True/False, or yes/no, 1/0 as text.
    by : str or sequence of str
        The column(s) to score by (default ``stratum``).
    confidence : float
        The level of the interval, in (0, 1).

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, ``n`` (coded matches),
        ``correct``, ``precision`` (correct / n), ``ci_low``, ``ci_high`` (the
        Wilson score interval of scipy's ``binomtest``).

    Raises
    ------
    ValueError
        A column is missing; a row of ``correct`` is empty or not a yes/no
        (the message names the rows); ``confidence`` outside (0, 1).
    """
    from scipy.stats import binomtest

    keys = [by] if isinstance(by, str) else list(by)
    check_columns(coded, [*keys, "correct"], name="coded")
    if not isinstance(confidence, float) or not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence={confidence!r} is invalid; must be a float in (0, 1), e.g. 0.95.")
    coded = coded.reset_index(drop=True)  # positions, not labels: concatenated rounds repeat index labels
    ok = _coded(coded["correct"])
    rows = []
    for key, idx in coded.groupby(keys if len(keys) > 1 else keys[0], sort=True, dropna=False).indices.items():
        values = ok.iloc[idx]
        k, m = int(values.sum()), int(len(values))
        ci = binomtest(k, m).proportion_ci(confidence_level=confidence, method="wilson")
        key = key if isinstance(key, tuple) else (key,)
        rows.append(
            {
                **dict(zip(keys, key)),
                "n": m,
                "correct": k,
                "precision": k / m,
                "ci_low": float(ci.low),
                "ci_high": float(ci.high),
            }
        )
    return pd.DataFrame(rows, columns=[*keys, "n", "correct", "precision", "ci_low", "ci_high"])
