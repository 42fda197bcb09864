"""Tests of toolkit.counts against independent references: scikit-learn's CountVectorizer and hand counts."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

import toolkit as tk
from toolkit.counts import count_terms, dispersion, document_term_matrix
from toolkit.text import TOKEN_PATTERN

TEXTS = [
    "China firmly opposes the THAAD deployment. China's stance is clear, consistent and unchanged!",
    "We hope the U.S. and China will work together; we hope for peace on the Korean Peninsula.",
    "",
    "Perhaps it is up to South Korea—and only South Korea—to decide. It's the Seoul-Washington alliance.",
    "1.4 billion people, 8 percent, 2,000 years: “Shared history” and ‘values’ evolve.",
]


def sklearn_reference(texts, **kwargs):
    cv = CountVectorizer(token_pattern=TOKEN_PATTERN, lowercase=True, **kwargs)
    X = cv.fit_transform(texts)
    return cv.get_feature_names_out().tolist(), X.toarray()


# ------------------------------------------------------------------ the document-term matrix


@pytest.mark.parametrize("ngram, ngram_range", [(1, (1, 1)), (2, (2, 2)), (3, (3, 3)), ((1, 3), (1, 3))])
def test_dtm_equals_countvectorizer_with_the_same_tokenizer(ngram, ngram_range):
    texts = TEXTS + [tk.load_interview().loc[0, "text"]]
    dtm = document_term_matrix(texts, ngram=ngram)
    terms, counts = sklearn_reference(texts, ngram_range=ngram_range)
    assert dtm.terms.tolist() == terms
    assert np.array_equal(dtm.matrix.toarray(), counts)
    assert dtm.matrix.dtype == np.int64


def test_dtm_totals_count_every_ngram_position_before_pruning():
    dtm = document_term_matrix(["a b c d", "a", ""], ngram=(1, 2), stop_words=["a"])
    # doc 0: 4 words + 3 bigrams; doc 1: 1 word + 0 bigrams; doc 2: nothing
    assert dtm.totals.tolist() == [7, 1, 0]
    assert dtm.terms.tolist() == ["b", "b c", "c", "c d", "d"]  # "a" and "a b" are gone


def test_dtm_ids_vocabulary_and_pruning():
    docs = pd.DataFrame({"doc_id": ["x", "y", "z"], "text": ["a a b", "a c", "a b d"]})
    dtm = document_term_matrix(docs)
    assert dtm.doc_ids.tolist() == ["x", "y", "z"]
    assert dtm.vocabulary == {"a": 0, "b": 1, "c": 2, "d": 3}
    assert document_term_matrix(docs, min_count=2).terms.tolist() == ["a", "b"]
    assert document_term_matrix(docs, min_docs=2).terms.tolist() == ["a", "b"]
    assert document_term_matrix(docs, max_docs=2).terms.tolist() == ["b", "c", "d"]
    assert document_term_matrix(docs, max_docs=0.5).terms.tolist() == ["c", "d"]
    fixed = document_term_matrix(docs, vocabulary=["d", "a", "zzz"])
    assert fixed.terms.tolist() == ["d", "a", "zzz"]
    assert fixed.matrix.toarray().tolist() == [[0, 2, 0], [0, 1, 0], [1, 1, 0]]
    assert fixed.totals.tolist() == [3, 2, 3]


def test_dtm_lowercase_false_keeps_case():
    assert document_term_matrix(["China china"], lowercase=False).terms.tolist() == ["China", "china"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"ngram": 4}, r"ngram=4 is invalid"),
        ({"ngram": (2, 1)}, r"ngram=\(2, 1\) is invalid"),
        ({"min_count": 0}, r"min_count=0 is invalid"),
        ({"min_docs": 1.5}, r"min_docs=1.5 is invalid"),
        ({"max_docs": "all"}, r"max_docs='all' is invalid"),
        ({"stop_words": "french"}, r"stop_words='french' is invalid"),
        ({"min_count": 100}, r"After pruning, no terms remain\. Try a lower min_count"),
        ({"vocabulary": ["a", "a"]}, r"vocabulary has duplicated terms"),
    ],
)
def test_dtm_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        document_term_matrix(["a b", "a"], **kwargs)


def test_dtm_bad_docs():
    with pytest.raises(ValueError, match="docs must be a docs frame or a sequence of str, got str"):
        document_term_matrix("just a string")
    with pytest.raises(ValueError, match=r"docs\[1\] is a int"):
        document_term_matrix(["a", 3])
    with pytest.raises(ValueError, match=r"text is missing \(NA\) for doc_id 'b'"):
        document_term_matrix(pd.DataFrame({"doc_id": ["a", "b"], "text": ["x", None]}))


# ------------------------------------------------------------------ count_terms


def test_count_terms_by_hand():
    docs = pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3", "d4"],
            "text": ["We firmly oppose it. We oppose.", "We hope.", "Hope, hope and hope!", ""],
            "speaker": ["Xing", "Xing", "Kim", "Kim"],
        }
    )
    table = count_terms(docs, by="speaker")
    assert list(table.columns) == ["speaker", "term", "n", "rate_per_1k", "doc_freq", "rank"]
    assert table["speaker"].dtype == docs["speaker"].dtype  # the by column as it is in docs
    assert [str(t) for t in table.dtypes[1:]] == ["string", "int64", "float64", "int64", "int64"]
    rows = table.values.tolist()
    # per 1,000 tokens. Kim: 4 tokens (hope x3, and); Xing: 8 tokens (we x3, oppose x2, firmly, it, hope)
    assert rows == [
        ["Kim", "hope", 3, 750.0, 1, 1],
        ["Kim", "and", 1, 250.0, 1, 2],
        ["Xing", "we", 3, 375.0, 2, 1],
        ["Xing", "oppose", 2, 250.0, 1, 2],
        ["Xing", "firmly", 1, 125.0, 1, 3],
        ["Xing", "hope", 1, 125.0, 1, 3],
        ["Xing", "it", 1, 125.0, 1, 3],
    ]
    assert count_terms(docs, by="speaker", min_count=2)["term"].tolist() == ["hope", "we", "oppose"]
    # stop words leave the table but stay in the denominator
    no_stop = count_terms(docs, by="speaker", stop_words="english")
    assert no_stop.set_index(["speaker", "term"]).loc[("Xing", "oppose"), "rate_per_1k"] == 250.0
    assert "we" not in no_stop["term"].tolist()


def test_count_terms_one_group_several_columns_and_missing_values():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "text": ["x", "x y", "y"],
            "country": ["CHN", "CHN", None],
            "year": [2014, 2016, 2016],
        }
    )
    assert count_terms(docs)["group"].unique().tolist() == ["all"]
    table = count_terms(docs, by=["country", "year"])
    assert list(table.columns[:3]) == ["country", "year", "term"]
    assert table["year"].dtype == "int64"  # a year stays a number
    groups = table[["country", "year"]].drop_duplicates().astype(object).values.tolist()
    assert groups[:2] == [["CHN", 2014], ["CHN", 2016]]  # sorted by value, missing values last
    assert pd.isna(groups[2][0]) and groups[2][1] == 2016 and len(groups) == 3


def test_count_terms_on_interview_voices_matches_tokenize():
    segments = tk.split_voices(tk.load_interview())
    table = count_terms(segments, by="voice")
    quotes = segments[segments["voice"] == "ambassador_quote"]
    tokens = [t for text in quotes["text"] for t in tk.tokenize(text)]
    mine = table[table["voice"] == "ambassador_quote"]
    assert mine["n"].sum() == len(tokens)
    assert dict(zip(mine["term"], mine["n"])) == pd.Series(tokens).value_counts().to_dict()
    # doc_freq counts segments: "china" appears in this many of the ambassador's quotes
    expected = sum("china" in tk.tokenize(t) for t in quotes["text"])
    assert mine.set_index("term").loc["china", "doc_freq"] == expected


def test_count_terms_bad_by():
    docs = pd.DataFrame({"doc_id": ["a"], "text": ["x"]})
    with pytest.raises(ValueError, match="docs lacks the column\\(s\\) 'speaker'"):
        count_terms(docs, by="speaker")
    with pytest.raises(ValueError, match=r"by=\[\] is invalid"):
        count_terms(docs, by=[])


# ------------------------------------------------------------------ dispersion


def dp_brute_force(parts: list[list[str]], term: str) -> tuple[float, float]:
    """Gries (2008) DP and Lijffijt & Gries (2012) DP_norm, written out term by term (parts with tokens)."""
    parts = [p for p in parts if p]
    sizes = np.array([len(p) for p in parts], dtype=float)
    s = sizes / sizes.sum()
    freq = np.array([p.count(term) for p in parts], dtype=float)
    v = freq / freq.sum()
    dp = 0.5 * np.abs(v - s).sum()
    return dp, dp / (1 - s.min())


def test_dispersion_hand_example():
    # five parts of sizes 2, 2, 2, 2, 2: "a" once in every part, "b" twice in one part
    docs = pd.DataFrame({"doc_id": list("vwxyz"), "text": ["a c", "a c", "a c", "a c", "a b"]})
    docs.loc[4, "text"] = "a b b"
    table = dispersion(docs).set_index("term")
    # sizes 2,2,2,2,3 -> s = .18.., v(a) = .2 each: DP = 0.5 * (4*|.2-2/11| + |.2-3/11|)
    s = np.array([2, 2, 2, 2, 3]) / 11
    assert table.loc["a", "dp"] == pytest.approx(0.5 * np.abs(0.2 - s).sum())
    # "b" only in the last part: DP = 0.5 * ((1 - 3/11) + 8/11) = 8/11
    assert table.loc["b", "dp"] == pytest.approx(8 / 11)
    assert table.loc["b", "dp_norm"] == pytest.approx((8 / 11) / (1 - 2 / 11))
    assert table.loc["b", "parts"] == 1 and table.loc["a", "parts"] == 5


def test_dispersion_matches_brute_force_on_the_interview_sentences():
    sentences = tk.split_sentences(tk.load_interview())
    sentences = sentences.assign(doc_id=sentences["sentence_id"].astype(str))
    with pytest.warns(UserWarning, match="dispersion left out 3 document"):  # three photo-caption sentences
        table = dispersion(sentences).set_index("term")
    parts = [tk.tokenize(t) for t in sentences["text"]]
    for term in ["china", "xing", "thaad", "said", "the", "kimchi", "quad"]:
        dp, dp_norm = dp_brute_force(parts, term)
        assert table.loc[term, "dp"] == pytest.approx(dp, abs=1e-12), term
        assert table.loc[term, "dp_norm"] == pytest.approx(dp_norm, abs=1e-12), term


def test_dispersion_columns_groups_and_single_part():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["x y", "x", "x z"], "g": ["one", "one", "two"]})
    table = dispersion(docs, by="g")
    assert list(table.columns) == ["g", "term", "n", "parts", "dp", "dp_norm"]
    two = table[table["g"] == "two"]
    assert two["dp"].isna().all() and two["dp_norm"].isna().all()
    one = table[table["g"] == "one"]
    assert one["dp"].notna().all()


def test_dispersion_ignores_empty_parts():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["x x y y y", "z z z z z"]})
    with_empty = pd.concat([docs, pd.DataFrame({"doc_id": ["c"], "text": [""]})], ignore_index=True)
    with pytest.warns(UserWarning, match="dispersion left out 1 document"):
        left_out = dispersion(with_empty)
    pd.testing.assert_frame_equal(dispersion(docs), left_out)
    assert dispersion(docs).set_index("term").loc["z", "dp_norm"] == pytest.approx(1.0)
    one_part = pd.DataFrame({"doc_id": ["a", "b"], "text": ["", "x y"]})
    with pytest.warns(UserWarning, match="'a'"):
        assert dispersion(one_part)["dp"].isna().all()


def test_stop_words_match_whatever_the_case():
    dtm = document_term_matrix(["The cat. the dog"], lowercase=False, stop_words="english")
    assert dtm.terms.tolist() == ["cat", "dog"]


# ------------------------------------------------------------------ issue #10: nothing left out unsaid


def test_dispersion_reports_the_parts_it_leaves_out():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["x y", "...", "x z"], "g": ["one", "one", "two"]})
    with pytest.warns(UserWarning, match=r"dispersion left out 1 document\(s\): 'b' \(no tokens"):
        table = dispersion(docs, by="g")
    assert table.attrs["skipped"] == [
        {"doc_id": "b", "g": "one", "problem": "no tokens, so no share of the text to disperse over"}
    ]


def test_count_terms_reports_a_group_without_tokens():
    # the group "quiet" has no token, so no row: before, it vanished from the table without a word
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["We agree.", "—", ""], "g": ["talk", "quiet", "quiet"]})
    with pytest.warns(UserWarning, match="count_terms left out 2 document.*'b'.*'c'"):
        table = count_terms(docs, by="g")
    assert set(table["g"]) == {"talk"}
    assert [(s["doc_id"], s["g"]) for s in table.attrs["skipped"]] == [("b", "quiet"), ("c", "quiet")]
    assert all("no tokens" in s["problem"] for s in table.attrs["skipped"])


def test_count_terms_keeps_an_empty_document_of_a_group_with_tokens_quietly():
    import warnings

    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["We agree.", ""], "g": ["x", "x"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = count_terms(docs, by="g")
    assert table.attrs["skipped"] == [] and table["n"].sum() == 2


def test_dotted_capital_i_is_one_token_and_totals_agree_with_token_spans():
    # "İstanbul".lower() is 9 code points ("i" + a combining dot + "stanbul"), which made two tokens
    docs = pd.DataFrame({"doc_id": ["a"], "text": ["İstanbul and İzmir"]})
    for ngram in (1, 2):
        dtm = document_term_matrix(docs, ngram=ngram)
        assert dtm.totals.tolist() == [3 if ngram == 1 else 2]
    assert document_term_matrix(docs).terms.tolist() == ["and", "istanbul", "izmir"]
    assert count_terms(docs)["n"].sum() == len(tk.token_spans(docs["text"].iloc[0]))
    # a stop word list given with the capital matches the lower-cased token
    assert document_term_matrix(docs, stop_words=["İzmir"]).terms.tolist() == ["and", "istanbul"]


@pytest.mark.parametrize("bad", [7, b"bytes", 1.5])
def test_a_text_that_is_not_a_str_is_an_error(bad):
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["fine", bad]})
    for function in (document_term_matrix, count_terms, dispersion):
        with pytest.raises(ValueError, match="the text of doc_id 'b' is a .*, not a str"):
            function(docs)


# ------------------------------------------------------------------ issue #11: group keys stay columns


def _merging_docs() -> pd.DataFrame:
    """Two groups that one " | "-joined label made one: ("A | B", "C") and ("A", "B | C")."""
    return pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3"],
            "text": ["We agree.", "We may agree.", "Perhaps."],
            "a": ["A | B", "A", "A"],
            "b": ["C", "B | C", "B | C"],
            "year": pd.array([2001, 2002, 2002], dtype="Int64"),
        }
    )


def test_count_terms_and_dispersion_keep_groups_whose_joined_labels_collide():
    docs = _merging_docs()
    for function, rest in (
        (count_terms, ["term", "n", "rate_per_1k", "doc_freq", "rank"]),
        (dispersion, ["term", "n", "parts", "dp", "dp_norm"]),
    ):
        table = function(docs, by=["a", "b"])
        assert list(table.columns) == ["a", "b", *rest], function.__name__
        keys = table[["a", "b"]].drop_duplicates().values.tolist()
        assert keys == [["A", "B | C"], ["A | B", "C"]], function.__name__  # two groups, sorted by a, then b
    counts = count_terms(docs, by=["a", "b"]).set_index(["a", "b", "term"])["n"]
    assert counts[("A | B", "C", "we")] == 1 and counts[("A", "B | C", "we")] == 1  # not 2: one group each
    assert counts[("A", "B | C", "perhaps")] == 1 and ("A | B", "C", "perhaps") not in counts.index


def test_by_columns_keep_their_dtypes_and_missing_values_are_one_group():
    docs = pd.DataFrame(
        {
            "doc_id": list("abcde"),
            "text": ["x", "x y", "y", "z", "z z"],
            "year": pd.array([2016, 2016, None, 2014, None], dtype="Int64"),
            "venue": pd.Categorical(["UNSC", "UNGA", "UNSC", "UNSC", "UNGA"]),
            "n_speakers": [1, 1, 2, 2, 1],
        }
    )
    table = count_terms(docs, by=["year", "venue", "n_speakers"])
    assert [str(t) for t in table.dtypes[:3]] == ["Int64", "category", "int64"]
    keys = table[["year", "venue", "n_speakers"]].drop_duplicates()
    # sorted by year (numbers, not text: 2014 before 2016), missing years last, as one value of their own
    assert keys["year"].tolist()[:3] == [2014, 2016, 2016]
    assert keys["year"].isna().tolist() == [False, False, False, True, True]
    assert len(keys) == len(docs.groupby(["year", "venue", "n_speakers"], dropna=False, observed=True))
    assert count_terms(docs, by="year")["year"].isna().sum() == 2  # c's y and e's z: one NA group, two terms


def test_by_is_checked():
    docs = _merging_docs()
    with pytest.raises(ValueError, match=r"names 'a' more than once"):
        count_terms(docs, by=["a", "a"])
    with pytest.raises(ValueError, match=r"'term' is also a column of the result"):
        count_terms(docs.assign(term="x"), by="term")
    with pytest.raises(ValueError, match=r"by=\[\] is invalid"):
        dispersion(docs, by=[])
    with pytest.raises(ValueError, match="lacks the column"):
        count_terms(docs, by="nope")


@pytest.mark.parametrize("by", [1, 2.5, {"country"}])
def test_a_by_that_is_not_names_is_a_type_error_naming_by(by):
    docs = pd.DataFrame({"doc_id": ["a"], "text": ["We agree."], "country": ["CHN"]})
    with pytest.raises(TypeError, match=r"by=.* is invalid; must be a column name"):
        count_terms(docs, by=by)


@given(
    cells=st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 9), st.integers(0, 3)), max_size=40
    ),  # (row, column, count): a count of 0 is an entry stored as 0
    n_groups=st.integers(1, 4),
    seed=st.integers(0, 2**16),
    wide=st.booleans(),
    shuffled=st.booleans(),
)
@settings(max_examples=150)
def test_group_sums_are_the_products_with_the_groups_indicator(cells, n_groups, seed, wide, shuffled):
    # the compiled pass against what scipy's products gave: counts = indicator @ matrix, documents holding a term =
    # indicator @ (the matrix with every stored entry 1); a group may hold no row, a row no entry
    import scipy.sparse as sp

    from toolkit.counts import group_sums

    rows = [r for r, _, _ in cells]
    cols = [c for _, c, _ in cells]
    dtype = np.int64 if wide else np.int32
    matrix = sp.coo_matrix(
        (np.array([n for _, _, n in cells], dtype=dtype), (rows, cols)), shape=(8, 10)
    ).tocsr()  # duplicates summed: one entry per cell, as a documents' matrix stores it
    codes = np.random.default_rng(seed).integers(0, n_groups, size=8)
    totals = np.random.default_rng(seed + 1).integers(0, 50, size=8)
    order = np.random.default_rng(seed + 2).permutation(10) if shuffled else None
    counts, doc_freq, group_totals = group_sums(matrix, codes, n_groups, totals, order)
    indicator = sp.csr_matrix((np.ones(8, dtype=np.int64), (codes, np.arange(8))), shape=(n_groups, 8))
    present = sp.csr_matrix((np.ones(matrix.nnz, dtype=np.int64), matrix.indices, matrix.indptr), shape=matrix.shape)
    columns = slice(None) if order is None else order  # the result's column k is the matrix's column order[k]
    assert np.array_equal(counts.toarray(), (indicator @ matrix).toarray()[:, columns])
    assert np.array_equal(doc_freq.toarray(), (indicator @ present).toarray()[:, columns])
    assert np.array_equal(group_totals, indicator @ totals)
    # one pattern: each row's columns sorted, the same in both; every stored entry held by some document
    assert counts.has_sorted_indices and np.array_equal(counts.indices, doc_freq.indices)
    assert np.array_equal(counts.indptr, doc_freq.indptr)


@given(
    texts=st.lists(st.text(alphabet=st.sampled_from(list("ab c d\n")), max_size=30), min_size=1, max_size=6),
    n_groups=st.integers(1, 3),
)
@settings(max_examples=100)
def test_rank_and_order_are_pandas_min_rank_of_n_within_the_group(texts, n_groups):
    # the order (group, then n descending, then term) and the rank (ties share the lowest) of count_terms,
    # against pandas' own sort and rank(method="min")
    import warnings

    docs = pd.DataFrame(
        {"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts, "g": [i % n_groups for i in range(len(texts))]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # groups without tokens are named in a warning
        table = count_terms(docs, by="g")
    expected = table.sort_values(["g", "n", "term"], ascending=[True, False, True], kind="stable")
    pd.testing.assert_frame_equal(table, expected.reset_index(drop=True))
    ranks = table.groupby("g")["n"].rank(method="min", ascending=False).astype("int64")
    assert table["rank"].tolist() == ranks.tolist()


def test_a_by_column_with_two_values_written_the_same_is_an_error_naming_them():
    # 1 and "1" were two groups, both written "1" in the table and in its CSV file
    docs = pd.DataFrame(
        {"doc_id": list("abcd"), "text": ["peace", "war", "peace war", "war"], "cohort": [1, 1.0, "1", 2]}
    )
    message = r"by column 'cohort' holds 1 \(int\) and '1' \(str\): two groups written the same, '1'\. Make the"
    for call in (
        lambda: tk.count_terms(docs, by="cohort"),
        lambda: tk.compare_groups(docs, by="cohort", target=2),
        lambda: tk.stance_rates(docs, by="cohort", n_resamples=100, non_english="keep", segments=None),
    ):
        with pytest.raises(ValueError, match=message):
            call()
    # 1 and 1.0 are equal: one group
    assert tk.count_terms(docs.assign(cohort=[1, 1.0, 3, 2]), by="cohort")["cohort"].nunique() == 3


def test_a_document_given_twice_in_one_group_is_an_error_not_counted_twice():
    # compare_groups, count_terms and dispersion counted a frame's duplicated rows twice ("peace" 3/1 became
    # 6/2, and its p-value fell from 0.094 to 0.018); token_table raised already
    d = pd.DataFrame(
        {
            "doc_id": list("abcd"),
            "text": ["peace peace security", "war peace", "war war sanctions", "war war war peace"],
            "country": ["CHN", "CHN", "USA", "USA"],
        }
    )
    twice = pd.concat([d, d])
    in_group = r"docs: doc_id 'a' is on more than one row of the group \('CHN',\) \(index 0, 0\): it would be coun"
    calls = (
        (lambda jobs: tk.compare_groups(twice, by="country", target="CHN", n_jobs=jobs), in_group),
        (lambda jobs: tk.count_terms(twice, by="country", n_jobs=jobs), in_group),
        (lambda jobs: tk.count_terms(twice, n_jobs=jobs), r"docs: doc_id 'a' is on more than one row \(index 0, 0\)"),
        (lambda jobs: tk.dispersion(twice, by="country", n_jobs=jobs), in_group),
        (lambda jobs: tk.token_table(twice, n_jobs=jobs), r"docs: doc_id 'a' is on more than one row \(index 0, 0\)"),
    )
    for n_jobs in (1, 2):
        for call, message in calls:
            with pytest.raises(ValueError, match=message):
                call(n_jobs)
    # a document in two groups is each group's (compare_groups warns of one on both sides of a comparison)
    both = pd.concat([d, d.iloc[[0]].assign(country="USA")])
    assert tk.count_terms(both, by="country").set_index(["country", "term"]).loc[("USA", "security"), "n"] == 1
    # a segments frame has a row per stretch of a document: its doc_ids repeat
    segments = tk.split_voices(tk.load_interview())
    assert segments["doc_id"].duplicated().any()
    assert tk.count_terms(segments)["n"].sum() > 0


def test_a_vocabulary_term_no_token_can_be_is_warned_about_not_left_a_silent_zero_column():
    docs = pd.DataFrame({"doc_id": ["d1"], "text": ["Peace and china's war, Antonio."]})
    vocabulary = ["Peace", "china's", "peace war", " peace", "anto\u0301nio", "peace", "'s", "zebra"]
    with pytest.warns(
        UserWarning, match=r"5 term\(s\) of the vocabulary can never be counted with lowercase=True"
    ) as got:
        dtm = tk.document_term_matrix(docs, vocabulary=vocabulary)
    message = str(got[0].message)
    for reason in (
        "'Peace' (counted as 'peace')",
        '"china\'s" (counted as "china \'s")',
        "'peace war' (2 word(s); ngram counts 1)",
        "' peace' (blanks around or between its words",
        "(not in Unicode NFC, as the terms are: 'ant\\xf3nio')",
    ):
        assert reason in message
    assert dtm.matrix.sum(axis=0).tolist()[0] == [0, 0, 0, 0, 0, 1, 1, 0]  # "zebra": a term, absent: no warning
    with pytest.warns(UserWarning, match=r"'peace' \(1 word\(s\); ngram counts 2\)"):
        tk.document_term_matrix(docs, vocabulary=["peace", "peace and"], ngram=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tk.document_term_matrix(docs, vocabulary=["peace", "'s", "zebra", "Peace"], lowercase=False)
