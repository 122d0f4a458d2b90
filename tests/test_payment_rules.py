"""Each historical payment scenario pays what its rules say (issue 12), read from its shipped contracts.

The rules are checked two ways: on the payment forms directly (what one more unit earns, what a day owes), and
on a short run of each shipped scenario, where the contracts the ICB puts in place after the burn-in year are
inspected and the trust's income from one extra unit is measured.
"""

import pytest

from ihoabm.core.model import IHOModel
from ihoabm.money.contracts import ACUTE_SERVICES, Contract, tariff
from ihoabm.money.forms import BundledEpisode, MarginalRate, build_form
from ihoabm.scenario import load_scenario

PRICES = load_scenario("pbr_2004").prices
SHORT = PRICES.nel_short_stay


def test_marginal_rate_pays_full_tariff_to_the_baseline_and_30_percent_above():
    k = Contract.of("mret", "icb", "acute", "acute", MarginalRate(rate=0.3, threshold=10 * SHORT),
                    prices=tariff(PRICES, ("nel_short",)))
    assert k.accrue({"nel_short": 8}, 0.0) == pytest.approx(8 * SHORT)          # below the baseline: tariff
    assert k.accrue({"nel_short": 4}, 0.0) == pytest.approx(2 * SHORT + 0.3 * 2 * SHORT)   # crosses it
    before = k.owed
    k.accrue({"nel_short": 1}, 0.0)                                               # one extra admission above
    assert k.owed - before == pytest.approx(0.3 * SHORT)


def test_marginal_rate_signal_follows_where_the_year_is_heading():
    k = Contract.of("mret", "icb", "acute", "acute", MarginalRate(rate=0.3, threshold=365 * 10 * SHORT),
                    prices=tariff(PRICES, ("nel_short",)))
    k.accrue({"nel_short": 9}, 0.0)
    assert k.marginal_price("nel_short", 0.0) == pytest.approx(SHORT)            # heading below baseline
    k.accrue({"nel_short": 13}, 0.0)
    assert k.marginal_price("nel_short", 0.0) == pytest.approx(0.3 * SHORT)      # heading above it


def test_blended_pays_the_plan_plus_a_fifth_of_price_either_side_of_it():
    terms = load_scenario("blended_2019").contract
    form = build_form("blended", terms)
    plan = 365 * 10 * SHORT
    k = Contract.of("b", "icb", "acute", "acute", form, form.fixed_element(plan), tariff(PRICES, ("nel_short",)))
    for _ in range(365):
        k.accrue({"nel_short": 12}, 0.0)                 # 2 a day above plan
    assert k.owed == pytest.approx(plan + 0.2 * 365 * 2 * SHORT)


def test_bundle_refunds_readmissions_and_prices_the_aftercare():
    form = BundledEpisode(aftercare_uplift=0.1)
    k = Contract.of("e", "icb", "acute", "acute", form, prices=tariff(PRICES, ("nel_short", "nel_long")))
    owed = k.accrue({"nel_short": 10, "nel_readmission_short": 1}, 0.0)
    assert owed == pytest.approx(9 * 1.1 * SHORT)        # ten admissions, one of them a readmission
    assert k.marginal_price("nel_short", 0.0) == pytest.approx(1.1 * SHORT)
    assert k.marginal_price("nel_readmission_short", 0.0) == pytest.approx(-1.1 * SHORT)


def _after_burn_in(scenario: str) -> IHOModel:
    m = IHOModel(scenario, patients=3_000, years=1, seed=3)
    while m.day < 365 + 40:
        m.step()
    return m


def _extra_unit_income(m: IHOModel, activity: str) -> float:
    """What one more unit of `activity` today adds to what the ICB's contracts owe the trust."""
    acute = [k for k in m.commissioner.contracts.values() if k.payee == "acute"]
    before = [k.owed for k in acute]
    for k in acute:
        k.accrue({activity: 1}, 0.0, days=0)
    return sum(k.owed - b for k, b in zip(acute, before, strict=True))


EXPECTED = {   # scenario: what one more unit earns, as a share of tariff, per service, above plan or baseline
    "pbr_2004": {"nel_short": 1.0, "ae": 1.0, "elective": 1.0},
    "blended_2019": {"nel_short": 0.2, "ae": 0.2, "elective": 1.0},
    "block_2020": {"nel_short": 0.0, "ae": 0.0, "elective": 0.0},
    "api_today": {"nel_short": 0.0, "ae": 0.0, "elective": 1.0},
}


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_each_historical_scenario_pays_what_its_rules_say(scenario):
    m = _after_burn_in(scenario)
    assert set(m.commissioner.contracts) >= {f"acute_{s}" for s in ACUTE_SERVICES}
    price = {"nel_short": PRICES.nel_short_stay, "ae": PRICES.ae_attendance, "elective": PRICES.elective_inpatient}
    for activity, share in EXPECTED[scenario].items():
        assert _extra_unit_income(m, activity) == pytest.approx(share * price[activity]), activity


def test_under_pbr_mret_an_admission_above_baseline_earns_30_percent_of_tariff():
    m = _after_burn_in("pbr_mret")
    k = m.commissioner.contracts["acute_admissions"]
    assert k.form.name == "marginal_rate" and k.form.threshold > 0
    assert k.form.threshold == pytest.approx(m.commissioner.observed["acute_admissions_value"])
    k.activity_value = k.form.threshold                  # the year has reached its baseline value
    assert _extra_unit_income(m, "nel_short") == pytest.approx(0.3 * SHORT)
    assert _extra_unit_income(m, "ae") == pytest.approx(PRICES.ae_attendance)   # A&E stays on tariff
    assert _extra_unit_income(m, "elective") == pytest.approx(PRICES.elective_inpatient)


def test_fixed_elements_are_set_from_the_burn_in_years_activity():
    m = _after_burn_in("api_today")
    c, seen = m.commissioner.contracts, m.commissioner.observed
    assert seen["acute_admissions_value"] > 0 and seen["acute_ae_value"] > 0
    assert c["acute_admissions"].annual_value == pytest.approx(seen["acute_admissions_value"])
    assert c["acute_ae"].annual_value == pytest.approx(seen["acute_ae_value"])
    assert c["acute_planned"].annual_value == 0.0


def test_burn_in_is_paid_at_full_tariff_whatever_comes_after():
    m = IHOModel("block_2020", patients=3_000, years=1, seed=3)
    m.step()
    assert {k.form.name for n, k in m.commissioner.contracts.items() if n.startswith("acute")} == {"activity"}


def test_no_shipped_scenario_claims_the_old_blended_regime():
    from ihoabm.scenario.shipped import builtin_names

    assert "blended" not in builtin_names()
    assert {"pbr_2004", "pbr_mret", "blended_2019", "block_2020", "api_today"} <= set(builtin_names())
