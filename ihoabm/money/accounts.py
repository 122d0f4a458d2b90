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

SPEND_WHAT_THEY_GET = ("gp", "prevention")   # their costs are what their contracts pay them


class Accounts:
    """Activity and costs accrued since the last invoice; posts them to the ledger."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.activity: dict[str, float] = defaultdict(float)   # today's units, by activity
        self.cost_owed: dict[str, float] = defaultdict(float)  # providers' costs since the last invoice

    def record(self, activity: str, units: float) -> None:
        """Count today's units of a paid activity (admissions, contacts, attendances)."""
        self.activity[activity] += units

    def acute_value(self, prices: object) -> float:
        """Today's acute activity valued at national prices (the base of the trust's variable cost)."""
        return sum(self.activity.get(a, 0.0) * getattr(prices, PRICE_OF[a]) for a in ACUTE_ACTIVITIES)

    def close_day(self, contracts: Iterable[Contract], costs: dict[str, float]) -> None:
        """Accrue what each contract owes for today's activity and costs; start a new day."""
        for contract in contracts:
            due = contract.accrue(self.activity, costs.get(contract.payee, 0.0))
            if contract.payee in SPEND_WHAT_THEY_GET:
                costs[contract.payee] = costs.get(contract.payee, 0.0) + due
        for provider, cost in costs.items():
            self.cost_owed[provider] += cost
        self.activity = defaultdict(float)

    def post_invoices(self, day: int, year: int, contracts: Iterable[Contract]) -> None:
        """Post accrued contract payments and provider costs to the ledger."""
        for contract in contracts:
            if contract.owed:
                self.ledger.transfer(day, year, contract.payer, contract.payee, contract.owed, contract.setting)
                contract.owed = 0.0
        for provider, cost in self.cost_owed.items():
            self.ledger.transfer(day, year, provider, "suppliers", cost, "costs")
        self.cost_owed = defaultdict(float)
