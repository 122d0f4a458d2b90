"""Value and equity of each arm against the first (issue 13): NMB, ICER, the slope index of inequality.

The arithmetic is checked on made-up tables; one tiny command-line run (3,000 residents, one year, two seeds)
checks the files and an A/A arm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ihoabm.cli.commands import app
from ihoabm.experiments.value import ALL, EQUITY, THRESHOLDS, equity_table, nmb_name, sii, sii_by_run, value_table

runner = CliRunner()
VALUE_COLUMNS = ["arm", "period", "measure", "mean", "lo", "hi"]
EQUITY_COLUMNS = ["arm", "period", "measure", "sii", "sii_lo", "sii_hi", "change", "change_lo", "change_hi"]


def _annual(arm: str, cost: list[float], qalys: list[float], years: int = 2) -> pd.DataFrame:
    rows = [{"arm": arm, "replication": r, "year": y, "spend_total": cost[r] * y, "qalys": qalys[r] * y}
            for r in range(len(cost)) for y in range(1, years + 1)]
    return pd.DataFrame(rows)


def _groups(arm: str, rates_by_rep: list[np.ndarray], population: np.ndarray) -> pd.DataFrame:
    """by_group rows: one row per quintile (the SII only needs quintile sums), rates per 1,000 and per head."""
    rows = []
    for r, rates in enumerate(rates_by_rep):
        for q in range(5):
            pop = population[q]
            rows.append({"arm": arm, "replication": r, "year": 1, "imd_quintile": q + 1, "population": pop,
                         "nel_admissions": rates[q] * pop / 1000, "gp_unmet": rates[q] * pop / 1000,
                         "qalys": rates[q] * pop})
    return pd.DataFrame(rows)


def test_the_sii_of_a_linear_gradient_is_its_slope():
    pop = np.array([100.0, 300.0, 200.0, 250.0, 150.0])
    share = pop / pop.sum()
    rank = np.cumsum(share) - share / 2
    assert sii(10 + 40 * rank, pop) == pytest.approx(40)
    assert sii(5 - 3 * rank, pop) == pytest.approx(-3)
    assert sii(np.full(5, 7.0), pop) == pytest.approx(0)
    # An empty quintile carries no weight and no rank.
    assert sii(np.array([1.0, 99.0, 2.0]), np.array([1.0, 0.0, 1.0])) == pytest.approx(1 / 0.5)


def test_the_sii_of_each_measure_is_computed_from_the_quintiles_rates():
    pop = np.full(5, 1000.0)
    rank = np.arange(5) / 5 + 0.1
    groups = _groups("A", [100 - 50 * rank, 100 - 50 * rank], pop)
    per_run = sii_by_run(groups)
    assert set(per_run["measure"]) == set(EQUITY)
    assert set(per_run["period"]) == {"1", ALL}
    assert per_run["sii"].to_numpy() == pytest.approx(-50)


def test_nmb_is_the_threshold_times_the_qaly_gain_less_the_cost():
    runs = pd.concat([_annual("A", [100.0, 200.0, 300.0], [1.0, 2.0, 3.0]),
                      _annual("B", [150.0, 260.0, 330.0], [1.5, 2.5, 3.45])])
    table = value_table(runs, ["A", "B"])
    assert list(table.columns) == VALUE_COLUMNS
    value = table.set_index(["period", "measure"])
    d_cost = np.array([50.0, 60.0, 30.0]) * 3   # years 1 and 2 add up to 3 times year 1
    d_qaly = np.array([0.5, 0.5, 0.45]) * 3
    assert value.loc[(ALL, "incremental_cost"), "mean"] == pytest.approx(d_cost.mean())
    assert value.loc[(ALL, "incremental_qalys"), "mean"] == pytest.approx(d_qaly.mean())
    for t in THRESHOLDS:
        nmb = t * d_qaly - d_cost
        row = value.loc[(ALL, nmb_name(t))]
        assert row["mean"] == pytest.approx(t * d_qaly.mean() - d_cost.mean())
        assert row["lo"] < nmb.mean() < row["hi"]
    # The QALY interval excludes zero, so the ICER is given: a ratio of means, without an interval.
    icer = value.loc[(ALL, "icer")]
    assert icer["mean"] == pytest.approx(d_cost.mean() / d_qaly.mean())
    assert np.isnan(icer["lo"]) and np.isnan(icer["hi"])
    assert value.loc[("1", "incremental_cost"), "mean"] == pytest.approx(d_cost.mean() / 3)


def test_no_icer_when_the_qaly_difference_may_be_zero():
    runs = pd.concat([_annual("A", [100.0, 200.0, 300.0], [1.0, 2.0, 3.0]),
                      _annual("B", [150.0, 260.0, 330.0], [1.5, 1.8, 3.1])])
    value = value_table(runs, ["A", "B"]).set_index(["period", "measure"])
    assert np.isnan(value.loc[(ALL, "icer"), "mean"])


def test_no_icer_for_a_dominated_or_dominant_arm():
    from ihoabm.cli.commands import _no_icer

    dearer_and_worse = pd.concat([_annual("A", [100.0, 200.0, 300.0], [1.0, 2.0, 3.0]),
                                  _annual("B", [150.0, 260.0, 330.0], [0.5, 1.4, 2.5])])
    value = value_table(dearer_and_worse, ["A", "B"]).set_index(["period", "measure"])
    assert value.loc[(ALL, "incremental_qalys"), "hi"] < 0 < value.loc[(ALL, "incremental_cost"), "lo"]
    assert np.isnan(value.loc[(ALL, "icer"), "mean"])
    assert _no_icer(100.0, -1.0, -2.0, -0.5).startswith("dominated")
    assert _no_icer(-100.0, 1.0, 0.5, 2.0).startswith("dominant")
    assert _no_icer(100.0, 1.0, -0.5, 2.0) == "QALY interval includes 0"


def test_the_sii_change_is_paired_over_replications():
    pop = np.full(5, 1000.0)
    rank = np.arange(5) / 5 + 0.1
    a = _groups("A", [100 - 50 * rank, 80 - 30 * rank], pop)
    b = _groups("B", [100 - 40 * rank, 80 - 20 * rank], pop)   # the gradient 10 shallower in each replication
    equity = equity_table(pd.concat([a, b]), ["A", "B"])
    assert list(equity.columns) == EQUITY_COLUMNS
    row = equity[(equity["arm"] == "B") & (equity["period"] == ALL)].iloc[0]
    assert row["change"] == pytest.approx(10)
    assert row["change_lo"] == pytest.approx(10) and row["change_hi"] == pytest.approx(10)
    assert equity.loc[equity["arm"] == "A", "change"].isna().all()


def test_the_command_writes_value_and_equity_and_an_a_a_arm_has_zero_value(tmp_path):
    out = tmp_path / "cmp"
    res = runner.invoke(app, ["compare", "pbr_2004", "iho_invest_to_save", "pbr_2004", "-n", "3000", "-y", "1",
                              "-r", "2", "-w", "1", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Net monetary benefit at £25,000 per QALY" in res.output
    value = pd.read_csv(out / "value.csv", dtype={"period": str})
    equity = pd.read_csv(out / "equity.csv", dtype={"period": str})
    assert list(value.columns) == VALUE_COLUMNS
    assert list(equity.columns) == EQUITY_COLUMNS
    assert set(value["arm"]) == {"B", "C"}
    assert set(value["measure"]) == {"incremental_cost", "incremental_qalys", "icer",
                                     *(nmb_name(t) for t in THRESHOLDS)}
    assert set(value["period"]) == {"1", ALL}
    # C is A again, on the same seeds: no value and no change in inequality.
    aa = value[(value["arm"] == "C") & (value["measure"] != "icer")]
    assert (aa[["mean", "lo", "hi"]] == 0).all().all()
    assert value.loc[(value["arm"] == "C") & (value["measure"] == "icer"), "mean"].isna().all()
    change = equity.loc[equity["arm"] == "C", ["change", "change_lo", "change_hi"]]
    assert (change == 0).all().all()
    assert set(equity["measure"]) == set(EQUITY)
    # The A/A arm spends exactly what A spends: it pays back at once, and its J-curve is flat at zero.
    payback = pd.read_csv(out / "payback.csv").set_index(["arm", "measure"])
    assert payback.loc[("C", "paid_back"), "mean"] == 1.0 and payback.loc[("C", "payback_year"), "mean"] == 1.0
    assert (payback.loc[("C", "cumulative_extra_spend"), ["mean", "lo", "hi"]] == 0).all().all()
    assert (out / "payback.png").stat().st_size > 0
    assert "paid back in" in res.output


@pytest.mark.slow
def test_compare_can_decompose_each_arm_into_channels_that_add_up(tmp_path):
    """compare --decompose: decomposition.csv beside the comparison, on the same seeds; parts sum to the total."""
    out = tmp_path / "cmp"
    res = runner.invoke(app, ["compare", "api_today", "iho_lead_provider", "-n", "2000", "-y", "1", "-r", "2",
                              "-w", "1", "--decompose", "-o", str(out)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "decomposition.csv", dtype={"period": str})
    assert set(table["arm"]) == {"iho_lead_provider"}
    nel = table[(table["metric"] == "nel_admissions") & (table["period"] == ALL)]
    assert nel["contribution"].sum() == pytest.approx(nel["total"].iloc[0], abs=1e-6)
    # The total is the comparison's own difference: the same seeds and the same runs of each arm.
    runs = pd.read_csv(out / "runs.csv")
    by_arm = runs.groupby("arm")["nel_admissions"].sum() / 2
    assert nel["total"].iloc[0] == pytest.approx(by_arm["iho_lead_provider"] - by_arm["api_today"])
    assert (out / "decomposition.png").stat().st_size > 0
