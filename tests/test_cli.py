"""The command line (``toolkit keyness``, ``toolkit hedges``): each table equals the library's, the printed
tables say which side they show, and input errors exit with a message that names the option and the fix.
(The figures and data commands, and the first tests of hedges and keyness, are in tests/test_figures.py.)"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import toolkit as tk
from toolkit import cli

HEADER = "doc_id,text,speaker,role,country,venue,date,genre,source,licence\n"
ROWS = [
    ("c1", "We firmly oppose interference. Perhaps we could talk, and we may agree.", "A", "CHN", "2014"),
    ("c2", "We resolutely oppose hegemony. It is possible that the talks would help.", "A", "CHN", "2015"),
    ("u1", "We support freedom and democracy. We will defend our allies, clearly.", "B", "USA", "2014"),
    ("u2", "Freedom matters. We must defend democracy and freedom of navigation.", "B", "USA", "2015"),
    ("r1", "Russia calls on all parties to respect sovereignty. Perhaps talks will help.", "C", "RUS", "2015"),
]


@pytest.fixture
def corpus(tmp_path):
    """A CSV corpus of five speeches by three countries."""
    path = tmp_path / "speeches.csv"
    path.write_text(
        HEADER
        + "".join(
            f'{i},"{text}",{speaker},ambassador,{country},UNSC,{year}-03-01,speech,x,CC0\n'
            for i, text, speaker, country, year in ROWS
        ),
        encoding="utf-8",
    )
    return path


def _blocks(out: str) -> dict[str, list[str]]:
    """The printed --top tables: heading -> the terms listed under it."""
    blocks: dict[str, list[str]] = {}
    heading = None
    for line in out.splitlines():
        if line.startswith("Key for the "):
            heading = line
            blocks[heading] = []
        elif heading and line.strip() and not line.lstrip().startswith("term"):
            blocks[heading].append(line.split()[0])
    return blocks


# ---------------------------------------------------------------------------- keyness


def test_keyness_by_a_column_compares_one_group_with_the_rest_as_compare_groups_does(corpus, tmp_path, capsys):
    csv = tmp_path / "k.csv"
    assert cli.main(["keyness", str(corpus), "--by", "country", "--target", "CHN", "--csv", str(csv)]) == 0
    got = pd.read_csv(csv, keep_default_na=False)
    expected = tk.compare_groups(tk.read_corpus(corpus), by="country", target="CHN")
    assert list(got.columns) == list(expected.columns)
    assert got["term"].tolist() == expected["term"].tolist()
    assert set(got["reference"]) == {"rest"} and set(got["country"]) == {"CHN"}
    assert got["score"].tolist() == pytest.approx(expected["score"].tolist(), rel=1e-9)
    # and against one other group
    assert cli.main(["keyness", str(corpus), "--by", "country", "--target", "CHN", "--reference", "USA"]) == 0
    blocks = _blocks(capsys.readouterr().out)
    pair = tk.compare_groups(tk.read_corpus(corpus), by="country", target="CHN", reference="USA")
    (t_head, t_terms), (r_head, r_terms) = blocks.items()
    assert t_head.startswith("Key for the target, country=CHN:") and "than in country=USA" in t_head
    assert r_head.startswith("Key for the reference, country=USA:") and "than in country=CHN" in r_head
    assert t_terms == pair[pair["score"] > 0]["term"].head(20).tolist()
    assert r_terms == pair[pair["score"] < 0].sort_values(["score", "term"])["term"].head(20).tolist()


def test_keyness_by_a_column_without_target_compares_every_group_with_the_rest(corpus, capsys):
    assert cli.main(["keyness", str(corpus), "--by", "country", "--top", "1"]) == 0
    headings = list(_blocks(capsys.readouterr().out))
    assert [h.split(":")[0] for h in headings] == [
        f"Key for the {side}, {name}"
        for country in ("CHN", "RUS", "USA")
        for side, name in (("target", f"country={country}"), ("reference", "the rest of the corpus"))
    ]


def test_keyness_top_shows_both_sides_labelled(tmp_path, capsys):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("We oppose war. We oppose it firmly. War is war.", encoding="utf-8")
    b.write_text("We hope for peace. We hope. Peace and hope, peace, peace.", encoding="utf-8")
    table = tk.keyness(
        pd.Series(tk.tokenize(a.read_text())).value_counts(), pd.Series(tk.tokenize(b.read_text())).value_counts()
    )
    assert table["term"].head(2).tolist() == ["war", "oppose"]
    assert table["term"].tail(2).tolist()[::-1] == ["peace", "hope"]
    assert cli.main(["keyness", str(a), str(b), "--top", "2"]) == 0
    blocks = _blocks(capsys.readouterr().out)
    assert list(blocks.values()) == [["war", "oppose"], ["peace", "hope"]]  # two of each side, most key first
    (t_head, r_head) = blocks
    n = len(table)
    assert t_head == (
        f"Key for the target, {a}: the 2 of {n} terms with the highest g2 scores (more frequent there than in {b})"
    )
    assert r_head == (
        f"Key for the reference, {b}: the 2 of {n} terms with the lowest g2 scores (more frequent there than in {a})"
    )
    # a side with fewer terms than asked says so
    assert cli.main(["keyness", str(a), str(b), "--top", "50"]) == 0
    positive = int((table["score"] > 0).sum())
    out = capsys.readouterr().out
    assert f"the {positive} of {n} terms with the highest g2 scores" in out
    assert f"only {positive} of the top 50 asked" in out


def test_keyness_warns_when_the_target_is_inside_the_reference(corpus, tmp_path, capsys):
    folder = corpus.parent
    assert cli.main(["keyness", str(corpus), str(folder), "--top", "1"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("toolkit keyness: warning: compare_groups: 5 document(s) are on both sides")
    assert "'c1' (in 'reference' and 'target')" in err and "take the shared files out of one of them" in err
    other = tmp_path / "other"
    other.mkdir()
    (other / "u.csv").write_text(HEADER + "u9,We defend freedom.,B,ambassador,USA,UNSC,2016-01-01,speech,x,CC0\n")
    assert cli.main(["keyness", str(corpus), str(other), "--top", "1"]) == 0
    assert capsys.readouterr().err == ""


def test_compare_groups_warns_of_a_document_on_both_sides_and_of_nothing_else():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "a", "c"],
            "text": ["we oppose war", "we hope", "we oppose war", "peace now"],
            "side": ["t", "t", "r", "r"],
        }
    )
    for target, reference in (("t", "r"), ("t", None), (None, None)):
        with pytest.warns(UserWarning, match=r"1 document\(s\) are on both sides .*: 'a' \(in 'r' and 't'\)"):
            tk.compare_groups(docs, by="side", target=target, reference=reference)
    three = pd.concat([docs, pd.DataFrame({"doc_id": ["d"], "text": ["we hope"], "side": ["s"]})])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # 'a' is in t and r, neither of which is compared here
        tk.compare_groups(three.assign(side=["t", "t", "r", "r", "s"]), by="side", target="s", reference="t")
        # segments of one document share its doc_id, with different texts; a sentence said twice shares its text
        tk.compare_groups(tk.split_voices(tk.load_interview()), by="voice", target="ambassador_quote")
        tk.compare_groups(three.assign(doc_id=["a", "b", "e", "c", "d"]), by="side", target="t")


def test_keyness_options_that_do_not_go_together_are_named(corpus, tmp_path, capsys):
    a = tmp_path / "a.txt"
    a.write_text("We oppose it.", encoding="utf-8")
    cases = [
        (["keyness", str(a)], "give two paths, TARGET REFERENCE (got 1), or one corpus with --by COLUMN"),
        (["keyness", str(a), str(corpus), "--target", "CHN"], "--target and --reference name groups of a --by"),
        (["keyness", str(corpus), "--by", "country", "--reference", "USA"], "--reference needs --target"),
        (["keyness", str(a), str(corpus), "--top", "-1"], "--top -1 is invalid; give the number of terms"),
    ]
    for argv, message in cases:
        with pytest.raises(SystemExit) as exit_:
            cli.main(argv)
        assert exit_.value.code == 2 and message in capsys.readouterr().err
    with pytest.raises(SystemExit, match=r"toolkit keyness: --by country: the documents have no column 'country'"):
        cli.main(["keyness", str(a), "--by", "country", "--target", "CHN"])
    with pytest.raises(SystemExit, match=r"toolkit keyness: target='XXX' is not a group; the groups .* 'CHN', 'RUS'"):
        cli.main(["keyness", str(corpus), "--by", "country", "--target", "XXX"])


def test_keyness_help_describes_groups_and_both_sides(capsys):
    with pytest.raises(SystemExit):
        cli.main(["keyness", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for phrase in (
        "--by COLUMN",
        "--target VALUE",
        "--reference VALUE",
        "one group of a corpus against the rest of it",
        "those key for the target (positive scores) and those key for the reference (negative scores)",
        "print the N terms most key for the target and the N most key for the reference",
    ):
        assert phrase in text


# ---------------------------------------------------------------------------- hedges


@pytest.mark.parametrize(
    ("options", "by", "unit"),
    [
        (["--by", "country"], "country", "each group's documents"),
        (["--per", "document"], "doc_id", "each document's sentences"),
    ],
)
def test_hedges_rates_per_group_and_per_document_are_those_of_stance_rates(corpus, tmp_path, capsys, options, by, unit):
    csv = tmp_path / "rates.csv"
    assert cli.main(["hedges", str(corpus), *options, "--n-resamples", "200", "--csv", str(csv)]) == 0
    got = pd.read_csv(csv)
    docs = tk.read_corpus(corpus)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one country of one sentence: its interval is a point, and it says so
        expected = tk.stance_rates(docs, by=by, segments=tk.split_voices(docs), n_resamples=200)
    assert list(got.columns) == [by, *tk.rates.RATE_COLUMNS]
    assert got[by].tolist() == expected[by].tolist()
    assert got["n"].tolist() == expected["n"].tolist() and got["tokens"].tolist() == expected["tokens"].tolist()
    for column in ("rate_per_1k", "ci_low", "ci_high"):
        assert got[column].tolist() == pytest.approx(expected[column].tolist(), rel=1e-9)
    assert got.set_index([by, "category"]).loc[(got[by].iloc[0], "hedge"), "n"] > 0
    assert cli.main(["hedges", str(corpus), *options, "--n-resamples", "200"]) == 0
    printed = capsys.readouterr()
    assert "rate_per_1k: matches per 1,000 tokens of the speakers' own words" in printed.out
    assert f"95% percentile bootstrap interval over {unit}" in printed.out and "200 resamples, seed 0" in printed.out


def test_hedges_rates_of_all_texts_and_their_warnings(tmp_path, capsys):
    text = tmp_path / "one.txt"
    text.write_text("Perhaps we may agree.", encoding="utf-8")
    assert cli.main(["hedges", str(text), "--per", "corpus", "--confidence", "0.9"]) == 0
    printed = capsys.readouterr()
    lines = printed.out.splitlines()
    assert lines[0].split() == ["group", "category", "n", "tokens", "rate_per_1k", "ci_low", "ci_high", "unit"]
    assert lines[1].split()[:5] == ["all", "hedge", "2", "4", "500.0"]
    assert "90% percentile bootstrap interval" in printed.out
    # one document of one sentence: the library's warning, on standard error, in the command's name
    assert printed.err.startswith("toolkit hedges: warning: stance_rates: 'all' rest(s) on a single unit")


def test_hedges_options_that_do_not_go_together_are_named(corpus, tmp_path, capsys):
    text = tmp_path / "one.txt"
    text.write_text("Perhaps we may agree.", encoding="utf-8")
    for per in ("match", "document", "corpus"):
        with pytest.raises(SystemExit) as exit_:
            cli.main(["hedges", str(corpus), "--by", "country", "--per", per])
        assert exit_.value.code == 2
        assert f"--by gives rates per group of documents, --per {per} gives" in capsys.readouterr().err
    with pytest.raises(SystemExit, match=r"--by country: the documents have no column 'country' .* Plain \.txt"):
        cli.main(["hedges", str(text), "--by", "country"])
    with pytest.raises(SystemExit, match=r"toolkit hedges: n_resamples=5 is invalid; must be an integer >= 100"):
        cli.main(["hedges", str(corpus), "--per", "corpus", "--n-resamples", "5"])


def test_hedges_help_describes_the_rates(capsys):
    with pytest.raises(SystemExit):
        cli.main(["hedges", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for phrase in (
        "rates per 1,000 tokens of the speakers' own words with bootstrap intervals",
        "--per {match,document,corpus}",
        "--by COLUMN",
        "--n-resamples N_RESAMPLES",
        "--confidence CONFIDENCE",
    ):
        assert phrase in text


# ---------------------------------------------------------------------------- reading corpora


def test_a_semicolon_corpus_is_named_and_read_with_delimiter(corpus, tmp_path, capsys):
    semi = tmp_path / "semi" / "speeches.csv"
    semi.parent.mkdir()
    pd.read_csv(corpus, dtype=str).to_csv(semi, sep=";", index=False)
    with pytest.raises(SystemExit, match=r"toolkit hedges: .*speeches\.csv, line 1: this file looks semicolon-delim"):
        cli.main(["hedges", str(semi)])
    csv = tmp_path / "k.csv"
    assert (
        cli.main(["keyness", str(semi), "--by", "country", "--target", "CHN", "--delimiter", ";", "--csv", str(csv)])
        == 0
    )
    assert (
        cli.main(["keyness", str(corpus), "--by", "country", "--target", "CHN", "--csv", str(tmp_path / "c.csv")]) == 0
    )
    assert pd.read_csv(csv).equals(pd.read_csv(tmp_path / "c.csv"))
    assert cli.main(["hedges", str(semi), "--delimiter", ";"]) == 0
    assert "firmly oppose" in capsys.readouterr().out


def test_a_plain_text_file_is_read_as_written_and_a_bad_one_named(tmp_path, capsys):
    # the offsets are the file's: a CRLF file's line endings are kept (Path.read_text had made them LF)
    crlf = tmp_path / "h.txt"
    crlf.write_bytes(b"We met today.\r\nPerhaps we might agree.\r\n")
    csv = tmp_path / "out.csv"
    assert cli.main(["hedges", str(crlf), "--method", "rules", "--no-progress", "--csv", str(csv)]) == 0
    found = pd.read_csv(csv)
    perhaps = found[found["match"] == "Perhaps"].iloc[0]
    assert crlf.read_bytes().decode()[perhaps["start"] : perhaps["end"]] == "Perhaps" and perhaps["start"] == 15
    latin = tmp_path / "lat.txt"
    latin.write_bytes("Caf\xe9.".encode("latin-1"))
    with pytest.raises(
        SystemExit, match=r"toolkit hedges: .*lat\.txt, line 1: is not valid UTF-8 \(byte 0xe9 at offset 3\)\. Re-save"
    ):
        cli.main(["hedges", str(latin), "--no-progress"])


# ---------------------------------------------------------------------------- inputs that clash


def test_a_doc_id_in_two_inputs_exits_naming_both_instead_of_counting_it_twice(corpus, tmp_path):
    a, b = tmp_path / "x", tmp_path / "y"
    a.mkdir(), b.mkdir()
    for folder in (a, b):
        (folder / "statement.txt").write_text("We may perhaps agree. It is clearly so.", encoding="utf-8")
    clash = r"doc_id 'statement' is in more than one input \(.*x.statement\.txt and .*y.statement\.txt both hold it\)"
    with pytest.raises(SystemExit, match=r"toolkit hedges: " + clash + r".*rename one of the files"):
        cli.main(["hedges", str(a / "statement.txt"), str(b / "statement.txt")])
    # the same corpus given twice, which keyness --by counted twice (a term's n and G2 doubled)
    with pytest.raises(
        SystemExit, match=r"toolkit keyness: doc_id 'c1' is in more than one input \(.*csv is given twi"
    ):
        cli.main(["keyness", str(corpus), str(corpus), "--by", "country", "--target", "CHN"])
    # a plain file whose name is a corpus's doc_id
    (tmp_path / "c1.txt").write_text("Another text.", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"doc_id 'c1' is in more than one input \(.*speeches\.csv and .*c1\.txt both"):
        cli.main(["hedges", str(corpus), str(tmp_path / "c1.txt")])
    # two paths compared with each other are two sides, each read alone: the same text on both sides is allowed
    assert cli.main(["keyness", str(a / "statement.txt"), str(a / "statement.txt")]) == 0


def test_csv_that_names_a_folder_exits_with_a_message(corpus, tmp_path):
    for command in (["hedges", str(corpus)], ["keyness", str(corpus), "--by", "country", "--target", "CHN"]):
        with pytest.raises(SystemExit, match=r"toolkit: --csv .* is a folder; give the path of a file, such as"):
            cli.main([*command, "--csv", str(tmp_path)])


def test_hedges_non_english_option_skips_a_text_or_names_the_option_to_give(tmp_path, capsys):
    german = tmp_path / "de.txt"
    german.write_text(
        "Wir haben das nicht gewusst und wir sind der Meinung dass die Sache gut ist und das ist nicht so wie es "
        "sein soll aber wir sind da.",
        encoding="utf-8",
    )
    english = tmp_path / "en.txt"
    english.write_text("We may perhaps agree. It is clearly so, and we will see.", encoding="utf-8")
    args = ["hedges", str(german), str(english), "--per", "document", "--n-resamples", "100"]
    with pytest.raises(SystemExit, match=r"doc_id 'de' does not look like English.*give --non-english skip to skip"):
        cli.main(args)
    capsys.readouterr()
    assert cli.main([*args, "--non-english", "skip"]) == 0
    out, err = capsys.readouterr()
    assert "left out 1 document(s): 'de'" in err
    assert " en " in out and " de " not in out
    assert cli.main([*args, "--non-english", "keep"]) == 0
    assert " de " in capsys.readouterr().out
