"""`IndependentSector`: NHS-funded elective capacity outside the NHS trusts (ODD 7.20, `pathways/elective.py`)."""

from __future__ import annotations

import mesa

from ihoabm.core.population import DAYS_PER_YEAR


class IndependentSector(mesa.Agent):
    """Independent sector elective provider: NHS-funded capacity, paid per case, no emergency beds.

    It has as much capacity as `elective.independent_capacity_per_1000` says and treats, each day, those at the
    front of the list who have waited long enough to choose it. Its costs are what it is paid (it prices at
    tariff and plans its capacity to break even), so its account nets to zero.
    """

    account = "independent"   # its ledger account

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.per_1000 = model.scenario.elective.independent_capacity_per_1000

    def capacity_today(self, population: int) -> float:
        """Cases it can treat today."""
        return self.per_1000 * population / 1000 / DAYS_PER_YEAR
