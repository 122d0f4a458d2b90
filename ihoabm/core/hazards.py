"""Per-person event rates, refreshed monthly, from age, sex, deprivation, long-term conditions and frailty.

Rates here are *biology and behaviour of patients*: they never read how anyone is paid. Care that lowers a
hazard (caseloads, proactive care) acts as a thinning probability at the moment of the event (see
`pathways.emergency.crises`), so capacity changes take effect the day they happen.
"""

from __future__ import annotations

import numpy as np

from ihoabm.core.population import DAYS_PER_YEAR, HOME, MAX_AGE, Population
from ihoabm.core.sampling import RateTable
from ihoabm.scenario.schema import Scenario


def _age(pop: Population) -> np.ndarray:
    return np.minimum(pop.age[: pop.n], MAX_AGE)


def mortality_table(sc: Scenario) -> np.ndarray:
    """Annual death hazard by (age, female, IMD quintile, frailty): Gompertz in age, times the ratios."""
    d = sc.demography
    age = np.arange(MAX_AGE + 1, dtype=np.float64)
    table = (d.gompertz_a * np.exp(d.gompertz_b * age))[:, None, None, None] \
        * np.array([d.male_mortality_ratio, 1.0])[None, :, None, None] \
        * np.asarray(d.imd_mortality_ratio)[None, None, :, None] \
        * np.asarray(d.frailty_mortality_hr)[None, None, None, :]
    return np.minimum(table, 1.0)


def mortality_rate(sc: Scenario, pop: Population) -> np.ndarray:
    """Annual death hazard: Gompertz in age, times sex, deprivation and frailty ratios."""
    # A small lookup table over (age, sex, IMD, frailty) and one gather beats arithmetic over every row.
    n = pop.n
    return mortality_table(sc)[_age(pop), pop.female[:n].astype(np.intp), pop.imd[:n], pop.frailty[:n]]


def crisis_rate(sc: Scenario, pop: Population) -> np.ndarray:
    """Annual hazard of an LTC exacerbation, fall or frailty crisis (before care that lowers it)."""
    h = sc.health
    n = pop.n
    table = h.crisis_rate_base * np.power(h.crisis_ltc_rr, np.arange(7, dtype=np.float64))[:, None, None] \
        * np.asarray(h.crisis_frailty_rr)[None, :, None] * np.asarray(h.crisis_age_rr)[None, None, :]
    return table[np.minimum(pop.ltc[:n], 6), pop.frailty[:n], pop.band[:n]]


def minor_rate(sc: Scenario, pop: Population) -> np.ndarray:
    """Annual hazard of an injury or acute illness that may bring someone to A&E."""
    return np.asarray(sc.health.minor_episode_rate)[pop.band[: pop.n]]


def gp_demand_rate(sc: Scenario, pop: Population) -> np.ndarray:
    """Annual GP appointment demand per person."""
    p = sc.primary
    n = pop.n
    table = np.asarray(p.gp_demand_by_band)[:, None, None] \
        * np.power(p.gp_demand_ltc_rr, np.arange(5, dtype=np.float64))[None, :, None] \
        * np.asarray(p.gp_demand_imd_multiplier)[None, None, :]
    return table[pop.band[:n], np.minimum(pop.ltc[:n], 4), pop.imd[:n]]


def outpatient_rate(sc: Scenario, pop: Population) -> np.ndarray:
    """Annual outpatient attendances per person."""
    e = sc.elective
    n = pop.n
    table = np.asarray(e.outpatient_rate_by_band)[:, None] \
        * np.power(e.outpatient_ltc_rr, np.arange(5, dtype=np.float64))[None, :]
    return table[pop.band[:n], np.minimum(pop.ltc[:n], 4)]


def elective_referral_rate(sc: Scenario, pop: Population) -> np.ndarray:
    """Annual referrals to the admitted elective waiting list, with the age profile of outpatient use."""
    op = outpatient_rate(sc, pop)
    alive = pop.alive
    mean = op[alive].mean() if alive.any() else 1.0
    return sc.elective.referral_rate_per_1000 / 1000.0 * op / mean


def need_weight(sc: Scenario, pop: Population) -> np.ndarray:
    """Relative need per person (mean 1 over the living): expected GP demand, the basis of capitation."""
    rate = gp_demand_rate(sc, pop)
    alive = pop.alive
    return rate / rate[alive].mean()


RATE_FUNCTIONS = {
    "death": mortality_rate,
    "crisis": crisis_rate,
    "minor": minor_rate,
    "gp": gp_demand_rate,
    "outpatient": outpatient_rate,
    "referral": elective_referral_rate,
}


def rate_tables(sc: Scenario, pop: Population) -> dict[str, RateTable]:
    """Build this month's sampling tables; the dead have rate 0, people in hospital are thinned daily."""
    alive = pop.alive
    tables = {}
    for name, fn in RATE_FUNCTIONS.items():
        rate = fn(sc, pop) / DAYS_PER_YEAR
        tables[name] = RateTable(np.where(alive, rate, 0.0))
    return tables


def at_home(pop: Population, idx: np.ndarray) -> np.ndarray:
    """Mask of sampled rows who are at home (events like GP demand happen only there)."""
    return pop.state[idx] == HOME
