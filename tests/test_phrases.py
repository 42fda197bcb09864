"""Shared phrasing (toolkit.phrases): planted phrases found exactly, an independent brute force, collisions, filters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import toolkit as tk
from toolkit import phrases as ph
from toolkit._tokens import term
from toolkit.text import STOP_WORDS


def frame(texts: list[str], prefix: str, speakers: list[str] | None = None) -> pd.DataFrame:
    docs = pd.DataFrame({"doc_id": [f"{prefix}{i}" for i in range(len(texts))], "text": texts})
    docs["speaker"] = speakers if speakers is not None else [f"S{i % 2}" for i in range(len(texts))]
    return docs


# ----------------------------------------------------------------------------- the brute force


def spans(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The terms and spans of ``text`` by the public tokenizer, one token at a time."""
    found = tk.token_spans(text)
    # curly and straight apostrophes, and the two hyphens, are the same (as in the toolkit's patterns)
    return [term(text[s:e]).replace("’", "'").replace("‐", "-") for s, e in found], found


def covered_tokens(terms: list[str], stops: frozenset[str], boilerplate: list[list[str]]) -> list[bool]:
    covered = [t in stops for t in terms]
    for seq in boilerplate:
        for i in range(len(terms) - len(seq) + 1):
            if terms[i : i + len(seq)] == seq:
                for k in range(len(seq)):
                    covered[i + k] = True
    return covered


def occurs(seq: list[str], docs: list[list[str]]) -> list[tuple[int, int]]:
    """(document, token position) of every occurrence of ``seq`` in ``docs``."""
    m = len(seq)
    return [(d, i) for d, toks in enumerate(docs) for i in range(len(toks) - m + 1) if toks[i : i + m] == seq]


def brute_shared(target: pd.DataFrame, reference: pd.DataFrame, n: int, stops, boilerplate, exclude_self=False):
    """Maximal phrases and their occurrences, by trying every span of every target document."""
    ref = [spans(t) for t in reference["text"]]
    ref_terms = [r[0] for r in ref]
    ref_ids = reference["doc_id"].tolist()
    bp = [spans(p)[0] for p in boilerplate]
    bp = [s for s in bp if s]
    phrases, occurrences = set(), set()
    for doc_id, text in zip(target["doc_id"], target["text"]):
        terms, where = spans(text)
        allowed = [d for d in range(len(ref_terms)) if not (exclude_self and ref_ids[d] == doc_id)]
        docs = [ref_terms[d] if d in allowed else [] for d in range(len(ref_terms))]
        cov = covered_tokens(terms, stops, bp)
        for i in range(len(terms)):
            for j in range(i + n, len(terms) + 1):
                if not occurs(terms[i:j], docs):
                    break
                if i > 0 and occurs(terms[i - 1 : j], docs):
                    continue
                if j < len(terms) and occurs(terms[i : j + 1], docs):
                    continue
                if all(cov[i:j]):
                    continue
                key = (doc_id, where[i][0], where[j - 1][1])
                phrases.add(key)
                for d, p in occurs(terms[i:j], docs):
                    occurrences.add((key, ref_ids[d], ref[d][1][p][0], ref[d][1][p + j - i - 1][1]))
    return phrases, occurrences


def found_sets(result: ph.SharedPhrases):
    p, o = result
    keys = {r.phrase_id: (r.doc_id, r.start, r.end) for r in p.itertuples()}
    return set(keys.values()), {(keys[r.phrase_id], r.doc_id, r.start, r.end) for r in o.itertuples()}


WORDS = ["peace", "Security", "the", "of", "cold", "war", "win-win", "win‐win", "Mr.", "President", "thank", "you"]
WORDS += ["China's", "China’s", "it’s", "we've"]
SEPARATORS = [" ", ", ", ". ", " -- ", "\n"]
text_strategy = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=0, max_size=30).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)


@given(
    targets=st.lists(text_strategy, min_size=1, max_size=3),
    references=st.lists(text_strategy, min_size=1, max_size=4),
    n=st.integers(2, 4),
    filtered=st.booleans(),
)
def test_shared_phrases_equal_an_independent_brute_force(targets, references, n, filtered):
    target, reference = frame(targets, "t"), frame(references, "r")
    stop_words, boilerplate = ("english", "default") if filtered else (None, None)
    result = tk.shared_phrases(target, reference, n=n, stop_words=stop_words, boilerplate=boilerplate)
    expected = brute_shared(
        target,
        reference,
        n,
        STOP_WORDS if filtered else frozenset(),
        list(ph.boilerplate_phrases()) if filtered else [],
    )
    assert found_sets(result) == expected
    p, o = result
    texts = dict(zip(target["doc_id"], target["text"]))
    assert all(texts[r.doc_id][r.start : r.end] == r.phrase for r in p.itertuples())
    assert (p["n_tokens"] >= n).all()
    assert p["n_occurrences"].sum() == len(o)


@given(texts=st.lists(text_strategy, min_size=2, max_size=4), n=st.integers(2, 3))
def test_exclude_self_ignores_the_same_document_only(texts, n):
    docs = frame(texts, "d")
    result = tk.shared_phrases(docs, docs, n=n, exclude_self=True, stop_words=None, boilerplate=None)
    assert found_sets(result) == brute_shared(docs, docs, n, frozenset(), [], exclude_self=True)
    p, o = result
    assert not (
        o.merge(p[["phrase_id", "doc_id"]], on="phrase_id", suffixes=("", "_target"))
        .eval("doc_id == doc_id_target")
        .any()
    )


# ----------------------------------------------------------------------------- planted phrases


def random_words(rng: np.random.Generator, count: int, length: int = 9) -> list[str]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words = {"".join(rng.choice(letters, length)) for _ in range(count * 2)}
    return sorted(words)[:count]


def test_planted_phrases_are_found_with_exact_offsets_and_nothing_else():
    rng = np.random.default_rng(19)
    vocab = random_words(rng, 6000)
    target_words, reference_words, phrase_words = vocab[:2000], vocab[2000:4000], vocab[4000:]
    planted = [list(rng.choice(phrase_words, size)) for size in (5, 6, 7, 9, 12, 5)]
    targets, spans_expected = [], set()
    for d in range(3):
        words = list(rng.choice(target_words, 300))
        text = " ".join(words)
        for k in (2 * d, 2 * d + 1):  # two phrases per target document, at random places
            at = text.index(" ", int(rng.integers(10, len(text) - 10)))
            piece = " ".join(planted[k])
            text = text[: at + 1] + piece + ", " + text[at + 1 :]
        for k in (2 * d, 2 * d + 1):  # where each ended up (the second may have moved the first)
            spans_expected.add((f"t{d}", k, text.index(" ".join(planted[k]))))
        targets.append(text)
    references, speakers, where_ref = [], [], {}
    for d in range(8):
        words = list(rng.choice(reference_words, 400))
        for k in range(len(planted)):
            if (k + d) % 3 == 0:  # each phrase in some reference documents, capitalised, after punctuation
                at = int(rng.integers(1, len(words) - 1))
                words[at] = words[at] + ";"
                words.insert(at + 1, " ".join(w.upper() if i == 0 else w for i, w in enumerate(planted[k])))
                where_ref.setdefault(k, set()).add(f"r{d}")
        references.append(" ".join(words))
        speakers.append(f"S{d % 3}")
    target, reference = frame(targets, "t"), frame(references, "r", speakers)
    p, o = tk.shared_phrases(target, reference, n=5)
    assert len(p) == len(planted)
    for d, k, start in spans_expected:
        row = p[(p["doc_id"] == d) & (p["start"] == start)]
        assert len(row) == 1, (d, k)
        row = row.iloc[0]
        assert row["phrase"] == " ".join(planted[k])
        assert row["end"] == start + len(" ".join(planted[k]))
        assert row["n_tokens"] == len(planted[k])
        occ = o[o["phrase_id"] == row["phrase_id"]]
        assert set(occ["doc_id"]) == where_ref[k]
        assert row["n_reference_docs"] == len(where_ref[k])
        assert row["n_reference_speakers"] == len({speakers[int(r[1:])] for r in where_ref[k]})
        texts = dict(zip(reference["doc_id"], reference["text"]))
        assert all(texts[r.doc_id][r.start : r.end].lower() == row["phrase"] for r in occ.itertuples())
    assert list(o.columns) == [*ph.OCCURRENCE_COLUMNS, "speaker"]
    assert list(p.columns) == list(ph.PHRASE_COLUMNS)


def test_collisions_are_rejected(monkeypatch):
    rng = np.random.default_rng(3)
    words = ["peace", "security", "cold", "war", "mentality", "small", "group", "win-win", "cooperation", "bloc"]
    texts = [" ".join(rng.choice(words, 60)) for _ in range(6)]
    docs = frame(texts, "d")
    honest = tk.shared_phrases(docs.iloc[:2], docs.iloc[2:], n=3)
    overlap = tk.phrase_overlap(docs, n=3)
    monkeypatch.setattr(ph, "_MODULUS", 3)  # nearly every window collides with nearly every other
    forced = tk.shared_phrases(docs.iloc[:2], docs.iloc[2:], n=3)
    pd.testing.assert_frame_equal(honest.phrases, forced.phrases)
    pd.testing.assert_frame_equal(honest.occurrences, forced.occurrences)
    pd.testing.assert_frame_equal(overlap, tk.phrase_overlap(docs, n=3))
    assert len(honest.phrases) > 0


def test_the_reference_is_read_in_slices_with_the_same_result(monkeypatch):
    rng = np.random.default_rng(5)
    words = ["peace", "security", "cold", "war", "mentality", "small", "group", "bloc", "order", "world"]
    target = frame([" ".join(rng.choice(words, 80))], "t")
    reference = frame([" ".join(rng.choice(words, 50)) for _ in range(12)], "r")
    whole = tk.shared_phrases(target, reference, n=3)
    monkeypatch.setattr(ph, "_BATCH_TOKENS", 60)
    sliced = tk.shared_phrases(target, tk.token_table(reference), n=3)
    pd.testing.assert_frame_equal(whole.phrases, sliced.phrases)
    pd.testing.assert_frame_equal(whole.occurrences, sliced.occurrences)


# ----------------------------------------------------------------------------- filters, errors


def test_boilerplate_and_stop_word_phrases_are_dropped_unless_asked():
    target = frame(["Thank you, Mr. President, for the floor. Of the and of the."], "t")
    reference = frame(["We thank you Mr President for the statement. of the and of the"], "r")
    assert tk.shared_phrases(target, reference, n=2).phrases.empty
    kept = tk.shared_phrases(target, reference, n=2, stop_words=None, boilerplate=None).phrases
    assert kept["phrase"].tolist() == ["Thank you, Mr. President, for the", "Of the and of the"]
    only_stops = tk.shared_phrases(target, reference, n=2, boilerplate=None).phrases
    assert only_stops["phrase"].tolist() == ["Thank you, Mr. President, for the"]
    custom = tk.shared_phrases(target, reference, n=2, stop_words=None, boilerplate=["thank you mr president"])
    assert custom.phrases["phrase"].tolist() == ["Thank you, Mr. President, for the", "Of the and of the"]


def test_a_phrase_with_content_around_boilerplate_is_kept():
    target = frame(["On behalf of the Group of 77, we reject the cold war mentality."], "t")
    reference = frame(["Speaking on behalf of the Group of 77, they reject the cold war mentality too."], "r")
    p = tk.shared_phrases(target, reference, n=3).phrases
    assert p["phrase"].tolist() == ["On behalf of the Group of 77", "reject the cold war mentality"]


def test_tokenizer_decides_what_a_token_is():
    target = frame(["win-win cooperation and a Cold War mentality"], "t")
    reference = frame(["Win-win cooperation, not a cold-war mentality; Cold War mentality"], "r")
    p = tk.shared_phrases(target, reference, n=2, stop_words=None).phrases
    # "win-win" is one token; "cold-war" too, so "a cold-war mentality" does not share "a Cold War mentality"
    assert p[["phrase", "n_tokens"]].values.tolist() == [["win-win cooperation", 2], ["Cold War mentality", 3]]


@pytest.mark.parametrize("n", [1, 0, 2.5, "5", True])
def test_bad_n_is_an_error_naming_it(n):
    docs = frame(["a b c"], "d")
    with pytest.raises(ValueError, match=r"^n="):
        tk.shared_phrases(docs, docs, n=n)
    with pytest.raises(ValueError, match=r"^n="):
        tk.phrase_overlap(docs, n=n)


def test_missing_columns_and_bad_filters_are_errors_naming_them():
    docs = frame(["a b c"], "d")
    with pytest.raises(ValueError, match="reference lacks the column.*'country'"):
        tk.shared_phrases(docs, docs, by="country")
    with pytest.raises(ValueError, match="target lacks the column.*'text'"):
        tk.shared_phrases(docs.drop(columns="text"), docs)
    with pytest.raises(ValueError, match="docs lacks the column.*'country'"):
        tk.phrase_overlap(docs, by="country")
    with pytest.raises(ValueError, match="boilerplate='none'"):
        tk.shared_phrases(docs, docs, boilerplate="none")
    with pytest.raises(ValueError, match="stop_words='french'"):
        tk.shared_phrases(docs, docs, stop_words="french")


def test_a_duplicated_id_or_a_missing_text_is_an_error_naming_the_frame():
    docs = frame(["a b c", "d e f"], "d")
    twice = docs.assign(doc_id="x")
    no_text = docs.assign(text=[None, "d e f"])
    with pytest.raises(ValueError, match="^target: doc_id 'x'"):
        tk.shared_phrases(twice, docs)
    with pytest.raises(ValueError, match="^reference: doc_id 'x'"):
        tk.shared_phrases(docs, twice)
    with pytest.raises(ValueError, match="^reference: text is missing"):
        tk.shared_phrases(docs, no_text)
    with pytest.raises(ValueError, match="^target: text is missing"):
        tk.shared_phrases(no_text, docs)


def test_empty_sides_give_empty_frames_with_the_columns():
    docs = frame(["", "just words here"], "d")
    p, o = tk.shared_phrases(docs.iloc[:1], docs, n=2)
    assert p.empty and list(p.columns) == list(ph.PHRASE_COLUMNS)
    assert o.empty and list(o.columns) == [*ph.OCCURRENCE_COLUMNS, "speaker"]


# ----------------------------------------------------------------------------- phrase_overlap


def brute_overlap(docs: pd.DataFrame, by: str, n: int) -> pd.DataFrame:
    bp = [spans(p)[0] for p in ph.boilerplate_phrases()]
    own: dict[str, set] = {}
    every: dict[str, set] = {}
    for text, group in zip(docs["text"], docs[by]):
        if pd.isna(group):
            continue
        terms, _ = spans(text)
        cov = covered_tokens(terms, STOP_WORDS, bp)
        for i in range(len(terms) - n + 1):
            gram = tuple(terms[i : i + n])
            every.setdefault(group, set()).add(gram)
            if not all(cov[i : i + n]):
                own.setdefault(group, set()).add(gram)
    groups = sorted({g for g in docs[by] if not pd.isna(g)})
    rows = []
    for g in groups:
        for o in groups:
            if g != o:
                mine = own.get(g, set())
                shared = len(mine & every.get(o, set()))
                rows.append((g, o, len(mine), shared, shared / len(mine) if mine else np.nan))
    return pd.DataFrame(rows, columns=list(ph.OVERLAP_COLUMNS))


@given(
    texts=st.lists(text_strategy, min_size=1, max_size=5),
    groups=st.lists(st.sampled_from(["A", "B", "C", None]), min_size=5, max_size=5),
    n=st.integers(2, 4),
)
def test_phrase_overlap_equals_python_sets_of_ngrams(texts, groups, n):
    docs = frame(texts, "d", groups[: len(texts)])
    with pytest.warns(UserWarning) if docs["speaker"].isna().any() else _no_warning():
        got = tk.phrase_overlap(docs, by="speaker", n=n)
    expected = brute_overlap(docs, "speaker", n)
    assert list(got.columns) == list(ph.OVERLAP_COLUMNS)
    pd.testing.assert_frame_equal(
        got.astype({"group": object, "other": object}), expected, check_dtype=False, check_exact=False
    )
    assert len(got.attrs["skipped"]) == int(docs["speaker"].isna().sum())


class _no_warning:
    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc):
        self._catch.__exit__(*exc)


# ----------------------------------------------------------------------------- on the real corpora


def test_xing_against_chinas_general_debate_speeches_offsets_slice_to_the_same_tokens(data_dir):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ungdc = tk.load_ungdc(data_dir / "ungdc")
    china = ungdc[(ungdc["country"] == "CHN") & (ungdc["year"] >= 1972)]
    own = tk.own_words(tk.load_interview())
    p, o = tk.shared_phrases(own, china, n=4, by="year")
    assert len(p) > 0 and len(o) >= len(p)
    text = own["text"].iloc[0]
    texts = dict(zip(china["doc_id"], china["text"]))
    for row in p.itertuples():
        assert text[row.start : row.end] == row.phrase
        words = tk.tokenize(row.phrase)
        assert len(words) == row.n_tokens >= 4
        for occ in o[o["phrase_id"] == row.phrase_id].itertuples():
            assert tk.tokenize(texts[occ.doc_id][occ.start : occ.end]) == words
    assert (p["n_occurrences"] == o.groupby("phrase_id").size().reindex(p["phrase_id"]).to_numpy()).all()


# ----------------------------------------------------------------------------- second reading


def test_curly_and_straight_apostrophes_and_the_two_hyphens_are_the_same_token():
    # as in the toolkit's patterns (toolkit._patterns: ' and ’, - and ‐ interchangeable); the UNGDC writes both
    # apostrophes (about 39,000 ’ and 33,000 ' since 1972), so "China’s" must match "China's"
    target = frame(["We welcome China’s position on win‐win cooperation today."], "t")
    reference = frame(["They welcome China's position on win-win cooperation too."], "r")
    p, o = tk.shared_phrases(target, reference, n=3)
    assert p["phrase"].tolist() == ["welcome China’s position on win‐win cooperation"]
    assert o[["start", "end"]].values.tolist() == [[5, 52]]
    docs = pd.DataFrame(
        {"doc_id": ["a", "b"], "speaker": ["A", "B"], "text": [target["text"][0], reference["text"][0]]}
    )
    overlap = tk.phrase_overlap(docs, n=3)
    assert overlap["shared"].tolist() == [5, 5]  # every 3-gram from "welcome" to "cooperation"
    # a stop word or a boilerplate sequence written with the other apostrophe still filters
    target, reference = frame(["we’ve said the word"], "t"), frame(["we've said the word"], "r")
    assert len(tk.shared_phrases(target, reference, n=2, stop_words=["the"]).phrases) == 1
    assert tk.shared_phrases(target, reference, n=2, stop_words=["we’ve", "said", "the", "word"]).phrases.empty
    assert tk.shared_phrases(target, reference, n=2, stop_words=None, boilerplate=["we've said the word"]).phrases.empty


tiny_text = st.lists(
    st.tuples(st.sampled_from(["a", "b", "A", "peace"]), st.sampled_from([" ", ", "])), max_size=24
).map(lambda pairs: "".join(w + s for w, s in pairs))


@given(
    targets=st.lists(tiny_text, min_size=1, max_size=3),
    references=st.lists(tiny_text, min_size=1, max_size=4),
    n=st.integers(2, 3),
    exclude_self=st.booleans(),
)
def test_a_tiny_vocabulary_read_in_slices_equals_the_brute_force(targets, references, n, exclude_self, monkeypatch):
    # a tiny vocabulary makes runs on many alignments touch one another ("a a a a", "a b a b"), and a slice of a
    # few tokens puts most reference documents in a slice of their own (exclude_self must find the right one)
    monkeypatch.setattr(ph, "_BATCH_TOKENS", 5)
    target = frame(targets, "d")
    reference = frame(references, "d") if exclude_self else frame(references, "r")
    result = tk.shared_phrases(target, reference, n=n, stop_words=None, boilerplate=None, exclude_self=exclude_self)
    assert found_sets(result) == brute_shared(target, reference, n, frozenset(), [], exclude_self=exclude_self)


def test_a_boilerplate_sequence_does_not_run_across_documents():
    # "thank" ends t0 and "you" starts t1: "thank you" is not said, so "thank" is not boilerplate
    target = frame(["of the thank", "you of the"], "t")
    reference = frame(["all of the thank"], "r")
    assert tk.shared_phrases(target, reference, n=3).phrases["phrase"].tolist() == ["of the thank"]
    docs = frame(["of the thank", "you of the", "of the thank"], "d", ["A", "A", "B"])
    assert tk.phrase_overlap(docs, n=3)["n_ngrams"].tolist() == [1, 1]


def test_overlap_finds_an_ngram_where_the_other_group_says_it_as_boilerplate():
    # A says "you mr" outside boilerplate; B says it only inside "thank you, Mr. President": it is still there
    docs = frame(["you mr smith", "thank you mr president"], "d", ["A", "B"])
    got = tk.phrase_overlap(docs, n=2).set_index(["group", "other"])
    assert got.loc[("A", "B"), "n_ngrams"] == 2 and got.loc[("A", "B"), "shared"] == 1
    assert got.loc[("B", "A"), "n_ngrams"] == 0 and pd.isna(got.loc[("B", "A"), "share"])
