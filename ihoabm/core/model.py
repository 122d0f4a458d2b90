"""`IHOModel`: one local health economy, stepped one day at a time.

The day, in order (DOMAIN.md "one simulated day"):
 1. demography: deaths today; births, list turnover and ageing at the start of each month
 2. health: LTC onset and frailty progression (monthly); prevention slows onset with a lag
 3. primary care: GP demand meets practice capacity; unmet demand spills to A&E
 4. crises: exacerbations, falls and minor episodes become 999 calls or A&E walk-ins
 5. ambulance: hear and treat, see and treat, UCR referral if a slot is free, or conveyance
 6. A&E: attend, then admit or not; marginal patients depend on the trust and virtual-ward places
 7. inpatients: discharge when fit, delayed when step-down capacity is full; midnight bed census
 8. elective: referrals, waiting list, admissions as capacity and beds allow
 9. community: caseloads (monthly), today's contacts
10. money: activity costed and paid under the contracts in force; monthly invoices; yearly settlement
11. decisions: trust behaviour and community hiring (monthly), host planning, ICB contracts (yearly)
12. data collection
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import mesa
import numpy as np

from ihoabm.core.hazards import need_weight, rate_tables
from ihoabm.core.invariants import check_invariants
from ihoabm.core.population import DAYS_PER_YEAR, N_GROUPS, synthesize
from ihoabm.core.rng import Streams
from ihoabm.money.commissioner import Commissioner
from ihoabm.money.contracts import ACUTE_ACTIVITIES, PRICE_OF, Contract
from ihoabm.money.ledger import ACCOUNTS, Ledger
from ihoabm.outputs.reporters import MODEL_REPORTERS
from ihoabm.outputs.tally import Tally
from ihoabm.pathways import community, demography, elective, emergency, health, inpatient, primary
from ihoabm.pathways.episodes import Episodes
from ihoabm.providers import network
from ihoabm.providers.acute import AcuteTrust
from ihoabm.providers.ambulance import AmbulanceService
from ihoabm.providers.community import CommunityProvider
from ihoabm.providers.host import HostProvider
from ihoabm.providers.patient import Tracker
from ihoabm.providers.practices import GPPractice, PracticeArrays
from ihoabm.scenario.loader import apply_overrides, build, load_scenario
from ihoabm.scenario.schema import Scenario


class IHOModel(mesa.Model):
    """A local health economy under a payment regime.

    Args:
        scenario: A built-in scenario name, a path to a TOML file, or a `Scenario`.
        seed: Random seed (anything `int()` accepts); defaults to the scenario's `run.seed`.
        check: Check invariants (people conserved, beds, capacities, ledger) every step.
        **kwargs: Parameter overrides as flat names (`patients=50_000`, `years=3`) or `section.key`.
    """

    def __init__(self, scenario: str | Scenario = "baseline", seed: Any = None, check: bool = False,
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
        self.activity: dict[str, float] = defaultdict(float)
        self.cost_owed: dict[str, float] = defaultdict(float)
        self.prevention_stock = 0.0
        self.waiting_list = elective.WaitingList()
        self.day = 0
        self.need = need_weight(sc, self.pop)
        self.year_end_groups: dict[int, np.ndarray] = {}

        n_practices = self.pop.practice_imd.size
        self.practices = PracticeArrays(n_practices)
        self.gp_practices = [GPPractice(self, i, int(q) + 1) for i, q in enumerate(self.pop.practice_imd)]
        self.community = CommunityProvider(self)
        self.ambulance = AmbulanceService(self)
        self.acute = AcuteTrust(self)
        self.commissioner = Commissioner(self)
        # The host exists only where a capitated contract names one; it never touches pathways directly.
        self.host = HostProvider(self) if sc.contract.regime == "iho" else None
        self.network = network.build_network(self)
        tracked = self.streams["tracking"].choice(n, size=min(sc.run.tracked_patients, n), replace=False)
        self.tracker = Tracker(self, sorted(int(r) for r in tracked))

        # Contracts first, so the first month's capacities and behaviour see this year's money.
        self._update_lists()
        self.commissioner.open_year(0)
        self.fund_providers()
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
        calls, walk_ins = emergency.crises(self)
        conveyed = emergency.ambulance(self, calls)
        emergency.emergency_department(self, Episodes.join(walk_ins, gp_overflow), conveyed)
        self.tally.add("nel_gp_direct", len(gp_referred))
        inpatient.admit_emergency(self, gp_referred, marginal=False)
        inpatient.discharges(self)
        inpatient.census(self)
        elective.elective(self)
        community.daily_contacts(self)
        self.tally.set("waiting_list", len(self.waiting_list))
        self.tally.set("population", self.population_size())
        self._money()
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

    def _start_month(self) -> None:
        """Monthly processes: demography, health, caseloads, behaviour, hiring, planning."""
        month = self._month_of(self.day)
        if self.day > 0:
            demography.births(self)
            demography.turnover(self)
            health.progress(self)
            self.waiting_list.remove_dead(self.pop.state)
        if month == 1 and self.scenario.run.burn_in_years > 0:
            # A provisional fixed cost from the first month, so the burn-in trust is not shown a windfall;
            # the end of burn-in replaces it with the full year's figure.
            self.acute.fixed_cost_per_year = max(12.0 * self.year_result("acute", 0), 0.0)
        self.pop.refresh_derived(self.day)
        self.need = need_weight(self.scenario, self.pop)
        self._update_lists()
        self.tables = rate_tables(self.scenario, self.pop)
        self.community.hire()
        community.refresh_caseloads(self)
        self._update_acute_behaviour()
        per_head = (self.host.prevention_investment() if self.host else 0.0) / self.population_size()
        health.update_prevention(self, per_head)
        interval = self.scenario.host.planning_interval_months
        if self.host and self.year >= self.scenario.run.burn_in_years and month % interval == 0 and self.day > 0:
            self.host.plan()
            self.fund_providers()

    def _update_lists(self) -> None:
        alive = self.pop.alive
        practice = self.pop.practice[: self.pop.n][alive]
        lists = np.bincount(practice, minlength=len(self.gp_practices))
        weighted = np.bincount(practice, self.need[alive], minlength=len(self.gp_practices))
        for gp in self.gp_practices:
            gp.update_list(int(lists[gp.practice_id]), float(weighted[gp.practice_id]))

    def _update_acute_behaviour(self) -> None:
        p, a = self.scenario.prices, self.scenario.acute
        variable = a.variable_cost_share * p.nel_short_stay
        marginal = self.commissioner.marginal_income("acute", "nel_short", variable)
        bed_day = self.commissioner.marginal_income("acute", "bed_day", 0.0)
        self.acute.update_behaviour(marginal, bed_day)

    # --- money --------------------------------------------------------------------------------------
    def _money(self) -> None:
        """Cost today's activity, accrue what each contract owes, post invoices monthly."""
        sc = self.scenario
        act = self.activity
        act["ae"] = self.tally.today("ae_attendances")
        act["incident"] = self.tally.today("ambulance_incidents")
        acute_value = sum(act.get(a, 0.0) * getattr(sc.prices, PRICE_OF[a]) for a in ACUTE_ACTIVITIES)
        self.acute.variable_cost_today = sc.acute.variable_cost_share * acute_value
        costs = {
            "acute": self.acute.cost_today(),
            "community": self.community.cost_per_day(),
            "ambulance": act["incident"] * self.ambulance.cost_per_incident,
        }
        for contract in self.contracts():
            due = contract.accrue(act, costs.get(contract.payee, 0.0))
            if contract.payee in ("gp", "prevention"):
                costs[contract.payee] = costs.get(contract.payee, 0.0) + due   # they spend what they get
        for provider, cost in costs.items():
            self.cost_owed[provider] += cost
        self.activity = defaultdict(float)
        if self._month_of(self.day + 1) != self._month_of(self.day):
            self.post_invoices()

    def post_invoices(self) -> None:
        """Post accrued contract payments and provider costs to the ledger."""
        year = self.year
        for contract in self.contracts():
            if contract.owed:
                self.ledger.transfer(self.day, year, contract.payer, contract.payee, contract.owed,
                                     contract.setting)
                contract.owed = 0.0
        for provider, cost in self.cost_owed.items():
            self.ledger.transfer(self.day, year, provider, "suppliers", cost, "costs")
        self.cost_owed = defaultdict(float)

    def _close_year(self, year: int) -> None:
        """Year end: settle contracts, learn, update trust, set next year's contracts."""
        self.post_invoices()
        self.pop.refresh_derived(self.day)
        alive = self.pop.alive
        self.year_end_groups[year] = np.bincount(self.pop.group[: self.pop.n][alive], minlength=N_GROUPS)
        self.commissioner.settle_year(year)
        if year == self.scenario.run.burn_in_years - 1:
            # The trust's fixed costs are what its burn-in income left after beds and variable costs,
            # so the calibrated baseline trust breaks even.
            margin = self.year_result("acute", year) + self.acute.fixed_charged_this_year
            self.acute.fixed_cost_per_year = max(margin, 0.0)
        self.acute.fixed_charged_this_year = 0.0
        if self.host:
            if year >= self.scenario.run.burn_in_years:
                self.host.observe_year(year)
            self.host.close_year(self.year_result("host", year))
        network.update(self, year)
        if year + 1 < self.total_years:
            self.commissioner.open_year(year + 1)
            self.fund_providers()

    # --- helpers used by agents and pathways ---------------------------------------------------------
    def population_size(self) -> int:
        """Living residents."""
        return int(np.count_nonzero(self.pop.alive))

    def weighted_population(self) -> float:
        """Need-weighted population (equals the head count on average by construction)."""
        return float(self.need[self.pop.alive].sum())

    def contracts(self) -> list[Contract]:
        """Every contract in force: the ICB's, then the host's investment contracts."""
        return [*self.commissioner.contracts.values(), *(self.host.contracts.values() if self.host else ())]

    def fund_providers(self) -> None:
        """Capacity follows funding: practices and community services take up what their contracts pay."""
        contracts = self.commissioner.contracts
        self._split_to_practices(contracts["gp"].annual_value, self.commissioner.gp_need_weighted, "set_funding")
        invest = self.host.community_investment() if self.host else None
        self.community.set_funding(contracts["community"].annual_value, invest)
        if self.host:
            self._split_to_practices(self.host.proactive_investment(), self.scenario.contract.need_weighting,
                                     "set_proactive_funding")

    def _split_to_practices(self, total: float, need_weighted: bool, method: str) -> None:
        """Split a budget across practices by need-weighted or raw list size."""
        shares = np.array([gp.weighted_list if need_weighted else gp.list_size for gp in self.gp_practices],
                          dtype=float)
        shares /= shares.sum()
        for gp, share in zip(self.gp_practices, shares, strict=True):
            getattr(gp, method)(total * share)

    def proactive_slots(self) -> int:
        """Patients the practices can case-manage with their proactive-care funding."""
        return sum(gp.proactive_slots() for gp in self.gp_practices)

    def elective_purchase_share(self) -> float:
        """Share of elective capacity its payer buys (a host in deficit may buy less)."""
        payer = self.commissioner.contracts["acute"].payer
        return self.host.elective_purchase if payer == "host" and self.host else 1.0

    def network_trust(self, a: str, b: str) -> float:
        """Trust between two partners on the network."""
        return network.trust(self, a, b)

    def release_from_care(self, rows: np.ndarray) -> None:
        """Take people out of beds, the A&E bed queue and the virtual ward (deaths)."""
        beds = self.acute.beds_of(rows)
        if beds.size:
            self.acute.vacate(beds)
        self.acute.drop_from_queue(rows)
        self.community.remove(rows)

    def tally_expected_crises(self, risk: np.ndarray) -> None:
        """Record the crises the risk model expects among caseload and proactive patients this month."""
        n = self.pop.n
        month = risk / 12.0
        self.tally.add("caseload_expected_crises", float(month[self.pop.on_caseload[:n]].sum()))
        self.tally.add("proactive_expected_crises", float(month[self.pop.proactive[:n]].sum()))

    def year_result(self, account: str, year: int) -> float:
        """Income minus spending of one account in one contract year, GBP."""
        return self.ledger.year_result(account, year)

    def performance_score(self) -> float:
        """Outcome score for tied funding: emergency admissions no higher than in the reference year."""
        year = self.year
        ref = self.commissioner.observed.get("nel_per_head")
        rate = self.tally.year_total("nel_admissions", year) / self.population_size()
        if not ref:
            return 1.0
        return float(np.clip(1.0 - (rate / ref - 1.0) / 0.10, 0.0, 1.0))

    def group_population(self, year: int) -> np.ndarray:
        """Living residents per reporting group at the end of `year` (LTC count at year end)."""
        return self.year_end_groups[year]

    @staticmethod
    def ledger_accounts() -> tuple[str, ...]:
        """Account names used in the ledger."""
        return ACCOUNTS

