"""Comparisons with many arms: every arm on the same seeds, each reported against the first (issue 12).

Small on purpose (3,000 residents, one reported year, two seeds): the checks are of shape, pairing and
labelling, not of effect sizes (tests/test_incentives.py has those).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from ihoabm.cli.commands import app, comparison_table
from ihoabm.experiments.compare import MAIN_JOB, MAX_ARMS, arm_differences, arm_labels, paired_differences, replicate
from ihoabm.outputs import catalogue, plots
from ihoabm.outputs.folder import MANIFEST, verify

runner = CliRunner()
SIZE = {"run.patients": 3_000, "run.years": 1}
SEEDS = [1, 2]
SMALL = ["-n", "3000", "-y", "1", "-r", "2", "-w", "1"]


@pytest.fixture(scope="module")
def three_arms():
    """The reference, an IHO, and the reference again (an A/A arm): labels A, B, C since a name repeats."""
    scenarios = ["pbr_2004", "iho_invest_to_save", "pbr_2004"]
    labels = arm_labels(scenarios)
    return labels, replicate(scenarios, SEEDS, SIZE, labels=labels)


def test_labels_are_the_names_or_letters_when_a_name_repeats():
    assert arm_labels(["pbr_2004", "api_today", "iho_alliance"]) == ["pbr_2004", "api_today", "iho_alliance"]
    assert arm_labels(["pbr_2004", "api_today", "pbr_2004"]) == ["A", "B", "C"]


def test_every_arm_runs_on_every_seed_with_the_same_population(three_arms):
    labels, runs = three_arms
    assert labels == ["A", "B", "C"]
    assert set(runs["arm"]) == set(labels)
    assert runs.groupby("arm")["seed"].apply(sorted).map(tuple).to_dict() == {k: (1, 2) for k in labels}
    # Replication k of every arm runs with seed k, so the reference run twice (A and C) is the same run twice.
    a, c = (runs[runs["arm"] == k].drop(columns="arm").reset_index(drop=True) for k in ("A", "C"))
    pd.testing.assert_frame_equal(a, c)
    assert not np.array_equal(runs.loc[runs["arm"] == "A", "host_surplus"], runs.loc[runs["arm"] == "B",
                                                                                       "host_surplus"])


def test_each_arm_is_reported_against_the_first(three_arms):
    labels, runs = three_arms
    comp = arm_differences(runs, labels)
    assert list(comp.columns) == ["arm", "metric", "year", "mean_a", "mean_b", "diff", "diff_lo", "diff_hi",
                                  "pct_diff"]
    assert list(comp["arm"].unique()) == ["B", "C"]
    per_arm = comp.groupby("arm").size()
    assert per_arm["B"] == per_arm["C"] and len(comp) == 2 * per_arm["B"]
    assert set(comp["year"]) == {1}
    # The reference's means are the same whichever arm it is compared with.
    by_arm = comp.set_index(["arm", "metric", "year"])["mean_a"]
    pd.testing.assert_series_equal(by_arm["B"], by_arm["C"])
    # A/A: the third arm is the reference run again, so every difference and interval is exactly zero.
    aa = comp[comp["arm"] == "C"]
    assert (aa[["diff", "diff_lo", "diff_hi"]] == 0).all().all()
    # The IHO arm differs in money at least (the host holds a budget).
    iho = comp[comp["arm"] == "B"].set_index("metric")
    assert iho.loc["host_surplus", "diff"] != 0


def test_two_arms_give_the_paired_differences_with_an_arm_column(three_arms):
    labels, runs = three_arms
    two = arm_differences(runs, labels[:2])
    pd.testing.assert_frame_equal(two.drop(columns="arm"), paired_differences(runs, "A", "B"))
    assert set(two["arm"]) == {"B"}
    with pytest.raises(ValueError, match="two arms or more"):
        arm_differences(runs, ["A"])


def test_cli_compares_three_named_arms(tmp_path: Path):
    out = tmp_path / "three"
    res = runner.invoke(app, ["compare", "pbr_2004", "api_today", "iho_invest_to_save", *SMALL, "--out", str(out)])
    assert res.exit_code == 0, res.output
    comp = pd.read_csv(out / "comparison.csv")
    assert comp.columns[0] == "arm" and list(comp["arm"].unique()) == ["api_today", "iho_invest_to_save"]
    assert (comp.groupby("arm").size().nunique()) == 1
    runs = pd.read_csv(out / "runs.csv")
    assert set(runs["arm"]) == {"pbr_2004", "api_today", "iho_invest_to_save"} and len(runs) == 3 * 2
    manifest = json.loads((out / MANIFEST).read_text())
    assert list(manifest["arms"]) == ["pbr_2004", "api_today", "iho_invest_to_save"]
    assert manifest["reference"] == "pbr_2004" and manifest["seeds"] == [1, 2] and manifest["complete"] is True
    assert verify(out) == []
    assert "api_today minus pbr_2004" in res.output and "iho_invest_to_save minus pbr_2004" in res.output
    assert catalogue.axis("nel_admissions") in res.output and "nel_admissions" not in res.output


def test_cli_aa_arms_with_repeated_names_get_letters(tmp_path: Path):
    out = tmp_path / "aaa"
    res = runner.invoke(app, ["compare", "pbr_2004", "pbr_2004", "pbr_2004", *SMALL, "--out", str(out)])
    assert res.exit_code == 0, res.output
    comp = pd.read_csv(out / "comparison.csv")
    assert list(comp["arm"].unique()) == ["B", "C"] and (comp["diff"] == 0).all()
    assert "arms: A = pbr_2004, B = pbr_2004, C = pbr_2004" in res.output
    assert set(json.loads((out / MANIFEST).read_text())["arms"]) == {"A", "B", "C"}


class Stopped(Exception):
    """Raised instead of running the arms."""


@pytest.fixture
def no_runs(monkeypatch):
    """Record which scenarios `compare` would run, and stop there."""
    import ihoabm.experiments.compare as compare

    asked: list[list[str]] = []

    def stop(scenarios, *args, **kwargs):
        asked.append(list(scenarios))
        raise Stopped

    monkeypatch.setattr(compare, "replicate", stop)
    monkeypatch.setattr(compare, "replicate_with_groups", stop)
    monkeypatch.setattr(compare, "replicate_with_uncertainty", stop)   # what the command calls (with the draws)
    return asked


def test_the_main_job_is_pbr_2004_api_today_and_the_iho(tmp_path: Path, no_runs):
    assert MAIN_JOB == ("pbr_2004", "api_today", "iho_invest_to_save")
    res = runner.invoke(app, ["compare", "--out", str(tmp_path / "main")])
    assert isinstance(res.exception, Stopped)
    assert no_runs == [list(MAIN_JOB)]
    help_text = runner.invoke(app, ["compare", "--help"]).output
    assert " ".join(MAIN_JOB) in " ".join(help_text.replace("│", " ").split())   # rich draws boxes round it


@pytest.mark.parametrize("count", [1, MAX_ARMS + 1])
def test_cli_refuses_one_arm_or_too_many_in_one_line(tmp_path: Path, count: int, no_runs):
    res = runner.invoke(app, ["compare", *["pbr_2004"] * count, *SMALL, "--out", str(tmp_path / "x")])
    assert res.exit_code == 2, res.output
    assert f"from 2 to {MAX_ARMS} scenarios" in res.output and "Traceback" not in res.output
    assert no_runs == [] and not (tmp_path / "x").exists()


def _fake_comparison(arms: list[str], years: list[int]) -> pd.DataFrame:
    rows = [{"arm": arm, "metric": m, "year": y, "mean_a": 100.0, "mean_b": 100.0 + k, "diff": float(k + y),
             "diff_lo": k - 1.0, "diff_hi": k + y + 1.0, "pct_diff": float(k)}
            for k, arm in enumerate(arms, 1) for m in catalogue.KEY_DIFFERENCES for y in years]
    return pd.DataFrame(rows)


def test_each_arm_gets_its_own_table_of_key_differences():
    comp = _fake_comparison(["api_today", "iho_invest_to_save"], [1, 2])
    console = Console(record=True, width=250)
    console.print(comparison_table(comp, "pbr_2004", "iho_invest_to_save", 4))
    text = console.export_text()
    assert "iho_invest_to_save minus pbr_2004" in text and "4 replications" in text
    # Only that arm's rows: its differences are diff = 2 + year (the fake's second arm), never the first arm's.
    counts = [m for m in catalogue.KEY_DIFFERENCES if catalogue.metric(m).kind != "money"]
    surpluses = [m for m in catalogue.KEY_DIFFERENCES if m.endswith("surplus")]
    assert text.count("+3 (+2.0%)") == len(counts) and "+2 (+1.0%)" not in text
    # Money in pounds; a surplus never as a percentage of a base that can be near zero.
    assert text.count("+£3 (+2.0%)") == 1 and text.count("+£3 *") == len(surpluses)
    assert catalogue.axis("conveyances") in text and "nel_admissions" not in text


@pytest.mark.parametrize("years", [[1], [1, 2, 3, 4, 5]])
def test_plot_has_a_panel_per_metric_a_colour_per_arm_and_whole_year_ticks(years):
    arms = ["api_today", "iho_invest_to_save", "block_2020"]
    fig = plots.comparison(_fake_comparison(arms, years), "pbr_2004", arms)
    axes = fig.axes
    assert len(axes) == len(catalogue.PLOTTED_DIFFERENCES)
    for ax, metric in zip(axes, catalogue.PLOTTED_DIFFERENCES, strict=True):
        assert ax.get_title().startswith(catalogue.label(metric))
        labelled = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
        assert labelled == ["pbr_2004 (the reference)", *(f"{arm} minus pbr_2004" for arm in arms)]
        colours = {line.get_color() for line in ax.get_lines()[1:] if not line.get_label().startswith("_")}
        assert len(colours) == len(arms)
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks == years
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()][-1] == "95% interval of the paired differences"
