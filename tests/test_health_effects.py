"""Care changes health: each harm follows its care event, QALYs are plausible, and stinting on care costs QALYs.

Small runs (20,000 residents at most, 3 years at most). Paired comparisons use the same seeds, so the arms share
their random streams (common random numbers) until their care differs.
"""

from __future__ import annotations

import numpy as np
import pytest

from ihoabm import IHOModel
from ihoabm.core.population import DAYS_PER_YEAR, DEAD, NO_DAY
from ihoabm.experiments.run import run
from ihoabm.experiments.stats import mean_interval
from ihoabm.outputs import tables
from ihoabm.pathways import harm

CARE_FAILURES = ("deaths_ae_delay", "deaths_not_admitted", "deaths_waiting", "care_failure_crises")
# Every harm off, so that one at a time can be switched on.
NO_HARM = {"outcomes.boarding_death_risk": 0.0, "outcomes.sent_home_crisis_risk": 0.0,
           "outcomes.sent_home_death_risk": 0.0, "outcomes.unmet_gp_crisis_risk": 0.0,
           "outcomes.deterioration_per_year": 0.0, "outcomes.deconditioning_per_delayed_day": 0.0}


def _totals(scenario: str = "pbr_2004", **overrides) -> dict[str, float]:
    annual = run(scenario, patients=overrides.pop("patients", 10_000), years=overrides.pop("years", 2),
                 seed=overrides.pop("seed", 2), **overrides).annual
    return annual.drop(columns=["scenario", "seed", "year"]).sum().to_dict()


@pytest.fixture(scope="module")
def baseline():
    return run("pbr_2004", patients=20_000, years=2, seed=3)


def test_qalys_per_resident_year_are_plausible(baseline):
    annual = baseline.annual
    per_head = annual["qalys"] / annual["population"]
    # EQ-5D population norms for England average about 0.85; decrements for waits and episodes are small.
    assert ((per_head > 0.8) & (per_head < 0.9)).all(), per_head.tolist()


def test_by_group_adds_up_to_annual_for_health_waits_and_deaths(baseline):
    by_group = baseline.by_group
    for col in ("qalys", "deaths", "elective_wait_days", "boarding_days", "gp_unmet"):
        per_year = by_group.groupby("year")[col].sum().to_numpy()
        assert np.allclose(per_year, baseline.annual[col].to_numpy()), col
    assert by_group["qalys"].dtype.kind == "f" and by_group["deaths"].dtype.kind == "i"
    # Older people and the most deprived live fewer QALYs per head; elective waits fall mostly on older people.
    g = by_group.groupby("age_band")[["qalys", "population"]].sum()
    per_head = g["qalys"] / g["population"]
    assert per_head["85+"] < per_head["65-74"] < per_head["18-64"]
    q = by_group.groupby("imd_quintile")[["qalys", "population"]].sum()
    assert q.loc[1, "qalys"] / q.loc[1, "population"] < q.loc[5, "qalys"] / q.loc[5, "population"]


def test_mortality_stays_calibrated_and_care_failure_deaths_are_a_small_share(baseline):
    annual = baseline.annual
    crude = 1000 * annual["deaths"].sum() / annual["population"].sum()
    assert 8.0 < crude < 11.5, crude   # calibrated to about 9.6 per 1,000 (ONS deaths registered 2023)
    failures = annual[["deaths_ae_delay", "deaths_not_admitted", "deaths_waiting"]].to_numpy().sum()
    assert failures < 0.05 * annual["deaths"].sum()


def test_switching_health_effects_off_removes_every_care_failure():
    on = _totals()
    off = _totals(**{"outcomes.health_effects": False})
    assert all(off[k] == 0 for k in CARE_FAILURES)
    assert on["care_failure_crises"] > 0
    assert off["marginal_sent_home"] > 0          # the event is still counted; only its harm is off
    assert off["qalys"] > on["qalys"]


def test_a_night_waiting_in_ae_for_a_bed_kills_only_when_switched_on():
    risky = _totals(**{**NO_HARM, "outcomes.boarding_death_risk": 0.3})
    assert risky["boarding_days"] > 0 and risky["deaths_ae_delay"] > 0
    assert _totals(**NO_HARM)["deaths_ae_delay"] == 0


def test_being_sent_home_at_the_margin_brings_returns_and_deaths():
    harmed = _totals(**{**NO_HARM, "outcomes.sent_home_crisis_risk": 0.5, "outcomes.sent_home_death_risk": 0.2})
    assert harmed["deaths_not_admitted"] > 0
    # About half of those sent home come back in crisis (fewer if they are in hospital when it falls due).
    sent = harmed["marginal_sent_home"]
    assert 0.25 * sent < harmed["care_failure_crises"] <= 0.5 * sent + 30
    assert _totals(**NO_HARM)["care_failure_crises"] == 0


def test_unmet_gp_demand_raises_the_chance_of_a_crisis():
    harmed = _totals(**{**NO_HARM, "outcomes.unmet_gp_crisis_risk": 0.2})
    assert 0.1 * harmed["gp_unmet"] < harmed["care_failure_crises"] < 0.21 * harmed["gp_unmet"]


def test_long_waits_bring_deteriorations_and_deaths_and_waiting_costs_utility():
    harmed = _totals(**{**NO_HARM, "outcomes.deterioration_per_year": 2.0, "outcomes.deterioration_death_risk": 0.3,
                        "outcomes.long_wait_weeks": 4.0})
    assert harmed["care_failure_crises"] > 0 and harmed["deaths_waiting"] > 0
    # The waiting decrement changes no draw: the same run without it lives exactly the decrement's QALYs more.
    base = _totals(**NO_HARM)
    free = _totals(**{**NO_HARM, "outcomes.utility_waiting": 0.0})
    lost = free["qalys"] - base["qalys"]
    assert lost == pytest.approx(0.1 * base["elective_wait_days"] / DAYS_PER_YEAR, rel=1e-6)


def test_delayed_discharge_deconditions_and_a_boarding_episode_is_harmed_once():
    m = IHOModel("pbr_2004", patients=5_000, years=1, seed=1, **{"outcomes.boarding_death_risk": 1.0,
                                                                     "outcomes.deconditioning_per_delayed_day": 0.1})
    rows = np.flatnonzero(m.pop.alive)[:3]
    before = m.pop.frailty_score[rows].copy()
    harm.after_census(m, np.empty(0, np.int64), rows)
    assert np.allclose(m.pop.frailty_score[rows], before + 0.1)
    board = np.flatnonzero(m.pop.alive & (m.pop.age[: m.pop.n] >= 90))[:2]
    harm.after_census(m, board, np.empty(0, np.int64))
    assert (m.pop.death_cause[board] == harm.AE_DELAY).all()
    assert (m.pop.death_day[board] > m.day).all() and (m.pop.death_day[board] <= m.day + 30).all()
    # A second night of the same episode is not harmed again.
    m.pop.death_day[board], m.pop.death_cause[board] = NO_DAY, 0
    m.day += 1
    harm.after_census(m, board, np.empty(0, np.int64))
    assert (m.pop.death_day[board] == NO_DAY).all()

    off = IHOModel("pbr_2004", patients=5_000, years=1, seed=1, **{"outcomes.health_effects": False})
    before = off.pop.frailty_score[rows].copy()
    harm.after_census(off, board, rows)
    assert np.array_equal(off.pop.frailty_score[rows], before) and (off.pop.death_day[board] == NO_DAY).all()


def test_scheduled_deaths_are_carried_out_by_demography_and_counted_by_cause():
    m = IHOModel("pbr_2004", patients=5_000, years=1, seed=1)
    m.step()
    rows = np.flatnonzero(m.pop.alive)[:4]
    m.pop.death_day[rows], m.pop.death_cause[rows] = m.day, harm.WAITING
    m.pop.pending = np.union1d(m.pop.pending, rows)
    m.step()
    assert (m.pop.state[rows] == DEAD).all()
    assert m.tally.daily[m.day - 1, m.tally.index["deaths_waiting"]] == 4
    assert (m.pop.utility[rows] == 0).all()


def test_virtual_wards_are_no_worse_and_no_better_than_admission():
    """A patient cared for (admitted or on a virtual ward) is never treated as sent home, even on a second arrival."""
    m = IHOModel("pbr_2004", patients=5_000, years=1, seed=1, **{"outcomes.sent_home_crisis_risk": 1.0})
    arrivals = np.array([10, 11, 11, 12])
    marginal = np.array([True, True, True, False])
    cared = np.array([True, False, True, False])     # 10 got a virtual-ward place; 11 came twice, once cared for
    harm.sent_home(m, arrivals, marginal, cared)
    assert m.tally.today("marginal_sent_home") == 0
    assert (m.pop.crisis_day[[10, 11, 12]] == NO_DAY).all()


class _Stinting(IHOModel):
    """A host that buys a fifth less elective care than it otherwise would, once the contract starts."""

    def elective_purchase_share(self) -> float:
        share = super().elective_purchase_share()
        return 0.8 * share if self.year >= self.scenario.run.burn_in_years else share


def _qalys(model_class: type[IHOModel], seed: int, effects: bool) -> float:
    m = model_class("iho_lead_provider", patients=20_000, years=3, seed=seed,
                    **{"outcomes.health_effects": effects})
    while m.running:
        m.step()
    return float(tables.annual(m)["qalys"].sum())


def test_a_host_that_cuts_elective_purchasing_loses_qalys_and_none_without_health_effects():
    seeds = (1, 2, 3)
    on = [_qalys(_Stinting, s, True) - _qalys(IHOModel, s, True) for s in seeds]
    mean, lo, hi = mean_interval(on)
    assert hi < 0, f"cutting elective purchasing should cost QALYs: {mean:.1f} ({lo:.1f} to {hi:.1f})"
    off = [_qalys(_Stinting, s, False) - _qalys(IHOModel, s, False) for s in seeds]
    mean_off, lo_off, hi_off = mean_interval(off)
    assert hi_off >= 0 and abs(mean_off) < 0.1 * abs(mean), (mean_off, lo_off, hi_off)


def _underfunded(seed: int, weight: float) -> tuple[float, float]:
    """Mean share of elective capacity the host bought over the contract, and QALYs lived."""
    m = IHOModel("iho_underfunded", patients=20_000, years=3, seed=seed,
                 **{"host.population_health_weight": weight})
    bought = []
    while m.running:
        m.step()
        if m.year >= m.scenario.run.burn_in_years:
            bought.append(m.host.elective_purchase)
    return float(np.mean(bought)), float(tables.annual(m)["qalys"].sum())


@pytest.mark.slow
def test_a_board_that_values_health_at_the_threshold_stints_less_and_its_population_gains():
    """An underfunded host whose board values QALYs at NICE's threshold cuts fewer electives than one that counts
    only money, and its residents live more QALYs: the governance lever changes what the host does to people."""
    pairs = [(_underfunded(s, 1.0), _underfunded(s, 0.0)) for s in range(1, 11)]
    bought = mean_interval([h[0] - m[0] for h, m in pairs])
    assert bought[1] > 0, f"it buys more of the elective capacity: {bought}"
    qalys = mean_interval([h[1] - m[1] for h, m in pairs])
    assert qalys[1] > 0, f"more QALYs when the board values health: {qalys}"
