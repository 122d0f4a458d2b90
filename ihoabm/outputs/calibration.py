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


def targets() -> pd.DataFrame:
    """The published targets with tolerance (relative unless the note says absolute)."""
    df = pd.read_csv(TARGETS_FILE)
    df = df[pd.to_numeric(df["tolerance"], errors="coerce").notna()].copy()
    df["value"] = df["value"].astype(float)
    df["tolerance"] = df["tolerance"].astype(float)
    df["absolute"] = df["note"].fillna("").str.contains("absolute")
    return df


def compare(annual: pd.DataFrame) -> pd.DataFrame:
    """Model against every target the model covers: value, allowed range, pass or fail."""
    rows = []
    for _, t in targets().iterrows():
        measure = MEASURES.get(t["metric"])
        if measure is None:
            continue
        model = measure(annual)
        width = t["tolerance"] if t["absolute"] else t["tolerance"] * t["value"]
        low, high = t["value"] - width, t["value"] + width
        rows.append({"metric": t["metric"], "target": t["value"], "low": low, "high": high, "model": model,
                     "pass": bool(low <= model <= high), "source": t["source"]})
    return pd.DataFrame(rows)
