"""Shared fixtures: small finished runs reused across tests (module-scoped to keep the suite quick)."""

from __future__ import annotations

import pytest

from ihoabm.experiments.run import simulate


@pytest.fixture(scope="session")
def small_baseline():
    """A finished baseline model: 10,000 residents, burn-in plus 2 years, checking mode on."""
    return simulate("baseline", patients=10_000, years=2, seed=3, check=True)


@pytest.fixture(scope="session")
def small_iho():
    """A finished IHO (invest-to-save) model of the same size and seed, checking mode on."""
    return simulate("iho_invest_to_save", patients=10_000, years=2, seed=3, check=True)
