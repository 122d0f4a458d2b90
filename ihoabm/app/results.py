"""The running results tables: rates per 1,000 residents a year, money per head, health, and value.

Rows are (label, values) with numbers, so the same table is shown on the page (Markdown) and downloaded (CSV).
Incremental cost, QALYs and net monetary benefit follow `ihoabm.experiments.value`: NMB = threshold x dQALYs -
dCost; the app has one paired run, so these are point values of one run, without an interval.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ihoabm.app import charts, series
from ihoabm.outputs import catalogue

if TYPE_CHECKING:
    from mesa import Model as IHOModel  # not ihoabm.core.model: the app's helpers stay below the model

DAYS_PER_YEAR = 365
RATES = catalogue.APP_ACTIVITY
QALYS, *DEATHS, CRISES = catalogue.APP_HEALTH
THRESHOLDS = (20_000, 30_000)   # NICE's range for services (see ihoabm.experiments.value.THRESHOLDS)
Table = tuple[list[str], list[list[str]]]


def daily(model: IHOModel, name: str) -> np.ndarray:
    """A daily count over the days simulated so far."""
    return series.collected(model, name)[1:int(model.day) + 1]


def daily_spend(model: IHOModel) -> np.ndarray:
    """Payments to all providers each day, GBP."""
    _, total = series.total_spend(model)
    return np.diff(total * 1e6)[:int(model.day)]


def measures(model: IHOModel, start: int, end: int) -> dict[str, float]:
    """Totals between day `start` and `end` and the mean population over them (`residents`, `days`)."""
    pop = charts.population(model)[start:end]
    out = {name: float(daily(model, name)[start:end].sum()) for name in (*RATES, QALYS, *DEATHS, CRISES)}
    out["deaths_care_failure"] = sum(out[n] for n in DEATHS)
    out["spend"] = float(daily_spend(model)[start:end].sum())
    out["residents"] = float(pop.mean()) if pop.size else float(model.scenario.run.patients)
    out["days"] = float(max(end - start, 0))
    return out


def _per_year(m: dict[str, float], name: str, per: float) -> float:
    """A total as a rate per `per` residents a year."""
    if m["days"] <= 0:
        return float("nan")
    return m[name] / m["residents"] * per * DAYS_PER_YEAR / m["days"]


ROWS = (
    *((n, f"{catalogue.label(n)} per 1,000 residents a year", 1000.0, "{:,.1f}") for n in RATES),
    # Per resident, not annualised: providers are paid monthly and settled at the year end, so a part year's
    # spending scaled up to a year would swing with the invoice dates.
    ("spend", "Spending on care, GBP per resident", -1.0, "{:,.0f}"),
    (QALYS, "QALYs lived per 1,000 residents a year", 1000.0, "{:,.1f}"),
    ("deaths_care_failure", "Deaths after a care failure (number)", 0.0, "{:,.0f}"),
    (CRISES, f"{catalogue.label(CRISES)} (number)", 0.0, "{:,.0f}"),
)


def _cell(m: dict[str, float], name: str, per: float) -> float:
    """A row's value: a rate a year (`per` > 0), per resident (`per` < 0) or a count (0)."""
    if per < 0:
        return m[name] / (m["residents"] or 1.0)
    return _per_year(m, name, per) if per else m[name]


def year_table(model: IHOModel) -> Table:
    """One column per simulated year so far (the current one marked "so far"), one row per measure."""
    day = int(model.day)
    burn = (charts.contract_day(model) or 0) // DAYS_PER_YEAR
    years = range(0, max(day - 1, 0) // DAYS_PER_YEAR + 1) if day else range(0)
    head = ["measure"]
    cols = []
    for y in years:
        start, end = y * DAYS_PER_YEAR, min((y + 1) * DAYS_PER_YEAR, day)
        label = f"year {y + 1}" + (" (burn-in, PbR)" if y < burn else "") + (" so far" if end - start < 365 else "")
        head.append(label)
        cols.append(measures(model, start, end))
    rows = [[label, *(fmt.format(_cell(m, name, per)) for m in cols)] for name, label, per, fmt in ROWS]
    return head, rows


def compare_table(comparators: Sequence[IHOModel], alternative: IHOModel, names: Sequence[str],
                  b_name: str) -> Table:
    """Each run's measures since the new contracts started (or since the start, in the burn-in), and B - each A.

    Below them: the cumulative difference in spending (GBP and GBP per resident), incremental QALYs and the
    net monetary benefit at GBP 20,000 and 30,000 per QALY, for one paired run.
    """
    day = int(alternative.day)
    contract = charts.contract_day(alternative) or 0
    start = contract if day > contract else 0
    ms = [measures(m, start, day) for m in (*comparators, alternative)]
    a_ms, b = ms[:-1], ms[-1]
    head = ["measure", *(f"A: {n}" for n in names), f"B: {b_name}", *(f"B - {n}" for n in names)]
    rows = []
    for name, label, per, fmt in ROWS:
        values = [_cell(m, name, per) for m in ms]
        diffs = [values[-1] - v for v in values[:-1]]
        rows.append([label, *(fmt.format(v) for v in values), *(("{:+" + fmt[2:]).format(d) for d in diffs)])
    blank = [""] * (len(a_ms) + 1)
    residents = b["residents"] or 1.0
    d_cost = [b["spend"] - a["spend"] for a in a_ms]
    d_qaly = [b[QALYS] - a[QALYS] for a in a_ms]
    rows.append(["Difference in spending, GBP million (total)", *blank, *(f"{c / 1e6:+,.2f}" for c in d_cost)])
    rows.append(["Difference in spending, GBP per resident", *blank, *(f"{c / residents:+,.2f}" for c in d_cost)])
    rows.append(["Incremental QALYs (total)", *blank, *(f"{q:+,.2f}" for q in d_qaly)])
    for t in THRESHOLDS:
        nmb = [t * q - c for q, c in zip(d_qaly, d_cost, strict=True)]
        rows.append([f"Net monetary benefit at GBP {t:,} per QALY, GBP million (one run, no interval)", *blank,
                     *(f"{v / 1e6:+,.2f}" for v in nmb)])
    return head, rows


def markdown(table: Table) -> str:
    """A table as Markdown (first column left, numbers right)."""
    head, rows = table
    if not rows or len(head) < 2:
        return ""
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def to_csv(table: Table) -> str:
    """A table as CSV text."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(table[0])
    writer.writerows(table[1])
    return buf.getvalue()


def daily_csv(models: Sequence[IHOModel], labels: Sequence[str]) -> str:
    """Every reporter of every run, one row per run and day (the run's whole series so far)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    names = list(models[0].datacollector.model_vars)
    writer.writerow(["run", *names])
    for label, m in zip(labels, models, strict=True):
        cols = [series.collected(m, n) for n in names]
        n = min(c.size for c in cols)
        for i in range(n):
            writer.writerow([label, *(f"{c[i]:.6g}" for c in cols)])
    return buf.getvalue()
