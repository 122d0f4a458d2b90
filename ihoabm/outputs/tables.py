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
