"""What each chart of the app shows, read from a model: the series as `svgchart.Line`s, in the app's units.

Activity is shown as a rate per 1,000 residents a year (the last 7 days' count, annualised), so a small
workshop population and a large one read on the same scale; money in GBP million; health as running totals.
Points are kept one a week, which is what a chart can show and keeps each SVG small.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ihoabm.app import series
from ihoabm.app.svgchart import Line, legend_html, line_chart
from ihoabm.outputs import catalogue

if TYPE_CHECKING:
    from mesa import Model as IHOModel  # not ihoabm.core.model: the app's helpers stay below the model

DAYS_PER_YEAR = 365
WINDOW = 7    # one point a week
SMOOTH = 28   # rates and occupancy: mean of the last four weeks
# Colours with at least 4.5:1 contrast on white (WCAG AA for text, so a legend's swatch and label both read).
PALETTE = ("#0b5394", "#b42318", "#1e7b34", "#8a4b08", "#6b2c91", "#00626f", "#7a5c00")
INK = "#1f2d3d"
SETTING = {"acute": "#b42318", "community": "#1e7b34", "primary": "#0b5394", "ambulance": "#8a4b08",
           "prevention": "#6b2c91", "host": "#6b2c91", "icb": INK}
DEATH_COLOURS = ("#b42318", "#6b2c91", "#00626f")
PER_1000_A_YEAR = "per 1,000 residents a year (last 4 weeks)"


@dataclass(frozen=True)
class Chart:
    """One chart as the page shows it: a title, the SVG and its legend (HTML, beside the data)."""

    key: str
    title: str
    svg: str
    legend: str


def contract_day(model: IHOModel) -> int | None:
    """The day the scenario's own contract starts (the end of the burn-in), or None without a burn-in."""
    day = int(model.scenario.run.burn_in_years) * DAYS_PER_YEAR
    return day or None


def window(model: IHOModel, contract_only: bool) -> tuple[int, int]:
    """First and last day a chart shows: the whole run so far, or only the contract years."""
    start = (contract_day(model) or 0) if contract_only else 0
    return start, max(int(model.day), start + 28)


def _weekly(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every 7th point, ending at the latest."""
    if x.size == 0:
        return x, y
    keep = np.arange(x.size - 1, -1, -WINDOW)[::-1]
    return x[keep], y[keep]


def population(model: IHOModel) -> np.ndarray:
    """Residents alive on each simulated day (the run's starting size where the tally has none)."""
    tally = model.tally
    n = int(model.day)
    if "population" in tally.index and n:
        pop = tally.daily[:n, tally.index["population"]].astype(float)
        pop[pop <= 0] = float(model.scenario.run.patients)
        return pop
    return np.full(n, float(model.scenario.run.patients))


def trailing_mean(values: np.ndarray, days: int = SMOOTH) -> np.ndarray:
    """Mean over the last `days` days at each day (fewer at the start of the run)."""
    c = np.concatenate([[0.0], np.cumsum(values)])
    i = np.arange(1, values.size + 1)
    lo = np.maximum(i - days, 0)
    return (c[i] - c[lo]) / (i - lo)


def rate(model: IHOModel, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A daily count as a rate per 1,000 residents a year over the last 4 weeks, one point a week (x in days).

    Four weeks rather than one: at a workshop's few thousand residents a weekly count is mostly noise, which
    hides the change the contract makes.
    """
    daily = series.collected(model, name)[1:int(model.day) + 1]
    if daily.size < WINDOW:
        return np.empty(0), np.empty(0)
    per_day = trailing_mean(daily) / np.maximum(trailing_mean(population(model)[:daily.size]), 1.0)
    x = np.arange(1, daily.size + 1, dtype=float)
    return _weekly(x[WINDOW - 1:], per_day[WINDOW - 1:] * 1000 * DAYS_PER_YEAR)


def occupancy(model: IHOModel) -> tuple[np.ndarray, np.ndarray]:
    """Bed occupancy, mean of the last 4 weeks, per cent."""
    values = series.collected(model, "bed_occupancy")[1:int(model.day) + 1]
    if values.size < WINDOW:
        return np.empty(0), np.empty(0)
    x = np.arange(1, values.size + 1, dtype=float)
    return _weekly(x[WINDOW - 1:], trailing_mean(values)[WINDOW - 1:] * 100)


def days_of(values: np.ndarray) -> np.ndarray:
    """Days of a collected series (index i was collected at day i)."""
    return np.arange(values.size, dtype=float)


def spend(model: IHOModel, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative payments received by one setting, GBP million."""
    v = series.collected(model, name) / 1e6
    return _weekly(days_of(v), v)


def total_spend(model: IHOModel) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative payments to every provider, GBP million, one value a day."""
    _, total = series.total_spend(model)
    return days_of(total), total


def balance_ytd(model: IHOModel, name: str) -> tuple[np.ndarray, np.ndarray]:
    """An organisation's surplus (+) or deficit (-) this contract year so far, GBP million."""
    _, v = series.year_to_date(model, name, 1e6)
    return _weekly(days_of(v), v)


def running_total(model: IHOModel, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Running total of a daily count since the start."""
    v = np.cumsum(series.collected(model, name))
    return _weekly(days_of(v), v)


def chart(key: str, title: str, lines: list[Line], unit: str, model: IHOModel, contract_only: bool,
          zero_line: bool = False) -> Chart:
    """One `Chart` over the window the page asks for."""
    start, end = window(model, contract_only)
    return Chart(key, title, line_chart(title, lines, unit, start, end, contract_day(model), zero_line),
                 legend_html(lines))


def activity_charts(model: IHOModel, contract_only: bool) -> list[Chart]:
    """Emergency admissions, conveyances and A&E attendances per 1,000 residents a year; bed occupancy."""
    out = []
    for name in catalogue.APP_ACTIVITY:
        title = f"{catalogue.label(name)}, {PER_1000_A_YEAR}"
        out.append(chart(name, title, [Line("this run", *rate(model, name), INK)], PER_1000_A_YEAR, model,
                         contract_only))
    line = Line("bed occupancy", *occupancy(model), SETTING["acute"])
    out.append(chart("bed_occupancy", f"{catalogue.label('bed_occupancy')}, last 4 weeks (%)", [line], "%", model,
                     contract_only))
    return out


def money_charts(model: IHOModel, contract_only: bool) -> list[Chart]:
    """Cumulative spending by setting, and each organisation's surplus or deficit this contract year."""
    spend_lines = [Line(catalogue.who(name), *spend(model, name), SETTING[setting], dashed=k % 2 == 1)
                   for k, (setting, name) in enumerate(series.SPEND.items())]
    balances = []
    for k, name in enumerate(series.BALANCES):
        setting = catalogue.metric(name).setting
        if setting == "host" and model.host is None:
            continue
        balances.append(Line(catalogue.who(name), *balance_ytd(model, name), SETTING.get(setting, INK),
                             dashed=k % 2 == 1))
    return [chart("spend", "Payments to providers since the start, by setting (GBP million)", spend_lines,
                  "GBP million", model, contract_only),
            chart("balance", "Surplus (+) or deficit (-) this contract year so far (GBP million)", balances,
                  "GBP million", model, contract_only, zero_line=True)]


def health_charts(model: IHOModel, contract_only: bool) -> list[Chart]:
    """QALYs lived, deaths after each kind of care failure, and crises caused by care failures, since the start."""
    qalys, *deaths, crises = catalogue.APP_HEALTH
    death_lines = [Line(catalogue.label(n), *running_total(model, n), c, dashed=k == 1)
                   for k, (n, c) in enumerate(zip(deaths, DEATH_COLOURS, strict=True))]
    return [chart(qalys, f"{catalogue.label(qalys)} since the start ({catalogue.metric(qalys).unit})",
                  [Line("this run", *running_total(model, qalys), INK)], catalogue.metric(qalys).unit, model,
                  contract_only),
            chart("deaths", "Deaths after a care failure, by cause, since the start", death_lines, "deaths", model,
                  contract_only),
            chart(crises, f"{catalogue.label(crises)} since the start",
                  [Line("this run", *running_total(model, crises), SETTING["ambulance"])], "crises", model,
                  contract_only)]
