"""Past one machine: counts by country, keyness and stance rates of 10 copies of the UNGDC on a Dask cluster.

The corpus is written once as Parquet shards (``toolkit.scale.write_parquet``): the UNGDC's 10,952 speeches
ten times, each copy's doc ids made unique (``<doc_id>#<copy>``), 2.0 GB of text in all. The workers
are given less memory than that (``--memory-limit``, 1 GB each by default), so the corpus cannot be held by
them: each partition is counted where it is read and only the sums travel. Then, on a LocalCluster of 1 and
of 2 worker processes (one thread each):

- ``count_terms(by="country")``, ``compare_groups(by="china", target="CHN", measure="g2")``,
  ``stance_rates(by="country")`` (200 resamples), one after another;
- for each: the wall time; for the run: each worker's peak resident memory (the largest of its monitor's
  samples, taken every 0.5 s) and whether any worker was restarted (its process id changed: a worker killed for memory is
  restarted by its nanny).

The in-memory path is not run on the ten copies (it would need the texts in one process); on one copy the
toolkit's tests compare the two paths result for result. Not a test: machines here are shared and noisy.

Usage::

    python benchmarks/bench_dask.py [--data FOLDER] [--copies 10] [--memory-limit 1GB] [--docs-per-shard 250] [--shards DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import default_data


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker_peak_mb(dask_worker: object) -> float:
    """The largest resident memory of a worker process that its own monitor sampled (every 0.5 s), in MB.

    (``ru_maxrss`` is not used in the workers: a process started from this one may report this one's peak.)
    """
    samples = dask_worker.monitor.quantities["memory"]  # type: ignore[attr-defined]
    return max(samples) / 2**20 if samples else float("nan")


def write_copies(data: str, copies: int, out: Path, docs_per_shard: int) -> tuple[int, float]:
    """The UNGDC ``copies`` times as shards in ``out``: (documents, GB of text)."""
    import toolkit as tk
    from toolkit import scale

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ungdc = tk.load_ungdc(Path(data) / "ungdc")
    ungdc = ungdc.assign(role=ungdc["role"].astype("string"), genre=ungdc["genre"].astype("string"))
    size = float(ungdc["text"].str.len().sum()) * copies / 1e9
    chunks = (ungdc.assign(doc_id=ungdc["doc_id"] + f"#{k}") for k in range(copies))
    table = scale.write_parquet(chunks, out, docs_per_shard=docs_per_shard)
    return int(table["n_docs"].sum()), size


def run(shards: Path, workers: int, memory_limit: str) -> dict[str, object]:
    import distributed

    import toolkit as tk
    from toolkit import scale

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, memory_limit=memory_limit, dashboard_address=None
        )
        client = distributed.Client(cluster)
    try:
        pids = client.run(os.getpid)
        ddf = scale.read_parquet(shards)
        ddf = ddf.assign(china=ddf["country"].where(ddf["country"] == "CHN", "rest"))
        times = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = time.perf_counter()
            counts = tk.count_terms(ddf, by="country")
            times["count_terms(by=country)"] = time.perf_counter() - t
            t = time.perf_counter()
            key = tk.compare_groups(ddf, by="china", target="CHN", reference="rest", measure="g2")
            times["compare_groups(CHN vs rest, g2)"] = time.perf_counter() - t
            t = time.perf_counter()
            rates = tk.stance_rates(ddf, by="country", n_resamples=200, non_english="skip", segments=None)
            times["stance_rates(by=country)"] = time.perf_counter() - t
        peaks = client.run(_worker_peak_mb)
        restarted = [w for w, pid in client.run(os.getpid).items() if pids.get(w) != pid] + [
            w for w in pids if w not in client.scheduler_info()["workers"]
        ]
        return {
            "times": times,
            "peaks": sorted(peaks.values()),
            "restarted": restarted,
            "rows": (len(counts), len(key), len(rates)),
            "client_peak": _peak_mb(),
        }
    finally:
        client.close()
        cluster.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=default_data())
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument(
        "--docs-per-shard", type=int, default=250, help="documents per shard, a partition (default: 250, ~4 MB of text)"
    )
    parser.add_argument("--shards", type=Path, default=None, help="keep the shards here (default: a temporary folder)")
    args = parser.parse_args(argv)
    shards = args.shards or Path(tempfile.mkdtemp(prefix="toolkit-shards-"))
    try:
        if not (shards / "_inputs.json").is_file():
            t = time.perf_counter()
            n_docs, gb = write_copies(args.data, args.copies, shards, args.docs_per_shard)
            print(f"wrote {n_docs:,} documents ({gb:.2f} GB of text) as shards in {time.perf_counter() - t:.1f} s")
        disk = sum(p.stat().st_size for p in shards.glob("part-*.parquet")) / 1e9
        print(f"shards: {len(list(shards.glob('part-*.parquet')))} files, {disk:.2f} GB on disk")
        results = {w: run(shards, w, args.memory_limit) for w in (1, 2)}
        print("\n| measure | 1 worker (s) | 2 workers (s) |\n| --- | --- | --- |")
        for name in results[1]["times"]:
            print(f"| {name} | {results[1]['times'][name]:.1f} | {results[2]['times'][name]:.1f} |")
        total = {w: sum(r["times"].values()) for w, r in results.items()}
        print(f"| all three | {total[1]:.1f} | {total[2]:.1f} |")
        for w, r in results.items():
            peaks = ", ".join(f"{p:,.0f}" for p in r["peaks"])
            print(
                f"\n{w} worker(s), memory limit {args.memory_limit} each: peak RSS per worker {peaks} MB; "
                f"client {r['client_peak']:,.0f} MB; workers restarted: {len(r['restarted'])}; rows {r['rows']}"
            )
    finally:
        if args.shards is None:
            shutil.rmtree(shards, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
