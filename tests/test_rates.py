"""Tests of toolkit.rates: rates by hand, bootstrap and permutation p-values against scipy and exact enumeration."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from toolkit.rates import COMPARE_COLUMNS, RATE_COLUMNS, compare_rates, match_rates

CATS = ["hedge", "booster", "self_mention"]


def _docs(texts: list[str], **columns: list) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts, **columns})


def _scipy_ratio_interval(counts, tokens, n_resamples: int, seed: int, confidence: float = 0.95):
    """scipy.stats.bootstrap's percentile interval of sum(counts) / sum(tokens) * 1000 over paired units: the
    independent reference of the rates' intervals (the same draws for the same seed)."""
    return stats.bootstrap(
        (np.asarray(counts), np.asarray(tokens)),
        lambda c, t, axis=-1: c.sum(axis=axis) / t.sum(axis=axis) * 1000,
        paired=True,
        vectorized=True,
        n_resamples=n_resamples,
        confidence_level=confidence,
        method="percentile",
        rng=np.random.default_rng(seed),
    ).confidence_interval


def _matches(rows: list[tuple[str, int, str]]) -> pd.DataFrame:
    doc_id, start, category = zip(*rows) if rows else ((), (), ())
    return pd.DataFrame(
        {
            "doc_id": pd.array(doc_id, dtype="string"),
            "start": np.asarray(start, dtype="int64"),
            "category": pd.array(category, dtype="string"),
        }
    )


@pytest.fixture()
def small():
    """Two countries: KOR has three documents, CHN one (of three sentences)."""
    docs = _docs(
        [
            "We may agree.",  # 3 tokens
            "Perhaps we might agree, I think.",  # 6 tokens
            "It will certainly work.",  # 4 tokens
            "We may go. We will stay. Perhaps.",
        ],  # 3 + 3 + 1 = 7 tokens, one document
        country=["KOR", "KOR", "KOR", "CHN"],
    )
    matches = _matches(
        [
            ("d0", 3, "hedge"),
            ("d1", 0, "hedge"),
            ("d1", 11, "hedge"),
            ("d1", 24, "self_mention"),
            ("d2", 8, "booster"),
            ("d3", 3, "hedge"),
            ("d3", 14, "booster"),
            ("d3", 25, "hedge"),
        ]
    )
    return docs, matches


# ------------------------------------------------------------------------------------- match_rates


def test_columns_and_dtypes(small):
    docs, matches = small
    out = match_rates(matches, docs, by="country", categories=CATS, n_resamples=200)
    assert (
        list(out.columns)
        == ["country", *RATE_COLUMNS]
        == ["country", "category", "n", "tokens", "rate_per_1k", "ci_low", "ci_high", "unit"]
    )
    assert out["country"].dtype == docs["country"].dtype
    assert [str(t) for t in out.dtypes[1:]] == ["string", "int64", "int64", "float64", "float64", "float64", "string"]


def test_rates_by_hand(small):
    docs, matches = small
    out = match_rates(matches, docs, by="country", categories=CATS, n_resamples=200)
    assert out[["country", "category", "n", "tokens"]].values.tolist() == [
        ["CHN", "hedge", 2, 7],
        ["CHN", "booster", 1, 7],
        ["CHN", "self_mention", 0, 7],
        ["KOR", "hedge", 3, 13],
        ["KOR", "booster", 1, 13],
        ["KOR", "self_mention", 1, 13],
    ]
    np.testing.assert_allclose(out["rate_per_1k"], [2000 / 7, 1000 / 7, 0, 3000 / 13, 1000 / 13, 1000 / 13])
    assert out["unit"].tolist() == ["sentence"] * 3 + ["document"] * 3
    assert (out["ci_low"] <= out["rate_per_1k"] + 1e-12).all() and (out["rate_per_1k"] <= out["ci_high"] + 1e-12).all()


def test_by_none_is_one_group_all(small):
    docs, matches = small
    out = match_rates(matches, docs, n_resamples=200)
    assert out["group"].tolist() == ["all"] * 3
    assert out["category"].tolist() == ["booster", "hedge", "self_mention"]  # every category found, sorted
    assert out["n"].tolist() == [2, 5, 1]
    assert (out["tokens"] == 20).all()
    assert (out["unit"] == "document").all()


def test_by_two_columns_keeps_both_as_columns(small):
    docs, matches = small
    docs = docs.assign(form=["speech", "speech", "interview", "interview"])
    with pytest.warns(UserWarning, match=r"\('KOR', 'interview'\) rest\(s\) on a single unit"):  # d2: one sentence
        out = match_rates(matches, docs, by=["country", "form"], categories=["hedge"], n_resamples=200)
    assert out[["country", "form"]].values.tolist() == [["CHN", "interview"], ["KOR", "interview"], ["KOR", "speech"]]
    assert out["n"].tolist() == [2, 0, 3]
    assert out.attrs["single_unit"] == [("KOR", "interview")]


def test_zero_match_categories_are_rows(small):
    docs, matches = small
    out = match_rates(matches, docs, by="country", categories=["self_mention", "attitude_marker"], n_resamples=200)
    assert out[["country", "category", "n"]].values.tolist() == [
        ["CHN", "self_mention", 0],
        ["CHN", "attitude_marker", 0],
        ["KOR", "self_mention", 1],
        ["KOR", "attitude_marker", 0],
    ]
    zero = out[out["n"] == 0]
    assert (zero["rate_per_1k"] == 0).all() and (zero["ci_low"] == 0).all() and (zero["ci_high"] == 0).all()


def test_a_single_category_as_str(small):
    docs, matches = small
    out = match_rates(matches, docs, categories="booster", n_resamples=200)
    assert out[["category", "n"]].values.tolist() == [["booster", 2]]


def test_multi_document_interval_equals_scipy_bootstrap():
    """Same seed, same draws: the interval is scipy's percentile bootstrap of the ratio estimator."""
    rng = np.random.default_rng(7)
    tokens = rng.integers(5, 40, 25)
    texts = [" ".join(["w"] * t) for t in tokens]
    counts = rng.poisson(tokens * 0.08)
    docs = _docs(texts)
    matches = _matches([(f"d{i}", 0, "hedge") for i, c in enumerate(counts) for _ in range(c)])
    out = match_rates(matches, docs, n_resamples=1000, seed=3, confidence=0.9)

    ref = _scipy_ratio_interval(counts, tokens, 1000, 3, confidence=0.9)
    assert out.loc[0, "rate_per_1k"] == pytest.approx(counts.sum() / tokens.sum() * 1000)
    assert out.loc[0, "ci_low"] == pytest.approx(ref.low, rel=1e-9)
    assert out.loc[0, "ci_high"] == pytest.approx(ref.high, rel=1e-9)


def test_single_document_group_resamples_its_sentences():
    """The sentences are the units: matches placed by their start offset, tokens counted per sentence."""
    text = "We may go. We might stay, perhaps. I think so. It is done."
    #       0         10        20        30        40        50
    docs = _docs([text, "Another document here.", "And one more."], group=["interview", "speech", "speech"])
    matches = _matches(
        [
            ("d0", 3, "hedge"),
            ("d0", 14, "hedge"),
            ("d0", 26, "hedge"),
            ("d0", 35, "self_mention"),
            ("d0", 37, "hedge"),
            ("d1", 0, "hedge"),
        ]
    )
    out = match_rates(matches, docs, by="group", categories=["hedge", "self_mention"], n_resamples=500, seed=11)
    interview = out[out["group"] == "interview"]
    assert (interview["unit"] == "sentence").all()
    assert (out.loc[out["group"] == "speech", "unit"] == "document").all()
    assert interview["n"].tolist() == [4, 1] and interview["tokens"].tolist() == [13, 13]
    # by hand: sentences of 3, 4, 3 and 3 tokens; hedges 1, 2, 1, 0; self mentions 0, 0, 1, 0
    sent_tokens = np.array([3, 4, 3, 3])
    for cat, sent_counts in (("hedge", np.array([1, 2, 1, 0])), ("self_mention", np.array([0, 0, 1, 0]))):
        ref = _scipy_ratio_interval(sent_counts, sent_tokens, 500, 11)
        row = interview[interview["category"] == cat].iloc[0]
        assert row["ci_low"] == pytest.approx(ref.low)
        assert row["ci_high"] == pytest.approx(ref.high)


def test_long_document_group_resamples_blocks_of_tokens(monkeypatch):
    """A group of one document with more than LONG_TEXT_TOKENS tokens: its units are blocks of BLOCK_TOKENS
    tokens, a match in the block of the last token that starts at or before it; the interval is scipy's over
    the blocks. A document of exactly LONG_TEXT_TOKENS tokens keeps its sentences."""
    from toolkit import _rating

    monkeypatch.setattr(_rating, "LONG_TEXT_TOKENS", 9)
    monkeypatch.setattr(_rating, "BLOCK_TOKENS", 4)
    text = "We may go. We might stay, perhaps. I think so."
    #       0         10        20        30        40
    # tokens: we may go we might stay perhaps i think so (10), starting at 0 3 7 11 14 20 26 35 37 43: blocks of 4,
    # 4 and 2 tokens
    docs = _docs([text, "Another document here.", "And one more."], group=["long", "speech", "speech"])
    matches = _matches(
        [
            ("d0", 0, "hedge"),  # token 0: block 0
            ("d0", 4, "hedge"),  # inside "may" (token 1): block 0
            ("d0", 15, "hedge"),  # inside "might" (token 4): block 1
            ("d0", 35, "hedge"),  # "I" (token 7): block 1
            ("d0", 37, "hedge"),  # "think" (token 8): block 2
            ("d0", 46, "hedge"),  # the text's end, after "so" (token 9): block 2
        ]
    )
    out = match_rates(matches, docs, by="group", categories=["hedge"], n_resamples=500, seed=11)
    row = out[out["group"] == "long"].iloc[0]
    assert row["unit"] == "block" and row["n"] == 6 and row["tokens"] == 10
    ref = _scipy_ratio_interval([2, 2, 2], [4, 4, 2], 500, 11)
    assert row["ci_low"] == pytest.approx(ref.low)
    assert row["ci_high"] == pytest.approx(ref.high)
    monkeypatch.setattr(_rating, "LONG_TEXT_TOKENS", 10)  # not more than it: sentences
    out = match_rates(matches, docs, by="group", categories=["hedge"], n_resamples=500, seed=11)
    assert out.loc[out["group"] == "long", "unit"].tolist() == ["sentence"]


def test_blocks_hold_every_token_and_match_where_the_tokens_say():
    """For any text and matches: the blocks' tokens sum to the document's and each holds BLOCK_TOKENS but the
    last; each match counts in the block that toolkit.text.token_spans (the tokenizer's own offsets, not the
    table's kernel) puts it in; the same blocks whether the text is read from a token table or not."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from toolkit import _rating
    from toolkit.rates import _prepare
    from toolkit.text import token_spans
    from toolkit.tokentable import token_table

    pieces = st.sampled_from(["we", "may", "don't", "U.S.", "(perhaps)", "—", "x1", "é", " ", "  ", "\n", ".", ","])

    @settings(derandomize=True, max_examples=80, deadline=None)
    @given(st.lists(pieces, min_size=1, max_size=60), st.integers(1, 6), st.lists(st.integers(0, 400), max_size=12))
    def check(parts, block, offsets):
        text = "".join(parts)
        spans = token_spans(text)
        if not spans:
            return
        starts = [min(o, len(text)) for o in offsets]
        docs = _docs([text])
        matches = _matches([("d0", o, "hedge") for o in starts])
        tokens_by_start = np.array([a for a, _ in spans])
        want_block = np.maximum(np.searchsorted(tokens_by_start, starts, side="right") - 1, 0) // block
        n_blocks = -(-len(spans) // block)
        got = []
        for table in (None, token_table(docs)):
            prep = _prepare(matches, docs, None, ["hedge"], voices=None, table=table)
            old = (_rating.LONG_TEXT_TOKENS, _rating.BLOCK_TOKENS)
            _rating.LONG_TEXT_TOKENS, _rating.BLOCK_TOKENS = 0, block
            try:
                counts, tokens, unit = prep.units(np.array([0]), sentences=True)
            finally:
                _rating.LONG_TEXT_TOKENS, _rating.BLOCK_TOKENS = old
            assert unit == "block" and len(tokens) == n_blocks and tokens.sum() == len(spans)
            assert (tokens[:-1] == block).all() and 1 <= tokens[-1] <= block
            assert np.array_equal(counts[:, 0], np.bincount(want_block, minlength=n_blocks))
            got.append(counts)
        assert np.array_equal(got[0], got[1])

    check()


def test_same_seed_same_output_other_seed_other_interval(small):
    docs, matches = small
    a = match_rates(matches, docs, by="country", categories=CATS, seed=5, n_resamples=300)
    b = match_rates(matches, docs, by="country", categories=CATS, seed=5, n_resamples=300)
    pd.testing.assert_frame_equal(a, b)
    rng = np.random.default_rng(0)
    tokens = rng.integers(20, 200, 40)
    docs2 = _docs([" ".join(["w"] * t) for t in tokens])
    matches2 = _matches([(f"d{i}", 0, "hedge") for i in range(40) for _ in range(rng.poisson(tokens[i] / 50))])
    c = match_rates(matches2, docs2, seed=1, n_resamples=300)
    d = match_rates(matches2, docs2, seed=2, n_resamples=300)
    assert c["rate_per_1k"].tolist() == d["rate_per_1k"].tolist()
    assert c["ci_low"].iloc[0] != d["ci_low"].iloc[0] or c["ci_high"].iloc[0] != d["ci_high"].iloc[0]


def test_coverage_of_known_poisson_rates():
    """200 simulated corpora (one group each) with a known rate: the 95% interval covers it 88-99% of the time."""
    rng = np.random.default_rng(2024)
    n_corpora, n_docs, true_rate = 200, 30, 6.0  # per 1,000 tokens
    tokens = rng.integers(100, 600, n_corpora * n_docs)
    counts = rng.poisson(true_rate * tokens / 1000)
    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(tokens))],
            "text": [("w " * t).strip() for t in tokens],
            "corpus": np.repeat([f"c{k:03d}" for k in range(n_corpora)], n_docs),
        }
    )
    doc_rows = np.repeat(np.arange(len(tokens)), counts)
    matches = _matches([(f"d{i}", 0, "hedge") for i in doc_rows])
    out = match_rates(matches, docs, by="corpus", n_resamples=1000, seed=1)
    assert len(out) == n_corpora and (out["unit"] == "document").all()
    covered = ((out["ci_low"] <= true_rate) & (true_rate <= out["ci_high"])).mean()
    assert 0.88 <= covered <= 0.99, covered


def test_coverage_with_sentences_as_units():
    """One document per group: resampling its sentences still covers the known rate."""
    rng = np.random.default_rng(99)
    n_groups, n_sent, true_rate = 200, 40, 30.0
    texts, rows, group = [], [], []
    for g in range(n_groups):
        lengths = rng.integers(8, 30, n_sent)
        hits = rng.poisson(true_rate * lengths / 1000)
        parts, pos = [], 0
        for L, h in zip(lengths, hits):
            sentence = "The " + " ".join(["word"] * (L - 1)) + "."  # "w." would read as an initial
            rows.extend([(f"d{g}", pos, "hedge")] * h)
            parts.append(sentence)
            pos += len(sentence) + 1
        texts.append(" ".join(parts))
        group.append(f"g{g:03d}")
    docs = _docs(texts, group=group)
    out = match_rates(_matches(rows), docs, by="group", n_resamples=1000, seed=4)
    assert (out["unit"] == "sentence").all()
    covered = ((out["ci_low"] <= true_rate) & (true_rate <= out["ci_high"])).mean()
    assert 0.88 <= covered <= 0.99, covered


def test_unknown_doc_id_raises_naming_it(small):
    docs, matches = small
    bad = pd.concat([matches, _matches([("nowhere", 0, "hedge")])], ignore_index=True)
    with pytest.raises(ValueError, match="'nowhere' not in docs"):
        match_rates(bad, docs)


def test_bad_options_raise(small):
    docs, matches = small
    with pytest.raises(ValueError, match="n_resamples=99 is invalid"):
        match_rates(matches, docs, n_resamples=99)
    for conf in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError, match="confidence="):
            match_rates(matches, docs, confidence=conf)
    with pytest.raises(ValueError, match="lacks the column"):
        match_rates(matches.drop(columns="category"), docs)
    with pytest.raises(ValueError, match="lacks the column"):
        match_rates(matches, docs, by="nope")
    with pytest.raises(ValueError, match=r"categories=\[\] is invalid"):
        match_rates(matches, docs, categories=[])
    with pytest.raises(ValueError, match="category is missing"):
        match_rates(matches.assign(category=pd.array([None] + ["hedge"] * 7, dtype="string")), docs)


def test_group_without_tokens_raises_naming_it(small):
    docs, matches = small
    docs = pd.concat([docs, _docs(["   ... "]).assign(doc_id="empty", country="JPN")], ignore_index=True)
    with pytest.raises(ValueError, match="'JPN' hold no token"):
        match_rates(matches, docs, by="country")


# ------------------------------------------------------------------------------------- compare_rates


def _two_groups(n_a: int, n_b: int, rate_a: float, rate_b: float, seed: int):
    rng = np.random.default_rng(seed)
    tokens = rng.integers(20, 120, n_a + n_b)
    rates = np.r_[np.full(n_a, rate_a), np.full(n_b, rate_b)]
    counts = rng.poisson(rates * tokens / 1000)
    docs = _docs([" ".join(["w"] * t) for t in tokens], side=["A"] * n_a + ["B"] * n_b)
    matches = _matches([(f"d{i}", 0, "hedge") for i, c in enumerate(counts) for _ in range(c)])
    return docs, matches, counts, tokens


def _diff(x, y, axis=-1):
    return x[0].sum(axis) / x[1].sum(axis) * 1000 - y[0].sum(axis) / y[1].sum(axis) * 1000


def _diff_of_units(counts, tokens):
    """The statistic on samples of unit indices: difference of the two ratio rates."""

    def diff(i, j, axis=-1):
        return (counts[i].sum(axis) / tokens[i].sum(axis) - counts[j].sum(axis) / tokens[j].sum(axis)) * 1000

    return diff


def test_compare_columns_dtypes_and_rates_by_hand(small):
    docs, matches = small
    row = compare_rates(matches, docs, by="country", target="KOR", category="hedge", n_permutations=200)
    assert (
        list(row.columns)
        == ["country", *COMPARE_COLUMNS]
        == [
            "country",
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
        ]
    )
    assert row["country"].dtype == docs["country"].dtype
    assert [str(t) for t in row.dtypes[1:]] == [
        "string",
        "string",
        "float64",
        "float64",
        "float64",
        "float64",
        "float64",
        "float64",
        "int64",
        "string",
    ]
    r = row.iloc[0]
    assert (r["country"], r["reference"], r["category"], r["unit"]) == ("KOR", "rest", "hedge", "sentence")
    assert r["rate_target"] == pytest.approx(3000 / 13) and r["rate_reference"] == pytest.approx(2000 / 7)
    assert r["difference"] == pytest.approx(3000 / 13 - 2000 / 7)
    assert r["n_permutations"] == 200 and 0 < r["p_value"] <= 1


def test_permutation_p_against_exact_enumeration():
    """3 vs 4 documents: all C(7, 3) = 35 relabellings give the exact p; ours is within Monte Carlo error."""
    counts = np.array([4, 6, 5, 1, 0, 2, 1])
    tokens = np.array([40, 50, 45, 60, 30, 55, 50])
    docs = _docs([" ".join(["w"] * t) for t in tokens], side=list("AAABBBB"))
    matches = _matches([(f"d{i}", 0, "hedge") for i, c in enumerate(counts) for _ in range(c)])

    def stat(idx):
        mask = np.zeros(7, bool)
        mask[list(idx)] = True
        return counts[mask].sum() / tokens[mask].sum() * 1000 - counts[~mask].sum() / tokens[~mask].sum() * 1000

    observed = stat([0, 1, 2])
    null = np.array([stat(c) for c in combinations(range(7), 3)])
    exact = {
        "two-sided": np.mean(np.abs(null) >= abs(observed) - 1e-9),
        "greater": np.mean(null >= observed - 1e-9),
        "less": np.mean(null <= observed + 1e-9),
    }
    assert exact["greater"] == pytest.approx(1 / 35)  # the observed split is the most extreme one
    # scipy's exact test agrees with the enumeration
    ref = stats.permutation_test(
        (np.arange(3), np.arange(3, 7)),
        _diff_of_units(counts, tokens),
        permutation_type="independent",
        vectorized=True,
        axis=-1,
        n_resamples=np.inf,
        alternative="greater",
    )
    assert len(ref.null_distribution) == 35
    assert ref.pvalue == pytest.approx(exact["greater"])
    n_perm = 20000
    for alternative, p_exact in exact.items():
        row = compare_rates(
            matches,
            docs,
            by="side",
            target="A",
            category="hedge",
            n_permutations=n_perm,
            alternative=alternative,
            seed=1,
        )
        se = np.sqrt(p_exact * (1 - p_exact) / n_perm)
        assert row["unit"].iloc[0] == "document"
        assert abs(row["p_value"].iloc[0] - p_exact) <= 4 * se + 1 / n_perm, alternative


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_permutation_p_against_scipy_monte_carlo(alternative):
    docs, matches, counts, tokens = _two_groups(15, 20, 12.0, 7.0, seed=5)
    n_perm = 10000
    row = compare_rates(
        matches,
        docs,
        by="side",
        target="A",
        reference="B",
        category="hedge",
        n_permutations=n_perm,
        alternative=alternative,
        seed=2,
    )
    x, y = np.vstack([counts[:15], tokens[:15]]), np.vstack([counts[15:], tokens[15:]])
    diff = _diff_of_units(counts, tokens)  # scipy permutes the units' indices; the statistic looks them up
    units = (np.arange(15), np.arange(15, 35))
    if alternative == "two-sided":  # ours: |d*| >= |d|; scipy's two-sided doubles the smaller tail instead
        ref = stats.permutation_test(
            units,
            lambda a, b, axis=-1: np.abs(diff(a, b, axis)),
            permutation_type="independent",
            vectorized=True,
            axis=-1,
            n_resamples=n_perm,
            alternative="greater",
            rng=np.random.default_rng(9),
        )
    else:
        ref = stats.permutation_test(
            units,
            diff,
            permutation_type="independent",
            vectorized=True,
            axis=-1,
            n_resamples=n_perm,
            alternative=alternative,
            rng=np.random.default_rng(9),
        )
    assert len(ref.null_distribution) == n_perm
    p = row["p_value"].iloc[0]
    se = np.sqrt(2 * max(ref.pvalue * (1 - ref.pvalue), 1e-4) / n_perm)  # two independent Monte Carlo estimates
    assert abs(p - ref.pvalue) <= 4 * se, (p, ref.pvalue)
    assert row["difference"].iloc[0] == pytest.approx(_diff(x, y))


def test_difference_interval_equals_scipy_bootstrap():
    docs, matches, counts, tokens = _two_groups(12, 18, 10.0, 6.0, seed=8)
    row = compare_rates(
        matches, docs, by="side", target="A", category="hedge", n_resamples=1500, n_permutations=100, seed=6
    )
    x, y = np.vstack([counts[:12], tokens[:12]]), np.vstack([counts[12:], tokens[12:]])
    ref = stats.bootstrap(
        (x, y), _diff, vectorized=True, axis=-1, n_resamples=1500, method="percentile", rng=np.random.default_rng(6)
    )
    assert row["ci_low"].iloc[0] == pytest.approx(ref.confidence_interval.low, rel=1e-9)
    assert row["ci_high"].iloc[0] == pytest.approx(ref.confidence_interval.high, rel=1e-9)


def test_compare_deterministic_and_seed_matters():
    docs, matches, *_ = _two_groups(10, 10, 10.0, 8.0, seed=3)
    a = compare_rates(matches, docs, by="side", target="A", category="hedge", n_permutations=500, seed=4)
    b = compare_rates(matches, docs, by="side", target="A", category="hedge", n_permutations=500, seed=4)
    c = compare_rates(matches, docs, by="side", target="A", category="hedge", n_permutations=500, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert not a[["ci_low", "ci_high", "p_value"]].equals(c[["ci_low", "ci_high", "p_value"]])


def test_compare_category_without_matches_gives_p_one(small):
    docs, matches = small
    row = compare_rates(matches, docs, by="country", target="KOR", category="attitude_marker", n_permutations=100)
    assert row[["rate_target", "rate_reference", "difference", "ci_low", "ci_high", "p_value"]].values.tolist() == [
        [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    ]


def test_compare_bad_input(small):
    docs, matches = small
    with pytest.raises(ValueError, match=r"target='JPN' is not a group.*'CHN', 'KOR'"):
        compare_rates(matches, docs, by="country", target="JPN", category="hedge")
    with pytest.raises(ValueError, match=r"reference='USA' is not a group.*'CHN', 'KOR'"):
        compare_rates(matches, docs, by="country", target="KOR", reference="USA", category="hedge")
    with pytest.raises(ValueError, match="is the target"):
        compare_rates(matches, docs, by="country", target="KOR", reference="KOR", category="hedge")
    with pytest.raises(ValueError, match="only group"):
        compare_rates(matches, docs.assign(country="KOR"), by="country", target="KOR", category="hedge")
    with pytest.raises(ValueError, match="alternative='bigger' is invalid"):
        compare_rates(matches, docs, by="country", target="KOR", category="hedge", alternative="bigger")
    with pytest.raises(ValueError, match="n_permutations=10 is invalid"):
        compare_rates(matches, docs, by="country", target="KOR", category="hedge", n_permutations=10)
    with pytest.raises(ValueError, match="'ghost' not in docs"):
        compare_rates(
            pd.concat([matches, _matches([("ghost", 0, "hedge")])]), docs, by="country", target="KOR", category="hedge"
        )


# ------------------------------------------------------------------------------------- issue #10


def test_a_document_without_tokens_is_reported_not_resampled():
    # Li's group: one real document and one without tokens. Counted as two "document" units, every resample
    # had the rate of the real one, so the interval collapsed to [400, 400] and looked precise.
    docs = _docs(
        ["We may agree. Perhaps we might. I think so.", "...", "We will win. We will."], speaker=["Li", "Li", "Kim"]
    )
    matches = _matches([("d0", 3, "hedge"), ("d0", 14, "hedge"), ("d0", 25, "hedge")])
    with pytest.warns(UserWarning, match=r"match_rates left out 1 document\(s\): 'd1' \(no tokens"):
        out = match_rates(matches, docs, by="speaker", categories=["hedge"], n_resamples=200)
    li = out[out["speaker"] == "Li"].iloc[0]
    assert li["unit"] == "sentence" and li["ci_low"] < li["rate_per_1k"] < li["ci_high"]
    assert li["tokens"] == 9 and li["n"] == 3
    assert out.attrs["skipped"] == [
        {"doc_id": "d1", "speaker": "Li", "problem": ("no tokens (an empty text, or one without letters or digits)")}
    ]


def test_a_group_of_one_unit_is_flagged(small):
    docs, matches = small
    docs = pd.concat([docs, _docs(["We agree."]).assign(doc_id="one", country="JPN")], ignore_index=True)
    with pytest.warns(UserWarning, match=r"'JPN' rest\(s\) on a single unit"):
        out = match_rates(matches, docs, by="country", n_resamples=200)
    assert out.attrs["single_unit"] == ["JPN"] and out.attrs["skipped"] == []
    jpn = out[out["country"] == "JPN"]
    assert (jpn["ci_low"] == jpn["ci_high"]).all()


def test_no_warning_when_every_document_is_used_and_every_group_has_units(small):
    import warnings

    docs, matches = small
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = match_rates(matches, docs, by="country", n_resamples=200)
        row = compare_rates(
            matches, docs, by="country", target="KOR", category="hedge", n_permutations=200, n_resamples=200
        )
    assert out.attrs == {"skipped": [], "single_unit": []}
    assert row.attrs == {"skipped": [], "single_unit": []}


def test_compare_rates_reports_documents_without_tokens(small):
    docs, matches = small
    docs = pd.concat([docs, _docs([""]).assign(doc_id="blank", country="KOR")], ignore_index=True)
    with pytest.warns(UserWarning, match="compare_rates left out 1 document.*'blank'"):
        row = compare_rates(
            matches, docs, by="country", target="KOR", category="hedge", n_permutations=200, n_resamples=200
        )
    assert [s["doc_id"] for s in row.attrs["skipped"]] == ["blank"]


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, True, "0"])
def test_seed_is_checked_and_named(small, seed):
    # -1 gave numpy's "expected non-negative integer"; 2**32 was accepted here but refused by the topic models
    docs, matches = small
    with pytest.raises(ValueError, match=r"^seed=.* is invalid; must be an integer from 0 to 4294967295"):
        match_rates(matches, docs, seed=seed)
    with pytest.raises(ValueError, match=r"^seed=.* is invalid"):
        compare_rates(matches, docs, by="country", target="KOR", category="hedge", seed=seed)


def test_seed_none_is_fresh_entropy(small):
    docs, matches = small
    assert len(match_rates(matches, docs, seed=None, n_resamples=100)) == 3


def test_duplicated_doc_ids_name_the_rows(small):
    docs, matches = small
    docs = pd.concat([docs, docs.iloc[[1]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"docs: doc_id 'd1' is on more than one row \(index 1, 4\)"):
        match_rates(matches, docs)


@pytest.mark.parametrize(
    "start, message",
    [
        (2.5, r"start must hold character offsets, whole numbers >= 0; row 0 has 2.5"),  # was truncated to 2
        (-1, r"row 0 has -1"),
        (99, r"start=99 \(row 0\) is beyond the end of the text of doc_id 'd0' \(13 characters\)"),
    ],
)
def test_a_start_that_is_not_an_offset_is_an_error(small, start, message):
    docs, matches = small
    bad = matches.astype({"start": "float64"}) if isinstance(start, float) else matches.copy()
    bad.loc[0, "start"] = start
    with pytest.raises(ValueError, match=message):
        match_rates(bad, docs)


def test_a_match_in_a_document_without_tokens_is_an_error(small):
    docs, matches = small
    docs = pd.concat([docs, _docs(["..."]).assign(doc_id="dots", country="KOR")], ignore_index=True)
    bad = pd.concat([matches, _matches([("dots", 0, "hedge")])], ignore_index=True)
    with pytest.raises(ValueError, match="doc_id 'dots' has matches, but its text in docs has no token"):
        match_rates(bad, docs, by="country")


# ------------------------------------------------------------------------------------- issue #11


def _colliding():
    """("A | B", "C") and ("A", "B | C"): one group "A | B | C" when the labels were joined."""
    docs = _docs(
        ["We may agree.", "We agree now.", "Perhaps we agree.", "We will agree."],
        a=["A | B", "A | B", "A", "A"],
        b=["C", "C", "B | C", "B | C"],
        year=pd.array([2001, 2001, 2002, 2002], dtype="Int64"),
    )
    matches = _matches([("d0", 3, "hedge"), ("d2", 0, "hedge")])
    return docs, matches


def test_match_rates_keeps_groups_whose_joined_labels_collide():
    docs, matches = _colliding()
    out = match_rates(matches, docs, by=["a", "b", "year"], categories=["hedge"], n_resamples=200)
    assert list(out.columns) == ["a", "b", "year", *RATE_COLUMNS]
    assert [str(t) for t in out.dtypes[:3]] == [str(docs["a"].dtype), str(docs["b"].dtype), "Int64"]
    assert out[["a", "b", "year", "n", "tokens"]].astype(object).values.tolist() == [
        ["A", "B | C", 2002, 1, 6],
        ["A | B", "C", 2001, 1, 6],
    ]


def test_compare_rates_names_a_group_of_several_columns_by_a_tuple():
    docs, matches = _colliding()
    row = compare_rates(
        matches,
        docs,
        by=["a", "b"],
        target=("A | B", "C"),
        reference=("A", "B | C"),
        category="hedge",
        n_permutations=100,
        n_resamples=100,
    )
    assert list(row.columns) == ["a", "b", *COMPARE_COLUMNS]
    assert row[["a", "b"]].values.tolist() == [["A | B", "C"]]
    assert row["reference"].iloc[0] == ("A", "B | C")
    assert row["rate_target"].iloc[0] == pytest.approx(1000 / 6) and row["rate_reference"].iloc[0] == pytest.approx(
        1000 / 6
    )
    # a year given as a number or as its text names the same group
    by_year = compare_rates(matches, docs, by="year", target=2001, category="hedge", n_permutations=100)
    assert by_year["year"].tolist() == [2001] and by_year["year"].dtype == "Int64"
    pd.testing.assert_frame_equal(
        by_year, compare_rates(matches, docs, by="year", target="2001", category="hedge", n_permutations=100)
    )
    with pytest.raises(ValueError, match=r"target='A \| B' is invalid; by=\['a', 'b'\] names 2 column\(s\)"):
        compare_rates(matches, docs, by=["a", "b"], target="A | B", category="hedge")
    with pytest.raises(ValueError, match=r"target=\('A', 'C'\) is not a group.*\('A', 'B \| C'\), \('A \| B', 'C'\)"):
        compare_rates(matches, docs, by=["a", "b"], target=("A", "C"), category="hedge")
    with pytest.raises(ValueError, match="'reference' is also a column of the result"):
        compare_rates(matches, docs.assign(reference="x"), by="reference", target="x", category="hedge")


def test_a_missing_value_is_a_group_to_compare():
    docs = _docs(["We may agree.", "We agree.", "Perhaps so.", "We will."], country=["KOR", None, None, "KOR"])
    matches = _matches([("d0", 3, "hedge"), ("d2", 0, "hedge")])
    out = match_rates(matches, docs, by="country", categories=["hedge"], n_resamples=100)
    assert out["country"].iloc[0] == "KOR" and pd.isna(out["country"].iloc[1]) and out["n"].tolist() == [1, 1]
    row = compare_rates(matches, docs, by="country", target=pd.NA, category="hedge", n_permutations=100)
    assert pd.isna(row["country"].iloc[0]) and row["rate_target"].iloc[0] == pytest.approx(1000 / 4)


def _sentences(*sentences: str) -> tuple[str, list[int]]:
    """A text of one sentence per line, and the offset of each sentence."""
    starts, at = [], 0
    for s in sentences:
        starts.append(at)
        at += len(s) + 1
    return "\n".join(sentences), starts


def test_permutation_p_of_the_reproducer_is_conditional_on_relabellings_with_tokens():
    # One sentence of 3 tokens and a hedge against "We agree." and 98 lines of "—". Only the two relabellings
    # that give the target a sentence with tokens have a statistic, and both are as extreme as the observed
    # one: p = 1. Counting the 98% without a statistic in the denominator gave p = 0.0198.
    text, _ = _sentences("We agree.", *["—"] * 98)
    docs = _docs(["We may agree.", text], side=["A", "B"])
    with pytest.warns(UserWarning, match="single unit"):
        row = compare_rates(_matches([("d0", 3, "hedge")]), docs, by="side", target="A", category="hedge")
    assert row["unit"].iloc[0] == "sentence"
    assert row["p_value"].iloc[0] == 1.0
    # about 2 in 100 draws give the target one of the two sentences with tokens
    assert 120 <= row["n_permutations"].iloc[0] <= 280


def test_permutation_p_against_exact_enumeration_with_empty_units():
    """Six sentence units, two of the target's: all C(6, 2) = 15 relabellings, 12 with tokens on both sides.

    Units (hedges, tokens): target "We may agree." (1, 3) and "—" (0, 0); reference "We agree." (0, 2),
    "—" and "—" (0, 0), "Perhaps so." (1, 2). Observed: 1/3 - 1/4 per token.
    """
    t_text, _ = _sentences("We may agree.", "—")
    r_text, r_starts = _sentences("We agree.", "—", "—", "Perhaps so.")
    docs = _docs([t_text, r_text], side=["A", "B"])
    matches = _matches([("d0", 3, "hedge"), ("d1", r_starts[3], "hedge")])
    counts, tokens = np.array([1, 0, 0, 0, 0, 1]), np.array([3, 0, 2, 0, 0, 2])

    def stat(idx):
        mask = np.isin(np.arange(6), idx)
        if not tokens[mask].sum() or not tokens[~mask].sum():
            return np.nan
        return (counts[mask].sum() / tokens[mask].sum() - counts[~mask].sum() / tokens[~mask].sum()) * 1000

    observed = stat([0, 1])
    assert observed == pytest.approx(1000 / 3 - 1000 / 4)
    null = np.array([stat(list(c)) for c in combinations(range(6), 2)])
    valid = null[~np.isnan(null)]
    assert len(null) == 15 and len(valid) == 12
    exact = {
        "two-sided": np.mean(np.abs(valid) >= abs(observed) - 1e-9),  # 12/12
        "greater": np.mean(valid >= observed - 1e-9),  # 7/12
        "less": np.mean(valid <= observed + 1e-9),
    }  # 8/12
    assert exact == pytest.approx({"two-sided": 1.0, "greater": 7 / 12, "less": 8 / 12})
    n_perm = 20000
    for alternative, p_exact in exact.items():
        with pytest.warns(UserWarning, match="single unit"):  # the target has one sentence with tokens
            row = compare_rates(
                matches,
                docs,
                by="side",
                target="A",
                category="hedge",
                n_permutations=n_perm,
                alternative=alternative,
                seed=3,
            )
        used = row["n_permutations"].iloc[0]
        se = np.sqrt(p_exact * (1 - p_exact) / used)
        assert abs(row["p_value"].iloc[0] - p_exact) <= 4 * se + 1 / used, (alternative, row["p_value"].iloc[0])
        assert abs(used / n_perm - 12 / 15) <= 0.02, used  # the draws with a statistic: 12 of every 15


def test_a_permutation_test_without_any_relabelling_with_tokens_says_so():
    text, _ = _sentences("We agree.", *["—"] * 3000)
    docs = _docs(["We may agree.", text], side=["A", "B"])
    with pytest.warns(UserWarning, match=r"none of the 100 relabellings drawn left both groups with tokens"):
        row = compare_rates(
            _matches([("d0", 3, "hedge")]),
            docs,
            by="side",
            target="A",
            category="hedge",
            n_permutations=100,
            n_resamples=100,
            seed=0,
        )
    assert np.isnan(row["p_value"].iloc[0]) and row["n_permutations"].iloc[0] == 0
    assert row["difference"].iloc[0] == pytest.approx(1000 / 3)


def test_bootstrap_sums_of_integer_counts_are_the_resample_matrix_products():
    # the compiled resample sums (integer counts) against the sparse resample-by-unit product they replaced (float
    # counts take that path): the same draws, so the same rates to the last bit, NaN where a resample has no token
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from toolkit import _rating
    from toolkit._kernels import resample_sums

    @settings(derandomize=True, max_examples=60, deadline=None)
    @given(
        st.integers(1, 40),  # units
        st.integers(1, 3),  # categories
        st.integers(1, 7),  # resamples
        st.integers(0, 2**32 - 1),  # seed
        st.sampled_from([np.int64, np.int32, np.uint8]),
    )
    def check(m, n_cats, n_resamples, seed, dtype):
        rng = np.random.default_rng(seed)
        counts = rng.integers(0, 5, (m, n_cats)).astype(dtype)
        tokens = (rng.integers(0, 4, m) * (rng.random(m) < 0.6)).astype(dtype)  # many units without a token
        got = _rating._bootstrap_rates(np.random.default_rng(seed), counts, tokens, n_resamples)
        want = _rating._bootstrap_rates(
            np.random.default_rng(seed), counts.astype(float), tokens.astype(float), n_resamples
        )
        assert np.array_equal(got, want, equal_nan=True)
        idx = rng.integers(0, m, (n_resamples, m))
        values = np.column_stack([counts, tokens]).astype(np.int64)
        assert np.array_equal(resample_sums(idx, values), values[idx].sum(axis=1))

    check()


def test_grouped_percentiles_equal_each_groups_nanpercentile():
    # _rates_of takes the percentiles of many groups' resamples at once, with percentile's whole-array form
    # where nothing is NaN: each group's interval must be the one nanpercentile gives its resamples alone, to
    # the last bit (ties, repeated values, NaN columns, one resample)
    import warnings

    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(derandomize=True, max_examples=120, deadline=None)
    @given(
        st.integers(1, 6),  # groups
        st.integers(1, 30),  # resamples
        st.integers(1, 4),  # categories
        st.integers(0, 2**32 - 1),  # seed
        st.floats(0.5, 0.999),  # confidence
        st.booleans(),  # NaN resamples
    )
    def check(n_groups, n_resamples, k, seed, confidence, nan):
        rng = np.random.default_rng(seed)
        boot = rng.integers(0, 6, (n_groups, n_resamples, k)) * rng.choice([0.1, 1 / 3, 7.25], k)
        if nan:
            boot[rng.random(boot.shape) < 0.3] = np.nan
        alpha = (1 - confidence) / 2
        q = [100 * alpha, 100 * (1 - alpha)]
        pct = np.nanpercentile if np.isnan(boot).any() else np.percentile
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column: its interval is NaN either way
            got = pct(boot, q, axis=1)
            want = np.stack([np.nanpercentile(b, q, axis=0) for b in boot], axis=1)
        assert np.array_equal(got, want, equal_nan=True)

    check()


@pytest.mark.filterwarnings("ignore:match_rates:UserWarning")  # groups of one sentence
def test_groups_resampled_in_blocks_give_the_rates_of_one_block(small, monkeypatch):
    # _rates_of holds a block of groups' resamples at a time (_BLOCK entries): the cut must not change a bit
    from toolkit import _rating

    docs, matches = small
    copies = 3
    docs = pd.concat([docs] * copies, ignore_index=True)
    docs["doc_id"] = [f"d{i}" for i in range(len(docs))]
    docs["year"] = np.arange(len(docs)) % 5
    n = len(small[0])
    matches = pd.concat(
        [matches.assign(doc_id=[f"d{int(d[1:]) + n * c}" for d in matches["doc_id"]]) for c in range(copies)],
        ignore_index=True,
    ).astype({"doc_id": "string"})
    options = {"by": ["country", "year"], "categories": CATS, "n_resamples": 150, "seed": 3}
    whole = match_rates(matches, docs, **options)
    monkeypatch.setattr(_rating, "_BLOCK", 1)  # one group per block
    cut = match_rates(matches, docs, **options)
    pd.testing.assert_frame_equal(whole, cut, check_exact=True)
    assert len(whole) == len(CATS) * docs.groupby(["country", "year"]).ngroups
    assert whole["ci_high"].gt(whole["ci_low"]).any()  # intervals, not only points


def test_a_bootstrap_summed_by_threads_draws_and_sums_as_one_thread(monkeypatch):
    # Invariant: with n_jobs threads summing a block's rows while the next block is drawn, the resampled rates
    # are those of one thread, to the bit, and the generator ends in the same state (the next group draws the
    # same); for any number of units, resamples, blocks and threads, with resamples that draw no token (NaN)
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from toolkit import _rating

    monkeypatch.setattr(_rating, "_THREADED_DRAWS", 1)  # threads for any size

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(
        m=st.integers(1, 40),
        k=st.integers(1, 3),
        n_resamples=st.integers(1, 30),
        block=st.integers(1, 200),
        n_jobs=st.integers(2, 4),
        seed=st.integers(0, 2**16),
        zeros=st.booleans(),
    )
    def check(m, k, n_resamples, block, n_jobs, seed, zeros):
        data = np.random.default_rng(seed)
        counts = data.integers(0, 4, (m, k))
        tokens = data.integers(0 if zeros else 1, 9, m)
        monkeypatch.setattr(_rating, "_BLOCK", block)  # blocks of block // m rows (at least one)
        one, threads = np.random.default_rng(seed + 1), np.random.default_rng(seed + 1)
        with np.errstate(all="ignore"):
            want = _rating._bootstrap_rates(one, counts, tokens, n_resamples)
            got = _rating._bootstrap_rates(threads, counts, tokens, n_resamples, n_jobs=n_jobs)
        assert np.array_equal(got, want, equal_nan=True)
        assert threads.bit_generator.state == one.bit_generator.state

    check()
