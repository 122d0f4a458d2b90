"""Workshop figures: paired differences, arms over time, bars, a run's spending and activity, a sweep, a tornado.

Every figure is a new `matplotlib.figure.Figure` (no pyplot), with human labels and units from the outputs
catalogue, integer contract-year ticks, money in GBP million (no axis scaled by "1e6") and the Okabe-Ito
colour-blind-safe palette (`workshop.PALETTE`). The notebooks reach them as `workshop.NAME`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.figure
import numpy as np
import pandas as pd

from ihoabm.outputs import catalogue
from ihoabm.outputs.workshop.tables import PALETTE, Effect, _plain, _scale, _unit, _years, effect, level

__all__ = ["activity_figure", "bars", "lines", "paired_figure", "spending_figure", "sweep_figure", "tornado",
           "widths_figure"]
SETTING_NAMES = ("acute", "community", "primary", "ambulance", "prevention")

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

def spending_figure(annual: pd.DataFrame) -> matplotlib.figure.Figure:
    """Spending per resident by setting (stacked bars) and each provider's surplus (+) or deficit (-)."""
    fig = matplotlib.figure.Figure(figsize=(11, 4.2), layout="constrained")
    ax, ax2 = fig.subplots(1, 2)
    years = [int(y) for y in annual["year"]]
    bottom = np.zeros(len(annual))
    for colour, setting in zip(PALETTE, SETTING_NAMES, strict=False):
        per_head = (annual[f"spend_{setting}"] / annual["population"]).to_numpy(float)
        ax.bar(years, per_head, bottom=bottom, color=colour, label=_capital(catalogue.who(f"spend_{setting}")))
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


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
