"""`Practices`: the place's GP practices as one provider, vectorised like the population.

Each practice has a registered list (raw and need-weighted), capitation funding, appointment capacity that
follows funding, and optional funding for proactive care (case management of high-risk patients). Capacity
follows funding: each GBP buys appointments at the rate calibrated on the baseline (appointments per
need-weighted patient over capitation per need-weighted patient).
"""

from __future__ import annotations

import mesa
import numpy as np

from ihoabm.core.population import DAYS_PER_YEAR


class Practices(mesa.Agent):
    """Every GP practice of the place, one array element each.

    Attributes:
        imd_quintile: Deprivation quintile of each practice's area (1 = most deprived).
        list_size, weighted_list: Registered and need-weighted list sizes, updated monthly.
        funding: GBP a year from each practice's capitation contract.
        proactive_funding: GBP a year for case management, if anyone pays for it.
        capacity: Appointments a day each practice can offer at its current funding.
    """

    def __init__(self, model: mesa.Model, imd_quintile: np.ndarray) -> None:
        super().__init__(model)
        n = imd_quintile.size
        self.imd_quintile = np.asarray(imd_quintile, dtype=np.int64)
        self.list_size = np.zeros(n, dtype=np.int64)
        self.weighted_list = np.zeros(n)
        self.funding = np.zeros(n)
        self.proactive_funding = np.zeros(n)
        self.capacity = np.zeros(n)
        self._carry = np.zeros(n)

    def __len__(self) -> int:
        return int(self.capacity.size)

    def update_lists(self, list_size: np.ndarray, weighted_list: np.ndarray) -> None:
        """Record this month's registered and need-weighted list sizes."""
        self.list_size = list_size.astype(np.int64)
        self.weighted_list = weighted_list.astype(float)

    def shares(self, need_weighted: bool) -> np.ndarray:
        """Each practice's share of a budget split by need-weighted or raw list size."""
        shares = np.array(self.weighted_list if need_weighted else self.list_size, dtype=float)
        shares /= shares.sum()
        return shares

    def fund(self, total: float, need_weighted: bool) -> None:
        """Split this year's capitation across practices; money buys sessions at the calibrated rate."""
        self.set_funding(total * self.shares(need_weighted))

    def set_funding(self, annual: np.ndarray) -> None:
        """Set each practice's funding, and with it its appointment capacity."""
        self.funding = np.asarray(annual, dtype=float)
        sc = self.model.scenario
        per_gbp = sc.primary.gp_capacity_per_weighted_head / sc.contract.gp_capitation_per_weighted_head
        self.capacity = self.funding * per_gbp / DAYS_PER_YEAR

    def fund_proactive(self, total: float, need_weighted: bool) -> None:
        """Split proactive-care funding across practices the same way as capitation."""
        self.proactive_funding = total * self.shares(need_weighted)

    def proactive_slots(self) -> int:
        """How many high-risk patients the proactive-care funding can case-manage."""
        cost = self.model.scenario.primary.proactive_cost_per_patient_year
        return int((self.proactive_funding // cost).astype(np.int64).sum())

    def todays_slots(self) -> np.ndarray:
        """Whole appointments available today: capacity plus yesterday's fractional carry."""
        total = self.capacity + self._carry
        slots = np.floor(total)
        self._carry = total - slots
        return slots.astype(np.int64)
