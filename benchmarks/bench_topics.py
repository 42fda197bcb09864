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
and the table says how many were made. Peak RSS is the child's own: with
``n_jobs=-1`` the worker processes' memory comes on top.

Results (2 cores shared with other work, so times are +-20%; ``--ungdc-max-iter 3``)::

    case                                             wall s  peak RSS MB         result
    comparison: LDA batch,  n_jobs=1                   6.06          217 -2.283 (10 it)
    comparison: LDA batch,  n_jobs=-1                 10.17          225 -2.087 (10 it)
    comparison: LDA online, n_jobs=1                   6.28          218 -2.523 (10 it)
    comparison: LDA online, n_jobs=-1                 13.60          226 -2.158 (10 it)
    comparison: NMF                                    2.33          216 -1.750 (120 it)
    UNGDC: LDA batch,  n_jobs=1 [3 it]               133.75          882  -1.263 (3 it)
    UNGDC: LDA batch,  n_jobs=-1 [3 it]               95.40          907  -1.236 (3 it)
    UNGDC: LDA online, n_jobs=1 [3 it]               108.36          877  -2.808 (3 it)
    UNGDC: LDA online, n_jobs=-1 [3 it]              108.66          878  -2.903 (3 it)
    UNGDC: NMF                                       120.03          929 -1.536 (97 it)

(The UNGDC document-term matrix alone takes about 13 s: 10,952 x 49,351, 7.2 million
non-zeros; one batch pass of LDA k=20 about 35-40 s on one core.)

Choices, from these numbers:

- **batch learning by default.** Online learning (mini-batches of 128) is no faster
  per pass here (the E-step dominates either way), its topics after the same
  passes are much less coherent on the UNGDC (UMass -2.8 against -1.26), and its
  result depends on document order. Memory is the same: the matrix fits easily
  (under 1 GB for the whole UNGDC), which is where online learning would pay.
- **one process by default (``n_jobs=None``).** On the 524 documents of the
  comparison corpus, starting workers costs more than it saves (10 s against 6 s);
  on the full UNGDC two processes save about 30% (95 s against 134 s for 3 passes).
  But scikit-learn's LDA gives a different (equally valid) result for each
  ``n_jobs``, so ``n_jobs=-1`` would make the topics depend on the machine's
  core count: pass an explicit ``n_jobs=2`` (or more) for large corpora.
- NMF is the fast option on the comparison corpus (2 s) and about as slow as 3
  LDA passes on the UNGDC; its (tf-idf) topics score better on UMass, which
  favours frequent co-occurring words, so the measure does not rank the methods.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import ROOT, argument_parser, measure, print_table

_CHILD = r"""
import json, pickle, sys, time
case, path, max_iter = sys.argv[1], sys.argv[2], sys.argv[3]
import numpy, pandas, scipy, sklearn, sklearn.decomposition  # imported before timing in every case
import toolkit as tk
from toolkit import study
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
    docs = study.load_comparison_corpus() if name == "comparison" else tk.load_ungdc()
with open(path, "wb") as f:
    pickle.dump({"doc_id": docs["doc_id"].astype(str).tolist(), "text": docs["text"].astype(str).tolist()}, f)
print(len(docs))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argument_parser(__doc__)
    parser.add_argument(
        "--ungdc-max-iter", default="default", help="LDA passes on the full UNGDC (default: the model's default, 10)"
    )
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
            n_docs = subprocess.run(
                [sys.executable, "-P", "-c", _PREPARE, name, str(path)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()[-1]
            print(f"{name}: {n_docs} documents; LDA max_iter={max_iter}; each case in a fresh process", flush=True)
            for label, case in CASES:
                nmf = case.startswith("nmf")
                passes = "" if max_iter == "default" or nmf else f" [{max_iter} it]"
                row = (
                    f"{name}: {label}{passes}",
                    *measure(_CHILD, [case, str(path), "default" if nmf else max_iter], args.repeat),
                )
                print(row, flush=True)
                rows.append(row)
    print_table(
        rows,
        (
            f"k = 20, seed 0; wall time of fit_topics (document-term matrix + fit), fastest of {args.repeat} run(s); "
            f"{os.cpu_count()} cores.\nresult: mean UMass coherence of the topics (top 10 terms), and passes made."
        ),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
