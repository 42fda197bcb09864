"""Tests of toolkit.text: sentence boundaries, tokens and offsets, on the interview and UN-style prose."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.paths import PROJECT_ROOT, data_home
from toolkit.schema import as_docs
from toolkit.text import (
    STOP_WORDS,
    TOKENIZER,
    split_sentences,
    token_spans,
    tokenize,
    tokens,
)

SEED_NAME = "korea-times-2021-xing-haiming-interview.txt"


def _seed_path() -> Path:
    """The shared copy of the interview: $TOOLKIT_DATA/seed/ first, then the shared folder beside the clone."""
    places = ([data_home() / "seed" / SEED_NAME] if data_home() else []) + [
        PROJECT_ROOT.parent / "shared" / "corpora" / "seed" / SEED_NAME
    ]
    return next((p for p in places if p.is_file()), places[0])


SEED = _seed_path()
SEED_MISSING = (
    f"the seed interview {SEED_NAME} is neither in $TOOLKIT_DATA/seed/ (TOOLKIT_DATA={data_home()}) "
    "nor in ../shared/corpora/seed/ beside the clone"
)
INTERVIEW_ID = "kt-2021-02-05-xing-haiming"


@pytest.fixture(scope="module")
def interview() -> pd.DataFrame:
    if not SEED.is_file():
        pytest.skip(SEED_MISSING)
    return as_docs(
        [
            {
                "doc_id": INTERVIEW_ID,
                "text": SEED.read_text(encoding="utf-8"),
                "speaker": "Xing Haiming",
                "role": "ambassador",
                "country": "CHN",
                "venue": "KOR",
                "date": "2021-02-05",
                "genre": "interview",
                "source": "https://www.koreatimes.co.kr/www/nation/2023/09/120_303752.html",
                "licence": "quoted",
            }
        ]
    )


def sents(text: str) -> list[str]:
    return split_sentences(text)["text"].tolist()


# ------------------------------------------------------------------ split_sentences: frame


def test_sentence_frame_columns_dtypes_and_offsets(interview):
    out = split_sentences(interview)
    assert list(out.columns) == ["doc_id", "sentence_id", "start", "end", "text"]
    assert [str(t) for t in out.dtypes] == ["string", "int64", "int64", "int64", "string"]
    text = interview.loc[0, "text"]
    assert all(text[s:e] == t for s, e, t in zip(out["start"], out["end"], out["text"]))
    assert out["sentence_id"].tolist() == list(range(len(out)))
    assert (out["doc_id"] == INTERVIEW_ID).all()
    assert (out["start"].diff().dropna() > 0).all()


def test_interview_has_50_sentences(interview):
    # Counted by hand: 40 lines, one sentence each, except two sentences on ten lines:
    # the captions ending "Feb. 5." / "2017 photo." / "2020." + "Korea Times ... |" (2, 21, 37),
    # the quotes "... China. It does ..." (14), "... ," the envoy said. "I believe ..." (16),
    # "... he said. "We have ..." (26), "... unchanged. I hope ..." (28), "... Xing said. "Taking ..." (33),
    # "... threats. The U.S. currently ..." (27) and "... in 1986. He was ..." (38): 40 + 10 = 50.
    out = split_sentences(interview)
    assert len(out) == 50


def test_interview_sentences_hand_checked(interview):
    out = sents(interview.loc[0, "text"])
    # The date abbreviation inside a sentence does not end it.
    assert any(s.startswith('"China deems') and s.endswith('"anti-China" coalitions.') for s in out)
    # The caption line holds two sentences: "... Seoul, Feb. 5." and "Korea Times photo by ... |".
    assert "Korea Times photo by Choi Won-suk |" in out
    # A line ending in "U.S." is a sentence of its own.
    assert (
        "The Jan. 26 call has been interpreted here as China's attempt to stop South Korea from "
        "getting closer to the U.S." in out
    )
    # Sentence ends inside a quotation.
    assert '"Still, I would not agree with an idea of forming a group that targets China.' in out
    assert 'It does not look right," he said.' in out
    # "... the envoy said." then a new quoted sentence.
    assert any(s.endswith('stir up problems," the envoy said.') for s in out)
    assert any(s.startswith('"I believe South Korea has the wisdom') for s in out)
    # A line without a final period (line 7) still ends at the line break.
    assert any(s.endswith("and ambassador since 2020") for s in out)
    # Photo leftovers: "!" followed by "[" is not a sentence end.
    assert out.count("![]() |") == 3
    assert "He was an ambassador to Mongolia before officially beginning his term here, Feb. 7, 2020." in out


def test_plain_string_gives_na_doc_id():
    out = split_sentences("One. Two.")
    assert out["doc_id"].isna().all()
    assert out["text"].tolist() == ["One.", "Two."]


def test_empty_and_whitespace_text_gives_no_rows():
    assert len(split_sentences("")) == 0
    assert len(split_sentences("  \n\n ")) == 0
    assert list(split_sentences("").columns) == ["doc_id", "sentence_id", "start", "end", "text"]


def test_several_documents_number_sentences_within_each():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["First. Second.", "Only one."]})
    out = split_sentences(docs)
    assert out[["doc_id", "sentence_id", "start", "end"]].values.tolist() == [
        ["a", 0, 0, 6],
        ["a", 1, 7, 14],
        ["b", 0, 0, 9],
    ]


# ------------------------------------------------------------------ split_sentences: boundaries


@pytest.mark.parametrize(
    "sentence",
    [
        "The Council welcomed H.E. Mr. Wang Yi, State Councilor and Foreign Minister of China.",
        "Resolution No. 2231 must be implemented in full by all parties.",
        "Amb. Zhang Jun told the Gen. Assembly that the Council should act.",
        "The representative of St. Kitts and Nevis took the floor on Jan. 1 to thank Mrs. Ms. Dr. Prof. delegates.",
        "Exclusive groupings, e.g. the Quad, undermine the U.N. Charter.",
        "Relations between the U.S. and China affect the U.K., the E.U. and the D.P.R.K. alike.",
        "Under Art. 51 and para. 3, i.e. self-defence, action is allowed vs. aggression.",
        "President Joe R. Biden met Sec. Gen. Guterres on Feb. 5 and Mar. 3 in New York.",
        "Rice, wheat, etc. were traded across the border.",
        "The meeting was held on Sept. 14 and Oct. 2 at the U.N. headquarters.",
    ],
)
def test_no_break_at_abbreviations(sentence):
    assert sents(sentence) == [sentence]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "China firmly opposes this. We call on all parties to exercise restraint.",
            ["China firmly opposes this.", "We call on all parties to exercise restraint."],
        ),
        ("Is that fair? It is not! We reject it.", ["Is that fair?", "It is not!", "We reject it."]),
        ('"We oppose it," he said. "Next we will act."', ['"We oppose it," he said.', '"Next we will act."']),
        (
            "Seoul grew closer to the U.S. The next day Beijing replied.",
            ["Seoul grew closer to the U.S.", "The next day Beijing replied."],
        ),
        ("Rice, wheat, etc. The ban covered all of them.", ["Rice, wheat, etc.", "The ban covered all of them."]),
        (
            'Asked if he agreed, he replied "no." Then he left.',
            ['Asked if he agreed, he replied "no."', "Then he left."],
        ),
        ("Sanctions came in 2017. Trade fell.", ["Sanctions came in 2017.", "Trade fell."]),
        ("A heading without a period\nThe text", ["A heading without a period", "The text"]),
        ("Mr.\nSmith", ["Mr.", "Smith"]),
    ],
)
def test_breaks_at_real_sentence_ends_and_lines(text, expected):
    assert sents(text) == expected


# ------------------------------------------------------------------ tokens


def test_tokenize_hand_checked():
    text = (
        "China's 1.4 billion people, the Seoul-Washington alliance and the U.S.' allies "
        "(e.g. Japan) don't agree; 8 percent in 2022 -- 1,000 times."
    )
    assert tokenize(text) == [
        "china",
        "'s",
        "1.4",
        "billion",
        "people",
        "the",
        "seoul-washington",
        "alliance",
        "and",
        "the",
        "u.s",
        "allies",
        "e.g",
        "japan",
        "don't",
        "agree",
        "8",
        "percent",
        "in",
        "2022",
        "1,000",
        "times",
    ]


def test_tokenize_keeps_case_when_asked_and_drops_punctuation():
    assert tokenize("The U.S. -- “anti-China” ― Xing’s view…", lowercase=False) == [
        "The",
        "U.S",
        "anti-China",
        "Xing",
        "’s",
        "view",
    ]
    assert tokenize("!? -- ... ![]() | ―") == []


def test_token_spans_are_the_tokens(interview):
    text = interview.loc[0, "text"]
    spans = token_spans(text)
    assert [text[s:e].lower() for s, e in spans] == tokenize(text)
    assert all(e > s for s, e in spans)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_tokenize_agrees_with_nltk_regexptokenizer(interview):
    text = interview.loc[0, "text"]
    assert tokenize(text, lowercase=False) == TOKENIZER.tokenize(text)
    assert token_spans(text) == list(TOKENIZER.span_tokenize(text))


def test_interview_token_count_against_whitespace_reference(interview):
    # Independent reference: split on whitespace, strip punctuation at both ends, split off "'s".
    # The only difference by design: "U.S.-South" is one reference word, two tokens ("u.s", "south").
    import re
    from collections import Counter

    text = interview.loc[0, "text"]
    ref: list[str] = []
    for word in text.split():
        word = word.strip("\"'“”‘’()[]!|.,;:?―…-").lower()
        if re.search(r"[a-z0-9]", word):
            ref += [word[:-2], "'s"] if word.endswith("'s") else [word]
    got = Counter(tokenize(text))
    assert got - Counter(ref) == Counter({"u.s": 2, "south": 2})
    assert Counter(ref) - got == Counter({"u.s.-south": 2})
    assert len(got.keys()) > 400 and sum(got.values()) == 1202
    assert (got["xing"], got["china"], got["'s"]) == (14, 15, 11)


def test_tokens_frame(interview):
    out = tokens(interview)
    assert list(out.columns) == ["doc_id", "token_id", "start", "end", "token"]
    assert [str(t) for t in out.dtypes] == ["string", "int64", "int64", "int64", "string"]
    text = interview.loc[0, "text"]
    assert out["token"].tolist() == tokenize(text)
    assert all(text[s:e].lower() == t for s, e, t in zip(out["start"], out["end"], out["token"]))
    assert out["token_id"].tolist() == list(range(len(out)))


def test_stop_words_are_sklearns_and_the_clitic():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert isinstance(STOP_WORDS, frozenset)
    assert set(ENGLISH_STOP_WORDS) | {"'s", "’s"} == STOP_WORDS
    assert {"the", "and", "of"} <= STOP_WORDS and "china" not in STOP_WORDS
    # the clitic as the tokenizer cuts it, straight and curly
    assert {t for t in tokenize("China's and Japan’s") if t in STOP_WORDS} == {"and", "'s", "’s"}


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("bad", [None, 3, ["a text"], b"bytes"])
def test_split_sentences_rejects_other_types(bad):
    with pytest.raises(ValueError, match="text_or_docs must be a str or a docs DataFrame"):
        split_sentences(bad)


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="lacks the column\\(s\\) 'text'"):
        split_sentences(pd.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(ValueError, match="lacks the column\\(s\\) 'doc_id'"):
        tokens(pd.DataFrame({"text": ["a"]}))


def test_na_text_names_the_doc_id():
    docs = pd.DataFrame({"doc_id": ["ok", "empty"], "text": pd.array(["Fine.", None], dtype="string")})
    with pytest.raises(ValueError, match="text is missing \\(NA\\) for doc_id 'empty'"):
        split_sentences(docs)
    with pytest.raises(ValueError, match="'empty'"):
        tokens(docs)


@pytest.mark.parametrize("bad", [None, 3, ["a"]])
def test_tokenize_rejects_non_strings(bad):
    with pytest.raises(ValueError, match="text must be a str"):
        tokenize(bad)
    with pytest.raises(ValueError, match="text must be a str"):
        token_spans(bad)


def test_tokens_rejects_non_frames():
    with pytest.raises(ValueError, match="docs must be a pandas DataFrame"):
        tokens("a text")


# ------------------------------------------------------------------ real UN General Debate statements


@pytest.mark.needs_data
def test_ungdc_passages(data_dir):
    folder = data_dir / "ungdc" / "TXT" / "Session 75 - 2020"
    lao = folder / "LAO_75_2020.txt"
    chn = folder / "CHN_75_2020.txt"
    if not (lao.is_file() and chn.is_file()):
        pytest.skip(f"{lao} or {chn} is missing")
    lao_s = sents(lao.read_text(encoding="utf-8"))
    # Read in the file: "Mr." and "H.E." inside sentences, a salutation line of its own.
    assert lao_s[0] == "Mr. President,"
    assert lao_s[1].startswith(
        "At the outset, on behalf of the Delegation of the Lao PDR, I would like to "
        "congratulate you, Mr. Volkan Bozkir, on your election"
    )
    assert (
        "Let me also commend your predecessor, H.E. Tijjani Muhammad-Bande, for his successful presidency "
        "of the 74th Session of the UNGA, amid the advert impact of the COVID-19 pandemic on the ongoing "
        "work of the UN."
    ) in lao_s
    chn_s = sents(chn.read_text(encoding="utf-8"))
    assert chn_s[:4] == [
        "Mr. President,",
        "Colleagues,",
        "This year marks the 75th anniversary of the victory in the World Anti- Fascist War and the founding "
        "of the United Nations (UN).",
        "Yesterday, the high-level meeting to commemorate the 75th anniversary of the UN was held.",
    ]


def test_every_line_boundary_of_splitlines_ends_a_sentence():
    text = "One line\u2028Second line\u2029Third\x0cFourth\x85Fifth\vSixth\r\nSeventh"
    assert split_sentences(text)["text"].tolist() == text.splitlines()


# ------------------------------------------------------------------ issue #10: odd but legal input


def test_lower_keeps_the_length_of_every_character():
    """Only "İ" lower-cases to two code points (Python's tables); _lower keeps one for one, so offsets hold."""
    from toolkit.text import _lower

    longer = [c for c in map(chr, range(0x110000)) if len(c.lower()) != 1]
    assert longer == ["\u0130"]  # if a new Unicode version adds one, _SIMPLE_LOWER must learn it
    assert all(len(_lower(c)) == 1 for c in longer)
    assert (
        _lower("İstanbul, MAY ΣΑΣ")
        == "istanbul, may σασ"
        == "İstanbul, MAY ΣΑΣ".replace("İ", "I").replace("Σ", "σ").lower()
    )


def test_lower_of_a_slice_is_the_slice_of_the_lower_case():
    # str.lower makes "Σ" final "ς" or "σ" by the letters around it, beyond a token: "ΑΣ's" gave the term
    # "ασ" from tokenize (the whole text lower-cased) and "ας" from tokens (each token lower-cased)
    from toolkit.text import _lower

    for text in ["ΑΣ's", "Α^Σ", "ΟΔΥΣΣΕΑΣ.Β", "İΣ İ", "σας ΣΑΣ"]:
        low = _lower(text)
        assert all(low[s:e] == _lower(text[s:e]) for s in range(len(text)) for e in range(s, len(text) + 1))
    frame = pd.DataFrame({"doc_id": ["a"], "text": ["ΑΣ's and Α^Σ"]})
    assert tokenize("ΑΣ's and Α^Σ") == tokens(frame)["token"].tolist() == ["ασ", "'s", "and", "α", "σ"]


@pytest.mark.parametrize("text", ["İstanbul is far.", "İİ İ.", "Straße und ﬁnal.", "e\u0301te\u0301 İ"])
def test_tokenize_agrees_with_token_spans_after_letters_whose_lower_case_is_longer(text):
    # "İstanbul".lower() is "i" + COMBINING DOT ABOVE + "stanbul": tokenize split it into "i", "stanbul"
    import unicodedata

    spans = token_spans(text)
    assert tokenize(text) == [unicodedata.normalize("NFC", text[s:e].replace("İ", "I").lower()) for s, e in spans]
    assert tokens(pd.DataFrame({"doc_id": ["a"], "text": [text]}))["token"].tolist() == tokenize(text)


def test_tokenize_dotted_capital_i():
    assert tokenize("İstanbul") == ["istanbul"]
    assert tokenize("İstanbul", lowercase=False) == ["İstanbul"]


@pytest.mark.parametrize("bad", [3, b"We agree.", 2.5, ["We"]])
def test_a_text_that_is_not_a_str_names_the_document(bad):
    docs = pd.DataFrame({"doc_id": ["ok", "odd"], "text": ["Fine.", bad]})
    for function in (split_sentences, tokens):
        with pytest.raises(ValueError, match="the text of doc_id 'odd' is a .*, not a str"):
            function(docs)


def test_a_long_line_is_split_in_linear_time_without_timeout():
    # NLTK's 5-second limit on a whole-line scan raised TimeoutError (an OSError) for long lines, and
    # re-searching each merged "etc." sentence made such a line quadratic (no clock here: the suite runs on
    # shared machines; a quadratic split of this line would take hours, not seconds).
    text = "We agree, etc. and so on " * 20000 + "etc. The end."
    sentences = split_sentences(text)
    assert sentences["text"].tolist() == [text[:-9], "The end."]


# Words around candidate breaks: abbreviations, initials, numbers, sentence starters, in both cases, so that
# the same context comes back and contexts differ by case alone ("U.S. The" / "U.S. the").
_PUNKT_WORDS = ["U.S.", "u.s.", "Mr.", "etc.", "No.", "Feb.", "J.", "j.", "5.", "1.4.", "end.", "End.", "…"]
_PUNKT_WORDS += ["The", "the", "We", "we", "However,", "however", "(Applause)", '"No."', "?", "!", "...", "\n"]
_PUNKT_WORDS += ["a" * 300 + ".", "B" * 300]  # contexts too long to be remembered: asked every time


def test_remembered_sentence_breaks_are_nltks():
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from toolkit.text import _punkt

    remembering = _punkt()
    plain = PunktSentenceTokenizer(remembering._params, lang_vars=remembering._lang_vars)
    remembering._test.cache_clear()
    texts = st.lists(st.sampled_from(_PUNKT_WORDS), max_size=25).map(" ".join)

    @settings(derandomize=True, max_examples=400, deadline=None)
    @given(st.lists(texts, min_size=1, max_size=4))
    def check(pieces):
        for text in pieces:  # the later pieces meet contexts the earlier ones left in memory
            assert list(remembering.span_tokenize(text)) == list(plain.span_tokenize(text))

    check()
    assert remembering._test.cache_info().hits > 0  # answers were taken from memory


def _nltk_punkt():
    """NLTK's own Punkt with the module's parameters, nothing remembered: the reference."""
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from toolkit.text import _punkt

    return PunktSentenceTokenizer(_punkt()._params, lang_vars=_punkt()._lang_vars)


# Plain ASCII words of every kind Punkt's decision tells apart: abbreviations, initials, numbers, sentence
# starters and other words, each in lower, upper and title case.
_PLAIN_WORDS = sorted(
    {
        w
        for base in ["mr", "no", "etc", "st", "p", "v", "j", "x", "i", "a", "the", "however", "end", "states", "co"]
        + ["in", "we", "it", "asked", "un", "usa", "iii", "2nd", "covid19", "h2o", "5", "1945", "0", "12345"]
        + ["co-operation", "ex-mr", "self-etc", "x-1", "covid-19"]
        for w in (base, base.upper(), base.title())
    }
)
# what may follow the plain word and its period: a word, a word and a mark, or a mark alone
_PLAIN_NEXT = [*_PLAIN_WORDS, "The,", "in;", "Mr:", "1945,", "J,", "etc,", ",", "”", '"', ")", "?", "!", ";", ":", "]"]


def test_plain_contexts_are_decided_as_nltk_decides():
    # a context of two plain words is decided in the compiled pass: every kind of word on either side
    from toolkit.text import _punkt_spans

    reference = _nltk_punkt()
    answers = set()
    for word in _PLAIN_WORDS:
        for nxt in _PLAIN_NEXT:
            for space in ("", " ", "  ", "\n", "\t "):
                text = word + "." + space + nxt
                expected = list(reference.span_tokenize(text))
                assert _punkt_spans(text) == expected, (word, nxt, space)
                answers.add(len(expected))
    assert answers == {1, 2}  # both answers met


@pytest.mark.parametrize(
    "text",
    ["Why?\n\x1c", "Why?\n\x1c Then", "Why? \x1c", "Why!\n \x1f\x1e next", "So.\n\x1c", "Why?\n\x1cA", "No!\u2028\x1d"],
)
def test_a_break_before_a_line_punkt_reads_as_blank_is_nltks(text):
    # Punkt splits a context at "\n" and skips a line str.strip empties ("\x1c" is no \s to the regex module)
    from toolkit.text import _punkt_spans

    assert _punkt_spans(text) == list(_nltk_punkt().span_tokenize(text))


def test_common_contexts_are_answered_without_nltks_tokenizer(monkeypatch):
    # the compiled pass answers these itself (the speed of long texts rests on it); others go to NLTK
    from toolkit._nltk import RememberingPunkt as _RememberingPunkt
    from toolkit.text import _punkt_spans

    asked = []
    monkeypatch.setattr(_RememberingPunkt, "text_contains_sentbreak", lambda self, text: asked.append(text) or True)
    for text in [
        "States. The",
        "Poland. Moreover, it",
        "co-operation. We",
        "Why? We",
        "Now! We",
        'peace." He',
        "Mr. Evatt; and",
    ]:
        _punkt_spans(text)
    assert asked == []
    _punkt_spans("the U.S. The")
    assert asked == ["U.S. The"]


def test_sentence_spans_refuses_a_string_and_a_bad_n_jobs():
    from toolkit.text import sentence_spans

    with pytest.raises(ValueError, match="list of str"):
        sentence_spans("A. B.")
    with pytest.raises(ValueError, match="n_jobs=0"):
        sentence_spans(["A. B."], n_jobs=0)
    assert sentence_spans(["We agree. They do."])[0].tolist() == [[0, 9], [10, 18]]


def test_punkt_parameters_the_compiled_answers_do_not_cover_send_every_context_to_nltk(monkeypatch):
    from toolkit.text import _punkt, _punkt_spans, _punkt_tables

    monkeypatch.setattr(_punkt()._params, "collocations", {("states", "the")})
    _punkt_tables.cache_clear()
    try:
        assert _punkt_tables()[-1] == -1
        assert _punkt_spans("the States. The end") == list(_nltk_punkt().span_tokenize("the States. The end"))
        assert len(_punkt_spans("the States. The end")) == 1  # the collocation holds the break back
    finally:
        monkeypatch.undo()
        _punkt_tables.cache_clear()
    assert _punkt_tables()[-1] == 12


def test_punkt_classes_hold_every_code_point_of_theirs():
    # the compiled pass reads classes below U+3001 only: no code point above is a space or a break for Punkt
    import regex

    from toolkit.text import _punkt, _punkt_tables

    lang = _punkt()._lang_vars
    cls = _punkt_tables()[0]
    above = "".join(map(chr, range(len(cls), 0x110000)))
    assert not regex.findall(r"\s", above)
    assert not any(c.isspace() for c in above)
    assert not regex.findall(lang._re_non_word_chars, above)
    assert set(lang.sent_end_chars) == {chr(c) for c in np.flatnonzero(cls & 1)}
    assert _punkt_tables()[-1] == 12  # every word of the parameters is numbered: plain contexts are decided


_SPAN_WORDS = (
    _PUNKT_WORDS
    + _PLAIN_NEXT
    + ["-", "a-", "-a", "a--b", "?", "!", "Why?", "so!"]
    + ["(Sent.)", "end.)", "”", "“No.”", "«", "»", "--", "..", ". .", "a.b."]
)
_SPAN_WORDS += [
    "\x1c",
    "\x1f",
    "\n\x1e",
    "\u2028",
    "\x85",
    "\x0b",
    "İ.",
    "Σ.",
    "é.",
    "½.",
    "²",
    "-5.",
    ",",
    ";",
    ":",
    "\t",
    "  ",
    "",
]


def test_punkt_spans_are_nltks():
    """_punkt_spans gives the spans of NLTK's span_tokenize for any text (words, spaces, quotes, breaks)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from toolkit.text import _punkt_spans

    reference = _nltk_punkt()
    joins = st.sampled_from([" ", "", "  ", "\n", "\t", " \n "])
    words = st.lists(st.tuples(st.sampled_from(_SPAN_WORDS), joins), max_size=30)

    @settings(derandomize=True, max_examples=1500, deadline=None)
    @given(words, st.sampled_from(["", " ", ".", "\n"]))
    def check(pieces, tail):
        text = "".join(w + j for w, j in pieces) + tail
        assert _punkt_spans(text) == list(reference.span_tokenize(text))

    check()


def _sentences_in_python(text: str, blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences of the blocks as the module found them in Python alone before sentence_cuts: every block's
    Punkt spans corrected, the quotes after . ? ! searched over the whole stretch of the blocks."""
    from toolkit.text import _QUOTE_AFTER_END, _corrected, _punkt_block_spans

    if not blocks:
        return []
    quotes = [m.start() + 1 for m in _QUOTE_AFTER_END.finditer(text, blocks[0][0], blocks[-1][1])]
    return [span for spans in _punkt_block_spans(text, blocks) for span in _corrected(text, spans, quotes)]


# sentences that take each way through sentence_cuts: cut, stripped and joined there, or left to Python (closing
# punctuation after a break, "etc." before a lower-case word, a quote after . ? !, "etc." next to a non-ASCII
# character, which the compiled test reads as no letter: "été.", "etc.»")
_CUT_WORDS = _SPAN_WORDS + ["etc.", "ETC.", "etc.)", "xetc.", "_etc.", "été.", "etc.»", "the", "and", "No.", "'No.'"]
_CUT_WORDS += ["(a", "[b]", '"Yes."', "‘So.’", "“Ha!”", "\u3000", "\xa0", "Mr.", "U.S.", "\u2009."]


@pytest.mark.parametrize(
    "text",
    [
        "Hello world. This is it.",
        'He said "no." Then left. (Yes.) Fine etc. and so on.',
        "Fruit etc. and more. Then etc. The end.",
        "It ended.) Then. ” Closing.",
        "A.B. c. The U.S. is here.\n\nNew para etc. The end.",
        "Word.\u3000 Next one. \xa0",
        "café etc. and so. Here é. next",
        'He met the U.S." A',
        "",
        "  \n \u2028 ",
    ],
)
def test_sentence_cuts_are_the_python_corrections(text):
    from toolkit._paragraphs import PARAGRAPH
    from toolkit.text import _block_sentence_spans, _blocks

    for blocks in (_blocks(text), [m.span() for m in PARAGRAPH.finditer(text)]):
        assert _block_sentence_spans(text, blocks).tolist() == [list(s) for s in _sentences_in_python(text, blocks)]


def test_sentence_cuts_are_the_python_corrections_on_drawn_texts():
    """The compiled cuts (and the blocks they leave to Python) give the sentences the Python corrections gave, on
    texts of words that take every way through them, split by lines or by paragraphs."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from toolkit._paragraphs import PARAGRAPH
    from toolkit.text import _LINE, _block_sentence_spans

    joins = st.sampled_from([" ", "", "  ", "\n", "\t", " \n ", "\n\n", "\u3000"])
    words = st.lists(st.tuples(st.sampled_from(_CUT_WORDS), joins), max_size=40)

    @settings(derandomize=True, max_examples=1500, deadline=None)
    @given(words, st.sampled_from(["", " ", ".", "\n"]), st.booleans())
    def check(pieces, tail, paragraphs):
        text = "".join(w + j for w, j in pieces) + tail
        blocks = [m.span() for m in (PARAGRAPH if paragraphs else _LINE).finditer(text)]
        expected = _sentences_in_python(text, blocks)
        assert _block_sentence_spans(text, blocks).tolist() == [list(s) for s in expected], text

    check()


def test_sentence_cuts_character_sets_are_the_patterns():
    """The code points sentence_cuts compares with are those of the patterns it stands in for, below U+3001, and
    the one abbreviation its "etc." test knows is the only one the Python corrections have."""
    from toolkit import _kernels as K
    from toolkit._nltk import REALIGN as _REALIGN
    from toolkit.text import _LOWERCASE_CONTINUES, _QUOTE_AFTER_END

    chars = [chr(c) for c in range(0x3001)]
    assert sorted(_LOWERCASE_CONTINUES) == ["etc"]  # another one needs K._may_end_etc to know it too
    assert {ord(c) for c in chars if _REALIGN.match(c + " ")} == set(K._CLOSING_POINTS)
    assert {ord(c) for c in chars if _QUOTE_AFTER_END.fullmatch("." + c)} == set(K._QUOTE_POINTS)
    assert {ord(c) for c in chars if _QUOTE_AFTER_END.fullmatch(c + '"')} == set(K._END_POINTS)


@pytest.mark.needs_data
def test_punkt_spans_are_nltks_on_ungdc_speeches(data_dir):
    from toolkit.text import _blocks, _punkt_spans

    folder = data_dir / "ungdc" / "TXT" / "Session 75 - 2020"
    paths = sorted(folder.glob("*.txt"))[:120]
    if not paths:
        pytest.skip(f"no UNGDC speeches in {folder}")
    reference = _nltk_punkt()
    candidates = 0
    for path in paths:
        text = path.read_text(encoding="utf-8-sig")
        for start, end in _blocks(text):
            block = text[start:end]
            assert _punkt_spans(block) == list(reference.span_tokenize(block)), (path.name, start)
            candidates += block.count(".")
    assert candidates > 8_000  # periods checked (120 speeches of 2020: 10,000 or so)


def test_punkt_runs_without_nltk_time_limit():
    from toolkit.text import _punkt

    lang_vars = _punkt()._lang_vars
    for pattern in (lang_vars.period_context_re(), lang_vars._word_tokenizer_re()):
        assert getattr(pattern, "_timeout", None) is None


# A small property test: offsets slice the text, and tokens agree with their spans, whatever the characters.
_ODD = list("\"“”'’-‐.,;!?\n\r\u2028\x85 \t_") + [
    "İ",
    "ß",
    "ﬁ",
    "\u0301",
    "\u0307",
    "Σ",
    "etc.",
    "U.S.",
    "Mr.",
    "We",
    "may",
    "1,000",
    "don't",
    "'s",
    "a" * 30,
]


def _odd_texts():
    from hypothesis import strategies as st

    return st.one_of(st.lists(st.sampled_from(_ODD), max_size=30).map("".join), st.text(max_size=40))


def test_offsets_slice_the_text_whatever_the_characters():
    from hypothesis import given, settings

    @settings(derandomize=True, max_examples=300, deadline=None)
    @given(_odd_texts())
    def check(text):
        spans = token_spans(text)
        assert [text[s:e] for s, e in spans] == tokenize(text, lowercase=False)
        assert len(tokenize(text)) == len(spans)
        previous = 0
        for row in split_sentences(text).itertuples():
            assert text[row.start : row.end] == row.text and row.text == row.text.strip() and row.text
            assert row.start >= previous
            previous = row.end

    check()


# ------------------------------------------------------------------ issue #11: one tokenizer, words not cut


def _counted(texts: list[str], **options) -> dict[str, int]:
    """Terms and their counts in the document-term matrix of toolkit.counts (which tokenizes with _TOKEN_RE)."""
    from toolkit.counts import document_term_matrix

    dtm = document_term_matrix(texts, **options)
    return {t: int(n) for t, n in zip(dtm.terms.tolist(), dtm.matrix.sum(axis=0).A1) if n}


@pytest.mark.parametrize(
    "text, terms, written",
    [
        # a combining mark cut the word: "nai", "ve" (4 UNGDC speeches hold 108 such marks)
        ("nai\u0308ve", ["naïve"], ["nai\u0308ve"]),
        (
            "Excellency Anto\u0301nio Guterres",
            ["excellency", "antónio", "guterres"],
            ["Excellency", "Anto\u0301nio", "Guterres"],
        ),
        ("Béji Cai\u0308d Essebsi", ["béji", "caïd", "essebsi"], ["Béji", "Cai\u0308d", "Essebsi"]),
        # a soft hyphen (a hyphenation point, invisible) hid "perhaps"
        ("Per\u00adhaps we agree.", ["perhaps", "we", "agree"], ["Per\u00adhaps", "we", "agree"]),
        ("RodrÃ\u00adguez's view", ["rodrãguez", "'s", "view"], ["RodrÃ\u00adguez", "'s", "view"]),
        ("İzmir and İstanbul", ["izmir", "and", "istanbul"], ["İzmir", "and", "İstanbul"]),
        ("3¼ per cent, 10 km²", ["3¼", "per", "cent", "10", "km²"], ["3¼", "per", "cent", "10", "km²"]),
        # a mark that follows no letter is not part of a word ("Finland ́s" in a 2016 speech)
        ("Finland \u0301s support", ["finland", "s", "support"], ["Finland", "s", "support"]),
        # a zero-width space separates words; a zero-width joiner does not
        (
            "peace\u200bkeeping peace\u200dkeeping",
            ["peace", "keeping", "peacekeeping"],
            ["peace", "keeping", "peace\u200dkeeping"],
        ),
    ],
)
def test_marks_and_format_characters_stay_inside_words(text, terms, written):
    spans = token_spans(text)
    assert tokenize(text, lowercase=False) == written == [text[s:e] for s, e in spans]
    assert TOKENIZER.tokenize(text) == written and list(TOKENIZER.span_tokenize(text)) == spans
    assert tokenize(text) == terms
    frame = pd.DataFrame({"doc_id": ["a"], "text": [text]})
    assert tokens(frame)["token"].tolist() == terms
    assert tokens(frame, lowercase=False)["token"].tolist() == written
    from collections import Counter

    assert _counted([text]) == dict(Counter(terms))


def test_a_letter_and_its_accent_are_one_term_however_encoded():
    # "António" precomposed (U+00F3) and decomposed (o + U+0301) are one term (NFC)
    assert _counted(["António and Anto\u0301nio", "naïve nai\u0308ve, Per\u00adhaps perhaps"]) == {
        "and": 1,
        "antónio": 2,
        "naïve": 2,
        "perhaps": 2,
    }
    assert _counted(["Anto\u0301nio ANTÓNIO"], lowercase=False) == {"António": 1, "ANTÓNIO": 1}


def test_nltk_tokenizer_is_the_same_tokenizer():
    # NLTK >= 3.9 compiled the pattern with the regex module, whose \w takes in marks and leaves out "¼"
    for text in ["a\u0301", "\u0301", "¼", "x ¼ \u0301 y\u0301z ²", "Per\u00adhaps", "İzmir's"]:
        assert TOKENIZER.tokenize(text) == tokenize(text, lowercase=False)
        assert list(TOKENIZER.span_tokenize(text)) == token_spans(text)


def test_every_mark_and_format_character_is_read_from_the_unicode_tables():
    import sys
    import unicodedata

    from toolkit._tokens import EXTEND_CODE_POINTS as _EXTEND_CODE_POINTS

    expected = [
        c
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c))[0] == "M" or (unicodedata.category(chr(c)) == "Cf" and c != 0x200B)
    ]
    assert expected == _EXTEND_CODE_POINTS  # the scan of planes 0-2 and 14 misses none
    assert {0x0301, 0x0308, 0x00AD, 0x200D, 0x05B0} <= set(expected) and 0x200B not in expected


def test_lower_case_keeps_every_character_class_of_the_tokenizer():
    # tokenize runs the pattern over the lower-cased text and token_spans over the text: the same tokens
    # only if lower-casing never moves a character into or out of a class the pattern tests
    import re
    import sys

    from toolkit._tokens import EXTEND_CLASS as _EXTEND_CLASS
    from toolkit._tokens import lower_keeping_offsets as _lower

    chars = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    low = _lower(chars)
    assert len(low) == len(chars)
    for pattern in (r"[^\W_]", _EXTEND_CLASS, r"\d", "[sS]", r"\s", r"[-‐.'’,]"):
        rx = re.compile(pattern)
        assert [m.start() for m in rx.finditer(chars)] == [m.start() for m in rx.finditer(low)], pattern


_ODD_11 = _ODD + ["\u00ad", "\u0308", "\u200b", "\u200d", "¼", "ΑΣ", "Σ's", "Anto\u0301nio", "Per\u00adhaps"]


def test_every_entry_point_gives_the_same_tokens_whatever_the_characters():
    import unicodedata
    from collections import Counter

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from toolkit.text import _TOKEN_RE, _lower

    def term(written: str) -> str:  # the definition, written out: lower case, no format character, NFC
        return unicodedata.normalize("NFC", "".join(c for c in _lower(written) if unicodedata.category(c) != "Cf"))

    @settings(derandomize=True, max_examples=300, deadline=None)
    @given(st.one_of(st.lists(st.sampled_from(_ODD_11), max_size=30).map("".join), st.text(max_size=40)))
    def check(text):
        spans = token_spans(text)
        written = [text[s:e] for s, e in spans]
        assert tokenize(text, lowercase=False) == written
        assert TOKENIZER.tokenize(text) == written and list(TOKENIZER.span_tokenize(text)) == spans
        terms = tokenize(text)
        assert terms == [term(w) for w in written]
        assert _TOKEN_RE.findall(_lower(text)) == terms  # what toolkit.counts runs over each chunk
        frame = tokens(pd.DataFrame({"doc_id": ["a"], "text": [text]}))
        assert frame["token"].tolist() == terms
        assert list(zip(frame["start"], frame["end"])) == spans
        if terms:
            assert _counted([text]) == dict(Counter(terms))

    check()


@pytest.mark.needs_data
def test_ungdc_words_with_combining_marks_are_one_token(data_dir):
    folder = data_dir / "ungdc" / "TXT"
    cases = [
        ("Session 79 - 2024/NAM_79_2024.txt", "Anto\u0301nio", "antónio"),
        ("Session 73 - 2018/TUN_73_2018.txt", "Cai\u0308d", "caïd"),
    ]
    for name, written, term in cases:
        path = folder / name
        if not path.is_file():
            pytest.skip(f"{path} is missing")
        text = path.read_text(encoding="utf-8-sig")
        start = text.index(written)
        assert (start, start + len(written)) in token_spans(text)
        assert term in tokenize(text)


def test_the_seed_interview_is_looked_for_in_toolkit_data_first(monkeypatch, tmp_path):
    # 15 tests skipped on a machine whose corpora are in $TOOLKIT_DATA but not beside the clone
    (tmp_path / "seed").mkdir()
    (tmp_path / "seed" / SEED_NAME).write_text("x", encoding="utf-8")
    monkeypatch.setenv("TOOLKIT_DATA", str(tmp_path))
    assert _seed_path() == tmp_path / "seed" / SEED_NAME
    # not there: the folder beside the clone if it holds the file, else the $TOOLKIT_DATA path (named in the skip)
    monkeypatch.setenv("TOOLKIT_DATA", str(tmp_path / "elsewhere"))
    beside = PROJECT_ROOT.parent / "shared" / "corpora" / "seed" / SEED_NAME
    assert _seed_path() == (beside if beside.is_file() else tmp_path / "elsewhere" / "seed" / SEED_NAME)


def test_seed_constant_follows_toolkit_data():
    if data_home() is None or not (data_home() / "seed" / SEED_NAME).is_file():
        pytest.skip(SEED_MISSING)
    assert data_home() / "seed" / SEED_NAME == SEED


# A hard-wrapped speech, as the UNGDC speeches of 1992-2014 are (lines of about 50 characters broken inside
# sentences; UNGDC_CHN_68_2013 reads "the Chinese \nleader Deng Xiaoping solemnly declared on behalf of \n...").
WRAPPED = """Mr. President, it was from this rostrum that the Chinese
leader Deng Xiaoping solemnly declared on behalf of
the Chinese Government that China would never seek
hegemony in the world. Today, his statement remains
the policy of the Chinese Government. We will
continue to work with all countries for
peace and development in the world, and for the
United Nations to play its role.

In the new century, the world faces new
challenges and new opportunities for all of us.
We must seize them together and build
a better future for our children."""


def test_a_hard_wrapped_text_is_split_into_sentences_not_lines():
    s = split_sentences(WRAPPED)
    assert [" ".join(t.split()) for t in s["text"]] == [
        "Mr. President, it was from this rostrum that the Chinese leader Deng Xiaoping solemnly declared on behalf "
        "of the Chinese Government that China would never seek hegemony in the world.",
        "Today, his statement remains the policy of the Chinese Government.",
        "We will continue to work with all countries for peace and development in the world, and for the United "
        "Nations to play its role.",
        "In the new century, the world faces new challenges and new opportunities for all of us.",
        "We must seize them together and build a better future for our children.",
    ]
    assert all(WRAPPED[a:b] == t for a, b, t in zip(s["start"], s["end"], s["text"]))


def _hard_wrapped_by_pattern(text: str) -> bool:
    """hard_wrapped as it was written first: each line's end read by a regular expression."""
    import re

    from toolkit._paragraphs import HARD_WRAP_MAX_LINE, HARD_WRAP_MIN_LINES, HARD_WRAP_MIN_OPEN

    if text.count("\n") < HARD_WRAP_MIN_LINES:
        return False
    lines = [line for line in text.split("\n") if re.search(r"\w", line)]
    if len(lines) < HARD_WRAP_MIN_LINES:
        return False
    lengths = sorted(len(line.rstrip()) for line in lines)
    if lengths[(9 * len(lengths)) // 10 - 1] > HARD_WRAP_MAX_LINE:
        return False
    open_lines = sum(not re.search(r"[.!?:;][\"”’')\]]*\s*$", line) for line in lines)
    return open_lines >= HARD_WRAP_MIN_OPEN * len(lines)


def test_hard_wrapped_reads_line_ends_as_the_pattern_did():
    """hard_wrapped, reading each line's end with str.rstrip, decides as the regular expression did: on texts
    whose last line's end (closing marks, quotes, brackets, whitespace of every kind, none) decides the vote
    (five open lines and five closed before it), and on texts of drawn lines."""
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from toolkit._paragraphs import hard_wrapped

    # str.rstrip() strips what re's \s matches (the pattern's whitespace), over all of Unicode
    chars = [chr(c) for c in range(0x110000)]
    assert [c for c in chars if c.isspace()] == [c for c in chars if re.fullmatch(r"\s", c)]
    ends = st.text(alphabet=".!?:;,\"”’')]}“‘ \t\r\x0b\x0c\x85\u2028\u3000—a", max_size=5)
    closed_line = r"[.!?:;][\"”’')\]]*\s*$"  # the pattern hard_wrapped was written with

    @settings(derandomize=True, max_examples=600, deadline=None)
    @given(ends)
    def deciding(end):
        text = "\n".join(["word"] * 5 + ["word."] * 5 + ["word" + end])
        assert hard_wrapped(text) == _hard_wrapped_by_pattern(text) == (re.search(closed_line, end) is None)

    deciding()
    lines = st.tuples(st.sampled_from(["", "word", "a longer line of words " * 6, "—", "  Mr. President"]), ends)

    @settings(derandomize=True, max_examples=300, deadline=None)
    @given(st.lists(lines, min_size=8, max_size=30), st.sampled_from(["\n", "\n\n", "\r\n"]))
    def drawn(pieces, join):
        text = join.join(word + end for word, end in pieces)
        assert hard_wrapped(text) == _hard_wrapped_by_pattern(text), text

    drawn()
    assert hard_wrapped(WRAPPED) and _hard_wrapped_by_pattern(WRAPPED)
    tie = "\n".join(["word"] * 6 + ["word."] * 6)  # half the lines open: wrapped (HARD_WRAP_MIN_OPEN is "at least")
    assert hard_wrapped(tie) and _hard_wrapped_by_pattern(tie)


def test_lines_written_a_paragraph_each_are_not_joined():
    # short texts, headings and paragraph-per-line speeches keep a sentence per line
    paragraphs = "\n".join(
        [
            "Mr. President,",
            "We thank you for your leadership of this session and wish you "
            "every success in the work ahead of us all, in the year to come and after it.",
        ]
        * 6
    )
    s = split_sentences(paragraphs)
    assert s["text"].tolist()[:2] == [
        "Mr. President,",
        "We thank you for your leadership of this session and wish "
        "you every success in the work ahead of us all, in the year to come and after it.",
    ]


def test_the_end_of_a_span_is_read_for_etc_as_the_regex_reads_the_whole_span():
    """``_ends_lowercase_continues`` reads only the end of a span; ``_ENDS_LOWERCASE_CONTINUES``, the regex it
    stands for, is the reference (a search of the whole span): every string of up to four pieces below, with
    its span cut at either end, and random strings (hypothesis)."""
    from itertools import product

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from toolkit.text import _ENDS_LOWERCASE_CONTINUES, _ends_lowercase_continues

    def agrees(line: str, start: int, end: int) -> bool:
        want = _ENDS_LOWERCASE_CONTINUES.search(line[start:end]) is not None
        return _ends_lowercase_continues(line, start, end) == want

    pieces = ["etc", "ETC", "eTc", "x", "_", "1", ".", ")", " ", '"', "\u00e9", "\u0130", "\n"]
    for n in range(1, 5):
        for parts in product(pieces, repeat=n):
            line = "".join(parts)
            for start, end in ((0, len(line)), (1, len(line)), (0, len(line) - 1), (len(parts[0]), len(line))):
                assert agrees(line, start, max(start, end)), (line, start, end)

    @settings(max_examples=500, deadline=None)
    @given(st.text(alphabet="etcETCx_1. )\"'\u00e9\u212a\u0130\n", max_size=16), st.data())
    def check(line, data):
        start = data.draw(st.integers(0, len(line)))
        assert agrees(line, start, data.draw(st.integers(start, len(line))))

    check()
    assert _ends_lowercase_continues("and so on, etc.", 0, 15)  # the rule is live


def test_the_stop_words_are_scikit_learns_list_and_the_clitics():
    # toolkit/data/stop_words_english.txt was written from scikit-learn's list, so that `import toolkit` need not
    # import scikit-learn; a scikit-learn that changes its list fails here, and the file is written again
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert frozenset(ENGLISH_STOP_WORDS) | {"'s", "’s"} == STOP_WORDS
    assert len(STOP_WORDS) == 320


def test_sentences_on_workers_in_a_fresh_process_import_nltk_before_they_fork():
    import subprocess
    import sys

    code = (
        "import sys, toolkit, toolkit.text as T\n"
        "from toolkit.text import sentence_spans\n"
        "assert 'nltk' not in sys.modules\n"
        "forked = T.map_batches\n"
        "def spy(*args, **kwargs):\n"
        "    assert 'nltk' in sys.modules, 'each worker would import NLTK'\n"
        "    return forked(*args, **kwargs)\n"
        "T.map_batches = spy\n"
        "texts = ['Mr. Smith went to Washington. He said no.\\nA new line. U.S. ties grew.'] * 3 + ['One. Two.']\n"
        "two = sentence_spans(texts, n_jobs=2)\n"
        "one = sentence_spans(texts)\n"
        "print(all((a == b).all() for a, b in zip(one, two)), 'nltk' in sys.modules, toolkit.text.TOKENIZER)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "toolkit.text.TOKENIZER"]
