"""Shared fixtures: where the UN corpora are, or a clean skip when they are not."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The compiled loops (toolkit/_kernels.py) run with numba's bounds checks in the tests: an index past an array's
# end raises IndexError instead of writing past it. In a cache folder of their own: numba's cache does not tell
# checked and unchecked code apart. Set before anything imports numba (the notebooks' kernels inherit it).
os.environ.setdefault("NUMBA_BOUNDSCHECK", "1")
os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(tempfile.gettempdir()) / "toolkit-numba-boundscheck"))

# Hypothesis's profiles for every property test: "ci" (the default) is derandomized and bounded so the suite
# stays fast and gives the same examples on every machine; HYPOTHESIS_PROFILE=thorough searches further.
_PROFILE = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("ci", derandomize=True, max_examples=60, **_PROFILE)
settings.register_profile("thorough", derandomize=False, max_examples=2000, **_PROFILE)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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
