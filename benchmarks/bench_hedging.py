"""Hedging over the full UN General Debate Corpus, against a naive single-regex alternation of the same lexicon.

Cases, in one run, each in a fresh process (see ``_harness.py``), all on the same
texts (every UNGDC speech), read from their files before the clock starts:

- ``texts only``: the texts in memory as Python strings (the floor every case stands on);
- ``naive regex``: ``re.compile("|".join(r"\\b" + re.escape(p) + r"\\b" for p in patterns), re.I)``
  over the shipped lexicon's patterns, longest first (``toolkit.hedging.naive_regex``),
  ``finditer`` on each text, counting the matches: no context rules, no frame;
- ``tk find_stance(rules=False)``: the toolkit's matcher (one character-trie regex on
  the lower-cased text, token boundaries as the tokenizer's) and the output frame;
- ``tk find_stance``: the full measure: the matcher, the context rules, voices
  (one "speech" segment per speech), the language check, the output frame; with
  ``method="rules"`` and with the default ``method="learned"`` (the model's features and
  dot product for each epistemic candidate).

Reading the lexicon and compiling either regular expression happen before the clock starts.
The result column is the number of matches (the naive regex and the plain matcher
differ slightly: ``\\b`` is not the tokenizer's boundary, e.g. inside "would-be").

Usage::

    python benchmarks/bench_hedging.py [--data FOLDER] [--repeat N] [--limit N]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _harness import argument_parser, list_ungdc, measure, print_table

_CHILD = r"""
import json, pickle, sys, time
case, path = sys.argv[1], sys.argv[2]
import numpy, pandas  # imported before timing in every case
import toolkit.hedging as hedging
with open(path, "rb") as f:
    columns = pickle.load(f)  # doc ids, speakers and file paths: small
columns["text"] = texts = [open(p, encoding="utf-8").read() for p in columns.pop("path")]
frame = pandas.DataFrame(columns) if case.startswith("find") else None
rx = hedging.naive_regex() if case == "naive" else None
hedging.find_stance("We may.")  # loads the lexicon and compiles its matcher, as naive_regex() compiles its own
start = time.perf_counter()
if case == "texts":
    result = len(texts)
elif case == "naive":
    result = sum(1 for text in texts for _ in rx.finditer(text))
elif case == "find_plain":
    result = len(hedging.find_stance(frame, rules=False, non_english="skip"))
elif case == "find":
    result = len(hedging.find_stance(frame, non_english="skip"))  # the default method: "learned"
elif case == "find_rules":
    result = len(hedging.find_stance(frame, method="rules", non_english="skip"))
print(json.dumps({"seconds": time.perf_counter() - start, "result": result}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argument_parser(__doc__)
    parser.add_argument("--limit", type=int, default=0, help="only the first N speeches (0: all)")
    args = parser.parse_args(argv)
    cases = [
        ("texts only (read into memory)", "texts"),
        ("naive regex (one flat alternation, re.I)", "naive"),
        ("tk find_stance(rules=False)", "find_plain"),
        ("tk find_stance (method='rules', voices, frame)", "find_rules"),
        ("tk find_stance (learned: the default)", "find"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.pkl"
        n_docs = list_ungdc(args.data, path, ["doc_id", "speaker", "genre"], limit=args.limit)
        print(f"{n_docs} speeches; each case in a fresh process")
        rows = [(label, *measure(_CHILD, [case, str(path)], args.repeat)) for label, case in cases]
    by_case = {case: row for (_, case), row in zip(cases, rows)}
    print_table(
        rows,
        (
            "result: number of matches (documents for the first line). Wall time excludes reading the texts; "
            f"peak RSS includes them (first line). Fastest of {args.repeat} run(s).\n"
            f"naive regex / find_stance wall time: {by_case['naive'][1] / by_case['find'][1]:.1f}x "
            f"(full measure, learned), {by_case['naive'][1] / by_case['find_rules'][1]:.1f}x (full measure, rules), "
            f"{by_case['naive'][1] / by_case['find_plain'][1]:.1f}x (matcher only, rules=False)."
        ),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
