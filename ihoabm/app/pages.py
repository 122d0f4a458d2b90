"""The app's pages, each at its own address: `/` (one model) and `/compare` (A and B side by side).

`solara run ihoabm.app.pages` serves them; `ihoabm app` does that with everything served locally.
"""

from __future__ import annotations

import solara
import solara.lab

from ihoabm.app.comparison import ComparisonPage
from ihoabm.app.single import SinglePage


@solara.component
def NavigationTabs() -> None:
    """Tabs in the app bar that name the pages by their labels (Solara's own tabs show their paths)."""
    route, siblings = solara.use_route()
    router = solara.use_router()
    index = siblings.index(route) if route in siblings else 0

    def go(i: int) -> None:
        router.push(solara.resolve_path(siblings[i]))

    with solara.AppBar():
        with solara.lab.Tabs(value=index, on_value=go, align="center"):
            for r in siblings:
                solara.lab.Tab(r.label)


@solara.component
def Layout(children: list | None = None) -> solara.Element:
    """Solara's app layout with labelled navigation tabs around the current page."""
    with solara.AppLayout() as layout:
        NavigationTabs()
        with solara.Column(style={"width": "100%"}):
            for child in children or []:
                solara.display(child)
    return layout


# The root route's layout frames every page.
routes = [
    solara.Route(path="/", component=SinglePage, label="One model", layout=Layout),
    solara.Route(path="compare", component=ComparisonPage, label="Compare PbR and IHO"),
]
