"""The whole measure set against CountVectorizer alone, on the full UNGDC and on fractions of it.

The yardstick of issue 14: in one run, each case in a fresh process (see ``_harness.py``), on the same
texts (the UNGDC speeches, read from their files before the clock starts):

- ``texts only``: the docs frame of the texts in memory (the floor every toolkit case stands on; pandas 3
  keeps its strings in a pyarrow column);
- ``CountVectorizer``: scikit-learn's ``fit_transform`` with its default pattern, as most people call it,
  on the texts as a list of Python strings (no frame);
- ``toolkit pipeline``: what the notebooks ask of the toolkit together, on one token table
  (:func:`toolkit.token_table`, made once with ``n_jobs`` workers): ``count_terms(by="country")``,
  the keyness of China's speeches against all others (``compare_groups``, G2) and
  ``stance_rates(by="country")`` (the default method, 200 bootstrap resamples: the resampling is not
  what is measured), with ``n_jobs`` workers and with one;
- the table alone, then the table plus each measure, to see where the time goes;
- the three calls on the frame itself with one process, as releases before 0.2 ran them (each
  tokenizes the texts again);
- one text of ``--single-mb`` megabytes (the speeches joined by blank lines, cut there): ``count_terms``
  and ``stance_rates`` on it with ``n_jobs`` workers (one document; of more than 1,000,000 tokens, so its
  bootstrap's units are blocks of 1,000 tokens, ``toolkit._rating.LONG_TEXT_TOKENS``; its matches are found
  by the workers, the text cut into pieces); then the two parts of ``stance_rates`` on it, each alone: the
  token table, and ``stance_rates`` of that table made before the clock (the markers, their blocks and the
  bootstrap). Their wall times add up to what ``stance_rates`` does in turn.

Each case's processor seconds (``cpu s``: its process and threads, and the workers it forked and reaped, user
and system) are printed beside its wall time: on the 50 MB text, the processor seconds of ``stance_rates``
divided by the cores it may use are the least time its work, as it is built, could take however well it
were shared out, set against issue 14's 1.5 times ``count_terms``.

``--repeat N`` runs every case N times, in N rounds of every case in turn (the table shows each case's
fastest run; the ratios are also given round by round: the machine's speed drifts, and both cases of a
round run in the same minutes).

Before each round and after the last, two processes spin at once and one alone (:func:`_harness.two_at_once`):
their ratio, printed, tells whether the shared machine gave the run its two cores (about 1) or one at a time
(about 2), which weighs on the ``n_jobs=2`` cases and not on CountVectorizer or ``count_terms`` of one text.

``--pss`` then runs the pipelines on the whole corpus (``n_jobs`` workers and one), the table plus
``stance_rates`` and the one text's ``stance_rates`` once more each, untimed, sampling the summed proportional
set size of each case's processes every 10 ms (:func:`_harness.sampled_pss`): the memory its process and its
workers hold together, which the peak RSS column (the largest process) does not tell.

``--fractions 0.25 0.5 1`` runs the pipeline on the first quarter, half and all of the speeches (in
file order) to show how time grows with the corpus. The libraries a case uses are loaded before its clock starts: ``import
toolkit`` leaves NLTK out, and a case that cuts sentences (the pipeline where a country has one speech, in the
first quarter and half) loads it first (``toolkit.text.prepare_sentences``), as ``import toolkit`` once did; a case
that does not need it (the whole corpus, ``count_terms``, the table, the single text of 50 MB, whose units are
blocks) does not hold its memory. (A single text of fewer than 1,000,000 tokens, ``--single-mb`` 5 or less, is
cut into sentences: its ``stance_rates`` then loads NLTK on the clock.)

Usage::

    python benchmarks/bench_pipeline.py [--data FOLDER] [--repeat N] [--fractions 0.25 0.5 1] [--n-jobs 2] [--single-mb 50] [--pss]
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
case, path, fraction, n_jobs = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
import numpy, pandas, scipy  # imported before timing in every case
if case == "cv":  # scikit-learn in its own case only: `import toolkit` does not import it, nor its memory
    from sklearn.feature_extraction.text import CountVectorizer
import toolkit as tk
with open(path, "rb") as f:
    columns = pickle.load(f)  # doc ids, countries and file paths: small
n = max(1, int(round(len(columns["path"]) * fraction)))
columns = {k: v[:n] for k, v in columns.items()}
if case.startswith("single"):  # read only the speeches that make the one text of `fraction` megabytes
    text = one_text(columns["path"], fraction)
    frame = None
else:
    columns["text"] = texts = [open(p, encoding="utf-8").read() for p in columns.pop("path")]
    if case != "cv":  # CountVectorizer takes the list; the toolkit a docs frame, which holds the texts itself
        frame = pandas.DataFrame(columns)  # (pandas >= 3 copies them into a pyarrow string column)
        frame["china"] = numpy.where(frame["country"] == "CHN", "CHN", "rest")
        del texts, columns
        if case != "texts" and (frame["country"].value_counts() == 1).any():
            # a country of one speech: stance_rates cuts its sentences, which loads NLTK (about 1 s), once a
            # process; before the clock, as `import toolkit` did (the whole corpus has none, and does not load it)
            tk.text.prepare_sentences()
warnings.simplefilter("ignore")  # the rates' notes on single-unit groups
reset_peak()
if not case.startswith("single"):  # (those wait below, once their one text is made)
    wait_for_sampler()
start, cpu = time.perf_counter(), cpu_seconds()
if case == "texts":
    result = len(frame)
elif case == "cv":
    result = int(CountVectorizer().fit_transform(texts).sum())
elif case.startswith("single"):  # the speeches as one text of `fraction` megabytes
    one = pandas.DataFrame({"doc_id": ["all"], "text": [text]})
    del text
    if case == "single_rates":  # the table before the clock: the rates of a table made already
        table = tk.token_table(one, n_jobs=n_jobs)
    reset_peak()
    wait_for_sampler()
    start, cpu = time.perf_counter(), cpu_seconds()
    if case == "single_counts":
        result = len(tk.count_terms(one, n_jobs=n_jobs))
    elif case == "single_hedging":
        result = len(tk.stance_rates(one, n_resamples=200, non_english="skip", n_jobs=n_jobs))
    elif case == "single_table":
        result = tk.token_table(one, n_jobs=n_jobs).n_tokens
    elif case == "single_rates":
        result = len(tk.stance_rates(table, n_resamples=200, non_english="skip", n_jobs=n_jobs))
elif case == "table":
    result = tk.token_table(frame, n_jobs=n_jobs).n_tokens
elif case in ("pipeline", "counts", "keyness", "hedging"):
    # tokenize once: every measure reads the table
    source = tk.token_table(frame, n_jobs=n_jobs) if n_jobs > 1 or case == "pipeline" else frame
    if case in ("pipeline", "counts"):
        result = len(tk.count_terms(source, by="country"))
    if case in ("pipeline", "keyness"):
        result = len(tk.compare_groups(source, by="china", target="CHN", reference="rest", measure="g2"))
    if case in ("pipeline", "hedging"):
        result = len(tk.stance_rates(source, by="country", n_resamples=200, non_english="skip", n_jobs=n_jobs))
elif case == "separate":  # the same three calls on the frame: each tokenizes again
    result = len(tk.count_terms(frame, by="country"))
    result = len(tk.compare_groups(frame, by="china", target="CHN", reference="rest", measure="g2"))
    result = len(tk.stance_rates(frame, by="country", n_resamples=200, non_english="skip", n_jobs=n_jobs))
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu, "result": result}))
"""
)


def main(argv: list[str] | None = None) -> int:
    parser = argument_parser(__doc__)
    parser.add_argument(
        "--fractions",
        type=float,
        nargs="+",
        default=[1.0],
        help="fractions of the corpus to run the pipeline on (default: 1)",
    )
    parser.add_argument("--n-jobs", type=int, default=2, help="worker processes of the toolkit (default: 2)")
    parser.add_argument(
        "--single-mb",
        type=float,
        default=50,
        help="also count and rate one text of this many megabytes (the speeches joined; 0: skip)",
    )
    parser.add_argument(
        "--pss",
        action="store_true",
        help="then run the pipelines and the rates once more, untimed, sampling their processes' summed PSS",
    )
    args = parser.parse_args(argv)
    full = max(args.fractions)
    jobs = args.n_jobs
    cases = [("texts only (read into memory)", "texts", full, 1), ("CountVectorizer (default pattern)", "cv", full, 1)]
    cases += [
        (f"toolkit pipeline, n_jobs={jobs}, {f:g} of the corpus", "pipeline", f, jobs) for f in sorted(args.fractions)
    ]
    cases += [
        ("toolkit pipeline, n_jobs=1", "pipeline", full, 1),
        ("  token_table alone", "table", full, jobs),
        ("  + count_terms(by='country')", "counts", full, jobs),
        ("  + compare_groups CHN vs rest", "keyness", full, jobs),
        ("  + stance_rates(by='country')", "hedging", full, jobs),
        ("three calls on the frame, n_jobs=1 (each tokenizes)", "separate", full, 1),
    ]
    if args.single_mb:
        cases += [
            (f"one {args.single_mb:g} MB text: count_terms, n_jobs={jobs}", "single_counts", args.single_mb, jobs),
            (f"one {args.single_mb:g} MB text: stance_rates, n_jobs={jobs}", "single_hedging", args.single_mb, jobs),
            ("  its part alone: token_table", "single_table", args.single_mb, jobs),
            ("  its part alone: stance_rates of the table", "single_rates", args.single_mb, jobs),
        ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.pkl"
        n_docs = list_ungdc(args.data, path, ["doc_id", "country"])
        print(f"{n_docs} speeches; each case in a fresh process")
        probes: list[float] = []
        runs = measure_rounds(
            _CHILD,
            [[case, str(path), str(fraction), str(n_jobs)] for _, case, fraction, n_jobs in cases],
            args.repeat,
            probes,
        )
        sampled = [
            (
                label.replace("  + ", "the table + ").strip(),
                sampled_pss(_CHILD, [case, str(path), str(fraction), str(n_jobs)]),
            )
            for label, case, fraction, n_jobs in cases
            if args.pss and (case in ("pipeline", "hedging", "single_hedging") and fraction in (full, args.single_mb))
        ]
    rows = [
        (label, min(r[0] for r in case_runs), max(r[1] for r in case_runs), case_runs[-1][2])
        for (label, *_), case_runs in zip(cases, runs)
    ]

    def cpu_of(case_runs: list) -> float:
        """The processor seconds of a case's fastest run (every case of this benchmark prints them)."""
        return fastest_run(case_runs)[3]

    cpu = [cpu_of(case_runs) for case_runs in runs]
    by = {(case, fraction, n_jobs): case_runs for (_, case, fraction, n_jobs), case_runs in zip(cases, runs)}

    def fastest(case: tuple) -> float:
        """The wall time of a case's fastest run."""
        return min(r[0] for r in by[case])

    def ratios(top: tuple, bottom: tuple) -> tuple[float, str]:
        """The ratio of the fastest runs of two cases, and the ratios of each round's runs."""
        rounds = ", ".join(f"{x[0] / y[0]:.3f}" for x, y in zip(by[top], by[bottom]))  # 0.50 could be over 0.5
        return fastest(top) / fastest(bottom), rounds

    pipeline, pipeline_rounds = ratios(("pipeline", full, jobs), ("cv", full, 1))
    single = ""
    if args.single_mb:
        one, one_rounds = ratios(("single_hedging", args.single_mb, jobs), ("single_counts", args.single_mb, jobs))
        parts = [fastest((c, args.single_mb, jobs)) for c in ("single_table", "single_rates")]
        part_cpu = [cpu_of(by[(c, args.single_mb, jobs)]) for c in ("single_table", "single_rates")]
        counts = fastest(("single_counts", args.single_mb, jobs))
        hedging, counting = (cpu_of(by[(c, args.single_mb, jobs)]) for c in ("single_hedging", "single_counts"))
        # the CPUs the cases may run on (as toolkit._parallel.available_cpus reads them), not n_jobs: stance_rates
        # may run more processes than n_jobs at once (a shorter text's sentences are cut beside the markers' workers)
        cores = available_cores()
        single = (
            f"\none text: stance_rates / count_terms wall time: {one:.2f} (issue 14 asks for at most 1.5, "
            f"under 1 GB); round by round: {one_rounds}. Its two parts, each alone (the table; stance_rates of "
            f"that table: the markers, their blocks, the bootstrap), {' + '.join(f'{p:.2f}' for p in parts)} = "
            f"{sum(parts):.2f} s: {sum(parts) / counts:.2f} times count_terms; of processors "
            f"{' + '.join(f'{p:.2f}' for p in part_cpu)} = {sum(part_cpu):.2f} s.\n"
            f"one text: stance_rates' fastest run kept the processors busy {hedging:.2f} s (its process, "
            f"threads and workers; count_terms' {counting:.2f} s): "
            f"on the {cores} cores this process may use, that work takes at least {hedging / cores:.2f} s "
            "however it is shared out, "
            f"{hedging / cores / counts:.2f} times count_terms' wall time."
        )
    print_table(
        rows,
        (
            "result: documents, sum of all counts, tokens, or rows of the last table. Peak RSS: from the start of "
            "the case's work (reset by /proc/self/clear_refs once the texts are read), the largest of the case's "
            "process and its reaped workers (os.wait4), not their sum; forked workers share the main process's "
            "pages. It includes the texts the case holds (first line: the docs frame; CountVectorizer: a list). "
            f"Fastest of {args.repeat} run(s), taken in {args.repeat} round(s) of every case in turn.\n"
            f"toolkit pipeline (n_jobs={jobs}) / CountVectorizer wall time: {pipeline:.2f} (issue 14 asks for "
            f"at most 0.5, with a peak RSS of at most 1 GB); round by round: {pipeline_rounds}.\n"
            "cpu s: the processor seconds of the run shown (its process, its threads, the workers it forked and "
            "reaped), "
            "user and system.\n"
            "the machine's two cores, before each round and after the last: two processes spinning at once took "
            f"{', '.join(f'{p:.2f}' for p in probes)} times one alone (1: both cores free; 2: one at a time)."
            + single
            + "".join(
                f"\nsummed PSS of {label} (sampled every 10 ms in an untimed run): at most {mib:.0f} MiB = "
                f"{mib * 1.048576:.0f} MB, over {n} process{'es' if n > 1 else ''}."
                for label, (mib, n) in sampled
            )
        ),
        cpu,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
