"""Explicit voices: the measures read the voices of a segments frame split once, or none, never by surprise.

Issue 15, item 5: ``find_stance`` and the rates used to split a docs frame into voices because it happened to have
``speaker`` and ``genre`` columns, each call splitting again. Now ``segments`` says which: the frame of
``tk.split_voices(docs)``, or None for whole documents; ``"auto"`` (this release's default) keeps the old behaviour
with a FutureWarning when it splits an interview.
"""

from __future__ import annotations

import warnings
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import toolkit as tk
import toolkit._voicing as voicing

AUTO_WARNING = "split into voices .* without being asked"


@pytest.fixture(scope="module")
def interview():
    return tk.load_interview()


@pytest.fixture(scope="module")
def mixed(interview):
    """The interview beside two speeches: a frame with speaker and genre columns, as a user's corpus has them."""
    speeches = pd.DataFrame(
        {
            "doc_id": ["s1", "s2"],
            "text": [
                "We firmly oppose this. Perhaps the council may agree, and we should act.",
                "I believe it is clearly the case that all parties must show restraint.",
            ],
            "speaker": ["Zhang Jun", "Linda Thomas-Greenfield"],
            "genre": ["speech", "speech"],
            "country": ["CHN", "USA"],
        }
    )
    inter = interview[["doc_id", "text", "speaker", "genre"]].assign(country="CHN")
    return pd.concat([inter, speeches], ignore_index=True)


def test_explicit_segments_give_what_the_deprecated_default_gave(mixed):
    segments = tk.split_voices(mixed)
    with pytest.warns(FutureWarning, match=AUTO_WARNING):
        auto = tk.find_stance(mixed)
    explicit = tk.find_stance(mixed, segments=segments)
    pd.testing.assert_frame_equal(explicit, auto)
    assert {"ambassador_quote", "narration", "speech"} <= set(explicit["voice"].dropna())
    with pytest.warns(FutureWarning, match=AUTO_WARNING):
        auto_rates = tk.stance_rates(mixed, by="country", n_resamples=200)
    pd.testing.assert_frame_equal(tk.stance_rates(mixed, by="country", n_resamples=200, segments=segments), auto_rates)
    with pytest.warns(FutureWarning, match=AUTO_WARNING):
        auto_match = tk.match_rates(explicit, mixed, by="country", n_resamples=200)
    pd.testing.assert_frame_equal(
        tk.match_rates(explicit, mixed, by="country", n_resamples=200, segments=segments), auto_match
    )


def test_no_segments_is_whole_documents_in_the_voice_speech(mixed):
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # explicit: no warning
        whole = tk.find_stance(mixed, segments=None)
        rates = tk.stance_rates(mixed, by="country", n_resamples=200, segments=None)
    assert set(whole["voice"]) == {"speech"} and whole["speaker"].isna().all()
    # the same matches as with voices: a split says whose a match is, never whether it is one
    voiced = tk.find_stance(mixed, segments=tk.split_voices(mixed))
    cols = ["doc_id", "start", "end", "match", "category", "rule"]
    pd.testing.assert_frame_equal(whole[cols], voiced[cols])
    # without voices every token of the interview is its speaker's: more tokens than its own words
    split_rates = tk.stance_rates(mixed, by="country", n_resamples=200, segments=tk.split_voices(mixed))
    chn = lambda r: r[r["country"] == "CHN"]["tokens"].iloc[0]  # noqa: E731
    assert chn(rates) > chn(split_rates)
    usa = lambda r: r[r["country"] == "USA"][["n", "tokens"]].to_numpy()  # noqa: E731
    assert np.array_equal(usa(rates), usa(split_rates))  # a speech is a speech either way


def test_the_deprecated_default_warns_only_when_it_splits_an_interview(mixed):
    speeches = mixed[mixed["genre"] == "speech"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        auto = tk.find_stance(speeches)  # speeches only: nothing is split, nothing to say
        tk.find_stance(speeches[["doc_id", "text"]])  # no speaker, no genre: whole documents
    assert set(auto["voice"]) == {"speech"}
    assert auto["speaker"].tolist() == speeches.set_index("doc_id").loc[auto["doc_id"], "speaker"].tolist()


def test_with_a_segments_frame_nothing_is_split_again(mixed, monkeypatch):
    segments = tk.split_voices(mixed)

    def no_split(*args, **kwargs):
        raise AssertionError("split_voices was called again")

    monkeypatch.setattr(voicing, "split_voices", no_split)
    hits = tk.find_stance(mixed, segments=segments)
    tk.stance_rates(mixed, by="country", n_resamples=200, segments=segments)
    tk.match_rates(hits, mixed, by="country", n_resamples=200, segments=segments)
    tk.compare_rates(
        hits,
        mixed,
        by="country",
        target="CHN",
        category="hedge",
        n_permutations=200,
        n_resamples=200,
        segments=segments,
    )
    tk.hedge_audit(mixed, n=5, segments=segments)
    with pytest.raises(AssertionError, match="called again"):
        tk.find_stance(mixed)  # the deprecated default splits


def test_segments_of_other_documents_are_not_read_so_a_subset_can_be_rated(mixed):
    segments = tk.split_voices(mixed)
    hits = tk.find_stance(mixed, segments=segments)
    part = mixed[mixed["country"] == "CHN"]
    rates = tk.match_rates(hits[hits["doc_id"].isin(part["doc_id"])], part, n_resamples=200, segments=segments)
    with pytest.warns(FutureWarning):
        assert rates.equals(tk.match_rates(hits[hits["doc_id"].isin(part["doc_id"])], part, n_resamples=200))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.drop(columns="voice"), "voice"),
        (lambda s: s.assign(end=s["end"] + 10_000), r"row 0 .* 0 <= start <= end <= len\(text\)"),
        (lambda s: s.assign(start=s["start"].astype(float) + 0.5), "whole character offsets"),
        (lambda s: s.assign(voice="journalist"), "voice 'journalist'; the voices are"),
        (lambda s: pd.concat([s, s.iloc[[0]]], ignore_index=True), "overlap"),
    ],
)
def test_bad_segments_are_named(interview, change, message):
    segments = tk.split_voices(interview)
    with pytest.raises(ValueError, match=message):
        tk.find_stance(interview, segments=change(segments))


def test_a_segments_argument_that_is_not_a_frame_or_none_is_refused(interview):
    with pytest.raises(ValueError, match="segments='split' is invalid"):
        tk.find_stance(interview, segments="split")
    with pytest.raises(ValueError, match="a plain string has no voices"):
        tk.find_stance("We may agree.", segments=tk.split_voices(interview))


_WORDS = ["we", "may", "perhaps", "firmly", "oppose", "should", "clearly", "I", "believe", "the", "council", "agree"]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    words=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=40),
    cuts=st.lists(st.integers(0, 400), max_size=6),
    voices=st.lists(st.sampled_from(tk.voices.VOICES), min_size=7, max_size=7),
    gaps=st.lists(st.booleans(), min_size=7, max_size=7),
)
def test_every_match_takes_the_voice_of_the_segment_its_start_falls_in(words, cuts, voices, gaps):
    text = " ".join(words) + "."
    docs = pd.DataFrame({"doc_id": ["d"], "text": [text]})
    edges = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    rows = [
        {"doc_id": "d", "start": a, "end": b, "voice": voices[k], "speaker": f"p{k}"}
        for k, (a, b) in enumerate(pairwise(edges))
        if not gaps[k]  # a gap: characters in no segment
    ]
    segments = pd.DataFrame(rows, columns=["doc_id", "start", "end", "voice", "speaker"])
    found = tk.find_stance(docs, segments=segments, method="rules")
    whole = tk.find_stance(docs, segments=None, method="rules")
    pd.testing.assert_frame_equal(found.drop(columns=["voice", "speaker"]), whole.drop(columns=["voice", "speaker"]))
    for start, voice, speaker in zip(found["start"], found["voice"], found["speaker"]):
        holding = [r for r in rows if r["start"] <= start < r["end"]]
        if holding:
            assert (voice, speaker) == (holding[0]["voice"], holding[0]["speaker"])
        else:
            assert pd.isna(voice) and pd.isna(speaker)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    texts=st.lists(st.text(alphabet="ab .\n", max_size=25), min_size=1, max_size=5),
    cuts=st.lists(st.lists(st.integers(0, 30), max_size=4), min_size=5, max_size=5),
    voices=st.lists(st.sampled_from(tk.voices.VOICES), min_size=25, max_size=25),
    drop=st.lists(st.booleans(), min_size=25, max_size=25),
    starts=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 30)), max_size=30),
    chosen=st.lists(st.sampled_from(tk.voices.VOICES), min_size=1, max_size=3),
)
def test_a_match_is_heard_in_its_own_documents_segments_and_other_voices_are_blanked(
    texts, cuts, voices, drop, starts, chosen
):
    """Several documents' segments (with gaps, some documents without any), matches anywhere in them (some past
    the text's end): a match counts when its start lies in a segment of a chosen voice of its own document, and
    a text with anything but whitespace outside those segments is blanked there, offsets kept."""
    from toolkit._rating import _keep_voices

    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts})
    rows = []
    for i, text in enumerate(texts):
        edges = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts[i])})
        rows += [
            {"doc_id": f"d{i}", "start": a, "end": b, "voice": voices[5 * i + k], "speaker": None}
            for k, (a, b) in enumerate(pairwise(edges))
            if not drop[5 * i + k]
        ]
    segments = pd.DataFrame(rows, columns=["doc_id", "start", "end", "voice", "speaker"])
    pairs = sorted((r % len(texts), s) for r, s in starts)
    m_row = np.array([r for r, _ in pairs], dtype=np.int64)
    m_start = np.array([s for _, s in pairs], dtype=np.int64)
    spans = voicing.spans(docs, segments, function="test")
    heard, blanked = _keep_voices(docs, tuple(dict.fromkeys(chosen)), m_row, m_start, spans)
    kept = [
        [(r["start"], r["end"]) for r in rows if r["doc_id"] == f"d{i}" and r["voice"] in chosen]
        for i in range(len(texts))
    ]
    assert heard.tolist() == [any(a <= s < b for a, b in kept[r]) for r, s in pairs]
    for i, text in enumerate(texts):
        own = "".join(c if c.isspace() or any(a <= j < b for a, b in kept[i]) else " " for j, c in enumerate(text))
        assert blanked.get(i, text) == own
        assert (i in blanked) == (own != text)
