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
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ihoabm.experiments.sweep.spec import Parameter, SweepError, SweepSpec, check_size, field_kind

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


def _as_kind(value: Any, kind: type, name: str) -> Any:
    """A listed value as the scenario value; never reinterpreted ("false" is not a boolean, 0.2 not true)."""
    ok = {bool: isinstance(value, bool), str: isinstance(value, str),
          int: (isinstance(value, int) and not isinstance(value, bool))
          or (isinstance(value, float) and value.is_integer()),
          float: isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)}
    if not ok.get(kind, False):
        raise SweepError(f"{name}: {value!r} is not a {kind.__name__} value; load the sweep with load_sweep")
    return int(value) if kind is int else float(value) if kind is float else value


def grid_values(p: Parameter, kind: type) -> list[Any]:
    """The levels of one grid axis, as scenario values."""
    if p.values is not None:
        return list(dict.fromkeys(_as_kind(v, kind, p.name) for v in p.values))
    if kind not in (int, float):
        raise SweepError(f"{p.name}: low/high/levels are only for number keys; list its values")
    raw = np.linspace(float(p.low), float(p.high), int(p.levels))  # type: ignore[arg-type]
    if kind is int:
        return list(dict.fromkeys(int(round(float(v))) for v in raw))
    return [float(v) for v in raw]


def extreme_values(p: Parameter, kind: type) -> list[Any]:
    """The values a sweep can give this parameter at its extremes.

    Lowest and highest for numbers; every distinct value for true/false and words.
    """
    if p.values is not None or p.levels is not None:
        values = grid_values(p, kind)
        return sorted({min(values), max(values)}) if kind in (int, float) else values
    if kind is bool:
        return [False, True]
    return [kind(p.low), kind(p.high)]


def point_count(spec: SweepSpec) -> int:
    """Parameter points of the design, counted without building it.

    Grid: the product of the axes' lengths; Latin: samples; Sobol (Saltelli): samples x (D + 2), or
    samples x (2D + 2) with second order; Morris: samples x (D + 1) (trajectories of D + 1 points).
    """
    d, n_params = spec.design, len(spec.parameters)
    if d.method == "grid":
        return math.prod(len(grid_values(p, field_kind(p.name))) for p in spec.parameters)
    samples = int(d.samples or 0)
    if d.method == "latin":
        return samples
    if d.method == "morris":
        return samples * (n_params + 1)
    return samples * (2 * n_params + 2 if d.second_order else n_params + 2)


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
