import mesa
import numpy as np
import pandas as pd
import pytest

from ihoabm import IHOModel
from ihoabm.core.invariants import InvariantError, check_invariants
from ihoabm.core.population import DEAD
from ihoabm.experiments.run import run
from ihoabm.outputs import tables


def test_checking_mode_runs_clean_and_people_are_conserved(small_baseline, small_iho):
    for m in (small_baseline, small_iho):
        pop = m.pop
        assert pop.n == pop.initial_n + pop.births
        assert int(np.count_nonzero(pop.state[: pop.n] == DEAD)) == pop.deaths
        assert m.acute.occupied <= m.acute.beds
        m.ledger.check_balanced()
        assert not m.running and m.day == m.total_days


def test_invariant_checker_catches_a_broken_state(small_baseline):
    m = IHOModel("baseline", patients=2000, years=1, seed=1)
    for _ in range(20):
        m.step()
    m.pop.state[0] = DEAD       # a death nobody recorded
    with pytest.raises(InvariantError, match="people not conserved"):
        check_invariants(m)


def test_same_seed_same_results_different_seed_differs():
    a = run("baseline", patients=5000, years=1, seed=11).annual
    b = run("baseline", patients=5000, years=1, seed=11).annual
    c = run("baseline", patients=5000, years=1, seed=12).annual
    pd.testing.assert_frame_equal(a, b)
    assert not a.drop(columns="seed").equals(c.drop(columns="seed"))


def test_network_is_seeded():
    a = IHOModel("iho_lead_provider", patients=2000, years=1, seed=4)
    b = IHOModel("iho_lead_provider", patients=2000, years=1, seed=4)
    c = IHOModel("iho_lead_provider", patients=2000, years=1, seed=5)
    assert set(a.network.edges) == set(b.network.edges)
    assert all(np.allclose(a.layout[k], b.layout[k]) for k in a.layout)
    assert any(not np.allclose(a.layout[k], c.layout[k]) for k in a.layout)
    assert "host" in a.network and ("host", "acute") in a.network.edges


def test_annual_and_by_group_outputs(small_baseline):
    annual = tables.annual(small_baseline)
    assert list(annual["year"]) == [1, 2]
    by_group = tables.by_group(small_baseline)
    assert len(by_group) == 2 * 5 * 5 * 3
    for col in ("nel_admissions", "ae_attendances", "conveyances", "bed_days", "gp_appointments"):
        per_year = by_group.groupby("year")[col].sum().to_numpy()
        assert np.allclose(per_year, annual[col].to_numpy()), col
    assert by_group.groupby("year")["population"].sum().iloc[-1] == annual["population"].iloc[-1]
    # Older people and people with more long-term conditions are admitted far more often.
    g = by_group.groupby("age_band")[["nel_admissions", "population"]].sum()
    rate = g["nel_admissions"] / g["population"]
    assert rate["85+"] > 3 * rate["18-64"]


def test_tracked_patients_have_journeys(small_baseline):
    patients = list(small_baseline.tracker.patients.values())
    assert len(patients) == small_baseline.scenario.run.tracked_patients
    assert any(p.journey for p in patients)
    p = patients[0]
    assert p.sex in ("F", "M") and 1 <= p.imd_quintile <= 5 and p.age_band


def test_datacollector_collects_every_step(small_baseline):
    df = small_baseline.datacollector.get_model_vars_dataframe()
    assert len(df) == small_baseline.total_days + 1
    assert df["nel_admissions"].sum() > 0


def test_mesa_batch_run_two_seeds():
    out = mesa.batch_run(IHOModel, parameters={"patients": 2000, "years": 1, "burn_in_years": 0, "seed": [1, 2]},
                         iterations=1, max_steps=30, number_processes=1, data_collection_period=-1,
                         display_progress=False)
    df = pd.DataFrame(out)
    assert sorted(df["seed"]) == [1, 2]
    assert df["day"].min() == 30
