"""Group keys: the groups a ``by`` argument makes of a docs frame, shared by every measure that reports by group.

:func:`groups` checks the ``by`` columns and gives each row its group; :class:`Groups` keeps each key as
columns of its own, with the values and dtypes of the frame (never a joined label), missing values one group.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit._validation import check_columns

__all__ = ["Groups", "groups"]


@dataclass(frozen=True)
class Groups:
    """The groups of a docs frame: their keys as columns, and the group of each row.

    ``keys`` has one row per group, in sorted order (by the first ``by`` column,
    then the next; missing values last), and one column per ``by`` column, with
    the values and dtype of ``docs``; for ``by=None`` one column ``group``
    holding ``"all"``. ``codes[i]`` is the row of ``keys`` of docs row ``i``.
    """

    keys: pd.DataFrame
    codes: np.ndarray

    @property
    def columns(self) -> list[str]:
        return list(self.keys.columns)

    def __len__(self) -> int:
        return len(self.keys)

    def key(self, k: int | np.integer) -> object:
        """The key of group ``k`` as pandas' groupby gives it: a value for one column, a tuple for several."""
        values = tuple(_scalar(self.keys[c].iloc[k]) for c in self.keys.columns)
        return values[0] if len(values) == 1 else values

    def record(self, k: int) -> dict[str, object]:
        """Column -> value of group ``k`` (for the dicts of ``attrs["skipped"]``)."""
        return {c: _scalar(self.keys[c].iloc[k]) for c in self.keys.columns}

    def take(self, rows: np.ndarray) -> pd.DataFrame:
        """The key columns repeated for the group indices ``rows``, with a fresh 0..n-1 index."""
        return self.keys.take(np.asarray(rows, dtype=np.int64)).reset_index(drop=True)

    def find(self, value: object, *, name: str, by: object) -> int:
        """The index of the group whose key is ``value`` (a value, or a tuple for several columns).

        A value matches a column's value when they are equal, when both are
        missing, or when ``value`` is the str of the column's value (``"2016"``
        for the integer year 2016).
        """
        n = self.keys.shape[1]
        parts = tuple(value) if isinstance(value, tuple) else (value,)
        if len(parts) != n:
            raise ValueError(
                f"{name}={value!r} is invalid; by={by!r} names {n} column(s), so a group is "
                + ("a tuple of " + str(n) + " values." if n > 1 else "one value, not a tuple.")
            )
        for loose in (False, True):  # equal values first; the str of a value only when nothing is equal
            hits = np.ones(len(self.keys), dtype=bool)
            for column, part in zip(self.keys.columns, parts):
                hits &= _matches_value(self.keys[column], part, loose=loose)
            found = np.flatnonzero(hits)
            if len(found):
                break
        if len(found) != 1:
            listed = ", ".join(repr(self.key(k)) for k in range(min(len(self.keys), 20)))
            more = f" and {len(self.keys) - 20} more" if len(self.keys) > 20 else ""
            raise ValueError(f"{name}={value!r} is not a group; the groups of by={by!r} are {listed}{more}.")
        return int(found[0])


def groups(
    docs: pd.DataFrame, by: str | Sequence[str] | None, *, reserved: Iterable[str] = (), once: bool = True
) -> Groups:
    """The groups of ``docs`` by the ``by`` columns, each key kept as a column (see :class:`Groups`).

    Checks ``docs`` has ``doc_id``, ``text`` and the ``by`` columns, that no
    column is named twice and none is one of ``reserved`` (the other columns of
    the caller's result). Missing values (None, NaN, NA) of a column make one
    group of their own; distinct values never merge, whatever they hold, and two
    that are written the same (1 and "1") are a ValueError naming the column. A
    doc_id on two rows of one group (counted twice there) is a ValueError; one in
    two groups is each group's (but in a segments frame, whose rows are stretches,
    or with ``once=False``: rows that are not documents, as the group keys alone).
    """
    check_columns(docs, ["doc_id", "text"])
    if by is None:
        keys = pd.DataFrame({"group": pd.array(["all"] if len(docs) else [], dtype="string")})
        zeros = np.zeros(len(docs), dtype=np.int64)
        if once and "segment_id" not in docs.columns:
            _check_once_per_group(docs, zeros, keys)
        return Groups(keys, zeros)
    if not isinstance(by, (str, Sequence)):
        raise TypeError(f"by={by!r} is invalid; must be a column name (str), a list of them, or None.")
    columns = [by] if isinstance(by, str) else list(by)
    if not columns:
        raise ValueError("by=[] is invalid; name one or more columns, or pass None for one group.")
    bad = [c for c in columns if not isinstance(c, str)]
    if bad:
        raise ValueError(f"by={by!r} is invalid; name the columns by their names (str), not {bad[0]!r}.")
    twice = [c for c in dict.fromkeys(columns) if columns.count(c) > 1]
    if twice:
        raise ValueError(f"by={by!r} is invalid; it names {twice[0]!r} more than once.")
    check_columns(docs, columns)
    clash = [c for c in columns if c in set(reserved)]
    if clash:
        raise ValueError(
            f"by={by!r} is invalid; {clash[0]!r} is also a column of the result "
            f"({', '.join(map(repr, reserved))}). Rename that docs column before grouping by it."
        )
    if not len(docs):
        return Groups(docs[columns].iloc[:0].reset_index(drop=True), np.zeros(0, dtype=np.int64))
    stacked = np.column_stack([_sorted_codes(docs[c]) for c in columns])
    _, first, codes = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
    keys = docs[columns].iloc[first].reset_index(drop=True)
    for c in columns:  # two groups a table or a CSV file would write the same
        values = keys[c].dropna().drop_duplicates().tolist()
        text = [str(v) for v in values]
        if len(set(text)) < len(text):
            same = next(t for t in text if text.count(t) > 1)
            a, b = [v for v, t in zip(values, text, strict=True) if t == same][:2]
            raise ValueError(
                f"by column {c!r} holds {a!r} ({type(a).__name__}) and {b!r} ({type(b).__name__}): two groups "
                f"written the same, {str(a)!r}. Make the column one type first, e.g. docs[{c!r}] = "
                f"docs[{c!r}].astype(str)."
            )
    codes = np.asarray(codes, dtype=np.int64).reshape(-1)
    if once and "segment_id" not in docs.columns:  # (a segments frame has a row per stretch of a document)
        _check_once_per_group(docs, codes, keys)
    return Groups(keys, codes)


def _check_once_per_group(docs: pd.DataFrame, codes: np.ndarray, keys: pd.DataFrame) -> None:
    """A ValueError naming a document on two rows of one group, which would count it twice there (a document
    in two groups is each group's: compare_groups warns of one on both sides of a comparison)."""
    pairs = pd.DataFrame({"doc_id": docs["doc_id"].astype(str).to_numpy(), "group": codes})
    twice = pairs.duplicated(keep=False).to_numpy()
    if twice.any():
        first = pairs.loc[twice].iloc[0]
        rows = [repr(r) for r in docs.index[twice & (pairs["doc_id"] == first["doc_id"]).to_numpy()][:5]]
        where = "" if keys.columns.tolist() == ["group"] else f" of the group {tuple(keys.iloc[first['group']])!r}"
        raise ValueError(
            f"docs: doc_id {first['doc_id']!r} is on more than one row{where} (index {', '.join(rows)}): it would "
            "be counted twice. Drop the duplicates (docs.drop_duplicates('doc_id')) or give them distinct ids."
        )


def _sorted_codes(values: pd.Series) -> np.ndarray:
    """Integer codes of a column's values, in the values' sorted order, missing values last (one code)."""
    try:
        codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    except TypeError:  # values that do not compare (str and int in one object column): sort by their text
        codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
        order = np.argsort(np.array([f"{type(u).__name__}\x00{u}" for u in uniques], dtype=object), kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        codes = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
    codes = np.asarray(codes, dtype=np.int64)
    return np.where(codes < 0, len(uniques), codes)


def _matches_value(column: pd.Series, value: object, *, loose: bool) -> np.ndarray:
    """Which entries of ``column`` are ``value``: equal, or both missing; ``loose``: or ``value`` is the entry's str."""
    missing = column.isna().to_numpy()
    if value is None or (not isinstance(value, (str, tuple)) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return missing
    out = np.zeros(len(column), dtype=bool)
    for i, v in enumerate(column.tolist()):
        if missing[i]:
            continue
        try:
            same = bool(v == value)
        except (TypeError, ValueError):
            same = False
        out[i] = same or (loose and isinstance(value, str) and not isinstance(v, str) and str(v) == value)
    return out


def _scalar(value: object) -> object:
    """A numpy scalar as the Python one (``np.int64(2016)`` -> 2016); other values as they are."""
    return value.item() if isinstance(value, np.generic) else value
