"""Run a sweep: serially, on a local process pool, or on Dask distributed, saving each run as it finishes.

Workers only compute: a run's rows and record travel back to this process, which alone writes the output
folder (so a Dask cluster needs no shared disk). A run that raises is saved as failed with its error and the
sweep goes on. Ctrl-C stops the sweep, keeps every finished run and rewrites the tables; `resume=True` then
runs only the missing ones. When a worker process dies (killed, out of memory) the process pool is restarted
and its runs are run again, up to 3 times; Dask reschedules them itself. Runs still lost are reported and
count as missing, so `resume=True` runs them.

Results do not depend on the backend or the number of workers: each run is a pure function of its scenario
and seed.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import signal
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ihoabm.experiments.executor import interruptible, run_jobs
from ihoabm.experiments.sweep.design import RunTask, arm_hashes, conflict, design_table, make_tasks, sample_points
from ihoabm.experiments.sweep.spec import SweepSpec, load_sweep
from ihoabm.experiments.sweep.store import FolderError, SweepFolder
from ihoabm.scenario.fingerprint import scenario_hash

BACKENDS = ("serial", "processes", "dask")
FAIL_ENV = "IHOABM_SWEEP_FAIL_RUNS"
Outcome = tuple[dict[str, Any], pd.DataFrame | None]
Progress = Callable[[int, int, int], None]


class InjectedFailure(RuntimeError):
    """Raised in place of a run named in IHOABM_SWEEP_FAIL_RUNS, to exercise failure handling."""


class SweepInterrupted(Exception):
    """The sweep was stopped (Ctrl-C); every finished run is saved."""


@dataclass
class SweepStatus:
    """How a sweep call went."""

    total: int
    skipped: int = 0
    ok: int = 0
    failed: int = 0
    failed_before: int = 0
    lost: list[str] = field(default_factory=list)
    lost_reason: str = ""
    out: Path = Path()
    runs_table: Path = Path()

    @property
    def done(self) -> int:
        """Runs finished so far, including those an earlier call finished."""
        return self.skipped + self.ok + self.failed

    @property
    def failed_total(self) -> int:
        """Failed runs in the folder, including those an earlier call saved."""
        return self.failed_before + self.failed


def execute(task: RunTask) -> Outcome:
    """Run one sweep point in this process; never raises for a model error (the record says failed)."""
    from ihoabm import __version__
    from ihoabm.experiments.run import run
    from ihoabm.scenario.loader import apply_overrides, build

    started = time.perf_counter()
    record: dict[str, Any] = {
        "run_id": task.run_id, "index": task.index, "arm": task.arm, "point": task.point,
        "replication": task.replication, "seed": task.seed, "values": task.values, "status": "ok", "error": "",
        "traceback": "", "scenario_hash": "", "package_version": __version__, "host": socket.gethostname(),
        "pid": os.getpid()}
    frame = None
    try:
        if task.inject_failure:
            raise InjectedFailure(f"failure injected for testing ({FAIL_ENV})")
        origin = f"run {task.run_id}"
        scenario = build(apply_overrides(task.scenario, {**task.values, "run.seed": task.seed}, origin), origin)
        record["scenario_hash"] = scenario_hash(scenario)
        annual = run(scenario).annual
        frame = annual.copy()
        for pos, (name, value) in enumerate([("run_id", task.run_id), ("arm", task.arm), ("point", task.point),
                                             ("replication", task.replication), *task.values.items()]):
            frame.insert(pos, name, value)
    except Exception as exc:
        text = " ".join(str(exc).split())
        record.update(status="failed", error=f"{type(exc).__name__}: {text}"[:2000],
                      traceback=traceback.format_exc()[-8000:])
        frame = None
    record["wall_time_s"] = round(time.perf_counter() - started, 3)
    record["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return record, frame


# --- backends: each yields (task, outcome or the exception that lost it) ------------------------------------
def _serial(tasks: list[RunTask], workers: int, scheduler: str | None) -> Iterator[tuple[RunTask, Any]]:
    return run_jobs(execute, tasks, 1, in_process=True)


def _processes(tasks: list[RunTask], workers: int, scheduler: str | None) -> Iterator[tuple[RunTask, Any]]:
    return run_jobs(execute, tasks, workers, order=lambda t: t.index)


def _dask(tasks: list[RunTask], workers: int, scheduler: str | None) -> Iterator[tuple[RunTask, Any]]:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        # Workers start with Ctrl-C ignored (they inherit it): this process stops them, without their tracebacks.
        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
        try:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="15s")
        except (OSError, TimeoutError) as exc:
            raise FolderError(f"--scheduler {scheduler}: cannot reach a Dask scheduler ({exc})") from None
    token = uuid.uuid4().hex[:8]
    futures: list[Any] = []
    try:
        futures = client.map(execute, tasks, key=[f"ihoabm-{token}-{t.run_id}" for t in tasks], pure=False)
        by_key = {f.key: t for f, t in zip(futures, tasks, strict=True)}
        for fut in as_completed(futures):
            task = by_key[fut.key]
            try:
                yield task, fut.result()
            except Exception as exc:  # KilledWorker, a lost connection: lost, not failed
                yield task, exc
            fut.release()
    finally:
        client.cancel([f for f in futures if not f.done()])
        client.close()
        if cluster is not None:
            cluster.close()


RUNNERS = {"serial": _serial, "processes": _processes, "dask": _dask}


# --- the sweep ----------------------------------------------------------------------------------------------
def _prepare(spec: SweepSpec, folder: SweepFolder, tasks: list[RunTask], points: pd.DataFrame, resume: bool,
             toml_text: str | None, overwrite: bool = False) -> None:
    """Check the folder can take this sweep (resuming only its own runs), then save its description."""
    if folder.holds_runs() and overwrite and not resume:
        folder.clear()  # only the earlier sweep's own files
    if folder.holds_runs():
        if not resume:
            raise FolderError(f"--out {folder.root}: already holds a sweep; add --resume to finish it, --overwrite "
                              "to start it again, or choose a new --out folder")
        saved = folder.read_manifest()
        if saved.get("format", folder.fmt) != folder.fmt:
            raise FolderError(f"--out {folder.root}: was written as {saved['format']}; resume with the same "
                              "format")
        why = conflict(tasks, folder.records(), saved.get("arms", {}))
        if why:
            raise FolderError(f"--out {folder.root}: holds a different sweep ({why}); resume it with the same "
                              "sweep file (more replications are fine), or choose a new --out folder")
    folder.write_manifest(spec.to_json(), arm_hashes(tasks), len(tasks), toml_text, design_table(tasks, points))
    folder.write_completion(False)


def _injected() -> list[str]:
    return [p.strip() for p in os.environ.get(FAIL_ENV, "").split(",") if p.strip()]


def execute_sweep(spec_or_path: str | Path | dict[str, Any] | SweepSpec, out: Path, workers: int = 1,
                  backend: str = "processes", scheduler: str | None = None, resume: bool = False, *,
                  fmt: str | None = None, retry_failed: bool = False, progress: Progress | None = None,
                  fail_runs: tuple[str, ...] = (), overwrite: bool = False) -> tuple[pd.DataFrame, SweepStatus]:
    """Run (or finish) a sweep; return all its results so far and how this call went.

    Raises:
        SweepError: The sweep file is unusable.
        FolderError: The output folder holds another sweep, or is locked, or the scheduler is unreachable.
        SweepInterrupted: Ctrl-C; finished runs are saved.
    """
    if backend not in BACKENDS:
        raise FolderError(f"--backend {backend}: unknown; choose one of {', '.join(BACKENDS)}")
    if scheduler is not None and backend != "dask":
        raise FolderError("--scheduler: only used with --backend dask")
    if workers < 1:
        raise FolderError(f"--workers {workers}: must be at least 1")
    spec = load_sweep(spec_or_path)
    toml_text = spec.path.read_text() if spec.path is not None and spec.path.is_file() else None
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FolderError(f"--out {out}: exists and is not a folder; give a folder path")
    folder = SweepFolder(out, fmt or spec.sweep.format)
    points = sample_points(spec)
    patterns = (*fail_runs, *_injected())
    tasks = [RunTask(**{**t.__dict__, "inject_failure": any(fnmatch.fnmatchcase(t.run_id, p) for p in patterns)})
             for t in make_tasks(spec, points)]
    status = SweepStatus(total=len(tasks), out=out, runs_table=folder.table("runs"))
    with folder.lock(overwrite), interruptible():
        _prepare(spec, folder, tasks, points, resume, toml_text, overwrite)
        records = folder.records()
        redo = {k for k, r in records.items() if retry_failed and r.get("status") != "ok"}
        todo = [t for t in tasks if t.run_id not in records or t.run_id in redo]
        status.skipped = len(tasks) - len(todo)
        status.failed_before = sum(r.get("status") != "ok" and k not in redo for k, r in records.items())
        if progress:
            progress(status.done, status.total, status.failed_before)
        stream = RUNNERS[backend](todo, min(workers, max(len(todo), 1)), scheduler) if todo else iter(())
        interrupted = False
        last_table = time.monotonic()
        try:
            for task, outcome in stream:
                if isinstance(outcome, BaseException):
                    status.lost.append(task.run_id)
                    status.lost_reason = status.lost_reason or f"{type(outcome).__name__}: {outcome}"
                    continue
                record, frame = outcome
                folder.write_run(record, frame)
                records[task.run_id] = record
                status.ok += record["status"] == "ok"
                status.failed += record["status"] != "ok"
                if progress:
                    progress(status.done, status.total, status.failed_before + status.failed)
                if time.monotonic() - last_table > 2.0:
                    folder.write_runs_table(records)
                    last_table = time.monotonic()
        except KeyboardInterrupt:
            interrupted = True
        finally:
            getattr(stream, "close", lambda: None)()
            folder.write_runs_table(records)
            results = folder.write_results(records)
            folder.write_completion(all(records.get(t.run_id, {}).get("status") == "ok" for t in tasks))
    if interrupted:
        raise SweepInterrupted(f"interrupted: {status.done} of {status.total} runs are saved in {out}/; "
                               "rerun with --resume to finish")
    return results, status


def run_sweep(spec_or_path: str | Path | dict[str, Any] | SweepSpec, out: Path, workers: int = 1,
              backend: str = "processes", scheduler: str | None = None, resume: bool = False, **options: Any,
              ) -> pd.DataFrame:
    """Run a sweep and return its results: one row per run and reported year.

    Args:
        spec_or_path: A sweep file path, a shipped sweep name, a dict of its tables, or a loaded `SweepSpec`.
        out: Output folder (see `ihoabm.experiments.sweep.store` for the layout).
        workers: Parallel workers (processes, or Dask workers for a local cluster).
        backend: "processes" (a local pool), "dask" (distributed) or "serial" (this process).
        scheduler: A Dask scheduler address such as "tcp://10.0.0.5:8786"; without it a local cluster starts.
        resume: Finish a sweep that stopped: run only what `out` is missing.
        **options: `fmt` ("parquet" or "csv"), `retry_failed` (with resume, rerun failed runs too),
            `progress` (called with done, total, failed), `fail_runs` (run id patterns made to fail: tests).

    Returns:
        Results of every finished run, with the run id, arm, point, replication and parameter values first.
        `attrs["status"]` holds counts of skipped, ok, failed and lost runs.
    """
    results, status = execute_sweep(spec_or_path, out, workers, backend, scheduler, resume, **options)
    results.attrs["status"] = {"total": status.total, "skipped": status.skipped, "ok": status.ok,
                               "failed": status.failed, "lost": len(status.lost)}
    return results
