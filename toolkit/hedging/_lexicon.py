"""The stance lexicon, its categories and rules by name, the matcher over characters, and the language check."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, cast

import pandas as pd

from toolkit._patterns import FORMAT_RE as _FORMAT_RE
from toolkit._patterns import IN_WORD as _IN_WORD
from toolkit._patterns import PLAIN as _PLAIN
from toolkit._patterns import Pieces as _Pieces
from toolkit._patterns import is_plain as _is_plain
from toolkit._patterns import marks_in as _marks_in
from toolkit._patterns import pattern_regex as _pattern_regex
from toolkit._patterns import pieces as _pieces
from toolkit._patterns import word_matches as _word_matches
from toolkit._patterns import word_start as _word_start
from toolkit._tokens import TOKEN_RE as _TOKEN_RE
from toolkit._tokens import lower_keeping_offsets as _lower
from toolkit._validation import (
    check_columns,
    check_one_of,
)
from toolkit.text import STOP_WORDS

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
LEXICON_PATH: Path = Path(__file__).resolve().parent.parent / "data" / "stance_lexicon.csv"
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


_CSV_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _blank_comments(text: str) -> tuple[str, int | None]:
    """``text`` (a CSV file's) with its comments blanked: a line that starts with '#' (after any blanks)
    outside a quoted field, made an empty line (which the reader skips), so that the lines keep their numbers;
    and the line on which a quoted field still open at the end began (None if none).

    (pandas' ``comment="#"`` cut any field at a '#': a note 'see #3' lost its end, a pattern 'C# code' its
    word.) A line inside a quoted field that spans lines is the field's, kept whatever it starts with
    (:func:`_ends_quoted` follows the fields' quotes as pandas and the csv module read them)."""
    kept, quoted, opened = [], False, None
    # lines as the csv module ends them (\r\n, \r or \n; not str.splitlines', which also cuts at U+2028, a form
    # feed and others, characters a field may hold)
    for number, line in enumerate(_CSV_LINE.findall(text), start=1):
        if not quoted and line.lstrip().startswith("#"):
            kept.append("\n")
            continue
        kept.append(line)
        if quoted or '"' in line:
            was = quoted
            quoted = _ends_quoted(line, quoted)
            opened = (opened if was else number) if quoted else None
    return "".join(kept), opened


#: The column of a lexicon file's frame that holds the line each entry starts on (a name no lexicon column takes).
_LINE = "__line__"

#: What a lexicon file holds, for the fixes of its errors.
_LEXICON_FILE = (
    "A lexicon is a CSV file (UTF-8, commas) whose first line names the columns pattern and category, and "
    "optionally rule, kind and note; then one entry a line. Lines starting with # are comments."
)


def _read_lexicon_file(source: Path) -> pd.DataFrame:
    """The entries of a lexicon file as strings, with the line each starts on (column :data:`_LINE`), checked as a
    file: a CorpusFormatError (a ValueError) naming the file, the line and the fix for a file that is empty or
    not UTF-8 text, a header without pattern and category, or a row with more fields than the header (a comma
    in an unquoted field); FileNotFoundError for a path that does not exist."""
    import csv

    from toolkit._io import read_text
    from toolkit._validation import CorpusFormatError

    if not source.exists():
        raise FileNotFoundError(f"load_lexicon: {source} does not exist. {_LEXICON_FILE}")
    if source.is_dir():
        raise CorpusFormatError(source, "is a folder, not a lexicon file.", fix="Pass the path of the CSV file.")
    if not source.read_bytes().strip():
        raise CorpusFormatError(source, "is empty.", fix=_LEXICON_FILE)
    text = read_text(source)  # UTF-8: a byte-order mark dropped; UTF-16, NUL bytes, bad bytes named with the fix
    text, opened = _blank_comments(text)
    if opened is not None:  # the reader would take the rest of the file for the field
        raise CorpusFormatError(
            source,
            "a quoted field opened on this line is not closed: the rest of the file would be read into it.",
            line=opened,
            fix='Close it with a quote (a quote inside a field is written twice: "a ""b"" c").',
        )
    header: list[str] | None = None
    rows, lines = [], []
    reader = csv.reader(io.StringIO(text, newline=""))
    at = 1  # the line the next record starts on
    try:
        for record in reader:
            first, at = at, reader.line_num + 1
            if not any(field.strip() for field in record):  # a blank line (or a comment, blanked)
                continue
            if header is None:
                header = [field.strip().lower() for field in record]
                _check_header(source, first, header)
                continue
            if len(record) > len(header):
                if any(field.strip() for field in record[len(header) :]):
                    raise CorpusFormatError(
                        source,
                        f"has {len(record)} fields, the header {len(header)} ({', '.join(header)}).",
                        line=first,
                        fix='Quote a field that holds a comma ("a, b", with no blank before the opening quote).',
                    )
                record = record[: len(header)]  # empty fields after the last column: commas a spreadsheet added
            rows.append(record + [""] * (len(header) - len(record)))
            lines.append(first)
    except csv.Error as err:  # a field longer than the csv module's limit (131,072 characters)
        raise CorpusFormatError(source, f"cannot be read as CSV from line {at} on ({err}).") from None
    if header is None:
        raise CorpusFormatError(source, "holds only comments and blank lines.", fix=_LEXICON_FILE)
    frame = pd.DataFrame(rows, columns=header, dtype=object).astype(str) if rows else pd.DataFrame(columns=header)
    frame[_LINE] = pd.Series(lines, dtype="int64")
    return frame


def _check_header(source: Path, line: int, header: list[str]) -> None:
    """A CorpusFormatError for a lexicon file's header without pattern and category, or with a column twice."""
    from toolkit._validation import CorpusFormatError

    if len(header) == 1 and any(d in header[0] for d in ";\t|"):
        raise CorpusFormatError(
            source,
            f"its header {header[0]!r} is one field: the file is not comma-separated.",
            line=line,
            fix="Save it as CSV with commas. " + _LEXICON_FILE,
        )
    twice = sorted({c for c in header if header.count(c) > 1 and c})
    if twice:
        raise CorpusFormatError(
            source, f"its header names {', '.join(map(repr, twice))} twice.", line=line, fix="Keep one of each."
        )
    missing = [c for c in ("pattern", "category") if c not in header]
    if missing:
        raise CorpusFormatError(
            source,
            f"its header ({', '.join(header)}) lacks {' and '.join(missing)}.",
            line=line,
            fix=_LEXICON_FILE,
        )


def _ends_quoted(line: str, quoted: bool) -> bool:
    """Whether ``line`` of a CSV file ends inside a quoted field (``quoted``: whether it begins inside one).

    As pandas and the csv module read a field: a quote opens a quoted field only as its first character (a
    quote later in an unquoted field, or after a blank, is a character of the field); inside, two quotes are
    one, and a lone quote closes it."""
    first = not quoted  # at a field's first character
    i = 0
    while i < len(line):
        c = line[i]
        if quoted:
            if c == '"':
                if line.startswith('"', i + 1):  # a quote written twice: one quote of the field
                    i += 1
                else:
                    quoted = False
            first = False
        elif c == '"' and first:
            quoted, first = True, False
        else:
            first = c == ","
        i += 1
    return quoted


def load_lexicon(path: str | os.PathLike[str] | None = None, *, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return a stance lexicon as a frame: the shipped one, or one read from ``path``.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file with the columns ``pattern``, ``category`` and optionally
        ``rule`` and ``note`` (a line starting with ``#`` is a comment, unless it
        continues a quoted field). Default:
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
        empty or has no word, a category or a rule is unknown (named with its
        line in the file, or its row's index in ``extra``). For the file, a
        :class:`toolkit.CorpusFormatError` (a ValueError) naming the line and the
        fix: empty, not UTF-8 (UTF-16, a NUL byte, bad bytes), a header without
        ``pattern`` and ``category`` (case does not matter) or not comma-separated,
        a row with more fields than the header (a comma in an unquoted field;
        empty fields after the last column are dropped), a quoted field not closed.
    FileNotFoundError
        ``path`` does not exist.

    Warns
    -----
    UserWarning
        Entries of the file (or of ``extra``) that repeat the pattern and category
        of a later one, named with their lines: the last of each is kept.

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
    lex = _check_lexicon(_read_lexicon_file(source), name=str(source))
    if extra is not None:
        more = _check_lexicon(extra, name="extra")
        lex = pd.concat([lex, more], ignore_index=True)
        lex = lex.drop_duplicates(["pattern", "category"], keep="last").reset_index(drop=True)
    return lex


#: Control characters (Unicode category Cc) but whitespace: not in a pattern (:func:`_check_lexicon`).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def _check_lexicon(given: object, *, name: str = "lexicon") -> pd.DataFrame:
    """A lexicon frame with the five columns, checked; rule, kind and note filled with "". A bad value is named
    with its rows: the lines of a file (a :data:`_LINE` column, :func:`_read_lexicon_file`), else the frame's index.
    Entries that repeat the pattern and category of an earlier one are warned about; the last is kept."""
    import warnings

    check_columns(given, ["pattern", "category"], name=name)
    frame = cast(pd.DataFrame, given)  # check_columns raised for anything else
    lines = frame[_LINE].tolist() if _LINE in frame.columns else None

    def rows(mask: Any) -> str:
        """Where the rows of the boolean ``mask`` are (the first five)."""
        chosen = [i for i, bad in enumerate(mask) if bad][:5]
        if lines is not None:
            return "line(s) " + ", ".join(str(lines[i]) for i in chosen)
        index = frame.index.tolist()  # Python values: 11, not np.int64(11)
        return "row(s) with index " + ", ".join(repr(index[i]) for i in chosen)

    for column in ("pattern", "category"):
        missing = frame[column].isna().to_numpy()
        if missing.any():  # str(None) would be the word "none"
            raise ValueError(f"{name}: {column} is missing (NA) on {rows(missing)}; fill or drop them.")
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
    if lex.empty:
        raise ValueError(f"{name}: the lexicon has no entries; pass at least one row (pattern, category).")
    lex.loc[(lex["category"] == "hedge") & (lex["kind"] == ""), "kind"] = "epistemic"
    lex.loc[lex["category"] != "hedge", "kind"] = ""
    for column, allowed in (
        ("category", CATEGORIES),
        ("kind", ("", "epistemic", "approximator")),
        ("rule", ("", *RULES)),
    ):
        for value in lex[column].unique():
            try:
                check_one_of(f"{name}: {column}", value, allowed)
            except ValueError as err:
                raise ValueError(f"{err} (on {rows((lex[column] == value).to_numpy())})") from None
    # a control character (a NUL, a backspace: a binary paste, an export's stray byte) in a pattern could only
    # match a text that has it; a file with a NUL is refused when read, a frame's pattern here (tabs and line
    # breaks are whitespace, and _normal made them single spaces)
    control = lex["pattern"].str.contains(_CONTROL, regex=True).to_numpy(dtype=bool)
    if control.any():
        first = str(lex["pattern"][control].iloc[0])
        char = cast(re.Match, _CONTROL.search(first))[0]
        raise ValueError(
            f"{name}: pattern {first!r} has a control character ({char!r}) on {rows(control)}; "
            "a pattern is words as a text writes them: remove it."
        )
    for i, pattern in enumerate(lex["pattern"]):
        try:
            _pattern_regex(pattern, f"{name}: pattern")  # raises for a pattern with no word or a misplaced '*'
        except ValueError as err:
            raise ValueError(f"{err} (on {rows([j == i for j in range(len(lex))])})") from None
    again = lex.duplicated(["pattern", "category"], keep="last").to_numpy()
    if again.any():
        repeated = lex.loc[again, ["pattern", "category"]].drop_duplicates()
        warnings.warn(
            f"{name}: {int(again.sum())} entr{'y' if again.sum() == 1 else 'ies'} on {rows(again)} repeat the "
            "pattern and category of a later one ("
            + ", ".join(f"{p!r} {c}" for p, c in repeated.head(5).itertuples(index=False))
            + "): the last of each is kept (its rule, kind and note). Patterns are compared as matched: lower "
            "case, one apostrophe, one hyphen, single spaces.",
            UserWarning,
            stacklevel=3,
        )
    lex = lex[~again].reset_index(drop=True)
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
_END_CLITIC = "\x00end of a clitic"
_ENDS = (_END, _END_CLITIC)


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


def _trie_regex(patterns: Iterable[str], pieces: _Pieces = _PLAIN, *, factor_end: bool = True) -> str:
    """One regular expression for all patterns: a character trie, longer continuations first.

    Python's ``re`` tries the alternatives of a flat alternation one after the
    other at every position; the trie shares prefixes, so each position costs a
    few character tests. Every pattern ends with a token-end test (``pieces.end``),
    and the first character is followed by the token-start lookbehind (before the
    format characters that may follow it: a lookbehind has a fixed width), so with
    :func:`toolkit.concordance._word_matches` a match is always whole tokens, as
    :func:`toolkit.tokenize` cuts them. ``pieces``: the kind of text the expression
    scans (see :class:`toolkit.concordance._Pieces`). ``factor_end``: the token-end test once after each
    largest subtree without a clitic's end, not after each of its patterns (the same matches, see ``emit``;
    False gives the longer expression, for the tests that compare the two).
    """
    trie: dict = {}
    for p in patterns:
        node = trie
        units = _units(p, pieces)
        # a pattern whose last token is the clitic 's ("let's") ends as that token ends: nothing joins a clitic
        # (a word's end also asks that no apostrophe and word follow: "let's'ok" is let, 's and ok), and nothing
        # may follow its s, a format character either (then the s is no clitic: "let's\u00ad'ok" is one token)
        tokens = _TOKEN_RE.findall(_FORMAT_RE.sub("", p).strip())
        clitic = bool(tokens) and tokens[-1][0] in "'’"
        if clitic and pieces.format and units[-1].endswith(pieces.format):
            units[-1] = units[-1][: -len(pieces.format)]
        for unit in units:
            node = node.setdefault(unit, {})
        node[_END_CLITIC if clitic else _END] = {}

    def emit(node: dict, depth: int, factored: bool = False) -> str:
        # factored: the caller puts the token-end test after this node's expression, once, so its patterns end
        # in nothing; a backtracking engine tries (A|B)E as it tries AE|BE, in the same order, with the same
        # first match. Done for every largest subtree without a clitic's end: the default lexicon's expressions
        # are a quarter to a third as long (the test is 84 characters, 74 for a plain text) and compile about
        # three times faster
        if factor_end and not factored and not _has_clitic(node):
            return emit(node, depth, True) + pieces.end
        branches = []
        for key in sorted((u for u in node if u not in _ENDS), key=lambda u: -_depth(node[u])):
            unit = key
            if depth == 0 and not pieces.plain and unit.endswith(pieces.format):
                unit = unit[: -len(pieces.format)] + _word_start(1) + pieces.format
            elif depth == 0:
                unit += _word_start(1)
            branches.append(unit + emit(node[key], depth + 1, factored))
        if _END in node:
            branches.append("" if factored else pieces.end)
        if _END_CLITIC in node:
            branches.append(pieces.stop)
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(trie, 0)


def _depth(node: dict) -> int:
    return 1 + max((_depth(child) for u, child in node.items() if u not in _ENDS), default=0)


def _has_clitic(node: dict) -> bool:
    """Whether a pattern of the trie ``node`` ends with a clitic (its own end test: not factored out)."""
    return _END_CLITIC in node or any(_has_clitic(child) for u, child in node.items() if u not in _ENDS)


#: An expression that matches nothing: the argument of word_matches that a text does not read.
_NEVER = re.compile("(?!)")


class _Matcher:
    """The compiled lexicon: a regex over the lower-cased text and the entries of each pattern."""

    def __init__(self, lex: pd.DataFrame) -> None:
        self.entries: dict[str, list[tuple[str, str, str]]] = {}
        for pattern, category, rule, kind in zip(lex["pattern"], lex["category"], lex["rule"], lex["kind"]):
            self.entries.setdefault(str(pattern), []).append((str(category), str(rule), str(kind)))
        patterns = list(self.entries)
        self.literal = {_normal(p): p for p in patterns if "*" not in p}

    # Each expression is compiled when first needed (the token-table path rarely needs any, and a text with
    # marks or format characters only those of the translated text): the plain one takes about 0.15 s.
    @cached_property
    def _translation(self) -> _Pieces:
        return _pieces(_marks_in(list(self.entries)))

    @cached_property
    def plain(self) -> re.Pattern:
        """The expression of the patterns for texts without marks or format characters."""
        return re.compile(_trie_regex(list(self.entries)), re.DOTALL)

    @cached_property
    def regex(self) -> re.Pattern:
        """The expression of the patterns for the other texts, translated by :attr:`table`."""
        return re.compile(_trie_regex(list(self.entries), self._translation), re.DOTALL)

    @property
    def table(self) -> dict:
        return cast(dict, self._translation.table)  # None only where no text needs translating

    @cached_property
    def prefixes(self) -> list:
        """(pattern, expression of translated text) of the patterns with a ``*``, longest first."""
        pieces = self._translation
        return sorted(
            ((p, re.compile(_pattern_regex(p, "pattern", pieces))) for p in self.entries if "*" in p),
            key=lambda kv: -len(kv[0]),
        )

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, pattern) of each match, in text order."""
        # _lower keeps every offset (str.lower makes two code points of "İ"), so a span of
        # the lower-cased text is the span of the text, and its pattern is found by its lower case.
        target = _lower(text)
        # word_matches reads the plain expression for a plain text and the other one otherwise: only that one
        # is compiled (the other argument is never read)
        if _is_plain(text):
            found = _word_matches(_NEVER, self.plain, {}, target, text)
        else:
            found = _word_matches(self.regex, _NEVER, self.table, target, text)
        return [(s, e, self.pattern_of(target[s:e])) for s, e in found]

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


def checked_categories(categories: str | Sequence[str] | None) -> list[str] | None:
    """The categories named (each a category of :data:`CATEGORIES`), each once, in the order first named; None
    stays None (every category)."""
    if categories is None:
        return None
    return list(
        dict.fromkeys(
            check_one_of("categories", c, CATEGORIES)
            for c in ([categories] if isinstance(categories, str) else categories)
        )
    )
