"""Several acute trusts and the independent sector (ODD 7.20): routing, money, outputs and calibration."""

from __future__ import annotations

import numpy as np
import pytest

from ihoabm.core.model import IHOModel
from ihoabm.experiments.run import run
from ihoabm.outputs import calibration, catalogue, tables
from ihoabm.providers import trusts
from ihoabm.scenario.loader import ScenarioError

THREE = {"acute.trust_shares": [0.5, 0.3, 0.2], "acute.trust_cost_index": [1.0, 0.9, 1.1]}


def _run(scenario: str = "pbr_2004", patients: int = 8_000, years: int = 1, **kw) -> IHOModel:
    m = IHOModel(scenario, seed=3, patients=patients, years=years, check=True, **kw)
    while m.running:
        m.step()
    return m


@pytest.fixture(scope="module")
def three() -> IHOModel:
    return _run(**THREE, **{"elective.independent_capacity_per_1000": 10.0})


def test_one_trust_by_default_adds_nothing():
    m = IHOModel("pbr_2004", seed=1, patients=2_000, years=1)
    assert m.trusts == [m.acute] and m.trust_accounts == ["acute"] and m.independent is None
    assert not {"acute_2", "acute_3", "independent"} & set(m.network.nodes)
    assert "independent" not in m.commissioner.contracts


def test_catchments_match_the_shares_at_any_size():
    for n in (100, 5_000, 200_001):
        home = trusts.catchment(np.arange(n), [0.5, 0.3, 0.2])
        assert np.allclose(np.bincount(home, minlength=3) / n, [0.5, 0.3, 0.2], atol=2 / n + 1e-9)
    assert not trusts.catchment(np.arange(50), [1.0]).any()


@pytest.mark.parametrize(("overrides", "words"), [
    ({"acute.trust_shares": [0.5, 0.3]}, "must sum to 1"),
    ({"acute.trust_shares": [0.5, 0.5], "acute.trust_cost_index": [1.0]}, "one entry per acute trust"),
])
def test_bad_trust_settings_are_refused_in_one_line(overrides, words):
    with pytest.raises((ScenarioError, ValueError)) as err:
        IHOModel("pbr_2004", seed=1, patients=2_000, years=1, **overrides)
    assert words in str(err.value) and "trust" in str(err.value)


def test_each_trust_has_its_own_beds_accounts_and_contracts(three):
    m = three
    assert [t.account for t in m.trusts] == ["acute", "acute_2", "acute_3"]
    assert [t.beds for t in m.trusts] == sorted((t.beds for t in m.trusts), reverse=True)
    assert m.beds_open == sum(t.beds for t in m.trusts)
    for account in ("acute_2", "acute_3"):
        assert m.commissioner.contracts[f"{account}_admissions"].payee == account
        assert m.ledger.received(account) > 0


def test_each_trust_reacts_to_its_own_marginal_margin(three):
    """Under tariff a costlier trust earns less on a marginal admission than an efficient one."""
    margins = [t.marginal_margin for t in three.trusts]
    assert margins[1] > margins[0] > margins[2]


def test_activity_by_trust_adds_up_to_the_place(three):
    m = three
    annual = tables.annual(m)
    by = tables.by_trust(m)
    assert list(by["provider"].unique()) == ["acute", "acute_2", "acute_3", "independent"]
    for name in ("nel_admissions", "elective_admissions", "ae_attendances", "bed_days"):
        assert by[name].sum() == pytest.approx(annual[name].sum())
    assert by["nel_admissions_share"].groupby(by["year"]).sum().to_numpy() == pytest.approx(1.0)
    flows = tables.trust_flows(m)
    assert flows["nel_admissions"].sum() == pytest.approx(annual["nel_admissions"].sum())
    # Most of each catchment's admissions are at its own trust.
    own = flows[flows["area"] == "catchment of " + flows["provider"]]
    assert (own["area_share"] > 0.5).all()
    assert set(catalogue.BY_TRUST) <= set(by.columns)


def test_places_report_their_population_and_the_gap_between_them(three):
    m = three
    places = tables.by_place(m)
    assert len(places) == 3 * len(tables.annual(m))
    assert places["population"].sum() == pytest.approx(tables.annual(m)["population"].sum())
    assert (places["nel_per_1000_gap"] >= 0).all() and places["nel_per_1000"].gt(0).all()
    assert tables.by_place(IHOModel("pbr_2004", seed=1, patients=2_000, years=1)).empty


def test_places_can_differ_in_deprivation():
    rows = np.arange(10_000)
    imd = rows % 5
    home = trusts.catchment(rows, [0.5, 0.3, 0.2], imd)
    assert np.allclose(np.bincount(home) / rows.size, [0.5, 0.3, 0.2], atol=0.01)
    assert (imd[home == 0] <= 2).all() and (imd[home == 2] == 4).all()
    m = _run(**THREE, **{"acute.catchments": "by_deprivation"})
    places = tables.by_place(m)
    assert places["most_deprived_share"].iloc[0] == pytest.approx(0.4, abs=0.03)
    assert places["most_deprived_share"].iloc[2] == 0.0
    # The most deprived place has more emergency admissions per head than the least (need, not the code).
    assert places["nel_per_1000"].iloc[0] > places["nel_per_1000"].iloc[2]


def test_independent_sector_treats_only_long_waiters_and_is_paid_tariff(three):
    m = three
    by = tables.by_trust(m)
    treated = by.loc[by["provider"] == "independent", "elective_admissions"].sum()
    assert treated > 0
    paid = sum(p for (_, payee, _), p in m.ledger.year_flows(1).items() if payee == "independent") / 100
    assert paid > 0
    assert m.ledger.year_result("independent", 1) == pytest.approx(0.0, abs=0.05)


def test_a_full_trust_diverts_ambulances():
    m = _run(**THREE, **{"acute.divert_occupancy": 0.0})
    by = tables.by_trust(m)
    assert by["diverted_conveyances"].sum() > 0


def test_network_carries_each_trust_and_its_market_share(three):
    g = three.network
    for org in ("acute", "acute_2", "acute_3", "independent"):
        assert org in g.nodes and "share" in g.nodes[org]
    assert g.edges["ambulance", "acute_2"]["patients"] > 0
    assert sum(g.nodes[t]["share"] for t in three.trust_accounts) == pytest.approx(1.0)


def test_an_acute_host_holds_its_own_hospital_and_subcontracts_the_others():
    m = _run("iho_acute_host", patients=8_000, years=1, **THREE)
    contracts = m.commissioner.contracts
    assert all(contracts[a].payer == "host" for a in m.trust_accounts)
    # The host's own hospital's result is consolidated into the host's; the others keep their own.
    year = m.scenario.run.burn_in_years
    assert m.ledger.year_result("acute", year) == pytest.approx(0.0, abs=0.05)
    assert m.ledger.year_result("acute_2", year) != pytest.approx(0.0, abs=0.05)


def test_three_trust_baseline_reproduces_the_england_per_1000_targets():
    """The shipped three-trust baseline passes the same per-1,000 checks as the single-trust reference."""
    annual = run("pbr_2004_three_trusts", patients=100_000, years=2, seed=1).annual
    result = calibration.compare(annual)
    failed = result[~result["pass"]]
    assert failed.empty, "\n" + failed.drop(columns="source").to_string()
