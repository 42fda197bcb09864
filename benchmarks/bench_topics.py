"""Topic models on the comparison corpus and on the full UN General Debate Corpus: time and peak memory.

Cases, each in a fresh process (see ``_harness.py``); the texts are read before
the clock starts, and the clock covers ``tk.fit_topics`` (document-term matrix,
pruning with the defaults ``min_docs=2, max_docs=0.5, stop_words="english"``,
then the scikit-learn fit), k = 20:

- LDA, ``learning_method="batch"`` and ``"online"`` (mini-batches of 128), each with
  ``n_jobs=1`` and ``n_jobs=-1`` (every core);
- NMF (tf-idf, ``init="nndsvda"``, coordinate descent; scikit-learn has no
  ``n_jobs`` for it, BLAS threads are used as they come).

The result column is the mean UMass coherence of the topics (top 10 terms,
documents as contexts; closer to 0 is more coherent), computed after the clock
stops, and the passes the estimator made.

Usage::

    python benchmarks/bench_topics.py [--data FOLDER] [--repeat N] [--ungdc-max-iter N] [--skip-ungdc]

LDA's time grows linearly with its passes over the data (``max_iter``, 10 by
default); ``--ungdc-max-iter`` caps them on the full UNGDC to keep the run short,
and the table says how many were made.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import ROOT, default_data, measure, print_table

_CHILD = r"""
import json, pickle, sys, time
case, path, max_iter = sys.argv[1], sys.argv[2], sys.argv[3]
import numpy, pandas, scipy, sklearn, sklearn.decomposition  # imported before timing in every case
import toolkit as tk
from toolkit.topics import coherence, fit_topics
with open(path, "rb") as f:
    docs = pandas.DataFrame(pickle.load(f))
method, learning, n_jobs = case.split(":")
options = dict(k=20, method=method, seed=0)
if method == "lda":
    options.update(learning_method=learning, n_jobs=int(n_jobs))
if max_iter != "default":
    options["max_iter"] = int(max_iter)
start = time.perf_counter()
model = fit_topics(docs, **options)
seconds = time.perf_counter() - start
umass = coherence(model, docs, measure="umass", top_n=10)["mean"].iloc[0]
print(json.dumps({"seconds": seconds, "result": f"{umass:.3f} ({model.n_iter_} it)"}))
"""

CASES = [
    ("LDA batch,  n_jobs=1", "lda:batch:1"),
    ("LDA batch,  n_jobs=-1", "lda:batch:-1"),
    ("LDA online, n_jobs=1", "lda:online:1"),
    ("LDA online, n_jobs=-1", "lda:online:-1"),
    ("NMF", "nmf:-:-"),
]


_PREPARE = r"""
import pickle, sys, warnings
import toolkit as tk
name, path = sys.argv[1], sys.argv[2]
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    docs = tk.load_comparison_corpus() if name == "comparison" else tk.load_ungdc()
with open(path, "wb") as f:
    pickle.dump({"doc_id": docs["doc_id"].astype(str).tolist(), "text": docs["text"].astype(str).tolist()}, f)
print(len(docs))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=default_data(),
                        help="folder holding ungdc/ and unscon/ (default: $TOOLKIT_DATA or ../shared/corpora)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the fastest is shown")
    parser.add_argument("--ungdc-max-iter", default="default",
                        help="LDA passes on the full UNGDC (default: the model's default, 10)")
    parser.add_argument("--skip-ungdc", action="store_true", help="only the comparison corpus")
    args = parser.parse_args(argv)
    env = dict(os.environ, TOOLKIT_DATA=args.data, PYTHONPATH=str(ROOT))
    corpora = [("comparison", "default")] + ([] if args.skip_ungdc else [("UNGDC", args.ungdc_max_iter)])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, max_iter in corpora:
            path = Path(tmp) / f"{name}.pkl"
            # the corpus is read in its own process: this one stays small, so the children's peak RSS
            # (which on Linux starts from the parent's at fork) is their own
            n_docs = subprocess.run([sys.executable, "-c", _PREPARE, name, str(path)], env=env, check=True,
                                    capture_output=True, text=True).stdout.split()[-1]
            print(f"{name}: {n_docs} documents; LDA max_iter={max_iter}; each case in a fresh process", flush=True)
            for label, case in CASES:
                nmf = case.startswith("nmf")
                passes = "" if max_iter == "default" or nmf else f" [{max_iter} it]"
                row = (f"{name}: {label}{passes}",
                       *measure(_CHILD, [case, str(path), "default" if nmf else max_iter], args.repeat))
                print(row, flush=True)
                rows.append(row)
    print_table(rows, (
        f"k = 20, seed 0; wall time of fit_topics (document-term matrix + fit), fastest of {args.repeat} run(s); "
        f"{os.cpu_count()} cores.\nresult: mean UMass coherence of the topics (top 10 terms), and passes made."
    ))
    return 0


if __name__ == "__main__":
    sys.exit(main())
