"""Tests of the figures job and the command line: what is made, what is listed as not made, the manifest."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import toolkit as tk
from toolkit import cli, figures


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
        ".manifest.json.lock", "interview_voices.csv", "interview_voices.pdf", "interview_voices.png",
        "manifest.json"]
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["interview_voices"]
    assert entry["made_by"] == "toolkit.figures:_interview_voices"
    assert entry["corpus_fingerprint"] == tk.corpus_fingerprint(tk.load_interview())
    assert entry["seed"] == 0 and entry["documents"] == 1
    assert {"python", "toolkit", "pandas", "matplotlib"} <= set(entry["versions"])


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
        docs = tk.load_comparison_corpus()
    assert (report["status"] == "made").all()
    table = pd.read_csv(tmp_path / "corpus_composition.csv")
    assert table["documents"].sum() == len(docs)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest) == {r.name for r in figures.FIGURES}
    # The hedging table's row for Xing agrees with hedging_rates on the interview alone (its own words).
    stance = pd.read_csv(tmp_path / "hedging_xing_vs_ambassadors.csv").set_index(["group", "category"])
    alone = tk.hedging_rates(tk.load_interview(), categories=["hedge", "booster"]).set_index("category")
    for category in ("hedge", "booster"):
        assert stance.loc[("Xing", category), "n"] == alone.loc[category, "n"]
        assert stance.loc[("Xing", category), "tokens"] == alone.loc[category, "tokens"]
    assert (stance["ci_low"] <= stance["rate_per_1k"]).all() and (stance["rate_per_1k"] <= stance["ci_high"]).all()
    timeline = pd.read_csv(tmp_path / "hedging_p5_timeline.csv")
    assert sorted(timeline["country"].unique()) == ["CHN", "FRA", "GBR", "RUS (USSR to 1991)", "USA"]
    china = timeline[(timeline["country"] == "CHN") & (timeline["category"] == "hedge")]
    # from the People's Republic's first General Debate: the 1971 CHN speech is the Republic of China's
    assert china["year"].min() == figures.PRC_FIRST_YEAR == 1972 and china["year"].max() == 2024
    assert len(china) == 2024 - 1972 + 1
    assert (timeline["ci_low"] <= timeline["rate_per_1k"]).all()


def test_cli_figures_says_what_it_made_and_what_not(offline, tmp_path, capsys):
    assert cli.main(["figures", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    n = len(figures.FIGURES)
    assert f"[1/{n}] interview_voices: made" in out
    assert f"Made 1 of {n} figures" in out and "- corpus_composition" in out


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
    assert "line 2" in report.loc["interview_voices.csv", "detail"]
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


def test_cli_csv_is_written_whole_and_a_missing_folder_is_named(tmp_path, capsys, monkeypatch):
    import subprocess
    import sys

    text = tmp_path / "statement.txt"
    text.write_text("Perhaps we could talk.", encoding="utf-8")
    csv = tmp_path / "hits.csv"
    csv.write_text("the old table\n")
    ended = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                               text=True, check=True).stdout)
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


def test_cli_keyness_equals_the_library(tmp_path, capsys):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("We oppose war. We oppose it firmly.", encoding="utf-8")
    b.write_text("We hope for peace. We hope.", encoding="utf-8")
    csv = tmp_path / "k.csv"
    assert cli.main(["keyness", str(a), str(b), "--top", "0", "--csv", str(csv)]) == 0
    got = pd.read_csv(csv)
    expected = tk.keyness(pd.Series(tk.tokenize(a.read_text())).value_counts(),
                          pd.Series(tk.tokenize(b.read_text())).value_counts())
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
    header.write_text("\ufeff---\ndoc_id: h1\nspeaker: A\nrole: ambassador\ncountry: CHN\nvenue: UNSC\n"
                      "date: 2021-01-01\ngenre: speech\nsource: x\nlicence: CC0\n---\nWe firmly oppose it.",
                      encoding="utf-8")
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

    rules = (figures.FIGURES[0], figures._FigureRule("broken", "fails", (), broken))
    monkeypatch.setattr(figures, "FIGURES", rules)
    with pytest.raises(RuntimeError, match="broken rule"):
        figures.make_figures(tmp_path, progress=None, bar=True)
    assert set(json.loads((tmp_path / "manifest.json").read_text())) == {"interview_voices"}


def test_topic_k_is_one_of_the_compared_ks():
    assert figures.TOPIC_K in figures.TOPIC_KS
