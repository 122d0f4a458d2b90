"""Host types: which organisation holds the IHO contract, and so whose books the host's result is on.

A host type is one class in a registry. It names the provider accounts the host organisation *is*: their
costs and income are on the host's books (settled into the host's account at year end, `settlement.consolidate`),
and money between them nets out, so a provider on the host's books sees only what the books as a whole earn
from outside (`books_of`). It also names the spending the host delivers itself, for the 51% rule
(`ihoabm/scenario/authorisation.py`).

This module imports nothing from ihoabm, so the schema can read the registry's names without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

HOST = "host"


@dataclass(frozen=True)
class HostType:
    """Base: a host that is an account with no services of its own (the model's original host)."""

    name: ClassVar[str] = "separate"
    own_accounts: ClassVar[tuple[str, ...]] = ()
    # The share of the contract value the host delivers itself, judged at authorisation from published spending
    # shares of acute, community and primary medical care (ICB written answers 2023/24, the calibration targets
    # `spend_share_*` in ihoabm/data/england_targets.csv): acute 0.72, community 0.13, primary medical 0.14.
    reference_own_share: ClassVar[float] = 0.0
    delivers: ClassVar[str] = "no services of its own"

    @classmethod
    def books_of(cls, account: str) -> frozenset[str]:
        """The accounts whose combined result `account` answers for."""
        books = frozenset((HOST, *cls.own_accounts))
        return books if account in books else frozenset((account,))


HOST_TYPES: dict[str, type[HostType]] = {}


def register(cls: type[HostType]) -> type[HostType]:
    """Class decorator: make a host type available by its `name`."""
    HOST_TYPES[cls.name] = cls
    return cls


register(HostType)


@register
@dataclass(frozen=True)
class AcuteTrustHost(HostType):
    """An acute foundation trust holds the contract: its hospital's costs and income are the host's."""

    name: ClassVar[str] = "acute_trust"
    own_accounts: ClassVar[tuple[str, ...]] = ("acute",)
    reference_own_share: ClassVar[float] = 0.72
    delivers: ClassVar[str] = "its hospital's services (acute care, about 72% of spending)"


@register
@dataclass(frozen=True)
class CommunityTrustHost(HostType):
    """A community trust holds the contract: the community provider's costs and income are the host's."""

    name: ClassVar[str] = "community_trust"
    own_accounts: ClassVar[tuple[str, ...]] = ("community",)
    reference_own_share: ClassVar[float] = 0.13
    delivers: ClassVar[str] = "community services (about 13% of spending)"


@register
@dataclass(frozen=True)
class PrimaryCareHost(HostType):
    """A primary care collaborative holds the contract: the practices' books are the host's."""

    name: ClassVar[str] = "primary_care"
    own_accounts: ClassVar[tuple[str, ...]] = ("gp",)
    reference_own_share: ClassVar[float] = 0.14
    delivers: ClassVar[str] = "general practice (primary medical care, about 14% of spending)"


@register
@dataclass(frozen=True)
class IntegratedHost(HostType):
    """Structural integration: the acute trust, community services and practices are one organisation.

    Copps (Mutual Ventures), "Three questions about integrated care": one organisation combining acute and
    community services and bringing in GP surgeries (the Royal Wolverhampton model), against the contractual
    forms (lead provider, alliance).
    """

    name: ClassVar[str] = "integrated"
    own_accounts: ClassVar[tuple[str, ...]] = ("acute", "community", "gp")
    reference_own_share: ClassVar[float] = 0.99
    delivers: ClassVar[str] = "acute, community and primary medical care (about 99% of spending)"


def host_type(name: str) -> type[HostType]:
    """The registered host type `name`."""
    if name not in HOST_TYPES:
        raise ValueError(f"unknown host type {name!r}; registered types are {', '.join(sorted(HOST_TYPES))}")
    return HOST_TYPES[name]
