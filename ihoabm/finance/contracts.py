"""Contracts as data: who pays whom, for what, in which form.

A contract turns the day's activity and the payee's costs into money owed. Forms:

- `activity`: a price per unit of activity (Payment by Results tariff, ambulance per incident).
- `block`: a fixed annual sum paid in equal daily parts.
- `capitation`: a fixed annual sum set per (need-weighted) head; paid like a block.
- `blended`: a fixed part plus a variable share of tariff per unit.
- `cost_plus`: the payee's costs plus a margin.
- `shared_savings`: a block, plus at year end a share of any fall in activity value below a baseline.

`marginal_price` is what a provider sees when it asks "what does one more unit earn me?": the signal its
behaviour responds to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ihoabm.scenario.schema import Prices

ACUTE_ACTIVITIES = ("nel_long", "nel_short", "elective", "day_case", "ae", "outpatient")
PRICE_OF = {
    "nel_long": "nel_long_stay", "nel_short": "nel_short_stay", "elective": "elective_inpatient",
    "day_case": "day_case", "ae": "ae_attendance", "outpatient": "outpatient",
    "incident": "ambulance_incident", "community_contact": "community_contact",
}


def tariff(prices: Prices, activities: tuple[str, ...]) -> dict[str, float]:
    """National prices for the named activities."""
    return {a: getattr(prices, PRICE_OF[a]) for a in activities}


@dataclass
class Contract:
    """One contract between two accounts for one contract year."""

    name: str
    payer: str
    payee: str
    setting: str
    form: str
    annual_value: float = 0.0
    prices: dict[str, float] = field(default_factory=dict)
    variable_share: float = 1.0
    margin: float = 0.0
    savings_share: float = 0.0
    savings_baseline: float = 0.0
    activity_value: float = 0.0   # value of activity at `prices` so far this year
    owed: float = 0.0             # accrued and not yet posted to the ledger

    def accrue(self, activity: dict[str, float], payee_cost: float, days: int = 1) -> float:
        """Add what the day's activity and costs make owed; return it."""
        value = sum(self.prices.get(a, 0.0) * n for a, n in activity.items())
        self.activity_value += value
        fixed = self.annual_value * days / 365.0
        if self.form == "activity":
            due = value
        elif self.form in ("block", "capitation", "shared_savings"):
            due = fixed
        elif self.form == "blended":
            due = fixed + self.variable_share * value
        elif self.form == "cost_plus":
            due = payee_cost * (1.0 + self.margin)
        else:  # pragma: no cover - forms are validated by the schema
            raise ValueError(f"unknown contract form {self.form}")
        self.owed += due
        return due

    def marginal_price(self, activity: str, variable_cost: float) -> float:
        """What one more unit of `activity` earns the payee under this contract."""
        price = self.prices.get(activity, 0.0)
        if self.form == "activity":
            return price
        if self.form == "blended":
            return self.variable_share * price
        if self.form == "cost_plus":
            return variable_cost * (1.0 + self.margin)
        if self.form == "shared_savings":
            return -self.savings_share * price
        return 0.0

    def year_end_savings(self) -> float:
        """Shared-savings payment due at year end (0 for other forms)."""
        if self.form != "shared_savings":
            return 0.0
        return self.savings_share * max(self.savings_baseline - self.activity_value, 0.0)
