"""`HostProvider`: the IHO contract holder, planning investment from the returns it expects.

It holds the capitated budget, pays sub-contracts, and invests in community capacity, prevention and GP
proactive care through its own investment contracts (the model's funding step turns them into capacity).
The host can be wrong: its beliefs start from a prior and move only with what it observes, it discounts
uncertain returns by its risk appetite, and it can run a deficit. A host in deficit buys less elective activity;
when the waiting list then falls below the 18-week standard, regulatory pressure pushes it back to buying.
"""

from __future__ import annotations

import mesa
import numpy as np

from ihoabm.money.contracts import Contract

LEVERS = ("caseload", "ucr", "virtual_ward", "proactive", "prevention")
CASELOAD, UCR, VIRTUAL_WARD, PROACTIVE, PREVENTION = range(len(LEVERS))
COMMUNITY_LEVERS = (CASELOAD, UCR, VIRTUAL_WARD)   # in the community provider's stream order


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
        # What the host buys with its investment; accrued and paid like any other contract.
        self.contracts = {
            "invest_community": Contract.of("community investment", "host", "community", "community", "block"),
            "invest_proactive": Contract.of("GP proactive care", "host", "gp", "primary", "block"),
            "invest_prevention": Contract.of("prevention", "host", "prevention", "prevention", "block"),
        }

    def community_investment(self) -> np.ndarray:
        """Extra community funding per stream (caseload, UCR, virtual ward, discharge)."""
        return np.array([*self.invest[list(COMMUNITY_LEVERS)], 0.0])

    def proactive_investment(self) -> float:
        """GBP a year for GP proactive care."""
        return float(self.contracts["invest_proactive"].annual_value)

    def prevention_investment(self) -> float:
        """GBP a year for prevention."""
        return float(self.contracts["invest_prevention"].annual_value)

    # --- planning ---------------------------------------------------------------------------------
    def _lags_years(self) -> np.ndarray:
        sc = self.model.scenario
        hire = sc.community.hiring_lag_months / 12.0
        return np.array([hire, hire, hire, 0.5, sc.health.prevention_lag_years])

    def expected_npv(self) -> np.ndarray:
        """Net present value per GBP a year invested in each lever over the planning horizon."""
        h = self.model.scenario.host
        years = np.arange(1, int(np.ceil(h.horizon_years)) + 1, dtype=float)
        years = years[years <= h.horizon_years + 1e-9] if h.horizon_years >= 1 else np.array([h.horizon_years])
        lag = self._lags_years()[:, None]
        ramp = 1.0 - np.exp(-years[None, :] / np.maximum(lag, 1e-6))
        # Untested levers are uncertain; a cautious host discounts them more.
        uncertainty = 1.0 / (1.0 + self.evidence_years)
        haircut = 1.0 - (1.0 - h.risk_appetite) * uncertainty
        value = self.belief * haircut * (1.0 + h.population_health_weight) + self.premium_per_gbp()
        discount = (1.0 + h.discount_rate) ** -years
        return ((value[:, None] * ramp - 1.0) * discount[None, :]).sum(axis=1)

    def premium_per_gbp(self) -> np.ndarray:
        """Invest-to-save premium earned per GBP of community investment (contacts bought times premium)."""
        premium = self.model.commissioner.contracts.get("premium")
        rate = premium.prices.get("community_contact", 0.0) if premium else 0.0
        per_gbp = rate / self.model.scenario.prices.community_contact
        return np.array([per_gbp, per_gbp, per_gbp, 0.0, 0.0])

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
        # Moving money takes a planning cycle or two: partial adjustment avoids whiplash.
        self.invest += 0.5 * (target - self.invest)
        self.invest[self.invest < 1.0] = 0.0
        self._commit()

    def meet_oversight(self, pressure: float) -> None:
        """Monthly, from the regulator: how far the waiting list falls below the 18-week standard (per 10 points)."""
        self.oversight_pressure = pressure
        self._set_elective_purchase()

    def _set_elective_purchase(self) -> None:
        """Elective purchasing: cut by up to a fifth as affordability falls; oversight restores what was cut."""
        cut = 0.2 * (1.0 - self.affordability)
        restore = min(self.model.scenario.oversight.rtt_purchase_restore * self.oversight_pressure, 1.0)
        self.elective_purchase = 1.0 - cut * (1.0 - restore)

    def _commit(self) -> None:
        """Put the investment plan into the host's investment contracts."""
        self.contracts["invest_community"].annual_value = float(self.invest[list(COMMUNITY_LEVERS)].sum())
        self.contracts["invest_proactive"].annual_value = float(self.invest[PROACTIVE])
        self.contracts["invest_prevention"].annual_value = float(self.invest[PREVENTION])

    # --- learning ---------------------------------------------------------------------------------
    def observe_year(self, year: int) -> None:
        """What the host can observe of each lever's return over the contract year just ended."""
        m = self.model
        t, sc = m.tally, m.scenario
        price = m.commissioner.marginal_income
        variable = sc.acute.variable_cost_share
        admission = price("acute", "nel_long", variable * sc.prices.nel_long_stay)
        ae = price("acute", "ae", variable * sc.prices.ae_attendance)
        admit_if_conveyed = t.year_total("nel_admissions", year) / max(t.year_total("ae_attendances", year), 1.0)
        per_crisis = (t.year_total("nel_admissions", year) * admission + t.year_total("ae_attendances", year) * ae) \
            / max(t.year_total("crises", year), 1.0)
        spend = m.community.capacity_by_stream * m.community.unit_cost
        observed = np.full(len(LEVERS), np.nan)
        observable = np.zeros(len(LEVERS), dtype=bool)
        # Caseload and proactive care: crises seen against those the risk model expected.
        for lever, seen, expected, cost in ((CASELOAD, "caseload_crises", "caseload_expected_crises", spend[0]),
                                            (PROACTIVE, "proactive_crises", "proactive_expected_crises",
                                             self.invest[PROACTIVE])):
            exp = t.year_total(expected, year)
            if exp > 0 and cost > 0:
                averted = max(exp - t.year_total(seen, year), 0.0)
                observed[lever] = averted * per_crisis / cost
                observable[lever] = True
        ucr = t.year_total("ucr_referrals", year)
        if spend[1] > 0:
            observed[UCR] = ucr * (admit_if_conveyed * admission + ae) / spend[1]
            observable[UCR] = True
        if spend[2] > 0:
            observed[VIRTUAL_WARD] = t.year_total("vw_step_up", year) * admission / spend[2]
            observable[VIRTUAL_WARD] = True
        self.learn(observed, observable)

    def learn(self, observed_return: np.ndarray, observable: np.ndarray) -> None:
        """Yearly: move beliefs toward the returns observed where they could be observed."""
        lr = self.model.scenario.host.learning_rate
        obs = observable & np.isfinite(observed_return)
        self.belief[obs] += lr * (observed_return[obs] - self.belief[obs])
        self.evidence_years[obs] += 1

    def close_year(self, result: float) -> None:
        """Carry the year's result into reserves."""
        self.reserves += result
