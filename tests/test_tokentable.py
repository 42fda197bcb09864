"""Tokenize once (issue #14): the token table gives the tokens of every other entry point, and every measure
that reads it (or runs on several processes) gives exactly what the text path gives."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_properties import TRICKY, WORDS, _glued_text, text_strategy

import toolkit as tk
import toolkit._parallel as parallel
import toolkit.hedging as toolkit_hedging
import toolkit.hedging._table as hedging_table_module
from toolkit import _kernels, study
from toolkit._kernels import ChunkIndex
from toolkit._rating import _match_rates
from toolkit.hedging import CATEGORIES, _find_in_docs, _find_stance, _match_frame
from toolkit.hedging._decision import _resolve_model
from toolkit.hedging._lexicon import _matcher, _resolve_lexicon, english_share
from toolkit.tokentable import TokenTable, chunk_starts, code_points, next_chunk_start, token_table

# multi-word entries, and words that start them, so that longest-match and gap rules are exercised
PHRASES = [
    "in particular",
    "would like to",
    "I would like to",
    "it's clear",
    "it’s not clear",
    "need to",
    "no doubt",
    "Mr. President",
    "mr.  president",
    "we call on",
    "I think",
    "to some extent",
    "firmly oppose",
    "May God",
    "should like to",
    "about 8",
    "some 300",
    "not sure",
    "do not doubt",
    "we strongly believe",
    "may be",
]
phrase_text = st.lists(
    st.one_of(st.sampled_from(PHRASES), st.sampled_from(WORDS), st.sampled_from(TRICKY), st.text(max_size=3)),
    max_size=40,
).map(lambda parts: "".join(p if p in TRICKY else p + " " for p in parts))
# marks and format characters outside words too: a byte-order mark, a left-to-right mark, a soft hyphen alone
any_text = st.one_of(
    text_strategy,
    _glued_text,
    phrase_text,
    st.tuples(st.sampled_from(["\ufeff", "\u200e", "\u00ad ", "\u0301", " \ufeff"]), phrase_text).map("".join),
)


def _reference(
    docs: pd.DataFrame, *, rules: bool = True, method: str = "learned", lexicon=None, non_english: str = "keep"
) -> pd.DataFrame:
    """find_stance by the character matcher, document after document: the path of releases before 0.2."""
    skipped: list[dict] = []
    model = _resolve_model(method, None) if rules else None
    return _match_frame(_find_in_docs(docs, _matcher(_resolve_lexicon(lexicon)), rules, non_english, skipped, model))


#: The longest piece of a document a worker matches (as released: some tests lower it).
_PIECE_MAX = hedging_table_module._PIECE_MAX


def _has(sorted_arr: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each value is in ``sorted_arr`` (numpy: the reference of the compiled passes' searches)."""
    if not len(sorted_arr):
        return np.zeros(len(values), dtype=bool)
    k = np.minimum(np.searchsorted(sorted_arr, values), len(sorted_arr) - 1)
    return sorted_arr[k] == values


def _class_at(marks, pos: np.ndarray) -> np.ndarray:
    """The mark class of the character at each offset of a stream's marks (0 for any other), in numpy: the
    reference of the compiled pass's look-ups."""
    if not len(marks.at):
        return np.zeros(len(pos), dtype=np.int64)
    k = np.minimum(np.searchsorted(marks.at, pos), len(marks.at) - 1)
    return np.where(marks.at[k] == pos, marks.cls[k], 0)


def _frame(texts: list[str], **columns) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts, **columns})


@given(text=any_text)
def test_a_documents_tokens_in_the_table_are_those_of_token_spans_and_tokenize(text):
    table = token_table(_frame([text, "x " + text]))
    for i, t in enumerate(table.texts):
        ids, starts, ends = table.doc_tokens(i)
        assert list(zip(starts.tolist(), ends.tolist())) == tk.token_spans(t)
        assert [table.terms[j] for j in table.term_of[ids]] == tk.tokenize(t)
        assert table.totals[i] == len(tk.tokenize(t))


@given(
    text=st.text(
        alphabet=st.sampled_from(
            list(
                " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\u200bab\u0301"
            )
        ),
        max_size=30,
    )
)
def test_chunks_are_those_of_str_split(text):
    starts = chunk_starts(text).tolist()
    pieces = text.split()
    assert len(starts) == len(pieces)
    assert all(text.startswith(p, s) for s, p in zip(starts, pieces))


_SPLIT_ALPHABET = list(" \t\n\x85\xa0\u2028\u3000\u200babAB\u0301\ufeff\U0001f600\ud800")


@given(
    texts=st.lists(
        st.one_of(st.text(alphabet=st.sampled_from(_SPLIT_ALPHABET), max_size=40), any_text), min_size=1, max_size=6
    )
)
def test_the_compiled_chunk_index_numbers_the_chunks_of_str_split_in_first_seen_order(texts):
    # the reference: a dict numbering the chunks of str.split(), as the table made them before numba
    reference: dict[str, int] = {}
    index = ChunkIndex()
    index.slots = np.zeros((2, 2), dtype=np.uint64)  # the smallest table: every new chunk makes it grow
    index.store = index.store[:1]  # and the shortest store
    for text in texts:
        expected = [reference.setdefault(c, len(reference)) for c in text.split()]
        points = code_points(text)
        assert len(points) == len(text) and points.tolist() == [ord(c) for c in text]
        assert index.add(text, points).tolist() == expected
    assert index.strings == list(reference)


#: The characters the token pattern reads in ASCII: letters and digits, the joiners, the clitic's "s", others.
_ASCII_TOKEN_ALPHABET = list("aZ09sS'-.,_ \n!")


@given(text=st.text(alphabet=st.sampled_from(_ASCII_TOKEN_ALPHABET), max_size=40))
@example(text="China's it's x'sa o'clock 1,000,00 1,0000 a,123 U.S. 's -a- a'S 2.5. x'")
@settings(max_examples=300)
def test_the_compiled_ascii_tokens_are_the_token_patterns_matches(text):
    starts, ends = _kernels.ascii_tokens(np.frombuffer(text.encode("ascii"), dtype=np.uint8))
    assert list(zip(starts.tolist(), ends.tolist())) == [m.span() for m in re.finditer(tk.text.TOKEN_PATTERN, text)]


@given(texts=st.lists(any_text, min_size=1, max_size=4))
@example(texts=["China's 's ΑΣ ΑΣ's İstanbul, 1, 000 1,000 U.S. 'S ’s x’s’ 2.5."])  # look-arounds at chunk edges
@example(texts=["Anto\u0301nio \u0301x Per\u00adhaps \u00ad \ufeffWe"])  # marks and format characters at edges
def test_chunks_tokenized_together_have_the_tokens_each_has_alone(texts):
    from toolkit.tokentable import _tokenize_chunks

    chunks = list(dict.fromkeys(c for t in texts for c in t.split()))
    tok_n, raw, starts, ends = _tokenize_chunks(chunks)
    alone = [
        [(m.group(), m.start(), m.end()) for m in tk.text._TOKEN_RE.regex.finditer(tk.text._lower(c))] for c in chunks
    ]
    assert tok_n.tolist() == [len(a) for a in alone]
    assert list(zip(raw, starts.tolist(), ends.tolist(), strict=True)) == [t for a in alone for t in a]


def _marks_by_numpy(text: str) -> tuple:
    """The marks of a text as whole-array numpy expressions (the table's code before the compiled scan), as the
    old per-text scan gave them: chunk starts and ends, every mark and its class, the marks of class 1 to 3
    before whitespace, the blank lines (start, end)."""
    from toolkit.hedging._table import _MARK_CLASS, _MARK_END
    from toolkit.tokentable import is_space

    points = code_points(text)
    space = is_space(points)
    begins = chunk_starts(text, space)
    chunk_end = np.flatnonzero(~space & np.append(space[1:], True)) + 1
    capped = np.minimum(points.astype(np.int64), _MARK_END)
    at = np.flatnonzero(_MARK_CLASS[capped])
    cls = _MARK_CLASS[capped[at]]
    punct = at[(cls >= 1) & (cls <= 3)]
    p1 = punct[punct + 1 < len(points)]
    p1 = p1[space[p1 + 1]]
    nl = at[cls == 4]
    pair = np.searchsorted(begins, nl[:-1]) == np.searchsorted(begins, nl[1:])
    return begins, chunk_end, at, cls, p1, nl[:-1][pair], nl[1:][pair] + 1


def _scan_by_numpy(table: TokenTable, work, i: int, base: int) -> tuple:
    """What scan_doc gives for document ``i``, from the numpy forms: the table's tokens (by chunk_starts), the
    marks by numpy and the places a clause can break sorted by their starts (the table's code before the
    compiled pass), the language counts by ``searchsorted``."""
    from toolkit.hedging._table import _LANGUAGE_CHARS, _LOOKAHEAD, _nfc_plain_table

    text = table.texts[i]
    ids, starts, ends = table.doc_tokens(i)
    begins, chunk_end, at, cls, p1, b_start, b_end = _marks_by_numpy(text)
    quote = at[(cls >= 5) & (cls <= 7)]
    ev = np.concatenate([p1, quote, b_start])
    order = np.argsort(ev, kind="stable")
    ev_end = np.concatenate([p1 + 2, quote + 1, b_end])[order]
    k = int(np.searchsorted(ends, _LANGUAGE_CHARS - _LOOKAHEAD, side="right"))
    stop = work.is_stop[ids]
    plain = _nfc_plain_table()
    points = code_points(text).astype(np.int64)
    unsure = (points >= 128) & ((points >= len(plain)) | ~plain[np.minimum(points, len(plain) - 1)])
    stats = [len(begins), k, int(stop[:k].sum()), int(stop.sum()), int(work.odd[ids].any()), int(unsure.any())]
    # each token's first code point, and its second (0 for a token of one) 21 bits up
    second = np.where(ends - starts > 1, points[np.minimum(starts + 1, len(points) - 1)] if len(points) else 0, 0)
    lead = points[starts] | (second << 21) if len(starts) else np.zeros(0, dtype=np.int64)
    return (
        np.append(ids, -1),
        np.append(starts, len(text)) + base,
        np.append(ends, len(text)) + base,
        begins + base,
        chunk_end + base,
        at + base,
        cls,
        ev[order] + base,
        ev_end + base,
        b_start + base,
        b_end + base,
        np.append(lead, 0),
        np.array(stats),
    )


@given(
    text=st.one_of(any_text, st.text(alphabet=st.sampled_from(list(" \n\t.!?;:\"”“'’‘a\u2029\u3000")), max_size=40)),
    base=st.integers(0, 10**9),
    rules=st.booleans(),
)
@example(text="\n" * 9, base=0, rules=True)  # nine line breaks hold eight blank lines: more than half the text
@example(text="a.\n\n\n \n\n\t\n\nb", base=0, rules=True)
@example(text='“a” "b."\n\n”c.” ; d', base=7, rules=True)  # quotes, breaks and blank lines interleaved
@example(text="a\nb \nc\n \n", base=3, rules=True)  # words between line breaks: no blank line; then one
@example(text="the aa bb " * 1998 + "may xx's.\n\n" + "zz " * 10, base=0, rules=True)  # past the language window
def test_the_compiled_scan_of_a_document_is_what_numpy_gives(text, base, rules):
    """scan_doc's one pass (tokens, chunks, marks, the breaks in order, the language counts) against the
    whole-array numpy forms it replaced; without the rules, the same tokens and no marks."""
    from toolkit.hedging._table import _TableWork

    table = token_table(_frame([text]))
    work = _TableWork(table, _matcher(_resolve_lexicon(None)), rules, None, "skip")
    got = work.scan(0, text, base)
    expected = _scan_by_numpy(table, work, 0, base)
    names = ("ids", "starts", "ends", "chunk_start", "chunk_end", "at", "cls", "ev_start", "ev_end")
    names += ("blank_start", "blank_end", "lead", "stats")
    for j, (mine, theirs) in enumerate(zip(got, expected, strict=True)):
        if 3 <= j <= 10 and not rules:
            assert len(mine) == 0, names[j]  # the marks are not read without the rules
        else:
            assert mine.tolist() == theirs.tolist(), names[j]


@pytest.mark.parametrize("rules", [True, False])
def test_a_text_that_is_not_the_one_its_table_was_made_from_is_named(rules):
    from toolkit.hedging._table import _TableWork

    table = token_table(_frame(["We may agree.", "Perhaps.", " "]))
    work = _TableWork(table, _matcher(_resolve_lexicon(None)), rules, None, "keep")
    for i, changed in ((1, "Perhaps not."), (0, "We agree.")):  # more chunks than the table's, and fewer
        with pytest.raises(ValueError, match=rf"doc_id 'd{i}' changed after its token table was made"):
            work.scan(i, changed, 0)
    # a document without a chunk in the table has no tokens to misplace: read as empty, as doc_tokens does
    assert work.scan(2, "Now words.", 0)[0].tolist() == [-1]


def test_the_code_points_a_text_is_sure_to_be_plain_with_are_those_of_the_whole_unicode_tables():
    # the table scans the canonical pairs of the code points it covers; a pair elsewhere whose second code
    # point it covers (none in this Python's tables) would make that code point "Maybe" too
    import unicodedata

    from toolkit.hedging._table import _NFC_TABLE_END, _NFC_TABLE_MORE, _nfc_plain_table

    second = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for c in range(0x110000):
        mapping = unicodedata.decomposition(chr(c))
        if mapping and not mapping.startswith("<") and len(mapping.split()) == 2:
            second.add(int(mapping.split()[1], 16))
    plain = _nfc_plain_table()
    for c in np.flatnonzero(plain).tolist():
        assert c not in second and c not in (0x130, 0x3A3) and not unicodedata.combining(chr(c))
        assert unicodedata.is_normalized("NFC", chr(c))
    assert plain[:0x300].sum() == 0x300 - 1  # Latin-1 and Extended: all but İ
    assert set(np.flatnonzero(plain[_NFC_TABLE_END:]) + _NFC_TABLE_END) == set(_NFC_TABLE_MORE) == {0xFEFF}


_PLAIN_ALPHABET = list(
    "aé ΣΑσİi’“\ufeff\u0301\u0308\u09be\u09c7\u1100\u1161\u11a8\u212b\u2000\u3099\u304b\u00c5\U0001d15e"
)


@given(texts=st.lists(st.text(alphabet=st.sampled_from(_PLAIN_ALPHABET), max_size=12), min_size=1, max_size=5))
@example(texts=["a\u0301 é", "\u1100\u1161", "\u09c7\u09be", "\u212b", "Σ", "\u304b\u3099"])
def test_a_stream_reads_a_document_as_plain_exactly_when_it_is_in_nfc_without_dotted_i_or_sigma(texts):
    import unicodedata

    from toolkit.hedging._table import _Stream, _TableWork

    table = token_table(_frame(texts))
    work = _TableWork(table, _matcher(_resolve_lexicon(None)), True, None, "keep")
    stream = _Stream()
    for i, text in enumerate(table.texts):
        stream.add(i, text, work.scan(i, text, stream.next_base, stream.scanned))
    expected = [
        t.isascii() or ("\u0130" not in t and "\u03a3" not in t and unicodedata.is_normalized("NFC", t))
        for t in table.texts
    ]
    assert stream.simple == expected


def _fnv1a(text: str) -> int:
    h = 0xCBF29CE484222325
    for c in text:
        h = ((h ^ ord(c)) * 0x100000001B3) % 2**64
    return h


def test_chunk_ids_written_into_a_shared_array_are_those_add_gives():
    index, again = ChunkIndex(), ChunkIndex()
    texts = ["a b a", "", "b  c\u3000a", "\u00e9t\u00e9 a"]
    ids = np.full(sum(len(t) // 2 + 1 for t in texts), -1, dtype=np.int32)
    k = 0
    for text in texts:
        before = k
        k = index.add_into(text, code_points(text), ids, k)
        assert ids[before:k].tolist() == again.add(text, code_points(text)).tolist()
    assert index.strings == again.strings == ["a", "b", "c", "\u00e9t\u00e9"]
    with pytest.raises(ValueError, match="no room for the chunks of a text of 5 code points from entry 9"):
        index.add_into("a b c", code_points("a b c"), ids, 9)


@given(
    shapes=st.lists(st.integers(0, 4), min_size=1, max_size=4), seed=st.integers(0, 2**16), columns=st.integers(1, 6)
)
def test_count_parts_stacked_one_by_one_are_what_vstack_gives(shapes, seed, columns):
    import scipy.sparse as sp

    from toolkit.tokentable import _stack_rows

    rng = np.random.default_rng(seed)
    parts = [sp.csr_matrix(rng.integers(0, 3, size=(rows, columns)).astype(np.int32)) for rows in shapes]
    expected = sp.vstack(parts, format="csr")
    got = _stack_rows(list(parts), columns)
    assert got.shape == expected.shape and got.dtype == np.int32
    assert got.indptr.tolist() == expected.indptr.tolist() and got.indices.tolist() == expected.indices.tolist()
    assert got.data.tolist() == expected.data.tolist()


def test_a_chunk_whose_hash_another_chunk_has_gets_its_own_id():
    # "ab" stored under the hash of "ba": looking "ba" up finds that hash, compares the code points, and
    # makes "ba" a chunk of its own (the ids come from the characters, never from a hash alone)
    index = ChunkIndex()
    assert index.add("ab", code_points("ab")).tolist() == [0]
    (row,) = np.flatnonzero(index.slots[:, 1])
    assert int(index.slots[row, 0]) == _fnv1a("ab")  # the kernel's hash is FNV-1a over the code points
    index.slots[row, 0] = _fnv1a("ba")
    index.slots = _kernels._rehash(index.slots, len(index.slots))
    assert index.add("ba ba", code_points("ba ba")).tolist() == [1, 1]
    assert index.strings == ["ab", "ba"]
    assert sorted(int(h) for h in index.slots[index.slots[:, 1] > 0, 0]) == sorted([_fnv1a("ba")] * 2)


@given(
    texts=st.lists(any_text, min_size=1, max_size=4), rules=st.booleans(), method=st.sampled_from(["learned", "rules"])
)
@settings(max_examples=60)
def test_the_token_matcher_finds_exactly_what_the_character_matcher_finds(texts, rules, method):
    docs = _frame(texts)
    new = _find_stance(docs, lexicon=None, categories=None, rules=rules, method=method, model=None, non_english="keep")
    pd.testing.assert_frame_equal(new, _reference(docs, rules=rules, method=method))


_OVERLAPPING = pd.DataFrame(
    {
        "pattern": [
            "would",
            "would like",
            "would like to thank",
            "like to",
            "mr. president",
            "it's clear",
            "in particular",
            "clear",
            "thank",
        ],
        "category": [
            "hedge",
            "formula",
            "formula",
            "attitude_marker",
            "engagement_marker",
            "booster",
            "booster",
            "booster",
            "attitude_marker",
        ],
        "rule": [""] * 9,
        "kind": ["epistemic"] + [""] * 8,
        "note": ["test"] * 9,
    }
)
_WORDS = [
    "would",
    "Would",
    "like",
    "to",
    "thank",
    "would like",
    "would like to",
    "would like to thank",
    "Mr",
    "Mr.",
    "President",
    "Mr. President",
    "it",
    "s",
    "it's",
    "clear",
    "it’s clear",
    "in",
    "particular",
    "in particular",
    "\u00adclear",
    "cle\u0301ar",
]
_SEPARATORS = [" ", " ", " ", " ", "  ", "\n", "", ".", ". ", ",", "-", "'", "’", "\u00a0", " \t\u3000", " , ", " - "]


@given(
    pairs=st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPARATORS)), max_size=30),
    rules=st.booleans(),
)
@example(pairs=[("would", " , "), ("like", " "), ("to", "\u00a0"), ("thank", "")], rules=True)
@example(pairs=[("in", " - "), ("particular", "\n")], rules=True)
@settings(max_examples=200)
def test_longest_match_and_what_lies_between_words_are_the_character_matchers(pairs, rules):
    # rules=False reads the gaps between a pattern's words from the text; rules=True from the chunks' offsets
    docs = _frame(["".join(w + sep for w, sep in pairs)])
    new = _find_stance(docs, lexicon=_OVERLAPPING, categories=None, rules=rules, non_english="keep")
    pd.testing.assert_frame_equal(new, _reference(docs, rules=rules, lexicon=_OVERLAPPING))


@given(
    pairs=st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPARATORS)), max_size=30),
    rules=st.booleans(),
    table=st.booleans(),
)
@settings(max_examples=100)
def test_the_pairs_read_from_their_table_or_searched_give_the_character_matchers_matches(pairs, rules, table):
    # a multi-word entry's first two keys are looked up in a table of pairs, or (a table too large) searched in
    # the sorted pairs: both ways, the matches are the character matcher's
    from toolkit.hedging import _table

    docs = _frame(["".join(w + sep for w, sep in pairs)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_table, "_PAIR_TABLE_MAX", _table._PAIR_TABLE_MAX if table else 0)
        lex = _table._TableLexicon(_matcher(_resolve_lexicon(_OVERLAPPING)), ["would", "like", "to", "thank"])
        assert (lex.pair_table is not None) == table
        new = _find_stance(docs, lexicon=_OVERLAPPING, categories=None, rules=rules, non_english="keep")
    pd.testing.assert_frame_equal(new, _reference(docs, rules=rules, lexicon=_OVERLAPPING))


@given(
    vocab=st.lists(st.text(alphabet=st.sampled_from(list("ab'’-‐")), min_size=1, max_size=4), unique=True),
    asked=st.lists(st.text(alphabet=st.sampled_from(list("ab'’-‐")), max_size=4), max_size=6),
)
def test_tokens_share_a_key_id_when_their_keys_are_equal(vocab, asked):
    key_of, key_id = hedging_table_module._key_ids(vocab)
    keys = [v.translate(hedging_table_module._KEY) for v in vocab]
    for i, a in enumerate(keys):
        assert key_id(a) == key_of[i]
        for j, b in enumerate(keys):
            assert (key_of[i] == key_of[j]) == (a == b)
    for k in asked:  # a string no token has as its key (or that is no key) has none
        assert (key_id(k) == -1) == (k not in keys)


@pytest.mark.parametrize(
    "text",
    [
        "Let's'ok",
        "let's’we say it",
        "Let’s-go, one's'own way",
        "that's.so, it's'a deal",
        "let's\u00ad'ok",
        "let 's go, let\n's see",  # an apostrophe and s apart from the word: no clitic, no "let's"
    ],
)
def test_a_pattern_that_ends_in_the_clitic_s_ends_where_the_clitic_does(text):
    # nothing joins a clitic: "let's'ok" is let, 's and ok, so "let's" is whole tokens there, and the character
    # matcher (which asked of its end what a word's end asks: no apostrophe and word next) finds it as the tokens do
    docs = _frame([text])
    found = _find_stance(
        docs, lexicon=None, categories=None, rules=True, method="rules", model=None, non_english="keep"
    )
    pd.testing.assert_frame_equal(found, _reference(docs, rules=True, method="rules"))
    tokens = tk.tokenize(text)
    for match in found["match"]:
        assert all(t in tokens for t in tk.tokenize(match))


# the frames every context rule reads (each rule's keeping and dropping contexts), filler words (long ones cut by
# the rules' 90-character windows) and the marks that end a clause or a sentence, in any order
_RULE_FRAMES = [
    "it should be enough",
    "that should arrive",
    "I should think so",
    "Should that happen",
    "Should we act?",
    "we should also stress",
    "I should like to congratulate",
    "not really sure",
    "I do not doubt",
    "no doubt",
    "we strongly believe",
    "I don't really think",
    "we do believe",
    "he said that China would",
    "I would also like to thank",
    "we'd been",
    "I'd better",
    "we'd need",
    "would like in particular to note",
    "would once again like to welcome",
    "I would call on",
    "what I would call",
    "must have been",
    "must have known",
    "the need to",
    "needs to",
    "ought to be",
    "ought to arrive",
    "about a dozen",
    "about 8",
    "around $5",
    "some 300",
    "talked about it",
    "as soon as possible",
    "the lowest possible",
    "if possible",
    "would rather",
    "rather than",
    "a certain",
    "is certain that",
    "not certain",
    "appear in",
    "appears to",
    "seems",
    "feel like a car",
    "feel like we",
    "feel that",
    "I feel we",
    "I feel comfortable",
    "the feel",
    "a thought",
    "think about",
    "believe in",
    "is supposed to",
    "fully support",
    "implement fully",
    "firmly oppose",
    "determined to",
    "been determined to",
    "demonstrates that",
    "demonstrated",
    "in May",
    "May 5",
    "May I",
    "May God bless",
    "may the Lord",
    "if we may",
    "let me",
    "allow me to",
    "the US",
    "us all",
    "I think that",
    "we hope so",
    "it may be",
    "they might",
    "perhaps",
    "clearly",
    "of course",
    "in fact",
    "we must",
    "you should",
    "would",
    "could",
    "not be so sure",
]
_FILLER = (
    "the of and China peace internationalization responsibilities U.S. 1,000 well-known e.g. China's it's x yy we I"
).split()
_RULE_MARKS = [
    " ",
    " ",
    " ",
    " ",
    "  ",
    ". ",
    ".",
    "? ",
    "! ",
    "; ",
    ": ",
    ", ",
    "\n",
    "\n\n",
    " \n \n",
    "“",
    "” ",
    '"',
    "’",
    "'",
    "-",
    "(",
    ") ",
    "\u2028",
    "\t",
    "?",
    "!",
    ";",
    ":",
]
rule_text = st.lists(
    st.tuples(st.one_of(st.sampled_from(_RULE_FRAMES), st.sampled_from(_FILLER)), st.sampled_from(_RULE_MARKS)),
    max_size=40,
).map(lambda pairs: "".join(w + m for w, m in pairs))


@given(texts=st.lists(rule_text, min_size=1, max_size=3), method=st.sampled_from(["learned", "rules"]))
@settings(max_examples=150, deadline=None)
def test_the_rules_on_token_arrays_decide_every_match_as_the_rules_on_characters(texts, method):
    """The context rules and the model's features computed for a stream of documents on arrays
    (``_decide_on_arrays``) give each match the outcome that ``_decide`` gives it from the characters."""
    docs = _frame(texts)
    new = _find_stance(docs, lexicon=None, categories=None, rules=True, method=method, model=None, non_english="keep")
    pd.testing.assert_frame_equal(new, _reference(docs, rules=True, method=method))


def _every_token_in_context(texts: list[str]):
    """Each token of the texts taken as a match: the stream, its contexts on arrays and the positions, for the
    documents the token path decides on arrays (tokens without marks or format characters, simple case)."""
    from toolkit.hedging._table import _Contexts, _Stream, _TableWork

    table = token_table(_frame(texts))
    work = _TableWork(table, _matcher(_resolve_lexicon(None)), True, None, "keep")
    stream = _Stream()
    for i, text in enumerate(table.texts):
        scanned = work.scan(i, text, stream.next_base, stream.scanned)
        if not scanned[-1][4]:  # no odd token
            stream.add(i, text, scanned)
    if not stream.docs:
        return None
    stream.done()
    real = np.flatnonzero((stream.ids >= 0) & np.array(stream.simple)[stream.tok_doc])
    k, s, e = stream.tok_doc[real], stream.starts[real], stream.ends[real]
    return stream, work.low, _Contexts(stream, work.low, stream.low_tok(work.low), k, s, e), k, s, e


@given(
    words=st.lists(
        st.one_of(
            st.sampled_from(["don't", "dont", "nt", "can't", "wouldnt", "early", "12", "١٢", "½", "greatest", "best"]),
            st.text(alphabet=st.sampled_from(list("ablyestdn't09é²\n٣")), max_size=8),
        ),
        max_size=25,
    ),
    more=st.lists(st.text(alphabet=st.sampled_from(list("lyedn't7ü")), max_size=6), max_size=5),
)
@settings(max_examples=200)
def test_the_screened_properties_of_context_words_are_those_of_their_tests(words, more):
    """Each property with a test is tested only on the words its screen finds: every word the test accepts is
    among them (a word with a line break, which a token never holds, gets every word tested)."""
    from toolkit.hedging._table import _LOW_PROPS, _PROP_SCREENS, _LowVocab

    assert {name for name, (_, test) in _LOW_PROPS.items() if test is not None} == set(_PROP_SCREENS)
    low = _LowVocab(words)
    first = {name: low.prop(name).copy() for name in _LOW_PROPS}
    low.add(more)  # words added later are screened on their own
    for name, (listed, test) in _LOW_PROPS.items():
        got = low.prop(name)
        assert got[: len(first[name])].tolist() == first[name].tolist()
        expected = [s is not None and (s in listed or (test is not None and test(s))) for s in low.strings]
        assert got.tolist() == expected, name


@given(
    batches=st.lists(
        st.lists(st.sampled_from(["we", "may", "the", "may", "x", "’s", "", "ü", "a"]), max_size=12), max_size=5
    )
)
@settings(max_examples=200)
def test_the_context_vocabulary_numbers_each_new_word_once_in_the_order_first_met(batches):
    """_LowVocab.add (its lookups in C) gives the ids a loop of dict lookups gives: a new word the next id, in the
    order first met, within a batch and across batches; a word met before its id; ``strings`` each id's word."""
    from toolkit.hedging._table import _LOW_WORDS, _LowVocab

    low = _LowVocab(batches[0] if batches else [])
    ids: dict[str, int] = {}
    for w in [*_LOW_WORDS, *(batches[0] if batches else [])]:
        ids.setdefault(w, len(ids) + 1)  # id 0 is no word (_PAD)
    assert low.of_vocab.tolist() == [ids[w] for w in (batches[0] if batches else [])]
    for batch in batches[1:]:
        got = low.add(batch)
        for w in batch:
            ids.setdefault(w, len(ids) + 1)
        assert got.tolist() == [ids[w] for w in batch]
    assert low.strings == [None, *ids]
    assert low.of_ids.tolist() == [0, *low.of_vocab.tolist()]  # the separators' id -1 first


@given(
    a=st.lists(st.integers(-5, 40), max_size=30).map(sorted),
    v=st.lists(st.integers(-8, 45), max_size=30),
    rising=st.booleans(),
)
@settings(max_examples=300)
def test_the_compiled_search_from_the_last_answer_is_numpys_searchsorted(a, v, rising):
    # queries in any order (the search starts from the last answer and gallops either way) or rising
    a, v = np.asarray(a, dtype=np.int64), np.asarray(sorted(v) if rising else v, dtype=np.int64)
    for right in (False, True):
        side = "right" if right else "left"
        assert _kernels.search_sorted(a, v, right).tolist() == np.searchsorted(a, v, side=side).tolist()


def _clause_bounds_numpy(
    ev_start: np.ndarray,
    ev_end: np.ndarray,
    punct: np.ndarray,
    base: np.ndarray,
    stop: np.ndarray,
    s: np.ndarray,
    e: np.ndarray,
    window: int,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`toolkit._kernels.clause_bounds` as whole-array numpy expressions (the table's code before the
    compiled loop)."""
    lo = np.maximum(base, s - window)
    # the clause's start: the end of the last break inside text[lo:s]
    j = np.searchsorted(ev_end, s, side="right") - 1  # the events begin with a sentinel (-1, -1)
    x = np.where(ev_start[j] >= lo, ev_end[j], lo)
    x = np.where((s > lo) & _has(punct, s - 1), s, x)  # "[.!?;:]$": punctuation right before the match
    # the clause's end: the start of the first break inside text[e:w_end]
    w_end = np.minimum(e + window, stop)
    j = np.searchsorted(ev_start, e, side="left")  # ... and end with one (2**62, 2**62)
    y = np.where(ev_end[j] <= w_end, ev_start[j], w_end)
    y = np.where((w_end > e) & _has(punct, w_end - 1), np.minimum(y, w_end - 1), y)
    return x, y


def _side_bounds_numpy(
    cb: np.ndarray, ce: np.ndarray, starts: np.ndarray, ends: np.ndarray, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, ...]:
    """:func:`toolkit._kernels.side_bounds` as whole-array numpy expressions (the table's code before the compiled
    loop)."""
    y = np.maximum(x, y)
    c0 = np.maximum(np.searchsorted(cb, x, side="right") - 1, 0)
    c1 = np.maximum(np.searchsorted(cb, y - 1, side="right") - 1, 0)
    cut0 = (y > x) & (cb[c0] < x) & (x < ce[c0])
    cut1 = (y > x) & (cb[c1] < y) & (y < ce[c1])
    last = len(starts) - 1  # the stream ends with a separator token at the end of its last text
    t_x = np.minimum(np.searchsorted(ends, x, side="right"), last)  # the first token ending after x
    odd0 = cut0 & (starts[t_x] <= x)
    t_y = np.minimum(np.searchsorted(ends, y, side="right"), last)
    odd1 = cut1 & (starts[t_y] < y)
    same = cut0 & cut1 & (c0 == c1) & (odd0 | odd1)
    t_from = np.searchsorted(starts, np.where(odd0, ce[c0], x), side="left")
    t_to = np.searchsorted(starts, np.where(odd1, cb[c1], y), side="left")
    n_tab = np.where(same, 0, np.maximum(t_to - t_from, 0))
    return y, c0, c1, odd0, odd1, same, t_from, n_tab


def _sentence_flags_numpy(stream, k: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`toolkit._kernels.sentence_flags` as whole-array numpy expressions (the table's code before the
    compiled loop)."""
    mk = stream.marks
    # sentence_end: the first of ".!?" or a blank line in text[e:e + 400]
    w_end = np.minimum(e + hedging_table_module._SENTENCE_END_READ, stream.stop[k])
    i = np.searchsorted(mk.sent, e)
    p = np.append(mk.sent, 2**62)[i]
    i = np.searchsorted(mk.blank_start, e)
    b_start, b_end = np.append(mk.blank_start, 2**62)[i], np.append(mk.blank_end, 2**62)[i]
    question = (p < w_end) & ~((b_end <= w_end) & (b_start < p)) & (_class_at(mk, p) == 2)
    # sentence_initial: nothing but whitespace before, or _SENTENCE_BEFORE in the 8 characters before
    cb, ce = mk.chunk_start, mk.chunk_end
    c = np.searchsorted(cb, s, side="right") - 1  # the match's chunk
    base = stream.base[k]
    first_chunk = (c == 0) | (cb[np.maximum(c - 1, 0)] < base)
    alone = first_chunk & (cb[c] == s)
    # the last character before s that is not whitespace (-1: none)
    q = np.where(cb[c] < s, s - 1, np.where(first_chunk, -1, ce[np.maximum(c - 1, 0)] - 1))
    w0 = np.maximum(base, s - 8)
    run = np.maximum(q + 1, w0)  # the whitespace at the end of the window
    blank = np.searchsorted(mk.newline, s) - np.searchsorted(mk.newline, run) >= 2
    at_q, before_q = _class_at(mk, q), _class_at(mk, q - 1)
    inside = q >= w0
    end_mark = (at_q == 1) | (at_q == 2)
    closer = np.isin(at_q, (5, 6, 8)) & (q - 1 >= w0) & ((before_q == 1) | (before_q == 2))
    opener = np.isin(at_q, (5, 7, 9))
    initial = alone | blank | (inside & (end_mark | closer | opener))
    return initial, question


@given(texts=st.lists(st.one_of(rule_text, any_text), min_size=1, max_size=3))
# blank lines before a question mark, quotation marks before a word
@example(texts=["Is it so\n\nthen? ‘Perhaps it is.’ “Maybe” so? (yes) ‘no’ we think\n \nit! ?"])
@example(texts=["We agree; ‘surely’ not.\n\n“Is it?” he asked. 'Probably'? — \"no\""])
@settings(max_examples=150, deadline=None)
def test_the_compiled_sentence_flags_are_what_numpy_gives(texts):
    """Whether each token, taken as a match, starts a sentence and ends in a question: the whole-array numpy
    form's answers."""
    got = _every_token_in_context(texts)
    if got is None:
        return
    stream, _, _, k, s, e = got
    mine = hedging_table_module._sentence_flags(stream, k, s, e)
    theirs = _sentence_flags_numpy(stream, k, s, e)
    for a, b in zip(mine, theirs, strict=True):
        assert a.tolist() == b.tolist()


@given(texts=st.lists(st.one_of(rule_text, any_text), min_size=1, max_size=3), seed=st.integers(0, 2**16))
@settings(max_examples=150, deadline=None)
def test_the_compiled_clause_and_side_bounds_are_what_numpy_gives(texts, seed):
    """The clause's edges and the sides' chunks, cut pieces and table tokens, for every token taken as a match
    and for random sides (any order, empty, reversed), are those of the whole-array numpy forms."""
    from toolkit.hedging._table import _WINDOW

    got = _every_token_in_context(texts)
    if got is None:
        return
    stream, _, _, k, s, e = got
    mk = stream.marks
    args = (mk.ev_start, mk.ev_end, mk.punct, stream.base[k], stream.stop[k], s, e, _WINDOW)
    for mine, theirs in zip(_kernels.clause_bounds(*args), _clause_bounds_numpy(*args), strict=True):
        assert mine.tolist() == theirs.tolist()
    x, y = _clause_bounds_numpy(*args)
    rng = np.random.default_rng(seed)
    end = int(stream.stop[-1])
    sides = [(x, s), (e, y), (rng.integers(0, end + 1, len(s)), rng.integers(0, end + 1, len(s)))]
    for lo, hi in sides:
        bounds = (mk.chunk_start, mk.chunk_end, stream.starts, stream.ends, lo.astype(np.int64), hi.astype(np.int64))
        for mine, theirs in zip(_kernels.side_bounds(*bounds), _side_bounds_numpy(*bounds), strict=True):
            assert mine.tolist() == theirs.tolist()


@given(
    cands=st.lists(st.tuples(st.integers(0, 12), st.integers(2, 4), st.booleans()), max_size=12),
)
def test_the_compiled_leftmost_longest_scan_keeps_what_the_loop_kept(cands):
    """The candidates kept by the compiled scan of multi-word matches are those the Python loop it replaced kept."""
    cands.sort(key=lambda c: (c[0], -c[1]))  # by start, the longer first, as spans orders them
    at = np.array([c[0] for c in cands], dtype=np.int64)
    length = np.array([c[1] for c in cands], dtype=np.int64)
    ok = np.array([c[2] for c in cands], dtype=bool)
    kept, covered = [], -1
    for q, (i, n, good) in enumerate(cands):
        if i < covered or not good:
            continue
        kept.append(q)
        covered = i + n
    assert _kernels.leftmost_longest(at, length, ok).tolist() == kept


def _side_get_numpy(flat, off, length, far_has, m, k, from_end, far_first, pad):
    """:func:`toolkit._kernels.side_get` as whole-array numpy expressions (the table's code before the compiled
    loop)."""
    k = np.broadcast_to(k, (len(m),))
    n = length[m]
    inside = (k <= n) if from_end else (k < n)
    idx = off[m] + (n - k if from_end else k)
    out = np.where(inside, flat[np.clip(idx, 0, max(len(flat) - 1, 0))] if len(flat) else pad, pad).astype(np.int32)
    return out, ~inside & far_has[m] & (from_end == far_first)


@given(
    lengths=st.lists(st.integers(0, 4), max_size=6),
    seed=st.integers(0, 2**16),
    from_end=st.booleans(),
    far_first=st.booleans(),
    one_k=st.booleans(),
)
@example(lengths=[0, 0], seed=0, from_end=True, far_first=True, one_k=True)  # no token at all: every read is pad
def test_the_compiled_read_of_a_sides_token_is_what_numpy_gives(lengths, seed, from_end, far_first, one_k):
    """Token k of each match's side (k past either end, 0 from the end, one k for all or one each), and whether
    the read goes on in the far piece."""
    rng = np.random.default_rng(seed)
    length = np.array(lengths, dtype=np.int64)
    off = np.cumsum(length) - length
    flat = rng.integers(1, 50, int(length.sum())).astype(np.int32)
    far_has = rng.random(len(length)) < 0.5
    m = rng.integers(0, len(length), 8).astype(np.int64) if len(length) else np.zeros(0, np.int64)
    k = rng.integers(0, 7, 1 if one_k else len(m)).astype(np.int64)
    args = (flat, off, length, far_has, m, k, from_end, far_first, 0)
    for mine, theirs in zip(_kernels.side_get(*args), _side_get_numpy(*args), strict=True):
        assert mine.dtype == theirs.dtype and mine.tolist() == theirs.tolist()


@given(texts=st.lists(rule_text, min_size=1, max_size=3))
@settings(max_examples=200, deadline=None)
def test_every_tokens_context_on_arrays_is_what_the_characters_give(texts):
    """Before and after every token (as if it were a match), the clause's tokens read on arrays, the start of a
    sentence and a question at its end are what ``_Context`` reads from the characters."""
    _check_contexts(texts)


@given(texts=st.lists(any_text, min_size=1, max_size=3))
@settings(max_examples=100, deadline=None)
def test_every_tokens_context_on_arrays_is_what_the_characters_give_in_any_text(texts):
    _check_contexts(texts)


def _check_contexts(texts: list[str]) -> None:
    from toolkit.hedging._rules import _Context
    from toolkit.hedging._table import _sentence_flags

    found = _every_token_in_context(texts)
    if found is None:
        return
    stream, low, ctx, k, s, e = found
    m = np.arange(len(k))

    def side(get, n):
        out = [[] for _ in m]
        for j in range(n):
            ids = get(m, j)
            for i in np.flatnonzero(ids != 0).tolist():
                out[i].append(low.strings[ids[i]])
        return out

    before = side(lambda m, j: ctx.before(m, j + 1), 50)
    after = side(lambda m, j: ctx.after(m, j), 50)
    initial, question = _sentence_flags(stream, k, s, e)
    for i in m.tolist():
        base = int(stream.base[k[i]])
        c = _Context(stream.doc_text(int(k[i])), int(s[i]) - base, int(e[i]) - base)
        assert before[i][::-1] == c.before_low() and after[i] == c.after_low()
        assert initial[i] == c.sentence_initial() and question[i] == (c.sentence_end() == "?")


@pytest.mark.parametrize(
    "template",
    [
        # the 90 characters before the cue begin inside "motif"/"unless"/"China's" ("if" read by the model), ...
        "{pad}motif China's unless, as {pad}we think so, you know",
        "{pad}said{pad}he would not{pad} really think so",
        # ... or those after it end inside an adverb the courtesy frame skips
        "we would also{pad} sincerely like to thank{pad}",
        "it should {pad}truly be enough, should it not?",
        # a mark right before the cue ends the clause ("[.!?;:]$")
        "{pad}he said;it would, we do not?sure",
    ],
)
def test_the_rules_read_the_edges_of_their_windows_as_the_characters_do(template):
    """Every offset of the window's edges against the words: a word cut by the edge is a piece of its own."""
    _assert_as_the_characters([template.format(pad=" " * (n % 7) + "x" * n) for n in range(0, 96)])


def _assert_as_the_characters(texts: list[str]) -> None:
    """The token path finds what the character path finds in ``texts``, with both methods."""
    docs = _frame(texts)
    for method in ("learned", "rules"):
        new = _find_stance(
            docs, lexicon=None, categories=None, rules=True, method=method, model=None, non_english="keep"
        )
        pd.testing.assert_frame_equal(new, _reference(docs, rules=True, method=method))


@pytest.mark.parametrize(
    "text",
    [
        "x" * 95 + " possible",
        "possible " + "x" * 100,
        "perhaps " + "w" * 100,
        "I think " + "v" * 100,
        "x" * 95 + " maybe",
        "https://" + "a" * 90 + " we may",
    ],
)
def test_a_long_chunk_beside_a_cue_the_model_decides_is_read_as_the_characters_read_it(text):
    """A word the 90 characters cut, read first by the model's features (it once crashed the array path)."""
    _assert_as_the_characters([text])


def test_a_changed_model_and_a_subclass_of_the_model_are_read_as_they_are():
    """The arrays read a model's weights as they are now, and leave a subclass's (or any model's) own keep() to be
    asked."""
    from toolkit.hedging import _find_in_docs
    from toolkit.hedging._decision import HedgeModel, _default_model

    docs = _frame(["We may agree, I think, and perhaps they could.", "It is possible that we would."])
    base = _default_model()
    lowered = HedgeModel(
        {k: (-50.0 if k.startswith("cue=") else v) for k, v in base.weights.items()}, base.intercept, base.threshold
    )

    class Never(HedgeModel):
        def keep(self, features):
            return False

    never = Never(base.weights, base.intercept, base.threshold)

    class KeepOnly:  # what _resolve_model accepts: any object with keep(features) -> bool, no weights
        def keep(self, features):
            return "cue=may" in features

    matcher = _matcher(_resolve_lexicon(None))
    for model in (base, lowered, never, KeepOnly()):
        new = _find_stance(
            docs, lexicon=None, categories=None, rules=True, method="learned", model=model, non_english="keep"
        )
        old = _match_frame(_find_in_docs(docs, matcher, True, "keep", [], model))
        pd.testing.assert_frame_equal(new, old)
    kept = {
        m: len(
            _find_stance(docs, lexicon=None, categories=None, rules=True, method="learned", model=m, non_english="keep")
        )
        for m in (base, lowered, never)
    }
    assert kept[base] > kept[lowered] >= kept[never]


def test_a_lexicon_the_token_matcher_cannot_read_falls_back_to_characters():
    lexicon = tk.load_lexicon(
        extra=pd.DataFrame(
            {
                "pattern": ["indisputabl*", "u.s."],
                "category": ["booster"] * 2,
                "rule": ["", ""],
                "kind": ["", ""],
                "note": ["test", "test"],
            }
        )
    )
    docs = _frame(["It is indisputably so, and the U.S. agrees.", "Indisputable. Perhaps we may."])
    new = _find_stance(docs, lexicon=lexicon, categories=None, rules=True, non_english="keep")
    pd.testing.assert_frame_equal(new, _reference(docs, lexicon=lexicon))
    assert {"indisputably", "Indisputable", "U.S."} <= set(new["match"])


@given(
    head=st.integers(19950, 20010),
    piece=st.sampled_from(["don't", "1,000", "China's", "U.S.", "it's", "ab'sx", "a.b", "x\u0301y", "word"]),
)
@example(head=19979, piece="China's")  # "china" ends in the window, "'s" after it: read from the slice
@example(head=19978, piece="it's")
@example(head=19979, piece="ΑΣ's")  # lower-cased as one character for one, the slice as the whole
@example(head=19976, piece="İstanbul's")
@example(head=19980, piece="a\U0001d400's")  # a character beyond U+FFFF (the text read as UTF-32)
@settings(max_examples=40)
def test_the_language_check_reads_the_first_20000_characters_as_english_share_does(head, piece):
    filler = ("the aa bb " * 2100)[:head]
    text = filler + piece + " and more text after"
    table = token_table(_frame([text]))
    from toolkit.hedging._table import _TableWork

    work = _TableWork(table, _matcher(_resolve_lexicon(None)), True, None, "skip")
    n, stops = work.english(text, work.scan(0, text, 7), 7)
    assert (n, stops / n if n else 0.0) == english_share(text)


@pytest.fixture(scope="module")
def small_corpus() -> pd.DataFrame:
    """Forty documents: speeches, an interview with quotes (voices), a non-English text, an empty one."""
    rng = np.random.default_rng(0)
    words = WORDS + PHRASES + ["said", "China", "the", "of", "and", "to", "peace", "."]
    texts = [" ".join(rng.choice(words, size=int(rng.integers(30, 200)))) for _ in range(36)]
    texts.append('The ambassador said: "We may perhaps agree, I think." Others would not.')
    texts.append(
        "Der Botschafter sagte, dass die Gespräche gut verlaufen würden und dass man sich einigen werde, "
        "aber nicht heute oder morgen, sondern später im Jahr, wenn alle wieder da sind."
    )
    texts.append("")
    texts.append("Perhaps.")
    genres = ["speech"] * 36 + ["interview", "speech", "speech", "speech"]
    return _frame(
        texts, speaker="Xing Haiming", genre=genres, country=[["CHN", "USA", "KOR"][i % 3] for i in range(40)]
    )


def _assert_same_table(table1: TokenTable, other: TokenTable) -> None:
    """Every array of the two tables the same, with its dtype; each count row's terms in the same order."""
    for name in ("chunk_ptr", "ctok_ptr", "ctok_ids", "ctok_start", "ctok_end", "totals", "term_of"):
        a, b = getattr(table1, name), getattr(other, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    assert np.array_equal(np.concatenate(table1.chunks), np.concatenate(other.chunks))
    for i in range(len(table1)):  # each document's chunks read from one of the arrays
        assert np.array_equal(table1.doc_chunks(i), other.doc_chunks(i))
    assert table1.counts.shape == other.counts.shape
    assert table1.counts.has_sorted_indices == other.counts.has_sorted_indices
    for name in ("data", "indices", "indptr"):  # each row's terms in the same (first-seen) order
        a, b = getattr(table1.counts, name), getattr(other.counts, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    assert table1.vocab == other.vocab and table1.terms == other.terms


@settings(max_examples=40)
@given(
    texts=st.lists(st.one_of(text_strategy, _glued_text), min_size=1, max_size=4),
    repeat=st.lists(st.integers(1, 30), min_size=4, max_size=4),
    n_jobs=st.integers(2, 3),
)
def test_a_long_text_cut_into_pieces_gives_the_table_of_the_whole_text(monkeypatch, texts, repeat, n_jobs):
    """Invariant: the threads' pieces of long texts (cut at chunk starts, their rows summed) give the table that
    one thread makes of the whole texts, every array the same; the pieces cover each text, in order."""
    import toolkit.tokentable as tokentable

    texts = [t * r for t, r in zip(texts, repeat)]  # some texts far longer than the others
    # a short first text with the words backwards: the later texts' terms numbered out of their order there
    texts = [" ".join(reversed(" ".join(texts).split()))[:300], *texts]
    docs = _frame(texts)
    monkeypatch.setattr(tokentable, "PIECE_MIN", 1)
    pieces = tokentable._pieces(texts, tokentable.text_lengths(texts), n_jobs)
    if pieces is not None:
        for i, text in enumerate(texts):
            own = pieces[pieces[:, 0] == i]
            assert own[0, 1] == 0 and own[-1, 2] == len(text) and (own[1:, 1] == own[:-1, 2]).all()
            assert (own[:, 2] > own[:, 1]).all() or len(own) == 1
            for b in own[1:, 1].tolist():  # each cut at a chunk start: whitespace before, none at it
                assert text[b - 1].isspace() and not text[b].isspace()
    _assert_same_table(token_table(docs), token_table(docs, n_jobs=n_jobs))


def test_one_long_text_is_tokenized_by_several_threads(monkeypatch):
    """A corpus of one long text and short ones (kept by pyarrow, as pandas 3 keeps them): the long text is cut
    into a piece per share of the batches and its table is the whole text's."""
    import toolkit.tokentable as tokentable

    long = " ".join(["We may, perhaps, oppose it.\n\nMr. Xing said: ‘İstanbul’ is ﬁne"] * 400)
    texts = ["", "ﬁne is ‘İstanbul’ said: Xing it oppose perhaps", long, "Possibly.", "  the end  "]
    monkeypatch.setattr(tokentable, "PIECE_MIN", 1000)
    pieces = tokentable._pieces(texts, tokentable.text_lengths(texts), 2)
    assert pieces is not None and (pieces[:, 0] == 2).sum() == 4  # 4 shares of the batches: all in the long text
    # the texts kept by pyarrow (pandas 3's default), and as Python strings
    for docs in (_frame(texts).astype({"text": "string[pyarrow]"}), _frame(texts).astype({"text": object})):
        table = token_table(docs, n_jobs=2)
        _assert_same_table(token_table(docs), table)
        pd.testing.assert_frame_equal(tk.count_terms(table), tk.count_terms(docs))
        pd.testing.assert_frame_equal(tk.find_stance(table, n_jobs=2), tk.find_stance(docs))
    # a text without whitespace is not cut (and read once to find that out)
    one = tokentable._pieces(["x" * 5000, "a"], np.array([5000, 1]), 2)
    assert one is not None and one[:, 0].tolist() == [0, 1] and one[0, 2] == 5000


def test_a_table_keeps_the_code_points_of_the_texts_it_cut_within_its_bound(monkeypatch):
    """The code points of a text cut into pieces are made once and kept (TokenTable.code_points), as many as
    KEEP_POINTS bytes; not pickled, not taken; the table is the same whether they were kept or each piece was
    encoded alone."""
    import pickle

    import toolkit.tokentable as tokentable
    from toolkit._tokens import code_points

    long = " ".join(["We may, perhaps, oppose it.\n\nMr. Xing said: ‘İstanbul’ is ﬁne"] * 400)
    texts = ["short", long, "Possibly " * 2000]
    monkeypatch.setattr(tokentable, "PIECE_MIN", 1000)
    docs = _frame(texts)
    table = token_table(docs, n_jobs=2)
    assert set(table._points) == {1, 2}  # both cut; the first is not
    for i, text in enumerate(texts):
        assert np.array_equal(table.code_points(i), code_points(text))
    assert table.code_points(1) is table.code_points(1)  # kept, not made again
    again = pickle.loads(pickle.dumps(table))
    assert again._points == {} and table._points and np.array_equal(again.code_points(1), code_points(long))
    assert table.take(range(1, 3))._points == {}
    bound = code_points(long).nbytes  # room for one of the two (which one: the thread that comes first)
    monkeypatch.setattr(tokentable, "KEEP_POINTS", bound)
    bounded = token_table(docs, n_jobs=2)
    assert len(bounded._points) == 1 and sum(a.nbytes for a in bounded._points.values()) <= bound
    monkeypatch.setattr(tokentable, "KEEP_POINTS", 0)  # none kept: each piece encoded alone
    none = token_table(docs, n_jobs=2)
    assert none._points == {}
    for other in (bounded, none):
        _assert_same_table(table, other)


def test_no_more_code_points_are_held_than_the_table_keeps(monkeypatch):
    """A text the table does not keep the code points of is never encoded whole by the table (its pieces are
    encoded alone), and the stance markers' pieces hold only what the table keeps (a second reader's finding:
    every cut text's code points were held for the whole find, past KEEP_POINTS)."""
    import toolkit.hedging as hedging
    import toolkit.tokentable as tokentable
    from toolkit.hedging import _table as hedging_table

    long = " ".join(["We may, perhaps, oppose it.\n\nMr. Xing said: ‘İstanbul’ is ﬁne"] * 800)
    docs = _frame(["short", long, long[::-1]])
    monkeypatch.setattr(tokentable, "PIECE_MIN", 1000)
    monkeypatch.setattr(hedging_table, "_PIECE_MIN", 1000)
    encoded: list[int] = []
    real = tokentable.code_points

    def recorded(text):
        encoded.append(len(text))
        return real(text)

    monkeypatch.setattr(tokentable, "code_points", recorded)
    # room for none, for one of the two long texts (the one a thread comes to first), for both
    for bound, n_kept in ((0, 0), (2 * len(long) + 1, 1), (1 << 28, 2)):
        monkeypatch.setattr(tokentable, "KEEP_POINTS", bound)
        encoded.clear()
        table = token_table(docs, n_jobs=2)
        kept = {i for i in range(3) if table.keeps_code_points(i)}
        assert len(kept) == n_kept and kept <= {1, 2}
        whole = [n for n in encoded if n == len(long)]
        assert len(whole) == len(kept), (bound, encoded)  # a text not kept: only its pieces were encoded
        _, matcher, learned = hedging._stance_options(None, None, True, None, None, "raise")
        encoded.clear()  # the markers read the code points the table keeps; another text's are made and let go
        work = hedging_table._TableWork(table, matcher, True, learned, "raise", 2)
        found = hedging_table._stance_batch(work, range(len(work.units)))
        cut = {int(u) for u in work.units[work.units[:, 2] > 1, 0]}
        assert cut == {1, 2} and len([n for n in encoded if n == len(long)]) == 2 - n_kept and len(found["doc"])


@pytest.mark.filterwarnings("ignore:.*left out 1 document")
def test_every_measure_is_the_same_on_a_table_and_whatever_n_jobs(small_corpus):
    docs = small_corpus
    table1 = token_table(docs)
    table2 = token_table(docs, n_jobs=2)
    for other in (table2, token_table(docs, n_jobs=3)):
        _assert_same_table(table1, other)
        assert len(other.chunks) > 1

    ref = _reference(docs, non_english="skip")
    for source, jobs in ((docs, None), (docs, 2), (table1, None), (table2, 2)):
        found = tk.find_stance(source, non_english="skip", n_jobs=jobs)
        pd.testing.assert_frame_equal(found, ref)
        assert [d["doc_id"] for d in found.attrs["skipped"]] == ["d37"]

    old_matches = ref.copy()
    old_matches.attrs["skipped"] = []
    kept = docs[docs["doc_id"] != "d37"]
    expected = _match_rates(
        old_matches,
        kept,
        by="country",
        categories=list(tk.hedging.CATEGORIES),
        n_resamples=200,
        seed=3,
        confidence=0.95,
        voices=tk.rates.OWN_VOICES,
        segments=tk.split_voices(kept),  # what the deprecated default, "auto", splits
    )
    for source, jobs in ((docs, None), (table2, 2)):
        with pytest.warns(UserWarning):
            rates = tk.stance_rates(source, by="country", n_resamples=200, seed=3, non_english="skip", n_jobs=jobs)
        pd.testing.assert_frame_equal(rates, expected)

    # categories named twice, in another order: each rated once, in the order first named
    with pytest.warns(UserWarning):
        twice = tk.stance_rates(
            table1,
            by="country",
            categories=["booster", "booster", "hedge"],
            n_resamples=200,
            seed=3,
            non_english="skip",
        )
    assert twice["category"].tolist()[:2] == ["booster", "hedge"]
    pd.testing.assert_frame_equal(
        twice.set_index(["country", "category"]).sort_index(),
        expected[expected["category"].isin(["booster", "hedge"])]
        .set_index(["country", "category"])
        .sort_index()
        .drop(columns=[]),
        check_exact=False,
        rtol=1e-12,
    )

    counts = tk.count_terms(docs, by="country")
    for source, jobs in ((docs, 2), (table1, None), (table2, 2)):
        pd.testing.assert_frame_equal(tk.count_terms(source, by="country", n_jobs=jobs), counts)
        pd.testing.assert_frame_equal(
            tk.dispersion(source, by="country", n_jobs=jobs), tk.dispersion(docs, by="country")
        )
        pd.testing.assert_frame_equal(
            tk.compare_groups(source, by="country", target="CHN", n_jobs=jobs),
            tk.compare_groups(docs, by="country", target="CHN"),
        )
        # the permutation test shuffles the documents' rows of the matrix, in the sorted terms' order
        pd.testing.assert_frame_equal(
            tk.compare_groups(source, by="country", target="CHN", permutations=30, seed=1, n_jobs=jobs),
            tk.compare_groups(docs, by="country", target="CHN", permutations=30, seed=1),
        )
    dtm = tk.document_term_matrix(docs, vocabulary=["peace", "china", "absent"])
    on_table = tk.document_term_matrix(table1, vocabulary=["peace", "china", "absent"])
    assert (dtm.matrix != on_table.matrix).nnz == 0 and np.array_equal(dtm.totals, on_table.totals)


@pytest.mark.filterwarnings("ignore:.*left out 1 document")
@settings(max_examples=15, deadline=None)
@given(size=st.one_of(st.integers(1, 7000), st.just(10**7)), n_jobs=st.sampled_from([1, 2]))
@example(size=10**7, n_jobs=1)
def test_the_markers_do_not_depend_on_how_many_tokens_a_stream_holds(small_corpus, size, n_jobs):
    # a worker matches its documents a stream at a time, a stream closed once it holds _STREAM_TOKENS tokens:
    # from one document a stream (size 1) to the whole corpus in one (its 40 documents hold 6,556 tokens)
    import toolkit.hedging._table as hedging_table

    table = token_table(small_corpus)
    default = hedging_table._STREAM_TOKENS
    try:
        hedging_table._STREAM_TOKENS = size
        found = tk.find_stance(table, non_english="skip", n_jobs=n_jobs)
    finally:
        hedging_table._STREAM_TOKENS = default
    pd.testing.assert_frame_equal(found, _reference(small_corpus, non_english="skip"))


@pytest.mark.filterwarnings("ignore:.*left out 1 document")
@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_workers_that_do_not_fork_get_their_slice_and_the_same_results(small_corpus, monkeypatch, method):
    monkeypatch.setattr(parallel, "START_METHOD", method)
    table = token_table(small_corpus, n_jobs=2)
    assert np.array_equal(np.concatenate(table.chunks), np.concatenate(token_table(small_corpus).chunks))
    pd.testing.assert_frame_equal(
        tk.find_stance(table, non_english="skip", n_jobs=2), _reference(small_corpus, non_english="skip")
    )
    with pytest.warns(UserWarning):
        spawned = tk.stance_rates(table, by="country", n_resamples=200, non_english="skip", n_jobs=2)
    monkeypatch.setattr(parallel, "START_METHOD", None)
    with pytest.warns(UserWarning):
        pd.testing.assert_frame_equal(
            spawned, tk.stance_rates(table, by="country", n_resamples=200, non_english="skip")
        )


def test_the_part_of_a_table_a_worker_receives_has_exactly_its_documents(small_corpus):
    table = token_table(small_corpus, n_jobs=2)  # chunks kept in several arrays
    for rows in (range(0, 1), range(3, 17), range(10, 40), range(39, 40)):
        part = table.take(rows)
        assert list(part.doc_ids) == list(table.doc_ids[rows.start : rows.stop])
        assert (part.counts != table.counts[rows.start : rows.stop]).nnz == 0
        for k, i in enumerate(rows):
            for a, b in zip(part.doc_tokens(k), table.doc_tokens(i)):
                assert np.array_equal(a, b)


def test_a_table_knows_when_a_text_changed_and_bad_n_jobs_are_named(small_corpus):
    table = token_table(small_corpus)
    table.texts = list(table.texts)  # a TextColumn (pyarrow strings) is read-only: a list of them to change
    table.texts[0] = table.texts[0] + " and one more sentence"
    with pytest.raises(ValueError, match="doc_id 'd0' changed after its token table was made"):
        tk.find_stance(table)
    for bad in (0, -2, 1.5, "2", True):
        with pytest.raises(ValueError, match="n_jobs="):
            token_table(small_corpus, n_jobs=bad)
    with pytest.raises(ValueError, match="doc_id"):
        token_table(pd.DataFrame({"doc_id": ["a", "a"], "text": ["x", "y"]}))
    assert repr(token_table(small_corpus)).startswith("TokenTable(40 documents")
    assert isinstance(token_table(table), TokenTable)


def test_the_lexicon_compiles_only_the_expression_a_text_reads():
    from toolkit.hedging._lexicon import _Matcher

    matcher = _Matcher(_resolve_lexicon(None))
    marked = matcher.spans("We may\u00ad perhaps agree")  # a soft hyphen: matched on the translated text
    assert "regex" in matcher.__dict__ and "plain" not in matcher.__dict__
    assert [p for _, _, p in marked] == [p for _, _, p in matcher.spans("We may perhaps agree")]
    assert "plain" in matcher.__dict__


def _sum_batch(shared, batch):
    import gc

    return sum(shared[i] for i in batch), gc.get_freeze_count() > 0


@pytest.mark.parametrize("frozen_by_caller", [False, True])
def test_forked_workers_see_the_callers_objects_frozen_and_the_caller_gets_its_state_back(
    frozen_by_caller, monkeypatch
):
    import gc
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    monkeypatch.setattr(parallel, "START_METHOD", "fork")  # the suite's other threads would make it forkserver
    gc.freeze() if frozen_by_caller else gc.unfreeze()  # a known state, whatever ran before
    try:
        before = gc.get_freeze_count()
        results = parallel.map_batches(_sum_batch, list(range(10)), [range(0, 5), range(5, 10)], 2)
        assert results == [(10, True), (35, True)]  # the workers forked from a frozen process
        # unfrozen after; the caller's own frozen objects still frozen (fewer, as some of them are freed)
        assert gc.get_freeze_count() > 0 if frozen_by_caller else gc.get_freeze_count() == 0
        assert before > 0 if frozen_by_caller else before == 0
    finally:
        gc.unfreeze()


def test_pages_are_given_back_mid_way_only_after_arrays_of_a_million_rows_or_more(monkeypatch):
    calls = []
    monkeypatch.setattr(parallel, "release_memory", lambda: calls.append(True))
    for rows in (0, 10, parallel.TRIM_ROWS - 1, parallel.TRIM_ROWS, 10 * parallel.TRIM_ROWS):
        parallel.release_memory_of(rows)
    assert len(calls) == 2 and parallel.TRIM_ROWS == 1 << 20


def test_batches_cover_the_documents_in_order():
    sizes = [5, 0, 100, 3, 3, 3, 50, 0]
    for n in range(1, 10):
        for taper in (False, True):
            parts = parallel.batches(sizes, n, taper=taper)
            assert [i for p in parts for i in p] == list(range(len(sizes)))
            assert all(len(p) for p in parts) and len(parts) <= n
    assert parallel.batches([], 4) == [] == parallel.batches([], 4, taper=True)
    # tapered: each batch about n - k parts of n (n + 1) / 2; equal: about the same share each
    assert [len(p) for p in parallel.batches([99] * 10, 4, taper=True)] == [4, 3, 2, 1]
    # as many items as batches, or fewer (the pieces of one long text): one each, as equal batches give them
    assert parallel.batches([5, 5], 8, taper=True) == [range(0, 1), range(1, 2)] == parallel.batches([5, 5], 8)
    assert [len(p) for p in parallel.batches([99] * 12, 4)] == [3, 3, 3, 3]


def test_a_topic_model_and_keyness_read_the_table_as_they_read_the_frame(small_corpus):
    docs = small_corpus[small_corpus["text"].str.len() > 0]
    table = token_table(docs)
    on_frame = tk.TopicModel(k=3, method="nmf", seed=1, min_docs=1, max_docs=1.0).fit(docs)
    on_table = tk.TopicModel(k=3, method="nmf", seed=1, min_docs=1, max_docs=1.0).fit(table)
    assert list(on_frame.terms_) == list(on_table.terms_)
    np.testing.assert_allclose(on_frame.components_, on_table.components_)
    pd.testing.assert_frame_equal(on_frame.metadata_, on_table.metadata_)
    pd.testing.assert_frame_equal(
        tk.compare_groups(
            table, by="country", target="CHN", measure="fightin_words", prior="corpus", stop_words="english"
        ),
        tk.compare_groups(
            docs, by="country", target="CHN", measure="fightin_words", prior="corpus", stop_words="english"
        ),
    )


@pytest.mark.parametrize("texts", [[], [""], ["  \n "], ["—", "..."], ["", "We may perhaps."]])
def test_empty_and_tokenless_corpora_give_empty_results_as_the_text_path_does(texts):
    docs = (
        _frame(texts) if texts else pd.DataFrame({"doc_id": pd.Series([], dtype=str), "text": pd.Series([], dtype=str)})
    )
    table = token_table(docs, n_jobs=2)
    assert table.n_tokens == sum(len(tk.tokenize(t)) for t in texts)
    pd.testing.assert_frame_equal(tk.find_stance(table, non_english="keep"), _reference(docs))
    pd.testing.assert_frame_equal(tk.count_terms(table), tk.count_terms(docs))


@pytest.mark.parametrize("method", [None, "spawn"])
def test_sentences_and_a_one_document_groups_rates_are_the_same_on_several_cores(monkeypatch, method):
    import toolkit.text as text_module

    monkeypatch.setattr(parallel, "START_METHOD", method)
    monkeypatch.setattr(text_module, "_SENTENCE_PIECE", 300)  # long texts cut at line breaks into many pieces
    rng = np.random.default_rng(1)
    words = WORDS + PHRASES + ["the", "of", "and", ".", "?", "\n", "\n\n", "\r\n", "\u2028", "U.S.", "etc."]
    long = " ".join(rng.choice(words, size=3000))
    wrapped = "\n".join(" ".join(rng.choice(WORDS, size=8)) for _ in range(40))  # hard-wrapped: taken whole
    unbroken = " ".join(rng.choice(WORDS + ["."], size=400))  # no line break to cut at
    texts = [long, "We may perhaps agree.\nI think so. It is clear.", "", wrapped, unbroken, "\n" + long + "\n"]
    docs = _frame(texts, country=["A", "B", "B", "C", "C", "C"])
    assert len(text_module._sentence_units(texts, 2)) > len(texts)  # the long texts were cut
    pd.testing.assert_frame_equal(tk.split_sentences(docs, n_jobs=2), tk.split_sentences(docs))
    pd.testing.assert_frame_equal(tk.split_sentences(long, n_jobs=2), tk.split_sentences(long))
    one = tk.stance_rates(docs.iloc[:1], by="country", n_resamples=200, non_english="keep", n_jobs=2)
    assert (one["unit"] == "sentence").all() and one["n"].sum() > 0
    pd.testing.assert_frame_equal(
        one, tk.stance_rates(docs.iloc[:1], by="country", n_resamples=200, non_english="keep")
    )


_SENTENCE_GLUE = [". ", ".", "? ", "!\n", "\n\n", ".\u00a0", ".\u3000", " (", ".) ", "U.S. ", "e.g. ", ". \ufeff"]


@given(
    pieces=st.lists(st.tuples(any_text, st.sampled_from(_SENTENCE_GLUE)), min_size=1, max_size=8),
    quote=st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_a_one_document_groups_sentences_count_the_tokens_the_text_path_counts(pieces, quote):
    # stance_rates reads a sentence's tokens from the token table where its edges cut no chunk, and tokenizes
    # the others; match_rates on the frame tokenizes every sentence: the units, and so the rates, are the same
    import warnings

    text = "".join(t + glue for t, glue in pieces)
    if quote:  # a quotation attributed to nobody: the speech voice keeps the rest (the text is blanked there)
        text = 'He said: "We may agree." ' + text
    docs = _frame([text])
    if not tk.tokenize(text):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # single units, left-out documents: the same warnings both ways
        try:
            rated = tk.stance_rates(docs, n_resamples=100, non_english="keep")
        except ValueError:  # no token in the document's own voices: the other path must refuse it too
            with pytest.raises(ValueError):
                tk.match_rates(tk.find_stance(docs, non_english="keep"), docs, categories=list(CATEGORIES))
            return
        expected = tk.match_rates(
            tk.find_stance(docs, non_english="keep"), docs, categories=list(CATEGORIES), n_resamples=100
        )
    pd.testing.assert_frame_equal(rated, expected)


@given(
    text=any_text,
    cuts=st.lists(st.integers(0, 200), max_size=6),
    more=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), max_size=4),
    shuffle=st.randoms(use_true_random=False),
)
@settings(max_examples=150, deadline=None)
def test_units_read_from_the_table_count_the_tokens_of_any_slices_of_the_text(text, cuts, more, shuffle):
    # spans anywhere, inside a chunk too: where an edge cuts a chunk the slice is tokenized, else its tokens are
    # the table's chunks that begin between its offsets; either way what document_term_matrix counts in the
    # slice's text. The sentences of a text follow each other; here spans may also overlap and come in any order
    from itertools import pairwise
    from types import SimpleNamespace

    from toolkit._rating import _Prepared

    edges = sorted({0, len(text), *(min(c, len(text)) for c in cuts)})
    spans = list(pairwise(edges)) + [tuple(sorted((min(a, len(text)), min(b, len(text))))) for a, b in more]
    spans = spans or [(0, 0)]
    shuffle.shuffle(spans)
    sents = pd.DataFrame(
        {"doc_id": ["d0"] * len(spans), "start": [a for a, _ in spans], "end": [b for _, b in spans]}
    ).assign(text=[text[a:b] for a, b in spans])
    prep = SimpleNamespace(table=token_table(_frame([text])), table_row=np.array([0]), n_jobs=1)
    got = _Prepared._sentence_tokens(
        prep, np.array([0]), sents[["start", "end"]], np.zeros(len(spans), np.int64), [text]
    )
    expected = tk.document_term_matrix(sents[["doc_id", "text"]].assign(doc_id=[f"s{i}" for i in range(len(spans))]))
    assert got.tolist() == expected.totals.tolist()


@pytest.mark.parametrize("method", [None, "spawn"])
def test_a_long_document_cut_into_pieces_for_several_workers_gives_the_same_matches(monkeypatch, method):
    import toolkit.hedging._table as hedging_table

    monkeypatch.setattr(parallel, "START_METHOD", method)
    monkeypatch.setattr(hedging_table, "_PIECE_MIN", 500)
    rng = np.random.default_rng(2)
    words = WORDS + PHRASES + ["the", "of", "and", ".", "said", "\n"]
    texts = [" ".join(rng.choice(words, size=n)) for n in (4000, 30, 2500, 10)]
    docs = _frame(
        texts
        + [
            "Der Botschafter sagte, dass die Gespräche gut verlaufen würden und dass man sich einigen "
            "werde, aber nicht heute oder morgen, sondern später im Jahr, wenn alle wieder da sind. " * 120
        ]
    )
    units = hedging_table._work_units(np.array([len(t) for t in docs["text"]]), 3)
    assert (units[:, 2] > 1).sum() == 9  # three long documents (the German one too), a piece per worker
    with pytest.warns(UserWarning, match="d4"):
        found = tk.find_stance(docs, non_english="skip", n_jobs=3)
    pd.testing.assert_frame_equal(found, _reference(docs, non_english="skip"))
    assert [d["doc_id"] for d in found.attrs["skipped"]] == ["d4"]  # reported once, by its first piece


@pytest.mark.parametrize("n_jobs", [1, 3])
def test_a_long_document_not_in_english_cut_into_pieces_raises_as_the_whole_document_does(monkeypatch, n_jobs):
    # non_english="raise": the first piece of the German document judges its language and the parent raises,
    # naming it, with the numbers of its first 20,000 characters: the message of one process reading it whole
    import toolkit.hedging._table as hedging_table

    monkeypatch.setattr(hedging_table, "_PIECE_MIN", 500)
    rng = np.random.default_rng(3)
    english = " ".join(rng.choice(WORDS + ["the", "of", "and", "."], size=3000))
    german = "Der Botschafter sagte, dass die Gespräche gut verlaufen würden, aber nicht heute oder morgen. " * 400
    docs = _frame([english, german, english[:500]])
    units = hedging_table._work_units(np.array([len(t) for t in docs["text"]]), 3)
    assert (units[units[:, 0] == 1, 2] > 1).all()  # the German document is cut into pieces with 3 workers
    with pytest.raises(ValueError, match="doc_id 'd1' does not look like English") as raised:
        tk.find_stance(docs, n_jobs=n_jobs)
    with pytest.raises(ValueError) as whole:
        tk.find_stance(docs.iloc[[1]], n_jobs=1)
    assert str(raised.value) == str(whole.value)
    with pytest.raises(ValueError, match="d1"):
        tk.stance_rates(docs, n_jobs=n_jobs, n_resamples=100)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_on_the_comparison_corpus_the_token_path_gives_what_the_text_path_gave(data_dir):
    """The issue's check: same matches (both methods), offsets, rates, counts and keyness on the comparison
    corpus, the measures reading one table made by two workers."""
    docs = study.load_comparison_corpus(path=data_dir)
    table = token_table(docs, n_jobs=2)
    for method in ("learned", "rules"):
        found = tk.find_stance(table, method=method, non_english="skip", n_jobs=2)
        reference = _reference(docs, method=method, non_english="skip")
        pd.testing.assert_frame_equal(found, reference)
        assert len(found) > 40_000
    old_matches = reference.copy()
    pd.testing.assert_frame_equal(
        tk.stance_rates(table, by="country", method="rules", n_resamples=200, non_english="skip", n_jobs=2),
        _match_rates(
            old_matches,
            docs,
            by="country",
            categories=list(tk.hedging.CATEGORIES),
            n_resamples=200,
            seed=0,
            confidence=0.95,
            voices=tk.rates.OWN_VOICES,
            segments=tk.split_voices(docs),  # what the deprecated default, "auto", splits
        ),
    )
    pd.testing.assert_frame_equal(tk.count_terms(table, by="country"), tk.count_terms(docs, by="country"))
    pd.testing.assert_frame_equal(
        tk.compare_groups(table, by="country", target="CHN"), tk.compare_groups(docs, by="country", target="CHN")
    )


@given(
    texts=st.lists(st.text(max_size=8), max_size=8),
    start=st.integers(-10, 10),
    stop=st.integers(-10, 10),
    step=st.sampled_from([1, 2, -1, 3]),
)
def test_a_text_column_reads_as_the_list_of_its_texts(texts, start, stop, step):
    import pickle

    import pyarrow as pa

    from toolkit.tokentable import TextColumn

    column = TextColumn(pa.array(texts, type=pa.large_string()))
    assert len(column) == len(texts) and list(column) == texts
    assert [column[i] for i in range(-len(texts), len(texts))] == [texts[i] for i in range(-len(texts), len(texts))]
    assert list(column[start:stop:step]) == texts[start:stop:step]
    assert list(pickle.loads(pickle.dumps(column[start:stop]))) == texts[start:stop]
    for beyond in (len(texts), -len(texts) - 1):  # -len - 1 once hit the cache's empty start
        with pytest.raises(IndexError):
            column[beyond]


def test_a_pickled_slice_of_a_text_column_carries_its_texts_alone():
    import pickle

    import pyarrow as pa

    from toolkit.tokentable import TextColumn

    column = TextColumn(pa.chunked_array([pa.array(["x" * 1000] * 500), pa.array(["y" * 1000] * 500)]))
    assert len(pickle.dumps(column[499:501])) < 10_000 and list(pickle.loads(pickle.dumps(column[499:501]))) == [
        "x" * 1000,
        "y" * 1000,
    ]


def test_a_frame_of_pyarrow_strings_makes_the_table_of_its_python_strings(small_corpus):
    arrow = small_corpus.assign(text=small_corpus["text"].astype("string[pyarrow]"))
    python = small_corpus.assign(text=pd.Series(small_corpus["text"].tolist(), dtype=object))
    a, b = token_table(arrow, n_jobs=2), token_table(python)
    assert type(a.texts).__name__ == "TextColumn" and isinstance(b.texts, list)
    assert list(a.texts) == b.texts and a.vocab == b.vocab and (a.counts != b.counts).nnz == 0
    pd.testing.assert_frame_equal(tk.find_stance(a, non_english="skip"), tk.find_stance(b, non_english="skip"))
    pd.testing.assert_frame_equal(tk.count_terms(a, by="country"), tk.count_terms(b, by="country"))


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab \n\u00a0\u2003\u0301\u3000é\ufeff\uff01\U0001d15e", max_size=40), data=st.data())
def test_chunk_cuts_finds_the_chunk_starts_on_either_side_of_each_target(text, data):
    targets = np.array(sorted(data.draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=5))), np.int64)
    starts = chunk_starts(text).tolist()
    from toolkit.hedging._table import _nfc_plain_table

    plain = _nfc_plain_table()
    prev_at, prev_idx, next_at, next_idx, unsure = _kernels.chunk_cuts(
        code_points(text), _kernels.IS_SPACE, targets, plain
    )
    assert unsure == any(ord(c) >= 128 and not (ord(c) < len(plain) and plain[ord(c)]) for c in text)
    for j, t in enumerate(targets.tolist()):
        before = [s for s in starts if s <= t]
        after = [s for s in starts if s >= t]
        assert (prev_at[j], prev_idx[j]) == ((before[-1], len(before) - 1) if before else (0, 0))
        assert (next_at[j], next_idx[j]) == (
            (after[0], len(starts) - len(after)) if after else (len(text), len(starts))
        )


def test_workers_that_do_not_fork_get_the_plainness_of_their_long_documents_as_found_before(monkeypatch):
    # _unit_ranges reads whether each long document is plain once; a worker given its part of the work
    # (spawn, forkserver) gets its documents' answers, renumbered from its first document, not read again
    import toolkit.hedging._table as hedging_table

    monkeypatch.setattr(hedging_table, "_PIECE_MIN", 300)
    long = " ".join(["We may perhaps agree."] * 40)
    texts = [long, "a short one", long.replace("We", "ΣΑΣ"), long.replace("may", "ma\u0301y"), long + " \ufeff"]
    table = token_table(_frame(texts))
    work = hedging_table._TableWork(table, _matcher(tk.load_lexicon()), True, None, "keep", 2)
    assert work._plain_docs == {0: True, 2: False, 3: False, 4: True}
    monkeypatch.setattr(hedging_table, "_plain_text", lambda text: pytest.fail("read again"))
    for batch in (range(0, len(work.units)), range(int(np.flatnonzero(work.units[:, 0] == 2)[0]), len(work.units))):
        part = hedging_table._take_work(work, batch)
        first = int(work.units[batch.start][0])
        for i in np.unique(part.units[part.units[:, 2] > 1, 0]).tolist():
            assert part.plain_doc(i, part.table.texts[i]) == work._plain_docs[i + first]


def _batch_frame(work, found: dict) -> pd.DataFrame:
    """The rows of :func:`_stance_batch` (one batch of every unit) as a frame of labels, for comparing works."""
    return pd.DataFrame(
        {
            "doc": found["doc"].astype(np.int64),
            "start": found["start"],
            "end": found["end"],
            "outcome": pd.Series([found["outcomes"][c] for c in found["code"].tolist()], dtype=object),
            "pattern": pd.Series([work.lex.named[p] for p in found["pattern"].tolist()], dtype=object),
        }
    )


def _pieces_against_whole(
    monkeypatch,
    docs: pd.DataFrame,
    n_jobs: int,
    lexicon=None,
    method: str = "learned",
    non_english: str = "keep",
    piece_max: int | None = None,
):
    """Every unit of a work cut for ``n_jobs`` workers (and, with ``piece_max``, into pieces no longer than
    that), matched in this process, against the work of one that reads every document whole.

    The language is judged by a document's first piece; the caller (:func:`_find_in_table`) drops the other
    pieces' matches of a document judged not English, as done here."""
    import toolkit.hedging._table as hedging_table

    monkeypatch.setattr(hedging_table, "_PIECE_MIN", 500)
    table = token_table(docs)
    matcher = _matcher(_resolve_lexicon(lexicon))
    model = _resolve_model(method, None)
    # (the monkeypatch of a hypothesis test lasts through its examples: each sets what it needs)
    monkeypatch.setattr(hedging_table, "_PIECE_MAX", len(max(docs["text"], key=len)) + 1)
    whole = hedging_table._TableWork(table, matcher, True, model, non_english, 1)
    assert (whole.units[:, 2] == 1).all()
    monkeypatch.setattr(hedging_table, "_PIECE_MAX", _PIECE_MAX if piece_max is None else piece_max)
    cut = hedging_table._TableWork(table, matcher, True, model, non_english, n_jobs)
    got = hedging_table._stance_batch(cut, range(len(cut.units)))
    want = hedging_table._stance_batch(whole, range(len(whole.units)))
    assert got["foreign"] == want["foreign"]
    frame = _batch_frame(cut, got)
    frame = frame[~frame["doc"].isin([i for i, _, _ in got["foreign"]])].reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, _batch_frame(whole, want))
    return cut


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_words=st.integers(300, 3000),
    n_jobs=st.integers(2, 12),
    method=st.sampled_from(["learned", "rules"]),
    non_english=st.sampled_from(["keep", "skip"]),
)
def test_the_pieces_of_a_long_document_keep_exactly_its_matches(
    monkeypatch, seed, n_words, n_jobs, method, non_english
):
    """Invariant: a long document cut into pieces (each scanning its run and a margin) gives the matches, offsets
    and decisions of the whole document, for any length and number of pieces."""
    rng = np.random.default_rng(seed)
    words = WORDS + PHRASES + ["the", "of", "said", "\n", '"', "May", "we", "about", "a", "$", "?", "\n\n"]
    # clauses and sentences longer than a window, many matches: contexts that reach far past a cut
    words += ["the", "and", "which", "would", "think", "believe", "may", "some", "possibly", "I", "not"] * 6
    words = [w for w in words if w not in (".", ",", ";", "!")]
    texts = [" ".join(rng.choice(words, size=n)) for n in (n_words, 20, n_words // 2)]
    if non_english == "skip":  # and a document no piece of which looks English but the first: judged by it
        texts.append("Der Botschafter sagte, dass die Gespräche gut verlaufen würden. " * 40 + texts[0])
    cut = _pieces_against_whole(monkeypatch, _frame(texts), n_jobs, method=method, non_english=non_english)
    assert (cut.units[:, 2] > 1).any()


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_words=st.integers(300, 2000),
    n_jobs=st.integers(1, 4),
    piece_max=st.integers(300, 4000),
    method=st.sampled_from(["learned", "rules"]),
)
def test_a_document_longer_than_the_longest_piece_is_cut_with_any_n_jobs_and_keeps_its_matches(
    monkeypatch, seed, n_words, n_jobs, piece_max, method
):
    """Invariant: a document longer than _PIECE_MAX is cut into pieces no longer than it, with one worker too,
    and gives the matches, offsets and decisions of the whole document."""
    rng = np.random.default_rng(seed)
    words = WORDS + PHRASES + ["the", "of", "said", "\n", '"', "May", "we", "about", "a", "$", "?", "\n\n", "."]
    texts = [" ".join(rng.choice(words, size=n)) for n in (n_words, 20, n_words // 3)]
    cut = _pieces_against_whole(monkeypatch, _frame(texts), n_jobs, method=method, piece_max=piece_max)
    lengths = np.array([len(t) for t in texts])
    pieces = cut.units[cut.units[:, 1] == 0, 2]
    assert (pieces >= -(-lengths // piece_max)).all()  # none longer than piece_max (but for the chunk ends)
    assert (pieces[lengths > piece_max] > 1).all()


_FILLER = "We said so and we went home. " * 40


@pytest.mark.parametrize("gap", [905, 909, 912])
def test_a_match_that_ends_far_past_its_pieces_run_reads_what_follows_it(monkeypatch, gap):
    """A multi-word entry's words may be apart by any whitespace: "would like to" starts in the first piece's
    run and ends near its margin's end, and the speech act after it ("thank") lies past the part the piece
    scanned. The piece scans the whole document instead (found by a second reader: formula became hedge)."""
    head = _FILLER + "I would like"
    p = head.index("like", len(_FILLER))
    text = head + " " * gap + "to also also also"
    text += " " * (p + 1000 - len(text)) + "thank you all. "
    text += ("x " * 2 * p)[: 2 * p - len(text)]
    cut = _pieces_against_whole(monkeypatch, _frame([text]), 2, method="rules")
    assert cut.units[0, 8] == p  # the first piece's run ends at "like": the match starts in it


def test_a_question_mark_past_the_part_a_piece_scanned_still_counts_for_the_model(monkeypatch):
    """The learned model reads whether the sentence ends with "?" up to 400 characters after the match: "in my
    opinion" (its words 700 spaces apart) ends close to the first piece's margin, the "?" lies past it."""
    head = _FILLER + "this in"
    p = len(head) + 1
    text = head + " my" + " " * 700 + "opinion also we go on"
    text += " " * (p + 1000 - len(text)) + "right? "
    text += ("x " * 2 * p)[: 2 * p - len(text)]
    _pieces_against_whole(monkeypatch, _frame([text]), 2, method="learned")


@pytest.mark.parametrize(("length", "n_jobs"), [(8000, 2), (19000, 8)])
def test_the_first_piece_of_a_short_text_judges_its_language_on_all_of_it(monkeypatch, length, n_jobs):
    """english() counts a text of at most 20,000 characters from its scan: the first piece's scan is not the
    whole text (pieces this short are made only with a small _PIECE_MIN, as in these tests)."""
    text = ("Der Botschafter sagte es. " * 60 + "We said so and we went home. " * 3) * 200
    _pieces_against_whole(monkeypatch, _frame([text[:length]]), n_jobs, method="rules", non_english="skip")


def test_a_piece_whose_margin_cannot_settle_the_lexicons_scan_reads_the_whole_document(monkeypatch):
    """A run of overlapping candidates longer than the margin ("la di la di la ...": which "la di la" is kept
    depends on where the run began): the piece scans the whole document, and keeps the same matches."""
    import toolkit.hedging._table as hedging_table

    lexicon = pd.DataFrame({"pattern": ["la di la", "di"], "category": ["hedge", "booster"]})
    raised = []
    check = hedging_table._check_cuts

    def spy(*args):
        try:
            check(*args)
        except hedging_table._NoCut:
            raised.append(args[1])
            raise

    monkeypatch.setattr(hedging_table, "_check_cuts", spy)
    text = "We said so. " * 50 + "la di " * 1200 + "la. " + "We said so. " * 50
    _pieces_against_whole(monkeypatch, _frame([text, "la di la di la."]), 3, lexicon=lexicon)
    assert raised  # the check did stand down (else this test shows nothing)


@settings(max_examples=100, deadline=None)
@given(
    chunks=st.lists(st.tuples(st.integers(1, 400), st.sampled_from([" ", "\n", "\n\n  ", "\u2003"])), max_size=60),
    lead=st.sampled_from(["", " ", "\n"]),
    n_jobs=st.integers(1, 6),
    # plain; plain; read again: plain (CJK), not (NFC composes both), plain (no x with an acute accent)
    letter=st.sampled_from(["w", "é", "中", "e\u0301", "w\u0301", "x\u0301"]),
)
def test_the_pieces_of_a_long_document_own_runs_that_cover_it_and_scan_a_margin_past_them(
    monkeypatch, chunks, lead, n_jobs, letter
):
    """Every character of a document is in the run of exactly one unit; runs begin at chunk starts (no token
    cut); a piece scans from a chunk start at least the margin before its run to one at least the margin
    after (or the text's ends), with the right chunks: every context a kept match reads lies inside."""
    import toolkit.hedging._table as hedging_table

    monkeypatch.setattr(hedging_table, "_PIECE_MIN", 300)
    text = lead + "".join(letter * n + sep for n, sep in chunks)
    docs = _frame([text, "a short one", text[::-1]])
    table = token_table(docs)
    lengths = np.array([len(t) for t in docs["text"]])
    units, plain = hedging_table._unit_ranges(table, hedging_table._work_units(lengths, n_jobs), lengths)
    assert plain == {i: hedging_table._plain_text(docs["text"][i]) for i in np.unique(units[units[:, 2] > 1, 0])}
    margin = hedging_table._PIECE_MARGIN
    for i, t in enumerate(docs["text"]):
        starts = chunk_starts(t).tolist()
        rows = units[units[:, 0] == i]
        assert rows[:, 1].tolist() == list(range(len(rows)))
        assert rows[0, 7] == 0 and rows[-1, 8] == len(t) and (rows[1:, 7] == rows[:-1, 8]).all()
        for _, _, _, a, b, c_a, c_b, own_a, own_b in rows.tolist():
            assert own_a in starts + [0, len(t)] and own_b in starts + [len(t)]
            assert a in starts + [0] and b in starts + [len(t)]
            assert a == 0 or a <= own_a - margin
            assert b == len(t) or b >= own_b + margin
            assert (c_a, c_b) == (sum(s < a for s in starts), sum(s < b for s in starts))
    assert (units[:, 2] > 1).any() or n_jobs == 1 or len(text) <= 300 * 2


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab \n\u2003\u3000\u4e2d", max_size=60), data=st.data())
def test_the_next_chunk_start_read_from_a_window_is_that_of_the_whole_text(text, data):
    # the cut of the token table's threads (on a str) and of the stance workers (on code points): one function
    t = data.draw(st.integers(0, len(text)))
    stop = data.draw(st.integers(t, len(text)))
    # the chunk starts read by re (\S: not str.isspace), not by the table the function reads
    after = [m.start() for m in re.finditer(r"\S+", text) if t <= m.start() < stop]
    expected = after[0] if after else None
    assert next_chunk_start(text, t, stop) == expected
    assert next_chunk_start(code_points(text), t, stop) == expected


@pytest.mark.parametrize(
    ("text", "t", "start"),
    [("a" + " " * 100_000 + "b", 1, 100_001), ("a" * 50_000 + " b", 10, 50_001), (" " * 70_000, 5, None)],
)
def test_the_next_chunk_start_is_found_past_the_first_window(text, t, start):
    assert next_chunk_start(text, t, len(text)) == start
    assert next_chunk_start(code_points(text), t, len(text)) == start


def test_a_tables_term_order_sorts_its_terms_once_and_is_read_only():
    table = token_table(_frame(["Zebra apple Éclair zebra", "apple 10 ñu naïve Apple"]))
    order = table.term_order
    assert [table.terms[i] for i in order] == sorted(table.terms)
    assert table.term_order is order  # made once: count_terms and compare_groups read the same array
    with pytest.raises(ValueError):
        order[0] = 1


#: Cues in several cases, and two of a lexicon's own whose first letters are upper case past ASCII ("Élan") and
#: past the table of upper case letters ("Ｗide", fullwidth), to match in any case.
_CASED = [
    "US",
    "Us",
    "uS",
    "us",
    "May",
    "MAY",
    "may",
    "Should",
    "should",
    "I'd",
    "I’d",
    "Doubt",
    "doubt",
    "Feel",
    "Supposed",
    "Must",
    "need",
    "Ought",
    "Demonstrate",
    "determined",
    "Would",
    "Allow me to",
    "if I may",
    "Élan",
    "élan",
    "ÉLAN",
    "Ｗide",
    "ｗide",
    "we",
    "the",
    "clearly",
    "rather",
    "think",
    "believe",
    ".",
]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(words=st.lists(st.sampled_from(_CASED), min_size=1, max_size=30), method=st.sampled_from(["rules", "learned"]))
def test_the_flags_of_a_matched_word_read_on_arrays_are_those_of_its_text(words, method):
    """The flags the rules read of a matched word (its case from its first code points, the rest from its
    pattern) are what :data:`_WORD_FLAGS` gives of the text it matched, in every case and apostrophe."""
    from unittest import mock

    from toolkit.hedging._table import _FORMAT_RE, _WORD_FLAGS, _case_flags

    lexicon = pd.concat(
        [
            tk.load_lexicon(),
            pd.DataFrame(
                {
                    "pattern": ["élan", "ｗide"],
                    "category": "hedge",
                    "rule": "may_modal",
                    "kind": "epistemic",
                    "note": "",
                }
            ),
        ],
        ignore_index=True,
    )
    real = hedging_table_module._decide_on_arrays
    seen = []

    def checked(work, stream, j, k, s, e, pis, lead, outcome):
        texts = [stream.doc_text(kk) for kk in range(len(stream.docs))]
        matched = [
            texts[kk][a:b] for kk, a, b in zip(k.tolist(), (s - stream.base[k]).tolist(), (e - stream.base[k]).tolist())
        ]
        flags = {name: f[pis] for name, f in work.pattern_flags.items()} | _case_flags(lead, s, e)
        for name, f in _WORD_FLAGS.items():
            assert flags[name].tolist() == [f(_FORMAT_RE.sub("", w)) for w in matched], name
        seen.extend(matched)
        return real(work, stream, j, k, s, e, pis, lead, outcome)

    text = " ".join(words)
    with mock.patch.object(hedging_table_module, "_decide_on_arrays", checked):
        tk.find_stance(token_table(_frame([text, text.upper()])), lexicon=lexicon, method=method, non_english="keep")
    assert seen or not any(w.lower() in ("may", "us", "should", "would", "doubt", "élan", "ｗide") for w in words)


# an interview's voices: the speaker's quotes, another's, narration (own voices blank all but the first)
_QUOTED = st.sampled_from(
    [
        '"We may perhaps agree," Xing said. ',
        '"No doubt it fails," Kim said. ',
        "Mr. Kim said: \u201cWe firmly oppose it.\u201d ",
        "The envoy spoke at length. ",
        "\n\n",
        "Q: Why? A: I think so. ",
    ]
)


@given(
    texts=st.lists(st.lists(st.one_of(any_text, _QUOTED), min_size=1, max_size=4).map("".join), min_size=1, max_size=4),
    groups=st.lists(st.integers(0, 2), min_size=4, max_size=4),
    own=st.booleans(),
    piece=st.sampled_from([None, 16]),
)
@settings(max_examples=25, deadline=None)
def test_sentences_cut_ahead_do_not_change_the_rates(texts, groups, own, piece):
    # a one-document group's sentences cut in a process forked at the start (toolkit._rating.SentencesAhead) or
    # cut when the rates need them: the same rates, the same errors, with the speakers' own voices or all
    n = len(texts)
    texts = ['"We may agree," Xing said. ' + t for t in texts]  # each with words of the speaker's own
    docs = _frame(texts, grp=[str(g) for g in groups[:n]], speaker=["Xing"] * n, genre=["interview"] * n)
    kwargs = {"by": "grp", "n_resamples": 100, "non_english": "keep", "n_jobs": 2}
    if not own:
        kwargs["voices"] = None
    # long texts cut at line breaks into pieces (one after the other, ahead)
    assert_same_rates_cut_ahead_or_not(docs, kwargs, **({} if piece is None else {"_SENTENCE_PIECE": piece}))


def assert_same_rates_cut_ahead_or_not(docs, kwargs: dict, **patches) -> None:
    """stance_rates of ``docs`` with the sentences never cut ahead, then always (toolkit._rating.AHEAD_MIN set to
    2^62, then 0; ``patches``: names of toolkit.text set for both): the same rates, or the same error."""
    import warnings

    import toolkit._rating as rating
    import toolkit.text as text_module

    results = []
    for least in (1 << 62, 0):
        with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
            mp.setattr(rating, "AHEAD_MIN", least)
            mp.setattr(parallel, "START_METHOD", "fork")  # as in a script on Linux (earlier tests leave threads)
            for name, value in patches.items():
                mp.setattr(text_module, name, value)
            warnings.simplefilter("ignore")  # single units, documents left out: the same either way
            try:
                results.append(tk.stance_rates(docs, **kwargs))
            except ValueError as err:
                results.append(str(err))
    if isinstance(results[0], str):
        assert results[1] == results[0]
    else:
        pd.testing.assert_frame_equal(results[1], results[0])


# ---------------------------------------------------------------- issue #14: a long text found in shares


def _share_labels(found: dict) -> list[tuple]:
    """(doc, start, outcome) of each match of _find_in_table or _find_in_shares."""
    outcomes = found["outcomes"]
    return list(zip(found["doc"].tolist(), found["start"].tolist(), [outcomes[c] for c in found["code"].tolist()]))


def _shares_against_table(monkeypatch, texts, n_jobs, *, method="rules", non_english="keep", lexicon=None):
    """_find_in_shares of ``texts`` (``n_jobs`` shares of each, in forked workers) against _find_in_table of a
    token table of them all, the tokens of each text against token_spans, each match's ordinal (the tokens of
    its text that start at or before it) against token_spans' starts. Returns the shares' result."""
    import toolkit.hedging._table as hedging_table

    monkeypatch.setattr(parallel, "START_METHOD", "fork")
    docs = _frame(texts)
    matcher = _matcher(_resolve_lexicon(lexicon))
    model = _resolve_model(method, None)
    skipped: list[dict] = []
    got = hedging_table._find_in_shares(
        docs["text"].tolist(), docs["doc_id"].to_numpy(dtype=object), matcher, True, non_english, skipped, model, n_jobs
    )
    if got is None:
        return None
    found, totals = got
    want_skipped: list[dict] = []
    want = hedging_table._find_in_table(
        token_table(docs), matcher, True, non_english, want_skipped, model, 1, fields=("doc", "start", "code")
    )
    assert skipped == want_skipped
    assert _share_labels(found) == _share_labels(want)
    spans = [np.array([s for s, _ in tk.token_spans(t)], dtype=np.int64) for t in texts]
    assert totals.tolist() == [len(s) for s in spans]
    want_ordinals = [np.searchsorted(spans[d], s, side="right") for d, s in zip(found["doc"], found["start"])]
    assert found["ordinal"].tolist() == [int(o) for o in want_ordinals]
    return found


@settings(max_examples=15, deadline=None)
@example(seed=13, n_words=300, n_jobs=4, piece_max=8000, method="rules", odd="İ")  # found by a second reader
@given(
    seed=st.integers(0, 2**32 - 1),
    n_words=st.integers(300, 3000),
    n_jobs=st.integers(2, 4),
    piece_max=st.integers(800, 8000),
    method=st.sampled_from(["learned", "rules"]),
    odd=st.sampled_from(["", "İ", "Σ", "中文", "“quoted”"]),
)
def test_a_long_text_found_in_shares_gives_the_matches_tokens_and_ordinals_of_its_whole_table(
    monkeypatch, seed, n_words, n_jobs, piece_max, method, odd
):
    """Invariant: each worker tokenizes its own share of a long text (its run and a margin) and finds its markers
    there: the matches, offsets and decisions are those of a table of the whole text, its tokens those of
    token_spans, and each match's ordinal the tokens of token_spans that start at or before it; also for a text
    that is not plain (a dotted capital I, a capital sigma: decided by hand, as the whole text is)."""
    import toolkit.hedging._table as hedging_table

    rng = np.random.default_rng(seed)
    words = WORDS + PHRASES + ["the", "of", "said", "\n", '"', "May", "we", "about", "a", "$", "?", "\n\n", "."]
    words += ["the", "and", "which", "would", "think", "believe", "may", "some", "possibly", "I", "not"] * 6
    words = [w for w in words if _plain_word(w)] + ([odd] if odd else [])
    texts = [" ".join(rng.choice(words, size=n)) for n in (n_words, n_words // 2 + 300)]
    monkeypatch.setattr(hedging_table, "_PIECE_MAX", piece_max)
    found = _shares_against_table(monkeypatch, texts, n_jobs, method=method)
    # handed back only where a share without the dotted capital I or the capital sigma took the text for plain
    assert found is not None or (odd in ("İ", "Σ") and not all(map(hedging_table._plain_text, texts)))


def _plain_word(w: str) -> bool:
    """Whether a word has no combining mark or format character (one that has is read on its characters)."""
    import unicodedata

    return not any(unicodedata.category(c) in ("Mn", "Me", "Cf") for c in w)


def test_a_long_text_that_is_not_english_is_judged_by_its_first_share_and_skipped_whole(monkeypatch):
    german = "Der Botschafter sagte, dass die Gespräche gut verlaufen würden. " * 400  # its first 20,000 characters
    english = "We may perhaps agree, and I think we must act. " * 600
    found = _shares_against_table(monkeypatch, [german + english, english], 3, non_english="skip")
    assert set(found["doc"].tolist()) == {1}  # none of the first text's shares: the text is left out whole


@pytest.mark.parametrize(
    ("texts", "lexicon"),
    [
        # a token the token path cannot read (a combining mark): the text is matched on its characters
        (["We may perhaps agree, and I think we must act. " * 60 + "cafe\u0301 " + "We may go. " * 60], None),
        # a dotted capital I in the last share alone: the others, sure of their code points, took the text for
        # plain (decided on arrays), which it is not (decided by hand)
        (["We may perhaps agree, and I think we must act. " * 80 + "İstanbul may agree. "], None),
        # a run of overlapping candidates longer than the margin: a piece's margin cannot settle the scan
        (
            ["We said so. " * 150 + "la di " * 1200 + "la. " + "We said so. " * 150],
            pd.DataFrame({"pattern": ["la di la", "di"], "category": ["hedge", "booster"]}),
        ),
    ],
)
def test_a_long_text_that_must_be_read_whole_is_handed_back_from_its_shares(monkeypatch, texts, lexicon):
    """_find_in_shares gives None (the caller finds the text in a table of all of it) where a share cannot
    settle its matches alone; stance_rates then gives the rates of the table's path."""
    import toolkit._rating as rating

    assert _shares_against_table(monkeypatch, texts, 2, lexicon=lexicon) is None
    monkeypatch.setattr(toolkit_hedging, "SHARE_MIN", 100)
    monkeypatch.setattr(rating, "LONG_TEXT_TOKENS", 40)
    docs = _frame(texts)
    got = tk.stance_rates(docs, lexicon=lexicon, n_resamples=200, n_jobs=2)
    assert (got["unit"] == "block").all()
    pd.testing.assert_frame_equal(got, tk.stance_rates(docs, lexicon=lexicon, n_resamples=200, n_jobs=1))


def test_a_worker_that_does_not_fork_is_sent_its_shares_text_alone():
    # found by a second reader: with forkserver or spawn, each share's task carried every text of the frame
    import toolkit.hedging._table as hedging_table

    texts = [f"Text {i} may agree. " * 50 for i in range(4)]
    shares = hedging_table._shares(texts, np.array([len(t) for t in texts]), 2)
    work = hedging_table._ShareWork(
        texts, np.array(["a", "b", "c", "d"], dtype=object), shares, None, True, None, "keep"
    )
    part = work.take(range(5, 6))
    assert part.texts == {2: texts[2]} and part.doc_ids == {2: "c"} and part.shares.tolist() == [shares[5].tolist()]


def test_a_long_text_that_one_share_reads_again_for_plainness_stays_in_shares(monkeypatch):
    # Chinese in the last share alone: a code point the scan is not sure of, read again: the text is plain, as
    # the other shares took it to be
    text = "We may perhaps agree, and I think we must act. " * 80 + "中文 may agree. "
    assert _shares_against_table(monkeypatch, [text], 2) is not None


@pytest.mark.parametrize(("method", "unit"), [("fork", "block"), ("forkserver", "block"), ("fork", "sentence")])
def test_stance_rates_of_long_texts_found_in_shares_are_those_of_their_table(monkeypatch, method, unit):
    """stance_rates of a frame of long texts (SHARE_MIN made small) with n_jobs=2 finds them in shares, with no
    token table, and gives the rates of n_jobs=1 (a table) and of match_rates on find_stance's matches: the same
    counts, tokens, blocks (from the shares' ordinals) and intervals; one text judged not English left out. A
    text of fewer tokens than LONG_TEXT_TOKENS keeps its sentences (cut and counted without a table)."""
    import toolkit._rating as rating
    import toolkit.hedging._table as hedging_table
    from toolkit.rates import match_rates

    monkeypatch.setattr(parallel, "START_METHOD", method)
    monkeypatch.setattr(rating, "LONG_TEXT_TOKENS", 40 if unit == "block" else 10**9)
    monkeypatch.setattr(rating, "BLOCK_TOKENS", 9)
    monkeypatch.setattr(toolkit_hedging, "SHARE_MIN", 2000)
    monkeypatch.setattr(hedging_table, "_PIECE_MAX", 3000)  # this process's pieces (a forkserver's are longer)
    shared = []
    real = toolkit_hedging._find_in_shares

    def spy(*args, **kwargs):
        shared.append(real(*args, **kwargs))
        return shared[-1]

    monkeypatch.setattr(toolkit_hedging, "_find_in_shares", spy)
    taken = []
    real_take = hedging_table._ShareWork.take
    monkeypatch.setattr(hedging_table._ShareWork, "take", lambda self, b: taken.append(b) or real_take(self, b))
    sentences = ["We may perhaps agree.", "It is clearly wrong!", "I think, however, that we must act.", "(Perhaps)"]
    text = "\n\n".join(" ".join(sentences[(i + j) % 4] for j in range(3)) for i in range(120))
    other = " ".join(sentences[::-1] * 80)
    german = "Der Botschafter sagte, dass die Gespräche gut verlaufen würden. " * 60
    docs = pd.DataFrame({"doc_id": ["long", "other", "de"], "text": [text, other, german], "g": ["x", "y", "y"]})
    with pytest.warns(UserWarning, match="not English"):
        got = tk.stance_rates(docs, by="g", n_resamples=300, seed=4, n_jobs=2, non_english="skip")
    assert len(shared) == 1 and shared[0] is not None  # the shares' path was taken
    assert bool(taken) == (method == "forkserver")  # a worker that does not fork is sent its own share
    assert (got.loc[got["g"] == "x", "unit"] == unit).all()
    assert got.attrs["skipped"][0]["doc_id"] == "de"
    with pytest.warns(UserWarning, match="not English"):
        one = tk.stance_rates(docs, by="g", n_resamples=300, seed=4, n_jobs=1, non_english="skip")
    pd.testing.assert_frame_equal(got, one)
    kept = docs[docs["doc_id"] != "de"]
    matches = tk.find_stance(kept, non_english="skip")
    want = match_rates(matches, kept, by="g", categories=list(got["category"].unique()), n_resamples=300, seed=4)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


@settings(max_examples=100, deadline=None)
@given(
    chunks=st.lists(st.tuples(st.integers(1, 400), st.sampled_from([" ", "\n", "\n\n  ", "\u2003"])), max_size=60),
    lead=st.sampled_from(["", " ", "\n"]),
    n_jobs=st.integers(2, 6),
    piece_max=st.integers(200, 20000),
)
def test_the_shares_of_a_long_text_own_runs_that_cover_it_and_tokenize_a_margin_past_them(
    monkeypatch, chunks, lead, n_jobs, piece_max
):
    """Every character of a text is in the run of exactly one share; runs begin at chunk starts (no token cut); a
    share tokenizes from a chunk start at least the margin before its run to one at least the margin after (or
    the text's ends); its pieces are numbered on from those of the shares before it, none longer than
    _PIECE_MAX."""
    import toolkit.hedging._table as hedging_table

    monkeypatch.setattr(hedging_table, "_PIECE_MAX", piece_max)
    margin = hedging_table._PIECE_MARGIN
    texts = [lead + "".join("w" * n + sep for n, sep in chunks), "a short one"]
    shares = hedging_table._shares(texts, np.array([len(t) for t in texts]), n_jobs)
    for i, t in enumerate(texts):
        starts = set(chunk_starts(t).tolist())
        rows = shares[shares[:, 0] == i]
        assert len(rows) == n_jobs
        assert rows[0, 5] == 0 and rows[-1, 6] == len(t) and (rows[1:, 5] == rows[:-1, 6]).all()
        assert (rows[:, 1] == np.concatenate([[0], np.cumsum(rows[:, 7])[:-1]])).all()
        assert (rows[:, 2] == rows[:, 7].sum()).all()
        for _, _, _, a, b, own_a, own_b, pieces in rows.tolist():
            assert own_a in starts | {0, len(t)} and own_b in starts | {len(t)}
            assert pieces == max(1, -(-(own_b - own_a) // piece_max))
            assert a == 0 or (
                a in starts and a <= own_a - margin and not starts & set(range(a + 1, own_a - margin + 1))
            )
            assert b == len(t) or (b in starts and b >= own_b + margin and not starts & set(range(own_b + margin, b)))
