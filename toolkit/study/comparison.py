"""The study's corpus: Xing's interview beside the UN statements it is compared with, and its groups.

Everything here is a choice of this study (which speeches, which groups, from
which year China is the People's Republic), made on top of the library's
loaders (:mod:`toolkit.datasets`, :mod:`toolkit.corpus`); nothing in the
library imports it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from toolkit._validation import check_columns
from toolkit.corpus import INTERVIEW_ID, load_interview
from toolkit.datasets import load_ungdc, load_unscon
from toolkit.schema import DOC_COLUMNS, as_docs
from toolkit.voices import own_words

__all__ = [
    "COMPARISON_GROUPS",
    "P5",
    "PRC_FIRST_YEAR",
    "REFERENCE_COUNTRIES",
    "REFERENCE_SINCE",
    "comparison_groups",
    "load_comparison_corpus",
    "own_words_by_group",
    "p5_general_debate",
    "un_statements",
]

#: The People's Republic of China's first General Debate. It took China's seat on 25 October 1971, after that
#: year's debate, so the UNGDC's ``CHN`` speeches up to 1971 are the Republic of China's (Taiwan's): the 1971
#: one attacks the Beijing "regime". Series of "China" over time should start here.
PRC_FIRST_YEAR: int = 1972

#: UNGDC delegations whose General Debate speeches since 2000 are kept as reference.
REFERENCE_COUNTRIES: tuple[str, ...] = ("CHN", "USA", "KOR", "JPN")
REFERENCE_SINCE: int = 2000


def load_comparison_corpus(*, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The project's comparison corpus: the interview and the UN speeches to compare it with.

    Selection, recorded per document in ``selection``:

    - ``"interview"``: the interview of :func:`toolkit.corpus.load_interview`;
    - ``"unscon"``: every UNSCon Security Council speech (:func:`toolkit.datasets.load_unscon`);
    - ``"ungdc_permanent_representative"``: every General Debate speech whose
      role is ``permanent_representative`` (see :func:`toolkit.datasets.post_to_role`);
    - ``"ungdc_reference_since_2000"``: the General Debate speeches of CHN, USA,
      KOR and JPN with ``year >= 2000``.

    A speech chosen for two reasons appears once, its reasons joined by ``";"``
    in the order above.

    Parameters
    ----------
    path : str or Path, optional
        A folder holding ``ungdc/`` and ``unscon/``. Default: each corpus from
        ``$TOOLKIT_DATA`` or the download cache.

    Returns
    -------
    DataFrame
        A docs frame with the standard columns, then ``selection`` (string), then
        the extra columns of the loaders (``session``, ``post``, ``country_name``,
        ``file``, ``meeting``, ``speech_number``, ``n_sentences``, and any of the
        interview), <NA> where a column does not apply.

    Raises
    ------
    DataNotFoundError
        A corpus cannot be found or downloaded.
    """
    root = None if path is None else Path(path).expanduser()
    ungdc = load_ungdc(None if root is None else root / "ungdc")
    unscon = load_unscon(None if root is None else root / "unscon")
    interview = load_interview()

    reasons: dict[str, list[str]] = {}
    is_pr = ungdc["role"] == "permanent_representative"
    is_ref = ungdc["country"].isin(REFERENCE_COUNTRIES) & (ungdc["year"] >= REFERENCE_SINCE).fillna(False)
    for doc_id in ungdc.loc[is_pr, "doc_id"]:
        reasons.setdefault(doc_id, []).append("ungdc_permanent_representative")
    for doc_id in ungdc.loc[is_ref, "doc_id"]:
        reasons.setdefault(doc_id, []).append("ungdc_reference_since_2000")
    chosen = ungdc[ungdc["doc_id"].isin(reasons)].copy()
    chosen["selection"] = [";".join(reasons[d]) for d in chosen["doc_id"]]

    parts = [interview.assign(selection="interview"), unscon.assign(selection="unscon"), chosen]
    frame = pd.concat([p.astype({"role": "string", "genre": "string"}) for p in parts], ignore_index=True)
    extras = [c for c in frame.columns if c not in DOC_COLUMNS and c != "selection"]
    docs = as_docs(frame[[*DOC_COLUMNS, "selection", *extras]], name="comparison corpus")
    docs["selection"] = docs["selection"].astype("string")
    return docs


#: The labels of :func:`comparison_groups`.
COMPARISON_GROUPS: tuple[str, ...] = ("Xing", "China at the UN", "other ambassadors", "other")


def comparison_groups(docs: pd.DataFrame) -> pd.Series:
    """Label each document with the group the notebooks compare it in.

    - ``"Xing"``: the interview (``doc_id`` is :data:`toolkit.corpus.INTERVIEW_ID`);
    - ``"China at the UN"``: any other document whose ``country`` is ``CHN`` (in
      the comparison corpus: China's General Debate speeches since 2000 and its
      Security Council speeches);
    - ``"other ambassadors"``: documents of other countries whose ``role`` is
      ``permanent_representative``;
    - ``"other"``: the rest (other countries' leaders and ministers).

    Parameters
    ----------
    docs : DataFrame
        A docs frame (``doc_id``, ``country``, ``role``).

    Returns
    -------
    Series of string
        One label per row of ``docs``, on its index, named ``group``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["kt-2021-02-05-xing-haiming", "a", "b", "c"],
    ...     "country": ["CHN", "CHN", "USA", "USA"],
    ...     "role": ["ambassador", "permanent_representative", "permanent_representative", "foreign_minister"]})
    >>> comparison_groups(docs).tolist()
    ['Xing', 'China at the UN', 'other ambassadors', 'other']
    """
    check_columns(docs, ["doc_id", "country", "role"])
    group = pd.Series("other", index=docs.index, dtype="string", name="group")
    group[docs["role"].astype("string").eq("permanent_representative").fillna(False)] = "other ambassadors"
    group[docs["country"].astype("string").eq("CHN").fillna(False)] = "China at the UN"
    group[docs["doc_id"].astype("string").eq(INTERVIEW_ID).fillna(False)] = "Xing"
    return group


#: The permanent members of the Security Council, in the order of their lines.
P5: tuple[str, ...] = ("CHN", "FRA", "GBR", "RUS", "USA")


def own_words_by_group(docs: pd.DataFrame) -> pd.DataFrame:
    """The documents cut to their speakers' own words (:func:`toolkit.own_words`), with a ``group`` column.

    The interview keeps only the ambassador's quoted words; the speeches are
    unchanged. ``group`` is :func:`comparison_groups`. The keyness and hedging
    comparisons of the study (figures and notebooks 03 and 05) start from this frame.

    Parameters
    ----------
    docs : DataFrame
        The comparison corpus (:func:`load_comparison_corpus`) or a part of it.

    Returns
    -------
    DataFrame
        ``own_words(docs)`` with a string column ``group``.
    """
    own = own_words(docs)
    own["group"] = comparison_groups(own)
    return own


def un_statements(docs: pd.DataFrame) -> pd.DataFrame:
    """The UN statements of the comparison corpus (every document but the interview), indexed from 0.

    The topic models of the study are fitted on these; the interview is projected onto them.
    """
    return docs[docs["doc_id"] != INTERVIEW_ID].reset_index(drop=True)


def p5_general_debate(ungdc: pd.DataFrame) -> pd.DataFrame:
    """The General Debate speeches of the five permanent members since :data:`PRC_FIRST_YEAR`.

    Russia's ``country`` becomes ``"RUS (USSR to 1991)"``: the UNGDC files the
    Soviet Union's speeches under ``RUS``.

    Parameters
    ----------
    ungdc : DataFrame
        The UN General Debate corpus (:func:`toolkit.load_ungdc`).

    Returns
    -------
    DataFrame
        The rows of :data:`P5` countries with ``year >= PRC_FIRST_YEAR``, on their index.
    """
    check_columns(ungdc, ["country", "year"])
    p5 = ungdc[ungdc["country"].isin(P5) & (ungdc["year"] >= PRC_FIRST_YEAR)]
    return p5.assign(country=p5["country"].replace({"RUS": "RUS (USSR to 1991)"}))
