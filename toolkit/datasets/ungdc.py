"""The UN General Debate Corpus (UNGDC) as a docs frame, and speakers' posts as roles."""

from __future__ import annotations

import io
import os
import re
import stat
import tarfile
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit._validation import CorpusFormatError, DataNotFoundError, check_one_of
from toolkit.datasets._sources import (
    _LAYOUT,
    SPEAKERS_FILE,
    UNGDC_DOI,
    UNGDC_LICENCE,
    _resolve,
    _ungdc_layout,
    un_table,
)
from toolkit.schema import DOC_COLUMNS, as_docs

# --------------------------------------------------------------------------- UNGDC: roles

#: Ordered rules mapping a speaker's ``post`` to a role; the first match wins
#: (``un_tables/post_role_rules.csv``: pattern, role and why, in order). Matched
#: case-insensitively on the post with whitespace stripped and collapsed. Deputies of
#: heads with no foreign-affairs portfolio match none and are "other": a deputy is not
#: the head of state or government (their ``post`` keeps the detail).
POST_ROLE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(row["pattern"], re.IGNORECASE), row["role"])
    for row in sorted(un_table("post_role_rules"), key=lambda row: int(row["order"]))
)

_SPACES = re.compile(r"\s+")

#: Known errors of ``Speakers_by_session.xlsx``, corrected on loading: doc_id -> (post, evidence)
#: (``un_tables/post_corrections.csv``). The post as given upstream is kept in ``post_upstream``.
POST_CORRECTIONS: dict[str, tuple[str, str]] = {
    row["doc_id"]: (row["post"], row["evidence"]) for row in un_table("post_corrections")
}


def post_to_role(post: str | None) -> str:
    """Map a General Debate speaker's post to a role of ``toolkit.schema.ROLES``.

    The rules of :data:`POST_ROLE_RULES` are tried in order; the first that
    matches decides. Judgement calls, so that readers can disagree knowingly:

    ===============================================  ================================
    post (examples)                                  role
    ===============================================  ================================
    Personal Representative of the Head of State,    other (speaks for another office)
    Special Envoy of the Prime Minister
    Permanent Representative, UN Representative,     permanent_representative
    Ambassador
    Chair of (the) Delegation, Head of Delegation,   permanent_representative: at the
    Delegation                                       General Debate these are almost
                                                     always the permanent representative,
                                                     but the post does not say so
    President, Prime Minister, King, Emir, Head of   head_of_state_or_government
    State/Government, Chancellor, Premier, Crown
    Prince, Chairman of the Presidency/Council of
    Ministers, Junta
    Prime Minister and Minister for Foreign Affairs  head_of_state_or_government (the
                                                     higher office wins)
    Minister for Foreign Affairs (also "Foregn"),    foreign_minister
    External Affairs/Relations, Secretary of State,
    Secretary for Relations with States
    Deputy/Vice Minister for Foreign Affairs         foreign_minister (the office they
                                                     deputise for)
    Deputy Prime Minister (and) Minister for         foreign_minister (the portfolio
    Foreign Affairs, Vice-President and Minister     they hold)
    for Foreign Affairs
    Vice-President, Deputy Prime Minister alone      other: a deputy is not the head of
                                                     state or government; filter on
                                                     ``post`` to group them otherwise
    other ministers, "Minister of State",            other
    "Chairman", "Not indicated", missing, empty
    ===============================================  ================================

    Parameters
    ----------
    post : str or None
        The post as written in ``Speakers_by_session.xlsx``.

    Returns
    -------
    str
        A role; ``"other"`` when the post is missing or matches no rule.

    Examples
    --------
    >>> post_to_role("Minister for Foregn Affairs")
    'foreign_minister'
    >>> post_to_role("Prime Minister and Minister for Foreign Affairs")
    'head_of_state_or_government'
    >>> post_to_role("Chair of the delegation"), post_to_role(None)
    ('permanent_representative', 'other')
    """
    if post is None or post is pd.NA or (isinstance(post, float) and np.isnan(post)):
        return "other"
    text = _SPACES.sub(" ", str(post)).strip()
    for pattern, role in POST_ROLE_RULES:
        if pattern.search(text):
            return role
    return "other"


# --------------------------------------------------------------------------- UNGDC: reading

_SPEECH_FILE = re.compile(r"^(?P<iso>[A-Z][A-Z0-9]{1,3})_(?P<session>\d{1,3})_(?P<year>\d{4})\.txt$")
_SESSION_DIR = re.compile(r"^Session (\d+) - (\d{4})$")
#: Member paths of an archive under its TXT/ folder (at any depth), with at most one top-level folder.
_ARCHIVE_MEMBER = re.compile(r"^(?:[^/]+/)?(?P<rel>TXT/.+)$")
#: The one place of a speech file, said in errors and skip reports.
_SPEECH_PLACE = "TXT/Session NN - YYYY/<ISO3>_<session>_<year>.txt"
_ARCHIVE_SPEAKERS = re.compile(rf"^(?:[^/]+/)?{re.escape(SPEAKERS_FILE)}$")

#: Codes in Speakers_by_session.xlsx that differ from the file names' codes for the same
#: delegation (typos and older codes): the speaker table is joined on the file names' codes
#: (``un_tables/speaker_iso_fixes.csv``, with the delegation each stands for).
SPEAKER_ISO_FIXES: dict[str, str] = {
    row["code_in_speakers_table"]: row["code_in_file_names"] for row in un_table("speaker_iso_fixes")
}

_UNGDC_COLUMNS = ("session", "post", "post_upstream", "country_name", "file")


class _LinkTo(str):
    """In place of a file's bytes: the file is a link to another file of the tree (this path), read there."""


def _iter_folder(root: Path) -> Iterator[tuple[str, str, bytes | _LinkTo | None]]:
    """(path relative to ``root``, where to find it, bytes) of every file under ``root/TXT``, at any depth.

    Links to folders are followed (each real folder read once); the bytes are None
    for an entry that is not a regular file (a broken link, a pipe) or a folder that
    cannot be read or was already read through another link, so that it is reported;
    a link to another file of the tree gives that file's path (:class:`_LinkTo`), reported
    too: a speech has one file. A link out of the tree (git-annex's) is read.
    """
    txt = root / "TXT"
    files: list[Path] = []
    seen: set[str] = set()
    unreadable: list[Path] = []
    for folder, dirs, names in os.walk(
        txt, followlinks=True, onerror=lambda err: unreadable.append(Path(err.filename))
    ):
        real = os.path.realpath(folder)
        if real in seen:  # a link back to a folder already walked: report it, do not loop
            dirs[:] = []
            unreadable.append(Path(folder))
            continue
        seen.add(real)
        dirs.sort()
        files.extend(Path(folder, name) for name in names)
    links = {f for f in files if f.is_symlink()}
    read_there: dict[str, Path] = {}  # a linked file's real path -> the file of the tree that is it, not a link
    if links:
        read_there = {os.path.realpath(f): f for f in files if f not in links}
    entries: list[tuple[Path, bytes | _LinkTo | None]] = []
    for f in files:
        target = read_there.get(os.path.realpath(f)) if f in links else None
        if target is not None:  # RUS_70_2015.txt -> CHN_70_2015.txt: not China's speech under Russia's name
            entries.append((f, _LinkTo(target.relative_to(root).as_posix())))
        else:
            entries.append((f, f.read_bytes() if f.is_file() else None))
    entries += [(f, None) for f in unreadable]
    for file, data in sorted(entries, key=lambda e: e[0].relative_to(txt).parts):
        yield file.relative_to(root).as_posix(), str(file), data


def _iter_archive(path: Path) -> Iterator[tuple[str, str, bytes | None]]:
    """As :func:`_iter_folder`, for the members under ``TXT/`` of an archive (one top folder allowed).

    Every member under ``TXT/`` but folders is yielded: hard links are read through
    their target; a symbolic link or a device yields None, so that it is reported.
    """
    if path.name.lower().endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                m = _ARCHIVE_MEMBER.match(info.filename)
                if m and not info.is_dir():
                    # the Unix file type where the archive kept one (0: made elsewhere, a plain file): a symbolic
                    # link (`zip -y`) holds its target's path, not a speech
                    kind = (info.external_attr >> 16) & 0o170000
                    data = zf.read(info) if kind in (0, stat.S_IFREG) else None
                    yield m["rel"], f"{path}/{info.filename}", data
        return
    with tarfile.open(path, "r:*") as tf:
        for member in tf:
            name = member.name.removeprefix("./")
            m = _ARCHIVE_MEMBER.match(name)
            if not m or member.isdir():
                continue
            data = None
            if member.isfile() or member.islnk():
                try:
                    handle = tf.extractfile(member)  # resolves a hard link to its target's data
                except KeyError:  # a hard link whose target is not in the archive
                    handle = None
                data = handle.read() if handle is not None else None
            yield m["rel"], f"{path}/{name}", data


def _archive_speakers(path: Path) -> bytes:
    if path.name.lower().endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if _ARCHIVE_SPEAKERS.match(name):
                    return zf.read(name)
    else:
        with tarfile.open(path, "r:*") as tf:
            for member in tf:
                if member.isfile() and _ARCHIVE_SPEAKERS.match(member.name.removeprefix("./")):
                    handle = tf.extractfile(member)
                    if handle is not None:
                        return handle.read()
    raise DataNotFoundError(f"{path} holds no {SPEAKERS_FILE} and there is none next to it.", dataset="ungdc")


def _read_speech(rel: str, source: str, data: bytes | _LinkTo | None) -> dict[str, Any]:
    """The record of one file under TXT/; a CorpusFormatError saying why it is not a speech."""
    if isinstance(data, _LinkTo):
        raise CorpusFormatError(
            source,
            f"is a link to {data}, which is read there: one speech's text under a second name.",
            fix="Remove the link; each speech has a file of its own.",
        )
    if data is None:
        raise CorpusFormatError(
            source, "is not a regular file (a broken link?).", fix="Remove it, or put the speech file there."
        )
    if b"\x00" in data:
        raise CorpusFormatError(
            source, "contains NUL bytes (binary, not text).", fix="It is not a speech: remove it from TXT/."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusFormatError(
            source,
            f"not UTF-8 (byte {exc.start}).",
            fix="Re-save it as UTF-8, or remove it from TXT/ if it is not a speech.",
        ) from None
    text = text.removeprefix("\ufeff")  # a byte-order mark is not part of the speech (as utf-8-sig)
    parts = rel.split("/")  # "TXT", ..., file name
    fname = parts[-1]
    m = _SPEECH_FILE.match(fname)
    move = f"Move it into its session folder as {_SPEECH_PLACE}, or remove it if it is not a speech."
    if len(parts) == 2:
        raise CorpusFormatError(
            source, f"is directly under TXT/, not in a session folder; expected {_SPEECH_PLACE}.", fix=move
        )
    if len(parts) > 3:
        raise CorpusFormatError(
            source, f"is in a folder below the session folder {parts[1]!r}; expected {_SPEECH_PLACE}.", fix=move
        )
    if not _SESSION_DIR.match(parts[1]):
        raise CorpusFormatError(
            source, f"is in the folder {parts[1]!r}, not a session folder; expected {_SPEECH_PLACE}.", fix=move
        )
    if m is None:
        raise CorpusFormatError(
            source,
            f"name is not {_SPEECH_PLACE}.",
            fix="Rename it if it is a speech (e.g. USA_70_2015.txt), or remove it.",
        )
    if not text.strip():
        raise CorpusFormatError(source, "is empty.", fix="Remove it, or put the speech's text in it.")
    iso, session, year = m["iso"], int(m["session"]), int(m["year"])
    folder = _SESSION_DIR.match(parts[1])
    # the name, its folder and the calendar agree (session 1 met in 1946): else the speech is misfiled or misnamed
    # and its year or session would be wrong in every table by year
    if year != session + 1945 or folder is None or (int(folder[1]), int(folder[2])) != (session, year):
        raise CorpusFormatError(
            source,
            f"names session {session} of {year}, in the folder {parts[1]!r}; session N met in 1945 + N, and a "
            "speech's folder is its session's.",
            fix=f"Rename it or move it into its session folder ({_SPEECH_PLACE}).",
        )
    return {
        "doc_id": f"UNGDC_{iso}_{session}_{year}",
        "text": text,
        "country": iso,
        "year": year,
        "session": session,
        "file": rel,
    }


def _read_speakers(data: Path | bytes) -> pd.DataFrame:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    raw = pd.read_excel(source, dtype=str)
    need = ["Year", "Session", "ISO Code", "Country", "Name of Person Speaking", "Post"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise CorpusFormatError(SPEAKERS_FILE, f"lacks the column(s) {missing}; it has {list(raw.columns)}.")
    out = pd.DataFrame(
        {
            "country": raw["ISO Code"].str.strip().replace(SPEAKER_ISO_FIXES),
            "session": pd.to_numeric(raw["Session"], errors="coerce").astype("Int64"),
            "year": pd.to_numeric(raw["Year"], errors="coerce").astype("Int64"),
            "country_name": raw["Country"].str.strip(),
            "speaker": raw["Name of Person Speaking"].str.strip(),
            "post": raw["Post"].str.replace(r"\s+", " ", regex=True).str.strip(),
        }
    )
    for col in ("country_name", "speaker", "post", "country"):
        out[col] = out[col].astype("string").mask(lambda s: s == "", pd.NA)
    return out


def load_ungdc(path: str | os.PathLike[str] | None = None, *, errors: str = "skip") -> pd.DataFrame:
    """Load every speech of the UN General Debate Corpus (1946-) as a docs frame.

    Each ``TXT/Session NN - YYYY/<ISO3>_<session>_<year>.txt`` file is one
    speech, decoded as strict UTF-8 (a leading byte-order mark, which 2,936
    files of the shared copy have, is dropped as by ``utf-8-sig``). Its speaker and post come from
    ``Speakers_by_session.xlsx``, joined on (country code, session) after fixing
    the table's few deviant codes (:data:`SPEAKER_ISO_FIXES`); in the shared copy
    session and year always agree (year = session + 1945), so joining on the year
    matches the same rows. A speech with no row keeps speaker and post <NA> and
    role ``"other"``; where the table has two rows for one speech the first is
    used. The role comes from the post by :func:`post_to_role`.

    Every file under ``TXT/``, at any depth, is a speech or is accounted for.
    A file that is not a speech (NUL bytes, not UTF-8, empty, a name not in the
    pattern: e.g. ``.DS_Store-to-UTF-8.txt`` or ``.Rhistory``; or out of place:
    directly under ``TXT/``, in a folder that is not a session's, or in a folder
    below a session's) raises with ``errors="raise"``, and with ``errors="skip"``
    is listed in ``attrs["skipped"]`` and counted in a warning, so that
    ``len(docs) + len(docs.attrs["skipped"]) == docs.attrs["n_files"]``. Files
    beside ``TXT/`` (the speaker table, read-me files) are not speeches and are
    not counted.

    Parameters
    ----------
    path : str or Path, optional
        A folder holding ``TXT/`` and ``Speakers_by_session.xlsx``, or a
        ``.tgz``/``.tar.gz``/``.zip`` archive of that layout (possibly inside one
        top-level folder), read without unpacking; a folder holding such an
        ``UNGDC_*`` archive (and the xlsx) works too. Default:
        ``$TOOLKIT_DATA/ungdc``, else the download cache (see :func:`fetch`).
    errors : {"skip", "raise"}, default "skip"
        As in :func:`toolkit.corpus.read_corpus`: ``"raise"`` stops at the first
        file under ``TXT/`` that is not a speech, naming it, what was expected and
        the fix; ``"skip"`` leaves it out, lists it and warns. The default differs
        from ``read_corpus``'s because the published corpus itself holds five
        such files (``.Rhistory`` and the like).

    Returns
    -------
    DataFrame
        A docs frame (see ``toolkit.schema``), one row per speech, sorted by
        session then file name:

        - ``doc_id`` (string): ``UNGDC_<ISO3>_<session>_<year>``;
        - ``text`` (string): the file's text as written, without a leading
          byte-order mark;
        - ``speaker`` (string): "Name of Person Speaking", <NA> when unknown;
        - ``role`` (category): from the post, see :func:`post_to_role`;
        - ``country`` (string): the code of the file name, as upstream; mostly
          ISO 3166-1 alpha-3, but also codes of bodies and former states
          (``EU``, ``YUG``, ``CSK``, ``YMD``, ``DDR``...), kept as given;
        - ``venue`` (string): ``"UNGA"``; ``date`` (datetime64[ns]): NaT;
          ``year`` (Int64): from the file name; ``genre`` (category): ``"speech"``;
          ``source`` (string): ``"doi:10.7910/DVN/0TJX8Y"``;
          ``licence`` (string): ``"CC0-1.0"``;
        - ``session`` (Int64): the General Assembly session;
        - ``post`` (string): the speaker's post as upstream (whitespace
          collapsed), <NA> when unknown, corrected where :data:`POST_CORRECTIONS`
          lists a known error;
        - ``post_upstream`` (string): the post exactly as the table gives it;
        - ``country_name`` (string): the country's name in the speaker table
          (stripped), <NA> when the speech has no row;
        - ``file`` (string): the file's path relative to the corpus folder.

        ``attrs``: ``"skipped"`` (list of dicts, as ``read_corpus``'s: ``source``
        (str, the file: its path, or the archive's path then the member's),
        ``line`` (None), ``problem`` (str, what is wrong and how to fix it);
        empty when none), ``"n_files"``
        (int, every file under ``TXT/``), ``"unmatched_speakers"`` (list of
        ``{"country", "session", "year", "country_name"}``: table rows with no
        file; no document is made for them), ``"duplicate_speaker_rows"`` (int).

    Raises
    ------
    DataNotFoundError
        No copy at ``path``/``$TOOLKIT_DATA``/cache and none can be downloaded, or
        the folder lacks ``TXT/`` or ``Speakers_by_session.xlsx`` (named).
    CorpusFormatError
        (a ValueError) with ``errors="raise"``: a file under ``TXT/`` is not a
        speech (named, with what was expected and how to fix it).
    ValueError
        ``errors`` is not "skip" or "raise"; two files make the same ``doc_id``,
        or the speaker table lacks a column.
    """
    check_one_of("errors", errors, ["skip", "raise"])
    texts, speakers_path = _ungdc_layout(_resolve("ungdc", path))
    reader = _iter_folder(texts) if texts.is_dir() else _iter_archive(texts)
    records: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    skipped_files: list[str] = []
    n_files = 0
    for rel, source, data in reader:
        n_files += 1
        try:
            records.append(_read_speech(rel, source, data))
        except CorpusFormatError as err:
            if errors == "raise":
                raise CorpusFormatError(
                    err.source,
                    err.problem,
                    fix=f"{err.fix} Or pass errors='skip' to leave out, and list, every file that is not a speech.",
                ) from None
            skipped.append({"source": err.source, "line": None, "problem": str(err)})
            skipped_files.append(rel)
    if not records:
        raise DataNotFoundError(f"{texts} holds no speech files; expected {_LAYOUT['ungdc']}.", dataset="ungdc")
    speeches = pd.DataFrame.from_records(records)
    speeches["session"] = speeches["session"].astype("Int64")
    speakers = _read_speakers(speakers_path if speakers_path is not None else _archive_speakers(texts))

    key = ["country", "session"]
    duplicated = speakers.duplicated(key)
    table = speakers[~duplicated].drop(columns="year")
    docs = speeches.merge(table, on=key, how="left", validate="many_to_one")
    has_file = speakers.set_index(key).index.isin(speeches.set_index(key).index)
    unmatched = speakers.loc[~has_file, ["country", "session", "year", "country_name"]]

    docs["post_upstream"] = docs["post"]
    for doc_id, (post, _evidence) in POST_CORRECTIONS.items():
        docs.loc[docs["doc_id"] == doc_id, "post"] = post
    docs["role"] = [post_to_role(p) for p in docs["post"].tolist()]
    docs["venue"] = "UNGA"
    docs["date"] = pd.Series(pd.NaT, index=docs.index, dtype="datetime64[ns]")
    docs["genre"] = "speech"
    docs["source"] = UNGDC_DOI
    docs["licence"] = UNGDC_LICENCE
    docs = docs.sort_values(["session", "file"], kind="stable")
    docs = as_docs(docs[[*DOC_COLUMNS, *_UNGDC_COLUMNS]], name="UNGDC")
    for col in ("post", "post_upstream", "country_name", "file"):
        docs[col] = docs[col].astype("string")

    docs.attrs["skipped"] = skipped
    docs.attrs["n_files"] = n_files
    docs.attrs["unmatched_speakers"] = [
        {k: (None if pd.isna(v) else (int(v) if k in ("session", "year") else str(v))) for k, v in row.items()}
        for row in unmatched.to_dict("records")
    ]
    docs.attrs["duplicate_speaker_rows"] = int(duplicated.sum())
    if skipped:
        names = ", ".join(skipped_files[:10])
        more = f" and {len(skipped) - 10} more" if len(skipped) > 10 else ""
        warnings.warn(
            f"load_ungdc skipped {len(skipped)} of {n_files} files under TXT/ that are not speeches: "
            f"{names}{more}. See docs.attrs['skipped'] for the reasons.",
            UserWarning,
            stacklevel=2,
        )
    return docs
