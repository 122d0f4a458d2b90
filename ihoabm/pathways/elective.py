"""Elective care: referrals join a waiting list; admissions as capacity, purchased volume and beds allow.

Capacity is what the payer buys plus any extra sessions the trust has booked to meet the 18-week standard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ihoabm.core.population import DAYS_PER_YEAR, DEAD, HOME, INPATIENT

if TYPE_CHECKING:
    from ihoabm.core.world import World


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
    m.accounts.record("outpatient", attendances)

    rng = m.streams["elective"]
    purchased = e.capacity_per_1000 * m.population_size() / 1000 / DAYS_PER_YEAR * m.elective_purchase_share()
    per_day = m.acute.elective_sessions(purchased)
    m.tally.add("elective_extra_capacity", per_day - purchased)
    n = int(per_day) + int(rng.random() < per_day - int(per_day))
    candidates = m.waiting_list.front(n)
    ready = candidates[pop.state[candidates] == HOME]
    day_case = rng.random(ready.size) < e.day_case_share
    ordinary = ready[~day_case]
    reserve = int(np.ceil(e.emergency_bed_reserve * m.acute.beds))
    beds = max(m.acute.free_beds() - reserve, 0)
    admitted_ordinary = ordinary[:beds]
    m.tally.add("elective_cancelled", ordinary.size - admitted_ordinary.size)
    treated = np.concatenate([ready[day_case], admitted_ordinary])
    # Those not treated (cancelled, or in hospital for something else) keep their place.
    m.waiting_list.remove_treated(n, treated)
    pop.waiting_since[treated] = -1
    m.tally.add("day_cases", int(np.count_nonzero(day_case)))
    m.tally.add("elective_admissions", treated.size)
    m.accounts.record("day_case", int(np.count_nonzero(day_case)))
    m.accounts.record("elective", admitted_ordinary.size)
    m.tracker.record(treated, "planned treatment")
    if admitted_ordinary.size:
        los = np.maximum(1, rng.poisson(e.ordinary_los_mean, admitted_ordinary.size)).astype(np.int32)
        pop.state[admitted_ordinary] = INPATIENT
        placed = m.acute.place(admitted_ordinary, los, np.zeros(admitted_ordinary.size, bool), True, m.day)
        if placed != admitted_ordinary.size:
            raise RuntimeError("elective admissions exceeded free beds")
    weeks = m.scenario.oversight.rtt_weeks
    m.tally.set("rtt_breaches", m.waiting_list.waiting_longer_than(weeks * 7, m.day, pop.waiting_since))
