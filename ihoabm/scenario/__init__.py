"""Scenario files: schema, loading and validation."""

from ihoabm.scenario.loader import ScenarioError, builtin_names, load_scenario, to_toml
from ihoabm.scenario.schema import SCHEMA_VERSION, Scenario

__all__ = ["SCHEMA_VERSION", "Scenario", "ScenarioError", "builtin_names", "load_scenario", "to_toml"]
