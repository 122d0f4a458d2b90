"""Run a scenario to the end and write its outputs (CSV tables, the resolved scenario, PNG plots)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ihoabm.core.model import IHOModel
from ihoabm.outputs import tables
from ihoabm.outputs.folder import OutputFolder, Writer
from ihoabm.scenario import Scenario, to_toml
from ihoabm.scenario.fingerprint import scenario_hash

__all__ = ["RUN_FILES", "RunResult", "about", "output_files", "run", "simulate", "write_outputs"]


@dataclass
class RunResult:
    """Everything one run produced."""

    scenario: Scenario
    annual: pd.DataFrame
    by_group: pd.DataFrame
    daily: pd.DataFrame
    ledger: pd.DataFrame
    by_trust: pd.DataFrame = field(default_factory=pd.DataFrame)      # activity and market share by provider
    trust_flows: pd.DataFrame = field(default_factory=pd.DataFrame)   # emergency admissions, catchment to provider
    by_place: pd.DataFrame = field(default_factory=pd.DataFrame)      # places (catchments); empty with one trust


def simulate(scenario: str | Scenario = "pbr_2004", progress: Callable[[int, int], None] | None = None,
             **overrides: Any) -> IHOModel:
    """Build and run a model to its last day; `progress(done, total)` is called about monthly."""
    model = IHOModel(scenario, **overrides)
    while model.running:
        model.step()
        if progress and (model.day % 30 == 0 or not model.running):
            progress(model.day, model.total_days)
    return model


def run(scenario: str | Scenario = "pbr_2004", progress: Callable[[int, int], None] | None = None,
        **overrides: Any) -> RunResult:
    """Run a scenario and collect its tables."""
    m = simulate(scenario, progress, **overrides)
    return RunResult(m.scenario, tables.annual(m), tables.by_group(m), tables.daily(m), m.ledger.frame(),
                     tables.by_trust(m), tables.trust_flows(m), tables.by_place(m))


RUN_FILES = ("annual.csv", "by_group.csv", "daily.csv", "ledger.csv", "by_trust.csv", "trust_flows.csv",
             "by_place.csv", "scenario.toml", "activity.png", "spending.png")


def output_files(result: RunResult) -> dict[str, Writer]:
    """How to write each file of a run's result set (the names are `RUN_FILES`)."""
    from ihoabm.outputs import plots

    return {
        "annual.csv": lambda p: result.annual.to_csv(p, index=False),
        "by_group.csv": lambda p: result.by_group.to_csv(p, index=False),
        "daily.csv": lambda p: result.daily.to_csv(p, index=False),
        "ledger.csv": lambda p: result.ledger.to_csv(p, index=False),
        "by_trust.csv": lambda p: result.by_trust.to_csv(p, index=False),
        "trust_flows.csv": lambda p: result.trust_flows.to_csv(p, index=False),
        # With one trust the place is the whole population (annual.csv): a header-only file says so.
        "by_place.csv": lambda p: (result.by_place if not result.by_place.empty
                                   else pd.DataFrame(columns=["year", "place"])).to_csv(p, index=False),
        "scenario.toml": lambda p: p.write_text(to_toml(result.scenario)),
        "activity.png": lambda p: plots.activity(result.daily, result.scenario).savefig(p, dpi=110),
        "spending.png": lambda p: plots.spending(result.annual).savefig(p, dpi=110),
    }


def about(scenario: Scenario) -> dict[str, Any]:
    """What a run's manifest records about the scenario that made it."""
    return {"kind": "run", "scenario": scenario.meta.name, "scenario_hash": scenario_hash(scenario),
            "seed": scenario.run.seed, "patients": scenario.run.patients, "years": scenario.run.years}


def write_outputs(result: RunResult, out: Path, overwrite: bool = False) -> list[Path]:
    """Write a run's result set into `out` under the output-folder contract (see `ihoabm.outputs.folder`)."""
    folder = OutputFolder(Path(out), overwrite=overwrite)
    with folder.claim(RUN_FILES):
        return folder.publish(output_files(result), about(result.scenario))
