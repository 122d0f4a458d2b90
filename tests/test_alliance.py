"""Alliance partners respond to shared risk; a lead provider's sub-contractor weighs only its own contract."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ihoabm import IHOModel
from ihoabm.core.population import DAYS_PER_YEAR
from ihoabm.money import books

SEEDS = (1, 2, 3)
SIZE = {"patients": 20_000, "years": 3}
WEIGHS_SHARED_RISK = {"network.shared_risk_weight": 1.0}


def _into_first_contract_year(name: str, **overrides) -> IHOModel:
    m = IHOModel(name, seed=3, patients=5_000, years=2, **overrides)
    for _ in range(DAYS_PER_YEAR * m.scenario.run.burn_in_years + 40):
        m.step()
    return m


def test_risk_shares_follow_contract_values_and_the_pooled_share():
    m = _into_first_contract_year("iho_alliance", **{"contract.alliance_pool_share": 0.5})
    shares = {p: books.risk_share(m, p) for p in books.PARTNERS}
    assert sum(shares.values()) == pytest.approx(0.5)
    assert max(shares, key=shares.get) == "acute"        # the largest contract bears the largest share


def test_a_lead_providers_sub_contractor_bears_no_share_of_the_hosts_result():
    m = _into_first_contract_year("iho_lead_provider", **WEIGHS_SHARED_RISK)
    assert all(books.risk_share(m, p) == 0.0 for p in books.PARTNERS)
    assert books.admission_signal(m, "acute", "nel_short", 100.0) == 0.0


def test_a_partner_on_the_hosts_books_is_not_an_alliance_partner():
    m = _into_first_contract_year("iho_acute_host", **{"contract.host_variant": "alliance"})
    assert "acute" not in books.alliance_partners(m)
    assert "community" in books.alliance_partners(m)


def test_an_alliance_trust_weighs_what_an_admission_costs_the_host_by_its_risk_share_and_trust():
    m = _into_first_contract_year("iho_alliance", **WEIGHS_SHARED_RISK)
    variable = 100.0
    own = m.commissioner.marginal_income("acute", "nel_short", variable)
    weight = books.risk_share(m, "acute") * m.network_trust("host", "acute")
    assert weight > 0
    # The host pays the trust `own` for one more admission and earns nothing for it from the ICB.
    assert books.admission_signal(m, "acute", "nel_short", variable) == pytest.approx(-weight * own)
    ignores = _into_first_contract_year("iho_alliance")          # shared_risk_weight 0: as before
    assert books.admission_signal(ignores, "acute", "nel_short", variable) == 0.0


def test_sharing_the_hosts_savings_makes_an_alliance_trust_close_beds_it_does_not_need():
    m = _into_first_contract_year("iho_alliance", **WEIGHS_SHARED_RISK)
    assert books.cost_saving_share(m, "acute") > 0                # its share of the host's saving beats the margin
    lead = _into_first_contract_year("iho_lead_provider", **WEIGHS_SHARED_RISK)
    assert books.cost_saving_share(lead, "acute") < 0


def _marginal_admissions(pool_share: float, seed: int) -> float:
    m = IHOModel("iho_alliance", seed=seed, **SIZE, **WEIGHS_SHARED_RISK,
                 **{"contract.alliance_pool_share": pool_share})
    while m.running:
        m.step()
    return sum(m.tally.year_total("nel_marginal_admissions", y)
               for y in range(m.scenario.run.burn_in_years, m.total_years))


def test_a_larger_risk_share_makes_the_trust_admit_fewer_marginal_patients():
    """Paired runs at two pooled shares (a quarter of the host's result, and all of it)."""
    diffs = np.array([_marginal_admissions(1.0, s) - _marginal_admissions(0.25, s) for s in SEEDS], dtype=float)
    half = stats.t.ppf(0.975, diffs.size - 1) * diffs.std(ddof=1) / np.sqrt(diffs.size)
    assert diffs.mean() + half < 0, f"difference {diffs.mean():.1f} +/- {half:.1f} marginal admissions"
