"""Compiled loops (numba) for the token table's hot paths: where numpy has no whole-array form.

:class:`ChunkIndex` numbers the whitespace-separated chunks of texts (the chunks of
``str.split()``): each distinct chunk gets the next id the first time it is seen.
Chunks are found by the whitespace table of :func:`toolkit.tokentable.is_space`,
hashed (64-bit FNV-1a over the code points) into an open-addressing table, and a
hash hit is confirmed by comparing the code points with the stored first copy of
the chunk, so two different chunks never share an id, whatever their hashes.

The functions are compiled on first use and cached on disk (``cache=True``: in
``__pycache__`` beside this file, or numba's user-wide cache folder when that is
not writable), so a fresh process loads them instead of compiling again.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["IS_SPACE", "ChunkIndex", "warm_up"]

#: ``str.isspace`` of every code point up to U+3001 (every whitespace character lies below it)
#: scan_doc's ``lead`` of a token: its first code point, and its second shifted left by this many bits (a code
#: point takes 21).
LEAD_BITS = 21
IS_SPACE = np.array([chr(c).isspace() for c in range(0x3001 + 1)], dtype=bool)

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


@njit(cache=True, nogil=True)
def _chunk_ids(points, start, space, slots, store, store_n, first_start, sizes, n, ids, k):  # type: ignore[no-untyped-def]
    """The ids of the chunks of one text (code points ``points``) from position ``start``, written into ``ids``
    from entry ``k``; new chunks are added to the index.

    ``space[c]``: whether code point ``c`` is whitespace (code points past the table are not).
    ``slots``: the hash table, one row per slot (uint64): the chunk's hash, and one more than the offset of its
    record in ``store`` (0 where empty); its length a power of two. A record is the chunk's length, its id,
    then its code points; ``store_n`` entries of ``store`` are used. ``first_start`` and ``sizes``: per chunk
    id, where the text that first held it has it, and its length. A hash hit is confirmed by comparing the code points with the
    record's: the row and the record are all a lookup reads.

    Returns (the position reached, ``k`` after its chunks, ``n``, ``store_n``): the end of the text, or the
    start of a new chunk for which there is no room (the table would be more than half full, or ``store``
    or ``first_start`` too short); the caller makes room and goes on from there.
    """
    n_space = len(space)
    length = len(points)
    mask = np.int64(len(slots) - 1)
    limit = len(slots) // 2
    i = start
    while i < length:
        c = np.int64(points[i])
        if c < n_space and space[c]:
            i += 1
            continue
        s = i
        h = _FNV_OFFSET
        while i < length:
            c = np.int64(points[i])
            if c < n_space and space[c]:
                break
            h = (h ^ np.uint64(c)) * _FNV_PRIME
            i += 1
        size = i - s
        slot = np.int64(h & np.uint64(mask))
        cid = np.int64(-1)
        while True:
            at = np.int64(slots[slot, 1]) - 1
            if at < 0:
                break
            if slots[slot, 0] == h and np.int64(store[at]) == size:
                j = 0
                while j < size and np.int64(store[at + 2 + j]) == np.int64(points[s + j]):
                    j += 1
                if j == size:
                    cid = np.int64(store[at + 1])
                    break
            slot = (slot + 1) & mask
        if cid < 0:  # a new chunk
            if n + 1 > limit or store_n + size + 2 > len(store) or n >= min(len(first_start), len(sizes)):
                return s, k, n, store_n  # no room: the caller makes some and comes back to this chunk
            cid = n
            slots[slot, 0] = h
            slots[slot, 1] = np.uint64(store_n + 1)
            store[store_n] = size
            store[store_n + 1] = n
            for j in range(size):
                store[store_n + 2 + j] = points[s + j]
            store_n += size + 2
            first_start[n] = s
            sizes[n] = size
            n += 1
        ids[k] = cid
        k += 1
    return length, k, n, store_n


@njit(cache=True, nogil=True)
def _rehash(slots, size):  # type: ignore[no-untyped-def]
    """A hash table of ``size`` rows (a power of two) holding the chunks of ``slots``, by their hashes."""
    out = np.zeros((size, 2), dtype=np.uint64)
    mask = np.int64(size - 1)
    for row in range(len(slots)):
        if slots[row, 1] == 0:
            continue
        slot = np.int64(slots[row, 0] & np.uint64(mask))
        while out[slot, 1] != 0:
            slot = (slot + 1) & mask
        out[slot, 0] = slots[row, 0]
        out[slot, 1] = slots[row, 1]
    return out


def _room(a: np.ndarray, need: int) -> np.ndarray:
    """``a``, or a copy twice as long (or more) when it has fewer than ``need`` entries."""
    if need <= len(a):
        return a
    out = np.empty(max(need, 2 * len(a)), dtype=a.dtype)
    out[: len(a)] = a
    return out


class ChunkIndex:
    """The distinct whitespace-separated chunks of texts, numbered in first-seen order.

    ``add(text, points)`` gives the ids of the chunks of ``text`` (in order, those of
    ``text.split()``) and records the new ones in :attr:`strings`. The hash table grows
    (twice as large) when it would be more than half full: its size follows the distinct
    chunks, not the length of the texts.

    >>> index = ChunkIndex()
    >>> index.add("a b  a", np.frombuffer(b"a b  a", np.uint8)).tolist(), index.strings
    ([0, 1, 0], ['a', 'b'])
    """

    def __init__(self, space: np.ndarray = IS_SPACE) -> None:
        self.space = space
        self.slots = np.zeros((1 << 12, 2), dtype=np.uint64)
        self.store = np.empty(1 << 14, dtype=np.uint32)
        self.store_n = 0
        self.first_start = np.empty(1 << 11, dtype=np.int64)
        self.sizes = np.empty(1 << 11, dtype=np.int64)
        self.strings: list[str] = []

    def add(self, text: str, points: np.ndarray) -> np.ndarray:
        """The chunk ids (int32) of ``text``, whose code points are ``points`` (uint8, uint16 or uint32)."""
        ids = np.empty(len(points) // 2 + 1, dtype=np.int32)  # at most this many chunks
        k = self.add_into(text, points, ids, 0)
        return ids[:k].copy() if k < len(ids) else ids

    def add_into(self, text: str, points: np.ndarray, ids: np.ndarray, k: int, offset: int = 0) -> int:
        """:meth:`add`, the ids written into ``ids`` (int32) from entry ``k``, which has room for
        ``len(points) // 2 + 1`` of them (ValueError otherwise); returns the entry after the last. ``points``
        may be those of ``text[offset:offset + len(points)]`` (a piece of a text, cut at a chunk start)."""
        if k + len(points) // 2 + 1 > len(ids):
            raise ValueError(f"ids has no room for the chunks of a text of {len(points)} code points from entry {k}")
        before = n = len(self.strings)
        at = 0
        while True:
            at, k, n, self.store_n = _chunk_ids(
                points, at, self.space, self.slots, self.store, self.store_n, self.first_start, self.sizes, n, ids, k
            )
            if at == len(points):
                break
            # no room for the chunk at ``at``: a larger table, a longer store and first_start
            if n + 1 > len(self.slots) // 2:
                self.slots = _rehash(self.slots, 2 * len(self.slots))
            self.first_start = _room(self.first_start, n + 1)
            self.sizes = _room(self.sizes, n + 1)
            self.store = _room(self.store, self.store_n + 2 + (len(points) - at))
        if n > before:
            starts, sizes = self.first_start[before:n].tolist(), self.sizes[before:n].tolist()
            self.strings.extend(text[offset + s : offset + s + z] for s, z in zip(starts, sizes, strict=True))
        return int(k)


@njit(cache=True, nogil=True, inline="always")
def _ascii_alnum(c):  # type: ignore[no-untyped-def]
    return (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122)


@njit(cache=True, nogil=True, inline="always")
def _ascii_digit(c):  # type: ignore[no-untyped-def]
    return 48 <= c <= 57


@njit(cache=True, nogil=True)
def ascii_tokens(text):  # type: ignore[no-untyped-def]
    """(starts, ends) of the tokens of an ASCII text (its bytes, uint8): the matches of
    :data:`toolkit._tokens.TOKEN_PATTERN` that its ``finditer`` gives, found without :mod:`re`.

    In ASCII the pattern reads: a word, runs of letters and digits joined by one "-" or ".", by an
    apostrophe that does not begin a clitic (an "s" or "S" that no letter or digit follows), or by a comma
    between a digit and three digits; or the clitic "'s" / "'S" right after a letter or digit (a token of its
    own). The tests compare this with the regex on drawn texts."""
    n = len(text)
    starts = np.empty(n // 2 + 1, dtype=np.int64)
    ends = np.empty(n // 2 + 1, dtype=np.int64)
    k = 0
    i = 0
    while i < n:
        c = text[i]
        if _ascii_alnum(c):
            j = i + 1
            while j < n and _ascii_alnum(text[j]):
                j += 1
            while j + 1 < n:  # a joiner and a word after it
                d = text[j]
                if d == 45 or d == 46:  # "-" "."
                    joined = _ascii_alnum(text[j + 1])
                elif d == 39:  # "'", unless it begins the clitic
                    s_next = text[j + 1] == 115 or text[j + 1] == 83
                    clitic = s_next and not (j + 2 < n and _ascii_alnum(text[j + 2]))
                    joined = not clitic and _ascii_alnum(text[j + 1])
                elif d == 44:  # "," between a digit and three digits
                    joined = (
                        _ascii_digit(text[j - 1])
                        and j + 3 < n
                        and _ascii_digit(text[j + 1])
                        and _ascii_digit(text[j + 2])
                        and _ascii_digit(text[j + 3])
                    )
                else:
                    joined = False
                if not joined:
                    break
                j += 2
                while j < n and _ascii_alnum(text[j]):
                    j += 1
            starts[k] = i
            ends[k] = j
            k += 1
            i = j
        elif (
            c == 39
            and i > 0
            and i + 1 < n
            and _ascii_alnum(text[i - 1])
            and (text[i + 1] == 115 or text[i + 1] == 83)
            and not (i + 2 < n and _ascii_alnum(text[i + 2]))
        ):
            starts[k] = i
            ends[k] = i + 2
            k += 1
            i += 2
        else:
            i += 1
    return starts[:k].copy(), ends[:k].copy()


@njit(cache=True, nogil=True)
def doc_tokens(chunks, begins, ctok_ptr, ctok_ids, ctok_start, ctok_end):  # type: ignore[no-untyped-def]
    """(token ids, starts, ends) of a text: the tokens of each of its chunks (ids ``chunks``, starting at
    ``begins``), their offsets inside the chunk (``ctok_start``/``ctok_end`` from ``ctok_ptr[c]``) moved to
    the chunk's start."""
    n = 0
    for c in chunks:
        n += ctok_ptr[c + 1] - ctok_ptr[c]
    ids = np.empty(n, dtype=np.int32)
    starts = np.empty(n, dtype=np.int64)
    ends = np.empty(n, dtype=np.int64)
    k = 0
    for j in range(len(chunks)):
        c = chunks[j]
        base = begins[j]
        for t in range(ctok_ptr[c], ctok_ptr[c + 1]):
            ids[k] = ctok_ids[t]
            starts[k] = base + ctok_start[t]
            ends[k] = base + ctok_end[t]
            k += 1
    return ids, starts, ends


@njit(cache=True, nogil=True, inline="always")
def _sure_plain(c, plain):  # type: ignore[no-untyped-def]
    """Whether ``plain`` (:func:`toolkit.hedging._table._nfc_plain_table`) says that code point ``c`` is one a
    text is sure to be plain with (past the table: not sure)."""
    return c < len(plain) and plain[c]


@njit(cache=True, nogil=True)
def scan_doc(  # type: ignore[no-untyped-def]
    points,
    chunks,
    ctok_ptr,
    ctok_ids,
    ctok_start,
    ctok_end,
    space,
    mark,
    is_stop,
    odd,
    plain,
    base,
    lang_end,
    marks,
    out,
    fill,
):
    """One pass over a document's code points for the stance path: its tokens and (``marks``) what the
    context rules read, every offset moved by ``base`` (the document's place in its stream), written into
    the arrays ``out`` from the positions ``fill``.

    ``chunks``: the table's chunk ids of the text, in order (the tokens of chunk ``c`` from ``ctok_ptr[c]``,
    offsets inside the chunk); ``space[c]``: whether code point ``c`` is whitespace (code points past the
    table are not); ``mark[c]``: its class (code points past the table take the last entry);
    ``is_stop``/``odd``: per token id, a stop word / a token with a combining mark or format character;
    ``plain[c]``: whether code point ``c`` (from 128) is one that a text is sure to be plain with (past the
    table: not sure).

    ``out`` is ``(ids, starts, ends, chunk_start, chunk_end, at, cls, ev_start, ev_end, blank_start,
    blank_end, lead)`` and ``fill`` (int64) the entries already used in each group of them: tokens (the first
    three and ``lead``: each token's first code point, and its second shifted left by :data:`LEAD_BITS`, 0 for
    none), chunks (the next two), marks (``at``, ``cls``), breaks (``ev_*``), blank lines. The caller makes
    them long enough: room for the table's tokens of the text and one more, for ``len(points)`` marks,
    breaks and blank lines, and half as many chunks and one more; too short, the pass raises ValueError.
    It writes:

    - the tokens, a separator after them (id -1, at ``base`` + the text's length);
    - when ``marks`` (else nothing): the whitespace chunks (start, end); every mark's offset and class;
      the places a clause can break (``ev``: a mark of class 1 to 3 followed by whitespace, its end two past
      it; a mark of class 5 to 7, its end one past it; a blank line, from a line break to one past the next,
      with only whitespace between), in the order of their starts; the blank lines again.

    Returns ``(stats, filled)``: ``stats``, the chunks found in the text (the table's ``len(chunks)`` when
    the text is the one it was made from), the tokens ending at or before ``lang_end`` and the stop words
    among them, the stop words among all the tokens, whether any token is odd, and whether any code point is
    not sure to be plain (``plain``); ``filled``, ``fill``
    after the text's entries (the caller keeps them, or writes the next text over them).
    """
    ids, starts, ends, chunk_start, chunk_end, at, cls, ev_start, ev_end, blank_start, blank_end, lead = out
    n = len(points)
    n_space = len(space)
    last_mark = len(mark) - 1
    n_tab = len(chunks)
    n_tok = 0
    for c in chunks:
        n_tok += ctok_ptr[c + 1] - ctok_ptr[c]
    k, n_chunks, n_marks, n_ev, n_blank = fill[0], fill[1], fill[2], fill[3], fill[4]
    if k + n_tok + 1 > min(len(ids), len(starts), len(ends), len(lead)):
        raise ValueError("scan_doc: no room for the tokens")
    if marks and (
        n_chunks + n // 2 + 1 > min(len(chunk_start), len(chunk_end))
        or n_marks + n > min(len(at), len(cls))
        or n_ev + n > min(len(ev_start), len(ev_end))
        or n_blank + n > min(len(blank_start), len(blank_end))
    ):
        raise ValueError("scan_doc: no room for the marks")
    found = 0  # the chunks of the text
    lang_tokens = lang_stops = stops = 0
    any_odd = False
    unsure = False
    last_nl = -1
    words_since = True  # a chunk began since the last line break
    was_space = True  # the character before (none: as whitespace)
    # an ASCII code point's whitespace (bit 0) and mark class (the bits above) in one look-up: a letter inside a
    # chunk, most of a text, is passed over with one load and one test
    ascii_ = np.zeros(128, np.uint8)
    for c in range(128):
        ascii_[c] = np.uint8((1 if c < n_space and space[c] else 0) | (mark[min(c, last_mark)] << 1))
    for i in range(n):
        c = np.int64(points[i])
        if c < 128:
            f = ascii_[c]
            if f == 0 and not was_space:  # inside a chunk, no mark: nothing to write
                continue
            sp = (f & 1) != 0
            m = f >> 1
        else:
            if not unsure and not _sure_plain(c, plain):
                unsure = True
            sp = bool(c < n_space and space[c])
            m = mark[min(c, last_mark)]
        if not sp:
            if was_space:  # a chunk begins: its tokens, from the table
                if found < n_tab:
                    ch = chunks[found]
                    for t in range(ctok_ptr[ch], ctok_ptr[ch + 1]):
                        tid = ctok_ids[t]
                        e = i + ctok_end[t]
                        b = i + ctok_start[t]
                        ids[k] = tid
                        starts[k] = base + b
                        ends[k] = base + e
                        lead[k] = np.int64(points[b]) | ((np.int64(points[b + 1]) << LEAD_BITS) if b + 1 < e else 0)
                        k += 1
                        if is_stop[tid]:
                            stops += 1
                            if e <= lang_end:
                                lang_stops += 1
                        if e <= lang_end:
                            lang_tokens += 1
                        if odd[tid]:
                            any_odd = True
                if marks:
                    chunk_start[n_chunks] = base + i
                    n_chunks += 1
                found += 1
                words_since = True
        elif marks and not was_space:  # the chunk before ended here
            chunk_end[n_chunks - 1] = base + i
        was_space = sp
        if not marks:
            continue
        if m:
            at[n_marks] = base + i
            cls[n_marks] = m
            n_marks += 1
            if m <= 3:  # "." "!" "?" ";" ":" before whitespace
                if i + 1 < n:
                    d = np.int64(points[i + 1])
                    if d < n_space and space[d]:
                        ev_start[n_ev] = base + i
                        ev_end[n_ev] = base + i + 2
                        n_ev += 1
            elif m == 4:
                # a blank line: only whitespace since the last line break, so no break starts between them
                # and this one, begun at that line break, keeps the breaks in the order of their starts
                if last_nl >= 0 and not words_since:
                    blank_start[n_blank] = base + last_nl
                    blank_end[n_blank] = base + i + 1
                    n_blank += 1
                    ev_start[n_ev] = base + last_nl
                    ev_end[n_ev] = base + i + 1
                    n_ev += 1
                last_nl = i
                words_since = False
            elif m <= 7:  # a double quotation mark
                ev_start[n_ev] = base + i
                ev_end[n_ev] = base + i + 1
                n_ev += 1
    if marks and not was_space:  # the text ends inside a chunk
        chunk_end[n_chunks - 1] = base + n
    ids[k] = -1
    starts[k] = base + n
    ends[k] = base + n
    lead[k] = 0
    stats = np.array([found, lang_tokens, lang_stops, stops, np.int64(any_odd), np.int64(unsure)], dtype=np.int64)
    filled = np.array([k + 1, n_chunks, n_marks, n_ev, n_blank], dtype=np.int64)
    return stats, filled


@njit(cache=True, nogil=True)
def _count_pass(ids, n_chunks, tok_ptr, tok_terms, acc, touched, indptr, indices, data, totals):  # type: ignore[no-untyped-def]
    """The pass of :func:`doc_term_counts`: the distinct terms (``indptr``), their columns and counts, and the
    tokens (``totals``) of each document. ``indices`` and ``data`` are replaced by arrays twice as long when
    they are full; returns them, and the entries used."""
    pos = 0
    nnz = 0
    for d in range(len(n_chunks)):
        nt = 0
        for j in range(pos, pos + n_chunks[d]):
            c = ids[j]
            totals[d] += tok_ptr[c + 1] - tok_ptr[c]
            for t in range(tok_ptr[c], tok_ptr[c + 1]):
                term = tok_terms[t]
                if acc[term] == 0:
                    touched[nt] = term
                    nt += 1
                acc[term] += 1
        pos += n_chunks[d]
        if nnz + nt > len(indices):
            size = max(2 * len(indices), nnz + nt)
            grown = np.empty(size, dtype=np.int32)
            grown[:nnz] = indices[:nnz]
            indices = grown
            grown = np.empty(size, dtype=np.int32)
            grown[:nnz] = data[:nnz]
            data = grown
        for q in range(nt):
            term = touched[q]
            indices[nnz + q] = term
            data[nnz + q] = acc[term]
            acc[term] = 0
        nnz += nt
        indptr[d + 1] = nnz
    return indices, data, nnz


def doc_term_counts(
    ids: np.ndarray, n_chunks: np.ndarray, tok_ptr: np.ndarray, tok_terms: np.ndarray, n_terms: int
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """((data, indices, indptr), totals): the documents' term counts as a CSR matrix (documents x terms, int32 counts,
    each row's columns in first-seen order): document ``d`` is the chunks ``ids`` from ``n_chunks`` before it,
    chunk ``c`` the terms ``tok_terms[tok_ptr[c]:tok_ptr[c + 1]]``. One pass, into arrays that grow twice as
    long when full; ``totals``: each document's tokens (int64)."""
    acc = np.zeros(n_terms, dtype=np.int32)
    touched = np.empty(n_terms, dtype=np.int32)
    indptr = np.zeros(len(n_chunks) + 1, dtype=np.int64)
    totals = np.zeros(len(n_chunks), dtype=np.int64)
    room = max(len(ids) // 3, 16)  # a document's distinct terms: at most its tokens (in the UNGDC, a third)
    indices, data, nnz = _count_pass(
        ids,
        n_chunks,
        tok_ptr,
        tok_terms,
        acc,
        touched,
        indptr,
        np.empty(room, np.int32),
        np.empty(room, np.int32),
        totals,
    )
    # the entries used, as views: the pages of the room left over were never written, so they hold no memory
    # (scipy's csr_matrix copies a view under half of its array: that happens when the room was mostly unused)
    return (data[:nnz], indices[:nnz], indptr), totals


@njit(cache=True, nogil=True)
def _group_pass(indptr, indices, data, rank, docs, group_ptr, stamp, acc, freq, out_ptr, out_idx, out_n, out_df, fill):  # type: ignore[no-untyped-def]
    """One pass of :func:`group_sums`: each group's distinct columns (``out_ptr``), and when ``fill`` the columns
    (renumbered by ``rank``) in order with their sums and their entries."""
    nnz = 0
    for g in range(len(group_ptr) - 1):
        first = nnz
        for q in range(group_ptr[g], group_ptr[g + 1]):
            d = docs[q]
            for p in range(indptr[d], indptr[d + 1]):
                j = indices[p]
                r = rank[j]
                if stamp[r] != g:
                    stamp[r] = g
                    if fill:
                        out_idx[nnz] = r
                    nnz += 1
                if fill:
                    acc[r] += data[p]
                    freq[r] += 1
        if fill:
            out_idx[first:nnz].sort()
            for k in range(first, nnz):
                r = out_idx[k]
                out_n[k] = acc[r]
                out_df[k] = freq[r]
                acc[r] = 0
                freq[r] = 0
        out_ptr[g + 1] = nnz


def group_sums(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    n_columns: int,
    rank: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(indptr, indices, sums, entries): the rows of a CSR matrix summed by group (row ``i`` in group
    ``codes[i]``), as a CSR matrix of groups x columns (each row's columns sorted), with the number of stored
    entries summed for each too (the rows holding a column, when no row stores one twice). Column ``j`` is
    column ``rank[j]`` of the result (``rank``: a permutation; None: the same). The sums are int32 where the
    matrix is and its total fits, else int64; the entries int32. Two passes (the sizes, then the entries):
    beside the result, only arrays of one entry per column or row."""
    codes = np.asarray(codes, dtype=np.int64)
    docs = np.argsort(codes, kind="stable")  # the rows of each group, in order
    group_ptr = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes, minlength=n_groups), out=group_ptr[1:])
    indptr = np.asarray(indptr, dtype=np.int64)
    rank = np.arange(n_columns, dtype=np.int64) if rank is None else np.asarray(rank, dtype=np.int64)
    narrow = data.dtype == np.int32 and int(data.sum(dtype=np.int64)) < 2**31 - 1 and len(codes) < 2**31 - 1
    stamp = np.full(n_columns, -1, dtype=np.int64)
    out_ptr = np.zeros(n_groups + 1, dtype=np.int64)
    acc = np.zeros(n_columns, dtype=np.int64)
    freq = np.zeros(n_columns, dtype=np.int64)
    sums_type = np.int32 if narrow else np.int64
    none_idx, none_n = np.zeros(0, dtype=indices.dtype), np.zeros(0, dtype=sums_type)
    args = (indptr, indices, data, rank, docs, group_ptr, stamp, acc, freq, out_ptr)
    _group_pass(*args, none_idx, none_n, np.zeros(0, dtype=np.int32), False)
    n = int(out_ptr[-1])
    out_idx = np.empty(n, dtype=indices.dtype)
    out_n = np.empty(n, dtype=sums_type)
    out_df = np.empty(n, dtype=np.int32)
    stamp[:] = -1
    _group_pass(*args, out_idx, out_n, out_df, True)
    return out_ptr, out_idx, out_n, out_df


@njit(cache=True, nogil=True)
def resample_sums(idx, values):  # type: ignore[no-untyped-def]
    """``out[r, q]``: the sum of ``values[u, q]`` over the draws ``u`` of row ``r`` of ``idx`` (int64 sums of an
    int64 ``values``): each bootstrap resample's sums, without a resample-by-unit matrix. Each row's draws are
    counted per unit first (random steps in an int32 array of one entry per unit, smaller than ``values``),
    then the units are read in order: three times faster than reading ``values`` at each draw (401,453 units
    of three columns)."""
    b, m = idx.shape
    n_units, n_cols = values.shape
    out = np.zeros((b, n_cols), dtype=np.int64)
    drawn = np.zeros(n_units, dtype=np.int32)
    for r in range(b):
        for j in range(m):
            drawn[idx[r, j]] += 1
        for u in range(n_units):
            times = drawn[u]
            if times:
                for q in range(n_cols):
                    out[r, q] += times * values[u, q]
                drawn[u] = 0
    return out


@njit(cache=True, nogil=True)
def token_ordinals(points, space, chunks, ctok_ptr, ctok_start, offsets):  # type: ignore[no-untyped-def]
    """For sorted offsets of a text (code points ``points``; ``space[c]``: whether code point ``c`` is
    whitespace, those past the table are not): how many of the text's tokens start at or before each offset, in
    one pass. The tokens are those of the text's chunks (``chunks``: their ids, in text order; chunk ``c``'s
    tokens are ``ctok_ptr[c]`` to ``ctok_ptr[c + 1]``, starting ``ctok_start`` code points into it, in order).
    Returns (the counts, the number of chunks met: ``len(chunks)`` when the text is the one the chunks were
    made from; no chunk is read past the last)."""
    n_space = len(space)
    n_chunks = len(chunks)
    m = len(offsets)
    out = np.empty(m, dtype=np.int64)
    io = 0
    count = np.int64(0)  # the tokens that start before the chunk met
    j = 0
    prev_space = True
    for i in range(len(points)):
        c = np.int64(points[i])
        is_space = bool(c < n_space and space[c])
        if prev_space and not is_space:  # a chunk begins at i: its tokens start at i + ctok_start
            if j < n_chunks:
                k = chunks[j]
                for t in range(ctok_ptr[k], ctok_ptr[k + 1]):
                    p = i + np.int64(ctok_start[t])
                    while io < m and offsets[io] < p:
                        out[io] = count
                        io += 1
                    count += 1
            j += 1
        prev_space = is_space
    while io < m:
        out[io] = count
        io += 1
    return out, j


@njit(cache=True, nogil=True)
def tokens_before(points, space, chunks, ctok_ptr, a, b):  # type: ignore[no-untyped-def]
    """For sorted offsets ``a`` and ``b`` of a text (code points ``points``; ``space[c]``: whether code point
    ``c`` is whitespace, those past the table are not): the tokens of the text's chunks (``chunks``: their
    ids, in text order; chunk ``c`` has ``ctok_ptr[c + 1] - ctok_ptr[c]`` tokens) that begin before each
    offset, in one pass over the text. Returns (those of ``a``, those of ``b``, the number of chunks met:
    ``len(chunks)`` when the text is the one the chunks were made from; no chunk is read past the last)."""
    n_space = len(space)
    n_chunks = len(chunks)
    out_a = np.empty(len(a), dtype=np.int64)
    out_b = np.empty(len(b), dtype=np.int64)
    ia = ib = 0
    tokens = np.int64(0)  # the tokens of the chunks that begin before position i
    j = 0  # the chunks met
    prev_space = True
    for i in range(len(points)):
        while ia < len(a) and a[ia] <= i:
            out_a[ia] = tokens
            ia += 1
        while ib < len(b) and b[ib] <= i:
            out_b[ib] = tokens
            ib += 1
        c = np.int64(points[i])
        is_space = bool(c < n_space and space[c])
        if prev_space and not is_space:  # a chunk begins at i
            if j < n_chunks:
                k = chunks[j]
                tokens += ctok_ptr[k + 1] - ctok_ptr[k]
            j += 1
        prev_space = is_space
    while ia < len(a):
        out_a[ia] = tokens
        ia += 1
    while ib < len(b):
        out_b[ib] = tokens
        ib += 1
    return out_a, out_b, j


@njit(cache=True, nogil=True, inline="always")
def _search(a, v, right, hint):  # type: ignore[no-untyped-def]
    """``np.searchsorted(a, v, side="right" if right else "left")``, searched from ``hint`` outwards (a gallop
    then a bisection): a run of nearly sorted queries reads each time near the last answer."""
    n = len(a)
    h = min(max(hint, 0), n)
    if h < n and (a[h] <= v if right else a[h] < v):  # the answer lies past h
        lo = h + 1
        step = 1
        hi = lo
        while hi < n and (a[hi] <= v if right else a[hi] < v):
            lo = hi + 1
            step *= 2
            hi = lo + step - 1
        hi = min(hi, n)
    else:  # the answer is h or before
        hi = h
        step = 1
        lo = hi - 1
        while lo >= 0 and not (a[lo] <= v if right else a[lo] < v):
            hi = lo
            step *= 2
            lo = hi - step
        lo = max(lo + 1, 0)
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] <= v if right else a[mid] < v:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def search_sorted(a, v, right):  # type: ignore[no-untyped-def]
    """``np.searchsorted(a, v, side="right" if right else "left")`` for many queries at once, each searched from
    the last one's answer by :func:`_search` (the search the kernels below inline; this loop is its test's
    entry point)."""
    out = np.empty(len(v), dtype=np.int64)
    hint = 0
    for i in range(len(v)):
        hint = _search(a, v[i], right, hint)
        out[i] = hint
    return out


@njit(cache=True, nogil=True)
def clause_bounds(ev_start, ev_end, punct, base, stop, s, e, window):  # type: ignore[no-untyped-def]
    """For each match (``s``-``e``, in a text from ``base`` to ``stop``): the start of its clause, the end of the
    last break (``ev_start``/``ev_end``, sorted, with a sentinel before the first and one after the last) within ``window``
    characters before it, or the window's start, or ``s`` when ``s - 1`` is in ``punct``; and the clause's end,
    the start of the first break within ``window`` characters after it (or the window's end, or one before that
    when the window ends in ``punct``)."""
    n = len(s)
    x = np.empty(n, dtype=np.int64)
    y = np.empty(n, dtype=np.int64)
    h1 = h2 = h3 = h4 = 0
    for i in range(n):
        si, ei = s[i], e[i]
        lo = max(base[i], si - window)
        h1 = _search(ev_end, si, True, h1)
        j = h1 - 1
        xi = ev_end[j] if ev_start[j] >= lo else lo
        if si > lo and len(punct):
            h2 = _search(punct, si - 1, False, h2)
            if h2 < len(punct) and punct[h2] == si - 1:
                xi = si
        x[i] = xi
        w_end = min(ei + window, stop[i])
        h3 = _search(ev_start, ei, False, h3)
        yi = ev_start[h3] if ev_end[h3] <= w_end else w_end
        if w_end > ei and len(punct):
            h4 = _search(punct, w_end - 1, False, h4)
            if h4 < len(punct) and punct[h4] == w_end - 1:
                yi = min(yi, w_end - 1)
        y[i] = yi
    return x, y


@njit(cache=True, nogil=True)
def side_bounds(cb, ce, starts, ends, x, y):  # type: ignore[no-untyped-def]
    """For each side ``[x, y)`` of a match (``y`` raised to ``x``), in a stream with chunks ``cb``-``ce`` and tokens
    ``starts``-``ends`` (both sorted; the tokens end with a separator): the chunks of ``x`` and of ``y - 1``
    (``c0``, ``c1``: the last starting at or before them, or the first), whether a token crosses the side's
    start or starts there inside its chunk (``odd0``), whether one crosses its end (``odd1``), whether the side
    is one such piece of one chunk (``same``), and the first (``t_from``) and number (``n_tab``) of the table's
    tokens between the pieces tokenized alone. See :class:`toolkit.hedging._table._Side`."""
    n = len(x)
    last = len(starts) - 1
    y_out = np.empty(n, dtype=np.int64)
    c0s = np.empty(n, dtype=np.int64)
    c1s = np.empty(n, dtype=np.int64)
    odd0s = np.empty(n, dtype=np.bool_)
    odd1s = np.empty(n, dtype=np.bool_)
    sames = np.empty(n, dtype=np.bool_)
    t_froms = np.empty(n, dtype=np.int64)
    n_tabs = np.empty(n, dtype=np.int64)
    h0 = h1 = h2 = h3 = h4 = h5 = 0
    for i in range(n):
        xi = x[i]
        yi = max(xi, y[i])
        h0 = _search(cb, xi, True, h0)
        c0 = max(h0 - 1, 0)
        h1 = _search(cb, yi - 1, True, h1)
        c1 = max(h1 - 1, 0)
        cut0 = yi > xi and cb[c0] < xi and xi < ce[c0]
        cut1 = yi > xi and cb[c1] < yi and yi < ce[c1]
        h2 = _search(ends, xi, True, h2)
        odd0 = cut0 and starts[min(h2, last)] <= xi
        h3 = _search(ends, yi, True, h3)
        odd1 = cut1 and starts[min(h3, last)] < yi
        same = cut0 and cut1 and c0 == c1 and (odd0 or odd1)
        h4 = _search(starts, ce[c0] if odd0 else xi, False, h4)
        h5 = _search(starts, cb[c1] if odd1 else yi, False, h5)
        y_out[i] = yi
        c0s[i] = c0
        c1s[i] = c1
        odd0s[i] = odd0
        odd1s[i] = odd1
        sames[i] = same
        t_froms[i] = h4
        n_tabs[i] = 0 if same else max(h5 - h4, 0)
    return y_out, c0s, c1s, odd0s, odd1s, sames, t_froms, n_tabs


@njit(cache=True, nogil=True)
def copy_runs(dst, dst_at, src, src_at, n):  # type: ignore[no-untyped-def]
    """``dst[dst_at[r]:dst_at[r] + n[r]] = src[src_at[r]:src_at[r] + n[r]]`` for every run ``r``: what
    ``dst[ranges(dst_at, dst_at + n)] = src[ranges(src_at, src_at + n)]`` does, without its two index arrays."""
    for r in range(len(n)):
        a = dst_at[r]
        b = src_at[r]
        for q in range(n[r]):
            dst[a + q] = src[b + q]


@njit(cache=True, nogil=True)
def side_get(flat, off, length, far_has, m, k, from_end, far_first, pad):  # type: ignore[no-untyped-def]
    """Token ``k[i]`` of the side of each match ``m[i]`` (from its end, 1-based, or from its start, 0-based;
    ``k`` of length 1 stands for every match): the side's tokens are ``flat[off[m]:off[m] + length[m]]``, and
    ``pad`` past them. Returns (the ids, int32; whether each is past the side's tokens where the side goes on in
    its far piece, ``far_has[m]``, at the end the token is counted from: its start when ``far_first``)."""
    out = np.empty(len(m), dtype=np.int32)
    far = np.zeros(len(m), dtype=np.bool_)
    top = len(flat) - 1
    one = len(k) == 1
    for i in range(len(m)):
        mi = m[i]
        n = length[mi]
        ki = k[0] if one else k[i]
        if from_end:
            inside = ki <= n
            idx = off[mi] + n - ki
        else:
            inside = ki < n
            idx = off[mi] + ki
        if inside and top >= 0:
            out[i] = flat[min(max(idx, 0), top)]
        else:
            out[i] = pad
        far[i] = (not inside) and far_has[mi] and (from_end == far_first)
    return out, far


@njit(cache=True, nogil=True)
def chunk_cuts(points, space, targets, plain):  # type: ignore[no-untyped-def]
    """Where a text can be cut between whitespace chunks, near each of ``targets`` (sorted offsets, 0 to
    ``len(points)``), in one pass: ``(prev_at, prev_idx, next_at, next_idx, unsure)``.

    A chunk starts where a code point that is not whitespace (``space``, as :func:`scan_doc` reads it)
    follows whitespace or the text's start. ``prev_at``: the last chunk start at or before the target (0 if
    none); ``next_at``: the first at or after it (the text's length if none); ``*_idx``: the chunks that
    start before that offset (the index of the chunk there). ``unsure``: whether a code point (from 128) is
    not one that ``plain`` says a text is sure to be plain with (past the table: not sure), as
    :func:`scan_doc` reports it."""
    n = len(points)
    n_space = len(space)
    unsure = False
    m = len(targets)
    prev_at = np.zeros(m, dtype=np.int64)
    prev_idx = np.zeros(m, dtype=np.int64)
    next_at = np.full(m, n, dtype=np.int64)
    next_idx = np.zeros(m, dtype=np.int64)
    j_prev = 0  # the next target whose prev is not yet known
    j_next = 0  # the next target whose next is not yet known
    count = 0  # chunk starts before i
    last_at = 0
    last_idx = 0
    was_space = True
    for i in range(n):
        c = np.int64(points[i])
        if c >= 128 and not unsure and not _sure_plain(c, plain):
            unsure = True
        sp = bool(c < n_space and space[c])
        if not sp and was_space:  # a chunk starts at i
            while j_prev < m and targets[j_prev] < i:
                prev_at[j_prev] = last_at
                prev_idx[j_prev] = last_idx
                j_prev += 1
            while j_next < m and targets[j_next] <= i:
                next_at[j_next] = i
                next_idx[j_next] = count
                j_next += 1
            last_at = i
            last_idx = count
            count += 1
        was_space = sp
    while j_prev < m:
        prev_at[j_prev] = last_at
        prev_idx[j_prev] = last_idx
        j_prev += 1
    while j_next < m:
        next_idx[j_next] = count
        j_next += 1
    return prev_at, prev_idx, next_at, next_idx, unsure


@njit(cache=True, nogil=True)
def token_keys(ids, key_of, none):  # type: ignore[no-untyped-def]
    """``key_of[ids]``, ``none`` where an id is negative (a separator between documents): int64."""
    out = np.empty(len(ids), dtype=np.int64)
    for i in range(len(ids)):
        t = ids[i]
        out[i] = key_of[t] if t >= 0 else none
    return out


@njit(cache=True, nogil=True)
def lexicon_hits(keys, single, starts_multi, first_rank, pair_table, pairs, base):  # type: ignore[no-untyped-def]
    """The tokens (keys ``keys``) that a one-token pattern is (their places and ``single[key]``, the pattern),
    and the places where a multi-word pattern may start: the token's key starts one (``starts_multi``) and
    the pair of its key and the next one's is one of ``pairs`` (sorted, ``key * base + next key``), read from
    ``pair_table[first_rank[key], next key]`` when the table has rows, else searched in ``pairs``. What
    ``np.flatnonzero(single[keys] >= 0)`` and the pair look-ups of :meth:`_TableLexicon.spans` gave, in one
    pass."""
    n = len(keys)
    s_at = np.empty(n, dtype=np.int64)
    s_p = np.empty(n, dtype=np.int64)
    cand = np.empty(n, dtype=np.int64)
    ns = nc = 0
    table = pair_table.shape[0] > 0
    hint = 0
    for i in range(n):
        key = keys[i]
        p = single[key]
        if p >= 0:
            s_at[ns] = i
            s_p[ns] = p
            ns += 1
        if i + 1 < n and starts_multi[key]:
            nxt = keys[i + 1]
            if table:
                ok = pair_table[first_rank[key], nxt]
            else:
                v = key * base + nxt
                hint = _search(pairs, v, False, hint)
                ok = hint < len(pairs) and pairs[hint] == v
            if ok:
                cand[nc] = i
                nc += 1
    return s_at[:ns].copy(), s_p[:ns].copy(), cand[:nc].copy()


#: What lies between two tokens of a multi-word pattern (:func:`multi_options`): nothing (past its last token),
#: no character, whitespace, or what a regex matches.
GAP_NONE, GAP_TOUCH, GAP_SPACE, GAP_REGEX = -1, 0, 1, 2


@njit(cache=True, nogil=True)
def multi_options(  # type: ignore[no-untyped-def]
    keys, cand, pairs, base, group_start, group_size, opt_keys, opt_gap_kind, starts, ends, cb, ce
):
    """Every (candidate, option) of the multi-word patterns whose keys the tokens have: for each candidate place
    ``cand[q]`` (its keys ``keys[i]``, ``keys[i + 1]`` a pair of ``pairs``, sorted), the options of that pair
    (rows ``group_start[g]`` to ``group_start[g] + group_size[g]`` of ``opt_keys``, -1 past an option's last
    key; longer options first) whose further keys follow. Returns (place, option, ok, by_text) of each, in that
    order: ``ok``, whether the gaps between its tokens that offsets decide hold (``opt_gap_kind``: no
    character, ``ends[t] == starts[t + 1]``; whitespace, the end of a chunk (``ce``) and the start of the next
    (``cb``), when there are chunks); ``by_text``, whether a gap is left to the text (a regex; whitespace
    without chunks)."""
    n = len(keys)
    longest = opt_keys.shape[1]
    n_gaps = opt_gap_kind.shape[1]
    group = np.empty(len(cand), dtype=np.int64)
    total = 0
    for q in range(len(cand)):
        i = cand[q]
        g = _search(pairs, keys[i] * base + keys[i + 1], False, len(pairs) >> 1)
        group[q] = g
        total += group_size[g]
    at = np.empty(total, dtype=np.int64)
    opt = np.empty(total, dtype=np.int64)
    ok = np.empty(total, dtype=np.bool_)
    by_text = np.empty(total, dtype=np.bool_)
    chunks = len(cb) > 0
    r = 0
    h1 = h2 = 0
    for q in range(len(cand)):
        i = cand[q]
        g = group[q]
        for o in range(group_start[g], group_start[g] + group_size[g]):
            same = True
            for k in range(2, longest):
                want = opt_keys[o, k]
                if want >= 0 and (i + k >= n or keys[i + k] != want):
                    same = False
                    break
            if not same:
                continue
            good = True
            text = False
            for k in range(n_gaps):
                kind = opt_gap_kind[o, k]
                if kind == GAP_NONE:
                    continue
                a = ends[i + k]
                b = starts[i + k + 1]
                if kind == GAP_TOUCH:
                    good = good and a == b
                elif kind == GAP_SPACE and chunks:
                    h1 = _search(ce, a, False, h1)
                    h2 = _search(cb, a, False, h2)
                    following = cb[min(h2, len(cb) - 1)]
                    good = good and a < b and h1 < len(ce) and ce[h1] == a and following == b
                else:
                    text = True
            at[r] = i
            opt[r] = o
            ok[r] = good
            by_text[r] = text
            r += 1
    return at[:r].copy(), opt[:r].copy(), ok[:r].copy(), by_text[:r].copy()


@njit(cache=True, nogil=True, inline="always")
def _class_at(at, cls, pos, hint):  # type: ignore[no-untyped-def]
    """(the class ``cls`` of the mark at offset ``pos``, 0 for none; the search's place, the next hint)."""
    h = _search(at, pos, False, hint)
    if not len(at):
        return 0, h
    k = min(h, len(at) - 1)
    return (np.int64(cls[k]) if at[k] == pos else 0), h


@njit(cache=True, nogil=True)
def sentence_flags(  # type: ignore[no-untyped-def]
    sent, blank_start, blank_end, at, cls, cb, ce, newline, base, stop, s, e, end_read
):
    """For each match (``s``-``e``, in a text from ``base`` to ``stop``, in a stream with marks ``at``/``cls``,
    sentence ends ``sent``, blank lines, whitespace chunks ``cb``-``ce`` and line breaks ``newline``, all
    sorted): whether it starts a sentence (nothing but whitespace before it in its text, a blank line, or in
    the 8 characters before it a sentence's end, a closing mark after one, or an opening mark), and whether
    its sentence ends in "?" (the first of ".!?" in the ``end_read`` characters after it, before a blank
    line). See :func:`toolkit.hedging._table._sentence_flags`."""
    n = len(s)
    initial = np.empty(n, dtype=np.bool_)
    question = np.empty(n, dtype=np.bool_)
    big = np.int64(2) ** 62
    h_sent = h_blank = h_c = h_n1 = h_n2 = h_p = h_q = h_q1 = 0
    for i in range(n):
        si, ei, bi = s[i], e[i], base[i]
        w_end = min(ei + end_read, stop[i])
        h_sent = _search(sent, ei, False, h_sent)
        p = sent[h_sent] if h_sent < len(sent) else big
        h_blank = _search(blank_start, ei, False, h_blank)
        b_start = blank_start[h_blank] if h_blank < len(blank_start) else big
        b_end = blank_end[h_blank] if h_blank < len(blank_end) else big
        cls_p, h_p = _class_at(at, cls, p, h_p)
        question[i] = p < w_end and not (b_end <= w_end and b_start < p) and cls_p == 2
        h_c = _search(cb, si, True, h_c)
        c = h_c - 1
        first_chunk = c == 0 or cb[max(c - 1, 0)] < bi
        alone = first_chunk and cb[c] == si
        if cb[c] < si:
            q = si - 1
        elif first_chunk:
            q = np.int64(-1)
        else:
            q = ce[max(c - 1, 0)] - 1
        w0 = max(bi, si - 8)
        run = max(q + 1, w0)
        h_n1 = _search(newline, si, False, h_n1)
        h_n2 = _search(newline, run, False, h_n2)
        blank = h_n1 - h_n2 >= 2
        at_q, h_q = _class_at(at, cls, q, h_q)
        before_q, h_q1 = _class_at(at, cls, q - 1, h_q1)
        inside = q >= w0
        end_mark = at_q == 1 or at_q == 2
        closer = (at_q == 5 or at_q == 6 or at_q == 8) and q - 1 >= w0 and (before_q == 1 or before_q == 2)
        opener = at_q == 5 or at_q == 7 or at_q == 9
        initial[i] = alone or blank or (inside and (end_mark or closer or opener))
    return initial, question


@njit(cache=True, nogil=True)
def leftmost_longest(at, length, ok):  # type: ignore[no-untyped-def]
    """The candidates a leftmost-longest scan keeps: candidate ``q`` covers tokens ``at[q]`` to
    ``at[q] + length[q]``; in order (by ``at``, the longer first where two start at one token), one that
    holds (``ok``) and starts past the last one kept is kept. Returns their indices."""
    out = np.empty(len(at), dtype=np.int64)
    n = 0
    covered = -1
    for q in range(len(at)):
        if at[q] < covered or not ok[q]:
            continue
        out[n] = q
        n += 1
        covered = at[q] + length[q]
    return out[:n].copy()


#: Classes of a code point for :func:`punkt_candidates` (bits; :func:`toolkit.text._punkt_classes` makes the table).
PUNKT_END, PUNKT_NONWORD, PUNKT_SPACE, PUNKT_STRING_SPACE = 1, 2, 4, 8
PUNKT_DIGIT, PUNKT_LOWER, PUNKT_UPPER = 16, 32, 64  # ASCII
PUNKT_STR_SPACE = 128  # str.isspace (what str.strip removes)


@njit(cache=True, nogil=True, inline="always")
def _word_code(points, s, e, limit):  # type: ignore[no-untyped-def]
    """The number of the lower-cased ASCII word ``points[s:e]`` (digits and letters only), base 37 (digits 1-10,
    letters 11-36); -1 when it is longer than ``limit`` characters (no word of the sets is)."""
    if e - s > limit:
        return np.int64(-1)
    code = np.int64(0)
    scale = np.int64(1)
    for i in range(s, e):
        c = np.int64(points[i])
        if c <= 57:
            v = c - 47  # "0" is 1
        elif c <= 90:
            v = c - 65 + 11  # "A" is "a"
        else:
            v = c - 97 + 11
        code += v * scale
        scale *= 37
    return code


@njit(cache=True, nogil=True, inline="always")
def _in_sorted(a, v):  # type: ignore[no-untyped-def]
    k = np.searchsorted(a, v)
    return k < len(a) and a[k] == v


@njit(cache=True, nogil=True)
def punkt_candidates(  # type: ignore[no-untyped-def]
    points, block_start, block_end, cls, abbrevs, starters, ortho_words, ortho_flags, number_flags, number_starts, limit
):
    """Punkt's candidate sentence breaks of each block ``[block_start[b], block_end[b])`` of a text (its code
    points), as ``PunktSentenceTokenizer._match_potential_end_contexts`` yields them for the block alone, and
    the answer of ``text_contains_sentbreak`` where the context is two plain ASCII words ("States. The").

    ``cls``: the :data:`PUNKT_END` ... bits of each code point (past the table: none). ``abbrevs``, ``starters``,
    ``ortho_words`` (sorted) and ``ortho_flags``: the word numbers (:func:`_word_code`) of Punkt's abbreviations,
    sentence starters and orthographic contexts; ``number_flags``, ``number_starts``: those of "##number##".

    Returns ``(block, at, word_start, after_end, next_start, answer)``, one entry per candidate yielded: the
    sentence-end character at ``at``; the context is ``points[word_start:after_end]``; ``next_start`` is where
    the next token starts (-1: punctuation follows); ``answer`` 1 (a break), 0 (none) or -1 (ask Punkt).
    """
    n_space = len(cls)
    total = 0
    for b in range(len(block_start)):
        for q in range(block_start[b], block_end[b]):
            if points[q] < n_space and cls[points[q]] & 1:
                total += 1
    o_block = np.empty(total, np.int64)
    o_at = np.empty(total, np.int64)
    o_word = np.empty(total, np.int64)
    o_after = np.empty(total, np.int64)
    o_next = np.empty(total, np.int64)
    o_answer = np.empty(total, np.int64)
    n = 0
    for b in range(len(block_start)):
        bs = block_start[b]
        be = block_end[b]
        have = False
        p_at = p_after = p_next = p_next_end = 0
        p_start = p_stop = i = bs
        while i <= be:
            at = after = nxt = nxt_end = -1
            w_start = 0
            while i < be:  # the next candidate: . ? ! then punctuation, or spaces and a token
                c = np.int64(points[i])
                if c < n_space and cls[c] & 1 and i + 1 < be:
                    c1 = np.int64(points[i + 1])
                    k1 = cls[c1] if c1 < n_space else 0
                    if k1 & 2:
                        at = i
                        after = i + 2
                        break
                    if k1 & 4:
                        j = i + 1
                        while j < be:
                            cj = np.int64(points[j])
                            if not (cj < n_space and cls[cj] & 4):
                                break
                            j += 1
                        if j < be:
                            k = j
                            while k < be:
                                ck = np.int64(points[k])
                                if ck < n_space and cls[ck] & 4:
                                    break
                                k += 1
                            at = i
                            nxt = j
                            nxt_end = k
                            after = k
                            break
                i += 1
            # the word before: after the last of string.whitespace since the last candidate (none at its
            # first character either: Punkt reads an index of 0 as none)
            if at >= 0:
                space = -1
                j = at - 1
                while j >= p_stop:
                    cj = np.int64(points[j])
                    if cj < n_space and cls[cj] & 8:
                        space = j
                        break
                    j -= 1
                w_start = space + 1 if space > p_stop else p_start
            if have and (at < 0 or p_stop <= w_start):  # the previous candidate is yielded
                answer = _answer(
                    points,
                    p_start,
                    p_at,
                    p_next,
                    p_next_end,
                    cls,
                    abbrevs,
                    starters,
                    ortho_words,
                    ortho_flags,
                    number_flags,
                    number_starts,
                    limit,
                )
                o_block[n] = b
                o_at[n] = p_at
                o_word[n] = p_start
                o_after[n] = p_after
                o_next[n] = p_next
                o_answer[n] = answer
                n += 1
            if at < 0:
                break
            have = True
            p_at, p_after, p_next, p_next_end = at, after, nxt, nxt_end
            p_start = w_start
            p_stop = at
            i = at + 1
    return o_block[:n], o_at[:n], o_word[:n], o_after[:n], o_next[:n], o_answer[:n]


@njit(cache=True, nogil=True, inline="always")
def _all(points, s, e, cls, bits):  # type: ignore[no-untyped-def]
    """Whether every code point of ``points[s:e]`` has one of ``bits`` in ``cls``."""
    n_cls = len(cls)
    for j in range(s, e):
        c = np.int64(points[j])
        if not (c < n_cls and cls[c] & bits):
            return False
    return True


@njit(cache=True, nogil=True)
def _answer(  # type: ignore[no-untyped-def]
    points, ws, at, ns, ne, cls, abbrevs, starters, ortho_words, ortho_flags, number_flags, number_starts, limit
):
    """Punkt's ``text_contains_sentbreak`` of a candidate's context (the word ``points[ws:at]``, the character at
    ``at``, then the next token ``points[ns:ne]``, or one non-word character at ``at + 1`` when ``ns`` is -1) where
    NLTK's tokens of it are known without its tokenizer: 1 or 0; -1 for any other context (ask Punkt).

    - "?" or "!": a token of its own, a sentence break in Punkt's first pass that no later step undoes: 1,
      whatever the word, when a token follows it in the context (a punctuation mark; or the next token, unless
      a line break comes before it and its line is whitespace to ``str.strip``: "?\\n\\x1c", which Punkt
      reads as a blank line).
    - "." after a word of ASCII letters and digits, or of such runs joined by single hyphens and starting with a
      letter ("co-operation"): the tokens are "word." and the next token, a word of ASCII letters and digits
      (a ",", ";" or ":" after it is a token of its own, which decides nothing), or the one punctuation
      character. The answer is whether "word." is a break after ``_first_pass_annotation``,
      ``_second_pass_annotation`` and ``_ortho_heuristic``, followed step by step for the module's parameters
      (no collocations; the numbered sets hold every word those can be, see :func:`toolkit.text._punkt_tables`).
    """
    if limit < 0:
        return np.int64(-1)
    ch = np.int64(points[at])
    if ch == 63 or ch == 33:
        if ns < 0:
            return np.int64(1)
        # Punkt tokenizes the context line by line and skips a line that str.strip empties: the next token is
        # a token only if its line, from the last line break before it, holds a character str.strip keeps
        line = ns
        while line > at + 1 and points[line - 1] != 10:
            line -= 1
        if _all(points, line, ne, cls, 128):
            return np.int64(-1)
        return np.int64(1)
    if ch != 46 or at <= ws:
        return np.int64(-1)
    # the word: letters and digits, or runs of them joined by single hyphens after a first letter
    last = ws  # where its last run starts
    if not _all(points, ws, at, cls, 112):
        if not (np.int64(points[ws]) < len(cls) and cls[np.int64(points[ws])] & 96):
            return np.int64(-1)
        for j in range(ws, at):
            c = np.int64(points[j])
            if c == 45:  # "-": between two letters or digits
                if j + 1 >= at or np.int64(points[j + 1]) == 45:
                    return np.int64(-1)
                last = j + 1
            elif not (c < len(cls) and cls[c] & 112):
                return np.int64(-1)
    abbr = _in_sorted(abbrevs, _word_code(points, ws, at, limit)) if last == ws else False
    abbr = abbr or (last > ws and _in_sorted(abbrevs, _word_code(points, last, at, limit)))
    number = last == ws and _all(points, ws, at, cls, 16)
    initial = at - ws == 1 and not number
    if ns >= 0:
        end = ne
        if end - ns > 1 and (points[end - 1] == 44 or points[end - 1] == 59 or points[end - 1] == 58):
            end -= 1  # ",", ";" or ":" after the word: a token of its own
        if not _all(points, ns, end, cls, 112):
            return np.int64(-1)
        first = cls[np.int64(points[ns])]
        upper = (first & 64) != 0
        lower = (first & 32) != 0
        punct = False
        if _all(points, ns, end, cls, 16):
            flags = number_flags
            starter = number_starts
        else:
            code = _word_code(points, ns, end, limit)
            k = np.searchsorted(ortho_words, code)
            flags = ortho_flags[k] if k < len(ortho_words) and ortho_words[k] == code else 0
            starter = _in_sorted(starters, code)
    else:  # one punctuation character: not upper or lower case, no orthographic context, not a starter
        c = np.int64(points[at + 1])
        upper = lower = starter = False
        flags = 0
        punct = c == 59 or c == 58 or c == 44 or c == 46 or c == 33 or c == 63  # Punkt's PUNCTUATION ;:,.!?
    if abbr or initial or number:
        # the orthographic heuristic: 1 a sentence starter, 0 not, -1 unknown (NLTK's bits: upper case at
        # the beginning 2, in the middle 4, unknown 8; lower case 16, 32, 64)
        if punct:
            starts = 0
        elif upper and flags & 112 and not flags & 4:
            starts = 1
        elif lower and (flags & 14 or not flags & 16):
            starts = 0
        else:
            starts = -1
        if abbr and not initial and (starts == 1 or (upper and starter)):
            return np.int64(1)
        if initial or number:
            if starts == 0:
                return np.int64(0)
            if starts == -1 and initial and upper and not flags & 112:
                return np.int64(0)
    return np.int64(0) if abbr else np.int64(1)


#: Closing punctuation that can open Punkt's realignment after a break (``toolkit.text._CLOSING``).
_CLOSING_POINTS = (0x22, 0x27, 0x29, 0x5D, 0x7D, 0x2018, 0x2019, 0x201C, 0x201D, 0xAB, 0xBB)
#: A closing quote after . ? ! that ``toolkit.text._QUOTE_AFTER_END`` matches: its ends, and its quotes.
_END_POINTS = (0x2E, 0x3F, 0x21)
_QUOTE_POINTS = (0x22, 0x201D, 0x2019, 0x27)


@njit(cache=True, nogil=True, inline="always")
def _among(c, points):  # type: ignore[no-untyped-def]
    """Whether code point ``c`` is one of ``points`` (a tuple)."""
    c = np.int64(c)
    for p in points:  # noqa: SIM110 (numba compiles the loop; not a generator)
        if c == p:
            return True
    return False


@njit(cache=True, nogil=True, inline="always")
def _is_ascii_word(c):  # type: ignore[no-untyped-def]
    """``str.isalnum() or == "_"`` of an ASCII code point."""
    return (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122) or c == 95


@njit(cache=True, nogil=True)
def _may_end_etc(points, start, end):  # type: ignore[no-untyped-def]
    """Whether ``toolkit.text._ends_lowercase_continues`` of ``points[start:end]`` (its one abbreviation: "etc")
    may be true: true wherever it is, and where a code point past ASCII next to "etc." is a letter or digit to
    ``str.isalnum`` (here no code point past ASCII is one; none lower-cases to "e", "t" or "c")."""
    j = end
    while j > start and not _is_ascii_word(np.int64(points[j - 1])):  # the trailing run of non-word characters
        j -= 1
    if j == end or points[j] != 46 or j - 3 < start:  # (j == end: no run; points[end] is not read)
        return False
    k = j - 3
    if (points[k] | 32) != 101 or (points[k + 1] | 32) != 116 or (points[k + 2] | 32) != 99:
        return False
    return k == start or not _is_ascii_word(np.int64(points[k - 1]))


@njit(cache=True, nogil=True)
def sentence_cuts(points, cls, block_start, block_end, bounds, stop, follow):  # type: ignore[no-untyped-def]
    """The sentences of each block ``[block_start[b], block_end[b])`` of a text (its code points) from Punkt's
    breaks, as ``toolkit.text._block_sentence_spans`` makes them in Python: the slices between breaks (block
    ``b``'s breaks are ``bounds[b]`` to ``bounds[b + 1]`` of ``stop``, where a sentence ends, and ``follow``,
    where the next one starts), each stripped of whitespace (``str.strip``: :data:`PUNKT_STR_SPACE` of ``cls``),
    and joined to the one before where nothing lies between them (``_corrected``).

    A block is left to Python (``fallback[b]``) where these steps may not be the whole answer: a slice after a
    break starts with closing punctuation (Punkt's realignment, ``_realigned``); a sentence may continue the one
    before it ("etc." then a lower-case word: :func:`_may_end_etc`); a closing quote after . ? ! lies in a
    sentence, from its start to 3 before its end (where a break of ``_QUOTE_END`` could be, whether or not
    one is).

    Returns ``(start, end, block, fallback)``: the sentences of the other blocks, in order.
    """
    n_blocks = len(block_start)
    cap = len(stop) + n_blocks
    o_s = np.empty(cap, np.int64)
    o_e = np.empty(cap, np.int64)
    o_b = np.empty(cap, np.int64)
    fallback = np.zeros(n_blocks, np.bool_)
    n_cls = len(cls)
    n = 0
    for b in range(n_blocks):
        s0 = block_start[b]
        e0 = block_end[b]
        lo = bounds[b]
        last = bounds[b + 1] - lo
        first = n
        bad = False
        for k in range(last + 1):
            start = s0 if k == 0 else follow[lo + k - 1]
            end = stop[lo + k] if k < last else e0  # the trailing whitespace is stripped below
            if k < last:
                ns = follow[lo + k]
                ne = stop[lo + k + 1] if k + 1 < last else e0
                if ns < ne and _among(points[ns], _CLOSING_POINTS):
                    bad = True
                    break
            if not start < min(end, e0):
                continue
            s = start
            e = end
            while s < e:
                c = np.int64(points[s])
                if not (c < n_cls and cls[c] & PUNKT_STR_SPACE):
                    break
                s += 1
            while e > s:
                c = np.int64(points[e - 1])
                if not (c < n_cls and cls[c] & PUNKT_STR_SPACE):
                    break
                e -= 1
            if s >= e:
                continue
            if n > first:
                if s == o_e[n - 1]:
                    o_e[n - 1] = e
                    continue
                if _may_end_etc(points, o_s[n - 1], o_e[n - 1]):
                    bad = True
                    break
            o_s[n] = s
            o_e[n] = e
            o_b[n] = b
            n += 1
        if not bad:
            for m in range(first, n):
                # a break of _QUOTE_END at p needs a quote at p - 1 and a space at p, inside the stripped sentence:
                # p - 1 from its start to 3 before its end (Python's filter takes one place more at either end)
                for q in range(max(o_s[m], 1), o_e[m] - 2):
                    if _among(points[q], _QUOTE_POINTS) and _among(points[q - 1], _END_POINTS):
                        bad = True
                        break
                if bad:
                    break
        if bad:
            n = first
            fallback[b] = True
    return o_s[:n].copy(), o_e[:n].copy(), o_b[:n].copy(), fallback


def warm_up() -> None:
    """Load the compiled loops for every kind of text (ASCII, UTF-16, UTF-32: read-only arrays, as
    :func:`toolkit.tokentable.code_points` gives them) in this process, so that workers forked from it
    inherit them instead of each loading them again."""
    index = ChunkIndex()
    mark = np.zeros(1, dtype=np.uint8)
    ids = np.zeros(1, dtype=np.int32)
    flags = np.zeros(1, dtype=bool)
    # scan_doc's arrays, as the stance path's streams hold them
    out = tuple(np.zeros(8, dtype) for dtype in (np.int64,) * 6 + (np.uint8,) + (np.int64,) * 5)
    for dtype in (np.uint8, np.uint16, np.uint32):
        points = np.frombuffer(np.array([97], dtype=dtype).tobytes(), dtype=dtype)  # read-only, as code_points
        index.add("a", points)
        for marks in (True, False):
            scan_doc(
                points,
                ids,
                np.array([0, 1]),
                ids,
                ids,
                ids,
                IS_SPACE,
                mark,
                flags,
                flags,
                flags,
                0,
                1,
                marks,
                out,
                np.zeros(5, dtype=np.int64),
            )
    doc_tokens(ids, np.zeros(1, dtype=np.int64), np.array([0, 1]), ids, ids, ids)
    doc_term_counts(ids, np.ones(1, dtype=np.int64), np.array([0, 1]), ids, 1)
    for data in (ids, ids.astype(np.int64)):
        group_sums(np.array([0, 1]), ids, data, np.zeros(1, dtype=np.int64), 1, 1)
    _rehash(index.slots, 8)
    one = np.zeros(1, dtype=np.int64)
    clause_bounds(one, one, one, one, one, one, one, 1)
    side_bounds(one, one, one, one, one, one)
    copy_runs(ids.copy(), one, ids, one, one)
    for from_end in (True, False):
        side_get(ids, one, one, flags, one, one, from_end, True, 0)
    leftmost_longest(one, one, flags)
    token_keys(ids, one, 0)
    lexicon_hits(one, one, flags, one, np.zeros((1, 1), dtype=bool), one, 1)
    multi_options(
        one,
        one[:0],
        one,
        1,
        one,
        one,
        np.zeros((1, 1), dtype=np.int64),
        np.zeros((1, 1), dtype=np.int8),
        one,
        one,
        one,
        one,
    )
    ascii_tokens(np.zeros(1, dtype=np.uint8))
    sentence_flags(one, one, one, one, np.zeros(1, dtype=np.uint8), one, one, one, one, one, one, one, 1)
