"""toolkit: comparative discourse analysis of diplomatic statements.

``import toolkit as tk`` is all a notebook needs: the pipeline reads
corpus -> voices and sentences -> tokens -> counts and keyness -> hedging and
topics -> plots, and each stage's public functions are re-exported here.
"""

from toolkit._validation import CorpusFormatError, DataNotFoundError
from toolkit.corpus import INTERVIEW_ID, corpus_fingerprint, load_interview, read_corpus
from toolkit.schema import DOC_COLUMNS, GENRES, ROLES, as_docs

__version__ = "0.1.0"

__all__ = [
    "CorpusFormatError", "DataNotFoundError",
    "DOC_COLUMNS", "GENRES", "ROLES", "as_docs",
    "INTERVIEW_ID", "read_corpus", "load_interview", "corpus_fingerprint",
]
