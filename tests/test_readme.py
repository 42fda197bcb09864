"""Every Python example of README.md runs as written (issue 15): the blocks in order, in one namespace, as a
reader pastes them into a notebook."""

from __future__ import annotations

import re
import warnings

import pytest

from toolkit.paths import PROJECT_ROOT

BLOCKS = re.findall(r"```python\n(.*?)```", (PROJECT_ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 5


@pytest.mark.needs_data
def test_every_python_example_of_the_readme_runs_as_written(data_dir):
    namespace: dict = {}
    for i, block in enumerate(BLOCKS):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the examples' notes on skipped documents are for readers
            try:
                exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
            except Exception as err:  # name the block and its line
                raise AssertionError(f"README.md python block {i + 1} fails: {type(err).__name__}: {err}") from err
