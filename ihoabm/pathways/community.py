"""Community services: who is on a district nursing caseload or in proactive care, and today's contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ihoabm.core.hazards import crisis_rate
from ihoabm.core.population import DAYS_PER_YEAR, DEAD

if TYPE_CHECKING:
    from ihoabm.core.world import World


def _targeted(m: World, eligible: np.ndarray, risk: np.ndarray, slots: int, stream: str) -> np.ndarray:
    """Pick `slots` people from `eligible`, by risk as well as the shared data allows, the rest at random."""
    if slots <= 0 or eligible.size == 0:
        return np.empty(0, dtype=np.int64)
    net = m.scenario.network
    trust = m.network_trust("gp", "community")
    accuracy = net.stratification_accuracy_low + (net.stratification_accuracy_high
                                                  - net.stratification_accuracy_low) * trust
    rng = m.streams[stream]
    by_risk = np.argsort(-risk, kind="stable")
    rank = np.empty(eligible.size)
    rank[by_risk] = np.arange(eligible.size) / eligible.size
    # Better data sharing puts more weight on true risk than on chance in who gets picked.
    score = accuracy * (1 - rank) + (1 - accuracy) * rng.random(eligible.size)
    return eligible[np.argsort(-score, kind="stable")[:slots]]


def refresh_caseloads(m: World) -> None:
    """Monthly: fill district nursing caseloads and proactive care from those at highest risk."""
    pop = m.pop
    n = pop.n
    alive = pop.state[:n] != DEAD
    risk = crisis_rate(m.scenario, pop)
    pop.on_caseload[:n] = False
    eligible = np.flatnonzero(alive & (pop.ltc[:n] >= 2) & (pop.frailty[:n] >= 1))
    chosen = _targeted(m, eligible, risk[eligible], m.community.caseload_slots(), "caseload")
    pop.on_caseload[chosen] = True
    m.community.record_caseload(chosen.size)
    m.tracker.record(chosen, "on district nursing caseload")

    pop.proactive[:n] = False
    slots = m.practices.proactive_slots()
    if slots:
        adults = np.flatnonzero(alive & (pop.age[:n] >= 18) & (pop.ltc[:n] >= 1))
        cutoff = int(m.scenario.primary.proactive_eligible_share * np.count_nonzero(alive)) or 1
        top = adults[np.argsort(-risk[adults], kind="stable")[: max(cutoff * 3, slots)]]
        chosen = _targeted(m, top, risk[top], slots, "proactive")
        pop.proactive[chosen] = True
        m.tracker.record(chosen, "in GP proactive care")
    _tally_expected_crises(m, risk)


def _tally_expected_crises(m: World, risk: np.ndarray) -> None:
    """Record the crises the risk model expects among caseload and proactive patients this month."""
    n = m.pop.n
    month = risk / 12.0
    m.tally.add("caseload_expected_crises", float(month[m.pop.on_caseload[:n]].sum()))
    m.tally.add("proactive_expected_crises", float(month[m.pop.proactive[:n]].sum()))


def daily_contacts(m: World) -> None:
    """Contacts delivered today: caseload visits, UCR, virtual-ward days and discharge packages."""
    c = m.scenario.community
    t = m.tally
    caseload = m.community.caseload_size * c.caseload_visits_per_year / DAYS_PER_YEAR
    t.add("caseload_contacts", caseload)
    t.set("caseload_size", m.community.caseload_size)
    total = caseload + t.today("ucr_contacts") + t.today("vw_contacts") + t.today("discharge_contacts")
    t.add("community_contacts", total)
    m.accounts.record("community_contact", total)
