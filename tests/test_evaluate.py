"""Tests of toolkit.study.evaluate: token-level scores on a hand-made SFU-format corpus, and on the real one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.hedging import HedgeModel, load_hedge_model
from toolkit.study.evaluate import EXCLUDED, evaluate_hedges, main, read_sfu, train_hedge_model


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
    (tmp_path / "A" / "r1.xml").write_text(
        _doc(
            # might: TP; or: left out
            _w("It") + _cue("might") + _w("rain") + _cue("or") + _w("snow", "."),
            # think: TP; I: self-mention, not a hedge; "about 5": an approximator hedge the annotators
            # do not mark: FP in the view "all" only
            _w("I") + _cue("think") + _w("it", "is", "about", "5", "miles", "."),
            # can, if: left out; probably: TP; "would n't" is rebuilt as "wouldn't": two TP tokens
            _w("You")
            + _cue("can")
            + _cue("probably")
            + _w("go")
            + _cue("if")
            + _w("you")
            + _cue("would", "n't")
            + _w("mind", "."),
        ),
        encoding="utf-8",
    )
    (tmp_path / "B" / "r2.xml").write_text(
        _doc(
            # must: a modal of obligation (directive), which the annotators mark: TP
            _w("He") + _cue("must") + _w("be", "home", "."),
            # no cue; the rules drop "about" (preposition) and "May" (month); the lexicon keeps both: 2 FP
            # in the view "all", 1 (the epistemic "May") in the view "epistemic"
            _w("We", "talked", "about", "it", "in", "May", "."),
        ),
        encoding="utf-8",
    )
    return tmp_path


def test_read_sfu_rebuilds_sentences_with_offsets(tiny):
    sents = read_sfu(tiny)
    assert [s.folder for s in sents] == ["A", "A", "A", "B", "B"]
    third = sents[2]
    assert third.text == "You can probably go if you wouldn't mind ."
    assert [third.text[s:e] for s, e in third.spans] == [
        "You",
        "can",
        "probably",
        "go",
        "if",
        "you",
        "would",
        "n't",
        "mind",
        ".",
    ]
    assert third.gold == [False, True, True, False, True, False, True, True, False, False]


def _counts(score: dict) -> tuple[int, int, int]:
    return score["tp"], score["fp"], score["fn"]


def test_scores_by_hand(tiny):
    # a model that drops "think" and keeps every other candidate
    model = HedgeModel({"cue=think": -10.0}, intercept=5.0)
    r = evaluate_hedges(tiny, model=model)
    p = r["pooled"]
    # rules: TP might, think, probably, would, n't, must = 6; FP about in "all" only
    assert _counts(p["rules"]["epistemic"]) == (6, 0, 0)
    assert _counts(p["rules"]["all"]) == (6, 1, 0)
    assert p["rules"]["all"]["precision"] == round(6 / 7, 4) and p["rules"]["all"]["f1"] == round(12 / 13, 4)
    # lexicon: FP May (epistemic); about, about, May (all): P = 6/9, R = 1, F1 = 2PR/(P+R) = 0.8
    assert _counts(p["lexicon"]["epistemic"]) == (6, 1, 0)
    assert _counts(p["lexicon"]["all"]) == (6, 3, 0)
    assert p["lexicon"]["all"]["f1"] == 0.8
    # learned with the model above: think is dropped, a false negative
    assert _counts(p["learned"]["epistemic"]) == (5, 0, 1)
    assert p["learned"]["epistemic"]["top_false_negatives"] == [("think", 1)]
    assert r["excluded_tokens"] == 3 and {"or", "can", "if", "whether", "neither"} <= EXCLUDED
    assert r["tokens"] == 6 + 8 + 10 + 5 + 7
    # the per-cue table names the error class: "think" was found by the lexicon and dropped
    think = next(row for row in r["per_cue"]["learned"] if row["cue"] == "think")
    assert (think["tp"], think["fn"], think["support"]) == (0, 1, 1)
    assert think["errors"][0][0].startswith("FN dropped by the rules or the model")
    # every candidate in the training folds is a cue: nothing to learn, and it says so
    assert "leave_one_category_out" not in r and "one gold label" in r["leave_one_category_out_skipped"]


def test_windows_1252_quotes_are_read_as_quotes(tmp_path):
    (tmp_path / "r.xml").write_text(_doc(_w("I") + _cue("couldn\x92t") + _w("say", ".")), encoding="utf-8")
    (sent,) = read_sfu(tmp_path)
    assert sent.text == "I couldn’t say ."
    r = evaluate_hedges(tmp_path)
    assert _counts(r["pooled"]["rules"]["epistemic"]) == (1, 0, 0)


def test_command_line_json_and_text(tiny, capsys):
    assert main(["hedges", str(tiny), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["pooled"]["rules"]["epistemic"]["f1"] == 1.0
    assert main(["hedges", str(tiny)]) == 0
    text = capsys.readouterr().out
    assert "epistemic: rules" in text and "epistemic: lexicon" in text and "Per cue, rules" in text


def test_train_hedge_model_matches_scikit_learn_on_a_toy_problem():
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    feats = [
        ["cue=a", "next=that"],
        ["cue=a"],
        ["cue=b", "next=that"],
        ["cue=b"],
        ["cue=a", "negated"],
        ["cue=b", "negated"],
        ["cue=a", "next=that"],
        ["cue=b"],
    ]
    gold = [True, True, True, False, False, False, True, False]
    model = train_hedge_model(pd.DataFrame({"features": feats, "gold": gold}))
    names = sorted({f for fs in feats for f in fs})
    X = csr_matrix([[f in fs for f in names] for fs in feats], dtype=float)
    ref = LogisticRegression(C=1.0, max_iter=10000, tol=1e-10).fit(X, gold)
    for fs, p in zip(feats, ref.predict_proba(X)[:, 1]):
        assert model.probability(fs) == pytest.approx(p, abs=1e-5)
    assert model.weights["negated"] < 0 < model.weights["next=that"]
    with pytest.raises(ValueError, match="both gold labels"):
        train_hedge_model(pd.DataFrame({"features": feats[:2], "gold": [True, True]}))


def test_a_model_file_round_trips_and_bad_files_are_named(tmp_path):
    model = HedgeModel({"cue=may": 1.5, "negated": -2.0}, intercept=0.25, threshold=0.6, training={"n": 3})
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    again = load_hedge_model(path)
    assert again.weights == model.weights and again.intercept == 0.25 and again.threshold == 0.6
    assert again.probability(["cue=may"]) == pytest.approx(1 / (1 + np.exp(-1.75)))
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.json: not a hedge model"):
        load_hedge_model(tmp_path / "bad.json")
    with pytest.raises(FileNotFoundError, match="no hedge model there"):
        load_hedge_model(tmp_path / "none.json")


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


@pytest.mark.skipif(
    SFU is None or not SFU.is_dir(),
    reason=f"SFU speculation data not found (looked at {SFU}); set $TOOLKIT_HEDGING_DATA to the "
    "folder of the annotated reviews, or $TOOLKIT_DATA to a corpora folder with "
    "../hedging/sfu-speculation-dev beside it",
)
def test_real_data_scores_as_reported():
    # The numbers in the README; a change to the lexicon, a rule or the model must update them.
    r = evaluate_hedges(SFU)
    assert r["sentences"] == 9163 and r["folders"] == ["BOOKS", "CARS", "COMPUTERS", "COOKWARE"]
    p, loco = r["pooled"], r["leave_one_category_out_pooled"]
    # rules and lexicon learn nothing: pooled and held-out are the same counts
    assert _counts(p["rules"]["epistemic"]) == _counts(loco["rules"]["epistemic"]) == (1472, 472, 149)
    assert _counts(p["lexicon"]["epistemic"]) == (1516, 640, 105)
    assert round(p["rules"]["epistemic"]["f1"], 3) == 0.826
    # the shipped model, in-sample, and retrained without each category (lbfgs: a stated tolerance)
    assert round(p["learned"]["epistemic"]["f1"], 3) == 0.910
    assert loco["learned"]["epistemic"]["f1"] == pytest.approx(0.872, abs=0.003)
    assert loco["learned"]["epistemic"]["f1"] > loco["rules"]["epistemic"]["f1"] > p["lexicon"]["epistemic"]["f1"]


@pytest.mark.skipif(SFU is None or not SFU.is_dir(), reason="SFU speculation data not found (see above)")
def test_the_shipped_model_is_what_training_makes():
    from toolkit.hedging import MODEL_PATH
    from toolkit.study.evaluate import candidates

    shipped = load_hedge_model(MODEL_PATH)
    again = train_hedge_model(candidates(read_sfu(SFU)))
    assert set(again.weights) == set(shipped.weights)
    assert max(abs(again.weights[k] - w) for k, w in shipped.weights.items()) < 1e-3
    assert again.intercept == pytest.approx(shipped.intercept, abs=1e-3)
    assert shipped.training["examples"] == again.training["examples"] == 1915


_DATA = os.environ.get("TOOLKIT_DATA")


@pytest.mark.skipif(
    not _DATA or not (Path(_DATA) / "ungdc").is_dir() or not (Path(_DATA) / "unscon").is_dir(),
    reason="the UN corpora are not in $TOOLKIT_DATA (set it to ../shared/corpora): the annotated "
    "UN sentences are stored as references into them",
)
def test_the_un_register_set_reads_back_and_scores_as_reported():
    from toolkit.study.evaluate import evaluate_register, read_register

    sents = read_register()
    assert len(sents) == 200 and sents["split"].value_counts().to_dict() == {"dev": 150, "heldout": 50}
    r = evaluate_register()
    dev, held = r["splits"]["dev"], r["splits"]["heldout"]
    assert _counts(dev["learned"]["epistemic"]) == (15, 2, 7) and _counts(dev["rules"]["epistemic"]) == (18, 7, 4)
    assert _counts(held["learned"]["epistemic"]) == (5, 2, 1) and _counts(held["rules"]["epistemic"]) == (4, 3, 2)
    assert _counts(dev["rules"]["deontic"]) == (58, 0, 0) and _counts(held["rules"]["deontic"]) == (24, 1, 0)
    assert _counts(dev["rules"]["formula"]) == (40, 0, 17) and _counts(held["rules"]["formula"]) == (14, 0, 0)


def test_a_register_record_that_does_not_match_its_corpus_is_named(tmp_path):
    from toolkit.study.evaluate import read_register

    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "x1", "split": "dev"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 1: not a register record"):
        read_register(path)


@pytest.mark.skipif(
    not _DATA or not (Path(_DATA) / "ungdc").is_dir() or not (Path(_DATA) / "unscon").is_dir(),
    reason="the UN corpora are not in $TOOLKIT_DATA (set it to ../shared/corpora)",
)
def test_the_second_held_out_register_set_scores_as_reported():
    from toolkit.study.evaluate import REGISTER_PATH, evaluate_register

    r = evaluate_register(REGISTER_PATH.parent / "sentences_heldout2.jsonl")["splits"]["heldout2"]
    assert _counts(r["learned"]["epistemic"]) == (9, 9, 4) and _counts(r["rules"]["epistemic"]) == (12, 15, 1)
    assert _counts(r["learned"]["deontic"]) == (36, 1, 0) and _counts(r["learned"]["formula"]) == (22, 0, 4)
