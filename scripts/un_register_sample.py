"""Sample, print and check the UN register set (``toolkit/data/un_register/sentences.jsonl``).

The set is defined in ``toolkit/data/un_register/GUIDELINES.md``. This script
does not annotate: it draws the sentences (``sample``), shows them for reading
(``print``) and checks an annotated file against the corpora (``check``). It
never imports or runs the hedge detector (the annotation must not depend on it);
``import toolkit`` loads the package, the script calls only the loaders,
``split_sentences``, ``tokenize`` and ``token_spans``.

Usage (the corpora from ``TOOLKIT_DATA``)::

    python scripts/un_register_sample.py sample [--seed 20261201] [--out FILE] [--force]
    python scripts/un_register_sample.py print [--file FILE] [--context 1] [--ids un-001,un-002]
    python scripts/un_register_sample.py check [--file FILE]

How the sentences are drawn (deterministic: the same corpora and seed give the same set)
-------------------------------------------------------------------------------------------

1. Speeches: every UNSCon speech (``load_unscon``) and the General Debate
   speeches of ``load_ungdc`` of 1990 or later.
2. Sentences: ``split_sentences`` of each line of each speech (:func:`_line_sentences`: the
   splitting of the toolkit when the set was drawn, kept so that the draw does not move when
   ``split_sentences`` learns to join hard-wrapped lines), kept when

   - complete: it starts with a capital letter or a digit (after any opening
     quote or bracket), ends with ``.``, ``?`` or ``!`` (before any closing
     quote or bracket), and the text before it is empty or ends a sentence the
     same way. ``split_sentences`` ends a sentence at every line break, and the
     General Debate texts of 1992-2014 are hard-wrapped at a fixed width, so
     most of their "sentences" are pieces of lines; this keeps only real
     sentences (see the annotation notes of GUIDELINES.md);
   - 8 to 60 tokens long (``toolkit.tokenize``);
   - English: at least 60% of its tokens are terms used in at least 20 of the
     General Debate speeches of 1990 or later (leaves out the Maori, Quechua,
     Serbian... greetings and quotations, and a few lists of names).

3. A sentence "has a trigger" when its lower-cased tokens hold one of
   :data:`TRIGGERS` (a word, or two words in a row).
4. The order "at random" is the order of the SHA-1 of the seed, a purpose tag
   and the sentence's (doc_id, start): no random number generator, so the draw
   does not change with the Python or NumPy version, nor with the order in which
   the corpora are read.
5. UNSCon is drawn first, then UNGDC, with one count per country over both
   (at most :data:`MAX_PER_COUNTRY`). In each source, half of the sentences are
   the first sentences with a trigger in the "trigger" order whose country
   still has room, the other half the first sentences (any, not already drawn)
   in the "random" order whose country still has room.
6. The 200 sentences are put in the "split" order: ids ``un-001``... in that
   order, the first 150 ``dev``, the last 50 ``heldout``.

UNSCon has 28 speaking delegations, so at most 3 x 28 = 84 of its sentences can
be drawn under the cap of three per country: the default is 84 from UNSCon
(every delegation three times) and 116 from UNGDC, not 100 and 100.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import re
import sys
import warnings
from itertools import pairwise
from pathlib import Path

import pandas as pd

import toolkit as tk

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "toolkit" / "data" / "un_register" / "sentences.jsonl"

SEED = 20261201
N_UNGDC = 116
N_UNSCON = 84
N_DEV = 150
MAX_PER_COUNTRY = 3
MIN_TOKENS, MAX_TOKENS = 8, 60
UNGDC_SINCE = 1990
ENGLISH_MIN_SHARE = 0.6
ENGLISH_MIN_DOCS = 20

#: The trigger words of the "trigger" half of each source (lower-cased tokens of ``toolkit.tokenize``).
TRIGGERS: tuple[str, ...] = (
    "should",
    "must",
    "would",
    "could",
    "may",
    "might",
    "shall",
    "ought",
    "need to",
    "needs to",
    "have to",
    "has to",
    "think",
    "believe",
    "feel",
    "seem",
    "seems",
    "appear",
    "appears",
    "suggest",
    "possible",
    "possibly",
    "perhaps",
    "probably",
    "likely",
    "allow me",
    "let me",
    "wish to",
)
_TRIGGER_WORDS = frozenset(t for t in TRIGGERS if " " not in t)
_TRIGGER_PAIRS = frozenset(tuple(t.split()) for t in TRIGGERS if " " in t)

_ENDS = re.compile(r"[.?!][\"”’')\]]*$")
_BEGINS = re.compile(r"^[\"“‘'(\[]*[A-Z0-9]")

FIELDS = ("id", "split", "source", "doc_id", "country", "start", "end", "sha1", "cues", "note")
LABELS = ("epistemic", "deontic", "formula")


def _line_sentences(docs):
    """``split_sentences`` line by line: every line break ends a sentence, as when the set was drawn."""
    import re

    import pandas as pd

    rows = []
    for doc_id, text in zip(docs["doc_id"], docs["text"]):
        for line in re.finditer(r"[^\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+", text):
            part = tk.split_sentences(line.group())
            for start, end, sentence in zip(part["start"], part["end"], part["text"]):
                rows.append((doc_id, line.start() + int(start), line.start() + int(end), sentence))
    return pd.DataFrame(rows, columns=["doc_id", "start", "end", "text"])


def sha1_12(text: str) -> str:
    """The first 12 hex digits of the SHA-1 of ``text``'s UTF-8."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _order_key(seed: int, purpose: str, doc_id: str, start: int) -> str:
    return hashlib.sha1(f"{seed}|{purpose}|{doc_id}|{start}".encode()).hexdigest()


def has_trigger(tokens: list[str]) -> bool:
    """Whether the lower-cased ``tokens`` hold a word or a pair of :data:`TRIGGERS`."""
    if any(t in _TRIGGER_WORDS for t in tokens):
        return True
    return any(pair in _TRIGGER_PAIRS for pair in pairwise(tokens))


def load_speeches() -> dict[str, pd.DataFrame]:
    """The speeches sampled from, by source: all of UNSCon, the General Debate from 1990."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # load_ungdc warns about the five files that are not speeches
        ungdc = tk.load_ungdc()
    ungdc = ungdc[ungdc["year"] >= UNGDC_SINCE]
    unscon = tk.load_unscon()
    cols = ["doc_id", "text", "country", "year"]
    return {"ungdc": ungdc[cols].reset_index(drop=True), "unscon": unscon[cols].reset_index(drop=True)}


def _document_frequency(docs: pd.DataFrame) -> collections.Counter[str]:
    df: collections.Counter[str] = collections.Counter()
    for text in docs["text"]:
        df.update(set(tk.tokenize(text)))
    return df


def candidates(speeches: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every sentence that may be drawn, with source, country, token count and trigger flag."""
    df = _document_frequency(speeches["ungdc"])
    frames = []
    for source, docs in speeches.items():
        texts = dict(zip(docs["doc_id"], docs["text"]))
        country = dict(zip(docs["doc_id"], docs["country"]))
        sents = _line_sentences(docs)
        rows = []
        for doc_id, start, end, sentence in zip(sents["doc_id"], sents["start"], sents["end"], sents["text"]):
            text = texts[doc_id]
            assert text[start:end] == sentence, (doc_id, start, end)
            if not (_BEGINS.match(sentence) and _ENDS.search(sentence)):
                continue
            before = text[:start].rstrip()
            if before and not _ENDS.search(before):
                continue
            toks = tk.tokenize(sentence)
            if not MIN_TOKENS <= len(toks) <= MAX_TOKENS:
                continue
            if sum(df[t] >= ENGLISH_MIN_DOCS for t in toks) < ENGLISH_MIN_SHARE * len(toks):
                continue
            rows.append((source, doc_id, country[doc_id], int(start), int(end), len(toks), has_trigger(toks)))
        frames.append(
            pd.DataFrame(rows, columns=["source", "doc_id", "country", "start", "end", "n_tokens", "trigger"])
        )
    return pd.concat(frames, ignore_index=True)


def draw(
    cands: pd.DataFrame,
    seed: int = SEED,
    n_ungdc: int = N_UNGDC,
    n_unscon: int = N_UNSCON,
    n_dev: int = N_DEV,
    max_per_country: int = MAX_PER_COUNTRY,
) -> pd.DataFrame:
    """The drawn sentences in their final order, with ``id``, ``split`` and ``half`` ("trigger" or "random")."""
    per_country: collections.Counter[str] = collections.Counter()
    chosen: list[dict] = []
    taken: set[tuple[str, int]] = set()
    for source, n in (("unscon", n_unscon), ("ungdc", n_ungdc)):
        pool = cands[cands["source"] == source]
        for half, k, sub in (("trigger", n - n // 2, pool[pool["trigger"]]), ("random", n // 2, pool)):
            keys = [_order_key(seed, f"{source}-{half}", d, s) for d, s in zip(sub["doc_id"], sub["start"])]
            got = 0
            for row in sub.assign(order_key=keys).sort_values("order_key").itertuples(index=False):
                if got == k:
                    break
                if (row.doc_id, row.start) in taken or per_country[row.country] >= max_per_country:
                    continue
                taken.add((row.doc_id, row.start))
                per_country[row.country] += 1
                chosen.append({**row._asdict(), "half": half})
                got += 1
            if got < k:
                raise RuntimeError(
                    f"{source}, {half} half: only {got} of {k} sentences can be drawn "
                    f"with at most {max_per_country} per country."
                )
    out = pd.DataFrame(chosen).drop(columns="order_key")
    out["_key"] = [_order_key(seed, "split", d, s) for d, s in zip(out["doc_id"], out["start"])]
    out = out.sort_values("_key").drop(columns="_key").reset_index(drop=True)
    out.insert(0, "id", [f"un-{i + 1:03d}" for i in range(len(out))])
    out.insert(1, "split", ["dev" if i < n_dev else "heldout" for i in range(len(out))])
    return out


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(records: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in records:
            f.write(json.dumps({k: r[k] for k in FIELDS}, ensure_ascii=False) + "\n")


def texts_by_doc(speeches: dict[str, pd.DataFrame] | None = None) -> dict[tuple[str, str], str]:
    speeches = speeches or load_speeches()
    return {(src, d): t for src, docs in speeches.items() for d, t in zip(docs["doc_id"], docs["text"])}


def cmd_sample(args: argparse.Namespace) -> int:
    speeches = load_speeches()
    drawn = draw(candidates(speeches), seed=args.seed)
    texts = texts_by_doc(speeches)
    old = {}
    if args.out.exists():
        old = {r["id"]: r for r in read_jsonl(args.out)}
    records = []
    for row in drawn.itertuples(index=False):
        sentence = texts[(row.source, row.doc_id)][row.start : row.end]
        rec = {
            "id": row.id,
            "split": row.split,
            "source": row.source,
            "doc_id": row.doc_id,
            "country": row.country,
            "start": row.start,
            "end": row.end,
            "sha1": sha1_12(sentence),
            "cues": [],
            "note": "",
        }
        prev = old.get(row.id)
        if prev is not None and (prev["cues"] or prev["note"]):
            same = all(prev[k] == rec[k] for k in ("source", "doc_id", "start", "end", "sha1"))
            if not same and not args.force:
                print(
                    f"{args.out}: {row.id} is annotated and would change; nothing written (--force to overwrite).",
                    file=sys.stderr,
                )
                return 1
            if same:  # keep the annotation of an unchanged sentence
                rec["cues"], rec["note"] = prev["cues"], prev["note"]
        records.append(rec)
    write_jsonl(records, args.out)
    counts = drawn.groupby(["source", "half"]).size().to_dict()
    print(f"wrote {len(records)} sentences to {args.out}; drawn {counts}")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    records = read_jsonl(args.file)
    wanted = set(args.ids.split(",")) if args.ids else None
    speeches = load_speeches()
    texts = texts_by_doc(speeches)
    half = {}
    if args.half:
        drawn = draw(candidates(speeches), seed=args.seed)
        half = dict(zip(drawn["id"], drawn["half"]))
    for r in records:
        if wanted and r["id"] not in wanted:
            continue
        text = texts[(r["source"], r["doc_id"])]
        sentence = text[r["start"] : r["end"]]
        head = f"[{r['id']}] {r['split']} {r['source']} {r['country']} {r['doc_id']} {half.get(r['id'], '')}"
        print(head.rstrip())
        if args.context:
            before = tk.split_sentences(text[: r["start"]].rstrip())["text"].tolist()[-args.context :]
            for b in before:
                print(f"    < {b}")
        print(f"    {sentence}")
        for c in r["cues"]:
            print(f"    - {c['label']}: {c['text']!r} [{c['start']}:{c['end']}]")
        if r["note"]:
            print(f"    note: {r['note']}")
    return 0


def check(records: list[dict], texts: dict[tuple[str, str], str], n_dev: int = N_DEV) -> list[str]:
    """The problems of an annotated set (empty when it is sound)."""
    problems = []
    ids = [r["id"] for r in records]
    if len(set(ids)) != len(ids):
        problems.append("duplicate ids")
    keys = [(r["doc_id"], r["start"]) for r in records]
    if len(set(keys)) != len(keys):
        problems.append("a sentence appears twice")
    per_country = collections.Counter(r["country"] for r in records)
    problems += [f"{c}: {n} sentences (> {MAX_PER_COUNTRY})" for c, n in per_country.items() if n > MAX_PER_COUNTRY]
    for r in records:
        where = r.get("id", "?")
        if list(r) != list(FIELDS):
            problems.append(f"{where}: fields {list(r)}, expected {list(FIELDS)}")
            continue
        if r["split"] not in ("dev", "heldout") or r["source"] not in ("ungdc", "unscon"):
            problems.append(f"{where}: split {r['split']!r} or source {r['source']!r}")
        text = texts.get((r["source"], r["doc_id"]))
        if text is None:
            problems.append(f"{where}: no document {r['doc_id']} in {r['source']}")
            continue
        sentence = text[r["start"] : r["end"]]
        if sha1_12(sentence) != r["sha1"]:
            problems.append(f"{where}: sha1 {sha1_12(sentence)} of the text read, expected {r['sha1']}")
            continue
        spans = tk.token_spans(sentence)
        starts, ends = {s for s, _ in spans}, {e for _, e in spans}
        last_end = -1
        for c in sorted(r["cues"], key=lambda c: c["start"]):
            if set(c) != {"start", "end", "text", "label"} or c["label"] not in LABELS:
                problems.append(f"{where}: bad cue {c}")
                continue
            if sentence[c["start"] : c["end"]] != c["text"]:
                problems.append(f"{where}: cue {c['text']!r} is {sentence[c['start'] : c['end']]!r} in the text")
            if c["start"] not in starts or c["end"] not in ends:
                problems.append(f"{where}: cue {c['text']!r} does not cover whole tokens")
            if c["start"] < last_end:
                problems.append(f"{where}: cues overlap at {c['text']!r}")
            last_end = c["end"]
    splits = [r["split"] for r in records]
    if splits != ["dev"] * n_dev + ["heldout"] * (len(records) - n_dev):
        problems.append("the first 150 lines are not dev and the rest heldout")
    return problems


def cmd_check(args: argparse.Namespace) -> int:
    records = read_jsonl(args.file)
    speeches = load_speeches()
    problems = check(records, texts_by_doc(speeches))
    if args.redraw:
        drawn = draw(candidates(speeches), seed=args.seed)
        again = list(zip(drawn["id"], drawn["split"], drawn["source"], drawn["doc_id"], drawn["start"], drawn["end"]))
        stored = [(r["id"], r["split"], r["source"], r["doc_id"], r["start"], r["end"]) for r in records]
        if again != stored:
            problems.append(f"the seed {args.seed} draws another set than the file's")
        else:
            print(f"drawn again with seed {args.seed}: the same {len(stored)} sentences in the same order")
    for p in problems:
        print("PROBLEM:", p)
    print(f"{len(records)} lines read, {len(problems)} problems")
    table = pd.DataFrame(records)
    print("\nsentences per split and source:")
    print(pd.crosstab(table["split"], table["source"], margins=True).to_string())
    print(
        f"\ncountries: {table['country'].nunique()} "
        f"(UNGDC {table.loc[table['source'] == 'ungdc', 'country'].nunique()}, "
        f"UNSCon {table.loc[table['source'] == 'unscon', 'country'].nunique()}); "
        f"sentences per country: {table['country'].value_counts().value_counts().sort_index().to_dict()}"
    )
    cues = [(r["split"], r["source"], c["label"], len(tk.tokenize(c["text"]))) for r in records for c in r["cues"]]
    cue_table = pd.DataFrame(cues, columns=["split", "source", "label", "tokens"])
    print("\ncue tokens per label and split (cues in brackets):")
    tok = (
        pd.crosstab(cue_table["label"], cue_table["split"], values=cue_table["tokens"], aggfunc="sum", margins=True)
        .fillna(0)
        .astype(int)
    )
    n = pd.crosstab(cue_table["label"], cue_table["split"], margins=True)
    print(tok.astype(str).add(" (").add(n.astype(str)).add(")").to_string())
    print("\ncue tokens per label and source:")
    print(
        pd.crosstab(cue_table["label"], cue_table["source"], values=cue_table["tokens"], aggfunc="sum", margins=True)
        .fillna(0)
        .astype(int)
        .to_string()
    )
    with_cues = sum(bool(r["cues"]) for r in records)
    print(f"\nsentences with a cue: {with_cues}; with a note: {sum(bool(r['note']) for r in records)}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sample", help="draw the sentences and write the skeleton (keeps the cues of unchanged ones)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--out", type=Path, default=DEFAULT_FILE)
    p.add_argument("--force", action="store_true", help="overwrite annotated sentences that the draw changes")
    p.set_defaults(func=cmd_sample)
    p = sub.add_parser("print", help="print the sentences (and their cues) for reading")
    p.add_argument("--file", type=Path, default=DEFAULT_FILE)
    p.add_argument("--context", type=int, default=0, help="sentences of the speech to print before each")
    p.add_argument("--ids", default="", help="comma-separated ids (default: all)")
    p.add_argument("--half", action="store_true", help="say which half (trigger/random) each was drawn in")
    p.add_argument("--seed", type=int, default=SEED)
    p.set_defaults(func=cmd_print)
    p = sub.add_parser("check", help="re-read every line through the loaders, check it, print the counts")
    p.add_argument("--file", type=Path, default=DEFAULT_FILE)
    p.add_argument("--redraw", action="store_true", help="also draw again and compare with the file")
    p.add_argument("--seed", type=int, default=SEED)
    p.set_defaults(func=cmd_check)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
