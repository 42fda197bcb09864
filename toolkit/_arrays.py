"""Small numpy helpers shared by the token table and the stance matcher."""

from __future__ import annotations

import numpy as np


def ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The concatenation of ``range(lo[k], hi[k])`` for every k, as int64."""
    n = hi - lo
    offsets = np.cumsum(n) - n
    return np.repeat(lo - offsets, n) + np.arange(int(n.sum()), dtype=np.int64)
