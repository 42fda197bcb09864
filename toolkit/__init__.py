"""toolkit: comparative discourse analysis of diplomatic statements.

``import toolkit as tk`` is all a notebook needs. The package is laid out as
the pipeline runs, one module per stage:

- :mod:`toolkit.schema`: the docs frame (one row per document) and its columns;
- :mod:`toolkit.corpus`: reading statements, the interview, the corpus fingerprint;
- :mod:`toolkit.datasets`: the UN corpora (UNGDC, UNSCon): where they are, fetching and reading them;
- :mod:`toolkit.voices`: an interview split into the ambassador's words and the rest;
- :mod:`toolkit.text`: sentences and tokens with character offsets;
- :mod:`toolkit.tokentable`: every text tokenized once, in numpy arrays, that the measures below read;
- :mod:`toolkit.counts`: the document-term matrix, term counts by group, dispersion;
- :mod:`toolkit.keyness`: keyness measures and group comparisons;
- :mod:`toolkit.concordance`: keywords in context and collocations;
- :mod:`toolkit.phrases`: word sequences shared verbatim with other statements (talking points);
- :mod:`toolkit.hedging`: the stance lexicon, hedges and boosters found in context, their rates;
- :mod:`toolkit.audit`: a stratified sample of matches to check by hand, and its precision;
- :mod:`toolkit.topics`: topic models (LDA, NMF), coherence, stability and the choice of k;
- :mod:`toolkit.topic_effects`: topic prevalence regressed on covariates, with the model's uncertainty;
- :mod:`toolkit.wordfish`: Wordfish, documents scaled on one latent dimension by their word counts;
- :mod:`toolkit.rates`: rates per 1,000 tokens with bootstrap intervals, permutation tests;
- :mod:`toolkit.plots`: charts; :mod:`toolkit.tables`: tables written to read the same on every machine.

On top of the library, :mod:`toolkit.study` is the study of Xing's interview: its comparison
corpus and groups, its choices (the P5, the number of topics), its figures and the evaluation of
the hedge detector. Nothing in the library imports it.
"""

import importlib as _importlib
import sys as _sys
import types as _types
from typing import TYPE_CHECKING
from typing import Any as _Any

from toolkit._validation import CorpusFormatError, DataNotFoundError, moved_names
from toolkit.audit import hedge_audit, score_audit
from toolkit.concordance import collocations, kwic
from toolkit.corpus import INTERVIEW_ID, corpus_fingerprint, describe_corpus, load_interview, read_corpus
from toolkit.counts import DocumentTermMatrix, count_terms, dispersion, document_term_matrix
from toolkit.datasets import load_ungdc, load_unscon, unscon_sentences
from toolkit.hedging import find_hedges, find_stance, hedging_rates, load_lexicon, stance_rates
from toolkit.keyness import adjust_pvalues, compare_groups, keyness, top_keywords
from toolkit.phrases import SharedPhrases, boilerplate_phrases, phrase_overlap, shared_phrases
from toolkit.plots import (
    OKABE_ITO,
    plot_bar,
    plot_keyness,
    plot_marginal_prevalence,
    plot_positions,
    plot_rates,
    plot_select_k,
    plot_term_scatter,
    plot_timeline,
    plot_topic_effects,
    plot_topic_prevalence,
    plot_trends,
    plot_word_weights,
    pooled_trend,
)
from toolkit.rates import compare_rates, match_rates
from toolkit.schema import DOC_COLUMNS, GENRES, ROLES, as_docs
from toolkit.text import STOP_WORDS, place_names, split_sentences, token_spans, tokenize, tokens
from toolkit.tokentable import TokenTable, token_table
from toolkit.voices import own_words, split_voices

if TYPE_CHECKING:  # imported when first used, below
    from toolkit.topic_effects import marginal_prevalence, topic_effects
    from toolkit.topics import (
        TOPIC_STOP_WORDS,
        TopicModel,
        Vectorizer,
        coherence,
        fit_topics,
        match_topics,
        select_k,
        topic_prevalence,
        topic_stability,
    )
    from toolkit.wordfish import Wordfish, fit_wordfish

__version__ = "0.1.0"

#: The models' names, each imported from its module when first used (``tk.fit_topics``, ``from toolkit import
#: Wordfish``): their modules import scikit-learn, which took 0.5 s and about 55 MiB of memory that every
#: ``import toolkit`` paid, the command line and each worker process included, for measures that do not use
#: it. ``tests/test_layout.py`` checks that ``import toolkit`` leaves scikit-learn, NLTK and scipy.stats out.
_LAZY = {
    **dict.fromkeys(("marginal_prevalence", "topic_effects"), "toolkit.topic_effects"),
    **dict.fromkeys(
        (
            "TOPIC_STOP_WORDS",
            "TopicModel",
            "Vectorizer",
            "coherence",
            "fit_topics",
            "match_topics",
            "select_k",
            "topic_prevalence",
            "topic_stability",
        ),
        "toolkit.topics",
    ),
    **dict.fromkeys(("Wordfish", "fit_wordfish"), "toolkit.wordfish"),
}

__all__ = [
    "DOC_COLUMNS",
    "GENRES",
    "INTERVIEW_ID",
    "OKABE_ITO",
    "ROLES",
    "STOP_WORDS",
    "TOPIC_STOP_WORDS",
    "CorpusFormatError",
    "DataNotFoundError",
    "DocumentTermMatrix",
    "SharedPhrases",
    "TokenTable",
    "TopicModel",
    "Vectorizer",
    "Wordfish",
    "adjust_pvalues",
    "as_docs",
    "boilerplate_phrases",
    "coherence",
    "collocations",
    "compare_groups",
    "compare_rates",
    "corpus_fingerprint",
    "count_terms",
    "describe_corpus",
    "dispersion",
    "document_term_matrix",
    "find_hedges",
    "find_stance",
    "fit_topics",
    "fit_wordfish",
    "hedge_audit",
    "hedging_rates",
    "keyness",
    "kwic",
    "load_interview",
    "load_lexicon",
    "load_ungdc",
    "load_unscon",
    "marginal_prevalence",
    "match_rates",
    "match_topics",
    "own_words",
    "phrase_overlap",
    "place_names",
    "plot_bar",
    "plot_keyness",
    "plot_marginal_prevalence",
    "plot_positions",
    "plot_rates",
    "plot_select_k",
    "plot_term_scatter",
    "plot_timeline",
    "plot_topic_effects",
    "plot_topic_prevalence",
    "plot_trends",
    "plot_word_weights",
    "pooled_trend",
    "read_corpus",
    "score_audit",
    "select_k",
    "shared_phrases",
    "split_sentences",
    "split_voices",
    "stance_rates",
    "token_spans",
    "token_table",
    "tokenize",
    "tokens",
    "top_keywords",
    "topic_effects",
    "topic_prevalence",
    "topic_stability",
    "unscon_sentences",
]

#: Names that moved to the study layer; they still work, with a FutureWarning, until 0.3.
_moved = moved_names(
    "toolkit",
    {
        "load_comparison_corpus": "toolkit.study:load_comparison_corpus",
        "comparison_groups": "toolkit.study:comparison_groups",
    },
)


#: The modules whose names are imported when first used, themselves: ``toolkit.topics`` as before.
_LAZY_MODULES = frozenset({"topics", "wordfish"})


def __getattr__(name: str) -> _Any:
    """A model's name (:data:`_LAZY`), imported now and kept; its module; else a moved name, with its warning."""
    module = _LAZY.get(name)
    if module is None:
        if name in _LAZY_MODULES:
            return _importlib.import_module(f"toolkit.{name}")
        return _moved(name)
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*(n for n in globals() if not n.startswith("_") or n.startswith("__")), *_LAZY, *_LAZY_MODULES})


class _Package(_types.ModuleType):
    """The package, which keeps a model's function under its module's name (``toolkit.topic_effects``).

    Python binds a submodule to its package once it is imported (``from toolkit.topic_effects import ...``
    anywhere sets ``toolkit.topic_effects`` to the module), which the package's eager imports used to overwrite
    with the function of that name; imported lazily, the function would stay hidden behind the module."""

    def __setattr__(self, name: str, value: _Any) -> None:
        if isinstance(value, _types.ModuleType) and _LAZY.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
