"""`IHOModel`: one local health economy, stepped one day at a time.

The day, in order (DOMAIN.md "one simulated day"):
 1. demography: deaths today; births, list turnover and ageing at the start of each month
 2. health: LTC onset and frailty progression (monthly); prevention slows onset with a lag
 3. primary care: GP demand meets practice capacity; unmet demand spills to A&E
 4. crises: exacerbations, falls and minor episodes, and crises care failures brought on, become 999 calls
    or A&E walk-ins
 5. ambulance: hear and treat, see and treat, UCR referral if a slot is free, or conveyance
 6. A&E: attend, then admit or not; marginal patients depend on the trust and virtual-ward places
 7. inpatients: discharge when fit, delayed when step-down capacity is full; midnight bed census, where a
    night waiting in A&E for a bed and a delayed day do harm
 8. elective: referrals, waiting list, admissions as capacity and beds allow
 9. community: caseloads (monthly), today's contacts; QALYs lived today
10. money: activity costed and paid under the contracts in force; monthly invoices; yearly settlement
11. decisions: oversight of the 18-week and 4-hour standards, trust behaviour and community hiring (monthly),
    host planning, ICB contracts (yearly)
12. data collection

This module is the schedule only: what happens lives in `pathways/`, who decides in `providers/`, who pays
whom in `money/`, and what is counted in `outputs/`.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from ihoabm.core.hazards import need_weight, rate_tables
from ihoabm.core.invariants import check_invariants
from ihoabm.core.population import DAYS_PER_YEAR, N_GROUPS, synthesize
from ihoabm.core.rng import Streams
from ihoabm.money.accounts import Accounts
from ihoabm.money.commissioner import Commissioner
from ihoabm.money.contracts import Contract
from ihoabm.money.ledger import ACCOUNTS, Ledger
from ihoabm.outputs.reporters import MODEL_REPORTERS
from ihoabm.outputs.tally import Tally, TrustTally
from ihoabm.pathways import community, demography, elective, emergency, harm, health, inpatient, primary, quality
from ihoabm.pathways.episodes import Episodes
from ihoabm.providers import network, trusts
from ihoabm.providers.acute import AcuteTrust, WaitingList
from ihoabm.providers.ambulance import AmbulanceService
from ihoabm.providers.community import CommunityProvider
from ihoabm.providers.governance import Governance
from ihoabm.providers.host import HostProvider
from ihoabm.providers.independent import IndependentSector
from ihoabm.providers.patient import Tracker
from ihoabm.providers.practices import Practices
from ihoabm.providers.regulator import Regulator
from ihoabm.scenario.loader import apply_overrides, build, load_scenario
from ihoabm.scenario.schema import Scenario
from ihoabm.scenario.shipped import DEFAULT


class IHOModel(mesa.Model):
    """A local health economy under a payment regime.

    Args:
        scenario: A built-in scenario name, a path to a TOML file, or a `Scenario`.
        seed: Random seed (anything `int()` accepts); defaults to the scenario's `run.seed`.
        check: Check invariants (people conserved, beds, capacities, ledger) every step.
        **kwargs: Parameter overrides as flat names (`patients=50_000`, `years=3`) or `section.key`.
    """

    def __init__(self, scenario: str | Scenario = DEFAULT, seed: Any = None, check: bool = False,
                 **kwargs: Any) -> None:
        overrides = {k: v for k, v in kwargs.items() if v is not None}
        if seed is not None:
            overrides["run.seed"] = int(seed)
        if isinstance(scenario, Scenario):
            sc = build(apply_overrides(scenario.model_dump(mode="json"), overrides, "overrides"), "overrides")
        else:
            sc = load_scenario(scenario, overrides)
        super().__init__(seed=sc.run.seed)
        self.scenario = sc
        self.check = check
        self.streams = Streams(sc.run.seed)
        self.total_years = sc.run.burn_in_years + sc.run.years
        self.total_days = self.total_years * DAYS_PER_YEAR
        n = sc.run.patients
        capacity = int(n * (1 + sc.demography.birth_rate_per_1000 / 1000 * self.total_years * 1.3)) + 64
        self.pop = synthesize(sc, n, self.streams["population"], capacity)
        self.tally = Tally(self.total_days + 1, self.total_years + 1)
        self.ledger = Ledger()
        self.accounts = Accounts(self.ledger)
        self.prevention_stock = 0.0
        self.waiting_list = WaitingList()
        self.day = 0
        self.need = need_weight(sc, self.pop)
        self.year_end_groups: dict[int, np.ndarray] = {}
        quality.start(self)
        harm.start(self)

        self.practices = Practices(self, self.pop.practice_imd + 1)
        self.community = CommunityProvider(self)
        self.ambulance = AmbulanceService(self)
        # The place's acute trusts (providers/trusts.py); the first is the main trust, `acute`.
        self.trusts = [AcuteTrust(self, k) for k in range(len(sc.acute.trust_shares))]
        self.acute = self.trusts[0]
        self.trust_accounts = [t.account for t in self.trusts]
        self.accounts.open_trust_accounts(self.trust_accounts[1:])
        self.independent = IndependentSector(self) if sc.elective.independent_capacity_per_1000 > 0 else None
        self.trust_tally = TrustTally(self.total_years, len(self.trusts) + 1, len(self.trusts))
        self.commissioner = Commissioner(self)
        # The host exists only where a capitated contract names one; it never touches pathways directly.
        self.host = HostProvider(self) if sc.contract.regime == "iho" else None
        self.governance = Governance(self)
        self.regulator = Regulator(self)
        self.network = network.build_network(self)
        tracked = self.streams["tracking"].choice(n, size=min(sc.run.tracked_patients, n), replace=False)
        self.tracker = Tracker(self, sorted(int(r) for r in tracked))

        # Contracts first, so the first month's capacities and behaviour see this year's money.
        self._update_lists()
        self.commissioner.open_year(0)
        self.fund_providers(new_year=True)
        self._start_month()
        self.datacollector = mesa.DataCollector(model_reporters=MODEL_REPORTERS)
        self.datacollector.collect(self)
        self.running = True

    # --- the day ------------------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one day."""
        self.tally.day, self.tally.year = self.day, self.year
        demography.deaths(self)
        self.community.open_day()
        gp_overflow, gp_referred = primary.gp_demand(self)
        calls, walk_ins = harm.crises(self, *emergency.crises(self))
        conveyed = emergency.ambulance(self, calls)
        emergency.emergency_department(self, Episodes.join(walk_ins, gp_overflow), conveyed)
        inpatient.admit_gp_referrals(self, gp_referred)
        inpatient.discharges(self)
        inpatient.census(self)
        elective.elective(self)
        community.daily_contacts(self)
        quality.accrue(self)
        self.tally.set("waiting_list", len(self.waiting_list))
        self.tally.set("population", self.population_size())
        self._pay_for_today()
        self.day += 1
        if self.day % DAYS_PER_YEAR == 0:
            self._close_year(self.day // DAYS_PER_YEAR - 1)
        if self._month_of(self.day) != self._month_of(self.day - 1):
            self._start_month()
        if self.check:
            check_invariants(self)
        self.datacollector.collect(self)
        if self.day >= self.total_days:
            self.running = False

    @property
    def year(self) -> int:
        """Simulation year (0-based, burn-in included) of the current day."""
        return min(self.day // DAYS_PER_YEAR, self.total_years - 1) if self.total_years else 0

    @staticmethod
    def _month_of(day: int) -> int:
        return day * 12 // DAYS_PER_YEAR

    # --- the month ----------------------------------------------------------------------------------
    def _start_month(self) -> None:
        """Monthly processes: demography, health, lists, caseloads, oversight, behaviour, hiring, planning."""
        month = self._month_of(self.day)
        if self.day > 0:
            demography.births(self)
            demography.turnover(self)
            health.progress(self)
            self.waiting_list.remove_dead(self.pop.state)
        if month == 1 and self.scenario.run.burn_in_years > 0:
            # The end of burn-in replaces this with the full year's figure.
            for trust in self.trusts:
                trust.estimate_fixed_cost(self.ledger.year_result(trust.account, 0))
        self.pop.refresh_derived(self.day)
        quality.refresh(self)
        self.need = need_weight(self.scenario, self.pop)
        self._update_lists()
        self.tables = rate_tables(self.scenario, self.pop)
        self.community.hire()
        community.refresh_caseloads(self)
        self.regulator.review_month()
        self._update_acute_behaviour()
        per_head = (self.host.prevention_investment() if self.host else 0.0) / self.population_size()
        health.update_prevention(self, per_head)
        interval = self.scenario.host.planning_interval_months
        if self.host and self.year >= self.scenario.run.burn_in_years and month % interval == 0 and self.day > 0 \
                and self.governance.may_plan():
            self.host.plan()
            self.fund_providers(new_year=False)

    def _update_lists(self) -> None:
        alive = self.pop.alive
        practice = self.pop.practice[: self.pop.n][alive]
        lists = np.bincount(practice, minlength=len(self.practices))
        weighted = np.bincount(practice, self.need[alive], minlength=len(self.practices))
        self.practices.update_lists(lists, weighted)

    def _update_acute_behaviour(self) -> None:
        """Each trust sees what one more short stay and one more bed day earn it under this year's contracts."""
        p, a = self.scenario.prices, self.scenario.acute
        for trust in self.trusts:
            variable = trust.cost_index * a.variable_cost_share * p.nel_short_stay
            marginal = self.commissioner.marginal_income(trust.account, "nel_short", variable)
            bed_day = self.commissioner.marginal_income(trust.account, "bed_day", 0.0)
            trust.update_behaviour(marginal, bed_day)

    def fund_providers(self, new_year: bool) -> None:
        """Capacity follows funding: practices and community services take up what their contracts pay.

        Capitation is split across practices once a year, by the lists at the year's start; the host's
        investment can change at any planning cycle.
        """
        contracts = self.commissioner.contracts
        if new_year:
            self.practices.fund(contracts["gp"].annual_value, self.commissioner.gp_need_weighted)
        invest = self.host.community_investment() if self.host else None
        self.community.set_funding(contracts["community"].annual_value, invest)
        if self.host:
            self.practices.fund_proactive(self.host.proactive_investment(), self.scenario.contract.need_weighting)

    # --- money --------------------------------------------------------------------------------------
    def contracts(self) -> list[Contract]:
        """Every contract in force: the ICB's, then the host's investment contracts."""
        return [*self.commissioner.contracts.values(), *(self.host.contracts.values() if self.host else ())]

    def _pay_for_today(self) -> None:
        """Cost today's activity, accrue what each contract owes, post invoices at month end."""
        sc = self.scenario
        # The further trusts' attendances were recorded where they happened; the main trust's are the rest.
        self.accounts.record("ae", self.tally.today("ae_attendances") - self.accounts.trust_units("ae"))
        self.accounts.record("incident", self.tally.today("ambulance_incidents"))
        costs = {}
        for trust in self.trusts:
            value = self.accounts.acute_value(sc.prices, trust.account)
            costs[trust.account] = trust.cost_today(trust.cost_index * sc.acute.variable_cost_share * value)
            if trust.index == 0:
                costs["community"] = self.community.cost_per_day()
                costs["ambulance"] = self.accounts.activity["incident"] * self.ambulance.cost_per_incident
        self.accounts.close_day(self.contracts(), costs)
        if self._month_of(self.day + 1) != self._month_of(self.day):
            self.accounts.post_invoices(self.day, self.year, self.contracts())

    # --- the year -----------------------------------------------------------------------------------
    def _close_year(self, year: int) -> None:
        """Year end: settle contracts, learn, update trust, set next year's contracts."""
        self.accounts.post_invoices(self.day, self.year, self.contracts())
        self.pop.refresh_derived(self.day)
        alive = self.pop.alive
        self.year_end_groups[year] = np.bincount(self.pop.group[: self.pop.n][alive], minlength=N_GROUPS)
        if len(self.trusts) > 1:
            living = np.flatnonzero(alive)
            home = trusts.home_trust(self, living)
            self.trust_tally.area_population[year] = np.bincount(home, minlength=len(self.trusts))
            deprived = self.pop.imd[living] == 0
            self.trust_tally.area_deprived[year] = np.bincount(home[deprived], minlength=len(self.trusts))
        self.commissioner.settle_year(year)
        for trust in self.trusts:
            if year == self.scenario.run.burn_in_years - 1:
                trust.settle_fixed_cost(self.ledger.year_result(trust.account, year))
            trust.close_year()
        if self.host:
            if year >= self.scenario.run.burn_in_years:
                self.host.observe_year(year)
            self.host.close_year(self.ledger.year_result("host", year))
            self.governance.close_year(year)
        network.update(self, year)
        if year + 1 < self.total_years:
            self.commissioner.open_year(year + 1)
            self.fund_providers(new_year=True)

    # --- what agents and pathways may ask -----------------------------------------------------------
    def population_size(self) -> int:
        """Living residents."""
        return int(np.count_nonzero(self.pop.alive))

    @property
    def beds_open(self) -> int:
        """Open (staffed) beds at every acute trust of the place."""
        return sum(t.beds for t in self.trusts)

    @property
    def beds_occupied(self) -> int:
        """Beds with a patient in them, at every acute trust of the place."""
        return sum(t.occupied for t in self.trusts)

    def weighted_population(self) -> float:
        """Need-weighted population (equals the head count on average by construction)."""
        return float(self.need[self.pop.alive].sum())

    def elective_purchase_share(self) -> float:
        """Share of elective capacity its payer buys (a host in deficit may buy less)."""
        payer = self.commissioner.payer_of("acute")
        return self.host.elective_purchase if payer == "host" and self.host else 1.0

    def network_trust(self, a: str, b: str) -> float:
        """Trust between two partners on the network."""
        return network.trust(self, a, b)

    def release_from_care(self, rows: np.ndarray) -> None:
        """Take people out of beds, the A&E bed queue and the virtual ward (deaths)."""
        for trust in self.trusts:
            beds = trust.beds_of(rows)
            if beds.size:
                trust.vacate(beds)
            trust.drop_from_queue(rows)
        self.community.remove(rows)

    def group_population(self, year: int) -> np.ndarray:
        """Living residents per reporting group at the end of `year` (LTC count at year end)."""
        return self.year_end_groups[year]

    @staticmethod
    def ledger_accounts() -> tuple[str, ...]:
        """Account names used in the ledger."""
        return ACCOUNTS
