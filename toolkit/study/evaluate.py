"""Validate the hedge detector against a human annotation: ``python -m toolkit.study.evaluate hedges PATH``.

The reference is the SFU Review Corpus annotated for speculation (Konstantinova
et al. 2012): XML files with ``<SENTENCE>`` elements of ``<W>`` tokens, and
``<cue type="speculation">`` around the one or more tokens of a hedge cue.

How the score is computed, token by token:

- each sentence is rebuilt from its ``<W>`` tokens, joined by one space, except
  that clitics split off by the annotators' tokenizer (``n't``, ``'s``, ``'d``,
  ``'ll``, ``'re``, ``'ve``, ``'m``) are joined to the word before ("would n't" ->
  "wouldn't"), as they were written; each token's character offsets are kept;
- Windows-1252 characters that reached the files as C1 control characters
  (U+0092 in "couldn't", U+0093/U+0094 quotes, dashes, bullets: 771 tokens of
  the development half) are read as the characters they stand for;
- a gold token is positive when it lies inside a speculation cue;
- a predicted token is positive when it overlaps a :func:`~toolkit.hedging.find_stance`
  match of category ``hedge`` (boosters and the other categories are not
  hedges and do not count; a negated booster that a rule makes a hedge does);
- tokens of conditionals and disjunctions (:data:`EXCLUDED`: if, or, either,
  whether, unless, otherwise, nor, neither) and of the ability modal "can"
  (can, ca (of "ca n't"), cannot, can't, cant) are left out of both sides:
  the annotators count them as speculation, Hyland's hedges do not include them;
- precision, recall and F1 are over the remaining tokens of all files.

In the same run the naive baseline is scored: the same lexicon matched plainly,
without context rules (``find_stance(..., rules=False)``).

The headline numbers count every hedge. A second view counts only the
*epistemic* hedges (lexicon ``kind``; Prince et al.'s 1982 "shields": modals,
verbs of cognition and evidence, probability words) and leaves out the
approximators of degree, quantity and frequency ("quite", "almost", "often",
"about 8"): Hyland counts those as hedges, the annotators' "speculation" does
not (not one of them is a cue in the development data), the mirror image of
"if" and "or". Both views are printed; the headline is the first.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit._validation import DataNotFoundError

if TYPE_CHECKING:
    from toolkit.hedging import HedgeModel

__all__ = ["EXCLUDED", "Score", "evaluate_hedges", "main", "read_sfu"]

#: Tokens left out of both sides: conditionals, disjunctions and the ability modal "can".
EXCLUDED: frozenset[str] = frozenset(
    {
        "if",
        "or",
        "either",
        "whether",
        "unless",
        "otherwise",
        "nor",
        "neither",
        "can",
        "ca",
        "cannot",
        "can't",
        "can’t",
        "cant",
    }
)
# Some reviews were written in Windows-1252 and decoded as Latin-1: their quotes, dashes, bullets and the
# like are C1 control characters ("couldn\x92t"). Each is read as the Windows-1252 character it stands for.
_CP1252_C1 = {c: bytes([c]).decode("cp1252") for c in range(0x80, 0xA0) if c not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_CLITICS = frozenset({"n't", "'s", "'d", "'ll", "'re", "'ve", "'m", "n’t", "’s", "’d", "’ll", "’re", "’ve", "’m"})


@dataclass
class Sentence:
    """One rebuilt sentence: its text, each token's (start, end) and gold label, and its file's folder."""

    text: str
    spans: list[tuple[int, int]]
    gold: list[bool]
    folder: str
    file: str


@dataclass
class Score:
    """Token-level counts and the scores derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    fp_words: Counter = field(default_factory=Counter)
    fn_words: Counter = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self, top: int = 0) -> dict:
        out: dict[str, object] = {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }
        if top:
            out["top_false_positives"] = self.fp_words.most_common(top)
            out["top_false_negatives"] = self.fn_words.most_common(top)
        return out


def _sentence_tokens(element: ET.Element, inside: bool, out: list[tuple[str, bool]]) -> None:
    for child in element:
        if child.tag == "W":
            out.append(((child.text or "").translate(_CP1252_C1), inside))
        else:
            spec = child.tag == "cue" and child.get("type") == "speculation"
            _sentence_tokens(child, inside or spec, out)


def read_sfu(path: str | Path) -> list[Sentence]:
    """Read every ``*.xml`` file under ``path`` (recursively) as rebuilt sentences.

    Parameters
    ----------
    path : str or Path
        A folder of SFU speculation XML files (category folders inside are fine) or one file.

    Returns
    -------
    list of Sentence
        In file order; ``folder`` is the file's parent folder name (the review category).

    Raises
    ------
    DataNotFoundError
        ``path`` does not exist or holds no XML file.
    ValueError
        A file is not well-formed XML (the message names it).
    """
    path = Path(path)
    files = [path] if path.is_file() else sorted(path.rglob("*.xml")) if path.is_dir() else []
    if not files:
        raise DataNotFoundError(
            f"{path}: no SFU speculation XML files there. Pass the folder of the annotated reviews "
            "(e.g. ../shared/hedging/sfu-speculation-dev)."
        )
    sentences = []
    for file in files:
        try:
            root = ET.parse(file).getroot()
        except ET.ParseError as err:
            raise ValueError(f"{file}: not well-formed XML ({err}).") from None
        for sent in root.iter("SENTENCE"):
            toks: list[tuple[str, bool]] = []
            _sentence_tokens(sent, False, toks)
            parts: list[str] = []
            spans: list[tuple[int, int]] = []
            gold: list[bool] = []
            pos = 0
            for word, inside in toks:
                if not word:
                    continue
                if parts and word.lower() not in _CLITICS:
                    parts.append(" ")
                    pos += 1
                parts.append(word)
                spans.append((pos, pos + len(word)))
                gold.append(inside)
                pos += len(word)
            if spans:
                sentences.append(Sentence("".join(parts), spans, gold, file.parent.name, file.name))
    return sentences


# ----------------------------------------------------------------------- what counts as a predicted cue

#: The views of a detector's matches scored against the annotation. "epistemic" is the headline: the
#: epistemic hedges and the modals of obligation (category ``directive``), because the annotators mark
#: both as speculation ("should" 127 of 131 tokens, "must" 56 of 62 in the development half);
#: (of the directives, the modal verbs: :data:`MODAL_DIRECTIVES`); "all" adds Hyland's approximators (quite, almost, about 8), which the annotators never mark.
VIEWS: tuple[str, ...] = ("epistemic", "all")
#: The methods scored: find_stance with its context rules, with the learned model, and the plain lexicon.
EVAL_METHODS: tuple[str, ...] = ("rules", "learned", "lexicon")


#: The directives that count as speculation cues: the modal verbs. The annotators mark modal auxiliaries
#: (should, must) but not the semi-modals: "have to" 1 of 117 tokens, "need to" 0 of 44.
MODAL_DIRECTIVES: frozenset[str] = frozenset({"should", "shouldn't", "must", "mustn't", "ought", "oughtn't"})


def _positive(matches: pd.DataFrame, view: str) -> pd.DataFrame:
    cat, kind = matches["category"], matches["kind"]
    modal = (cat == "directive") & matches["pattern"].isin(MODAL_DIRECTIVES)
    hedge = ((cat == "hedge") & (kind == "epistemic")) if view == "epistemic" else (cat == "hedge")
    keep = hedge | modal
    return matches[keep.to_numpy()]


def _covering(sentence: Sentence, matches: pd.DataFrame) -> list[int | None]:
    """For each token, the row position (in ``matches``) of the first match overlapping it, or None."""
    out: list[int | None] = [None] * len(sentence.spans)
    for k, (s, e) in enumerate(zip(matches["start"].tolist(), matches["end"].tolist())):
        for i, (ts, te) in enumerate(sentence.spans):
            if ts < e and s < te and out[i] is None:
                out[i] = k
    return out


def _docs(sentences: Sequence[Sentence]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [str(i) for i in range(len(sentences))], "text": [s.text for s in sentences]})


def _find(
    sentences: Sequence[Sentence], method: str, *, lexicon: pd.DataFrame | None = None, model: Any = None
) -> pd.DataFrame:
    """All matches of find_stance over the sentences (doc_id = the sentence's position)."""
    from toolkit.hedging import find_stance

    # The reviews are English; the language check is for whole documents, not sentences.
    if method == "lexicon":
        return find_stance(_docs(sentences), lexicon=lexicon, rules=False, non_english="keep")
    return find_stance(_docs(sentences), lexicon=lexicon, method=method, model=model, non_english="keep")


def _by_doc(matches: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {str(d): g for d, g in matches.groupby("doc_id", sort=False)}


def _context(sentence: Sentence, i: int) -> str:
    """The words either side of token i, for naming an error class."""
    words = [sentence.text[s:e].lower() for s, e in sentence.spans]
    prev = words[i - 1] if i > 0 else "<s>"
    nxt = words[i + 1] if i + 1 < len(words) else "</s>"
    return f"{prev} _ {nxt}"


def _score(
    sentences: Sequence[Sentence],
    ids: Sequence[int],
    matches: pd.DataFrame,
    view: str,
    baseline: pd.DataFrame | None = None,
    per_cue: dict | None = None,
) -> Score:
    """Token-level counts of one view of ``matches`` over the sentences ``ids`` (positions in ``sentences``).

    With ``per_cue`` (a dict), each scored token's counts are added under its lower-cased word, with the
    error classes: a false positive by the rule that kept it and the words around it, a false negative
    as "not in the lexicon" (the plain lexicon did not cover it), "dropped by <rule>" or "another category".
    """
    score = Score()
    positive = _by_doc(_positive(matches, view))
    everything = _by_doc(matches)
    plain = _by_doc(baseline) if baseline is not None else {}
    empty = matches.iloc[:0]
    for i in ids:
        sent = sentences[i]
        pos = positive.get(str(i), empty)
        cover = _covering(sent, pos)
        all_cover = base_cover = None
        for t, ((s, e), g) in enumerate(zip(sent.spans, sent.gold)):
            word = sent.text[s:e].lower()
            if word in EXCLUDED:
                continue
            p = cover[t] is not None
            if not (g or p):
                continue
            if g and p:
                score.tp += 1
                outcome, cls = "tp", None
            elif p:
                score.fp += 1
                score.fp_words[word] += 1
                row = pos.iloc[cover[t]]
                outcome, cls = "fp", f"FP {row['rule']}: {_context(sent, t)}"
            else:
                score.fn += 1
                score.fn_words[word] += 1
                outcome = "fn"
                if per_cue is not None:
                    if all_cover is None:
                        all_cover = _covering(sent, everything.get(str(i), empty))
                        base_cover = _covering(sent, plain.get(str(i), empty)) if baseline is not None else None
                    if all_cover[t] is not None:
                        cls = f"FN found as {everything[str(i)].iloc[all_cover[t]]['category']}"
                    elif base_cover is not None and base_cover[t] is not None:
                        base_rule = plain[str(i)].iloc[base_cover[t]]["pattern"]
                        cls = f"FN dropped by the rules or the model ({base_rule})"
                    else:
                        cls = "FN not in the lexicon"
            if per_cue is not None:
                entry = per_cue.setdefault(word, {"tp": 0, "fp": 0, "fn": 0, "errors": Counter()})
                entry[outcome] += 1
                if outcome != "tp":
                    entry["errors"][cls] += 1
    return score


def _cue_table(per_cue: dict, top: int) -> list[dict]:
    rows = []
    for word, c in per_cue.items():
        sc = Score(tp=c["tp"], fp=c["fp"], fn=c["fn"])
        rows.append(
            {
                "cue": word,
                "support": c["tp"] + c["fn"],
                "predicted": c["tp"] + c["fp"],
                "tp": c["tp"],
                "fp": c["fp"],
                "fn": c["fn"],
                "precision": round(sc.precision, 4),
                "recall": round(sc.recall, 4),
                "errors": [[k, n] for k, n in sorted(c["errors"].items(), key=lambda kv: (-kv[1], kv[0]))[:3]],
            }
        )
    rows.sort(key=lambda r: (-(r["support"] + r["fp"]), r["cue"]))
    return rows[:top] if top else rows


# ----------------------------------------------------------------------- the learned model


class _Recorder:
    """A stand-in model that keeps every candidate and records its features, in call order."""

    def __init__(self) -> None:
        self.features: list[list[str]] = []

    def keep(self, features: list[str]) -> bool:
        self.features.append(list(features))
        return True


def candidates(sentences: Sequence[Sentence], *, lexicon: pd.DataFrame | None = None) -> pd.DataFrame:
    """The training examples of the learned model: each candidate cue, its features and its gold label.

    A candidate is a match that ``method="learned"`` hands to the model (an epistemic hedge after the
    sense rules); its label is True when a token it covers is inside a speculation
    cue (tokens of :data:`EXCLUDED` aside).

    Returns
    -------
    DataFrame
        ``sentence`` (position in ``sentences``), ``folder``, ``start``, ``end``, ``match``, ``pattern``,
        ``features`` (list of str), ``gold`` (bool).
    """
    recorder = _Recorder()  # stands in for the HedgeModel
    matches = _find(sentences, "learned", lexicon=lexicon, model=recorder)
    cand = matches[((matches["category"] == "hedge") & (matches["kind"] == "epistemic")).to_numpy()]
    cand = cand.reset_index(drop=True)
    if len(cand) != len(recorder.features):  # pragma: no cover - a change in find_stance' order would show here
        raise RuntimeError(f"{len(cand)} candidates but {len(recorder.features)} feature sets recorded.")
    gold = []
    for d, s, e in zip(cand["doc_id"].astype(int), cand["start"], cand["end"]):
        sent = sentences[d]
        gold.append(
            any(
                g and ts < e and s < te and sent.text[ts:te].lower() not in EXCLUDED
                for (ts, te), g in zip(sent.spans, sent.gold)
            )
        )
    return pd.DataFrame(
        {
            "sentence": cand["doc_id"].astype(int),
            "folder": [sentences[d].folder for d in cand["doc_id"].astype(int)],
            "start": cand["start"],
            "end": cand["end"],
            "match": cand["match"],
            "pattern": cand["pattern"],
            "features": recorder.features,
            "gold": gold,
        }
    )


def train_hedge_model(
    examples: pd.DataFrame, *, C: float = 1.0, threshold: float = 0.5, training: dict | None = None
) -> HedgeModel:
    """Fit the learned model: an L2 logistic regression (scikit-learn, lbfgs) on the binary named features.

    Parameters
    ----------
    examples : DataFrame
        As :func:`candidates` returns (``features`` and ``gold``).
    C : float
        Inverse regularisation strength (fixed at 1.0, scikit-learn's default; not tuned).
    threshold : float
        The probability at or above which a candidate is kept.

    Returns
    -------
    HedgeModel
        Weights rounded to 6 decimals (what is shipped), the features with weight 0 left out.
    """
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    from toolkit.hedging import HedgeModel

    if examples.empty or examples["gold"].nunique() < 2:
        raise ValueError("train_hedge_model: the examples need both gold labels (a cue and a non-cue).")
    names = sorted({f for fs in examples["features"] for f in fs})
    index = {f: k for k, f in enumerate(names)}
    rows, cols = [], []
    for r, fs in enumerate(examples["features"]):
        for f in set(fs):
            rows.append(r)
            cols.append(index[f])
    X = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(examples), len(names)))
    y = examples["gold"].to_numpy(bool)
    fit = LogisticRegression(C=C, solver="lbfgs", max_iter=10000, tol=1e-10).fit(X, y)
    weights = {f: round(float(w), 6) for f, w in zip(names, fit.coef_[0]) if round(float(w), 6) != 0.0}
    info = {
        "examples": int(len(examples)),
        "positives": int(y.sum()),
        "features": len(names),
        "C": C,
        "estimator": "sklearn.linear_model.LogisticRegression(solver='lbfgs', penalty='l2')",
        **(training or {}),
    }
    return HedgeModel(weights, round(float(fit.intercept_[0]), 6), threshold, info)


# ----------------------------------------------------------------------- the evaluation


def evaluate_hedges(
    path: str | Path,
    *,
    lexicon: pd.DataFrame | None = None,
    model: HedgeModel | str | os.PathLike[str] | None = None,
    top: int = 15,
    folds: bool = True,
) -> dict:
    """Score find_stance against the SFU speculation cues: rules, learned model and plain lexicon.

    Parameters
    ----------
    path : str or Path
        The folder of SFU speculation XML files (category folders inside).
    lexicon : DataFrame, optional
        A lexicon for :func:`~toolkit.hedging.find_stance` (default: the shipped one).
    model : HedgeModel or path, optional
        The model scored as "learned" on the whole set (default: the shipped one, trained on this set:
        its pooled score is in-sample).
    top : int
        How many of the most frequent false positives / negatives, and cues of the per-cue table, to list.
    folds : bool
        Also run the leave-one-category-out estimate: for each folder, the model retrained on the
        other folders (same features, same C) and scored on it; the rules, which learn nothing, are
        scored on the same folder.

    Returns
    -------
    dict
        ``{"pooled": {method: {view: score}}, "leave_one_category_out": {folder: {method: {view: score}}},
        "leave_one_category_out_pooled": {method: {view: score}}, "per_cue": {method: [rows]},
        "sentences", "tokens", "excluded_tokens", "excluded", "folders"}``; a score has ``tp``, ``fp``,
        ``fn``, ``precision``, ``recall``, ``f1`` (and, pooled, the top false positives / negatives).

    Raises
    ------
    DataNotFoundError, ValueError
        As :func:`read_sfu`.
    """
    sentences = read_sfu(path)
    every = list(range(len(sentences)))
    found = {
        "rules": _find(sentences, "rules", lexicon=lexicon),
        "learned": _find(sentences, "learned", lexicon=lexicon, model=model),
        "lexicon": _find(sentences, "lexicon", lexicon=lexicon),
    }
    pooled: dict[str, dict] = {}
    per_cue: dict[str, list] = {}
    for method in EVAL_METHODS:
        pooled[method] = {}
        for view in VIEWS:
            table: dict | None = {} if view == "epistemic" and method != "lexicon" else None
            sc = _score(sentences, every, found[method], view, baseline=found["lexicon"], per_cue=table)
            pooled[method][view] = sc.as_dict(top)
            if table is not None:
                per_cue[method] = _cue_table(table, top)
    out: dict = {"pooled": pooled, "per_cue": per_cue}
    folders = sorted({s.folder for s in sentences})
    examples = candidates(sentences, lexicon=lexicon) if folds and len(folders) > 1 else None
    thin = [f for f in folders if examples is not None and examples.loc[examples["folder"] != f, "gold"].nunique() < 2]
    if thin:
        out["leave_one_category_out_skipped"] = (
            f"without {', '.join(thin)} the candidates have one gold label only: nothing to train on"
        )
    elif examples is not None:
        loco: dict[str, dict] = {}
        sums = {m: {v: Score() for v in VIEWS} for m in EVAL_METHODS}
        for folder in folders:
            ids = [i for i, s in enumerate(sentences) if s.folder == folder]
            held = [sentences[i] for i in ids]
            fold_model = train_hedge_model(examples[examples["folder"] != folder])
            fold_found = {
                "rules": found["rules"],
                "lexicon": found["lexicon"],
                "learned": _find(held, "learned", lexicon=lexicon, model=fold_model),
            }
            loco[folder] = {}
            for method in EVAL_METHODS:
                loco[folder][method] = {}
                for view in VIEWS:
                    if method == "learned":
                        sc = _score(held, range(len(held)), fold_found["learned"], view)
                    else:
                        sc = _score(sentences, ids, fold_found[method], view)
                    loco[folder][method][view] = sc.as_dict()
                    total = sums[method][view]
                    total.tp, total.fp, total.fn = total.tp + sc.tp, total.fp + sc.fp, total.fn + sc.fn
        out["leave_one_category_out"] = loco
        out["leave_one_category_out_pooled"] = {m: {v: sums[m][v].as_dict() for v in VIEWS} for m in EVAL_METHODS}
    n_tokens = sum(len(s.spans) for s in sentences)
    n_excluded = sum(s.text[a:b].lower() in EXCLUDED for s in sentences for a, b in s.spans)
    out.update(
        {
            "sentences": len(sentences),
            "tokens": n_tokens,
            "excluded_tokens": n_excluded,
            "excluded": sorted(EXCLUDED),
            "folders": folders,
        }
    )
    return out


def _print_report(result: dict, path: str) -> None:
    print(f"Hedge detection against the SFU speculation annotation: {path}")
    print(
        f"{result['sentences']} sentences, {result['tokens']} tokens; {result['excluded_tokens']} tokens "
        f"left out of both sides ({', '.join(result['excluded'])})."
    )
    print(
        "View 'epistemic': epistemic hedges and modals of obligation (the annotators' speculation); "
        "'all': with Hyland's approximators.\n"
    )
    head = f"{'':<34}{'P':>7}{'R':>7}{'F1':>7}{'TP':>7}{'FP':>7}{'FN':>7}"

    def line(label: str, s: dict) -> None:
        print(
            f"{label:<34}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['tp']:>7}{s['fp']:>7}{s['fn']:>7}"
        )

    print(head)
    for view in VIEWS:
        for method in EVAL_METHODS:
            note = " (in-sample)" if method == "learned" else ""
            line(f"{view}: {method}{note}", result["pooled"][method][view])
    if "leave_one_category_out" in result:
        print("\nLeave one category out (learned: trained on the other three), view 'epistemic':")
        print(head)
        for folder, d in result["leave_one_category_out"].items():
            for method in EVAL_METHODS:
                line(f"  {folder}: {method}", d[method]["epistemic"])
        for method in EVAL_METHODS:
            line(f"  pooled over held-out: {method}", result["leave_one_category_out_pooled"][method]["epistemic"])
    for method, rows in result["per_cue"].items():
        print(f"\nPer cue, {method}, view 'epistemic' (the most frequent; errors: the biggest classes):")
        print(f"{'cue':<12}{'P':>7}{'R':>7}{'support':>9}{'pred':>6}  errors")
        for r in rows:
            errs = "; ".join(f"{k} x{n}" for k, n in r["errors"])
            print(
                f"{r['cue']:<12}{r['precision']:>7.3f}{r['recall']:>7.3f}{r['support']:>9}{r['predicted']:>6}  {errs}"
            )


# ----------------------------------------------------------------------- the UN register set

#: The annotated UN sentences shipped with toolkit (references and cue spans; the texts come from the corpora).
REGISTER_PATH: Path = Path(__file__).resolve().parent.parent / "data" / "un_register" / "sentences.jsonl"
#: The labels of the UN register set, and the detector's categories that predict them.
REGISTER_LABELS: tuple[str, ...] = ("epistemic", "deontic", "formula")


def read_register(path: str | Path | None = None, *, data: str | Path | None = None) -> pd.DataFrame:
    """The annotated UN sentences with their texts, read back from the corpora and checked.

    Parameters
    ----------
    path : str or Path, optional
        The JSONL file (default: :data:`REGISTER_PATH`; its format is in ``GUIDELINES.md`` beside it).
    data : str or Path, optional
        The corpora folder holding ``ungdc/`` and ``unscon/`` (default: ``$TOOLKIT_DATA``).

    Returns
    -------
    DataFrame
        One row per sentence: ``id``, ``split``, ``source``, ``doc_id``, ``country``, ``text`` (the
        sentence), ``cues`` (list of dicts with ``start``, ``end``, ``text``, ``label``), ``note``.

    Raises
    ------
    DataNotFoundError
        The file or a corpus is missing.
    ValueError
        A line is not JSON or lacks a field, a document is not in its corpus, a sentence's SHA-1
        or a cue's text does not match the corpus (each message names the line and the id).
    """
    import hashlib

    from toolkit.datasets import load_ungdc, load_unscon

    source = REGISTER_PATH if path is None else Path(path)
    if not source.is_file():
        raise DataNotFoundError(f"{source}: no annotated UN sentences there.")
    records = []
    for n, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            for key in ("id", "split", "source", "doc_id", "start", "end", "sha1", "cues"):
                rec[key]
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise ValueError(f"{source}, line {n}: not a register record ({err!r}); see GUIDELINES.md.") from None
        rec["line"] = n
        records.append(rec)
    texts: dict[str, dict[str, str]] = {}
    root = Path(data) if data is not None else None
    for corpus, loader in (("ungdc", load_ungdc), ("unscon", load_unscon)):
        if any(r["source"] == corpus for r in records):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # load_ungdc's note on the non-speech files it skipped
                docs = loader(None if root is None else root / corpus)
            texts[corpus] = dict(zip(docs["doc_id"].astype(str), docs["text"].astype(str)))
    rows = []
    for rec in records:
        where = f"{source}, line {rec['line']} (id {rec['id']})"
        doc = texts.get(rec["source"], {}).get(str(rec["doc_id"]))
        if doc is None:
            raise ValueError(f"{where}: document {rec['doc_id']!r} is not in the {rec['source']} corpus.")
        sentence = doc[int(rec["start"]) : int(rec["end"])]
        if hashlib.sha1(sentence.encode("utf-8")).hexdigest()[: len(rec["sha1"])] != rec["sha1"]:
            raise ValueError(
                f"{where}: the text at {rec['start']}:{rec['end']} of {rec['doc_id']} does not have "
                f"SHA-1 {rec['sha1']}: another version of the corpus?"
            )
        for cue in rec["cues"]:
            if sentence[cue["start"] : cue["end"]] != cue["text"] or cue["label"] not in REGISTER_LABELS:
                raise ValueError(
                    f"{where}: cue {cue!r} does not match the sentence or its label is not one "
                    f"of {', '.join(REGISTER_LABELS)}."
                )
        rows.append(
            {
                "id": str(rec["id"]),
                "split": rec["split"],
                "source": rec["source"],
                "doc_id": str(rec["doc_id"]),
                "country": rec.get("country"),
                "text": sentence,
                "cues": rec["cues"],
                "note": rec.get("note", ""),
            }
        )
    return pd.DataFrame(rows)


def _register_labels(text: str, spans: list[tuple[int, int]], pieces: list[tuple[int, int, str]]) -> list[str]:
    """The label of each token: that of the first piece (start, end, label) overlapping it, or ""."""
    out = []
    for ts, te in spans:
        out.append(next((lab for s, e, lab in pieces if ts < e and s < te), ""))
    return out


def _predicted_pieces(matches: pd.DataFrame) -> list[tuple[int, int, str]]:
    label = {"formula": "formula", "directive": "deontic"}
    pieces = []
    for s, e, cat, kind in zip(matches["start"], matches["end"], matches["category"], matches["kind"]):
        if cat == "hedge" and kind == "epistemic":
            pieces.append((int(s), int(e), "epistemic"))
        elif cat in label:
            pieces.append((int(s), int(e), label[cat]))
    order = {"formula": 0, "deontic": 1, "epistemic": 2}  # a formula's words are not also a hedge
    return sorted(pieces, key=lambda p: (order[p[2]], p[0]))


def evaluate_register(
    path: str | Path | None = None,
    *,
    data: str | Path | None = None,
    lexicon: pd.DataFrame | None = None,
    model: HedgeModel | str | os.PathLike[str] | None = None,
) -> dict:
    """Score find_stance token by token on the annotated UN sentences, per split and label.

    Each token (``toolkit.token_spans``) has a gold label (``epistemic``, ``deontic``, ``formula`` or
    none) and a predicted one: ``epistemic`` under a match of an epistemic hedge, ``deontic`` under a
    directive, ``formula`` under a formula. For each split (``dev``: used to write the rules;
    ``heldout``: scored after), method (rules, learned, the plain lexicon) and label: ``tp``, ``fp``,
    ``fn``, precision, recall, F1; and the confusion counts (gold -> predicted) of the default method.
    """
    from toolkit.hedging import DEFAULT_METHOD, find_stance
    from toolkit.text import token_spans

    sents = read_register(path, data=data)
    docs = pd.DataFrame({"doc_id": sents["id"], "text": sents["text"]})
    found = {
        "rules": find_stance(docs, lexicon=lexicon, method="rules", non_english="keep"),
        "learned": find_stance(docs, lexicon=lexicon, method="learned", model=model, non_english="keep"),
        "lexicon": find_stance(docs, lexicon=lexicon, rules=False, non_english="keep"),
    }
    out: dict = {"splits": {}, "sentences": {}, "cue_tokens": {}, "confusion": {}, "default_method": DEFAULT_METHOD}
    for split in sorted(sents["split"].unique()):
        part = sents[sents["split"] == split]
        out["sentences"][split] = int(len(part))
        out["splits"][split] = {}
        gold_tokens: Counter = Counter()
        for method, matches in found.items():
            by_id = _by_doc(matches)
            scores = {lab: Score() for lab in REGISTER_LABELS}
            confusion: Counter = Counter()
            for sid, text, cues in zip(part["id"], part["text"], part["cues"]):
                spans = token_spans(text)
                gold = _register_labels(text, spans, [(c["start"], c["end"], c["label"]) for c in cues])
                m = by_id.get(sid, matches.iloc[:0])
                pred = _register_labels(text, spans, _predicted_pieces(m))
                for (ts, te), g, p in zip(spans, gold, pred):
                    if method == "rules" and g:
                        gold_tokens[g] += 1
                    confusion[(g or "none", p or "none")] += 1
                    for lab in REGISTER_LABELS:
                        sc = scores[lab]
                        if g == lab and p == lab:
                            sc.tp += 1
                        elif p == lab:
                            sc.fp += 1
                            sc.fp_words[text[ts:te].lower()] += 1
                        elif g == lab:
                            sc.fn += 1
                            sc.fn_words[text[ts:te].lower()] += 1
            out["splits"][split][method] = {lab: sc.as_dict(5) for lab, sc in scores.items()}
            if method == DEFAULT_METHOD:
                out["confusion"][split] = {f"{g} -> {p}": n for (g, p), n in sorted(confusion.items()) if g != p}
        out["cue_tokens"][split] = dict(gold_tokens)
    return out


def _print_register(result: dict) -> None:
    print("find_stance on the annotated UN sentences (toolkit/data/un_register), token by token")
    for split, methods in result["splits"].items():
        print(f"\n{split}: {result['sentences'][split]} sentences; gold cue tokens {result['cue_tokens'][split]}")
        print(f"{'':<24}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}")
        for lab in REGISTER_LABELS:
            for method, scores in methods.items():
                s = scores[lab]
                print(
                    f"{lab + ': ' + method:<24}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
                    f"{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}"
                )
        print(
            f"errors of the default method ({result['default_method']}), gold -> predicted: "
            + ", ".join(f"{k} {n}" for k, n in result["confusion"][split].items())
        )


# ----------------------------------------------------------------------- voices


def read_voice_set(path: str | Path) -> list[dict]:
    """The articles of a voices test set: one JSON file each (see ``tests/data/voices/README.md``).

    Each has ``id``, ``style``, ``speaker``, ``text`` and ``own``: the speaker's own words as exact
    substrings of ``text`` (``{"text": ..., "occurrence": k}``); this returns them with ``own_spans``
    (character offsets) added.

    Raises
    ------
    DataNotFoundError
        No JSON file under ``path``.
    ValueError
        A file is not JSON, lacks a field, or an ``own`` item is not found at its occurrence (named).
    """
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path] if path.is_file() else []
    if not files:
        raise DataNotFoundError(f"{path}: no voices test set there (JSON files of articles with gold spans).")
    articles = []
    for file in files:
        try:
            art = json.loads(file.read_text(encoding="utf-8"))
            text, items = art["text"], art["own"]
            art["style"], art["speaker"]
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise ValueError(f"{file}: not a voices test article ({err!r}).") from None
        spans = []
        for item in items:
            start = -1
            for _ in range(int(item.get("occurrence", 0)) + 1):
                start = text.find(item["text"], start + 1)
                if start < 0:
                    raise ValueError(
                        f"{file}: own item {item['text'][:40]!r} not found at occurrence {item.get('occurrence', 0)}."
                    )
            spans.append((start, start + len(item["text"])))
        art["own_spans"] = spans
        art.setdefault("id", file.stem)
        articles.append(art)
    return articles


def _counted(text: str) -> list[bool]:
    """The characters that count in the voices score: not whitespace, not a quotation mark."""
    return [not (c.isspace() or c in "\"“”‘’'") for c in text]


def evaluate_voices(path: str | Path, **options: Any) -> dict:
    """Character-level precision and recall of the speaker's own words found by :func:`toolkit.split_voices`.

    A character counts when it is neither whitespace nor a quotation mark (straight and curly, single and
    double: an apostrophe, which is written with the same characters, is not counted either). Predicted
    own words are the ``ambassador_quote`` segments. ``options`` go to :func:`toolkit.split_voices`.

    Returns
    -------
    dict
        ``{"by_style": {style: score}, "by_article": {id: {"style", "precision", "recall", ...}}, "all": score}``,
        a score with ``tp``, ``fp``, ``fn``, ``precision``, ``recall``, ``f1``, ``articles``.
    """
    from toolkit.voices import split_voices

    articles = read_voice_set(path)
    docs = pd.DataFrame(
        {
            "doc_id": [a["id"] for a in articles],
            "text": [a["text"] for a in articles],
            "speaker": [a["speaker"] for a in articles],
            "role": [a.get("role", "ambassador") for a in articles],
            "genre": [a.get("genre", "interview") for a in articles],
        }
    )
    import warnings

    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")  # an article without own words is scored, not warned about
        segments = split_voices(docs, **options)
    styles_found = segments.attrs.get("styles", {})
    by_style: dict[str, Score] = {}
    n_style: Counter = Counter()
    by_article = {}
    total = Score()
    for art in articles:
        text = art["text"]
        counts = _counted(text)
        gold = [False] * len(text)
        for s, e in art["own_spans"]:
            gold[s:e] = [True] * (e - s)
        pred = [False] * len(text)
        own = segments[(segments["doc_id"] == art["id"]) & (segments["voice"] == "ambassador_quote")]
        for s, e in zip(own["start"], own["end"]):
            pred[s:e] = [True] * (e - s)
        sc = Score()
        for c, g, p in zip(counts, gold, pred):
            if not c:
                continue
            sc.tp += g and p
            sc.fp += p and not g
            sc.fn += g and not p
        by_article[art["id"]] = {"style": art["style"], "read_as": styles_found.get(art["id"]), **sc.as_dict()}
        agg = by_style.setdefault(art["style"], Score())
        for target in (agg, total):
            target.tp, target.fp, target.fn = target.tp + sc.tp, target.fp + sc.fp, target.fn + sc.fn
        n_style[art["style"]] += 1
    return {
        "by_style": {k: {**v.as_dict(), "articles": n_style[k]} for k, v in sorted(by_style.items())},
        "by_article": by_article,
        "all": {**total.as_dict(), "articles": len(articles)},
    }


def _print_voices(result: dict, path: str) -> None:
    print(f"split_voices against the voices test set {path}: the speaker's own words, character by character")
    print(f"{'style':<20}{'articles':>9}{'P':>8}{'R':>8}{'F1':>8}")
    rows = list(result["by_style"].items()) + [("all", result["all"])]
    for style, s in rows:
        print(f"{style:<20}{s['articles']:>9}{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}")
    bad = {k: v for k, v in result["by_article"].items() if v["precision"] < 1 or v["recall"] < 1}
    for k, v in sorted(bad.items()):
        print(
            f"  {k} ({v['style']}, read as {v['read_as']}): P {v['precision']:.3f} R {v['recall']:.3f} "
            f"(fp {v['fp']}, fn {v['fn']})"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m toolkit.study.evaluate {hedges,train,model,register} ...``; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m toolkit.study.evaluate", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="task", required=True)
    hedges = sub.add_parser("hedges", help="score find_stance against the SFU speculation annotation")
    hedges.add_argument("path", help="folder of SFU speculation XML files")
    hedges.add_argument("--lexicon", help="a lexicon CSV (default: the shipped one)")
    hedges.add_argument("--model", help="a model JSON for method='learned' (default: the shipped one)")
    hedges.add_argument("--top", type=int, default=15, help="how many errors and cues to list")
    hedges.add_argument("--no-folds", action="store_true", help="skip the leave-one-category-out estimate")
    hedges.add_argument("--json", action="store_true", help="print the result as JSON")
    train = sub.add_parser("train", help="train the learned model on SFU speculation data and write it as JSON")
    train.add_argument("path", help="folder of SFU speculation XML files")
    train.add_argument("--out", required=True, help="where to write the model (e.g. toolkit/data/hedge_model.json)")
    train.add_argument("--lexicon", help="a lexicon CSV (default: the shipped one)")
    show = sub.add_parser("model", help="print a model's weights, cue by cue")
    show.add_argument("--path", help="a model JSON (default: the shipped one)")
    show.add_argument("--top", type=int, default=40, help="how many of the largest weights to print")
    register = sub.add_parser("register", help="score find_stance on the annotated UN sentences")
    register.add_argument(
        "--path", help="the annotated set (default: the shipped toolkit/data/un_register/sentences.jsonl)"
    )
    register.add_argument("--data", help="the corpora folder (default: $TOOLKIT_DATA)")
    register.add_argument("--json", action="store_true", help="print the result as JSON")
    voices = sub.add_parser("voices", help="score split_voices on a voices test set (e.g. tests/data/voices)")
    voices.add_argument("path", help="folder of JSON articles with gold spans")
    voices.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    from toolkit.hedging import load_hedge_model, load_lexicon

    try:
        lexicon = load_lexicon(args.lexicon) if getattr(args, "lexicon", None) else None
        if args.task == "hedges":
            model = load_hedge_model(args.model) if args.model else None
            result = evaluate_hedges(args.path, lexicon=lexicon, model=model, top=args.top, folds=not args.no_folds)
            print(json.dumps(result, indent=2, default=str) if args.json else "", end="")
            if not args.json:
                _print_report(result, args.path)
        elif args.task == "train":
            sentences = read_sfu(args.path)
            examples = candidates(sentences, lexicon=lexicon)
            model = train_hedge_model(
                examples, training={"data": Path(args.path).name, "folders": sorted({s.folder for s in sentences})}
            )
            from toolkit._io import atomic_write

            with atomic_write(args.out, encoding="utf-8") as fh:
                fh.write(json.dumps(model.to_json(), indent=1, sort_keys=True) + "\n")
            print(
                f"wrote {args.out}: {len(model.weights)} weights from {len(examples)} candidate cues "
                f"({int(examples['gold'].sum())} annotated as speculation)"
            )
        elif args.task == "model":
            _print_model(load_hedge_model(args.path), args.top)
        elif args.task == "voices":
            result = evaluate_voices(args.path)
            if args.json:
                print(json.dumps(result, indent=2))
            else:
                _print_voices(result, args.path)
        elif args.task == "register":
            result = evaluate_register(args.path, data=args.data)
            if args.json:
                print(json.dumps(result, indent=2, default=str))
            else:
                _print_register(result)
    except (DataNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


def _print_model(model: HedgeModel, top: int) -> None:
    print(f"intercept {model.intercept:+.3f}, threshold {model.threshold}; training: {model.training}")
    print(f"The {top} largest weights (a positive weight makes a candidate a hedge):")
    for name, w in sorted(model.weights.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:top]:
        print(f"  {w:+8.3f}  {name}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
