"""Past one machine: the same measures on a Dask DataFrame of documents, for corpora larger than memory.

The analyses of the toolkit are sums over documents (term counts, token totals, match counts) followed by
statistics on those small sums. On a :mod:`dask.dataframe` of documents (the docs schema, partitioned by
file or by shard), each partition is counted where it lies, the partial sums are added pairwise in a tree
(``split_every`` at a time) on the workers, and only the sums come back: ``count_terms``,
``compare_groups`` and ``document_term_matrix`` return the very frames (and matrix) of the in-memory path,
sum for sum; ``tk.count_terms(ddf)`` and friends call these functions for a Dask DataFrame. ``dispersion``
takes a second pass (each partition's deviations from the corpus's sums). Topic models stream:
``tk.TopicModel(learning_method="online").fit(ddf)`` learns the vocabulary (:func:`vocabulary`), then feeds
the partitions' counts (:func:`partition_matrices`) to online LDA's ``partial_fit``, and computes the
documents' proportions where they lie (:func:`map_matrices`).

Where the data comes from:

- :func:`write_parquet` turns a folder of statements (or a docs frame) into Parquet shards of the docs
  schema, once, with a record of every input (``_inputs.json``: the documents written, the files and rows
  left out and why, what was ignored), so that later runs do not parse headers again;
- :func:`read_parquet` reads the shards as a Dask DataFrame (one partition per shard);
- :func:`read_files` reads a folder of statements directly, one partition per file, and gives the
  documents left out as a second Dask DataFrame from the same reads.

Dask runs the same code on a laptop (``distributed.LocalCluster``), a SLURM or PBS cluster
(``dask_jobqueue``) or any scheduler (``distributed.Client("tcp://...")``): create the client, then call
the measures; they use the client that is current. Dask is an optional dependency:
``pip install 'diplomatic-discourse-toolkit[dask]'``.
"""

from __future__ import annotations

import json
import os
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from toolkit._dispatch import is_dask
from toolkit._groups import groups as _groups
from toolkit._inputs import doc_threshold, free_of, frequency_keep, stop_word_set
from toolkit._io import atomic_path, atomic_write
from toolkit._rating import _Prepared, _rates_of, _token_accounting, _warn_single_unit
from toolkit._validation import (
    check_columns,
    check_confidence,
    check_count,
    check_one_of,
    check_seed,
    check_unique_ids,
    warn_skipped,
)
from toolkit._voicing import check_voices
from toolkit.concordance import kwic as _in_memory_kwic
from toolkit.corpus import corpus_files, read_corpus
from toolkit.counts import (
    COUNT_COLUMNS,
    DISPERSION_COLUMNS,
    DocumentTermMatrix,
    count_rows,
    dispersion_rows,
    dispersion_values,
    group_sums,
)
from toolkit.counts import document_term_matrix as _in_memory_dtm
from toolkit.hedging import CATEGORIES
from toolkit.hedging import find_stance as _in_memory_find_stance
from toolkit.hedging._lexicon import checked_categories
from toolkit.keyness import RESULT_COLUMNS, compare_sums, compared_groups
from toolkit.rates import OWN_VOICES, RATE_COLUMNS
from toolkit.schema import DOC_COLUMNS, as_docs
from toolkit.tokentable import token_table

__all__ = [
    "SPLIT_EVERY",
    "compare_groups",
    "count_terms",
    "dispersion",
    "document_term_matrix",
    "find_stance",
    "kwic",
    "map_matrices",
    "partition_matrices",
    "read_files",
    "read_parquet",
    "skipped_inputs",
    "stance_rates",
    "vocabulary",
    "write_parquet",
]

#: Partial sums added together at each step of the tree reduction.
SPLIT_EVERY: int = 8
#: The record of :func:`write_parquet` beside the shards.
INPUTS_FILE = "_inputs.json"
_SKIPPED_COLUMNS = ("file", "line", "doc_id", "problem")


def _dask() -> Any:
    try:
        import dask
        import dask.dataframe
    except ImportError as err:  # pragma: no cover - dask is in the lock file
        raise ImportError(
            "toolkit.scale needs Dask: pip install 'diplomatic-discourse-toolkit[dask]' (dask[dataframe], "
            "distributed, pyarrow)."
        ) from err
    return dask


def _check_frame(ddf: Any, columns: Sequence[str], *, function: str) -> None:
    """A Dask DataFrame with ``columns``: its meta is read, nothing computed."""
    if not is_dask(ddf) or not hasattr(ddf, "to_delayed"):
        raise ValueError(f"{function}: expected a Dask DataFrame of documents, got {type(ddf).__name__}.")
    check_columns(ddf._meta, columns)


# --------------------------------------------------------------------------- reading and writing


def _empty_docs() -> pd.DataFrame:
    return as_docs(pd.DataFrame({c: [] for c in DOC_COLUMNS}).astype({"doc_id": "string", "text": "string"}))


def _read_one(file: str, schema_only: bool = True, delimiter: str = ",") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents of one file (the docs schema's columns, or all of them) and the rows left out of it."""
    with warnings.catch_warnings():  # the rows left out are returned, and reported once by the caller
        warnings.filterwarnings("ignore", message="read_corpus skipped", category=UserWarning)
        docs = read_corpus(file, errors="skip", delimiter=delimiter)
    rows = [{c: s.get(c) for c in _SKIPPED_COLUMNS} for s in docs.attrs.get("skipped", [])]
    skipped = pd.DataFrame(rows, columns=_SKIPPED_COLUMNS).astype(_read_skipped_meta().dtypes.to_dict())
    skipped["file"] = skipped["file"].fillna(file)
    frame = (docs[list(DOC_COLUMNS)] if schema_only else docs) if len(docs) else _empty_docs()
    return frame.reset_index(drop=True), skipped


def read_files(path: str | os.PathLike[str], *, delimiter: str = ",") -> tuple[Any, Any]:
    """Read a folder of statements as a Dask DataFrame, one partition per file.

    Each file is read by :func:`toolkit.read_corpus` (``errors="skip"``) on a worker: the same formats,
    checks and messages as in memory.

    Parameters
    ----------
    path : str or Path
        A folder (searched recursively, as :func:`toolkit.read_corpus` does).
    delimiter : str, default ","
        Between the fields of its ``.csv`` files, as in :func:`toolkit.read_corpus`.

    Returns
    -------
    docs : dask.dataframe.DataFrame
        The documents, with the columns of :data:`toolkit.DOC_COLUMNS`.
    skipped : dask.dataframe.DataFrame
        The rows left out (``file``, ``line``, ``doc_id``, ``problem``), from the same reads:
        compute them with a result (``dask.compute(result, skipped)``) to read each file once.

    Raises
    ------
    ValueError
        ``path`` is not a folder.
    FileNotFoundError
        ``path`` holds no file to read (only READMEs, hidden files or links to folders read already), as
        :func:`toolkit.read_corpus`. A file of a kind the reader does not know is in ``skipped``, with how to
        convert it.

    Notes
    -----
    Each file is read alone, so a doc_id repeated in two files is not caught here (the measures that need
    unique ids check them); :func:`write_parquet` refuses it, naming both files. Files left aside (READMEs,
    hidden files, links to what is read anyway) are not read: :func:`toolkit.corpus_files` lists them.
    """
    dask = _dask()
    import dask.dataframe as dd

    root = Path(path)
    if not root.is_dir():
        raise ValueError(f"read_files: {root} is not a folder; pass the folder of statements.")
    files, ignored = corpus_files(root)
    if not files:  # as read_corpus: a folder with nothing to read is an error, not an empty corpus
        aside = f" ({len(ignored)} README, hidden or linked entries are not read)" if ignored else ""
        raise FileNotFoundError(
            f"read_files: {root} holds no file to read{aside}; read_corpus reads .txt and .md files with a "
            "metadata header, .csv and .jsonl files."
        )
    reads = [dask.delayed(_read_one, pure=True)(str(f), True, delimiter) for f in files]
    docs_meta = _empty_docs()
    skipped_meta = _read_skipped_meta()
    docs = dd.from_delayed([r[0] for r in reads], meta=docs_meta, verify_meta=False)
    skipped = dd.from_delayed([r[1] for r in reads], meta=skipped_meta, verify_meta=False)
    return docs, skipped


def _read_skipped_meta() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in _SKIPPED_COLUMNS}).astype(
        {"file": "string", "line": "Int64", "doc_id": "string", "problem": "string"}
    )


def write_parquet(
    source: str | os.PathLike[str] | pd.DataFrame | Iterable[pd.DataFrame],
    out_dir: str | os.PathLike[str],
    *,
    docs_per_shard: int = 2000,
    delimiter: str = ",",
) -> pd.DataFrame:
    """Write documents as Parquet shards of the docs schema, with a record of every input.

    Parameters
    ----------
    source : folder, docs frame or iterable of docs frames
        A folder of statements (each file read by :func:`toolkit.read_corpus` with ``errors="skip"``, one
        file at a time: the folder need not fit in memory), a docs frame, or docs frames one after another
        (e.g. the chunks of a large table).
    out_dir : str or Path
        The folder of the shards (``part-00000.parquet``, ...) and of ``_inputs.json``; created if missing.
        Shards already there are replaced.
    docs_per_shard : int, default 2000
        Documents per shard (the last holds the rest): a shard is a partition of :func:`read_parquet`.
        Keep a shard to a few MB of text when workers have little memory (250 UNGDC speeches, ~4 MB, ran
        in 1 GB workers; 1,000 did not).
    delimiter : str, default ","
        For a folder: between the fields of its ``.csv`` files, as in :func:`toolkit.read_corpus`.

    Notes
    -----
    Only the columns of the docs schema (:data:`toolkit.DOC_COLUMNS`) are written, so that every shard has
    the same columns; a loader's further columns (``session``, ``selection``, ...) are not kept. Give a
    column you will group by a place in the schema (e.g. ``venue``), or keep the frame in memory.

    Returns
    -------
    DataFrame
        One row per shard: ``shard`` (file name), ``n_docs``, ``first_doc_id``, ``last_doc_id``.
        ``attrs["inputs"]`` is the record written to ``_inputs.json``: the documents written, the rows
        and files left out (``skipped``: file, line, doc_id, problem), the files ignored and the columns
        left out (``columns_left_out``); read from a folder or file, the files read (``files``: the shards keep
        the schema's columns, not read_corpus's ``file``).

    Raises
    ------
    ValueError
        A bad ``docs_per_shard``; a doc_id found twice across the inputs (named, with both files when read
        from a folder or file, else with both shards), before any shard is kept.
    """
    if isinstance(docs_per_shard, bool) or not isinstance(docs_per_shard, int) or docs_per_shard < 1:
        raise ValueError(f"docs_per_shard={docs_per_shard!r} is invalid; must be an integer >= 1.")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # the record goes first and comes back last: shards without it are an unfinished write (read_parquet says so)
    (out / INPUTS_FILE).unlink(missing_ok=True)
    for old in out.glob("part-*.parquet"):
        old.unlink()
    skipped: list[dict[str, Any]] = []
    ignored: list[dict[str, Any]] = []
    if isinstance(source, (str, os.PathLike)):
        root = Path(source)
        files, ignored = corpus_files(root)

        def frames() -> Iterable[pd.DataFrame]:
            for f in files:
                docs, gone = _read_one(str(f), False, delimiter)  # its other columns are named, not lost
                skipped.extend(gone.astype(object).where(gone.notna(), None).to_dict("records"))
                # where each document comes from, as read_corpus names it (for a doc_id met twice)
                docs["file"] = f.relative_to(root).as_posix() if root.is_dir() else f.name
                yield docs

        chunks: Iterable[pd.DataFrame] = frames()
    elif isinstance(source, pd.DataFrame):
        chunks = [source]
    else:
        chunks = source
    rows: list[tuple[str, int, str, str]] = []
    seen: dict[str, str] = {}
    buffer: list[pd.DataFrame] = []
    n_buffered = 0

    def flush(last: bool) -> None:
        nonlocal buffer, n_buffered
        while n_buffered >= docs_per_shard or (last and n_buffered):
            frame = pd.concat(buffer, ignore_index=True) if len(buffer) > 1 else buffer[0].reset_index(drop=True)
            shard, rest = frame.iloc[:docs_per_shard], frame.iloc[docs_per_shard:]
            name = f"part-{len(rows):05d}.parquet"
            twice = shard["doc_id"][shard["doc_id"].duplicated()]
            if len(twice):
                raise ValueError(f"write_parquet: doc_id {twice.iloc[0]!r} is twice in {name}; doc_ids must be unique.")
            for d in shard["doc_id"]:
                if d in seen:
                    raise ValueError(
                        f"write_parquet: doc_id {d!r} is in {seen[d]} and again in {name}; doc_ids must be unique."
                    )
                seen[d] = name
            with atomic_path(out / name) as tmp:
                shard.to_parquet(tmp, index=False)
            rows.append((name, len(shard), str(shard["doc_id"].iloc[0]), str(shard["doc_id"].iloc[-1])))
            buffer, n_buffered = ([rest] if len(rest) else []), len(rest)

    left_out: dict[str, None] = {}  # columns outside the docs schema, in the order first seen
    from_files = isinstance(source, (str, os.PathLike))  # the readers add `file`: the record lists the files
    where: dict[str, str] = {}  # each doc_id's input file, when read from files
    try:
        for chunk in chunks:
            checked = as_docs(chunk, name="source")
            if from_files:
                for d, f in zip(checked["doc_id"].tolist(), checked["file"].tolist()):
                    if d in where:  # named by the inputs that hold it, before any shard is written with it
                        raise ValueError(
                            f"write_parquet: doc_id {d!r} is in {where[d]} and again in {f}; doc_ids must be "
                            "unique: give one of them another doc_id, or move one file out of the folder."
                        )
                    where[d] = str(f)
            extra = (c for c in checked.columns if c not in DOC_COLUMNS and not (from_files and c == "file"))
            left_out.update(dict.fromkeys(extra))
            docs = checked[list(DOC_COLUMNS)]
            if len(docs):
                buffer.append(docs)
                n_buffered += len(docs)
                flush(last=False)
        flush(last=True)
    except BaseException:  # no half-written set of shards is left to be read as a whole one
        for shard in out.glob("part-*.parquet"):
            shard.unlink()
        raise
    record = {
        "documents": sum(r[1] for r in rows),
        "shards": len(rows),
        "skipped": skipped,
        "ignored": [{k: str(v) for k, v in i.items()} for i in ignored],
        "columns_left_out": list(left_out),
    }
    if from_files:  # the files whose documents were written (the shards hold the schema's columns only)
        record["files"] = sorted(set(where.values()))
    with atomic_write(out / INPUTS_FILE, "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=1, default=str)
    table = pd.DataFrame(rows, columns=["shard", "n_docs", "first_doc_id", "last_doc_id"])
    table.attrs["inputs"] = record
    if left_out:
        warnings.warn(
            f"write_parquet left out the column(s) {', '.join(map(repr, left_out))}, which are not in the docs "
            "schema (toolkit.DOC_COLUMNS): every shard has the schema's columns only. To group by one of them, "
            "put its values in a schema column (e.g. venue) before writing, or keep the frame in memory.",
            UserWarning,
            stacklevel=2,
        )
    # a file that holds no document has no doc_id: the warning names the file
    warn_skipped("write_parquet", [{**r, "doc_id": r.get("doc_id") or Path(str(r["file"])).name} for r in skipped])
    return table


def read_parquet(path: str | os.PathLike[str]) -> Any:
    """The shards of :func:`write_parquet` as a Dask DataFrame of the docs schema, one partition per shard.

    Raises
    ------
    ValueError
        ``path`` holds no shard, or a shard lacks a column of the docs schema.
    """
    _dask()
    import dask.dataframe as dd

    root = Path(path)
    shards = sorted(root.glob("part-*.parquet"))
    if not shards:
        raise ValueError(f"read_parquet: {root} holds no part-*.parquet shard; write them with write_parquet.")
    if not (root / INPUTS_FILE).is_file():
        raise ValueError(
            f"read_parquet: {root} has shards but no {INPUTS_FILE}: the write that made them did not finish. "
            "Run write_parquet again."
        )
    ddf = dd.read_parquet([str(s) for s in shards])
    check_columns(ddf._meta, DOC_COLUMNS, name=f"the shards in {root}")
    return ddf


def skipped_inputs(path: str | os.PathLike[str]) -> pd.DataFrame:
    """What :func:`write_parquet` left out of the shards in ``path``: ``file``, ``line``, ``doc_id``, ``problem``."""
    record = json.loads((Path(path) / INPUTS_FILE).read_text(encoding="utf-8"))
    return pd.DataFrame(record["skipped"], columns=list(_SKIPPED_COLUMNS))


# --------------------------------------------------------------------------- partial sums, added in a tree


@dataclass
class _Sums:
    """Term sums by group of some documents: rows of ``keys`` (the groups) x sorted ``terms``."""

    keys: pd.DataFrame  # one row per group: the by columns (or "group")
    terms: np.ndarray  # sorted, object
    counts: sp.csr_matrix  # groups x terms, int64
    doc_freq: sp.csr_matrix  # groups x terms, int32 or int64, the pattern of counts
    totals: np.ndarray  # tokens of each group, int64
    n_docs: np.ndarray  # documents of each group, int64
    empty: list[tuple[str, int]]  # (doc_id, group row) of each document without a token, in document order


def _partition_sums(
    part: pd.DataFrame, by: str | Sequence[str] | None, ngram: Any, lowercase: bool, stop_words: Any
) -> _Sums:
    grouping = _groups(part, by)
    keys = grouping.keys
    if not len(part):
        z = sp.csr_matrix((len(keys), 0), dtype=np.int64)
        return _Sums(
            keys,
            np.array([], dtype=object),
            z,
            z.copy(),
            np.zeros(len(keys), np.int64),
            np.zeros(len(keys), np.int64),
            [],
        )
    dtm = _partition_dtm(part, ngram, lowercase, stop_words)
    codes = grouping.codes
    counts, doc_freq, totals = group_sums(dtm.matrix.astype(np.int64), codes, len(keys), dtm.totals)
    n_docs = np.bincount(codes, minlength=len(keys)).astype(np.int64)
    zero = np.flatnonzero(np.asarray(dtm.totals) == 0)
    empty = [(str(part["doc_id"].iloc[i]), int(codes[i])) for i in zero]
    return _Sums(keys, np.asarray(dtm.terms, dtype=object), counts, doc_freq, totals, n_docs, empty)


def _partition_dtm(part: pd.DataFrame, ngram: Any, lowercase: bool, stop_words: Any) -> DocumentTermMatrix:
    """A partition's counts of every term but the stop words. The stop words are taken out here, not by the
    matrix's own pruning: a partition whose every term is a stop word has no term left, which is an error for a
    corpus but not for a part of one."""
    dtm = _in_memory_dtm(part[["doc_id", "text"]], ngram=ngram, lowercase=lowercase)
    stops = stop_word_set(stop_words)
    if stops:
        kept = np.flatnonzero(free_of(np.asarray(dtm.terms, dtype=object), stops))
        dtm = DocumentTermMatrix(dtm.matrix[:, kept].tocsr(), dtm.terms[kept], dtm.doc_ids, dtm.totals)
    return dtm


def _add(parts: list[_Sums], by: str | Sequence[str] | None) -> _Sums:
    """The sums of several partial sums: groups and terms united, counts added (integers: any order is exact)."""
    if len(parts) == 1:
        return parts[0]
    keys = pd.concat([p.keys for p in parts], ignore_index=True)
    united = _groups(_keyed(keys), None if by is None else list(keys.columns), once=False)
    terms = np.unique(np.concatenate([p.terms for p in parts]))
    shape = (len(united), len(terms))
    starts = np.cumsum([0] + [len(p.keys) for p in parts])
    rows = [united.codes[a:b] for a, b in pairwise(starts)]  # each part's groups among all
    cols = [np.searchsorted(terms, p.terms).astype(np.int64) for p in parts]  # each part's terms among all

    def added(name: str) -> sp.csr_matrix:  # one matrix from every part's entries; duplicates are summed
        coos = [getattr(p, name).tocoo() for p in parts]
        data = np.concatenate([c.data.astype(np.int64) for c in coos])
        i = np.concatenate([r[c.row] for r, c in zip(rows, coos)])
        j = np.concatenate([k[c.col] for k, c in zip(cols, coos)])
        out = sp.csr_matrix((data, (i, j)), shape=shape, dtype=np.int64)
        out.sort_indices()
        return out

    totals = np.zeros(shape[0], dtype=np.int64)
    n_docs = np.zeros(shape[0], dtype=np.int64)
    for r, p in zip(rows, parts):
        np.add.at(totals, r, p.totals)
        np.add.at(n_docs, r, p.n_docs)
    empty = [(d, int(r[g])) for r, p in zip(rows, parts) for d, g in p.empty]
    return _Sums(united.keys, terms, added("counts"), added("doc_freq"), totals, n_docs, empty)


def _tree_sums(ddf: Any, by: str | Sequence[str] | None, ngram: Any, lowercase: bool, stop_words: Any) -> _Sums:
    """The sums of every partition, added ``SPLIT_EVERY`` at a time on the workers; only the last comes back."""
    dask = _dask()
    columns = list(dict.fromkeys(["doc_id", "text", *_by_columns(by)]))
    level = [
        dask.delayed(_partition_sums, pure=True)(p, by, ngram, lowercase, stop_words) for p in ddf[columns].to_delayed()
    ]
    while len(level) > 1:
        level = [
            dask.delayed(_add, pure=True)(level[i : i + SPLIT_EVERY], by) for i in range(0, len(level), SPLIT_EVERY)
        ]
    (total,) = dask.compute(level[0])
    return total


def _in_group_order(sums: _Sums, by: str | Sequence[str] | None) -> tuple[Any, _Sums]:
    """The groups as the in-memory path makes them (sorted), and the sums with row ``k`` group ``k`` (the
    documents without a token renumbered with them)."""
    codes = _groups(_keyed(sums.keys), by, once=False).codes  # each row's group in the in-memory order (a permutation)
    order = np.argsort(codes, kind="stable")

    def in_order(matrix: sp.csr_matrix) -> sp.csr_matrix:
        out = matrix[order].tocsr()
        out.sort_indices()
        return out

    keys = sums.keys.iloc[order].reset_index(drop=True)
    ordered = _Sums(
        keys,
        sums.terms,
        in_order(sums.counts),
        in_order(sums.doc_freq),
        sums.totals[order],
        sums.n_docs[order],
        [(d, int(codes[g])) for d, g in sums.empty],
    )
    return _groups(_keyed(keys), by, once=False), ordered


def _keyed(keys: pd.DataFrame) -> pd.DataFrame:
    """Group keys as a frame :func:`toolkit._groups.groups` takes (with doc_id and text), key columns untouched."""
    return keys.assign(**{c: "" for c in ("doc_id", "text") if c not in keys.columns})


def _by_columns(by: str | Sequence[str] | None) -> list[str]:
    return [] if by is None else ([by] if isinstance(by, str) else list(by))


# --------------------------------------------------------------------------- the measures


def count_terms(
    ddf: Any,
    *,
    by: str | Sequence[str] | None = None,
    ngram: int | tuple[int, int] = 1,
    lowercase: bool = True,
    stop_words: str | Iterable[str] | None = None,
    min_count: int = 1,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """:func:`toolkit.count_terms` of a Dask DataFrame: the same frame, from sums over partitions.

    ``n_jobs`` is not used (the Dask scheduler decides where partitions are counted).
    """
    check_count("min_count", min_count, 1)
    _check_frame(ddf, ["doc_id", "text", *_by_columns(by)], function="count_terms")
    _groups(ddf._meta, by, reserved=COUNT_COLUMNS)  # the in-memory checks of by, on the meta
    grouping, sums = _in_group_order(_tree_sums(ddf, by, ngram, lowercase, stop_words), by)
    out = count_rows(grouping, [sums.counts, sums.doc_freq], sums.terms, sums.totals, min_count)
    skipped = [
        {"doc_id": d, **grouping.record(g), "problem": "no tokens in its group, so the group has no rows"}
        for d, g in sums.empty
        if sums.totals[g] == 0
    ]
    out.attrs["skipped"] = skipped
    warn_skipped("count_terms", skipped)
    return out


def compare_groups(
    ddf: Any,
    *,
    by: str | Sequence[str],
    target: object = None,
    reference: object = None,
    measure: str = "g2",
    correction: str = "none",
    prior: Any = None,
    prior_strength: float = 0.1,
    ngram: int | tuple[int, int] = 1,
    lowercase: bool = True,
    stop_words: str | Iterable[str] | None = None,
    min_count: int = 1,
    adjust: str | None = None,
    n_jobs: int | None = None,
    confidence: float = 0.95,
    family: int | None = None,
    unit: str = "token",
    permutations: int = 0,
) -> pd.DataFrame:
    """:func:`toolkit.compare_groups` of a Dask DataFrame: the same frame, from the groups' sums over partitions.

    ``n_jobs`` is not used (the Dask scheduler decides where partitions are counted).
    """
    check_one_of("adjust", adjust, (None, "bonferroni", "bh"))
    if measure == "fightin_words" and isinstance(prior, str):
        check_one_of("prior", prior, ("corpus",))
    _check_frame(ddf, ["doc_id", "text", *_by_columns(by)], function="compare_groups")
    _groups(ddf._meta, by, reserved=RESULT_COLUMNS)  # the in-memory checks of by, on the meta
    check_one_of("unit", unit, ("token", "document"))
    if permutations:
        raise NotImplementedError(
            "compare_groups(permutations=...) shuffles documents in memory; compute the two groups "
            "(ddf[ddf[by].isin([...])].compute()) and compare them in memory."
        )
    groups, sums = _in_group_order(_tree_sums(ddf, by, ngram, lowercase, stop_words), by)
    tgt, ref = compared_groups(groups, target, reference, by)
    counted = sums.counts if unit == "token" else sums.doc_freq  # occurrences, or documents holding the term
    totals = sums.totals if unit == "token" else sums.n_docs
    return compare_sums(
        groups,
        counted.toarray().astype(np.int64),
        sums.terms,
        totals.astype(float),
        tgt,
        ref,
        measure=measure,
        correction=correction,
        prior=prior,
        prior_strength=prior_strength,
        min_count=min_count,
        adjust=adjust,
        confidence=confidence,
        family=family,
        unit=unit,
    )


def dispersion(
    ddf: Any,
    *,
    by: str | Sequence[str] | None = None,
    ngram: int | tuple[int, int] = 1,
    lowercase: bool = True,
    stop_words: str | Iterable[str] | None = None,
    min_count: int = 1,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """:func:`toolkit.dispersion` of a Dask DataFrame: the same frame, from two passes over the partitions.

    The first pass is :func:`count_terms`' sums (each term's count and parts in each group, the groups'
    tokens); the second sends those sums to every partition, which adds up, for each group and term, its
    documents' ``|v_i - s_i| - s_i`` (and their number and smallest size), and those are added on the workers.
    Counts, parts and ``dp_norm``'s smallest share are exact; ``dp`` and ``dp_norm`` are sums of floats
    taken in another order than in memory, equal to them within 1e-12 (``tests/test_scale.py``).
    ``n_jobs`` is not used.
    """
    dask = _dask()
    check_count("min_count", min_count, 1)
    _check_frame(ddf, ["doc_id", "text", *_by_columns(by)], function="dispersion")
    _groups(ddf._meta, by, reserved=DISPERSION_COLUMNS)  # the in-memory checks of by, on the meta
    grouping, sums = _in_group_order(_tree_sums(ddf, by, ngram, lowercase, stop_words), by)
    keys, counts, doc_freq, totals = sums.keys, sums.counts, sums.doc_freq, sums.totals
    shared = dask.delayed((keys, sums.terms, counts, totals), pure=True, traverse=False)
    columns = list(dict.fromkeys(["doc_id", "text", *_by_columns(by)]))
    level = [
        dask.delayed(_partition_deviation, pure=True)(p, by, ngram, lowercase, stop_words, shared)
        for p in ddf[columns].to_delayed()
    ]
    while len(level) > 1:
        level = [
            dask.delayed(_add_deviations, pure=True)(level[i : i + SPLIT_EVERY])
            for i in range(0, len(level), SPLIT_EVERY)
        ]
    ((deviation, n_parts, smallest),) = dask.compute(level[0])  # a Dask DataFrame has a partition at least
    skipped = [
        {"doc_id": d, **grouping.record(g), "problem": "no tokens, so no share of the text to disperse over"}
        for d, g in sums.empty
    ]
    frames = []
    for k in range(len(keys)):
        if n_parts[k] == 0:
            continue
        a, b = counts.indptr[k], counts.indptr[k + 1]
        freq = counts.data[a:b]
        keep = np.flatnonzero(freq >= min_count)
        cols = counts.indices[a:b][keep]
        dev = np.asarray(deviation[k, cols].todense()).ravel()
        frames.append(
            dispersion_values(
                k,
                sums.terms[cols],
                freq[keep],
                doc_freq.data[a:b][keep],
                dev,
                int(n_parts[k]),
                float(smallest[k] / float(totals[k])),
            )
        )
    return dispersion_rows(grouping, frames, skipped)


def _partition_deviation(
    part: pd.DataFrame, by: Any, ngram: Any, lowercase: bool, stop_words: Any, shared: tuple[Any, ...]
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """A partition's part of :func:`dispersion`: for each group and term, the sum over its documents where the
    term occurs of ``|v_i - s_i| - s_i``; and per group, its documents with tokens and the smallest size."""
    keys, terms, counts, totals = shared
    n_groups = len(keys)
    deviation = sp.csr_matrix((n_groups, len(terms)), dtype=np.float64)
    n_parts = np.zeros(n_groups, dtype=np.int64)
    smallest = np.full(n_groups, np.inf)
    if not len(part):
        return deviation, n_parts, smallest
    both = pd.concat([_keyed(keys), part], ignore_index=True)
    # the partition's groups among the corpus's (which are sorted)
    codes = _groups(both, by, once=False).codes[n_groups:]
    dtm = _partition_dtm(part, ngram, lowercase, stop_words)
    sizes = np.asarray(dtm.totals, dtype=np.int64)
    has = sizes > 0
    np.add.at(n_parts, codes[has], 1)
    np.minimum.at(smallest, codes[has], sizes[has].astype(float))
    X = dtm.matrix.tocoo()
    g = codes[X.row]
    t = np.searchsorted(terms, np.asarray(dtm.terms, dtype=object)).astype(np.int64)[X.col]
    # each entry's count of the term in its group: the group's row of counts, found by (group, term) keys
    flat = np.repeat(np.arange(n_groups, dtype=np.int64), np.diff(counts.indptr)) * len(terms) + counts.indices
    f = counts.data[np.searchsorted(flat, g * len(terms) + t)].astype(float)
    s = sizes[X.row] / totals[g].astype(float)
    w = np.abs(X.data / f - s) - s
    deviation = sp.csr_matrix((w, (g, t)), shape=(n_groups, len(terms)), dtype=np.float64)
    return deviation, n_parts, smallest


def _add_deviations(
    parts: list[tuple[sp.csr_matrix, np.ndarray, np.ndarray]],
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    deviation = parts[0][0]
    for p in parts[1:]:
        deviation = deviation + p[0]
    return (
        deviation,
        np.sum([p[1] for p in parts], axis=0),
        np.min([p[2] for p in parts], axis=0),
    )


def document_term_matrix(
    ddf: Any,
    *,
    ngram: int | tuple[int, int] = 1,
    lowercase: bool = True,
    stop_words: str | Iterable[str] | None = None,
    min_count: int = 1,
    min_docs: int | float = 1,
    max_docs: int | float = 1.0,
    vocabulary: Iterable[str] | None = None,
    n_jobs: int | None = None,
) -> DocumentTermMatrix:
    """:func:`toolkit.document_term_matrix` of a Dask DataFrame: the same matrix, rows in partition order.

    A first pass sums each term's count and documents over the partitions and prunes as the in-memory path
    does (stop words, ``min_count``, ``min_docs``, ``max_docs``); a second counts every partition with that
    vocabulary, and the partitions' rows are stacked here (the matrix is the one result that has a row per
    document). With ``vocabulary`` the first pass is not needed.
    """
    dask = _dask()
    _check_frame(ddf, ["doc_id", "text"], function="document_term_matrix")
    if vocabulary is None:
        vocab = list(_pruned_terms(ddf, ngram, lowercase, stop_words, min_count, min_docs, max_docs)[0])
    else:
        vocab = list(vocabulary)
    done = dask.compute(*_matrix_tasks(ddf, vocab, ngram, lowercase))
    matrix = sp.vstack([d.matrix for d in done]).tocsr() if done else sp.csr_matrix((0, len(vocab)), dtype=np.int64)
    matrix.sort_indices()
    doc_ids = np.concatenate([d.doc_ids for d in done]) if done else np.array([], dtype=object)
    totals = np.concatenate([d.totals for d in done]) if done else np.array([], dtype=np.int64)
    return DocumentTermMatrix(matrix, np.asarray(vocab, dtype=object), doc_ids, totals)


def _partition_matrix(part: pd.DataFrame, ngram: Any, lowercase: bool, vocab: list[str]) -> DocumentTermMatrix:
    dtm = _in_memory_dtm(part, ngram=ngram, lowercase=lowercase, vocabulary=vocab)
    dtm.matrix.data = dtm.matrix.data.astype(np.int64, copy=False)
    dtm.matrix.sort_indices()
    return dtm


def _matrix_tasks(ddf: Any, vocab: list[str], ngram: Any, lowercase: bool) -> list[Any]:
    """One delayed count matrix per partition, the vocabulary a single key of the graph (sent once)."""
    dask = _dask()
    terms = dask.delayed(vocab, pure=True, traverse=False)
    return [
        dask.delayed(_partition_matrix, pure=True)(p, ngram, lowercase, terms)
        for p in ddf[["doc_id", "text"]].to_delayed()
    ]


def vocabulary(
    ddf: Any,
    *,
    ngram: int | tuple[int, int] = 1,
    lowercase: bool = True,
    stop_words: str | Iterable[str] | None = None,
    min_count: int = 1,
    min_docs: int | float = 1,
    max_docs: int | float = 1.0,
) -> tuple[np.ndarray, int]:
    """The vocabulary :func:`document_term_matrix` keeps for these options, and the number of documents.

    One pass over the partitions (the sums of :func:`count_terms`, pruned as the in-memory
    :func:`toolkit.document_term_matrix` prunes), without counting the matrix: the first pass of a streamed
    fit (:class:`toolkit.TopicModel` on a Dask DataFrame), or of :func:`partition_matrices`.

    Returns
    -------
    (ndarray of object (str), int)
        The terms, sorted as the in-memory matrix sorts its columns; the documents counted.
    """
    _check_frame(ddf, ["doc_id", "text"], function="vocabulary")
    return _pruned_terms(ddf, ngram, lowercase, stop_words, min_count, min_docs, max_docs)


def partition_matrices(
    ddf: Any,
    vocabulary: Iterable[str],
    *,
    ngram: int | tuple[int, int] = 1,
    lowercase: bool = True,
    ahead: int = 2,
) -> Iterator[DocumentTermMatrix]:
    """Each partition's counts of ``vocabulary``, one :class:`toolkit.DocumentTermMatrix` at a time, in order.

    For a fit that streams over the corpus (online LDA's ``partial_fit``): the matrices are counted on the
    workers, ``ahead`` partitions ahead of the one being read, so that the caller holds a few partitions'
    counts at most, never the corpus's. Stacked, they are :func:`document_term_matrix` with that vocabulary.
    Without a ``distributed`` client, each partition is computed when it is reached.
    """
    _check_frame(ddf, ["doc_id", "text"], function="partition_matrices")
    check_count("ahead", ahead, 0)
    return _streamed(_matrix_tasks(ddf, list(vocabulary), ngram, lowercase), ahead)


def _streamed(tasks: list[Any], ahead: int) -> Iterator[Any]:
    """The tasks' results in order, ``ahead`` of them computing while the caller reads one."""
    dask = _dask()
    client = _client()
    if client is None:
        for task in tasks:
            (dtm,) = dask.compute(task)
            yield dtm
        return
    pending: deque[Any] = deque()
    queue = iter(tasks)
    for task in islice(queue, ahead + 1):
        pending.append(client.compute(task))
    while pending:
        future = pending.popleft()
        dtm = future.result()
        future.release()
        task = next(queue, None)
        if task is not None:
            pending.append(client.compute(task))
        yield dtm


def map_matrices(
    ddf: Any,
    vocabulary: Iterable[str],
    function: Callable[[DocumentTermMatrix], Any],
    *,
    ngram: int | tuple[int, int] = 1,
    lowercase: bool = True,
) -> list[Any]:
    """``function(dtm)`` of each partition's counts of ``vocabulary``, run where the partition lies.

    The results, in partition order. ``function`` travels to the workers once (it must pickle: a fitted model's
    bound method does); e.g. a fitted :class:`toolkit.TopicModel`'s topic proportions, partition by partition.
    """
    dask = _dask()
    _check_frame(ddf, ["doc_id", "text"], function="map_matrices")
    applied = dask.delayed(function, pure=True, traverse=False)
    return list(dask.compute(*[applied(t) for t in _matrix_tasks(ddf, list(vocabulary), ngram, lowercase)]))


def _client() -> Any:
    """The ``distributed`` client that ``dask.compute`` would use now, or None (Dask's local scheduler: no
    client, or one chosen with ``dask.config.set(scheduler=...)``), so that the stream goes where compute goes."""
    from dask.base import get_scheduler

    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover - distributed is in the dask extra
        return None
    try:
        client = default_client()
    except ValueError:
        return None
    return client if get_scheduler() == client.get else None


def _pruned_terms(
    ddf: Any, ngram: Any, lowercase: bool, stop_words: Any, min_count: int, min_docs: int | float, max_docs: int | float
) -> tuple[np.ndarray, int]:
    """The terms the in-memory path keeps (sorted), from one pass of sums over the partitions: stop words out,
    ``min_count`` on counts, ``min_docs`` and ``max_docs`` on document frequencies; and the documents counted.
    The body of :func:`vocabulary`, which :func:`document_term_matrix` (whose argument of that name hides it)
    calls too."""
    sums = _tree_sums(ddf, None, ngram, lowercase, stop_words)
    n_docs = int(sums.n_docs.sum())
    check_count("min_count", min_count, 1)
    keep = frequency_keep(
        np.ones(len(sums.terms), dtype=bool),
        lambda: np.asarray(sums.counts.sum(axis=0)).ravel(),
        lambda: np.asarray(sums.doc_freq.sum(axis=0)).ravel(),
        n_docs,
        min_count,
        doc_threshold("min_docs", min_docs, n_docs),
        doc_threshold("max_docs", max_docs, n_docs),
    )
    return sums.terms[keep], n_docs


# --------------------------------------------------------------------------- stance rates


def _stance_counts(
    part: pd.DataFrame,
    by_columns: list[str],
    categories: list[str],
    options: dict[str, Any],
    auto: bool,
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Per document of a partition: its by columns, tokens and matches per category; and the documents skipped."""
    _refuse_interviews(part, auto)
    frame = part[["doc_id", "text"]].reset_index(drop=True)
    out = part[list(dict.fromkeys(["doc_id", *by_columns]))].reset_index(drop=True)
    if not len(frame):
        out["tokens"] = np.zeros(0, dtype=np.int64)
        for c in categories:
            out[c] = np.zeros(0, dtype=np.int64)
        return out, []
    table = token_table(frame)
    with warnings.catch_warnings():  # the skipped documents are reported once, by the caller
        warnings.simplefilter("ignore", UserWarning)
        hits = _in_memory_find_stance(table, segments=None, **options)
    counts = np.zeros((len(frame), len(categories)), dtype=np.int64)
    cat = pd.Index(categories).get_indexer(hits["category"].astype(str))
    row = pd.Index(frame["doc_id"].astype(str)).get_indexer(hits["doc_id"].astype(str))
    keep = cat >= 0
    np.add.at(counts, (row[keep], cat[keep]), 1)
    out["tokens"] = np.asarray(table.totals, dtype=np.int64)
    for k, c in enumerate(categories):
        out[c] = counts[:, k]
    return out, list(hits.attrs.get("skipped", []))


def stance_rates(
    ddf: Any,
    *,
    by: str | Sequence[str] | None = None,
    lexicon: Any = None,
    categories: Sequence[str] | None = None,
    voices: str | Sequence[str] | None = OWN_VOICES,
    n_resamples: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    non_english: str = "raise",
    method: str | None = None,
    model: Any = None,
    n_jobs: int | None = None,
    segments: Any = "auto",
) -> pd.DataFrame:
    """:func:`toolkit.stance_rates` of a Dask DataFrame of speeches: the same rates, from counts per document.

    Each partition is tokenized and matched where it lies and sends back, per document, its tokens and its
    matches per category (a few integers). The groups, the units and the bootstrap are then those of the
    in-memory path, with the same seed: documents are resampled, and a group of one document is cut into
    sentences, or blocks of tokens if it is long (its text alone is fetched again). Documents are read whole
    (``segments=None``): a Dask DataFrame holding interviews, which the in-memory default splits into voices, is
    refused with a ``NotImplementedError`` saying what to do. ``n_jobs`` is not used.
    """
    dask = _dask()
    n_resamples = check_count("n_resamples", n_resamples, 100)
    confidence = check_confidence(confidence)
    seed = check_seed("seed", seed, allow_none=True)  # type: ignore[assignment]
    chosen = check_voices(voices)
    if isinstance(segments, pd.DataFrame) or not (segments is None or segments == "auto"):
        raise NotImplementedError(
            "stance_rates of a Dask DataFrame reads whole documents: pass segments=None (or leave the default "
            "for speeches); split an interview's voices in memory (tk.own_words) before writing the shards."
        )
    if chosen is not None and "speech" not in chosen:
        raise NotImplementedError(
            f"stance_rates of a Dask DataFrame reads whole documents, in the voice 'speech'; voices={voices!r} "
            "would leave nothing to rate. Pass voices=None or a set that holds 'speech'."
        )
    check_one_of("non_english", non_english, ["raise", "skip", "keep"])
    cats = checked_categories(categories) or list(CATEGORIES)
    by_columns = _by_columns(by)
    _check_frame(ddf, ["doc_id", "text", *by_columns], function="stance_rates")
    _groups(ddf._meta, by, reserved=RATE_COLUMNS)  # the in-memory checks of by, on the meta
    options = {"lexicon": lexicon, "method": method, "model": model, "non_english": non_english}
    columns = list(
        dict.fromkeys(["doc_id", "text", *by_columns, *[c for c in ("speaker", "genre") if c in ddf.columns]])
    )
    parts = [
        dask.delayed(_stance_counts, pure=True)(p, by_columns, cats, options, segments == "auto")
        for p in ddf[columns].to_delayed()
    ]
    done = dask.compute(*parts)
    per_doc = pd.concat([d[0] for d in done], ignore_index=True)
    check_unique_ids(per_doc, name="docs")  # across partitions, as in memory
    gone = [s for d in done for s in d[1]]
    if gone:
        per_doc = per_doc[~per_doc["doc_id"].astype(str).isin({str(s["doc_id"]) for s in gone})].reset_index(drop=True)
    grouping = _groups(_keyed(per_doc), by, reserved=RATE_COLUMNS, once=False)
    codes, tokens = grouping.codes, per_doc["tokens"].to_numpy(np.int64)
    counts = per_doc[cats].to_numpy(np.int64) if len(per_doc) else np.zeros((0, len(cats)), dtype=np.int64)
    doc_ids = per_doc["doc_id"].astype(str)
    used, skipped = _token_accounting(grouping, codes, tokens, doc_ids, {})
    raw_ids = per_doc["doc_id"][used].reset_index(drop=True)  # as the docs hold them (not always str)
    doc_ids, codes, tokens, counts = doc_ids[used].reset_index(drop=True), codes[used], tokens[used], counts[used]
    # a group of one document is resampled by its sentences (or blocks): fetch that document's text and matches again
    sizes = np.bincount(codes, minlength=len(grouping))
    alone = np.flatnonzero(sizes[codes] == 1)
    texts = np.full(len(doc_ids), "", dtype=object)
    m_row = m_cat = m_start = np.zeros(0, dtype=np.int64)
    if len(alone):
        wanted = raw_ids.iloc[alone].tolist()
        single = ddf[ddf["doc_id"].isin(wanted)][["doc_id", "text"]].compute().reset_index(drop=True)
        position = pd.Index(doc_ids).get_indexer(single["doc_id"].astype(str))
        texts[position] = single["text"].astype(str).to_numpy()
        hits = _in_memory_find_stance(single, segments=None, **{**options, "non_english": "keep"})
        cat = pd.Index(cats).get_indexer(hits["category"].astype(str))
        keep = cat >= 0
        m_row = position[pd.Index(single["doc_id"].astype(str)).get_indexer(hits["doc_id"].astype(str))][keep]
        m_cat, m_start = cat[keep].astype(np.int64), hits["start"].to_numpy(np.int64)[keep]
        order = np.lexsort((m_start, m_row))
        m_row, m_cat, m_start = m_row[order].astype(np.int64), m_cat[order], m_start[order]
    prep = _Prepared(
        pd.DataFrame({"doc_id": doc_ids.to_numpy(), "text": texts}),
        cats,
        grouping,
        codes,
        tokens,
        counts,
        m_row,
        m_cat,
        m_start,
        skipped,
    )
    out = _rates_of(prep, n_resamples=n_resamples, seed=seed, confidence=confidence)
    out.attrs["skipped"] = gone + out.attrs["skipped"]
    warn_skipped("stance_rates", out.attrs["skipped"])
    _warn_single_unit("stance_rates", out.attrs["single_unit"])
    return out


def _stance_matches(
    part: pd.DataFrame, options: dict[str, Any], auto: bool
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    _refuse_interviews(part, auto)
    with warnings.catch_warnings():  # the skipped documents are reported once, by the caller
        warnings.simplefilter("ignore", UserWarning)
        hits = _in_memory_find_stance(part[["doc_id", "text"]].reset_index(drop=True), segments=None, **options)
    if auto and {"speaker", "genre"} <= set(part.columns) and len(hits):
        # the in-memory default gives a speech's matches the speech's speaker (its one segment's)
        speakers = dict(zip(part["doc_id"].astype(str), part["speaker"].astype("string")))
        hits["speaker"] = pd.array([speakers[d] for d in hits["doc_id"].astype(str)], dtype="string")
    return hits, list(hits.attrs.get("skipped", []))


def _refuse_interviews(part: pd.DataFrame, auto: bool) -> None:
    if auto and {"speaker", "genre"} <= set(part.columns):
        genres = part["genre"].astype("string")
        if (genres.notna() & genres.ne("speech")).any():
            raise NotImplementedError(
                "the stance measures of a Dask DataFrame read whole documents, and this one holds interviews, "
                "which the in-memory default would split into voices: pass segments=None to read whole "
                "documents, or keep the speakers' own words (tk.own_words) before writing the shards."
            )


def find_stance(
    ddf: Any,
    *,
    lexicon: Any = None,
    categories: Sequence[str] | None = None,
    rules: bool = True,
    method: str | None = None,
    model: Any = None,
    non_english: str = "raise",
    n_jobs: int | None = None,
    segments: Any = "auto",
) -> pd.DataFrame:
    """:func:`toolkit.find_stance` of a Dask DataFrame of speeches: every partition matched on the workers, the
    matches gathered in document order (the same frame as in memory, with ``segments=None``).

    The matches come back to this process (about 140 per speech of the UNGDC): to count them by group, use
    :func:`stance_rates`, which sends back only counts. ``n_jobs`` is not used.
    """
    dask = _dask()
    if isinstance(segments, pd.DataFrame) or not (segments is None or segments == "auto"):
        raise NotImplementedError(
            "find_stance of a Dask DataFrame reads whole documents: pass segments=None (or leave the default "
            "for speeches); split an interview's voices in memory (tk.own_words) before writing the shards."
        )
    _check_frame(ddf, ["doc_id", "text"], function="find_stance")
    options = {
        "lexicon": lexicon,
        "categories": categories,
        "rules": rules,
        "method": method,
        "model": model,
        "non_english": non_english,
    }
    columns = list(dict.fromkeys(["doc_id", "text", *[c for c in ("speaker", "genre") if c in ddf.columns]]))
    parts = [
        dask.delayed(_stance_matches, pure=True)(p, options, segments == "auto") for p in ddf[columns].to_delayed()
    ]
    ids = ddf["doc_id"].compute()
    check_unique_ids(pd.DataFrame({"doc_id": ids.to_numpy()}), name="text_or_docs")  # across partitions
    done = dask.compute(*parts)
    out = pd.concat([d[0] for d in done], ignore_index=True) if done else pd.DataFrame()
    out.attrs["skipped"] = [s for d in done for s in d[1]]
    warn_skipped("find_stance", out.attrs["skipped"])
    return out


# --------------------------------------------------------------------------- concordance


def _kwic_part(
    part: pd.DataFrame, pattern: Any, options: dict[str, Any], n: int, seed: int, index: int
) -> tuple[pd.DataFrame, int]:
    lines = _in_memory_kwic(part.reset_index(drop=True), pattern, **options)
    keys = np.random.default_rng([seed, index]).random(len(lines))
    lines = lines.assign(_key=keys, _part=index, _row=np.arange(len(lines)))
    return lines.nsmallest(n, "_key") if len(lines) > n else lines, len(lines)


def kwic(
    ddf: Any,
    pattern: str | Sequence[str] | Any,
    *,
    window: int = 5,
    regex: bool = False,
    case_sensitive: bool = False,
    n: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """:func:`toolkit.kwic` of a Dask DataFrame: at most ``n`` lines, a uniform random sample of every hit.

    Each partition finds its hits and draws a key in [0, 1) for each (from ``seed`` and the partition's
    number), sending back its ``n`` smallest and its count; the ``n`` smallest keys over all partitions are a
    uniform sample of the hits, returned in document order. When there are at most ``n`` hits, they are all
    returned, as the in-memory :func:`toolkit.kwic` gives them. ``attrs["hits"]`` is the number of hits.
    """
    dask = _dask()
    _check_frame(ddf, ["doc_id", "text"], function="kwic")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n={n!r} is invalid; must be an integer >= 1 (the most lines returned).")
    options = {"window": window, "regex": regex, "case_sensitive": case_sensitive}
    parts = [
        dask.delayed(_kwic_part, pure=True)(p, pattern, options, int(n), int(seed), i)
        for i, p in enumerate(ddf.to_delayed())
    ]
    done = dask.compute(*parts)
    lines = pd.concat([d[0] for d in done], ignore_index=True)
    if len(lines) > n:
        lines = lines.nsmallest(n, "_key")
    lines = lines.sort_values(["_part", "_row"], kind="stable").drop(columns=["_key", "_part", "_row"])
    out = lines.reset_index(drop=True)
    out.attrs["hits"] = int(sum(d[1] for d in done))
    return out
