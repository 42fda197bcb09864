"""Tests of toolkit.text.place_names and its list, toolkit/data/place_names.csv."""

from __future__ import annotations

import csv
import warnings

import pytest

import toolkit as tk
from toolkit.text import PLACE_NAMES_PATH, STOP_WORDS, place_names, tokenize

KINDS = ("country", "demonym", "capital", "region")

#: Ordinary English words and generic parts of names: never in the list.
EXCLUDED = (
    "south",
    "north",
    "east",
    "west",
    "southern",
    "northern",
    "eastern",
    "western",
    "central",
    "united",
    "states",
    "state",
    "kingdom",
    "republic",
    "republics",
    "democratic",
    "people",
    "people's",
    "'s",
    "federation",
    "federated",
    "islands",
    "island",
    "new",
    "saint",
    "st",
    "san",
    "el",
    "la",
    "union",
    "arab",
    "us",
    "great",
    "holy",
    "see",
    "cape",
    "ivory",
    "male",
    "poles",
    "pacific",
    "gulf",
    "middle",
    "nam",
    "islamic",
    "socialist",
    "plurinational",
    "bolivarian",
    "sultanate",
    "principality",
    "port",
    "abu",
    "of",
    "the",
    "and",
    "indo-pacific",
    "asia-pacific",
    "euro-atlantic",
    "marshall",
    "khmer",
    "persian",
)
#: Places that are what speeches are about, not where the speaker comes from: left out.
ISSUES = ("jerusalem", "taiwan", "kosovo", "kashmir", "crimea", "gaza", "sahara", "hong", "kong")

#: States the list must cover: ISO3 -> whether the state has a distinctive demonym.
COVERED = {
    "CHN": True,
    "FRA": True,
    "GBR": True,
    "RUS": True,
    "USA": True,  # the P5
    "KOR": True,
    "PRK": False,
    "JPN": True,
    "IND": True,
    "PAK": True,
    "IDN": True,
    "VNM": True,
    "BRA": True,
    "ARG": True,
    "MEX": True,
    "CUB": True,
    "VEN": True,
    "CAN": True,
    "AUS": True,
    "ZAF": False,
    "NGA": True,
    "EGY": True,
    "ETH": True,
    "COD": True,
    "CIV": True,
    "GNB": True,
    "DEU": True,
    "ITA": True,
    "UKR": True,
    "TUR": True,
    "IRN": True,
    "ISR": True,
    "SAU": True,
    "TLS": True,
    "ARE": True,
    "PSE": True,
    "VAT": False,
}

#: Codes of UNGDC speakers since 1990 that are not states (allowed to be missing).
NOT_STATES = {"EU"}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with PLACE_NAMES_PATH.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["term", "kind", "iso3", "note"]
        return list(reader)


# --------------------------------------------------------------------------- the CSV


def test_csv_has_four_columns_on_every_row(rows):
    assert len(rows) > 800
    assert all(None not in row and all(v is not None for v in row.values()) for row in rows)


def test_terms_are_unique_lower_case_single_tokens(rows):
    terms = [row["term"] for row in rows]
    duplicates = sorted({t for t in terms if terms.count(t) > 1})
    assert not duplicates, f"duplicate terms: {duplicates}"
    assert [t for t in terms if t != t.lower() or t != t.strip() or not t] == []
    assert [t for t in terms if tokenize(t) != [t]] == []


def test_kinds_codes_and_notes(rows):
    assert {row["kind"] for row in rows} == set(KINDS)
    for row in rows:
        if row["kind"] == "region":
            assert row["iso3"] == "", row
        else:
            assert len(row["iso3"]) == 3 and row["iso3"].isupper() and row["iso3"].isalpha(), row
        assert row["note"].strip(), row


def test_all_193_member_states_and_observers(rows):
    codes = {row["iso3"] for row in rows} - {""}
    former = {"CSK", "DDR", "YUG"}  # Czechoslovakia, the GDR, Yugoslavia
    observers = {"PSE", "VAT"}
    assert former | observers <= codes
    assert len(codes - former - observers) == 193


def test_no_stop_words(rows):
    assert sorted({row["term"] for row in rows} & STOP_WORDS) == []


def test_excluded_generic_words_and_issues_are_not_in_it():
    names = place_names()
    assert sorted(names & set(EXCLUDED)) == []
    assert sorted(names & set(ISSUES)) == []


@pytest.mark.parametrize(
    "name",
    [
        "Côte d'Ivoire",
        "Cote d’Ivoire",
        "Timor-Leste",
        "Guinea-Bissau",
        "Democratic People's Republic of Korea",
        "Bosnia and Herzegovina",
        "Saint Vincent and the Grenadines",
        "São Tomé and Príncipe",
        "United Kingdom of Great Britain and Northern Ireland",
        "Lao People's Democratic Republic",
        "Union of Soviet Socialist Republics",
        "Viet Nam",
        "Republic of Korea",
        "Holy See",
    ],
)
def test_every_word_of_a_name_is_a_place_name_or_generic(name):
    left = [t for t in tokenize(name) if t not in place_names() and t not in EXCLUDED and t not in STOP_WORDS]
    assert left == []


@pytest.mark.parametrize("code", sorted(COVERED))
def test_states_have_a_country_row_and_a_demonym_row(rows, code):
    kinds = {row["kind"] for row in rows if row["iso3"] == code}
    assert "country" in kinds
    assert ("demonym" in kinds) is COVERED[code]


def test_named_examples(rows):
    kind_of = {row["term"]: row["kind"] for row in rows}
    code_of = {row["term"]: row["iso3"] for row in rows}
    for term in (
        "dprk",
        "uk",
        "usa",
        "ussr",
        "drc",
        "u.s",
        "china",
        "korea",
        "japan",
        "russia",
        "ukraine",
        "chad",
        "turkey",
        "jordan",
        "georgia",
        "niger",
        "mali",
        "peru",
        "cuba",
        "guinea",
    ):
        assert kind_of[term] == "country", term
    for term in (
        "chinese",
        "korean",
        "koreans",
        "japanese",
        "american",
        "americans",
        "russian",
        "russians",
        "ukrainian",
        "ukrainians",
        "british",
        "french",
    ):
        assert kind_of[term] == "demonym", term
    for term in ("beijing", "washington", "moscow", "seoul", "pyongyang", "tokyo", "kyiv", "kiev"):
        assert kind_of[term] == "capital", term
    for term in ("asia", "asian", "africa", "african", "europe", "european", "caribbean", "latin", "balkans", "sahel"):
        assert kind_of[term] == "region", term
    assert [code_of[t] for t in ("korea", "dprk", "pyongyang", "chinese", "kyiv")] == [
        "KOR",
        "PRK",
        "PRK",
        "CHN",
        "UKR",
    ]


# --------------------------------------------------------------------------- place_names()


def test_default_is_all_kinds(rows):
    assert place_names() == frozenset(row["term"] for row in rows)
    assert place_names() == place_names(KINDS) == place_names(None)
    assert isinstance(place_names(), frozenset)


def test_kinds_filter(rows):
    for kind in KINDS:
        expected = frozenset(row["term"] for row in rows if row["kind"] == kind)
        assert place_names([kind]) == expected
        assert place_names(kind) == expected  # a single str is one kind
        assert place_names(iter([kind])) == expected  # any iterable
    both = place_names(["country", "demonym"])
    assert both == place_names(["country"]) | place_names(["demonym"])
    assert "china" in both and "chinese" in both and "beijing" not in both and "asia" not in both
    assert place_names([]) == frozenset()


def test_unknown_kind_raises_naming_it_and_the_valid_kinds():
    with pytest.raises(ValueError, match=r"'city'.*'country', 'demonym', 'capital', 'region'"):
        place_names(["country", "city"])
    with pytest.raises(ValueError, match=r"'countries'"):
        place_names("countries")


def test_exported_and_read_once():
    assert tk.place_names is place_names
    assert "place_names" in tk.__all__ and "place_names" in tk.text.__all__
    assert "PLACE_NAMES_PATH" in tk.text.__all__
    place_names()
    before = tk.text._place_names_by_kind.cache_info()
    place_names(["region"])
    after = tk.text._place_names_by_kind.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 1


def test_removes_country_words_before_topic_modelling():
    text = "The Republic of Korea and China's Chinese partners met the DPRK in Seoul, Asia."
    kept = [t for t in tokenize(text) if t not in STOP_WORDS | place_names() | {"'s"}]
    assert kept == ["republic", "partners", "met"]


# --------------------------------------------------------------------------- the real corpus


@pytest.mark.needs_data
def test_every_ungdc_country_since_1990_is_covered(data_dir, rows):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # load_ungdc warns about the files it skips
        docs = tk.load_ungdc(data_dir / "ungdc")
    recent = docs[docs["year"] >= 1990]
    speakers = set(recent["country"].dropna().astype(str))
    assert len(speakers) > 190
    covered = {row["iso3"] for row in rows} - {""}
    missing = sorted(speakers - covered - NOT_STATES)
    assert not missing, f"UNGDC country codes since 1990 missing from {PLACE_NAMES_PATH.name}: {missing}"


def test_the_readme_gives_the_number_of_place_names():
    from toolkit.paths import PROJECT_ROOT

    assert f"`tk.place_names()` lists {len(place_names())} of them" in (PROJECT_ROOT / "README.md").read_text()
