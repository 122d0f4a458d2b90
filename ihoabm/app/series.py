"""Time series for the app's plots, read from a model's DataCollector.

Daily counts are noisy at a few thousand residents, so counts are shown as 7-day sums and levels as 7-day
means. Times are in simulation years from the start of the run (burn-in included): the value collected
after day `d` belongs to time `(d + 1) / 365`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ihoabm.core.population import DAYS_PER_YEAR
from ihoabm.outputs.catalogue import METRICS, Balance, Received

if TYPE_CHECKING:
    from mesa import Model as IHOModel  # not ihoabm.core.model: the app's helpers stay below the model

WINDOW = 7
# From the outputs catalogue: the live reporters of payments received by setting, and of cumulative results.
SPEND = {m.setting: m.name for m in METRICS.values() if isinstance(m.live, Received)}
BALANCES = tuple(m.name for m in METRICS.values() if isinstance(m.live, Balance))


def collected(model: IHOModel, name: str) -> np.ndarray:
    """Every value of a model reporter so far; index `i` was collected when `model.day == i`."""
    return np.asarray(model.datacollector.model_vars[name], dtype=float)


def weekly_sum(model: IHOModel, name: str) -> tuple[np.ndarray, np.ndarray]:
    """7-day sums of a daily count, one per day from the end of the first week.

    Returns:
        Times (years) and sums; both empty before a week has been simulated.
    """
    daily = collected(model, name)[1:]
    if daily.size < WINDOW:
        return np.empty(0), np.empty(0)
    sums = np.convolve(daily, np.ones(WINDOW), mode="valid")
    return np.arange(WINDOW, daily.size + 1) / DAYS_PER_YEAR, sums


def weekly_mean(model: IHOModel, name: str) -> tuple[np.ndarray, np.ndarray]:
    """7-day means of a daily level (bed occupancy, say), one per day from the end of the first week."""
    t, sums = weekly_sum(model, name)
    return t, sums / WINDOW


def level(model: IHOModel, name: str, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Return a cumulative or level series as collected, divided by `scale`, from time 0."""
    values = collected(model, name)
    return np.arange(values.size) / DAYS_PER_YEAR, values / scale


def cumulative(model: IHOModel, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Running total of a daily count (QALYs lived, deaths) since the start, from time 0."""
    values = collected(model, name)
    return np.arange(values.size) / DAYS_PER_YEAR, np.cumsum(values)


def total_spend(model: IHOModel) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative payments to all providers, GBP million."""
    parts = [collected(model, name) for name in SPEND.values()]
    n = min(p.size for p in parts)   # a step landing between two reads adds a value to the later ones
    return np.arange(n) / DAYS_PER_YEAR, sum(p[:n] for p in parts) / 1e6


def now(model: IHOModel) -> float:
    """Return the model's current time in years."""
    return model.day / DAYS_PER_YEAR


def burn_in(model: IHOModel) -> float:
    """Length of the burn-in, years."""
    return float(model.scenario.run.burn_in_years)


def phase(model: IHOModel) -> str:
    """Where the run is: burn-in under status-quo PbR, the scenario's contract, or finished."""
    if not model.running:
        return "finished"
    if model.day < model.scenario.run.burn_in_years * DAYS_PER_YEAR:
        return "burn-in (status-quo PbR contracts)"
    return f"{model.scenario.contract.regime} contract in force"


def when(day: int) -> str:
    """Write a day as 'year Y, week W' (1-based, burn-in is year 1)."""
    return f"year {day // DAYS_PER_YEAR + 1}, week {day % DAYS_PER_YEAR // 7 + 1}"


def year_to_date(model: IHOModel, name: str, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Restart a cumulative series at each contract year: the year-to-date position, divided by `scale`.

    The value collected at the end of a year (after its settlement) still belongs to that year.
    """
    t, values = level(model, name, scale)
    index = np.arange(values.size)
    start = np.maximum(index - 1, 0) // DAYS_PER_YEAR * DAYS_PER_YEAR
    return t, values - values[start]


def last_year_positions(model: IHOModel) -> tuple[dict[str, float], dict[str, float]]:
    """Each ledger account's net result and income over the last 365 days, GBP.

    Returns:
        Net result (income minus spending) and income, by account.
    """
    since = model.day - DAYS_PER_YEAR
    net: dict[str, float] = dict.fromkeys(model.ledger_accounts(), 0.0)
    income = dict(net)
    for day, _, payer, payee, pence, _ in reversed(model.ledger.rows):
        if day < since:
            break
        net[payee] += pence / 100
        income[payee] += pence / 100
        net[payer] -= pence / 100
    return net, income


def accrued_allocation(model: IHOModel, since: int, until: int) -> float:
    """The ICB's allocation for days [since, until), GBP, as if it arrived evenly over each year.

    The allocation is paid to the ICB in one sum on the first day of each year; counted that way, the ICB shows
    a large surplus early in every year that it then spends. Spread over the year, it matches the spending.
    """
    total = 0.0
    for day, _, _, payee, pence, category in model.ledger.rows:
        if category != "allocation" or payee != "icb":
            continue
        overlap = min(until, day + DAYS_PER_YEAR) - max(since, day)
        if overlap > 0:
            total += pence / 100 * overlap / DAYS_PER_YEAR
    return total


def rolling_positions(model: IHOModel) -> tuple[dict[str, float], dict[str, float], dict[tuple[str, str], float]]:
    """Each account's net result and income, and money paid between each pair, over the last 365 days (GBP).

    Unlike the network's year-end edge weights, these follow the ledger day by day, so money flows through
    the host from the day it holds the contract. The ICB's allocation is counted as it accrues (see
    `accrued_allocation`).

    Returns:
        Net result by account, income by account, and payments by (payer, payee).
    """
    since = max(model.day - DAYS_PER_YEAR, 0)
    net: dict[str, float] = dict.fromkeys(model.ledger_accounts(), 0.0)
    income = dict(net)
    flows: dict[tuple[str, str], float] = {}
    for day, _, payer, payee, pence, category in reversed(model.ledger.rows):
        if day < since:
            break
        if category == "allocation":
            continue
        amount = pence / 100
        net[payee] = net.get(payee, 0.0) + amount
        income[payee] = income.get(payee, 0.0) + amount
        net[payer] = net.get(payer, 0.0) - amount
        flows[payer, payee] = flows.get((payer, payee), 0.0) + amount
    allocation = accrued_allocation(model, since, max(model.day, since + 1))
    net["icb"] = net.get("icb", 0.0) + allocation
    income["icb"] = income.get("icb", 0.0) + allocation
    return net, income, flows
