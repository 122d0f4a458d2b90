"""Plots people would rather look at than read: activity over time, spending by setting, comparisons.

Each function returns a new `matplotlib.figure.Figure`, made without pyplot: importing this module or
drawing leaves matplotlib's backend (a notebook's, say) as it was, and no figure is kept anywhere. Show one
in a notebook by making it a cell's last expression, or save it with `fig.savefig(path)`. Titles, axis
labels and units come from the outputs catalogue (`ihoabm.outputs.catalogue`).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from ihoabm.outputs import catalogue
from ihoabm.scenario import Scenario

ACTIVITY = {name: catalogue.label(name) for name in catalogue.ACTIVITY_PLOT}
SETTING_COLOURS = {"acute": "#c0392b", "community": "#27ae60", "primary": "#2980b9", "ambulance": "#f39c12",
                   "prevention": "#8e44ad"}
# Organisations' colours: the settings', and the host's (it holds the prevention budget).
ORG_COLOURS = {**SETTING_COLOURS, "host": SETTING_COLOURS["prevention"], "icb": "#34495e"}
SURPLUSES = ("acute_surplus", "community_surplus", "host_surplus")


def activity(daily: pd.DataFrame, scenario: Scenario) -> Figure:
    """Monthly activity per 1,000 residents a year, burn-in shaded."""
    df = daily.copy()
    df["month"] = df["day"] // 30
    monthly = df.groupby("month").agg({**{k: "sum" for k in ACTIVITY}, "population": "mean", "day": "count"})
    fig = Figure(figsize=(10, 6))
    axes = fig.subplots(2, 2, sharex=True)
    burn = scenario.run.burn_in_years * 12
    for ax, col in zip(axes.ravel(), ACTIVITY, strict=True):
        m = catalogue.metric(col)
        rate = monthly[col] / monthly["population"].clip(lower=1) * 1000 * 365 / monthly["day"]
        ax.plot(monthly.index / 12, rate, color="#34495e")
        ax.axvspan(0, burn / 12, color="#bdc3c7", alpha=0.4, label="burn-in (not reported)")
        ax.set_title(m.label, fontsize=10)
        ax.set_ylabel(f"{m.unit} per 1,000 a year", fontsize=9)
    for ax in axes[1]:
        ax.set_xlabel("simulation year")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"Activity: {scenario.meta.name}")
    fig.tight_layout()
    return fig


def spending(annual: pd.DataFrame) -> Figure:
    """Spending per resident by setting, stacked by year, with provider surpluses alongside."""
    fig = Figure(figsize=(11, 4.5))
    ax, ax2 = fig.subplots(1, 2)
    bottom = pd.Series(0.0, index=annual.index)
    for setting, colour in SETTING_COLOURS.items():
        name = f"spend_{setting}"
        per_head = annual[name] / annual["population"]
        ax.bar(annual["year"], per_head, bottom=bottom, color=colour, label=catalogue.who(name))
        bottom += per_head
    ax.set_xlabel("year")
    ax.set_ylabel(f"{catalogue.metric('spend_total').unit} per resident")
    ax.set_title(f"{catalogue.label('spend_total')}, by setting")
    ax.legend(fontsize=8)
    for col in SURPLUSES:
        if col in annual:
            m = catalogue.metric(col)
            ax2.plot(annual["year"], annual[col] / 1e6, marker="o", color=ORG_COLOURS[m.setting], label=m.label)
    ax2.axhline(0, color="grey", lw=0.8)
    ax2.set_xlabel("year")
    ax2.set_ylabel(catalogue.scaled_unit(catalogue.metric(SURPLUSES[0]).unit, 1e6))
    ax2.set_title("Provider surplus (+) or deficit (-)")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


def comparison(comp: pd.DataFrame, label_a: str, label_b: str,
               metrics: tuple[str, ...] = catalogue.PLOTTED_DIFFERENCES) -> Figure:
    """Paired differences (B minus A) by year with 95% intervals: the trajectory of the effect."""
    fig = Figure(figsize=(3.6 * len(metrics), 3.8))
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics, strict=True):
        d = comp[comp["metric"] == metric]
        money = catalogue.metric(metric).kind == "money"
        scale = 1e6 if money else 1.0
        ax.fill_between(d["year"], d["diff_lo"] / scale, d["diff_hi"] / scale, color="#3498db", alpha=0.3,
                        label="95% interval")
        ax.plot(d["year"], d["diff"] / scale, marker="o", color="#2c3e50", label="mean difference")
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_title(catalogue.axis(metric, scale, "" if money else "a year"), fontsize=10)
        ax.set_xlabel("year")
    axes[0].set_ylabel(f"{label_b} minus {label_a}")
    axes[0].legend(fontsize=8)
    fig.suptitle(f"{label_b} vs {label_a} (paired, common random numbers)")
    fig.tight_layout()
    return fig
