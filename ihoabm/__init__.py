"""ihoabm: an agent-based whole-system simulation of an English local health economy.

Providers (GP practices, community services, ambulance, an acute trust, a host provider and the ICB) react
to how they are paid; admissions, conveyances, spending and health emerge from their interaction.

The names below are imported on first use, so `ihoabm --help` and other commands that do not simulate start
without importing the model (Mesa, pandas, scipy).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ihoabm.core.model import IHOModel
    from ihoabm.scenario import Scenario, ScenarioError, load_scenario

__version__ = "0.1.0"
__all__ = ["IHOModel", "Scenario", "ScenarioError", "__version__", "load_scenario"]
_HOME = {"IHOModel": "ihoabm.core.model", "Scenario": "ihoabm.scenario", "ScenarioError": "ihoabm.scenario",
         "load_scenario": "ihoabm.scenario"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'ihoabm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
