"""One run for the single-model page: built from the controls, stepped, and shown as a `View`.

This object lives wherever the session's models live (a worker process in the server); every method returns
what the page needs, never the model.
"""

from __future__ import annotations

from typing import Any

from ihoabm.app import charts, figures, pictures, results, story
from ihoabm.app.params import AppModel
from ihoabm.app.svgchart import when
from ihoabm.app.view import Picture, View

TABS = ("activity", "money", "health", "network", "journeys")
DEFAULT_OPTIONS = {"tab": "activity", "contract_only": False, "weight": "money", "person": ""}
DOWNLOADS = ("daily.csv", "results.csv", "activity.png", "money.png", "health.png", "network.png")


def progress(day: int, total: int) -> str:
    """Where a run is: 'Day 400 (year 2, month 2) of 2,190'."""
    return f"**Day {day}** ({when(day)}) of {total:,}"


class OneRun:
    """The single-model page's run and how it is shown."""

    def __init__(self) -> None:
        self.model: AppModel | None = None
        self.options = dict(DEFAULT_OPTIONS)

    def build(self, spec: dict[str, Any]) -> View:
        """A new run at day 0 from the controls (bad values become messages, see `AppModel`)."""
        self.model = AppModel(**spec)
        return self.view()

    def step(self, days: int) -> View:
        """Advance up to `days` days, never past the run's last day."""
        m = self.model
        for _ in range(int(days)):
            if not m.running:
                break
            m.step()
        return self.view()

    def view(self, options: dict[str, Any] | None = None) -> View:
        """The page's view; `options` (tab, contract years only, network weight, person) are kept for later."""
        self.options.update(options or {})
        m, o = self.model, self.options
        sc = m.scenario
        name = sc.meta.name
        phase = "finished" if not m.running else (
            "burn-in year: paid under PbR" if m.day < (charts.contract_day(m) or 0) else
            f"{story.title(name)} in force")
        header = (f"{progress(m.day, m.total_days)}: {phase}. Residents: {sc.run.patients:,} (living now: "
                  f"{m.population_size():,}); seed {sc.run.seed}.\n\n### {story.title(name)}")
        tab, only = o["tab"], bool(o["contract_only"])
        chart_list: list[charts.Chart] = []
        pics: list[Picture] = []
        people: tuple[str, ...] = ()
        person = ""
        if tab == "activity":
            chart_list = charts.activity_charts(m, only)
        elif tab == "money":
            chart_list = charts.money_charts(m, only)
        elif tab == "health":
            chart_list = charts.health_charts(m, only)
        elif tab == "network":
            svg, alt = pictures.network_svg(m, o["weight"])
            pics.append(Picture("network", svg, alt))
        elif tab == "journeys":
            pics.append(Picture("journeys", pictures.journeys_svg(m), "Tracked patients' journeys",
                                pictures.journeys_key()))
            people, person = self._person(o["person"])
        return View(day=int(m.day), total_days=int(m.total_days), running=bool(m.running), header=header,
                    watch=story.watch(name), about=story.about([name]), charts=tuple(chart_list),
                    pictures=tuple(pics),
                    results=results.markdown(results.year_table(m)), messages=tuple(m.inputs.messages),
                    people=people, person=person, options=dict(o))

    def _person(self, chosen: str) -> tuple[tuple[str, ...], str]:
        patients = self.model.tracker.patients
        labels = {pictures.patient_label(p): p for p in patients.values()}
        if not labels:
            return (), "No tracked patients in this scenario."
        p = labels.get(chosen) or next(iter(labels.values()))
        rows = "\n".join(f"| {when(day)} | {event} |" for day, event in p.journey[-15:][::-1])
        return tuple(labels), (f"Now: **{p.care_state}**. Latest events:\n\n| when | event |\n|---|---|\n"
                               + (rows or "| | nothing yet |"))

    def download(self, what: str) -> bytes:
        """A file of the run: its daily series or results table (CSV), or a figure (PNG)."""
        m = self.model
        if what == "daily.csv":
            return results.daily_csv([m], [m.scenario.meta.name]).encode()
        if what == "results.csv":
            return results.to_csv(results.year_table(m)).encode()
        draw = {"activity.png": figures.activity_figure, "money.png": figures.money_figure,
                "health.png": figures.health_figure, "network.png": figures.network_figure}
        if what not in draw:
            raise ValueError(f"no download called {what!r}; choose one of {', '.join(DOWNLOADS)}")
        return figures.to_png(draw[what](m), dpi=figures.EXPORT_DPI)
