"""`GPPractice`: a registered list, appointment capacity that follows funding, optional proactive care."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ihoabm.core.population import DAYS_PER_YEAR

if TYPE_CHECKING:
    from ihoabm.core.model import IHOModel


class GPPractice(mesa.Agent):
    """One practice. Capacity and funding live in the model's practice arrays so demand is matched vectorised.

    Capacity follows funding: each GBP buys appointments at the rate calibrated on the baseline (appointments
    per need-weighted patient over capitation per need-weighted patient).
    """

    def __init__(self, model: IHOModel, practice_id: int, imd_quintile: int) -> None:
        super().__init__(model)
        self.practice_id = practice_id
        self.imd_quintile = imd_quintile
        self.funding = 0.0             # GBP a year from its capitation contract
        self.proactive_funding = 0.0   # GBP a year for case management, if anyone pays for it
        self.weighted_list = 0.0
        self.list_size = 0

    @property
    def capacity_per_day(self) -> float:
        """Appointments the practice can offer per day at its current funding."""
        return float(self.model.practices.capacity[self.practice_id])

    def update_list(self, list_size: int, weighted_list: float) -> None:
        """Record this month's registered and need-weighted list sizes."""
        self.list_size = list_size
        self.weighted_list = weighted_list

    def set_funding(self, annual: float) -> None:
        """Turn this year's funding into appointment capacity: money buys sessions at the calibrated rate."""
        self.funding = annual
        p = self.model.scenario.primary
        per_gbp = p.gp_capacity_per_weighted_head / self.model.scenario.contract.gp_capitation_per_weighted_head
        self.model.practices.capacity[self.practice_id] = annual * per_gbp / DAYS_PER_YEAR

    def set_proactive_funding(self, annual: float) -> None:
        """Set the year's funding for case-managing high-risk patients."""
        self.proactive_funding = annual

    def proactive_slots(self) -> int:
        """How many high-risk patients the proactive-care funding can case-manage."""
        cost = self.model.scenario.primary.proactive_cost_per_patient_year
        return int(self.proactive_funding // cost)

    def step(self) -> None:
        """Practices act through the model's primary-care pathway; nothing per agent per day."""


class PracticeArrays:
    """Per-practice numbers the vectorised pathways read (capacity) and write (activity)."""

    def __init__(self, n: int) -> None:
        self.capacity = np.zeros(n)
        self.carry = np.zeros(n)

    def todays_slots(self) -> np.ndarray:
        """Whole appointments available today: capacity plus yesterday's fractional carry."""
        total = self.capacity + self.carry
        slots = np.floor(total)
        self.carry = total - slots
        return slots.astype(np.int64)
