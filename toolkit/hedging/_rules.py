"""The context rules over characters: each match's clause read from its text, and the rules that decide it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from toolkit._tokens import TOKEN_RE as _TOKEN_RE
from toolkit._tokens import lower_keeping_offsets as _lower
from toolkit.hedging._lexicon import (
    _ADVERB_PHRASES,
    _ALWAYS_FORMULA,
    _APPEAR_NOT_BEFORE,
    _ARTICLE_QUANTITY,
    _ARTICLES,
    _ASSERTIVE,
    _BE_FORMS,
    _BLESSED,
    _CERTAIN_BEFORE,
    _CLAUSE_BREAK,
    _CLAUSE_STARTS,
    _COGNITION_NOT_BEFORE,
    _EXPECTATION_PREDICATES,
    _EXPECTATION_SUBJECTS,
    _EXPECTATION_VERBS,
    _FEEL_BEFORE,
    _FEEL_NOT_CLAUSE,
    _FIRST_PERSON,
    _HAD_AFTER,
    _MODAL_ADVERBS,
    _MONTH_PREPOSITIONS,
    _NEGATION_BRIDGE,
    _NEGATORS,
    _NON_SPACE,
    _NOUN_DETERMINERS,
    _NUMBER_WORDS,
    _PARTICIPLES,
    _POSSIBLE_AFTER,
    _RATHER_AFTER,
    _REPORTED_WINDOW,
    _SENTENCE_BEFORE,
    _SHOULD_HEDGES,
    _SPEECH_ACTS,
    _SUBJECT_BRIDGE,
    _WINDOW,
    _WISH_VERBS,
    _WOULD_ED,
    REPORTING_VERBS,
    _normal,
)

# ----------------------------------------------------------------------- context


class _Context:
    """Lazy local context of one match: the tokens before and after it in its clause."""

    __slots__ = ("_after", "_after_low", "_before", "_before_low", "end", "start", "text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self._before: list[str] | None = None
        self._after: list[str] | None = None
        self._before_low: list[str] | None = None
        self._after_low: list[str] | None = None

    def before_low(self) -> list[str]:
        """:meth:`before` lower-cased, one apostrophe (:func:`_low`), read once."""
        if self._before_low is None:
            self._before_low = _low(self.before())
        return self._before_low

    def after_low(self) -> list[str]:
        """:meth:`after` lower-cased, one apostrophe (:func:`_low`), read once."""
        if self._after_low is None:
            self._after_low = _low(self.after())
        return self._after_low

    def before(self) -> list[str]:
        """Tokens before the match in its clause, as written (nearest last)."""
        if self._before is None:
            left = self.text[max(0, self.start - _WINDOW) : self.start]
            breaks = list(_CLAUSE_BREAK.finditer(left))
            if breaks:
                left = left[breaks[-1].end() :]
            self._before = _TOKEN_RE.findall(left)
        return self._before

    def after(self) -> list[str]:
        """Tokens after the match in its clause, as written."""
        if self._after is None:
            right = self.text[self.end : self.end + _WINDOW]
            brk = _CLAUSE_BREAK.search(right)
            if brk:
                right = right[: brk.start()]
            self._after = _TOKEN_RE.findall(right)
        return self._after

    def sentence_end(self) -> str:
        """The punctuation that ends the match's sentence ("." "!" "?"), or "" at a blank line or the text's end."""
        m = re.search(r"[.!?]|\n[^\S\n]*\n", self.text[self.end : self.end + 400])
        return m.group() if m and m.group()[0] != "\n" else ""

    def sentence_initial(self) -> bool:
        left = self.text[max(0, self.start - 8) : self.start]
        # nothing but whitespace before (found without copying the text before: linear in the text), or the
        # end of a sentence ('.', '."', '.”'), an opening quotation mark, a blank line
        return _NON_SPACE.search(self.text, 0, self.start) is None or bool(_SENTENCE_BEFORE.search(left))


def _low(tokens: Sequence[str]) -> list[str]:
    """Each token lower-cased (:func:`_lower`, one code point for one) with one apostrophe.

    Lower-cased together: a token holds no NUL, and the lower case of a slice is the slice of the lower case.
    """
    if not tokens:
        return []
    return _lower("\x00".join(tokens)).replace("’", "'").split("\x00")


def _is_number(token: str) -> bool:
    return any(c.isdigit() for c in token) or token.lower() in _NUMBER_WORDS


def _negated(before: list[str]) -> bool:
    """A negator up to three tokens before, with only bridge words between."""
    for tok in reversed(before[-4:]):
        if (
            tok in _NEGATORS
            or tok.endswith("n't")
            or tok == "nt"
            or (
                tok.endswith("nt")
                and tok[:-2] in ("don", "doesn", "didn", "isn", "aren", "wasn", "weren", "couldn", "wouldn")
            )
        ):
            return True
        if tok not in _NEGATION_BRIDGE:
            return False
    return False


def _first_person_subject(before: list[str]) -> bool:
    for tok in reversed(before[-4:]):
        if tok in _FIRST_PERSON:
            return True
        if tok not in _SUBJECT_BRIDGE and not tok.endswith("n't"):
            return False
    return False


# Each rule: (match text, context, category) -> category to keep (maybe changed) or None to drop.
def _rule_approximator_quantity(word: str, ctx: _Context, category: str) -> str | None:
    after = ctx.after_low()[:2]
    if not after:
        return None
    if _is_number(after[0]) or ctx.text[ctx.end : ctx.end + 3].lstrip()[:1] in ("$", "€", "£", "¥"):
        return category
    if after[0] in ("a", "an") and len(after) > 1 and after[1] in _ARTICLE_QUANTITY:
        return category
    return None


def _rule_may_modal(word: str, ctx: _Context, category: str) -> str | None:
    before, after = ctx.before(), ctx.after()
    low_after = ctx.after_low()[:2]
    if low_after and (low_after[0] in _BLESSED or low_after[:2] in (["the", "almighty"], ["the", "lord"])):
        return "formula"  # "May God bless us all": a blessing, the courtesy of a speech's close
    if (after and _is_number(after[0]) and any(c.isdigit() for c in after[0])) or (
        before and any(c.isdigit() for c in before[-1])
    ):
        return None
    if word[0] == "M" and not ctx.sentence_initial():
        return None  # "May" capitalised inside a sentence: the month (or a name)
    if word[0] == "M" and not after:
        return None
    if before and before[-1].lower() in _MONTH_PREPOSITIONS and word[0] == "M":
        return None
    return category


def _rule_would_not_reported(word: str, ctx: _Context, category: str) -> str | None:
    before = ctx.before_low()[-_REPORTED_WINDOW:]
    if any(t in REPORTING_VERBS for t in before):
        return None
    if _courtesy_frame(ctx):
        return "formula"  # "I would also like to thank": the frame with an adverb inside
    if word[-2:].lower() in ("'d", "’d"):  # "we'd": would, or had before a participle ("we'd been", "I'd better")
        after = ctx.after_low()[:1]
        if after and (after[0] in _HAD_AFTER or (after[0].endswith("ed") and after[0] not in _WOULD_ED)):
            return None
    return category


def _rule_negation(word: str, ctx: _Context, category: str) -> str | None:
    if not _negated(ctx.before_low()):
        return category
    if category == "booster":
        return "hedge"
    if category == "hedge" and word.lower().startswith("doubt"):
        return "booster"
    return category


_EMPHATIC = frozenset("strongly firmly truly sincerely deeply genuinely fully really do does did".split())


def _emphatic_belief(word: str, ctx: _Context) -> bool:
    """ "We strongly believe", "I do believe": a belief held without reserve is a booster, not a hedge."""
    before = ctx.before_low()[-1:]
    return (
        _lower(word).startswith(("believe", "think"))
        and bool(before)
        and before[0] in _EMPHATIC
        and not _negated(ctx.before_low()[:-1])
    )  # "I don't really think" is no booster


def _rule_cognition_verb(word: str, ctx: _Context, category: str) -> str | None:
    before, after = ctx.before_low(), ctx.after_low()
    lw = word.lower()
    if before and before[-1] in _NOUN_DETERMINERS and before[-1] not in ("that",):
        return None  # a noun: "a thought", "the feel"
    nxt = after[0] if after else ""
    if nxt in _COGNITION_NOT_BEFORE:
        return None  # "think about", "believe in", "thought out"
    first = _first_person_subject(before)
    if lw.startswith("fe"):
        # feel: a hedge before "that" / "as if", or "like" + a clause; with "I" before a clause
        if nxt in _FEEL_BEFORE or (
            nxt == "like" and len(after) > 1 and after[1] in _CLAUSE_STARTS and after[1] not in _ARTICLES
        ):
            return category
        if first and nxt in _CLAUSE_STARTS and nxt not in _FEEL_NOT_CLAUSE:
            return category
        return None
    if lw in ("supposed",) and nxt == "to" and not first:
        return category  # "is supposed to": hearsay
    if first:
        return category
    if nxt in _CLAUSE_STARTS or not after:
        return category
    return None


def _rule_appear_epistemic(word: str, ctx: _Context, category: str) -> str | None:
    after = ctx.after_low()
    if not after or after[0] in _APPEAR_NOT_BEFORE:
        return None
    return category


def _rule_rather_downtoner(word: str, ctx: _Context, category: str) -> str | None:
    after, before = ctx.after_low(), ctx.before_low()
    if (after and after[0] == "than") or (before and before[-1] in _RATHER_AFTER):
        return None
    return category


def _rule_certain_predicative(word: str, ctx: _Context, category: str) -> str | None:
    before, after = ctx.before_low(), ctx.after_low()
    if (before and before[-1] in _BE_FORMS) or (after and after[0] in _CERTAIN_BEFORE) or not after:
        return _rule_negation(word, ctx, category)
    return None


def _rule_possible_epistemic(word: str, ctx: _Context, category: str) -> str | None:
    before = ctx.before_low()
    prev = before[-1] if before else ""
    if prev in _POSSIBLE_AFTER:
        return None
    if prev.endswith("est") and len(prev) > 4:  # a superlative: "the lowest possible price"
        return None
    return category


def _rule_us_pronoun(word: str, ctx: _Context, category: str) -> str | None:
    return None if word == "US" else category


def _skip_adverbs(tokens: list[str]) -> list[str]:
    i = 0
    while i < len(tokens):
        phrase = next((p for p in _ADVERB_PHRASES if tuple(tokens[i : i + len(p)]) == p), None)
        if phrase is not None:
            i += len(phrase)
        elif tokens[i] in _MODAL_ADVERBS or tokens[i].endswith("ly"):
            i += 1
        else:
            break
    return tokens[i:]


def _courtesy_frame(ctx: _Context, singular: bool = False) -> bool:
    """would/should (adverbs) like to / wish to (adverbs) + a verb of the speaker's turn: "I would also like to thank".

    Or the modal right before such a verb with a first-person subject ("we would also stress", "I would
    note"); with ``singular`` only after "I" ("I should stress that": "we should encourage" is a directive).
    """
    after = _skip_adverbs(ctx.after_low())
    before = ctx.before_low()
    subject = before[-1:] == ["i"] if singular else _first_person_subject(before)
    if after and after[0] in _ASSERTIVE and subject and (after[0] != "call" or after[1:2] in (["on"], ["upon"])):
        return True  # the speaker's turn, not a tentative claim ("I would call on", not "what I would call X")
    if len(after) < 2 or after[0] not in _WISH_VERBS:
        return False
    rest = _skip_adverbs(after[1:])
    if not rest or rest[0] != "to":
        return False
    rest = _skip_adverbs(rest[1:])
    return bool(rest) and rest[0] in _SPEECH_ACTS


def _rule_modal_sense(word: str, ctx: _Context, category: str) -> str | None:
    """should/must/ought: a directive (obligation), or epistemic; "Should X happen" is a conditional."""
    lw = _lower(word).replace("’", "'")
    if lw.startswith("should") and _courtesy_frame(ctx, singular=True):
        return "formula"  # "I should also like to congratulate", British
    raw = ctx.after()
    first = ctx.after_low()[0] if raw else ""
    # "Should that happen, ..." (inversion: a conditional, like "if"); "Should we ...?" is a question, and so
    # is "Should the world stand by?"
    if (
        lw.startswith("should")
        and ctx.sentence_initial()
        and word[0] == "S"
        and first not in ("we", "i", "not")
        and ctx.sentence_end() != "?"
        and (first in _CLAUSE_STARTS or (raw and raw[0][:1].isupper()))
    ):
        return None
    after = _skip_adverbs(ctx.after_low())
    nxt = after[0] if after else ""
    if lw.startswith("need"):
        last = ctx.before_low()[-1:]
        return None if last and last[0] in _NOUN_DETERMINERS else category  # "the need to act": a noun
    if lw.startswith("must"):
        # "must have been", "must have known": logical necessity, Hyland's booster
        if nxt == "have" and len(after) > 1 and (after[1] in _PARTICIPLES or after[1].endswith("ed")):
            return "booster"
        return category
    if lw.startswith("ought") and nxt == "to":
        after = after[1:]
        nxt = after[0] if after else ""
    before_low = ctx.before_low()  # read only now: "must" and "need" are decided without it
    prev = before_low[-1] if before_low else ""
    if lw.startswith("should") and prev == "i" and nxt in _SHOULD_HEDGES:
        return "hedge"  # "I should think so": a hedge, British
    if prev in _EXPECTATION_SUBJECTS and (
        (nxt == "be" and len(after) > 1 and after[1] in _EXPECTATION_PREDICATES) or nxt in _EXPECTATION_VERBS
    ):
        return "hedge"  # "that should be enough", "it should arrive by Monday": expectation
    return category


_STANCE_WORDS = frozenset(
    "believe believes believed support supports supported supporting oppose opposes opposed opposing condemn "
    "condemns condemned condemning reject rejects rejected rejecting agree agrees agreed share shares shared "
    "endorse endorses endorsed subscribe subscribes convinced confident aware committed commit commits "
    "deplore deplores deplored welcome welcomes welcomed back backs backed insist insists insisted "
    "urge urges urged advocate advocates advocated object objects protest protests disagree disagrees "
    "reaffirm reaffirms reaffirmed uphold upholds upheld maintain maintains hold holds".split()
)


def _rule_intensifier_stance(word: str, ctx: _Context, category: str) -> str | None:
    """A booster of the speaker's stance, not of an action's degree ("implement fully", "a determined enemy")."""
    lw = _lower(word)
    after = ctx.after_low()[:2]
    if lw.startswith("demonstrat") or lw == "determined":
        nxt = after[0] if after else ""
        if nxt == "that" or (lw == "determined" and nxt == "to" and ctx.before_low()[-1:][:1] != ["been"]):
            return category  # "this demonstrates that", "we are determined to"
        return None
    near = ctx.before_low()[-2:] + after
    return category if any(t in _STANCE_WORDS for t in near) else None


def _rule_formula_frame(word: str, ctx: _Context, category: str) -> str | None:
    """A courtesy formula before a verb of the speaker's own turn ("would like to thank"), or not."""
    lw = _normal(word)
    if lw in _ALWAYS_FORMULA:
        return category
    after = _skip_adverbs(ctx.after_low())
    if after and after[0] in _SPEECH_ACTS:
        return category
    if lw.startswith(("would", "should")):
        return "hedge"  # "we would like to see a ceasefire": a softened wish
    return None  # "they wish to remain": a wish, not a stance marker


_RULE_FUNCS: dict[str, Callable[[str, _Context, str], str | None]] = {
    "approximator_quantity": _rule_approximator_quantity,
    "may_modal": _rule_may_modal,
    "would_not_reported": _rule_would_not_reported,
    "negation": _rule_negation,
    "cognition_verb": _rule_cognition_verb,
    "appear_epistemic": _rule_appear_epistemic,
    "rather_downtoner": _rule_rather_downtoner,
    "certain_predicative": _rule_certain_predicative,
    "possible_epistemic": _rule_possible_epistemic,
    "us_pronoun": _rule_us_pronoun,
    "modal_sense": _rule_modal_sense,
    "formula_frame": _rule_formula_frame,
    "intensifier_stance": _rule_intensifier_stance,
}
