"""Tests of toolkit.datasets: tiny synthetic corpora, a local download server, and the real corpora."""

from __future__ import annotations

import csv
import hashlib
import http.server
import io
import json
import os
import socket
import tarfile
import threading
import warnings
import zipfile
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from toolkit import datasets as ds
from toolkit import study
from toolkit._validation import CorpusFormatError, DataNotFoundError
from toolkit.datasets import _sources
from toolkit.schema import DOC_COLUMNS

UNGDC_COLUMNS = [*DOC_COLUMNS, "session", "post", "post_upstream", "country_name", "file"]
UNSCON_COLUMNS = [*DOC_COLUMNS, "meeting", "speech_number", "n_sentences"]
SENTENCE_COLUMNS = [
    "doc_id",
    "sentence_index",
    "file_id",
    "chunk",
    "text",
    "A0",
    "A2",
    "A3",
    "A4",
    "B1",
    "B2",
    "B3",
    "target_country",
]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """No test sees the developer's data or cache unless it asks for data_dir."""
    monkeypatch.delenv("TOOLKIT_DATA", raising=False)
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TOOLKIT_DATAVERSE_URL", raising=False)
    monkeypatch.delenv("TOOLKIT_UNSCON_URL", raising=False)


# --------------------------------------------------------------------------- detokenize, roles


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("the political crisis in Ukraine by force .  ", "the political crisis in Ukraine by force."),
        ("Kyiv , the region and Crimea ; then :", "Kyiv, the region and Crimea; then:"),
        ("the draft ( S/2014/189 ) today", "the draft (S/2014/189) today"),
        ("the Council 's vote", "the Council's vote"),
        ("We can not and do n't", "We can not and don't"),
        ('call dissenters " bandits " and " terrorists " .', 'call dissenters "bandits" and "terrorists".'),
        ('" All of this , we are convinced', '"All of this, we are convinced'),
        ('mean what they produce . "  ', 'mean what they produce."'),
        ("minorities ' rights", "minorities' rights"),
        ("Why ?  Because  100 % of  $ 5", "Why? Because 100% of $5"),
        ("pro - Russian", "pro - Russian"),
    ],
)
def test_detokenize(raw, expected):
    assert ds.detokenize(raw) == expected


@pytest.mark.parametrize(
    ("post", "role"),
    [
        ("UN Representative", "permanent_representative"),
        ("Permanent Representative", "permanent_representative"),
        ("Chair of the Delegation", "permanent_representative"),
        ("Chair of Delegation", "permanent_representative"),
        ("Head of the delegation", "permanent_representative"),
        ("Delegation", "permanent_representative"),
        ("President", "head_of_state_or_government"),
        ("PRIME MINISTER", "head_of_state_or_government"),
        ("rime Minister and Minister for Europe and Foreign Affairs", "head_of_state_or_government"),
        ("Prime Minister and Minister for Foreign Affairs", "head_of_state_or_government"),
        ("King", "head_of_state_or_government"),
        ("Amir", "head_of_state_or_government"),
        ("Crown Prince", "head_of_state_or_government"),
        ("Premier of the State Council", "head_of_state_or_government"),
        ("Chairman of the Presidency", "head_of_state_or_government"),
        ("Vice-President", "other"),
        ("Deputy Prime Minister", "other"),
        ("Minister for Foreign Affairs", "foreign_minister"),
        ("Minister for Foregn Affairs", "foreign_minister"),
        ("  minister  of foreign affairs ", "foreign_minister"),
        ("Secretary of State", "foreign_minister"),
        ("Minister for External Affairs", "foreign_minister"),
        ("Secretary for Relations with States", "foreign_minister"),
        ("Deputy Prime Minister and Minister for Foreign Affairs", "foreign_minister"),
        ("Vice-President and Minister for Foreign Affairs", "foreign_minister"),
        ("Vice-Chancellor and Federal Minister for Foreign Affairs", "foreign_minister"),
        ("State Councillor and Minister for Foreign Affairs", "foreign_minister"),
        (
            "Minister at the Prime Minister’s Office and Second Minister for Foreign Affairs and Trade",
            "foreign_minister",
        ),
        ("Personal Representative of the Head of State of the Republic of the Philippines", "other"),
        ("Special Envoy of the Prime Minister and Minister for Public Service", "other"),
        ("Minister of State", "other"),
        ("Minister for Development Cooperation", "other"),
        ("Union Minister for the Office of the State Counsellor", "other"),
        ("Not indicated", "other"),
        ("", "other"),
        (None, "other"),
        (float("nan"), "other"),
    ],
)
def test_post_to_role(post, role):
    assert ds.post_to_role(post) == role


# --------------------------------------------------------------------------- tiny UNGDC

TINY_SPEECHES = {
    "TXT/Session 01 - 1946/USA_1_1946.txt": "We the peoples.\n",
    "TXT/Session 01 - 1946/CHN_1_1946.txt": "China speaks. 中国\n",
    "TXT/Session 02 - 1947/USA_2_1947.txt": "Second year.\n",
    "TXT/Session 02 - 1947/YMD_2_1947.txt": "Democratic Yemen.\n",
}
TINY_JUNK = {
    "TXT/Session 02 - 1947/.DS_Store-to-UTF-8.txt": b"Bud1\x00\x00\x10",
    "TXT/Session 02 - 1947/FRA_2_1947.txt": "Fran\u00e7ais".encode("latin-1"),
    "TXT/Session 02 - 1947/notes.txt": b"not a speech",
}
TINY_SPEAKERS = pd.DataFrame(
    {
        "Year": [1946, 1946, 1947, 1947, 1947],
        "Session": [1, 1, 2, 2, 2],
        "ISO Code": ["USA", "CHN ", "USA", "YDYE", "GBR"],
        "Country": ["United States ", "China", "United States", "Democratic Yemen", "United Kingdom"],
        "Name of Person Speaking": ["A. Smith", "B. Li", "C. Jones", "D. Ali", "E. Brown"],
        "Post": ["UN Representative", "Minister for Foregn Affairs", None, "President", "Prime Minister"],
    }
)


def _write_tiny_ungdc(root: Path, *, speakers: bool = True) -> Path:
    for rel, text in TINY_SPEECHES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    for rel, data in TINY_JUNK.items():
        (root / rel).write_bytes(data)
    if speakers:
        TINY_SPEAKERS.to_excel(root / ds.SPEAKERS_FILE, index=False)
    return root


@pytest.fixture
def tiny_ungdc(tmp_path) -> Path:
    return _write_tiny_ungdc(tmp_path / "ungdc")


def _load_quietly(path):
    with pytest.warns(UserWarning, match=r"skipped 3 of 7 files"):
        return ds.load_ungdc(path)


def test_load_ungdc_tiny_values(tiny_ungdc):
    docs = _load_quietly(tiny_ungdc)
    assert list(docs.columns) == UNGDC_COLUMNS
    assert docs["doc_id"].tolist() == ["UNGDC_CHN_1_1946", "UNGDC_USA_1_1946", "UNGDC_USA_2_1947", "UNGDC_YMD_2_1947"]
    by_id = docs.set_index("doc_id")
    assert by_id.loc["UNGDC_CHN_1_1946", "text"] == "China speaks. 中国\n"
    assert by_id.loc["UNGDC_USA_1_1946", "role"] == "permanent_representative"
    assert by_id.loc["UNGDC_CHN_1_1946", "role"] == "foreign_minister"
    assert by_id.loc["UNGDC_USA_1_1946", "country_name"] == "United States"
    assert pd.isna(by_id.loc["UNGDC_USA_2_1947", "post"])  # row without a post
    assert by_id.loc["UNGDC_USA_2_1947", "role"] == "other"
    assert by_id.loc["UNGDC_YMD_2_1947", "speaker"] == "D. Ali"  # YDYE in the table -> YMD
    assert by_id.loc["UNGDC_YMD_2_1947", "role"] == "head_of_state_or_government"
    assert docs["session"].tolist() == [1, 1, 2, 2]
    assert docs["year"].tolist() == [1946, 1946, 1947, 1947]
    assert set(docs["venue"]) == {"UNGA"} and set(docs["genre"]) == {"speech"}
    assert set(docs["source"]) == {"doi:10.7910/DVN/0TJX8Y"} and set(docs["licence"]) == {"CC0-1.0"}
    assert docs["date"].isna().all()
    assert by_id.loc["UNGDC_USA_2_1947", "file"] == "TXT/Session 02 - 1947/USA_2_1947.txt"
    dtypes = docs.dtypes.astype(str).to_dict()
    assert dtypes["session"] == "Int64" and dtypes["year"] == "Int64"
    assert dtypes["role"] == "category" and dtypes["date"] == "datetime64[ns]"
    assert all(dtypes[c] == "string" for c in ("doc_id", "text", "speaker", "post", "country_name", "file"))


def _skip_reports(docs, root):
    """{file relative to root: problem without the file's path} of docs.attrs["skipped"]."""
    out = {}
    for item in docs.attrs["skipped"]:
        assert set(item) == {"source", "line", "problem"} and item["line"] is None
        assert item["problem"].startswith(item["source"] + ": ")
        rel = Path(item["source"]).relative_to(root).as_posix()
        out[rel] = item["problem"].removeprefix(item["source"] + ": ")
    return out


def test_load_ungdc_reports_every_file(tiny_ungdc):
    docs = _load_quietly(tiny_ungdc)
    problems = _skip_reports(docs, tiny_ungdc)
    assert sorted(problems) == [
        "TXT/Session 02 - 1947/.DS_Store-to-UTF-8.txt",
        "TXT/Session 02 - 1947/FRA_2_1947.txt",
        "TXT/Session 02 - 1947/notes.txt",
    ]
    assert problems["TXT/Session 02 - 1947/.DS_Store-to-UTF-8.txt"].startswith(
        "contains NUL bytes (binary, not text). It is not a speech: remove it"
    )
    assert problems["TXT/Session 02 - 1947/FRA_2_1947.txt"].startswith("not UTF-8 (byte 4). Re-save it as UTF-8")
    assert problems["TXT/Session 02 - 1947/notes.txt"].startswith(
        "name is not TXT/Session NN - YYYY/<ISO3>_<session>_<year>.txt. Rename it"
    )
    assert "errors=" not in " ".join(problems.values())  # the skip report does not advise skipping
    assert len(docs) + len(docs.attrs["skipped"]) == docs.attrs["n_files"] == 7
    assert docs.attrs["unmatched_speakers"] == [
        {"country": "GBR", "session": 2, "year": 1947, "country_name": "United Kingdom"}
    ]


def _tar(root: Path, target: Path, top: str | None) -> Path:
    with tarfile.open(target, "w:gz") as tf:
        for file in sorted(root.rglob("*")):
            if file.is_file():
                rel = file.relative_to(root).as_posix()
                tf.add(file, arcname=f"{top}/{rel}" if top else rel)
    return target


def _zip(root: Path, target: Path, top: str | None) -> Path:
    with zipfile.ZipFile(target, "w") as zf:
        for file in sorted(root.rglob("*")):
            if file.is_file():
                rel = file.relative_to(root).as_posix()
                zf.write(file, f"{top}/{rel}" if top else rel)
    return target


@pytest.mark.parametrize(
    ("make", "name", "top"),
    [
        (_tar, "UNGDC_tiny.tgz", "UNGDC_1946-1947"),
        (_tar, "tiny.tar.gz", None),
        (_zip, "tiny.zip", "UNGDC"),
        (_zip, "UNGDC_tiny.zip", None),
    ],
)
def test_load_ungdc_reads_archives_like_folders(tiny_ungdc, tmp_path, make, name, top):
    folder = _load_quietly(tiny_ungdc)
    archive = make(tiny_ungdc, tmp_path / name, top)
    packed = _load_quietly(archive)
    pd.testing.assert_frame_equal(packed, folder)
    # the same files, each named as the archive's path then the member's
    member = f"{top}/" if top else ""
    assert [s["source"] for s in packed.attrs["skipped"]] == [
        s["source"].replace(str(tiny_ungdc), f"{archive}/{member}".rstrip("/")) for s in folder.attrs["skipped"]
    ]
    assert [s["problem"].split(": ", 1)[1] for s in packed.attrs["skipped"]] == [
        s["problem"].split(": ", 1)[1] for s in folder.attrs["skipped"]
    ]


def test_load_ungdc_folder_holding_archive_and_xlsx(tiny_ungdc, tmp_path):
    cache = tmp_path / "dl"
    cache.mkdir()
    (tiny_ungdc / ds.SPEAKERS_FILE).rename(cache / ds.SPEAKERS_FILE)
    _tar(tiny_ungdc, cache / "UNGDC_1946-1947.tgz", None)
    docs = _load_quietly(cache)
    assert len(docs) == 4 and docs.set_index("doc_id").loc["UNGDC_USA_1_1946", "speaker"] == "A. Smith"


def _misplaced(root: Path) -> dict[str, str]:
    """Speech files out of place in a tiny UNGDC: {relative path: the start of the problem reported}."""
    files = {
        "TXT/USA_3_1948.txt": "is directly under TXT/, not in a session folder",
        "TXT/Session 02 - 1947/extra/GBR_2_1947.txt": "is in a folder below the session folder 'Session 02 - 1947'",
        "TXT/Session 02 - 1947/a/b/JPN_2_1947.txt": "is in a folder below the session folder 'Session 02 - 1947'",
        "TXT/speeches/FRA_1_1946.txt": "is in the folder 'speeches', not a session folder",
    }
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("A speech out of place.\n", encoding="utf-8")
    return files


@pytest.mark.parametrize("pack", [None, _tar, _zip])
def test_load_ungdc_reports_files_out_of_place(tiny_ungdc, tmp_path, pack):
    misplaced = _misplaced(tiny_ungdc)
    root = tiny_ungdc
    if pack is not None:
        root = pack(tiny_ungdc, tmp_path / ("UNGDC_tiny.tgz" if pack is _tar else "UNGDC_tiny.zip"), None)
    with pytest.warns(UserWarning, match=r"skipped 7 of 11 files"):
        docs = ds.load_ungdc(root)
    assert len(docs) == 4 and len(docs) + len(docs.attrs["skipped"]) == docs.attrs["n_files"] == 11
    problems = {Path(s["source"]).relative_to(root).as_posix(): s["problem"] for s in docs.attrs["skipped"]}
    for rel, problem in misplaced.items():
        assert problems[rel].startswith(f"{root / rel}: {problem}; expected TXT/Session NN - YYYY/"), rel
        assert "Move it into its session folder" in problems[rel]


def test_load_ungdc_reports_a_broken_link(tiny_ungdc):
    (tiny_ungdc / "TXT" / "Session 01 - 1946" / "GBR_1_1946.txt").symlink_to(tiny_ungdc / "gone.txt")
    with pytest.warns(UserWarning, match=r"skipped 4 of 8 files"):
        docs = ds.load_ungdc(tiny_ungdc)
    problems = _skip_reports(docs, tiny_ungdc)
    assert problems["TXT/Session 01 - 1946/GBR_1_1946.txt"].startswith("is not a regular file (a broken link?)")


def test_load_ungdc_reads_a_linked_session_folder_and_reports_a_link_loop(tiny_ungdc, tmp_path):
    # a session folder that is a link is read like any other, once; a link back up is reported, not walked forever
    elsewhere = tmp_path / "elsewhere" / "Session 03 - 1948"
    elsewhere.mkdir(parents=True)
    (elsewhere / "USA_3_1948.txt").write_text("Third year.\n", encoding="utf-8")
    (tiny_ungdc / "TXT" / "Session 03 - 1948").symlink_to(elsewhere, target_is_directory=True)
    (tiny_ungdc / "TXT" / "Session 01 - 1946" / "loop").symlink_to(tiny_ungdc / "TXT", target_is_directory=True)
    with pytest.warns(UserWarning, match=r"skipped 4 of 9 files"):
        docs = ds.load_ungdc(tiny_ungdc)
    assert "UNGDC_USA_3_1948" in set(docs["doc_id"])
    problems = _skip_reports(docs, tiny_ungdc)
    assert problems["TXT/Session 01 - 1946/loop"].startswith("is not a regular file")


def test_load_ungdc_reads_hard_links_in_an_archive_and_reports_symbolic_ones(tiny_ungdc, tmp_path):
    import tarfile

    session = tiny_ungdc / "TXT" / "Session 01 - 1946"
    os.link(session / "USA_1_1946.txt", session / "GBR_1_1946.txt")  # tar stores the second as a hard link
    (session / "FRA_1_1946.txt").symlink_to(session / "USA_1_1946.txt")
    archive = tmp_path / "UNGDC_links.tgz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(tiny_ungdc / "TXT", arcname="TXT")
    with tarfile.open(archive) as tar:
        assert any(m.islnk() for m in tar.getmembers())
    (tmp_path / ds.SPEAKERS_FILE).write_bytes((tiny_ungdc / ds.SPEAKERS_FILE).read_bytes())
    with pytest.warns(UserWarning):
        docs = ds.load_ungdc(archive)
    assert {"UNGDC_USA_1_1946", "UNGDC_GBR_1_1946"} <= set(docs["doc_id"])
    assert len(docs) + len(docs.attrs["skipped"]) == docs.attrs["n_files"] == 9
    assert any(s["source"].endswith("FRA_1_1946.txt") for s in docs.attrs["skipped"])


def test_load_ungdc_errors_raise_names_the_file_and_the_fix(tiny_ungdc, tmp_path):
    with pytest.raises(
        CorpusFormatError,
        match=r"Session 02 - 1947/\.DS_Store-to-UTF-8\.txt: contains NUL bytes "
        r"\(binary, not text\)\. It is not a speech: remove it from TXT/\. Or pass errors='skip'",
    ):
        ds.load_ungdc(tiny_ungdc, errors="raise")  # the first of the three, in path order
    clean = tmp_path / "clean"
    for rel, text in TINY_SPEECHES.items():
        (clean / rel).parent.mkdir(parents=True, exist_ok=True)
        (clean / rel).write_text(text, encoding="utf-8")
    (clean / ds.SPEAKERS_FILE).write_bytes((tiny_ungdc / ds.SPEAKERS_FILE).read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing skipped, nothing to warn about
        docs = ds.load_ungdc(clean, errors="raise")
    assert len(docs) == 4 and docs.attrs["skipped"] == [] and docs.attrs["n_files"] == 4
    (clean / "TXT" / "USA_3_1948.txt").write_text("Out of place.", encoding="utf-8")
    with pytest.raises(
        CorpusFormatError,
        match=r"TXT/USA_3_1948\.txt: is directly under TXT/, not in a session "
        r"folder; expected TXT/Session NN - YYYY/<ISO3>_<session>_<year>\.txt\. Move it",
    ):
        ds.load_ungdc(clean, errors="raise")
    with pytest.raises(ValueError, match="errors='ignore' is invalid; must be one of 'skip', 'raise'"):
        ds.load_ungdc(clean, errors="ignore")


def test_load_ungdc_drops_the_byte_order_mark(tiny_ungdc):
    speech = tiny_ungdc / "TXT" / "Session 01 - 1946" / "USA_1_1946.txt"
    speech.write_bytes(b"\xef\xbb\xbf" + b"We the peoples.\n")
    only_mark = tiny_ungdc / "TXT" / "Session 02 - 1947" / "GBR_2_1947.txt"
    only_mark.write_bytes(b"\xef\xbb\xbf \n")
    with pytest.warns(UserWarning, match=r"skipped 4 of 8 files"):
        docs = ds.load_ungdc(tiny_ungdc)
    assert docs.set_index("doc_id").loc["UNGDC_USA_1_1946", "text"] == "We the peoples.\n"
    assert any(
        s["problem"].endswith("is empty. Remove it, or put the speech's text in it.") for s in docs.attrs["skipped"]
    )


def test_load_ungdc_names_what_is_missing(tmp_path):
    no_xlsx = _write_tiny_ungdc(tmp_path / "a", speakers=False)
    with pytest.raises(DataNotFoundError, match="Speakers_by_session.xlsx"):
        ds.load_ungdc(no_xlsx)
    (tmp_path / "b").mkdir()
    with pytest.raises(DataNotFoundError, match="no TXT/ folder"):
        ds.load_ungdc(tmp_path / "b")
    with pytest.raises(DataNotFoundError, match="does not exist"):
        ds.load_ungdc(tmp_path / "nowhere")


# --------------------------------------------------------------------------- tiny UNSCon

_CSV_HEADER = (
    "file_id,sentence_text,sentence_char_offsets,sentence_token_offsets,A0,A2,A3,A4,B1,B2,B3,"
    "basename,speech_id,filename,country\n"
)


def _csv_row(file_id: str, text: str, offsets: str, target: str = "Ukraine") -> str:
    speech = "_".join(file_id.split("_")[:4])
    base = "_".join(file_id.split("_")[:3])
    return (
        f'{file_id},"{text}",{offsets},0-1,Direct_NegEval,Country,-NONE-,ukraine,_,_,_,'
        f"{base},{file_id.split('_')[3]},{speech},{target}\n"
    )


TINY_UNSCON = _CSV_HEADER + "".join(
    [
        # speech 1: chunks out of order in the file; sentences of chunk 00 out of order too
        _csv_row("UNSC_2014_SPV.7219_spch015_Russian_Federation2_01_GD.txt", "Third , last .  ", "0-14"),
        _csv_row("UNSC_2014_SPV.7219_spch015_Russian_Federation2_00_GD.txt", "Second ( sic ) .", "10-26"),
        _csv_row("UNSC_2014_SPV.7219_spch015_Russian_Federation2_00_GD.txt", "We have 's .", "0-10"),
        # speech 2: %20 before the chunk number, a neg marker, an upper-case name
        _csv_row("UNSC_2014_SPV.7219_spch025_Indonesia_neg%2000.txt", "Indonesia speaks .", "0-18", "Russia"),
        _csv_row("UNSC_2016_SPV.7658_spch070_NAMIBIA_00_GD.txt", "Namibia speaks .", "0-16"),
        _csv_row("UNSC_2014_SPV.7154_spch023_United_States_Of_AmericaA2_00_GD.txt", "U.S. speaks .", "0-13"),
    ]
)


@pytest.fixture
def tiny_unscon(tmp_path) -> Path:
    folder = tmp_path / "unscon"
    folder.mkdir()
    (folder / "conflict_annotations_sentences.csv").write_text(TINY_UNSCON, encoding="utf-8")
    (folder / "conflict_annotations.csv").write_text("edu\n", encoding="utf-8")
    return folder


def test_load_unscon_tiny(tiny_unscon):
    docs = ds.load_unscon(tiny_unscon)
    assert list(docs.columns) == UNSCON_COLUMNS
    by_id = docs.set_index("doc_id")
    assert by_id.loc["UNSC_2014_SPV.7219_spch015", "text"] == "We have's. Second (sic). Third, last."
    assert by_id["country"].to_dict() == {
        "UNSC_2014_SPV.7154_spch023": "USA",
        "UNSC_2014_SPV.7219_spch015": "RUS",
        "UNSC_2014_SPV.7219_spch025": "IDN",
        "UNSC_2016_SPV.7658_spch070": "NAM",
    }
    assert by_id.loc["UNSC_2016_SPV.7658_spch070", "meeting"] == "S/PV.7658"
    assert by_id.loc["UNSC_2016_SPV.7658_spch070", "speech_number"] == 70
    assert by_id.loc["UNSC_2016_SPV.7658_spch070", "year"] == 2016
    assert by_id["n_sentences"].tolist() == [1, 3, 1, 1]
    assert docs["speaker"].isna().all() and set(docs["role"]) == {"permanent_representative"}
    assert set(docs["venue"]) == {"UNSC"} and set(docs["licence"]) == {"CC-BY-SA-4.0"}
    assert str(docs["speech_number"].dtype) == "Int64" and str(docs["meeting"].dtype) == "string"


def test_unscon_sentences_tiny(tiny_unscon):
    sents = ds.unscon_sentences(tiny_unscon)
    assert list(sents.columns) == SENTENCE_COLUMNS
    first = sents[sents["doc_id"] == "UNSC_2014_SPV.7219_spch015"]
    assert first["text"].tolist() == ["We have's.", "Second (sic).", "Third, last."]
    assert first["sentence_index"].tolist() == [0, 1, 2] and first["chunk"].tolist() == [0, 0, 1]
    assert sents.set_index("doc_id").loc["UNSC_2014_SPV.7219_spch025", "target_country"] == "Russia"


def test_load_unscon_accounts_for_every_row(tiny_unscon):
    import csv

    with open(tiny_unscon / "conflict_annotations_sentences.csv", newline="", encoding="utf-8") as fh:
        n_rows = sum(1 for _ in csv.DictReader(fh))
    assert n_rows == 6
    assert ds.load_unscon(tiny_unscon)["n_sentences"].sum() == len(ds.unscon_sentences(tiny_unscon)) == n_rows


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (TINY_UNSCON.encode("utf-8") + b'UNSC_2014,"Fran\xe7ais",0-1\n', r"is not UTF-8 \(byte \d+\)"),
        ((TINY_UNSCON + 'a,"b",0-1,0-1,_,_,_,_,_,_,_,x,y,z,w,EXTRA\n').encode(), r"cannot be read as CSV: .*line 8"),
        (b"", "cannot be read as CSV"),
    ],
)
def test_unscon_unreadable_csv_names_the_file_and_the_fix(tmp_path, content, problem):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "conflict_annotations_sentences.csv").write_bytes(content)
    with pytest.raises(CorpusFormatError, match=r"conflict_annotations_sentences\.csv: " + problem) as err:
        ds.load_unscon(folder)
    assert "get it again" in str(err.value)


def test_unscon_bad_file_id_names_the_row(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    bad = TINY_UNSCON + _csv_row("UNSC_2014_SPV.7219_speech9_France.txt", "Bad .", "0-5")
    (folder / "conflict_annotations_sentences.csv").write_text(bad, encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"UNSC_2014_SPV\.7219_speech9_France\.txt' of data row 7 does not"):
        ds.load_unscon(folder)


def test_unscon_unknown_delegation_names_the_file_id(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    bad = _CSV_HEADER + _csv_row("UNSC_2014_SPV.7219_spch009_Atlantis_00_GD.txt", "Hi .", "0-4")
    (folder / "conflict_annotations_sentences.csv").write_text(bad, encoding="utf-8")
    with pytest.raises(ValueError, match=r"'Atlantis' of file_id 'UNSC_2014_SPV\.7219_spch009_Atlantis"):
        ds.load_unscon(folder)


# --------------------------------------------------------------------------- downloads


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def server(tmp_path, tiny_ungdc, tiny_unscon, monkeypatch):
    """A local HTTP server playing Dataverse and raw.githubusercontent.com, and its folder."""
    root = tmp_path / "www"
    # UNSCon files, and their (fake) checksums in the registry
    (root / "unscon").mkdir(parents=True)
    for name in _sources.UNSCON_REGISTRY:
        (root / "unscon" / name).write_bytes((tiny_unscon / name).read_bytes())
    monkeypatch.setattr(
        _sources, "UNSCON_REGISTRY", {name: _sha256(root / "unscon" / name) for name in _sources.UNSCON_REGISTRY}
    )
    # Dataverse: the dataset record, and the two files by id
    files = root / "api" / "access" / "datafile"
    files.mkdir(parents=True)
    _tar(tiny_ungdc, files / "11", "UNGDC_1946-1947")
    (files / "12").write_bytes((tiny_ungdc / ds.SPEAKERS_FILE).read_bytes())
    md5 = {i: hashlib.md5((files / i).read_bytes()).hexdigest() for i in ("11", "12")}
    record = {
        "status": "OK",
        "data": {
            "latestVersion": {
                "files": [
                    {"label": "README.txt", "dataFile": {"id": 10, "filename": "README.txt", "md5": "0" * 32}},
                    {
                        "label": "UNGDC_1946-1947.tgz",
                        "dataFile": {
                            "id": 11,
                            "filename": "UNGDC_1946-1947.tgz",
                            "checksum": {"type": "MD5", "value": md5["11"]},
                        },
                    },
                    {
                        "label": "Speakers_by_session.tab",
                        "dataFile": {
                            "id": 12,
                            "filename": "Speakers_by_session.tab",
                            "originalFileName": "Speakers_by_session.xlsx",
                            "originalFileFormat": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            "md5": md5["12"],
                        },
                    },
                ]
            }
        },
    }
    meta = root / "api" / "datasets" / ":persistentId"
    meta.mkdir(parents=True)
    (meta / "index.html").write_text(json.dumps(record), encoding="utf-8")  # served for ".../:persistentId/?..."

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("TOOLKIT_DATAVERSE_URL", base)
    monkeypatch.setenv("TOOLKIT_UNSCON_URL", f"{base}/unscon/")
    yield root
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_download_unscon_verified_and_loaded(server, tmp_path):
    assert ds.available().set_index("name").loc["unscon", "origin"] == "missing"
    docs = ds.load_unscon()
    assert len(docs) == 4
    cached = tmp_path / "cache" / "unscon"
    assert sorted(p.name for p in cached.iterdir()) == sorted(_sources.UNSCON_REGISTRY)
    assert (
        _sha256(cached / "conflict_annotations_sentences.csv")
        == _sources.UNSCON_REGISTRY["conflict_annotations_sentences.csv"]
    )
    row = ds.available().set_index("name").loc["unscon"]
    assert row["origin"] == "cache" and row["path"] == str(cached)


def test_download_ungdc_verified_and_loaded(server, tmp_path):
    with pytest.warns(UserWarning, match="skipped 3 of 7"):
        docs = ds.load_ungdc()
    assert docs["doc_id"].tolist() == ["UNGDC_CHN_1_1946", "UNGDC_USA_1_1946", "UNGDC_USA_2_1947", "UNGDC_YMD_2_1947"]
    assert docs.set_index("doc_id").loc["UNGDC_CHN_1_1946", "post"] == "Minister for Foregn Affairs"
    cached = tmp_path / "cache" / "ungdc"
    assert sorted(p.name for p in cached.iterdir()) == ["Speakers_by_session.xlsx", "UNGDC_1946-1947.tgz"]
    assert ds.available().set_index("name").loc["ungdc", "origin"] == "cache"
    # a second call reads the cache: no server needed
    assert ds.fetch("ungdc") == cached


def test_download_corrupt_file_fails_on_checksum(server, tmp_path):
    target = server / "unscon" / "conflict_annotations.csv"
    target.write_bytes(target.read_bytes() + b"tampered\n")
    with pytest.raises(CorpusFormatError, match="checksum mismatch"):
        ds.fetch("unscon")
    assert not (tmp_path / "cache" / "unscon" / "conflict_annotations.csv").exists()


def test_force_download_that_fails_keeps_the_cached_copy(server, tmp_path):
    ds.fetch("unscon")
    cached = tmp_path / "cache" / "unscon" / "conflict_annotations.csv"
    good = cached.read_bytes()
    target = server / "unscon" / "conflict_annotations.csv"
    target.write_bytes(target.read_bytes()[:-5])  # upstream now serves a cut-short copy
    with pytest.raises(CorpusFormatError, match="checksum mismatch"):
        ds.fetch("unscon", force=True)
    assert cached.read_bytes() == good
    assert sorted(p.name for p in cached.parent.iterdir()) == sorted(_sources.UNSCON_REGISTRY)  # no temporary file


def test_download_interrupted_leaves_nothing_and_the_next_clears_a_killed_ones_leftover(server, tmp_path, monkeypatch):
    import os
    import subprocess
    import sys

    import pooch

    folder = tmp_path / "cache" / "unscon"
    folder.mkdir(parents=True)
    # a download killed outright leaves its temporary file; its process is gone
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    leftover = folder / f".conflict_annotations.csv.{int(dead.stdout)}.0123abcd.tmp"
    leftover.write_bytes(b"half a fi")

    def cut(self, url, output_file, pooch_):  # the connection drops after some bytes
        with open(output_file, "wb") as fh:
            fh.write(b"file_id,sentence")
        raise OSError("connection reset")

    with monkeypatch.context() as m:
        m.setattr(pooch.HTTPDownloader, "__call__", cut)
        with pytest.raises(OSError, match="connection reset"):
            ds.fetch("unscon")
    assert sorted(p.name for p in folder.iterdir()) == [leftover.name]  # nothing of the cut download
    ds.fetch("unscon")
    assert sorted(p.name for p in folder.iterdir()) == sorted(_sources.UNSCON_REGISTRY)
    assert os.path.getsize(folder / "conflict_annotations.csv") > 0


def test_download_corrupt_dataverse_file_fails_on_checksum(server):
    (server / "api" / "access" / "datafile" / "12").write_bytes(b"not the xlsx")
    with pytest.raises(CorpusFormatError, match="checksum mismatch"):
        ds.load_ungdc()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("loader", "source"),
    [
        (ds.load_ungdc, "doi:10.7910/DVN/0TJX8Y"),
        (ds.load_unscon, "https://github.com/linatal/UNSCon"),
    ],
)
def test_offline_without_local_copy_says_what_to_do(monkeypatch, loader, source):
    dead = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("TOOLKIT_DATAVERSE_URL", dead)
    monkeypatch.setenv("TOOLKIT_UNSCON_URL", dead + "/")
    with pytest.raises(DataNotFoundError) as err:
        loader()
    message = str(err.value)
    assert "TOOLKIT_DATA" in message and source in message and "could not be downloaded" in message


def test_fetch_rejects_unknown_name():
    with pytest.raises(ValueError, match="name='ungd' is invalid"):
        ds.fetch("ungd")


# --------------------------------------------------------------------------- the real corpora


@pytest.fixture(scope="module")
def ungdc_full(data_dir):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        docs = ds.load_ungdc(data_dir / "ungdc")
    docs.attrs["warnings"] = [str(w.message) for w in caught]
    return docs


@pytest.mark.needs_data
def test_real_ungdc_counts(data_dir, ungdc_full):
    docs = ungdc_full
    assert list(docs.columns) == UNGDC_COLUMNS
    assert len(docs) == 10_952 and docs["doc_id"].is_unique
    assert docs.attrs["n_files"] == 10_957
    assert len(docs) + len(docs.attrs["skipped"]) == docs.attrs["n_files"]
    assert sorted(Path(s["source"]).relative_to(data_dir / "ungdc").as_posix() for s in docs.attrs["skipped"]) == [
        "TXT/Session 35 - 1980/.Rhistory",
        "TXT/Session 37 - 1982/.Rapp.history",
        "TXT/Session 46 - 1991/.Rhistory",
        "TXT/Session 47 - 1992/.DS_Store-to-UTF-8.txt",
        "TXT/Session 68 - 2013/.Rapp.history",
    ]
    assert any("skipped 5 of 10957" in w for w in docs.attrs["warnings"])
    assert docs["country_name"].isna().sum() == 47  # speeches with no speaker row
    assert len(docs.attrs["unmatched_speakers"]) == 22  # speaker rows with no speech
    assert docs["year"].min() == 1946 and docs["year"].max() == 2024
    assert (docs["year"] - docs["session"] == 1945).all()


@pytest.mark.needs_data
def test_real_ungdc_texts_have_no_byte_order_mark(data_dir, ungdc_full):
    assert not ungdc_full["text"].str.startswith("\ufeff").any()
    # the shared copy has 2,936 files that start with one: their texts start after it
    with_mark = [f for f in ungdc_full["file"] if (data_dir / "ungdc" / f).read_bytes()[:3] == b"\xef\xbb\xbf"]
    assert len(with_mark) == 2936
    by_file = ungdc_full.set_index("file")["text"]
    for f in with_mark[:50]:
        assert by_file[f] == (data_dir / "ungdc" / f).read_text(encoding="utf-8-sig")


@pytest.mark.needs_data
def test_real_ungdc_roles(ungdc_full):
    counts = ungdc_full["role"].value_counts()
    assert counts[
        ["other", "head_of_state_or_government", "foreign_minister", "permanent_representative"]
    ].tolist() == [5058, 3171, 2384, 339]
    pr = ungdc_full[ungdc_full["role"] == "permanent_representative"]
    assert (pr["year"] >= 1994).all()
    # China is represented by leaders or foreign ministers; the table's one exception is an
    # upstream error corrected by POST_CORRECTIONS (Tang Jiaxuan, foreign minister, listed
    # as "UN Representative" in 2001).
    china_pr = ungdc_full[ungdc_full["country"].eq("CHN") & (ungdc_full["role"] == "permanent_representative")]
    assert china_pr.empty
    tang = ungdc_full.set_index("doc_id").loc["UNGDC_CHN_56_2001"]
    assert (tang["post"], tang["post_upstream"], tang["role"]) == (
        "Minister for Foreign Affairs",
        "UN Representative",
        "foreign_minister",
    )


@pytest.mark.needs_data
def test_real_ungdc_from_tgz_of_one_session(data_dir, ungdc_full, tmp_path):
    src = data_dir / "ungdc"
    archive = tmp_path / "UNGDC_s70.tgz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(src / "TXT" / "Session 70 - 2015", arcname="UNGDC/TXT/Session 70 - 2015")
        tf.add(src / ds.SPEAKERS_FILE, arcname=f"UNGDC/{ds.SPEAKERS_FILE}")
    packed = ds.load_ungdc(archive)
    expected = ungdc_full[ungdc_full["session"] == 70].reset_index(drop=True)
    assert len(packed) == len(expected) > 150
    pd.testing.assert_frame_equal(packed, expected)


@pytest.mark.needs_data
def test_real_unscon_checksums_match_the_registry(data_dir):
    import pooch

    for name, known in _sources.UNSCON_REGISTRY.items():
        assert "sha256:" + pooch.file_hash(str(data_dir / "unscon" / name)) == known


@pytest.mark.needs_data
def test_real_unscon(data_dir):
    import csv

    docs = ds.load_unscon(data_dir / "unscon")
    assert list(docs.columns) == UNSCON_COLUMNS
    assert len(docs) == 86 and docs["n_sentences"].sum() == 2377
    with open(data_dir / "unscon" / "conflict_annotations_sentences.csv", newline="", encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == 2377  # every row of the file is a sentence of a speech
    counts = docs["country"].value_counts()
    assert counts[["RUS", "USA", "FRA", "GBR", "CHN", "UKR"]].tolist() == [10, 8, 6, 6, 6, 6]
    assert counts.sum() - counts[["RUS", "USA", "FRA", "GBR", "CHN", "UKR"]].sum() == 44
    assert len(counts) == 28
    assert sorted(docs["meeting"].unique()) == [
        "S/PV.7138",
        "S/PV.7154",
        "S/PV.7165",
        "S/PV.7219",
        "S/PV.7643",
        "S/PV.7658",
    ]
    assert not docs["text"].str.contains(r" [.,;:?!)]|\( |  | 's\b").any()
    first = docs.set_index("doc_id").loc["UNSC_2014_SPV.7138_spch002", "text"]
    assert first.startswith("Many times, we have put forth in this Chamber the essence of the Russian position")


@pytest.mark.needs_data
def test_real_unscon_sentences(data_dir):
    sents = ds.unscon_sentences(data_dir / "unscon")
    assert list(sents.columns) == SENTENCE_COLUMNS and "country" not in sents.columns
    assert len(sents) == 2377 and sents["doc_id"].nunique() == 86
    assert (sents.groupby("doc_id")["sentence_index"].max() + 1).sum() == 2377
    assert (sents["A0"] != "_").sum() == 577


@pytest.mark.needs_data
def test_real_comparison_corpus(data_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        docs = study.load_comparison_corpus(path=data_dir)
    assert list(docs.columns[: len(DOC_COLUMNS) + 1]) == [*DOC_COLUMNS, "selection"]
    assert docs["doc_id"].is_unique
    assert docs["selection"].value_counts().to_dict() == {
        "ungdc_permanent_representative": 337,
        "ungdc_reference_since_2000": 98,
        "unscon": 86,
        "ungdc_permanent_representative;ungdc_reference_since_2000": 2,
        "interview": 1,
    }
    ref = docs[docs["selection"].str.contains("reference")]
    assert ref.groupby("country").size().to_dict() == {"CHN": 25, "JPN": 25, "KOR": 25, "USA": 25}
    assert (ref["year"] >= 2000).all()


def test_available_reports_origin(tmp_path, tiny_ungdc, tiny_unscon, monkeypatch):
    # tiny_ungdc and tiny_unscon live in tmp_path/ungdc and tmp_path/unscon
    table = ds.available(path=tmp_path)
    assert list(table.columns) == ["name", "path", "origin"]
    assert table["origin"].tolist() == ["path", "path"]
    assert table["path"].tolist() == [str(tmp_path / "ungdc"), str(tmp_path / "unscon")]
    assert ds.available()["origin"].tolist() == ["missing", "missing"]
    assert ds.available()["path"].isna().all()
    monkeypatch.setenv("TOOLKIT_DATA", str(tmp_path))
    assert ds.available()["origin"].tolist() == ["TOOLKIT_DATA", "TOOLKIT_DATA"]
    assert len(ds.load_unscon()) == 4  # found through TOOLKIT_DATA, no download


@pytest.mark.needs_data
def test_comparison_groups_of_the_comparison_corpus(data_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        docs = study.load_comparison_corpus(path=data_dir)
    groups = study.comparison_groups(docs)
    assert groups.value_counts().to_dict() == {"other ambassadors": 419, "other": 73, "China at the UN": 31, "Xing": 1}
    assert set(docs.loc[groups == "China at the UN", "venue"]) == {"UNGA", "UNSC"}


def test_a_relative_toolkit_data_that_finds_nothing_is_named_as_relative(monkeypatch, tmp_path):
    # A notebook's kernel runs in the notebook's folder: TOOLKIT_DATA=../shared/corpora set in the clone's root
    # then points elsewhere; the message says the path is relative and where it was read from.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TOOLKIT_DATA", "../shared/corpora")
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path / "cache"))
    dead = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("TOOLKIT_DATAVERSE_URL", dead)
    with pytest.raises(DataNotFoundError) as err:
        ds.load_ungdc()
    message = str(err.value)
    assert "$TOOLKIT_DATA=../shared/corpora, a relative path, read from the current folder" in message
    assert str(tmp_path) in message and "set it to an absolute path" in message


def test_load_ungdc_reports_symbolic_links_in_a_zip(tiny_ungdc, tmp_path):
    import zipfile

    archive = tmp_path / "UNGDC_links.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted((tiny_ungdc / "TXT").rglob("*.txt")):
            zf.write(path, path.relative_to(tiny_ungdc).as_posix())
        for name, target in (("FRA_1_1946.txt", "USA_1_1946.txt"), ("GBR_1_1946.txt", "../gone.txt")):
            link = zipfile.ZipInfo(f"TXT/Session 01 - 1946/{name}")
            link.external_attr = 0o120777 << 16  # a symbolic link, as `zip -y` stores it: its data is the target
            zf.writestr(link, target)
    (tmp_path / ds.SPEAKERS_FILE).write_bytes((tiny_ungdc / ds.SPEAKERS_FILE).read_bytes())
    with pytest.warns(UserWarning):
        docs = ds.load_ungdc(archive)
    assert not {"UNGDC_FRA_1_1946", "UNGDC_GBR_1_1946"} & set(docs["doc_id"])  # no speech made of a link's path
    links = [s for s in docs.attrs["skipped"] if s["source"].endswith(("FRA_1_1946.txt", "GBR_1_1946.txt"))]
    assert len(links) == 2 and all("is not a regular file" in s["problem"] for s in links)
    assert len(docs) + len(docs.attrs["skipped"]) == docs.attrs["n_files"]


def test_load_ungdc_reports_a_speech_whose_name_folder_and_year_disagree(tiny_ungdc):
    session = tiny_ungdc / "TXT" / "Session 01 - 1946"
    (session / "FRA_1_1947.txt").write_text("A year that is not session 1's.", encoding="utf-8")
    (session / "GBR_2_1947.txt").write_text("Session 2's speech in session 1's folder.", encoding="utf-8")
    with pytest.warns(UserWarning):
        docs = ds.load_ungdc(tiny_ungdc)
    assert not {"UNGDC_FRA_1_1947", "UNGDC_GBR_2_1947"} & set(docs["doc_id"])
    problems = {s["source"].rsplit("/", 1)[-1]: s["problem"] for s in docs.attrs["skipped"]}
    assert "names session 1 of 1947, in the folder 'Session 01 - 1946'" in problems["FRA_1_1947.txt"]
    assert "names session 2 of 1947, in the folder 'Session 01 - 1946'" in problems["GBR_2_1947.txt"]
    assert len(docs) + len(docs.attrs["skipped"]) == docs.attrs["n_files"]


@pytest.mark.needs_data
def test_unscon_names_a_bad_row_by_its_place_among_the_rows_not_a_wrong_line(data_dir, tmp_path):
    src = (data_dir / "unscon" / "conflict_annotations_sentences.csv").read_text(encoding="utf-8")
    header, first, second = src.splitlines(keepends=True)[:3]
    fields = next(csv.reader([first]))
    fields[-1] = "a sentence\nover two lines"  # a quoted field with a line break: the rows are no longer lines
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    bogus = "bogus_id,x,0-1,0-1,_,_,_,_,_,_,_,a,b,c,d\n"
    (tmp_path / "conflict_annotations_sentences.csv").write_text(
        header + out.getvalue() + second + bogus, encoding="utf-8"
    )
    with pytest.raises(
        CorpusFormatError, match=r"sentences\.csv: file_id 'bogus_id' of data row 3 does not match .*get it again"
    ):
        ds.load_unscon(tmp_path)


def test_load_ungdc_reads_a_linked_speech_once_where_it_is_not_a_link(tiny_ungdc, tmp_path):
    session = tiny_ungdc / "TXT" / "Session 01 - 1946"
    (session / "AAA_1_1946.txt").symlink_to(session / "USA_1_1946.txt")  # sorts first: still not the one read
    with pytest.warns(UserWarning):
        docs = ds.load_ungdc(tiny_ungdc)
    assert "UNGDC_AAA_1_1946" not in set(docs["doc_id"]) and "UNGDC_USA_1_1946" in set(docs["doc_id"])
    [link] = [s for s in docs.attrs["skipped"] if s["source"].endswith("AAA_1_1946.txt")]
    assert "is a link to TXT/Session 01 - 1946/USA_1_1946.txt, which is read there" in link["problem"]
    assert len(docs) + len(docs.attrs["skipped"]) == docs.attrs["n_files"]


def test_load_ungdc_reads_speeches_linked_out_of_the_tree(tiny_ungdc, tmp_path):
    # git-annex: every speech file a link to a stored object out of TXT/; two speeches of one text are two speeches
    store = tmp_path / "annex"
    store.mkdir()
    session = tiny_ungdc / "TXT" / "Session 01 - 1946"
    before = ds.load_ungdc(tiny_ungdc)
    for f in sorted(session.glob("*.txt")):
        (store / f.name).write_bytes(f.read_bytes())
        f.unlink()
        f.symlink_to(store / f.name)
    after = ds.load_ungdc(tiny_ungdc)
    pd.testing.assert_frame_equal(before, after)
    first, second = sorted(session.glob("*.txt"))[:2]  # two names of one stored text: both read
    second.unlink()
    second.symlink_to(store / first.name)
    both = ds.load_ungdc(tiny_ungdc).set_index("file")
    rel = [f"TXT/Session 01 - 1946/{p.name}" for p in (first, second)]
    assert both.loc[rel[0], "text"] == both.loc[rel[1], "text"] and len(both) == len(before)
