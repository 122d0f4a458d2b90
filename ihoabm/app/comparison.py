"""The comparison page: an alternative (B) and the payment systems it is compared with (A), stepping together.

B starts as `iho_invest_to_save` and the comparators as `pbr_2004` (PbR as it was) and `api_today` (the
payment rules in force now), the choice `ihoabm compare` and notebook 2 offer; any scenario may be chosen on
either side. Every run starts from the same seed, and B minus each A is plotted. The runs live in this browser
session's worker process. Choosing scenarios or typing a valid population or seed rebuilds every run at day 0;
a value that cannot be used shows a message and leaves the runs as they were.
"""

from __future__ import annotations

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
from ihoabm.app.lockstep import MAX_COMPARATORS
from ihoabm.app.paired_run import DOWNLOADS, TABS
from ihoabm.app.params import DEFAULT_POPULATION, DEFAULT_SEED, check_population, check_seed
from ihoabm.app.single import DEFAULT_YEARS, MAX_YEARS, YEARS_LABEL

DEFAULT_COMPARATORS, DEFAULT_B = ("pbr_2004", "api_today"), "iho_invest_to_save"
COMPARATORS_LABEL = f"A: compared with (1 to {MAX_COMPARATORS})"
ALTERNATIVE_LABEL = "B: the alternative"
TITLE = "ihoabm: compare payment systems side by side"


def initial_spec() -> dict:
    """The runs the page builds first."""
    return {"comparators": list(DEFAULT_COMPARATORS), "alternative": DEFAULT_B, "patients": DEFAULT_POPULATION,
            "seed": DEFAULT_SEED, "years": DEFAULT_YEARS}


@solara.component
def ComparisonPage() -> None:
    """Scenario B and the scenarios A it is compared with, from the same seed, with play, pause, step and reset."""
    session = use_session("paired", initial_spec, {"tab": TABS[0]})
    view = session.view
    choices = story.choices()
    names = {v: k for k, v in choices.items()}
    a_titles = solara.use_reactive([names[n] for n in DEFAULT_COMPARATORS])
    b_title = solara.use_reactive(names[DEFAULT_B])
    patients_text = solara.use_reactive(str(DEFAULT_POPULATION))
    seed_text = solara.use_reactive(str(DEFAULT_SEED))
    years = solara.use_reactive(DEFAULT_YEARS)
    message = solara.use_reactive("")
    population_ok, population_problem = check_population(patients_text.value)
    seed_ok, seed_problem = check_seed(seed_text.value)

    def rebuild() -> None:
        """Every run anew at day 0 from the current controls, unless a control holds a bad value."""
        n, problem = check_population(patients_text.value)
        s, seed_problem_now = check_seed(seed_text.value)
        if n is None or s is None:
            message.set(f"{problem or seed_problem_now}. The runs were not changed.")
            return
        if not 1 <= len(a_titles.value) <= MAX_COMPARATORS:
            message.set(f"Choose 1 to {MAX_COMPARATORS} scenarios to compare with (A). The runs were not changed.")
            return
        message.set("")
        session.reset({"comparators": [choices[t] for t in a_titles.value], "alternative": choices[b_title.value],
                       "patients": n, "seed": s, "years": years.value})

    def choose(target: solara.Reactive):
        def on_value(value: str | list[str]) -> None:
            target.set(value)
            rebuild()
        return on_value

    def skip_button(disabled: bool) -> None:
        solara.Button("Skip burn-in", on_click=session.skip_burn_in, outlined=True,
                      disabled=disabled or view.finished or view.day >= view.options.get("burn_in_days", 365),
                      )

    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    # A fixed width: Solara's sidebar is as wide as its widest content, and the page is laid out beside it.
    with solara.Sidebar(), solara.Column(style=SIDEBAR_STYLE):
        with solara.Card("Run"):
            RunControls(session, session.state, view, skip_button)
            ContractYearsSwitch(session, view)
            solara.Button("Reset", color="primary", on_click=rebuild)
        with solara.Card("Runs"):
            with solara.Tooltip("One to three scenarios to measure B against; each keeps its colour."), \
                    solara.Column():
                solara.SelectMultiple(COMPARATORS_LABEL, values=a_titles.value, all_values=list(choices),
                                      on_value=choose(a_titles))
            with solara.Tooltip("The scenario measured against each A (any scenario, an IHO to start)."), \
                    solara.Column():
                solara.Select(ALTERNATIVE_LABEL, values=list(choices), value=b_title.value, on_value=choose(b_title))
            with solara.Tooltip(story.LEVER_TIPS["patients"]), solara.Column():
                solara.InputText("Residents (1,000 to 200,000)", value=patients_text, on_value=lambda _: rebuild(),
                                 error=population_problem if population_ok is None else False)
            with solara.Tooltip(story.LEVER_TIPS["seed"]), solara.Column():
                solara.InputText("Seed (a whole number)", value=seed_text, on_value=lambda _: rebuild(),
                                 error=seed_problem if seed_ok is None else False)
            with solara.Tooltip(story.LEVER_TIPS["years"]), solara.Column(gap="0px"):
                solara.Text(f"{YEARS_LABEL}: {years.value}", classes=["ihoabm-lever"], style={"margin-bottom": "30px"})
                solara.SliderInt("", value=years.value, min=1, max=MAX_YEARS, thumb_label="always",
                                 on_value=choose(years))
            if message.value:
                solara.Error(message.value, classes=["ihoabm-message"])
    with solara.Column(style={"width": "100%", "padding": "0 16px"}):
        Md(view.header, classes=["ihoabm-header"])
        Story(view)
        ViewOptions(session, view, TABS)
        ChartGrid(view)
        Results(view, "Results: each run, B minus each A, and value for money")
        Downloads(session, DOWNLOADS, "ihoabm-compare")
