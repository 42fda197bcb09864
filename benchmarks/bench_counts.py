"""Term counts and keyness over the full UN General Debate Corpus, against scikit-learn's CountVectorizer.

Cases, in one run, each in a fresh process (see ``_harness.py``), all on the same
texts (every UNGDC speech, about 32 million tokens), read from their files
before the clock starts, so that loading the corpus is not part of any case:

- ``texts only``: the texts in memory as Python strings (the floor every case stands on);
- ``CountVectorizer (default pattern)``: ``fit_transform`` as most people call it;
- ``CountVectorizer (toolkit's pattern)``: the same tokens as toolkit, so the
  matrices are identical (the result column shows the token total);
- ``document_term_matrix``: toolkit's counting;
- ``count_terms(by="country")``: counts, rates, document frequencies and ranks
  per country (one row per country and term);
- ``keyness CHN vs rest``, when :mod:`toolkit.keyness` exists: term counts of
  China's speeches against all others, G2.

Usage::

    python benchmarks/bench_counts.py [--data FOLDER] [--repeat N]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _harness import ROOT, argument_parser, list_ungdc, measure, print_table

_CHILD = r"""
import json, pickle, sys, time
case, path = sys.argv[1], sys.argv[2]
import numpy, pandas, scipy, sklearn  # imported before timing in every case
from sklearn.feature_extraction.text import CountVectorizer
import toolkit as tk
from toolkit.counts import count_terms, document_term_matrix
from toolkit.text import TOKEN_PATTERN
with open(path, "rb") as f:
    columns = pickle.load(f)  # doc ids, countries and file paths: small
columns["text"] = texts = [open(p, encoding="utf-8").read() for p in columns.pop("path")]
frame = pandas.DataFrame(columns) if case in ("count_terms", "keyness") else None
start = time.perf_counter()
if case == "texts":
    result = len(texts)
elif case == "cv_default":
    result = int(CountVectorizer().fit_transform(texts).sum())
elif case == "cv_same":
    result = int(CountVectorizer(token_pattern=TOKEN_PATTERN).fit_transform(texts).sum())
elif case == "dtm":
    result = int(document_term_matrix(texts).matrix.sum())
elif case == "count_terms":
    result = len(count_terms(frame, by="country"))
elif case == "keyness":
    from toolkit.keyness import keyness
    dtm = document_term_matrix(frame)
    china = (frame["country"] == "CHN").to_numpy()
    target = pandas.Series(numpy.asarray(dtm.matrix[china].sum(axis=0)).ravel(), index=dtm.terms)
    reference = pandas.Series(numpy.asarray(dtm.matrix[~china].sum(axis=0)).ravel(), index=dtm.terms)
    result = len(keyness(target[target > 0], reference[reference > 0], measure="g2"))
print(json.dumps({"seconds": time.perf_counter() - start, "result": result}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argument_parser(__doc__)
    args = parser.parse_args(argv)
    cases = [
        ("texts only (read into memory)", "texts"),
        ("CountVectorizer (default pattern)", "cv_default"),
        ("CountVectorizer (toolkit's pattern)", "cv_same"),
        ("tk document_term_matrix", "dtm"),
        ("tk count_terms(by='country')", "count_terms"),
    ]
    if (ROOT / "toolkit" / "keyness.py").is_file():
        cases.append(("tk keyness CHN vs rest (dtm + G2)", "keyness"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.pkl"
        n_docs = list_ungdc(args.data, path, ["doc_id", "country"])
        print(f"{n_docs} speeches; each case in a fresh process")
        rows = [(label, *measure(_CHILD, [case, str(path)], args.repeat)) for label, case in cases]
    by_case = {case: row for (label, case), row in zip(cases, rows)}
    ratio = by_case["cv_same"][1] / by_case["dtm"][1]
    ratio_default = by_case["cv_default"][1] / by_case["dtm"][1]
    print_table(
        rows,
        (
            "result: sum of all counts (= tokens), rows, or documents. Peak RSS includes the texts "
            f"(first line). Fastest of {args.repeat} run(s).\n"
            f"CountVectorizer / document_term_matrix wall time: {ratio:.2f}x with the same token pattern, "
            f"{ratio_default:.2f}x with CountVectorizer's default pattern."
        ),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
