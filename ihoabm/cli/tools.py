"""Shared pieces of the command line: consoles, one-line errors with exit code 2, progress bars."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console

if TYPE_CHECKING:
    from rich.progress import Progress

console = Console(width=max(Console().width, 130))
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


class UsageError(Exception):
    """Bad command-line input that is not a scenario problem (an output path that is a file, say)."""


def friendly(func: F) -> F:
    """Turn known input errors into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            # Imported here, so a command that never reads a scenario does not import the scenario schema.
            from ihoabm.outputs.folder import OutputError
            from ihoabm.scenario import ScenarioError

            if not isinstance(exc, ScenarioError | UsageError | OutputError):
                raise
            err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


QUIET_SECONDS = 2.0


def progress_bar(lines: bool = True) -> Progress:
    """A progress bar with an ETA on a terminal; otherwise (a pipe, a log file) a plain line every 10%.

    Off a terminal the lines start once the work has taken `QUIET_SECONDS`, so quick commands stay quiet.

    Args:
        lines: Print the plain lines when not on a terminal (a caller that prints its own passes False).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    class LineProgress(Progress):
        """Rich's progress, plus a timestamped line at every tenth of a task when the bar cannot be drawn."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.next_line: dict[Any, float] = {}
            self.started = time.monotonic()

        def update(self, task_id: Any, **kwargs: Any) -> None:
            super().update(task_id, **kwargs)
            if not self.disable or not lines:
                return
            task = self._tasks[task_id]
            # A run that ends within QUIET_SECONDS needs no progress report (and a refused one keeps its
            # one-line error); anything longer says where it is every tenth, and when it is done.
            if not task.total or (task_id not in self.next_line and time.monotonic() - self.started < QUIET_SECONDS):
                return
            done = task.completed / task.total
            if done >= self.next_line.get(task_id, 0.0) or (done >= 1 and task_id not in self.next_line):
                err.print(f"{time.strftime('%H:%M:%S')} {task.description}: {done:.0%} "
                          f"({task.completed:,.0f} of {task.total:,.0f})", markup=False, highlight=False)
                self.next_line[task_id] = 2.0 if done >= 1 else (int(done * 10) + 1) / 10

    return LineProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=err, disable=not sys.stderr.isatty(), transient=True)


def overrides_from(patients: int | None, years: int | None, seed: int | None) -> dict[str, Any]:
    """Command-line options as scenario overrides."""
    out: dict[str, Any] = {}
    if patients is not None:
        out["run.patients"] = patients
    if years is not None:
        out["run.years"] = years
    if seed is not None:
        out["run.seed"] = seed
    return out
