"""Oversight: the 18-week and 4-hour standards are mechanisms providers respond to, and each can be switched off.

Small runs (20,000 residents or fewer, at most three simulated years) on common random numbers: a run with a
mechanism's strength set to 0 is the counterfactual.
"""

from __future__ import annotations

import numpy as np
import pytest

from ihoabm.core.model import IHOModel
from ihoabm.experiments.run import simulate
from ihoabm.outputs import tables
from ihoabm.providers.regulator import SANCTION, shortfall

# A list that grows faster than in the reference, so the 18-week standard is missed within two years.
SHORT_OF_CAPACITY = {"patients": 20_000, "years": 2, "seed": 1, "capacity_per_1000": 128.0}


def _sanctions(m: IHOModel) -> dict[tuple[str, str], float]:
    """GBP of 18-week sanctions by (payer, payee) over the whole run."""
    df = m.ledger.frame()
    df = df[df["category"] == SANCTION]
    return {k: float(v) for k, v in df.groupby(["payer", "payee"])["amount_gbp"].sum().items()}


def _model_after(days: int, scenario: str = "pbr_2004", **kw) -> IHOModel:
    m = IHOModel(scenario, patients=2_000, years=1, seed=2, **kw)
    for _ in range(days):
        m.step()
    return m


# --- units ------------------------------------------------------------------------------------------------
def test_pressure_is_the_shortfall_per_ten_points_and_zero_at_or_above_the_standard():
    assert shortfall(0.95, 0.92) == 0.0
    assert shortfall(0.92, 0.92) == 0.0
    assert shortfall(0.82, 0.92) == pytest.approx(1.0)
    assert shortfall(0.90, 0.95) == pytest.approx(0.5)


def test_waiting_list_counts_those_waiting_longer_than_the_standard():
    m = _model_after(0)
    rows = np.flatnonzero(m.pop.alive)[:10]
    m.pop.waiting_since[rows] = np.array([0, 0, 0, 80, 90, 100, 110, 120, 130, 140])
    m.waiting_list.join(rows)
    assert m.waiting_list.waiting_longer_than(126, 200, m.pop.waiting_since) == 3   # waited 200, 200, 200 days
    assert m.waiting_list.waiting_longer_than(126, 300, m.pop.waiting_since) == 10


def _stuff_list(m: IHOModel, long_waiters: int, others: int) -> None:
    """Put people on the list: `long_waiters` referred 150 days ago, `others` 5 days ago."""
    rows = np.flatnonzero(m.pop.alive & (m.pop.waiting_since[: m.pop.n] < 0))[: long_waiters + others]
    m.pop.waiting_since[rows[:long_waiters]] = m.day - 150
    m.pop.waiting_since[rows[long_waiters:]] = m.day - 5
    m.waiting_list.rows = rows


def test_a_list_below_the_standard_brings_a_sanction_per_patient_beyond_the_tolerance():
    m = _model_after(200)
    _stuff_list(m, long_waiters=20, others=80)
    before = _sanctions(m)
    m.regulator.review_month()
    assert m.regulator.rtt_performance == pytest.approx(0.8)
    # 20 over 18 weeks, 8 allowed by the 92% standard: 12 patients at the contract's price each.
    assert m.regulator.last_sanction == pytest.approx(12 * m.scenario.oversight.rtt_sanction_per_breach)
    paid = _sanctions(m).get(("acute", "icb"), 0.0) - before.get(("acute", "icb"), 0.0)
    assert paid == pytest.approx(m.regulator.last_sanction)
    m.ledger.check_balanced()


def test_a_list_within_the_standard_or_a_zero_sanction_costs_nothing():
    m = _model_after(200)
    _stuff_list(m, long_waiters=5, others=95)
    m.regulator.review_month()
    assert m.regulator.rtt_pressure == 0.0 and m.regulator.last_sanction == 0.0
    m = _model_after(200, rtt_sanction_per_breach=0.0)
    _stuff_list(m, long_waiters=50, others=50)
    m.regulator.review_month()
    assert m.regulator.rtt_pressure > 0 and m.regulator.last_sanction == 0.0
    assert SANCTION not in set(m.ledger.frame()["category"])


def test_extra_sessions_add_capacity_and_cost_the_trust_their_premium():
    m = _model_after(1)
    acute = m.acute
    assert acute.elective_sessions(10.0) == pytest.approx(10.0)
    base = acute.cost_today(0.0)
    acute.extra_elective = 0.1
    assert acute.elective_sessions(10.0) == pytest.approx(11.0)
    assert acute.cost_today(0.0) - base == pytest.approx(1.0 * acute.extra_session_cost())
    assert acute.extra_session_cost() > 0


# --- the 18-week standard: the trust ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def short_of_capacity():
    """The same place twice: the trust responds to the 18-week standard, or (strength 0) it does not."""
    return (simulate("pbr_2004", **SHORT_OF_CAPACITY),
            simulate("pbr_2004", **SHORT_OF_CAPACITY, rtt_capacity_response=0.0))


def test_a_trust_below_the_18_week_standard_adds_capacity_and_the_list_shrinks(short_of_capacity):
    responds, ignores = short_of_capacity
    a, b = tables.annual(responds), tables.annual(ignores)
    # Both miss the standard: the mechanism is what happens next, not a number written in.
    assert a["rtt_within_18_weeks"].iloc[-1] < responds.scenario.oversight.rtt_standard
    assert a["elective_extra_capacity"].sum() > 0 and responds.acute.extra_elective > 0
    assert b["elective_extra_capacity"].sum() == 0 and ignores.acute.extra_elective == 0
    assert a["elective_admissions"].iloc[-1] > b["elective_admissions"].iloc[-1]
    assert a["waiting_list_end"].iloc[-1] < b["waiting_list_end"].iloc[-1]
    assert a["rtt_within_18_weeks"].iloc[-1] > b["rtt_within_18_weeks"].iloc[-1]
    assert a["rtt_sanctions"].sum() < b["rtt_sanctions"].sum()
    # Under tariff the trust holds the ICB's contract, so it pays the sanctions.
    assert set(_sanctions(ignores)) == {("acute", "icb")}


def test_extra_sessions_cost_the_trust_money(short_of_capacity):
    responds, ignores = short_of_capacity
    premium = tables.annual(responds)["elective_extra_capacity"].sum() * responds.acute.extra_session_cost()
    assert premium > 0
    costs = [float(r.ledger.frame().query("payer == 'acute' and category == 'costs'")["amount_gbp"].sum())
             for r in (responds, ignores)]
    assert costs[0] > costs[1]


def test_a_trust_whose_behaviour_is_fixed_books_no_sessions():
    m = simulate("pbr_2004", **SHORT_OF_CAPACITY, behaviour_fixed=True)
    assert m.regulator.rtt_pressure > 0 and m.acute.extra_elective == 0


# --- the 18-week standard: a host that cuts purchasing -----------------------------------------------------
def test_host_oversight_restores_what_affordability_cut():
    m = IHOModel("iho_underfunded", patients=2_000, years=1, seed=2)
    host = m.host
    host.affordability = 0.0
    host.meet_oversight(0.0)
    cut = 0.2 * (1 - host.elective_health_weight())    # what the board values of the health a cut costs is kept
    assert host.elective_purchase == pytest.approx(1 - cut)
    host.meet_oversight(0.25)     # 2.5 points below the standard restores half the cut at the default strength
    assert host.elective_purchase == pytest.approx(1 - cut / 2)
    host.meet_oversight(1.0)
    assert host.elective_purchase == pytest.approx(1.0)
    m = IHOModel("iho_underfunded", patients=2_000, years=1, seed=2, rtt_purchase_restore=0.0)
    m.host.affordability = 0.0
    m.host.meet_oversight(1.0)
    assert m.host.elective_purchase == pytest.approx(1 - cut)


def _purchase_path(scenario: str, **kw) -> tuple[IHOModel, np.ndarray]:
    m = IHOModel(scenario, patients=20_000, years=2, seed=1, **kw)
    path = []
    while m.running:
        m.step()
        path.append(m.host.elective_purchase)
    return m, np.asarray(path)


@pytest.fixture(scope="module")
def underfunded_host():
    """An under-funded host that cuts elective purchasing, meeting oversight or (strength 0) not."""
    return _purchase_path("iho_underfunded"), _purchase_path("iho_underfunded", rtt_purchase_restore=0.0)


def test_a_host_that_cuts_elective_purchasing_meets_sanctions_and_restores_purchasing(underfunded_host):
    (met, path), (unmet, path_off) = underfunded_host
    # The host cuts its purchasing in deficit, the list falls below the standard, and the host pays for it.
    assert path_off.min() < 0.85 and unmet.regulator.rtt_pressure > 0
    assert _sanctions(met).get(("host", "icb"), 0.0) > 0
    assert all(payer == "host" for payer, _ in _sanctions(met))
    # Oversight brings purchasing back; without it the cut stands.
    last_year = slice(-365, None)
    assert path[last_year].mean() > path_off[last_year].mean() + 0.05
    assert path[last_year].max() == pytest.approx(1.0)
    a, b = tables.annual(met), tables.annual(unmet)
    assert a["elective_admissions"].iloc[-1] > b["elective_admissions"].iloc[-1]
    assert a["waiting_list_end"].iloc[-1] < b["waiting_list_end"].iloc[-1]
    assert a["rtt_sanctions"].sum() < b["rtt_sanctions"].sum()


# --- the 4-hour standard ---------------------------------------------------------------------------------
def _propensity_after(pressure: float, **kw) -> float:
    m = _model_after(1, **kw)
    acute = m.acute
    acute.occupancy_recent = 0.85                 # no bed pressure
    acute.admission_propensity = m.scenario.acute.base_admission_propensity
    acute.face_four_hour_pressure(pressure)
    p = m.scenario.prices.nel_short_stay
    acute.update_behaviour(p, m.scenario.acute.bed_day_cost)
    return acute.admission_propensity


def test_four_hour_pressure_raises_marginal_admission_readiness_only_below_the_standard():
    at_standard = _propensity_after(0.0)
    assert at_standard == pytest.approx(_propensity_after(0.0))
    assert _propensity_after(1.0) > at_standard
    assert _propensity_after(2.0) > _propensity_after(1.0)
    # Strength 0: no pull at all.
    assert _propensity_after(2.0, four_hour_sensitivity=0.0) == pytest.approx(at_standard)


def test_the_regulator_passes_on_four_hour_pressure_only_when_performance_is_below_the_standard():
    m = _model_after(60)
    m.regulator.review_month()
    perf = m.regulator.four_hour_performance
    assert 0.0 < perf <= 1.0
    standard = m.scenario.oversight.four_hour_standard
    assert (m.acute.four_hour_pressure > 0) == (perf < standard)
    m = _model_after(60, four_hour_standard=0.0)
    m.regulator.review_month()
    assert m.acute.four_hour_pressure == 0.0


def test_a_missed_four_hour_standard_admits_more_marginal_patients_than_a_met_one():
    met = simulate("pbr_2004", patients=20_000, years=2, seed=1, four_hour_standard=0.0)
    missed = simulate("pbr_2004", patients=20_000, years=2, seed=1, four_hour_standard=1.0)
    a, b = tables.annual(met), tables.annual(missed)
    assert b["ae_within_4_hours"].max() < 1.0
    assert b["nel_marginal_admissions"].sum() > a["nel_marginal_admissions"].sum()
    pa = met.datacollector.get_model_vars_dataframe()["admission_propensity"].mean()
    pb = missed.datacollector.get_model_vars_dataframe()["admission_propensity"].mean()
    assert pb > pa
