"""Tokenize once: a compact token table that counting, keyness and the stance matcher all read.

:func:`token_table` reads every text once and keeps what the measures need in numpy
arrays, not Python objects per token:

- each text as the sequence of its whitespace-separated *chunks*, as ids into the
  corpus's distinct chunks (int32: 4 bytes a chunk; the UNGDC's 32 million chunks
  are 225,609 distinct strings);
- each distinct chunk tokenized once by :data:`toolkit.text.TOKEN_PATTERN` (on its
  lower case, :func:`toolkit.text._lower`): its tokens as ids into the corpus's
  distinct tokens, with their offsets inside the chunk.

No token holds whitespace and the pattern's look-arounds never look at whitespace,
so the tokens of a text are the tokens of its chunks, in order: exactly those of
:func:`toolkit.tokenize` and :func:`toolkit.token_spans`. A document's tokens with
their character offsets (:meth:`TokenTable.doc_tokens`) come from its chunk ids and
the chunks' offsets, found again by one vectorised scan of the text when asked for
(cheaper than keeping 8 bytes a token).

Pass the table wherever a docs frame goes (:func:`toolkit.document_term_matrix`,
:func:`toolkit.count_terms`, :func:`toolkit.dispersion`, :func:`toolkit.compare_groups`,
:func:`toolkit.find_stance`, :func:`toolkit.stance_rates`): they then read the
table instead of tokenizing the texts again, and give the same results.
"""

from __future__ import annotations

import operator
from array import array
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import islice
from typing import Any, cast, overload

import numpy as np
import pandas as pd
import scipy.sparse as sp

from toolkit._kernels import IS_SPACE, ChunkIndex, warm_up
from toolkit._kernels import ascii_tokens as _ascii_tokens
from toolkit._kernels import doc_term_counts as _doc_term_counts
from toolkit._kernels import doc_tokens as _doc_tokens
from toolkit._parallel import batches, check_n_jobs, release_memory
from toolkit._tokens import TOKEN_RE as _TOKEN_RE
from toolkit._tokens import code_points
from toolkit._tokens import lower_keeping_offsets as _lower
from toolkit._tokens import terms as _terms
from toolkit._validation import check_columns, check_texts, check_unique_ids

__all__ = ["TokenTable", "token_table"]

_EMPTY32 = np.zeros(0, dtype=np.int32)
#: Batches of documents per thread: more balance the threads' loads, fewer repeat less work (the merge looks up
#: each batch's distinct chunks; the chunks new to the corpus are tokenized there, once each).
BATCHES_PER_JOB = 2
#: With ``n_jobs`` > 1, a text longer than this many characters and than its batch's share of the corpus is cut into
#: pieces that the threads tokenize apart (at chunk starts: the pieces' chunks are the text's), so that one long
#: text is tokenized on several cores too. The table keeps the code points of a text it cuts, and with one thread
#: of a text longer than this (within :data:`KEEP_POINTS`; :meth:`TokenTable.code_points`); with several threads,
#: a long text that is not cut (its batch's share is longer) is not kept.
PIECE_MIN = 1 << 20


def is_space(points: np.ndarray) -> np.ndarray:
    """``str.isspace`` of each code point of :func:`code_points` (what :mod:`re` calls ``\\s``)."""
    return IS_SPACE[points] if points.dtype == np.uint8 else IS_SPACE[np.minimum(points, len(IS_SPACE) - 1)]


def chunk_starts(text: str | np.ndarray, space: np.ndarray | None = None) -> np.ndarray:
    """The start offsets (int64) of the whitespace-separated chunks of ``text``: those of ``text.split()``.

    ``text`` is a str or its :func:`code_points`; ``space`` is :func:`is_space` of them, when the caller has it."""
    if not len(text):
        return np.zeros(0, dtype=np.int64)
    if space is None:
        space = is_space(text if isinstance(text, np.ndarray) else code_points(text))
    begins = ~space
    begins[1:] &= space[:-1]
    return np.flatnonzero(begins)


class TextColumn(Sequence[str]):
    """The texts of a pyarrow string column, as a sequence of Python strings made one at a time.

    A docs frame of pandas 3 (with pyarrow) keeps its texts as UTF-8 in pyarrow: making them all Python
    strings at once (``Series.tolist``) would hold the corpus twice (the UNGDC's 199 million characters
    take 0.2 GB in pyarrow and 0.4 GB more as Python strings). Here ``texts[i]`` makes text ``i`` when it
    is read; the last one read is kept (the readers go through a document's matches in order). Slices
    are columns too; pickled, a column carries its slice of the pyarrow array.

    >>> import pyarrow as pa
    >>> texts = TextColumn(pa.array(["a b", "c"]))
    >>> len(texts), texts[1], list(texts[:1]), texts[-1]
    (2, 'c', ['a b'], 'c')
    """

    __slots__ = ("_array", "_last")

    def __init__(self, array: Any) -> None:
        self._array = array
        self._last: tuple[int, str] = (-1, "")

    def __len__(self) -> int:
        return len(self._array)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> TextColumn: ...
    def __getitem__(self, i: int | slice) -> str | TextColumn:
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step != 1:
                return TextColumn(self._array.take(np.arange(start, stop, step)))
            return TextColumn(self._array.slice(start, max(stop - start, 0)))
        i = operator.index(i)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("text index out of range")
        last = self._last  # one tuple, read and set whole: threads may read at once
        if last[0] == i:
            return last[1]
        text = self._array[i].as_py()
        self._last = (i, text)
        return text

    def __iter__(self) -> Iterator[str]:
        for start in range(0, len(self), 256):  # a few at a time: a list per block, not per corpus
            yield from self._array.slice(start, 256).to_pylist()

    def __reduce__(self) -> tuple:
        # pyarrow pickles a slice with its whole buffers: a compact copy of the slice instead
        import pyarrow as pa

        array = self._array
        chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
        return (TextColumn, (pa.concat_arrays(chunks) if chunks else pa.array([], type=array.type),))


def text_sequence(column: pd.Series) -> Sequence[str]:
    """The texts of a docs frame's ``text`` column (checked: every value a str): a :class:`TextColumn` where
    pandas keeps them in pyarrow, else the list of the column's own string objects (no copies)."""
    values = column.array
    if isinstance(values, pd.arrays.ArrowStringArray):
        chunked = values.__arrow_array__()  # the column's own buffers: one chunk or several, not copied
        return TextColumn(chunked.chunk(0) if chunked.num_chunks == 1 else chunked)
    return column.tolist()


def text_lengths(texts: Sequence[str]) -> np.ndarray:
    """The length (code points) of each text, int64: pyarrow's count for a :class:`TextColumn`."""
    if isinstance(texts, TextColumn):
        import pyarrow.compute as pc

        return np.asarray(pc.utf8_length(texts._array).to_numpy(zero_copy_only=False), dtype=np.int64)
    return np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))


@dataclass(eq=False)
class TokenTable:
    """The documents of a docs frame, tokenized once (see the module docstring).

    Attributes
    ----------
    docs : DataFrame
        The docs frame the table was made from (not copied): its metadata
        columns give the groups of the measures.
    doc_ids : ndarray of str
        The documents' ids, in the frame's row order.
    texts : sequence of str
        The texts: the frame's own string objects, or a :class:`TextColumn` that
        makes each when it is read where the frame keeps them in pyarrow.
    totals : ndarray of int64
        Tokens of each document.
    vocab : list of str
        The distinct tokens, lower-cased (:func:`toolkit.text._lower`) but not
        otherwise normalised; a token's id is its index here.
    terms : list of str
        The distinct terms (what :func:`toolkit.tokenize` gives: without format
        characters, in NFC); ``term_of[i]`` is the term id of token id ``i``.
    counts : scipy.sparse.csr_matrix of int32, shape (n_documents, n_terms)
        How often each term occurs in each document (counted by the workers
        that tokenized the documents): what :func:`toolkit.document_term_matrix`
        reads for lower-cased unigrams.
    """

    docs: pd.DataFrame
    doc_ids: np.ndarray
    texts: Sequence[str]
    chunk_ptr: np.ndarray  # int64 (n_docs + 1): the chunks of document i, counted from the first document
    chunks: list  # int32 chunk ids, document after document, in arrays of whole documents (a batch's, or more)
    part_start: np.ndarray  # int64: the first chunk (as chunk_ptr counts) of each array of chunks
    ctok_ptr: np.ndarray  # int64 (n_distinct_chunks + 1): the tokens of chunk c
    ctok_ids: np.ndarray  # int32 token ids
    ctok_start: np.ndarray  # int32 offsets inside the chunk
    ctok_end: np.ndarray  # int32
    vocab: list
    totals: np.ndarray
    terms: list
    term_of: np.ndarray
    counts: sp.csr_matrix  # (documents x terms) int32 counts, column j the term terms[j]
    # the code points of each text the table cut into pieces, or (one thread) longer than PIECE_MIN, by row
    # (code_points): not pickled, not taken
    _points: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.doc_ids)

    def __repr__(self) -> str:
        return (
            f"TokenTable({len(self)} documents, {int(self.totals.sum())} tokens, {len(self.terms)} terms, "
            f"{len(self.ctok_ptr) - 1} distinct chunks)"
        )

    @property
    def n_tokens(self) -> int:
        return int(self.totals.sum())

    @cached_property
    def term_order(self) -> np.ndarray:
        """The permutation that sorts :attr:`terms` (int64), made once: every measure that sums documents by
        group reads the terms in this order (each sorted them again, a sort of Python strings)."""
        order = np.argsort(np.array(self.terms, dtype=object), kind="stable")
        order.setflags(write=False)  # shared by every call that reads it
        return order

    def keeps_code_points(self, i: int) -> bool:
        """Whether the table keeps the code points of document ``i``'s text (:meth:`code_points`)."""
        return i in self._points

    def code_points(self, i: int) -> np.ndarray:
        """The code points of document ``i``'s text (:func:`toolkit._tokens.code_points`): those the table made
        when it cut the text into pieces, or tokenized it with one thread (a text longer than :data:`PIECE_MIN`:
        kept while the table lives, read again by the stance markers' pieces and a long text's blocks instead of
        being made and faulted in again), else made now."""
        kept = self._points.get(i)
        return code_points(self.texts[i]) if kept is None else kept

    def __getstate__(self) -> dict:
        """Pickled without the code points it keeps (:meth:`code_points` makes them again)."""
        return {**self.__dict__, "_points": {}}

    def take(self, rows: range) -> TokenTable:
        """The table of the documents ``rows`` (a contiguous range), as a worker that does not fork receives it:
        their texts, chunks and counts; the distinct chunks and tokens are shared (small)."""
        lo, hi = int(self.chunk_ptr[rows.start]), int(self.chunk_ptr[rows.stop])
        pieces = []
        for k, part in enumerate(self.chunks):
            a, b = int(self.part_start[k]), int(self.part_start[k]) + len(part)
            if a < hi and b > lo:
                pieces.append(part[max(lo, a) - a : min(hi, b) - a])
        sub = object.__new__(TokenTable)
        sub.__dict__.update(self.__dict__)
        sub.docs = self.docs.iloc[rows.start : rows.stop]
        sub.doc_ids = self.doc_ids[rows.start : rows.stop]
        sub.texts = self.texts[rows.start : rows.stop]
        sub.chunk_ptr = self.chunk_ptr[rows.start : rows.stop + 1] - lo
        sub.chunks = [np.concatenate(pieces) if pieces else _EMPTY32]
        sub.part_start = np.zeros(1, dtype=np.int64)
        sub.totals = self.totals[rows.start : rows.stop]
        sub.counts = self.counts[rows.start : rows.stop]
        sub._points = {}
        return sub

    def doc_chunks(self, i: int) -> np.ndarray:
        """The chunk ids (int32) of document ``i`` (its row), in text order."""
        lo, hi = int(self.chunk_ptr[i]), int(self.chunk_ptr[i + 1])
        if lo == hi:
            return _EMPTY32
        part = int(np.searchsorted(self.part_start, lo, side="right")) - 1
        return self.chunks[part][lo - self.part_start[part] : hi - self.part_start[part]]

    def changed(self, i: int) -> ValueError:
        """The error for document ``i`` whose text has not the chunks the table holds for it."""
        return ValueError(
            f"the text of doc_id {self.doc_ids[i]!r} changed after its token table was made; "
            "make the table again with toolkit.token_table(docs)."
        )

    def doc_tokens(self, i: int, begins: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(token ids, starts, ends) of document ``i`` (its row), offsets into its text, in text order.

        ``begins``: :func:`chunk_starts` of its text, when the caller has them."""
        c = self.doc_chunks(i)
        if not len(c):
            return _EMPTY32, np.zeros(0, np.int64), np.zeros(0, np.int64)
        begins = chunk_starts(self.texts[i]) if begins is None else begins
        if len(begins) != len(c):  # the text is not the one the table was made from
            raise self.changed(i)
        return _doc_tokens(c, begins, self.ctok_ptr, self.ctok_ids, self.ctok_start, self.ctok_end)


def next_chunk_start(text: str | np.ndarray, t: int, stop: int) -> int | None:
    """The first chunk start in ``[t, stop)`` of ``text`` (a str or its :func:`code_points`; ``0 <= t <= stop <=
    len(text)``), None if there is none; read from a window from the code point before ``t`` (whether a chunk
    starts at ``t``) that grows until it holds one or reaches ``stop`` (a text without whitespace is read once,
    not to its end at every cut). Where the token table's threads and the stance workers cut a long text."""
    size = 1 << 12
    while True:
        lo, hi = max(t - 1, 0), min(t + size, stop)
        starts = chunk_starts(text[lo:hi])
        starts = starts[starts >= t - lo]  # the window's first code point has its own start, not the text's
        if len(starts):
            return lo + int(starts[0])
        if hi == stop:
            return None
        size *= 4


def _pieces(texts: Sequence[str], lengths: np.ndarray, n_jobs: int) -> np.ndarray | None:
    """``(doc, start, end)`` (int64) of the pieces the threads tokenize, in text order: whole texts, and each text
    longer than :data:`PIECE_MIN` and its share of the batches cut at chunk starts near equal shares of its
    characters (no chunk is cut, so the pieces' chunks, in order, are the text's). None when no text is cut. With
    one thread, a text is not cut, but the texts are pieces of their own where one is longer than
    :data:`PIECE_MIN`: its code points are kept (:class:`_PieceTexts`)."""
    if not len(lengths):
        return None
    if n_jobs == 1:
        if not (lengths > PIECE_MIN).any():
            return None
        return np.column_stack([np.arange(len(lengths)), np.zeros(len(lengths), np.int64), lengths]).astype(np.int64)
    size = max(float(lengths.sum()) / (n_jobs * BATCHES_PER_JOB), PIECE_MIN)
    cut = np.flatnonzero(lengths > size)
    if not len(cut):
        return None
    ends: list[np.ndarray] = []  # the end of each piece, text after text
    owner: list[np.ndarray] = []
    done = 0
    for i in cut.tolist():
        ends.append(lengths[done:i])  # whole texts
        owner.append(np.arange(done, i, dtype=np.int64))
        n, pieces, text = int(lengths[i]), int(np.ceil(lengths[i] / size)), texts[i]
        cuts = [next_chunk_start(text, n * j // pieces, n * (j + 1) // pieces) for j in range(1, pieces)]
        ends.append(np.array([c for c in cuts if c is not None] + [n], dtype=np.int64))
        owner.append(np.full(len(ends[-1]), i, dtype=np.int64))
        done = i + 1
    ends.append(lengths[done:])
    owner.append(np.arange(done, len(lengths), dtype=np.int64))
    end = np.concatenate(ends).astype(np.int64)
    doc = np.concatenate(owner)
    start = np.where(np.r_[True, doc[1:] != doc[:-1]], 0, np.r_[0, end[:-1]])
    return np.column_stack([doc, start, end])


#: Bytes of code points a token table keeps of the texts it cuts into pieces, or with one thread of those longer
#: than :data:`PIECE_MIN` (:meth:`TokenTable.code_points`):
#: 256 MiB: an ASCII text of 268 million characters, one of 134 million in the Basic Multilingual Plane, of 67
#: million past it. Past that, a piece is sliced and encoded alone (as all were before: no more memory at once).
KEEP_POINTS = 1 << 28


class _PieceTexts(Sequence[str]):
    """The texts of the pieces (:func:`_pieces`): ``texts[doc][start:end]``, the text itself when whole.

    :meth:`piece` gives a piece as its whole text, a view of the whole text's code points and its offset: a
    text cut into pieces is encoded once (:attr:`points`, by its row), not each piece sliced and encoded (the
    50 MB text's four pieces were 100 MB of copies and 100 MB of code points, each page faulted in). A whole
    text longer than :data:`PIECE_MIN` is kept too (the stance markers' pieces and a long text's blocks read
    it again)."""

    def __init__(self, texts: Sequence[str], pieces: np.ndarray, lengths: np.ndarray) -> None:
        import threading

        self.texts, self.pieces, self.lengths = texts, pieces, lengths
        self.points: dict[int, np.ndarray] = {}
        self._kept = 0  # bytes of points
        self._sliced: set[int] = set()  # the texts whose pieces are encoded alone
        self._lock = threading.Lock()

    def piece(self, k: int) -> tuple[str, np.ndarray, int]:
        """(the text of piece ``k``'s document, the code points of the piece, the piece's offset in the text).
        A text's code points are kept while those kept come to at most :data:`KEEP_POINTS` bytes; past that, a
        piece is sliced and encoded alone."""
        doc, start, end = (int(v) for v in self.pieces[k])
        text = self.texts[doc]
        if start == 0 and end == self.lengths[doc] <= PIECE_MIN:  # a whole text, not long: nothing to keep
            return text, code_points(text), 0
        with self._lock:  # encoded once, by the first thread that needs it
            points = self.points.get(doc)
            # a text encoded whole only if it may fit (at least a byte a character), kept only if it does
            if points is None and doc not in self._sliced and self._kept + int(self.lengths[doc]) <= KEEP_POINTS:
                points = code_points(text)
                if self._kept + points.nbytes <= KEEP_POINTS:
                    self.points[doc] = points
                    self._kept += points.nbytes
                else:  # wider than it may be: dropped, its pieces encoded alone
                    points = None
            if points is None:
                self._sliced.add(doc)
        if points is None:
            return text, code_points(text[start:end]), start
        return text, points[start:end], start

    def __len__(self) -> int:
        return len(self.pieces)

    @overload
    def __getitem__(self, k: int) -> str: ...
    @overload
    def __getitem__(self, k: slice) -> Sequence[str]: ...
    def __getitem__(self, k: int | slice) -> str | Sequence[str]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        doc, start, end = (int(v) for v in self.pieces[k])
        text = self.texts[doc]
        return text if start == 0 and end == self.lengths[doc] else text[start:end]


def _join_pieces(counts: sp.csr_matrix, totals: np.ndarray, n_chunks: np.ndarray, doc: np.ndarray) -> tuple:
    """The pieces' rows of counts, tokens and chunks (pieces of one text next to each other, ``doc`` their texts)
    summed into their text's: a text's terms in first-seen order, as the text's own row would hold them."""
    bounds = np.searchsorted(doc, np.arange(int(doc[-1]) + 2))  # the pieces of text i: bounds[i] to bounds[i + 1]
    ptr = counts.indptr.astype(np.int64)
    data: list[np.ndarray] = []
    indices: list[np.ndarray] = []
    sizes = np.diff(ptr)[bounds[:-1]]  # a whole text's row: its piece's
    done = 0
    for i in np.flatnonzero(np.diff(bounds) > 1).tolist():
        a, b = ptr[bounds[done]], ptr[bounds[i]]  # the whole texts before, their rows as they are
        data.append(counts.data[a:b])
        indices.append(counts.indices[a:b])
        a, b = ptr[bounds[i]], ptr[bounds[i + 1]]
        terms, first, inverse = np.unique(counts.indices[a:b], return_index=True, return_inverse=True)
        sums = np.zeros(len(terms), dtype=np.int64)
        np.add.at(sums, inverse, counts.data[a:b])
        order = np.argsort(first, kind="stable")
        data.append(sums[order].astype(counts.data.dtype))
        indices.append(terms[order].astype(counts.indices.dtype))
        sizes[i] = len(terms)
        done = i + 1
    data.append(counts.data[ptr[bounds[done]] :])
    indices.append(counts.indices[ptr[bounds[done]] :])
    indptr = np.r_[0, np.cumsum(sizes)].astype(counts.indptr.dtype)
    # (has_sorted_indices left to scipy to find, as for the whole text's matrix)
    joined = sp.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), indptr), shape=(len(bounds) - 1, counts.shape[1])
    )
    first_piece = bounds[:-1]
    return joined, np.add.reduceat(totals, first_piece), np.add.reduceat(n_chunks, first_piece)


def _join_parts(arrays: list[np.ndarray], joined: list[bool]) -> list[np.ndarray]:
    """The batches' arrays of chunk ids, each run of them that ``joined`` ties together (``joined[k]``: array
    ``k + 1`` goes on with the text that array ``k`` ends in) concatenated into one array."""
    runs = [[arrays[0]]]
    for ids, tie in zip(arrays[1:], joined, strict=True):
        if tie:
            runs[-1].append(ids)
        else:
            runs.append([ids])
    return [run[0] if len(run) == 1 else np.concatenate(run) for run in runs]


def _chunk_batch(texts: Sequence[str], lengths: np.ndarray, batch: range) -> tuple[list[str], np.ndarray, np.ndarray]:
    """One thread's share: its texts' chunk ids (its own numbering, first seen first), each text's number of
    chunks, and its distinct chunks (a compiled loop: no Python object per chunk but the distinct ones).

    The ids go into one array with room for texts of nothing but one-character chunks (``lengths``: of each
    text): the pages past the ids written are never touched, so they hold no memory; the array is not copied."""
    index = ChunkIndex()
    ids = np.empty(int((lengths[batch.start : batch.stop] // 2 + 1).sum()), dtype=np.int32)
    k = 0
    n_chunks = np.empty(len(batch), dtype=np.int64)
    for j, i in enumerate(batch):
        before = k
        if isinstance(texts, _PieceTexts):
            text, points, offset = texts.piece(i)
            k = index.add_into(text, points, ids, k, offset)
        else:
            text = texts[i]
            k = index.add_into(text, code_points(text), ids, k)
        n_chunks[j] = k - before
    return index.strings, ids[:k], n_chunks


def _tokenize_chunks(strings: list[str]) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """(tokens of each chunk, int32; the tokens, lower-cased; their starts and ends inside their chunk, int32).

    The chunks are tokenized together, joined by spaces, the ASCII ones apart (their lower case is quicker
    to make, and a compiled pass finds their tokens: :func:`toolkit._kernels.ascii_tokens`): no token holds
    whitespace and the pattern's look-arounds read a space as they read the end of a chunk (neither is a
    letter, digit, mark or format character, an apostrophe, "s" or a digit), and the lower case of a slice is
    the slice of the lower case (:func:`toolkit.text._lower`), so each chunk has the tokens it has alone,
    without a Python call per chunk.
    """
    ascii_ = np.fromiter(map(str.isascii, strings), dtype=bool, count=len(strings))
    raw: list[str] = []
    parts = []  # (chunk, start, end) of the tokens of each kind
    ascii_kind = np.flatnonzero(ascii_)
    for kind in (ascii_kind, np.flatnonzero(~ascii_)):
        if not len(kind):
            continue
        chosen = [strings[c] for c in kind.tolist()]
        size = np.fromiter(map(len, chosen), dtype=np.int64, count=len(chosen)) + 1  # each chunk and its space
        begins = np.cumsum(size) - size  # of each chunk in the joined text
        joined = " ".join(chosen)
        del chosen
        # the tokens in a list, their offsets in arrays of int64 (no object per offset): a list of tuples set off
        # the garbage collector again and again, and lists of ints held an object for each
        before = len(raw)
        low = _lower(joined)
        if kind is ascii_kind:  # a compiled pass, without the GIL (compared with the regex in the tests)
            at, end = _ascii_tokens(np.frombuffer(low.encode("ascii"), dtype=np.uint8))
            raw.extend([low[a:b] for a, b in zip(at.tolist(), end.tolist(), strict=True)])
        else:
            starts = array("q")
            ends = array("q")
            for m in _TOKEN_RE.regex.finditer(low):
                raw.append(m.group())
                starts.append(m.start())
                ends.append(m.end())
            at, end = np.frombuffer(starts, dtype=np.int64), np.frombuffer(ends, dtype=np.int64)
        del low
        if len(raw) == before:
            continue
        k = np.searchsorted(begins, at, side="right") - 1
        parts.append((kind[k], at - begins[k], end - begins[k]))
    if not parts:
        return np.zeros(len(strings), np.int32), [], _EMPTY32, _EMPTY32
    chunk, starts_, ends_ = (np.concatenate(column) for column in zip(*parts))
    order = np.argsort(chunk, kind="stable")  # the tokens chunk after chunk, each chunk's in text order
    return (
        np.bincount(chunk, minlength=len(strings)).astype(np.int32),
        [raw[j] for j in order.tolist()],
        starts_[order].astype(np.int32),
        ends_[order].astype(np.int32),
    )


def _count_batch(
    ids: np.ndarray, n_chunks: np.ndarray, tok_ptr: np.ndarray, tok_terms: np.ndarray, n_terms: int
) -> tuple:
    """(counts as a CSR matrix of int32, tokens of each document) of a batch's documents (chunk ids ``ids``,
    global), each row's terms in first-seen order (a compiled loop that lets go of the GIL)."""
    (data, indices, indptr), totals = _doc_term_counts(ids, n_chunks, tok_ptr, tok_terms, n_terms)
    if indptr[-1] < np.iinfo(np.int32).max:
        indptr = indptr.astype(np.int32)  # scipy's own index type for a matrix this size
    counts = sp.csr_matrix((data, indices, indptr), shape=(len(n_chunks), n_terms))
    counts.has_sorted_indices = False  # each row's terms in first-seen order
    return counts, totals


def _stack_rows(parts: list[sp.csr_matrix], n_columns: int) -> sp.csr_matrix:
    """The rows of ``parts`` (CSR matrices, in order) in one CSR matrix of ``n_columns`` columns, as ``sp.vstack``
    makes it, but each part let go once copied (``parts`` is emptied): the parts and the whole are not all held
    at once (80 MB each for the UNGDC)."""
    nnz = sum(p.nnz for p in parts)
    n_rows = sum(p.shape[0] for p in parts)
    index = np.int32 if max(nnz, n_columns) < np.iinfo(np.int32).max else np.int64
    data = np.empty(nnz, dtype=np.int32)
    indices = np.empty(nnz, dtype=index)
    indptr = np.zeros(n_rows + 1, dtype=index)
    at = row = 0
    parts.reverse()
    while parts:
        part = parts.pop()
        k, rows = part.nnz, part.shape[0]
        data[at : at + k] = part.data
        indices[at : at + k] = part.indices
        # the part's offsets in the whole's type before adding: a part's int32 offsets plus ``at`` could wrap
        indptr[row + 1 : row + rows + 1] = part.indptr[1:].astype(index) + at
        at, row = at + k, row + rows
        del part
    return sp.csr_matrix((data, indices, indptr), shape=(n_rows, n_columns))


def _in_order(pool: ThreadPoolExecutor, func: Callable[[range], tuple], parts: list[range], ahead: int) -> Iterator:
    """``func(part)`` of each part on ``pool``, yielded in order, with at most ``ahead`` parts at work or done
    and not yet taken (``pool.map`` starts them all: their results, lists of Python objects, would pile up
    while the caller merges them one by one)."""
    waiting: deque[Future] = deque()
    todo = iter(parts)
    for part in islice(todo, ahead):
        waiting.append(pool.submit(func, part))
    while waiting:
        done = waiting.popleft()
        for part in islice(todo, 1):
            waiting.append(pool.submit(func, part))
        yield done.result()
        del done


def token_table(docs: pd.DataFrame, *, n_jobs: int | None = None) -> TokenTable:
    """Tokenize every document once, into a :class:`TokenTable`.

    Parameters
    ----------
    docs : DataFrame
        A docs frame with ``doc_id`` (unique) and ``text``; other columns are
        kept for grouping (the table refers to the frame, it does not copy it).
    n_jobs : int, optional
        Threads (None or 1: this one; -1: one per CPU): the compiled loops that
        do most of the work release Python's GIL. The table is the same whatever
        ``n_jobs`` (documents are cut into contiguous batches and merged in order;
        a text longer than a batch's share, and than :data:`PIECE_MIN` characters,
        is cut at whitespace into pieces that several threads take).

    Returns
    -------
    TokenTable

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["We don't agree.", "China's envoy"]})
    >>> table = token_table(docs)
    >>> table.totals.tolist(), [table.vocab[i] for i in table.doc_tokens(1)[0]]
    ([3, 3], ['china', "'s", 'envoy'])
    >>> table.doc_tokens(0)[1].tolist(), table.doc_tokens(0)[2].tolist()
    ([0, 3, 9], [2, 8, 14])
    """
    if isinstance(docs, TokenTable):
        return docs
    n_jobs = check_n_jobs(n_jobs)
    check_columns(docs, ["doc_id", "text"])
    check_texts(docs)
    check_unique_ids(docs)
    texts = text_sequence(docs["text"])
    doc_ids = docs["doc_id"].astype(str).to_numpy(dtype=object)
    lengths = text_lengths(texts)
    pieces = _pieces(texts, lengths, n_jobs)
    kept: dict[int, np.ndarray] = {}  # the code points of the texts cut into pieces (TokenTable.code_points)
    if pieces is not None:  # a long text cut: the threads tokenize its pieces, their rows summed at the end
        texts_of: Sequence[str] = _PieceTexts(texts, pieces, lengths)
        lengths = pieces[:, 2] - pieces[:, 1]
    else:
        texts_of = texts
    parts = batches(lengths, n_jobs * BATCHES_PER_JOB if n_jobs > 1 else 1)
    with ExitStack() as stack:
        if n_jobs > 1:
            # threads, not processes: the compiled loops (most of the work) let go of the GIL, and a thread's
            # arrays need no pickling back (a pool of processes took longer than one process)
            warm_up()  # compiled, or loaded from numba's cache, once
            pool = stack.enter_context(ThreadPoolExecutor(n_jobs, thread_name_prefix="toolkit-token-table"))
            results: Iterable[tuple] = _in_order(pool, partial(_chunk_batch, texts_of, lengths), parts, ahead=n_jobs)
            submit: Callable[..., Any] | None = pool.submit
        else:
            results = map(partial(_chunk_batch, texts_of, lengths), parts)
            submit = None
        # the pool's threads end with this block (a later pool of processes then forks a single-threaded process)
        chunk_ids: defaultdict[str, int] = defaultdict()
        chunk_ids.default_factory = chunk_ids.__len__
        token_ids: defaultdict[str, int] = defaultdict()
        token_ids.default_factory = token_ids.__len__
        term_ids: dict[str, int] = {}
        chunk_parts, n_parts = [], []
        tok_id_parts, tok_s_parts, tok_e_parts = [], [], []
        term_of = _EMPTY32  # the term of each token id
        counted: list[Any] = []  # each batch's (counts, totals), or the future of them
        tok_ptr = np.zeros(1, dtype=np.int64)
        tok_terms = _EMPTY32
        for strings, ids, n_chunks in results:
            # the batch's chunks in the corpus's numbering; the chunks new to the corpus tokenized, once each
            before = len(chunk_ids)
            remap = np.fromiter(map(chunk_ids.__getitem__, strings), dtype=np.int32, count=len(strings))
            ids = remap[ids] if len(ids) else _EMPTY32
            chunk_parts.append(ids)
            n_parts.append(n_chunks)
            new = np.flatnonzero(remap >= before)  # in first-seen order: remap[new] is before, before + 1, ...
            del remap
            if len(new):
                tok_n, raw, starts, ends = _tokenize_chunks([strings[j] for j in new.tolist()])
                vocab_before = len(token_ids)
                tok_id = np.fromiter(map(token_ids.__getitem__, raw), dtype=np.int32, count=len(raw))
                # the terms of the new tokens (a term is first met with the first token that has it)
                fresh = _terms(list(islice(token_ids, vocab_before, None)))
                term_of = np.concatenate(
                    [
                        term_of,
                        np.fromiter(
                            (term_ids.setdefault(t, len(term_ids)) for t in fresh), dtype=np.int32, count=len(fresh)
                        ),
                    ]
                )
                tok_id_parts.append(tok_id)
                tok_s_parts.append(starts)
                tok_e_parts.append(ends)
                tok_ptr = np.concatenate([tok_ptr, tok_ptr[-1] + np.cumsum(tok_n, dtype=np.int64)])
                tok_terms = np.concatenate([tok_terms, term_of[tok_id]])
                del raw
            del strings  # the batch's own copies of its chunks: the corpus's are the keys of chunk_ids
            work = (ids, n_chunks, tok_ptr, tok_terms, len(term_ids))
            counted.append(submit(_count_batch, *work) if submit is not None else _count_batch(*work))
        counted = [c.result() if isinstance(c, Future) else c for c in counted]
        release_memory()  # the lists of Python objects the batches left behind
    if pieces is not None:  # a text's chunks in one array (TokenTable.doc_chunks reads them there)
        chunk_parts = _join_parts(chunk_parts, [pieces[p.start - 1, 0] == pieces[p.start, 0] for p in parts[1:]])
    part_start = (
        np.concatenate([[0], np.cumsum([len(c) for c in chunk_parts])[:-1]]).astype(np.int64)
        if chunk_parts
        else np.zeros(1, dtype=np.int64)
    )
    chunks = chunk_parts or [_EMPTY32]  # not concatenated: that would hold them twice for a moment
    n_chunks = np.concatenate(n_parts) if n_parts else np.zeros(0, np.int64)
    totals = np.concatenate([t for _, t in counted]) if counted else np.zeros(0, np.int64)

    def cat(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts) if parts else _EMPTY32

    vocab = list(token_ids)
    count_parts = [c for c, _ in counted]
    del counted
    counts = _stack_rows(count_parts, len(term_ids))  # empties count_parts as it goes
    if pieces is not None:
        counts, totals, n_chunks = _join_pieces(counts, totals, n_chunks, pieces[:, 0])
        kept = cast(_PieceTexts, texts_of).points
    release_memory()
    return TokenTable(
        docs=docs,
        doc_ids=doc_ids,
        texts=texts,
        chunk_ptr=np.concatenate([[0], np.cumsum(n_chunks)]).astype(np.int64),
        chunks=chunks,
        part_start=part_start,
        ctok_ptr=tok_ptr,
        ctok_ids=cat(tok_id_parts),
        ctok_start=cat(tok_s_parts),
        ctok_end=cat(tok_e_parts),
        vocab=vocab,
        totals=totals.astype(np.int64),
        terms=list(term_ids),
        term_of=term_of,
        counts=counts,
        _points=kept,
    )
