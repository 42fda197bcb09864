"""Work split across processes by document: the ``n_jobs`` of every measure that reads texts.

One rule for every caller (scikit-learn's convention): ``n_jobs=None`` or 1 runs in
this process; ``n_jobs=k`` uses ``k`` processes, this one and ``k - 1`` workers; ``-1``
uses every CPU this process may run on. The documents are cut into contiguous batches of about equal
text length; each batch is one task; results come back in batch order, so a result
never depends on ``n_jobs`` (tests check it).

How the workers start: by ``fork`` when the platform has it (Linux) and this process
runs one thread, so the workers see the caller's texts and tables without copying
them and nothing is imported again (scripts read from stdin or ``python -c`` work);
otherwise (a Jupyter kernel runs several threads, macOS, Windows) by ``forkserver``
or ``spawn``, with each task's own slice of the data sent to it. A fresh worker runs
only functions of this package, but Python imports the caller's script in it again
(as ``__mp_main__``), so a script that asks for ``n_jobs`` > 1 off Linux must keep
its top level under ``if __name__ == "__main__":``, as any multiprocessing script does.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from itertools import pairwise
from typing import Any

import numpy as np

# what a forked worker reads: set in the parent right before the pool forks
_SHARED: Any = None
#: Force a start method ("fork", "forkserver" or "spawn"); None decides by :func:`start_method`.
START_METHOD: str | None = None


def check_n_jobs(n_jobs: object) -> int:
    """``n_jobs`` as a number of processes (>= 1): None is 1, -1 every available CPU."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(
            f"n_jobs={n_jobs!r} is invalid; must be None or 1 (this process), an integer >= 2 "
            "(that many processes: this one and n_jobs - 1 workers) or -1 (every CPU)."
        )
    if n_jobs == -1:
        return available_cpus()
    return int(n_jobs)


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity where the platform tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def batches(sizes: Sequence[int] | np.ndarray, n_batches: int, *, taper: bool = False) -> list[range]:
    """Contiguous ranges of item indices with about equal total ``sizes`` (at most ``n_batches``, none empty).

    With ``taper``, the batches shrink instead: the ``k``-th of ``n`` holds about ``n - k`` parts in
    ``n (n + 1) / 2`` of the total, so the last is a small share of the work. Workers that take batches in
    order then finish close together: the one that ends first waits for at most a small batch, where equal
    batches left it idle for the whole of one that took longer than its size promised."""
    sizes = np.asarray(sizes, dtype=np.float64)
    n = len(sizes)
    if n == 0:
        return []
    n_batches = max(1, min(n_batches, n))
    if taper and n_batches == n:  # no more items than batches: one each (shares would put the first two together)
        return [range(i, i + 1) for i in range(n)]
    cum = np.cumsum(sizes + 1.0)  # +1: empty texts still cost something
    if taper:
        weights = np.arange(n_batches, 0, -1, dtype=np.float64)
        shares = np.cumsum(weights)[:-1] / weights.sum()
    else:
        shares = np.arange(1, n_batches) / n_batches
    cuts = np.searchsorted(cum, cum[-1] * shares, side="left") + 1
    edges = np.unique(np.concatenate([[0], np.clip(cuts, 1, n), [n]]))
    return [range(int(a), int(b)) for a, b in pairwise(edges)]


def start_method() -> str:
    """How workers start here: "fork" where it is safe, else "forkserver" (POSIX) or "spawn"."""
    if START_METHOD is not None:
        return START_METHOD
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


#: Rows of the arrays a step lets go from which :func:`release_memory_of` gives their pages back at once (arrays of
#: 4 to 8 MB and more): a trim takes about 1 to 6 ms, more than a small call's own work.
TRIM_ROWS = 1 << 20


def release_memory_of(rows: int) -> None:
    """:func:`release_memory`, where ``rows`` (the length of the arrays just let go) is at least :data:`TRIM_ROWS`."""
    if rows >= TRIM_ROWS:
        release_memory()


def release_memory() -> None:
    """Give the free pages of the heap and of pyarrow's memory pool back to the system.

    Results unpickled from the workers leave freed blocks in the heap that glibc keeps
    (about 200 MB after tokenizing the UNGDC): ``malloc_trim`` returns them on Linux with
    glibc (Dask's workers trim their memory the same way). pyarrow's pool (mimalloc) kept
    another 200 MB of pages resident after :func:`toolkit.token_table` read the UNGDC in
    some runs: ``release_unused`` returns them, wherever pyarrow is loaded.
    """
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:  # loaded by pandas for a frame of pyarrow strings; not imported here for nothing
        with contextlib.suppress(AttributeError, NotImplementedError):  # an older pyarrow, a pool that cannot
            arrow.default_memory_pool().release_unused()
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl, ...)
        pass


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """The objects made so far moved out of the collector's sight while processes forked inside the block live
    (Python's advice for a process that forks, gc.freeze): a collection in a child would otherwise walk all of
    them, the caller's tables and texts, and write to their pages, which the child then copies. Not when the
    caller froze objects itself (gc.unfreeze would let go of theirs too)."""
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        yield
    finally:
        if freeze:
            gc.unfreeze()


def _run_shared(task: tuple[Callable, range]) -> Any:
    func, batch = task
    return func(_SHARED, batch)


def _run_sliced(task: tuple[Callable, Any, range]) -> Any:
    func, part, batch = task
    return func(part, batch)


def map_batches(
    func: Callable[[Any, range], Any],
    shared: Any,
    parts: list[range],
    n_jobs: int,
    take: Callable[[Any, range], Any] | None = None,
) -> list[Any]:
    """``[func(shared, batch) for batch in parts]``, in ``n_jobs`` processes when there is more than one batch.

    ``func`` must be a module-level function of this package. ``take(shared, batch)``
    cuts what one batch needs out of ``shared`` for workers that do not fork (it then
    gets ``range(len(batch))`` as its batch); without ``take`` the whole ``shared`` is sent.
    """
    return list(imap_batches(func, shared, parts, n_jobs, take))


def imap_batches(
    func: Callable[[Any, range], Any],
    shared: Any,
    parts: list[range],
    n_jobs: int,
    take: Callable[[Any, range], Any] | None = None,
) -> Iterator[Any]:
    """:func:`map_batches` as an iterator: each batch's result as soon as it and those before it are done,
    so the caller can fold them in one by one instead of holding them all.

    ``n_jobs`` processes work: this one and ``n_jobs - 1`` workers (:func:`_shared_out`)."""
    if n_jobs <= 1 or len(parts) <= 1:
        for b in parts:
            yield func(shared, b)
        return
    method = start_method()
    ctx = multiprocessing.get_context(method)
    workers = min(n_jobs, len(parts)) - 1

    def here(b: range) -> Any:
        return func(shared, b)

    if method == "fork":
        global _SHARED
        _SHARED = shared
        try:
            with frozen(), ctx.Pool(workers) as pool:
                yield from _shared_out(pool, _run_shared, lambda b: (func, b), here, parts, workers)
        finally:
            _SHARED = None
        return
    if method == "forkserver":
        # toolkit._nltk too: `import toolkit` leaves NLTK out, and each worker that cuts sentences would import it
        # again (0.8 s) on every call; the server loads it once, as it did when `import toolkit` loaded NLTK
        ctx.set_forkserver_preload(["toolkit", "toolkit._nltk"])
    with ctx.Pool(workers) as pool:
        task = (lambda b: (func, take(shared, b), range(len(b)))) if take else (lambda b: (func, shared, b))
        yield from _shared_out(pool, _run_sliced, task, here, parts, workers)


def _shared_out(
    pool: Any,
    run: Callable[[Any], Any],
    task: Callable[[range], Any],
    here: Callable[[range], Any],
    parts: list[range],
    workers: int,
) -> Iterator[Any]:
    """The results of ``parts`` in order, the batches shared out between ``pool``'s ``workers`` and this process.

    Every process takes the next batch not yet taken, in order: this one between its own batches, a worker as
    soon as it is done with its last (its result's callback, in the pool's result thread, hands it the next).
    So the processes finish within about one batch of each other, and the tapered batches of the callers end
    small. This process used to wait instead, while ``n_jobs`` workers did the work: a worker holds memory of
    its own (on the UNGDC, a stance worker's peak was 100 to 180 MiB beyond what it shares with this process).
    """
    n = len(parts)
    lock = threading.Condition()
    state = {"next": 0, "closing": False}
    results: dict[int, tuple[bool, Any]] = {}  # batch -> (ok, result or the exception that stopped it)

    def take() -> int | None:
        with lock:
            i = state["next"]
            if i >= n or state["closing"]:  # all taken, or the caller is done: no more work handed out
                return None
            state["next"] = i + 1
            return i

    def send(i: int | None) -> None:
        # runs in the pool's result thread too: an exception there (making the task, a pool that closes) would
        # end that thread, and no later result would come; it is the batch's result instead, raised in turn
        if i is None:
            return
        try:
            pool.apply_async(
                run, (task(parts[i]),), callback=partial(got, i, True), error_callback=partial(got, i, False)
            )
        except BaseException as error:  # passed on to the caller, not swallowed
            got(i, False, error)

    def got(i: int, ok: bool, value: Any) -> None:
        with lock:
            results[i] = (ok, value)
            lock.notify_all()
        if ok:
            send(take())

    try:
        for _ in range(workers):
            send(take())
        out = 0
        while out < n:
            i = take()
            if i is not None:
                value = here(parts[i])
                with lock:
                    results[i] = (True, value)
            with lock:
                while i is None and out not in results:
                    lock.wait()
                ready = []
                while out in results:
                    ready.append(results.pop(out))
                    out += 1
            for ok, value in ready:
                if not ok:
                    raise value
                yield value
    finally:  # an error, or the caller stopped early: the workers' callbacks hand out nothing more
        with lock:
            state["closing"] = True
