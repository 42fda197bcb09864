"""The public UN corpora as docs frames: where they are, how to get them, how to read them.

Two public corpora serve as comparison material:

- **UNGDC**, the UN General Debate Corpus (Jankin, Baturo & Dasandi; Harvard
  Dataverse doi:10.7910/DVN/0TJX8Y, CC0): every speech of the General Debate
  since 1946, with a table of speakers and their posts.
- **UNSCon**, the UN Security Council Conflict Corpus (Zaczynska, Bourgonje &
  Stede, LREC-COLING 2024; github.com/linatal/UNSCon, CC BY-SA): 86 Security
  Council speeches of 2014 and 2016, annotated sentence by sentence for conflict.

Where the data is read from, in this order:

1. the ``path=`` argument of a loader;
2. ``$TOOLKIT_DATA/<name>/`` (``name`` is ``ungdc`` or ``unscon``), the upstream
   layout: ``ungdc/TXT/Session NN - YYYY/*.txt`` + ``ungdc/Speakers_by_session.xlsx``,
   ``unscon/conflict_annotations_sentences.csv`` + ``unscon/conflict_annotations.csv``;
3. the download cache ``cache_dir()/<name>/``, filled by :func:`fetch` (checksummed
   with pooch) on first use.

When none of them works (offline, no local copy) the loaders raise
:class:`~toolkit._validation.DataNotFoundError` saying what is missing and
where to get it. The download sources can be pointed elsewhere (a mirror, or a
test server) with ``$TOOLKIT_DATAVERSE_URL`` and ``$TOOLKIT_UNSCON_URL``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tarfile
import tempfile
import urllib.parse
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit._io import atomic_path, remove_stale_temps
from toolkit._validation import CorpusFormatError, DataNotFoundError, check_one_of, moved_names
from toolkit.paths import cache_dir, data_home
from toolkit.schema import DOC_COLUMNS, as_docs

__all__ = [
    "DATASETS",
    "POST_CORRECTIONS",
    "POST_ROLE_RULES",
    "available",
    "detokenize",
    "fetch",
    "load_ungdc",
    "load_unscon",
    "post_to_role",
    "unscon_sentences",
]


# --------------------------------------------------------------------------- sources

DATASETS: tuple[str, ...] = ("ungdc", "unscon")

UNGDC_DOI = "doi:10.7910/DVN/0TJX8Y"
UNGDC_LICENCE = "CC0-1.0"
#: Harvard Dataverse; ``$TOOLKIT_DATAVERSE_URL`` (or ``fetch(base_url=...)``) overrides it.
DATAVERSE_URL = "https://dataverse.harvard.edu"

UNSCON_COMMIT = "ecfa26dfe1af1eec2843004dfc6db16693a6b1c1"
UNSCON_REPO = "https://github.com/linatal/UNSCon"
UNSCON_SOURCE = f"{UNSCON_REPO} (commit {UNSCON_COMMIT[:7]})"
UNSCON_LICENCE = "CC-BY-SA-4.0"
#: Raw files of the pinned commit; ``$TOOLKIT_UNSCON_URL`` (or ``fetch(base_url=...)``) overrides it.
UNSCON_URL = f"https://raw.githubusercontent.com/linatal/UNSCon/{UNSCON_COMMIT}/data/"
#: The files of UNSCon and their known checksums (pooch ``known_hash`` strings).
UNSCON_REGISTRY: dict[str, str] = {
    "conflict_annotations_sentences.csv": "sha256:a99b1dee3b9be3e0baa06849920f9149944cbec3383c7a962ae91858e5e09836",
    "conflict_annotations.csv": "sha256:59f1c9ef6c4f994ced56f545303b498c94d5b462861539ca3907fac6f0dc88e7",
}

SPEAKERS_FILE = "Speakers_by_session.xlsx"
_UNGDC_ARCHIVE = re.compile(r"^UNGDC_.*\.(?:tgz|tar\.gz|zip)$", re.IGNORECASE)

_LAYOUT = {
    "ungdc": f"ungdc/TXT/Session NN - YYYY/<ISO3>_<session>_<year>.txt and ungdc/{SPEAKERS_FILE}",
    "unscon": "unscon/conflict_annotations_sentences.csv and unscon/conflict_annotations.csv",
}


def _dataverse_url(base_url: str | None = None) -> str:
    return (base_url or os.environ.get("TOOLKIT_DATAVERSE_URL", "").strip() or DATAVERSE_URL).rstrip("/")


def _unscon_url(base_url: str | None = None) -> str:
    url = base_url or os.environ.get("TOOLKIT_UNSCON_URL", "").strip() or UNSCON_URL
    return url if url.endswith("/") else url + "/"


def _source_description(name: str) -> str:
    if name == "ungdc":
        return f"Harvard Dataverse {UNGDC_DOI} (https://doi.org/10.7910/DVN/0TJX8Y)"
    return f"{UNSCON_REPO}, commit {UNSCON_COMMIT}, folder data/ ({_unscon_url()})"


# --------------------------------------------------------------------------- locating


def _is_complete(name: str, folder: Path) -> bool:
    """Whether ``folder`` holds a readable copy of data set ``name`` (no download)."""
    if not folder.is_dir():
        return False
    if name == "unscon":
        return all((folder / f).is_file() for f in UNSCON_REGISTRY)
    try:
        _ungdc_layout(folder)
    except DataNotFoundError:
        return False
    return True


def _locate(name: str, path: str | os.PathLike[str] | None) -> tuple[Path | None, str]:
    """Return (folder or file, origin) without downloading; (None, "missing") when absent."""
    if path is not None:
        return Path(path).expanduser(), "path"
    home = data_home()
    if home is not None and _is_complete(name, home / name):
        return home / name, "TOOLKIT_DATA"
    if _is_complete(name, cache_dir() / name):
        return cache_dir() / name, "cache"
    return None, "missing"


def _not_found_message(name: str, why: str) -> str:
    home = data_home()
    where = f"$TOOLKIT_DATA={home}" if home is not None else "$TOOLKIT_DATA is not set"
    return (
        f"The {name} corpus was not found ({where}; nothing in the cache {cache_dir() / name}) "
        f"and could not be downloaded: {why}. "
        f"Set TOOLKIT_DATA to a folder holding {_LAYOUT[name]} (the upstream layout), "
        f"pass path=..., or download it from {_source_description(name)} when online."
    )


def _resolve(name: str, path: str | os.PathLike[str] | None) -> Path:
    """The folder (or archive) to read ``name`` from, downloading into the cache if needed."""
    found, _ = _locate(name, path)
    if found is not None:
        if not found.exists():
            raise DataNotFoundError(f"path={str(found)!r} does not exist; pass the folder holding {_LAYOUT[name]}.")
        return found
    try:
        return fetch(name)
    except DataNotFoundError:
        raise
    except OSError as exc:  # connection refused, HTTP error, no route: requests errors are OSErrors
        raise DataNotFoundError(_not_found_message(name, f"{type(exc).__name__}: {exc}")) from exc


# --------------------------------------------------------------------------- downloading


def _checksum(path: Path, known_hash: str) -> str:
    """The checksum of ``path`` in the form of ``known_hash``: ``"<algorithm>:<hex>"`` (SHA-256 without a prefix)."""
    import pooch

    algorithm = known_hash.rpartition(":")[0].lower() or "sha256"
    return f"{algorithm}:{pooch.file_hash(str(path), alg=algorithm)}"


def _hash_matches(path: Path, known_hash: str | None) -> bool:
    return known_hash is None or _checksum(path, known_hash).split(":")[1] == known_hash.split(":")[-1].lower()


def _retrieve(url: str, known_hash: str | None, folder: Path, fname: str, *, force: bool) -> Path:
    """Download ``url`` to ``folder/fname``, checking ``known_hash``; keep a cached copy that matches it.

    The download goes to a hidden temporary file in ``folder`` and replaces
    ``folder/fname`` only once it is whole and its checksum matches
    (:func:`toolkit._io.atomic_path`): a failed, corrupt or killed download
    leaves the cache as it was, the previous copy included when ``force`` is
    true. Temporary files of killed downloads are removed first.
    """
    import pooch

    target = folder / fname
    if not force and target.is_file() and _hash_matches(target, known_hash):
        return target
    remove_stale_temps(folder, name=fname)
    with atomic_path(target) as tmp:
        pooch.HTTPDownloader(progressbar=False)(url, str(tmp), None)
        if not _hash_matches(tmp, known_hash):
            raise CorpusFormatError(
                url,
                f"checksum mismatch: expected {known_hash}, got {_checksum(tmp, str(known_hash))}.",
                fix="The download is corrupt or the upstream file changed; nothing was kept. "
                "Retry, or check the source.",
            )
    return target


def _fetch_unscon(folder: Path, *, force: bool, base_url: str | None) -> Path:
    base = _unscon_url(base_url)
    for fname, known_hash in UNSCON_REGISTRY.items():
        _retrieve(base + fname, known_hash, folder, fname, force=force)
    return folder


def _dataverse_files(server: str) -> list[dict[str, Any]]:
    """The ``dataFile`` records of the latest version of the UNGDC on a Dataverse server."""
    import pooch

    url = f"{server}/api/datasets/:persistentId/?persistentId={UNGDC_DOI}"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dataset.json"
        pooch.HTTPDownloader(progressbar=False)(url, str(out), None)
        try:
            meta = json.loads(out.read_text(encoding="utf-8"))
            return [f["dataFile"] for f in meta["data"]["latestVersion"]["files"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise CorpusFormatError(url, f"not a Dataverse dataset record ({exc!r}).") from exc


def _datafile_name(record: dict[str, Any]) -> str:
    # Dataverse ingests spreadsheets as tabular files: then ``filename`` is "*.tab" and the
    # upload's own name is ``originalFileName``.
    return str(record.get("originalFileName") or record.get("filename", ""))


def _datafile_hash(record: dict[str, Any], url: str) -> str:
    checksum = record.get("checksum") or {}
    if checksum.get("value"):
        return f"{str(checksum.get('type', 'MD5')).lower().replace('-', '')}:{checksum['value']}"
    if record.get("md5"):
        return f"md5:{record['md5']}"
    raise CorpusFormatError(url, f"the Dataverse record of {_datafile_name(record)!r} has no checksum.")


def _fetch_ungdc(folder: Path, *, force: bool, base_url: str | None) -> Path:
    server = _dataverse_url(base_url)
    records = _dataverse_files(server)
    archives = sorted((r for r in records if _UNGDC_ARCHIVE.match(_datafile_name(r))), key=_datafile_name)
    speakers = [r for r in records if _datafile_name(r) == SPEAKERS_FILE]
    if not archives or not speakers:
        names = ", ".join(sorted(_datafile_name(r) for r in records)) or "no files"
        raise CorpusFormatError(
            f"{server} {UNGDC_DOI}",
            f"the data set lists {names}; expected an UNGDC_*.tgz archive and {SPEAKERS_FILE}.",
        )
    for record in (archives[-1], speakers[0]):
        url = f"{server}/api/access/datafile/{record['id']}"
        if record.get("originalFileFormat"):
            url += "?format=original"
        _retrieve(url, _datafile_hash(record, url), folder, _datafile_name(record), force=force)
    return folder


def fetch(name: str, *, force: bool = False, base_url: str | None = None) -> Path:
    """Download a corpus into the cache, verify its checksums, and return its folder.

    UNSCon's two CSV files come from the pinned commit of its GitHub repository
    and are checked against the SHA-256 sums of :data:`UNSCON_REGISTRY`. The UNGDC
    comes from Harvard Dataverse: its file list is read from the Dataverse API,
    and the ``UNGDC_*.tgz`` text archive and ``Speakers_by_session.xlsx`` are
    downloaded and checked against the checksums the publisher lists there. The
    archive is kept as it is (not unpacked): :func:`load_ungdc` reads it directly.
    Files already in the cache with the right checksum are not downloaded again.

    Parameters
    ----------
    name : {"ungdc", "unscon"}
        The data set.
    force : bool, default False
        Delete the cached files first and download them again.
    base_url : str, optional
        Another server: the Dataverse base URL for ``ungdc`` (default
        ``$TOOLKIT_DATAVERSE_URL`` or :data:`DATAVERSE_URL`), or the folder URL of
        the UNSCon files (default ``$TOOLKIT_UNSCON_URL`` or :data:`UNSCON_URL`).

    Returns
    -------
    Path
        ``cache_dir() / name``.

    Raises
    ------
    ValueError
        ``name`` is not a known data set.
    CorpusFormatError
        A downloaded file does not match its checksum (nothing is kept), or the
        Dataverse record does not list the expected files.
    OSError
        The server cannot be reached (the loaders turn this into a
        ``DataNotFoundError`` that says where else the data can come from).
    """
    check_one_of("name", name, DATASETS)
    folder = cache_dir() / name
    folder.mkdir(parents=True, exist_ok=True)
    if name == "unscon":
        return _fetch_unscon(folder, force=force, base_url=base_url)
    return _fetch_ungdc(folder, force=force, base_url=base_url)


def available(*, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Say where each corpus would be read from, without downloading anything.

    Parameters
    ----------
    path : str or Path, optional
        A folder holding ``ungdc/`` and ``unscon/``, checked before
        ``$TOOLKIT_DATA`` and the cache (as ``load_comparison_corpus(path=...)`` does).

    Returns
    -------
    DataFrame
        One row per data set, with columns ``name`` (string), ``path`` (string,
        <NA> when missing) and ``origin`` (string: ``"path"``, ``"TOOLKIT_DATA"``,
        ``"cache"`` or ``"missing"``; ``missing`` means a loader would try to download).
    """
    rows = []
    for name in DATASETS:
        found: Path | None
        if path is not None and _is_complete(name, Path(path).expanduser() / name):
            found, origin = Path(path).expanduser() / name, "path"
        else:
            found, origin = _locate(name, None)
        rows.append({"name": name, "path": None if found is None else str(found), "origin": origin})
    return pd.DataFrame(rows).astype("string")


# --------------------------------------------------------------------------- UNGDC: roles

#: The tables of this module, as data (``toolkit/data/un_tables/``, each described with its sources in the
#: folder's README.md).
UN_TABLES: Path = Path(__file__).resolve().parent / "data" / "un_tables"


def _table(name: str) -> list[dict[str, str]]:
    """The rows of ``toolkit/data/un_tables/<name>.csv``, as dicts of str."""
    with open(UN_TABLES / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


#: Ordered rules mapping a speaker's ``post`` to a role; the first match wins
#: (``un_tables/post_role_rules.csv``: pattern, role and why, in order). Matched
#: case-insensitively on the post with whitespace stripped and collapsed. Deputies of
#: heads with no foreign-affairs portfolio match none and are "other": a deputy is not
#: the head of state or government (their ``post`` keeps the detail).
POST_ROLE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(row["pattern"], re.IGNORECASE), row["role"])
    for row in sorted(_table("post_role_rules"), key=lambda row: int(row["order"]))
)

_SPACES = re.compile(r"\s+")

#: Known errors of ``Speakers_by_session.xlsx``, corrected on loading: doc_id -> (post, evidence)
#: (``un_tables/post_corrections.csv``). The post as given upstream is kept in ``post_upstream``.
POST_CORRECTIONS: dict[str, tuple[str, str]] = {
    row["doc_id"]: (row["post"], row["evidence"]) for row in _table("post_corrections")
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
_SESSION_DIR = re.compile(r"^Session \d+ - \d{4}$")
#: Member paths of an archive under its TXT/ folder (at any depth), with at most one top-level folder.
_ARCHIVE_MEMBER = re.compile(r"^(?:[^/]+/)?(?P<rel>TXT/.+)$")
#: The one place of a speech file, said in errors and skip reports.
_SPEECH_PLACE = "TXT/Session NN - YYYY/<ISO3>_<session>_<year>.txt"
_ARCHIVE_SPEAKERS = re.compile(rf"^(?:[^/]+/)?{re.escape(SPEAKERS_FILE)}$")

#: Codes in Speakers_by_session.xlsx that differ from the file names' codes for the same
#: delegation (typos and older codes): the speaker table is joined on the file names' codes
#: (``un_tables/speaker_iso_fixes.csv``, with the delegation each stands for).
SPEAKER_ISO_FIXES: dict[str, str] = {
    row["code_in_speakers_table"]: row["code_in_file_names"] for row in _table("speaker_iso_fixes")
}

_UNGDC_COLUMNS = ("session", "post", "post_upstream", "country_name", "file")


def _is_archive(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".tgz", ".tar.gz", ".zip"))


def _ungdc_layout(root: Path) -> tuple[Path, Path | None]:
    """(texts, speakers) of a UNGDC copy: texts is a folder holding TXT/ or an archive.

    ``speakers`` is None when it must be read from inside the archive.
    """
    if root.is_file():
        if not _is_archive(root):
            raise DataNotFoundError(f"{root} is not a folder or a .tgz/.tar.gz/.zip archive of the UNGDC.")
        return root, (root.parent / SPEAKERS_FILE if (root.parent / SPEAKERS_FILE).is_file() else None)
    if not root.is_dir():
        raise DataNotFoundError(f"{root} does not exist; expected a folder holding {_LAYOUT['ungdc']}.")
    speakers = root / SPEAKERS_FILE
    if (root / "TXT").is_dir():
        texts = root
    else:
        archives = sorted(p for p in root.iterdir() if p.is_file() and _UNGDC_ARCHIVE.match(p.name))
        if not archives:
            raise DataNotFoundError(
                f"{root} has no TXT/ folder (nor an UNGDC_*.tgz archive); expected {_LAYOUT['ungdc']}."
            )
        texts = archives[-1]
        if not speakers.is_file():
            return texts, None
    if not speakers.is_file():
        raise DataNotFoundError(f"{root} has no {SPEAKERS_FILE}; expected {_LAYOUT['ungdc']}.")
    return texts, speakers


def _iter_folder(root: Path) -> Iterator[tuple[str, str, bytes | None]]:
    """(path relative to ``root``, where to find it, bytes) of every file under ``root/TXT``, at any depth.

    Links to folders are followed (each real folder read once); the bytes are None
    for an entry that is not a regular file (a broken link, a pipe) or a folder that
    cannot be read or was already read through another link, so that it is reported.
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
    entries = [(f, f.read_bytes() if f.is_file() else None) for f in files]
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
                    yield m["rel"], f"{path}/{info.filename}", zf.read(info)
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
    raise DataNotFoundError(f"{path} holds no {SPEAKERS_FILE} and there is none next to it.")


def _read_speech(rel: str, source: str, data: bytes | None) -> dict[str, Any]:
    """The record of one file under TXT/; a CorpusFormatError saying why it is not a speech."""
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
        raise DataNotFoundError(f"{texts} holds no speech files; expected {_LAYOUT['ungdc']}.")
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
UNSCON_COUNTRIES: dict[str, str] = {row["name_in_file_id"]: row["iso3"] for row in _table("unscon_countries")}

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
        raise DataNotFoundError(f"{root} has no conflict_annotations_sentences.csv; expected {_LAYOUT['unscon']}.")
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
    """One row per sentence, in speech order, with the parsed parts of ``file_id``."""
    rows = []
    for i, (file_id, offsets) in enumerate(zip(raw["file_id"], raw["sentence_char_offsets"])):
        m = _UNSCON_FILE_ID.match(urllib.parse.unquote(file_id))
        if m is None:
            raise CorpusFormatError(
                str(csv),
                f"file_id {file_id!r} of row {i + 2} does not match "
                "UNSC_<year>_SPV.<meeting>_spch<NNN>_<Country>_[neg_|pos_]<chunk>[_GD].txt.",
                line=i + 2,
            )
        start = _OFFSETS.match(offsets)
        if start is None:
            raise CorpusFormatError(
                str(csv),
                f"sentence_char_offsets {offsets!r} of row {i + 2} is not START-END.",
                line=i + 2,
            )
        name = _NAME_SUFFIX.sub("", m["name"]).replace("_", " ").lower()
        if name not in UNSCON_COUNTRIES:
            raise CorpusFormatError(
                str(csv),
                f"speaker {m['name']!r} of file_id {file_id!r} (row {i + 2}) is not a known delegation.",
                line=i + 2,
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
            f"file_id {raw.loc[i, 'file_id']!r} disagrees with filename {raw.loc[i, 'filename']!r} (row {i + 2}).",
            line=i + 2,
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


#: Names that moved to the study layer (:mod:`toolkit.study`); they still work, with a FutureWarning, until 0.3.
__getattr__ = moved_names(
    "toolkit.datasets",
    {
        name: f"toolkit.study:{name}"
        for name in (
            "COMPARISON_GROUPS",
            "PRC_FIRST_YEAR",
            "REFERENCE_COUNTRIES",
            "REFERENCE_SINCE",
            "comparison_groups",
            "load_comparison_corpus",
        )
    },
)
