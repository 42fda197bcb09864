"""Wordfish: recovery of simulated positions, identification by dir, and the estimates checked against scipy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from scipy.stats import poisson
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

import toolkit as tk
from toolkit.wordfish import Wordfish, fit_wordfish

POSITION_COLUMNS = ["doc_id", "theta", "std_error", "ci_low", "ci_high"]


def simulate(n_docs: int = 50, n_terms: int = 500, words: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Counts drawn from the Wordfish model itself: each document ``words`` tokens, multinomial with
    log-probabilities psi_j + beta_j * theta_i (normalised), theta standard normal, beta ~ N(0, 0.5^2)."""
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n_docs)
    beta = rng.normal(0.0, 0.5, n_terms)
    psi = rng.normal(0.0, 1.0, n_terms)
    rates = np.exp(psi[None, :] + beta[None, :] * theta[:, None])
    probabilities = rates / rates.sum(axis=1, keepdims=True)
    counts = np.vstack([rng.multinomial(words, p) for p in probabilities])
    return counts, theta


@pytest.fixture(scope="module")
def simulated() -> tuple[np.ndarray, np.ndarray, Wordfish]:
    counts, theta = simulate()
    model = Wordfish(dir=(int(np.argmin(theta)), int(np.argmax(theta)))).fit(counts)
    return counts, theta, model


def test_simulated_positions_are_recovered(simulated):
    # 50 documents of 2,000 words, 500 terms: measured r = 0.9985 (seeds 1 and 2: 0.9990, 0.9988; issue 19
    # asks for 0.98)
    _, theta, model = simulated
    assert model.converged_
    r = np.corrcoef(theta, model.theta_)[0, 1]
    assert r >= 0.98
    assert model.theta_.mean() == pytest.approx(0.0, abs=1e-12)
    assert model.theta_.std(ddof=1) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2])
def test_recovery_holds_for_other_draws(seed):
    counts, theta = simulate(seed=seed)
    model = Wordfish(dir=(int(np.argmin(theta)), int(np.argmax(theta)))).fit(counts)
    assert np.corrcoef(theta, model.theta_)[0, 1] >= 0.98


def test_dir_fixes_the_sign(simulated):
    counts, _, model = simulated
    lo, hi = model.dir
    assert model.theta_[lo] < model.theta_[hi]
    swapped = clone(model).set_params(dir=(hi, lo)).fit(counts)
    assert swapped.theta_[hi] < swapped.theta_[lo]
    np.testing.assert_allclose(swapped.theta_, -model.theta_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(swapped.beta_, -model.beta_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(swapped.psi_, model.psi_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(swapped.theta_se_, model.theta_se_, rtol=0, atol=1e-12)


def _log_posterior(params: np.ndarray, y: np.ndarray, psi: np.ndarray, beta: np.ndarray) -> float:
    """One document's log-posterior in (alpha, theta), the word parameters fixed; theta ~ N(0, 1), alpha flat."""
    alpha, theta = params
    eta = alpha + psi + beta * theta
    return float(y @ eta - np.exp(eta).sum() - 0.5 * theta * theta)


def _scipy_mode(y: np.ndarray, psi: np.ndarray, beta: np.ndarray) -> np.ndarray:
    start = np.array([math.log(y.sum()) - math.log(np.exp(psi).sum()), 0.0])
    result = minimize(
        lambda p: -_log_posterior(p, y, psi, beta),
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-11, "fatol": 1e-13, "maxiter": 20000},
    )
    result = minimize(lambda p: -_log_posterior(p, y, psi, beta), result.x, method="BFGS", options={"gtol": 1e-9})
    return result.x


def test_positions_are_the_standardised_conditional_modes(simulated):
    # the reference: each document's (alpha, theta) maximised by scipy with the fitted word parameters fixed;
    # the fitted positions are these modes standardised over the fitted documents (the identification)
    counts, _, model = simulated
    y = counts.astype(float)
    raw = np.array([_scipy_mode(y[i], model.psi_, model.beta_)[1] for i in range(len(y))])
    standardised = (raw - raw.mean()) / raw.std(ddof=1)
    np.testing.assert_allclose(model.theta_, standardised, rtol=0, atol=1e-5)
    # a new document goes through the same map
    new, _ = simulate(n_docs=3, seed=9)
    placed = model.transform(new)
    raw_new = np.array([_scipy_mode(row.astype(float), model.psi_, model.beta_)[1] for row in new])
    # the map itself is exact: the same word parameters, the same shift and scale
    np.testing.assert_allclose(placed["theta"], (raw_new - raw.mean()) / raw.std(ddof=1), rtol=0, atol=1e-5)


def test_standard_errors_match_a_numerical_hessian(simulated):
    counts, _, model = simulated
    y = counts.astype(float)
    raw = np.array([_scipy_mode(y[i], model.psi_, model.beta_) for i in range(len(y))])
    scale = raw[:, 1].std(ddof=1)
    for i in (0, 17, 42):
        h = 1e-4
        row = y[i]

        def f(p: np.ndarray, row: np.ndarray = row) -> float:
            return _log_posterior(p, row, model.psi_, model.beta_)

        hessian = np.empty((2, 2))
        for a in range(2):
            for b in range(2):
                ea, eb = np.eye(2)[a] * h, np.eye(2)[b] * h
                x = raw[i]
                hessian[a, b] = (f(x + ea + eb) - f(x + ea - eb) - f(x - ea + eb) + f(x - ea - eb)) / (4 * h * h)
        se = math.sqrt(np.linalg.inv(-hessian)[1, 1]) / scale
        assert model.theta_se_[i] == pytest.approx(se, rel=1e-4)


def test_word_parameters_are_conditional_modes(simulated):
    # the gradient of each word's log-posterior in (psi_j, beta_j), the documents fixed, is zero
    counts, _, model = simulated
    lam = np.exp(model.alpha_[:, None] + model.psi_[None, :] + model.theta_[:, None] * model.beta_[None, :])
    residual = counts - lam
    np.testing.assert_allclose(residual.sum(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(model.theta_ @ residual - model.beta_ / 9, 0, atol=1e-6)


def test_the_priors_decide_the_beta_alpha_ridge(simulated):
    # beta_j + c with alpha_i - c * theta_i leaves the likelihood unchanged; the N(0, 3^2) prior on beta and the
    # flat one on alpha prefer the c that makes the betas' mean 0 (measured: 4.5e-5)
    _, _, model = simulated
    assert abs(model.beta_.mean()) < 1e-3


def test_log_likelihood_is_the_poisson_log_likelihood(simulated):
    counts, _, model = simulated
    eta = model.alpha_[:, None] + model.psi_[None, :] + model.theta_[:, None] * model.beta_[None, :]
    assert model.log_likelihood_ == pytest.approx(poisson.logpmf(counts, np.exp(eta)).sum(), rel=1e-12)


def test_transform_of_the_fitted_documents_gives_their_positions(simulated):
    counts, _, model = simulated
    placed = model.transform(counts)
    assert placed.columns.tolist() == POSITION_COLUMNS
    np.testing.assert_allclose(placed["theta"], model.theta_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(placed["std_error"], model.theta_se_, rtol=1e-8)


@settings(max_examples=10, derandomize=True, deadline=None)
@given(seed=st.integers(0, 10_000), n_docs=st.integers(3, 8), data=st.data())
def test_permuting_documents_permutes_positions_and_transform_gives_them_back(seed, n_docs, data):
    counts, _ = simulate(n_docs=n_docs, n_terms=40, words=300, seed=seed)
    ids = [f"d{i}" for i in range(n_docs)]
    order = data.draw(st.permutations(range(n_docs)))
    dtm = tk.DocumentTermMatrix(
        sp.csr_matrix(counts),
        np.array([f"w{j}" for j in range(40)], dtype=object),
        np.array(ids, dtype=object),
        counts.sum(axis=1),
    )
    permuted = tk.DocumentTermMatrix(
        sp.csr_matrix(counts[order]), dtm.terms, np.array(ids, dtype=object)[order], counts[order].sum(axis=1)
    )
    a = Wordfish(dir=("d0", "d1"), tol=1e-10).fit(dtm)
    b = Wordfish(dir=("d0", "d1"), tol=1e-10).fit(permuted)
    assert a.converged_
    # the fitted documents, placed again with the word parameters fixed, come back where they were
    np.testing.assert_allclose(a.transform(dtm)["theta"], a.theta_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(b.theta_, a.theta_[order], rtol=0, atol=1e-8)


DOCS = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c", "d"],
        "text": [
            "peace peace dialogue cooperation dialogue",
            "peace dialogue sanctions cooperation",
            "sanctions pressure sanctions accountability",
            "pressure accountability sanctions peace pressure",
        ],
        "country": ["CHN", "CHN", "USA", "USA"],
    }
)


def test_frames_from_a_docs_frame():
    model = fit_wordfish(DOCS, dir=("a", "d"))
    positions = model.positions()
    assert positions.columns.tolist() == [*POSITION_COLUMNS, "country"]
    assert positions["doc_id"].tolist() == ["a", "b", "c", "d"]
    assert positions["theta"].iloc[0] < positions["theta"].iloc[3]
    z = 1.959963984540054
    np.testing.assert_allclose(positions["ci_high"] - positions["theta"], z * positions["std_error"])
    weights = model.word_weights()
    assert weights.columns.tolist() == ["term", "beta", "psi"]
    assert weights["term"].tolist() == sorted(weights["term"].tolist())
    assert str(weights["term"].dtype) == "string"
    new = model.positions(pd.DataFrame({"doc_id": ["x"], "text": ["sanctions and pressure"], "country": ["GBR"]}))
    assert new.columns.tolist() == [*POSITION_COLUMNS, "country"]
    assert new["theta"].iloc[0] > 0


def test_texts_and_document_term_matrix_give_the_same_model():
    from_frame = Wordfish(dir=(0, 3)).fit(DOCS)
    from_texts = Wordfish(dir=(0, 3)).fit(DOCS["text"].tolist())
    from_dtm = Wordfish(dir=("a", "d")).fit(tk.document_term_matrix(DOCS))
    np.testing.assert_array_equal(from_frame.theta_, from_texts.theta_)
    np.testing.assert_array_equal(from_frame.theta_, from_dtm.theta_)
    assert from_texts.positions()["doc_id"].tolist() == ["0", "1", "2", "3"]


def test_convergence_warning_names_max_iter(simulated):
    counts, _, _ = simulated
    with pytest.warns(ConvergenceWarning, match="max_iter=7"):
        model = Wordfish(max_iter=7).fit(counts)
    assert model.n_iter_ <= 7
    assert not model.converged_


@pytest.mark.parametrize(
    ("kwargs", "docs", "message"),
    [
        ({"dir": ("a", "zz")}, DOCS, "doc_id 'zz' is not among the documents"),
        ({"dir": (0, 9)}, DOCS, "a document is a position from 0 to 3"),
        ({"dir": ("a", "a")}, DOCS, "names one document twice"),
        ({"dir": "ab"}, DOCS, "must be two documents"),
        ({}, DOCS.iloc[:1], "at least 2 documents to scale; got 1"),
        ({"stop_words": ["peace", "dialogue", "cooperation"]}, DOCS, "have no counted term: 'a'"),
        ({"priors": (1, 2, 3)}, DOCS, "priors=.* must be 4 positive"),
        ({"priors": (math.inf, math.inf, 0, 1)}, DOCS, "priors="),
        ({"tol": 0}, DOCS, "tol=0 is invalid"),
        ({"max_iter": 0}, DOCS, "max_iter=0 is invalid"),
    ],
)
def test_errors_say_what_to_change(kwargs, docs, message):
    with pytest.raises(ValueError, match=message):
        Wordfish(**kwargs).fit(docs)


def test_documents_with_proportional_counts_have_nothing_to_scale():
    # every document the same word shares (here: one text twice, and a third at twice its counts): no residual
    # of independence, so no dimension; the passes used to run to max_iter and return NaN positions with a
    # ConvergenceWarning that a parameter "moved by nan"
    counts = np.array([[3, 1, 2], [3, 1, 2], [6, 2, 4]])
    with pytest.raises(ValueError, match=r"proportional .* nothing to scale"):
        Wordfish().fit(counts)
    with pytest.raises(ValueError, match=r"proportional .* nothing to scale"):
        Wordfish().fit(["peace talks peace", "peace peace talks"])


def test_dir_must_name_two_documents_the_model_can_tell_apart():
    # two identical documents get the same position, so they cannot fix the direction: it used to be left
    # wherever the starting values put it, and theta_[dir[0]] < theta_[dir[1]] silently failed
    counts, _ = simulate(n_docs=6, n_terms=30, words=200, seed=4)
    counts[1] = counts[0]
    with pytest.raises(ValueError, match=r"dir=\(0, 1\).* same position"):
        Wordfish(dir=(0, 1)).fit(counts)
    model = Wordfish(dir=(0, 2)).fit(counts)  # the twins themselves are fine
    assert model.theta_[0] == model.theta_[1] and model.theta_[0] < model.theta_[2]


def test_dir_by_a_doc_id_on_two_documents_is_an_error():
    docs = DOCS.assign(doc_id=["a", "b", "a", "d"])
    with pytest.raises(ValueError, match=r"doc_id 'a' is on 2 documents \(positions 0, 2\)"):
        fit_wordfish(docs, dir=("a", "d"))
    assert fit_wordfish(docs, dir=(0, 3)).converged_  # positions still say which


def test_transform_errors():
    with pytest.raises(ValueError, match="not fitted"):
        Wordfish().positions()
    model = fit_wordfish(DOCS, dir=("a", "d"))
    with pytest.raises(ValueError, match="none of the model's"):
        model.transform(["nothing known here"])
    with pytest.raises(ValueError, match="columns; the model has"):
        model.transform(np.ones((1, 2)))
    with pytest.raises(ValueError, match="must be a docs frame, a sequence of texts"):
        Wordfish().fit(42)


def test_unused_terms_of_a_matrix_are_dropped():
    counts = np.array([[3, 0, 1, 0], [0, 2, 1, 0], [1, 1, 4, 0]])
    model = Wordfish().fit(counts)
    assert model.terms_.tolist() == ["x0", "x1", "x2"]
    assert model.transform(counts[:1, :3])["theta"].iloc[0] == pytest.approx(model.theta_[0], abs=1e-5)


def test_plots_draw_on_the_axes_given():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model = fit_wordfish(DOCS, dir=("a", "d"))
    fig, (left, right) = plt.subplots(1, 2)
    assert tk.plot_positions(model.positions(), by="country", ax=left) is left
    assert left.get_yticklabels()[0].get_text() == "a"  # the lowest at the bottom
    assert tk.plot_word_weights(model, n_labels=2, ax=right) is right
    named = {t.get_text() for t in right.texts}
    weights = model.word_weights().sort_values("beta")
    assert named == set(weights["term"].iloc[:2]) | set(weights["term"].iloc[-2:])
    with pytest.raises(ValueError, match="positions lacks the column"):
        tk.plot_positions(model.word_weights())
    plt.close(fig)


def test_the_study_table_has_the_documents_the_interview_and_the_words():
    from toolkit import study

    rng = np.random.default_rng(0)
    vocabulary = np.array(["ukraine", "separatists", "plane", "africa", "peacekeeping", "women", "peace", "dialogue"])
    rows = []
    for country in study.P5:
        for year, lean in ((2014, 0.2), (2016, 0.8)):
            weights = np.array([1 - lean] * 3 + [lean] * 3 + [0.5, 0.5])
            for speech in range(2):
                words = rng.choice(vocabulary, size=60, p=weights / weights.sum())
                rows.append(
                    {
                        "doc_id": f"{country}-{year}-{speech}",
                        "text": " ".join(words),
                        "country": country,
                        "year": year,
                        "venue": "UNSC",
                    }
                )
    council = pd.DataFrame(rows)
    interview = tk.load_interview()
    docs = pd.concat([interview, council], ignore_index=True)
    joined = study.p5_council_years(docs)
    assert joined.columns.tolist() == ["doc_id", "text", "country", "year", "n_speeches", "venue"]
    assert joined["doc_id"].tolist() == [f"{c}-{y}" for c in study.P5 for y in (2014, 2016)]
    assert (joined["n_speeches"] == 2).all()
    table = study.wordfish_p5_unsc(docs)
    assert table.columns.tolist() == [
        "kind",
        "name",
        "country",
        "year",
        "parameter",
        "estimate",
        "std_error",
        "ci_low",
        "ci_high",
        "psi",
    ]
    assert table["kind"].value_counts().to_dict() == {"statements": 10, "word": 8, "interview": 1}
    documents = table[table["parameter"] == "theta"].set_index("name")
    assert documents.loc["USA-2014", "estimate"] < documents.loc["CHN-2014", "estimate"]
    assert table.loc[table["kind"] == "word", "std_error"].isna().all()
    assert table.loc[table["kind"] != "word", "psi"].isna().all()


def test_wordfish_passes_scikit_learns_checks_for_text_input():
    from sklearn.utils.estimator_checks import check_estimator

    results = check_estimator(Wordfish(), on_fail=None)
    failed = [r["check_name"] for r in results if r["status"] == "failed"]
    assert results and not failed, failed


def test_transform_matches_a_document_term_matrix_by_term():
    model = fit_wordfish(DOCS, dir=("a", "d"))
    dtm = tk.document_term_matrix(DOCS)
    expected = model.positions()["theta"]
    np.testing.assert_allclose(model.transform(dtm)["theta"], expected, rtol=0, atol=1e-8)
    # fewer, more and reordered terms: matched by name, unknown terms ignored
    other = tk.document_term_matrix(DOCS.assign(text=DOCS["text"] + " unknownword"))
    np.testing.assert_allclose(model.transform(other)["theta"], expected, rtol=0, atol=1e-8)


def test_near_zero_weights_are_written_alike_on_every_machine():
    # "led" weighed 1.738973114091e-06 on one machine and at least 1.7389731145e-06 on another: its 10th
    # significant digit is noise (a difference of terms near 1); to 1e-10 both read the same
    from toolkit.study.analyses import _near_zero_to_1e10
    from toolkit.tables import format_float

    for here, there in ((1.738973114091e-06, 1.7389731145e-06), (-0.002390734031, -0.0023907340314)):
        assert format_float(_near_zero_to_1e10(here)) == format_float(_near_zero_to_1e10(there))
    assert format_float(_near_zero_to_1e10(1.738973114091e-06)) == "1.739e-06"
    assert _near_zero_to_1e10(-5.197686998) == -5.197686998  # 0.01 and more: untouched (10 digits written)
    assert _near_zero_to_1e10(-4e-12) == 0.0 and str(_near_zero_to_1e10(-4e-12)) == "0.0"
    assert np.isnan(_near_zero_to_1e10(float("nan")))
