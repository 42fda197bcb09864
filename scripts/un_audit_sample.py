"""Draw the audit sample of the README: 200 stance matches in the UN speeches of the comparison corpus.

    TOOLKIT_DATA=../shared/corpora python scripts/un_audit_sample.py --seed 2 --out toolkit/data/un_register/audit_round4.csv

Five strata of 40 (epistemic hedges, approximators, boosters, directives, formulae), drawn by
:func:`toolkit.hedge_audit` (rounds 1 and 2 with seed 0, each after the rules the round before had
corrected; round 3 with seed 1 and round 4 with seed 2, each after the rules the round before corrected, so that
their rows are new draws) from the matches of ``find_stance`` (its default method) in the
UN speeches of ``load_comparison_corpus`` (the interview left out). The file keeps the matches and two
empty columns for the coder, ``correct`` and ``note``; the context (``left``, ``right``) is printed
with ``--show`` and is not stored (the corpora's licences).
"""

from __future__ import annotations

import argparse
import warnings

import toolkit as tk
from toolkit import study

CATEGORIES = ["hedge", "booster", "directive", "formula"]
KEEP = ["stratum", "doc_id", "start", "end", "match", "category", "kind", "rule", "pattern", "correct", "note"]


def draw(n: int = 200, seed: int = 0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # load_ungdc's note on non-speech files it skipped
        docs = study.load_comparison_corpus()
    un = docs[docs["doc_id"] != tk.INTERVIEW_ID]
    return tk.hedge_audit(un, n=n, seed=seed, categories=CATEGORIES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="write the sample (without context) to this CSV")
    parser.add_argument("--show", action="store_true", help="print each match with its context")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sample = draw(args.n, args.seed)
    if args.show:
        for i, r in sample.iterrows():
            print(
                f"[{i}] {r['stratum']} ({r['rule']}) {r['doc_id']}:{r['start']}\n    ...{r['left']} [[{r['match']}]] "
                f"{r['right']}...\n"
            )
    if args.out:
        sample[KEEP].to_csv(args.out, index=False)
        print(f"wrote {args.out}: {len(sample)} matches; population {sample.attrs['population']}")


if __name__ == "__main__":
    main()
