"""Payment forms: how a contract turns a day's activity and the payee's costs into money owed.

Each form is one class, registered by name in `FORMS`. A form answers three questions:

- `due`: what today's activity (valued at the contract's prices) and costs make owed;
- `marginal_price`: what one more unit of activity earns the payee: the signal its behaviour responds to;
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
    def from_terms(cls, terms: Any, baseline: float) -> PaymentForm:
        """Build the form from the scenario's `[contract]` table and the payee's observed activity value."""
        return cls()

    def due(self, value: float, fixed: float, payee_cost: float) -> float:
        """Owed for a period: `value` is its activity at the contract's prices, `fixed` its share of the sum."""
        return fixed

    def marginal_price(self, price: float, variable_cost: float) -> float:
        """What one more unit earns the payee, given the unit's price and the payee's variable cost."""
        return 0.0

    def year_end(self, activity_value: float) -> float:
        """Paid once the year's activity value is known."""
        return 0.0


@register
@dataclass(frozen=True)
class Activity(PaymentForm):
    """A price per unit of activity (Payment by Results tariff, ambulance per incident)."""

    name: ClassVar[str] = "activity"

    def due(self, value: float, fixed: float, payee_cost: float) -> float:
        """Owed for the period under this form."""
        return value

    def marginal_price(self, price: float, variable_cost: float) -> float:
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
    """A fixed part plus a variable share of tariff on every unit."""

    name: ClassVar[str] = "blended"
    variable_share: float = 0.0

    @classmethod
    def from_terms(cls, terms: Any, baseline: float) -> PaymentForm:
        """Build the form with its parameters from the `[contract]` table."""
        return cls(terms.blended_variable_share)

    def due(self, value: float, fixed: float, payee_cost: float) -> float:
        """Owed for the period under this form."""
        return fixed + self.variable_share * value

    def marginal_price(self, price: float, variable_cost: float) -> float:
        """What one more unit earns under this form."""
        return self.variable_share * price


@register
@dataclass(frozen=True)
class CostPlus(PaymentForm):
    """The payee's costs plus a margin."""

    name: ClassVar[str] = "cost_plus"
    margin: float = 0.0

    @classmethod
    def from_terms(cls, terms: Any, baseline: float) -> PaymentForm:
        """Build the form with its parameters from the `[contract]` table."""
        return cls(terms.cost_plus_margin)

    def due(self, value: float, fixed: float, payee_cost: float) -> float:
        """Owed for the period under this form."""
        return payee_cost * (1.0 + self.margin)

    def marginal_price(self, price: float, variable_cost: float) -> float:
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
    def from_terms(cls, terms: Any, baseline: float) -> PaymentForm:
        """Build the form with its parameters from the `[contract]` table."""
        return cls(terms.shared_savings_share, baseline)

    def marginal_price(self, price: float, variable_cost: float) -> float:
        """What one more unit earns under this form."""
        return -self.share * price

    def year_end(self, activity_value: float) -> float:
        """The year-end payment under this form."""
        return self.share * max(self.baseline - activity_value, 0.0)


def build_form(name: str, terms: Any = None, baseline: float = 0.0) -> PaymentForm:
    """The registered form `name`, with its parameters read from `terms` (the scenario's `[contract]`)."""
    if name not in FORMS:
        raise ValueError(f"unknown payment form {name!r}; registered forms are {', '.join(sorted(FORMS))}")
    return FORMS[name].from_terms(terms, baseline) if terms is not None else FORMS[name]()
