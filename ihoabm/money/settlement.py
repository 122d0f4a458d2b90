"""Year-end settlement: payments that depend on the whole year's activity or result.

Each function posts its transfers to the ledger and nothing else, so the order of settlement is the order
the commissioner calls them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ihoabm.money.contracts import Contract
from ihoabm.money.ledger import Ledger


def shared_savings(ledger: Ledger, day: int, year: int, contracts: Iterable[Contract]) -> None:
    """Pay each contract's year-end share of savings (shared-savings forms; others pay nothing)."""
    for k in contracts:
        savings = k.year_end_savings()
        if savings:
            ledger.transfer(day, year, k.payer, k.payee, savings, "shared_savings")


OUTCOME_TOLERANCE = 0.10   # assumption: the tied share is lost in full when admissions per head are 10% higher


def outcome_score(admissions_per_head: float, reference: float | None) -> float:
    """Outcome score for tied funding, from 0 to 1.

    1 if emergency admissions per head are no higher than the reference (the burn-in year), falling linearly to
    0 at `OUTCOME_TOLERANCE` higher; 1 when there is no reference.
    """
    if not reference:
        return 1.0
    return min(max(1.0 - (admissions_per_head / reference - 1.0) / OUTCOME_TOLERANCE, 0.0), 1.0)


def tied_funding(ledger: Ledger, day: int, year: int, at_stake: float, score: float) -> None:
    """Release the share of capitation tied to outcomes, in proportion to the outcome score (0 to 1)."""
    if at_stake > 0:
        ledger.transfer(day, year, "icb", "host", at_stake * score, "tied_funding")


def risk_share(ledger: Ledger, day: int, year: int, contract_value: float, corridor_share: float,
               icb_share: float) -> None:
    """Beyond a corridor around break-even, the ICB takes back part of a surplus or covers part of a deficit."""
    result = ledger.year_result("host", year)
    corridor = corridor_share * contract_value
    if abs(result) > corridor:
        excess = result - corridor if result > 0 else result + corridor
        ledger.transfer(day, year, "host", "icb", excess * icb_share, "risk_share")


def alliance_shares(ledger: Ledger, day: int, year: int, partners: Mapping[str, Contract]) -> None:
    """Share the host's remaining result among the alliance partners in proportion to their contract values."""
    remaining = ledger.year_result("host", year)
    values = {p: max(k.annual_value or k.activity_value, 1.0) for p, k in partners.items()}
    total = sum(values.values())
    for partner, value in values.items():
        ledger.transfer(day, year, "host", partner, remaining * value / total, "alliance_share")
