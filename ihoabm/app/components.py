"""Solara pieces both pages share: the session hook, run controls, charts, the story, results and downloads.

Pages hold no model: they hold a `Session` and show its latest `View`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import markdown
import solara
import solara.lab

from ihoabm.app import story
from ihoabm.app.session import BUSY, FINISHED, PLAYING, Session
from ihoabm.app.view import View

CSS = """
.ihoabm-md { font-size: 1rem; line-height: 1.45; }
.ihoabm-md p { margin: 4px 0; }
.ihoabm-md table { border-collapse: collapse; margin: 4px 0 8px 0; }
.ihoabm-md th, .ihoabm-md td { padding: 3px 10px; border-bottom: 1px solid #c7ced6; text-align: left; }
.ihoabm-md td:not(:first-child), .ihoabm-md th:not(:first-child) { text-align: right; }
.ihoabm-md h3 { margin: 6px 0 2px 0; font-size: 1.25rem; }
.ihoabm-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 18px 24px;
                 width: 100%; }
.ihoabm-chart h4 { font-size: 1.05rem; margin: 0 0 4px 0; color: #1f2d3d; }
.ihoabm-legend { display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 0.95rem; color: #1f2d3d;
                 margin-top: 2px; }
.ihoabm-swatch { display: inline-block; width: 28px; height: 0; margin-right: 6px; vertical-align: middle; }
.ihoabm-dot { display: inline-block; width: 12px; height: 12px; border-radius: 6px; margin-right: 6px; }
.ihoabm-watch { background: #fff6e0; border-left: 5px solid #8a4b08; padding: 8px 12px; font-size: 1.05rem;
                color: #1f2d3d; margin: 6px 0; }
.ihoabm-state { font-size: 1.05rem; font-weight: 700; padding: 4px 10px; border-radius: 4px; color: white; }
.ihoabm-state-ready { background: #1e7b34; } .ihoabm-state-busy { background: #8a4b08; }
.ihoabm-state-playing { background: #0b5394; } .ihoabm-state-finished { background: #1f2d3d; }
.ihoabm-table { overflow-x: auto; width: 100%; }
"""
SIDEBAR_STYLE = {"width": "370px", "max-width": "370px"}
STATE_TEXT = {"ready": "Ready", "busy": "Working…", "playing": "Playing", "finished": "Finished"}
STEPS = (("Step a day", 1), ("Step a week", 7), ("Step a month", 28))
PLAY_SPEEDS = {"by week": 7, "by month": 28}


@solara.component
def Md(text: str, classes: list[str] | None = None) -> None:
    """Markdown (with tables) rendered on the server.

    `solara.Markdown` would ask for KaTeX, which solara-assets does not ship, so offline it fails to load.
    Only pass text from the app, the model, or the facilitator's notes file, never what a participant typed.
    """
    solara.HTML(tag="div", unsafe_innerHTML=markdown.markdown(text, extensions=["tables"]),
                classes=["ihoabm-md", *(classes or [])])


def _context() -> Any:
    """The Solara kernel context of this render, so the session's thread can update this page."""
    from solara.server import kernel_context

    return kernel_context.get_current_context() if kernel_context.has_current_context() else None


def use_session(kind: str, make_spec: Callable[[], dict[str, Any]], options: dict[str, Any]) -> Session:
    """Return this browser session's `Session`: made once, redrawn when it changes, closed when the page goes."""
    session = solara.use_memo(lambda: Session(kind, make_spec(), options), [])
    _, set_tick = solara.use_state(0)
    context = solara.use_memo(_context, [])

    def connect() -> Callable[[], None]:
        def changed() -> None:
            if context is None:
                set_tick(lambda t: t + 1)
            else:
                with context:
                    set_tick(lambda t: t + 1)
        unsubscribe = session.subscribe(changed)

        def cleanup() -> None:
            unsubscribe()
            session.close()
        return cleanup

    solara.use_effect(connect, [])
    view = session.view
    # Tell the play loop this day is on the page, so it never races ahead of what people see.
    solara.use_effect(lambda: session.shown(view.day), [id(view)])
    return session


@solara.component
def RunControls(session: Session, state: str, view: View, extra: Callable[[bool], None] | None = None) -> None:
    """Play or pause, step a day, a week or a month, and the run's state (ready, working, playing, finished).

    Args:
        session: The page's session.
        state: Its state now, and
        view: its view now (passed so that the controls redraw when either changes).
        extra: Draws further buttons; gets whether they must be disabled (busy or playing).
    """
    blocked = state in (BUSY, PLAYING, FINISHED)
    with solara.Column(gap="8px", classes=["ihoabm-controls"]):
        with solara.Row(gap="8px", style={"align-items": "center"}):
            solara.HTML(tag="span", unsafe_innerHTML=STATE_TEXT[state], classes=["ihoabm-state",
                                                                                   f"ihoabm-state-{state}"])
            solara.Text(f"day {view.day:,} of {view.total_days:,}")
        solara.ProgressLinear(True if state == BUSY else False)
        # Narrow rows: the sidebar is as wide as its widest row, and the page is laid out for 400 px.
        with solara.Row(gap="8px", style={"align-items": "center"}):
            solara.Button("Pause" if state == PLAYING else "Play", color="primary", on_click=session.toggle,
                          disabled=state == FINISHED)
            speed = next((k for k, d in PLAY_SPEEDS.items() if d == session.play_days), "by week")
            solara.ToggleButtonsSingle(speed, values=list(PLAY_SPEEDS), dense=True,
                                       on_value=lambda k: session.set_play_days(PLAY_SPEEDS[k]))
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            for label, days in STEPS:
                solara.Button(label, on_click=lambda d=days: session.step(d), disabled=blocked, outlined=True)
        if extra is not None:
            extra(state in (BUSY, PLAYING))
        if session.error:
            solara.Error(session.error, classes=["ihoabm-message"])


@solara.component
def Story(view: View) -> None:
    """What to watch, then (closed until clicked) the explainer, the scenarios, and the facilitator's notes."""
    solara.HTML(tag="div", unsafe_innerHTML=f"<strong>What to watch:</strong> {html.escape(view.watch)}",
                classes=["ihoabm-watch"])
    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Column(style={"flex": "1 1 320px"}):
            with solara.Details("What are PbR, an IHO, a host, an alliance, a risk-share corridor?"):
                Md(story.EXPLAINER, classes=["ihoabm-explainer"])
                Md("**The scenarios shown**\n\n" + view.about, classes=["ihoabm-about"])
        notes = story.facilitator_notes()
        if notes:
            with solara.Column(style={"flex": "1 1 320px"}):
                with solara.Details("Facilitator's notes"):
                    Md(notes, classes=["ihoabm-notes"])


@solara.component
def ChartGrid(view: View) -> None:
    """The tab's charts side by side, as many columns as the window fits; each with its title and legend."""
    parts = [f'<figure class="ihoabm-chart ihoabm-chart-{c.key}" style="margin:0"><h4>{html.escape(c.title)}</h4>'
             f"{c.svg}{c.legend}</figure>" for c in view.charts]
    parts += [f'<figure class="ihoabm-chart ihoabm-{p.key}" style="margin:0;grid-column:1/-1">{p.svg}'
              f'<figcaption class="ihoabm-alt">{html.escape(p.alt)}</figcaption>{p.legend}</figure>'
              for p in view.pictures]
    solara.HTML(tag="div", unsafe_innerHTML="".join(parts), classes=["ihoabm-charts"])


@solara.component
def ViewOptions(session: Session, view: View, tabs: tuple[str, ...]) -> None:
    """Tabs choosing what the charts show."""
    tab = view.options.get("tab", tabs[0])
    with solara.lab.Tabs(value=tabs.index(tab) if tab in tabs else 0,
                         on_value=lambda i: session.set_options({"tab": tabs[i]})):
        for t in tabs:
            solara.lab.Tab(t.capitalize())


@solara.component
def ContractYearsSwitch(session: Session, view: View) -> None:
    """Show every chart from the new contract's start (the burn-in year left out), or the whole run."""
    solara.Switch(label="Contract years only", value=bool(view.options.get("contract_only")),
                  on_value=lambda v: session.set_options({"contract_only": v}))


@solara.component
def Results(view: View, heading: str) -> None:
    """The running results table."""
    if view.results:
        Md(f"### {heading}\n\n{view.results}", classes=["ihoabm-results", "ihoabm-table"])


@solara.component
def Downloads(session: Session, files: tuple[str, ...], prefix: str) -> None:
    """A download button per file of the run (CSV tables and PNG figures), made when clicked."""
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
        for name in files:
            solara.FileDownload(lambda n=name: session.download(n), filename=f"{prefix}-{name}",
                                label=f"Download {name}")
