"""What a page shows after each command, built where the models live and sent to the page whole.

A `View` holds text, SVG and tables only (no model), so it can cross from a worker process to the server, and
the page never reads a model that another thread may be stepping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ihoabm.app.charts import Chart


@dataclass(frozen=True)
class Picture:
    """An SVG picture (the network, the journeys) with its text alternative and colour key."""

    key: str
    svg: str
    alt: str
    legend: str = ""


@dataclass(frozen=True)
class View:
    """Everything a page shows of its runs at one moment.

    Attributes:
        day: Days simulated.
        total_days: Days in the whole run (burn-in included).
        running: False once the run has reached its last day.
        header: Markdown: the day, the phase and the scenario(s).
        watch: What to watch in this scenario (plain text).
        about: Markdown: what the scenario files say about the scenario(s) shown.
        charts: The charts of the tab on show.
        pictures: The network or journeys, when their tab is on show.
        results: The running results table (Markdown).
        messages: One sentence per control value that could not be used.
        people: Labels of the tracked patients (journeys tab).
        person: Markdown: the chosen person's latest events (journeys tab).
    """

    day: int
    total_days: int
    running: bool
    header: str
    watch: str = ""
    about: str = ""
    charts: tuple[Chart, ...] = ()
    pictures: tuple[Picture, ...] = ()
    results: str = ""
    messages: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    person: str = ""
    options: dict = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        """True once the run has reached its last day."""
        return not self.running
