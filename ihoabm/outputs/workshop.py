"""Workshop helpers: the one-line tables, figures and checks the notebooks call.

Each function takes the annual rows of paired runs (`ihoabm.experiments.compare.replicate`: columns `arm`,
`replication`, `year` and one per metric) and returns a table or a figure with human labels and units from the
outputs catalogue, so a notebook cell is one line and a participant never reads plotting code. Figures use integer
year ticks, money in GBP million (never an axis scaled by "1e6") and the Okabe-Ito colour-blind-safe palette.

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

import matplotlib.figure
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ihoabm.experiments.stats import mean_interval
from ihoabm.outputs import catalogue

# Okabe-Ito: distinguishable with every common colour-vision deficiency; no red-green pair.
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
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.1f}" if abs(v) < 10 else f"{v:,.0f}"))


def paired_figure(runs: pd.DataFrame, reference: str, arms: str | Sequence[str], metrics: Sequence[str],
                  title: str = "") -> matplotlib.figure.Figure:
    """One panel per metric: each arm minus `reference` by year, a line and its 95% band."""
    arms = [arms] if isinstance(arms, str) else list(arms)
    years = sorted(runs["year"].unique())
    cols = min(len(metrics), 3)
    rows = -(-len(metrics) // cols)
    fig = matplotlib.figure.Figure(figsize=(4.2 * cols, 3.2 * rows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for ax, name in zip(axes, metrics, strict=False):
        scale = _scale(name)
        for colour, arm in zip(PALETTE, arms, strict=False):
            e = [effect(runs, reference, arm, name, y) for y in years]
            ax.plot(years, [x.mean / scale for x in e], marker="o", color=colour, label=arm)
            ax.fill_between(years, [x.lo / scale for x in e], [x.hi / scale for x in e], color=colour, alpha=0.2)
        ax.axhline(0, color="0.3", lw=0.8)
        ax.set_title(catalogue.label(name), fontsize=10)
        ax.set_ylabel(f"difference ({catalogue.scaled_unit(catalogue.metric(name).unit, scale)})", fontsize=8)
        _years(ax, years)
        _plain(ax)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    axes[0].legend(fontsize=8, title=f"minus {reference}", title_fontsize=8)
    fig.suptitle(title or "Paired differences by contract year, with 95% intervals")
    return fig


def lines(runs: pd.DataFrame, arms: Sequence[str], metric: str, title: str = "") -> matplotlib.figure.Figure:
    """Mean of one metric by year for each arm, with the 95% interval of each mean as a band."""
    scale = _scale(metric)
    years = sorted(runs["year"].unique())
    fig = matplotlib.figure.Figure(figsize=(7, 3.8), layout="constrained")
    ax = fig.subplots()
    for colour, arm in zip(PALETTE, arms, strict=False):
        e = [level(runs, arm, metric, y) for y in years]
        ax.plot(years, [x.mean / scale for x in e], marker="o", color=colour, label=arm)
        ax.fill_between(years, [x.lo / scale for x in e], [x.hi / scale for x in e], color=colour, alpha=0.15)
    if catalogue.metric(metric).kind == "money":
        ax.axhline(0, color="0.3", lw=0.8)
    ax.set_ylabel(_unit(metric, scale))
    _years(ax, years)
    _plain(ax)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(title or catalogue.label(metric))
    return fig


def bars(table: pd.DataFrame, xlabel: str, ylabel: str, title: str) -> matplotlib.figure.Figure:
    """Grouped bars of a table (index on the x axis, one colour per column)."""
    fig = matplotlib.figure.Figure(figsize=(7, 3.8), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / max(len(table.columns), 1)
    x = np.arange(len(table.index))
    for i, (colour, column) in enumerate(zip(PALETTE, table.columns, strict=False)):
        ax.bar(x + (i - (len(table.columns) - 1) / 2) * width, table[column], width, color=colour, label=column)
    ax.set_xticks(x, [str(v) for v in table.index])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


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


SETTING_NAMES = ("acute", "community", "primary", "ambulance", "prevention")


def spending_figure(annual: pd.DataFrame) -> matplotlib.figure.Figure:
    """Spending per resident by setting (stacked bars) and each provider's surplus (+) or deficit (-)."""
    fig = matplotlib.figure.Figure(figsize=(11, 4.2), layout="constrained")
    ax, ax2 = fig.subplots(1, 2)
    years = [int(y) for y in annual["year"]]
    bottom = np.zeros(len(annual))
    for colour, setting in zip(PALETTE, SETTING_NAMES, strict=False):
        per_head = (annual[f"spend_{setting}"] / annual["population"]).to_numpy(float)
        ax.bar(years, per_head, bottom=bottom, color=colour, label=catalogue.who(f"spend_{setting}").capitalize())
        bottom += per_head
    ax.set_ylabel("GBP per resident a year")
    ax.set_title("Spending on care per resident, by setting")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    for colour, name in zip(PALETTE, ("acute_surplus", "community_surplus", "host_surplus"), strict=False):
        ax2.plot(years, annual[name] / 1e6, marker="o", color=colour, label=catalogue.label(name))
    ax2.axhline(0, color="0.3", lw=0.8)
    ax2.set_ylabel("GBP million a year")
    ax2.set_title("Provider surplus (+) or deficit (-)")
    ax2.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    for a in (ax, ax2):
        _years(a, years)
        _plain(a)
    return fig


def activity_figure(daily: pd.DataFrame, burn_in_years: int,
                    metrics: Sequence[str] = ("ae_attendances", "nel_admissions", "conveyances",
                                              "community_contacts")) -> matplotlib.figure.Figure:
    """Monthly activity per 1,000 residents a year, one panel per metric; the burn-in year is shaded."""
    df = daily.assign(month=daily["day"] // 30)
    monthly = df.groupby("month").agg({**{m: "sum" for m in metrics}, "population": "mean", "day": "count"})
    fig = matplotlib.figure.Figure(figsize=(10, 5.5), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True).ravel()
    years = np.arange(0, int(np.ceil(monthly.index.max() / 12)) + 1)
    for ax, name in zip(axes, metrics, strict=False):
        rate = monthly[name] / monthly["population"].clip(lower=1) * 1000 * 365 / monthly["day"]
        ax.plot(monthly.index / 12, rate, color=PALETTE[0])
        ax.axvspan(0, burn_in_years, color="0.85", label="burn-in year (not reported)")
        ax.set_title(catalogue.label(name), fontsize=10)
        ax.set_ylabel(f"{catalogue.metric(name).unit} per 1,000 a year", fontsize=8)
        ax.set_xticks(years)
        _plain(ax)
    for ax in axes[2:]:
        ax.set_xlabel("Years since the start of the burn-in")
    axes[0].legend(fontsize=8)
    fig.suptitle("Monthly activity, per 1,000 residents a year")
    return fig


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


def widths_figure(widths: pd.DataFrame, title: str) -> matplotlib.figure.Figure:
    """Each measure's difference and 95% interval against the number of replications used."""
    measures = list(widths["measure"].unique())
    fig = matplotlib.figure.Figure(figsize=(5 * len(measures), 3.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(measures)))
    for ax, name in zip(axes, measures, strict=True):
        df = widths[widths["measure"] == name]
        ax.errorbar(df["replications"], df["difference"], capsize=5, fmt="o", color=PALETTE[0],
                    yerr=[df["difference"] - df["interval low"], df["interval high"] - df["difference"]])
        ax.axhline(0, color="0.3", lw=0.8)
        ax.set_xticks(sorted(df["replications"].unique()))
        ax.set_xlabel("Replications used")
        ax.set_ylabel("Difference")
        ax.set_title(name, fontsize=10)
        _plain(ax)
    fig.suptitle(title)
    return fig


def sweep_figure(points: pd.DataFrame, parameter: str, metric: str, xlabel: str) -> matplotlib.figure.Figure:
    """A sweep's last-year mean (and 95% interval) of a metric against one parameter, one line per arm."""
    last = points[(points["year"] == points["year"].max()) & (points["metric"] == metric)]
    fig = matplotlib.figure.Figure(figsize=(6.5, 4), layout="constrained")
    ax = fig.subplots()
    for colour, (arm, df) in zip(PALETTE, last.groupby("arm"), strict=False):
        df = df.sort_values(parameter)
        ax.errorbar(df[parameter], df["mean"], yerr=[df["mean"] - df["lo"], df["hi"] - df["mean"]], marker="o",
                    capsize=4, color=colour, label=arm)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"{catalogue.label(metric)}, last year")
    ax.set_title(f"{catalogue.label(metric)} by {xlabel.split(',')[0].lower()}")
    ax.legend(fontsize=8)
    _plain(ax)
    return fig


def tornado(table: pd.DataFrame, central: Effect, xlabel: str) -> matplotlib.figure.Figure:
    """A tornado chart: for each parameter, the effect at its low and high value around the central effect."""
    swing = table.pivot(index="parameter", columns="level", values="effect")
    swing = swing.reindex((swing["high"] - swing["low"]).abs().sort_values().index)
    fig = matplotlib.figure.Figure(figsize=(8, 3.5), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(swing))
    ax.barh(y, swing["low"] - central.mean, left=central.mean, color=PALETTE[0], label="parameter low")
    ax.barh(y, swing["high"] - central.mean, left=central.mean, color=PALETTE[1], alpha=0.85, label="parameter high")
    ax.axvline(central.mean, color="black", lw=0.8)
    ax.axvline(0, color="0.5", lw=0.8, ls="--")
    ax.set_yticks(y, list(swing.index))
    ax.set_xlabel(xlabel)
    ax.set_title("How far each assumption moves the answer")
    ax.legend(fontsize=8)
    return fig
