"""Plots people would rather look at than read: activity over time, spending by setting, comparisons."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ihoabm.scenario import Scenario  # noqa: E402

ACTIVITY = {
    "nel_admissions": "Emergency admissions",
    "conveyances": "Ambulance conveyances",
    "ae_attendances": "A&E attendances",
    "community_contacts": "Community contacts",
}
SETTING_COLOURS = {"acute": "#c0392b", "community": "#27ae60", "primary": "#2980b9", "ambulance": "#f39c12",
                   "prevention": "#8e44ad"}


def activity(daily: pd.DataFrame, scenario: Scenario) -> Figure:
    """Monthly activity per 1,000 residents a year, burn-in shaded."""
    df = daily.copy()
    df["month"] = df["day"] // 30
    monthly = df.groupby("month").agg({**{k: "sum" for k in ACTIVITY}, "population": "mean", "day": "count"})
    fig, axes = plt.subplots(2, 2, figsize=(10, 6), sharex=True)
    burn = scenario.run.burn_in_years * 12
    for ax, (col, label) in zip(axes.ravel(), ACTIVITY.items(), strict=True):
        rate = monthly[col] / monthly["population"].clip(lower=1) * 1000 * 365 / monthly["day"]
        ax.plot(monthly.index / 12, rate, color="#34495e")
        ax.axvspan(0, burn / 12, color="#bdc3c7", alpha=0.4, label="burn-in (not reported)")
        ax.set_title(label, fontsize=10)
        ax.set_ylabel("per 1,000 a year")
    for ax in axes[1]:
        ax.set_xlabel("simulation year")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"Activity: {scenario.meta.name}")
    fig.tight_layout()
    return fig


def spending(annual: pd.DataFrame) -> Figure:
    """Spending per resident by setting, stacked by year, with provider surpluses alongside."""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    bottom = pd.Series(0.0, index=annual.index)
    for setting, colour in SETTING_COLOURS.items():
        per_head = annual[f"spend_{setting}"] / annual["population"]
        ax.bar(annual["year"], per_head, bottom=bottom, color=colour, label=setting)
        bottom += per_head
    ax.set_xlabel("year")
    ax.set_ylabel("GBP per resident")
    ax.set_title("Spending by setting")
    ax.legend(fontsize=8)
    for col, colour in (("acute_surplus", "#c0392b"), ("community_surplus", "#27ae60"),
                        ("host_surplus", "#8e44ad")):
        if col in annual:
            ax2.plot(annual["year"], annual[col] / 1e6, marker="o", color=colour, label=col.replace("_", " "))
    ax2.axhline(0, color="grey", lw=0.8)
    ax2.set_xlabel("year")
    ax2.set_ylabel("GBP million")
    ax2.set_title("Provider surplus (+) or deficit (-)")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


def comparison(comp: pd.DataFrame, label_a: str, label_b: str,
               metrics: tuple[str, ...] = ("nel_admissions", "conveyances", "spend_total", "ae_attendances"))\
        -> Figure:
    """Paired differences (B minus A) by year with 95% intervals: the trajectory of the effect."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.6 * len(metrics), 3.8))
    for ax, metric in zip(axes, metrics, strict=True):
        d = comp[comp["metric"] == metric]
        money = metric.startswith("spend") or metric.endswith(("surplus", "balance"))
        scale = 1e6 if money else 1.0
        ax.fill_between(d["year"], d["diff_lo"] / scale, d["diff_hi"] / scale, color="#3498db", alpha=0.3,
                        label="95% interval")
        ax.plot(d["year"], d["diff"] / scale, marker="o", color="#2c3e50", label="mean difference")
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_title(metric.replace("_", " ") + (" (GBP m)" if money else " (a year)"), fontsize=10)
        ax.set_xlabel("year")
    axes[0].set_ylabel(f"{label_b} minus {label_a}")
    axes[0].legend(fontsize=8)
    fig.suptitle(f"{label_b} vs {label_a} (paired, common random numbers)")
    fig.tight_layout()
    return fig


def close_all() -> None:
    """Free figure memory after saving."""
    plt.close("all")
