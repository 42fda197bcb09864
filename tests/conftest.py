"""Shared fixtures: where the UN corpora are, or a clean skip when they are not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SKIP_REASON = (
    "UN corpora not available: set TOOLKIT_DATA to a folder holding ungdc/ and unscon/ (CI uses ../shared/corpora)"
)


def pytest_configure(config: pytest.Config) -> None:
    """A relative $TOOLKIT_DATA (CI's ../shared/corpora) made absolute, so that the notebooks' kernels, which run
    in notebooks/ or a copy of it, find the corpora where the suite was started from."""
    value = os.environ.get("TOOLKIT_DATA", "").strip()
    if value and not Path(value).expanduser().is_absolute():
        os.environ["TOOLKIT_DATA"] = str(Path(value).expanduser().resolve())


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder named by $TOOLKIT_DATA (holding ungdc/ and unscon/); skip the test when unset."""
    value = os.environ.get("TOOLKIT_DATA", "").strip()
    if not value or not Path(value).expanduser().is_dir():
        pytest.skip(SKIP_REASON)
    return Path(value).expanduser()
