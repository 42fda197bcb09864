"""What the toolkit takes from NLTK: its tokenizer interface and Punkt, adapted. Imported when first used.

``import nltk`` imports most of NLTK, and with it scipy.stats and more: about 1.4 s and 90 MiB of memory
that every ``import toolkit`` paid, in every process, though only the sentences (:func:`toolkit.text.
split_sentences`) and :data:`toolkit.text.TOKENIZER` use it. :mod:`toolkit.text` imports this module
inside the functions that need it; ``tests/test_text.py`` checks that ``import toolkit`` leaves NLTK out.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from nltk.tokenize import RegexpTokenizer
from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer, PunktToken

from toolkit._tokens import TOKEN_PATTERN, TOKEN_RE

__all__ = ["REALIGN", "RememberingPunkt", "Tokenizer", "UnlimitedPunktVars"]


class Tokenizer(RegexpTokenizer):
    """NLTK's :class:`~nltk.tokenize.RegexpTokenizer` running :data:`~toolkit._tokens.TOKEN_PATTERN` with :mod:`re`.

    NLTK >= 3.9 compiles the patterns it is given with the ``regex`` module,
    whose ``\\w`` is not that of :mod:`re` (it takes in combining marks and
    leaves out "¼"), so the same pattern string gave other tokens. This one
    runs the module's own compiled pattern: ``tokenize`` gives the tokens as
    written and ``span_tokenize`` their offsets, exactly those of
    :func:`toolkit.text.tokenize` with ``lowercase=False`` and :func:`toolkit.text.token_spans`.
    """

    def __init__(self) -> None:
        super().__init__(TOKEN_PATTERN)

    def _check_regexp(self) -> None:
        self._regexp = TOKEN_RE.regex

    def __repr__(self) -> str:
        return "toolkit.text.TOKENIZER"


class UnlimitedPunktVars(PunktLanguageVars):
    """NLTK's Punkt language variables, with no wall-clock limit on the two scans of a whole line.

    NLTK >= 3.9 runs its regular expressions under a 5-second limit (a guard against
    catastrophic backtracking in caller-supplied patterns) and raises TimeoutError
    when a scan takes longer. Punkt's own patterns are linear, but the limit counts
    the whole scan of a line, so a long line (a few hundred thousand characters
    without a line break, or fewer on a busy machine) failed with TimeoutError.
    The patterns and the engine are NLTK's; only the limit is lifted.
    """

    __slots__ = ()

    @staticmethod
    def _unlimited(pattern: Any) -> Any:
        try:
            from nltk import redos
        except ImportError:  # NLTK before the guard: plain patterns, no limit to lift
            return pattern
        return redos.compile(pattern.pattern, pattern.flags, timeout=None)

    #: Punkt's pattern of closing punctuation after a sentence's end, matched at every break.
    re_boundary_realignment = _unlimited(PunktLanguageVars.re_boundary_realignment)

    def period_context_re(self) -> Any:
        """Punkt's sentence-end context pattern, without a time limit."""
        # the attributes are slots of NLTK's PunktLanguageVars (which mypy reads as Any)
        try:
            return self._re_period_context  # type: ignore[has-type]
        except AttributeError:
            self._re_period_context = self._unlimited(super().period_context_re())  # type: ignore[misc]
            return self._re_period_context

    def _word_tokenizer_re(self) -> Any:
        """Punkt's word pattern, without a time limit."""
        try:
            return self._re_word_tokenizer  # type: ignore[has-type]
        except AttributeError:
            self._re_word_tokenizer = self._unlimited(super()._word_tokenizer_re())  # type: ignore[misc]
            return self._re_word_tokenizer


class _UnlimitedPunktToken(PunktToken):
    """NLTK's Punkt token, its patterns (ellipsis, number, initial, alphabetic) run without the time limit.

    Each token is matched several times against these short patterns; under the limit the engine sets a
    timer for every match, which cost about 3 microseconds a call against 0.5 for the match itself."""

    __slots__ = ()
    _RE_ELLIPSIS = UnlimitedPunktVars._unlimited(PunktToken._RE_ELLIPSIS)
    _RE_NUMERIC = UnlimitedPunktVars._unlimited(PunktToken._RE_NUMERIC)
    _RE_INITIAL = UnlimitedPunktVars._unlimited(PunktToken._RE_INITIAL)
    _RE_ALPHA = UnlimitedPunktVars._unlimited(PunktToken._RE_ALPHA)


def _engine(pattern: Any) -> Any:
    """The compiled pattern inside NLTK's time-limited wrapper (the pattern itself for an NLTK without one)."""
    return getattr(pattern, "_rx", pattern)


#: Punkt's realignment of closing punctuation after a break, the engine's own compiled pattern.
REALIGN = _engine(UnlimitedPunktVars.re_boundary_realignment)


#: Answers of Punkt's sentence-break test kept by :class:`RememberingPunkt` (a 10 MB text of UN speeches asks it
#: 54,594 times about 33,085 distinct contexts), and the longest context kept: 65,536 contexts of 256 ASCII
#: characters would take about 25 MB; those of UN speeches average about 20 and take about 10 MB in all.
SENTBREAK_MEMORY = 1 << 16
SENTBREAK_LONGEST = 256


class RememberingPunkt(PunktSentenceTokenizer):
    """NLTK's Punkt, remembering the answers of its sentence-break test.

    Punkt asks :meth:`~nltk.tokenize.punkt.PunktSentenceTokenizer.text_contains_sentbreak` about the context
    of every candidate break ("word. Next"): it tokenizes the context and annotates its tokens in Python.
    The answer depends on the context's text and the tokenizer's fixed parameters alone, and contexts repeat
    ("States. The", "Assembly. I"), so each distinct context is tested once. The sentences are NLTK's.
    """

    def __init__(self, params: PunktParameters, lang_vars: PunktLanguageVars) -> None:
        super().__init__(params, lang_vars=lang_vars, token_cls=_UnlimitedPunktToken)
        self._test = lru_cache(maxsize=SENTBREAK_MEMORY)(super().text_contains_sentbreak)

    def text_contains_sentbreak(self, text: str) -> bool:
        """NLTK's test, its answer remembered (:data:`SENTBREAK_MEMORY` contexts, the least recent forgotten;
        a context longer than :data:`SENTBREAK_LONGEST` characters, a run without spaces, is not kept)."""
        if len(text) > SENTBREAK_LONGEST:
            return bool(super().text_contains_sentbreak(text))
        return bool(self._test(text))


def punkt_parameters() -> PunktParameters:
    """Empty Punkt parameters (NLTK's class), for :func:`toolkit.text._punkt` to fill."""
    return PunktParameters()
