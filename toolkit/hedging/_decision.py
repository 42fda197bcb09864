"""The learned disambiguation (:class:`HedgeModel`) and the decision of each match: the rules, then the model."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import cast

import numpy as np

from toolkit._patterns import FORMAT_RE as _FORMAT_RE
from toolkit._validation import (
    DataNotFoundError,
)
from toolkit.hedging._lexicon import _REPORTED_WINDOW, REPORTING_VERBS, _Matcher
from toolkit.hedging._rules import _RULE_FUNCS, _Context, _emphatic_belief, _first_person_subject, _is_number, _negated

# ----------------------------------------------------------------------- learned disambiguation

#: The rules whose decision the learned model takes over with ``method="learned"`` (keep or drop an
#: epistemic cue); the rules that assign a sense (negation, modal_sense, formula_frame) and the filters
#: of approximators, the month May and "US" apply in both methods.
LEARNED_RULES: frozenset[str] = frozenset({"cognition_verb", "appear_epistemic", "possible_epistemic"})
#: The shipped model of ``method="learned"``, trained by ``python -m toolkit.study.evaluate train``.
MODEL_PATH: Path = Path(__file__).resolve().parent.parent / "data" / "hedge_model.json"
#: The cues the model knows by name (each with its own context weights); the others share "other".
MODEL_CUES: frozenset[str] = frozenset(
    "would could may might should must think thought thinks believe believes feel feels felt guess suppose "
    "supposed expect hope know sure really possible appear appears seem seems suggest suggests likely maybe "
    "perhaps probably claim claims opinion view apparent apparently tend doubt seemed seeming appeared "
    "suggested suspect expected hoped believed supposedly possibly unlikely".split()
)
_PREV_VOCAB = frozenset(
    "i we you it they he she that this there which who what to a the my your in would could might may will do "
    "does did be is was are not really also still just and but so as one people anyone if i'd it's".split()
)
_NEXT_VOCAB = frozenset(
    "that to it the a an about of like so be been have not i you we this in what how if as for with he she "
    "they there more get make go probably also really just had better me is was".split()
)


def _cue_base(pattern: str) -> str:
    """The cue a lexicon pattern is to the model, before :data:`MODEL_CUES` is asked: "wouldn't" is "would",
    negated."""
    return pattern[:-3] if pattern.endswith("n't") else pattern


def _model_features(term: str, ctx: _Context, pattern: str, category: str, flipped: bool) -> list[str]:
    """The named context features of one candidate cue: what the learned model reads.

    ``cue=`` the lexicon pattern (one of :data:`MODEL_CUES`, else "other"); ``prev=`` / ``next=`` the
    token before / after (a word of a small closed list, "NEG" for a negator, "NUM" for a number,
    "<s>" / "</s>" at a clause edge, else "other"); the same two joined with the cue; and flags:
    ``negated``, ``first_person_subject``, ``reported`` (a reporting verb earlier in the clause),
    ``conditional`` ("if"/"unless" earlier in the clause), ``question`` (the sentence ends in "?"),
    ``sentence_initial``, ``capitalised``, ``negated_booster`` (a booster made a hedge by negation).
    """
    before, after = ctx.before_low(), ctx.after_low()
    base = _cue_base(pattern)
    cue = base if base in MODEL_CUES else "other"
    prev = before[-1] if before else "<s>"
    nxt = after[0] if after else "</s>"
    prev = prev if prev in _PREV_VOCAB or prev == "<s>" else "NEG" if _negated([prev]) else "other"
    nxt = nxt if nxt in _NEXT_VOCAB or nxt == "</s>" else "NUM" if _is_number(nxt) else "other"
    feats = [f"cue={cue}", f"prev={prev}", f"next={nxt}", f"cue={cue}&prev={prev}", f"cue={cue}&next={nxt}"]
    initial = ctx.sentence_initial()
    flags = {
        "negated": _negated(before) or base != pattern,
        "first_person_subject": _first_person_subject(before),
        "reported": not REPORTING_VERBS.isdisjoint(before[-_REPORTED_WINDOW:]),
        "conditional": "if" in before or "unless" in before,
        "question": ctx.sentence_end() == "?",
        "sentence_initial": initial,
        "capitalised": term[:1].isupper() and not initial,
        "negated_booster": flipped,
    }
    for name, on in flags.items():
        if on:
            feats.append(name)
            if name in ("negated", "first_person_subject", "question"):
                feats.append(f"cue={cue}&{name}")
    return feats


class HedgeModel:
    """A logistic regression over named features: keep a candidate cue when its probability >= threshold.

    Read from JSON (:func:`load_hedge_model`): ``intercept``, ``threshold``, ``weights`` (feature name ->
    weight; a feature not listed weighs 0) and ``training`` (how it was made). Readable by design: the
    weights of a cue say which contexts make it a hedge (see ``python -m toolkit.study.evaluate model``).
    """

    def __init__(
        self, weights: dict[str, float], intercept: float, threshold: float = 0.5, training: dict | None = None
    ) -> None:
        self.weights = {str(k): float(v) for k, v in weights.items()}
        self.intercept = float(intercept)
        self.threshold = float(threshold)
        self.training = dict(training or {})

    def probability(self, features: Iterable[str]) -> float:
        z = self.intercept + sum(self.weights.get(f, 0.0) for f in features)
        return float(1.0 / (1.0 + np.exp(-z)))

    def keep(self, features: Iterable[str]) -> bool:
        return self.probability(features) >= self.threshold

    def to_json(self) -> dict:
        return {
            "intercept": self.intercept,
            "threshold": self.threshold,
            "weights": dict(sorted(self.weights.items())),
            "training": self.training,
        }


def load_hedge_model(path: str | os.PathLike[str] | None = None) -> HedgeModel:
    """Read a :class:`HedgeModel` from JSON (default: :data:`MODEL_PATH`, trained on the SFU development half).

    Raises
    ------
    DataNotFoundError
        The file does not exist (train one with ``python -m toolkit.study.evaluate train SFU_FOLDER --out PATH``).
    ValueError
        The file is not a model (not JSON, or without ``intercept`` and ``weights``).
    """
    source = MODEL_PATH if path is None else Path(path)
    if not source.is_file():
        raise DataNotFoundError(
            f"{source}: no hedge model there. Train one with "
            "'python -m toolkit.study.evaluate train SFU_FOLDER --out PATH', or pass method='rules'."
        )
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        return HedgeModel(data["weights"], data["intercept"], data.get("threshold", 0.5), data.get("training"))
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(
            f"{source}: not a hedge model ({err!r}); expected JSON with 'intercept' and "
            "'weights' as written by 'python -m toolkit.study.evaluate train'."
        ) from None


@lru_cache(maxsize=1)
def _default_model() -> HedgeModel:
    return load_hedge_model()


def _resolve_model(method: str, model: HedgeModel | str | os.PathLike[str] | None) -> HedgeModel | None:
    if method != "learned":
        if model is not None:
            raise ValueError(f"model= is given but method={method!r}; pass method='learned' to use a model.")
        return None
    if model is None:
        return _default_model()
    if isinstance(model, HedgeModel) or callable(getattr(model, "keep", None)):
        return cast(HedgeModel, model)  # a HedgeModel, or any object with keep(features) -> bool
    if isinstance(model, (str, os.PathLike)):
        return load_hedge_model(model)
    raise ValueError(f"model must be None, a HedgeModel or a JSON path, got {type(model).__name__}.")


def _find_in_text(
    text: str, matcher: _Matcher, rules: bool, model: HedgeModel | None = None
) -> list[tuple[int, int, str, str, str, str, str]]:
    """(start, end, match, category, kind, rule, pattern) of the stance markers of one text.

    ``rule`` names what decided: the context rule that kept, dropped or changed the match, "learned" when
    the model kept it, "lexicon" when nothing did (an entry without a rule, or a booster the negation
    rule found not negated).
    """
    out: list[tuple[int, int, str, str, str, str, str]] = []
    entries = matcher.entries
    for s, e, pattern in matcher.spans(text):
        word = text[s:e]
        out.extend(
            (s, e, word, *row, pattern) for row in _decide(text, s, e, word, pattern, entries[pattern], rules, model)
        )
    return out


def _decide(
    text: str,
    s: int,
    e: int,
    word: str,
    pattern: str,
    entries: list[tuple[str, str, str]],
    rules: bool,
    model: HedgeModel | None,
) -> list[tuple[str, str, str]]:
    """(category, kind, rule) of each entry of one match ``text[s:e]`` that is kept, in the entries' order."""
    out: list[tuple[str, str, str]] = []
    ctx: _Context | None = None
    term = word if word.isascii() else _FORMAT_RE.sub("", word)  # what a rule reads: "U\u00adS" is "US"
    for category, rule, kind in entries:
        if not rules:
            out.append((category, kind, "lexicon"))
            continue
        decided: str | None = category
        label = "lexicon"
        if rule and ctx is None:
            ctx = _Context(text, s, e)  # lazy: reads the text around the match only when a rule asks
        learned_decides = model is not None and category == "hedge" and kind == "epistemic"
        if rule == "cognition_verb" and _emphatic_belief(term, cast(_Context, ctx)):
            decided, label = "booster", rule  # "we strongly believe": a sense, in both methods
        elif rule and not (learned_decides and rule in LEARNED_RULES):
            decided = _RULE_FUNCS[rule](term, cast(_Context, ctx), category)
            if decided is None:
                continue
            label = _rule_label(rule, category, decided)
        if decided != category:  # a negated booster is an epistemic hedge; "must have been" a booster
            kind = "epistemic" if decided == "hedge" else ""
        if model is not None and decided == "hedge" and kind == "epistemic":
            if ctx is None:
                ctx = _Context(text, s, e)
            flipped = category == "booster"
            if not model.keep(_model_features(term, ctx, pattern, decided, flipped)):
                continue
            if decided == category:
                label = "learned"
        out.append((cast(str, decided), kind, label))
    return out


def _rule_label(rule: str, category: str, decided: str) -> str:
    """The rule that actually decided: negation only when it changed the category."""
    if rule == "negation" and decided == category:
        return "lexicon"
    if decided == "formula":
        return "formula_frame"  # "I would also like to", "I should like to": the frame decided
    if rule == "certain_predicative" and decided != category:
        return "negation"
    return rule
