"""Deprecated: the evaluation of the hedge detector moved to :mod:`toolkit.study.evaluate`.

Importing this module warns (``FutureWarning``); ``python -m toolkit.evaluate`` still runs
``python -m toolkit.study.evaluate``. Both go in 0.3.
"""

import sys
import warnings

from toolkit.study.evaluate import *  # noqa: F403
from toolkit.study.evaluate import __all__ as __all__
from toolkit.study.evaluate import main

warnings.warn(
    "toolkit.evaluate is deprecated and will be removed in 0.3; use toolkit.study.evaluate "
    "(python -m toolkit.study.evaluate on the command line).",
    FutureWarning,
    stacklevel=2,
)

if __name__ == "__main__":
    sys.exit(main())
