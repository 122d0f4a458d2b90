import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ihoabm.money.contracts import Contract
from ihoabm.money.forms import Blended, CostPlus, SharedSavings
from ihoabm.money.ledger import ACCOUNTS, Ledger


def test_transfers_balance_to_the_penny():
    ledger = Ledger()
    ledger.transfer(0, 0, "icb", "acute", 100.01, "acute")
    ledger.transfer(1, 0, "acute", "suppliers", -20.0, "costs")   # negative reverses direction
    ledger.check_balanced()
    assert ledger.balance("acute") == 10001 + 2000
    assert ledger.balance("suppliers") == -2000
    debits, credits = ledger.totals()
    assert debits == credits


def test_unknown_account_is_refused():
    with pytest.raises(ValueError, match="unknown account"):
        Ledger().transfer(0, 0, "icb", "bank", 1.0, "x")


@given(st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS),
                          st.floats(-1e7, 1e7, allow_nan=False)), max_size=60))
@settings(max_examples=60, deadline=None)
def test_any_sequence_of_transfers_nets_to_zero(transfers):
    ledger = Ledger()
    for payer, payee, amount in transfers:
        ledger.transfer(0, 0, payer, payee, amount, "x")
    ledger.check_balanced()
    assert sum(ledger.balance(a) for a in ACCOUNTS) == 0


def test_contract_forms():
    act = {"nel_short": 2, "ae": 10}
    prices = {"nel_short": 800.0, "ae": 280.0}
    activity = Contract.of("a", "icb", "acute", "acute", "activity", prices=prices)
    assert activity.accrue(act, payee_cost=5000.0) == 2 * 800 + 10 * 280
    block = Contract.of("b", "icb", "community", "community", "block", annual_value=365_000.0)
    assert block.accrue(act, 0.0) == pytest.approx(1000.0)
    blended = Contract("c", "icb", "acute", "acute", Blended(variable_share=0.2), 365_000.0, prices=prices)
    assert blended.accrue(act, 0.0) == pytest.approx(1000.0 + 0.2 * 4400)
    cost_plus = Contract("d", "host", "acute", "acute", CostPlus(margin=0.02))
    assert cost_plus.accrue(act, 1000.0) == pytest.approx(1020.0)
    # What one more short stay earns: the incentive the trust responds to.
    assert activity.marginal_price("nel_short", 360.0) == 800.0
    assert blended.marginal_price("nel_short", 360.0) == pytest.approx(160.0)
    assert cost_plus.marginal_price("nel_short", 360.0) == pytest.approx(367.2)
    assert block.marginal_price("nel_short", 360.0) == 0.0


def test_shared_savings_pays_a_share_of_the_fall_in_activity_value():
    k = Contract("s", "host", "acute", "acute", SharedSavings(share=0.5, baseline=100_000.0), 0.0,
                 prices={"nel_long": 5000.0})
    k.accrue({"nel_long": 10}, 0.0)
    assert k.year_end_savings() == pytest.approx(0.5 * 50_000)


def test_every_payment_form_the_schema_names_is_registered():
    import typing

    from ihoabm.money.forms import FORMS
    from ihoabm.scenario.schema import Contract as Terms

    named = set(typing.get_args(Terms.model_fields["acute_subcontract"].annotation))
    assert named and named <= set(FORMS), named - set(FORMS)
    assert {"activity", "block", "capitation", "blended", "cost_plus", "shared_savings"} <= set(FORMS)


def test_a_new_payment_form_is_one_registered_class():
    from dataclasses import dataclass
    from typing import ClassVar

    from ihoabm.money.forms import FORMS, PaymentForm, build_form, register

    @register
    @dataclass(frozen=True)
    class Capped(PaymentForm):
        """Tariff up to a cap per day (a test form)."""

        name: ClassVar[str] = "capped_test"
        cap: float = 1000.0

        def due(self, value, fixed, payee_cost, to_date=0.0):
            return min(value, self.cap)

        def marginal_price(self, price, variable_cost, heading_for=0.0):
            return price

    try:
        k = Contract("k", "icb", "acute", "acute", build_form("capped_test"), prices={"ae": 280.0})
        assert k.accrue({"ae": 10}, 0.0) == 1000.0
        assert k.accrue({"ae": 1}, 0.0) == 280.0
        assert k.owed == 1280.0 and k.marginal_price("ae", 0.0) == 280.0
    finally:
        FORMS.pop("capped_test")
    with pytest.raises(ValueError, match="unknown payment form 'nope'"):
        build_form("nope")


def test_outcome_score_falls_from_one_to_zero_over_ten_percent_more_admissions():
    from ihoabm.money.settlement import outcome_score

    def score(rate, ref):
        return outcome_score({"nel_admissions": rate}, {"nel_admissions": ref} if ref else {}, ["nel_admissions"])

    assert score(0.10, None) == 1.0
    assert score(0.09, 0.10) == 1.0
    assert score(0.105, 0.10) == pytest.approx(0.5)
    assert score(0.12, 0.10) == 0.0


def test_outcome_score_on_health_rewards_more_and_averages_measures():
    """QALYs and the 18-week standard score higher when higher; several measures are averaged."""
    from ihoabm.money.settlement import outcome_score

    ref = {"nel_admissions": 0.10, "qalys": 0.95, "rtt_within_18_weeks": 0.9}
    assert outcome_score({"qalys": 0.96}, ref, ["qalys"]) == 1.0
    assert outcome_score({"qalys": 0.95 * 0.99}, ref, ["qalys"]) == pytest.approx(0.5)
    assert outcome_score({"rtt_within_18_weeks": 0.9 * 0.95}, ref, ["rtt_within_18_weeks"]) == pytest.approx(0.0)
    both = {"nel_admissions": 0.12, "qalys": 0.96}
    assert outcome_score(both, ref, ["nel_admissions", "qalys"]) == pytest.approx(0.5)


def test_tied_funding_on_qalys_pays_what_the_qaly_score_says():
    """A host tied on QALYs is paid by its QALYs per head against the age-sex norm, not by its admissions."""
    from ihoabm.core.model import IHOModel

    paid = {}
    for qalys_reference in (1e9, 1e-9):          # no population lives that well / any population lives better
        m = IHOModel("iho_lead_provider", patients=3_000, years=1, seed=4,
                     **{"contract.tied_funding_share": 0.2, "contract.tied_funding_measures": ["qalys"]})
        while m.day < 2 * 365 - 1:
            m.step()
        m.commissioner.reference_outcomes["qalys"] = qalys_reference
        m.commissioner.reference_outcomes["nel_admissions"] = 1e-9   # admissions far too high: not in this contract
        held_back = 0.2 * m.commissioner.capitation_gross
        m.step()
        ledger = m.ledger.frame()
        paid[qalys_reference] = ledger.loc[ledger["category"] == "tied_funding", "pence"].sum() / 100
    assert paid[1e9] == 0
    assert paid[1e-9] == pytest.approx(held_back, rel=1e-6)


def test_tied_funding_pays_on_the_settled_years_admissions():
    """The tied share of year y is scored on year y's admissions, not on the (empty) year just starting."""
    from ihoabm.core.model import IHOModel

    m = IHOModel("iho_lead_provider", patients=3_000, years=2, seed=4, **{"contract.tied_funding_share": 0.2})
    while m.day < 2 * 365 - 1:          # the last day of the first IHO year (year 1; year 0 is burn-in)
        m.step()
    held_back = 0.2 * m.commissioner.capitation_gross
    m.commissioner.reference_outcomes["nel_admissions"] = 1e-9   # any admissions at all are far above this
    m.step()                                         # year 1 closes: its score is 0, nothing is paid
    while m.day < 3 * 365 - 1:
        m.step()
    m.commissioner.reference_outcomes["nel_admissions"] = 1e9    # year 2's are far below: paid in full
    final_held_back = 0.2 * m.commissioner.capitation_gross
    m.step()
    ledger = m.ledger.frame()
    tied = ledger[ledger["category"] == "tied_funding"].groupby("year")["pence"].sum() / 100
    assert held_back > 0
    assert 1 not in tied.index
    assert tied[2] == pytest.approx(final_held_back, abs=0.01)
