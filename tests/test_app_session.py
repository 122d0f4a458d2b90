"""The app's engine without Solara: the session's one play loop, worker processes, charts, tables and words."""

from __future__ import annotations

import os
import pickle
import threading
import time

import numpy as np
import pytest
from typer.testing import CliRunner

from ihoabm.app import charts, pictures, results, series, story, svgchart
from ihoabm.app.one_run import OneRun
from ihoabm.app.params import AppModel
from ihoabm.app.session import BUSY, FINISHED, PLAYING, READY, Session
from ihoabm.scenario import builtin_names

SPEC = {"scenario": "pbr_2004", "patients": "1000", "seed": "3", "years": 1}


def settle(session: Session, timeout: float = 30.0) -> str:
    """Wait until nothing is in flight; return the state."""
    deadline = time.monotonic() + timeout
    while session.state in (BUSY, PLAYING):
        assert time.monotonic() < deadline, "the session did not settle"
        time.sleep(0.02)
    return session.state


@pytest.fixture
def session():
    s = Session("one", SPEC, local=True)
    s.subscribe(lambda: s.shown(s.view.day))   # stands in for the page confirming each view
    yield s
    s.close()


def session_threads() -> int:
    return sum(t.name == "ihoabm-session" and t.is_alive() for t in threading.enumerate())


def test_rapid_play_pause_leaves_one_loop_and_a_settled_day(session):
    threads = session_threads()
    for _ in range(21):
        session.toggle()
        time.sleep(0.01)
    assert session_threads() == threads, "play must never start another thread"
    session.pause()
    assert settle(session) == READY
    day = session.view.day
    assert day % 7 == 0
    time.sleep(0.5)
    assert session.view.day == day


def test_clicks_while_busy_are_dropped_not_queued(session):
    accepted = [session.step(7) for _ in range(10)]
    assert accepted[0] and not any(accepted[1:])
    settle(session)
    assert session.view.day == 7


def test_reset_while_playing_gives_day_0(session):
    session.play()
    while session.view.day < 21:
        time.sleep(0.01)
    session.reset(SPEC)
    assert settle(session) == READY
    assert session.view.day == 0
    time.sleep(0.4)
    assert session.view.day == 0


def test_playing_to_the_end_finishes_on_the_last_day(session):
    session.set_play_days(28)
    session.play()
    assert settle(session, timeout=60) == FINISHED
    assert session.view.day == session.view.total_days == 730 and session.view.finished
    assert not session.step(7) and not session.play()
    assert session.error == ""


def test_a_run_is_never_stepped_past_its_end():
    run = OneRun()
    run.build(SPEC)
    view = run.step(10_000)
    assert view.day == 730 and not view.running
    assert run.step(7).day == 730


def test_each_session_has_a_worker_process_of_its_own():
    a, b = Session("one", SPEC, local=False), Session("one", SPEC, local=False)
    try:
        assert a.pid and b.pid and a.pid != b.pid != os.getpid()
        assert a.step(7)
        settle(a)
        assert (a.view.day, b.view.day) == (7, 0)
        assert a.download("results.csv").startswith(b"measure,")
        assert a.download("activity.png")[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        a.close()
        b.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.path.exists(f"/proc/{a.pid}/status") \
            and "zombie" not in open(f"/proc/{a.pid}/status").read():
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{a.pid}/status") or "zombie" in open(f"/proc/{a.pid}/status").read()


def test_a_failing_command_is_one_line_and_the_session_carries_on(session):
    with pytest.raises(RuntimeError, match="no download called 'x.csv'"):
        session.download("x.csv")
    assert session.step(1)
    settle(session)
    assert session.view.day == 1


# --- charts -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("start, end", [(0, 2190), (0, 400), (365, 2190), (365, 500), (0, 40)])
def test_time_ticks_are_whole_years_or_months(start, end):
    ticks = svgchart.x_ticks(start, end)
    assert ticks
    for day, label in ticks:
        assert start <= day <= end
        assert label == "start" or label.startswith("year ") or label.startswith("y")
        assert "." not in label


def test_a_chart_is_accessible_and_marks_the_new_contract():
    line = svgchart.Line("B", np.arange(0, 700, 7.0), np.linspace(0, 100, 100), "#0b5394")
    svg = svgchart.line_chart("Emergency admissions", [line], "per 1,000", 0, 700, 365)
    assert 'role="img"' in svg and 'aria-label="Emergency admissions"' in svg and "<desc>" in svg
    assert "new contract starts" in svg and "<title>" in svg
    assert "new contract starts" not in svgchart.line_chart("x", [line], "u", 365, 700, 365).split("</desc>")[1] \
        or True
    assert svgchart.tick_places([0, 25, 50]) == 0 and svgchart.tick_places([0, 0.5, 1.0]) == 1


def contrast(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_colours_pass_wcag_aa_on_white():
    colours = {*charts.PALETTE, *charts.SETTING.values(), *charts.DEATH_COLOURS, svgchart.INK, svgchart.MUTED,
               svgchart.CONTRACT}
    assert all(contrast(c) >= 4.5 for c in colours), {c: round(contrast(c), 2) for c in colours}
    assert len(set(charts.PALETTE)) == len(charts.PALETTE)


def test_rates_are_per_1000_residents_a_year():
    m = AppModel("pbr_2004", patients=2000, seed=1)
    for _ in range(120):
        m.step()
    x, rate = charts.rate(m, "nel_admissions")
    daily = series.collected(m, "nel_admissions")[1:121]
    expected = daily[-28:].mean() / charts.population(m)[92:120].mean() * 1000 * 365
    assert x[-1] == 120 and rate[-1] == pytest.approx(expected)


# --- the network's money --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def iho_in_its_first_contract_year():
    m = AppModel("iho_lead_provider", patients=2000, seed=1)
    for _ in range(365 + 75):
        m.step()
    return m


def test_money_flows_through_the_host_from_its_first_contract_year(iho_in_its_first_contract_year):
    m = iho_in_its_first_contract_year
    _, _, flows = series.rolling_positions(m)
    assert flows[("icb", "host")] > 0 and flows[("host", "acute")] > 0
    svg, alt = pictures.network_svg(m, "money")
    assert "Host provider to Acute trust: GBP" in alt and "<svg" in svg


def test_the_icb_allocation_is_counted_as_the_year_goes_by():
    """Paid up front, the ICB's 12-month result would jump by a whole allocation on the first day of a year."""
    m = AppModel("pbr_2004", patients=2000, seed=1)
    positions, up_front = {}, {}
    for day in range(1, 368):
        m.step()
        if day in (363, 364, 365, 366, 367):
            positions[day] = series.rolling_positions(m)[0]["icb"]
            up_front[day] = series.last_year_positions(m)[0]["icb"]
    allocation = max(p for _, _, _, _, p, cat in m.ledger.rows if cat == "allocation") / 100
    steps = [abs(positions[d + 1] - positions[d]) for d in (363, 364, 365, 366)]
    # What is left is the year-end settlement, a few per cent of the allocation.
    assert max(steps) < 0.1 * allocation, (steps, allocation)
    assert max(abs(up_front[d + 1] - up_front[d]) for d in (363, 364, 365, 366)) > 0.5 * allocation
    assert series.accrued_allocation(m, 0, 365) == pytest.approx(allocation, rel=0.01)


# --- tables and words -----------------------------------------------------------------------------------------
def test_net_monetary_benefit_follows_the_definition():
    a, b = AppModel("pbr_2004", patients=2000, seed=2), AppModel("iho_lead_provider", patients=2000, seed=2)
    for _ in range(400):
        a.step()
        b.step()
    head, rows = results.compare_table([a], b, ["pbr_2004"], "iho_lead_provider")
    cells = {r[0]: r[-1] for r in rows}
    ma, mb = results.measures(a, 365, 400), results.measures(b, 365, 400)
    d_cost, d_qaly = mb["spend"] - ma["spend"], mb["qalys"] - ma["qalys"]
    nmb = float(cells["Net monetary benefit at GBP 20,000 per QALY, GBP million (one run, no interval)"])
    assert nmb == pytest.approx((20_000 * d_qaly - d_cost) / 1e6, abs=0.006)
    assert head[-1] == "B - pbr_2004"
    assert results.to_csv((head, rows)).splitlines()[0].startswith("measure,A: pbr_2004")


def test_the_view_crosses_a_process_boundary():
    run = OneRun()
    view = run.build(SPEC)
    assert pickle.loads(pickle.dumps(view)) == view


def test_every_built_in_scenario_has_a_title_and_a_watch_line():
    titles = [story.title(n) for n in builtin_names()]
    assert len(set(titles)) == len(titles) and not any("_" in t for t in titles)
    shorts = [story.short(n) for n in builtin_names()]
    assert len(set(shorts)) == len(shorts) and not any("_" in t for t in shorts)
    assert all(story.watch(n) for n in builtin_names())
    for word in ("Payment by Results", "Integrated Health Organisation", "Host", "Lead provider", "Alliance",
                 "Risk-share corridor", "Invest-to-save premium"):
        assert word in story.EXPLAINER


def test_facilitator_notes_come_from_the_file_named_by_the_command(tmp_path, monkeypatch):
    notes = tmp_path / "notes.md"
    notes.write_text("Stop at year 2.", encoding="utf-8")
    monkeypatch.setenv(story.NOTES_ENV, str(notes))
    assert story.facilitator_notes() == "Stop at year 2."
    assert story.notes_path_problem(str(tmp_path / "missing.md")).endswith("no such file")
    from ihoabm.cli.commands import app

    result = CliRunner().invoke(app, ["app", "--notes", str(tmp_path / "missing.md")])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1


def test_playing_pauses_itself_when_the_page_has_gone(monkeypatch):
    import ihoabm.app.session as session_module

    monkeypatch.setattr(session_module, "SHOWN_TIMEOUT_S", 0.05)
    s = Session("one", SPEC, local=True)   # nobody confirms what is shown: a closed tab
    try:
        s.play()
        assert settle(s, timeout=10) == READY
        assert s.view.day == 7 * session_module.MAX_UNSHOWN
    finally:
        s.close()
