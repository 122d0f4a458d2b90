"""Governance: leadership turnover resets the host's beliefs and holds its plans; failing hosts lose services."""

from __future__ import annotations

import numpy as np
import pytest

from ihoabm import IHOModel
from ihoabm.core.population import DAYS_PER_YEAR


def _to_day(m: IHOModel, day: int) -> None:
    while m.day < day:
        m.step()


def test_a_new_leadership_team_forgets_what_the_host_learned_and_waits_before_re_planning():
    m = IHOModel("iho_invest_to_save", seed=4, patients=5_000, years=3,
                 **{"host.turnover_per_year": 1.0, "host.turnover_delay_months": 6})
    burn = m.scenario.run.burn_in_years
    _to_day(m, DAYS_PER_YEAR * (burn + 1) - 1)
    m.step()                                              # the first contract year closes: learn, then turnover
    assert m.governance.turnovers == 1
    assert np.all(m.host.belief == m.scenario.host.prior_return)
    assert np.all(m.host.evidence_years == 0)
    assert not m.governance.may_plan()
    assert m.governance.plans_resume_day == m.day + round(6 * DAYS_PER_YEAR / 12)
    _to_day(m, m.governance.plans_resume_day)
    assert m.governance.may_plan()


def test_without_turnover_the_host_keeps_its_evidence():
    m = IHOModel("iho_invest_to_save", seed=4, patients=5_000, years=2)
    _to_day(m, DAYS_PER_YEAR * (m.scenario.run.burn_in_years + 1))
    assert m.governance.turnovers == 0
    assert m.host.evidence_years.sum() > 0


def test_a_host_failing_beyond_the_threshold_has_its_services_taken_back():
    m = IHOModel("iho_underfunded", seed=4, patients=5_000, years=3,
                 **{"oversight.intervention_years": 1, "oversight.intervention_deficit_share": 0.0})
    burn = m.scenario.run.burn_in_years
    _to_day(m, DAYS_PER_YEAR * (burn + 1) + 1)
    assert m.ledger.year_result("host", burn) < 0
    assert m.governance.taken_back_year == burn
    assert m.commissioner.regime == "icb"
    assert "capitation" not in m.commissioner.contracts
    assert m.commissioner.payer_of("acute") == "icb"
    assert m.host.invest.sum() == 0 and m.host.proactive_investment() == 0
    while m.running:
        m.step()
    assert m.ledger.year_result("host", burn + 2) == pytest.approx(0.0, abs=1.0)    # no contract, no money
    m.ledger.check_balanced()


def test_no_intervention_unless_switched_on():
    m = IHOModel("iho_underfunded", seed=4, patients=5_000, years=2)
    while m.running:
        m.step()
    assert not m.governance.taken_back
    assert m.commissioner.regime == "iho"
