"""The study of Xing Haiming's interview, on top of the library.

Everything specific to this study lives here, and nothing in the library
(``toolkit`` and its stage modules) imports it:

- :mod:`toolkit.study.comparison`: the comparison corpus (the interview beside
  UN statements), its groups, the permanent five and the year from which
  ``CHN`` is the People's Republic;
- :mod:`toolkit.study.analyses`: one public function per table behind a
  figure, and the study's choices (the number of topics, the pruning, the
  stance categories compared);
- :mod:`toolkit.study.figures`: the figure rules, ``make_figures`` and
  ``check_figures`` (``toolkit figures`` on the command line);
- :mod:`toolkit.study.evaluate`: the hedge detector scored against the SFU
  speculation annotation and the annotated UN sentences, and the training of
  the shipped model (``python -m toolkit.study.evaluate``).

The notebooks and ``make figures`` call the same functions::

    from toolkit import study

    docs = study.load_comparison_corpus()
    table = study.keyness_xing_vs_ambassadors(docs)
    study.draw_figure("keyness_xing_vs_ambassadors", table, docs)
"""

from toolkit.study.analyses import (
    KEYNESS_FILTER,
    PERMUTATIONS,
    PHRASE_COUNTRIES,
    PHRASE_N,
    SELECTION_NAMES,
    STANCE,
    TOPIC_COUNTRIES,
    TOPIC_K,
    TOPIC_KS,
    TOPIC_PRUNING,
    WORDFISH_DIR,
    WORDFISH_OPTIONS,
    corpus_composition,
    hedging_p5_timeline,
    hedging_xing_vs_ambassadors,
    interview_voices,
    keyness_chn_vs_usa_unsc,
    keyness_xing_vs_ambassadors,
    p5_council_years,
    shared_phrasing,
    shared_phrasing_lift,
    shared_phrasing_sentences,
    term_scatter_chn_vs_usa_unsc,
    topic_labels,
    topic_model,
    topic_prevalence_by_country,
    topic_stop_words,
    topics_select_k,
    wordfish_p5_unsc,
    wordfish_p5_unsc_model,
)
from toolkit.study.comparison import (
    COMPARISON_GROUPS,
    P5,
    PRC_FIRST_YEAR,
    REFERENCE_COUNTRIES,
    REFERENCE_SINCE,
    comparison_groups,
    load_comparison_corpus,
    own_words_by_group,
    p5_general_debate,
    un_statements,
)
from toolkit.study.figures import FIGURES, check_figures, draw_figure, make_figures

__all__ = [
    "COMPARISON_GROUPS",
    "FIGURES",
    "KEYNESS_FILTER",
    "P5",
    "PERMUTATIONS",
    "PHRASE_COUNTRIES",
    "PHRASE_N",
    "PRC_FIRST_YEAR",
    "REFERENCE_COUNTRIES",
    "REFERENCE_SINCE",
    "SELECTION_NAMES",
    "STANCE",
    "TOPIC_COUNTRIES",
    "TOPIC_K",
    "TOPIC_KS",
    "TOPIC_PRUNING",
    "WORDFISH_DIR",
    "WORDFISH_OPTIONS",
    "check_figures",
    "comparison_groups",
    "corpus_composition",
    "draw_figure",
    "hedging_p5_timeline",
    "hedging_xing_vs_ambassadors",
    "interview_voices",
    "keyness_chn_vs_usa_unsc",
    "keyness_xing_vs_ambassadors",
    "load_comparison_corpus",
    "make_figures",
    "own_words_by_group",
    "p5_council_years",
    "p5_general_debate",
    "shared_phrasing",
    "shared_phrasing_lift",
    "shared_phrasing_sentences",
    "term_scatter_chn_vs_usa_unsc",
    "topic_labels",
    "topic_model",
    "topic_prevalence_by_country",
    "topic_stop_words",
    "topics_select_k",
    "un_statements",
    "wordfish_p5_unsc",
    "wordfish_p5_unsc_model",
]
