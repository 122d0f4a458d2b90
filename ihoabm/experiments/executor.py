"""Run many independent jobs in worker processes, and never leave a worker behind.

`run_jobs` yields `(job, outcome)` as jobs finish, where the outcome is the function's result or the exception
that lost the job. It keeps a short queue per worker, so Ctrl-C or a dead worker costs little. When a worker
process dies (killed, out of memory) the pool is restarted and its jobs are run again, up to
`MAX_POOL_RESTARTS` times.

Shutdown is clean whatever stops the parent:
- Ctrl-C (SIGINT) and `kill` (SIGTERM, inside `interruptible()`) raise KeyboardInterrupt in the parent, which
  terminates the workers before it exits. Workers ignore SIGINT themselves, so one Ctrl-C prints no traceback
  from every worker.
- If the parent is killed outright (SIGKILL, a crash), each worker notices within a second that its parent is
  gone and exits.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, TypeVar

J = TypeVar("J")
MAX_POOL_RESTARTS = 3
PARENT_CHECK_SECONDS = 0.5


def _exit_when_orphaned(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)  # the parent died without stopping us: nobody will read our result
        time.sleep(PARENT_CHECK_SECONDS)


def _worker_start(parent: int) -> None:
    """Initializer of every worker: leave Ctrl-C to the parent, and exit if the parent dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True, name="ihoabm-orphan-watch").start()


def new_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers ignore Ctrl-C and exit when orphaned."""
    # spawn, not fork: Mesa forces it anyway, and a forked child of a threaded parent can deadlock.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_start, initargs=(os.getpid(),))


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Shut a pool down now: cancel queued jobs and end the workers (their jobs are lost)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.join(timeout=5)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def interruptible() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while the block runs (main thread only), so `kill` cleans up too."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_jobs(func: Callable[[J], Any], jobs: list[J], workers: int, order: Callable[[J], Any] | None = None,
             in_process: bool = False) -> Iterator[tuple[J, Any]]:
    """Run `func(job)` for every job on `workers` processes; yield `(job, result or exception)` as they end.

    Args:
        func: A picklable top-level function.
        jobs: The jobs, in the order they should start.
        workers: Worker processes.
        order: Sort key for jobs finishing together (their start order by default).
        in_process: Run every job here, one after another, with no worker processes.
    """
    if in_process:
        for job in jobs:
            try:
                yield job, func(job)
            except Exception as exc:
                yield job, exc
        return
    position = {id(job): k for k, job in enumerate(jobs)}
    key = order or (lambda job: position[id(job)])
    queue = deque(jobs)
    pending: dict[Future[Any], J] = {}
    pool = new_pool(workers)
    restarts, finished = 0, False

    def fill() -> None:
        while queue and len(pending) < 2 * workers:
            job = queue.popleft()
            pending[pool.submit(func, job)] = job

    try:
        fill()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken: list[J] = []
            if any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                done = set(wait(pending)[0])  # the pool is dead: every pending job ends now
            for fut in sorted(done, key=lambda f: key(pending[f])):
                job = pending.pop(fut)
                exc = fut.exception()
                if isinstance(exc, BrokenProcessPool):
                    broken.append(job)
                else:
                    yield job, exc if exc is not None else fut.result()
            if broken:
                # A worker was killed (out of memory, say): start a new pool and rerun its jobs, a few times.
                stop_pool(pool)
                if restarts == MAX_POOL_RESTARTS:
                    for job in [*broken, *queue]:
                        yield job, BrokenProcessPool(f"worker processes died {restarts + 1} times")
                    queue.clear()
                    break
                restarts += 1
                queue.extendleft(reversed(broken))
                pool = new_pool(workers)
            fill()
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            stop_pool(pool)
