"""Sentences and tokens: split texts into sentences and words, with character offsets.

Nothing here needs downloaded data. Sentences come from NLTK's Punkt algorithm
run with hand-written parameters (the abbreviations and frequent sentence
starters of diplomatic English, :data:`ABBREVIATIONS` and
:data:`SENTENCE_STARTERS`) instead of a trained model, with a newline as a hard
boundary. Tokens come from one compiled regular expression (:data:`TOKEN_PATTERN`).

A *token* is a stretch of the text: ``text[start:end]``, exactly as written.
Its *term* is what is counted: the token lower-cased one code point for one,
without invisible format characters (the soft hyphen of "Per\\u00adhaps"), in
Unicode NFC ("Anto\\u0301nio" and "António" are one term). Every entry point
gives the same tokens: :func:`token_spans`, :func:`tokenize`, :func:`tokens`,
:data:`TOKENIZER` and the document-term matrix of :mod:`toolkit.counts`.

Every function that returns a frame gives character offsets into the document
text, so ``text[start:end]`` is always the sentence or token.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit import _kernels as K
from toolkit._paragraphs import PARAGRAPH, hard_wrapped
from toolkit._parallel import batches, check_n_jobs, map_batches
from toolkit._tokens import TOKEN_PATTERN, code_points
from toolkit._tokens import TOKEN_RE as _TOKEN_RE
from toolkit._tokens import lower_keeping_offsets as _lower
from toolkit._tokens import terms as _terms
from toolkit._validation import check_columns, check_one_of, check_texts

__all__ = [
    "ABBREVIATIONS",
    "PLACE_NAMES_PATH",
    "SENTENCE_STARTERS",
    "STOP_WORDS",
    "TOKENIZER",
    "TOKEN_PATTERN",
    "place_names",
    "split_sentences",
    "token_spans",
    "tokenize",
    "tokens",
]

#: The English stop words of every ``stop_words="english"`` (counting, keyness, topic models,
#: collocations): scikit-learn's list (318 words, lower case; ``toolkit/data/stop_words_english.txt``,
#: written from scikit-learn's ``ENGLISH_STOP_WORDS``, so ``import toolkit`` need not import
#: scikit-learn) and the possessive clitic as the tokenizer cuts it, ``'s`` and ``’s`` ("China's" is
#: "china", "'s"), which otherwise heads word lists and topics. :data:`toolkit.TOPIC_STOP_WORDS` is
#: another name for this set.
STOP_WORDS: frozenset[str] = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "data" / "stop_words_english.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
) | {"'s", "’s"}

#: Abbreviations after which a period does not end a sentence (lower case, without
#: the final period, as Punkt stores them). A following capitalised word of
#: :data:`SENTENCE_STARTERS` still starts a new sentence ("... the U.S. The next").
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        # titles and ranks
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "h.e",
        "amb",
        "gen",
        "sen",
        "rep",
        "gov",
        "lt",
        "col",
        "capt",
        "sgt",
        "adm",
        "hon",
        "rev",
        "messrs",
        "mme",
        "mlle",
        "st",
        "jr",
        "sr",
        # months and days
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        # references and Latin
        "no",
        "nos",
        "art",
        "arts",
        "para",
        "paras",
        "sec",
        "ch",
        "vol",
        "p",
        "pp",
        "cf",
        "vs",
        "v",
        "e.g",
        "i.e",
        "al",
        "approx",
        "ca",
        "fig",
        "op",
        "res",
        # states and organisations
        "u.s",
        "u.s.a",
        "u.n",
        "u.k",
        "e.u",
        "d.p.r.k",
        "r.o.k",
        "p.r.c",
        "u.s.s.r",
        "inc",
        "corp",
        "co",
        "ltd",
        "dept",
        "assn",
        "intl",
    }
)

#: Capitalised words that start a sentence even after an abbreviation ("the U.S. The").
SENTENCE_STARTERS: frozenset[str] = frozenset(
    {
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "we",
        "i",
        "they",
        "you",
        "there",
        "his",
        "her",
        "our",
        "their",
        "my",
        "but",
        "and",
        "however",
        "in",
        "on",
        "at",
        "for",
        "as",
        "if",
        "when",
        "while",
        "after",
        "before",
        "since",
        "although",
        "though",
        "yet",
        "so",
        "thus",
        "therefore",
        "meanwhile",
        "moreover",
        "furthermore",
        "nevertheless",
        "still",
        "also",
        "today",
        "now",
        "then",
        "what",
        "why",
        "how",
        "who",
        "where",
        "let",
        "such",
        "all",
        "both",
        "each",
        "many",
        "some",
        "not",
        "any",
        "every",
        "with",
        "by",
        "from",
        "to",
        "under",
        "during",
        "asked",
        "according",
    }
)

#: Abbreviations that end a sentence unless a lower-case word follows ("etc. and" vs "etc. The").
_LOWERCASE_CONTINUES: frozenset[str] = frozenset({"etc"})

# Punkt's orthographic context bits (see nltk.tokenize.punkt): seen upper case at the
# beginning of a sentence, in the middle of one; lower case at the beginning, in the middle;
# any upper case, any lower case.
_ORTHO_BEG_UC, _ORTHO_MID_UC, _ORTHO_BEG_LC, _ORTHO_MID_LC = 1 << 1, 1 << 2, 1 << 4, 1 << 5
_ORTHO_UC = _ORTHO_BEG_UC | _ORTHO_MID_UC | 1 << 3
_ORTHO_LC = _ORTHO_BEG_LC | _ORTHO_MID_LC | 1 << 6

# Every line boundary of str.splitlines: \r, \n, \v, \f, \x1c-\x1e, \x85 (NEL), \u2028 and \u2029.
_LINE = re.compile(r"[^\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_ENDS_LOWERCASE_CONTINUES = re.compile(
    r"\b(?:" + "|".join(re.escape(a) for a in sorted(_LOWERCASE_CONTINUES)) + r")\.\W*$", re.IGNORECASE
)
_STARTS_LOWER = re.compile(r"[^\w]*[a-z]")  # matched at a sentence's start (pattern.match(line, start, end))
# A period (or ? !) and a closing quote, then a capitalised word: a boundary Punkt misses
# after an abbreviation ('... the answer was "no." Then ...').
_QUOTE_END = re.compile(r"(?<=[.?!][\"”’'])\s+(?=[\"“‘]?[A-Z])")
#: A closing quote after . ? !, which :data:`_QUOTE_END` looks behind for (the quote is the match's second character).
_QUOTE_AFTER_END = re.compile(r"[.?!][\"”’']")


def _starts_lower(line: str, start: int, end: int) -> bool:
    """``_STARTS_LOWER.match(line, start, end)``, without the regex for a span that starts with a word character."""
    c = line[start]
    if "a" <= c <= "z":
        return True
    if c.isalnum() or c == "_":  # re's \w
        return False
    return _STARTS_LOWER.match(line, start, end) is not None


def __getattr__(name: str) -> Any:
    """:data:`TOKENIZER`, made when first asked for (it is NLTK's class, and NLTK is imported only when used)."""
    if name == "TOKENIZER":
        from toolkit._nltk import Tokenizer

        tokenizer = globals()["TOKENIZER"] = Tokenizer()
        return tokenizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "TOKENIZER"})


if TYPE_CHECKING:
    from nltk.tokenize import RegexpTokenizer
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    #: NLTK's tokenizer interface (``tokenize``, ``span_tokenize``) to the same tokens as
    #: :func:`tokenize` with ``lowercase=False`` and :func:`token_spans` (made when first used).
    TOKENIZER: RegexpTokenizer


@lru_cache(maxsize=1)
def _punkt() -> PunktSentenceTokenizer:
    """Return the module's Punkt tokenizer, built once from hand-written parameters."""
    from toolkit._nltk import RememberingPunkt, UnlimitedPunktVars, punkt_parameters

    params = punkt_parameters()
    params.abbrev_types = set(ABBREVIATIONS)
    params.sent_starters = set(SENTENCE_STARTERS)
    for word in SENTENCE_STARTERS:
        # "seen capitalised at sentence starts and lower case inside sentences": makes
        # Punkt break after an abbreviation or an initial when one of these follows.
        params.ortho_context[word] |= _ORTHO_BEG_UC | _ORTHO_MID_LC
    return RememberingPunkt(params, UnlimitedPunktVars())


def prepare_sentences() -> None:
    """Import NLTK and build what cutting sentences reads (Punkt with the module's parameters, the compiled
    pass's tables), once per process; every function that cuts sentences calls it first.

    ``import toolkit`` leaves NLTK out (about 1.4 s and 90 MiB that measures without sentences need not pay),
    so a process's first sentences pay for it. Call this before forking processes that cut sentences (each
    would import NLTK again, in memory of its own), or before timing the cutting itself."""
    _punkt_tables()


#: The longest word :func:`toolkit._kernels.punkt_candidates` numbers (base 37 in 64 bits).
_PUNKT_WORD_LIMIT = 12


def _word_number(word: str) -> int:
    """The number :func:`toolkit._kernels._word_code` gives a lower-case ASCII word of digits and letters."""
    return sum((ord(c) - 47 if c.isdigit() else ord(c) - 97 + 11) * 37**i for i, c in enumerate(word))


@lru_cache(maxsize=1)
def _punkt_tables() -> tuple:
    """What :func:`toolkit._kernels.punkt_candidates` reads: each code point's classes, taken from the engines
    Punkt uses (its sentence-end characters, the ``regex`` module's ``\\s``, its non-word characters,
    ``string.whitespace``), and the numbers of the words of its parameters that a plain ASCII word can be.

    Every code point of these classes lies below U+3001 (``tests/test_text.py`` checks all of them); the
    numbered sets hold only words of at most :data:`_PUNKT_WORD_LIMIT` characters, else no context is decided
    here (the limit passed is -1) and Punkt is asked about each."""
    import string

    import regex

    punkt = _punkt()
    params, lang = punkt._params, punkt._lang_vars
    size = 0x3001 + 1
    chars = "".join(map(chr, range(size)))
    cls = np.zeros(size, dtype=np.uint8)

    def mark(found: Iterable[str], bit: int) -> None:
        for ch in found:
            cls[ord(ch)] |= bit

    mark(lang.sent_end_chars, K.PUNKT_END)
    mark(regex.findall(lang._re_non_word_chars, chars), K.PUNKT_NONWORD)
    mark(regex.findall(r"\s", chars), K.PUNKT_SPACE)
    mark(string.whitespace, K.PUNKT_STRING_SPACE)
    mark(string.digits, K.PUNKT_DIGIT)
    mark(string.ascii_lowercase, K.PUNKT_LOWER)
    mark(string.ascii_uppercase, K.PUNKT_UPPER)
    mark((c for c in chars if c.isspace()), K.PUNKT_STR_SPACE)

    def plain(words: Iterable[str]) -> list[str]:  # the words a lower-cased plain ASCII word can equal
        return [w for w in words if w.isascii() and w.isalnum() and w == w.lower()]

    abbrevs, starters = plain(params.abbrev_types), plain(params.sent_starters)
    ortho = {w: f for w, f in params.ortho_context.items() if f}
    # the compiled answers assume: no collocations, no abbreviation with a hyphen (a hyphenated word is looked up whole and by its
    # last part), starters and orthographic contexts of plain words only (a punctuation mark has none), and
    # every word of the sets numbered
    sure = (
        not params.collocations
        and not any("-" in w for w in params.abbrev_types)
        and len(starters) == len(params.sent_starters)
        and len(plain(ortho)) == len(ortho)
        and max(map(len, [*abbrevs, *starters, *ortho]), default=0) <= _PUNKT_WORD_LIMIT
    )
    limit = _PUNKT_WORD_LIMIT if sure else -1
    words = sorted(ortho, key=_word_number)

    def numbers(ws: Iterable[str]) -> np.ndarray:
        return np.array(sorted(_word_number(w) for w in ws), dtype=np.int64)

    return (
        cls,
        numbers(abbrevs),
        numbers(starters),
        numbers(words),
        np.array([ortho[w] for w in words], dtype=np.int64),
        int(params.ortho_context.get("##number##", 0)),
        "##number##" in params.sent_starters,
        limit,
    )


#: The characters that can open Punkt's realigned closing punctuation (the class of
#: :data:`toolkit._nltk.REALIGN`; the
#: compiled sentence cuts compare with the same code points).
_CLOSING = frozenset(map(chr, K._CLOSING_POINTS))


def _punkt_breaks(text: str, blocks: list[tuple[int, int]]) -> tuple[np.ndarray, ...]:
    """Punkt's sentence breaks in the blocks ``text[s:e]`` of ``blocks`` (each block on its own), found in one
    compiled pass: ``(points, starts, ends, bounds, stop, follow)``, offsets from the first block's start.

    ``points``: the code points from the first block's start to the last one's end; ``starts``, ``ends``: the
    blocks; block ``b``'s breaks are ``bounds[b]`` to ``bounds[b + 1]`` of ``stop`` (one past the character that
    ends a sentence) and ``follow`` (where the next sentence's slice starts: the token after the spaces, or the
    punctuation after the break).

    ``PunktSentenceTokenizer.span_tokenize`` walks generators of slices in Python and tests each candidate break
    by tokenizing its context and annotating the tokens. Here
    :func:`toolkit._kernels.punkt_candidates` finds the candidates as Punkt's pattern does, the word before
    each as ``_match_potential_end_contexts`` does, and decides a context of two plain ASCII words ("States.
    The") as ``_first_pass_annotation``, ``_second_pass_annotation`` and ``_ortho_heuristic`` do with the
    module's parameters (no collocations); any other context is NLTK's (remembered) test.
    """
    lo, hi = blocks[0][0], blocks[-1][1]  # the code points of the blocks' stretch of the text alone
    starts = np.fromiter((b[0] - lo for b in blocks), dtype=np.int64, count=len(blocks))
    ends = np.fromiter((b[1] - lo for b in blocks), dtype=np.int64, count=len(blocks))
    points = code_points(text if (lo, hi) == (0, len(text)) else text[lo:hi])
    blk, at, word, after, nxt, answer = K.punkt_candidates(points, starts, ends, *_punkt_tables())
    ask = np.flatnonzero(answer < 0)
    if len(ask):
        test = _punkt().text_contains_sentbreak
        answer[ask] = [test(text[w:a]) for w, a in zip((word[ask] + lo).tolist(), (after[ask] + lo).tolist())]
    brk = answer == 1
    stop = at[brk] + 1
    follow = np.where(nxt[brk] >= 0, nxt[brk], stop)
    bounds = np.searchsorted(blk[brk], np.arange(len(blocks) + 1))
    return points, starts, ends, bounds, stop, follow


def _realigned(text: str, s0: int, e0: int, follow: list[int], stop: list[int]) -> list[tuple[int, int]]:
    """Punkt's sentences of the block ``text[s0:e0]`` from its breaks (offsets into ``text``): the slices
    between them, realigned as in ``_realign_boundaries`` (closing punctuation after a break joins the sentence
    before it)."""
    slices = list(zip([s0, *follow], stop))
    slices.append((follow[-1] if follow else s0, s0 + len(text[s0:e0].rstrip())))
    from toolkit._nltk import REALIGN

    spans: list[tuple[int, int]] = []
    realign = 0
    last = len(slices) - 1
    for k, (start, end) in enumerate(slices):
        start += realign
        if k < last:
            n_start, n_end = slices[k + 1]
            m = REALIGN.match(text[n_start:n_end]) if n_start < n_end and text[n_start] in _CLOSING else None
            if m:
                spans.append((start, n_start + len(m.group(0).rstrip())))
                realign = m.end()
                continue
            realign = 0
        if start < min(end, e0):
            spans.append((start, end))
    return spans


def _punkt_block_spans(text: str, blocks: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """For each block ``text[s:e]`` of ``blocks``, the spans of NLTK's ``_punkt().span_tokenize(text[s:e])``
    (offsets into ``text``): the breaks of :func:`_punkt_breaks`, realigned (:func:`_realigned`).
    ``tests/test_text.py`` compares the spans with NLTK's."""
    if not blocks:
        return []
    lo = blocks[0][0]
    _, _, _, bounds, stop, follow = _punkt_breaks(text, blocks)
    stop_l, follow_l, bounds_l = (stop + lo).tolist(), (follow + lo).tolist(), bounds.tolist()
    return [
        _realigned(text, s0, e0, follow_l[bounds_l[b] : bounds_l[b + 1]], stop_l[bounds_l[b] : bounds_l[b + 1]])
        for b, (s0, e0) in enumerate(blocks)
    ]


def _punkt_spans(line: str) -> list[tuple[int, int]]:
    """The spans of NLTK's ``_punkt().span_tokenize(line)`` (:func:`_punkt_block_spans` of one block)."""
    return _punkt_block_spans(line, [(0, len(line))])[0]


def _line_sentence_spans(text: str) -> np.ndarray:
    """Return the (start, end) of each sentence of ``text``, an (n, 2) int64 array.

    A line break ends a sentence, except in a hard-wrapped text (:func:`toolkit._paragraphs.hard_wrapped`), where a blank line
    ends a paragraph and a single line break is a space.
    """
    return _block_sentence_spans(text, _blocks(text))


def _block_sentence_spans(text: str, blocks: list[tuple[int, int]]) -> np.ndarray:
    """The sentences of the blocks ``text[s:e]`` of ``blocks`` (offsets into ``text``, an (n, 2) int64 array in
    text order), each block split on its own: Punkt's spans (:func:`_punkt_block_spans`), with the module's
    corrections (:func:`_corrected`).

    The breaks come from :func:`_punkt_breaks`; :func:`toolkit._kernels.sentence_cuts` cuts, strips and joins
    the sentences of most blocks in one compiled pass, and leaves to Python (:func:`_realigned`, then
    :func:`_corrected`) the blocks where a slice after a break starts with closing punctuation (which Punkt may
    realign), a sentence may end in "etc.", or a closing quote follows . ? ! (``tests/test_text.py`` compares
    the two on drawn texts).
    """
    if not blocks:
        return np.zeros((0, 2), dtype=np.int64)
    lo = blocks[0][0]
    points, starts, ends, bounds, stop, follow = _punkt_breaks(text, blocks)
    cut_start, cut_end, cut_block, fallback = K.sentence_cuts(
        points, _punkt_tables()[0], starts, ends, bounds, stop, follow
    )
    del points
    spans = np.stack([cut_start, cut_end], axis=1) + lo
    redo = np.flatnonzero(fallback).tolist()
    if not redo:
        return spans
    stop_l, follow_l, bounds_l = (stop + lo).tolist(), (follow + lo).tolist(), bounds.tolist()
    found, found_block = [spans], [cut_block]
    for b in redo:
        s0, e0 = blocks[b]
        # where a closing quote follows . ? ! (a sentence with none cannot hold a break of _QUOTE_END)
        quotes = [m.start() + 1 for m in _QUOTE_AFTER_END.finditer(text, max(lo, s0 - 2), e0)]
        k, k1 = bounds_l[b], bounds_l[b + 1]
        cut = _corrected(text, _realigned(text, s0, e0, follow_l[k:k1], stop_l[k:k1]), quotes)
        found.append(np.array(cut, dtype=np.int64).reshape(-1, 2))
        found_block.append(np.full(len(cut), b, dtype=np.int64))
    # the blocks in order, each block's sentences as found (a stable sort by block)
    order = np.argsort(np.concatenate(found_block), kind="stable")
    return np.concatenate(found)[order]


def _blocks(text: str) -> list[tuple[int, int]]:
    """The (start, end) of the pieces of ``text`` that no sentence crosses: its lines, or a hard-wrapped
    text's paragraphs. Each is split into sentences on its own, so they can be split by several workers."""
    blocks = PARAGRAPH.finditer(text) if hard_wrapped(text) else _LINE.finditer(text)
    return [m.span() for m in blocks]


#: A text longer than this many characters (and than its share of the work) is cut at line breaks into pieces
#: for :func:`sentence_spans`' workers.
_SENTENCE_PIECE = 1 << 18

#: Any line break of ``str.splitlines``: where :data:`_LINE`'s blocks end.
_LINE_BREAK = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def _sentence_units(texts: list[str], n_jobs: int) -> list[tuple[int, int, int, bool]]:
    """``(text, start, end, hard-wrapped)`` pieces of the texts that no sentence crosses, for the workers: a whole
    text, or, for a long text split by its lines, stretches of it cut at line breaks (none inside a line)."""
    size = max(sum(map(len, texts)) // (n_jobs * 4), _SENTENCE_PIECE)
    units = []
    for d, text in enumerate(texts):
        wrapped = hard_wrapped(text)
        start = 0
        if not wrapped:
            for k in range(1, -(-len(text) // size)):
                cut = _LINE_BREAK.search(text, max(start, k * size))
                if cut is None:
                    break
                if cut.start() > start:
                    units.append((d, start, cut.start(), False))
                    start = cut.start()
        units.append((d, start, len(text), wrapped))
    return units


def _unit_sentences(shared: tuple[list[str], list[tuple[int, int, int, bool]]], batch: range) -> list[np.ndarray]:
    """A worker's share of :func:`sentence_spans`: the sentences of the pieces ``batch``, (n, 2) int64 offsets
    from each piece's start (so a worker given the pieces as texts of their own answers in the same terms)."""
    texts, units = shared
    out = []
    for u in batch:
        d, start, end, wrapped = units[u]
        text = texts[d]
        blocks = [m.span() for m in (PARAGRAPH if wrapped else _LINE).finditer(text, start, end)]
        out.append(_block_sentence_spans(text, blocks) - start)
    return out


def _take_units(shared: tuple[list[str], list[tuple[int, int, int, bool]]], batch: range) -> tuple:
    """The pieces ``batch`` as texts of their own, for a worker that does not fork."""
    texts, units = shared
    pieces = [texts[units[u][0]][units[u][1] : units[u][2]] for u in batch]
    return pieces, [(i, 0, len(p), units[u][3]) for i, (u, p) in enumerate(zip(batch, pieces))]


def _ends_lowercase_continues(line: str, start: int, end: int) -> bool:
    """Whether ``line[start:end]`` ends with one of :data:`_LOWERCASE_CONTINUES` and a period ("... etc.").

    The same as ``_ENDS_LOWERCASE_CONTINUES.search(line[start:end])``, but reading
    only the end of the span: a search of the whole span for every merged sentence
    is quadratic in a long line ("etc. and etc. and ...").
    """
    j = end
    while j > start and not (line[j - 1].isalnum() or line[j - 1] == "_"):  # the trailing \W* run
        j -= 1
    if j == end or line[j] != ".":
        return False
    for abbrev in _LOWERCASE_CONTINUES:
        k = j - len(abbrev)
        if (
            k >= start
            and line[k:j].lower() == abbrev
            and (k == start or not (line[k - 1].isalnum() or line[k - 1] == "_"))
        ):
            return True
    return False


def _corrected(line: str, punkt_spans: list[tuple[int, int]], quotes: list[int]) -> list[tuple[int, int]]:
    """Punkt's sentences of one block of ``line`` (its spans, offsets into ``line``), stripped, with the module's
    corrections applied. ``quotes``: the sorted offsets of the quotes of :data:`_QUOTE_AFTER_END`'s matches in the block (or
    more)."""
    merged: list[list[int]] = []
    for s, e in punkt_spans:
        if s >= e:
            continue
        if line[s].isspace() or line[e - 1].isspace():  # str.strip's whitespace at an edge (Punkt's rarely has)
            piece = line[s:e]
            stripped = piece.strip()
            if not stripped:
                continue
            s += len(piece) - len(piece.lstrip())
            e = s + len(stripped)
        if merged and (
            s == merged[-1][1]  # no space between: "![]()" is not "!" + "[]()"
            or (_starts_lower(line, s, e) and _ends_lowercase_continues(line, merged[-1][0], merged[-1][1]))
        ):
            merged[-1][1] = e
        else:
            merged.append([s, e])
    out: list[tuple[int, int]] = []
    for s, e in merged:
        k = bisect_left(quotes, s - 1)
        if k == len(quotes) or quotes[k] >= e - 1:  # a break of _QUOTE_END at p needs a quote at p - 1
            out.append((s, e))
            continue
        for gap in _QUOTE_END.finditer(line, s, e):
            out.append((s, gap.start()))
            s = gap.end()
        out.append((s, e))
    return out


def _check_text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a str, got {type(value).__name__}.")
    return value


def _docs_texts(docs: pd.DataFrame, name: str) -> tuple[list[str], list[str]]:
    """Return (doc_ids, texts) of a docs frame, after checking columns and texts (missing, or not str)."""
    check_columns(docs, ["doc_id", "text"], name=name)
    check_texts(docs, name=name)
    return [str(d) for d in docs["doc_id"]], [str(t) for t in docs["text"]]


def sentence_spans(texts: list[str], *, n_jobs: int | None = None) -> list[np.ndarray]:
    """The (start, end) of each sentence of each text, as :func:`split_sentences` finds them, without a frame:
    one (n, 2) int64 array per text.

    For callers that need the offsets alone (the sentence units of :mod:`toolkit._rating`): no string per
    sentence. ``n_jobs`` as in :func:`split_sentences`: workers take whole texts, or stretches of a long text
    cut at line breaks (a hard-wrapped text, whose sentences cross its lines, is taken whole).
    """
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise ValueError("texts must be a list of str (one per document); for one text, pass [text].")
    n_jobs = check_n_jobs(n_jobs)
    if n_jobs == 1:
        return [_line_sentence_spans(text) for text in texts]
    prepare_sentences()  # once, here: each forked worker would import NLTK and build the tables again
    units = _sentence_units(texts, n_jobs)
    parts = batches([end - start for _, start, end, _ in units], n_jobs * 4)
    arrays = map_batches(_unit_sentences, (texts, units), parts, n_jobs, take=_take_units)
    return _joined(units, [spans for batch in arrays for spans in batch], len(texts))


def _joined(units: list[tuple[int, int, int, bool]], pieces: list[np.ndarray], n_texts: int) -> list[np.ndarray]:
    """Each text's sentences from those of its pieces (:func:`_sentence_units`; ``pieces[u]``: the spans of unit
    ``u`` from the piece's start, as :func:`_unit_sentences` gives them), in text order."""
    found: list[list[np.ndarray]] = [[] for _ in range(n_texts)]
    for (d, start, _, _), spans in zip(units, pieces, strict=True):
        found[d].append(spans + start)
    return [np.concatenate(f) if f else np.zeros((0, 2), dtype=np.int64) for f in found]


def spans_piece_by_piece(text: str, n_jobs: int) -> np.ndarray:
    """:func:`sentence_spans` of one text, cut in the pieces it would give ``n_jobs`` workers, one after the other
    in this process: what a piece's cutting holds is let go before the next (the sentences of
    :class:`toolkit._rating.SentencesAhead`'s process)."""
    units = _sentence_units([text], n_jobs)
    return _joined(units, _unit_sentences(([text], units), range(len(units))), 1)[0]


def split_sentences(text_or_docs: str | pd.DataFrame, *, n_jobs: int | None = None) -> pd.DataFrame:
    """Split a text, or every text of a docs frame, into sentences with character offsets.

    Punkt (NLTK) with the hand-written :data:`ABBREVIATIONS` and
    :data:`SENTENCE_STARTERS` decides where sentences end: not after "U.S.",
    "Feb. 5", "Mr.", "H.E.", "No. 2231", "e.g.", an initial ("Joe R. Biden")...,
    but after "?", "!", a period followed by a closing quote, and after an
    abbreviation followed by a frequent sentence starter ("the U.S. The
    next"). "etc." ends a sentence unless a lower-case word follows. A line
    break ends a sentence (every boundary of ``str.splitlines``: ``\\n``,
    ``\\r``, ``\\u2028``, ...): lines and paragraphs are not joined, except
    in a hard-wrapped text, whose lines break inside sentences (the UNGDC
    speeches of 1992-2014: 10 or more lines, nine in ten at most 120
    characters long, at least half of them ending without ``. ! ? : ;``; see
    :data:`toolkit._paragraphs.HARD_WRAP_MIN_LINES`): there a blank line ends a paragraph and a
    single line break is a space, so a sentence may hold line breaks.

    Parameters
    ----------
    text_or_docs : str or DataFrame
        One text, or a docs frame with at least the columns ``doc_id`` and ``text``.
    n_jobs : int, optional
        Processes, this one and ``n_jobs - 1`` workers (None or 1: this process
        alone; -1: every CPU), each taking
        whole texts, or stretches of whole lines of a long text (which no
        sentence crosses): one long text is split on several cores too, unless
        it is hard-wrapped (its sentences cross lines; it is taken whole). The
        sentences do not depend on it.

    Returns
    -------
    DataFrame
        One row per sentence, in text order, with the columns

        - ``doc_id`` (string): the document's id; <NA> when a plain string was given;
        - ``sentence_id`` (int64): 0-based position of the sentence within its document;
        - ``start``, ``end`` (int64): character offsets into the document text,
          ``text[start:end]`` is the sentence (no surrounding whitespace);
        - ``text`` (string): the sentence.

    Raises
    ------
    ValueError
        ``text_or_docs`` is neither a str nor a DataFrame; the frame lacks
        ``doc_id`` or ``text``; a document's text is missing (the message names its doc_id).

    Examples
    --------
    >>> s = split_sentences("H.E. Mr. Wang Yi spoke on Feb. 5 about the U.S. The talks went well. Did they?")
    >>> s["text"].tolist()
    ['H.E. Mr. Wang Yi spoke on Feb. 5 about the U.S.', 'The talks went well.', 'Did they?']
    >>> s[["sentence_id", "start", "end"]].values.tolist()
    [[0, 0, 47], [1, 48, 68], [2, 69, 78]]
    """
    if isinstance(text_or_docs, str):
        doc_ids: list[str | None] = [None]
        texts = [text_or_docs]
    elif isinstance(text_or_docs, pd.DataFrame):
        ids, texts = _docs_texts(text_or_docs, "text_or_docs")
        doc_ids = list(ids)
    else:
        raise ValueError(
            f"text_or_docs must be a str or a docs DataFrame (columns doc_id, text), got {type(text_or_docs).__name__}."
        )
    spans_of_docs = sentence_spans(texts, n_jobs=check_n_jobs(n_jobs))
    counts = [len(spans) for spans in spans_of_docs]
    flat = np.concatenate(spans_of_docs) if spans_of_docs else np.zeros((0, 2), dtype=np.int64)
    return pd.DataFrame(
        {
            "doc_id": pd.array([d for d, n in zip(doc_ids, counts) for _ in range(n)], dtype="string"),
            "sentence_id": np.concatenate([np.arange(n, dtype=np.int64) for n in counts] or [np.zeros(0, np.int64)]),
            "start": flat[:, 0].copy(),
            "end": flat[:, 1].copy(),
            "text": pd.array(
                [text[a:b] for text, spans in zip(texts, spans_of_docs) for a, b in spans.tolist()], dtype="string"
            ),
        }
    )


def tokenize(text: str, *, lowercase: bool = True) -> list[str]:
    """Return the terms of the word tokens of ``text`` (or the tokens as written), by :data:`TOKEN_PATTERN`.

    Words keep internal hyphens, apostrophes and periods ("seoul-washington",
    "don't", "1.4", "u.s"), and the combining marks and invisible format
    characters inside them ("Anto\\u0301nio", "Per\\u00adhaps"); the clitic "'s"
    is a token of its own ("china", "'s"); punctuation is dropped. Fast enough
    for tens of millions of tokens (one compiled regular expression,
    ``re.findall``: about 2 million tokens a second).

    Parameters
    ----------
    text : str
        The text.
    lowercase : bool
        True (default): each token's *term*, what the document-term matrix
        counts: lower-cased one code point for one (:func:`_lower`: "İ" is "i"),
        without format characters (the soft hyphen U+00AD, zero-width joiners:
        "Per\\u00adhaps" is "perhaps") and in Unicode NFC (a letter and a
        combining accent become the accented letter, so "Anto\\u0301nio" and
        "António" are the one term "antónio"). False: the tokens exactly as
        written, ``text[start:end]`` for each pair of :func:`token_spans`.

    Returns
    -------
    list of str
        One string per token, in text order.

    Raises
    ------
    ValueError
        ``text`` is not a str.

    Examples
    --------
    >>> tokenize("China's 1.4 billion people and the Seoul-Washington alliance (U.S.).")
    ['china', "'s", '1.4', 'billion', 'people', 'and', 'the', 'seoul-washington', 'alliance', 'u.s']
    >>> tokenize("We don't agree.", lowercase=False)
    ['We', "don't", 'agree']
    >>> tokenize("Per\\u00adhaps Anto\\u0301nio is nai\\u0308ve."), tokenize("Per\\u00adhaps", lowercase=False)
    (['perhaps', 'antónio', 'is', 'naïve'], ['Per\\xadhaps'])
    """
    _check_text(text, "text")
    if lowercase:
        # _lower is one code point for one, each on its own, so the tokens are those of
        # token_spans; _TOKEN_RE.findall gives their terms
        return _TOKEN_RE.findall(_lower(text))
    return _TOKEN_RE.regex.findall(text)


def token_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) character offsets of the tokens of :func:`tokenize`.

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    list of tuple of (int, int)
        One pair per token, in text order; ``text[start:end]`` is the token as written.

    Raises
    ------
    ValueError
        ``text`` is not a str.

    Examples
    --------
    >>> token_spans("China's envoy, 2021.")
    [(0, 5), (5, 7), (8, 13), (15, 19)]
    """
    _check_text(text, "text")
    return [m.span() for m in _TOKEN_RE.finditer(text)]


def tokens(docs: pd.DataFrame, *, lowercase: bool = True) -> pd.DataFrame:
    """Return one row per token of every document: for small corpora (a few documents).

    A frame with a row per token takes about 100 bytes per token; for a whole
    corpus count terms with :func:`tokenize` inside a document-term matrix instead.

    Parameters
    ----------
    docs : DataFrame
        A docs frame with at least the columns ``doc_id`` and ``text``.
    lowercase : bool
        As in :func:`tokenize`: True (default), the ``token`` column holds each
        token's term; False, the token exactly as written.

    Returns
    -------
    DataFrame
        Columns ``doc_id`` (string), ``token_id`` (int64, 0-based within the
        document), ``start`` and ``end`` (int64 character offsets into the
        document text: ``text[start:end]`` is the token as written) and
        ``token`` (string: what :func:`tokenize` gives, the term when
        ``lowercase``, else ``text[start:end]``).

    Raises
    ------
    ValueError
        ``docs`` is not a DataFrame or lacks ``doc_id`` or ``text``; a text is missing.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["We agree.", "No."]})
    >>> tokens(docs).values.tolist()
    [['a', 0, 0, 2, 'we'], ['a', 1, 3, 8, 'agree'], ['b', 0, 0, 2, 'no']]
    """
    doc_ids, texts = _docs_texts(docs, "docs")
    cols: dict[str, list] = {"doc_id": [], "token_id": [], "start": [], "end": [], "token": []}
    for doc_id, text in zip(doc_ids, texts):
        spans = token_spans(text)
        cols["doc_id"].extend([doc_id] * len(spans))
        cols["token_id"].extend(range(len(spans)))
        written = []
        for s, e in spans:
            cols["start"].append(s)
            cols["end"].append(e)
            written.append(text[s:e])
        cols["token"].extend(_terms([_lower(t) for t in written]) if lowercase else written)
    return pd.DataFrame(
        {
            "doc_id": pd.array(cols["doc_id"], dtype="string"),
            "token_id": np.asarray(cols["token_id"], dtype="int64"),
            "start": np.asarray(cols["start"], dtype="int64"),
            "end": np.asarray(cols["end"], dtype="int64"),
            "token": pd.array(cols["token"], dtype="string"),
        }
    )


# ---------------------------------------------------------------------------- place names

#: The shipped place-name stop list read by :func:`place_names`: a CSV with the columns
#: ``term`` (one lower-case token, as :func:`tokenize` makes it), ``kind`` (country,
#: demonym, capital or region), ``iso3`` (the state's ISO 3166 alpha-3 code, empty for
#: regions) and ``note``.
PLACE_NAMES_PATH: Path = Path(__file__).resolve().parent / "data" / "place_names.csv"

_PLACE_NAME_KINDS: tuple[str, ...] = ("country", "demonym", "capital", "region")


@lru_cache(maxsize=1)
def _place_names_by_kind() -> dict[str, frozenset[str]]:
    """Read :data:`PLACE_NAMES_PATH` once: its terms by kind."""
    by_kind: dict[str, set[str]] = {kind: set() for kind in _PLACE_NAME_KINDS}
    with PLACE_NAMES_PATH.open(encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            if row["kind"] not in by_kind:
                raise ValueError(f"{PLACE_NAMES_PATH}, line {line}: unknown kind {row['kind']!r}.")
            by_kind[row["kind"]].add(row["term"])
    return {kind: frozenset(terms) for kind, terms in by_kind.items()}


def place_names(kinds: Iterable[str] | None = None) -> frozenset[str]:
    """Return the place-name stop list: names of states, their demonyms, capitals and regions.

    Topic models fitted to whole UN speeches come out as "country topics"
    (china, chinese / korea, korean / russia, ukraine) because every speech
    names its own country, its neighbours and its region again and again.
    Removing these words with the stop words before fitting, as political
    scientists do, leaves topics about what the speeches say.

    The list (:data:`PLACE_NAMES_PATH`, about 900 words) holds lower-case
    single tokens exactly as :func:`tokenize` makes them ("d'ivoire",
    "timor-leste", "guinea-bissau", "u.s"), of four kinds:

    - ``country``: the distinctive words of the names of the 193 UN member
      states and the observers Palestine and the Holy See ("vatican"), their
      short forms and abbreviations ("dprk", "uk", "usa", "ussr", "drc",
      "uae", "u.s"), former names ("burma", "zaire", "swaziland") and the former
      states that spoke in the General Debate from 1990 on
      (Czechoslovakia, the GDR, Yugoslavia);
    - ``demonym``: adjectives and names of peoples, with the plurals in use
      ("chinese", "korean", "koreans", "american", "americans", "french");
      the adjectives double as language names;
    - ``capital``: capitals whose names are distinctive words ("beijing",
      "washington", "moscow", "seoul", "pyongyang", "kyiv", "kiev"), some
      former capitals and seats of government ("almaty", "lagos", "hague");
    - ``region``: continents and regions ("africa", "african", "asian",
      "europe", "european", "caribbean", "latin", "balkans", "sahel").

    Left out, because they would remove real content:

    - ordinary English words and the generic parts of names: south, north,
      east, west (and southern...), central, united, states, kingdom, republic, democratic,
      people's, federation, island(s), new, saint, san, el, great, holy, see,
      union, cape, ivory, male (Malé), poles, and the pronoun "us" (the
      abbreviation "u.s" is in);
    - "arab" (the Arab Group, the League of Arab States, the Arab-Israeli
      conflict), "pacific" ("pacific settlement of disputes", Chapter VI of the
      Charter), "gulf", "middle" and "nam" (the Non-Aligned Movement, so Viet
      Nam is only "viet" and "vietnam");
    - strategic concepts that are regions in name only, and whose use
      divides speakers: "indo-pacific" (the United States, Japan), "asia-pacific"
      (China), "euro-atlantic";
    - words that mostly mean something else in UN speeches: "marshall" (the
      Marshall Plan; "marshallese" is in), "khmer" (the Khmer Rouge), "persian"
      (the Persian Gulf);
    - places that are themselves the subject of the speeches rather than the
      speaker's address: territories and disputed places (Jerusalem, Taiwan,
      Kosovo, Kashmir, Crimea, Gaza, Western Sahara), provinces and cities
      other than capitals, and organisations (EU, ASEAN, NATO) as such. The
      names of states stay in the list even when a state is a subject
      (Palestine, Israel, Ukraine, Iraq), and so do regional adjectives that
      are also part of organisations' names ("african" in African Union,
      "european" in European Union, "american" in Organization of American
      States): leave out ``"region"`` or ``"demonym"`` to keep those.

    So South Africa is "rsa", "pretoria" and "tshwane"; South Sudan only
    "juba"; the Central African Republic only "bangui" and "centrafrican";
    the Democratic People's Republic of Korea "dprk", "d.p.r.k" and
    "pyongyang" ("korea" and "korean" stand for both Koreas). A
    few words name more than one thing: "guinea" (four states' names),
    "congo", "dominican"; "paris", "vienna", "rome", "beijing" or "doha" also
    name treaties and conferences (the Paris Agreement, the Rome Statute):
    leave out ``"capital"`` to keep them. Two-word names that only a phrase
    can remove ("Middle East", "Horn of Africa") and hyphenated compounds
    that :func:`tokenize` keeps as one token ("seoul-washington",
    "sino-american") stay.

    Parameters
    ----------
    kinds : iterable of str or str, optional
        The kinds to return, any of ``"country"``, ``"demonym"``, ``"capital"``
        and ``"region"`` (a single str is one kind). Default: all four.

    Returns
    -------
    frozenset of str
        The terms of those kinds. The file is read once per process.

    Raises
    ------
    ValueError
        A kind is not one of the four (the message names it and lists the valid kinds).

    Examples
    --------
    >>> {"china", "chinese", "korea", "koreans", "beijing", "asian"} <= place_names()
    True
    >>> "united" in place_names() or "us" in place_names()
    False
    >>> sorted(place_names(["capital"]) & {"beijing", "seoul", "china", "geneva"})
    ['beijing', 'seoul']
    >>> [t for t in tokenize("Côte d'Ivoire and Timor-Leste") if t not in place_names()]
    ['and']

    Before fitting a topic model, add them to the English stop words
    (:data:`STOP_WORDS`, which hold the possessive clitic "'s" too):

    >>> import toolkit as tk
    >>> model = tk.fit_topics(docs, k=6, stop_words=tk.STOP_WORDS | tk.place_names())  # doctest: +SKIP
    """
    table = _place_names_by_kind()
    if kinds is None:
        wanted: list[str] = list(_PLACE_NAME_KINDS)
    elif isinstance(kinds, str):
        wanted = [kinds]
    else:
        wanted = list(kinds)
    for kind in wanted:
        check_one_of("kinds", kind, _PLACE_NAME_KINDS)
    return frozenset().union(*(table[k] for k in wanted))
