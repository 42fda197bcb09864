"""Shared phrases with the whole UN General Debate Corpus as reference, against pure Python sets of n-gram tuples.

Cases, in one run, each in a fresh process (see ``_harness.py``), on the same texts (every UNGDC speech,
about 32 million tokens, read from their files before the clock starts) and two targets: Xing's own words
in the interview (369 tokens) and China's six Security Council speeches in UNSCon. ``n`` is 5, the default.

- ``texts only``: the texts in memory (the floor every case stands on);
- ``Python sets``: the obvious pure-Python way: the target's n-grams as a set of tuples of
  :func:`toolkit.tokenize` terms, every window of every reference text looked up in it, the matching windows
  merged into runs of consecutive windows (the result: runs; every window is checked exactly, but a run need
  not occur whole in one reference document);
- ``tk shared_phrases``: :func:`toolkit.shared_phrases` given the docs frames (it tokenizes the reference),
  filters off so both count the same tokens (the result: maximal phrases, each occurring whole);
- ``tk shared_phrases, n_jobs=2``: the same, the reference tokenized by two worker processes;
- ``tk token_table``: tokenizing the reference alone, and ``tk table + both targets``: the table made once,
  then both targets looked up in it (what a notebook asking several questions pays).

Usage::

    python benchmarks/bench_phrases.py [--data FOLDER] [--repeat N] [--n 5]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _harness import argument_parser, list_ungdc, measure, print_table

_CHILD = r"""
import json, pickle, sys, time, warnings
case, path, data, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
import numpy, pandas
import toolkit as tk
from toolkit.datasets import load_unscon
warnings.simplefilter("ignore")
with open(path, "rb") as f:
    columns = pickle.load(f)
columns["text"] = texts = [open(p, encoding="utf-8").read() for p in columns.pop("path")]
reference = pandas.DataFrame(columns)
unscon = load_unscon(data + "/unscon")
targets = {
    "xing": tk.own_words(tk.load_interview())[["doc_id", "text"]],
    "china_unsc": unscon.loc[unscon["country"] == "CHN", ["doc_id", "text"]].reset_index(drop=True),
}


def python_sets(target):
    runs = 0
    wanted = {}
    for doc_id, text in zip(target["doc_id"], target["text"]):
        toks = tk.tokenize(text)
        for i in range(len(toks) - n + 1):
            wanted.setdefault(tuple(toks[i : i + n]), []).append((doc_id, i))
    found = set()
    for text in texts:
        toks = tk.tokenize(text)
        for i in range(len(toks) - n + 1):
            gram = tuple(toks[i : i + n])
            if gram in wanted:
                found.update(wanted[gram])
    ordered = sorted(found)
    for k, (doc_id, i) in enumerate(ordered):
        if k == 0 or ordered[k - 1] != (doc_id, i - 1):
            runs += 1
    return runs


def ours(target, ref, n_jobs=None):
    found = tk.shared_phrases(target, ref, n=n, by="country", stop_words=None, boilerplate=None, n_jobs=n_jobs)
    return len(found.phrases)


start = time.perf_counter()
if case == "texts":
    result = len(texts)
elif case.startswith("sets_"):
    result = python_sets(targets[case[5:]])
elif case == "tk2_xing":
    result = ours(targets["xing"], reference, n_jobs=2)
elif case.startswith("tk_"):
    result = ours(targets[case[3:]], reference)
elif case == "table":
    result = tk.token_table(reference).n_tokens
elif case == "table_both":
    table = tk.token_table(reference)
    result = "+".join(str(ours(targets[t], table)) for t in ("xing", "china_unsc"))
print(json.dumps({"seconds": time.perf_counter() - start, "result": result}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argument_parser(__doc__)
    parser.add_argument("--n", type=int, default=5, help="shortest phrase, in tokens (default 5)")
    args = parser.parse_args(argv)
    cases = [
        ("texts only (read into memory)", "texts"),
        ("Python sets, Xing's own words", "sets_xing"),
        ("Python sets, China's UNSC speeches", "sets_china_unsc"),
        ("tk shared_phrases, Xing's own words", "tk_xing"),
        ("tk shared_phrases, China's UNSC speeches", "tk_china_unsc"),
        ("tk shared_phrases, Xing, n_jobs=2", "tk2_xing"),
        ("tk token_table(UNGDC) alone", "table"),
        ("tk token_table + both targets", "table_both"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.pkl"
        n_docs = list_ungdc(args.data, path, ["doc_id", "country"])
        print(f"{n_docs} speeches as reference; n = {args.n}; each case in a fresh process")
        rows = [
            (label, *measure(_CHILD, [case, str(path), args.data, str(args.n)], args.repeat)) for label, case in cases
        ]
    by_case = {case: row for (label, case), row in zip(cases, rows)}
    ratios = [by_case[f"sets_{t}"][1] / by_case[f"tk_{t}"][1] for t in ("xing", "china_unsc")]
    print_table(
        rows,
        (
            "result: speeches; runs of matching windows (Python sets); maximal phrases (tk); tokens (table). "
            f"Peak RSS includes the texts (first line). Fastest of {args.repeat} run(s).\n"
            f"Python sets / tk shared_phrases wall time: {ratios[0]:.2f}x (Xing), {ratios[1]:.2f}x (China UNSC)."
        ),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
