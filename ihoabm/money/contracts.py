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
# The acute trust's services as the ICB contracts them: each can be paid in its own form.
ACUTE_SERVICES = {
    "admissions": ("nel_long", "nel_short"),          # emergency admissions
    "ae": ("ae",),                                    # A&E attendances
    "planned": ("elective", "day_case", "outpatient"),   # planned care
}
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
    days: int = 0                 # days accrued so far this year

    @classmethod
    def of(cls, name: str, payer: str, payee: str, setting: str, form: str | PaymentForm, annual_value: float = 0.0,
           prices: dict[str, float] | None = None) -> Contract:
        """A contract in a payment form (a registered name, with its defaults, or a built form).

        `prices` is the national tariff for the contract's activities; the form sets the prices it pays.
        """
        terms = build_form(form) if isinstance(form, str) else form
        return cls(name, payer, payee, setting, terms, annual_value, terms.price_list(dict(prices or {})))

    def accrue(self, activity: dict[str, float], payee_cost: float, days: int = 1) -> float:
        """Add what the day's activity and costs make owed; return it."""
        value = sum(self.prices.get(a, 0.0) * n for a, n in activity.items())
        fixed = self.annual_value * days / DAYS_IN_CONTRACT_YEAR
        due = self.form.due(value, fixed, payee_cost, self.activity_value)
        self.activity_value += value
        self.days += days
        self.owed += due
        return due

    def heading_for(self) -> float:
        """The value of activity this year is heading for: the year so far, projected to a full year."""
        return self.activity_value * DAYS_IN_CONTRACT_YEAR / self.days if self.days else 0.0

    def marginal_price(self, activity: str, variable_cost: float) -> float:
        """What one more unit of `activity` earns the payee under this contract."""
        return self.form.marginal_price(self.prices.get(activity, 0.0), variable_cost, self.heading_for())

    def year_end_savings(self) -> float:
        """Payment due once the year's activity is known (a shared-savings share; 0 for most forms)."""
        return self.form.year_end(self.activity_value)
