"""Tests of toolkit.corpus: reading statements, the interview, the fingerprint, and every kind of bad input."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.paths import CORPUS_DIR, PROJECT_ROOT
from toolkit.schema import DOC_COLUMNS

FIELDS = ["doc_id", "text", "speaker", "role", "country", "venue", "date", "genre", "source", "licence"]
ROW = {
    "doc_id": "d1",
    "text": "We firmly oppose it.",
    "speaker": "Zhang Jun",
    "role": "permanent_representative",
    "country": "CHN",
    "venue": "UNSC",
    "date": "2021-03-01",
    "genre": "speech",
    "source": "S/PV.1",
    "licence": "CC0",
}
SEED_NAME = "korea-times-2021-xing-haiming-interview.txt"
# The shared copy of the interview: $TOOLKIT_DATA/seed/ first, then the shared folder beside the clone; None if neither.
SEED = next(
    (
        p
        for p in [
            *([tk.paths.data_home() / "seed" / SEED_NAME] if tk.paths.data_home() else []),
            PROJECT_ROOT.parent / "shared" / "corpora" / "seed" / SEED_NAME,
        ]
        if p.is_file()
    ),
    None,
)


def header_file(folder: Path, name: str, fields: dict[str, str], body: str = "Some text.") -> Path:
    lines = ["---"] + [f"{k}: {v}" for k, v in fields.items() if k != "text"] + ["---", body]
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def csv_text(rows: list[dict[str, str]]) -> str:
    frame = pd.DataFrame(rows)
    return frame.to_csv(index=False)


# ------------------------------------------------------------------ the interview


def test_interview_is_one_row_with_fixed_columns_and_dtypes():
    docs = tk.load_interview()
    assert len(docs) == 1
    assert list(docs.columns[: len(DOC_COLUMNS)]) == list(DOC_COLUMNS)
    assert list(docs.columns[len(DOC_COLUMNS) :]) == [
        "title",
        "author",
        "outlet",
        "place",
        "date_note",
        "text_sha256",
        "file",
    ]
    row = docs.iloc[0]
    assert row["doc_id"] == tk.INTERVIEW_ID
    assert (row["speaker"], row["role"], row["country"], row["genre"]) == (
        "Xing Haiming",
        "ambassador",
        "CHN",
        "interview",
    )
    assert row["date"] == pd.Timestamp("2021-02-05") and row["year"] == 2021
    assert str(docs["date"].dtype) == "datetime64[ns]"
    assert str(docs["year"].dtype) == "Int64"
    assert list(docs["role"].cat.categories) == list(tk.ROLES)
    assert row["text"].startswith("![]() |\nChinese Ambassador to South Korea Xing Haiming")
    assert row["text"].endswith('to the people of South Korea."')


@pytest.mark.skipif(
    SEED is None,
    reason=f"the seed copy {SEED_NAME} is neither in $TOOLKIT_DATA/seed/ "
    f"(TOOLKIT_DATA={tk.paths.data_home()}) nor in ../shared/corpora/seed/ beside the clone",
)
def test_interview_text_is_the_seed_file_byte_for_byte():
    assert tk.load_interview().loc[0, "text"] == SEED.read_text(encoding="utf-8")


def test_interview_checksum_is_recorded_correctly():
    docs = tk.load_interview()
    assert hashlib.sha256(docs.loc[0, "text"].encode()).hexdigest() == docs.loc[0, "text_sha256"]


def test_the_interview_the_package_ships_is_the_corpus_folders_byte_for_byte():
    from toolkit.corpus import INTERVIEW_PATH

    assert INTERVIEW_PATH.read_bytes() == (CORPUS_DIR / SEED_NAME).read_bytes()
    assert tk.load_interview().loc[0, "text"] == tk.read_corpus(CORPUS_DIR).loc[0, "text"]


def test_read_corpus_of_the_corpus_folder_skips_its_readme():
    docs = tk.read_corpus(CORPUS_DIR)
    assert docs["doc_id"].tolist() == [tk.INTERVIEW_ID]


# ------------------------------------------------------------------ three formats, one frame


def test_header_csv_and_jsonl_give_the_same_frame(tmp_path):
    (tmp_path / "h").mkdir()
    header_file(tmp_path / "h", "d1.txt", ROW, body=ROW["text"])
    (tmp_path / "c.csv").write_text(csv_text([ROW]), encoding="utf-8")
    (tmp_path / "j.jsonl").write_text(json.dumps(ROW) + "\n", encoding="utf-8")
    frames = [
        tk.read_corpus(p).drop(columns="file") for p in (tmp_path / "h", tmp_path / "c.csv", tmp_path / "j.jsonl")
    ]
    pd.testing.assert_frame_equal(frames[0], frames[1])
    pd.testing.assert_frame_equal(frames[0], frames[2])
    assert frames[0].loc[0, "text"] == "We firmly oppose it."


def test_header_body_is_kept_exactly_and_doc_id_defaults_to_file_stem(tmp_path):
    fields = {k: v for k, v in ROW.items() if k != "doc_id"}
    body = "Line one.\n\n  Line two, indented.\n"
    header_file(tmp_path, "my-statement.md", fields, body=body)
    docs = tk.read_corpus(tmp_path)
    assert docs.loc[0, "doc_id"] == "my-statement"
    assert docs.loc[0, "text"] == body
    assert docs.loc[0, "file"] == "my-statement.md"


def test_extra_fields_are_kept_as_strings_and_missing_ones_are_na(tmp_path):
    rows = [dict(ROW, topic="Ukraine"), dict(ROW, doc_id="d2")]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    docs = tk.read_corpus(tmp_path / "c.jsonl")
    assert docs["topic"].tolist()[0] == "Ukraine" and pd.isna(docs["topic"].tolist()[1])
    assert str(docs["topic"].dtype) == "string"


def test_empty_date_with_year_is_allowed(tmp_path):
    (tmp_path / "c.csv").write_text(csv_text([dict(ROW, date="", year="1999")]), encoding="utf-8")
    docs = tk.read_corpus(tmp_path / "c.csv")
    assert pd.isna(docs.loc[0, "date"]) and docs.loc[0, "year"] == 1999


def test_commas_and_newlines_in_quoted_csv_fields(tmp_path):
    text = 'He said, "No."\nThen he left.'
    (tmp_path / "c.csv").write_text(csv_text([dict(ROW, text=text)]), encoding="utf-8")
    assert tk.read_corpus(tmp_path / "c.csv").loc[0, "text"] == text


# ------------------------------------------------------------------ bad input: one clear error each


@pytest.mark.parametrize(
    "name, content, expected",
    [
        (
            "latin1.txt",
            "---\ndoc_id: x\n---\nCaf\xe9".encode("latin-1"),
            r"latin1\.txt, line 4: is not valid UTF-8.*Re-save",
        ),
        ("empty.txt", b"", r"empty\.txt: is empty"),
        ("blank.md", b"  \n\n", r"blank\.md: is empty"),
        ("binary.txt", b"\x00\x01\x02Bud1\x00", r"binary\.txt, line 1: is a binary file"),
        # a NUL anywhere, not only in the first 8 KiB (it was kept in the text after them)
        (
            "late.txt",
            b"---\ndoc_id: x\n---\n" + b"y" * 9000 + b"\na\x00b",
            r"late\.txt, line 5: .*the first at offset 9020",
        ),
        # UTF-16 (Excel's 'Unicode Text', Notepad's 'Unicode') is named as such, not as binary
        (
            "wide.csv",
            "doc_id,text\nx,Hello\n".encode("utf-16"),
            r"wide\.csv: is UTF-16 text \(it starts with the byte-order mark FF FE\), not UTF-8\. "
            r"Re-save it as UTF-8 \(e\.g\. iconv -f UTF-16",
        ),
        ("wider.txt", "---\ndoc_id: x\n---\nHi".encode("utf-32"), r"wider\.txt: is UTF-32 text"),
        ("noheader.txt", b"Just text.", r"noheader\.txt, line 1: has no metadata header"),
        ("unclosed.txt", b"---\ndoc_id: x\nrole: ambassador\n", r"unclosed\.txt: the metadata header is not closed"),
        (
            "badline.txt",
            b"---\ndoc_id: x\nthis is not a field\n---\ntext",
            r"badline\.txt, line 3: malformed header line",
        ),
        ("twice.txt", b"---\ndoc_id: x\ndoc_id: y\n---\ntext", r"twice\.txt, line 3: the header gives 'doc_id' twice"),
    ],
)
def test_bad_text_files_raise_naming_file_line_and_fix(tmp_path, name, content, expected):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(tk.CorpusFormatError, match=expected):
        tk.read_corpus(tmp_path)


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"role": "envoy"}, r"role='envoy' is invalid\. Use one of ambassador, permanent_representative"),
        ({"genre": "tweet"}, r"genre='tweet' is invalid\. Use one of interview, speech"),
        ({"country": "China"}, r"country='China' is not an ISO 3166-1 alpha-3 code"),
        ({"date": "05/02/2021"}, r"date='05/02/2021' is not a date\. Write it as YYYY-MM-DD"),
        ({"date": "2021-02-30"}, r"date='2021-02-30' is not a date"),
        ({"date": ""}, r"neither date nor year is given"),
        ({"venue": ""}, r"the field\(s\) 'venue' are empty"),
        ({"year": "2020"}, r"year='2020' does not agree with date='2021-03-01'"),
    ],
)
def test_bad_fields_raise_naming_the_csv_row(tmp_path, change, expected):
    rows = [dict(ROW, doc_id="ok"), dict(ROW, **change)]
    (tmp_path / "c.csv").write_text(csv_text(rows), encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=r"c\.csv, line 3: " + expected):
        tk.read_corpus(tmp_path / "c.csv")


def test_missing_required_field_names_it(tmp_path):
    fields = {k: v for k, v in ROW.items() if k != "licence"}
    header_file(tmp_path, "a.txt", fields)
    with pytest.raises(tk.CorpusFormatError, match=r"a\.txt: the document lacks the required field 'licence'\."):
        tk.read_corpus(tmp_path)


EVERY = (
    "Every document needs the fields doc_id, text, speaker, role, country, venue, date, genre, source, licence; "
    "speaker and date may be empty, but not absent."
)


def test_year_without_a_date_field_says_to_keep_date_empty(tmp_path):
    # issue 17: "the required field(s) 'date' are missing ... (speaker and date may be empty)" contradicted itself
    row = {k: v for k, v in ROW.items() if k != "date"} | {"year": "2014"}
    (tmp_path / "c.csv").write_text(csv_text([row, dict(row, doc_id="d2")]), encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError) as err:
        tk.read_corpus(tmp_path / "c.csv")
    assert str(err.value) == (
        f"{tmp_path / 'c.csv'}, line 1: the header lacks the required column 'date': it gives year, but date is "
        "required too. When only the year is known, keep a date column with empty cells; the year is read from "
        f"year. {EVERY}"
    )
    # one report for the file (the header), not one per row
    with pytest.warns(UserWarning, match="skipped 1 bad document"):
        skipped = tk.read_corpus(tmp_path, errors="skip").attrs["skipped"]
    assert [(s["line"], s["problem"]) for s in skipped] == [(1, str(err.value))]
    # the fix works: an empty date column, the year read from year
    (tmp_path / "c.csv").write_text(csv_text([dict(row, date="")]), encoding="utf-8")
    docs = tk.read_corpus(tmp_path / "c.csv")
    assert docs["date"].isna().all() and docs["year"].tolist() == [2014]
    # the same in a header file and in JSON Lines, which have fields instead of columns
    header_file(tmp_path, "h.txt", row)
    with pytest.raises(tk.CorpusFormatError) as err:
        tk.read_corpus(tmp_path / "h.txt")
    assert str(err.value) == (
        f"{tmp_path / 'h.txt'}: the document lacks the required field 'date': it gives year, but date is required "
        "too. When only the year is known, keep date with an empty value ('date:' in a header, \"date\": null in "
        f"JSON); the year is read from year. {EVERY}"
    )
    (tmp_path / "j.jsonl").write_text(json.dumps(dict(row, date=None)), encoding="utf-8")
    assert tk.read_corpus(tmp_path / "j.jsonl")["year"].tolist() == [2014]


def test_a_csv_header_without_required_columns_is_one_error_on_line_1(tmp_path):
    row = {k: v for k, v in ROW.items() if k not in ("source", "licence")}
    (tmp_path / "c.csv").write_text(csv_text([row]), encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError) as err:
        tk.read_corpus(tmp_path / "c.csv")
    assert str(err.value) == (
        f"{tmp_path / 'c.csv'}, line 1: the header lacks the required columns 'source', 'licence'. {EVERY}"
    )


@pytest.mark.parametrize(("sep", "name"), [(";", "semicolon"), ("\t", "tab"), ("|", "pipe (|)")])
def test_a_csv_written_with_another_delimiter_is_named_and_read_with_delimiter(tmp_path, sep, name):
    frame = pd.DataFrame([ROW, dict(ROW, doc_id="d2", text="We oppose it; firmly, and again.")])
    path = tmp_path / "c.csv"
    frame.to_csv(path, sep=sep, index=False)
    with pytest.raises(tk.CorpusFormatError) as err:
        tk.read_corpus(path)
    header = sep.join(FIELDS)
    assert str(err.value) == (
        f"{path}, line 1: this file looks {name}-delimited: read with ',' between fields its header is one "
        f"column, {header!r}, which {sep!r} splits into the fields {', '.join(FIELDS)}. Read it with "
        f"read_corpus(path, delimiter={sep!r}) (toolkit hedges or keyness: --delimiter {sep!r}), or re-save it "
        f"comma-delimited, e.g. pandas.read_csv(FILE, sep={sep!r}, dtype=str, keep_default_na=False)"
        ".to_csv(OUT, index=False)."
    )
    docs = tk.read_corpus(path, delimiter=sep)
    assert docs["doc_id"].tolist() == ["d1", "d2"] and docs.loc[1, "text"] == "We oppose it; firmly, and again."
    expected = tk.read_corpus(_comma_copy(frame, tmp_path))
    pd.testing.assert_frame_equal(docs.drop(columns="file"), expected.drop(columns="file"))
    # and the other way round: a comma file read with delimiter=";" is named comma-delimited
    with pytest.raises(tk.CorpusFormatError, match=r"this file looks comma-delimited: read with ';' between"):
        tk.read_corpus(_comma_copy(frame, tmp_path), delimiter=";")


def _comma_copy(frame: pd.DataFrame, folder: Path) -> Path:
    path = folder / "comma" / "c.csv"
    path.parent.mkdir(exist_ok=True)
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("bad", ["", ";;", "a", "1", '"', "\n", 3, None])
def test_delimiter_must_be_one_character(tmp_path, bad):
    (tmp_path / "c.csv").write_text(csv_text([ROW]), encoding="utf-8")
    with pytest.raises(ValueError, match=r"delimiter=.* is invalid; must be one character that is not a letter"):
        tk.read_corpus(tmp_path / "c.csv", delimiter=bad)


def test_duplicated_doc_id_across_files_names_both(tmp_path):
    header_file(tmp_path, "a.txt", ROW)
    (tmp_path / "b.jsonl").write_text(json.dumps(ROW), encoding="utf-8")
    with pytest.raises(
        tk.CorpusFormatError, match=r"b\.jsonl, line 1: doc_id 'd1' is duplicated \(first seen in .*a\.txt\)"
    ):
        tk.read_corpus(tmp_path)


def test_malformed_csv_row_and_json_line(tmp_path):
    text = csv_text([ROW]) + "d2,too,few\n"
    (tmp_path / "c.csv").write_text(text, encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=r"c\.csv, line 3: the row has 3 fields but the header names 10"):
        tk.read_corpus(tmp_path / "c.csv")
    (tmp_path / "j.jsonl").write_text(json.dumps(ROW) + '\n{"doc_id": "d2", \n', encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=r"j\.jsonl, line 2: malformed JSON line"):
        tk.read_corpus(tmp_path / "j.jsonl")
    (tmp_path / "k.jsonl").write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=r"k\.jsonl, line 1: malformed JSON line \(it is a JSON list"):
        tk.read_corpus(tmp_path / "k.jsonl")


def test_corpus_format_error_is_a_value_error():
    assert issubclass(tk.CorpusFormatError, ValueError)


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"errors='ignore' is invalid; must be one of 'raise', 'skip'"):
        tk.read_corpus(tmp_path, errors="ignore")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        tk.read_corpus(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="holds no file to read"):
        tk.read_corpus(tmp_path)
    (tmp_path / "x.docx").write_bytes(b"PK")
    with pytest.raises(tk.CorpusFormatError, match=r"x\.docx: has the extension '\.docx'"):
        tk.read_corpus(tmp_path / "x.docx")


# ------------------------------------------------------------------ skipping: nothing silently lost


def test_skip_reports_every_bad_document_and_keeps_the_good(tmp_path):
    header_file(tmp_path, "good.txt", dict(ROW, doc_id="good"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x00")
    rows = [dict(ROW, doc_id="r1"), dict(ROW, doc_id="r2", role="envoy"), dict(ROW, doc_id="good")]
    (tmp_path / "t.csv").write_text(csv_text(rows) + "r4,short\n", encoding="utf-8")
    (tmp_path / "u.jsonl").write_text(json.dumps(dict(ROW, doc_id="j1")) + "\nnot json\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"skipped 6 bad document\(s\)"):
        docs = tk.read_corpus(tmp_path, errors="skip")
    assert sorted(docs["doc_id"]) == ["good", "j1", "r1"]
    skipped = docs.attrs["skipped"]
    problems = sorted((Path(s["source"]).name, s["line"]) for s in skipped)
    assert problems == [
        ("bin.txt", 1),
        ("empty.txt", None),
        ("t.csv", 3),
        ("t.csv", 4),
        ("t.csv", 5),
        ("u.jsonl", 2),
    ]
    inputs = 1 + 1 + 1 + 4 + 2  # documents offered: 3 files, 4 CSV rows, 2 JSON lines
    assert len(docs) + len(skipped) == inputs


def test_skip_with_only_bad_documents_returns_an_empty_frame(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.warns(UserWarning):
        docs = tk.read_corpus(tmp_path, errors="skip")
    assert len(docs) == 0 and list(docs.columns[: len(DOC_COLUMNS)]) == list(DOC_COLUMNS)


# ------------------------------------------------------------------ fingerprint


def test_fingerprint_matches_a_hand_computed_digest():
    docs = pd.DataFrame({"doc_id": ["b", "a"], "text": ["zwei", "eins"]})
    digest = hashlib.sha256()
    for part in ["a", "eins", "b", "zwei"]:
        digest.update(len(part.encode()).to_bytes(8, "little") + part.encode())
    assert tk.corpus_fingerprint(docs) == digest.hexdigest()[:16]


def test_fingerprint_changes_with_text_or_id_but_not_order_or_metadata():
    docs = tk.load_interview()
    base = tk.corpus_fingerprint(docs)
    assert base == tk.corpus_fingerprint(docs.assign(speaker="someone else"))
    assert base != tk.corpus_fingerprint(docs.assign(text=docs["text"] + " "))
    assert base != tk.corpus_fingerprint(docs.assign(doc_id="other"))
    # the id/text boundary is unambiguous: ("ab", "c") differs from ("a", "bc")
    one = pd.DataFrame({"doc_id": ["ab"], "text": ["c"]})
    two = pd.DataFrame({"doc_id": ["a"], "text": ["bc"]})
    assert tk.corpus_fingerprint(one) != tk.corpus_fingerprint(two)
    assert len(tk.corpus_fingerprint(docs, length=64)) == 64
    with pytest.raises(ValueError, match="length=4 is invalid"):
        tk.corpus_fingerprint(docs, length=4)


def test_describe_corpus_by_hand():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "text": ["One two three.", "Four.", "", "Five six."],
            "country": ["CHN", "CHN", None, "USA"],
        }
    )
    table = tk.describe_corpus(docs, by="country")
    assert list(table.columns) == ["country", "n_docs", "tokens", "median_tokens", "min_tokens", "max_tokens"]
    assert table["country"].dtype == docs["country"].dtype
    assert [str(t) for t in table.dtypes[1:]] == ["int64", "int64", "float64", "int64", "int64"]
    # by documents, then by the key; the missing country is a group of its own, after the others
    assert table.drop(columns="country").values.tolist() == [[2, 4, 2.0, 1, 3], [1, 2, 2.0, 2, 2], [1, 0, 0.0, 0, 0]]
    assert table["country"].iloc[:2].tolist() == ["CHN", "USA"] and pd.isna(table["country"].iloc[2])
    assert tk.describe_corpus(docs, by=None)[["group", "n_docs"]].values.tolist() == [["all", 4]]


def test_repeated_fields_and_non_scalar_values_are_errors_not_silent_overwrites(tmp_path):
    (tmp_path / "c.csv").write_text(
        csv_text([ROW]).replace("licence\n", "licence,Text\n", 1).replace("CC0\n", "CC0,other\n"), encoding="utf-8"
    )
    with pytest.raises(tk.CorpusFormatError, match=r"c\.csv, line 1: the header names 'text' more than once"):
        tk.read_corpus(tmp_path / "c.csv")
    (tmp_path / "j.jsonl").write_text(json.dumps(dict(ROW, Title="A", title="B")), encoding="utf-8")
    with pytest.raises(
        tk.CorpusFormatError, match=r"j\.jsonl, line 1: the field\(s\) 'title' are given more than once"
    ):
        tk.read_corpus(tmp_path / "j.jsonl")
    (tmp_path / "k.jsonl").write_text(json.dumps(dict(ROW, text=["a", "b"])), encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=r"k\.jsonl, line 1: a value is a list or an object"):
        tk.read_corpus(tmp_path / "k.jsonl")


def test_an_empty_speaker_is_unknown():
    (row,) = [dict(ROW, speaker="")]
    docs = tk.as_docs([row])
    assert pd.isna(docs.loc[0, "speaker"])


def test_year_and_date_must_agree():
    docs = tk.as_docs([dict(ROW, date="2021-02-05", year=2021)])
    assert int(docs.loc[0, "year"]) == 2021
    with pytest.raises(ValueError, match=r"year=2020 and date=2021-02-05 of doc_id .* disagree"):
        tk.as_docs([dict(ROW, date="2021-02-05", year=2020)])


def test_a_date_with_a_time_zone_is_a_clear_error_not_a_type_error():
    frame = tk.as_docs([ROW])
    frame["date"] = frame["date"].dt.tz_localize("Asia/Seoul")
    with pytest.raises(ValueError, match=r"date has a time zone \(Asia/Seoul\).*tz_localize\(None\)"):
        tk.as_docs(frame)
    frame["date"] = frame["date"].dt.tz_localize(None)
    assert tk.as_docs(frame)["date"].dtype == "datetime64[ns]"


# ------------------------------------------------------------------ issue 10: nothing lost, every failure clear


def test_csv_row_with_an_unescaped_quote_costs_that_row_alone(tmp_path):
    rows = [dict(ROW, doc_id=f"r{i}") for i in range(1, 5)]
    lines = csv_text(rows).splitlines(keepends=True)
    lines[3] = lines[3].replace("We firmly oppose it.", '"We "oppose" it"')  # the 3rd row, on line 4
    (tmp_path / "c.csv").write_text("".join(lines), encoding="utf-8")
    with pytest.warns(UserWarning, match=r"skipped 1 bad document"):
        docs = tk.read_corpus(tmp_path / "c.csv", errors="skip")
    assert docs["doc_id"].tolist() == ["r1", "r2", "r4"]
    (skip,) = docs.attrs["skipped"]
    assert skip["line"] == 4 and "malformed CSV" in skip["problem"] and "double every quote" in skip["problem"]
    with pytest.raises(tk.CorpusFormatError, match=r"c\.csv, line 4: malformed CSV"):
        tk.read_corpus(tmp_path / "c.csv")


def test_csv_row_with_an_unclosed_quote_does_not_swallow_the_rows_after_it(tmp_path):
    rows = [dict(ROW, doc_id=f"r{i}", text=f"Text {i}, with a comma.") for i in range(1, 6)]
    lines = csv_text(rows).splitlines(keepends=True)
    lines[2] = lines[2].replace('"Text 2, with a comma."', '"Text 2, with a comma.')  # never closed
    (tmp_path / "c.csv").write_text("".join(lines), encoding="utf-8")
    with pytest.warns(UserWarning):
        docs = tk.read_corpus(tmp_path / "c.csv", errors="skip")
    assert docs["doc_id"].tolist() == ["r1", "r3", "r4", "r5"]
    assert [s["line"] for s in docs.attrs["skipped"]] == [3]


def test_a_multi_line_row_that_is_bad_reports_its_lines_and_keeps_the_next_rows(tmp_path):
    good = csv_text([dict(ROW, doc_id="r1"), dict(ROW, doc_id="r3")]).splitlines(keepends=True)
    bad = 'r2,"Line one\nline two",only,five,fields\n'
    (tmp_path / "c.csv").write_text(good[0] + good[1] + bad + good[2], encoding="utf-8")
    with pytest.warns(UserWarning):
        docs = tk.read_corpus(tmp_path / "c.csv", errors="skip")
    assert docs["doc_id"].tolist() == ["r1", "r3"]
    lines = [s["line"] for s in docs.attrs["skipped"]]
    assert lines[0] == 3 and "runs to line 4" in docs.attrs["skipped"][0]["problem"]
    assert lines == [3, 4]  # the continuation line is reported too: every line is accounted for


def test_csv_texts_longer_than_the_csv_modules_field_limit_load(tmp_path):
    import csv

    text = ("We firmly oppose it, and we say so. " * 6000)[:200_000]
    assert len(text) > csv.field_size_limit()
    (tmp_path / "c.csv").write_text(csv_text([ROW, dict(ROW, doc_id="long", text=text)]), encoding="utf-8")
    docs = tk.read_corpus(tmp_path / "c.csv")
    assert docs.loc[1, "text"] == text
    assert csv.field_size_limit() == 131072  # the process-wide limit is restored


@pytest.mark.parametrize(
    "name, advice",
    [
        ("statement.docx", r"word-processor document: save it as plain text"),
        ("statement.doc", r"word-processor document"),
        ("statement.pdf", r"pdftotext"),
        ("statements.json", r"JSON Lines \(\.jsonl\)"),
        ("statements.tsv", r"comma-separated \.csv"),
        ("statement.text", r"Rename it to \.txt"),
        ("NOTES", r"has no extension"),
        ("statement.xyz", r"read_corpus reads \.txt and \.md files"),
    ],
)
def test_a_file_of_another_kind_in_a_corpus_folder_is_an_error_naming_it(tmp_path, name, advice):
    header_file(tmp_path, "good.txt", ROW)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / name).write_bytes(b"PK\x03\x04 not a statement")
    with pytest.raises(tk.CorpusFormatError, match=rf"sub/{name.replace('.', '[.]')}: .*{advice}"):
        tk.read_corpus(tmp_path)


def test_every_file_in_a_folder_is_a_document_a_skip_or_an_ignored_entry(tmp_path):
    header_file(tmp_path, "good.txt", dict(ROW, doc_id="good"))
    header_file(tmp_path, "readme_notes.txt", dict(ROW, doc_id="notes"))  # a document, not a README
    (tmp_path / "README.md").write_text("About this folder.", encoding="utf-8")
    for name in ("a.docx", "b.pdf", "c.doc", "d.json", "e.tsv", "f.text", "readme_todo.txt"):
        (tmp_path / "deep" / "er").mkdir(parents=True, exist_ok=True)
        (tmp_path / "deep" / "er" / name).write_text("x", encoding="utf-8")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    header_file(tmp_path / ".ipynb_checkpoints", "good-checkpoint.txt", dict(ROW, doc_id="good"))
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    with pytest.warns(UserWarning, match=r"skipped 7 bad document"):
        docs = tk.read_corpus(tmp_path, errors="skip")
    assert sorted(docs["doc_id"]) == ["good", "notes"]
    skipped = sorted(Path(s["source"]).name for s in docs.attrs["skipped"])
    assert skipped == ["a.docx", "b.pdf", "c.doc", "d.json", "e.tsv", "f.text", "readme_todo.txt"]
    ignored = [d["source"] for d in docs.attrs["ignored"]]
    assert ignored == [".DS_Store", ".ipynb_checkpoints", "README.md"]
    # the accounting: every entry under the folder is a row, a skip, or (inside) an ignored entry
    accounted = (
        set(docs["file"])
        | {Path(s["source"]).relative_to(tmp_path).as_posix() for s in docs.attrs["skipped"]}
        | set(ignored)
    )
    for file in tmp_path.rglob("*"):
        rel = file.relative_to(tmp_path).as_posix()
        if file.is_file():
            assert rel in accounted or rel.split("/")[0] in accounted, rel


def test_a_header_only_csv_is_a_format_error_not_file_not_found(tmp_path):
    (tmp_path / "c.csv").write_text(",".join(FIELDS) + "\n", encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=r"c\.csv, line 1: has a header row but no documents"):
        tk.read_corpus(tmp_path / "c.csv")
    header_file(tmp_path, "good.txt", ROW)
    with pytest.warns(UserWarning, match="skipped 1"):
        docs = tk.read_corpus(tmp_path, errors="skip")
    assert len(docs) == 1 and docs.attrs["skipped"][0]["source"].endswith("c.csv")


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"date": "", "year": "²"}, r"year='²' is not a year"),
        ({"date": "", "year": "99999999999999999999"}, r"year='99999999999999999999' is not a year"),
        ({"date": "", "year": "0"}, r"year='0' is not a year"),
        ({"date": "1600-01-01"}, r"date='1600-01-01' is outside .*1677-09-22 to 2262-04-11.*year: 1600"),
        ({"date": "2262-05-01"}, r"date='2262-05-01' is outside"),
        ({"date": "2021-02-30"}, r"date='2021-02-30' is not a date"),
        ({"date": "２０２１-02-05"}, r"is not a date"),
        ({"country": "CH\nN"}, r"country='CH\\nN' is not an ISO"),
        ({"file": "orig.doc"}, r"has a field 'file', which read_corpus fills"),
    ],
)
def test_bad_values_are_format_errors_and_do_not_abort_skip(tmp_path, change, expected):
    rows = [dict(ROW, doc_id="ok1"), {**ROW, "doc_id": "bad", **change}, dict(ROW, doc_id="ok2")]
    (tmp_path / "j.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=rf"j\.jsonl, line 2: .*{expected}"):
        tk.read_corpus(tmp_path / "j.jsonl")
    with pytest.warns(UserWarning, match="skipped 1"):
        docs = tk.read_corpus(tmp_path / "j.jsonl", errors="skip")
    assert docs["doc_id"].tolist() == ["ok1", "ok2"]


def test_the_earliest_and_latest_storable_dates_load():
    docs = tk.as_docs([dict(ROW, doc_id="a", date=tk.schema.DATE_MIN), dict(ROW, doc_id="b", date=tk.schema.DATE_MAX)])
    assert docs["year"].tolist() == [1677, 2262]


def test_surrounding_whitespace_of_metadata_is_not_kept_but_the_text_is(tmp_path):
    row = dict(ROW, country="CHN\n", speaker="  Zhang Jun ", text="  Spaced.\n")
    (tmp_path / "j.jsonl").write_text(json.dumps(row), encoding="utf-8")
    docs = tk.read_corpus(tmp_path / "j.jsonl")
    assert (docs.loc[0, "country"], docs.loc[0, "speaker"], docs.loc[0, "text"]) == ("CHN", "Zhang Jun", "  Spaced.\n")


def test_a_user_file_column_in_a_csv_is_an_error_not_overwritten(tmp_path):
    (tmp_path / "c.csv").write_text(csv_text([dict(ROW, file="orig.docx")]), encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=r"c\.csv, line 1: has a field 'file'.*Rename the field"):
        tk.read_corpus(tmp_path / "c.csv")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_errors_not_the_string_nan(tmp_path, value):
    (tmp_path / "j.jsonl").write_text(json.dumps(ROW)[:-1] + f', "title": {value}}}', encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=rf"j\.jsonl, line 1: malformed JSON line \({value} is not"):
        tk.read_corpus(tmp_path / "j.jsonl")
    (tmp_path / "j.jsonl").write_text(json.dumps(ROW).replace('"We firmly oppose it."', value), encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=r"malformed JSON line"):
        tk.read_corpus(tmp_path / "j.jsonl")


def test_json_duplicate_keys_are_an_error_not_collapsed(tmp_path):
    line = json.dumps(ROW)[:-1] + ', "text": "Another text."}'
    (tmp_path / "j.jsonl").write_text(line, encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=r"line 1: the field\(s\) 'text' are given more than once"):
        tk.read_corpus(tmp_path / "j.jsonl")


def test_json_numbers_too_large_for_a_float_are_an_error(tmp_path):
    (tmp_path / "j.jsonl").write_text(json.dumps(ROW)[:-1] + ', "session": 1e400}', encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=r"line 1: a number is too large"):
        tk.read_corpus(tmp_path / "j.jsonl")


@pytest.mark.parametrize("year", ["²", 99999999999999999999, 0, 2.5, True, "20 21"])
def test_as_docs_rejects_years_that_are_not_years_naming_the_doc(year):
    with pytest.raises(ValueError, match=r"year=.* of doc_id 'd1' is not a year"):
        tk.as_docs([dict(ROW, date="", year=year)])


def test_as_docs_rejects_dates_outside_the_nanosecond_range_naming_the_doc():
    with pytest.raises(ValueError, match=r"date=1600-01-01 of doc_id 'd1' is outside .* give the year \(1600\)"):
        tk.as_docs([dict(ROW, date="1600-01-01")])
    frame = pd.DataFrame([ROW]).assign(date=pd.Series(["2300-01-01"], dtype="datetime64[s]"))
    with pytest.raises(ValueError, match=r"date=2300-01-01 of doc_id 'd1' is outside"):
        tk.as_docs(frame)


def test_describe_corpus_keeps_by_columns_and_never_merges_groups():
    # ("A | B", "C") and ("A", "B | C") were one group, "A | B | C", of 3 documents
    docs = pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3"],
            "text": ["We agree.", "We may agree.", "Perhaps."],
            "a": ["A | B", "A", "A"],
            "b": ["C", "B | C", "B | C"],
            "year": [2001, 2002, 2002],
        }
    )
    table = tk.describe_corpus(docs, by=["a", "b", "year"])
    assert list(table.columns[:4]) == ["a", "b", "year", "n_docs"]
    assert table["year"].dtype == "int64"
    assert table[["a", "b", "year", "n_docs", "tokens"]].values.tolist() == [
        ["A", "B | C", 2002, 2, 4],
        ["A | B", "C", 2001, 1, 2],
    ]


def test_describe_corpus_refuses_missing_texts_instead_of_counting_none():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["We agree.", None], "role": ["r", "r"]})
    with pytest.raises(ValueError, match="doc_id 'b'"):
        tk.describe_corpus(docs, by="role")


def test_a_broken_link_in_a_folder_is_reported_not_a_raw_file_not_found(tmp_path):
    header_file(tmp_path, "good.txt", ROW)
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")
    with pytest.raises(tk.CorpusFormatError, match=r"broken\.txt: is not a regular file"):
        tk.read_corpus(tmp_path)
    with pytest.warns(UserWarning, match="skipped 1"):
        docs = tk.read_corpus(tmp_path, errors="skip")
    assert docs["doc_id"].tolist() == ["d1"]


def test_a_folder_link_back_up_is_listed_not_read_again(tmp_path):
    header_file(tmp_path, "good.txt", ROW)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    docs = tk.read_corpus(tmp_path)
    assert docs["doc_id"].tolist() == ["d1"]
    assert docs.attrs["ignored"] == [{"source": "sub/loop", "reason": "a link to the folder ., read there"}]


def test_a_linked_file_or_folder_is_read_once_where_it_is_not_a_link(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "real").mkdir(parents=True)
    header_file(corpus / "real", "statement.txt", ROW)
    (corpus / "copy.txt").symlink_to(corpus / "real" / "statement.txt")  # a file link, met first in order
    (corpus / "a_view").symlink_to(corpus / "real", target_is_directory=True)  # a folder link, met first
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    header_file(outside, "annexed.txt", {**ROW, "doc_id": "d2"})
    (corpus / "annexed.txt").symlink_to(outside / "annexed.txt")  # out of the tree (git-annex): read
    docs = tk.read_corpus(corpus)
    assert docs[["doc_id", "file"]].values.tolist() == [["d2", "annexed.txt"], ["d1", "real/statement.txt"]]
    assert docs.attrs["ignored"] == [
        {"source": "a_view", "reason": "a link to the folder real, read there"},
        {"source": "copy.txt", "reason": "a link to real/statement.txt, read there"},
    ]


def test_two_links_to_one_stored_content_are_two_documents(tmp_path):
    # git-annex keeps a file's content once and links each name to it: two names are two documents, here with
    # the same doc_id, which read_corpus names (not merged into one, as reading a linked file once would)
    store = tmp_path / ".git" / "annex" / "objects"
    store.mkdir(parents=True)
    header_file(store, "SHA256E-s99--ab12.txt", ROW)
    (tmp_path / "one.txt").symlink_to(store / "SHA256E-s99--ab12.txt")
    (tmp_path / "two.txt").symlink_to(store / "SHA256E-s99--ab12.txt")
    with pytest.raises(tk.CorpusFormatError, match=r"two\.txt.*doc_id 'd1' is duplicated \(first seen in .*one\.txt"):
        tk.read_corpus(tmp_path)


def test_a_readme_a_loop_and_a_hidden_folder_behind_links(tmp_path):
    store = tmp_path / ".store"
    store.mkdir()
    header_file(store, "kept.txt", ROW)
    (tmp_path / "README.md").symlink_to(store / "kept.txt")  # a README, link or not, is documentation
    (tmp_path / "loop_a.txt").symlink_to(tmp_path / "loop_b.txt")  # a loop of links: reported, not a crash
    (tmp_path / "loop_b.txt").symlink_to(tmp_path / "loop_a.txt")
    (tmp_path / "view").symlink_to(store, target_is_directory=True)  # a folder read only through the link
    with pytest.warns(UserWarning, match="skipped 2"):
        docs = tk.read_corpus(tmp_path, errors="skip")
    assert docs["file"].tolist() == ["view/kept.txt"]
    assert [d["source"] for d in docs.attrs["skipped"]] == [str(tmp_path / "loop_a.txt"), str(tmp_path / "loop_b.txt")]
    assert [(d["source"], d["reason"][:8]) for d in docs.attrs["ignored"]] == [
        (".store", "hidden f"),
        ("README.md", "a README"),
    ]
    with pytest.raises(tk.CorpusFormatError, match=r"loop_a\.txt: is not a regular file"):
        tk.read_corpus(tmp_path)


def test_a_folder_met_again_through_a_link_above_the_corpus_is_not_read_twice(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    header_file(corpus, "good.txt", ROW)
    (corpus / "up").symlink_to(tmp_path, target_is_directory=True)  # the folder holding the corpus
    header_file(tmp_path, "beside.txt", {**ROW, "doc_id": "d2"})
    docs = tk.read_corpus(corpus)
    assert docs[["doc_id", "file"]].values.tolist() == [["d1", "good.txt"], ["d2", "up/beside.txt"]]
    assert docs.attrs["ignored"] == [{"source": "up/corpus", "reason": "the folder ., read there"}]


def test_a_file_name_that_is_not_utf8_is_reported_not_a_crash(tmp_path):
    good = "---\ndoc_id: {}\nspeaker: A\nrole: ambassador\ncountry: CHN\nvenue: UNSC\ndate: 2021-02-01\n"
    good += "genre: speech\nsource: x\nlicence: CC0\n---\nWe firmly oppose it.\n"
    (tmp_path / "good.txt").write_text(good.format("good"), encoding="utf-8")
    try:  # a Latin-1 name, as a Windows archive unzipped leaves it (file systems that refuse it skip the test)
        with open(os.fsencode(tmp_path) + b"/caf\xe9.txt", "w", encoding="utf-8") as f:
            f.write(good.format("cafe"))
    except OSError as err:
        pytest.skip(f"this file system takes only UTF-8 names: {err}")
    with pytest.warns(UserWarning, match="read_corpus skipped 1"):
        docs = tk.read_corpus(tmp_path, errors="skip")
    assert docs["doc_id"].tolist() == ["good"]
    [skip] = docs.attrs["skipped"]
    assert skip["source"].endswith("caf\\xe9.txt") and "has a name that is not UTF-8" in skip["problem"]
    with pytest.raises(tk.CorpusFormatError, match=r"caf\\xe9\.txt: has a name that is not UTF-8.*Rename it"):
        tk.read_corpus(tmp_path)
    # a folder above the one read may have any name: the frame keeps the path below it
    above = os.fsencode(tmp_path) + b"/Entrevista\xe9s"
    os.mkdir(above)
    with open(above + b"/good.txt", "w", encoding="utf-8") as f:
        f.write(good.format("inside"))
    assert tk.read_corpus(os.fsdecode(above))["doc_id"].tolist() == ["inside"]


@pytest.mark.parametrize("path", ["", "  ", None, 123])
def test_read_corpus_refuses_a_path_that_is_not_one(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # Path("") is the working folder: it must not be read
    (tmp_path / "a.csv").write_text("doc_id,text\nx,Hello.\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"read_corpus: path={re.escape(repr(path))} is invalid; pass a folder"):
        tk.read_corpus(path)


def test_old_mac_line_endings_are_lines_in_every_format(tmp_path):
    # a lone CR ends a line in a header file and a JSONL file, as it does in a CSV; the text keeps it as written
    fields = "\r".join(f"{k}: {v}" for k, v in ROW.items() if k not in ("text", "doc_id"))
    (tmp_path / "mac.txt").write_bytes(f"---\rdoc_id: m1\r{fields}\r---\rFirst line.\rSecond.\r".encode())
    line = (
        '{{"doc_id": "{}", "text": "Hi.", '
        + ", ".join(f'"{k}": "{v}"' for k, v in ROW.items() if k not in ("text", "doc_id"))
        + "}}"
    )
    (tmp_path / "mac.jsonl").write_bytes((line.format("j1") + "\r" + line.format("j2") + "\r").encode())
    docs = tk.read_corpus(tmp_path).set_index("doc_id")
    assert sorted(docs.index) == ["j1", "j2", "m1"]
    assert docs.loc["m1", "text"] == "First line.\rSecond.\r"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # a trailing comma, or pandas' index: a column with no name, whose values were kept under ''
        ("doc_id,text,speaker,role,country,venue,date,genre,source,licence,", r"no name for column\(s\) 11 of 11"),
        (
            ",doc_id,text,speaker,role,country,venue,date,genre,source,licence",
            r"no name for column\(s\) 1 of 11.*index=False",
        ),
        ("doc_id,text,speaker,role,country,venue,date,genre,source,licence,,", r"no name for column\(s\) 11, 12 of 12"),
    ],
)
def test_a_csv_header_with_a_column_of_no_name_is_refused(tmp_path, header, expected):
    row = ",".join(ROW[k] for k in header.strip(",").split(",") if k)
    row = ("0," + row) if header.startswith(",") else row + "," * (header.count(",") - 9)
    (tmp_path / "a.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(tk.CorpusFormatError, match=rf"a\.csv, line 1: the header has {expected}"):
        tk.read_corpus(tmp_path)


@pytest.mark.parametrize("sep", [";", "\t", ","])
def test_excels_delimiter_line_is_named(tmp_path, sep):
    (tmp_path / "a.csv").write_text(f"sep={sep}\ndoc_id{sep}text\nx{sep}Hello.\n", encoding="utf-8")
    then = f" and pass delimiter={sep!r}." if sep != "," else "."
    with pytest.raises(tk.CorpusFormatError) as caught:
        tk.read_corpus(tmp_path, delimiter=sep)
    message = f"a.csv, line 1: starts with Excel's delimiter line 'sep={sep}', not with the header. "
    assert str(caught.value).endswith((message + f"Delete that first line{then}").replace("\t", "\\t"))


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_byte_that_is_not_utf8_costs_its_row_alone_when_skipping(tmp_path, suffix):
    # one Latin-1 byte in row d3 lost the whole file's rows with errors="skip", reported as one document
    rows = [dict(ROW, doc_id=f"d{i}", text=f"Text {i}.") for i in range(1, 5)]
    if suffix == ".csv":
        data = csv_text(rows).encode("utf-8")
    else:
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    data = data.replace(b"Text 3.", b"T\xe9xt 3.")
    (tmp_path / f"a{suffix}").write_bytes(data)
    with pytest.warns(UserWarning, match=r"skipped 1"):
        docs = tk.read_corpus(tmp_path, errors="skip")
    assert docs["doc_id"].tolist() == ["d1", "d2", "d4"]
    (problem,) = docs.attrs["skipped"]
    assert problem["line"] == (4 if suffix == ".csv" else 3)
    assert "not valid UTF-8 in this row (byte 0xe9); the rest of the file is read" in problem["problem"]
    with pytest.raises(tk.CorpusFormatError, match=r"is not valid UTF-8 \(byte 0xe9 at offset"):
        tk.read_corpus(tmp_path)  # errors="raise": the file, as before
