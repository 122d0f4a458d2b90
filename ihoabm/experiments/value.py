"""Value and equity of each arm against the first, paired over replications (common random numbers).

Incremental cost, QALYs, net monetary benefit, and the slope index of inequality across IMD quintiles.

**Value.** For each arm after the first, per reported year and over all of them (`period` "all"): the mean
paired difference in spending on care (`spend_total`, GBP) and in QALYs lived (`qalys`), each with the 95%
t-interval of the paired differences (`ihoabm.experiments.stats.mean_interval`); the net monetary benefit
`NMB = threshold x dQALYs - dCost` at each threshold in `THRESHOLDS`, with its own paired interval (NMB is
linear, so its interval is an ordinary t-interval); and the incremental cost-effectiveness ratio
`ICER = mean dCost / mean dQALYs`, a ratio of means. A ratio's interval is not a t-interval (it is unbounded
when the QALY difference can be zero; Fieller's method or a bootstrap would be needed), so the ICER is given
without an interval, and only when the QALY interval excludes zero; read the NMB for the decision.

**Equity.** The slope index of inequality (SII), as in OHID's Public Health Outcomes Framework: the rate in
each IMD quintile is regressed, weighted by population, on the quintile's cumulative population rank midpoint,
ranked from the most deprived (rank 0) to the least deprived (rank 1). The slope is the SII: the modelled gap
in the rate between the least and the most deprived ends of the population (negative when the most deprived
have more). It is computed per arm, replication and period, and its change from the first arm is paired over
replications.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ihoabm.experiments.stats import mean_interval
from ihoabm.outputs import catalogue

# NICE's cost-effectiveness thresholds, GBP per QALY gained.
# - NICE, "NICE health technology evaluations: the manual" (PMG36), published 31 January 2022,
#   https://www.nice.org.uk/process/pmg36: £20,000 to £30,000 per QALY.
# - The government announced on 1 December 2025 a rise of the standard threshold for technology appraisals of
#   medicines to £25,000 to £35,000 per QALY, from April 2026 (NICE, "Changes to NICE's cost-effectiveness
#   thresholds", Q&A, https://indepth.nice.org.uk/changes-to-nices-cost-effectiveness-thresholds/index.html;
#   NICE corporate document ECD19, chapter "Implementation across NICE work programmes",
#   https://www.nice.org.uk/corporate/ecd19/chapter/implementation-across-nice-work-programmes).
# - NICE's FAQ "Changes to NICE's cost-effectiveness thresholds" (undated page, read 2026-11-23,
#   https://www.nice.org.uk/what-nice-does/faqs/changes-to-nice-s-cost-effectiveness-thresholds) says the
#   manual has been updated and the new thresholds are in place, and that at this stage the change applies only
#   to medicines (technology appraisals), not to NICE's other programmes (guidelines, HealthTech), which we read
#   as keeping £20,000 to £30,000. The exact day the manual changed was not found; the announcement date is as
#   reported by the trade press (Manufacturing Chemist; iPharmaCenter).
# A change to how local care is paid for is not a medicine, so both ranges are reported: 20k and 30k (the range
# in force for guidelines and services) and 25k and 35k (the range in force for medicines).
THRESHOLDS: tuple[int, ...] = (20_000, 25_000, 30_000, 35_000)
ALL = "all"   # the period label of the cumulative value over every reported year
EQUITY = {   # SII measure (a by_group.csv count) -> (per how many residents, how the rate is expressed)
    "nel_admissions": (1000.0, "per 1,000 residents a year"),
    "gp_unmet": (1000.0, "per 1,000 residents a year"),
    "qalys": (1.0, "per resident a year"),
}


def equity_label(measure: str) -> str:
    """What an SII measure's rate is, from the outputs catalogue: 'Emergency admissions per 1,000 residents a year'."""
    return f"{catalogue.label(measure)} {EQUITY[measure][1]}"


def nmb_name(threshold: float) -> str:
    """The measure name of the net monetary benefit at a threshold: 'nmb_20000'."""
    return f"nmb_{int(threshold)}"


def _interval(values: np.ndarray) -> tuple[float, float, float]:
    return mean_interval(values[~np.isnan(values)])


def _in(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """The rows of one period: a year (as text), or every year (`ALL`)."""
    return frame if period == ALL else frame[frame["year"] == int(period)]


def value_table(runs: pd.DataFrame, labels: list[str], thresholds: tuple[float, ...] = THRESHOLDS) -> pd.DataFrame:
    """Incremental cost, QALYs, ICER and NMB of each arm after the first, per year and over all years.

    Args:
        runs: Annual rows of every arm with `arm`, `replication`, `year`, `spend_total` and `qalys` (`replicate`).
        labels: Arm labels in order; the first is the reference.
        thresholds: GBP per QALY at which the NMB is reported.

    Returns:
        Rows `arm, period, measure, mean, lo, hi` (period a year number as text, or "all"); measures
        `incremental_cost` (GBP), `incremental_qalys`, `icer` (GBP per QALY; no interval) and `nmb_<threshold>`.
    """
    ref = runs[runs["arm"] == labels[0]]
    rows = []
    for label in labels[1:]:
        arm = runs[runs["arm"] == label]
        for period in [str(int(y)) for y in sorted(ref["year"].unique())] + [ALL]:
            a = _in(ref, period).groupby("replication")[["spend_total", "qalys"]].sum()
            b = _in(arm, period).groupby("replication")[["spend_total", "qalys"]].sum()
            d = (b - a).dropna()
            d_cost, d_qaly = d["spend_total"].to_numpy(float), d["qalys"].to_numpy(float)
            cost, qaly = _interval(d_cost), _interval(d_qaly)
            sure = qaly[1] > 0 or qaly[2] < 0
            # A ratio only means something when more health costs more (or less costs less): an arm that
            # costs more for fewer QALYs is dominated, one that costs less for more dominates; neither has one.
            trade_off = (cost[0] > 0) == (qaly[0] > 0)
            icer = cost[0] / qaly[0] if sure and qaly[0] != 0 and trade_off else float("nan")
            out = {"incremental_cost": cost, "incremental_qalys": qaly, "icer": (icer, float("nan"), float("nan"))}
            for t in thresholds:
                out[nmb_name(t)] = _interval(t * d_qaly - d_cost)
            rows += [{"arm": label, "period": period, "measure": k, "mean": m, "lo": lo, "hi": hi}
                     for k, (m, lo, hi) in out.items()]
    return pd.DataFrame(rows, columns=["arm", "period", "measure", "mean", "lo", "hi"])


def sii(rates: np.ndarray, population: np.ndarray) -> float:
    """Slope index of inequality: the population-weighted least-squares slope of the rate on rank midpoints.

    Args:
        rates: The rate in each group, ordered from the most deprived to the least deprived.
        population: Each group's population (the weights), in the same order.
    """
    rates, pop = np.asarray(rates, float), np.asarray(population, float)
    keep = pop > 0
    rates, pop = rates[keep], pop[keep]
    if pop.size < 2:
        return float("nan")
    share = pop / pop.sum()
    rank = np.cumsum(share) - share / 2
    x_bar, y_bar = (share * rank).sum(), (share * rates).sum()
    spread = (share * (rank - x_bar) ** 2).sum()
    return float((share * (rank - x_bar) * (rates - y_bar)).sum() / spread) if spread > 0 else float("nan")


def sii_by_run(groups: pd.DataFrame) -> pd.DataFrame:
    """The SII of each `EQUITY` measure for every arm, replication and period (each year, and "all").

    Rates are counts over population summed over the period's years (person-years, from each year's population).

    Args:
        groups: by_group.csv rows with `arm`, `replication`, `year`, `imd_quintile` (1 = most deprived) and
            `population` (`replicate_with_groups`).
    """
    counts = list(EQUITY)
    per_year = groups.groupby(["arm", "replication", "year", "imd_quintile"])[["population", *counts]].sum()
    whole = per_year.groupby(level=["arm", "replication", "imd_quintile"]).sum()
    whole["year"] = ALL
    per_year = per_year.reset_index()
    per_year["year"] = per_year["year"].astype(int).astype(str)
    both = pd.concat([per_year, whole.reset_index()], ignore_index=True).rename(columns={"year": "period"})
    rows = []
    for (arm, rep, period), q in both.groupby(["arm", "replication", "period"], sort=False):
        q = q.sort_values("imd_quintile")
        for measure, (per, _) in EQUITY.items():
            rate = per * q[measure].to_numpy(float) / np.maximum(q["population"].to_numpy(float), 1.0)
            rows.append({"arm": arm, "replication": rep, "period": period, "measure": measure,
                         "sii": sii(rate, q["population"].to_numpy(float))})
    return pd.DataFrame(rows)


def equity_table(groups: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Each arm's SII per measure and period, and (arms after the first) its paired change from the first arm.

    Returns:
        Rows `arm, period, measure, sii, sii_lo, sii_hi, change, change_lo, change_hi` (change NaN for the
        first arm); the measures and their rates are `EQUITY`'s.
    """
    per_run = sii_by_run(groups).set_index(["arm", "period", "measure", "replication"])["sii"].sort_index()
    rows = []
    for label in labels:
        mine = per_run.loc[label]
        for (period, measure), values in mine.groupby(level=["period", "measure"], sort=False):
            values = values.droplevel(["period", "measure"])
            level = _interval(values.to_numpy(float))
            change = (float("nan"),) * 3
            if label != labels[0]:
                ref = per_run.loc[(labels[0], period, measure)]
                change = _interval((values - ref).dropna().to_numpy(float))
            rows.append({"arm": label, "period": period, "measure": measure, "sii": level[0], "sii_lo": level[1],
                         "sii_hi": level[2], "change": change[0], "change_lo": change[1], "change_hi": change[2]})
    return pd.DataFrame(rows)
