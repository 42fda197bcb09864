"""Topic models: what the speeches talk about, and where a new document sits among them.

One estimator and a few functions around it, in the order a study uses them:

- :class:`TopicModel` / :func:`fit_topics`: LDA or NMF (scikit-learn) on the
  document-term matrix of :func:`toolkit.document_term_matrix`, with vocabulary
  pruning by document frequency and stop words. A fitted model gives
  :meth:`~TopicModel.top_terms`, :meth:`~TopicModel.doc_topics` and
  :meth:`~TopicModel.transform` (documents not seen in fitting, such as the
  interview projected onto topics learned from the UN speeches);
- :func:`topic_prevalence`: mean topic proportion per group with a seeded
  bootstrap interval over documents;
- :func:`coherence`: NPMI (sliding window or whole documents) or UMass, per topic
  and on average, with exactly the definitions of gensim's ``CoherenceModel``
  (``c_npmi``, ``u_mass``);
- :func:`match_topics` and :func:`topic_stability`: topics of two fits matched by
  the Hungarian method on the cosine similarity of their term distributions;
- :func:`select_k`: coherence, held-out perplexity and stability across seeds
  for each candidate number of topics.

Reproducibility: the same documents, options and ``seed`` (and the same
``n_jobs``, which fixes how LDA splits its E-step) give the same topics bit for
bit; :func:`topic_stability` says how much they move when only the seed changes.
Another machine (another BLAS, another CPU) may give weights that differ in the
last digits, so every ranking here (top terms, labels, the matching of topics)
compares weights rounded to :data:`RANK_DIGITS` significant digits and breaks
the ties that remain by term (or topic number): the order does not depend on
the 16th digit.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from itertools import combinations
from typing import Any, cast

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator, TransformerMixin

from toolkit._dispatch import is_dask, scaled
from toolkit._groups import groups as _groups
from toolkit._inputs import doc_metadata as _doc_metadata
from toolkit._inputs import ids_and_texts as _ids_and_texts
from toolkit._progress import check_progress, progress_bar
from toolkit._tokens import TOKEN_RE as _TOKEN_RE
from toolkit._tokens import lower_keeping_offsets as _lower
from toolkit._validation import (
    check_confidence,
    check_count,
    check_one_of,
    check_seed,
    renamed_parameters,
    warn_skipped,
)
from toolkit.counts import DocumentTermMatrix, document_term_matrix
from toolkit.text import STOP_WORDS
from toolkit.tokentable import TokenTable

__all__ = [
    "TOPIC_STOP_WORDS",
    "TopicModel",
    "Vectorizer",
    "coherence",
    "fit_topics",
    "match_topics",
    "select_k",
    "topic_prevalence",
    "topic_stability",
]

METHODS = ("lda", "nmf")
LEARNING_METHODS = ("batch", "online")
MEASURES = ("npmi", "umass")
#: Added to joint probabilities before taking logs, as gensim's ``EPSILON``.
EPSILON = 1e-12
_DEFAULT_MAX_ITER = {"lda": 10, "nmf": 500}
#: The parameters of :class:`TopicModel` renamed in 0.2 to scikit-learn's names: old -> new.
_RENAMED = {
    "k": "n_components",
    "seed": "random_state",
    "min_docs": "min_df",
    "max_docs": "max_df",
    "ngram": "ngram_range",
}
_NEW_DEFAULTS = {"n_components": 10, "random_state": 0, "min_df": 1, "max_df": 1.0, "ngram_range": 1}


class _TextInput:
    """Tags of an estimator whose input is text (a docs frame or strings), not a numeric matrix, as
    scikit-learn's CountVectorizer declares them: ``check_estimator`` then runs the checks that apply to text."""

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()  # type: ignore[misc]
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


class Vectorizer(_TextInput, TransformerMixin, BaseEstimator):
    """Documents to term counts, with the vocabulary learnt by ``fit``: :func:`toolkit.document_term_matrix`
    as a scikit-learn transformer (the counterpart of ``CountVectorizer`` with the toolkit's tokens).

    Parameters
    ----------
    ngram_range : int or (int, int), default 1
        Terms are n-grams of this order (an int n: n-grams; (lo, hi): all orders from lo to hi).
    lowercase : bool, default True
    stop_words : None, "english" or iterable of str, default None
        Terms dropped (``"english"``: :data:`toolkit.STOP_WORDS`).
    min_df, max_df : int or float, default 1 and 1.0
        Keep terms in at least ``min_df`` and at most ``max_df`` documents (a float in (0, 1]: a share).

    Attributes
    ----------
    terms_ : ndarray of object (str)
        The vocabulary, sorted as :func:`toolkit.document_term_matrix` sorts.
    vocabulary_ : dict of str to int
        Term -> column.

    Examples
    --------
    >>> vec = Vectorizer(stop_words="english").fit(["We firmly oppose it.", "We oppose sanctions."])
    >>> vec.get_feature_names_out().tolist()
    ['firmly', 'oppose', 'sanctions']
    >>> vec.transform(["Sanctions, sanctions!"]).toarray().tolist()
    [[0, 0, 2]]
    """

    def __init__(
        self,
        *,
        ngram_range: int | tuple[int, int] = 1,
        lowercase: bool = True,
        stop_words: str | Iterable[str] | None = None,
        min_df: int | float = 1,
        max_df: int | float = 1.0,
    ) -> None:
        self.ngram_range = ngram_range
        self.lowercase = lowercase
        self.stop_words = stop_words
        self.min_df = min_df
        self.max_df = max_df

    def _fit_dtm(self, X: pd.DataFrame | Sequence[str] | TokenTable) -> DocumentTermMatrix:
        dtm = document_term_matrix(
            X,
            ngram=self.ngram_range,
            lowercase=self.lowercase,
            stop_words=self.stop_words,
            min_docs=self.min_df,
            max_docs=self.max_df,
        )
        self.terms_ = dtm.terms
        self.vocabulary_ = dtm.vocabulary
        return dtm

    def _transform_dtm(self, X: pd.DataFrame | Sequence[str] | TokenTable) -> DocumentTermMatrix:
        if not hasattr(self, "terms_"):
            raise ValueError("This Vectorizer is not fitted yet; call fit first.")
        return document_term_matrix(X, ngram=self.ngram_range, lowercase=self.lowercase, vocabulary=self.terms_)

    def fit(self, X: pd.DataFrame | Sequence[str] | TokenTable, y: None = None) -> Vectorizer:
        """Learn the vocabulary of ``X`` (a docs frame, its token table, or texts)."""
        self._fit_dtm(X)
        return self

    def transform(self, X: pd.DataFrame | Sequence[str] | TokenTable) -> sp.csr_matrix:
        """The counts of the vocabulary's terms in each document of ``X`` (int64, documents x terms)."""
        return self._transform_dtm(X).matrix

    def fit_transform(
        self, X: pd.DataFrame | Sequence[str] | TokenTable, y: None = None, **fit_params: Any
    ) -> sp.csr_matrix:
        """:meth:`fit` and :meth:`transform` in one pass over ``X``."""
        return self._fit_dtm(X).matrix

    def get_feature_names_out(self, input_features: None = None) -> np.ndarray:
        """The terms, one per column."""
        if not hasattr(self, "terms_"):
            raise ValueError("This Vectorizer is not fitted yet; call fit first.")
        return self.terms_.copy()


#: Significant digits of the weights that rankings compare (ties then go by term or topic number).
RANK_DIGITS = 10
#: NMF: a topic whose part of the fit (the norm of its rank-one term, document weights times
#: term weights) is below this share of the largest topic's is empty.
EMPTY_TOPIC_TOLERANCE = 1e-6
#: Another name for :data:`toolkit.STOP_WORDS`, kept for code written when topic models had a
#: list of their own (it added the possessive clitic "'s", which :data:`toolkit.STOP_WORDS` now
#: holds): ``stop_words="english"`` is the same list for counting, keyness and topics.
TOPIC_STOP_WORDS: frozenset[str] = STOP_WORDS


class TopicModel(_TextInput, TransformerMixin, BaseEstimator):
    """A topic model (LDA or NMF) of a docs frame: a scikit-learn estimator.

    ``sklearn.base.clone``, ``get_params``/``set_params``, ``Pipeline`` and
    ``GridSearchCV`` work with it; its input ``X`` is a docs frame or a
    sequence of texts (not a numeric matrix: it makes its own with a
    :class:`Vectorizer`). The parameter names are scikit-learn's; the names of
    releases before 0.2 (``k``, ``seed``, ``min_docs``, ``max_docs``, ``ngram``)
    still work for this release, with a ``FutureWarning``.

    Parameters
    ----------
    n_components : int, default 10
        Number of topics; at most the number of documents (formerly ``k``).
    method : {"lda", "nmf"}, default "lda"
        ``"lda"``: :class:`sklearn.decomposition.LatentDirichletAllocation` on the
        term counts (priors ``1/k``). ``"nmf"``:
        :class:`sklearn.decomposition.NMF` (Frobenius loss, ``init="nndsvda"``)
        on the l2-normalised tf-idf of the counts
        (:class:`sklearn.feature_extraction.text.TfidfTransformer`, fitted here).
    random_state : int, default 0
        Random state of the estimator, an integer from 0 to 2**32 - 1 (checked
        by ``fit``; formerly ``seed``): same data, options, seed and ``n_jobs``
        give the same topics bit for bit. NMF's ``nndsvda`` initialisation is
        computed from an SVD, not drawn: NMF's topics do not depend on the seed
        (so its stability across seeds is 1 by construction).
    min_df, max_df : int or float, default 1 and 1.0
        Keep terms occurring in at least ``min_df`` and at most ``max_df``
        documents (a float in (0, 1] is a proportion; formerly ``min_docs`` and
        ``max_docs``), as ``min_docs``/``max_docs`` of
        :func:`toolkit.document_term_matrix`. The defaults keep every term
        (as scikit-learn's ``CountVectorizer``): pruning removes content
        words, so it is the user's choice, not a default. ``min_docs=2`` drops
        the words of a single document (a smaller vocabulary, a faster fit);
        ``max_docs`` below 1 drops the words of more than that share of the
        documents, which can be the very words that define a topic: on
        documents drawn from five known topics (``tests/test_topics.py``),
        ``max_docs=0.5`` took out most of each topic's heaviest words and the
        fitted topics matched the true ones at a cosine of 0.34, against 0.998
        with every term. Corpus-wide formulas ("united nations") are better
        named in ``stop_words``.
    stop_words : None, "english" or iterable of str, default "english"
        Terms dropped before fitting. ``"english"`` is :data:`toolkit.STOP_WORDS`
        (function words and the possessive clitic ``'s``), the list every
        ``stop_words="english"`` of the toolkit uses; to add words, pass
        ``toolkit.STOP_WORDS | {...}``.
    ngram_range : int or (int, int), default 1
        Terms are n-grams of this order (formerly ``ngram``; see
        :func:`toolkit.document_term_matrix`). :func:`coherence` with a sliding
        window needs unigrams.
    max_iter : int, optional
        Passes over the data. Default: 10 for LDA (scikit-learn's default), 500
        for NMF.
    learning_method : {"batch", "online"}, default "batch"
        LDA only: variational Bayes on all documents at each pass, or on
        mini-batches of ``batch_size``. Batch is the default: in
        ``benchmarks/bench_topics.py`` online learning is no faster per pass,
        its topics after the same passes are less coherent, and its result
        depends on document order.
    batch_size : int, default 128
        LDA online learning only: documents per mini-batch.
    n_jobs : int, optional
        LDA only: processes for the E-step (``-1``: all cores). Results are
        reproducible for a given ``n_jobs``, but not across values of
        ``n_jobs``: scikit-learn splits the documents into one chunk per job and
        starts each chunk's document-topic values from its own copy of the
        random state, so ``n_jobs=1`` and ``n_jobs=2`` are two different
        (equally valid) runs, and ``-1`` makes the topics depend on the
        machine. The default is one process; on the full UNGDC ``n_jobs=2``
        saves about 30% (on the 524 documents of the comparison corpus
        starting workers costs more than it saves).
    labels : sequence of str or mapping {topic: str}, optional
        Labels overriding the automatic ones (the three top terms joined by
        ``", "``, ranked as :meth:`top_terms` ranks them, leaving out terms of
        weight 0); a mapping overrides only the topics it names.

    k, seed, min_docs, max_docs, ngram : deprecated
        The former names of ``n_components``, ``random_state``, ``min_df``,
        ``max_df`` and ``ngram_range`` (None: not given). A former name given
        is used, with a ``FutureWarning``; given with its new name set to
        another value than the default, it is an error (the new name at its
        default cannot be told from the new name not given).

    Attributes
    ----------
    vectorizer_ : Vectorizer
        The fitted vectorizer: the vocabulary, and how new documents are counted.
    terms_ : ndarray of object (str), shape (n_terms,)
        The vocabulary after pruning, sorted as :func:`toolkit.document_term_matrix` sorts.
    vocabulary_ : dict of str to int
        Term -> column of ``components_``.
    components_ : ndarray of float64, shape (k, n_terms)
        The estimator's ``components_`` as scikit-learn gives them (LDA:
        variational topic-word pseudo-counts; NMF: the factor ``H``).
    topic_term_ : ndarray of float64, shape (k, n_terms)
        ``components_`` with each row divided by its sum: each topic as a
        distribution over terms. ``top_terms`` weights, :func:`match_topics` and
        :func:`coherence` use it.
    doc_topic_ : ndarray of float64, shape (n_documents, k)
        Topic proportions of the fitted documents (rows sum to 1; NaN for a
        document with no term left after pruning).
    doc_ids_ : ndarray of object (str), shape (n_documents,)
    metadata_ : DataFrame
        The fitted documents' columns other than ``text`` (just ``doc_id`` for plain texts).
    estimator_ : LatentDirichletAllocation or NMF
        The fitted scikit-learn estimator.
    tfidf_ : TfidfTransformer or None
        NMF only: the fitted tf-idf weighting.
    labels_ : list of str
        One label per topic.
    n_iter_ : int
        Passes the estimator made.

    Examples
    --------
    >>> docs = ["nuclear weapons treaty", "nuclear treaty talks", "climate emissions finance",
    ...         "climate finance adaptation", "nuclear weapons talks", "emissions adaptation finance"]
    >>> model = TopicModel(n_components=2, max_iter=50).fit(docs)
    >>> model.labels_
    ['nuclear, talks, treaty', 'finance, climate, emissions']
    >>> model.transform(["a nuclear treaty"]).round(2).tolist()
    [[0.83, 0.17]]
    >>> model.relabel({1: "climate"}).labels_
    ['nuclear, talks, treaty', 'climate']
    """

    def __init__(
        self,
        n_components: int = 10,
        *,
        method: str = "lda",
        random_state: int = 0,
        min_df: int | float = 1,
        max_df: int | float = 1.0,
        stop_words: str | Iterable[str] | None = "english",
        ngram_range: int | tuple[int, int] = 1,
        max_iter: int | None = None,
        learning_method: str = "batch",
        batch_size: int = 128,
        n_jobs: int | None = None,
        labels: Sequence[str] | Mapping[int, str] | None = None,
        k: int | None = None,
        seed: int | None = None,
        min_docs: int | float | None = None,
        max_docs: int | float | None = None,
        ngram: int | tuple[int, int] | None = None,
    ) -> None:
        self.n_components = n_components
        self.method = method
        self.random_state = random_state
        self.min_df = min_df
        self.max_df = max_df
        self.stop_words = stop_words
        self.ngram_range = ngram_range
        self.max_iter = max_iter
        self.learning_method = learning_method
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.labels = labels
        self.k = k
        self.seed = seed
        self.min_docs = min_docs
        self.max_docs = max_docs
        self.ngram = ngram

    def _resolved(self) -> dict[str, Any]:
        """The parameters in force: a deprecated name, when given, stands for its new one (with a warning)."""
        out = {new: getattr(self, new) for new in _RENAMED.values()}
        for old, new in _RENAMED.items():
            value = getattr(self, old)
            if value is None:
                continue
            if getattr(self, new) != _NEW_DEFAULTS[new]:
                raise ValueError(
                    f"TopicModel got both {old}={value!r} and {new}={getattr(self, new)!r}; pass {new} only."
                )
            warnings.warn(
                f"TopicModel({old}=...) is deprecated and will be removed in 0.3; use {new}={value!r}.",
                FutureWarning,
                stacklevel=3,
            )
            out[new] = value
        return out

    # ------------------------------------------------------------------ fitting

    def fit(self, X: pd.DataFrame | Sequence[str], y: None = None) -> TopicModel:
        """Fit the topics of ``X``.

        Parameters
        ----------
        X : DataFrame, TokenTable or sequence of str
            A docs frame (``doc_id``, ``text`` and any metadata), its token table, or plain texts.
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        TopicModel
            ``self``, fitted.

        Raises
        ------
        ValueError
            An invalid option (a ``random_state`` outside [0, 2**32), ...), ``n_components`` larger
            than the number of documents, no term left after pruning (the
            message says which option to relax); for NMF, ``k`` above the rank
            of the documents' tf-idf matrix (checked before fitting: NMF cannot
            find more distinct topics, and the others would come out empty or
            as copies with invented labels; the message gives the rank), or a
            topic left empty by the fit (no weight in any document or on any
            term; the message names it).
        """
        docs = X
        params = self._resolved()
        seed = params["random_state"]
        method = check_one_of("method", self.method, METHODS)
        check_one_of("learning_method", self.learning_method, LEARNING_METHODS)
        k = check_count("n_components (k)", params["n_components"], 1)
        check_seed("random_state (seed)", seed)
        check_count("batch_size", self.batch_size, 1)
        max_iter = _DEFAULT_MAX_ITER[method] if self.max_iter is None else check_count("max_iter", self.max_iter, 1)
        if self.n_jobs is not None and (not isinstance(self.n_jobs, (int, np.integer)) or self.n_jobs == 0):
            raise ValueError(f"n_jobs={self.n_jobs!r} is invalid; must be None, -1 or a positive integer.")
        if is_dask(docs):  # a Dask DataFrame: a vocabulary pass, then online LDA streamed over the partitions
            return self._fit_partitions(docs, params, method, k, seed, max_iter)
        doc_ids, _ = _ids_and_texts(docs)
        self._check_k(k, len(doc_ids), None, params)
        vectorizer = self._vectorizer(params)
        try:
            dtm = vectorizer._fit_dtm(docs)
        except ValueError as err:
            if "no terms remain" in str(err):
                raise ValueError(self._empty_vocabulary_message(len(doc_ids), params)) from err
            raise
        self._check_k(k, len(doc_ids), dtm.matrix.shape[1], params)
        self.vectorizer_ = vectorizer

        X = dtm.matrix.astype(np.float64)
        if method == "lda":
            self.tfidf_ = None
            self.estimator_ = self._lda(k, seed, max_iter, self.learning_method)
            theta = self.estimator_.fit_transform(X)
        else:
            from sklearn.decomposition import NMF
            from sklearn.feature_extraction.text import TfidfTransformer

            self.tfidf_ = TfidfTransformer().fit(X)
            weighted = self.tfidf_.transform(X)
            _check_rank(weighted, k, seed)
            self.estimator_ = NMF(n_components=k, init="nndsvda", max_iter=max_iter, random_state=seed)
            theta = self.estimator_.fit_transform(weighted)
            _check_no_empty_topic(theta, self.estimator_.components_, k, len(doc_ids), dtm.matrix.shape[1])
        self._set_components(dtm.terms, dtm.vocabulary)
        self.doc_topic_ = _normalise_rows(theta, np.diff(dtm.matrix.indptr) > 0)
        self.doc_ids_ = dtm.doc_ids
        self.metadata_ = _metadata(docs, dtm.doc_ids)
        self.n_iter_ = int(self.estimator_.n_iter_)
        self._set_labels()
        return self

    def _fit_partitions(
        self, ddf: Any, params: dict[str, Any], method: str, k: int, seed: int, max_iter: int
    ) -> TopicModel:
        """Fit on a Dask DataFrame: the fit of ``learning_method="online"`` on ``ddf.compute()``, bit for bit.

        A first pass over the partitions learns the vocabulary (:func:`toolkit.scale.vocabulary`); then each
        pass streams the partitions' counts (:func:`toolkit.scale.partition_matrices`) through
        ``LatentDirichletAllocation.partial_fit`` in mini-batches of exactly ``batch_size`` documents, in
        document order, across partition edges: the mini-batches, the random draws and the updates of the
        in-memory online fit. The fitted documents' proportions are computed on the workers.
        """
        if method != "lda" or self.learning_method != "online":
            raise ValueError(
                "A Dask DataFrame is fitted by streaming its partitions through online LDA (partial_fit), so "
                f"TopicModel needs method='lda' and learning_method='online' (got method={method!r}, "
                f"learning_method={self.learning_method!r}). For batch LDA or NMF, fit the documents in memory: "
                "TopicModel(...).fit(ddf.compute())."
            )

        ngram = params["ngram_range"]
        try:
            terms, n_docs = scaled("vocabulary")(
                ddf, ngram=ngram, stop_words=self.stop_words, min_docs=params["min_df"], max_docs=params["max_df"]
            )
        except ValueError as err:
            if "no terms remain" in str(err):
                raise ValueError(self._empty_vocabulary_message(_n_rows(ddf), params)) from err
            raise
        self._check_k(k, n_docs, None, params)
        self._check_k(k, n_docs, len(terms), params)
        vectorizer = self._vectorizer(params)
        vectorizer.terms_ = np.asarray(terms, dtype=object)
        vectorizer.vocabulary_ = {t: i for i, t in enumerate(vectorizer.terms_)}
        self.vectorizer_ = vectorizer
        self.tfidf_ = None
        self.estimator_ = self._lda(k, seed, max_iter, "online", total_samples=n_docs)
        for _ in range(max_iter):
            held: list[sp.csr_matrix] = []
            n_held = 0
            for dtm in scaled("partition_matrices")(ddf, vectorizer.terms_, ngram=ngram):
                held.append(dtm.matrix)
                n_held += dtm.matrix.shape[0]
                if n_held >= self.batch_size:
                    X = _stacked(held)
                    full = n_held - n_held % self.batch_size
                    self.estimator_.partial_fit(X[:full])  # whole mini-batches of batch_size, as fit makes them
                    held, n_held = [X[full:]], n_held - full
            if n_held:
                self.estimator_.partial_fit(_stacked(held))  # the pass's last, shorter mini-batch
        self.estimator_.n_iter_ = max_iter
        self._set_components(vectorizer.terms_, vectorizer.vocabulary_)
        self.doc_ids_, _, self.doc_topic_ = self._partitions_proportions(ddf)
        self.metadata_ = _dask_metadata(ddf)
        self.n_iter_ = max_iter
        self._set_labels()
        return self

    def _set_components(self, terms: np.ndarray, vocabulary: dict[str, int]) -> None:
        self.terms_ = terms
        self.vocabulary_ = vocabulary
        self.components_ = np.asarray(self.estimator_.components_, dtype=np.float64)
        sums = self.components_.sum(axis=1, keepdims=True)
        self.topic_term_ = np.divide(self.components_, sums, out=np.zeros_like(self.components_), where=sums > 0)

    def _set_labels(self) -> None:
        self.labels_ = _auto_labels(self.topic_term_, self.terms_)
        if self.labels is not None:
            self.relabel(self.labels)

    def _vectorizer(self, params: dict[str, Any]) -> Vectorizer:
        return Vectorizer(
            ngram_range=params["ngram_range"],
            stop_words=self.stop_words,
            min_df=params["min_df"],
            max_df=params["max_df"],
        )

    def _lda(self, k: int, seed: int, max_iter: int, learning_method: str, total_samples: float = 1e6) -> Any:
        """The estimator of both fits (in memory, and streamed over a Dask DataFrame's partitions), built once."""
        from sklearn.decomposition import LatentDirichletAllocation

        return LatentDirichletAllocation(
            n_components=k,
            learning_method=learning_method,
            batch_size=self.batch_size,
            max_iter=max_iter,
            random_state=seed,
            n_jobs=self.n_jobs,
            total_samples=total_samples,
        )

    def _check_k(self, k: int, n_docs: int, n_terms: int | None, params: dict[str, Any]) -> None:
        """k against the documents (``n_terms`` None) or against the terms left after pruning."""
        if n_terms is None:
            if k > n_docs:
                raise ValueError(
                    f"n_components (k)={k} is larger than the number of documents ({n_docs}); "
                    "choose n_components <= the number of documents (usually far fewer)."
                )
            return
        if n_terms == 0:
            raise ValueError(self._empty_vocabulary_message(n_docs, params))
        if k > n_terms:
            raise ValueError(
                f"n_components (k)={k} is larger than the number of terms left after pruning "
                f"({n_terms}); choose a smaller n_components or prune less."
            )

    def _empty_vocabulary_message(self, n_docs: int, params: dict[str, Any]) -> str:
        return (
            f"After pruning, no terms remain in the {n_docs} documents (min_df (min_docs)={params['min_df']!r}, "
            f"max_df (max_docs)={params['max_df']!r}, stop_words={self.stop_words!r}). "
            "Try a lower min_df, a higher max_df, or fewer stop words."
        )

    def get_feature_names_out(self, input_features: None = None) -> np.ndarray:
        """The terms (columns of ``components_``), as scikit-learn names them."""
        self._check_fitted()
        return self.terms_.copy()

    def fit_transform(self, X: pd.DataFrame | Sequence[str], y: None = None, **fit_params: Any) -> np.ndarray:
        """Fit, and return the fitted documents' topic proportions (``doc_topic_``)."""
        return self.fit(X).doc_topic_

    def relabel(self, labels: Sequence[str] | Mapping[int, str]) -> TopicModel:
        """Override topic labels: a sequence of ``k`` labels, or a mapping {topic: label}.

        Returns ``self``; ``labels_`` and every frame made afterwards use the new labels.
        """
        self._check_fitted()
        new = list(self.labels_)
        if isinstance(labels, Mapping):
            for topic, label in labels.items():
                if not isinstance(topic, (int, np.integer)) or not 0 <= topic < len(new):
                    raise ValueError(
                        f"labels: topic {topic!r} is invalid; must be an integer from 0 to {len(new) - 1}."
                    )
                new[int(topic)] = str(label)
        else:
            labels = list(labels)
            if isinstance(labels, str) or len(labels) != len(new):
                raise ValueError(
                    f"labels must give {len(new)} labels (one per topic) or be a mapping "
                    f"{{topic: label}}; got {len(labels)}."
                )
            new = [str(x) for x in labels]
        self.labels_ = new
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise ValueError("This TopicModel is not fitted yet; call fit(docs) first (or use tk.fit_topics).")

    # ------------------------------------------------------------------ results

    def top_terms(self, n: int = 10, *, measure: str = "probability", frex_weight: float = 0.5) -> pd.DataFrame:
        """The ``n`` top terms of each topic: of highest weight, or most frequent and exclusive (FREX).

        Parameters
        ----------
        n : int, default 10
        measure : {"probability", "frex"}, default "probability"
            ``"probability"``: the terms of highest weight in the topic (``topic_term_``). ``"frex"``: the
            terms of highest FREX (Roberts, Stewart & Airoldi 2016; ``labelTopics`` of the R package stm), the
            weighted harmonic mean of a term's rank in the topic by probability and by exclusivity (its weight
            in the topic over its weight in all topics), each rank as the share of terms at or below it::

                FREX = 1 / (w / F + (1 - w) / E)

            with F and E those shares (ties share their mean rank) and ``w = frex_weight``. Frequent words that
            every topic uses (the genre's vocabulary) rank below words that set a topic apart. stm's
            ``labelTopics`` also smooths exclusivity by the words' corpus counts (James-Stein); this does not.
        frex_weight : float, default 0.5
            ``w`` above, in [0, 1]: 1 ranks by probability alone, 0 by exclusivity alone.

        Returns
        -------
        DataFrame
            Sorted by topic, then rank:

            - ``topic`` (int64): 0 to ``k - 1``;
            - ``label`` (string): the topic's label;
            - ``rank`` (int64): 1 for the topic's top term;
            - ``term`` (string);
            - ``weight`` (float64): the term's probability in the topic (``topic_term_``);
            - ``frex`` (float64): with ``measure="frex"``, the term's FREX score in the topic.

            Terms are ranked by their score rounded to :data:`RANK_DIGITS` (10)
            significant digits, then in term order: scores that differ only
            in the last digits (another machine's arithmetic) are ties, and
            ties are ranked the same everywhere. An NMF topic can give terms
            a weight of 0: they come last, in term order, and stay out of
            the automatic label.

        Examples
        --------
        >>> docs = ["nuclear weapons treaty", "nuclear treaty talks", "climate emissions finance",
        ...         "climate finance adaptation", "nuclear weapons talks", "emissions adaptation finance"]
        >>> model = TopicModel(n_components=2, max_iter=50).fit(docs)
        >>> model.top_terms(n=2, measure="frex")[["topic", "term"]].values.tolist()
        [[0, 'nuclear'], [0, 'talks'], [1, 'finance'], [1, 'climate']]
        """
        self._check_fitted()
        n = min(check_count("n", n, 1), len(self.terms_))
        check_one_of("measure", measure, ("probability", "frex"))
        if measure == "frex":
            if isinstance(frex_weight, bool) or not isinstance(frex_weight, (int, float)) or not 0 <= frex_weight <= 1:
                raise ValueError(f"frex_weight={frex_weight!r} is invalid; must be a number in [0, 1].")
            score = frex_scores(self.topic_term_, float(frex_weight))
        else:
            score = self.topic_term_
        top = _top_indices(score, n, self.terms_)
        k = top.shape[0]
        topic = np.repeat(np.arange(k, dtype=np.int64), n)
        out = pd.DataFrame(
            {
                "topic": topic,
                "label": pd.array(np.asarray(self.labels_, dtype=object)[topic], dtype="string"),
                "rank": np.tile(np.arange(1, n + 1, dtype=np.int64), k),
                "term": pd.array(self.terms_[top.ravel()], dtype="string"),
                "weight": np.take_along_axis(self.topic_term_, top, axis=1).ravel(),
            }
        )
        if measure == "frex":
            out["frex"] = np.take_along_axis(score, top, axis=1).ravel()
        return out

    def transform(self, X: pd.DataFrame | Sequence[str], *, on_empty: str = "raise") -> np.ndarray:
        """Topic proportions of documents, seen in fitting or not.

        Parameters
        ----------
        X : DataFrame, TokenTable or sequence of str
        on_empty : {"raise", "nan"}, default "raise"
            What to do with a document holding none of the model's terms (its
            proportions would only reflect the prior): raise a ValueError naming
            such documents, or give them a row of NaN.

        Returns
        -------
        ndarray of float64, shape (n_documents, k)
            Rows sum to 1 (LDA: the variational posterior mean; NMF: the
            non-negative coefficients of the document's tf-idf, divided by their sum).

        Raises
        ------
        ValueError
            A document has no known term and ``on_empty="raise"``.
        """
        self._check_fitted()
        check_one_of("on_empty", on_empty, ("raise", "nan"))
        if is_dask(X):  # a Dask DataFrame: each partition's proportions computed where it lies
            doc_ids, known, theta = self._partitions_proportions(X)
            self._check_known(known, doc_ids, on_empty)
            return theta
        dtm = self.vectorizer_._transform_dtm(X)
        return self._transform_dtm(dtm.matrix, dtm.doc_ids, on_empty)

    def _transform_dtm(self, matrix: sp.csr_matrix, doc_ids: np.ndarray, on_empty: str) -> np.ndarray:
        self._check_known(np.diff(matrix.indptr) > 0, doc_ids, on_empty)
        return self._proportions(matrix)

    def _check_known(self, known: np.ndarray, doc_ids: np.ndarray, on_empty: str) -> None:
        if on_empty == "raise" and not known.all():
            empty = doc_ids[~known]
            shown = ", ".join(repr(str(d)) for d in empty[:10]) + (", ..." if len(empty) > 10 else "")
            raise ValueError(
                f"{len(empty)} document(s) contain none of the model's {len(self.terms_)} terms: {shown}. "
                "Their topic proportions would only reflect the prior; drop them, or pass on_empty='nan'."
            )

    def _proportions(self, matrix: sp.csr_matrix) -> np.ndarray:
        """Each row's topic proportions (NaN for a row without a known term)."""
        return _proportions_of(self.estimator_, self.tfidf_, matrix)

    def _partitions_proportions(self, ddf: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Doc ids, whether each has a known term, and topic proportions of a Dask DataFrame's documents,
        computed partition by partition on the workers."""
        k = self.components_.shape[0]
        done = scaled("map_matrices")(
            ddf,
            self.terms_,
            partial(_partition_proportions, self.estimator_, self.tfidf_),  # the estimator only, not the corpus
            ngram=self.vectorizer_.ngram_range,
        )
        if not done:
            return np.array([], dtype=object), np.array([], dtype=bool), np.zeros((0, k))
        return (
            np.concatenate([d for d, _, _ in done]).astype(object),
            np.concatenate([known for _, known, _ in done]),
            np.vstack([theta for _, _, theta in done]),
        )

    def doc_topics(self, docs: pd.DataFrame | Sequence[str] | None = None, *, on_empty: str = "raise") -> pd.DataFrame:
        """One row per document and topic: the document's proportion of the topic.

        Parameters
        ----------
        docs : DataFrame or sequence of str, optional
            Documents to project onto the topics (see :meth:`transform`). None:
            the fitted documents.
        on_empty : {"raise", "nan"}, default "raise"
            As in :meth:`transform`.

        Returns
        -------
        DataFrame
            In document order, then topic:

            - ``doc_id`` (string);
            - ``topic`` (int64), ``label`` (string);
            - ``proportion`` (float64): sums to 1 over a document's topics;
            - then the documents' other columns except ``text`` (metadata), as given.
        """
        self._check_fitted()
        if docs is None:
            theta, meta = self.doc_topic_, self.metadata_
        elif is_dask(docs):
            theta, meta = self.transform(docs, on_empty=on_empty), _dask_metadata(docs)
        else:
            theta = self.transform(docs, on_empty=on_empty)
            doc_ids, _ = _ids_and_texts(docs)
            meta = _metadata(docs, np.asarray(doc_ids, dtype=object))
        n, k = theta.shape
        rows = np.repeat(np.arange(n), k)
        topic = np.tile(np.arange(k, dtype=np.int64), n)
        out = pd.DataFrame(
            {
                "doc_id": pd.array(meta["doc_id"].to_numpy(dtype=object)[rows], dtype="string"),
                "topic": topic,
                "label": pd.array(np.asarray(self.labels_, dtype=object)[topic], dtype="string"),
                "proportion": theta.ravel(),
            }
        )
        extra = meta.drop(columns="doc_id").iloc[rows].reset_index(drop=True)
        return pd.concat([out, extra], axis=1)


def fit_topics(
    docs: pd.DataFrame | Sequence[str], *, k: int, method: str = "lda", seed: int = 0, **options: Any
) -> TopicModel:
    """Fit a topic model: ``TopicModel(n_components=k, method=method, random_state=seed, **options).fit(docs)``.

    Parameters
    ----------
    docs : DataFrame or sequence of str
        A docs frame or plain texts.
    k : int
        Number of topics.
    method : {"lda", "nmf"}, default "lda"
    seed : int, default 0
        An integer from 0 to 2**32 - 1 (see :class:`TopicModel`).
    **options
        Other parameters of :class:`TopicModel` (``min_docs``, ``max_docs``,
        ``stop_words``, ``ngram``, ``max_iter``, ``learning_method``,
        ``batch_size``, ``n_jobs``, ``labels``).

    Returns
    -------
    TopicModel
        Fitted.

    Examples
    --------
    >>> docs = ["nuclear weapons treaty", "nuclear treaty talks", "climate emissions finance",
    ...         "climate finance adaptation", "nuclear weapons talks", "emissions adaptation finance"]
    >>> model = fit_topics(docs, k=2, method="nmf", min_docs=1, max_docs=1.0)
    >>> model.top_terms(n=1)[["topic", "rank", "term"]].values.tolist()
    [[0, 1, 'finance'], [1, 1, 'nuclear']]
    >>> model.doc_topics().round(3).head(2)[["doc_id", "topic", "proportion"]].values.tolist()
    [['0', 0, 0.0], ['0', 1, 1.0]]
    """
    return _topic_model(k, method, seed, options, caller="fit_topics").fit(docs)


def _topic_model(k: int, method: str, seed: int, options: dict[str, Any], *, caller: str) -> TopicModel:
    """``TopicModel`` of the functional API's arguments: ``k``, ``seed`` and the options' ``min_docs``,
    ``max_docs``, ``ngram`` (the toolkit's names, as :func:`toolkit.document_term_matrix` has them) or their
    scikit-learn names."""
    allowed = set(TopicModel().get_params()) - {"n_components", "method", "random_state", "k", "seed"}
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise ValueError(
            f"{caller} got unknown option(s) {', '.join(map(repr, unknown))}; "
            f"options are {', '.join(map(repr, sorted(allowed)))}."
        )
    check_count("k", k, 1)  # the functional API's errors name its own arguments
    check_seed("seed", seed)
    params: dict[str, Any] = {}
    given: dict[str, str] = {}
    for name, value in options.items():
        new = _RENAMED.get(name, name)
        if new in params:
            first, second = sorted([given[new], name])
            raise ValueError(f"{caller} got {first!r} and {second!r}, two names of one option; pass one.")
        params[new] = value
        given[new] = name
    return TopicModel(n_components=k, method=method, random_state=seed, **params)


# ---------------------------------------------------------------------------- prevalence

#: The columns of :func:`topic_prevalence` after the group's key columns.
_PREVALENCE_COLUMNS = ("topic", "label", "mean", "ci_low", "ci_high", "n_docs")


@renamed_parameters(n_boot="n_resamples", level="confidence")
def topic_prevalence(
    model: TopicModel,
    docs: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    on_empty: str = "raise",
) -> pd.DataFrame:
    """Mean topic proportion per group, with a bootstrap interval over documents.

    Each document's proportions come from ``model.transform(docs)``. The
    interval resamples the group's documents with replacement ``n_resamples`` times
    (one ``numpy.random.default_rng(seed)`` for all groups, drawn in group order)
    and takes the percentiles ``(1 - confidence) / 2`` and ``(1 + confidence) / 2``
    of the resampled means.

    Parameters
    ----------
    model : TopicModel
        Fitted.
    docs : DataFrame
        A docs frame with the columns named by ``by``.
    by : str or list of str, optional
        Column(s) whose values make the groups, as in :func:`toolkit.count_terms`:
        one group per distinct combination of values, missing values one value
        of their own. None: one group, ``"all"``. A column may not share the
        name of a result column (``topic``, ``label``, ``mean``...).
    n_resamples : int, default 1000
        Bootstrap resamples (formerly ``n_boot``, still accepted with a ``FutureWarning``).
    confidence : float, default 0.95
        Coverage of the interval (formerly ``level``).
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`, an integer from 0 to 2**32 - 1.
    on_empty : {"raise", "drop"}, default "raise"
        Documents with none of the model's terms: raise (see
        :meth:`TopicModel.transform`) or leave them out (``n_docs`` counts the
        others), list them in ``attrs["skipped"]`` (dicts with ``doc_id``, the
        group's key columns and ``problem``) and warn, naming them. A group
        all of whose documents are left out has no rows.

    Returns
    -------
    DataFrame
        Sorted by group (the ``by`` columns' values in order, missing values
        last), then topic:

        - the group's key: each ``by`` column, in the order given, with its
          values and dtype as in ``docs`` (missing values stay missing); with
          ``by=None`` one column ``group`` (string) holding ``"all"``; as in
          :func:`toolkit.count_terms`;
        - ``topic`` (int64), ``label`` (string);
        - ``mean`` (float64): mean proportion of the topic over the group's documents;
        - ``ci_low``, ``ci_high`` (float64): the bootstrap percentile interval
          (equal to ``mean`` for a group of one document: nothing to resample,
          which is not precision; ``n_docs`` is 1 on those rows and
          ``attrs["single_unit"]`` lists those groups' keys: a value for one
          ``by`` column, a tuple for several);
        - ``n_docs`` (int64): documents of the group.

    Raises
    ------
    ValueError
        ``by`` names a missing column or a result column; an option is
        invalid; a document lacks the model's terms (``on_empty="raise"``) or
        every document does.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": list("abcdef"), "country": ["X", "X", "Y", "Y", "X", "Y"],
    ...     "text": ["nuclear weapons treaty", "nuclear treaty talks", "climate emissions finance",
    ...              "climate finance adaptation", "nuclear weapons talks", "emissions adaptation finance"]})
    >>> model = fit_topics(docs, k=2, method="nmf", min_docs=1, max_docs=1.0)
    >>> prev = topic_prevalence(model, docs, by="country", n_resamples=200)
    >>> prev[["country", "topic", "n_docs"]].values.tolist()
    [['X', 0, 3], ['X', 1, 3], ['Y', 0, 3], ['Y', 1, 3]]
    >>> bool((prev["ci_low"] <= prev["mean"]).all() and (prev["mean"] <= prev["ci_high"]).all())
    True
    >>> list(topic_prevalence(model, docs.assign(year=2020), by=["country", "year"], n_resamples=200).columns)
    ['country', 'year', 'topic', 'label', 'mean', 'ci_low', 'ci_high', 'n_docs']
    """
    model._check_fitted()
    check_one_of("on_empty", on_empty, ("raise", "drop"))
    n_boot = check_count("n_resamples", n_resamples, 1)
    check_seed("seed", seed)
    level = check_confidence(confidence)
    grouping = _groups(docs, by, reserved=_PREVALENCE_COLUMNS)  # checks docs' doc_id, text and by columns
    theta = model.transform(docs, on_empty="raise" if on_empty == "raise" else "nan")
    keep = ~np.isnan(theta).any(axis=1)
    doc_ids = _ids_and_texts(docs)[0]
    skipped = [
        {"doc_id": d, **grouping.record(g), "problem": f"none of the model's {len(model.terms_)} terms"}
        for d, g, kept in zip(doc_ids, grouping.codes, keep)
        if not kept
    ]
    theta, codes = theta[keep], grouping.codes[keep]
    rng = np.random.default_rng(seed)
    k = theta.shape[1]
    alpha = (1 - level) / 2
    frames, single = [], []
    for g in range(len(grouping)):
        P = theta[codes == g]
        n = len(P)
        if not n:  # every document of the group was left out (on_empty="drop")
            continue
        means = np.empty((n_boot, k))
        for start in range(0, n_boot, 100):  # blocks bound the memory of the resample counts
            b = min(100, n_boot - start)
            draws = rng.integers(0, n, size=(b, n))
            weights = np.zeros((b, n))
            np.add.at(weights, (np.repeat(np.arange(b), n), draws.ravel()), 1.0)
            means[start : start + b] = weights @ P / n
        low, high = np.quantile(means, [alpha, 1 - alpha], axis=0)
        mean = P.mean(axis=0)
        if n == 1:
            single.append(grouping.key(g))
        frames.append(
            pd.DataFrame(
                {
                    "_group": np.full(k, g, dtype=np.int64),
                    "topic": np.arange(k, dtype=np.int64),
                    "label": pd.array(model.labels_, dtype="string"),
                    "mean": mean,
                    "ci_low": np.minimum(low, mean) if n > 1 else mean,
                    "ci_high": np.maximum(high, mean) if n > 1 else mean,
                    "n_docs": np.full(k, n, dtype=np.int64),
                }
            )
        )
    if not frames:
        raise ValueError("topic_prevalence: no document left (every document lacks the model's terms).")
    values = pd.concat(frames, ignore_index=True)
    out = pd.concat([grouping.take(values["_group"].to_numpy()), values.drop(columns="_group")], axis=1)
    out.attrs["skipped"] = skipped
    out.attrs["single_unit"] = single
    warn_skipped("topic_prevalence", skipped)
    return out


# ---------------------------------------------------------------------------- coherence


@renamed_parameters(top_n="n")
def coherence(
    model: TopicModel,
    docs: pd.DataFrame | Sequence[str],
    *,
    measure: str = "npmi",
    window: int | None = 10,
    n: int = 10,
) -> pd.DataFrame:
    """Coherence of each topic's top terms in reference documents, and its mean.

    The top ``n`` terms of each topic (as :meth:`TopicModel.top_terms` ranks
    them) are scored on co-occurrence counts in ``docs`` (usually the fitted
    documents), tokenized as the model's document-term matrix was (lower-cased,
    :data:`toolkit.text.TOKEN_PATTERN`; every token keeps its position, stop
    words and pruned words included). With ``N`` the number of contexts,
    ``D(w)`` the contexts holding term ``w``, ``D(w, v)`` those holding both and
    ``eps = 1e-12``:

    - ``measure="npmi"`` (Bouma 2009; Röder et al. 2015's C_NPMI): the mean over
      the pairs of distinct top terms of
      ``log((D(w,v)/N + eps) / (D(w)/N * D(v)/N)) / -log(D(w,v)/N + eps)``
      (about -1 for terms never seen together, 0 for independence, 1 for terms
      always together). The contexts are the sliding windows of ``window``
      tokens, moved one token at a time over each document (a document of
      ``L >= window`` tokens has ``L - window + 1`` windows; a shorter one,
      even an empty one, is a single window); ``window=None`` takes whole
      documents as contexts.
    - ``measure="umass"`` (Mimno et al. 2011): the mean over pairs of a top
      term ``w_i`` and a higher-ranked one ``w_j`` (``j < i``) of
      ``log((D(w_i, w_j)/N + eps) / (D(w_j)/N))``, the contexts being whole
      documents (``window`` is ignored). Mimno et al. add 1 to the co-document
      count and sum instead of averaging; here, as in gensim, ``eps`` is added
      to the probability and the pairs are averaged. Closer to 0 is more coherent.

    These are exactly gensim's ``CoherenceModel(coherence="c_npmi",
    window_size=window)`` and ``coherence="u_mass"`` given the same token lists
    and topics (checked in ``tests/test_topics.py``), except that gensim's
    sliding-window counter misses a term when another occurrence of it leaves the
    window while it is still inside (so it undercounts windows where a term
    repeats); here a window holds a term when any of its tokens is that term.

    Parameters
    ----------
    model : TopicModel
        Fitted.
    docs : DataFrame or sequence of str
        Reference documents.
    measure : {"npmi", "umass"}, default "npmi"
    window : int or None, default 10
        NPMI only: tokens per sliding window (gensim's default for c_npmi), or
        None for whole documents. Needs a unigram model unless None.
    n : int, default 10
        Top terms per topic.

    Returns
    -------
    DataFrame
        One row per topic, sorted by topic:

        - ``topic`` (int64), ``label`` (string);
        - ``measure`` (string): ``"npmi"`` or ``"umass"``;
        - ``score`` (float64): the topic's coherence; NaN when a top term never
          occurs in ``docs``;
        - ``mean`` (float64): the mean of ``score`` over topics (the model's
          coherence), the same on every row.

    Examples
    --------
    >>> docs = ["nuclear weapons treaty", "nuclear treaty talks", "climate emissions finance",
    ...         "climate finance adaptation", "nuclear weapons talks", "emissions adaptation finance"]
    >>> model = fit_topics(docs, k=2, method="nmf", min_docs=1, max_docs=1.0)
    >>> coherence(model, docs, measure="umass", n=3).round(4)[["topic", "score", "mean"]].values.tolist()
    [[0.0, -0.5014, -0.5014], [1.0, -0.5014, -0.5014]]

    For topic 1 (nuclear: documents 0, 1, 4; talks: 1, 4; treaty: 0, 1; N = 6) that is
    ``(log(2/3) + log(2/3) + log(1/2)) / 3 = -0.5014``.
    """
    model._check_fitted()
    measure = check_one_of("measure", measure, MEASURES)
    top_n = min(check_count("n", n, 1), len(model.terms_))
    if top_n < 2:
        raise ValueError("n must be at least 2 (coherence scores pairs of terms).")
    if measure == "npmi" and window is not None:
        window = check_count("window", window, 1)
        if model.vectorizer_.ngram_range not in (1, (1, 1)):
            raise ValueError(
                f"coherence with a sliding window needs a unigram model (ngram=1), not "
                f"ngram_range={model.vectorizer_.ngram_range!r}; pass window=None for whole-document co-occurrence."
            )
    if measure == "umass":
        window = None
    top = _top_indices(model.topic_term_, top_n, model.terms_)
    relevant, inverse = np.unique(top, return_inverse=True)
    top_local = inverse.reshape(top.shape)
    terms = model.terms_[relevant]
    presence, n_contexts = _contexts(docs, terms, window, model.vectorizer_.ngram_range)
    presence = presence.astype(np.int64)
    co = (presence.T @ presence).toarray().astype(np.float64)
    scores = np.array([_topic_score(co, n_contexts, row, measure) for row in top_local])
    k = len(scores)
    with np.errstate(invalid="ignore"):
        mean = float(np.mean(scores))
    return pd.DataFrame(
        {
            "topic": np.arange(k, dtype=np.int64),
            "label": pd.array(model.labels_, dtype="string"),
            "measure": pd.array([measure] * k, dtype="string"),
            "score": scores,
            "mean": np.full(k, mean),
        }
    )


def _topic_score(co: np.ndarray, n: int, words: np.ndarray, measure: str) -> float:
    p = np.diag(co) / n
    if (p[words] == 0).any():
        return float("nan")
    if measure == "npmi":
        i, j = np.triu_indices(len(words), 1)
        a, b = words[i], words[j]
        joint = co[a, b] / n + EPSILON
        values = np.log(joint / (p[a] * p[b])) / -np.log(joint)
    else:
        i, j = np.tril_indices(len(words), -1)  # w_i after w_j in rank
        a, b = words[i], words[j]
        values = np.log((co[a, b] / n + EPSILON) / p[b])
    return float(values.mean())


def _contexts(
    docs: pd.DataFrame | Sequence[str], terms: np.ndarray, window: int | None, ngram: int | tuple[int, int]
) -> tuple[sp.csr_matrix, int]:
    """(contexts x terms boolean presence matrix, number of contexts)."""
    if window is None:
        dtm = document_term_matrix(docs, ngram=ngram, vocabulary=terms)
        presence = dtm.matrix.copy()
        presence.data[:] = 1
        return presence.astype(np.int8), presence.shape[0]
    _, texts = _ids_and_texts(docs)
    index = {t: j for j, t in enumerate(terms.tolist())}
    doc_pos, word, lengths = [], [], np.zeros(len(texts), dtype=np.int64)
    for d, text in enumerate(texts):
        tokens = _TOKEN_RE.findall(_lower(text))
        lengths[d] = len(tokens)
        hits = [(i, index[t]) for i, t in enumerate(tokens) if t in index]
        if hits:
            pos, ids = zip(*hits)
            doc_pos.append(np.column_stack([np.full(len(pos), d), pos]))
            word.append(np.asarray(ids))
    n_windows = np.maximum(lengths - window + 1, 1)
    starts = np.concatenate([[0], np.cumsum(n_windows)[:-1]])
    n_contexts = int(n_windows.sum())
    if not word:
        return sp.csr_matrix((n_contexts, len(terms)), dtype=np.int8), n_contexts
    dp = np.concatenate(doc_pos)
    doc_of, at, w = dp[:, 0], dp[:, 1], np.concatenate(word)
    low = np.maximum(0, at - window + 1)
    high = np.minimum(at, n_windows[doc_of] - 1)
    count = high - low + 1
    first = np.repeat(starts[doc_of] + low, count)
    step = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    rows = first + step
    cols = np.repeat(w, count)
    presence = sp.csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n_contexts, len(terms)))
    presence.sum_duplicates()
    presence.data[:] = 1
    return presence, n_contexts


# ---------------------------------------------------------------------------- stability


def match_topics(a: TopicModel, b: TopicModel) -> pd.DataFrame:
    """Pair the topics of two fitted models one to one, most similar first (Hungarian method).

    Topics are compared by the cosine similarity of their term distributions
    (``topic_term_``), over the union of the two vocabularies (a term absent
    from a model has weight 0 there); :func:`scipy.optimize.linear_sum_assignment`
    finds the pairing of largest total similarity (similarities rounded to
    :data:`RANK_DIGITS` significant digits, so that the pairing does not turn
    on the last digits of the arithmetic; the ``similarity`` column is not rounded).

    Returns
    -------
    DataFrame
        One row per pair (``min(k_a, k_b)`` rows), sorted by ``topic_a``:
        ``topic_a`` (int64), ``topic_b`` (int64), ``similarity`` (float64, in [0, 1]).

    Examples
    --------
    >>> docs = ["nuclear weapons treaty", "nuclear treaty talks", "climate emissions finance",
    ...         "climate finance adaptation", "nuclear weapons talks", "emissions adaptation finance"]
    >>> a = fit_topics(docs, k=2, method="nmf", min_docs=1, max_docs=1.0)
    >>> match_topics(a, a)[["topic_a", "topic_b"]].values.tolist()
    [[0, 0], [1, 1]]
    """
    a._check_fitted()
    b._check_fitted()
    sim = _cosine(*_aligned(a, b))
    rows, cols = linear_sum_assignment(_round_significant(sim), maximize=True)
    return pd.DataFrame(
        {"topic_a": rows.astype(np.int64), "topic_b": cols.astype(np.int64), "similarity": sim[rows, cols]}
    )


def topic_stability(
    docs: pd.DataFrame | Sequence[str],
    *,
    k: int,
    seeds: Sequence[int] = (0, 1, 2),
    method: str = "lda",
    progress: bool | None = None,
    **options: Any,
) -> pd.DataFrame:
    """How much the topics move when only the seed changes.

    Fits one model per seed (same data and options) and matches the topics of
    every pair of fits with :func:`match_topics`.

    Parameters
    ----------
    docs : DataFrame or sequence of str
    k : int
    seeds : sequence of int, default (0, 1, 2)
        At least two distinct seeds, each an integer from 0 to 2**32 - 1.
    method : {"lda", "nmf"}, default "lda"
    progress : bool or None, default None
        A progress bar counting the models fitted, as in :func:`select_k`.
    **options
        Other parameters of :class:`TopicModel`.

    Returns
    -------
    DataFrame
        One row per pair of seeds: ``seed_a``, ``seed_b`` (int64),
        ``mean_similarity`` (float64, mean cosine similarity of matched topics;
        1 means the same topics), ``min_similarity`` (float64, the least stable
        matched topic).
    """
    seeds = _check_seeds(seeds)
    with progress_bar(len(seeds), progress=progress, desc="topic_stability: fitting", unit="model") as bar:
        models = _fit_seeds(docs, k=k, seeds=seeds, method=method, options=options, bar=bar)
    return _stability_frame(models, seeds)


def _check_seeds(seeds: Sequence[int]) -> list[int]:
    """The seeds as a list, after checking there are two or more distinct ones, each a valid seed."""
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise ValueError(f"seeds={seeds!r} is invalid; give at least two distinct seeds, e.g. seeds=(0, 1, 2).")
    checked = [cast(int, check_seed(f"seeds[{i}]", s)) for i, s in enumerate(seeds)]
    if len(checked) < 2 or len(set(checked)) != len(checked):
        raise ValueError(f"seeds={checked!r} is invalid; give at least two distinct seeds.")
    return checked


def _fit_seeds(
    docs: Any, *, k: int, seeds: Sequence[int], method: str, options: dict, bar: Any = None
) -> list[TopicModel]:
    """One model of ``k`` topics per seed, fitted on ``docs``; ``bar`` (optional) advanced by each fit."""
    seeds = _check_seeds(seeds)
    models = []
    for s in seeds:
        models.append(_topic_model(k, method, s, options, caller="topic_stability").fit(docs))
        if bar is not None:
            bar.update(1)
    return models


def _stability_frame(models: list[TopicModel], seeds: list[int]) -> pd.DataFrame:
    rows = []
    for i, j in combinations(range(len(models)), 2):
        sim = match_topics(models[i], models[j])["similarity"]
        rows.append((seeds[i], seeds[j], float(sim.mean()), float(sim.min())))
    out = pd.DataFrame(rows, columns=["seed_a", "seed_b", "mean_similarity", "min_similarity"])
    return out.astype({"seed_a": np.int64, "seed_b": np.int64})


# ---------------------------------------------------------------------------- choosing k


@renamed_parameters(top_n="n")
def select_k(
    docs: pd.DataFrame | Sequence[str],
    *,
    ks: Iterable[int] = range(5, 31, 5),
    method: str = "lda",
    seeds: Sequence[int] = (0, 1, 2),
    holdout: float = 0.2,
    measure: str = "npmi",
    window: int | None = 10,
    n: int = 10,
    progress: bool | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Evidence for choosing the number of topics: coherence, held-out perplexity and stability per k.

    The documents are split once (``numpy.random.default_rng(seeds[0])``) into a
    training part and a held-out part of ``holdout`` of the documents. For each
    ``k`` and each seed, a model is fitted on the training part; then

    - ``coherence``: :func:`coherence` (``measure``, ``window``, ``n``) of the
      model on the training documents, averaged over topics and seeds;
    - ``perplexity``: LDA's held-out perplexity
      (``LatentDirichletAllocation.perplexity``, from the variational bound) on
      the held-out documents, averaged over seeds; lower is better. NaN for
      NMF, which has no likelihood;
    - ``stability``: mean over pairs of seeds of the mean cosine similarity of
      topics matched by :func:`match_topics`; 1 means every seed finds the same topics.
      (For NMF, whose initialisation does not depend on the seed, it is 1.)

    Parameters
    ----------
    docs : DataFrame or sequence of str
    ks : iterable of int, default 5, 10, ..., 30
    method : {"lda", "nmf"}, default "lda"
    seeds : sequence of int, default (0, 1, 2)
        At least two distinct seeds (stability needs pairs), each an integer
        from 0 to 2**32 - 1.
    holdout : float, default 0.2
        Share of documents held out for perplexity, in [0, 1); 0 computes
        perplexity on the training documents.
    measure, window, n
        As in :func:`coherence`.
    progress : bool or None, default None
        A progress bar (tqdm, on standard error) counting the models fitted,
        ``len(ks) x len(seeds)``: None draws one only on a terminal or in a
        Jupyter notebook, once the fits have run for 2 seconds (not in scripts
        writing to a log, nor in tests or doctests; the environment variable
        ``TOOLKIT_PROGRESS`` overrides this: ``0`` no bar, ``1`` always one);
        True always; False never. The result does not depend on it.
    **options
        Other parameters of :class:`TopicModel` (pruning, ``max_iter``, ``n_jobs``...).

    Returns
    -------
    DataFrame
        One row per k, sorted by k:

        - ``k`` (int64);
        - ``measure`` (string): the coherence measure;
        - ``coherence`` (float64), ``coherence_sd`` (float64, across seeds);
        - ``perplexity`` (float64): NaN for NMF;
        - ``stability`` (float64), ``stability_min`` (float64: the least stable
          matched topic over all pairs of seeds);
        - ``seeds`` (int64): fits per k.
    """
    method = check_one_of("method", method, METHODS)
    check_one_of("measure", measure, MEASURES)
    ks = sorted({check_count("ks", k, 1) for k in ks})
    if not ks:
        raise ValueError("ks is empty; give the numbers of topics to compare, e.g. ks=range(5, 31, 5).")
    seeds = _check_seeds(seeds)
    if not isinstance(holdout, (float, int)) or not 0 <= holdout < 1:
        raise ValueError(f"holdout={holdout!r} is invalid; must be a share in [0, 1).")
    check_progress(progress)
    n_docs = len(_ids_and_texts(docs)[0])
    order = np.random.default_rng(seeds[0]).permutation(n_docs)
    n_test = int(round(holdout * n_docs))
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    pick = (
        (lambda idx: docs.iloc[idx].reset_index(drop=True))
        if isinstance(docs, pd.DataFrame)
        else (lambda idx: [docs[i] for i in idx])
    )
    train_docs = pick(train)
    test_docs = pick(test) if n_test else train_docs
    rows = []
    with progress_bar(len(ks) * len(seeds), progress=progress, desc="select_k: fitting", unit="model") as bar:
        for k in ks:
            models = _fit_seeds(train_docs, k=k, seeds=seeds, method=method, options=options, bar=bar)
            rows.append(_k_row(models, k, seeds, train_docs, test_docs, method, measure, window, n))
    out = pd.DataFrame(rows)
    return out.astype({"k": np.int64, "measure": "string", "seeds": np.int64})


def _k_row(
    models: list[TopicModel],
    k: int,
    seeds: list[int],
    train_docs: Any,
    test_docs: Any,
    method: str,
    measure: str,
    window: int | None,
    n: int,
) -> dict[str, Any]:
    """The row of :func:`select_k` for ``k``: coherence, perplexity and stability of its models, one per seed."""
    coh = np.array([coherence(m, train_docs, measure=measure, window=window, n=n)["mean"].iloc[0] for m in models])
    if method == "lda":
        held = models[0].vectorizer_._transform_dtm(test_docs)
        perp = float(np.mean([m.estimator_.perplexity(held.matrix.astype(np.float64)) for m in models]))
    else:
        perp = float("nan")
    stab = _stability_frame(models, seeds)
    return {
        "k": k,
        "measure": measure,
        "coherence": float(coh.mean()),
        "coherence_sd": float(coh.std(ddof=1)),
        "perplexity": perp,
        "stability": float(stab["mean_similarity"].mean()),
        "stability_min": float(stab["min_similarity"].min()),
        "seeds": len(seeds),
    }


# ---------------------------------------------------------------------------- small builders


def _normalise_rows(theta: np.ndarray, known: np.ndarray) -> np.ndarray:
    theta = np.asarray(theta, dtype=np.float64)
    sums = theta.sum(axis=1, keepdims=True)
    out = np.full_like(theta, np.nan)
    ok = known & (sums[:, 0] > 0)
    out[ok] = theta[ok] / sums[ok]
    return out


def _round_significant(x: np.ndarray, digits: int = RANK_DIGITS) -> np.ndarray:
    """``x`` rounded to ``digits`` significant decimal digits (0, NaN, inf and values below 1e-280 as they are)."""
    x = np.asarray(x, dtype=np.float64)
    out = x.copy()
    ok = np.isfinite(x) & (np.abs(x) >= 1e-280)  # 10**(digits - 1 - exponent) stays finite
    exponent = np.floor(np.log10(np.abs(x[ok])))
    scale = 10.0 ** (digits - 1 - exponent)
    out[ok] = np.round(x[ok] * scale) / scale
    return out


def frex_scores(topic_term: np.ndarray, weight: float = 0.5) -> np.ndarray:
    """FREX of every term in every topic (Roberts, Stewart & Airoldi 2016): see :meth:`TopicModel.top_terms`.

    Parameters
    ----------
    topic_term : ndarray, shape (k, n_terms)
        Each topic's distribution over terms (rows sum to 1; ``TopicModel.topic_term_``).
    weight : float, default 0.5
        The weight of frequency against exclusivity.

    Returns
    -------
    ndarray, shape (k, n_terms)
        In (0, 1]. Probabilities and exclusivities are rounded to :data:`RANK_DIGITS` significant digits
        before they are ranked, so that another machine's last digits do not reorder them.

    Examples
    --------
    >>> frex_scores(np.array([[0.4, 0.35, 0.25], [0.45, 0.05, 0.5]])).round(4).tolist()
    [[0.8, 0.8, 0.3333], [0.6667, 0.3333, 1.0]]
    """
    from scipy.stats import rankdata

    beta = np.asarray(topic_term, dtype=np.float64)
    totals = beta.sum(axis=0, keepdims=True)
    exclusivity = np.divide(beta, totals, out=np.zeros_like(beta), where=totals > 0)
    n_terms = beta.shape[1]
    freq = rankdata(_round_significant(beta), method="average", axis=1) / n_terms
    excl = rankdata(_round_significant(exclusivity), method="average", axis=1) / n_terms
    return 1.0 / (weight / freq + (1.0 - weight) / excl)


def _top_indices(weights: np.ndarray, n: int, terms: np.ndarray | None = None) -> np.ndarray:
    """Column indices of the n largest weights per row, by weight rounded to :data:`RANK_DIGITS`
    significant digits, ties in term order (column order when ``terms`` is None)."""
    weights = np.atleast_2d(weights)
    if terms is None:
        tie = np.arange(weights.shape[1])
    else:
        tie = np.empty(len(terms), dtype=np.int64)
        tie[np.argsort(np.asarray(terms, dtype=object), kind="stable")] = np.arange(len(terms))
    rounded = _round_significant(weights)
    order = np.lexsort((np.broadcast_to(tie, weights.shape), -rounded), axis=-1)
    return order[:, :n]


def _auto_labels(topic_term: np.ndarray, terms: np.ndarray, n: int = 3) -> list[str]:
    """The ``n`` top terms of each topic joined by ", ", leaving out terms of weight 0 (NMF has them)."""
    top = _top_indices(topic_term, min(n, topic_term.shape[1]), terms)
    return [", ".join(terms[row[topic_term[t, row] > 0]].tolist()) for t, row in enumerate(top)]


def _check_rank(weighted: sp.csr_matrix, k: int, seed: int) -> None:
    """Raise when ``k`` is above the rank of the tf-idf matrix: NMF cannot find k distinct topics there.

    The rank is that of :func:`numpy.linalg.matrix_rank` (singular values above
    ``s_max * max(shape) * eps``), on the ``k`` largest singular values that a
    seeded randomized SVD finds (the one NMF's ``nndsvda`` start computes).
    """
    from sklearn.utils.extmath import randomized_svd

    _, s, _ = randomized_svd(weighted, n_components=k, random_state=seed)
    rank = int((s > s.max() * max(weighted.shape) * np.finfo(np.float64).eps).sum())
    if rank < k:
        raise ValueError(
            f"n_components (k)={k} is larger than the rank of the documents' tf-idf matrix ({rank}: the {weighted.shape[0]} "
            f"documents have only {rank} independent term profiles); NMF would return {k - rank} empty or "
            f"duplicated topic(s) with invented labels. Choose k <= {rank}."
        )


def _check_no_empty_topic(doc_weights: np.ndarray, components: np.ndarray, k: int, n_docs: int, n_terms: int) -> None:
    """Raise when an NMF topic is empty: no document weight or no term weight (more topics than the data hold)."""
    part = np.linalg.norm(doc_weights, axis=0) * np.linalg.norm(components, axis=1)
    empty = np.flatnonzero(part <= EMPTY_TOPIC_TOLERANCE * part.max()) if part.max() > 0 else np.arange(k)
    if len(empty):
        shown = ", ".join(str(t) for t in empty)
        raise ValueError(
            f"NMF with k={k} left {len(empty)} topic(s) empty (topic {shown}: no weight in any of the {n_docs} "
            f"documents, or on any of the {n_terms} terms): the documents' tf-idf has fewer independent "
            f"directions than k, and an empty topic's top terms and label would be invented. Choose a smaller k "
            f"({k - len(empty)} topic(s) were not empty), or give more varied documents."
        )


def _stacked(matrices: list[sp.csr_matrix]) -> sp.csr_matrix:
    """Count matrices one under the other, as the float64 CSR that the in-memory fit gives the estimator."""
    X = sp.vstack(matrices, format="csr").astype(np.float64)
    X.sort_indices()
    return X


def _proportions_of(estimator: Any, tfidf: Any, matrix: sp.csr_matrix) -> np.ndarray:
    """Each row's topic proportions under ``estimator`` (after ``tfidf`` for NMF); NaN for a row without a term."""
    X = matrix.astype(np.float64)
    if tfidf is not None:
        X = tfidf.transform(X)
    theta = estimator.transform(X)
    return _normalise_rows(theta, np.diff(matrix.indptr) > 0)


def _partition_proportions(
    estimator: Any, tfidf: Any, dtm: DocumentTermMatrix
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A partition's doc ids, whether each has a known term, and its topic proportions (run on a worker)."""
    return dtm.doc_ids, np.diff(dtm.matrix.indptr) > 0, _proportions_of(estimator, tfidf, dtm.matrix)


def _n_rows(ddf: Any) -> int:
    return int(ddf.shape[0].compute())


def _dask_metadata(ddf: Any) -> pd.DataFrame:
    """The columns of a Dask DataFrame's documents other than ``text``, gathered (one small frame)."""
    return _metadata(ddf[[c for c in ddf.columns if c != "text"]].compute(), np.array([], dtype=object))


_metadata = _doc_metadata


def _aligned(a: TopicModel, b: TopicModel) -> tuple[np.ndarray, np.ndarray]:
    if len(a.terms_) == len(b.terms_) and np.array_equal(a.terms_, b.terms_):
        return a.topic_term_, b.topic_term_
    union = sorted(set(a.terms_.tolist()) | set(b.terms_.tolist()))
    index = {t: j for j, t in enumerate(union)}
    out = []
    for m in (a, b):
        full = np.zeros((m.topic_term_.shape[0], len(union)))
        full[:, [index[t] for t in m.terms_.tolist()]] = m.topic_term_
        out.append(full)
    return out[0], out[1]


def _cosine(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    nx = np.linalg.norm(x, axis=1, keepdims=True)
    ny = np.linalg.norm(y, axis=1, keepdims=True)
    return np.clip((x / np.where(nx > 0, nx, 1)) @ (y / np.where(ny > 0, ny, 1)).T, 0.0, 1.0)
