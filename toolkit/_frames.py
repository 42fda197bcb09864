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
