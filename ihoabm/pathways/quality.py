"""Quality of life and QALYs: each resident's utility, and the QALYs the population lives each day.

A resident's utility is the EQ-5D population norm for England at their age and sex (Ara and Brazier 2010),
less a decrement per long-term condition and by frailty, centred so that at the start the mean at each age
is the norm: a person with more conditions or more frailty than others of their age is below it, one with
fewer above. The centring is fixed at the start, so when prevention slows the onset of conditions or
deconditioning adds frailty, utility follows. Utility is refreshed monthly and kept summed by reporting
group; a death takes the person's utility out of the sum at once.

Each day adds each group's utility over 365 to the QALYs lived, less the decrements of people waiting for
planned treatment and of people in an acute episode (in a bed, waiting in A&E for a bed, or on a virtual
ward). Those decrements are effects of care and switch off with `outcomes.health_effects`; utility from age,
sex, conditions and frailty does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ihoabm.core.population import DAYS_PER_YEAR, DEAD, MAX_AGE, N_GROUPS
from ihoabm.providers import trusts

if TYPE_CHECKING:
    from ihoabm.core.population import Population
    from ihoabm.core.world import World
    from ihoabm.scenario.schema import Scenario


def norm(sc: Scenario, age: np.ndarray, female: np.ndarray) -> np.ndarray:
    """EQ-5D population norm at `age` for each sex (Ara and Brazier 2010's equation)."""
    o = sc.outcomes
    age = np.asarray(age, dtype=np.float64)
    return o.norm_intercept + o.norm_male * ~np.asarray(female, dtype=bool) + o.norm_age * age \
        + o.norm_age_squared * age * age


def decrements(sc: Scenario) -> np.ndarray:
    """Utility decrement by (number of long-term conditions, frailty category)."""
    o = sc.outcomes
    ltc = np.arange(sc.health.ltc_max + 1, dtype=np.float64)
    return o.utility_per_ltc * ltc[:, None] + np.asarray(o.utility_frailty)[None, :]


def start(m: World) -> None:
    """At the start: utility by (age, female) before decrements, the norm plus the centring of the decrements.

    The centring at each single year of age is the mean decrement among residents of that age now.
    """
    pop = m.pop
    n = pop.n
    age = np.minimum(pop.age[:n], MAX_AGE)
    dec = decrements(m.scenario)[pop.ltc[:n], pop.frailty[:n]]
    count = np.bincount(age, minlength=MAX_AGE + 1).astype(np.float64)
    total = np.bincount(age, dec, minlength=MAX_AGE + 1)
    seen = count > 0
    ages = np.arange(MAX_AGE + 1)
    offset = np.interp(ages, ages[seen], total[seen] / count[seen]) if seen.any() else np.zeros(ages.size)
    by_sex = np.stack([norm(m.scenario, ages, np.full(ages.size, female)) for female in (False, True)], axis=1)
    pop.utility_table = (by_sex + offset[:, None]).astype(np.float32)


def refresh(m: World) -> None:
    """Monthly: every resident's utility from age, sex, conditions and frailty, and its sum by group."""
    pop = m.pop
    n = pop.n
    # Flat look-ups: two gathers over every row, once a month.
    age = np.minimum(pop.age[:n], MAX_AGE).astype(np.intp)
    u = pop.utility_table.ravel().take(age * 2 + pop.female[:n])
    dec = decrements(m.scenario).astype(np.float32)
    u -= dec.ravel().take(pop.ltc[:n].astype(np.intp) * dec.shape[1] + pop.frailty[:n])
    # The model has no state worse than dead: utility is kept between 0 and full health.
    np.clip(u, 0.0, 1.0, out=u)
    dead = pop.state[:n] == DEAD
    pop.utility_floor = float(u[~dead].min()) if not dead.all() else 0.0
    u[dead] = 0.0
    pop.utility[:n] = u
    pop.utility_by_group = np.bincount(pop.group[:n], u, minlength=N_GROUPS)


def expected_utility(m: World) -> float:
    """Mean utility the living would have from their age and sex alone.

    The yardstick that takes ageing out of QALYs per head (tied funding on QALYs uses it).
    """
    pop = m.pop
    rows = np.flatnonzero(pop.alive)
    if rows.size == 0:
        return 0.0
    age = np.minimum(pop.age[rows], MAX_AGE).astype(np.intp)
    return float(pop.utility_table.ravel().take(age * 2 + pop.female[rows]).mean())


def remove(m: World, rows: np.ndarray) -> None:
    """The dead live no more QALYs: take their utility out of the group sums."""
    pop = m.pop
    pop.utility_by_group = pop.utility_by_group - np.bincount(pop.group[rows], pop.utility[rows].astype(np.float64),
                                                              minlength=N_GROUPS)
    pop.utility[rows] = 0.0


def accrue(m: World) -> None:
    """End of the day: QALYs lived today and waiting-list days, by reporting group."""
    pop = m.pop
    o = m.scenario.outcomes
    rows = m.waiting_list.rows
    # The dead keep their place on the list until the month's tidy-up, with waiting_since set to -1.
    waiting = rows[pop.waiting_since[rows] >= 0]
    groups = pop.group[waiting]
    counts = np.bincount(groups, minlength=N_GROUPS)
    m.tally.add_by_group("elective_wait_days", counts)
    today = pop.utility_by_group
    if o.health_effects:
        episode = np.concatenate([trusts.all_occupants(m.trusts), trusts.all_queued(m.trusts), m.community.vw_rows])
        # Usually no one's utility is below the waiting decrement, and then it is simply the decrement times the count.
        lost = o.utility_waiting * counts if pop.utility_floor >= o.utility_waiting else \
            np.bincount(groups, np.minimum(pop.utility[waiting], o.utility_waiting), minlength=N_GROUPS)
        today = today - lost - _lost(pop, episode, o.utility_episode)
    # The group sums are kept by adding and taking away: a group whose last member died can sit a rounding below 0.
    m.tally.add_by_group("qalys", np.maximum(today, 0.0) / DAYS_PER_YEAR)


def _lost(pop: Population, rows: np.ndarray, decrement: float) -> np.ndarray:
    """Utility lost by `rows`, by group: the decrement, but never taking anyone below 0."""
    return np.bincount(pop.group[rows], np.minimum(pop.utility[rows], decrement), minlength=N_GROUPS)
