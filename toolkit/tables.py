"""Tables that read the same on every machine: rounding, writing and comparing them.

The same code on another CPU or BLAS build changes results in their 13th to
16th significant digit. Rounded to :data:`TABLE_DIGITS` (10), a table reads the
same on every machine but for a value that falls on a rounding boundary, which
is why :func:`compare_tables` compares numbers within :data:`TABLE_RTOL`. The
figures of :mod:`toolkit.study.figures` and the command line's ``--csv`` tables
are written by :func:`write_table`.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from toolkit._io import atomic_write

__all__ = [
    "TABLE_ATOL",
    "TABLE_DIGITS",
    "TABLE_RTOL",
    "compare_tables",
    "format_float",
    "round_table",
    "write_table",
]

#: Significant digits of every float in a figure's table, as written (CSV) and as drawn. Far more than
#: a figure or a reader needs, and few enough that the differences between CPUs and BLAS builds (in the
#: 13th to 16th digit) do not reach the files.
TABLE_DIGITS: int = 10
#: Relative tolerance of :func:`compare_tables` for the numbers of a table: a value rounded to 10 digits
#: on another machine may differ in its last digit (when the unrounded one sits near a rounding boundary),
#: a relative difference of up to 1e-9; a real change of a result is far larger.
TABLE_RTOL: float = 1e-6
#: Absolute floor of that tolerance, for values near 0: a zero computed as a sum of terms that cancel
#: comes out as +-1e-17 or so, whose relative difference means nothing.
TABLE_ATOL: float = 1e-12


def round_table(table: pd.DataFrame, digits: int = TABLE_DIGITS) -> pd.DataFrame:
    """Round every float column of ``table`` to ``digits`` significant digits, as the figures are written.

    Each value becomes the float nearest to its decimal rounding (``f"{x:.{digits}g}"``);
    ``-0.0`` becomes ``0.0``; NaN and infinities are kept. Columns of other
    types are left as they are; a float column comes back as ``float64``.
    Rounding again changes nothing.

    Parameters
    ----------
    table : DataFrame
        Any table.
    digits : int, default :data:`TABLE_DIGITS`
        Significant digits kept, 1 to 17.

    Returns
    -------
    DataFrame
        A copy of ``table`` with the same columns, index and order.

    Raises
    ------
    ValueError
        ``digits`` is not an integer from 1 to 17.

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["a", "b", "c"], "n": [1, 2, 3],
    ...                   "mean": [0.24444807338858177, -0.0, float("nan")]})
    >>> rounded = round_table(t)
    >>> rounded["mean"].tolist()
    [0.2444480734, 0.0, nan]
    >>> rounded["n"].dtype.name, round_table(rounded).equals(rounded)
    ('int64', True)
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(
            f"digits={digits!r} is invalid; must be an integer from 1 to 17 (significant digits "
            f"kept; the figures use TABLE_DIGITS = {TABLE_DIGITS})."
        )
    rounded = table.copy()
    for position, dtype in enumerate(table.dtypes):
        if pd.api.types.is_float_dtype(dtype):
            values = table.iloc[:, position].to_numpy(dtype="float64", na_value=float("nan"))
            rounded.isetitem(
                position,
                pd.Series([_round_float(x, digits) for x in values.tolist()], index=table.index, dtype="float64"),
            )
    return rounded


def _round_float(x: float, digits: int = TABLE_DIGITS) -> float:
    """``x`` rounded to ``digits`` significant digits (correctly, in decimal); -0.0 as 0.0, NaN and inf kept."""
    if not math.isfinite(x):
        return x
    return float(f"{x:.{digits}g}") + 0.0  # + 0.0 turns -0.0 into 0.0


def format_float(x: float) -> str:
    """How a float is written in a table (CSV): rounded to TABLE_DIGITS, then its shortest exact form.

    Python's ``repr`` of a float is the shortest string that reads back as the same
    float, the same on every platform; for a value rounded to 10 digits it has
    at most 10. Whole numbers keep their ``.0`` (``7.0``), so a float column
    reads back as floats.
    """
    return repr(_round_float(float(x)))


#: A number as the tables write it: a whole number, or a float (decimal point, exponent, inf or nan).
_INTEGER = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|nan)")


def compare_tables(old: Path, new: Path, *, rtol: float = TABLE_RTOL, atol: float = TABLE_ATOL) -> tuple[str, str]:
    """Compare two tables written by :func:`write_table`: ``("same", detail)`` or ``("differs", where and how)``.

    The tables are the same when they have the same columns in the same order and
    the same number of rows, and every cell is the same: text and whole numbers
    (counts, years) exactly, and floats within ``|a - b| <= max(rtol * max(|a|, |b|), atol)``
    (:func:`math.isclose`). A float never matches a whole number (the column
    changed type), and an empty cell (NaN) matches only an empty cell. Where they
    differ, ``detail`` names the number of cells that differ and the first of them
    by row (counted from 1 below the header, with the values of its first
    columns) and column, with both values.

    Parameters
    ----------
    old, new : Path
        The committed table and the one just made (CSV files).
    rtol : float, default :data:`TABLE_RTOL`
        Largest relative difference accepted between two floats.
    atol : float, default :data:`TABLE_ATOL`
        Absolute difference always accepted, for values near 0.

    Returns
    -------
    tuple of (str, str)
        ``status`` ("same" or "differs") and ``detail``.
    """
    if old.read_bytes() == new.read_bytes():
        return "same", ""
    tables = []
    for label, path in (("committed", old), ("new", new)):
        try:  # every cell as its text: no number is parsed before it is compared
            tables.append(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as err:  # pandas' ParserError and EmptyDataError are ValueErrors
            return "differs", f"the {label} table {path} cannot be read as CSV: {err}"
    a, b = tables
    if list(a.columns) != list(b.columns):
        return "differs", f"columns: committed {list(a.columns)}, now {list(b.columns)}"
    if len(a) != len(b):
        return "differs", f"committed {len(a)} rows, now {len(b)}"
    bad, close = [], 0  # (row, column position, committed, now) of every cell that differs; cells within tolerance
    for position in range(a.shape[1]):
        x, y = a.iloc[:, position].to_numpy(), b.iloc[:, position].to_numpy()
        for row in (x != y).nonzero()[0]:
            if _cells_agree(x[row], y[row], rtol=rtol, atol=atol):
                close += 1
            else:
                bad.append((int(row), position, x[row], y[row]))
    if not bad:
        return "same", (
            f"{close} number(s) differ within rtol {rtol:g}, atol {atol:g}"
            if close
            else "the same cells (the files differ in quoting or line ends)"
        )
    row, position, x, y = min(bad)
    keys = ", ".join(f"{c}={v!r}" for c, v in zip(a.columns[: min(position, 3)], a.iloc[row, :3]))
    where = f"row {row + 1}" + (f" ({keys})" if keys else "")
    return "differs", (
        f"{len(bad)} cell(s) differ beyond rtol {rtol:g}, atol {atol:g}; first: {where}, "
        f"column {a.columns[position]!r}: committed {x!r}, now {y!r}"
    )


def _cells_agree(x: str, y: str, *, rtol: float, atol: float) -> bool:
    """Two cells' texts agree: the same text, or two floats within tolerance (whole numbers only exactly)."""
    if x == y:
        return True
    if not (_FLOAT.fullmatch(x) and _FLOAT.fullmatch(y)):
        return False  # text, or an empty cell (NaN) against a number
    whole = bool(_INTEGER.fullmatch(x)), bool(_INTEGER.fullmatch(y))
    if any(whole):  # counts and years exactly; a whole number against a float is a column that changed type
        return all(whole) and int(x) == int(y)
    return math.isclose(float(x), float(y), rel_tol=rtol, abs_tol=atol)


def write_table(table: pd.DataFrame, path: str | Path) -> None:
    """Write ``table`` as CSV to ``path``, whole or not at all, its floats rounded by :func:`round_table`.

    Floats are written in their shortest exact form after rounding (:func:`format_float`),
    NaN as an empty cell, lines ended by ``\\n``, in UTF-8, without the index: the
    same numbers give the same bytes on every machine. The file is written to a
    hidden temporary file beside ``path`` and renamed onto it.

    Parameters
    ----------
    table : DataFrame
        Any table.
    path : str or Path
        The CSV file to write; its folder must exist.
    """
    with atomic_write(Path(path), "w", encoding="utf-8", newline="") as handle:
        round_table(table).to_csv(handle, index=False, lineterminator="\n", float_format=format_float, na_rep="")
