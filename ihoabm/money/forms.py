"""Payment forms: how a contract turns a day's activity and the payee's costs into money owed.

Each form is one class, registered by name in `FORMS`. A form answers four questions:

- `price_list`: which currencies it pays for, at what price, given the national tariff;
- `due`: what today's activity (valued at the contract's prices) and costs make owed, given the value of the
  year's activity so far;
- `marginal_price`: what one more unit of activity earns the payee, given the year's activity so far and where
  it is heading: the signal the payee's behaviour responds to;
- `year_end`: any payment settled once the year's activity is known.

Adding a form touches this file, the schema (its name and parameters) and its test. `build_form` reads the
form's parameters from the scenario's `[contract]` table, so the commissioner never needs to know them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

FORMS: dict[str, type[PaymentForm]] = {}


def register(cls: type[PaymentForm]) -> type[PaymentForm]:
    """Class decorator: make a form available by its `name`."""
    FORMS[cls.name] = cls
    return cls


@dataclass(frozen=True)
class PaymentForm:
    """Base class: a fixed sum paid in equal daily parts, no price at the margin, nothing at year end."""

    name: ClassVar[str] = ""

    @classmethod
    def from_terms(cls, terms: Any, baseline: float, observed: dict[str, float] | None = None) -> PaymentForm:
        """Build the form from the scenario's `[contract]` table and the payee's observed activity value.

        `observed` holds what the commissioner saw in the last year under tariff (see `Commissioner`).
        """
        return cls()

    def price_list(self, tariff: dict[str, float]) -> dict[str, float]:
        """The prices this form pays activity at, given the national tariff for the contract's activities."""
        return dict(tariff)

    def fixed_element(self, planned_value: float) -> float:
        """The fixed annual sum, given the value of the activity planned for the year (at national prices)."""
        return planned_value

    def due(self, value: float, fixed: float, payee_cost: float, to_date: float = 0.0) -> float:
        """Owed for a period.

        `value` is the period's activity at the contract's prices, `fixed` its share of the fixed sum and
        `to_date` the value of the year's activity before this period.
        """
        return fixed

    def marginal_price(self, price: float, variable_cost: float, heading_for: float = 0.0) -> float:
        """What one more unit earns the payee.

        Given the unit's price, the payee's variable cost and the value of activity the year is heading for
        (the year so far, projected to a full year).
        """
        return 0.0

    def year_end(self, activity_value: float) -> float:
        """Paid once the year's activity value is known."""
        return 0.0


@register
@dataclass(frozen=True)
class Activity(PaymentForm):
    """A price per unit of activity (Payment by Results tariff, ambulance per incident)."""

    name: ClassVar[str] = "activity"

    def fixed_element(self, planned_value: float) -> float:
        """No fixed sum: every unit is paid for."""
        return 0.0

    def due(self, value: float, fixed: float, payee_cost: float, to_date: float = 0.0) -> float:
        """Owed for the period under this form."""
        return value

    def marginal_price(self, price: float, variable_cost: float, heading_for: float = 0.0) -> float:
        """What one more unit earns under this form."""
        return price


@register
@dataclass(frozen=True)
class Block(PaymentForm):
    """A fixed annual sum paid in equal daily parts, whatever the activity."""

    name: ClassVar[str] = "block"


@register
@dataclass(frozen=True)
class Capitation(PaymentForm):
    """A fixed annual sum set per (need-weighted) head; paid like a block."""

    name: ClassVar[str] = "capitation"


@register
@dataclass(frozen=True)
class Blended(PaymentForm):
    """A fixed part plus a variable share of tariff on every unit.

    With the fixed part set at (1 - share) of planned activity value, this pays the plan in full plus the share
    of price on activity above or below plan: the 2019/20 blended payment for emergency care.
    """

    name: ClassVar[str] = "blended"
    variable_share: float = 0.0

    @classmethod
    def from_terms(cls, terms: Any, baseline: float, observed: dict[str, float] | None = None) -> PaymentForm:
        """Build the form with its parameters from the `[contract]` table."""
        return cls(terms.blended_variable_share)

    def fixed_element(self, planned_value: float) -> float:
        """The plan's value less the variable share, which activity earns back."""
        return planned_value * (1.0 - self.variable_share)

    def due(self, value: float, fixed: float, payee_cost: float, to_date: float = 0.0) -> float:
        """Owed for the period under this form."""
        return fixed + self.variable_share * value

    def marginal_price(self, price: float, variable_cost: float, heading_for: float = 0.0) -> float:
        """What one more unit earns under this form."""
        return self.variable_share * price


@register
@dataclass(frozen=True)
class CostPlus(PaymentForm):
    """The payee's costs plus a margin."""

    name: ClassVar[str] = "cost_plus"
    margin: float = 0.0

    @classmethod
    def from_terms(cls, terms: Any, baseline: float, observed: dict[str, float] | None = None) -> PaymentForm:
        """Build the form with its parameters from the `[contract]` table."""
        return cls(terms.cost_plus_margin)

    def due(self, value: float, fixed: float, payee_cost: float, to_date: float = 0.0) -> float:
        """Owed for the period under this form."""
        return payee_cost * (1.0 + self.margin)

    def marginal_price(self, price: float, variable_cost: float, heading_for: float = 0.0) -> float:
        """What one more unit earns under this form."""
        return variable_cost * (1.0 + self.margin)


@register
@dataclass(frozen=True)
class SharedSavings(PaymentForm):
    """A block, plus at year end a share of any fall in activity value below a baseline."""

    name: ClassVar[str] = "shared_savings"
    share: float = 0.0
    baseline: float = 0.0

    @classmethod
    def from_terms(cls, terms: Any, baseline: float, observed: dict[str, float] | None = None) -> PaymentForm:
        """Build the form with its parameters from the `[contract]` table."""
        return cls(terms.shared_savings_share, baseline)

    def marginal_price(self, price: float, variable_cost: float, heading_for: float = 0.0) -> float:
        """What one more unit earns under this form."""
        return -self.share * price

    def year_end(self, activity_value: float) -> float:
        """The year-end payment under this form."""
        return self.share * max(self.baseline - activity_value, 0.0)


@register
@dataclass(frozen=True)
class MarginalRate(Activity):
    """Full price up to a baseline value of activity in the year, a fraction of price above it.

    The marginal rate emergency rule (2010/11 to 2018/19): emergency admissions above the value of a baseline
    year were paid at 30% of tariff. The baseline here is the value observed in the last year before the rule.
    """

    name: ClassVar[str] = "marginal_rate"
    rate: float = 1.0
    threshold: float = 0.0

    @classmethod
    def from_terms(cls, terms: Any, baseline: float, observed: dict[str, float] | None = None) -> PaymentForm:
        """Build the form with its parameters from the `[contract]` table."""
        return cls(terms.marginal_rate, baseline)

    def due(self, value: float, fixed: float, payee_cost: float, to_date: float = 0.0) -> float:
        """Owed for the period under this form: the part of `value` above the threshold earns `rate`."""
        below = min(max(self.threshold - to_date, 0.0), value)
        return below + self.rate * (value - below)

    def marginal_price(self, price: float, variable_cost: float, heading_for: float = 0.0) -> float:
        """What one more unit earns: the marginal rate once the year is heading above its baseline."""
        return self.rate * price if heading_for >= self.threshold else price


READMISSION_OF = {"nel_long": "nel_readmission_long", "nel_short": "nel_readmission_short"}


@register
@dataclass(frozen=True)
class BundledEpisode(Activity):
    """One price per emergency admission that covers 30 days of aftercare: a readmission earns nothing.

    The bundle price is tariff raised by the readmissions per index admission seen in the last year under tariff,
    so at that year's readmission rate (and its mix of short and long stays) the bundle pays what tariff did;
    every readmission avoided is the provider's to keep. A proposal, not a rule England has used for emergency
    care: it shows that a new form is one class.
    """

    name: ClassVar[str] = "bundled_episode"
    aftercare_uplift: float = 0.0

    @classmethod
    def from_terms(cls, terms: Any, baseline: float, observed: dict[str, float] | None = None) -> PaymentForm:
        """Build the form with its bundle price set from the readmission share observed under tariff."""
        return cls((observed or {}).get("readmissions_per_index_admission", 0.0))

    def price_list(self, tariff: dict[str, float]) -> dict[str, float]:
        """Index admissions at the bundle price; a readmission is refunded, so it earns nothing."""
        prices = dict(tariff)
        for activity, readmission in READMISSION_OF.items():
            if activity in tariff:
                prices[activity] = tariff[activity] * (1.0 + self.aftercare_uplift)
                prices[readmission] = -prices[activity]
        return prices


def build_form(name: str, terms: Any = None, baseline: float = 0.0,
               observed: dict[str, float] | None = None) -> PaymentForm:
    """The registered form `name`, with its parameters read from `terms` (the scenario's `[contract]`)."""
    if name not in FORMS:
        raise ValueError(f"unknown payment form {name!r}; registered forms are {', '.join(sorted(FORMS))}")
    return FORMS[name].from_terms(terms, baseline, observed) if terms is not None else FORMS[name]()
