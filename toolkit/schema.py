"""The docs frame: the one table every loader returns and every analysis takes.

One row per document. The columns, in this order, always present:

=========  ===================  =====================================================
column     dtype                meaning
=========  ===================  =====================================================
doc_id     string               unique id of the document within the corpus
text       string               the full text (UTF-8, as written)
speaker    string (nullable)    who said or wrote it; <NA> when unknown
role       category (ROLES)     the speaker's role when speaking
country    string (nullable)    ISO 3166-1 alpha-3 code of the speaker's state
venue      string               where or to whom it was said: a country code,
                                ``UNSC``, ``UNGA``, or an outlet
date       datetime64[ns]       day it was said; NaT when only the year is known
year       Int64                calendar year (from ``date``, or given)
genre      category (GENRES)    interview, speech, press_conference, statement, op_ed
source     string               where the text comes from (URL, DOI, file)
licence    string               the licence or terms it is used under
=========  ===================  =====================================================

Loaders may add further columns after these (``session``, ``post``, ``meeting``...).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from toolkit._validation import check_columns

__all__ = ["DATE_MAX", "DATE_MIN", "DOC_COLUMNS", "GENRES", "REQUIRED_FIELDS", "ROLES", "as_docs"]

ROLES: tuple[str, ...] = (
    "ambassador",
    "permanent_representative",
    "foreign_minister",
    "head_of_state_or_government",
    "spokesperson",
    "journalist",
    "other",
)
GENRES: tuple[str, ...] = ("interview", "speech", "press_conference", "statement", "op_ed")

DOC_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "text",
    "speaker",
    "role",
    "country",
    "venue",
    "date",
    "year",
    "genre",
    "source",
    "licence",
)
#: Fields every document must state (``year`` is derived from ``date`` when absent).
REQUIRED_FIELDS: tuple[str, ...] = tuple(c for c in DOC_COLUMNS if c != "year")

#: The first and last whole days a ``datetime64[ns]`` column holds (pandas' nanosecond bounds). An older or
#: later statement is stored with its ``year`` and an empty ``date``.
DATE_MIN, DATE_MAX = "1677-09-22", "2262-04-11"

_YEAR = re.compile(r"[0-9]{1,4}")

_STRING_COLUMNS = ("doc_id", "text", "speaker", "country", "venue", "source", "licence")


def as_docs(data: pd.DataFrame | Iterable[Mapping[str, Any]], *, name: str = "docs") -> pd.DataFrame:
    """Return ``data`` as a docs frame with the fixed columns and dtypes, after checking it.

    Parameters
    ----------
    data : DataFrame or iterable of mappings
        One row (or mapping) per document with at least the fields of
        ``REQUIRED_FIELDS``; ``year`` is filled from ``date`` when missing.
        Extra columns are kept after the standard ones.
    name : str
        How to call the input in error messages.

    Returns
    -------
    DataFrame
        The columns of ``DOC_COLUMNS`` with the dtypes of the module table, then
        any extra columns, on a fresh ``RangeIndex``.

    Raises
    ------
    ValueError
        A required column is missing, a ``doc_id`` is empty or duplicated, a
        ``role`` or ``genre`` is not one of the allowed values, a ``date``
        cannot be read as a date or has a time zone, or ``year`` and ``date`` disagree.

    Examples
    --------
    >>> docs = as_docs([{"doc_id": "d1", "text": "We firmly oppose it.", "speaker": "A",
    ...     "role": "ambassador", "country": "CHN", "venue": "KOR", "date": "2021-02-05",
    ...     "genre": "interview", "source": "example", "licence": "CC0"}])
    >>> docs.loc[0, "role"], int(docs.loc[0, "year"])
    ('ambassador', 2021)
    >>> str(docs["date"].dtype)
    'datetime64[ns]'
    """
    frame = data.copy() if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
    if "year" not in frame.columns:
        frame["year"] = pd.NA
    check_columns(frame, REQUIRED_FIELDS, name=name)
    frame = frame.reset_index(drop=True)

    for col in _STRING_COLUMNS:
        frame[col] = frame[col].astype("string")
    # an empty speaker is an unknown one
    frame["speaker"] = frame["speaker"].mask(frame["speaker"].str.strip() == "", pd.NA)
    ids = frame["doc_id"]
    empty = ids.isna() | (ids.str.strip() == "")
    if empty.any():
        rows = ", ".join(str(i) for i in frame.index[empty][:5])
        raise ValueError(f"{name}: doc_id is empty in row(s) {rows}; give every document a unique doc_id.")
    dup = ids.duplicated(keep=False)
    if dup.any():
        first = ids[dup].iloc[0]
        rows = ", ".join(str(i) for i in frame.index[ids == first])
        raise ValueError(f"{name}: doc_id {first!r} is duplicated (rows {rows}); every document needs a unique doc_id.")
    for col, allowed in (("role", ROLES), ("genre", GENRES)):
        bad = ~frame[col].isin(allowed)
        if bad.any():
            i = frame.index[bad][0]
            raise ValueError(
                f"{name}: {col}={frame.loc[i, col]!r} of doc_id {frame.loc[i, 'doc_id']!r} is invalid; "
                f"must be one of {', '.join(repr(a) for a in allowed)}."
            )
        frame[col] = pd.Categorical(frame[col], categories=list(allowed))
    frame["date"] = _parse_dates(frame, name)
    year = _parse_years(frame, name)
    from_date = pd.array(frame["date"].dt.year, dtype="Int64")
    clash = pd.Series(year).notna() & pd.Series(from_date).notna() & (pd.Series(year) != pd.Series(from_date))
    if clash.any():
        i = frame.index[clash.to_numpy(dtype=bool)][0]
        raise ValueError(
            f"{name}: year={year[i]} and date={frame.loc[i, 'date'].date()} of doc_id {frame.loc[i, 'doc_id']!r} "
            "disagree; correct one of them, or leave the year empty to take it from the date."
        )
    frame["year"] = pd.Series(year).fillna(pd.Series(from_date)).astype("Int64")
    extras = [c for c in frame.columns if c not in DOC_COLUMNS]
    return frame[list(DOC_COLUMNS) + extras]


def _parse_years(frame: pd.DataFrame, name: str) -> pd.arrays.IntegerArray:
    """The ``year`` column as Int64: whole numbers from 1 to 9999 (int, integral float or ASCII digits), or NA."""
    raw = frame["year"]
    if pd.api.types.is_integer_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        years = pd.array(raw, dtype="Int64")  # the fast path: one check over the column
        bad = pd.Series(years).notna() & ~pd.Series(years).between(1, 9999)
        if not bad.any():
            return years
    values = []
    for i, value in zip(frame.index, frame["year"]):
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value == "":
            values.append(pd.NA)
            continue
        year = None
        if (isinstance(value, (int, np.integer)) and not isinstance(value, bool)) or (
            isinstance(value, (float, np.floating)) and float(value).is_integer()
        ):
            year = int(value)
        elif isinstance(value, str) and _YEAR.fullmatch(value.strip()):
            year = int(value.strip())
        if year is None or not 1 <= year <= 9999:
            raise ValueError(
                f"{name}: year={value!r} of doc_id {frame.loc[i, 'doc_id']!r} is not a year; "
                "write it as a whole number from 1 to 9999, such as 2021."
            )
        values.append(year)
    return pd.array(values, dtype="Int64")


def _parse_dates(frame: pd.DataFrame, name: str) -> pd.Series:
    raw = frame["date"]
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        raise ValueError(
            f"{name}: date has a time zone ({raw.dtype.tz}); a document's date is a calendar day. Convert to "
            "the day where the statement was made, e.g. docs['date'] = docs['date'].dt.tz_localize(None)."
        )
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = raw
    else:
        text = raw.astype("string").str.strip()
        text = text.mask(text == "", pd.NA)
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        bad = text.notna() & parsed.isna()
        if bad.any():
            i = frame.index[bad][0]
            raise ValueError(
                f"{name}: date={text[i]!r} of doc_id {frame.loc[i, 'doc_id']!r} is not a date; "
                "write it as YYYY-MM-DD, or leave it empty and give the year."
            )
    out = (parsed < pd.Timestamp(DATE_MIN)) | (parsed > pd.Timestamp(DATE_MAX) + pd.Timedelta(days=1))
    if out.any():
        i = frame.index[out.to_numpy(dtype=bool)][0]
        raise ValueError(
            f"{name}: date={parsed[i].date()} of doc_id {frame.loc[i, 'doc_id']!r} is outside the dates a "
            f"docs frame stores (datetime64[ns]: {DATE_MIN} to {DATE_MAX}); leave date empty and give the year "
            f"({parsed[i].year})."
        )
    return parsed.astype("datetime64[ns]")
