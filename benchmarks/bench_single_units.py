"""One long text: what ``stance_rates`` costs with sentences as its units, and with blocks of tokens instead.

The evidence for issue 14's last target (one 50 MB text: ``stance_rates`` within 1.5 times ``count_terms``), in
one run, each case in a fresh process (see ``_harness.py``), in rounds of every case in turn:

- ``count_terms`` on the text (``n_jobs`` workers): the yardstick;
- ``token_table`` alone: the part every design that tokenizes must spend;
- ``stance_rates`` as the toolkit computes it: a one-document group's bootstrap resamples its sentences;
- ``stance_rates`` with blocks of ``--block`` tokens as the one text's units: a **prototype, not the library**
  (it replaces the private ``toolkit._rating._Prepared.units`` for one-document groups read from a token table,
  and turns off the sentences cut ahead, which it does not need). It asks: would another unit meet the target?

Beside each case's wall time: its processor seconds (its process, threads and the workers it forked and reaped,
user and system) and, for the rates, the least wall time that work can take on the cores the process may use
(processor seconds / cores), set against 1.5 times ``count_terms``. The rates' hedge interval is printed, so that
the two units' intervals can be compared.

``--pss`` adds, after the timed rounds, one run of each rates case in which this process samples the summed
proportional set size (PSS, ``/proc/PID/smaps_rollup``) of the case's process and every descendant every 10 ms:
the memory the processes hold together (a forked worker's shared pages are counted once), which the largest
process's peak RSS does not tell. The sampling takes processor time itself, so those runs are not timed.

Usage::

    python benchmarks/bench_single_units.py [--data FOLDER] [--repeat N] [--n-jobs 2] [--mb 50] [--block 100] [--pss]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _harness import (
    CHILD_HELPERS,
    argument_parser,
    available_cores,
    fastest_run,
    list_ungdc,
    measure_rounds,
    print_table,
    sampled_pss,
)

_CHILD = (
    CHILD_HELPERS
    + r"""
import json, pickle, sys, time, warnings
case, path, mb, n_jobs, block = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
import numpy as np, pandas
import toolkit as tk
import toolkit._rating as rating
if case == "sentences":  # what cutting sentences loads (NLTK), before the clock, as `import toolkit` did
    tk.text.prepare_sentences()
with open(path, "rb") as f:
    columns = pickle.load(f)
one = pandas.DataFrame({"doc_id": ["all"], "text": [one_text(columns["path"], mb)]})
warnings.simplefilter("ignore")

library_units = rating._Prepared.units
spent = []  # the prototype's own time: each block_units call's wall seconds

def block_units(self, rows, *, sentences):
    # the prototype: a one-document group read from a token table is cut into blocks of `block` tokens (the
    # last one shorter); a match counts in the block of the token it starts in
    if not sentences or self.table is None or self.table_row is None or int(self.table_row[int(rows[0])]) < 0:
        return library_units(self, rows, sentences=sentences)
    began = time.perf_counter()
    r = int(rows[0])
    _, starts, _ = self.table.doc_tokens(int(self.table_row[r]))
    n = len(starts)
    nb = max(1, -(-n // block))
    tokens = np.full(nb, block, dtype=np.int64)
    tokens[-1] = n - block * (nb - 1)
    keep = self.match_row == r
    tok = np.searchsorted(starts, self.match_start[keep], side="right") - 1
    counts = np.zeros((nb, len(self.categories)), dtype=np.int64)
    np.add.at(counts, (np.maximum(tok, 0) // block, self.match_cat[keep]), 1)
    spent.append(time.perf_counter() - began)
    return counts, tokens, f"block of {block} tokens"

if case.startswith("blocks"):
    # the names the prototype replaces must be the library's (a renamed one would leave the library at work)
    assert callable(vars(rating._Prepared).get("units")) and isinstance(vars(rating).get("AHEAD_MIN"), int)
    rating._Prepared.units = block_units
    rating.AHEAD_MIN = 1 << 62  # no sentences cut ahead: the blocks need none
reset_peak()
wait_for_sampler()
start, cpu = time.perf_counter(), cpu_seconds()
if case == "counts":
    result = len(tk.count_terms(one, n_jobs=n_jobs))
elif case == "table":
    result = tk.token_table(one, n_jobs=n_jobs).n_tokens
else:  # "sentences" or "blocks"
    rates = tk.stance_rates(one, n_resamples=200, non_english="skip", n_jobs=n_jobs)
    hedge = rates[rates["category"] == "hedge"].iloc[0]
    result = f"[{hedge['ci_low']:.3f}, {hedge['ci_high']:.3f}]"
    if spent:  # what placing the matches in their blocks took (the text's token offsets made again)
        result += f" units {sum(spent):.2f} s"
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu, "result": result}))
"""
)


def main(argv: list[str] | None = None) -> int:
    parser = argument_parser(__doc__)
    parser.add_argument("--n-jobs", type=int, default=2, help="worker processes of the toolkit (default: 2)")
    parser.add_argument("--mb", type=float, default=50, help="megabytes of the one text (default: 50)")
    parser.add_argument("--block", type=int, default=100, help="tokens per block in the prototype (default: 100)")
    parser.add_argument("--pss", action="store_true", help="also sample the rates' summed PSS (untimed runs)")
    args = parser.parse_args(argv)
    if args.block < 1:
        parser.error(f"--block must be a whole number of tokens >= 1, got {args.block}")
    jobs, mb = args.n_jobs, args.mb
    cases = [
        (f"one {mb:g} MB text: count_terms, n_jobs={jobs}", "counts"),
        ("  token_table alone", "table"),
        ("  stance_rates, sentences (the toolkit)", "sentences"),
        (f"  stance_rates, {args.block}-token blocks (prototype)", "blocks"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.pkl"
        list_ungdc(args.data, path, ["doc_id"])
        print(f"one text of {mb:g} MB from the UNGDC's speeches; each case in a fresh process")
        case_args = [[case, str(path), str(mb), str(jobs), str(args.block)] for _, case in cases]
        runs = measure_rounds(_CHILD, case_args, args.repeat)
        pss = {
            case: sampled_pss(_CHILD, a)
            for (_, case), a in zip(cases, case_args)
            if args.pss and case in ("sentences", "blocks")
        }
    fastest = [fastest_run(case_runs) for case_runs in runs]
    rows = [
        (label, run[0], max(r[1] for r in case_runs), run[2])
        for (label, _), run, case_runs in zip(cases, fastest, runs)
    ]
    cpu = [run[3] for run in fastest]
    cores = available_cores()
    counts = fastest[0][0]
    lines = [
        "result: the counts' rows, the table's tokens, the rates' hedge interval per 1,000 tokens (the "
        "prototype's: and the wall time its units took, the text's token offsets made again and each match placed "
        "in its block). Peak RSS: the "
        "largest of the case's process and its reaped workers (not their sum). Fastest of "
        f"{args.repeat} run(s), in {args.repeat} round(s) of every case in turn; cpu s: the processor seconds of "
        "the run shown (its process, threads and the workers it forked and reaped, user and system)."
    ]
    for i, (_, case) in enumerate(cases):
        if case not in ("sentences", "blocks"):
            continue
        rounds = ", ".join(f"{r[0] / c[0]:.3f}" for r, c in zip(runs[i], runs[0]))
        lines.append(
            f"{case}: stance_rates / count_terms wall time {fastest[i][0] / counts:.2f} (issue 14 asks for at most "
            f"1.5), round by round {rounds}; its {cpu[i]:.2f} processor seconds take at least "
            f"{cpu[i] / cores:.2f} s on the {cores} cores this process may use: {cpu[i] / cores / counts:.2f} times "
            "count_terms' wall time however they are shared out."
            + (
                f" Summed PSS, sampled every 10 ms: at most {pss[case][0]:.0f} MiB over {pss[case][1]} processes."
                if case in pss
                else ""
            )
        )
    print_table(rows, "\n".join(lines), cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
