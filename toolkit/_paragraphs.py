"""Hard-wrapped texts: line breaks inside sentences, and the paragraphs between blank lines.

Shared by the sentence splitter (:mod:`toolkit.text`) and the voice splitter (:mod:`toolkit.voices`).
"""

from __future__ import annotations

import re

#: A text is hard-wrapped (a line break inside a sentence, as in the UNGDC speeches of 1992-2014) when it has at
#: least this many lines with a word, nine in ten of them are at most HARD_WRAP_MAX_LINE characters long, and at
#: least HARD_WRAP_MIN_OPEN of them end without a sentence's closing punctuation. Measured on UNGDC: wrapped
#: speeches have lines of 45-80 characters (90th percentile) and 84-90 % open lines; speeches written a paragraph
#: to a line, with numbered paragraphs or headings ("Mr. President,"), have a 90th percentile of 150-900.
HARD_WRAP_MIN_LINES: int = 10
HARD_WRAP_MAX_LINE: int = 120
HARD_WRAP_MIN_OPEN: float = 0.5
#: A line that ends a sentence: one of these, then any of _CLOSERS, then whitespace to its end (the pattern
#: ``[.!?:;]["”’')\]]*\s*$``, read from the line's end).
_SENTENCE_ENDS = frozenset(".!?:;")
_CLOSERS = "\"”’')]"
_WORD_CHAR = re.compile(r"\w")
#: A paragraph of a hard-wrapped text: a run of lines with something on them, up to a blank line.
PARAGRAPH = re.compile(r"(?:[^\S\n]*\S[^\n]*(?:\n|$))+")


def hard_wrapped(text: str) -> bool:
    """Whether ``text`` breaks its lines inside sentences (see :data:`HARD_WRAP_MIN_LINES`)."""
    if text.count("\n") < HARD_WRAP_MIN_LINES:
        return False
    # the lines of words ("—" is no evidence), without their trailing whitespace (str.rstrip: re's \s)
    lines = [line.rstrip() for line in text.split("\n") if _WORD_CHAR.search(line)]
    if len(lines) < HARD_WRAP_MIN_LINES:
        return False
    lengths = sorted(map(len, lines))
    if lengths[(9 * len(lengths)) // 10 - 1] > HARD_WRAP_MAX_LINE:
        return False
    closed = sum(line.rstrip(_CLOSERS)[-1:] in _SENTENCE_ENDS for line in lines)
    return len(lines) - closed >= HARD_WRAP_MIN_OPEN * len(lines)
