"""Elective care: referrals join a waiting list; admissions as capacity, purchased volume and beds allow.

Capacity is what the payer buys plus any extra sessions the trust has booked to meet the 18-week standard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ihoabm.core.population import DAYS_PER_YEAR, DEAD, HOME, INPATIENT
from ihoabm.providers import trusts

if TYPE_CHECKING:
    from ihoabm.core.world import World
    from ihoabm.providers.acute import AcuteTrust


def elective(m: World) -> None:
    """Today's referrals, outpatient attendances and elective admissions."""
    pop = m.pop
    e = m.scenario.elective
    refs, _ = m.tables["referral"].draw(m.streams["referral"], 0)
    refs = np.unique(refs)
    refs = refs[(pop.state[refs] != DEAD) & (pop.waiting_since[refs] < 0)]
    pop.waiting_since[refs] = m.day
    m.waiting_list.join(refs)
    m.tally.add("elective_referrals", refs.size)
    m.tracker.record(refs, "referred for planned treatment")

    # Outpatient attendances are counted and paid, not rationed, so only their number is drawn.
    attendances = int(m.streams["outpatient"].poisson(m.tables["outpatient"].total))
    m.tally.add("outpatient_attendances", attendances)
    if len(m.trusts) == 1:
        m.accounts.record("outpatient", attendances)
    else:
        # Outpatients are seen where their catchment's trust is: split by the trusts' shares.
        shares = m.scenario.acute.trust_shares
        for trust, k in zip(m.trusts, trusts.split(attendances, shares, m.streams["outpatient_trust"]), strict=True):
            m.accounts.record("outpatient", int(k), trust.account)

    rng = m.streams["elective"]
    purchased = e.capacity_per_1000 * m.population_size() / 1000 / DAYS_PER_YEAR * m.elective_purchase_share()
    # Each trust treats from the one pooled list as its share of the purchased capacity and its beds allow.
    sessions = [t.elective_sessions(purchased if len(m.trusts) == 1 else purchased * t.share) for t in m.trusts]
    m.tally.add("elective_extra_capacity", sum(sessions) - purchased)
    counts = [int(per_day) + int(rng.random() < per_day - int(per_day)) for per_day in sessions]
    n = sum(counts)
    candidates = m.waiting_list.front(n)
    offsets = np.cumsum([0, *counts])
    treated = [_treat_at(m, trust, candidates[offsets[k]:offsets[k + 1]], rng) for k, trust in enumerate(m.trusts)]
    treated = treated[0] if len(treated) == 1 else np.concatenate(treated)
    # Those not treated (cancelled, or in hospital for something else) keep their place.
    m.waiting_list.remove_treated(n, treated)
    pop.waiting_since[treated] = -1
    if m.independent is not None:
        _independent(m)
    weeks = m.scenario.oversight.rtt_weeks
    m.tally.set("rtt_breaches", m.waiting_list.waiting_longer_than(weeks * 7, m.day, pop.waiting_since))


def _treat_at(m: World, trust: AcuteTrust, candidates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Treat today's candidates at one trust: day cases, and ordinary admissions as its free beds allow."""
    pop, e = m.pop, m.scenario.elective
    ready = candidates[pop.state[candidates] == HOME]
    day_case = rng.random(ready.size) < e.day_case_share
    ordinary = ready[~day_case]
    reserve = int(np.ceil(e.emergency_bed_reserve * trust.beds))
    beds = max(trust.free_beds() - reserve, 0)
    admitted_ordinary = ordinary[:beds]
    m.tally.add("elective_cancelled", ordinary.size - admitted_ordinary.size)
    treated = np.concatenate([ready[day_case], admitted_ordinary])
    m.tally.add("day_cases", int(np.count_nonzero(day_case)))
    m.tally.add("elective_admissions", treated.size)
    m.trust_tally.add_at(m.year, "elective_admissions", trust.index, treated.size)
    m.accounts.record("day_case", int(np.count_nonzero(day_case)), trust.account)
    m.accounts.record("elective", admitted_ordinary.size, trust.account)
    m.tracker.record(treated, "planned treatment")
    if admitted_ordinary.size:
        los = np.maximum(1, rng.poisson(e.ordinary_los_mean, admitted_ordinary.size)).astype(np.int32)
        pop.state[admitted_ordinary] = INPATIENT
        placed = trust.place(admitted_ordinary, los, np.zeros(admitted_ordinary.size, bool), True, m.day)
        if placed != admitted_ordinary.size:
            raise RuntimeError("elective admissions exceeded free beds")
    return treated


def _independent(m: World) -> None:
    """The independent sector treats those at the front of the list who have waited long enough to choose it.

    Up to its capacity, and only those at home to go; it needs no NHS bed.
    """
    pop, e = m.pop, m.scenario.elective
    rng = m.streams["independent"]
    # A payer that buys less planned care (a host in deficit) buys less from the independent sector too.
    per_day = m.independent.capacity_today(m.population_size()) * m.elective_purchase_share()
    n = int(per_day) + int(rng.random() < per_day - int(per_day))
    candidates = m.waiting_list.front(n)
    waited = m.day - pop.waiting_since[candidates] > e.independent_after_weeks * 7
    treated = candidates[waited & (pop.state[candidates] == HOME) & (pop.waiting_since[candidates] >= 0)]
    if treated.size == 0:
        return
    m.waiting_list.remove_treated(n, treated)
    pop.waiting_since[treated] = -1
    day_case = rng.random(treated.size) < e.day_case_share
    m.tally.add("day_cases", int(np.count_nonzero(day_case)))
    m.tally.add("elective_admissions", treated.size)
    m.trust_tally.add_at(m.year, "elective_admissions", len(m.trusts), treated.size)
    m.accounts.record("is_day_case", int(np.count_nonzero(day_case)))
    m.accounts.record("is_elective", int(np.count_nonzero(~day_case)))
    m.tracker.record(treated, "planned treatment (independent sector)")
