"""Deaths (daily), births and list turnover (monthly)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ihoabm.core.population import DAYS_PER_YEAR, DEAD, HOME
from ihoabm.pathways import harm, quality
from ihoabm.scenario.loader import ScenarioError

if TYPE_CHECKING:
    from ihoabm.core.world import World


def deaths(m: World) -> None:
    """Today's deaths, drawn and those care failures scheduled; take the dead out of every bed, list and caseload."""
    pop = m.pop
    idx, _ = m.tables["death"].draw(m.streams["death"], 0)
    idx = np.union1d(idx, harm.due_deaths(m))
    idx = idx[pop.state[idx] != DEAD]
    if idx.size == 0:
        return
    m.release_from_care(idx)
    harm.record_deaths(m, idx)
    quality.remove(m, idx)
    pop.state[idx] = DEAD
    pop.on_caseload[idx] = False
    pop.proactive[idx] = False
    pop.waiting_since[idx] = -1
    pop.deaths += idx.size
    m.tally.add_group("deaths", pop.group[idx])
    m.tracker.record(idx, "died")
    if pop.deaths == pop.n:
        # Nobody is left to be born to or cared for: the run cannot go on, and its rates would be 0 / 0.
        raise ScenarioError(f"{m.scenario.meta.name}: demography.gompertz_a, demography.gompertz_b, "
                            "demography.birth_rate_per_1000: everyone has died by day "
                            f"{m.day} (year {m.day // DAYS_PER_YEAR + 1}); mortality this high, with these "
                            "mortality ratios and births, leaves nobody to simulate")


def births(m: World) -> None:
    """Monthly births, registered with a practice in the mother's IMD quintile (approximated at random)."""
    pop = m.pop
    rng = m.streams["births"]
    alive = int(np.count_nonzero(pop.alive))
    k = int(rng.poisson(m.scenario.demography.birth_rate_per_1000 / 1000 * alive / 12))
    if k == 0:
        return
    rows = pop.grow(k)
    pop.birth_day[rows] = m.day - rng.integers(0, 30, k)
    pop.female[rows] = rng.random(k) < 0.488   # ONS births 2023: about 105 boys per 100 girls
    imd = rng.integers(0, 5, k).astype(np.int8)
    pop.imd[rows] = imd
    pop.practice[rows] = _practice_in_quintile(m, imd, rng)
    pop.ltc[rows] = 0
    pop.frailty_score[rows] = (m.scenario.health.frailty_noise_sd * rng.standard_normal(k)).astype(np.float32)
    pop.state[rows] = HOME
    pop.on_caseload[rows] = False
    pop.proactive[rows] = False
    pop.waiting_since[rows] = -1
    pop.births += k
    m.tally.add("births", k)


def _practice_in_quintile(m: World, imd: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    practice_imd = m.pop.practice_imd
    out = np.empty(imd.size, dtype=np.int32)
    for q in range(5):
        sel = imd == q
        local = np.flatnonzero(practice_imd == q)
        if local.size == 0:
            local = np.arange(practice_imd.size)
        out[sel] = local[rng.integers(0, local.size, int(sel.sum()))]
    return out


def turnover(m: World) -> None:
    """Monthly list turnover: some people re-register with another practice in their area."""
    pop = m.pop
    rng = m.streams["turnover"]
    rate = m.scenario.population.registration_turnover_per_year / 12
    k = int(rng.binomial(pop.n, rate))
    if k == 0:
        return
    idx = rng.integers(0, pop.n, k)
    idx = idx[pop.state[idx] != DEAD]
    pop.practice[idx] = _practice_in_quintile(m, pop.imd[idx], rng)

