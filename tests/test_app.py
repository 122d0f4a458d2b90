"""The app without a browser: control checking, figures, the pair of runs, and pages rendered with solara.render."""

from __future__ import annotations

import html
import re
import time
import warnings

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara
from matplotlib.figure import Figure
from typer.testing import CliRunner

from ihoabm.app import figures, series
from ihoabm.app.lockstep import MAX_COMPARATORS, Lockstep
from ihoabm.app.params import AppModel, check_seed, parse_whole, resolve_inputs
from ihoabm.cli import serve as command
from ihoabm.outputs import catalogue

with warnings.catch_warnings():
    # Defining Mesa's SolaraViz trips Solara's hook checker (a use_state after an early return); not ours.
    warnings.simplefilter("ignore", UserWarning)
    from ihoabm.app.comparison import ComparisonPage
    from ihoabm.app.single import SinglePage, initial_values, model_params

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


# --- pages, rendered without a browser ------------------------------------------------------------------------
@solara.component
def InLayout(page):
    """Pages put their controls in the app layout's sidebar; render them inside one."""
    with solara.AppLayout():
        page()


def html_text(rc) -> str:
    return "\n".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)


def alerts(rc) -> str:
    return "\n".join(str(w.children) for w in rc.find(v.Alert).widgets)


def _images(rc):
    return rc.find(ipywidgets.Image).widgets


def button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def type_text(rc, label: str, text: str) -> None:
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("keyup.enter")


def test_single_page_controls_and_defaults():
    params = model_params()
    assert set(params) == {"scenario", "capitation_level", "funding_per_head", "horizon_years", "risk_share_icb",
                           "patients", "seed"}
    assert initial_values(params)["patients"] == "20000"


def test_single_page_steps_a_week_and_redraws():
    _, rc = solara.render(InLayout(SinglePage), handle_error=False)
    assert "<strong>Day 0</strong>" in html_text(rc)
    for label in ("Reset", "▶", "Step"):
        button(rc, label)
    before = {cls: w.value for w in _images(rc) for cls in w._dom_classes}
    button(rc, "Step").click()
    assert "<strong>Day 7</strong>" in html_text(rc)
    after = {cls: w.value for w in _images(rc) for cls in w._dom_classes}
    assert after["ihoabm-activity"] != before["ihoabm-activity"]
    assert after["ihoabm-money"] is not None
    assert after["ihoabm-health"] != before["ihoabm-health"]


def test_single_page_bad_seed_and_population_show_messages_and_keep_working():
    _, rc = solara.render(InLayout(SinglePage), handle_error=False)
    type_text(rc, "Seed (a whole number)", "abc")
    type_text(rc, "Residents (1,000 to 200,000)", "0")
    button(rc, "Reset").click()
    text = alerts(rc)
    assert "Seed must be a whole number" in text and "Population must be a whole number" in text
    button(rc, "Step").click()
    assert "<strong>Day 7</strong>" in html_text(rc)
    type_text(rc, "Seed (a whole number)", "5")
    type_text(rc, "Residents (1,000 to 200,000)", "3000")
    button(rc, "Reset").click()
    assert alerts(rc) == ""
    assert "Residents: 3,000" in html_text(rc) and "seed 5" in html_text(rc)


def test_single_page_scenario_change_applies_on_reset():
    _, rc = solara.render(InLayout(SinglePage), handle_error=False)
    rc.find(v.Select, label="Scenario or regime").widget.v_model = "iho_lead_provider"
    assert "<h3>pbr_2004</h3>" in html_text(rc)
    button(rc, "Reset").click()
    assert "<h3>iho_lead_provider</h3>" in html_text(rc) and "regime iho" in html_text(rc)


def test_comparison_page_steps_skips_burn_in_and_rejects_bad_seed():
    _, rc = solara.render(InLayout(ComparisonPage), handle_error=False)
    assert "<strong>Day 0</strong>" in html_text(rc)
    button(rc, "Step").click()
    assert "<strong>Day 7</strong>" in html_text(rc)
    button(rc, "Skip burn-in").click()
    assert "<strong>Day 365</strong>" in html_text(rc)
    assert rc.find(v.Btn, children=["Skip burn-in"]).widget.disabled
    button(rc, "Step").click()
    assert "since the contracts began" in html_text(rc)
    assert "<h3>Health</h3>" in html_text(rc)
    for name in catalogue.APP_HEALTH[1:]:
        assert f"<td>{html.escape(catalogue.label(name), quote=False)}</td>" in html_text(rc)
    assert f"<td>{catalogue.axis('qalys')}</td>" in html_text(rc)
    assert {"ihoabm-comparison", "ihoabm-comparison-health"} <= {c for w in _images(rc) for c in w._dom_classes}
    type_text(rc, "Seed (a whole number)", "abc")
    assert "Seed must be a whole number" in alerts(rc)
    assert "The runs were not changed" in alerts(rc)
    assert "<strong>Day 372</strong>" in html_text(rc)
    assert rc.find(v.TextField, label="Seed (a whole number)").widget.error
    type_text(rc, "Residents (1,000 to 200,000)", "0")
    assert "Population must be a whole number" in alerts(rc)
    type_text(rc, "Residents (1,000 to 200,000)", "3000")
    type_text(rc, "Seed (a whole number)", "9")
    text = html_text(rc)
    assert "<strong>Day 0</strong>" in text and "3,000 residents, seed 9" in text
    assert alerts(rc) == ""


def shown_day(rc) -> int:
    return int(re.search(r"Day (\d+)</strong>", html_text(rc)).group(1))


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def settled_day(rc, quiet: float = 1.0) -> int:
    """The day shown once it has not changed for `quiet` seconds (a step under way may still land)."""
    last, since = shown_day(rc), time.monotonic()
    deadline = since + 30
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = shown_day(rc)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return now
    raise AssertionError("the day kept changing after pause")


def test_comparison_page_plays_and_pauses():
    _, rc = solara.render(InLayout(ComparisonPage), handle_error=False)
    button(rc, "Play").click()
    wait_until(lambda: shown_day(rc) >= 21)
    assert rc.find(v.Btn, children=["Step"]).widget.disabled
    button(rc, "Pause").click()
    wait_until(lambda: rc.find(v.Btn, children=["Play"]).widgets != [])
    paused = settled_day(rc)
    assert paused % 7 == 0
    time.sleep(0.5)
    assert shown_day(rc) == paused


def test_single_page_plays_and_pauses():
    _, rc = solara.render(InLayout(SinglePage), handle_error=False)
    button(rc, "▶").click()
    wait_until(lambda: "<strong>Day 14</strong>" in html_text(rc) or "<strong>Day 21</strong>" in html_text(rc))
    button(rc, "❚❚").click()
    wait_until(lambda: rc.find(v.Btn, children=["▶"]).widgets != [])
    paused = settled_day(rc)   # Mesa's controller may finish the step it had begun
    time.sleep(0.5)
    assert shown_day(rc) == paused


def test_comparison_page_scenario_change_rebuilds_every_run():
    _, rc = solara.render(InLayout(ComparisonPage), handle_error=False)
    text = html_text(rc)
    assert "B: <strong>iho_invest_to_save</strong>, against A: <strong>pbr_2004</strong>, " \
           "<strong>api_today</strong>" in text
    button(rc, "Step").click()
    rc.find(v.Select, label="B: alternative (IHO)").widget.v_model = "iho_alliance"
    text = html_text(rc)
    assert "<strong>iho_alliance</strong>" in text and "<strong>Day 0</strong>" in text
    rc.find(v.BtnToggle).widget.v_model = 2   # "4 weeks"
    button(rc, "Step").click()
    assert "<strong>Day 28</strong>" in html_text(rc)


def test_comparison_page_offers_pbr_and_todays_payment_as_comparators():
    from ihoabm.app.comparison import COMPARATORS_LABEL

    _, rc = solara.render(InLayout(ComparisonPage), handle_error=False)
    select = rc.find(v.Select, label=COMPARATORS_LABEL).widget
    assert select.multiple and select.v_model == ["pbr_2004", "api_today"]
    assert {"pbr_2004", "pbr_mret", "blended_2019", "block_2020", "api_today"} <= set(select.items)
    select.v_model = ["api_today"]
    text = html_text(rc)
    assert "against A: <strong>api_today</strong>." in text and "<strong>Day 0</strong>" in text
    button(rc, "Skip burn-in").click()
    button(rc, "Step").click()
    assert "B - api_today" in html_text(rc) and "B - pbr_2004" not in html_text(rc)
    select.v_model = ["pbr_2004", "block_2020", "pbr_mret"]
    assert "A: <strong>pbr_2004</strong>, <strong>block_2020</strong>, <strong>pbr_mret</strong>" in html_text(rc)
    select.v_model = []
    assert "Choose 1 to 3 scenarios to compare with" in alerts(rc)
    assert "<strong>pbr_mret</strong>" in html_text(rc)   # the runs were kept
    select.v_model = ["pbr_2004", "api_today", "block_2020", "pbr_mret"]
    assert "Choose 1 to 3 scenarios" in alerts(rc)


def test_each_session_has_its_own_models():
    _, first = solara.render(InLayout(ComparisonPage), handle_error=False)
    _, second = solara.render(InLayout(ComparisonPage), handle_error=False)
    button(first, "Step").click()
    assert "<strong>Day 7</strong>" in html_text(first)
    assert "<strong>Day 0</strong>" in html_text(second)
    _, one = solara.render(InLayout(SinglePage), handle_error=False)
    _, two = solara.render(InLayout(SinglePage), handle_error=False)
    button(one, "Step").click()
    assert "<strong>Day 7</strong>" in html_text(one)
    assert "<strong>Day 0</strong>" in html_text(two)


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
