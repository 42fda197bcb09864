"""The command line: ``toolkit figures`` and ``toolkit data`` (also ``python -m toolkit ...``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from toolkit.paths import FIGURES_DIR

__all__ = ["main"]


def _figures(args: argparse.Namespace) -> int:
    from toolkit.figures import check_figures, make_figures

    if args.check:
        report = check_figures(args.out, seed=args.seed)
        print("\n" + report.to_string(index=False))
        bad = report[report["status"].isin(["differs", "missing"])]
        print(f"\n{len(bad)} file(s) differ from {args.out}." if len(bad) else f"\nEvery figure made matches {args.out}.")
        return 1 if len(bad) else 0
    report = make_figures(args.out, seed=args.seed)
    made = report[report["status"] == "made"]
    print(f"\nMade {len(made)} of {len(report)} figures in {args.out}.")
    missing = report[report["status"] != "made"]
    if len(missing):
        print("Not made (set TOOLKIT_DATA to a folder holding ungdc/ and unscon/, or run `toolkit data --fetch`):")
        for row in missing.itertuples():
            print(f"  - {row.figure}")
    return 0


def _data(args: argparse.Namespace) -> int:
    from toolkit import datasets

    if args.fetch:
        for name in args.fetch:
            print(f"{name}: {datasets.fetch(name)}")
    table = datasets.available()
    print(table.to_string(index=False))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = argparse.ArgumentParser(prog="toolkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    figures = sub.add_parser("figures", help="make every figure the available data allows")
    figures.add_argument("--out", type=Path, default=FIGURES_DIR, help="output folder (default: figures/)")
    figures.add_argument("--seed", type=int, default=0, help="random seed recorded in the manifest (default: 0)")
    figures.add_argument("--check", action="store_true",
                         help="remake into a temporary folder and compare with --out: tables exactly, images "
                              "within a tolerance; exit 1 on a difference")
    figures.set_defaults(run=_figures)

    data = sub.add_parser("data", help="list the corpora: where they are found; fetch them into the cache")
    data.add_argument("--fetch", nargs="+", choices=["ungdc", "unscon"], metavar="NAME",
                      help="download these data sets (ungdc, unscon) into the cache")
    data.set_defaults(run=_data)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
