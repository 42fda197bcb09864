"""Writing files whole: every file the toolkit writes appears complete or not at all.

A file is written to a temporary file in the same folder, named
``.<name>.<pid>.<random>.tmp`` (hidden, and recognisable as ours), flushed to
disk, and then renamed onto its target with :func:`os.replace`, which replaces
the target in one step. A reader, or a run killed half-way, sees the old file
or the new one, never a part of either. A failure while writing removes the
temporary file and leaves the old file as it was; a run killed outright (SIGKILL,
power loss) can leave the temporary file behind, which :func:`remove_stale_temps`
clears on the next run.
"""

from __future__ import annotations

import codecs
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from toolkit._validation import CorpusFormatError, check_one_of

__all__ = ["TEMP_NAME", "atomic_path", "atomic_write", "read_text", "remove_stale_temps"]

#: The name of a temporary file: ``.<target name>.<pid of the writer>.<8 hex digits>.tmp``.
TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.(?P<token>[0-9a-f]{8})\.tmp$")

#: A temporary file older than this (seconds) is stale even if a process with its writer's id
#: runs (the id may have been reused, or the file come from another machine sharing the folder).
STALE_AFTER = 3600.0


def _temp_name(target: Path) -> str:
    return f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"


def _create_temp(target: Path) -> Path:
    """Create an empty temporary file beside ``target``, with the permissions a new file gets (umask)."""
    for _ in range(100):
        tmp = target.with_name(_temp_name(target))
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover - 32 random bits taken already
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"could not create a temporary file beside {target}.")  # pragma: no cover


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows cannot open folders)."""
    if os.name != "posix":  # pragma: no cover
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends, move it onto ``path`` in one step.

    Write the whole file to the yielded path (it exists, empty). On leaving the
    block without an exception, the file is flushed to disk and renamed onto
    ``path`` with :func:`os.replace`; a file already at ``path`` keeps its
    permissions. On an exception (KeyboardInterrupt included) the temporary file
    is removed, ``path`` is left as it was and the exception propagates.

    The temporary file has no suffix of its own: a writer that guesses the
    format from the name (matplotlib's ``savefig``) must be told it
    (``format="png"``).

    Parameters
    ----------
    path : str or Path
        The file to write. Its folder must exist.

    Yields
    ------
    Path
        ``<folder>/.<name>.<pid>.<random>.tmp`` (see :data:`TEMP_NAME`).

    Raises
    ------
    FileNotFoundError
        The folder of ``path`` does not exist.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "table.csv"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("a,b\\n1,2\\n")
    >>> target.read_text()
    'a,b\\n1,2\\n'
    >>> sorted(p.name for p in target.parent.iterdir())
    ['table.csv']
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(f"{target.parent} does not exist; create the folder before writing {target.name}.")
    tmp = _create_temp(target)
    try:
        yield tmp
        _fsync_file(tmp)
        with suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(tmp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(target.parent)


@contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "w", *, encoding: str | None = None, newline: str | None = None
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; when the block ends, move it onto ``path``.

    As :func:`atomic_path`, but yields the open file.

    Parameters
    ----------
    path : str or Path
        The file to write. Its folder must exist.
    mode : {"w", "wt", "wb"}, default "w"
        Text or binary.
    encoding, newline : str, optional
        As for :func:`open`, text mode only (``encoding`` defaults to UTF-8 there).

    Yields
    ------
    file object
        Open for writing; closed by the context manager.

    Raises
    ------
    ValueError
        ``mode`` is not a writing mode listed above.

    Examples
    --------
    >>> import json, tempfile
    >>> target = Path(tempfile.mkdtemp()) / "manifest.json"
    >>> with atomic_write(target) as fh:
    ...     json.dump({"a": 1}, fh)
    >>> json.loads(target.read_text())
    {'a': 1}
    """
    check_one_of("mode", mode, ["w", "wt", "wb"])
    if "b" not in mode and encoding is None:
        encoding = "utf-8"
    with atomic_path(path) as tmp, open(tmp, mode, encoding=encoding, newline=newline) as handle:
        yield handle


def _writer_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) would end the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    except OSError:  # pragma: no cover
        return True
    return True


def remove_stale_temps(folder: str | os.PathLike[str], *, name: str | None = None) -> list[Path]:
    """Remove the temporary files that killed runs of :func:`atomic_path` left in ``folder``.

    Only files named as :data:`TEMP_NAME` are considered, and of those only the
    ones whose writer no longer runs (its process id, in the name, is gone) or
    that are older than an hour, so that a run writing into the same folder at
    the same moment keeps its own.

    Parameters
    ----------
    folder : str or Path
        The folder to clean; nothing happens when it does not exist.
    name : str, optional
        Only the temporary files of this target (e.g. ``"manifest.json"``).

    Returns
    -------
    list of Path
        The files removed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    now = time.time()
    for entry in sorted(folder.iterdir()):
        m = TEMP_NAME.match(entry.name)
        if m is None or (name is not None and m["name"] != name) or not entry.is_file():
            continue
        try:
            old = now - entry.stat().st_mtime > STALE_AFTER
        except FileNotFoundError:  # its writer just finished
            continue
        if old or not _writer_alive(int(m["pid"])):
            with suppress(FileNotFoundError):
                entry.unlink()
                removed.append(entry)
    return removed


def read_text(file: Path) -> str:
    """The text of ``file``, UTF-8 (a byte-order mark dropped, line endings kept as written); a CorpusFormatError
    naming the file for an empty one, UTF-16 or UTF-32 (a byte-order mark says so), a NUL byte anywhere (binary,
    or a text that would carry it into every measure) and bytes that are not UTF-8."""
    data = file.read_bytes()
    if not data.strip():
        raise CorpusFormatError(file, "is empty.", fix="Remove it or write the document into it.")
    for mark, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if data.startswith(mark):
            raise CorpusFormatError(
                file,
                f"is {name} text (it starts with the byte-order mark {mark.hex(' ').upper()}), not UTF-8.",
                fix=f"Re-save it as UTF-8 (e.g. iconv -f {name} -t UTF-8 FILE > NEW; Excel: 'CSV UTF-8').",
            )
    if b"\x00" in data:
        at = data.index(b"\x00")
        raise CorpusFormatError(
            file,
            f"is a binary file (it contains NUL bytes, the first at offset {at}), not text.",
            line=data[:at].count(b"\n") + 1,
            fix="Remove it from the corpus folder, or export it as UTF-8 text.",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise CorpusFormatError(
            file,
            f"is not valid UTF-8 (byte {data[err.start]:#04x} at offset {err.start}).",
            line=line,
            fix="Re-save the file with UTF-8 encoding.",
        ) from None
