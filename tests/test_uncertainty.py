"""Parameter uncertainty in comparisons: seeded draws from the priors, paired across arms, and what is reported."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ihoabm.cli.commands import app
from ihoabm.experiments import uncertainty as unc
from ihoabm.experiments.compare import replicate_with_groups, replicate_with_uncertainty
from ihoabm.scenario import load_scenario
from ihoabm.scenario.priors import PRIORS

SMALL = {"run.patients": 3000, "run.years": 1}
REF = load_scenario("pbr_2004")


def test_draws_are_seeded_within_their_priors_and_stratified():
    keys = list(PRIORS)
    draws = unc.draw_parameters(8, 7, keys, REF)
    assert draws == unc.draw_parameters(8, 7, keys, REF)
    assert draws != unc.draw_parameters(8, 8, keys, REF)
    for key in keys:
        prior, values = PRIORS[key], [d[key] for d in draws]
        if prior.scale:
            section, name = key.split(".")
            default = getattr(getattr(REF, section), name)
            assert all(len(v) == len(default) for v in values)
            factors = [v[-1] / default[-1] for v in values]
            assert all(prior.low <= f <= prior.high for f in factors), key
        else:
            assert all(prior.low <= v <= prior.high for v in values), key
    assert all(isinstance(d["host.planning_interval_months"], int) for d in draws)
    # A Latin hypercube puts one draw in each eighth of a uniform prior's range.
    prior = PRIORS["acute.vw_substitution"]
    strata = sorted(int((d["acute.vw_substitution"] - prior.low) / (prior.high - prior.low) * 8) for d in draws)
    assert strata == list(range(8))


def test_an_arms_own_lever_is_held_not_drawn():
    arms = [load_scenario("api_today"), load_scenario("iho_invest_to_save")]
    drawn, held = unc.split_keys(REF, arms)
    assert "host.horizon_years" in held and "host.max_invest_share" in held
    assert "acute.margin_sensitivity" in drawn and not set(drawn) & set(held)


def _runs(diffs: dict[str, list[float]]) -> pd.DataFrame:
    rows = []
    for rep in range(len(next(iter(diffs.values())))):
        rows.append({"arm": "A", "replication": rep, "year": 1, **{m: 100.0 for m in diffs}})
        rows.append({"arm": "B", "replication": rep, "year": 1, **{m: 100.0 + d[rep] for m, d in diffs.items()}})
    return pd.DataFrame(rows)


def test_combined_interval_and_probability_better_follow_the_metrics_direction():
    d = list(np.arange(-10.0, 30.0))    # 40 draws, 10 below zero
    runs = _runs({"nel_admissions": d, "qalys": d, "community_contacts": d})
    out = unc.combined_differences(runs, ["A", "B"], ["nel_admissions", "qalys", "community_contacts"])
    row = out.set_index("metric")
    assert row.loc["nel_admissions", "comb_lo"] == pytest.approx(np.percentile(d, 2.5))
    assert row.loc["nel_admissions", "comb_hi"] == pytest.approx(np.percentile(d, 97.5))
    assert row.loc["nel_admissions", "p_better"] == pytest.approx(10.5 / 40)   # fewer is better; a tie counts half
    assert row.loc["qalys", "p_better"] == pytest.approx(29.5 / 40)            # more is better
    assert np.isnan(row.loc["community_contacts", "p_better"])                 # no agreed direction


def test_ceac_is_the_share_of_draws_with_positive_net_benefit():
    runs = _runs({"spend_total": [100.0, 100.0, 300.0, 300.0], "qalys": [0.01, 0.01, 0.01, 0.01]})
    curve = unc.ceac(runs, ["A", "B"], thresholds=(0, 5_000, 15_000, 40_000)).set_index("threshold")
    assert list(curve["p_cost_effective"]) == [0.0, 0.0, 0.5, 1.0]   # NMB = threshold x 0.01 - 100 or 300


def test_draws_pair_arms_and_leave_the_default_replications_unchanged():
    scenarios, seeds = ["api_today", "api_today"], [11]
    draws = unc.draw_parameters(2, 3, unc.split_keys(REF, [load_scenario(s) for s in scenarios])[0], REF)
    runs, _, draw_runs, _ = replicate_with_uncertainty(scenarios, seeds, [12, 13], draws, SMALL, labels=["A", "B"])
    plain, _ = replicate_with_groups(scenarios, seeds, SMALL, labels=["A", "B"])
    key = ["arm", "year"]
    pd.testing.assert_frame_equal(runs.sort_values(key).reset_index(drop=True),
                                  plain.sort_values(key).reset_index(drop=True))
    assert sorted(draw_runs["replication"].unique()) == [0, 1]
    # An A/A comparison: every draw's arms share parameters and seeds, so they agree exactly.
    out = unc.combined_differences(draw_runs, ["A", "B"], ["nel_admissions", "qalys"])
    assert (out[["comb_lo", "comb_hi"]] == 0).all().all() and (out["p_better"] == 0.5).all()
    # The draws did change the model: the same seed at other parameters gives other admissions.
    again, _ = replicate_with_groups(["api_today"], [12], SMALL, labels=["A"])
    drawn = draw_runs[(draw_runs["arm"] == "A") & (draw_runs["replication"] == 0)]
    assert drawn["nel_admissions"].to_numpy() != pytest.approx(again["nel_admissions"].to_numpy())


def test_compare_with_uncertainty_writes_both_intervals_and_the_ceac(tmp_path):
    result = CliRunner().invoke(app, ["compare", "api_today", "iho_invest_to_save", "-n", "3000", "-y", "1", "-r",
                                      "2", "-u", "2", "-w", "1", "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    comp = pd.read_csv(tmp_path / "c" / "comparison.csv")
    for column in ("diff_lo", "diff_hi", "comb_lo", "comb_hi", "p_better"):
        assert column in comp.columns
    curve = pd.read_csv(tmp_path / "c" / "ceac.csv")
    assert curve["threshold"].min() == 0 and curve["threshold"].max() == 50_000
    assert curve["p_cost_effective"].between(0, 1).all()
    assert len(pd.read_csv(tmp_path / "c" / "draws.csv")) == 2
    assert (tmp_path / "c" / "ceac.png").stat().st_size > 0


def test_bad_uncertainty_is_one_line_and_exit_2(tmp_path):
    result = CliRunner().invoke(app, ["compare", "api_today", "iho_invest_to_save", "-u", "-3", "--out",
                                      str(tmp_path / "c")])
    assert result.exit_code == 2
    assert "--uncertainty" in result.output


def test_main_job_default_draws_match_the_help_text():
    result = CliRunner().invoke(app, ["compare", "--help"], env={"COLUMNS": "200"})
    assert f"Default: {unc.MAIN_JOB_DRAWS} for the main job" in " ".join(result.output.split())
