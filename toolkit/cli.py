"""The command line: ``toolkit figures``, ``data``, ``hedges`` and ``keyness`` (also ``python -m toolkit ...``)."""

from __future__ import annotations

import argparse
import functools
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from toolkit.paths import FIGURES_DIR

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["main"]

T = TypeVar("T")


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
    print("\n" + report.attrs["summary"])
    return 0


def _data(args: argparse.Namespace) -> int:
    from toolkit import datasets

    if args.fetch:
        for name in args.fetch:
            print(f"{name}: {datasets.fetch(name)}")
    table = datasets.available()
    print(table.to_string(index=False))
    return 0


def _read_texts(paths: Sequence[Path], args: argparse.Namespace) -> pd.DataFrame:
    """Documents from paths: a corpus (folder, .csv, .jsonl, or a file with a metadata header) or plain text files.

    Every column of a corpus is kept (``country``, ``year``... for ``--by``); a plain file has ``doc_id`` (its
    name without the extension) and ``text``, and missing values in the other columns. A corpus that cannot be
    read exits with read_corpus's message (the file, the line, the problem and the fix)."""
    import pandas as pd

    from toolkit._io import read_text
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
        if plain:  # read as read_corpus reads a text: line endings as written (offsets are the file's), and a
            # file that is not UTF-8 text named with its problem and fix
            text = _library(args.command, functools.partial(read_text, path))
            frames.append(pd.DataFrame({"doc_id": [path.stem], "text": [text]}))
        else:
            frames.append(_library(args.command, functools.partial(read_corpus, path, delimiter=args.delimiter)))
    _check_ids_across(args.command, paths, frames)
    return pd.concat(frames, ignore_index=True)


def _check_ids_across(command: str, paths: Sequence[Path], frames: Sequence[pd.DataFrame]) -> None:
    """Exit with a message when two of the inputs hold the same ``doc_id`` (each input's own are checked as it
    is read): the documents would be counted twice, or their matches and voices mixed up."""
    seen: dict[str, Path] = {}
    for path, frame in zip(paths, frames, strict=True):
        ids = frame["doc_id"].astype(str).unique().tolist()
        clash = next((i for i in ids if i in seen), None)
        if clash is not None:
            first = seen[clash]
            where = f"{path} is given twice" if first == path else f"{first} and {path} both hold it"
            raise SystemExit(
                f"toolkit {command}: doc_id {clash!r} is in more than one input ({where}); each document needs "
                "its own doc_id, or it is counted twice. A plain text file's doc_id is its name without the "
                "extension: rename one of the files (or give each file once); in a corpus, change the doc_id field."
            )
        seen.update(dict.fromkeys(ids, path))


def _output(table: pd.DataFrame, csv: Path | None) -> int:
    """Print ``table``, or write it whole to ``csv`` (a temporary file beside it, then renamed onto it), its
    floats at the figures' 10 significant digits."""
    from toolkit._io import remove_stale_temps

    if csv is None:
        print(table.to_string(index=False))
        return 0
    if csv.is_dir():
        raise SystemExit(f"toolkit: --csv {csv} is a folder; give the path of a file, such as {csv / 'table.csv'}.")
    if not csv.parent.is_dir():
        raise SystemExit(
            f"toolkit: --csv {csv}: the folder {csv.parent} does not exist; create it or choose another path."
        )
    remove_stale_temps(csv.parent, name=csv.name)  # left by a run of this command that was killed
    from toolkit.tables import write_table

    write_table(table, csv)  # 10 significant digits, as the figures: another CPU or BLAS gives the same file
    print(f"wrote {len(table)} rows to {csv}")
    return 0


#: The library's words for a fix that the command line gives with an option of its own.
_OPTION_WORDS = {
    "pass non_english='skip' to skip it and list it in attrs['skipped']": "give --non-english skip to skip it "
    "(named on standard error)"
}


def _library(command: str, run: Callable[[], T]) -> T:
    """Run a library call for ``command``: its warnings printed on standard error as ``toolkit COMMAND:
    warning: ...`` (the library's own words, not a traceback), and a ValueError (a bad input, which the
    library's message names with its fix) turned into an exit with that message (a fix that names a
    keyword argument named as the command's option: :data:`_OPTION_WORDS`)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = run()
        except ValueError as err:
            message = str(err)
            for words, option in _OPTION_WORDS.items():
                message = message.replace(words, option)
            raise SystemExit(f"toolkit {command}: {message}") from None
        finally:
            for w in caught:
                print(f"toolkit {command}: warning: {w.message}", file=sys.stderr)
    return result


def _check_by(command: str, docs: pd.DataFrame, by: Sequence[str]) -> None:
    """Exit with a message when the documents lack a ``--by`` column (plain .txt files carry no metadata)."""
    missing = [c for c in by if c not in docs.columns]
    if missing:
        raise SystemExit(
            f"toolkit {command}: --by {' '.join(by)}: the documents have no column {', '.join(map(repr, missing))} "
            f"(they have {', '.join(map(str, docs.columns))}). Plain .txt files carry no metadata: give corpora "
            "(a folder of files with a metadata header, a .csv or a .jsonl) whose documents have that field."
        )


def _hedges(args: argparse.Namespace) -> int:
    from toolkit.hedging import find_stance, stance_rates
    from toolkit.voices import split_voices

    per = args.per or ("group" if args.by else "match")
    if args.by and per != "group":
        args.parser.error(
            f"--by gives rates per group of documents, --per {per} gives "
            + ("every match" if per == "match" else f"rates per {per}")
            + "; use one of them."
        )
    docs = _read_texts(args.files, args)
    if "genre" not in docs:
        docs = docs.assign(speaker=None, genre="statement")
    # whose each stretch is: matches and tokens of the speaker's own words
    segments = _library("hedges", lambda: split_voices(docs))
    if per == "match":
        hits = _library(
            "hedges",
            lambda: find_stance(docs, method=args.method, segments=segments, non_english=args.non_english),
        )
        return _output(hits.drop(columns=[c for c in ("voice", "speaker") if hits[c].isna().all()]), args.csv)
    if args.by:
        _check_by("hedges", docs, args.by)
    by = list(args.by) if args.by else ("doc_id" if per == "document" else None)
    rates = _library(
        "hedges",
        lambda: stance_rates(
            docs,
            by=by,
            method=args.method,
            segments=segments,
            non_english=args.non_english,
            n_resamples=args.n_resamples,
            seed=args.seed,
            confidence=args.confidence,
            progress=args.progress,
        ),
    )
    code = _output(rates, args.csv)
    if args.csv is None:
        over = (
            "each document's sentences (blocks of 1,000 tokens, for one of more than 1,000,000)"
            if per == "document"
            else "each group's documents, or the sentences of a group of one document, blocks of 1,000 tokens if it "
            "has more than 1,000,000 (column unit)"
        )
        print(
            f"\nrate_per_1k: matches per 1,000 tokens of the speakers' own words (n matches in tokens). ci_low, "
            f"ci_high: {args.confidence:.0%} percentile bootstrap interval over {over}; {args.n_resamples} "
            f"resamples, seed {args.seed}."
        )
    return code


#: The column that tells the two sides apart when two paths are compared (a name no corpus field takes).
_SIDE = "__side__"


def _keyness(args: argparse.Namespace) -> int:
    import pandas as pd

    from toolkit.keyness import compare_groups

    if args.top < 0:
        args.parser.error(
            f"--top {args.top} is invalid; give the number of terms to print for each side, or 0 for all."
        )
    if args.by is None:
        if args.target is not None or args.reference is not None:
            args.parser.error(
                "--target and --reference name groups of a --by column; give --by COLUMN too "
                "(or, without them, two paths: TARGET REFERENCE)."
            )
        if len(args.paths) != 2:
            args.parser.error(
                f"give two paths, TARGET REFERENCE (got {len(args.paths)}), or one corpus with --by COLUMN "
                "--target VALUE."
            )
        target, reference = (_read_texts([p], args) for p in args.paths)
        docs = pd.concat([target.assign(**{_SIDE: "target"}), reference.assign(**{_SIDE: "reference"})])
        by = [_SIDE]
        wanted: str | tuple[str, ...] | None = "target"
        versus: str | tuple[str, ...] | None = "reference"
        names = {"target": str(args.paths[0]), "reference": str(args.paths[1])}
    else:
        if args.reference is not None and args.target is None:
            args.parser.error("--reference needs --target: the group compared with it.")
        docs = _read_texts(args.paths, args)
        _check_by("keyness", docs, args.by)
        by, wanted, versus = list(args.by), _key(args.target), _key(args.reference)
        names = {}
    table = _library(
        "keyness",
        lambda: compare_groups(
            docs.reset_index(drop=True),
            by=by,
            target=wanted,
            reference=versus,
            measure=args.measure,
            stop_words="english" if args.stop_words else None,
            progress=args.progress,
        ),
    )
    if args.by is None:  # two paths: the columns of toolkit.keyness
        table = table.drop(columns=[_SIDE, "reference", "p_adjusted"])
    if args.csv is not None or not args.top:
        return _output(table, args.csv)
    _print_top(table, args, names)
    return 0


def _key(values: Sequence[str] | None) -> str | tuple[str, ...] | None:
    """A group named on the command line: one value per --by column (a tuple for several)."""
    if values is None:
        return None
    return values[0] if len(values) == 1 else tuple(values)


def _print_top(table: pd.DataFrame, args: argparse.Namespace, names: dict[str, str]) -> None:
    """Print the ``--top`` terms of both sides of each comparison, under headings that name the sides."""
    from toolkit.keyness import top_keywords

    shown = ["term", "n_target", "n_reference", "measure", "score", "p_value", "log_ratio"]
    if args.by is None:
        comparisons = [(names["target"], names["reference"], table)]
    else:
        comparisons = []
        for key, rows in table.groupby(list(args.by), sort=False, dropna=False):
            values = key if isinstance(key, tuple) else (key,)
            target = ", ".join(f"{c}={v}" for c, v in zip(args.by, values))
            reference = rows["reference"].iloc[0]
            if reference == "rest":
                reference = "the rest of the corpus"
            else:
                parts = reference if isinstance(reference, tuple) else (reference,)
                reference = ", ".join(f"{c}={v}" for c, v in zip(args.by, parts))
            comparisons.append((target, reference, rows))
    n = args.top
    for i, (target, reference, rows) in enumerate(comparisons):
        top = top_keywords(rows, n=n)  # the library's choice of each side's n; the reference's strongest first
        key_t = top[top["score"] > 0]
        key_r = top[top["score"] < 0].sort_values(["score", "term"], kind="stable")
        for side, name, other, part, sign in (
            ("target", target, reference, key_t, "highest"),
            ("reference", reference, target, key_r, "lowest"),
        ):
            if i or side == "reference":
                print()
            print(
                f"Key for the {side}, {name}: the {len(part)} of {len(rows)} terms with the {sign} "
                f"{args.measure} scores (more frequent there than in {other})"
                + (f"; only {len(part)} of the top {n} asked" if len(part) < n else "")
            )
            print(part[shown].to_string(index=False) if len(part) else "(no term is more frequent there)")


def _delimiter_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--delimiter",
        default=",",
        metavar="CHAR",
        help="the character between the fields of .csv corpora (default ','; ';' for files a spreadsheet saved "
        "with semicolons, $'\\t' for tabs)",
    )


def _progress_option(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument(
        "--no-progress",
        dest="progress",
        action="store_const",
        const=False,
        default=None,
        help=f"no progress bar of {what}; by default one is drawn on standard error when it is a terminal, "
        "once the work has run for 2 seconds",
    )


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

    hedges = sub.add_parser(
        "hedges",
        help="find hedges, boosters and other stance markers in texts; or their rates per 1,000 tokens",
        description="Every stance marker found (default: one row per match), or their rates per 1,000 tokens "
        "of the speakers' own words with bootstrap intervals: per document (--per document), per group "
        "of documents (--by COLUMN) or for all the texts together (--per corpus).",
    )
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
    hedges.add_argument(
        "--non-english",
        choices=["raise", "skip", "keep"],
        default="raise",
        help="a text that does not look like English (the lexicon is English): stop with its name (the default), "
        "skip it (named on standard error), or keep it and match it anyway",
    )
    hedges.add_argument(
        "--per",
        choices=["match", "document", "corpus"],
        default=None,
        help="what a row is: a match (the default), the rates of one document (its sentences resampled, blocks of "
        "1,000 tokens if it has more than 1,000,000), or "
        "the rates of all the texts together (their documents resampled)",
    )
    hedges.add_argument(
        "--by",
        action="append",
        metavar="COLUMN",
        help="rates per group of documents with the same value of this column (country, speaker, year...: a "
        "field of the corpora), each group's documents resampled; repeat for several columns",
    )
    hedges.add_argument(
        "--n-resamples",
        type=int,
        default=2000,
        help="bootstrap resamples for the rates' intervals (at least 100; default 2000)",
    )
    hedges.add_argument(
        "--confidence", type=float, default=0.95, help="confidence level of the intervals (default 0.95)"
    )
    hedges.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    _delimiter_option(hedges)
    _progress_option(hedges, "the bootstrap of the rates")
    hedges.set_defaults(run=_hedges, parser=hedges)

    keyness = sub.add_parser(
        "keyness",
        help="keywords of one text or corpus against another, or of one group of a corpus against the rest",
        description="Keywords of TARGET against REFERENCE (two paths), or, with --by COLUMN --target VALUE, of "
        "one group of a corpus against the rest of it (or against --reference VALUE). The printed table "
        "shows the --top terms of both sides: those key for the target (positive scores) and those key "
        "for the reference (negative scores).",
    )
    keyness.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="TARGET REFERENCE: two plain .txt files or corpora; with --by: one corpus (several paths are "
        "read together)",
    )
    keyness.add_argument(
        "--by",
        action="append",
        metavar="COLUMN",
        help="compare groups of documents within the corpus: the column whose values make the groups "
        "(country, speaker, year...; repeat for several); without --target every group is compared with "
        "the rest",
    )
    keyness.add_argument(
        "--target",
        action="append",
        metavar="VALUE",
        help="the group to compare: its value of the --by column (repeated, in the order of --by, for several)",
    )
    keyness.add_argument(
        "--reference",
        action="append",
        metavar="VALUE",
        help="the group to compare it with, given as --target is (default: the rest, every other document)",
    )
    keyness.add_argument("--measure", default="g2", choices=["g2", "chi2", "log_ratio", "pct_diff", "fightin_words"])
    keyness.add_argument("--stop-words", action="store_true", help="leave English stop words out")
    keyness.add_argument(
        "--top",
        type=int,
        default=20,
        metavar="N",
        help="print the N terms most key for the target and the N most key for the reference (0: every "
        "row, in one table; default 20); --csv always writes every row",
    )
    keyness.add_argument("--csv", type=Path, help="write the table to this CSV file instead of printing it")
    _delimiter_option(keyness)
    _progress_option(keyness, "the comparisons (one per group without --target)")
    keyness.set_defaults(run=_keyness, parser=keyness)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
