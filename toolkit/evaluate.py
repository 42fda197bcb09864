"""Validate the hedge detector against a human annotation: ``python -m toolkit.evaluate hedges PATH``.

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
- a predicted token is positive when it overlaps a :func:`~toolkit.hedging.find_hedges`
  match of category ``hedge`` (boosters and the other categories are not
  hedges and do not count; a negated booster that a rule makes a hedge does);
- tokens of conditionals and disjunctions (:data:`EXCLUDED`: if, or, either,
  whether, unless, otherwise, nor, neither) and of the ability modal "can"
  (can, ca (of "ca n't"), cannot, can't, cant) are left out of both sides:
  the annotators count them as speculation, Hyland's hedges do not include them;
- precision, recall and F1 are over the remaining tokens of all files.

In the same run the naive baseline is scored: the same lexicon matched plainly,
without context rules (``find_hedges(..., rules=False)``).

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
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit._validation import DataNotFoundError

__all__ = ["EXCLUDED", "Score", "evaluate_hedges", "main", "read_sfu"]

#: Tokens left out of both sides: conditionals, disjunctions and the ability modal "can".
EXCLUDED: frozenset[str] = frozenset(
    {"if", "or", "either", "whether", "unless", "otherwise", "nor", "neither",
     "can", "ca", "cannot", "can't", "can’t", "cant"}
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
        out = {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
               "recall": round(self.recall, 4), "f1": round(self.f1, 4)}
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
            parts, spans, gold, pos = [], [], [], 0
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


def _predicted(sentence: Sentence, matches: pd.DataFrame) -> list[bool]:
    pred = [False] * len(sentence.spans)
    for s, e in zip(matches["start"].tolist(), matches["end"].tolist()):
        for i, (ts, te) in enumerate(sentence.spans):
            if ts < e and s < te:
                pred[i] = True
    return pred


def evaluate_hedges(path: str | Path, *, lexicon: pd.DataFrame | None = None, top: int = 15) -> dict:
    """Score find_hedges (with and without its context rules) against the SFU speculation cues.

    Parameters
    ----------
    path : str or Path
        The folder of SFU speculation XML files.
    lexicon : DataFrame, optional
        A lexicon for :func:`~toolkit.hedging.find_hedges` (default: the shipped one).
    top : int
        How many of the most frequent false positives and negatives to list.

    Returns
    -------
    dict
        ``{"detector": {...}, "baseline": {...}, "detector_epistemic": {...}, "baseline_epistemic": {...},
        "approximator_ceiling": {...}, "by_folder": {folder: {"detector": ..., "baseline": ..., ...}},
        "sentences": n, "tokens": n, "excluded_tokens": n, "excluded": [...]}``; each
        score dict has ``tp``, ``fp``, ``fn``, ``precision``, ``recall``, ``f1``
        (and the top false positives / negatives as ``[word, count]`` pairs).

    Raises
    ------
    DataNotFoundError, ValueError
        As :func:`read_sfu`.
    """
    from toolkit.hedging import find_hedges

    sentences = read_sfu(path)
    docs = pd.DataFrame({"doc_id": [str(i) for i in range(len(sentences))],
                         "text": [s.text for s in sentences]})
    views = (("detector", True, False), ("baseline", False, False),
             ("detector_epistemic", True, True), ("baseline_epistemic", False, True))
    totals = {name: Score() for name, _, _ in views}
    folders: dict[str, dict[str, Score]] = {}
    n_tokens = n_excluded = 0
    found: dict[bool, pd.DataFrame] = {}
    for name, rules, epistemic in views:
        # The reviews are English; the language check is for whole documents, not sentences.
        if rules not in found:
            found[rules] = find_hedges(docs, lexicon=lexicon, categories=["hedge"], rules=rules, non_english="keep")
        matches = found[rules]
        if epistemic:
            matches = matches[matches["kind"] == "epistemic"]
        by_doc = {d: g for d, g in matches.groupby("doc_id", sort=False)}
        empty = matches.iloc[:0]
        for i, sent in enumerate(sentences):
            pred = _predicted(sent, by_doc.get(str(i), empty))
            score = totals[name]
            fscore = folders.setdefault(sent.folder, {v: Score() for v, _, _ in views})[name]
            for (s, e), g, p in zip(sent.spans, sent.gold, pred):
                word = sent.text[s:e].lower()
                if name == "detector":
                    n_tokens += 1
                if word in EXCLUDED:
                    n_excluded += name == "detector"
                    continue
                for sc in (score, fscore):
                    if g and p:
                        sc.tp += 1
                    elif p:
                        sc.fp += 1
                        sc.fp_words[word] += 1
                    elif g:
                        sc.fn += 1
                        sc.fn_words[word] += 1
    # The most the headline could reach at this recall while Hyland's approximators count as hedges:
    # every false positive gone except the approximators' (tokens no epistemic match covers).
    ceiling = Score(tp=totals["detector"].tp, fn=totals["detector"].fn,
                    fp=totals["detector"].fp - totals["detector_epistemic"].fp)
    return {
        **{name: totals[name].as_dict(top) for name, _, _ in views},
        "approximator_ceiling": {**ceiling.as_dict(),
                                 "approximator_tp": totals["detector"].tp - totals["detector_epistemic"].tp},
        "by_folder": {f: {k: v.as_dict() for k, v in d.items()} for f, d in sorted(folders.items())},
        "sentences": len(sentences),
        "tokens": n_tokens,
        "excluded_tokens": n_excluded,
        "excluded": sorted(EXCLUDED),
    }


def _print_report(result: dict, path: str) -> None:
    print(f"Hedge detection against the SFU speculation annotation: {path}")
    print(f"{result['sentences']} sentences, {result['tokens']} tokens; {result['excluded_tokens']} tokens "
          f"left out of both sides ({', '.join(result['excluded'])}).\n")
    print(f"{'':<28}{'P':>7}{'R':>7}{'F1':>7}{'TP':>7}{'FP':>7}{'FN':>7}")
    rows = [("find_hedges (context rules)", result["detector"]), ("baseline (plain lexicon)", result["baseline"]),
            ("epistemic hedges: rules", result["detector_epistemic"]),
            ("epistemic hedges: baseline", result["baseline_epistemic"])]
    for folder, d in result["by_folder"].items():
        rows += [(f"  {folder}: rules", d["detector"]), (f"  {folder}: baseline", d["baseline"])]
    for label, s in rows:
        print(f"{label:<28}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['tp']:>7}{s['fp']:>7}{s['fn']:>7}")
    c = result["approximator_ceiling"]
    print(f"\nThe approximators (quite, almost, often, about 8, ...) are hedges for Hyland; for the annotators\n"
          f"{c['approximator_tp']} of their tokens are speculation cues and {c['fp']} are false positives. With them counted, a\n"
          f"detector with no other false positive, at this recall, would reach P {c['precision']:.3f}, F1 {c['f1']:.3f}.")
    for key, title in (("top_false_positives", "Most frequent false positives"),
                       ("top_false_negatives", "Most frequent false negatives")):
        items = ", ".join(f"{w} {n}" for w, n in result["detector"].get(key, []))
        print(f"\n{title} (detector): {items}")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m toolkit.evaluate hedges PATH [--json]``; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m toolkit.evaluate", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="task", required=True)
    hedges = sub.add_parser("hedges", help="score find_hedges against the SFU speculation annotation")
    hedges.add_argument("path", help="folder of SFU speculation XML files")
    hedges.add_argument("--lexicon", help="a lexicon CSV (default: the shipped one)")
    hedges.add_argument("--top", type=int, default=15, help="how many false positives/negatives to list")
    hedges.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    lexicon = None
    if args.lexicon:
        from toolkit.hedging import load_lexicon

        lexicon = load_lexicon(args.lexicon)
    try:
        result = evaluate_hedges(args.path, lexicon=lexicon, top=args.top)
    except (DataNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_report(result, args.path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
