"""Shared phrasing: the word sequences a speaker shares verbatim with other statements ("talking points").

:func:`shared_phrases` finds each *maximal* sequence of at least ``n`` tokens of a target that
occurs, whole and contiguous, in a reference document, with its character offsets in the target
and in every reference document where it occurs. :func:`phrase_overlap` gives, for each ordered
pair of groups (speakers, countries), the share of one's distinct ``n``-grams found in the other's
documents.

Tokens are those of the toolkit's tokenizer (:data:`toolkit.text.TOKEN_PATTERN`, read through a
:func:`toolkit.token_table`), compared as *terms*: lower case, format characters dropped, NFC.
What that means for phrases:

- punctuation is never a token, so a phrase runs across it: "peace, and security" in one text
  and "peace and security" in another are the same three tokens, and the phrase's surface
  (``text[start:end]``) keeps the target's commas;
- words joined by internal hyphens, apostrophes or periods are one token: "win-win" is *one*
  token (so "win-win cooperation" is two), "Cold War mentality" three, "small group" two,
  "Mr. President" two ("mr", "president"), "China's" two ("china", "'s");
- straight and curly apostrophes (' and ’), and the two hyphens (- and U+2010 ‐), are the same, as in the
  toolkit's patterns: "China’s" matches "China's" (the UNGDC writes both).

How it is done: each window of ``n`` token ids (never across a document's end) is hashed into a
uint64 by a polynomial hash, vectorised over the token table's id arrays; the reference is read a
slice of documents at a time and only its windows whose hash is one of the target's are kept. Every
such candidate is verified by comparing the ``n`` ids themselves, so a hash collision never makes a
match. Verified (target window, reference window) pairs that follow each other on one alignment
(target position + 1, reference position + 1) form one occurrence of a longer sequence; the target
spans of these occurrences that lie inside no other are the maximal shared phrases.

Filters (documented rules, applied to each maximal phrase, and to each ``n``-gram in
:func:`phrase_overlap`): a phrase is dropped when every one of its tokens is a stop word
(``stop_words``) or lies inside an occurrence, in the same document, of a boilerplate sequence
(``boilerplate``, by default :data:`BOILERPLATE_PATH`: forms of address, thanks, courtesy frames
and procedural formulae such as "Mr. President", "thank you", "I have the honour to", "on behalf
of"). So "thank you, Mr. President, for" goes (boilerplate and a stop word) and "the international
community" stays ("international" and "community" are not stop words).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from toolkit._arrays import ranges as _ranges
from toolkit._inputs import stop_word_set
from toolkit._tokens import term as _term
from toolkit._validation import check_columns, check_count, check_texts, check_unique_ids, warn_skipped
from toolkit.text import tokenize
from toolkit.tokentable import TokenTable, token_table

__all__ = [
    "BOILERPLATE_PATH",
    "OCCURRENCE_COLUMNS",
    "OVERLAP_COLUMNS",
    "PHRASE_COLUMNS",
    "SharedPhrases",
    "boilerplate_phrases",
    "phrase_overlap",
    "shared_phrases",
]

#: The shipped boilerplate list: a CSV (``#`` lines are comments) with the columns ``phrase`` (as written;
#: tokenized by :func:`toolkit.tokenize`, so case and punctuation do not matter), ``kind`` (address, courtesy
#: or procedure) and ``note`` (its source).
BOILERPLATE_PATH: Path = Path(__file__).resolve().parent / "data" / "boilerplate_phrases.csv"

#: The columns of :attr:`SharedPhrases.phrases`.
PHRASE_COLUMNS: tuple[str, ...] = (
    "phrase_id",
    "doc_id",
    "start",
    "end",
    "phrase",
    "n_tokens",
    "n_occurrences",
    "n_reference_docs",
    "n_reference_speakers",
)
#: The columns of :attr:`SharedPhrases.occurrences` (then the ``by`` column of the reference).
OCCURRENCE_COLUMNS: tuple[str, ...] = ("phrase_id", "doc_id", "start", "end")
#: The columns of :func:`phrase_overlap`.
OVERLAP_COLUMNS: tuple[str, ...] = ("group", "other", "n_ngrams", "shared", "share")

# The polynomial hash: h = (...((x0 * B + x1) * B + x2)...) mod 2**64 over token codes + 1 (numpy's uint64
# arithmetic wraps). B is odd (the golden-ratio constant), so distinct short sequences rarely collide; a
# collision costs a comparison, never a false match. Tests set _MODULUS to a tiny number to force collisions.
_BASE = np.uint64(0x9E3779B97F4A7C15)
_MODULUS: int | None = None
# Tokens of the reference read at a time (bounds the memory of a reference as large as the UNGDC).
_BATCH_TOKENS = 1 << 21


class SharedPhrases(NamedTuple):
    """What :func:`shared_phrases` returns: two frames, joined on ``phrase_id``."""

    phrases: pd.DataFrame
    occurrences: pd.DataFrame


@lru_cache(maxsize=1)
def _shipped_boilerplate() -> tuple[str, ...]:
    with BOILERPLATE_PATH.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return tuple(row["phrase"] for row in rows)


def boilerplate_phrases() -> tuple[str, ...]:
    """The shipped boilerplate sequences (:data:`BOILERPLATE_PATH`), as written there.

    >>> "Mr. President" in boilerplate_phrases(), "on behalf of" in boilerplate_phrases()
    (True, True)
    """
    return _shipped_boilerplate()


def _boilerplate(value: str | Iterable[str] | None) -> list[list[str]]:
    """The token sequences (terms) a ``boilerplate`` argument names."""
    if value is None:
        return []
    if isinstance(value, str):
        if value != "default":
            raise ValueError(
                f"boilerplate={value!r} is invalid; must be 'default' (the shipped list), None or a list of phrases."
            )
        value = _shipped_boilerplate()
    sequences = [[_key(_term(t)) for t in tokenize(str(p))] for p in value]
    return [s for s in sequences if s]


# The characters a term is compared without: the curly apostrophe and the Unicode hyphen are read as ' and -.
_FOLD = str.maketrans({"\u2019": "'", "\u2010": "-"})


def _key(term: str) -> str:
    """What a term is compared as: curly apostrophes and Unicode hyphens as ASCII."""
    return term.translate(_FOLD)


# ----------------------------------------------------------------------------- token codes and windows


def _codes(table: TokenTable, mapping: dict[str, int]) -> np.ndarray:
    """The code of each token id of ``table`` (its term's :func:`_key`'s code in ``mapping``, which gains the new
    keys)."""
    term_code = np.fromiter(
        (mapping.setdefault(_key(t), len(mapping)) for t in table.terms), dtype=np.int64, count=len(table.terms)
    )
    return term_code[table.term_of] if len(table.term_of) else np.zeros(0, dtype=np.int64)


def _chunk_ids(table: TokenTable, lo: int, hi: int) -> np.ndarray:
    """The chunk ids of chunks ``lo`` to ``hi`` (as ``chunk_ptr`` counts them)."""
    pieces = []
    for k, part in enumerate(table.chunks):
        a = int(table.part_start[k])
        b = a + len(part)
        if a < hi and b > lo:
            pieces.append(part[max(lo, a) - a : min(hi, b) - a])
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32)


def _chunk_codes(table: TokenTable, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct chunk of ``table``: its tokens, and the code of its first token (0 when it has none)."""
    count = np.diff(table.ctok_ptr)
    first = np.zeros(len(count), dtype=np.int64)
    has = count > 0
    first[has] = codes[table.ctok_ids[table.ctok_ptr[:-1][has]]]
    return count, first


def _flat(
    table: TokenTable, codes: np.ndarray, d0: int, d1: int, per_chunk: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(codes of every token of documents ``d0`` to ``d1``, in order; each document's first token, and the end).

    ``per_chunk`` is :func:`_chunk_codes` of the table, when the caller has it (most chunks are one token:
    their code is one lookup; the further tokens of the others are gathered apart)."""
    count_of, first_of = _chunk_codes(table, codes) if per_chunk is None else per_chunk
    lo, hi = int(table.chunk_ptr[d0]), int(table.chunk_ptr[d1])
    c = _chunk_ids(table, lo, hi)
    count = count_of[c]
    cum = np.concatenate([[0], np.cumsum(count)]).astype(np.int64)
    ids = np.empty(int(cum[-1]), dtype=np.int64)
    starts = cum[:-1]
    ids[starts[count > 0]] = first_of[c[count > 0]]
    multi = np.flatnonzero(count > 1)
    if len(multi):
        first_tok = table.ctok_ptr[c[multi]]
        rest = _ranges(first_tok + 1, first_tok + count[multi])
        ids[_ranges(starts[multi] + 1, starts[multi] + count[multi])] = codes[table.ctok_ids[rest]]
    return ids, cum[table.chunk_ptr[d0 : d1 + 1] - lo]


def _windows(ids: np.ndarray, doc_ptr: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(start of every window of ``n`` tokens inside one document, its hash)."""
    m = len(ids) - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    x = ids.astype(np.uint64) + np.uint64(1)
    h = x[:m].copy()
    modulus = None if _MODULUS is None else np.uint64(_MODULUS)
    if modulus is not None:
        h %= modulus
    for k in range(1, n):
        h *= _BASE
        h += x[k : k + m]
        if modulus is not None:
            h %= modulus
    doc_end = np.repeat(doc_ptr[1:], np.diff(doc_ptr))[:m]
    pos = np.flatnonzero(np.arange(m) + n <= doc_end)
    return pos, h[pos]


def _same(ids_a: np.ndarray, a: np.ndarray, ids_b: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Whether the ``n`` tokens from ``a`` (in ``ids_a``) equal those from ``b`` (in ``ids_b``), pair by pair."""
    ok = np.ones(len(a), dtype=bool)
    for k in range(n):
        ok &= ids_a[a + k] == ids_b[b + k]
    return ok


def _covered(ids: np.ndarray, doc_ptr: np.ndarray, stops: np.ndarray, sequences: list[np.ndarray]) -> np.ndarray:
    """Per token: a stop word, or inside an occurrence (within its document) of one of ``sequences``."""
    covered = stops[ids] if len(ids) else np.zeros(0, dtype=bool)
    if not len(ids):
        return covered
    doc_end = np.repeat(doc_ptr[1:], np.diff(doc_ptr))
    for seq in sequences:
        m = len(ids) - len(seq) + 1
        if m <= 0:
            continue
        at = np.flatnonzero(ids[:m] == seq[0])
        for k in range(1, len(seq)):
            at = at[ids[at + k] == seq[k]]
        at = at[at + len(seq) <= doc_end[at]]
        for k in range(len(seq)):
            covered[at + k] = True
    return covered


def _filters(
    mapping: dict[str, int], stop_words: str | Iterable[str] | None, boilerplate: str | Iterable[str] | None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """(stop-word flag per code, the boilerplate sequences as codes: those whose terms all occur)."""
    stops = {_key(w) for w in stop_word_set(stop_words)}
    flags = np.zeros(len(mapping), dtype=bool)
    for t, c in mapping.items():
        if t in stops:
            flags[c] = True
    sequences = [
        np.array([mapping[t] for t in seq], dtype=np.int64)
        for seq in _boilerplate(boilerplate)
        if all(t in mapping for t in seq)
    ]
    return flags, sequences


def _table(docs: pd.DataFrame | TokenTable, name: str, n_jobs: int | None = None) -> TokenTable:
    if isinstance(docs, TokenTable):
        return docs
    check_columns(docs, ["doc_id", "text"], name=name)
    check_texts(docs, name=name)  # token_table checks them too, but names the frame "docs"
    check_unique_ids(docs, name=name)
    return token_table(docs, n_jobs=n_jobs)


# ----------------------------------------------------------------------------- shared_phrases


def shared_phrases(
    target: pd.DataFrame | TokenTable,
    reference: pd.DataFrame | TokenTable,
    n: int = 5,
    *,
    by: str = "speaker",
    stop_words: str | Iterable[str] | None = "english",
    boilerplate: str | Iterable[str] | None = "default",
    exclude_self: bool = False,
    n_jobs: int | None = None,
) -> SharedPhrases:
    """Find the maximal word sequences of ``target`` that occur verbatim in ``reference``.

    A *maximal shared phrase* is a run of at least ``n`` consecutive tokens of one target
    document that occurs, whole and contiguous, in one reference document, and that cannot
    be made longer on either side and still occur whole in a reference document. Maximal
    phrases may overlap in the target (when "A B C D" occurs in one reference document and
    "C D E F" in another, both are phrases). A phrase said twice in the target is two rows.
    Tokens are compared as terms (lower case; punctuation is never a token): see the module
    docstring for what the tokenizer does with "win-win", "Mr. President" and punctuation.

    Parameters
    ----------
    target : DataFrame or TokenTable
        The documents whose phrases are looked for (``doc_id``, ``text``).
    reference : DataFrame or TokenTable
        The documents they are looked for in (``doc_id``, ``text`` and the ``by`` column).
        A :func:`toolkit.token_table` of it can be passed, to tokenize a large reference once.
    n : int, default 5
        The shortest phrase, in tokens (at least 2).
    by : str, default "speaker"
        The reference column whose distinct values ``n_reference_speakers`` counts
        (a speaker, a country...); missing values are not counted.
    stop_words : None, "english" or iterable of str, default "english"
        A phrase whose tokens are all stop words is dropped (``"english"``:
        :data:`toolkit.text.STOP_WORDS`).
    boilerplate : "default", None or iterable of str, default "default"
        Sequences such as "Mr. President": a phrase whose every token is a stop word or lies
        inside an occurrence of one of them in the target document is dropped. ``"default"``
        is :func:`boilerplate_phrases`; None drops none.
    exclude_self : bool, default False
        Ignore occurrences in the reference document whose ``doc_id`` is the target document's:
        ``shared_phrases(docs, docs, exclude_self=True)`` finds what each document shares with
        the others. Ids are compared as strings (1 and "1" are one id), and only ids: with two
        unrelated frames, a reference document whose id happens to be a target's is left out for it.
    n_jobs : int, optional
        Worker processes that tokenize the frames (:func:`toolkit.token_table`; None or 1: this process,
        -1: every CPU). The result is the same whatever ``n_jobs``.

    Returns
    -------
    SharedPhrases
        A named tuple of two frames, joined on ``phrase_id``:

        ``phrases``, one row per maximal phrase, in the target's order (document, then start):

        - ``phrase_id`` (int64): 0, 1, ... in that order;
        - ``doc_id`` (string): the target document;
        - ``start``, ``end`` (int64): character offsets in its text; ``text[start:end]`` is the phrase;
        - ``phrase`` (string): ``text[start:end]``, as written in the target;
        - ``n_tokens`` (int64): its length in tokens (at least ``n``);
        - ``n_occurrences`` (int64): its occurrences in the reference;
        - ``n_reference_docs`` (int64): the reference documents it occurs in;
        - ``n_reference_speakers`` (int64): the distinct ``by`` values of those documents.

        ``occurrences``, one row per occurrence of a phrase in the reference, by ``phrase_id``,
        then reference row and start:

        - ``phrase_id`` (int64);
        - ``doc_id`` (string): the reference document;
        - ``start``, ``end`` (int64): character offsets in the reference document's text;
        - the ``by`` column (as in the reference).

    Raises
    ------
    ValueError
        ``n`` is not an integer >= 2; a frame lacks ``doc_id``, ``text`` or ``by``; a bad
        ``stop_words`` or ``boilerplate``; duplicated ``doc_id`` in a frame.

    Notes
    -----
    Time and memory grow with the reference's tokens (read about two million at a time) and
    with the matching window pairs: an ``n``-gram found ``k`` times in the target and ``m``
    times in one slice of the reference makes ``k * m`` pairs, all kept, as each is a place
    where a phrase occurs. With the whole UNGDC as reference and a target of a few speeches
    this is small (``benchmarks/bench_phrases.py``); for two large corpora and a small ``n``
    (genre formulae such as "of the United Nations" are everywhere), ask
    :func:`phrase_overlap`, which counts distinct ``n``-grams instead.

    Examples
    --------
    >>> target = pd.DataFrame({"doc_id": ["t"], "text": ["We reject the Cold War mentality, and seek win-win cooperation."]})
    >>> reference = pd.DataFrame({"doc_id": ["r1", "r2"], "speaker": ["A", "B"],
    ...     "text": ["Abandon the cold war mentality!", "We seek win-win cooperation with all."]})
    >>> phrases, occurrences = shared_phrases(target, reference, n=2)
    >>> phrases[["phrase", "start", "end", "n_tokens", "n_reference_speakers"]]
                         phrase  start  end  n_tokens  n_reference_speakers
    0    the Cold War mentality     10   32         4                     1
    1  seek win-win cooperation     38   62         3                     1
    >>> occurrences
       phrase_id doc_id  start  end speaker
    0          0     r1      8   30       A
    1          1     r2      3   27       B
    """
    n = check_count("n", n, 2)
    if not isinstance(by, str):
        raise ValueError(f"by={by!r} is invalid; must be the name of one column of the reference.")
    ref_docs = reference.docs if isinstance(reference, TokenTable) else reference
    check_columns(ref_docs, ["doc_id", "text", by], name="reference")
    tt = _table(target, "target", n_jobs)
    rt = _table(reference, "reference", n_jobs)
    mapping: dict[str, int] = {}
    r_codes = _codes(rt, mapping)
    t_codes = _codes(tt, mapping)
    stops, sequences = _filters(mapping, stop_words, boilerplate)

    t_ids, t_ptr = _flat(tt, t_codes, 0, len(tt))
    t_pos, t_hash = _windows(t_ids, t_ptr, n)
    order = np.argsort(t_hash, kind="stable")
    t_hash, t_pos = t_hash[order], t_pos[order]
    wanted = np.unique(t_hash)
    # a bitmap of the wanted hashes' top bits: most reference windows are ruled out by one lookup each
    bits = int(min(max(16, int(np.ceil(np.log2(len(wanted) * 16 + 1)))), 26))
    shift = np.uint64(64 - bits)
    maybe = np.zeros(1 << bits, dtype=bool)
    maybe[(wanted >> shift).astype(np.int64)] = True

    # the reference, a slice of documents at a time: its windows whose hash the target has, verified
    self_ref = np.full(len(tt), -1, dtype=np.int64)
    if exclude_self:
        row_of = {str(d): i for i, d in enumerate(rt.doc_ids)}
        self_ref = np.array([row_of.get(str(d), -1) for d in tt.doc_ids], dtype=np.int64)
    t_doc_of_pos = np.repeat(np.arange(len(tt)), np.diff(t_ptr))
    pair_t, pair_r, ref_ptr_parts = [], [], [np.zeros(1, dtype=np.int64)]
    offset = 0
    per_chunk = _chunk_codes(rt, r_codes)
    for d0, d1 in _slices(rt.totals):
        r_ids, r_ptr = _flat(rt, r_codes, d0, d1, per_chunk)
        ref_ptr_parts.append(r_ptr[1:] + offset)
        r_pos, r_hash = _windows(r_ids, r_ptr, n)
        if len(wanted) and len(r_hash):
            hit = maybe[(r_hash >> shift).astype(np.int64)]
            r_pos, r_hash = r_pos[hit], r_hash[hit]
            k = np.minimum(np.searchsorted(wanted, r_hash), len(wanted) - 1)
            hit = wanted[k] == r_hash
            r_pos, r_hash = r_pos[hit], r_hash[hit]
            lo = np.searchsorted(t_hash, r_hash, side="left")
            hi = np.searchsorted(t_hash, r_hash, side="right")
            tw = t_pos[_ranges(lo, hi)]
            rw = np.repeat(r_pos, hi - lo)
            ok = _same(t_ids, tw, r_ids, rw, n)
            if exclude_self:
                r_doc = d0 + np.searchsorted(r_ptr, rw, side="right") - 1
                ok &= self_ref[t_doc_of_pos[tw]] != r_doc
            pair_t.append(tw[ok])
            pair_r.append(rw[ok] + offset)
        offset += int(r_ptr[-1])
    ref_ptr = np.concatenate(ref_ptr_parts)
    pt = np.concatenate(pair_t) if pair_t else np.zeros(0, dtype=np.int64)
    pr = np.concatenate(pair_r) if pair_r else np.zeros(0, dtype=np.int64)

    # verified window pairs on one alignment, one after the other: one occurrence of a longer sequence
    diag = pr - pt
    order = np.lexsort((pt, diag))
    pt, pr, diag = pt[order], pr[order], diag[order]
    new_run = np.ones(len(pt), dtype=bool)
    new_run[1:] = (diag[1:] != diag[:-1]) | (pt[1:] != pt[:-1] + 1)
    run_start = np.flatnonzero(new_run)
    run_len = np.diff(np.append(run_start, len(pt))) + n - 1  # tokens
    a, r0 = pt[run_start], pr[run_start]
    b = a + run_len

    # the maximal spans: those inside no other (sorted by start, longest first)
    order = np.lexsort((-b, a))
    sa, sb = a[order], b[order]
    distinct = np.ones(len(sa), dtype=bool)
    distinct[1:] = (sa[1:] != sa[:-1]) | (sb[1:] != sb[:-1])
    sa, sb = sa[distinct], sb[distinct]
    before = np.maximum.accumulate(sb)
    maximal = np.ones(len(sa), dtype=bool)
    maximal[1:] = sb[1:] > before[:-1]
    sa, sb = sa[maximal], sb[maximal]

    # the filters: every token a stop word or inside a boilerplate occurrence -> dropped
    covered = np.concatenate([[0], np.cumsum(_covered(t_ids, t_ptr, stops, sequences))])
    keep = covered[sb] - covered[sa] < sb - sa
    sa, sb = sa[keep], sb[keep]

    # occurrences: the runs whose span is a kept maximal span
    width = np.int64(len(t_ids) + 1)
    keys = sa * width + sb
    run_keys = a * width + b
    at = np.minimum(np.searchsorted(keys, run_keys), max(len(keys) - 1, 0))
    is_occ = (keys[at] == run_keys) if len(keys) else np.zeros(len(run_keys), dtype=bool)
    occ_phrase, occ_r0, occ_len = at[is_occ], r0[is_occ], (b - a)[is_occ]
    occ_doc = np.searchsorted(ref_ptr, occ_r0, side="right") - 1
    order = np.lexsort((occ_r0, occ_doc, occ_phrase))
    occ_phrase, occ_r0, occ_len, occ_doc = occ_phrase[order], occ_r0[order], occ_len[order], occ_doc[order]

    phrases = _phrase_frame(tt, t_ptr, sa, sb)
    occurrences = _occurrence_frame(rt, ref_docs, ref_ptr, occ_phrase, occ_doc, occ_r0, occ_len, by)
    per = occurrences.groupby("phrase_id", sort=True)
    phrases["n_occurrences"] = phrases["phrase_id"].map(per.size()).fillna(0).astype("int64")
    phrases["n_reference_docs"] = phrases["phrase_id"].map(per["doc_id"].nunique()).fillna(0).astype("int64")
    speakers = per[by].nunique(dropna=True) if len(occurrences) else pd.Series(dtype="int64")
    phrases["n_reference_speakers"] = phrases["phrase_id"].map(speakers).fillna(0).astype("int64")
    return SharedPhrases(phrases[list(PHRASE_COLUMNS)], occurrences)


def _slices(totals: np.ndarray) -> list[tuple[int, int]]:
    """Contiguous ranges of documents of about :data:`_BATCH_TOKENS` tokens each (every document in one)."""
    if not len(totals):
        return [(0, 0)]
    cum = np.cumsum(totals)
    cuts = np.searchsorted(cum, np.arange(_BATCH_TOKENS, int(cum[-1]), _BATCH_TOKENS), side="left") + 1
    bounds = np.unique(np.concatenate([[0], cuts, [len(totals)]]))
    return [(int(x), int(y)) for x, y in pairwise(bounds.tolist())]


def _offsets(table: TokenTable, doc: int, cache: dict[int, tuple[np.ndarray, np.ndarray]]) -> tuple:
    if doc not in cache:
        _, starts, ends = table.doc_tokens(doc)
        cache[doc] = (starts, ends)
    return cache[doc]


def _phrase_frame(tt: TokenTable, t_ptr: np.ndarray, sa: np.ndarray, sb: np.ndarray) -> pd.DataFrame:
    doc = np.searchsorted(t_ptr, sa, side="right") - 1
    cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    starts = np.zeros(len(sa), dtype=np.int64)
    ends = np.zeros(len(sa), dtype=np.int64)
    surfaces = []
    for k, (d, x, y) in enumerate(zip(doc.tolist(), sa.tolist(), sb.tolist())):
        s, e = _offsets(tt, d, cache)
        starts[k] = s[x - t_ptr[d]]
        ends[k] = e[y - 1 - t_ptr[d]]
        surfaces.append(tt.texts[d][starts[k] : ends[k]])
    return pd.DataFrame(
        {
            "phrase_id": np.arange(len(sa), dtype=np.int64),
            "doc_id": pd.array([str(tt.doc_ids[d]) for d in doc], dtype="string"),
            "start": starts,
            "end": ends,
            "phrase": pd.array(surfaces, dtype="string"),
            "n_tokens": (sb - sa).astype(np.int64),
        }
    )


def _occurrence_frame(
    rt: TokenTable,
    ref_docs: pd.DataFrame,
    ref_ptr: np.ndarray,
    phrase: np.ndarray,
    doc: np.ndarray,
    r0: np.ndarray,
    length: np.ndarray,
    by: str,
) -> pd.DataFrame:
    cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    starts = np.zeros(len(phrase), dtype=np.int64)
    ends = np.zeros(len(phrase), dtype=np.int64)
    for k, (d, x, m) in enumerate(zip(doc.tolist(), r0.tolist(), length.tolist())):
        s, e = _offsets(rt, d, cache)
        local = x - int(ref_ptr[d])
        starts[k] = s[local]
        ends[k] = e[local + m - 1]
    return pd.DataFrame(
        {
            "phrase_id": phrase.astype(np.int64),
            "doc_id": pd.array([str(rt.doc_ids[d]) for d in doc], dtype="string"),
            "start": starts,
            "end": ends,
            by: ref_docs[by].iloc[doc].reset_index(drop=True)
            if len(doc)
            else ref_docs[by].iloc[:0].reset_index(drop=True),
        }
    )


# ----------------------------------------------------------------------------- phrase_overlap


def _ngram_ids(ids: np.ndarray, pos: np.ndarray, hashes: np.ndarray, n: int) -> np.ndarray:
    """An exact id for the n-gram at each window ``pos``: by hash, checked; by the tokens when two collide."""
    order = np.argsort(hashes, kind="stable")
    h = hashes[order]
    new = np.ones(len(h), dtype=bool)
    new[1:] = h[1:] != h[:-1]
    run = np.cumsum(new) - 1
    first = order[np.flatnonzero(new)][run]  # each window's first window of the same hash
    if _same(ids, pos[order], ids, pos[first], n).all():
        out = np.empty(len(pos), dtype=np.int64)
        out[order] = run
        return out
    rows = np.stack([ids[pos + k] for k in range(n)], axis=1)  # a collision: ids from the tokens themselves
    return np.unique(rows, axis=0, return_inverse=True)[1].ravel().astype(np.int64)


def phrase_overlap(
    docs: pd.DataFrame | TokenTable,
    by: str = "speaker",
    n: int = 5,
    *,
    stop_words: str | Iterable[str] | None = "english",
    boilerplate: str | Iterable[str] | None = "default",
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """For each ordered pair of groups, the share of one's distinct ``n``-grams found in the other's documents.

    The ``n``-grams of a group are the distinct sequences of ``n`` consecutive tokens (never
    across a document's end) of its documents that pass the filters of :func:`shared_phrases`
    (not all stop words or boilerplate, judged where they occur; an ``n``-gram counts when one
    of its occurrences passes). One of them is *shared* with another group when it occurs
    anywhere in that group's documents.

    Parameters
    ----------
    docs : DataFrame or TokenTable
        A docs frame with ``doc_id``, ``text`` and the ``by`` column (or its token table).
    by : str, default "speaker"
        The column naming each document's group. Documents with no value are left out,
        with a warning, and listed in the result's ``attrs["skipped"]``.
    n : int, default 5
        The length of the ``n``-grams, in tokens (at least 2).
    stop_words, boilerplate, n_jobs
        As in :func:`shared_phrases`.

    Returns
    -------
    DataFrame
        One row per ordered pair of distinct groups, sorted by ``group`` then ``other`` (as strings):

        - ``group`` (string): the group whose ``n``-grams are counted;
        - ``other`` (string): the group they are looked for in;
        - ``n_ngrams`` (int64): ``group``'s distinct ``n``-grams after the filters;
        - ``shared`` (int64): how many of them occur in ``other``'s documents;
        - ``share`` (float64): ``shared / n_ngrams`` (NaN when ``n_ngrams`` is 0).

    Raises
    ------
    ValueError
        ``n`` is not an integer >= 2; ``docs`` lacks ``doc_id``, ``text`` or ``by``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "speaker": ["X", "Y", "Y"],
    ...     "text": ["a new Cold War mentality", "no Cold War mentality", "a new era"]})
    >>> phrase_overlap(docs, n=2)
      group other  n_ngrams  shared  share
    0     X     Y         4       3   0.75
    1     Y     X         5       3   0.60
    """
    n = check_count("n", n, 2)
    if not isinstance(by, str):
        raise ValueError(f"by={by!r} is invalid; must be the name of one column of docs.")
    frame = docs.docs if isinstance(docs, TokenTable) else docs
    check_columns(frame, ["doc_id", "text", by])
    table = _table(docs, "docs", n_jobs)
    mapping: dict[str, int] = {}
    codes = _codes(table, mapping)
    stops, sequences = _filters(mapping, stop_words, boilerplate)
    labels = frame[by]
    missing = labels.isna().to_numpy()
    skipped = [{"doc_id": str(d), "problem": f"no {by}"} for d in frame["doc_id"][missing]]
    warn_skipped("phrase_overlap", skipped)
    groups = sorted({str(v) for v in labels[~missing]})
    group_of_doc = np.array([-1 if m else groups.index(str(v)) for v, m in zip(labels, missing)], dtype=np.int64)
    ids, ptr = _flat(table, codes, 0, len(table))
    pos, hashes = _windows(ids, ptr, n)
    gram = _ngram_ids(ids, pos, hashes, n) if len(pos) else np.zeros(0, dtype=np.int64)
    covered = np.concatenate([[0], np.cumsum(_covered(ids, ptr, stops, sequences))])
    kept = covered[pos + n] - covered[pos] < n
    grp = group_of_doc[np.searchsorted(ptr, pos, side="right") - 1] if len(pos) else pos
    has = grp >= 0
    n_grams = int(gram.max()) + 1 if len(gram) else 0

    def presence(mask: np.ndarray) -> sp.csr_matrix:
        m = sp.csr_matrix(
            (np.ones(int(mask.sum()), dtype=np.int64), (grp[mask], gram[mask])), shape=(len(groups), n_grams)
        )
        m.data[:] = 1  # duplicates were summed
        m.sum_duplicates()
        m.data[:] = 1
        return m

    own, anywhere = presence(kept & has), presence(has)
    shared = (own @ anywhere.T).toarray()
    n_own = np.asarray(own.sum(axis=1)).ravel()
    rows = [
        (g, o, int(n_own[i]), int(shared[i, j])) for i, g in enumerate(groups) for j, o in enumerate(groups) if i != j
    ]
    table_out = pd.DataFrame(rows, columns=["group", "other", "n_ngrams", "shared"])
    table_out = table_out.astype({"group": "string", "other": "string", "n_ngrams": "int64", "shared": "int64"})
    with np.errstate(invalid="ignore", divide="ignore"):
        table_out["share"] = (table_out["shared"] / table_out["n_ngrams"].where(table_out["n_ngrams"] > 0)).astype(
            "float64"
        )
    table_out.attrs["skipped"] = skipped
    return table_out
