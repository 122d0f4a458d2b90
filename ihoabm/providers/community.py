"""`CommunityProvider`: staff capacity, following funding with a hiring lag, turned into four services.

Streams: district nursing caseloads (LTC maintenance), urgent community response (UCR), virtual-ward beds and
discharge support. Each has a daily capacity in contacts; the pathways spend it.
"""

from __future__ import annotations

import mesa
import numpy as np

from ihoabm.core.population import DAYS_PER_YEAR

STREAMS = ("caseload", "ucr", "virtual_ward", "discharge")


class CommunityProvider(mesa.Agent):
    """The community trust.

    Attributes:
        funding: GBP a year it is paid (block or sub-contract, plus any investment).
        staff_capacity: contacts a year its staff can deliver; moves toward what funding buys, with a lag.
        stream_capacity: contacts a year per service, from the stream shares (plus targeted investment).
    """

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        c = model.scenario.community
        self.unit_cost = model.scenario.prices.community_contact
        self.base_shares = np.asarray(c.stream_shares, dtype=float)
        self.funding_by_stream = np.zeros(4)
        self.capacity_by_stream = np.zeros(4)    # contacts a year, current staff
        self.ucr_slots_today = 0
        self.discharge_slots_today = 0
        self.vw_rows = np.empty(0, dtype=np.int64)
        self.vw_end = np.empty(0, dtype=np.int32)
        self.caseload_size = 0
        self.contacts_delivered = 0.0

    def set_funding(self, base: float, invest: np.ndarray | None = None) -> None:
        """Set this year's block (split by stream shares) plus any targeted investment per stream."""
        self.funding_by_stream = base * self.base_shares
        if invest is not None:
            self.funding_by_stream = self.funding_by_stream + invest
        if not self.capacity_by_stream.any():
            self.capacity_by_stream = self.funding_by_stream / self.unit_cost

    @property
    def funding(self) -> float:
        """Total GBP a year."""
        return float(self.funding_by_stream.sum())

    def hire(self) -> None:
        """Monthly: staff capacity moves toward what funding buys (recruitment and notice take time)."""
        lag = self.model.scenario.community.hiring_lag_months
        target = self.funding_by_stream / self.unit_cost
        step = 1.0 if lag <= 0 else 1.0 - np.exp(-1.0 / lag)
        self.capacity_by_stream += (target - self.capacity_by_stream) * step

    def caseload_slots(self) -> int:
        """People the district nursing capacity can hold on caseload."""
        c = self.model.scenario.community
        return int(self.capacity_by_stream[0] * c.utilisation_target / c.caseload_visits_per_year)

    def vw_beds(self) -> int:
        """Virtual-ward places."""
        return int(self.capacity_by_stream[2] / DAYS_PER_YEAR)

    def vw_free(self) -> int:
        """Virtual-ward places free now."""
        return max(self.vw_beds() - self.vw_rows.size, 0)

    def open_day(self) -> None:
        """Start of day: today's UCR episodes and discharge-support packages."""
        c = self.model.scenario.community
        per_day = self.capacity_by_stream / DAYS_PER_YEAR
        rng = self.model.streams["community_slots"]
        ucr = per_day[1] / c.ucr_contacts_per_episode
        dis = per_day[3] / c.discharge_contacts_per_case
        # Stochastic rounding keeps fractional daily capacity right on average.
        self.ucr_slots_today = int(ucr) + int(rng.random() < ucr - int(ucr))
        self.discharge_slots_today = int(dis) + int(rng.random() < dis - int(dis))

    def take_ucr_slots(self, n: int) -> None:
        """Spend `n` of today's UCR episodes (the ambulance service has referred them)."""
        if n > self.ucr_slots_today:
            raise ValueError(f"{n} UCR referrals but only {self.ucr_slots_today} slots free today")
        self.ucr_slots_today -= n

    def take_discharge_slots(self, wanted: int) -> int:
        """Grant up to `wanted` of today's discharge-support packages; return how many."""
        granted = min(self.discharge_slots_today, wanted)
        self.discharge_slots_today -= granted
        return granted

    def record_caseload(self, size: int) -> None:
        """Record the month's district nursing caseload (chosen by the community pathway within `caseload_slots`)."""
        self.caseload_size = size

    def admit_virtual_ward(self, rows: np.ndarray, day: int) -> None:
        """Put people on the virtual ward for the standard stay."""
        stay = int(round(self.model.scenario.community.vw_length_of_stay))
        self.vw_rows = np.concatenate([self.vw_rows, rows])
        self.vw_end = np.concatenate([self.vw_end, np.full(rows.size, day + stay, dtype=np.int32)])

    def release_virtual_ward(self, day: int) -> np.ndarray:
        """Remove and return those whose stay ends today."""
        done = self.vw_end <= day
        out = self.vw_rows[done]
        self.vw_rows, self.vw_end = self.vw_rows[~done], self.vw_end[~done]
        return out

    def remove(self, rows: np.ndarray) -> None:
        """Drop people (deaths) from the virtual ward."""
        keep = ~np.isin(self.vw_rows, rows)
        self.vw_rows, self.vw_end = self.vw_rows[keep], self.vw_end[keep]

    def cost_per_day(self) -> float:
        """Staff cost: capacity is paid for whether or not it is used."""
        return float(self.capacity_by_stream.sum() * self.unit_cost / DAYS_PER_YEAR)
