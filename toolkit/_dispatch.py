"""Hand a Dask DataFrame to :mod:`toolkit.scale`, which the measures below it in the pipeline cannot import.

``tk.count_terms(ddf)`` must work for a Dask DataFrame as for a docs frame, yet :mod:`toolkit.scale` sits
above the measures (it runs them on every partition). The measures therefore look their Dask path up by
name here, the way pandas finds its plotting backend: the module is imported only when a Dask collection
arrives, and Dask itself is never imported by the library otherwise.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["is_dask", "scaled"]


def is_dask(obj: object) -> bool:
    """Whether ``obj`` is a Dask collection (a dask DataFrame), told by its type's module: no import of Dask."""
    return type(obj).__module__.split(".")[0] == "dask"


def scaled(name: str) -> Callable[..., Any]:
    """The Dask path of the measure ``name``: :mod:`toolkit.scale`'s function of that name."""
    return getattr(importlib.import_module("toolkit.scale"), name)
