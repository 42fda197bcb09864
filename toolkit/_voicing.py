"""Voices for the measures: which stretch of each document is whose, given by the caller or split once.

:func:`toolkit.find_stance`, :func:`toolkit.stance_rates`, :func:`toolkit.match_rates`,
:func:`toolkit.compare_rates` and :func:`toolkit.hedge_audit` take ``segments``, read here:

- a segments frame, as :func:`toolkit.split_voices` returns it (``doc_id``, ``start``, ``end``,
  ``voice`` and, optionally, ``speaker``): the voices of the documents, split once by the caller
  and passed to every measure, so that all of them hear the same voices;
- ``None``: no split; every document is one segment in the voice ``"speech"``, of no known speaker;
- ``"auto"`` (the default of this release, deprecated): the documents are split by
  :func:`toolkit.split_voices` when the docs frame has ``speaker`` and ``genre`` columns, as
  releases before 0.2 did; when that split finds anything but speeches (an interview), a
  ``FutureWarning`` says to pass ``segments`` explicitly. The default becomes ``None`` in 0.3.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from toolkit._validation import check_columns, check_one_of
from toolkit.voices import VOICES, split_voices

#: The deprecated default of ``segments``: split when the docs frame has ``speaker`` and ``genre`` columns.
AUTO = "auto"

#: A document's segments as arrays: (starts, ends, voices, speakers), sorted by start.
Spans = tuple[np.ndarray, np.ndarray, list, list]


def check_voices(voices: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """``voices`` as a tuple of known voices (None stays None: every voice)."""
    if voices is None:
        return None
    listed = [voices] if isinstance(voices, str) else list(voices)
    if not listed:
        raise ValueError(
            "voices=[] is invalid; name one or more voices of toolkit.voices.VOICES, or pass None for every voice."
        )
    return tuple(dict.fromkeys(check_one_of("voices", v, VOICES) for v in listed))


def resolve(docs: pd.DataFrame | None, segments: Any, *, function: str) -> pd.DataFrame | None:
    """``segments`` as a segments frame or None, the deprecated ``"auto"`` split here (warning the caller's caller).

    ``docs`` None: the input is a plain string, which has no voices (only ``"auto"`` or None are accepted).
    """
    if isinstance(segments, pd.DataFrame):
        if docs is None:
            raise ValueError(f"{function}: segments is for a docs frame; a plain string has no voices to split.")
        return segments
    if segments is None:
        return None
    if not (isinstance(segments, str) and segments == AUTO):
        raise ValueError(
            f"{function}: segments={segments!r} is invalid; pass the frame of toolkit.split_voices(docs) (the voices "
            "split once), or None (every document one segment in the voice 'speech')."
        )
    if docs is None or not {"speaker", "genre"} <= set(docs.columns) or docs.empty:
        return None
    columns = ["doc_id", "text", "speaker", "genre", *(["role"] if "role" in docs else [])]
    with warnings.catch_warnings():  # the measures report documents without own words themselves
        warnings.filterwarnings("ignore", message="split_voices: no words of the speaker", category=UserWarning)
        split = split_voices(docs[columns])
    genres = docs["genre"].astype("string")
    if (genres.notna() & genres.ne("speech")).any():
        warnings.warn(
            f"{function}: docs has 'speaker' and 'genre' columns, so its documents were split into voices "
            "(toolkit.split_voices) without being asked. Say so: split once with segments = "
            f"tk.split_voices(docs) and pass {function}(..., segments=segments); or pass segments=None for whole "
            "documents. From 0.3 a document is split only when segments is given.",
            FutureWarning,
            stacklevel=3,
        )
    return split


def spans(docs: pd.DataFrame, segments: pd.DataFrame | None, *, function: str) -> dict[str, Spans] | None:
    """The segments of each document of ``docs``, per doc_id, from what :func:`resolve` returned.

    None (``segments`` None) stands for "every document is one segment in the voice 'speech', of no known
    speaker". With a frame, a document without a segment row has no voice.
    """
    if segments is None:
        return None
    return _from_frame(docs, segments, function=function)


def _from_frame(docs: pd.DataFrame, segments: pd.DataFrame, *, function: str) -> dict[str, Spans]:
    """The spans of a segments frame, checked against the documents they cut."""
    check_columns(segments, ["doc_id", "start", "end", "voice"], name="segments")
    texts = dict(zip(docs["doc_id"].astype(str), docs["text"]))
    segments = segments[segments["doc_id"].astype("string").isin(list(texts)).fillna(False).to_numpy(bool)]
    ids = segments["doc_id"].astype("string")  # the rows of other documents are not read: a subset of docs may be rated
    starts = pd.to_numeric(segments["start"], errors="coerce")
    ends = pd.to_numeric(segments["end"], errors="coerce")
    lengths = pd.Series([len(str(texts[d])) for d in ids.tolist()], index=ids.index, dtype="int64")
    bad = ~(starts.notna() & ends.notna() & (starts % 1 == 0) & (ends % 1 == 0))
    bad |= ~bad & ((starts < 0) | (ends < starts) | (ends > lengths))
    if bad.any():
        row = bad[bad].index[0]
        raise ValueError(
            f"{function}: segments row {row!r} (doc_id {ids[row]!r}) has start={segments['start'][row]!r}, "
            f"end={segments['end'][row]!r}; each segment must be whole character offsets with "
            "0 <= start <= end <= len(text), as toolkit.split_voices gives them."
        )
    voices = segments["voice"].astype("string")
    unknown_voice = voices[voices.notna() & ~voices.isin(VOICES)]
    if len(unknown_voice):
        row = unknown_voice.index[0]
        raise ValueError(
            f"{function}: segments row {row!r} has voice {unknown_voice.iloc[0]!r}; the voices are {', '.join(VOICES)}."
        )
    speakers = segments["speaker"].astype("string") if "speaker" in segments else pd.Series(pd.NA, index=segments.index)
    frame = pd.DataFrame(
        {
            "doc_id": ids,
            "start": starts.astype(np.int64),
            "end": ends.astype(np.int64),
            "voice": voices,
            "speaker": speakers,
        }
    ).sort_values(["doc_id", "start", "end"], kind="stable")
    # the documents' runs of rows, read as whole columns (one pandas call each, not one per document)
    doc_ids = frame["doc_id"].tolist()
    s, e = frame["start"].to_numpy(), frame["end"].to_numpy()
    voice_list = _objects(frame["voice"])
    speaker_list = _objects(frame["speaker"])
    codes = pd.factorize(frame["doc_id"])[0]  # sorted: each document's rows are one run
    same = codes[1:] == codes[:-1]
    overlap = np.flatnonzero(same & (s[1:] < e[:-1]))
    if len(overlap):
        k = int(overlap[0])
        raise ValueError(
            f"{function}: segments of doc_id {doc_ids[k]!r} overlap ({s[k]}-{e[k]} and {s[k + 1]}-{e[k + 1]}); "
            "each character belongs to one voice."
        )
    bounds = np.concatenate([[0], np.flatnonzero(~same) + 1, [len(codes)]]).tolist() if len(codes) else [0]
    out: dict[str, Spans] = {}
    for a, b in pairwise(bounds):
        out[str(doc_ids[a])] = (s[a:b], e[a:b], voice_list[a:b], speaker_list[a:b])
    return out


def _objects(values: pd.Series) -> list:
    """``values`` as a list of str, None where missing."""
    return [None if v is None or v is pd.NA or v != v else str(v) for v in values.astype(object).tolist()]
