"""Payback: when does an arm's extra spending come back? The J-curve and the payback year of a comparison.

An arm that invests first and saves later spends more than the reference at first, so its cumulative extra
spending rises, then (if the savings come) falls. The cumulative difference by year, with paired intervals,
is the J-curve. A replication pays back in the first contract year from which its cumulative extra spending
stays at or below zero to the end of the run; one still above zero at the end has not paid back within the run,
which is reported as such rather than guessed at.
"""

from __future__ import annotations

import textwrap

import matplotlib.figure
import numpy as np
import pandas as pd

from ihoabm.experiments.stats import mean_interval
from ihoabm.outputs import catalogue

COLUMNS = ["arm", "year", "measure", "mean", "lo", "hi"]


def payback_year(cumulative: np.ndarray) -> float:
    """First year (1-based) from which `cumulative` stays at or below zero to the end; nan if it never does."""
    above = np.flatnonzero(np.asarray(cumulative) > 0)
    if above.size == 0:
        return 1.0
    last = int(above[-1])
    return float(last + 2) if last + 1 < len(cumulative) else float("nan")


def payback_table(runs: pd.DataFrame, labels: list[str], metric: str = "spend_total") -> pd.DataFrame:
    """The J-curve and the payback year of each arm after the first, against the first.

    Args:
        runs: Annual rows of every arm with `arm`, `replication`, `year` and `metric` (`replicate`).
        labels: Arm labels in order; the first is the reference.
        metric: The spending to pay back (GBP).

    Returns:
        Rows `arm, year, measure, mean, lo, hi`: `cumulative_extra_spend` per year (GBP, paired 95% interval);
        then, with year 0, `paid_back` (share of replications that paid back within the run) and
        `payback_year` (median and the 2.5th to 97.5th percentiles over replications, counting one that did not
        pay back as later than the run; nan when half or more did not).
    """
    ref = runs[runs["arm"] == labels[0]].pivot_table(index="replication", columns="year", values=metric)
    rows = []
    for label in labels[1:]:
        arm = runs[runs["arm"] == label].pivot_table(index="replication", columns="year", values=metric)
        extra = (arm - ref).dropna().cumsum(axis=1)
        for year in extra.columns:
            rows.append((label, int(year), "cumulative_extra_spend", *mean_interval(extra[year].to_numpy(float))))
        years = np.array([payback_year(r) for r in extra.to_numpy(float)])
        paid = ~np.isnan(years)
        late = np.where(paid, years, np.inf)
        # Percentiles of actual replications (no interpolation towards one that never paid back).
        lo, median, hi = np.percentile(late, [2.5, 50, 97.5], method="inverted_cdf") if years.size else (np.nan,) * 3
        rows.append((label, 0, "paid_back", paid.mean() if years.size else np.nan, np.nan, np.nan))
        rows.append((label, 0, "payback_year", *(float(v) if np.isfinite(v) else np.nan for v in (median, lo, hi))))
    return pd.DataFrame(rows, columns=COLUMNS)


def j_curve(table: pd.DataFrame, title: str) -> matplotlib.figure.Figure:
    """Cumulative extra spending by contract year, one line and 95% band per arm: the J-curve."""
    fig = matplotlib.figure.Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.subplots()
    curve = table[table["measure"] == "cumulative_extra_spend"]
    for arm, rows in curve.groupby("arm", sort=False):
        ax.plot(rows["year"], rows["mean"] / 1e6, marker="o", label=arm)
        ax.fill_between(rows["year"], rows["lo"] / 1e6, rows["hi"] / 1e6, alpha=0.2)
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    ax.set_xlabel("Contract year")
    ax.set_xticks(sorted(curve["year"].unique()))
    ax.set_ylabel(f"Cumulative extra {catalogue.label('spend_total').lower()} (£ million)")
    ax.set_title(textwrap.fill(title, 70), fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig
