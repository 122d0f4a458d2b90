"""The comparison page: a PbR run and an IHO run stepping together from the same seed, B minus A plotted.

State lives in the component, so every browser session has its own pair of runs. Choosing a scenario or
typing a valid population or seed rebuilds both runs at day 0; a value that cannot be used shows a message
and leaves the runs as they were.
"""

from __future__ import annotations

import threading
import time

import solara
import solara.lab
from matplotlib.figure import Figure

from ihoabm.app import figures, series
from ihoabm.app.components import FigureImage, Md
from ihoabm.app.pair import Pair
from ihoabm.app.params import DEFAULT_POPULATION, DEFAULT_SEED, check_population, check_seed
from ihoabm.scenario import ScenarioError, builtin_names

DEFAULT_A, DEFAULT_B = "baseline", "iho_invest_to_save"
STEP_SIZES = {"1 day": 1, "1 week": 7, "4 weeks": 28}
DEFAULT_STEP = "1 week"
PLAY_PAUSE_S = 0.05
SHOWN_TIMEOUT_S = 10.0
TITLE = "ihoabm: PbR and IHO side by side"


def summary_markdown(pair: Pair) -> str:
    """Totals since the end of the burn-in for A, B and their difference, as a Markdown table."""
    if pair.day <= pair.burn_in_days:
        return ""
    lines = ["| since the contracts began | A | B | B - A | B - A (%) |", "|---|---:|---:|---:|---:|"]
    for label, a, b in pair.totals():
        pct = f"{(b - a) / a * 100:+.1f}%" if a else "-"
        fmt = "{:,.2f}" if "GBP" in label else "{:,.0f}"
        lines.append(f"| {label} | {fmt.format(a)} | {fmt.format(b)} | {fmt.format(b - a)} | {pct} |")
    return "\n".join(lines)


def header_markdown(pair: Pair) -> str:
    """Describe the two runs and where they are."""
    a, b = pair.a.scenario, pair.b.scenario
    text = (f"**Day {pair.day}** ({series.when(pair.day)}). "
            f"A: **{a.meta.name}** ({a.contract.regime}); B: **{b.meta.name}** ({b.contract.regime}). "
            f"Both runs: {a.run.patients:,} residents, seed {a.run.seed} (common random numbers).\n\n")
    if not pair.running:
        return text + "The runs have reached their end: press Reset to start again."
    if pair.day < pair.burn_in_days:
        if pair.identical_so_far():
            return text + ("Burn-in: both runs are paid under status-quo PbR contracts, so they are identical "
                           "and B - A is zero. Press **Skip burn-in** to jump to the day the contracts differ.")
        return text + ("Burn-in: both runs are paid under status-quo PbR contracts, but these two scenarios "
                       "differ in more than the contract (community funding, say), so B - A is not zero even "
                       "now. Press **Skip burn-in** to jump to the day the contracts start.")
    return text + (f"Since day {pair.burn_in_days} each run is paid under its own contract; with the same "
                   "random numbers in both, B - A is the effect of the contract, not chance.")


@solara.component
def ComparisonPage() -> None:
    """Scenario A and scenario B from the same seed, with play, pause, step and reset."""
    a_name = solara.use_reactive(DEFAULT_A)
    b_name = solara.use_reactive(DEFAULT_B)
    patients_text = solara.use_reactive(str(DEFAULT_POPULATION))
    seed_text = solara.use_reactive(str(DEFAULT_SEED))
    step_size = solara.use_reactive(DEFAULT_STEP)
    playing = solara.use_reactive(False)
    message = solara.use_reactive("")
    initial = solara.use_memo(lambda: Pair.build(DEFAULT_A, DEFAULT_B, DEFAULT_POPULATION, DEFAULT_SEED), [])
    pair = solara.use_reactive(initial)
    tick = solara.use_reactive(0)
    # Held while a run steps and while the page reads it: Play steps in a thread, and a render may run in
    # another, so without it a figure could mix days (A stepped, B not yet).
    lock = solara.use_memo(threading.RLock, [])
    shown = solara.use_memo(threading.Event, [])   # set once the page shows the runs' current day
    population_ok, population_problem = check_population(patients_text.value)
    seed_ok, seed_problem = check_seed(seed_text.value)

    def rebuild() -> None:
        """Both runs anew at day 0 from the current controls, unless a control holds a bad value."""
        playing.set(False)
        n, problem = check_population(patients_text.value)
        s, seed_problem_now = check_seed(seed_text.value)
        if n is None or s is None:
            message.set(f"{problem or seed_problem_now}. The runs were not changed.")
            return
        try:
            new = Pair.build(a_name.value, b_name.value, n, s)
        except ScenarioError as exc:
            message.set(f"{exc}. The runs were not changed.")
            return
        pair.set(new)
        message.set("")
        tick.set(tick.value + 1)

    def advance(days: int | None = None) -> None:
        with lock:
            if days is None:
                pair.value.skip_burn_in()
            else:
                pair.value.step(days)
        tick.set(tick.value + 1)

    def play_loop() -> None:
        while playing.value:
            if not pair.value.running:
                playing.set(False)
                break
            shown.clear()
            advance(STEP_SIZES[step_size.value])
            # Step again only once this day is on the page: a render already under way in another thread
            # returns `tick.set` at once, and the runs would race ahead of what people see.
            shown.wait(timeout=SHOWN_TIMEOUT_S)
            time.sleep(PLAY_PAUSE_S)

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def choose(target: solara.Reactive[str]):
        def on_value(value: str) -> None:
            target.set(value)
            rebuild()
        return on_value

    _ = tick.value  # subscribe: the pair is mutated in place, tick says when
    current = pair.value
    with lock:
        header, table, day = header_markdown(current), summary_markdown(current), current.day

    def draw() -> Figure:
        with lock:
            return figures.comparison_figure(current.a, current.b, current.a.scenario.meta.name,
                                             current.b.scenario.meta.name)

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
            solara.Select("A: reference (PbR)", values=names, value=a_name.value, on_value=choose(a_name))
            solara.Select("B: alternative (IHO)", values=names, value=b_name.value, on_value=choose(b_name))
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
        if table:
            Md(table, classes=["ihoabm-summary"])
