"""The token-table path: the lexicon matched on token keys, and the rules and the model decided on token arrays."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from itertools import count, pairwise
from typing import Any

import numpy as np
import pandas as pd

from toolkit._kernels import GAP_NONE as _GAP_NONE
from toolkit._kernels import GAP_REGEX as _GAP_REGEX
from toolkit._kernels import GAP_SPACE as _GAP_SPACE
from toolkit._kernels import GAP_TOUCH as _GAP_TOUCH
from toolkit._kernels import IS_SPACE as _IS_SPACE
from toolkit._kernels import LEAD_BITS as _LEAD_BITS
from toolkit._kernels import chunk_cuts as _chunk_cuts
from toolkit._kernels import clause_bounds as _clause_bounds
from toolkit._kernels import copy_runs as _copy_runs
from toolkit._kernels import leftmost_longest as _leftmost_longest
from toolkit._kernels import lexicon_hits as _lexicon_hits
from toolkit._kernels import multi_options as _multi_options
from toolkit._kernels import scan_doc as _scan_doc
from toolkit._kernels import sentence_flags as _sentence_flags_kernel
from toolkit._kernels import side_bounds as _side_bounds
from toolkit._kernels import side_get as _side_get
from toolkit._kernels import token_keys as _token_keys
from toolkit._kernels import warm_up as _warm_up
from toolkit._parallel import release_memory, release_memory_of
from toolkit._patterns import FORMAT_RE as _FORMAT_RE
from toolkit._patterns import is_plain as _plain
from toolkit._rating import AHEAD_MAX
from toolkit._tokens import TOKEN_RE as _TOKEN_RE
from toolkit._tokens import lower_keeping_offsets as _lower
from toolkit.hedging._decision import (
    _NEXT_VOCAB,
    _PREV_VOCAB,
    LEARNED_RULES,
    MODEL_CUES,
    HedgeModel,
    _cue_base,
    _decide,
    _find_in_text,
    _rule_label,
)
from toolkit.hedging._lexicon import (
    _ADVERB_PHRASES,
    _ALWAYS_FORMULA,
    _APOS_UNIT,
    _APPEAR_NOT_BEFORE,
    _ARTICLE_QUANTITY,
    _ARTICLES,
    _ASSERTIVE,
    _BE_FORMS,
    _BLESSED,
    _CALL_ON,
    _CERTAIN_BEFORE,
    _CLAUSE_STARTS,
    _COGNITION_NOT_BEFORE,
    _EXPECTATION_PREDICATES,
    _EXPECTATION_SUBJECTS,
    _EXPECTATION_VERBS,
    _FEEL_BEFORE,
    _FEEL_NOT_CLAUSE,
    _FIRST_PERSON,
    _HAD_AFTER,
    _HYPHEN_UNIT,
    _MODAL_ADVERBS,
    _MONTH_PREPOSITIONS,
    _NEGATION_BRIDGE,
    _NEGATORS,
    _NOUN_DETERMINERS,
    _NUMBER_WORDS,
    _PARTICIPLES,
    _POSSIBLE_AFTER,
    _RATHER_AFTER,
    _REPORTED_WINDOW,
    _SHOULD_HEDGES,
    _SPACE_UNIT,
    _SPEECH_ACTS,
    _SUBJECT_BRIDGE,
    _WINDOW,
    _WISH_VERBS,
    _WOULD_ED,
    MIN_STOP_WORD_SHARE,
    MIN_TOKENS_FOR_LANGUAGE,
    REPORTING_VERBS,
    _Matcher,
    _normal,
)
from toolkit.hedging._rules import _EMPHATIC, _STANCE_WORDS, _is_number, _low
from toolkit.text import STOP_WORDS
from toolkit.tokentable import TokenTable, chunk_starts, code_points, next_chunk_start, text_lengths

# ----------------------------------------------------------------------- the token-table path

_KEY = str.maketrans({"’": "'", "‐": "-"})  # a token's key: apostrophes and hyphens as a pattern reads them
_LANGUAGE_CHARS = 20000  # english_share reads this many characters
_PAIR_TABLE_MAX = 1 << 26  # bytes of _TableLexicon.pair_table at most (else the pairs are searched)
_LOOKAHEAD = 16  # the token pattern decides a token's end by looking at most this far past it
_LOOKBEHIND = 16  # and looks at most this far before a token's start (one character)


def _gap_regex(gap: str) -> re.Pattern | None:
    """What must lie between two tokens of a pattern, as :func:`_units` reads it (None: nothing)."""
    if not gap:
        return None
    units = []
    for piece in re.findall(r"\s+|.", gap):
        units.append(
            _SPACE_UNIT
            if piece.isspace()
            else _APOS_UNIT
            if piece in "'’"
            else _HYPHEN_UNIT
            if piece in "-‐"
            else re.escape(piece)
        )
    return re.compile("".join(units))


def _pattern_keys(pattern: str) -> tuple[list[str], list[re.Pattern | None]] | None:
    """A pattern as token keys and the gaps between them; None if it is not whole tokens (a prefix ``*``)."""
    if "*" in pattern:
        return None
    low = _lower(_FORMAT_RE.sub("", pattern).strip())
    spans = [m.span() for m in _TOKEN_RE.finditer(low)]
    if not spans or spans[0][0] != 0 or spans[-1][1] != len(low):
        return None
    keys = [low[a:b].translate(_KEY) for a, b in spans]
    gaps = [_gap_regex(low[b:a]) for (_, b), (a, _) in pairwise(spans)]
    return keys, gaps


def _key_ids(vocab: list[str]) -> tuple[np.ndarray, Callable[[str], int]]:
    """The key id of each token of ``vocab`` (distinct strings), and a function giving the id of a key (-1 for
    a key no token has). A token's key is the token with its apostrophes and hyphens as a pattern reads them
    (:data:`_KEY`): the tokens that hold neither "’" nor "‐" are their own keys, numbered as in ``vocab``; one
    that holds either takes the number of the token that is its key, or (none is) of the first such token."""
    index = dict(zip(vocab, range(len(vocab)), strict=True))
    key_of = np.arange(len(vocab), dtype=np.int64)
    other: dict[str, int] = {}  # keys that are no token of vocab
    for j in [j for j, v in enumerate(vocab) if "’" in v or "‐" in v]:
        key = vocab[j].translate(_KEY)
        key_of[j] = index[key] if key in index else other.setdefault(key, j)

    def key_id(key: str) -> int:
        if key.translate(_KEY) != key:  # not a key: no token has it
            return -1
        k = index.get(key)  # a token that is its own key
        return k if k is not None else other.get(key, -1)

    return key_of, key_id


class _TableLexicon:
    """The lexicon as sequences of token keys, for the vocabulary of one token table.

    A match is whole tokens (as the character matcher's are): a one-token pattern is a token
    whose key (lower case, one apostrophe and one hyphen) is the pattern's; a longer one is
    a run of tokens with those keys and, between them, exactly what the pattern has between
    its words (any whitespace for a space). Where two patterns start at one token the longest
    wins, and a match covers the tokens it spans: the character matcher's leftmost-longest scan.
    ``ok`` is False when some pattern is not whole tokens (a prefix ``*``): the caller then
    matches characters.
    """

    def __init__(self, matcher: _Matcher, vocab: list[str]) -> None:
        self.key_of, key_id = _key_ids(vocab)
        self.base = len(vocab) + 1
        self.patterns = list(matcher.entries)
        # the pattern the character matcher names for a match (two patterns may read the same)
        self.named = [matcher.literal.get(_normal(p), p) for p in self.patterns]
        self.single = np.full(self.base, -1, dtype=np.int64)
        self.multi: dict[tuple[int, int], list[tuple[list[int], list, int]]] = {}
        self.ok = True
        for pi, pattern in enumerate(self.patterns):
            parsed = _pattern_keys(pattern)
            if parsed is None:
                self.ok = False
                continue
            keys, gaps = parsed
            ids = [key_id(k) for k in keys]
            if min(ids) < 0:
                continue  # a token the corpus does not have: the pattern cannot match
            if len(ids) == 1:
                self.single[ids[0]] = pi
            else:
                self.multi.setdefault((ids[0], ids[1]), []).append((ids, gaps, pi))
        for options in self.multi.values():
            options.sort(key=lambda o: -len(o[0]))
        self.pairs = np.array(sorted(a * self.base + b for a, b in self.multi), dtype=np.int64)
        self.starts_multi = np.zeros(self.base, dtype=bool)
        self.starts_multi[[a for a, _ in self.multi]] = True
        # the pairs again as a table (a row for each first key, a column for each key) where it is small: one
        # read per candidate instead of a binary search in the pairs
        firsts = np.unique(self.pairs // self.base)
        self.first_rank = np.full(self.base, -1, dtype=np.int64)
        self.first_rank[firsts] = np.arange(len(firsts))
        self.pair_table: np.ndarray | None = None
        if len(firsts) * self.base <= _PAIR_TABLE_MAX:
            self.pair_table = np.zeros((len(firsts), self.base), dtype=bool)
            self.pair_table[self.first_rank[self.pairs // self.base], self.pairs % self.base] = True
        # what the compiled pass reads: the table, or one of no rows (the pairs are then searched)
        self._pair_rows = self.pair_table if self.pair_table is not None else np.zeros((0, 0), dtype=bool)
        # the options as arrays, grouped by their first two keys in the order of pairs, longest first
        options = [o for pair in self.pairs.tolist() for o in self.multi[divmod(pair, self.base)]]
        self.group_size = np.array(
            [len(self.multi[divmod(pair, self.base)]) for pair in self.pairs.tolist()], dtype=np.int64
        )
        self.group_start = np.cumsum(self.group_size) - self.group_size
        self.longest = max((len(o[0]) for o in options), default=2)
        self.opt_keys = np.full((len(options), self.longest), -1, dtype=np.int64)
        for row, (ids, _, _) in enumerate(options):
            self.opt_keys[row, : len(ids)] = ids
        self.opt_len = np.array([len(o[0]) for o in options], dtype=np.int64)
        self.opt_gaps = [o[1] for o in options]
        self.opt_pattern = np.array([o[2] for o in options], dtype=np.int64)
        # what each option has between its tokens k and k + 1 (:data:`_GAP_NONE` past its last token)
        self.opt_gap_kind = np.full((len(options), max(self.longest - 1, 1)), _GAP_NONE, dtype=np.int8)
        for row, gaps in enumerate(self.opt_gaps):
            for k, g in enumerate(gaps):
                self.opt_gap_kind[row, k] = (
                    _GAP_TOUCH if g is None else _GAP_SPACE if g.pattern == _SPACE_UNIT else _GAP_REGEX
                )

    def spans(
        self,
        between: Callable[[int, int, int], str],
        keys: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        chunks: tuple[np.ndarray, np.ndarray] | None = None,
        candidates: bool = False,
    ) -> tuple:
        """(first token, token after the last, pattern index) of each match, in text order (arrays); with
        ``candidates``, a fourth item: (first token, token after the last) of every multi-word candidate the
        leftmost-longest scan chose from (those whose tokens and gaps hold).

        ``between(t, a, b)``: the text from offset ``a`` to ``b`` of the document of token ``t``. ``chunks``:
        the starts and the ends of the texts' whitespace chunks (sorted, in the offsets of ``starts``), when
        the caller has them. A gap of whitespace between two tokens is then read from them (whitespace lies
        from a chunk's end to the next chunk's start, and nowhere else) instead of from the text."""
        # the tokens that are a one-token pattern, and the pairs of keys that start a multi-word entry (looked up
        # only where the first key starts one), in one compiled pass
        s_at, s_p, cand = _lexicon_hits(
            keys, self.single, self.starts_multi, self.first_rank, self._pair_rows, self.pairs, self.base
        )
        none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        if not len(self.pairs) or len(keys) < 2:
            return (s_at, s_at + 1, s_p) + ((none,) if candidates else ())
        # every (candidate, option of its first two keys), the longer options first, whose further keys follow,
        # and whether the gaps that offsets decide hold: one compiled pass (the tests compare the matches with the
        # character matcher's)
        cb, ce = chunks if chunks is not None else (none[0], none[0])
        at, opt, ok, by_text = _multi_options(
            keys,
            cand,
            self.pairs,
            self.base,
            self.group_start,
            self.group_size,
            self.opt_keys,
            self.opt_gap_kind,
            starts,
            ends,
            cb,
            ce,
        )
        # the gaps read from the text (rare), for every candidate whose other gaps hold: then the
        # leftmost-longest scan of the candidates, in one compiled pass
        for q in np.flatnonzero(ok & by_text).tolist():
            i, gaps = int(at[q]), self.opt_gaps[int(opt[q])]
            ok[q] = all(
                g.fullmatch(_lower(between(i, ends[i + k], starts[i + k + 1]))) is not None
                for k, g in enumerate(gaps)
                if g is not None
            )
        kept = _leftmost_longest(at, self.opt_len[opt], ok)
        extra = ((at[ok], at[ok] + self.opt_len[opt[ok]]),) if candidates else ()
        if not len(kept):
            return (s_at, s_at + 1, s_p) + extra
        m_at = at[kept]
        m_end = m_at + self.opt_len[opt[kept]]
        multi_p = self.opt_pattern[opt[kept]]
        # the one-token matches outside the multi-word ones kept (those are sorted and do not overlap)
        last = np.searchsorted(m_at, s_at, side="right") - 1
        outside = (last < 0) | (s_at >= m_end[np.maximum(last, 0)])
        s_at, s_p = s_at[outside], s_p[outside]
        order_at = np.concatenate([s_at, m_at])
        order = np.argsort(order_at, kind="stable")
        return (
            order_at[order],
            np.concatenate([s_at + 1, m_end])[order],
            np.concatenate([s_p, multi_p])[order],
        ) + extra


class _TableWork:
    """What every worker of the table path reads: the table, the lexicon both ways, the options."""

    def __init__(
        self,
        table: TokenTable,
        matcher: _Matcher,
        rules: bool,
        model: HedgeModel | None,
        non_english: str,
        n_jobs: int = 1,
        fields: tuple[str, ...] | None = None,
        units: np.ndarray | None = None,
        points: tuple[np.ndarray, int] | None = None,
    ) -> None:
        self.table, self.matcher, self.rules, self.model, self.non_english = table, matcher, rules, model, non_english
        # the arrays of the matches that a batch gives (_find_in_table; default: all of _FIELDS)
        self.fields: tuple[str, ...] = _FIELDS if fields is None else fields
        self.lengths = text_lengths(table.texts)
        # units given: those of a share (_share_find), whose table holds part of its text's chunks; a document
        # that must then be read whole (on its characters, or past a piece's margins) is handed back (_NoCut)
        self.partial = units is not None
        self.points = points  # with units: the code points of the text the table holds, and their offset in it
        if units is None:
            self.units, self._plain_docs = _unit_ranges(table, _work_units(self.lengths, n_jobs), self.lengths)
        else:
            self.units, self._plain_docs = units, {}
        self.lex = _TableLexicon(matcher, table.vocab)
        self.is_stop = (
            np.fromiter((t in STOP_WORDS for t in table.terms), dtype=bool, count=len(table.terms))[table.term_of]
            if len(table.vocab)
            else np.zeros(0, bool)
        )
        entries = [matcher.entries[p] for p in self.lex.named]
        self.index = {p: i for i, p in enumerate(self.lex.patterns)}
        # a pattern decided without reading its context: no entry has a rule or goes to the model
        self.direct = np.array(
            [
                not rules
                or all(not r and not (model is not None and c == "hedge" and k == "epistemic") for c, r, k in es)
                for es in entries
            ],
            dtype=bool,
        )
        self.n_entries = np.array([len(es) for es in entries], dtype=np.int64)
        self.entries = entries
        # the entries of every pattern as ids into entry_list, and the model's cue of each pattern
        self.entry_list = sorted({e for es in entries for e in es})
        number = {e: i for i, e in enumerate(self.entry_list)}
        self.entry_id = np.array([number[e] for es in entries for e in es], dtype=np.int64)
        self.entry_ptr = np.concatenate([[0], np.cumsum(self.n_entries)[:-1]]).astype(np.int64)
        bases = [_cue_base(p) for p in self.lex.named]
        self.cues = sorted({b if b in MODEL_CUES else "other" for b in bases} | {"other"})
        self.cue_of = np.array([self.cues.index(b if b in MODEL_CUES else "other") for b in bases], dtype=np.int64)
        self.negated_cue = np.array([b != p for b, p in zip(bases, self.lex.named)], dtype=bool)
        # the model's weights as a key of _weight_tables, made once (the model does not change during the work);
        # only a HedgeModel itself is read on arrays (another model, with or without weights, is asked by _decide)
        self.weight_key = tuple(sorted(model.weights.items())) if type(model) is HedgeModel else ()
        self.low = _LowVocab(v.replace("’", "'") for v in table.vocab).prepare() if rules else None
        self.pattern_flags = _pattern_flags(self.lex.patterns) if rules else {}
        # tokens with a combining mark or a format character: a document with one is matched on its characters
        # (elsewhere in a text they are in no token, as a byte-order mark before the first word: no matter)
        self.odd = np.fromiter((not _plain(v) for v in table.vocab), dtype=bool, count=len(table.vocab))

    def scan(self, i: int, text: str, base: int, into: _ScanBuffers | None = None, span: tuple | None = None) -> tuple:
        """:func:`toolkit._kernels.scan_doc` of document ``i`` (its ``text``), offsets moved by ``base``; the
        marks only when the rules read them. Written into ``into`` (a stream's arrays: kept when the stream
        adds the document, written over by the next scan otherwise), or arrays of its own. ``span``: ``(a, b,
        c_a, c_b)``, only ``text[a:b]`` (``a`` and ``b`` chunk starts or the text's ends, as
        :func:`_unit_ranges` gives them: its chunks ``c_a`` to ``c_b``), the offsets still the document's.

        Returns ``(ids, starts, ends, chunk_start, chunk_end, at, cls, ev_start, ev_end, blank_start,
        blank_end, lead, stats)``: the text's entries of each array (views), and scan_doc's ``stats``."""
        table = self.table
        chunks = table.doc_chunks(i)
        into = _ScanBuffers() if into is None else into
        if span is None or (span[0] == 0 and span[1] == len(text)):
            n_tokens = int(table.totals[i]) if len(chunks) else 0
            points = code_points(text)
        else:
            a, b, c_a, c_b = span
            # a view of the code points the table keeps (it cut the text too), or of a share's, else the piece's
            # own run encoded: its slice of the text encoded again was as many pages more to fault in
            if self.points is not None:
                points = self.points[0][a - self.points[1] : b - self.points[1]]
            else:
                points = table.code_points(i)[a:b] if table.keeps_code_points(i) else code_points(text[a:b])
            chunks, base = chunks[c_a:c_b], base + a
            n_tokens = int((table.ctok_ptr[chunks.astype(np.int64) + 1] - table.ctok_ptr[chunks]).sum())
        into.reserve(n_tokens, len(points), self.rules)
        stats, filled = _scan_doc(
            points,
            chunks,
            table.ctok_ptr,
            table.ctok_ids,
            table.ctok_start,
            table.ctok_end,
            _IS_SPACE,
            _MARK_CLASS,
            self.is_stop,
            self.odd,
            _nfc_plain_table(),
            base,
            _LANGUAGE_CHARS - _LOOKAHEAD,
            self.rules,
            into.out,
            into.fill,
        )
        if len(chunks) and stats[0] != len(chunks):  # the text is not the one the table was made from
            raise table.changed(i)
        return into.written(filled, stats)

    def odd_doc(self, i: int) -> bool:
        """Whether a token of document ``i`` is odd (:attr:`odd`), from the table's chunks: what the scan of the
        whole text reports (its ``stats[4]``), for a piece that scans only part of it (asked once per document
        in a process: its other pieces read the answer kept)."""
        known = self.__dict__.setdefault("_odd_docs", {})
        if i not in known:
            if not hasattr(self, "_odd_chunk"):
                table = self.table
                odd = np.concatenate([[0], np.cumsum(self.odd[table.ctok_ids])]) if len(self.odd) else np.zeros(1)
                self._odd_chunk = odd[table.ctok_ptr[1:]] > odd[table.ctok_ptr[:-1]]
            chunks = self.table.doc_chunks(i)
            known[i] = bool(len(chunks) and self._odd_chunk[chunks].any())
        return known[i]

    def plain_doc(self, i: int, text: str) -> bool:
        """:func:`_plain_text` of document ``i`` (its ``text``), for the pieces of a long document, each of which
        reads the whole text's answer: found by :func:`_unit_ranges` before the workers start (and handed on,
        renumbered, by :func:`_take_work`), or set by :func:`_share_find` for a share sure of it; read here
        otherwise."""
        if i not in self._plain_docs:
            self._plain_docs[i] = _plain_text(text)
        return self._plain_docs[i]

    @staticmethod
    def english(text: str, scanned: tuple, base: int) -> tuple[int, int]:
        """(tokens, stop words) among the tokens of ``text[:20000]``, as :func:`english_share` counts them, from
        the :meth:`scan` of ``text`` (offsets moved by ``base``)."""
        ids, ends, stats = scanned[0], scanned[2], scanned[-1]
        if len(text) <= _LANGUAGE_CHARS and int(ends[-1]) - base == len(text):  # the whole text was scanned
            return len(ids) - 1, int(stats[3])  # the last id is the separator
        k = int(stats[1])
        # the tokens after the last one that ends in the window: read from a slice that starts far enough
        # before it for the token pattern's look-behind (the lower case of a slice is the slice of the lower case)
        at = int(ends[k - 1]) - base if k else 0
        start = max(at - _LOOKBEHIND, 0)
        rest = _TOKEN_RE.findall(_lower(text[start:_LANGUAGE_CHARS]), at - start)
        return k + len(rest), int(stats[2]) + sum(t in STOP_WORDS for t in rest)


def _take_work(work: _TableWork, batch: range) -> _TableWork:
    """What a worker that does not fork needs for the units ``batch``: the work on their documents alone."""
    first, last = int(work.units[batch.start][0]), int(work.units[batch.stop - 1][0])
    part = object.__new__(_TableWork)
    part.__dict__.update(work.__dict__)
    part.__dict__.pop("_odd_docs", None)  # answers by document index: the part numbers its own from 0
    part._plain_docs = {i - first: v for i, v in work._plain_docs.items() if first <= i <= last}
    part.table = work.table.take(range(first, last + 1))
    part.units = work.units[batch.start : batch.stop].copy()
    part.units[:, 0] -= first
    return part


#: A document longer than this (in characters), and than its share of the work, is cut into pieces.
_PIECE_MIN = 1_000_000

#: A document longer than this (in characters) is cut into pieces no longer than this, with any ``n_jobs``: a
#: piece is matched in a stream of its own, and a stream of one long text is slow to match and decide (the
#: first 50 MB of the UNGDC's speeches as one text: one stream of 8.2 million tokens took 1.6 s; nine of
#: 0.9 million, 0.9 s in all).
_PIECE_MAX = 6_000_000

#: Characters after a match's end that its sentence's end is looked for in (:meth:`_Context.sentence_end`).
_SENTENCE_END_READ = 400

#: Characters a piece of a long document reads past its own run on either side (:func:`_unit_ranges`):
#: more than any context of a match reaches (``_WINDOW`` before and after it, :data:`_SENTENCE_END_READ`
#: after it, 8 before it for its start). A match that starts in the run can end far past it (the words of a
#: multi-word entry may be apart by any whitespace): :func:`_check_cuts` checks its reach.
_PIECE_MARGIN = 1_000
assert max(_WINDOW, _SENTENCE_END_READ, 8) < _PIECE_MARGIN


def _work_units(lengths: np.ndarray, n_jobs: int) -> np.ndarray:
    """(document, piece, pieces) of each unit of work: a document, or one of the pieces of a document so long
    that it would keep one worker busy alone (its text cut into runs, matched and decided by several workers),
    or longer than :data:`_PIECE_MAX`.

    Such a document has one piece per worker, and more where a piece would be longer than :data:`_PIECE_MAX`;
    :func:`_unit_ranges` gives each piece its run of the text and the margins it scans around it."""
    pieces = np.ones(len(lengths), dtype=np.int64)
    if n_jobs > 1 and len(lengths):
        pieces[lengths > max(lengths.sum() / (n_jobs * 4), _PIECE_MIN)] = n_jobs
    pieces = np.maximum(pieces, -(-np.asarray(lengths, dtype=np.int64) // _PIECE_MAX))
    doc = np.repeat(np.arange(len(lengths)), pieces)
    piece = np.arange(len(doc)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    return np.column_stack([doc, piece, pieces[doc]]).astype(np.int64) if len(doc) else np.zeros((0, 3), np.int64)


def _unit_ranges(table: TokenTable, units: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, dict[int, bool]]:
    """The :func:`_work_units` with what each one scans and keeps: ``(doc, piece, pieces, a, b, c_a, c_b,
    own_a, own_b)``. A unit scans ``text[a:b]`` (its chunks ``c_a`` to ``c_b``) and keeps the matches that
    start in ``[own_a, own_b)``; a whole document scans and keeps all of it. Also :func:`_plain_text` of each
    document cut into pieces (by its row), read in the same pass.

    The pieces of a long document own runs that begin at chunk starts near equal shares of its characters
    (no chunk, so no match, is cut) and scan :data:`_PIECE_MARGIN` characters more on each side, to the chunk
    starts beyond (every context of a kept match that ends in the run lies inside). Whether a margin also
    holds the lexicon's leftmost-longest scan, and what a match that ends past the run reads, is checked
    when the piece is matched (:func:`_check_cuts`, :func:`_stream_rows`). A text's code points are the table's
    where it keeps them (:meth:`toolkit.TokenTable.code_points`), else made here and let go."""
    n_chunks = np.diff(table.chunk_ptr).astype(np.int64)
    doc = units[:, 0]
    out = np.zeros((len(units), 9), dtype=np.int64)
    out[:, :3] = units
    out[:, 4] = out[:, 8] = lengths[doc] if len(units) else 0
    out[:, 6] = n_chunks[doc] if len(units) else 0
    plain: dict[int, bool] = {}
    for i in np.unique(doc[units[:, 2] > 1]).tolist():
        rows = np.flatnonzero(doc == i)
        n = int(lengths[i])
        points = table.code_points(i)
        out[rows, 3:], met, unsure = _piece_ranges(points, 0, (0, n), len(rows))
        if met != n_chunks[i]:  # the text is not the one the table was made from
            raise table.changed(i)
        # whether the text is plain, for every piece of it: every code point one a text is sure to be plain
        # with, else read again (here, once, before the workers start: each one read the whole text itself);
        # read for every cut text, also one that is then matched on its characters or skipped as not English
        plain[i] = not unsure or _plain_text(table.texts[i])
    return out, plain


def _piece_ranges(points: np.ndarray, offset: int, own: tuple[int, int], pieces: int) -> tuple[np.ndarray, int, bool]:
    """``(a, b, c_a, c_b, own_a, own_b)`` of each of the ``pieces`` pieces of a text whose run ``own`` (offsets
    into the text) they share out; the chunks of ``points``; whether a code point of ``points`` is not one a
    text is sure to be plain with (:func:`toolkit._kernels.chunk_cuts`' ``unsure``). ``points``: the code
    points of the text from ``offset`` on (the whole text, or the part of it that :func:`_share_find`
    tokenized, which begins at a chunk start and holds ``own`` with a margin on either side).

    Each piece owns a run that begins at a chunk start near an equal share of ``own`` (no chunk, so no match,
    is cut) and scans :data:`_PIECE_MARGIN` characters more on each side, to the chunk starts beyond (or the
    ends of ``points``); ``c_a``, ``c_b``: the chunks it scans, counted from ``points``' first."""
    n = len(points)
    lo, hi = own[0] - offset, own[1] - offset
    cuts = (next_chunk_start(points, lo + (hi - lo) * j // pieces, hi) for j in range(1, pieces))
    bounds = np.array([hi if c is None else c for c in cuts], dtype=np.int64)  # no chunk start left: the end
    starts, stops = np.concatenate([[lo], bounds]), np.concatenate([bounds, [hi]])
    # every place and chunk index in one pass: the bounds, the margins before the starts and after the stops
    targets = np.concatenate([[n], bounds, np.maximum(starts - _PIECE_MARGIN, 0), np.minimum(stops + _PIECE_MARGIN, n)])
    order = np.argsort(targets, kind="stable")
    back = np.argsort(order)
    *cuts_found, unsure = _chunk_cuts(points, _IS_SPACE, targets[order], _nfc_plain_table())
    prev_at, prev_idx, next_at, next_idx = (a[back] for a in cuts_found)
    m = pieces - 1
    left = slice(1 + m, 1 + m + pieces)
    right = slice(1 + m + pieces, 1 + m + 2 * pieces)
    assert (next_at[1 : 1 + m] == bounds).all()  # each run's bound is a chunk start
    out = np.column_stack([prev_at[left], next_at[right], prev_idx[left], next_idx[right], starts, stops])
    out[:, [0, 1, 4, 5]] += offset
    return out, int(next_idx[0]), bool(unsure)


#: The arrays of the matches that :func:`_stance_batch` and :func:`_find_in_table` give (doc: the table's row;
#: code: the outcome's index; pattern: the pattern's index), and those of them stored as int32.
_FIELDS = ("doc", "start", "end", "code", "pattern")
_INT32_FIELDS = frozenset({"doc", "code", "pattern"})

#: The arrays of the rows that :func:`_stream_rows` gives: :data:`_FIELDS`, then the tokens of its document's
#: run (its own run, for a piece) that start at or before each match, asked for by :func:`_share_find` alone
#: (with it, :func:`_stance_batch` counts on from the runs of the document's units before, and gives the tokens
#: of each document's runs).
_ROW_FIELDS = (*_FIELDS, "ordinal")

#: Tokens of one stream of documents (:class:`_Stream`): bounds the arrays of their matches' contexts. On the
#: UNGDC (stance_rates by country, n_jobs=2), a worker's peak RSS was 979-994 MiB with 1,000,000, 875-897 with
#: 500,000, 842-850 with 250,000; two sets of five alternating runs in one process took 2.88 and 2.82 s
#: (medians) with 1,000,000, 2.95 and 2.71 with 500,000, 3.04 and 3.03 with 250,000 (each stream has a fixed
#: cost in the rules' Python calls). Once this process shared the work with one worker (n_jobs=2), the
#: pipeline's processes together (summed PSS) peaked at 1,063-1,077 MiB with 500,000, 971-993 with 250,000,
#: 946-962 with 100,000; four alternating runs of stance_rates took 2.54 s (median) with 500,000, 2.70 with
#: 250,000, 3.17 with 100,000. 250,000: about 80 MiB less for 0.15 s more.
_STREAM_TOKENS = 250_000

#: Tokens of stance work between two trims of the heap (:func:`toolkit._parallel.release_memory`) in a batch.
#: Each stream's arrays are freed in holes of the heap that other streams then only partly reuse: on the UNGDC's
#: pipeline (n_jobs=2), a process's pages of its own reached 100 to 140 MiB while memray counted at most 46 MB alive
#: in a batch, and the processes together peaked at 957 to 993 MiB. With a trim every 1,000,000 tokens (every
#: fourth stream) they peaked at 923 to 927 MiB; a trim after every stream gave 903 to 925 MiB but cost 0.6 s of
#: stance_rates' 2.6 (pages faulted in again), every fourth 0.1 s.
_TRIM_TOKENS = 1_000_000


def _stance_batch(work: _TableWork, batch: range) -> dict:
    """The stance markers of the work units ``batch`` (:func:`_unit_ranges`), as arrays; the documents judged
    not English.

    Document indices in the result count from the batch's first document (the caller adds it), so a worker
    given its own part of the table (:func:`_take_work`) answers in the same terms. A piece of a long
    document scans its own run of the text and a margin on each side, and keeps the matches that start in its
    run, in a stream of its own; when the margins do not settle the lexicon's scan (:func:`_check_cuts`), it
    scans the whole document instead. The first piece judges the language (the caller drops the other
    pieces' matches of a document judged not English). The documents are matched and decided a stream at a
    time (:class:`_Stream`, :func:`_stream_rows`); one with a token the token path cannot read is matched on
    its characters (:func:`_find_in_text`), by its first piece."""
    table, matcher, lex = work.table, work.matcher, work.lex
    outcome: dict[tuple[str, str, str], int] = {}
    rows: list[tuple] = []  # (doc, start, end, code, pattern, ordinal) arrays
    foreign = []
    run_tokens: dict[int, int] = {}  # with ordinals: the tokens of each document's runs so far (_stream_rows)
    base_doc = int(work.units[batch.start][0]) if len(batch) else 0
    stream = _Stream()
    since_trim = 0  # tokens of the streams done since the heap was last trimmed (_TRIM_TOKENS)
    for u in batch:
        i, piece, pieces, a, b, c_a, c_b, own_a, own_b = (int(v) for v in work.units[u])
        text = table.texts[i]
        cut = a > 0 or b < len(text)
        if cut and stream.docs:  # a piece is matched in a stream of its own
            rows.append(_stream_rows(work, stream.done(), outcome, base_doc, run_tokens))
            stream = _Stream(stream.scanned)
        base = stream.next_base
        # the tokens and (for the rules) the chunks and marks, in one pass, as the stream's offsets
        scanned = work.scan(i, text, base, stream.scanned, (a, b, c_a, c_b))
        if work.non_english != "keep" and piece == 0:
            n, stops = work.english(text, scanned, base)
            if n >= MIN_TOKENS_FOR_LANGUAGE and stops / n < MIN_STOP_WORD_SHARE:
                foreign.append((i - base_doc, n, stops / n))
                if "ordinal" in work.fields:  # its tokens counted all the same, as a table counts them
                    run = _tokens_in(scanned[1], base + own_a, base + own_b)
                    run_tokens[i - base_doc] = run_tokens.get(i - base_doc, 0) + run
                continue
        odd = scanned[-1][4] if pieces == 1 else work.odd_doc(i)
        if (not lex.ok or odd) and work.partial:  # read whole by the caller
            raise _NoCut(i)
        if not lex.ok or odd:  # a token the token path cannot read: matched on the characters
            found = _find_in_text(text, matcher, work.rules, work.model) if piece == 0 else []
            if found:
                rows.append(
                    (
                        np.full(len(found), i - base_doc, dtype=np.int32),
                        np.fromiter((r[0] for r in found), np.int64, len(found)),
                        np.fromiter((r[1] for r in found), np.int64, len(found)),
                        np.fromiter((outcome.setdefault(r[3:6], len(outcome)) for r in found), np.int32, len(found)),
                        np.fromiter((work.index[r[6]] for r in found), np.int32, len(found)),
                        np.full(len(found), -1, dtype=np.int64),  # no token path: no ordinals (not asked for)
                    )
                )
            continue
        stream.add(i, text, scanned, (a, b, own_a, own_b), plain=work.plain_doc(i, text) if cut else None)
        del scanned
        if cut:
            try:
                rows.append(_stream_rows(work, stream.done(), outcome, base_doc, run_tokens))
            except _NoCut:  # the margins do not settle the piece's matches (:func:`_check_cuts`): the whole text
                if work.partial:  # read whole by the caller
                    raise
                stream = _Stream(stream.scanned)
                whole = (0, len(text), 0, len(table.doc_chunks(i)))
                scanned = work.scan(i, text, stream.next_base, stream.scanned, whole)
                stream.add(i, text, scanned, (0, len(text), own_a, own_b), plain=work.plain_doc(i, text))
                del scanned
                rows.append(_stream_rows(work, stream.done(), outcome, base_doc, run_tokens))
            stream = _Stream(stream.scanned)
        elif stream.n_tokens >= _STREAM_TOKENS:
            # no view of the stream's arrays is kept
            rows.append(_stream_rows(work, stream.done(), outcome, base_doc, run_tokens))
            since_trim += stream.n_tokens
            stream = _Stream(stream.scanned)  # the next stream writes over them
            if since_trim >= _TRIM_TOKENS:
                release_memory()
                since_trim = 0
    if stream.docs:
        rows.append(_stream_rows(work, stream.done(), outcome, base_doc, run_tokens))
    # documents, outcome codes and patterns as int32 (half the bytes to send back and to hold), offsets int64;
    # one column at a time, its parts let go as it is made (the batch's matches are held once, not twice)
    parts = [list(c) for c in zip(*(r for r in rows if len(r[0])), strict=True)]
    del rows
    out: dict[str, Any] = {}
    if parts:
        doc = np.concatenate(parts[0])
        # documents in order (each one's matches already are): a document matched on its characters comes
        # before the stream it was met in is done
        order = None if (np.diff(doc) >= 0).all() else np.argsort(doc, kind="stable")
        for f, name in enumerate(_ROW_FIELDS):  # the order of the rows' tuples
            if name not in work.fields:  # not asked for: neither joined nor sent back
                parts[f] = []
                continue
            col = np.concatenate(parts[f]) if f else doc
            parts[f] = []
            col = col if order is None else col[order]
            out[name] = col.astype(np.int32, copy=False) if name in _INT32_FIELDS else col
            del col
        del doc
    else:
        out = {name: np.zeros(0, np.int32 if name in _INT32_FIELDS else np.int64) for name in work.fields}
    out["outcomes"] = list(outcome)
    out["foreign"] = foreign
    if "ordinal" in work.fields:
        out["tokens"] = run_tokens
    del parts, stream
    if not (work.units[batch.start : batch.stop, 2] > 1).all():
        # the streams' arrays let go: a worker's next batch starts from what it holds (kept after a batch of
        # pieces of a long text: the next one, another piece, would fault the same pages in again)
        release_memory()
    return out


def _stream_rows(
    work: _TableWork, stream: _Stream, outcome: dict, base: int, run_tokens: dict[int, int] | None = None
) -> tuple:
    """(doc, start, end, outcome code, pattern, ordinal) of the stance markers of one stream's documents, in order.

    With "ordinal" in the work's fields: the tokens of the document's runs that start at or before each match,
    counted on from ``run_tokens`` (by document, as rows count them: the tokens of its runs before, in the
    streams done), which gets the tokens of each document's own run in this stream."""
    lex, matcher = work.lex, work.matcher
    keys = _token_keys(stream.ids, lex.key_of, lex.base - 1)
    marks = stream.marks
    chunks = (marks.chunk_start, marks.chunk_end) if work.rules else None  # scanned with the marks the rules read
    cut = np.array(stream.cut, dtype=bool).reshape(-1, 2)
    if cut.any():  # part of a long document scanned: the matches of its run, where its margins settle them
        at, stop, pis, cand = lex.spans(stream.between, keys, stream.starts, stream.ends, chunks, candidates=True)
        longest = lex.longest if len(lex.pairs) else 1
        for kk in np.flatnonzero(cut.any(axis=1)).tolist():
            _check_cuts(stream, kk, cand, longest)
    else:
        at, stop, pis = lex.spans(stream.between, keys, stream.starts, stream.ends, chunks)
    if any(stream.piece):  # a piece of a long document keeps the matches that start in its own run
        own = np.array(stream.own, dtype=np.int64)
        k = stream.tok_doc[at]
        keep = (stream.starts[at] >= own[k, 0]) & (stream.starts[at] < own[k, 1])
        at, stop, pis = at[keep], stop[keep], pis[keep]
    if cut[:, 1].any():  # what a kept match's context reads after its end lies inside the part scanned
        # (a multi-word match that starts in the run can end far past it: its words apart by any whitespace)
        k = stream.tok_doc[at]
        scanned_to = stream.ends[np.searchsorted(stream.tok_doc, np.arange(len(stream.docs)), side="right") - 1]
        far = stream.ends[stop - 1] + max(_WINDOW, _SENTENCE_END_READ) > scanned_to[k]
        if (far & cut[k, 1]).any():
            raise _NoCut(int(k[far & cut[k, 1]][0]))
    k = stream.tok_doc[at]
    s_arr, e_arr = stream.starts[at], stream.ends[stop - 1]
    direct = work.direct[pis]
    # every entry of the directly decided matches
    d = np.flatnonzero(direct)
    reps = work.n_entries[pis[d]]
    m_parts = [np.repeat(d, reps)]
    slot_parts = [np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)]
    entry_code = np.array(
        [
            outcome.setdefault((c, kd, "lexicon" if not work.rules or not r else r), len(outcome))
            for c, r, kd in work.entry_list
        ]
        or [0],
        dtype=np.int64,
    )
    code_parts = [entry_code[work.entry_id[work.entry_ptr[pis[d]].repeat(reps) + slot_parts[0]]]]
    # the others: on arrays where the document's tokens allow (simple), else (and in rare branches) by _decide
    undecided = np.flatnonzero(~direct)
    simple = np.array(stream.simple, dtype=bool)[k[undecided]] if len(undecided) else np.zeros(0, dtype=bool)
    by_hand = undecided[~simple]
    if simple.any():
        j = undecided[simple]
        m, slot, code, again = _decide_on_arrays(
            work, stream, j, k[j], s_arr[j], e_arr[j], pis[j], stream.lead[at[j]], outcome
        )
        m_parts.append(j[m])
        slot_parts.append(slot)
        code_parts.append(code)
        by_hand = np.sort(np.concatenate([by_hand, j[again]]))
    py_idx, py_slot, py_codes = [], [], []
    for jj in by_hand.tolist():
        kk = int(k[jj])
        b = int(stream.base[kk])
        s, e, pi = int(s_arr[jj]) - b, int(e_arr[jj]) - b, int(pis[jj])
        text = stream.doc_text(kk)
        pattern = lex.named[pi]
        for slot_j, row in enumerate(
            _decide(text, s, e, text[s:e], pattern, matcher.entries[pattern], work.rules, work.model)
        ):
            py_idx.append(jj)
            py_slot.append(slot_j)
            py_codes.append(outcome.setdefault(row, len(outcome)))
    m_parts.append(np.asarray(py_idx, dtype=np.int64))
    slot_parts.append(np.asarray(py_slot, dtype=np.int64))
    code_parts.append(np.asarray(py_codes, dtype=np.int64))
    m_all = np.concatenate(m_parts).astype(np.int64)
    order = np.lexsort((np.concatenate(slot_parts), m_all))
    m_all = m_all[order]
    kd = k[m_all]
    if "ordinal" in work.fields and run_tokens is not None:
        # each document's own run: its first token, and the tokens of its runs before (in order of the units)
        own_first = np.searchsorted(stream.starts, np.array(stream.own, dtype=np.int64).reshape(-1, 2)[:, 0])
        before = np.zeros(len(stream.docs), dtype=np.int64)
        for kk, i in enumerate(stream.doc - base):
            before[kk] = run_tokens.get(int(i), 0)
            run_tokens[int(i)] = int(before[kk]) + stream.own_tokens(kk)
        ordinal = at[m_all] - own_first[kd] + 1 + before[kd]
    else:
        ordinal = np.zeros(0, dtype=np.int64)  # not asked for: neither joined nor sent back
    return (  # documents, outcome codes and patterns as int32 (_INT32_FIELDS) already: the batch holds them all
        (stream.doc[kd] - base).astype(np.int32),
        s_arr[m_all] - stream.base[kd],
        e_arr[m_all] - stream.base[kd],
        np.concatenate(code_parts)[order].astype(np.int32),
        pis[m_all].astype(np.int32),
        ordinal,
    )


class _NoCut(Exception):
    """A piece's margins do not settle its matches: the lexicon's leftmost-longest scan of its run
    (:func:`_check_cuts`), or what a kept match's context reads after it (:func:`_stream_rows`)."""


def _check_cuts(stream: _Stream, k: int, cand: tuple[np.ndarray, np.ndarray], longest: int) -> None:
    """Raise :class:`_NoCut` unless the matches that start in the own run of the stream's document ``k`` (a
    piece: part of a document scanned) are those of the whole document.

    The scan keeps candidates (``cand``: first token, token after the last; at most ``longest`` tokens) left
    to right, each that starts past the last one kept. Those that start in the piece before its right margin's
    last ``longest - 1`` tokens are the whole document's (they read only tokens of the piece); a token before
    which no candidate of the piece runs, and ``longest - 1`` tokens or more past the piece's first, is one
    before which none of the document's runs either, so the scan from there keeps the same ones. The run is
    settled when its left margin holds such a token (or begins the document) and its right margin has
    ``longest - 1`` tokens (or ends it). (What a kept match's context reads after its end is checked apart,
    once the matches are kept: :func:`_stream_rows`.)"""
    t0 = int(np.searchsorted(stream.tok_doc, k))
    t1 = int(np.searchsorted(stream.tok_doc, k, side="right")) - 1  # the separator after the piece
    starts = stream.starts[t0:t1]
    own_a, own_b = stream.own[k]
    cut_left, cut_right = stream.cut[k]
    if cut_right and t1 - (t0 + int(np.searchsorted(starts, own_b))) < longest - 1:
        raise _NoCut(k)
    if cut_left:
        first = t0 + int(np.searchsorted(starts, own_a))  # the run's first token
        lo = t0 + longest - 1
        if lo > first:
            raise _NoCut(k)
        c_at, c_end = cand
        sel = (c_at < first) & (c_end > lo) & (c_end - c_at > 1)  # those that run across a token of [lo, first]
        inside = np.zeros(first - lo + 2, dtype=np.int64)
        np.add.at(inside, np.maximum(c_at[sel] + 1 - lo, 0), 1)
        np.add.at(inside, np.minimum(c_end[sel] - lo, first - lo + 1), -1)
        if (np.cumsum(inside)[: first - lo + 1] > 0).all():
            raise _NoCut(k)


def _find_in_table(
    table: TokenTable,
    matcher: _Matcher,
    rules: bool,
    non_english: str,
    skipped: list[dict],
    model: HedgeModel | None,
    n_jobs: int,
    fields: tuple[str, ...] = _FIELDS,
) -> dict:
    """The stance markers of every document of ``table`` as arrays (doc row, start, end, category, kind, rule,
    pattern), documents judged not English skipped (listed in ``skipped``) or raised.

    ``fields``: the arrays of :data:`_FIELDS` to give ("doc" and "code" always among them); a caller that counts
    the matches needs no ``end`` or ``pattern``, which the workers then do not send back nor this process hold
    (on the UNGDC, 12 bytes for each of 1.5 million matches)."""
    from toolkit._parallel import batches, map_batches

    fields = tuple(f for f in _FIELDS if f in {*fields, "doc", "code"})
    work = _TableWork(table, matcher, rules, model, non_english, n_jobs, fields)
    # tapered: the workers take the batches in order and finish close together (equal batches of text took
    # 0.8 to 1.6 s each on the UNGDC, and one worker waited for the other's last)
    parts = batches(work.lengths[work.units[:, 0]] / work.units[:, 2], n_jobs * 4 if n_jobs > 1 else 1, taper=True)
    if n_jobs > 1:
        _warm_up()  # the compiled loops loaded once, before the workers fork
    results = map_batches(_stance_batch, work, parts, n_jobs, take=_take_work)
    outcomes: dict[tuple[str, str, str], int] = {}
    columns: dict[str, list[np.ndarray]] = {name: [] for name in fields}
    foreign: list[tuple[int, int, float]] = []
    for part, r in zip(parts, results):
        remap = np.array([outcomes.setdefault(o, len(outcomes)) for o in r["outcomes"]] or [0], dtype=np.int32)
        base = int(work.units[part.start][0])
        r["doc"] += base
        r["code"] = remap[r["code"]] if len(r["code"]) else r["code"]
        for name in fields:
            columns[name].append(r[name])
        foreign.extend((i + base, n, share) for i, n, share in r["foreign"])
    del results
    _skip_foreign(foreign, table.doc_ids, non_english, skipped)
    out: dict[str, Any] = {}
    for name in fields:  # one column at a time, its parts let go as it is made
        parts_of = columns.pop(name)
        out[name] = (
            np.concatenate(parts_of) if parts_of else np.zeros(0, np.int32 if name in _INT32_FIELDS else np.int64)
        )
        del parts_of
        release_memory_of(len(out[name]))  # its parts' pages (unpickled from the workers), before the next is made
    if foreign and (work.units[:, 2] > 1).any():  # the later pieces of a document judged not English
        keep = ~np.isin(out["doc"], [i for i, _, _ in foreign])
        for name in fields:
            out[name] = out[name][keep]
    out["outcomes"] = list(outcomes)
    out["patterns"] = work.lex.named
    # the workers' results, unpickled in this process, let go column by column above, their pages given back to
    # the system as each column is made (they were all given back at the end, here, before: with this and
    # stance_rates' two trims, its main process's peak on the UNGDC went from 945-951 to 910-917 MiB, after
    # count_terms and compare_groups in the same process)
    return out


def _skip_foreign(foreign: list[tuple[int, int, float]], doc_ids: Any, non_english: str, skipped: list[dict]) -> None:
    """The documents judged not English (``foreign``: row, tokens read, share of stop words) listed in
    ``skipped``, or (``non_english="raise"``) the error for the first."""
    for i, n, share in foreign:
        doc_id = str(doc_ids[i])
        if non_english == "raise":
            raise ValueError(
                f"text_or_docs: the text of doc_id {doc_id!r} does not look like English "
                f"({share:.0%} English stop words, expected at least {MIN_STOP_WORD_SHARE:.0%}); the stance "
                "lexicon is English. Drop the document, or pass non_english='skip' to skip it and list it "
                "in attrs['skipped']."
            )
        skipped.append(
            {
                "doc_id": doc_id,
                "problem": f"not English ({share:.0%} English stop words in its first {n} tokens, "
                f"expected at least {MIN_STOP_WORD_SHARE:.0%})",
                "tokens": n,
                "stop_word_share": share,
            }
        )


# ----------------------------------------------------------------------- a long text's shares
#
# With n_jobs > 1, the texts of a frame each longer than SHARE_MIN (texts not cut into sentences ahead: a group
# of one of them is resampled in blocks of tokens, toolkit._rating.LONG_TEXT_TOKENS, unless it has fewer), whose
# voices blank no text, are neither tokenized nor matched whole by stance_rates: each worker tokenizes its own
# share of each (a run of the text and a margin on either side), finds the markers of that share as the pieces
# of a long document are found in a table of the whole text (:func:`_stance_batch`), and counts the tokens of
# its run and those before each match. Each step of _find_in_table then runs on every core at once: its table
# (mostly one core's work for one text), the places where its pieces are cut, the markers and the tokens
# before each match (toolkit._rating._Prepared._token_ordinals).

#: A document longer than this (in characters) is found in shares (:func:`_find_in_shares`) by
#: :func:`toolkit.stance_rates` with ``n_jobs`` > 1, when every document of its frame is so long.
SHARE_MIN = AHEAD_MAX


def _prev_chunk_start(text: str, t: int) -> int:
    """The last chunk start at or before ``t`` in ``text`` (0 if none): a window read back from ``t``, from
    the code point before its first (whether a chunk starts there), that grows until it holds one."""
    size = 1 << 12
    while True:
        lo = max(t - size, 0)
        starts = chunk_starts(text[max(lo - 1, 0) : t + 1])
        if lo > 0:  # the window's first code point is read only for the one after it
            starts = starts[starts >= 1] - 1
        if len(starts):
            return lo + int(starts[-1])
        if lo == 0:
            return 0
        size *= 4


def _shares(texts: list[str], lengths: np.ndarray, n_jobs: int) -> np.ndarray:
    """``(doc, first piece, pieces of the document, a, b, own_a, own_b, pieces)`` of each share of the
    documents: ``n_jobs`` per document, whose runs ``[own_a, own_b)`` begin at chunk starts near equal shares
    of its characters; each tokenizes ``text[a:b]``, its run with :data:`_PIECE_MARGIN` characters more on
    either side, to the chunk starts beyond (the margin of its first and last piece, :func:`_piece_ranges`),
    and is found in ``pieces`` pieces (no longer than :data:`_PIECE_MAX`), numbered from ``first piece``."""
    rows = []
    for i, text in enumerate(texts):
        n = int(lengths[i])
        cuts = (next_chunk_start(text, n * j // n_jobs, n) for j in range(1, n_jobs))
        bounds = [0, *(n if c is None else c for c in cuts), n]
        counts = [max(1, -(-(b - a) // _PIECE_MAX)) for a, b in pairwise(bounds)]
        first = 0
        for (own_a, own_b), pieces in zip(pairwise(bounds), counts, strict=True):
            a = _prev_chunk_start(text, own_a - _PIECE_MARGIN) if own_a > _PIECE_MARGIN else 0
            b = n if own_b + _PIECE_MARGIN >= n else next_chunk_start(text, own_b + _PIECE_MARGIN, n)
            rows.append((i, first, sum(counts), a, n if b is None else b, own_a, own_b, pieces))
            first += pieces
    return np.array(rows, dtype=np.int64).reshape(-1, 8)


class _ShareWork:
    """What every worker of :func:`_find_in_shares` reads: the texts, their shares, the options. ``texts`` and
    ``doc_ids`` are read by the documents' rows: sequences of them all, or (:meth:`take`) mappings of some."""

    def __init__(
        self,
        texts: Sequence[str] | dict[int, str],
        doc_ids: np.ndarray | dict[int, str],
        shares: np.ndarray,
        matcher: _Matcher,
        rules: bool,
        model: HedgeModel | None,
        non_english: str,
    ) -> None:
        self.texts, self.doc_ids, self.shares = texts, doc_ids, shares
        self.matcher, self.rules, self.model, self.non_english = matcher, rules, model, non_english

    def take(self, batch: range) -> _ShareWork:
        """What a worker that does not fork needs for the shares ``batch``: their rows, and their documents'
        texts alone (not every text of the frame with each share)."""
        rows = self.shares[batch.start : batch.stop]
        docs = sorted({int(i) for i in rows[:, 0]})
        options = (self.matcher, self.rules, self.model, self.non_english)
        return _ShareWork({i: self.texts[i] for i in docs}, {i: self.doc_ids[i] for i in docs}, rows, *options)


def _share_find(work: _ShareWork, batch: range) -> list[dict]:
    """The markers of the shares ``batch`` (:func:`_shares`), each found in a token table of its own part of
    the text: their starts and outcome codes, the tokens of the share's run and, for each match, the tokens of
    the run that start at or before it; the document judged not English by its first piece.

    Raises :class:`_NoCut` where the document must be read whole: a token the token path cannot read, or a
    piece whose margins do not settle its matches (the caller then finds the text in a table of all of it)."""
    from toolkit.tokentable import token_table

    out = []
    for s in batch:
        i, first, total, a, b, own_a, own_b, pieces = (int(v) for v in work.shares[s])
        text = work.texts[i]
        part = text[a:b]
        # a column of Python strings (pandas would copy the text into pyarrow, and the table make it back)
        table = token_table(pd.DataFrame({"doc_id": [str(work.doc_ids[i])], "text": pd.Series([part], dtype=object)}))
        points = table.code_points(0)  # kept by the table (a text longer than PIECE_MIN), else made here
        del part
        ranges, met, unsure = _piece_ranges(points, a, (own_a, own_b), pieces)
        chunks = table.doc_chunks(0)
        if met != len(chunks):
            raise RuntimeError(
                f"toolkit: a share of doc_id {work.doc_ids[i]!r} has {met} chunks, its table {len(chunks)}"
            )
        units = np.column_stack(
            [np.zeros(pieces, np.int64), first + np.arange(pieces), np.full(pieces, total), ranges]
        ).astype(np.int64)
        # the offsets of the whole text: the table stands for its chunks from ``a`` on (its code points those of
        # the part, read through the work)
        table.texts, table._points = [text], {}
        options = (work.matcher, work.rules, work.model, work.non_english)
        piece_work = _TableWork(
            table, *options, fields=("doc", "start", "code", "ordinal"), units=units, points=(points, a)
        )
        if not unsure:  # every code point of the share one a text is sure to be plain with: taken for the text's
            piece_work._plain_docs[0] = True  # (the caller checks it against the other shares: _find_in_shares)
        found = _stance_batch(piece_work, range(pieces))
        out.append(
            {
                "doc": i,
                "start": found["start"],
                "code": found["code"],
                "ordinal": found["ordinal"],
                "tokens": found["tokens"].get(0, 0),
                "outcomes": found["outcomes"],
                "foreign": [(i, n, share) for _, n, share in found["foreign"]],
                # whether the text is plain: taken (sure of the share), read (of the whole text), or not asked
                "plain": ("sure" if not unsure else piece_work._plain_docs.get(0)),
            }
        )
        del table, points, found, piece_work
    return out


def _plain_agreed(texts: list[str], results: list[dict]) -> bool:
    """Whether the shares of each text agree on whether it is plain (:func:`_plain_text`): a share all of whose
    code points are ones a text is sure to be plain with took the text for plain ("sure"), the others read the
    whole text (True or False; None: not asked). The text is plain if every share was sure (they cover it);
    else as read by a share, or here."""
    for i in sorted({r["doc"] for r in results}):
        said = [r["plain"] for r in results if r["doc"] == i]
        if "sure" not in said or all(p == "sure" for p in said):
            continue
        read = [p for p in said if isinstance(p, bool)]
        if not (read[0] if read else _plain_text(texts[i])):
            return False
    return True


def _find_in_shares(
    texts: Sequence[str],
    doc_ids: np.ndarray,
    matcher: _Matcher,
    rules: bool,
    non_english: str,
    skipped: list[dict],
    model: HedgeModel | None,
    n_jobs: int,
) -> tuple[dict, np.ndarray] | None:
    """The stance markers of long texts (:data:`SHARE_MIN`) found in shares (:func:`_shares`), ``n_jobs``
    processes at once: ``({doc, start, code, ordinal, outcomes}, tokens of each text)``, as
    :func:`_find_in_table` (``fields`` doc, start and code) and the token table give them, with each match's
    tokens of its text that start at or before it (:meth:`toolkit._rating._Prepared._token_ordinals`); the
    documents judged not English skipped (listed in ``skipped``) or raised. None where a text must be read whole
    (:func:`_share_find`): the caller finds the texts in a token table of them all."""
    from toolkit._parallel import map_batches

    texts = list(texts)  # made once, here: the workers read them (a TextColumn makes a text each time it is read)
    shares = _shares(texts, text_lengths(texts), n_jobs)
    # the compiled loops not loaded ahead of the fork (_warm_up): each process loads those it needs (for its
    # texts' kind of code points), at once, instead of this one loading all of them while the others wait
    work = _ShareWork(texts, doc_ids, shares, matcher, rules, model, non_english)
    try:
        results = [
            r
            for part in map_batches(
                _share_find, work, [range(s, s + 1) for s in range(len(shares))], n_jobs, take=_ShareWork.take
            )
            for r in part
        ]
    except _NoCut:
        return None
    if not _plain_agreed(texts, results):  # a share took for plain a text that is not
        return None
    outcomes: dict[tuple[str, str, str], int] = {}
    tokens = np.zeros(len(texts), dtype=np.int64)
    columns: dict[str, list[np.ndarray]] = {"doc": [], "start": [], "code": [], "ordinal": []}
    foreign: list[tuple[int, int, float]] = []
    for r in results:  # the shares of each document in order: the tokens of those before a share come first
        remap = np.array([outcomes.setdefault(o, len(outcomes)) for o in r["outcomes"]] or [0], dtype=np.int32)
        columns["doc"].append(np.full(len(r["start"]), r["doc"], dtype=np.int32))
        columns["start"].append(r["start"])
        columns["code"].append(remap[r["code"]] if len(r["code"]) else r["code"])
        columns["ordinal"].append(r["ordinal"] + tokens[r["doc"]])
        tokens[r["doc"]] += r["tokens"]
        foreign.extend(r["foreign"])
    del results
    _skip_foreign(foreign, doc_ids, non_english, skipped)
    out: dict[str, Any] = {name: np.concatenate(parts) for name, parts in columns.items()}
    if foreign:  # the later shares of a document judged not English
        keep = ~np.isin(out["doc"], [i for i, _, _ in foreign])
        out = {name: col[keep] for name, col in out.items()}
    out["outcomes"] = list(outcomes)
    return out, tokens


# ----------------------------------------------------------------------- the rules on token arrays
#
# The context rules and the model's features, computed for all the matches of many documents at once from
# the token table, instead of one Python call per match (:func:`_decide`). A match's context is what
# :class:`_Context` reads: the tokens of ``text[max(0, s - 90):s]`` after its last clause break, and of
# ``text[e:e + 90]`` before its first. Whole whitespace chunks inside those windows have the table's tokens
# (no look-around of the token pattern crosses whitespace); a chunk cut by a window's edge or a break is
# tokenized again, alone, as the window cuts it, where that can give other tokens. What the arrays do not
# decide is left to :func:`_decide` for the match: a capitalised "May" or "Should" (the month, an inverted
# conditional: read from the characters), a probability within 1e-9 of the model's threshold, a model that is
# not a :class:`HedgeModel` itself, a document with "İ" or "Σ" or not in NFC. Tests compare every decision with
# :func:`_decide` and every context with :class:`_Context` (``tests/test_tokentable.py``).

_PAD = 0  # the low id of "no token" (past the clause's edge): every property false
_MARK_END = 0x201E
#: Each code point's class among the marks that end clauses and sentences (0: none; the last entry stands for
#: every code point after): 1 "." or "!", 2 "?", 3 ";" or ":", 4 a line break, 5 '"', 6 "”", 7 "“", 8 "'" or
#: "’", 9 "‘".
_MARK_CLASS = np.zeros(_MARK_END + 1, dtype=np.uint8)
for _chars, _cls in ((".!", 1), ("?", 2), (";:", 3), ("\n", 4), ('"', 5), ("”", 6), ("“", 7), ("'’", 8), ("‘", 9)):
    _MARK_CLASS[[ord(c) for c in _chars]] = _cls
del _chars, _cls


def _negator(t: str) -> bool:
    """What :func:`_negated` takes for a negator."""
    return (
        t in _NEGATORS
        or t.endswith("n't")
        or t == "nt"
        or (t.endswith("nt") and t[:-2] in ("don", "doesn", "didn", "isn", "aren", "wasn", "weren", "couldn", "wouldn"))
    )


_ASCII_DIGIT = re.compile(r"[0-9]")


def _has_digit(t: str) -> bool:
    return bool(_ASCII_DIGIT.search(t)) if t.isascii() else any(c.isdigit() for c in t)


#: The properties of a lower-cased token that the rules read, by name: the words that have it, and a test of
#: the others (or None).
_LOW_PROPS: dict[str, tuple[frozenset, Callable[[str], bool] | None]] = {
    "negator": (_NEGATORS, lambda t: t.endswith(("n't", "nt")) and _negator(t)),
    "negation_bridge": (_NEGATION_BRIDGE, None),
    "first_person": (_FIRST_PERSON, None),
    "subject_bridge": (_SUBJECT_BRIDGE, lambda t: t.endswith("n't")),
    "reporting": (REPORTING_VERBS, None),
    "if_unless": (frozenset({"if", "unless"}), None),
    "number": (_NUMBER_WORDS, lambda t: _has_digit(t) or (not t.isascii() and _is_number(t))),
    "digit": (frozenset(), _has_digit),
    "article_quantity": (_ARTICLE_QUANTITY, None),
    "month_preposition": (_MONTH_PREPOSITIONS, None),
    "noun_determiner": (_NOUN_DETERMINERS, None),
    "cognition_not_before": (_COGNITION_NOT_BEFORE, None),
    "clause_start": (_CLAUSE_STARTS, None),
    "appear_not_before": (_APPEAR_NOT_BEFORE, None),
    "be_form": (_BE_FORMS, None),
    "had_after": (_HAD_AFTER, None),
    "would_ed": (frozenset(), lambda t: t.endswith("ed") and t not in _WOULD_ED),
    "adverb": (_MODAL_ADVERBS, lambda t: t.endswith("ly")),
    "participle": (_PARTICIPLES, lambda t: t.endswith("ed")),
    "expectation_subject": (_EXPECTATION_SUBJECTS, None),
    "expectation_predicate": (_EXPECTATION_PREDICATES, None),
    "expectation_verb": (_EXPECTATION_VERBS, None),
    "speech_act": (_SPEECH_ACTS, None),
    "assertive": (_ASSERTIVE, None),
    "stance_word": (_STANCE_WORDS, None),
    "emphatic": (_EMPHATIC, None),
    "superlative": (frozenset(), lambda t: t.endswith("est") and len(t) > 4),
    "possible_not_after": (_POSSIBLE_AFTER, None),
    "rather_not_after": (_RATHER_AFTER, None),
    "certain_next": (_CERTAIN_BEFORE, None),
    "blessing": (_BLESSED, None),
    "wish_verb": (_WISH_VERBS, None),
    "should_hedge_next": (_SHOULD_HEDGES, None),
    "feel_next": (_FEEL_BEFORE, None),
    "article": (_ARTICLES, None),
    "feel_first_not": (_FEEL_NOT_CLAUSE, None),
    "on_upon": (_CALL_ON, None),
}
#: For each property of :data:`_LOW_PROPS` with a test, a regex that matches (searched in the lines of the strings
#: joined by line breaks) every string the test can accept: only those are tested (every property of the UNGDC's
#: 89,578 words took 0.17 s with a Python call a word and test, 0.095 s screened).
_PROP_SCREENS: dict[str, re.Pattern] = {
    name: re.compile(pattern, re.MULTILINE)
    for name, pattern in {
        "negator": r"n't$|nt$",
        "subject_bridge": r"n't$",
        # an ASCII digit or a character past ASCII (str.isdigit, a number's character), found once a line
        "number": r"^.*?[^\x00-\x2f\x3a-\x7f]",
        "digit": r"^.*?[^\x00-\x2f\x3a-\x7f]",
        "would_ed": r"ed$",
        "adverb": r"ly$",
        "participle": r"ed$",
        "superlative": r"est$",
    }.items()
}


class _Lines:
    """Strings (None: no string) joined by line breaks, to find the few a regex matches in one search."""

    def __init__(self, strings: Sequence[str | None]) -> None:
        lines = ["" if t is None else t for t in strings]
        self.n = len(lines)
        self.joined = "\n".join(lines)
        self.plain = self.joined.count("\n") == max(self.n - 1, 0)  # no string holds a line break
        lengths = np.fromiter(map(len, lines), dtype=np.int64, count=self.n)
        self.starts = np.cumsum(lengths + 1) - (lengths + 1)

    def matching(self, screen: re.Pattern) -> np.ndarray:
        """The indices of the strings in whose line ``screen`` matches, in order (all of them if a string holds
        a line break)."""
        if not self.plain:
            return np.arange(self.n)
        hits = np.fromiter((m.start() for m in screen.finditer(self.joined)), dtype=np.int64)
        return np.unique(np.searchsorted(self.starts, hits, side="right") - 1)


#: Words the rules compare tokens with one by one (each has an id in every :class:`_LowVocab`).
_LOW_WORDS = (
    "a",
    "an",
    "the",
    "than",
    "that",
    "to",
    "have",
    "be",
    "like",
    "call",
    "i",
    "we",
    "not",
    "been",
    "almighty",
    "lord",
    "in",
    "particular",
    "once",
    "again",
    "more",
    "at",
    "outset",
    "this",
    "point",
    "juncture",
    "first",
    "of",
    "all",
)


class _LowVocab:
    """Lower-cased context tokens (as :func:`_low` makes them) as ids, and what the rules ask of each.

    Id 0 is :data:`_PAD`. The table's tokens get ids when the vocabulary is made; pieces of tokens cut by a
    window's edge get theirs as they come (:meth:`add`), and the properties are computed for new ids when asked.
    """

    def __init__(self, strings: Iterable[str]) -> None:
        self.strings: list[str | None] = [None]
        self.index: defaultdict[str, int] = defaultdict()  # (a default only inside add)
        self._props: dict[str, np.ndarray] = {}
        # the strings not yet tested, as lines, and the lines each screen found in them
        self._lines: tuple[tuple[int, int], _Lines, dict[re.Pattern, list[int]]] | None = None
        self._classes: dict[tuple, tuple[int, tuple[np.ndarray, list[str]]]] = {}  # by the arguments: (ids, answer)
        self.add(list(_LOW_WORDS))
        self.of_vocab = self.add(list(strings))
        # the ids of the table's token ids from -1 (a separator between documents: _PAD), read in one step
        self.of_ids = np.concatenate([np.array([_PAD], dtype=self.of_vocab.dtype), self.of_vocab])
        self.word = {w: self.index[w] for w in _LOW_WORDS}

    def add(self, strings: list[str]) -> np.ndarray:
        """The ids of ``strings``, a new one for each string not met before (in the order first met)."""
        index, start = self.index, len(self.strings)
        # a missing string takes the next id as it is looked up: one pass in C (a vocabulary's tens of thousands
        # of strings took a Python loop a few hundredths of a second, once per table)
        index.default_factory = count(start).__next__
        try:
            out = np.fromiter(map(index.__getitem__, strings), dtype=np.int32, count=len(strings))
        finally:
            index.default_factory = None
        new = out >= start
        if new.any():  # the new strings in the order of their ids: that of their first places in ``strings``
            first = np.unique(out[new], return_index=True)[1]
            self.strings.extend(strings[p] for p in np.flatnonzero(new)[first].tolist())
        return out

    def prop(self, name: str) -> np.ndarray:
        arr = self._props.get(name)
        if arr is None or len(arr) < len(self.strings):
            done = 0 if arr is None else len(arr)
            words, test = _LOW_PROPS[name]
            new = np.zeros(len(self.strings) - done, dtype=bool)
            if test is not None:
                strings = self.strings[done:]
                if self._lines is None or self._lines[0] != (done, len(self.strings)):
                    self._lines = ((done, len(self.strings)), _Lines(strings), {})
                screen, found = _PROP_SCREENS[name], self._lines[2]  # the lines of each screen (two share one)
                if screen not in found:
                    found[screen] = self._lines[1].matching(screen).tolist()
                for i in found[screen]:
                    s = strings[i]
                    new[i] = s is not None and test(s)
            for w in words:
                i = self.index.get(w, -1)
                if i >= done:
                    new[i - done] = True
            arr = new if arr is None else np.concatenate([arr, new])
            self._props[name] = arr
        return arr

    def classes(self, vocab: frozenset, pad: str, other: str, other_prop: str) -> tuple[np.ndarray, list[str]]:
        """Each id's class as the model names it: the token if in ``vocab``, ``pad`` for no token, ``other`` if
        it has the property ``other_prop``, else "other"; as indices into the returned names. Kept for the
        next call with the same arguments, until an id is added."""
        key = (vocab, pad, other, other_prop)
        known = self._classes.get(key)
        if known is not None and known[0] == len(self.strings):
            return known[1]
        names = [pad, *sorted(vocab), other, "other"]
        codes = np.where(self.prop(other_prop), len(names) - 2, len(names) - 1)
        for n, w in enumerate(names[1:-2], start=1):
            i = self.index.get(w)
            if i is not None:
                codes[i] = n
        codes[_PAD] = 0
        codes.flags.writeable = False  # shared by the calls that find it kept
        self._classes[key] = (len(self.strings), (codes, names))
        return codes, names

    def prepare(self) -> _LowVocab:
        """Every property of the table's tokens, computed now (before the workers fork, so once)."""
        for name in _LOW_PROPS:
            self.prop(name)
        return self


@cache
def _word_screen(name: str) -> re.Pattern | None:
    """For a property of :data:`_LOW_PROPS` given by its words alone, a regex that finds any of them in a text
    (lower-cased as :func:`_low` does), or None for a property with a test (its tokens must be read)."""
    words, test = _LOW_PROPS[name]
    if test is not None:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)")


#: The code points :func:`_nfc_plain_table` covers: those below this one, and those of :data:`_NFC_TABLE_MORE`
#: (the others are not known to be plain).
_NFC_TABLE_END = 0x3000
#: The byte-order mark, U+FEFF, at the start of 2,936 of the UNGDC's 10,952 files: a text holding one (as files
#: joined into one text do), and otherwise only code points of the table, is known to be plain without reading
#: it again (2,935 of those files; 7 of the UNGDC's files are still read again, against 2,942 before).
_NFC_TABLE_MORE = (0xFEFF,)


@cache
def _nfc_plain_table() -> np.ndarray:
    """Per code point below U+3000 and of :data:`_NFC_TABLE_MORE` (those between: False), from this Python's
    Unicode tables: whether a text of such code points is sure to be *plain* (:attr:`_Stream.simple`: in NFC,
    without "İ" or "Σ") without reading it again.

    Such a code point is a starter (combining class 0) that NFC leaves as it is and that composes with no
    character before it (it is not the second of a canonical pair; Hangul's vowels and final consonants are
    not either): Unicode's NFC quick check says yes to a text of them (UAX #15), so
    ``unicodedata.is_normalized`` need not read it. "İ" and "Σ" are left out. Takes about 7 ms.
    """
    second = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul's vowels and final consonants
    for c in range(_NFC_TABLE_END):
        mapping = unicodedata.decomposition(chr(c))
        if mapping and not mapping.startswith("<"):  # canonical
            parts = mapping.split()
            if len(parts) == 2:
                second.add(int(parts[1], 16))
    table = np.zeros(max(_NFC_TABLE_END, max(_NFC_TABLE_MORE) + 1), dtype=bool)
    for c in [*range(_NFC_TABLE_END), *_NFC_TABLE_MORE]:
        ch = chr(c)
        table[c] = not unicodedata.combining(ch) and unicodedata.normalize("NFC", ch) == ch and c not in second
    table[[0x130, 0x3A3]] = False
    return table


#: The arrays :func:`toolkit._kernels.scan_doc` writes (tokens: ids, starts, ends; chunks: start, end; marks:
#: offset, class; breaks: start, end; blank lines: start, end; tokens again: their first code points), their
#: types, and the entry of ``fill`` that counts the entries used in each.
_SCAN_TYPES = (np.int64,) * 6 + (np.uint8,) + (np.int64,) * 5
_SCAN_GROUP = (0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0)


class _ScanBuffers:
    """The arrays :func:`toolkit._kernels.scan_doc` writes one stream's documents into, one after another, grown
    as needed (twice as long, or more): no arrays made, copied and joined again for every document.

    ``out`` holds them, ``fill`` the entries used in each group (kept documents). A scan writes after them
    (:meth:`written` gives its entries); :meth:`keep` keeps the last scan's, else the next scan writes over
    them. The breaks begin with a sentinel (-1, before any text).
    """

    def __init__(self, size: int = 1 << 12) -> None:
        self.out: tuple[np.ndarray, ...] = tuple(np.empty(size, dtype) for dtype in _SCAN_TYPES)
        self.out[7][0] = self.out[8][0] = -1
        self.reset()

    def reset(self) -> _ScanBuffers:
        """Empty again, for the next stream (whose arrays are then those of the last: the memory is already
        the process's, so no page of it is faulted in again). What the last stream read of them is lost."""
        self.fill = np.array([0, 0, 0, 1, 0], dtype=np.int64)
        self._last: tuple[tuple, np.ndarray] | None = None
        return self

    def reserve(self, n_tokens: int, n_chars: int, marks: bool) -> None:
        """Room for a text of ``n_chars`` characters and ``n_tokens`` tokens (and, with ``marks``, its marks),
        after the kept entries; the breaks keep one more, for the sentinel after the last text."""
        fill = self.fill.tolist()
        need = [fill[0] + n_tokens + 1]
        if marks:
            need += [fill[1] + n_chars // 2 + 1, fill[2] + n_chars, fill[3] + n_chars + 1, fill[4] + n_chars]
        grown = list(self.out)
        for j, a in enumerate(self.out):
            g = _SCAN_GROUP[j]
            if g < len(need) and len(a) < need[g]:
                grown[j] = np.empty(max(need[g], 2 * len(a)), a.dtype)
                grown[j][: fill[g]] = a[: fill[g]]
        self.out = tuple(grown)

    def written(self, filled: np.ndarray, stats: np.ndarray) -> tuple:
        """The entries of the last scan (which ended at ``filled``) in each array, and its ``stats``."""
        fill, end = self.fill.tolist(), filled.tolist()
        scanned = tuple(a[fill[g] : end[g]] for a, g in zip(self.out, _SCAN_GROUP, strict=True)) + (stats,)
        self._last = (scanned, filled)
        return scanned

    def keep(self, scanned: tuple) -> None:
        """Keep the entries of the last scan, ``scanned`` (what :meth:`written` gave)."""
        if self._last is None or self._last[0] is not scanned:
            raise RuntimeError("only the last scan into a stream's arrays can be kept")
        self.fill = self._last[1]
        self._last = None


class _Marks:
    """Where clauses and sentences can end in a stream of documents, as stream offsets (sorted).

    ``ev_start``/``ev_end``: every place a match of :data:`_CLAUSE_BREAK` can be ("." ";" ... before
    whitespace, a blank line between two consecutive line breaks, a quotation mark): none contains another
    and none cuts a token (the blank lines of three line breaks overlap, their ends in the order of their
    starts), so the last break of a window is the one with the greatest end and the first the one with the
    least start. ``punct``: each of ".!?;:" (a break at a window's end, ``[.!?;:]$``); ``sent`` each of
    ".!?", ``blank_start``/``blank_end`` the blank lines, ``newline`` the line breaks, ``at``/``cls`` every
    mark with its class (:data:`_MARK_CLASS`); ``chunk_start``/``chunk_end``: the whitespace chunks.
    """

    chunk_start: np.ndarray
    chunk_end: np.ndarray
    ev_start: np.ndarray
    ev_end: np.ndarray
    at: np.ndarray
    cls: np.ndarray
    blank_start: np.ndarray
    blank_end: np.ndarray
    punct: np.ndarray
    sent: np.ndarray
    newline: np.ndarray

    def __init__(self, scanned: _ScanBuffers) -> None:
        """The marks :func:`toolkit._kernels.scan_doc` wrote into a stream's arrays (views of them)."""
        out, fill = scanned.out, scanned.fill
        self.chunk_start, self.chunk_end = out[3][: fill[1]], out[4][: fill[1]]
        self.at, self.cls = out[5][: fill[2]], out[6][: fill[2]].astype(np.int64)
        # sentinels: a break before the first text of the stream (written first) and one after the last
        out[7][fill[3]] = out[8][fill[3]] = 2**62
        self.ev_start, self.ev_end = out[7][: fill[3] + 1], out[8][: fill[3] + 1]
        self.blank_start, self.blank_end = out[9][: fill[4]], out[10][: fill[4]]
        self.punct = self.at[(self.cls >= 1) & (self.cls <= 3)]
        self.sent = self.at[(self.cls == 1) | (self.cls == 2)]
        self.newline = self.at[self.cls == 4]


def _tokens_in(starts: np.ndarray, a: int, b: int) -> int:
    """How many of the tokens that start at ``starts`` (sorted) start in ``[a, b)``."""
    return int(np.searchsorted(starts, b) - np.searchsorted(starts, a))


class _Stream:
    """Documents of one run of work end to end: their tokens, chunks and marks in one coordinate (a document's
    offsets plus its ``base``; a separator token after each), so that the matches of all are found, and their
    contexts read, at once."""

    def __init__(self, scanned: _ScanBuffers | None = None) -> None:
        self._text: dict[int, str] = {}  # the texts of the stream's documents, made once (texts may be a TextColumn)
        self.docs: list[int] = []  # the table's document index of each
        self.own: list[tuple[int, int]] = []  # the stream offsets where the matches kept may start
        self.cut: list[tuple[bool, bool]] = []  # whether part of the document is scanned (its start, its end cut)
        self.piece: list[bool] = []  # whether only the matches that start in part of it are kept
        self.simple: list[bool] = []  # tokens lower-cased as _low does, and their own terms
        # the documents' tokens, chunks and marks, as scan_doc writes them: ``scanned`` emptied, when given
        self.scanned = _ScanBuffers() if scanned is None else scanned.reset()
        self._n: list[int] = []  # the tokens of each document, with its separator
        self._base: list[int] = []
        self.n_tokens = 0
        self._next = 0

    @property
    def next_base(self) -> int:
        """The offset of the next document added: one past the last one's separator."""
        return self._next

    def add(
        self,
        i: int,
        text: str,
        scanned: tuple,
        span: tuple[int, int, int, int] | None = None,
        plain: bool | None = None,
    ) -> None:
        """Add document ``i`` (``text``): its :meth:`_TableWork.scan` into :attr:`scanned`, with offsets moved
        by :attr:`next_base`. ``span``: ``(a, b, own_a, own_b)``, a piece (:func:`_unit_ranges`) that scanned
        ``text[a:b]`` and keeps the matches that start in ``[own_a, own_b)`` (default: the whole text).
        ``plain``: :func:`_plain_text` of ``text``, when the caller has it."""
        base = self._next
        a, b, own_a, own_b = (0, len(text), 0, len(text)) if span is None else span
        ends = scanned[2]
        if int(ends[-1]) != base + b:  # its separator, at the end of the text scanned
            raise RuntimeError(f"document {i} was scanned at another offset than the stream's next ({base})")
        self.scanned.keep(scanned)
        self._text[i] = text
        self.docs.append(i)
        self.own.append((base + own_a, base + own_b))
        self.cut.append((a > 0, b < len(text)))
        self.piece.append(own_a > 0 or own_b < len(text))
        # a piece reads the whole text: its run alone could be plain where the text is not
        self.simple.append(
            (not scanned[-1][5] and a == 0 and b == len(text))  # every code point one a text is sure to be
            or (_plain_text(text) if plain is None else plain)
        )
        self._n.append(len(ends))
        self._base.append(base)
        self.n_tokens += len(ends)
        self._next = base + len(text) + 1

    def done(self) -> _Stream:
        out, n_tok = self.scanned.out, int(self.scanned.fill[0])
        self.ids, self.starts, self.ends = out[0][:n_tok], out[1][:n_tok], out[2][:n_tok]
        self.lead = out[11][:n_tok]  # each token's first code point, and its second << LEAD_BITS (scan_doc)
        self.tok_doc = np.repeat(np.arange(len(self._n)), self._n)
        self.base = np.array(self._base, dtype=np.int64)
        self.stop = self.base + np.array([len(self._text[i]) for i in self.docs], dtype=np.int64)
        self.doc = np.array(self.docs, dtype=np.int64)
        self.marks = _Marks(self.scanned)
        return self

    def own_tokens(self, k: int) -> int:
        """The tokens of the stream's ``k``-th document that start in its own run (once :meth:`done`)."""
        return _tokens_in(self.starts, *self.own[k])

    def text(self, k: int, a: int, b: int) -> str:
        """The text between stream offsets ``a`` and ``b`` of the stream's ``k``-th document."""
        base = int(self.base[k])
        return self._text[self.docs[k]][a - base : b - base]

    def texts(self, k: np.ndarray, a: np.ndarray, b: np.ndarray) -> list[str]:
        """:meth:`text` of many: ``k``, ``a``, ``b`` arrays of one length."""
        text, docs, base = self._text, self.docs, self.base[k]
        return [
            text[docs[kk]][x:y] for kk, x, y in zip(k.tolist(), (a - base).tolist(), (b - base).tolist(), strict=True)
        ]

    def doc_text(self, k: int) -> str:
        """The text of the stream's ``k``-th document."""
        return self._text[self.docs[k]]

    def between(self, t: int, a: int, b: int) -> str:
        """The text between stream offsets ``a`` and ``b`` of the document of token ``t``."""
        return self.text(int(self.tok_doc[t]), a, b)

    def low_tok(self, low: _LowVocab) -> np.ndarray:
        """Each token's :class:`_LowVocab` id (:data:`_PAD` for the separators)."""
        return low.of_ids[self.ids + 1]


def _plain_text(text: str) -> bool:
    """Whether the rules read ``text`` on token arrays (lower-cased as :func:`_low` does, and the table's
    terms its tokens' own): ASCII, or in NFC without a dotted capital I or a capital sigma."""
    return text.isascii() or ("\u0130" not in text and "\u03a3" not in text and unicodedata.is_normalized("NFC", text))


class _Side:
    """The tokens of ``text[x:y]`` for each of many matches (one side of their clauses), as
    ``_TOKEN_RE.findall`` of that slice gives them, lower-cased (:func:`_low`), as :class:`_LowVocab` ids.

    A piece ``[p, q)`` of a chunk has the table's tokens inside it unless a token runs across ``p`` or ``q``,
    or starts at ``p`` inside its chunk (the clitic "'s" looks behind): such a piece is tokenized alone. The
    one at the far end (``far_first``: the start of the side) is tokenized only when a token that far is read.
    """

    def __init__(
        self,
        stream: _Stream,
        low: _LowVocab,
        low_tok: np.ndarray,
        k: np.ndarray,
        x: np.ndarray,
        y: np.ndarray,
        far_first: bool,
    ) -> None:
        self.stream, self.low, self.k = stream, low, k
        mk = stream.marks
        cb, ce = mk.chunk_start, mk.chunk_end
        # the chunks of x and y - 1; a token across x or y, or starting at x inside its chunk (odd0, odd1): the
        # piece there is tokenized alone; x and y in one chunk with such a token (same): [x, y) is one piece;
        # the table's tokens between the pieces (t_from, n_tab). One compiled pass (the tests compare it with
        # the whole-array numpy form it replaced).
        assert len(cb) or not len(x), "a match lies in a chunk"
        y, c0, c1, odd0, odd1, same, t_from, n_tab = _side_bounds(cb, ce, stream.starts, stream.ends, x, y)
        # the pieces tokenized alone: [x, end of x's chunk) and [start of y's chunk, y); one piece [x, y) when
        # both are in one chunk
        first_lo, first_hi = x, np.where(same, y, ce[c0])
        last_lo, last_hi = cb[c1], y
        has_first, has_last = odd0 | same, odd1 & ~same
        near_lo, near_hi, near_has = (last_lo, last_hi, has_last) if far_first else (first_lo, first_hi, has_first)
        self.far_lo: np.ndarray = first_lo if far_first else last_lo
        self.far_hi: np.ndarray = first_hi if far_first else last_hi
        self.far_has = has_first.copy() if far_first else has_last.copy()
        self.far: dict[int, np.ndarray] = {}
        # the near piece now (rare: a chunk that goes on after the match, or begins before it)
        near: dict[int, np.ndarray] = {}
        for m in np.flatnonzero(near_has).tolist():
            ids = self._piece(m, int(near_lo[m]), int(near_hi[m]))
            if len(ids):
                near[m] = ids
        n_near = np.zeros(len(x), dtype=np.int64)
        for m, ids in near.items():
            n_near[m] = len(ids)
        length = n_tab + n_near
        off = np.cumsum(length) - length
        flat = np.empty(int(length.sum()), dtype=np.int32)
        tab_at = off + (n_near if not far_first else 0)
        _copy_runs(flat, tab_at, low_tok, t_from, n_tab)  # flat[ranges(tab_at, ...)] = low_tok[ranges(t_from, ...)]
        for m, ids in near.items():
            at = off[m] + (n_tab[m] if far_first else 0)
            flat[at : at + len(ids)] = ids
        self.flat, self.off, self.len = flat, off, length
        self.far_first = far_first
        self._counts: dict[str, np.ndarray] = {}

    def _piece(self, m: int, a: int, b: int) -> np.ndarray:
        toks = _low(_TOKEN_RE.findall(self.stream.text(int(self.k[m]), a, b)))
        return self.low.add(toks) if toks else np.zeros(0, dtype=np.int32)

    def _far(self, m: int) -> np.ndarray:
        ids = self.far.get(m)
        if ids is None:
            ids = self.far[m] = self._piece(m, int(self.far_lo[m]), int(self.far_hi[m]))
        return ids

    def get(self, m: np.ndarray, k: np.ndarray, from_end: bool) -> np.ndarray:
        """The id of token ``k`` of each match's side (from its end, 1-based, or from its start, 0-based; ``k``
        of length 1 for every match)."""
        if len(k) not in (1, len(m)):  # the compiled loop reads k[i] for every match, or k[0] for all
            raise ValueError(f"_Side.get: {len(k)} token positions for {len(m)} matches")
        out, far = _side_get(self.flat, self.off, self.len, self.far_has, m, k, from_end, self.far_first, _PAD)
        # past the near tokens: the far piece, at the start (before the match) or the end (after it)
        for i in np.flatnonzero(far).tolist():
            mi = int(m[i])
            ids = self._far(mi)
            r = int(k[0 if len(k) == 1 else i]) - int(self.len[mi])
            if from_end:
                out[i] = ids[len(ids) - r] if r <= len(ids) else _PAD
            else:
                out[i] = ids[r] if r < len(ids) else _PAD
        return out

    def any(self, m: np.ndarray, name: str, last: int | None) -> np.ndarray:
        """Whether a token of the side (the ``last`` at its end, or all) has the property (``far_first``)."""
        counts = self._counts.get(name)
        if counts is None:
            counts = self._counts[name] = np.concatenate([[0], np.cumsum(self.low.prop(name)[self.flat])])
        n = self.len[m]
        lo = self.off[m] + (np.maximum(n - last, 0) if last is not None else 0)
        out = counts[self.off[m] + n] > counts[lo]
        reach = ~out & self.far_has[m] & ((n < last) if last is not None else True)
        screen = _word_screen(name)
        reached = np.flatnonzero(reach).tolist()
        unread = [i for i in reached if int(m[i]) not in self.far] if screen is not None else []
        if unread and screen is not None:
            # a property of listed words only: a piece none of whose words is in its text has no such token (a
            # token's low form is a slice of the piece's, as _low makes them: no token here holds a format
            # character or a combining mark, whose documents are matched on their characters), so it is not
            # tokenized. The pieces not read yet are screened in one search of their texts, a line each (a
            # piece lies inside a chunk: no line break), lower-cased at once (the lower case of a slice is the
            # slice of the lower case)
            mu = m[unread]
            lines = _Lines(self.stream.texts(self.k[mu], self.far_lo[mu], self.far_hi[mu]))
            lines.joined = _lower(lines.joined).replace("’", "'")
            passed = np.zeros(len(unread), dtype=bool)
            passed[lines.matching(screen)] = True
            skip = {i for i, p in zip(unread, passed.tolist(), strict=True) if not p}
            reached = [i for i in reached if i not in skip]
        for i in reached:
            mi = int(m[i])
            ids = self._far(mi)
            if last is not None:
                ids = ids[max(len(ids) - (last - int(n[i])), 0) :]
            out[i] = bool(self.low.prop(name)[ids].any())
        return out


class _Contexts:
    """The clause context of many matches at once (what :class:`_Context` gives one match): the lower-cased
    tokens before and after each match, as :class:`_LowVocab` ids.

    Each side is the table's tokens of a range of whole chunks, with a chunk cut by the side's edge or a break
    tokenized again alone where that can differ (a token across the cut, or one whose start looks behind).
    The piece at the far end (where the 90 characters cut a word) is tokenized only for the matches whose
    rule reads that far (:meth:`before`, :meth:`after`, :meth:`any_before` do it when asked).
    """

    def __init__(
        self, stream: _Stream, low: _LowVocab, low_tok: np.ndarray, k: np.ndarray, s: np.ndarray, e: np.ndarray
    ) -> None:
        mk = stream.marks
        self.low = low
        # the clause's start x (the end of the last break inside text[s - 90:s]) and end y (the start of the first
        # inside text[e:e + 90]), in one compiled pass (compared with numpy's form in the tests)
        x, y = _clause_bounds(mk.ev_start, mk.ev_end, mk.punct, stream.base[k], stream.stop[k], s, e, _WINDOW)
        self.before_side = _Side(stream, low, low_tok, k, x, s, far_first=True)
        self.after_side = _Side(stream, low, low_tok, k, e, y, far_first=False)

    def before(self, m: np.ndarray, k: int) -> np.ndarray:
        """The id of the ``k``-th token before each match (1: the nearest), :data:`_PAD` past the clause."""
        return self.before_side.get(m, np.array([k], dtype=np.int64), from_end=True)

    def after(self, m: np.ndarray, k: int | np.ndarray) -> np.ndarray:
        """The id of the ``k``-th token after each match (0: the first; ``k`` may be an array)."""
        return self.after_side.get(m, np.asarray(k, dtype=np.int64).reshape(-1), from_end=False)

    def is_(self, name: str, ids: np.ndarray) -> np.ndarray:
        return self.low.prop(name)[ids]

    def negated(self, m: np.ndarray, skip: int = 0) -> np.ndarray:
        """:func:`_negated` of the tokens before (without the ``skip`` nearest)."""
        out = np.zeros(len(m), dtype=bool)
        going = np.ones(len(m), dtype=bool)
        for k in range(1 + skip, 5 + skip):
            t = self.before(m, k)
            neg = self.is_("negator", t)
            out |= going & neg
            going &= ~neg & self.is_("negation_bridge", t)  # no token: neither
        return out

    def first_person_subject(self, m: np.ndarray) -> np.ndarray:
        """:func:`_first_person_subject` of the tokens before."""
        out = np.zeros(len(m), dtype=bool)
        going = np.ones(len(m), dtype=bool)
        for k in range(1, 5):
            t = self.before(m, k)
            first = self.is_("first_person", t)
            out |= going & first
            going &= ~first & self.is_("subject_bridge", t)
        return out

    def any_before(self, m: np.ndarray, name: str, last: int | None = None) -> np.ndarray:
        """Whether a token before (among the ``last`` nearest, or all) has the property."""
        return self.before_side.any(m, name, last)

    def skip_adverbs(self, m: np.ndarray, at: np.ndarray) -> np.ndarray:
        """:func:`_skip_adverbs` of the tokens after, from position ``at``: the position of the first token
        that is neither an adverb nor an adverbial phrase (no token is neither: :data:`_PAD`)."""
        at = np.asarray(at, dtype=np.int64).copy()
        going = np.ones(len(m), dtype=bool)
        phrases = [[self.low.word[w] for w in p] for p in _ADVERB_PHRASES]
        longest = max((len(p) for p in phrases), default=1)
        while going.any():
            g = np.flatnonzero(going)
            mg, ag = m[g], at[g]
            # the tokens at every place a phrase reads, each read once for all the phrases
            ahead = [self.after(mg, ag + q) for q in range(longest)]
            step = np.zeros(len(g), dtype=np.int64)
            for p in phrases:
                hit = step == 0
                for q, w in enumerate(p):
                    hit &= ahead[q] == w
                step[hit] = len(p)
            single = (step == 0) & self.is_("adverb", ahead[0])
            step[single] = 1
            at[g] += step
            going[g] = step > 0
        return at


# rule outcomes on arrays: drop, keep the entry's category, or the category named
_DROP, _KEEP, _FORMULA, _HEDGE, _BOOSTER, _BY_HAND = 0, 1, 2, 3, 4, 5
_OUTCOME_NAMES = {_FORMULA: "formula", _HEDGE: "hedge", _BOOSTER: "booster"}

#: What the rules ask of a match's own text (its term, as :func:`_decide` makes it), by name.
_WORD_FLAGS: dict[str, Callable[[str], bool]] = {
    "M": lambda w: w[:1] == "M",
    "S": lambda w: w[:1] == "S",
    "US": lambda w: w == "US",
    "apostrophe_d": lambda w: w[-2:].lower() in ("'d", "’d"),
    "doubt": lambda w: w.lower().startswith("doubt"),
    "fe": lambda w: w.lower().startswith("fe"),
    "supposed": lambda w: w.lower() == "supposed",
    "believe_think": lambda w: _lower(w).startswith(("believe", "think")),
    "should": lambda w: _lower(w).replace("’", "'").startswith("should"),
    "need": lambda w: _lower(w).replace("’", "'").startswith("need"),
    "must": lambda w: _lower(w).replace("’", "'").startswith("must"),
    "ought": lambda w: _lower(w).replace("’", "'").startswith("ought"),
    "demonstrat": lambda w: _lower(w).startswith("demonstrat"),
    "determined": lambda w: _lower(w) == "determined",
    "always_formula": lambda w: _normal(w) in _ALWAYS_FORMULA,
    "would_should": lambda w: _normal(w).startswith(("would", "should")),
    "upper": lambda w: w[:1].isupper(),
}


#: The flags of :data:`_WORD_FLAGS` that read a word's case, read from its first two code points
#: (:func:`_case_flags`). The others read its lower case, the same for every match of a pattern: a match is its
#: pattern's words, with other whitespace, apostrophes ("'" or "’") or hyphens ("-" or "‐") between them, in any
#: case (:func:`_pattern_keys`), and no flag tells those apart (:func:`_pattern_flags`).
_CASE_FLAGS = ("M", "S", "US", "upper")


def _pattern_flags(patterns: list[str]) -> dict[str, np.ndarray]:
    """The flags of :data:`_WORD_FLAGS` but :data:`_CASE_FLAGS`, of each pattern's words (lower case, format
    characters left out, as :func:`_pattern_keys` reads them): those of every match of the pattern."""
    low = [_lower(_FORMAT_RE.sub("", p).strip()) for p in patterns]
    return {
        name: np.fromiter((f(w) for w in low), dtype=bool, count=len(low))
        for name, f in _WORD_FLAGS.items()
        if name not in _CASE_FLAGS
    }


@cache
def _upper_table() -> np.ndarray:
    """Whether each code point below :data:`_NFC_TABLE_END` is upper case (``str.isupper``)."""
    return np.array([chr(c).isupper() for c in range(_NFC_TABLE_END)], dtype=bool)


def _case_flags(lead: np.ndarray, s: np.ndarray, e: np.ndarray) -> dict[str, np.ndarray]:
    """:data:`_CASE_FLAGS` of matches from ``s`` to ``e`` whose first token's two first code points are ``lead``
    (as :func:`toolkit._kernels.scan_doc` writes them): what they are of the matched text."""
    first = lead & ((1 << _LEAD_BITS) - 1)
    second = lead >> _LEAD_BITS
    table = _upper_table()
    upper = table[np.minimum(first, len(table) - 1)] & (first < len(table))
    for i in np.flatnonzero(first >= len(table)).tolist():
        upper[i] = chr(int(first[i])).isupper()
    return {
        "M": first == ord("M"),
        "S": first == ord("S"),
        "US": (e - s == 2) & (first == ord("U")) & (second == ord("S")),
        "upper": upper,
    }


class _RulesOnArrays:
    """The context rules (:data:`_RULE_FUNCS`) and the model's features for many matches at once."""

    def __init__(self, ctx: _Contexts, words: dict[str, np.ndarray]) -> None:
        self.c, self.w, self.low = ctx, words, ctx.low

    def _word(self, w: str) -> int:
        return self.low.word[w]

    def courtesy(self, m: np.ndarray, singular: bool) -> np.ndarray:
        c = self.c
        p0 = c.skip_adverbs(m, np.zeros(len(m), dtype=np.int64))
        t0 = c.after(m, p0)
        subject = (c.before(m, 1) == self._word("i")) if singular else c.first_person_subject(m)
        t1 = c.after(m, p0 + 1)
        turn = c.is_("assertive", t0) & subject & ((t0 != self._word("call")) | c.is_("on_upon", t1))
        frame = (t1 != _PAD) & c.is_("wish_verb", t0)
        p1 = c.skip_adverbs(m, p0 + 1)
        frame &= c.after(m, p1) == self._word("to")
        p2 = c.skip_adverbs(m, p1 + 1)
        frame &= c.is_("speech_act", c.after(m, p2))
        return turn | frame

    def negation(self, m: np.ndarray, cat: str) -> np.ndarray:
        neg = self.c.negated(m)
        if cat == "booster":
            return np.where(neg, _HEDGE, _KEEP)
        if cat == "hedge":
            return np.where(neg & self.w["doubt"][m], _BOOSTER, _KEEP)
        return np.full(len(m), _KEEP)

    def approximator_quantity(
        self, m: np.ndarray, cat: str, stream: _Stream, k: np.ndarray, e: np.ndarray
    ) -> np.ndarray:
        c = self.c
        a0, a1 = c.after(m, 0), c.after(m, 1)
        out = np.full(len(m), _DROP)
        num = c.is_("number", a0)
        out[num] = _KEEP
        ask = np.flatnonzero((a0 != _PAD) & ~num)
        money = np.array(
            [
                stream.text(int(k[m[j]]), int(e[m[j]]), int(e[m[j]]) + 3).lstrip()[:1] in ("$", "€", "£", "¥")
                for j in ask.tolist()
            ],
            dtype=bool,
        )
        out[ask[money]] = _KEEP
        art = ((a0 == self._word("a")) | (a0 == self._word("an"))) & c.is_("article_quantity", a1)
        out[art] = _KEEP
        return out

    def may_modal(self, m: np.ndarray, cat: str) -> np.ndarray:
        c = self.c
        a0, a1 = c.after(m, 0), c.after(m, 1)
        bless = c.is_("blessing", a0) | (
            (a0 == self._word("the")) & ((a1 == self._word("almighty")) | (a1 == self._word("lord")))
        )
        digits = c.is_("digit", a0) | c.is_("digit", c.before(m, 1))
        return np.select([bless, digits, self.w["M"][m]], [_FORMULA, _DROP, _BY_HAND], _KEEP)

    def would_not_reported(self, m: np.ndarray, cat: str) -> np.ndarray:
        c = self.c
        reported = c.any_before(m, "reporting", _REPORTED_WINDOW)
        courtesy = self.courtesy(m, singular=False)
        a0 = c.after(m, 0)
        had = self.w["apostrophe_d"][m] & (c.is_("had_after", a0) | c.is_("would_ed", a0))
        return np.select([reported, courtesy, had], [_DROP, _FORMULA, _DROP], _KEEP)

    def cognition_verb(self, m: np.ndarray, cat: str) -> np.ndarray:
        c, w = self.c, self.w
        a0, a1, b1 = c.after(m, 0), c.after(m, 1), c.before(m, 1)
        noun = c.is_("noun_determiner", b1) & (b1 != self._word("that"))
        first = c.first_person_subject(m)
        fe = w["fe"][m]
        fe_keep = c.is_("feel_next", a0) | (
            (a0 == self._word("like")) & c.is_("clause_start", a1) & ~c.is_("article", a1)
        )
        fe_keep |= first & c.is_("clause_start", a0) & ~c.is_("feel_first_not", a0)
        supposed = w["supposed"][m] & (a0 == self._word("to")) & ~first
        return np.select(
            [
                noun,
                c.is_("cognition_not_before", a0),
                fe & fe_keep,
                fe,
                supposed,
                first,
                c.is_("clause_start", a0) | (a0 == _PAD),
            ],
            [_DROP, _DROP, _KEEP, _DROP, _KEEP, _KEEP, _KEEP],
            _DROP,
        )

    def emphatic_belief(self, m: np.ndarray) -> np.ndarray:
        c = self.c
        return self.w["believe_think"][m] & c.is_("emphatic", c.before(m, 1)) & ~c.negated(m, skip=1)

    def appear_epistemic(self, m: np.ndarray, cat: str) -> np.ndarray:
        c = self.c
        a0 = c.after(m, 0)
        return np.where((a0 == _PAD) | c.is_("appear_not_before", a0), _DROP, _KEEP)

    def rather_downtoner(self, m: np.ndarray, cat: str) -> np.ndarray:
        c = self.c
        drop = (c.after(m, 0) == self._word("than")) | c.is_("rather_not_after", c.before(m, 1))
        return np.where(drop, _DROP, _KEEP)

    def certain_predicative(self, m: np.ndarray, cat: str) -> np.ndarray:
        c = self.c
        a0 = c.after(m, 0)
        pred = c.is_("be_form", c.before(m, 1)) | c.is_("certain_next", a0) | (a0 == _PAD)
        return np.where(pred, self.negation(m, cat), _DROP)

    def possible_epistemic(self, m: np.ndarray, cat: str) -> np.ndarray:
        c = self.c
        b1 = c.before(m, 1)
        return np.where(c.is_("possible_not_after", b1) | c.is_("superlative", b1), _DROP, _KEEP)

    def us_pronoun(self, m: np.ndarray, cat: str) -> np.ndarray:
        return np.where(self.w["US"][m], _DROP, _KEEP)

    def modal_sense(self, m: np.ndarray, cat: str) -> np.ndarray:
        c, w = self.c, self.w
        b1 = c.before(m, 1)
        should = w["should"][m]
        formula = np.zeros(len(m), dtype=bool)
        if should.any():
            sm = np.flatnonzero(should)
            formula[sm] = self.courtesy(m[sm], singular=True)
        p0 = c.skip_adverbs(m, np.zeros(len(m), dtype=np.int64))
        nxt = c.after(m, p0)
        need_noun = c.is_("noun_determiner", b1)
        must_have = (nxt == self._word("have")) & c.is_("participle", c.after(m, p0 + 1))
        ought = w["ought"][m] & (nxt == self._word("to"))
        p = np.where(ought, p0 + 1, p0)
        nxt = np.where(ought, c.after(m, p), nxt)
        i_should = should & (b1 == self._word("i")) & c.is_("should_hedge_next", nxt)
        expect = c.is_("expectation_subject", b1) & (
            ((nxt == self._word("be")) & c.is_("expectation_predicate", c.after(m, p + 1)))
            | c.is_("expectation_verb", nxt)
        )
        return np.select(
            [
                should & formula,
                should & w["S"][m],
                w["need"][m] & need_noun,
                w["need"][m],
                w["must"][m] & must_have,
                w["must"][m],
                i_should,
                expect,
            ],
            [_FORMULA, _BY_HAND, _DROP, _KEEP, _BOOSTER, _KEEP, _HEDGE, _HEDGE],
            _KEEP,
        )

    def intensifier_stance(self, m: np.ndarray, cat: str) -> np.ndarray:
        c, w = self.c, self.w
        a0 = c.after(m, 0)
        demo = w["demonstrat"][m] | w["determined"][m]
        demo_keep = (a0 == self._word("that")) | (
            w["determined"][m] & (a0 == self._word("to")) & (c.before(m, 1) != self._word("been"))
        )
        near = (
            c.is_("stance_word", c.before(m, 1))
            | c.is_("stance_word", c.before(m, 2))
            | c.is_("stance_word", a0)
            | c.is_("stance_word", c.after(m, 1))
        )
        return np.select([demo & demo_keep, demo, near], [_KEEP, _DROP, _KEEP], _DROP)

    def formula_frame(self, m: np.ndarray, cat: str) -> np.ndarray:
        c, w = self.c, self.w
        p0 = c.skip_adverbs(m, np.zeros(len(m), dtype=np.int64))
        act = c.is_("speech_act", c.after(m, p0))
        return np.select([w["always_formula"][m], act, w["would_should"][m]], [_KEEP, _KEEP, _HEDGE], _DROP)

    def model_keep(
        self,
        model: HedgeModel,
        m: np.ndarray,
        cues: list[str],
        cue: np.ndarray,
        negated_cue: np.ndarray,
        flipped: np.ndarray,
        initial: np.ndarray,
        question: np.ndarray,
        weight_key: tuple,
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`HedgeModel.keep` of :func:`_model_features` for the matches ``m``, and where the answer is left
        to :func:`_decide` (a probability within 1e-9 of the threshold, where the order of a sum could tip it).
        ``weight_key``: the model's weights as :func:`_weight_tables` takes them (:attr:`_TableWork.weight_key`)."""
        c, wts = self.c, model.weights
        before, after = c.before(m, 1), c.after(m, 0)  # first: reading them may add a cut word to the vocabulary
        prev_cls, prev_names = self.low.classes(_PREV_VOCAB, "<s>", "NEG", "negator")
        next_cls, next_names = self.low.classes(_NEXT_VOCAB, "</s>", "NUM", "number")
        prev = prev_cls[before]
        nxt = next_cls[after]

        w = _weight_tables(weight_key, tuple(cues), tuple(prev_names), tuple(next_names))
        flags = {
            "negated": c.negated(m) | negated_cue,
            "first_person_subject": c.first_person_subject(m),
            "reported": c.any_before(m, "reporting", _REPORTED_WINDOW),
            "conditional": c.any_before(m, "if_unless"),
            "question": question,
            "sentence_initial": initial,
            "capitalised": self.w["upper"][m] & ~initial,
            "negated_booster": flipped,
        }
        z = np.zeros(len(m), dtype=np.float64)
        z += w["cue"][cue]
        z += w["prev"][prev]
        z += w["next"][nxt]
        z += w["cue&prev"][cue, prev]
        z += w["cue&next"][cue, nxt]
        for name, on in flags.items():
            z += np.where(on, wts.get(name, 0.0), 0.0)
            if name in ("negated", "first_person_subject", "question"):
                z += np.where(on, w["cue&" + name][cue], 0.0)
        z = model.intercept + z
        p = 1.0 / (1.0 + np.exp(-z))
        keep = p >= model.threshold
        return keep, np.abs(p - model.threshold) < 1e-9


@lru_cache(maxsize=8)
def _weight_tables(weights: tuple, cues: tuple, prev_names: tuple, next_names: tuple) -> dict[str, np.ndarray]:
    """The model's weights (``weights``: its items, so that a changed model is a new key) of the features of
    :func:`_model_features`, as arrays by cue and token class."""
    wts = dict(weights)

    def table(fmt: str, rows: tuple, cols: tuple = ("",)) -> np.ndarray:
        out = np.array([[wts.get(fmt.format(r, q), 0.0) for q in cols] for r in rows], dtype=np.float64)
        return out[:, 0] if cols == ("",) else out

    out = {
        "cue": table("cue={}{}", cues),
        "prev": table("prev={}{}", prev_names),
        "next": table("next={}{}", next_names),
        "cue&prev": table("cue={}&prev={}", cues, prev_names),
        "cue&next": table("cue={}&next={}", cues, next_names),
    }
    for name in ("negated", "first_person_subject", "question"):
        out["cue&" + name] = table("cue={}&" + name + "{}", cues)
    return out


def _decide_on_arrays(
    work: _TableWork,
    stream: _Stream,
    j: np.ndarray,
    k: np.ndarray,
    s: np.ndarray,
    e: np.ndarray,
    pis: np.ndarray,
    lead: np.ndarray,
    outcome: dict,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_decide` for the matches ``j`` (of a stream's documents ``k``, offsets ``s``-``e``, patterns
    ``pis``, their first token's :attr:`_Stream.lead`) on arrays: (match, entry slot, outcome code) of every
    kept entry, and the matches left to :func:`_decide` (a rare branch of a rule, a probability at the model's
    threshold)."""
    low = work.low
    assert low is not None, "the rules on arrays need the work's vocabulary (made when rules=True)"
    ctx = _Contexts(stream, low, stream.low_tok(low), k, s, e)
    # the flags of each matched word: of its pattern, and of its case
    rules = _RulesOnArrays(ctx, {name: f[pis] for name, f in work.pattern_flags.items()} | _case_flags(lead, s, e))
    reps = work.n_entries[pis]
    pair_m = np.repeat(np.arange(len(j)), reps)
    pair_slot = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    pair_entry = work.entry_id[work.entry_ptr[pis[pair_m]] + pair_slot]
    by_hand = np.zeros(len(j), dtype=bool)
    out_m: list[np.ndarray] = []
    out_slot: list[np.ndarray] = []
    out_code: list[np.ndarray] = []
    model = work.model
    asked: list[tuple[int, bool]] = []  # the rows the model decides: (their slot in out_*, of a booster entry)
    # the pairs of each entry, in their order (a stable sort: as flatnonzero(pair_entry == ent) gives them)
    by_entry = np.argsort(pair_entry, kind="stable")
    entries, first = np.unique(pair_entry[by_entry], return_index=True)
    bounds = np.append(first, len(by_entry)).tolist()
    for q, ent in enumerate(entries.tolist()):
        category, rule, kind = work.entry_list[ent]
        sel = by_entry[bounds[q] : bounds[q + 1]]
        m = pair_m[sel]
        learned_decides = model is not None and category == "hedge" and kind == "epistemic"
        applies = bool(rule) and not (learned_decides and rule in LEARNED_RULES)
        dec = np.full(len(m), _KEEP)
        emph = rules.emphatic_belief(m) if rule == "cognition_verb" else np.zeros(len(m), dtype=bool)
        if applies:
            rest = np.flatnonzero(~emph)
            if rule == "approximator_quantity":
                dec[rest] = rules.approximator_quantity(m[rest], category, stream, k, e)
            else:
                dec[rest] = getattr(rules, rule)(m[rest], category)
        dec[emph] = _BOOSTER
        by_hand[m[dec == _BY_HAND]] = True
        for code in np.unique(dec).tolist():
            if code in (_DROP, _BY_HAND):
                continue
            decided = category if code == _KEEP else _OUTCOME_NAMES[code]
            new_kind = kind if decided == category else ("epistemic" if decided == "hedge" else "")
            for is_emph in (False, True):
                pick = np.flatnonzero((dec == code) & (emph == is_emph))
                if not len(pick):
                    continue
                label = rule if is_emph else _rule_label(rule, category, decided) if applies else "lexicon"
                mp = m[pick]
                if model is not None and decided == "hedge" and new_kind == "epistemic":
                    if type(model) is not HedgeModel:  # another model (a subclass, a recorder of what it is asked)
                        by_hand[mp] = True  # is asked by _decide, match by match, as it asks (keep/probability)
                        continue
                    if decided == category:
                        label = "learned"
                    # the model is asked below, once for the matches of every entry (its answer for a match does
                    # not depend on the others asked with it); their rows keep their place in the output
                    asked.append((len(out_m), category == "booster"))
                out_m.append(mp)
                out_slot.append(pair_slot[sel[pick]])
                out_code.append(np.full(len(mp), outcome.setdefault((decided, new_kind, label), len(outcome))))
    if asked:
        assert model is not None  # (asked only of a HedgeModel)
        mp = np.concatenate([out_m[slot] for slot, _ in asked])
        initial = np.zeros(len(j), dtype=bool)
        question = np.zeros(len(j), dtype=bool)
        ask = np.unique(mp)  # a match of two entries asked of: its sentence read once
        initial[ask], question[ask] = _sentence_flags(stream, k[ask], s[ask], e[ask])
        keep, unsure = rules.model_keep(
            model,
            mp,
            work.cues,
            work.cue_of[pis[mp]],
            work.negated_cue[pis[mp]],
            np.concatenate([np.full(len(out_m[slot]), booster) for slot, booster in asked]),
            initial[mp],
            question[mp],
            work.weight_key,
        )
        by_hand[mp[unsure]] = True
        at = 0
        for slot, _ in asked:  # each entry's rows cut to those the model keeps
            kept = keep[at : at + len(out_m[slot])]
            at += len(kept)
            out_m[slot], out_slot[slot], out_code[slot] = out_m[slot][kept], out_slot[slot][kept], out_code[slot][kept]

    def cat(parts: list) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    all_m, all_slot, all_code = cat(out_m), cat(out_slot), cat(out_code)
    keep = ~by_hand[all_m] if len(all_m) else np.zeros(0, dtype=bool)
    return all_m[keep], all_slot[keep], all_code[keep], np.flatnonzero(by_hand)


def _sentence_flags(stream: _Stream, k: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`_Context.sentence_initial` and whether :meth:`_Context.sentence_end` is "?", for every match: in one
    compiled pass (:func:`toolkit._kernels.sentence_flags`; the tests compare it with the numpy form it replaced)."""
    mk = stream.marks
    return _sentence_flags_kernel(
        mk.sent,
        mk.blank_start,
        mk.blank_end,
        mk.at,
        mk.cls,
        mk.chunk_start,
        mk.chunk_end,
        mk.newline,
        stream.base[k],
        stream.stop[k],
        s,
        e,
        _SENTENCE_END_READ,
    )
