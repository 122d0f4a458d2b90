"""Paired scenario comparison with common random numbers.

Replication k of scenario A and of scenario B share seed k: the same synthetic population, the same burn-in
history and the same named random streams. Their difference is then mostly the effect of the scenario, not
noise, and the 95% interval of the paired differences says how sure we can be of it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ihoabm.runner import run

NOT_METRICS = {"scenario", "seed", "year", "beds"}


def _one(args: tuple[str, int, dict[str, Any]]) -> pd.DataFrame:
    scenario, seed, overrides = args
    return run(scenario, seed=seed, **overrides).annual


def replicate(scenarios: list[str], seeds: list[int], overrides: dict[str, Any], workers: int = 1,
              progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Run every scenario at every seed; return all annual rows with a `replication` column."""
    jobs = [(s, seed, overrides) for seed in seeds for s in scenarios]
    frames: list[pd.DataFrame] = []
    if workers <= 1:
        for i, job in enumerate(jobs):
            frames.append(_one(job))
            if progress:
                progress(i + 1, len(jobs))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, frame in enumerate(pool.map(_one, jobs)):
                frames.append(frame)
                if progress:
                    progress(i + 1, len(jobs))
    out = pd.concat(frames, ignore_index=True)
    out["replication"] = out["seed"].map({s: k for k, s in enumerate(seeds)})
    return out


def paired_differences(runs: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Mean of A and B and the mean paired difference B - A with its 95% interval, per metric and year."""
    metrics = [c for c in runs.columns if c not in NOT_METRICS | {"replication"}
               and pd.api.types.is_numeric_dtype(runs[c])]
    ra = runs[runs["scenario"] == a].set_index(["replication", "year"]).sort_index()
    rb = runs[runs["scenario"] == b].set_index(["replication", "year"]).sort_index()
    rows = []
    for metric in metrics:
        diff = (rb[metric] - ra[metric]).unstack("year")
        for year in diff.columns:
            d = diff[year].dropna().to_numpy(dtype=float)
            mean_a = float(ra[metric].xs(year, level="year").mean())
            mean_b = float(rb[metric].xs(year, level="year").mean())
            mean = float(d.mean())
            half = float(stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 \
                else float("nan")
            rows.append({"metric": metric, "year": int(year), "mean_a": mean_a, "mean_b": mean_b, "diff": mean,
                         "diff_lo": mean - half, "diff_hi": mean + half,
                         "pct_diff": 100 * mean / mean_a if mean_a else float("nan")})
    return pd.DataFrame(rows)
