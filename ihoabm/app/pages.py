"""The app's pages, each at its own address: `/` (one model) and `/compare` (A and B side by side).

`solara run ihoabm.app.pages` serves them; `ihoabm app` does that with everything served locally.
"""

from __future__ import annotations

import solara

from ihoabm.app.comparison import ComparisonPage
from ihoabm.app.single import SinglePage

routes = [
    solara.Route(path="/", component=SinglePage, label="One model"),
    solara.Route(path="compare", component=ComparisonPage, label="Compare PbR and IHO"),
]
