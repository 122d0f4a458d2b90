import numpy as np

from ihoabm.core.population import HOME, synthesize
from ihoabm.core.rng import Streams
from ihoabm.scenario import load_scenario


def make(n=60_000, seed=1):
    sc = load_scenario("baseline")
    return sc, synthesize(sc, n, Streams(seed)["population"])


def test_age_structure_matches_ons_shares():
    sc, pop = make()
    shares = np.asarray(sc.population.age_band_shares) / sum(sc.population.age_band_shares)
    age = pop.age[: pop.n]
    assert abs((age >= 65).mean() - shares[13:].sum()) < 0.01
    assert abs((age >= 85).mean() - shares[17:].sum()) < 0.005
    assert abs((age < 18).mean() - 0.21) < 0.02


def test_imd_quintiles_and_practices():
    sc, pop = make()
    counts = np.bincount(pop.imd[: pop.n], minlength=5) / pop.n
    assert np.all(np.abs(counts - 0.2) < 0.01)
    lists = np.bincount(pop.practice[: pop.n])
    assert lists.size == 6
    assert abs(lists.mean() - sc.population.practice_list_mean) < 0.05 * sc.population.practice_list_mean
    # Patients are registered with practices serving their own IMD quintile.
    assert np.all(pop.practice_imd[pop.practice[: pop.n]] == pop.imd[: pop.n])


def test_ltc_rises_with_age_and_deprivation():
    _, pop = make()
    ltc, age, imd = pop.ltc[: pop.n], pop.age[: pop.n], pop.imd[: pop.n]
    multi = ltc >= 2
    assert multi[age >= 85].mean() > 0.7          # Barnett et al. 2012: about 82% at 85+
    assert multi[(age >= 65) & (age < 85)].mean() > 0.5
    assert multi[age < 25].mean() < 0.05
    working = (age >= 45) & (age < 65)
    assert multi[working & (imd == 0)].mean() > multi[working & (imd == 4)].mean()


def test_frailty_shares_among_older_people():
    sc, pop = make()
    older = pop.age[: pop.n] >= 65
    shares = np.bincount(pop.frailty[: pop.n][older], minlength=4) / older.sum()
    assert np.allclose(shares, sc.health.frailty_shares_65_plus, atol=0.02)
    assert (pop.frailty[: pop.n][~older] >= 2).mean() < 0.05


def test_everyone_starts_at_home_and_seed_matters():
    _, a = make(seed=1)
    _, b = make(seed=1)
    _, c = make(seed=2)
    assert np.all(a.state[: a.n] == HOME)
    assert np.array_equal(a.birth_day[: a.n], b.birth_day[: b.n])
    assert not np.array_equal(a.birth_day[: a.n], c.birth_day[: c.n])


def test_grow_keeps_existing_rows():
    _, pop = make(n=2000)
    before = pop.birth_day[: pop.n].copy()
    rows = pop.grow(pop.birth_day.size)   # force a reallocation
    assert rows.stop == pop.n
    assert np.array_equal(pop.birth_day[: before.size], before)
    assert np.all(pop.waiting_since[rows] == -1)
