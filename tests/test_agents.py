"""Unit tests of the provider agents' decisions."""

import numpy as np
import pytest

from ihoabm import IHOModel
from ihoabm.providers.ambulance import CONVEY_ED, HEAR_AND_TREAT, SEE_AND_TREAT, UCR_REFERRAL


@pytest.fixture
def model():
    return IHOModel("baseline", patients=5_000, years=1, seed=2)


def test_admission_readiness_follows_the_marginal_margin(model):
    acute = model.acute
    tariff = model.scenario.prices.nel_short_stay
    acute.occupancy_recent = 0.80
    start = acute.admission_propensity
    for _ in range(24):
        acute.update_behaviour(marginal_income=0.0, bed_day_income=0.0)   # paid nothing for one more
    assert acute.admission_propensity < start - 0.2
    for _ in range(24):
        acute.update_behaviour(marginal_income=tariff, bed_day_income=0.0)  # paid full tariff
    assert acute.admission_propensity == pytest.approx(model.scenario.acute.base_admission_propensity, abs=0.01)


def test_bed_pressure_lowers_admission_readiness_and_raises_discharge_urgency(model):
    acute = model.acute
    tariff = model.scenario.prices.nel_short_stay
    acute.occupancy_recent = 0.80
    for _ in range(24):
        acute.update_behaviour(tariff, 0.0)
    calm_p, calm_u = acute.admission_propensity, acute.discharge_urgency
    acute.occupancy_recent = 0.97
    for _ in range(24):
        acute.update_behaviour(tariff, 0.0)
    assert acute.admission_propensity < calm_p
    assert acute.discharge_urgency > calm_u


def test_fixed_behaviour_does_not_move():
    m = IHOModel("baseline", patients=5_000, years=1, seed=2, behaviour_fixed=True)
    before = (m.acute.admission_propensity, m.acute.discharge_urgency)
    m.acute.update_behaviour(0.0, 0.0)
    assert (m.acute.admission_propensity, m.acute.discharge_urgency) == before


def test_community_capacity_follows_funding_with_a_lag(model):
    c = model.community
    base = c.capacity_by_stream.sum()
    c.set_funding(c.funding * 2)
    c.hire()
    after_one = c.capacity_by_stream.sum()
    for _ in range(36):
        c.hire()
    assert base < after_one < 2 * base * 0.5 + base      # partly there after a month
    assert c.capacity_by_stream.sum() == pytest.approx(2 * base, rel=0.01)


def test_gp_capacity_follows_funding(model):
    practices = model.practices
    n = len(practices)
    practices.set_funding(np.full(n, 100_000.0))
    low = practices.capacity.copy()
    practices.set_funding(np.full(n, 200_000.0))
    assert low[0] > 0 and practices.capacity == pytest.approx(2 * low)
    practices.fund(1_000_000.0, need_weighted=False)
    assert practices.funding.sum() == pytest.approx(1_000_000.0)
    assert practices.funding / practices.funding.sum() == pytest.approx(practices.list_size / practices.list_size.sum())


def test_proactive_slots_follow_proactive_funding(model):
    practices = model.practices
    cost = model.scenario.primary.proactive_cost_per_patient_year
    practices.fund_proactive(0.0, need_weighted=True)
    assert practices.proactive_slots() == 0
    practices.fund_proactive(100 * len(practices) * cost, need_weighted=False)
    assert 100 * len(practices) - len(practices) <= practices.proactive_slots() <= 100 * len(practices)


def test_ambulance_uses_free_ucr_slots_only(model):
    amb = model.ambulance
    a = model.scenario.ambulance
    admit = model.scenario.acute.admit_acuity_conveyed
    acuity = np.array([0.05, a.see_and_treat_below - 0.01, admit - 0.02, admit - 0.02, 0.99])
    dest = np.ones(5)
    eligible = np.ones(5, dtype=bool)
    amb.responses_per_day = 100
    out, used = amb.triage(acuity, dest, eligible, ucr_slots=1)
    assert list(out) == [HEAR_AND_TREAT, SEE_AND_TREAT, UCR_REFERRAL, CONVEY_ED, CONVEY_ED]
    assert used == 1
    out, used = amb.triage(acuity, dest, eligible, ucr_slots=0)
    assert used == 0 and UCR_REFERRAL not in out
    # With too few crews, the least urgent face-to-face jobs become clinical call-backs.
    amb.responses_per_day = 2
    out, _ = amb.triage(acuity, dest, eligible, ucr_slots=0)
    assert list(out) == [HEAR_AND_TREAT, HEAR_AND_TREAT, HEAR_AND_TREAT, CONVEY_ED, CONVEY_ED]


def test_contracts_follow_the_regime():
    pbr = IHOModel("pbr_2004", patients=3_000, years=1, seed=1)
    assert {pbr.commissioner.contracts[f"acute_{s}"].form.name for s in ("admissions", "ae", "planned")} == \
        {"activity"}
    assert pbr.host is None
    iho = IHOModel("iho_lead_provider", patients=3_000, years=1, seed=1)
    # Burn-in is history: PbR until the IHO contract starts in reported year 1.
    assert "acute" not in iho.commissioner.contracts
    assert iho.commissioner.payer_of("acute") == "icb"
    while iho.day < 366:
        iho.step()
    assert iho.commissioner.contracts["acute"].payer == "host"
    assert iho.commissioner.contracts["acute"].form.name == "cost_plus"
    assert iho.commissioner.contracts["capitation"].annual_value > 0


def test_host_values_premium_and_learns():
    m = IHOModel("iho_invest_to_save", patients=3_000, years=1, seed=1)
    while m.day < 366:
        m.step()
    host = m.host
    with_premium = host.expected_npv()
    assert host.premium_per_gbp()[:3].min() > 0
    del m.commissioner.contracts["premium"]
    without = host.expected_npv()
    assert np.all(with_premium[:3] > without[:3])
    assert np.allclose(with_premium[3:], without[3:])
    before = host.belief.copy()
    host.learn(np.array([3.0, np.nan, 0.0, 1.0, 1.0]), np.array([True, True, True, False, False]))
    assert host.belief[0] > before[0] and host.belief[2] < before[2]
    assert host.belief[1] == before[1] and host.evidence_years[0] == 1


def test_host_in_deep_deficit_buys_less_and_invests_less():
    m = IHOModel("iho_lead_provider", patients=3_000, years=1, seed=1)
    while m.day < 400:
        m.step()
    before = m.host.invest.copy()
    m.host.reserves = -10 * m.commissioner.capitation_gross
    m.host.plan()
    assert m.host.elective_purchase == pytest.approx(1 - 0.2 * (1 - m.host.elective_health_weight()))
    assert m.host.elective_purchase < 1
    # No budget at all, pilots included: investment moves half-way to nothing in one planning cycle.
    assert np.allclose(m.host.invest, np.where(before / 2 < 1.0, 0.0, before / 2))


def test_a_board_that_values_health_cuts_fewer_electives_and_values_levers_more():
    """population_health_weight values QALYs at qaly_value: in the elective cut and in each lever's return."""
    def host(weight):
        m = IHOModel("iho_lead_provider", patients=3_000, years=2, seed=1,
                     **{"host.population_health_weight": weight, "host.invest": True,
                        "oversight.rtt_purchase_restore": 0.0})   # no regulator: the board alone decides
        while m.day < 2 * 365 + 10:
            m.step()
        m.host.reserves = -10 * m.commissioner.capitation_gross
        m.host.plan()
        return m.host

    money_only, health = host(0.0), host(1.0)
    assert money_only.elective_purchase == pytest.approx(0.8)
    # Half a year's waiting at 0.1 a year is 0.05 QALYs, GBP 1,000 at GBP 20,000 a QALY: about half the mean price.
    assert 0.3 < health.elective_health_weight() < 0.7
    assert health.elective_purchase == pytest.approx(1 - 0.2 * (1 - health.elective_health_weight()))
    assert health.qalys_per_crisis_gbp > 0          # it has seen a year of episodes
    assert np.all(health.expected_npv() >= money_only.expected_npv())
    assert np.any(health.expected_npv() > money_only.expected_npv())


def test_trust_falls_when_delays_are_shunted_onto_the_acute_trust(model):
    from ihoabm.providers import network

    start = model.network_trust("acute", "community")
    model.tally.daily[:365, model.tally.index["bed_days"]] = 100
    model.tally.daily[:365, model.tally.index["delayed_discharge_days"]] = 20
    network.update(model, 0)
    assert model.network_trust("acute", "community") < start


def _contract_year_one(**overrides):
    m = IHOModel("iho_invest_to_save", patients=5_000, years=2, seed=3, **overrides)
    while m.day < 2 * 365 - 1:
        m.step()
    return m


def test_the_host_credits_capacity_only_on_days_it_ran_out():
    """Marginal, not average, returns: with no day on which UCR or the virtual ward ran out, one more slot would
    have bought nothing, so the observed return is 0 however many referrals and step-ups there were."""
    from ihoabm.providers.host import LEVER

    m = _contract_year_one()
    year = m.year
    t = m.tally
    assert t.year_total("ucr_referrals", year) > 0
    returns = {}
    for ran_out in (0.0, 1.0):
        for name in ("ucr_full_days", "vw_full_days"):
            t.daily[year * 365:(year + 1) * 365, t.index[name]] = ran_out
        seen = []
        m.host.learn = lambda observed, observable, se=None, seen=seen: seen.append(observed)
        m.host.observe_year(year)
        returns[ran_out] = seen[0]
    for lever in ("ucr", "virtual_ward"):
        assert returns[0.0][LEVER[lever]] == 0.0
    assert returns[1.0][LEVER["ucr"]] > 0


def test_a_noisy_observation_moves_a_belief_less():
    m = _contract_year_one()
    host = m.host
    before = host.belief.copy()
    observed = before + 2.0
    every = np.ones(len(before), dtype=bool)
    host.learn(observed, every, np.array([0.0, 0.5, 2.0, 10.0, np.nan]))
    step = host.belief - before
    assert step[0] > step[1] > step[2] > step[3] > 0 and step[4] == 0   # nan: no information at all


def test_a_lever_nobody_runs_is_piloted_so_that_it_can_be_learnt():
    """GP proactive care and prevention show their return only if tried: the host pilots them, more with a longer
    horizon, and not at all with no pilot share."""
    from ihoabm.providers.host import LEVER

    def piloted(**overrides):
        m = IHOModel("iho_invest_to_save", patients=5_000, years=2, seed=3, **overrides)
        while m.day < 365 + 100:
            m.step()
        return m.host.invest[[LEVER["proactive"], LEVER["prevention"]]]

    short, long = piloted(**{"host.horizon_years": 3.0}), piloted(**{"host.horizon_years": 10.0})
    assert np.all(long > short) and np.all(short > 0)
    assert np.all(piloted(**{"host.pilot_share": 0.0}) == 0)
