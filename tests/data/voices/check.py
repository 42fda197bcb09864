"""Check the voices test set (standard library only).

    python tests/data/voices/check.py             # checks and a per-article table
    python tests/data/voices/check.py --markdown  # the same table in Markdown
    python tests/data/voices/check.py tests/data/voices_heldout   # another set in the same format

For every JSON file in this folder (or the folder given): the required fields are there, every
gold item (`own`, `others`, `questions`, `narration_quotes`) is found in
`text` at its stated occurrence, no item crosses a paragraph break or
starts with a quotation mark, and no two gold spans overlap (the `own`
spans among themselves and any two spans of different categories).
An item's `occurrence` counts every match of its string in `text`,
overlapping ones included, from 0.  Items whose string occurs more than
once are listed so that the stated occurrence can be confirmed by eye.
Exits 1 if any check fails.
"""

import json
import pathlib
import re
import sys
from itertools import pairwise

HERE = pathlib.Path(__file__).resolve().parent
STYLES = {"double_curly", "double_straight", "wire", "transcript_qa", "transcript_names", "british"}
REQUIRED = ("id", "style", "speaker", "role", "genre", "title", "text", "own")
CATEGORIES = ("own", "others", "questions", "narration_quotes")
QUOTE_MARKS = "\"'\u201c\u201d\u2018\u2019"


def occurrences(text, sub):
    """Start offsets of every match of sub in text, overlapping ones included."""
    starts, i = [], text.find(sub)
    while i != -1:
        starts.append(i)
        i = text.find(sub, i + 1)
    return starts


def nonspace(s):
    return len(re.sub(r"\s", "", s))


def check(path):
    errors, notes = [], []
    art = json.loads(path.read_text(encoding="utf-8"))
    for key in REQUIRED:
        if key not in art:
            errors.append(f"missing field {key!r}")
    if errors:
        return art, errors, notes, {}
    if art["id"] != path.stem:
        errors.append(f"id {art['id']!r} differs from the file name")
    if art["style"] not in STYLES:
        errors.append(f"unknown style {art['style']!r}")
    text = art["text"]
    if "\n\n" in text or text != text.strip():
        errors.append("text has an empty paragraph or surrounding whitespace")
    words = len(text.split())
    if not 150 <= words <= 400:
        notes.append(f"{words} words (outside 150-400)")
    spans = []  # (start, end, category, index)
    for cat in CATEGORIES:
        for k, item in enumerate(art.get(cat, [])):
            where = f"{cat}[{k}]"
            if not isinstance(item, dict) or set(item) != {"text", "occurrence"}:
                errors.append(f"{where}: expected {{'text', 'occurrence'}}, got {item!r}")
                continue
            s, occ = item["text"], item["occurrence"]
            if not s or s != s.strip():
                errors.append(f"{where}: empty or has surrounding whitespace: {s!r}")
            if "\n" in s:
                errors.append(f"{where}: crosses a paragraph break: {s[:40]!r}")
            if s[:1] in QUOTE_MARKS:
                errors.append(f"{where}: starts with a quotation mark: {s[:40]!r}")
            starts = occurrences(text, s)
            if not isinstance(occ, int) or not 0 <= occ < len(starts):
                errors.append(f"{where}: occurrence {occ} not found ({len(starts)} matches): {s[:60]!r}")
                continue
            if len(starts) > 1:
                notes.append(f"{where}: {s[:40]!r} occurs {len(starts)} times, gold takes #{occ}")
            spans.append((starts[occ], starts[occ] + len(s), cat, k))
    spans.sort()
    for a, b in pairwise(spans):
        for c in spans[spans.index(b) :]:
            if c[0] >= a[1]:
                break
            errors.append(f"{a[2]}[{a[3]}] and {c[2]}[{c[3]}] overlap")
    stats = {
        "words": words,
        "paragraphs": text.count("\n") + 1,
        "own_items": len(art.get("own", [])),
        "own_chars": sum(nonspace(text[s:e]) for s, e, cat, _ in spans if cat == "own"),
        "text_chars": nonspace(text),
        "others": len(art.get("others", [])),
        "questions": len(art.get("questions", [])),
    }
    return art, errors, notes, stats


def main(argv):
    markdown = "--markdown" in argv
    folders = [pathlib.Path(a) for a in argv if not a.startswith("--")]
    files = sorted((folders[0] if folders else HERE).glob("*.json"))
    if not files:
        print("no JSON files found", file=sys.stderr)
        return 1
    rows, failed = [], 0
    for path in files:
        art, errors, notes, stats = check(path)
        for e in errors:
            print(f"ERROR {path.name}: {e}", file=sys.stderr)
        if not markdown:
            for n in notes:
                print(f"note  {path.name}: {n}", file=sys.stderr)
        failed += bool(errors)
        if stats:
            rows.append((art["id"], art["style"], stats))
    header = ("id", "style", "words", "own items", "own chars", "share", "others", "questions")
    table = [
        (
            i,
            st,
            str(s["words"]),
            str(s["own_items"]),
            str(s["own_chars"]),
            f"{s['own_chars'] / s['text_chars']:.2f}",
            str(s["others"]),
            str(s["questions"]),
        )
        for i, st, s in rows
    ]
    tot = [
        sum(s[k] for _, _, s in rows) for k in ("words", "own_items", "own_chars", "text_chars", "others", "questions")
    ]
    table.append(
        (
            "total",
            f"{len(rows)} articles",
            str(tot[0]),
            str(tot[1]),
            str(tot[2]),
            f"{tot[2] / tot[3]:.2f}",
            str(tot[4]),
            str(tot[5]),
        )
    )
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for r in table:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(r[j]) for r in table + [header]) for j in range(len(header))]
        for r in [header] + table:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    print(f"{len(files)} files, {failed} with errors", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
