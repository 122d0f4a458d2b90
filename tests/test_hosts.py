"""Host types: whose books the host is, what its providers then see, and what that does to admissions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ihoabm import IHOModel
from ihoabm.core.population import DAYS_PER_YEAR
from ihoabm.money import books
from ihoabm.money.host_types import HOST_TYPES

SEEDS = (1, 2, 3, 4, 5)
SIZE = {"patients": 20_000, "years": 3}
# A host keen to invest (a high prior it never revises, no haircut, a wide corridor so affordability stays 1),
# so that "when it invests" does not hang on how the planning rule judges the levers.
KEEN = {"host.prior_return": 10.0, "host.learning_rate": 0.0, "host.risk_appetite": 1.0,
        "host.max_invest_share": 0.1, "contract.risk_share_corridor": 0.5}


def _into_first_contract_year(name: str, patients: int = 5_000, **overrides) -> IHOModel:
    m = IHOModel(name, seed=3, patients=patients, years=2, **overrides)
    for _ in range(DAYS_PER_YEAR * m.scenario.run.burn_in_years + 40):
        m.step()
    return m


def _run(name: str, seed: int, **overrides) -> IHOModel:
    m = IHOModel(name, seed=seed, **SIZE, **overrides)
    while m.running:
        m.step()
    return m


def _contract_years(m: IHOModel) -> range:
    return range(m.scenario.run.burn_in_years, m.total_years)


def _paired_interval(diffs: list[float]) -> tuple[float, float, float]:
    d = np.asarray(diffs, dtype=float)
    half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


def test_books_follow_the_host_type():
    assert HOST_TYPES["separate"].books_of("acute") == {"acute"}
    assert HOST_TYPES["acute_trust"].books_of("acute") == {"acute", "host"}
    assert HOST_TYPES["acute_trust"].books_of("community") == {"community"}
    assert HOST_TYPES["community_trust"].books_of("host") == {"community", "host"}
    assert HOST_TYPES["primary_care"].books_of("gp") == {"gp", "host"}
    assert HOST_TYPES["integrated"].books_of("community") == {"acute", "community", "gp", "host"}
    assert HOST_TYPES["integrated"].books_of("ambulance") == {"ambulance"}


def test_an_acute_host_sees_no_income_from_an_admission_a_sub_contracted_trust_does():
    """On the host's books the internal cost-plus price nets out; a capitated host earns nothing per admission."""
    variable = None
    margins = {}
    for name in ("iho_acute_host", "iho_community_host"):
        m = _into_first_contract_year(name)
        a, p = m.scenario.acute, m.scenario.prices
        variable = a.variable_cost_share * p.nel_short_stay
        margins[name] = m.acute.marginal_margin
        assert books.books_of(m, "acute") == ({"acute", "host"} if name == "iho_acute_host" else {"acute"})
    assert margins["iho_acute_host"] == pytest.approx(-variable)
    assert margins["iho_community_host"] == pytest.approx(m.scenario.contract.cost_plus_margin * variable)


def test_an_acute_host_keeps_what_closing_a_bed_saves_a_cost_plus_sub_contractor_loses_its_margin():
    acute_host = _into_first_contract_year("iho_acute_host")
    community_host = _into_first_contract_year("iho_community_host")
    assert books.cost_saving_share(acute_host, "acute") == pytest.approx(1.0)
    assert books.cost_saving_share(community_host, "acute") == pytest.approx(-0.02)


def test_a_trust_that_keeps_its_savings_closes_empty_beds_and_never_moves_a_patient_out():
    m = _into_first_contract_year("iho_acute_host", patients=20_000)
    acute = m.acute
    assert acute.free_beds() > 0
    before = set(acute.occupant[acute.occupant >= 0].tolist())
    open_before = acute.beds
    acute.occupancy_recent = 0.5
    for _ in range(24):
        acute.review_beds()
    assert acute.beds < open_before
    assert set(acute.occupant[acute.occupant >= 0].tolist()) == before       # patients keep a bed
    assert (acute.occupant[acute.beds:] < 0).all()                            # closed beds are empty
    assert acute.cost_today(0.0) < acute.fixed_cost_per_year / DAYS_PER_YEAR + open_before * \
        m.scenario.acute.bed_day_cost
    closed = acute.beds
    acute.occupancy_recent = 0.99                                             # pressure: it reopens them
    for _ in range(240):
        acute.review_beds()
    assert closed < acute.beds == acute.physical_beds


def test_a_cost_plus_sub_contractor_keeps_every_bed():
    m = _into_first_contract_year("iho_community_host")
    m.acute.occupancy_recent = 0.5
    for _ in range(24):
        m.acute.review_beds()
    assert m.acute.beds == m.acute.physical_beds


def test_the_hospital_result_is_the_hosts_and_money_is_conserved():
    m = IHOModel("iho_acute_host", seed=2, patients=5_000, years=1)
    while m.running:
        m.step()
    year = m.scenario.run.burn_in_years
    assert m.ledger.year_result("acute", year) == pytest.approx(0.0, abs=0.01)
    flows = m.ledger.year_flows(year)
    assert any(cat == "consolidation" and payee == "host" for (_, payee, cat) in flows)
    m.ledger.check_balanced()
    separate = IHOModel("iho_invest_to_save", seed=2, patients=5_000, years=1)
    while separate.running:
        separate.step()
    assert not any(cat == "consolidation" for (_, _, cat) in separate.ledger.year_flows(year))


def _admissions_income(m: IHOModel) -> float:
    """What the host's own hospital earns for its emergency admissions over the contract years."""
    sc = m.scenario
    contract = m.commissioner.contracts["acute"]
    variable = sc.acute.variable_cost_share
    long_price = contract.marginal_price("nel_long", variable * sc.prices.nel_long_stay)
    short_price = contract.marginal_price("nel_short", variable * sc.prices.nel_short_stay)
    total = 0.0
    for y in _contract_years(m):
        short = m.tally.year_total("nel_zero_day_admissions", y)
        total += short * short_price + (m.tally.year_total("nel_admissions", y) - short) * long_price
    return total


def test_an_acute_hosts_own_admissions_income_falls_when_it_invests():
    diffs = []
    for seed in SEEDS:
        invests = _run("iho_acute_host", seed, **KEEN)
        holds_back = _run("iho_acute_host", seed, **KEEN, **{"host.invest": False})
        assert invests.host.invest.sum() > 0 and holds_back.host.invest.sum() == 0
        diffs.append(_admissions_income(invests) - _admissions_income(holds_back))
    mean, lo, hi = _paired_interval(diffs)
    assert hi < 0, f"admissions income change when investing {mean:.0f} (95% interval {lo:.0f} to {hi:.0f})"


def test_an_acute_host_cuts_emergency_admissions_more_than_a_community_host():
    """Measured, paired: the same seeds, the same population; only whose books the host is differs."""
    diffs = []
    for seed in SEEDS:
        acute, community = _run("iho_acute_host", seed), _run("iho_community_host", seed)
        diffs.append(sum(acute.tally.year_total("nel_admissions", y) - community.tally.year_total("nel_admissions", y)
                         for y in _contract_years(acute)))
    mean, lo, hi = _paired_interval(diffs)
    assert hi < 0, f"acute host minus community host admissions {mean:.0f} (95% interval {lo:.0f} to {hi:.0f})"
