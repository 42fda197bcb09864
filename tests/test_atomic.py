"""Every file the toolkit writes is whole: a failure, a kill or a concurrent run never leaves a part of one.

- ``atomic_path``/``atomic_write`` (toolkit._io): the target is the old file or the new one;
- a failure while writing a figure's CSV, PNG, PDF or manifest leaves the previous file as it was;
- ``toolkit figures`` killed (SIGKILL) at random moments leaves only whole files, and the next run
  clears the temporary files of the killed ones. ``TOOLKIT_KILL_TEST_RUNS`` sets the number of
  kills (default 4); ``pytest -s`` prints what the kills hit;
- two processes updating one manifest at once lose none of each other's entries.

No test has a time limit: the kill moments are spread over a measured run, and the rest is bounded by counts.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from toolkit._io import TEMP_NAME, atomic_path, atomic_write, remove_stale_temps
from toolkit.study import figures

FIGURE = "interview_voices"
FILES = [f"{FIGURE}.csv", f"{FIGURE}.png", f"{FIGURE}.pdf", "manifest.json"]
COLUMNS = ["voice", "segments", "words", "share_of_words"]


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_NAME.match(p.name))


def _dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


# --------------------------------------------------------------------------- toolkit._io


def test_atomic_path_replaces_the_target_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old\n")
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and TEMP_NAME.match(tmp.name)
        assert TEMP_NAME.match(tmp.name)["pid"] == str(os.getpid())
        assert tmp.name.startswith(".table.csv.") and tmp.is_file()
        tmp.write_text("new\n")
        assert target.read_text() == "old\n"  # nothing visible until the block ends
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def test_atomic_path_failure_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "figure.png"
    target.write_bytes(b"the old picture")
    for error in (OSError("disk full"), KeyboardInterrupt()):
        with pytest.raises(type(error)), atomic_path(target) as tmp:
            tmp.write_bytes(b"half a pic")
            raise error
        assert target.read_bytes() == b"the old picture"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["figure.png"]
    with pytest.raises(ValueError, match="boom"), atomic_write(tmp_path / "new.json") as handle:
        handle.write("{")
        raise ValueError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure.png"]  # no new file at all


def test_atomic_write_modes_permissions_and_missing_folder(tmp_path):
    target = tmp_path / "data.bin"
    with atomic_write(target, "wb") as handle:
        handle.write(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    os.chmod(target, 0o640)
    with atomic_write(target, "w") as handle:
        handle.write("\u00e9")
    assert target.read_bytes() == "\u00e9".encode() and stat.S_IMODE(target.stat().st_mode) == 0o640
    new = tmp_path / "new.txt"
    with atomic_write(new) as handle:
        handle.write("x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask  # as open() would make it, not 0o600
    with (
        pytest.raises(ValueError, match="mode='a' is invalid; must be one of 'w', 'wt', 'wb'"),
        atomic_write(target, "a"),
    ):
        pass
    with (
        pytest.raises(FileNotFoundError, match="does not exist; create the folder"),
        atomic_write(tmp_path / "nowhere" / "x.csv"),
    ):
        pass


def test_remove_stale_temps_removes_only_those_of_ended_writers(tmp_path):
    dead = _dead_pid()
    stale = [f".manifest.json.{dead}.0123abcd.tmp", f".figure.png.{dead}.deadbeef.tmp"]
    kept = [
        f".figure.png.{os.getpid()}.00000000.tmp",  # this process may be writing it
        f".figure.png.{os.getppid()}.11111111.tmp",  # so may a running process
        ".figure.png.tmp",
        "figure.png",
        ".manifest.json.lock",
        f"figure.{dead}.0123abcd.tmp",
    ]
    for name in stale + kept:
        (tmp_path / name).write_bytes(b"x")
    assert remove_stale_temps(tmp_path, name="figure.png") == [tmp_path / stale[1]]
    assert [p.name for p in remove_stale_temps(tmp_path)] == [stale[0]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)
    old = tmp_path / kept[1]
    os.utime(old, (time.time() - 2 * 3600,) * 2)  # an hour old: stale whoever has its writer's id now
    assert remove_stale_temps(tmp_path) == [old]
    assert remove_stale_temps(tmp_path / "nowhere") == []


# --------------------------------------------------------------------------- a failure while writing a figure


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.delenv("TOOLKIT_DATA", raising=False)
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path / "cache"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES}


@pytest.mark.parametrize("failing", ["csv", "png", "pdf", "manifest"])
def test_a_failure_while_writing_leaves_the_previous_files_whole(offline, tmp_path, monkeypatch, failing):
    import matplotlib.figure

    out = tmp_path / "figs"
    figures.make_figures(out, progress=None, only=[FIGURE])
    manifest = json.loads((out / "manifest.json").read_text())
    manifest[FIGURE]["seed"] = -1  # so that a new manifest would differ from the one on disk
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for name in FILES[:3]:  # and so the figure's files: the old ones are not what the run makes
        (out / name).write_bytes((out / name).read_bytes() + b"\n")
    before = _snapshot(out)

    def partial_then_fail(path, data: bytes):
        with open(path, "wb") as fh:
            fh.write(data[: len(data) // 2])
        raise OSError(f"disk full while writing {failing}")

    if failing == "csv":
        real_to_csv = pd.DataFrame.to_csv

        def to_csv(self, path_or_buf=None, **kwargs):
            text = real_to_csv(self, None, **kwargs)
            path_or_buf.write(text[: len(text) // 2])
            raise OSError("disk full while writing csv")

        monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)
    elif failing in ("png", "pdf"):
        real_savefig = matplotlib.figure.Figure.savefig

        def savefig(self, fname, **kwargs):
            if kwargs.get("format") != failing:
                return real_savefig(self, fname, **kwargs)
            import io

            buffer = io.BytesIO()
            real_savefig(self, buffer, **kwargs)
            partial_then_fail(fname, buffer.getvalue())

        monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    else:
        from contextlib import contextmanager

        real_atomic_write = figures.atomic_write

        class HalfWriter:
            def __init__(self, handle):
                self.handle = handle

            def write(self, text):
                self.handle.write(text[: len(text) // 2])
                raise OSError("disk full while writing manifest")

        @contextmanager
        def atomic_write(path, *args, **kwargs):
            with real_atomic_write(path, *args, **kwargs) as handle:
                yield HalfWriter(handle) if Path(path).name == "manifest.json" else handle

        monkeypatch.setattr(figures, "atomic_write", atomic_write)

    with pytest.raises(OSError, match=f"disk full while writing {failing}"):
        figures.make_figures(out, progress=None, only=[FIGURE])
    after = _snapshot(out)
    written = {"csv": 0, "png": 1, "pdf": 2, "manifest": 3}[failing]
    for name in FILES[written:]:
        assert after[name] == before[name], f"{name} changed though writing {failing} failed"
    for name in FILES[:written]:  # the files written whole before the failure are the new ones
        assert after[name] != before[name] and after[name] == before[name][:-1], name
    assert _temps(out) == []


def test_a_broken_manifest_stops_the_run_before_any_work(offline, tmp_path):
    out = tmp_path / "figs"
    out.mkdir()
    (out / "manifest.json").write_text('{"interview_voices": {"caption": "cut sho')
    with pytest.raises(ValueError, match=r"manifest\.json is not valid JSON .* Restore it .* or delete it"):
        figures.make_figures(out, progress=None, only=[FIGURE])
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]
    (out / "manifest.json").write_text("[]")
    with pytest.raises(ValueError, match=r"holds a JSON list, not an object of figure entries"):
        figures.make_figures(out, progress=None, only=[FIGURE])


# --------------------------------------------------------------------------- killed runs


def _run_figures(out: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "TOOLKIT_DATA"}  # the interview is all it needs
    env["MPLBACKEND"] = "Agg"
    return subprocess.Popen(
        [sys.executable, "-m", "toolkit", "figures", "--only", FIGURE, "--out", str(out), "--no-progress"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=out.parent,
    )


def _check_whole(folder: Path, good: dict[str, bytes]) -> None:
    """Every figure file present is readable and whole (and, the figures being deterministic, the good one)."""
    import matplotlib.image

    for name in FILES:
        path = folder / name
        assert path.is_file(), f"{name} is gone"
        data = path.read_bytes()
        if name.endswith(".png"):
            image = matplotlib.image.imread(path)
            assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100, name
        elif name.endswith(".pdf"):
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF"), name
        elif name.endswith(".csv"):
            table = pd.read_csv(path)
            assert list(table.columns) == COLUMNS and len(table) > 0, name
        else:
            assert FIGURE in json.loads(data), name
        assert data == good[name], f"{name} differs from the file of a completed run"


def _state(folder: Path) -> dict[str, tuple[int, int]]:
    return {e.name: (e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(folder)}


def _watch(proc: subprocess.Popen, folder: Path, *, stop_after: float | None = None) -> tuple[float | None, float]:
    """Poll ``folder`` while ``proc`` runs: (seconds until it first changed, seconds until the last change).

    With ``stop_after``, return as soon as the first change has been seen and ``stop_after`` more
    seconds have passed (the process still running, to be killed then).
    """
    start = time.perf_counter()
    before = _state(folder)
    first = last = None
    while proc.poll() is None:
        try:
            now = _state(folder)
        except FileNotFoundError:  # a temporary file renamed between listing and stat
            continue
        if now != before:
            last = time.perf_counter() - start
            first = last if first is None else first
            before = now
        if first is not None and stop_after is not None and time.perf_counter() - start >= first + stop_after:
            break
        time.sleep(0.0005)
    return first, (last if last is not None else time.perf_counter() - start)


def test_killed_runs_leave_only_whole_files(tmp_path):
    """Kill runs of ``toolkit figures`` (SIGKILL) at seeded random moments; every file stays whole.

    Even-numbered kills come at a moment drawn over the whole run (measured first). Writing takes a
    small part of a run (the imports take most of it) and a file is vulnerable for milliseconds only,
    so odd-numbered kills come at a moment drawn over the writing: the folder is watched, and the run is
    killed that long after its first change. A run writing in place would be caught by those.
    """
    runs = int(os.environ.get("TOOLKIT_KILL_TEST_RUNS", "4"))
    good_dir = tmp_path / "good"
    good_dir.mkdir()
    start = time.perf_counter()
    first_run = _run_figures(good_dir)
    _, err = first_run.communicate()
    duration = time.perf_counter() - start
    assert first_run.returncode == 0, err.decode()
    good = _snapshot(good_dir)

    out = tmp_path / "figs"  # the folder the killed runs write into, holding good files first
    shutil.copytree(good_dir, out)
    calibration = _run_figures(out)  # how long a run writing over good files takes to write them
    first, last = _watch(calibration, out)
    calibration.communicate()
    assert calibration.returncode == 0 and first is not None
    writing = last - first
    _check_whole(out, good)

    rng = random.Random(20240610)
    killed_running = left_temps = 0
    for i in range(runs):
        proc = _run_figures(out)
        if i % 2 == 0:
            time.sleep(rng.uniform(0.0, duration))
        else:
            _watch(proc, out, stop_after=rng.uniform(0.0, writing))
        running = proc.poll() is None
        proc.kill()  # SIGKILL on POSIX
        _, err = proc.communicate()
        assert running or proc.returncode == 0, err.decode()
        killed_running += running
        temps = _temps(out)
        left_temps += bool(temps)
        _check_whole(out, good)
        assert {p.name for p in out.iterdir()} <= {*FILES, ".manifest.json.lock", *temps}, i

    finished = _run_figures(out)  # a run that completes clears the leftovers of the killed ones
    _, err = finished.communicate()
    assert finished.returncode == 0, err.decode()
    _check_whole(out, good)
    assert _temps(out) == []
    print(
        f"\nkill test: {runs} kills, runs of {duration:.2f} s writing for {writing * 1000:.0f} ms from "
        f"{first:.2f} s: {killed_running} killed while running, {left_temps} of them mid-write (a temporary "
        "file left, cleared by the next run); every file whole after each"
    )


# --------------------------------------------------------------------------- concurrent runs


def _update_many(manifest: str, prefix: str, n: int, barrier) -> None:
    barrier.wait()
    for i in range(n):
        figures._update_manifest(Path(manifest), {f"{prefix}{i:04d}": {"caption": prefix, "i": i}})


@pytest.mark.parametrize("n_processes", [2, 3])
def test_concurrent_manifest_updates_lose_no_entry(tmp_path, n_processes):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"made_earlier": {"caption": "kept"}}))
    n = 150
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(n_processes)
    procs = [ctx.Process(target=_update_many, args=(str(manifest), f"p{k}_", n, barrier)) for k in range(n_processes)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    assert [proc.exitcode for proc in procs] == [0] * n_processes
    entries = json.loads(manifest.read_text())
    expected = {"made_earlier"} | {f"p{k}_{i:04d}" for k in range(n_processes) for i in range(n)}
    assert set(entries) == expected, f"lost {len(expected - set(entries))} entries"
    assert list(entries) == sorted(entries)
    assert _temps(tmp_path) == []
