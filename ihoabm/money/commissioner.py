"""`Commissioner` (the ICB): sets the contracts each contract year and settles them at year end.

This is the one place that reads the payment regime's name: it decides who is paid what, in which payment
form. Building contracts changes nothing else: providers' capacities follow their funding in the model's
own funding step. Providers only ever see the resulting prices, budgets and capacities.
"""

from __future__ import annotations

import mesa

from ihoabm.money import books, settlement
from ihoabm.money.contracts import ACUTE_ACTIVITIES, ACUTE_SERVICES, Contract, tariff
from ihoabm.money.forms import build_form
from ihoabm.pathways import quality

PARTNERS = ("acute", "community", "gp", "ambulance")


class Commissioner(mesa.Agent):
    """The ICB. Holds the allocation, sets contracts from what it observed, settles accounts."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.contracts: dict[str, Contract] = {}
        self.observed: dict[str, float] = {}
        self.reference_outcomes: dict[str, float] = {}   # the burn-in year's, for tied funding
        self.capitation_gross = 0.0
        self.regime = "icb"
        self.history = True            # a burn-in year: paid as the system was paid until now (PbR tariff)
        self.gp_need_weighted = True   # whether this year's GP capitation follows need-weighted lists
        self.services_taken_back = False   # oversight ended the IHO contract (providers/governance.py)

    # --- contract design --------------------------------------------------------------------------
    def open_year(self, year: int) -> None:
        """Receive the allocation and put this year's contracts in place."""
        m = self.model
        sc = m.scenario
        c = sc.contract
        pop = m.population_size()
        m.ledger.transfer(m.day, year, "treasury", "icb", c.icb_allocation_per_head * pop, "allocation")
        # Burn-in years are history: the system as it has been paid until now (full tariff for every spell).
        self.history = year < sc.run.burn_in_years
        self.regime = "icb" if self.history or self.services_taken_back else c.regime
        payer = "host" if self.regime == "iho" else "icb"
        weighted = m.weighted_population()
        self.contracts = {}
        for account in self.model.trust_accounts:
            if self.regime == "iho":
                self.contracts[account] = self._acute_subcontract(account)
            else:
                self.contracts.update(self._acute_services(account))
        self.contracts["community"] = self._community_contract(payer, year)
        per_weighted = c.gp_capitation_per_weighted_head
        self.gp_need_weighted = c.need_weighting or payer == "icb"
        gp_value = per_weighted * (weighted if self.gp_need_weighted else pop)
        self.contracts["gp"] = Contract.of("gp capitation", payer, "gp", "primary", "capitation", gp_value)
        if c.ambulance_payment == "per_incident":
            amb = Contract.of("ambulance", payer, "ambulance", "ambulance", "activity",
                              prices=tariff(sc.prices, ("incident",)))
        else:
            value = self.observed.get("incidents", 0.0) * sc.prices.ambulance_incident or \
                0.15 * pop * sc.prices.ambulance_incident
            amb = Contract.of("ambulance", payer, "ambulance", "ambulance", "block", value)
        self.contracts["ambulance"] = amb
        if sc.elective.independent_capacity_per_1000 > 0:
            # The independent sector is paid national tariff per case by whoever buys planned care.
            prices = {"is_elective": sc.prices.elective_inpatient, "is_day_case": sc.prices.day_case}
            self.contracts["independent"] = Contract.of("independent sector electives", payer, "independent",
                                                        "acute", "activity", prices=prices)
        if self.regime == "iho":
            self._host_contracts(year, pop, weighted)

    def _acute_services(self, account: str) -> dict[str, Contract]:
        """The ICB's contracts with one trust, one per service, each in the payment form the scenario names.

        Fixed elements and baselines are set from the value of the service's activity in the last year under
        tariff (the plan), held flat in real terms like the prices.
        """
        sc = self.model.scenario
        contracts = {}
        for service, activities in ACUTE_SERVICES.items():
            name = "activity" if self.history else getattr(sc.contract, f"acute_{service}_payment")
            planned = self.observed.get(f"{account}_{service}_value", 0.0)
            form = build_form(name, sc.contract, planned, self.observed)
            contracts[f"{account}_{service}"] = Contract.of(f"{account} {service} ({name})", "icb", account, "acute",
                                                            form, form.fixed_element(planned),
                                                            tariff(sc.prices, activities))
        return contracts

    def _acute_subcontract(self, account: str) -> Contract:
        """The host's sub-contract with one trust: all its services in one payment form.

        A host that is the main trust holds this contract with itself: it nets out on its books (`books`).
        """
        sc = self.model.scenario
        observed_income = self.observed.get(f"{account}_activity_value", 0.0)
        form = sc.contract.acute_subcontract
        return Contract(f"{account} {form}", "host", account, "acute", build_form(form, sc.contract, observed_income),
                        observed_income, tariff(sc.prices, ACUTE_ACTIVITIES))

    def take_back_services(self) -> None:
        """Oversight intervention: from the next contract year the ICB contracts with each provider directly."""
        self.services_taken_back = True

    def payer_of(self, payee: str) -> str:
        """Who pays `payee` this year (the ICB, or under an IHO the host)."""
        return next((k.payer for k in self.contracts.values() if k.payee == payee), "icb")

    def _community_contract(self, payer: str, year: int) -> Contract:
        m = self.model
        sc = m.scenario
        growth = (1 + sc.contract.community_block_uplift) ** year
        block = sc.community.funding_per_head * m.population_size() * growth
        form = sc.contract.community_subcontract if self.regime == "iho" else "block"
        prices = tariff(sc.prices, ("community_contact",))
        terms = build_form(form, sc.contract, self.observed.get("community_activity_value", 0.0))
        return Contract(f"community {form}", payer, "community", "community", terms, block, prices)

    def _host_contracts(self, year: int, pop: int, weighted: float) -> None:
        sc = self.model.scenario
        c = sc.contract
        per_head = self.observed.get("spend_per_weighted_head" if c.need_weighting else "spend_per_head", 0.0)
        base = weighted if c.need_weighting else pop
        self.capitation_gross = per_head * base * c.capitation_level
        paid = self.capitation_gross * (1 - c.tied_funding_share)
        self.contracts["capitation"] = Contract.of("IHO capitation", "icb", "host", "capitation", "capitation",
                                                   paid)
        if year - sc.run.burn_in_years < c.invest_to_save_years and c.invest_to_save_premium > 0:
            premium = {"community_contact": c.invest_to_save_premium * sc.prices.community_contact}
            self.contracts["premium"] = Contract.of("invest-to-save premium", "icb", "host", "premium",
                                                    "activity", prices=premium)

    def marginal_income(self, payee: str, activity: str, variable_cost: float) -> float:
        """What one more unit of `activity` earns `payee` across its contracts this year."""
        return sum(k.marginal_price(activity, variable_cost) for k in self.contracts.values()
                   if k.payee == payee)

    # --- settlement -------------------------------------------------------------------------------
    def settle_year(self, year: int) -> None:
        """Year-end: shared savings, and under an IHO tied funding, the risk-share corridor and alliance shares."""
        m = self.model
        settlement.shared_savings(m.ledger, m.day, year, self.contracts.values())
        if self.regime == "iho":
            c = m.scenario.contract
            # A host that is a provider carries that provider's result: risk is shared on the whole books.
            settlement.consolidate(m.ledger, m.day, year, books.books_of(m, "host"))
            # The score is that of the year being settled, against the burn-in's.
            score = settlement.outcome_score(self.outcomes(year), self.reference_outcomes, c.tied_funding_measures)
            settlement.tied_funding(m.ledger, m.day, year, self.capitation_gross * c.tied_funding_share, score)
            settlement.risk_share(m.ledger, m.day, year, self.capitation_gross, c.risk_share_corridor,
                                  c.risk_share_icb)
            if c.host_variant == "alliance":
                partners = {p: self.contracts[p] for p in books.alliance_partners(m)}
                settlement.alliance_shares(m.ledger, m.day, year, partners, c.alliance_pool_share)
        self._observe(year)

    def outcomes(self, year: int) -> dict[str, float]:
        """The outcomes tied funding can be paid on, for `year`.

        Emergency admissions per head; QALYs per head against what the population's age and sex alone would give
        (so that ageing is not counted); and the share of the waiting list within the standard.
        """
        m = self.model
        pop = m.population_size()
        return {"nel_admissions": m.tally.year_total("nel_admissions", year) / pop,
                "qalys": m.tally.year_total("qalys", year) / pop / max(quality.expected_utility(m), 1e-9),
                "rtt_within_18_weeks": m.regulator.rtt_performance}

    def _observe(self, year: int) -> None:
        """Record what this year cost, the actuarial basis for next year's capitation and blocks."""
        m = self.model
        spend = m.ledger.spend_by_setting(year)
        total = sum(spend.values()) - spend.get("prevention", 0.0)
        pop = m.population_size()
        if self.history:
            # Contracts are set from the system as it was run and paid until now (the status quo).
            self.observed["spend_per_head"] = total / pop
            self.observed["spend_per_weighted_head"] = total / m.weighted_population()
            for account in m.trust_accounts:
                for service in ACUTE_SERVICES:
                    value = self.contracts[f"{account}_{service}"].activity_value
                    self.observed[f"{account}_{service}_value"] = value
                self.observed[f"{account}_activity_value"] = sum(self.observed[f"{account}_{s}_value"]
                                                                 for s in ACUTE_SERVICES)
            self.observed["community_activity_value"] = self.contracts["community"].activity_value
            admissions = m.tally.year_total("nel_admissions", year)
            self.observed["nel_per_head"] = admissions / pop
            self.reference_outcomes = self.outcomes(year)
            readmissions = m.tally.year_total("nel_readmissions", year)
            self.observed["readmissions_per_index_admission"] = readmissions / max(admissions - readmissions, 1.0)
        self.observed["incidents"] = float(m.tally.year_total("ambulance_incidents", year))
