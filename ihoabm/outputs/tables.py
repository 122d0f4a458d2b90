"""Turn a finished model into tidy tables: annual, by group, daily and the ledger.

Which columns there are, in what order, and how each annual value is computed all come from the outputs
catalogue (`ihoabm.outputs.catalogue`).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

from ihoabm.core.population import AGE_BANDS, DAYS_PER_YEAR, LTC_GROUPS
from ihoabm.outputs import catalogue
from ihoabm.outputs.tally import COUNTS, DECIMALS, GROUPED, Tally

# annual.csv: which run and year, then every annual metric of the catalogue in its order.
ANNUAL_COLUMNS = (*catalogue.IDENTIFIERS, *catalogue.ANNUAL)
_ANNUAL_SOURCES = tuple((m.name, m.annual) for m in catalogue.METRICS.values() if m.annual is not None)


class RunModel(Protocol):
    """What the tables read from a model (`ihoabm.core.model.IHOModel` has all of it)."""

    day: int
    total_years: int
    scenario: Any
    tally: Tally
    ledger: Any

    def group_population(self, year: int) -> np.ndarray:
        """Living residents per reporting group at the end of `year`."""
        ...


def annual(m: RunModel) -> pd.DataFrame:
    """One row per reported year (burn-in excluded), columns `ANNUAL_COLUMNS`."""
    sc = m.scenario
    rows = []
    for y in range(sc.run.burn_in_years, m.total_years):
        if (y + 1) * DAYS_PER_YEAR > m.day:
            break
        row: dict[str, float | str | int] = {"scenario": sc.meta.name, "seed": sc.run.seed,
                                             "year": y - sc.run.burn_in_years + 1}
        for name, source in _ANNUAL_SOURCES:
            row[name] = source.year(m, y)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(ANNUAL_COLUMNS))


def by_group(m: RunModel) -> pd.DataFrame:
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
            values = m.tally.grouped[y, i]
            df[name] = values if name in DECIMALS else np.rint(values).astype(np.int64)
        frames.append(df)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def daily(m: RunModel) -> pd.DataFrame:
    """Every counter, every simulated day (burn-in included, flagged)."""
    df = pd.DataFrame(m.tally.daily[: m.day], columns=list(COUNTS))
    df.insert(0, "day", np.arange(m.day))
    df.insert(1, "year", df["day"] // DAYS_PER_YEAR - m.scenario.run.burn_in_years + 1)
    return df


def summary(annual_df: pd.DataFrame) -> pd.DataFrame:
    """Rates per 1,000 residents (and key shares) by year, for the printed summary table.

    The columns are `catalogue.SUMMARY`'s; `catalogue.summary_label` names them for people.
    """
    out = pd.DataFrame({"year": annual_df["year"]})
    pop = annual_df["population"] / 1000
    for column, (name, how) in catalogue.SUMMARY.items():
        if how == "per 1,000 residents":
            out[column] = annual_df[name] / pop
        elif how == "per resident":
            out[column] = annual_df[name] / annual_df["population"]
        else:
            out[column] = annual_df[name]
    return out


def provider_names(m: Any) -> list[str]:
    """The providers counted in by_trust.csv: each acute trust's account, then the independent sector."""
    return [*m.trust_accounts, "independent"]


def by_trust(m: Any) -> pd.DataFrame:
    """Activity by provider and year, with each provider's market share (`catalogue.BY_TRUST`).

    One row per reported year and provider: each acute trust, then the independent sector. The market share of
    emergency admissions and of elective admissions is the provider's share of the place's total; `surplus` is
    the provider's own result for the year, GBP (before any consolidation into a host's books at year end).
    """
    sc = m.scenario
    names = provider_names(m)
    frames = []
    for y in range(sc.run.burn_in_years, m.total_years):
        if (y + 1) * DAYS_PER_YEAR > m.day:
            break
        counts = m.trust_tally.counts[y]
        df = pd.DataFrame({"scenario": sc.meta.name, "seed": sc.run.seed, "year": y - sc.run.burn_in_years + 1,
                           "provider": names})
        for i, name in enumerate(catalogue.BY_TRUST):
            df[name] = counts[i]
        df["surplus"] = [m.ledger.year_result(name, y) for name in names]
        for name in ("nel_admissions", "elective_admissions"):
            total = df[name].sum()
            df[f"{name}_share"] = df[name] / total if total else 0.0
        frames.append(df)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def trust_flows(m: Any) -> pd.DataFrame:
    """Emergency admissions from each trust's catchment (area) to each provider, by year: patient flows.

    `area_share` is the share of the area's emergency admissions that went to that provider; what does not go
    to the area's own trust went to another (diverted ambulances).
    """
    sc = m.scenario
    names = provider_names(m)
    rows = []
    for y in range(sc.run.burn_in_years, m.total_years):
        if (y + 1) * DAYS_PER_YEAR > m.day:
            break
        flows = m.trust_tally.flows[y]
        for area in range(flows.shape[0]):
            total = flows[area].sum()
            for p, name in enumerate(names):
                rows.append({"scenario": sc.meta.name, "seed": sc.run.seed, "year": y - sc.run.burn_in_years + 1,
                             "area": f"catchment of {m.trust_accounts[area]}", "provider": name,
                             "nel_admissions": flows[area, p], "area_share": flows[area, p] / total if total else 0.0})
    return pd.DataFrame(rows)


def by_place(m: Any) -> pd.DataFrame:
    """Each trust's catchment (a place) by year: residents, and emergency admissions per 1,000.

    Admissions count wherever they were treated; `most_deprived_share` is the share of residents in IMD quintile 1;
    `nel_per_1000_gap` is the gap between the highest and lowest place's rate. Empty with one trust (the place
    is the whole population: annual.csv has it).
    """
    sc = m.scenario
    rows = []
    if len(m.trusts) < 2:
        return pd.DataFrame()
    for y in range(sc.run.burn_in_years, m.total_years):
        if (y + 1) * DAYS_PER_YEAR > m.day:
            break
        population = m.trust_tally.area_population[y]
        admissions = m.trust_tally.flows[y].sum(axis=1)
        rate = 1000 * admissions / np.maximum(population, 1.0)
        for area, account in enumerate(m.trust_accounts):
            rows.append({"scenario": sc.meta.name, "seed": sc.run.seed, "year": y - sc.run.burn_in_years + 1,
                         "place": f"catchment of {account}", "population": population[area],
                         "most_deprived_share": m.trust_tally.area_deprived[y, area] / max(population[area], 1.0),
                         "nel_admissions": admissions[area], "nel_per_1000": rate[area],
                         "nel_per_1000_gap": float(rate.max() - rate.min())})
    return pd.DataFrame(rows)
