"""Word patterns consistent with the tokenizer: what the concordance and the stance matcher share.

A pattern's words match whole tokens of :data:`toolkit.text.TOKEN_PATTERN` (a match neither starts nor ends
inside a word), any whitespace matches between a phrase's words, straight and curly apostrophes are the same,
and a ``*`` after a word makes it a prefix; texts with combining marks or format characters are matched through
a translation (:class:`Pieces`). :func:`toolkit.kwic` and :func:`toolkit.find_stance` compile their patterns here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from toolkit._tokens import EXTEND_CLASS as _EXTEND_CLASS
from toolkit._tokens import EXTEND_CODE_POINTS as _EXTEND_CODE_POINTS
from toolkit._tokens import FORMAT_CLASS as _FORMAT_CLASS
from toolkit._tokens import FORMAT_CODE_POINTS as _FORMAT_CODE_POINTS
from toolkit._tokens import TOKEN_RE as _TOKEN_RE
from toolkit._tokens import class_body as _class_body

__all__ = [
    "FORMAT_RE",
    "IN_WORD",
    "PLAIN",
    "Pieces",
    "is_plain",
    "marks_in",
    "pattern_regex",
    "pieces",
    "safe_start",
    "word_matches",
    "word_start",
]

# ------------------------------------------------------------------ patterns consistent with the tokenizer
#
# TOKEN_PATTERN's words are runs of letters and digits ([^\W_]), with the combining marks and
# format characters after them (toolkit.text._EXTEND_CLASS), joined by a hyphen or a period,
# an apostrophe not starting a clitic 's, or a comma between digit groups. A position p is
# the start of a token when the text before p does not continue a word into p; a position q
# is the end of one when the text from q does not continue it. A pattern's letters match the
# same letters with format characters between and after them (the soft hyphen of
# "Per\u00adhaps", whose term is "perhaps"), so a match is the whole token as written.

_ALNUM = r"[^\W_]"
_APOS = "['’]"
_HYPHEN = "[-‐]"
FORMAT_RE = re.compile(_FORMAT_CLASS)
_EXTEND_RE = re.compile(_EXTEND_CLASS)
# A character after which format characters may come inside a word: a letter, digit or mark.
IN_WORD = re.compile(rf"{_ALNUM}|{_EXTEND_CLASS}")
# How far back word_start(1) looks: a mark or format character this close before a match
# may change whether it starts a token, which _token_starts then asks the tokenizer.
_START_REACH = 5
# A quick scan for a text with no mark or format character at all (the usual text): one class
# of the Basic Multilingual Plane's marks and format characters (a table) and every character
# beyond it (one range).
_MAYBE_EXTEND_RE = re.compile(
    "[" + _class_body([c for c in _EXTEND_CODE_POINTS if c <= 0xFFFF]) + "\U00010000-\U0010ffff]"
)
# Texts with marks or format characters are scanned translated (one code point for one, so
# offsets hold): every format character is this one, every other mark this one (unless a
# pattern has it), so the expressions test one or two characters instead of thousands.
_SOFT_HYPHEN = "\u00ad"
_FORMATS = frozenset(_FORMAT_CODE_POINTS)
_MARKS = [chr(c) for c in _EXTEND_CODE_POINTS if c not in _FORMATS]


@dataclass(frozen=True)
class Pieces:
    """TOKEN_PATTERN's words as pieces of an expression, for one kind of text.

    ``plain`` (:data:`PLAIN`): for a text without marks or format characters.
    Otherwise (:func:`pieces`) for a text translated by ``table``: a format character is
    ``\\u00ad``, another mark is ``mark`` unless the patterns have it.
    """

    format: str  # after a letter, digit or mark of a pattern: the format characters a token may hold
    tail: str  # the rest of a word after a letter: letters and digits (with marks and format characters)
    rest: str  # words joined to it inside the same token (TOKEN_PATTERN's repetition)
    end: str  # nothing continues the token here: no letter, mark, format character or joiner and word
    clitic: str  # the clitic 's, as TOKEN_PATTERN's second alternative
    table: dict[int, str] | None = None
    stop: str = ""  # the end of a clitic 's: only no letter, digit, mark or format character next (never joined)

    @property
    def plain(self) -> bool:
        return self.table is None


def _make_pieces(extend: str | None, table: dict[int, str] | None) -> Pieces:
    """The pieces, ``extend`` the class of marks and format characters (None: the text has none)."""
    no_more = rf"(?!{_ALNUM}|{extend})" if extend else rf"(?!{_ALNUM})"
    tail = rf"{_ALNUM}*(?:{extend}+{_ALNUM}*)*" if extend else rf"{_ALNUM}*"
    rest = rf"(?:(?:[-‐.]|{_APOS}(?![sS]{no_more})|(?<=\d),(?=\d{{3}})){_ALNUM}{tail})*"
    end = rf"{no_more}(?![-‐.]{_ALNUM})(?!{_APOS}(?![sS]{no_more}){_ALNUM})(?!(?<=\d),\d{{3}})"
    clitic = rf"(?<={_ALNUM}|{extend}){_APOS}[sS]{no_more}" if extend else rf"(?<={_ALNUM}){_APOS}[sS]{no_more}"
    return Pieces(f"{_SOFT_HYPHEN}*" if extend else "", tail, rest, end, clitic, table, no_more)


PLAIN = _make_pieces(None, None)


@lru_cache(maxsize=64)
def pieces(marks: str = "") -> Pieces:
    """The pieces for translated texts; ``marks``: the marks the patterns hold (kept as they are)."""
    mark = next(m for m in _MARKS if m not in marks)
    table = {c: (_SOFT_HYPHEN if c in _FORMATS else mark) for c in _EXTEND_CODE_POINTS if chr(c) not in marks}
    extend = "[" + re.escape(_SOFT_HYPHEN + mark + marks) + "]"
    return _make_pieces(extend, table)


def marks_in(words: Iterable[str]) -> str:
    """The marks (not format characters) in ``words``, sorted, as one string."""
    return "".join(sorted({c for w in words for c in w if _EXTEND_RE.fullmatch(c) and not FORMAT_RE.fullmatch(c)}))


def word_start(n: int) -> str:
    """Lookbehinds, placed after the first ``n`` characters of a word, that its start is a token start.

    Not after a letter or digit; not after a letter or digit and a hyphen or period
    (joined), nor after a letter or digit and an apostrophe (joined, or the s of a
    clitic), unless that letter is itself the s of a clitic ("it's-a", "it's'a": a
    clitic is never joined); not after a digit and a comma when three digits follow
    (a digit group, "1,000").

    These read letters and digits only: where a combining mark or format character is
    within :data:`_START_REACH` characters before the start, :func:`_token_starts`
    decides (a mark continues the word before it, but not after a space: "\\u200eWe").
    """
    back = f".{{{n}}}" if n else ""
    return (
        rf"(?<!{_ALNUM}{back})"
        rf"(?:(?<!{_ALNUM}[-‐.]{back})|(?<={_ALNUM}{_APOS}[sS][-‐.]{back}))"
        rf"(?:(?<!{_ALNUM}{_APOS}{back})|(?<={_ALNUM}{_APOS}[sS]{_APOS}(?![sS](?!{_ALNUM})){back}))"
        rf"(?<!\d,(?=\d{{3}}){back})"
    )


def _literal(token: str, pieces: Pieces = PLAIN) -> str:
    """The expression of one token of a pattern, with the token-start test (:func:`word_start`).

    Letters, digits and marks are matched as written, each followed by any format characters
    (the pattern's own format characters are dropped, as its term drops them); straight and
    curly apostrophes, and the two hyphens, are interchangeable. The lookbehinds have a fixed
    width, so they come right after the first character; for a plain text (no format
    characters) they come after the whole literal, which is tested first: about twice as
    fast for a lexicon.
    """
    chars = [c for c in token if not FORMAT_RE.fullmatch(c)]
    units = [_APOS if c in "'’" else _HYPHEN if c in "-‐" else re.escape(c) for c in chars]
    if pieces.plain:
        return "".join(units) + word_start(len(chars))
    fmt = pieces.format
    units = [u + fmt if IN_WORD.fullmatch(c) else u for c, u in zip(chars, units)]
    if units[0].endswith(fmt):
        units[0] = units[0][: -len(fmt)] + word_start(1) + fmt
    else:
        units[0] += word_start(1)
    return "".join(units)


def _token_starts(text: str, start: int) -> bool:
    """Whether a match of a word pattern at ``start`` of ``text`` starts a token.

    The expressions' lookbehinds (:func:`word_start`) read letters and digits; where a
    mark or format character lies within :data:`_START_REACH` characters before
    ``start`` (rare: the slice is ASCII in the usual text), the tokenizer decides.
    """
    if not start or text[max(0, start - _START_REACH) : start].isascii():
        return True
    if not _EXTEND_RE.search(text, max(0, start - _START_REACH), start):
        return True
    for m in _TOKEN_RE.finditer(text, safe_start(text, start)):
        if m.end() > start:
            return m.start() == start
    return False


def is_plain(text: str) -> bool:
    """Whether ``text`` has no combining mark or format character (then the lookbehinds decide every start)."""
    return text.isascii() or not _MAYBE_EXTEND_RE.search(text)


def word_matches(
    regex: re.Pattern, plain: re.Pattern, table: dict[int, str], target: str, text: str
) -> list[tuple[int, int]]:
    """The spans of the non-empty matches of word patterns in ``target`` (``text`` or its lower case).

    A text without marks or format characters (:func:`is_plain`, the usual text) is
    scanned with ``plain`` (the pieces :data:`PLAIN`); another is translated by
    ``table`` and scanned with ``regex`` (the same patterns with the pieces of
    :func:`pieces`), keeping only matches that start a token (:func:`_token_matches`).
    Either way a match is whole tokens, as :func:`toolkit.tokenize` cuts them.
    """
    if is_plain(text):
        return [m.span() for m in plain.finditer(target) if m.end() > m.start()]
    return [m.span() for m in _token_matches(regex, target.translate(table), text)]


def _token_matches(regex: re.Pattern, target: str, text: str) -> list[re.Match]:
    """The non-empty matches of ``regex`` in ``target`` (``text`` or its lower case) that start a token of ``text``.

    A match that does not start a token (:func:`_token_starts`) is dropped and the scan
    resumes one character after its start, so a match it overlapped is still found.
    """
    out: list[re.Match] = []
    pos = 0
    while True:
        for m in regex.finditer(target, pos):
            s, e = m.span()
            if e == s:
                continue
            if not _token_starts(text, s):
                pos = s + 1
                break
            out.append(m)
        else:
            return out


def pattern_regex(text: str, argument: str, pieces: Pieces = PLAIN) -> str:
    """The regular expression of one word or phrase, anchored on token boundaries.

    The pattern's own tokens (by TOKEN_PATTERN) are matched as written (straight and
    curly apostrophes, and the two hyphens, are interchangeable; format characters may
    come between and after letters in a text that has them: :func:`_literal`, ``pieces``); whitespace between
    them matches any whitespace, other characters between them match themselves.
    Characters before the first and after the last token are ignored. A ``*`` right
    after a token makes it a prefix: any token that starts with it.
    """
    stars = [m.start() for m in re.finditer(r"\*", text)]
    spans = [m.span() for m in _TOKEN_RE.finditer(text)]
    if not spans:
        raise ValueError(
            f"{argument}={text!r} is invalid; it has no word (letters or digits), so it can never match. "
            "Pass a word, a phrase or a list of them; for punctuation use regex=True."
        )
    ends = {e for _, e in spans}
    for s in stars:
        if s not in ends or (s + 1 < len(text) and re.match(_ALNUM, text[s + 1])):
            raise ValueError(
                f"{argument}={text!r} is invalid; '*' is allowed only at the end of a word (a prefix, "
                "'oppos*'). For other wildcards pass a regular expression with regex=True."
            )
    globbed = set(stars)
    parts: list[str] = []
    for i, (s, e) in enumerate(spans):
        if i:
            gap = text[spans[i - 1][1] : s].replace("*", "")
            parts.extend(r"\s+" if piece.isspace() else re.escape(piece) for piece in re.findall(r"\s+|\S+", gap))
        token = text[s:e]
        if token[0] in "'’":  # the clitic 's (only ever right after a word)
            parts.append(pieces.clitic)
            continue
        parts.append(_literal(token, pieces))
        if e in globbed:
            parts.append(pieces.tail + pieces.rest)
        parts.append(pieces.end)
    return "".join(parts)


def safe_start(text: str, pos: int) -> int:
    """A position at or before ``pos`` from which the tokenizer finds the text's true tokens.

    Tokens hold only letters, digits and joiners, never a space or a line break, so
    scanning from just after one finds the same tokens as scanning from 0; from
    elsewhere the first token found may be the tail of a longer one, and that tail
    can even swallow the next true token ("'s’Sb" scanned from "s").
    """
    return max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos)) + 1
