"""Contracts: who pays whom, for what, at which prices, in which payment form, for one contract year.

A contract accrues what the day's activity and the payee's costs make owed under its form (see
`ihoabm.money.forms`), and answers what one more unit of activity earns the payee.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ihoabm.core.population import DAYS_PER_YEAR
from ihoabm.money.forms import PaymentForm, build_form

ACUTE_ACTIVITIES = ("nel_long", "nel_short", "elective", "day_case", "ae", "outpatient")
PRICE_OF = {
    "nel_long": "nel_long_stay", "nel_short": "nel_short_stay", "elective": "elective_inpatient",
    "day_case": "day_case", "ae": "ae_attendance", "outpatient": "outpatient",
    "incident": "ambulance_incident", "community_contact": "community_contact",
}
DAYS_IN_CONTRACT_YEAR = DAYS_PER_YEAR   # contract sums accrue by the day


def tariff(prices: Any, activities: tuple[str, ...]) -> dict[str, float]:
    """National prices (the scenario's `[prices]`) for the named activities."""
    return {a: getattr(prices, PRICE_OF[a]) for a in activities}


@dataclass
class Contract:
    """One contract between two accounts for one contract year, paid in one payment form."""

    name: str
    payer: str
    payee: str
    setting: str
    form: PaymentForm
    annual_value: float = 0.0
    prices: dict[str, float] = field(default_factory=dict)
    activity_value: float = 0.0   # value of activity at `prices` so far this year
    owed: float = 0.0             # accrued and not yet posted to the ledger

    @classmethod
    def of(cls, name: str, payer: str, payee: str, setting: str, form: str, annual_value: float = 0.0,
           prices: dict[str, float] | None = None) -> Contract:
        """A contract in the registered form `form`, with that form's default parameters."""
        return cls(name, payer, payee, setting, build_form(form), annual_value, dict(prices or {}))

    def accrue(self, activity: dict[str, float], payee_cost: float, days: int = 1) -> float:
        """Add what the day's activity and costs make owed; return it."""
        value = sum(self.prices.get(a, 0.0) * n for a, n in activity.items())
        self.activity_value += value
        fixed = self.annual_value * days / DAYS_IN_CONTRACT_YEAR
        due = self.form.due(value, fixed, payee_cost)
        self.owed += due
        return due

    def marginal_price(self, activity: str, variable_cost: float) -> float:
        """What one more unit of `activity` earns the payee under this contract."""
        return self.form.marginal_price(self.prices.get(activity, 0.0), variable_cost)

    def year_end_savings(self) -> float:
        """Payment due once the year's activity is known (a shared-savings share; 0 for most forms)."""
        return self.form.year_end(self.activity_value)
