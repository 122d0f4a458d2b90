"""Matplotlib figures for the app: activity, money, health, the provider network, journeys, B against each A.

Each function reads a model and returns a new `Figure` (never pyplot, so figures drawn for different browser
sessions on different threads share no state); `to_png` turns one into bytes. Margins are fixed rather than
computed by a layout engine, which would triple the drawing time.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, MaxNLocator

from ihoabm.app import series
from ihoabm.outputs import catalogue
from ihoabm.outputs.plots import ARM_COLOURS, ORG_COLOURS, SETTING_COLOURS

if TYPE_CHECKING:
    from mesa import Model as IHOModel  # not ihoabm.core.model: the app's helpers stay below the model

DPI = 80
EXPORT_DPI = 150   # downloads: sharp on a slide
INK = "#2c3e50"
B_COLOUR = INK   # the comparison page's alternative; each comparator keeps its colour from ARM_COLOURS
GBP_M = catalogue.scaled_unit("GBP", 1e6)
# Titles and units from the outputs catalogue.
ACTIVITY = tuple((name, f"{catalogue.label(name)} a week") for name in catalogue.APP_ACTIVITY)
# The health panel: QALYs lived, deaths by the care failure that caused them, crises caused by care failures.
QALYS, *HEALTH_DEATHS, CARE_FAILURE_CRISES = catalogue.APP_HEALTH
HEALTH_TITLES = (f"{catalogue.label(QALYS)}, cumulative ({catalogue.metric(QALYS).unit})",
                 f"Deaths after a care failure, by cause, cumulative ({catalogue.metric(HEALTH_DEATHS[0]).unit})",
                 f"{catalogue.label(CARE_FAILURE_CRISES)}, cumulative")
DEATH_COLOURS = ("#c0392b", "#8e44ad", "#7f8c8d")
OCCUPANCY_TITLE = f"{catalogue.label('bed_occupancy')}, 7-day mean (%)"
# Journey events by kind, matched on the start of the event text; colours follow the setting palette.
EVENT_KINDS = (
    ("GP care", ("GP appointment", "in GP proactive care"), SETTING_COLOURS["primary"], "."),
    ("community", ("on district nursing caseload", "999: urgent community response", "virtual ward"),
     SETTING_COLOURS["community"], "s"),
    ("999 and A&E", ("crisis", "999", "A&E attendance", "no GP appointment"),
     SETTING_COLOURS["ambulance"], "^"),
    ("hospital bed", ("emergency admission", "medically fit", "discharged", "planned treatment"),
     SETTING_COLOURS["acute"], "o"),
    ("waiting list", ("referred for planned treatment",), "#95a5a6", "|"),
    ("new condition", ("new long-term condition",), SETTING_COLOURS["prevention"], "d"),
    ("died", ("died",), "black", "x"),
)
# Who pays sits at the top; patients flow from the left (GP, ambulance) to the right (acute, community).
NETWORK_POSITIONS = {"icb": (0.0, 1.25), "host": (0.0, 0.6), "gp": (-1.0, 0.15), "ambulance": (-1.0, -0.85),
                     "acute": (1.0, 0.15), "community": (1.0, -0.85), "prevention": (0.0, -1.35)}
TITLE_WIDTH = 48      # characters: a comparison panel's longer titles wrap onto a second line
MARGIN_SCALE = 0.05   # a 5% surplus or deficit on income is full colour


def to_png(fig: Figure, dpi: int = DPI) -> bytes:
    """PNG bytes of a figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _timeline(ax: Axes, model: IHOModel, title: str, ylabel: str = "") -> None:
    burn = series.burn_in(model)
    if burn > 0:
        ax.axvspan(0, burn, color="#ecf0f1", zorder=0, label="burn-in (PbR for all)")
    ax.set_xlim(0, max(series.now(model), 8 / 52))
    ax.set_title(title, fontsize=9)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=7)
    # Few ticks: tick labels are most of the drawing time, and the app redraws every step.
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.grid(alpha=0.3, lw=0.5)


def _line(ax: Axes, t: np.ndarray, values: np.ndarray, **style: Any) -> None:
    """Plot a series; with only a few points, mark them (a single point draws no line)."""
    ax.plot(t, values, marker="o" if t.size < 8 else None, ms=2.5, **style)


def activity_figure(model: IHOModel) -> Figure:
    """Emergency admissions, conveyances and A&E attendances a week, and bed occupancy."""
    fig = Figure(figsize=(7.0, 4.6))
    fig.subplots_adjust(left=0.08, right=0.98, top=0.94, bottom=0.1, hspace=0.3, wspace=0.22)
    axes = fig.subplots(2, 2, sharex=True).ravel()
    for ax, (name, title) in zip(axes, ACTIVITY, strict=False):
        _timeline(ax, model, title)
        _line(ax, *series.weekly_sum(model, name), color=INK, lw=1)
    ax = axes[3]
    _timeline(ax, model, OCCUPANCY_TITLE)
    t, occ = series.weekly_mean(model, "bed_occupancy")
    _line(ax, t, occ * 100, color=SETTING_COLOURS["acute"], lw=1)
    ax.axhline(85, color="grey", ls=":", lw=0.8)
    for ax in axes[2:]:
        ax.set_xlabel("simulation year", fontsize=8)
    return fig


def money_figure(model: IHOModel) -> Figure:
    """Cumulative spending by setting, and each provider's surplus (+) or deficit (-) this contract year."""
    fig = Figure(figsize=(7.0, 3.2))
    fig.subplots_adjust(left=0.08, right=0.98, top=0.91, bottom=0.14, wspace=0.25)
    ax, ax2 = fig.subplots(1, 2)
    _timeline(ax, model, f"{catalogue.label('spend_total')} by setting, cumulative", GBP_M)
    for setting, name in series.SPEND.items():
        ax.plot(*series.level(model, name, 1e6), color=SETTING_COLOURS[setting], lw=1.2,
                label=catalogue.who(name))
    ax.legend(fontsize=7, loc="upper left")
    _timeline(ax2, model, "Surplus (+) or deficit (-), year to date", GBP_M)
    for name in series.BALANCES:
        setting = catalogue.metric(name).setting
        if setting == "host" and model.host is None:
            continue
        ax2.plot(*series.year_to_date(model, name, 1e6), color=ORG_COLOURS[setting], lw=1.2,
                 label=catalogue.who(name))
    ax2.axhline(0, color="grey", lw=0.8)
    ax2.legend(fontsize=7, loc="upper left")
    for a in (ax, ax2):
        a.set_xlabel("simulation year", fontsize=8)
    return fig


def health_figure(model: IHOModel) -> Figure:
    """QALYs lived, deaths after each kind of care failure, and crises caused by care failures, since the start."""
    fig = Figure(figsize=(7.0, 3.0))
    fig.subplots_adjust(left=0.09, right=0.98, top=0.88, bottom=0.15, wspace=0.3)
    axes = fig.subplots(1, 3)
    for ax, title in zip(axes, HEALTH_TITLES, strict=True):
        _timeline(ax, model, title.replace(", cumulative", ",\ncumulative", 1))
        ax.set_xlabel("simulation year", fontsize=8)
    _line(axes[0], *series.cumulative(model, QALYS), color=INK, lw=1.2)
    for name, colour in zip(HEALTH_DEATHS, DEATH_COLOURS, strict=True):
        _line(axes[1], *series.cumulative(model, name), color=colour, lw=1.2, label=catalogue.label(name))
    axes[1].legend(fontsize=5.5, loc="upper left")
    _line(axes[2], *series.cumulative(model, CARE_FAILURE_CRISES), color=SETTING_COLOURS["ambulance"], lw=1.2)
    return fig


def network_positions(model: IHOModel) -> dict[str, Any]:
    """Place the known organisations where they read well; any other at the model's seeded position."""
    return {n: NETWORK_POSITIONS.get(n, model.layout[n]) for n in model.network.nodes}


def network_figure(model: IHOModel, edge_weight: str = "patients") -> Figure:
    """Draw the provider network: nodes by the last 12 months' result, edges by `edge_weight` and trust.

    Args:
        model: The model.
        edge_weight: "patients" (referral flow last contract year) or "money" (payments over the last 12 months).
    """
    g = model.network
    pos = network_positions(model)
    fig = Figure(figsize=(5.6, 4.6))
    fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.02)
    ax = fig.subplots()
    net, income, flows = series.rolling_positions(model)   # as the page's network view (see there)
    nodes = list(g.nodes)
    margin = {n: net.get(n, 0.0) / income[n] if income.get(n) else 0.0 for n in nodes}
    norm = Normalize(-MARGIN_SCALE, MARGIN_SCALE, clip=True)
    node_cmap = colormaps["RdYlGn"]
    nx.draw_networkx_nodes(g, pos, nodelist=nodes, ax=ax, node_size=1700, edgecolors=INK, linewidths=0.8,
                           node_color=[node_cmap(norm(margin[n])) for n in nodes])
    nx.draw_networkx_labels(g, pos, ax=ax, font_size=7,
                            labels={n: f"{n}\n{net.get(n, 0.0) / 1e6:+,.1f}m" for n in nodes})
    edges = list(g.edges)
    weights = np.array([flows.get(e, 0.0) if edge_weight == "money" else float(g.edges[e][edge_weight])
                        for e in edges])
    top = weights.max() if weights.size and weights.max() > 0 else 1.0
    trust_cmap = colormaps["Blues"]
    nx.draw_networkx_edges(g, pos, edgelist=edges, ax=ax, width=list(0.8 + 7.0 * weights / top),
                           edge_color=[trust_cmap(0.25 + 0.75 * float(g.edges[e]["trust"])) for e in edges],
                           arrows=True, arrowsize=12, node_size=1700, connectionstyle="arc3,rad=0.1")
    what = "patients referred last contract year" if edge_weight == "patients" else "money paid, last 12 months"
    ax.set_title(f"Nodes: result over the last 12 months (GBP million; green surplus, red deficit)\n"
                 f"Edges: width = {what}; darker = more trust", fontsize=8)
    ax.set_axis_off()
    ax.margins(0.15)
    return fig


def event_kind(event: str) -> int:
    """Index into `EVENT_KINDS` of a journey event (GP care when nothing matches)."""
    for i, (_, starts, _, _) in enumerate(EVENT_KINDS):
        if event.startswith(starts):
            return i
    return 0


def patient_label(p: Any) -> str:
    """Short description of a tracked patient: row, sex, age, IMD quintile, conditions, frailty."""
    frail = ("fit", "mild frailty", "moderate frailty", "severe frailty")[p.frailty]
    return f"#{p.row} {p.sex} {p.age}, IMD {p.imd_quintile}, {p.ltc_count} LTC, {frail}"


def journeys_figure(model: IHOModel) -> Figure:
    """Each tracked patient's events over time, one row per person, coloured by where they happened."""
    patients = list(model.tracker.patients.values())
    height = 0.8 + 0.2 * max(len(patients), 4)
    fig = Figure(figsize=(7.0, height))
    fig.subplots_adjust(left=0.3, right=0.82, top=1 - 0.3 / height, bottom=0.45 / height)
    ax = fig.subplots()
    _timeline(ax, model, "Tracked patients' journeys")
    points: list[list[tuple[float, int]]] = [[] for _ in EVENT_KINDS]
    for y, p in enumerate(patients):
        for day, event in p.journey:
            points[event_kind(event)].append(((day + 1) / 365, y))
    for (label, _, colour, marker), pts in zip(EVENT_KINDS, points, strict=True):
        if pts:
            xy = np.array(pts)
            ax.plot(xy[:, 0], xy[:, 1], ls="none", marker=marker, ms=4, color=colour, label=label, mew=0.8)
    ax.yaxis.set_major_locator(FixedLocator(range(len(patients))))
    ax.set_yticklabels([patient_label(p) for p in patients], fontsize=6)
    ax.set_ylim(len(patients) - 0.5, -0.5)
    ax.set_xlabel("simulation year", fontsize=8)
    if any(points):
        ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


def _compared(name: str) -> tuple[str, str, str]:
    """Title and how to read one of the comparison page's metrics: a weekly count, a level, money."""
    m = catalogue.metric(name)
    if name == "spend_total":
        return name, f"{m.label}, cumulative ({GBP_M})", "spend"
    if m.kind == "money":
        return name, f"{m.label}, year to date ({GBP_M})", "ytd"
    if m.kind == "rate":
        return name, f"{m.label}, 7-day mean (%)", "mean"
    return name, f"{m.label} a week", "count"


COMPARED = tuple(_compared(name) for name in catalogue.APP_COMPARED)
# The comparison page's health figure: every `catalogue.APP_HEALTH` series counted from the start of the run.
HEALTH_COMPARED = tuple((name, f"{catalogue.label(name)}, cumulative", "cumulative")
                        for name in catalogue.APP_HEALTH)


def compared_series(model: IHOModel, name: str, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """One `COMPARED` series of a model."""
    if kind == "count":
        return series.weekly_sum(model, name)
    if kind == "mean":
        t, v = series.weekly_mean(model, name)
        return t, v * 100
    if kind == "spend":
        return series.total_spend(model)
    if kind == "cumulative":
        return series.cumulative(model, name)
    return series.year_to_date(model, name, 1e6)


def comparison_figure(comparators: Sequence[IHOModel], alternative: IHOModel, comparator_labels: Sequence[str],
                      alternative_label: str, compared: Sequence[tuple[str, str, str]] = COMPARED) -> Figure:
    """Each metric for every run (top) and B minus each A (below), as the runs step together.

    Each comparator A keeps one colour in both rows (its own line above, B minus it below); B is drawn in ink.
    `compared` holds the metrics as (name, title, how to read it): `COMPARED` (activity and money) or
    `HEALTH_COMPARED`.
    """
    cols = 3
    rows = int(np.ceil(len(compared) / cols))
    fig = Figure(figsize=(11.0, 3.6 * rows))
    grid = fig.add_gridspec(rows * 2, cols, height_ratios=[1.6, 1.0] * rows, left=0.06, right=0.99,
                            top=0.95, bottom=0.07, hspace=0.5, wspace=0.2)
    colours = ARM_COLOURS[:len(comparators)]
    for k, (name, title, kind) in enumerate(compared):
        r, c = divmod(k, cols)
        top = fig.add_subplot(grid[2 * r, c])
        bottom = fig.add_subplot(grid[2 * r + 1, c], sharex=top)
        t, vb = compared_series(alternative, name, kind)
        _timeline(top, alternative, textwrap.fill(title, TITLE_WIDTH))
        _timeline(bottom, alternative, "")
        bottom.axhline(0, color="grey", lw=0.8)
        for model, label, colour in zip(comparators, comparator_labels, colours, strict=True):
            ta, va = compared_series(model, name, kind)
            _line(top, ta, va, color=colour, lw=1, label=f"A: {label}")
            n = min(va.size, vb.size)
            _line(bottom, t[:n], vb[:n] - va[:n], color=colour, lw=0.9, label=f"B - {label}")
        _line(top, t, vb, color=B_COLOUR, lw=1.2, label=f"B: {alternative_label}")
        top.tick_params(labelbottom=False)
        bottom.set_ylabel("B - A", fontsize=8)
        if r == rows - 1:
            bottom.set_xlabel("simulation year", fontsize=8)
        if k == 0:
            top.legend(fontsize=7, loc="upper left")
    return fig
