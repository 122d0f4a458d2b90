"""Crises, 999 triage and A&E: where an urgent need becomes a call, a conveyance, an admission or not."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ihoabm.core.hazards import at_home
from ihoabm.core.population import VIRTUAL_WARD
from ihoabm.pathways import harm
from ihoabm.pathways.episodes import ACUITY, COLUMNS, DEST, MARGIN, ROUTE, THIN, Episodes
from ihoabm.pathways.inpatient import admit_emergency
from ihoabm.providers import trusts
from ihoabm.providers.ambulance import CONVEY_ED, CONVEY_ELSEWHERE, HEAR_AND_TREAT, SEE_AND_TREAT, UCR_REFERRAL

if TYPE_CHECKING:
    from ihoabm.core.world import World


def crises(m: World) -> tuple[Episodes, Episodes]:
    """Today's crises and minor episodes, split into 999 calls and A&E walk-ins.

    Caseloads and proactive care lower the crisis hazard: a drawn crisis is thinned by the person's current
    relative risk, so capacity changes act the day they happen.
    """
    pop = m.pop
    h = m.scenario.health
    idx, u = m.tables["crisis"].draw(m.streams["crisis"], COLUMNS)
    home = at_home(pop, idx)
    idx, u = idx[home], u[home]
    caseload, proactive = pop.on_caseload[idx], pop.proactive[idx]
    keep = u[:, THIN] < np.where(caseload, h.caseload_crisis_rr, 1.0) * np.where(proactive, h.proactive_crisis_rr,
                                                                                  1.0)
    m.tally.add("caseload_crises", int(np.count_nonzero(keep & caseload)))
    m.tally.add("proactive_crises", int(np.count_nonzero(keep & proactive)))
    crisis = Episodes(idx[keep], u[keep]).by_priority()
    m.tally.add("crises", len(crisis))
    m.tracker.record(crisis.rows, "crisis")
    call_share = np.asarray(m.scenario.ambulance.crisis_call_share)[pop.frailty[crisis.rows]]
    crisis_calls = crisis.u[:, ROUTE] < call_share

    midx, mu = m.tables["minor"].draw(m.streams["minor"], COLUMNS)
    minor = Episodes(midx, mu).take(at_home(pop, midx)).by_priority()
    minor_calls = minor.u[:, ROUTE] < m.scenario.ambulance.minor_call_share
    calls = Episodes.join(crisis.take(crisis_calls), minor.take(minor_calls))
    walk_ins = Episodes.join(crisis.take(~crisis_calls), minor.take(~minor_calls))
    return calls, walk_ins


def ucr_eligible(m: World, rows: np.ndarray) -> np.ndarray:
    """People a community team could look after at home: older, frail or with a long-term condition."""
    pop = m.pop
    return (pop.ltc[rows] >= 1) | (pop.frailty[rows] >= 1) | (pop.age[rows] >= 65)


def ambulance(m: World, calls: Episodes) -> Episodes:
    """Triage 999 incidents; return those conveyed to the emergency department."""
    if len(calls) == 0:
        return Episodes.empty()
    outcome, used = m.ambulance.triage(calls.u[:, ACUITY], calls.u[:, DEST], ucr_eligible(m, calls.rows),
                                       m.community.ucr_slots_today)
    # Whether the last UCR slot was used today: what a manager can see of the return to one more slot.
    ran_out = used > 0 and used == m.community.ucr_slots_today
    m.community.take_ucr_slots(used)
    t = m.tally
    t.add("ucr_full_days", int(ran_out))
    t.add("ambulance_incidents", len(calls))
    t.add("hear_and_treat", int(np.count_nonzero(outcome == HEAR_AND_TREAT)))
    t.add("see_and_treat", int(np.count_nonzero(outcome == SEE_AND_TREAT)))
    t.add("ucr_referrals", used)
    t.add("ucr_contacts", used * m.scenario.community.ucr_contacts_per_episode)
    t.add("conveyed_elsewhere", int(np.count_nonzero(outcome == CONVEY_ELSEWHERE)))
    conveyed = calls.take(outcome == CONVEY_ED)
    t.add_group("conveyances", m.pop.group[conveyed.rows])
    m.tracker.record(calls.rows[outcome == UCR_REFERRAL], "999: urgent community response")
    m.tracker.record(calls.rows[outcome == SEE_AND_TREAT], "999: seen and treated at home")
    m.tracker.record(calls.rows[outcome == HEAR_AND_TREAT], "999: advice by phone")
    m.tracker.record(conveyed.rows, "999: conveyed to A&E")
    return conveyed


def emergency_department(m: World, walk_ins: Episodes, conveyed: Episodes) -> None:
    """A&E: attend, then admit or not. Clinical need decides; at the margin, the trust and free capacity do."""
    a = m.scenario.acute
    arrivals = Episodes.join(walk_ins, conveyed)
    if len(arrivals) == 0:
        return
    by_ambulance = np.zeros(len(arrivals), dtype=bool)
    by_ambulance[len(walk_ins):] = True
    m.tally.add_group("ae_attendances", m.pop.group[arrivals.rows])
    m.tracker.record(arrivals.rows, "A&E attendance")
    where = trusts.route(m, arrivals.rows, by_ambulance)   # which trust's A&E each arrival is at
    _count_by_trust(m, where, by_ambulance)
    threshold = np.where(by_ambulance, a.admit_acuity_conveyed, a.admit_acuity_walk_in)
    acuity = arrivals.u[:, ACUITY]
    clinical = acuity >= threshold
    marginal = ~clinical & (acuity >= threshold - a.marginal_band)
    # At the margin a free virtual-ward place is a safe alternative: fewer marginal patients need a bed.
    eligible = marginal & ucr_eligible(m, arrivals.rows)
    places = np.zeros(len(arrivals), dtype=bool)
    free = m.community.vw_free()
    places[np.flatnonzero(eligible)[:free]] = True
    # A day when marginal patients found no free place: one more place would have been used.
    m.tally.add("vw_full_days", int(np.count_nonzero(eligible) > free))
    admit_marginal = marginal & trusts.admits_at_margin(m, where, arrivals.u[:, MARGIN], places)
    # A marginal patient the trust does not admit goes home on the virtual ward if there is a place.
    step_up = np.flatnonzero(places & ~admit_marginal)
    if step_up.size:
        # Someone can arrive twice in a day (a crisis and a minor episode): one virtual-ward place each.
        rows = np.unique(arrivals.rows[step_up])
        m.community.admit_virtual_ward(rows, m.day)
        m.pop.state[rows] = VIRTUAL_WARD
        m.tally.add("virtual_ward_admissions", rows.size)
        m.tally.add("vw_step_up", rows.size)
        m.tracker.record(rows, "virtual ward (instead of admission)")
    m.tally.add("nel_marginal_admissions", int(np.count_nonzero(admit_marginal)))
    harm.sent_home(m, arrivals.rows, marginal, clinical | admit_marginal | places)
    without_bed = sum(t.arrivals_without_bed for t in m.trusts)
    single = len(m.trusts) == 1
    admit_emergency(m, arrivals.take(clinical), marginal=False, where=None if single else where[clinical])
    admit_emergency(m, arrivals.take(admit_marginal), marginal=True, where=None if single else where[admit_marginal])
    # The model has no clock inside A&E: an admitted patient who finds no free bed stands for a 4-hour breach.
    m.tally.add("ae_four_hour_breaches", sum(t.arrivals_without_bed for t in m.trusts) - without_bed)


def _count_by_trust(m: World, where: np.ndarray, by_ambulance: np.ndarray) -> None:
    """Attendances and conveyances by trust; the further trusts' attendances are paid on their own contracts."""
    m.trust_tally.add(m.year, "ae_attendances", where)
    m.trust_tally.add(m.year, "conveyances", where[by_ambulance])
    for trust in m.trusts[1:]:
        m.accounts.record("ae", float(np.count_nonzero(where == trust.index)), trust.account)
