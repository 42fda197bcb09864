"""Progress bars for the loops a user waits on: the ``progress`` argument of the functions that run them.

The functions whose loops can run for seconds to minutes (bootstrap resamples and permutations in
:mod:`toolkit.rates` and :func:`toolkit.stance_rates`, one comparison per group in
:func:`toolkit.compare_groups`, the models fitted per k and seed in :func:`toolkit.select_k` and
:func:`toolkit.topic_stability`) take ``progress``:

- ``None`` (the default): a bar when someone can see it, standard error being a terminal or the code
  running in a Jupyter kernel, and only once the loop has run for :data:`DELAY` seconds. A quick call
  draws nothing; nor do scripts whose standard error goes to a file or a CI log, tests and doctests.
  The environment variable ``TOOLKIT_PROGRESS`` overrides this default: ``0`` never draws a bar (a
  notebook run to be committed), ``1`` draws one for every such loop, wherever standard error goes;
- ``True``: a bar from the start, on standard error, wherever it goes;
- ``False``: no bar.

The bar is :mod:`tqdm.auto`'s: a widget in JupyterLab when ipywidgets is installed, text on standard
error otherwise (without ipywidgets it is text in a notebook too, and tqdm's advice to install them is
not shown). It is removed when the loop ends. It only counts: it draws no random number and reads
nothing back, so a result is the same with or without it (tests compare them).
"""

from __future__ import annotations

import os
import sys
import warnings
from types import TracebackType
from typing import Any

__all__ = ["DELAY", "ENV", "check_progress", "progress_bar"]

#: Seconds a loop runs before ``progress=None`` shows its bar.
DELAY = 2.0
#: The environment variable that overrides ``progress=None``: ``0`` no bar, ``1`` always a bar.
ENV = "TOOLKIT_PROGRESS"


def check_progress(value: object) -> bool | None:
    """Return ``value`` if it is True, False or None; else raise a ValueError naming ``progress``.

    >>> check_progress(None) is None
    True
    >>> check_progress("yes")
    Traceback (most recent call last):
    ...
    ValueError: progress='yes' is invalid; must be True (a bar), False (none) or None (a bar on a terminal or in a notebook, for loops of more than 2 seconds).
    """
    if value is None or isinstance(value, bool):
        return value
    raise ValueError(
        f"progress={value!r} is invalid; must be True (a bar), False (none) or None (a bar on a terminal or in a "
        f"notebook, for loops of more than {DELAY:g} seconds)."
    )


class _NoBar:
    """What :func:`progress_bar` returns when no bar is drawn: the same methods, doing nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class _Bar:
    """A tqdm bar, closed (and so removed) when the ``with`` block ends, even by an error."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def update(self, n: int = 1) -> None:
        self.bar.update(n)

    def close(self) -> None:
        self.bar.close()

    def __enter__(self) -> _Bar:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def progress_bar(total: int, *, progress: bool | None, desc: str, unit: str) -> _Bar | _NoBar:
    """A bar of ``total`` steps for ``progress`` (see the module docstring), to use as ``with ... as bar:``
    and ``bar.update(n)``; a bar that draws nothing when none is wanted (tqdm is then not imported)."""
    progress = check_progress(progress)
    if progress is None:
        progress = _default()
        delay = DELAY if progress is None else 0.0
        progress = _visible() if progress is None else progress
    else:
        delay = 0.0
    if not progress:
        return _NoBar()
    from tqdm.std import TqdmWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TqdmWarning)  # without ipywidgets tqdm.auto says so, and draws text
        from tqdm.auto import tqdm
    return _Bar(tqdm(total=total, desc=desc, unit=unit, delay=delay, leave=False))


def _default() -> bool | None:
    """What ``TOOLKIT_PROGRESS`` makes of ``progress=None``: False, True, or None (decide by where output goes)."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    if value not in ("0", "1"):
        raise ValueError(
            f"{ENV}={value!r} is invalid; must be 0 (no progress bars), 1 (a bar for every long loop) or unset "
            "(a bar on a terminal or in a notebook, for loops of more than "
            f"{DELAY:g} seconds)."
        )
    return value == "1"


def _visible() -> bool:
    """Whether someone can see a bar: standard error is a terminal, or this is a Jupyter kernel."""
    isatty = getattr(sys.stderr, "isatty", None)
    if callable(isatty) and isatty():
        return True
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return type(shell).__name__ == "ZMQInteractiveShell"
