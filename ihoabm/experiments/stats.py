"""The one confidence interval for a mean that comparisons and sweep reports print: Student's t.

`mean_interval` takes a sample; `mean_intervals` takes summaries (mean, standard deviation, count) of many
samples at once, as a sweep report has them. Both give `mean -/+ t(level, n - 1) * sd / sqrt(n)`, the interval
`scipy.stats.t.interval(level, n - 1, loc=mean, scale=sd / sqrt(n))` and
`scipy.stats.ttest_1samp(values, 0).confidence_interval(level)` give (tests/test_stats.py checks this), with
two differences on purpose: a sample of one value has no interval (NaN), and a sample with no spread has the
interval [mean, mean] (scipy gives NaN for a zero scale).

The t quantile comes from `scipy.special.stdtrit`, the function behind `scipy.stats.t.ppf`, so the numbers
are scipy's own. For the 95% level and 1 to 100 degrees of freedom, the usual case, they are read from
`T975`, a table of stdtrit's own values (tests/test_stats.py checks each one bit for bit against scipy), so
`ihoabm sweep-report` does not import scipy at all (scipy.special alone takes about 0.2 s to import).
"""

from __future__ import annotations

from typing import Any

import numpy as np

LEVEL = 0.95
# scipy.special.stdtrit(df, 0.975) for df = 1, 2, ..., 100, as printed by repr (which reads back exactly).
T975 = np.array([
    12.706204736174694, 4.302652729749462, 3.1824463052837078, 2.7764451051977934, 2.5705818356363146,
    2.4469118511449786, 2.364624251592784, 2.306004135204166, 2.262157162798205, 2.228138851986274,
    2.200985160091639, 2.1788128296672284, 2.1603686564627913, 2.144786687917804, 2.131449545559776,
    2.1199052992212546, 2.1098155778333156, 2.1009220402410382, 2.0930240544083087, 2.085963447265864,
    2.0796138447276795, 2.0738730679040254, 2.0686576104190486, 2.0638985616280245, 2.0595385527532972,
    2.0555294386428735, 2.0518305164802846, 2.0484071417952454, 2.045229642132703, 2.0422724563012378,
    2.039513446396408, 2.0369333434601016, 2.0345152974493383, 2.0322445093177186, 2.030107928250343,
    2.0280940009804502, 2.0261924630291093, 2.0243941639119694, 2.022690920036761, 2.021075390306273,
    2.019540970441376, 2.0180817028184443, 2.016692199227824, 2.0153675744437636, 2.014103388880846,
    2.012895598919429, 2.0117405137297655, 2.010634757624232, 2.0095752371292392, 2.008559112100761,
    2.007583770315836, 2.006646805061688, 2.0057459953178687, 2.0048792881880564, 2.0040447832891455,
    2.003240718847872, 2.002465459291007, 2.0017174841452356, 2.000995378088267, 2.0002978220142604,
    1.999623584994939, 1.9989715170333788, 1.998340542520741, 1.997729654317693, 1.9971379083920038,
    1.9965644189523117, 1.996008354025296, 1.9954689314298435, 1.9949454151072374, 1.994437111771186,
    1.9939433678456255, 1.9934635666618719, 1.992997125889855, 1.992543495180932, 1.9921021540022417,
    1.9916726096446642, 1.9912543953883846, 1.9908470688116906, 1.9904502102301285, 1.990063421254446,
    1.9896863234569029, 1.989318557136572, 1.9889597801751624, 1.9886096669757083, 1.9882679074772216,
    1.98793420623902, 1.9876082815890708, 1.9872898648311692, 1.986978699506281, 1.9866745407037683,
    1.9863771544186177, 1.98608631695113, 1.9858018143458227, 1.985523441866604, 1.9852510035054978,
    1.984984311522457, 1.9847231860139845, 1.9844674545084815, 1.9842169515864174, 1.9839715185235518,
])


def _t_quantile(level: float, df: Any) -> Any:
    """The upper `(1 + level) / 2` quantile of Student's t with `df` degrees of freedom (array or number)."""
    if not 0 < level < 1:
        raise ValueError(f"level: must be between 0 and 1, not including them (got {level!r})")
    whole = np.asarray(df, dtype=float)
    if level == LEVEL and np.all((whole >= 1) & (whole <= T975.size) & (whole == np.floor(whole))):
        return T975[whole.astype(np.int64) - 1]
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
