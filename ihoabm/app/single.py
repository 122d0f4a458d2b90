"""The single-model page: one run, set up from the sidebar, played, paused and stepped in the app's words.

Each browser session has its own `Session` (its run in a worker process of its own). The set-up controls
apply on Reset; a value that cannot be used is reported on the page, and the run is built with the default.
"""

from __future__ import annotations

from typing import Any

import solara

from ihoabm.app import story
from ihoabm.app.components import (
    CSS,
    SIDEBAR_STYLE,
    ChartGrid,
    ContractYearsSwitch,
    Downloads,
    Md,
    Results,
    RunControls,
    Story,
    ViewOptions,
    use_session,
)
from ihoabm.app.one_run import DOWNLOADS, TABS
from ihoabm.app.params import DEFAULT_POPULATION, DEFAULT_SCENARIO, DEFAULT_SEED, LEVERS
from ihoabm.app.session import Session

TITLE = "ihoabm: one local health economy"
SCENARIO_LABEL = "Scenario (payment rules)"
POPULATION_LABEL = "Residents (1,000 to 200,000)"
SEED_LABEL = "Seed (a whole number)"
YEARS_LABEL = "Years after the burn-in"
DEFAULT_YEARS, MAX_YEARS = 5, 10


def initial_spec() -> dict[str, Any]:
    """What the page builds first: the default scenario, population and seed, levers at the scenario's own."""
    return {"scenario": DEFAULT_SCENARIO, "patients": str(DEFAULT_POPULATION), "seed": str(DEFAULT_SEED)}


@solara.component
def Setup(session: Session) -> None:
    """Scenario, levers, residents and seed; Reset builds a new run from them at day 0."""
    choices = story.choices()
    scenario = solara.use_reactive(story.title(DEFAULT_SCENARIO))
    levers = {lever.name: solara.use_reactive(lever.default) for lever in LEVERS}
    patients = solara.use_reactive(str(DEFAULT_POPULATION))
    seed = solara.use_reactive(str(DEFAULT_SEED))
    years = solara.use_reactive(DEFAULT_YEARS)

    def reset() -> None:
        spec: dict[str, Any] = {"scenario": choices.get(scenario.value, scenario.value), "patients": patients.value,
                                "seed": seed.value, "years": years.value}
        spec.update({name: r.value for name, r in levers.items()})
        session.reset(spec)

    with solara.Card("Set up the run"):
        with solara.Tooltip(story.LEVER_TIPS["scenario"]), solara.Column():
            solara.Select(SCENARIO_LABEL, values=list(choices), value=scenario)
        for lever in LEVERS:
            r = levers[lever.name]
            with solara.Tooltip(story.LEVER_TIPS[lever.name]), solara.Column(gap="0px"):
                solara.Text(f"{lever.label}: {lever.fmt.format(r.value)}", classes=["ihoabm-lever"],
                            style={"margin-bottom": "30px"})
                solara.SliderFloat("", value=r, min=lever.low, max=lever.high, step=lever.step,
                                   thumb_label="always")
        with solara.Tooltip(story.LEVER_TIPS["years"]), solara.Column(gap="0px"):
            solara.Text(f"{YEARS_LABEL}: {years.value}", classes=["ihoabm-lever"], style={"margin-bottom": "30px"})
            solara.SliderInt("", value=years, min=1, max=MAX_YEARS, thumb_label="always")
        with solara.Tooltip(story.LEVER_TIPS["patients"]), solara.Column():
            solara.InputText(POPULATION_LABEL, value=patients)
        with solara.Tooltip(story.LEVER_TIPS["seed"]), solara.Column():
            solara.InputText(SEED_LABEL, value=seed)
        solara.Text("Sliders left where they start keep the scenario's own setting. Changes apply on Reset.")
        solara.Button("Reset", color="primary", on_click=reset)


@solara.component
def SinglePage() -> None:
    """One run, a new one for each browser session."""
    session = use_session("one", initial_spec, {"tab": TABS[0]})
    view = session.view
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    # A fixed width: Solara's sidebar is as wide as its widest content, and the page is laid out beside it.
    with solara.Sidebar(), solara.Column(style=SIDEBAR_STYLE):
        with solara.Card("Run"):
            RunControls(session, session.state, view)
            ContractYearsSwitch(session, view)
        Setup(session)
    with solara.Column(style={"width": "100%", "padding": "0 16px"}):
        for message in view.messages:
            solara.Error(message, dense=True, classes=["ihoabm-message"])
        Md(view.header, classes=["ihoabm-status"])
        Story(view)
        ViewOptions(session, view, TABS)
        if view.options.get("tab") == "network":
            solara.ToggleButtonsSingle(view.options.get("weight", "money"), values=["money", "patients"],
                                       on_value=lambda w: session.set_options({"weight": w}))
        ChartGrid(view)
        if view.people:
            solara.Select("Follow one person", values=list(view.people),
                          value=view.options.get("person") or view.people[0],
                          on_value=lambda p: session.set_options({"person": p}))
            Md(view.person, classes=["ihoabm-person"])
        Results(view, "Results by year (rates per 1,000 residents a year)")
        Downloads(session, DOWNLOADS, "ihoabm-run")
