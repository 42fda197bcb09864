"""Property tests (hypothesis) of the promises every reader and measure makes, whatever the input.

- Only ValueError or TypeError (or the toolkit's subclasses, such as CorpusFormatError) escape, and each
  names its problem.
- Nothing is lost: documents in = documents out + documents reported.
- Offsets slice the original text to what was found.

Every test is derandomized (the same examples on every machine and run) and bounded in examples, so the
suite stays within seconds; raise HYPOTHESIS_PROFILE=thorough for a longer fuzzing run.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import toolkit as tk

FIELDS = ["doc_id", "text", "speaker", "role", "country", "venue", "date", "genre", "source", "licence"]
GOOD = {
    "speaker": "Zhang Jun",
    "role": "permanent_representative",
    "country": "CHN",
    "venue": "UNSC",
    "date": "2021-03-01",
    "genre": "speech",
    "source": "S/PV.1",
    "licence": "CC0",
}

# Texts that stress the readers and the tokenizers: quotes of every kind, separators, line breaks of every
# kind, combining marks, case-changing letters (İ, ß), ligatures, soft hyphens, emoji, RTL, control chars.
TRICKY = list("\"'“”‘’«»,;\n\r\t \u2028\x85\x0c\u00ad\u0301\u0308İßﬁ½²—…!?.:()[]") + ["\U0001f600", "\u05d0", "\x00"]
WORDS = [
    "We",
    "may",
    "perhaps",
    "firmly",
    "oppose",
    "it",
    "the",
    "U.S.",
    "THAAD",
    "kimchi",
    "Mr.",
    "said",
    "believe",
    "clearly",
    "Xing",
    "Haiming",
    "I",
    "think",
    "possibly",
    "must",
    "would",
]
text_strategy = st.lists(
    st.one_of(st.sampled_from(WORDS), st.sampled_from(TRICKY), st.text(max_size=4)),
    max_size=40,
).map(lambda parts: "".join(p if p in TRICKY else p + " " for p in parts))


def _allowed(err: BaseException) -> bool:
    """An escaping exception is allowed if it is a ValueError/TypeError with a message."""
    return isinstance(err, (ValueError, TypeError)) and len(str(err)) > 10


def _call(fn, *args, **kwargs):
    """Call fn and return its result. An allowed error (ValueError/TypeError with a message) discards the example
    (hypothesis's ``assume``), so a test whose calls always fail is reported as unsatisfiable, never passes
    vacuously; any other exception fails the test."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    except Exception as err:
        if _allowed(err):
            assume(False)
        raise


def _docs(texts: list[str], *, genre: str = "speech", speaker: str | None = "Xing Haiming") -> pd.DataFrame:
    return tk.as_docs([dict(GOOD, doc_id=f"d{i}", text=t, speaker=speaker, genre=genre) for i, t in enumerate(texts)])


# ------------------------------------------------------------------ readers


BAD_ROWS = {
    "unescaped quote": lambda i: f'b{i},"We "oppose" it",A,ambassador,CHN,UNSC,2021-03-01,speech,x,CC0\n',
    "too few fields": lambda i: f"b{i},short\n",
    "too many fields": lambda i: f"b{i},t,A,ambassador,CHN,UNSC,2021-03-01,speech,x,CC0,extra\n",
    "bad role": lambda i: f"b{i},t,A,envoy,CHN,UNSC,2021-03-01,speech,x,CC0\n",
    "bad date": lambda i: f"b{i},t,A,ambassador,CHN,UNSC,1600-01-01,speech,x,CC0\n",
    "bad year digit": lambda i: f"b{i},t,A,ambassador,CHN,UNSC,,speech,x,CC0,²\n".replace(",CC0,²", ",CC0"),
    "bad country": lambda i: f'b{i},t,A,ambassador,"CH\nN",UNSC,2021-03-01,speech,x,CC0\n',
}


@given(
    rows=st.lists(
        st.one_of(
            text_strategy.map(lambda t: ("good", t)), st.sampled_from(sorted(BAD_ROWS)).map(lambda k: ("bad", k))
        ),
        min_size=1,
        max_size=12,
    )
)
def test_csv_every_row_is_a_document_or_a_skip_and_good_texts_are_kept_exactly(tmp_path_factory, rows):
    """A CSV of good rows (any text, written by the csv module) and bad rows: each good row comes back with its
    text unchanged, each bad row is one skip entry naming its line, nothing else escapes."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")  # quotes fields holding \r or \n
    writer.writerow(FIELDS)
    expected = {}
    for i, (kind, value) in enumerate(rows):
        if kind == "good":
            text = "x" + value.replace("\x00", "")  # a text is required and non-blank
            writer.writerow([f"g{i}", text, *(GOOD[f] for f in FIELDS[2:])])
            expected[f"g{i}"] = text
        else:
            out.write(BAD_ROWS[value](i))
    path = tmp_path_factory.mktemp("csv") / "c.csv"
    path.write_bytes(out.getvalue().encode("utf-8"))
    docs = _call(tk.read_corpus, path, errors="skip")
    assert dict(zip(docs["doc_id"], docs["text"])) == expected
    n_bad = sum(kind == "bad" for kind, _ in rows)
    skipped = docs.attrs["skipped"]
    assert len(skipped) == n_bad
    assert all(isinstance(s["line"], int) and s["line"] >= 2 for s in skipped)


json_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    text_strategy,
    st.lists(st.integers(), max_size=2),
)


@given(
    objects=st.lists(
        st.dictionaries(st.sampled_from(FIELDS + ["year", "Title", "title", "file", "FILE"]), json_value, max_size=12),
        min_size=1,
        max_size=6,
    ),
    good=st.lists(text_strategy, max_size=4),
)
def test_jsonl_lines_in_equal_documents_out_plus_skipped(tmp_path_factory, objects, good):
    lines = [json.dumps(dict(GOOD, doc_id=f"g{i}", text="x" + t)) for i, t in enumerate(good)]
    lines += [json.dumps(o, allow_nan=True) for o in objects]
    path = tmp_path_factory.mktemp("jsonl") / "j.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    docs = _call(tk.read_corpus, path, errors="skip")
    assert len(docs) + len(docs.attrs["skipped"]) == len(lines)
    assert {f"g{i}" for i in range(len(good))} <= set(docs["doc_id"])
    assert not docs["text"].isin(["nan", "inf", "NaN"]).any() or any(
        isinstance(o.get("text"), str) and o.get("text") in ("nan", "inf", "NaN") for o in objects
    )


SUFFIXES = [".txt", ".md", ".csv", ".jsonl", ".docx", ".pdf", ".json", ".tsv", ".text", ""]


@given(
    files=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "readme_x", "README", ".hidden", "sub/c", "sub/.d/e"]),
            st.sampled_from(SUFFIXES),
            st.binary(max_size=60)
            | text_strategy.map(lambda t: ("---\ndoc_id: x\n---\n" + t).encode("utf-8", "surrogatepass")),
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda f: f[0] + f[1],
    )
)
def test_every_file_in_a_folder_is_read_skipped_or_ignored(tmp_path_factory, files):
    root = tmp_path_factory.mktemp("folder")
    for name, suffix, content in files:
        path = root / (name + suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            docs = tk.read_corpus(root, errors="skip")
    except FileNotFoundError as err:  # a folder of READMEs and hidden files only
        assert "holds no file to read" in str(err)
        return
    accounted = set(docs["file"]) | {Path(s["source"]).relative_to(root).as_posix() for s in docs.attrs["skipped"]}
    ignored = {d["source"] for d in docs.attrs["ignored"]}
    for path in root.rglob("*"):
        if path.is_file():
            rel = path.relative_to(root).as_posix()
            parts = rel.split("/")
            assert rel in accounted or any("/".join(parts[: i + 1]) in ignored for i in range(len(parts))), rel


@given(
    year=st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=6), st.booleans()),
    date=st.one_of(st.none(), st.text(max_size=12), st.dates().map(str)),
)
def test_as_docs_raises_only_value_errors_naming_the_document(year, date):
    try:
        docs = tk.as_docs([dict(GOOD, doc_id="d1", text="t", year=year, date=date)])
    except ValueError as err:
        assert "'d1'" in str(err) or "d1" in str(err) or "docs" in str(err)
    else:
        assert str(docs["date"].dtype) == "datetime64[ns]" and str(docs["year"].dtype) == "Int64"


# ------------------------------------------------------------------ segmenting and tokenizing


@given(text=text_strategy)
def test_sentences_slice_the_text_and_do_not_overlap(text):
    sentences = _call(tk.split_sentences, text)
    ends = 0
    for row in sentences.itertuples():
        assert text[row.start : row.end] == row.text
        assert row.start >= ends
        ends = row.end


@given(text=text_strategy)
def test_token_spans_slice_the_text_to_the_tokens(text):
    spans = _call(tk.token_spans, text)
    toks = _call(tk.tokenize, text, lowercase=False)
    assert [text[s:e] for s, e in spans] == toks


@given(
    texts=st.lists(text_strategy, min_size=1, max_size=4),
    speaker=st.sampled_from(["Xing Haiming", " ", "", None, "İ", "Ambassador"]),
    genre=st.sampled_from(["interview", "speech"]),
)
def test_split_voices_segments_slice_the_text_and_every_document_is_accounted_for(texts, speaker, genre):
    docs = _docs(texts, genre=genre, speaker=speaker)
    segments = _call(tk.split_voices, docs)
    by_id = dict(zip(docs["doc_id"], docs["text"]))
    for row in segments.itertuples():
        assert by_id[row.doc_id][row.start : row.end].strip() == row.text
    # a document with visible text has a segment; one without may only be absent
    for doc_id, text in by_id.items():
        if text.strip() and any(c.isalnum() for c in text):
            assert doc_id in set(segments["doc_id"]) or doc_id in {
                s.get("doc_id") for s in segments.attrs.get("skipped", [])
            }


# ------------------------------------------------------------------ counting and keyness


@given(texts=st.lists(text_strategy, min_size=1, max_size=5))
def test_count_terms_counts_every_token_once(texts):
    docs = _docs(texts)
    counts = _call(tk.count_terms, docs)
    assert int(counts["n"].sum()) == sum(len(tk.tokenize(t)) for t in texts)


# mostly exact counts (up to int64 and past it), sometimes values that are not counts
count_value = st.one_of(
    *[st.integers(min_value=1, max_value=50)] * 6,
    st.integers(min_value=0, max_value=2**63 - 1),
    st.integers(min_value=-3, max_value=2**65),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=2),
)


@given(
    target=st.dictionaries(st.sampled_from(["we", "peace", "oppose", "may"]), count_value, min_size=1, max_size=4),
    reference=st.dictionaries(st.sampled_from(["we", "peace", "oppose", "may"]), count_value, min_size=1, max_size=4),
    measure=st.sampled_from(["g2", "log_ratio", "chi2", "pct_diff"]),
)
def test_keyness_accepts_exact_counts_and_rejects_the_rest_clearly(target, reference, measure):
    table = _call(tk.keyness, target, reference, measure=measure)
    # every term offered with a count comes back, with the counts given
    assert set(table["term"]) == {t for t, n in (*target.items(), *reference.items()) if n}
    for row in table.itertuples():
        assert row.n_target == target.get(row.term, 0) and row.n_reference == reference.get(row.term, 0)


# ------------------------------------------------------------------ hedging


@given(texts=st.lists(text_strategy, min_size=1, max_size=4), genre=st.sampled_from(["interview", "speech"]))
def test_find_stance_offsets_slice_the_text_to_the_match(texts, genre):
    docs = _docs(texts, genre=genre)
    matches = _call(tk.find_stance, docs, non_english="keep")
    by_id = dict(zip(docs["doc_id"], docs["text"]))
    for row in matches.itertuples():
        assert by_id[row.doc_id][row.start : row.end] == row.match


@given(
    texts=st.lists(text_strategy, min_size=1, max_size=4),
    genre=st.sampled_from(["interview", "speech"]),
    non_english=st.sampled_from(["skip", "keep"]),
)
def test_stance_rates_uses_or_reports_every_document(texts, genre, non_english):
    docs = _docs(texts, genre=genre).assign(group=lambda d: ["a", "b"] * (len(d) // 2) + ["a"] * (len(d) % 2))
    rates = _call(tk.stance_rates, docs, by="group", n_resamples=100, non_english=non_english)
    reported = {s["doc_id"] for s in rates.attrs.get("skipped", [])}
    # a group is in the table unless every one of its documents is reported as left out
    for group, ids in docs.groupby("group")["doc_id"]:
        assert group in set(rates["group"]) or set(ids) <= reported, (group, rates.attrs)


# ------------------------------------------------------------------ topics


@given(
    texts=st.lists(text_strategy, min_size=1, max_size=6),
    k=st.integers(min_value=-1, max_value=4),
    seed=st.one_of(st.integers(min_value=-2, max_value=2**33), st.none()),
    method=st.sampled_from(["lda", "nmf"]),
)
@settings(max_examples=25)
def test_fit_topics_raises_only_clear_errors(texts, k, seed, method):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tk.fit_topics(_docs(texts), k=k, seed=seed, method=method, min_docs=1, max_docs=1.0, max_iter=5)
    except Exception as err:
        assert _allowed(err), repr(err)
        assert "random_state" not in str(err), "the error names scikit-learn's parameter, not the toolkit's"


@given(
    texts=st.lists(text_strategy, min_size=2, max_size=6),
    k=st.integers(min_value=1, max_value=3),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    method=st.sampled_from(["lda", "nmf"]),
)
@settings(max_examples=25)
def test_fit_topics_on_valid_arguments_gives_k_topics_or_a_clear_error(texts, k, seed, method):
    # through _call: a run in which every example errors is unsatisfiable, not a pass
    model = _call(tk.fit_topics, _docs(texts), k=k, seed=seed, method=method, max_iter=5)
    assert len(model.top_terms(3)["topic"].unique()) == k


@pytest.mark.parametrize("seed", [2**32, -1, 1.5, "0"])
def test_fit_topics_seed_errors_name_seed(seed):
    docs = _docs(["We may oppose it.", "They firmly oppose it.", "Peace and security."])
    with pytest.raises((ValueError, TypeError), match="seed"):
        tk.fit_topics(docs, k=2, seed=seed, min_docs=1, max_docs=1.0)


# ------------------------------------------------------------------ keyness: Fightin' Words points where the rates do


def _smoothed_log_ratio_sign(a: int, b: int, n_t: int, n_r: int, share, strength) -> int:
    """The sign of log((a + s n_t pi) / (n_t (1 + s))) - log((b + s n_r pi) / (n_r (1 + s))), in exact fractions.

    The smoothing: each side's count gets a pseudo-count proportional to that side's size (s x size x the term's
    background share pi), so both rates are the posterior means of the Dirichlet prior, (rate + s pi) / (1 + s).
    """
    from fractions import Fraction

    s = Fraction(strength)
    left = (a + s * n_t * share) / (n_t * (1 + s))
    right = (b + s * n_r * share) / (n_r * (1 + s))
    return (left > right) - (left < right)


@given(
    terms=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 900), st.integers(0, 3000)), min_size=1, max_size=25),
    outside=st.tuples(st.integers(0, 2000), st.integers(0, 20000)),
)
def test_fightin_words_informative_prior_scores_point_where_the_smoothed_log_ratio_does(terms, outside):
    """With the default prior_strength, every score's sign is its smoothed log ratio's (issue 11)."""
    from fractions import Fraction

    from toolkit.keyness import PRIOR_STRENGTH

    names = [f"w{i}" for i in range(len(terms))]
    target = pd.Series([t[0] for t in terms], index=names)
    reference = pd.Series([t[1] for t in terms], index=names)
    background = pd.Series([t[0] + t[1] + t[2] for t in terms], index=names)
    assume(target.sum() > 0 and reference.sum() > 0)
    n_t, n_r = int(target.sum()) + outside[0], int(reference.sum()) + outside[1]  # sides of different sizes
    table = tk.keyness(
        target, reference, measure="fightin_words", prior=background, target_total=n_t, reference_total=n_r
    )
    total = int(background.sum())
    for row in table.itertuples():
        expected = _smoothed_log_ratio_sign(
            row.n_target, row.n_reference, n_t, n_r, Fraction(int(background[row.term]), total), PRIOR_STRENGTH
        )
        assert (row.score > 0) - (row.score < 0) == expected, row
        # and so the sign of the plain rate difference a / n_t - b / n_r
        assert expected == (row.n_target * n_r > row.n_reference * n_t) - (row.n_target * n_r < row.n_reference * n_t)


@given(
    texts=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.lists(st.sampled_from(["war", "peace", "we", "may", "oppose", "military"]), max_size=30),
        ),
        min_size=2,
        max_size=12,
    ),
    target=st.sampled_from(["a", "b", "c"]),
    reference=st.sampled_from([None, "a", "b", "c"]),
)
def test_compare_groups_corpus_prior_scores_point_where_the_rates_do(texts, target, reference):
    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(texts))],
            "text": [" ".join(w) for _, w in texts],
            "group": [g for g, _ in texts],
        }
    )
    table = _call(
        tk.compare_groups, docs, by="group", target=target, reference=reference, measure="fightin_words", prior="corpus"
    )
    sizes = docs.assign(n=docs["text"].str.split().str.len()).groupby("group")["n"].sum()
    n_t = int(sizes[target])
    n_r = int(sizes[reference] if reference is not None else sizes.sum() - n_t)
    direction = (table["n_target"] * n_r - table["n_reference"] * n_t).map(lambda d: (d > 0) - (d < 0))
    assert ((table["score"] > 0).astype(int) - (table["score"] < 0).astype(int) == direction).all()


# ------------------------------------------------------------------ issue #11: one tokenizer, one stop list, stable ranks


@given(text=text_strategy)
def test_every_entry_point_gives_the_same_tokens_and_spans_slice_the_text(text):
    import unicodedata
    from collections import Counter

    from toolkit.text import TOKENIZER, _lower

    spans = tk.token_spans(text)
    written = [text[s:e] for s, e in spans]
    assert tk.tokenize(text, lowercase=False) == written
    assert TOKENIZER.tokenize(text) == written and list(TOKENIZER.span_tokenize(text)) == spans
    # a term: the token lower-cased one code point for one, without format characters, in NFC
    terms = [
        unicodedata.normalize("NFC", "".join(c for c in _lower(w) if unicodedata.category(c) != "Cf")) for w in written
    ]
    assert tk.tokenize(text) == terms
    frame = tk.tokens(pd.DataFrame({"doc_id": ["a"], "text": [text]}))
    assert frame["token"].tolist() == terms and list(zip(frame["start"], frame["end"])) == spans
    if terms:
        dtm = tk.document_term_matrix([text])
        assert dict(zip(dtm.terms.tolist(), dtm.matrix.toarray()[0].tolist())) == dict(Counter(terms))


@given(texts=st.lists(text_strategy, min_size=2, max_size=5))
@settings(max_examples=25)
def test_english_stop_words_are_one_list_and_defaults_drop_nothing_else(texts):
    counted = set(_call(tk.count_terms, _docs(texts), stop_words="english")["term"])
    model = _call(tk.fit_topics, texts, k=1, max_iter=1)  # every default: stop_words="english", no pruning
    assert set(model.terms_) == counted
    assert not counted & tk.STOP_WORDS and tk.TOPIC_STOP_WORDS is tk.STOP_WORDS


@given(
    weights=st.lists(st.floats(min_value=1e-12, max_value=1.0), min_size=2, max_size=12),
    ulps=st.lists(st.integers(min_value=-4, max_value=4), min_size=12, max_size=12),
)
def test_top_terms_do_not_turn_on_the_last_digits_of_the_weights(weights, ulps):
    import numpy as np

    from toolkit.topics import _round_significant, _top_indices

    w = np.array([weights])
    w = np.vstack([w, w[:, ::-1]])  # some equal weights
    jittered = w * (1 + np.array(ulps[: w.shape[1]]) * np.finfo(float).eps)
    # unless a weight sits on a rounding boundary of the 10th digit, the order is the same
    assume(np.array_equal(_round_significant(w), _round_significant(jittered)))
    terms = np.array([f"t{i:02d}" for i in range(w.shape[1])], dtype=object)
    assert np.array_equal(_top_indices(w, w.shape[1], terms), _top_indices(jittered, w.shape[1], terms))


# ------------------------------------------------------------------ issue #11: group keys, voices, permutation p


def _key(value):
    return None if pd.isna(value) else value


# values whose " | "-joined labels collide: ("A | B", "C") and ("A", "B | C") were one group
key_value = st.sampled_from(["A | B", "A", "B | C", "C", None])
SENTENCES = ["We may agree.", "Perhaps so.", "We agree now.", "It is possible, we think."]


@given(
    rows=st.lists(
        st.tuples(st.sampled_from(SENTENCES), key_value, key_value, st.integers(1999, 2001)), min_size=1, max_size=8
    )
)
@settings(max_examples=30)
def test_every_grouped_output_keeps_the_by_columns_and_never_merges_groups(rows):
    texts, a, b, year = zip(*rows)
    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(rows))],
            "text": list(texts),
            "a": list(a),
            "b": list(b),
            "year": pd.array(year, dtype="int64"),
        }
    )
    by = ["a", "b", "year"]
    tokens = docs.assign(tokens=[len(tk.tokenize(t)) for t in texts])
    expected = {tuple(_key(v) for v in k): n for k, n in tokens.groupby(by, dropna=False)["tokens"].sum().items()}
    hits = _call(tk.find_stance, docs)
    outputs = {
        "describe_corpus": _call(tk.describe_corpus, docs, by=by),
        "count_terms": _call(tk.count_terms, docs, by=by),
        "dispersion": _call(tk.dispersion, docs, by=by),
        "match_rates": _call(tk.match_rates, hits, docs, by=by, n_resamples=100),
        "stance_rates": _call(tk.stance_rates, docs, by=by, n_resamples=100),
    }
    for name, out in outputs.items():
        assert list(out.columns[:3]) == by, name
        assert [out[c].dtype for c in by] == [docs[c].dtype for c in by], name
        keys = {tuple(_key(v) for v in row) for row in out[by].itertuples(index=False)}
        assert keys == set(expected), name  # every group of docs, and no other: none merged, none split

    def per_group(frame, column):
        return {tuple(_key(v) for v in row[:-1]): row[-1] for row in frame[[*by, column]].itertuples(index=False)}

    assert per_group(outputs["describe_corpus"], "tokens") == expected
    assert per_group(outputs["count_terms"].groupby(by, dropna=False)["n"].sum().reset_index(), "n") == expected
    assert per_group(outputs["match_rates"], "tokens") == expected


@given(
    texts=st.lists(text_strategy, min_size=2, max_size=5),
    genre=st.sampled_from(["interview", "speech"]),
    voices=st.sampled_from(
        [
            None,
            ("ambassador_quote", "speech"),
            ("narration",),
            ("ambassador_quote",),
            ("other_quote", "narration", "caption"),
        ]
    ),
)
@settings(max_examples=40)
def test_compare_rates_gives_each_group_the_hedge_rate_stance_rates_gives_it(texts, genre, voices):
    docs = _docs(texts, genre=genre).assign(group=lambda d: ["a", "b"] * (len(d) // 2) + ["a"] * (len(d) % 2))
    rates = _call(
        tk.stance_rates, docs, by="group", categories=["hedge"], voices=voices, n_resamples=100, non_english="keep"
    ).set_index("group")
    hits = _call(tk.find_stance, docs, non_english="keep")
    row = _call(
        tk.compare_rates,
        hits,
        docs,
        by="group",
        target="a",
        reference="b",
        category="hedge",
        voices=voices,
        n_permutations=100,
        n_resamples=100,
    )
    assert row["rate_target"].iloc[0] == pytest.approx(rates.loc["a", "rate_per_1k"], rel=1e-12, abs=1e-12)
    assert row["rate_reference"].iloc[0] == pytest.approx(rates.loc["b", "rate_per_1k"], rel=1e-12, abs=1e-12)


# sentence units: (text, hedges, tokens); "—" holds no token, so a relabelling may leave a side without any
UNITS = {"We may agree.": (1, 3), "We agree.": (0, 2), "—": (0, 0), "Perhaps so.": (1, 2)}


@given(
    target=st.lists(st.sampled_from(sorted(UNITS)), min_size=1, max_size=4),
    reference=st.lists(st.sampled_from(sorted(UNITS)), min_size=1, max_size=5),
    alternative=st.sampled_from(["two-sided", "greater", "less"]),
)
@settings(max_examples=40)
def test_permutation_p_is_the_exact_conditional_p_within_monte_carlo_error(target, reference, alternative):
    from itertools import combinations

    import numpy as np

    assume(any(UNITS[s][1] for s in target) and any(UNITS[s][1] for s in reference))
    rows, texts = [], []
    for doc_id, sentences in (("t", target), ("r", reference)):
        at = 0
        for s in sentences:
            if UNITS[s][0]:
                rows.append((doc_id, at + s.index("may") if "may" in s else at))
            at += len(s) + 1
        texts.append("\n".join(sentences))
    docs = pd.DataFrame({"doc_id": ["t", "r"], "text": texts, "side": ["T", "R"]})
    matches = pd.DataFrame({"doc_id": [d for d, _ in rows], "start": [s for _, s in rows], "category": "hedge"})
    n_perm = 4000
    row = _call(
        tk.compare_rates,
        matches,
        docs,
        by="side",
        target="T",
        category="hedge",
        n_permutations=n_perm,
        n_resamples=100,
        alternative=alternative,
        seed=0,
    )
    counts = np.array([UNITS[s][0] for s in [*target, *reference]])
    tokens = np.array([UNITS[s][1] for s in [*target, *reference]])
    n, k = len(counts), len(target)

    def stat(mask):
        a, b = tokens[mask].sum(), tokens[~mask].sum()
        return np.nan if not a or not b else (counts[mask].sum() / a - counts[~mask].sum() / b) * 1000

    observed = stat(np.arange(n) < k)
    null = np.array([stat(np.isin(np.arange(n), c)) for c in combinations(range(n), k)])
    valid = null[~np.isnan(null)]
    tol = 1e-9 * max(abs(observed), 1e-12)
    extreme = {
        "two-sided": np.abs(valid) >= abs(observed) - tol,
        "greater": valid >= observed - tol,
        "less": valid <= observed + tol,
    }[alternative]
    exact = extreme.mean()  # over the relabellings with a statistic only
    used = int(row["n_permutations"].iloc[0])
    assert 0 <= used <= n_perm
    assert abs(used / n_perm - len(valid) / len(null)) <= 4 * np.sqrt(0.25 / n_perm) + 1e-9
    if not used:
        assert np.isnan(row["p_value"].iloc[0])
        return
    p = row["p_value"].iloc[0]
    assert 0 < p <= 1
    assert abs(p - exact) <= 4 * np.sqrt(exact * (1 - exact) / used) + 1 / (used + 1), (p, exact, used)


# ------------------------------------------------------------------ issue #11 item 5: the hedge matcher cuts words as the tokenizer


# Lexicon words glued to marks, format characters, joiners and each other without spaces: "Per\u00adhaps",
# "may\u0308", "\u200eWe", "it's\u0301", "would-\u00adbe", "perhapsmay".
_GLUE = ["\u00ad", "\u0301", "\u0308", "\u200e", "\u200d", "\ufeff", "'", "’", "-", ".", ",", " ", "s", "1"]
_glued_text = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(_GLUE),
        st.sampled_from(TRICKY),
        st.sampled_from(WORDS).map(lambda w: w[:1] + "\u00ad" + w[1:]),
    ),
    max_size=30,
).map("".join)


def _without_format(word: str) -> str:
    import unicodedata

    return "".join(c for c in word if unicodedata.category(c) != "Cf")


@given(text=st.one_of(_glued_text, text_strategy))
def test_find_stance_matches_start_and_end_on_token_boundaries(text):
    spans = tk.token_spans(text)
    starts, ends = {s for s, _ in spans}, {e for _, e in spans}
    matches = _call(tk.find_stance, text, rules=False, non_english="keep")
    for row in matches.itertuples():
        assert row.start in starts and row.end in ends, (text, row.start, row.end, row.match)
        assert text[row.start : row.end] == row.match
    # and the other way: a token whose term is a one-word entry of the lexicon is inside a match
    # (tokens written in ASCII letters and format characters: the lexicon is ASCII)
    words = {p for p in tk.load_lexicon()["pattern"] if p.isalpha()}
    covered = list(zip(matches["start"], matches["end"]))
    for (s, e), term in zip(spans, tk.tokenize(text)):
        if term in words and _without_format(text[s:e]).isascii():
            assert any(a <= s and e <= b for a, b in covered), (text, text[s:e])


# ------------------------------------------------------------------ voices in every format

_VOICE_PIECES = [
    "Q:",
    "A:",
    "**Li:**",
    "LI WEI:",
    "The Herald:",
    "Li said",
    "he said",
    "she added",
    "“",
    "”",
    '"',
    "‘",
    "’",
    "'",
    "it’s",
    "don't",
    "the countries’",
    "’90s",
    "[note]",
    "(aside)",
    ":",
    ",",
    ".",
    "?",
    "We want peace",
    "Kim",
    "President Joe Biden",
    "Viktor Sand, an analyst,",
    "who",
    "\n",
    "\n\n",
]


@given(
    pieces=st.lists(st.one_of(st.sampled_from(_VOICE_PIECES), st.text(max_size=3)), max_size=60),
    style=st.sampled_from(["auto", "double", "single", "transcript"]),
)
def test_split_voices_in_every_style_covers_the_text_once(pieces, style):
    """Segments slice the text, do not overlap, and leave out nothing but whitespace and quotation marks."""
    text = " ".join(pieces)
    docs = pd.DataFrame({"doc_id": ["d"], "text": [text], "speaker": ["Li Wei"], "genre": ["interview"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an interview without the speaker's words is reported, not an error
        segments = tk.split_voices(docs, style=style)
    covered = [False] * len(text)
    end = -1
    for row in segments.itertuples():
        assert text[row.start : row.end].strip() == row.text and row.start >= end
        end = row.end
        covered[row.start : row.end] = [True] * (row.end - row.start)
    assert all(c.isspace() or c in "\"“”‘’'" for c, hit in zip(text, covered) if not hit)
    assert set(segments.attrs["styles"]) == {"d"} and segments.attrs["styles"]["d"] in (
        "double",
        "single",
        "transcript",
    )


# ------------------------------------------------------------------ the lexicon's expression


#: Patterns a user's lexicon may hold beside the default one's: wildcards, joined words, clitics next to the
#: word alone, digit groups, marks.
_CUSTOM_PATTERNS = ["clear*", "cle*", "it*", "possib*", "a-b", "a-b-c", "o'clock", "let", "let's", "let's go"]
_CUSTOM_PATTERNS += ["one", "one's", "it", "it's", "it's clear", "1,000", "e\u0301te\u0301", "s"]


@lru_cache(maxsize=2)
def _lexicon_expressions(patterns: tuple[str, ...]) -> list[tuple[Any, re.Pattern, re.Pattern]]:
    """(pieces, factored expression, unfactored expression) of ``patterns``, for plain and translated texts."""
    from toolkit._patterns import PLAIN
    from toolkit.hedging._lexicon import _marks_in, _pieces, _trie_regex

    return [
        (
            pieces,
            re.compile(_trie_regex(list(patterns), pieces), re.DOTALL),
            re.compile(_trie_regex(list(patterns), pieces, factor_end=False), re.DOTALL),
        )
        for pieces in (PLAIN, _pieces(_marks_in(list(patterns))))
    ]


# the lexicon's patterns and their words (a multi-word pattern's first words are often a pattern too: "it may"
# and "it may be"; those that end with a clitic have an end test of their own), each followed by what joins or
# ends tokens, or near misses
_PATTERNS = sorted(set(tk.load_lexicon()["pattern"]))
_JOINERS = [" ", "  ", "\n", "", "'", "’", "'s", "s", "-", "‐", ".", ",", "1", ",000", "\u00ad", "\u0301", "x", "_"]
_JOINERS += ["é", "-a", ".b", "'x", "’s-"]
_LEXICON_PIECES = st.tuples(
    st.one_of(
        st.sampled_from(_PATTERNS),
        st.sampled_from([p for p in _PATTERNS if p.endswith(("'s", "’s"))]),
        st.sampled_from(sorted({w for p in _PATTERNS for w in p.split()})),
        st.sampled_from(_CUSTOM_PATTERNS + ["clearly", "possibly", "items", "a-b-c-d", "été", "1,000,000"]),
    ),
    st.sampled_from(_JOINERS),
).map("".join)


@given(parts=st.lists(_LEXICON_PIECES, max_size=20), glue=st.sampled_from([" ", "", "\n "]))
@example(parts=["let's-go"], glue="")  # the clitic's own end test: a hyphen does not join "let's" to "go"
def test_lexicon_expression_matches_the_same_with_its_end_test_factored_out(parts, glue):
    """The token-end test once after each subtree of the trie finds what it finds after every pattern: the
    default lexicon's, and a user's with wildcards."""
    from toolkit.text import _lower

    text = _lower(glue.join(parts))
    for patterns in (tuple(_PATTERNS), tuple(_CUSTOM_PATTERNS)):
        for pieces, factored, unfactored in _lexicon_expressions(patterns):
            target = text if pieces.plain else text.translate(pieces.table)
            assert [m.span() for m in factored.finditer(target)] == [m.span() for m in unfactored.finditer(target)]
    for _, factored, unfactored in _lexicon_expressions(tuple(_PATTERNS)):
        assert len(factored.pattern) < len(unfactored.pattern) / 2


# ------------------------------------------------------------------ a lexicon file read back


@given(
    notes=st.lists(st.text(alphabet='ab #",\n\r\u2028\x0c', max_size=12), min_size=1, max_size=6),
    comments=st.lists(st.sampled_from(["# a comment\n", "  #x\n", ""]), min_size=7, max_size=7),
)
# a '#' after a character that str.splitlines cuts at (U+2028, a form feed) but CSV does not: not a comment
@example(notes=["a\u2028#b", "\x0c# c"], comments=[""] * 7)
def test_a_lexicon_written_as_csv_reads_back_with_its_notes_whatever_they_hold(tmp_path_factory, notes, comments):
    """load_lexicon reads back every entry and note of a lexicon written by the csv module (as pandas and
    spreadsheets write CSV: a field quoted when it holds a comma, a quote or a line break), with comment lines
    put between its rows: a note that holds '#', quotes, commas, line breaks (a line of it may start with '#'),
    U+2028 or a form feed is the note, and no comment line is an entry."""
    lines = io.StringIO()
    writer = csv.writer(lines, lineterminator="\r\n")  # \r\n: a field with \r or \n alone is quoted
    header = ["pattern", "category", "rule", "kind", "note"]
    patterns = [f"word{'a' * (i + 1)}" for i in range(len(notes))]
    for comment, row in zip(comments, [header, *([p, "hedge", "", "", n] for p, n in zip(patterns, notes))]):
        lines.write(comment)
        writer.writerow(row)
    path = tmp_path_factory.mktemp("lexicon") / "mine.csv"
    path.write_bytes(lines.getvalue().encode("utf-8"))
    lex = tk.load_lexicon(path)
    assert lex["pattern"].tolist() == patterns
    assert lex["note"].tolist() == notes
