"""Shared fixtures: small finished runs reused across tests (session-scoped to keep the suite quick).

The suite runs on two workers (pytest-xdist, `addopts` in pyproject.toml), each taking whole files; the
files below run first, longest first, so both workers stay busy to the end.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from ihoabm.experiments.run import simulate

# The longest test files, longest first (wall seconds on one worker: incentives ~110, notebooks ~80, sweeps
# ~75, the browser ~60, the app ~45, ...); the rest follow in collection order. Keep it roughly up to date.
SLOW_FIRST = ("test_incentives.py", "test_notebooks.py", "test_sweeps.py", "test_app_browser.py", "test_app.py",
              "test_hostile_outputs.py", "test_health_effects.py", "test_schema_property.py", "test_regression.py",
              "test_compare_arms.py", "test_oversight.py", "test_hostile_scenario.py", "test_cli.py",
              "test_startup.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put the longest files first (a stable sort: tests keep their order within a file)."""
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def small_baseline():
    """A finished baseline model: 10,000 residents, burn-in plus 2 years, checking mode on."""
    return simulate("baseline", patients=10_000, years=2, seed=3, check=True)


@pytest.fixture(scope="session")
def small_iho():
    """A finished IHO (invest-to-save) model of the same size and seed, checking mode on."""
    return simulate("iho_invest_to_save", patients=10_000, years=2, seed=3, check=True)


def made_up_run(task, years: int = 2, gaps: float = 0.0):
    """What `sweep.execute.execute` returns for a run, with made-up results instead of a model run.

    Every metric of the catalogue gets a value from the run's seed, point and arm (so runs differ, and
    replications of a point spread around its mean); a share `gaps` of the values is NaN.
    """
    import numpy as np
    import pandas as pd

    from ihoabm.outputs import catalogue

    rng = np.random.default_rng([task.seed, task.point, zlib.crc32(task.arm.encode())])
    frame = pd.DataFrame({"scenario": task.arm, "seed": task.seed, "year": np.arange(1, years + 1)})
    for i, name in enumerate(catalogue.ANNUAL):
        if name in frame:
            continue
        level = 10.0 ** (i % 7) * (1 + task.point / 3)
        values = rng.normal(level, level / 10, years)
        values[rng.random(years) < gaps] = math.nan
        frame[name] = np.round(values) if name == "beds" and not gaps else values
    if "beds" in frame and not gaps:
        frame["beds"] = frame["beds"].astype(np.int64)
    for pos, (name, value) in enumerate([("run_id", task.run_id), ("arm", task.arm), ("point", task.point),
                                         ("replication", task.replication), *task.values.items()]):
        frame.insert(pos, name, value)
    record = {"run_id": task.run_id, "index": task.index, "arm": task.arm, "point": task.point,
              "replication": task.replication, "seed": task.seed, "values": task.values, "status": "ok",
              "error": "", "traceback": "", "scenario_hash": "made-up", "package_version": "test", "host": "test",
              "pid": 0, "wall_time_s": 0.0, "finished_at": "2026-01-01T00:00:00+00:00"}
    if getattr(task, "inject_failure", False):
        record.update(status="failed", error="InjectedFailure: failure injected for testing")
        frame = None
    return record, frame


@pytest.fixture
def fake_sweep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Run a sweep file (TOML text) serially with made-up results: a real sweep folder in a blink.

    Call it as `fake_sweep(text, name="s", fmt=None, years=2, gaps=0.0, fail=())`; it returns the folder.
    """
    from ihoabm.experiments.sweep import execute as execute_module

    def make(text: str, name: str = "s", fmt: str | None = None, years: int = 2, gaps: float = 0.0,
             fail: tuple[str, ...] = ()) -> Path:
        monkeypatch.setattr(execute_module, "execute", lambda task: made_up_run(task, years, gaps))
        path = tmp_path / f"{name}.toml"
        path.write_text(text)
        out = tmp_path / name
        execute_module.run_sweep(path, out, backend="serial", fail_runs=fail, **({"fmt": fmt} if fmt else {}))
        return out

    return make
