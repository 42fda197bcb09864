"""Where the UN corpora are: their sources, a local copy or the download cache, and fetching them."""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit._io import atomic_path, remove_stale_temps
from toolkit._validation import CorpusFormatError, DataNotFoundError, check_one_of
from toolkit.paths import cache_dir, data_home

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
    if home is not None and not home.is_absolute():  # a notebook's kernel runs in notebooks/, not where it was set
        where += (
            f", a relative path, read from the current folder {Path.cwd()} (a notebook's kernel runs in the "
            "notebook's folder); set it to an absolute path"
        )
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
            raise DataNotFoundError(
                f"path={str(found)!r} does not exist; pass the folder holding {_LAYOUT[name]}.", dataset=name
            )
        return found
    try:
        return fetch(name)
    except DataNotFoundError:
        raise
    except OSError as exc:  # connection refused, HTTP error, no route: requests errors are OSErrors
        raise DataNotFoundError(_not_found_message(name, f"{type(exc).__name__}: {exc}"), dataset=name) from exc


def _is_archive(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".tgz", ".tar.gz", ".zip"))


def _ungdc_layout(root: Path) -> tuple[Path, Path | None]:
    """(texts, speakers) of a UNGDC copy: texts is a folder holding TXT/ or an archive.

    ``speakers`` is None when it must be read from inside the archive.
    """
    if root.is_file():
        if not _is_archive(root):
            raise DataNotFoundError(
                f"{root} is not a folder or a .tgz/.tar.gz/.zip archive of the UNGDC.", dataset="ungdc"
            )
        return root, (root.parent / SPEAKERS_FILE if (root.parent / SPEAKERS_FILE).is_file() else None)
    if not root.is_dir():
        raise DataNotFoundError(
            f"{root} does not exist; expected a folder holding {_LAYOUT['ungdc']}.", dataset="ungdc"
        )
    speakers = root / SPEAKERS_FILE
    if (root / "TXT").is_dir():
        texts = root
    else:
        archives = sorted(p for p in root.iterdir() if p.is_file() and _UNGDC_ARCHIVE.match(p.name))
        if not archives:
            raise DataNotFoundError(
                f"{root} has no TXT/ folder (nor an UNGDC_*.tgz archive); expected {_LAYOUT['ungdc']}.",
                dataset="ungdc",
            )
        texts = archives[-1]
        if not speakers.is_file():
            return texts, None
    if not speakers.is_file():
        raise DataNotFoundError(f"{root} has no {SPEAKERS_FILE}; expected {_LAYOUT['ungdc']}.", dataset="ungdc")
    return texts, speakers


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


#: The UN tables of the loaders, as data (``toolkit/data/un_tables/``, each described with its sources in the
#: folder's README.md).
UN_TABLES: Path = Path(__file__).resolve().parent.parent / "data" / "un_tables"


def un_table(name: str) -> list[dict[str, str]]:
    """The rows of ``toolkit/data/un_tables/<name>.csv``, as dicts of str."""
    with open(UN_TABLES / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
