"""Where things are: the project's folders, the user's data folder and the download cache.

Notebooks, scripts and tests take every path from here; nothing else in the
project writes ``"../data/..."``.

- ``$TOOLKIT_DATA``: a folder holding local copies of the public corpora, one
  sub-folder per data set (``ungdc/``, ``unscon/``), in their upstream layout.
- ``$TOOLKIT_CACHE``: where downloads go; by default the per-user cache folder
  of the operating system (``~/.cache/toolkit`` on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CORPUS_DIR", "FIGURES_DIR", "NOTEBOOKS_DIR", "PROJECT_ROOT", "cache_dir", "data_home"]

PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent
CORPUS_DIR: Path = PROJECT_ROOT / "corpus"
FIGURES_DIR: Path = PROJECT_ROOT / "figures"
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"


def data_home() -> Path | None:
    """Return the folder named by ``$TOOLKIT_DATA``, or None when the variable is unset or empty."""
    value = os.environ.get("TOOLKIT_DATA", "").strip()
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """Return the download cache: ``$TOOLKIT_CACHE`` or the OS's per-user cache folder for toolkit."""
    value = os.environ.get("TOOLKIT_CACHE", "").strip()
    if value:
        return Path(value).expanduser()
    import pooch

    return Path(pooch.os_cache("toolkit"))
