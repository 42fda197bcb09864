"""Tests for toolkit.concordance: kwic against hand-read hits and the tokenizer; collocations by hand and scipy."""

from __future__ import annotations

import math
import random
import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

import toolkit as tk
from toolkit.concordance import COLLOCATION_COLUMNS, KWIC_COLUMNS, collocations, kwic
from toolkit.corpus import load_interview
from toolkit.text import token_spans
from toolkit.voices import split_voices


@pytest.fixture(scope="module")
def interview() -> pd.DataFrame:
    return load_interview()


def _docs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["d1", "d2"],
            "text": [
                "We firmly\noppose  hegemony. The U.S. must trust us, and China's friends oppose it.",
                "China opposes unilateral sanctions; opposition is firmly voiced.",
            ],
            "speaker": ["Li", "Wang"],
            "country": ["CHN", "CHN"],
            "year": pd.array([2021, 2022], dtype="Int64"),
        }
    )


# ------------------------------------------------------------------ kwic: columns and offsets


def test_kwic_columns_and_dtypes():
    out = kwic(_docs(), "oppose")
    assert out.columns.tolist() == ["doc_id", "start", "end", "left", "match", "right", "speaker", "country", "year"]
    assert [str(out[c].dtype) for c in ("start", "end")] == ["int64", "int64"]
    assert str(out["year"].dtype) == "Int64"  # metadata keeps its dtype
    assert out["doc_id"].tolist() == ["d1", "d1"]


def test_kwic_offsets_give_the_match():
    docs = _docs()
    for pattern in ("oppose", "firmly oppose", ["china", "us", "oppos*"], re.compile(r"[A-Z]\.[A-Z]\.")):
        out = kwic(docs, pattern)
        assert len(out) > 0
        texts = dict(zip(docs["doc_id"], docs["text"]))
        for doc_id, s, e, match in out[["doc_id", "start", "end", "match"]].itertuples(index=False):
            assert texts[doc_id][s:e] == match


def test_kwic_empty_result_has_the_columns():
    out = kwic(_docs(), "sovereignty")
    assert out.columns.tolist() == [*KWIC_COLUMNS, "speaker", "country", "year"]
    assert len(out) == 0
    out = kwic("no hit here", "sovereignty")
    assert out.columns.tolist() == list(KWIC_COLUMNS)
    assert len(out) == 0


def test_kwic_plain_string_has_na_doc_id():
    out = kwic("We oppose it.", "oppose", window=1)
    assert out.columns.tolist() == list(KWIC_COLUMNS)
    assert out["doc_id"].isna().all()
    assert out[["left", "match", "right"]].values.tolist() == [["We", "oppose", "it"]]


# ------------------------------------------------------------------ kwic: what matches


def test_phrase_across_line_break_and_spaces():
    out = kwic(_docs(), "firmly oppose hegemony", window=1)
    assert out["match"].tolist() == ["firmly\noppose  hegemony"]
    assert out[["left", "right"]].values.tolist() == [["We", ". The"]]


def test_phrase_does_not_match_other_words_between():
    assert len(kwic("firmly and resolutely oppose", "firmly oppose")) == 0


def test_list_pattern_any_of_them_in_text_order_longest_first():
    out = kwic(_docs(), ["oppose", "firmly oppose", "china"], window=0)
    assert out[["doc_id", "match"]].values.tolist() == [
        ["d1", "firmly\noppose"],
        ["d1", "China"],
        ["d1", "oppose"],
        ["d2", "China"],
    ]


def test_glob_is_a_prefix_of_a_token():
    out = kwic(_docs(), "oppos*", window=0)
    assert out["match"].tolist() == ["oppose", "oppose", "opposes", "opposition"]
    # the prefix must start a token: "*pose" is not supported, "pose*" does not match "oppose"
    assert len(kwic(_docs(), "pose*")) == 0
    # a glob takes the whole token, joiners included, as the tokenizer does
    assert kwic("THAAD-related problems", "thaad*")["match"].tolist() == ["THAAD-related"]


def test_regex_against_raw_text():
    out = kwic(_docs(), r"oppos\w{2,}", regex=True, window=0)
    assert out["match"].tolist() == ["opposes", "opposition"]
    out = kwic(_docs(), re.compile(r"ina's"), window=1)  # inside a word: boundaries are the regex's
    assert out[["left", "match", "right"]].values.tolist() == [["and Ch", "ina's", "friends"]]


def test_case():
    assert len(kwic(_docs(), "CHINA")) == 2
    assert len(kwic(_docs(), "CHINA", case_sensitive=True)) == 0
    assert len(kwic(_docs(), "China", case_sensitive=True)) == 2
    assert len(kwic(_docs(), "china", regex=True, case_sensitive=True)) == 0


def test_tokenizer_agreement_us_china():
    text = "The U.S. and US officials trust us; China's view, the us-led bloc, Trusteeship."
    out = kwic(text, "us", window=0)
    # "U.S." is the token "u.s", "trust" and "Trusteeship" hold "us" inside a token,
    # "us-led" is one token: only "US" (4) and "us" (27) are the token "us".
    assert out["start"].tolist() == [13, 32]
    assert kwic(text, "China")["match"].tolist() == ["China"]
    assert kwic(text, "u.s")["match"].tolist() == ["U.S"]
    assert kwic(text, "China's")["match"].tolist() == ["China's"]
    # apostrophes match each other: a curly one in the text, a straight one in the pattern
    assert kwic("China’s view", "china's")["match"].tolist() == ["China’s"]


def test_tokenizer_agreement_random_texts():
    """Every token of random punctuation-heavy texts is found exactly where token_spans puts it."""
    rng = random.Random(7)
    alphabet = list("abs") + ["S", "1", "2", "0", "'", "’", "-", ".", ",", " ", "_", "\n"]
    checked = 0
    for _ in range(600):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        spans = token_spans(text)
        for s, e in spans:
            word = text[s:e]
            if word[0] in "'’":
                continue
            norm = word.replace("’", "'")
            expected = [sp for sp in spans if text[sp[0] : sp[1]].replace("’", "'") == norm]
            got = kwic(text, word, window=0, case_sensitive=True)[["start", "end"]].values.tolist()
            assert got == [list(sp) for sp in expected], (text, word)
            checked += 1
        # a run of letters that is not a whole token never matches
        for m in re.finditer(r"[^\W_]+", text):
            if m.span() not in spans:
                assert (
                    m.span()
                    not in kwic(text, m.group(), window=0, case_sensitive=True)[["start", "end"]]
                    .apply(tuple, axis=1)
                    .tolist()
                )
    assert checked > 500


def test_digit_groups_and_hyphens_are_single_tokens():
    text = "1,000 troops; 000 units; a Seoul-Washington deal; Seoul agrees."
    assert kwic(text, "000", window=0)["start"].tolist() == [14]
    assert kwic(text, "seoul", window=0)["start"].tolist() == [50]
    assert kwic(text, "seoul-washington", window=0)["match"].tolist() == ["Seoul-Washington"]


def test_format_characters_and_marks_are_inside_words_as_the_tokenizer_says():
    # "Per\u00adhaps" is one token, term "perhaps": found, the match slicing the soft hyphen with it;
    # "Perhaps\u0301" and "may\u0308" are one longer token each: "perhaps" and "may" are not found inside
    text = "Per\u00adhaps we agree; Perhaps\u0301 not; may\u0308 be; perhaps\u00ad so; Ma\u00ady."
    spans = token_spans(text)
    out = kwic(text, "perhaps", window=1)
    assert out[["start", "end", "left", "match", "right"]].values.tolist() == [
        [0, 8, "", "Per\u00adhaps", "we"],
        [42, 50, "be;", "perhaps\u00ad", "so"],
    ]
    assert all(tuple(se) in spans for se in out[["start", "end"]].values.tolist())
    assert kwic(text, "may", window=0)["match"].tolist() == ["Ma\u00ady"]
    # a soft hyphen in the pattern is dropped like the term drops it; other patterns of a lexicon agree
    assert kwic(text, ["per\u00adhaps", "not"], window=0)["match"].tolist() == ["Per\u00adhaps", "not", "perhaps\u00ad"]
    assert kwic("Per\u00adhaps-not so", "perhaps*", window=0)["match"].tolist() == ["Per\u00adhaps-not"]
    # a format character before a word (a left-to-right mark, not inside a token) does not hide it
    assert kwic("\u200eperhaps \u00adperhaps", "perhaps", window=0)["start"].tolist() == [1, 10]
    # a mark in the pattern matches that mark only (texts with marks are scanned translated, the pattern's marks kept)
    text = "Anto\u0301nio, Anto\u0300nio, Anto\u0302nio, Antonio, Anto\u0301\u00adnio."
    assert kwic(text, "anto\u0301nio", window=0)["match"].tolist() == ["Anto\u0301nio", "Anto\u0301\u00adnio"]
    assert kwic(text, "anto\u0300nio", window=0)["match"].tolist() == ["Anto\u0300nio"]
    assert kwic(text, "antonio", window=0)["match"].tolist() == ["Antonio"]


def test_tokenizer_agreement_random_texts_with_marks_and_format_characters():
    """As above, with soft hyphens, a combining mark and a left-to-right mark in and around the words."""
    rng = random.Random(11)
    alphabet = list("abs") + ["S", "1", "'", "-", ".", ",", " ", "\u00ad", "\u0301", "\u200e"]
    checked = 0

    def term(word: str) -> str:  # the term, case kept (one mark in the alphabet: NFC changes nothing here)
        return word.replace("\u00ad", "").replace("\u200e", "")

    for _ in range(600):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        spans = token_spans(text)
        for s, e in spans:
            word = text[s:e]
            if word[0] == "'":
                continue
            expected = [sp for sp in spans if term(text[sp[0] : sp[1]]) == term(word)]
            got = kwic(text, word, window=0, case_sensitive=True)[["start", "end"]].values.tolist()
            assert got == [list(sp) for sp in expected], (text, word)
            checked += 1
    assert checked > 400


# ------------------------------------------------------------------ kwic: context


def test_window_counts_tokens_and_keeps_punctuation():
    text = "One, two; three (four) FIVE six. Seven\n\neight"
    out = kwic(text, "five", window=2)
    assert out[["left", "right"]].values.tolist() == [["three (four)", "six. Seven"]]
    out = kwic(text, "five", window=10)
    assert out[["left", "right"]].values.tolist() == [["One, two; three (four)", "six. Seven eight"]]


def test_window_zero():
    out = kwic(_docs(), "oppose", window=0)
    assert out["left"].tolist() == ["", ""]
    assert out["right"].tolist() == ["", ""]


def test_left_context_far_back_in_a_long_text():
    words = [f"w{i}" for i in range(2000)]
    text = " ".join(words[:1000]) + " " + "x" * 300 + " target " + " ".join(words[1000:])
    out = kwic(text, "target", window=3)
    assert out["left"].tolist() == ["w998 w999 " + "x" * 300]
    assert out["right"].tolist() == ["w1000 w1001 w1002"]


# ------------------------------------------------------------------ kwic: metadata and segments


def test_metadata_carried(interview):
    out = kwic(interview, "Quad", window=2)
    assert out.columns.tolist()[:6] == list(KWIC_COLUMNS)
    assert out.columns.tolist()[6:] == [c for c in interview.columns if c not in ("doc_id", "text")]
    assert (out["speaker"] == "Xing Haiming").all()
    assert (out["country"] == "CHN").all()
    assert str(out["role"].dtype) == "category"


def test_interview_thaad_hand_count(interview):
    # Counted by reading corpus/korea-times-2021-xing-haiming-interview.txt: "THAAD" stands
    # alone 7 times (caption; "THAAD, hallyu ban"; "(THAAD) U.S. missile shield in South
    # Korea"; "end the THAAD standoff"; "affected by THAAD deployment"; "stance that THAAD
    # directly"; "additional THAAD batteries") and twice in "THAAD-related", one token.
    out = kwic(interview, "THAAD", window=2)
    assert len(out) == 7
    assert out["right"].tolist()[3:] == ["standoff and", "deployment, but", "directly concerns", "batteries should"]
    assert len(kwic(interview, "THAAD*")) == 9
    assert len(kwic(interview, "THAAD", regex=True)) == 9


def test_interview_other_hand_counts(interview):
    # Read by hand: "U.S." / "U.S" 11 times (4 in "U.S.-South", "U.S.'", "U.S.,"); "Xing" 14
    # times; "China" 15 times as a token ("anti-China" and "China-South" are one token each);
    # "us" never (only "U.S." and words containing "us").
    assert len(kwic(interview, "U.S.")) == 11
    assert len(kwic(interview, "Xing")) == 14
    assert len(kwic(interview, "China")) == 15
    assert len(kwic(interview, "us")) == 0


def test_segments_carry_voice_and_segment_id(interview):
    segments = split_voices(interview)
    out = kwic(segments, "THAAD", window=1)
    assert out.columns.tolist() == [
        *KWIC_COLUMNS,
        "segment_id",
        "input_start",
        "input_end",
        "voice",
        "speaker",
    ]
    # by reading: the first is in a photo caption, the fifth in the ambassador's quote
    # ("affected by THAAD deployment"), the others in the journalist's narration
    assert out["voice"].tolist() == [
        "caption",
        "narration",
        "narration",
        "narration",
        "ambassador_quote",
        "narration",
        "narration",
    ]
    text = interview.loc[0, "text"]
    for s0, s, e in out[["input_start", "start", "end"]].itertuples(index=False):
        assert text[s0 + s : s0 + e] == "THAAD"


# ------------------------------------------------------------------ kwic: bad input


@pytest.mark.parametrize(
    "pattern, words",
    [
        ("", "pattern=''"),
        ("   ", "pattern='   '"),
        ("...", "no word"),
        ([], "at least one"),
        (["a", 3], "at least one"),
        (3, "pattern=3 (int)"),
        ({"a"}, "(set)"),
        ("op*se", "'*' is allowed only at the end"),
        ("*", "no word"),
        ("(unclosed", "not a valid regular expression"),
    ],
)
def test_bad_pattern(pattern, words):
    regex = pattern == "(unclosed"
    with pytest.raises(ValueError, match=re.escape(words)):
        kwic("text", pattern, regex=regex)


@pytest.mark.parametrize("window", [-1, 1.5, "8", True, None])
def test_bad_window(window):
    with pytest.raises(ValueError, match=r"window=.* is invalid; must be an integer >= 0"):
        kwic("text", "text", window=window)


def test_bad_docs():
    with pytest.raises(ValueError, match="docs must be"):
        kwic(["a text"], "text")
    with pytest.raises(ValueError, match="lacks the column"):
        kwic(pd.DataFrame({"doc_id": ["a"]}), "text")
    with pytest.raises(ValueError, match="text is missing"):
        kwic(pd.DataFrame({"doc_id": ["a"], "text": [None]}), "text")


# ------------------------------------------------------------------ collocations: by hand
#
# Doc A: we(0) firmly(1) oppose(2) the(3) war(4) and(5) oppose(6) hegemony(7)   8 tokens
# Doc B: hegemony(0) is(1) bad(2) we(3) oppose(4)                               5 tokens
# N = 13; node "oppose": 3 hits (A2, A6, B4).
# window 2: A2 -> {0, 1, 3, 4}; A6 -> {4, 5, 7} (A ends at 7); B4 -> {2, 3}.
# Pooled window positions: A {0, 1, 3, 4, 5, 7} + B {2, 3} = W = 8 ("war" at A4 lies in two
# windows and counts once; B's "hegemony" at B0 is not in A's window: no crossing documents).
# n_together: we 2 (A0, B3); firmly, the, war, and, hegemony (A7), bad: 1 each.
# n_collocate: we 2, hegemony 2, firmly, the, war, and, bad 1 each (oppose 3, is 1).
COLLOC_DOCS = pd.DataFrame(
    {
        "doc_id": ["A", "B"],
        "text": ["We firmly oppose the war, and oppose hegemony.", "Hegemony is bad. We oppose!"],
    }
)
HAND_TOGETHER = {"we": 2, "firmly": 1, "the": 1, "war": 1, "and": 1, "hegemony": 1, "bad": 1}
HAND_FREQ = {"we": 2, "firmly": 1, "the": 1, "war": 1, "and": 1, "hegemony": 2, "bad": 1}
N, N_NODE, W, SPAN = 13, 3, 8, 4


def _by_collocate(frame: pd.DataFrame) -> dict[str, float]:
    return dict(zip(frame["collocate"], frame["score"]))


def test_collocations_columns_and_counts():
    out = collocations(COLLOC_DOCS, "oppose", window=2, min_count=1)
    assert out.columns.tolist() == list(COLLOCATION_COLUMNS)
    assert [str(out[c].dtype) for c in ("n_together", "n_node", "n_collocate", "score")] == [
        "int64",
        "int64",
        "int64",
        "float64",
    ]
    assert dict(zip(out["collocate"], out["n_together"])) == HAND_TOGETHER
    assert dict(zip(out["collocate"], out["n_collocate"])) == HAND_FREQ
    assert (out["n_node"] == N_NODE).all()
    assert (out["node"] == "oppose").all() and (out["measure"] == "log_dice").all()


def test_log_dice_by_hand():
    out = collocations(COLLOC_DOCS, "oppose", window=2, min_count=1, measure="log_dice")
    scores = _by_collocate(out)
    assert scores["we"] == pytest.approx(14 + math.log2(2 * 2 / (3 + 2)))  # 13.678
    assert scores["hegemony"] == pytest.approx(14 + math.log2(2 * 1 / (3 + 2)))  # 12.678
    assert scores["war"] == pytest.approx(13.0)  # 14 + log2(2 / 4)
    # sorted by score descending, ties by collocate
    assert out["collocate"].tolist() == ["we", "and", "bad", "firmly", "the", "war", "hegemony"]


def test_mi_by_hand():
    out = collocations(COLLOC_DOCS, "oppose", window=2, min_count=1, measure="mi")
    scores = _by_collocate(out)
    # E = n_node * n_collocate * span / N = 3 * 2 * 4 / 13 for "we"
    assert scores["we"] == pytest.approx(math.log2(2 / (3 * 2 * 4 / 13)))  # log2(13/12)
    assert scores["firmly"] == pytest.approx(math.log2(13 / 12))
    assert scores["hegemony"] == pytest.approx(math.log2(13 / 24))


def test_g2_by_hand_and_scipy():
    out = collocations(COLLOC_DOCS, "oppose", window=2, min_count=1, measure="g2")
    scores = _by_collocate(out)
    # "we": O11 = 2, O12 = W - 2 = 6, O21 = 2 - 2 = 0, O22 = N - W - O21 = 5; attracted (E11 = 16/13 < 2)
    table = np.array([[2, 6], [0, 5]])
    ref = chi2_contingency(table, lambda_="log-likelihood", correction=False)[0]
    assert scores["we"] == pytest.approx(ref)
    e = np.outer(table.sum(1), table.sum(0)) / table.sum()
    hand = 2 * (2 * math.log(2 / e[0, 0]) + 6 * math.log(6 / e[0, 1]) + 5 * math.log(5 / e[1, 1]))
    assert scores["we"] == pytest.approx(hand)
    # "hegemony": O11 = 1, O12 = 7, O21 = 1, O22 = 4; E11 = 16/13 > 1: repelled, negative
    ref = chi2_contingency(np.array([[1, 7], [1, 4]]), lambda_="log-likelihood", correction=False)[0]
    assert scores["hegemony"] == pytest.approx(-ref)
    assert scores["hegemony"] < 0 < scores["we"]


def test_measure_all_is_long():
    out = collocations(COLLOC_DOCS, "oppose", window=2, min_count=1, measure="all")
    assert out.columns.tolist() == list(COLLOCATION_COLUMNS)
    assert out["measure"].tolist() == ["log_dice"] * 7 + ["mi"] * 7 + ["g2"] * 7
    for m in ("log_dice", "mi", "g2"):
        single = collocations(COLLOC_DOCS, "oppose", window=2, min_count=1, measure=m)
        pd.testing.assert_frame_equal(out[out["measure"] == m].reset_index(drop=True), single)


def test_min_count_and_stop_words():
    out = collocations(COLLOC_DOCS, "oppose", window=2)  # min_count=2
    assert out["collocate"].tolist() == ["we"]
    out = collocations(COLLOC_DOCS, "oppose", window=2, min_count=1, stop_words="english")
    assert sorted(out["collocate"]) == ["bad", "firmly", "hegemony", "war"]  # we, the, and dropped
    # stop words still take their positions: counts and scores unchanged
    assert _by_collocate(out)["war"] == pytest.approx(13.0)
    out = collocations(COLLOC_DOCS, "oppose", window=2, min_count=1, stop_words=["War", "bad"])
    assert "war" not in set(out["collocate"]) and "bad" not in set(out["collocate"])


def test_phrase_node_and_document_edge():
    # "oppose hegemony" occurs once (A6-7); window 1: "and" on the left, nothing on the right (A ends)
    out = collocations(COLLOC_DOCS, "oppose hegemony", window=1, min_count=1)
    assert out[["collocate", "n_together", "n_node", "n_collocate"]].values.tolist() == [["and", 1, 1, 1]]


def test_node_collocates_with_itself_and_agrees_with_kwic():
    text = "oppose oppose war"
    out = collocations(text, "oppose", window=1, min_count=1)
    # positions 0 and 1 are hits; windows {1} and {0, 2}: "oppose" twice, "war" once
    assert dict(zip(out["collocate"], out["n_together"])) == {"oppose": 2, "war": 1}
    assert int(out["n_node"].iloc[0]) == len(kwic(text, "oppose"))


def test_absent_node_gives_empty_frame():
    for measure in ("log_dice", "all"):
        out = collocations(COLLOC_DOCS, "sovereignty", measure=measure)
        assert out.columns.tolist() == list(COLLOCATION_COLUMNS)
        assert len(out) == 0


def test_interview_collocations(interview):
    out = collocations(interview, "THAAD", window=1, min_count=2)
    # by hand from the 7 hits: "(THAAD)" twice -> "defense" before, "u.s" after, twice each
    assert dict(zip(out["collocate"], out["n_together"])) == {"defense": 2, "u.s": 2}
    assert (out["n_node"] == 7).all()


def test_collocations_find_the_node_as_the_tokenizer_cuts_it():
    # the node is found by kwic's machinery: "Per\u00adhaps" is the token "perhaps", "Perhaps\u0301" is not
    text = "Per\u00adhaps we agree. Perhaps\u0301 they agree."
    out = collocations(text, "perhaps", window=1, min_count=1)
    assert out[["collocate", "n_together", "n_node"]].values.tolist() == [["we", 1, 1]]


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"window": 0}, "window=0 is invalid"),
        ({"measure": "t_score"}, "measure='t_score' is invalid"),
        ({"min_count": 0}, "min_count=0 is invalid"),
        ({"stop_words": "french"}, "stop_words='french' is invalid"),
    ],
)
def test_collocations_bad_input(kwargs, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        collocations(COLLOC_DOCS, "oppose", **kwargs)


def test_collocations_bad_node():
    with pytest.raises(ValueError, match="node="):
        collocations(COLLOC_DOCS, re.compile("oppose"))
    with pytest.raises(ValueError, match="node=''"):
        collocations(COLLOC_DOCS, "")


def test_dense_and_sparse_contexts_agree(monkeypatch):
    """kwic tokenizes a text with many hits once, else each hit's neighbourhood: same contexts."""
    import toolkit.concordance as conc

    rng = random.Random(11)
    alphabet = list("abs") + ["S", "1", "0", "'", "’", "-", ".", ",", " ", " ", "_", "\n"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(300)]
    docs = pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": texts})
    patterns = [("a", False), ("s*", False), ("b", False), (r"[a-z]", True), (r"S\.", True), (r"'", True)]
    for pattern, regex in patterns:
        for window in (1, 3):
            monkeypatch.setattr(conc, "_DENSE", 0.0)  # never dense
            sparse = kwic(docs, pattern, regex=regex, window=window)
            monkeypatch.setattr(conc, "_DENSE", float("inf"))  # always dense
            dense = kwic(docs, pattern, regex=regex, window=window)
            pd.testing.assert_frame_equal(sparse, dense)
            assert len(dense) > 0


def test_case_insensitive_offsets_when_lower_changes_length():
    # "İ".lower() is two characters: offsets must still refer to the text as written
    text = "İstanbul and China; CHINA's view"
    assert len(text.lower()) != len(text)
    out = kwic(text, "china", window=1)
    assert out[["start", "end", "match", "left"]].values.tolist() == [
        [13, 18, "China", "and"],
        [20, 25, "CHINA", "China;"],
    ]


def test_lower_cased_scan_equals_ignorecase_scan():
    """The fast path (lower-cased text) finds what re.IGNORECASE finds on the text."""
    from toolkit.concordance import _compile

    rng = random.Random(5)
    alphabet = list("abAB") + ["s", "S", "1", "'", "’", "-", ".", " ", "\n"]
    for pattern in ("ab", "Ba*", "a's", "ab ba", ["a", "b-a", "A.B"]):
        matcher = _compile(pattern, regex=False, case_sensitive=False)
        assert matcher.lower and matcher.fallback.flags & re.IGNORECASE
        for _ in range(300):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
            fast = [m.span() for m in matcher.regex.finditer(text.lower())]
            slow = [m.span() for m in matcher.fallback.finditer(text)]
            assert fast == slow, (pattern, text)


def test_a_word_with_an_accent_finds_it_written_with_a_combining_mark_too_as_count_terms_counts_it():
    # count_terms read "Anto\u0301nio" and "António" as one term (2); kwic found one of them
    docs = pd.DataFrame({"doc_id": ["d1"], "text": ["Guterres (Anto\u0301nio) and Ant\u00f3nio spoke."]})
    assert tk.count_terms(docs).set_index("term").loc["ant\u00f3nio", "n"] == 2
    for pattern in ("Ant\u00f3nio", "Anto\u0301nio", ["ant\u00f3nio"]):
        hits = tk.kwic(docs, pattern)
        assert hits["match"].tolist() == ["Anto\u0301nio", "Ant\u00f3nio"], pattern
        assert hits["start"].tolist() == [10, 24]  # the decomposed one is a code point longer
