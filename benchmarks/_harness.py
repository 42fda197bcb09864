"""What every benchmark shares: run one case in a fresh Python process, time it, read its peak memory.

Each case runs in its own subprocess so that no case warms another's memory.
Wall time is ``time.perf_counter`` around the work inside the child (the
interpreter's start-up and imports are not counted); peak memory is the child's
peak resident set size, ``ru_maxrss`` of the rusage that ``os.wait4`` returns
for exactly that child (``getrusage(RUSAGE_CHILDREN)`` would give the maximum
over every child so far).

A child script reads its case name and arguments from ``sys.argv[1:]`` and prints
one JSON line ``{"seconds": ..., "result": ...}`` last; it may add ``"cpu"``: the
processor seconds the work took (:data:`CPU_SECONDS` in the child: its own and its
threads', and those of the workers it forked and reaped, user and system alike). A child that calls
``wait_for_sampler()`` (:data:`WAIT_FOR_SAMPLER`) just before its clock starts can also be run by
:func:`sampled_pss`, which measures the memory its processes hold together.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_data() -> str:
    """$TOOLKIT_DATA, else ../shared/corpora beside the project."""
    env = os.environ.get("TOOLKIT_DATA", "").strip()
    return env or str(ROOT.parent / "shared" / "corpora")


#: For a child script: the processor seconds this process has used so far, its threads' included, and those of
#: the children it has reaped (a process pool's workers once the pool is closed), user and system: the
#: difference over the work is what the work kept the cores busy, whatever was in parallel.
CPU_SECONDS = """
def cpu_seconds():
    import os
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system
"""


#: For a child script: ``reset_peak()``, called once the case's inputs are in memory: the peak RSS counts from
#: there (Linux: ``/proc/self/clear_refs``; reading the files and building a frame peak higher, once), after the
#: free pages went back to the system, so that the floor is what is held: pyarrow's pool (a frame's builder left
#: 0.4 GB resident there in some runs: the floor swung from 0.48 to 0.86 GB) and glibc's heap (making the 50 MB
#: text left 90 MiB of it resident).
RESET_PEAK = """
def reset_peak():
    import ctypes, gc
    import pyarrow
    gc.collect()
    pyarrow.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
"""

#: For a child script: ``one_text(paths, mb)``, the speeches of ``paths`` in their order, joined by blank lines and
#: cut at ``mb`` million characters (only the files it needs are read): the one long text of the benchmarks.
ONE_TEXT = """
def one_text(paths, mb):
    texts, size = [], 0
    for p in paths:
        if size >= mb * 1_000_000:
            break
        with open(p, encoding="utf-8") as f:
            texts.append(f.read())
        size += len(texts[-1]) + 2
    return "\\n\\n".join(texts)[: int(mb * 1_000_000)]
"""

#: For a child script: ``wait_for_sampler()``, called just before the clock starts, tells :func:`sampled_pss`
#: (which passes "wait" as the last argument) that the work begins, and waits for it to start sampling.
WAIT_FOR_SAMPLER = """
def wait_for_sampler():
    import sys
    if sys.argv[-1] == "wait":
        print("ready", flush=True)
        sys.stdin.readline()
"""


#: Every helper a child script may call, in one piece: ``cpu_seconds()``, ``wait_for_sampler()``, ``reset_peak()``
#: and ``one_text(paths, mb)``.
CHILD_HELPERS = CPU_SECONDS + WAIT_FOR_SAMPLER + RESET_PEAK + ONE_TEXT


def run_once(child: str, args: list[str]) -> tuple[float, float, object, float | None]:
    """(seconds, peak RSS in MB, result, processor seconds or None) of one run of ``child`` in a fresh process.

    The child imports the toolkit of ``ROOT`` (``PYTHONPATH``), wherever the benchmark is run from: ``-P``
    keeps the working directory off its path (``python -c`` puts it first, so a run from inside another
    checkout would time that checkout's code)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-P", "-c", child, *args], stdout=subprocess.PIPE, env=env, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"case {args!r} failed with exit code {code}")
    out = json.loads(output.strip().splitlines()[-1])
    return out["seconds"], usage.ru_maxrss / 1024, out["result"], out.get("cpu")  # ru_maxrss: KiB on Linux


def measure(child: str, args: list[str], repeat: int = 1) -> tuple[float, float, object]:
    """(fastest seconds, largest peak RSS in MB, result) of ``child`` run ``repeat`` times (:func:`run_once`)."""
    runs = [run_once(child, args) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2]


def measure_rounds(
    child: str, cases: list[list[str]], repeat: int = 1, probes: list[float] | None = None
) -> list[list[tuple[float, float, object, float | None]]]:
    """Each case's runs (:func:`run_once`), ``repeat`` rounds of every case in turn: a case and the one it is
    compared with run minutes apart in every round, not one after the other's runs, so that the machine's
    drift (its speed changes by the hour on a shared host) weighs on both alike and their ratio can be taken
    round by round. ``probes``: given, :func:`two_at_once` is appended to it before each round and after the
    last."""
    runs: list[list[tuple[float, float, object, float | None]]] = [[] for _ in cases]
    for _ in range(repeat):
        if probes is not None:
            probes.append(two_at_once())
        for i, args in enumerate(cases):
            runs[i].append(run_once(child, args))
    if probes is not None:
        probes.append(two_at_once())
    return runs


def _spin(n: int) -> float:
    """Seconds of a loop of ``n`` additions in Python: work for one core, no memory."""
    start, total = time.perf_counter(), 0
    for i in range(n):
        total += i
    return time.perf_counter() - start


def two_at_once(n: int = 10_000_000) -> float:
    """How long two processes spinning at once (:func:`_spin`, this one and a forked one) take, the slower of
    the two, against this one alone just before: about 1 when two cores are free, about 2 when the host lets
    the case run on one at a time. A shared machine's second core comes and goes; the cases that run two
    processes (``n_jobs=2``) are timed as fast as it lets them."""
    alone = _spin(n)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the forked one: its time on the pipe, then gone
        os.close(read)
        os.write(write, repr(_spin(n)).encode())
        os._exit(0)
    os.close(write)
    mine = _spin(n)
    with os.fdopen(read) as f:
        theirs = float(f.read())
    os.waitpid(pid, 0)
    return max(mine, theirs) / alone


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux, /proc: the children of each of a process's threads)."""
    children: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                children += [int(c) for c in f.read().split()]
    except OSError:  # gone meanwhile
        pass
    return [pid] + [p for child in children for p in _tree(child)]


def _pss_mib(pid: int) -> float:
    """The proportional set size of process ``pid`` in MiB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def sampled_pss(child: str, args: list[str]) -> tuple[float, int]:
    """(the largest summed PSS in MiB, the processes then) of one run of ``child`` (which calls
    ``wait_for_sampler()``, :data:`WAIT_FOR_SAMPLER`, before its work) with ``args``: the proportional set size
    (``/proc/PID/smaps_rollup``) of its process and every descendant, summed, every 10 ms from the moment its
    work starts. Pages the processes share (a forked worker's) count once, split among them: the memory they
    hold together, which the largest process's peak RSS does not tell. Linux only; the sampling takes
    processor time itself, so such a run is not one to time."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-P", "-c", child, *args, "wait"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        proc.wait()
        raise SystemExit(f"case {args!r} did not start its work (exit code {proc.returncode})")
    proc.stdin.write("go\n")
    proc.stdin.flush()
    best, processes = 0.0, 0
    while proc.poll() is None:
        pids = _tree(proc.pid)
        total = sum(_pss_mib(p) for p in pids)
        if total > best:
            best, processes = total, len(pids)
        time.sleep(0.01)
    proc.stdout.read()
    proc.stdin.close()
    proc.stdout.close()
    if proc.returncode != 0:
        raise SystemExit(f"case {args!r} failed with exit code {proc.returncode}")
    if not best:
        raise SystemExit(f"case {args!r}: no memory sampled (is /proc/PID/smaps_rollup readable here?)")
    return best, processes


_LIST_UNGDC = r"""
import pickle, sys, warnings
from pathlib import Path
import pandas as pd
from toolkit.datasets import load_ungdc
data, limit, out, columns = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].split(",")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    docs = load_ungdc(Path(data) / "ungdc")
if limit:
    docs = docs.iloc[:limit]
listing = {c: [None if pd.isna(v) else str(v) for v in docs[c]] for c in columns}
listing["path"] = [str(Path(data) / "ungdc" / f) for f in docs["file"]]
with open(out, "wb") as f:
    pickle.dump(listing, f)
"""


def list_ungdc(data: str, out: Path, columns: list[str], limit: int = 0) -> int:
    """Write the UNGDC's ``columns`` and file paths (not the texts) to the pickle ``out``; return the speeches.

    The listing is made in a child of its own: a benchmark process holding the corpus would count in every
    case's peak RSS (a forked child starts with its parent's pages). Each case reads the texts itself.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run(
        [sys.executable, "-P", "-c", _LIST_UNGDC, data, str(limit), str(out), ",".join(columns)], check=True, env=env
    )
    import pickle

    with open(out, "rb") as f:
        return len(pickle.load(f)["path"])


def available_cores() -> int:
    """The CPUs this process may run on (as ``toolkit._parallel.available_cpus`` reads them)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fastest_run(case_runs: list[tuple[float, float, object, float | None]]) -> tuple[float, float, object, float]:
    """A case's fastest run (:func:`run_once`'s tuple), whose processor seconds it printed."""
    run = min(case_runs, key=lambda r: r[0])
    assert run[3] is not None, "a case printed no processor seconds"
    return run[0], run[1], run[2], float(run[3])


def print_table(rows: list[tuple[str, float, float, object]], note: str, cpu: list[float] | None = None) -> None:
    """Print one line per case: label, wall seconds, (``cpu``: processor seconds,) peak RSS MB, result; then the
    note."""
    print(f"\n{'case':<46} {'wall s':>8} " + (f"{'cpu s':>7} " if cpu else "") + f"{'peak RSS MB':>12} {'result':>14}")
    for i, (label, seconds, peak, result) in enumerate(rows):
        used = f"{cpu[i]:>7.2f} " if cpu else ""
        print(f"{label:<46} {seconds:>8.2f} {used}{peak:>12.0f} {result!s:>14}")
    print("\n" + note)


def argument_parser(doc: str | None) -> argparse.ArgumentParser:
    """The options every benchmark takes: ``--data`` (folder of the corpora) and ``--repeat``."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument(
        "--data",
        default=default_data(),
        help="folder holding ungdc/ and unscon/ (default: $TOOLKIT_DATA or ../shared/corpora)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the fastest is shown")
    return parser
