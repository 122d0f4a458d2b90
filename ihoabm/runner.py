"""Run a scenario to the end and write its outputs (CSV tables, the resolved scenario, PNG plots)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ihoabm import results
from ihoabm.model import IHOModel
from ihoabm.scenario import Scenario, to_toml


@dataclass
class RunResult:
    """Everything one run produced."""

    scenario: Scenario
    annual: pd.DataFrame
    by_group: pd.DataFrame
    daily: pd.DataFrame
    ledger: pd.DataFrame


def simulate(scenario: str | Scenario = "baseline", progress: Callable[[int, int], None] | None = None,
             **overrides: Any) -> IHOModel:
    """Build and run a model to its last day; `progress(done, total)` is called about monthly."""
    model = IHOModel(scenario, **overrides)
    while model.running:
        model.step()
        if progress and (model.day % 30 == 0 or not model.running):
            progress(model.day, model.total_days)
    return model


def run(scenario: str | Scenario = "baseline", progress: Callable[[int, int], None] | None = None,
        **overrides: Any) -> RunResult:
    """Run a scenario and collect its tables."""
    m = simulate(scenario, progress, **overrides)
    return RunResult(m.scenario, results.annual(m), results.by_group(m), results.daily(m), m.ledger.frame())


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write via a temporary file in the same folder, so a crash never leaves a half-written file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_outputs(result: RunResult, out: Path) -> list[Path]:
    """Write annual.csv, by_group.csv, daily.csv, ledger.csv, scenario.toml and plots into `out`."""
    from ihoabm import plotting

    out.mkdir(parents=True, exist_ok=True)
    files = {
        "annual.csv": lambda p: result.annual.to_csv(p, index=False),
        "by_group.csv": lambda p: result.by_group.to_csv(p, index=False),
        "daily.csv": lambda p: result.daily.to_csv(p, index=False),
        "ledger.csv": lambda p: result.ledger.to_csv(p, index=False),
        "scenario.toml": lambda p: p.write_text(to_toml(result.scenario)),
        "activity.png": lambda p: plotting.activity(result.daily, result.scenario).savefig(p, dpi=110),
        "spending.png": lambda p: plotting.spending(result.annual).savefig(p, dpi=110),
    }
    written = []
    for name, write in files.items():
        path = out / name
        atomic_write(path, write)
        written.append(path)
    plotting.close_all()
    return written
