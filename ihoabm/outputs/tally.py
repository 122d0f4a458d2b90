"""Counting what happens: daily totals and yearly counts by age band x IMD quintile x LTC group.

Memory is per day and per group, never per person, so it does not grow with the population.
"""

from __future__ import annotations

import numpy as np

from ihoabm.core.population import N_GROUPS
from ihoabm.outputs import catalogue

# The catalogue says which series there are, which are also counted by group, and which are stocks: snapshots
# (last day of the year wins), not flows summed over days.
COUNTS = catalogue.DAILY
GROUPED = catalogue.BY_GROUP
STOCKS = catalogue.LEVELS
DECIMALS = tuple(n for n in GROUPED if catalogue.METRICS[n].decimals)   # by-group values that are not whole


class Tally:
    """Daily counters for every count, and yearly by-group counters for the grouped ones."""

    def __init__(self, days: int, years: int) -> None:
        self.index = {name: i for i, name in enumerate(COUNTS)}
        self.daily = np.zeros((days, len(COUNTS)), dtype=np.float64)
        self.grouped = np.zeros((years, len(GROUPED), N_GROUPS), dtype=np.float64)
        self.gindex = {name: i for i, name in enumerate(GROUPED)}
        self.day = 0
        self.year = 0

    def add(self, name: str, amount: float) -> None:
        """Add to today's count."""
        self.daily[self.day, self.index[name]] += amount

    def set(self, name: str, value: float) -> None:
        """Record today's level of a stock."""
        self.daily[self.day, self.index[name]] = value

    def add_group(self, name: str, groups: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Add events (their people's group indices) to today's count and this year's group counts."""
        total = groups.size if weights is None else float(weights.sum())
        self.daily[self.day, self.index[name]] += total
        if name in self.gindex and groups.size:
            self.grouped[self.year, self.gindex[name]] += np.bincount(groups, weights, minlength=N_GROUPS)

    def add_by_group(self, name: str, per_group: np.ndarray) -> None:
        """Add today's amount for each reporting group (an array of length N_GROUPS) of a grouped series."""
        self.daily[self.day, self.index[name]] += float(per_group.sum())
        self.grouped[self.year, self.gindex[name]] += per_group

    def today(self, name: str) -> float:
        """Today's value so far."""
        return float(self.daily[self.day, self.index[name]])

    def year_total(self, name: str, year: int) -> float:
        """Sum of a flow (or the year-end level of a stock) over a simulation year."""
        rows = self.daily[year * 365:(year + 1) * 365, self.index[name]]
        if name in STOCKS:
            return float(rows[-1]) if rows.size else 0.0
        return float(rows.sum())


class TrustTally:
    """Yearly counts by provider, and emergency admissions from each catchment to each provider.

    Providers are each acute trust, then the independent sector; catchments are the trusts' home areas. They
    give market shares and patient flows (`catalogue.BY_TRUST`).

    Kept apart from the daily tally so that a place with one trust reports exactly what it always did.
    """

    def __init__(self, years: int, providers: int, areas: int) -> None:
        self.index = {name: i for i, name in enumerate(catalogue.BY_TRUST)}
        self.counts = np.zeros((years, len(catalogue.BY_TRUST), providers), dtype=np.float64)
        self.flows = np.zeros((years, areas, providers), dtype=np.float64)
        self.area_population = np.zeros((years, areas), dtype=np.float64)   # living residents at year end
        self.area_deprived = np.zeros((years, areas), dtype=np.float64)     # of whom in IMD quintile 1
        self.providers = providers

    def add(self, year: int, name: str, provider: np.ndarray) -> None:
        """Count events at the providers `provider` (an index per event)."""
        if provider.size:
            self.counts[year, self.index[name]] += np.bincount(provider, minlength=self.providers)

    def add_at(self, year: int, name: str, provider: int, amount: float) -> None:
        """Count `amount` events at one provider."""
        self.counts[year, self.index[name], provider] += amount

    def add_flow(self, year: int, area: np.ndarray, provider: int) -> None:
        """Emergency admissions from the catchments `area` (one per admission) to `provider`."""
        if area.size:
            self.flows[year, :, provider] += np.bincount(area, minlength=self.flows.shape[1])
