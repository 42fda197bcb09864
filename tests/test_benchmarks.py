"""The benchmarks behind README's figures run (on a sliver of the data), and say what they measured: the
prototype's blocks give other intervals than the sentences (the private function it replaces is used), and the
memory sampler read the processes' memory."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.paths import PROJECT_ROOT

#: The benchmarks' memory sampler reads /proc/PID/smaps_rollup (Linux 4.14 and later).
needs_proc = pytest.mark.skipif(
    not Path("/proc/self/smaps_rollup").exists(), reason="--pss samples memory from Linux's /proc/PID/smaps_rollup"
)


def run_benchmark(name: str, *args: str) -> subprocess.CompletedProcess:
    """``benchmarks/NAME`` run with ``args`` from its folder, as a user runs it."""
    script = PROJECT_ROOT / "benchmarks" / name
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, cwd=script.parent)


@pytest.mark.needs_data
@needs_proc
def test_bench_single_units_runs_on_a_small_text(data_dir):
    run = run_benchmark(
        "bench_single_units.py", "--data", str(data_dir), "--mb", "0.3", "--repeat", "1", "--pss", "--resamples", "100"
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    units = dict(re.findall(r"stance_rates, (blocks|sentences) .*?\[[\d.]+, [\d.]+\] (\w+)$", out, re.M))
    assert units == {"blocks": "block", "sentences": "sentence"}  # each case's units were those it names
    assert re.search(r"count_terms, n_jobs=2\s+[\d.]+\s+[\d.]+\s+\d+\s+\d+$", out, re.M)
    for case in ("sentences", "blocks"):
        found = re.search(
            rf"^{case}: .*at least [\d.]+ s on the \d+ cores.*at most (\d+) MiB over (\d+) proc", out, re.M
        )
        assert found and int(found[1]) > 100 and int(found[2]) >= 1  # the interpreter and its libraries at least
    widths = re.search(r"^the hedge rate's 100-resample 95% interval .*: (.*)\.$", out, re.M)
    assert widths, out[-2000:]
    found = re.findall(r"(sentence|\d+-token blocks) \[([\d.]+), ([\d.]+)\], ([\d.]+) wide", widths[1])
    assert [f[0] for f in found] == ["sentence", "100-token blocks", "1000-token blocks", "5000-token blocks"]
    for _, lo, hi, wide in found:
        assert float(lo) < float(hi) and abs(float(hi) - float(lo) - float(wide)) < 0.0015


def test_bench_single_units_rejects_too_few_resamples():
    run = run_benchmark("bench_single_units.py", "--resamples", "10")
    assert run.returncode == 2 and "--resamples must be a whole number >= 100" in run.stderr


@pytest.mark.needs_data
@needs_proc
def test_bench_pipeline_runs_on_a_sliver_and_samples_the_processes_memory(data_dir):
    run = run_benchmark(
        "bench_pipeline.py", "--data", str(data_dir), "--fractions", "0.01", "--single-mb", "0.3", "--pss"
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    assert len(re.findall(r"^.*?\s[\d.]+\s+[\d.]+\s+\d+\s+\d+$", out, re.M)) == 13  # every case: wall, cpu, peak
    sampled = re.findall(r"^summed PSS of (.+) \(sampled every 10 ms in an untimed run\): at most (\d+) MiB", out, re.M)
    assert [label for label, _ in sampled] == [
        "toolkit pipeline, n_jobs=2, 0.01 of the corpus",
        "toolkit pipeline, n_jobs=1",
        "the table + stance_rates(by='country')",
        "one 0.3 MB text: stance_rates, n_jobs=2",
    ]
    assert all(int(mib) > 100 for _, mib in sampled)  # the interpreter and its libraries at least: it was read
