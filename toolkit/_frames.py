"""One builder for the typed frames that the modules return from lists of row tuples."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def frame_from_rows(rows: Sequence[tuple], columns: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Build a frame from row tuples, with the given (name, dtype) columns, also when there are no rows.

    ``dtype`` is "string" (pandas' nullable string) or a numpy dtype name such as "int64".

    >>> frame_from_rows([("a", 1)], [("doc_id", "string"), ("start", "int64")]).dtypes.astype(str).tolist()
    ['string', 'int64']
    >>> len(frame_from_rows([], [("doc_id", "string")]))
    0
    """
    cols = list(zip(*rows)) if rows else [()] * len(columns)
    return pd.DataFrame(
        {
            name: pd.array(values, dtype="string") if dtype == "string" else np.asarray(values, dtype=dtype)
            for (name, dtype), values in zip(columns, cols)
        }
    )


def take_strings(values: Sequence[str] | np.ndarray, index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``pd.array([values[i] for i in index], dtype="string")``, built without a Python string per row where
    pandas keeps its "string" dtype in pyarrow (pyarrow's ``take`` over the distinct values).

    >>> take_strings(["a", "bb"], np.array([1, 0, 1])).tolist()
    ['bb', 'a', 'bb']
    """
    dtype = pd.StringDtype()
    if dtype.storage == "pyarrow" and len(index):
        import pyarrow as pa

        distinct = pa.array(list(values), type=pa.large_string())
        return pd.arrays.ArrowStringArray(distinct.take(pa.array(np.asarray(index, dtype=np.int64))))
    return pd.array(np.asarray(values, dtype=object)[index] if len(index) else [], dtype="string")
