"""One long text: what ``stance_rates`` costs with blocks of tokens as its units, and with its sentences.

A group of one document of more than ``toolkit._rating.LONG_TEXT_TOKENS`` tokens (1,000,000) is resampled in
blocks of ``BLOCK_TOKENS`` (1,000) tokens; a shorter one by its sentences. The evidence for that rule and for issue
14's last target (one 50 MB text: ``stance_rates`` within 1.5 times ``count_terms``), in one run, each case in a
fresh process (see ``_harness.py``), in rounds of every case in turn:

- ``count_terms`` on the text (``n_jobs`` workers): the yardstick;
- ``token_table`` alone: the part every design that tokenizes must spend;
- ``stance_rates`` as the library computes it: the text's units are blocks of 1,000 tokens;
- ``stance_rates`` with the text's sentences as its units, as the library computed them before 80b9ee6 (the
  threshold raised above the text's tokens, the sentences cut ahead beside the table as then).

Beside each case's wall time: its processor seconds (its process, threads and the workers it forked and reaped,
user and system) and, for the rates, the least wall time that work can take on the cores the process may use
(processor seconds / cores), set against 1.5 times ``count_terms``. The rates' hedge interval is printed.

Then, untimed, the hedge rate's 95% interval with ``--resamples`` resamples (default 2,000) over the text's
sentences and over blocks of 100, 1,000 and 5,000 tokens, each through the library's own ``stance_rates`` on one
token table: how wide the interval is with each unit. Sentences resampled as if independent ignore how the
markers cluster in passages; the wider intervals of longer blocks measure how much.

``--pss`` adds, after the timed rounds, one run of each rates case in which this process samples the summed
proportional set size (PSS, ``/proc/PID/smaps_rollup``) of the case's process and every descendant every 10 ms:
the memory the processes hold together (a forked worker's shared pages are counted once), which the largest
process's peak RSS does not tell. The sampling takes processor time itself, so those runs are not timed.

Usage::

    python benchmarks/bench_single_units.py [--data FOLDER] [--repeat N] [--n-jobs 2] [--mb 50] [--resamples 2000] [--pss]
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
    run_once,
    sampled_pss,
)

#: The units of the untimed intervals: the sentences, then blocks of these many tokens.
WIDTH_BLOCKS = (100, 1_000, 5_000)

_CHILD = (
    CHILD_HELPERS
    + r"""
import json, pickle, sys, time, warnings
case, path, mb, n_jobs, resamples = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
import numpy as np, pandas
import toolkit as tk
import toolkit._rating as rating
# the names this benchmark sets must be the library's (a renamed one would leave the library's rule at work)
assert all(isinstance(vars(rating).get(n), int) for n in ("LONG_TEXT_TOKENS", "BLOCK_TOKENS", "AHEAD_MAX"))
if case in ("sentences", "widths"):  # what cutting sentences loads (NLTK), before the clock, as `import toolkit` did
    tk.text.prepare_sentences()
with open(path, "rb") as f:
    columns = pickle.load(f)
one = pandas.DataFrame({"doc_id": ["all"], "text": [one_text(columns["path"], mb)]})
warnings.simplefilter("ignore")
if case == "sentences":  # the units before 80b9ee6: the text's sentences, cut ahead beside the table (as then,
    # not in shares without a table: toolkit.hedging.SHARE_MIN, a text whose units were to be blocks)
    rating.LONG_TEXT_TOKENS = rating.AHEAD_MAX = 1 << 62
    assert isinstance(vars(tk.hedging).get("SHARE_MIN"), int)
    tk.hedging.SHARE_MIN = 1 << 62
elif case == "blocks":  # the library's rule, whatever the text's size (a text of --mb 0.3 has fewer tokens)
    rating.LONG_TEXT_TOKENS = 0

def hedge_interval(rates):
    hedge = rates[rates["category"] == "hedge"].iloc[0]
    return hedge["ci_low"], hedge["ci_high"], hedge["unit"]

if case == "widths":  # untimed: the interval over each unit, through the library, on one token table
    table = tk.token_table(one, n_jobs=n_jobs)
    out = []
    for block in (0, *[int(b) for b in sys.argv[6].split(",")]):
        rating.LONG_TEXT_TOKENS = (1 << 62) if block == 0 else 0
        rating.BLOCK_TOKENS = max(block, 1)
        lo, hi, unit = hedge_interval(
            tk.stance_rates(table, categories=["hedge"], n_resamples=resamples, non_english="skip", n_jobs=n_jobs)
        )
        out.append([unit if block == 0 else f"{block}-token blocks", float(lo), float(hi)])
    print(json.dumps({"seconds": 0.0, "cpu": 0.0, "result": out}))
    raise SystemExit(0)
reset_peak()
wait_for_sampler()
start, cpu = time.perf_counter(), cpu_seconds()
if case == "counts":
    result = len(tk.count_terms(one, n_jobs=n_jobs))
elif case == "table":
    result = tk.token_table(one, n_jobs=n_jobs).n_tokens
else:  # "blocks" or "sentences"
    lo, hi, unit = hedge_interval(tk.stance_rates(one, n_resamples=200, non_english="skip", n_jobs=n_jobs))
    result = f"[{lo:.3f}, {hi:.3f}] {unit}"
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu, "result": result}))
"""
)


def main(argv: list[str] | None = None) -> int:
    parser = argument_parser(__doc__)
    parser.add_argument("--n-jobs", type=int, default=2, help="worker processes of the toolkit (default: 2)")
    parser.add_argument("--mb", type=float, default=50, help="megabytes of the one text (default: 50)")
    parser.add_argument(
        "--resamples", type=int, default=2000, help="resamples of the untimed intervals (default: 2000)"
    )
    parser.add_argument("--pss", action="store_true", help="also sample the rates' summed PSS (untimed runs)")
    args = parser.parse_args(argv)
    if args.resamples < 100:
        parser.error(f"--resamples must be a whole number >= 100 (as stance_rates asks), got {args.resamples}")
    jobs, mb = args.n_jobs, args.mb
    cases = [
        (f"one {mb:g} MB text: count_terms, n_jobs={jobs}", "counts"),
        ("  token_table alone", "table"),
        ("  stance_rates, blocks of 1,000 tokens (the toolkit)", "blocks"),
        ("  stance_rates, sentences (the toolkit before 80b9ee6)", "sentences"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.pkl"
        list_ungdc(args.data, path, ["doc_id"])
        print(f"one text of {mb:g} MB from the UNGDC's speeches; each case in a fresh process")
        case_args = [[case, str(path), str(mb), str(jobs), str(args.resamples)] for _, case in cases]
        runs = measure_rounds(_CHILD, case_args, args.repeat)
        pss = {
            case: sampled_pss(_CHILD, a)
            for (_, case), a in zip(cases, case_args)
            if args.pss and case in ("sentences", "blocks")
        }
        widths = run_once(
            _CHILD, ["widths", str(path), str(mb), str(jobs), str(args.resamples), ",".join(map(str, WIDTH_BLOCKS))]
        )[2]
    fastest = [fastest_run(case_runs) for case_runs in runs]
    rows = [
        (label, run[0], max(r[1] for r in case_runs), run[2])
        for (label, _), run, case_runs in zip(cases, fastest, runs)
    ]
    cpu = [run[3] for run in fastest]
    cores = available_cores()
    counts = fastest[0][0]
    lines = [
        "result: the counts' rows, the table's tokens, the rates' hedge interval per 1,000 tokens and its unit. "
        "Peak RSS: the largest of the case's process and its reaped workers (not their sum). Fastest of "
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
    lines.append(
        f"the hedge rate's {args.resamples}-resample 95% interval per 1,000 tokens (untimed, one token table): "
        + "; ".join(f"{unit} [{lo:.3f}, {hi:.3f}], {hi - lo:.3f} wide" for unit, lo, hi in widths)
        + "."
    )
    print_table(rows, "\n".join(lines), cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
