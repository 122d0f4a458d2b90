"""The one t-interval for a mean (comparisons and sweep reports): scipy's own numbers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ihoabm.experiments.stats import mean_interval, mean_intervals


@pytest.mark.parametrize("values", [[1.0, 3.0, 2.0, 2.0], [5.0, -2.5], list(np.linspace(-1, 7, 30) ** 2)])
@pytest.mark.parametrize("level", [0.95, 0.9, 0.5])
def test_the_interval_is_scipys_t_interval(values: list[float], level: float) -> None:
    mean, lo, hi = mean_interval(values, level)
    x = np.asarray(values)
    expected = stats.t.interval(level, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    assert mean == pytest.approx(x.mean())
    assert (lo, hi) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    ci = stats.ttest_1samp(x, 0.0).confidence_interval(level)
    assert (lo, hi) == pytest.approx((ci.low, ci.high), rel=1e-12, abs=1e-12)


def test_the_95_percent_quantile_is_the_one_the_tests_quote() -> None:
    _, lo, hi = mean_interval([1.0, 3.0, 2.0, 2.0])
    assert hi - 2.0 == pytest.approx(3.182446305284263 * np.std([1.0, 3.0, 2.0, 2.0], ddof=1) / 2, rel=1e-12)
    assert 2.0 - lo == pytest.approx(hi - 2.0, rel=1e-15)


def test_small_and_flat_samples() -> None:
    assert all(np.isnan(v) for v in mean_interval([]))
    mean, lo, hi = mean_interval([4.0])
    assert mean == 4.0 and np.isnan(lo) and np.isnan(hi)
    assert mean_interval([2.5, 2.5, 2.5]) == (2.5, 2.5, 2.5)   # no spread: the interval is the mean itself


def test_summaries_give_the_same_intervals_as_samples() -> None:
    rng = np.random.default_rng(4)
    samples = [rng.normal(10, 3, size=n) for n in (1, 2, 3, 7, 40)]
    lo, hi = mean_intervals([s.mean() for s in samples], [s.std(ddof=1) if s.size > 1 else np.nan for s in samples],
                            [s.size for s in samples])
    for s, a, b in zip(samples, lo, hi, strict=True):
        _, lo1, hi1 = mean_interval(s)
        assert (np.isnan(a) and np.isnan(lo1)) or (a == lo1 and b == hi1)


def test_a_level_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="level"):
        mean_interval([1.0, 2.0], level=95)


def test_the_95_percent_table_is_scipys_own_numbers_bit_for_bit() -> None:
    """`T975` (read instead of importing scipy) holds exactly scipy.special.stdtrit's quantiles."""
    from scipy.special import stdtrit

    from ihoabm.experiments.stats import LEVEL, T975

    df = np.arange(1, T975.size + 1, dtype=float)
    assert np.array_equal(T975, stdtrit(df, (1 + LEVEL) / 2))
    n = np.array([2.0, 3.0, 101.0, 102.0, 150.0])        # inside the table and past it (scipy then)
    lo, hi = mean_intervals(np.zeros(5), np.ones(5), n)
    assert np.array_equal(hi, stdtrit(n - 1, 0.975) / np.sqrt(n))
