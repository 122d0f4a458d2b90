"""The comparison page: an IHO run (B) and the payment systems it is compared with (A), stepping together.

B starts as `iho_invest_to_save` and the comparators as `pbr_2004` (PbR as it was) and `api_today` (the
payment rules in force now), the choice `ihoabm compare` and notebook 2 offer. Every run starts from the same
seed, and B minus each A is plotted.

State lives in the component, so every browser session has its own runs. Choosing scenarios or typing a valid
population or seed rebuilds every run at day 0; a value that cannot be used shows a message and leaves the
runs as they were.
"""

from __future__ import annotations

import threading
import time

import solara
import solara.lab
from matplotlib.figure import Figure

from ihoabm.app import figures, series
from ihoabm.app.components import FigureImage, Md
from ihoabm.app.lockstep import MAX_COMPARATORS, Lockstep
from ihoabm.app.params import DEFAULT_POPULATION, DEFAULT_SEED, check_population, check_seed
from ihoabm.scenario import ScenarioError, builtin_names

DEFAULT_COMPARATORS, DEFAULT_B = ("pbr_2004", "api_today"), "iho_invest_to_save"
COMPARATORS_LABEL = f"A: compared with (1 to {MAX_COMPARATORS})"
ALTERNATIVE_LABEL = "B: alternative (IHO)"
STEP_SIZES = {"1 day": 1, "1 week": 7, "4 weeks": 28}
DEFAULT_STEP = "1 week"
PLAY_PAUSE_S = 0.05
SHOWN_TIMEOUT_S = 10.0
TITLE = "ihoabm: an IHO against PbR and today's payment"
HEALTH_HEADING = ("### Health\nQALYs lived, deaths after a care failure (a long wait in A&E for a bed, being sent "
                  "home at the margin, deteriorating on the waiting list) and crises caused by care failures, "
                  "each counted from the start. A saving that comes with fewer QALYs or more of these is a harm.")


def _number(label: str, x: float, signed: bool = False) -> str:
    """A total as the summary shows it: money to two decimals (GBP million), counts whole."""
    places = 2 if "GBP" in label or "QALY" in label else 0
    return f"{x:{'+' if signed else ''},.{places}f}"


def summary_markdown(runs: Lockstep) -> str:
    """Totals since the end of the burn-in for every run and B minus each A, as a Markdown table."""
    if runs.day <= runs.burn_in_days:
        return ""
    names = runs.comparator_names
    head = ["since the contracts began", *(f"A: {n}" for n in names), f"B: {runs.alternative_name}",
            *(f"B - {n}" for n in names)]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    for total in runs.totals():
        b = total.alternative
        diffs = [f"{_number(total.label, b - a, signed=True)} ({(b - a) / a * 100:+.1f}%)" if a
                 else _number(total.label, b - a, signed=True) for a in total.comparators]
        cells = [total.label, *(_number(total.label, a) for a in total.comparators), _number(total.label, b), *diffs]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def header_markdown(runs: Lockstep) -> str:
    """Describe the runs and where they are."""
    sc = runs.alternative.scenario
    against = ", ".join(f"**{n}**" for n in runs.comparator_names)
    text = (f"**Day {runs.day}** ({series.when(runs.day)}). B: **{runs.alternative_name}**, against A: {against}. "
            f"Every run: {sc.run.patients:,} residents, seed {sc.run.seed} (common random numbers).\n\n")
    if not runs.running:
        return text + "The runs have reached their end: press Reset to start again."
    if runs.day < runs.burn_in_days:
        if runs.identical_so_far():
            return text + ("Burn-in: every run is paid under status-quo PbR contracts, so they are identical "
                           "and each B - A is zero. Press **Skip burn-in** to jump to the day the contracts differ.")
        return text + ("Burn-in: every run is paid under status-quo PbR contracts, but these scenarios differ "
                       "in more than the contract (community funding, say), so B - A is not zero even now. "
                       "Press **Skip burn-in** to jump to the day the contracts start.")
    return text + (f"Since day {runs.burn_in_days} each run is paid under its own contract; with the same "
                   "random numbers in every run, each B - A is the effect of the contracts, not chance.")


@solara.component
def ComparisonPage() -> None:
    """Scenario B and the scenarios A it is compared with, from the same seed, with play, pause, step and reset."""
    a_names = solara.use_reactive(list(DEFAULT_COMPARATORS))
    b_name = solara.use_reactive(DEFAULT_B)
    patients_text = solara.use_reactive(str(DEFAULT_POPULATION))
    seed_text = solara.use_reactive(str(DEFAULT_SEED))
    step_size = solara.use_reactive(DEFAULT_STEP)
    playing = solara.use_reactive(False)
    message = solara.use_reactive("")
    initial = solara.use_memo(
        lambda: Lockstep.build(DEFAULT_COMPARATORS, DEFAULT_B, DEFAULT_POPULATION, DEFAULT_SEED), [])
    runs = solara.use_reactive(initial)
    tick = solara.use_reactive(0)
    # Held while a run steps and while the page reads it: Play steps in a thread, and a render may run in
    # another, so without it a figure could mix days (an A stepped, B not yet).
    lock = solara.use_memo(threading.RLock, [])
    shown = solara.use_memo(threading.Event, [])   # set once the page shows the runs' current day
    population_ok, population_problem = check_population(patients_text.value)
    seed_ok, seed_problem = check_seed(seed_text.value)

    def rebuild() -> None:
        """Every run anew at day 0 from the current controls, unless a control holds a bad value."""
        playing.set(False)
        n, problem = check_population(patients_text.value)
        s, seed_problem_now = check_seed(seed_text.value)
        if n is None or s is None:
            message.set(f"{problem or seed_problem_now}. The runs were not changed.")
            return
        if not 1 <= len(a_names.value) <= MAX_COMPARATORS:
            message.set(f"Choose 1 to {MAX_COMPARATORS} scenarios to compare with (A). The runs were not changed.")
            return
        try:
            new = Lockstep.build(a_names.value, b_name.value, n, s)
        except ScenarioError as exc:
            message.set(f"{exc}. The runs were not changed.")
            return
        runs.set(new)
        message.set("")
        tick.set(tick.value + 1)

    def advance(days: int | None = None) -> None:
        with lock:
            if days is None:
                runs.value.skip_burn_in()
            else:
                runs.value.step(days)
        tick.set(tick.value + 1)

    def play_loop() -> None:
        while playing.value:
            if not runs.value.running:
                playing.set(False)
                break
            shown.clear()
            advance(STEP_SIZES[step_size.value])
            # Step again only once this day is on the page: a render already under way in another thread
            # returns `tick.set` at once, and the runs would race ahead of what people see.
            shown.wait(timeout=SHOWN_TIMEOUT_S)
            time.sleep(PLAY_PAUSE_S)

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def choose(target: solara.Reactive):
        def on_value(value: str | list[str]) -> None:
            target.set(value)
            rebuild()
        return on_value

    _ = tick.value  # subscribe: the runs are mutated in place, tick says when
    current = runs.value
    with lock:
        header, table, day = header_markdown(current), summary_markdown(current), current.day

    def draw() -> Figure:
        with lock:
            return figures.comparison_figure(current.comparators, current.alternative, current.comparator_names,
                                             current.alternative_name)

    def draw_health() -> Figure:
        with lock:
            return figures.comparison_figure(current.comparators, current.alternative, current.comparator_names,
                                             current.alternative_name, figures.HEALTH_COMPARED)

    solara.use_effect(shown.set, [id(current), day])

    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            with solara.Row(justify="space-between"):
                solara.Button("Reset", color="primary", on_click=rebuild)
                solara.Button("Pause" if playing.value else "Play", color="primary",
                              on_click=lambda: playing.set(not playing.value), disabled=not current.running)
                solara.Button("Step", color="primary", on_click=lambda: advance(STEP_SIZES[step_size.value]),
                              disabled=playing.value or not current.running)
            burnt_in = current.day >= current.burn_in_days
            solara.Button("Skip burn-in", on_click=lambda: advance(None), outlined=True,
                          disabled=playing.value or burnt_in or not current.running)
            solara.ToggleButtonsSingle(step_size, values=list(STEP_SIZES), dense=True)
        with solara.Card("Runs"):
            names = builtin_names()
            solara.SelectMultiple(COMPARATORS_LABEL, values=a_names.value, all_values=names,
                                  on_value=choose(a_names))
            solara.Select(ALTERNATIVE_LABEL, values=names, value=b_name.value, on_value=choose(b_name))
            solara.InputText("Residents (1,000 to 200,000)", value=patients_text,
                             on_value=lambda _: rebuild(),
                             error=population_problem if population_ok is None else False)
            solara.InputText("Seed (a whole number)", value=seed_text, on_value=lambda _: rebuild(),
                             error=seed_problem if seed_ok is None else False)
            if message.value:
                solara.Error(message.value, classes=["ihoabm-message"])
    with solara.Column(style={"width": "100%"}):
        Md(header, classes=["ihoabm-header"])
        FigureImage(draw, (id(current), day), "comparison")
        Md(HEALTH_HEADING, classes=["ihoabm-health-heading"])
        FigureImage(draw_health, (id(current), day), "comparison-health")
        if table:
            Md(table, classes=["ihoabm-summary"])
