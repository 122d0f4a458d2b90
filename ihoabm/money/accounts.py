"""The day's accounts: activity to be paid for, what each contract owes, providers' costs, monthly invoices.

Pathways record activity here (`record`); at the end of each day the model hands over the providers' costs
and every contract in force accrues what it owes (`close_day`); at each month end the accrued sums are posted
to the ledger (`post_invoices`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ihoabm.money.contracts import ACUTE_ACTIVITIES, PRICE_OF, Contract
from ihoabm.money.ledger import Ledger

SPEND_WHAT_THEY_GET = ("gp", "prevention", "independent")   # their costs are what their contracts pay them


class Accounts:
    """Activity and costs accrued since the last invoice; posts them to the ledger."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.activity: dict[str, float] = defaultdict(float)   # today's units, by activity
        self.cost_owed: dict[str, float] = defaultdict(float)  # providers' costs since the last invoice
        # Today's units at the place's further acute trusts (`providers.trusts`), by trust account: their
        # contracts are paid on their own activity. The main trust's activity is in `activity`.
        self.trust_activity: dict[str, dict[str, float]] = {}

    def open_trust_accounts(self, accounts: list[str]) -> None:
        """Keep activity apart for each further acute trust (all but the first)."""
        self.trust_activity = {a: defaultdict(float) for a in accounts}

    def record(self, activity: str, units: float, trust: str = "acute") -> None:
        """Count today's units of a paid activity (admissions, contacts, attendances), at the main trust or `trust`."""
        (self.trust_activity[trust] if trust in self.trust_activity else self.activity)[activity] += units

    def trust_units(self, activity: str) -> float:
        """Today's units of `activity` at the further trusts (what the main trust's count must leave out)."""
        return sum(units.get(activity, 0.0) for units in self.trust_activity.values())

    def acute_value(self, prices: object, trust: str = "acute") -> float:
        """Today's acute activity valued at national prices (the base of the trust's variable cost)."""
        activity = self.trust_activity.get(trust, self.activity)
        return sum(activity.get(a, 0.0) * getattr(prices, PRICE_OF[a]) for a in ACUTE_ACTIVITIES)

    def close_day(self, contracts: Iterable[Contract], costs: dict[str, float]) -> None:
        """Accrue what each contract owes for today's activity and costs; start a new day."""
        for contract in contracts:
            due = contract.accrue(self.trust_activity.get(contract.payee, self.activity),
                                  costs.get(contract.payee, 0.0))
            if contract.payee in SPEND_WHAT_THEY_GET:
                costs[contract.payee] = costs.get(contract.payee, 0.0) + due
        for provider, cost in costs.items():
            self.cost_owed[provider] += cost
        self.activity = defaultdict(float)
        for units in self.trust_activity.values():
            units.clear()

    def post_invoices(self, day: int, year: int, contracts: Iterable[Contract]) -> None:
        """Post accrued contract payments and provider costs to the ledger."""
        for contract in contracts:
            if contract.owed:
                self.ledger.transfer(day, year, contract.payer, contract.payee, contract.owed, contract.setting)
                contract.owed = 0.0
        for provider, cost in self.cost_owed.items():
            self.ledger.transfer(day, year, provider, "suppliers", cost, "costs")
        self.cost_owed = defaultdict(float)
