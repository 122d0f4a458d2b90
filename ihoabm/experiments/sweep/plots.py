"""Sweep plots: fan charts over time, Sobol and Morris index bars, tornado charts and a two-way heat map.

Each function returns a new `matplotlib.figure.Figure`, made without pyplot, so importing this module or
drawing leaves matplotlib's backend as it was. Metric names and units come from the outputs catalogue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ihoabm.outputs import catalogue

ARM_COLOURS = ("#2c7fb8", "#d95f0e", "#31a354", "#756bb1", "#636363", "#e7298a")


def _laid_out(fig: Figure) -> Figure:
    """Lay the figure out tightly, once.

    `tight_layout` leaves a placeholder layout engine behind, which makes `savefig` draw the whole figure an
    extra time for nothing, so the engine is dropped afterwards (the PNG is the same, byte for byte).
    """
    fig.tight_layout()
    fig.set_layout_engine(None)
    return fig


def _label(metric: str) -> str:
    return catalogue.label(metric)


def _axis(metric: str) -> str:
    return catalogue.axis(metric)


def fan(results: pd.DataFrame, metric: str) -> Figure:
    """Median and 50% / 90% bands of a metric across all runs of each arm, year by year."""
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    for i, (arm, df) in enumerate(results.groupby("arm", sort=False)):
        q = df.groupby("year")[metric].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
        years = q.index.to_numpy(dtype=float)
        colour = ARM_COLOURS[i % len(ARM_COLOURS)]
        if len(years) > 1:
            ax.fill_between(years, q[0.05], q[0.95], color=colour, alpha=0.15, lw=0)
            ax.fill_between(years, q[0.25], q[0.75], color=colour, alpha=0.3, lw=0)
        else:
            ax.vlines(years, q[0.05], q[0.95], color=colour, alpha=0.4, lw=8)
            ax.vlines(years, q[0.25], q[0.75], color=colour, alpha=0.7, lw=8)
        ax.plot(years, q[0.5], color=colour, marker="o", label=f"{arm} ({df['run_id'].nunique()} runs)")
    ax.set_xlabel("reported year")
    ax.set_ylabel(_axis(metric))
    ax.set_xticks(sorted(results["year"].unique()))
    ax.set_title(f"{_label(metric)}: median, 50% and 90% of runs", fontsize=10)
    ax.legend(fontsize=8)
    return _laid_out(fig)


def _by_arm(df: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    return list(df.groupby("arm", sort=False))


def sobol_bars(sobol: pd.DataFrame, metric: str) -> Figure:
    """First-order and total Sobol indices with 95% confidence intervals, one panel per arm."""
    arms = _by_arm(sobol[sobol["metric"] == metric])
    fig = Figure(figsize=(6 * len(arms), 3.5))
    axes = fig.subplots(1, len(arms), squeeze=False)
    for ax, (arm, df) in zip(axes[0], arms, strict=True):
        y = np.arange(len(df))
        ax.barh(y - 0.2, df["S1"], height=0.4, xerr=df["S1_conf"], color="#2c7fb8", label="first order S1")
        ax.barh(y + 0.2, df["ST"], height=0.4, xerr=df["ST_conf"], color="#d95f0e", label="total order ST")
        ax.set_yticks(y, df["parameter"])
        ax.axvline(0, color="black", lw=0.6)
        ax.set_xlabel("share of output variance")
        ax.set_title(f"{arm}: {_label(metric)}", fontsize=10)
        ax.legend(fontsize=8)
    return _laid_out(fig)


def morris_bars(morris: pd.DataFrame, metric: str) -> Figure:
    """Morris mu* (with its 95% interval) and sigma, one panel per arm."""
    arms = _by_arm(morris[morris["metric"] == metric])
    fig = Figure(figsize=(6 * len(arms), 3.5))
    axes = fig.subplots(1, len(arms), squeeze=False)
    for ax, (arm, df) in zip(axes[0], arms, strict=True):
        df = df.sort_values("mu_star")
        y = np.arange(len(df))
        ax.barh(y - 0.2, df["mu_star"], height=0.4, xerr=df["mu_star_conf"], color="#2c7fb8",
                label="mu* (mean absolute effect)")
        ax.barh(y + 0.2, df["sigma"], height=0.4, color="#969696", label="sigma (interaction, non-linearity)")
        ax.set_yticks(y, df["parameter"])
        ax.set_xlabel(f"effect on {_axis(metric)}")
        ax.set_title(f"{arm}: {_label(metric)}", fontsize=10)
        ax.legend(fontsize=8)
    return _laid_out(fig)


def tornado(table: pd.DataFrame, metric: str) -> Figure:
    """Mean outcome with each parameter at its low and its high end, against the overall mean."""
    arms = _by_arm(table[table["metric"] == metric])
    fig = Figure(figsize=(6 * len(arms), 3.5))
    axes = fig.subplots(1, len(arms), squeeze=False)
    for ax, (arm, df) in zip(axes[0], arms, strict=True):
        df = df.reindex(df["swing"].abs().sort_values().index)
        centre = float(df["overall_mean"].iloc[0])
        y = np.arange(len(df))
        ax.barh(y, df["y_low"] - centre, left=centre, color="#2c7fb8", label="parameter low")
        ax.barh(y, df["y_high"] - centre, left=centre, color="#d95f0e", alpha=0.8, label="parameter high")
        ax.set_yticks(y, [f"{p}\n{lo} to {hi}" for p, lo, hi in
                          zip(df["parameter"], df["low"], df["high"], strict=True)], fontsize=8)
        ax.axvline(centre, color="black", lw=0.8)
        ax.set_xlabel(_axis(metric))
        ax.set_title(f"{arm}: {_label(metric)}", fontsize=10)
        ax.legend(fontsize=8)
    return _laid_out(fig)


def heatmap(points: pd.DataFrame, metric: str, x: str, y: str, year: int) -> Figure:
    """Mean of a metric over a two-parameter grid in one reported year, one panel per arm."""
    arms = _by_arm(points[(points["metric"] == metric) & (points["year"] == year)])
    fig = Figure(figsize=(5.5 * len(arms), 4))
    axes = fig.subplots(1, len(arms), squeeze=False)
    for ax, (arm, df) in zip(axes[0], arms, strict=True):
        grid = df.pivot_table(index=y, columns=x, values="mean", aggfunc="mean")
        values = grid.to_numpy(dtype=float)
        image = ax.imshow(values, origin="lower", aspect="auto", cmap="viridis")
        if values.size <= 100:
            middle = np.nanmean(values)
            for (i, j), v in np.ndenumerate(values):
                ax.text(j, i, f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}", ha="center", va="center",
                        fontsize=7, color="white" if v < middle else "black")
        ax.set_xticks(range(grid.shape[1]), [_tick(v) for v in grid.columns])
        ax.set_yticks(range(grid.shape[0]), [_tick(v) for v in grid.index])
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.set_title(f"{arm}: mean {_label(metric)}, year {year}", fontsize=10)
        fig.colorbar(image, ax=ax)
    return _laid_out(fig)


def _tick(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
