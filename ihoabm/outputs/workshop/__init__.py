"""Workshop helpers: the one-line tables (`tables`) and figures (`figures`) the notebooks call.

Notebooks import the package, `from ihoabm.outputs import workshop as ws`, and reach both as `ws.NAME`.
"""

from ihoabm.outputs.workshop.figures import *  # noqa: F403
from ihoabm.outputs.workshop.figures import __all__ as _figures
from ihoabm.outputs.workshop.tables import *  # noqa: F403
from ihoabm.outputs.workshop.tables import __all__ as _tables

__all__ = [*_tables, *_figures]
