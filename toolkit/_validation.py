"""Input checks shared by every module: one place that formats "value X is invalid; must be ...".

Every public function checks its arguments *before* doing work and raises a
:class:`ValueError` (or a subclass) that names the argument, the bad value and
what is allowed, so the caller knows what to change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["CorpusFormatError", "DataNotFoundError", "check_one_of", "check_columns"]


class CorpusFormatError(ValueError):
    """A corpus file (or row, or line) cannot be read as documents.

    The message names the file, the line or row when there is one, the problem
    and how to fix it. ``source``, ``line`` and ``problem`` are kept as
    attributes so a skip report can list them.
    """

    def __init__(self, source: str, problem: str, *, line: int | None = None, fix: str = "") -> None:
        self.source = str(source)
        self.line = line
        self.problem = problem
        self.fix = fix
        where = self.source if line is None else f"{self.source}, line {line}"
        msg = f"{where}: {problem}"
        if fix:
            msg += f" {fix}"
        super().__init__(msg)


class DataNotFoundError(FileNotFoundError):
    """A data set is neither at the given path, nor under $TOOLKIT_DATA, nor downloadable."""


def check_one_of(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``; else raise a ValueError that says so.

    >>> check_one_of("errors", "raise", ["raise", "skip"])
    'raise'
    >>> check_one_of("errors", "ignore", ["raise", "skip"])
    Traceback (most recent call last):
    ...
    ValueError: errors='ignore' is invalid; must be one of 'raise', 'skip'.
    """
    allowed = list(allowed)
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name}={value!r} is invalid; must be one of {choices}.")
    return value


def check_columns(frame: Any, required: Iterable[str], *, name: str = "docs") -> None:
    """Raise a ValueError naming the columns of ``required`` that ``frame`` lacks.

    >>> import pandas as pd
    >>> check_columns(pd.DataFrame({"doc_id": ["a"]}), ["doc_id", "text"])
    Traceback (most recent call last):
    ...
    ValueError: docs lacks the column(s) 'text'; it has 'doc_id'. Pass a docs frame from read_corpus() or a toolkit loader.
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}.")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        has = ", ".join(repr(c) for c in frame.columns)
        lacks = ", ".join(repr(c) for c in missing)
        raise ValueError(
            f"{name} lacks the column(s) {lacks}; it has {has}. "
            "Pass a docs frame from read_corpus() or a toolkit loader."
        )
