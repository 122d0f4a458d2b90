"""Turn a finished model into tidy tables: annual, by group, daily and the ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ihoabm.core.population import AGE_BANDS, DAYS_PER_YEAR, LTC_GROUPS
from ihoabm.outputs.tally import COUNTS, GROUPED

if TYPE_CHECKING:
    from ihoabm.core.model import IHOModel

ANNUAL_COLUMNS = (
    "scenario", "seed", "year", "population", "deaths", "gp_appointments", "ae_attendances",
    "ambulance_incidents", "hear_and_treat", "see_and_treat", "ucr_referrals", "conveyances", "nel_admissions",
    "elective_admissions", "community_contacts", "virtual_ward_admissions", "nel_zero_day_admissions",
    "bed_days", "delayed_discharge_days", "beds", "mean_occupancy", "nel_mean_los", "waiting_list_end",
    "spend_total", "spend_acute", "spend_community", "spend_primary", "spend_ambulance", "spend_prevention",
    "acute_surplus", "community_surplus", "icb_balance",
)
EXTRA_COUNTS = ("gp_unmet", "crises", "outpatient_attendances", "day_cases", "elective_cancelled",
                "conveyed_elsewhere", "boarding_days", "births", "nel_marginal_admissions", "caseload_size",
                "vw_step_up", "vw_step_down")


def annual(m: IHOModel) -> pd.DataFrame:
    """One row per reported year (burn-in excluded), with the required columns first."""
    sc = m.scenario
    rows = []
    for y in range(sc.run.burn_in_years, m.total_years):
        if (y + 1) * DAYS_PER_YEAR > m.day:
            break
        t = m.tally
        row: dict[str, float | str | int] = {"scenario": sc.meta.name, "seed": sc.run.seed,
                                             "year": y - sc.run.burn_in_years + 1}
        row["population"] = t.year_total("population", y)
        for name in ("deaths", "gp_appointments", "ae_attendances", "ambulance_incidents", "hear_and_treat",
                     "see_and_treat", "ucr_referrals", "conveyances", "nel_admissions", "elective_admissions",
                     "community_contacts", "virtual_ward_admissions", "nel_zero_day_admissions", "bed_days",
                     "delayed_discharge_days"):
            row[name] = t.year_total(name, y)
        row["beds"] = m.acute.beds
        row["mean_occupancy"] = t.year_total("bed_days", y) / max(t.year_total("beds_available", y), 1)
        row["nel_mean_los"] = t.year_total("nel_overnight_los_days", y) / max(
            t.year_total("nel_overnight_discharges", y), 1)
        row["waiting_list_end"] = t.year_total("waiting_list", y)
        spend = m.ledger.spend_by_setting(y)
        row["spend_total"] = sum(spend.values())
        for setting, value in spend.items():
            row[f"spend_{setting}"] = value
        row["acute_surplus"] = m.year_result("acute", y)
        row["community_surplus"] = m.year_result("community", y)
        row["icb_balance"] = m.year_result("icb", y)
        row["host_surplus"] = m.year_result("host", y)
        # Primary care is paid by capitation; its activity is still costed, at the PSSRU unit cost.
        row["primary_activity_value"] = t.year_total("gp_appointments", y) * sc.prices.gp_consultation
        for name in EXTRA_COUNTS:
            row[name] = t.year_total(name, y)
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=list(ANNUAL_COLUMNS))
    return df[list(ANNUAL_COLUMNS) + [c for c in df.columns if c not in ANNUAL_COLUMNS]]


def by_group(m: IHOModel) -> pd.DataFrame:
    """Yearly counts by age band x IMD quintile x LTC group, with year-end population."""
    sc = m.scenario
    bands, quintiles, ltcs = np.meshgrid(np.arange(5), np.arange(5), np.arange(3), indexing="ij")
    frames = []
    for y in range(sc.run.burn_in_years, m.total_years):
        if (y + 1) * DAYS_PER_YEAR > m.day:
            break
        df = pd.DataFrame({
            "scenario": sc.meta.name, "seed": sc.run.seed, "year": y - sc.run.burn_in_years + 1,
            "age_band": np.asarray(AGE_BANDS)[bands.ravel()], "imd_quintile": quintiles.ravel() + 1,
            "ltc_group": np.asarray(LTC_GROUPS)[ltcs.ravel()],
        })
        df["population"] = m.group_population(y)
        for i, name in enumerate(GROUPED):
            df[name] = m.tally.grouped[y, i]
        frames.append(df)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def daily(m: IHOModel) -> pd.DataFrame:
    """Every counter, every simulated day (burn-in included, flagged)."""
    df = pd.DataFrame(m.tally.daily[: m.day], columns=list(COUNTS))
    df.insert(0, "day", np.arange(m.day))
    df.insert(1, "year", df["day"] // DAYS_PER_YEAR - m.scenario.run.burn_in_years + 1)
    return df


def summary(annual_df: pd.DataFrame) -> pd.DataFrame:
    """Rates per 1,000 residents (and key shares) by year, for the printed summary table."""
    out = pd.DataFrame({"year": annual_df["year"]})
    pop = annual_df["population"] / 1000
    for col in ("gp_appointments", "ae_attendances", "ambulance_incidents", "conveyances", "nel_admissions",
                "elective_admissions", "community_contacts", "bed_days", "deaths"):
        out[f"{col}/1000"] = annual_df[col] / pop
    out["occupancy"] = annual_df["mean_occupancy"]
    out["nel_los"] = annual_df["nel_mean_los"]
    out["spend/head"] = annual_df["spend_total"] / annual_df["population"]
    return out
