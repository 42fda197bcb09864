"""The command line: ``toolkit figures``, ``data``, ``hedges`` and ``keyness`` (also ``python -m toolkit ...``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.paths import FIGURES_DIR

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["main"]


def _figures(args: argparse.Namespace) -> int:
    from toolkit.study.figures import check_figures, make_figures

    if args.check:
        report = check_figures(args.out, seed=args.seed, bar=args.progress, only=args.only)
        print("\n" + report.to_string(index=False))
        bad = report[report["status"].isin(["differs", "missing"])]
        print(
            f"\n{len(bad)} file(s) differ from {args.out}." if len(bad) else f"\nEvery figure made matches {args.out}."
        )
        return 1 if len(bad) else 0
    report = make_figures(args.out, seed=args.seed, bar=args.progress, only=args.only)
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


def _read_texts(paths: Sequence[Path]) -> pd.DataFrame:
    """Documents from paths: a corpus (folder, .csv, .jsonl, or a file with a metadata header) or plain text files."""
    import pandas as pd

    from toolkit.corpus import read_corpus

    frames = []
    for path in paths:
        if not path.exists():
            raise SystemExit(f"toolkit: {path} does not exist.")
        plain = (
            path.is_file()
            and path.suffix.lower() in (".txt", ".md")
            and not path.read_text(encoding="utf-8-sig", errors="replace").lstrip().startswith("---")
        )
        if plain:
            frames.append(pd.DataFrame({"doc_id": [path.stem], "text": [path.read_text(encoding="utf-8-sig")]}))
        else:
            frames.append(read_corpus(path)[["doc_id", "text", "speaker", "genre"]])
    return pd.concat(frames, ignore_index=True)


def _output(table: pd.DataFrame, csv: Path | None) -> int:
    """Print ``table``, or write it whole to ``csv`` (a temporary file beside it, then renamed onto it), its
    floats at the figures' 10 significant digits."""
    from toolkit._io import remove_stale_temps

    if csv is None:
        print(table.to_string(index=False))
        return 0
    if not csv.parent.is_dir():
        raise SystemExit(
            f"toolkit: --csv {csv}: the folder {csv.parent} does not exist; create it or choose another path."
        )
    remove_stale_temps(csv.parent, name=csv.name)  # left by a run of this command that was killed
    from toolkit.tables import write_table

    write_table(table, csv)  # 10 significant digits, as the figures: another CPU or BLAS gives the same file
    print(f"wrote {len(table)} rows to {csv}")
    return 0


def _hedges(args: argparse.Namespace) -> int:
    from toolkit.hedging import find_stance
    from toolkit.voices import split_voices

    docs = _read_texts(args.files)
    if "genre" not in docs:
        docs = docs.assign(speaker=None, genre="statement")
    hits = find_stance(docs, method=args.method, segments=split_voices(docs))  # whose each match is
    return _output(hits.drop(columns=[c for c in ("voice", "speaker") if hits[c].isna().all()]), args.csv)


def _keyness(args: argparse.Namespace) -> int:
    import pandas as pd

    from toolkit.counts import document_term_matrix
    from toolkit.keyness import keyness

    sides = []
    for path in (args.target, args.reference):
        dtm = document_term_matrix(_read_texts([path]), stop_words="english" if args.stop_words else None)
        counts = pd.Series(dtm.matrix.sum(axis=0).A1, index=dtm.terms)
        sides.append((counts[counts > 0], int(dtm.totals.sum())))
    (target, n_t), (reference, n_r) = sides
    table = keyness(target, reference, measure=args.measure, target_total=n_t, reference_total=n_r)
    return _output(table.head(args.top) if args.top and args.csv is None else table, args.csv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = argparse.ArgumentParser(prog="toolkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    figures = sub.add_parser("figures", help="make every figure the available data allows")
    figures.add_argument("--out", type=Path, default=FIGURES_DIR, help="output folder (default: figures/)")
    figures.add_argument("--seed", type=int, default=0, help="random seed recorded in the manifest (default: 0)")
    from toolkit.study.figures import FIGURES

    figures.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        choices=[r.name for r in FIGURES],
        help="make (or check) only these figures: " + ", ".join(r.name for r in FIGURES),
    )
    figures.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress bar (the bar goes to standard error)"
    )
    figures.add_argument(
        "--check",
        action="store_true",
        help="remake into a temporary folder and compare with --out: tables cell by cell (the "
        "same columns and rows, text and whole numbers exactly, other numbers within a "
        "relative 1e-6), images within a small tolerance; exit 1 on a difference",
    )
    figures.set_defaults(run=_figures)

    data = sub.add_parser("data", help="list the corpora: where they are found; fetch them into the cache")
    data.add_argument(
        "--fetch",
        nargs="+",
        choices=["ungdc", "unscon"],
        metavar="NAME",
        help="download these data sets (ungdc, unscon) into the cache",
    )
    data.set_defaults(run=_data)

    hedges = sub.add_parser("hedges", help="find hedges, boosters and other stance markers in texts")
    hedges.add_argument(
        "files",
        nargs="+",
        type=Path,
        help="plain .txt files, or corpora (folder, .csv, .jsonl, files with a metadata header)",
    )
    hedges.add_argument("--csv", type=Path, help="write the table to this CSV file instead of printing it")
    hedges.add_argument(
        "--method",
        choices=["learned", "rules"],
        default=None,
        help="how ambiguous epistemic cues are decided (default: learned; see the README)",
    )
    hedges.set_defaults(run=_hedges)

    keyness = sub.add_parser("keyness", help="keywords of one text or corpus against another")
    keyness.add_argument("target", type=Path, help="a plain .txt file or a corpus")
    keyness.add_argument("reference", type=Path, help="a plain .txt file or a corpus")
    keyness.add_argument("--measure", default="g2", choices=["g2", "chi2", "log_ratio", "pct_diff", "fightin_words"])
    keyness.add_argument("--stop-words", action="store_true", help="leave English stop words out")
    keyness.add_argument(
        "--top", type=int, default=20, help="rows to print (0: all; default 20); --csv always writes every row"
    )
    keyness.add_argument("--csv", type=Path, help="write the table to this CSV file instead of printing it")
    keyness.set_defaults(run=_keyness)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
