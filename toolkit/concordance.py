"""Concordance: keywords in context and collocations of a node word.

- :func:`kwic` -> one row per hit of a word, a phrase, a lexicon (a list of
  words and phrases), a prefix (``"oppos*"``) or a regular expression, with
  its character offsets, ``window`` tokens of context on each side and every
  metadata column of the input, so a number in a table can be traced back to
  the sentences behind it;
- :func:`collocations` -> one row per collocate of a node within ``window``
  tokens, with its counts and an association score (``log_dice``, ``mi`` or
  ``g2``) in a stable ``score`` column beside a ``measure`` column.

Words agree with the tokenizer of :mod:`toolkit.text`: a word or phrase is
found only where it starts and ends on the boundaries of tokens of
:data:`~toolkit.text.TOKEN_PATTERN`. "China" is found in "China's" (the
clitic "'s" is a token of its own), "us" is not found in "U.S." (one token
"u.s") or in "trust", and "THAAD" is not found in "THAAD-related" (one token;
``"THAAD*"`` finds it). Both functions find the node with the same compiled
regular expression, so their counts agree. Combining marks and invisible
format characters are inside words as the tokenizer keeps them: "perhaps"
is found in "Per\\u00adhaps" (the soft hyphen, which its term drops, is part
of the match), not in "Perhaps\\u0301" or "may\\u0308" (longer tokens).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from toolkit._contingency import two_by_two as _two_by_two
from toolkit._dispatch import is_dask, scaled
from toolkit._inputs import stop_word_set as _stop_words
from toolkit._patterns import PLAIN as _PLAIN
from toolkit._patterns import Pieces as _Pieces
from toolkit._patterns import marks_in as _marks_in
from toolkit._patterns import pattern_regex as _pattern_regex
from toolkit._patterns import pieces as _pieces
from toolkit._patterns import safe_start as _safe_start
from toolkit._patterns import word_matches as _word_matches
from toolkit._tokens import TOKEN_RE as _TOKEN_RE
from toolkit._tokens import lower_keeping_offsets as _lower
from toolkit._validation import check_columns, check_one_of, check_texts
from toolkit.counts import document_term_matrix

__all__ = ["COLLOCATION_COLUMNS", "KWIC_COLUMNS", "MEASURES", "WINDOW", "collocations", "kwic"]

#: The association measures of :func:`collocations` (``measure="all"`` gives all of them).
MEASURES: tuple[str, ...] = ("log_dice", "mi", "g2")
#: The columns :func:`kwic` always returns first (the input's other columns follow).
KWIC_COLUMNS: tuple[str, ...] = ("doc_id", "start", "end", "left", "match", "right")
#: The columns of :func:`collocations`.
COLLOCATION_COLUMNS: tuple[str, ...] = (
    "node",
    "collocate",
    "n_together",
    "n_node",
    "n_collocate",
    "measure",
    "score",
)


@dataclass(frozen=True)
class _Matcher:
    """A compiled pattern and how to run it: on the text, or on the lower-cased text.

    Words and phrases that ignore case are matched against the lower-cased text (as
    :func:`toolkit.tokenize` lower-cases it, one code point for one, so "İ" is "i" and
    offsets always refer to the text) with a case-sensitive expression: about 2.5
    times faster than ``re.IGNORECASE``, whose scan cannot skip ahead to the first
    letter. ``fallback`` is the same expression with ``re.IGNORECASE``, the reference
    the tests compare the fast scan with. ``plain`` and ``table``, for words and phrases
    only: the expression for texts without marks or format characters, and the
    translation of the others for ``regex`` (:func:`_word_matches`): a match of words is
    whole tokens; a regular expression of the caller's matches wherever it matches.
    """

    regex: re.Pattern
    lower: bool = False
    fallback: re.Pattern | None = None
    plain: re.Pattern | None = None
    table: dict[int, str] | None = None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of each non-empty match in ``text``, in text order (for words: starting a token)."""
        rx, target = self.regex, text
        if self.lower:
            target = _lower(text)
        if self.plain is not None:
            return _word_matches(rx, self.plain, self.table or {}, target, text)
        return [m.span() for m in rx.finditer(target) if m.end() > m.start()]


def _compile(pattern: object, *, regex: bool, case_sensitive: bool, argument: str = "pattern") -> _Matcher:
    """The matcher of a kwic/collocations pattern (one compiled expression), after checking it."""
    if isinstance(regex, bool) is False:
        raise ValueError(f"regex={regex!r} is invalid; must be True or False.")
    if isinstance(case_sensitive, bool) is False:
        raise ValueError(f"case_sensitive={case_sensitive!r} is invalid; must be True or False.")
    flags = 0 if case_sensitive else re.IGNORECASE
    if isinstance(pattern, re.Pattern):
        if not pattern.pattern:
            raise ValueError(f"{argument}={pattern!r} is invalid; the regular expression is empty.")
        return _Matcher(pattern)
    if isinstance(pattern, str):
        if not pattern.strip():
            raise ValueError(
                f"{argument}={pattern!r} is invalid; must be a non-empty word, phrase or regular expression."
            )
        if regex:
            try:
                return _Matcher(re.compile(pattern, flags))
            except re.error as err:
                raise ValueError(f"{argument}={pattern!r} is not a valid regular expression: {err}.") from None
        words = [pattern]
    elif isinstance(pattern, (list, tuple)) and not regex:
        if not pattern or not all(isinstance(p, str) for p in pattern):
            raise ValueError(
                f"{argument}={pattern!r} is invalid; a list must hold at least one word or phrase, all str."
            )
        words = list(dict.fromkeys(pattern))
    else:
        allowed = "a word or phrase (str), a list or tuple of them, a compiled re.Pattern, or a str with regex=True"
        raise ValueError(f"{argument}={pattern!r} ({type(pattern).__name__}) is invalid; must be {allowed}.")
    # each word also as its letters and combining marks apart (NFD) and together (NFC): "António" finds
    # "Anto\u0301nio" too, as tokenize reads both as one term
    words = list(
        dict.fromkeys(v for w in words for v in (w, unicodedata.normalize("NFC", w), unicodedata.normalize("NFD", w)))
    )
    pieces = _pieces(_marks_in(words))
    body, plain = (_words_regex(words, argument, p) for p in (pieces, _PLAIN))
    if case_sensitive:
        return _Matcher(re.compile(body, re.DOTALL), plain=re.compile(plain, re.DOTALL), table=pieces.table)
    lowered = _compile([_lower(w) for w in words], regex=False, case_sensitive=True, argument=argument)
    return _Matcher(
        lowered.regex,
        lower=True,
        fallback=re.compile(body, re.IGNORECASE | re.DOTALL),
        plain=lowered.plain,
        table=lowered.table,
    )


def _words_regex(words: list[str], argument: str, pieces: _Pieces) -> str:
    """One expression for words and phrases (see :func:`_pattern_regex`)."""
    # Longest first, so "firmly oppose" wins over "firmly" where both match.
    alternatives = sorted({_pattern_regex(w, argument, pieces): len(w) for w in words}.items(), key=lambda kv: -kv[1])
    body = "|".join(f"(?:{a})" for a, _ in alternatives)
    if len(alternatives) > 1:
        # Every alternative starts with its first word's first letter: a quick test of that
        # letter before trying the alternatives makes a lexicon scan about 1.6 times faster.
        firsts = sorted({cast(re.Match, _TOKEN_RE.search(w)).group()[0] for w in words})  # every word has a token
        body = f"(?=[{''.join(re.escape(c) for c in firsts)}])(?:{body})"
    return body


#: The default window of :func:`kwic` and :func:`collocations`: 5 tokens on each side (the span of
#: Sinclair's collocation studies, and what the association scores count).
WINDOW = 5


def _check_window(window: object, *, minimum: int) -> int:
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < minimum:
        raise ValueError(f"window={window!r} is invalid; must be an integer >= {minimum} (tokens on each side).")
    return int(window)


def _docs_frame(docs: object) -> pd.DataFrame:
    """``docs`` as a frame with doc_id and text, after checking it; a str becomes one row."""
    if isinstance(docs, str):
        return pd.DataFrame({"doc_id": pd.array([pd.NA], dtype="string"), "text": [docs]})
    if not isinstance(docs, pd.DataFrame):
        raise ValueError(
            f"docs must be a docs frame (columns doc_id, text), a segments frame or a str, got {type(docs).__name__}."
        )
    check_columns(docs, ["doc_id", "text"], name="docs")
    check_texts(docs, name="docs")
    return docs


# ------------------------------------------------------------------ kwic


def _left(text: str, start: int, window: int) -> str:
    """The text from the ``window``-th token ending at or before ``start`` up to ``start``."""
    if window == 0 or start == 0:
        return ""
    reach = 8 * window + 16
    while True:
        lo = _safe_start(text, max(0, start - reach))
        starts = []
        for m in _TOKEN_RE.finditer(text, lo):
            if m.end() > start:
                break
            starts.append(m.start())
        if len(starts) >= window or lo == 0:
            first = starts[-window] if len(starts) >= window else (starts[0] if starts else start)
            return " ".join(text[first:start].split())
        reach *= 4


def _right(text: str, end: int, window: int) -> str:
    """The text from ``end`` to the end of the ``window``-th token starting at or after ``end``."""
    if window == 0:
        return ""
    ends: list[int] = []
    # From a safe start, so that a hit ending inside a word (a regular expression: "U" of
    # "U.S") does not take that word's tail for a token.
    for m in _TOKEN_RE.finditer(text, _safe_start(text, end)):
        if m.start() < end:
            continue
        ends.append(m.end())
        if len(ends) == window:
            break
    last = ends[-1] if ends else end
    return " ".join(text[end:last].split())


#: How many hits (relative to the text's length) make kwic tokenize a whole text once
#: instead of the neighbourhood of each hit: a text with a hit every ~(2 * window + 8)
#: tokens (a word as common as "the"). Both ways give the same contexts.
_DENSE = 1.0


def _contexts_dense(text: str, hits: list[tuple[int, int]], window: int, lefts: list[str], rights: list[str]) -> None:
    """Left and right contexts of many hits of one text, from one pass of the tokenizer."""
    spans = [m.span() for m in _TOKEN_RE.finditer(text)]
    tok_starts = [s for s, _ in spans]
    tok_ends = [e for _, e in spans]
    n = len(spans)
    for s, e in hits:
        j = bisect_right(tok_ends, s)  # tokens [0, j) end at or before the hit
        first = tok_starts[max(j - window, 0)] if j else s
        lefts.append(" ".join(text[first:s].split()))
        k = bisect_left(tok_starts, e)  # tokens [k, n) start at or after the hit's end
        last = tok_ends[min(k + window, n) - 1] if k < n else e
        rights.append(" ".join(text[e:last].split()))


def kwic(
    docs: pd.DataFrame | str,
    pattern: str | Sequence[str] | re.Pattern,
    *,
    window: int = WINDOW,
    regex: bool = False,
    case_sensitive: bool = False,
) -> pd.DataFrame:
    """Return every hit of a word, phrase, lexicon or regular expression with its context (keyword in context).

    Word and phrase patterns agree with :func:`toolkit.tokenize`: a hit starts
    and ends on token boundaries, so "China" is found in "China's", "us" is not
    found in "U.S." or "trust", and "THAAD" is not found in "THAAD-related"
    (one token; use "THAAD*"). A phrase matches across any whitespace,
    line breaks included. All patterns of one call are compiled into one
    regular expression and each text is scanned once.

    Parameters
    ----------
    docs : DataFrame or str
        A docs frame, or any frame with ``doc_id`` and ``text`` (segments from
        :func:`toolkit.split_voices`, sentences from :func:`toolkit.split_sentences`),
        or one text.
    pattern : str, list or tuple of str, or re.Pattern
        - a word (``"firmly"``) or a phrase (``"firmly oppose"``); a ``*`` at
          the end of a word makes it a prefix (``"oppos*"`` finds "oppose",
          "opposed", "opposition"); straight and curly apostrophes match each
          other, and so do "-" and "‐"; punctuation before the first and after
          the last word of the pattern is ignored;
        - a list or tuple of words and phrases (a lexicon category): a hit of
          any of them; where two start at the same place the longest pattern wins;
        - a regular expression, compiled (used with its own flags) or a str with
          ``regex=True``, matched against the raw text wherever it matches
          (word boundaries are then up to the expression). Empty matches are skipped.
    window : int, default :data:`WINDOW` (5)
        Tokens of context on each side (0 for none): the same default as
        :func:`collocations`, so the lines show the span the scores count.
    regex : bool
        Read a str ``pattern`` as a regular expression.
    case_sensitive : bool
        Match case exactly (default: ignore case). Not used for a compiled pattern.

    Returns
    -------
    DataFrame
        One row per hit, in document order (the input's row order, then text
        order), with the columns

        - ``doc_id`` (string): the document (or segment's document); <NA> for a str;
        - ``start``, ``end`` (int64): character offsets of the hit in the row's
          ``text``: ``text[start:end] == match``;
        - ``left`` (string): the ``window`` tokens before the hit (fewer at the start of
          the text), as the text from the first of them up to the hit, whitespace
          collapsed to single spaces and stripped; punctuation between them is kept;
        - ``match`` (string): the hit as written;
        - ``right`` (string): the same for the ``window`` tokens after the hit;
        - then every other column of ``docs`` except ``text``, in its order and
          dtype (``speaker``, ``country``, ``year``...; ``segment_id``, ``voice``
          for segments). An input column named like one of the six above
          (segments' ``start`` and ``end``) is kept with the prefix ``input_``:
          for segments, ``input_start + start`` is the hit's offset in the document.

        No hit gives a frame with these columns and no rows.

    Raises
    ------
    ValueError
        ``docs`` is neither a str nor a frame with ``doc_id`` and ``text``, or a text
        is missing or not a str (the message names its doc_id); ``pattern`` is empty, has no word, has a ``*`` that does not end
        a word, is not a valid regular expression, or is of another type;
        ``window`` is not an integer >= 0; ``regex`` or ``case_sensitive`` is not a bool.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": ["d1"], "speaker": ["Li"],
    ...     "text": ["We firmly\\noppose it. The U.S. must trust us, China's friends."]})
    >>> kwic(docs, "firmly oppose", window=2)[["start", "end", "left", "match", "right"]].values.tolist()
    [[3, 16, 'We', 'firmly\\noppose', 'it. The']]
    >>> kwic(docs, ["us", "china"], window=1)[["match", "right", "speaker"]].values.tolist()
    [['us', ', China', 'Li'], ['China', "'s", 'Li']]
    >>> kwic(docs, "oppos*", window=0)["match"].tolist()
    ['oppose']
    """
    if is_dask(docs):  # a Dask DataFrame: a bounded sample of lines (toolkit.scale.kwic, n=1000)
        return scaled("kwic")(docs, pattern, window=window, regex=regex, case_sensitive=case_sensitive)
    rx = _compile(pattern, regex=regex, case_sensitive=case_sensitive)
    window = _check_window(window, minimum=0)
    frame = _docs_frame(docs)

    rows: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    lefts: list[str] = []
    matches: list[str] = []
    rights: list[str] = []
    for i, text in enumerate(frame["text"].tolist()):
        text = str(text)
        hits = rx.spans(text)
        if not hits:
            continue
        rows.extend([i] * len(hits))
        starts.extend(s for s, _ in hits)
        ends.extend(e for _, e in hits)
        matches.extend(text[s:e] for s, e in hits)
        if window == 0:
            lefts.extend([""] * len(hits))
            rights.extend([""] * len(hits))
        elif len(hits) * (2 * window + 8) * _DENSE > len(text) / 6:
            _contexts_dense(text, hits, window, lefts, rights)
        else:
            lefts.extend(_left(text, s, window) for s, _ in hits)
            rights.extend(_right(text, e, window) for _, e in hits)

    out = pd.DataFrame(
        {
            "doc_id": pd.array(frame["doc_id"].iloc[rows].tolist(), dtype="string"),
            "start": np.asarray(starts, dtype="int64"),
            "end": np.asarray(ends, dtype="int64"),
            "left": pd.array(lefts, dtype="string"),
            "match": pd.array(matches, dtype="string"),
            "right": pd.array(rights, dtype="string"),
        }
    )
    carried = [c for c in frame.columns if c not in ("doc_id", "text")]
    if carried:
        meta = frame[carried].iloc[rows].reset_index(drop=True)
        meta.columns = [f"input_{c}" if c in KWIC_COLUMNS else c for c in carried]
        out = pd.concat([out, meta], axis=1)
    return out


# ------------------------------------------------------------------ collocations


def _node_label(node: object) -> str:
    if isinstance(node, re.Pattern):
        return node.pattern
    if isinstance(node, (list, tuple)):
        return " | ".join(node)
    return str(node)


def collocations(
    docs: pd.DataFrame | str,
    node: str | Sequence[str],
    *,
    window: int = WINDOW,
    measure: str = "log_dice",
    min_count: int = 2,
    stop_words: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Return the collocates of a node word, phrase or lexicon within ``window`` tokens, with a score.

    The node is found as by :func:`kwic` (same patterns, case ignored); its
    window is the ``window`` tokens before its first token and after its last,
    within the same document (row of ``docs``). Collocates are lower-cased
    tokens of :func:`toolkit.tokenize`.

    Counting: the window positions of all node hits of a document are pooled, so
    a token that lies in the windows of two nearby hits counts once. So
    ``n_together <= n_collocate``, and the cells of the G2 table below are a
    partition of the corpus. A token of another hit of the node inside the
    window is a collocate like any other (a node can collocate with itself).

    Measures (``O = n_together``, ``N`` tokens in the corpus):

    - ``log_dice`` (Rychlý 2008): ``14 + log2(2 * O / (n_node + n_collocate))``;
      at most 14, independent of corpus size;
    - ``mi`` (mutual information, the BNCweb / Stubbs 1995 formula):
      ``log2(O / E)`` with ``E = n_node * n_collocate * span / N`` and
      ``span = 2 * window`` (the nominal span: windows cut by a document's edge
      or by an overlap are not shortened in E);
    - ``g2`` (log-likelihood, Dunning 1993): the collocate's frequency inside the
      node's windows against the rest of the corpus, the 2x2 table
      ``O11 = n_together``, ``O12 = W - O11``, ``O21 = n_collocate - O11``,
      ``O22 = N - W - O21``, with ``W`` the number of window positions (pooled,
      as above); signed: positive when the collocate is more frequent inside the
      windows than expected (attracted), negative when less (repelled).

    Parameters
    ----------
    docs : DataFrame or str
        A docs frame, or any frame with ``doc_id`` and ``text`` (e.g. segments), or one text.
    node : str or list or tuple of str
        A word, phrase, prefix (``"oppos*"``) or list of them, as for :func:`kwic`
        (regular expressions are not accepted: a node must be made of tokens).
    window : int, default :data:`WINDOW` (5)
        Tokens on each side, >= 1 (the same default as :func:`kwic`).
    measure : {"log_dice", "mi", "g2", "all"}
        The association score; ``"all"`` gives one row per collocate and measure
        (long format), measures in the order log_dice, mi, g2.
    min_count : int
        Keep collocates with ``n_together >= min_count`` (>= 1).
    stop_words : None, "english" or iterable of str
        Collocates to drop (``"english"``: :data:`toolkit.STOP_WORDS`). Dropped
        words still occupy their positions in the window.

    Returns
    -------
    DataFrame
        One row per collocate (per collocate and measure for ``"all"``), sorted
        by ``measure`` (for "all"), ``score`` descending, then ``collocate``, with the columns

        - ``node`` (string): the node as given (a list joined by " | ");
        - ``collocate`` (string): the collocate token, lower case;
        - ``n_together`` (int64): window positions holding the collocate;
        - ``n_node`` (int64): hits of the node in the corpus;
        - ``n_collocate`` (int64): frequency of the collocate in the corpus;
        - ``measure`` (string): ``log_dice``, ``mi`` or ``g2``;
        - ``score`` (float64): the measure's value.

        When the node does not occur, or no collocate reaches ``min_count``, the
        frame has these columns and no rows (no error, no NaN rows).

    Raises
    ------
    ValueError
        ``docs`` is neither a str nor a frame with ``doc_id`` and ``text``, or a
        text is missing or not a str; ``node`` is empty, has no word or is of another type; ``window`` is not an
        integer >= 1; ``measure`` is not one of the allowed values; ``min_count``
        is not an integer >= 1; ``stop_words`` is a str other than "english".

    Examples
    --------
    >>> text = "we oppose war . they oppose war . we want peace"
    >>> c = collocations(text, "oppose", window=1, min_count=1)
    >>> c[["collocate", "n_together", "n_node", "n_collocate", "score"]].round(3).values.tolist()
    [['war', 2, 2, 2, 14.0], ['they', 1, 2, 1, 13.415], ['we', 1, 2, 2, 13.0]]
    """
    if isinstance(node, re.Pattern) or not isinstance(node, (str, list, tuple)):
        raise ValueError(
            f"node={node!r} ({type(node).__name__}) is invalid; must be a word or phrase (str) "
            "or a list or tuple of them."
        )
    rx = _compile(node, regex=False, case_sensitive=False, argument="node")
    window = _check_window(window, minimum=1)
    check_one_of("measure", measure, (*MEASURES, "all"))
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ValueError(f"min_count={min_count!r} is invalid; must be an integer >= 1.")
    stops = _stop_words(stop_words)
    frame = _docs_frame(docs)

    texts = [str(t) for t in frame["text"].tolist()]
    # corpus frequencies from the document-term matrix (each distinct chunk tokenized once);
    # token positions only in the documents where the node occurs
    dtm = document_term_matrix(texts)
    column = dtm.vocabulary
    corpus_counts = np.asarray(dtm.matrix.sum(axis=0)).ravel()
    together: Counter[str] = Counter()
    n_node = 0
    n_window = 0
    for text in texts:
        hits = rx.spans(text)
        if not hits:
            continue
        spans = [m.span() for m in _TOKEN_RE.finditer(text)]
        words = [_lower(text[s:e]) for s, e in spans]
        starts = np.fromiter((s for s, _ in spans), dtype=np.int64, count=len(spans))
        ends = np.fromiter((e for _, e in spans), dtype=np.int64, count=len(spans))
        hit_s = np.asarray([s for s, _ in hits], dtype=np.int64)
        hit_e = np.asarray([e for _, e in hits], dtype=np.int64)
        first = np.searchsorted(starts, hit_s, side="left")  # index of the hit's first token
        last = np.searchsorted(ends, hit_e, side="left")  # index of the hit's last token
        n_node += len(hits)
        in_window = np.zeros(len(words) + 1, dtype=np.int64)  # difference array of window intervals
        for lo, hi in ((np.maximum(first - window, 0), first), (last + 1, np.minimum(last + 1 + window, len(words)))):
            np.add.at(in_window, lo, 1)
            np.add.at(in_window, hi, -1)
        positions = np.flatnonzero(np.cumsum(in_window[:-1]) > 0)
        n_window += len(positions)
        together.update(words[p] for p in positions)
    n_tokens = int(dtm.totals.sum())

    kept = sorted(w for w, c in together.items() if c >= min_count and w not in stops)
    label = _node_label(node)
    o11 = np.asarray([together[w] for w in kept], dtype=np.int64)
    # a collocate not in the matrix (not reached: both lower-case as toolkit.text._lower does)
    # counts its co-occurrences as its frequency
    n_coll = np.asarray([corpus_counts[column[w]] if w in column else together[w] for w in kept], dtype=np.int64)
    measures = MEASURES if measure == "all" else (measure,)
    parts = []
    for name in measures:
        score = _score(name, o11, n_node, n_coll, n_window, n_tokens, window)
        part = pd.DataFrame(
            {
                "node": pd.array([label] * len(kept), dtype="string"),
                "collocate": pd.array(kept, dtype="string"),
                "n_together": o11,
                "n_node": np.full(len(kept), n_node, dtype=np.int64),
                "n_collocate": n_coll,
                "measure": pd.array([name] * len(kept), dtype="string"),
                "score": score.astype("float64"),
            }
        )
        parts.append(part.sort_values(["score", "collocate"], ascending=[False, True], kind="mergesort"))
    return pd.concat(parts, ignore_index=True)


def _score(
    name: str, o11: np.ndarray, n_node: int, n_coll: np.ndarray, n_window: int, n_tokens: int, window: int
) -> np.ndarray:
    """The association score ``name`` of each collocate (see :func:`collocations`)."""
    o = o11.astype("float64")
    if not len(o):
        return o
    if name == "log_dice":
        return 14.0 + np.log2(2.0 * o / (n_node + n_coll))
    if name == "mi":
        expected = n_node * n_coll.astype("float64") * (2 * window) / n_tokens
        return np.log2(o / expected)
    # the 2 x 2 table of keyness: the collocate in the node's windows (n_window tokens)
    # against the rest of the corpus
    g2 = _two_by_two(o, n_coll - o, n_window, n_tokens - n_window, measure="g2", correction="none")
    expected11 = n_window * n_coll.astype("float64") / n_tokens
    return np.where(o < expected11, -g2, g2)
