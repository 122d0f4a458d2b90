"""ihoabm: an agent-based whole-system simulation of an English local health economy.

Providers (GP practices, community services, ambulance, an acute trust, a host provider and the ICB) react
to how they are paid; admissions, conveyances, spending and health emerge from their interaction.
"""

from ihoabm.core.model import IHOModel
from ihoabm.scenario import Scenario, ScenarioError, load_scenario

__version__ = "0.1.0"
__all__ = ["IHOModel", "Scenario", "ScenarioError", "__version__", "load_scenario"]
