"""`HostProvider`: the IHO contract holder, planning investment from the returns it expects.

It holds the capitated budget, pays sub-contracts, and invests in community capacity, prevention and GP
proactive care through its own investment contracts (the model's funding step turns them into capacity).
The host can be wrong: its beliefs start from a prior and move only with what it observes, it discounts
uncertain returns by its risk appetite, and it can run a deficit. A host in deficit buys less elective activity;
when the waiting list then falls below the 18-week standard, regulatory pressure pushes it back to buying.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from ihoabm.core.population import DAYS_PER_YEAR
from ihoabm.money.contracts import Contract

if TYPE_CHECKING:
    from ihoabm.scenario.schema import Scenario


@dataclass(frozen=True)
class Lever:
    """Something the host can invest in: its name, what it buys, and how long it takes to work.

    Attributes:
        name: the lever's name in outputs and beliefs.
        buys: the investment contract that carries its money.
        lag_years: years from investing to full effect (hiring, or prevention working over years).
        runs_already: whether the service runs without the host's money (community services on their block),
            so the host can learn its return without investing; otherwise only a pilot can show it.
    """

    name: str
    buys: str
    lag_years: Callable[[Scenario], float]
    runs_already: bool


def _hiring(sc: Scenario) -> float:
    return sc.community.hiring_lag_months / 12.0


# In the community provider's stream order first (caseload, UCR, virtual ward), then GP care and prevention.
LEVERS: tuple[Lever, ...] = (
    Lever("caseload", "invest_community", _hiring, runs_already=True),
    Lever("ucr", "invest_community", _hiring, runs_already=True),
    Lever("virtual_ward", "invest_community", _hiring, runs_already=True),
    # assumption: practices recruit for proactive care in about 6 months
    Lever("proactive", "invest_proactive", lambda sc: 0.5, runs_already=False),
    Lever("prevention", "invest_prevention", lambda sc: sc.health.prevention_lag_years, runs_already=False),
)
PILOTED = np.array([not lever.runs_already for lever in LEVERS])
# assumption: the board's uncertainty about any lever's return before evidence, one GBP per GBP either way
PRIOR_SD = 1.0
LEVER = {lever.name: i for i, lever in enumerate(LEVERS)}
COMMUNITY_LEVERS = [i for i, lever in enumerate(LEVERS) if lever.buys == "invest_community"]


class HostProvider(mesa.Agent):
    """Plans investment each planning cycle; learns each contract year."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        h = model.scenario.host
        self.belief = np.full(len(LEVERS), h.prior_return)
        self.evidence_years = np.zeros(len(LEVERS))
        self.invest = np.zeros(len(LEVERS))       # GBP a year per lever
        self.elective_purchase = 1.0              # share of elective capacity it pays for
        self.affordability = 1.0                  # 1 until a deficit passes the risk-share corridor, then less
        self.oversight_pressure = 0.0             # shortfall below the 18-week standard, per 10 points
        self.reserves = 0.0
        self.last_npv = np.zeros(len(LEVERS))
        self.qalys_per_crisis_gbp = 0.0          # QALYs lost per GBP of crisis cost, as last observed
        # What the host buys with its investment; accrued and paid like any other contract.
        self.contracts = {
            "invest_community": Contract.of("community investment", "host", "community", "community", "block"),
            "invest_proactive": Contract.of("GP proactive care", "host", "gp", "primary", "block"),
            "invest_prevention": Contract.of("prevention", "host", "prevention", "prevention", "block"),
        }

    def community_investment(self) -> np.ndarray:
        """Extra community funding per stream (caseload, UCR, virtual ward, discharge)."""
        return np.array([*self.invest[COMMUNITY_LEVERS], 0.0])

    def proactive_investment(self) -> float:
        """GBP a year for GP proactive care."""
        return float(self.contracts["invest_proactive"].annual_value)

    def prevention_investment(self) -> float:
        """GBP a year for prevention."""
        return float(self.contracts["invest_prevention"].annual_value)

    # --- planning ---------------------------------------------------------------------------------
    def expected_npv(self) -> np.ndarray:
        """Net present value per GBP a year invested in each lever over the planning horizon.

        A lever's value is the money it is believed to save plus, at the board's population health weight,
        the health it buys: averted crises valued in QALYs at the host's value of a QALY.
        """
        h = self.model.scenario.host
        years = np.arange(1, int(np.ceil(h.horizon_years)) + 1, dtype=float)
        years = years[years <= h.horizon_years + 1e-9] if h.horizon_years >= 1 else np.array([h.horizon_years])
        lag = np.array([lever.lag_years(self.model.scenario) for lever in LEVERS])[:, None]
        ramp = 1.0 - np.exp(-years[None, :] / np.maximum(lag, 1e-6))
        # Untested levers are uncertain; a cautious host discounts them more.
        uncertainty = 1.0 / (1.0 + self.evidence_years)
        haircut = 1.0 - (1.0 - h.risk_appetite) * uncertainty
        health = h.population_health_weight * h.qaly_value * self.qalys_per_crisis_gbp
        value = self.belief * haircut * (1.0 + health) + self.premium_per_gbp()
        discount = (1.0 + h.discount_rate) ** -years
        return ((value[:, None] * ramp - 1.0) * discount[None, :]).sum(axis=1)

    def premium_per_gbp(self) -> np.ndarray:
        """Invest-to-save premium earned per GBP of community investment (contacts bought times premium)."""
        premium = self.model.commissioner.contracts.get("premium")
        rate = premium.prices.get("community_contact", 0.0) if premium else 0.0
        per_gbp = rate / self.model.scenario.prices.community_contact
        return np.array([per_gbp if lever.buys == "invest_community" else 0.0 for lever in LEVERS])

    def plan(self) -> None:
        """Planning cycle: set investment per lever and how much elective activity to buy."""
        m = self.model
        h = m.scenario.host
        if not h.invest:
            return
        contract_value = m.commissioner.capitation_gross or 1.0
        corridor = max(m.scenario.contract.risk_share_corridor, 0.005) * contract_value
        standing = self.reserves + m.ledger.year_result("host", m.year)
        # A host in deficit beyond its risk-share corridor protects its position: it buys less elective
        # activity and invests less, the more so the deeper the deficit.
        affordability = float(np.clip(1.0 + (standing + corridor) / (2.0 * corridor), 0.0, 1.0))
        self.affordability = affordability
        self._set_elective_purchase()
        npv = self.expected_npv()
        self.last_npv = npv
        budget = h.max_invest_share * contract_value * affordability
        # The better a lever looks, the more of the budget it gets (assumption: an expected NPV of one
        # pound per pound invested earns half the budget); weak cases get little, so the horizon matters.
        positive = np.maximum(npv, 0.0)
        share = positive / (positive + 1.0)
        share = share / max(share.sum(), 1.0)
        target = budget * share
        # A lever nobody runs yet cannot show its return unless it is tried: the board sets aside a pilot share of
        # the budget for such levers until a year's evidence is in, the more so the longer its horizon (it
        # expects to use what it learns for longer; assumption: in proportion, up to a ten-year horizon).
        untried = PILOTED & (self.evidence_years == 0) & (target == 0)
        if untried.any():
            pilot = h.pilot_share * budget * min(h.horizon_years / 10.0, 1.0)
            target[untried] = pilot / untried.sum()
        # Moving money takes a planning cycle or two: partial adjustment avoids whiplash.
        self.invest += 0.5 * (target - self.invest)
        self.invest[self.invest < 1.0] = 0.0
        self._commit()

    def meet_oversight(self, pressure: float) -> None:
        """Monthly, from the regulator: how far the waiting list falls below the 18-week standard (per 10 points)."""
        self.oversight_pressure = pressure
        self._set_elective_purchase()

    def elective_health_weight(self) -> float:
        """Share of an elective's price that the board counts as health lost when it does not buy it.

        The host believes each treatment not bought keeps someone waiting, on average, half a year longer
        (assumption: cuts are spread over a year) at the waiting decrement of quality of life; it values that
        at its value of a QALY, weighted by the board's population health weight.
        """
        sc = self.model.scenario
        e = sc.elective
        price = e.day_case_share * sc.prices.day_case + (1.0 - e.day_case_share) * sc.prices.elective_inpatient
        qalys = 0.5 * sc.outcomes.utility_waiting
        return min(sc.host.population_health_weight * sc.host.qaly_value * qalys / price, 1.0)

    def _set_elective_purchase(self) -> None:
        """Elective purchasing: cut by up to a fifth as affordability falls.

        The cut is smaller the more the board values the health it costs; oversight restores what was cut.
        """
        cut = 0.2 * (1.0 - self.affordability) * (1.0 - self.elective_health_weight())
        restore = min(self.model.scenario.oversight.rtt_purchase_restore * self.oversight_pressure, 1.0)
        self.elective_purchase = 1.0 - cut * (1.0 - restore)

    def _commit(self) -> None:
        """Put the investment plan into the host's investment contracts."""
        for name, contract in self.contracts.items():
            contract.annual_value = float(sum(self.invest[i] for i, lever in enumerate(LEVERS) if lever.buys == name))

    # --- learning ---------------------------------------------------------------------------------
    def observe_year(self, year: int) -> None:
        """What a manager can learn of each lever's marginal return over the contract year just ended.

        Returns are outcomes against what the host's risk model expected without the lever, counted only where
        one more pound would have bought more: a UCR slot or a virtual-ward place adds nothing on days it was not
        all used. Prevention is read from a leading indicator, new long-term conditions against those expected,
        valued at the crises a condition adds over the host's horizon. The counts are a year's, so the host
        learns with a year's delay and with the noise of small numbers.
        """
        m = self.model
        t, sc = m.tally, m.scenario
        price = m.commissioner.marginal_income
        variable = sc.acute.variable_cost_share
        admission = price("acute", "nel_long", variable * sc.prices.nel_long_stay)
        ae = price("acute", "ae", variable * sc.prices.ae_attendance)
        crises = max(t.year_total("crises", year), 1.0)
        admit_if_conveyed = t.year_total("nel_admissions", year) / max(t.year_total("ae_attendances", year), 1.0)
        per_crisis = (t.year_total("nel_admissions", year) * admission + t.year_total("ae_attendances", year) * ae) \
            / crises
        self._observe_health(year, crises, per_crisis)
        spend = np.zeros(len(LEVERS))
        spend[COMMUNITY_LEVERS] = (m.community.capacity_by_stream * m.community.unit_cost)[:len(COMMUNITY_LEVERS)]
        spend[LEVER["proactive"]] = self.invest[LEVER["proactive"]]
        spend[LEVER["prevention"]] = self.invest[LEVER["prevention"]]
        saved = np.full(len(LEVERS), np.nan)
        noise = np.zeros(len(LEVERS))       # standard error of `saved`: counts are Poisson, so sqrt(count)
        # Caseload and proactive care: crises seen against those the risk model expected.
        for lever in ("caseload", "proactive"):
            expected = t.year_total(f"{lever}_expected_crises", year)
            if expected > 0:
                saved[LEVER[lever]] = max(expected - t.year_total(f"{lever}_crises", year), 0.0) * per_crisis
                noise[LEVER[lever]] = np.sqrt(expected) * per_crisis
        binding = {k: t.year_total(f"{k}_full_days", year) / DAYS_PER_YEAR for k in ("ucr", "vw")}
        referrals, step_ups = t.year_total("ucr_referrals", year), t.year_total("vw_step_up", year)
        per_referral = (admit_if_conveyed * admission + ae) * binding["ucr"]
        saved[LEVER["ucr"]], noise[LEVER["ucr"]] = referrals * per_referral, np.sqrt(referrals) * per_referral
        per_step_up = admission * binding["vw"]
        saved[LEVER["virtual_ward"]], noise[LEVER["virtual_ward"]] = step_ups * per_step_up, \
            np.sqrt(step_ups) * per_step_up
        expected = t.year_total("ltc_onsets_expected", year)
        if expected > 0:
            # An averted condition adds (relative hazard - 1) times the average crisis rate, every year of the
            # horizon (the host's risk model; its coefficients are the model's).
            extra = (sc.health.crisis_ltc_rr - 1.0) * crises / max(m.population_size(), 1)
            per_onset = extra * per_crisis * sc.host.horizon_years
            saved[LEVER["prevention"]] = (expected - t.year_total("ltc_onsets", year)) * per_onset
            noise[LEVER["prevention"]] = np.sqrt(expected) * per_onset
        observable = np.isfinite(saved) & (spend > 0)
        nan = np.full(len(LEVERS), np.nan)
        self.learn(np.divide(saved, spend, out=nan.copy(), where=observable), observable,
                   np.divide(noise, spend, out=nan.copy(), where=observable))

    def _observe_health(self, year: int, crises: float, per_crisis: float) -> None:
        """QALYs lost per GBP of crisis cost: quality of life lost in acute episodes, a year's count.

        Only the episode is counted (days in a bed, waiting in A&E for one, or on a virtual ward, at the episode
        decrement); deaths are not, so the host undervalues health (a limitation in the ODD).
        """
        t, o = self.model.tally, self.model.scenario.outcomes
        days = t.year_total("bed_days", year) + t.year_total("boarding_days", year) \
            + t.year_total("vw_contacts", year)
        qalys = o.utility_episode * days / DAYS_PER_YEAR / crises
        self.qalys_per_crisis_gbp = qalys / per_crisis if per_crisis > 0 else 0.0

    def learn(self, observed_return: np.ndarray, observable: np.ndarray,
              standard_error: np.ndarray | None = None) -> None:
        """Yearly: move beliefs toward the returns observed where they could be observed.

        A noisy observation counts for less: the step is `learning_rate` times the share of the observation's
        variance that is signal, against a prior standard deviation of `PRIOR_SD` (a small pilot's count of
        averted conditions says little).
        """
        lr = self.model.scenario.host.learning_rate
        se = np.zeros(len(LEVERS)) if standard_error is None else np.nan_to_num(standard_error, nan=np.inf)
        obs = observable & np.isfinite(observed_return)
        weight = lr * PRIOR_SD**2 / (PRIOR_SD**2 + se[obs] ** 2)
        self.belief[obs] += weight * (observed_return[obs] - self.belief[obs])
        self.evidence_years[obs] += 1

    def close_year(self, result: float) -> None:
        """Carry the year's result into reserves."""
        self.reserves += result

    def reset_beliefs(self) -> None:
        """A new leadership team: beliefs go back to the prior and the evidence gathered is set aside.

        Called by `ihoabm.providers.governance` on leadership turnover; the plan in force stays until it re-plans.
        """
        self.belief[:] = self.model.scenario.host.prior_return
        self.evidence_years[:] = 0

    def stand_down(self) -> None:
        """The ICB has taken services back: the host stops investing (its investment contracts fall to zero)."""
        self.invest[:] = 0.0
        self._commit()
