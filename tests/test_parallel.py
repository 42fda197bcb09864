"""toolkit._parallel: batches shared out between this process and its workers, results in order."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit._parallel import batches, map_batches, start_method


def _who(shared: list[int], batch: range) -> tuple[int, list[int]]:
    return os.getpid(), [shared[i] * 2 for i in batch]


def _fails_in_a_worker(shared: list[int], batch: range) -> list[int]:
    if os.getpid() != shared[0]:
        raise ValueError(f"batch {batch.start} failed in a worker")
    return list(batch)


@settings(max_examples=12, deadline=None, derandomize=True)
@given(sizes=st.lists(st.integers(0, 50), min_size=1, max_size=40), n_jobs=st.integers(1, 3), taper=st.booleans())
def test_every_batch_once_in_order_whatever_n_jobs(sizes, n_jobs, taper):
    parts = batches(sizes, n_jobs * 4, taper=taper)
    out = map_batches(_who, list(range(len(sizes))), parts, n_jobs)
    assert [v for _, values in out for v in values] == [2 * i for i in range(len(sizes))]
    assert len({pid for pid, _ in out}) <= n_jobs


@pytest.mark.skipif(start_method() != "fork", reason="the workers fork only on Linux with one thread")
def test_this_process_takes_batches_too():
    # n_jobs=2: this process and one worker (a worker holds 100 to 180 MiB of its own on the UNGDC's stance work)
    out = map_batches(_who, list(range(400)), batches([1] * 400, 40), 2)
    pids = {pid for pid, _ in out}
    assert os.getpid() in pids and len(pids) == 2


@pytest.mark.skipif(start_method() != "fork", reason="the workers fork only on Linux with one thread")
def test_a_workers_error_reaches_the_caller():
    # the worker is handed the first batch before this process takes any
    with pytest.raises(ValueError, match="batch 0 failed in a worker"):
        map_batches(_fails_in_a_worker, [os.getpid()], [range(0, 1), range(1, 2), range(2, 3)], 2)
