"""Inpatients: emergency admission, length of stay, discharge when fit, delays when step-down is full."""

from __future__ import annotations

from math import gamma
from typing import TYPE_CHECKING

import numpy as np

from ihoabm.core.population import DELAYED, HOME, INPATIENT, VIRTUAL_WARD
from ihoabm.pathways import harm
from ihoabm.pathways.episodes import LOS, SUPPORT, ZERO, Episodes
from ihoabm.providers import trusts

READMISSION_DAYS = 30   # the NHS indicator's window: an emergency readmission within 30 days of discharge

if TYPE_CHECKING:
    from ihoabm.core.world import World
    from ihoabm.providers.acute import AcuteTrust


def length_of_stay(m: World, rows: np.ndarray, u: np.ndarray, effort: float | np.ndarray | None = None) -> np.ndarray:
    """Overnight stay in whole days (at least 1): Weibull by age band and frailty, by inverse transform.

    The trust's discharge effort shortens it: `effort` is the share of the stay it leaves (for each person, at
    their trust), the main trust's if not given.
    """
    a = m.scenario.acute
    pop = m.pop
    mean = np.asarray(a.los_mean_by_band)[pop.band[rows]] * np.asarray(a.los_frailty_multiplier)[pop.frailty[rows]]
    mean = mean * (m.acute.los_multiplier() if effort is None else effort)
    # Stays are at least one night, so the Weibull part carries the mean above one day.
    scale = np.maximum(mean - 1.0, 0.05) / gamma(1.0 + 1.0 / a.los_shape)
    extra = scale * np.power(-np.log1p(-np.minimum(u, 1 - 1e-12)), 1.0 / a.los_shape)
    return (1 + np.floor(extra + 0.5)).astype(np.int32)


def admit_emergency(m: World, ep: Episodes, marginal: bool, where: np.ndarray | None = None) -> None:
    """Admit people as emergencies: zero-day stays go home today, the rest need a bed.

    `where` is the trust (index into `m.trusts`) each episode is admitted at; all at the main trust if None.
    """
    pop = m.pop
    a = m.scenario.acute
    if len(ep) == 0:
        return
    _, first = np.unique(ep.rows, return_index=True)
    first = np.sort(first)
    ep = ep.take(first)
    ok = (pop.state[ep.rows] == HOME) | (pop.state[ep.rows] == VIRTUAL_WARD)
    ep = ep.take(ok)
    where = np.zeros(len(ep), dtype=np.intp) if where is None else where[first][ok]
    if len(ep) == 0:
        return
    on_vw = pop.state[ep.rows] == VIRTUAL_WARD
    if on_vw.any():
        m.community.remove(ep.rows[on_vw])
    zero = ep.u[:, ZERO] < (a.zero_day_share_marginal if marginal else a.zero_day_share_clinical)
    groups = pop.group[ep.rows]
    readmission = m.day - pop.last_emergency_discharge[ep.rows] <= READMISSION_DAYS
    m.tally.add_group("nel_admissions", groups)
    m.tally.add("nel_zero_day_admissions", int(np.count_nonzero(zero)))
    m.tally.add("nel_readmissions", int(np.count_nonzero(readmission)))
    _count_at_trusts(m, ep.rows, where, zero, readmission)
    m.tracker.record(ep.rows[zero], "emergency admission (same-day discharge)")
    pop.state[ep.rows[zero]] = HOME
    pop.last_emergency_discharge[ep.rows[zero]] = m.day
    stay = ep.take(~zero)
    if len(stay) == 0:
        return
    where = where[~zero]
    single = len(m.trusts) == 1
    effort = None if single else np.array([t.los_multiplier() for t in m.trusts])[where]
    los = length_of_stay(m, stay.rows, stay.u[:, LOS], effort)
    support = stay.u[:, SUPPORT] < np.asarray(a.step_down_need_by_frailty)[pop.frailty[stay.rows]]
    pop.state[stay.rows] = INPATIENT
    for trust in m.trusts:
        here = slice(None) if single else where == trust.index
        trust.admit_emergency(stay.rows[here], los[here], support[here], m.day)
    m.tracker.record(stay.rows, "emergency admission")


def _count_at_trusts(m: World, rows: np.ndarray, where: np.ndarray, zero: np.ndarray,
                     readmission: np.ndarray) -> None:
    """Each trust's admissions, paid on its own contracts, and the flows from each catchment to it."""
    single = len(m.trusts) == 1
    m.trust_tally.add(m.year, "nel_admissions", where)
    for trust in m.trusts:
        here = np.ones(1, dtype=bool) if single else where == trust.index
        account = trust.account
        m.trust_tally.add_flow(m.year, trusts.home_trust(m, rows[here] if not single else rows), trust.index)
        m.accounts.record("nel_short", int(np.count_nonzero(zero & here)), account)
        m.accounts.record("nel_long", int(np.count_nonzero(~zero & here)), account)
        # Readmissions are admissions too; counted apart as well, for contracts that pay them differently.
        m.accounts.record("nel_readmission_short", int(np.count_nonzero(zero & readmission & here)), account)
        m.accounts.record("nel_readmission_long", int(np.count_nonzero(~zero & readmission & here)), account)


def admit_gp_referrals(m: World, referred: Episodes) -> None:
    """Patients a GP sends in for emergency admission (they do not pass through A&E): at their home trust."""
    m.tally.add("nel_gp_direct", len(referred))
    where = None if len(m.trusts) == 1 else trusts.home_trust(m, referred.rows)
    admit_emergency(m, referred, marginal=False, where=where)


def discharges(m: World) -> None:
    """Discharge the medically fit at every trust; then end virtual-ward stays that are over."""
    for trust in m.trusts:
        _discharge_at(m, trust)
    released = m.community.release_virtual_ward(m.day)
    released = released[m.pop.state[released] == VIRTUAL_WARD]
    m.pop.state[released] = HOME
    m.tracker.record(released, "virtual ward stay ended")


def _discharge_at(m: World, acute: AcuteTrust) -> None:
    """Discharge the medically fit; those needing support wait for it (delayed) unless a place is free."""
    pop, day = m.pop, m.day
    fit = np.flatnonzero((acute.occupant >= 0) & (acute.fit_day <= day))
    if fit.size:
        simple = fit[~acute.needs_support[fit]]
        supported = fit[acute.needs_support[fit]]
        supported = supported[np.argsort(acute.fit_day[supported], kind="stable")]   # longest waiting first
        slots = m.community.take_discharge_slots(supported.size)
        with_support = supported[:slots]
        waiting = supported[slots:]
        # Step-down to a virtual ward: the community team accepts more readily when it trusts the trust.
        trust = m.network_trust("acute", "community")
        accept = m.streams["step_down"].random(waiting.size) < trust
        step_down = waiting[accept][: m.community.vw_free()]
        delayed = np.setdiff1d(waiting, step_down)
        m.tally.add("supported_discharges", slots)
        m.tally.add("discharge_contacts", slots * m.scenario.community.discharge_contacts_per_case)
        _leave(m, acute, np.concatenate([simple, with_support]), HOME, "discharged home")
        if step_down.size:
            rows = _leave(m, acute, step_down, VIRTUAL_WARD, "discharged to virtual ward")
            m.community.admit_virtual_ward(rows, day)
            m.tally.add("virtual_ward_admissions", rows.size)
            m.tally.add("vw_step_down", rows.size)
        newly = delayed[pop.state[acute.occupant[delayed]] != DELAYED]
        pop.state[acute.occupant[delayed]] = DELAYED
        m.tracker.record(acute.occupant[newly], "medically fit, waiting for care to go home")
    acute.admit_emergency(np.empty(0, np.int64), np.empty(0, np.int32), np.empty(0, bool), day)


def _leave(m: World, acute: AcuteTrust, beds: np.ndarray, state: int, event: str) -> np.ndarray:
    emergency = beds[~acute.elective[beds]]
    m.tally.add("nel_overnight_discharges", emergency.size)
    m.tally.add("nel_overnight_los_days", float((m.day - acute.admit_day[emergency]).sum()))
    rows = acute.vacate(beds)
    m.pop.state[rows] = state
    m.pop.last_emergency_discharge[rows[~acute.elective[beds]]] = m.day
    m.tracker.record(rows, event)
    return rows


def census(m: World) -> None:
    """Midnight bed census: bed days, delayed days, A&E waits for a bed (and the harm they do), bed pressure."""
    for acute in m.trusts:
        m.trust_tally.add_at(m.year, "bed_days", acute.index, float(np.count_nonzero(acute.occupant >= 0)))
        acute.record_occupancy(int(np.count_nonzero(acute.occupant >= 0)))
    rows = trusts.all_occupants(m.trusts)
    queue = trusts.all_queued(m.trusts)
    delayed = rows[m.pop.state[rows] == DELAYED]
    m.tally.add_group("bed_days", m.pop.group[rows])
    m.tally.add("delayed_discharge_days", delayed.size)
    m.tally.add_group("boarding_days", m.pop.group[queue])
    harm.after_census(m, queue, delayed)
    m.tally.add("beds_available", sum(t.beds for t in m.trusts))
    m.tally.add("vw_contacts", m.community.vw_rows.size)
