"""Model reporters for Mesa's DataCollector, one for each metric the catalogue reads live.

Each reporter is `functools.partial(read, source)` of the catalogue's source (a tally series, a ledger
account, a model attribute): it pickles, Mesa calls it with the model, and it can be tested on its own.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from ihoabm.outputs import catalogue


def read(source: catalogue.LiveSource, m: catalogue.ModelLike) -> Any:
    """The value of a live source for a model now."""
    return source.now(m)


MODEL_REPORTERS = {m.name: partial(read, m.live) for m in catalogue.METRICS.values() if m.live is not None}
