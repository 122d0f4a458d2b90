"""Runs stepping together from the same seed: the comparison page's engine, free of any UI.

An alternative (B, an IHO scenario say) is measured against one or more comparators (A: how acute care was
paid under PbR, how it is paid today, ...). Every run draws each random process from streams spawned from the
same seed (common random numbers), so while the contracts are the same (the burn-in year) the runs are
identical, and afterwards each difference B - A is the effect of the contracts rather than of chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ihoabm.app import series
from ihoabm.core.model import IHOModel
from ihoabm.core.population import DAYS_PER_YEAR
from ihoabm.outputs import catalogue

SUMMED = tuple((name, catalogue.label(name)) for name in ("nel_admissions", "conveyances", "ae_attendances"))
# Health totals: QALYs with their unit (the summary shows them to two decimals), then counts of harm.
HEALTH_SUMMED = tuple((name, catalogue.axis(name) if catalogue.metric(name).decimals else catalogue.label(name))
                      for name in catalogue.APP_HEALTH)
MAX_COMPARATORS = 3   # each run steps every day: more would slow Play below a readable pace


@dataclass(frozen=True)
class Total:
    """One measure summed since the burn-in ended: each comparator's total, in order, and the alternative's."""

    label: str
    comparators: tuple[float, ...]
    alternative: float


@dataclass
class Lockstep:
    """The comparators (A) and the alternative (B), built from the same seed and stepped in lockstep."""

    comparators: tuple[IHOModel, ...]
    alternative: IHOModel

    @classmethod
    def build(cls, comparators: Sequence[str], alternative: str, patients: int, seed: int,
              years: int | None = None) -> Lockstep:
        """Build every run with the same population size and seed (and years after the burn-in, if given).

        Raises:
            ScenarioError: If a scenario name or value is not valid.
            ValueError: If there is no comparator, or more than `MAX_COMPARATORS`.
        """
        if not 1 <= len(comparators) <= MAX_COMPARATORS:
            raise ValueError(f"compare with 1 to {MAX_COMPARATORS} scenarios (got {len(comparators)})")
        return cls(tuple(IHOModel(name, seed=seed, patients=patients, years=years) for name in comparators),
                   IHOModel(alternative, seed=seed, patients=patients, years=years))

    @property
    def models(self) -> tuple[IHOModel, ...]:
        """Every run: the comparators, then the alternative."""
        return (*self.comparators, self.alternative)

    @property
    def comparator_names(self) -> tuple[str, ...]:
        """The comparators' scenario names, in order."""
        return tuple(m.scenario.meta.name for m in self.comparators)

    @property
    def alternative_name(self) -> str:
        """The alternative's scenario name."""
        return self.alternative.scenario.meta.name

    @property
    def day(self) -> int:
        """Days simulated (the same in every run)."""
        return self.alternative.day

    @property
    def running(self) -> bool:
        """True until any run reaches its end."""
        return all(m.running for m in self.models)

    @property
    def burn_in_days(self) -> int:
        """Days of burn-in before the scenarios' contracts take effect."""
        return max(m.scenario.run.burn_in_years for m in self.models) * DAYS_PER_YEAR

    def step(self, days: int) -> None:
        """Advance every run by up to `days` days (fewer at the end of the run)."""
        for _ in range(days):
            if not self.running:
                break
            for m in self.models:
                m.step()

    def skip_burn_in(self) -> None:
        """Advance every run to the end of the burn-in year."""
        self.step(max(self.burn_in_days - self.day, 0))

    def totals(self) -> list[Total]:
        """Totals since the burn-in ended, for each run: activity, health and spending (GBP million)."""
        start = self.burn_in_days
        rows = []
        for name, label in (*SUMMED, *HEALTH_SUMMED):
            values = [float(series.collected(m, name)[start + 1:].sum()) for m in self.models]
            rows.append(Total(label, tuple(values[:-1]), values[-1]))
        spend = []
        for m in self.models:
            _, total = series.total_spend(m)
            spend.append(float(total[-1] - total[min(start, total.size - 1)]))
        rows.append(Total(catalogue.axis("spend_total", scale=1e6), tuple(spend[:-1]), spend[-1]))
        return rows

    def identical_so_far(self) -> bool:
        """Tell whether every run's activity is still identical (as during a shared burn-in)."""
        first = self.alternative
        return all(np.array_equal(series.collected(first, n), series.collected(m, n))
                   for m in self.comparators for n, _ in SUMMED)
