"""The app's two pages rendered with solara.render (no browser): controls, steps, messages, sessions, tables."""

from __future__ import annotations

import re
import time

import ipyvuetify as v
import pytest
import solara

from ihoabm.app.comparison import COMPARATORS_LABEL, ComparisonPage
from ihoabm.app.single import SinglePage


@pytest.fixture(autouse=True)
def in_process(monkeypatch):
    """Runs stay in this process here (the worker processes are tested in test_app_session.py)."""
    monkeypatch.setenv("IHOABM_APP_WORKERS", "0")


@solara.component
def InLayout(page):
    """Pages put their controls in the app layout's sidebar; render them inside one."""
    with solara.AppLayout():
        page()


def html_text(rc) -> str:
    return "\n".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)


def alerts(rc) -> str:
    return "\n".join(str(w.children) for w in rc.find(v.Alert).widgets)


def button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def shown_day(rc) -> int:
    return int(re.search(r"Day (\d+)</strong>", html_text(rc)).group(1))


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def type_text(rc, label: str, text: str) -> None:
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("keyup.enter")


def render(page):
    box, rc = solara.render(InLayout(page), handle_error=False)
    return rc


def test_single_page_has_its_own_controls_and_no_mesa_internals():
    rc = render(SinglePage)
    labels = {str(w.children[0]) for w in rc.find(v.Btn).widgets if w.children}
    assert {"Play", "Step a day", "Step a week", "Step a month", "Reset"} <= labels
    text = html_text(rc)
    for hidden in ("PAGE 0", "Render Interval", "Use Threads", "Play Interval"):
        assert hidden not in text and hidden not in labels
    assert "<strong>Day 0</strong>" in text and "What to watch:" in text
    assert all(w.thumb_label == "always" for w in rc.find(v.Slider).widgets)
    rc.close()


def test_single_page_steps_a_week_then_a_month_and_redraws():
    rc = render(SinglePage)
    before = html_text(rc)
    button(rc, "Step a week").click()
    wait_until(lambda: shown_day(rc) == 7)
    assert html_text(rc) != before
    button(rc, "Step a month").click()
    wait_until(lambda: shown_day(rc) == 35)
    assert "new contract starts" in html_text(rc) or shown_day(rc) < 365
    assert "QALYs lived per 1,000 residents a year" in html_text(rc)
    rc.close()


def test_single_page_bad_seed_and_population_show_messages_and_keep_working():
    rc = render(SinglePage)
    type_text(rc, "Seed (a whole number)", "abc")
    type_text(rc, "Residents (1,000 to 200,000)", "0")
    button(rc, "Reset").click()
    wait_until(lambda: "Seed must be a whole number" in alerts(rc))
    assert "Population must be a whole number" in alerts(rc)
    button(rc, "Step a week").click()
    wait_until(lambda: shown_day(rc) == 7)
    type_text(rc, "Seed (a whole number)", "5")
    type_text(rc, "Residents (1,000 to 200,000)", "3000")
    button(rc, "Reset").click()
    wait_until(lambda: "Residents: 3,000" in html_text(rc))
    assert alerts(rc) == "" and "seed 5" in html_text(rc)
    rc.close()


def test_single_page_scenario_titles_and_watch_line_follow_the_scenario():
    rc = render(SinglePage)
    select = rc.find(v.Select, label="Scenario (payment rules)").widget
    assert "pbr_2004" not in select.items and "Payment by Results (2004): a price for every hospital patient" \
        in select.items
    select.v_model = "IHO, alliance: partners share the risk"
    button(rc, "Reset").click()
    wait_until(lambda: "IHO, alliance" in html_text(rc))
    assert "how the surplus or deficit is shared" in html_text(rc)
    rc.close()


def test_comparison_page_steps_skips_burn_in_and_shows_value_for_money():
    rc = render(ComparisonPage)
    type_text(rc, "Residents (1,000 to 200,000)", "2000")
    wait_until(lambda: "2,000 residents" in html_text(rc))
    button(rc, "Step a week").click()
    wait_until(lambda: shown_day(rc) == 7)
    button(rc, "Skip burn-in").click()
    wait_until(lambda: shown_day(rc) == 365)
    wait_until(lambda: not rc.find(v.Btn, children=["Step a week"]).widget.disabled)
    assert rc.find(v.Btn, children=["Skip burn-in"]).widget.disabled
    button(rc, "Step a month").click()
    wait_until(lambda: shown_day(rc) == 393)
    text = html_text(rc)
    assert "Net monetary benefit at GBP 20,000 per QALY" in text and "one run, no interval" in text
    assert "Difference in spending, GBP per resident" in text
    type_text(rc, "Seed (a whole number)", "abc")
    wait_until(lambda: "Seed must be a whole number" in alerts(rc))
    assert "The runs were not changed" in alerts(rc)
    assert shown_day(rc) == 393
    rc.close()


def test_comparison_page_comparators_can_be_any_scenario_and_are_checked():
    rc = render(ComparisonPage)
    select = rc.find(v.Select, label=COMPARATORS_LABEL).widget
    assert select.multiple and len(select.v_model) == 2
    select.v_model = ["Today's rules: aligned payment and incentive"]
    wait_until(lambda: "against A: <strong>Today (API)</strong>;" in html_text(rc))
    select.v_model = []
    wait_until(lambda: "Choose 1 to 3 scenarios to compare with" in alerts(rc))
    assert "<strong>Today (API)</strong>" in html_text(rc)   # the runs were kept
    rc.close()


def test_each_session_has_its_own_runs():
    first, second = render(ComparisonPage), render(ComparisonPage)
    button(first, "Step a week").click()
    wait_until(lambda: shown_day(first) == 7)
    assert shown_day(second) == 0
    first.close()
    second.close()
