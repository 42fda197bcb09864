"""Draw and check the second held-out set of the UN register (``sentences_heldout2.jsonl``).

A wrapper around ``scripts/un_register_sample.py`` (its ``candidates``, ``draw``,
``check`` and printing are used unchanged): the script's ``sample`` always draws
84 UNSCon + 116 UNGDC sentences split 150 dev / 50 heldout, and its ``check``
accepts only the splits ``dev`` and ``heldout``. This draws 100 sentences,
50 per source (the plain reading of "half and half" of GUIDELINES.md, which the
cap of three per country allows for 50 sentences), with seed 20261202, after
removing from the candidates every sentence of ``sentences.jsonl`` (same doc_id
and start): a sentence of the first set that the seed would have drawn is
replaced by the next one in the same order (a redraw). Within each source, half
"trigger" and half "random", at most three per country over the 100, ordered by
the "split" SHA-1 order, ids ``un2-001``... and ``split`` ``heldout2`` for all.
The hedge detector is never imported or run.

Usage (the corpora from ``TOOLKIT_DATA``)::

    python scripts/un_register_heldout2.py sample [--force]
    python scripts/un_register_heldout2.py print [--context 1] [--ids un2-001,...] [--half]
    python scripts/un_register_heldout2.py check [--redraw]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import un_register_sample as base

SEED = 20261202
N_UNGDC = 50
N_UNSCON = 50
SPLIT = "heldout2"
PREFIX = "un2-"
OUT = base.ROOT / "toolkit" / "data" / "un_register" / "sentences_heldout2.jsonl"


def draw2(speeches, seed: int = SEED):
    """The drawn sentences (ids un2-..., split heldout2) and the number of first-set sentences redrawn."""
    cands = base.candidates(speeches)
    first = {(r["doc_id"], r["start"]) for r in base.read_jsonl(base.DEFAULT_FILE)}
    # how many sentences of the first set this seed would draw (each is replaced by the next in order)
    plain = base.draw(cands, seed=seed, n_ungdc=N_UNGDC, n_unscon=N_UNSCON, n_dev=0)
    n_dup = sum((d, s) in first for d, s in zip(plain["doc_id"], plain["start"]))
    keep = [(d, s) not in first for d, s in zip(cands["doc_id"], cands["start"])]
    drawn = base.draw(cands[keep], seed=seed, n_ungdc=N_UNGDC, n_unscon=N_UNSCON, n_dev=0)
    drawn["id"] = [PREFIX + i.split("-")[1] for i in drawn["id"]]
    drawn["split"] = SPLIT
    return drawn, n_dup


def cmd_sample(args) -> int:
    if OUT.exists() and not args.force:
        old = base.read_jsonl(OUT)
        if any(r["cues"] or r["note"] for r in old):
            print(f"{OUT} is annotated; nothing written (--force to overwrite).", file=sys.stderr)
            return 1
    speeches = base.load_speeches()
    drawn, n_dup = draw2(speeches)
    texts = base.texts_by_doc(speeches)
    records = []
    for row in drawn.itertuples(index=False):
        sentence = texts[(row.source, row.doc_id)][row.start : row.end]
        records.append(
            {
                "id": row.id,
                "split": row.split,
                "source": row.source,
                "doc_id": row.doc_id,
                "country": row.country,
                "start": row.start,
                "end": row.end,
                "sha1": base.sha1_12(sentence),
                "cues": [],
                "note": "",
            }
        )
    base.write_jsonl(records, OUT)
    print(
        f"wrote {len(records)} sentences to {OUT}; drawn {drawn.groupby(['source', 'half']).size().to_dict()}; "
        f"{n_dup} sentences of sentences.jsonl would have been drawn and were redrawn"
    )
    return 0


def cmd_print(args) -> int:
    ns = argparse.Namespace(file=OUT, context=args.context, ids=args.ids, half=False, seed=SEED)
    if not args.half:
        return base.cmd_print(ns)
    drawn, _ = draw2(base.load_speeches())
    half = dict(zip(drawn["id"], drawn["half"]))
    for r in base.read_jsonl(OUT):
        if not args.ids or r["id"] in args.ids.split(","):
            print(r["id"], half[r["id"]])
    return 0


def cmd_check(args) -> int:
    """The script's ``check`` on the file, with split ``heldout2`` read as ``heldout`` (its only other split)."""
    records = base.read_jsonl(OUT)
    problems = [f"{r['id']}: split {r['split']!r}" for r in records if r["split"] != SPLIT]
    first = {(r["doc_id"], r["start"]) for r in base.read_jsonl(base.DEFAULT_FILE)}
    problems += [f"{r['id']}: also in sentences.jsonl" for r in records if (r["doc_id"], r["start"]) in first]
    speeches = base.load_speeches()
    if args.redraw:
        drawn, _ = draw2(speeches)
        again = list(zip(drawn["id"], drawn["source"], drawn["doc_id"], drawn["start"], drawn["end"]))
        if again != [(r["id"], r["source"], r["doc_id"], r["start"], r["end"]) for r in records]:
            problems.append(f"the seed {SEED} draws another set than the file's")
        else:
            print(f"drawn again with seed {SEED}: the same {len(records)} sentences in the same order")
    for p in problems:
        print("PROBLEM:", p)
    tmp = OUT.with_suffix(".check.tmp")
    try:
        base.write_jsonl([{**r, "split": "heldout"} for r in records], tmp)
        ns = argparse.Namespace(file=tmp, redraw=False, seed=SEED)
        original = base.check  # the script's check with n_dev=0: every line heldout
        base.check = lambda recs, texts, n_dev=0: original(recs, texts, n_dev=0)
        try:
            rc = base.cmd_check(ns)
        finally:
            base.check = original
    finally:
        tmp.unlink(missing_ok=True)
    return 1 if problems or rc else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sample")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_sample)
    p = sub.add_parser("print")
    p.add_argument("--context", type=int, default=0)
    p.add_argument("--ids", default="")
    p.add_argument("--half", action="store_true")
    p.set_defaults(func=cmd_print)
    p = sub.add_parser("check")
    p.add_argument("--redraw", action="store_true")
    p.set_defaults(func=cmd_check)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
