"""Two models stepping together from the same seed: the comparison page's engine, free of any UI.

Both runs draw every random process from streams spawned from the same seed (common random numbers), so
while the contracts are the same (the burn-in year) the runs are identical, and afterwards their difference
is the effect of the contract rather than of chance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ihoabm.app import series
from ihoabm.core.model import IHOModel
from ihoabm.core.population import DAYS_PER_YEAR
from ihoabm.outputs import catalogue

SUMMED = tuple((name, catalogue.label(name)) for name in ("nel_admissions", "conveyances", "ae_attendances"))


@dataclass
class Pair:
    """Scenario A (the reference) and scenario B, built from the same seed and stepped in lockstep."""

    a: IHOModel
    b: IHOModel

    @classmethod
    def build(cls, a: str, b: str, patients: int, seed: int) -> Pair:
        """Build both runs with the same population size and seed.

        Raises:
            ScenarioError: If a scenario name or value is not valid.
        """
        return cls(IHOModel(a, seed=seed, patients=patients), IHOModel(b, seed=seed, patients=patients))

    @property
    def day(self) -> int:
        """Days simulated (the same in both runs)."""
        return self.a.day

    @property
    def running(self) -> bool:
        """True until either run reaches its end."""
        return self.a.running and self.b.running

    @property
    def burn_in_days(self) -> int:
        """Days of burn-in before the scenarios' contracts take effect."""
        return self.a.scenario.run.burn_in_years * DAYS_PER_YEAR

    def step(self, days: int) -> None:
        """Advance both runs by up to `days` days (fewer at the end of the run)."""
        for _ in range(days):
            if not self.running:
                break
            self.a.step()
            self.b.step()

    def skip_burn_in(self) -> None:
        """Advance both runs to the end of the burn-in year."""
        self.step(max(self.burn_in_days - self.day, 0))

    def totals(self) -> list[tuple[str, float, float]]:
        """Totals since the burn-in ended, for A and B: activity counts and spending (GBP million)."""
        start = self.burn_in_days
        rows = []
        for name, label in SUMMED:
            a, b = (float(series.collected(m, name)[start + 1:].sum()) for m in (self.a, self.b))
            rows.append((label, a, b))
        spend = []
        for m in (self.a, self.b):
            _, total = series.total_spend(m)
            spend.append(float(total[-1] - total[min(start, total.size - 1)]))
        rows.append((catalogue.axis("spend_total", scale=1e6), *spend))
        return rows

    def identical_so_far(self) -> bool:
        """Tell whether the two runs' activity is still identical (as during a shared burn-in)."""
        same = (np.array_equal(series.collected(self.a, n), series.collected(self.b, n)) for n, _ in SUMMED)
        return all(same)
