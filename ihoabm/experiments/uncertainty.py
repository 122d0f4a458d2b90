"""Parameter uncertainty in a comparison: draws from the priors, shared by every arm (ODD 7.15).

`ihoabm compare --uncertainty N` draws N parameter sets from the behavioural priors
(`ihoabm.scenario.priors`) on a seeded Latin hypercube (SALib), and runs every arm at each draw with the
draw's own seed: each draw is one paired replicate across arms (common random numbers), so a difference between
arms within a draw is the arms' difference at those parameter values. The spread of the paired differences
over draws then holds both randomness and what we do not know about behaviour.

A parameter that any arm sets away from the reference default (`host.horizon_years` in
`iho_invest_to_save`, say) is a lever of the comparison, not an uncertainty: it is held at each arm's own value
and recorded as held.

Reported beside the stochastic-only interval (the paired t-interval over replications at the default
parameters, `compare.arm_differences`):

* `comb_mean`, `comb_lo`, `comb_hi`: the mean and the 2.5th and 97.5th percentiles of the paired difference over
  the draws. This is the range one replicate's difference takes when parameters and randomness both vary, not a
  confidence interval of a mean, so it is wider than the t-interval even with no parameter uncertainty;
* `p_better`: the share of draws in which the arm is better than the first arm, in the metric's desirable
  direction (`catalogue.BETTER`; NaN where no direction is agreed; a tie counts half);
* the cost-effectiveness acceptability curve: the share of draws in which the arm's net monetary benefit over
  all years, `threshold x dQALYs - dCost`, is positive, at each threshold from GBP 0 to 50,000 per QALY.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ihoabm.scenario.priors import PRIORS
from ihoabm.scenario.schema import Scenario

CEAC_THRESHOLDS = tuple(range(0, 50_001, 1_000))   # GBP per QALY: NICE's ranges (value.THRESHOLDS) and beyond
MAIN_JOB_DRAWS = 4   # the main job's default: sized to finish in about a minute on 2 cores (ODD 7.15)
PERCENTILES = (2.5, 97.5)


def _value(scenario: Scenario, key: str) -> Any:
    section, name = key.split(".")
    return getattr(getattr(scenario, section), name)


def split_keys(reference: Scenario, arms: list[Scenario]) -> tuple[list[str], list[str]]:
    """The prior keys drawn, and those held because an arm sets them away from the reference default.

    Args:
        reference: The scenario whose values the priors were written around (`pbr_2004`).
        arms: Every arm's scenario.
    """
    held = [k for k in PRIORS if any(_value(a, k) != _value(reference, k) for a in arms)]
    return [k for k in PRIORS if k not in held], held


def draw_parameters(n: int, seed: int, keys: list[str], reference: Scenario) -> list[dict[str, Any]]:
    """N parameter sets (scenario overrides) from the priors of `keys`, on a seeded Latin hypercube.

    Integer parameters are sampled over `low - 0.5` to `high + 0.5` and rounded; a list parameter's prior
    scales its reference value.
    """
    if n < 1 or not keys:
        return [{} for _ in range(max(n, 0))]
    from SALib.sample import latin

    unit = latin.sample({"num_vars": len(keys), "names": keys, "bounds": [[0.0, 1.0]] * len(keys)}, n, seed=seed)
    draws = []
    for row in unit:
        values: dict[str, Any] = {}
        for key, u in zip(keys, row, strict=True):
            prior, default = PRIORS[key], _value(reference, key)
            if prior.scale:
                values[key] = [float(v) * prior.ppf(float(u)) for v in default]
            elif isinstance(default, int) and not isinstance(default, bool):
                # Half a unit wider at each end, then rounded: the end values are as likely as the others.
                wide = replace(prior, low=prior.low - 0.5, high=prior.high + 0.5)
                values[key] = int(min(max(np.floor(wide.ppf(float(u)) + 0.5), prior.low), prior.high))
            else:
                values[key] = float(prior.ppf(float(u)))
        draws.append(values)
    return draws


def draw_table(draws: list[dict[str, Any]], seeds: list[int]) -> pd.DataFrame:
    """One row per draw: `draw`, `seed` and each drawn value (a list as text), for draws.csv."""
    rows = [{"draw": d, "seed": s, **{k: (str(v) if isinstance(v, list) else v) for k, v in values.items()}}
            for d, (s, values) in enumerate(zip(seeds, draws, strict=True))]
    return pd.DataFrame(rows)


def combined_differences(runs: pd.DataFrame, labels: list[str], metrics: list[str]) -> pd.DataFrame:
    """Per arm after the first, metric and year: the mean and percentile range of paired differences over draws.

    Args:
        runs: Annual rows of the draws' runs, `replication` being the draw.
        labels: Arm labels; the first is the reference.
        metrics: The metrics to summarise.

    Returns:
        Rows `arm, metric, year, comb_mean, comb_lo, comb_hi, p_better`.
    """
    from ihoabm.outputs import catalogue

    ref = runs[runs["arm"] == labels[0]].set_index(["replication", "year"]).sort_index()
    rows = []
    for label in labels[1:]:
        arm = runs[runs["arm"] == label].set_index(["replication", "year"]).sort_index()
        for metric in metrics:
            diff = (arm[metric] - ref[metric]).unstack("year")
            sign = catalogue.BETTER.get(metric)
            for year in diff.columns:
                d = diff[year].dropna().to_numpy(float)
                lo, hi = np.percentile(d, PERCENTILES) if d.size else (np.nan, np.nan)
                better = np.nan if sign is None or not d.size else \
                    float(np.mean(np.sign(d) * sign > 0) + 0.5 * np.mean(d == 0))
                rows.append({"arm": label, "metric": metric, "year": int(year),
                             "comb_mean": float(d.mean()) if d.size else np.nan, "comb_lo": float(lo),
                             "comb_hi": float(hi), "p_better": better})
    return pd.DataFrame(rows, columns=["arm", "metric", "year", "comb_mean", "comb_lo", "comb_hi", "p_better"])


def with_combined(comp: pd.DataFrame, runs: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """comparison.csv's rows with the combined interval and `p_better` of each (arm, metric, year) joined on."""
    combined = combined_differences(runs, labels, sorted(comp["metric"].unique()))
    return comp.merge(combined, on=["arm", "metric", "year"], how="left")


def ceac(runs: pd.DataFrame, labels: list[str], thresholds: tuple[int, ...] = CEAC_THRESHOLDS) -> pd.DataFrame:
    """Cost-effectiveness acceptability curve of each arm against the first, over all years of the draws.

    Returns:
        Rows `arm, threshold, p_cost_effective`: the share of draws whose net monetary benefit
        `threshold x dQALYs - dCost` is positive (a tie counts half).
    """
    totals = runs.groupby(["arm", "replication"])[["spend_total", "qalys"]].sum()
    ref = totals.loc[labels[0]]
    rows = []
    for label in labels[1:]:
        d = (totals.loc[label] - ref).dropna()
        for t in thresholds:
            nmb = t * d["qalys"].to_numpy(float) - d["spend_total"].to_numpy(float)
            rows.append({"arm": label, "threshold": int(t),
                         "p_cost_effective": float(np.mean(nmb > 0) + 0.5 * np.mean(nmb == 0))})
    return pd.DataFrame(rows, columns=["arm", "threshold", "p_cost_effective"])


def ceac_figure(curve: pd.DataFrame, reference: str) -> Any:
    """ceac.png: each arm's probability of being cost-effective against the first, by threshold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ihoabm.experiments.value import THRESHOLDS

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for arm, rows in curve.groupby("arm", sort=False):
        ax.plot(rows["threshold"] / 1000, rows["p_cost_effective"], marker=".", label=str(arm))
    ax.axvspan(min(THRESHOLDS) / 1000, max(THRESHOLDS) / 1000, color="0.9", zorder=0,
               label="NICE thresholds (GBP 20k to 35k)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("Threshold (GBP thousand per QALY gained)")
    ax.set_ylabel(f"Probability cost-effective against {reference}")
    ax.set_title("Cost-effectiveness acceptability curve (parameter draws x randomness)")
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


UNCERTAINTY_FILES = ("draws.csv", "draw_runs.csv", "ceac.csv", "ceac.png")
TABLE_METRICS = ("nel_admissions", "conveyances", "ae_attendances", "spend_total", "qalys", "waiting_list_end")


def output_files(draw_runs: pd.DataFrame, labels: list[str], draws: list[dict[str, Any]],
                 seeds: list[int]) -> dict[str, Any]:
    """How to write the files only a comparison with draws has (`UNCERTAINTY_FILES`)."""
    curve = ceac(draw_runs, labels)
    return {
        "draws.csv": lambda p: draw_table(draws, seeds).to_csv(p, index=False),
        "draw_runs.csv": lambda p: draw_runs.to_csv(p, index=False),
        "ceac.csv": lambda p: curve.to_csv(p, index=False),
        "ceac.png": lambda p: ceac_figure(curve, labels[0]).savefig(p, dpi=110),
    }


def about(draws: int, seeds: list[int], drawn: list[str], held: list[str]) -> dict[str, Any]:
    """What a comparison's manifest records of its parameter uncertainty."""
    return {"uncertainty": {"draws": draws, "draw_seeds": seeds, "drawn": drawn, "held": held}} if draws else {}


def uncertainty_table(comp: pd.DataFrame, labels: list[str], draws: int, replications: int, held: list[str]) -> Any:
    """The last year's differences with both intervals and the probability of being better, for key metrics."""
    from rich.table import Table

    from ihoabm.outputs import catalogue

    year = int(comp["year"].max())
    table = Table(title=f"Year {year}: difference from {labels[0]}, randomness alone ({replications} replications, "
                        f"95% t-interval) and with parameter uncertainty ({draws} draws, 95% range)",
                  caption="p(better): share of draws in which the arm does better on the measure. "
                          + (f"Held at each arm's own value: {', '.join(held)}. " if held else "")
                          + "See comparison.csv (comb_*, p_better), ceac.csv and draws.csv.")
    table.add_column("measure")
    for label in labels[1:]:
        table.add_column(f"{label}: randomness", justify="right")
        table.add_column("with parameters", justify="right")
        table.add_column("p(better)", justify="right")
    last = comp[comp["year"] == year].set_index(["arm", "metric"])
    for metric in TABLE_METRICS:
        if (labels[1], metric) not in last.index:
            continue
        cells = []
        for label in labels[1:]:
            r = last.loc[(label, metric)]
            fmt = "{:+,.1f}" if max(abs(r["diff_lo"]), abs(r["diff_hi"])) < 100 else "{:+,.0f}"

            def span(mean: float, lo: float, hi: float, fmt: str = fmt) -> str:
                return f"{fmt.format(mean)} ({fmt.format(lo)} to {fmt.format(hi)})"

            cells += [span(r["diff"], r["diff_lo"], r["diff_hi"]), span(r["comb_mean"], r["comb_lo"], r["comb_hi"]),
                      "-" if np.isnan(r["p_better"]) else f"{r['p_better']:.2f}"]
        table.add_row(catalogue.axis(metric), *cells)
    return table
