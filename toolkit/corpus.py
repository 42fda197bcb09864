"""Reading a corpus: the user's own statements, the embedded interview, and a fingerprint to cite.

Three input formats give the same docs frame (see :mod:`toolkit.schema`):

- a folder (searched recursively) of ``.txt``/``.md`` files, each starting with a
  metadata header between two ``---`` lines, one ``key: value`` per line::

      ---
      doc_id: kt-2021-02-05-xing-haiming
      speaker: Xing Haiming
      role: ambassador
      ...
      ---
      The text itself, kept exactly as written.

  ``doc_id`` defaults to the file name without its extension. ``.csv`` and
  ``.jsonl`` files in the folder are read too; every other file is reported, except
  READMEs, hidden entries and links to what is read anyway, which are listed in ``attrs["ignored"]``;
- a ``.csv`` file with a header row naming the fields, one document per row;
- a ``.jsonl`` file, one JSON object per line.

Every field of :data:`toolkit.schema.REQUIRED_FIELDS` must be present; ``date`` and
``speaker`` may be left empty when unknown (then give ``year``). Bad input raises
:class:`~toolkit.CorpusFormatError` naming the file, the line or row, the problem
and the fix; with ``errors="skip"`` bad documents are left out and listed instead.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import math
import os
import re
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit._io import read_text
from toolkit._validation import CorpusFormatError, check_columns, check_one_of, check_texts
from toolkit.schema import DATE_MAX, DATE_MIN, DOC_COLUMNS, GENRES, REQUIRED_FIELDS, ROLES, as_docs

__all__ = ["INTERVIEW_ID", "corpus_files", "corpus_fingerprint", "describe_corpus", "load_interview", "read_corpus"]

#: doc_id of the interview with Ambassador Xing Haiming in ``corpus/``.
INTERVIEW_ID = "kt-2021-02-05-xing-haiming"
_INTERVIEW_FILE = "korea-times-2021-xing-haiming-interview.txt"
#: The interview as the package ships it (the same file as the repository's ``corpus/``).
INTERVIEW_PATH: Path = Path(__file__).resolve().parent / "data" / "interview" / _INTERVIEW_FILE

_TEXT_SUFFIXES = {".txt", ".md"}
_TABLE_SUFFIXES = {".csv", ".jsonl"}
_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:\s?(.*)$")
_COUNTRY = re.compile(r"[A-Z]{3}")  # used with fullmatch: "CHN\n" is not a code
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{1,4}")  # ASCII digits: "²".isdigit() is True
_MAY_BE_EMPTY = {"speaker", "date"}
_HEADER_EXAMPLE = (
    "Start the file with a header such as:\n---\ndoc_id: my-doc\nspeaker: Jane Doe\nrole: ambassador\n"
    "country: KOR\nvenue: UNGA\ndate: 2021-02-05\ngenre: speech\nsource: https://...\nlicence: CC-BY-4.0\n---"
)


def read_corpus(path: str | Path, *, errors: str = "raise", delimiter: str = ",") -> pd.DataFrame:
    """Read a folder of statements, a CSV or a JSONL file into a docs frame.

    Parameters
    ----------
    path : str or Path
        A folder (searched recursively), or one ``.txt``, ``.md``, ``.csv`` or
        ``.jsonl`` file.
    errors : {"raise", "skip"}, default "raise"
        ``"raise"`` stops at the first bad document. ``"skip"`` leaves bad
        documents out, lists them in ``docs.attrs["skipped"]`` (a list of dicts
        with ``source``, ``line``, ``problem``) and warns with their number, so
        that every input is accounted for.
    delimiter : str, default ","
        The one character between the fields of a ``.csv`` file (every ``.csv``
        of a folder): ``";"`` for the files that spreadsheets save with
        semicolons where the decimal separator is a comma, ``"\t"`` for tabs.
        A file whose header is one column that this delimiter does not split,
        but ``;``, ``,``, a tab or ``|`` would split into the fields, is an
        error that names the delimiter it looks like.

    Returns
    -------
    DataFrame
        The docs frame of :mod:`toolkit.schema`: ``doc_id``, ``text``, ``speaker``,
        ``role``, ``country``, ``venue``, ``date``, ``year``, ``genre``, ``source``,
        ``licence``, then every extra field found, in order of first appearance
        (string dtype; missing values <NA>), then ``file`` (string: the file the
        document was read from, relative to ``path``). Rows are in file order (files sorted by path).
        ``docs.attrs["skipped"]`` lists the bad documents left out (empty with
        ``errors="raise"``); ``docs.attrs["ignored"]`` lists what a folder holds
        that is by convention not a document: files named ``README`` (any case,
        any extension: ``README.md``, ``readme.txt``; ``readme_notes.txt`` *is*
        read), hidden files and folders (name starting with ``.``, such as
        ``.ipynb_checkpoints``) and links to files or folders read anyway
        (:func:`corpus_files`), each as a dict with ``source`` and ``reason``.
        So every file under ``path`` is a row, a skip or an ignored entry.

    Notes
    -----
    Every file in a folder is a document or is reported: a file of another kind
    (``.docx``, ``.pdf``, ``.json``, ``.tsv``, ...) raises an error that says how to
    convert it, or is listed in ``attrs["skipped"]``. A CSV row that cannot be
    parsed (an unescaped quote, an unclosed quote, a wrong number of fields)
    costs that row alone: it is reported with the line it starts on and reading
    resumes on the next line. CSV fields have no length limit below what memory
    allows. Metadata values lose surrounding whitespace; ``text`` is kept exactly.
    A date outside 1677-09-22 to 2262-04-11 (what ``datetime64[ns]`` holds) is an
    error that says to give the year alone.

    Raises
    ------
    CorpusFormatError
        (a ValueError) for a file that read_corpus does not read (its extension),
        is not UTF-8, empty, binary, a CSV with a header but no rows, has no or a
        malformed header, a malformed CSV row or JSON line (NaN and Infinity
        included), a field given twice, a missing required field or the
        reserved field ``file``, an unknown ``role`` or ``genre``, a bad
        ``country``, ``date`` or ``year``, or a duplicated ``doc_id``; a CSV
        whose header lacks a required field (one that looks delimited by
        another character than ``delimiter`` says so).
    FileNotFoundError
        ``path`` does not exist, or a folder holds no file to read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text(
    ...     "doc_id,text,speaker,role,country,venue,date,genre,source,licence\\n"
    ...     "d1,We firmly oppose it.,A,ambassador,CHN,UNSC,2014-03-01,speech,x,CC0\\n")
    >>> docs = read_corpus(folder)
    >>> docs[["doc_id", "role", "year"]].to_dict("records")
    [{'doc_id': 'd1', 'role': 'ambassador', 'year': 2014}]
    """
    check_one_of("errors", errors, ["raise", "skip"])
    _check_delimiter(delimiter)
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        # Path("") is the working folder: an empty setting would read whatever is there
        raise ValueError(f"read_corpus: path={path!r} is invalid; pass a folder, a .csv or a .jsonl file.")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"read_corpus: {path} does not exist; pass a folder, a .csv or a .jsonl file.")
    files, ignored = corpus_files(path)

    records: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for file in files:
        rel = file.relative_to(path) if path.is_dir() else Path(file.name)
        for where, record in _read_file(file, errors, skipped, delimiter, rel):
            try:
                _check_record(record, where)
                doc_id = record["doc_id"]
                if doc_id in seen:
                    raise CorpusFormatError(
                        where.source,
                        f"doc_id {doc_id!r} is duplicated (first seen in {seen[doc_id]}).",
                        line=where.line,
                        fix="Give every document a unique doc_id.",
                    )
            except CorpusFormatError as err:
                if errors == "raise":
                    raise
                _record_skip(skipped, err)
                continue
            seen[doc_id] = where.label
            record["file"] = rel.as_posix()
            records.append(record)

    if not records and not skipped:
        aside = f" ({len(ignored)} README, hidden or linked entries are not read)" if ignored else ""
        raise FileNotFoundError(f"read_corpus: {path} holds no file to read{aside}; {_FORMATS}.")
    docs = as_docs(records, name=str(path)) if records else _empty_docs()
    for col in docs.columns[len(DOC_COLUMNS) :]:
        docs[col] = docs[col].astype("string")
    if "file" not in docs.columns:
        docs["file"] = pd.Series(dtype="string")
    docs.attrs["skipped"] = skipped
    docs.attrs["ignored"] = ignored
    if skipped:
        warnings.warn(
            f"read_corpus skipped {len(skipped)} bad document(s) of {path}; "
            f"see docs.attrs['skipped']. First: {skipped[0]['problem']}",
            stacklevel=2,
        )
    return docs


def load_interview() -> pd.DataFrame:
    """Return the interview with Ambassador Xing Haiming (The Korea Times, February 2021).

    The text is kept exactly as published (photo-caption leftovers included);
    ``text_sha256`` records its checksum and is verified on loading.

    Returns
    -------
    DataFrame
        A one-row docs frame (columns of :mod:`toolkit.schema`) with the extra
        string columns ``title``, ``author``, ``outlet``, ``place``,
        ``date_note``, ``text_sha256`` and ``file``.

    The package ships the file (``toolkit/data/interview/``), so an installed
    toolkit has it too; ``corpus/`` of the repository holds the same file, byte
    for byte (a test checks), documented in ``corpus/README.md``.

    Raises
    ------
    FileNotFoundError
        The package's copy is missing (a broken install: reinstall toolkit).
    ValueError
        The text no longer matches its recorded checksum.

    Examples
    --------
    >>> docs = load_interview()
    >>> docs.loc[0, ["doc_id", "speaker", "role", "country", "genre"]].tolist()
    ['kt-2021-02-05-xing-haiming', 'Xing Haiming', 'ambassador', 'CHN', 'interview']
    """
    file = INTERVIEW_PATH
    if not file.is_file():
        raise FileNotFoundError(
            f"load_interview: {file} is missing: the package ships it as data, so this install is broken; "
            "reinstall toolkit (or, in a clone, run git checkout toolkit/data/interview)."
        )
    docs = read_corpus(file)
    digest = hashlib.sha256(docs.loc[0, "text"].encode("utf-8")).hexdigest()
    if digest != docs.loc[0, "text_sha256"]:
        raise ValueError(
            f"load_interview: the text in {file} has changed (sha256 {digest[:12]}..., recorded "
            f"{docs.loc[0, 'text_sha256'][:12]}...); restore it with git checkout."
        )
    return docs


def corpus_fingerprint(docs: pd.DataFrame, *, length: int = 16) -> str:
    """Return a short, stable hash of the documents' ids and texts, to record with results.

    The hash does not depend on row order or on metadata: the same documents with
    the same texts always give the same fingerprint, and any change to a text or an
    id, or an added or removed document, gives another.

    Parameters
    ----------
    docs : DataFrame
        A docs frame (needs ``doc_id`` and ``text``).
    length : int, default 16
        Number of hexadecimal characters of the SHA-256 digest to return (8 to 64).

    Returns
    -------
    str
        ``length`` lowercase hexadecimal characters.

    Examples
    --------
    >>> a = pd.DataFrame({"doc_id": ["x", "y"], "text": ["one", "two"]})
    >>> corpus_fingerprint(a) == corpus_fingerprint(a.iloc[::-1])
    True
    >>> corpus_fingerprint(a)
    'c5c19f47c82216a8'
    """
    check_columns(docs, ["doc_id", "text"])
    if not isinstance(length, int) or not 8 <= length <= 64:
        raise ValueError(f"length={length!r} is invalid; must be an integer from 8 to 64.")
    digest = hashlib.sha256()
    for doc_id, text in sorted(zip(docs["doc_id"].astype(str), docs["text"].astype(str))):
        for part in (doc_id, text):
            data = part.encode("utf-8")
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
    return digest.hexdigest()[:length]


def describe_corpus(docs: pd.DataFrame, *, by: str | list[str] | None) -> pd.DataFrame:
    """Count documents and tokens per group: what is in a corpus.

    Parameters
    ----------
    docs : DataFrame
        A docs frame (``doc_id``, ``text`` and the ``by`` columns).
    by : str or list of str
        Column(s) to group by (``country``, ``role``, ``venue``, ``genre``, ``year``,
        ``selection``...): one group per distinct combination of values, as in
        :func:`toolkit.count_terms`. Missing values form a group of their own.
        None: one group, ``"all"``, in a column ``group``.

    Returns
    -------
    DataFrame
        One row per group, sorted by ``n_docs`` (descending), then by the
        group's key (the ``by`` columns' values in order, missing values last):

        - the group's key: each ``by`` column, in the order given, with its
          values and dtype as in ``docs`` (missing values stay missing); with
          ``by=None`` one column ``group`` (string) holding ``"all"``;
        - ``n_docs`` (int64): documents;
        - ``tokens`` (int64, by the toolkit's tokenizer);
        - ``median_tokens`` (float64, per document);
        - ``min_tokens`` and ``max_tokens`` (int64).

    Raises
    ------
    ValueError
        ``docs`` lacks ``doc_id``, ``text`` or a ``by`` column; ``by`` is empty,
        names a column twice or one named as a result column.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["One two.", "Three.", "Four five six."],
    ...                      "role": ["ambassador", "ambassador", "other"]})
    >>> describe_corpus(docs, by="role").values.tolist()
    [['ambassador', 2, 3, 1.5, 1, 2], ['other', 1, 3, 3.0, 3, 3]]
    >>> list(describe_corpus(docs.assign(year=[2020, 2021, 2021]), by=["role", "year"]).columns[:3])
    ['role', 'year', 'n_docs']
    """
    from toolkit._groups import groups as _groups
    from toolkit.text import tokenize

    grouping = _groups(docs, by, reserved=_DESCRIBE_COLUMNS)
    check_texts(docs)  # a missing text is an error, not the word "none"
    lengths = pd.Series([len(tokenize(t)) for t in docs["text"]], dtype="int64")
    table = lengths.groupby(grouping.codes).agg(
        n_docs="size", tokens="sum", median_tokens="median", min_tokens="min", max_tokens="max"
    )
    table = (
        table.rename_axis("_group")
        .reset_index()
        .astype(
            {
                "_group": "int64",
                "n_docs": "int64",
                "tokens": "int64",
                "median_tokens": "float64",
                "min_tokens": "int64",
                "max_tokens": "int64",
            }
        )
    )
    table = table.sort_values(["n_docs", "_group"], ascending=[False, True], ignore_index=True)
    return pd.concat([grouping.take(table["_group"].to_numpy()), table.drop(columns="_group")], axis=1)


#: The columns of :func:`describe_corpus` after the group's key columns.
_DESCRIBE_COLUMNS = ("n_docs", "tokens", "median_tokens", "min_tokens", "max_tokens")


# ---------------------------------------------------------------------------- reading files


class _Where:
    """Where a record came from: file and line (or CSV row), for error messages."""

    __slots__ = ("label", "line", "source")

    def __init__(self, source: Path, line: int | None = None, label: str | None = None) -> None:
        self.source = str(source)
        self.line = line
        self.label = label or (self.source if line is None else f"{self.source}, line {line}")


#: How to turn a file read_corpus does not read into one it does, by extension.
_CONVERT = {
    **dict.fromkeys(
        (".docx", ".doc", ".odt", ".rtf", ".pages", ".wpd"),
        "It is a word-processor document: save it as plain text (UTF-8, .txt) and add a metadata header.",
    ),
    ".pdf": "Extract its text (e.g. `pdftotext -enc UTF-8 FILE.pdf`), save it as .txt and add a metadata header.",
    **dict.fromkeys(
        (".html", ".htm", ".xml"), "Extract the text of the statement, save it as .txt and add a metadata header."
    ),
    ".json": "Write it as JSON Lines (.jsonl), one object per document per line, e.g. "
    "pandas.read_json(FILE).to_json(OUT, orient='records', lines=True).",
    **dict.fromkeys(
        (".tsv", ".tab"),
        "Save it as comma-separated .csv, e.g. pandas.read_csv(FILE, sep='\\t', dtype=str).to_csv(OUT, index=False).",
    ),
    **dict.fromkeys(
        (".xlsx", ".xls", ".ods"),
        "Save the sheet as .csv, e.g. pandas.read_excel(FILE, dtype=str).to_csv(OUT, index=False).",
    ),
    **dict.fromkeys((".text", ".markdown"), "Rename it to .txt (or .md); the format is the same."),
}
_FORMATS = "read_corpus reads .txt and .md files with a metadata header, .csv and .jsonl files"


def _is_readme(p: Path) -> bool:
    """README, README.md, README.txt...: documentation of the folder, not a document (readme_x.txt is one)."""
    return p.stem.lower() == "readme" if p.suffix else p.name.lower() == "readme"


def corpus_files(path: Path) -> tuple[list[Path], list[dict[str, Any]]]:
    """Every file under ``path``: those to read, and those left aside (READMEs, hidden entries, links to what is
    read already) with the reason.

    A file with an extension read_corpus does not read is *returned* for reading, so
    that it is reported (raised or skipped) like any other bad input, not lost.

    Symbolic links are taken after every real entry of the tree, so that a document is read once, where it
    is not a link: a link to a folder or a file that is read already (``view -> real``, ``copy.txt ->
    real/statement.txt``, ``loop -> ..``) is listed as "a link to ..., read there"; a link out of the tree
    (git-annex's, DVC's) is read, each link on its own, so two names of one stored content stay two documents;
    a broken link, or a loop of links, is returned for reading, which reports it.
    """
    if path.is_file():
        return [path], []
    root = Path(os.path.realpath(path))
    files: list[Path] = []
    ignored: list[dict[str, Any]] = []
    folders = {str(root): "."}  # the real path of each folder read -> the path it is listed under
    folder_links: list[Path] = []
    file_links: list[Path] = []

    def walk(top: Path) -> None:
        stack = [top]
        while stack:
            folder = stack.pop()
            with os.scandir(folder) as entries:
                found = sorted(entries, key=lambda e: e.name)
            for e in found:
                entry = folder / e.name
                rel = entry.relative_to(path).as_posix()
                is_dir = _is_dir(e)
                if e.name.startswith("."):
                    kind = "folder" if is_dir else "file"
                    ignored.append({"source": rel, "reason": f"hidden {kind} (its name starts with '.'), not read"})
                elif _is_readme(entry) and not is_dir:
                    ignored.append({"source": rel, "reason": "a README: documentation of the folder, not read"})
                elif e.is_symlink():
                    (folder_links if is_dir else file_links).append(entry)
                elif is_dir:
                    real = os.path.realpath(entry)
                    if real in folders:  # met again through a link to a folder above it
                        ignored.append({"source": rel, "reason": f"the folder {folders[real]}, read there"})
                        continue
                    folders[real] = rel
                    stack.append(entry)
                else:
                    files.append(entry)

    walk(path)
    while folder_links:  # in order; a folder reached through a link may hold links of its own
        link = min(folder_links, key=lambda p: p.relative_to(path).as_posix())
        folder_links.remove(link)
        target = os.path.realpath(link)
        rel = link.relative_to(path).as_posix()
        if target in folders:
            ignored.append({"source": rel, "reason": f"a link to the folder {folders[target]}, read there"})
        else:  # a folder not read otherwise (out of the tree, or hidden in it): read through the link
            folders[target] = rel
            walk(link)
    if file_links:
        real = {os.path.realpath(f): f.relative_to(path).as_posix() for f in files}
        for link in sorted(file_links, key=lambda p: p.relative_to(path).as_posix()):
            target = os.path.realpath(link)
            if target in real:
                ignored.append(
                    {"source": link.relative_to(path).as_posix(), "reason": f"a link to {real[target]}, read there"}
                )
            else:  # out of the tree, broken or a loop: read (a broken link or a loop is reported when read)
                files.append(link)
    return sorted(files), sorted(ignored, key=lambda d: d["source"])


def _is_dir(entry: os.DirEntry) -> bool:
    """Whether ``entry`` is a folder or a link to one (False for a loop of links, as ``Path.is_dir`` answers)."""
    try:
        return entry.is_dir()
    except OSError:  # too many levels of links, a folder that cannot be read
        return False


def _read_file(
    file: Path, errors: str, skipped: list[dict[str, Any]], delimiter: str = ",", rel: Path | None = None
) -> Iterable[tuple[_Where, dict[str, Any]]]:
    """Yield (where, record) pairs of one file; file-level problems raise or are recorded. ``rel``: the path
    the docs frame keeps in ``file`` (relative to the folder read; default the file's name)."""
    try:
        for part in (rel or Path(file.name)).parts:  # what the frame holds: a folder above it may be anything
            try:
                part.encode("utf-8")
            except UnicodeEncodeError:  # a byte the file system holds that is not UTF-8 (a Windows archive)
                shown = str(file).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                bad = part.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                raise CorpusFormatError(
                    shown,
                    f"has a name that is not UTF-8 ({bad!r}, its bytes shown as \\x..), which a docs frame "
                    "cannot hold.",
                    fix="Rename it (e.g. convmv -f latin1 -t utf8 --notest NAME, or by hand).",
                ) from None
        suffix = file.suffix.lower()
        if suffix not in _TEXT_SUFFIXES | _TABLE_SUFFIXES:
            what = f"has the extension {suffix!r}" if suffix else "has no extension"
            raise CorpusFormatError(
                file,
                f"{what}, which read_corpus does not read.",
                fix=_CONVERT.get(suffix, f"{_FORMATS}: convert it to one of these.") + " Or move it out of the "
                "corpus folder, or pass errors='skip' to read the rest and list it in docs.attrs['skipped'].",
            )
        if not file.is_file():
            raise CorpusFormatError(
                file,
                "is not a regular file (a broken link, or a pipe or device).",
                fix="Remove it, or put the document there.",
            )
        try:
            text = read_text(file)
            odd = False
        except CorpusFormatError as err:
            # bytes that are not UTF-8 in a table, with errors="skip": only the rows that hold them are lost,
            # not the file (each is listed with its line); read them as lone surrogates, found again below
            if not (suffix in _TABLE_SUFFIXES and errors == "skip" and err.problem.startswith("is not valid UTF-8")):
                raise
            text, odd = file.read_bytes().decode("utf-8-sig", "surrogateescape"), True
        if suffix in _TEXT_SUFFIXES:
            return [(_Where(file), _parse_header_file(file, text))]
        if suffix == ".csv":
            found = list(_csv_records(file, text, errors, skipped, delimiter))
        else:
            found = list(_jsonl_records(file, text, errors, skipped))
        return _without_odd_bytes(found, skipped) if odd else found
    except CorpusFormatError as err:
        if errors == "raise":
            raise
        _record_skip(skipped, err)
        return []


_ODD_BYTE = re.compile("[\udc80-\udcff]")


def _without_odd_bytes(
    found: list[tuple[_Where, dict[str, Any]]], skipped: list[dict[str, Any]]
) -> list[tuple[_Where, dict[str, Any]]]:
    """The records of a table read with its bytes that are not UTF-8 as lone surrogates, but those that hold
    one: each of those listed in ``skipped`` with its line and the byte."""
    kept = []
    for where, record in found:
        bad = _ODD_BYTE.search("\x00".join(v for v in record.values() if isinstance(v, str)))
        if bad is None:
            kept.append((where, record))
            continue
        byte = ord(bad.group()) - 0xDC00
        _record_skip(
            skipped,
            CorpusFormatError(
                where.source,
                f"is not valid UTF-8 in this row (byte {byte:#04x}); the rest of the file is read.",
                line=where.line,
                fix="Re-save the file with UTF-8 encoding.",
            ),
        )
    return kept


def _record_skip(skipped: list[dict[str, Any]], err: CorpusFormatError) -> None:
    skipped.append({"source": err.source, "line": err.line, "problem": str(err)})


def _parse_header_file(file: Path, text: str) -> dict[str, Any]:
    # lines with their endings (LF, CRLF, or an old Mac's lone CR, as the CSV reader takes them): the body is
    # kept exactly as written
    raw = _LINE.findall(text)
    lines = [line.rstrip("\r\n") for line in raw]
    if lines[0].strip() != "---":
        raise CorpusFormatError(
            file, "has no metadata header (the first line is not '---').", line=1, fix=_HEADER_EXAMPLE
        )
    record: dict[str, Any] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            body = "".join(raw[number:])
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY.match(line)
        if not match:
            raise CorpusFormatError(
                file, f"malformed header line {line!r}.", line=number, fix="Write each header line as 'key: value'."
            )
        key, value = match.group(1).lower(), _unquote(match.group(2).strip())
        if key in record:
            raise CorpusFormatError(
                file, f"the header gives {key!r} twice.", line=number, fix="Keep one line per field."
            )
        record[key] = value
    else:
        raise CorpusFormatError(
            file,
            "the metadata header is not closed by a '---' line.",
            fix="Add a line '---' between the header and the text.",
        )
    record.setdefault("doc_id", file.stem)
    if "text" in record:
        raise CorpusFormatError(
            file, "the header has a 'text' field.", fix="Put the text after the closing '---', not in the header."
        )
    record["text"] = body
    return record


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
#: No limit below what memory allows on a CSV field (the csv module's default is 131,072 characters).
_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


class _Lines:
    """The physical lines of a text (ends kept), fed one at a time to csv.reader; ``pos`` can be moved back."""

    def __init__(self, text: str) -> None:
        self.lines = [m.group(0) for m in _LINE.finditer(text) if m.group(0)]
        self.pos = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def _csv_records(
    file: Path, text: str, errors: str, skipped: list[dict[str, Any]], delimiter: str = ","
) -> Iterable[tuple[_Where, dict[str, Any]]]:
    """Yield the rows of a CSV text; a bad row is raised or skipped alone, with the line it starts on.

    After a row that cannot be parsed, reading resumes on the line after the one the
    row started on, so that an unclosed quote costs its own row, not the rows after it:
    a multi-line row that is bad therefore reports its continuation lines too.
    """
    opening = re.match(r"[^\r\n]*", text)
    if opening is not None and re.fullmatch(r"sep=.", opening[0], re.IGNORECASE):  # Excel's first line
        sep = opening[0][4:]
        raise CorpusFormatError(
            file,
            f"starts with Excel's delimiter line {opening[0]!r}, not with the header.",
            line=1,
            fix="Delete that first line" + (f" and pass delimiter={sep!r}." if sep != "," else "."),
        )
    lines = _Lines(text)
    old_limit = csv.field_size_limit(_FIELD_LIMIT)
    try:
        reader = csv.reader(lines, strict=True, delimiter=delimiter)
        try:
            header = next(reader)
        except csv.Error as err:
            raise CorpusFormatError(file, f"malformed CSV header ({err}).", line=1) from None
        except StopIteration:
            raise CorpusFormatError(file, "is empty.", fix="Remove it or write the documents into it.") from None
        header = [h.strip().lower() for h in header]
        empty = [i + 1 for i, h in enumerate(header) if not h]
        if empty:  # a trailing comma makes a column with no name: its values would be kept under ''
            raise CorpusFormatError(
                file,
                f"the header has no name for column(s) {', '.join(map(str, empty))} of {len(header)}.",
                line=1,
                fix="Name every column, or delete the empty columns (a trailing delimiter makes one; pandas' "
                "to_csv writes one for the index unless given index=False).",
            )
        repeated = sorted({h for h in header if header.count(h) > 1})
        if repeated:
            raise CorpusFormatError(
                file,
                f"the header names {', '.join(map(repr, repeated))} more than once (names are compared in lower case).",
                line=1,
                fix="Keep one column per field.",
            )
        if "file" in header:
            raise CorpusFormatError(file, _FILE_RESERVED, line=1, fix=_FILE_FIX)
        _check_csv_header(file, header, lines.lines[0], delimiter)
        rows = 0
        while True:
            start = lines.pos
            try:
                row = next(reader)
                problem = None
                if any(cell.strip() for cell in row) and len(row) != len(header):
                    problem = (
                        f"the row has {len(row)} fields but the header names {len(header)}.",
                        "Quote fields that hold commas, or fix the row's field count.",
                    )
            except StopIteration:
                break
            except csv.Error as err:
                problem = (
                    f"malformed CSV ({err}).",
                    "Quote a field that holds commas, quotes or line breaks, and double every quote "
                    'inside it ("We ""oppose"" it").',
                )
            first, last = start + 1, lines.pos
            if problem is None:
                if any(cell.strip() for cell in row):
                    rows += 1
                    yield _Where(file, first, f"{file}, row starting on line {first}"), dict(zip(header, row))
                continue
            rows += 1
            span = f" (the row runs to line {last}; reading resumes on line {first + 1})" if last > first else ""
            row_error = CorpusFormatError(file, problem[0] + span, line=first, fix=problem[1])
            if errors == "raise":
                raise row_error
            _record_skip(skipped, row_error)
            lines.pos = first  # resume on the line after the bad row's first line
        if rows == 0:
            raise CorpusFormatError(
                file, "has a header row but no documents.", line=1, fix="Add one row per document, or remove the file."
            )
    finally:
        csv.field_size_limit(old_limit)


_FILE_RESERVED = "has a field 'file', which read_corpus fills with the file each document was read from."
_FILE_FIX = "Rename the field (e.g. 'original_file')."

#: Delimiters a CSV may have been saved with, and how a message names them.
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe (|)"}


def _check_delimiter(delimiter: object) -> None:
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n' or delimiter.isalnum():
        raise ValueError(
            f"delimiter={delimiter!r} is invalid; must be one character that is not a letter, a digit, a quote or a "
            "line break, such as ',' (the default), ';' or '\\t'."
        )


def _missing_fields(missing: list[str], present: list[str], where: str) -> tuple[str, str]:
    """(problem, fix) for a document (``where="document"``) or a CSV header (``"header"``) that lacks required
    fields; when ``date`` is missing and ``year`` present, the fix says that date stays, empty."""
    names = ", ".join(map(repr, missing))
    kind = ("column" if where == "header" else "field") + ("s" if len(missing) > 1 else "")
    every = (
        "Every document needs the fields " + ", ".join(REQUIRED_FIELDS) + "; speaker and date may be empty, "
        "but not absent."
    )
    if "date" in missing and "year" in present:
        empty = (
            "a date column with empty cells"
            if where == "header"
            else "date with an empty value ('date:' in a header, \"date\": null in JSON)"
        )
        return (
            f"the {where} lacks the required {kind} {names}: it gives year, but date is required too.",
            f"When only the year is known, keep {empty}; the year is read from year. {every}",
        )
    return f"the {where} lacks the required {kind} {names}.", every


def _check_csv_header(file: Path, header: list[str], first_line: str, delimiter: str) -> None:
    """Raise for a header that lacks required fields: naming the delimiter the file looks written with, when a
    different one splits its first line into more of the fields."""
    missing = [f for f in REQUIRED_FIELDS if f not in header]
    if not missing:
        return
    found = len(REQUIRED_FIELDS) - len(missing)
    for other, name in _DELIMITERS.items():
        if other == delimiter:
            continue
        try:
            split = [h.strip().lower() for h in next(csv.reader([first_line], delimiter=other))]
        except csv.Error:
            continue
        fields = [f for f in REQUIRED_FIELDS if f in split]
        if len(fields) >= 2 and len(fields) > found:
            shown = first_line.rstrip("\r\n")
            shown = shown if len(shown) <= 100 else shown[:97] + "..."
            kind = "is one column" if len(header) == 1 else f"has {len(header)} columns"
            raise CorpusFormatError(
                file,
                f"this file looks {name}-delimited: read with {delimiter!r} between fields its header {kind}, "
                f"{shown!r}, which {other!r} splits into the fields {', '.join(fields)}.",
                line=1,
                fix=f"Read it with read_corpus(path, delimiter={other!r}) (toolkit hedges or keyness: --delimiter "
                f"{other!r}), or re-save it comma-delimited, e.g. pandas.read_csv(FILE, sep={other!r}, dtype=str, "
                "keep_default_na=False).to_csv(OUT, index=False).",
            )
    problem, fix = _missing_fields(missing, header, "header")
    raise CorpusFormatError(file, problem, line=1, fix=fix)


class _DuplicateKey(ValueError):
    pass


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [str(k).lower() for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise _DuplicateKey(
            f"the field(s) {', '.join(map(repr, repeated))} are given more than once (names are compared in lower case)"
        )
    return dict(pairs)


def _json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a value read_corpus accepts (JSON has no {name}; write null for a missing value)")


def _jsonl_records(
    file: Path, text: str, errors: str, skipped: list[dict[str, Any]]
) -> Iterable[tuple[_Where, dict[str, Any]]]:
    for number, line in enumerate(_LINE.findall(text), start=1):  # LF, CRLF or a lone CR ends a line
        if not line.strip():
            continue
        bad: CorpusFormatError | None
        problem: str | None
        try:
            record = json.loads(line, object_pairs_hook=_json_object, parse_constant=_json_constant)
            if not isinstance(record, dict):
                raise ValueError(f"it is a JSON {type(record).__name__}, not an object")
        except _DuplicateKey as err:
            bad = CorpusFormatError(file, f"{err}.", line=number, fix="Write one plain value per field.")
        except ValueError as err:  # JSONDecodeError, RecursionError-free ValueErrors, NaN/Infinity
            problem = err.msg if isinstance(err, json.JSONDecodeError) else str(err)
            bad = CorpusFormatError(
                file, f"malformed JSON line ({problem}).", line=number, fix="Write one JSON object per line."
            )
        except RecursionError:
            bad = CorpusFormatError(
                file,
                "malformed JSON line (nested too deeply).",
                line=number,
                fix="Write one JSON object of plain values per line.",
            )
        else:
            bad = None
            problem = None
            if any(isinstance(v, (list, dict)) for v in record.values()):
                problem = "a value is a list or an object; every field must be a string, a number or null"
            elif any(isinstance(v, float) and not math.isfinite(v) for v in record.values()):
                problem = "a number is too large to be represented (it reads as infinity)"
            if problem:
                bad = CorpusFormatError(file, f"{problem}.", line=number, fix="Write one plain value per field.")
        if bad is not None:
            if errors == "raise":
                raise bad from None
            _record_skip(skipped, bad)
            continue
        record = {str(k).lower(): ("" if v is None else v) for k, v in record.items()}
        yield _Where(file, number), record


# ---------------------------------------------------------------------------- checking records


def _check_record(record: dict[str, Any], where: _Where) -> None:
    """Raise CorpusFormatError for the first problem of one document's fields.

    Metadata values (every field but ``text``) lose surrounding whitespace, as in
    the header format; ``text`` is kept exactly.
    """

    def fail(problem: str, fix: str) -> None:
        raise CorpusFormatError(where.source, problem, line=where.line, fix=fix)

    missing = [f for f in REQUIRED_FIELDS if f not in record]
    if missing:
        fail(*_missing_fields(missing, list(record), "document"))
    if "file" in record:
        fail(_FILE_RESERVED, _FILE_FIX)
    for key, value in record.items():
        if isinstance(value, bool):
            value = str(value).lower()
        elif not isinstance(value, str):
            value = "" if value is None else str(value)
        record[key] = value if key == "text" else value.strip()
    empty = [f for f in REQUIRED_FIELDS if f not in _MAY_BE_EMPTY and not record[f].strip()]
    if empty:
        fail(f"the field(s) {', '.join(map(repr, empty))} are empty.", "Fill them in.")
    for field, allowed in (("role", ROLES), ("genre", GENRES)):
        if record[field] not in allowed:
            fail(f"{field}={record[field]!r} is invalid.", f"Use one of {', '.join(allowed)}.")
    if not _COUNTRY.fullmatch(record["country"]):
        fail(
            f"country={record['country']!r} is not an ISO 3166-1 alpha-3 code.",
            "Use three capital letters, such as CHN, KOR or USA.",
        )
    date = record["date"]
    if date:
        if not _DATE.fullmatch(date) or not _is_calendar_day(date):
            fail(f"date={date!r} is not a date.", "Write it as YYYY-MM-DD, or leave it empty and give year.")
        if not DATE_MIN <= date <= DATE_MAX:
            fail(
                f"date={date!r} is outside the range of dates the docs frame stores (pandas' nanosecond "
                f"timestamps: {DATE_MIN} to {DATE_MAX}).",
                f"Leave date empty and give the year instead (year: {date[:4]}).",
            )
    year = record.get("year", "")
    if year and not (_YEAR.fullmatch(year) and 1 <= int(year) <= 9999):
        fail(f"year={year!r} is not a year.", "Write the year as a whole number from 1 to 9999, such as 2021.")
    if not date and not year:
        fail("neither date nor year is given.", "Give date as YYYY-MM-DD, or year as a number.")
    if date and year and int(year) != int(date[:4]):
        fail(f"year={year!r} does not agree with date={date!r}.", "Drop year; it is taken from date.")
    if year:
        record["year"] = int(year)
    else:
        record.pop("year", None)


def _is_calendar_day(date: str) -> bool:
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        return False
    return True


def _empty_docs() -> pd.DataFrame:
    return as_docs(pd.DataFrame({c: pd.Series(dtype="string") for c in REQUIRED_FIELDS}))
