"""Parameter points and run seeds for a sweep.

Sampling uses SALib (Latin hypercube, Sobol/Saltelli, Morris trajectories); a full grid is the product of the
listed values. Integer keys are sampled over [low - 0.5, high + 0.5] and rounded, so every integer is equally
likely; true/false keys are sampled over [0, 1] and read as true from 0.5 up.

Seeds derive from the one sweep seed through `numpy.random.SeedSequence`. In a paired sweep (the default)
replication k uses the same seed at every point and in every arm: common random numbers, so differences
between points are mostly the parameters' effect, not noise.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

# Counting and listing a design's values (grid_values, point_count) live in spec.py: validation needs them.
from ihoabm.experiments.sweep.spec import Parameter, SweepSpec, check_size, field_kind, grid_values

RAW = "raw:"


@dataclass(frozen=True)
class RunTask:
    """One model run of a sweep: everything a worker needs, and nothing that depends on the machine."""

    run_id: str
    index: int
    arm: str
    point: int
    replication: int
    seed: int
    values: dict[str, Any]
    scenario: dict[str, Any] = field(repr=False)
    inject_failure: bool = False


def _bounds(p: Parameter, kind: type) -> tuple[float, float]:
    if kind is bool:
        return 0.0, 1.0
    low, high = float(p.low), float(p.high)  # type: ignore[arg-type]
    return (low - 0.5, high + 0.5) if kind is int else (low, high)


def problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem: parameter names and the bounds they are sampled over."""
    return {"num_vars": len(spec.parameters), "names": [p.name for p in spec.parameters],
            "bounds": [list(_bounds(p, field_kind(p.name))) for p in spec.parameters]}


def apply_kind(x: float, p: Parameter, kind: type) -> Any:
    """A sampled number as the scenario value: rounded for integers, a threshold for true/false."""
    if kind is bool:
        return bool(x >= 0.5)
    if kind is int:
        return int(min(max(np.floor(x + 0.5), p.low), p.high))  # type: ignore[type-var]
    return float(x)


def sample_points(spec: SweepSpec) -> pd.DataFrame:
    """One row per parameter point: `point`, the raw sample (`raw:<name>`, sampled designs) and the values.

    Raises:
        SweepError: The design has more runs than the limit (checked before anything is built).
    """
    check_size(spec)
    params = spec.parameters
    kinds = [field_kind(p.name) for p in params]
    d = spec.design
    if d.method == "grid":
        axes = [grid_values(p, k) for p, k in zip(params, kinds, strict=True)]
        rows = [dict(zip([p.name for p in params], combo, strict=True)) for combo in itertools.product(*axes)]
        df = pd.DataFrame(rows)
    else:
        from SALib.sample import latin, morris, sobol

        prob = problem(spec)
        seed = int(spec.sweep.seed)
        if d.method == "latin":
            x = latin.sample(prob, int(d.samples), seed=seed)  # type: ignore[arg-type]
        elif d.method == "sobol":
            x = sobol.sample(prob, int(d.samples), calc_second_order=d.second_order,  # type: ignore[arg-type]
                             scramble=True, seed=seed)
        else:
            x = morris.sample(prob, int(d.samples), num_levels=d.levels, seed=seed)  # type: ignore[arg-type]
        df = pd.DataFrame({f"{RAW}{p.name}": x[:, j] for j, p in enumerate(params)})
        for j, (p, k) in enumerate(zip(params, kinds, strict=True)):
            df[p.name] = [apply_kind(v, p, k) for v in x[:, j]]
    df.insert(0, "point", np.arange(len(df)))
    return df


def run_seed(sweep_seed: int, replication: int, arm: int = 0, point: int = 0, paired: bool = True) -> int:
    """A run's seed: a function of the sweep seed and replication (paired), or of arm and point too."""
    key = (0, replication) if paired else (1, arm, point, replication)
    return int(np.random.SeedSequence(sweep_seed, spawn_key=key).generate_state(1, dtype=np.uint32)[0])


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def make_tasks(spec: SweepSpec, points: pd.DataFrame | None = None) -> list[RunTask]:
    """Every run of the sweep, replication by replication (so a stopped sweep has whole replications first)."""
    check_size(spec)
    points = sample_points(spec) if points is None else points
    names = [p.name for p in spec.parameters]
    arms = spec.arm_list()
    scenarios = [spec.arm_scenario(a).model_dump(mode="json") for a in arms]
    pw = max(3, len(str(len(points) - 1)))
    rw = max(2, len(str(spec.sweep.replications - 1)))
    values = [{n: _python(row[n]) for n in names} for row in points[names].to_dict("records")]
    tasks = []
    for r in range(spec.sweep.replications):
        for p in range(len(points)):
            for a, arm in enumerate(arms):
                tasks.append(RunTask(
                    run_id=f"{arm.name}-p{p:0{pw}d}-r{r:0{rw}d}", index=len(tasks), arm=arm.name, point=p,
                    replication=r, seed=run_seed(spec.sweep.seed, r, a, p, spec.sweep.paired),
                    values=values[p], scenario=scenarios[a]))
    return tasks


def design_table(tasks: list[RunTask], points: pd.DataFrame) -> pd.DataFrame:
    """One row per run: id, arm, point, replication, seed, raw sample and values."""
    runs = pd.DataFrame({"run_id": [t.run_id for t in tasks], "index": [t.index for t in tasks],
                         "arm": [t.arm for t in tasks], "point": [t.point for t in tasks],
                         "replication": [t.replication for t in tasks], "seed": [t.seed for t in tasks]})
    return runs.merge(points, on="point", how="left").sort_values("index", ignore_index=True)


def arm_hashes(tasks: list[RunTask]) -> dict[str, str]:
    """A fingerprint of each arm's base scenario (fixed overrides applied)."""
    bases = {t.arm: t.scenario for t in tasks}
    return {arm: hashlib.sha256(json.dumps(sc, sort_keys=True, default=str).encode()).hexdigest()[:16]
            for arm, sc in bases.items()}


def conflict(tasks: list[RunTask], records: dict[str, dict[str, Any]], saved_arms: dict[str, str]) -> str | None:
    """Why saved runs do not belong to this design (None when they all do).

    A saved run belongs when this design has a run with its id, seed and values and the same base scenario.
    So a sweep can be resumed with more replications, but not with other values, seeds or base scenarios.
    """
    by_id = {t.run_id: t for t in tasks}
    arms = arm_hashes(tasks)
    for run_id, rec in sorted(records.items()):
        task = by_id.get(run_id)
        if task is None:
            return f"saved run {run_id} is not in this design"
        if rec.get("seed") != task.seed or rec.get("values") != task.values:
            return f"saved run {run_id} has other parameter values or another seed"
        if saved_arms.get(task.arm) != arms[task.arm]:
            return f"the base scenario of arm {task.arm} has changed"
    return None
