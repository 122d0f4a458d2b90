"""Paired scenario comparison with common random numbers, for two arms or many.

Replication k of every arm uses seed k: the same synthetic population, the same burn-in history and the same
named random streams. The difference between two arms is then mostly the effect of the scenario, not noise,
and the 95% interval of the paired differences says how sure we can be of it. The first arm is the
reference: each other arm is reported as its difference from it (`arm_differences`). Scenario names are only
labels, so a scenario can be compared with itself (an A/A test: every difference is zero).

With parameter uncertainty (`replicate_with_uncertainty`), each draw from the behavioural priors is one more paired
replicate across arms, with its own seed; `ihoabm.experiments.uncertainty` summarises them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from ihoabm.experiments.executor import interruptible, run_jobs
from ihoabm.experiments.run import run
from ihoabm.experiments.stats import mean_interval
from ihoabm.scenario import Scenario
from ihoabm.scenario.fingerprint import scenario_hash

NOT_METRICS = {"scenario", "arm", "seed", "year", "beds", "replication"}
COMPARE_FILES = ("comparison.csv", "runs.csv", "comparison.png", "value.csv", "equity.csv", "payback.csv",
                 "payback.png")
MAIN_JOB = ("pbr_2004", "api_today", "iho_invest_to_save")   # `ihoabm compare` with no scenarios named
MAX_ARMS = 10   # one colour each in comparison.png, and labels A to J when names repeat


def arm_labels(names: list[str]) -> list[str]:
    """Labels for the arms: the scenario names, or A, B, C, ... when two arms share a name."""
    return names if len(set(names)) == len(names) else [chr(ord("A") + k) for k in range(len(names))]


def _one(job: tuple[str, str, int, dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    label, scenario, seed, overrides = job
    result = run(scenario, seed=seed, **overrides)
    annual, groups = result.annual, result.by_group
    annual.insert(1, "arm", label)
    if not groups.empty:
        groups.insert(1, "arm", label)
    return annual, groups


def replicate(scenarios: list[str], seeds: list[int], overrides: dict[str, Any], workers: int = 1,
              progress: Callable[[int, int], None] | None = None, labels: list[str] | None = None) -> pd.DataFrame:
    """Run every scenario at every seed; return all annual rows with `arm` and `replication` columns.

    Args:
        scenarios: Built-in names or paths, one per arm.
        seeds: One seed per replication, shared by every arm.
        overrides: Scenario overrides for every run (`run.patients`, ...).
        workers: Worker processes (1 runs here); workers never outlive this call, even if it is killed.
        progress: Called with (runs done, runs in all).
        labels: Arm labels (default: `arm_labels` of the scenario names as given).
    """
    return replicate_with_groups(scenarios, seeds, overrides, workers, progress, labels)[0]


def replicate_with_groups(scenarios: list[str], seeds: list[int], overrides: dict[str, Any], workers: int = 1,
                          progress: Callable[[int, int], None] | None = None,
                          labels: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`replicate`, also returning every run's by_group.csv rows (with `arm` and `replication` columns).

    The by-group rows (age band x IMD quintile x LTC group, per year) let an equity measure such as the slope
    index of inequality be computed per replication and paired across arms (`ihoabm.experiments.value`).
    """
    labels = labels or arm_labels(list(scenarios))
    jobs = [(label, s, seed, overrides) for seed in seeds for label, s in zip(labels, scenarios, strict=True)]
    return _collect(jobs, seeds, workers, progress)


def replicate_with_uncertainty(scenarios: list[str], seeds: list[int], draw_seeds: list[int],
                               draws: list[dict[str, Any]], overrides: dict[str, Any], workers: int = 1,
                               progress: Callable[[int, int], None] | None = None,
                               labels: list[str] | None = None) -> tuple[pd.DataFrame, ...]:
    """The replications at the default parameters and the draws, in one pass of the executor.

    Draw d runs every arm at seed `draw_seeds[d]` with the overrides `draws[d]`: one paired replicate across
    arms that shares both the parameter values and the random numbers (`ihoabm.experiments.uncertainty`).

    Args:
        scenarios: Built-in names or paths, one per arm.
        seeds: One seed per replication at the default parameters, shared by every arm.
        draw_seeds: One seed per draw, shared by every arm; none of them in `seeds`.
        draws: One set of scenario overrides per draw, applied to every arm on top of `overrides`.
        overrides: Scenario overrides for every run (`run.patients`, ...).
        workers: Worker processes (1 runs here).
        progress: Called with (runs done, runs in all).
        labels: Arm labels (default: `arm_labels` of the scenario names as given).

    Returns:
        `(runs, groups, draw_runs, draw_groups)`: `replicate_with_groups`'s two tables for the replications,
        then the same two for the draws (their `replication` is the draw's index).
    """
    if set(seeds) & set(draw_seeds):
        raise ValueError("the draws' seeds must differ from the replications' seeds")
    if len(draw_seeds) != len(draws):
        raise ValueError(f"one seed per draw: {len(draw_seeds)} seeds for {len(draws)} draws")
    labels = labels or arm_labels(list(scenarios))
    arms = list(zip(labels, scenarios, strict=True))
    jobs = [(label, s, seed, overrides) for seed in seeds for label, s in arms]
    jobs += [(label, s, seed, {**overrides, **draw}) for seed, draw in zip(draw_seeds, draws, strict=True)
             for label, s in arms]
    runs, groups = _collect(jobs, [*seeds, *draw_seeds], workers, progress)
    first_draw = len(seeds)

    def split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        if frame.empty:
            return frame, frame
        mine = frame["replication"] >= first_draw
        drawn = frame[mine].copy()
        drawn["replication"] -= first_draw
        return frame[~mine].reset_index(drop=True), drawn.reset_index(drop=True)

    (r, dr), (g, dg) = split(runs), split(groups)
    return r, g, dr, dg


def _collect(jobs: list[tuple[str, str, int, dict[str, Any]]], seeds: list[int], workers: int,
             progress: Callable[[int, int], None] | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the jobs through the executor; annual and by-group rows with a `replication` column (seed order)."""
    annual: list[pd.DataFrame] = []
    groups: list[pd.DataFrame] = []
    with interruptible():
        for i, (_, outcome) in enumerate(run_jobs(_one, jobs, workers, in_process=workers <= 1)):
            if isinstance(outcome, BaseException):
                raise outcome
            annual.append(outcome[0])
            groups.append(outcome[1])
            if progress:
                progress(i + 1, len(jobs))
    replication = {s: k for k, s in enumerate(seeds)}
    out = pd.concat(annual, ignore_index=True)
    out["replication"] = out["seed"].map(replication)
    by_group = pd.concat(groups, ignore_index=True)
    if not by_group.empty:
        by_group["replication"] = by_group["seed"].map(replication)
    return out, by_group


def about(scenarios: list[Scenario], labels: list[str], seeds: list[int]) -> dict[str, Any]:
    """What a comparison's manifest records: every arm in order, with its scenario and hash, and the seeds.

    The first arm is the reference the others are compared with; each hash is of the scenario at the first seed.
    """
    return {"kind": "compare", "seeds": seeds, "reference": labels[0],
            "arms": {label: {"scenario": sc.meta.name, "scenario_hash": scenario_hash(sc)}
                     for label, sc in zip(labels, scenarios, strict=True)}}


def paired_differences(runs: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Mean of arms A and B and the mean paired difference B - A with its 95% interval, per metric and year.

    Arms are picked by the `arm` column (or `scenario`, for tables made before arms had labels).
    """
    by = "arm" if "arm" in runs.columns else "scenario"
    metrics = [c for c in runs.columns if c not in NOT_METRICS and pd.api.types.is_numeric_dtype(runs[c])]
    ra = runs[runs[by] == a].set_index(["replication", "year"]).sort_index()
    rb = runs[runs[by] == b].set_index(["replication", "year"]).sort_index()
    rows = []
    for metric in metrics:
        diff = (rb[metric] - ra[metric]).unstack("year")
        for year in diff.columns:
            mean, lo, hi = mean_interval(diff[year].dropna().to_numpy(dtype=float))
            mean_a = float(ra[metric].xs(year, level="year").mean())
            mean_b = float(rb[metric].xs(year, level="year").mean())
            rows.append({"metric": metric, "year": int(year), "mean_a": mean_a, "mean_b": mean_b, "diff": mean,
                         "diff_lo": lo, "diff_hi": hi,
                         "pct_diff": 100 * mean / mean_a if mean_a else float("nan")})
    return pd.DataFrame(rows)


def arm_differences(runs: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Each arm after the first minus the first, paired: `paired_differences` rows with an `arm` column first.

    `mean_a` is the first arm's mean, `mean_b` the named arm's, and `diff` the mean paired difference (the arm
    minus the first) with its 95% interval, per metric and year. With two arms this is `paired_differences`
    of the two, with the `arm` column added.

    Args:
        runs: Annual rows of every arm (`replicate`'s table).
        labels: Arm labels in order; the first is the reference.
    """
    if len(labels) < 2:
        raise ValueError(f"a comparison needs two arms or more (got {labels!r})")
    frames = [paired_differences(runs, labels[0], label) for label in labels[1:]]
    for label, frame in zip(labels[1:], frames, strict=True):
        frame.insert(0, "arm", label)
    return pd.concat(frames, ignore_index=True)
