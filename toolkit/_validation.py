"""Input checks shared by every module: one place that formats "value X is invalid; must be ...".

Every public function checks its arguments *before* doing work and raises a
:class:`ValueError` (or a subclass) that names the argument, the bad value and
what is allowed, so the caller knows what to change.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import numpy as np

__all__ = ["CorpusFormatError", "DataNotFoundError", "check_columns", "check_one_of"]


class CorpusFormatError(ValueError):
    """A corpus file (or row, or line) cannot be read as documents.

    The message names the file, the line or row when there is one, the problem
    and how to fix it. ``source``, ``line`` and ``problem`` are kept as
    attributes so a skip report can list them.
    """

    def __init__(self, source: str | os.PathLike[str], problem: str, *, line: int | None = None, fix: str = "") -> None:
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
    """A data set is neither at the given path, nor under $TOOLKIT_DATA, nor downloadable.

    ``dataset`` names the data set ("ungdc", "unscon") when the error is about one as a whole (not found
    anywhere, not downloadable), so that a caller can stop asking for it; None otherwise.
    """

    def __init__(self, *args: object, dataset: str | None = None) -> None:
        super().__init__(*args)
        self.dataset = dataset


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


# ------------------------------------------------------------------ seeds, texts, ids, skip reports

__all__ += ["check_seed", "check_texts", "check_unique_ids", "warn_skipped"]

#: Seeds are what every seeded estimator of the stack takes (scikit-learn's ``random_state``,
#: numpy's legacy ``RandomState``): an int in [0, 2**32).
SEED_LIMIT = 2**32


def check_seed(name: str, value: Any, *, allow_none: bool = False) -> int | None:
    """Return ``value`` as an int if it is a seed, an integer in [0, 2**32); else raise a ValueError naming ``name``.

    The same range everywhere, so a seed that works for one function works for
    all (scikit-learn's ``random_state`` takes no more). ``allow_none`` lets None
    through, for functions where None means fresh entropy.

    >>> check_seed("seed", 7)
    7
    >>> check_seed("seed", 2**32)
    Traceback (most recent call last):
    ...
    ValueError: seed=4294967296 is invalid; must be an integer from 0 to 4294967295 (2**32 - 1).
    """
    import numpy as np

    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < SEED_LIMIT:
        none = " or None (fresh entropy)" if allow_none else ""
        raise ValueError(
            f"{name}={value!r} is invalid; must be an integer from 0 to {SEED_LIMIT - 1} (2**32 - 1){none}."
        )
    return int(value)


def check_texts(frame: Any, *, name: str = "docs", column: str = "text") -> None:
    """Raise a ValueError naming the documents whose ``column`` is missing (NA) or not a str.

    A number or bytes in a text column is a mistake to fix, not a text: ``str(5)``
    would count "5" as a word and ``str(b"...")`` the characters of its repr.

    >>> import pandas as pd
    >>> check_texts(pd.DataFrame({"doc_id": ["a", "b"], "text": ["We agree.", 5]}))
    Traceback (most recent call last):
    ...
    ValueError: docs: the text of doc_id 'b' is a int (5), not a str; fix the row, or convert the column with docs['text'].astype(str) if the values are meant as text.
    """
    import pandas as pd

    values = frame[column]
    missing = values.isna().to_numpy()
    ids = frame["doc_id"] if "doc_id" in frame.columns else pd.Series(frame.index, index=frame.index)
    if missing.any():
        bad = ", ".join(repr(str(d)) for d in ids[missing][:5])
        more = f" and {int(missing.sum()) - 5} more" if missing.sum() > 5 else ""
        raise ValueError(
            f"{name}: {column} is missing (NA) for doc_id {bad}{more}; drop these rows or fill "
            f"their {column} (an empty string is a valid text)."
        )
    if isinstance(values.dtype, pd.StringDtype):
        return
    for doc_id, value in zip(ids, values):
        if not isinstance(value, str):
            raise ValueError(
                f"{name}: the {column} of doc_id {str(doc_id)!r} is a {type(value).__name__} ({value!r:.40}), "
                f"not a str; fix the row, or convert the column with {name}[{column!r}].astype(str) if the "
                "values are meant as text."
            )


def check_unique_ids(frame: Any, *, name: str = "docs", column: str = "doc_id") -> None:
    """Raise a ValueError naming the first missing or duplicated id of ``frame[column]`` and its rows.

    Ids are compared as strings (1 and "1" are the same id), as the functions
    that join on them compare them. Rows are named by their index labels.

    >>> import pandas as pd
    >>> check_unique_ids(pd.DataFrame({"doc_id": ["a", "b", "a"], "text": ["x", "y", "z"]}))
    Traceback (most recent call last):
    ...
    ValueError: docs: doc_id 'a' is on more than one row (index 0, 2); ids tie results (matches, segments, rates) to their document, so each must be unique. Drop the duplicates (docs.drop_duplicates('doc_id')) or give them distinct ids.
    """
    values = frame[column]
    missing = values.isna().to_numpy()
    if missing.any():
        rows = ", ".join(repr(r) for r in frame.index[missing][:5])
        raise ValueError(
            f"{name}: {column} is missing (NA) on row(s) with index {rows}; every document needs "
            "an id. Fill them in, or drop these rows."
        )
    ids = values.astype(str)
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        first = ids[dup].iloc[0]
        rows = frame.index[(ids == first).to_numpy()]
        shown = ", ".join(repr(r) for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
        raise ValueError(
            f"{name}: {column} {first!r} is on more than one row (index {shown}); ids tie results "
            f"(matches, segments, rates) to their document, so each must be unique. Drop the duplicates "
            f"({name}.drop_duplicates({column!r})) or give them distinct ids."
        )


def check_count(name: str, value: object, minimum: int) -> int:
    """``value`` as an int if it is an integer of at least ``minimum`` (resamples, permutations); else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name}={value!r} is invalid; must be an integer >= {minimum}.")
    return int(value)


def check_confidence(value: object, *, name: str = "confidence") -> float:
    """``value`` as a float if it is a confidence level in (0, 1); else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not 0 < value < 1:
        raise ValueError(f"{name}={value!r} is invalid; must be a number in (0, 1), e.g. 0.95.")
    return float(value)


def warn_skipped(function: str, skipped: Iterable[dict], *, stacklevel: int = 3) -> None:
    """Warn that ``function`` left documents out, naming the first few and why; nothing when none.

    Each entry of ``skipped`` is a dict with at least ``doc_id`` and ``problem``;
    the caller also puts the list in its result's ``attrs["skipped"]``.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_skipped("f", [{"doc_id": "a", "problem": "it has no tokens"}])
    >>> print(caught[0].message)
    f left out 1 document(s): 'a' (it has no tokens). They are listed in the result's attrs['skipped'].
    """
    import warnings

    skipped = list(skipped)
    if not skipped:
        return
    shown = "; ".join(f"{str(s['doc_id'])!r} ({s['problem']})" for s in skipped[:5])
    more = f"; and {len(skipped) - 5} more" if len(skipped) > 5 else ""
    warnings.warn(
        f"{function} left out {len(skipped)} document(s): {shown}{more}. They are listed in the "
        "result's attrs['skipped'].",
        UserWarning,
        stacklevel=stacklevel,
    )


_F = TypeVar("_F", bound=Callable[..., Any])


def renamed_parameters(**renames: str) -> Callable[[_F], _F]:
    """Let a function take the former names of its keyword parameters for one release.

    ``@renamed_parameters(n_boot="n_resamples")``: a call with ``n_boot=...`` is passed on as
    ``n_resamples=...`` with a ``FutureWarning`` naming the new name; a call with both raises a
    ``TypeError``. The signature shown (``inspect``, the API reference) is the new one.
    """

    def decorate(func: _F) -> _F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    raise TypeError(
                        f"{func.__name__}() got {old}= and {new}=, two names of one parameter; pass {new}= only."
                    )
                warnings.warn(
                    f"{func.__name__}({old}=...) is deprecated and will be removed in 0.3; use {new}=.",
                    FutureWarning,
                    stacklevel=2,
                )
                kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def moved_names(module: str, moves: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that still gives names that moved elsewhere, for one release.

    ``moves`` maps a former name of ``module`` to its new home, ``"package.module:name"``. Reading
    the former name warns (``FutureWarning``, naming the new place) and returns the object from
    there, imported only then: the library does not import the study layer unless a caller asks
    for one of its former names.
    """

    def __getattr__(name: str) -> Any:
        if name not in moves:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        where, _, new = moves[name].partition(":")
        warnings.warn(
            f"{module}.{name} is deprecated and will be removed in 0.3; use {where}.{new}.",
            FutureWarning,
            stacklevel=2,
        )
        import importlib

        return getattr(importlib.import_module(where), new)

    return __getattr__
