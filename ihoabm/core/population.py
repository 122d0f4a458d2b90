"""The resident population as numpy arrays, one per attribute (the vectorised side of the Patient agent).

Rows are people; the arrays are preallocated so births append without copying. Care states are small
integers so masks stay cheap. `Patient` agents (providers/patient.py) are views onto single rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ihoabm.scenario.schema import Scenario

HOME, INPATIENT, DELAYED, VIRTUAL_WARD, DEAD = 0, 1, 2, 3, 9
STATE_NAMES = {HOME: "home", INPATIENT: "inpatient", DELAYED: "awaiting discharge",
               VIRTUAL_WARD: "virtual ward", DEAD: "dead"}
AGE_BANDS = ("0-17", "18-64", "65-74", "75-84", "85+")
AGE_BAND_EDGES = np.array([18, 65, 75, 85])
LTC_GROUPS = ("0", "1", "2+")
N_GROUPS = len(AGE_BANDS) * 5 * len(LTC_GROUPS)
DAYS_PER_YEAR = 365
MAX_AGE = 120       # the oldest age the rate and utility tables hold
NEVER = -(10**6)    # the day of an event that has not happened: far enough back to be outside any window
NO_DAY = np.iinfo(np.int32).max   # the day of an event that is not scheduled: after any run ends


@dataclass
class Population:
    """Columns of the resident population; only rows `[:n]` are in use."""

    n: int
    birth_day: np.ndarray
    female: np.ndarray
    imd: np.ndarray            # 0..4 = IMD quintile 1 (most deprived) .. 5
    practice: np.ndarray
    ltc: np.ndarray
    frailty_score: np.ndarray
    frailty: np.ndarray        # 0 fit, 1 mild, 2 moderate, 3 severe (eFI categories)
    state: np.ndarray
    on_caseload: np.ndarray
    proactive: np.ndarray
    waiting_since: np.ndarray  # day joined the elective waiting list, -1 if not waiting
    last_emergency_discharge: np.ndarray   # day of the last discharge after an emergency admission, or NEVER
    utility: np.ndarray        # EQ-5D utility from age, sex, LTCs and frailty (refreshed monthly), 0 once dead
    death_day: np.ndarray      # day of a scheduled care-failure death (NO_DAY if none); for the dead, the day died
    death_cause: np.ndarray    # cause of a scheduled or past death (pathways.harm: 0 background, 1..3 care failures)
    crisis_day: np.ndarray     # day of a crisis a care failure has scheduled, or NO_DAY
    boarded_day: np.ndarray    # last midnight spent in A&E waiting for a bed, or NEVER
    age: np.ndarray            # whole years, refreshed monthly
    band: np.ndarray           # index into AGE_BANDS, refreshed monthly
    group: np.ndarray          # age band x IMD x LTC group index for by-group reporting
    practice_imd: np.ndarray
    frailty_cuts: np.ndarray
    initial_n: int = 0
    births: int = 0
    deaths: int = 0
    # Small, not per person: who has a scheduled death or crisis and, by (age, female, IMD, frailty), the death
    # hazard relative to an average person in crisis (pathways.harm); utility summed by reporting group, and
    # utility by (age, female) before the condition and frailty decrements (pathways.quality).
    pending: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    relative_death_hazard: np.ndarray = field(default_factory=lambda: np.ones((MAX_AGE + 1, 2, 5, 4)))
    utility_by_group: np.ndarray = field(default_factory=lambda: np.zeros(N_GROUPS))
    utility_table: np.ndarray = field(default_factory=lambda: np.zeros((MAX_AGE + 1, 2), np.float32))
    utility_floor: float = 0.0         # the lowest utility among the living at the last monthly refresh

    @property
    def alive(self) -> np.ndarray:
        """Boolean mask of living residents among the rows in use."""
        return self.state[: self.n] != DEAD

    def refresh_derived(self, day: int) -> None:
        """Recompute age, age band, frailty category and reporting group (monthly)."""
        n = self.n
        self.age[:n] = (day - self.birth_day[:n]) // DAYS_PER_YEAR
        self.band[:n] = np.searchsorted(AGE_BAND_EDGES, self.age[:n], side="right")
        self.frailty[:n] = np.searchsorted(self.frailty_cuts, self.frailty_score[:n], side="right")
        ltc_group = np.minimum(self.ltc[:n], 2)
        self.group[:n] = (self.band[:n] * 5 + self.imd[:n]) * 3 + ltc_group

    def grow(self, k: int) -> slice:
        """Reserve `k` new rows at the end (births); grows the arrays if needed."""
        if self.n + k > self.birth_day.size:
            new_size = int((self.n + k) * 1.25) + 16
            for name in _COLUMNS:
                old = getattr(self, name)
                arr = np.zeros(new_size, dtype=old.dtype)
                arr[: old.size] = old
                setattr(self, name, arr)
            self.waiting_since[self.n:] = -1
            self.last_emergency_discharge[self.n:] = NEVER
            self.death_day[self.n:] = NO_DAY
            self.crisis_day[self.n:] = NO_DAY
            self.boarded_day[self.n:] = NEVER
        rows = slice(self.n, self.n + k)
        self.n += k
        return rows


_COLUMNS = ("birth_day", "female", "imd", "practice", "ltc", "frailty_score", "frailty", "state",
            "on_caseload", "proactive", "waiting_since", "last_emergency_discharge", "utility", "death_day",
            "death_cause", "crisis_day", "boarded_day", "age", "band", "group")


def ltc_mean(sc: Scenario, age: np.ndarray) -> np.ndarray:
    """Expected number of long-term conditions at `age` (before the deprivation multiplier)."""
    h = sc.health
    return np.interp(age, h.ltc_mean_age_knots, h.ltc_mean_values)


def synthesize(sc: Scenario, n: int, rng: np.random.Generator, capacity: int | None = None) -> Population:
    """Build an England-like synthetic population of `n` residents registered with local GP practices."""
    p, h = sc.population, sc.health
    cap = max(capacity or n, n)

    shares = np.asarray(p.age_band_shares, dtype=float)
    shares /= shares.sum()
    band5 = rng.choice(len(shares), size=n, p=shares)
    width = np.where(band5 == len(shares) - 1, 10, 5)
    age_years = band5 * 5 + rng.random(n) * width
    birth_day = -(age_years * DAYS_PER_YEAR).astype(np.int32)
    age_int = age_years.astype(np.int16)

    female_p = np.where(age_int < 65, p.female_share_under_65,
                        np.where(age_int < 85, p.female_share_65_84, p.female_share_85_plus))
    female = rng.random(n) < female_p
    imd = rng.integers(0, 5, size=n).astype(np.int8)

    n_practices = max(1, round(n / p.practice_list_mean))
    practice_imd = (np.arange(n_practices) % 5).astype(np.int8)
    weights = rng.lognormal(0.0, p.practice_list_sigma, size=n_practices) if p.practice_list_sigma else \
        np.ones(n_practices)
    practice = np.empty(n, dtype=np.int32)
    for q in range(5):
        members = np.flatnonzero(imd == q)
        local = np.flatnonzero(practice_imd == q)
        if local.size == 0:
            local = np.arange(n_practices)
        w = weights[local] / weights[local].sum()
        practice[members] = local[rng.choice(local.size, size=members.size, p=w)]

    imd_mult = np.asarray(h.ltc_imd_multiplier)[imd]
    ltc = np.minimum(rng.poisson(ltc_mean(sc, age_years) * imd_mult), h.ltc_max).astype(np.int8)

    score = (h.frailty_age_slope * np.maximum(age_years - 65, 0) + h.frailty_ltc_weight * ltc
             + h.frailty_noise_sd * rng.standard_normal(n)).astype(np.float32)
    # Cut points put the 65+ population into the published eFI shares (Clegg et al. 2016).
    older = score[age_int >= 65]
    cum = np.cumsum(h.frailty_shares_65_plus)[:-1] / sum(h.frailty_shares_65_plus)
    cuts = np.quantile(older, cum).astype(np.float32) if older.size else np.array([9, 99, 999], np.float32)

    def col(values: np.ndarray, dtype: type) -> np.ndarray:
        arr = np.zeros(cap, dtype=dtype)
        arr[:n] = values
        return arr

    pop = Population(
        n=n,
        birth_day=col(birth_day, np.int32), female=col(female, np.bool_), imd=col(imd, np.int8),
        practice=col(practice, np.int32), ltc=col(ltc, np.int8), frailty_score=col(score, np.float32),
        frailty=np.zeros(cap, np.int8), state=col(np.full(n, HOME), np.int8),
        on_caseload=np.zeros(cap, np.bool_), proactive=np.zeros(cap, np.bool_),
        waiting_since=np.full(cap, -1, np.int32), last_emergency_discharge=np.full(cap, NEVER, np.int32),
        utility=np.zeros(cap, np.float32), death_day=np.full(cap, NO_DAY, np.int32),
        death_cause=np.zeros(cap, np.int8), crisis_day=np.full(cap, NO_DAY, np.int32),
        boarded_day=np.full(cap, NEVER, np.int32), age=np.zeros(cap, np.int16), band=np.zeros(cap, np.int8),
        group=np.zeros(cap, np.int16), practice_imd=practice_imd, frailty_cuts=cuts, initial_n=n,
    )
    pop.refresh_derived(0)
    return pop
