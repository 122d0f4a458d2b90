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


def _scale(metric: str) -> float:
    """Money is drawn in £ million, so no axis or colour bar carries a '1e6' offset."""
    return 1e6 if catalogue.metric(metric).kind == "money" else 1.0


def _axis(metric: str) -> str:
    """The metric's label and unit, £ for GBP, 'a year' for what is counted over a year."""
    from ihoabm.outputs import present

    return present.label(metric, _scale(metric))


def _param(name: str) -> str:
    """A swept parameter as people say it, with its unit where its key says it."""
    from ihoabm.outputs import present

    unit = present.parameter_unit(name)
    return present.parameter_label(name) + (f", {unit}" if unit else "")


def _point_title(row: pd.Series, params: list[str]) -> str:
    from ihoabm.outputs import present

    return "\n".join(f"{present.parameter_label(p).split(' (')[0]} {_tick(row[p])}" for p in params)


def _about(results: pd.DataFrame) -> str:
    """' (2 replications per point, 20,000 residents)': the sweep's size, for a title."""
    parts = []
    if "replication" in results.columns:
        parts.append(f"{results['replication'].nunique()} replications per point")
    if "population" in results.columns and len(results):
        parts.append(f"about {int(results.loc[results['year'] == results['year'].min(), 'population'].median()):,} "
                     "residents")
    return f" ({', '.join(parts)})" if parts else ""


MAX_PANELS = 16   # per-point fan charts up to this many design points; beyond it, one band over the points


def fan(results: pd.DataFrame, metric: str, params: list[str] | None = None) -> Figure:
    """A metric year by year: one panel per design point (its replications' median, 50% and 90% bands).

    Pooling every point into one band would mix the parameters' effect with chance, so a grid or Latin sweep
    of up to `MAX_PANELS` points gets one small panel per point, each arm in its colour. With more points (a
    Sobol or Morris design) the band is over the points, which is then the output's spread under the sampled
    parameters, and the title says so.

    Args:
        results: results.parquet rows (`arm`, `point`, `run_id`, `year`, the metric, the parameters).
        metric: The metric to draw.
        params: Swept parameters (default: none, so one pooled panel).
    """
    params = [p for p in (params or []) if p in results.columns]
    n_points = int(results["point"].nunique()) if "point" in results.columns else 1
    per_point = bool(params) and 1 < n_points <= MAX_PANELS
    points = sorted(results["point"].unique()) if per_point else [None]
    cols = min(len(points), 4)
    rows = -(-len(points) // cols)
    scale = _scale(metric)
    fig = Figure(figsize=(7 if not per_point else 2.9 * cols, 4 if not per_point else 2.4 * rows + 1.1),
                 layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
    years = sorted(int(y) for y in results["year"].unique())
    for k, point in enumerate(points):
        ax = axes.ravel()[k]
        sel = results if point is None else results[results["point"] == point]
        for i, (arm, df) in enumerate(sel.groupby("arm", sort=False)):
            q = (df.groupby("year")[metric].quantile([0.05, 0.25, 0.5, 0.75, 0.95]) / scale).unstack()
            x = q.index.to_numpy(dtype=float)
            colour = ARM_COLOURS[i % len(ARM_COLOURS)]
            if len(x) > 1:
                ax.fill_between(x, q[0.05], q[0.95], color=colour, alpha=0.15, lw=0)
                ax.fill_between(x, q[0.25], q[0.75], color=colour, alpha=0.3, lw=0)
            else:
                ax.vlines(x, q[0.05], q[0.95], color=colour, alpha=0.4, lw=8)
                ax.vlines(x, q[0.25], q[0.75], color=colour, alpha=0.7, lw=8)
            ax.plot(x, q[0.5], color=colour, marker="o", ms=3 if per_point else 6,
                    label=f"{arm} ({df['run_id'].nunique()} runs)")
        if per_point:
            ax.set_title(_point_title(sel.iloc[0], params), fontsize=7)
        ax.set_xticks(years)
        ax.grid(alpha=0.3, lw=0.5)
    for ax in axes.ravel()[len(points):]:
        ax.set_visible(False)
    if per_point:
        for ax in axes[-1]:
            ax.set_xlabel("contract year", fontsize=8)
        fig.supylabel(_axis(metric), fontsize=9)
        fig.suptitle(f"{_label(metric)}: median, 50% and 90% of replications at each design point"
                     f"{_about(results)}", fontsize=10)
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 4), fontsize=8,
                   frameon=False)
        return fig
    ax = axes[0, 0]
    ax.set_xlabel("contract year")
    ax.set_ylabel(_axis(metric))
    spread = f"{n_points} design points" if n_points > 1 else "replications"
    ax.set_title(f"{_label(metric)}: median, 50% and 90% of runs across {spread}{_about(results)}", fontsize=9)
    ax.legend(fontsize=8)
    return fig


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
        ax.set_yticks(y, [_param(p) for p in df["parameter"]], fontsize=8)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_xlabel("share of output variance")
        ax.set_title(f"{arm}: {_label(metric)}, contract year {int(df['year'].iloc[0])}", fontsize=10)
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
        scale = _scale(metric)
        ax.barh(y - 0.2, df["mu_star"] / scale, height=0.4, xerr=df["mu_star_conf"] / scale, color="#2c7fb8",
                label="mu* (mean absolute effect)")
        ax.barh(y + 0.2, df["sigma"] / scale, height=0.4, color="#969696",
                label="sigma (interaction, non-linearity)")
        ax.set_yticks(y, [_param(p) for p in df["parameter"]], fontsize=8)
        ax.set_xlabel(f"effect on {_axis(metric)}")
        ax.set_title(f"{arm}: {_label(metric)}, contract year {int(df['year'].iloc[0])}", fontsize=10)
        ax.legend(fontsize=8)
    return _laid_out(fig)


def tornado(table: pd.DataFrame, metric: str) -> Figure:
    """Mean outcome with each parameter at its low and its high end, against the overall mean."""
    arms = _by_arm(table[table["metric"] == metric])
    fig = Figure(figsize=(6 * len(arms), 3.5))
    axes = fig.subplots(1, len(arms), squeeze=False)
    for ax, (arm, df) in zip(axes[0], arms, strict=True):
        df = df.reindex(df["swing"].abs().sort_values().index)
        scale = _scale(metric)
        centre = float(df["overall_mean"].iloc[0]) / scale
        y = np.arange(len(df))
        ax.barh(y, df["y_low"] / scale - centre, left=centre, color="#2c7fb8", label="parameter low")
        ax.barh(y, df["y_high"] / scale - centre, left=centre, color="#d95f0e", alpha=0.8, label="parameter high")
        ax.set_yticks(y, [f"{_param(p)}\n{lo} to {hi}" for p, lo, hi in
                          zip(df["parameter"], df["low"], df["high"], strict=True)], fontsize=8)
        ax.axvline(centre, color="black", lw=0.8)
        ax.set_xlabel(_axis(metric))
        ax.set_title(f"{arm}: {_label(metric)}, contract year {int(df['year'].iloc[0])}", fontsize=10)
        ax.legend(fontsize=8)
    return _laid_out(fig)


def heatmap(points: pd.DataFrame, metric: str, x: str, y: str, year: int) -> Figure:
    """Mean of a metric over a two-parameter grid in one reported year, one panel per arm."""
    arms = _by_arm(points[(points["metric"] == metric) & (points["year"] == year)])
    fig = Figure(figsize=(5.5 * len(arms), 4))
    axes = fig.subplots(1, len(arms), squeeze=False)
    for ax, (arm, df) in zip(axes[0], arms, strict=True):
        grid = df.pivot_table(index=y, columns=x, values="mean", aggfunc="mean")
        scale = _scale(metric)
        values = grid.to_numpy(dtype=float) / scale
        image = ax.imshow(values, origin="lower", aspect="auto", cmap="viridis")
        if values.size <= 100:
            middle = np.nanmean(values)
            for (i, j), v in np.ndenumerate(values):
                ax.text(j, i, f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}" if scale == 1 else f"{v:,.2f}",
                        ha="center", va="center",
                        fontsize=7, color="white" if v < middle else "black")
        ax.set_xticks(range(grid.shape[1]), [_tick(v) for v in grid.columns])
        ax.set_yticks(range(grid.shape[0]), [_tick(v) for v in grid.index])
        ax.set_xlabel(_param(x))
        ax.set_ylabel(_param(y))
        reps = f", {int(df['n'].max())} replications per point" if "n" in df.columns and len(df) else ""
        ax.set_title(f"{arm}: mean {_label(metric)}, contract year {year}{reps}", fontsize=9)
        bar = fig.colorbar(image, ax=ax)
        bar.set_label(f"mean {_axis(metric)}")
        bar.formatter.set_useOffset(False)   # values are already in £ million: never a '1e6' offset
        bar.update_ticks()
    return _laid_out(fig)


def _tick(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
