"""Tests of toolkit.keyness against published values, scipy and hand computations."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import toolkit as tk
from toolkit import study
from toolkit.keyness import adjust_pvalues, compare_groups, keyness

COLUMNS = ["term", "n_target", "n_reference", "measure", "score", "p_value", "log_ratio", "ci_low", "ci_high"]
B_TARGET = Counter("b b b b b b b a a a".split())
B_REFERENCE = Counter("a a a a a a a b b".split())


def one_term(measure, **kwargs):
    table = keyness({"w": 52}, {"w": 57}, measure=measure, target_total=50_000, reference_total=75_000, **kwargs)
    return table.iloc[0]


# ------------------------------------------------------------------ published values


def test_published_52_in_50000_vs_57_in_75000():
    assert one_term("g2")["score"] == pytest.approx(2.6541, abs=5e-5)
    assert one_term("log_ratio")["score"] == pytest.approx(0.4525, abs=5e-5)
    assert one_term("g2")["log_ratio"] == pytest.approx(0.4525, abs=5e-5)
    assert one_term("pct_diff")["score"] == pytest.approx(36.84, abs=5e-3)


@pytest.mark.parametrize(
    "measure, correction, expected",
    [("chi2", "yates", 2.632438), ("chi2", "none", 4.337160), ("g2", "none", 4.534939), ("g2", "williams", 4.200833)],
)
def test_published_b_example(measure, correction, expected):
    table = keyness(B_TARGET, B_REFERENCE, measure=measure, correction=correction).set_index("term")
    assert table.loc["b", "score"] == pytest.approx(expected, abs=5e-7)
    assert table.loc["a", "score"] == pytest.approx(-expected, abs=5e-7)  # "a" is the reference's word
    suffix = "" if correction == "none" else f"+{correction}"
    assert table.loc["b", "measure"] == measure + suffix


def test_published_fightin_words():
    target = Counter("the quick brown fox jumps over the lazy pig".split())
    reference = Counter("the lazy purple pig jumps over the lazier donkey".split())
    table = keyness(target, reference, measure="fightin_words", prior=0.05).set_index("term")["score"]
    for word in ("brown", "fox", "quick"):
        assert table[word] == pytest.approx(0.6894227886807968, rel=1e-12)
    for word in ("donkey", "lazier", "purple"):
        assert table[word] == pytest.approx(-0.6894227886807968, rel=1e-12)
    for word in ("the", "jumps", "over", "lazy", "pig"):
        assert table[word] == pytest.approx(0.0, abs=1e-12)


# ------------------------------------------------------------------ against scipy


def b_table(term="b"):
    a, b = B_TARGET[term], B_REFERENCE[term]
    return np.array([[a, b], [10 - a, 9 - b]])


@pytest.mark.parametrize("correction", [False, True])
def test_chi2_and_g2_equal_scipy_chi2_contingency(correction):
    for measure, lambda_ in (("chi2", None), ("g2", "log-likelihood")):
        expected, p, _, _ = stats.chi2_contingency(b_table(), correction=correction, lambda_=lambda_)
        got = (
            keyness(B_TARGET, B_REFERENCE, measure=measure, correction="yates" if correction else "none")
            .set_index("term")
            .loc["b"]
        )
        assert got["score"] == pytest.approx(expected, rel=1e-12)
        assert got["p_value"] == pytest.approx(p, rel=1e-9)


def test_williams_correction_by_hand():
    # Williams (1976): q = 1 + (N/R1 + N/R2 - 1)(N/C1 + N/C2 - 1) / (6N) for a 2 x 2 table
    obs = b_table()
    n = obs.sum()
    rows, cols = obs.sum(axis=1), obs.sum(axis=0)
    q = 1 + ((n / rows).sum() - 1) * ((n / cols).sum() - 1) / (6 * n)
    g2, _, _, _ = stats.chi2_contingency(obs, correction=False, lambda_="log-likelihood")
    got = keyness(B_TARGET, B_REFERENCE, measure="g2", correction="williams").set_index("term").loc["b", "score"]
    assert got == pytest.approx(g2 / q, rel=1e-12)


def test_vectorised_scores_equal_scipy_term_by_term():
    rng = np.random.default_rng(0)
    target = pd.Series(rng.integers(0, 40, 60), index=[f"t{i}" for i in range(60)])
    reference = pd.Series(rng.integers(0, 40, 60), index=[f"t{i}" for i in range(60)])
    for measure, lambda_ in (("chi2", None), ("g2", "log-likelihood")):
        table = keyness(target, reference, measure=measure).set_index("term")
        n_t, n_r = target.sum(), reference.sum()
        for term in target.index:
            a, b = target[term], reference[term]
            if a + b == 0:
                assert term not in table.index
                continue
            obs = np.array([[a, b], [n_t - a, n_r - b]])
            stat, p, _, _ = stats.chi2_contingency(obs, correction=False, lambda_=lambda_)
            sign = np.sign(a / n_t - b / n_r)
            assert table.loc[term, "score"] == pytest.approx(sign * stat, rel=1e-9, abs=1e-12), (measure, term)
            assert table.loc[term, "p_value"] == pytest.approx(p, rel=1e-9), (measure, term)


def test_two_by_two_with_zero_cells_equals_scipy():
    from toolkit.keyness import _two_by_two

    rng = np.random.default_rng(3)
    tables = rng.integers(0, 60, size=(200, 4))
    tables[:10, 1] = 0  # zero cells: 0 * log 0 = 0
    a, b, c, d = tables.T
    got = _two_by_two(a, b, a + c, b + d, measure="g2", correction="none")
    for row, value in zip(tables, got):
        table = row.reshape(2, 2)
        if (table.sum(0) == 0).any() or (table.sum(1) == 0).any():
            continue
        ref = stats.chi2_contingency(table, lambda_="log-likelihood", correction=False)[0]
        assert value == pytest.approx(ref, rel=1e-10, abs=1e-10)


# ------------------------------------------------------------------ shape, symmetry, documented choices


def test_output_columns_dtypes_and_order():
    table = keyness(B_TARGET, B_REFERENCE)
    assert list(table.columns) == COLUMNS
    assert [str(t) for t in table.dtypes] == ["string", "int64", "int64", "string"] + ["float64"] * 5
    assert table["term"].tolist() == ["b", "a"]  # by score, descending


@pytest.mark.parametrize("measure", ["g2", "chi2", "log_ratio", "pct_diff", "fightin_words", "lrc"])
def test_swapping_sides_negates_the_score(measure):
    rng = np.random.default_rng(1)
    target = pd.Series(rng.integers(1, 30, 25), index=[f"w{i}" for i in range(25)])
    reference = pd.Series(rng.integers(1, 30, 25), index=[f"w{i}" for i in range(25)])
    if measure == "pct_diff":  # %DIFF is not antisymmetric; its sign is
        forward = keyness(target, reference, measure=measure).set_index("term")["score"]
        backward = keyness(reference, target, measure=measure).set_index("term")["score"]
        assert (np.sign(forward) == -np.sign(backward[forward.index])).all()
        return
    forward = keyness(target, reference, measure=measure).set_index("term")["score"]
    backward = keyness(reference, target, measure=measure).set_index("term")["score"]
    np.testing.assert_allclose(forward, -backward[forward.index], rtol=1e-12, atol=1e-12)


def test_zero_counts_use_half_a_count_and_stay_finite():
    table = keyness({"only_here": 4, "x": 96}, {"x": 100}, measure="log_ratio").set_index("term")
    # Hardie (2014): a zero frequency becomes 0.5 -> log2((4/100) / (0.5/100)) = 3
    assert table.loc["only_here", "score"] == pytest.approx(3.0)
    pct = keyness({"only_here": 4, "x": 96}, {"x": 100}, measure="pct_diff").set_index("term")
    assert pct.loc["only_here", "score"] == pytest.approx(700.0)
    for measure in ("g2", "chi2", "log_ratio", "pct_diff", "fightin_words"):
        t = keyness({"only_here": 4, "x": 96}, {"x": 100}, measure=measure)
        assert np.isfinite(t[["score", "p_value", "log_ratio"]].to_numpy()).all(), measure


def test_terms_absent_from_both_sides_are_dropped():
    table = keyness({"a": 3, "ghost": 0}, {"a": 1, "ghost": 0, "b": 2})
    assert sorted(table["term"]) == ["a", "b"]


def test_informative_prior_by_hand():
    # Nt = 4, Nr = 6; pi(war) = 10/100; strength 0.5: pseudo-counts 0.5 x 4 = 2 on the target side
    # (0.2 of them for "war"), 0.5 x 6 = 3 on the reference side (0.3 for "war")
    target, reference = {"war": 3, "peace": 1}, {"war": 1, "peace": 5}
    prior = {"war": 10, "peace": 20, "other": 70}
    got = keyness(target, reference, measure="fightin_words", prior=prior, prior_strength=0.5)
    got = got.set_index("term")["score"]
    d = np.log(3.2 / (4 + 2 - 3 - 0.2)) - np.log(1.3 / (6 + 3 - 1 - 0.3))
    assert got["war"] == pytest.approx(d / np.sqrt(1 / 3.2 + 1 / 1.3), rel=1e-12)
    # the default strength, 0.1: 0.4 and 0.6 pseudo-counts on the two sides; pi(peace) = 0.2
    got = keyness(target, reference, measure="fightin_words", prior=prior).set_index("term")["score"]
    d = np.log(1.08 / (4 + 0.4 - 1 - 0.08)) - np.log(5.12 / (6 + 0.6 - 5 - 0.12))
    assert got["peace"] == pytest.approx(d / np.sqrt(1 / 1.08 + 1 / 5.12), rel=1e-12)


def paper_fightin_words(y_i, y_j, background, strength):
    """Monroe, Colaresi & Quinn (2008), eq. 16, 20, 22, in numpy.

    The prior: alpha_w^(i) = alpha_0^(i) pi_w with alpha_0^(i) = s n^(i), pi the background's proportions.
    """
    y_i, y_j, background = (np.asarray(v, dtype=float) for v in (y_i, y_j, background))
    pi = background / background.sum()
    n_i, n_j = y_i.sum(), y_j.sum()
    alpha_i, alpha_j = strength * n_i * pi, strength * n_j * pi
    alpha_0i, alpha_0j = alpha_i.sum(), alpha_j.sum()
    delta = np.log((y_i + alpha_i) / (n_i + alpha_0i - y_i - alpha_i)) - np.log(
        (y_j + alpha_j) / (n_j + alpha_0j - y_j - alpha_j)
    )
    return delta / np.sqrt(1 / (y_i + alpha_i) + 1 / (y_j + alpha_j))


@pytest.mark.parametrize("strength", [0.01, 0.1, 1.0, 10.0])
def test_informative_prior_equals_the_papers_formulas_in_numpy(strength):
    rng = np.random.default_rng(3)
    terms = [f"w{i}" for i in range(200)]
    y_i = rng.poisson(rng.gamma(0.5, 4, 200))  # a small side with many zeros
    y_j = rng.poisson(rng.gamma(0.5, 40, 200))
    background = y_i + y_j + rng.poisson(30, 200) + 1
    got = keyness(
        pd.Series(y_i, index=terms),
        pd.Series(y_j, index=terms),
        measure="fightin_words",
        prior=pd.Series(background, index=terms),
        prior_strength=strength,
    ).set_index("term")["score"]
    expected = pd.Series(paper_fightin_words(y_i, y_j, background, strength), index=terms)
    used = (y_i + y_j) > 0
    np.testing.assert_allclose(got[expected.index[used]], expected[used], rtol=1e-10, atol=1e-12)
    assert (np.sign(got[expected.index[used]]) == np.sign(y_i * y_j.sum() - y_j * y_i.sum())[used]).all()


def test_informative_prior_score_is_zero_for_equal_rates():
    # 1 in 3 against 2 in 6: equal rates, score exactly 0 (not +-1e-17 from rounding), p = 1
    table = keyness(
        {"war": 1, "peace": 2},
        {"war": 2, "peace": 4},
        measure="fightin_words",
        prior={"war": 7, "peace": 3, "other": 11},
    ).set_index("term")
    assert table.loc["war", "score"] == 0.0 and table.loc["peace", "score"] == 0.0
    assert table.loc["war", "p_value"] == 1.0


def test_informative_prior_sign_follows_the_rates_when_sides_differ_in_size():
    # issue 11: a small target, a large reference, and a background where the term is common (other groups
    # use it): with the background counts as pseudo-counts "military" (0 in 10, 5 in 100) was the target's
    target, reference = {"peace": 10}, {"military": 5, "peace": 95}
    background = {"military": 205, "peace": 905}
    table = keyness(target, reference, measure="fightin_words", prior=background).set_index("term")
    assert table.loc["military", "score"] < 0 and table.loc["peace", "score"] > 0
    old = (0 + 205) / (10 + 1110 - 0 - 205), (5 + 205) / (100 + 1110 - 5 - 205)  # the former odds
    assert old[0] > old[1]  # what the former prior did: the target's odds higher for a word it never used


@pytest.mark.parametrize("value", [0, -0.1, float("inf"), float("nan"), True, "0.1", None])
def test_prior_strength_must_be_a_finite_positive_number(value):
    with pytest.raises(ValueError, match=r"prior_strength=.* is invalid; must be a finite number > 0"):
        keyness(
            {"a": 1, "b": 2}, {"a": 2, "b": 1}, measure="fightin_words", prior={"a": 1, "b": 1}, prior_strength=value
        )


def test_uniform_prior_is_unchanged_by_prior_strength():
    # a number is the uninformative prior: one pseudo-count per term on both sides, whatever the strength
    one = keyness(B_TARGET, B_REFERENCE, measure="fightin_words", prior=0.05)
    other = keyness(B_TARGET, B_REFERENCE, measure="fightin_words", prior=0.05, prior_strength=5.0)
    pd.testing.assert_frame_equal(one, other)
    aw, a0 = 0.05, 0.1
    d = np.log((7 + aw) / (10 + a0 - 7 - aw)) - np.log((2 + aw) / (9 + a0 - 2 - aw))
    assert one.set_index("term").loc["b", "score"] == pytest.approx(d / np.sqrt(1 / 7.05 + 1 / 2.05), rel=1e-12)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"measure": "tfidf"}, r"measure='tfidf' is invalid; must be one of 'g2', 'chi2'"),
        ({"correction": "holm"}, r"correction='holm' is invalid"),
        ({"measure": "chi2", "correction": "williams"}, r"correction='williams' is invalid for measure='chi2'"),
        ({"measure": "fightin_words", "correction": "yates"}, r"invalid for measure='fightin_words'"),
        ({"target_total": 3}, r"target_total=3 is smaller than the sum of the target counts \(10\)"),
        ({"measure": "fightin_words", "prior": 0}, r"prior=0 is invalid"),
        ({"measure": "fightin_words", "prior": {"a": 1}}, r"prior has no count above 0 for 'b'"),
    ],
)
def test_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keyness(B_TARGET, B_REFERENCE, **kwargs)


def test_bad_counts():
    with pytest.raises(ValueError, match=r"target\['x'\] = -1 is invalid; counts must be whole numbers >= 0"):
        keyness({"x": -1, "y": 3}, {"x": 1})
    with pytest.raises(ValueError, match=r"reference\['x'\] = 1.5 is invalid"):
        keyness({"x": 1}, {"x": 1.5})
    with pytest.raises(ValueError, match="target is empty"):
        keyness({"x": 0}, {"x": 1})
    with pytest.raises(ValueError, match="reference is empty"):
        keyness({"x": 1}, {})
    with pytest.raises(ValueError, match="target must be a pandas Series or a mapping"):
        keyness(["x"], {"x": 1})


# ------------------------------------------------------------------ adjusting p-values


def test_adjust_pvalues_against_scipy_and_by_hand():
    rng = np.random.default_rng(2)
    p = rng.uniform(size=200) ** 3
    np.testing.assert_allclose(adjust_pvalues(p, method="bh"), stats.false_discovery_control(p), rtol=1e-12)
    np.testing.assert_allclose(adjust_pvalues(p, method="bonferroni"), np.minimum(p * 200, 1))
    # by hand: sorted 0.01, 0.03, 0.04 -> 0.03, 0.045, 0.04 -> monotone from the top: 0.03, 0.04, 0.04
    np.testing.assert_allclose(adjust_pvalues([0.04, 0.01, 0.03]), [0.04, 0.03, 0.04])
    with_nan = adjust_pvalues([0.01, np.nan, 0.02], method="bonferroni")
    assert np.isnan(with_nan[1]) and with_nan[0] == pytest.approx(0.02)
    with pytest.raises(ValueError, match="outside"):
        adjust_pvalues([1.5])


# ------------------------------------------------------------------ compare_groups


def docs_frame():
    return pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3", "d4"],
            "text": [
                "We firmly oppose hegemony. We oppose it.",
                "We hope for peace.",
                "Peace and hope, hope.",
                "We oppose war.",
            ],
            "speaker": ["Xing", "Kim", "Kim", "Lee"],
        }
    )


def test_compare_groups_target_vs_rest_equals_keyness_on_hand_counts():
    got = compare_groups(docs_frame(), by="speaker", target="Xing").set_index("term")
    counts = pd.Series(tk.tokenize("We firmly oppose hegemony. We oppose it.")).value_counts()
    rest = pd.Series(tk.tokenize("We hope for peace. Peace and hope, hope. We oppose war.")).value_counts()
    expected = keyness(counts, rest).set_index("term")
    pd.testing.assert_series_equal(got["score"], expected["score"].loc[got.index], check_names=False)
    assert set(got["speaker"]) == {"Xing"} and set(got["reference"]) == {"rest"}


def test_compare_groups_every_group_and_two_named_groups():
    docs = docs_frame()
    every = compare_groups(docs, by="speaker")
    assert list(every.columns) == ["speaker", "reference", *COLUMNS, "p_adjusted"]
    assert every["speaker"].dtype == docs["speaker"].dtype and every["reference"].dtype == "string"
    assert every["speaker"].unique().tolist() == ["Kim", "Lee", "Xing"]  # sorted by group
    pair = compare_groups(docs, by="speaker", target="Kim", reference="Lee").set_index("term")
    assert pair.loc["hope", "n_target"] == 3 and pair.loc["hope", "n_reference"] == 0
    assert pair.loc["war", "n_target"] == 0 and pair.loc["war", "n_reference"] == 1
    assert "firmly" not in pair.index  # Xing's words are in neither group


def test_compare_groups_stop_words_keep_totals_and_adjust():
    docs = docs_frame()
    plain = compare_groups(docs, by="speaker", target="Xing").set_index("term")
    no_stop = compare_groups(docs, by="speaker", target="Xing", stop_words="english", adjust="bonferroni")
    no_stop = no_stop.set_index("term")
    assert "we" not in no_stop.index
    assert no_stop.loc["oppose", "score"] == pytest.approx(plain.loc["oppose", "score"])
    m = len(no_stop)
    assert no_stop.loc["oppose", "p_adjusted"] == pytest.approx(min(1, no_stop.loc["oppose", "p_value"] * m))


def test_compare_groups_fightin_words_with_the_corpus_as_prior():
    docs = docs_frame()
    got = compare_groups(docs, by="speaker", target="Kim", measure="fightin_words", prior="corpus")
    all_counts = pd.Series(tk.tokenize(" ".join(docs["text"]))).value_counts()
    kim = pd.Series(tk.tokenize(" ".join(docs["text"][1:3]))).value_counts()
    rest = pd.Series(tk.tokenize(" ".join(docs["text"][[0, 3]]))).value_counts()
    expected = keyness(kim, rest, measure="fightin_words", prior=all_counts).set_index("term")["score"]
    assert got.set_index("term")["score"].to_dict() == pytest.approx(expected.to_dict())


def test_compare_groups_bad_input():
    docs = docs_frame()
    with pytest.raises(
        ValueError, match=r"target='Moon' is not a group; the groups of by='speaker' are 'Kim', 'Lee', 'Xing'"
    ):
        compare_groups(docs, by="speaker", target="Moon")
    with pytest.raises(ValueError, match="target and reference are both 'Kim'"):
        compare_groups(docs, by="speaker", target="Kim", reference="Kim")
    with pytest.raises(ValueError, match="reference is given without target"):
        compare_groups(docs, by="speaker", reference="Kim")
    with pytest.raises(ValueError, match="makes only one group"):
        compare_groups(docs.assign(speaker="Xing"), by="speaker")
    with pytest.raises(ValueError, match=r"group\(s\) 'Kim' have no tokens"):
        compare_groups(docs.assign(text=["a", "", "", "b"]), by="speaker")
    with pytest.raises(ValueError, match=r"adjust='holm' is invalid"):
        compare_groups(docs, by="speaker", adjust="holm")


# ------------------------------------------------------------------ every measure term by term, precision, ranges


def loop_scores(target, reference, measure, prior=0.01):
    """The textbook formulas, one term at a time in plain Python (no numpy, no scipy)."""
    import math

    n_t, n_r = sum(target.values()), sum(reference.values())
    terms = sorted(t for t in set(target) | set(reference) if target.get(t, 0) + reference.get(t, 0) > 0)
    a0 = prior * len(terms)
    out = {}
    for term in terms:
        a, b = target.get(term, 0), reference.get(term, 0)
        rt, rr = (a or 0.5) / n_t, (b or 0.5) / n_r
        if measure == "log_ratio":
            out[term] = math.log2(rt / rr)
        elif measure == "pct_diff":
            out[term] = (rt - rr) * 100 / rr
        elif measure == "fightin_words":
            delta = math.log((a + prior) / (n_t + a0 - a - prior)) - math.log((b + prior) / (n_r + a0 - b - prior))
            out[term] = delta / math.sqrt(1 / (a + prior) + 1 / (b + prior))
        else:
            n = n_t + n_r
            cells = [
                (a, (a + b) * n_t / n),
                (b, (a + b) * n_r / n),
                (n_t - a, (n - a - b) * n_t / n),
                (n_r - b, (n - a - b) * n_r / n),
            ]
            if measure == "g2":
                stat = 2 * sum(o * math.log(o / e) for o, e in cells if o > 0)
            else:
                stat = sum((o - e) ** 2 / e for o, e in cells)
            out[term] = math.copysign(stat, a / n_t - b / n_r) if a / n_t != b / n_r else 0.0
    return out


@pytest.mark.parametrize("measure", ["g2", "chi2", "log_ratio", "pct_diff", "fightin_words"])
def test_vectorised_equals_a_plain_loop_on_random_counts(measure):
    rng = np.random.default_rng(7)
    target = {f"w{i}": int(c) for i, c in enumerate(rng.poisson(3, 300))}
    reference = {f"w{i}": int(c) for i, c in enumerate(rng.poisson(4, 300))}
    table = keyness(target, reference, measure=measure).set_index("term")
    expected = loop_scores(target, reference, measure)
    assert sorted(table.index) == sorted(expected)
    for term, value in expected.items():
        assert table.loc[term, "score"] == pytest.approx(value, rel=1e-9, abs=1e-9), term


@pytest.mark.parametrize(
    "measure, correction",
    [
        ("g2", "none"),
        ("g2", "williams"),
        ("g2", "yates"),
        ("chi2", "none"),
        ("chi2", "yates"),
        ("log_ratio", "none"),
        ("pct_diff", "none"),
        ("fightin_words", "none"),
    ],
)
def test_p_values_in_unit_interval_and_no_nan(measure, correction):
    rng = np.random.default_rng(11)
    target = pd.Series(rng.poisson(2, 500), index=[f"w{i}" for i in range(500)])
    reference = pd.Series(rng.poisson(2, 500), index=[f"w{i}" for i in range(500)])
    table = keyness(target, reference, measure=measure, correction=correction)
    assert table["score"].notna().all() and table["p_value"].notna().all()
    assert table["p_value"].between(0, 1).all()
    # the sign of the score is the direction of the relative frequencies
    direction = np.sign(table["n_target"] * reference.sum() - table["n_reference"] * target.sum())
    # (Yates's correction takes a deviation below 0.5 to a score of exactly 0)
    nonzero = table["score"] != 0
    assert (np.sign(table["score"][nonzero]) == direction[nonzero]).all()
    assert correction == "yates" or nonzero[direction != 0].all()


def test_pct_diff_swapped_is_the_reciprocal_ratio():
    # D = 100 (R - 1) with R = NFt / NFr; swapping gives 100 (1/R - 1), so (1 + D/100)(1 + D'/100) = 1
    rng = np.random.default_rng(5)
    target = pd.Series(rng.integers(0, 30, 40), index=[f"w{i}" for i in range(40)])
    reference = pd.Series(rng.integers(0, 30, 40), index=[f"w{i}" for i in range(40)])
    forward = keyness(target, reference, measure="pct_diff").set_index("term")
    backward = keyness(reference, target, measure="pct_diff").set_index("term").loc[forward.index]
    np.testing.assert_allclose((1 + forward["score"] / 100) * (1 + backward["score"] / 100), 1.0, rtol=1e-12)
    np.testing.assert_allclose(forward["score"], 100 * (2 ** forward["log_ratio"] - 1), rtol=1e-12, atol=1e-9)


def test_g2_keeps_full_precision_in_corpora_of_hundreds_of_millions_of_words():
    from decimal import Decimal, getcontext

    getcontext().prec = 50

    def exact(a, b, n_t, n_r):  # 50-digit arithmetic, 0 ln 0 = 0
        n, total = n_t + n_r, Decimal(0)
        for o, en in (
            (a, (a + b) * n_t),
            (b, (a + b) * n_r),
            (n_t - a, (n - a - b) * n_t),
            (n_r - b, (n - a - b) * n_r),
        ):
            if o:
                total += Decimal(o) * (Decimal(o) * n / Decimal(en)).ln()
        return float(2 * total)

    for a, b, n_t, n_r in [(1000, 24000, 20_000_000, 500_000_000), (2, 1, 10**9, 10**9), (52, 57, 50_000, 75_000)]:
        got = keyness({"w": a}, {"w": b}, target_total=n_t, reference_total=n_r).loc[0, "score"]
        assert abs(got) == pytest.approx(exact(a, b, n_t, n_r), rel=1e-12)


@pytest.mark.parametrize("measure", ["g2", "chi2", "log_ratio", "pct_diff", "fightin_words"])
def test_a_one_term_vocabulary_scores_zero(measure):
    # the term is the whole of both sides: equal relative frequencies, no other words
    row = keyness({"x": 5}, {"x": 3}, measure=measure).iloc[0]
    assert row["score"] == 0.0 and row["p_value"] == 1.0


def test_compare_groups_ignores_an_empty_group_it_does_not_compare():
    docs = pd.concat(
        [docs_frame(), pd.DataFrame({"doc_id": ["d5"], "text": [""], "speaker": ["Moon"]})], ignore_index=True
    )
    pair = compare_groups(docs, by="speaker", target="Kim", reference="Lee")
    assert set(pair["speaker"]) == {"Kim"} and set(pair["reference"]) == {"Lee"}
    with pytest.raises(ValueError, match=r"group\(s\) 'Moon' have no tokens"):
        compare_groups(docs, by="speaker")


# ------------------------------------------------------------------ issue #10: no silent loss, no stray exception


@pytest.mark.parametrize(
    "side, counts, term, shown",
    [
        # 2**64 wrapped around in int64, and "peace" was dropped from the table with a wrong G2 for "we"
        ("reference", {"we": 3, "peace": 2**64}, "peace", "18446744073709551616"),
        ("reference", {"we": 3, "peace": float("inf")}, "peace", "inf"),  # was pandas' IntCastingNaNError
        ("reference", {"we": 3, "peace": float("nan")}, "peace", "nan"),
        ("target", {"we": 2.5}, "we", "2.5"),
        ("target", {"we": -1}, "we", "-1"),
        ("target", {"we": True}, "we", "True"),
        ("target", {"we": "5"}, "we", "'5'"),
        ("target", {"we": None}, "we", "None"),
        ("reference", pd.Series([2**64 - 1], index=["peace"], dtype="uint64"), "peace", "18446744073709551615"),
        ("target", pd.Series([2**63], index=["we"], dtype="float64"), "we", "9.223372036854776e\\+18"),
    ],
)
def test_counts_that_are_not_exact_whole_numbers_name_the_term_and_side(side, counts, term, shown):
    other = {"we": 5}
    target, reference = (counts, other) if side == "target" else (other, counts)
    with pytest.raises(ValueError, match=rf"{side}\['{term}'\] = {shown} is invalid; counts must be whole numbers"):
        keyness(target, reference)


def test_counts_that_sum_past_int64_are_an_error_not_a_wrapped_total():
    with pytest.raises(ValueError, match=r"the reference counts sum to 13835058055282163712, at least 2\*\*63"):
        keyness({"we": 5}, {"a": 2**62, "b": 2**62, "c": 2**62})


def test_large_exact_counts_are_kept_exactly():
    table = keyness({"we": 5.0, "peace": 0}, {"we": 3, "peace": 2**62}).set_index("term")
    assert table.loc["peace", "n_reference"] == 2**62 and table.loc["we", "n_target"] == 5
    assert table["score"].notna().all() and (table["p_value"].between(0, 1)).all()
    # two counts near 2**63 whose sum would wrap: the term is kept
    near = 2**62 + 2**61
    table = keyness({"x": near, "y": 1}, {"x": near, "y": 1})
    assert set(table["term"]) == {"x", "y"}


@pytest.mark.parametrize(
    "prior, message",
    [
        (float("inf"), r"prior=inf is invalid; must be a finite number > 0"),
        (pd.Series({"we": 1.0, "peace": 1.0, "other": float("inf")}), r"prior\['other'\] = inf is invalid"),
        (pd.Series({"we": 1.0, "peace": 1.0, "other": float("nan")}), r"prior\['other'\] = nan is invalid"),
        (pd.Series({"we": 1.0, "peace": 1.0, "other": -2.0}), r"prior\['other'\] = -2.0 is invalid"),
    ],
)
def test_fightin_words_prior_must_be_finite(prior, message):
    # an infinite or NaN background count made a0 infinite or NaN: every score NaN
    with pytest.raises(ValueError, match=message):
        keyness({"we": 5, "peace": 1}, {"we": 3, "peace": 2}, measure="fightin_words", prior=prior)


def test_compare_groups_on_an_empty_frame_is_a_clear_error():
    empty = pd.DataFrame(
        {"doc_id": pd.Series(dtype="string"), "text": pd.Series(dtype="string"), "speaker": pd.Series(dtype="string")}
    )
    with pytest.raises(ValueError, match="docs has no rows, so there are no groups to compare"):  # was IndexError
        compare_groups(empty, by="speaker")


def test_keyness_property_every_offered_count_comes_back_or_is_refused_clearly():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    value = st.one_of(
        st.integers(-3, 2**64),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.text(max_size=2),
        st.none(),
    )
    counts = st.dictionaries(st.sampled_from(["we", "peace", "oppose", "may"]), value, max_size=4)

    @settings(derandomize=True, max_examples=300, deadline=None)
    @given(counts, counts, st.sampled_from(list(tk.keyness.__globals__["MEASURES"])))
    def check(target, reference, measure):
        try:
            table = keyness(target, reference, measure=measure)
        except ValueError as err:
            assert "target" in str(err) or "reference" in str(err)
            return
        assert set(table["term"]) == {t for t, n in (*target.items(), *reference.items()) if n}
        for row in table.itertuples():
            assert row.n_target == target.get(row.term, 0) and row.n_reference == reference.get(row.term, 0)
        assert table["score"].notna().all() and table["p_value"].between(0, 1).all()

    check()


# ------------------------------------------------------------------ issue 11: group keys stay columns


def two_column_docs():
    # ("A | B", "C") and ("A", "B | C") joined with " | " are both "A | B | C": they must stay two groups
    return pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3"],
            "text": ["war war peace", "peace peace hope", "hope war"],
            "country": ["A | B", "A", "D"],
            "venue": ["C", "B | C", "E"],
        }
    )


def test_compare_groups_keeps_groups_whose_joined_labels_would_be_equal_apart():
    docs = two_column_docs()
    every = compare_groups(docs, by=["country", "venue"])
    assert list(every.columns) == ["country", "venue", "reference", *COLUMNS, "p_adjusted"]
    keys = every[["country", "venue"]].drop_duplicates().values.tolist()
    assert keys == [["A", "B | C"], ["A | B", "C"], ["D", "E"]]  # three groups, sorted, not two
    first = every[(every["country"] == "A | B") & (every["venue"] == "C")].set_index("term")
    assert first.loc["war", "n_target"] == 2 and first.loc["war", "n_reference"] == 1
    assert first.loc["peace", "n_target"] == 1 and first.loc["peace", "n_reference"] == 2
    pair = compare_groups(docs, by=["country", "venue"], target=("A | B", "C"), reference=("A", "B | C"))
    pair = pair.set_index("term")
    assert pair.loc["war", "n_target"] == 2 and pair.loc["war", "n_reference"] == 0
    assert pair.loc["peace", "n_target"] == 1 and pair.loc["peace", "n_reference"] == 2
    assert set(pair["country"]) == {"A | B"} and set(pair["venue"]) == {"C"}
    assert pair["reference"].tolist() == [("A", "B | C")] * len(pair)


def test_compare_groups_one_by_column_target_scalar_or_one_tuple():
    docs = docs_frame()
    scalar = compare_groups(docs, by="speaker", target="Kim", reference="Lee")
    one_tuple = compare_groups(docs, by=["speaker"], target=("Kim",), reference=("Lee",))
    pd.testing.assert_frame_equal(scalar, one_tuple)
    assert scalar["reference"].dtype == "string" and set(scalar["reference"]) == {"Lee"}


def test_compare_groups_keeps_values_and_dtypes_and_na_is_a_group_of_its_own():
    docs = pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3", "d4"],
            "text": ["war", "peace", "hope", "war war"],
            "year": pd.array([2021, None, 2022, 2021], dtype="Int64"),
            "speaker": pd.array(["<NA>", None, "Kim", "<NA>"], dtype="string"),
        }
    )
    by_year = compare_groups(docs, by="year")
    assert by_year["year"].dtype == "Int64"
    assert by_year["year"].drop_duplicates().tolist() == [2021, 2022, pd.NA]  # sorted, missing last
    # a year is named by its value or its str
    assert compare_groups(docs, by="year", target=2021).equals(compare_groups(docs, by="year", target="2021"))
    pair = compare_groups(docs, by="year", target=2021, reference=pd.NA)
    assert set(pair["reference"].isna()) == {True}  # one by column: the reference as a string, NA when missing
    # a missing speaker is not the speaker called "<NA>"
    missing = compare_groups(docs, by="speaker", target=pd.NA).set_index("term")
    assert missing["speaker"].isna().all() and missing.loc["peace", "n_target"] == 1
    assert missing.loc["war", "n_target"] == 0 and missing.loc["war", "n_reference"] == 3
    literal = compare_groups(docs, by="speaker", target="<NA>").set_index("term")
    assert literal.loc["war", "n_target"] == 3


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"by": ["country", "venue"], "target": "A"},
            r"target='A' is invalid; by=\['country', 'venue'\] names 2 column\(s\), so a group is a tuple of 2 values",
        ),
        ({"by": ["country", "venue"], "target": ("A",)}, r"so a group is a tuple of 2 values"),
        (
            {"by": ["country", "venue"], "target": ("A", "C")},
            r"target=\('A', 'C'\) is not a group; the groups of by=\['country', 'venue'\] are \('A', 'B \| C'\), "
            r"\('A \| B', 'C'\), \('D', 'E'\)",
        ),
        (
            {"by": ["country", "venue"], "target": ("D", "E"), "reference": ("D", "E")},
            r"target and reference are both \('D', 'E'\)",
        ),
        ({"by": ["country", "country"]}, r"it names 'country' more than once"),
        ({"by": []}, r"by=\[\] is invalid"),
        ({"by": None}, r"by=None makes only one group \('all'\)"),
        ({"by": "place"}, r"docs lacks the column\(s\) 'place'"),
    ],
)
def test_compare_groups_bad_groups(kwargs, message):
    with pytest.raises(ValueError, match=message):
        compare_groups(two_column_docs(), **kwargs)


def test_compare_groups_by_column_named_like_an_output_column_is_an_error():
    docs = docs_frame().rename(columns={"speaker": "reference"})
    with pytest.raises(ValueError, match=r"by='reference' is invalid; 'reference' is also a column of the result"):
        compare_groups(docs, by="reference")


# ------------------------------------------------------------------ issue 11: the Security Council comparison


def test_security_council_china_against_the_united_states_points_the_right_way(data_dir):
    # the call of the figure rule keyness_chn_vs_usa_unsc
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        docs = study.load_comparison_corpus(path=data_dir)
    council = docs[docs["venue"] == "UNSC"]
    table = compare_groups(
        council,
        by="country",
        target="CHN",
        reference="USA",
        measure="fightin_words",
        prior="corpus",
        stop_words="english",
    ).set_index("term")
    n_t = int(tk.document_term_matrix(council[council["country"] == "CHN"]).totals.sum())
    n_r = int(tk.document_term_matrix(council[council["country"] == "USA"]).totals.sum())
    direction = np.sign(table["n_target"] * n_r - table["n_reference"] * n_t)
    assert (np.sign(table["score"]) == direction).all()  # was 326 of 2,030 terms the other way
    for term, counts in {"ukrainian": (2, 38), "military": (0, 19), "russia": (1, 49)}.items():
        assert tuple(table.loc[term, ["n_target", "n_reference"]]) == counts
        assert table.loc[term, "score"] < 0, term


# ------------------------------------------------------------------ LRC (issue 18)


def _cp_log2_interval(a: int, b: int, n_t: int, n_r: int, level: float, alternative: str = "two-sided"):
    """The interval of log2 of the ratio of relative frequencies from scipy's exact binomial interval (an
    implementation independent of toolkit.keyness): a | a + b ~ Binomial(a + b, n_t r / (n_t r + n_r))."""
    if alternative == "greater" and a == 0:
        return -np.inf, np.inf
    ci = stats.binomtest(a, a + b, alternative=alternative).proportion_ci(confidence_level=level, method="exact")

    def log2_ratio(pi: float) -> float:
        if pi <= 0:
            return -np.inf
        if pi >= 1:
            return np.inf
        return float(np.log2(pi / (1 - pi) * n_r / n_t))

    return log2_ratio(ci.low), log2_ratio(ci.high)


def test_lrc_equals_evert_s_definition_on_random_tables():
    """LRC and PositiveLRC from the definition (Evert 2022; corpora's keyness()) with scipy's exact binomial
    intervals, to 1e-9, with the default Bonferroni family (the number of terms), another family, and none."""
    rng = np.random.default_rng(18)
    for trial in range(12):
        n = int(rng.integers(5, 60))
        a = rng.integers(0, 40, n)
        b = rng.integers(0, 40, n)
        a[0], b[0], b[1], a[1] = 0, 7, 0, 5  # a zero on either side, every time
        both = (a + b) > 0
        terms = [f"w{i}" for i in range(n)]
        target = pd.Series(a, index=terms)[both]
        reference = pd.Series(b, index=terms)[both]
        n_t, n_r = int(a.sum()) + int(rng.integers(0, 500)), int(b.sum()) + int(rng.integers(0, 500))
        m = int(both.sum())
        for family, size in ((None, m), (1, 1), (7, 7)):
            level = 1 - 0.05 / size
            kw = {"target_total": n_t, "reference_total": n_r, "family": family}
            lrc = keyness(target, reference, measure="lrc", **kw).set_index("term")
            pos = keyness(target, reference, measure="positive_lrc", **kw).set_index("term")
            for term in target.index:
                x, y = int(target[term]), int(reference[term])
                low, high = _cp_log2_interval(x, y, n_t, n_r, level)
                expected = max(low, 0.0) if x * n_r >= y * n_t else min(high, 0.0)
                row = lrc.loc[term]
                np.testing.assert_allclose([row["ci_low"], row["ci_high"]], [low, high], rtol=1e-9, atol=1e-9)
                assert row["score"] == pytest.approx(expected, rel=1e-9, abs=1e-9), (trial, term, family)
                one_sided, _ = _cp_log2_interval(x, y, n_t, n_r, level, alternative="greater")
                assert pos.loc[term, "score"] == pytest.approx(one_sided, rel=1e-9, abs=1e-9)


def test_lrc_is_zero_unless_the_difference_is_significant_and_a_zero_count_gives_an_infinite_bound():
    table = keyness(
        {"never": 0, "often": 40, "same": 10},
        {"never": 30, "often": 5, "same": 20},
        measure="lrc",
        target_total=10_000,
        reference_total=20_000,
    ).set_index("term")
    assert table.loc["same", "score"] == 0.0  # equal rates: the interval holds 0
    assert table.loc["often", "score"] > 0 and table.loc["never", "score"] < 0
    assert table.loc["never", "ci_low"] == -np.inf and np.isfinite(table.loc["never", "ci_high"])
    assert table.loc["often", "ci_low"] < table.loc["often", "score"] + 1e-12 < table.loc["often", "log_ratio"]
    wide = keyness({"often": 40}, {"often": 5}, measure="lrc", target_total=10_000, reference_total=20_000, family=1000)
    assert wide.loc[0, "score"] < table.loc["often", "score"]  # a larger family: a more conservative bound
    with pytest.raises(ValueError, match="family=0 is invalid"):
        keyness({"a": 1}, {"a": 2}, measure="lrc", family=0)
    with pytest.raises(ValueError, match="confidence=1.5 is invalid"):
        keyness({"a": 1}, {"a": 2}, measure="lrc", confidence=1.5)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    counts=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=15),
    extra=st.tuples(st.integers(0, 300), st.integers(0, 300)),
)
def test_lrc_sign_follows_the_frequencies_and_lies_between_zero_and_the_observed_log_ratio(counts, extra):
    counts = [(x, y) for x, y in counts if x + y > 0] + [(1, 1)]  # both sides with a count
    terms = [f"w{i}" for i in range(len(counts))]
    target = pd.Series([x for x, _ in counts], index=terms)
    reference = pd.Series([y for _, y in counts], index=terms)
    n_t, n_r = int(target.sum()) + extra[0] + 1, int(reference.sum()) + extra[1] + 1
    table = keyness(target, reference, measure="lrc", target_total=n_t, reference_total=n_r)
    direction = np.sign(table["n_target"] * n_r - table["n_reference"] * n_t)
    assert (np.sign(table["score"]) * direction >= 0).all()  # 0, or the sign of the rates' difference
    assert ((table["ci_low"] <= table["score"]) & (table["score"] <= table["ci_high"])).all()
    assert (table["ci_low"] <= table["ci_high"]).all()
    inside = (table["ci_low"] <= 0) & (table["ci_high"] >= 0)
    assert (table.loc[inside, "score"] == 0).all()  # the interval holds 0: not key
    assert (table.loc[~inside, "score"] != 0).all()


def test_compare_groups_carries_the_interval_and_takes_lrc():
    docs = pd.DataFrame(
        {
            "doc_id": list("abcd"),
            "text": ["peace peace peace talks", "peace talks war", "war war war talks", "war talks peace"],
            "side": ["x", "x", "y", "y"],
        }
    )
    table = compare_groups(docs, by="side", target="x", reference="y", measure="lrc", confidence=0.9, family=1)
    assert list(table.columns[-3:]) == ["ci_low", "ci_high", "p_adjusted"]
    direct = keyness(
        {"peace": 4, "talks": 2, "war": 1},
        {"peace": 1, "talks": 2, "war": 4},
        measure="lrc",
        confidence=0.9,
        family=1,
        target_total=7,
        reference_total=7,
    )
    pd.testing.assert_frame_equal(
        table[["term", "score", "ci_low", "ci_high"]].reset_index(drop=True),
        direct[["term", "score", "ci_low", "ci_high"]].reset_index(drop=True),
    )


# ------------------------------------------------------------------ documents as the unit (issue 18)


def _one_document_carries_it() -> pd.DataFrame:
    """Two groups of 20 documents; one target document holds all 50 'sanctions'; 'dialogue' is in every target
    document 3 more times than chance."""
    rng = np.random.default_rng(0)
    common = ["peace", "talks", "council", "nations", "support", "dialogue", "security", "people"]
    rows = []
    for side in ("A", "B"):
        for i in range(20):
            words = list(rng.choice(common, 60))
            words += ["sanctions"] * 50 if (side, i) == ("A", 0) else []
            words += ["dialogue"] * 3 if side == "A" else []
            rows.append({"doc_id": f"{side}{i}", "text": " ".join(words), "side": side})
    return pd.DataFrame(rows)


def test_a_word_one_document_carries_is_key_by_tokens_but_not_by_documents():
    docs = _one_document_carries_it()
    tokens = compare_groups(docs, by="side", target="A", reference="B", permutations=199, seed=1).set_index("term")
    assert tokens.loc["sanctions", "p_value"] < 1e-10  # 50 against 0 tokens: G2 calls it key
    assert tokens.loc["sanctions", "p_permutation"] > 0.5  # the document lands on either side: not key
    assert tokens.loc["dialogue", "p_permutation"] < 0.05  # spread over every target document: key
    documents = compare_groups(docs, by="side", target="A", reference="B", unit="document").set_index("term")
    assert documents.loc["sanctions", ["n_target", "n_reference"]].tolist() == [1, 0]  # 1 of 20 documents
    assert documents.loc["sanctions", "p_value"] > 0.2
    direct = keyness(
        {"sanctions": 1, "peace": 20}, {"peace": 20}, unit="document", target_total=20, reference_total=20
    ).set_index("term")
    assert documents.loc["sanctions", "score"] == pytest.approx(float(direct.loc["sanctions", "score"]), rel=1e-12)
    again = compare_groups(docs, by="side", target="A", reference="B", permutations=199, seed=1)
    assert again["p_permutation"].tolist() == tokens.reset_index()["p_permutation"].tolist()  # seeded
    with pytest.raises(ValueError, match="needs target_total and reference_total"):
        keyness({"a": 1}, {"a": 2}, unit="document")
    with pytest.raises(ValueError, match="permutations=10 needs a target"):
        compare_groups(docs, by="side", permutations=10)


def _g2_by_scipy(a: int, b: int, n_a: float, n_b: float) -> float:
    """G2 of a term seen a times in n_a tokens and b times in n_b, from scipy's log-likelihood contingency test."""
    if a + b == 0:
        return 0.0
    table = np.array([[a, b], [n_a - a, n_b - b]], dtype=float)
    return float(stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")[0])


def test_the_permutation_p_values_and_their_maxt_adjustment_equal_a_recomputation_with_scipy():
    # The shuffles are numpy's rng.permutation of the pooled documents' target labels (documents in order);
    # each shuffle's G2 is recomputed here with scipy, and maxT compares each term with the shuffle's largest G2.
    rng = np.random.default_rng(3)
    vocab = ["peace", "talks", "sanctions", "dialogue", "war"]
    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(8)],
            "text": [" ".join(rng.choice(vocab, 12 + i)) + (" sanctions" * 6 if i == 0 else "") for i in range(8)],
            "side": ["A"] * 4 + ["B"] * 4,
        }
    )
    table = compare_groups(docs, by="side", target="A", reference="B", permutations=60, seed=5).set_index("term")
    counts = tk.document_term_matrix(docs)
    X = counts.matrix.toarray()
    sizes = X.sum(axis=1).astype(float)
    terms = list(counts.terms)
    is_target = (docs["side"] == "A").to_numpy()

    def g2s(mask: np.ndarray) -> np.ndarray:
        a, b = X[mask].sum(axis=0), X[~mask].sum(axis=0)
        return np.array(
            [_g2_by_scipy(int(a[j]), int(b[j]), sizes[mask].sum(), sizes[~mask].sum()) for j in range(len(terms))]
        )

    observed = g2s(is_target)
    shuffle = np.random.default_rng(5)
    shuffles = np.array([g2s(shuffle.permutation(is_target)) for _ in range(60)])
    for j, term in enumerate(terms):
        reached = observed[j] - 1e-9
        assert table.loc[term, "p_permutation"] == pytest.approx((1 + (shuffles[:, j] >= reached).sum()) / 61)
        assert table.loc[term, "p_permutation_maxt"] == pytest.approx(
            (1 + (shuffles.max(axis=1) >= reached).sum()) / 61
        )
    assert (table["p_permutation_maxt"] >= table["p_permutation"]).all()


# ------------------------------------------------------------------ Fightin' Words on documents


def test_fightin_words_on_documents_has_the_four_cell_variance():
    # 20 of 20 documents against 14 of 20, a background of two terms alike (pseudo-counts 0.1 x 20 x 1/2 = 1 for
    # each cell): the documents without the term (0 and 6, plus 1) are in the variance, as a difference of two
    # log-odds has them
    row = keyness(
        {"w": 20}, {"w": 14}, measure="fightin_words", prior={"w": 1, "v": 1}, unit="document",
        target_total=20, reference_total=20,
    ).iloc[0]  # fmt: skip
    here_t, rest_t, here_r, rest_r = 20 + 1, 0 + 1, 14 + 1, 6 + 1
    delta = np.log(here_t / rest_t) - np.log(here_r / rest_r)
    z = delta / np.sqrt(1 / here_t + 1 / rest_t + 1 / here_r + 1 / rest_r)
    assert row["score"] == pytest.approx(z, rel=1e-12)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(z), rel=1e-12)
    # tokens keep Monroe et al.'s eq. 20: the other words are many, their terms negligible
    tokens = keyness({"w": 20, "v": 80}, {"w": 14, "v": 86}, measure="fightin_words", prior=1).set_index("term")
    delta = np.log(21 / 81) - np.log(15 / 87)
    assert tokens.loc["w", "score"] == pytest.approx(delta / np.sqrt(1 / 21 + 1 / 15), rel=1e-12)


def test_fightin_words_on_documents_holds_its_level_when_the_groups_do_not_differ():
    # two groups of 20 documents drawn alike (each term in a document with its own probability): about 5 % of
    # terms, not more, may have p < 0.05 (with the two-cell variance of words, 13 % had: 3.5 % now)
    rng = np.random.default_rng(5)
    n_terms, n_docs = 400, 20
    probs = rng.uniform(0.1, 0.9, n_terms)
    terms = [f"w{j:03d}x" for j in range(n_terms)]
    texts = [" ".join(t for t, has in zip(terms, rng.random(n_terms) < probs) if has) for _ in range(2 * n_docs)]
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(2 * n_docs)], "text": texts, "g": ["A", "B"] * n_docs})
    table = compare_groups(
        docs, by="g", target="A", reference="B", measure="fightin_words", unit="document", prior="corpus"
    )
    share = float((table["p_value"] < 0.05).mean())
    assert share <= 0.06, share


@pytest.mark.parametrize(("n_terms", "sizes"), [(400, (40, 10)), (4000, (40, 10)), (400, (20, 173))])
def test_fightin_words_on_documents_holds_its_level_with_groups_of_other_sizes(n_terms, sizes):
    # the corpus as prior: each side's pseudo-counts in proportion to its documents, so equal shares score 0
    rng = np.random.default_rng(5)
    probs = rng.uniform(0.1, 0.9, n_terms)
    terms = np.array([f"w{j:04d}x" for j in range(n_terms)])
    texts = [" ".join(terms[rng.random(n_terms) < probs]) for _ in range(sum(sizes))]
    groups = ["A"] * sizes[0] + ["B"] * sizes[1]
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts, "g": groups})
    table = compare_groups(
        docs, by="g", target="A", reference="B", measure="fightin_words", unit="document", prior="corpus"
    )
    assert float((table["p_value"] < 0.05).mean()) <= 0.06


def test_fightin_words_on_documents_refuses_a_prior_that_is_not_informative():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["we oppose", "we hope", "we hope"], "g": ["A", "B", "B"]})
    with pytest.raises(
        ValueError, match=r"unit='document' needs an informative prior, not prior=0\.01: prior='corpus'"
    ):
        compare_groups(docs, by="g", target="A", measure="fightin_words", unit="document")
    with pytest.raises(ValueError, match="needs an informative prior, not prior=1"):
        keyness(
            {"w": 3}, {"w": 1}, measure="fightin_words", prior=1, unit="document", target_total=4, reference_total=4
        )
    # a background of the term alone leaves no pseudo-count to the documents without it
    with pytest.raises(ValueError, match=r"prior gives 'w' the whole background, so no pseudo-count"):
        keyness(
            {"w": 1},
            {"w": 1},
            measure="fightin_words",
            prior={"w": 5},
            unit="document",
            target_total=1,
            reference_total=2,
        )
    # tokens take a number, as before
    assert len(keyness({"w": 3, "v": 1}, {"w": 1, "v": 3}, measure="fightin_words", prior=1)) == 2


@pytest.mark.parametrize(
    ("n_t", "n_r", "share_t", "share_r"),
    [(20, 20, 0.7, 0.5), (100, 100, 0.9, 0.5), (50, 500, 0.9, 0.8), (1000, 1000, 0.6, 0.55), (1000, 1000, 0.05, 0.04)],
)
def test_the_interval_on_documents_is_conservative(n_t, n_r, share_t, share_r):
    # keyness' docstring: with unit="document" the Poisson-conditional interval is too wide, never too narrow
    from toolkit.keyness import _log_ratio_interval

    rng = np.random.default_rng(0)
    a, b = rng.binomial(n_t, share_t, 20_000), rng.binomial(n_r, share_r, 20_000)
    low, high = _log_ratio_interval(a, b, n_t, n_r, 0.95, sided="two")
    truth = np.log2(share_t / share_r)
    assert np.mean((low <= truth) & (truth <= high)) >= 0.96


def test_p_values_and_intervals_are_scipy_stats_bit_for_bit():
    # keyness computes them with scipy.special, so that `import toolkit` and the pipeline need not import
    # scipy.stats (0.5 s, 45 MiB); these are the functions scipy.stats runs, checked here on wide ranges
    from toolkit.keyness import _log_ratio_interval, _score_arrays

    rng = np.random.default_rng(7)
    a = np.concatenate([rng.integers(0, 40, 3000), rng.integers(0, 200_000, 3000), [0, 0, 5, 1]])
    b = np.concatenate([rng.integers(0, 40, 3000), rng.integers(0, 200_000, 3000), [0, 7, 0, 1]])
    n_t, n_r = int(a.sum()) + 10, int(b.sum()) + 3
    g2, _ = _score_arrays(a, b, n_t, n_r, measure="g2", correction="none", alpha=None)
    for measure in ("g2", "chi2", "log_ratio"):
        score, p = _score_arrays(a, b, n_t, n_r, measure=measure, correction="none", alpha=None)
        stat = np.abs(g2 if measure == "log_ratio" else score)
        np.testing.assert_array_equal(p, stats.chi2.sf(stat, 1))
    for level in (0.95, 0.99):
        for sided in ("two", "greater"):
            low, high = _log_ratio_interval(a, b, n_t, n_r, level, sided=sided)
            tail = (1 - level) / 2 if sided == "two" else 1 - level
            k, n = a.astype(float), (a + b).astype(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                lower = np.where(k > 0, stats.beta.ppf(tail, k, n - k + 1), 0.0)
                upper = np.where(n - k > 0, stats.beta.isf(tail, k + 1, n - k), 1.0)
                np.testing.assert_array_equal(low, np.log2(n_r / n_t * lower / (1 - lower)))
                if sided == "two":
                    np.testing.assert_array_equal(high, np.log2(n_r / n_t * upper / (1 - upper)))
    target = pd.Series(a[:500], index=[f"w{i}" for i in range(500)])
    reference = pd.Series(b[:500], index=target.index)
    fw = keyness(target, reference, measure="fightin_words")
    np.testing.assert_array_equal(fw["p_value"], 2 * stats.norm.sf(np.abs(fw["score"])))


def test_keyness_compares_terms_as_text_so_1_and_the_string_1_are_one_term():
    # before, 1 in the target and "1" in the reference were two rows, both written "1"
    table = tk.keyness(pd.Series([1, 2], index=[1, 2]), pd.Series({"1": 4, 3: 1}))
    assert sorted(table["term"]) == ["1", "2", "3"]
    assert table.set_index("term").loc["1", ["n_target", "n_reference"]].tolist() == [1, 4]
    with pytest.raises(ValueError, match=r"reference counts the term '1' twice, as 1 and '1' \(terms are compared as"):
        tk.keyness(pd.Series([1, 2], index=[1, 2]), pd.Series({1: 1, "1": 4}))


def test_a_side_with_tokens_but_no_count_among_the_terms_compared_is_compared_not_empty():
    # a group of stop words only: compare_groups raised "reference is empty" (and, against the rest, stopped
    # every comparison); its 3 tokens make the full 2x2 table of each term
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["peace peace war", "the and of"], "g": ["A", "B"]})
    table = tk.compare_groups(docs, by="g", target="A", reference="B", stop_words="english").set_index("term")
    for term, (a, b) in {"peace": (2, 0), "war": (1, 0)}.items():
        g2, p = stats.chi2_contingency([[a, b], [3 - a, 3 - b]], correction=False, lambda_="log-likelihood")[:2]
        assert table.loc[term, "score"] == pytest.approx(g2, rel=1e-12)
        assert table.loc[term, "p_value"] == pytest.approx(p, rel=1e-12)
    assert len(tk.compare_groups(docs, by="g", stop_words="english")) == 4  # each group against the rest
    # the counts all 0 on one side, its size given
    assert tk.keyness({"w": 3, "x": 0}, {"w": 0, "x": 0}, target_total=100, reference_total=100)["term"].tolist() == [
        "w"
    ]
    with pytest.raises(ValueError, match=r"target is empty \(its counts sum to 0 and no target_total gives its size\)"):
        tk.keyness({"w": 0}, {"w": 1})
