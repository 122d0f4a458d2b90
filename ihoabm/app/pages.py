"""The app's pages, each at its own address: `/` (one model) and `/compare` (A and B side by side).

`solara run ihoabm.app.pages` serves them; `ihoabm app` does that with everything served locally.
"""

from __future__ import annotations

import solara
import solara.lab

from ihoabm.app.comparison import ComparisonPage
from ihoabm.app.single import SinglePage


@solara.component
def NavigationTabs(labels: list[str], paths: list[str], index: int) -> None:
    """Tabs in the app bar that name the pages by their labels (Solara's own tabs show their paths)."""
    router = solara.use_router()
    with solara.AppBar():
        with solara.lab.Tabs(value=index, on_value=lambda i: router.push(paths[i]), align="center"):
            for label in labels:
                solara.lab.Tab(label)


@solara.component
def Layout(children: list | None = None) -> solara.Element:
    """Solara's app layout with labelled navigation tabs around the current page."""
    route, siblings = solara.use_route()
    index = siblings.index(route) if route in siblings else 0
    with solara.AppLayout() as layout:
        labels = [r.label or r.path for r in siblings]
        NavigationTabs(labels, [solara.resolve_path(r, level=0) for r in siblings], index)
        with solara.Column(style={"width": "100%"}):
            for child in children or []:
                solara.display(child)
    return layout


# The root route's layout frames every page.
routes = [
    solara.Route(path="/", component=SinglePage, label="One model", layout=Layout),
    solara.Route(path="compare", component=ComparisonPage, label="Compare payment systems"),
]
