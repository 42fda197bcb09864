"""The engine of :mod:`toolkit.rates`, shared with :func:`toolkit.stance_rates`: units, bootstrap, permutations.

The public functions and the description of what they count are in :mod:`toolkit.rates`.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import re
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
import scipy.sparse as sp

from toolkit._groups import Groups as _Groups
from toolkit._groups import groups as _groups
from toolkit._kernels import IS_SPACE, resample_sums, token_ordinals, tokens_before
from toolkit._parallel import frozen, start_method
from toolkit._progress import progress_bar
from toolkit._tokens import TOKEN_RE as _TOKEN_RE
from toolkit._validation import (
    check_columns,
    check_confidence,
    check_count,
    check_seed,
    check_texts,
    check_unique_ids,
)
from toolkit._voicing import check_voices as _check_voices
from toolkit._voicing import spans as _voice_spans
from toolkit.counts import document_term_matrix
from toolkit.text import sentence_spans, spans_piece_by_piece
from toolkit.tokentable import TextColumn, text_lengths

#: The columns of :func:`match_rates` after the group's key columns (the ``by`` columns, or ``group``), in order.
RATE_COLUMNS: tuple[str, ...] = ("category", "n", "tokens", "rate_per_1k", "ci_low", "ci_high", "unit")
#: The columns of :func:`compare_rates` after the target group's key columns (the ``by`` columns), in order.
COMPARE_COLUMNS: tuple[str, ...] = (
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
)
_ALTERNATIVES = ("two-sided", "greater", "less")
_RATE_DTYPES = ("string", "int64", "int64", "float64", "float64", "float64", "string")
_SPACE_OUT = re.compile(r"\S")
# Resampled index matrices are drawn in blocks of at most this many entries (32 MB of int64).
_BLOCK = 1 << 22

#: Draws of a bootstrap block from which its sums are made by several threads (:func:`_bootstrap_rates`): a
#: group of one long document, whose sentences are many units (the first 50 MB of the UNGDC's speeches as
#: one text, as benchmarks/bench_pipeline.py joins them: 401,443 sentences); fewer are summed at once by the
#: caller's thread.
_THREADED_DRAWS = 1 << 20


def _match_rates(
    matches: pd.DataFrame | None,
    docs: pd.DataFrame,
    *,
    by: str | Sequence[str] | None,
    categories: str | Sequence[str] | None,
    n_resamples: int,
    seed: int | None,
    confidence: float,
    voices: str | Sequence[str] | None,
    segments: pd.DataFrame | None = None,
    problems: Mapping[str, str] | None = None,
    found: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    totals: np.ndarray | None = None,
    ordinals: np.ndarray | None = None,
    n_jobs: int = 1,
    progress: bool | None = False,
    function: str = "match_rates",
    table: Any = None,
    table_rows: np.ndarray | None = None,
    ahead: Any = None,
) -> pd.DataFrame:
    """:func:`match_rates` without the warnings; ``problems`` (doc_id -> why) explains token-less documents;
    ``segments`` a frame or None, resolved by the caller (:func:`toolkit._voicing.resolve`); ``progress`` as
    in :mod:`toolkit._progress`, the bar named after ``function``; ``ahead``: the sentences of some documents
    already cut (:class:`SentencesAhead`), or None; ``ordinals``: with ``found`` and voices that blank no text, how
    many tokens of its document start at or before each match (as :meth:`_Prepared._token_ordinals` counts them),
    when the caller counted them (:func:`toolkit.hedging._table._find_in_shares`), or None."""
    n_resamples = check_count("n_resamples", n_resamples, 100)
    confidence = check_confidence(confidence)
    seed = check_seed("seed", seed, allow_none=True)
    voices = _check_voices(voices)
    prep = _prepare(
        matches,
        docs,
        by,
        categories,
        problems,
        voices=voices,
        segments=segments,
        reserved=RATE_COLUMNS,
        found=found,
        totals=totals,
        table=table,
        table_rows=table_rows,
        ordinals=ordinals,
    )
    prep.n_jobs = n_jobs
    prep.ahead = ahead
    return _rates_of(
        prep, n_resamples=n_resamples, seed=seed, confidence=confidence, progress=progress, function=function
    )


def _rates_of(
    prep: _Prepared,
    *,
    n_resamples: int,
    seed: int | None,
    confidence: float,
    progress: bool | None = False,
    function: str = "match_rates",
) -> pd.DataFrame:
    """The rates of prepared counts: the groups in order, each resampled by its units (checked arguments).
    Shared by :func:`_match_rates` and the Dask path of :func:`toolkit.stance_rates` (:mod:`toolkit.scale`).
    ``progress``: a bar of the resamples of every group (:mod:`toolkit._progress`)."""
    rng = np.random.default_rng(seed)
    alpha = (1.0 - confidence) / 2.0
    n_groups, k = len(prep.grouping), len(prep.categories)
    single: list[object] = []
    n = np.zeros((n_groups, k), dtype=np.int64)
    total = np.zeros(n_groups, dtype=np.int64)
    low, high = np.empty((n_groups, k), dtype=np.float64), np.empty((n_groups, k), dtype=np.float64)
    units: list[str] = []
    q = [100 * alpha, 100 * (1 - alpha)]
    # the percentiles of many groups at once (nanpercentile reads each group's column of resamples alone, so
    # they are those of each group apart), a block of groups' resamples held at a time
    block = max(1, _BLOCK // max(n_resamples * k, 1))
    boots: list[np.ndarray] = []
    bar = progress_bar(n_groups * n_resamples, progress=progress, desc=f"{function}: bootstrap", unit="resample")
    with bar:
        for g in range(n_groups):  # the groups in order: each draws the next resamples of the one generator
            n[g], total[g], boot, unit = _group_resamples(prep, g, rng, n_resamples, single, bar)
            units.append(unit)
            boots.append(boot)
            if len(boots) == block or g == n_groups - 1:
                at = g + 1 - len(boots)
                stacked = np.stack(boots)
                # percentile's whole-array form where nothing is NaN: the same order statistics and
                # interpolation as nanpercentile's, which reads one column at a time in Python
                pct = np.nanpercentile if np.isnan(stacked).any() else np.percentile
                low[at : g + 1], high[at : g + 1] = pct(stacked, q, axis=1)
                boots = []
    tokens = np.repeat(total, k)
    values = pd.DataFrame(
        {
            "category": pd.array(list(prep.categories) * n_groups, dtype="string"),
            "n": n.ravel(),
            "tokens": tokens,
            "rate_per_1k": n.ravel() / tokens * 1000.0,
            "ci_low": low.ravel(),
            "ci_high": high.ravel(),
            "unit": pd.array(np.repeat(np.array(units, dtype=object), k), dtype="string"),
        }
    )
    group = np.repeat(np.arange(n_groups, dtype=np.int64), k)
    out = pd.concat([prep.grouping.take(group), values], axis=1)
    out.attrs["skipped"] = prep.skipped
    out.attrs["single_unit"] = single
    return out


def _group_resamples(
    prep: _Prepared, g: int, rng: np.random.Generator, n_resamples: int, single: list, bar: Any
) -> tuple[np.ndarray, int, np.ndarray, str]:
    """Group ``g``'s matches per category, its tokens, its resampled rates (n_resamples, categories) and its
    unit (its key added to ``single`` when it has one unit with tokens)."""
    rows = np.flatnonzero(prep.codes == g)
    counts, tokens, unit = prep.units(rows, sentences=len(rows) == 1)
    if np.count_nonzero(tokens) == 1:
        single.append(prep.grouping.key(g))
    n = prep.counts[rows].sum(axis=0)
    total = int(prep.tokens[rows].sum())
    return n, total, _bootstrap_rates(rng, counts, tokens, n_resamples, bar, n_jobs=prep.n_jobs), unit


def _warn_single_unit(function: str, groups: list) -> None:
    if groups:
        shown = ", ".join(repr(g) for g in groups[:10]) + (f" and {len(groups) - 10} more" if len(groups) > 10 else "")
        warnings.warn(
            f"{function}: {shown} rest(s) on a single unit (one document of one sentence with tokens): the "
            "interval is the point [rate, rate] because there is nothing to resample, not because the rate is "
            "precise. Listed in the result's attrs['single_unit'].",
            UserWarning,
            stacklevel=3,
        )


# ---------------------------------------------------------------------------- small builders


#: A group of one document with more than this many tokens (in the chosen voices) is resampled in blocks of
#: :data:`BLOCK_TOKENS` consecutive tokens instead of sentences: room for at least 1,000 blocks. Sentences
#: resampled as if independent ignore how stance markers cluster in passages, which a long text shows: on the
#: first 50 MB of the UNGDC's speeches as one text (8,238,080 tokens, 2,000 resamples), the 95% interval of the
#: hedge rate was 0.130 per 1,000 tokens wide over its 401,443 sentences, 0.202 over blocks of 1,000 tokens,
#: 0.283 over blocks of 5,000 (benchmarks/bench_single_units.py). A shorter text keeps its sentences, the only
#: units it has enough of; the blocks also spare cutting a long text's sentences and drawing them.
LONG_TEXT_TOKENS = 1_000_000

#: Tokens of a block, the unit of a long one-document group's bootstrap (:data:`LONG_TEXT_TOKENS`): the last
#: block of a text holds what is left.
BLOCK_TOKENS = 1_000

#: A text longer than this (in characters) is not cut into sentences ahead (:class:`SentencesAhead`): with
#: fewer than 10 characters a token it has more than :data:`LONG_TEXT_TOKENS` tokens, and blocks for units (with
#: fewer, its sentences are cut when the rates need them).
AHEAD_MAX = 10 * LONG_TEXT_TOKENS

#: :class:`SentencesAhead` forks for texts of at least this many characters (code points) in all: for fewer, a
#: process and sending the spans back cost about what cutting them takes.
AHEAD_MIN = 1 << 20


def _cut_ahead(out: Any, texts: Sequence[str], rows: list[int], n_jobs: int) -> None:
    """The process of :class:`SentencesAhead`: writes the spans of each of ``rows`` to the file ``out`` (pickled)
    and ends with exit code 0; on an error, or when its parent is gone, ends with 1 (the caller then cuts the
    texts itself, and meets the error there if it is theirs). A long text is cut piece by piece
    (:func:`toolkit.text.spans_piece_by_piece`)."""
    parent = os.getppid()
    try:
        found = [spans_piece_by_piece(texts[r], n_jobs) for r in rows]
        if os.getppid() != parent:  # nobody to read them
            raise SystemExit(1)
        pickle.dump(found, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()  # the process ends without flushing what it holds
    except BaseException:
        raise SystemExit(1) from None  # no traceback: the caller cuts the texts itself


class SentencesAhead:
    """The sentences of some texts (:func:`toolkit.text.sentence_spans`), cut in a process forked now while the
    caller goes on with other work: the units of a one-document group's bootstrap, cut while :func:`toolkit.stance_rates`
    makes the token table and finds the markers, on the cores those steps leave idle (for one long text, the
    table's threads share a core's worth of work, and the text's pieces are found in one process before the
    markers' workers start).

    The process writes the spans to an unnamed temporary file (no name another user could take or a crash
    could leave behind) and ends, instead of waiting for the caller to take them: a forked process keeps the
    pages the caller writes after the fork in two copies while it lives (kept alive until the caller's rates
    took the spans, it held 0.2 GB at the 50 MB text's peak).

    :meth:`spans` gives a text's (n, 2) array as ``sentence_spans`` gives it, or None when that text was not
    asked for or the process wrote nothing (it failed, or was killed): the caller then cuts it itself, so no
    result depends on whether the sentences were cut ahead. :meth:`close` ends the process if it still runs (a
    caller that stopped midway) and lets go of the file.
    """

    def __init__(self, texts: Sequence[str], rows: np.ndarray, keys: Sequence[str], n_jobs: int = 1) -> None:
        ctx = multiprocessing.get_context("fork")
        # unlinked at once where the platform can (held until close)
        self._file = tempfile.TemporaryFile(prefix="toolkit-sentences-")  # noqa: SIM115
        self._keys = list(keys)
        self._found: dict[str, np.ndarray] | None = None
        try:
            with frozen():
                self._process = ctx.Process(
                    target=_cut_ahead, args=(self._file, texts, [int(r) for r in rows], n_jobs), daemon=True
                )
                self._process.start()
        except BaseException:
            self._file.close()
            raise

    @classmethod
    def start(cls, texts: Sequence[str], rows: np.ndarray, keys: Sequence[str], n_jobs: int) -> SentencesAhead | None:
        """Start cutting ``texts[r]`` for each ``r`` of ``rows`` (``keys``: their doc_ids) when a process is worth
        it and can be had: ``n_jobs`` > 1 (the caller may use more than one core), workers that fork
        (:func:`start_method`: Linux, one thread), not inside a daemonic process (which may have no children),
        no missing text, and :data:`AHEAD_MIN` characters in all; else None. A text longer than :data:`AHEAD_MAX`
        is left out (its units are blocks of tokens). A process or file that cannot be had (no temporary folder,
        no memory to fork) is None too: cutting ahead is only ever a speed-up."""
        if n_jobs <= 1 or not len(rows) or start_method() != "fork" or multiprocessing.current_process().daemon:
            return None
        if isinstance(texts, TextColumn) and texts._array.null_count:  # the caller's checks name it
            return None
        try:
            lengths = text_lengths(texts)[np.asarray(rows, dtype=np.int64)]
        except (TypeError, ValueError):  # a text that is not a str: the caller's checks name it
            return None
        short = lengths <= AHEAD_MAX
        rows, keys = np.asarray(rows)[short], [k for k, s in zip(keys, short.tolist(), strict=True) if s]
        if int(lengths[short].sum()) < AHEAD_MIN:
            return None
        try:
            return cls(texts, rows, keys, n_jobs)
        except OSError:
            return None

    def spans(self, key: str) -> np.ndarray | None:
        """The sentences of the text of doc_id ``key``, or None (not asked for, or the process wrote nothing)."""
        if self._found is None:
            self._process.join()  # done, most often, long before
            self._found = {}
            if self._process.exitcode == 0:
                self._file.seek(0)
                self._found = dict(zip(self._keys, pickle.load(self._file), strict=True))
            self.close()
        return self._found.get(key)

    def close(self) -> None:
        """End the process (if it still runs) and let go of its file."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._file.close()


@dataclass
class _Prepared:
    """Matches counted per document and category, and what is needed to cut documents into sentences."""

    docs: pd.DataFrame  # the documents kept, their text blanked outside the chosen voices
    categories: list[str]
    grouping: _Groups  # the groups' keys (sorted) and the group of each row of the original docs
    codes: np.ndarray  # group index of each kept document row
    tokens: np.ndarray  # tokens of each document row (int64)
    counts: np.ndarray  # (n_docs, n_categories) int64 matches
    match_row: np.ndarray  # document row of each kept match
    match_cat: np.ndarray  # category index of each kept match
    match_start: np.ndarray  # start offset of each kept match
    skipped: list[dict]  # documents left out (no token): doc_id, the group's key columns, problem
    n_jobs: int = 1  # worker processes that cut a group's one document into sentences
    table: Any = None  # a token table of the documents (toolkit.tokentable.TokenTable), or None
    table_row: np.ndarray | None = None  # each row's document in the table (-1: its text was blanked)
    ahead: Any = None  # sentences cut ahead by doc_id (SentencesAhead), or None
    match_ordinal: np.ndarray | None = None  # tokens of its document that start at or before each kept match

    def units(self, rows: np.ndarray, *, sentences: bool, blocks: bool = True) -> tuple[np.ndarray, np.ndarray, str]:
        """(counts per unit and category, tokens per unit, unit name) of the documents ``rows``: the documents
        themselves, or (``sentences``) their sentences; one document of more than :data:`LONG_TEXT_TOKENS`
        tokens, with ``blocks``, in blocks of :data:`BLOCK_TOKENS` tokens (:meth:`_blocks`)."""
        if not sentences:
            return self.counts[rows], self.tokens[rows], "document"
        if blocks and len(rows) == 1 and int(self.tokens[rows[0]]) > LONG_TEXT_TOKENS:
            return self._blocks(int(rows[0]))
        texts = [self._text(int(r)) for r in rows]
        # the offsets alone (split_sentences' sentences, without a string for each)
        spans = self._sentences(rows, texts)
        # sentence s belongs to local document doc_of[s]; sort key (document, start)
        local = {int(r): i for i, r in enumerate(rows)}
        doc_of = np.repeat(np.arange(len(rows), dtype=np.int64), [len(s) for s in spans])
        flat = np.concatenate(spans) if spans else np.zeros((0, 2), dtype=np.int64)
        del spans
        sents = pd.DataFrame({"start": flat[:, 0], "end": flat[:, 1]})
        tokens = self._sentence_tokens(rows, sents, doc_of, texts)
        keep = np.isin(self.match_row, rows)
        m_doc = np.array([local[int(r)] for r in self.match_row[keep]], dtype=np.int64)
        m_start = self.match_start[keep]
        m_cat = self.match_cat[keep]
        counts = np.zeros((len(sents), len(self.categories)), dtype=np.int64)
        if len(m_doc):
            span = int(max(m_start.max(), sents["end"].max() if len(sents) else 0)) + 1
            s_key = doc_of.astype(np.int64) * span + sents["start"].to_numpy(np.int64)
            m_key = m_doc * span + m_start
            sid = np.searchsorted(s_key, m_key, side="right") - 1
            first = np.searchsorted(doc_of, m_doc, side="left")  # first sentence of the match's document
            has = (first < len(doc_of)) & (doc_of[np.minimum(first, len(doc_of) - 1)] == m_doc)
            if not has.all():
                bad = self.docs["doc_id"].iloc[rows[m_doc[~has][0]]]
                raise ValueError(f"matches: doc_id {bad!r} has matches but its text has no sentence.")
            sid = np.maximum(sid, first)  # a match before the first sentence counts in the first
            np.add.at(counts, (sid, m_cat), 1)
        return counts, tokens, "sentence"

    def _blocks(self, row: int) -> tuple[np.ndarray, np.ndarray, str]:
        """The units of docs row ``row`` alone: blocks of :data:`BLOCK_TOKENS` consecutive tokens of its text
        (the last holds what is left); a match counts in the block of the last token that starts at or before
        it (the first, if none does)."""
        n = int(self.tokens[row])
        n_blocks = -(-n // BLOCK_TOKENS)
        tokens = np.full(n_blocks, BLOCK_TOKENS, dtype=np.int64)
        tokens[-1] = n - BLOCK_TOKENS * (n_blocks - 1)
        keep = self.match_row == row
        starts, cats = self.match_start[keep], self.match_cat[keep]
        if self.match_ordinal is not None:  # counted by the workers that found the matches
            ordinal = self.match_ordinal[keep]
        else:
            order = np.argsort(starts, kind="stable")
            ordinal = np.empty(len(starts), dtype=np.int64)
            ordinal[order] = self._token_ordinals(row, starts[order], n)
        block = np.minimum(np.maximum(ordinal - 1, 0) // BLOCK_TOKENS, n_blocks - 1)
        k = len(self.categories)
        counts = np.bincount(block * k + cats, minlength=n_blocks * k).reshape(n_blocks, k).astype(np.int64)
        return counts, tokens, "block"

    def _token_ordinals(self, row: int, offsets: np.ndarray, n: int) -> np.ndarray:
        """How many tokens of docs row ``row``'s text start at or before each of the sorted ``offsets``
        (:func:`toolkit._kernels.token_ordinals`): read from the token table where the text is the table's, else
        from a table of the text alone; ``n``: the tokens counted for the row, which the text must hold."""
        from toolkit.tokentable import token_table

        t = self._table_text(row)
        if t < 0:
            text = self._text(row)
            table, t = token_table(pd.DataFrame({"doc_id": ["0"], "text": [text]}), n_jobs=self.n_jobs), 0
        else:
            table = self.table
        chunks = table.doc_chunks(t)
        # the table's code points where it kept them (it cut the text into pieces), else made now
        out, met = token_ordinals(table.code_points(t), IS_SPACE, chunks, table.ctok_ptr, table.ctok_start, offsets)
        if met != len(chunks):  # the text is not the one the table was made from
            raise table.changed(t)
        held = int(table.totals[t])
        if held != n:
            raise RuntimeError(f"toolkit: doc_id {self.docs['doc_id'].iloc[row]!r} has {held} tokens, {n} were counted")
        return out

    def _sentences(self, rows: np.ndarray, texts: list[str]) -> list[np.ndarray]:
        """:func:`toolkit.text.sentence_spans` of ``texts``, the texts of docs rows ``rows``: those cut ahead
        (:attr:`ahead`, by doc_id, cut from the texts the token table was made of) taken from there where the
        text is the table's, the others cut now."""
        ahead = [
            self.ahead.spans(str(self.docs["doc_id"].iloc[r]))
            if self.ahead is not None and self._table_text(int(r)) >= 0
            else None
            for r in rows
        ]
        todo = [i for i, found in enumerate(ahead) if found is None]
        cut = iter(sentence_spans([texts[i] for i in todo], n_jobs=self.n_jobs) if todo else [])
        return [next(cut) if found is None else found for found in ahead]

    def _text(self, row: int) -> str:
        """The text of docs row ``row``: the token table's string where the text is the table's (the table made
        it when it read the text, and keeps the last one read: a 50 MB text from the frame's pyarrow column took
        0.08 s to make again), else the frame's."""
        t = self._table_text(row)
        return self.table.texts[t] if t >= 0 else str(self.docs["text"].iloc[row])

    def _table_text(self, row: int) -> int:
        """The token table's document whose text is that of docs row ``row``, or -1 (no table, or the text was
        blanked outside the chosen voices)."""
        return -1 if self.table is None or self.table_row is None else int(self.table_row[row])

    def _sentence_tokens(
        self, rows: np.ndarray, sents: pd.DataFrame, doc_of: np.ndarray, texts: list[str]
    ) -> np.ndarray:
        """The tokens of each sentence (int64): read from the token table where a document's text is the
        table's and the sentence's edges cut no whitespace-separated chunk (its tokens are then the table's
        tokens between its offsets: no token holds whitespace, and the token pattern's look-arounds never look
        at it); the others counted by :func:`toolkit.document_term_matrix` on their text, as all were."""
        tokens = np.full(len(sents), -1, dtype=np.int64)
        if self.table is not None and self.table_row is not None and len(sents):
            starts_all = sents["start"].to_numpy(np.int64)
            ends_all = sents["end"].to_numpy(np.int64)
            bounds = np.searchsorted(doc_of, np.arange(len(rows) + 1))  # sentences are in document order
            for li, r in enumerate(rows.tolist()):
                t = int(self.table_row[r])
                lo, hi = int(bounds[li]), int(bounds[li + 1])
                if t < 0 or lo == hi:
                    continue
                points = self.table.code_points(t)  # kept by the table where it cut the text into pieces
                a, b = starts_all[lo:hi], ends_all[lo:hi]
                # each edge has whitespace (or the text's end) on one side: no chunk is cut there, so the
                # sentence's tokens are those of the chunks that begin inside it (no token array is made)
                clean = (_space_at(points, a - 1) | _space_at(points, a)) & (
                    _space_at(points, b - 1) | _space_at(points, b)
                )
                chunks = self.table.doc_chunks(t)
                by_a, by_b = np.argsort(a, kind="stable"), np.argsort(b, kind="stable")
                before_a, before_b, met = tokens_before(points, IS_SPACE, chunks, self.table.ctok_ptr, a[by_a], b[by_b])
                if met != len(chunks):  # the text is not the one the table was made from
                    raise self.table.changed(t)
                n = np.empty(hi - lo, dtype=np.int64)
                n[by_b] = before_b
                n[by_a] -= before_a
                tokens[lo:hi] = np.where(clean, np.maximum(n, 0), -1)
        rest = np.flatnonzero(tokens < 0)
        if len(rest):
            starts, ends = sents["start"].to_numpy()[rest], sents["end"].to_numpy()[rest]
            texts_rest = [texts[d][a:b] for d, a, b in zip(doc_of[rest].tolist(), starts.tolist(), ends.tolist())]
            frame = pd.DataFrame({"doc_id": [str(k) for k in range(len(rest))], "text": texts_rest})
            tokens[rest] = document_term_matrix(frame, n_jobs=self.n_jobs).totals.astype(np.int64)
        return tokens


def _space_at(points: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """:func:`toolkit.tokentable.is_space` of the code point at each offset of ``points``; an offset past either
    end of the text counts as whitespace."""
    from toolkit.tokentable import is_space

    inside = (pos >= 0) & (pos < len(points))
    if not len(points):
        return ~inside
    return ~inside | is_space(points[np.clip(pos, 0, len(points) - 1)])


def _prepare(
    matches: pd.DataFrame | None,
    docs: pd.DataFrame,
    by: str | Sequence[str] | None,
    categories: str | Sequence[str] | None,
    problems: Mapping[str, str] | None = None,
    *,
    voices: tuple[str, ...] | None,
    segments: pd.DataFrame | None = None,
    reserved: Sequence[str] = (),
    function: str = "match_rates",
    found: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    totals: np.ndarray | None = None,
    table: Any = None,
    table_rows: np.ndarray | None = None,
    ordinals: np.ndarray | None = None,
) -> _Prepared:
    """Check the inputs, keep the chosen voices, count tokens per document and matches per document and category.

    With ``voices`` (checked by :func:`toolkit._voicing.check_voices`), only the matches whose
    start falls in those voices count, and the text of other voices is blanked
    before tokens are counted. Documents without a token are left out (listed
    in ``skipped``, with the reason from ``problems`` when it has their
    doc_id, or for want of tokens in ``voices``); a group of nothing but such
    documents is an error. ``reserved``: the caller's result columns, which no
    ``by`` column may be named.

    ``found``: the matches as arrays instead of a frame (the streaming path of
    :func:`toolkit.stance_rates`): (docs row, start, index into ``categories``) of
    each, checked by their maker; ``totals``: the tokens of each docs row when already counted (a
    token table's), used where the chosen voices leave a text as it is; ``table``: that token table, whose row
    ``table_rows[i]`` (default ``i``) is docs row ``i``: a group of one document reads its sentences' tokens
    there (:meth:`_Prepared.units`); ``ordinals``: with ``found`` and voices that blank no text, the tokens of
    its document that start at or before each match, where the caller counted them (a long text's blocks read them).
    """
    if found is None:
        check_columns(matches, ["doc_id", "start", "category"], name="matches")
    grouping = _groups(docs, by, reserved=reserved)  # checks docs' doc_id, text and by columns
    codes = grouping.codes
    check_texts(docs, name="docs")
    check_unique_ids(docs, name="docs")
    if found is None:
        m_row, m_start, _, cats, m_cat = _match_arrays(matches, docs, categories)
    else:  # (docs row, start, index into categories) of each match
        m_row, m_start, m_cat = found
        cats = _categories(categories, [])
    doc_ids = docs["doc_id"].astype(str)
    problems = {} if problems is None else dict(problems)
    changed = np.zeros(0, dtype=np.int64)  # the rows whose text blanking changed
    heard_only: np.ndarray | None = None  # the matches in the chosen voices (None: all)
    if voices is not None:
        heard, blanked = _keep_voices(docs, voices, m_row, m_start, _voice_spans(docs, segments, function=function))
        why = (
            f"no tokens in the voices {', '.join(voices)} (e.g. an interview with no quote attributed to "
            "its speaker): nothing of its own to rate"
        )
        problems.update(
            {
                doc_ids.iloc[i]: why
                for i, own in blanked.items()
                if doc_ids.iloc[i] not in problems
                and _TOKEN_RE.search(str(docs["text"].iloc[i]))
                and not _TOKEN_RE.search(own)
            }
        )
        if blanked:  # only the changed texts are written back (a column of strings is not rebuilt for nothing)
            changed = np.fromiter(blanked, dtype=np.int64, count=len(blanked))
            texts = docs["text"].to_numpy(dtype=object, copy=True)
            texts[changed] = list(blanked.values())
            docs = docs.assign(text=texts)
        heard_only = heard  # the matches of other voices are left out below, with those of categories not rated
    if totals is None:
        tokens = document_term_matrix(docs).totals.astype(np.int64)
    else:  # count again only the texts that blanking changed
        tokens = np.asarray(totals, dtype=np.int64).copy()
        if len(changed):
            tokens[changed] = document_term_matrix(docs.iloc[changed]).totals
    in_empty = tokens[m_row] == 0
    if heard_only is not None:
        in_empty &= heard_only
    if in_empty.any():
        i = int(np.flatnonzero(in_empty)[0])
        raise ValueError(
            f"matches: doc_id {doc_ids.iloc[m_row[i]]!r} has matches, but its text in docs has no token "
            "to rate them against; pass the docs the matches were found in."
        )
    used, skipped = _token_accounting(grouping, codes, tokens, doc_ids, problems)
    table_row = None
    if table is not None:  # each row's document in the table, where its text is the table's
        table_row = np.arange(len(docs), dtype=np.int64) if table_rows is None else np.array(table_rows, np.int64)
        table_row[changed] = -1
    if skipped:  # renumber the documents that are kept
        new_row = np.cumsum(used) - 1
        m_row = new_row[m_row]
        docs, tokens, codes = docs[used], tokens[used], codes[used]
        table_row = None if table_row is None else table_row[used]
    keep = m_cat >= 0
    if heard_only is not None:
        keep &= heard_only
    del heard_only
    # one selection of each array (the matches' arrays are the largest here: 1.4 million of each for the UNGDC)
    m_row = m_row[keep].astype(np.int64, copy=False)
    m_cat = m_cat[keep].astype(np.int64, copy=False)
    m_start = m_start[keep]
    if ordinals is not None:
        if found is None or len(changed):
            raise ValueError("ordinals: only with found, and texts that the voices leave as they are")
        ordinals = np.asarray(ordinals, dtype=np.int64)[keep]
    del keep
    counts = np.zeros((len(docs), len(cats)), dtype=np.int64)
    np.add.at(counts, (m_row, m_cat), 1)
    return _Prepared(
        docs.reset_index(drop=True),
        cats,
        grouping,
        codes,
        tokens,
        counts,
        m_row,
        m_cat,
        m_start,
        skipped,
        table=table,
        table_row=table_row,
        match_ordinal=ordinals,
    )


def _token_accounting(
    grouping: _Groups, codes: np.ndarray, tokens: np.ndarray, doc_ids: pd.Series, problems: Mapping[str, str]
) -> tuple[np.ndarray, list[dict]]:
    """(which documents have a token, the records of those without): a group of nothing but token-less
    documents is an error naming them; the others are left out and listed (doc_id, group key, problem)."""
    no_token = "no tokens (an empty text, or one without letters or digits)"
    group_tokens = np.bincount(codes, weights=tokens, minlength=len(grouping))
    empty = np.flatnonzero(group_tokens == 0)
    if len(empty):
        shown = ", ".join(repr(grouping.key(g)) for g in empty)
        first = doc_ids[(codes == empty[0]) & (tokens == 0)].iloc[:3].tolist()
        why = "; ".join(f"{d!r}: {problems.get(d, no_token)}" for d in first)
        raise ValueError(
            f"group(s) {shown} hold no token, so they have no rate ({why}); drop their documents "
            "from docs or group by another column."
        )
    used = tokens > 0
    skipped = [
        {"doc_id": d, **grouping.record(g), "problem": problems.get(d, no_token)}
        for d, g in zip(doc_ids[~used], codes[~used])
    ]
    return used, skipped


def _categories(categories: str | Sequence[str] | None, found: Sequence[str]) -> list[str]:
    """The categories to rate: those given (checked), or those of the matches, sorted."""
    if categories is None:
        return sorted(set(found))
    raw = [categories] if isinstance(categories, str) else list(categories)
    bad = [c for c in raw if not isinstance(c, str)]
    if bad:
        raise ValueError(f"categories contains {bad[0]!r}; every category must be a str.")
    cats = list(dict.fromkeys(raw))
    if not cats:
        raise ValueError("categories=[] is invalid; name one or more categories, or pass None for all of them.")
    return cats


def _match_arrays(matches: pd.DataFrame, docs: pd.DataFrame, categories: str | Sequence[str] | None) -> tuple:
    """(docs row, start, doc_id, categories, category index) of each row of a matches frame, checked."""
    check_columns(matches, ["doc_id", "start", "category"], name="matches")
    for col in ("doc_id", "start", "category"):
        missing = matches[col].isna()
        if missing.any():
            raise ValueError(
                f"matches: {col} is missing (NA) in {int(missing.sum())} row(s), e.g. row "
                f"{matches.index[missing][0]!r}; every match needs a doc_id, a start and a category."
            )
    cats = _categories(categories, matches["category"].astype(str).tolist())
    doc_ids = docs["doc_id"].astype(str)
    index = pd.Index(doc_ids)
    m_ids = matches["doc_id"].astype(str)
    m_row = index.get_indexer(m_ids)
    if (m_row < 0).any():
        unknown = list(dict.fromkeys(m_ids[m_row < 0]))
        shown = ", ".join(repr(u) for u in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise ValueError(f"matches: doc_id {shown} not in docs; pass the docs the matches were found in.")
    m_start = _match_starts(matches["start"])
    lengths = np.fromiter((len(t) for t in docs["text"]), dtype=np.int64, count=len(docs))
    beyond = m_start > lengths[m_row]
    if beyond.any():
        i = int(np.flatnonzero(beyond)[0])
        raise ValueError(
            f"matches: start={int(m_start[i])} (row {matches.index[i]!r}) is beyond the end of the "
            f"text of doc_id {m_ids.iloc[i]!r} ({int(lengths[m_row[i]])} characters); pass the docs "
            "the matches were found in."
        )
    m_cat = pd.Index(cats).get_indexer(matches["category"].astype(str))

    return m_row, m_start, m_ids, cats, m_cat


def _keep_voices(
    docs: pd.DataFrame, voices: Sequence[str], m_row: np.ndarray, m_start: np.ndarray, spans: dict | None
) -> tuple[np.ndarray, dict[int, str]]:
    """(which matches fall in ``voices``, {row: its text with every other voice blanked} for the rows it changes).

    A match is heard when its start lies in a segment of one of ``voices``.
    Blanking turns each character outside those segments that is not
    whitespace into a space, so offsets stay valid; a text all in the chosen
    voices is left exactly as it was, and out of the dict.
    """
    if spans is None:  # no segments: every document in the voice "speech"
        if "speech" in voices:
            return np.ones(len(m_row), dtype=bool), {}
        # every character that is not whitespace becomes a space: a text changes when it has one
        texts = [str(t) for t in docs["text"]]
        return np.zeros(len(m_row), dtype=bool), {
            i: _SPACE_OUT.sub(" ", t) for i, t in enumerate(texts) if _SPACE_OUT.search(t)
        }
    texts = docs["text"].tolist()
    lengths = np.fromiter((len(str(t)) for t in texts), dtype=np.int64, count=len(texts))
    # each row's text at its own place on one line of offsets (a row's place: the lengths before it, one more
    # each), so that the kept segments of every row are one sorted array and a match is found in it by search
    place = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]) if len(texts) else np.zeros(0, dtype=np.int64)
    kept_spans: list[list[tuple[int, int]]] = []
    for doc_id in docs["doc_id"].astype(str).tolist():
        seg = spans.get(doc_id)
        kept_spans.append(
            [] if seg is None else [(s, e) for s, e, v in zip(seg[0].tolist(), seg[1].tolist(), seg[2]) if v in voices]
        )
    n_kept = np.fromiter(map(len, kept_spans), dtype=np.int64, count=len(kept_spans))
    at = np.repeat(place, n_kept)
    starts = at + np.fromiter((s for kept in kept_spans for s, _ in kept), dtype=np.int64, count=int(n_kept.sum()))
    ends = at + np.fromiter((e for kept in kept_spans for _, e in kept), dtype=np.int64, count=int(n_kept.sum()))
    where = place[m_row] + m_start if len(m_row) else np.zeros(0, dtype=np.int64)
    k = np.searchsorted(starts, where, side="right") - 1  # the last kept segment starting at or before the match
    heard = (k >= 0) & (where < ends[np.maximum(k, 0)]) if len(starts) else np.zeros(len(m_row), dtype=bool)
    heard &= m_start < lengths[m_row]  # (a segment ends in its text: a start past it is in none)
    out = {}
    for i, (text, kept) in enumerate(zip(texts, kept_spans, strict=True)):
        text = str(text)
        gaps = list(zip([0, *(e for _, e in kept)], [*(s for s, _ in kept), len(text)]))
        if not any(_SPACE_OUT.search(text, a, b) for a, b in gaps if a < b):
            continue  # only whitespace outside the kept segments: the text as it was
        pieces = []
        for (a, b), (s, e) in zip(gaps, [*kept, (len(text), len(text))]):
            pieces.append(_SPACE_OUT.sub(" ", text[a:b]))
            pieces.append(text[s:e])
        out[i] = "".join(pieces)
    return heard, out


def _match_starts(values: pd.Series) -> np.ndarray:
    """The ``start`` column as int64 offsets, after checking each is a whole number >= 0."""
    arr = values.to_numpy()
    if arr.dtype.kind in "iu":
        bad = (arr < 0) | (arr > np.iinfo(np.int64).max)
    elif arr.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(arr) | (arr < 0) | (arr != np.floor(arr)) | (arr >= 2.0**63)
    else:
        bad = np.array(
            [
                isinstance(v, bool)
                or not (
                    isinstance(v, (int, np.integer))
                    or (isinstance(v, (float, np.floating)) and np.isfinite(v) and float(v).is_integer())
                )
                or not 0 <= v < 2**63
                for v in arr
            ],
            dtype=bool,
        )
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = arr[i].item() if isinstance(arr[i], np.generic) else arr[i]
        raise ValueError(
            f"matches: start must hold character offsets, whole numbers >= 0; row {values.index[i]!r} has {value!r}."
        )
    return arr.astype(np.int64)


def _bootstrap_rates(
    rng: np.random.Generator,
    counts: np.ndarray,
    tokens: np.ndarray,
    n_resamples: int,
    bar: Any = None,
    n_jobs: int = 1,
) -> np.ndarray:
    """Rates per 1,000 tokens, shape (n_resamples, n_categories), of resamples of the units.

    Each resample draws ``m`` unit indices with replacement (a row of
    ``rng.integers(0, m, (n_resamples, m))``, as :func:`scipy.stats.bootstrap`
    draws them) and sums the units' (counts, tokens) it drew: integer counts in
    a compiled loop (:func:`toolkit._kernels.resample_sums`, exact in any order),
    others as a sparse resample-by-unit matrix with one entry per draw
    (duplicates add up) times the units' values. Blocks of rows bound the memory; a resample without tokens
    is NaN. ``bar`` (optional) is advanced by the resamples of each block.

    ``n_jobs`` > 1 with integer counts and many units (:data:`_THREADED_DRAWS` draws a block): the rows of a
    block are summed by that many threads (the compiled loop lets go of the GIL) while the next block is
    drawn. The draws are the same, made in the same order from ``rng``, and integer sums do not depend on
    their order: the rates are the same for any ``n_jobs``.
    """
    m = len(tokens)
    values = np.column_stack([counts, tokens])
    exact = values.dtype.kind in "iub"  # integer counts: summed as integers, the same sums as the product's
    values = values.astype(np.int64 if exact else np.float64)
    out = np.empty((n_resamples, counts.shape[1]), dtype=np.float64)
    step = max(1, _BLOCK // max(m, 1))

    def put(k: int, sums: np.ndarray) -> None:
        b = len(sums)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[k : k + b] = sums[:, :-1] / sums[:, -1:] * 1000.0
        out[k : k + b][sums[:, -1] == 0] = np.nan
        if bar is not None:
            bar.update(b)

    if exact and n_jobs > 1 and m * min(step, n_resamples) >= _THREADED_DRAWS:
        with ThreadPoolExecutor(n_jobs) as pool:
            pending: list = []  # the block drawn before: its first row, and the futures of its parts' sums
            for k in range(0, n_resamples + step, step):
                idx = rng.integers(0, m, (min(step, n_resamples - k), m)) if k < n_resamples else None
                if pending:  # the block before, summed while this one was drawn
                    k0, parts = pending
                    put(k0, np.concatenate([f.result() for f in parts]).astype(np.float64))
                    pending = []
                if idx is not None:
                    rows = np.array_split(np.arange(len(idx)), n_jobs)
                    parts = [pool.submit(resample_sums, idx[r[0] : r[-1] + 1], values) for r in rows if len(r)]
                    pending = [k, parts]
        return out
    for k in range(0, n_resamples, step):
        b = min(step, n_resamples - k)
        idx = rng.integers(0, m, (b, m))
        if exact:
            sums = resample_sums(idx, values).astype(np.float64)
        else:
            draws = sp.csr_matrix((np.ones(b * m), idx.ravel(), np.arange(0, b * m + 1, m)), shape=(b, m))
            sums = draws @ values
        put(k, sums)
    return out


def _permutation_null(
    rng: np.random.Generator,
    counts: np.ndarray,
    tokens: np.ndarray,
    n_target: int,
    n_permutations: int,
    bar: Any = None,
) -> np.ndarray:
    """Differences of ratio rates (first ``n_target`` labels vs the rest) under random relabellings; ``bar``
    (optional) is advanced by the relabellings of each block."""
    n = len(tokens)
    values = np.column_stack([counts, tokens]).astype(np.float64)
    total = values.sum(axis=0)
    base = np.arange(n) < n_target
    null = np.empty(n_permutations, dtype=np.float64)
    step = max(1, _BLOCK // max(n, 1))
    for k in range(0, n_permutations, step):
        b = min(step, n_permutations - k)
        labels = rng.permuted(np.broadcast_to(base, (b, n)), axis=1)
        t = labels.astype(np.float64) @ values
        r = total - t
        with np.errstate(invalid="ignore", divide="ignore"):
            d = t[:, 0] / t[:, 1] * 1000.0 - r[:, 0] / r[:, 1] * 1000.0
        d[(t[:, 1] == 0) | (r[:, 1] == 0)] = np.nan
        null[k : k + b] = d
        if bar is not None:
            bar.update(b)
    return null


def _permutation_p(null: np.ndarray, observed: float, alternative: str) -> tuple[float, int]:
    """(p, m): ``p = (1 + #as extreme) / (1 + m)`` over the ``m`` relabellings with a statistic (not NaN).

    A relabelling that leaves a group without tokens has no statistic: it is
    out of the numerator *and* the denominator, so the p-value is conditional
    on the relabellings in which both groups have tokens. Ties within 1e-9
    relative count as extreme. NaN when ``m`` is 0.
    """
    valid = null[~np.isnan(null)]
    if not len(valid):
        return float("nan"), 0
    tol = 1e-9 * max(abs(observed), 1e-12)
    if alternative == "two-sided":
        extreme = np.abs(valid) >= abs(observed) - tol
    elif alternative == "greater":
        extreme = valid >= observed - tol
    else:
        extreme = valid <= observed + tol
    return float((1 + np.count_nonzero(extreme)) / (1 + len(valid))), len(valid)


def _reference_cell(key: object, *, several: bool) -> object:
    """The ``reference`` column of one row: "rest" (key None), or the reference group's key.

    As :func:`toolkit.compare_groups` writes it: for one ``by`` column the value
    as a str (NA when missing), in a string column; for several a tuple of the
    values (``pd.NA`` when missing), in an object column.
    """
    if not several:
        text = "rest" if key is None else None if _missing(key) else str(key)
        return pd.array([text], dtype="string")
    cell = np.empty(1, dtype=object)
    cell[0] = "rest" if key is None else tuple(pd.NA if _missing(v) else v for v in cast(tuple, key))
    return cell


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, (float, np.floating)) and np.isnan(value))


def _ratio(count: float, tokens: float) -> float:
    return float(count) / float(tokens) * 1000.0
