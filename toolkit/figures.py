"""Deprecated: the figures moved to :mod:`toolkit.study.figures`, the tables' rules to :mod:`toolkit.tables`.

Importing this module warns (``FutureWarning``); it goes in 0.3.
"""

import warnings

from toolkit.study.analyses import TOPIC_K, TOPIC_KS, TOPIC_PRUNING
from toolkit.study.comparison import PRC_FIRST_YEAR
from toolkit.study.figures import DISTRIBUTION, FIGURES, check_figures, draw_figure, make_figures
from toolkit.tables import TABLE_ATOL, TABLE_DIGITS, TABLE_RTOL, round_table

warnings.warn(
    "toolkit.figures is deprecated and will be removed in 0.3; use toolkit.study.figures "
    "(make_figures, check_figures), toolkit.study (TOPIC_K, ...) and toolkit.tables (round_table).",
    FutureWarning,
    stacklevel=2,
)

__all__ = [
    "DISTRIBUTION",
    "FIGURES",
    "PRC_FIRST_YEAR",
    "TABLE_ATOL",
    "TABLE_DIGITS",
    "TABLE_RTOL",
    "TOPIC_K",
    "TOPIC_KS",
    "TOPIC_PRUNING",
    "check_figures",
    "draw_figure",
    "make_figures",
    "round_table",
]
