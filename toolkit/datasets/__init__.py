"""The public UN corpora as docs frames: where they are, how to get them, how to read them.

Two public corpora serve as comparison material:

- **UNGDC**, the UN General Debate Corpus (Jankin, Baturo & Dasandi; Harvard
  Dataverse doi:10.7910/DVN/0TJX8Y, CC0): every speech of the General Debate
  since 1946, with a table of speakers and their posts.
- **UNSCon**, the UN Security Council Conflict Corpus (Zaczynska, Bourgonje &
  Stede, LREC-COLING 2024; github.com/linatal/UNSCon, CC BY-SA): 86 Security
  Council speeches of 2014 and 2016, annotated sentence by sentence for conflict.

Where the data is read from, in this order:

1. the ``path=`` argument of a loader;
2. ``$TOOLKIT_DATA/<name>/`` (``name`` is ``ungdc`` or ``unscon``), the upstream
   layout: ``ungdc/TXT/Session NN - YYYY/*.txt`` + ``ungdc/Speakers_by_session.xlsx``,
   ``unscon/conflict_annotations_sentences.csv`` + ``unscon/conflict_annotations.csv``;
3. the download cache ``cache_dir()/<name>/``, filled by :func:`fetch` (checksummed
   with pooch) on first use.

When none of them works (offline, no local copy) the loaders raise
:class:`~toolkit._validation.DataNotFoundError` saying what is missing and
where to get it. The download sources can be pointed elsewhere (a mirror, or a
test server) with ``$TOOLKIT_DATAVERSE_URL`` and ``$TOOLKIT_UNSCON_URL``.

The package holds one module per corpus, :mod:`toolkit.datasets.ungdc` and
:mod:`toolkit.datasets.unscon`, beside the private module of sources, locations and
downloads (``_sources``); every public name is here too.
"""

from toolkit._validation import moved_names
from toolkit.datasets._sources import DATASETS, SPEAKERS_FILE, UNSCON_REGISTRY, available, fetch
from toolkit.datasets.ungdc import POST_CORRECTIONS, POST_ROLE_RULES, load_ungdc, post_to_role
from toolkit.datasets.unscon import detokenize, load_unscon, unscon_sentences

__all__ = [
    "DATASETS",
    "POST_CORRECTIONS",
    "POST_ROLE_RULES",
    "SPEAKERS_FILE",
    "UNSCON_REGISTRY",
    "available",
    "detokenize",
    "fetch",
    "load_ungdc",
    "load_unscon",
    "post_to_role",
    "unscon_sentences",
]


#: Names that moved to the study layer (:mod:`toolkit.study`); they still work, with a FutureWarning, until 0.3.
__getattr__ = moved_names(
    "toolkit.datasets",
    {
        name: f"toolkit.study:{name}"
        for name in (
            "COMPARISON_GROUPS",
            "PRC_FIRST_YEAR",
            "REFERENCE_COUNTRIES",
            "REFERENCE_SINCE",
            "comparison_groups",
            "load_comparison_corpus",
        )
    },
)
