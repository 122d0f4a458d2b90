"""The app without a browser: control checking, figures (the PNG downloads), the runs in lockstep, the command."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure
from typer.testing import CliRunner

from ihoabm.app import figures, series
from ihoabm.app.lockstep import MAX_COMPARATORS, Lockstep
from ihoabm.app.params import AppModel, check_seed, parse_whole, resolve_inputs
from ihoabm.cli import serve as command
from ihoabm.outputs import catalogue

SMALL = 2_000


# --- checking the controls ------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [("20000", 20000), (" 20,000 ", 20000), ("1_000", 1000), (5000, 5000),
                                            (5000.0, 5000), ("abc", None), ("", None), ("0", None),
                                            ("200001", None), ("2.5", None), (True, None), (None, None)])
def test_parse_whole(text, expected):
    assert parse_whole(text, 1_000, 200_000) == expected


def test_bad_inputs_become_messages_and_defaults():
    inputs = resolve_inputs("nonsense", "0", "abc", {"capitation_level": 9, "horizon_years": "soon"})
    text = " ".join(inputs.messages)
    assert len(inputs.messages) == 5
    assert "Scenario 'nonsense'" in text and "using pbr_2004" in text
    assert "Population must be a whole number from 1,000 to 200,000 (got '0')" in text
    assert "Seed must be a whole number" in text and "'abc'" in text
    assert "Capitation level must be a number from 0.8 to 1.2 (got '9')" in text
    assert "Host planning horizon" in text
    sc = inputs.scenario
    assert (sc.meta.name, sc.run.patients, sc.run.seed) == ("pbr_2004", 20_000, 1)
    assert sc.contract.capitation_level == 1.0


def test_a_slider_left_alone_keeps_the_scenarios_value_and_a_moved_one_overrides():
    kept = resolve_inputs("iho_underfunded", SMALL, 3, {"capitation_level": 1.0, "funding_per_head": 190.0})
    assert kept.messages == ()
    assert kept.scenario.contract.capitation_level == pytest.approx(0.93)
    assert kept.from_slider == frozenset()
    moved = resolve_inputs("iho_underfunded", SMALL, 3, {"capitation_level": 1.05, "funding_per_head": 240})
    assert moved.scenario.contract.capitation_level == pytest.approx(1.05)
    assert moved.scenario.community.funding_per_head == pytest.approx(240)
    assert moved.from_slider == {"capitation_level", "funding_per_head"}


def test_extra_overrides_are_checked_too():
    inputs = resolve_inputs("baseline", SMALL, 1, extra={"years": 0, "tracked_patients": 5})
    assert inputs.scenario.run.tracked_patients == 5
    assert inputs.scenario.run.years == 5
    assert any("run.years" in m for m in inputs.messages)


def test_app_model_never_raises_on_bad_input():
    model = AppModel(scenario="baseline", seed="not a number", patients="0", risk_share_icb=-1)
    assert model.scenario.run.seed == 1 and model.pop.n == 20_000
    assert len(model.inputs.messages) == 3
    model.step()
    assert model.day == 1


def test_check_seed_messages():
    assert check_seed("12") == (12, "")
    value, problem = check_seed("1e3")
    assert value is None and "Seed must be a whole number" in problem


# --- series and figures -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stepped():
    """A small IHO model 40 days past its burn-in and the baseline beside it."""
    a, b = AppModel("pbr_2004", patients=SMALL, seed=2), AppModel("iho_lead_provider", patients=SMALL, seed=2)
    for _ in range(405):
        a.step()
        b.step()
    return a, b


def test_weekly_sums_match_the_daily_tally(stepped):
    model = stepped[0]
    t, sums = series.weekly_sum(model, "nel_admissions")
    daily = model.tally.daily[:model.day, model.tally.index["nel_admissions"]]
    assert sums.size == model.day - 6
    assert sums[-1] == pytest.approx(daily[-7:].sum())
    assert t[-1] == pytest.approx(model.day / 365)


def test_year_to_date_restarts_each_year(stepped):
    model = stepped[0]
    t, ytd = series.year_to_date(model, "acute_balance")
    _, cum = series.level(model, "acute_balance")
    assert ytd[0] == 0 and ytd[365] == pytest.approx(cum[365])
    assert ytd[366] == pytest.approx(cum[366] - cum[365])


def test_figures_draw_for_both_regimes(stepped):
    a, b = stepped
    for model in (a, b):
        for fig in (figures.activity_figure(model), figures.money_figure(model), figures.health_figure(model),
                    figures.journeys_figure(model), figures.network_figure(model),
                    figures.network_figure(model, "money")):
            assert isinstance(fig, Figure) and fig.axes
            assert figures.to_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"
    fig = figures.comparison_figure([a], b, ["A"], "B")
    assert len(fig.axes) == 2 * len(figures.COMPARED)
    assert figures.to_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_health_series_are_running_totals_of_the_tally_and_labelled_from_the_catalogue(stepped):
    model = stepped[1]
    for name in catalogue.APP_HEALTH:
        t, total = series.cumulative(model, name)
        assert total[-1] == pytest.approx(model.tally.daily[:model.day, model.tally.index[name]].sum())
        assert t[-1] == pytest.approx(model.day / 365)
    assert series.cumulative(model, "qalys")[1][-1] > 0
    fig = figures.health_figure(model)
    assert [ax.get_title().replace("\n", " ") for ax in fig.axes] == list(figures.HEALTH_TITLES)
    legend = [text.get_text() for text in fig.axes[1].get_legend().get_texts()]
    assert [catalogue.label(n) for n in figures.HEALTH_DEATHS] == legend[-len(figures.HEALTH_DEATHS):]
    fig = figures.comparison_figure([stepped[0]], model, ["A"], "B", figures.HEALTH_COMPARED)
    assert len(fig.axes) == 2 * len(catalogue.APP_HEALTH)
    assert [ax.get_title().replace("\n", " ") for ax in fig.axes[::2]] == [t for _, t, _ in figures.HEALTH_COMPARED]


def test_comparison_figure_has_a_line_per_comparator_above_and_below(stepped):
    a, b = stepped
    fig = figures.comparison_figure([a, a], b, ["pbr_2004", "api_today"], "iho_lead_provider")
    top, bottom = fig.axes[0], fig.axes[1]
    assert [line.get_label() for line in top.get_lines()] == ["A: pbr_2004", "A: api_today", "B: iho_lead_provider"]
    diffs = [line for line in bottom.get_lines() if line.get_label().startswith("B - ")]
    assert [line.get_label() for line in diffs] == ["B - pbr_2004", "B - api_today"]
    assert diffs[0].get_color() == top.get_lines()[0].get_color() != diffs[1].get_color()


def test_every_journey_event_has_a_kind(stepped):
    events = {e for m in stepped for p in m.tracker.patients.values() for _, e in p.journey}
    assert events
    assert {figures.EVENT_KINDS[figures.event_kind(e)][0] for e in events} >= {"GP care"}
    assert figures.EVENT_KINDS[figures.event_kind("died")][0] == "died"


# --- runs in lockstep -----------------------------------------------------------------------------------------
def test_runs_are_identical_in_burn_in_then_diverge():
    runs = Lockstep.build(["pbr_2004", "api_today"], "iho_invest_to_save", SMALL, 4)
    assert runs.comparator_names == ("pbr_2004", "api_today") and runs.alternative_name == "iho_invest_to_save"
    runs.step(30)
    assert runs.day == 30 and runs.identical_so_far()
    runs.skip_burn_in()
    assert runs.day == runs.burn_in_days and runs.identical_so_far()
    runs.step(200)
    assert {m.day for m in runs.models} == {runs.burn_in_days + 200}
    pbr, _ = runs.comparators
    assert not np.array_equal(series.collected(pbr, "host_balance"), series.collected(runs.alternative,
                                                                                        "host_balance"))
    totals = runs.totals()
    assert totals[0].label == catalogue.label("nel_admissions")
    assert totals[-1].label == catalogue.axis("spend_total", scale=1e6)
    assert all(len(t.comparators) == 2 for t in totals)


def test_a_comparator_equal_to_b_differs_by_nothing():
    runs = Lockstep.build(["iho_lead_provider"], "iho_lead_provider", SMALL, 2)
    runs.step(400)
    assert runs.identical_so_far()
    assert all(t.comparators[0] == t.alternative for t in runs.totals())


@pytest.mark.parametrize("count", [0, MAX_COMPARATORS + 1])
def test_lockstep_needs_one_to_a_few_comparators(count):
    with pytest.raises(ValueError, match="compare with 1 to"):
        Lockstep.build(["pbr_2004"] * count, "iho_invest_to_save", SMALL, 1)


# --- pages: see tests/test_app_pages.py (rendered with solara.render) and tests/test_app_browser.py -------------
def test_routes():
    from ihoabm.app import pages

    assert [r.path for r in pages.routes] == ["/", "compare"]
    assert pages.routes[0].layout is pages.Layout


# --- the command ------------------------------------------------------------------------------------------------
def test_server_settings_keep_everything_local():
    env = command.offline_env({})
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_ASSETS_PROXY"] == "True"
    assert not env["SOLARA_ASSETS_CDN"].startswith("http")
    cmd = command.server_command("127.0.0.1", 8123)
    assert cmd[1:5] == ["-m", "solara", "run", "ihoabm.app.pages"]
    assert {"--production", "--no-open", "--no-check-version"} <= set(cmd)
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1" and cmd[cmd.index("--port") + 1] == "8123"


class FakeServer:
    def __init__(self, args, env):
        self.args, self.env = args, env

    def poll(self):
        return None

    def wait(self, timeout=None):
        return 0

    def terminate(self):
        pass


def test_app_command_prints_the_url_and_defaults_to_localhost(monkeypatch):
    from ihoabm.cli.commands import app

    started = []
    monkeypatch.setattr(command.subprocess, "Popen", lambda args, env, **kw: started.append(FakeServer(args, env))
                        or started[-1])
    monkeypatch.setattr(command, "wait_until_listening", lambda host, port, proc: True)
    monkeypatch.setattr(command.signal, "signal", lambda *a: None)
    result = CliRunner().invoke(app, ["app", "--port", "8555"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8555/" in result.output
    assert started[0].args[started[0].args.index("--host") + 1] == "127.0.0.1"
    assert started[0].env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


def test_app_command_reports_a_server_that_does_not_start(monkeypatch):
    from ihoabm.cli.commands import app

    monkeypatch.setattr(command.subprocess, "Popen", lambda args, env, **kw: FakeServer(args, env))
    monkeypatch.setattr(command, "wait_until_listening", lambda host, port, proc: False)
    monkeypatch.setattr(command.signal, "signal", lambda *a: None)
    result = CliRunner().invoke(app, ["app", "--port", "8556"])
    assert result.exit_code != 0
    assert "did not start" in result.output
