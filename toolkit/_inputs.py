"""What the measures take as input: a docs frame, a token table or a list of texts; and stop words."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from toolkit._tokens import lower_keeping_offsets as _lower
from toolkit._validation import check_columns, check_texts
from toolkit.text import STOP_WORDS
from toolkit.tokentable import TokenTable, text_sequence


def ids_and_texts(docs: pd.DataFrame | Sequence[str] | TokenTable) -> tuple[list[str], Sequence[str]]:
    """The doc ids and texts of a docs frame, a token table or a list of texts (ids "0", "1", ...), checked.

    A frame's texts are its own string objects, or a :class:`toolkit.tokentable.TextColumn` that makes each
    when it is read where pandas keeps them in pyarrow (no second copy of the corpus)."""
    if isinstance(docs, TokenTable):
        return [str(d) for d in docs.doc_ids], docs.texts
    if isinstance(docs, pd.DataFrame):
        check_columns(docs, ["doc_id", "text"])
        check_texts(docs, name="docs")
        return docs["doc_id"].astype(str).tolist(), text_sequence(docs["text"])
    if isinstance(docs, str) or not isinstance(docs, Sequence):
        raise ValueError(
            f"docs must be a docs frame or a sequence of str, got {type(docs).__name__}; for one text pass [text]."
        )
    bad = [i for i, t in enumerate(docs) if not isinstance(t, str)]
    if bad:
        raise ValueError(f"docs[{bad[0]}] is a {type(docs[bad[0]]).__name__}, not a str.")
    return [str(i) for i in range(len(docs))], list(docs)


def doc_metadata(docs: pd.DataFrame | Sequence[str] | TokenTable, doc_ids: np.ndarray) -> pd.DataFrame:
    """The documents' columns but ``text`` (``doc_id`` as string), for the frames a model returns per document;
    for texts, ``doc_id`` alone."""
    if isinstance(docs, TokenTable):
        docs = docs.docs
    if isinstance(docs, pd.DataFrame):
        meta = docs.drop(columns="text", errors="ignore").reset_index(drop=True)
        meta["doc_id"] = meta["doc_id"].astype("string")
        return meta
    return pd.DataFrame({"doc_id": pd.array(doc_ids.tolist(), dtype="string")})


def docs_frame(docs: pd.DataFrame | TokenTable) -> pd.DataFrame:
    """The docs frame of ``docs`` (a token table's own frame)."""
    return docs.docs if isinstance(docs, TokenTable) else docs


def stop_word_set(stop_words: str | Iterable[str] | None) -> frozenset[str]:
    """The set a ``stop_words`` argument names: None (none), "english" (:data:`toolkit.text.STOP_WORDS`) or words."""
    if stop_words is None:
        return frozenset()
    if isinstance(stop_words, str):
        if stop_words != "english":
            raise ValueError(f"stop_words={stop_words!r} is invalid; must be None, 'english' or a list of words.")
        return STOP_WORDS
    return frozenset(_lower(str(w)) for w in stop_words)


def doc_threshold(name: str, value: int | float, n_docs: int) -> float:
    """A ``min_docs``/``max_docs`` argument as a number of documents (a proportion of ``n_docs`` for a float)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name}={value!r} is invalid; must be an integer count or a proportion in (0, 1].")
    if isinstance(value, (float, np.floating)):
        if not 0 < value <= 1:
            raise ValueError(f"{name}={value!r} is invalid; a proportion must be in (0, 1].")
        return value * n_docs
    if value < 0:
        raise ValueError(f"{name}={value!r} is invalid; a count must be >= 0.")
    return float(value)


def free_of(terms: np.ndarray, stops: frozenset[str]) -> np.ndarray:
    """Which ``terms`` hold no stop word (an n-gram is dropped when any of its words is one, whatever its case)."""
    return np.fromiter((not any(_lower(w) in stops for w in t.split(" ")) for t in terms), bool, len(terms))


def frequency_keep(
    keep: np.ndarray,
    term_counts: Callable[[], np.ndarray],
    doc_freqs: Callable[[], np.ndarray],
    n_docs: int,
    min_count: int,
    low: float,
    high: float,
) -> np.ndarray:
    """``keep`` (a mask over terms) narrowed to the terms seen ``min_count`` times and in ``low`` to ``high``
    documents; the counts are asked for only when a bound needs them. No term left is an error that says what
    to relax. The pruning of :func:`toolkit.document_term_matrix`, in memory and on Dask."""
    if min_count > 1:
        keep &= term_counts() >= min_count
    if low > 1 or high < n_docs:
        df = doc_freqs()
        keep &= (df >= low) & (df <= high)
    if len(keep) and not keep.any():
        raise ValueError(
            "After pruning, no terms remain. Try a lower min_count or min_docs, a higher max_docs, or fewer stop words."
        )
    return keep
