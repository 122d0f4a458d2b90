"""Model versus published England figures (ihoabm/data/england_targets.csv, copied with sources)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ihoabm.outputs import catalogue

TARGETS_FILE = Path(__file__).resolve().parent.parent / "data" / "england_targets.csv"


def _annual(*names: str) -> None:
    """Refuse a name that is not an annual.csv metric of the outputs catalogue."""
    for name in names:
        if name not in catalogue.ANNUAL:
            raise KeyError(f"calibration measure reads {name!r}, which is not an annual.csv metric")


def _per_1000(col: str) -> Callable[[pd.DataFrame], float]:
    _annual(col)
    return lambda a: float((a[col] / a["population"]).mean() * 1000)


def _share(num: str, den: str | tuple[str, ...]) -> Callable[[pd.DataFrame], float]:
    dens = (den,) if isinstance(den, str) else den
    _annual(num, *dens)
    return lambda a: float((a[num] / sum(a[d] for d in dens)).mean())


def _mean(col: str) -> Callable[[pd.DataFrame], float]:
    _annual(col)
    return lambda a: float(a[col].mean())


ACUTE_COMMUNITY_PRIMARY = ("spend_acute", "spend_community", "spend_primary")
# Below this many residents a verdict means little: chance moves the rates, and beds, staff and the ICB's
# fixed costs come in lumps (see_and_treat_share and icb_core_allocation_per_head drift at 20,000-30,000
# residents with the same parameters that pass at 50,000 and 100,000).
MIN_JUDGED = 50_000
Z95 = 1.959964


def _poisson(col: str) -> Callable[[pd.DataFrame], float]:
    """Relative standard error of a count-based rate: 1 / sqrt(events counted)."""
    return lambda a: float(1 / max(a[col].sum(), 1) ** 0.5)


def _binomial(num: str, den: str | tuple[str, ...]) -> Callable[[pd.DataFrame], float]:
    """Standard error of a share of counted events: sqrt(p (1 - p) / n), as a share of p."""
    dens = (den,) if isinstance(den, str) else den

    def relative(a: pd.DataFrame) -> float:
        n = float(sum(a[d].sum() for d in dens))
        p = float(a[num].sum()) / n if n else 0.0
        return float((p * (1 - p) / max(n, 1)) ** 0.5 / p) if p > 0 else 0.0
    return relative

MEASURES: dict[str, Callable[[pd.DataFrame], float]] = {
    "gp_appointments_per_1000": _per_1000("gp_appointments"),
    "ae_attendances_per_1000": _per_1000("ae_attendances"),
    "nel_admissions_per_1000": _per_1000("nel_admissions"),
    "ambulance_incidents_per_1000": _per_1000("ambulance_incidents"),
    "conveyance_to_ed_share": _share("conveyances", "ambulance_incidents"),
    "see_and_treat_share": _share("see_and_treat", "ambulance_incidents"),
    "community_contacts_per_1000": _per_1000("community_contacts"),
    "outpatient_attendances_per_1000": _per_1000("outpatient_attendances"),
    "ga_beds_per_1000": _per_1000("beds"),
    "ga_bed_occupancy": _mean("mean_occupancy"),
    "nel_mean_los_overnight_days": _mean("nel_mean_los"),
    "nel_zero_day_share": _share("nel_zero_day_admissions", "nel_admissions"),
    "bed_days_per_1000": _per_1000("bed_days"),
    "icb_core_allocation_per_head": lambda a: float((a["spend_total"] / a["population"]).mean()),
    "spend_share_acute": _share("spend_acute", ACUTE_COMMUNITY_PRIMARY),
    "spend_share_community": _share("spend_community", ACUTE_COMMUNITY_PRIMARY),
    "spend_share_primary_medical": _share("spend_primary", ACUTE_COMMUNITY_PRIMARY),
}


# Sampling noise of each measure that counts events, as a relative standard error. Money shares, beds,
# occupancy and length of stay are not counts of independent events, so they get no allowance.
NOISE: dict[str, Callable[[pd.DataFrame], float]] = {
    **{name: _poisson(name.removesuffix("_per_1000")) for name in MEASURES
       if name.endswith("_per_1000") and name.removesuffix("_per_1000") in catalogue.ANNUAL
       and catalogue.metric(name.removesuffix("_per_1000")).kind in ("count by group", "daily count")},
    "conveyance_to_ed_share": _binomial("conveyances", "ambulance_incidents"),
    "see_and_treat_share": _binomial("see_and_treat", "ambulance_incidents"),
    "nel_zero_day_share": _binomial("nel_zero_day_admissions", "nel_admissions"),
}


def targets() -> pd.DataFrame:
    """The published targets with tolerance (relative unless the note says absolute)."""
    df = pd.read_csv(TARGETS_FILE)
    df = df[pd.to_numeric(df["tolerance"], errors="coerce").notna()].copy()
    df["value"] = df["value"].astype(float)
    df["tolerance"] = df["tolerance"].astype(float)
    df["absolute"] = df["note"].fillna("").str.contains("absolute")
    return df


def compare(annual: pd.DataFrame) -> pd.DataFrame:
    """Model against every target the model covers: value, allowed range, pass or fail.

    The allowed range is the target's tolerance widened by the run's own sampling noise (`noise`, 1.96
    standard errors of a count-based measure at the events the run counted), so a smaller run is allowed
    the wider miss that chance alone gives it. At 100,000 residents the widening is under 1% of a rate.
    """
    rows = []
    for _, t in targets().iterrows():
        measure = MEASURES.get(t["metric"])
        if measure is None:
            continue
        model = measure(annual)
        width = t["tolerance"] if t["absolute"] else t["tolerance"] * t["value"]
        noise = Z95 * NOISE[t["metric"]](annual) * abs(model) if t["metric"] in NOISE else 0.0
        low, high = t["value"] - width - noise, t["value"] + width + noise
        rows.append({"metric": t["metric"], "target": t["value"], "low": low, "high": high, "noise": noise,
                     "model": model, "pass": bool(low <= model <= high), "source": t["source"]})
    return pd.DataFrame(rows)
