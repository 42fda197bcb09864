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

Voices: for a docs frame with ``speaker`` and ``genre`` columns, matches are
attributed by :func:`toolkit.split_voices`: the ``voice`` and ``speaker`` columns
of a match are those of its segment, so a hedge inside another person's quote is
that person's, not the document speaker's. :func:`stance_rates` counts the
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
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from toolkit._arrays import ranges as _ranges
from toolkit._frames import frame_from_rows
from toolkit._groups import groups as _groups
from toolkit._parallel import check_n_jobs
from toolkit._patterns import FORMAT_RE as _FORMAT_RE
from toolkit._patterns import IN_WORD as _IN_WORD
from toolkit._patterns import PLAIN as _PLAIN
from toolkit._patterns import Pieces as _Pieces
from toolkit._patterns import is_plain as _plain
from toolkit._patterns import marks_in as _marks_in
from toolkit._patterns import pattern_regex as _pattern_regex
from toolkit._patterns import pieces as _pieces
from toolkit._patterns import word_matches as _word_matches
from toolkit._patterns import word_start as _word_start
from toolkit._rating import _match_rates, _warn_single_unit
from toolkit._tokens import TOKEN_RE as _TOKEN_RE
from toolkit._tokens import lower_keeping_offsets as _lower
from toolkit._validation import (
    DataNotFoundError,
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
from toolkit.rates import OWN_VOICES, RATE_COLUMNS
from toolkit.text import STOP_WORDS
from toolkit.tokentable import TokenTable, chunk_starts, code_points, is_space, token_table

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

#: The five categories of Hyland's (2005) interactional metadiscourse, and two of the diplomatic register:
#: ``directive`` (deontic modals: obligation, prescription) and ``formula`` (courtesy frames). Neither is a hedge.
CATEGORIES: tuple[str, ...] = (
    "hedge",
    "booster",
    "attitude_marker",
    "self_mention",
    "engagement_marker",
    "directive",
    "formula",
)
#: The ways :func:`find_stance` decides the ambiguous cues.
METHODS: tuple[str, ...] = ("rules", "learned")
#: The default method: the one with the better leave-one-category-out F1 on the SFU development half.
DEFAULT_METHOD: str = "learned"
#: The shipped lexicon.
LEXICON_PATH: Path = Path(__file__).resolve().parent / "data" / "stance_lexicon.csv"
#: A text needs at least this many tokens before its language is judged.
MIN_TOKENS_FOR_LANGUAGE: int = 20
#: Below this share of English stop words (of at least MIN_TOKENS_FOR_LANGUAGE tokens) a text is not English.
MIN_STOP_WORD_SHARE: float = 0.15
#: The columns of a lexicon frame.
LEXICON_COLUMNS: tuple[str, ...] = ("pattern", "category", "rule", "kind", "note")
#: The columns of :func:`find_stance`.
MATCH_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "start",
    "end",
    "match",
    "category",
    "kind",
    "rule",
    "pattern",
    "voice",
    "speaker",
)

#: Verbs of saying that make a following "would" the future of reported speech (verbs of
#: thinking are left out: "I thought it would fail" is tentative).
REPORTING_VERBS: frozenset[str] = frozenset(
    "said says told tells announced announces promised promises pledged pledges vowed vows "
    "stated states declared declares added reported reports insisted warned assured assures "
    "predicted predicts expected agreed decided hoped claimed explained replied answered "
    "indicated signalled signaled confirmed".split()
)

RULES: dict[str, str] = {
    "approximator_quantity": "about/around/some are hedges only before a quantity",
    "may_modal": "may is the modal, not the month May",
    "would_not_reported": "would is not a hedge as the future of reported speech",
    "negation": "a negated booster is a hedge; a negated doubt is a booster",
    "cognition_verb": "think/believe/feel/hope... are stance before a clause or with a first-person subject",
    "appear_epistemic": "appear is a hedge, not when something shows up somewhere",
    "rather_downtoner": "rather is a downtoner, not in 'rather than' or 'would rather'",
    "possible_epistemic": "possible is a hedge, not in 'as ... as possible', 'made possible', 'if possible'",
    "certain_predicative": "certain is a booster when predicative, not as a determiner",
    "us_pronoun": "us is a self-mention, not US the United States",
    "modal_sense": "should/must/ought are directives (obligation), epistemic only in set frames",
    "formula_frame": "would like to / wish to / allow me to are courtesy formulae before a speech act",
    "intensifier_stance": "fully/firmly/strongly boost a stance word next to them; demonstrate/determined before 'that'/'to'",
}
"""The context rules, by name: what each decides (see the module docstring)."""

# ----------------------------------------------------------------------- word lists of the rules

_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds "
    "thousand thousands million millions billion billions trillion dozen dozens half third quarter "
    "fifth tenth score".split()
)
_ARTICLE_QUANTITY = frozenset(
    "dozen hundred thousand million billion trillion third quarter half fifth tenth fraction".split()
)
_MONTH_PREPOSITIONS = frozenset(
    "in on since until till by of from through last next early late mid during before after this".split()
)
_NEGATORS = frozenset({"not", "never", "no", "cannot", "hardly", "scarcely", "nor", "neither", "without"})
_NEGATION_BRIDGE = frozenset(
    "be been being is are was were am so too very quite entirely completely totally fully all that really "
    "always exactly altogether 100 yet still feel felt seem seems seemed sound look that's it's i'm i".split()
)
_FIRST_PERSON = frozenset({"i", "we", "i'd", "we'd", "i've", "we've"})
_SUBJECT_BRIDGE = frozenset(
    "do does did don't doesn't didn't also really still strongly firmly sincerely truly personally actually "
    "honestly just always even would could may might should must will can genuinely sometimes certainly "
    "therefore all further".split()
)
_CLAUSE_STARTS = frozenset(
    "that so it it's this these those there there's he she they we i you i'm we're they're he's she's "
    "what how whether if the a an our my your his her their its most many some all no nothing something "
    "everything everyone nobody one".split()
)
_COGNITION_NOT_BEFORE = frozenset("about of in through over out back up ahead twice for".split())
_NOUN_DETERMINERS = frozenset(
    "a an the of this that much lot some any no with without second first "
    "great quality my your his her their our its".split()
)
_APPEAR_NOT_BEFORE = frozenset("in on at before onstage with for as alongside from".split())
_BE_FORMS = frozenset(
    "be been being is are was were am i'm we're you're they're it's he's she's "
    "feel felt seem seems seemed quite absolutely fairly completely entirely very not "
    "so almost pretty".split()
)
_NON_SPACE = re.compile(r"\S")
_SENTENCE_BEFORE = re.compile(r"(?:[.!?][\"”’']?|[\"“‘]|\n[^\S\n]*\n)\s*$")
_HAD_AFTER = frozenset(
    "been had better got gotten gone done seen made taken known become come never already just".split()
)
_WOULD_ED = frozenset("need feed proceed succeed exceed bed red shed speed seed".split())
_MODAL_ADVERBS = frozenset(
    "also not never still therefore thus then again once now first further equally indeed "
    "surely certainly perhaps probably".split()
)
_PARTICIPLES = frozenset(
    "been had done gone seen made taken known felt thought come got gotten become "
    "given found heard left lost meant put read said sent set told understood won "
    "written".split()
)
_EXPECTATION_SUBJECTS = frozenset("it this that which there these those".split())
_EXPECTATION_PREDICATES = frozenset(
    "enough sufficient possible easy fine ok okay ready available able simple "
    "straightforward interesting fun straightforward adequate plenty no".split()
)
_EXPECTATION_VERBS = frozenset("suffice arrive last take cost work help fit".split())
_SPEECH_ACTS = frozenset(
    "thank congratulate welcome express begin start conclude close end join reiterate stress emphasize "
    "emphasise underline underscore highlight echo commend pay extend convey recall inform draw associate "
    "add note share say refer acknowledge assure mention touch turn focus address raise comment reaffirm "
    "place put take offer present outline update salute greet recognize recognise appreciate point affirm "
    "state explain elaborate make briefly express voice record reiterate transmit submit introduce renew "
    "sincerely warmly".split()
)
_ASSERTIVE = frozenset(
    "stress emphasize emphasise underline underscore note add reiterate recall point "
    "highlight mention urge appeal call encourage invite commend".split()
)
#: Adverbial phrases skipped like adverbs inside a courtesy frame ("I would like in particular to note").
_ADVERB_PHRASES = (
    ("in", "particular"),
    ("once", "again"),
    ("once", "more"),
    ("at", "the", "outset"),
    ("at", "this", "point"),
    ("at", "this", "juncture"),
    ("first", "of", "all"),
)
_ALWAYS_FORMULA = frozenset(
    {
        "allow me to",
        "allow me",
        "if i may",
        "permit me to",
        "let me",
        "may i",
        "have the honour to",
        "have the honor to",
        "take this opportunity to",
        "taking this opportunity to",
    }
)
_BLESSED = frozenset({"god", "allah"})  # "May God bless": a formula
_FEEL_BEFORE = frozenset({"that", "as"})  # "feel that", "feel as if": a hedge
_ARTICLES = frozenset({"a", "an", "the"})
_FEEL_NOT_CLAUSE = _ARTICLES | {"no", "most", "some"}  # "I feel the ...": not a clause after "feel"
_RATHER_AFTER = frozenset({"would", "'d", "i'd", "we'd", "had"})  # "would rather": a preference
_CERTAIN_BEFORE = frozenset({"that", "to", "of", "about"})  # "certain that": predicative
_POSSIBLE_AFTER = frozenset(
    "as if where whenever wherever when make makes made making way best all only every everything soon".split()
)  # "as soon as possible", "made possible": not a hedge
_CALL_ON = frozenset({"on", "upon"})
_WISH_VERBS = frozenset({"like", "wish", "love"})  # "would like to"
_SHOULD_HEDGES = frozenset({"think", "say", "imagine", "guess", "hope", "expect"})  # "I should think so"
# A clause ends at punctuation, a quotation mark or a blank line; a single line break is a wrapped line (the
# UNGDC speeches of 1992-2014 are hard-wrapped: "declared on behalf of\nthe Chinese Government that China would").
_CLAUSE_BREAK = re.compile(r"[.!?;:]\s|[.!?;:]$|\n[^\S\n]*\n|[\"“”]")
_WINDOW = 90
#: How many tokens back a reporting verb makes "would" the future of reported speech ("declared on behalf
#: of the Chinese Government that China would": 9).
_REPORTED_WINDOW = 12

# ----------------------------------------------------------------------- the lexicon


def load_lexicon(path: str | os.PathLike[str] | None = None, *, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return a stance lexicon as a frame: the shipped one, or one read from ``path``.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file with the columns ``pattern``, ``category`` and optionally
        ``rule`` and ``note`` (lines starting with ``#`` are comments). Default:
        :data:`LEXICON_PATH`, the lexicon after Hyland (2005) shipped with toolkit.
    extra : DataFrame, optional
        More entries (same columns; ``rule`` and ``note`` may be missing) appended
        to the lexicon; an entry with the same pattern and category replaces the old one.

    Returns
    -------
    DataFrame
        One row per entry with the columns ``pattern`` (string, lower case, with
        straight apostrophes, "-" hyphens and single spaces: "Don’t  know" is
        "don't know"),
        ``category`` (string, one of :data:`CATEGORIES`), ``rule`` (string, a
        name of :data:`RULES` or ""), ``kind`` (string: "epistemic" or
        "approximator" for hedges -- a hedge given without a kind is epistemic --,
        "" for the other categories) and ``note`` (string).

    Raises
    ------
    ValueError
        A column is missing, a pattern or category is missing (NA), a pattern is
        empty or has no word, a category or a rule is unknown.

    Examples
    --------
    >>> lex = load_lexicon()
    >>> lex.loc[lex["pattern"] == "perhaps", ["pattern", "category", "rule"]].values.tolist()
    [['perhaps', 'hedge', '']]
    >>> mine = load_lexicon(extra=pd.DataFrame({"pattern": ["we regret"], "category": ["attitude_marker"]}))
    >>> len(mine) - len(lex)
    1
    """
    source = LEXICON_PATH if path is None else Path(path)
    frame = pd.read_csv(source, comment="#", dtype=str, keep_default_na=False)
    lex = _check_lexicon(frame, name=str(source))
    if extra is not None:
        more = _check_lexicon(extra, name="extra")
        lex = pd.concat([lex, more], ignore_index=True)
        lex = lex.drop_duplicates(["pattern", "category"], keep="last").reset_index(drop=True)
    return lex


def _check_lexicon(given: object, *, name: str = "lexicon") -> pd.DataFrame:
    """A lexicon frame with the four columns, checked; rule and note filled with ""."""
    check_columns(given, ["pattern", "category"], name=name)
    frame = cast(pd.DataFrame, given)  # check_columns raised for anything else
    for column in ("pattern", "category"):
        missing = frame[column].isna().to_numpy()
        if missing.any():  # str(None) would be the word "none"
            raise ValueError(
                f"{name}: {column} is missing (NA) on row(s) with index "
                f"{', '.join(repr(r) for r in frame.index[missing][:5])}; fill or drop them."
            )
    lex = pd.DataFrame(
        {
            # written as matched: lower case, one apostrophe, one hyphen, single spaces, so that "don't" and
            # "don’t" are one pattern whose entries all apply (two patterns matching the same span lost one)
            "pattern": frame["pattern"].astype(str).map(_normal),
            "category": frame["category"].astype(str).str.strip(),
            "rule": frame["rule"].fillna("").astype(str).str.strip() if "rule" in frame.columns else "",
            "kind": frame["kind"].fillna("").astype(str).str.strip() if "kind" in frame.columns else "",
            "note": frame["note"].fillna("").astype(str) if "note" in frame.columns else "",
        }
    )
    lex.loc[(lex["category"] == "hedge") & (lex["kind"] == ""), "kind"] = "epistemic"
    lex.loc[lex["category"] != "hedge", "kind"] = ""
    for value in lex["kind"].unique():
        check_one_of(f"{name}: kind", value, ["", "epistemic", "approximator"])
    if lex.empty:
        raise ValueError(f"{name}: the lexicon has no entries; pass at least one row (pattern, category).")
    for value in lex["category"].unique():
        check_one_of(f"{name}: category", value, CATEGORIES)
    for value in lex["rule"].unique():
        check_one_of(f"{name}: rule", value, ["", *RULES])
    for pattern in lex["pattern"]:
        _pattern_regex(pattern, f"{name}: pattern")  # raises for a pattern with no word or a misplaced '*'
    lex = lex.drop_duplicates(["pattern", "category"], keep="last").reset_index(drop=True)
    return lex.astype(dict.fromkeys(LEXICON_COLUMNS, "string"))


def _resolve_lexicon(lexicon: pd.DataFrame | str | os.PathLike[str] | None) -> pd.DataFrame:
    if lexicon is None:
        return _default_lexicon()
    if isinstance(lexicon, (str, os.PathLike)):
        return load_lexicon(lexicon)
    if isinstance(lexicon, pd.DataFrame):
        return _check_lexicon(lexicon)
    raise ValueError(
        f"lexicon must be None (the shipped lexicon), a lexicon DataFrame or a CSV path, got {type(lexicon).__name__}."
    )


@lru_cache(maxsize=1)
def _default_lexicon() -> pd.DataFrame:
    return load_lexicon()


# ----------------------------------------------------------------------- the matcher

_APOS_UNIT = "['’]"
_HYPHEN_UNIT = "[-‐]"
_SPACE_UNIT = r"\s+"
_END = "\x00end"


def _units(pattern: str, pieces: _Pieces = _PLAIN) -> list[str]:
    """The regular-expression units of a lexicon pattern, one per character (or run of spaces).

    In a text with format characters (``pieces`` not plain) a letter, digit or mark is
    followed by any of them (``pieces.format``: the soft hyphen of "Per\\u00adhaps", as
    the tokenizer keeps it inside the token); the pattern's own format characters are
    dropped, as a term drops them.
    """
    units: list[str] = []
    for piece in re.findall(r"\s+|.", _FORMAT_RE.sub("", pattern).strip()):
        if piece.isspace():
            units.append(_SPACE_UNIT)
        elif piece in "'’":
            units.append(_APOS_UNIT)
        elif piece in "-‐":
            units.append(_HYPHEN_UNIT)
        elif piece == "*":
            units.append(pieces.tail + pieces.rest)
        elif not pieces.plain and _IN_WORD.fullmatch(piece):
            units.append(re.escape(piece) + pieces.format)
        else:
            units.append(re.escape(piece))
    return units


def _trie_regex(patterns: Iterable[str], pieces: _Pieces = _PLAIN) -> str:
    """One regular expression for all patterns: a character trie, longer continuations first.

    Python's ``re`` tries the alternatives of a flat alternation one after the
    other at every position; the trie shares prefixes, so each position costs a
    few character tests. Every pattern ends with a token-end test (``pieces.end``),
    and the first character is followed by the token-start lookbehind (before the
    format characters that may follow it: a lookbehind has a fixed width), so with
    :func:`toolkit.concordance._word_matches` a match is always whole tokens, as
    :func:`toolkit.tokenize` cuts them. ``pieces``: the kind of text the expression
    scans (see :class:`toolkit.concordance._Pieces`).
    """
    trie: dict = {}
    for p in patterns:
        node = trie
        for unit in _units(p, pieces):
            node = node.setdefault(unit, {})
        node[_END] = {}

    def emit(node: dict, depth: int) -> str:
        branches = []
        for key in sorted((u for u in node if u != _END), key=lambda u: -_depth(node[u])):
            unit = key
            if depth == 0 and not pieces.plain and unit.endswith(pieces.format):
                unit = unit[: -len(pieces.format)] + _word_start(1) + pieces.format
            elif depth == 0:
                unit += _word_start(1)
            branches.append(unit + emit(node[key], depth + 1))
        if _END in node:
            branches.append(pieces.end)
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(trie, 0)


def _depth(node: dict) -> int:
    return 1 + max((_depth(child) for u, child in node.items() if u != _END), default=0)


class _Matcher:
    """The compiled lexicon: a regex over the lower-cased text and the entries of each pattern."""

    def __init__(self, lex: pd.DataFrame) -> None:
        self.entries: dict[str, list[tuple[str, str, str]]] = {}
        for pattern, category, rule, kind in zip(lex["pattern"], lex["category"], lex["rule"], lex["kind"]):
            self.entries.setdefault(str(pattern), []).append((str(category), str(rule), str(kind)))
        patterns = list(self.entries)
        self.literal = {_normal(p): p for p in patterns if "*" not in p}

    @cached_property
    def _compiled(self) -> tuple[re.Pattern, re.Pattern, dict | None, list]:
        """The expressions, compiled when first needed (the token-table path rarely needs them): for texts
        without marks or format characters, for the others (translated by table), and of the prefixes."""
        patterns = list(self.entries)
        pieces = _pieces(_marks_in(patterns))
        prefixes = sorted(
            ((p, re.compile(_pattern_regex(p, "pattern", pieces))) for p in patterns if "*" in p),
            key=lambda kv: -len(kv[0]),
        )
        return (
            re.compile(_trie_regex(patterns), re.DOTALL),
            re.compile(_trie_regex(patterns, pieces), re.DOTALL),
            pieces.table,
            prefixes,
        )

    @property
    def plain(self) -> re.Pattern:
        return self._compiled[0]

    @property
    def regex(self) -> re.Pattern:
        return self._compiled[1]

    @property
    def table(self) -> dict:
        return cast(dict, self._compiled[2])  # None only where no text needs translating

    @property
    def prefixes(self) -> list:
        return self._compiled[3]

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, pattern) of each match, in text order."""
        # _lower keeps every offset (str.lower makes two code points of "İ"), so a span of
        # the lower-cased text is the span of the text, and its pattern is found by its lower case.
        target = _lower(text)
        out = []
        for s, e in _word_matches(self.regex, self.plain, self.table, target, text):
            out.append((s, e, self.pattern_of(target[s:e])))
        return out

    def pattern_of(self, matched: str) -> str:
        key = _normal(matched)
        if key in self.literal:
            return self.literal[key]
        for p, rx in self.prefixes:
            if rx.fullmatch(_lower(matched).translate(self.table)):  # the expressions of translated text
                return p
        return key  # not reached: every match is some pattern


def _normal(s: str) -> str:
    """A pattern or match as a key: lower case, without format characters, one apostrophe, hyphen and space."""
    return re.sub(r"\s+", " ", _FORMAT_RE.sub("", _lower(s)).replace("’", "'").replace("‐", "-")).strip()


@lru_cache(maxsize=8)
def _matcher_for(key: tuple[tuple[str, str, str, str], ...]) -> _Matcher:
    return _Matcher(pd.DataFrame(list(key), columns=["pattern", "category", "rule", "kind"]))


def _matcher(lex: pd.DataFrame) -> _Matcher:
    cols = [lex[c].tolist() for c in ("pattern", "category", "rule", "kind")]
    return _matcher_for(tuple(zip(*cols)))


def naive_regex(lexicon: pd.DataFrame | None = None) -> re.Pattern:
    r"""The naive alternative the benchmark and the evaluation compare with: one flat alternation.

    ``re.compile("|".join(r"\b" + re.escape(p) + r"\b" for p in patterns), re.I)``
    over the lexicon's patterns, longest first (a ``*`` becomes ``\w*``), run with
    ``finditer``: no token boundaries beyond ``\b``, no context rules.

    Examples
    --------
    >>> [m.group() for m in naive_regex().finditer("Perhaps we firmly oppose it.")]
    ['Perhaps', 'we', 'firmly oppose']
    """
    lex = _resolve_lexicon(lexicon)
    patterns = sorted(set(lex["pattern"].tolist()), key=len, reverse=True)
    return re.compile("|".join(r"\b" + re.escape(p).replace(r"\*", r"\w*") + r"\b" for p in patterns), re.I)


# ----------------------------------------------------------------------- context


class _Context:
    """Lazy local context of one match: the tokens before and after it in its clause."""

    __slots__ = ("_after", "_after_low", "_before", "_before_low", "end", "start", "text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self._before: list[str] | None = None
        self._after: list[str] | None = None
        self._before_low: list[str] | None = None
        self._after_low: list[str] | None = None

    def before_low(self) -> list[str]:
        """:meth:`before` lower-cased, one apostrophe (:func:`_low`), read once."""
        if self._before_low is None:
            self._before_low = _low(self.before())
        return self._before_low

    def after_low(self) -> list[str]:
        """:meth:`after` lower-cased, one apostrophe (:func:`_low`), read once."""
        if self._after_low is None:
            self._after_low = _low(self.after())
        return self._after_low

    def before(self) -> list[str]:
        """Tokens before the match in its clause, as written (nearest last)."""
        if self._before is None:
            left = self.text[max(0, self.start - _WINDOW) : self.start]
            breaks = list(_CLAUSE_BREAK.finditer(left))
            if breaks:
                left = left[breaks[-1].end() :]
            self._before = _TOKEN_RE.findall(left)
        return self._before

    def after(self) -> list[str]:
        """Tokens after the match in its clause, as written."""
        if self._after is None:
            right = self.text[self.end : self.end + _WINDOW]
            brk = _CLAUSE_BREAK.search(right)
            if brk:
                right = right[: brk.start()]
            self._after = _TOKEN_RE.findall(right)
        return self._after

    def sentence_end(self) -> str:
        """The punctuation that ends the match's sentence ("." "!" "?"), or "" at a blank line or the text's end."""
        m = re.search(r"[.!?]|\n[^\S\n]*\n", self.text[self.end : self.end + 400])
        return m.group() if m and m.group()[0] != "\n" else ""

    def sentence_initial(self) -> bool:
        left = self.text[max(0, self.start - 8) : self.start]
        # nothing but whitespace before (found without copying the text before: linear in the text), or the
        # end of a sentence ('.', '."', '.”'), an opening quotation mark, a blank line
        return _NON_SPACE.search(self.text, 0, self.start) is None or bool(_SENTENCE_BEFORE.search(left))


def _low(tokens: Sequence[str]) -> list[str]:
    """Each token lower-cased (:func:`_lower`, one code point for one) with one apostrophe.

    Lower-cased together: a token holds no NUL, and the lower case of a slice is the slice of the lower case.
    """
    if not tokens:
        return []
    return _lower("\x00".join(tokens)).replace("’", "'").split("\x00")


def _is_number(token: str) -> bool:
    return any(c.isdigit() for c in token) or token.lower() in _NUMBER_WORDS


def _negated(before: list[str]) -> bool:
    """A negator up to three tokens before, with only bridge words between."""
    for tok in reversed(before[-4:]):
        if (
            tok in _NEGATORS
            or tok.endswith("n't")
            or tok == "nt"
            or (
                tok.endswith("nt")
                and tok[:-2] in ("don", "doesn", "didn", "isn", "aren", "wasn", "weren", "couldn", "wouldn")
            )
        ):
            return True
        if tok not in _NEGATION_BRIDGE:
            return False
    return False


def _first_person_subject(before: list[str]) -> bool:
    for tok in reversed(before[-4:]):
        if tok in _FIRST_PERSON:
            return True
        if tok not in _SUBJECT_BRIDGE and not tok.endswith("n't"):
            return False
    return False


# Each rule: (match text, context, category) -> category to keep (maybe changed) or None to drop.
def _rule_approximator_quantity(word: str, ctx: _Context, category: str) -> str | None:
    after = ctx.after_low()[:2]
    if not after:
        return None
    if _is_number(after[0]) or ctx.text[ctx.end : ctx.end + 3].lstrip()[:1] in ("$", "€", "£", "¥"):
        return category
    if after[0] in ("a", "an") and len(after) > 1 and after[1] in _ARTICLE_QUANTITY:
        return category
    return None


def _rule_may_modal(word: str, ctx: _Context, category: str) -> str | None:
    before, after = ctx.before(), ctx.after()
    low_after = ctx.after_low()[:2]
    if low_after and (low_after[0] in _BLESSED or low_after[:2] in (["the", "almighty"], ["the", "lord"])):
        return "formula"  # "May God bless us all": a blessing, the courtesy of a speech's close
    if (after and _is_number(after[0]) and any(c.isdigit() for c in after[0])) or (
        before and any(c.isdigit() for c in before[-1])
    ):
        return None
    if word[0] == "M" and not ctx.sentence_initial():
        return None  # "May" capitalised inside a sentence: the month (or a name)
    if word[0] == "M" and not after:
        return None
    if before and before[-1].lower() in _MONTH_PREPOSITIONS and word[0] == "M":
        return None
    return category


def _rule_would_not_reported(word: str, ctx: _Context, category: str) -> str | None:
    before = ctx.before_low()[-_REPORTED_WINDOW:]
    if any(t in REPORTING_VERBS for t in before):
        return None
    if _courtesy_frame(ctx):
        return "formula"  # "I would also like to thank": the frame with an adverb inside
    if word[-2:].lower() in ("'d", "’d"):  # "we'd": would, or had before a participle ("we'd been", "I'd better")
        after = ctx.after_low()[:1]
        if after and (after[0] in _HAD_AFTER or (after[0].endswith("ed") and after[0] not in _WOULD_ED)):
            return None
    return category


def _rule_negation(word: str, ctx: _Context, category: str) -> str | None:
    if not _negated(ctx.before_low()):
        return category
    if category == "booster":
        return "hedge"
    if category == "hedge" and word.lower().startswith("doubt"):
        return "booster"
    return category


_EMPHATIC = frozenset("strongly firmly truly sincerely deeply genuinely fully really do does did".split())


def _emphatic_belief(word: str, ctx: _Context) -> bool:
    """ "We strongly believe", "I do believe": a belief held without reserve is a booster, not a hedge."""
    before = ctx.before_low()[-1:]
    return (
        _lower(word).startswith(("believe", "think"))
        and bool(before)
        and before[0] in _EMPHATIC
        and not _negated(ctx.before_low()[:-1])
    )  # "I don't really think" is no booster


def _rule_cognition_verb(word: str, ctx: _Context, category: str) -> str | None:
    before, after = ctx.before_low(), ctx.after_low()
    lw = word.lower()
    if before and before[-1] in _NOUN_DETERMINERS and before[-1] not in ("that",):
        return None  # a noun: "a thought", "the feel"
    nxt = after[0] if after else ""
    if nxt in _COGNITION_NOT_BEFORE:
        return None  # "think about", "believe in", "thought out"
    first = _first_person_subject(before)
    if lw.startswith("fe"):
        # feel: a hedge before "that" / "as if", or "like" + a clause; with "I" before a clause
        if nxt in _FEEL_BEFORE or (
            nxt == "like" and len(after) > 1 and after[1] in _CLAUSE_STARTS and after[1] not in _ARTICLES
        ):
            return category
        if first and nxt in _CLAUSE_STARTS and nxt not in _FEEL_NOT_CLAUSE:
            return category
        return None
    if lw in ("supposed",) and nxt == "to" and not first:
        return category  # "is supposed to": hearsay
    if first:
        return category
    if nxt in _CLAUSE_STARTS or not after:
        return category
    return None


def _rule_appear_epistemic(word: str, ctx: _Context, category: str) -> str | None:
    after = ctx.after_low()
    if not after or after[0] in _APPEAR_NOT_BEFORE:
        return None
    return category


def _rule_rather_downtoner(word: str, ctx: _Context, category: str) -> str | None:
    after, before = ctx.after_low(), ctx.before_low()
    if (after and after[0] == "than") or (before and before[-1] in _RATHER_AFTER):
        return None
    return category


def _rule_certain_predicative(word: str, ctx: _Context, category: str) -> str | None:
    before, after = ctx.before_low(), ctx.after_low()
    if (before and before[-1] in _BE_FORMS) or (after and after[0] in _CERTAIN_BEFORE) or not after:
        return _rule_negation(word, ctx, category)
    return None


def _rule_possible_epistemic(word: str, ctx: _Context, category: str) -> str | None:
    before = ctx.before_low()
    prev = before[-1] if before else ""
    if prev in _POSSIBLE_AFTER:
        return None
    if prev.endswith("est") and len(prev) > 4:  # a superlative: "the lowest possible price"
        return None
    return category


def _rule_us_pronoun(word: str, ctx: _Context, category: str) -> str | None:
    return None if word == "US" else category


def _skip_adverbs(tokens: list[str]) -> list[str]:
    i = 0
    while i < len(tokens):
        phrase = next((p for p in _ADVERB_PHRASES if tuple(tokens[i : i + len(p)]) == p), None)
        if phrase is not None:
            i += len(phrase)
        elif tokens[i] in _MODAL_ADVERBS or tokens[i].endswith("ly"):
            i += 1
        else:
            break
    return tokens[i:]


def _courtesy_frame(ctx: _Context, singular: bool = False) -> bool:
    """would/should (adverbs) like to / wish to (adverbs) + a verb of the speaker's turn: "I would also like to thank".

    Or the modal right before such a verb with a first-person subject ("we would also stress", "I would
    note"); with ``singular`` only after "I" ("I should stress that": "we should encourage" is a directive).
    """
    after = _skip_adverbs(ctx.after_low())
    before = ctx.before_low()
    subject = before[-1:] == ["i"] if singular else _first_person_subject(before)
    if after and after[0] in _ASSERTIVE and subject and (after[0] != "call" or after[1:2] in (["on"], ["upon"])):
        return True  # the speaker's turn, not a tentative claim ("I would call on", not "what I would call X")
    if len(after) < 2 or after[0] not in _WISH_VERBS:
        return False
    rest = _skip_adverbs(after[1:])
    if not rest or rest[0] != "to":
        return False
    rest = _skip_adverbs(rest[1:])
    return bool(rest) and rest[0] in _SPEECH_ACTS


def _rule_modal_sense(word: str, ctx: _Context, category: str) -> str | None:
    """should/must/ought: a directive (obligation), or epistemic; "Should X happen" is a conditional."""
    lw = _lower(word).replace("’", "'")
    if lw.startswith("should") and _courtesy_frame(ctx, singular=True):
        return "formula"  # "I should also like to congratulate", British
    raw = ctx.after()
    first = ctx.after_low()[0] if raw else ""
    # "Should that happen, ..." (inversion: a conditional, like "if"); "Should we ...?" is a question, and so
    # is "Should the world stand by?"
    if (
        lw.startswith("should")
        and ctx.sentence_initial()
        and word[0] == "S"
        and first not in ("we", "i", "not")
        and ctx.sentence_end() != "?"
        and (first in _CLAUSE_STARTS or (raw and raw[0][:1].isupper()))
    ):
        return None
    after = _skip_adverbs(ctx.after_low())
    nxt = after[0] if after else ""
    if lw.startswith("need"):
        last = ctx.before_low()[-1:]
        return None if last and last[0] in _NOUN_DETERMINERS else category  # "the need to act": a noun
    if lw.startswith("must"):
        # "must have been", "must have known": logical necessity, Hyland's booster
        if nxt == "have" and len(after) > 1 and (after[1] in _PARTICIPLES or after[1].endswith("ed")):
            return "booster"
        return category
    if lw.startswith("ought") and nxt == "to":
        after = after[1:]
        nxt = after[0] if after else ""
    before_low = ctx.before_low()  # read only now: "must" and "need" are decided without it
    prev = before_low[-1] if before_low else ""
    if lw.startswith("should") and prev == "i" and nxt in _SHOULD_HEDGES:
        return "hedge"  # "I should think so": a hedge, British
    if prev in _EXPECTATION_SUBJECTS and (
        (nxt == "be" and len(after) > 1 and after[1] in _EXPECTATION_PREDICATES) or nxt in _EXPECTATION_VERBS
    ):
        return "hedge"  # "that should be enough", "it should arrive by Monday": expectation
    return category


_STANCE_WORDS = frozenset(
    "believe believes believed support supports supported supporting oppose opposes opposed opposing condemn "
    "condemns condemned condemning reject rejects rejected rejecting agree agrees agreed share shares shared "
    "endorse endorses endorsed subscribe subscribes convinced confident aware committed commit commits "
    "deplore deplores deplored welcome welcomes welcomed back backs backed insist insists insisted "
    "urge urges urged advocate advocates advocated object objects protest protests disagree disagrees "
    "reaffirm reaffirms reaffirmed uphold upholds upheld maintain maintains hold holds".split()
)


def _rule_intensifier_stance(word: str, ctx: _Context, category: str) -> str | None:
    """A booster of the speaker's stance, not of an action's degree ("implement fully", "a determined enemy")."""
    lw = _lower(word)
    after = ctx.after_low()[:2]
    if lw.startswith("demonstrat") or lw == "determined":
        nxt = after[0] if after else ""
        if nxt == "that" or (lw == "determined" and nxt == "to" and ctx.before_low()[-1:][:1] != ["been"]):
            return category  # "this demonstrates that", "we are determined to"
        return None
    near = ctx.before_low()[-2:] + after
    return category if any(t in _STANCE_WORDS for t in near) else None


def _rule_formula_frame(word: str, ctx: _Context, category: str) -> str | None:
    """A courtesy formula before a verb of the speaker's own turn ("would like to thank"), or not."""
    lw = _normal(word)
    if lw in _ALWAYS_FORMULA:
        return category
    after = _skip_adverbs(ctx.after_low())
    if after and after[0] in _SPEECH_ACTS:
        return category
    if lw.startswith(("would", "should")):
        return "hedge"  # "we would like to see a ceasefire": a softened wish
    return None  # "they wish to remain": a wish, not a stance marker


_RULE_FUNCS: dict[str, Callable[[str, _Context, str], str | None]] = {
    "approximator_quantity": _rule_approximator_quantity,
    "may_modal": _rule_may_modal,
    "would_not_reported": _rule_would_not_reported,
    "negation": _rule_negation,
    "cognition_verb": _rule_cognition_verb,
    "appear_epistemic": _rule_appear_epistemic,
    "rather_downtoner": _rule_rather_downtoner,
    "certain_predicative": _rule_certain_predicative,
    "possible_epistemic": _rule_possible_epistemic,
    "us_pronoun": _rule_us_pronoun,
    "modal_sense": _rule_modal_sense,
    "formula_frame": _rule_formula_frame,
    "intensifier_stance": _rule_intensifier_stance,
}


# ----------------------------------------------------------------------- learned disambiguation

#: The rules whose decision the learned model takes over with ``method="learned"`` (keep or drop an
#: epistemic cue); the rules that assign a sense (negation, modal_sense, formula_frame) and the filters
#: of approximators, the month May and "US" apply in both methods.
LEARNED_RULES: frozenset[str] = frozenset({"cognition_verb", "appear_epistemic", "possible_epistemic"})
#: The shipped model of ``method="learned"``, trained by ``python -m toolkit.study.evaluate train``.
MODEL_PATH: Path = Path(__file__).resolve().parent / "data" / "hedge_model.json"
#: The cues the model knows by name (each with its own context weights); the others share "other".
MODEL_CUES: frozenset[str] = frozenset(
    "would could may might should must think thought thinks believe believes feel feels felt guess suppose "
    "supposed expect hope know sure really possible appear appears seem seems suggest suggests likely maybe "
    "perhaps probably claim claims opinion view apparent apparently tend doubt seemed seeming appeared "
    "suggested suspect expected hoped believed supposedly possibly unlikely".split()
)
_PREV_VOCAB = frozenset(
    "i we you it they he she that this there which who what to a the my your in would could might may will do "
    "does did be is was are not really also still just and but so as one people anyone if i'd it's".split()
)
_NEXT_VOCAB = frozenset(
    "that to it the a an about of like so be been have not i you we this in what how if as for with he she "
    "they there more get make go probably also really just had better me is was".split()
)


def _model_features(term: str, ctx: _Context, pattern: str, category: str, flipped: bool) -> list[str]:
    """The named context features of one candidate cue: what the learned model reads.

    ``cue=`` the lexicon pattern (one of :data:`MODEL_CUES`, else "other"); ``prev=`` / ``next=`` the
    token before / after (a word of a small closed list, "NEG" for a negator, "NUM" for a number,
    "<s>" / "</s>" at a clause edge, else "other"); the same two joined with the cue; and flags:
    ``negated``, ``first_person_subject``, ``reported`` (a reporting verb earlier in the clause),
    ``conditional`` ("if"/"unless" earlier in the clause), ``question`` (the sentence ends in "?"),
    ``sentence_initial``, ``capitalised``, ``negated_booster`` (a booster made a hedge by negation).
    """
    before, after = ctx.before_low(), ctx.after_low()
    base = pattern[:-3] if pattern.endswith("n't") else pattern  # "wouldn't" is "would", negated
    cue = base if base in MODEL_CUES else "other"
    prev = before[-1] if before else "<s>"
    nxt = after[0] if after else "</s>"
    prev = prev if prev in _PREV_VOCAB or prev == "<s>" else "NEG" if _negated([prev]) else "other"
    nxt = nxt if nxt in _NEXT_VOCAB or nxt == "</s>" else "NUM" if _is_number(nxt) else "other"
    feats = [f"cue={cue}", f"prev={prev}", f"next={nxt}", f"cue={cue}&prev={prev}", f"cue={cue}&next={nxt}"]
    initial = ctx.sentence_initial()
    flags = {
        "negated": _negated(before) or base != pattern,
        "first_person_subject": _first_person_subject(before),
        "reported": not REPORTING_VERBS.isdisjoint(before[-_REPORTED_WINDOW:]),
        "conditional": "if" in before or "unless" in before,
        "question": ctx.sentence_end() == "?",
        "sentence_initial": initial,
        "capitalised": term[:1].isupper() and not initial,
        "negated_booster": flipped,
    }
    for name, on in flags.items():
        if on:
            feats.append(name)
            if name in ("negated", "first_person_subject", "question"):
                feats.append(f"cue={cue}&{name}")
    return feats


class HedgeModel:
    """A logistic regression over named features: keep a candidate cue when its probability >= threshold.

    Read from JSON (:func:`load_hedge_model`): ``intercept``, ``threshold``, ``weights`` (feature name ->
    weight; a feature not listed weighs 0) and ``training`` (how it was made). Readable by design: the
    weights of a cue say which contexts make it a hedge (see ``python -m toolkit.study.evaluate model``).
    """

    def __init__(
        self, weights: dict[str, float], intercept: float, threshold: float = 0.5, training: dict | None = None
    ) -> None:
        self.weights = {str(k): float(v) for k, v in weights.items()}
        self.intercept = float(intercept)
        self.threshold = float(threshold)
        self.training = dict(training or {})

    def probability(self, features: Iterable[str]) -> float:
        z = self.intercept + sum(self.weights.get(f, 0.0) for f in features)
        return float(1.0 / (1.0 + np.exp(-z)))

    def keep(self, features: Iterable[str]) -> bool:
        return self.probability(features) >= self.threshold

    def to_json(self) -> dict:
        return {
            "intercept": self.intercept,
            "threshold": self.threshold,
            "weights": dict(sorted(self.weights.items())),
            "training": self.training,
        }


def load_hedge_model(path: str | os.PathLike[str] | None = None) -> HedgeModel:
    """Read a :class:`HedgeModel` from JSON (default: :data:`MODEL_PATH`, trained on the SFU development half).

    Raises
    ------
    DataNotFoundError
        The file does not exist (train one with ``python -m toolkit.study.evaluate train SFU_FOLDER --out PATH``).
    ValueError
        The file is not a model (not JSON, or without ``intercept`` and ``weights``).
    """
    source = MODEL_PATH if path is None else Path(path)
    if not source.is_file():
        raise DataNotFoundError(
            f"{source}: no hedge model there. Train one with "
            "'python -m toolkit.study.evaluate train SFU_FOLDER --out PATH', or pass method='rules'."
        )
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        return HedgeModel(data["weights"], data["intercept"], data.get("threshold", 0.5), data.get("training"))
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(
            f"{source}: not a hedge model ({err!r}); expected JSON with 'intercept' and "
            "'weights' as written by 'python -m toolkit.study.evaluate train'."
        ) from None


@lru_cache(maxsize=1)
def _default_model() -> HedgeModel:
    return load_hedge_model()


def _resolve_model(method: str, model: HedgeModel | str | os.PathLike[str] | None) -> HedgeModel | None:
    if method != "learned":
        if model is not None:
            raise ValueError(f"model= is given but method={method!r}; pass method='learned' to use a model.")
        return None
    if model is None:
        return _default_model()
    if isinstance(model, HedgeModel) or callable(getattr(model, "keep", None)):
        return cast(HedgeModel, model)  # a HedgeModel, or any object with keep(features) -> bool
    if isinstance(model, (str, os.PathLike)):
        return load_hedge_model(model)
    raise ValueError(f"model must be None, a HedgeModel or a JSON path, got {type(model).__name__}.")


# ----------------------------------------------------------------------- language


def english_share(text: str) -> tuple[int, float]:
    """Return (number of tokens, share of them that are English stop words) of ``text``.

    Only the first 20,000 characters are read: enough to tell a language, and
    cheap for very long documents.

    Examples
    --------
    >>> english_share("We hope that the talks will go well.")
    (8, 0.75)
    >>> english_share("")
    (0, 0.0)
    """
    toks = _TOKEN_RE.findall(_lower(text[:20000]))
    if not toks:
        return 0, 0.0
    return len(toks), sum(t in STOP_WORDS for t in toks) / len(toks)


def _not_english(text: str) -> float | None:
    """The stop-word share when ``text`` is judged not English, else None."""
    n, share = english_share(text)
    if n >= MIN_TOKENS_FOR_LANGUAGE and share < MIN_STOP_WORD_SHARE:
        return share
    return None


# ----------------------------------------------------------------------- the token-table path

_KEY = str.maketrans({"’": "'", "‐": "-"})  # a token's key: apostrophes and hyphens as a pattern reads them
_LANGUAGE_CHARS = 20000  # english_share reads this many characters
_LOOKAHEAD = 16  # the token pattern decides a token's end by looking at most this far past it


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
        key_ids: dict[str, int] = {}
        self.key_of = np.fromiter(
            (key_ids.setdefault(v.translate(_KEY), len(key_ids)) for v in vocab), dtype=np.int64, count=len(vocab)
        )
        self.base = len(key_ids) + 1
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
            ids = [key_ids.get(k, -1) for k in keys]
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
        self.opt_len = [len(o[0]) for o in options]
        self.opt_gaps = [o[1] for o in options]
        self.opt_pattern = [o[2] for o in options]

    def spans(
        self, between: Callable[[int, int, int], str], keys: np.ndarray, starts: np.ndarray, ends: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(first token, token after the last, pattern index) of each match, in text order (arrays).

        ``between(t, a, b)``: the text from offset ``a`` to ``b`` of the document of token ``t``."""
        single = self.single[keys]
        hit = single >= 0
        if not len(self.pairs) or len(keys) < 2:
            at = np.flatnonzero(hit)
            return at, at + 1, single[at]
        # a pair of keys that starts a multi-word entry: looked up only where the first key starts one
        maybe = np.flatnonzero(self.starts_multi[keys[:-1]])
        pair = keys[maybe] * self.base + keys[maybe + 1]
        hit_pair = np.isin(pair, self.pairs)
        cand, pair = maybe[hit_pair], pair[hit_pair]
        # every (candidate, option of its first two keys), the longer options first; the keys after the
        # first two compared for all at once (keys padded with -1 past the end)
        group = np.searchsorted(self.pairs, pair)
        n_opts = self.group_size[group]
        at = np.repeat(cand, n_opts)
        opt = np.repeat(self.group_start[group] - (np.cumsum(n_opts) - n_opts), n_opts) + np.arange(int(n_opts.sum()))
        padded = np.concatenate([keys, np.full(self.longest, -1, dtype=keys.dtype)])
        same = np.ones(len(at), dtype=bool)
        for k in range(2, self.longest):
            same &= (self.opt_keys[opt, k] < 0) | (padded[at + k] == self.opt_keys[opt, k])
        multi_at, multi_end, multi_p = [], [], []
        covered = -1
        for i, o in zip(at[same].tolist(), opt[same].tolist()):
            if i < covered:
                continue
            n, gaps, pi = self.opt_len[o], self.opt_gaps[o], self.opt_pattern[o]
            if not all(
                (starts[i + k + 1] == ends[i + k])
                if g is None
                else g.fullmatch(_lower(between(i, ends[i + k], starts[i + k + 1]))) is not None
                for k, g in enumerate(gaps)
            ):
                continue
            multi_at.append(i)
            multi_end.append(i + n)
            multi_p.append(pi)
            covered = i + n
        if not multi_at:
            at = np.flatnonzero(hit)
            return at, at + 1, single[at]
        m_at = np.asarray(multi_at, dtype=np.int64)
        m_end = np.asarray(multi_end, dtype=np.int64)
        inside = np.zeros(len(keys) + 1, dtype=np.int64)
        np.add.at(inside, m_at, 1)
        np.add.at(inside, m_end, -1)
        hit &= np.cumsum(inside)[:-1] == 0
        at = np.flatnonzero(hit)
        order_at = np.concatenate([at, m_at])
        order = np.argsort(order_at, kind="stable")
        return (
            order_at[order],
            np.concatenate([at + 1, m_end])[order],
            np.concatenate([single[at], np.asarray(multi_p, dtype=np.int64)])[order],
        )


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
    ) -> None:
        self.table, self.matcher, self.rules, self.model, self.non_english = table, matcher, rules, model, non_english
        self.lengths = np.fromiter((len(t) for t in table.texts), dtype=np.int64, count=len(table.texts))
        self.units = _work_units(self.lengths, n_jobs)
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
        bases = [p[:-3] if p.endswith("n't") else p for p in self.lex.named]
        self.cues = sorted({b if b in MODEL_CUES else "other" for b in bases} | {"other"})
        self.cue_of = np.array([self.cues.index(b if b in MODEL_CUES else "other") for b in bases], dtype=np.int64)
        self.negated_cue = np.array([b != p for b, p in zip(bases, self.lex.named)], dtype=bool)
        self.low = _LowVocab(v.replace("’", "'") for v in table.vocab).prepare() if rules else None
        # tokens with a combining mark or a format character: a document with one is matched on its characters
        # (elsewhere in a text they are in no token, as a byte-order mark before the first word: no matter)
        self.odd = np.fromiter((not _plain(v) for v in table.vocab), dtype=bool, count=len(table.vocab))

    def english(self, i: int, text: str, ids: np.ndarray, ends: np.ndarray) -> tuple[int, int]:
        """(tokens, stop words) among the tokens of ``text[:20000]``, as :func:`english_share` counts them."""
        if len(text) <= _LANGUAGE_CHARS:
            return len(ids), int(self.is_stop[ids].sum())
        k = int(np.searchsorted(ends, _LANGUAGE_CHARS - _LOOKAHEAD, side="right"))
        rest = _TOKEN_RE.findall(_lower(text[:_LANGUAGE_CHARS]), int(ends[k - 1]) if k else 0)
        return k + len(rest), int(self.is_stop[ids[:k]].sum()) + sum(t in STOP_WORDS for t in rest)


def _take_work(work: _TableWork, batch: range) -> _TableWork:
    """What a worker that does not fork needs for the units ``batch``: the work on their documents alone."""
    first, last = int(work.units[batch.start][0]), int(work.units[batch.stop - 1][0])
    part = object.__new__(_TableWork)
    part.__dict__.update(work.__dict__)
    part.table = work.table.take(range(first, last + 1))
    part.units = work.units[batch.start : batch.stop] - np.array([first, 0, 0])
    return part


#: A document longer than this (in characters), and than its share of the work, is cut into pieces.
_PIECE_MIN = 1_000_000


def _work_units(lengths: np.ndarray, n_jobs: int) -> np.ndarray:
    """(document, piece, pieces) of each unit of work: a document, or one of the pieces of a document so long
    that it would keep one worker busy alone (its matches cut into equal runs, decided by several workers)."""
    pieces = np.ones(len(lengths), dtype=np.int64)
    if n_jobs > 1 and len(lengths):
        pieces[lengths > max(lengths.sum() / (n_jobs * 4), _PIECE_MIN)] = n_jobs * 2
    doc = np.repeat(np.arange(len(lengths)), pieces)
    piece = np.arange(len(doc)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    return np.column_stack([doc, piece, pieces[doc]]).astype(np.int64) if len(doc) else np.zeros((0, 3), np.int64)


#: Tokens of one stream of documents (:class:`_Stream`): bounds the arrays of their matches' contexts.
_STREAM_TOKENS = 1_000_000


def _stance_batch(work: _TableWork, batch: range) -> dict:
    """The stance markers of the work units ``batch`` (:func:`_work_units`), as arrays; the documents judged
    not English.

    Document indices in the result count from the batch's first document (the caller adds it), so a worker
    given its own part of the table (:func:`_take_work`) answers in the same terms. A piece of a document
    reads the whole document and keeps its own run of the matches (the first piece reports the language).
    The documents are matched and decided a stream at a time (:class:`_Stream`, :func:`_stream_rows`); one
    with a token the token path cannot read is matched on its characters (:func:`_find_in_text`)."""
    table, matcher, lex = work.table, work.matcher, work.lex
    outcome: dict[tuple[str, str, str], int] = {}
    rows: list[tuple] = []  # (doc, start, end, code, pattern) arrays
    foreign = []
    base = int(work.units[batch.start][0]) if len(batch) else 0
    stream = _Stream(table.texts)
    for u in batch:
        i, piece, pieces = (int(v) for v in work.units[u])
        text = table.texts[i]
        points: np.ndarray | None
        space: np.ndarray | None
        if work.rules:
            points = code_points(text)
            space = is_space(points)
            begins = chunk_starts(text, space)
        else:
            points = space = None  # the marks are not read without rules
            begins = chunk_starts(text)
        ids, starts, ends = table.doc_tokens(i, begins)
        if work.non_english != "keep":
            n, stops = work.english(i, text, ids, ends)
            if n >= MIN_TOKENS_FOR_LANGUAGE and stops / n < MIN_STOP_WORD_SHARE:
                if piece == 0:
                    foreign.append((i - base, n, stops / n))
                continue
        if not lex.ok or work.odd[ids].any():
            found = _find_in_text(text, matcher, work.rules, work.model) if piece == 0 else []
            if found:
                rows.append(
                    (
                        np.full(len(found), i - base, dtype=np.int64),
                        np.fromiter((r[0] for r in found), np.int64, len(found)),
                        np.fromiter((r[1] for r in found), np.int64, len(found)),
                        np.fromiter((outcome.setdefault(r[3:6], len(outcome)) for r in found), np.int64, len(found)),
                        np.fromiter((work.index[r[6]] for r in found), np.int64, len(found)),
                    )
                )
            continue
        stream.add(i, piece, pieces, ids, starts, ends, points, space, begins)
        del points, space
        if stream.n_tokens >= _STREAM_TOKENS:
            rows.append(_stream_rows(work, stream.done(), outcome, base))
            stream = _Stream(table.texts)
    if stream.docs:
        rows.append(_stream_rows(work, stream.done(), outcome, base))
    rows = [r for r in rows if len(r[0])]
    if rows:
        doc, start, end, code, pattern = (np.concatenate(parts) for parts in zip(*rows))
        order = np.argsort(doc, kind="stable")  # documents in order; each one's matches already are
        doc, start, end, code, pattern = doc[order], start[order], end[order], code[order], pattern[order]
    else:
        doc = start = end = code = pattern = np.zeros(0, dtype=np.int64)
    return {
        "doc": doc,
        "start": start,
        "end": end,
        "code": code,
        "pattern": pattern,
        "outcomes": list(outcome),
        "foreign": foreign,
    }


def _stream_rows(work: _TableWork, stream: _Stream, outcome: dict, base: int) -> tuple:
    """(doc, start, end, outcome code, pattern) of the stance markers of one stream's documents, in order."""
    lex, matcher = work.lex, work.matcher
    keys = np.where(stream.ids >= 0, lex.key_of[np.maximum(stream.ids, 0)] if len(lex.key_of) else 0, lex.base - 1)
    at, stop, pis = lex.spans(stream.between, keys, stream.starts, stream.ends)
    k = stream.tok_doc[at]
    pieces = np.array(stream.pieces, dtype=np.int64)
    if (pieces[:, 1] > 1).any():  # a piece of a long document keeps its own run of the document's matches
        count = np.bincount(k, minlength=len(stream.docs))
        first = np.concatenate([[0], np.cumsum(count)[:-1]])
        rank = np.arange(len(k)) - first[k]
        piece, n_pieces = pieces[k, 0], pieces[k, 1]
        keep = (rank >= count[k] * piece // n_pieces) & (rank < count[k] * (piece + 1) // n_pieces)
        at, stop, pis, k = at[keep], stop[keep], pis[keep], k[keep]
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
        m, slot, code, again = _decide_on_arrays(work, stream, j, k[j], s_arr[j], e_arr[j], pis[j], outcome)
        m_parts.append(j[m])
        slot_parts.append(slot)
        code_parts.append(code)
        by_hand = np.sort(np.concatenate([by_hand, j[again]]))
    py_idx, py_slot, py_codes = [], [], []
    for jj in by_hand.tolist():
        kk = int(k[jj])
        b = int(stream.base[kk])
        s, e, pi = int(s_arr[jj]) - b, int(e_arr[jj]) - b, int(pis[jj])
        text = stream.texts[stream.docs[kk]]
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
    return (
        stream.doc[kd] - base,
        s_arr[m_all] - stream.base[kd],
        e_arr[m_all] - stream.base[kd],
        np.concatenate(code_parts).astype(np.int64)[order],
        pis[m_all],
    )


def _find_in_table(
    table: TokenTable,
    matcher: _Matcher,
    rules: bool,
    non_english: str,
    skipped: list[dict],
    model: HedgeModel | None,
    n_jobs: int,
) -> dict:
    """The stance markers of every document of ``table`` as arrays (doc row, start, end, category, kind, rule,
    pattern), documents judged not English skipped (listed in ``skipped``) or raised."""
    from toolkit._parallel import batches, map_batches

    work = _TableWork(table, matcher, rules, model, non_english, n_jobs)
    parts = batches(work.lengths[work.units[:, 0]] / work.units[:, 2], n_jobs * 4 if n_jobs > 1 else 1)
    results = map_batches(_stance_batch, work, parts, n_jobs, take=_take_work)
    outcomes: dict[tuple[str, str, str], int] = {}
    docs, starts, ends, codes, patterns = [], [], [], [], []
    foreign = []
    for part, r in zip(parts, results):
        remap = np.array([outcomes.setdefault(o, len(outcomes)) for o in r["outcomes"]] or [0], dtype=np.int64)
        base = int(work.units[part.start][0])
        docs.append(r["doc"] + base)
        r["foreign"] = [(i + base, n, share) for i, n, share in r["foreign"]]
        starts.append(r["start"])
        ends.append(r["end"])
        codes.append(remap[r["code"]] if len(r["code"]) else r["code"])
        patterns.append(r["pattern"])
        foreign.extend(r["foreign"])
    for i, n, share in foreign:
        doc_id = str(table.doc_ids[i])
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
    out: dict[str, Any] = {
        k: np.concatenate(v) if v else np.zeros(0, dtype=np.int64)
        for k, v in (("doc", docs), ("start", starts), ("end", ends), ("code", codes), ("pattern", patterns))
    }
    out["outcomes"] = list(outcomes)
    out["patterns"] = work.lex.named
    return out


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
        self.index: dict[str, int] = {}
        self._props: dict[str, np.ndarray] = {}
        self.add(list(_LOW_WORDS))
        self.of_vocab = self.add(list(strings))
        self.word = {w: self.index[w] for w in _LOW_WORDS}

    def add(self, strings: list[str]) -> np.ndarray:
        index, out = self.index, np.empty(len(strings), dtype=np.int32)
        for k, s in enumerate(strings):
            i = index.get(s)
            if i is None:
                i = index[s] = len(self.strings)
                self.strings.append(s)
            out[k] = i
        return out

    def prop(self, name: str) -> np.ndarray:
        arr = self._props.get(name)
        if arr is None or len(arr) < len(self.strings):
            done = 0 if arr is None else len(arr)
            words, test = _LOW_PROPS[name]
            new = np.zeros(len(self.strings) - done, dtype=bool)
            if test is not None:
                new[:] = [s is not None and test(s) for s in self.strings[done:]]
            for w in words:
                i = self.index.get(w, -1)
                if i >= done:
                    new[i - done] = True
            arr = new if arr is None else np.concatenate([arr, new])
            self._props[name] = arr
        return arr

    def classes(self, vocab: frozenset, pad: str, other: str, other_prop: str) -> tuple[np.ndarray, list[str]]:
        """Each id's class as the model names it: the token if in ``vocab``, ``pad`` for no token, ``other`` if
        it has the property ``other_prop``, else "other"; as indices into the returned names."""
        names = [pad, *sorted(vocab), other, "other"]
        codes = np.where(self.prop(other_prop), len(names) - 2, len(names) - 1)
        for n, w in enumerate(names[1:-2], start=1):
            i = self.index.get(w)
            if i is not None:
                codes[i] = n
        codes[_PAD] = 0
        return codes, names

    def prepare(self) -> _LowVocab:
        """Every property of the table's tokens, computed now (before the workers fork, so once)."""
        for name in _LOW_PROPS:
            self.prop(name)
        return self


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

    _NAMES = ("chunk_start", "chunk_end", "ev_start", "ev_end", "at", "cls", "blank_start", "blank_end")
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

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {name: [] for name in self._NAMES}

    def add(self, points: np.ndarray, space: np.ndarray, begins: np.ndarray, base: int) -> None:
        parts = self.parts
        parts["chunk_start"].append(begins + base)
        parts["chunk_end"].append(np.flatnonzero(~space & np.append(space[1:], True)) + 1 + base)
        capped = points if points.dtype == np.uint8 else np.minimum(points, _MARK_END)
        at = np.flatnonzero(_MARK_CLASS[capped])
        cls = _MARK_CLASS[capped[at]]
        punct = at[(cls >= 1) & (cls <= 3)]
        p1 = punct[punct + 1 < len(points)]
        p1 = p1[space[p1 + 1]]
        quote = at[(cls >= 5) & (cls <= 7)]
        nl = at[cls == 4]
        if len(nl) > 1:
            # only whitespace between two consecutive line breaks: no chunk begins between them
            pair = np.searchsorted(begins, nl[:-1]) == np.searchsorted(begins, nl[1:])
            b_start, b_end = nl[:-1][pair], nl[1:][pair] + 1
        else:
            b_start = b_end = np.zeros(0, dtype=np.int64)
        starts = np.concatenate([p1, quote, b_start])
        order = np.argsort(starts, kind="stable")
        parts["ev_start"].append(starts[order] + base)
        parts["ev_end"].append(np.concatenate([p1 + 2, quote + 1, b_end])[order] + base)
        parts["at"].append(at + base)
        parts["cls"].append(cls)
        parts["blank_start"].append(b_start + base)
        parts["blank_end"].append(b_end + base)

    def done(self) -> None:
        for name in self._NAMES:
            parts = self.parts[name]
            setattr(self, name, np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64))
        del self.parts
        # sentinels: a break before every text and one after
        self.ev_start = np.concatenate([[-1], self.ev_start, [2**62]])
        self.ev_end = np.concatenate([[-1], self.ev_end, [2**62]])
        self.punct = self.at[(self.cls >= 1) & (self.cls <= 3)]
        self.sent = self.at[(self.cls == 1) | (self.cls == 2)]
        self.newline = self.at[self.cls == 4]

    def class_at(self, pos: np.ndarray) -> np.ndarray:
        """The :data:`_MARK_CLASS` of the character at each offset (0 for any other)."""
        if not len(self.at):
            return np.zeros(len(pos), dtype=np.int64)
        k = np.minimum(np.searchsorted(self.at, pos), len(self.at) - 1)
        return np.where(self.at[k] == pos, self.cls[k], 0)


def _has(sorted_arr: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each value is in ``sorted_arr``."""
    if not len(sorted_arr):
        return np.zeros(len(values), dtype=bool)
    k = np.minimum(np.searchsorted(sorted_arr, values), len(sorted_arr) - 1)
    return sorted_arr[k] == values


class _Stream:
    """Documents of one run of work end to end: their tokens, chunks and marks in one coordinate (a document's
    offsets plus its ``base``; a separator token after each), so that the matches of all are found, and their
    contexts read, at once."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.docs: list[int] = []  # the table's document index of each
        self.pieces: list[tuple[int, int]] = []  # (piece, pieces): the run of the document's matches to keep
        self.simple: list[bool] = []  # tokens lower-cased as _low does, and their own terms
        self._ids: list[np.ndarray] = []
        self._starts: list[np.ndarray] = []
        self._ends: list[np.ndarray] = []
        self._base: list[int] = []
        self.marks = _Marks()
        self.n_tokens = 0
        self._next = 0

    def add(
        self,
        i: int,
        piece: int,
        pieces: int,
        ids: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        points: np.ndarray | None,
        space: np.ndarray | None,
        begins: np.ndarray,
    ) -> None:
        text = self.texts[i]
        base = self._next
        self.docs.append(i)
        self.pieces.append((piece, pieces))
        self.simple.append(
            text.isascii() or ("\u0130" not in text and "\u03a3" not in text and unicodedata.is_normalized("NFC", text))
        )
        stop = base + len(text)
        self._ids.append(np.append(ids.astype(np.int64), -1))
        self._starts.append(np.append(starts + base, stop))
        self._ends.append(np.append(ends + base, stop))
        self._base.append(base)
        if points is not None and space is not None:  # the marks are read only by the context rules
            self.marks.add(points, space, begins, base)
        self.n_tokens += len(ids) + 1
        self._next = stop + 1

    def done(self) -> _Stream:
        self.ids = np.concatenate(self._ids)
        self.starts = np.concatenate(self._starts).astype(np.int64)
        self.ends = np.concatenate(self._ends).astype(np.int64)
        n = np.array([len(a) for a in self._ids], dtype=np.int64)
        self.tok_doc = np.repeat(np.arange(len(n)), n)
        self.base = np.array(self._base, dtype=np.int64)
        self.stop = self.base + np.array([len(self.texts[i]) for i in self.docs], dtype=np.int64)
        self.doc = np.array(self.docs, dtype=np.int64)
        del self._ids, self._starts, self._ends
        self.marks.done()
        return self

    def text(self, k: int, a: int, b: int) -> str:
        """The text between stream offsets ``a`` and ``b`` of the stream's ``k``-th document."""
        base = int(self.base[k])
        return self.texts[self.docs[k]][a - base : b - base]

    def between(self, t: int, a: int, b: int) -> str:
        """The text between stream offsets ``a`` and ``b`` of the document of token ``t``."""
        return self.text(int(self.tok_doc[t]), a, b)

    def low_tok(self, low: _LowVocab) -> np.ndarray:
        """Each token's :class:`_LowVocab` id (:data:`_PAD` for the separators)."""
        return np.where(self.ids >= 0, low.of_vocab[np.maximum(self.ids, 0)] if len(low.of_vocab) else _PAD, _PAD)


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
        starts, ends = stream.starts, stream.ends
        y = np.maximum(x, y)
        c0 = np.maximum(np.searchsorted(cb, x, side="right") - 1, 0)
        c1 = np.maximum(np.searchsorted(cb, y - 1, side="right") - 1, 0)
        cut0 = (y > x) & (cb[c0] < x) & (x < ce[c0])
        cut1 = (y > x) & (cb[c1] < y) & (y < ce[c1])
        # a token across x or y, or starting at x inside its chunk: the piece there is tokenized alone
        last = len(starts) - 1  # the stream ends with a separator token at the end of its last text
        t_x = np.minimum(np.searchsorted(ends, x, side="right"), last)  # the first token ending after x
        odd0 = cut0 & (starts[t_x] <= x)
        t_y = np.minimum(np.searchsorted(ends, y, side="right"), last)
        odd1 = cut1 & (starts[t_y] < y)
        same = cut0 & cut1 & (c0 == c1) & (odd0 | odd1)  # x and y in one chunk: [x, y) is one piece
        lo_tab = np.where(odd0, ce[c0], x)
        hi_tab = np.where(odd1, cb[c1], y)
        t_from = np.searchsorted(starts, lo_tab, side="left")
        t_to = np.searchsorted(starts, hi_tab, side="left")
        n_tab = np.where(same, 0, np.maximum(t_to - t_from, 0))
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
        flat[_ranges(tab_at, tab_at + n_tab)] = low_tok[_ranges(t_from, t_from + n_tab)]
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
        """The id of token ``k`` of each match's side (from its end, 1-based, or from its start, 0-based)."""
        n = self.len[m]
        inside = (k <= n) if from_end else (k < n)
        idx = self.off[m] + (n - k if from_end else k)
        out = np.where(
            inside, self.flat[np.clip(idx, 0, max(len(self.flat) - 1, 0))] if len(self.flat) else _PAD, _PAD
        ).astype(np.int32)
        # past the near tokens: the far piece, at the start (before the match) or the end (after it)
        far = ~inside & self.far_has[m] & (from_end == self.far_first)
        for i in np.flatnonzero(far).tolist():
            ids = self._far(int(m[i]))
            r = int(k[i] - n[i])
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
        for i in np.flatnonzero(reach).tolist():
            ids = self._far(int(m[i]))
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
        lo = np.maximum(stream.base[k], s - _WINDOW)
        # the clause's start: the end of the last break inside text[lo:s]
        j = np.searchsorted(mk.ev_end, s, side="right") - 1  # the events begin with a sentinel (-1, -1)
        x = np.where(mk.ev_start[j] >= lo, mk.ev_end[j], lo)
        x = np.where((s > lo) & _has(mk.punct, s - 1), s, x)  # "[.!?;:]$": punctuation right before the match
        # the clause's end: the start of the first break inside text[e:w_end]
        w_end = np.minimum(e + _WINDOW, stream.stop[k])
        j = np.searchsorted(mk.ev_start, e, side="left")  # ... and end with one (2**62, 2**62)
        y = np.where(mk.ev_end[j] <= w_end, mk.ev_start[j], w_end)
        y = np.where((w_end > e) & _has(mk.punct, w_end - 1), np.minimum(y, w_end - 1), y)
        self.before_side = _Side(stream, low, low_tok, k, x, s, far_first=True)
        self.after_side = _Side(stream, low, low_tok, k, e, y, far_first=False)

    def before(self, m: np.ndarray, k: int) -> np.ndarray:
        """The id of the ``k``-th token before each match (1: the nearest), :data:`_PAD` past the clause."""
        return self.before_side.get(m, np.full(len(m), k, dtype=np.int64), from_end=True)

    def after(self, m: np.ndarray, k: int | np.ndarray) -> np.ndarray:
        """The id of the ``k``-th token after each match (0: the first; ``k`` may be an array)."""
        return self.after_side.get(m, np.broadcast_to(np.asarray(k, dtype=np.int64), (len(m),)), from_end=False)

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
        while going.any():
            g = np.flatnonzero(going)
            mg, ag = m[g], at[g]
            step = np.zeros(len(g), dtype=np.int64)
            for p in phrases:
                hit = step == 0
                for q, w in enumerate(p):
                    hit &= self.after(mg, ag + q) == w
                step[hit] = len(p)
            single = (step == 0) & self.is_("adverb", self.after(mg, ag))
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


def _word_flags(words: list[str]) -> dict[str, np.ndarray]:
    """:data:`_WORD_FLAGS` of each word (computed once per distinct word)."""
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(w, len(index)) for w in words), dtype=np.int64, count=len(words))
    distinct = list(index)
    return {
        name: np.fromiter((f(w) for w in distinct), dtype=bool, count=len(distinct))[codes]
        for name, f in _WORD_FLAGS.items()
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
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`HedgeModel.keep` of :func:`_model_features` for the matches ``m``, and where the answer is left
        to :func:`_decide` (a probability within 1e-9 of the threshold, where the order of a sum could tip it)."""
        c, wts = self.c, model.weights
        before, after = c.before(m, 1), c.after(m, 0)  # first: reading them may add a cut word to the vocabulary
        prev_cls, prev_names = self.low.classes(_PREV_VOCAB, "<s>", "NEG", "negator")
        next_cls, next_names = self.low.classes(_NEXT_VOCAB, "</s>", "NUM", "number")
        prev = prev_cls[before]
        nxt = next_cls[after]

        w = _weight_tables(tuple(sorted(wts.items())), tuple(cues), tuple(prev_names), tuple(next_names))
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
    outcome: dict,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_decide` for the matches ``j`` (of a stream's documents ``k``, offsets ``s``-``e``, patterns
    ``pis``) on arrays: (match, entry slot, outcome code) of every kept entry, and the matches left to
    :func:`_decide` (a rare branch of a rule, a probability at the model's threshold)."""
    low = work.low
    assert low is not None, "the rules on arrays need the work's vocabulary (made when rules=True)"
    ctx = _Contexts(stream, low, stream.low_tok(low), k, s, e)
    terms = []
    for kk, a, b in zip(k.tolist(), (s - stream.base[k]).tolist(), (e - stream.base[k]).tolist()):
        w = stream.texts[stream.docs[kk]][a:b]
        terms.append(w if w.isascii() else _FORMAT_RE.sub("", w))
    rules = _RulesOnArrays(ctx, _word_flags(terms))
    reps = work.n_entries[pis]
    pair_m = np.repeat(np.arange(len(j)), reps)
    pair_slot = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    pair_entry = work.entry_id[work.entry_ptr[pis[pair_m]] + pair_slot]
    by_hand = np.zeros(len(j), dtype=bool)
    out_m, out_slot, out_code = [], [], []
    model = work.model
    initial = np.zeros(len(j), dtype=bool)
    question = np.zeros(len(j), dtype=bool)
    known = np.zeros(len(j), dtype=bool)
    for ent in np.unique(pair_entry).tolist():
        category, rule, kind = work.entry_list[ent]
        sel = np.flatnonzero(pair_entry == ent)
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
                    ask = mp[~known[mp]]
                    initial[ask], question[ask] = _sentence_flags(stream, k[ask], s[ask], e[ask])
                    known[ask] = True
                    keep, unsure = rules.model_keep(
                        model,
                        mp,
                        work.cues,
                        work.cue_of[pis[mp]],
                        work.negated_cue[pis[mp]],
                        np.full(len(mp), category == "booster"),
                        initial[mp],
                        question[mp],
                    )
                    by_hand[mp[unsure]] = True
                    pick, mp = pick[keep], mp[keep]
                    if decided == category:
                        label = "learned"
                out_m.append(mp)
                out_slot.append(pair_slot[sel[pick]])
                out_code.append(np.full(len(mp), outcome.setdefault((decided, new_kind, label), len(outcome))))

    def cat(parts: list) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    all_m, all_slot, all_code = cat(out_m), cat(out_slot), cat(out_code)
    keep = ~by_hand[all_m] if len(all_m) else np.zeros(0, dtype=bool)
    return all_m[keep], all_slot[keep], all_code[keep], np.flatnonzero(by_hand)


def _sentence_flags(stream: _Stream, k: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`_Context.sentence_initial` and whether :meth:`_Context.sentence_end` is "?", for every match."""
    mk = stream.marks
    # sentence_end: the first of ".!?" or a blank line in text[e:e + 400]
    w_end = np.minimum(e + 400, stream.stop[k])
    i = np.searchsorted(mk.sent, e)
    p = np.append(mk.sent, 2**62)[i]
    i = np.searchsorted(mk.blank_start, e)
    b_start, b_end = np.append(mk.blank_start, 2**62)[i], np.append(mk.blank_end, 2**62)[i]
    question = (p < w_end) & ~((b_end <= w_end) & (b_start < p)) & (mk.class_at(p) == 2)
    # sentence_initial: nothing but whitespace before, or _SENTENCE_BEFORE in the 8 characters before
    cb, ce = mk.chunk_start, mk.chunk_end
    c = np.searchsorted(cb, s, side="right") - 1  # the match's chunk
    base = stream.base[k]
    first_chunk = (c == 0) | (cb[np.maximum(c - 1, 0)] < base)
    alone = first_chunk & (cb[c] == s)
    # the last character before s that is not whitespace (-1: none)
    q = np.where(cb[c] < s, s - 1, np.where(first_chunk, -1, ce[np.maximum(c - 1, 0)] - 1))
    w0 = np.maximum(base, s - 8)
    run = np.maximum(q + 1, w0)  # the whitespace at the end of the window
    blank = np.searchsorted(mk.newline, s) - np.searchsorted(mk.newline, run) >= 2
    at_q, before_q = mk.class_at(q), mk.class_at(q - 1)
    inside = q >= w0
    end_mark = (at_q == 1) | (at_q == 2)
    closer = np.isin(at_q, (5, 6, 8)) & (q - 1 >= w0) & ((before_q == 1) | (before_q == 2))
    opener = np.isin(at_q, (5, 7, 9))
    initial = alone | blank | (inside & (end_mark | closer | opener))
    return initial, question


# ----------------------------------------------------------------------- find_stance


def _find_in_text(
    text: str, matcher: _Matcher, rules: bool, model: HedgeModel | None = None
) -> list[tuple[int, int, str, str, str, str, str]]:
    """(start, end, match, category, kind, rule, pattern) of the stance markers of one text.

    ``rule`` names what decided: the context rule that kept, dropped or changed the match, "learned" when
    the model kept it, "lexicon" when nothing did (an entry without a rule, or a booster the negation
    rule found not negated).
    """
    out: list[tuple[int, int, str, str, str, str, str]] = []
    entries = matcher.entries
    for s, e, pattern in matcher.spans(text):
        word = text[s:e]
        out.extend(
            (s, e, word, *row, pattern) for row in _decide(text, s, e, word, pattern, entries[pattern], rules, model)
        )
    return out


def _decide(
    text: str,
    s: int,
    e: int,
    word: str,
    pattern: str,
    entries: list[tuple[str, str, str]],
    rules: bool,
    model: HedgeModel | None,
) -> list[tuple[str, str, str]]:
    """(category, kind, rule) of each entry of one match ``text[s:e]`` that is kept, in the entries' order."""
    out: list[tuple[str, str, str]] = []
    ctx: _Context | None = None
    term = word if word.isascii() else _FORMAT_RE.sub("", word)  # what a rule reads: "U\u00adS" is "US"
    for category, rule, kind in entries:
        if not rules:
            out.append((category, kind, "lexicon"))
            continue
        decided: str | None = category
        label = "lexicon"
        if rule and ctx is None:
            ctx = _Context(text, s, e)  # lazy: reads the text around the match only when a rule asks
        learned_decides = model is not None and category == "hedge" and kind == "epistemic"
        if rule == "cognition_verb" and _emphatic_belief(term, cast(_Context, ctx)):
            decided, label = "booster", rule  # "we strongly believe": a sense, in both methods
        elif rule and not (learned_decides and rule in LEARNED_RULES):
            decided = _RULE_FUNCS[rule](term, cast(_Context, ctx), category)
            if decided is None:
                continue
            label = _rule_label(rule, category, decided)
        if decided != category:  # a negated booster is an epistemic hedge; "must have been" a booster
            kind = "epistemic" if decided == "hedge" else ""
        if model is not None and decided == "hedge" and kind == "epistemic":
            if ctx is None:
                ctx = _Context(text, s, e)
            flipped = category == "booster"
            if not model.keep(_model_features(term, ctx, pattern, decided, flipped)):
                continue
            if decided == category:
                label = "learned"
        out.append((cast(str, decided), kind, label))
    return out


def _rule_label(rule: str, category: str, decided: str) -> str:
    """The rule that actually decided: negation only when it changed the category."""
    if rule == "negation" and decided == category:
        return "lexicon"
    if decided == "formula":
        return "formula_frame"  # "I would also like to", "I should like to": the frame decided
    if rule == "certain_predicative" and decided != category:
        return "negation"
    return rule


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
        out of domain; see the README).
    model : HedgeModel or path, optional
        The model of ``method="learned"`` (default: :data:`MODEL_PATH`).
    non_english : {"raise", "skip", "keep"}
        What to do with a text judged not English (see the module docstring):
        raise a ValueError naming it; for a docs frame, skip it, list it in
        ``attrs["skipped"]`` (dicts with ``doc_id``, ``problem``, ``tokens``,
        ``stop_word_share``) and warn, naming it; or "keep": match it anyway (for callers who know the text is English,
        such as the evaluation on short review sentences).
    n_jobs : int, optional
        Worker processes, each taking whole documents (None or 1: this
        process; -1: every CPU). The matches do not depend on it.
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
    if categories is not None:
        categories = list(
            dict.fromkeys(
                check_one_of("categories", c, CATEGORIES)
                for c in ([categories] if isinstance(categories, str) else categories)
            )
        )
    return categories, _matcher(_resolve_lexicon(lexicon)), learned


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
    check_columns(docs, ["doc_id", "text"], name="text_or_docs")
    check_texts(docs, name="text_or_docs")
    check_unique_ids(docs, name="text_or_docs")
    return token_table(docs, n_jobs=n_jobs)


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
) -> pd.DataFrame:
    """Rates of hedges, boosters and the other categories per 1,000 tokens, with bootstrap intervals.

    The matches of :func:`find_stance` counted per document (as arrays, without
    their frame), then the rates of :func:`toolkit.rates.match_rates`, which
    resamples documents (or the sentences of a group with one document).

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
        sentences on several cores.
    segments : DataFrame, None or "auto", default "auto"
        The voices that ``voices`` chooses from, as in :func:`find_stance`.

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
    voices = _check_voices(voices)
    check_count("n_resamples", n_resamples, 100)
    check_confidence(confidence)
    check_seed("seed", seed, allow_none=True)
    jobs = check_n_jobs(n_jobs)
    frame = docs.docs if isinstance(docs, TokenTable) else docs
    _groups(frame, by, reserved=RATE_COLUMNS)  # the by columns exist, before any text is read
    segments = None if voices is None else _resolve_segments(frame, segments, function="stance_rates")
    cats, matcher, learned = _stance_options(categories, lexicon, True, method, model, non_english)
    cats = list(CATEGORIES) if cats is None else cats
    table = _table_of(docs, jobs)
    skipped: list[dict] = []
    # counted without a frame of matches: their documents, starts and categories as arrays
    found = _find_in_table(table, matcher, True, non_english, skipped, learned, jobs)
    # each outcome's index in cats (-1: a category not rated), then each match's: no array of strings
    cat_index = np.array([cats.index(o[0]) if o[0] in cats else -1 for o in found["outcomes"]] or [-1], dtype=np.int64)[
        found["code"]
    ]
    keep = cat_index >= 0
    m_row, m_start, m_cat = found["doc"][keep], found["start"][keep], cat_index[keep]
    del found, cat_index, keep
    totals = table.totals
    if skipped:
        used = ~pd.Index(table.doc_ids).isin([d["doc_id"] for d in skipped])
        frame = frame[used]
        totals = totals[used]
        m_row = (np.cumsum(used) - 1)[m_row]
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
        n_jobs=jobs,
    )
    out.attrs["skipped"] = skipped + out.attrs["skipped"]
    warn_skipped("stance_rates", out.attrs["skipped"])
    _warn_single_unit("stance_rates", out.attrs["single_unit"])
    return out


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
