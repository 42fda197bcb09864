"""Every notebook runs in JupyterLab, in a real browser (issue 17).

A JupyterLab started from this environment serves a temporary copy of notebooks/; headless Chromium, driven by
Playwright, opens each notebook, clears its outputs and runs all cells from the app's own menus (Edit > Clear
Outputs of All Cells, Run > Run All Cells), waits until the kernel is idle and every code cell has run, and
fails on an error output or on any error in the browser's console. A full-page screenshot of each run notebook
goes to browser-screenshots/ at the repository's root (git-ignored; look at it after CI).

The committed notebooks are never written: the server's root is the copy, autosave is off, and nothing saves.
The notebooks take every path from toolkit.paths, so they run from the copy as tests/test_notebooks.py runs
them from notebooks/ (the same Python, the same environment, TOOLKIT_DATA included).

Output written to stderr that is not an error (a library's warning) is allowed: it is printed with the test's
output, not failed on. Needs Debian's chromium (/usr/bin/chromium, or chromium on PATH) and the playwright
package (the dev extra); Playwright's own browser download is not used. Skipped with the reason when either is
missing.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from test_notebooks import EMBEDDED_ONLY

from toolkit.paths import NOTEBOOKS_DIR, PROJECT_ROOT

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (it is in the dev extra: pip install -r requirements.lock)",
)

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
)
#: Chromium run headless as root, talking to nothing but the local server.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
SCREENSHOTS = PROJECT_ROOT / "browser-screenshots"
#: Generous: the five notebooks take a few minutes together, one cell of 05 alone about 80 s.
RUN_TIMEOUT_S = 1800
STEP_TIMEOUT_MS = 180_000  # one UI step: the page loading, a kernel starting, a menu opening
#: The screenshot's viewport grows to the notebook's height, up to this many pixels (a taller one is cut at the
#: bottom; the five notebooks are 5,000 to 7,600 pixels tall).
MAX_SHOT_HEIGHT = 16_000
#: User settings of the temporary JupyterLab (the user's own never leak in: its config dirs are temporary too).
LAB_SETTINGS = {
    # every cell in the page, so the checks and the screenshot see the whole notebook (the default,
    # "contentVisibility", leaves cells far from the viewport unpainted)
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    # the run is looked at, never kept: no autosave of the (copied) notebook
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    # no "official Jupyter news?" toast over the notebook, and no request to a website
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}
#: Console errors not about the notebook, ignored: (pattern, why). None so far: JupyterLab 4.6 with the settings
#: above logs no error while it loads, runs and renders the five notebooks.
IGNORED_CONSOLE: list[tuple[str, str]] = []

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class Lab:
    """A running JupyterLab: where it answers, its token, the folder it serves and its log."""

    url: str
    token: str
    root: Path
    log: Path

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def log_tail(self, n: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free loopback port, serving a copy of notebooks/, with temporary Jupyter dirs."""
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = base / "config" / "lab" / "user-settings"
    for plugin, values in LAB_SETTINGS.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    env.update(
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        IPYTHONDIR=str(base / "ipython"),
    )
    port, token = free_port(), secrets.token_hex(24)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_root=True",  # CI runs as root
        # window.jupyterapp: the notebook's model, read as JupyterLab's own UI tests (Galata) read it
        "--LabApp.expose_app_in_browser=True",
    ]
    log = base / "jupyterlab.log"
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    running = Lab(f"http://127.0.0.1:{port}", token, root, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}:\n{running.log_tail()}")
            try:
                running.api("GET", "/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer in 120 s:\n{running.log_tail()}")
                time.sleep(0.5)
        yield running
    finally:
        server.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


#: The notebook as the app holds it: its kernel's status (from the toolbar), the code cells running (a "*" in
#: the prompt), and each code cell's execution count and outputs (from the model, without their data).
STATE_JS = """(name) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return null;  // the page is still loading the app (slow on a fresh environment)
  const panel = [...app.shell.widgets('main')].find(w => w.context && w.context.path === name);
  if (!panel || !panel.context.isReady) return null;
  const node = panel.node;
  const indicator = node.querySelector('.jp-Notebook-ExecutionIndicator');
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.context.model.toJSON().cells.filter(c => c.cell_type === 'code').map(c => ({
    execution_count: c.execution_count,
    outputs: c.outputs.map(o => ({
      output_type: o.output_type, name: o.name || null, ename: o.ename || null, evalue: o.evalue || null,
      text: o.output_type === 'stream' ? [].concat(o.text).join('') : null,
      traceback: o.output_type === 'error' ? o.traceback.join('\\n') : null,
    })),
  }));
  return {
    indicator: indicator ? indicator.getAttribute('data-status') : null,
    kernel: kernel ? kernel.status + '/' + kernel.connectionStatus : null,
    running: [...node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].filter(e => e.textContent.includes('*')).length,
    rendered_cells: node.querySelectorAll('.jp-CodeCell').length,
    rendered_stderr: [...node.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')].map(e => e.textContent),
    cells,
  };
}"""


@dataclass
class Run:
    """What running one notebook in the browser gave."""

    name: str
    state: dict | None  # STATE_JS's answer after the run
    browser_errors: list[str]
    finished: bool
    seconds: float

    @property
    def cells(self) -> list[dict]:
        return self.state["cells"] if self.state else []

    def _outputs(self, kind: str) -> list[tuple[int, dict]]:
        return [
            (i, o) for i, c in enumerate(self.cells, 1) for o in c["outputs"] if kind in (o["output_type"], o["name"])
        ]

    @property
    def errors(self) -> list[str]:
        """The error outputs, as 'code cell N: Name: value'."""
        return [f"code cell {i}: {o['ename']}: {o['evalue']}" for i, o in self._outputs("error")]

    @property
    def stderr(self) -> list[str]:
        """What was written to stderr (warnings, progress bars), allowed, as 'code cell N: text' (blank text quoted)."""
        return [f"code cell {i}: {o['text'].strip() or repr(o['text'])}" for i, o in self._outputs("stderr")]

    @property
    def not_run(self) -> list[int]:
        """The code cells (numbered from 1) without an execution count."""
        return [i for i, c in enumerate(self.cells, 1) if c["execution_count"] is None]

    def report(self) -> str:
        kernel = self.state and self.state["kernel"]
        lines = [
            f"{self.name}: {'finished' if self.finished else 'did not finish'} in {self.seconds:.0f} s (kernel: {kernel})"
        ]
        lines += [f"code cells not run: {self.not_run}"] if self.not_run else []
        for i, o in self._outputs("error"):
            lines += [f"error in code cell {i}:", *ANSI.sub("", o["traceback"]).splitlines()[-15:]]
        lines += self.browser_errors
        return "\n".join(lines)


def _menu(page, menu: str, item: str) -> None:
    """Open a menu of the menu bar and click one of its items, by their labels, as a user would."""
    page.locator("#jp-MainMenu .lm-MenuBar-item", has_text=re.compile(f"^{menu}$")).click()
    label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item}$"))
    page.locator(".lm-Menu .lm-Menu-item", has=label).click()


def _wait(page, name: str, done, timeout_s: float) -> tuple[dict | None, bool]:
    """Poll the notebook's state every second until done(state) holds twice in a row (True), or time runs out or
    the kernel dies or restarts (False)."""
    deadline, state, times = time.monotonic() + timeout_s, None, 0
    while time.monotonic() < deadline:
        state = page.evaluate(STATE_JS, name)
        if state is not None and (state["kernel"] or "").split("/")[0] in ("dead", "restarting", "autorestarting"):
            return state, False
        times = times + 1 if state is not None and done(state) else 0
        if times == 2:
            return state, True
        page.wait_for_timeout(1000)
    return state, False


def run_in_lab(browser, lab: Lab, name: str, screenshot: Path, timeout_s: float = RUN_TIMEOUT_S) -> Run:
    """Open `name` (a notebook in lab.root) in a fresh browser context, run all its cells from the menu, screenshot it.

    The notebook is never saved; its kernel is shut down at the end.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    browser_errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not any(re.search(p, message.text) for p, _ in IGNORED_CONSOLE):
            browser_errors.append(f"console error: {message.text} (at {message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: browser_errors.append(f"page error: {error}"))
    try:
        page.goto(f"{lab.url}/doc/tree/{name}?token={lab.token}&reset")

        def ready(s: dict) -> bool:
            return s["indicator"] == "idle" and s["kernel"] == "idle/connected"

        state, ok = _wait(page, name, ready, STEP_TIMEOUT_MS / 1000)
        if not ok:
            return Run(
                name, state, [*browser_errors, f"the kernel did not start: {state and state['kernel']}"], False, 0
            )
        _menu(page, "Edit", "Clear Outputs of All Cells")

        def cleared(s: dict) -> bool:
            return all(c["execution_count"] is None and not c["outputs"] for c in s["cells"])

        state, ok = _wait(page, name, cleared, STEP_TIMEOUT_MS / 1000)
        assert ok, f"Edit > Clear Outputs of All Cells left outputs in {name}"
        start = time.monotonic()
        _menu(page, "Run", "Run All Cells")

        def finished(s: dict) -> bool:
            settled = s["indicator"] == "idle" and s["kernel"] == "idle/connected" and s["running"] == 0
            counted = all(c["execution_count"] is not None for c in s["cells"])
            failed = any(o["output_type"] == "error" for c in s["cells"] for o in c["outputs"])
            return settled and (counted or failed)

        state, ok = _wait(page, name, finished, timeout_s)
        seconds = time.monotonic() - start
        _screenshot(page, screenshot)
        return Run(name, state, browser_errors, ok, seconds)
    finally:
        context.close()  # closing the page, never saving the notebook
        lab.shut_down_kernels()


def _screenshot(page, path: Path) -> None:
    """The whole notebook: the viewport grown to the notebook's height (JupyterLab scrolls inside the page)."""
    scroller = ".jp-NotebookPanel .jp-WindowedPanel-outer"
    extra = page.evaluate(f"() => window.innerHeight - document.querySelector('{scroller}').clientHeight")
    height = page.evaluate(f"() => document.querySelector('{scroller}').scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(MAX_SHOT_HEIGHT, height + extra)})
    page.evaluate(f"() => document.querySelector('{scroller}').scrollTo(0, 0)")
    page.wait_for_timeout(1500)  # let the layout settle at the new size
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_in_jupyterlab(path, lab, browser, request):
    if path.name not in EMBEDDED_ONLY:
        request.getfixturevalue("data_dir")  # skips with the reason when TOOLKIT_DATA is unset
    committed = path.read_bytes()
    run = run_in_lab(browser, lab, path.name, SCREENSHOTS / f"{path.stem}.png")
    print(run.report(), *run.stderr, sep="\n")  # stderr (warnings) is allowed, and shown here
    assert run.finished, run.report()
    assert not run.errors, run.report()
    assert not run.not_run, run.report()
    assert len(run.cells) == sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)
    assert run.state["rendered_cells"] == len(run.cells)
    assert not run.browser_errors, run.report()
    assert path.read_bytes() == committed  # the committed notebook is untouched


def test_the_checker_reports_an_error_output_and_browser_errors(lab, browser, tmp_path):
    """The helper itself, on a tiny notebook: a warning passes, a raising cell and a page error are reported."""
    js = "console.error('deliberate console error'); setTimeout(() => { throw new Error('deliberate page error'); });"
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("print('first')"),
            nbformat.v4.new_code_cell("import sys\n\nprint('a warning, not an error', file=sys.stderr)"),
            nbformat.v4.new_code_cell(f"from IPython.display import Javascript\n\nJavascript({js!r})"),
            nbformat.v4.new_code_cell("raise ValueError('deliberate')"),
            nbformat.v4.new_code_cell("print('never run')"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(nb, lab.root / "checker.ipynb")
    run = run_in_lab(browser, lab, "checker.ipynb", tmp_path / "checker.png", timeout_s=300)
    assert run.finished, run.report()
    assert run.errors == ["code cell 4: ValueError: deliberate"]
    assert run.not_run == [5]
    assert run.stderr == ["code cell 2: a warning, not an error"]
    assert any("deliberate console error" in e for e in run.browser_errors), run.browser_errors
    assert any("page error" in e and "deliberate page error" in e for e in run.browser_errors), run.browser_errors
    # what the page shows: the warning and the traceback, both rendered as stderr
    rendered = run.state["rendered_stderr"]
    assert len(rendered) == 2 and "a warning" in rendered[0] and "ValueError: deliberate" in rendered[1]
    assert "ValueError: deliberate" in run.report() and (tmp_path / "checker.png").stat().st_size > 0
