"""The single-model page: Mesa's SolaraViz with the scenario, levers, population and seed as controls.

Each browser session builds its own `AppModel`; SolaraViz's Reset builds a new one from the controls, and
any value it cannot use is reported on the page instead of raising.
"""

from __future__ import annotations

from typing import Any

import solara
from mesa.visualization import Slider, SolaraViz

from ihoabm.app import components
from ihoabm.app.params import DEFAULT_POPULATION, DEFAULT_SCENARIO, DEFAULT_SEED, LEVERS, AppModel
from ihoabm.scenario import builtin_names

PLAY_INTERVAL_MS = 150
DAYS_PER_STEP = 7
TITLE = "ihoabm: one local health economy"


def model_params() -> dict[str, Any]:
    """SolaraViz controls: keys are `AppModel` arguments."""
    params: dict[str, Any] = {
        "scenario": {"type": "Select", "value": DEFAULT_SCENARIO, "values": builtin_names(),
                     "label": "Scenario or regime"},
    }
    for lever in LEVERS:
        params[lever.name] = Slider(lever.label, value=lever.default, min=lever.low, max=lever.high,
                                    step=lever.step, dtype=float)
    params["patients"] = {"type": "InputText", "value": str(DEFAULT_POPULATION),
                          "label": "Residents (1,000 to 200,000)"}
    params["seed"] = {"type": "InputText", "value": str(DEFAULT_SEED), "label": "Seed (a whole number)"}
    return params


def initial_values(params: dict[str, Any]) -> dict[str, Any]:
    """Return the controls' starting values, as SolaraViz passes them to Reset."""
    return {k: (v.value if isinstance(v, Slider) else v["value"]) for k, v in params.items()}


COMPONENTS = [
    (components.status_panel, 0),
    (components.activity_panel, 0),
    (components.money_panel, 0),
    (components.health_panel, 0),
    (components.network_panel, 0),
    (components.journeys_panel, 0),
]


@solara.component
def SinglePage() -> None:
    """One model, stepped a week at a time; a new model for each browser session."""
    params = solara.use_memo(model_params, [])
    model = solara.use_memo(lambda: AppModel(**initial_values(params)), [])
    SolaraViz(model, components=COMPONENTS, model_params=params, name=TITLE,
              play_interval=PLAY_INTERVAL_MS, render_interval=DAYS_PER_STEP)
