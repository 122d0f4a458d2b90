"""`Patient`: a Mesa agent that is a view onto one row of the vectorised population.

The population is stepped as arrays; Patient objects exist only for people a user tracks (the app and
teaching), so their journeys (dated events) can be read back.
"""

from __future__ import annotations

import mesa
import numpy as np

from ihoabm.core.population import AGE_BANDS, STATE_NAMES


class Patient(mesa.Agent):
    """One tracked resident: reads its attributes from the population arrays, keeps a journey log."""

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = row
        self.journey: list[tuple[int, str]] = []

    @property
    def age(self) -> int:
        """Age in whole years."""
        return int(self.model.pop.age[self.row])

    @property
    def age_band(self) -> str:
        """Reporting age band."""
        return AGE_BANDS[int(self.model.pop.band[self.row])]

    @property
    def sex(self) -> str:
        """'F' or 'M'."""
        return "F" if self.model.pop.female[self.row] else "M"

    @property
    def imd_quintile(self) -> int:
        """1 (most deprived) to 5."""
        return int(self.model.pop.imd[self.row]) + 1

    @property
    def practice(self) -> int:
        """Registered GP practice id."""
        return int(self.model.pop.practice[self.row])

    @property
    def ltc_count(self) -> int:
        """Number of long-term conditions."""
        return int(self.model.pop.ltc[self.row])

    @property
    def frailty(self) -> int:
        """EFI category: 0 fit, 1 mild, 2 moderate, 3 severe."""
        return int(self.model.pop.frailty[self.row])

    @property
    def utility(self) -> float:
        """Quality of life on the EQ-5D scale from age, sex, conditions and frailty (0 once dead)."""
        return float(self.model.pop.utility[self.row])

    @property
    def care_state(self) -> str:
        """Where the person is today."""
        return STATE_NAMES[int(self.model.pop.state[self.row])]

    def record(self, day: int, event: str) -> None:
        """Add a dated event to the journey."""
        self.journey.append((day, event))


class Tracker:
    """Routes pathway events to tracked `Patient` views with one vectorised membership test."""

    def __init__(self, model: mesa.Model, rows: list[int]) -> None:
        self.mask = np.zeros(model.pop.birth_day.size, dtype=bool)
        self.patients = {row: Patient(model, row) for row in rows}
        self.mask[rows] = True
        self.model = model

    def record(self, idx, event: str) -> None:
        """Log `event` today for any tracked row in `idx` (cheap when none are tracked)."""
        if not self.patients or len(idx) == 0:
            return
        idx = idx[idx < self.mask.size]
        for row in idx[self.mask[idx]]:
            self.patients[int(row)].record(self.model.day, event)
