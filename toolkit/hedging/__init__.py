"""Hedges, boosters and the other stance markers of Hyland's (2005) interactional metadiscourse.

How tentative or how assertive is a speaker? :func:`find_stance` finds every
entry of a stance lexicon in a text, with character offsets, and decides the
ambiguous ones by named context rules; :func:`stance_rates` turns the matches
into rates per 1,000 tokens with bootstrap intervals (by :mod:`toolkit.rates`).

The lexicon
-----------
``toolkit/data/stance_lexicon.csv`` (read by :func:`load_lexicon`) was written
for the project from the lists in the appendix of Hyland (2005), *Metadiscourse*,
with inflected forms spelled out, plus the diplomatic register (notes that start
"diplomatic register": "firmly oppose", "resolutely", "deep concern", "we call on",
"it is up to", ...). One row per entry, columns:

- ``pattern``: a lower-case word or phrase, as :func:`toolkit.kwic` takes them:
  words match whole tokens of :data:`toolkit.text.TOKEN_PATTERN`, any whitespace
  matches between the words of a phrase, straight and curly apostrophes are the
  same, and a ``*`` right after a word makes it a prefix (``"indisputabl*"``);
- ``category``: one of :data:`CATEGORIES`;
- ``rule``: the name of a context rule of :data:`RULES` that decides the entry,
  or empty (every match counts);
- ``kind`` (optional): for hedges, ``epistemic`` (Prince et al.'s 1982 "shields":
  modals, verbs of cognition and evidence, probability words) or ``approximator``
  (degree, quantity, frequency: "about 8", "quite", "often"); empty otherwise;
- ``note``: why the entry is there.

A user lexicon in the same format (a frame or a CSV path) can be passed to every
function here as ``lexicon=``; ``load_lexicon(extra=...)`` extends the shipped one.
Where two entries overlap, the longest wins ("firmly oppose" over "firmly",
"no doubt" over "doubt").

Context rules
-------------
=======================  ======================================================================
rule                     what it decides
=======================  ======================================================================
approximator_quantity    "about", "around", "some" are hedges only before a quantity: a number
                         ("about 8 percent", "some 300"), a number word ("around twenty",
                         "about half", "about a dozen"); not as prepositions ("talked about").
may_modal                "may" is the modal unless it is the month: "May" written with a
                         capital inside a sentence, or next to a number ("May 2021", "5 May").
would_not_reported       "would" is not a hedge when it is the future of reported speech: a
                         reporting verb ("said", "announced", "promised", ... see
                         ``REPORTING_VERBS``) up to 12 words earlier in the same clause ("he said
                         it would"); in a courtesy frame ("I would also like to thank", "we would
                         also stress") it is a formula.
negation                 a negated booster is a hedge ("not sure", "not certain", "don't really
                         know"); a negated "doubt" is a booster ("we do not doubt"). Negation =
                         "not", "never", "no", "cannot", "hardly" or a word ending in "n't"
                         up to three words before, across only words such as "be", "so",
                         "entirely" (``_NEGATION_BRIDGE``). "No doubt" is an entry of its own
                         (a booster), which wins as the longest match.
cognition_verb           "we strongly believe", "I do believe": a booster (in both methods).
                         think, believe, feel, suppose, guess, suspect, hope ... are stance (a
                         hedge) before a clause ("I think that", "we believe it is", "I hope
                         so") or with a first-person subject ("I think", "we firmly hope");
                         not as nouns ("a thought", "the feel"), not before "about", "of",
                         "in", "like" + noun ("feel like an economy car") or an adjective
                         after "feel" ("feel comfortable"). "I" / "we" are self-mentions too.
appear_epistemic         "appear(s/ed)" is a hedge ("appears to", "it appears that"), not when
                         something shows up ("appeared in court", "appeared on television").
rather_downtoner         "rather" is a downtoner, not in "rather than" or "would rather".
possible_epistemic       "possible" is a hedge, not in "as soon as possible", "made possible",
                         "if possible", "the best possible", "the dumbest way possible".
certain_predicative      "certain" is a booster when predicative ("we are certain", "certain
                         that"), not as a determiner ("certain countries").
us_pronoun               "us" is a self-mention, not "US" (the United States) in capitals.
modal_sense              should, must, ought, need to are directives (deontic: obligation,
                         prescription), except: "Should that happen, ..." (inversion: a
                         conditional, dropped); "I should think", "that should be enough", "it
                         should arrive" (epistemic: a hedge); "must have been" (logical
                         necessity: a booster); "I should like to thank" (a formula); "the need
                         to act" (a noun, dropped).
formula_frame            "would like to", "wish to" are formulae before a verb of the speaker's
                         own turn (thank, congratulate, express, stress, ... ``_SPEECH_ACTS``),
                         adverbs allowed between ("would like first to express"); "we would like
                         to see a ceasefire" is a hedge (a softened wish); "they wish to remain"
                         nothing. "allow me to", "let me", "may I", "have the honour to" are
                         always formulae; "May God bless" too (by may_modal).
intensifier_stance       fully, firmly, strongly boost a stance word next to them ("we fully
                         support", "firmly opposes"), not an action's degree ("implement fully");
                         "demonstrate(s/d)" only before "that", "determined" only before "that"
                         or "to" ("we are determined to", not "a determined enemy").
=======================  ======================================================================

Categories of the diplomatic register: ``directive`` (the deontic modals) and
``formula`` (courtesy frames) are not hedges; a hedge count is tentativeness, a
directive count is prescription. Clauses end at punctuation, quotation marks and
blank lines, not at a single line break (hard-wrapped speeches).

Two methods decide the ambiguous epistemic cues: ``method="rules"`` (the rules
above) and ``method="learned"`` (the default): a logistic regression on named
context features (:func:`_model_features`, :class:`HedgeModel`) trained on the SFU
development half and shipped as ``toolkit/data/hedge_model.json``, which takes
over the rules of :data:`LEARNED_RULES` (cognition_verb, appear_epistemic,
possible_epistemic); the other rules apply in both. The ``rule`` column of a
match names what decided it: a rule, "learned", or "lexicon" (an entry without a
rule, or a booster the negation rule found not negated).

Voices: with ``segments=tk.split_voices(docs)`` (split once, passed to every measure),
the ``voice`` and ``speaker`` columns of a match are those of its segment, so a hedge
inside another person's quote is that person's, not the document speaker's; with
``segments=None`` every document is one segment in the voice ``speech``. (The
deprecated default, ``"auto"``, splits a frame with ``speaker`` and ``genre``
columns, as before, and warns when it splits an interview.) :func:`stance_rates` counts the
speaker's own words (``ambassador_quote`` and ``speech``) by default, as
:func:`toolkit.match_rates` and :func:`toolkit.compare_rates` do: the same
``voices`` parameter, the same default, the same rates (see "Whose words" in
:mod:`toolkit.rates`).

Bad input: an empty text, or one without letters, has no matches. A text of at
least :data:`MIN_TOKENS_FOR_LANGUAGE` tokens of which fewer than
:data:`MIN_STOP_WORD_SHARE` are English stop words (:data:`toolkit.text.STOP_WORDS`)
is taken as not English: the lexicon is English, so :func:`find_stance` says so
(``ValueError``, or, for a docs frame with ``non_english="skip"``, skips the
document and lists it in ``attrs["skipped"]``) rather than guessing. English
prose has 40-55 % stop words; French, Spanish or German about 0-10 %.

The package is laid out as the pipeline runs: ``_lexicon`` (the categories, the lexicon,
the matcher over characters, the language check), ``_rules`` (the context rules over
characters), ``_decision`` (the learned model, and the decision of each match),
``_table`` (the same matching and decisions on a token table's arrays), and here the
public functions.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit import _rating
from toolkit._dispatch import is_dask, scaled
from toolkit._frames import frame_from_rows
from toolkit._groups import groups as _groups
from toolkit._parallel import check_n_jobs, release_memory
from toolkit._progress import check_progress
from toolkit._rating import SentencesAhead, _match_rates, _warn_single_unit
from toolkit._validation import (
    check_columns,
    check_confidence,
    check_count,
    check_one_of,
    check_seed,
    check_texts,
    check_unique_ids,
    warn_skipped,
)
from toolkit._voicing import AUTO as _AUTO
from toolkit._voicing import check_voices as _check_voices
from toolkit._voicing import resolve as _resolve_segments
from toolkit._voicing import spans as _voice_spans
from toolkit.hedging._decision import (
    LEARNED_RULES,
    MODEL_CUES,
    MODEL_PATH,
    HedgeModel,
    _cue_base,
    _find_in_text,
    _resolve_model,
    load_hedge_model,
)
from toolkit.hedging._lexicon import (
    CATEGORIES,
    DEFAULT_METHOD,
    LEXICON_PATH,
    MATCH_COLUMNS,
    METHODS,
    MIN_STOP_WORD_SHARE,
    MIN_TOKENS_FOR_LANGUAGE,
    REPORTING_VERBS,
    RULES,
    _default_lexicon,
    _Matcher,
    _matcher,
    _not_english,
    _resolve_lexicon,
    checked_categories,
    english_share,
    load_lexicon,
    naive_regex,
)
from toolkit.hedging._table import SHARE_MIN, _find_in_shares, _find_in_table
from toolkit.rates import OWN_VOICES, RATE_COLUMNS
from toolkit.tokentable import TokenTable, text_lengths, text_sequence, token_table

__all__ = [
    "CATEGORIES",
    "DEFAULT_METHOD",
    "LEARNED_RULES",
    "LEXICON_PATH",
    "METHODS",
    "MIN_STOP_WORD_SHARE",
    "MIN_TOKENS_FOR_LANGUAGE",
    "MODEL_PATH",
    "REPORTING_VERBS",
    "RULES",
    "HedgeModel",
    "english_share",
    "find_hedges",
    "find_stance",
    "hedging_rates",
    "load_hedge_model",
    "load_lexicon",
    "naive_regex",
    "stance_rates",
]


# ----------------------------------------------------------------------- find_stance


def find_stance(
    text_or_docs: str | pd.DataFrame | TokenTable,
    *,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
    categories: Sequence[str] | None = None,
    rules: bool = True,
    method: str | None = None,
    model: HedgeModel | str | os.PathLike[str] | None = None,
    non_english: str = "raise",
    n_jobs: int | None = None,
    segments: pd.DataFrame | str | None = _AUTO,
) -> pd.DataFrame:
    """Find the hedges, boosters and other stance markers of a text or of every document.

    Parameters
    ----------
    text_or_docs : str, DataFrame or TokenTable
        One text, or a docs frame with at least ``doc_id`` (unique: it ties each
        match to its document) and ``text``, or a :func:`toolkit.token_table` of
        one (tokenized once for several measures). Matches are attributed to the
        voices of ``segments`` (a quote of another person is theirs). Documents are matched on their
        tokens (the lexicon as sequences of token keys); a text with combining
        marks or format characters, or a lexicon with a prefix ``*``, is matched
        on its characters, with the same result.
    lexicon : DataFrame or path, optional
        A lexicon in the format of :func:`load_lexicon` (default: the shipped one).
    categories : sequence of str, optional
        Keep only these categories (after the rules: a negated booster is a hedge).
    rules : bool
        Apply the context rules (default). False matches the lexicon plainly:
        the naive baseline of the evaluation (``method`` is then ignored).
    method : {"rules", "learned"}, optional
        How the ambiguous epistemic cues (would, could, may, think, feel,
        possible, appear, negated boosters, ...) are decided: by the named
        context rules, or by the learned model (:class:`HedgeModel`, a logistic
        regression on named context features trained on the SFU development
        half), which takes over the rules of :data:`LEARNED_RULES`; the rules
        that assign a sense (negation, modal_sense, formula_frame) apply in
        both. Default: :data:`DEFAULT_METHOD` (the one that validates better
        out of domain; see the README). The model decides every epistemic hedge:
        a cue it does not know by name (70 of the 113 shipped ones, such as "in
        our view" and "presumably") is one cue, "other", which it rarely keeps;
        for a lexicon of your own with such cues it warns, naming them.
    model : HedgeModel or path, optional
        The model of ``method="learned"`` (default: :data:`MODEL_PATH`).
    non_english : {"raise", "skip", "keep"}
        What to do with a text judged not English (see the module docstring):
        raise a ValueError naming it; for a docs frame, skip it, list it in
        ``attrs["skipped"]`` (dicts with ``doc_id``, ``problem``, ``tokens``,
        ``stop_word_share``) and warn, naming it; or "keep": match it anyway (for callers who know the text is English,
        such as the evaluation on short review sentences).
    n_jobs : int, optional
        Processes, each taking whole documents: this one and ``n_jobs - 1``
        workers (None or 1: this process alone; -1: every CPU). The matches
        do not depend on it.
    segments : DataFrame, None or "auto", default "auto"
        Whose each stretch of a document is: the frame of :func:`toolkit.split_voices`
        (split once, and passed to every measure that reads voices), or None for whole
        documents (each one segment in the voice ``"speech"``, of no known speaker).
        ``"auto"``, the default of this release, splits the documents when the frame
        has ``speaker`` and ``genre`` columns, as releases before 0.2 did, and warns
        (``FutureWarning``) when that split finds anything but speeches; from 0.3 the
        default is None.

    Returns
    -------
    DataFrame
        One row per match, in document and text order, with the columns

        - ``doc_id`` (string): <NA> for a plain string;
        - ``start``, ``end`` (int64): character offsets into the document text;
          ``text[start:end]`` is the match;
        - ``match`` (string): the matched text as written;
        - ``category`` (string): one of :data:`CATEGORIES`;
        - ``kind`` (string): for hedges "epistemic" or "approximator" (see
          :func:`load_lexicon`), "" for the other categories;
        - ``rule`` (string): the context rule that decided the match (a name of
          :data:`RULES`), or "lexicon" for an entry without a rule;
        - ``pattern`` (string): the lexicon entry that matched;
        - ``voice`` (string): the voice of the segment holding the match
          (:data:`toolkit.voices.VOICES`); "speech" without segments; <NA> for
          a plain string, or a match outside every segment;
        - ``speaker`` (string): the segment's speaker (the quoted person inside
          another person's quote), <NA> when unknown or for a plain string.

    Raises
    ------
    ValueError
        ``text_or_docs`` is neither a str nor a docs frame; a text is missing or
        not a str; a ``doc_id`` is missing or duplicated (the message names it
        and its rows); a text is not English (see above); the lexicon or an
        option is invalid; ``segments`` names a document not in the frame, or has
        offsets outside its text or overlapping (the message names the row).

    Warns
    -----
    UserWarning
        Documents were skipped as not English (``non_english="skip"``); the
        warning names them, ``attrs["skipped"]`` lists them.

    Examples
    --------
    >>> text = "Perhaps it would help. We firmly oppose it. I am not sure. It closed in May 2020."
    >>> find_stance(text, method="rules")[["match", "category", "rule"]].values.tolist()
    [['Perhaps', 'hedge', 'lexicon'], ['would', 'hedge', 'would_not_reported'], ['We', 'self_mention', 'lexicon'], ['firmly oppose', 'booster', 'lexicon'], ['I', 'self_mention', 'lexicon'], ['sure', 'hedge', 'negation']]

    The learned model (the default), trained on reviews whose annotators mark
    "not sure" as a negation and not as speculation, drops it:

    >>> find_stance(text)[["match", "category", "rule"]].values.tolist()
    [['Perhaps', 'hedge', 'learned'], ['would', 'hedge', 'learned'], ['We', 'self_mention', 'lexicon'], ['firmly oppose', 'booster', 'lexicon'], ['I', 'self_mention', 'lexicon']]
    >>> find_stance("All countries should accede. I would like to thank you.", method="rules")["category"].tolist()
    ['directive', 'self_mention', 'formula', 'engagement_marker']
    >>> find_stance("").empty
    True
    """
    if is_dask(text_or_docs):  # a Dask DataFrame: matched partition by partition on the workers (toolkit.scale)
        return scaled("find_stance")(
            text_or_docs,
            lexicon=lexicon,
            categories=categories,
            rules=rules,
            method=method,
            model=model,
            non_english=non_english,
            segments=segments,
        )
    frame = None if isinstance(text_or_docs, str) else _docs_of(text_or_docs)
    out = _find_stance(
        text_or_docs,
        lexicon=lexicon,
        categories=categories,
        rules=rules,
        method=method,
        model=model,
        non_english=non_english,
        n_jobs=n_jobs,
        segments=_resolve_segments(frame, segments, function="find_stance"),
    )
    warn_skipped("find_stance", out.attrs["skipped"])
    return out


def _stance_options(
    categories: str | Sequence[str] | None,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None,
    rules: bool,
    method: str | None,
    model: HedgeModel | str | os.PathLike[str] | None,
    non_english: str,
) -> tuple:
    """The options of :func:`find_stance` and :func:`stance_rates`, checked: (the categories named, each once,
    or None; the compiled lexicon; the learned model, or None)."""
    check_one_of("non_english", non_english, ["raise", "skip", "keep"])
    if not isinstance(rules, bool):
        raise ValueError(f"rules={rules!r} is invalid; must be True or False.")
    method = check_one_of("method", DEFAULT_METHOD if method is None else method, METHODS)
    learned = _resolve_model(method, model) if rules else None
    lex = _resolve_lexicon(lexicon)
    if learned is not None and lexicon is not None:
        _warn_unknown_cues(lex)
    return checked_categories(categories), _matcher(lex), learned


def _warn_unknown_cues(lex: pd.DataFrame) -> None:
    """Warn of the epistemic hedges of a lexicon of the caller's own that the learned model does not know by
    name: it decides every epistemic hedge, and those share one cue ("other"), which it rarely keeps."""
    shipped = set(_default_lexicon()["pattern"])
    epistemic = lex.loc[(lex["category"] == "hedge") & (lex["kind"] == "epistemic"), "pattern"]
    unknown = sorted(p for p in epistemic if p not in shipped and _cue_base(p) not in MODEL_CUES)
    if unknown:
        # at the caller's line: the first frame outside the package (find_stance and stance_rates differ in depth)
        package, level, frame = os.path.dirname(os.path.dirname(__file__)), 1, sys._getframe()
        while frame.f_back is not None and frame.f_code.co_filename.startswith(package + os.sep):
            frame, level = frame.f_back, level + 1
        warnings.warn(
            f"the learned model (method='learned', the default) decides every epistemic hedge, and does not know "
            f"{len(unknown)} of your lexicon's by name ({', '.join(map(repr, unknown[:8]))}"
            f"{', ...' if len(unknown) > 8 else ''}): it reads them as one cue, 'other', which it rarely keeps "
            "(see the README's 'Two methods'). Pass method='rules' to decide them by the lexicon and its rules.",
            UserWarning,
            stacklevel=level,
        )


def _find_stance(
    text_or_docs: str | pd.DataFrame | TokenTable,
    *,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None,
    categories: Sequence[str] | None,
    rules: bool,
    non_english: str,
    method: str | None = None,
    model: HedgeModel | str | os.PathLike[str] | None = None,
    n_jobs: int | None = None,
    segments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`find_stance` without the warnings: the skipped documents are in ``attrs["skipped"]``; ``segments``
    a frame or None (resolved by the caller: :func:`toolkit._voicing.resolve`)."""
    jobs = check_n_jobs(n_jobs)
    categories, matcher, learned = _stance_options(categories, lexicon, rules, method, model, non_english)
    skipped: list[dict] = []
    if isinstance(text_or_docs, str):
        share = None if non_english == "keep" else _not_english(text_or_docs)
        if share is not None:
            raise ValueError(
                f"text does not look like English ({share:.0%} English stop words, expected at least "
                f"{MIN_STOP_WORD_SHARE:.0%}); the stance lexicon is English, so no hedges are counted."
            )
        rows = [(None, *r, None, None) for r in _find_in_text(text_or_docs, matcher, rules, learned)]
    elif isinstance(text_or_docs, (pd.DataFrame, TokenTable)):
        table = _table_of(text_or_docs, n_jobs)
        found = _find_in_table(table, matcher, rules, non_english, skipped, learned, jobs)
        out = _table_frame(table, found, skipped, segments)
        del found
        release_memory()  # the matches' arrays let go once the frame is made
    else:
        raise ValueError(
            f"text_or_docs must be a str or a docs DataFrame (columns doc_id, text) or a TokenTable, got "
            f"{type(text_or_docs).__name__}."
        )
    if isinstance(text_or_docs, str):
        out = _match_frame(rows)
    if categories is not None:
        out = out[out["category"].isin(categories)].reset_index(drop=True)
    out.attrs["skipped"] = skipped
    return out


def _docs_of(docs: Any) -> pd.DataFrame | None:
    """The docs frame of ``docs`` (a token table's own), or None for anything else (its own error comes later)."""
    if isinstance(docs, TokenTable):
        return docs.docs
    return docs if isinstance(docs, pd.DataFrame) else None


def _table_of(docs: pd.DataFrame | TokenTable, n_jobs: int | None) -> TokenTable:
    """``docs`` as a token table (a table is returned as it is), checked as ``text_or_docs``."""
    if isinstance(docs, TokenTable):
        return docs
    _check_docs(docs)
    return token_table(docs, n_jobs=n_jobs)


def _check_docs(docs: pd.DataFrame) -> None:
    """``docs`` checked as ``text_or_docs``: doc_id and text columns, every text a str, unique ids."""
    check_columns(docs, ["doc_id", "text"], name="text_or_docs")
    check_texts(docs, name="text_or_docs")
    check_unique_ids(docs, name="text_or_docs")


def _table_frame(table: TokenTable, found: dict, skipped: list[dict], segments: pd.DataFrame | None) -> pd.DataFrame:
    """The frame of :func:`find_stance` from the arrays of :func:`_find_in_table`, with voices."""
    doc, start, end = found["doc"], found["start"], found["end"]
    outcomes = found["outcomes"]

    def pick(values: list, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return pd.array(arr[codes] if len(codes) else np.zeros(0, dtype=object), dtype="string")

    voice = np.full(len(doc), "speech" if segments is None else None, dtype=object)
    speaker = np.full(len(doc), None, dtype=object)
    spans = _voice_spans(table.docs, segments, function="find_stance")
    if spans is not None and len(doc):
        bounds = np.flatnonzero(np.diff(doc)) + 1
        for lo, hi in zip(np.concatenate([[0], bounds]).tolist(), np.concatenate([bounds, [len(doc)]]).tolist()):
            seg = spans.get(str(table.doc_ids[doc[lo]]))
            if seg is None:  # a document without segment rows: no voice
                continue
            starts, ends, voices, speakers = seg
            k = np.searchsorted(starts, start[lo:hi], side="right") - 1
            ok = (k >= 0) & (start[lo:hi] < np.asarray(ends)[np.maximum(k, 0)])
            voice[lo:hi] = np.where(ok, np.asarray(voices, dtype=object)[np.maximum(k, 0)], None)
            speaker[lo:hi] = np.where(ok, np.asarray(speakers, dtype=object)[np.maximum(k, 0)], None)
    texts = table.texts
    return pd.DataFrame(
        {
            "doc_id": pick(list(table.doc_ids), doc),
            "start": start.astype(np.int64),
            "end": end.astype(np.int64),
            "match": pd.array(
                [texts[d][a:b] for d, a, b in zip(doc.tolist(), start.tolist(), end.tolist())], dtype="string"
            ),
            "category": pick([o[0] for o in outcomes], found["code"]),
            "kind": pick([o[1] for o in outcomes], found["code"]),
            "rule": pick([o[2] for o in outcomes], found["code"]),
            "pattern": pick(found["patterns"], found["pattern"]),
            "voice": pd.array(voice, dtype="string"),
            "speaker": pd.array(speaker, dtype="string"),
        }
    )


def _find_in_docs(
    docs: pd.DataFrame,
    matcher: _Matcher,
    rules: bool,
    non_english: str,
    skipped: list[dict],
    model: HedgeModel | None = None,
    segments: pd.DataFrame | str | None = _AUTO,
) -> list[tuple]:
    """The rows of :func:`find_stance` by the character matcher, document after document.

    The path of releases before the token table, kept as the reference that the token path
    (:func:`_find_in_table`) is tested against, match for match (``tests/test_tokentable.py``).
    """
    check_columns(docs, ["doc_id", "text"], name="text_or_docs")
    check_texts(docs, name="text_or_docs")
    check_unique_ids(docs, name="text_or_docs")
    keep = []
    for i, (doc_id, text) in enumerate(zip(docs["doc_id"], docs["text"])):
        share = None if non_english == "keep" else _not_english(str(text))
        if share is None:
            keep.append(i)
            continue
        if non_english == "raise":
            raise ValueError(
                f"text_or_docs: the text of doc_id {str(doc_id)!r} does not look like English "
                f"({share:.0%} English stop words, expected at least {MIN_STOP_WORD_SHARE:.0%}); the stance "
                "lexicon is English. Drop the document, or pass non_english='skip' to skip it and list it "
                "in attrs['skipped']."
            )
        n_tokens = english_share(str(text))[0]
        skipped.append(
            {
                "doc_id": str(doc_id),
                "problem": f"not English ({share:.0%} English stop words in its first {n_tokens} tokens, "
                f"expected at least {MIN_STOP_WORD_SHARE:.0%})",
                "tokens": n_tokens,
                "stop_word_share": share,
            }
        )
    docs = docs.iloc[keep]
    spans = _voice_spans(docs, _resolve_segments(docs, segments, function="find_stance"), function="find_stance")
    rows: list[tuple] = []
    for doc_id, text in zip(docs["doc_id"].astype(str), docs["text"].astype(str)):
        found = _find_in_text(text, matcher, rules, model)
        if not found:
            continue
        seg = None if spans is None else spans.get(doc_id)
        if seg is None:  # no segments: the voice "speech"; a document without segment rows: no voice
            rows.extend((doc_id, *r, "speech" if spans is None else None, None) for r in found)
            continue
        starts, ends, voices, speakers = seg
        idx = np.searchsorted(starts, [r[0] for r in found], side="right") - 1
        for r, k in zip(found, idx):
            if k >= 0 and r[0] < ends[k]:
                rows.append((doc_id, *r, voices[k], speakers[k]))
            else:
                rows.append((doc_id, *r, None, None))
    return rows


def _match_frame(rows: list[tuple]) -> pd.DataFrame:
    return frame_from_rows(rows, [(c, "int64" if c in ("start", "end") else "string") for c in MATCH_COLUMNS])


# ----------------------------------------------------------------------- rates


def stance_rates(
    docs: pd.DataFrame | TokenTable,
    *,
    by: str | Sequence[str] | None = None,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
    categories: Sequence[str] | None = None,
    voices: str | Sequence[str] | None = OWN_VOICES,
    n_resamples: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    non_english: str = "raise",
    method: str | None = None,
    model: HedgeModel | str | os.PathLike[str] | None = None,
    n_jobs: int | None = None,
    segments: pd.DataFrame | str | None = _AUTO,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Rates of hedges, boosters and the other categories per 1,000 tokens, with bootstrap intervals.

    The matches of :func:`find_stance` counted per document (as arrays, without
    their frame), then the rates of :func:`toolkit.rates.match_rates`, which
    resamples documents (or the sentences of a group with one document, blocks of 1,000 tokens where that
    document has more than 1,000,000 tokens).

    Parameters
    ----------
    docs : DataFrame or TokenTable
        A docs frame (at least ``doc_id`` and ``text``), or a :func:`toolkit.token_table` of one.
    by : str or sequence of str, optional
        Docs column(s) that define the groups, as in :func:`toolkit.match_rates`
        (default: all documents, one group).
    lexicon : DataFrame or path, optional
        As in :func:`find_stance`.
    categories : sequence of str, optional
        The categories to report (default: all five).
    voices : str or sequence of str or None, default ``OWN_VOICES``
        Count only matches *and tokens* in these voices (default: the document
        speaker's own words, ``ambassador_quote`` and ``speech``); the text of
        other voices is blanked (offsets kept) before tokens are counted. None
        counts every voice. The same parameter, with the same default, as
        :func:`toolkit.match_rates` and :func:`toolkit.compare_rates`, so
        ``compare_rates(find_stance(docs), docs, by=..., category="hedge")``
        gives the groups the rates of this function.
    n_resamples, seed, confidence
        Passed to :func:`toolkit.rates.match_rates` (checked before any text is read).
    non_english : {"raise", "skip", "keep"}
        As in :func:`find_stance`; skipped documents are left out of the rates too.
    method, model, n_jobs
        As in :func:`find_stance`. The matches are counted per document without
        building their frame; ``n_jobs`` also cuts a group's one document into
        sentences on several cores. With ``n_jobs`` > 1, a frame whose every text
        is longer than 10 million characters (``toolkit.hedging.SHARE_MIN``) and
        whose voices blank no text is not tokenized whole: each process tokenizes
        its own share of each text (a run of it and a margin on either side) and
        finds the markers there, with the same matches, tokens and rates (a text
        the shares cannot settle alone is found in a table of all of it).
    segments : DataFrame, None or "auto", default "auto"
        The voices that ``voices`` chooses from, as in :func:`find_stance`.
    progress : bool or None, default None
        A progress bar of the resampling, as in :func:`toolkit.match_rates`
        (None: on a terminal or in a notebook, after 2 seconds). It counts the
        resamples of every group, not the matching before them. Not used for a
        Dask DataFrame.

    Returns
    -------
    DataFrame
        The frame of :func:`toolkit.rates.match_rates`: one row per group and
        category with the group's key columns (the ``by`` columns, or ``group``
        = "all" for ``by=None``), ``category``, ``n`` (matches), ``tokens``,
        ``rate_per_1k``, ``ci_low``, ``ci_high``, ``unit``.

        Every document is used or reported: ``attrs["skipped"]`` lists the
        documents left out (dicts with ``doc_id`` and ``problem``): those
        skipped as not English, and those without a token in ``voices`` -- an
        interview in which no quote is attributed to its speaker has no own
        words, and counted as a unit it would make its group's interval look
        more precise than it is. ``attrs["single_unit"]`` lists the groups
        whose interval is a point for want of units (see :func:`toolkit.match_rates`).

    Raises
    ------
    ValueError
        As :func:`find_stance` and :func:`toolkit.match_rates`; an unknown
        voice; a group none of whose documents has a token in ``voices``.

    Warns
    -----
    UserWarning
        Documents were left out (named, with the reason); a group's interval
        is a point for want of units.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Perhaps we may agree.", "We firmly oppose it."]})
    >>> r = stance_rates(docs, categories=["hedge", "booster"], n_resamples=200)
    >>> r[["group", "category", "n", "tokens", "rate_per_1k"]].values.tolist()  # by=None: one group, "all"
    [['all', 'hedge', 2, 8, 250.0], ['all', 'booster', 1, 8, 125.0]]
    """
    if is_dask(docs):  # a Dask DataFrame: counted per document on the workers (toolkit.scale)
        return scaled("stance_rates")(
            docs,
            by=by,
            lexicon=lexicon,
            categories=categories,
            voices=voices,
            n_resamples=n_resamples,
            seed=seed,
            confidence=confidence,
            non_english=non_english,
            method=method,
            model=model,
            segments=segments,
        )
    voices = _check_voices(voices)
    check_count("n_resamples", n_resamples, 100)
    check_confidence(confidence)
    check_progress(progress)
    check_seed("seed", seed, allow_none=True)
    jobs = check_n_jobs(n_jobs)
    release_memory()  # what the caller's earlier results left free: back before the workers fork
    frame = docs.docs if isinstance(docs, TokenTable) else docs
    codes = _groups(frame, by, reserved=RATE_COLUMNS).codes  # the by columns exist, before any text is read
    segments = None if voices is None else _resolve_segments(frame, segments, function="stance_rates")
    cats, matcher, learned = _stance_options(categories, lexicon, True, method, model, non_english)
    cats = list(CATEGORIES) if cats is None else cats
    # the sentences of the one-document groups (their bootstrap's units) cut while the table is made and the
    # markers found; taken for a text that the chosen voices leave as it is (the others are cut when blanked);
    # not for a text so long that its units are blocks of tokens (toolkit._rating.AHEAD_MAX)
    ones = np.flatnonzero(np.bincount(codes)[codes] == 1) if len(codes) else codes
    if isinstance(docs, TokenTable):  # a text of more than LONG_TEXT_TOKENS tokens is resampled in blocks
        ones = ones[docs.totals[ones] <= _rating.LONG_TEXT_TOKENS]
    texts = docs.texts if isinstance(docs, TokenTable) else text_sequence(frame["text"])  # a table's: made once
    ahead = None
    try:
        ahead = SentencesAhead.start(texts, ones, [str(d) for d in frame["doc_id"].iloc[ones]], jobs)
        skipped: list[dict] = []
        shared = None
        # texts that the chosen voices leave as they are (no segments: every text is "speech")
        whole = voices is None or (segments is None and "speech" in voices)
        if not isinstance(docs, TokenTable) and whole and jobs > 1 and len(frame):
            _check_docs(frame)
            if (text_lengths(texts) > SHARE_MIN).all():  # each text in shares, each tokenized by its worker
                doc_ids = frame["doc_id"].astype(str).to_numpy(dtype=object)
                shared = _find_in_shares(texts, doc_ids, matcher, True, non_english, skipped, learned, jobs)
        ordinals = None
        if shared is None:
            table = _table_of(docs, jobs)
            if ahead is not None and (table.totals[ones] > _rating.LONG_TEXT_TOKENS).all():
                # every text cut ahead is resampled in blocks (one the voices blank is cut when blanked, not ahead)
                ahead.close()
                ahead = None
            # counted without a frame of matches: their documents, starts and categories as arrays
            found = _find_in_table(
                table, matcher, True, non_english, skipped, learned, jobs, fields=("doc", "start", "code")
            )
            totals = table.totals
        else:  # no table: the shares' tokens, and those before each match (a long text's blocks read them)
            table, (found, totals) = None, shared
        # each outcome's index in cats (-1: a category not rated), then each match's: no array of strings
        cat_index = np.array(
            [cats.index(o[0]) if o[0] in cats else -1 for o in found["outcomes"]] or [-1], dtype=np.int64
        )[found["code"]]
        keep = cat_index >= 0
        m_row, m_start, m_cat = found["doc"][keep], found["start"][keep], cat_index[keep]
        if shared is not None:
            ordinals = found["ordinal"][keep]
        del found, shared, cat_index, keep
        release_memory()  # the matches' other columns, before the rates are made on top
        table_rows = None
        if skipped:
            used = ~frame["doc_id"].astype(str).isin([d["doc_id"] for d in skipped]).to_numpy()
            frame = frame[used]
            totals = totals[used]
            m_row = (np.cumsum(used) - 1)[m_row]
            table_rows = np.flatnonzero(used)
        out = _match_rates(
            None,
            frame,
            by=by,
            categories=cats,
            n_resamples=n_resamples,
            seed=seed,
            confidence=confidence,
            voices=voices,
            segments=segments,
            found=(m_row, m_start, m_cat),
            totals=totals,
            ordinals=ordinals,
            n_jobs=jobs,
            progress=progress,
            function="stance_rates",
            table=table,
            table_rows=table_rows,
            ahead=ahead,
        )
        out.attrs["skipped"] = skipped + out.attrs["skipped"]
        warn_skipped("stance_rates", out.attrs["skipped"])
        _warn_single_unit("stance_rates", out.attrs["single_unit"])
        release_memory()  # the matches' arrays let go: their pages back to the system
        return out
    finally:
        if ahead is not None:  # ended, if the rates stopped before they took the sentences
            ahead.close()


def find_hedges(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """Deprecated alias of :func:`find_stance`, the same function under an honest name: it finds every stance
    marker (hedges, boosters, attitude markers, self-mentions, ...), not only hedges. Warns; goes in 0.3."""
    warnings.warn(
        "find_hedges is deprecated and will be removed in 0.3; use find_stance, the same function (it finds "
        "every stance marker, hedges among them).",
        FutureWarning,
        stacklevel=2,
    )
    return find_stance(*args, **kwargs)


def hedging_rates(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """Deprecated alias of :func:`stance_rates`, the same function under an honest name: it rates every stance
    category, not only hedges. Warns; goes in 0.3."""
    warnings.warn(
        "hedging_rates is deprecated and will be removed in 0.3; use stance_rates, the same function (it rates "
        "every stance category, hedges among them).",
        FutureWarning,
        stacklevel=2,
    )
    return stance_rates(*args, **kwargs)
