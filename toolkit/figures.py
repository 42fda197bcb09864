"""The figures: one rule per figure, and the job that (re)makes them all into ``figures/``.

Each figure is a function that takes the corpora it needs and returns the table
behind it and the matplotlib Figure. :func:`make_figures` writes, for each, a
PNG, a PDF and the table as CSV, and records in ``figures/manifest.json`` the
function that made it, the fingerprint of the corpus it used, the seed and the
package versions. A figure whose corpora cannot be had is listed as not made,
with the reason and how to get the data.

Every file is written whole (:mod:`toolkit._io`): to a hidden temporary file
beside it, then renamed onto it, so a run that fails or is killed leaves each
file as it was or as it should be, never cut short. The manifest is updated
under a lock (``.manifest.json.lock`` beside it): re-read, this run's entries
changed, written whole, so that runs into the same folder at the same time
keep each other's entries.
"""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from toolkit._io import atomic_path, atomic_write, remove_stale_temps
from toolkit._validation import DataNotFoundError
from toolkit.corpus import INTERVIEW_ID, corpus_fingerprint, load_interview
from toolkit.datasets import PRC_FIRST_YEAR
from toolkit.paths import FIGURES_DIR

__all__ = ["FIGURES", "PRC_FIRST_YEAR", "TOPIC_K", "TOPIC_KS", "check_figures", "make_figures"]

_PACKAGES = ("toolkit", "pandas", "numpy", "scipy", "matplotlib", "nltk", "scikit-learn")
#: How long (seconds) a run waits for another to finish updating the manifest before giving up.
_MANIFEST_LOCK_TIMEOUT = 300.0


@dataclass(frozen=True)
class _FigureRule:
    name: str
    caption: str
    needs: tuple[str, ...]  # data sets beyond the embedded interview: "comparison" or "ungdc"
    build: Callable[..., tuple[pd.DataFrame, object]]  # build(docs, seed=...) -> (table, Figure)


def _interview_voices(docs: pd.DataFrame, *, seed: int = 0):
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


def _corpus_composition(docs: pd.DataFrame, *, seed: int = 0):
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


def _own_groups(docs: pd.DataFrame) -> pd.DataFrame:
    from toolkit.datasets import comparison_groups
    from toolkit.voices import own_words

    own = own_words(docs)
    own["group"] = comparison_groups(own)
    return own


def _keyness_xing_vs_ambassadors(docs: pd.DataFrame, *, seed: int = 0):
    from toolkit.keyness import compare_groups, top_keywords
    from toolkit.plots import plot_keyness

    table = compare_groups(_own_groups(docs), by="group", target="Xing", reference="other ambassadors",
                           measure="g2", stop_words="english", adjust="bh")
    table = top_keywords(table[table["score"] > 0], n=15)
    ax = plot_keyness(table, n=15, target_label="Xing (own words)", reference_label="other ambassadors",
                      title="Xing's keywords against other ambassadors at the UN (G2)")
    return table, ax.figure


def _keyness_chn_vs_usa_unsc(docs: pd.DataFrame, *, seed: int = 0):
    from toolkit.keyness import compare_groups, top_keywords
    from toolkit.plots import plot_keyness

    council = docs[docs["venue"] == "UNSC"]
    table = compare_groups(council, by="country", target="CHN", reference="USA", measure="fightin_words",
                           prior="corpus", stop_words="english")
    table = top_keywords(table, n=12)
    ax = plot_keyness(table, n=12, target_label="China", reference_label="United States",
                      title="China against the United States in the Security Council (Fightin' Words)")
    return table, ax.figure


def _term_scatter_chn_vs_usa_unsc(docs: pd.DataFrame, *, seed: int = 0):
    from toolkit.counts import count_terms
    from toolkit.plots import plot_term_scatter

    council = docs[(docs["venue"] == "UNSC") & docs["country"].isin(["CHN", "USA"])]
    counts = count_terms(council, by="country")
    table = (counts.pivot_table(index="term", columns="group", values="n", fill_value=0)
             .reset_index().rename_axis(columns=None).sort_values("term", ignore_index=True))
    ax = plot_term_scatter(table.set_index("term")["CHN"], table.set_index("term")["USA"],
                           target_label="China (UNSC)", reference_label="United States (UNSC)", min_count=3)
    return table, ax.figure


#: The stance categories the hedging figures compare (engagement markers are mostly "you" and questions).
_STANCE = ["hedge", "booster", "attitude_marker", "self_mention"]
#: The permanent members of the Security Council, in the order of their lines.
_P5 = ["CHN", "FRA", "GBR", "RUS", "USA"]



def _hedging_xing_vs_ambassadors(docs: pd.DataFrame, *, seed: int = 0):
    from toolkit.hedging import find_hedges
    from toolkit.plots import plot_rates
    from toolkit.rates import match_rates

    own = _own_groups(docs).assign(genre="speech")  # own words only; no voices left to split
    rates = match_rates(find_hedges(own), own, by="group", categories=_STANCE, seed=seed)
    order = {g: i for i, g in enumerate(["Xing", "China at the UN", "other ambassadors", "other"])}
    rates = rates.sort_values(["group", "category"], key=lambda c: c.map(order) if c.name == "group"
                              else c.map({x: i for i, x in enumerate(_STANCE)}), ignore_index=True)
    ax = plot_rates(rates.assign(group=rates["group"].replace({"other": "other UN speakers"})),
                    title="Stance markers per 1,000 tokens of each group's own words")
    ax.set_ylabel("group (Xing: his quoted words; other UN speakers:\nleaders and ministers)")
    return rates, ax.figure


def _hedging_p5_timeline(ungdc: pd.DataFrame, *, seed: int = 0):
    import matplotlib.pyplot as plt

    from toolkit.hedging import find_hedges
    from toolkit.plots import plot_timeline
    from toolkit.rates import match_rates

    p5 = ungdc[ungdc["country"].isin(_P5) & (ungdc["year"] >= PRC_FIRST_YEAR)]
    p5 = p5.assign(country=p5["country"].replace({"RUS": "RUS (USSR to 1991)"}))
    rates = match_rates(find_hedges(p5), p5, by=["country", "year"], categories=["hedge", "booster"],
                        n_resamples=1000, seed=seed)
    parts = rates["group"].str.split(" | ", expand=True, regex=False)
    rates.insert(1, "country", parts[0])
    rates.insert(2, "year", parts[1].astype("int64"))
    rates = rates.sort_values(["category", "country", "year"], ignore_index=True)
    fig, axes = plt.subplots(2, 1, figsize=(6.5, 5.5), sharex=True, layout="constrained")
    for ax, category, name in zip(axes, ["hedge", "booster"], ["Hedges", "Boosters"]):
        plot_timeline(rates[rates["category"] == category], group="country", ax=ax, highlight=["CHN"],
                      ylabel=f"{name.lower()} per 1,000 tokens")
        ax.set_title(name, loc="left", fontsize="medium")
        ax.get_legend().remove()
    axes[0].set_xlabel("")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False, fontsize="small")
    fig.suptitle(f"China against the other permanent members, UN General Debate {PRC_FIRST_YEAR}-"
                 f"{int(rates['year'].max())}\n(China with its 95% interval over the sentences of each speech)",
                 fontsize="medium")
    return rates, fig


#: The numbers of topics compared, and the one chosen in notebooks/04-topics.ipynb from that comparison.
TOPIC_KS: tuple[int, ...] = (3, 4, 5, 6, 8, 10, 12)
TOPIC_K: int = 6
#: The countries whose topic prevalence is drawn (the most documents in the comparison corpus, and Russia).
_TOPIC_COUNTRIES = ["CHN", "USA", "KOR", "JPN", "RUS"]


def _topic_documents(docs: pd.DataFrame) -> pd.DataFrame:
    """The UN statements of the comparison corpus (every document but the interview), for the topic models."""
    return docs[docs["doc_id"] != INTERVIEW_ID].reset_index(drop=True)


def _topic_stop_words() -> frozenset[str]:
    """English stop words and place names: without the latter, the topics of UN speeches are their speakers' countries."""
    from toolkit.text import place_names
    from toolkit.topics import TOPIC_STOP_WORDS

    return TOPIC_STOP_WORDS | place_names()


def _topics_select_k(docs: pd.DataFrame, *, seed: int = 0):
    from toolkit.plots import plot_select_k
    from toolkit.topics import select_k

    un = _topic_documents(docs)
    table = select_k(un, ks=TOPIC_KS, seeds=(seed, seed + 1, seed + 2), stop_words=_topic_stop_words())
    axes = plot_select_k(table, title=f"Choosing the number of topics of {len(un)} UN statements (LDA, 3 seeds)")
    return table, axes[0].figure


def _topic_prevalence(docs: pd.DataFrame, *, seed: int = 0):
    from toolkit.plots import plot_topic_prevalence
    from toolkit.topics import fit_topics, topic_prevalence
    from toolkit.voices import own_words

    un = _topic_documents(docs)
    model = fit_topics(un, k=TOPIC_K, seed=seed, stop_words=_topic_stop_words())
    countries = un[un["country"].isin(_TOPIC_COUNTRIES)]
    prevalence = pd.concat([
        topic_prevalence(model, countries, by="country", seed=seed),
        topic_prevalence(model, own_words(docs[docs["doc_id"] == INTERVIEW_ID]).assign(who="Xing (interview)"),
                         by="who", seed=seed),
    ], ignore_index=True)
    ax = plot_topic_prevalence(prevalence, groups=["Xing (interview)", *_TOPIC_COUNTRIES],
                               title=f"Topics of UN statements (LDA, k = {TOPIC_K}): mean share by country\n"
                                     "and in the interview (one document: no interval)")
    return prevalence, ax.figure


FIGURES: tuple[_FigureRule, ...] = (
    _FigureRule("interview_voices", "Words per voice in the interview (ambassador's quotes, narration, ...)",
                (), _interview_voices),
    _FigureRule("corpus_composition", "Documents of the default comparison corpus by selection and role",
                ("comparison",), _corpus_composition),
    _FigureRule("keyness_xing_vs_ambassadors", "Keywords of Xing's own words against other ambassadors' UN "
                "speeches (G2, stop words left out, BH-adjusted p in the table)", ("comparison",),
                _keyness_xing_vs_ambassadors),
    _FigureRule("keyness_chn_vs_usa_unsc", "China against the United States in the Security Council "
                "(Fightin' Words, whole-Council prior)", ("comparison",), _keyness_chn_vs_usa_unsc),
    _FigureRule("term_scatter_chn_vs_usa_unsc", "Relative frequency of each word in China's and the United "
                "States' Security Council speeches", ("comparison",), _term_scatter_chn_vs_usa_unsc),
    _FigureRule("hedging_xing_vs_ambassadors", "Hedges, boosters, attitude markers and self-mentions per 1,000 "
                "tokens of own words: Xing, China at the UN, other ambassadors, other speakers (95% bootstrap "
                "intervals over documents; over sentences for the one interview)", ("comparison",),
                _hedging_xing_vs_ambassadors),
    _FigureRule("hedging_p5_timeline", "Hedges and boosters per 1,000 tokens in the General Debate speeches of "
                "the five permanent members, 1972-2024, from the People's Republic of China's first (the 1971 CHN "
                "speech is the Republic of China's); Russia is the USSR to 1991 (95% bootstrap intervals over "
                "each speech's sentences)",
                ("ungdc",), _hedging_p5_timeline),
    _FigureRule("topics_select_k", "Coherence (NPMI), held-out perplexity and stability of LDA topic models of the "
                "UN statements for each number of topics (3 seeds; place names and stop words left out)",
                ("comparison",), _topics_select_k),
    _FigureRule("topic_prevalence", "Mean topic proportion per country in the UN statements (95% bootstrap intervals "
                "over documents), and in Xing's own words projected onto the same topics (one document: no "
                "interval); topics fitted with seed 0 and described in notebooks/04-topics.ipynb", ("comparison",),
                _topic_prevalence),
)


def make_figures(out_dir: str | Path = FIGURES_DIR, *, seed: int = 0,
                 progress: Callable[[str], None] | None = print, bar: bool = False,
                 only: Sequence[str] | None = None) -> pd.DataFrame:
    """Make every figure that the available data allows, into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path, default ``figures/``
        Folder for ``<name>.png``, ``<name>.pdf``, ``<name>.csv`` and ``manifest.json``.
    seed : int, default 0
        Seed passed to every figure that draws random numbers, recorded in the manifest.
    progress : callable or None, default print
        Called with one line per figure as it is made; None for silence.
    bar : bool, default False
        Also draw a progress bar (tqdm, on standard error, when it is a terminal):
        figures done, the one being made, time elapsed and an estimate of the time left.
    only : sequence of str, optional
        Make only these figures (names of :data:`FIGURES`); the manifest keeps the
        entries of the others.

    Returns
    -------
    DataFrame
        One row per figure rule: ``figure`` (str), ``status`` ("made" or "not made"),
        ``files`` (str, comma-separated file names, empty when not made),
        ``reason`` (str, why it was not made and how to get the data; empty when made).

    Raises
    ------
    ValueError
        ``out_dir/manifest.json`` exists but is not a JSON object (checked before
        any figure is made).
    TimeoutError
        Another run held the manifest's lock for longer than five minutes.

    Notes
    -----
    Each figure's files are written whole and its manifest entry recorded as soon
    as it is made, so a run that stops half-way keeps the figures made before.
    Temporary files left in ``out_dir`` by a killed run are removed first.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out)
    manifest_path = out / "manifest.json"
    _read_manifest(manifest_path)  # a broken manifest stops the run before any work
    corpora: dict[tuple[str, ...], pd.DataFrame | DataNotFoundError] = {}
    rules = _select(only)
    rows = []
    meter = _bar(len(rules)) if bar else None
    try:  # a figure that fails still leaves the bar closed and the manifest of those made before it
        for i, rule in enumerate(rules, start=1):
            say = progress or (lambda _line: None)
            if meter is not None:
                meter.set_description_str(f"making {rule.name}")
                say = _above(meter, say)
            if rule.needs not in corpora:
                corpora[rule.needs] = _load(rule.needs)
            docs = corpora[rule.needs]
            if isinstance(docs, DataNotFoundError):
                reason = str(docs)
                say(f"[{i}/{len(rules)}] {rule.name}: not made: {reason}")
                rows.append({"figure": rule.name, "status": "not made", "files": "", "reason": reason})
                if meter is not None:
                    meter.update()
                continue
            table, fig = rule.build(docs, seed=seed)
            files = [f"{rule.name}.csv", f"{rule.name}.png", f"{rule.name}.pdf"]
            try:
                _write_figure(out, files, table, fig)
            finally:
                plt.close(fig)
            _update_manifest(manifest_path, {rule.name: {
                "caption": rule.caption,
                "files": files,
                "made_by": f"toolkit.figures:{rule.build.__name__}",
                "corpus_fingerprint": corpus_fingerprint(docs),
                "documents": int(len(docs)),
                "seed": seed,
                "versions": _versions(),
            }})
            say(f"[{i}/{len(rules)}] {rule.name}: made {', '.join(files)}")
            rows.append({"figure": rule.name, "status": "made", "files": ",".join(files), "reason": ""})
            if meter is not None:
                meter.update()
    finally:
        if meter is not None:
            meter.close()
        _update_manifest(manifest_path, {})  # a run that made nothing still leaves a manifest
    return pd.DataFrame(rows, columns=["figure", "status", "files", "reason"])


def _write_figure(out: Path, files: Sequence[str], table: pd.DataFrame, fig) -> None:
    """Write the table (CSV), the PNG and the PDF of one figure, each whole or not at all."""
    csv, png, pdf = (out / name for name in files)
    with atomic_write(csv, "w", encoding="utf-8", newline="") as handle:
        table.to_csv(handle, index=False, lineterminator="\n")
    # The temporary files have no suffix: the format is given. The metadata keeps the bytes deterministic.
    with atomic_path(png) as tmp:
        fig.savefig(tmp, format="png", dpi=200, metadata={"Software": None})
    with atomic_path(pdf) as tmp:
        fig.savefig(tmp, format="pdf", metadata={"CreationDate": None, "Creator": None, "Producer": None})


def _read_manifest(path: Path) -> dict[str, object]:
    """The manifest at ``path`` ({} when there is none yet); a ValueError naming it when it is broken."""
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise ValueError(
            f"{path} is not valid JSON ({exc}). Restore it (e.g. `git checkout -- {path.name}` in its folder) "
            "or delete it to start a new one, then run again."
        ) from exc
    if not isinstance(manifest, dict):
        raise ValueError(f"{path} holds a JSON {type(manifest).__name__}, not an object of figure entries. "
                         "Restore it or delete it, then run again.")
    return manifest


def _update_manifest(path: Path, entries: dict[str, dict[str, object]]) -> None:
    """Record ``entries`` in the manifest at ``path``, keeping every other entry on disk.

    Under a lock on ``.<name>.lock`` beside it, the manifest is re-read from disk,
    ``entries`` replace those of the same names, and the result is written whole
    (sorted by name) when it differs from what is there or nothing is there yet.
    Runs updating the same manifest at once thus lose none of each other's entries.
    """
    from filelock import FileLock, Timeout

    lock = path.with_name(f".{path.name}.lock")
    try:
        with FileLock(lock, timeout=_MANIFEST_LOCK_TIMEOUT):
            manifest = _read_manifest(path)
            manifest.update(entries)
            text = json.dumps(dict(sorted(manifest.items())), indent=2) + "\n"
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                with atomic_write(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
    except Timeout as exc:
        raise TimeoutError(
            f"Another run has held {lock} for {_MANIFEST_LOCK_TIMEOUT:.0f} s while updating {path.name}. "
            "Wait for it to finish and run again (the lock is released when that process ends)."
        ) from exc


def check_figures(reference_dir: str | Path = FIGURES_DIR, *, seed: int = 0, tolerance: float = 2.0,
                  progress: Callable[[str], None] | None = print, bar: bool = False,
                  only: Sequence[str] | None = None) -> pd.DataFrame:
    """Remake the figures into a temporary folder and compare them with ``reference_dir``.

    Tables (CSV) must be identical byte for byte; images (PNG) may differ by at
    most ``tolerance`` in matplotlib's image comparison (the RMS difference of
    the pixel values, 0 to 255), as fonts and libraries differ slightly between
    machines. PDFs are not compared: they hold the same drawing as the PNG.

    Parameters
    ----------
    reference_dir : str or Path, default ``figures/``
        The folder holding the figures to check against (the committed ones).
    seed : int, default 0
        As in :func:`make_figures`.
    tolerance : float, default 2.0
        Largest RMS pixel difference accepted between two PNGs.
    progress : callable or None, default print
        As in :func:`make_figures`.
    bar : bool, default False
        As in :func:`make_figures`.
    only : sequence of str, optional
        As in :func:`make_figures`.

    Returns
    -------
    DataFrame
        One row per file checked: ``figure`` (str), ``file`` (str), ``status``
        ("same", "differs", "missing" from the reference, or "not made" here for
        want of data), ``detail`` (str: the first differing line of a table, the
        RMS difference of an image, or why it was not made).
    """
    import tempfile

    reference = Path(reference_dir)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        made = make_figures(tmp, seed=seed, progress=progress, bar=bar, only=only)
        for item in made.itertuples():
            if item.status != "made":
                rows.append((item.figure, "", "not made", item.reason))
                continue
            for name in item.files.split(","):
                new, old = Path(tmp) / name, reference / name
                if name.endswith(".pdf"):
                    continue
                if not old.is_file():
                    rows.append((item.figure, name, "missing", f"{old} does not exist"))
                elif name.endswith(".csv"):
                    rows.append((item.figure, name, *_compare_tables(old, new)))
                else:
                    rows.append((item.figure, name, *_compare_images(old, new, tolerance)))
    return pd.DataFrame(rows, columns=["figure", "file", "status", "detail"])


def _select(only: Sequence[str] | None) -> tuple[_FigureRule, ...]:
    if only is None:
        return FIGURES
    names = [r.name for r in FIGURES]
    if isinstance(only, str):
        only = [only]
    unknown = [n for n in only if n not in names]
    if unknown:
        raise ValueError(f"only={list(only)!r}: no figure named {', '.join(map(repr, unknown))}; "
                         f"the figures are {', '.join(names)}.")
    return tuple(r for r in FIGURES if r.name in set(only))


def _bar(total: int):
    from tqdm import tqdm

    # disable=None: a bar on a terminal only; logs (CI) get the one line per figure.
    return tqdm(total=total, unit="figure", file=sys.stderr, disable=None,
                bar_format="{bar:20} {n_fmt}/{total_fmt} figures [{elapsed} elapsed, {remaining} left] {desc}")


def _above(meter, say: Callable[[str], None]) -> Callable[[str], None]:
    """Print a line above the bar (through tqdm, so the bar is redrawn below it)."""
    return lambda line: meter.write(line, file=sys.stdout) if say is print else say(line)


def _compare_images(old: Path, new: Path, tolerance: float) -> tuple[str, str]:
    from matplotlib.testing.compare import compare_images
    from matplotlib.testing.exceptions import ImageComparisonFailure

    try:
        result = compare_images(str(old), str(new), tol=tolerance, in_decorator=True)
    except ImageComparisonFailure as err:  # e.g. the two images differ in size
        return "differs", str(err)
    return ("same", "") if result is None else ("differs", f"RMS {result['rms']:.2f} > {tolerance}")


def _compare_tables(old: Path, new: Path) -> tuple[str, str]:
    a, b = old.read_text().splitlines(), new.read_text().splitlines()
    if a == b:
        return "same", ""
    for number, (x, y) in enumerate(zip(a, b), start=1):
        if x != y:
            return "differs", f"line {number}: committed {x!r}, now {y!r}"
    return "differs", f"committed {len(a)} lines, now {len(b)}"


def _load(needs: tuple[str, ...]) -> pd.DataFrame | DataNotFoundError:
    if not needs:
        return load_interview()
    from toolkit.datasets import load_comparison_corpus, load_ungdc

    loader = {("comparison",): load_comparison_corpus, ("ungdc",): load_ungdc}[needs]
    try:
        return loader()
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
