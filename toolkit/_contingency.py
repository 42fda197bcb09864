"""The 2 x 2 contingency statistics shared by keyness and collocations."""

from __future__ import annotations

import numpy as np


def two_by_two(
    a: np.ndarray, b: np.ndarray, n_t: int | np.ndarray, n_r: int | np.ndarray, *, measure: str, correction: str
) -> np.ndarray:
    """G2 or chi-squared of the 2 x 2 tables [[a, b], [n_t - a, n_r - b]], vectorised, unsigned.

    With fixed margins every cell deviates from its expected count by the same
    ``d = (a n_r - b n_t) / N`` (signs +, -, -, +), so the statistic is computed
    from ``d`` and ``E``: chi2 = sum d^2 / E, and G2 = 2 sum [O ln(O/E) - (O - E)]
    (the added terms sum to 0) with ``ln(O/E) = log1p((O - E)/E)``. That keeps
    full precision in the big "other words" cells of corpora of 10^8 tokens,
    where ``O ln(O/E)`` taken directly loses about seven digits. Yates's
    correction shrinks ``|d|`` by 0.5, never below 0 (as scipy does).
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n_t = np.asarray(n_t, dtype=float)
    n_r = np.asarray(n_r, dtype=float)
    n = n_t + n_r
    row1, row2 = a + b, n - a - b
    expected = np.stack(np.broadcast_arrays(row1 * n_t / n, row1 * n_r / n, row2 * n_t / n, row2 * n_r / n))
    d = (a * n_r - b * n_t) / n
    if correction == "yates":
        d = np.sign(d) * np.maximum(np.abs(d) - 0.5, 0.0)
    dev = np.stack(np.broadcast_arrays(d, -d, -d, d))  # O - E, cell by cell
    present = expected > 0
    safe = np.where(present, expected, 1.0)
    if measure == "chi2":
        return np.where(present, dev * dev / safe, 0.0).sum(axis=0)
    observed = expected + dev
    with np.errstate(divide="ignore", invalid="ignore"):
        cells = np.where(observed > 0, observed * np.log1p(dev / safe) - dev, expected)
    g2 = np.maximum(2.0 * np.where(present, cells, 0.0).sum(axis=0), 0.0)
    if correction == "williams":
        with np.errstate(divide="ignore"):
            q = 1.0 + (n / row1 + n / row2 - 1.0) * (n / n_t + n / n_r - 1.0) / (6.0 * n)
        g2 = g2 / q
    return g2
