"""The provider network: organisations as nodes; referral flows, money and trust on the edges."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from ihoabm.money.ledger import ACCOUNTS
from ihoabm.outputs import catalogue

if TYPE_CHECKING:
    # The model's type without importing ihoabm.core.model, which imports this module.
    from mesa import Model as IHOModel

# Edges (from, to) and the tally series whose year totals are the patients flowing along them.
PATIENT_FLOWS = catalogue.patient_flows()


def build_network(m: IHOModel) -> nx.DiGraph:
    """Create the network: ICB, host (if any), acute, community, ambulance, GP practices, prevention."""
    g = nx.DiGraph()
    orgs = ["icb", "acute", "community", "ambulance", "gp", "prevention"] + (["host"] if m.host else [])
    for org in orgs:
        g.add_node(org, kind=org, balance=0.0)
    payer = "host" if m.host else "icb"
    if m.host:
        g.add_edge("icb", "host", patients=0.0, money=0.0, trust=m.scenario.network.trust_initial)
    for org in ("acute", "community", "ambulance", "gp", "prevention"):
        g.add_edge(payer, org, patients=0.0, money=0.0, trust=m.scenario.network.trust_initial)
    for a, b in PATIENT_FLOWS:
        g.add_edge(a, b, patients=0.0, money=0.0, trust=m.scenario.network.trust_initial)
    _add_providers(m, g)
    # Layout for the app: a seeded spring layout, so the same seed draws the same picture.
    m.layout = nx.spring_layout(g, seed=m.streams.derived_seed("layout"))
    return g


def trust(m: IHOModel, a: str, b: str) -> float:
    """Trust between two partners (either direction of their edge)."""
    g = m.network
    if g.has_edge(a, b):
        return float(g.edges[a, b]["trust"])
    if g.has_edge(b, a):
        return float(g.edges[b, a]["trust"])
    return m.scenario.network.trust_initial


def update(m: IHOModel, year: int) -> None:
    """Year end: record flows and money on edges, and move trust.

    Trust rises when a partner shares gains and the other delivers what was funded; it falls when one
    shunts cost onto another (delays pushed onto the acute trust, or a deficit pushed onto partners).
    """
    g = m.network
    net = m.scenario.network
    for (a, b), names in PATIENT_FLOWS.items():
        g.edges[a, b]["patients"] = sum(m.tally.year_total(n, year) for n in names)
    _provider_flows(m, year)
    flows = m.ledger.year_flows(year)
    for payer, payee, _ in flows:
        if g.has_edge(payer, payee):
            g.edges[payer, payee]["money"] = 0.0
    shared: dict[str, float] = {}
    for (payer, payee, cat), pence in flows.items():
        if g.has_edge(payer, payee):
            g.edges[payer, payee]["money"] += pence / 100
        if cat in ("shared_savings", "alliance_share"):
            shared[payee] = shared.get(payee, 0.0) + pence / 100
        if cat == "alliance_share" and payee == "host":
            shared[payer] = shared.get(payer, 0.0) - pence / 100
    for node in g.nodes:
        g.nodes[node]["balance"] = m.ledger.balance(node) / 100 if node in ACCOUNTS else 0.0

    bed_days = max(m.tally.year_total("bed_days", year), 1.0)
    delayed_share = m.tally.year_total("delayed_discharge_days", year) / bed_days
    delivered = m.community.capacity_by_stream.sum() >= 0.95 * m.community.funding / m.community.unit_cost
    invested = m.host is not None and m.host.invest[:3].sum() > 0
    gains = invested or shared.get("community", 0.0) > 0 or shared.get("acute", 0.0) > 0
    for a, b in (("acute", "community"), ("gp", "community")):
        t = g.edges[a, b]["trust"]
        if gains and delivered:
            t += net.trust_gain * (1 - t)
        if delayed_share > 0.05 or any(v < 0 for v in shared.values()):
            t -= net.trust_loss * t
        g.edges[a, b]["trust"] = min(max(t, 0.0), 1.0)
    _update_partner_trust(m, shared)


def _update_partner_trust(m: IHOModel, shared: dict[str, float]) -> None:
    """Alliance partners come to trust the host as it shares gains with them, and less as it passes on deficits.

    Only partners that shared the year's result move; the trust they end with sets how far they weigh their
    share of the host's result in their own decisions (`ihoabm.money.books.decision_weight`).
    """
    g, net = m.network, m.scenario.network
    for partner, amount in shared.items():
        if partner == "host" or not g.has_edge("host", partner) or not amount:
            continue
        t = g.edges["host", partner]["trust"]
        t = t + net.trust_gain * (1 - t) if amount > 0 else t - net.trust_loss * t
        g.edges["host", partner]["trust"] = min(max(t, 0.0), 1.0)


def _more_providers(m: IHOModel) -> list[str]:
    """The further acute trusts and the independent sector, where the place has them (none by default)."""
    return [*m.trust_accounts[1:], *(["independent"] if m.independent is not None else [])]


def _add_providers(m: IHOModel, g: nx.DiGraph) -> None:
    """Nodes for the further acute trusts and the independent sector, with their contract and patient edges.

    Each node carries its market share (`share`, of emergency admissions for a trust, of electives for the
    independent sector) once a year is over; the ambulance edges carry the conveyances to each trust.
    """
    extra = _more_providers(m)
    if not extra:
        return
    initial = m.scenario.network.trust_initial
    payer = "host" if m.host else "icb"
    g.nodes["acute"]["share"] = 0.0
    for org in extra:
        g.add_node(org, kind="acute" if org != "independent" else "independent", balance=0.0, share=0.0)
        g.add_edge(payer, org, patients=0.0, money=0.0, trust=initial)
        if org != "independent":
            g.add_edge("ambulance", org, patients=0.0, money=0.0, trust=initial)
            g.add_edge(org, "community", patients=0.0, money=0.0, trust=initial)


def _provider_flows(m: IHOModel, year: int) -> None:
    """Year end, with several providers: conveyances to each trust, and each provider's market share."""
    if not _more_providers(m):
        return
    g, t = m.network, m.trust_tally
    conveyed = t.counts[year, t.index["conveyances"]]
    nel = t.counts[year, t.index["nel_admissions"]]
    elective = t.counts[year, t.index["elective_admissions"]]
    for trust in m.trusts:
        if g.has_edge("ambulance", trust.account):
            g.edges["ambulance", trust.account]["patients"] = float(conveyed[trust.index])
        g.nodes[trust.account]["share"] = float(nel[trust.index] / max(nel.sum(), 1.0))
    if m.independent is not None:
        g.nodes["independent"]["share"] = float(elective[-1] / max(elective.sum(), 1.0))
