"""Hostile use of output folders, processes and the app server (issue 10): nothing lost, nothing misread.

Each case asserts the exit code, a one-line message naming the option or file, no traceback, and that
whatever was in the folder before is still there, byte for byte.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock
from typer.testing import CliRunner

from ihoabm.cli.commands import app
from ihoabm.experiments.sweep import run_sweep
from ihoabm.experiments.sweep.store import SweepFolder
from ihoabm.outputs import folder as outfolder
from ihoabm.outputs.folder import LOCK, MANIFEST, OutputError, OutputFolder, verify

runner = CliRunner()
SMALL = ["-n", "1000", "-y", "1"]
IHOABM = [sys.executable, "-m", "ihoabm"]

SWEEP = """
[sweep]
name = "hostile"
scenario = "baseline"
seed = 3
replications = {replications}
[sweep.overrides]
run = {{ patients = 1000, years = 1, burn_in_years = 0 }}
[design]
method = "grid"
[[parameters]]
name = "community.funding_per_head"
values = [150.0, 250.0]
"""


def sweep_file(tmp_path: Path, replications: int = 2) -> Path:
    path = tmp_path / "hostile.toml"
    path.write_text(SWEEP.format(replications=replications))
    return path


def one_line_error(res, *needles: str) -> str:
    """The single error line of a refused command (exit 2, no traceback)."""
    assert res.exit_code == 2, res.output
    assert isinstance(res.exception, SystemExit), res.exception
    lines = [ln for ln in res.output.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, res.output
    assert lines[0].startswith("error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("finished") / "run"
    res = runner.invoke(app, ["run", *SMALL, "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture()
def no_simulation(monkeypatch):
    """Fail the test if a run starts: refusals must come before any simulation."""
    from ihoabm.core.model import IHOModel

    def refuse(*args, **kwargs):
        raise AssertionError("a simulation started before the output folder was checked")

    monkeypatch.setattr(IHOModel, "__init__", refuse)


# --- 1. a sweep never deletes a user's hidden files ---------------------------------------------------------
@pytest.mark.parametrize("name", [".env.local", ".pre-commit-config.yaml", ".x.y.z", "notes.txt"])
def test_sweep_refuses_a_folder_holding_a_users_files_and_keeps_them(tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_text("SECRET=1\n")
    res = runner.invoke(app, ["sweep", str(sweep_file(tmp_path)), "--out", str(out), "--backend", "serial"])
    one_line_error(res, str(out), name, "--overwrite")
    assert (out / name).read_text() == "SECRET=1\n"
    assert sorted(p.name for p in out.iterdir()) == [name], "a refused folder must be left as it was"


def test_sweep_with_overwrite_writes_beside_a_users_hidden_files_and_never_deletes_them(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in (".env.local", ".pre-commit-config.yaml"):
        (out / name).write_text("mine\n")
    run_sweep(sweep_file(tmp_path), out, backend="serial", overwrite=True)
    run_sweep(sweep_file(tmp_path), out, backend="serial", resume=True, overwrite=True)
    assert (out / ".env.local").read_text() == "mine\n"
    assert (out / ".pre-commit-config.yaml").read_text() == "mine\n"
    assert json.loads((out / MANIFEST).read_text())["complete"] is True


# --- 2. copying a folder never changes which runs are counted ----------------------------------------------
def test_a_copied_sweep_folder_counts_every_finished_run(tmp_path):
    out = tmp_path / "sweep"
    full = run_sweep(sweep_file(tmp_path), out, backend="serial")
    assert full["run_id"].nunique() == 4
    # An interrupted session left a results cache holding only half the runs, newer than every part...
    cache = pd.read_parquet(out / "results.parquet")
    half = cache[cache["run_id"].isin(sorted(cache["run_id"].unique())[:2])]
    half.to_parquet(out / "results.parquet", index=False)
    later = time.time() + 60
    os.utime(out / "results.parquet", (later, later))
    # ...and the folder is copied (cp -r gives every file a new time).
    copy = tmp_path / "copy"
    shutil.copytree(out, copy, copy_function=shutil.copy)
    folder = SweepFolder(copy)
    assert folder.results(folder.records())["run_id"].nunique() == 4
    resumed = run_sweep(sweep_file(tmp_path), copy, backend="serial", resume=True)
    assert resumed["run_id"].nunique() == 4
    assert pd.read_parquet(copy / "results.parquet")["run_id"].nunique() == 4
    res = runner.invoke(app, ["sweep-report", str(copy), "--no-plots"])
    assert res.exit_code == 0, res.output
    assert "missing" not in res.output


def test_a_results_cache_holding_a_run_that_has_no_part_is_rebuilt(tmp_path):
    out = tmp_path / "sweep"
    run_sweep(sweep_file(tmp_path), out, backend="serial")
    first = sorted((out / "parts").glob("*.parquet"))[0]
    (out / "records" / f"{first.stem}.json").unlink()
    first.unlink()
    folder = SweepFolder(out)
    assert folder.results(folder.records())["run_id"].nunique() == 3


# --- 3. a run never mixes two result sets -------------------------------------------------------------------
def test_run_refuses_a_folder_holding_an_earlier_result_set(finished_run, no_simulation):
    before = snapshot(finished_run)
    res = runner.invoke(app, ["run", *SMALL, "--seed", "9", "--out", str(finished_run)])
    one_line_error(res, str(finished_run), "earlier ihoabm run", "--overwrite")
    assert snapshot(finished_run) == before


def test_run_with_overwrite_replaces_the_whole_set_and_its_manifest(tmp_path, finished_run):
    out = tmp_path / "run"
    shutil.copytree(finished_run, out)
    res = runner.invoke(app, ["run", *SMALL, "--seed", "9", "--overwrite", "--out", str(out)])
    assert res.exit_code == 0, res.output
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["seed"] == 9 and manifest["complete"] is True
    assert 'seed = 9' in (out / "scenario.toml").read_text()
    assert (pd.read_csv(out / "annual.csv")["seed"] == 9).all()
    assert verify(out) == []


def test_a_second_writer_is_refused_at_once(tmp_path, no_simulation):
    out = tmp_path / "busy"
    out.mkdir()
    with FileLock(out / LOCK, timeout=0):
        res = runner.invoke(app, ["run", *SMALL, "--out", str(out)])
        one_line_error(res, str(out), "another ihoabm command is writing")
        res = runner.invoke(app, ["compare", "-r", "2", *SMALL, "--out", str(out)])
        one_line_error(res, "another ihoabm command is writing")
        res = runner.invoke(app, ["sweep", str(sweep_file(tmp_path)), "--out", str(out), "--backend", "serial"])
        one_line_error(res, "another ihoabm command is writing")


def test_an_interrupted_write_is_never_marked_complete(tmp_path, finished_run, monkeypatch):
    out = tmp_path / "run"
    shutil.copytree(finished_run, out)
    real_replace = os.replace
    moved = []

    def crash_after_two(src, dst):
        if Path(src).parent.name.startswith(outfolder.STAGING_PREFIX):
            if len(moved) == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            moved.append(dst)
        return real_replace(src, dst)

    monkeypatch.setattr(outfolder.os, "replace", crash_after_two)
    res = runner.invoke(app, ["run", *SMALL, "--seed", "5", "--overwrite", "--out", str(out)])
    line = one_line_error(res, str(out), "No space left", "nothing here is marked complete")
    assert "Traceback" not in line
    assert json.loads((out / MANIFEST).read_text())["complete"] is False
    assert any("incomplete" in p for p in verify(out))
    assert not any(p.name.startswith(outfolder.STAGING_PREFIX) for p in out.iterdir())


def test_a_foreign_file_with_an_output_name_is_never_overwritten(tmp_path, no_simulation):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "annual.csv").write_text("my own table\n")
    res = runner.invoke(app, ["run", *SMALL, "--overwrite", "--out", str(out)])
    one_line_error(res, "annual.csv was not written by ihoabm")
    assert (out / "annual.csv").read_text() == "my own table\n"


def test_stale_temporaries_of_ihoabm_are_cleared_but_nothing_else(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{outfolder.TEMP_PREFIX}abc-annual.csv").write_text("half")
    (out / f"{outfolder.STAGING_PREFIX}dead").mkdir()
    (out / ".annual.csv.tmp").write_text("a user's")
    with pytest.raises(OutputError, match=r"\.annual\.csv\.tmp"):
        with OutputFolder(out).claim():
            pass
    assert (out / ".annual.csv.tmp").exists()
    assert not (out / f"{outfolder.TEMP_PREFIX}abc-annual.csv").exists()
    assert not (out / f"{outfolder.STAGING_PREFIX}dead").exists()


# --- 6, 10. impossible locations fail in one line before any simulation -------------------------------------
@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_an_empty_out_is_refused(tmp_path, command, no_simulation):
    args = {"run": ["run", *SMALL], "compare": ["compare", "-r", "2", *SMALL],
            "sweep": ["sweep", str(sweep_file(tmp_path)), "--backend", "serial"]}[command]
    res = runner.invoke(app, [*args, "--out", ""])
    one_line_error(res, "--out", "give a folder path")


@pytest.mark.parametrize("command", ["run", "compare"])
def test_an_out_below_a_file_fails_before_simulating(tmp_path, command, no_simulation):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    args = ["run", *SMALL] if command == "run" else ["compare", "-r", "2", *SMALL]
    res = runner.invoke(app, [*args, "--out", str(blocker / "sub")])
    one_line_error(res, "--out", "cannot create the folder")
    assert blocker.read_text() == "x"


def test_a_missing_parent_is_created(tmp_path):
    out = tmp_path / "a" / "b" / "c"
    res = runner.invoke(app, ["run", *SMALL, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert verify(out) == []


def test_a_read_only_folder_fails_before_simulating():
    """A folder the user may not write to. Root writes anywhere, so as root the command runs as `nobody`."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="ihoabm-ro-"))
    try:
        base.chmod(0o755)
        out = base / "ro"
        out.mkdir()
        (out / "keep.txt").write_text("mine")
        out.chmod(0o555)
        home = base / "home"
        home.mkdir()
        home.chmod(0o777)
        env = {**os.environ, "HOME": str(home), "MPLCONFIGDIR": str(home)}
        command = [*IHOABM, "run", *SMALL, "--out", str(out)]
        if os.geteuid() == 0:
            as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            can = shutil.which("setpriv") and subprocess.run(
                [*as_nobody, sys.executable, "-c", "import ihoabm.cli.commands"], env=env, capture_output=True,
                timeout=60).returncode == 0
            if not can:  # the install is not readable by other users here; the write probe is tested below
                pytest.skip("running as root and `nobody` cannot run this Python install")
            command = [*as_nobody, *command]
        started = time.monotonic()
        proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2, proc.stderr
        assert len(lines) == 1 and "cannot write here" in lines[0] and str(out) in lines[0], proc.stderr
        assert "Traceback" not in proc.stderr and not proc.stdout.strip()
        assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
        assert time.monotonic() - started < 60
    finally:
        out.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_a_location_that_cannot_be_written_fails_before_simulating(tmp_path, monkeypatch, no_simulation):
    def full(path, write):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(outfolder, "atomic_write", full)
    res = runner.invoke(app, ["run", *SMALL, "--out", str(tmp_path / "x")])
    one_line_error(res, "cannot write here", "Read-only file system")


# --- 9. compare works with the same scenario on both sides --------------------------------------------------
def test_compare_a_scenario_with_itself(tmp_path):
    out = tmp_path / "aa"
    res = runner.invoke(app, ["compare", "baseline", "baseline", "-r", "2", *SMALL, "-w", "1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    comp = pd.read_csv(out / "comparison.csv")
    assert (comp["diff"] == 0).all() and len(comp) > 10
    assert set(pd.read_csv(out / "runs.csv")["arm"]) == {"A", "B"}
    manifest = json.loads((out / MANIFEST).read_text())
    assert set(manifest["arms"]) == {"A", "B"} and manifest["complete"] is True


def test_compare_two_files_with_the_same_meta_name(tmp_path):
    for stem, level in (("one", 150.0), ("two", 260.0)):
        (tmp_path / f"{stem}.toml").write_text(
            f'[meta]\nextends = "baseline"\nname = "same"\nschema_version = 1\n'
            f"[community]\nfunding_per_head = {level}\n")
    res = runner.invoke(app, ["compare", str(tmp_path / "one.toml"), str(tmp_path / "two.toml"), "-r", "2",
                              *SMALL, "-w", "1", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    comp = pd.read_csv(tmp_path / "o" / "comparison.csv").set_index(["metric", "year"])
    assert comp.loc[("community_contacts", 1), "diff"] > 0


def test_compare_refuses_a_seed_range_beyond_the_limit_before_running(no_simulation, tmp_path):
    res = runner.invoke(app, ["compare", "-r", "3", *SMALL, "--seed", str(2**32 - 2), "--out", str(tmp_path)])
    one_line_error(res, f"--seed {2**32 - 2}", "--replications 3", f"--seed {2**32 - 3} or less")


# --- 15. files follow the umask ----------------------------------------------------------------------------
@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_output_files_follow_the_umask(tmp_path, mask, mode):
    old = os.umask(mask)
    try:
        res = runner.invoke(app, ["run", *SMALL, "--out", str(tmp_path / "r")])
    finally:
        os.umask(old)
    assert res.exit_code == 0, res.output
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "r").iterdir() if p.name != LOCK}
    assert modes and set(modes.values()) == {mode}, modes


def test_sweep_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        run_sweep(sweep_file(tmp_path, replications=1), tmp_path / "s", backend="serial")
    finally:
        os.umask(old)
    files = [p for p in (tmp_path / "s").rglob("*") if p.is_file() and p.name != LOCK]
    assert files and {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o644}


# --- 13. no orphans: workers and the app server end with their parent ----------------------------------------
def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for k in map(int, kids):
                if k not in found:
                    found.add(k)
                    todo.append(k)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_killing_compare_leaves_no_worker_processes(tmp_path, sig):
    proc = subprocess.Popen([*IHOABM, "compare", "-r", "4", "-n", "40000", "-y", "3", "-w", "2", "--out",
                             str(tmp_path / "c")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert _wait_for(lambda: len(_descendants(proc.pid)) >= 2, 60), "workers never started"
        time.sleep(1.0)  # let the workers get into a run
        workers = _descendants(proc.pid)
        proc.send_signal(sig)
        proc.wait(timeout=30)
        assert _wait_for(lambda: not any(_alive(w) for w in workers), 15), "workers outlived compare"
        if sig != signal.SIGKILL:
            assert "Traceback" not in proc.stderr.read().decode()
        assert not (tmp_path / "c" / MANIFEST).exists()
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the server follows its parent on Linux")
def test_killing_the_app_stops_its_server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([*IHOABM, "app", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: _listening(port), 90), "the app never started"
        server = _descendants(proc.pid)
        proc.kill()
        proc.wait(timeout=10)
        assert _wait_for(lambda: not _listening(port) and not any(_alive(p) for p in server), 20)
    finally:
        if proc.poll() is None:
            proc.kill()


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# --- 14. the app checks its address before printing it -----------------------------------------------------
def test_app_with_its_port_in_use_says_so_in_one_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        res = runner.invoke(app, ["app", "--port", str(port)])
    line = one_line_error(res, f"--port {port}", "already in use")
    assert "Press Ctrl+C" not in res.output and "http://" not in line


@pytest.mark.parametrize("host, needle", [("no-such-host.invalid", "not a known host"),
                                          ("203.0.113.7", "not an address of this machine"),
                                          ("999.1.1.1", "not a known host")])
def test_app_with_a_bad_host_says_so_in_one_line(host, needle):
    res = runner.invoke(app, ["app", "--host", host])
    one_line_error(res, f"--host {host}", needle)
    assert "warning" not in res.output
