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


_TAKEN: list[range] = []


def _slow_here(shared: list[int], batch: range) -> list[int]:
    import time

    time.sleep(0.3 if os.getpid() == shared[0] else 0.01)  # this process slow: the workers ask for more
    return list(batch)


def _third_take_fails(shared: list[int], batch: range) -> list[int]:
    _TAKEN.append(batch)  # called in this process: the first two for the workers' first tasks, the third in a callback
    if len(_TAKEN) == 3:
        raise MemoryError("slicing failed")
    return shared


def test_an_error_making_a_workers_task_reaches_the_caller_not_a_hang(monkeypatch):
    # the next task is made in the pool's result thread (a worker's callback): an error there ended that thread,
    # and the caller waited forever for results that could not come
    import multiprocessing

    import toolkit._parallel as P

    if "forkserver" not in multiprocessing.get_all_start_methods():
        pytest.skip("no forkserver here: the workers that are handed a slice of the data (take) start by it")
    monkeypatch.setattr(P, "START_METHOD", "forkserver")
    _TAKEN.clear()
    parts = [range(i, i + 1) for i in range(12)]
    with pytest.raises(MemoryError, match="slicing failed"):
        map_batches(_slow_here, [os.getpid()], parts, 3, take=_third_take_fails)
    assert len(_TAKEN) >= 3  # the third failed; the other worker may have gone on


def _here_slower(shared: list[int], batch: range) -> list[int]:
    import time

    if os.getpid() == shared[0]:
        time.sleep(0.002)  # the workers' callbacks keep asking for batches while this process works
    return list(batch)


def test_stopping_early_prints_no_traceback_of_the_pool(capfd):
    # the caller stops taking results (an error of its own, a break): the workers' callbacks hand out no more
    # batches to the closing pool (each had printed "Exception in thread ... Pool not running")
    from toolkit._parallel import imap_batches

    for _ in range(10):
        results = imap_batches(_here_slower, [os.getpid()], [range(i, i + 1) for i in range(400)], 2)
        for _k in range(3):
            next(results)
        results.close()
    assert "Pool not running" not in capfd.readouterr().err
