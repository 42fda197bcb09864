"""Voices: split a document into who is speaking -- the speaker's quotes, others' quotes, narration, captions.

An interview published as a news article mixes voices: the ambassador's direct
quotes, phrases of other people, the journalist's narration and photo captions.
:func:`split_voices` cuts each document into segments and labels each with its
voice, by the general rules below (nothing is specific to one article).

Documents whose ``genre`` is not ``"interview"`` (speeches, statements, press
conferences, op-eds) are one segment, voice ``"speech"``: the whole text in the
document's speaker's voice.

Formats (``style``, detected per document unless given; ``attrs["styles"]`` says which was read):

- ``transcript``: at least two paragraphs open with turn labels, of two or more labels, one of them
  the speaker's or a question's: "Q:", "A:" (or "q:", "a:"), "Question:", "Ambassador Xing:", "Xing:", "XING:",
  "**Xing:**", "**Xing**:", "Nina Holm (press counsellor):", or a label alone on its line ("XING:",
  "**Xing**"; capitals without a colon are a headline). A label is the speaker's when, without titles,
  it is their name, first name or last name ("Ambassador Xing", "XING"): one shared word is not enough.
  A one-word label written once that names nobody known ("First: ..." inside an answer) is no label. A turn runs from its label to the next; its paragraphs are one voice: the speaker's
  turns (a label naming them, "A", "Answer", or one ``labels`` maps to them) are ``ambassador_quote``;
  "Q", "Question" and a label whose turns are mostly questions are ``interviewer``; any other label is
  ``other_quote`` with the label as the name. Labels, bracketed or italic notes ("[The ambassador
  pauses.]", "*This interview was edited.*") and the paragraphs before the first label are narration
  (read with the quote rules below).
- ``single``: British style, single quotation marks ‘...’ or '...' (at least two single openings, and
  more than half as many as the double marks; or one, in a text without double marks), double marks nested
  inside them. An apostrophe is no mark: inside a word
  (it’s, don’t), before a year (’90s), or a plural possessive before a lower-case word that is not a
  speech verb or a pronoun ("the countries’ ties").
- ``double``: double quotation marks, straight "..." or curly “...” (single marks nested inside).

Rules for articles, applied line by line (a line is a paragraph):

=====================  ========================================================================
rule                   what it does
=====================  ========================================================================
caption                a photo leftover line ``![...](...) |`` is a caption, and so is the
                       line right after it when it ends with ``" |"``.
quote                  a span between the quotation marks of the style, within one paragraph;
                       the segment is the text between the marks (stripped).
quote over paragraphs  an opening mark with no closing mark in its paragraph, when the next
                       paragraph opens with a mark (the newspaper convention), is a quote to
                       the paragraph's end that goes on there; all its parts take one speaker
                       (the last part's attribution, else any part's).
unbalanced quote       any other opening mark with no closing mark in its paragraph is not a
                       quote: the rest of the paragraph (mark included) is narration.
speaker's aliases      the ``speaker`` field (full name, its first and its last word), the
                       role nouns ("the envoy", "the ambassador", "the diplomat" for an
                       ambassador; see ``ROLE_NOUNS``) and ``speaker_aliases``.
other persons          names after a title ("President Joe Biden", "Foreign Minister Kang
                       Kyung-wha", "Secretary of State Antony Blinken"), and full names in the
                       frames of news writing ("Viktor Sand, an analyst", "Marit Hollen, who
                       ...", "A spokesman, Marc Delorme,", "Hanna Vik said"): the full name,
                       its first and its last word are mentions of that person. "Estmark's
                       ambassador", "its ambassador" are the speaker.
pronoun                "he" / "she" stands for the first person named in the nearest sentence
                       before it that names someone (its subject, most often), or the nearest
                       name in its own sentence, outside quotes and captions.
postposed attribution  right after the closing mark: ``," Xing said``, ``," he said``,
                       ``," the envoy explained``, ``," said Xing``. The subject may also be a
                       capitalised name or "the/a ..." noun phrase of someone else (then the
                       quote is another person's: named, or <NA>). A quote that ends with a
                       period inside the marks has ended its sentence: no postposed attribution.
preposed attribution   a speech verb (said, noted, explained, added, stressed, underlined,
                       told, called, calling, described, dismissed, expressed ...; see
                       ``SPEECH_VERBS``) earlier in the quote's sentence, after any
                       attribution already used by a postposed quote; its subject is the
                       nearest person mention or pronoun before the verb in that stretch (for
                       a participle, "adding", "calling", anywhere earlier in the sentence; for
                       a participle opening the sentence, "Asked ..., he", the person after
                       it). Not a person named before a relative clause of another noun
                       ("He ... some MPs, who described it as ..."): that quote is someone's
                       we cannot name.
introduced quote       a quote that opens its sentence, or follows a colon, takes the speech
                       verb of the sentence before it in its paragraph ('The envoy said ... .
                       "We are ready."'); a quote opening a paragraph after one that ends with
                       a colon, the verb of that paragraph's last sentence.
continuation           a quote with no attribution of its own continues the previous quote's
                       speaker when, in the same paragraph, only the previous quote's
                       attribution lies between them (``"A," he said, "B."``) or it opens the
                       sentence right after the previous quote's sentence; or when its
                       paragraph is nothing but this quote and the previous paragraph's last
                       quote with a known speaker gives the speaker (newspaper convention); the
                       same for a paragraph that opens with a quote and has no speech verb.
independent quote      a quote of five or more words that is a sentence of its own, with no
                       attribution, is the last person's named before it in its paragraph.
scare quote            any other quote (no speech verb, or one already used, or a subject that
                       is not a person) is ``other_quote`` with speaker <NA>.
narration              everything else: headline, byline, section heads, the journalist's
                       sentences, attribution clauses.
=====================  ========================================================================

A quote attributed to the document's speaker is ``ambassador_quote`` (whatever
the speaker's role; the name comes from the project's interviews), with the
document's ``speaker``; a quote of anyone else is ``other_quote`` with the name
as written at the mention the attribution resolves to ("Biden"), or <NA>.
"""

from __future__ import annotations

import bisect
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pandas as pd

from toolkit._frames import frame_from_rows
from toolkit._paragraphs import PARAGRAPH as _WRAPPED_PARAGRAPH
from toolkit._paragraphs import hard_wrapped as _hard_wrapped
from toolkit._validation import check_columns, check_one_of, check_texts, check_unique_ids
from toolkit.text import split_sentences

__all__ = ["OWN_VOICES", "ROLE_NOUNS", "SPEECH_VERBS", "STYLES", "VOICES", "own_words", "split_voices"]

#: The values of the ``voice`` column.
VOICES: tuple[str, ...] = ("ambassador_quote", "other_quote", "interviewer", "narration", "caption", "speech")
#: The formats :func:`split_voices` reads an interview in: ``double`` quotation marks ("..." or “...”),
#: ``single`` ones (British: ‘...’ or '...', double marks nested inside), or a ``transcript`` of labelled
#: turns ("Q:", "A:", "Ambassador Xing:", "XING:", "**Xing:**"); ``auto`` detects it per document.
STYLES: tuple[str, ...] = ("auto", "double", "single", "transcript")
#: The voices in which a document's speaker speaks for themself.
OWN_VOICES: tuple[str, ...] = ("ambassador_quote", "speech")

#: Nouns that refer back to the document's speaker, by role (``the`` + noun).
ROLE_NOUNS: dict[str, tuple[str, ...]] = {
    "ambassador": ("envoy", "ambassador", "diplomat"),
    "permanent_representative": ("envoy", "ambassador", "diplomat", "representative", "permanent representative"),
    "foreign_minister": ("minister", "foreign minister", "diplomat"),
    "head_of_state_or_government": ("president", "prime minister", "premier", "leader"),
    "spokesperson": ("spokesperson", "spokesman", "spokeswoman"),
}
_DEFAULT_ROLE_NOUNS = ROLE_NOUNS["ambassador"]

#: Verb forms that introduce or close a quotation. Nouns that share a form are left out
#: ("call", "claims", "remarks", "hope", "state"), so "phone call" is not a speech verb.
SPEECH_VERBS: tuple[str, ...] = (
    "say",
    "says",
    "said",
    "saying",
    "tell",
    "tells",
    "told",
    "telling",
    "noted",
    "noting",
    "explain",
    "explains",
    "explained",
    "explaining",
    "add",
    "adds",
    "added",
    "adding",
    "stressed",
    "stressing",
    "underlined",
    "underlining",
    "emphasized",
    "emphasised",
    "emphasizing",
    "emphasising",
    "called",
    "calling",
    "described",
    "describing",
    "dismissed",
    "dismissing",
    "expressed",
    "expressing",
    "insisted",
    "insisting",
    "argued",
    "arguing",
    "stated",
    "stating",
    "remarked",
    "asserted",
    "warned",
    "urged",
    "claimed",
    "maintained",
    "affirmed",
    "reaffirmed",
    "acknowledged",
    "recalled",
    "replied",
    "answered",
    "responded",
    "suggested",
    "pointed out",
    "wrote",
    "labeled",
    "labelled",
    "termed",
    "referred to",
    "put it",
    "hoped",
    "vowed",
    "pledged",
    "declared",
    "announced",
    "commented",
    "continued",
    "concluded",
    "observed",
    "mentioned",
    "admitted",
    "conceded",
    "asked",
    # the present tense of features ("Adeyemi calls it ..."); "calls" and "notes" are nouns too, but
    # a plural noun rarely stands right before a quote's clause
    "calls",
    "describes",
    "insists",
    "argues",
    "warns",
    "stresses",
    "recalls",
    "admits",
    "maintains",
    "remembers",
    "jokes",
    "joked",
    "quipped",
    "accused",
    "accusing",
    "according to",
)

_TITLES = (
    "Secretary of State",
    "Secretary-General",
    "Secretary General",
    "Vice President",
    "Prime Minister",
    "Foreign Minister",
    "Defense Minister",
    "Defence Minister",
    "Minister",
    "President",
    "Premier",
    "Chancellor",
    "Ambassador",
    "Envoy",
    "Chairman",
    "Chairwoman",
    "Chair",
    "Spokesperson",
    "Spokesman",
    "Spokeswoman",
    "Senator",
    "Sen.",
    "Rep.",
    "Governor",
    "King",
    "Queen",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Prof.",
    # without the period, as British papers write them ("Mr Xing said")
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Prof",
)
_NAME_WORD = r"[A-Z][a-z]+(?:-[A-Za-z]+)*"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}"
_TITLED_NAME = re.compile(
    r"\b(?:" + "|".join(re.escape(t) for t in sorted(_TITLES, key=len, reverse=True)) + rf")\s+({_NAME})"
)
_TITLE_WORDS = frozenset(w.rstrip(".") for t in _TITLES for w in t.replace("-", " ").split())
_BYLINE = re.compile(rf"^By\s+({_NAME})\s*$")
_IMAGE_LEFTOVER = re.compile(r"^!\[[^\]]*\]\([^)]*\)\s*\|?$")
_CAPTION_END = re.compile(r"\s\|$")
_LINE = re.compile(r"[^\r\n]+")
_QUOTE_MARK = re.compile('["“”]')
_SINGLE_MARK = re.compile("[‘’']")
_SINGLE_OPEN = re.compile(r"‘|(?<![\w’'])'(?=\w)")
_NEXT_WORD = re.compile(r"\s+([A-Za-z][\w-]*)")
_NON_SPACE = re.compile(r"\S")
_VERB = r"(?:" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in SPEECH_VERBS) + r")"
_VERB_RE = re.compile(rf"(?<![\w-]){_VERB}(?![\w-])", re.IGNORECASE)
_PRONOUN = r"(?:[Hh]e|[Ss]he)"
_PRONOUN_RE = re.compile(rf"(?<![\w-]){_PRONOUN}(?![\w-])")
_AUX = r"(?:(?:has|had|have|also|then|later|once|further|again)\s+)*"
# A subject that is not a known person: a capitalised name, or "the/a ..." up to four words.
_OTHER_SUBJECT = rf"(?:{_NAME}|(?:[Tt]he|[Aa]n?)(?:\s+[\w'-]+){{1,4}}?)"

_SPEAKER = "\x00speaker"  # person key of the document's speaker
_RELATIVE = re.compile(r",\s+who\s")
_CAPITALISED_WORDS = re.compile(r"(?:[A-Z][\w'’.-]*\s*){1,4}")  # a name right before ", who" is the subject


@dataclass
class _Quote:
    open: int  # position of the opening mark
    close: int  # position of the closing mark (the paragraph's end for a quote that goes on in the next one)
    paragraph: int
    speaker: str | None = None  # person key; _SPEAKER, a surface name, or None
    attributed_until: int = -1  # end of a postposed attribution, or -1
    open_end: bool = False  # no closing mark: the quote goes on in the next paragraph, which reopens it
    continues: bool = False  # this quote reopens the previous paragraph's open_end quote


@dataclass
class _Mention:
    start: int
    end: int
    person: str | None  # person key; None for a pronoun


# ------------------------------------------------------------------ public


def split_voices(
    docs: pd.DataFrame,
    *,
    speaker_aliases: Mapping[str, Iterable[str]] | Iterable[str] | None = None,
    style: str = "auto",
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Split each document into voice segments: the speaker's quotes, others' quotes, narration, captions.

    See the module docstring for the rules. Segments are in text order, do not
    overlap, and cover every non-whitespace character of the document except the
    quotation marks that open and close a quote.

    Parameters
    ----------
    docs : DataFrame
        A docs frame with at least the columns ``doc_id`` (unique: segments are
        tied to their document by it), ``text``, ``speaker`` and ``genre``
        (``role``, when present, chooses the nouns that refer to the speaker,
        see ``ROLE_NOUNS``). A ``speaker`` that is missing or blank (empty or
        only whitespace, as a spreadsheet writes an empty cell) is unknown: the
        document is still split, its own segments get speaker <NA>, and in an
        interview only the role nouns ("the envoy") and ``speaker_aliases``
        refer to the speaker. A blank is how a missing value looks in a CSV
        file, so it is read as one rather than stopping a whole corpus.
    speaker_aliases : mapping or iterable of str, optional
        More names for the documents' speakers: a mapping from a ``speaker``
        value to its aliases (``{"Xing Haiming": ["Ambassador Xing"]}``), or
        a list of aliases used for every document's speaker.
    style : {"auto", "double", "single", "transcript"}
        How an interview is written (see :data:`STYLES`): detected per document
        by default; the style found is in ``attrs["styles"]``.
    labels : mapping of str to str, optional
        For transcripts: who each turn label is (``{"A": "Xing Haiming", "Q":
        "The Korea Times"}``); a label mapped to the document's ``speaker`` (or
        one of its aliases) marks the speaker's turns. Without it, a label is the
        speaker's when it names them ("Xing:", "Ambassador Xing:", "XING:") or
        is "A" / "Answer"; "Q" / "Question" and a label whose turns are mostly
        questions are the interviewer's; any other label is another person's.

    Returns
    -------
    DataFrame
        One row per segment with the columns

        - ``doc_id`` (string);
        - ``segment_id`` (int64): 0-based, in text order within the document;
        - ``start``, ``end`` (int64): character offsets into the document's
          text; ``text[start:end]`` is the segment;
        - ``voice`` (string): ``ambassador_quote`` (the document speaker's direct
          quote, or their turn in a transcript), ``other_quote`` (anyone else's,
          or an unattributed or scare quote), ``interviewer`` (a question's turn
          in a transcript), ``narration`` (with a transcript's turn labels),
          ``caption`` or ``speech`` (the whole text of a document that is not an
          interview, in its speaker's voice);
        - ``speaker`` (string): the document's speaker for ``ambassador_quote``
          and ``speech``; the quoted person's name as written ("Biden") or <NA>
          for ``other_quote``; the journalist of the byline ("By ...") or <NA>
          for ``narration``; <NA> for ``caption``;
        - ``text`` (string): the segment, without surrounding whitespace and
          without the quotation marks.

        ``attrs["styles"]`` maps each interview's doc_id to the style it was
        read in; ``attrs["no_own_words"]`` lists the interviews in which no word
        of the speaker was found (dicts with ``doc_id``, ``style`` and
        ``problem``), which a rate of the speaker's words would silently lose.

    Warns
    -----
    UserWarning
        An interview has no words of its speaker: the warning names it, its style,
        and what to try (``speaker_aliases``, ``labels``, ``style``).

    Raises
    ------
    ValueError
        ``docs`` is not a DataFrame or lacks a needed column; a text is missing
        or not a str (the message names the doc_id); a ``doc_id`` is missing or
        duplicated (the message names it and its rows); ``speaker_aliases`` is a
        single string or holds something other than strings.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["i1"], "genre": ["interview"], "speaker": ["Li Wei"],
    ...     "text": ['"We want peace," Li said. Critics called it "a slogan."']})
    >>> split_voices(docs)[["voice", "speaker", "text"]].values.tolist()
    [['ambassador_quote', 'Li Wei', 'We want peace,'], ['narration', <NA>, 'Li said. Critics called it'], ['other_quote', <NA>, 'a slogan.']]
    """
    out = _split_voices(docs, speaker_aliases=speaker_aliases, style=style, labels=labels)
    unread = [d for d, found in out.attrs["styles"].items() if style == "transcript" and found != "transcript"]
    if unread:  # the style asked for, read as another: said, not replaced quietly
        warnings.warn(
            f"split_voices: style='transcript', but no turn labels were found in {len(unread)} interview(s): "
            f"{', '.join(map(repr, unread[:5]))}{' ...' if len(unread) > 5 else ''}; read as quoted articles "
            "(attrs['styles']). A turn label begins a paragraph and ends with a colon ('Q:', 'A:', 'Xing:', "
            "'Moon Jae-in (President):'); labels written otherwise ('Q.', 'Q1') are not read: rewrite them with a "
            "colon first.",
            UserWarning,
            stacklevel=2,
        )
    lost = out.attrs["no_own_words"]
    if lost:
        shown = "; ".join(f"{d['doc_id']!r} ({d['style']})" for d in lost[:5])
        warnings.warn(
            f"split_voices: no words of the speaker found in {len(lost)} interview(s): {shown}"
            f"{' ...' if len(lost) > 5 else ''}. Their rates of the speaker's own words would be empty; pass "
            "speaker_aliases (names the article uses), labels (a transcript's turn labels) or style. Listed in "
            "attrs['no_own_words'].",
            UserWarning,
            stacklevel=2,
        )
    return out


def _split_voices(docs: pd.DataFrame, *, speaker_aliases=None, style: str = "auto", labels=None) -> pd.DataFrame:
    """:func:`split_voices` without the warning."""
    check_columns(docs, ["doc_id", "text", "speaker", "genre"], name="docs")
    check_texts(docs, name="docs")
    check_unique_ids(docs, name="docs")
    check_one_of("style", style, STYLES)
    label_names = _check_labels(labels)
    aliases_for = _aliases_lookup(speaker_aliases)
    roles = docs["role"] if "role" in docs.columns else pd.Series([None] * len(docs), index=docs.index)

    rows: list[tuple] = []
    styles: dict[str, str] = {}
    lost: list[dict] = []
    for doc_id, text, speaker, genre, role in zip(docs["doc_id"], docs["text"], docs["speaker"], docs["genre"], roles):
        speaker = None if pd.isna(speaker) or not str(speaker).strip() else str(speaker)
        if str(genre) == "interview":
            aliases = _speaker_aliases(speaker, None if pd.isna(role) else str(role), aliases_for(speaker))
            found, segments = _interview_segments(text, speaker, aliases, style, label_names)
            styles[str(doc_id)] = found
            if text.strip() and not any(seg[2] == "ambassador_quote" for seg in segments):
                lost.append(
                    {
                        "doc_id": str(doc_id),
                        "style": found,
                        "problem": f"no words of the speaker {speaker!r} found (read as {found})",
                    }
                )
        else:
            segments = _speech_segment(text, speaker)
        rows.extend((str(doc_id), i, *seg) for i, seg in enumerate(segments))
    out = _frame(rows)
    out.attrs["styles"] = styles
    out.attrs["no_own_words"] = lost
    return out


def own_words(docs: pd.DataFrame, **options: Any) -> pd.DataFrame:
    """Return the docs frame with each text cut down to its speaker's own words.

    An interview keeps only the speaker's direct quotes (``ambassador_quote``
    segments, joined by a blank line, in text order): the journalist's framing,
    captions and other people's quotes go. Any other document is its speaker's
    own text and stays as it is. Use it to compare what an ambassador said with
    what other ambassadors said, not with what a journalist wrote about it.

    Parameters
    ----------
    docs : DataFrame
        A docs frame (as for :func:`split_voices`).
    **options
        Passed to :func:`split_voices` (``speaker_aliases``).

    Returns
    -------
    DataFrame
        ``docs`` with the same rows and columns, ``text`` replaced as above, and one
        more column, ``own_share`` (float64): the share of the document's
        characters that are its speaker's own words (1.0 for a speech; 0.0, and
        an empty text, for an interview in which no quote is attributed to its
        speaker: rate functions leave such a document out and report it).

    Raises
    ------
    ValueError
        As :func:`split_voices` (a missing or duplicated ``doc_id``, a text
        missing or not a str, bad ``speaker_aliases``).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["i1"], "genre": ["interview"], "speaker": ["Li Wei"],
    ...     "text": ['"We want peace," Li said. "And trade."']})
    >>> own_words(docs)["text"].str.split().tolist()
    [['We', 'want', 'peace,', 'And', 'trade.']]
    """
    segments = split_voices(docs, **options)
    own = segments[segments["voice"].isin(OWN_VOICES)]
    # (split_voices has warned about interviews without own words: their text is empty here)
    joined = own.groupby("doc_id", sort=False)["text"].agg("\n\n".join)
    out = docs.copy()
    lengths = out["text"].astype(str).str.len()
    out["text"] = pd.array([joined.get(d, "") for d in out["doc_id"].astype(str)], dtype="string")
    out["own_share"] = (out["text"].str.len() / lengths.where(lengths > 0)).fillna(0.0).astype("float64")
    return out


# ------------------------------------------------------------------ frames and checks


_SEGMENT_COLUMNS = (
    ("doc_id", "string"),
    ("segment_id", "int64"),
    ("start", "int64"),
    ("end", "int64"),
    ("voice", "string"),
    ("speaker", "string"),
    ("text", "string"),
)


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return frame_from_rows(rows, _SEGMENT_COLUMNS)


def _aliases_lookup(
    speaker_aliases: Mapping[str, Iterable[str]] | Iterable[str] | None,
) -> Callable[[str | None], tuple[str, ...]]:
    """Return a function speaker -> extra aliases, after checking ``speaker_aliases``."""
    if speaker_aliases is None:
        return lambda speaker: ()
    if isinstance(speaker_aliases, str):
        raise ValueError(
            f"speaker_aliases={speaker_aliases!r} is invalid; must be a list of aliases or a mapping "
            "from speaker to aliases, not a single string (write [...] around it)."
        )
    if isinstance(speaker_aliases, Mapping):
        table = {str(k): _check_alias_list(v) for k, v in speaker_aliases.items()}
        return lambda speaker: table.get(speaker, ()) if speaker is not None else ()
    common = _check_alias_list(speaker_aliases)
    return lambda speaker: common


def _check_alias_list(values: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    values = tuple(values)
    bad = [v for v in values if not isinstance(v, str) or not v.strip()]
    if bad:
        raise ValueError(f"speaker_aliases holds {bad[0]!r}; every alias must be a non-empty string.")
    return tuple(v.strip() for v in values)


# ------------------------------------------------------------------ segments


def _stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without surrounding whitespace, or None when nothing is left."""
    piece = text[start:end]
    inner = piece.strip()
    if not inner:
        return None
    start += len(piece) - len(piece.lstrip())
    return start, start + len(inner)


def _speech_segment(text: str, speaker: str | None) -> list[tuple]:
    span = _stripped(text, 0, len(text))
    return [] if span is None else [(*span, "speech", speaker, text[span[0] : span[1]])]


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Lines; for a hard-wrapped text (see :func:`toolkit.text.split_sentences`), blocks between blank lines."""
    blocks = _WRAPPED_PARAGRAPH.finditer(text) if _hard_wrapped(text) else _LINE.finditer(text)
    return [span for m in blocks if (span := _stripped(text, m.start(), m.end()))]


def _caption_flags(text: str, paragraphs: list[tuple[int, int]]) -> list[bool]:
    flags = []
    after_image = False
    for s, e in paragraphs:
        line = text[s:e]
        is_image = bool(_IMAGE_LEFTOVER.match(line))
        flags.append(is_image or (after_image and bool(_CAPTION_END.search(line))))
        after_image = is_image
    return flags


def _quote_style(text: str) -> str:
    """ "single" when single quotation marks open more quotes than double marks could (British style), or open
    one where there is no double mark (read as double, the text has no quote at all), else "double"."""
    n_double = len(_QUOTE_MARK.findall(text))
    n_single = len(_SINGLE_OPEN.findall(text))
    return "single" if (n_single >= 2 and n_single > n_double / 2) or (n_single and not n_double) else "double"


def _marks(text: str, s: int, e: int, style: str) -> list[tuple[int, str]]:
    """(position, "open" | "close" | "either") of the quotation marks of ``style`` in text[s:e].

    Double: “ opens, ” closes, " is either. Single: ‘ opens; ’ and ' close after a word or punctuation
    when what follows is not a letter, open before a word after a space ('...); an apostrophe inside a
    word (it’s, don’t), before a year (’90s) or of a plural possessive before a lower-case word that is
    not a speech verb or a pronoun ("the countries’ ties") is no mark.
    """
    if style == "double":
        return [
            (m.start(), {"“": "open", "”": "close"}.get(m.group(), "either")) for m in _QUOTE_MARK.finditer(text, s, e)
        ]
    out = []
    for m in _SINGLE_MARK.finditer(text, s, e):
        i, c = m.start(), m.group()
        prev = text[i - 1] if i > s else " "
        nxt = text[i + 1] if i + 1 < e else " "
        if c == "‘":
            out.append((i, "open"))
        elif prev.isalnum() and nxt.isalnum():
            continue  # it’s, don’t, the ambassador’s
        elif not prev.isspace() and not nxt.isalnum() and prev not in '([{“"':
            if prev == "s" and nxt == " ":
                word = _NEXT_WORD.match(text, i + 1, e)
                if (
                    word
                    and word.group(1)[0].islower()
                    and not _VERB_RE.fullmatch(word.group(1))
                    and not _PRONOUN_RE.fullmatch(word.group(1))
                ):
                    continue  # "the countries’ ties": a possessive
            out.append((i, "close"))
        elif c == "'" and nxt.isdigit():
            continue  # '90s
        elif c == "'" and (prev.isspace() or prev in '([{—–-/“"') and (nxt.isalnum() or nxt in '“"…'):
            out.append((i, "open"))
    return out


def _find_quotes(
    text: str, paragraphs: list[tuple[int, int]], captions: list[bool], style: str = "double"
) -> list[_Quote]:
    """Pair quotation marks within each paragraph.

    An opening mark without a closing one in its paragraph is a quote that goes on in the next
    paragraph when that paragraph opens with a quotation mark (the newspaper convention: each
    paragraph of a long quote reopens it, only the last closes it); otherwise it starts no quote.
    """
    quotes: list[_Quote] = []
    text_paragraphs = [p for p, caption in enumerate(captions) if not caption]
    next_of = dict(pairwise(text_paragraphs))
    carried = False  # the previous paragraph's quote goes on in this one
    for p in text_paragraphs:
        s, e = paragraphs[p]
        marks = _marks(text, s, e, style)
        opening = None
        continues = False
        for pos, kind in marks:
            if opening is None:
                if kind != "close":  # a stray closing mark is narration
                    opening = pos
                    continues = carried and pos == s
            elif kind != "open":
                quotes.append(_Quote(opening, pos, p, continues=continues))
                opening = None
        carried = False
        if opening is not None:
            nxt = next_of.get(p)
            if nxt is not None and any(
                pos == paragraphs[nxt][0] and kind != "close" for pos, kind in _marks(text, *paragraphs[nxt], style)[:1]
            ):
                quotes.append(_Quote(opening, e, p, open_end=True, continues=continues))
                carried = True
    return quotes


def _interview_segments(
    text: str,
    speaker: str | None,
    aliases: tuple[str, ...],
    style: str = "auto",
    labels: Mapping[str, str] | None = None,
) -> tuple[str, list[tuple]]:
    """(the style read, the segments) of one interview."""
    paragraphs = _paragraphs(text)
    captions = _caption_flags(text, paragraphs)
    turns = None
    if style in ("auto", "transcript"):
        turns = _transcript_turns(
            text, paragraphs, captions, speaker, aliases, labels or {}, forced=style == "transcript"
        )
    if turns is None:
        found = _quote_style(text) if style in ("auto", "transcript") else style
        return found, _quote_segments(text, speaker, aliases, found)
    # The turns are the transcript's; the paragraphs around them (an introduction, captions) are read
    # as an article, with the turns blanked out.
    chars = list(text)
    turn_segments: list[tuple] = []
    for p, label_end, voice, who in turns:
        s, e = paragraphs[p]
        if label_end > s:
            _add(turn_segments, text, s, label_end, "narration", None)
        cursor = label_end
        for stage in _STAGE.finditer(text, label_end, e):  # "[Laughs]", "(LAUGHTER)": the transcriber's notes
            _add(turn_segments, text, cursor, stage.start(), voice, speaker if voice == "ambassador_quote" else who)
            _add(turn_segments, text, stage.start(), stage.end(), "narration", None)
            cursor = stage.end()
        _add(turn_segments, text, cursor, e, voice, speaker if voice == "ambassador_quote" else who)
        chars[s:e] = " " * (e - s)
    rest = "".join(chars)
    segments = _quote_segments(rest, speaker, aliases, _quote_style(rest)) + turn_segments
    segments.sort(key=lambda seg: seg[0])
    return "transcript", [(a, b, v, w, text[a:b]) for a, b, v, w, _ in segments]


#: A turn label at the start of a paragraph: "Q:", "A:", "Ambassador Xing:", "XING:", "**Xing:**", "**Xing**:".
_LABEL = re.compile(
    r"(?:\*\*|__)?[ \t]*(?P<label>(?:[Qq]|[Aa]|Question|Answer)|[A-Z][\w.’'-]*(?:[ \t]+[A-Z][\w.’'-]*){0,3})"
    r"(?:[ \t]*(?P<role>\([^)\n]{1,40}\)))?"  # "Nina Holm (press counsellor):"
    r"[ \t]*(?:\*\*|__)?[ \t]*:[ \t]*(?:\*\*|__)?[ \t]*"
)
#: A label alone on its line, without a colon, in bold: "**Xing**" ("XING:" alone has its colon; a line in
#: capitals without one is a headline).
_LABEL_LINE = re.compile(r"(?:\*\*|__)(?P<label>[A-Z][^*_\n]{0,40}?)(?:\*\*|__)[ \t]*")
#: A note paragraph: italic, or one bracketed or parenthesised span ("[The ambassador pauses.]").
_ITALIC_LINE = re.compile(
    r"[*_][^*_].*[*_]|\[[^\]]*\]|\([^)]*\)"
    # or an editor's line: "This interview has been edited ...", "Editor's note: ..."
    r"|(?:(?:This|The) interview (?:has been|was|is)|Editor['’]s note|Interview (?:by|conducted)"
    r"|(?:Edited|Translated|Condensed) (?:and|for|from|by)\b).*"
)
#: A transcriber's note inside a turn: anything in square brackets, or a parenthesis in capitals or of a
#: stage word ("(LAUGHTER)", "(laughs)", "(through interpreter)", "(inaudible)").
_STAGE = re.compile(
    r"\[[^\]\n]{1,80}\]|\((?:[A-Z][A-Z ,.'-]{2,60}|(?:[Ll]augh|[Pp]ause|[Ii]naudible|[Cc]rosstalk|"
    r"[Tt]hrough (?:an )?interpreter|[Ss]ighs|[Aa]pplause)[^)\n]{0,60})\)"
)
_QUESTION_LABELS = frozenset({"q", "question"})
_ANSWER_LABELS = frozenset({"a", "answer"})
_NOT_NAME_WORDS = frozenset("the a an ambassador envoy diplomat mr mrs ms dr prof minister president".split())
_LABEL_TITLES = frozenset(
    "h e his her excellency foreign prime vice deputy secretary state general counsellor "
    "spokesperson spokesman spokeswoman premier chancellor sir madam".split()
)


def _label_key(label: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", label).split()).casefold()


def _check_labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise ValueError(
            f"labels={labels!r} is invalid; must be a mapping from a turn label to a name, "
            "e.g. {'A': 'Xing Haiming', 'Q': 'The Korea Times'}."
        )
    out = {}
    for key, name in labels.items():
        if not isinstance(key, str) or not _label_key(key) or not isinstance(name, str) or not name.strip():
            raise ValueError(f"labels holds {key!r}: {name!r}; every label and name must be a non-empty string.")
        out[_label_key(key)] = name.strip()
    return out


def _transcript_turns(
    text: str,
    paragraphs,
    captions,
    speaker: str | None,
    aliases: tuple[str, ...],
    labels: Mapping[str, str],
    forced: bool = False,
) -> list[tuple] | None:
    """The turns of a transcript: (paragraph, end of its label, voice, who) per paragraph, or None.

    A text is a transcript when at least two paragraphs open with a turn label, of at least two
    different labels, one of them the speaker's or a question's ("Q", "Question", a label of
    ``labels``) -- or always, with ``forced``. A turn runs from its label to the next label; the
    paragraphs before the first label, captions and italic notes (*...*) are not turns.
    """
    found: list[tuple[int, int, str]] = []  # (paragraph, label end, label key)
    raw: dict[str, str] = {}  # label key -> the label as first written
    with_role: set[str] = set()  # label keys written with a role in brackets
    for p, ((s, e), caption) in enumerate(zip(paragraphs, captions)):
        if caption:
            continue
        line = text[s:e]
        m = _LABEL.match(line)
        end = s + m.end() if m else e  # a label alone on its line ends with it
        if m is None and len(line.split()) <= 4:
            m = _LABEL_LINE.fullmatch(line)
        if m:
            found.append((p, end, _label_key(m.group("label"))))
            raw.setdefault(found[-1][2], m.group("label").strip())
            if m.groupdict().get("role"):
                with_role.add(found[-1][2])
    # A label written once that names nobody we know, in one capitalised word ("First: trade ..." inside an
    # answer), is a word of the turn, not a new speaker; unless a role in brackets follows it ("MOON
    # (President, by video):"), which no word of a turn has.
    uses: dict[str, int] = {}
    for _, _, k in found:
        uses[k] = uses.get(k, 0) + 1
    owner = {k: _label_owner(k, raw[k], speaker, aliases, labels) for k in uses}
    found = [
        (p, end, k)
        for p, end, k in found
        if uses[k] > 1 or owner[k] in (_SPEAKER, None) or k in labels or len(raw[k].split()) > 1 or k in with_role
    ]
    keys = {k for _, _, k in found}
    credible = any(o == _SPEAKER for o in owner.values()) or keys & _QUESTION_LABELS or keys & set(labels)
    if not forced and (len(found) < 2 or len(keys) < 2 or not credible):
        return None
    if not found:
        return None
    # who each non-speaker label is: the interviewer when its turns are questions, else another person
    label_at = {p: (end, k) for p, end, k in found}
    turns_of: dict[str | None, list[int]] = {}
    plan: list[tuple[int, int, str]] = []
    current: str | None = None
    for p in range(found[0][0], len(paragraphs)):
        s, e = paragraphs[p]
        if captions[p] or _ITALIC_LINE.fullmatch(text[s:e]):
            continue
        if p in label_at:
            end, current = label_at[p]
            plan.append((p, end, current))
        elif current is not None:
            plan.append((p, s, current))
        turns_of.setdefault(current, []).append(p)
    voice_of = {}
    for k in keys:
        if owner[k] == _SPEAKER:
            voice_of[k] = ("ambassador_quote", speaker)
            continue
        paras = turns_of.get(k, [])
        asks = sum("?" in text[slice(*paragraphs[p])] for p in paras)
        if k in _QUESTION_LABELS or (paras and 2 * asks >= len(paras)):
            voice_of[k] = ("interviewer", owner[k])
        else:
            voice_of[k] = ("other_quote", owner[k])
    return [(p, end, *voice_of[k]) for p, end, k in plan]


def _label_owner(
    key: str, label: str, speaker: str | None, aliases: tuple[str, ...], labels: Mapping[str, str]
) -> str | None:
    """_SPEAKER for a label of the document's speaker, else the name the label stands for."""
    speaker_keys = {_label_key(a) for a in aliases if a and not a.lower().startswith("the ")}
    if key in labels:
        name = labels[key]
        if _label_key(name) in speaker_keys or (speaker and _label_key(name) == _label_key(speaker)):
            return _SPEAKER
        return name
    if key in _ANSWER_LABELS:
        return _SPEAKER
    # the label without titles must be the speaker's name, first name or last name ("Ambassador Xing",
    # "XING", "Xing Haiming"): one shared word is not enough ("KIM JI-HYUN" is not Kim Sook, "Foreign
    # Minister Blinken" is not the foreign minister Wang Yi)
    name = " ".join(w for w in key.split() if w not in _NOT_NAME_WORDS and w not in _LABEL_TITLES)
    if name and name in speaker_keys:
        return _SPEAKER
    if key in _QUESTION_LABELS:
        return None
    return label.title() if label.isupper() else label  # "MORAVEC" -> "Moravec"


def _quote_segments(text: str, speaker: str | None, aliases: tuple[str, ...], style: str) -> list[tuple]:
    """The segments of an article read by its quotation marks of ``style`` ("double" or "single")."""
    paragraphs = _paragraphs(text)
    captions = _caption_flags(text, paragraphs)
    quotes = _find_quotes(text, paragraphs, captions, style)
    masked = _mask(text, paragraphs, captions, quotes)
    _attribute(masked, paragraphs, quotes, aliases)
    journalist = _journalist(text, paragraphs, captions)

    segments: list[tuple] = []
    by_paragraph: dict[int, list[_Quote]] = {}
    for q in quotes:
        by_paragraph.setdefault(q.paragraph, []).append(q)
    for p, (s, e) in enumerate(paragraphs):
        if captions[p]:
            segments.append((s, e, "caption", None, text[s:e]))
            continue
        cursor = s
        for q in by_paragraph.get(p, []):
            _add(segments, text, cursor, q.open, "narration", journalist)
            if q.speaker == _SPEAKER:
                _add(segments, text, q.open + 1, q.close, "ambassador_quote", speaker)
            else:
                _add(segments, text, q.open + 1, q.close, "other_quote", q.speaker)
            cursor = q.close + 1
        _add(segments, text, cursor, e, "narration", journalist)
    return segments


def _add(segments: list[tuple], text: str, start: int, end: int, voice: str, speaker: str | None) -> None:
    span = _stripped(text, start, end)
    if span is not None:
        segments.append((*span, voice, speaker, text[span[0] : span[1]]))


def _journalist(text: str, paragraphs: list[tuple[int, int]], captions: list[bool]) -> str | None:
    for (s, e), caption in zip(paragraphs, captions):
        m = None if caption else _BYLINE.match(text[s:e])
        if m:
            return m.group(1)
    return None


def _mask(text: str, paragraphs, captions, quotes: list[_Quote]) -> str:
    """The text as the narration sees it: captions blanked, quote contents as 'x' (final . ? ! kept)."""
    chars = list(text)
    for (s, e), caption in zip(paragraphs, captions):
        if caption:
            chars[s:e] = " " * (e - s)
    for q in quotes:
        chars[q.open] = '"'
        if not q.open_end:
            chars[q.close] = '"'
        last = q.close - 1
        while last > q.open and text[last].isspace():
            last -= 1
        for i in range(q.open + 1, q.close):
            if not text[i].isspace() and not (i == last and text[i] in ".?!"):
                chars[i] = "x"
    return "".join(chars)


# ------------------------------------------------------------------ persons and attribution


def _speaker_aliases(speaker: str | None, role: str | None, extra: Iterable[str]) -> tuple[str, ...]:
    """The speaker's name, its first and last word, 'the' + role nouns, and the extra aliases."""
    names: list[str] = list(extra)
    if speaker:
        words = speaker.split()
        names += [speaker, words[0], words[-1]]
    for noun in ROLE_NOUNS.get(role or "", _DEFAULT_ROLE_NOUNS):
        names += [f"the {noun}", f"The {noun}"]
    return tuple(dict.fromkeys(n for n in names if len(n) > 1))


#: Nouns of people quoted in news, before a name ("A spokesman, Marc Delorme,", "analyst Viktor Sand").
_PERSON_NOUNS = (
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "analyst",
    "director",
    "official",
    "professor",
    "researcher",
    "economist",
    "expert",
    "adviser",
    "advisor",
    "counsellor",
    "counselor",
    "chief",
    "head",
    "deputy",
    "secretary",
    "lawmaker",
    "MP",
    "diplomat",
    "chairman",
    "chairwoman",
    "colleague",
    "negotiator",
    "editor",
)
_UNTITLED_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}}"  # two or three capitalised words: a full name
_NAMED_PERSON = re.compile(
    rf"(?<![\w-])(?:(?P<a>{_UNTITLED_NAME}),\s+(?:\d{{1,3}},\s+)?(?:a|an|the|who|whose)\s"  # "Viktor Sand, an analyst"
    rf"|(?:{'|'.join(_PERSON_NOUNS)}),?\s+(?P<b>{_UNTITLED_NAME})(?![\w-])"  # "director, Ruth Almqvist"
    rf"|(?P<c>{_UNTITLED_NAME})\s+{_VERB}(?![\w-]))"  # "Hanna Vik said"
)
_NOT_NAMES = frozenset(
    "The A An In On At To Of For From With By As But And Or Yet So Still Now Then Today Yesterday Instead However "
    "Meanwhile Asked When While After Before Since This That These Those It He She They We I His Her Their Its Our "
    "My Your Not Nobody Everyone Last Next Earlier Later Officials Some Many Most Both Few".split()
)


def _persons(masked: str, aliases: tuple[str, ...]) -> dict[str, str]:
    """Map every name form to a person key: the speaker's aliases, then the names of others.

    Others: titled names ("President Joe Biden"), and untitled full names in the frames of news
    writing: an apposition ("Viktor Sand, an analyst", "Marit Hollen, who ..."), a noun of a person
    before the name ("A spokesman, Marc Delorme,"), a name right before a speech verb ("Hanna Vik said").
    A possessive of a role noun ("Estmark's ambassador", "its ambassador") is the speaker.
    """
    person = dict.fromkeys(aliases, _SPEAKER)
    nouns = sorted({n for a in aliases if a.startswith("the ") for n in [a[4:]]}, key=len, reverse=True)
    if nouns:
        possessive = re.compile(
            rf"(?<![\w-])(?:[A-Z][\w-]*['’]s|its|their)\s+(?:{'|'.join(map(re.escape, nouns))})"
            r"(?![\w-])"
        )
        for m in possessive.finditer(masked):
            person.setdefault(m.group(), _SPEAKER)
    for m in _NAMED_PERSON.finditer(masked):
        name = m.group("a") or m.group("b") or m.group("c")
        words = name.split()
        if words[0] in _NOT_NAMES or any(w in _TITLE_WORDS for w in words):
            continue
        forms = [name, words[0], words[-1]]
        if any(person.get(f) == _SPEAKER for f in forms):
            continue
        for form in forms:
            person.setdefault(form, form)
    for m in _TITLED_NAME.finditer(masked):
        name = m.group(1)
        words = name.split()
        forms = [name, words[0], words[-1]]
        if any(w in _TITLE_WORDS for w in words):
            continue  # "Mr. President", "Madam Chair ...": a form of address, not a name
        if any(person.get(f) == _SPEAKER for f in forms):
            continue  # "Ambassador Xing": the speaker, already known
        for form in forms:
            person.setdefault(form, form)
    return person


def _mentions(masked: str, person: dict[str, str]) -> list[_Mention]:
    names = sorted(person, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:(" + "|".join(re.escape(n) for n in names) + rf")|{_PRONOUN})(?![\w-])")
    return [_Mention(m.start(), m.end(), person[m.group(1)] if m.group(1) else None) for m in pattern.finditer(masked)]


def _resolved(mentions: list[_Mention], sentence_of: Callable[[int], int] | None = None) -> list[str | None]:
    """The person of each mention; a pronoun takes a preceding name's person (None if none).

    With ``sentence_of``, the name is the first one of the nearest sentence before the pronoun that
    names someone -- its subject, most often ("The ambassador's answer to Gorrie is an invitation.
    '...,' he says": the ambassador); without, the nearest name.
    """
    out: list[str | None] = []
    last = None
    first_of: dict[int, str] = {}  # sentence -> the person of its first name
    last_sentence = None  # the latest sentence with a name
    for mention in mentions:
        if mention.person is not None:
            last = mention.person
            if sentence_of is not None:
                k = sentence_of(mention.start)
                first_of.setdefault(k, mention.person)
                last_sentence = k
            out.append(last)
        elif sentence_of is not None and last_sentence is not None:
            own = sentence_of(mention.start)
            out.append(last if last_sentence == own else first_of[last_sentence])
        else:
            out.append(last)
    return out


def _attribute(masked: str, paragraphs, quotes: list[_Quote], aliases) -> None:
    """Set ``speaker`` of every quote by the postposed, preposed and continuation rules."""
    person = _persons(masked, aliases)
    mentions = _mentions(masked, person)
    starts = [m.start for m in mentions]
    sentences = split_sentences(masked)
    sent_starts = sentences["start"].tolist()
    resolved = _resolved(mentions, lambda pos: bisect.bisect_right(sent_starts, pos) - 1)
    # Every speech verb once (not a scan of the sentence per quote, which is quadratic in a long
    # paragraph of quotes); no verb holds a quotation mark, so those before a quote are those of
    # a scan that stops at its opening mark.
    verbs = [(m.start(), m.end(), m.group()) for m in _VERB_RE.finditer(masked)]
    verb_ends = [e for _, e, _ in verbs]
    verb_starts = [s for s, _, _ in verbs]
    by_paragraph: dict[int, list[_Quote]] = {}
    for q in quotes:
        by_paragraph.setdefault(q.paragraph, []).append(q)
    names = "|".join(re.escape(n) for n in sorted(person, key=len, reverse=True))
    titles = "|".join(re.escape(t) for t in sorted(_TITLES, key=len, reverse=True))
    # a title or a lower-case description may precede a name: "Ambassador Oren Halvey", "ministry spokeswoman Dana Pelle"
    prefix = rf"(?:(?:{titles})\s+|(?:[a-z][\w'’-]*\s+){{1,3}}(?={_NAME_WORD}))?"
    subject = rf"(?:{prefix}(?P<known>{names})|(?P<pron>{_PRONOUN})|{prefix}(?P<other>{_OTHER_SUBJECT}))"
    postposed = re.compile(
        rf"\s*[,:]?\s*(?:{subject}\s+{_AUX}{_VERB}(?![\w-])"
        rf"|{_VERB}\s+{subject.replace('?P<', '?P<inv_')})(?![\w-])"
    )

    def sentence_of(pos: int) -> int:
        return bisect.bisect_right(sent_starts, pos) - 1

    def mention_person(pos: int, end: int) -> str | None:
        """The person of the name or pronoun at masked[pos:end] (a subject of a postposed attribution)."""
        i = bisect.bisect_left(starts, pos)
        if i < len(mentions) and mentions[i].start == pos:
            return resolved[i]
        return person.get(masked[pos:end])

    used_until = -1  # end of the last postposed attribution
    for k, q in enumerate(quotes):
        sentence = sentence_of(q.open)
        sent_start = sent_starts[sentence] if sentence >= 0 else paragraphs[q.paragraph][0]
        closes_sentence = masked[q.close - 1] == "."  # "... peace." Kim said ...: a new sentence
        m = None if closes_sentence or q.open_end else postposed.match(masked, q.close + 1, paragraphs[q.paragraph][1])
        if m:
            q.attributed_until = m.end()
            q.speaker = _postposed_speaker(m, mention_person)
        elif (
            found := _preposed_speaker(
                max(sent_start, paragraphs[q.paragraph][0]),
                used_until,
                q.open,
                verbs,
                verb_ends,
                resolved,
                starts,
                masked,
            )
        )[0] or (
            found := _introduced_speaker(
                masked,
                q,
                paragraphs,
                sentence_of,
                sent_starts,
                sent_start,
                used_until,
                verbs,
                verb_ends,
                resolved,
                starts,
            )
        )[0]:
            q.speaker = found[1]
        else:
            q.speaker = _continued_speaker(masked, quotes, k, paragraphs, sentence_of, sent_start, by_paragraph)
            if q.speaker is None:
                q.speaker = _following_speaker(masked, q, paragraphs, sent_starts, verbs, verb_starts, resolved, starts)
            if q.speaker is None:
                previous = by_paragraph.get(_previous_text_paragraph(masked, paragraphs, q.paragraph), [])
                q.speaker = _independent_speaker(masked, q, paragraphs, sent_start, resolved, starts, previous)
        if q.attributed_until > 0:
            used_until = q.attributed_until
    _propagate_chains(quotes)


def _introduced_speaker(
    masked, q, paragraphs, sentence_of, sent_starts, sent_start, used_until, verbs, verb_ends, resolved, starts
) -> tuple[bool, str | None]:
    """A quote introduced by the sentence before it: 'The envoy said ... . "Quote."' or '... without notes:\n"Quote'.

    When the quote opens its sentence, or follows a colon, the speech verb of the previous sentence of
    its paragraph attributes it; when it opens its paragraph and the previous paragraph ends with a
    colon, the verb of that paragraph's last sentence does.
    """
    s, _ = paragraphs[q.paragraph]
    before = masked[max(s, sent_start) : q.open].rstrip()
    opens_sentence = not before
    after_colon = before.endswith(":")
    if not (opens_sentence or after_colon):
        return False, None
    if q.open == s and q.paragraph > 0:
        ps, pe = paragraphs[q.paragraph - 1]
        if masked[ps:pe].rstrip().endswith(":"):
            last = sent_starts[sentence_of(pe - 1)]
            return _preposed_speaker(max(ps, last), used_until, pe, verbs, verb_ends, resolved, starts, masked)
        return False, None
    sentence = sentence_of(q.open)
    if sentence <= 0:
        return False, None
    previous = max(s, sent_starts[sentence - 1])
    if previous >= sent_start and not after_colon:
        return False, None
    return _preposed_speaker(previous, used_until, q.open, verbs, verb_ends, resolved, starts, masked)


_BACK_REFERENCE = re.compile(r"\s*(?:That|This|Such|So)\b")


def _following_speaker(masked, q, paragraphs, sent_starts, verbs, verb_starts, resolved, starts):
    """A quote that ends its sentence, attributed by the next one: '"..." That, the ambassador said, is ...',
    '"..." That is how Ambassador Tavares described it.' -- the person named before the next sentence's
    speech verb, when that sentence opens with That, This, Such or So."""
    s, e = paragraphs[q.paragraph]
    if q.open_end or masked[q.close - 1] not in ".?!":
        return None
    k = bisect.bisect_right(sent_starts, q.close)  # the first sentence that starts after the quote
    if k >= len(sent_starts) or not (s <= sent_starts[k] < e):
        return None
    start = sent_starts[k]
    stop = sent_starts[k + 1] if k + 1 < len(sent_starts) else e
    if not _BACK_REFERENCE.match(masked, start):
        return None
    v = bisect.bisect_left(verb_starts, start)  # the first speech verb of that sentence
    if v == len(verbs) or verb_starts[v] >= min(stop, e):
        return None
    i = bisect.bisect_left(starts, start)
    if bisect.bisect_right(starts, verb_starts[v]) > i:
        return resolved[i]  # "That, the ambassador said, is ...": the person named before the verb
    after = bisect.bisect_left(starts, verb_starts[v])
    return resolved[after] if after < len(starts) and starts[after] < min(stop, e) else None


def _independent_speaker(masked, q, paragraphs, sent_start, resolved, starts, previous=None) -> str | None:
    """A sentence-long quote of five or more words with no attribution: the last person named before it.

    'When the interview ends she returns to Kessa. "The farmers' union has invited me ..."': a quote
    that is a sentence of its own, in a paragraph that named its speaker before it; in a paragraph
    that names nobody before it, the speaker of the previous paragraph's last attributed quote
    (``previous``). A shorter quote, or one inside a sentence, may be a scare quote: it stays
    unattributed.
    """
    s, _ = paragraphs[q.paragraph]
    if masked[max(s, sent_start) : q.open].strip() or len(masked[q.open + 1 : q.close].split()) < 5:
        return None
    i = bisect.bisect_left(starts, q.open)
    lo = bisect.bisect_left(starts, s)
    if i > lo:
        return resolved[i - 1]
    _, e = paragraphs[q.paragraph]
    if previous is not None and bisect.bisect_left(starts, e) == lo:  # nobody named anywhere in the paragraph
        known = [p.speaker for p in previous if p.speaker is not None]
        return known[-1] if known else None
    return None


def _propagate_chains(quotes: list[_Quote]) -> None:
    """A quote over several paragraphs has one speaker: the last part's attribution, else any part's."""
    k = 0
    while k < len(quotes):
        j = k
        while quotes[j].open_end and j + 1 < len(quotes) and quotes[j + 1].continues:
            j += 1
        if j > k:
            chain = quotes[k : j + 1]
            known = [q.speaker for q in reversed(chain) if q.speaker is not None]
            for q in chain:
                q.speaker = known[0] if known else None
        k = j + 1


def _postposed_speaker(m: re.Match, mention_person) -> str | None:
    for prefix in ("", "inv_"):
        if m.group(prefix + "known") is not None or m.group(prefix + "pron") is not None:
            group = prefix + ("known" if m.group(prefix + "known") is not None else "pron")
            return mention_person(m.start(group), m.end(group))
        other = m.group(prefix + "other")
        if other is not None:
            return other if other[:1].isupper() and not re.match(r"(?:The|An?)\s", other) else None
    return None


def _preposed_speaker(
    sent_start: int, used_until: int, end: int, verbs, verb_ends, resolved, starts, masked: str = ""
) -> tuple[bool, str | None]:
    """(found, person) from the last speech verb of the quote's sentence before ``end``.

    Only the stretch after an attribution already used by a postposed quote counts.
    The verb's subject is the nearest person mention or pronoun before it in that
    stretch; a participle ("adding", "calling") with none there takes the nearest
    one earlier in the sentence (``"...," he said, adding that it is "dead."``).
    """
    start = max(sent_start, used_until)
    j = bisect.bisect_right(verb_ends, end) - 1  # the last verb that ends before the quote
    if j < 0 or verbs[j][0] < start:
        return False, None
    verb_start, _, verb = verbs[j]
    hi = bisect.bisect_left(starts, verb_start)
    lo = bisect.bisect_left(starts, start)
    if hi <= lo and verb.lower().endswith("ing"):
        lo = bisect.bisect_left(starts, sent_start)
    if hi <= lo:
        after = bisect.bisect_left(starts, verb_start)
        if after < len(starts) and starts[after] < end and verb.lower().endswith(("ed", "ing", "according to")):
            return True, resolved[after]  # "Asked what he will miss, he doesn't hesitate: '...'"
        return True, None  # a speech verb, but no person before it: someone we cannot name
    relative = _RELATIVE.search(masked, starts[hi - 1], verb_start) if masked else None
    if relative and not _CAPITALISED_WORDS.fullmatch(masked, starts[hi - 1], relative.start()):
        return True, None  # "He ... some MPs, who described": the relative clause's noun is the subject
    return True, resolved[hi - 1]


def _continued_speaker(masked, quotes, k, paragraphs, sentence_of, sent_start, by_paragraph) -> str | None:
    """The previous quote's speaker when this quote continues it (see the module rules), else None."""
    q = quotes[k]
    prev = quotes[k - 1] if k else None
    if prev is not None and prev.paragraph == q.paragraph and prev.speaker is not None:
        between_from = prev.attributed_until if prev.attributed_until > 0 else prev.close + 1
        if re.fullmatch(r"[\s,:;.]*", masked[between_from : q.open]):
            return prev.speaker
        opens_sentence = _NON_SPACE.search(masked, sent_start, q.open) is None
        if opens_sentence and sentence_of(q.open) == sentence_of(prev.close) + 1:
            return prev.speaker
    s, e = paragraphs[q.paragraph]
    whole_paragraph = q.open == s and q.close >= e - 1
    # a paragraph that opens with a quote and names no speaker (no speech verb outside its quotes)
    unattributed = q.open == s and _VERB_RE.search(masked, s, e) is None
    if (whole_paragraph or unattributed) and q.paragraph > 0:
        before = by_paragraph.get(_previous_text_paragraph(masked, paragraphs, q.paragraph), [])
        known = [p for p in before if p.speaker is not None]
        if known:
            return known[-1].speaker
    return None


def _previous_text_paragraph(masked: str, paragraphs, p: int) -> int:
    """Index of the nearest paragraph before ``p`` that is not a (blanked) caption."""
    for i in range(p - 1, -1, -1):
        s, e = paragraphs[i]
        if masked[s:e].strip():
            return i
    return -1
