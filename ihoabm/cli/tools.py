"""Shared pieces of the command line: consoles, one-line errors with exit code 2, progress bars."""

from __future__ import annotations

import functools
import sys
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


def progress_bar() -> Progress:
    """A progress bar with an ETA, quiet when output is not a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
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
