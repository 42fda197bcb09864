"""Tests of toolkit.hedging: the lexicon, every named context rule, voices, user lexicons, bad input."""

from __future__ import annotations

import re
import tempfile
import warnings

import pandas as pd
import pytest

import toolkit.hedging
from toolkit import CorpusFormatError
from toolkit.concordance import kwic
from toolkit.corpus import load_interview
from toolkit.hedging import (
    CATEGORIES,
    LEXICON_PATH,
    MATCH_COLUMNS,
    RULES,
    english_share,
    find_stance,
    load_lexicon,
    naive_regex,
    stance_rates,
)
from toolkit.paths import PROJECT_ROOT


@pytest.fixture(autouse=True)
def _rules_method(monkeypatch):
    """These tests state what the named rules do: they run with method="rules" (the learned model's own
    tests pass method="learned")."""
    monkeypatch.setattr(toolkit.hedging, "DEFAULT_METHOD", "rules")


def hits(text: str, category: str | None = None) -> list[tuple[str, str]]:
    """(match, category) pairs of find_stance on ``text``, optionally of one category."""
    m = find_stance(text)
    if category is not None:
        m = m[m["category"] == category]
    return list(zip(m["match"], m["category"]))


def cat_of(text: str, word: str) -> list[str]:
    """The categories given to each match of ``word`` (case-insensitive) in ``text``."""
    m = find_stance(text)
    return m.loc[m["match"].str.lower() == word.lower(), "category"].tolist()


# ---------------------------------------------------------------- the lexicon


def test_lexicon_columns_categories_and_rules():
    lex = load_lexicon()
    assert list(lex.columns) == ["pattern", "category", "rule", "kind", "note"]
    assert set(lex["category"]) == set(CATEGORIES)
    assert set(lex["rule"]) - {""} <= set(RULES)
    assert set(lex["rule"]) - {""} == set(RULES)  # every rule is used by some entry
    assert not lex.duplicated(["pattern", "category"]).any()
    assert (lex["pattern"] == lex["pattern"].str.lower()).all()
    assert set(lex.loc[lex["category"] == "hedge", "kind"]) == {"epistemic", "approximator"}
    assert set(lex.loc[lex["category"] != "hedge", "kind"]) == {""}
    diplomatic = lex[lex["note"].str.startswith("diplomatic register")]
    for phrase in ["firmly oppose", "resolutely", "categorically", "it is up to", "deep concern", "we call on"]:
        assert phrase in set(diplomatic["pattern"]), phrase
    for word, category in [
        ("perhaps", "hedge"),
        ("certainly", "booster"),
        ("no doubt", "booster"),
        ("unfortunately", "attitude_marker"),
        ("we", "self_mention"),
        ("you", "engagement_marker"),
    ]:
        assert category in set(lex.loc[lex["pattern"] == word, "category"]), word


def test_load_lexicon_extra_replaces_and_appends(tmp_path):
    extra = pd.DataFrame({"pattern": ["Perhaps", "we regret"], "category": ["booster", "attitude_marker"]})
    lex = load_lexicon(extra=extra)
    assert set(lex.loc[lex["pattern"] == "perhaps", "category"]) == {"hedge", "booster"}
    assert "we regret" in set(lex["pattern"])
    path = tmp_path / "mine.csv"
    path.write_text("# my lexicon\npattern,category\nmaybe,hedge\nsurely,booster\n", encoding="utf-8")
    mine = load_lexicon(path)
    assert mine[["pattern", "category", "rule", "kind"]].values.tolist() == [
        ["maybe", "hedge", "", "epistemic"],
        ["surely", "booster", "", ""],
    ]


@pytest.mark.parametrize(
    "frame, message",
    [
        (pd.DataFrame({"pattern": ["maybe"], "category": ["hedges"]}), "category='hedges' is invalid"),
        (pd.DataFrame({"pattern": ["maybe"], "category": ["hedge"], "rule": ["nope"]}), "rule='nope' is invalid"),
        (pd.DataFrame({"pattern": ["..."], "category": ["hedge"]}), "has no word"),
        (pd.DataFrame({"pattern": ["ma*be"], "category": ["hedge"]}), "only at the end of a word"),
        (
            pd.DataFrame({"pattern": ["maybe", "per\x00haps"], "category": ["hedge", "hedge"]}, index=[10, 11]),
            "pattern 'per\\x00haps' has a control character ('\\x00') on row(s) with index 11",
        ),
        (pd.DataFrame({"word": ["maybe"]}), "lacks the column"),
        (pd.DataFrame({"pattern": [], "category": []}), "no entries"),
    ],
)
def test_bad_lexicon_raises(frame, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        find_stance("Maybe.", lexicon=frame)


def test_user_lexicon_is_used_instead_of_the_shipped_one():
    lex = pd.DataFrame({"pattern": ["as it were", "arguabl*"], "category": ["hedge", "hedge"]})
    m = find_stance("It is, as it were, arguably the best. Perhaps.", lexicon=lex)
    assert m["match"].tolist() == ["as it were", "arguably"]
    assert m["pattern"].tolist() == ["as it were", "arguabl*"]
    assert m["rule"].tolist() == ["lexicon", "lexicon"]


# ---------------------------------------------------------------- find_stance output


def test_columns_dtypes_and_offsets():
    text = "Perhaps we firmly oppose it; I am not sure. Clearly, you know it is up to them."
    m = find_stance(text)
    assert tuple(m.columns) == MATCH_COLUMNS
    assert [str(t) for t in m.dtypes] == [
        "string",
        "int64",
        "int64",
        "string",
        "string",
        "string",
        "string",
        "string",
        "string",
        "string",
    ]
    assert all(text[s:e] == w for s, e, w in zip(m["start"], m["end"], m["match"]))
    assert list(zip(m["match"], m["category"])) == [
        ("Perhaps", "hedge"),
        ("we", "self_mention"),
        ("firmly oppose", "booster"),
        ("I", "self_mention"),
        ("sure", "hedge"),
        ("Clearly", "booster"),
        ("you", "engagement_marker"),
        ("know", "booster"),
        ("it is up to", "hedge"),
    ]


def test_longest_entry_wins_and_word_boundaries_follow_the_tokenizer():
    assert hits("There is no doubt.") == [("There is no doubt", "booster")]
    assert hits("We firmly believe it.") == [("We", "self_mention"), ("firmly believe", "booster")]
    # inside a hyphenated or longer token nothing matches
    assert hits("The would-be leader; perhapsy; maybes.") == []
    # curly apostrophes and any whitespace inside a phrase
    assert hits("It’s up\nto them.") == [("It’s up\nto", "hedge")]


def test_format_characters_and_marks_are_inside_words_as_the_tokenizer_says():
    # a soft hyphen inside a word: one token, term "perhaps"; the offsets slice it, soft hyphen included
    m = find_stance("Per\u00adhaps we try.")
    assert list(zip(m["start"], m["end"], m["match"], m["pattern"])) == [
        (0, 8, "Per\u00adhaps", "perhaps"),
        (9, 11, "we", "we"),
    ]
    # a combining mark after the letters continues the token: no match inside "Perhaps\u0301" or "may\u0308"
    assert hits("Perhaps\u0301 we try.") == [("we", "self_mention")]
    assert hits("We may\u0308 try.") == [("We", "self_mention")]
    # a rule reads the term: "U\u00adS" is "US", the country
    assert hits("Tell U\u00adS and tell us.", "self_mention") == [("us", "self_mention")]
    # a left-to-right mark before a word is not inside a token
    assert hits("\u200ePerhaps we try.") == [("Perhaps", "hedge"), ("we", "self_mention")]


def test_plain_matches_agree_with_kwic_on_every_pattern():
    # the trie regex finds what kwic finds with the same patterns (kwic is the audit tool)
    docs = load_interview()
    lex = load_lexicon()
    plain = find_stance(docs, rules=False)
    audit = kwic(docs, lex["pattern"].tolist())
    assert sorted(set(zip(plain["start"], plain["end"]))) == sorted(zip(audit["start"], audit["end"]))


def test_kwic_on_a_category_shows_each_hit():
    docs = load_interview()
    hedges = find_stance(docs, categories=["hedge"])
    patterns = load_lexicon().query("category == 'hedge'")["pattern"].tolist()
    audit = set(zip(kwic(docs, patterns)["start"], kwic(docs, patterns)["end"]))
    assert set(zip(hedges["start"], hedges["end"])) <= audit


# ---------------------------------------------------------------- the context rules, one by one


def test_rule_approximator_quantity():
    assert cat_of("Minorities make up about 8 percent.", "about") == ["hedge"]
    assert cat_of("Some 300 people came, around a dozen stayed, about half left.", "some") == ["hedge"]
    assert cat_of("around a dozen stayed", "around") == ["hedge"]
    assert cat_of("about half left", "about") == ["hedge"]
    assert cat_of("It costs about $5.", "about") == ["hedge"]
    assert cat_of("We talked about the talks.", "about") == []
    assert cat_of("Some countries objected.", "some") == []
    assert cat_of("They walked around the city.", "around") == []


def test_rule_may_modal():
    assert cat_of("The talks may fail.", "may") == ["hedge"]
    assert cat_of("May we hope for peace?", "may") == ["hedge"]
    assert cat_of("The talks ended in May.", "may") == []
    assert cat_of("They met on 5 May 2021.", "may") == []
    assert cat_of("May 2021 was busy.", "may") == []
    assert cat_of("Prime Minister Theresa May spoke.", "may") == []


def test_rule_would_not_reported():
    assert cat_of("That would be a mistake.", "would") == ["hedge"]
    assert cat_of("I would call it cultural DNA.", "would") == ["hedge"]
    assert cat_of("I would call on all parties to talk.", "would") == ["formula"]
    assert cat_of("He said the talks would resume.", "would") == []
    assert cat_of("Beijing announced that it would send envoys.", "would") == []
    # a new clause ends the reported speech
    assert cat_of("He said so. It would help.", "would") == ["hedge"]


def test_rule_negation():
    assert cat_of("We are sure.", "sure") == ["booster"]
    assert cat_of("We are not sure.", "sure") == ["hedge"]
    assert cat_of("I am not entirely certain.", "certain") == ["hedge"]
    assert cat_of("I don't really know.", "know") == ["hedge"]
    assert cat_of("We know it.", "know") == ["booster"]
    assert cat_of("There is no doubt about it.", "there is no doubt") == ["booster"]
    assert cat_of("No doubt it will pass.", "no doubt") == ["booster"]
    assert cat_of("I doubt it.", "doubt") == ["hedge"]
    assert cat_of("We do not doubt it.", "doubt") == ["booster"]
    m = find_stance("I'm not sure.")
    assert m.loc[m["match"] == "sure", ["category", "kind", "rule"]].values.tolist() == [
        ["hedge", "epistemic", "negation"]
    ]


def test_rule_cognition_verb_with_self_mention():
    m = find_stance("I think so. We believe it is right. I hope that talks resume.")
    assert list(zip(m["match"], m["category"])) == [
        ("I", "self_mention"),
        ("think", "hedge"),
        ("We", "self_mention"),
        ("believe", "hedge"),
        ("I", "self_mention"),
        ("hope", "attitude_marker"),
    ]  # a wish (the UN audits), not a hedge
    assert cat_of("Many think the deal is dead.", "think") == ["hedge"]  # before a clause
    assert cat_of("We firmly hope peace prevails.", "hope") == ["attitude_marker"]
    assert cat_of("We will think about it.", "think about") == ["engagement_marker"]
    assert cat_of("They believe in dialogue.", "believe") == []
    assert cat_of("It was a thought.", "thought") == []
    assert cat_of("The seats feel comfortable.", "feel") == []
    assert cat_of("I feel that it is wrong.", "feel") == ["hedge"]
    assert cat_of("It felt like an economy car.", "felt") == []


def test_rule_appear_epistemic():
    assert cat_of("The deal appears to hold.", "appears") == ["hedge"]
    assert cat_of("It appears that talks failed.", "appears") == ["hedge"]
    assert cat_of("The minister appeared on television.", "appeared") == []
    assert cat_of("He appeared in court.", "appeared") == []


def test_rule_rather_downtoner():
    assert cat_of("The answer was rather vague.", "rather") == ["hedge"]
    assert cat_of("Dialogue rather than confrontation.", "rather") == []
    assert cat_of("I would rather wait.", "rather") == []


def test_rule_possible_epistemic():
    assert cat_of("It is possible that talks resume.", "possible") == ["hedge"]
    assert cat_of("Reply as soon as possible.", "possible") == []
    assert cat_of("Aid made possible the deal.", "possible") == []
    assert cat_of("At the lowest possible cost.", "possible") == []


def test_rule_certain_predicative():
    assert cat_of("We are certain of it.", "certain") == ["booster"]
    assert cat_of("We are not certain.", "certain") == ["hedge"]
    assert cat_of("Certain countries objected.", "certain") == []
    assert cat_of("To a certain extent.", "to a certain extent") == ["hedge"]


def test_rule_us_pronoun():
    assert cat_of("Join us.", "us") == ["self_mention"]
    assert cat_of("The US objected.", "us") == []


def test_rules_false_is_the_plain_lexicon():
    m = find_stance("He said they talked about it in May.", rules=False)
    assert ("would" not in m["match"].tolist()) and {"about", "May"} <= set(m["match"])
    assert set(m["rule"]) == {"lexicon"}


# ---------------------------------------------------------------- voices and the interview


def test_other_speakers_quotes_are_attributed_to_them():
    docs = pd.DataFrame(
        {
            "doc_id": ["i1"],
            "genre": ["interview"],
            "speaker": ["Li Wei"],
            "text": [
                '"We certainly want peace," Li said. President Joe Biden said: "Perhaps not." '
                "Li added that it may rain."
            ],
        }
    )
    m = find_stance(docs)
    got = list(zip(m["match"], m["voice"], m["speaker"].fillna("-")))
    assert got == [
        ("We", "ambassador_quote", "Li Wei"),
        ("certainly", "ambassador_quote", "Li Wei"),
        ("Perhaps", "other_quote", "Joe Biden"),
        ("may", "narration", "-"),
    ]


# The interview's hedges and boosters in the ambassador's own quotes, found by hand
# (reading split_voices' ambassador_quote segments against the lexicon):
#   hedges:   "I would not agree", "will not necessarily be", "I believe South Korea",
#             "what I would call"  -> 4 ("I hope any THAAD-related matters": a wish, an attitude marker)
#   directives (deontic should, not hedges): "should be in the right direction",
#             "should tear down emotional barriers"  -> 2
#   boosters: "will inevitably force", "Everyone knows about"  -> 2
# and in the whole text (narration too): hedges + "It is up to South Korea", "could result",
# "China's claims", "about 8 percent", "could be a stage", "mostly served" -> 10; directives +
# "should be deployed", "should take into account" -> 4; boosters + "will always be" -> 3.
HAND_AMBASSADOR_HEDGES = ["would", "not necessarily", "believe", "would"]
HAND_AMBASSADOR_DIRECTIVES = ["should", "should"]
HAND_AMBASSADOR_BOOSTERS = ["inevitably", "knows"]


def test_interview_counts_checked_by_hand():
    m = find_stance(load_interview(), method="rules")
    own = m[m["voice"] == "ambassador_quote"]
    assert own.loc[own["category"] == "hedge", "match"].tolist() == HAND_AMBASSADOR_HEDGES
    assert own.loc[own["category"] == "directive", "match"].tolist() == HAND_AMBASSADOR_DIRECTIVES
    assert own.loc[own["category"] == "booster", "match"].tolist() == HAND_AMBASSADOR_BOOSTERS
    assert (m["category"] == "hedge").sum() == 10
    assert (m["category"] == "directive").sum() == 4
    assert (m["category"] == "booster").sum() == 3
    assert set(own["speaker"]) == {"Xing Haiming"}


def test_the_learned_model_on_the_interview_differs_from_the_rules_only_where_it_says():
    # trained on reviews, where "not necessarily" is a negation and "it is up to", "claims" are not
    # speculation cues; the narration's "it is up to" is the reporter's
    rules = find_stance(load_interview(), method="rules")
    learned = find_stance(load_interview(), method="learned")
    key = ["start", "end", "category"]
    gone = rules.merge(learned[key], on=key, how="left", indicator=True).query("_merge == 'left_only'")
    assert gone["match"].tolist() == ["It is up to", "not necessarily", "claims"]
    assert len(learned.merge(rules[key], on=key, how="left", indicator=True).query("_merge == 'left_only'")) == 0


# ---------------------------------------------------------------- bad input and scale


def test_empty_and_letterless_texts_have_no_matches():
    for text in ["", "   \n", "1234 5678 -- !!!", "…"]:
        m = find_stance(text)
        assert m.empty and tuple(m.columns) == MATCH_COLUMNS


FRENCH = (
    "La Chine s'oppose fermement à toute ingérence dans ses affaires intérieures et appelle "
    "les parties à faire preuve de retenue et à reprendre le dialogue sans délai."
)


def test_non_english_text_says_so():
    n, share = english_share(FRENCH)
    assert n >= 20 and share < 0.15
    with pytest.raises(ValueError, match="does not look like English"):
        find_stance(FRENCH)
    docs = pd.DataFrame({"doc_id": ["en", "fr"], "text": ["Perhaps we agree.", FRENCH]})
    with pytest.raises(ValueError, match="doc_id 'fr'"):
        find_stance(docs)
    with pytest.warns(UserWarning, match=r"find_stance left out 1 document\(s\): 'fr' \(not English"):
        m = find_stance(docs, non_english="skip")
    assert m["doc_id"].unique().tolist() == ["en"]
    assert [d["doc_id"] for d in m.attrs["skipped"]] == ["fr"]
    assert m.attrs["skipped"][0]["problem"].startswith("not English (")
    # short texts are not judged: too few tokens to tell
    assert find_stance("Peut-être.").empty


@pytest.mark.parametrize(
    "value, message",
    [
        (42, "must be a str or a docs DataFrame"),
        (pd.DataFrame({"doc_id": ["a"]}), "lacks the column(s) 'text'"),
        (pd.DataFrame({"doc_id": ["a"], "text": [None]}), "text is missing"),
    ],
)
def test_bad_input_raises(value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        find_stance(value)


def test_bad_options_raise():
    with pytest.raises(ValueError, match="non_english='ignore' is invalid"):
        find_stance("x", non_english="ignore")
    with pytest.raises(ValueError, match="categories='hedges' is invalid"):
        find_stance("x", categories=["hedges"])
    with pytest.raises(ValueError, match="rules=1 is invalid"):
        find_stance("x", rules=1)


def test_very_long_document():
    unit = "Perhaps the talks may resume in May 2021; we firmly oppose it, and he said it would pass. "
    per_unit = find_stance(unit)
    text = unit * 20000  # about 1.8 million characters
    m = find_stance(pd.DataFrame({"doc_id": ["long"], "text": [text]}))
    assert len(m) == 20000 * len(per_unit)
    assert m["end"].max() <= len(text)


def test_naive_regex_is_one_flat_alternation():
    rx = naive_regex()
    assert rx.flags & re.IGNORECASE
    assert [m.group() for m in rx.finditer("We talked about it in May.")] == ["We", "about", "May"]


# ---------------------------------------------------------------- rates


def test_stance_rates_own_voice():
    pytest.importorskip("toolkit.rates")
    docs = load_interview()
    rates = stance_rates(docs, n_resamples=200, seed=1, method="rules")
    assert list(rates.columns[:7]) == ["group", "category", "n", "tokens", "rate_per_1k", "ci_low", "ci_high"]
    hedge = rates[rates["category"] == "hedge"].iloc[0]
    assert hedge["n"] == len(HAND_AMBASSADOR_HEDGES)
    assert hedge["ci_low"] <= hedge["rate_per_1k"] <= hedge["ci_high"]
    again = stance_rates(docs, n_resamples=200, seed=1, method="rules")
    pd.testing.assert_frame_equal(rates, again)
    every = stance_rates(docs, voices=None, n_resamples=200, seed=1, method="rules")
    assert every.loc[every["category"] == "hedge", "n"].iloc[0] == 10
    assert every.loc[every["category"] == "directive", "n"].iloc[0] == 4
    assert every["tokens"].iloc[0] > hedge["tokens"]


# ---------------------------------------------------------------- issue #10: no silent loss, no stray exception


@pytest.mark.parametrize(
    "prefix", ["İ", "İstanbul", "İİİ", "Straße", "ﬁnal ﬂow", "e\u0301te\u0301", "ΣΑΣ", "ǅ", "\u0130\u0307", "İ\n\u2028"]
)
def test_offsets_slice_the_original_text_after_letters_whose_lower_case_differs(prefix):
    # "İ".lower() is two code points: find_stance("İ") raised KeyError, and offsets could shift
    text = f"{prefix} said perhaps we may agree, {prefix} I think."
    m = find_stance(text)
    for start, end, match in zip(m["start"], m["end"], m["match"]):
        assert text[start:end] == match
    for word in ("perhaps", "may", "think"):
        assert word in m["match"].str.lower().tolist()
    perhaps = m[m["match"] == "perhaps"].iloc[0]
    assert perhaps["start"] == text.index("perhaps")
    # the same text in a docs frame: same offsets
    framed = find_stance(pd.DataFrame({"doc_id": ["a"], "text": [text]}))
    assert framed[["start", "end", "match"]].values.tolist() == m[["start", "end", "match"]].values.tolist()


def test_dotted_capital_i_alone():
    m = find_stance("İ")  # was KeyError
    # "İ" is the token "i" (as tokenize lower-cases it), so it matches what "I" matches
    assert (
        m[["start", "end", "match"]].values.tolist()
        == find_stance("I")[["start", "end", "match"]].assign(match="İ").values.tolist()
    )


def test_find_stance_and_kwic_agree_after_dotted_capital_i():
    text = "İstanbul: perhaps we may agree. İ think we MAY."
    hedges = find_stance(text, rules=False)
    hedges = hedges[hedges["pattern"].isin(["perhaps", "may", "think"])].drop_duplicates(["start", "end"])
    hits = kwic(text, ["perhaps", "may", "think"])
    assert hedges[["start", "end"]].values.tolist() == hits[["start", "end"]].values.tolist()


def test_duplicated_doc_ids_are_an_error():
    # the voices of one document were looked up by doc_id and applied to the other's offsets
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "a"],
            "genre": ["interview", "speech", "speech"],
            "speaker": ["Li Wei"] * 3,
            "text": ['Kim said "perhaps." "We may agree," Li said.', "Maybe.", "Perhaps we may agree."],
        }
    )
    for function in (find_stance, stance_rates):
        with pytest.raises(ValueError, match=r"doc_id 'a' is on more than one row \(index 0, 2\)"):
            function(docs)


@pytest.mark.parametrize("bad", [5, b"Perhaps.", 2.5])
def test_a_text_that_is_not_a_str_is_an_error(bad):
    docs = pd.DataFrame({"doc_id": ["ok", "odd"], "text": ["Perhaps.", bad]})
    with pytest.raises(ValueError, match="the text of doc_id 'odd' is a .*, not a str"):
        find_stance(docs)


def _interview_without_quotes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["i1", "s1", "s2"],
            "genre": ["interview", "speech", "speech"],
            "speaker": ["Li", "Li", "Kim"],
            "text": [
                "Li said the talks may perhaps go well, and he thinks so.",
                "We may perhaps agree. We think so. It is possible.",
                "We surely agree. Perhaps not.",
            ],
        }
    )


def test_stance_rates_reports_an_interview_without_own_words():
    # i1 has no quote, so no own words: it was kept as an empty unit of Li's group, and every resample had
    # s1's rate: Li's interval was [400, 400], unit "document", without a word about i1
    docs = _interview_without_quotes()
    with pytest.warns(UserWarning, match=r"stance_rates left out 1 document\(s\): 'i1' \(no tokens in the voices"):
        rates = stance_rates(docs, by="speaker", categories="hedge", n_resamples=200)
    li = rates[rates["speaker"] == "Li"].iloc[0]
    assert li["unit"] == "sentence" and li["ci_low"] < li["rate_per_1k"] < li["ci_high"]
    assert [(s["doc_id"], s["speaker"]) for s in rates.attrs["skipped"]] == [("i1", "Li")]
    assert "interview with no quote attributed to its speaker" in rates.attrs["skipped"][0]["problem"]
    # documents in = documents used + documents reported
    used = {"s1", "s2"}
    assert used | {s["doc_id"] for s in rates.attrs["skipped"]} == set(docs["doc_id"])


def test_stance_rates_reports_documents_skipped_as_not_english():
    docs = pd.DataFrame({"doc_id": ["en", "fr"], "text": ["Perhaps we may agree. We think so.", FRENCH]})
    with pytest.warns(UserWarning, match="'fr' \\(not English"):
        rates = stance_rates(docs, non_english="skip", n_resamples=200)
    assert [s["doc_id"] for s in rates.attrs["skipped"]] == ["fr"]


def test_stance_rates_checks_its_options_before_reading():
    docs = _interview_without_quotes()
    with pytest.raises(ValueError, match=r"^seed=4294967296 is invalid"):
        stance_rates(docs, seed=2**32)
    with pytest.raises(ValueError, match=r"^seed=-1 is invalid"):  # was numpy's "expected non-negative integer"
        stance_rates(docs, seed=-1)
    with pytest.raises(ValueError, match="n_resamples=10 is invalid"):
        stance_rates(docs, n_resamples=10)
    with pytest.raises(ValueError, match=r"lacks the column\(s\) 'country'"):
        stance_rates(docs, by="country")


def test_stance_rates_takes_one_category_as_a_str():
    # categories="hedge" became the categories "h", "e", "d", "g", "e"
    docs = _interview_without_quotes().iloc[1:]
    rates = stance_rates(docs, categories="hedge", n_resamples=200)
    assert rates["category"].tolist() == ["hedge"]


def test_offsets_and_accounting_hold_whatever_the_text():
    import warnings

    from hypothesis import given, settings
    from hypothesis import strategies as st

    parts = st.sampled_from(
        [
            "Perhaps",
            "we",
            "may",
            "May",
            "I",
            "think",
            "not",
            "sure",
            "about",
            "8",
            "İ",
            "ß",
            "ﬁ",
            "\u0301",
            '"',
            "“",
            "”",
            "’s",
            ".",
            "\n",
            "Li",
            "said",
            "he",
            "would",
            "no doubt",
            "US",
            "don't",
            "1,000",
            "—",
            "etc.",
            "a" * 40,
        ]
    )
    texts = st.one_of(st.lists(parts, max_size=25).map(" ".join), st.text(max_size=30))

    @settings(derandomize=True, max_examples=120, deadline=None)
    @given(
        st.lists(texts, min_size=1, max_size=4),
        st.sampled_from(["interview", "speech"]),
        st.sampled_from(["Li Wei", " ", None]),
    )
    def check(texts, genre, speaker):
        docs = pd.DataFrame(
            {
                "doc_id": [f"d{i}" for i in range(len(texts))],
                "text": texts,
                "genre": genre,
                "speaker": speaker,
                "g": ["a", "b"] * (len(texts) // 2) + ["a"] * (len(texts) % 2),
            }
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            matches = find_stance(docs, non_english="skip")
        by_id = dict(zip(docs["doc_id"], docs["text"]))
        for row in matches.itertuples():
            assert by_id[row.doc_id][row.start : row.end] == row.match
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rates = stance_rates(docs, by="g", n_resamples=100, non_english="skip")
        except ValueError as err:  # a group none of whose documents has own words
            assert "hold no token" in str(err)
            return
        reported = {s["doc_id"] for s in rates.attrs["skipped"]}
        for doc_id, group in zip(docs["doc_id"], docs["g"]):
            assert doc_id in reported or group in set(rates["g"])

    check()


def test_lexicon_spellings_of_one_pattern_all_apply():
    # "don't" (hedge) and "don’t" (booster) match the same spans; only the last one's entries were reported
    lex = pd.DataFrame({"pattern": ["don't", "don’t", "no  doubt"], "category": ["hedge", "booster", "booster"]})
    m = find_stance("I don’t know. No doubt.", lexicon=lex)
    assert m[["match", "category", "pattern"]].values.tolist() == [
        ["don’t", "hedge", "don't"],
        ["don’t", "booster", "don't"],
        ["No doubt", "booster", "no doubt"],
    ]
    assert load_lexicon(extra=lex).query('pattern == "don\'t"')["category"].tolist() == ["hedge", "booster"]


def test_a_missing_lexicon_pattern_is_an_error_not_the_word_none():
    with pytest.raises(ValueError, match=r"lexicon: pattern is missing \(NA\) on row\(s\) with index 1"):
        find_stance("None of it.", lexicon=pd.DataFrame({"pattern": ["it", None], "category": ["hedge", "hedge"]}))


# ---------------------------------------------------------------- issue #11: one hedge rate for one group


def _interview_and_speeches() -> pd.DataFrame:
    interview = load_interview()[["doc_id", "text", "speaker", "genre"]]
    speeches = pd.DataFrame(
        {
            "doc_id": ["s1", "s2", "s3"],
            "speaker": ["Kim", "Kim", "Kim"],
            "genre": ["speech"] * 3,
            "text": ["We may perhaps agree. We think so.", "It is possibly the best way.", "We firmly oppose it."],
        }
    )
    return pd.concat([interview, speeches], ignore_index=True)


def _rate(rates: pd.DataFrame, group: str) -> float:
    """The hedge rate of a group (its key is the first column, whatever its name)."""
    rows = rates[(rates.iloc[:, 0] == group) & (rates["category"] == "hedge")]
    assert len(rows) == 1
    return float(rows["rate_per_1k"].iloc[0])


def test_compare_rates_and_stance_rates_give_a_group_one_hedge_rate():
    # compare_rates counted every voice of the interview (the journalist's narration, others' quotes) while
    # stance_rates counted the ambassador's own words: two rates for one speaker
    from toolkit.rates import compare_rates, match_rates

    docs = _interview_and_speeches()
    hits = find_stance(docs)
    rates = stance_rates(docs, by="speaker", categories=["hedge"], n_resamples=200)
    row = compare_rates(
        hits,
        docs,
        by="speaker",
        target="Xing Haiming",
        reference="Kim",
        category="hedge",
        n_permutations=200,
        n_resamples=200,
    )
    assert row["rate_target"].iloc[0] == pytest.approx(_rate(rates, "Xing Haiming"), rel=1e-12)
    assert row["rate_reference"].iloc[0] == pytest.approx(_rate(rates, "Kim"), rel=1e-12)
    matched = match_rates(hits, docs, by="speaker", categories=["hedge"], n_resamples=200)
    pd.testing.assert_frame_equal(matched, rates)
    # the voice choice is one parameter of the same name, and it matters: every voice is another rate
    every = stance_rates(docs, by="speaker", categories=["hedge"], voices=None, n_resamples=200)
    row_every = compare_rates(
        hits,
        docs,
        by="speaker",
        target="Xing Haiming",
        reference="Kim",
        category="hedge",
        voices=None,
        n_permutations=200,
        n_resamples=200,
    )
    assert row_every["rate_target"].iloc[0] == pytest.approx(_rate(every, "Xing Haiming"), rel=1e-12)
    assert _rate(every, "Xing Haiming") != pytest.approx(_rate(rates, "Xing Haiming"))
    assert _rate(every, "Kim") == pytest.approx(_rate(rates, "Kim"))  # speeches are all the speaker's own


def test_voices_are_checked_the_same_way_everywhere():
    from toolkit.rates import compare_rates, match_rates

    docs = _interview_and_speeches()
    hits = find_stance(docs)
    for call in (
        lambda: stance_rates(docs, voices=["chorus"]),
        lambda: match_rates(hits, docs, voices=["chorus"]),
        lambda: compare_rates(hits, docs, by="speaker", target="Kim", category="hedge", voices="chorus"),
    ):
        with pytest.raises(ValueError, match="voices='chorus' is invalid"):
            call()


# ---------------------------------------------------------------- the diplomatic register (issue 12)
# Sentences quoted from the UN General Debate Corpus (doc ids as load_ungdc gives them).


@pytest.mark.parametrize("method", ["rules", "learned"])
@pytest.mark.parametrize(
    "text, word, category",
    [
        # deontic "should" and "must": directives, not hedges
        (
            "Any new arrangements for the Council should be reviewed after 10 or 15 years.",
            "should",
            "directive",
        ),  # UNGDC_AUS_55_2000
        ("Russia must withdraw.", "must", "directive"),
        # epistemic "should": expectation
        (
            "The forces of peace are stronger than those of war and it should be possible to prevent war.",
            "should",
            "hedge",
        ),  # UNGDC_ALB_16_1961
        # "must have been": logical necessity, Hyland's booster
        (
            "All the population of Afghanistan must have been eliminated not once but twice.",
            "must",
            "booster",
        ),  # UNGDC_AFG_39_1984
        # courtesy formulae, with and without an adverb inside
        ("I would like to thank His Excellency Mr. Guterres.", "would like to", "formula"),  # UNGDC_ARE_75_2020
        ("I would also like to thank the Secretary-General.", "would", "formula"),
        ("I should also like to congratulate you.", "should", "formula"),
        ("May I congratulate Mr. Hambro.", "May I", "formula"),  # UNGDC_ALB_32_1977
        (
            "Allow me to turn to another Asian question: the question of Viet-Nam.",
            "Allow me to",
            "formula",
        ),  # UNGDC_AFG_26_1971
        ("Let me also express our thanks to Mr. Waldheim.", "Let me", "formula"),  # UNGDC_AFG_36_1981
        ("We also wish to express our appreciation to your predecessor.", "wish to", "formula"),  # UNGDC_AGO_43_1988
        # a belief held without reserve is a booster
        ("We strongly believe that the embargo must end.", "believe", "booster"),
    ],
)
def test_the_register_rules_on_un_sentences(text, word, category, method):
    m = find_stance(text, method=method)
    assert m.loc[m["match"] == word, "category"].tolist() == [category]


def test_a_wish_about_the_world_is_not_a_formula():
    # "would" softens it: a hedge for the rules (the learned model, trained on reviews, decides it itself)
    m = find_stance(
        "It is why we would like to see all countries eliminate their nuclear arsenals."
    )  # UNGDC_ATG_73_2018
    assert m.loc[m["match"] == "would like to", "category"].tolist() == ["hedge"]


@pytest.mark.parametrize("method", ["rules", "learned"])
def test_a_conditional_should_and_reported_would_are_not_stance(method):
    assert find_stance("Should.", method=method)["category"].tolist() == [
        "directive"
    ]  # nothing after it: was an IndexError
    # "Should this balance be upset, mankind could be exterminated." (UNGDC_CHL_33_1978): inversion = "if"
    m = find_stance("Should this balance be upset, mankind could be exterminated.", method=method)
    assert "Should" not in m["match"].tolist() and m.loc[m["match"] == "could", "category"].tolist() == ["hedge"]
    m = find_stance("We all agreed that our three countries would collaborate.", method=method)
    assert "would" not in m["match"].tolist()


@pytest.mark.parametrize(
    "text, kept",
    [
        ("They must implement fully all relevant resolutions.", False),  # the degree of an action
        ("We fully support the plan.", True),  # the speaker's stance
        ("China firmly opposes it.", True),
        ("Korea is determined to contribute.", True),
        ("A determined enemy attacked.", False),
        ("It has demonstrated exemplary performance.", False),
        ("This demonstrates that the approach works.", True),
    ],
)
def test_intensifiers_boost_a_stance_not_an_action(text, kept):
    m = find_stance(text, categories=["booster"])
    assert (len(m) > 0) == kept, m


def test_the_rule_column_names_what_decided():
    m = find_stance("It is really good. It is not really good. I would also like to thank you.")
    got = m[m["category"] != "self_mention"][["match", "category", "rule"]].values.tolist()
    # a booster not negated is decided by nothing but the lexicon; negated, by the negation rule
    assert ["really", "booster", "lexicon"] in got and ["really", "hedge", "negation"] in got
    assert ["would", "formula", "formula_frame"] in got
    learned = find_stance("Perhaps it is so. I think that it is.", method="learned")
    assert learned["rule"].tolist() == ["learned", "lexicon", "learned"]


def test_directives_and_formulae_are_categories_of_their_own():
    assert {"directive", "formula"} <= set(CATEGORIES)
    lex = load_lexicon()
    assert set(lex.loc[lex["category"] == "directive", "pattern"]) >= {"should", "must", "need to", "have to"}
    assert not (lex["category"] == "hedge").loc[lex["pattern"].isin(["should", "must"])].any()


@pytest.mark.parametrize("method", ["rules", "learned"])
def test_a_wrapped_line_does_not_end_a_clause(method):
    # UNGDC_CHN_68_2013, hard-wrapped as in the corpus: the reporting verb is 9 words and two line breaks back
    text = (
        "the Chinese \nleader Deng Xiaoping solemnly declared on behalf of \nthe Chinese Government that China "
        "would never seek \nhegemony in the world."
    )
    assert "would" not in find_stance(text, method=method)["match"].tolist()
    # a blank line does end one; a wrapped "May" before a year is still the month
    m = find_stance("We met in\nMay 2020.\n\nMay I congratulate you.", method=method)
    assert m[["match", "category"]].values.tolist()[-2:] == [["May I", "formula"], ["you", "engagement_marker"]]
    assert "May" not in m["match"].tolist()


def test_if_i_may_is_a_formula():
    # audit round 2: "If I may say so" was counted as an epistemic "may"
    assert find_stance("If I may say so, it is wrong.")[["match", "category"]].values.tolist() == [
        ["If I may", "formula"]
    ]


def test_found_by_a_second_reading():
    # a rhetorical question is not a conditional; "I don't really think" is no booster; after '.”' a sentence starts
    assert find_stance("Should the world stand by while this happens?")["category"].tolist() == ["directive"]
    m = find_stance("I don't really think so.")
    assert m.loc[m["match"] == "think", "category"].tolist() == ["hedge"]
    assert find_stance("He left.” Should that fail, we act.")["match"].tolist() == ["we"]
    assert find_stance("He said it.” May I thank you.")["match"].tolist() == ["May I", "you"]


# ---------------------------------------------------------------- issue #14: a long text's blocks


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_long_texts_blocks_are_the_same_from_its_pieces_and_from_its_matches(monkeypatch, n_jobs):
    # a one-document group longer than LONG_TEXT_TOKENS (made small) in blocks: stance_rates gives the counts
    # and intervals of match_rates on find_stance's matches. With n_jobs=2 the table cuts the text into pieces
    # and keeps its code points (PIECE_MIN made small), the markers' pieces (_PIECE_MIN made small) scan views of
    # them, and the blocks read them again; with n_jobs=1 nothing is cut, the long text's code points kept whole
    import toolkit._parallel as parallel
    import toolkit._rating as rating
    import toolkit.hedging._table as hedging_table
    import toolkit.tokentable as tokentable
    from toolkit.rates import match_rates
    from toolkit.tokentable import token_table

    monkeypatch.setattr(rating, "LONG_TEXT_TOKENS", 40)
    monkeypatch.setattr(rating, "BLOCK_TOKENS", 9)
    monkeypatch.setattr(hedging_table, "_PIECE_MIN", 300)
    monkeypatch.setattr(tokentable, "PIECE_MIN", 300)
    monkeypatch.setattr(parallel, "START_METHOD", "fork")
    sentences = ["We may perhaps agree.", "It is clearly wrong!", "I think, however, that we must act.", "(Perhaps)"]
    text = "\n\n".join(" ".join(sentences[(i + j) % 4] for j in range(3)) for i in range(40))
    docs = pd.DataFrame(
        {"doc_id": ["long", "a", "b"], "text": [text, "We may go.", "It is clear."], "g": ["x", "y", "y"]}
    )
    got = stance_rates(docs, by="g", n_resamples=300, seed=4, n_jobs=n_jobs)
    want = match_rates(
        find_stance(docs), docs, by="g", categories=list(got["category"].unique()), n_resamples=300, seed=4
    )
    assert (got.loc[got["g"] == "x", "unit"] == "block").all()
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    table = token_table(docs, n_jobs=n_jobs)
    assert table.keeps_code_points(0) and not table.keeps_code_points(1)  # the path under test was taken


@pytest.mark.parametrize("table", [False, True])
def test_a_long_texts_sentences_are_not_cut_ahead_for_nothing(monkeypatch, table):
    # a text whose units are blocks needs no sentences: from a frame, the process cutting them ahead (started
    # before the tokens are counted) is ended once the table shows it has more than LONG_TEXT_TOKENS tokens;
    # from a token table, it is not started for such a text; the rates are those without it
    import toolkit._rating as rating
    from toolkit.tokentable import token_table

    _cut_ahead(monkeypatch, on=True)
    monkeypatch.setattr(rating, "LONG_TEXT_TOKENS", 40)
    started: list[list[int]] = []
    taken: list[str] = []
    real_start, real_spans = rating.SentencesAhead.start.__func__, rating.SentencesAhead.spans

    def start(cls, texts, rows, keys, n_jobs):
        started.append([int(r) for r in rows])
        return real_start(cls, texts, rows, keys, n_jobs)

    def spans(self, key):
        taken.append(key)
        return real_spans(self, key)

    events: list[str] = []
    real_close, real_find = rating.SentencesAhead.close, toolkit.hedging._find_in_table

    def close(self):
        events.append("close")
        return real_close(self)

    def find(*args, **kwargs):
        events.append("find")
        return real_find(*args, **kwargs)

    monkeypatch.setattr(rating.SentencesAhead, "start", classmethod(start))
    monkeypatch.setattr(rating.SentencesAhead, "spans", spans)
    monkeypatch.setattr(rating.SentencesAhead, "close", close)
    monkeypatch.setattr(toolkit.hedging, "_find_in_table", find)
    text = " ".join(["We may perhaps agree. It is clearly wrong!"] * 30)
    frame = pd.DataFrame(
        {"doc_id": ["long", "a", "b"], "text": [text, "We may go.", "It is clear."], "g": ["x", "y", "y"]}
    )
    docs = token_table(frame) if table else frame
    got = stance_rates(docs, by="g", n_resamples=200, n_jobs=2, segments=None)
    assert (got.loc[got["g"] == "x", "unit"] == "block").all() and taken == []
    assert started == ([[]] if table else [[0]])
    assert events == (["find"] if table else ["close", "find"])  # ended before the markers are found
    monkeypatch.setattr(rating, "AHEAD_MIN", 1 << 62)  # never cut ahead: the same rates
    pd.testing.assert_frame_equal(got, stance_rates(docs, by="g", n_resamples=200, n_jobs=2, segments=None))


# ---------------------------------------------------------------- issue #14: sentences cut ahead


def _cut_ahead(monkeypatch, on: bool) -> list[str]:
    """Sentences cut ahead for any length (``on``) or never; returns the list the main process's own cuts are
    recorded in (the texts toolkit._rating asked sentence_spans for)."""
    import toolkit._parallel as parallel
    import toolkit._rating as rating
    import toolkit.text as text_module

    monkeypatch.setattr(rating, "AHEAD_MIN", 0 if on else 1 << 62)
    # workers that fork, whatever threads earlier tests left running (a browser's, a cluster's): the path under
    # test is the one of a script on Linux
    monkeypatch.setattr(parallel, "START_METHOD", "fork")
    cut_here: list[str] = []

    def recorded(texts, *, n_jobs=None):
        cut_here.extend(texts)
        return text_module.sentence_spans(texts, n_jobs=n_jobs)

    monkeypatch.setattr(rating, "sentence_spans", recorded)
    return cut_here


@pytest.mark.parametrize("table", [False, True])
@pytest.mark.parametrize("voices", ["default", None])
def test_sentences_cut_ahead_give_the_rates_of_sentences_cut_when_needed(monkeypatch, voices, table):
    # one-document groups (the interview, whose own voice blanks the journalist's words and others' quotes;
    # a speech), and a group of two speeches; the rates the same whether their sentences were cut ahead, from
    # a docs frame or from its token table
    from toolkit.tokentable import token_table

    frame = _interview_and_speeches().assign(grp=["interview", "s1", "pair", "pair"])
    docs = token_table(frame) if table else frame
    kwargs = {"by": "grp", "n_resamples": 200, "n_jobs": 2, "method": "rules"}
    if voices is None:
        kwargs["voices"] = None
    _cut_ahead(monkeypatch, False)
    expected = stance_rates(docs, **kwargs)
    cut_here = _cut_ahead(monkeypatch, True)
    got = stance_rates(docs, **kwargs)
    pd.testing.assert_frame_equal(got, expected)
    assert set(got.loc[got["grp"] != "pair", "unit"]) == {"sentence"}
    # the path was taken: the texts the voices left as they are were not cut again here (the interview's
    # own voice blanks part of it: that text is cut from the blanked text, here)
    interview = frame["text"].iloc[0]
    assert frame["text"].iloc[1] not in cut_here and interview not in cut_here
    assert len(cut_here) == (0 if voices is None else 1)


@pytest.mark.parametrize("piece", [None, 16])
def test_sentences_ahead_give_sentence_spans_and_nothing_when_they_fail(monkeypatch, piece):
    import numpy as np

    import toolkit.text as text_module
    from toolkit._rating import SentencesAhead
    from toolkit.text import sentence_spans

    if piece is not None:  # long texts cut in pieces at line breaks, one piece after the other
        monkeypatch.setattr(text_module, "_SENTENCE_PIECE", piece)
    texts = [
        "One. Two.\nThree",
        "Mr. Kim met Dr. Lee. They agreed!\nYes.\n\nThe U.S. and\nChina talked. Then\nthey left.",
        "",
        "Not asked for.",
    ]
    ahead = SentencesAhead(texts, np.array([0, 1, 2]), ["a", "b", "c"], n_jobs=2)
    if piece is not None:
        assert len(text_module._sentence_units([texts[1]], 2)) > 2  # the path of pieces is taken
    for key, text in zip("abc", texts):
        assert np.array_equal(ahead.spans(key), sentence_spans([text])[0])
    assert ahead.spans("d") is None
    assert ahead._process.exitcode == 0 and ahead._file.closed  # read, then let go
    # a text that is no str: the process fails, and every text is the caller's to cut (it meets the error)
    failing = SentencesAhead(["A text.", None], np.array([0, 1]), ["a", "b"])
    assert failing.spans("a") is None and failing.spans("b") is None
    assert failing._process.exitcode == 1
    # ended before its spans were asked for (a caller that stopped): the process does not outlive it
    stopped = SentencesAhead(["A text. " * 200_000], np.array([0]), ["a"])
    stopped.close()
    assert stopped._process.exitcode is not None and stopped._file.closed


def test_sentences_are_cut_ahead_only_when_a_process_is_worth_it(monkeypatch):
    import numpy as np

    import toolkit._parallel as parallel
    import toolkit._rating as rating
    from toolkit._rating import SentencesAhead

    long = ["word " * (rating.AHEAD_MIN // 5 + 1)]
    assert SentencesAhead.start(long, np.array([0]), ["a"], 1) is None  # one core asked for
    assert SentencesAhead.start(["short."], np.array([0]), ["a"], 2) is None  # too short to pay for a process
    assert SentencesAhead.start(long, np.array([], dtype=np.int64), [], 2) is None  # no one-document group
    monkeypatch.setattr(parallel, "START_METHOD", "spawn")  # workers that do not fork (a Jupyter kernel)
    assert SentencesAhead.start(long, np.array([0]), ["a"], 2) is None
    monkeypatch.setattr(parallel, "START_METHOD", "fork")  # as in a script on Linux (earlier tests leave threads)
    ahead = SentencesAhead.start(long, np.array([0]), ["a"], 2)
    assert ahead is not None and len(ahead.spans("a")) == 1
    # a missing text in a pyarrow column: no process, and no warning (the caller's checks name the text)
    import pyarrow as pa

    from toolkit.tokentable import TextColumn

    column = [long[0], None]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert SentencesAhead.start(TextColumn(pa.array(column)), np.array([0, 1]), ["a", "b"], 2) is None
    # no temporary folder: no process, and the caller cuts the sentences itself
    monkeypatch.setattr(tempfile, "tempdir", "/nonexistent-folder-of-the-toolkit-tests")
    assert SentencesAhead.start(long, np.array([0]), ["a"], 2) is None


def test_sentences_cut_ahead_with_documents_left_out_or_a_changed_frame():
    # a French document left out (non_english="skip") renumbers the rows after it, and makes a group of two one
    # of one (its sentences then cut when needed); a token table whose frame was changed after it was made
    # rates its own texts; the same rates (or errors) with and without the sentences cut ahead
    from test_tokentable import assert_same_rates_cut_ahead_or_not

    from toolkit.tokentable import token_table

    frame = _interview_and_speeches()
    frame = pd.concat([frame.iloc[:1].assign(doc_id="fr", text=FRENCH * 20), frame], ignore_index=True).assign(
        grp=["pair", "interview", "s1", "pair", "s3"]
    )
    kwargs = {"by": "grp", "n_resamples": 200, "n_jobs": 2, "method": "rules", "non_english": "skip"}
    table = token_table(frame.copy())
    table.docs.loc[2, "text"] = "Changed after the table was made. It may be longer now, perhaps."
    for docs in (frame, table):
        assert_same_rates_cut_ahead_or_not(docs, kwargs)


def test_a_lexicon_comment_is_a_line_that_starts_with_a_hash_not_the_rest_of_a_field(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(
        "# my lexicon\npattern,category,rule,kind,note\n  # an indented comment\n"
        "we regret,attitude_marker,,,see #3 in the guide\n",
        encoding="utf-8",
    )
    lex = load_lexicon(path)
    assert lex[["pattern", "note"]].values.tolist() == [["we regret", "see #3 in the guide"]]


def test_a_line_of_a_quoted_field_that_starts_with_a_hash_is_the_fields_not_a_comment(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(
        "pattern,category,rule,kind,note\n"
        'we regret,attitude_marker,,,"two lines:\n# not a comment, ""quoted"" too\nend"\n'
        "# a comment after the field\n"
        'perhaps,hedge,,,"one line, #2"\n'
        "  # and an indented one\n"
        # a quote inside an unquoted field, or after a blank, is the field's character and opens nothing
        'surely,booster,,,a 5" screen\n'
        "# a comment after it\n"
        'clearly,booster,,, "spaced\n'
        "# a comment after that\n",
        encoding="utf-8",
    )
    lex = load_lexicon(path)
    assert lex[["pattern", "note"]].values.tolist() == [
        ["we regret", 'two lines:\n# not a comment, "quoted" too\nend'],
        ["perhaps", "one line, #2"],
        ["surely", 'a 5" screen'],
        ["clearly", ' "spaced'],
    ]


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"", CorpusFormatError, r"mine\.csv: is empty\. A lexicon is a CSV file"),
        (b"\n\n# only a comment\n", CorpusFormatError, r"mine\.csv: holds only comments and blank lines\."),
        ("pattern,category\nperhaps,hedge\n".encode("utf-16"), CorpusFormatError, r"is UTF-16 text .*Re-save it as"),
        (b"pattern,category\nperh\xe4ps,hedge\n", CorpusFormatError, r"mine\.csv, line 2: is not valid UTF-8"),
        (b"pattern;category\nperhaps;hedge\n", CorpusFormatError, r"line 1: its header 'pattern;category' is one fi"),
        (b"pattern,category,category\nperhaps,hedge,x\n", CorpusFormatError, r"line 1: its header names 'category' tw"),
        (b"pattern,note\nperhaps,x\n", CorpusFormatError, r"line 1: its header \(pattern, note\) lacks category\. A"),
        (b"pattern,category\n# c\nperhaps,hedge,x\n", CorpusFormatError, r"line 3: has 3 fields, the header 2 .*Quote"),
        (b'pattern,category,note\nperhaps,hedge, "a, b"\n', CorpusFormatError, r"line 2: has 4 fields, the header 3"),
        (b'pattern,category\nx,hedge\n"open,hedge\ny,hedge\n', CorpusFormatError, r"line 3: a quoted field opened"),
        (
            b"pattern,category\nperhaps,hedge\n# c\nsurely,boostr\n",
            ValueError,
            r"category='boostr' is inv.*line\(s\) 4",
        ),
        (b"pattern,category,rule\nperhaps,hedge,nope\n", ValueError, r"rule='nope' is invalid.*on line\(s\) 2\)"),
        (b"pattern,category\nperhaps,hedge\n???,hedge\n", ValueError, r"pattern.*on line\(s\) 3\)"),
    ],
)
def test_a_lexicon_file_that_cannot_be_read_is_named_with_its_line_and_fix(tmp_path, content, error, message):
    path = tmp_path / "mine.csv"
    path.write_bytes(content)
    with pytest.raises(error, match=message):
        load_lexicon(path)


def test_a_lexicon_file_is_read_as_spreadsheets_write_it(tmp_path):
    path = tmp_path / "mine.csv"
    # a header in capitals; commas a spreadsheet puts after the last column; CRLF line ends; a row shorter
    # than the header
    path.write_bytes(b"Pattern,Category,Note,\r\nperhaps,hedge,,\r\nsurely,booster\r\n")
    lex = load_lexicon(path)
    assert lex[["pattern", "category", "note"]].values.tolist() == [["perhaps", "hedge", ""], ["surely", "booster", ""]]
    with pytest.raises(FileNotFoundError, match=r"load_lexicon: .*nothing\.csv does not exist\. A lexicon is"):
        load_lexicon(tmp_path / "nothing.csv")
    with pytest.raises(CorpusFormatError, match=r"is a folder, not a lexicon file"):
        load_lexicon(tmp_path)


def test_a_lexicon_entry_repeated_is_warned_about_and_the_last_kept(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("pattern,category,note\nperhaps,hedge,a\nsurely,booster,b\nPerhaps,hedge,c\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"1 entry on line\(s\) 2 repeat.*\('perhaps' hedge\): the last of each"):
        lex = load_lexicon(path)
    assert lex[["pattern", "note"]].values.tolist() == [["surely", "b"], ["perhaps", "c"]]
    # a frame's rows are named by its index
    frame = pd.DataFrame({"pattern": ["a", "b"], "category": ["hedge", "nope"]}, index=[10, 11])
    with pytest.raises(ValueError, match=r"category='nope' is invalid.*\(on row\(s\) with index 11\)"):
        load_lexicon(extra=frame)


def test_the_learned_method_warns_of_a_users_epistemic_hedges_it_does_not_know_by_name():
    lex = load_lexicon(
        extra=pd.DataFrame(
            {"pattern": ["arguably", "might well", "we insist"], "category": ["hedge", "hedge", "booster"]}
        )
    )
    docs = pd.DataFrame({"doc_id": ["a"], "text": ["Arguably, this might well be wrong. We insist on it."]})
    options = {"segments": None, "non_english": "keep"}
    learned = {"method": "learned", **options}  # this module's tests default to the rules (_rules_method)
    for call in (lambda **kw: find_stance(docs, **kw), lambda **kw: stance_rates(docs, n_resamples=100, **kw)):
        with pytest.warns(
            UserWarning, match=r"does not know 2 of your lexicon's by name \('arguably', 'might well'\)"
        ) as got:
            call(lexicon=lex, **learned)
        assert {w.filename for w in got if "does not know" in str(w.message)} == {__file__}  # the caller's line
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            call(lexicon=lex, method="rules", **options)  # the rules decide them
            call(lexicon=LEXICON_PATH, **learned)  # the shipped lexicon: its cues are documented
            call(lexicon=lex[~lex["pattern"].isin(["arguably", "might well"])], **learned)  # known or boosters
    # what the warning is about: the model keeps few of them, the rules keep them
    assert find_stance(docs, lexicon=lex, method="rules", **options)["match"].tolist()[:2] == ["Arguably", "might well"]


def test_the_counts_of_cues_the_readme_and_find_stance_quote_are_the_shipped_lexicons():
    # README "Two methods" and find_stance's docstring: the model knows 52 cues by name; 70 of the 113 shipped
    # epistemic hedges are none of them
    from toolkit.hedging._decision import MODEL_CUES, _cue_base

    lex = load_lexicon()
    epistemic = set(lex.loc[(lex["category"] == "hedge") & (lex["kind"] == "epistemic"), "pattern"])
    unknown = {p for p in epistemic if _cue_base(p) not in MODEL_CUES}
    assert (len(MODEL_CUES), len(epistemic), len(unknown)) == (52, 113, 70)
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "knows 52 cues by name" in readme and "The other 70 of the 113 shipped epistemic entries" in readme
    assert "(70 of the 113 shipped ones" in " ".join(find_stance.__doc__.split())
