"""How long loading the UN General Debate Corpus takes, and how much memory, from a folder and a .tgz.

Three measurements in one run, each in a fresh Python subprocess so that one
does not warm the other's memory:

- ``read bytes``: read every file under ``TXT/`` into memory and drop it (the floor);
- ``load_ungdc folder``: :func:`toolkit.datasets.load_ungdc` on the folder;
- ``load_ungdc .tgz``: the same on a ``.tgz`` of the same layout, built in a
  temporary folder at the start (building it is not timed).

Wall time is ``time.perf_counter`` around the work inside the subprocess (so
the interpreter's start-up and imports are not counted); peak memory is the
subprocess's peak resident set size, ``ru_maxrss`` of the rusage that
``os.wait4`` returns for that child (this includes the interpreter and pandas, about
100 MB, which the first line shows as well). The OS page cache is warm after the
first pass over the files; each case is run ``--repeat`` times and the fastest
time is shown.

Usage::

    python benchmarks/bench_load_ungdc.py [--data FOLDER] [--repeat N]
"""

from __future__ import annotations

import sys
import tarfile
import tempfile
import time
from pathlib import Path

from _harness import argument_parser, measure, print_table

_CHILD = r"""
import json, sys, time, warnings
from pathlib import Path
case, target = sys.argv[1], sys.argv[2]
import pandas  # imported before timing in every case, so that the cases compare
from toolkit.datasets import load_ungdc
start = time.perf_counter()
if case == "read":
    n = 0
    for f in sorted((Path(target) / "TXT").glob("*/*")):
        n += len(f.read_bytes())
    result = n
elif case == "baseline":
    result = 0
else:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = len(load_ungdc(target))
print(json.dumps({"seconds": time.perf_counter() - start, "result": result}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argument_parser(__doc__)
    args = parser.parse_args(argv)
    folder = Path(args.data) / "ungdc"
    if not (folder / "TXT").is_dir():
        parser.error(f"{folder} has no TXT/ folder; pass --data pointing at a folder holding ungdc/.")

    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "UNGDC_bench.tgz"
        start = time.perf_counter()
        with tarfile.open(archive, "w:gz") as tf:
            tf.add(folder / "TXT", arcname="UNGDC/TXT")
            tf.add(folder / "Speakers_by_session.xlsx", arcname="UNGDC/Speakers_by_session.xlsx")
        print(
            f"built {archive.name}: {archive.stat().st_size / 2**20:.0f} MB in "
            f"{time.perf_counter() - start:.1f} s (not timed below)"
        )
        cases = [
            ("python + pandas + toolkit imported", "baseline", folder),
            ("read bytes of every TXT file", "read", folder),
            ("load_ungdc(folder)", "load", folder),
            ("load_ungdc(.tgz)", "load", archive),
        ]
        rows = [(label, *measure(_CHILD, [case, str(target)], args.repeat)) for label, case, target in cases]
    print_table(
        rows,
        "result: bytes read, or documents loaded. Peak RSS: ru_maxrss of each subprocess "
        f"(os.wait4); fastest of {args.repeat} run(s).",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
