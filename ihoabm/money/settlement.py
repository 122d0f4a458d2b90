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


# Outcomes that tied funding can be paid on: whether more is better, and how far worse than the reference year
# loses the tied share in full.
TIED_MEASURES = {
    # assumption: the tied share is lost in full when emergency admissions per head are 10% higher
    "nel_admissions": (False, 0.10),
    # assumption (range 0.01 to 0.05): QALYs per head against the age-sex norm; 2% lower is a large loss of
    # population health, and the ratio moves about 0.3% from year to year by chance at 20,000 residents (measured)
    "qalys": (True, 0.02),
    # assumption: 5% fewer of the waiting list within 18 weeks (the 2015 standard was 92%)
    "rtt_within_18_weeks": (True, 0.05),
}


def outcome_score(observed: Mapping[str, float], reference: Mapping[str, float], measures: Iterable[str]) -> float:
    """Outcome score for tied funding, from 0 to 1: the mean over `measures` of each one's score.

    A measure scores 1 if it is no worse than its reference (the burn-in year), falling linearly to 0 at its
    tolerance worse; 1 when there is no reference.
    """
    scores = []
    for name in measures:
        higher_is_better, tolerance = TIED_MEASURES[name]
        ref = reference.get(name)
        if not ref:
            scores.append(1.0)
            continue
        worse = (ref - observed[name]) / ref if higher_is_better else (observed[name] - ref) / ref
        scores.append(min(max(1.0 - worse / tolerance, 0.0), 1.0))
    return sum(scores) / len(scores) if scores else 1.0


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


def alliance_shares(ledger: Ledger, day: int, year: int, partners: Mapping[str, Contract],
                    pool_share: float = 1.0) -> None:
    """Share the host's remaining result among the alliance partners in proportion to their contract values.

    The partners pool `pool_share` of it; the host keeps the rest. Partners on the host's own books are not
    among `partners`: their result is already the host's.
    """
    remaining = ledger.year_result("host", year)
    values = {p: max(k.annual_value or k.activity_value, 1.0) for p, k in partners.items()}
    total = sum(values.values())
    for partner, value in values.items():
        ledger.transfer(day, year, "host", partner, remaining * pool_share * value / total, "alliance_share")


def consolidate(ledger: Ledger, day: int, year: int, books: Iterable[str]) -> None:
    """Carry the year's result of each provider on the host's books into the host's account.

    A host that is an acute trust (or a community trust, or a practices' collaborative) keeps one set of books:
    its own provider's surplus or deficit is the host's, before any risk is shared.
    """
    for account in sorted(books):
        if account != "host":
            ledger.transfer(day, year, account, "host", ledger.year_result(account, year), "consolidation")
