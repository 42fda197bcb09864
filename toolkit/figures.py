"""The figures: one rule per figure, and the job that (re)makes them all into ``figures/``.

Each figure is a function that takes the corpora it needs and returns the table
behind it and the matplotlib Figure. :func:`make_figures` writes, for each, a
PNG, a PDF and the table as CSV, and records in ``figures/manifest.json`` the
function that made it, the fingerprint of the corpus it used, the seed and the
package versions. A figure whose corpora cannot be had is listed as not made,
with the reason and how to get the data.
"""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from toolkit._validation import DataNotFoundError
from toolkit.corpus import corpus_fingerprint, load_interview
from toolkit.paths import FIGURES_DIR

__all__ = ["FIGURES", "make_figures"]

_PACKAGES = ("toolkit", "pandas", "numpy", "scipy", "matplotlib", "nltk", "scikit-learn")


@dataclass(frozen=True)
class _FigureRule:
    name: str
    caption: str
    needs: tuple[str, ...]  # data sets beyond the embedded interview: "comparison"
    build: Callable[[pd.DataFrame], tuple[pd.DataFrame, object]]


def _interview_voices(docs: pd.DataFrame):
    from toolkit.plots import plot_bar
    from toolkit.text import tokenize
    from toolkit.voices import split_voices

    segments = split_voices(docs)
    segments = segments.assign(words=[len(tokenize(t)) for t in segments["text"]])
    table = (
        segments.groupby("voice", sort=False)
        .agg(segments=("segment_id", "size"), words=("words", "sum"))
        .reset_index()
        .sort_values(["words", "voice"], ascending=[False, True], ignore_index=True)
    )
    table["share_of_words"] = (table["words"] / table["words"].sum()).round(4)
    ax = plot_bar(table, value="words", label="voice", xlabel="words (tokens)",
                  title="Who speaks in the Korea Times interview")
    return table, ax.figure


_SELECTION_NAMES = {
    "interview": "Interview",
    "unscon": "UNSC (UNSCon)",
    "ungdc_permanent_representative": "UNGA, perm. representatives",
    "ungdc_reference_since_2000": "UNGA, CHN/JPN/KOR/USA 2000-",
}


def _corpus_composition(docs: pd.DataFrame):
    from toolkit.plots import plot_bar
    from toolkit.text import tokenize

    words = docs["text"].map(lambda t: len(tokenize(t)))
    table = (
        docs.assign(words=words, selection=docs["selection"].str.split(";").str[0])
        .groupby(["selection", "role"], observed=True)
        .agg(documents=("doc_id", "size"), words=("words", "sum"))
        .reset_index()
        .sort_values(["documents", "selection", "role"], ascending=[False, True, True], ignore_index=True)
    )
    names = table["selection"].map(_SELECTION_NAMES).fillna(table["selection"])
    table["group"] = names + ": " + table["role"].astype(str).str.replace("_", " ")
    ax = plot_bar(table, value="documents", label="group", xlabel="documents",
                  title="The comparison corpus by selection and role")
    return table, ax.figure


FIGURES: tuple[_FigureRule, ...] = (
    _FigureRule("interview_voices", "Words per voice in the interview (ambassador's quotes, narration, ...)",
                (), _interview_voices),
    _FigureRule("corpus_composition", "Documents of the default comparison corpus by selection and role",
                ("comparison",), _corpus_composition),
)


def make_figures(out_dir: str | Path = FIGURES_DIR, *, seed: int = 0,
                 progress: Callable[[str], None] | None = print) -> pd.DataFrame:
    """Make every figure that the available data allows, into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path, default ``figures/``
        Folder for ``<name>.png``, ``<name>.pdf``, ``<name>.csv`` and ``manifest.json``.
    seed : int, default 0
        Seed passed to every figure that draws random numbers, recorded in the manifest.
    progress : callable or None, default print
        Called with one line per figure as it is made; None for silence.

    Returns
    -------
    DataFrame
        One row per figure rule: ``figure`` (str), ``status`` ("made" or "not made"),
        ``files`` (str, comma-separated file names, empty when not made),
        ``reason`` (str, why it was not made and how to get the data; empty when made).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    corpora: dict[tuple[str, ...], pd.DataFrame | DataNotFoundError] = {}
    rows = []
    for i, rule in enumerate(FIGURES, start=1):
        say = progress or (lambda _line: None)
        if rule.needs not in corpora:
            corpora[rule.needs] = _load(rule.needs)
        docs = corpora[rule.needs]
        if isinstance(docs, DataNotFoundError):
            reason = str(docs)
            say(f"[{i}/{len(FIGURES)}] {rule.name}: not made: {reason}")
            rows.append({"figure": rule.name, "status": "not made", "files": "", "reason": reason})
            continue
        table, fig = rule.build(docs)
        files = [f"{rule.name}.csv", f"{rule.name}.png", f"{rule.name}.pdf"]
        table.to_csv(out / files[0], index=False, lineterminator="\n")
        fig.savefig(out / files[1], dpi=200, metadata={"Software": None})
        fig.savefig(out / files[2], metadata={"CreationDate": None, "Creator": None, "Producer": None})
        plt.close(fig)
        manifest[rule.name] = {
            "caption": rule.caption,
            "files": files,
            "made_by": f"toolkit.figures:{rule.build.__name__}",
            "corpus_fingerprint": corpus_fingerprint(docs),
            "documents": int(len(docs)),
            "seed": seed,
            "versions": _versions(),
        }
        say(f"[{i}/{len(FIGURES)}] {rule.name}: made {', '.join(files)}")
        rows.append({"figure": rule.name, "status": "made", "files": ",".join(files), "reason": ""})
    manifest_path.write_text(json.dumps(dict(sorted(manifest.items())), indent=2) + "\n")
    return pd.DataFrame(rows, columns=["figure", "status", "files", "reason"])


def _load(needs: tuple[str, ...]) -> pd.DataFrame | DataNotFoundError:
    if not needs:
        return load_interview()
    from toolkit.datasets import load_comparison_corpus

    try:
        return load_comparison_corpus()
    except DataNotFoundError as err:
        return err


def _versions() -> dict[str, str]:
    versions = {"python": f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}",
                "platform": platform.machine()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover - toolkit run from a bare checkout
            versions[name] = "unknown"
    return versions
