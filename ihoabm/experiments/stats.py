"""The one confidence interval for a mean that comparisons and sweep reports print: Student's t.

`mean_interval` takes a sample; `mean_intervals` takes summaries (mean, standard deviation, count) of many
samples at once, as a sweep report has them. Both give `mean -/+ t(level, n - 1) * sd / sqrt(n)`, the interval
`scipy.stats.t.interval(level, n - 1, loc=mean, scale=sd / sqrt(n))` and
`scipy.stats.ttest_1samp(values, 0).confidence_interval(level)` give (tests/test_stats.py checks this), with
two differences on purpose: a sample of one value has no interval (NaN), and a sample with no spread has the
interval [mean, mean] (scipy gives NaN for a zero scale).

The t quantile comes from `scipy.special.stdtrit`, the function behind `scipy.stats.t.ppf`, so the numbers
are scipy's own while `ihoabm sweep-report` avoids importing `scipy.stats` (about half a second).
"""

from __future__ import annotations

from typing import Any

import numpy as np

LEVEL = 0.95


def _t_quantile(level: float, df: Any) -> Any:
    """The upper `(1 + level) / 2` quantile of Student's t with `df` degrees of freedom (array or number)."""
    if not 0 < level < 1:
        raise ValueError(f"level: must be between 0 and 1, not including them (got {level!r})")
    from scipy.special import stdtrit

    return stdtrit(df, (1 + level) / 2)


def mean_intervals(mean: Any, sd: Any, n: Any, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper ends of the t-interval of each mean, from its sample's standard deviation and size.

    Args:
        mean: Sample means (array-like).
        sd: Sample standard deviations with `ddof=1` (array-like).
        n: Sample sizes (array-like); NaN is returned where a sample has fewer than two values.
        level: Confidence level, 0.95 for a 95% interval.
    """
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(n > 1, _t_quantile(level, np.maximum(n - 1, 1)) * sd / np.sqrt(n), np.nan)
    return mean - half, mean + half


def mean_interval(values: Any, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean of a sample and the lower and upper ends of its t-interval (NaN ends for fewer than two values).

    NaN values are not dropped: drop them first if they mean "no value".
    """
    x = np.asarray(values, dtype=float).ravel()
    if x.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if x.size > 1 else float("nan")
    lo, hi = mean_intervals(mean, sd, x.size, level)
    return mean, float(lo), float(hi)
