"""Tests of toolkit.topic_effects: the regression against scipy and hand computation, coverage of a known
effect on simulated documents, determinism, and the errors."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import toolkit as tk
from toolkit.topic_effects import SIMS_PER_DRAW, _composition, _posterior, marginal_prevalence, topic_effects

EFFECT_COLUMNS = ["topic", "label", "term", "covariate", "level", "estimate", "std_error", "ci_low", "ci_high"]
BOUNDED = settings(
    derandomize=True,
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ---------------------------------------------------------------------------- simulated documents

K, WORDS = 3, 20
_LETTERS = "bcdfghjklmnpqrstv"
VOCAB = np.array([f"z{a}{b}" for a in _LETTERS for b in _LETTERS][: K * WORDS])
#: Mean topic proportions generating the documents of each value of the covariate ``x``: topic 0 takes 0.2
#: more of a document when x = "b" (from 0.3 to 0.5), topics 1 and 2 each 0.1 less. ``z`` has no effect.
MEANS = {"a": np.array([0.3, 0.35, 0.35]), "b": np.array([0.5, 0.25, 0.25])}
CONCENTRATION = 3.0


def _generate(seed: int, n_docs: int = 200, length: int = 150) -> pd.DataFrame:
    """Documents of three topics with disjoint vocabularies (20 words each); each document's proportions are
    drawn from Dirichlet(3 * MEANS[x]), so E[proportion | x] is MEANS[x] exactly."""
    rng = np.random.default_rng(seed)
    phi = np.zeros((K, K * WORDS))
    for t in range(K):
        phi[t, t * WORDS : (t + 1) * WORDS] = rng.dirichlet(np.ones(WORDS))
    x = np.where(rng.integers(0, 2, n_docs) == 1, "b", "a")
    z = np.where(rng.integers(0, 2, n_docs) == 1, "on", "off")
    texts = []
    for d in range(n_docs):
        per_topic = rng.multinomial(length, rng.dirichlet(CONCENTRATION * MEANS[x[d]]))
        words = np.concatenate([rng.choice(K * WORDS, size=c, p=phi[t]) for t, c in enumerate(per_topic)])
        texts.append(" ".join(VOCAB[rng.permutation(words)]))
    return pd.DataFrame({"doc_id": [f"d{d:03d}" for d in range(n_docs)], "text": texts, "x": x, "z": z})


def _true_topic(model: tk.TopicModel) -> np.ndarray:
    """The true topic of each fitted topic: the vocabulary block holding most of its weight."""
    index = {w: i for i, w in enumerate(VOCAB.tolist())}
    mass = np.zeros((K, K))
    for j, term in enumerate(model.terms_.tolist()):
        mass[:, index[term] // WORDS] += model.topic_term_[:, j]
    return mass.argmax(axis=1)


def test_intervals_cover_a_known_effect_and_a_null_covariate_covers_zero():
    """20 simulated corpora (seeds 0-19): LDA fitted on each, topics matched to the true ones by vocabulary.

    The truth is the difference of the generating mean proportions (0.5 - 0.3 = 0.2 for topic 0), not the
    difference in the sample. Measured: the interval of the shifted topic covers 0.2 in 18 of 20 seeds (the two
    misses, seeds 7 and 17, are not near the edge: intervals from 0.258 and 0.225); over the three topics' x
    effects 57 of 60; the null covariate's interval covers 0 in 58 of 60 (20, 19, 19 by topic). LDA's sparse
    prior (1/k) makes the fitted proportions more extreme than the generating ones: the estimate of topic 0's
    effect is 0.020 above the truth on average over the seeds, about half its standard error (0.037).
    """
    covers_x = np.zeros(K, dtype=int)
    covers_z = np.zeros(K, dtype=int)
    for seed in range(20):
        docs = _generate(seed)
        model = tk.TopicModel(n_components=K, random_state=0, stop_words=None, max_iter=30).fit(docs)
        true_of = _true_topic(model)
        assert sorted(true_of.tolist()) == [0, 1, 2]  # each true topic found once
        effects = topic_effects(model, docs, ["x", "z"], seed=seed).set_index(["topic", "term"])
        for fitted, t in enumerate(true_of):
            truth = MEANS["b"][t] - MEANS["a"][t]
            x_row, z_row = effects.loc[(fitted, "x[T.b]")], effects.loc[(fitted, "z[T.on]")]
            covers_x[t] += x_row["ci_low"] <= truth <= x_row["ci_high"]
            covers_z[t] += z_row["ci_low"] <= 0 <= z_row["ci_high"]
    assert covers_x[0] >= 18, covers_x  # the shifted topic: 18 measured
    assert covers_x.sum() >= 54, covers_x  # 90% of the 60 intervals of x; 57 measured
    assert (covers_z >= 18).all(), covers_z  # 20, 19, 19 measured


# ---------------------------------------------------------------------------- independent references


@functools.cache
def _fitted() -> tuple[pd.DataFrame, tk.TopicModel]:
    docs = _generate(123, n_docs=60, length=60)
    docs["year"] = 1990 + np.arange(60) % 25
    return docs, tk.TopicModel(n_components=K, random_state=0, stop_words=None, max_iter=30).fit(docs)


def test_one_numeric_covariate_equals_scipy_linregress():
    docs, model = _fitted()
    theta = model.transform(docs)  # the posterior mean, in place of a draw
    X = np.column_stack([np.ones(len(docs)), docs["year"].to_numpy(dtype=float)])
    betas, sigmas, sims = _composition(X, _posterior(model, docs), 1, np.random.default_rng(0), draws=[theta])
    assert sims.shape == (1, SIMS_PER_DRAW, K, 2)
    for t in range(K):
        ref = stats.linregress(docs["year"].to_numpy(dtype=float), theta[:, t])
        assert betas[0, 1, t] == pytest.approx(ref.slope, rel=1e-9, abs=1e-12)
        assert betas[0, 0, t] == pytest.approx(ref.intercept, rel=1e-9)
        sxx = ((docs["year"] - docs["year"].mean()) ** 2).sum()
        assert sigmas[0, t] / np.sqrt(sxx) == pytest.approx(ref.stderr, rel=1e-9)  # s^2 (X'X)^-1, slope entry


def test_one_dummy_gives_the_difference_of_group_means():
    docs, model = _fitted()
    theta = model.transform(docs)
    b = (docs["x"] == "b").to_numpy()
    X = np.column_stack([np.ones(len(docs)), b.astype(float)])
    betas = _composition(X, _posterior(model, docs), 1, np.random.default_rng(0), draws=[theta])[0]
    np.testing.assert_allclose(betas[0, 0], theta[~b].mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(betas[0, 1], theta[b].mean(axis=0) - theta[~b].mean(axis=0), atol=1e-12)


def test_the_posterior_is_lda_gamma_whose_mean_is_transform():
    docs, model = _fitted()
    gamma = _posterior(model, docs)
    assert (gamma > model.estimator_.doc_topic_prior_).all()  # alpha plus expected counts
    np.testing.assert_allclose(gamma / gamma.sum(axis=1, keepdims=True), model.transform(docs), rtol=1e-12)


def test_frame_columns_reference_levels_and_attrs():
    docs, model = _fitted()
    out = topic_effects(model, docs, ["x", "year"], reference={"x": "b"}, n_draws=10)
    assert list(out.columns) == EFFECT_COLUMNS
    assert out["term"].tolist()[:3] == ["(Intercept)", "x[T.a]", "year"]
    assert out["covariate"].isna().tolist()[:3] == [True, False, False]
    assert out["covariate"].tolist()[1:3] == ["x", "year"]
    assert out["level"].isna().tolist()[:3] == [True, False, True] and out["level"].iloc[1] == "a"
    assert out["topic"].tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert out["label"].tolist() == [label for label in model.labels_ for _ in range(3)]
    assert out.attrs["reference"] == {"x": "b"} and out.attrs["n_draws"] == 10 and out.attrs["n_docs"] == 60
    assert (out["ci_low"] <= out["estimate"]).all() and (out["estimate"] <= out["ci_high"]).all()
    assert str(out["topic"].dtype) == "int64" and str(out["term"].dtype) == "string"
    # a categorical covariate's levels follow its categories; a bool is a factor with False as reference
    cat = docs.assign(x=pd.Categorical(docs["x"], categories=["b", "a"]), flag=docs["z"] == "on")
    terms = topic_effects(model, cat, ["x", "flag"], n_draws=5)["term"].tolist()[:3]
    assert terms == ["(Intercept)", "x[T.a]", "flag[T.True]"]


@BOUNDED
@given(
    seed=st.integers(0, 2**32 - 1),
    n_draws=st.integers(2, 30),
    order_seed=st.integers(0, 1000),
    numeric=st.booleans(),
)
def test_same_seed_same_frame_and_row_order_does_not_matter(seed, n_draws, order_seed, numeric):
    docs, model = _fitted()
    covariates = ["x", "year"] if numeric else ["x", "z"]
    first = topic_effects(model, docs, covariates, n_draws=n_draws, seed=seed)
    pd.testing.assert_frame_equal(first, topic_effects(model, docs, covariates, n_draws=n_draws, seed=seed))
    shuffled = docs.sample(frac=1, random_state=order_seed)
    pd.testing.assert_frame_equal(
        first, topic_effects(model, shuffled, covariates, n_draws=n_draws, seed=seed), rtol=1e-9, atol=1e-12
    )


@BOUNDED
@given(seed=st.integers(0, 2**32 - 1), labels=st.lists(st.sampled_from("ab"), min_size=60, max_size=60))
def test_one_dummy_estimates_the_difference_of_mean_posterior_proportions(seed, labels):
    """The Dirichlet draws average to the posterior mean and OLS is linear in them, so the pooled estimate of a
    dummy is the difference of the groups' posterior mean proportions, up to the simulation's noise (at most
    std_error / sqrt(n_draws) for its standard deviation; the tolerance is four times that)."""
    docs, model = _fitted()
    group = np.array(labels)
    if len(set(labels)) < 2 or min((group == "a").sum(), (group == "b").sum()) < 2:
        group[:2] = ["a", "b"]
        group[2:4] = ["a", "b"]
    theta = model.transform(docs)
    b = group == "b"
    out = topic_effects(model, docs.assign(g=group), "g", n_draws=40, seed=seed).set_index(["topic", "term"])
    for t in range(K):
        row = out.loc[(t, "g[T.b]")]
        expected = theta[b, t].mean() - theta[~b, t].mean()
        assert abs(row["estimate"] - expected) <= 4 * row["std_error"] / np.sqrt(40)
        intercept = out.loc[(t, "(Intercept)")]
        assert abs(intercept["estimate"] - theta[~b, t].mean()) <= 4 * intercept["std_error"] / np.sqrt(40)


# ---------------------------------------------------------------------------- marginal prevalence


def test_marginal_prevalence_is_the_linear_prediction_at_the_others_averages():
    docs, model = _fitted()
    effects = topic_effects(model, docs, ["x", "z"], n_draws=20, seed=3).set_index(["topic", "term"])
    prev = marginal_prevalence(model, docs, "x", covariates=["z"], n_draws=20, seed=3)
    assert list(prev.columns) == ["x", "topic", "label", "estimate", "std_error", "ci_low", "ci_high", "n_docs"]
    assert prev["x"].tolist() == ["a"] * K + ["b"] * K
    assert prev["n_docs"].tolist() == [int((docs["x"] == v).sum()) for v in ("a", "b") for _ in range(K)]
    share_on = (docs["z"] == "on").mean()
    assert prev.attrs["held_at"] == {"z[T.on]": pytest.approx(share_on)}
    for _, row in prev.iterrows():
        e = effects.loc[row["topic"]]["estimate"]
        expected = e["(Intercept)"] + (e["x[T.b]"] if row["x"] == "b" else 0.0) + share_on * e["z[T.on]"]
        assert row["estimate"] == pytest.approx(expected, abs=1e-12)  # the same simulations, a linear function
        assert row["ci_low"] <= row["estimate"] <= row["ci_high"]


def test_marginal_prevalence_without_controls_is_near_the_group_means():
    docs, model = _fitted()
    theta = model.transform(docs)
    prev = marginal_prevalence(model, docs, ["z"], n_draws=40)
    for _, row in prev.iterrows():
        mean = theta[(docs["z"] == row["z"]).to_numpy(), row["topic"]].mean()
        assert abs(row["estimate"] - mean) <= 4 * row["std_error"] / np.sqrt(40)


def test_marginal_prevalence_of_two_by_columns_and_a_numeric_one():
    docs, model = _fitted()
    prev = marginal_prevalence(model, docs, ["z", "x"], n_draws=5)
    keys = prev[["z", "x"]].drop_duplicates().values.tolist()
    assert keys == [["off", "a"], ["off", "b"], ["on", "a"], ["on", "b"]]
    years = marginal_prevalence(model, docs, "year", n_draws=5)
    assert years["year"].drop_duplicates().tolist() == sorted(docs["year"].unique().tolist())
    assert years["year"].dtype == docs["year"].dtype


# ---------------------------------------------------------------------------- errors


def test_nmf_is_refused_with_the_reason_and_the_fix():
    docs, _ = _fitted()
    nmf = tk.TopicModel(n_components=K, method="nmf", stop_words=None).fit(docs)
    with pytest.raises(ValueError, match=r"NMF .*no posterior.* method='lda'"):
        topic_effects(nmf, docs, ["x"])
    with pytest.raises(ValueError, match=r"NMF"):
        marginal_prevalence(nmf, docs, "x")


def test_errors_name_the_column_the_rows_and_the_fix():
    docs, model = _fitted()
    with pytest.raises(ValueError, match=r"no column 'country' \(covariates\); its columns are 'doc_id'"):
        topic_effects(model, docs, ["x", "country"])
    gaps = docs.astype({"x": object}).copy()
    gaps.loc[[3, 7], "x"] = None
    with pytest.raises(ValueError, match=r"covariate 'x' is missing \(NA\) for doc_id 'd003', 'd007'.*dropna"):
        topic_effects(model, gaps, ["x"])
    with pytest.raises(ValueError, match=r"covariate 'one' has one value"):
        topic_effects(model, docs.assign(one="same"), ["x", "one"])
    with pytest.raises(ValueError, match=r"rank-deficient: term 'copy\[T.b\]' is determined by the terms before it"):
        topic_effects(model, docs.assign(copy=docs["x"]), ["x", "copy"])
    with pytest.raises(ValueError, match=r"rank-deficient: term 'const'"):
        topic_effects(model, docs.assign(const=2.0), ["x", "const"])
    with pytest.raises(ValueError, match=r"reference\['x'\]='c' is invalid; must be one of 'a', 'b'"):
        topic_effects(model, docs, ["x"], reference={"x": "c"})
    with pytest.raises(ValueError, match=r"reference\['year'\]: 'year' is numeric"):
        topic_effects(model, docs, ["year"], reference={"year": 1990})
    with pytest.raises(ValueError, match=r"reference names 'z'"):
        topic_effects(model, docs, ["x"], reference={"z": "on"})
    with pytest.raises(ValueError, match=r"2 terms and only 2 documents"):
        topic_effects(model, docs.head(2), ["year"])
    with pytest.raises(ValueError, match=r"n_draws=0 is invalid"):
        topic_effects(model, docs, ["x"], n_draws=0)
    with pytest.raises(ValueError, match=r"confidence=1.5 is invalid"):
        topic_effects(model, docs, ["x"], confidence=1.5)
    with pytest.raises(ValueError, match=r"covariates is empty"):
        topic_effects(model, docs, [])
    with pytest.raises(ValueError, match=r"by is empty"):
        marginal_prevalence(model, docs, [])
    with pytest.raises(ValueError, match=r"by names 'label', a column of the result"):
        marginal_prevalence(model, docs.assign(label=docs["x"]), "label")


def test_nullable_and_arrow_dtypes_are_read_as_their_kind():
    docs, model = _fitted()
    plain = topic_effects(model, docs, ["x", "year"], n_draws=5)
    typed = docs.assign(x=docs["x"].astype("string[pyarrow]"), year=docs["year"].astype("Int64"))
    pd.testing.assert_frame_equal(plain, topic_effects(model, typed, ["x", "year"], n_draws=5))


def test_documents_without_a_known_term_are_named():
    docs, model = _fitted()
    odd = pd.concat([docs, pd.DataFrame({"doc_id": ["empty"], "text": ["unknown words"], "x": ["a"]})])
    with pytest.raises(ValueError, match=r"contain none of the model's .* terms: 'empty'") as raised:
        topic_effects(model, odd, ["x"])
    # the fix named is one these functions have (they have no on_empty option, unlike TopicModel.transform)
    assert "on_empty" not in str(raised.value) and "drop them" in str(raised.value)


def test_an_infinite_numeric_covariate_is_named_not_called_rank_deficient():
    docs, model = _fitted()
    odd = docs.assign(year=docs["year"].astype(float))
    odd.loc[[4, 9], "year"] = [np.inf, -np.inf]
    with pytest.raises(ValueError, match=r"covariate 'year' is infinite for doc_id 'd004', 'd009'"):
        topic_effects(model, odd, ["x", "year"])


# ---------------------------------------------------------------------------- the draws carry the posterior


def test_the_draws_carry_the_posterior_variance_of_each_documents_proportions():
    """The method of composition is only worth its cost if the draws vary as the posterior does. OLS is linear
    in the proportions, ``b = A theta`` with ``A = (X'X)^-1 X'``, and the documents' Dirichlet draws are
    independent, so across draws ``Var(b_pt) = sum_i A_pi^2 Var(theta_it)`` with the Dirichlet's
    ``Var(theta_it) = g_it (g_i - g_it) / (g_i^2 (g_i + 1))``. Measured on 2,000 draws: ratios of the sample to
    this variance 1.01 to 1.06 (sampling error of a variance from 2,000 draws: about 3%). The pooled simulations'
    variance is the law of total variance's sum of the mean within-draw variance ``s^2 (X'X)^-1`` and this
    between-draw one (measured ratios 0.993 to 1.008). Drawing nothing (the posterior mean in every draw) makes
    the between-draw variance 0."""
    docs, model = _fitted()
    gamma = _posterior(model, docs)
    X = np.column_stack([np.ones(len(docs)), (docs["x"] == "b").to_numpy(dtype=float)])
    betas, sigmas, sims = _composition(X, gamma, 2000, np.random.default_rng(0))
    A = np.linalg.solve(X.T @ X, X.T)
    g0 = gamma.sum(axis=1, keepdims=True)
    expected = (A * A) @ (gamma * (g0 - gamma) / (g0 * g0 * (g0 + 1)))  # (p, k)
    np.testing.assert_allclose(betas.var(axis=0, ddof=1), expected, rtol=0.15)
    within = (sigmas**2).mean(axis=0)[None, :] * np.diag(np.linalg.inv(X.T @ X))[:, None]
    pooled = sims.reshape(-1, K, 2).var(axis=0, ddof=1).T
    np.testing.assert_allclose(pooled, within + betas.var(axis=0, ddof=1), rtol=0.05)


@pytest.mark.parametrize("confidence", [0.95, 0.8])
def test_intervals_are_the_simulations_quantiles(confidence):
    """marginal_prevalence at the reference level of its only covariate predicts with ``(1, 0)``: its simulations
    are the intercept's, so its interval is topic_effects' interval of the intercept exactly (same seed). Both
    are near ``estimate -/+ z * std_error`` (the pooled simulations are near normal; measured within 0.3 standard
    errors, the Dirichlet draws of short documents being skewed)."""
    docs, model = _fitted()
    effects = topic_effects(model, docs, "x", n_draws=200, seed=5, confidence=confidence)
    prev = marginal_prevalence(model, docs, "x", n_draws=200, seed=5, confidence=confidence)
    intercept = effects[effects["term"] == "(Intercept)"].reset_index(drop=True)
    at_a = prev[prev["x"] == "a"].reset_index(drop=True)
    for column in ("estimate", "std_error", "ci_low", "ci_high"):
        np.testing.assert_allclose(at_a[column], intercept[column], rtol=1e-12, atol=1e-15)
    z = stats.norm.ppf(0.5 + confidence / 2)
    for frame in (effects, prev):
        assert (
            (frame["ci_low"] - (frame["estimate"] - z * frame["std_error"])).abs() <= 0.4 * frame["std_error"]
        ).all()
        assert (
            (frame["ci_high"] - (frame["estimate"] + z * frame["std_error"])).abs() <= 0.4 * frame["std_error"]
        ).all()
