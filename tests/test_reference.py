"""The naive Mesa reference (one agent per patient) and the vectorised engine agree on event rates."""

import numpy as np

from ihoabm.core.reference import PROCESSES, NaiveModel, vectorised_counts
from ihoabm.experiments.run import simulate


def test_naive_and_vectorised_rates_agree_within_statistical_intervals():
    days = 20
    naive = NaiveModel("baseline", patients=20_000, seed=3)
    for _ in range(days):
        naive.step()
    fast = vectorised_counts("baseline", patients=20_000, seed=3, days=days)
    for process in PROCESSES:
        a, b = naive.counts[process], fast[process]
        # Two independent Poisson counts: their difference has variance a + b.
        assert abs(a - b) <= 4 * np.sqrt(a + b + 1), f"{process}: naive {a}, vectorised {b}"
    assert naive.counts["gp"] > 1000 and naive.counts["crisis"] > 100


def test_full_engine_matches_the_reference_daily_rates():
    """The full model's GP demand and crises per day agree with the naive agents' (burn-in, no investment)."""
    days = 20
    naive = NaiveModel("baseline", patients=20_000, seed=4)
    for _ in range(days):
        naive.step()
    model = simulate("baseline", patients=20_000, years=1, seed=4)
    daily = model.tally.daily[:days]
    idx = model.tally.index
    full_gp = daily[:, idx["gp_appointments"]].sum() + daily[:, idx["gp_unmet"]].sum()
    full_crisis = daily[:, idx["crises"]].sum()
    for name, a, b in (("gp", naive.counts["gp"], full_gp), ("crisis", naive.counts["crisis"], full_crisis)):
        # People in hospital cannot have home events, so the engine may be a fraction lower.
        assert abs(a - b) <= 4 * np.sqrt(a + b + 1) + 0.01 * a, f"{name}: naive {a}, engine {b}"
