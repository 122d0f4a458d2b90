import numpy as np
import pandas as pd
import pytest

from ihoabm.core import hazards
from ihoabm.core.population import synthesize
from ihoabm.core.rng import Streams
from ihoabm.experiments.compare import paired_differences
from ihoabm.scenario import load_scenario


@pytest.fixture(scope="module")
def pop_and_scenario():
    sc = load_scenario("baseline")
    return sc, synthesize(sc, 40_000, Streams(1)["population"])


def test_hazards_rise_with_age_conditions_and_frailty(pop_and_scenario):
    sc, pop = pop_and_scenario
    n = pop.n
    death = hazards.mortality_rate(sc, pop)
    crisis = hazards.crisis_rate(sc, pop)
    gp = hazards.gp_demand_rate(sc, pop)
    old, young = pop.age[:n] >= 80, pop.age[:n] < 40
    assert death[old].mean() > 20 * death[young].mean()
    frail, fit = pop.frailty[:n] == 3, pop.frailty[:n] == 0
    assert crisis[frail].mean() > 3 * crisis[fit].mean()
    assert gp[pop.ltc[:n] >= 3].mean() > gp[pop.ltc[:n] == 0].mean()
    # Crude death rate near the ONS figure the Gompertz scale was calibrated to (about 9.6 per 1,000).
    assert 7.5 < death.mean() * 1000 < 12


def test_need_weights_average_one_and_favour_the_deprived(pop_and_scenario):
    sc, pop = pop_and_scenario
    w = hazards.need_weight(sc, pop)
    assert w.mean() == pytest.approx(1.0)
    assert w[pop.imd[: pop.n] == 0].mean() > w[pop.imd[: pop.n] == 4].mean()


def test_paired_interval_is_the_t_interval_of_differences():
    rows = []
    diffs = [1.0, 3.0, 2.0, 2.0]
    for k, d in enumerate(diffs):
        rows.append({"scenario": "A", "seed": k, "year": 1, "x": 10.0 + k, "replication": k})
        rows.append({"scenario": "B", "seed": k, "year": 1, "x": 10.0 + k + d, "replication": k})
    comp = paired_differences(pd.DataFrame(rows), "A", "B")
    r = comp[comp["metric"] == "x"].iloc[0]
    half = 3.182446 * np.std(diffs, ddof=1) / 2   # t(0.975, 3) * sd / sqrt(4)
    assert r["diff"] == pytest.approx(2.0)
    assert r["diff_lo"] == pytest.approx(2.0 - half, rel=1e-4)
    assert r["diff_hi"] == pytest.approx(2.0 + half, rel=1e-4)
    assert r["pct_diff"] == pytest.approx(100 * 2.0 / 11.5)
