"""Solara components that show one model: status and messages, activity, money, health, network, journeys.

Each panel takes the model and draws with `ihoabm.app.figures`; a figure is redrawn only when what it shows
has changed (the day, the ledger, the journeys), so a Step that moves one panel does not redraw the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import markdown
import solara
from matplotlib.figure import Figure

from ihoabm.app import figures, series
from ihoabm.app.params import LEVERS

if TYPE_CHECKING:
    from ihoabm.core.model import IHOModel

PANEL_STYLE = {"max-height": "380px", "overflow-y": "auto", "width": "100%"}
MD_CSS = """
.ihoabm-md table { border-collapse: collapse; margin: 4px 0 8px 0; font-size: 0.9em; }
.ihoabm-md th, .ihoabm-md td { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; }
.ihoabm-md h3 { margin: 4px 0; }
.ihoabm-md strong { font-weight: 700; }
.ihoabm-md ul { margin-bottom: 6px; }
"""


@solara.component
def Md(text: str, classes: list[str] | None = None) -> None:
    """Render Markdown (with tables) on the server.

    `solara.Markdown` would ask for KaTeX, which solara-assets does not ship, so offline it fails to load;
    this renders the same text to HTML in Python instead. Only pass text from the app and the model, never
    what a user typed.
    """
    solara.Style(MD_CSS)
    html = markdown.markdown(text, extensions=["tables"])
    solara.HTML(tag="div", unsafe_innerHTML=html, classes=["ihoabm-md", *(classes or [])])


@solara.component
def FigureImage(draw: Callable[[], Figure], key: Any, name: str) -> solara.Element:
    """Show a matplotlib figure as a PNG that fills its container's width.

    Args:
        draw: Makes the figure.
        key: Redraw only when this changes.
        name: A CSS class (`ihoabm-<name>`) so tests and people can find the image.
    """
    png = solara.use_memo(lambda: figures.to_png(draw()), dependencies=[key])
    return solara.Image(png, width="100%", classes=[f"ihoabm-{name}"])


def _key(model: IHOModel, *extra: Any) -> tuple[Any, ...]:
    return (id(model), model.day, *extra)


@solara.component
def InputMessages(model: IHOModel) -> None:
    """One error box per control value the model could not use (shown after Reset)."""
    inputs = getattr(model, "inputs", None)
    for message in inputs.messages if inputs else ():
        solara.Error(message, dense=True)


@solara.component
def StatusPanel(model: IHOModel, day: int = 0) -> None:
    """Scenario, day, contract phase, the levers in force, and any rejected input.

    Args:
        model: The model shown.
        day: The model's day; it changes with every step, which is what makes the panel redraw.
    """
    sc = model.scenario
    inputs = getattr(model, "inputs", None)
    moved = inputs.from_slider if inputs else frozenset()
    levers = "\n".join(
        f"- {lever.label}: **{lever.fmt.format(lever.value_in(sc))}** "
        f"({'slider' if lever.name in moved else 'scenario'})" for lever in LEVERS)
    with solara.Column(style=PANEL_STYLE, classes=["ihoabm-status"]):
        InputMessages(model)
        Md(
            f"**Day {model.day}** ({series.when(model.day)}): {series.phase(model)}.\n\n"
            f"### {sc.meta.name}\n{sc.meta.question}\n\n"
            f"Residents: {sc.run.patients:,} (living now: {model.population_size():,}); seed {sc.run.seed}; "
            f"regime {sc.contract.regime}.\n\n{levers}\n\n"
            "Sliders left at their starting value keep the scenario's own setting. "
            "Parameters apply on Reset.")


@solara.component
def ActivityPanel(model: IHOModel, day: int = 0) -> solara.Element:
    """Emergency admissions, conveyances, A&E attendances and bed occupancy over time.

    Args:
        model: The model shown.
        day: The model's day; it changes with every step, which is what makes the panel redraw.
    """
    return FigureImage(lambda: figures.activity_figure(model), _key(model), "activity")


@solara.component
def MoneyPanel(model: IHOModel, day: int = 0) -> solara.Element:
    """Spending by setting and providers' surplus or deficit.

    Args:
        model: The model shown.
        day: The model's day; it changes with every step, which is what makes the panel redraw.
    """
    return FigureImage(lambda: figures.money_figure(model), _key(model), "money")


@solara.component
def HealthPanel(model: IHOModel, day: int = 0) -> solara.Element:
    """QALYs lived, deaths by the care failure that caused them, and crises caused by care failures.

    Args:
        model: The model shown.
        day: The model's day; it changes with every step, which is what makes the panel redraw.
    """
    return FigureImage(lambda: figures.health_figure(model), _key(model), "health")


@solara.component
def NetworkPanel(model: IHOModel, day: int = 0) -> None:
    """Draw the provider network, with a choice of edge width: patient flow or money.

    Args:
        model: The model shown.
        day: The model's day; it changes with every step, which is what makes the panel redraw.
    """
    weight, set_weight = solara.use_state("patients")
    with solara.Column(style=PANEL_STYLE):
        solara.ToggleButtonsSingle(weight, values=["patients", "money"], on_value=set_weight, dense=True)
        key = (id(model), len(model.ledger.rows), weight)
        FigureImage(lambda: figures.network_figure(model, weight), key, "network")


@solara.component
def JourneysPanel(model: IHOModel, day: int = 0) -> None:
    """Tracked patients' journeys as a timeline, and one person's events as a list.

    Args:
        model: The model shown.
        day: The model's day; it changes with every step, which is what makes the panel redraw.
    """
    patients = model.tracker.patients
    labels = {figures.patient_label(p): row for row, p in patients.items()}
    chosen, set_chosen = solara.use_state(next(iter(labels), ""))
    events = sum(len(p.journey) for p in patients.values())
    with solara.Column(style=PANEL_STYLE):
        FigureImage(lambda: figures.journeys_figure(model), (id(model), events), "journeys")
        if not labels:
            solara.Text("No tracked patients in this scenario.")
            return
        if chosen not in labels:
            chosen = next(iter(labels))
        solara.Select("Follow one person", values=list(labels), value=chosen, on_value=set_chosen)
        person = patients[labels[chosen]]
        latest = person.journey[-15:][::-1]
        rows = "\n".join(f"| {day} | {series.when(day)} | {event} |" for day, event in latest)
        Md(f"Now: **{person.care_state}**. Latest events:\n\n"
           "| day | when | event |\n|---|---|---|\n" + (rows or "| | | nothing yet |"))


# SolaraViz re-renders these wrappers after every step; passing the day makes the panel re-render too
# (a component whose arguments are unchanged is not re-rendered).
def status_panel(model: IHOModel) -> solara.Element:
    """SolaraViz component: status and messages."""
    return StatusPanel(model, model.day)


def activity_panel(model: IHOModel) -> solara.Element:
    """SolaraViz component: activity plots."""
    return ActivityPanel(model, model.day)


def money_panel(model: IHOModel) -> solara.Element:
    """SolaraViz component: money plots."""
    return MoneyPanel(model, model.day)


def health_panel(model: IHOModel) -> solara.Element:
    """SolaraViz component: health plots."""
    return HealthPanel(model, model.day)


def network_panel(model: IHOModel) -> solara.Element:
    """SolaraViz component: the provider network."""
    return NetworkPanel(model, model.day)


def journeys_panel(model: IHOModel) -> solara.Element:
    """SolaraViz component: tracked patients' journeys."""
    return JourneysPanel(model, model.day)
