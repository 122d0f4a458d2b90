"""`AcuteTrust`: A&E, general and acute beds, elective capacity, costs, and how it behaves at the margin.

The trust's behaviour is the model's main incentive channel. Each month it compares the marginal margin of
a marginal emergency admission (what its contracts pay for one more short stay minus its variable cost)
and its bed pressure, and moves its readiness to admit marginal A&E patients and its discharge urgency
toward what those signals favour. It never reads which contract form is in force, only its prices.

Oversight adds two pressures (`ihoabm.providers.regulator`): below the 4-hour standard the trust is readier to
admit a marginal patient (admission stops the A&E clock); below the 18-week standard it books extra elective
sessions, at a cost, to bring the waiting list back within the standard.
"""

from __future__ import annotations

import mesa
import numpy as np

from ihoabm.core.population import DAYS_PER_YEAR, DEAD
from ihoabm.money import books

# Occupancy above which bed pressure builds, and below which a trust that saves by closing beds closes them
# (Bagust, Place and Posnett 1999, BMJ: bed crises become likely above about 85% occupancy).
COMFORTABLE_OCCUPANCY = 0.85


def account_of(index: int) -> str:
    """The ledger account of trust `index` (0-based): `acute`, `acute_2`, `acute_3`."""
    return "acute" if index == 0 else f"acute_{index + 1}"


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


class AcuteTrust(mesa.Agent):
    """An acute trust. Bed occupants are small arrays indexed by bed.

    Args:
        model: The model.
        index: Which of the place's trusts it is (0: the main trust, account `acute`; see `providers.trusts`).
    """

    def __init__(self, model: mesa.Model, index: int = 0) -> None:
        super().__init__(model)
        a = model.scenario.acute
        self.index = index
        self.account = account_of(index)
        self.share = a.trust_shares[index]            # its share of the place's catchment and beds
        self.cost_index = a.trust_cost_index[index]   # its variable and bed-day costs against the average
        self.beds = max(1, round(a.beds_per_1000 * model.scenario.run.patients / 1000 * self.share))   # open beds
        self.physical_beds = self.beds    # open beds are indices below `beds`; closed ones can reopen
        self.open_beds_wanted = float(self.beds)
        self.occupant = np.full(self.beds, -1, dtype=np.int64)
        self.admit_day = np.zeros(self.beds, dtype=np.int32)
        self.fit_day = np.zeros(self.beds, dtype=np.int32)
        self.needs_support = np.zeros(self.beds, dtype=bool)
        self.elective = np.zeros(self.beds, dtype=bool)
        self.queue_rows = np.empty(0, dtype=np.int64)     # admitted, waiting in A&E for a bed
        self.queue_los = np.empty(0, dtype=np.int32)
        self.queue_support = np.empty(0, dtype=bool)
        self.admission_propensity = a.base_admission_propensity
        self.discharge_urgency = 0.0
        self.fixed_cost_per_year = 0.0    # estimated after the first month, set at the end of burn-in
        self.fixed_charged_this_year = 0.0
        self.marginal_margin = 0.0
        self.occupancy_recent = 0.85      # a 30-day moving average of midnight occupancy: bed pressure
        self.four_hour_pressure = 0.0     # shortfall below the 4-hour standard, per 10 points (regulator)
        self.extra_elective = 0.0         # extra elective capacity booked, a share of what the payer buys
        self.arrivals_without_bed = 0     # emergency admissions that found no free bed on arrival, ever
        self._extra_booked = 0.0          # admissions' worth of extra sessions booked since the last costing

    # --- capacity ---------------------------------------------------------------------------------
    @property
    def occupied(self) -> int:
        """Beds with a patient in them."""
        return int(np.count_nonzero(self.occupant >= 0))

    def free_beds(self) -> int:
        """Empty beds now."""
        return self.beds - self.occupied

    def place(self, rows: np.ndarray, los: np.ndarray, support: np.ndarray, elective: bool, day: int) -> int:
        """Put patients into free beds; return how many were placed (the rest are not placed)."""
        free = np.flatnonzero(self.occupant[: self.beds] < 0)[: rows.size]
        k = free.size
        self.occupant[free] = rows[:k]
        self.admit_day[free] = day
        self.fit_day[free] = day + los[:k]
        self.needs_support[free] = support[:k]
        self.elective[free] = elective
        return k

    def admit_emergency(self, rows: np.ndarray, los: np.ndarray, support: np.ndarray, day: int) -> None:
        """Emergency overnight admissions: a bed if free, otherwise wait in A&E (never over capacity)."""
        waiting, arriving = self.queue_rows.size, rows.size
        rows = np.concatenate([self.queue_rows, rows])
        los = np.concatenate([self.queue_los, los])
        support = np.concatenate([self.queue_support, support])
        k = self.place(rows, los, support, elective=False, day=day)
        # Those already waiting go first; the arrivals left over wait in A&E (the 4-hour breach proxy).
        self.arrivals_without_bed += arriving - max(k - waiting, 0)
        self.queue_rows, self.queue_los, self.queue_support = rows[k:], los[k:], support[k:]

    def beds_of(self, rows: np.ndarray) -> np.ndarray:
        """Bed indices currently holding any of `rows`."""
        return np.flatnonzero(np.isin(self.occupant, rows))

    def vacate(self, beds: np.ndarray) -> np.ndarray:
        """Empty the given beds and return who was in them."""
        rows = self.occupant[beds].copy()
        self.occupant[beds] = -1
        return rows

    def drop_from_queue(self, rows: np.ndarray) -> None:
        """Remove people (deaths) from the A&E bed queue."""
        keep = ~np.isin(self.queue_rows, rows)
        self.queue_rows, self.queue_los = self.queue_rows[keep], self.queue_los[keep]
        self.queue_support = self.queue_support[keep]

    def record_occupancy(self, occupied: int) -> None:
        """Midnight census: bed pressure follows occupancy as a 30-day moving average."""
        occupancy = occupied / self.beds
        self.occupancy_recent += (occupancy - self.occupancy_recent) / 30.0

    # --- behaviour --------------------------------------------------------------------------------
    def admits_at_margin(self, u: np.ndarray, alternative: np.ndarray) -> np.ndarray:
        """Which marginal A&E patients the trust admits, given a uniform per patient.

        Args:
            u: A uniform per marginal patient.
            alternative: Whether a safe alternative (a free virtual-ward place) is open to that patient;
                with one, the trust admits less readily.
        """
        substitution = self.model.scenario.acute.vw_substitution
        return u < self.admission_propensity * np.where(alternative, 1.0 - substitution, 1.0)

    def elective_sessions(self, purchased_per_day: float) -> float:
        """Today's elective capacity: what the payer buys plus the extra sessions the trust has booked."""
        extra = purchased_per_day * self.extra_elective
        self._extra_booked += extra
        return purchased_per_day + extra

    def los_multiplier(self) -> float:
        """How much of the clinical length of stay the trust's discharge effort leaves."""
        return 1.0 - self.discharge_urgency

    def update_behaviour(self, marginal_income: float, bed_day_income: float) -> None:
        """Monthly: move admission readiness and discharge urgency toward what money, beds and A&E favour.

        Args:
            marginal_income: What its contracts pay for one more short-stay emergency admission.
            bed_day_income: What its contracts pay for one more bed day.
        """
        a = self.model.scenario.acute
        p = self.model.scenario.prices
        variable = self.cost_index * a.variable_cost_share * p.nel_short_stay
        # On the host's own books, or sharing the host's result, one more admission earns more (or less) than
        # the trust's own contract pays: what the books earn from outside, and its share of the host's result.
        marginal_income += books.admission_signal(self.model, self.account, "nel_short", variable)
        self.marginal_margin = marginal_income - variable
        if a.behaviour_fixed:
            return
        # Reference point: the margin at national tariff, where the base propensity was observed.
        reference = p.nel_short_stay * (1 - a.variable_cost_share)
        pressure = max(self.occupancy_recent - COMFORTABLE_OCCUPANCY, 0.0) / 0.10
        # Below the 4-hour standard, admitting a marginal patient stops the clock: a pull towards admission.
        target = _logit(a.base_admission_propensity) \
            + a.margin_sensitivity * (self.marginal_margin - reference) / p.nel_short_stay \
            - a.pressure_sensitivity * pressure \
            + self.model.scenario.oversight.four_hour_sensitivity * self.four_hour_pressure
        target_p = 1.0 / (1.0 + np.exp(-target))
        bed_day_margin = (bed_day_income - self.cost_index * a.variable_cost_share * a.bed_day_cost) / a.bed_day_cost
        urgency = a.discharge_urgency_max / (1.0 + np.exp(-(a.pressure_sensitivity * pressure - bed_day_margin)))
        speed = a.behaviour_adjust_per_month
        self.admission_propensity += speed * (target_p - self.admission_propensity)
        self.discharge_urgency += speed * (urgency - self.discharge_urgency)
        self.review_beds()

    def review_beds(self) -> None:
        """Monthly: close beds it does not need where closing them saves its books money; reopen where it does not.

        A trust whose payer reimburses its costs (cost plus) loses its margin with every bed it closes, so it keeps
        them all; one that keeps what it saves (capitation on its own books, an activity or block contract, or its
        share of the host's savings where it shares the host's risk) closes beds until occupancy is back at 85%, a share
        `bed_closure_per_year` of the way a year (wards close and staff are redeployed over months, not days).
        Only empty beds close; their staffed-bed cost stops.
        """
        rate = self.model.scenario.acute.bed_closure_per_year
        if rate <= 0:
            return
        needed = self.occupancy_recent * self.beds / COMFORTABLE_OCCUPANCY
        saves = books.cost_saving_share(self.model, self.account) > 0
        wanted = min(float(self.physical_beds), needed) if saves else float(self.physical_beds)
        self.open_beds_wanted += rate / 12.0 * (wanted - self.open_beds_wanted)
        change = round(self.open_beds_wanted) - self.beds
        if change > 0:
            self.beds = min(self.beds + change, self.physical_beds)
        elif change < 0:
            self._close_beds(-change)

    def _close_beds(self, k: int) -> None:
        """Close up to `k` empty beds: move patients out of the highest-numbered open beds, then close those."""
        k = min(k, self.free_beds(), self.beds - 1)
        if k <= 0:
            return
        keep = self.beds - k
        top = np.arange(keep, self.beds)
        movers = top[self.occupant[top] >= 0]
        holes = np.flatnonzero(self.occupant[:keep] < 0)[: movers.size]
        for arr in (self.occupant, self.admit_day, self.fit_day, self.needs_support, self.elective):
            arr[holes] = arr[movers]
        self.occupant[movers] = -1
        self.beds = keep

    def face_four_hour_pressure(self, pressure: float) -> None:
        """Monthly, from the regulator: how far A&E falls below the 4-hour standard (per 10 points)."""
        self.four_hour_pressure = pressure

    def respond_to_rtt(self, pressure: float) -> None:
        """Monthly: below the 18-week standard, book extra elective sessions in proportion to the shortfall.

        Args:
            pressure: How far the waiting list falls below the standard, per 10 percentage points (0 if not).
        """
        if self.model.scenario.acute.behaviour_fixed:
            return
        o = self.model.scenario.oversight
        target = min(o.rtt_capacity_response * pressure, o.rtt_max_extra_capacity)
        self.extra_elective += self.model.scenario.acute.behaviour_adjust_per_month * (target - self.extra_elective)

    # --- money ------------------------------------------------------------------------------------
    def extra_session_cost(self) -> float:
        """What an extra elective case costs beyond the variable cost every case carries, GBP.

        Extra sessions are paid at premium rates or bought from independent providers at tariff, so a case in
        one costs `extra_capacity_cost_share` of the mean elective tariff in all.
        """
        sc = self.model.scenario
        p, e = sc.prices, sc.elective
        mean_tariff = e.day_case_share * p.day_case + (1 - e.day_case_share) * p.elective_inpatient
        return max(sc.oversight.extra_capacity_cost_share - sc.acute.variable_cost_share, 0.0) * mean_tariff

    def cost_today(self, variable_cost: float) -> float:
        """Fixed share, staffed beds (at its cost index), extra elective sessions and today's variable costs."""
        a = self.model.scenario.acute
        fixed = self.fixed_cost_per_year / DAYS_PER_YEAR
        self.fixed_charged_this_year += fixed
        sessions = self._extra_booked * self.extra_session_cost()
        self._extra_booked = 0.0
        return fixed + self.beds * a.bed_day_cost * self.cost_index + sessions + variable_cost

    def estimate_fixed_cost(self, first_month_result: float) -> None:
        """A provisional fixed cost from the first month, so the burn-in trust is not shown a windfall."""
        self.fixed_cost_per_year = max(12.0 * first_month_result, 0.0)

    def settle_fixed_cost(self, burn_in_result: float) -> None:
        """End of burn-in: fixed costs are what the year's income left after beds and variable costs.

        `burn_in_result` is the trust's result for the year, after the provisional fixed cost it was charged;
        so the calibrated baseline trust breaks even from here on.
        """
        self.fixed_cost_per_year = max(burn_in_result + self.fixed_charged_this_year, 0.0)

    def close_year(self) -> None:
        """Year end: start counting the fixed cost charged afresh."""
        self.fixed_charged_this_year = 0.0


class WaitingList:
    """First-come first-served list of people waiting for elective admission."""

    def __init__(self) -> None:
        self.rows = np.empty(0, dtype=np.int64)

    def join(self, rows: np.ndarray) -> None:
        """Add referrals to the back of the list."""
        self.rows = np.concatenate([self.rows, rows])

    def front(self, n: int) -> np.ndarray:
        """The first `n` people waiting: today's candidates for treatment."""
        return self.rows[:n]

    def remove_treated(self, n: int, treated: np.ndarray) -> None:
        """Take the treated out of the first `n`; those not treated keep their place at the front."""
        candidates = self.rows[:n]
        self.rows = np.concatenate([candidates[~np.isin(candidates, treated)], self.rows[n:]])

    def waiting_longer_than(self, days: float, today: int, waiting_since: np.ndarray) -> int:
        """How many people on the list have waited more than `days` (their referral day is `waiting_since`)."""
        return int(np.count_nonzero(today - waiting_since[self.rows] > days))

    def remove_dead(self, pop_state: np.ndarray) -> None:
        """Drop those who have died."""
        self.rows = self.rows[pop_state[self.rows] != DEAD]

    def __len__(self) -> int:
        return int(self.rows.size)
