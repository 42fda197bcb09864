"""The UN Security Council Conflict Corpus (UNSCon) as speeches and sentences."""

from __future__ import annotations

import os
import re
import urllib.parse
from pathlib import Path

import pandas as pd

from toolkit._validation import CorpusFormatError, DataNotFoundError
from toolkit.datasets._sources import _LAYOUT, UNSCON_LICENCE, UNSCON_SOURCE, UNSCON_URL, _resolve, un_table
from toolkit.schema import as_docs

# --------------------------------------------------------------------------- UNSCon

_UNSCON_FILE_ID = re.compile(
    r"^UNSC_(?P<year>\d{4})_SPV\.(?P<meeting>\d+)_spch(?P<speech>\d+)_(?P<name>.+?)"
    r"(?:_(?:neg|pos))?[_ ](?P<chunk>\d+)(?:_GD)?\.txt$"
)
#: Suffixes upstream added to some speakers' names (``Russian_Federation2``,
#: ``United_States_Of_AmericaA2``); an "A" only after a lower-case letter, so ``NAMIBIA`` stays.
_NAME_SUFFIX = re.compile(r"(?:(?<=[a-z])A)?\d*$")
_OFFSETS = re.compile(r"^\s*(\d+)\s*-\s*\d+\s*$")

#: Speaking delegations of UNSCon, as named in ``file_id`` (lower case, spaces), to ISO3
#: (``un_tables/unscon_countries.csv``).
UNSCON_COUNTRIES: dict[str, str] = {row["name_in_file_id"]: row["iso3"] for row in un_table("unscon_countries")}

_UNSCON_ANNOTATIONS = ("A0", "A2", "A3", "A4", "B1", "B2", "B3")
_UNSCON_NEEDED = ("file_id", "sentence_text", "sentence_char_offsets", *_UNSCON_ANNOTATIONS, "filename", "country")

_DETOKENIZE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"\s+", " "),  # runs of spaces, newlines
        (r"``|''", '"'),  # PTB-style quotes
        (r'"\s+([^"]*?)\s+"', r'"\1"'),  # " quoted " -> "quoted"
        (r'^"\s+', '"'),  # an opening quote alone
        (r'\s+"$', '"'),  # a closing quote alone
        (r"\s+([.,;:!?%)\]}])", r"\1"),  # no space before closing marks
        (r"([(\[{$])\s+", r"\1"),  # no space after opening marks
        (r"\s+(n't|['’](?:s|re|ve|ll|d|m))\b", r"\1"),  # clitics: do n't, Russia 's
        (r"(?<=s)\s+(['’])(?=\s)", r"\1"),  # plural possessive: States ' -> States'
    )
)


def detokenize(text: str) -> str:
    """Undo the tokeniser's spacing of UNSCon sentences: spaces before punctuation and so on.

    Parameters
    ----------
    text : str
        Tokenised text, e.g. ``"Kyiv called them \\" bandits \\" , ( sic ) ."``.

    Returns
    -------
    str
        The text with ordinary spacing, stripped. Spaced hyphens (``"pro - Russian"``)
        are left as they are: the tokeniser also turned dashes into ``" - "``, and
        the two cannot be told apart. A quotation mark whose partner is in another
        sentence is attached to its neighbour only at the start or end of ``text``.

    Examples
    --------
    >>> detokenize("We call on Russia 's leaders , ( again ) .  ")
    "We call on Russia's leaders, (again)."
    >>> detokenize('They were called " bandits " and we do n\\'t agree ; States \\' rights !')
    'They were called "bandits" and we don\\'t agree; States\\' rights!'
    """
    text = text.strip()
    for pattern, repl in _DETOKENIZE_RULES:
        text = pattern.sub(repl, text)
    return text.strip()


_UNSCON_REFETCH = (
    "The file is damaged or not UNSCon's: get it again (toolkit data --fetch unscon, or from "
    f"{UNSCON_URL}conflict_annotations_sentences.csv)."
)


def _unscon_csv(path: str | os.PathLike[str] | None) -> tuple[pd.DataFrame, Path]:
    root = _resolve("unscon", path)
    csv = root if root.is_file() else root / "conflict_annotations_sentences.csv"
    if not csv.is_file():
        raise DataNotFoundError(
            f"{root} has no conflict_annotations_sentences.csv; expected {_LAYOUT['unscon']}.", dataset="unscon"
        )
    try:
        raw = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusFormatError(str(csv), f"is not UTF-8 (byte {exc.start}).", fix=_UNSCON_REFETCH) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CorpusFormatError(str(csv), f"cannot be read as CSV: {exc}", fix=_UNSCON_REFETCH) from None
    missing = [c for c in _UNSCON_NEEDED if c not in raw.columns]
    if missing:
        raise CorpusFormatError(str(csv), f"lacks the column(s) {missing}; it has {list(raw.columns)}.")
    return raw, csv


def _parse_unscon(raw: pd.DataFrame, csv: Path) -> pd.DataFrame:
    """One row per sentence, in speech order, with the parsed parts of ``file_id``. A bad row is named by its
    place among the data rows (the header not counted), not by a line: a quoted field may hold line breaks."""
    rows = []
    for i, (file_id, offsets) in enumerate(zip(raw["file_id"], raw["sentence_char_offsets"])):
        m = _UNSCON_FILE_ID.match(urllib.parse.unquote(file_id))
        if m is None:
            raise CorpusFormatError(
                str(csv),
                f"file_id {file_id!r} of data row {i + 1} does not match "
                "UNSC_<year>_SPV.<meeting>_spch<NNN>_<Country>_[neg_|pos_]<chunk>[_GD].txt.",
                fix=_UNSCON_REFETCH,
            )
        start = _OFFSETS.match(offsets)
        if start is None:
            raise CorpusFormatError(
                str(csv),
                f"sentence_char_offsets {offsets!r} of data row {i + 1} is not START-END.",
                fix=_UNSCON_REFETCH,
            )
        name = _NAME_SUFFIX.sub("", m["name"]).replace("_", " ").lower()
        if name not in UNSCON_COUNTRIES:
            raise CorpusFormatError(
                str(csv),
                f"speaker {m['name']!r} of file_id {file_id!r} (data row {i + 1}) is not a known delegation.",
                fix="Add it to toolkit.datasets.UNSCON_COUNTRIES.",
            )
        rows.append(
            (
                f"UNSC_{m['year']}_SPV.{m['meeting']}_spch{m['speech']}",
                int(m["year"]),
                m["meeting"],
                int(m["speech"]),
                UNSCON_COUNTRIES[name],
                int(m["chunk"]),
                int(start[1]),
                i,
            )
        )
    parts = pd.DataFrame(
        rows, columns=["doc_id", "year", "meeting", "speech_number", "speaker_country", "chunk", "char_start", "row"]
    )
    wrong = parts["doc_id"] != raw["filename"].str.strip()
    if wrong.any():
        i = int(parts.index[wrong][0])
        raise CorpusFormatError(
            str(csv),
            f"file_id {raw.loc[i, 'file_id']!r} disagrees with filename {raw.loc[i, 'filename']!r} (data row {i + 1}).",
            fix=_UNSCON_REFETCH,
        )
    speakers = parts.groupby("doc_id")["speaker_country"].nunique()
    if (speakers > 1).any():
        raise CorpusFormatError(
            str(csv), f"speech {speakers.index[speakers > 1][0]!r} has chunks of different speakers."
        )
    parts = parts.sort_values(["doc_id", "chunk", "char_start", "row"], kind="stable")
    return pd.concat([parts.reset_index(drop=True), raw.loc[parts["row"].to_numpy()].reset_index(drop=True)], axis=1)


def unscon_sentences(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The UNSCon sentences with their conflict annotations, one row per sentence in speech order.

    Parameters
    ----------
    path : str or Path, optional
        The folder holding ``conflict_annotations_sentences.csv`` (or that file).
        Default: ``$TOOLKIT_DATA/unscon``, else the download cache.

    Returns
    -------
    DataFrame
        Columns:

        - ``doc_id`` (string): the speech, as in :func:`load_unscon`;
        - ``sentence_index`` (Int64): 0, 1, ... within the speech (chunks by
          their number, sentences by ``sentence_char_offsets`` within a chunk);
        - ``file_id`` (string): the upstream chunk file; ``chunk`` (Int64): its number;
        - ``text`` (string): the sentence, detokenised (:func:`detokenize`);
        - ``A0`` (string): conflict label (``Direct_NegEval``, ``Indirect_NegEval``,
          ``Challenge``, ``Correction``), ``"_"`` when none;
        - ``A2`` (string): type of the conflict's target (``Country``,
          ``Underspecified``...), ``A3`` (string): target group (``-NONE-``,
          ``Non-Governm_Grp``...), ``A4`` (string): the target (``ukraine``...);
        - ``B1``, ``B2``, ``B3`` (string): a second conflict on the same sentence
          (label, target type, target), ``"_"`` when none;
        - ``target_country`` (string): upstream's ``country`` column, renamed so it
          is not read as the speaker's country (the speaker is ``country`` of
          :func:`load_unscon`).

        Annotation values are kept as upstream, ``"_"`` included.

    Raises
    ------
    DataNotFoundError
        No copy found and none can be downloaded.
    CorpusFormatError
        The file is not UTF-8 or not CSV, a column is missing, or a ``file_id``
        does not match the upstream pattern or names an unknown delegation (the
        row is named).
    """
    raw, csv = _unscon_csv(path)
    rows = _parse_unscon(raw, csv)
    out = pd.DataFrame(
        {
            "doc_id": rows["doc_id"],
            "sentence_index": rows.groupby("doc_id").cumcount(),
            "file_id": rows["file_id"],
            "chunk": rows["chunk"],
            "text": [detokenize(t) for t in rows["sentence_text"]],
            **{col: rows[col] for col in _UNSCON_ANNOTATIONS},
            "target_country": rows["country"],
        }
    )
    for col in out.columns:
        out[col] = out[col].astype("Int64" if col in ("sentence_index", "chunk") else "string")
    return out


def load_unscon(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the 86 Security Council speeches of UNSCon as a docs frame.

    Speeches are rebuilt from ``conflict_annotations_sentences.csv``: the rows of
    a speech (``filename``) are ordered by chunk number (the end of ``file_id``)
    and, within a chunk, by ``sentence_char_offsets``; the text is the
    detokenised sentences joined by spaces. The speaking delegation is parsed
    from ``file_id`` (not from the ``country`` column, which upstream uses for
    annotation) and mapped to ISO3 by :data:`UNSCON_COUNTRIES`.

    Every row of the file is a sentence of one speech, so ``n_sentences`` sums to
    the number of rows. A row that cannot be placed stops the load with an error
    naming it; none is skipped, as a skipped sentence would leave a gap in its
    speech's text. (The other files of the folder are not read.)

    Parameters
    ----------
    path : str or Path, optional
        The folder holding ``conflict_annotations_sentences.csv`` (or that file).
        Default: ``$TOOLKIT_DATA/unscon``, else the download cache.

    Returns
    -------
    DataFrame
        A docs frame (see ``toolkit.schema``), one row per speech sorted by doc_id:

        - ``doc_id`` (string): ``UNSC_<year>_SPV.<meeting>_spch<NNN>``;
        - ``text`` (string); ``speaker`` (string): <NA>, the data names no one;
        - ``role`` (category): ``"permanent_representative"`` (delegations speak
          through their representative; a few may be ministers, the data does not say);
        - ``country`` (string): ISO3 of the speaking delegation;
        - ``venue`` (string): ``"UNSC"``; ``date`` (datetime64[ns]): NaT (the data
          gives no date); ``year`` (Int64); ``genre`` (category): ``"speech"``;
        - ``source`` (string): the repository and commit; ``licence`` (string):
          ``"CC-BY-SA-4.0"`` (upstream says "CC BY-SA" without a version);
        - ``meeting`` (string): ``"S/PV.<number>"``; ``speech_number`` (Int64);
          ``n_sentences`` (Int64).

    Raises
    ------
    DataNotFoundError
        No copy found and none can be downloaded.
    CorpusFormatError
        As for :func:`unscon_sentences`.
    """
    raw, csv = _unscon_csv(path)
    rows = _parse_unscon(raw, csv)
    grouped = rows.groupby("doc_id", sort=True)
    # Detokenise whole speeches, not sentences: a quotation may span sentences.
    text = grouped["sentence_text"].agg(" ".join)
    first = grouped.first()
    docs = pd.DataFrame(
        {
            "doc_id": text.index,
            "text": [detokenize(t) for t in text],
            "speaker": pd.NA,
            "role": "permanent_representative",
            "country": first["speaker_country"].to_numpy(),
            "venue": "UNSC",
            "date": pd.Series(pd.NaT, index=range(len(text)), dtype="datetime64[ns]"),
            "year": first["year"].to_numpy(),
            "genre": "speech",
            "source": UNSCON_SOURCE,
            "licence": UNSCON_LICENCE,
            "meeting": ["S/PV." + m for m in first["meeting"]],
            "speech_number": first["speech_number"].to_numpy(),
            "n_sentences": grouped.size().to_numpy(),
        }
    )
    docs = as_docs(docs, name="UNSCon")
    docs["meeting"] = docs["meeting"].astype("string")
    for col in ("speech_number", "n_sentences"):
        docs[col] = docs[col].astype("Int64")
    return docs
