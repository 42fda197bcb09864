"""Every Python example of README.md runs as written (issue 15): the blocks in order, in one namespace, as a
reader pastes them into a notebook. The benchmark figures README.md quotes are those of a committed run."""

from __future__ import annotations

import re
import warnings

import pytest

from toolkit.paths import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


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


def _pipeline_section() -> tuple[str, str]:
    """README's section on bench_pipeline.py, and the committed output of the run it names."""
    start = README.index("- **The whole measure set**")
    end = README.find("\n- **", start + 1)  # the next item of the list, if any
    section = README[start : end if end >= 0 else None]
    names = set(re.findall(r"benchmarks/results/(bench_pipeline-\w+\.txt)", section))
    assert len(names) == 1, f"the section names {sorted(names)}, expected one run's output"
    return section, (PROJECT_ROOT / "benchmarks" / "results" / names.pop()).read_text(encoding="utf-8")


def test_the_readmes_pipeline_table_is_the_committed_runs_output():
    section, output = _pipeline_section()
    quoted = re.findall(r"^  \| .+ \| ([\d.]+) \| ([\d.]+) \| ([\d,]+) \|$", section, re.M)
    printed = re.findall(r"^.*?\s([\d.]+)\s+([\d.]+)\s+(\d+)\s+\d+$", output, re.M)  # case, wall, cpu, peak, result
    assert len(quoted) >= 10 and sorted((w, c, p.replace(",", "")) for w, c, p in quoted) == sorted(printed)


def test_the_readmes_pipeline_ratios_are_the_committed_runs():
    section, output = _pipeline_section()
    ratio, rounds = re.search(
        r"wall time: ([\d.]+) \(issue 14 asks for at most 0\.5.*?round by round: ([\d., ]+)\.", output
    ).groups()
    one, one_rounds = re.search(
        r"one text: stance_rates / count_terms wall time: ([\d.]+) .*?round by round: ([\d., ]+)\.", output
    ).groups()
    text = " ".join(section.split())  # the section's lines joined
    assert f"The pipeline takes {ratio} times CountVectorizer's time" in text
    assert f"round by round ({rounds.strip()})" in text
    assert f"One 50 MB text takes {one} times `count_terms`' time" in text
    *first, last = [r.strip() for r in one_rounds.split(",")]
    assert f"({', '.join(first)} and {last} round by round" in text
    busy, counted, floor, times = re.search(
        r"one text: stance_rates' fastest run kept the processors busy ([\d.]+) s .*?count_terms' ([\d.]+) s\): "
        r"on (?:the )?2 cores (?:this process may use, )?that work takes at least ([\d.]+) s however it is shared "
        r"out, ([\d.]+) times",
        output,
    ).groups()
    assert f"kept the two cores busy for {busy} s" in text and f"`count_terms` {counted} s" in text
    assert f"at least {floor} s on two cores, {times} times `count_terms`' wall time" in text
