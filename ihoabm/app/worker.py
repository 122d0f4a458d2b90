"""Each browser session's runs live in a worker process of their own, so sessions use every core.

Solara serves every session from one Python process, and a model stepping there holds the GIL: eight
participants on two cores then wait about 5 s per week. Here each session's runs (`OneRun` or `PairedRun`) are
built and stepped in a child process; the server sends it commands and receives `View`s (text and SVG). Workers
fork from a forkserver that has already imported the model, so a new session starts in milliseconds.

A worker exits when its pipe closes: when the session closes it, when the server process dies, or when the
`Runner` is garbage collected. `Runner(local=True)` runs the same object in this process instead (for tests
and for `IHOABM_APP_WORKERS=0`).
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import signal
import threading
import weakref
from multiprocessing.connection import Connection
from typing import Any

WORKERS_ENV = "IHOABM_APP_WORKERS"   # "0": keep every session's runs in the server process
TARGETS = {"one": "ihoabm.app.one_run:OneRun", "paired": "ihoabm.app.paired_run:PairedRun"}
PRELOAD = ["ihoabm.app.one_run", "ihoabm.app.paired_run"]
_context: Any = None
_context_lock = threading.Lock()


class WorkerError(RuntimeError):
    """A command failed in the worker, or the worker has gone."""


def _make(kind: str) -> Any:
    module, name = TARGETS[kind].split(":")
    return getattr(importlib.import_module(module), name)()


def serve(conn: Connection, kind: str) -> None:  # pragma: no cover - runs in the worker process
    """The worker's loop: run each command on the session's object and send back its result or error."""
    # Ctrl+C in the terminal reaches the whole process group; the worker ends when the server closes its pipe,
    # rather than printing a KeyboardInterrupt of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    target = _make(kind)
    while True:
        try:
            method, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = ("ok", getattr(target, method)(*args))
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the page as one line
            result = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            return


def context() -> Any:
    """The multiprocessing context for workers: a forkserver with the model already imported."""
    global _context
    with _context_lock:
        if _context is None:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
        return _context


def use_processes() -> bool:
    """Whether sessions get worker processes (the default) or run in the server process."""
    return os.environ.get(WORKERS_ENV, "1") != "0"


def _stop(conn: Connection, process: Any) -> None:
    try:
        conn.close()
    except OSError:
        pass
    process.join(timeout=2)
    if process.is_alive():
        process.terminate()
        process.join(timeout=2)


class Runner:
    """One session's worker: call a method of its `OneRun` or `PairedRun` and wait for the answer.

    Calls are serialised by a lock, so only one command at a time ever reaches the runs.
    """

    def __init__(self, kind: str, local: bool | None = None) -> None:
        self.kind = kind
        self.local = not use_processes() if local is None else local
        self._lock = threading.Lock()
        self._target: Any = None
        self._conn: Connection | None = None
        self._process: Any = None
        self._finalizer: Any = None
        self._start()

    def _start(self) -> None:
        if self.local:
            self._target = _make(self.kind)
            return
        ctx = context()
        parent, child = ctx.Pipe()
        process = ctx.Process(target=serve, args=(child, self.kind), daemon=True, name=f"ihoabm-{self.kind}")
        process.start()
        child.close()
        self._conn, self._process = parent, process
        self._finalizer = weakref.finalize(self, _stop, parent, process)

    @property
    def pid(self) -> int | None:
        """The worker's process id (None when local)."""
        return None if self._process is None else self._process.pid

    def call(self, method: str, *args: Any) -> Any:
        """Run `method(*args)` on the session's runs and return its result.

        Raises:
            WorkerError: If the method failed (its one-line message) or the worker has gone (a new one is
                started for the next call).
        """
        with self._lock:
            if self.local:
                try:
                    return getattr(self._target, method)(*args)
                except Exception as exc:  # noqa: BLE001 - the same one line as from a worker
                    raise WorkerError(f"{type(exc).__name__}: {exc}") from exc
            try:
                self._conn.send((method, args))
                status, value = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                self._finalizer()
                self._start()
                raise WorkerError("the run's worker process stopped; press Reset to start again") from exc
            if status == "error":
                raise WorkerError(value)
            return value

    def close(self) -> None:
        """Stop the worker (a no-op when local or already stopped)."""
        if self._finalizer is not None:
            self._finalizer()
