"""Counting: the document-term matrix, term frequencies by group, and dispersion.

Everything that counts goes through :func:`document_term_matrix`: one pass of
the tokenizer of :mod:`toolkit.text` over the texts, a sparse matrix inside,
tidy frames at the boundary.

- :func:`document_term_matrix` -> :class:`DocumentTermMatrix` (a scipy CSR matrix,
  its terms and document ids): the scikit-learn boundary, used by keyness and
  topic models;
- :func:`count_terms` -> one row per group and term: the group's key columns (the
  ``by`` columns), then ``term``, ``n``, ``rate_per_1k``, ``doc_freq``, ``rank``;
- :func:`dispersion` -> Gries's DP per group and term, telling a word used in one
  speech from one used everywhere.

Each row of ``docs`` is one document ("part"): pass segments from
:func:`toolkit.split_voices` to count the ambassador's quotes apart from the
journalist's narration (``by="voice"``).

Groups: ``by`` names one or more docs columns; documents with the same values
in all of them are one group. Every grouped output of the toolkit
(:func:`count_terms`, :func:`dispersion`, :func:`toolkit.describe_corpus`,
:func:`toolkit.match_rates`, :func:`toolkit.stance_rates`) starts with the
``by`` columns, with their values and dtypes as in ``docs`` (as dplyr's
``group_by`` and tidytext keep them), sorted by value with missing values last
and a group of their own; ``by=None`` is one group, a column ``group`` holding
``"all"``. No label is ever joined from several values, so ("A | B", "C") and
("A", "B | C") stay two groups.
"""

from __future__ import annotations

import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from toolkit._dispatch import is_dask, scaled
from toolkit._frames import take_strings
from toolkit._groups import Groups
from toolkit._groups import groups as _groups
from toolkit._inputs import doc_threshold as _doc_threshold
from toolkit._inputs import docs_frame as _frame
from toolkit._inputs import free_of, frequency_keep
from toolkit._inputs import ids_and_texts as _ids_and_texts
from toolkit._inputs import stop_word_set as _stop_words
from toolkit._kernels import ChunkIndex
from toolkit._kernels import group_sums as _group_sums
from toolkit._parallel import check_n_jobs, release_memory, release_memory_of
from toolkit._tokens import TOKEN_RE as _TOKEN_RE
from toolkit._tokens import lower_keeping_offsets as _lower
from toolkit._validation import check_columns, check_count, check_texts, warn_skipped
from toolkit.tokentable import TokenTable, code_points, token_table

__all__ = ["DocumentTermMatrix", "count_matrix", "count_terms", "dispersion", "document_term_matrix"]

#: The columns of :func:`count_terms` after the group's key columns.
COUNT_COLUMNS = ("term", "n", "rate_per_1k", "doc_freq", "rank")
#: The columns of :func:`dispersion` after the group's key columns.
DISPERSION_COLUMNS = ("term", "n", "parts", "dp", "dp_norm")


@dataclass(frozen=True)
class DocumentTermMatrix:
    """Counts of terms in documents, at the scikit-learn boundary.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix of int64, shape (n_documents, n_terms)
        ``matrix[i, j]`` is how often term ``j`` occurs in document ``i``.
    terms : ndarray of object (str), shape (n_terms,)
        The terms, sorted by code point as Python's ``sorted`` does (n-grams are
        words joined by one space).
    doc_ids : ndarray of str, shape (n_documents,)
        The documents' ids, in the order of the input rows.
    totals : ndarray of int64, shape (n_documents,)
        Tokens (n-gram positions, summed over the n-gram orders) of each document
        *before* stop words and rare terms were removed: the denominator of rates.
    """

    matrix: sp.csr_matrix
    terms: np.ndarray
    doc_ids: np.ndarray
    totals: np.ndarray

    @property
    def vocabulary(self) -> dict[str, int]:
        """Term -> column index, as scikit-learn's ``vocabulary_``."""
        return {term: j for j, term in enumerate(self.terms.tolist())}


def document_term_matrix(
    docs: pd.DataFrame | Sequence[str],
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
    """Count the terms of every document into a sparse matrix.

    Parameters
    ----------
    docs : DataFrame, TokenTable or sequence of str
        A frame with ``doc_id`` and ``text`` (one row per document; a segments frame
        works too), a :class:`toolkit.TokenTable` of such a frame (its tokens are read,
        not made again: lower-cased unigrams; other options tokenize its texts), or
        plain texts (their ids are then "0", "1", ...).
    ngram : int or (int, int), default 1
        Count n-grams of this order (1 to 3), or of every order from ``min`` to
        ``max``. N-grams do not cross documents; they may cross punctuation.
        With a range, ``totals`` holds the positions of every order together
        (as the features of scikit-learn's ``ngram_range`` and quanteda's
        ``tokens_ngrams(n = 1:2)`` add up), and so do the denominators of the
        rates, keyness and dispersion computed from it: a word's rate with
        ``ngram=(1, 2)`` is about half its rate with ``ngram=1``. Count one order
        at a time for rates per 1,000 tokens (or per 1,000 bigram positions).
    lowercase : bool, default True
        Lower-case before tokenizing.
    stop_words : None, "english" or iterable of str
        Terms to drop: ``"english"`` is :data:`toolkit.text.STOP_WORDS`
        (scikit-learn's list). An n-gram is dropped when any of its words is a
        stop word, whatever its case. Dropped terms still count in ``totals``.
    min_count : int, default 1
        Keep terms occurring at least this often in all documents together.
    min_docs, max_docs : int or float
        Keep terms occurring in at least ``min_docs`` and at most ``max_docs``
        documents; a float in (0, 1] is a proportion of the documents.
    vocabulary : iterable of str, optional
        Count exactly these terms, in this order (e.g. the terms of a matrix
        fitted on another corpus); other terms are ignored and no pruning applies.
        A term no token can be with these options (upper case with ``lowercase``,
        a word the tokenizer splits, as "china's", a bigram at ``ngram=1``, blanks
        around it, not in Unicode NFC) is warned about, naming why: its column
        can only be zero.
    n_jobs : int, optional
        Worker processes that tokenize the documents (None or 1: this process;
        -1: every CPU); the result does not depend on it. A token table is
        tokenized already: ``n_jobs`` is then not used.

    Returns
    -------
    DocumentTermMatrix

    Raises
    ------
    ValueError
        A bad option, a frame without ``doc_id``/``text``, a missing text, or no
        term left after pruning.

    Examples
    --------
    >>> dtm = document_term_matrix(["We firmly oppose it.", "We hope, we hope."])
    >>> dtm.terms.tolist()
    ['firmly', 'hope', 'it', 'oppose', 'we']
    >>> dtm.matrix.toarray().tolist()
    [[1, 0, 1, 1, 1], [0, 2, 0, 0, 2]]
    >>> dtm.totals.tolist()
    [4, 4]
    >>> document_term_matrix(["We firmly oppose it."], ngram=2, stop_words="english").terms.tolist()
    ['firmly oppose']
    """
    if is_dask(docs):  # a Dask DataFrame: counted partition by partition (toolkit.scale)
        return scaled("document_term_matrix")(
            docs,
            ngram=ngram,
            lowercase=lowercase,
            stop_words=stop_words,
            min_count=min_count,
            min_docs=min_docs,
            max_docs=max_docs,
            vocabulary=vocabulary,
        )
    jobs = check_n_jobs(n_jobs)
    table = docs if isinstance(docs, TokenTable) else None
    orders = _ngram_orders(ngram)
    if (
        table is None and jobs > 1 and orders == (1,) and lowercase and isinstance(docs, pd.DataFrame) and len(docs) > 1
    ):  # workers take whole documents: one document is counted here
        check_columns(docs, ["doc_id", "text"])
        check_texts(docs, name="docs")
        table = token_table(
            docs.reset_index(drop=True)[["doc_id", "text"]].assign(doc_id=range(len(docs))), n_jobs=jobs
        )
        doc_ids, texts = _ids_and_texts(docs)
    elif table is not None:
        doc_ids, texts = [str(d) for d in table.doc_ids], table.texts
    else:
        doc_ids, texts = _ids_and_texts(docs)
    stops = _stop_words(stop_words)
    check_count("min_count", min_count, 1)
    n_docs = len(texts)
    low = _doc_threshold("min_docs", min_docs, n_docs)
    high = _doc_threshold("max_docs", max_docs, n_docs)

    fixed = None if vocabulary is None else list(vocabulary)
    if fixed is not None:
        if len(set(fixed)) != len(fixed):
            raise ValueError("vocabulary has duplicated terms; pass each term once.")
        vocab: dict[str, int] = {t: j for j, t in enumerate(fixed)}
    else:
        vocab = defaultdict()
        vocab.default_factory = vocab.__len__  # a new term gets the next column

    if table is not None and orders == (1,) and lowercase:
        matrix, totals = _count_table(table, vocab, restrict=fixed is not None)
    elif orders == (1,):
        matrix, totals = _count_words(texts, vocab, lowercase, restrict=fixed is not None)
    else:
        matrix, totals = _count_ngrams(texts, vocab, lowercase, orders, restrict=fixed is not None)
    n_terms = len(vocab)
    terms = np.empty(n_terms, dtype=object)
    terms[list(vocab.values())] = list(vocab.keys())
    if fixed is not None:
        _warn_uncountable(fixed, np.asarray(matrix.sum(axis=0)).ravel() == 0, lowercase, orders)
        return DocumentTermMatrix(matrix, terms, np.asarray(doc_ids, dtype=object), totals)

    keep = free_of(terms, stops) if stops else np.ones(n_terms, dtype=bool)
    keep = frequency_keep(
        keep,
        lambda: np.asarray(matrix.sum(axis=0)).ravel(),
        lambda: np.bincount(matrix.indices, minlength=n_terms),
        n_docs,
        min_count,
        low,
        high,
    )
    order = np.flatnonzero(keep)
    order = order[np.argsort(terms[order], kind="stable")]  # Python str order, as sorted()
    if len(order) == n_terms:  # every term kept: renumber the columns (a new matrix; a table's stays as it is)
        column = np.empty(n_terms, dtype=matrix.indices.dtype)
        column[order] = np.arange(n_terms)
        matrix = sp.csr_matrix(
            (matrix.data.astype(np.int64), column[matrix.indices], matrix.indptr.copy()), shape=matrix.shape
        )
    else:
        matrix = matrix[:, order].tocsr()
        matrix.data = matrix.data.astype(np.int64, copy=False)
    matrix.sort_indices()
    return DocumentTermMatrix(matrix, terms[order], np.asarray(doc_ids, dtype=object), totals)


def count_terms(
    docs: pd.DataFrame | TokenTable,
    *,
    by: str | Sequence[str] | None = None,
    ngram: int | tuple[int, int] = 1,
    lowercase: bool = True,
    stop_words: str | Iterable[str] | None = None,
    min_count: int = 1,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Count terms per group: one row per group and term.

    Parameters
    ----------
    docs : DataFrame or TokenTable
        Documents (or segments from :func:`toolkit.split_voices`): ``doc_id``,
        ``text`` and the columns named by ``by``. Each row is one document. Or a
        :func:`toolkit.token_table` of such a frame, to tokenize once for several measures.
    by : str or list of str, optional
        Column(s) whose values make the groups (``"speaker"``, ``"country"``,
        ``"role"``, ``"genre"``, ``"venue"``, ``"year"``, ``"voice"``...): one
        group per distinct combination of values; missing values (None, NaN,
        NA) of a column are one value of their own. None: one group, ``"all"``.
        A column may not share the name of a result column (``term``, ``n``...).
    ngram : int or (int, int), default 1
        As in :func:`document_term_matrix`.
    lowercase : bool, default True
        Lower-case before tokenizing.
    stop_words : None, "english" or iterable of str
        Terms left out of the table (they still count in the rate's denominator).
    min_count : int, default 1
        Keep rows with ``n >= min_count`` (within the group).
    n_jobs : int, optional
        Worker processes that tokenize the documents (None or 1: this process;
        -1: every CPU); the result does not depend on it. A token table is
        tokenized already: ``n_jobs`` is then not used.

    Returns
    -------
    DataFrame
        Sorted by group (the ``by`` columns' values in order, missing values
        last), then rank, then term:

        - the group's key: each ``by`` column, in the order given, with its
          values and dtype as in ``docs`` (missing values stay missing); with
          ``by=None`` one column ``group`` (string) holding ``"all"``;
        - ``term`` (string): the word or n-gram;
        - ``n`` (int64): occurrences in the group;
        - ``rate_per_1k`` (float64): ``n`` per 1,000 tokens of the group (n-gram
          positions for n-grams; with a range of orders, the positions of every
          order together: see :func:`document_term_matrix`), stop words included
          in the denominator;
        - ``doc_freq`` (int64): documents of the group in which the term occurs;
        - ``rank`` (int64): 1 for the group's most frequent term; ties share the
          lowest rank ("min" method).

        A group whose documents hold no token has no rows: its documents are
        listed in ``attrs["skipped"]`` (dicts with ``doc_id``, the group's key
        columns and ``problem``) and named in a warning. Other documents without
        tokens count as documents of their group (they add nothing to ``n``).

    Raises
    ------
    ValueError
        ``by`` names a missing column, or an option is invalid.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["We oppose.", "We hope.", "We hope."],
    ...                      "country": ["CHN", "KOR", "KOR"]})
    >>> count_terms(docs, by="country").values.tolist()
    [['CHN', 'oppose', 1, 500.0, 1, 1], ['CHN', 'we', 1, 500.0, 1, 1], ['KOR', 'hope', 2, 500.0, 2, 1], ['KOR', 'we', 2, 500.0, 2, 1]]
    >>> list(count_terms(docs.assign(year=[2020, 2021, 2021]), by=["country", "year"]).columns)
    ['country', 'year', 'term', 'n', 'rate_per_1k', 'doc_freq', 'rank']
    """
    if is_dask(docs):  # a Dask DataFrame: summed partition by partition (toolkit.scale)
        return scaled("count_terms")(
            docs, by=by, ngram=ngram, lowercase=lowercase, stop_words=stop_words, min_count=min_count
        )
    check_count("min_count", min_count, 1)
    grouping = _groups(_frame(docs), by, reserved=COUNT_COLUMNS)
    codes = grouping.codes
    matrix, terms, doc_ids, totals, order = count_matrix(docs, ngram, lowercase, stop_words, n_jobs)
    counts, doc_freq, totals = group_sums(matrix, codes, len(grouping), totals, order)
    if order is not None:
        terms = terms[order]
    empty = totals[codes] == 0
    skipped = [
        {"doc_id": d, **grouping.record(g), "problem": "no tokens in its group, so the group has no rows"}
        for d, g in zip(np.asarray(doc_ids, dtype=object)[empty], codes[empty])
    ]
    del matrix
    sums = [counts, doc_freq]
    del counts, doc_freq  # count_rows lets each go as it reorders it
    out = count_rows(grouping, sums, terms, totals, min_count)
    out.attrs["skipped"] = skipped
    warn_skipped("count_terms", skipped)
    release_memory()  # the documents' sums and sort keys let go: their pages back to the system (about 5 ms)
    return out


def group_sums(
    matrix: sp.csr_matrix, codes: np.ndarray, n_groups: int, totals: np.ndarray, order: np.ndarray | None = None
) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    """(each term's count per group, the documents of each group holding it, the tokens of each group) of a
    documents x terms matrix whose row ``i`` is in group ``codes[i]``.

    CSR (int32 where the sums fit), each row's terms sorted, the two matrices with one pattern (a document
    holds a term where its row stores an entry); with ``order`` (a permutation of the terms) the result's
    column ``k`` is the matrix's column ``order[k]``. Shared by :func:`count_terms` and its Dask path (one
    partition at a time); not in ``__all__``."""
    matrix = matrix.tocsr()
    # one compiled pass over the documents' entries, group by group: no copy of the documents' matrix (two
    # sparse products took an indicator's copy as int64 and a matrix of ones, 40 MB for the UNGDC)
    rank = None
    if order is not None:  # the result's columns in this order, made so (not a copy of the result reordered)
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
    indptr, indices, sums, entries = _group_sums(
        matrix.indptr, matrix.indices, matrix.data, codes, n_groups, matrix.shape[1], rank
    )
    shape = (n_groups, matrix.shape[1])
    counts = sp.csr_matrix((sums, indices, indptr), shape=shape)
    doc_freq = sp.csr_matrix((entries, indices.copy(), indptr.copy()), shape=shape)  # a row's stored entries
    group_totals = np.zeros(n_groups, dtype=np.int64)
    np.add.at(group_totals, np.asarray(codes, dtype=np.int64), np.asarray(totals, dtype=np.int64))
    return counts, doc_freq, group_totals


def count_rows(grouping: Any, sums: list, terms: np.ndarray, totals: np.ndarray, min_count: int) -> pd.DataFrame:
    """The rows of :func:`count_terms` from the sums of its groups.

    ``sums``: ``[counts, doc_freq]``, groups x terms (CSR, indices sorted, the same sparsity pattern), the
    terms sorted; emptied here, so that the caller holds no reference to them while the rows are made (each
    array is let go as soon as its reordered copy exists). ``totals``: the tokens of each group;
    ``grouping``: the groups (:func:`toolkit._groups.groups`). Shared by :func:`count_terms` and its Dask path
    (:mod:`toolkit.scale`), which sums the groups over partitions and must give the same frame; not part of
    the public API (not in ``__all__``).
    """
    # 1.8 million rows for the UNGDC by country: each step frees what the next does not need
    counts, doc_freq = sums
    sums.clear()
    g = np.repeat(np.arange(len(grouping), dtype=np.int32), np.diff(counts.indptr))
    j, n, df = counts.indices, counts.data, doc_freq.data
    del counts, doc_freq
    keep = n >= min_count
    if not keep.all():
        g, j, n, df = g[keep], j[keep], n[keep], df[keep]
    del keep
    # by group, then n descending, then term: the entries come by group and term (each row's columns sorted),
    # so a stable sort on one integer key (group, then n descending) keeps the terms in order within a tie
    top = int(n.max()) if len(n) else 0
    key = g.astype(np.int64)
    key *= top + 1
    key += top
    key -= n
    order = np.argsort(key, kind="stable")
    del key
    g, j, n, df = g[order], j[order], n[order], df[order]
    del order
    # the freed arrays' pages back to the system (glibc keeps them in its heap) before the columns are made:
    # with this and the three trims below, the UNGDC by country peaks at 921-928 MiB, not 966-981 (one process,
    # after a token table of n_jobs=2; 1.8 million rows); a few rows' are not worth a trim
    release_memory_of(len(g))
    # rank within the group, ties sharing the lowest (pandas' method="min"): where a run of equal n starts
    # (positions as int32 where they fit, accumulated in place: 1.8 million rows of int64 are 14 MB each)
    rows = np.arange(len(g), dtype=np.int32 if len(g) < 2**31 - 1 else np.int64)
    first = np.ones(len(g), dtype=bool)
    first[1:] = g[1:] != g[:-1]
    group_start = np.where(first, rows, 0)
    np.maximum.accumulate(group_start, out=group_start)
    first[1:] |= n[1:] != n[:-1]
    run_start = np.where(first, rows, 0)
    del rows, first
    np.maximum.accumulate(run_start, out=run_start)
    rank = run_start.astype(np.int64)
    del run_start
    rank -= group_start
    rank += 1
    del group_start
    # each column made in turn, what it was made from let go (the frame's peak is its own columns)
    release_memory_of(len(g))  # the ranks' transients
    keys = grouping.take(g)  # one frame built from the columns: no concatenated copy of 1.8 million rows
    release_memory_of(len(g))  # the take's transients (40 MiB over its 20 MB column for the UNGDC)
    term = take_strings(terms, j)
    del j
    release_memory_of(len(g))  # the take's transient (a list and a pyarrow array of the distinct terms)
    rate = n / totals[g] * 1_000
    del g
    n = n.astype(np.int64)
    df = df.astype(np.int64)
    out = pd.DataFrame(
        {**{c: keys[c] for c in keys.columns}, "term": term, "n": n, "rate_per_1k": rate, "doc_freq": df, "rank": rank},
        copy=False,  # the arrays are this function's own: pandas would copy 1.8 million rows of each otherwise
    )
    return out


def dispersion(
    docs: pd.DataFrame | TokenTable,
    *,
    by: str | Sequence[str] | None = None,
    ngram: int | tuple[int, int] = 1,
    lowercase: bool = True,
    stop_words: str | Iterable[str] | None = None,
    min_count: int = 1,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Gries's DP (deviation of proportions) of every term over the documents of each group.

    The parts are the rows of ``docs`` (documents, or segments or sentences if you
    pass those). With ``s_i`` the share of the group's tokens in part ``i`` and
    ``v_i`` the share of the term's occurrences in part ``i``::

        DP = 0.5 * sum_i |v_i - s_i|            (Gries 2008)
        DP_norm = DP / (1 - min_i s_i)          (Lijffijt & Gries 2012)

    0 means the term is spread exactly as the text is; values near 1 mean it is
    concentrated in a few small parts.

    Parameters
    ----------
    docs, by, ngram, lowercase, stop_words, min_count, n_jobs
        As in :func:`count_terms`.

    Returns
    -------
    DataFrame
        Sorted by group, then ``n`` descending, then term:

        - the group's key columns, ``term`` (string), ``n`` (int64): as in
          :func:`count_terms`;
        - ``parts`` (int64): parts of the group in which the term occurs;
        - ``dp`` (float64): Gries's DP, in [0, 1);
        - ``dp_norm`` (float64): DP divided by its maximum ``1 - min_i s_i``, in [0, 1].

        Parts without tokens (empty documents) are left out: they hold no share
        of the text (and, kept, would set ``min_i s_i`` to 0). They are listed
        in ``attrs["skipped"]`` (dicts with ``doc_id``, the group's key columns
        and ``problem``) and named in a warning. In a group of one part dispersion
        is undefined: ``dp`` and ``dp_norm`` are NaN there (and only there).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["x y y y", "x z z z"]})
    >>> dispersion(docs)[["group", "term", "n", "parts", "dp"]].values.tolist()
    [['all', 'y', 3, 1, 0.5], ['all', 'z', 3, 1, 0.5], ['all', 'x', 2, 2, 0.0]]
    """
    if is_dask(docs):  # a Dask DataFrame: the groups' sums, then each part's deviations, over partitions
        return scaled("dispersion")(
            docs, by=by, ngram=ngram, lowercase=lowercase, stop_words=stop_words, min_count=min_count
        )
    check_count("min_count", min_count, 1)
    grouping = _groups(_frame(docs), by, reserved=DISPERSION_COLUMNS)
    dtm = document_term_matrix(docs, ngram=ngram, lowercase=lowercase, stop_words=stop_words, n_jobs=n_jobs)
    codes = grouping.codes
    empty = dtm.totals == 0
    skipped = [
        {"doc_id": d, **grouping.record(g), "problem": "no tokens, so no share of the text to disperse over"}
        for d, g in zip(dtm.doc_ids[empty], codes[empty])
    ]
    frames = []
    for k in range(len(grouping)):
        rows = np.flatnonzero(codes == k)
        rows = rows[dtm.totals[rows] > 0]  # a part without tokens holds no share of the text: not a part
        if not len(rows):
            continue
        X = dtm.matrix[rows].tocsc()
        sizes = dtm.totals[rows].astype(float)
        s = sizes / sizes.sum()
        freq = np.asarray(X.sum(axis=0)).ravel()
        cols = np.flatnonzero(freq >= min_count)
        X = X[:, cols]
        f = freq[cols].astype(float)
        # sum_i |v_i - s_i| over all parts = 1 + sum over the parts where the term occurs of (|v_i - s_i| - s_i)
        part = X.indices
        term = np.repeat(np.arange(X.shape[1]), np.diff(X.indptr))
        v = X.data / f[term]
        dev = np.bincount(term, weights=np.abs(v - s[part]) - s[part], minlength=X.shape[1])
        frames.append(dispersion_values(k, dtm.terms[cols], freq[cols], np.diff(X.indptr), dev, len(rows), s.min()))
    return dispersion_rows(grouping, frames, skipped)


def dispersion_values(
    group: int,
    terms: np.ndarray,
    freq: np.ndarray,
    parts: np.ndarray,
    deviation: np.ndarray,
    n_parts: int,
    min_share: float,
) -> pd.DataFrame:
    """One group's rows of :func:`dispersion` from its sums: each term's count and parts, and
    ``deviation``, the sum over the parts where the term occurs of ``|v_i - s_i| - s_i`` (so that DP is
    half of one plus it), with the group's number of parts and smallest share ``min_i s_i``."""
    dp = 0.5 * (np.asarray(deviation, dtype=float) + 1.0)
    if n_parts < 2:
        dp = np.full_like(dp, np.nan)
    return pd.DataFrame(
        {
            "_group": np.full(len(terms), group, dtype=np.int64),
            "term": pd.array(np.asarray(terms, dtype=object), dtype="string"),
            "n": np.asarray(freq).astype(np.int64),
            "parts": np.asarray(parts).astype(np.int64),
            "dp": np.clip(dp, 0.0, 1.0),
            "dp_norm": np.clip(dp / (1.0 - min_share), 0.0, 1.0) if n_parts > 1 else dp,
        }
    )


def dispersion_rows(grouping: Groups, frames: list[pd.DataFrame], skipped: list[dict[str, Any]]) -> pd.DataFrame:
    """The frame of :func:`dispersion` from its groups' :func:`dispersion_values`, with the parts left out."""
    if not frames:
        values = pd.DataFrame(
            {
                c: pd.Series(dtype=t)
                for c, t in zip(
                    ["_group", *DISPERSION_COLUMNS], ["int64", "string", "int64", "int64", "float64", "float64"]
                )
            }
        )
    else:
        values = pd.concat(frames, ignore_index=True)
        values = values.sort_values(["_group", "n", "term"], ascending=[True, False, True], ignore_index=True)
    out = pd.concat([grouping.take(values["_group"].to_numpy()), values.drop(columns="_group")], axis=1)
    out.attrs["skipped"] = skipped
    warn_skipped("dispersion", skipped)
    return out


# ---------------------------------------------------------------------------- small builders


def _count_words(
    texts: Sequence[str], vocab: dict[str, int], lowercase: bool, *, restrict: bool
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Unigram counts, fast: count whitespace-separated chunks, tokenize each distinct chunk once.

    No token contains whitespace and the pattern's look-arounds never look at
    whitespace, so tokenizing each chunk on its own gives exactly the tokens of
    the whole text. The documents x chunks counts times the chunks x terms
    counts is the document-term matrix; the regular expression runs over the
    distinct chunks only (about 226,000 for the 32 million tokens of the UNGDC).
    """
    # each text's chunks numbered by a compiled loop (toolkit._kernels.ChunkIndex: the chunks of str.split()),
    # kept as (distinct chunk, count) pairs: a few bytes for each distinct chunk of a document
    index = ChunkIndex()
    indices, values = [], []
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    for i, text in enumerate(texts):
        distinct, count = np.unique(index.add(text, code_points(text)), return_counts=True)
        indices.append(distinct)
        values.append(count.astype(np.int32))
        indptr[i + 1] = indptr[i] + len(distinct)
    chunk_ids = index.strings
    by_chunk = sp.csr_matrix(
        (
            np.concatenate(values) if values else np.zeros(0, dtype=np.int32),
            np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32),
            indptr,
        ),
        shape=(len(texts), len(chunk_ids)),
    )
    del indices, values
    t_indptr = array("q", [0])
    t_indices = array("i")
    tokens_per_chunk = np.zeros(len(chunk_ids), dtype=np.int64)
    for c, chunk in enumerate(chunk_ids):
        tokens = _TOKEN_RE.findall(_lower(chunk) if lowercase else chunk)
        tokens_per_chunk[c] = len(tokens)
        if restrict:
            tokens = [t for t in tokens if t in vocab]
        t_indices.extend(map(vocab.__getitem__, tokens))
        t_indptr.append(len(t_indices))
    n_terms = len(vocab)
    chunk_terms = sp.csr_matrix(
        (
            np.ones(len(t_indices), dtype=np.int32),
            np.frombuffer(t_indices, dtype=np.int32),
            np.frombuffer(t_indptr, dtype=np.int64),
        ),
        shape=(len(chunk_ids), n_terms),
    )
    matrix = (by_chunk @ chunk_terms).tocsr()
    matrix.sum_duplicates()
    matrix.data = matrix.data.astype(np.int64)
    totals = by_chunk @ tokens_per_chunk
    return matrix, np.asarray(totals, dtype=np.int64)


def _count_table(table: TokenTable, vocab: dict[str, int], *, restrict: bool) -> tuple[sp.csr_matrix, np.ndarray]:
    """Unigram counts read from a token table: its counts with their columns in ``vocab``'s order."""
    if restrict:
        columns = np.fromiter((vocab.get(t, -1) for t in table.terms), dtype=np.int64, count=len(table.terms))
    else:
        columns = np.fromiter((vocab[t] for t in table.terms), dtype=np.int64, count=len(table.terms))
    if not restrict and np.array_equal(columns, np.arange(len(columns))):
        return table.counts, table.totals.astype(np.int64)  # not changed in place by the caller
    kept = columns >= 0  # a (terms x vocabulary) selection: row t has a 1 in the column of term t, if kept
    select = sp.csr_matrix(
        (np.ones(int(kept.sum()), dtype=np.int64), columns[kept], np.concatenate([[0], np.cumsum(kept)])),
        shape=(len(columns), len(vocab)),
    )
    return (table.counts @ select).tocsr(), table.totals.astype(np.int64)


def _count_ngrams(
    texts: Sequence[str], vocab: dict[str, int], lowercase: bool, orders: tuple[int, ...], *, restrict: bool
) -> tuple[sp.csr_matrix, np.ndarray]:
    """N-gram counts: tokenize each text, count its n-grams of every order."""
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    indices = array("q")
    values = array("q")
    totals = np.zeros(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        tokens = _TOKEN_RE.findall(_lower(text) if lowercase else text)
        counts: Counter[str] = Counter()
        for n in orders:
            counts.update(tokens if n == 1 else map(" ".join, zip(*(islice(tokens, k, None) for k in range(n)))))
            totals[i] += max(len(tokens) - n + 1, 0)
        if restrict:
            counts = Counter({t: c for t, c in counts.items() if t in vocab})
        indices.extend(map(vocab.__getitem__, counts.keys()))
        values.extend(counts.values())
        indptr[i + 1] = len(indices)
    matrix = sp.csr_matrix(
        (np.array(values, dtype=np.int64), np.array(indices, dtype=np.int64), indptr),
        shape=(len(texts), len(vocab)),
    )
    return matrix, totals


def count_matrix(
    docs: pd.DataFrame | TokenTable | Sequence[str],
    ngram: int | tuple[int, int],
    lowercase: bool,
    stop_words: str | Iterable[str] | None,
    n_jobs: int | None,
) -> tuple:
    """(documents x terms counts, terms, doc_ids, totals, order): the input of measures that sum documents by group.

    For a token table counted as it was made (lower-cased unigrams, nothing pruned): its own int32 counts
    and terms in first-seen order, with ``order`` the permutation that sorts the terms; the caller sums by
    group first and orders the (small) group matrix after, so the documents' matrix is never copied. Else
    the matrix of :func:`document_term_matrix`, terms sorted already, and ``order`` None.
    """
    if isinstance(docs, TokenTable) and ngram == 1 and lowercase and not _stop_words(stop_words):
        return docs.counts, np.array(docs.terms, dtype=object), docs.doc_ids, docs.totals, docs.term_order
    dtm = document_term_matrix(docs, ngram=ngram, lowercase=lowercase, stop_words=stop_words, n_jobs=n_jobs)
    return dtm.matrix, dtm.terms, dtm.doc_ids, dtm.totals, None


def _countable(term: str, lowercase: bool, orders: tuple[int, ...]) -> str | None:
    """Why ``term`` of a vocabulary can never be counted with these options (None if it can): it must be
    ``n`` tokens' terms joined by single spaces, ``n`` one of ``orders``, each as the tokenizer gives it."""
    from toolkit.text import tokenize

    words = term.split(" ")
    if "" in words or any(w != w.strip() for w in words):
        return "blanks around or between its words: one space between words, none around"
    if unicodedata.normalize("NFC", term) != term:
        return f"not in Unicode NFC, as the terms are: {unicodedata.normalize('NFC', term)!a}"
    if len(words) not in orders:
        return f"{len(words)} word(s); ngram counts {' or '.join(map(str, orders))}"
    for word in words:
        # a token alone, or after a letter (the clitic "'s" is a token only after a word)
        if tokenize(word, lowercase=lowercase) != [word] and tokenize("x" + word, lowercase=lowercase)[-1:] != [word]:
            got = " ".join(tokenize(word, lowercase=lowercase))
            return f"counted as {got!r}" if got else "no token"
    return None


def _warn_uncountable(fixed: list[str], zero: np.ndarray, lowercase: bool, orders: tuple[int, ...]) -> None:
    """Warn of the vocabulary's terms whose columns are zero because no token can be them (upper case with
    ``lowercase``, a word the tokenizer splits, a bigram at ``ngram=1``, spaces around it, ...)."""
    import warnings

    why = {t: r for t, z in zip(fixed, zero, strict=True) if z for r in [_countable(str(t), lowercase, orders)] if r}
    if why:
        shown = "; ".join(f"{t!r} ({r})" for t, r in list(why.items())[:5])
        warnings.warn(
            f"document_term_matrix: {len(why)} term(s) of the vocabulary can never be counted with lowercase="
            f"{lowercase}, ngram={orders[0] if len(orders) == 1 else (orders[0], orders[-1])}: {shown}"
            f"{' ...' if len(why) > 5 else ''}. Their columns are zero; write each term as the matrix's terms are "
            "(tokenize() gives them).",
            UserWarning,
            stacklevel=3,
        )


def _ngram_orders(ngram: int | tuple[int, int]) -> tuple[int, ...]:
    if isinstance(ngram, (int, np.integer)) and not isinstance(ngram, bool) and 1 <= ngram <= 3:
        return (int(ngram),)
    if (
        isinstance(ngram, tuple)
        and len(ngram) == 2
        and all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in ngram)
        and 1 <= ngram[0] <= ngram[1] <= 3
    ):
        return tuple(range(ngram[0], ngram[1] + 1))
    raise ValueError(f"ngram={ngram!r} is invalid; must be 1, 2 or 3, or a pair (min, max) with 1 <= min <= max <= 3.")
