"""Plots people would rather look at than read: activity over time, spending by setting, comparisons.

Each function returns a new `matplotlib.figure.Figure`, made without pyplot: importing this module or
drawing leaves matplotlib's backend (a notebook's, say) as it was, and no figure is kept anywhere. Show one
in a notebook by making it a cell's last expression, or save it with `fig.savefig(path)`. Titles, axis
labels and units come from the outputs catalogue (`ihoabm.outputs.catalogue`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ihoabm.outputs import catalogue
from ihoabm.scenario import Scenario

ACTIVITY = {name: catalogue.label(name) for name in catalogue.ACTIVITY_PLOT}
SETTING_COLOURS = {"acute": "#c0392b", "community": "#27ae60", "primary": "#2980b9", "ambulance": "#f39c12",
                   "prevention": "#8e44ad"}
# Organisations' colours: the settings', and the host's (it holds the prevention budget).
ORG_COLOURS = {**SETTING_COLOURS, "host": SETTING_COLOURS["prevention"], "icb": "#34495e"}
SURPLUSES = ("acute_surplus", "community_surplus", "host_surplus")
# Comparison arms beside the reference, in order: distinct from each other, and readable on white.
ARM_COLOURS = ("#2980b9", "#c0392b", "#27ae60", "#8e44ad", "#e67e22", "#16a085", "#7f8c8d", "#d4ac0d",
               "#2c3e50")


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
        ax.set_xlabel("simulation year (year 0 to the burn-in's end is not reported)")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"Activity: {scenario.meta.name} ({scenario.run.patients:,} residents, seed {scenario.run.seed})")
    fig.tight_layout()
    return fig


# Surplus lines often sit on top of each other (a community provider and a host both near zero): each gets its
# own marker size and line style, the larger drawn first, so every line shows.
SURPLUS_STYLE = {"acute_surplus": ("o", 9, "-"), "community_surplus": ("s", 7, "--"), "host_surplus": ("^", 5, ":")}


def spending(annual: pd.DataFrame, scenario: str | None = None) -> Figure:
    """Spending per resident by setting, stacked by contract year, with provider surpluses alongside.

    Args:
        annual: annual.csv rows of one run.
        scenario: Name for the title (default: annual.csv's `scenario` column).
    """
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    ax, ax2 = fig.subplots(1, 2)
    years = [int(y) for y in annual["year"]]
    bottom = pd.Series(0.0, index=annual.index)
    for setting, colour in SETTING_COLOURS.items():
        name = f"spend_{setting}"
        per_head = annual[name] / annual["population"]
        ax.bar(annual["year"], per_head, bottom=bottom, color=colour, label=_capital(catalogue.who(name)))
        bottom += per_head
    ax.set_ylabel("£ per resident a year")
    ax.set_title(f"{catalogue.label('spend_total')} per resident, by setting", fontsize=10)
    # Beside the bars, never over them.
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    for col in SURPLUSES:
        if col in annual:
            m = catalogue.metric(col)
            marker, size, style = SURPLUS_STYLE[col]
            ax2.plot(annual["year"], annual[col] / 1e6, marker=marker, ms=size, ls=style, lw=1.6,
                     color=ORG_COLOURS[m.setting], label=m.label)
    ax2.axhline(0, color="grey", lw=0.8)
    ax2.set_ylabel("£ million a year")
    ax2.set_title("Provider surplus (+) or deficit (-)", fontsize=10)
    ax2.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    for a in (ax, ax2):
        a.set_xticks(years, [str(y) for y in years])   # whole contract years, never 0.75 or 1.25
        a.set_xlabel("contract year (1 = the first after burn-in)")
    name = scenario or (str(annual["scenario"].iloc[0]) if "scenario" in annual and len(annual) else "")
    about = []
    if "population" in annual and len(annual):
        pop = float(annual["population"].iloc[0])   # year-end residents: births and deaths move it a little
        about.append(f"about {round(pop, -3 if pop >= 10_000 else -2):,.0f} residents")
    if "seed" in annual and len(annual):
        about.append(f"seed {int(annual['seed'].iloc[0])}")
    fig.suptitle(f"Spending and surpluses: {name}" + (f" ({', '.join(about)})" if about else ""))
    return fig


def comparison(comp: pd.DataFrame, reference: str, arms: str | Sequence[str],
               metrics: tuple[str, ...] = catalogue.PLOTTED_DIFFERENCES, about: str = "") -> Figure:
    """Paired differences from the reference by year with 95% intervals: the trajectory of each arm's effect.

    One panel per metric; in each, one colour per arm (its mean difference from the reference, and the band
    of its 95% interval). The reference is the zero line.

    Args:
        comp: `arm_differences` rows (or, for one arm, `paired_differences` rows, which have no `arm` column).
        reference: The first arm's label.
        arms: The other arms' labels, in order (one label for one arm).
        metrics: Metrics to plot, one panel each.
        about: The run size for the title ("6 replications of 50,000 residents").
    """
    arms = [arms] if isinstance(arms, str) else list(arms)
    if len(arms) > len(ARM_COLOURS):
        raise ValueError(f"at most {len(ARM_COLOURS)} arms beside the reference can be plotted (got {len(arms)})")
    fig = Figure(figsize=(3.6 * len(metrics), 4.3), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    years = sorted(int(y) for y in comp["year"].unique())
    # With one year there is no band to draw: an error bar each, side by side.
    dodge = {arm: (k - (len(arms) - 1) / 2) * 0.12 if len(years) == 1 else 0.0 for k, arm in enumerate(arms)}
    for ax, metric in zip(axes, metrics, strict=True):
        money = catalogue.metric(metric).kind == "money"
        scale = 1e6 if money else 1.0
        ax.axhline(0, color="grey", lw=0.9, label=f"{reference} (the reference)")
        for arm, colour in zip(arms, ARM_COLOURS, strict=False):
            d = comp[comp["metric"] == metric]
            d = (d[d["arm"] == arm] if "arm" in d.columns else d).sort_values("year")
            x = d["year"].to_numpy(dtype=float) + dodge[arm]
            mean, lo, hi = (d[c].to_numpy(dtype=float) / scale for c in ("diff", "diff_lo", "diff_hi"))
            if len(years) > 1:
                ax.fill_between(x, lo, hi, color=colour, alpha=0.18, lw=0)
            else:
                ax.errorbar(x, mean, yerr=[mean - lo, hi - mean], fmt="none", ecolor=colour, capsize=4)
            ax.plot(x, mean, marker="o", ms=4, color=colour, label=f"{arm} minus {reference}")
        # Long labels wrap rather than run into the next panel.
        ax.set_title(textwrap.fill(catalogue.axis(metric, scale, "a year").replace("GBP", "£"), 38), fontsize=10)
        ax.set_xlabel("contract year")
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        if len(years) <= 12:
            ax.set_xticks(years)
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3, lw=0.5)
    axes[0].set_ylabel(f"difference from {reference}")
    handles, labels = axes[0].get_legend_handles_labels()
    if len(years) > 1:
        handles.append(Patch(color="grey", alpha=0.25, lw=0))
    else:
        handles.append(Line2D([], [], color="grey", marker="_", ms=10, ls="none"))
    labels.append("95% interval of the paired differences")
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 5), fontsize=9, frameon=False)
    fig.suptitle(f"{', '.join(arms)} vs {reference} (paired, common random numbers"
                 + (f"; {about})" if about else ")"))
    return fig


def _capital(text: str) -> str:
    """First letter up, the rest as written ('GP practices' stays so)."""
    return text[:1].upper() + text[1:]
