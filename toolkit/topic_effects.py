"""Topic prevalence regressed on document covariates, carrying the topic model's uncertainty.

The R package stm's ``estimateEffect`` (Roberts, Stewart & Tingley 2019, *stm: An R Package for Structural
Topic Models*, Journal of Statistical Software 91(2)) asks how a document's topic proportions depend on who
speaks, where and when, with a linear regression of the proportions on the covariates. A topic model
estimates those proportions with error, so the regression is fitted many times, once per draw of the
proportions from each document's posterior, and the draws are combined by the *method of composition*:

1. draw each document's topic proportions from its variational posterior (LDA: a Dirichlet, whose
   parameters scikit-learn's ``transform(X, normalize=False)`` gives);
2. fit ordinary least squares of each topic's proportion on the design (intercept, treatment-coded
   categorical covariates, numeric covariates as they are): coefficients ``b`` and their covariance
   ``s**2 (X'X)^-1``;
3. draw :data:`SIMS_PER_DRAW` coefficient vectors from the normal ``N(b, s**2 (X'X)^-1)`` of each fit, and
   pool the simulations of every draw: their mean is the estimate, their standard deviation the standard
   error, their quantiles the interval (as stm's ``summary.estimateEffect`` does).

The interval so carries both the sampling variation of the regression and the uncertainty of the topic
model about each document's proportions.

- :func:`topic_effects`: the coefficients, one row per topic and term;
- :func:`marginal_prevalence`: the predicted mean proportion of each topic at each value of a covariate,
  the other covariates held at their sample averages.

NMF has no posterior to draw from and is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.linalg import solve_triangular

from toolkit._inputs import ids_and_texts as _ids_and_texts
from toolkit._validation import check_columns, check_confidence, check_count, check_one_of, check_seed
from toolkit._validation import check_unique_ids as _check_unique_ids
from toolkit.topics import TopicModel

__all__ = ["SIMS_PER_DRAW", "marginal_prevalence", "topic_effects"]

#: Coefficient vectors simulated from each draw's regression before pooling. stm's ``summary.estimateEffect``
#: simulates 500 from each of ``estimateEffect``'s 25 draws (12,500 in all); the default here, 100 draws of 25,
#: pools 2,500, drawing the documents' proportions more often and the coefficients less.
SIMS_PER_DRAW = 25
#: The term of the intercept, as R and patsy name it.
INTERCEPT = "(Intercept)"
_EFFECT_COLUMNS = ("topic", "label", "term", "covariate", "level", "estimate", "std_error", "ci_low", "ci_high")
_MARGINAL_COLUMNS = ("topic", "label", "estimate", "std_error", "ci_low", "ci_high", "n_docs")


# ---------------------------------------------------------------------------- public


def topic_effects(
    model: TopicModel,
    docs: pd.DataFrame,
    covariates: str | Sequence[str],
    *,
    reference: Mapping[str, Any] | None = None,
    n_draws: int = 100,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Regress topic proportions on document covariates, with the topic model's uncertainty (stm's estimateEffect).

    For each of ``n_draws`` draws, every document's topic proportions are drawn
    from its variational posterior under ``model`` (a Dirichlet whose
    parameters are LDA's per-document ``gamma``, from the estimator's
    ``transform(X, normalize=False)``), and each topic's proportion is
    regressed by ordinary least squares on an intercept and the covariates
    (one least-squares solve for all topics). :data:`SIMS_PER_DRAW` (25)
    coefficient vectors are then simulated from each fit's normal
    ``N(b, s**2 (X'X)^-1)`` and all simulations pooled: the method of
    composition of stm's ``estimateEffect`` and ``summary.estimateEffect``
    (Roberts, Stewart & Tingley 2019, J. Stat. Softw. 91(2)). stm draws from
    its logistic-normal posterior; an LDA posterior is a Dirichlet.

    The estimate of a coefficient is the mean of its pooled simulations, the
    standard error their standard deviation and the interval their
    ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles. Documents
    are put in ``doc_id`` order before drawing, so the result does not depend
    on the order of the rows of ``docs``; the same inputs and ``seed`` give the
    same frame, bit for bit.

    LDA's posterior here is scikit-learn's mean-field variational one, which
    is known to be narrower than the exact posterior: the uncertainty it adds
    is a lower bound. On long documents it is small (the study's 523 UN
    statements, a median of 2,068 tokens in the General Debate and 518 in the
    Security Council: standard errors 1% wider at the median, at most 3%,
    than ordinary least squares on the posterior mean); on short ones it
    matters more.

    The proportions are bounded and sum to 1 over topics; the linear model is
    the approximation stm makes too (its default), and its predictions and
    intervals can reach below 0 or above 1. Memory grows as
    ``n_draws * 25 * k * n_terms`` floats (100 draws, 6 topics and 20 terms:
    2.4 MB).

    Parameters
    ----------
    model : TopicModel
        Fitted with ``method="lda"``. NMF is refused: it gives one point
        estimate of each document's weights, with no posterior to draw from.
    docs : DataFrame
        A docs frame (``doc_id``, ``text``) with the covariate columns; usually
        the documents the model was fitted on. ``doc_id`` must be unique.
        Every document needs at least one of the model's terms (its
        proportions would otherwise only be the prior): such documents are an
        error naming them; drop them first.
    covariates : str or list of str
        Columns of ``docs``. A numeric column (not bool) enters linearly, as
        one term named by the column. Any other column (str, object,
        category, bool) is a factor in treatment (dummy) coding: one term per
        level but the reference, named ``"column[T.level]"``, the difference
        from the reference level. Levels are the values present, in sorted
        order (for a pandas Categorical, in the order of its categories);
        for a number that should be a factor (a decade), convert the column
        with ``.astype(str)`` or ``.astype("category")``. An intercept is
        always included. A missing value is an error naming the column and
        documents (rows are never dropped silently).
    reference : dict of {column: level}, optional
        The reference level of a categorical covariate, e.g.
        ``{"country": "USA"}`` (a level matches its value or its str).
        Default: the first level.
    n_draws : int, default 100
        Draws of the documents' topic proportions (stm's ``nsims``, 25 by default there).
    confidence : float, default 0.95
        Coverage of the interval.
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`, an integer from 0 to 2**32 - 1.

    Returns
    -------
    DataFrame
        One row per topic and term, sorted by topic, then term in design order
        (the intercept, then each covariate's terms in the order of
        ``covariates``, levels in level order):

        - ``topic`` (int64): 0 to k - 1;
        - ``label`` (string): the topic's label (``model.labels_``);
        - ``term`` (string): ``"(Intercept)"``, ``"column[T.level]"`` for a
          level of a categorical covariate, or the column's name for a numeric
          one;
        - ``covariate`` (string): the column the term belongs to; missing for
          the intercept;
        - ``level`` (string): the level of a categorical term; missing for the
          intercept and numeric terms. The reference levels are in
          ``attrs["reference"]`` ({column: level});
        - ``estimate`` (float64): the coefficient, in units of topic proportion
          (0.05: five percentage points more of a document) per level change
          or per unit of a numeric covariate; the intercept is the expected
          proportion at the reference levels and numeric covariates at 0;
        - ``std_error`` (float64): the standard deviation of the pooled simulations;
        - ``ci_low``, ``ci_high`` (float64): the interval's quantiles.

        ``attrs`` also holds ``n_docs``, ``n_draws`` and ``sims_per_draw``.

    Raises
    ------
    ValueError
        The model is not fitted or is NMF; ``docs`` lacks a covariate column
        (the message names it and the columns there); a covariate has a
        missing value or a numeric one an infinite value (the message names
        the column and the documents), or only one level; ``reference`` names a column that is not a
        categorical covariate or a level that is not present; the design is
        rank-deficient (the message names the term that the ones before it
        determine) or has no more documents than terms; a document has none
        of the model's terms; an option is invalid.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(8)], "country": ["X", "Y"] * 4,
    ...     "text": ["nuclear weapons treaty talks", "climate finance adaptation emissions",
    ...              "nuclear treaty verification", "climate emissions pledges finance",
    ...              "weapons talks treaty nuclear", "adaptation climate finance",
    ...              "verification nuclear weapons", "finance pledges emissions climate"]})
    >>> model = TopicModel(n_components=2, max_iter=50).fit(docs)
    >>> effects = topic_effects(model, docs, ["country"], n_draws=20)
    >>> model.labels_
    ['climate, finance, emissions', 'nuclear, treaty, weapons']
    >>> effects[["topic", "term"]].values.tolist()
    [[0, '(Intercept)'], [0, 'country[T.Y]'], [1, '(Intercept)'], [1, 'country[T.Y]']]
    >>> effects["estimate"].round(1).tolist()  # country X's proportions, then Y's difference from X
    [0.1, 0.7, 0.9, -0.7]
    >>> bool((effects["ci_low"] < effects["estimate"]).all() and (effects["estimate"] < effects["ci_high"]).all())
    True
    """
    fit = _simulate(model, docs, covariates, reference, n_draws, confidence, seed, caller="topic_effects")
    sims = fit.sims.reshape(-1, *fit.sims.shape[2:])  # (pooled simulations, k, p)
    low, high = np.quantile(sims, [fit.alpha, 1 - fit.alpha], axis=0)
    k, p = sims.shape[1:]
    design = fit.design
    topic = np.repeat(np.arange(k, dtype=np.int64), p)
    out = pd.DataFrame(
        {
            "topic": topic,
            "label": pd.array(np.asarray(model.labels_, dtype=object)[topic], dtype="string"),
            "term": pd.array(np.tile(np.asarray(design.terms, dtype=object), k), dtype="string"),
            "covariate": pd.array(np.tile(np.asarray(design.covariate, dtype=object), k), dtype="string"),
            "level": pd.array(np.tile(np.asarray(design.level, dtype=object), k), dtype="string"),
            "estimate": sims.mean(axis=0).ravel(),
            "std_error": sims.std(axis=0, ddof=1).ravel(),
            "ci_low": low.ravel(),
            "ci_high": high.ravel(),
        }
    )
    out.attrs.update(fit.attrs())
    return out


def marginal_prevalence(
    model: TopicModel,
    docs: pd.DataFrame,
    by: str | Sequence[str],
    covariates: str | Sequence[str] | None = None,
    *,
    n_draws: int = 100,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Predicted mean topic proportion at each value of ``by``, the other covariates held at their averages.

    The regression of :func:`topic_effects` on ``by`` and ``covariates``
    (the same draws for the same ``seed``) predicts each topic's proportion
    for a document with the given ``by`` value(s) and, for every other
    covariate, the sample average of its design columns: each level of a
    categorical covariate at its share of the documents, a numeric covariate
    at its mean. Comparing countries with ``covariates=["decade"]`` so
    compares them at the same mix of decades. Each pooled simulation of the
    coefficients gives one prediction; the estimate is their mean and the
    interval their quantiles, so it carries the topic model's uncertainty as
    the coefficients' does. With no other covariate the estimate of a
    categorical ``by`` is the group's mean proportion (up to the simulation's
    noise) and the interval is the regression's, not a bootstrap's.

    Parameters
    ----------
    model : TopicModel
        Fitted with ``method="lda"`` (see :func:`topic_effects`).
    docs : DataFrame
        A docs frame with the columns of ``by`` and ``covariates``.
    by : str or list of str
        The covariate(s) to predict at: one row per combination of values
        present in ``docs``. Coded as in :func:`topic_effects` (a numeric
        column linearly: the prediction at each value present).
    covariates : str or list of str, optional
        Further covariates to hold at their averages (those also in ``by``
        are ignored here).
    n_draws, confidence, seed
        As in :func:`topic_effects`.

    Returns
    -------
    DataFrame
        Sorted by the ``by`` values (in level order; numeric values ascending), then topic:

        - each ``by`` column, in the order given, with the values and dtype of ``docs``;
        - ``topic`` (int64), ``label`` (string);
        - ``estimate`` (float64): the predicted mean proportion of the topic;
        - ``std_error`` (float64): the standard deviation of the simulated predictions;
        - ``ci_low``, ``ci_high`` (float64): their quantiles;
        - ``n_docs`` (int64): documents with these ``by`` values.

        ``attrs["held_at"]`` gives each other covariate's value in the
        prediction ({term: value}: shares for levels, the mean for numbers).

    Raises
    ------
    ValueError
        As :func:`topic_effects`; ``by`` is empty or names a column of the
        result (``topic``, ``label``, ``estimate``...).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(8)], "country": ["X", "Y"] * 4,
    ...     "text": ["nuclear weapons treaty talks", "climate finance adaptation emissions",
    ...              "nuclear treaty verification", "climate emissions pledges finance",
    ...              "weapons talks treaty nuclear", "adaptation climate finance",
    ...              "verification nuclear weapons", "finance pledges emissions climate"]})
    >>> model = TopicModel(n_components=2, max_iter=50).fit(docs)
    >>> prev = marginal_prevalence(model, docs, "country", n_draws=20)
    >>> prev[["country", "topic", "n_docs"]].values.tolist()
    [['X', 0, 4], ['X', 1, 4], ['Y', 0, 4], ['Y', 1, 4]]
    >>> prev["estimate"].round(1).tolist()
    [0.1, 0.9, 0.9, 0.1]
    """
    by_list = _names("by", by)
    if not by_list:
        raise ValueError("by is empty; name at least one column of docs to predict at.")
    clash = [c for c in by_list if c in _MARGINAL_COLUMNS]
    if clash:
        raise ValueError(
            f"by names {clash[0]!r}, a column of the result ({', '.join(map(repr, _MARGINAL_COLUMNS))}); "
            f"rename it first (docs.rename(columns={{{clash[0]!r}: ...}}))."
        )
    others = [c for c in (_names("covariates", covariates) if covariates is not None else []) if c not in by_list]
    fit = _simulate(model, docs, by_list + others, None, n_draws, confidence, seed, caller="marginal_prevalence")
    design = fit.design
    keys = fit.frame[by_list]
    first = ~keys.duplicated().to_numpy()  # the first document of each combination of by values
    combos = np.flatnonzero(first)
    sort_keys = [design.sort_key[c][combos] for c in reversed(by_list)]
    combos = combos[np.lexsort(sort_keys)]
    by_cols = np.array([j for c in by_list for j in design.columns[c]], dtype=np.int64)
    rows = np.tile(design.matrix.mean(axis=0), (len(combos), 1))
    rows[:, by_cols] = design.matrix[np.ix_(combos, by_cols)]
    sims = fit.sims.reshape(-1, *fit.sims.shape[2:])  # (S, k, p)
    pred = np.einsum("skp,gp->sgk", sims, rows)  # (S, groups, k)
    low, high = np.quantile(pred, [fit.alpha, 1 - fit.alpha], axis=0)
    n_groups, k = pred.shape[1:]
    codes = keys.iloc[combos]
    n_docs = np.array([int((keys == codes.iloc[g]).all(axis=1).sum()) for g in range(n_groups)], dtype=np.int64)
    key_frame = codes.take(np.repeat(np.arange(n_groups), k)).reset_index(drop=True)
    topic = np.tile(np.arange(k, dtype=np.int64), n_groups)
    values = pd.DataFrame(
        {
            "topic": topic,
            "label": pd.array(np.asarray(model.labels_, dtype=object)[topic], dtype="string"),
            "estimate": pred.mean(axis=0).ravel(),
            "std_error": pred.std(axis=0, ddof=1).ravel(),
            "ci_low": low.ravel(),
            "ci_high": high.ravel(),
            "n_docs": np.repeat(n_docs, k),
        }
    )
    out = pd.concat([key_frame, values], axis=1)
    out.attrs.update(fit.attrs())
    held = [j for j in range(len(design.terms)) if j not in set(by_cols.tolist()) and design.terms[j] != INTERCEPT]
    out.attrs["held_at"] = {design.terms[j]: float(rows[0, j]) for j in held}
    return out


# ---------------------------------------------------------------------------- the simulation


@dataclass
class _Design:
    """The regression's design: its matrix, and what each column is."""

    matrix: np.ndarray  # (n_docs, p)
    terms: list[str]
    covariate: list[str | None]
    level: list[str | None]
    columns: dict[str, list[int]]  # covariate -> its columns in matrix
    sort_key: dict[str, np.ndarray]  # covariate -> per document, a number ordering its values
    reference: dict[str, str]


@dataclass
class _Fit:
    design: _Design
    frame: pd.DataFrame  # docs in doc_id order
    sims: np.ndarray  # (n_draws, SIMS_PER_DRAW, k, p)
    alpha: float
    n_draws: int

    def attrs(self) -> dict[str, Any]:
        return {
            "reference": dict(self.design.reference),
            "n_docs": len(self.frame),
            "n_draws": self.n_draws,
            "sims_per_draw": SIMS_PER_DRAW,
        }


def _simulate(
    model: TopicModel,
    docs: pd.DataFrame,
    covariates: str | Sequence[str],
    reference: Mapping[str, Any] | None,
    n_draws: int,
    confidence: float,
    seed: int,
    *,
    caller: str,
) -> _Fit:
    """Check the inputs, then draw, fit and simulate: the method of composition shared by both functions."""
    _check_model(model, caller)
    n_draws = check_count("n_draws", n_draws, 1)
    level = check_confidence(confidence)
    check_seed("seed", seed)
    columns = _names("covariates", covariates)
    if not columns:
        raise ValueError("covariates is empty; name at least one column of docs.")
    check_columns(docs, ["doc_id", "text"])
    _check_unique_ids(docs)
    absent = [c for c in columns if c not in docs.columns]
    if absent:
        raise ValueError(
            f"docs has no column {', '.join(map(repr, absent))} (covariates); "
            f"its columns are {', '.join(map(repr, docs.columns))}."
        )
    reserved = [c for c in columns if c in ("doc_id", "text")]
    if reserved:
        raise ValueError(f"covariates may not include {reserved[0]!r}: one value per document is not a covariate.")
    _check_missing(docs, columns)
    ids = np.asarray(_ids_and_texts(docs)[0], dtype=object)
    order = np.argsort(ids.astype(str), kind="stable")  # doc_id order: the draws do not depend on row order
    frame = docs.iloc[order].reset_index(drop=True)
    design = _design(frame, columns, dict(reference) if reference is not None else {})
    gamma = _posterior(model, frame)
    sims = _composition(design.matrix, gamma, n_draws, np.random.default_rng(seed))[2]
    return _Fit(design, frame, sims, (1 - level) / 2, n_draws)


def _composition(
    X: np.ndarray, gamma: np.ndarray, n_draws: int, rng: np.random.Generator, *, draws: Sequence[np.ndarray] = ()
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients (n_draws, p, k), residual standard deviations (n_draws, k) and pooled simulations
    (n_draws, SIMS_PER_DRAW, k, p) of the regressions of Dirichlet(gamma) draws on ``X``.

    ``draws`` replaces the Dirichlet draws by given proportions (the tests pass the posterior mean)."""
    n, p = X.shape
    k = gamma.shape[1]
    Q, R = np.linalg.qr(X)
    R_inv = solve_triangular(R, np.eye(p))  # (X'X)^-1 = R_inv R_inv'
    dof = n - p
    n_draws = len(draws) if draws else n_draws
    betas = np.empty((n_draws, p, k))
    sigmas = np.empty((n_draws, k))
    sims = np.empty((n_draws, SIMS_PER_DRAW, k, p))
    for d in range(n_draws):
        if draws:
            theta = np.asarray(draws[d], dtype=np.float64)
        else:
            g = rng.standard_gamma(gamma)  # Dirichlet(gamma) row by row, as gamma variates normalised
            theta = g / g.sum(axis=1, keepdims=True)
        beta = solve_triangular(R, Q.T @ theta)  # (p, k): one solve for every topic
        resid = theta - X @ beta
        sigma = np.sqrt((resid * resid).sum(axis=0) / dof)
        z = rng.standard_normal((SIMS_PER_DRAW, k, p))
        betas[d], sigmas[d] = beta, sigma
        sims[d] = beta.T[None] + sigma[None, :, None] * (z @ R_inv.T)  # N(beta, sigma^2 (X'X)^-1)
    return betas, sigmas, sims


def _posterior(model: TopicModel, frame: pd.DataFrame) -> np.ndarray:
    """Each document's variational Dirichlet parameters (LDA's gamma), after checking every document has a term."""
    dtm = model.vectorizer_._transform_dtm(frame)
    known = np.diff(dtm.matrix.indptr) > 0
    if not known.all():  # TopicModel's own message offers on_empty='nan', an option these functions do not have
        empty = np.asarray(dtm.doc_ids, dtype=object)[~known]
        shown = ", ".join(repr(str(d)) for d in empty[:10]) + (", ..." if len(empty) > 10 else "")
        raise ValueError(
            f"{len(empty)} document(s) contain none of the model's {len(model.terms_)} terms: {shown}. Their topic "
            "proportions would only be the prior; drop them from docs first."
        )
    gamma = model.estimator_.transform(dtm.matrix.astype(np.float64), normalize=False)
    return np.asarray(gamma, dtype=np.float64)


# ---------------------------------------------------------------------------- checks and the design


def _check_model(model: TopicModel, caller: str) -> None:
    if not isinstance(model, TopicModel):
        raise ValueError(f"{caller}: model must be a fitted TopicModel, got {type(model).__name__}.")
    model._check_fitted()
    from sklearn.decomposition import LatentDirichletAllocation

    if not isinstance(model.estimator_, LatentDirichletAllocation):
        raise ValueError(
            f"{caller}: the model is {type(model.estimator_).__name__} (method={model.method!r}), which has no "
            "posterior over a document's topic proportions to draw from (one point estimate each), so the "
            "regression could not carry the topic model's uncertainty. Fit the model with method='lda'."
        )


def _names(name: str, value: str | Sequence[str] | None) -> list[str]:
    if isinstance(value, str):
        return [value]
    if value is None or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name}={value!r} is invalid; must be a column name or a list of column names.")
    names = list(value)
    dup = [c for i, c in enumerate(names) if c in names[:i]]
    if dup:
        raise ValueError(f"{name} names {dup[0]!r} twice; name each column once.")
    return names


def _check_missing(docs: pd.DataFrame, columns: list[str]) -> None:
    for c in columns:
        missing = docs[c].isna().to_numpy()
        if missing.any():
            ids = docs["doc_id"].astype(str).to_numpy()[missing]
            shown = ", ".join(repr(d) for d in ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            raise ValueError(
                f"docs: covariate {c!r} is missing (NA) for doc_id {shown}; the regression would have to drop "
                f"them, which it does not do unasked. Drop these rows (docs.dropna(subset=[{c!r}])) or fill them in."
            )


def _is_numeric(values: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values))


def _levels(values: pd.Series) -> list[Any]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.tolist())
        return [c for c in values.cat.categories if c in present]
    unique = list(dict.fromkeys(values.tolist()))
    try:
        return sorted(unique)
    except TypeError:  # values of several types: sorted by their str
        return sorted(unique, key=str)


def _design(frame: pd.DataFrame, columns: list[str], reference: dict[str, Any]) -> _Design:
    """Intercept, then each covariate's columns: a numeric one as it is, a categorical one in treatment coding."""
    stray = [c for c in reference if c not in columns]
    if stray:
        raise ValueError(f"reference names {stray[0]!r}, which is not among the covariates {columns!r}.")
    n = len(frame)
    parts, terms = [np.ones((n, 1))], [INTERCEPT]
    covs: list[str | None] = [None]
    lvls: list[str | None] = [None]
    spans: dict[str, list[int]] = {}
    sort_key: dict[str, np.ndarray] = {}
    chosen: dict[str, str] = {}
    for c in columns:
        values = frame[c]
        start = len(terms)
        if _is_numeric(values):
            if c in reference:
                raise ValueError(
                    f"reference[{c!r}]: {c!r} is numeric and enters linearly, with no reference level; to treat "
                    f"it as categorical, convert it (docs.assign({c}=docs[{c!r}].astype(str)))."
                )
            x = values.to_numpy(dtype=np.float64)
            infinite = ~np.isfinite(x)
            if infinite.any():  # would otherwise be reported as a rank-deficient design
                ids = frame["doc_id"].astype(str).to_numpy()[infinite]
                shown = ", ".join(repr(d) for d in ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
                raise ValueError(
                    f"docs: covariate {c!r} is infinite for doc_id {shown}; a regression needs finite values. "
                    "Drop these rows or replace the values."
                )
            parts.append(x[:, None])
            terms.append(c)
            covs.append(c)
            lvls.append(None)
            sort_key[c] = x
        else:
            levels = _levels(values)
            if len(levels) < 2:
                raise ValueError(
                    f"covariate {c!r} has one value in docs ({levels[0]!r}), so nothing to compare it with; "
                    "leave it out of the covariates."
                )
            ref = levels[0]
            if c in reference:
                wanted = reference[c]
                match = [v for v in levels if v == wanted or str(v) == str(wanted)]
                if not match:
                    check_one_of(f"reference[{c!r}]", wanted, levels)
                ref = match[0]
            chosen[c] = str(ref)
            index = {v: i for i, v in enumerate(levels)}
            codes = np.array([index[v] for v in values.tolist()], dtype=np.int64)
            sort_key[c] = codes.astype(np.float64)
            for i, v in enumerate(levels):
                if v == ref:
                    continue
                parts.append((codes == i).astype(np.float64)[:, None])
                terms.append(f"{c}[T.{v}]")
                covs.append(c)
                lvls.append(str(v))
        spans[c] = list(range(start, len(terms)))
    X = np.hstack(parts)
    _check_rank(X, terms)
    return _Design(X, terms, covs, lvls, spans, sort_key, chosen)


def _check_rank(X: np.ndarray, terms: list[str]) -> None:
    n, p = X.shape
    if n <= p:
        raise ValueError(
            f"the regression has {p} terms and only {n} documents; it needs more documents than terms to "
            "estimate its error. Use fewer covariates or merge levels."
        )
    if np.linalg.matrix_rank(X) == p:
        return
    for j in range(1, p + 1):
        if np.linalg.matrix_rank(X[:, :j]) < j:
            raise ValueError(
                f"the design is rank-deficient: term {terms[j - 1]!r} is determined by the terms before it "
                f"({', '.join(map(repr, terms[: j - 1]))}): a numeric covariate that is constant or a sum of "
                "others, or levels of two covariates that always occur together. Leave out one of the "
                "covariates, or merge the levels."
            )
