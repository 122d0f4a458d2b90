"""Whose books a provider is on, and what one more unit of activity or cost does to the result it answers for.

A provider's decisions follow the money it sees. Under an IHO contract that depends on two things the payment
forms alone do not say:

* **Books.** A provider that *is* the host (`contract.host_type`) answers for the host's whole result: money
  between accounts on the same books nets out, so it sees only what the books earn from, and pay to, outside.
* **Alliance risk.** A partner outside the host's books that shares the host's result under an alliance
  agreement weighs the change in that result by its risk share (as far as it looks beyond its own contract and
  trusts the host, `decision_weight`); a lead provider's sub-contractor does not.

This module is the one place (beside the commissioner) that reads the host type and variant; providers call
`admission_signal` and `cost_saving_share` and see only numbers.
"""

from __future__ import annotations

from typing import Any

from ihoabm.money.host_types import HOST, host_type

PARTNERS = ("acute", "community", "gp", "ambulance")   # the alliance's partners, in the ICB's contract order


def _contracts(m: Any) -> list[Any]:
    return list(m.commissioner.contracts.values())


def host_holds_contract(m: Any) -> bool:
    """Whether a host holds a capitated contract this contract year (never in burn-in years)."""
    return m.host is not None and any(k.payee == HOST for k in _contracts(m))


def books_of(m: Any, account: str) -> frozenset[str]:
    """The accounts whose combined result `account` answers for this contract year."""
    if not host_holds_contract(m):
        return frozenset((account,))
    return host_type(m.scenario.contract.host_type).books_of(account)


def alliance_partners(m: Any) -> tuple[str, ...]:
    """The partners that share the host's result at year end: none under a lead provider."""
    if not host_holds_contract(m) or m.scenario.contract.host_variant != "alliance":
        return ()
    host_books = books_of(m, HOST)
    return tuple(p for p in PARTNERS if p not in host_books)


def risk_share(m: Any, account: str) -> float:
    """The share of the host's result `account` bears under an alliance agreement (0 if none).

    The same split as the year-end settlement (`settlement.alliance_shares`): the pooled share of the result,
    in proportion to each partner's contract value.
    """
    partners = alliance_partners(m)
    if account not in partners:
        return 0.0
    values = {p: max(m.commissioner.contracts[p].annual_value or m.commissioner.contracts[p].activity_value, 1.0)
              for p in partners}
    return m.scenario.contract.alliance_pool_share * values[account] / sum(values.values())


def decision_weight(m: Any, account: str) -> float:
    """How much of the host's result `account` weighs in its own decisions: its risk share, discounted.

    A partner acts on its share only as far as `network.shared_risk_weight` says partners look beyond their own
    contract, and as far as it trusts the host to share what it promised (trust on its network edge with the
    host).
    """
    share = risk_share(m, account)
    if not share:
        return 0.0
    return share * m.scenario.network.shared_risk_weight * m.network_trust(HOST, account)


def marginal_result(m: Any, books: frozenset[str], activity: str, variable_cost: float) -> float:
    """What one more unit of `activity` does to the result of `books`: paid in from outside minus paid out.

    The books' own variable cost is not counted here; the caller subtracts it where it applies.
    """
    paid_in = sum(k.marginal_price(activity, variable_cost) for k in _contracts(m)
                  if k.payee in books and k.payer not in books)
    paid_out = sum(k.marginal_price(activity, variable_cost) for k in _contracts(m)
                   if k.payer in books and k.payee not in books)
    return paid_in - paid_out


def admission_signal(m: Any, account: str, activity: str, variable_cost: float) -> float:
    """What one more unit of `activity` earns `account` beyond what its own contracts pay it.

    Zero for a provider on its own books outside any alliance, so its behaviour is exactly what its contracts'
    prices make it. On the host's books it is what the books earn from outside minus what its own contracts
    pay (which net out); in an alliance it adds its risk share of what the unit does to the host's result.
    """
    own = m.commissioner.marginal_income(account, activity, variable_cost)
    books = books_of(m, account)
    offset = 0.0
    if books != frozenset((account,)):
        offset = marginal_result(m, books, activity, variable_cost) - own
    share = decision_weight(m, account)
    if share:
        offset += share * marginal_result(m, books_of(m, HOST), activity, variable_cost)
    return offset


def _pass_through(contract: Any) -> float:
    """GBP a contract pays its payee per GBP more of the payee's costs (cost plus: 1 plus the margin; else 0)."""
    return contract.form.due(0.0, 0.0, 1.0) - contract.form.due(0.0, 0.0, 0.0)


def cost_saving_share(m: Any, account: str) -> float:
    """What `account`'s books keep of each GBP it takes out of its own costs (for example by closing a bed).

    1 when no one outside its books pays its costs; below 0 under a cost-plus contract (the margin is lost with
    the cost). An alliance partner adds its decision weight times what the host saves by paying it less.
    """
    books = books_of(m, account)
    paid_to_account = [k for k in _contracts(m) if k.payee == account]
    keep = 1.0 - sum(_pass_through(k) for k in paid_to_account if k.payer not in books)
    weight = decision_weight(m, account)
    if weight:
        host_books = books_of(m, HOST)
        keep += weight * sum(_pass_through(k) for k in paid_to_account if k.payer in host_books)
    return keep
