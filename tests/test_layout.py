"""The package's layout tells the pipeline: imports point one way, and no module reads another's private names.

Every ``from toolkit... import ...`` and ``import toolkit...`` in the package, at module level or inside a
function, is read from the source (``ast``), so a lazy import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import toolkit

PACKAGE = Path(toolkit.__file__).resolve().parent

#: The modules in the order of the pipeline: each may import only modules before it. Shared helpers
#: (private modules) first, then the stages as the data flows, then the study on top, then the command line.
ORDER = (
    "toolkit._validation",
    "toolkit._progress",  # the progress bars of long loops (tqdm), for every stage that has them
    "toolkit._dispatch",  # hands a Dask DataFrame to toolkit.scale, by name
    "toolkit._tokens",
    "toolkit._nltk",  # NLTK's tokenizer interface and Punkt, adapted: imported by toolkit.text when first used
    "toolkit._patterns",
    "toolkit._groups",
    "toolkit._frames",
    "toolkit._parallel",
    "toolkit._io",
    "toolkit._paragraphs",
    "toolkit._arrays",
    "toolkit._kernels",  # the compiled loops (numba) of the token table and the stance scan
    "toolkit._contingency",
    "toolkit.paths",
    "toolkit.schema",
    "toolkit.text",
    "toolkit.corpus",
    "toolkit.datasets._sources",
    "toolkit.datasets.ungdc",
    "toolkit.datasets.unscon",
    "toolkit.datasets",
    "toolkit.voices",
    "toolkit._voicing",  # the voices that the measures read, given or split once
    "toolkit.tokentable",
    "toolkit._inputs",  # reads token tables, so after them
    "toolkit.counts",
    "toolkit.keyness",
    "toolkit.concordance",
    "toolkit.phrases",
    "toolkit._rating",  # the engine of the rates, shared with stance_rates
    "toolkit.rates",
    "toolkit.hedging._lexicon",
    "toolkit.hedging._rules",
    "toolkit.hedging._decision",
    "toolkit.hedging._table",
    "toolkit.hedging",
    "toolkit.audit",
    "toolkit.topics",
    "toolkit.topic_effects",  # regressions on the topics of a fitted model
    "toolkit.wordfish",  # a scaling model: the toolkit's Vectorizer (topics) for its counts
    "toolkit.plots",
    "toolkit.tables",
    "toolkit.scale",  # the measures on Dask DataFrames: runs them on each partition
    "toolkit",  # the package's namespace: the library's public names
    "toolkit.study.comparison",
    "toolkit.study.analyses",
    "toolkit.study.figures",
    "toolkit.study.evaluate",
    "toolkit.study",
    "toolkit.cli",
    "toolkit.__main__",
)
#: Deprecated modules kept for one release (they warn on import): they re-export the study's names from
#: their former place, so they import upwards by design. They go in 0.3.
SHIMS = {"toolkit.figures": "moved to toolkit.study.figures", "toolkit.evaluate": "moved to toolkit.study.evaluate"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:]) if "." in name else Path()
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative / "__init__.py").is_file()


def _imports(path: Path) -> list[tuple[str, str | None, int]]:
    """(module imported, name imported from it or None, line) for every import of the toolkit in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "toolkit":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                if _is_module(sub):  # `from toolkit import study`: the module itself
                    found.append((sub, None, node.lineno))
                else:
                    found.append((node.module, alias.name, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, None, node.lineno) for a in node.names if a.name.split(".")[0] == "toolkit"]
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_has_a_place_in_the_order():
    assert set(MODULES) == set(ORDER) | set(SHIMS), "add a new module to ORDER, where the pipeline reads it"


@pytest.mark.parametrize("module", [m for m in ORDER if m in MODULES])
def test_imports_point_down_the_pipeline(module):
    rank = {name: i for i, name in enumerate(ORDER)}
    upward = [
        f"line {line}: {target}"
        for target, _, line in _imports(MODULES[module])
        if target != module and rank.get(target, len(ORDER)) >= rank[module]
    ]
    assert not upward, f"{module} imports modules at or after its own stage: {upward}"


def test_the_library_does_not_import_the_study():
    library = ORDER[: ORDER.index("toolkit") + 1]
    bad = [
        f"{m} line {line}: {target}"
        for m in library
        for target, _, line in _imports(MODULES[m])
        if target.startswith("toolkit.study")
    ]
    assert not bad


def test_no_module_imports_another_modules_private_names():
    # shared helpers live in private modules (toolkit._tokens, toolkit._rating, ...), whose names any module may use
    bad = sorted(
        f"{m} line {line}: {target}.{name}"
        for m, path in MODULES.items()
        for target, name, line in _imports(path)
        if name is not None
        and name.startswith("_")
        and not name.startswith("__")
        and not target.split(".")[-1].startswith("_")
    )
    assert not bad, f"move a helper that two modules need into a private module: {bad}"


def test_the_shims_warn_and_give_the_new_objects():
    import importlib
    import sys

    for name in SHIMS:
        sys.modules.pop(name, None)
        with pytest.warns(FutureWarning, match=name.replace(".", r"\.")):
            shim = importlib.import_module(name)
        assert shim.main if name.endswith("evaluate") else shim.make_figures
    from toolkit import study

    with pytest.warns(FutureWarning, match="toolkit.study.load_comparison_corpus"):
        assert toolkit.load_comparison_corpus is study.load_comparison_corpus
    with pytest.warns(FutureWarning, match="toolkit.study.PRC_FIRST_YEAR"):
        assert toolkit.datasets.PRC_FIRST_YEAR == study.PRC_FIRST_YEAR == 1972
    with pytest.raises(AttributeError, match="no_such_name"):
        toolkit.no_such_name  # noqa: B018


def _fresh(code: str) -> str:
    """What ``code`` prints in a fresh interpreter (the modules a test process imported are not in it)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_toolkit_leaves_the_heavy_libraries_out():
    # NLTK (sentences), scikit-learn (topic models, Wordfish), scipy.stats (intervals) and matplotlib (charts) are
    # imported where they are used: `import toolkit` took 2.1 s and 273 MiB with them, 0.8 s and 182 MiB without
    heavy = ("nltk", "sklearn", "scipy.stats", "matplotlib")
    code = f"import sys, toolkit; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    assert _fresh(code) == "[]"


def test_every_public_name_is_there_lazy_or_not():
    code = (
        "import sys, toolkit; missing = [n for n in toolkit.__all__ if getattr(toolkit, n, None) is None]; "
        "print(missing, sorted(set(toolkit.__all__) - set(dir(toolkit))), 'sklearn' in sys.modules)"
    )
    assert _fresh(code) == "[] [] True"  # fit_topics, Wordfish ... imported scikit-learn when asked for
    from toolkit.topics import fit_topics
    from toolkit.wordfish import Wordfish

    assert toolkit.fit_topics is fit_topics and toolkit.Wordfish is Wordfish
    assert {"fit_topics", "Wordfish", "TOPIC_STOP_WORDS"} <= set(dir(toolkit))


def test_a_lazy_name_is_the_function_even_once_its_module_is_imported():
    # `from toolkit.topic_effects import ...` binds the submodule to the package (Python's import system); the
    # package keeps the function of that name there, as its eager imports did, and its modules stay reachable
    code = (
        "import toolkit as tk\n"
        "from toolkit.topic_effects import marginal_prevalence\n"
        "import toolkit.wordfish\n"
        "print(callable(tk.topic_effects) and not isinstance(tk.topic_effects, type(tk)),"
        " tk.topics.__name__, tk.wordfish.__name__, 'importlib' in dir(tk))"
    )
    assert _fresh(code) == "True toolkit.topics toolkit.wordfish False"
