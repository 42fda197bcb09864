"""Tests of toolkit.audit: the stratified sample of matches, and the precision of a coded sample."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import toolkit as tk
from toolkit.audit import AUDIT_COLUMNS, audit_key, hedge_audit, score_audit

DOCS = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c"],
        "text": [
            "Perhaps it may rain. We must act now. It could be about 8 km away.",
            "Let me thank you. All parties should refrain. This is clearly wrong and perhaps unwise.",
            "I would like to thank the President. Maybe we might agree. It is almost done.",
        ],
    }
)


def test_the_sample_is_stratified_and_each_row_is_a_match_with_its_context():
    sample = hedge_audit(DOCS, n=10, seed=0, categories=["hedge", "directive", "formula", "booster"])
    assert tuple(sample.columns) == AUDIT_COLUMNS
    counts = sample["stratum"].value_counts().to_dict()
    population = sample.attrs["population"]
    # 10 over 5 strata: 2 each, or the whole stratum when it has fewer
    assert counts == {s: min(2, n) for s, n in population.items()}
    text = dict(zip(DOCS["doc_id"], DOCS["text"]))
    for r in sample.itertuples():
        assert text[r.doc_id][r.start : r.end] == r.match
        before, after = (" ".join(part.split()) for part in (text[r.doc_id][: r.start], text[r.doc_id][r.end :]))
        assert before.endswith(r.left) and after.startswith(r.right.strip())
    assert sample["correct"].isna().all() and (sample["note"] == "").all()


def test_the_same_seed_gives_the_same_sample_and_another_seed_another():
    big = pd.DataFrame(
        {"doc_id": [f"d{i}" for i in range(30)], "text": ["Perhaps it may work, and we could try; it might fail."] * 30}
    )
    one = hedge_audit(big, n=12, seed=3)
    assert audit_key(one) == audit_key(hedge_audit(big, n=12, seed=3))
    assert audit_key(one) != audit_key(hedge_audit(big, n=12, seed=4))


def test_bad_arguments_are_named():
    for kwargs, message in [
        ({"n": 0}, "n=0 is invalid"),
        ({"context": -1}, "context=-1 is invalid"),
        ({"n": 2.5}, "n=2.5 is invalid"),
        ({"seed": -1}, "seed"),
    ]:
        with pytest.raises(ValueError, match=message):
            hedge_audit(DOCS, **kwargs)
    with pytest.raises(ValueError, match="categories='hedges' is invalid"):
        hedge_audit(DOCS, categories=["hedges"])


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval from its formula (Wilson 1927), for checking scipy's."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_precision_and_its_wilson_interval_by_hand():
    coded = pd.DataFrame(
        {"stratum": ["x"] * 10 + ["y"] * 4, "correct": [True] * 8 + [False] * 2 + ["yes", "no", "1", "False"]}
    )
    out = score_audit(coded).set_index("stratum")
    assert out.loc["x", ["n", "correct"]].tolist() == [10, 8] and out.loc["x", "precision"] == 0.8
    assert out.loc["y", ["n", "correct"]].tolist() == [4, 2]
    for stratum, (k, n) in {"x": (8, 10), "y": (2, 4)}.items():
        low, high = _wilson(k, n)
        assert out.loc[stratum, "ci_low"] == pytest.approx(low, abs=1e-9)
        assert out.loc[stratum, "ci_high"] == pytest.approx(high, abs=1e-9)
    # 1 of 1: the lower bound is 1 / (1 + z^2), the classic value 0.2065
    one = score_audit(pd.DataFrame({"stratum": ["z"], "correct": [True]}))
    assert one["ci_low"].iloc[0] == pytest.approx(1 / (1 + 1.959963984540054**2))


def test_uncoded_rows_are_named():
    coded = pd.DataFrame({"stratum": ["x", "x", "x"], "correct": [True, None, "maybe"]})
    with pytest.raises(ValueError, match=r"2 row\(s\) are not coded: 1 \(None\), 2 \('maybe'\)"):
        score_audit(coded)
    with pytest.raises(ValueError, match="confidence"):
        score_audit(coded.iloc[:1], confidence=95)


@given(n=st.integers(1, 30), seed=st.integers(0, 2**31 - 1), k=st.integers(1, 3))
def test_every_sampled_row_is_a_match_and_the_size_is_as_promised(n, seed, k):
    docs = DOCS.iloc[:k]
    matches = tk.find_stance(docs)
    sample = hedge_audit(docs, n=n, seed=seed)
    keys = set(zip(matches["doc_id"], matches["start"], matches["end"], matches["category"]))
    assert set(audit_key(sample)) <= {(str(d), int(s), int(e), str(c)) for d, s, e, c in keys}
    population = sample.attrs["population"]
    share, extra = divmod(n, len(population))
    expected = sum(min(share + (i < extra), size) for i, size in enumerate(population.values()))
    assert len(sample) == expected


_DATA = os.environ.get("TOOLKIT_DATA")
_AUDITS = Path(tk.__file__).parent / "data" / "un_register"


@pytest.mark.skipif(
    not _DATA or not (Path(_DATA) / "ungdc").is_dir() or not (Path(_DATA) / "unscon").is_dir(),
    reason="the UN corpora are not in $TOOLKIT_DATA (set it to ../shared/corpora): the audit is drawn from them",
)
def test_the_last_audit_is_a_draw_of_the_current_detector():
    """If a rule or the model changes which matches exist, the coded sample no longer measures the detector:
    this test says so, and the audit must be drawn and coded again (scripts/un_audit_sample.py)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from un_audit_sample import draw

    coded = pd.read_csv(_AUDITS / "audit_round4.csv", dtype={"note": str}, keep_default_na=False)
    assert audit_key(coded) == audit_key(draw(n=200, seed=2))


def test_score_audit_of_concatenated_rounds_with_repeated_index_labels():
    one = pd.DataFrame({"stratum": ["directive", "booster"], "correct": [True, False]})
    both = pd.concat([one, one])  # index 0, 1, 0, 1
    out = score_audit(both).set_index("stratum")
    assert out.loc["directive", ["n", "correct"]].tolist() == [2, 2]
    assert out.loc["booster", ["n", "correct"]].tolist() == [2, 0]


def test_the_readmes_audit_table_is_what_the_coded_rounds_give():
    """The numbers of the README's audit table, from the coded files (no corpus needed)."""
    expected = {  # round: {stratum: (correct, n)}
        1: {"hedge:epistemic": 24, "hedge:approximator": 32, "booster": 22, "directive": 38, "formula": 40},
        2: {"hedge:epistemic": 30, "hedge:approximator": 32, "booster": 30, "directive": 38, "formula": 40},
        3: {"hedge:epistemic": 23, "hedge:approximator": 35, "booster": 32, "directive": 40, "formula": 40},
        4: {"hedge:epistemic": 30, "hedge:approximator": 33, "booster": 20, "directive": 40, "formula": 40},
    }
    for round_, correct in expected.items():
        coded = pd.read_csv(_AUDITS / f"audit_round{round_}.csv", dtype={"note": str}, keep_default_na=False)
        scores = score_audit(coded).set_index("stratum")
        assert scores["correct"].to_dict() == correct and set(scores["n"]) == {40}
    last = score_audit(pd.read_csv(_AUDITS / "audit_round4.csv", dtype={"note": str}, keep_default_na=False))
    booster = last.set_index("stratum").loc["booster"]
    assert (round(booster["ci_low"], 2), round(booster["ci_high"], 2)) == (0.35, 0.65)
