import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ihoabm.core.rng import Streams
from ihoabm.core.sampling import RateTable


def test_event_counts_follow_rates():
    rates = np.array([0.0, 0.01, 0.02, 0.0, 0.07])
    table = RateTable(rates)
    rng = np.random.default_rng(0)
    counts = np.zeros(rates.size)
    days = 20_000
    for _ in range(days):
        idx, u = table.draw(rng, 3)
        assert u.shape == (idx.size, 3)
        counts += np.bincount(idx, minlength=rates.size)
    expected = rates * days
    assert counts[0] == 0 and counts[3] == 0           # zero-rate rows are never drawn
    assert np.all(np.abs(counts - expected) < 4 * np.sqrt(expected + 1))


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=50))
@settings(max_examples=50, deadline=None)
def test_draws_only_rows_with_positive_rate(rates):
    table = RateTable(np.asarray(rates))
    idx, _ = table.draw(np.random.default_rng(1))
    assert np.all(np.asarray(rates)[idx] > 0) if idx.size else True


def test_named_streams_are_independent_and_reproducible():
    a, b = Streams(5), Streams(5)
    x1 = a["crisis"].random(3)
    a["death"].random(1000)                # using another stream ...
    y1 = a["crisis"].random(3)
    x2 = b["crisis"].random(3)
    y2 = b["crisis"].random(3)             # ... does not shift this one
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert not np.array_equal(Streams(6)["crisis"].random(3), x2)
    assert Streams("5").seed == 5
