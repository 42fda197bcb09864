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
threads', and those of the workers it forked and reaped, user and system alike).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
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
    child: str, cases: list[list[str]], repeat: int = 1
) -> list[list[tuple[float, float, object, float | None]]]:
    """Each case's runs (:func:`run_once`), ``repeat`` rounds of every case in turn: a case and the one it is
    compared with run minutes apart in every round, not one after the other's runs, so that the machine's
    drift (its speed changes by the hour on a shared host) weighs on both alike and their ratio can be taken
    round by round."""
    runs: list[list[tuple[float, float, object, float | None]]] = [[] for _ in cases]
    for _ in range(repeat):
        for i, args in enumerate(cases):
            runs[i].append(run_once(child, args))
    return runs


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
