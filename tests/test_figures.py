"""Tests of the figures job and the command line: what is made, what is listed as not made, the manifest."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import toolkit as tk
from toolkit import cli, study, tables
from toolkit._rating import BLOCK_TOKENS
from toolkit.study import analyses, figures


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No TOOLKIT_DATA, an empty cache, and downloads pointed at a closed local port."""
    monkeypatch.delenv("TOOLKIT_DATA", raising=False)
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("TOOLKIT_DATAVERSE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("TOOLKIT_UNSCON_URL", "http://127.0.0.1:9/")


def test_without_un_corpora_the_interview_figure_is_made_and_the_rest_explained(offline, tmp_path):
    out = tmp_path / "figs"
    report = figures.make_figures(out, progress=None)
    assert list(report.columns) == ["figure", "status", "files", "reason"]
    status = dict(zip(report["figure"], report["status"]))
    assert status == {r.name: ("not made" if r.needs else "made") for r in figures.FIGURES}
    assert status["interview_voices"] == "made" and status["corpus_composition"] == "not made"
    reason = report.set_index("figure").loc["corpus_composition", "reason"]
    assert "TOOLKIT_DATA" in reason and "10.7910/DVN/0TJX8Y" in reason
    assert sorted(p.name for p in out.iterdir()) == [  # the lock of the manifest, and no temporary file
        ".manifest.json.lock",
        "interview_voices.csv",
        "interview_voices.pdf",
        "interview_voices.png",
        "manifest.json",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["interview_voices"]
    assert entry["made_by"] == "toolkit.study.analyses:interview_voices"
    assert entry["corpus_fingerprint"] == tk.corpus_fingerprint(tk.load_interview())
    assert entry["seed"] == 0 and entry["documents"] == 1
    assert {"python", "toolkit", "pandas", "matplotlib"} <= set(entry["versions"])


def test_a_missing_corpus_is_asked_for_once_and_said_once_with_the_command_that_gets_it(offline, tmp_path, monkeypatch):
    """Issue 17: without the UN corpora, a run tries each data set once (not once per figure), prints its long
    message once, one line for each other figure that needs it, and a short summary with the command."""
    from toolkit.datasets import _sources

    calls = []
    real = _sources.fetch

    def counted(name, **kwargs):
        calls.append(name)
        return real(name, **kwargs)

    monkeypatch.setattr(_sources, "fetch", counted)
    said = []
    report = figures.make_figures(tmp_path, progress=said.append)
    assert calls == ["ungdc"]  # the comparison corpus and the General Debate figure both need it: one try
    long = [line for line in said if "could not be downloaded" in line]
    short = [line for line in said if line.endswith("needs the ungdc corpus (not found, above)")]
    assert len(long) == 1 and len(short) == (report["status"] == "not made").sum() - 1 == 9
    summary = report.attrs["summary"]
    assert summary.startswith("Made 1 of 11 figures") and "python -m toolkit data --fetch ungdc unscon" in summary
    assert len(summary) < 500 and "ConnectionError" not in summary
    complete = figures.make_figures(tmp_path, progress=None, only=["interview_voices"])
    assert complete.attrs["summary"] == f"Made 1 of 1 figures in {tmp_path}."


def test_an_unreadable_copy_of_a_corpus_is_also_asked_for_once(offline, tmp_path, monkeypatch):
    """A copy under TOOLKIT_DATA with the UNGDC's layout but no speech in it: the error names the data set, so the
    figures that need the UNGDC ask for it once and say so in a line (a second reading found it asked twice)."""
    data = tmp_path / "data"
    (data / "ungdc" / "TXT").mkdir(parents=True)
    (data / "ungdc" / "Speakers_by_session.xlsx").write_bytes(b"")
    monkeypatch.setenv("TOOLKIT_DATA", str(data))
    said = []
    report = figures.make_figures(tmp_path / "out", progress=said.append)
    assert sum("holds no speech files" in line for line in said) == 1
    not_made = int((report["status"] == "not made").sum())
    assert not_made == len(figures.FIGURES) - 1  # every figure but the interview's needs the UNGDC
    assert sum(line.endswith("needs the ungdc corpus (not found, above)") for line in said) == not_made - 1
    assert "missing or unreadable" in report.attrs["summary"]


def test_interview_voices_table_matches_split_voices(offline, tmp_path):
    figures.make_figures(tmp_path, progress=None)
    table = pd.read_csv(tmp_path / "interview_voices.csv")
    segments = tk.split_voices(tk.load_interview())
    words = segments.assign(n=[len(tk.tokenize(t)) for t in segments["text"]]).groupby("voice")["n"].sum()
    assert dict(zip(table["voice"], table["words"])) == words.to_dict()
    assert dict(zip(table["voice"], table["segments"])) == segments["voice"].value_counts().to_dict()
    assert table["share_of_words"].sum() == pytest.approx(1.0, abs=1e-3)
    assert table["words"].is_monotonic_decreasing


def test_figures_are_deterministic(offline, tmp_path):
    figures.make_figures(tmp_path / "a", progress=None)
    figures.make_figures(tmp_path / "b", progress=None)
    for name in ("interview_voices.csv", "interview_voices.png", "interview_voices.pdf", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.mark.needs_data
def test_with_un_corpora_every_figure_is_made(data_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("TOOLKIT_DATA", str(data_dir))
    with pytest.warns(UserWarning, match="load_ungdc skipped"):
        report = figures.make_figures(tmp_path, progress=None)
        docs = study.load_comparison_corpus()
    assert (report["status"] == "made").all()
    table = pd.read_csv(tmp_path / "corpus_composition.csv")
    assert table["documents"].sum() == len(docs)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest) == {r.name for r in figures.FIGURES}
    # The hedging table's row for Xing agrees with stance_rates on the interview alone (its own words).
    stance = pd.read_csv(tmp_path / "hedging_xing_vs_ambassadors.csv").set_index(["group", "category"])
    interview = tk.load_interview()
    segments = tk.split_voices(interview)
    alone = tk.stance_rates(interview, categories=["hedge", "booster"], segments=segments).set_index("category")
    for category in ("hedge", "booster"):
        assert stance.loc[("Xing", category), "n"] == alone.loc[category, "n"]
        assert stance.loc[("Xing", category), "tokens"] == alone.loc[category, "tokens"]
    assert (stance["ci_low"] <= stance["rate_per_1k"]).all() and (stance["rate_per_1k"] <= stance["ci_high"]).all()
    timeline = pd.read_csv(tmp_path / "hedging_p5_timeline.csv")
    assert list(timeline.columns[:3]) == ["country", "year", "category"]  # match_rates' by columns, no "group"
    assert sorted(timeline["country"].unique()) == ["CHN", "FRA", "GBR", "RUS (USSR to 1991)", "USA"]
    china = timeline[(timeline["country"] == "CHN") & (timeline["category"] == "hedge")]
    # from the People's Republic's first General Debate: the 1971 CHN speech is the Republic of China's
    assert china["year"].min() == study.PRC_FIRST_YEAR == 1972 and china["year"].max() == 2024
    assert len(china) == 2024 - 1972 + 1
    assert (timeline["ci_low"] <= timeline["rate_per_1k"]).all()


def test_cli_figures_says_what_it_made_and_what_not(offline, tmp_path, capsys):
    assert cli.main(["figures", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    n = len(figures.FIGURES)
    assert f"[1/{n}] interview_voices: made" in out
    assert f"Made 1 of {n} figures" in out and "corpus_composition: not made" in out
    assert out.count("could not be downloaded") == 1 and "python -m toolkit data --fetch ungdc unscon" in out


def test_cli_data_lists_the_corpora(offline, capsys):
    assert cli.main(["data"]) == 0
    out = capsys.readouterr().out
    assert "ungdc" in out and "unscon" in out and "missing" in out


def test_cli_rejects_unknown_command():
    with pytest.raises(SystemExit):
        cli.main(["nonsense"])


def test_check_figures_passes_on_a_fresh_copy_and_catches_a_changed_table(offline, tmp_path, capsys):
    figures.make_figures(tmp_path, progress=None)
    report = figures.check_figures(tmp_path, progress=None)
    assert list(report.columns) == ["figure", "file", "status", "detail"]
    made = report[report["figure"] == "interview_voices"]
    assert made["status"].tolist() == ["same", "same"]  # the CSV and the PNG
    assert cli.main(["figures", "--check", "--out", str(tmp_path)]) == 0

    table = tmp_path / "interview_voices.csv"
    table.write_text(table.read_text().replace("narration,36", "narration,35"))
    report = figures.check_figures(tmp_path, progress=None).set_index("file")
    assert report.loc["interview_voices.csv", "status"] == "differs"
    assert report.loc["interview_voices.csv", "detail"] == (
        "1 cell(s) differ beyond rtol 1e-06, atol 1e-12; first: row 1 (voice='narration'), column 'segments': "
        "committed '35', now '36'"
    )
    assert report.loc["interview_voices.png", "status"] == "same"
    assert cli.main(["figures", "--check", "--out", str(tmp_path)]) == 1
    assert "1 file(s) differ" in capsys.readouterr().out


def test_check_figures_catches_a_changed_image(offline, tmp_path):
    import matplotlib.pyplot as plt

    figures.make_figures(tmp_path, progress=None)
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [1, 0])
    fig.savefig(tmp_path / "interview_voices.png")
    plt.close(fig)
    report = figures.check_figures(tmp_path, progress=None).set_index("file")
    assert report.loc["interview_voices.png", "status"] == "differs"


def test_cli_hedges_on_a_plain_file_and_on_the_corpus(tmp_path, capsys):
    text = tmp_path / "statement.txt"
    text.write_text("We firmly oppose this. Perhaps we could talk. The vote is in May.", encoding="utf-8")
    assert cli.main(["hedges", str(text)]) == 0
    out = capsys.readouterr().out
    assert "firmly oppose" in out and "Perhaps" in out and "May" not in out.split("\n", 1)[1]
    csv = tmp_path / "hits.csv"
    assert cli.main(["hedges", str(text), "--csv", str(csv)]) == 0
    table = pd.read_csv(csv)
    assert table["match"].tolist() == ["We", "firmly oppose", "Perhaps", "we", "could"]
    # the method is a choice: "I am not sure" is a hedge for the rules, a negation for the learned model
    text.write_text("I am not sure.", encoding="utf-8")
    for method, expected in (("rules", ["I", "sure"]), ("learned", ["I"])):
        assert cli.main(["hedges", str(text), "--csv", str(csv), "--method", method]) == 0
        assert pd.read_csv(csv)["match"].tolist() == expected


def test_cli_csv_is_written_whole_and_a_missing_folder_is_named(tmp_path, capsys, monkeypatch):
    import subprocess
    import sys

    text = tmp_path / "statement.txt"
    text.write_text("Perhaps we could talk.", encoding="utf-8")
    csv = tmp_path / "hits.csv"
    csv.write_text("the old table\n")
    ended = int(
        subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
        ).stdout
    )
    leftover = tmp_path / f".hits.csv.{ended}.0123abcd.tmp"  # left by a run that was killed
    leftover.write_text("doc_id,st")
    assert cli.main(["hedges", str(text), "--csv", str(csv)]) == 0
    assert pd.read_csv(csv)["match"].tolist() == ["Perhaps", "we", "could"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hits.csv", "statement.txt"]

    def fail(self, handle, **kwargs):
        handle.write("doc_id,sta")
        raise OSError("disk full")

    before = csv.read_bytes()
    monkeypatch.setattr(pd.DataFrame, "to_csv", fail)
    with pytest.raises(OSError, match="disk full"):
        cli.main(["hedges", str(text), "--csv", str(csv)])
    assert csv.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hits.csv", "statement.txt"]
    with pytest.raises(SystemExit, match=r"the folder .*nowhere does not exist; create it or choose another path"):
        cli.main(["hedges", str(text), "--csv", str(tmp_path / "nowhere" / "hits.csv")])


def _keyness_csv(tmp_path):
    """Two small texts and the keyness table the command line writes for them."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("We oppose war. We oppose it firmly.", encoding="utf-8")
    b.write_text("We hope for peace. We hope.", encoding="utf-8")
    csv = tmp_path / "k.csv"
    assert cli.main(["keyness", str(a), str(b), "--top", "0", "--csv", str(csv)]) == 0
    return a, b, csv


def test_cli_keyness_equals_the_library(tmp_path, capsys):
    a, b, csv = _keyness_csv(tmp_path)
    got = pd.read_csv(csv)
    expected = tk.keyness(
        pd.Series(tk.tokenize(a.read_text())).value_counts(), pd.Series(tk.tokenize(b.read_text())).value_counts()
    )
    assert got["term"].tolist() == expected["term"].tolist()
    assert got["score"].tolist() == pytest.approx(expected["score"].tolist())
    with pytest.raises(SystemExit, match="does not exist"):
        cli.main(["keyness", str(a), str(tmp_path / "missing.txt")])


def test_cli_keyness_csv_has_every_row_and_header_files_with_a_bom_are_corpora(tmp_path, capsys):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("We oppose war. We oppose it firmly. Peace now.", encoding="utf-8")
    b.write_text("We hope for peace. We hope.", encoding="utf-8")
    csv = tmp_path / "k.csv"
    assert cli.main(["keyness", str(a), str(b), "--top", "2", "--csv", str(csv)]) == 0
    assert len(pd.read_csv(csv)) == 9  # every term of either side, not --top
    header = tmp_path / "h.txt"
    header.write_text(
        "\ufeff---\ndoc_id: h1\nspeaker: A\nrole: ambassador\ncountry: CHN\nvenue: UNSC\n"
        "date: 2021-01-01\ngenre: speech\nsource: x\nlicence: CC0\n---\nWe firmly oppose it.",
        encoding="utf-8",
    )
    assert cli.main(["hedges", str(header)]) == 0
    out = capsys.readouterr().out
    assert "h1" in out and "doc_id:" not in out


def test_progress_bar_on_a_terminal_counts_the_figures(offline, tmp_path, monkeypatch, capsys):
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    term = Terminal()
    monkeypatch.setattr("sys.stderr", term)
    report = figures.make_figures(tmp_path, progress=print, bar=True)
    n = len(figures.FIGURES)
    drawn = term.getvalue()
    assert f"{n}/{n} figures" in drawn and "making interview_voices" in drawn
    assert f"[1/{n}] interview_voices: made" in capsys.readouterr().out  # the lines still reach stdout
    assert len(report) == n


def test_no_progress_bar_when_standard_error_is_not_a_terminal(offline, tmp_path, monkeypatch):
    import io

    log = io.StringIO()
    monkeypatch.setattr("sys.stderr", log)
    figures.make_figures(tmp_path, progress=None, bar=True)
    assert "figures [" not in log.getvalue()


def test_only_makes_the_named_figures_and_rejects_unknown_names(offline, tmp_path, capsys):
    report = figures.make_figures(tmp_path, progress=None, only=["interview_voices"])
    assert report["figure"].tolist() == ["interview_voices"]
    with pytest.raises(ValueError, match="no figure named 'nope'"):
        figures.make_figures(tmp_path, progress=None, only=["nope"])
    with pytest.raises(SystemExit):
        cli.main(["figures", "--only", "nope", "--out", str(tmp_path)])
    assert "invalid choice" in capsys.readouterr().err


def test_only_keeps_the_other_entries_of_the_manifest(offline, tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"another_figure": {"caption": "made earlier"}}))
    figures.make_figures(tmp_path, progress=None, only=["interview_voices"])
    assert set(json.loads(manifest.read_text())) == {"another_figure", "interview_voices"}


def test_a_failing_figure_leaves_the_manifest_of_those_made_before(offline, tmp_path, monkeypatch):
    def broken(docs, *, seed=0):
        raise RuntimeError("broken rule")

    rules = (figures.FIGURES[0], figures._FigureRule("broken", "fails", (), broken, broken))
    monkeypatch.setattr(figures, "FIGURES", rules)
    with pytest.raises(RuntimeError, match="broken rule"):
        figures.make_figures(tmp_path, progress=None, bar=True)
    assert set(json.loads((tmp_path / "manifest.json").read_text())) == {"interview_voices"}


def test_topic_k_is_one_of_the_compared_ks():
    assert study.TOPIC_K in study.TOPIC_KS


# --------------------------------------------------------------------------- the same figures on every machine


def test_round_table_keeps_ten_significant_digits_and_nothing_else():
    t = pd.DataFrame(
        {
            "term": ["a", "b", "c", "d", "e"],
            "n": [1, 2, 3, 4, 5],
            "score": [1 / 3, -0.0, float("nan"), -2.5e-17, 123456789012.34567],
            "p": pd.array([0.1 + 0.2, None, 1.0, float("inf"), 6429.867972456595], dtype="Float64"),
        }
    )
    rounded = tables.round_table(t)
    assert list(rounded.columns) == list(t.columns) and rounded.index.equals(t.index)
    assert rounded["term"].tolist() == t["term"].tolist() and rounded["n"].tolist() == [1, 2, 3, 4, 5]
    assert rounded["n"].dtype == "int64"
    score = rounded["score"].tolist()
    assert score[0] == 0.3333333333 and score[3] == -2.5e-17 and score[4] == 123456789000.0
    assert str(score[1]) == "0.0" and pd.isna(score[2])  # -0.0 written as 0.0 on every machine
    assert rounded["p"].dtype == "float64"
    assert rounded["p"].tolist()[0] == 0.3 and pd.isna(rounded["p"].tolist()[1])
    assert rounded["p"].tolist()[3:] == [float("inf"), 6429.867972]
    assert tables.round_table(rounded).equals(rounded)
    assert t["score"].tolist()[0] == 1 / 3  # the input is left as it was
    assert tables.round_table(t, digits=2)["score"].tolist()[0] == 0.33
    assert tables.TABLE_DIGITS == 10
    for bad in (0, 18, 2.5, True, "10"):
        with pytest.raises(ValueError, match=r"digits=.* must be an integer from 1 to 17"):
            tables.round_table(t, digits=bad)


def test_a_figure_table_is_written_with_ten_digits_the_same_text_for_the_same_value(tmp_path):
    import matplotlib.pyplot as plt

    t = pd.DataFrame(
        {
            "label": ["x", "y", "z", "w", "v", "u"],
            "n": [1, 2, 3, 4, 5, 6],
            "value": [0.1 + 0.2, -0.0, float("nan"), 7.0, -1 / 3 * 1e-20, 2 / 3 * 1e12],
        }
    )
    fig, _ = plt.subplots()
    try:
        figures._write_figure(tmp_path, ["t.csv", "t.png", "t.pdf"], t, fig)
    finally:
        plt.close(fig)
    assert (tmp_path / "t.csv").read_text() == (
        "label,n,value\nx,1,0.3\ny,2,0.0\nz,3,\nw,4,7.0\nv,5,-3.333333333e-21\nu,6,666666666700.0\n"
    )
    # a value that differs in its 13th digit is written as the same text
    assert tables.format_float(0.24444807338858177) == tables.format_float(0.24444807338858) == "0.2444480734"


def test_every_figure_is_drawn_from_its_rounded_table(offline, tmp_path, monkeypatch):
    """Noise below the 10th digit (here, set by the seed) changes no byte of the CSV, the PNG or the PDF."""
    from toolkit.plots import plot_bar

    drawn = []

    def noisy(docs, *, seed=0):
        return pd.DataFrame({"label": ["a", "b", "c"], "value": [v * (1 + seed * 3e-13) for v in (1 / 3, 2 / 3, 0.1)]})

    def draw(table, docs):
        drawn.append(table)
        return plot_bar(table, value="value", label="label", annotate=False).figure

    monkeypatch.setattr(figures, "FIGURES", (figures._FigureRule("noisy", "noise", (), noisy, draw),))
    for seed in (0, 1):
        figures.make_figures(tmp_path / str(seed), progress=None, seed=seed)
    assert noisy(None, seed=1)["value"].tolist() != noisy(None, seed=0)["value"].tolist()
    assert [t["value"].tolist() for t in drawn] == [[0.3333333333, 0.6666666667, 0.1]] * 2
    for name in ("noisy.csv", "noisy.png", "noisy.pdf"):
        assert (tmp_path / "0" / name).read_bytes() == (tmp_path / "1" / name).read_bytes(), name
    assert (tmp_path / "0" / "noisy.csv").read_text() == "label,value\na,0.3333333333\nb,0.6666666667\nc,0.1\n"


def _make_in_a_new_process(out, hash_seed: str) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TOOLKIT_DATA"}  # the interview is all it needs
    env.update(MPLBACKEND="Agg", PYTHONHASHSEED=hash_seed)
    subprocess.run(
        [sys.executable, "-m", "toolkit", "figures", "--only", "interview_voices", "--out", str(out), "--no-progress"],
        check=True,
        capture_output=True,
        env=env,
    )


def test_interview_voices_made_twice_in_two_processes_is_the_same_bytes(tmp_path):
    """Two runs (other processes, other hash seeds, other times) give the same CSV, PNG and PDF, byte for byte."""
    import time

    _make_in_a_new_process(tmp_path / "a", "1")
    time.sleep(1.1)  # a date written in a file would now differ (PDF dates are to the second)
    _make_in_a_new_process(tmp_path / "b", "2")
    for name in ("interview_voices.csv", "interview_voices.png", "interview_voices.pdf", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    pdf = (tmp_path / "a" / "interview_voices.pdf").read_bytes()
    for key in (b"/CreationDate", b"/ModDate", b"/Producer", b"/Creator"):
        assert key not in pdf, key
    png = (tmp_path / "a" / "interview_voices.png").read_bytes()
    assert b"tEXt" not in png and b"Software" not in png and b"atplotlib" not in png


def test_figures_ignore_the_users_matplotlib_settings(offline, tmp_path):
    import matplotlib

    figures.make_figures(tmp_path / "default", progress=None)
    with matplotlib.rc_context(
        {"font.size": 20, "axes.facecolor": "red", "lines.linewidth": 5, "savefig.dpi": 50, "pdf.fonttype": 42}
    ):
        figures.make_figures(tmp_path / "styled", progress=None)
        assert matplotlib.rcParams["font.size"] == 20  # left as the user set it
    for name in ("interview_voices.csv", "interview_voices.png", "interview_voices.pdf"):
        assert (tmp_path / "default" / name).read_bytes() == (tmp_path / "styled" / name).read_bytes(), name


def _csv(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_compare_tables_accepts_last_digit_noise_and_names_the_first_real_difference(tmp_path):
    compare = tables.compare_tables
    header = "group,topic,label,mean,n\n"
    rows = [
        'CHN,0,"nuclear, trade",0.2444480734,31\n',
        "CHN,1,climate,0.0677685049,31\n",
        'USA,0,"nuclear, trade",1e-17,26\n',
    ]
    old = _csv(tmp_path / "old.csv", header + "".join(rows))
    assert compare(old, _csv(tmp_path / "same.csv", header + "".join(rows))) == ("same", "")
    # a relative change of 1e-12 in every float, and a zero's noise (1e-17 against -3e-17): the same
    noisy = (
        header
        + rows[0].replace("0.2444480734", repr(0.2444480734 * (1 + 1e-12)))
        + rows[1].replace("0.0677685049", repr(0.0677685049 * (1 - 1e-12)))
        + rows[2].replace("1e-17", "-3e-17")
    )
    status, detail = compare(old, _csv(tmp_path / "noisy.csv", noisy))
    assert status == "same" and detail == "3 number(s) differ within rtol 1e-06, atol 1e-12"
    # a relative change of 1e-3 is named: file row (below the header), key columns, column, both values
    changed = header + rows[0] + rows[1].replace("0.0677685049", "0.0678362734") + rows[2]
    status, detail = compare(old, _csv(tmp_path / "changed.csv", changed))
    assert status == "differs"
    assert detail == (
        "1 cell(s) differ beyond rtol 1e-06, atol 1e-12; first: row 2 (group='CHN', topic='1', "
        "label='climate'), column 'mean': committed '0.0677685049', now '0.0678362734'"
    )
    # the first of several in reading order, and the count
    status, detail = compare(old, _csv(tmp_path / "two.csv", changed.replace(",31\n", ",32\n", 1)))
    assert (
        detail.startswith("2 cell(s) differ")
        and "row 1 (group='CHN', topic='0', label='nuclear, trade'), column 'n': committed '31', now '32'" in detail
    )


@pytest.mark.parametrize(
    "committed, now, same",
    [
        ("10000000", "10000001", False),  # whole numbers exactly, however large
        ("1972", "1972.0", False),  # a whole number against a float: the column changed type
        ("0.5", "", False),
        ("", "", True),  # an empty cell (NaN) matches only an empty cell
        ("-0.0", "0.0", True),
        ("1e-13", "-1e-13", True),
        ("1e-9", "2e-9", False),  # the absolute floor: 1e-12
        ("4.25e-9", "4.2500000001e-9", True),
        ("4.25e-9", "4.26e-9", False),  # relative above the floor
        ("6429.867972", "6429.868", True),
        ("6429.867972", "6429.88", False),  # 4e-9 relative in, 2e-6 out
        ("inf", "inf", True),
        ("inf", "1e308", False),
        ("CHN", "CHN ", False),
        ("0.1", "abc", False),
    ],
)
def test_compare_tables_cell_rule(tmp_path, committed, now, same):
    old = _csv(tmp_path / "old.csv", f"key,value\na,{committed}\n")
    new = _csv(tmp_path / "new.csv", f"key,value\na,{now}\n")
    status, detail = tables.compare_tables(old, new)
    assert status == ("same" if same else "differs"), detail
    if not same:
        assert f"row 1 (key='a'), column 'value': committed {committed!r}, now {now!r}" in detail


def test_compare_tables_columns_rows_and_unreadable_files(tmp_path):
    compare = tables.compare_tables
    old = _csv(tmp_path / "old.csv", "a,b\n1,0.5\n2,0.25\n")
    assert compare(old, _csv(tmp_path / "c.csv", "a,c\n1,0.5\n2,0.25\n")) == (
        "differs",
        "columns: committed ['a', 'b'], now ['a', 'c']",
    )
    assert compare(old, _csv(tmp_path / "r.csv", "a,b\n1,0.5\n")) == ("differs", "committed 2 rows, now 1")
    assert compare(old, _csv(tmp_path / "crlf.csv", "a,b\r\n1,0.5\r\n2,0.25\r\n")) == (
        "same",
        "the same cells (the files differ in quoting or line ends)",
    )
    status, detail = compare(_csv(tmp_path / "empty.csv", ""), old)
    assert status == "differs" and "cannot be read as CSV" in detail and "empty.csv" in detail


def test_check_figures_accepts_a_tiny_relative_change_and_names_a_real_one(offline, tmp_path, capsys):
    figures.make_figures(tmp_path, progress=None)
    table = tmp_path / "interview_voices.csv"
    text = table.read_text()
    assert "narration,36,731,0.6082\n" in text
    table.write_text(text.replace("0.6082\n", f"{0.6082 * (1 + 1e-12)!r}\n"))
    report = figures.check_figures(tmp_path, progress=None).set_index("file")
    assert report.loc["interview_voices.csv", "status"] == "same"
    assert report.loc["interview_voices.csv", "detail"] == "1 number(s) differ within rtol 1e-06, atol 1e-12"
    assert cli.main(["figures", "--check", "--out", str(tmp_path)]) == 0

    table.write_text(text.replace("0.6082\n", "0.6088082\n"))  # 0.6082 * (1 + 1e-3)
    report = figures.check_figures(tmp_path, progress=None).set_index("file")
    assert report.loc["interview_voices.csv", "status"] == "differs"
    assert report.loc["interview_voices.csv", "detail"] == (
        "1 cell(s) differ beyond rtol 1e-06, atol 1e-12; first: row 1 (voice='narration', segments='36', "
        "words='731'), column 'share_of_words': committed '0.6088082', now '0.6082'"
    )
    assert cli.main(["figures", "--check", "--out", str(tmp_path)]) == 1
    assert "column 'share_of_words'" in capsys.readouterr().out
    # a looser tolerance, asked for, accepts it
    report = figures.check_figures(tmp_path, progress=None, rtol=1e-2).set_index("file")
    assert report.loc["interview_voices.csv", "status"] == "same"


def test_check_figures_rejects_a_bad_tolerance_before_making_anything(offline, tmp_path):
    for name, value in (("rtol", -1e-6), ("atol", float("nan")), ("tolerance", "2"), ("rtol", float("inf"))):
        with pytest.raises(ValueError, match=rf"{name}=.* is invalid; must be a finite number >= 0"):
            figures.check_figures(tmp_path, progress=None, **{name: value})
    assert list(tmp_path.iterdir()) == []


def test_p5_timeline_table_takes_country_and_year_from_match_rates_without_splitting_labels():
    # the rule split "country | year" labels back apart; a country written with " | " broke it
    texts = ["We may perhaps agree. We think so.", "We firmly oppose it. Perhaps not.", "It is possible. We will."]
    ungdc = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(6)],
            "text": texts * 2,
            "country": ["CHN", "CHN", "USA", "USA", "RUS", "FRA"],
            "year": [1972, 1973, 1972, 1973, 1972, 1972],
        }
    )
    table = study.hedging_p5_timeline(ungdc)
    assert list(table.columns) == [
        "country",
        "year",
        "category",
        "n",
        "tokens",
        "rate_per_1k",
        "ci_low",
        "ci_high",
        "unit",
    ]
    assert table["year"].dtype == "int64"
    assert (
        table[["category", "country", "year"]].drop_duplicates().shape[0] == len(table) == 3 * 6
    )  # hedge, directive, booster
    assert set(table["country"]) == {"CHN", "FRA", "RUS (USSR to 1991)", "USA"}


# --------------------------------------------------------------------------- the topic figures (issue #11 items 2, 6)


def test_topic_pruning_is_the_studys_explicit_choice_passed_to_every_topic_rule(monkeypatch):
    # the library's defaults prune nothing (min_docs=1, max_docs=1.0); the study prunes the genre's words
    assert dict(study.TOPIC_PRUNING) == {"min_docs": 2, "max_docs": 0.5}
    with pytest.raises(TypeError):
        study.TOPIC_PRUNING["max_docs"] = 1.0  # one value for the figures and notebook 04, not changed in passing

    seen = []

    class Stop(Exception):
        pass

    def spy(name):
        def record(*args, **kwargs):
            seen.append((name, kwargs))
            raise Stop

        return record

    monkeypatch.setattr(analyses, "fit_topics", spy("fit_topics"))
    monkeypatch.setattr(analyses, "select_k", spy("select_k"))
    docs = pd.DataFrame({"doc_id": ["a"], "text": ["x"], "country": ["CHN"]})
    for rule in (study.topic_prevalence_by_country, study.topics_select_k):
        with pytest.raises(Stop):
            rule(docs)
    assert [name for name, _ in seen] == ["fit_topics", "select_k"]
    for _, kwargs in seen:
        assert (kwargs["min_docs"], kwargs["max_docs"]) == (2, 0.5)


def test_topic_prevalence_rule_names_countries_and_the_interview_in_one_group_column():
    subjects = {
        "CHN": "development cooperation partnership",
        "USA": "democracy freedom rights",
        "KOR": "peninsula dialogue denuclearization",
        "JPN": "disarmament treaty verification",
        "RUS": "sanctions military conflict",
    }
    rows = [
        {
            "doc_id": f"{c}{i}",
            "text": f"{subjects[c]} {subjects[list(subjects)[(j + i) % 5]]} statement {i}",
            "country": c,
        }
        for j, c in enumerate(subjects)
        for i in range(4)
    ]
    docs = pd.concat([pd.DataFrame(rows), tk.load_interview()], ignore_index=True)
    table = study.topic_prevalence_by_country(docs)
    assert list(table.columns) == ["group", "topic", "label", "top_terms", "mean", "ci_low", "ci_high", "n_docs"]
    assert table["group"].drop_duplicates().tolist() == ["CHN", "JPN", "KOR", "RUS", "USA", "Xing (interview)"]
    assert len(table) == 6 * study.TOPIC_K
    fig = figures._draw_topic_prevalence(tables.round_table(table), docs)
    assert fig.legends[0].get_texts()[0].get_text() == "Xing (interview) (one document: no interval)"
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_cli_csv_floats_are_written_at_the_figures_ten_digits(tmp_path, capsys):
    a, b, csv = _keyness_csv(tmp_path)
    got = pd.read_csv(csv, dtype=str)
    digits = got["score"].str.replace(r"[-.]|e.*$", "", regex=True).str.lstrip("0")
    assert digits.str.len().max() <= 10
    expected = tk.keyness(
        pd.Series(tk.tokenize(a.read_text())).value_counts(), pd.Series(tk.tokenize(b.read_text())).value_counts()
    )
    assert got["score"].astype(float).tolist() == pytest.approx(expected["score"].tolist(), rel=1e-9)


def test_shared_phrasing_lift_is_the_own_share_over_the_mean_share_with_the_controls():
    rows = [
        # a target of a control country: its own row and the other six controls
        *[
            ("a", "JPN", ref, ref == "JPN", share)
            for ref, share in zip(study.PHRASE_COUNTRIES, [0.1, 0.2, 0.3, 0.1, 0.2, 0.6, 0.3])
        ],
        # a target of another country: its own row and all seven controls
        ("b", "NZL", "NZL", True, 0.4),
        *[("b", "NZL", ref, False, 0.2) for ref in study.PHRASE_COUNTRIES],
    ]
    table = pd.DataFrame(rows, columns=["doc_id", "country", "reference", "own", "share"])
    table = table.assign(group="ambassador (General Debate)", year=2000, n_tokens=100)
    lift = study.shared_phrasing_lift(table).set_index("doc_id")
    assert lift.loc["a", "own_share"] == 0.6 and lift.loc["a", "other_share"] == pytest.approx(1.2 / 6)
    assert lift.loc["a", "lift"] == pytest.approx(3.0)
    assert lift.loc["b", "other_share"] == pytest.approx(0.2) and lift.loc["b", "lift"] == pytest.approx(2.0)


def test_the_hedging_figure_names_what_each_groups_interval_resamples(monkeypatch):
    # a group of one long speech is resampled in blocks of tokens, not speeches; one of one speech is singular
    groups = ["Xing"] + ["other ambassadors"] * 3 + ["one long speech"] + ["one speech"]
    monkeypatch.setattr(figures, "own_words_by_group", lambda docs: pd.DataFrame({"group": groups}))
    units = {"Xing": "sentence", "other ambassadors": "document", "one long speech": "block", "one speech": "document"}
    rates = pd.DataFrame(
        [
            {"group": g, "category": c, "n": 1, "tokens": 100, "rate_per_1k": 10.0, "ci_low": 5.0, "ci_high": 15.0}
            | {"unit": u}
            for g, u in units.items()
            for c in ("hedge", "booster")
        ]
    )
    fig = figures._draw_hedging_xing_vs_ambassadors(rates, pd.DataFrame())
    text = " | ".join(t.get_text() for ax in fig.axes for t in ax.get_yticklabels())
    assert "Xing (his quoted words)\n1 interview: interval over its sentences" in text
    assert "other ambassadors\n3 speeches: interval over speeches" in text
    assert f"one long speech\n1 speech: interval over blocks of {BLOCK_TOKENS:,} tokens" in text
    assert "one speech\n1 speech: interval over speeches" in text
    import matplotlib.pyplot as plt

    plt.close(fig)
