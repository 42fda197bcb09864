"""Tests of toolkit.evaluate: token-level scores on a hand-made SFU-format corpus, and on the real one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from toolkit.evaluate import EXCLUDED, evaluate_hedges, main, read_sfu


def _w(*words: str) -> str:
    return "".join(f"<W>{w}</W>" for w in words)


def _cue(*words: str) -> str:
    return f'<cue ID="1" type="speculation">{_w(*words)}</cue>'


def _doc(*sentences: str) -> str:
    body = "".join(f"<SENTENCE>{s}</SENTENCE>" for s in sentences)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<DOCUMENT><P>{body}</P></DOCUMENT>'


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """Two folders, five sentences; the expected counts are worked out by hand below."""
    (tmp_path / "A").mkdir()
    (tmp_path / "B").mkdir()
    (tmp_path / "A" / "r1.xml").write_text(_doc(
        # might: TP; or: left out
        _w("It") + _cue("might") + _w("rain") + _cue("or") + _w("snow", "."),
        # think: TP; I: self-mention, not a hedge; "about 5": an approximator hedge the annotators
        # do not mark: FP (detector and baseline)
        _w("I") + _cue("think") + _w("it", "is", "about", "5", "miles", "."),
        # can, if: left out; probably: TP; "would n't" is rebuilt as "wouldn't": two TP tokens
        _w("You") + _cue("can") + _cue("probably") + _w("go") + _cue("if") + _w("you")
        + _cue("would", "n't") + _w("mind", "."),
    ), encoding="utf-8")
    (tmp_path / "B" / "r2.xml").write_text(_doc(
        # must: a booster in Hyland's model: FN
        _w("He") + _cue("must") + _w("be", "home", "."),
        # no cue; the rules drop "about" (preposition) and "May" (month); the baseline keeps both: 2 FP
        _w("We", "talked", "about", "it", "in", "May", "."),
    ), encoding="utf-8")
    return tmp_path


def test_read_sfu_rebuilds_sentences_with_offsets(tiny):
    sents = read_sfu(tiny)
    assert [s.folder for s in sents] == ["A", "A", "A", "B", "B"]
    third = sents[2]
    assert third.text == "You can probably go if you wouldn't mind ."
    assert [third.text[s:e] for s, e in third.spans] == ["You", "can", "probably", "go", "if", "you", "would",
                                                         "n't", "mind", "."]
    assert third.gold == [False, True, True, False, True, False, True, True, False, False]


def test_scores_by_hand(tiny):
    r = evaluate_hedges(tiny)
    # detector: TP might, think, probably, would, n't = 5; FP about = 1; FN must = 1
    assert (r["detector"]["tp"], r["detector"]["fp"], r["detector"]["fn"]) == (5, 1, 1)
    assert r["detector"]["precision"] == round(5 / 6, 4)
    assert r["detector"]["recall"] == round(5 / 6, 4)
    assert r["detector"]["f1"] == round(5 / 6, 4)
    # baseline: the same TP and FN; FP about, about, May = 3; F1 = 2PR/(P+R) with P=5/8, R=5/6 -> 5/7
    assert (r["baseline"]["tp"], r["baseline"]["fp"], r["baseline"]["fn"]) == (5, 3, 1)
    assert r["baseline"]["f1"] == round(5 / 7, 4)
    # epistemic view: the approximator "about" no longer counts
    assert (r["detector_epistemic"]["tp"], r["detector_epistemic"]["fp"], r["detector_epistemic"]["fn"]) == (5, 0, 1)
    # per folder
    assert r["by_folder"]["A"]["detector"]["tp"] == 5 and r["by_folder"]["A"]["detector"]["fp"] == 1
    assert r["by_folder"]["B"]["detector"]["fn"] == 1 and r["by_folder"]["B"]["baseline"]["fp"] == 2
    # or, can, if are left out of both sides
    assert r["excluded_tokens"] == 3 and {"or", "can", "if", "whether", "neither"} <= EXCLUDED
    assert r["tokens"] == 6 + 8 + 10 + 5 + 7
    assert r["detector"]["top_false_positives"] == [("about", 1)]
    assert r["detector"]["top_false_negatives"] == [("must", 1)]
    # the ceiling keeps the detector's TP and FN and only the approximators' FP ("about")
    c = r["approximator_ceiling"]
    assert (c["tp"], c["fp"], c["fn"], c["approximator_tp"]) == (5, 1, 1, 0)


def test_windows_1252_quotes_are_read_as_quotes(tmp_path):
    (tmp_path / "r.xml").write_text(_doc(_w("I") + _cue("couldn\x92t") + _w("say", ".")), encoding="utf-8")
    (sent,) = read_sfu(tmp_path)
    assert sent.text == "I couldn’t say ."
    r = evaluate_hedges(tmp_path)
    assert (r["detector"]["tp"], r["detector"]["fn"]) == (1, 0)


def test_command_line_json_and_text(tiny, capsys):
    assert main(["hedges", str(tiny), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["detector"]["f1"] == round(5 / 6, 4)
    assert main(["hedges", str(tiny)]) == 0
    text = capsys.readouterr().out
    assert "find_hedges (context rules)" in text and "baseline (plain lexicon)" in text


def test_missing_or_broken_data(tmp_path, capsys):
    assert main(["hedges", str(tmp_path / "nowhere")]) == 2
    assert "no SFU speculation XML files" in capsys.readouterr().err
    (tmp_path / "bad.xml").write_text("<DOCUMENT><SENTENCE>", encoding="utf-8")
    with pytest.raises(ValueError, match="not well-formed XML"):
        read_sfu(tmp_path)


def _sfu_path() -> Path | None:
    """$TOOLKIT_HEDGING_DATA, or the hedging folder beside $TOOLKIT_DATA (../shared/corpora -> ../shared/hedging)."""
    if os.environ.get("TOOLKIT_HEDGING_DATA"):
        return Path(os.environ["TOOLKIT_HEDGING_DATA"])
    if os.environ.get("TOOLKIT_DATA"):
        return Path(os.environ["TOOLKIT_DATA"]).parent / "hedging" / "sfu-speculation-dev"
    return None


SFU = _sfu_path()


@pytest.mark.skipif(SFU is None or not SFU.is_dir(),
                    reason=f"SFU speculation data not found (looked at {SFU}); set $TOOLKIT_HEDGING_DATA to the "
                           "folder of the annotated reviews, or $TOOLKIT_DATA to a corpora folder with "
                           "../hedging/sfu-speculation-dev beside it")
def test_real_data_scores_as_reported():
    # The numbers in the README and the hedging note; a change to the lexicon or a rule must update them.
    r = evaluate_hedges(SFU)
    assert r["sentences"] == 9163
    assert round(r["detector"]["f1"], 3) == 0.685
    assert round(r["baseline"]["f1"], 3) == 0.578
    assert round(r["detector_epistemic"]["f1"], 3) == 0.818
    assert round(r["baseline_epistemic"]["f1"], 3) == 0.789
    assert round(r["approximator_ceiling"]["f1"], 3) == 0.771 and r["approximator_ceiling"]["approximator_tp"] == 0
    assert r["detector"]["f1"] > r["baseline"]["f1"]
