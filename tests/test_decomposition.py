"""Driver decomposition: exact Shapley values over channels add up to the difference, on common random numbers."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ihoabm.cli.commands import app
from ihoabm.experiments import decomposition as dc
from ihoabm.experiments.run import run
from ihoabm.scenario import load_scenario

SMALL = {"run.patients": 3000, "run.years": 1}


def test_shapley_of_a_known_game():
    # v = 10 x a + 4 x b + 6 x (a and b) + 0 x c: the interaction is shared equally, c is a null player.
    players = ["a", "b", "c"]
    values = {frozenset(s): np.array([10.0 * ("a" in s) + 4.0 * ("b" in s) + 6.0 * ("a" in s and "b" in s)])
              for r in range(4) for s in itertools.combinations(players, r)}
    phi = dc.shapley(values, players)
    assert phi["a"][0] == pytest.approx(13.0) and phi["b"][0] == pytest.approx(7.0) and phi["c"][0] == 0.0
    assert sum(p[0] for p in phi.values()) == pytest.approx(values[frozenset(players)][0] - values[frozenset()][0])


def test_channels_of_an_iho_against_todays_rules():
    a, b = load_scenario("api_today"), load_scenario("iho_invest_to_save")
    active, how = dc.channels(a, b)
    assert active == [dc.ADMISSION, dc.DISCHARGE, dc.PURCHASING, dc.INVEST]
    assert how["community_funding"].startswith("same") and how["oversight"].startswith("same")
    per_lever, _ = dc.channels(a, b, per_lever=True)
    assert [c for c in per_lever if c.startswith(dc.INVEST)] == [f"{dc.INVEST}:{n}" for n in dc.lever_names()]
    active, _ = dc.channels(load_scenario("pbr_2004"), load_scenario("pbr_high_community"))
    assert "community_funding" in active and dc.INVEST not in active        # no host in either arm
    active, _ = dc.channels(load_scenario("iho_lead_provider"), load_scenario("iho_no_need_weighting"))
    assert "need_weighting" in active
    with pytest.raises(ValueError, match="put the IHO arm second"):
        dc.channels(b, a)


def test_switched_off_channels_act_as_in_a():
    replay = dc.Trace(invest={0: np.arange(1.0, len(dc.lever_names()) + 1) * 1000.0}, purchase={0: 0.5})
    model = dc.HybridModel("iho_invest_to_save", replay=replay, off=frozenset({dc.INVEST, dc.PURCHASING}),
                           seed=1, **SMALL)
    assert model.elective_purchase_share() == 0.5
    model.host.plan()
    assert model.host.invest == pytest.approx(replay.invest[0])
    own = dc.HybridModel("iho_invest_to_save", replay=replay, seed=1, **SMALL)
    assert own.elective_purchase_share() == 1.0


@pytest.fixture(scope="module")
def small_decomposition():
    return dc.run_coalitions("api_today", "iho_invest_to_save", [5], SMALL)


def test_all_on_is_b_and_all_off_is_a_in_activity(small_decomposition):
    a_runs, runs, how = small_decomposition
    active = [c for c in how.index if not how.loc[c, "switched"].startswith("same")]
    everything = runs[runs["coalition"] == dc.coalition_name(frozenset(active), active)]
    b = run("iho_invest_to_save", seed=5, **SMALL).annual
    for metric in ("nel_admissions", "conveyances", "spend_total", "qalys"):
        assert list(everything[metric]) == list(b[metric]), metric
    nothing = runs[runs["coalition"] == "none"]
    a = run("api_today", seed=5, **SMALL).annual
    assert list(a_runs["nel_admissions"]) == list(a["nel_admissions"])
    # With every channel A's, B's model admits and conveys exactly as A: only the money flows differ.
    for metric in ("nel_admissions", "conveyances", "ae_attendances", "bed_days", "qalys"):
        assert list(nothing[metric]) == list(a[metric]), metric


def test_parts_add_up_to_the_total(small_decomposition):
    table = dc.decompose(*small_decomposition, label="iho_invest_to_save")
    sums = table.groupby(["metric", "period"]).agg(parts=("contribution", "sum"), total=("total", "first"))
    assert np.allclose(sums["parts"], sums["total"], rtol=1e-9, atol=1e-6)
    headline = table[table["metric"].isin(dc.WATERFALL) & (table["period"] == "all")]
    activity = headline[(headline["channel"] == dc.RESIDUAL) & (headline["metric"] != "spend_total")]
    assert (activity["contribution"] == 0).all()           # activity is carried by the channels alone
    assert (headline[headline["switched"].str.startswith("same")]["contribution"] == 0).all()


def test_decompose_command_writes_the_table_and_the_waterfall(tmp_path):
    result = CliRunner().invoke(app, ["decompose", "pbr_2004", "pbr_high_community", "-n", "3000", "-y", "1", "-r",
                                      "1", "-w", "1", "--out", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "d" / "decomposition.csv")
    assert {"arm", "metric", "channel", "contribution", "total", "residual"} <= set(table.columns)
    assert (tmp_path / "d" / "decomposition.png").stat().st_size > 0
    bad = CliRunner().invoke(app, ["decompose", "iho_invest_to_save", "api_today", "--out", str(tmp_path / "e")])
    assert bad.exit_code == 2 and "IHO arm second" in bad.output
