"""`Commissioner` (the ICB): sets the contracts each contract year and settles them at year end.

This is the one place that reads the payment regime's name: it decides who is paid what. Providers only
ever see the resulting prices, budgets and capacities.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from ihoabm.finance.contracts import ACUTE_ACTIVITIES, Contract, tariff

if TYPE_CHECKING:
    from ihoabm.model import IHOModel

PARTNERS = ("acute", "community", "gp", "ambulance")


class Commissioner(mesa.Agent):
    """The ICB. Holds the allocation, sets contracts from what it observed, settles accounts."""

    def __init__(self, model: IHOModel) -> None:
        super().__init__(model)
        self.contracts: dict[str, Contract] = {}
        self.observed: dict[str, float] = {}
        self.capitation_gross = 0.0
        self.regime = "pbr"

    # --- contract design --------------------------------------------------------------------------
    def open_year(self, year: int) -> None:
        """Receive the allocation and put this year's contracts in place."""
        m = self.model
        sc = m.scenario
        c = sc.contract
        pop = m.population_size()
        m.ledger.transfer(m.day, year, "treasury", "icb", c.icb_allocation_per_head * pop, "allocation")
        # Burn-in years are history: the system as it has been paid until now.
        self.regime = c.regime if year >= sc.run.burn_in_years else "pbr"
        payer = "host" if self.regime == "iho" else "icb"
        weighted = m.weighted_population()
        self.contracts = {}
        self.contracts["acute"] = self._acute_contract(payer)
        self.contracts["community"] = self._community_contract(payer, year)
        per_weighted = c.gp_capitation_per_weighted_head
        need = c.need_weighting or payer == "icb"
        gp_value = per_weighted * (weighted if need else pop)
        self.contracts["gp"] = Contract("gp capitation", payer, "gp", "primary", "capitation", gp_value)
        m.fund_practices(gp_value, need_weighted=need)
        if c.ambulance_payment == "per_incident":
            amb = Contract("ambulance", payer, "ambulance", "ambulance", "activity",
                           prices=tariff(sc.prices, ("incident",)))
        else:
            value = self.observed.get("incidents", 0.0) * sc.prices.ambulance_incident or \
                0.15 * pop * sc.prices.ambulance_incident
            amb = Contract("ambulance", payer, "ambulance", "ambulance", "block", value)
        self.contracts["ambulance"] = amb
        if self.regime == "iho":
            self._host_contracts(year, pop, weighted)

    def _acute_contract(self, payer: str) -> Contract:
        sc = self.model.scenario
        prices = tariff(sc.prices, ACUTE_ACTIVITIES)
        observed_income = self.observed.get("acute_activity_value", 0.0)
        if self.regime == "pbr" or not observed_income:
            return Contract("acute tariff", payer, "acute", "acute", "activity", prices=prices)
        if self.regime == "blended":
            v = sc.contract.blended_variable_share
            return Contract("acute blended", payer, "acute", "acute", "blended", observed_income * (1 - v),
                            prices=prices, variable_share=v)
        form = sc.contract.acute_subcontract
        return Contract(f"acute {form}", payer, "acute", "acute", form, observed_income, prices=prices,
                        margin=sc.contract.cost_plus_margin, savings_share=sc.contract.shared_savings_share,
                        savings_baseline=observed_income)

    def _community_contract(self, payer: str, year: int) -> Contract:
        m = self.model
        sc = m.scenario
        growth = (1 + sc.contract.community_block_uplift) ** year
        block = sc.community.funding_per_head * m.population_size() * growth
        m.community.set_funding(block, m.host.community_investment() if m.host else None)
        form = sc.contract.community_subcontract if self.regime == "iho" else "block"
        prices = tariff(sc.prices, ("community_contact",))
        return Contract(f"community {form}", payer, "community", "community", form, block, prices=prices,
                        margin=sc.contract.cost_plus_margin, savings_share=sc.contract.shared_savings_share,
                        savings_baseline=self.observed.get("community_activity_value", 0.0))

    def _host_contracts(self, year: int, pop: int, weighted: float) -> None:
        sc = self.model.scenario
        c = sc.contract
        per_head = self.observed.get("spend_per_weighted_head" if c.need_weighting else "spend_per_head", 0.0)
        base = weighted if c.need_weighting else pop
        self.capitation_gross = per_head * base * c.capitation_level
        paid = self.capitation_gross * (1 - c.tied_funding_share)
        self.contracts["capitation"] = Contract("IHO capitation", "icb", "host", "capitation", "capitation",
                                                paid)
        if year - sc.run.burn_in_years < c.invest_to_save_years and c.invest_to_save_premium > 0:
            premium = {"community_contact": c.invest_to_save_premium * sc.prices.community_contact}
            self.contracts["premium"] = Contract("invest-to-save premium", "icb", "host", "premium",
                                                 "activity", prices=premium)

    def marginal_income(self, payee: str, activity: str, variable_cost: float) -> float:
        """What one more unit of `activity` earns `payee` across its contracts this year."""
        return sum(k.marginal_price(activity, variable_cost) for k in self.contracts.values()
                   if k.payee == payee)

    # --- settlement -------------------------------------------------------------------------------
    def settle_year(self, year: int) -> None:
        """Year-end: shared savings, outcome-tied funding, the risk-share corridor and alliance shares."""
        m = self.model
        for k in self.contracts.values():
            savings = k.year_end_savings()
            if savings:
                m.ledger.transfer(m.day, year, k.payer, k.payee, savings, "shared_savings")
        if self.regime == "iho":
            self._settle_host(year)
        self._observe(year)

    def _settle_host(self, year: int) -> None:
        m = self.model
        c = m.scenario.contract
        if c.tied_funding_share > 0:
            score = m.performance_score()
            m.ledger.transfer(m.day, year, "icb", "host", self.capitation_gross * c.tied_funding_share * score,
                              "tied_funding")
        result = m.year_result("host", year)
        corridor = c.risk_share_corridor * self.capitation_gross
        if abs(result) > corridor:
            excess = result - corridor if result > 0 else result + corridor
            # A surplus beyond the corridor is partly returned; a deficit partly covered.
            m.ledger.transfer(m.day, year, "host", "icb", excess * c.risk_share_icb, "risk_share")
        if c.host_variant == "alliance":
            remaining = m.year_result("host", year)
            values = {p: max(self.contracts[p].annual_value or self.contracts[p].activity_value, 1.0)
                      for p in PARTNERS}
            total = sum(values.values())
            for partner, value in values.items():
                m.ledger.transfer(m.day, year, "host", partner, remaining * value / total, "alliance_share")

    def _observe(self, year: int) -> None:
        """Record what this year cost, the actuarial basis for next year's capitation and blocks."""
        m = self.model
        spend = m.spend_by_setting(year)
        total = sum(spend.values()) - spend.get("prevention", 0.0)
        pop = m.population_size()
        if self.regime == "pbr":
            # Capitation is set from the cost of the system as it was run (the status quo).
            self.observed["spend_per_head"] = total / pop
            self.observed["spend_per_weighted_head"] = total / m.weighted_population()
            self.observed["acute_activity_value"] = self.contracts["acute"].activity_value
            self.observed["community_activity_value"] = self.contracts["community"].activity_value
            self.observed["nel_per_head"] = m.tally.year_total("nel_admissions", year) / pop
        self.observed["incidents"] = float(m.tally.year_total("ambulance_incidents", year))

    def step(self) -> None:
        """The ICB acts on its yearly cycle, driven by the model."""
