"""Issue 3 acceptance: behaviour that responds to money, with paired common-random-number comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ihoabm.experiments.compare import paired_differences, replicate
from ihoabm.experiments.run import run, simulate
from ihoabm.money.ledger import ACCOUNTS
from ihoabm.scenario import builtin_names

ACTIVITY = ["nel_admissions", "conveyances", "ae_attendances", "gp_appointments", "bed_days",
            "community_contacts", "elective_admissions", "deaths", "ucr_referrals", "virtual_ward_admissions"]


def test_same_behaviour_same_activity_only_money_differs():
    """With host investment off and the trust's behaviour fixed, PbR and IHO give identical activity."""
    fixed = {"acute.behaviour_fixed": True}
    a = run("baseline", patients=20_000, years=2, seed=5, **fixed).annual
    b = run("iho_lead_provider", patients=20_000, years=2, seed=5, **fixed, **{"host.invest": False}).annual
    pd.testing.assert_frame_equal(a[ACTIVITY], b[ACTIVITY])
    assert (a["spend_acute"] != b["spend_acute"]).all()
    assert (b["host_surplus"] != 0).all() and (a["host_surplus"] == 0).all()


# The replicated comparisons run on two worker processes: a run is a function of its scenario and seed only,
# so the results are those of a serial run (tests/test_sweeps.py checks backends agree), in half the time.
@pytest.fixture(scope="module")
def invest_to_save():
    runs = replicate(["baseline", "iho_invest_to_save"], [1, 2, 3, 4], {"run.patients": 30_000, "run.years": 5},
                     workers=2)
    return paired_differences(runs, "baseline", "iho_invest_to_save").set_index(["metric", "year"])


@pytest.mark.slow
def test_invest_to_save_cuts_admissions_by_year_5(invest_to_save):
    """Emergency admissions fall under the IHO. Conveyances are not asserted: since the host learns marginal
    returns (a UCR slot counts only on days UCR ran out), it buys little UCR, and at 30,000 residents and four
    runs the change in conveyances is not distinguishable from chance (measured 2026-11: -3.7%, -8.9% to +1.5%)."""
    r = invest_to_save.loc[("nel_admissions", 5)]
    assert r["diff_hi"] < 0, f"nel_admissions: {r.to_dict()}"


@pytest.mark.slow
def test_invest_to_save_spends_first(invest_to_save):
    """Investment comes before savings: year-1 spending is not lower than the baseline's."""
    r = invest_to_save.loc[("spend_total", 1)]
    assert r["diff"] > 0 and r["diff_hi"] > 0
    community = invest_to_save.loc[("spend_community", 2)]
    assert community["diff_lo"] > 0


@pytest.mark.slow
def test_underfunding_shows_deficit_and_longer_waits():
    ok = run("iho_lead_provider", patients=30_000, years=4, seed=2).annual
    under = run("iho_underfunded", patients=30_000, years=4, seed=2).annual
    assert (under["host_surplus"] < ok["host_surplus"]).all()
    assert under["host_surplus"].sum() < 0
    assert under["waiting_list_end"].iloc[-1] > ok["waiting_list_end"].iloc[-1]


def _gap(by_group: pd.DataFrame, col: str) -> float:
    q = by_group.groupby("imd_quintile")[[col, "population"]].sum()
    rate = q[col] / q["population"]
    return float(rate.loc[1] - rate.loc[5])


@pytest.mark.slow
def test_flat_capitation_widens_the_deprivation_gap():
    """Paired over seeds (common random numbers), not one seed against a fixed threshold: the gap varies a lot."""
    from ihoabm.experiments.stats import mean_interval

    widening = []
    for seed in (1, 2, 3, 4):
        weighted = run("iho_lead_provider", patients=20_000, years=3, seed=seed).by_group
        flat = run("iho_no_need_weighting", patients=20_000, years=3, seed=seed).by_group
        # Unmet need: GP appointment requests that found no slot, per resident, IMD quintile 1 minus 5.
        widening.append(_gap(flat, "gp_unmet") - _gap(weighted, "gp_unmet"))
    mean, lo, _ = mean_interval(np.asarray(widening))
    assert lo > 0, f"the gap widened by {mean:.3f} unmet requests per resident (lower 95% bound {lo:.3f})"


@pytest.fixture(scope="module")
def community_funding():
    return replicate(["pbr_low_community", "pbr_high_community"], [1, 2, 3], {"run.patients": 30_000,
                                                                          "run.years": 3}, workers=2)


@pytest.mark.slow
def test_more_community_funding_means_fewer_admissions_and_conveyances(community_funding):
    runs = community_funding.copy()
    runs["nel_rate"] = runs["nel_admissions"] / runs["population"]
    runs["conveyance_rate"] = runs["conveyances"] / runs["population"]
    comp = paired_differences(runs, "pbr_low_community", "pbr_high_community").set_index(["metric", "year"])
    for metric in ("nel_rate", "conveyance_rate"):
        assert comp.loc[(metric, 3), "diff_hi"] < 0, metric


@pytest.mark.parametrize("name", builtin_names())
def test_money_is_conserved_every_contract_year_and_runs_are_deterministic(name):
    m = simulate(name, patients=5_000, years=2, seed=9, check=True)
    m.ledger.check_balanced()
    for year in range(m.total_years):
        flows = sum(m.ledger.year_result(account, year) for account in ACCOUNTS)
        assert abs(flows) < 0.005, f"year {year} does not net to zero"
    again = run(name, patients=5_000, years=2, seed=9).annual
    from ihoabm.outputs import tables
    pd.testing.assert_frame_equal(tables.annual(m), again)


def test_risk_share_corridor_and_alliance_shares():
    lead = simulate("iho_underfunded", patients=10_000, years=2, seed=3)
    ledger = lead.ledger.frame()
    cover = ledger[(ledger["category"] == "risk_share") & (ledger["payer"] == "icb")]
    assert len(cover) == 2, "the ICB covers part of a deficit beyond the corridor each year"
    alliance = simulate("iho_alliance", patients=10_000, years=2, seed=3)
    for year in (1, 2):
        # Partners absorb the host's result: the host ends each year at zero.
        assert abs(alliance.ledger.year_result("host", year)) < 1.0
    shares = alliance.ledger.frame()
    assert (shares["category"] == "alliance_share").sum() >= 8
