"""The token pattern and its helpers: what every stage that reads tokens shares.

:data:`TOKEN_PATTERN` and its compiled :data:`TOKEN_RE`, the terms of tokens (:func:`terms`), the
lower case that keeps every offset (:func:`lower_keeping_offsets`), and the character classes of marks and
format characters that continue a word. The public face of tokenization is :mod:`toolkit.text`
(:func:`toolkit.tokenize`, :func:`toolkit.token_spans`); the modules of the pipeline import these from here.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator

import numpy as np

__all__ = [
    "EXTEND_CLASS",
    "EXTEND_CODE_POINTS",
    "FORMAT_CHARS",
    "FORMAT_CLASS",
    "FORMAT_CODE_POINTS",
    "TOKEN_PATTERN",
    "TOKEN_RE",
    "TokenRegex",
    "class_body",
    "lower_keeping_offsets",
    "term",
    "terms",
]


def class_body(code_points: list[int]) -> str:
    """The body of a regular-expression character class holding exactly ``code_points`` (sorted)."""
    ranges: list[list[int]] = []
    for c in code_points:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])

    def esc(c: int) -> str:
        return f"\\u{c:04x}" if c <= 0xFFFF else f"\\U{c:08x}"

    return "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in ranges)


def _extend_code_points() -> tuple[list[int], list[int]]:
    """(marks and format characters that continue a word, the format characters among them), from this Python's tables."""
    extend: list[int] = []
    formats: list[int] = []
    category = unicodedata.category
    # Planes 0-2 and 14 hold every mark and format character (checked over all planes in tests/test_text.py).
    for c in (*range(0x30000), *range(0xE0000, 0xE1000)):
        cat = category(chr(c))
        if cat[0] == "M" or (cat == "Cf" and c != 0x200B):
            extend.append(c)
            if cat == "Cf":
                formats.append(c)
    return extend, formats


EXTEND_CODE_POINTS, FORMAT_CODE_POINTS = _extend_code_points()
#: Characters that continue the word they follow without being letters or digits (the
#: Extend and Format characters of Unicode's word boundaries, UAX #29 rule WB4): combining
#: marks (categories Mn, Mc, Me: the accent of "Anto\u0301nio", the diaeresis of
#: "nai\u0308ve") and format characters (Cf: the soft hyphen U+00AD, zero-width joiners,
#: bidirectional marks), except U+200B ZERO WIDTH SPACE, which separates words. Read from
#: this Python's Unicode tables (:data:`unicodedata.unidata_version`) at import.
EXTEND_CLASS: str = (
    # one class for the Basic Multilingual Plane (compiled to a table: one lookup), and the
    # others behind a one-range test, so that the usual character costs two quick tests
    "(?:["
    + class_body([c for c in EXTEND_CODE_POINTS if c <= 0xFFFF])
    + "]"
    + "|(?=[\\U00010000-\\U0010ffff])["
    + class_body([c for c in EXTEND_CODE_POINTS if c > 0xFFFF])
    + "])"
)
#: The format characters (Cf) that a token may hold and its term drops (the soft hyphen...):
#: a :meth:`str.translate` table deleting them, and a character class of them (for matchers
#: that look for a term inside the text, where a soft hyphen may sit between two letters).
FORMAT_CHARS: dict[int, None] = dict.fromkeys(FORMAT_CODE_POINTS)
FORMAT_CLASS: str = "[" + class_body(FORMAT_CODE_POINTS) + "]"

# A run of letters or digits, with the marks and format characters inside or after it (none of
# them is ASCII: the first test after a run of letters is one quick look at the next character).
_WORD = rf"[^\W_]+(?:(?=[^\x00-\x7f]){EXTEND_CLASS}+[^\W_]*)*"
# Ends a word: neither a letter or digit nor a mark or format character follows.
_NO_MORE = rf"(?![^\W_]|{EXTEND_CLASS})"

#: The token pattern (for :mod:`re`), one alternative per kind of token:
#:
#: 1. a word: letters or digits, with internal hyphens, apostrophes and periods
#:    joining letters or digits: "Seoul-Washington", "don't", "o'clock", "1.4",
#:    "2022", "U.S" (from "U.S." -- the final period is punctuation, so "U.S."
#:    and "U.S" are the same token "u.s"), "e.g", "D.P.R.K", "Jae-in", and
#:    digit groups "1,000". Combining marks and invisible format characters
#:    after a letter or digit stay in the word (:data:`EXTEND_CLASS`):
#:    "Anto\u0301nio", "nai\u0308ve" and "Per\u00adhaps" are one token each;
#: 2. the clitic ``'s`` / ``’s`` right after a word, as a token of its own:
#:    "China's" -> "china", "'s"; "it's" -> "it", "'s" (so "china" counts every
#:    mention of China, possessive or not).
#:
#: Punctuation, symbols, quotation marks, dashes and underscores are never tokens;
#: a trailing apostrophe ("the U.S.' alliances", "countries'") is punctuation. A
#: "letter or digit" is what :mod:`re` calls one (``[^\W_]``: ``str.isalnum``, so
#: "¼" and "²" are digits). The pattern is written for Python's :mod:`re`; the
#: ``regex`` module (which NLTK >= 3.9 uses for patterns it is given) reads ``\w``
#: differently, so use :data:`TOKENIZER` rather than compiling this string elsewhere.
TOKEN_PATTERN: str = (
    rf"{_WORD}(?:(?:[-‐.]|['’](?![sS]{_NO_MORE})|(?<=\d),(?=\d{{3}})){_WORD})*"
    rf"|(?<=[^\W_]|{EXTEND_CLASS})['’][sS]{_NO_MORE}"
)


def terms(tokens: list[str]) -> list[str]:
    """The terms of tokens as written (case kept): without format characters, in NFC."""
    return [t if t.isascii() else unicodedata.normalize("NFC", t.translate(FORMAT_CHARS)) for t in tokens]


def term(token: str, lowercase: bool = True) -> str:
    """The term of one token: lower-cased (:func:`lower_keeping_offsets`, unless ``lowercase`` is False), no format characters, NFC."""
    return terms([lower_keeping_offsets(token) if lowercase else token])[0]


class TokenRegex:
    """:data:`TOKEN_PATTERN` compiled: matches are tokens (spans into the text), ``findall`` gives terms.

    ``finditer``, ``search`` and ``match`` are those of the compiled pattern, so
    their spans slice the text exactly. ``findall`` gives the *terms* of the
    tokens, case kept (format characters dropped, NFC: :func:`terms`), so that
    ``TOKEN_RE.findall(lower_keeping_offsets(text)) == tokenize(text)``: code that counts
    tokens with ``findall`` (:mod:`toolkit.counts`) counts the terms
    :func:`tokenize` gives. For the tokens exactly as written use ``finditer``
    or :func:`tokenize` with ``lowercase=False``.
    """

    __slots__ = ("pattern", "regex")

    def __init__(self, pattern: str) -> None:
        self.regex = re.compile(pattern)
        self.pattern = pattern

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        """The matches (tokens), as :meth:`re.Pattern.finditer`."""
        return self.regex.finditer(string, pos, endpos)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """The first match (token), as :meth:`re.Pattern.search`."""
        return self.regex.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """A match (token) starting at ``pos``, as :meth:`re.Pattern.match`."""
        return self.regex.match(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[str]:
        """The terms of the tokens of ``string`` (case as given), in text order."""
        found = self.regex.findall(string, pos, endpos)
        return found if string.isascii() else terms(found)

    def __repr__(self) -> str:
        return f"TokenRegex({self.pattern[:40]!r}...)"


TOKEN_RE = TokenRegex(TOKEN_PATTERN)


#: Characters whose ``str.lower`` is not their simple lower-case mapping (UnicodeData.txt),
#: mapped to it: "İ" (U+0130), whose ``lower()`` is two code points, "i" + U+0307 COMBINING
#: DOT ABOVE, and "Σ" (U+03A3), whose ``lower()`` is "σ" or, at the end of a word, "ς": a
#: choice made by looking at the letters around it, outside the token too.
#: ``tests/test_text.py`` checks that no other character of this Python's Unicode tables
#: changes length under ``lower()``.
_SIMPLE_LOWER = str.maketrans({"\u0130": "i", "\u03a3": "\u03c3"})


def lower_keeping_offsets(text: str) -> str:
    """``text.lower()``, but one code point for one, each on its own: offsets into it are offsets into ``text``.

    ``str.lower`` turns "İ" (U+0130, Turkish capital dotted I) into two code
    points, "i" and a combining dot, so "İstanbul".lower() is a character
    longer and every offset after it would be off by one. Here "İ" becomes "i"
    (its simple lower-case mapping), so ``len(lower_keeping_offsets(t)) == len(t)`` and the
    character at each offset is the lower case of the one at that offset of ``t``.

    ``str.lower`` also lower-cases "Σ" by its context (final "ς" after a letter
    and before no letter, "σ" elsewhere), and the context reaches beyond a
    token: "ΑΣ's".lower() is "ασ's" (a letter follows the apostrophe) but
    "ΑΣ".lower() is "ας", so lower-casing a text and lower-casing its tokens
    gave two terms. Here "Σ" is always "σ" (its simple mapping), so the lower
    case of a slice is the slice of the lower case: ``lower_keeping_offsets(t)[s:e] ==
    lower_keeping_offsets(t[s:e])``. A lower-case "ς" stays as written. For any text without
    "İ" or "Σ" this is exactly ``text.lower()``. Ligatures ("ﬁ") and "ß" are left
    as they are, as ``str.lower`` leaves them (case folding would expand them
    and change the counts of texts that hold them).

    >>> lower_keeping_offsets("İstanbul, MAY"), len(lower_keeping_offsets("İİ")), lower_keeping_offsets("ΣΑΣ")
    ('istanbul, may', 2, 'σασ')
    """
    if "\u0130" in text or "\u03a3" in text:
        text = text.translate(_SIMPLE_LOWER)
    low = text.lower()
    if len(low) == len(text):
        return low
    # Not reached with the Unicode tables of Python 3.11-3.13; kept so offsets stay right under newer ones.
    return "".join(c.lower()[0] for c in text)


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as an array: uint8 for an ASCII text, uint16 for one of the Basic
    Multilingual Plane, else uint32 (UTF-16 is ten times faster to encode than UTF-32 in CPython, and one unit
    a character when no character lies beyond U+FFFF; a lone surrogate is one unit too)."""
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) == 2 * len(text):
        return np.frombuffer(units, dtype=np.uint16)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
