"""Care changes health: what a long wait, a refusal or a delay does to the person it happens to.

Each harm follows a care event the model already has, and only that event: a night waiting in A&E for a bed
(boarding), a marginal A&E patient sent home, a GP request that found no appointment, a long wait for planned
treatment, a day in a bed after being fit to leave. No effect is written on a result; harm emerges from how
often these events happen, which is what providers' decisions change.

A harm that kills or brings a crisis later is drawn when its event happens, from that harm's own random
stream, and scheduled on the person (`Population.death_day`, `death_cause`, `crisis_day`); demography's
deaths step carries out the deaths and `crises` adds the crises to the day's urgent need. People with
something scheduled are listed in `Population.pending`, so the daily look-up stays small.

A risk of death is given for an average person having a crisis and scaled by the person's own death hazard
(age, sex, deprivation, frailty), as a standardised mortality ratio is: so care-failure deaths fall across ages
as other deaths do, and the calibrated mortality by age keeps its shape.

Virtual wards and urgent community response carry no harm and no benefit here: for suitable patients the
evidence finds outcomes no worse than admission (docs/ODD.md 7.13). `outcomes.health_effects = false`
switches every effect of this module off (the events are still counted).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ihoabm.core.hazards import at_home, crisis_rate, mortality_rate, mortality_table
from ihoabm.core.population import DAYS_PER_YEAR, DEAD, MAX_AGE, NO_DAY
from ihoabm.pathways.episodes import COLUMNS, ROUTE, Episodes

if TYPE_CHECKING:
    from ihoabm.core.world import World

BACKGROUND, AE_DELAY, NOT_ADMITTED, WAITING = 0, 1, 2, 3
# The tally series that counts each cause of a care-failure death.
CAUSE_SERIES = {AE_DELAY: "deaths_ae_delay", NOT_ADMITTED: "deaths_not_admitted", WAITING: "deaths_waiting"}
CAUSE_NAMES = {BACKGROUND: "", AE_DELAY: "after a long wait in A&E for a bed",
               NOT_ADMITTED: "after being sent home from A&E", WAITING: "after deteriorating while waiting"}


def start(m: World) -> None:
    """At the start: death hazards relative to the mean hazard of people having a crisis (the reference)."""
    pop = m.pop
    alive = pop.alive
    crisis = crisis_rate(m.scenario, pop)[alive]
    death = mortality_rate(m.scenario, pop)[alive]
    reference = float((crisis * death).sum() / crisis.sum()) if crisis.sum() > 0 else 1.0
    pop.relative_death_hazard = mortality_table(m.scenario) / reference


def _dies(m: World, rows: np.ndarray, risk: float, rng: np.random.Generator) -> np.ndarray:
    """Who of `rows` dies of a harm whose risk for an average person in crisis is `risk`."""
    if rows.size == 0 or risk <= 0:
        return rows[:0]
    pop = m.pop
    relative = pop.relative_death_hazard[np.minimum(pop.age[rows], MAX_AGE), pop.female[rows].view(np.int8),
                                         pop.imd[rows], pop.frailty[rows]]
    return rows[rng.random(rows.size) < np.minimum(risk * relative, 1.0)]


# --- scheduling -------------------------------------------------------------------------------------------
def _pend(m: World, rows: np.ndarray) -> None:
    m.pop.pending = np.union1d(m.pop.pending, rows)


def _schedule(m: World, rows: np.ndarray, due: np.ndarray, window: int, rng: np.random.Generator) -> np.ndarray:
    """Set `due` (a day column) 1 to `window` days from today where that is sooner; return whose day was set."""
    if rows.size == 0:
        return rows
    rows = np.unique(rows)
    days = m.day + rng.integers(1, window + 1, rows.size)
    sooner = days < due[rows]
    rows, days = rows[sooner], days[sooner]
    due[rows] = days
    _pend(m, rows)
    return rows


def _schedule_deaths(m: World, rows: np.ndarray, cause: int, window: int, rng: np.random.Generator) -> None:
    """Schedule deaths 1 to `window` days from today; an earlier scheduled death stands."""
    m.pop.death_cause[_schedule(m, rows, m.pop.death_day, window, rng)] = cause


def _schedule_crises(m: World, rows: np.ndarray, window: int, rng: np.random.Generator) -> None:
    """Schedule a crisis 1 to `window` days from today; an earlier scheduled crisis stands."""
    _schedule(m, rows, m.pop.crisis_day, window, rng)


def due_deaths(m: World) -> np.ndarray:
    """Living people whose care-failure death falls due today."""
    pop = m.pop
    pending = pop.pending
    if pending.size == 0:
        return pending
    return pending[(pop.death_day[pending] <= m.day) & (pop.state[pending] != DEAD)]


def record_deaths(m: World, rows: np.ndarray) -> None:
    """Stamp today's deaths with their day and cause, and count the care-failure causes."""
    pop = m.pop
    scheduled = (pop.death_day[rows] <= m.day) & (pop.death_cause[rows] != BACKGROUND)
    pop.death_day[rows] = m.day
    if not scheduled.any():
        pop.death_cause[rows] = BACKGROUND
        return
    cause = np.where(scheduled, pop.death_cause[rows], BACKGROUND).astype(np.int8)
    pop.death_cause[rows] = cause
    counts = np.bincount(cause, minlength=len(CAUSE_NAMES))
    for code, series in CAUSE_SERIES.items():
        m.tally.add(series, int(counts[code]))
    for code in CAUSE_SERIES:
        m.tracker.record(rows[cause == code], f"died {CAUSE_NAMES[code]}")


# --- the care events that harm --------------------------------------------------------------------------
def sent_home(m: World, arrivals: np.ndarray, marginal: np.ndarray, cared_for: np.ndarray) -> None:
    """Marginal A&E patients the trust sent home: some come back in crisis, a few die, in the next weeks.

    Args:
        m: The place.
        arrivals: Today's A&E arrivals (rows; someone can arrive twice in a day).
        marginal: Which arrivals were marginal (could have been admitted or not).
        cared_for: Which arrivals were admitted or given a virtual-ward place.
    """
    rows = arrivals[marginal & ~cared_for]
    cared = np.sort(arrivals[cared_for])
    if rows.size and cared.size:
        # Someone can arrive twice in a day; if either arrival was cared for, they were not sent home.
        rows = rows[cared[np.minimum(np.searchsorted(cared, rows), cared.size - 1)] != rows]
    rows = np.unique(rows)
    m.tally.add("marginal_sent_home", rows.size)
    o = m.scenario.outcomes
    if not o.health_effects or rows.size == 0:
        return
    rng = m.streams["harm_sent_home"]
    _schedule_crises(m, rows[rng.random(rows.size) < o.sent_home_crisis_risk], o.sent_home_window_days, rng)
    _schedule_deaths(m, _dies(m, rows, o.sent_home_death_risk, rng), NOT_ADMITTED, o.sent_home_window_days, rng)


def unmet_gp(m: World, rows: np.ndarray) -> None:
    """GP requests that found no appointment: a small chance of a crisis in the following days."""
    o = m.scenario.outcomes
    if not o.health_effects or rows.size == 0:
        return
    rng = m.streams["harm_unmet_gp"]
    _schedule_crises(m, rows[rng.random(rows.size) < o.unmet_gp_crisis_risk], o.unmet_gp_window_days, rng)


def after_census(m: World, boarding: np.ndarray, delayed: np.ndarray) -> None:
    """Midnight: excess 30-day mortality for a new night in A&E waiting for a bed; deconditioning in a bed.

    Args:
        m: The place.
        boarding: People admitted and still waiting in A&E for a bed at midnight.
        delayed: People in a bed who are fit to leave but waiting for support (delayed discharge).
    """
    pop = m.pop
    o = m.scenario.outcomes
    # A boarding episode is harmed once, on its first night: the evidence measures delay per admission.
    new = boarding[pop.boarded_day[boarding] != m.day - 1]
    pop.boarded_day[boarding] = m.day
    if not o.health_effects:
        return
    if new.size:
        rng = m.streams["harm_boarding"]
        _schedule_deaths(m, _dies(m, new, o.boarding_death_risk, rng), AE_DELAY, o.death_window_days, rng)
    if delayed.size:
        pop.frailty_score[delayed] += np.float32(o.deconditioning_per_delayed_day)


def crises(m: World, calls: Episodes, walk_ins: Episodes) -> tuple[Episodes, Episodes]:
    """Add today's crises caused by care failures to the day's 999 calls and A&E walk-ins.

    They are the crises scheduled by earlier harms (sent home, unmet GP demand) that fall due today, and the
    deteriorations of people waiting longer than `outcomes.long_wait_weeks` for planned treatment (a daily
    hazard; a few are fatal within `death_window_days`). Only people at home can have one.
    """
    pop = m.pop
    o = m.scenario.outcomes
    if not o.health_effects:
        return calls, walk_ins
    due = _due_crises(m)
    worse = _deteriorations(m)
    rows = np.concatenate([due, worse])
    rows = rows[at_home(pop, rows)]
    _tidy_pending(m)
    if rows.size == 0:
        return calls, walk_ins
    u = m.streams["harm_crisis"].random((rows.size, COLUMNS))
    ep = Episodes(rows, u).by_priority()
    m.tally.add("crises", len(ep))
    m.tally.add("care_failure_crises", len(ep))
    m.tracker.record(ep.rows, "crisis after a care failure")
    call = ep.u[:, ROUTE] < np.asarray(m.scenario.ambulance.crisis_call_share)[pop.frailty[ep.rows]]
    return Episodes.join(calls, ep.take(call)), Episodes.join(walk_ins, ep.take(~call))


def _due_crises(m: World) -> np.ndarray:
    pop = m.pop
    pending = pop.pending
    if pending.size == 0:
        return pending
    due = pending[pop.crisis_day[pending] <= m.day]
    pop.crisis_day[due] = NO_DAY
    return due[pop.state[due] != DEAD]


def _deteriorations(m: World) -> np.ndarray:
    """Long waiters who deteriorate today; some deteriorations are fatal."""
    pop = m.pop
    o = m.scenario.outcomes
    rows = m.waiting_list.rows
    since = pop.waiting_since[rows]
    # The dead keep their place on the list until the month's tidy-up, with waiting_since set to -1.
    long = rows[(since >= 0) & (m.day - since > o.long_wait_weeks * 7)]
    if long.size == 0 or o.deterioration_per_year <= 0:
        return long[:0]
    rng = m.streams["harm_deterioration"]
    k = int(rng.binomial(long.size, -np.expm1(-o.deterioration_per_year / DAYS_PER_YEAR)))
    worse = long[np.unique(rng.integers(0, long.size, k))]
    _schedule_deaths(m, _dies(m, worse, o.deterioration_death_risk, rng), WAITING, o.death_window_days, rng)
    return worse


def _tidy_pending(m: World) -> None:
    """Keep on the pending list only the living with a death or crisis still to come."""
    pop = m.pop
    p = pop.pending
    if p.size:
        keep = (pop.state[p] != DEAD) & ((pop.crisis_day[p] != NO_DAY) | (pop.death_day[p] != NO_DAY))
        pop.pending = p[keep]
