"""Workshop helpers: the one-line tables, figures and checks the notebooks call.

Each function takes the annual rows of paired runs (`ihoabm.experiments.compare.replicate`: columns `arm`,
`replication`, `year` and one per metric) and returns a table or a figure with human labels and units from the
outputs catalogue, so a notebook cell is one line and a participant never reads plotting code. Figures use integer
year ticks, money in GBP million (never an axis scaled by "1e6") and the Okabe-Ito colour-blind-safe palette.

The figures are in `ihoabm.outputs.workshop.figures`; the package exposes both (`workshop.lines`, ...).
`Effect` is one paired difference with its 95% interval; the notebooks assert their claims on it. `friendly` turns
a bad value into one line instead of a traceback. `output_folder` keeps every file a notebook writes inside the
participant's project folder.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ihoabm.experiments.stats import mean_interval
from ihoabm.outputs import catalogue

# Okabe-Ito: distinguishable with every common colour-vision deficiency; no red-green pair.
__all__ = [
    "PALETTE", "OUT_ENV", "LEVER_LABELS", "output_folder", "friendly", "Effect", "effect", "level",
    "differences", "means", "investment_by_lever", "glossary", "first_look", "pairing_gain", "readable",
    "money_flows", "payback_summary", "design_table", "run_design", "quintile_rates", "quintile_effect",
    "trust_at_end", "interval_widths",
]

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
OUT_ENV = "IHOABM_WORKSHOP_OUT"


# --- where files go ---------------------------------------------------------------------------------------
def output_folder(name: str) -> Path:
    """Where a notebook writes its files, inside the project: `workshop_output/NAME` under the working folder.

    The parent folder is made; NAME itself is left for the writer to make (a sweep makes its own folder). The
    environment variable IHOABM_WORKSHOP_OUT moves the root (the tests point it at a temporary folder).
    """
    root = Path(os.environ.get(OUT_ENV) or Path.cwd() / "workshop_output")
    root.mkdir(parents=True, exist_ok=True)
    return root / name


# --- friendly errors --------------------------------------------------------------------------------------
def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap `fn` so a wrong value prints one line (what was wrong and what is allowed) and returns None."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ValueError, KeyError) as exc:   # ScenarioError is a ValueError
            message = str(exc.args[0]) if exc.args else str(exc)
            print(f"Not run: {message.splitlines()[0] if message else type(exc).__name__}")
            return None

    return wrapper


# --- paired differences -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Effect:
    """A mean paired difference (B minus A) with its 95% interval."""

    mean: float
    lo: float
    hi: float

    @property
    def clear(self) -> bool:
        """True if the 95% interval excludes zero."""
        return self.lo > 0 or self.hi < 0

    @property
    def below_zero(self) -> bool:
        """True if the whole interval is below zero."""
        return self.hi < 0

    @property
    def above_zero(self) -> bool:
        """True if the whole interval is above zero."""
        return self.lo > 0

    def text(self, scale: float = 1.0, decimals: int = 0) -> str:
        """'-341 (-372 to -310)', divided by `scale`."""
        f = f"{{:+,.{decimals}f}}"
        return f"{f.format(self.mean / scale)} ({f.format(self.lo / scale)} to {f.format(self.hi / scale)})"


def _per_rep(runs: pd.DataFrame, arm: str, metric: str, year: int | None) -> pd.Series:
    rows = runs[runs["arm"] == arm]
    if year is not None:
        rows = rows[rows["year"] == year]
    if rows.empty:
        raise KeyError(f"no runs of arm {arm!r}" + (f" in year {year}" if year is not None else ""))
    return rows.groupby("replication")[metric].sum()


def effect(runs: pd.DataFrame, a: str, b: str, metric: str, year: int | None = None) -> Effect:
    """Arm `b` minus arm `a`, paired by replication: in one year, or summed over all years if `year` is None."""
    diff = (_per_rep(runs, b, metric, year) - _per_rep(runs, a, metric, year)).dropna()
    return Effect(*mean_interval(diff.to_numpy(float)))


def level(runs: pd.DataFrame, arm: str, metric: str, year: int | None = None) -> Effect:
    """Mean over replications of one arm (in one year, or summed over years) with its 95% interval."""
    return Effect(*mean_interval(_per_rep(runs, arm, metric, year).to_numpy(float)))


def _unit(name: str, scale: float) -> str:
    m = catalogue.metric(name)
    return f"{m.label} ({catalogue.scaled_unit(m.unit, scale)})"


def _scale(name: str) -> float:
    return 1e6 if catalogue.metric(name).kind == "money" else 1.0


def differences(runs: pd.DataFrame, reference: str, arms: str | Sequence[str], metrics: Sequence[str],
                by_year: bool = True) -> pd.DataFrame:
    """Paired differences from `reference`, as 'difference (95% interval)' text; money in GBP million.

    Rows are metrics by their human label (and unit); columns are years (and arms, if more than one), or
    "all years" when `by_year` is False. A difference whose interval excludes zero is marked '*'.
    """
    arms = [arms] if isinstance(arms, str) else list(arms)
    years = sorted(runs["year"].unique()) if by_year else [None]
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for arm in arms:
        for year in years:
            column = (arm, f"year {year}" if year is not None else "all years")
            cells[column] = {}
            for name in metrics:
                scale = _scale(name)
                e = effect(runs, reference, arm, name, year)
                cells[column][_unit(name, scale)] = e.text(scale, 2 if scale > 1 else 0) + ("*" if e.clear else "")
    table = pd.DataFrame(cells)
    if len(arms) == 1:
        table.columns = table.columns.droplevel(0)
    table.index.name = f"minus {reference}"
    return table


def means(runs: pd.DataFrame, arms: Sequence[str], metrics: Sequence[str]) -> pd.DataFrame:
    """Mean over replications by year, one row per metric (human label and unit) and arm; money in GBP million."""
    rows = {}
    for name in metrics:
        scale = _scale(name)
        for arm in arms:
            series = runs[runs["arm"] == arm].groupby("year")[name].mean() / scale
            rows[(_unit(name, scale), arm)] = series.round(2 if scale > 1 else 0)
    table = pd.DataFrame(rows).T
    table.columns = [f"year {y}" for y in table.columns]
    return table


# --- figures ----------------------------------------------------------------------------------------------
def _years(ax: Any, years: Sequence[int]) -> None:
    ax.set_xticks(sorted(int(y) for y in years))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Contract year")


def _plain(ax: Any) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(_tick))


def _tick(value: float, _: Any = None) -> str:
    """A tick label with thousands separators and no trailing zeros: 1,200, 0.25, -0.1, 0."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("0", "-0") else text


# --- what the host invests in -----------------------------------------------------------------------------
LEVER_LABELS = {"caseload": "District nursing caseload", "ucr": "Urgent community response",
                "virtual_ward": "Virtual wards", "proactive": "GP proactive care", "prevention": "Prevention"}


def investment_by_lever(scenario: str, seed: int = 1, **overrides: Any) -> pd.DataFrame:
    """The host's planned investment per lever at the end of each contract year (GBP thousand a year).

    Runs one model (the host's plan is not in annual.csv). Columns: one per lever, then the share of its
    investment budget the host could afford (1 until its deficit passes the risk-share corridor, then less);
    index: contract year.
    """
    from ihoabm.core.model import IHOModel
    from ihoabm.providers.host import LEVERS

    model = IHOModel(scenario, **overrides, **{"run.seed": seed})
    if model.host is None:
        raise ValueError(f"{scenario} has no host provider, so nothing to show")
    burn_in = model.scenario.run.burn_in_years
    rows: dict[int, np.ndarray] = {}
    afford: dict[int, float] = {}
    while model.running:
        model.step()
        year = model.year - burn_in + 1
        if year >= 1:
            rows[year] = model.host.invest.copy()
            afford[year] = model.host.affordability
    table = (pd.DataFrame(rows, index=[LEVER_LABELS[lever.name] for lever in LEVERS]).T / 1e3).round(0)
    table["Share of the budget it can afford"] = pd.Series(afford).round(2)
    table.index.name = "contract year"
    return table


# --- the glossary -----------------------------------------------------------------------------------------
def glossary(names: Sequence[str] | None = None) -> pd.DataFrame:
    """Output columns with their human label, unit and how each is counted (from the outputs catalogue)."""
    names = list(names) if names is not None else list(catalogue.ANNUAL)
    rows = [{"column": n, "what it is": catalogue.metric(n).label, "unit": catalogue.metric(n).unit,
             "how it is counted": catalogue.metric(n).counted} for n in names]
    return pd.DataFrame(rows).set_index("column")


# --- small tables for notebook 2 --------------------------------------------------------------------------
def _by_seed(runs: pd.DataFrame, arm: str, metric: str, replication: int) -> pd.Series:
    rows = runs[(runs["arm"] == arm) & (runs["replication"] == replication)]
    return rows.set_index("year")[metric]


def first_look(runs: pd.DataFrame, a: str, b: str, metric: str) -> pd.DataFrame:
    """One run of each arm (the first seed), their difference, and `a`'s second seed minus its first."""
    a1, b1, a2 = (_by_seed(runs, a, metric, 0), _by_seed(runs, b, metric, 0), _by_seed(runs, a, metric, 1))
    table = pd.DataFrame({f"{a}, first seed": a1, f"{b}, first seed": b1,
                          f"{b} minus {a}, same seed": b1 - a1,
                          f"{a}: second seed minus first (no policy change)": a2 - a1})
    table.index = [f"year {y}" for y in table.index]
    table.columns.name = catalogue.label(metric)
    return table.round(0)


def pairing_gain(runs: pd.DataFrame, a: str, b: str, metric: str, year: int) -> pd.DataFrame:
    """Spread (SD) of the paired differences in one year against the spread if the runs were unrelated."""
    pa, pb = _per_rep(runs, a, metric, year), _per_rep(runs, b, metric, year)
    return pd.Series({"spread of paired differences (SD)": (pb - pa).std(),
                      "spread if unpaired (SD, combined)": (pa.var() + pb.var()) ** 0.5}).round(1).to_frame(
        f"{catalogue.label(metric)}, year {year}")


# --- one run (notebook 1) ---------------------------------------------------------------------------------
def readable(annual: pd.DataFrame, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """A run's yearly table turned round: one row per metric (human label and unit), one column per year."""
    names = [n for n in (metrics or catalogue.ANNUAL) if n in annual.columns and n not in catalogue.IDENTIFIERS]
    table = pd.DataFrame({_unit(n, _scale(n)): annual[n].to_numpy(float) / _scale(n) for n in names},
                         index=[f"year {int(y)}" for y in annual["year"]]).T
    return table.round(2)


def money_flows(ledger: pd.DataFrame, year: int) -> pd.DataFrame:
    """Who paid whom in one ledger year (burn-in included in the count), GBP million."""
    rows = ledger[ledger["year"] == year].groupby(["payer", "payee"])["amount_gbp"].sum() / 1e6
    return rows.round(2).rename("GBP million").to_frame()


def payback_summary(table: pd.DataFrame) -> pd.DataFrame:
    """A payback table (`ihoabm.experiments.payback.payback_table`) in words: one row per arm."""
    rows = {}
    for arm, t in table.groupby("arm", sort=False):
        curve = t[t["measure"] == "cumulative_extra_spend"]
        end = curve[curve["year"] == curve["year"].max()].iloc[0]
        paid = t[t["measure"] == "paid_back"]["mean"].iloc[0]
        year = t[t["measure"] == "payback_year"].iloc[0]
        rows[arm] = {
            f"cumulative extra spending after year {int(end['year'])} (GBP million)":
                Effect(end["mean"], end["lo"], end["hi"]).text(1e6, 2),
            "share of replications that paid back within the run": f"{paid:.0%}",
            "payback year (median)": "not within the run" if np.isnan(year["mean"]) else f"{year['mean']:.0f}"}
    return pd.DataFrame(rows).T


# --- notebook 5: contract designs -------------------------------------------------------------------------
def design_table(runs: pd.DataFrame, reference: str, arms: Sequence[str], metrics: Sequence[str]) -> pd.DataFrame:
    """One row per design: its paired difference from `reference`, summed over the years ('*': clear)."""
    table = differences(runs, reference, list(arms), metrics, by_year=False)
    if isinstance(table.columns, pd.MultiIndex):
        table.columns = table.columns.droplevel(1)
    table = table.T
    table.index.name = f"design minus {reference}"
    return table


@friendly
def run_design(name: str, scenario: str, overrides: dict[str, Any], seeds: Sequence[int],
               size: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Run one contract design at every seed: (annual rows, rows by group), labelled `name`.

    A wrong value prints one line and returns None.
    """
    from ihoabm.experiments.compare import replicate_with_groups
    from ihoabm.scenario import load_scenario

    load_scenario(scenario, {**size, **overrides})   # a wrong value stops here, before anything runs
    return replicate_with_groups([scenario], seeds=list(seeds), overrides={**size, **overrides}, labels=[name])


def quintile_rates(groups: pd.DataFrame, arms: Sequence[str], metric: str) -> pd.DataFrame:
    """A metric per 1,000 residents a year by IMD quintile (1 = most deprived), one column per arm."""
    rows = groups[groups["arm"].isin(arms)].groupby(["arm", "imd_quintile"])[[metric, "population"]].sum()
    rates = (rows[metric] / rows["population"] * 1000).unstack("arm")[list(arms)]
    rates.index.name = "IMD quintile (1 = most deprived)"
    return rates.round(1)


def _quintile_by_rep(groups: pd.DataFrame, arm: str, metric: str) -> pd.DataFrame:
    rows = groups[groups["arm"] == arm].groupby(["replication", "imd_quintile"])[[metric, "population"]].sum()
    return (rows[metric] / rows["population"] * 1000).unstack("imd_quintile")


def quintile_effect(groups: pd.DataFrame, a: str, b: str, metric: str, quintile: int | None = None) -> Effect:
    """`b` minus `a` in a metric per 1,000 in one quintile, or (None) in the gap between quintiles 1 and 5."""
    ra, rb = _quintile_by_rep(groups, a, metric), _quintile_by_rep(groups, b, metric)
    if quintile is None:
        diff = (rb[1] - rb[5]) - (ra[1] - ra[5])
    else:
        diff = rb[quintile] - ra[quintile]
    return Effect(*mean_interval(diff.dropna().to_numpy(float)))


def trust_at_end(scenario: str, overrides: dict[str, Any], seed: int, size: dict[str, Any]) -> dict[str, float]:
    """Trust on the provider network's edges at the end of one run (0 none, 1 complete)."""
    from ihoabm.experiments.run import simulate

    model = simulate(scenario, **size, **overrides, **{"run.seed": seed})
    return {f"{a} and {b}": float(model.network.edges[a, b]["trust"])
            for a, b in (("acute", "community"), ("gp", "community"))}


# --- notebook 4: uncertainty ------------------------------------------------------------------------------
def interval_widths(runs: pd.DataFrame, a: str, b: str, metrics: Sequence[str], year: int,
                    counts: Sequence[int]) -> pd.DataFrame:
    """The paired difference in `year` and its 95% interval using the first n replications, for each n."""
    rows = []
    for n in counts:
        subset = runs[runs["replication"] < n]
        for name in metrics:
            e = effect(subset, a, b, name, year)
            scale = _scale(name)
            rows.append({"replications": n, "measure": _unit(name, scale), "difference": e.mean / scale,
                         "interval low": e.lo / scale, "interval high": e.hi / scale,
                         "interval width": (e.hi - e.lo) / scale})
    return pd.DataFrame(rows).round(2)
